//! Roles and users as data, in no vendor's format: [`RoleDefinition`],
//! [`GrantGroup`], [`UserDefinition`]; and a policy's role given back as one
//! ([`Form`]).

use std::collections::BTreeSet;

use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::gate::GateInfo;
use crate::generated;
use crate::permission::Permission;
use crate::policy::{Policy, RoleId};
use crate::principal::Division;
use crate::role::{GrantSet, has_bit};

/// A role as data: its name, its grants (some of them only under a
/// condition) and the names it holds that grant nothing. What an adapter
/// hands [`PolicyBuilder::add_role_definition`](crate::PolicyBuilder::add_role_definition);
/// the Genesys adapter (`permgate::genesys`) reads role JSON into one, and
/// [`Policy::definition`](crate::Policy::definition) gives back the
/// definition of a role a policy holds.
///
/// ```
/// use permgate::{Catalog, Condition, Decision, Operand, OperandKind, Operator, Policy, RoleDefinition, perm};
///
/// let queue_q1 = Condition::Term {
///     variable: "Queue.id".into(),
///     operator: Operator::Eq,
///     operands: vec![Operand::new(OperandKind::Queue, "q-1")],
/// };
/// let supervisor = RoleDefinition::new("queue supervisor")
///     .grant(["routing:queue:view"])
///     .grant_if(["routing:queue:edit"], queue_q1);
/// let mut builder = Policy::builder(Catalog::builtin());
/// let role = builder.add_role_definition(&supervisor)?;
/// let policy = builder.build();
/// assert!(policy.allows(role, perm::routing::QUEUE_VIEW));
/// assert!(matches!(policy.decide(role, perm::routing::QUEUE_EDIT), Decision::AllowedIf(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleDefinition {
    /// The role's name, unique in a policy.
    pub name: String,
    /// What the role is for, when the source says.
    pub description: Option<String>,
    /// The grants, in source order: each group a list of permissions in any
    /// spelling or wildcard patterns, unconditional or under one condition.
    pub grants: Vec<GrantGroup>,
    /// Names the role holds that grant nothing (Genesys Cloud's legacy
    /// `permissions[]`): kept for audits.
    pub legacy: Vec<String>,
}

/// Permissions a role grants together: always, or only under `condition`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrantGroup {
    /// Permissions in any spelling, or wildcard patterns.
    pub permissions: Vec<String>,
    /// When present, the group grants only where the condition holds, which
    /// the caller evaluates ([`Decision::AllowedIf`](crate::Decision::AllowedIf)).
    pub condition: Option<Condition>,
}

impl GrantGroup {
    /// The permissions `permissions`, granted always (`condition` `None`) or
    /// only where `condition` holds.
    pub fn new<I, S>(permissions: I, condition: Option<Condition>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            permissions: permissions.into_iter().map(Into::into).collect(),
            condition,
        }
    }
}

impl RoleDefinition {
    /// A role named `name` that grants nothing yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            grants: Vec::new(),
            legacy: Vec::new(),
        }
    }

    /// With a description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Also granting `permissions`, unconditionally.
    #[must_use]
    pub fn grant<I, S>(mut self, permissions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.grants.push(GrantGroup {
            permissions: permissions.into_iter().map(Into::into).collect(),
            condition: None,
        });
        self
    }

    /// Also granting `permissions`, only where `condition` holds.
    #[must_use]
    pub fn grant_if<I, S>(mut self, permissions: I, condition: Condition) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.grants.push(GrantGroup {
            permissions: permissions.into_iter().map(Into::into).collect(),
            condition: Some(condition),
        });
        self
    }

    /// Also holding `names` that grant nothing (legacy names), for audits.
    #[must_use]
    pub fn legacy<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.legacy.extend(names.into_iter().map(Into::into));
        self
    }
}

/// A user as data: the roles it holds, each in a division or in all, and
/// the grants it holds directly. What an adapter hands
/// [`PolicyBuilder::add_user_definition`](crate::PolicyBuilder::add_user_definition);
/// the Genesys adapter reads a subject or a users/me document into one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserDefinition {
    /// The user's name, unique in a policy.
    pub name: String,
    /// The named roles the user holds, each in a division
    /// ([`Division::All`] for every division). The same role may be held in
    /// several divisions, repeated identically.
    pub roles: Vec<(RoleDefinition, Division)>,
    /// Grants the user holds directly, not through a named role, each set in
    /// a division; a set's name appears in error messages only.
    pub direct: Vec<(RoleDefinition, Division)>,
}

impl UserDefinition {
    /// A user named `name` that holds nothing yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            roles: Vec::new(),
            direct: Vec::new(),
        }
    }

    /// Also holding the named role `role` in `division`.
    #[must_use]
    pub fn role(mut self, role: RoleDefinition, division: Division) -> Self {
        self.roles.push((role, division));
        self
    }

    /// Also holding the grants of `grants` directly, in `division`.
    #[must_use]
    pub fn direct(mut self, grants: RoleDefinition, division: Division) -> Self {
        self.direct.push((grants, division));
        self
    }
}

/// How a role's wildcard grants appear in the [`RoleDefinition`] that
/// [`Policy::definition`](crate::Policy::definition) and
/// [`GateInfo::definition`](crate::GateInfo::definition) give back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Form {
    /// Wildcard grants as granted (`journey:actionmap:*`): compact, and what
    /// an admin would type.
    #[default]
    Wildcard,
    /// Every catalog permission spelled out; no `*` anywhere (Genesys Cloud
    /// has returned roles this way since it began expanding wildcards
    /// server-side).
    ///
    /// This form holds what the catalog knows and nothing more: a kept
    /// pattern's reach beyond the catalog (`journey:newthing:view` under
    /// `journey:*:*`, through a string question to
    /// [`Policy::allows`](crate::Policy::allows)) is not in it. A catalog row
    /// that stands for a whole entity (`integration:amiPremiumApps:*`) is
    /// written as the actions the catalog lists for that entity; where the
    /// catalog lists none, the definition fails with
    /// [`DefinitionError::UnknownActions`] rather than hold a `*`.
    Expanded,
}

/// Why a role or gate cannot be given back as a [`RoleDefinition`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// The role is not in the policy.
    #[error("unknown role: not in this policy")]
    UnknownRole,
    /// [`Form::Expanded`] of a catalog row that stands for a whole entity
    /// whose actions no catalog lists: it cannot be spelled out. Use the
    /// wildcard form, or a catalog that lists them.
    #[error(
        "`{entity}:*` cannot be expanded: no catalog lists the actions of `{entity}`; export in wildcard form, or add an organization catalog that lists them"
    )]
    UnknownActions {
        /// The entity, as `domain:entity`.
        entity: String,
    },
}

impl Policy {
    /// The definition of `role` as this policy holds it: its unconditional
    /// grants as one group (catalog permissions granted by name in catalog
    /// order, then wildcard patterns, then keys the catalog does not know,
    /// as granted), each conditional grant a group under its condition, and
    /// its legacy names. Adding the definition to a policy over the same
    /// catalog gives a role that grants the same.
    ///
    /// ```
    /// use permgate::{Catalog, Form, Policy};
    ///
    /// let policy = Policy::builder(Catalog::builtin()).role("designer", ["Journey > Action Map > All"])?.build();
    /// let designer = policy.role("designer").unwrap();
    /// let wildcard = policy.definition(designer, Form::Wildcard)?;
    /// assert_eq!(wildcard.grants[0].permissions, ["journey:actionmap:*"]);
    /// let expanded = policy.definition(designer, Form::Expanded)?;
    /// assert_eq!(
    ///     expanded.grants[0].permissions,
    ///     ["journey:actionmap:add", "journey:actionmap:delete", "journey:actionmap:edit", "journey:actionmap:view"]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A role of another policy; in [`Form::Expanded`], a row that stands
    /// for a whole entity whose actions the policy's catalog does not list.
    pub fn definition(&self, role: RoleId, form: Form) -> Result<RoleDefinition, DefinitionError> {
        let data = self.role_data(role).ok_or(DefinitionError::UnknownRole)?;
        let words = self.role_words(role).ok_or(DefinitionError::UnknownRole)?;
        let catalog = self.catalog();
        let mut grants = vec![GrantGroup {
            permissions: grant_keys(catalog, &data.granted, words, form)?,
            condition: None,
        }];
        for grant in &data.conditional {
            grants.push(GrantGroup {
                permissions: grant_keys(catalog, &grant.grants, &grant.grants.words, form)?,
                condition: Some(Condition::clone(&grant.condition)),
            });
        }
        Ok(RoleDefinition {
            name: data.name.to_string(),
            description: data.description.as_deref().map(str::to_owned),
            grants,
            legacy: data.legacy.iter().map(|name| name.to_string()).collect(),
        })
    }
}

impl GateInfo {
    /// The role a feature needs, as a definition named and described as the
    /// gate is, with one group of grants: every permission the gate
    /// requires, roadmap permissions included (as the AMI matrix's published
    /// files do, and named in the description), and of each any-of group
    /// the first permission the platform documents now (AMI's Transfer:
    /// `conversation:communication:blindTransfer`), else the first.
    ///
    /// In [`Form::Wildcard`], an entity whose every action in `catalog` a
    /// source document's `All` row lists is written as `*`; in
    /// [`Form::Expanded`], rows that stand for a whole entity are written as
    /// the actions `catalog` lists.
    ///
    /// ```
    /// use permgate::{Catalog, DefinitionError, Form};
    ///
    /// let catalog = Catalog::builtin();
    /// let gate = catalog.gate("AmiStandardUser").unwrap();
    /// let role = gate.definition(catalog, Form::Wildcard)?;
    /// assert!(role.description.unwrap_or_default().contains("conversation:email:park (from release 3.16)"));
    /// // No builtin document lists the actions of `integration:amiPremiumApps`.
    /// assert!(matches!(gate.definition(catalog, Form::Expanded), Err(DefinitionError::UnknownActions { .. })));
    /// # Ok::<(), DefinitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// In [`Form::Expanded`], a row that stands for a whole entity whose
    /// actions `catalog` does not list.
    pub fn definition(&self, catalog: &Catalog, form: Form) -> Result<RoleDefinition, DefinitionError> {
        let mut keys: BTreeSet<&str> = self.required_at(None).map(Permission::key).collect();
        keys.extend(self.any_of.iter().filter_map(|group| pick(group)).map(|p| p.key()));
        let keys: Vec<String> = match form {
            Form::Wildcard => {
                for row in &generated::WILDCARD_ROWS {
                    let prefix = row.key.trim_end_matches('*');
                    let under: Vec<&str> = catalog
                        .iter()
                        .map(|p| p.key())
                        .filter(|k| k.starts_with(prefix))
                        .collect();
                    if !under.is_empty() && under.iter().all(|k| keys.contains(k)) {
                        keys.retain(|k| !k.starts_with(prefix));
                        keys.insert(row.key);
                    }
                }
                keys.into_iter().map(str::to_owned).collect()
            }
            Form::Expanded => {
                let expanded: BTreeSet<String> = expanded(catalog, keys.into_iter())?.into_iter().collect();
                expanded.into_iter().collect()
            }
        };
        let mut description = self.description.to_owned();
        if !self.roadmap.is_empty() {
            let roadmap: Vec<String> = self
                .roadmap
                .iter()
                .map(|(p, release)| format!("{} (from release {release})", p.key()))
                .collect();
            description.push_str(&format!(" Includes roadmap permissions: {}.", roadmap.join(", ")));
        }
        Ok(RoleDefinition::new(self.name).description(description).grant(keys))
    }
}

/// The member of an any-of group a role is written with.
fn pick<'p>(group: &[Permission<'p>]) -> Option<Permission<'p>> {
    let current = |p: &&Permission<'p>| p.history().is_some_and(|h| !h.is_removed());
    group.iter().find(current).or_else(|| group.first()).copied()
}

/// The keys a grant set holds, in `form`.
fn grant_keys(catalog: &Catalog, grants: &GrantSet, words: &[u64], form: Form) -> Result<Vec<String>, DefinitionError> {
    let mut keys: Vec<String> = match form {
        Form::Expanded => {
            let held = catalog.iter().filter(|p| has_bit(words, p.index()));
            expanded(catalog, held.map(Permission::key))?
        }
        Form::Wildcard => {
            let covered = |p: &Permission<'_>| grants.patterns.iter().any(|pattern| pattern.covers_permission(*p));
            let exact = grants
                .exact
                .iter()
                .filter_map(|&i| catalog.get(i))
                .filter(|p| !covered(p));
            let mut keys: Vec<String> = exact.map(|p| p.key().to_owned()).collect();
            keys.extend(grants.patterns.iter().map(|pattern| pattern.key()));
            keys
        }
    };
    keys.extend(grants.unknown.iter().map(|key| key.to_string()));
    Ok(keys)
}

/// `keys` with each catalog row that stands for a whole entity replaced by
/// the actions the catalog lists for it (an error where it lists none).
fn expanded<'k>(catalog: &Catalog, keys: impl Iterator<Item = &'k str>) -> Result<Vec<String>, DefinitionError> {
    let mut out = Vec::new();
    for key in keys {
        let Some(entity) = key.strip_suffix(":*") else {
            out.push(key.to_owned());
            continue;
        };
        let row = catalog.lookup(key).map(Permission::index);
        let actions = catalog
            .entity_rows()
            .find(|(index, _)| Some(*index) == row)
            .map_or(&[][..], |(_, actions)| actions);
        if actions.is_empty() {
            return Err(DefinitionError::UnknownActions {
                entity: entity.to_owned(),
            });
        }
        out.extend(
            actions
                .iter()
                .filter_map(|&i| catalog.get(i))
                .map(|p| p.key().to_owned()),
        );
    }
    Ok(out)
}
