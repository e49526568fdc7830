//! Gates resolved to permissions: each key a gate names becomes the
//! permissions its row stands for, required now or from a later release.

use std::collections::BTreeMap;

use super::merge::{DocumentKeys, RowUse};
use crate::error::{Error, Place, Problem};
use crate::model::{Document, Gate, Member, Origin, Permission};
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
                removed: match &p.origin {
                    Origin::Documents { history, .. } => history.as_ref().is_some_and(|h| !h.current),
                    Origin::Platform(history) => !history.current,
                },
            };
            (p.key.to_ascii_lowercase(), member)
        })
        .collect()
}

/// Resolves one gate of document `doc`: the `all` of the gate and of every
/// gate up its `extends` chain (required, or roadmap when the row is
/// available from a later release than the document's), and their `any`
/// groups (the farthest gate's first, a group given twice once).
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
    let chain = resolver.chain(&named.content.gates, gate)?;
    let mut required = BTreeMap::new();
    let mut roadmap = BTreeMap::new();
    for key in chain.iter().flat_map(|g| &g.all) {
        let row = resolver.row(key)?;
        for member in resolver.members(row)? {
            let conflict = match &row.roadmap {
                Some(from) => {
                    required.contains_key(&member.index) || roadmap.get(&member.index).is_some_and(|(_, f)| f != from)
                }
                None => roadmap.contains_key(&member.index),
            };
            if conflict {
                return Err(resolver.error(Problem::TwoReleases { key: member.key }));
            }
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
    let mut any_of: Vec<Vec<Member>> = Vec::new();
    for group in chain.iter().flat_map(|g| &g.any) {
        let mut set = BTreeMap::new();
        for key in group {
            // A key the document lacks is a platform permission (checked).
            let found = match keys.get(key) {
                Some(row) => resolver.members(row)?,
                None => vec![
                    members
                        .get(&key.to_ascii_lowercase())
                        .cloned()
                        .ok_or_else(|| resolver.undefined(key))?,
                ],
            };
            for member in found {
                set.insert(member.index, member);
            }
        }
        let group: Vec<Member> = set.into_values().collect();
        let same = |other: &Vec<Member>| other.iter().map(|m| m.index).eq(group.iter().map(|m| m.index));
        if !any_of.iter().any(same) {
            any_of.push(group);
        }
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
        incomplete: gate.incomplete.clone(),
        calls: Vec::new(),
    })
}

/// Looks up one gate's keys.
struct Resolver<'a> {
    file: &'a str,
    gate: &'a str,
    keys: &'a DocumentKeys,
    members: &'a Members,
}

impl<'a> Resolver<'a> {
    /// The gates whose sets `gate` requires: the farthest up its `extends`
    /// chain first, `gate` last.
    fn chain<'g>(&self, gates: &'g [GateRow], gate: &'g GateRow) -> Result<Vec<&'g GateRow>, Error> {
        let mut chain = vec![gate];
        let Some(parent) = gate.extends.as_deref() else {
            return Ok(chain);
        };
        let mut next = Some(parent);
        while let Some(name) = next {
            let Some(ancestor) = gates.iter().find(|g| g.name == name) else {
                return Err(self.error(Problem::UnknownGate {
                    parent: name.to_owned(),
                }));
            };
            if chain.iter().any(|g| g.name == ancestor.name) {
                return Err(self.error(Problem::ExtendsCycle {
                    through: parent.to_owned(),
                }));
            }
            chain.push(ancestor);
            next = ancestor.extends.as_deref();
        }
        chain.reverse();
        Ok(chain)
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
        self.error(Problem::UndefinedKey { key: key.to_owned() })
    }

    fn error(&self, problem: Problem) -> Error {
        Error::invalid(self.file, Place::Gate(self.gate.to_owned()), problem)
    }
}
