//! How a policy names its principals: [`Policy::name`], [`Policy::describe`].

use super::Policy;
use crate::principal::{Kind, Named, Principal, Scope};

impl Policy {
    /// The name of the role or user `who` is; `None` for a principal of
    /// another policy.
    pub fn name(&self, who: impl Into<Principal>) -> Option<&str> {
        let who = who.into();
        if who.policy != self.id {
            return None;
        }
        match who.kind {
            Kind::Role(role) => self.tables.roles.get(role as usize).map(|data| &*data.name),
            Kind::User(user) | Kind::UserIn { user, .. } => {
                self.tables.users.get(user as usize).map(|data| &*data.name)
            }
            Kind::Set => None,
        }
    }

    /// `who` as messages name it (``role `viewer` ``, ``user `ana` in division
    /// `d-east` ``), with names escaped for display; `None` for a principal of
    /// another policy.
    pub fn describe(&self, who: impl Into<Principal>) -> Option<String> {
        self.named(who.into()).map(|named| named.to_string())
    }

    /// How messages name `who`; `None` for a principal of another policy.
    pub(super) fn named(&self, who: Principal) -> Option<Named> {
        if who.policy != self.id {
            return None;
        }
        let (kind, name, scope) = match who.kind {
            Kind::Set => return None,
            Kind::Role(role) => (
                "role",
                self.tables.roles.get(role as usize).map(|data| &*data.name)?,
                Scope::Role,
            ),
            Kind::User(user) => ("user", &*self.tables.users.get(user as usize)?.name, Scope::Everywhere),
            Kind::UserIn { user, division } => {
                let data = self.tables.users.get(user as usize)?;
                let id = division
                    .and_then(|n| data.divisions.get(n as usize))
                    .map(|(id, _)| id.to_string());
                ("user", &*data.name, id.map_or(Scope::Unnamed, Scope::In))
            }
        };
        Some(Named {
            kind,
            name: name.to_owned(),
            scope,
        })
    }
}
