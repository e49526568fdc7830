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
