//! The reverse question: who may do a permission
//! ([`Policy::who_can`](crate::Policy::who_can), over a policy's roles and
//! users; [`Policy::who_can_among`](crate::Policy::who_can_among), over
//! users compiled on demand), in one division, in every division, or in
//! any ([`Within`]).
//!
//! The answer comes from the bitsets: one bit tested in each row (a
//! column scan), never a decision asked principal by principal. What each
//! entry says is what [`Policy::decide`](crate::Policy::decide) says of that
//! principal, and its [`grants`](UserCan::grants) are the grants
//! [`Policy::explain`](crate::Policy::explain) names there (ask `explain`
//! for how each grant gives it: by name, by a wildcard, by every action).

use crate::condition::Condition;
use crate::decision::Decision;
use crate::explain::Permitted;
use crate::principal::{Division, RoleId, UserId};

/// Where a [`Policy::who_can`](crate::Policy::who_can) question asks about
/// users. Roles are answered as they are, in no division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within<'a> {
    /// In every division: each user as a question on its
    /// [`UserId`] answers (a division-aware permission needs a grant in
    /// every division, `*`).
    EveryDivision,
    /// In one division, by id: each user as a question on
    /// [`Policy::user_in`](crate::Policy::user_in)`(user, id)` answers. `*`
    /// is [`EveryDivision`](Self::EveryDivision).
    Division(&'a str),
    /// In at least one division: a user is listed when some division (a
    /// division its grants name, or every division) gives it, with where
    /// in [`UserCan::divisions`]. Its decision is
    /// [`Allowed`](Decision::Allowed) when it is allowed unconditionally
    /// somewhere, else allowed under the conditions of every conditional
    /// grant of the user that gives it, whatever its division.
    AnyDivision,
}

/// The answer of [`Policy::who_can`](crate::Policy::who_can): every role
/// and every user that may do the permission, each allowed or allowed
/// under conditions. Principals that may not are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WhoCan<'p> {
    /// The permission as the catalog spells it, or as asked for a key no
    /// catalog knows; empty for a permission of another catalog (which no
    /// one may do).
    pub permission: String,
    /// Every role of the policy that grants it (unconditionally, or only
    /// under conditions), in the order roles were added.
    pub roles: Vec<RoleCan<'p>>,
    /// Every user that may do it where [`Within`] says, in the order users
    /// were added.
    pub users: Vec<UserCan<'p>>,
}

/// A role that grants the permission: one entry of [`WhoCan::roles`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleCan<'p> {
    /// The role.
    pub role: RoleId,
    /// Its name.
    pub name: &'p str,
    /// [`Allowed`](Decision::Allowed), or
    /// [`AllowedIf`](Decision::AllowedIf) its conditional grants' conditions:
    /// what [`Policy::decide`](crate::Policy::decide) says of the role.
    pub decision: Decision<'p>,
}

/// A user that may do the permission: one entry of [`WhoCan::users`], or
/// of [`Policy::who_can_among`](crate::Policy::who_can_among).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserCan<'p> {
    /// The user, in the policy asked (for a compiled user, its own policy:
    /// [`CompiledUser::id`](crate::CompiledUser::id)).
    pub user: UserId,
    /// Its name.
    pub name: &'p str,
    /// [`Allowed`](Decision::Allowed) or [`AllowedIf`](Decision::AllowedIf):
    /// where [`Within`] says, what [`Policy::decide`](crate::Policy::decide)
    /// says of the user there.
    pub decision: Decision<'p>,
    /// Where the user may do it unconditionally, whatever [`Within`] asked
    /// (as [`Policy::divisions_permitted`](crate::Policy::divisions_permitted)
    /// says): everywhere, or in these divisions (empty when only under
    /// conditions).
    pub divisions: Permitted<'p>,
    /// The user's grants that give it where [`Within`] says, each with its
    /// division and, for a conditional grant, its condition: the
    /// unconditional ones first, in the user's order, then the conditional
    /// ones. Where a row that stands for a whole entity
    /// (`integration:amiPremiumApps:*`) is held by no grant alone but by
    /// the actions of several, those grants come first.
    pub grants: Vec<Grant<'p>>,
}

/// One grant of a user that gives a permission: a role (or grants the user
/// holds directly) in a division, under a condition or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grant<'p> {
    /// The role's name, or for grants the user holds directly (a users/me
    /// document's) the name of that set of grants.
    pub role: &'p str,
    /// Whether `role` is a role of the policy (`false`: grants the user
    /// holds directly).
    pub named_role: bool,
    /// The division of the grant (`*`: every division).
    pub division: &'p Division,
    /// For a conditional grant, its condition.
    pub condition: Option<&'p Condition>,
}
