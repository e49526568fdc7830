//! The check an app would otherwise write, as Genesys Cloud's own Premium App
//! sample makes it: the baseline for speed and for correctness.
//!
//! The sample is `MyPureCloud/purecloud-premium-app` on GitHub; its wizard's
//! `getMissingInstallPermissions` (`docs/wizard/scripts/main.js`, as of commit
//! `0fd9d411`) decides whether the signed-in user holds the permissions an
//! install needs. It reads the user's `authorization.permissions` from
//! `GET /api/v2/users/me?expand=authorization` (a flat list of strings, the
//! SDK's `UserAuthorization.permissions`) and, for each required permission:
//!
//! 1. keeps it if the list `includes` it: an exact, case-sensitive string
//!    comparison against every entry;
//! 2. otherwise keeps it if some entry `startsWith` it, which the sample's
//!    comment gives as the way "to manage division based permissions" (an
//!    entry `routing:queue:join:<divisionId>` then passes a check for
//!    `routing:queue:join`).
//!
//! [`PremiumAppSample`] is that check in Rust, over the same per-role lists of
//! grants the other engines compile (what `users/me` lists for a user holding
//! that one role), in the same two passes. It is not proven to agree with the
//! reference like the other engines: [`Disagreements`](crate::Disagreements)
//! counts where it does not, and `tests/premium_app.rs` pins why:
//!
//! - **A prefix is not a segment.** A check for
//!   `conversation:communication:blindTransfer` passes a user holding only
//!   `…:blindTransferQueue`; the organization's catalog has 40 such pairs,
//!   some of them a wider permission passed by a narrower one
//!   (`learning:assignment:view` by `…:viewOwn`,
//!   `telephony:station:disassociate` by `…:disassociateSelf`,
//!   `outbound:campaign:view` by `…:viewSchedule`). A question that is not a
//!   whole key passes too: `routing:queue` for anyone holding a
//!   `routing:queue:…` permission, the empty string for anyone holding
//!   anything.
//! - **Wildcards are not expanded.** An entry `journey:*:*` (role grants and
//!   `users/me` keep wildcards as written) passes no concrete check.
//! - **Case.** Both passes compare bytes: `routing:queue:View` is not
//!   `routing:queue:view`, where the reference (and permgate) ignore ASCII case.
//!   The workload's keys are all lowercase, so this one is not counted.
//! - **Divisions.** A division-scoped entry passes the check in every
//!   division: the check cannot ask about one. The user questions count it.

use std::collections::HashMap;

use crate::{Engine, Error, Who, Workload};

/// The Premium App sample's check: per role, the list of permission strings
/// `users/me` would return, searched with `includes` and then `startsWith`.
///
/// A user's list is what `users/me` would list for it: the grants of the
/// roles it holds in every division as written, those of a role held in one
/// division suffixed with `:<divisionId>`. The sample asks no division, so
/// a user in a division has the user's list.
#[derive(Debug)]
pub struct PremiumAppSample {
    lists: HashMap<String, Vec<String>>,
    workload: Workload,
}

impl PremiumAppSample {
    /// The sample's two passes over a user's `permissions`: an exact match,
    /// then any entry that starts with `required`.
    pub fn holds(permissions: &[String], required: &str) -> bool {
        permissions.iter().any(|entry| entry == required) || permissions.iter().any(|entry| entry.starts_with(required))
    }
}

impl Engine for PremiumAppSample {
    type Question<'e> = (&'e [String], String);

    const NAME: &'static str = "Premium App sample";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let mut lists: HashMap<String, Vec<String>> = workload
            .roles
            .iter()
            .map(|role| (role.name.clone(), role.grants.clone()))
            .collect();
        for user in &workload.users {
            let mut list = Vec::new();
            for (role, division) in &user.roles {
                let role = workload.role(role).ok_or_else(|| format!("no role `{role}`"))?;
                list.extend(role.grants.iter().map(|grant| match division {
                    None => grant.clone(),
                    Some(division) => format!("{grant}:{division}"),
                }));
            }
            lists.insert(user.name.clone(), list);
        }
        Ok(Self {
            lists,
            workload: workload.clone(),
        })
    }

    fn prepare<'e>(&'e self, who: &str, permission: &str) -> Result<(&'e [String], String), Error> {
        let name = match self.workload.principal(who) {
            Some(Who::Role(role)) => role.name.as_str(),
            Some(Who::User(user, _)) => user.name.as_str(),
            None => return Err(format!("no role or user `{who}`").into()),
        };
        let permissions = self.lists.get(name).ok_or_else(|| format!("no list for `{who}`"))?;
        Ok((permissions, permission.to_owned()))
    }

    #[inline]
    fn decide(&self, (permissions, required): &(&[String], String)) -> bool {
        Self::holds(permissions, required)
    }
}
