//! Role JSON out: the body of `POST /api/v2/authorization/roles`.

use std::collections::{BTreeMap, BTreeSet};

use super::wire::{DomainOrganizationRole, ResourcePermissionPolicy};
use crate::condition::Condition;
use crate::policy::{GrantSet, has_bit};
use crate::{Catalog, Escaped, GateInfo, Permission, Policy, RoleId, generated};

/// How wildcards appear in exported role JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Form {
    /// Wildcard grants as granted (`"actionSet": ["*"]`): compact, and what an
    /// admin would type.
    #[default]
    Wildcard,
    /// Every catalog permission spelled out, as Genesys Cloud has returned
    /// roles since it began expanding wildcards server-side; no `*` anywhere.
    ///
    /// This form holds what the catalog knows and nothing more: a kept
    /// pattern's reach beyond the catalog (`journey:newthing:view` under
    /// `journey:*:*`, through a string question to [`Policy::allows`]) is not in it, and
    /// `permgate diff` of the two forms lists the patterns it drops. A catalog
    /// row that stands for a whole entity (`integration:amiPremiumApps:*`) is
    /// written as the actions the catalog lists for that entity; where the
    /// catalog lists none, the export fails with
    /// [`ExportError::UnknownActions`] rather than write a `*`.
    Expanded,
}

/// Why a role or gate cannot be written as Genesys Cloud role JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The role is not in the policy.
    #[error("unknown role: not in this policy")]
    UnknownRole,
    /// [`Form::Expanded`] of a catalog row that stands for a whole entity
    /// whose actions no catalog lists: it cannot be spelled out. Export in
    /// wildcard form, or with an organization's catalog that lists them.
    #[error(
        "`{entity}:*` cannot be expanded: no catalog lists the actions of `{entity}`; export in wildcard form, or add an organization catalog that lists them"
    )]
    UnknownActions {
        /// The entity, as `domain:entity`.
        entity: String,
    },
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
            policy.resource_condition_node = condition.map(Condition::to_node);
            policy
        })
    }
}

/// The keys a grant set exports.
fn grant_keys(catalog: &Catalog, grants: &GrantSet, words: &[u64], form: Form) -> Result<Vec<String>, ExportError> {
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
fn expanded<'k>(catalog: &Catalog, keys: impl Iterator<Item = &'k str>) -> Result<Vec<String>, ExportError> {
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
            return Err(ExportError::UnknownActions {
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

/// A role of `policy` as role JSON, ready for `POST /api/v2/authorization/roles`:
/// a [`DomainOrganizationRole`] with `name`, `description` (empty when the
/// role has none), `permissionPolicies` (one per `domain` and `entityName`,
/// actions sorted, `allowConditions` always written) and `permissions`.
///
/// Conditional grants keep their `resourceConditionNode`; legacy flat
/// permissions go back to `permissions`. Importing the output gives the same
/// effective permissions.
///
/// ```
/// use permgate::{Catalog, Policy, genesys::{Form, export_role}};
///
/// let policy = Policy::builder(Catalog::builtin()).role("designer", ["Journey > Action Map > All"])?.build();
/// let designer = policy.role("designer").unwrap();
/// let body = export_role(&policy, designer, Form::Wildcard)?;
/// let policies = body.permission_policies.as_deref().unwrap_or_default();
/// assert_eq!(policies[0].action_set, ["*"]);
/// let body = export_role(&policy, designer, Form::Expanded)?;
/// let policies = body.permission_policies.as_deref().unwrap_or_default();
/// assert_eq!(policies[0].action_set, ["add", "delete", "edit", "view"]);
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"name":"designer","description":"","permissionPolicies":[{"domain":"journey","entityName":"actionmap","actionSet":["add","delete","edit","view"],"allowConditions":false}],"permissions":[]}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A role of another policy, or one holding CxEngage flat names; in
/// [`Form::Expanded`], a row that stands for a whole entity whose actions
/// the policy's catalog does not list.
pub fn export_role(policy: &Policy, role: RoleId, form: Form) -> Result<DomainOrganizationRole, ExportError> {
    let data = policy.role_data(role).ok_or(ExportError::UnknownRole)?;
    let words = policy.role_words(role).ok_or(ExportError::UnknownRole)?;
    let catalog = policy.catalog();
    let mut unconditional = Policies::default();
    for key in grant_keys(catalog, &data.granted, words, form)? {
        unconditional.add(&key)?;
    }
    let mut policies: Vec<ResourcePermissionPolicy> = unconditional.into_wire(None).collect();
    for grant in &data.conditional {
        let mut conditional = Policies::default();
        for key in grant_keys(catalog, &grant.grants, &grant.grants.words, form)? {
            conditional.add(&key)?;
        }
        policies.extend(conditional.into_wire(Some(&grant.condition)));
    }
    let mut body = DomainOrganizationRole::new(&*data.name);
    body.description = Some(data.description.as_deref().unwrap_or_default().to_owned());
    body.permission_policies = Some(policies);
    body.permissions = Some(data.legacy.iter().map(|p| p.to_string()).collect());
    Ok(body)
}

/// The member of an any-of group a role is written with.
fn pick<'p>(group: &[Permission<'p>]) -> Option<Permission<'p>> {
    let current = |p: &&Permission<'p>| p.history().is_some_and(|h| !h.is_removed());
    group.iter().find(current).or_else(|| group.first()).copied()
}

/// A gate as role JSON: the role a feature needs, as a
/// [`DomainOrganizationRole`] with `name`, `description` and
/// `permissionPolicies`. Roadmap permissions are included (as the AMI
/// matrix's published files do) and named in the description; of each
/// any-of group, the first permission the Platform API documents now
/// (AMI's Transfer: `conversation:communication:blindTransfer`, which the
/// queue and the email transfer endpoints both accept), else the first.
///
/// In [`Form::Wildcard`], an entity whose every action in `catalog` a source
/// document's `All` row lists is written as `*`; in [`Form::Expanded`], rows
/// that stand for a whole entity are written as the actions `catalog` lists.
///
/// ```
/// use permgate::{Catalog, genesys::{ExportError, Form, export_gate}};
///
/// let catalog = Catalog::builtin();
/// let gate = catalog.gate("AmiStandardUser").unwrap();
/// let body = export_gate(gate, catalog, Form::Wildcard)?;
/// assert!(body.description.unwrap_or_default().contains("conversation:email:park (from release 3.16)"));
/// // No builtin document lists the actions of `integration:amiPremiumApps`.
/// assert!(matches!(export_gate(gate, catalog, Form::Expanded), Err(ExportError::UnknownActions { .. })));
/// # Ok::<(), ExportError>(())
/// ```
///
/// # Errors
///
/// A gate of CxEngage flat names; in [`Form::Expanded`], a row that stands
/// for a whole entity whose actions `catalog` does not list.
pub fn export_gate(gate: &GateInfo, catalog: &Catalog, form: Form) -> Result<DomainOrganizationRole, ExportError> {
    let mut keys: BTreeSet<&str> = gate.required_at(None).map(Permission::key).collect();
    keys.extend(gate.any_of.iter().filter_map(|group| pick(group)).map(|p| p.key()));
    let keys: BTreeSet<String> = match form {
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
        Form::Expanded => expanded(catalog, keys.into_iter())?.into_iter().collect(),
    };
    let mut policies = Policies::default();
    for key in &keys {
        policies.add(key)?;
    }
    let mut description = gate.description.to_owned();
    if !gate.roadmap.is_empty() {
        let roadmap: Vec<String> = gate
            .roadmap
            .iter()
            .map(|(p, release)| format!("{} (from release {release})", p.key()))
            .collect();
        description.push_str(&format!(" Includes roadmap permissions: {}.", roadmap.join(", ")));
    }
    let mut body = DomainOrganizationRole::new(gate.name);
    body.description = Some(description);
    body.permission_policies = Some(policies.into_wire(None).collect());
    Ok(body)
}
