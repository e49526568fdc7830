//! The questions every engine is checked on before it is timed, and how many
//! an engine answers differently from the reference ([`covers`](crate::covers)).
//!
//! Four parts, all deterministic for one data directory: the benchmarked
//! questions, about roles and users; a few hundred random ones, about roles,
//! users in every division and users in a division (catalog keys, keys the
//! principal is allowed, keys no catalog knows, segments of catalog keys
//! recombined); every concrete grant of every role, asked of the role and
//! of every user in every division and in each of [`DIVISIONS`](crate::DIVISIONS);
//! and the *prefix neighbours* of the grants,
//! the catalog keys that are a proper prefix of a grant
//! (`conversation:communication:blindtransfer` next to a grant of
//! `…:blindtransferqueue`) or that a grant is a proper prefix of, where a
//! match on characters instead of segments answers wrongly.

use std::collections::BTreeSet;

use crate::scale::splitmix;
use crate::{Engine, Workload};

/// Keys no catalog knows: under a pattern of a role, granted exactly, or
/// near misses that a prefix or suffix match would wrongly allow.
pub const UNKNOWN_KEYS: &[&str] = &[
    "attributes:attribute:edit",
    "attributes:attribute:view",
    "integration:amipremiumapps:launch",
    "journey:newthing:view",
    "journey:segment:newaction",
    "routing:queue:newaction",
    "analytics:newdashboard:view",
    "conversation:newchannel:view",
    "conversation:newchannel:edit",
    "conversation:newchannel:viewer",
    "conversation:newchannel:view:extra",
    "ui:agentdashboardperformance:view",
    "ui:agentdashboardstatus:view",
    "ui:agentdashboardstatus:edit",
    "journeys:segment:view",
    "routing:queues:join",
    "routing:queue",
    "journey",
    "integration:amipremiumapps",
];

/// How many random questions [`Workload::checked_questions`] asks.
pub const RANDOM_QUESTIONS: usize = 1_000;

/// A role name that no engine knows: every engine must deny it.
pub const NO_SUCH_ROLE: &str = "no-such-role";

/// One question of the checked set: may `who` do `permission`?
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asked {
    /// A role, `user` or `user@division` ([`NO_SUCH_ROLE`] for one no engine knows).
    pub who: String,
    /// A lowercase key (or a near miss of one: two segments, four, empty).
    pub permission: String,
}

impl Asked {
    fn new(who: &str, permission: &str) -> Self {
        Self {
            who: who.to_owned(),
            permission: permission.to_owned(),
        }
    }
}

impl Workload {
    /// `count` random questions, the same ones on every run: catalog keys,
    /// keys the principal is allowed, keys of [`UNKNOWN_KEYS`], and segments
    /// of three catalog keys recombined (mostly unknown keys, some under a
    /// role's `domain:*:*` or `domain:*:action`), over every
    /// [principal](Self::principals) and [`NO_SUCH_ROLE`].
    pub fn random_questions(&self, count: usize) -> Vec<Asked> {
        let keys = self.concrete_keys();
        let principals = self.principals();
        let mut whom: Vec<&str> = principals.iter().map(String::as_str).collect();
        whom.push(NO_SUCH_ROLE);
        let allowed_keys: Vec<Vec<&String>> = whom
            .iter()
            .map(|who| keys.iter().filter(|key| self.reference(who, key)).collect())
            .collect();
        let mut state = 4;
        let mut pick = |len: usize| (splitmix(&mut state) % len.max(1) as u64) as usize;
        let at = |list: &[String], n: usize| list.get(n).cloned().unwrap_or_default();
        let segment = |key: &str, n: usize| key.split(':').nth(n).unwrap_or("x").to_owned();
        (0..count)
            .map(|n| {
                let r = pick(whom.len());
                let who = whom.get(r).copied().unwrap_or(NO_SUCH_ROLE);
                let key = match n % 5 {
                    0 | 1 => at(&keys, pick(keys.len())),
                    2 => {
                        let allowed = allowed_keys.get(r).map_or(&[][..], Vec::as_slice);
                        allowed
                            .get(pick(allowed.len()))
                            .map_or("x:y:z".to_owned(), |k| (*k).clone())
                    }
                    3 => UNKNOWN_KEYS
                        .get(pick(UNKNOWN_KEYS.len()))
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    _ => {
                        let (a, b, c) = (pick(keys.len()), pick(keys.len()), pick(keys.len()));
                        format!(
                            "{}:{}:{}",
                            segment(&at(&keys, a), 0),
                            segment(&at(&keys, b), 1),
                            segment(&at(&keys, c), 2)
                        )
                    }
                };
                Asked::new(who, &key)
            })
            .collect()
    }

    /// Per role, the catalog keys that are a proper prefix of one of its
    /// concrete grants, or that one of them is a proper prefix of: the
    /// questions a match on characters instead of whole segments gets wrong.
    pub fn prefix_neighbours(&self) -> Vec<Asked> {
        let keys = self.concrete_keys();
        let mut asked = BTreeSet::new();
        for role in &self.roles {
            for grant in role.grants.iter().filter(|grant| !grant.contains('*')) {
                for key in &keys {
                    if key != grant && (grant.starts_with(key.as_str()) || key.starts_with(grant.as_str())) {
                        asked.insert(Asked::new(&role.name, key));
                    }
                }
            }
        }
        asked.into_iter().collect()
    }

    /// Every pair of concrete catalog keys where the first is a proper
    /// prefix of the second (`conversation:communication:blindtransfer`,
    /// `…:blindtransferqueue`), sorted: with a prefix match, holding the
    /// second passes a check for the first.
    pub fn prefix_pairs(&self) -> Vec<(String, String)> {
        let keys: BTreeSet<String> = self.concrete_keys().into_iter().collect();
        let mut pairs = Vec::new();
        for key in &keys {
            let longer = keys
                .range::<String, _>((std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded))
                .take_while(|other| other.starts_with(key.as_str()));
            pairs.extend(longer.map(|other| (key.clone(), other.clone())));
        }
        pairs
    }

    /// The whole checked set: the benchmarked questions,
    /// [`RANDOM_QUESTIONS`] random ones, every concrete grant of every role
    /// asked of every principal, and the [prefix neighbours](Self::prefix_neighbours).
    pub fn checked_questions(&self) -> Vec<Asked> {
        let benchmarked = (self.questions.iter())
            .chain(&self.user_questions)
            .map(|q| Asked::new(&q.who, &q.permission));
        let principals = self.principals();
        let concrete: BTreeSet<&String> = (self.roles.iter())
            .flat_map(|role| &role.grants)
            .filter(|grant| !grant.contains('*'))
            .collect();
        let grants = principals
            .iter()
            .filter(|who| !self.roles.iter().any(|role| &role.name == *who))
            .flat_map(|who| concrete.iter().map(move |grant| Asked::new(who, grant)))
            .chain(self.roles.iter().flat_map(|role| {
                role.grants
                    .iter()
                    .filter(|grant| !grant.contains('*'))
                    .map(|grant| Asked::new(&role.name, grant))
            }));
        benchmarked
            .chain(self.random_questions(RANDOM_QUESTIONS))
            .chain(grants)
            .chain(self.prefix_neighbours())
            .collect()
    }
}

/// Where an engine's answers differ from the reference.
#[derive(Debug, Clone, Default)]
pub struct Disagreements {
    /// How many questions were asked.
    pub asked: usize,
    /// Allowed by the engine, denied by the reference.
    pub wrongly_allowed: Vec<Asked>,
    /// Denied by the engine, allowed by the reference.
    pub wrongly_denied: Vec<Asked>,
}

impl Disagreements {
    /// Asks `engine` every question of `asked` and keeps the wrong answers.
    pub fn of<E: Engine>(engine: &E, workload: &Workload, asked: &[Asked]) -> Self {
        let mut out = Self {
            asked: asked.len(),
            ..Self::default()
        };
        for question in asked {
            let expected = workload.reference(&question.who, &question.permission);
            match (engine.allows(&question.who, &question.permission), expected) {
                (true, false) => out.wrongly_allowed.push(question.clone()),
                (false, true) => out.wrongly_denied.push(question.clone()),
                _ => {}
            }
        }
        out
    }

    /// How many answers were wrong.
    pub fn wrong(&self) -> usize {
        self.wrongly_allowed.len() + self.wrongly_denied.len()
    }
}
