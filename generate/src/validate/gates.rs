//! Gates resolved to permissions: each key a gate names becomes the
//! permissions its row stands for, required now or from a later release.

use std::collections::BTreeMap;

use super::merge::{DocumentKeys, RowUse};
use crate::error::{Error, Place, Problem};
use crate::model::{Document, Gate, Member, Permission};
use crate::names;
use crate::read::{DocumentFile, GateRow, Named};

/// Every permission as a gate names it, by lowercase key.
pub(super) type Members = BTreeMap<String, Member>;

/// The members of the ordered permissions.
pub(super) fn members(permissions: &[Permission]) -> Members {
    permissions
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
        .collect()
}

/// Resolves one gate of document `doc`: its parent's `all` and its own
/// (required, or roadmap when the row is available from a later release
/// than the document's), and its `any` groups.
pub(super) fn resolve(
    doc: usize,
    named: &Named<DocumentFile>,
    document: &Document,
    keys: &DocumentKeys,
    members: &Members,
    gate: &GateRow,
) -> Result<Gate, Error> {
    let resolver = Resolver {
        file: &named.file,
        gate: &gate.name,
        keys,
        members,
    };
    let mut all: Vec<&String> = Vec::new();
    if let Some(parent) = gate
        .extends
        .as_ref()
        .and_then(|p| named.content.gates.iter().find(|g| &g.name == p))
    {
        all.extend(&parent.all);
    }
    all.extend(&gate.all);
    let mut required = BTreeMap::new();
    let mut roadmap = BTreeMap::new();
    for key in all {
        let row = resolver.row(key)?;
        for member in resolver.members(row)? {
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
            for member in resolver.members(resolver.row(key)?)? {
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

/// Looks up one gate's keys.
struct Resolver<'a> {
    file: &'a str,
    gate: &'a str,
    keys: &'a DocumentKeys,
    members: &'a Members,
}

impl Resolver<'_> {
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
            self.file,
            Place::Gate(self.gate.to_owned()),
            Problem::UndefinedKey { key: key.to_owned() },
        )
    }
}
