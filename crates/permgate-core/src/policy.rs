//! [`Policy`]: roles and users compiled into bitsets, answering `allows`
//! with one bit test.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Escaped;
use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::definition::{RoleDefinition, UserDefinition};
use crate::parse::{GrantError, Spelling, excerpt};
use crate::permission::Permission;
use crate::principal::{Asked, Division, Kind, Principal, Question, Resolved, UserId};
use crate::role::{ConditionalGrant, GrantSet, RoleData, has_bit};
use crate::user::{Source, UserData, UserGrant};

/// A role of one [`Policy`]. Asking another policy about it answers `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleId {
    pub(crate) policy: u64,
    pub(crate) index: u32,
    /// The role's row of the policy's bitset.
    pub(crate) row: u32,
}

impl RoleId {
    /// The role's position in its policy, in the order roles were added.
    pub fn index(self) -> u32 {
        self.index
    }
}

/// Every policy gets its own id, so a [`RoleId`] cannot be used with another.
static NEXT_POLICY_ID: AtomicU64 = AtomicU64::new(1);

/// Roles and users compiled against a [`Catalog`]: answers "may this
/// principal do this?" with one bit test.
///
/// Each role, each user, and each user in each division it holds a grant in
/// is one row of a flat bitset over the catalog's permission indexes, so the
/// cost of [`allows`](Self::allows) depends neither on the kind of principal
/// nor on how many there are. Wildcard grants are expanded when the role is
/// added, and kept, so that a string question also gets an answer for keys
/// the catalog does not know.
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
    /// Row `r` owns `bits[r * stride..(r + 1) * stride]`: one per role and
    /// one or more per user, in the order they were added.
    bits: Vec<u64>,
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
        PolicyBuilder {
            id: NEXT_POLICY_ID.fetch_add(1, Ordering::Relaxed),
            catalog: catalog.clone(),
            stride: catalog.len().div_ceil(64),
            bits: Vec::new(),
            roles: Vec::new(),
            names: HashMap::new(),
            own: Vec::new(),
            users: Vec::new(),
            user_names: HashMap::new(),
        }
    }

    /// The role named `name` (exact match).
    pub fn role(&self, name: &str) -> Option<RoleId> {
        let &index = self.names.get(name)?;
        self.role_id_at(index)
    }

    fn role_id_at(&self, index: u32) -> Option<RoleId> {
        let data = self.roles.get(index as usize)?;
        Some(RoleId {
            policy: self.id,
            index,
            row: data.row,
        })
    }

    /// The name of `role`, if it belongs to this policy.
    pub fn role_name(&self, role: RoleId) -> Option<&str> {
        self.role_data(role).map(|data| &*data.name)
    }

    /// Every role, in the order they were added.
    pub fn roles(&self) -> impl ExactSizeIterator<Item = RoleId> + '_ {
        self.roles.iter().enumerate().map(|(index, data)| RoleId {
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
        question.ask(&self.catalog, |Asked(asked)| self.allowed_resolved(who, asked))
    }

    /// [`allows`](Self::allows) for a resolved question.
    #[inline]
    pub(crate) fn allowed_resolved(&self, who: Principal, asked: Resolved<'_>) -> bool {
        match asked {
            Resolved::Known(index) => self.bit(who, index),
            Resolved::Foreign => false,
            Resolved::Unknown(spelling, key) => self.allows_unknown(who, spelling, key),
        }
    }

    /// A key or flat name no catalog knows: the kept patterns and unknown
    /// grants of the roles in reach. Such a key counts as division-aware.
    #[cold]
    fn allows_unknown(&self, who: Principal, spelling: Spelling<'_>, key: &str) -> bool {
        self.grant_sets(who, true)
            .any(|grants| grants.allows_spelling(spelling, key))
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
    /// let supervisor = builder.add_role_definition(&file.roles[0].definition())?;
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
        question.ask(&self.catalog, |Asked(asked)| self.decide_resolved(who, asked))
    }

    /// [`decide`](Self::decide) for a resolved question.
    pub(crate) fn decide_resolved(&self, who: Principal, asked: Resolved<'_>) -> Decision<'_> {
        let division_aware = match asked {
            Resolved::Known(index) => self.is_division_aware(index),
            Resolved::Foreign => return Decision::Denied,
            Resolved::Unknown(..) => true,
        };
        if self.allowed_resolved(who, asked) {
            return Decision::Allowed;
        }
        let applies = |grant: &&ConditionalGrant| match asked {
            Resolved::Known(index) => grant.grants.has(index),
            Resolved::Unknown(spelling, key) => grant.grants.allows_spelling(spelling, key),
            Resolved::Foreign => false,
        };
        Decision::from_conditions(
            self.roles_in_reach(who, division_aware)
                .flat_map(|role| role.conditional.iter())
                .filter(applies)
                .map(|grant| &*grant.condition),
        )
    }

    pub(crate) fn is_division_aware(&self, index: u16) -> bool {
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
    pub(crate) fn grants_in_reach(
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
            .and_then(|role| self.roles.get(role as usize))
            .map(|role| (role, None));
        let granted = user
            .and_then(|user| self.users.get(user as usize))
            .into_iter()
            .flat_map(move |user| user.grants_in_reach(division, division_aware))
            .filter_map(|grant| Some((self.source(grant.source)?, Some(&grant.division))));
        own.into_iter().chain(granted)
    }

    /// The unconditional grant sets in reach of `who`.
    fn grant_sets(&self, who: Principal, division_aware: bool) -> impl Iterator<Item = &GrantSet> {
        self.roles_in_reach(who, division_aware).map(|role| &role.granted)
    }

    /// Legacy flat `permissions[]` of the role's JSON: reported, never granted.
    pub fn legacy_permissions(&self, role: RoleId) -> impl Iterator<Item = &str> {
        self.role_data(role)
            .into_iter()
            .flat_map(|data| data.legacy.iter().map(|p| &**p))
    }

    /// The conditional grants of `role`, in document order.
    pub fn conditional_grants(&self, role: RoleId) -> impl Iterator<Item = ConditionalGrantInfo<'_>> {
        self.role_data(role)
            .into_iter()
            .flat_map(move |data| self.conditional_infos(data))
    }

    /// The conditional grants of a grant set, as listed.
    pub(crate) fn conditional_infos<'p>(&'p self, data: &'p RoleData) -> Vec<ConditionalGrantInfo<'p>> {
        data.conditional
            .iter()
            .map(|grant| {
                let grants = &grant.grants;
                let patterns = grants.patterns.iter().map(|pattern| pattern.key());
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
    pub(crate) fn source(&self, source: Source) -> Option<&RoleData> {
        match source {
            Source::Role(role) => self.roles.get(role as usize),
            Source::Own(own) => self.own.get(own as usize),
        }
    }

    pub(crate) fn role_data(&self, role: RoleId) -> Option<&RoleData> {
        (role.policy == self.id)
            .then(|| self.roles.get(role.index as usize))
            .flatten()
    }

    /// Grants of `role` that the catalog does not know, as granted. Audits list
    /// them: they stay granted through string questions.
    pub fn unknown_grants(&self, role: RoleId) -> impl Iterator<Item = &str> {
        self.role_data(role)
            .into_iter()
            .flat_map(|data| data.granted.unknown.iter().map(|key| &**key))
    }

    /// The unconditional wildcard grants of `role` (`journey:*:*`,
    /// `routing:queue:*`), as granted, in grant order. Besides the catalog
    /// permissions they cover, they allow keys the catalog does not know
    /// through string questions: reviews must show them.
    pub fn wildcard_grants(&self, role: RoleId) -> impl Iterator<Item = String> + '_ {
        self.role_data(role)
            .into_iter()
            .flat_map(|data| data.granted.patterns.iter().map(|pattern| pattern.key()))
    }

    /// Every catalog permission `who` is allowed unconditionally, in index order.
    pub fn permissions(&self, who: impl Into<Principal>) -> impl Iterator<Item = Permission<'_>> {
        let words = self.words(who.into()).unwrap_or_default();
        self.catalog.iter().filter(move |p| has_bit(words, p.index()))
    }

    #[inline]
    fn bit(&self, who: Principal, index: u16) -> bool {
        self.words(who).is_some_and(|words| has_bit(words, index))
    }

    /// The bitset row of `who`; `None` for a principal of another policy.
    #[inline]
    pub(crate) fn words(&self, who: Principal) -> Option<&[u64]> {
        if who.policy != self.id {
            return None;
        }
        let start = who.row as usize * self.stride;
        self.bits.get(start..start + self.stride)
    }

    /// A grant set of the policy (a named role, or what a user holds
    /// directly) as a principal of its own row.
    pub(crate) fn set_principal(&self, set: &RoleData) -> Principal {
        Principal {
            policy: self.id,
            row: set.row,
            kind: Kind::Set,
        }
    }

    pub(crate) fn role_words(&self, role: RoleId) -> Option<&[u64]> {
        self.words(role.into())
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn user_data(&self, user: u32) -> Option<&UserData> {
        self.users.get(user as usize)
    }

    pub(crate) fn user_index(&self, name: &str) -> Option<u32> {
        self.user_names.get(name).copied()
    }

    pub(crate) fn user_count(&self) -> usize {
        self.users.len()
    }

    pub(crate) fn role_name_at(&self, role: u32) -> Option<&str> {
        self.roles.get(role as usize).map(|data| &*data.name)
    }
}

/// Adds roles and users to a [`Policy`]; see [`Policy::builder`].
#[derive(Debug)]
pub struct PolicyBuilder {
    id: u64,
    catalog: Catalog,
    stride: usize,
    bits: Vec<u64>,
    roles: Vec<RoleData>,
    names: HashMap<Box<str>, u32>,
    own: Vec<RoleData>,
    users: Vec<UserData>,
    user_names: HashMap<Box<str>, u32>,
}

impl PolicyBuilder {
    /// Adds the role `name` with `grants`: permissions in any spelling, and
    /// wildcard patterns (`journey:segment:*`, `journey:*:*`,
    /// `Journey > Segment > All`, `… > All Permissions`).
    ///
    /// # Errors
    ///
    /// An empty or duplicate name, or a grant that is malformed, a domain
    /// wildcard, or an unknown label. The error names the role and the grant.
    pub fn role<I, S>(mut self, name: &str, grants: I) -> Result<Self, BuildError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.add_role(name, grants)?;
        Ok(self)
    }

    /// Like [`role`](Self::role), by reference, returning the role's id (valid
    /// in the policy this builder builds); on error the builder is unchanged.
    ///
    /// # Errors
    ///
    /// As [`role`](Self::role).
    pub fn add_role<I, S>(&mut self, name: &str, grants: I) -> Result<RoleId, BuildError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.check_role_name(name)?;
        let mut role = self.new_role(name, None)?;
        for (position, grant) in grants.into_iter().enumerate() {
            let grant = grant.as_ref();
            role.granted
                .add(&self.catalog, grant)
                .map_err(|error| BuildError::Grant {
                    role: name.to_owned(),
                    position,
                    input: excerpt(grant),
                    error,
                })?;
        }
        role.finish(&self.catalog);
        self.push(role)
    }

    /// Adds a role given as data: grants, conditional grants (each group
    /// under its condition) and legacy names, which are kept and reported,
    /// never granted. [`role`](Self::role) is the short form for a role
    /// without conditions; the Genesys adapter (`permgate::genesys`) reads role JSON into
    /// a [`RoleDefinition`] (`RoleSpec::definition`).
    ///
    /// # Errors
    ///
    /// As [`role`](Self::role); `position` counts the role's grants in
    /// order (each permission of each group).
    pub fn add_role_definition(&mut self, role: &RoleDefinition) -> Result<RoleId, BuildError> {
        self.check_role_name(&role.name)?;
        let role = self.compile(role)?;
        self.push(role)
    }

    /// Compiles a role definition into a role not yet added.
    fn compile(&self, definition: &RoleDefinition) -> Result<RoleData, BuildError> {
        let mut role = self.new_role(&definition.name, definition.description.as_deref())?;
        let mut position = 0;
        for group in &definition.grants {
            let mut conditional = group.condition.as_ref().map(|_| GrantSet::new(&self.catalog));
            for key in &group.permissions {
                let grants = conditional.as_mut().unwrap_or(&mut role.granted);
                grants.add(&self.catalog, key).map_err(|error| BuildError::Grant {
                    role: definition.name.clone(),
                    position,
                    input: excerpt(key),
                    error,
                })?;
                position += 1;
            }
            if let (Some(grants), Some(condition)) = (conditional, &group.condition) {
                role.conditional.push(ConditionalGrant {
                    grants,
                    condition: Arc::new(condition.clone()),
                });
            }
        }
        role.legacy = definition.legacy.iter().map(|p| p.as_str().into()).collect();
        role.finish(&self.catalog);
        Ok(role)
    }

    /// Adds a user given as data: the roles it holds (each in a division
    /// or in all) and the grants it holds directly. A role of the definition
    /// that this builder already holds under the same name is shared when it
    /// grants exactly the same; one it does not hold is added. All or
    /// nothing: on error the builder is unchanged. Readers of users/me and
    /// subjects documents (`permgate::genesys`) give one.
    ///
    /// ```
    /// use permgate::{Catalog, Division, Policy, RoleDefinition, UserDefinition, perm};
    ///
    /// let viewer = RoleDefinition::new("queue viewer").grant(["routing:queue:view"]);
    /// let own = RoleDefinition::new("ana's own").grant(["journey:actionmap:view"]);
    /// let ana = UserDefinition::new("ana")
    ///     .role(viewer, Division::new("d-east"))
    ///     .direct(own, Division::All);
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let user = builder.add_user_definition(&ana)?;
    /// let policy = builder.build();
    /// assert!(policy.allows(policy.user_in(user, "d-east"), perm::routing::QUEUE_VIEW));
    /// assert!(!policy.allows(policy.user_in(user, "d-west"), perm::routing::QUEUE_VIEW));
    /// assert!(policy.allows(user, perm::journey::ACTIONMAP_VIEW));
    /// assert!(policy.role("queue viewer").is_some());
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An empty or duplicate user name, an empty division, a role name this
    /// builder or the definition already uses for a role that grants
    /// something else, or a role or direct grant that does not compile.
    pub fn add_user_definition(&mut self, user: &UserDefinition) -> Result<UserId, BuildError> {
        let name = user.name.as_str();
        self.check_user_name(name)?;
        let mut compiled: Vec<(&RoleDefinition, RoleData)> = Vec::new();
        let mut held = Vec::with_capacity(user.roles.len() + user.direct.len());
        for (position, (definition, division)) in user.roles.iter().enumerate() {
            let division = check_division(name, position, division)?;
            let index = if let Some(at) = compiled.iter().position(|(seen, _)| seen.name == definition.name) {
                if compiled.get(at).is_some_and(|(seen, _)| *seen != definition) {
                    return Err(BuildError::DuplicateRole {
                        role: definition.name.clone(),
                    });
                }
                self.roles.len() + at
            } else {
                let role = self.compile(definition)?;
                match self.role_id(&definition.name) {
                    // Held already and granting the same: shared.
                    Some(id)
                        if self
                            .roles
                            .get(id.index as usize)
                            .is_some_and(|data| data.is_same_role(self.row_words(data.row), &role)) =>
                    {
                        id.index as usize
                    }
                    Some(_) => {
                        return Err(BuildError::DuplicateRole {
                            role: definition.name.clone(),
                        });
                    }
                    None => {
                        compiled.push((definition, role));
                        self.roles.len() + compiled.len() - 1
                    }
                }
            };
            let index = u32::try_from(index).map_err(|_| BuildError::TooManyRoles)?;
            held.push(UserGrant {
                source: Source::Role(index),
                division,
            });
        }
        let mut direct = Vec::with_capacity(user.direct.len());
        for (position, (definition, division)) in user.direct.iter().enumerate() {
            let division = check_division(name, user.roles.len() + position, division)?;
            let mut set = self.compile(definition)?;
            set.own = true;
            direct.push((set, division));
        }
        for (_, role) in compiled {
            self.push(role)?;
        }
        self.add_user_grants(name, held, direct)
    }

    fn check_role_name(&self, name: &str) -> Result<(), BuildError> {
        if self.names.contains_key(name) {
            return Err(BuildError::DuplicateRole { role: name.to_owned() });
        }
        Ok(())
    }

    fn check_user_name(&self, name: &str) -> Result<(), BuildError> {
        if name.trim().is_empty() {
            return Err(BuildError::EmptyUserName);
        }
        if self.user_names.contains_key(name) {
            return Err(BuildError::DuplicateUser { user: name.to_owned() });
        }
        Ok(())
    }

    /// The role named `name` among those added so far.
    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        let &index = self.names.get(name)?;
        let data = self.roles.get(index as usize)?;
        Some(RoleId {
            policy: self.id,
            index,
            row: data.row,
        })
    }

    /// The next free row, and room for `count` rows.
    fn reserve_rows(&mut self, count: u32) -> Result<u32, BuildError> {
        let row = self.bits.len() / self.stride.max(1);
        let row = u32::try_from(row)
            .ok()
            .filter(|row| row.checked_add(count).is_some())
            .ok_or(BuildError::TooManyRoles)?;
        self.bits.resize(self.bits.len() + count as usize * self.stride, 0);
        Ok(row)
    }

    /// Adds the user `name` holding each role in a division or in all
    /// ([`Division::All`]). What the user may do is the union of the grants;
    /// it is compiled with the policy, so that a decision on the user costs
    /// what it costs on a role.
    ///
    /// ```
    /// use permgate::{Catalog, Division, Policy, gates::ActionMapAnalyticsReport, perm};
    ///
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let maps = builder.add_role("maps", ["journey:actionmap:view"])?;
    /// let reports = builder.add_role("reports", ["journey:report:view", "routing:queue:view"])?;
    /// let ana = builder.add_user("ana", [(maps, Division::All), (reports, Division::new("d-east"))])?;
    /// let policy = builder.build();
    /// // Division-aware (the default where no catalog says): only in d-east.
    /// assert!(policy.allows(policy.user_in(ana, "d-east"), perm::routing::QUEUE_VIEW));
    /// assert!(!policy.allows(policy.user_in(ana, "d-west"), perm::routing::QUEUE_VIEW));
    /// assert!(!policy.allows(ana, perm::routing::QUEUE_VIEW)); // not in every division
    /// // Two roles together pass a gate neither passes alone.
    /// assert!(policy.check::<ActionMapAnalyticsReport>(policy.user_in(ana, "d-east")).is_ok());
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An empty or duplicate user name, or a role of another builder.
    pub fn add_user(
        &mut self,
        name: &str,
        grants: impl IntoIterator<Item = (RoleId, Division)>,
    ) -> Result<UserId, BuildError> {
        let mut held = Vec::new();
        for (position, (role, division)) in grants.into_iter().enumerate() {
            if role.policy != self.id || role.index as usize >= self.roles.len() {
                return Err(BuildError::ForeignRole {
                    user: name.to_owned(),
                    position,
                });
            }
            held.push(UserGrant {
                source: Source::Role(role.index),
                division: check_division(name, position, &division)?,
            });
        }
        self.check_user_name(name)?;
        self.add_user_grants(name, held, Vec::new())
    }

    /// Adds the user `name` (checked by the caller) holding `grants` of
    /// roles this builder holds, and the compiled sets it holds directly,
    /// each in its division.
    fn add_user_grants(
        &mut self,
        name: &str,
        mut grants: Vec<UserGrant>,
        compiled: Vec<(RoleData, Division)>,
    ) -> Result<UserId, BuildError> {
        let index = u32::try_from(self.users.len()).map_err(|_| BuildError::TooManyUsers)?;
        for (mut set, division) in compiled {
            let own_index = u32::try_from(self.own.len()).map_err(|_| BuildError::TooManyUsers)?;
            self.place(&mut set)?;
            self.own.push(set);
            grants.push(UserGrant {
                source: Source::Own(own_index),
                division,
            });
        }
        let first = u32::try_from(self.bits.len() / self.stride.max(1)).map_err(|_| BuildError::TooManyUsers)?;
        let (data, rows) = UserData::new(name.into(), grants, first);
        self.reserve_rows(rows).map_err(|_| BuildError::TooManyUsers)?;
        self.user_names.insert(name.into(), index);
        self.users.push(data);
        Ok(UserId {
            policy: self.id,
            index,
            row: first,
        })
    }

    fn row_words(&self, row: u32) -> &[u64] {
        let start = row as usize * self.stride;
        self.bits.get(start..start + self.stride).unwrap_or_default()
    }

    fn write_row(&mut self, row: u32, words: &[u64]) {
        let start = row as usize * self.stride;
        for (slot, word) in self.bits.iter_mut().skip(start).zip(words) {
            *slot = *word;
        }
    }

    /// A role not yet added: its name must be new ([`check_role_name`](Self::check_role_name)).
    fn new_role(&self, name: &str, description: Option<&str>) -> Result<RoleData, BuildError> {
        if name.trim().is_empty() {
            return Err(BuildError::EmptyRoleName);
        }
        Ok(RoleData {
            name: name.into(),
            row: 0,
            own: false,
            description: description.map(Into::into),
            granted: GrantSet::new(&self.catalog),
            conditional: Vec::new(),
            legacy: Vec::new(),
        })
    }

    /// Moves a finished grant set's bits into a row of its own.
    fn place(&mut self, set: &mut RoleData) -> Result<u32, BuildError> {
        let row = self.reserve_rows(1)?;
        let words = std::mem::take(&mut set.granted.words);
        self.write_row(row, &words);
        set.row = row;
        Ok(row)
    }

    /// Adds a finished role.
    fn push(&mut self, mut role: RoleData) -> Result<RoleId, BuildError> {
        let index = u32::try_from(self.roles.len()).map_err(|_| BuildError::TooManyRoles)?;
        let row = self.place(&mut role)?;
        self.names.insert(role.name.clone(), index);
        self.roles.push(role);
        Ok(RoleId {
            policy: self.id,
            index,
            row,
        })
    }

    /// Finishes the policy: compiles every user's grants into its rows.
    pub fn build(mut self) -> Policy {
        if !self.users.is_empty() {
            let not_division_aware = crate::user::not_division_aware(&self.catalog);
            let (roles, own) = (&self.roles, &self.own);
            let rows = |source| match source {
                Source::Role(role) => roles.get(role as usize).map(|role| role.row),
                Source::Own(set) => own.get(set as usize).map(|set| set.row),
            };
            for user in &self.users {
                user.fill(&mut self.bits, self.stride, rows, &self.catalog, &not_division_aware);
            }
        }
        Policy {
            id: self.id,
            catalog: self.catalog,
            stride: self.stride,
            bits: self.bits,
            roles: self.roles,
            names: self.names,
            own: self.own,
            users: self.users,
            user_names: self.user_names,
        }
    }
}

/// A grant's division: `Division::Id("*")` is every division; a blank id is
/// an error.
fn check_division(user: &str, position: usize, division: &Division) -> Result<Division, BuildError> {
    match division {
        Division::Id(id) if id == "*" => Ok(Division::All),
        Division::Id(id) if id.trim().is_empty() => Err(BuildError::EmptyDivision {
            user: user.to_owned(),
            position,
        }),
        other => Ok(other.clone()),
    }
}

/// The full answer of [`Policy::decide`].
///
/// With the `serde` feature, a decision serializes as `{"decision":
/// "allowed"}`, `{"decision": "denied"}` or `{"decision": "allowed_if",
/// "conditions": [...]}`, each condition a `resourceConditionNode`:
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use permgate::{Catalog, Policy, perm};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
/// let viewer = policy.role("viewer").unwrap();
/// let decision = policy.decide(viewer, perm::routing::QUEUE_VIEW);
/// assert_eq!(serde_json::to_string(&decision)?, r#"{"decision":"allowed"}"#);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'p> {
    /// Allowed unconditionally.
    Allowed,
    /// Allowed only where one of these conditions holds for the resource
    /// (each comes from a conditional grant, each listed once, in grant
    /// order); the caller evaluates them.
    AllowedIf(Vec<&'p Condition>),
    /// Not allowed.
    Denied,
}

impl<'p> Decision<'p> {
    /// `AllowedIf` the conditions, each once; `Denied` when there is none.
    pub(crate) fn from_conditions(conditions: impl Iterator<Item = &'p Condition>) -> Self {
        let mut seen = std::collections::HashSet::new();
        let conditions: Vec<&Condition> = conditions.filter(|condition| seen.insert(*condition)).collect();
        if conditions.is_empty() {
            Decision::Denied
        } else {
            Decision::AllowedIf(conditions)
        }
    }

    /// Whether the decision is [`Decision::Allowed`].
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }
}

/// One conditional grant of a role, as [`Policy::conditional_grants`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ConditionalGrantInfo<'p> {
    /// The catalog permissions it covers, wildcards expanded, in index order.
    pub permissions: Vec<Permission<'p>>,
    /// What it also grants beyond the catalog: its wildcard patterns and the
    /// keys no catalog knows, as granted.
    pub beyond_catalog: Vec<String>,
    /// The condition under which it grants.
    pub condition: &'p Condition,
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
