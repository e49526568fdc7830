//! One permission per key: the documents' rows and the platform's merged,
//! with one spelling and one label each, then put in output order and
//! named.

use std::collections::btree_map::Entry as Slot;
use std::collections::{BTreeMap, BTreeSet};

use super::platform_file::{Checked, PlatformEntry};
use super::rows::{self, KeyName, RowKind};
use crate::error::{Error, Place, Problem};
use crate::model::{Document, Namespace, Origin, Permission, Release, SdkRelease, Source, Vocabulary, WildcardRow};
use crate::names;
use crate::read::{DocumentFile, Named};

/// What one row's key stands for in its document's roles and gates.
pub(super) struct RowUse {
    /// The lowercase keys of the permissions it stands for: a wildcard row
    /// with known actions stands for exactly the actions it lists.
    pub(super) keys: Vec<String>,
    /// The release a gate requires it from, when later than the document's.
    pub(super) roadmap: Option<Release>,
    /// The operations the row is grounded in, as written (`"METHOD path"`).
    pub(super) calls: Vec<String>,
    /// Why its keys differ from what the calls require.
    pub(super) calls_differ: Option<String>,
}

/// A document's rows by key, exactly as spelled.
pub(super) type DocumentKeys = BTreeMap<String, RowUse>;

/// A permission while the catalogs are merged.
struct Draft {
    name: KeyName,
    /// The first file that lists it, for errors.
    file: String,
    origin: Origin,
}

/// A wildcard row with known actions, as the first document gave it.
struct Wildcard {
    key: String,
    label: String,
}

/// The permissions of all catalogs, one per lowercase key.
#[derive(Default)]
pub(super) struct Merge {
    drafts: BTreeMap<String, Draft>,
    /// Lowercase label to (key, file).
    labels: BTreeMap<String, (String, String)>,
    /// Wildcard rows with known actions, by lowercase key.
    wildcard_rows: BTreeMap<String, Wildcard>,
}

impl Merge {
    /// Checks one document's rows and adds them; returns what each key
    /// stands for.
    pub(super) fn add_document(
        &mut self,
        doc: usize,
        named: &Named<DocumentFile>,
        document: &Document,
    ) -> Result<DocumentKeys, Error> {
        let name = named.file.as_str();
        let mut keys = DocumentKeys::new();
        let mut seen = BTreeSet::new();
        for row in &named.content.permissions {
            let at = || Place::Permission(row.key.clone());
            if !seen.insert(row.key.to_ascii_lowercase()) {
                return Err(Error::invalid(name, at(), Problem::ListedTwice));
            }
            let checked = rows::check(name, document.vocabulary, row)?;
            if let Some(label) = &row.label {
                let (key, other) = self
                    .labels
                    .entry(label.to_ascii_lowercase())
                    .or_insert((row.key.clone(), name.to_owned()));
                if !key.eq_ignore_ascii_case(&row.key) {
                    return Err(Error::invalid(
                        name,
                        at(),
                        Problem::LabelNamesTwoKeys {
                            label: label.clone(),
                            key: key.clone(),
                            file: other.clone(),
                        },
                    ));
                }
            }
            let source = |via_wildcard: Option<String>| Source {
                document: doc,
                document_id: document.id.clone(),
                description: row.description.clone(),
                section: row.section.clone(),
                also_in_sections: row.also_in_sections.clone(),
                audience: row.audience,
                evidence: row.evidence,
                license: row.license.clone(),
                product_license: row
                    .license
                    .as_ref()
                    .and_then(|license| named.content.licenses.get(license))
                    .cloned(),
                release_notes: row.release_notes.clone(),
                available_from: checked.available_from.clone(),
                via_wildcard,
            };
            let roadmap = checked.available_from.clone().filter(|from| {
                document
                    .release
                    .as_ref()
                    .is_none_or(|release| from.version > release.version)
            });
            let mut stands_for = Vec::new();
            match checked.kind {
                RowKind::Wildcard {
                    domain,
                    entity,
                    label,
                    actions,
                } if !actions.is_empty() => {
                    self.add_wildcard_row(name, &row.key, label)?;
                    for action in actions {
                        let key = KeyName::genesys(domain, entity, action);
                        stands_for.push(key.key.to_ascii_lowercase());
                        self.add(name, key, None, source(Some(row.key.clone())))?;
                    }
                }
                RowKind::Wildcard { domain, entity, .. } => {
                    stands_for.push(row.key.to_ascii_lowercase());
                    let key = KeyName::genesys(domain, entity, "*");
                    self.add(name, key, row.label.as_deref(), source(None))?;
                }
                RowKind::Key(key) => {
                    stands_for.push(row.key.to_ascii_lowercase());
                    self.add(name, key, row.label.as_deref(), source(None))?;
                }
            }
            keys.insert(
                row.key.clone(),
                RowUse {
                    keys: stands_for,
                    roadmap,
                    calls: row.calls.clone().unwrap_or_default(),
                    calls_differ: row.calls_differ.clone(),
                },
            );
        }
        Ok(keys)
    }

    /// A wildcard row with known actions: one spelling and one label
    /// across documents, as for any key.
    fn add_wildcard_row(&mut self, file: &str, key: &str, label: &str) -> Result<(), Error> {
        let at = || Place::Permission(key.to_owned());
        match self.wildcard_rows.entry(key.to_ascii_lowercase()) {
            Slot::Vacant(slot) => {
                slot.insert(Wildcard {
                    key: key.to_owned(),
                    label: label.to_owned(),
                });
                Ok(())
            }
            Slot::Occupied(slot) => {
                let first = slot.get();
                if first.key != key {
                    Err(Error::invalid(
                        file,
                        at(),
                        Problem::Respelled {
                            other: first.key.clone(),
                        },
                    ))
                } else if first.label != label {
                    Err(Error::invalid(
                        file,
                        at(),
                        Problem::Relabelled {
                            here: label.to_owned(),
                            elsewhere: first.label.clone(),
                        },
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Adds one document's row for `key`, merging with other documents' rows.
    fn add(&mut self, file: &str, key: KeyName, label: Option<&str>, source: Source) -> Result<(), Error> {
        let at = || Place::Permission(key.key.clone());
        let draft = match self.drafts.entry(key.key.to_ascii_lowercase()) {
            Slot::Vacant(slot) => {
                slot.insert(Draft {
                    name: key,
                    file: file.to_owned(),
                    origin: Origin::Documents {
                        label: label.map(str::to_owned),
                        sources: vec![source],
                        history: None,
                    },
                });
                return Ok(());
            }
            Slot::Occupied(slot) => slot.into_mut(),
        };
        if draft.name.key != key.key {
            return Err(Error::invalid(
                file,
                at(),
                Problem::Respelled {
                    other: draft.name.key.clone(),
                },
            ));
        }
        let Origin::Documents {
            label: existing_label,
            sources,
            ..
        } = &mut draft.origin
        else {
            return Err(Error::invalid(file, at(), Problem::ListedTwice));
        };
        match (existing_label.as_deref(), label) {
            (Some(elsewhere), Some(here)) if elsewhere != here => {
                return Err(Error::invalid(
                    file,
                    at(),
                    Problem::Relabelled {
                        here: here.to_owned(),
                        elsewhere: elsewhere.to_owned(),
                    },
                ));
            }
            (None, Some(here)) => *existing_label = Some(here.to_owned()),
            (Some(_) | None, _) => {}
        }
        match sources.iter_mut().find(|s| s.document == source.document) {
            // A direct row of the same document wins over one implied by a wildcard.
            Some(existing) if source.via_wildcard.is_none() => *existing = source,
            Some(_) => {}
            None => sources.push(source),
        }
        sources.sort_by_key(|s| s.document);
        Ok(())
    }

    /// Adds the checked platform catalog: a key a document lists (in any
    /// ASCII case) is that one permission, which gains the platform's
    /// history; the spelling must be the same, as between documents.
    /// Returns the SDK releases.
    pub(super) fn add_platform(&mut self, file: &str, checked: Checked) -> Result<Vec<SdkRelease>, Error> {
        for PlatformEntry { name, history } in checked.entries {
            let at = || Place::Permission(name.key.clone());
            match self.drafts.entry(name.key.to_ascii_lowercase()) {
                Slot::Occupied(slot) => {
                    let draft = slot.into_mut();
                    if draft.name.key != name.key {
                        return Err(Error::invalid(
                            file,
                            at(),
                            Problem::Respelled {
                                other: draft.name.key.clone(),
                            },
                        ));
                    }
                    match &mut draft.origin {
                        Origin::Documents { history: slot, .. } if slot.is_none() => *slot = Some(history),
                        Origin::Documents { .. } | Origin::Platform(_) => {
                            return Err(Error::invalid(file, at(), Problem::ListedTwice));
                        }
                    }
                }
                Slot::Vacant(slot) => {
                    slot.insert(Draft {
                        name,
                        file: file.to_owned(),
                        origin: Origin::Platform(history),
                    });
                }
            }
        }
        Ok(checked.releases)
    }

    /// Puts the permissions in output order (those a document lists first,
    /// so that the gates' masks take the first words of every bitset; then
    /// by vocabulary and lowercase key) and checks their constants' names.
    pub(super) fn finish(self) -> Result<(Vec<Permission>, Vec<WildcardRow>), Error> {
        let mut drafts: Vec<Draft> = self.drafts.into_values().collect();
        drafts.sort_by_key(|d| {
            let platform_only = matches!(d.origin, Origin::Platform(_));
            let vocabulary = match d.name.namespace {
                Namespace::Genesys { .. } => Vocabulary::Genesys,
                Namespace::Cxengage => Vocabulary::Cxengage,
            };
            (platform_only, vocabulary)
        });
        if drafts.len() > usize::from(u16::MAX) {
            return Err(Error::invalid(
                "catalogs",
                Place::Field("permissions"),
                Problem::TooManyPermissions { count: drafts.len() },
            ));
        }
        let mut constants: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut permissions = Vec::new();
        for Draft { name, file, origin } in drafts {
            let KeyName {
                key,
                namespace,
                module,
                constant,
            } = name;
            let fail = |problem| Err(Error::invalid(&file, Place::Permission(key.clone()), problem));
            if let Namespace::Genesys { .. } = namespace {
                if module == names::CXENGAGE_MODULE {
                    return fail(Problem::ReservedModule);
                }
                if !names::is_module_name(&module) {
                    return fail(Problem::NotAnIdentifier { name: module });
                }
                if !names::is_constant_name(&constant) {
                    return fail(Problem::NotAnIdentifier { name: constant });
                }
            }
            if let Some(other) = constants.insert((module.clone(), constant.clone()), key.clone()) {
                return fail(Problem::ConstantClash {
                    constant: format!("perm::{module}::{constant}"),
                    other,
                });
            }
            permissions.push(Permission {
                key,
                namespace,
                module,
                constant,
                origin,
            });
        }
        let mut wildcard_rows: Vec<WildcardRow> = self
            .wildcard_rows
            .into_values()
            .map(|w| WildcardRow {
                key: w.key,
                label: w.label,
            })
            .collect();
        wildcard_rows.sort_by(|a, b| a.key.cmp(&b.key));
        Ok((permissions, wildcard_rows))
    }
}
