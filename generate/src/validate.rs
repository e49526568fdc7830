//! Validating: every check on the catalogs, alone and against each other,
//! and the [`Model`] they make. The first problem found is the error.
//!
//! In order: each document's own fields ([`document`]) and rows
//! ([`rows`]), merged into one permission per key ([`merge`]); each
//! document's roles and gates ([`references`]); the platform catalog
//! ([`platform_file`]), merged in too; the permissions' order and constant
//! names; last the gates resolved to permissions ([`gates`]).

mod gates;
mod merge;
mod platform_file;
mod references;
mod rows;

use crate::endpoints::Operation;
use crate::error::{Error, Place, Problem};
use crate::model::{Document, Model, Platform, Release, Role};
use crate::read::{Catalogs, DocumentFile, Named};
use crate::syntax;

/// Checks the catalogs and resolves every reference between them.
pub(crate) fn catalogs(input: &Catalogs, operations: &[Operation]) -> Result<Model, Error> {
    if input.documents.is_empty() {
        return Err(Error::NoCatalogs {
            path: input.dir.clone(),
        });
    }
    let mut merge = merge::Merge::default();
    let mut documents = Vec::new();
    let mut keys = Vec::new();
    for (doc, named) in input.documents.iter().enumerate() {
        let document = document(named)?;
        keys.push(merge.add_document(doc, named, &document)?);
        documents.push(document);
    }
    let (platform, sdk_releases) = match &input.platform {
        Some(named) => {
            let checked = platform_file::check(named)?;
            let platform = Platform {
                file: named.file.clone(),
                title: named.content.title.clone(),
                sdk_version: named.content.sdk_version.clone(),
                source_files: named.content.source_files.clone(),
            };
            (Some(platform), merge.add_platform(&named.file, checked)?)
        }
        None => (None, Vec::new()),
    };
    let platform_keys = input
        .platform
        .iter()
        .flat_map(|named| &named.content.permissions)
        .map(|row| (row.key.as_str(), row.current))
        .collect();
    references::check(&input.documents, &keys, &platform_keys)?;
    let (permissions, wildcard_rows) = merge.finish()?;
    let members = gates::members(&permissions);
    let mut roles = Vec::new();
    let mut gates = Vec::new();
    for (doc, ((named, document), keys)) in input.documents.iter().zip(&documents).zip(&keys).enumerate() {
        for role in &named.content.roles {
            roles.push(Role {
                name: role.name.clone(),
                description: role.description.clone(),
                document: doc,
                extends: role.extends.clone(),
                grants: role.permissions.clone(),
            });
        }
        for gate in &named.content.gates {
            gates.push(gates::resolve(doc, named, document, keys, &members, operations, gate)?);
        }
        // Grounded rows no gate names are checked too.
        for (key, row) in keys {
            gates::check_row(&named.file, key, row, operations)?;
        }
    }
    Ok(Model {
        documents,
        platform,
        sdk_releases,
        permissions,
        wildcard_rows,
        roles,
        gates,
    })
}

/// A document's own fields: its id (the file name), release, month and texts.
fn document(named: &Named<DocumentFile>) -> Result<Document, Error> {
    let file = &named.content;
    let name = named.file.as_str();
    check_id(name, &file.id)?;
    let top = |field| move || Place::Field(field);
    for (field, value) in [
        ("title", &file.title),
        ("product", &file.product),
        ("vendor", &file.vendor),
        ("platform", &file.platform),
        ("source_file", &file.source_file),
    ] {
        text(name, top(field), field, value)?;
    }
    texts(name, top("notes"), "notes", &file.notes)?;
    if let Some(published) = &file.published {
        if !syntax::is_month(published) {
            return Err(Error::invalid(
                name,
                Place::Field("published"),
                Problem::Published {
                    value: published.clone(),
                },
            ));
        }
    }
    let release = file
        .release
        .as_deref()
        .map(|r| release(name, Place::Field("release"), r))
        .transpose()?;
    Ok(Document {
        id: file.id.clone(),
        title: file.title.clone(),
        product: file.product.clone(),
        vendor: file.vendor.clone(),
        platform: file.platform.clone(),
        published: file.published.clone(),
        release,
        source_file: file.source_file.clone(),
        vocabulary: file.vocabulary,
        notes: file.notes.clone(),
    })
}

/// A catalog's `id` is its file name without `.json`.
fn check_id(file: &str, id: &str) -> Result<(), Error> {
    if format!("{id}.json") == file {
        Ok(())
    } else {
        Err(Error::invalid(
            file,
            Place::Field("id"),
            Problem::IdMismatch { id: id.to_owned() },
        ))
    }
}

/// A document release (`release`, `available_from`), checked.
fn release(file: &str, at: Place, text: &str) -> Result<Release, Error> {
    match syntax::release(text) {
        Some(version) => Ok(Release {
            text: text.to_owned(),
            version,
        }),
        None => Err(Error::invalid(file, at, Problem::Release { value: text.to_owned() })),
    }
}

/// A text field that must say something.
fn text(file: &str, at: impl Fn() -> Place, field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        Err(Error::invalid(file, at(), Problem::EmptyText { field }))
    } else {
        Ok(())
    }
}

/// A list of texts, each of which must say something (the list may be empty).
fn texts(file: &str, at: impl Fn() -> Place, field: &'static str, values: &[String]) -> Result<(), Error> {
    values.iter().try_for_each(|value| text(file, &at, field, value))
}
