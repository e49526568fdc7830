//! The naive baseline: per role, a `HashSet<String>` of lowercase keys with
//! wildcards expanded against the catalog, and the patterns kept for keys the
//! catalog does not know.

use std::collections::{HashMap, HashSet};

use crate::{Engine, Error, Workload, covers};

/// One role of the baseline.
#[derive(Debug)]
pub struct RoleSet {
    keys: HashSet<String>,
    patterns: Vec<String>,
}

impl RoleSet {
    fn allows(&self, key: &str) -> bool {
        self.keys.contains(key) || self.patterns.iter().any(|pattern| covers(pattern, key))
    }
}

/// A `HashSet<String>` per role, looked up by name once.
#[derive(Debug)]
pub struct HashSetBaseline {
    roles: HashMap<String, RoleSet>,
}

impl Engine for HashSetBaseline {
    type Question<'e> = (&'e RoleSet, String);

    const NAME: &'static str = "HashSet<String>";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let catalog_keys = workload.concrete_keys();
        let roles = workload.roles.iter().map(|role| {
            let (patterns, exact): (Vec<String>, Vec<String>) =
                role.grants.iter().cloned().partition(|grant| grant.contains('*'));
            let expanded = catalog_keys
                .iter()
                .filter(|key| patterns.iter().any(|pattern| covers(pattern, key)))
                .cloned();
            let keys = exact.into_iter().chain(expanded).collect();
            (role.name.clone(), RoleSet { keys, patterns })
        });
        Ok(Self { roles: roles.collect() })
    }

    fn prepare<'e>(&'e self, role: &str, permission: &str) -> Result<(&'e RoleSet, String), Error> {
        let role = self.roles.get(role).ok_or_else(|| format!("no role `{role}`"))?;
        Ok((role, permission.to_owned()))
    }

    #[inline]
    fn decide(&self, (role, key): &(&RoleSet, String)) -> bool {
        role.allows(key)
    }
}
