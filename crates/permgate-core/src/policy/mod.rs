//! [`Policy`]: roles and users compiled into bitsets, answering `allows`
//! with one bit test.

use std::collections::HashMap;
use std::sync::Arc;

use crate::caseless::{seeds, segment_hash};
use crate::catalog::Catalog;
use crate::decision::Decision;
use crate::definition::ConditionalGrantInfo;
use crate::parse::{GrantError, Spelling};
use crate::permission::Permission;
use crate::principal::{Division, Kind, Principal, RoleId};
use crate::question::{Asked, Hashed, Question, Resolved};
use crate::text::Escaped;

mod audit;
mod builder;
mod check;
mod compiled;
mod definition;
mod explain;
mod intern;
mod names;
mod role;
mod user;
pub(crate) mod who_can;

pub use builder::PolicyBuilder;
pub use compiled::{CompiledUser, UserIn};
use role::{ConditionalGrant, GrantSet, Probe, RoleData, has_bit};
use user::{Source, UserData};

/// Roles and users compiled against a [`Catalog`]: answers "may this
/// principal do this?" with one bit test.
///
/// Each role, each user, and each user in each division it holds a grant in
/// is one row of a flat bitset over the catalog's permission indexes, so the
/// cost of [`allows`](Self::allows) depends neither on the kind of principal
/// nor on how many there are. Roles that grant exactly the same share one
/// row, and one copy of what the bitset cannot hold. Wildcard grants are
/// expanded when the role is added, and kept, so that a string question
/// also gets an answer for keys the catalog does not know.
///
/// ```
/// use permgate::{Catalog, Policy, perm};
///
/// let policy = Policy::builder(Catalog::builtin())
///     .role("agent", ["Journey > Action Map > View", "routing:queue:*"])?
///     .build();
/// let agent = policy.role("agent").unwrap();
/// assert!(policy.allows(agent, perm::journey::ACTIONMAP_VIEW));
/// assert!(!policy.allows(agent, perm::journey::ACTIONMAP_EDIT));
/// assert_eq!(policy.allows(agent, "ROUTING:QUEUE:JOIN"), Ok(true));
/// assert_eq!(policy.allows(agent, "routing:queue:newAction"), Ok(true)); // kept pattern
/// assert!(policy.allows(agent, "routing:queue:*").is_err()); // a question is never a wildcard
/// # Ok::<(), permgate::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    id: u64,
    catalog: Catalog,
    /// Words per row.
    stride: usize,
    /// Row `r` owns `bits[r * stride..(r + 1) * stride]`: one per distinct
    /// grant set of the roles (roles granting the same share it) and one or
    /// more per user, in the order they were added. Shared by clones.
    bits: Arc<[u64]>,
    /// Whether any unconditional grant set holds a pattern or a key the
    /// catalog does not know: if not, such a key is denied at once.
    beyond_catalog: bool,
    /// Roles and users, shared by clones: a clone of a policy (the one a
    /// user compiled on demand points at) copies two pointers.
    tables: Arc<Tables>,
}

/// What a [`Policy`] holds beside its rows.
#[derive(Debug, Default)]
struct Tables {
    roles: Vec<RoleData>,
    names: HashMap<Box<str>, u32>,
    /// Grant sets users hold directly, not through a named role.
    own: Vec<RoleData>,
    users: Vec<UserData>,
    user_names: HashMap<Box<str>, u32>,
}

impl Policy {
    /// Starts a policy over `catalog`.
    pub fn builder(catalog: &Catalog) -> PolicyBuilder {
        PolicyBuilder::new(catalog)
    }

    /// The role named `name` (exact match).
    pub fn role(&self, name: &str) -> Option<RoleId> {
        let &index = self.tables.names.get(name)?;
        self.role_id_at(index)
    }

    fn role_id_at(&self, index: u32) -> Option<RoleId> {
        let data = self.tables.roles.get(index as usize)?;
        Some(RoleId {
            policy: self.id,
            index,
            row: data.row,
        })
    }

    /// Every role, in the order they were added.
    pub fn roles(&self) -> impl ExactSizeIterator<Item = RoleId> + '_ {
        self.tables.roles.iter().enumerate().map(|(index, data)| RoleId {
            policy: self.id,
            index: index as u32,
            row: data.row,
        })
    }

    /// The catalog the policy was compiled against.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Whether `who` (a role, a user, or a user in a division) may do what
    /// `question` names: a typed permission (`perm::…`, answered with a
    /// `bool`) or a string in any spelling and ASCII case (API key, label,
    /// CxEngage flat name; answered with a `Result`).
    ///
    /// A typed permission is one bounds-checked word load and a mask; a
    /// string naming a catalog permission is one hash lookup more. A
    /// well-formed key the catalog does not know is answered from the kept
    /// wildcard patterns and grants of unknown keys in reach. A principal of
    /// another policy, or a permission of another catalog, is denied.
    ///
    /// # Errors
    ///
    /// For a string: a malformed string, a wildcard (`routing:queue:*`,
    /// `… > All`), or a label that no catalog defines.
    #[inline]
    pub fn allows<Q: Question>(&self, who: impl Into<Principal>, question: Q) -> Q::Answer<bool> {
        let who = who.into();
        // Both inlined into the string path: out of line, the answer to a
        // key no catalog knows is a call that copies the resolved question.
        question.ask(
            &self.catalog,
            Some(
                #[inline(always)]
                |key: &str, hash| self.holds_unknown(who, key, hash).then_some(true),
            ),
            #[inline(always)]
            |Asked(asked)| self.allowed_resolved(who, asked),
        )
    }

    /// [`allows`](Self::allows) for a resolved question.
    #[inline(always)]
    fn allowed_resolved(&self, who: Principal, asked: Resolved<'_>) -> bool {
        match asked {
            Resolved::Known(index) => self.bit(who, index),
            Resolved::Foreign => false,
            Resolved::Unknown(spelling, key, hashed) => self.allows_unknown(who, spelling, key, hashed),
        }
    }

    /// Whether a grant of a key no catalog knows in reach of `who` is `key`
    /// (whose [`whole_hash`](crate::caseless::whole_hash) is `hash`) ignoring ASCII case: what answers a
    /// string before it is validated (see [`Question::ask`]). Such a key
    /// counts as division-aware.
    #[inline]
    fn holds_unknown(&self, who: Principal, key: &str, hash: u64) -> bool {
        if !self.beyond_catalog {
            return false;
        }
        if let (Kind::Role(role), true) = (who.kind, who.policy == self.id) {
            // A role alone: its own grants, without the walk over a user's.
            return (self.tables.roles.get(role as usize)).is_some_and(|role| role.granted.holds_unknown(key, hash));
        }
        self.user_holds_unknown(who, key, hash)
    }

    /// [`holds_unknown`](Self::holds_unknown) for a principal other than a role.
    #[cold]
    fn user_holds_unknown(&self, who: Principal, key: &str, hash: u64) -> bool {
        self.grant_sets(who, true).any(|grants| grants.holds_unknown(key, hash))
    }

    /// A key or flat name no catalog knows: the kept patterns and unknown
    /// grants of the roles in reach. Such a key counts as division-aware.
    /// For a role whose unknown grants `held` looked up already, a first
    /// look at its patterns by the key's domain ([`GrantSet::may_cover`])
    /// answers most keys inline; the rest is a call.
    #[inline]
    fn allows_unknown(&self, who: Principal, spelling: Spelling<'_>, key: &str, hashed: Hashed) -> bool {
        if !self.beyond_catalog {
            return false;
        }
        let mut domain_hash = None;
        if let (Kind::Role(role), true, true) = (who.kind, who.policy == self.id, hashed.looked) {
            // Its grants of unknown keys looked up: no pattern covers a flat name.
            let Spelling::Key { domain, .. } = spelling else {
                return false;
            };
            let hash = segment_hash(seeds(), domain.as_bytes());
            let role = self.tables.roles.get(role as usize);
            if !role.is_some_and(|role| role.granted.may_cover(hash)) {
                return false;
            }
            domain_hash = Some(hash);
        }
        let probe = Probe::new(&self.catalog, spelling, key, hashed).with_domain_hash(domain_hash);
        self.probe_in_reach(who, &probe)
    }

    /// [`allows_unknown`](Self::allows_unknown) past its first look: the
    /// grant sets in reach probed.
    #[cold]
    fn probe_in_reach(&self, who: Principal, probe: &Probe<'_>) -> bool {
        if let (Kind::Role(role), true) = (who.kind, who.policy == self.id) {
            // A role alone: its own grants, without the walk over a user's.
            return self
                .tables
                .roles
                .get(role as usize)
                .is_some_and(|role| role.granted.allows_probe(probe));
        }
        self.grant_sets(who, true)
            .any(|grants| grants.holds_beyond_catalog() && grants.allows_probe(probe))
    }

    /// The full decision for `who` and `question`: allowed, allowed only
    /// under conditions the caller must evaluate (conditional grants of role
    /// JSON), or denied. [`allows`](Self::allows) is `true` only for
    /// [`Decision::Allowed`]. For a user, the conditions are those of every
    /// conditional grant in reach (in the division, in all divisions, or
    /// anywhere for a permission that is not division-aware), each once.
    ///
    /// ```
    /// use permgate::{Catalog, Decision, Policy, genesys::RoleFile, perm};
    ///
    /// let role = r#"{"name": "queue supervisor", "permissionPolicies": [
    ///   {"domain": "routing", "entityName": "queue", "actionSet": ["view"], "allowConditions": false},
    ///   {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
    ///    "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
    ///      "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#;
    /// let file = RoleFile::parse(role)?;
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let supervisor = builder.add_role_definition(&file.roles[0])?;
    /// let policy = builder.build();
    /// assert_eq!(policy.decide(supervisor, perm::routing::QUEUE_VIEW), Decision::Allowed);
    /// assert!(!policy.allows(supervisor, perm::routing::QUEUE_EDIT));
    /// let Decision::AllowedIf(conditions) = policy.decide(supervisor, perm::routing::QUEUE_EDIT) else { panic!() };
    /// assert_eq!(conditions[0].to_string(), "Queue.id IN [QUEUE q-1]");
    /// assert_eq!(policy.decide(supervisor, "routing:queue:join")?, Decision::Denied);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`allows`](Self::allows).
    pub fn decide<Q: Question>(&self, who: impl Into<Principal>, question: Q) -> Q::Answer<Decision<'_>> {
        let who = who.into();
        question.ask(
            &self.catalog,
            Some(|key: &str, hash| self.holds_unknown(who, key, hash).then_some(Decision::Allowed)),
            |Asked(asked)| self.decide_resolved(who, asked),
        )
    }

    /// [`decide`](Self::decide) for a resolved question.
    fn decide_resolved(&self, who: Principal, asked: Resolved<'_>) -> Decision<'_> {
        let division_aware = match asked {
            Resolved::Known(index) => self.is_division_aware(index),
            Resolved::Foreign => return Decision::Denied,
            Resolved::Unknown(..) => true,
        };
        if self.allowed_resolved(who, asked) {
            return Decision::Allowed;
        }
        let applies = |grant: &&ConditionalGrant| who_can::gives_if(&self.catalog, grant, asked);
        Decision::from_conditions(
            self.roles_in_reach(who, division_aware)
                .flat_map(|role| role.conditional.iter())
                .filter(applies)
                .map(|grant| &*grant.condition),
        )
    }

    fn is_division_aware(&self, index: u16) -> bool {
        self.catalog
            .get(index)
            .is_none_or(|permission| self.catalog.is_division_aware(permission))
    }

    /// The roles whose grants reach `who` for a permission that is (or is
    /// not) division-aware.
    fn roles_in_reach(&self, who: Principal, division_aware: bool) -> impl Iterator<Item = &RoleData> {
        self.grants_in_reach(who, division_aware).map(|(role, _)| role)
    }

    /// The grant sets that reach `who` for a permission that is (or is not)
    /// division-aware, each with the division of the user's grant (`None`
    /// for a role asked about directly).
    fn grants_in_reach(
        &self,
        who: Principal,
        division_aware: bool,
    ) -> impl Iterator<Item = (&RoleData, Option<&Division>)> {
        let (role, user, division) = match who.kind {
            _ if who.policy != self.id => (None, None, None),
            Kind::Set => (None, None, None),
            Kind::Role(role) => (Some(role), None, None),
            Kind::User(user) => (None, Some(user), None),
            Kind::UserIn { user, division } => (None, Some(user), Some(division)),
        };
        let own = role
            .and_then(|role| self.tables.roles.get(role as usize))
            .map(|role| (role, None));
        let granted = user
            .and_then(|user| self.tables.users.get(user as usize))
            .into_iter()
            .flat_map(move |user| user.grants_in_reach(division, division_aware))
            .filter_map(|grant| Some((self.source(grant.source)?, Some(&grant.division))));
        own.into_iter().chain(granted)
    }

    /// The unconditional grant sets in reach of `who`.
    fn grant_sets(&self, who: Principal, division_aware: bool) -> impl Iterator<Item = &GrantSet> {
        self.roles_in_reach(who, division_aware).map(|role| &role.granted)
    }

    /// The conditional grants of a grant set, in document order.
    fn conditional_infos<'p>(&'p self, data: &'p RoleData) -> Vec<ConditionalGrantInfo<'p>> {
        data.conditional
            .iter()
            .map(|grant| {
                let grants = &grant.grants;
                let patterns = grants.wildcards(&self.catalog).map(|wildcard| wildcard.key());
                ConditionalGrantInfo {
                    permissions: self.catalog.iter().filter(|p| grants.has(p.index())).collect(),
                    beyond_catalog: patterns
                        .chain(grants.unknown.iter().map(|key| key.to_string()))
                        .collect(),
                    condition: &grant.condition,
                }
            })
            .collect()
    }

    /// The grant set a user's grant draws on.
    fn source(&self, source: Source) -> Option<&RoleData> {
        match source {
            Source::Role(role) => self.tables.roles.get(role as usize),
            Source::Own(own) => self.tables.own.get(own as usize),
        }
    }

    fn role_data(&self, role: RoleId) -> Option<&RoleData> {
        (role.policy == self.id)
            .then(|| self.tables.roles.get(role.index as usize))
            .flatten()
    }

    /// Every catalog permission `who` is allowed unconditionally, in index order.
    pub fn permissions(&self, who: impl Into<Principal>) -> impl Iterator<Item = Permission<'_>> {
        let words = self.words(who.into()).unwrap_or_default();
        self.catalog.iter().filter(move |p| has_bit(words, p.index()))
    }

    /// Bit `index` of `who`'s row: one bounds check on the word (the row is
    /// this policy's once `who` is, so the product cannot wrap), one on the
    /// row's width.
    #[inline]
    fn bit(&self, who: Principal, index: u16) -> bool {
        let word = usize::from(index / 64);
        let at = (who.row as usize).wrapping_mul(self.stride).wrapping_add(word);
        who.policy == self.id
            && word < self.stride
            && self.bits.get(at).is_some_and(|bits| (bits >> (index % 64)) & 1 == 1)
    }

    /// The bitset row of `who`; `None` for a principal of another policy.
    #[inline]
    fn words(&self, who: Principal) -> Option<&[u64]> {
        if who.policy != self.id {
            return None;
        }
        let start = who.row as usize * self.stride;
        self.bits.get(start..start + self.stride)
    }

    /// A grant set of the policy (a named role, or what a user holds
    /// directly) as a principal of its own row.
    fn set_principal(&self, set: &RoleData) -> Principal {
        Principal {
            policy: self.id,
            row: set.row,
            kind: Kind::Set,
        }
    }

    fn role_words(&self, role: RoleId) -> Option<&[u64]> {
        self.words(role.into())
    }
}

/// Why a role or user could not be added to a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A role name is empty or blank.
    #[error("role name is empty")]
    EmptyRoleName,
    /// Two roles have the same name.
    #[error("duplicate role `{}`", Escaped(role))]
    DuplicateRole {
        /// The name.
        role: String,
    },
    /// More roles than a `u32` can index.
    #[error("too many roles")]
    TooManyRoles,
    /// A user name is empty or blank.
    #[error("user name is empty")]
    EmptyUserName,
    /// Two users have the same name.
    #[error("duplicate user `{}`", Escaped(user))]
    DuplicateUser {
        /// The name.
        user: String,
    },
    /// A user's grant names a role of another builder.
    #[error("user `{}`, grant {position}: the role is not in this policy", Escaped(user))]
    ForeignRole {
        /// The user.
        user: String,
        /// The grant's position in the list, from 0.
        position: usize,
    },
    /// A user's grant names a blank division id.
    #[error("user `{}`, grant {position}: empty division id", Escaped(user))]
    EmptyDivision {
        /// The user.
        user: String,
        /// The grant's position in the list, from 0.
        position: usize,
    },
    /// More users (or user rows) than a `u32` can index.
    #[error("too many users")]
    TooManyUsers,
    /// A grant was rejected. The message includes why, so the error has no
    /// [`source`](std::error::Error::source): a chain prints the cause once.
    #[error("role `{}`, grant {position} `{}`: {error}", Escaped(role), Escaped(input))]
    Grant {
        /// The role.
        role: String,
        /// The grant's position in the list, from 0.
        position: usize,
        /// The grant as given (at most 100 characters).
        input: String,
        /// Why.
        error: GrantError,
    },
}
