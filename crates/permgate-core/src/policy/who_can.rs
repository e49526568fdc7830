//! The reverse question: [`Policy::who_can`] and [`Policy::who_can_among`],
//! answered by a column scan of the bitsets.

use core::fmt;
use std::sync::Arc;

use super::role::{ConditionalGrant, RoleData, has_bit};
use super::user::UserData;
use super::{CompiledUser, Policy};
use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::decision::Decision;
use crate::explain::Permitted;
use crate::principal::{Division, Kind, Principal, RoleId, UserId};
use crate::question::{Asked, Hashed, Question, Resolved, unheld};

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
/// of [`Policy::who_can_among`](crate::Policy::who_can_among). Where it may
/// do it unconditionally ([`divisions`](Self::divisions)) and which of its
/// grants give it ([`grants`](Self::grants)) are worked out when asked, for
/// this user alone: the scan that listed it tested one bit per row.
#[derive(Clone)]
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
    policy: &'p Policy,
    asked: Target,
    /// The user where [`Within`] asked; `None` for any division.
    place: Option<Principal>,
}

/// What was asked, kept for [`UserCan::grants`] and [`UserCan::divisions`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Known(u16),
    /// A key or flat name no catalog knows, parsed again when asked.
    Unknown(Arc<str>),
}

impl<'p> UserCan<'p> {
    /// Where the user may do it unconditionally, whatever [`Within`] asked
    /// (as [`Policy::divisions_permitted`](crate::Policy::divisions_permitted)
    /// says): everywhere, or in these divisions (empty when only under
    /// conditions).
    pub fn divisions(&self) -> Permitted<'p> {
        let policy = self.policy;
        let Some(data) = policy.tables.users.get(self.user.index as usize) else {
            return Permitted::In(Vec::new());
        };
        self.with_asked(Permitted::In(Vec::new()), |asked| {
            policy.divisions_holding(asked, self.user, data)
        })
    }

    /// The user's grants that give it where [`Within`] says, each with its
    /// division and, for a conditional grant, its condition: the
    /// unconditional ones first, in the user's order, then the conditional
    /// ones: the grants [`Policy::explain`](crate::Policy::explain) names
    /// there (ask it how each gives it). Where a row that stands for a
    /// whole entity (`integration:amiPremiumApps:*`) is held by no grant
    /// alone but by the actions of several, those grants come first.
    pub fn grants(&self) -> Vec<Grant<'p>> {
        let policy = self.policy;
        let Some(data) = policy.tables.users.get(self.user.index as usize) else {
            return Vec::new();
        };
        let allowed = self.decision.is_allowed();
        self.with_asked(Vec::new(), |asked| {
            policy.grants_giving(asked, self.place, self.user, data, allowed)
        })
    }

    fn with_asked<T>(&self, otherwise: T, answer: impl FnOnce(Resolved<'_>) -> T) -> T {
        match &self.asked {
            Target::Known(index) => answer(Resolved::Known(*index)),
            Target::Unknown(key) => match crate::parse::parse(key) {
                Ok(spelling) => answer(Resolved::Unknown(spelling, key, Hashed::new(key))),
                Err(_) => otherwise,
            },
        }
    }
}

impl fmt::Debug for UserCan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCan")
            .field("user", &self.user)
            .field("name", &self.name)
            .field("decision", &self.decision)
            .finish_non_exhaustive()
    }
}

/// Equal: the same user, name and decision, for the same question asked in
/// the same place of the same policy.
impl PartialEq for UserCan<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.user == other.user
            && self.name == other.name
            && self.decision == other.decision
            && self.policy.id == other.policy.id
            && self.asked == other.asked
            && self.place == other.place
    }
}

impl Eq for UserCan<'_> {}

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

/// [`Within`], `*` read as every division.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    Every,
    Division(&'a str),
    Any,
}

impl<'a> From<Within<'a>> for Scope<'a> {
    fn from(within: Within<'a>) -> Self {
        match within {
            Within::EveryDivision | Within::Division("*") => Scope::Every,
            Within::Division(id) => Scope::Division(id),
            Within::AnyDivision => Scope::Any,
        }
    }
}

/// One question resolved against one policy: what each row is tested for.
#[derive(Debug, Clone)]
struct Column<'q> {
    asked: Resolved<'q>,
    target: Target,
    scope: Scope<'q>,
    division_aware: bool,
    /// Whether some grant set of the policy gives the permission under a
    /// condition: without one, a user whose rows do not hold it is left out
    /// at once.
    conditional: bool,
    /// For a catalog permission: its word within a row, and its bit there.
    word: usize,
    mask: u64,
}

/// Whether a conditional grant gives the permission `asked`, under its
/// condition.
pub(super) fn gives_if(catalog: &Catalog, grant: &ConditionalGrant, asked: Resolved<'_>) -> bool {
    match asked {
        Resolved::Known(index) => grant.grants.has(index),
        Resolved::Unknown(spelling, key, hashed) => grant.grants.allows_spelling(catalog, spelling, key, hashed),
        Resolved::Foreign => false,
    }
}

impl Policy {
    /// Who may do what `question` names: every role that grants it and
    /// every user that may do it where `within` says (in one division, in
    /// every division, or in any), each [`Allowed`](Decision::Allowed) or
    /// [`AllowedIf`](Decision::AllowedIf) conditions; for each user, on
    /// demand, where it may do it unconditionally
    /// ([`UserCan::divisions`]) and which of its grants give it
    /// ([`UserCan::grants`]).
    ///
    /// One bit is tested in each row of the bitset (a column scan): a role
    /// is one row, a user one row in every division and one more per
    /// division its grants name. A user whose rows do not hold the
    /// permission costs that test alone, unless a conditional grant of the
    /// policy gives it (then its grants in reach are looked at). Each entry
    /// says what [`decide`](Self::decide) says of that principal there, and
    /// a user's grants are the grants [`explain`](Self::explain) names
    /// there. A permission of another catalog: no one.
    ///
    /// For "which roles grant it" alone, read [`WhoCan::roles`]: the users'
    /// part costs the scan of their rows, not more.
    ///
    /// ```
    /// use permgate::{Catalog, Decision, Division, Policy, explain::Permitted, perm, who_can::Within};
    ///
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let admin = builder.add_role("queue admin", ["routing:queue:*"])?;
    /// let viewer = builder.add_role("queue viewer", ["routing:queue:view"])?;
    /// builder.add_role("maps", ["journey:actionmap:view"])?;
    /// builder.add_user("ana", [(admin, Division::new("d-east"))])?;
    /// builder.add_user("bob", [(viewer, Division::All)])?;
    /// let policy = builder.build();
    ///
    /// let who = policy.who_can(perm::routing::QUEUE_VIEW, Within::Division("d-east"));
    /// let roles: Vec<&str> = who.roles.iter().map(|role| role.name).collect();
    /// assert_eq!(roles, ["queue admin", "queue viewer"]);
    /// let users: Vec<&str> = who.users.iter().map(|user| user.name).collect();
    /// assert_eq!(users, ["ana", "bob"]);
    /// assert_eq!(who.users[0].decision, Decision::Allowed);
    /// assert_eq!(who.users[0].divisions(), Permitted::In(vec!["d-east"]));
    /// let grants = who.users[0].grants();
    /// assert_eq!((grants[0].role, grants[0].division.id(), grants[0].condition), ("queue admin", "d-east", None));
    ///
    /// // In every division, ana's grant in d-east does not count.
    /// let who = policy.who_can("Routing > Queue > View", Within::EveryDivision)?;
    /// assert_eq!(who.users.iter().map(|user| user.name).collect::<Vec<_>>(), ["bob"]);
    /// // In any division, it does.
    /// assert_eq!(policy.who_can(perm::routing::QUEUE_EDIT, Within::AnyDivision).users[0].name, "ana");
    /// assert!(policy.who_can("routing:queue:*", Within::AnyDivision).is_err()); // never a wildcard
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`allows`](Self::allows).
    pub fn who_can<Q: Question>(&self, question: Q, within: Within<'_>) -> Q::Answer<WhoCan<'_>> {
        question.ask(&self.catalog, unheld(), |Asked(asked)| {
            let permission = match asked {
                Resolved::Known(index) => self.catalog.get(index).map(|p| p.key().to_owned()),
                Resolved::Unknown(_, key, _) => Some(key.to_owned()),
                Resolved::Foreign => None,
            };
            let mut who = WhoCan {
                permission: permission.unwrap_or_default(),
                roles: Vec::new(),
                users: Vec::new(),
            };
            let Some(column) = self.column(asked, within.into()) else {
                return who;
            };
            who.roles = self.roles_can(&column);
            who.users = self
                .tables
                .users
                .iter()
                .enumerate()
                .filter_map(|(index, data)| {
                    let user = UserId {
                        policy: self.id,
                        index: u32::try_from(index).ok()?,
                        row: data.row,
                    };
                    self.user_can(&column, user, data)
                })
                .collect();
            who
        })
    }

    /// [`who_can`](Self::who_can) over users compiled on demand against
    /// this policy ([`compile_user`](Self::compile_user)): a service's
    /// cache of its callers. Each user that may do what `question` names
    /// where `within` says comes back with its answer, in the order given;
    /// each is answered from its own rows, one bit test; its own policy
    /// ([`CompiledUser::policy`]) is built, and kept, only for a user that
    /// may do it somewhere, or a key no catalog knows. A user compiled
    /// against another policy (this one before a reload, or another
    /// organization's) is left out: what it may do under this policy is not
    /// known until it is compiled again.
    ///
    /// ```
    /// use permgate::{Catalog, Decision, Division, Policy, RoleDefinition, UserDefinition, perm, who_can::Within};
    ///
    /// let policy = Policy::builder(Catalog::builtin()).role("queue viewer", ["routing:queue:view"])?.build();
    /// let viewer = || RoleDefinition::new("queue viewer");
    /// let ana = policy.compile_user(&UserDefinition::new("ana").role(viewer(), Division::new("d-east")))?;
    /// let bob = policy.compile_user(&UserDefinition::new("bob").role(viewer(), Division::All))?;
    /// let cached = [ana, bob];
    /// let who = policy.who_can_among(perm::routing::QUEUE_VIEW, Within::EveryDivision, &cached);
    /// assert_eq!(who.len(), 1);
    /// assert_eq!((who[0].1.name, &who[0].1.decision), ("bob", &Decision::Allowed));
    /// assert!(who[0].0.is_compiled_against(&policy));
    /// let who = policy.who_can_among("routing:queue:view", Within::Division("d-east"), &cached)?;
    /// assert_eq!(who.iter().map(|(_, user)| user.name).collect::<Vec<_>>(), ["ana", "bob"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`allows`](Self::allows).
    pub fn who_can_among<'u, Q: Question>(
        &self,
        question: Q,
        within: Within<'_>,
        users: impl IntoIterator<Item = &'u CompiledUser>,
    ) -> Q::Answer<Vec<(&'u CompiledUser, UserCan<'u>)>> {
        question.ask(&self.catalog, unheld(), |Asked(asked)| {
            users
                .into_iter()
                .filter(|compiled| compiled.is_compiled_against(self) && compiled.may_hold(asked))
                .filter_map(|compiled| {
                    // Compiled over this policy's catalog: the same indexes.
                    let policy = compiled.policy();
                    let column = policy.column(asked, within.into())?;
                    let user = compiled.id();
                    let data = policy.tables.users.get(user.index as usize)?;
                    policy.user_can(&column, user, data).map(|can| (compiled, can))
                })
                .collect()
        })
    }

    /// The question as each row is tested for it; `None` for a permission
    /// of another catalog.
    fn column<'q>(&self, asked: Resolved<'q>, scope: Scope<'q>) -> Option<Column<'q>> {
        let (division_aware, index, target) = match asked {
            Resolved::Known(index) => (self.is_division_aware(index), index, Target::Known(index)),
            Resolved::Unknown(_, key, _) => (true, 0, Target::Unknown(key.into())),
            Resolved::Foreign => return None,
        };
        let conditional = (self.tables.roles.iter().chain(&self.tables.own)).any(|set| {
            set.conditional
                .iter()
                .any(|grant| gives_if(self.catalog(), grant, asked))
        });
        Some(Column {
            asked,
            target,
            scope,
            division_aware,
            conditional,
            word: usize::from(index) / 64,
            mask: 1 << (index % 64),
        })
    }

    /// Whether row `row` holds the column's catalog permission.
    #[inline]
    fn row_holds(&self, column: &Column<'_>, row: u32) -> bool {
        self.bits
            .get(row as usize * self.stride + column.word)
            .is_some_and(|word| word & column.mask != 0)
    }

    /// Whether a grant set gives the permission `asked` unconditionally.
    fn set_gives(&self, asked: Resolved<'_>, set: &RoleData) -> bool {
        match asked {
            Resolved::Known(index) => self.words_of(set.row).is_some_and(|words| has_bit(words, index)),
            Resolved::Unknown(spelling, key, hashed) => {
                set.granted.allows_spelling(self.catalog(), spelling, key, hashed)
            }
            Resolved::Foreign => false,
        }
    }

    /// Every role that gives the permission, unconditionally or not.
    fn roles_can(&self, column: &Column<'_>) -> Vec<RoleCan<'_>> {
        let mut roles = Vec::new();
        for (role, data) in self.roles().zip(&self.tables.roles) {
            let decision = if self.set_gives(column.asked, data) {
                Decision::Allowed
            } else if column.conditional {
                Decision::from_conditions(self.conditions(column, [data]))
            } else {
                continue;
            };
            if decision != Decision::Denied {
                roles.push(RoleCan {
                    role,
                    name: &data.name,
                    decision,
                });
            }
        }
        roles
    }

    /// The conditions of the conditional grants of `sets` that give the
    /// permission, in order (each once: [`Decision::from_conditions`]).
    fn conditions<'p>(
        &'p self,
        column: &Column<'_>,
        sets: impl IntoIterator<Item = &'p RoleData>,
    ) -> impl Iterator<Item = &'p crate::condition::Condition> {
        let asked = column.asked;
        sets.into_iter()
            .flat_map(|set| set.conditional.iter())
            .filter(move |grant| gives_if(self.catalog(), grant, asked))
            .map(|grant| &*grant.condition)
    }

    /// The user where the scope asks; `None` for any division.
    fn scoped(&self, user: UserId, scope: Scope<'_>) -> Option<Principal> {
        match scope {
            Scope::Every => Some(Principal::from(user)),
            Scope::Division(id) => Some(self.user_in(user, id)),
            Scope::Any => None,
        }
    }

    /// The grants that reach the user at `place` (`None`: in any
    /// division, all of them) for a permission division-aware or not.
    fn reach(
        &self,
        place: Option<Principal>,
        user: UserId,
        division_aware: bool,
    ) -> impl Iterator<Item = (&RoleData, Option<&Division>)> {
        match place {
            Some(who) => self.grants_in_reach(who, division_aware),
            None => self.grants_in_reach(Principal::from(user), false),
        }
    }

    /// The bitset row `row`.
    fn words_of(&self, row: u32) -> Option<&[u64]> {
        let start = row as usize * self.stride;
        self.bits.get(start..start + self.stride)
    }

    /// The user's answer where the scope asks, or `None` when it may not.
    fn user_can<'p>(&'p self, column: &Column<'_>, user: UserId, data: &'p UserData) -> Option<UserCan<'p>> {
        // The user where the scope asks, looked up once.
        let mut there = None;
        let mut place = || *there.get_or_insert_with(|| self.scoped(user, column.scope));
        // A user's rows follow one another: every division's, then one per
        // division its grants name (`UserData::new`), so they are tested
        // without reading the division ids.
        let named = u32::try_from(data.divisions.len()).unwrap_or(u32::MAX);
        let mut rows = data.row..=data.row.saturating_add(named);
        let allowed = match (column.asked, column.scope) {
            // The scan: one bit per row. A division's row holds what every
            // division's holds, so that one is tested first; a division is
            // looked up only for a user holding it in some division.
            (Resolved::Known(_), Scope::Every) => self.row_holds(column, data.row),
            (Resolved::Known(_), Scope::Division(_)) => {
                self.row_holds(column, data.row)
                    || (rows.skip(1).any(|row| self.row_holds(column, row))
                        && place().is_some_and(|there| self.row_holds(column, there.row)))
            }
            (Resolved::Known(_), Scope::Any) => rows.any(|row| self.row_holds(column, row)),
            // A key no catalog knows: the kept patterns and unknown grants in reach.
            _ => (self.reach(place(), user, column.division_aware)).any(|(set, _)| self.set_gives(column.asked, set)),
        };
        let decision = if allowed {
            Decision::Allowed
        } else if column.conditional {
            let sets = self.reach(place(), user, column.division_aware).map(|(set, _)| set);
            Decision::from_conditions(self.conditions(column, sets))
        } else {
            return None;
        };
        if decision == Decision::Denied {
            return None;
        }
        Some(UserCan {
            user,
            name: &data.name,
            decision,
            policy: self,
            asked: column.target.clone(),
            place: place(),
        })
    }

    /// Where the user may do it unconditionally, as
    /// [`divisions_permitted`](Self::divisions_permitted) says.
    fn divisions_holding<'p>(&self, asked: Resolved<'_>, user: UserId, data: &'p UserData) -> Permitted<'p> {
        let there = |division: Option<u32>, row: u32| Principal {
            policy: self.id,
            row,
            kind: match division {
                None => Kind::User(user.index),
                division => Kind::UserIn {
                    user: user.index,
                    division,
                },
            },
        };
        if self.allowed_resolved(there(None, data.row), asked) {
            return Permitted::Everywhere;
        }
        Permitted::In(
            (data.divisions.iter().zip(0u32..))
                .filter(|((_, row), n)| self.allowed_resolved(there(Some(*n), *row), asked))
                .map(|((id, _), _)| &**id)
                .collect(),
        )
    }

    /// The user's grants that give it at `place` (see [`UserCan::grants`]).
    fn grants_giving<'p>(
        &'p self,
        asked: Resolved<'_>,
        place: Option<Principal>,
        user: UserId,
        data: &'p UserData,
        allowed: bool,
    ) -> Vec<Grant<'p>> {
        let division_aware = match asked {
            Resolved::Known(index) => self.is_division_aware(index),
            _ => true,
        };
        let in_reach: Vec<_> = self.reach(place, user, division_aware).collect();
        let grant = |set: &'p RoleData, division: Option<&'p Division>, condition| {
            Some(Grant {
                role: &set.name,
                named_role: !set.own,
                division: division?,
                condition,
            })
        };
        let mut grants: Vec<Grant<'p>> = in_reach
            .iter()
            .filter(|(set, _)| self.set_gives(asked, set))
            .filter_map(|&(set, division)| grant(set, division, None))
            .collect();
        let conditional = in_reach.iter().flat_map(|&(set, division)| {
            set.conditional
                .iter()
                .filter(move |conditional| gives_if(self.catalog(), conditional, asked))
                .filter_map(move |conditional| grant(set, division, Some(&*conditional.condition)))
        });
        if !allowed || !grants.is_empty() {
            grants.extend(conditional);
            return grants;
        }
        // Allowed, and no grant alone gives it: a whole-entity row held
        // across grants, in each place the scope asks where it is held.
        let Resolved::Known(index) = asked else {
            grants.extend(conditional);
            return grants;
        };
        let holds = |row: u32| self.words_of(row).is_some_and(|words| has_bit(words, index));
        let places: Vec<Principal> = match place {
            Some(who) => vec![who],
            None if holds(data.row) => vec![Principal::from(user)],
            None => (data.divisions.iter().zip(0u32..))
                .filter(|((_, row), _)| holds(*row))
                .map(|((_, row), n)| Principal {
                    policy: self.id,
                    row: *row,
                    kind: Kind::UserIn {
                        user: user.index,
                        division: Some(n),
                    },
                })
                .collect(),
        };
        let mut together: Vec<Grant<'p>> = Vec::new();
        for place in places {
            for reason in self.entity_row_reasons(place, index) {
                let Some(division) = reason.division else { continue };
                if !together.iter().any(|held| core::ptr::eq(held.division, division)) {
                    together.push(Grant {
                        role: reason.role,
                        named_role: reason.named_role,
                        division,
                        condition: None,
                    });
                }
            }
        }
        together.extend(conditional);
        together
    }
}

/// The answers as JSON (feature `serde`); the shapes are listed in the
/// crate's serde module docs.
#[cfg(feature = "serde")]
mod serialize {
    use serde::{Serialize, Serializer};

    use super::{Grant, RoleCan, UserCan, WhoCan};
    use crate::condition::Condition;
    use crate::decision::Decision;
    use crate::explain::Permitted;
    use crate::principal::Division;

    impl Serialize for WhoCan<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #[derive(Serialize)]
            struct Shape<'a> {
                permission: &'a str,
                roles: &'a [RoleCan<'a>],
                users: &'a [UserCan<'a>],
            }
            Shape {
                permission: &self.permission,
                roles: &self.roles,
                users: &self.users,
            }
            .serialize(serializer)
        }
    }

    impl Serialize for RoleCan<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #[derive(Serialize)]
            struct Shape<'a> {
                name: &'a str,
                #[serde(flatten)]
                decision: &'a Decision<'a>,
            }
            Shape {
                name: self.name,
                decision: &self.decision,
            }
            .serialize(serializer)
        }
    }

    /// Its divisions and grants are worked out here, for this user alone.
    impl Serialize for UserCan<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #[derive(Serialize)]
            struct Shape<'a> {
                name: &'a str,
                #[serde(flatten)]
                decision: &'a Decision<'a>,
                divisions: Permitted<'a>,
                grants: Vec<Grant<'a>>,
            }
            Shape {
                name: self.name,
                decision: &self.decision,
                divisions: self.divisions(),
                grants: self.grants(),
            }
            .serialize(serializer)
        }
    }

    impl Serialize for Grant<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #[derive(Serialize)]
            struct Shape<'a> {
                role: &'a str,
                named_role: bool,
                division: &'a Division,
                condition: Option<&'a Condition>,
            }
            Shape {
                role: self.role,
                named_role: self.named_role,
                division: self.division,
                condition: self.condition,
            }
            .serialize(serializer)
        }
    }
}
