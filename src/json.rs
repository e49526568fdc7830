//! Reading vendor JSON with errors that say where: [`JsonError`] and a small
//! walker over `serde_json::Value` that tracks the JSON path.

use core::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::Escaped;
use crate::parse::ParseError;

/// The largest JSON document accepted, in bytes (32 MiB). A listing of every
/// role of a large organization is a few megabytes.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;

/// The deepest condition tree accepted (`resourceConditionNode` nesting).
pub const MAX_CONDITION_DEPTH: usize = 32;

/// Why vendor JSON (roles, subjects, users, an organization's catalog) was rejected.
///
/// Every variant after `TooLarge` and `Syntax` names the JSON path of the
/// problem, such as `$.entities[2].permissionPolicies[0].actionSet`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The document is larger than [`MAX_JSON_BYTES`].
    #[error("document of {size} bytes is larger than the limit of {max} bytes")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON.
    #[error("invalid JSON at line {line}, column {column}: {}", Escaped(message))]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A value of the wrong type.
    #[error("`{}`: expected {expected}, found {found}", Escaped(path))]
    WrongType {
        /// Where.
        path: String,
        /// What the format says.
        expected: &'static str,
        /// What the document has.
        found: &'static str,
    },
    /// A required field is absent.
    #[error("`{}`: missing field `{field}`", Escaped(path))]
    MissingField {
        /// The object.
        path: String,
        /// The field.
        field: &'static str,
    },
    /// A value the format does not allow.
    #[error("`{}`: {}", Escaped(path), Escaped(problem))]
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A permission string that does not parse.
    #[error("`{}`: {source}", Escaped(path))]
    Permission {
        /// Where.
        path: String,
        /// Why.
        source: ParseError,
    },
    /// A condition tree nested deeper than [`MAX_CONDITION_DEPTH`].
    #[error("`{}`: condition tree deeper than {max} levels", Escaped(path))]
    TooDeep {
        /// The node at the limit.
        path: String,
        /// The limit.
        max: usize,
    },
    /// More items than the format allows.
    #[error("`{}`: more than {max} items", Escaped(path))]
    TooMany {
        /// The list.
        path: String,
        /// The limit.
        max: usize,
    },
    /// A document (or an item of one) of another kind than the reader
    /// reads: a user or a subject given as a role, a role given as a subject.
    #[error("`{}`: expected {expected}, found {found}", Escaped(path))]
    WrongKind {
        /// Where.
        path: String,
        /// What the reader reads.
        expected: &'static str,
        /// What the document is, and how that shows.
        found: &'static str,
    },
    /// A user without the expansion that says what it may do: the API's
    /// `expand` is best effort, so the field may be absent. What the user
    /// may do is then unknown: neither nothing nor everything.
    #[error(
        "`{}`: no `{field}`: the API did not expand it (expand is best effort), so what the user may do is unknown; request `?expand={field}` again",
        Escaped(path)
    )]
    NotExpanded {
        /// The user object.
        path: String,
        /// The missing expansion.
        field: &'static str,
    },
}

impl JsonError {
    /// The JSON path of the problem, when it has one.
    pub fn path(&self) -> Option<&str> {
        match self {
            JsonError::TooLarge { .. } | JsonError::Syntax { .. } => None,
            JsonError::WrongType { path, .. }
            | JsonError::MissingField { path, .. }
            | JsonError::Invalid { path, .. }
            | JsonError::Permission { path, .. }
            | JsonError::TooDeep { path, .. }
            | JsonError::TooMany { path, .. }
            | JsonError::WrongKind { path, .. }
            | JsonError::NotExpanded { path, .. } => Some(path),
        }
    }
}

/// Parses `text` after checking its size.
pub(crate) fn parse_document(text: &str) -> Result<Value, JsonError> {
    check_size(text)?;
    serde_json::from_str(text).map_err(|e| syntax(&e))
}

fn check_size(text: &str) -> Result<(), JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError::TooLarge {
            size: text.len(),
            max: MAX_JSON_BYTES,
        });
    }
    Ok(())
}

fn syntax(error: &serde_json::Error) -> JsonError {
    JsonError::Syntax {
        line: error.line(),
        column: error.column(),
        message: message(error),
    }
}

/// What the parser said, without its position.
fn message(error: &serde_json::Error) -> String {
    error
        .to_string()
        .split(" at line")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// serde_json's recursion limit: arrays and objects nested in one value it
/// builds.
const PARSER_DEPTH: usize = 128;

/// What serde_json says when a value is nested deeper than [`PARSER_DEPTH`].
const TOO_DEEP: &str = "recursion limit exceeded";

/// Whether [`parse_document`] failed because a value is nested deeper than
/// the parser's limit.
pub(crate) fn is_too_deep(error: &JsonError) -> bool {
    matches!(error, JsonError::Syntax { message, .. } if message == TOO_DEEP)
}

/// The top level of a document whose items are read one at a time. Items
/// are kept as their text (serde_json skips a raw value without recursing),
/// so an item nested deeper than the parser's limit fails alone.
#[derive(Debug)]
pub(crate) enum Outline<'a> {
    /// An array: its items.
    Array(Vec<&'a RawValue>),
    /// An object holding the listing field: that field's value, outlined
    /// (as a value without a listing field of its own).
    Listing(Box<Outline<'a>>),
    /// An object without the listing field.
    Object,
    /// Anything else: what it is, as [`JsonError::WrongType`] names it.
    Other(&'static str),
}

impl Outline<'_> {
    /// What the value is, as [`JsonError::WrongType`] names it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Outline::Array(_) => "an array",
            Outline::Listing(_) | Outline::Object => "an object",
            Outline::Other(kind) => kind,
        }
    }
}

/// Reads the top level of `text` after checking its size: an array, an
/// object with the field `listing` (whose value is outlined in turn), another
/// object, or something else. Arrays keep at most `max_items + 1` items, so
/// that a caller can report more than `max_items` without holding them all.
pub(crate) fn outline<'a>(text: &'a str, listing: &'static str, max_items: usize) -> Result<Outline<'a>, JsonError> {
    check_size(text)?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = OutlineSeed {
        listing: Some(listing),
        max_items,
    };
    let outline = seed.deserialize(&mut deserializer).map_err(|e| syntax(&e))?;
    deserializer.end().map_err(|e| syntax(&e))?;
    Ok(outline)
}

/// Parses one item of an [`Outline`], at `path`, on its own.
pub(crate) fn item(raw: &RawValue, path: &Path) -> Result<Value, JsonError> {
    serde_json::from_str(raw.get()).map_err(|error| {
        let message = message(&error);
        if message == TOO_DEEP {
            invalid(
                path,
                format!("nested deeper than the JSON parser's limit of {PARSER_DEPTH} levels"),
            )
        } else {
            // The document is valid JSON, yet not a value serde_json holds,
            // such as a number out of range.
            invalid(path, format!("invalid JSON: {message}"))
        }
    })
}

/// The string field `field` of the object `raw`, read without parsing the
/// rest: for naming an item that did not parse.
pub(crate) fn raw_string_field(raw: &RawValue, field: &str) -> Option<String> {
    let object: std::collections::HashMap<String, &RawValue> = serde_json::from_str(raw.get()).ok()?;
    serde_json::from_str(object.get(field)?.get()).ok()
}

struct OutlineSeed {
    /// The listing field; `None` inside a listing.
    listing: Option<&'static str>,
    max_items: usize,
}

impl<'de> DeserializeSeed<'de> for OutlineSeed {
    type Value = Outline<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for OutlineSeed {
    type Value = Outline<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Outline::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Outline::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Outline::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Outline::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Outline::Other("a string"))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Outline::Other("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        raw_items(seq, self.max_items).map(Outline::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut listing = None;
        while let Some(key) = map.next_key::<String>()? {
            if self.listing == Some(key.as_str()) {
                let seed = OutlineSeed {
                    listing: None,
                    max_items: self.max_items,
                };
                listing = Some(map.next_value_seed(seed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(match listing {
            Some(items) => Outline::Listing(Box::new(items)),
            None => Outline::Object,
        })
    }
}

/// The items of an array as text; past `max_items + 1`, skipped.
fn raw_items<'de, A: SeqAccess<'de>>(mut seq: A, max_items: usize) -> Result<Vec<&'de RawValue>, A::Error> {
    let mut items = Vec::new();
    while items.len() <= max_items {
        match seq.next_element::<&'de RawValue>()? {
            Some(item) => items.push(item),
            None => return Ok(items),
        }
    }
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(items)
}

/// A JSON path under construction: `$`, `$.entities[3].name`. Built on the
/// stack as the walker descends and turned into text only for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub(crate) fn root() -> Self {
        Path::Root
    }

    pub(crate) fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }

    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("$"),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn wrong_type(path: &Path, expected: &'static str, value: &Value) -> JsonError {
    wrong_kind(path, expected, type_name(value))
}

/// [`wrong_type`] for a value known by its kind (`a number`).
pub(crate) fn wrong_kind(path: &Path, expected: &'static str, found: &'static str) -> JsonError {
    JsonError::WrongType {
        path: path.to_string(),
        expected,
        found,
    }
}

pub(crate) fn invalid(path: &Path, problem: impl Into<String>) -> JsonError {
    JsonError::Invalid {
        path: path.to_string(),
        problem: problem.into(),
    }
}

pub(crate) fn object<'v>(value: &'v Value, path: &Path) -> Result<&'v Map<String, Value>, JsonError> {
    value.as_object().ok_or_else(|| wrong_type(path, "an object", value))
}

pub(crate) fn array<'v>(value: &'v Value, path: &Path) -> Result<&'v [Value], JsonError> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| wrong_type(path, "an array", value))
}

pub(crate) fn string<'v>(value: &'v Value, path: &Path) -> Result<&'v str, JsonError> {
    value.as_str().ok_or_else(|| wrong_type(path, "a string", value))
}

/// A required field.
pub(crate) fn required<'v>(
    object: &'v Map<String, Value>,
    path: &Path,
    field: &'static str,
) -> Result<&'v Value, JsonError> {
    object.get(field).ok_or_else(|| JsonError::MissingField {
        path: path.to_string(),
        field,
    })
}

/// An optional field; `null` counts as absent.
pub(crate) fn optional<'v>(object: &'v Map<String, Value>, field: &str) -> Option<&'v Value> {
    object.get(field).filter(|value| !value.is_null())
}

/// An optional string field.
pub(crate) fn optional_string<'v>(
    object: &'v Map<String, Value>,
    path: &Path,
    field: &str,
) -> Result<Option<&'v str>, JsonError> {
    optional(object, field)
        .map(|value| string(value, &path.field(field)))
        .transpose()
}

/// An optional boolean field.
pub(crate) fn optional_bool(object: &Map<String, Value>, path: &Path, field: &str) -> Result<Option<bool>, JsonError> {
    optional(object, field)
        .map(|value| {
            value
                .as_bool()
                .ok_or_else(|| wrong_type(&path.field(field), "a boolean", value))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse_document("{\n  \"name\": }").unwrap_err();
        assert!(
            matches!(
                error,
                JsonError::Syntax {
                    line: 2,
                    column: 11,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("invalid JSON at line 2, column 11: expected value"),
            "{error}"
        );
    }

    #[test]
    fn oversized_documents_are_rejected_before_parsing() {
        let text = " ".repeat(MAX_JSON_BYTES + 1);
        assert_eq!(
            parse_document(&text),
            Err(JsonError::TooLarge {
                size: MAX_JSON_BYTES + 1,
                max: MAX_JSON_BYTES
            })
        );
    }

    #[test]
    fn paths_and_types_are_named() {
        let value: Value = serde_json::json!({"a": [1]});
        let root = Path::root();
        let field = root.field("a");
        let path = field.index(0);
        assert_eq!(path.to_string(), "$.a[0]");
        let error = string(&value["a"][0], &path).unwrap_err();
        assert_eq!(error.to_string(), "`$.a[0]`: expected a string, found a number");
        assert_eq!(error.path(), Some("$.a[0]"));
    }
}
