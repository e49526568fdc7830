//! [`PolicyBuilder`]: roles and users added one by one, compiled into a
//! [`Policy`] by [`build`](PolicyBuilder::build).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::role::{ConditionalGrant, GrantSet, RoleData, SideTables};
use super::user::{Source, UserData, UserGrant, not_division_aware};
use super::{BuildError, Policy, RoleId, Tables};
use crate::catalog::Catalog;
use crate::definition::{RoleDefinition, UserDefinition};
use crate::parse::excerpt;
use crate::principal::{Division, UserId};

/// Every policy gets its own id, so a [`RoleId`] cannot be used with another.
static NEXT_POLICY_ID: AtomicU64 = AtomicU64::new(1);

/// How [`PolicyBuilder::add_user_from`] shares a role the builder holds
/// with a role of the user's definition of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Held {
    /// Shared when the definition grants exactly the same; else an error.
    SameGrants,
    /// Also shared when the definition grants nothing (names the role only).
    ForNameOnly,
}

/// A [`Policy`] being built: its fields, owned.
#[derive(Debug)]
struct Draft {
    id: u64,
    catalog: Catalog,
    stride: usize,
    bits: Vec<u64>,
    roles: Vec<RoleData>,
    names: HashMap<Box<str>, u32>,
    own: Vec<RoleData>,
    users: Vec<UserData>,
    user_names: HashMap<Box<str>, u32>,
    beyond_catalog: bool,
}

/// Adds roles and users to a [`Policy`]; see [`Policy::builder`].
#[derive(Debug)]
pub struct PolicyBuilder {
    /// The policy being built: its users' rows are filled in by
    /// [`build`](Self::build).
    policy: Draft,
    /// The distinct grant sets placed so far (side tables and row), by a
    /// randomly seeded hash of both: a grant set equal to one of them shares
    /// its row and side tables.
    shared: HashMap<u64, Vec<(Arc<SideTables>, u32)>>,
}

impl PolicyBuilder {
    /// An empty policy over `catalog`, with a new id.
    pub(super) fn new(catalog: &Catalog) -> Self {
        Self::with_id(catalog, NEXT_POLICY_ID.fetch_add(1, Ordering::Relaxed))
    }

    /// An empty policy over `catalog` with the id `id`: a user compiled on
    /// demand builds its own policy again under the id it was given.
    pub(super) fn with_id(catalog: &Catalog, id: u64) -> Self {
        PolicyBuilder {
            policy: Draft {
                id,
                catalog: catalog.clone(),
                stride: catalog.len().div_ceil(64),
                bits: Vec::new(),
                roles: Vec::new(),
                names: HashMap::new(),
                own: Vec::new(),
                users: Vec::new(),
                user_names: HashMap::new(),
                beyond_catalog: false,
            },
            shared: HashMap::new(),
        }
    }

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
                .add(&self.policy.catalog, grant)
                .map_err(|error| BuildError::Grant {
                    role: name.to_owned(),
                    position,
                    input: excerpt(grant),
                    error,
                })?;
        }
        role.finish(&self.policy.catalog);
        self.push(role)
    }

    /// Adds a role given as data: grants, conditional grants (each group
    /// under its condition) and legacy names, which are kept and reported,
    /// never granted. [`role`](Self::role) is the short form for a role
    /// without conditions; the Genesys adapter (`permgate::genesys`) reads
    /// role JSON into a [`RoleDefinition`] (`RoleFile::parse`).
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
            let mut conditional = group.condition.as_ref().map(|_| GrantSet::new(&self.policy.catalog));
            for key in &group.permissions {
                let grants = conditional.as_mut().unwrap_or(&mut role.granted);
                grants
                    .add(&self.policy.catalog, key)
                    .map_err(|error| BuildError::Grant {
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
        role.finish(&self.policy.catalog);
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
        self.add_user_from(user, Held::SameGrants)
    }

    /// [`add_user_definition`](Self::add_user_definition), sharing a role
    /// this builder holds as `sharing` says.
    pub(super) fn add_user_from(&mut self, user: &UserDefinition, sharing: Held) -> Result<UserId, BuildError> {
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
                self.policy.roles.len() + at
            } else if let Some(id) = self.held_for(definition, sharing) {
                id.index as usize
            } else {
                let role = self.compile(definition)?;
                match self.role_id(&definition.name) {
                    // Held already and granting the same: shared.
                    Some(id)
                        if self
                            .policy
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
                        self.policy.roles.len() + compiled.len() - 1
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

    /// The role this builder holds that stands for `definition` without
    /// comparing what it grants: under [`Held::ForNameOnly`], a definition
    /// that grants nothing (a subject's grant whose role came without its
    /// policies) whose name is held.
    fn held_for(&self, definition: &RoleDefinition, held: Held) -> Option<RoleId> {
        let names_only = definition.grants.is_empty() && definition.legacy.is_empty();
        (held == Held::ForNameOnly && names_only)
            .then(|| self.role_id(&definition.name))
            .flatten()
    }

    /// Adds a copy of `from`'s role at `index`, compiled data and row, under
    /// its name, unless this builder holds that name already or `from` has
    /// no such role. Whether it was added.
    pub(super) fn copy_role(&mut self, from: &Policy, index: u32) -> Result<bool, BuildError> {
        let Some(data) = from.tables.roles.get(index as usize) else {
            return Ok(false);
        };
        let Some(words) = from.words(from.set_principal(data)) else {
            return Ok(false);
        };
        if self.policy.names.contains_key(&data.name) {
            return Ok(false);
        }
        let mut role = data.clone();
        role.granted.words = words.to_vec();
        self.push(role).map(|_| true)
    }

    fn check_role_name(&self, name: &str) -> Result<(), BuildError> {
        if self.policy.names.contains_key(name) {
            return Err(BuildError::DuplicateRole { role: name.to_owned() });
        }
        Ok(())
    }

    fn check_user_name(&self, name: &str) -> Result<(), BuildError> {
        if name.trim().is_empty() {
            return Err(BuildError::EmptyUserName);
        }
        if self.policy.user_names.contains_key(name) {
            return Err(BuildError::DuplicateUser { user: name.to_owned() });
        }
        Ok(())
    }

    /// The role named `name` among those added so far.
    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        let &index = self.policy.names.get(name)?;
        let data = self.policy.roles.get(index as usize)?;
        Some(RoleId {
            policy: self.policy.id,
            index,
            row: data.row,
        })
    }

    /// The next free row, and room for `count` rows.
    fn reserve_rows(&mut self, count: u32) -> Result<u32, BuildError> {
        let row = self.policy.bits.len() / self.policy.stride.max(1);
        let row = u32::try_from(row)
            .ok()
            .filter(|row| row.checked_add(count).is_some())
            .ok_or(BuildError::TooManyRoles)?;
        self.policy
            .bits
            .resize(self.policy.bits.len() + count as usize * self.policy.stride, 0);
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
            if role.policy != self.policy.id || role.index as usize >= self.policy.roles.len() {
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
    pub(super) fn add_user_grants(
        &mut self,
        name: &str,
        mut grants: Vec<UserGrant>,
        compiled: Vec<(RoleData, Division)>,
    ) -> Result<UserId, BuildError> {
        let index = u32::try_from(self.policy.users.len()).map_err(|_| BuildError::TooManyUsers)?;
        for (mut set, division) in compiled {
            let own_index = u32::try_from(self.policy.own.len()).map_err(|_| BuildError::TooManyUsers)?;
            self.place(&mut set)?;
            self.policy.own.push(set);
            grants.push(UserGrant {
                source: Source::Own(own_index),
                division,
            });
        }
        let first =
            u32::try_from(self.policy.bits.len() / self.policy.stride.max(1)).map_err(|_| BuildError::TooManyUsers)?;
        let (data, rows) = UserData::new(name.into(), grants, first);
        self.reserve_rows(rows).map_err(|_| BuildError::TooManyUsers)?;
        self.policy.user_names.insert(name.into(), index);
        self.policy.users.push(data);
        Ok(UserId {
            policy: self.policy.id,
            index,
            row: first,
        })
    }

    fn row_words(&self, row: u32) -> &[u64] {
        let start = row as usize * self.policy.stride;
        self.policy
            .bits
            .get(start..start + self.policy.stride)
            .unwrap_or_default()
    }

    fn write_row(&mut self, row: u32, words: &[u64]) {
        let start = row as usize * self.policy.stride;
        for (slot, word) in self.policy.bits.iter_mut().skip(start).zip(words) {
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
            granted: GrantSet::new(&self.policy.catalog),
            conditional: Vec::new(),
            legacy: Vec::new(),
        })
    }

    /// Moves a finished grant set's bits into a row of the policy: the row
    /// and side tables of an equal grant set placed before, or its own.
    fn place(&mut self, set: &mut RoleData) -> Result<u32, BuildError> {
        let words = std::mem::take(&mut set.granted.words);
        self.policy.beyond_catalog |= set.granted.holds_beyond_catalog();
        let fingerprint = words
            .iter()
            .fold(set.granted.side.fingerprint(), |hash, &word| hash.rotate_left(5) ^ word);
        let same = self.shared.get(&fingerprint).and_then(|placed| {
            placed
                .iter()
                .find(|(side, row)| **side == *set.granted.side && self.row_words(*row) == words.as_slice())
        });
        if let Some((side, row)) = same {
            set.granted.side = Arc::clone(side);
            set.row = *row;
            return Ok(*row);
        }
        let row = self.reserve_rows(1)?;
        self.write_row(row, &words);
        let placed = self.shared.entry(fingerprint).or_default();
        placed.push((Arc::clone(&set.granted.side), row));
        set.row = row;
        Ok(row)
    }

    /// Adds a finished role.
    pub(super) fn push(&mut self, mut role: RoleData) -> Result<RoleId, BuildError> {
        let index = u32::try_from(self.policy.roles.len()).map_err(|_| BuildError::TooManyRoles)?;
        let row = self.place(&mut role)?;
        self.policy.names.insert(role.name.clone(), index);
        self.policy.roles.push(role);
        Ok(RoleId {
            policy: self.policy.id,
            index,
            row,
        })
    }

    /// Finishes the policy: compiles every user's grants into its rows.
    pub fn build(mut self) -> Policy {
        let policy = &mut self.policy;
        if !policy.users.is_empty() {
            let not_division_aware = not_division_aware(&policy.catalog);
            let (roles, own) = (&policy.roles, &policy.own);
            let rows = |source| match source {
                Source::Role(role) => roles.get(role as usize).map(|role| role.row),
                Source::Own(set) => own.get(set as usize).map(|set| set.row),
            };
            for user in &policy.users {
                user.fill(
                    &mut policy.bits,
                    policy.stride,
                    rows,
                    &policy.catalog,
                    &not_division_aware,
                );
            }
        }
        let Draft {
            id,
            catalog,
            stride,
            bits,
            roles,
            names,
            own,
            users,
            user_names,
            beyond_catalog,
        } = self.policy;
        Policy {
            id,
            catalog,
            stride,
            bits: bits.into(),
            beyond_catalog,
            tables: Arc::new(Tables {
                roles,
                names,
                own,
                users,
                user_names,
            }),
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
