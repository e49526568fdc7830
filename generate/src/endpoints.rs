//! The Platform API operations, `catalogs/endpoints/genesys-cloud-endpoints.json`:
//! made from the SDK's endpoint data ([`endpoints_catalog`]), one entry per
//! method and path; the generator reads it back (`read_catalog`) and
//! writes the core's table of operations.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Place, Problem};
use crate::syntax;

/// The endpoint data under `../shared/data/`.
pub const ENDPOINTS_FILE: &str = "genesys-cloud/endpoints-sdk.json";

/// The checked-in catalog of operations, under `catalogs/`. In a folder of
/// its own: the document catalogs are the `*.json` of `catalogs/` itself.
pub const CATALOG_FILE: &str = "endpoints/genesys-cloud-endpoints.json";

/// The requirement entries the SDK docs print that are not permissions,
/// each with why permgate cannot check it. Anything else that is not a
/// `domain:entity:action` key is an error. An operation that requires one
/// of them is never allowed by it (deny by default): under `ALL` the
/// operation is never allowed, under `ANY` only its permissions can allow it.
pub const NON_PERMISSIONS: [(&str, &str); 3] = [
    ("admin", "the organization's admin role, not a permission a role grants"),
    (
        "content_management_user",
        "a Content Management workspace membership, not a permission a role grants",
    ),
    (
        "They are enforced by the backend",
        "a sentence of the docs: the backend decides, with no permission named",
    ),
];

/// The HTTP methods an operation may have.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    source: SourceInfo,
    operations: Vec<SourceOperation>,
}

/// Where the endpoint data comes from.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceInfo {
    pub(crate) sdk: String,
    pub(crate) version: String,
    pub(crate) docs: String,
    pub(crate) commit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceOperation {
    method: String,
    path: String,
    operation: String,
    api: String,
    deprecated: bool,
    requires: Option<Requires>,
}

/// `{"type": "ALL" | "ANY", "permissions": [...]}`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Requires {
    #[serde(rename = "type")]
    pub(crate) kind: Kind,
    pub(crate) permissions: Vec<String>,
}

/// Whether every entry is needed, or one.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    #[serde(rename = "ALL")]
    All,
    #[serde(rename = "ANY")]
    Any,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[allow(dead_code)] // read to check the schema; the table cites the catalog
    source: SourceInfo,
    #[allow(dead_code)] // read to check the schema
    generated_from: String,
    operations: Vec<Operation>,
}

/// One operation: a method and a path, under one or more API groups.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Operation {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) operation: String,
    pub(crate) apis: Vec<String>,
    pub(crate) deprecated: bool,
    pub(crate) requires: Option<Requires>,
}

impl Operation {
    fn call(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The permission keys the endpoint data names (the non-permission entries
/// left out), each once, in the data's spelling: the platform's current list.
///
/// # Errors
///
/// As [`endpoints_catalog`].
pub fn permission_keys(text: &str) -> Result<(Vec<String>, String), Error> {
    let (source, operations) = source_operations(text)?;
    let mut keys = BTreeMap::new();
    for op in &operations {
        for entry in op.requires.iter().flat_map(|r| &r.permissions) {
            if !is_non_permission(entry) {
                keys.entry(entry.to_ascii_lowercase()).or_insert_with(|| entry.clone());
            }
        }
    }
    Ok((keys.into_values().collect(), source.version))
}

/// Makes the text of [`CATALOG_FILE`] from the SDK's endpoint data
/// ([`ENDPOINTS_FILE`]): every operation checked, one entry per method and
/// path (the API groups that list it joined in `apis`), sorted by path then
/// method, one entry a line.
///
/// # Errors
///
/// A method, path template, operation name or API group the table cannot
/// hold, a requirement entry that is neither a permission key nor one of
/// [`NON_PERMISSIONS`], an empty requirement, or one method and path listed
/// twice with a different name, requirement or deprecation; each names the
/// operation.
pub fn endpoints_catalog(text: &str) -> Result<String, Error> {
    let (source, operations) = source_operations(text)?;
    let mut lines = Vec::new();
    for op in &operations {
        let requires = match &op.requires {
            None => "null".to_owned(),
            Some(r) => {
                let kind = match r.kind {
                    Kind::All => "ALL",
                    Kind::Any => "ANY",
                };
                let entries: Vec<String> = r.permissions.iter().map(|p| format!("{p:?}")).collect();
                format!("{{\"type\": \"{kind}\", \"permissions\": [{}]}}", entries.join(", "))
            }
        };
        let apis: Vec<String> = op.apis.iter().map(|a| format!("{a:?}")).collect();
        lines.push(format!(
            "    {{\"method\": {:?}, \"path\": {:?}, \"operation\": {:?}, \"apis\": [{}], \"deprecated\": {}, \"requires\": {requires}}}",
            op.method,
            op.path,
            op.operation,
            apis.join(", "),
            op.deprecated
        ));
    }
    let SourceInfo {
        sdk,
        version,
        docs,
        commit,
    } = source;
    Ok(format!(
        "{{\n  \"source\": {{\"sdk\": {sdk:?}, \"version\": {version:?}, \"docs\": {docs:?}, \"commit\": {commit:?}}},\n  \"generated_from\": \"Generated by permgate-generate from ../shared/data/{ENDPOINTS_FILE} (the permissions each Platform API operation's SDK doc page requires; public facts): one entry per method and path, apis lists every API group that documents it.\",\n  \"operations\": [\n{}\n  ]\n}}\n",
        lines.join(",\n")
    ))
}

/// The operations of the endpoint data, checked and merged by method and path.
fn source_operations(text: &str) -> Result<(SourceInfo, Vec<Operation>), Error> {
    let file: SourceFile = serde_json::from_str(text).map_err(|source| Error::Json {
        path: ENDPOINTS_FILE.into(),
        source,
    })?;
    let mut merged: BTreeMap<(String, usize), Operation> = BTreeMap::new();
    for op in file.operations {
        let op = Operation {
            method: op.method,
            path: op.path,
            operation: op.operation,
            apis: vec![op.api],
            deprecated: op.deprecated,
            requires: op.requires,
        };
        check(ENDPOINTS_FILE, &op)?;
        let order = METHODS.iter().position(|m| *m == op.method).unwrap_or(METHODS.len());
        match merged.get_mut(&(op.path.clone(), order)) {
            Some(first) => {
                let api = op.apis.concat();
                if first.operation != op.operation || first.requires != op.requires || first.deprecated != op.deprecated
                {
                    return Err(Error::invalid(
                        ENDPOINTS_FILE,
                        Place::Operation(op.call()),
                        Problem::OperationDiffers { api },
                    ));
                }
                if !first.apis.contains(&api) {
                    first.apis.push(api);
                    first.apis.sort();
                }
            }
            None => {
                merged.insert((op.path.clone(), order), op);
            }
        }
    }
    Ok((file.source, merged.into_values().collect()))
}

/// Reads [`CATALOG_FILE`] back, checking every operation again.
pub(crate) fn read_catalog(text: &str) -> Result<Vec<Operation>, Error> {
    let file: CatalogFile = serde_json::from_str(text).map_err(|source| Error::Json {
        path: CATALOG_FILE.into(),
        source,
    })?;
    for op in &file.operations {
        check(CATALOG_FILE, op)?;
    }
    Ok(file.operations)
}

/// Whether `entry` is one of [`NON_PERMISSIONS`].
pub(crate) fn is_non_permission(entry: &str) -> bool {
    NON_PERMISSIONS.iter().any(|(known, _)| *known == entry)
}

/// Checks one operation's fields.
fn check(file: &str, op: &Operation) -> Result<(), Error> {
    let fail = |problem| Err(Error::invalid(file, Place::Operation(op.call()), problem));
    if !METHODS.contains(&op.method.as_str()) {
        return fail(Problem::Method {
            method: op.method.clone(),
        });
    }
    if !is_path_template(&op.path) {
        return fail(Problem::PathTemplate);
    }
    for name in std::iter::once(&op.operation).chain(&op.apis) {
        if !syntax::is_segment(name) {
            return fail(Problem::OperationName { value: name.clone() });
        }
    }
    if let Some(requires) = &op.requires {
        if requires.permissions.is_empty() {
            return fail(Problem::EmptyRequirement);
        }
        for entry in &requires.permissions {
            if !is_non_permission(entry) && syntax::platform_segments(entry).is_none() {
                return fail(Problem::UnknownRequirement { entry: entry.clone() });
            }
        }
    }
    Ok(())
}

/// `/api/v2/` then segments, each literal (ASCII letters, digits, `-`,
/// `_`, `.`) or a whole `{parameter}` of ASCII letters and digits.
pub(crate) fn is_path_template(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v2/") else {
        return false;
    };
    rest.split('/').all(|segment| {
        let literal = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        };
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => syntax::is_segment(name),
            None => literal(segment),
        }
    })
}
