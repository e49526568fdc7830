//! The reverse question: [`Policy::who_can`] and [`Policy::who_can_among`],
//! answered by a column scan of the bitsets.

use super::role::{ConditionalGrant, RoleData};
use super::user::UserData;
use super::{CompiledUser, Policy};
use crate::decision::Decision;
use crate::explain::Permitted;
use crate::principal::{Division, Kind, Principal, UserId};
use crate::question::{Asked, Question, Resolved};
use crate::who_can::{Grant, RoleCan, UserCan, WhoCan, Within};

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
#[derive(Debug, Clone, Copy)]
struct Column<'q> {
    asked: Resolved<'q>,
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
pub(super) fn gives_if(grant: &ConditionalGrant, asked: Resolved<'_>) -> bool {
    match asked {
        Resolved::Known(index) => grant.grants.has(index),
        Resolved::Unknown(spelling, key) => grant.grants.allows_spelling(spelling, key),
        Resolved::Foreign => false,
    }
}

impl Policy {
    /// Who may do what `question` names: every role that grants it and
    /// every user that may do it where `within` says (in one division, in
    /// every division, or in any), each [`Allowed`](Decision::Allowed) or
    /// [`AllowedIf`](Decision::AllowedIf) conditions; for each user, where
    /// it may do it unconditionally and which of its grants give it.
    ///
    /// One bit is tested in each row of the bitset (a column scan): a user
    /// is one row in every division, one more per division its grants
    /// name. A user whose rows do not hold the permission costs that test
    /// alone, unless a conditional grant of the policy gives it; the grants
    /// are listed only for the users that may. Each entry says what
    /// [`decide`](Self::decide) says of that principal, and a user's
    /// [`grants`](UserCan::grants) are the grants [`explain`](Self::explain)
    /// names there. A permission of another catalog: no one.
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
    /// assert_eq!(who.users[0].divisions, Permitted::In(vec!["d-east"]));
    /// assert_eq!((who.users[0].grants[0].role, who.users[0].grants[0].division.id()), ("queue admin", "d-east"));
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
        question.ask(&self.catalog, |Asked(asked)| {
            let permission = match asked {
                Resolved::Known(index) => self.catalog.get(index).map(|p| p.key().to_owned()),
                Resolved::Unknown(_, key) => Some(key.to_owned()),
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
    /// each is answered from its own rows, one bit test. A user compiled
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
        question.ask(&self.catalog, |Asked(asked)| {
            users
                .into_iter()
                .filter(|compiled| compiled.is_compiled_against(self))
                .filter_map(|compiled| {
                    // Compiled over this policy's catalog: the same indexes.
                    let policy = compiled.policy();
                    let column = policy.column(asked, within.into())?;
                    let user = compiled.id();
                    let data = policy.users.get(user.index as usize)?;
                    policy.user_can(&column, user, data).map(|can| (compiled, can))
                })
                .collect()
        })
    }

    /// The question as each row is tested for it; `None` for a permission
    /// of another catalog.
    fn column<'q>(&self, asked: Resolved<'q>, scope: Scope<'q>) -> Option<Column<'q>> {
        let (division_aware, index) = match asked {
            Resolved::Known(index) => (self.is_division_aware(index), index),
            Resolved::Unknown(..) => (true, 0),
            Resolved::Foreign => return None,
        };
        let conditional = self
            .roles
            .iter()
            .chain(&self.own)
            .any(|set| set.conditional.iter().any(|grant| gives_if(grant, asked)));
        Some(Column {
            asked,
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

    /// Whether a grant set gives the permission unconditionally.
    fn set_gives(&self, column: &Column<'_>, set: &RoleData) -> bool {
        match column.asked {
            Resolved::Known(_) => self.row_holds(column, set.row),
            Resolved::Unknown(spelling, key) => set.granted.allows_spelling(spelling, key),
            Resolved::Foreign => false,
        }
    }

    /// Every role that gives the permission, unconditionally or not.
    fn roles_can(&self, column: &Column<'_>) -> Vec<RoleCan<'_>> {
        let mut roles = Vec::new();
        for (role, data) in self.roles().zip(&self.roles) {
            let decision = if self.set_gives(column, data) {
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
            .filter(move |grant| gives_if(grant, asked))
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

    /// The grants that reach the user where the scope asks: in any
    /// division, all of them.
    fn reach<'p>(
        &'p self,
        column: &Column<'_>,
        user: UserId,
    ) -> impl Iterator<Item = (&'p RoleData, Option<&'p Division>)> + 'p {
        match self.scoped(user, column.scope) {
            Some(who) => self.grants_in_reach(who, column.division_aware),
            None => self.grants_in_reach(Principal::from(user), false),
        }
    }

    /// The user's answer where the scope asks, or `None` when it may not.
    fn user_can<'p>(&'p self, column: &Column<'_>, user: UserId, data: &'p UserData) -> Option<UserCan<'p>> {
        let allowed = match (column.asked, column.scope) {
            // The scan: one bit per row (a division's row holds what every
            // division's holds, so that one is tested first).
            (Resolved::Known(_), Scope::Every) => self.row_holds(column, data.row),
            (Resolved::Known(_), Scope::Division(id)) => {
                self.row_holds(column, data.row)
                    || (!data.divisions.is_empty() && self.row_holds(column, self.user_in(user, id).row))
            }
            (Resolved::Known(_), Scope::Any) => {
                self.row_holds(column, data.row) || data.divisions.iter().any(|(_, row)| self.row_holds(column, *row))
            }
            // A key no catalog knows: the kept patterns and unknown grants in reach.
            _ => self.reach(column, user).any(|(set, _)| self.set_gives(column, set)),
        };
        let decision = if allowed {
            Decision::Allowed
        } else if column.conditional {
            Decision::from_conditions(self.conditions(column, self.reach(column, user).map(|(set, _)| set)))
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
            divisions: self.divisions_holding(column, user, data),
            grants: self.grants_giving(column, user, data, allowed),
        })
    }

    /// Where the user may do it unconditionally, as
    /// [`divisions_permitted`](Self::divisions_permitted) says.
    fn divisions_holding<'p>(&self, column: &Column<'_>, user: UserId, data: &'p UserData) -> Permitted<'p> {
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
        if self.allowed_resolved(there(None, data.row), column.asked) {
            return Permitted::Everywhere;
        }
        Permitted::In(
            (data.divisions.iter().zip(0u32..))
                .filter(|((_, row), n)| self.allowed_resolved(there(Some(*n), *row), column.asked))
                .map(|((id, _), _)| &**id)
                .collect(),
        )
    }

    /// The user's grants that give it where the scope asks (see
    /// [`UserCan::grants`]).
    fn grants_giving<'p>(
        &'p self,
        column: &Column<'_>,
        user: UserId,
        data: &'p UserData,
        allowed: bool,
    ) -> Vec<Grant<'p>> {
        let in_reach: Vec<_> = self.reach(column, user).collect();
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
            .filter(|(set, _)| self.set_gives(column, set))
            .filter_map(|&(set, division)| grant(set, division, None))
            .collect();
        let asked = column.asked;
        let conditional = in_reach.iter().flat_map(|&(set, division)| {
            set.conditional
                .iter()
                .filter(move |conditional| gives_if(conditional, asked))
                .filter_map(move |conditional| grant(set, division, Some(&*conditional.condition)))
        });
        if !allowed || !grants.is_empty() {
            grants.extend(conditional);
            return grants;
        }
        // Allowed, and no grant alone gives it: a whole-entity row held
        // across grants, in each place the scope asks where it is held.
        let Resolved::Known(row) = asked else {
            grants.extend(conditional);
            return grants;
        };
        let places: Vec<Principal> = match self.scoped(user, column.scope) {
            Some(who) => vec![who],
            None if self.row_holds(column, data.row) => vec![Principal::from(user)],
            None => (data.divisions.iter().zip(0u32..))
                .filter(|((_, row), _)| self.row_holds(column, *row))
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
            for reason in self.entity_row_reasons(place, row) {
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
