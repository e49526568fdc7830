//! casbin (2.x) behind [`Engine`]: the RBAC model with a matcher that
//! implements permgate's wildcard semantics.
//!
//! Each role `r` holds one policy line `p, r, grant` per grant, and asks
//! through its user `user:r`, holding it in every division (`g, user:r, r, *`).
//! Users are casbin's RBAC with domains, a division a domain: a role held
//! in every division is `g, ana, r, *`, one held in a division
//! `g, ana, r, d-east` and `g, ana, r, ~anywhere` (for what is not
//! division-aware). A request is `(user, division, key)`, `*` for every
//! division. The matcher:
//!
//! ```text
//! (g(r.sub, p.sub, "*") || g(r.sub, p.sub, r.dom)
//!     || (g(r.sub, p.sub, "~anywhere") && g2(r.act, "~undivided")))
//!   && permMatch(r.act, p.act)
//! ```
//!
//! where `g2` groups the catalog's keys that are not division-aware and
//! `permMatch` is [`covers`] registered as a custom function: `*` matches
//! one whole segment. casbin's own `keyMatch` would not do: it treats `*`
//! as "any suffix", so `journey:*:view` would match every key that starts
//! with `journey:`.

use casbin::function_map::OperatorFunction;
use casbin::rhai::Dynamic;
use casbin::{CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi};

use crate::{Engine, Error, Who, Workload, covers};

/// The model: RBAC with one level of roles and the segment-wise matcher.
const MODEL: &str = "
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = (g(r.sub, p.sub, \"*\") || g(r.sub, p.sub, r.dom) || (g(r.sub, p.sub, \"~anywhere\") && g2(r.act, \"~undivided\"))) && permMatch(r.act, p.act)
";

/// `permMatch(request, grant)`: [`covers`] for casbin's script engine.
fn perm_match(request: Dynamic, grant: Dynamic) -> Dynamic {
    match (request.into_immutable_string(), grant.into_immutable_string()) {
        (Ok(request), Ok(grant)) => covers(&grant, &request).into(),
        _ => false.into(),
    }
}

/// A casbin `Enforcer` (not the cached one: a cache would time a hash map,
/// not the engine) over an in-memory adapter.
pub struct Casbin {
    enforcer: Enforcer,
    workload: Workload,
}

impl core::fmt::Debug for Casbin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Casbin").finish_non_exhaustive()
    }
}

impl Engine for Casbin {
    type Question<'e> = [String; 3];

    const NAME: &'static str = "casbin";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let policies: Vec<Vec<String>> = workload
            .roles
            .iter()
            .flat_map(|role| role.grants.iter().map(|grant| vec![role.name.clone(), grant.clone()]))
            .collect();
        let line = |user: &str, role: &str, division: &str| vec![user.to_owned(), role.to_owned(), division.to_owned()];
        let mut links: Vec<Vec<String>> = workload
            .roles
            .iter()
            .map(|role| line(&format!("user:{}", role.name), &role.name, "*"))
            .collect();
        for user in &workload.users {
            for (role, division) in &user.roles {
                match division {
                    None => links.push(line(&user.name, role, "*")),
                    Some(division) => {
                        links.push(line(&user.name, role, division));
                        links.push(line(&user.name, role, "~anywhere"));
                    }
                }
            }
        }
        let undivided: Vec<Vec<String>> = workload
            .concrete_keys()
            .into_iter()
            .filter(|key| !workload.division_aware(key))
            .map(|key| vec![key, "~undivided".to_owned()])
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        let enforcer = runtime.block_on(async {
            let model = DefaultModel::from_str(MODEL).await?;
            let mut enforcer = Enforcer::new(model, MemoryAdapter::default()).await?;
            enforcer.add_function("permMatch", OperatorFunction::Arg2(perm_match));
            enforcer.add_policies(policies).await?;
            enforcer.add_grouping_policies(links).await?;
            if !undivided.is_empty() {
                enforcer.add_named_grouping_policies("g2", undivided).await?;
            }
            Ok::<_, casbin::Error>(enforcer)
        })?;
        Ok(Self {
            enforcer,
            workload: workload.clone(),
        })
    }

    fn prepare(&self, who: &str, permission: &str) -> Result<[String; 3], Error> {
        let (user, division) = match self.workload.principal(who) {
            Some(Who::Role(role)) => (format!("user:{}", role.name), "*"),
            Some(Who::User(user, division)) => (user.name.clone(), division.unwrap_or("*")),
            None => return Err(format!("no role or user `{who}`").into()),
        };
        Ok([user, division.to_owned(), permission.to_owned()])
    }

    #[inline]
    fn decide(&self, [user, division, key]: &[String; 3]) -> bool {
        self.enforcer
            .enforce((user.as_str(), division.as_str(), key.as_str()))
            .unwrap_or(false)
    }
}
