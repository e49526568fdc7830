//! Validating: every check on the catalogs, alone and against each other,
//! and the [`Model`] they make. The first problem found is the error.

use std::collections::btree_map::Entry as Slot;
use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Place, Problem};
use crate::model::{
    Document, Gate, History, Member, Model, Namespace, Origin, Permission, Platform, Release, Role, SdkRelease, Seen,
    Source, Version, Vocabulary, WildcardRow,
};
use crate::names;
use crate::read::{Catalogs, DocumentFile, GateRow, Named, PermissionRow, PlatformFile, SeenIn};
use crate::syntax;

/// Checks the catalogs and resolves every reference between them.
pub(crate) fn catalogs(input: &Catalogs) -> Result<Model, Error> {
    let mut merge = Merge::default();
    let mut documents = Vec::new();
    let mut keys = Vec::new();
    for (doc, named) in input.documents.iter().enumerate() {
        let document = document(named)?;
        keys.push(merge.add_document(doc, named, &document)?);
        documents.push(document);
    }
    for named in &input.documents {
        check_references(named)?;
    }
    let (platform, sdk_releases) = match &input.platform {
        Some(named) => {
            let releases = merge.add_platform(named)?;
            let platform = Platform {
                file: named.file.clone(),
                title: named.content.title.clone(),
                sdk_version: named.content.sdk_version.clone(),
                source_files: named.content.source_files.clone(),
            };
            (Some(platform), releases)
        }
        None => (None, Vec::new()),
    };
    let (permissions, wildcard_rows) = merge.finish()?;
    let members = permissions
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let member = Member {
                index,
                path: format!("perm::{}::{}", p.module, p.constant),
                key: p.key.clone(),
            };
            (p.key.to_ascii_lowercase(), member)
        })
        .collect();
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
            let resolver = Resolver {
                named,
                keys,
                members: &members,
                gate: &gate.name,
            };
            gates.push(resolver.gate(doc, document, gate)?);
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

/// A document's own fields: its id and release.
fn document(named: &Named<DocumentFile>) -> Result<Document, Error> {
    let file = &named.content;
    if format!("{}.json", file.id) != named.file {
        return Err(Error::invalid(
            &named.file,
            Place::Field("id"),
            Problem::IdMismatch { id: file.id.clone() },
        ));
    }
    let release = file
        .release
        .as_deref()
        .map(|r| release(r).ok_or_else(|| invalid_release(&named.file, Place::Field("release"), r)))
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

fn release(text: &str) -> Option<Release> {
    syntax::release(text).map(|version| Release {
        text: text.to_owned(),
        version,
    })
}

fn invalid_release(file: &str, at: Place, value: &str) -> Error {
    Error::invalid(
        file,
        at,
        Problem::Release {
            value: value.to_owned(),
        },
    )
}

/// What a row is, once its key, label and actions are checked.
enum RowKind<'a> {
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
struct KeyName {
    key: String,
    namespace: Namespace,
    module: String,
    constant: String,
}

impl KeyName {
    fn flat(key: &str) -> Self {
        KeyName {
            key: key.to_owned(),
            namespace: Namespace::Cxengage,
            module: names::CXENGAGE_MODULE.to_owned(),
            constant: key.to_owned(),
        }
    }

    fn genesys(domain: &str, entity: &str, action: &str) -> Self {
        KeyName {
            key: format!("{domain}:{entity}:{action}"),
            namespace: Namespace::Genesys {
                domain: domain.to_owned(),
            },
            module: names::domain_module(domain),
            constant: names::genesys_constant(entity, action),
        }
    }
}

fn check_row<'a>(file: &str, vocabulary: Vocabulary, row: &'a PermissionRow) -> Result<RowKind<'a>, Error> {
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
                (Some(actions), true) if !actions.iter().all(|a| syntax::is_segment(a)) => {
                    return fail(Problem::Action);
                }
                (Some(actions), true) => actions.as_slice(),
                (None, false) => &[],
            };
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

/// Roles and gates name only keys their file defines, and extend only
/// roles and gates of their file.
fn check_references(named: &Named<DocumentFile>) -> Result<(), Error> {
    let file = &named.content;
    let fail = |at, problem| Err(Error::invalid(&named.file, at, problem));
    let defined: BTreeSet<&str> = file.permissions.iter().map(|row| row.key.as_str()).collect();
    let role_names: BTreeSet<&str> = file.roles.iter().map(|r| r.name.as_str()).collect();
    for role in &file.roles {
        let at = || Place::Role(role.name.clone());
        if let Some(key) = first_undefined(&defined, &role.permissions) {
            return fail(at(), Problem::UndefinedKey { key });
        }
        if let Some(parent) = &role.extends {
            if !role_names.contains(parent.as_str()) || parent == &role.name {
                return fail(at(), Problem::UnknownRole { parent: parent.clone() });
            }
        }
    }
    let gate_names: BTreeSet<&str> = file.gates.iter().map(|g| g.name.as_str()).collect();
    for gate in &file.gates {
        let at = || Place::Gate(gate.name.clone());
        let mut chars = gate.name.chars();
        if !(chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())) {
            return fail(at(), Problem::GateName);
        }
        if let Some(key) = first_undefined(&defined, gate.all.iter().chain(gate.any.iter().flatten())) {
            return fail(at(), Problem::UndefinedKey { key });
        }
        if let Some(parent) = &gate.extends {
            if !gate_names.contains(parent.as_str()) || parent == &gate.name {
                return fail(at(), Problem::UnknownGate { parent: parent.clone() });
            }
        }
    }
    Ok(())
}

/// The first of `keys` that `defined` does not hold.
fn first_undefined<'k>(defined: &BTreeSet<&str>, keys: impl IntoIterator<Item = &'k String>) -> Option<String> {
    keys.into_iter().find(|key| !defined.contains(key.as_str())).cloned()
}

/// What one row's key stands for in its document's roles and gates.
struct RowUse {
    /// The lowercase keys of the permissions it stands for: a wildcard row
    /// with known actions stands for exactly the actions it lists.
    keys: Vec<String>,
    /// The release a gate requires it from, when later than the document's.
    roadmap: Option<Release>,
}

/// A document's rows by key, exactly as spelled.
type DocumentKeys = BTreeMap<String, RowUse>;

/// A permission while the catalogs are merged.
struct Draft {
    name: KeyName,
    /// The first file that lists it, for errors.
    file: String,
    origin: Origin,
}

/// The permissions of all catalogs, one per lowercase key.
#[derive(Default)]
struct Merge {
    drafts: BTreeMap<String, Draft>,
    /// Lowercase label to (key, file).
    labels: BTreeMap<String, (String, String)>,
    /// Wildcard rows with known actions: key to label.
    wildcard_rows: BTreeMap<String, String>,
}

impl Merge {
    /// Checks one document's rows and adds them; returns what each key
    /// stands for.
    fn add_document(
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
            let available_from = row
                .available_from
                .as_deref()
                .map(|r| {
                    release(r).ok_or_else(|| {
                        invalid_release(name, Place::PermissionField(row.key.clone(), "available_from"), r)
                    })
                })
                .transpose()?;
            let kind = check_row(name, document.vocabulary, row)?;
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
                release_notes: row.release_notes.clone(),
                available_from: available_from.clone(),
                via_wildcard,
            };
            let roadmap = available_from.clone().filter(|from| {
                document
                    .release
                    .as_ref()
                    .is_none_or(|release| from.version > release.version)
            });
            let mut stands_for = Vec::new();
            match kind {
                RowKind::Wildcard {
                    domain,
                    entity,
                    label,
                    actions,
                } if !actions.is_empty() => {
                    self.wildcard_rows.insert(row.key.clone(), label.to_owned());
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
                },
            );
        }
        Ok(keys)
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

    /// Checks the platform catalog and adds it: a key a document lists (in
    /// any ASCII case) is that one permission, which gains the platform's
    /// history; the spelling must be the same, as between documents.
    /// Returns the SDK releases the platform rows name, oldest first.
    fn add_platform(&mut self, named: &Named<PlatformFile>) -> Result<Vec<SdkRelease>, Error> {
        let name = named.file.as_str();
        let file = &named.content;
        if format!("{}.json", file.id) != named.file {
            return Err(Error::invalid(
                name,
                Place::Field("id"),
                Problem::IdMismatch { id: file.id.clone() },
            ));
        }
        if syntax::release(&file.sdk_version).is_none() {
            return Err(invalid_release(name, Place::Field("sdk_version"), &file.sdk_version));
        }
        let mut seen = BTreeSet::new();
        let mut releases: BTreeMap<Version, &SeenIn> = BTreeMap::new();
        let mut rows = Vec::new();
        for row in &file.permissions {
            let fail = |problem| Err(Error::invalid(name, Place::Permission(row.key.clone()), problem));
            let Some((domain, entity, action)) = syntax::platform_segments(&row.key) else {
                return fail(Problem::PlatformKey);
            };
            let first = sdk_release(name, &row.key, &row.first)?;
            let last = sdk_release(name, &row.key, &row.last)?;
            if first > last {
                return fail(Problem::FirstAfterLast);
            }
            if !seen.insert(row.key.to_ascii_lowercase()) {
                return fail(Problem::ListedTwice);
            }
            if row
                .also_spelled
                .iter()
                .any(|k| !k.eq_ignore_ascii_case(&row.key) || *k == row.key)
            {
                return fail(Problem::AlsoSpelled);
            }
            releases.insert(first, &row.first);
            releases.insert(last, &row.last);
            rows.push((row, KeyName::genesys(domain, entity, action), first, last));
        }
        // A release's index in the table is the number of older releases.
        let seen = |version: Version, text: &str| Seen {
            release: releases.range(..version).count(),
            version_text: text.to_owned(),
        };
        for (row, key, first, last) in rows {
            let history = History {
                first: seen(first, &row.first.1),
                last: seen(last, &row.last.1),
                current: row.current,
            };
            let at = || Place::Permission(row.key.clone());
            match self.drafts.entry(row.key.to_ascii_lowercase()) {
                Slot::Occupied(slot) => {
                    let draft = slot.into_mut();
                    if draft.name.key != row.key {
                        return Err(Error::invalid(
                            name,
                            at(),
                            Problem::Respelled {
                                other: draft.name.key.clone(),
                            },
                        ));
                    }
                    match &mut draft.origin {
                        Origin::Documents { history: slot, .. } if slot.is_none() => *slot = Some(history),
                        Origin::Documents { .. } | Origin::Platform(_) => {
                            return Err(Error::invalid(name, at(), Problem::ListedTwice));
                        }
                    }
                }
                Slot::Vacant(slot) => {
                    slot.insert(Draft {
                        name: key,
                        file: name.to_owned(),
                        origin: Origin::Platform(history),
                    });
                }
            }
        }
        Ok(releases
            .into_iter()
            .map(|(version, (date, _))| SdkRelease {
                version,
                date: date.clone(),
            })
            .collect())
    }

    /// Puts the permissions in output order (those a document lists first,
    /// so that the gates' masks take the first words of every bitset; then
    /// by vocabulary and lowercase key) and checks their constants' names.
    fn finish(self) -> Result<(Vec<Permission>, Vec<WildcardRow>), Error> {
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
            if let Some(other) = constants.insert((module.clone(), constant.clone()), key.clone()) {
                return Err(Error::invalid(
                    &file,
                    Place::Permission(key),
                    Problem::ConstantClash {
                        constant: format!("perm::{module}::{constant}"),
                        other,
                    },
                ));
            }
            permissions.push(Permission {
                key,
                namespace,
                module,
                constant,
                origin,
            });
        }
        let wildcard_rows = self
            .wildcard_rows
            .into_iter()
            .map(|(key, label)| WildcardRow { key, label })
            .collect();
        Ok((permissions, wildcard_rows))
    }
}

fn sdk_release(file: &str, key: &str, release: &SeenIn) -> Result<Version, Error> {
    let (date, version) = release;
    match syntax::release(version) {
        Some(v) if syntax::is_date(date) => Ok(v),
        _ => Err(Error::invalid(
            file,
            Place::Permission(key.to_owned()),
            Problem::SdkRelease {
                date: date.clone(),
                version: version.clone(),
            },
        )),
    }
}

/// Resolves one gate's keys to permissions.
struct Resolver<'a> {
    named: &'a Named<DocumentFile>,
    keys: &'a DocumentKeys,
    /// Every permission as a gate names it, by lowercase key.
    members: &'a BTreeMap<String, Member>,
    gate: &'a str,
}

impl Resolver<'_> {
    fn gate(&self, doc: usize, document: &Document, gate: &GateRow) -> Result<Gate, Error> {
        let file = &self.named.content;
        let mut all: Vec<&String> = Vec::new();
        if let Some(parent) = gate
            .extends
            .as_ref()
            .and_then(|p| file.gates.iter().find(|g| &g.name == p))
        {
            all.extend(&parent.all);
        }
        all.extend(&gate.all);
        let mut required = BTreeMap::new();
        let mut roadmap = BTreeMap::new();
        for key in all {
            let row = self.row(key)?;
            for member in self.members(row)? {
                match &row.roadmap {
                    Some(from) => {
                        roadmap.insert(member.index, (member, from.clone()));
                    }
                    None => {
                        required.insert(member.index, member);
                    }
                }
            }
        }
        let mut any_of = Vec::new();
        for group in &gate.any {
            let mut set = BTreeMap::new();
            for key in group {
                for member in self.members(self.row(key)?)? {
                    set.insert(member.index, member);
                }
            }
            any_of.push(set.into_values().collect());
        }
        Ok(Gate {
            name: gate.name.clone(),
            static_name: names::gate_static(&gate.name),
            description: gate.description.clone(),
            document: doc,
            document_id: document.id.clone(),
            extends: gate.extends.clone(),
            release: document.release.clone(),
            required: required.into_values().collect(),
            any_of,
            roadmap: roadmap.into_values().collect(),
        })
    }

    /// The document's row for a key the gate names.
    fn row(&self, key: &str) -> Result<&RowUse, Error> {
        self.keys.get(key).ok_or_else(|| self.undefined(key))
    }

    /// The permissions a row stands for.
    fn members(&self, row: &RowUse) -> Result<Vec<Member>, Error> {
        row.keys
            .iter()
            .map(|key| self.members.get(key).cloned().ok_or_else(|| self.undefined(key)))
            .collect()
    }

    fn undefined(&self, key: &str) -> Error {
        Error::invalid(
            &self.named.file,
            Place::Gate(self.gate.to_owned()),
            Problem::UndefinedKey { key: key.to_owned() },
        )
    }
}
