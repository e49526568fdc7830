//! One permission row of a document, alone: its key, label, actions,
//! texts and release.

use std::collections::BTreeSet;

use super::{release, text, texts};
use crate::error::{Error, Place, Problem};
use crate::model::{Namespace, Release, Vocabulary};
use crate::names;
use crate::read::PermissionRow;
use crate::syntax;

/// A row whose fields are checked.
pub(super) struct CheckedRow<'a> {
    pub(super) kind: RowKind<'a>,
    /// `available_from`, parsed.
    pub(super) available_from: Option<Release>,
}

/// What a row's key is.
pub(super) enum RowKind<'a> {
    /// A CxEngage flat name, or a concrete Genesys Cloud key.
    Key(KeyName),
    /// A Genesys Cloud wildcard key: `actions` empty when no source names them.
    Wildcard {
        domain: &'a str,
        entity: &'a str,
        label: &'a str,
        actions: &'a [String],
    },
}

/// A permission's key and the Rust names of its constant.
#[derive(Debug, Clone)]
pub(super) struct KeyName {
    pub(super) key: String,
    pub(super) namespace: Namespace,
    pub(super) module: String,
    pub(super) constant: String,
}

impl KeyName {
    pub(super) fn flat(key: &str) -> Self {
        KeyName {
            key: key.to_owned(),
            namespace: Namespace::Cxengage,
            module: names::CXENGAGE_MODULE.to_owned(),
            constant: key.to_owned(),
        }
    }

    pub(super) fn genesys(domain: &str, entity: &str, action: &str) -> Self {
        KeyName {
            key: format!("{domain}:{entity}:{action}"),
            namespace: Namespace::Genesys {
                domain: domain.to_owned(),
            },
            module: names::domain_module(domain),
            constant: names::genesys_constant(domain, entity, action),
        }
    }
}

/// Checks one row of a document in `vocabulary`.
pub(super) fn check<'a>(file: &str, vocabulary: Vocabulary, row: &'a PermissionRow) -> Result<CheckedRow<'a>, Error> {
    let at = || Place::Permission(row.key.clone());
    let available_from = row
        .available_from
        .as_deref()
        .map(|r| release(file, Place::PermissionField(row.key.clone(), "available_from"), r))
        .transpose()?;
    let kind = kind(file, vocabulary, row)?;
    text(file, at, "description", &row.description)?;
    text(file, at, "section", &row.section)?;
    texts(file, at, "also_in_sections", &row.also_in_sections)?;
    if let Some(license) = &row.license {
        text(file, at, "license", license)?;
    }
    texts(file, at, "release_notes", &row.release_notes)?;
    Ok(CheckedRow { kind, available_from })
}

fn kind<'a>(file: &str, vocabulary: Vocabulary, row: &'a PermissionRow) -> Result<RowKind<'a>, Error> {
    let fail = |problem| Err(Error::invalid(file, Place::Permission(row.key.clone()), problem));
    match vocabulary {
        Vocabulary::Cxengage => {
            if !syntax::is_flat_name(&row.key) {
                return fail(Problem::FlatName);
            }
            if row.label.is_some() || row.actions.is_some() {
                return fail(Problem::FlatNameWithLabel);
            }
            Ok(RowKind::Key(KeyName::flat(&row.key)))
        }
        Vocabulary::Genesys => {
            let Some((domain, entity, action)) = syntax::segments(&row.key) else {
                return fail(Problem::KeyShape);
            };
            let wildcard = action == "*";
            if !syntax::is_segment(domain) || !syntax::is_segment(entity) || !(wildcard || syntax::is_segment(action)) {
                return fail(Problem::Segment);
            }
            let actions = match (&row.actions, wildcard) {
                (None, true) => return fail(Problem::WildcardWithoutActions),
                (Some(_), false) => return fail(Problem::ActionsOnConcreteKey),
                (Some(actions), true) => actions.as_slice(),
                (None, false) => &[],
            };
            if !actions.iter().all(|a| syntax::is_segment(a)) {
                return fail(Problem::Action);
            }
            let mut listed = BTreeSet::new();
            if let Some(action) = actions.iter().find(|a| !listed.insert(a.to_ascii_lowercase())) {
                return fail(Problem::RepeatedAction { action: action.clone() });
            }
            let Some(label) = &row.label else {
                return fail(Problem::MissingLabel);
            };
            let Some([_, _, label_action]) = syntax::label_parts(label) else {
                return fail(Problem::LabelShape);
            };
            if (label_action == "All" || label_action == "All Permissions") != wildcard {
                return fail(Problem::LabelWildcard);
            }
            if wildcard {
                Ok(RowKind::Wildcard {
                    domain,
                    entity,
                    label,
                    actions,
                })
            } else {
                Ok(RowKind::Key(KeyName::genesys(domain, entity, action)))
            }
        }
    }
}
