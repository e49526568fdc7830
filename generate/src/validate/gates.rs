//! Gates resolved to permissions: each key a gate names becomes the
//! permissions its row stands for, required now or from a later release.

use std::collections::BTreeMap;

use super::merge::{DocumentKeys, RowUse};
use crate::endpoints::{self, Kind, Operation};
use crate::error::{Error, Place, Problem};
use crate::model::{Document, Gate, GateCall, Member, Origin, Permission};
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
    operations: &[Operation],
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
    let mut calls: Vec<GateCall> = Vec::new();
    let mut grounded_any: Vec<Vec<Member>> = Vec::new();
    for key in chain.iter().flat_map(|g| &g.all) {
        let row = resolver.row(key)?;
        let grounding = ground(key, row, operations).map_err(|problem| resolver.error(problem))?;
        for call in &grounding.calls {
            if !calls.contains(call) {
                calls.push(call.clone());
            }
        }
        // A row whose keys differ from what its calls require (the catalog
        // says why) takes the calls' requirement: ALL lists joined into the
        // required set, each ANY list kept as one group.
        if !grounding.agrees {
            for key in &grounding.all {
                let member = resolver.member(key)?;
                if roadmap.contains_key(&member.index) {
                    return Err(resolver.error(Problem::TwoReleases { key: member.key }));
                }
                required.insert(member.index, member);
            }
            for group in &grounding.any {
                let mut set = BTreeMap::new();
                for key in group {
                    let member = resolver.member(key)?;
                    set.insert(member.index, member);
                }
                grounded_any.push(set.into_values().collect());
            }
            continue;
        }
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
            if keys.get(key).is_some_and(|row| !row.calls.is_empty()) {
                return Err(resolver.error(Problem::GroundedInGroup { key: key.clone() }));
            }
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
    for group in grounded_any {
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
        calls,
    })
}

/// What a grounded row's calls require, composed as a gate of calls is.
#[derive(Debug, Default)]
struct Grounding {
    calls: Vec<GateCall>,
    /// The lowercase keys of the `ALL` requirements, each once.
    all: Vec<String>,
    /// The lowercase keys of each `ANY` requirement (non-permission entries
    /// left out, as the table of operations leaves them).
    any: Vec<Vec<String>>,
    /// Whether the row's keys are what the calls require (a one-key `ANY`
    /// counting as that key): the row then resolves as it always did.
    agrees: bool,
}

/// The calls of `row` (named `key`) looked up and composed; an ungrounded
/// row agrees with its empty grounding.
fn ground(key: &str, row: &RowUse, operations: &[Operation]) -> Result<Grounding, Problem> {
    if row.calls.is_empty() {
        return match row.calls_differ {
            Some(_) => Err(Problem::CallsDifferAlone),
            None => Ok(Grounding {
                agrees: true,
                ..Grounding::default()
            }),
        };
    }
    let mut grounding = Grounding::default();
    for call in &row.calls {
        let Some((index, op)) =
            (operations.iter().enumerate()).find(|(_, op)| format!("{} {}", op.method, op.path) == *call)
        else {
            return Err(Problem::UnknownCall {
                key: key.to_owned(),
                call: call.clone(),
            });
        };
        let gate_call = GateCall {
            index,
            call: call.clone(),
            name: op.operation.clone(),
        };
        if !grounding.calls.contains(&gate_call) {
            grounding.calls.push(gate_call);
        }
        let Some(requires) = &op.requires else {
            continue; // needs no permission: adds nothing
        };
        let unchecked = requires.permissions.iter().any(|e| endpoints::is_non_permission(e));
        let keys: Vec<String> = (requires.permissions.iter())
            .filter(|e| !endpoints::is_non_permission(e))
            .map(|e| e.to_ascii_lowercase())
            .collect();
        if keys.is_empty() || (requires.kind == Kind::All && unchecked) {
            return Err(Problem::UnverifiableCall {
                key: key.to_owned(),
                call: call.clone(),
            });
        }
        match requires.kind {
            Kind::All => {
                for k in keys {
                    if !grounding.all.contains(&k) {
                        grounding.all.push(k);
                    }
                }
            }
            Kind::Any => {
                let mut group = keys;
                group.sort();
                group.dedup();
                if !grounding.any.contains(&group) {
                    grounding.any.push(group);
                }
            }
        }
    }
    let row_keys: std::collections::BTreeSet<&str> = row.keys.iter().map(String::as_str).collect();
    let mut required: std::collections::BTreeSet<&str> = grounding.all.iter().map(String::as_str).collect();
    let mut single = true;
    for group in &grounding.any {
        match group.as_slice() {
            [only] => {
                required.insert(only);
            }
            _ => single = false,
        }
    }
    grounding.agrees = single && required == row_keys;
    match (grounding.agrees, &row.calls_differ) {
        (true, Some(_)) => Err(Problem::NeedlessCallsDiffer { key: key.to_owned() }),
        (false, None) => {
            let mut requires: Vec<String> = Vec::new();
            if !grounding.all.is_empty() {
                requires.push(format!("all of {}", grounding.all.join(", ")));
            }
            for group in &grounding.any {
                requires.push(format!("one of {}", group.join(", ")));
            }
            Err(Problem::CallsDisagree {
                key: key.to_owned(),
                keys: row.keys.join(", "),
                requires: if requires.is_empty() {
                    "no permission".to_owned()
                } else {
                    requires.join("; ")
                },
            })
        }
        (false, Some(_)) if row.roadmap.is_some() => Err(Problem::GroundedRoadmap { key: key.to_owned() }),
        _ => Ok(grounding),
    }
}

/// Checks a document row's grounding (gates or no gates name it).
pub(super) fn check_row(file: &str, key: &str, row: &RowUse, operations: &[Operation]) -> Result<(), Error> {
    ground(key, row, operations)
        .map(|_| ())
        .map_err(|problem| Error::invalid(file, Place::PermissionField(key.to_owned(), "calls"), problem))
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

    /// The permission of a lowercase key (a platform permission a call requires).
    fn member(&self, key: &str) -> Result<Member, Error> {
        self.members.get(key).cloned().ok_or_else(|| self.undefined(key))
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
