//! Reading vendor JSON with errors that say where: [`JsonError`] and a small
//! walker over `serde_json::Value` that tracks the JSON path.

use core::fmt;

use serde_json::{Map, Value};

use crate::Escaped;
use crate::parse::ParseError;

/// The largest JSON document accepted, in bytes (32 MiB). A listing of every
/// role of a large organization is a few megabytes.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;

/// The deepest condition tree accepted (`resourceConditionNode` nesting).
pub const MAX_CONDITION_DEPTH: usize = 32;

/// Why vendor JSON (roles, subjects, an organization's catalog) was rejected.
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
            | JsonError::TooMany { path, .. } => Some(path),
        }
    }
}

/// Parses `text` after checking its size.
pub(crate) fn parse_document(text: &str) -> Result<Value, JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError::TooLarge {
            size: text.len(),
            max: MAX_JSON_BYTES,
        });
    }
    serde_json::from_str(text).map_err(|e| JsonError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line").next().unwrap_or_default().to_owned(),
    })
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
    JsonError::WrongType {
        path: path.to_string(),
        expected,
        found: type_name(value),
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
