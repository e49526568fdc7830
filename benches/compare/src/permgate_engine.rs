//! permgate behind [`Engine`]: `allows` with a looked-up [`Permission`], and
//! `allows` with the key as a string.

use permgate::{Permission, Policy, RoleId};

use crate::{Engine, Error, Workload};

/// Compiles the workload's roles into one policy over its catalog.
fn compile(workload: &Workload) -> Result<Policy, Error> {
    let mut builder = Policy::builder(&workload.catalog);
    for role in &workload.roles {
        builder.add_role(&role.name, &role.grants)?;
    }
    Ok(builder.build())
}

fn role_id(policy: &Policy, role: &str) -> Result<RoleId, Error> {
    policy.role(role).ok_or_else(|| format!("no role `{role}`").into())
}

/// `Policy::allows(role, permission)` with a typed permission: what a handler
/// holding a `perm::…` constant, or a permission looked up once, pays.
#[derive(Debug)]
pub struct PermgateTyped {
    policy: Policy,
}

impl PermgateTyped {
    /// The compiled policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

/// A question for [`PermgateTyped`].
#[derive(Debug)]
pub enum TypedQuestion<'p> {
    /// A catalog permission: `allows`, one bit test.
    Typed(RoleId, Permission<'p>),
    /// A key no catalog knows has no typed form; answered by `allows` with a string,
    /// as a caller would.
    Untyped(RoleId, String),
}

impl Engine for PermgateTyped {
    type Question<'e> = TypedQuestion<'e>;

    const NAME: &'static str = "permgate allows (typed)";

    fn build(workload: &Workload) -> Result<Self, Error> {
        Ok(Self {
            policy: compile(workload)?,
        })
    }

    fn prepare<'e>(&'e self, role: &str, permission: &str) -> Result<TypedQuestion<'e>, Error> {
        let role = role_id(&self.policy, role)?;
        Ok(match self.policy.catalog().lookup(permission) {
            Some(typed) if !typed.is_wildcard() => TypedQuestion::Typed(role, typed),
            _ => TypedQuestion::Untyped(role, permission.to_owned()),
        })
    }

    #[inline]
    fn decide(&self, question: &TypedQuestion<'_>) -> bool {
        match question {
            TypedQuestion::Typed(role, permission) => self.policy.allows(*role, *permission),
            TypedQuestion::Untyped(role, key) => self.policy.allows(*role, key).unwrap_or(false),
        }
    }
}

/// `Policy::allows(role, "domain:entity:action")`: the string path.
#[derive(Debug)]
pub struct PermgateStr {
    policy: Policy,
}

impl Engine for PermgateStr {
    type Question<'e> = (RoleId, String);

    const NAME: &'static str = "permgate allows (string)";

    fn build(workload: &Workload) -> Result<Self, Error> {
        Ok(Self {
            policy: compile(workload)?,
        })
    }

    fn prepare(&self, role: &str, permission: &str) -> Result<(RoleId, String), Error> {
        Ok((role_id(&self.policy, role)?, permission.to_owned()))
    }

    #[inline]
    fn decide(&self, (role, key): &(RoleId, String)) -> bool {
        self.policy.allows(*role, key).unwrap_or(false)
    }
}
