//! casbin (2.x) behind [`Engine`]: the RBAC model with a matcher that
//! implements permgate's wildcard semantics.
//!
//! Each role `r` holds one policy line `p, r, grant` per grant, and asks
//! through its user `user:r` (`g, user:r, r`). The matcher is
//! `g(r.sub, p.sub) && permMatch(r.act, p.act)`, where `permMatch` is
//! [`covers`] registered as a custom function: `*` matches one whole segment.
//! casbin's own `keyMatch` would not do: it treats `*` as "any suffix", so
//! `journey:*:view` would match every key that starts with `journey:`.

use casbin::function_map::OperatorFunction;
use casbin::rhai::Dynamic;
use casbin::{CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi};

use crate::{Engine, Error, Workload, covers};

/// The model: RBAC with one level of roles and the segment-wise matcher.
const MODEL: &str = "
[request_definition]
r = sub, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && permMatch(r.act, p.act)
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
}

impl core::fmt::Debug for Casbin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Casbin").finish_non_exhaustive()
    }
}

impl Engine for Casbin {
    type Question<'e> = (String, String);

    const NAME: &'static str = "casbin";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let policies: Vec<Vec<String>> = workload
            .roles
            .iter()
            .flat_map(|role| role.grants.iter().map(|grant| vec![role.name.clone(), grant.clone()]))
            .collect();
        let links: Vec<Vec<String>> = workload
            .roles
            .iter()
            .map(|role| vec![format!("user:{}", role.name), role.name.clone()])
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        let enforcer = runtime.block_on(async {
            let model = DefaultModel::from_str(MODEL).await?;
            let mut enforcer = Enforcer::new(model, MemoryAdapter::default()).await?;
            enforcer.add_function("permMatch", OperatorFunction::Arg2(perm_match));
            enforcer.add_policies(policies).await?;
            enforcer.add_grouping_policies(links).await?;
            Ok::<_, casbin::Error>(enforcer)
        })?;
        Ok(Self { enforcer })
    }

    fn prepare(&self, role: &str, permission: &str) -> Result<(String, String), Error> {
        Ok((format!("user:{role}"), permission.to_owned()))
    }

    #[inline]
    fn decide(&self, (user, key): &(String, String)) -> bool {
        self.enforcer.enforce((user.as_str(), key.as_str())).unwrap_or(false)
    }
}
