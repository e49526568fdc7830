//! Why a decision is what it is: [`Policy::explain`], [`Policy::divisions_permitted`].

use super::role::{GrantSet, RoleData, has_bit};
use super::{Decision, Policy};
use crate::condition::Condition;
use crate::explain::{By, Explanation, Permitted, Reason};
use crate::permission::Permission;
use crate::principal::{Division, Kind, Principal, UserId};
use crate::question::{Asked, Question, Resolved, unheld};

impl Policy {
    /// Why `who` may (or may not) do what `question` names: the decision,
    /// and which role, in which division, by which grant (the permission
    /// itself, a wildcard, every action of the entity, a key no catalog
    /// knows), under which condition. Off the hot path.
    ///
    /// ```
    /// use permgate::{explain::By, Catalog, Decision, Division, Policy};
    ///
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let queues = builder.add_role("queue admin", ["routing:queue:*"])?;
    /// let ana = builder.add_user("ana", [(queues, Division::new("d-east"))])?;
    /// let policy = builder.build();
    /// let why = policy.explain(policy.user_in(ana, "d-east"), "routing:queue:edit")?;
    /// assert_eq!(why.decision, Decision::Allowed);
    /// assert_eq!(why.reasons[0].role, "queue admin");
    /// assert_eq!(why.reasons[0].by, By::Wildcard("routing:queue:*".into()));
    /// assert_eq!(
    ///     why.to_string(),
    ///     "`routing:queue:edit` is allowed\n  - role `queue admin` in division `d-east`: the wildcard `routing:queue:*`"
    /// );
    /// let why = policy.explain(policy.user_in(ana, "d-west"), "routing:queue:edit")?;
    /// assert_eq!(why.decision, Decision::Denied);
    /// assert!(why.reasons.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`allows`](Self::allows).
    pub fn explain<Q: Question>(&self, who: impl Into<Principal>, question: Q) -> Q::Answer<Explanation<'_>> {
        let who = who.into();
        question.ask(self.catalog(), unheld(), |Asked(asked)| {
            let decision = self.decide_resolved(who, asked);
            let permission = match asked {
                Resolved::Known(index) => self.catalog().get(index).map(|p| p.key().to_owned()),
                Resolved::Unknown(_, key, _) => Some(key.to_owned()),
                Resolved::Foreign => None,
            };
            let division_aware = match asked {
                Resolved::Known(index) => self.is_division_aware(index),
                _ => true,
            };
            let in_reach: Vec<_> = self.grants_in_reach(who, division_aware).collect();
            let mut reasons = self.reasons_of(&in_reach, asked);
            // Allowed, and no grant alone gives it: a whole-entity row held across grants.
            if let (Decision::Allowed, Resolved::Known(row)) = (&decision, asked) {
                if !reasons.iter().any(|reason| reason.condition.is_none()) {
                    reasons.splice(0..0, self.entity_row_reasons(who, row));
                }
            }
            // Asked in every division, a user's grants in named divisions, for an
            // answer short of `Allowed`.
            let out_of_reach: Vec<_> = match who.kind {
                Kind::User(_) if decision != Decision::Allowed => self
                    .grants_in_reach(who, false)
                    .filter(|(_, division)| !in_reach.iter().any(|(_, d)| same_grant(*d, *division)))
                    .collect(),
                _ => Vec::new(),
            };
            let elsewhere = self.elsewhere(who, decision == Decision::Allowed, &out_of_reach, asked);
            Explanation {
                permission: permission.unwrap_or_default(),
                decision,
                reasons,
                elsewhere,
            }
        })
    }

    /// What in `grants` gives the permission `asked`: unconditional grants
    /// first, then conditional ones.
    fn reasons_of<'p>(
        &'p self,
        grants: &[(&'p RoleData, Option<&'p Division>)],
        asked: Resolved<'_>,
    ) -> Vec<Reason<'p>> {
        let mut reasons = Vec::new();
        let mut conditional = Vec::new();
        if matches!(asked, Resolved::Foreign) {
            return reasons;
        }
        for &(role, division) in grants {
            self.reasons(role, division, &role.granted, None, asked, &mut reasons);
            for grant in &role.conditional {
                let condition = Some(&*grant.condition);
                self.reasons(role, division, &grant.grants, condition, asked, &mut conditional);
            }
        }
        reasons.append(&mut conditional);
        reasons
    }

    /// What in `out_of_reach` (a user's grants in named divisions) gives the
    /// permission `asked`; for a whole-entity row no such grant gives alone,
    /// the grants that hold its actions together in each named division where
    /// the user holds it (with the grants in every division that take part).
    fn elsewhere<'p>(
        &'p self,
        who: Principal,
        allowed: bool,
        out_of_reach: &[(&'p RoleData, Option<&'p Division>)],
        asked: Resolved<'_>,
    ) -> Vec<Reason<'p>> {
        let mut elsewhere = self.reasons_of(out_of_reach, asked);
        let (Kind::User(user), Resolved::Known(row)) = (who.kind, asked) else {
            return elsewhere;
        };
        // A user of another policy has nothing here.
        if allowed || who.policy != self.id || elsewhere.iter().any(|reason| reason.condition.is_none()) {
            return elsewhere;
        }
        let divisions = self
            .tables
            .users
            .get(user as usize)
            .map(|data| data.divisions.as_slice())
            .unwrap_or_default();
        let mut together: Vec<Reason<'p>> = Vec::new();
        for (n, (_, division_row)) in divisions.iter().enumerate() {
            let there = Principal {
                policy: self.id,
                row: *division_row,
                kind: Kind::UserIn {
                    user,
                    division: u32::try_from(n).ok(),
                },
            };
            if self.allowed_resolved(there, asked) {
                for reason in self.entity_row_reasons(there, row) {
                    if !together.iter().any(|r| same_grant(r.division, reason.division)) {
                        together.push(reason);
                    }
                }
            }
        }
        elsewhere.splice(0..0, together);
        elsewhere
    }

    /// For the whole-entity row `row` held by `who` across grants: each grant
    /// in reach (each action by its own division awareness) holding actions
    /// the catalog lists for the entity, with those actions. Empty for a
    /// permission that is not a whole-entity row.
    pub(super) fn entity_row_reasons(&self, who: Principal, row: u16) -> Vec<Reason<'_>> {
        let Some((_, actions)) = self.catalog().entity_rows().find(|(entity_row, _)| *entity_row == row) else {
            return Vec::new();
        };
        let in_division: Vec<_> = self.grants_in_reach(who, true).collect();
        self.grants_in_reach(who, false)
            .filter_map(|(role, division)| {
                // A role asked about directly (no division) is always in reach.
                let in_division = division.is_none() || in_division.iter().any(|(_, d)| same_grant(*d, division));
                let words = self.grant_set_words(role)?;
                let held: Vec<Permission<'_>> = actions
                    .iter()
                    .filter(|&&action| has_bit(words, action) && (in_division || !self.is_division_aware(action)))
                    .filter_map(|&action| self.catalog().get(action))
                    .collect();
                (!held.is_empty()).then_some(Reason {
                    role: &role.name,
                    named_role: !role.own,
                    division,
                    by: By::EveryActionWithOthers(held),
                    condition: None,
                })
            })
            .collect()
    }

    /// The policy's row of `role`'s unconditional grants, into which their
    /// bits moved.
    fn grant_set_words(&self, role: &RoleData) -> Option<&[u64]> {
        self.words(self.set_principal(role))
    }

    /// What in `grants` (of `role`) gives the permission `asked`.
    fn reasons<'p>(
        &'p self,
        role: &'p RoleData,
        division: Option<&'p Division>,
        grants: &'p GrantSet,
        condition: Option<&'p Condition>,
        asked: Resolved<'_>,
        out: &mut Vec<Reason<'p>>,
    ) {
        let reason = |by| Reason {
            role: &role.name,
            named_role: !role.own,
            division,
            by,
            condition,
        };
        match asked {
            Resolved::Known(index) => {
                let Some(permission) = self.catalog().get(index) else {
                    return;
                };
                let before = out.len();
                if grants.exact.binary_search(&index).is_ok() {
                    out.push(reason(By::Permission(permission)));
                }
                let wildcards = grants
                    .wildcards(self.catalog())
                    .filter(|p| p.covers_permission(permission));
                out.extend(wildcards.map(|pattern| reason(By::Wildcard(pattern.key()))));
                // Held, but neither by name nor by a wildcard: every listed action.
                // The unconditional grants' bits moved into the role's row of the policy.
                let held = match condition {
                    None => self.grant_set_words(role).is_some_and(|words| has_bit(words, index)),
                    Some(_) => grants.has(index),
                };
                if out.len() == before && held {
                    out.push(reason(By::EveryAction));
                }
            }
            Resolved::Unknown(spelling, key, _) => {
                if let crate::parse::Spelling::Key { domain, entity, action } = spelling {
                    let wildcards = grants
                        .wildcards(self.catalog())
                        .filter(|p| p.covers(domain, entity, action));
                    out.extend(wildcards.map(|pattern| reason(By::Wildcard(pattern.key()))));
                }
                if let Some(granted) = grants.unknown.iter().find(|granted| granted.eq_ignore_ascii_case(key)) {
                    out.push(reason(By::UnknownKey(granted)));
                }
            }
            Resolved::Foreign => {}
        }
    }

    /// In which divisions `user` may do what `question` names, unconditionally:
    /// everywhere (a `*` grant, or a permission that is not division-aware
    /// held through any grant), or only in the divisions listed.
    ///
    /// ```
    /// use permgate::{Catalog, Division, explain::Permitted, Policy, perm};
    ///
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let viewer = builder.add_role("viewer", ["routing:queue:view"])?;
    /// let joiner = builder.add_role("joiner", ["routing:queue:join"])?;
    /// let ana = builder.add_user("ana", [
    ///     (viewer, Division::new("d-west")),
    ///     (viewer, Division::new("d-east")),
    ///     (joiner, Division::All),
    /// ])?;
    /// let policy = builder.build();
    /// assert_eq!(policy.divisions_permitted(ana, perm::routing::QUEUE_VIEW), Permitted::In(vec!["d-east", "d-west"]));
    /// assert_eq!(policy.divisions_permitted(ana, perm::routing::QUEUE_JOIN), Permitted::Everywhere);
    /// assert_eq!(policy.divisions_permitted(ana, "routing:queue:edit")?, Permitted::In(vec![]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`allows`](Self::allows).
    pub fn divisions_permitted<Q: Question>(&self, user: UserId, question: Q) -> Q::Answer<Permitted<'_>> {
        let everywhere = Principal::from(user);
        question.ask(self.catalog(), unheld(), |Asked(asked)| {
            if matches!(asked, Resolved::Foreign) {
                return Permitted::In(Vec::new());
            }
            if self.allowed_resolved(everywhere, asked) {
                return Permitted::Everywhere;
            }
            let Kind::User(index) = everywhere.kind else {
                return Permitted::In(Vec::new());
            };
            let divisions = self
                .tables
                .users
                .get(index as usize)
                .filter(|_| user.policy == self.id)
                .map(|data| data.divisions.as_slice())
                .unwrap_or_default();
            Permitted::In(
                divisions
                    .iter()
                    .filter(|(id, _)| self.allowed_resolved(self.user_in(user, id), asked))
                    .map(|(id, _)| &**id)
                    .collect(),
            )
        })
    }
}

/// Whether two divisions in reach are the division of the same grant.
fn same_grant(a: Option<&Division>, b: Option<&Division>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if core::ptr::eq(a, b))
}
