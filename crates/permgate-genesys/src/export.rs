//! Role JSON out: the body of `POST /api/v2/authorization/roles`.

use std::collections::{BTreeMap, BTreeSet};

use super::wire::{DomainOrganizationRole, ResourceConditionNode, ResourcePermissionPolicy};
use permgate_core::{Condition, Escaped, RoleDefinition};

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

    fn into_wire(self, condition: Option<&Condition>) -> impl Iterator<Item = ResourcePermissionPolicy> {
        self.0.into_iter().map(move |((domain, entity), actions)| {
            let mut policy = ResourcePermissionPolicy::new(domain, entity, actions);
            policy.allow_conditions = Some(condition.is_some());
            policy.resource_condition_node = condition.map(ResourceConditionNode::from);
            policy
        })
    }
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
/// ([`GateInfo::definition`](permgate_core::GateInfo::definition)).
///
/// ```
/// use permgate::{Catalog, Form, Policy, genesys::export_role};
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
                conditional.push((policies, condition));
            }
        }
    }
    let mut policies: Vec<ResourcePermissionPolicy> = unconditional.into_wire(None).collect();
    for (grants, condition) in conditional {
        policies.extend(grants.into_wire(Some(condition)));
    }
    let mut body = DomainOrganizationRole::new(&role.name);
    body.description = Some(role.description.clone().unwrap_or_default());
    body.permission_policies = Some(policies);
    body.permissions = Some(role.legacy.clone());
    Ok(body)
}
