//! The documents' roles and gates: unique names, keys their file defines
//! (each listed once; an `any` group may also offer platform permissions
//! beside a row of its own, or only current ones in place of a row whose key
//! the platform does not list), `any` groups that can be satisfied, `extends`
//! chains that end; and licenses the file maps to a product.

use std::collections::{BTreeMap, BTreeSet};

use super::merge::DocumentKeys;
use super::text;
use crate::error::{Error, Place, Problem};
use crate::names;
use crate::read::{DocumentFile, Named};

/// Checks every document's roles, gates and licenses; `keys` holds each
/// document's rows, `platform` the platform catalog's keys, each with
/// whether the SDK lists it now.
pub(super) fn check(
    documents: &[Named<DocumentFile>],
    keys: &[DocumentKeys],
    platform: &BTreeMap<&str, bool>,
) -> Result<(), Error> {
    unique_names(documents)?;
    for (named, keys) in documents.iter().zip(keys) {
        licenses(named)?;
        roles(named, keys)?;
        gates(named, keys, platform)?;
    }
    Ok(())
}

/// Every license a row names is one of the file's `licenses`, each of
/// which maps to a product license and is named by a row.
fn licenses(named: &Named<DocumentFile>) -> Result<(), Error> {
    let file = named.file.as_str();
    let content = &named.content;
    for row in &content.permissions {
        if let Some(license) = row.license.as_ref().filter(|l| !content.licenses.contains_key(*l)) {
            return Err(Error::invalid(
                file,
                Place::PermissionField(row.key.clone(), "license"),
                Problem::UnknownLicense {
                    license: license.clone(),
                },
            ));
        }
    }
    for (license, product) in &content.licenses {
        text(file, || Place::Field("licenses"), "licenses", product)?;
        if !content
            .permissions
            .iter()
            .any(|row| row.license.as_ref() == Some(license))
        {
            return Err(Error::invalid(
                file,
                Place::Field("licenses"),
                Problem::UnusedLicense {
                    license: license.clone(),
                },
            ));
        }
    }
    Ok(())
}

/// Role names and gate names are unique across the catalogs (the builtin
/// catalog finds roles by name; gates are types of one module), and so are
/// the gates' statics.
fn unique_names(documents: &[Named<DocumentFile>]) -> Result<(), Error> {
    let mut roles: BTreeMap<&str, &str> = BTreeMap::new();
    let mut gates: BTreeMap<&str, &str> = BTreeMap::new();
    let mut statics: BTreeMap<String, &str> = BTreeMap::new();
    for named in documents {
        let file = named.file.as_str();
        for role in &named.content.roles {
            if let Some(first) = roles.insert(&role.name, file) {
                return Err(Error::invalid(
                    file,
                    Place::Role(role.name.clone()),
                    Problem::DuplicateRole { file: first.to_owned() },
                ));
            }
        }
        for gate in &named.content.gates {
            let at = || Place::Gate(gate.name.clone());
            if let Some(first) = gates.insert(&gate.name, file) {
                return Err(Error::invalid(
                    file,
                    at(),
                    Problem::DuplicateGate { file: first.to_owned() },
                ));
            }
            let static_name = names::gate_static(&gate.name);
            if let Some(other) = statics.insert(static_name.clone(), &gate.name) {
                return Err(Error::invalid(
                    file,
                    at(),
                    Problem::GateStaticClash {
                        static_name,
                        other: other.to_owned(),
                    },
                ));
            }
        }
    }
    Ok(())
}

fn roles(named: &Named<DocumentFile>, keys: &DocumentKeys) -> Result<(), Error> {
    let file = named.file.as_str();
    let parents: BTreeMap<&str, Option<&str>> = named
        .content
        .roles
        .iter()
        .map(|r| (r.name.as_str(), r.extends.as_deref()))
        .collect();
    for role in &named.content.roles {
        let at = || Place::Role(role.name.clone());
        text(file, at, "name", &role.name)?;
        text(file, at, "description", &role.description)?;
        listed_once(file, at, keys, &role.permissions)?;
        if let Some(parent) = &role.extends {
            if !parents.contains_key(parent.as_str()) || parent == &role.name {
                return Err(Error::invalid(
                    file,
                    at(),
                    Problem::UnknownRole { parent: parent.clone() },
                ));
            }
            chain_ends(file, at, &parents, &role.name, parent)?;
        }
    }
    Ok(())
}

fn gates(named: &Named<DocumentFile>, keys: &DocumentKeys, platform: &BTreeMap<&str, bool>) -> Result<(), Error> {
    let file = named.file.as_str();
    let parents: BTreeMap<&str, Option<&str>> = named
        .content
        .gates
        .iter()
        .map(|g| (g.name.as_str(), g.extends.as_deref()))
        .collect();
    for gate in &named.content.gates {
        let at = || Place::Gate(gate.name.clone());
        let fail = |problem| Err(Error::invalid(file, at(), problem));
        let mut chars = gate.name.chars();
        if !(chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())) {
            return fail(Problem::GateName);
        }
        if ["Self", "Gate", "GateInfo"].contains(&gate.name.as_str()) {
            return fail(Problem::ReservedGateName);
        }
        text(file, at, "description", &gate.description)?;
        if let Some(incomplete) = &gate.incomplete {
            text(file, at, "incomplete", incomplete)?;
        }
        listed_once(file, at, keys, &gate.all)?;
        for group in &gate.any {
            if group.is_empty() {
                return fail(Problem::EmptyGroup);
            }
            let own = group.iter().any(|key| keys.contains_key(key));
            let mut seen = BTreeSet::new();
            for key in group {
                if !keys.contains_key(key) {
                    match platform.get(key.as_str()) {
                        None => return fail(Problem::UndefinedGroupKey { key: key.clone() }),
                        // Without a row of its own, a group stands in for a row
                        // the platform does not list: only what it lists now.
                        Some(false) if !own => return fail(Problem::GroupWithoutOwnKey { key: key.clone() }),
                        Some(_) => {}
                    }
                }
                if !seen.insert(key) {
                    return fail(Problem::RepeatedKey { key: key.clone() });
                }
            }
            let roadmap = group.iter().find_map(|key| {
                keys.get(key)
                    .and_then(|row| row.roadmap.as_ref())
                    .map(|from| (key, from))
            });
            if let Some((key, from)) = roadmap {
                return fail(Problem::RoadmapInGroup {
                    key: key.clone(),
                    from: from.text.clone(),
                });
            }
        }
        if gate.all.is_empty() && gate.any.is_empty() && gate.extends.is_none() {
            return fail(Problem::EmptyGate);
        }
        if let Some(parent) = &gate.extends {
            if !parents.contains_key(parent.as_str()) || parent == &gate.name {
                return fail(Problem::UnknownGate { parent: parent.clone() });
            }
            chain_ends(file, at, &parents, &gate.name, parent)?;
        }
    }
    Ok(())
}

/// Each key is one the file defines, and none is listed twice.
fn listed_once(file: &str, at: impl Fn() -> Place, keys: &DocumentKeys, listed: &[String]) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for key in listed {
        if !keys.contains_key(key) {
            return Err(Error::invalid(file, at(), Problem::UndefinedKey { key: key.clone() }));
        }
        if !seen.insert(key) {
            return Err(Error::invalid(file, at(), Problem::RepeatedKey { key: key.clone() }));
        }
    }
    Ok(())
}

/// Following `extends` from `name` (whose parent is `parent`) never comes
/// back to `name`. A chain that loops elsewhere is reported at the names in
/// that loop.
fn chain_ends(
    file: &str,
    at: impl Fn() -> Place,
    parents: &BTreeMap<&str, Option<&str>>,
    name: &str,
    parent: &str,
) -> Result<(), Error> {
    let mut visited = BTreeSet::new();
    let mut next = Some(parent);
    while let Some(current) = next {
        if current == name {
            return Err(Error::invalid(
                file,
                at(),
                Problem::ExtendsCycle {
                    through: parent.to_owned(),
                },
            ));
        }
        if !visited.insert(current) {
            break;
        }
        next = parents.get(current).copied().flatten();
    }
    Ok(())
}
