//! permgate at scale: policies of many roles, the role holding `*` on every
//! entity of the organization's catalog, and role ids spread over a policy.

use std::collections::BTreeSet;

use permgate::{Catalog, Policy, RoleId};

use crate::Error;

/// A policy of `count` roles named `role-0`, `role-1`, …, each with `grants`.
///
/// # Errors
///
/// When a grant is rejected.
pub fn policy_with_roles<S: AsRef<str>>(catalog: &Catalog, grants: &[S], count: usize) -> Result<Policy, Error> {
    let mut builder = Policy::builder(catalog);
    for n in 0..count {
        builder.add_role(&format!("role-{n}"), grants)?;
    }
    Ok(builder.build())
}

/// `domain:entity:*` for every entity of an organization's catalog
/// (`permissions-catalog.json`), sorted.
///
/// # Errors
///
/// When the document is not JSON or not of that shape.
pub fn every_entity_grants(org_catalog_json: &str) -> Result<Vec<String>, Error> {
    let document: serde_json::Value = serde_json::from_str(org_catalog_json)?;
    let entities = document["entities"].as_array().ok_or("no `entities` array")?;
    let mut grants = BTreeSet::new();
    for entity in entities {
        let Some(map) = entity["permissionMap"].as_object() else {
            continue;
        };
        for action in map.values().filter_map(|actions| actions.as_array()).flatten() {
            let (Some(domain), Some(entity)) = (action["domain"].as_str(), action["entityType"].as_str()) else {
                return Err(format!("malformed permission `{action}`").into());
            };
            grants.insert(format!("{domain}:{entity}:*"));
        }
    }
    Ok(grants.into_iter().collect())
}

/// `len` role ids of `policy` in a pseudo-random order, so that a loop over
/// them touches the whole policy's bitset rather than one cached role.
pub fn spread_roles(policy: &Policy, len: usize) -> Vec<RoleId> {
    let roles: Vec<RoleId> = policy.roles().collect();
    let mut state = 0x5EED;
    (0..len)
        .filter_map(|_| {
            let n = usize::try_from(splitmix(&mut state) % roles.len().max(1) as u64).ok()?;
            roles.get(n).copied()
        })
        .collect()
}

/// SplitMix64: a small deterministic generator for workloads and tests.
pub fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A policy of `roles`, each a name and its grants.
///
/// # Errors
///
/// When a grant is rejected.
pub fn policy_of(catalog: &Catalog, roles: &[(String, Vec<String>)]) -> Result<Policy, Error> {
    let mut builder = Policy::builder(catalog);
    for (name, grants) in roles {
        builder.add_role(name, grants)?;
    }
    Ok(builder.build())
}

/// The `n`th pair `(a, b)`, `a < b`, in the order (0, 1), (0, 2), (1, 2), (0, 3), …
fn pair(n: usize) -> (usize, usize) {
    let mut b = 1;
    while n >= b * (b + 1) / 2 {
        b += 1;
    }
    (n - (b - 1) * b / 2, b)
}

/// `count` distinct roles `role-0`, `role-1`, …: each `base` plus two keys of
/// `pool` (keys `base` does not allow), a pair of its own, so that no two
/// share a bitset row (a policy stores roles that grant alike once).
pub fn adding_two(base: &[String], pool: &[String], count: usize) -> Vec<(String, Vec<String>)> {
    (0..count)
        .map(|n| {
            let (a, b) = pair(n);
            let extra = [pool.get(a), pool.get(b)].into_iter().flatten().cloned();
            (format!("role-{n}"), base.iter().cloned().chain(extra).collect())
        })
        .collect()
}

/// `count` distinct roles `role-0`, `role-1`, …: each `base` without two of
/// its grants, a pair of its own.
pub fn dropping_two(base: &[String], count: usize) -> Vec<(String, Vec<String>)> {
    (0..count)
        .map(|n| {
            let (a, b) = pair(n);
            let kept = base.iter().enumerate().filter(|&(i, _)| i != a && i != b);
            (format!("role-{n}"), kept.map(|(_, grant)| grant.clone()).collect())
        })
        .collect()
}

/// An organization's own permissions as `GET /api/v2/authorization/permissions`
/// lists them (a `PermissionCollectionEntityListing` of one
/// `DomainPermissionCollection`): `domain:entity{e}:{action}` for `entities`
/// entities and five actions, none of them known to the builtin catalog.
pub fn own_permissions_listing(domain: &str, entities: usize) -> String {
    let map: serde_json::Map<String, serde_json::Value> = (0..entities)
        .map(|e| {
            let entity = format!("entity{e}");
            let actions = ["view", "add", "edit", "delete", "export"].map(|action| {
                serde_json::json!({"domain": domain, "entityType": entity, "action": action,
                    "label": format!("{domain} > {entity} > {action}"), "divisionAware": true,
                    "allowsConditions": false})
            });
            (entity, serde_json::Value::from(actions.to_vec()))
        })
        .collect();
    serde_json::json!({"entities": [{"id": "pc-0", "domain": domain, "permissionMap": map}],
        "pageNumber": 1, "pageCount": 1, "pageSize": 1, "total": 1})
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_distinct_and_ordered() {
        let pairs: Vec<_> = (0..6).map(pair).collect();
        assert_eq!(pairs, [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]);
        let many: BTreeSet<_> = (0..10_000).map(pair).collect();
        assert_eq!(many.len(), 10_000);
        assert!(many.iter().all(|(a, b)| a < b && *b < 142));
    }
}
