//! Reading vendor JSON with errors that say where: [`JsonError`]; a check
//! of the whole text ([`check_document`], [`check_item`]) for what a reader
//! that builds every value refuses; typed reading of the Genesys wire types
//! ([`typed`], [`read_document`], [`read_item`]) with the JSON path of the
//! first problem; the outline of a document read item by item
//! ([`outline`]); and the serde helpers the wire types use ([`de`]).

use core::fmt;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use serde_json::value::RawValue;

use permgate_core::parse::GrantError;
use permgate_core::text::Escaped;
use permgate_core::text::Prose;

/// The largest JSON document accepted, in bytes (32 MiB). A listing of every
/// role of a large organization is a few megabytes.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;

pub use permgate_core::condition::MAX_CONDITION_DEPTH;

/// What a reader of condition nodes says, in any serde format, of a node
/// [`MAX_CONDITION_DEPTH`] levels below the root (the JSON readers make it
/// [`JsonError::TooDeep`] at the node's path).
pub(crate) fn too_deep_condition() -> String {
    format!("condition tree deeper than {MAX_CONDITION_DEPTH} levels")
}

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
    #[error("invalid JSON at line {line}, column {column}: {}", Prose(message))]
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
    #[error("`{}`: {}", Escaped(path), Prose(problem))]
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A permission string that does not parse.
    #[error("`{}`: {error}", Escaped(path))]
    Permission {
        /// Where.
        path: String,
        /// Why (in the message too: not a [`source`](std::error::Error::source)).
        error: GrantError,
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

/// `Err` when `text` is larger than `max` bytes ([`MAX_JSON_BYTES`], or a
/// stated larger bound, such as a snapshot's users).
pub(crate) fn check_size_within(text: &str, max: usize) -> Result<(), JsonError> {
    if text.len() > max {
        return Err(JsonError::TooLarge { size: text.len(), max });
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
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => text.get(..at).unwrap_or_default().to_owned(),
        _ => text,
    }
}

/// serde_json's recursion limit: arrays and objects nested in one value it
/// builds.
const PARSER_DEPTH: usize = 128;

/// What serde_json says when a value is nested deeper than [`PARSER_DEPTH`].
const TOO_DEEP: &str = "recursion limit exceeded";

/// Whether `error` (of [`check_document`]) is a value nested deeper than
/// the parser's limit.
pub(crate) fn is_too_deep(error: &JsonError) -> bool {
    matches!(error, JsonError::Syntax { message, .. } if message == TOO_DEEP)
}

/// The top level of a checked value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Top {
    /// An array.
    Array,
    /// An object, with the fields that say what kind of document it is.
    Object(Fields),
    /// Anything else: what it is, as [`JsonError::WrongType`] names it.
    Other(&'static str),
}

/// Checks `text` for what a reader that builds every value would refuse:
/// its size, its syntax, a value nested deeper than the parser's limit (128
/// levels), a number out of range, anywhere, read or not. Returns its top
/// level.
pub(crate) fn check_document(text: &str) -> Result<Top, JsonError> {
    check_document_within(text, MAX_JSON_BYTES)
}

/// [`check_document`] with a size limit of `max` bytes.
pub(crate) fn check_document_within(text: &str, max: usize) -> Result<Top, JsonError> {
    check_size_within(text, max)?;
    check(text).map_err(|error| syntax(&error))
}

/// [`check_document`] for one item of an [`Outline`], at `path`: the item
/// is valid JSON (the outline read it); what the check still refuses, such
/// as a value nested deeper than the parser's limit or a number out of
/// range, is [`JsonError::Invalid`] at `path`.
pub(crate) fn check_item(raw: &RawValue, path: &Path) -> Result<Top, JsonError> {
    check(raw.get()).map_err(|error| {
        let message = message(&error);
        if message == TOO_DEEP {
            invalid(
                path,
                format!("nested deeper than the JSON parser's limit of {PARSER_DEPTH} levels"),
            )
        } else {
            invalid(path, format!("invalid JSON: {message}"))
        }
    })
}

fn check(text: &str) -> Result<Top, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let top = deserializer.deserialize_any(TopVisitor)?;
    deserializer.end()?;
    Ok(top)
}

/// Checks a value the way serde_json builds one: every nested value is
/// visited (serde_json counts the nesting), every number parsed; nothing is
/// kept.
struct Check;

impl<'de> DeserializeSeed<'de> for Check {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(CheckVisitor)
    }
}

struct CheckVisitor;

/// The visits of a scalar of [`Check`]: accepted, and what it is.
macro_rules! accept_scalars {
    ($value:ty; $($name:ident($($arg:ty)?) => $result:expr,)*) => {$(
        fn $name<E>(self $(, _: $arg)?) -> Result<$value, E> {
            Ok($result)
        }
    )*};
}

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    accept_scalars! { ();
        visit_bool(bool) => (),
        visit_i64(i64) => (),
        visit_u64(u64) => (),
        visit_f64(f64) => (),
        visit_str(&str) => (),
        visit_unit() => (),
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Check)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Check)?;
        }
        Ok(())
    }
}

/// [`CheckVisitor`] at the top level: what the value is, and the fields of
/// an object.
struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    accept_scalars! { Top;
        visit_bool(bool) => Top::Other("a boolean"),
        visit_i64(i64) => Top::Other("a number"),
        visit_u64(u64) => Top::Other("a number"),
        visit_f64(f64) => Top::Other("a number"),
        visit_str(&str) => Top::Other("a string"),
        visit_unit() => Top::Other("null"),
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top, A::Error> {
        CheckVisitor.visit_seq(seq).map(|()| Top::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            fields.note(&key.0);
            map.next_value_seed(Check)?;
        }
        Ok(Top::Object(fields))
    }
}

/// An object's key, borrowed where the input allows.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor).map(Key)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(text))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(text.to_owned()))
    }
}

/// Checks `text` ([`check_document`]) and reads it as the wire type `T` (an
/// object). Every problem after the check is named at its JSON path.
pub(crate) fn typed<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    check_document(text)?;
    read_document(text)
}

/// Reads a checked document ([`check_document`]) as the wire type `T`.
pub(crate) fn read_document<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    read(text, &Path::root(), Whole::Document)
}

/// Reads a checked item ([`check_item`]) as the wire type `T`, at `path`.
pub(crate) fn read_item<T: DeserializeOwned>(raw: &RawValue, path: &Path) -> Result<T, JsonError> {
    read(raw.get(), path, Whole::Item)
}

/// What a text read by [`read`] is: how a syntax error (which a checked
/// text no longer has) would be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// A document: with line and column.
    Document,
    /// An item of a document: at the item's path.
    Item,
}

/// Reads `text` at `base` as `T`. Valid input is read once, without
/// tracking where the reader is; input with a problem is read a second time
/// through `serde_path_to_error`, for the path of the problem.
fn read<T: DeserializeOwned>(text: &str, base: &Path, whole: Whole) -> Result<T, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let fast = de::Obj::<T>::default()
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    let fast_error = match fast {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let tracked = de::Obj::<T>::default()
        .deserialize(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track))
        .and_then(|_| deserializer.end());
    // The same input fails the same way; should it not, the first error
    // stands, at `base`.
    let error = tracked.err().unwrap_or(fast_error);
    let path = track.path();
    Err(problem(&error, base, &path, whole))
}

/// The [`JsonError`] of `error`, raised at `relative` under `base`.
fn problem(error: &serde_json::Error, base: &Path, relative: &serde_path_to_error::Path, whole: Whole) -> JsonError {
    match (error.classify(), whole) {
        (Category::Data, _) => data_problem(joined(base, relative), &message(error)),
        (_, Whole::Document) => syntax(error),
        (_, Whole::Item) => invalid(base, format!("invalid JSON: {}", message(error))),
    }
}

/// `base` followed by the segments of `relative`, as [`Path`] prints.
fn joined(base: &Path, relative: &serde_path_to_error::Path) -> String {
    use core::fmt::Write as _;
    use serde_path_to_error::Segment;

    let mut text = base.to_string();
    for segment in relative {
        let _ = match segment {
            Segment::Seq { index } => write!(text, "[{index}]"),
            Segment::Map { key } | Segment::Enum { variant: key } => write!(text, ".{key}"),
            Segment::Unknown => write!(text, ".?"),
        };
    }
    text
}

/// The expectations the wire types state, as [`JsonError::WrongType`]
/// names them.
const EXPECTED: [&str; 4] = ["a string", "a boolean", "an array", "an object"];

/// The fields the wire types require, as [`JsonError::MissingField`] names
/// them.
const REQUIRED: [&str; 11] = [
    "name",
    "domain",
    "entityName",
    "actionSet",
    "entityType",
    "action",
    "role",
    "division",
    "id",
    "grants",
    "entities",
];

/// The [`JsonError`] of a data error serde reported at `path`: a wrong type
/// and a missing field as their variants (serde states them as
/// `invalid type: {found}, expected {expected}` and `missing field
/// `{field}``), anything else as [`JsonError::Invalid`] with serde's words.
fn data_problem(path: String, message: &str) -> JsonError {
    if message == too_deep_condition() {
        return JsonError::TooDeep {
            path,
            max: MAX_CONDITION_DEPTH,
        };
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        let expected = EXPECTED.into_iter().find(|known| *known == expected);
        if let (Some(found), Some(expected)) = (found_kind(found), expected) {
            return JsonError::WrongType { path, expected, found };
        }
    }
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
        .and_then(|field| REQUIRED.into_iter().find(|known| *known == field));
    if let Some(field) = missing {
        return JsonError::MissingField { path, field };
    }
    JsonError::Invalid {
        path,
        problem: message.to_owned(),
    }
}

/// What serde_json found (`integer `3``, `string "x"`, `null`, `sequence`,
/// `map`, `boolean `true``), as [`JsonError::WrongType`] names it.
fn found_kind(found: &str) -> Option<&'static str> {
    let word = found.split([' ', '`']).next().unwrap_or_default();
    Some(match word {
        "null" => "null",
        "boolean" => "a boolean",
        "integer" | "floating" => "a number",
        "string" => "a string",
        "sequence" => "an array",
        "map" => "an object",
        _ => return None,
    })
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

/// Which of the fields that set Genesys documents apart an object has
/// (`null` counts: the field is there).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    pub(crate) grants: bool,
    pub(crate) authorization: bool,
    pub(crate) roles: bool,
    pub(crate) unused_roles: bool,
    pub(crate) permission_policies: bool,
    pub(crate) policies: bool,
    pub(crate) permissions: bool,
    pub(crate) name: bool,
    pub(crate) id: bool,
    pub(crate) username: bool,
    pub(crate) email: bool,
    pub(crate) entities: bool,
    pub(crate) resource: bool,
}

impl Fields {
    /// Records the field `key`.
    fn note(&mut self, key: &str) {
        let field = match key {
            "grants" => &mut self.grants,
            "authorization" => &mut self.authorization,
            "roles" => &mut self.roles,
            "unusedRoles" => &mut self.unused_roles,
            "permissionPolicies" => &mut self.permission_policies,
            "policies" => &mut self.policies,
            "permissions" => &mut self.permissions,
            "name" => &mut self.name,
            "id" => &mut self.id,
            "username" => &mut self.username,
            "email" => &mut self.email,
            "entities" => &mut self.entities,
            "resource" => &mut self.resource,
            _ => return,
        };
        *field = true;
    }
}

/// Reads the top level of `text` after checking its size: an array, an
/// object with the field `listing` (whose value is outlined in turn), another
/// object, or something else. Arrays keep at most `max_items + 1` items, so
/// that a caller can report more than `max_items` without holding them all.
pub(crate) fn outline<'a>(text: &'a str, listing: &'static str, max_items: usize) -> Result<Outline<'a>, JsonError> {
    outline_within(text, listing, max_items, MAX_JSON_BYTES)
}

/// [`outline`] with a size limit of `max_bytes`.
pub(crate) fn outline_within<'a>(
    text: &'a str,
    listing: &'static str,
    max_items: usize,
    max_bytes: usize,
) -> Result<Outline<'a>, JsonError> {
    check_size_within(text, max_bytes)?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = OutlineSeed {
        listing: Some(listing),
        max_items,
    };
    let outline = seed.deserialize(&mut deserializer).map_err(|e| syntax(&e))?;
    deserializer.end().map_err(|e| syntax(&e))?;
    Ok(outline)
}

/// The string field `field` of the object `text`, read without reading the
/// rest: for naming an item that did not read.
pub(crate) fn string_field(text: &str, field: &str) -> Option<String> {
    let object: std::collections::HashMap<String, &RawValue> = serde_json::from_str(text).ok()?;
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
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if self.listing == Some(&*key.0) {
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

/// Serde helpers for the wire types: objects only from JSON objects, arrays
/// and objects named as [`JsonError::WrongType`] names them, `null` as absent.
///
/// A derived struct also reads a JSON array, field by field in order; the
/// wire types read structs only from objects, so that `["r", "d"]` is never
/// a role. Every struct is read through [`Obj`](de::Obj), and every field holding a
/// struct or a list through one of the functions here.
pub(crate) mod de {
    use core::fmt;
    use core::marker::PhantomData;
    use std::collections::BTreeMap;

    use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

    /// A deserializer that reads a struct as a map: only from an object.
    struct MapOnly<D>(D);

    impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
        type Error = D::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            self.0.deserialize_map(visitor)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    /// Reads a `T` as such.
    pub(crate) struct Plain<T>(PhantomData<T>);

    /// Reads a struct `T` from an object only.
    pub(crate) struct Obj<T>(PhantomData<T>);

    /// Reads an array of what `S` reads.
    pub(crate) struct Array<S>(PhantomData<S>);

    /// Reads an object of what `S` reads, by key.
    pub(crate) struct Map<S>(PhantomData<S>);

    /// Reads what `S` reads, or `None` for `null`.
    pub(crate) struct Opt<S>(PhantomData<S>);

    macro_rules! seed_default {
        ($($name:ident),*) => {$(
            impl<T> Default for $name<T> {
                fn default() -> Self {
                    Self(PhantomData)
                }
            }
        )*};
    }
    seed_default!(Plain, Obj, Array, Map, Opt);

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Plain<T> {
        type Value = T;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
            T::deserialize(deserializer)
        }
    }

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Obj<T> {
        type Value = T;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
            T::deserialize(MapOnly(deserializer))
        }
    }

    impl<'de, S: DeserializeSeed<'de> + Default> DeserializeSeed<'de> for Array<S> {
        type Value = Vec<S::Value>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_seq(self)
        }
    }

    impl<'de, S: DeserializeSeed<'de> + Default> Visitor<'de> for Array<S> {
        type Value = Vec<S::Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(item) = seq.next_element_seed(S::default())? {
                items.push(item);
            }
            Ok(items)
        }
    }

    impl<'de, S: DeserializeSeed<'de> + Default> DeserializeSeed<'de> for Map<S> {
        type Value = BTreeMap<String, S::Value>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    impl<'de, S: DeserializeSeed<'de> + Default> Visitor<'de> for Map<S> {
        type Value = BTreeMap<String, S::Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = map.next_value_seed(S::default())?;
                entries.insert(key, value);
            }
            Ok(entries)
        }
    }

    impl<'de, S: DeserializeSeed<'de> + Default> DeserializeSeed<'de> for Opt<S> {
        type Value = Option<S::Value>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_option(self)
        }
    }

    impl<'de, S: DeserializeSeed<'de> + Default> Visitor<'de> for Opt<S> {
        type Value = Option<S::Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            S::default().deserialize(deserializer).map(Some)
        }
    }

    /// A struct, from an object only.
    pub(crate) fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
        Obj::default().deserialize(deserializer)
    }

    /// A struct from an object, or `None` for `null`.
    pub(crate) fn opt_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        Opt::<Obj<T>>::default().deserialize(deserializer)
    }

    /// An array of values.
    pub(crate) fn array<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Array::<Plain<T>>::default().deserialize(deserializer)
    }

    /// An array of values, or `None` for `null`.
    pub(crate) fn opt_array<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        Opt::<Array<Plain<T>>>::default().deserialize(deserializer)
    }

    /// An array of structs, each from an object.
    pub(crate) fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Array::<Obj<T>>::default().deserialize(deserializer)
    }

    /// An array of structs, each from an object, or `None` for `null`.
    pub(crate) fn opt_objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        Opt::<Array<Obj<T>>>::default().deserialize(deserializer)
    }

    /// An object of strings, or `None` for `null`.
    pub(crate) fn opt_strings<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<BTreeMap<String, String>>, D::Error> {
        Opt::<Map<Plain<String>>>::default().deserialize(deserializer)
    }

    /// An object whose values are arrays of structs, or `None` for `null`.
    pub(crate) fn opt_object_lists<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<BTreeMap<String, Vec<T>>>, D::Error> {
        Opt::<Map<Array<Obj<T>>>>::default().deserialize(deserializer)
    }
}

/// A JSON path under construction: `$`, `$.entities[3].name`. Built on the
/// stack as a reader descends and turned into text only for an error.
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

/// [`JsonError::WrongType`] for a value known by its kind (`a number`).
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

/// [`JsonError::MissingField`] of `field` in the object at `path`.
pub(crate) fn missing(path: &Path, field: &'static str) -> JsonError {
    JsonError::MissingField {
        path: path.to_string(),
        field,
    }
}

/// [`JsonError::TooMany`] when `items` holds more than `max`.
pub(crate) fn at_most(items: usize, max: usize, path: &Path) -> Result<(), JsonError> {
    if items > max {
        return Err(JsonError::TooMany {
            path: path.to_string(),
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(expecting = "an object")]
    struct Item {
        name: String,
        #[serde(default, deserialize_with = "de::opt_array")]
        tags: Option<Vec<String>>,
        #[serde(default, deserialize_with = "de::opt_objects")]
        parts: Option<Vec<Item>>,
        #[serde(default)]
        on: Option<bool>,
    }

    fn item(text: &str) -> Result<Item, JsonError> {
        typed(text)
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = item("{\n  \"name\": }").unwrap_err();
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
            item(&text).map(|_| ()),
            Err(JsonError::TooLarge {
                size: MAX_JSON_BYTES + 1,
                max: MAX_JSON_BYTES
            })
        );
    }

    #[test]
    fn paths_and_types_are_named() {
        let root = Path::root();
        let field = root.field("a");
        let path = field.index(0);
        assert_eq!(path.to_string(), "$.a[0]");
        let error = item(r#"{"name": "x", "tags": [1]}"#).unwrap_err();
        assert_eq!(error.to_string(), "`$.tags[0]`: expected a string, found a number");
        assert_eq!(error.path(), Some("$.tags[0]"));
        let wrong = |text: &str| match item(text) {
            Err(JsonError::WrongType { path, expected, found }) => (path, expected, found),
            other => panic!("{other:?}"),
        };
        assert_eq!(wrong("[]"), ("$".into(), "an object", "an array"));
        assert_eq!(
            wrong(r#"{"name": "x", "parts": [{"name": "y"}, ["z"]]}"#),
            ("$.parts[1]".into(), "an object", "an array")
        );
        assert_eq!(
            wrong(r#"{"name": "x", "tags": {"a": 1}}"#),
            ("$.tags".into(), "an array", "an object")
        );
        assert_eq!(wrong(r#"{"name": null}"#), ("$.name".into(), "a string", "null"));
        assert_eq!(wrong(r#"{"name": 1.5}"#), ("$.name".into(), "a string", "a number"));
        assert_eq!(
            wrong(r#"{"name": "x", "on": "yes"}"#),
            ("$.on".into(), "a boolean", "a string")
        );
        // A string that holds serde's own words is still only a string.
        assert_eq!(
            wrong(r#"{"name": "x", "on": "a, expected a string"}"#),
            ("$.on".into(), "a boolean", "a string")
        );
        assert_eq!(
            item(r#"{"parts": []}"#).unwrap_err(),
            JsonError::MissingField {
                path: "$".into(),
                field: "name"
            }
        );
        assert_eq!(
            item(r#"{"name": "x", "parts": [{"tags": null}]}"#).unwrap_err(),
            JsonError::MissingField {
                path: "$.parts[0]".into(),
                field: "name"
            }
        );
        let twice = item(r#"{"name": "x", "name": "y"}"#).unwrap_err();
        assert_eq!(twice.path(), Some("$"));
        assert!(matches!(twice, JsonError::Invalid { .. }), "{twice:?}");
    }

    #[test]
    fn null_is_absent_and_valid_input_reads() {
        let read = item(r#"{"name": "x", "tags": null, "parts": [{"name": "y", "tags": ["a"]}], "on": null}"#).unwrap();
        assert_eq!(read.name, "x");
        assert_eq!(read.tags, None);
        assert_eq!(read.on, None);
        let parts = read.parts.unwrap();
        assert_eq!(
            (parts[0].name.as_str(), parts[0].tags.as_deref()),
            ("y", Some(&["a".to_owned()][..]))
        );
    }

    #[test]
    fn fields_say_what_an_object_has() {
        let Ok(Top::Object(fields)) =
            check_document(r#"{"authorization": null, "id": "u", "id": 2, "other": [1, {"grants": 1}]}"#)
        else {
            panic!("an object")
        };
        assert!(fields.authorization && fields.id && !fields.grants && !fields.name);
        assert_eq!(check_document("[]"), Ok(Top::Array));
        assert_eq!(check_document("7"), Ok(Top::Other("a number")));
        assert!(is_too_deep(
            &check_document(&format!("{{\"x\": {}{}}}", "[".repeat(200), "]".repeat(200))).unwrap_err()
        ));
        assert!(matches!(
            check_document(r#"{"x": 1e400}"#),
            Err(JsonError::Syntax { .. })
        ));
    }
}
