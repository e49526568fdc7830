//! Turns permgate's `catalogs/*.json` into `crates/permgate-core/src/generated.rs` and
//! `crates/permgate-core/src/builtin.rs` ([`generate_files`]),
//! and the SDK's permission data into `catalogs/genesys-cloud-platform.json`
//! ([`platform::platform_catalog`]).
//!
//! Three steps, one module each. `read` parses every file into typed
//! structs, checking only the JSON schema (closed, every field present).
//! `validate` checks every value and every reference, within a file and
//! across the catalogs, and builds the `model`, in which nothing is left
//! to check. `write` emits Rust source from that model alone. `syntax`
//! (how keys, labels, releases and dates are spelled), `sdk` (SDK
//! releases) and `names` (the Rust names of permissions and gates) serve
//! the validator.
//!
//! Every invalid input is an [`Error`]: [`Error::Invalid`] names the file,
//! the [`Place`] in it and the [`Problem`]; nothing is skipped or given a
//! default. Output is deterministic: documents sorted by id, permissions
//! (those a document lists first) by vocabulary then lowercase key.

use std::path::Path;

pub mod endpoints;
mod error;
mod model;
mod names;
pub mod platform;
mod read;
mod sdk;
mod syntax;
mod validate;
mod write;

pub use error::{Error, Place, Problem};

/// The generated files, by their path under `src/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// `src/generated.rs`: the tables, typed permissions and gates.
    pub generated: String,
    /// `src/builtin.rs`: the builtin catalog's size and the SDK release
    /// table, which the core's lower modules use.
    pub builtin: String,
    /// `src/gates_table.rs`: the documents' gates (their statics, the
    /// `GATES` table and the `gates` module of marker types), apart from
    /// `generated.rs` since a gate grounded in the API cites the table of
    /// operations, which names the permissions `generated.rs` defines.
    pub gates: String,
    /// `src/operations_table.rs`: every Platform API operation and its
    /// requirement, from [`endpoints::CATALOG_FILE`] (empty when the folder
    /// has no such file).
    pub operations: String,
}

/// Reads every `*.json` in `dir` and returns the text of `generated.rs`.
///
/// # Errors
///
/// The first problem found, naming the file and the entry.
pub fn generate(dir: &Path) -> Result<String, Error> {
    generate_files(dir).map(|files| files.generated)
}

/// Reads every `*.json` in `dir` and returns the text of every generated file.
///
/// # Errors
///
/// The first problem found, naming the file and the entry.
pub fn generate_files(dir: &Path) -> Result<Files, Error> {
    let catalogs = read::catalogs(dir)?;
    let path = dir.join(endpoints::CATALOG_FILE);
    let operations = match std::fs::read_to_string(&path) {
        Ok(text) => endpoints::read_catalog(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let model = validate::catalogs(&catalogs, &operations)?;
    Ok(Files {
        operations: write::operations_table(&model, &operations)?,
        generated: write::RustSource(&model).to_string(),
        gates: write::GatesSource(&model).to_string(),
        builtin: write::BuiltinSource(&model).to_string(),
    })
}
