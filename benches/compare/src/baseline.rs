//! The naive baseline: per role, a `HashSet<String>` of lowercase keys with
//! wildcards expanded against the catalog, and the patterns kept for keys the
//! catalog does not know; per user, in every division and in each division
//! its grants name, the union of the sets of the roles in reach.

use std::collections::{HashMap, HashSet};

use crate::{Engine, Error, Who, Workload, covers};

/// One principal of the baseline: a role, or a user in every division or in one.
#[derive(Debug, Default)]
pub struct RoleSet {
    keys: HashSet<String>,
    patterns: Vec<String>,
}

impl RoleSet {
    fn allows(&self, key: &str) -> bool {
        self.keys.contains(key) || self.patterns.iter().any(|pattern| covers(pattern, key))
    }
}

/// A `HashSet<String>` per principal, looked up by name once.
#[derive(Debug)]
pub struct HashSetBaseline {
    sets: HashMap<String, RoleSet>,
    workload: Workload,
}

impl Engine for HashSetBaseline {
    type Question<'e> = (&'e RoleSet, String);

    const NAME: &'static str = "HashSet<String>";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let catalog_keys = workload.concrete_keys();
        let mut sets: HashMap<String, RoleSet> = workload
            .roles
            .iter()
            .map(|role| {
                let (patterns, exact): (Vec<String>, Vec<String>) =
                    role.grants.iter().cloned().partition(|grant| grant.contains('*'));
                let expanded = catalog_keys
                    .iter()
                    .filter(|key| patterns.iter().any(|pattern| covers(pattern, key)))
                    .cloned();
                let keys = exact.into_iter().chain(expanded).collect();
                (role.name.clone(), RoleSet { keys, patterns })
            })
            .collect();
        let mut users = Vec::new();
        for user in &workload.users {
            for division in std::iter::once(None).chain(user.divisions().into_iter().map(Some)) {
                let mut set = RoleSet::default();
                for (role, held) in &user.roles {
                    let role = sets.get(role).ok_or_else(|| format!("no role `{role}`"))?;
                    if held.is_none() || held.as_deref() == division {
                        set.keys.extend(role.keys.iter().cloned());
                        set.patterns.extend(role.patterns.iter().cloned());
                    } else {
                        // A role held elsewhere still gives what is not division-aware.
                        let undivided = role.keys.iter().filter(|key| !workload.division_aware(key));
                        set.keys.extend(undivided.cloned());
                    }
                }
                let name = division.map_or_else(|| user.name.clone(), |d| format!("{}@{d}", user.name));
                users.push((name, set));
            }
        }
        sets.extend(users);
        Ok(Self {
            sets,
            workload: workload.clone(),
        })
    }

    fn prepare<'e>(&'e self, who: &str, permission: &str) -> Result<(&'e RoleSet, String), Error> {
        // A user in a division none of its grants names asks as the user.
        let name = match self.workload.principal(who) {
            Some(Who::User(user, Some(_))) if !self.sets.contains_key(who) => user.name.as_str(),
            Some(_) => who,
            None => return Err(format!("no role or user `{who}`").into()),
        };
        let set = self.sets.get(name).ok_or_else(|| format!("no role or user `{who}`"))?;
        Ok((set, permission.to_owned()))
    }

    #[inline]
    fn decide(&self, (set, key): &(&RoleSet, String)) -> bool {
        set.allows(key)
    }
}
