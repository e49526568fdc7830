//! Role JSON as `GET /api/v2/authorization/roles[/{id}]` returns it.

use std::collections::HashMap;

use serde_json::value::RawValue;

use super::wire::{
    AuthzGrantPolicy, AuthzGrantRole, DomainOrganizationRole, ResourceConditionNode, ResourcePermissionPolicy,
};
use super::{conditions, kind};
use crate::json::{self, Fields, JsonError, Outline, Path, Top};
use permgate_core::Condition;
use permgate_core::parse::{GrantError, MAX_PERMISSION_LEN, ParseError, Spelling, check_segment, parse};
use permgate_core::{Escaped, GrantGroup, RoleDefinition};

/// The most roles one document may hold.
pub const MAX_ROLES_PER_FILE: usize = 100_000;

/// The most permission policies one role may hold.
pub const MAX_POLICIES_PER_ROLE: usize = 10_000;

/// The most actions one permission policy's `actionSet` may hold. Real
/// entities have a few dozen actions.
pub const MAX_ACTIONS_PER_POLICY: usize = 1_000;

/// A role as the Genesys Cloud API returns it. Fields the API returns and
/// permgate does not use are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleSpec {
    /// `id`, when present.
    pub id: Option<String>,
    /// `name`.
    pub name: String,
    /// `description`, when present.
    pub description: Option<String>,
    /// `permissionPolicies` (`policies` in a subject's grants).
    pub policies: Vec<PolicySpec>,
    /// Legacy flat `permissions[]`: kept and reported, never turned into grants.
    pub legacy_permissions: Vec<String>,
}

/// One entry of a role's `permissionPolicies` (the SDK's
/// `ResourcePermissionPolicy`), of a user's `authorization.permissionPolicies`
/// (the same model), or of a subject grant's role `policies`
/// (`AuthzGrantPolicy`, which spells the action list `actions`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicySpec {
    /// `domain`.
    pub domain: String,
    /// `entityName`; `*` for every entity of the domain.
    pub entity: String,
    /// `actionSet` (`actions` in a subject's grants); `*` for every action
    /// of the entity.
    pub actions: Vec<String>,
    /// `allowConditions` as the API reports it.
    pub allow_conditions: bool,
    /// `resourceConditionNode`: when present the policy grants only under it.
    pub condition: Option<Condition>,
}

impl PolicySpec {
    /// The policy's grants as keys: `domain:entity:action` for each action.
    pub fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.actions
            .iter()
            .map(|action| format!("{}:{}:{action}", self.domain, self.entity))
    }
}

impl RoleSpec {
    /// The role as core data: each policy one [`GrantGroup`] of its keys
    /// (under its `resourceConditionNode`, when it has one), the legacy
    /// `permissions[]` as legacy names. Add it to a policy with
    /// [`PolicyBuilder::add_role_definition`](permgate_core::PolicyBuilder::add_role_definition):
    /// unconditional policies become grants, policies with a
    /// `resourceConditionNode` conditional grants, and legacy names are kept
    /// and reported, never granted.
    pub fn definition(&self) -> RoleDefinition {
        let mut role = RoleDefinition::new(&self.name).legacy(self.legacy_permissions.iter().cloned());
        role.description.clone_from(&self.description);
        role.grants = self
            .policies
            .iter()
            .map(|policy| GrantGroup::new(policy.keys(), policy.condition.clone()))
            .collect();
        role
    }
}

/// The roles of one role-JSON document: those that loaded, and an error for
/// each that did not. One bad role never hides the others.
///
/// Accepts one role object, an array of roles, or a listing
/// (`{"entities": [...]}`). A role object carries at least one of
/// `permissionPolicies`, `policies` and `permissions` (an empty list will
/// do): a document of another kind, such as a user, a subject or an
/// unrelated object, is refused with [`JsonError::WrongKind`] (the whole
/// document when it is one object, that item in an array or a listing).
/// A role with both `permissionPolicies` and `policies` is refused (the two
/// lists could disagree).
///
/// A policy grants only under its condition, and a condition is never
/// dropped. The condition read is `resourceConditionNode` (a node with
/// `terms` and a term's own `variableName`, `operator` or `operands` is
/// refused: reading one would drop the other). The published
/// `ResourcePermissionPolicy` also has a `resourceCondition` string and a
/// `namedResources` list, with no published grammar or meaning: a non-blank
/// `resourceCondition` without a node, and a non-empty `namedResources`,
/// are refused at their JSON path rather than granted unconditionally.
///
/// ```
/// use permgate::genesys::RoleFile;
///
/// let file = RoleFile::parse(r#"{"entities": [
///   {"name": "agent", "permissionPolicies": [
///     {"domain": "routing", "entityName": "queue", "actionSet": ["join", "view"]}]},
///   {"name": "broken", "permissionPolicies": [
///     {"domain": "routing", "entityName": "queue", "actionSet": []}]}
/// ]}"#)?;
/// assert_eq!(file.roles.len(), 1);
/// assert_eq!(file.roles[0].policies[0].keys().collect::<Vec<_>>(), ["routing:queue:join", "routing:queue:view"]);
/// assert_eq!(
///     file.errors[0].to_string(),
///     "role 1 `broken`: `$.entities[1].permissionPolicies[0].actionSet`: empty action set"
/// );
/// # Ok::<(), permgate::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleFile {
    /// The roles that loaded, in document order.
    pub roles: Vec<RoleSpec>,
    /// One error per role that did not load.
    pub errors: Vec<RoleFileError>,
}

/// Why one role of a [`RoleFile`] did not load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("role {position}{}: {error}", name.as_deref().map(|n| format!(" `{}`", Escaped(n))).unwrap_or_default())]
#[non_exhaustive]
pub struct RoleFileError {
    /// The role's position in the document, from 0.
    pub position: usize,
    /// Its name, when it has a readable one.
    pub name: Option<String>,
    /// What is wrong, and where (in the message too, so not a
    /// [`source`](std::error::Error::source): a chain prints it once).
    pub error: JsonError,
}

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
            Ok(Top::Object(fields)) if kind::Kind::of(&fields) == kind::Kind::Terraform => super::terraform::read(text),
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
            .and_then(|role| RoleSpec::from_wire(role, &root).map_err(|(name, error)| (Some(name), error)));
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
            let role = RoleSpec::from_wire(role, &path).and_then(|role| match seen.get(&role.name) {
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

    fn empty() -> Self {
        RoleFile {
            roles: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The role named `name`, if it loaded.
    pub fn role(&self, name: &str) -> Option<&RoleSpec> {
        self.roles.iter().find(|role| role.name == name)
    }
}

impl RoleSpec {
    /// Checks the role `role` read at `path`: on error, its name and why.
    pub(crate) fn from_wire(role: DomainOrganizationRole, path: &Path) -> Result<Self, (String, JsonError)> {
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
        parts.read(policies, path, PolicySpec::from_resource)
    }

    /// Checks the role of a subject's grant, read at `path`.
    pub(crate) fn from_grant_role(role: AuthzGrantRole, path: &Path) -> Result<Self, JsonError> {
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
        parts
            .read(policies, path, PolicySpec::from_grant)
            .map_err(|(_, error)| error)
    }
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
        read: impl Fn(P, &Path) -> Result<PolicySpec, JsonError>,
    ) -> Result<RoleSpec, (String, JsonError)> {
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
            Ok(policies) => Ok(RoleSpec {
                id,
                name,
                description,
                policies,
                legacy_permissions: permissions.unwrap_or_default(),
            }),
            Err(error) => Err((name, error)),
        }
    }
}

impl PolicySpec {
    /// Checks a `ResourcePermissionPolicy`, as in role JSON and in a user's
    /// `authorization.permissionPolicies`, read at `path`.
    pub(crate) fn from_resource(policy: ResourcePermissionPolicy, path: &Path) -> Result<Self, JsonError> {
        let ResourcePermissionPolicy {
            domain,
            entity_name,
            action_set,
            allow_conditions,
            resource_condition_node,
            resource_condition,
            named_resources,
            ..
        } = policy;
        let actions = check_actions(&domain, &entity_name, action_set, &path.field("actionSet"), path)?;
        let condition = policy_condition(resource_condition_node, resource_condition, named_resources, path)?;
        Ok(PolicySpec {
            domain,
            entity: entity_name,
            actions,
            allow_conditions: allow_conditions.unwrap_or(false),
            condition,
        })
    }

    /// Checks an `AuthzGrantPolicy`, as in a subject's grants, read at
    /// `path`: the actions are `actions`, or `actionSet` as earlier permgate
    /// versions read it (not both, since they could disagree); a `condition`
    /// string permgate cannot evaluate is refused.
    pub(crate) fn from_grant(policy: AuthzGrantPolicy, path: &Path) -> Result<Self, JsonError> {
        let AuthzGrantPolicy {
            domain,
            entity_name,
            actions,
            action_set,
            condition,
            allow_conditions,
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
        Ok(PolicySpec {
            domain,
            entity: entity_name,
            actions,
            allow_conditions: allow_conditions.unwrap_or(false),
            condition: node,
        })
    }
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

/// A policy's grant must be one `domain:entity:action` key, wildcards only
/// as a whole entity or action.
pub(crate) fn check_key(key: &str, path: &Path) -> Result<(), JsonError> {
    let error = |source: GrantError| JsonError::Permission {
        path: path.to_string(),
        error: source,
    };
    match parse(key).map_err(|e| error(e.into()))? {
        Spelling::Key { domain: "*", .. } => Err(error(GrantError::DomainWildcard { input: key.to_owned() })),
        Spelling::Key { .. } => Ok(()),
        _ => Err(error(
            ParseError::SegmentCount {
                input: key.to_owned(),
                found: key.split(':').count(),
            }
            .into(),
        )),
    }
}
