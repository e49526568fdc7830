//! Roles and users as data, in no vendor's format: [`RoleDefinition`],
//! [`GrantGroup`], [`UserDefinition`]; and a policy's role given back as one
//! ([`Form`]), and a conditional grant as a policy lists it
//! ([`ConditionalGrantInfo`]).

use crate::condition::Condition;
use crate::permission::Permission;
use crate::principal::Division;

/// A role as data: its name, its grants (some of them only under a
/// condition) and the names it holds that grant nothing. What an adapter
/// hands [`PolicyBuilder::add_role_definition`](crate::PolicyBuilder::add_role_definition);
/// the Genesys adapter (`permgate::genesys`) reads role JSON into one, and
/// [`Policy::definition`](crate::Policy::definition) gives back the
/// definition of a role a policy holds.
///
/// ```
/// use permgate::{Catalog, condition::Condition, Decision, condition::Operand, condition::OperandKind, condition::Operator, Policy, RoleDefinition, perm};
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
    /// The identifier its source gives the role (Genesys Cloud's role
    /// `id`), when it gives one; a policy knows roles by name and does not
    /// keep it.
    pub id: Option<String>,
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
/// A reader keeps its source's grouping (the Genesys adapter reads each
/// permission policy as one group of `domain:entity:action` keys).
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
            id: None,
            name: name.into(),
            description: None,
            grants: Vec::new(),
            legacy: Vec::new(),
        }
    }

    /// With the identifier its source gives it.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
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
/// [`GateInfo::definition`](crate::gate::GateInfo::definition) give back.
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

/// One conditional grant of a role, as [`RoleAudit::conditional`](crate::audit::RoleAudit::conditional) lists it.
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
