//! permgate behind [`Engine`]: `allows` with a looked-up [`Permission`],
//! `allows` with the key as a string, both on one policy holding the roles
//! and the users; and users compiled on demand ([`CompiledUser`]).

use std::collections::HashMap;

use permgate::{CompiledUser, Division, Permission, Policy, Principal, RoleDefinition, UserDefinition, UserIn};

use crate::{Engine, Error, Who, Workload};

/// Compiles the workload's roles, and its users when `users`, into one
/// policy over its catalog.
fn compile(workload: &Workload, users: bool) -> Result<Policy, Error> {
    let mut builder = Policy::builder(&workload.catalog);
    let mut ids = HashMap::new();
    for role in &workload.roles {
        ids.insert(role.name.as_str(), builder.add_role(&role.name, &role.grants)?);
    }
    for user in workload.users.iter().filter(|_| users) {
        let held = user
            .roles
            .iter()
            .map(|(role, division)| {
                let id = ids
                    .get(role.as_str())
                    .copied()
                    .ok_or_else(|| format!("no role `{role}`"))?;
                Ok((id, division.as_deref().map_or(Division::All, Division::new)))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        builder.add_user(&user.name, held)?;
    }
    Ok(builder.build())
}

/// The principal `who` names in `policy`: a role, a user, a user in a division.
fn principal(policy: &Policy, workload_who: Option<Who<'_>>, who: &str) -> Result<Principal, Error> {
    match workload_who {
        Some(Who::Role(role)) => policy.role(&role.name).map(Principal::from),
        Some(Who::User(user, division)) => policy.user(&user.name).map(|id| match division {
            Some(division) => policy.user_in(id, division),
            None => Principal::from(id),
        }),
        None => None,
    }
    .ok_or_else(|| format!("no role or user `{who}`").into())
}

/// A question for [`PermgateTyped`] and [`PermgateCompiled`].
#[derive(Debug)]
pub enum TypedQuestion<'p> {
    /// A catalog permission: `allows`, one bit test.
    Typed(Principal, Permission<'p>),
    /// A key no catalog knows has no typed form; answered by `allows` with a string,
    /// as a caller would.
    Untyped(Principal, String),
}

impl<'p> TypedQuestion<'p> {
    fn new(policy: &'p Policy, who: Principal, permission: &str) -> Self {
        match policy.catalog().lookup(permission) {
            Some(typed) if !typed.is_wildcard() => Self::Typed(who, typed),
            _ => Self::Untyped(who, permission.to_owned()),
        }
    }

    #[inline]
    fn decide(&self, policy: &Policy) -> bool {
        match self {
            Self::Typed(who, permission) => policy.allows(*who, *permission),
            Self::Untyped(who, key) => policy.allows(*who, key).unwrap_or(false),
        }
    }
}

/// `Policy::allows(principal, permission)` with a typed permission: what a
/// handler holding a `perm::…` constant, or a permission looked up once, pays.
/// Users are users of the policy (`PolicyBuilder::add_user`).
#[derive(Debug)]
pub struct PermgateTyped {
    policy: Policy,
    workload: Workload,
}

impl PermgateTyped {
    /// The compiled policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl Engine for PermgateTyped {
    type Question<'e> = TypedQuestion<'e>;

    const NAME: &'static str = "permgate allows (typed)";

    fn build(workload: &Workload) -> Result<Self, Error> {
        Ok(Self {
            policy: compile(workload, true)?,
            workload: workload.clone(),
        })
    }

    fn prepare<'e>(&'e self, who: &str, permission: &str) -> Result<TypedQuestion<'e>, Error> {
        let who = principal(&self.policy, self.workload.principal(who), who)?;
        Ok(TypedQuestion::new(&self.policy, who, permission))
    }

    #[inline]
    fn decide(&self, question: &TypedQuestion<'_>) -> bool {
        question.decide(&self.policy)
    }
}

/// `Policy::allows(principal, "domain:entity:action")`: the string path.
#[derive(Debug)]
pub struct PermgateStr {
    policy: Policy,
    workload: Workload,
}

impl Engine for PermgateStr {
    type Question<'e> = (Principal, String);

    const NAME: &'static str = "permgate allows (string)";

    fn build(workload: &Workload) -> Result<Self, Error> {
        Ok(Self {
            policy: compile(workload, true)?,
            workload: workload.clone(),
        })
    }

    fn prepare(&self, who: &str, permission: &str) -> Result<(Principal, String), Error> {
        let who = principal(&self.policy, self.workload.principal(who), who)?;
        Ok((who, permission.to_owned()))
    }

    #[inline]
    fn decide(&self, (who, key): &(Principal, String)) -> bool {
        self.policy.allows(*who, key).unwrap_or(false)
    }
}

/// Users compiled on demand (`Policy::compile_user`) against a policy of
/// the roles alone, as a service compiles a caller from its users/me or
/// subjects/me document: each user holds the policy's roles by name, in its
/// divisions. A role question asks a user compiled holding that one role
/// in every division. Typed where the catalog knows the key, as
/// [`PermgateTyped`].
#[derive(Debug)]
pub struct PermgateCompiled {
    users: HashMap<String, CompiledUser>,
    workload: Workload,
}

/// A question of a [`PermgateCompiled`] user, prepared as a handler
/// would: the user (in every division, or its view in one division) and
/// the permission, typed where its catalog knows the key.
#[derive(Debug)]
pub enum CompiledQuestion<'e> {
    /// Asked of the user in every division (`CompiledUser::allows`).
    Everywhere(&'e CompiledUser, CompiledAsked<'e>),
    /// Asked of the user in one division (`CompiledUser::in_division`,
    /// then `UserIn::allows`).
    In(UserIn<'e>, CompiledAsked<'e>),
}

/// What a [`CompiledQuestion`] asks: a catalog permission, or a key no
/// catalog knows (no typed form: a string, as a caller would ask).
#[derive(Debug)]
pub enum CompiledAsked<'e> {
    /// A catalog permission.
    Typed(Permission<'e>),
    /// Anything else, asked as a string.
    Untyped(String),
}

impl Engine for PermgateCompiled {
    type Question<'e> = CompiledQuestion<'e>;

    const NAME: &'static str = "permgate CompiledUser (typed)";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let roles = compile(workload, false)?;
        let mut users = HashMap::new();
        for role in &workload.roles {
            let user = UserDefinition::new(&role.name).role(RoleDefinition::new(&role.name), Division::All);
            users.insert(role.name.clone(), roles.compile_user(&user)?);
        }
        for user in &workload.users {
            let definition = user
                .roles
                .iter()
                .fold(UserDefinition::new(&user.name), |definition, (role, division)| {
                    definition.role(
                        RoleDefinition::new(role),
                        division.as_deref().map_or(Division::All, Division::new),
                    )
                });
            users.insert(user.name.clone(), roles.compile_user(&definition)?);
        }
        Ok(Self {
            users,
            workload: workload.clone(),
        })
    }

    fn prepare<'e>(&'e self, who: &str, permission: &str) -> Result<Self::Question<'e>, Error> {
        let (name, division) = match self.workload.principal(who) {
            Some(Who::Role(role)) => (role.name.as_str(), None),
            Some(Who::User(user, division)) => (user.name.as_str(), division),
            None => return Err(format!("no role or user `{who}`").into()),
        };
        let user = self.users.get(name).ok_or_else(|| format!("no user `{name}`"))?;
        let asked = match user.catalog().lookup(permission) {
            Some(typed) if !typed.is_wildcard() => CompiledAsked::Typed(typed),
            _ => CompiledAsked::Untyped(permission.to_owned()),
        };
        Ok(match division {
            None => CompiledQuestion::Everywhere(user, asked),
            Some(division) => CompiledQuestion::In(user.in_division(division), asked),
        })
    }

    #[inline]
    fn decide(&self, question: &Self::Question<'_>) -> bool {
        match question {
            CompiledQuestion::Everywhere(user, CompiledAsked::Typed(permission)) => user.allows(*permission),
            CompiledQuestion::Everywhere(user, CompiledAsked::Untyped(key)) => {
                user.allows(key.as_str()).unwrap_or(false)
            }
            CompiledQuestion::In(user, CompiledAsked::Typed(permission)) => user.allows(*permission),
            CompiledQuestion::In(user, CompiledAsked::Untyped(key)) => user.allows(key.as_str()).unwrap_or(false),
        }
    }
}
