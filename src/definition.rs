//! Roles as data, in no vendor's format: [`RoleDefinition`], [`GrantGroup`].

use crate::condition::Condition;
use crate::permission::Permission;

/// A role as data: its name, its grants (some of them only under a
/// condition) and the names it holds that grant nothing. What an adapter
/// hands [`PolicyBuilder::add_role_definition`](crate::PolicyBuilder::add_role_definition);
/// [`genesys`](crate::genesys) turns role JSON into one
/// ([`RoleSpec::definition`](crate::genesys::RoleSpec::definition)).
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

/// One conditional grant of a role, as [`Policy::conditional_grants`](crate::Policy::conditional_grants) lists it.
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
