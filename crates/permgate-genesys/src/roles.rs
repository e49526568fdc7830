//! Role JSON as `GET /api/v2/authorization/roles[/{id}]` returns it.

use std::collections::HashMap;

use serde_json::value::RawValue;

use super::role_file::{
    MAX_ACTIONS_PER_POLICY, MAX_POLICIES_PER_ROLE, MAX_ROLES_PER_FILE, RoleFile, RoleFileError, check_key, group,
};
use super::wire::{
    AuthzGrantPolicy, AuthzGrantRole, DomainOrganizationRole, ResourceConditionNode, ResourcePermissionPolicy,
};
use super::{conditions, kind, terraform};
use crate::json::{self, Fields, JsonError, Outline, Path, Top};
use permgate_core::condition::Condition;
use permgate_core::parse::{GrantError, MAX_PERMISSION_LEN, check_segment};
use permgate_core::{RoleDefinition, definition::GrantGroup};

impl RoleFile {
    /// Reads a role-JSON document.
    ///
    /// # Errors
    ///
    /// Only for the document as a whole: too large, not JSON, or not a role,
    /// an array of roles or a listing; one object that is not a role (a
    /// user, a subject, an object without any role field) is
    /// [`JsonError::WrongKind`]. Problems inside a role are reported in
    /// [`errors`](Self::errors), among them a role nested deeper than the
    /// JSON parser's limit (128 levels); a document that is one such role is
    /// a syntax error.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        match json::check_document(text) {
            Ok(Top::Object(fields)) if kind::Kind::of(&fields) == kind::Kind::Terraform => terraform::read(text),
            Ok(Top::Object(fields)) if !fields.entities => Self::from_role(text, &fields),
            Ok(_) => Self::from_outline(text, None),
            // A value nested deeper than the parser's limit: read each role on
            // its own, so that only the roles it is in fail.
            Err(error) if json::is_too_deep(&error) => Self::from_outline(text, Some(error)),
            Err(error) => Err(error),
        }
    }

    /// The file of a checked document that is one role, with `fields`.
    fn from_role(text: &str, fields: &Fields) -> Result<Self, JsonError> {
        let root = Path::root();
        kind::check_role(fields, &root)?;
        let role = json::read_document::<DomainOrganizationRole>(text)
            .map_err(|error| (json::string_field(text, "name"), error))
            .and_then(|role| from_wire(role, &root).map_err(|(name, error)| (Some(name), error)));
        let mut file = RoleFile::empty();
        match role {
            Ok(role) => file.roles.push(role),
            Err((name, error)) => file.errors.push(RoleFileError {
                position: 0,
                name,
                error,
            }),
        }
        Ok(file)
    }

    /// The file of an array of roles or a listing, each role kept as its
    /// text and read on its own. `deep` is the check's error of a document
    /// with a value nested deeper than the parser's limit: a document that
    /// is one role is then all or nothing, that error.
    fn from_outline(text: &str, deep: Option<JsonError>) -> Result<Self, JsonError> {
        let root = Path::root();
        let listing = root.field("entities");
        match json::outline(text, "entities", MAX_ROLES_PER_FILE)? {
            Outline::Array(items) => Self::from_items(&items, &root),
            Outline::Listing(items) => match *items {
                Outline::Array(items) => Self::from_items(&items, &listing),
                other => Err(json::wrong_kind(&listing, "an array", other.kind())),
            },
            Outline::Object => Err(deep.unwrap_or_else(|| json::invalid(&root, "not a role"))),
            Outline::Other(kind) => Err(json::wrong_kind(&root, "a role, an array of roles, or a listing", kind)),
        }
    }

    /// The file of the roles `items`, each read from its own text, at
    /// `items_path[n]`.
    fn from_items(items: &[&RawValue], items_path: &Path) -> Result<Self, JsonError> {
        json::at_most(items.len(), MAX_ROLES_PER_FILE, items_path)?;
        let mut file = RoleFile::empty();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (position, raw) in items.iter().enumerate() {
            let path = items_path.index(position);
            let role = json::check_item(raw, &path)
                .and_then(|top| match top {
                    Top::Object(fields) => kind::check_role(&fields, &path),
                    // Not an object: the reader says so.
                    Top::Array | Top::Other(_) => Ok(()),
                })
                .and_then(|()| json::read_item::<DomainOrganizationRole>(raw, &path));
            let role = match role {
                Ok(role) => role,
                Err(error) => {
                    let name = json::string_field(raw.get(), "name");
                    file.errors.push(RoleFileError { position, name, error });
                    continue;
                }
            };
            let role = from_wire(role, &path).and_then(|role| match seen.get(&role.name) {
                Some(first) => {
                    let error = json::invalid(
                        &path.field("name"),
                        format!("duplicate role name; first at position {first}"),
                    );
                    Err((role.name, error))
                }
                None => Ok(role),
            });
            match role {
                Ok(role) => {
                    seen.insert(role.name.clone(), position);
                    file.roles.push(role);
                }
                Err((name, error)) => file.errors.push(RoleFileError {
                    position,
                    name: Some(name),
                    error,
                }),
            }
        }
        Ok(file)
    }
}

/// Checks the role `role` read at `path`: on error, its name and why.
fn from_wire(role: DomainOrganizationRole, path: &Path) -> Result<RoleDefinition, (String, JsonError)> {
    let DomainOrganizationRole {
        id,
        name,
        description,
        permission_policies,
        policies,
        permissions,
        ..
    } = role;
    let policies = match policy_list(permission_policies, policies, path) {
        Ok(policies) => policies,
        Err(error) => return Err((name, error)),
    };
    let parts = Parts {
        id,
        name,
        description,
        permissions,
    };
    parts.read(policies, path, from_resource)
}

/// Checks the role of a subject's grant, read at `path`: the role, and
/// each policy's `allowConditions` as the document gives it (which a
/// subject compares, and the role does not keep).
pub(crate) fn from_grant_role(role: AuthzGrantRole, path: &Path) -> Result<(RoleDefinition, Vec<bool>), JsonError> {
    let AuthzGrantRole {
        id,
        name,
        description,
        permission_policies,
        policies,
        permissions,
        ..
    } = role;
    let policies = policy_list(permission_policies, policies, path)?;
    let parts = Parts {
        id,
        name,
        description,
        permissions,
    };
    let flags = policies
        .1
        .iter()
        .map(|policy| policy.allow_conditions.unwrap_or(false))
        .collect();
    let role = parts.read(policies, path, from_grant).map_err(|(_, error)| error)?;
    Ok((role, flags))
}

/// The policies of the role at `path` and the field they were read from:
/// `permissionPolicies`, or `policies` (as a subject's grants spell it), or
/// none when both are absent or `null`. A role with both is refused: the
/// lists could disagree, and reading one would silently drop the other.
fn policy_list<P>(
    permission_policies: Option<Vec<P>>,
    policies: Option<Vec<P>>,
    path: &Path,
) -> Result<(&'static str, Vec<P>), JsonError> {
    match (permission_policies, policies) {
        (Some(_), Some(_)) => Err(json::invalid(
            path,
            "both `permissionPolicies` and `policies`; a role has one policy list",
        )),
        (Some(policies), None) => Ok(("permissionPolicies", policies)),
        (None, policies) => Ok(("policies", policies.unwrap_or_default())),
    }
}

/// The condition of the policy at `path`: its `resourceConditionNode`,
/// read; `Err` when it carries a condition in a field permgate cannot read.
///
/// The published models (`ResourcePermissionPolicy` in the Platform API
/// SDKs, e.g. `build/docs/ResourcePermissionPolicy.md` of
/// `MyPureCloud/platform-client-sdk-java`; `DomainPermissionPolicy` has
/// `namedResources` too) hold, besides `resourceConditionNode`, a
/// `resourceCondition` string and a `namedResources` list, with no grammar
/// or meaning published for either. Reading the policy without them would
/// grant everywhere what the platform may grant only under them, so:
///
/// - a non-blank `resourceCondition` without a `resourceConditionNode` is
///   refused (with the node, the node is the condition; blank is absent);
/// - a non-empty `namedResources` is refused.
fn policy_condition(
    node: Option<ResourceConditionNode>,
    resource_condition: Option<String>,
    named_resources: Option<Vec<String>>,
    path: &Path,
) -> Result<Option<Condition>, JsonError> {
    if node.is_none() && resource_condition.is_some_and(|text| !text.trim().is_empty()) {
        return Err(json::invalid(
            &path.field("resourceCondition"),
            "a condition given only as text, whose grammar is not published: permgate cannot read it, and without it the policy would grant unconditionally; read the role (`GET /api/v2/authorization/roles/{roleId}`), whose `resourceConditionNode` it can",
        ));
    }
    if named_resources.is_some_and(|names| !names.is_empty()) {
        return Err(json::invalid(
            &path.field("namedResources"),
            "named resources, whose meaning is not published: the policy may hold for those resources only, so it is refused rather than granted everywhere",
        ));
    }
    node.map(|node| conditions::from_node(&node, &path.field("resourceConditionNode")))
        .transpose()
}

/// What a role has besides its policies.
struct Parts {
    id: Option<String>,
    name: String,
    description: Option<String>,
    permissions: Option<Vec<String>>,
}

impl Parts {
    /// The role of these parts and of `policies` (the field they were read
    /// from, and them), each checked by `read`: on error, its name and why.
    fn read<P>(
        self,
        (field, policies): (&'static str, Vec<P>),
        path: &Path,
        read: impl Fn(P, &Path) -> Result<GrantGroup, JsonError>,
    ) -> Result<RoleDefinition, (String, JsonError)> {
        let Parts {
            id,
            name,
            description,
            permissions,
        } = self;
        if name.trim().is_empty() {
            return Err((name, json::invalid(&path.field("name"), "empty role name")));
        }
        let policies_path = path.field(field);
        let policies = json::at_most(policies.len(), MAX_POLICIES_PER_ROLE, &policies_path).and_then(|()| {
            policies
                .into_iter()
                .enumerate()
                .map(|(n, policy)| read(policy, &policies_path.index(n)))
                .collect::<Result<Vec<_>, _>>()
        });
        match policies {
            Ok(policies) => {
                let mut role = RoleDefinition::new(name).legacy(permissions.unwrap_or_default());
                role.id = id;
                role.description = description;
                role.grants = policies;
                Ok(role)
            }
            Err(error) => Err((name, error)),
        }
    }
}

/// Checks a `ResourcePermissionPolicy`, as in role JSON and in a user's
/// `authorization.permissionPolicies`, read at `path`: its keys, under its
/// condition. `allowConditions` is not kept: whether the policy grants
/// under a condition is whether it has one.
pub(crate) fn from_resource(policy: ResourcePermissionPolicy, path: &Path) -> Result<GrantGroup, JsonError> {
    let ResourcePermissionPolicy {
        domain,
        entity_name,
        action_set,
        resource_condition_node,
        resource_condition,
        named_resources,
        ..
    } = policy;
    let actions = check_actions(&domain, &entity_name, action_set, &path.field("actionSet"), path)?;
    let condition = policy_condition(resource_condition_node, resource_condition, named_resources, path)?;
    Ok(group(&domain, &entity_name, &actions, condition))
}

/// Checks an `AuthzGrantPolicy`, as in a subject's grants, read at
/// `path`: the actions are `actions`, or `actionSet` as earlier permgate
/// versions read it (not both, since they could disagree); a `condition`
/// string permgate cannot evaluate is refused.
fn from_grant(policy: AuthzGrantPolicy, path: &Path) -> Result<GrantGroup, JsonError> {
    let AuthzGrantPolicy {
        domain,
        entity_name,
        actions,
        action_set,
        condition,
        resource_condition_node,
        resource_condition,
        named_resources,
        ..
    } = policy;
    let (field, actions) = match (actions, action_set) {
        (Some(actions), None) => ("actions", actions),
        (None, Some(actions)) => ("actionSet", actions),
        (Some(_), Some(_)) => {
            return Err(json::invalid(
                path,
                "both `actions` and `actionSet`; a policy has one action list",
            ));
        }
        (None, None) => return Err(json::missing(path, "actions")),
    };
    let actions = check_actions(&domain, &entity_name, actions, &path.field(field), path)?;
    let node = policy_condition(resource_condition_node, resource_condition, named_resources, path)?;
    // permgate cannot evaluate a condition string, and reading the policy
    // without it would grant unconditionally what the platform grants
    // only under it: a non-blank one is refused.
    if condition.is_some_and(|condition| !condition.trim().is_empty()) {
        return Err(json::invalid(
            &path.field("condition"),
            "a condition string permgate cannot evaluate; read the role (`GET /api/v2/authorization/roles/{id}`), whose `resourceConditionNode` it can",
        ));
    }
    Ok(group(&domain, &entity_name, &actions, node))
}

/// The action list `actions` (at `actions_path`) of a policy at `path` over
/// `domain` and `entity`, checked: not empty, at most
/// [`MAX_ACTIONS_PER_POLICY`], no wildcard domain, and every
/// `domain:entity:action` a valid key.
fn check_actions(
    domain: &str,
    entity: &str,
    actions: Vec<String>,
    actions_path: &Path,
    path: &Path,
) -> Result<Vec<String>, JsonError> {
    if actions.is_empty() {
        return Err(json::invalid(actions_path, "empty action set"));
    }
    json::at_most(actions.len(), MAX_ACTIONS_PER_POLICY, actions_path)?;
    let domain_path = path.field("domain");
    if domain == "*" {
        let first = actions.first().map_or("*", String::as_str);
        let input = format!("{domain}:{entity}:{first}");
        let source = GrantError::DomainWildcard { input };
        return Err(JsonError::Permission {
            path: domain_path.to_string(),
            error: source,
        });
    }
    // A bad domain or entity is reported at its own field, quoting it.
    for (value, segment, field_path) in [
        (domain, "domain", domain_path),
        (entity, "entity", path.field("entityName")),
    ] {
        check_segment(value, segment).map_err(|source| JsonError::Permission {
            path: field_path.to_string(),
            error: source.into(),
        })?;
    }
    for (n, action) in actions.iter().enumerate() {
        // Domain and entity are checked above: a short, clean action makes a
        // valid key. Anything else gets the full key's error.
        let short = domain.len() + entity.len() + action.len() + 2 <= MAX_PERMISSION_LEN;
        if !(short && check_segment(action, "action").is_ok()) {
            check_key(&format!("{domain}:{entity}:{action}"), &actions_path.index(n))?;
        }
    }
    Ok(actions)
}
