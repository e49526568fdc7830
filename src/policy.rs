//! [`Policy`]: roles compiled into bitsets, answering `allows` with one bit test.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Arc;

use crate::Escaped;
use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::genesys::RoleSpec;
use crate::parse::{MAX_PERMISSION_LEN, ParseError, Spelling, excerpt, parse};
use crate::permission::Permission;
use crate::role::{ConditionalGrant, GrantSet, RoleData, has_bit};

/// A role of one [`Policy`]. Asking another policy about it answers `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleId {
    policy: u64,
    index: u32,
}

impl RoleId {
    /// The role's position in its policy, in the order roles were added.
    pub fn index(self) -> u32 {
        self.index
    }
}

/// Every policy gets its own id, so a [`RoleId`] cannot be used with another.
static NEXT_POLICY_ID: AtomicU64 = AtomicU64::new(1);

/// Roles compiled against a [`Catalog`]: answers "does this role allow this
/// permission?" with one bit test.
///
/// Each role is a bitset over the catalog's permission indexes; all roles
/// share one flat `Vec<u64>`, so the cost of [`allows`](Self::allows) does not
/// depend on how many roles there are. Wildcard grants are expanded when the
/// role is added, and kept, so that [`allows_str`](Self::allows_str) also
/// answers for keys the catalog does not know.
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
/// assert_eq!(policy.allows_str(agent, "ROUTING:QUEUE:JOIN"), Ok(true));
/// assert_eq!(policy.allows_str(agent, "routing:queue:newAction"), Ok(true)); // kept pattern
/// assert!(policy.allows_str(agent, "routing:queue:*").is_err()); // a question is never a wildcard
/// # Ok::<(), permgate::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    id: u64,
    catalog: Catalog,
    builtin_len: usize,
    /// Words per role.
    stride: usize,
    /// Role `r` owns `bits[r * stride..(r + 1) * stride]`.
    bits: Vec<u64>,
    roles: Vec<RoleData>,
    names: HashMap<Box<str>, u32>,
}

impl Policy {
    /// Starts a policy over `catalog`.
    pub fn builder(catalog: &Catalog) -> PolicyBuilder {
        PolicyBuilder {
            catalog: catalog.clone(),
            stride: catalog.len().div_ceil(64),
            bits: Vec::new(),
            roles: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// The role named `name` (exact match).
    pub fn role(&self, name: &str) -> Option<RoleId> {
        self.names.get(name).map(|&index| RoleId { policy: self.id, index })
    }

    /// The name of `role`, if it belongs to this policy.
    pub fn role_name(&self, role: RoleId) -> Option<&str> {
        self.role_data(role).map(|data| &*data.name)
    }

    /// Every role, in the order they were added.
    pub fn roles(&self) -> impl ExactSizeIterator<Item = RoleId> + '_ {
        (0..self.roles.len()).map(|index| RoleId {
            policy: self.id,
            index: index as u32,
        })
    }

    /// The catalog the policy was compiled against.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Whether `role` allows `permission`: one bounds-checked word load and a
    /// mask. `false` for a role of another policy, or a permission of another
    /// catalog (deny by default).
    #[inline]
    pub fn allows(&self, role: RoleId, permission: Permission<'_>) -> bool {
        if usize::from(permission.index()) >= self.builtin_len && !self.catalog.owns(permission) {
            return false;
        }
        self.bit(role, permission.index())
    }

    /// Whether `role` allows the permission named by `permission`, in any
    /// spelling (API key, label, CxEngage flat name) and any ASCII case.
    ///
    /// A catalog permission is one hash lookup and a bit test. A well-formed
    /// key the catalog does not know is answered from the role's wildcard
    /// patterns and its grants of unknown keys.
    ///
    /// # Errors
    ///
    /// A malformed string, a wildcard (`routing:queue:*`, `… > All`), or a
    /// label that no catalog defines.
    #[inline]
    pub fn allows_str(&self, role: RoleId, permission: &str) -> Result<bool, ParseError> {
        if permission.len() > MAX_PERMISSION_LEN {
            return Err(ParseError::TooLong {
                length: permission.len(),
                max: MAX_PERMISSION_LEN,
            });
        }
        match self.catalog.find(permission) {
            Some(entry) if entry.wildcard => Err(ParseError::WildcardQuestion {
                input: excerpt(permission),
            }),
            Some(entry) => Ok(self.bit(role, entry.index)),
            None => self.allows_unknown(role, permission),
        }
    }

    #[cold]
    fn allows_unknown(&self, role: RoleId, permission: &str) -> Result<bool, ParseError> {
        let spelling = parse(permission)?;
        if spelling.is_wildcard() {
            return Err(ParseError::WildcardQuestion {
                input: excerpt(permission),
            });
        }
        if let Spelling::Label { .. } = spelling {
            return Err(ParseError::UnknownLabel {
                input: excerpt(permission),
            });
        }
        Ok(self
            .role_data(role)
            .is_some_and(|data| data.granted.allows_spelling(spelling, permission)))
    }

    /// The full decision for `role` and `permission`: allowed, allowed only
    /// under conditions the caller must evaluate (conditional grants of role
    /// JSON), or denied. [`allows`](Self::allows) is `true` only for
    /// [`Decision::Allowed`].
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
    /// builder.add_role_spec(&file.roles[0])?;
    /// let policy = builder.build();
    /// let supervisor = policy.role("queue supervisor").unwrap();
    /// assert_eq!(policy.decide(supervisor, perm::routing::QUEUE_VIEW), Decision::Allowed);
    /// assert!(!policy.allows(supervisor, perm::routing::QUEUE_EDIT));
    /// let Decision::AllowedIf(conditions) = policy.decide(supervisor, perm::routing::QUEUE_EDIT) else { panic!() };
    /// assert_eq!(conditions[0].to_string(), "Queue.id IN [QUEUE q-1]");
    /// assert_eq!(policy.decide(supervisor, perm::routing::QUEUE_JOIN), Decision::Denied);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(&self, role: RoleId, permission: Permission<'_>) -> Decision<'_> {
        if self.allows(role, permission) {
            return Decision::Allowed;
        }
        let Some(data) = self.role_data(role).filter(|_| self.catalog.owns(permission)) else {
            return Decision::Denied;
        };
        Decision::from_conditions(
            data.conditional
                .iter()
                .filter(|grant| grant.grants.has(permission.index()))
                .map(|g| &*g.condition),
        )
    }

    /// [`decide`](Self::decide) for a permission in any spelling.
    ///
    /// # Errors
    ///
    /// As [`allows_str`](Self::allows_str).
    pub fn decide_str(&self, role: RoleId, permission: &str) -> Result<Decision<'_>, ParseError> {
        if self.allows_str(role, permission)? {
            return Ok(Decision::Allowed);
        }
        let Some(data) = self.role_data(role) else {
            return Ok(Decision::Denied);
        };
        let index = self.catalog.find(permission).map(|entry| entry.index);
        let applies = |grant: &&ConditionalGrant| match index {
            Some(index) => grant.grants.has(index),
            None => grant.grants.allows_unknown(permission),
        };
        Ok(Decision::from_conditions(
            data.conditional.iter().filter(applies).map(|g| &*g.condition),
        ))
    }

    /// Legacy flat `permissions[]` of the role's JSON: reported, never granted.
    pub fn legacy_permissions(&self, role: RoleId) -> impl Iterator<Item = &str> {
        self.role_data(role)
            .into_iter()
            .flat_map(|data| data.legacy.iter().map(|p| &**p))
    }

    /// The conditional grants of `role`, in document order.
    pub fn conditional_grants(&self, role: RoleId) -> impl Iterator<Item = ConditionalGrantInfo<'_>> {
        self.role_data(role).into_iter().flat_map(move |data| {
            data.conditional.iter().map(move |grant| {
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
        })
    }

    pub(crate) fn role_data(&self, role: RoleId) -> Option<&RoleData> {
        (role.policy == self.id)
            .then(|| self.roles.get(role.index as usize))
            .flatten()
    }

    /// Grants of `role` that the catalog does not know, as granted. Audits list
    /// them: they stay granted through [`allows_str`](Self::allows_str).
    pub fn unknown_grants(&self, role: RoleId) -> impl Iterator<Item = &str> {
        self.role_data(role)
            .into_iter()
            .flat_map(|data| data.granted.unknown.iter().map(|key| &**key))
    }

    /// The unconditional wildcard grants of `role` (`journey:*:*`,
    /// `routing:queue:*`), as granted, in grant order. Besides the catalog
    /// permissions they cover, they allow keys the catalog does not know
    /// through [`allows_str`](Self::allows_str): reviews must show them.
    pub fn wildcard_grants(&self, role: RoleId) -> impl Iterator<Item = String> + '_ {
        self.role_data(role)
            .into_iter()
            .flat_map(|data| data.granted.patterns.iter().map(|pattern| pattern.key()))
    }

    /// Every catalog permission `role` allows, in index order.
    pub fn permissions(&self, role: RoleId) -> impl Iterator<Item = Permission<'_>> {
        let words = self.role_words(role).unwrap_or_default();
        self.catalog.iter().filter(move |p| has_bit(words, p.index()))
    }

    #[inline]
    fn bit(&self, role: RoleId, index: u16) -> bool {
        self.role_words(role).is_some_and(|words| has_bit(words, index))
    }

    #[inline]
    pub(crate) fn role_words(&self, role: RoleId) -> Option<&[u64]> {
        if role.policy != self.id {
            return None;
        }
        let start = role.index as usize * self.stride;
        self.bits.get(start..start + self.stride)
    }
}

/// Adds roles to a [`Policy`]; see [`Policy::builder`].
#[derive(Debug)]
pub struct PolicyBuilder {
    catalog: Catalog,
    stride: usize,
    bits: Vec<u64>,
    roles: Vec<RoleData>,
    names: HashMap<Box<str>, u32>,
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

    /// Like [`role`](Self::role), by reference; on error the builder is unchanged.
    ///
    /// # Errors
    ///
    /// As [`role`](Self::role).
    pub fn add_role<I, S>(&mut self, name: &str, grants: I) -> Result<(), BuildError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut role = self.new_role(name, None)?;
        for (position, grant) in grants.into_iter().enumerate() {
            let grant = grant.as_ref();
            role.granted
                .add(&self.catalog, grant)
                .map_err(|source| BuildError::Grant {
                    role: name.to_owned(),
                    position,
                    input: excerpt(grant),
                    source,
                })?;
        }
        self.push(role)
    }

    /// Adds a role read from Genesys Cloud role JSON (see
    /// [`RoleFile`](crate::genesys::RoleFile)): unconditional policies become
    /// grants, policies with a `resourceConditionNode` become conditional
    /// grants, legacy `permissions[]` are kept and reported, never granted.
    ///
    /// # Errors
    ///
    /// As [`role`](Self::role); `position` counts the role's grants in
    /// document order (each action of each policy).
    pub fn add_role_spec(&mut self, spec: &RoleSpec) -> Result<(), BuildError> {
        let mut role = self.new_role(&spec.name, spec.description.as_deref())?;
        let mut position = 0;
        for policy in &spec.policies {
            let mut conditional = policy.condition.as_ref().map(|_| GrantSet::new(&self.catalog));
            for key in policy.keys() {
                let grants = conditional.as_mut().unwrap_or(&mut role.granted);
                grants.add(&self.catalog, &key).map_err(|source| BuildError::Grant {
                    role: spec.name.clone(),
                    position,
                    input: excerpt(&key),
                    source,
                })?;
                position += 1;
            }
            if let (Some(grants), Some(condition)) = (conditional, &policy.condition) {
                role.conditional.push(ConditionalGrant {
                    grants,
                    condition: Arc::new(condition.clone()),
                });
            }
        }
        role.legacy = spec.legacy_permissions.iter().map(|p| p.as_str().into()).collect();
        self.push(role)
    }

    fn new_role(&self, name: &str, description: Option<&str>) -> Result<RoleData, BuildError> {
        if name.trim().is_empty() {
            return Err(BuildError::EmptyRoleName);
        }
        if self.names.contains_key(name) {
            return Err(BuildError::DuplicateRole { role: name.to_owned() });
        }
        Ok(RoleData {
            name: name.into(),
            description: description.map(Into::into),
            granted: GrantSet::new(&self.catalog),
            conditional: Vec::new(),
            legacy: Vec::new(),
        })
    }

    fn push(&mut self, mut role: RoleData) -> Result<(), BuildError> {
        let index = u32::try_from(self.roles.len()).map_err(|_| BuildError::TooManyRoles)?;
        role.granted.finish(&self.catalog);
        for grant in &mut role.conditional {
            grant.grants.finish(&self.catalog);
        }
        let words = std::mem::take(&mut role.granted.words);
        self.bits
            .extend(words.iter().copied().chain(core::iter::repeat(0)).take(self.stride));
        self.names.insert(role.name.clone(), index);
        self.roles.push(role);
        Ok(())
    }

    /// Finishes the policy.
    pub fn build(self) -> Policy {
        Policy {
            id: NEXT_POLICY_ID.fetch_add(1, Ordering::Relaxed),
            builtin_len: self.catalog.builtin_len(),
            catalog: self.catalog,
            stride: self.stride,
            bits: self.bits,
            roles: self.roles,
            names: self.names,
        }
    }
}

/// The full answer of [`Policy::decide`].
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

/// Why a role could not be added to a policy.
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
    /// A grant was rejected.
    #[error("role `{}`, grant {position} `{}`: {source}", Escaped(role), Escaped(input))]
    Grant {
        /// The role.
        role: String,
        /// The grant's position in the list, from 0.
        position: usize,
        /// The grant as given (at most 100 characters).
        input: String,
        /// Why.
        source: ParseError,
    },
}
