//! Role JSON out: the body of `POST /api/v2/authorization/roles`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::condition::Condition;
use crate::role::{GrantSet, has_bit};
use crate::{Catalog, Escaped, GateInfo, Permission, Policy, RoleId, generated};

/// How wildcards appear in exported role JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Form {
    /// Wildcard grants as granted (`"actionSet": ["*"]`): compact, and what an
    /// admin would type.
    #[default]
    Wildcard,
    /// Every catalog permission spelled out, as Genesys Cloud has returned
    /// roles since it began expanding wildcards server-side. Patterns that
    /// cover no catalog permission are not kept in this form.
    Expanded,
}

/// Why a role or gate cannot be written as Genesys Cloud role JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The role is not in the policy.
    #[error("unknown role: not in this policy")]
    UnknownRole,
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

    fn into_json(self, condition: Option<&Condition>) -> impl Iterator<Item = Value> {
        self.0.into_iter().map(move |((domain, entity), actions)| {
            let mut policy = json!({
                "domain": domain,
                "entityName": entity,
                "actionSet": actions.into_iter().collect::<Vec<_>>(),
                "allowConditions": condition.is_some(),
            });
            if let (Some(condition), Some(object)) = (condition, policy.as_object_mut()) {
                object.insert("resourceConditionNode".to_owned(), condition.to_json());
            }
            policy
        })
    }
}

/// The keys a grant set exports.
fn grant_keys(catalog: &Catalog, grants: &GrantSet, words: &[u64], form: Form) -> Vec<String> {
    let has = |p: &Permission<'_>| has_bit(words, p.index());
    let mut keys: Vec<String> = match form {
        Form::Expanded => catalog.iter().filter(has).map(|p| p.key().to_owned()).collect(),
        Form::Wildcard => {
            let covered = |p: &Permission<'_>| {
                grants
                    .patterns
                    .iter()
                    .any(|pattern| pattern.covers(p.domain(), p.entity(), p.action()))
            };
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
    keys
}

/// A role of `policy` as role JSON, ready for `POST /api/v2/authorization/roles`.
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
/// assert_eq!(body["permissionPolicies"][0]["actionSet"], serde_json::json!(["*"]));
/// let body = export_role(&policy, designer, Form::Expanded)?;
/// assert_eq!(body["permissionPolicies"][0]["actionSet"], serde_json::json!(["add", "delete", "edit", "view"]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A role of another policy, or one holding CxEngage flat names.
pub fn export_role(policy: &Policy, role: RoleId, form: Form) -> Result<Value, ExportError> {
    let data = policy.role_data(role).ok_or(ExportError::UnknownRole)?;
    let words = policy.role_words(role).ok_or(ExportError::UnknownRole)?;
    let catalog = policy.catalog();
    let mut unconditional = Policies::default();
    for key in grant_keys(catalog, &data.granted, words, form) {
        unconditional.add(&key)?;
    }
    let mut policies: Vec<Value> = unconditional.into_json(None).collect();
    for grant in &data.conditional {
        let mut conditional = Policies::default();
        for key in grant_keys(catalog, &grant.grants, &grant.grants.words, form) {
            conditional.add(&key)?;
        }
        policies.extend(conditional.into_json(Some(&grant.condition)));
    }
    Ok(json!({
        "name": &*data.name,
        "description": data.description.as_deref().unwrap_or_default(),
        "permissionPolicies": policies,
        "permissions": data.legacy.iter().map(|p| &**p).collect::<Vec<_>>(),
    }))
}

/// A gate as role JSON: the role a feature needs. Roadmap permissions are
/// included (as the AMI matrix's published files do) and named in the
/// description; of each any-of group, the first permission is included.
///
/// In [`Form::Wildcard`], an entity whose every action a source document's
/// `All` row lists is written as `*`.
///
/// ```
/// use permgate::{Catalog, genesys::{Form, export_gate}};
///
/// let gate = Catalog::builtin().gate("AmiStandardUser").unwrap();
/// let body = export_gate(gate, Form::Expanded)?;
/// assert!(body["description"].as_str().unwrap().contains("conversation:email:park (from release 3.16)"));
/// # Ok::<(), permgate::genesys::ExportError>(())
/// ```
///
/// # Errors
///
/// A gate of CxEngage flat names.
pub fn export_gate(gate: &GateInfo, form: Form) -> Result<Value, ExportError> {
    let mut keys: BTreeSet<&str> = gate.required_at(None).map(Permission::key).collect();
    keys.extend(gate.any_of.iter().filter_map(|group| group.first()).map(|p| p.key()));
    if form == Form::Wildcard {
        for row in &generated::WILDCARD_ROWS {
            let prefix = row.key.trim_end_matches('*');
            let under: Vec<&str> = Catalog::builtin()
                .iter()
                .map(|p| p.key())
                .filter(|k| k.starts_with(prefix))
                .collect();
            if !under.is_empty() && under.iter().all(|k| keys.contains(k)) {
                keys.retain(|k| !k.starts_with(prefix));
                keys.insert(row.key);
            }
        }
    }
    let mut policies = Policies::default();
    for key in keys {
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
    Ok(json!({
        "name": gate.name,
        "description": description,
        "permissionPolicies": policies.into_json(None).collect::<Vec<_>>(),
    }))
}
