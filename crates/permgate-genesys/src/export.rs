//! Role JSON out: the body of `POST /api/v2/authorization/roles`.

use std::collections::{BTreeMap, BTreeSet};

use super::wire::{DomainOrganizationRole, ResourceConditionNode, ResourcePermissionPolicy};
use permgate_core::{RoleDefinition, condition::Condition, definition::GrantGroup, text::Escaped};

/// Why a role cannot be written as Genesys Cloud role JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A CxEngage flat name has no place in Genesys Cloud role JSON.
    #[error(
        "`{}` is a CxEngage name; Genesys Cloud role JSON holds only `domain:entity:action` permissions",
        Escaped(name)
    )]
    FlatName {
        /// The name.
        name: String,
    },
}

/// Permission policies under construction: `(domain, entity)` to actions.
#[derive(Default)]
struct Policies(BTreeMap<(String, String), BTreeSet<String>>);

impl Policies {
    fn add(&mut self, key: &str) -> Result<(), ExportError> {
        let mut parts = key.splitn(3, ':');
        let (Some(domain), Some(entity), Some(action)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(ExportError::FlatName { name: key.to_owned() });
        };
        self.0
            .entry((domain.to_owned(), entity.to_owned()))
            .or_default()
            .insert(action.to_owned());
        Ok(())
    }
}

/// One permission policy of an exported role.
struct Exported<'r> {
    domain: String,
    entity: String,
    actions: BTreeSet<String>,
    condition: Option<&'r Condition>,
}

/// The permission policies of `role` as role JSON writes them: the
/// unconditional grants first, one policy per `domain` and `entity`, then
/// each conditional group's, under its condition.
fn exported(role: &RoleDefinition) -> Result<Vec<Exported<'_>>, ExportError> {
    let mut unconditional = Policies::default();
    let mut conditional = Vec::new();
    for group in &role.grants {
        match &group.condition {
            None => {
                for key in &group.permissions {
                    unconditional.add(key)?;
                }
            }
            Some(condition) => {
                let mut policies = Policies::default();
                for key in &group.permissions {
                    policies.add(key)?;
                }
                conditional.push((policies, Some(condition)));
            }
        }
    }
    let groups = core::iter::once((unconditional, None)).chain(conditional);
    Ok(groups
        .flat_map(|(policies, condition)| {
            policies.0.into_iter().map(move |((domain, entity), actions)| Exported {
                domain,
                entity,
                actions,
                condition,
            })
        })
        .collect())
}

/// A role as role JSON, ready for `POST /api/v2/authorization/roles`: a
/// [`DomainOrganizationRole`] with `name`, `description` (empty when the
/// role has none), `permissionPolicies` and `permissions` (the legacy
/// names). The unconditional grants become one policy per `domain` and
/// `entityName`, actions sorted; each conditional group its own policies,
/// under its `resourceConditionNode`; `allowConditions` is always written.
/// Importing the output gives the same effective permissions.
///
/// The role is any [`RoleDefinition`]: one read from role JSON or Terraform,
/// a policy's role ([`Policy::definition`](permgate_core::Policy::definition),
/// in wildcard or expanded form), or the role a gate needs
/// ([`GateInfo::definition`](permgate_core::gate::GateInfo::definition)).
///
/// ```
/// use permgate::{Catalog, definition::Form, Policy, genesys::export_role};
///
/// let policy = Policy::builder(Catalog::builtin()).role("designer", ["Journey > Action Map > All"])?.build();
/// let designer = policy.role("designer").unwrap();
/// let body = export_role(&policy.definition(designer, Form::Wildcard)?)?;
/// let policies = body.permission_policies.as_deref().unwrap_or_default();
/// assert_eq!(policies[0].action_set, ["*"]);
/// let body = export_role(&policy.definition(designer, Form::Expanded)?)?;
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"name":"designer","description":"","permissionPolicies":[{"domain":"journey","entityName":"actionmap","actionSet":["add","delete","edit","view"],"allowConditions":false}],"permissions":[]}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A role holding CxEngage flat names.
pub fn export_role(role: &RoleDefinition) -> Result<DomainOrganizationRole, ExportError> {
    let policies = exported(role)?
        .into_iter()
        .map(|policy| {
            let mut body = ResourcePermissionPolicy::new(policy.domain, policy.entity, policy.actions);
            body.allow_conditions = Some(policy.condition.is_some());
            body.resource_condition_node = policy.condition.map(ResourceConditionNode::from);
            body
        })
        .collect();
    let mut body = DomainOrganizationRole::new(&role.name);
    body.description = Some(role.description.clone().unwrap_or_default());
    body.permission_policies = Some(policies);
    body.permissions = Some(role.legacy.clone());
    Ok(body)
}

/// `role` grouped as [`export_role`] writes it, still a [`RoleDefinition`]:
/// one group of grants per permission policy of the body (the
/// unconditional grants merged, one group per `domain` and `entity`,
/// actions sorted and each once; then each conditional group's, under its
/// condition), the description empty when the role has none, and the
/// legacy names as they are. Give it to
/// [`terraform::to_hcl`](crate::terraform::to_hcl) or
/// [`terraform::to_json`](crate::terraform::to_json) to write the resource
/// that creates the same body as [`export_role`].
///
/// ```
/// use permgate::{Catalog, definition::Form, Policy, genesys::export_definition};
///
/// let policy = Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:view", "routing:queue:join"])?.build();
/// let agent = policy.definition(policy.role("agent").unwrap(), Form::Wildcard)?;
/// let grouped = export_definition(&agent)?;
/// assert_eq!(grouped.grants[0].permissions, ["routing:queue:join", "routing:queue:view"]);
/// assert_eq!(grouped.description.as_deref(), Some(""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`export_role`].
pub fn export_definition(role: &RoleDefinition) -> Result<RoleDefinition, ExportError> {
    let mut grouped = role.clone();
    grouped.description = Some(role.description.clone().unwrap_or_default());
    grouped.grants = exported(role)?
        .into_iter()
        .map(|policy| {
            GrantGroup::new(
                policy
                    .actions
                    .iter()
                    .map(|action| format!("{}:{}:{action}", policy.domain, policy.entity)),
                policy.condition.cloned(),
            )
        })
        .collect();
    Ok(grouped)
}
