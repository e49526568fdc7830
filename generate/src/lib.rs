//! Turns permgate's `catalogs/*.json` into `src/generated.rs`, and the
//! SDK's permission data into `catalogs/genesys-cloud-platform.json`
//! ([`platform::platform_catalog`]).
//!
//! Three steps, one module each: `read` parses every file
//! into typed structs (the JSON schema only), `validate` checks every value
//! and reference and builds the model, and `write` emits Rust source from
//! that model alone. Every invalid input is an [`Error`] naming the file,
//! the entry and the [`Problem`]. Output is deterministic: documents sorted
//! by id, permissions (those a document lists first) by vocabulary then
//! lowercase key.

use std::path::Path;

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

/// Reads every `*.json` in `dir` and returns the text of `generated.rs`.
///
/// # Errors
///
/// The first problem found, naming the file and the entry.
pub fn generate(dir: &Path) -> Result<String, Error> {
    let catalogs = read::catalogs(dir)?;
    let model = validate::catalogs(&catalogs)?;
    Ok(write::RustSource(&model).to_string())
}
