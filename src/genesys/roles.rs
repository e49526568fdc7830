//! Role JSON as `GET /api/v2/authorization/roles[/{id}]` returns it.

use std::collections::HashMap;

use serde_json::Value;

use super::kind;
use crate::condition::Condition;
use crate::json::{self, JsonError, Outline, Path};
use crate::parse::{MAX_PERMISSION_LEN, ParseError, Spelling, check_segment, parse};
use crate::{BuildError, Escaped, GrantGroup, PolicyBuilder, RoleDefinition, RoleId};

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
    /// `permissions[]` as legacy names.
    pub fn definition(&self) -> RoleDefinition {
        RoleDefinition {
            name: self.name.clone(),
            description: self.description.clone(),
            grants: self
                .policies
                .iter()
                .map(|policy| GrantGroup {
                    permissions: policy.keys().collect(),
                    condition: policy.condition.clone(),
                })
                .collect(),
            legacy: self.legacy_permissions.clone(),
        }
    }
}

impl PolicyBuilder {
    /// Adds a role read from Genesys Cloud role JSON (see [`RoleFile`]):
    /// unconditional policies become grants, policies with a
    /// `resourceConditionNode` become conditional grants, legacy
    /// `permissions[]` are kept and reported, never granted
    /// ([`RoleSpec::definition`], then
    /// [`add_role_definition`](PolicyBuilder::add_role_definition)).
    ///
    /// # Errors
    ///
    /// As [`PolicyBuilder::role`]; `position` counts the role's grants in
    /// document order (each action of each policy).
    pub fn add_role_spec(&mut self, spec: &RoleSpec) -> Result<RoleId, BuildError> {
        self.add_role_definition(&spec.definition())
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
    /// What is wrong, and where.
    #[source]
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
        match json::parse_document(text) {
            Ok(document) if kind::is_terraform(&document) => super::terraform::read(text, &document),
            Ok(document) => Self::from_document(document),
            // A value nested deeper than the parser's limit: read each role on
            // its own, so that only the roles it is in fail.
            Err(error) if json::is_too_deep(&error) => Self::from_outline(text, error),
            Err(error) => Err(error),
        }
    }

    /// The roles of a parsed document.
    fn from_document(document: Value) -> Result<Self, JsonError> {
        let root = Path::root();
        let listing = root.field("entities");
        match document {
            Value::Array(items) => Self::from_roles(items.into_iter().map(Ok), Some(&root)),
            Value::Object(mut object) => match object.remove("entities") {
                Some(Value::Array(items)) => Self::from_roles(items.into_iter().map(Ok), Some(&listing)),
                Some(other) => Err(json::wrong_type(&listing, "an array", &other)),
                None => {
                    let role = Value::Object(object);
                    kind::check_role(&role, &root)?;
                    Self::from_roles(core::iter::once(Ok(role)), None)
                }
            },
            other => Err(json::wrong_type(
                &root,
                "a role, an array of roles, or a listing",
                &other,
            )),
        }
    }

    /// The roles of a document too deep to parse whole (`error`), each role
    /// parsed from its own text. A document that is one role is all or
    /// nothing: `error`.
    fn from_outline(text: &str, error: JsonError) -> Result<Self, JsonError> {
        let root = Path::root();
        let listing = root.field("entities");
        let (items, items_path) = match json::outline(text, "entities", MAX_ROLES_PER_FILE)? {
            Outline::Array(items) => (items, &root),
            Outline::Listing(items) => match *items {
                Outline::Array(items) => (items, &listing),
                other => return Err(json::wrong_kind(&listing, "an array", other.kind())),
            },
            Outline::Object => return Err(error),
            Outline::Other(kind) => {
                return Err(json::wrong_kind(&root, "a role, an array of roles, or a listing", kind));
            }
        };
        let roles = items.iter().enumerate().map(|(position, raw)| {
            json::item(raw, &items_path.index(position)).map_err(|error| (json::raw_string_field(raw, "name"), error))
        });
        Self::from_roles(roles, Some(items_path))
    }

    /// The file of `roles` (each parsed, or its name and why not) at
    /// `items_path[n]`, or at `$` for a document that is one role.
    fn from_roles(
        roles: impl ExactSizeIterator<Item = Result<Value, (Option<String>, JsonError)>>,
        items_path: Option<&Path>,
    ) -> Result<Self, JsonError> {
        if let Some(items_path) = items_path.filter(|_| roles.len() > MAX_ROLES_PER_FILE) {
            return Err(JsonError::TooMany {
                path: items_path.to_string(),
                max: MAX_ROLES_PER_FILE,
            });
        }
        let mut file = RoleFile {
            roles: Vec::new(),
            errors: Vec::new(),
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (position, item) in roles.enumerate() {
            let item = match item {
                Ok(item) => item,
                Err((name, error)) => {
                    file.errors.push(RoleFileError { position, name, error });
                    continue;
                }
            };
            let path = items_path.map_or(Path::root(), |items| items.index(position));
            let name = item.get("name").and_then(Value::as_str).map(str::to_owned);
            // One object was checked as the document; an item, here.
            let kind = match items_path {
                Some(_) => kind::check_role(&item, &path),
                None => Ok(()),
            };
            let role = kind.and_then(|()| RoleSpec::from_value(&item, &path, Shape::Resource));
            let role = role.and_then(|role| match seen.get(&role.name) {
                Some(first) => Err(json::invalid(
                    &path.field("name"),
                    format!("duplicate role name; first at position {first}"),
                )),
                None => Ok(role),
            });
            match role {
                Ok(role) => {
                    seen.insert(role.name.clone(), position);
                    file.roles.push(role);
                }
                Err(error) => file.errors.push(RoleFileError { position, name, error }),
            }
        }
        Ok(file)
    }

    /// The role named `name`, if it loaded.
    pub fn role(&self, name: &str) -> Option<&RoleSpec> {
        self.roles.iter().find(|role| role.name == name)
    }
}

/// Which published shape a policy has: it decides how the action list is
/// spelled and which condition fields there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `ResourcePermissionPolicy`, as in role JSON and in a user's
    /// `authorization.permissionPolicies`: the actions are `actionSet`, a
    /// condition is a `resourceConditionNode`.
    Resource,
    /// `AuthzGrantPolicy`, as in a subject's grants: the actions are
    /// `actions`, or `actionSet` as earlier permgate versions read it (not
    /// both); a `condition` string permgate cannot evaluate is refused.
    Grant,
}

impl RoleSpec {
    /// Reads one role object (`permissionPolicies`, or `policies` as in a
    /// subject's grants), its policies of `shape`.
    pub(crate) fn from_value(value: &Value, path: &Path, shape: Shape) -> Result<Self, JsonError> {
        let object = json::object(value, path)?;
        let name = json::string(json::required(object, path, "name")?, &path.field("name"))?;
        if name.trim().is_empty() {
            return Err(json::invalid(&path.field("name"), "empty role name"));
        }
        let (field, policies) = match json::optional(object, "permissionPolicies") {
            Some(policies) => ("permissionPolicies", Some(policies)),
            None => ("policies", json::optional(object, "policies")),
        };
        let policies_path = path.field(field);
        let policies = match policies {
            None => &[][..],
            Some(policies) => json::array(policies, &policies_path)?,
        };
        if policies.len() > MAX_POLICIES_PER_ROLE {
            return Err(JsonError::TooMany {
                path: policies_path.to_string(),
                max: MAX_POLICIES_PER_ROLE,
            });
        }
        let policies = policies
            .iter()
            .enumerate()
            .map(|(n, policy)| PolicySpec::from_value(policy, &policies_path.index(n), shape))
            .collect::<Result<Vec<_>, _>>()?;
        let legacy_path = path.field("permissions");
        let legacy = match json::optional(object, "permissions") {
            None => Vec::new(),
            Some(list) => json::array(list, &legacy_path)?
                .iter()
                .enumerate()
                .map(|(n, p)| json::string(p, &legacy_path.index(n)).map(str::to_owned))
                .collect::<Result<_, _>>()?,
        };
        Ok(RoleSpec {
            id: json::optional_string(object, path, "id")?.map(str::to_owned),
            name: name.to_owned(),
            description: json::optional_string(object, path, "description")?.map(str::to_owned),
            policies,
            legacy_permissions: legacy,
        })
    }
}

impl PolicySpec {
    /// Reads one policy of `shape`: the one reader of roles', users' and
    /// subjects' policies.
    pub(crate) fn from_value(value: &Value, path: &Path, shape: Shape) -> Result<Self, JsonError> {
        let object = json::object(value, path)?;
        let text = |field: &'static str| json::string(json::required(object, path, field)?, &path.field(field));
        let (domain, entity) = (text("domain")?, text("entityName")?);
        let (field, actions) = match shape {
            Shape::Resource => ("actionSet", json::required(object, path, "actionSet")?),
            Shape::Grant => grant_actions(object, path)?,
        };
        let actions_path = path.field(field);
        let actions = json::array(actions, &actions_path)?;
        if actions.is_empty() {
            return Err(json::invalid(&actions_path, "empty action set"));
        }
        if actions.len() > MAX_ACTIONS_PER_POLICY {
            return Err(JsonError::TooMany {
                path: actions_path.to_string(),
                max: MAX_ACTIONS_PER_POLICY,
            });
        }
        let domain_path = path.field("domain");
        if domain == "*" {
            let first = actions.first().and_then(Value::as_str).unwrap_or("*");
            let input = format!("{domain}:{entity}:{first}");
            let source = ParseError::DomainWildcard { input };
            return Err(JsonError::Permission {
                path: domain_path.to_string(),
                source,
            });
        }
        // A bad domain or entity is reported at its own field, quoting it.
        for (value, segment, field_path) in [
            (domain, "domain", domain_path),
            (entity, "entity", path.field("entityName")),
        ] {
            check_segment(value, segment).map_err(|source| JsonError::Permission {
                path: field_path.to_string(),
                source,
            })?;
        }
        let actions = actions
            .iter()
            .enumerate()
            .map(|(n, action)| {
                let action_path = actions_path.index(n);
                let action = json::string(action, &action_path)?;
                // Domain and entity are checked above: a short, clean action
                // makes a valid key. Anything else gets the full key's error.
                let short = domain.len() + entity.len() + action.len() + 2 <= MAX_PERMISSION_LEN;
                if !(short && check_segment(action, "action").is_ok()) {
                    check_key(&format!("{domain}:{entity}:{action}"), &action_path)?;
                }
                Ok(action.to_owned())
            })
            .collect::<Result<Vec<_>, JsonError>>()?;
        let condition = json::optional(object, "resourceConditionNode")
            .map(|node| Condition::from_json(node, &path.field("resourceConditionNode")))
            .transpose()?;
        if shape == Shape::Grant {
            check_grant_condition(object, path)?;
        }
        Ok(PolicySpec {
            domain: domain.to_owned(),
            entity: entity.to_owned(),
            actions,
            allow_conditions: json::optional_bool(object, path, "allowConditions")?.unwrap_or(false),
            condition,
        })
    }
}

/// The action list of a subject grant's policy: `actions` (the published
/// `AuthzGrantPolicy`) or `actionSet`; both is an error, since they could
/// disagree, and neither is `actions` missing.
fn grant_actions<'v>(
    object: &'v serde_json::Map<String, Value>,
    path: &Path,
) -> Result<(&'static str, &'v Value), JsonError> {
    match (json::optional(object, "actions"), json::optional(object, "actionSet")) {
        (Some(actions), None) => Ok(("actions", actions)),
        (None, Some(actions)) => Ok(("actionSet", actions)),
        (Some(_), Some(_)) => Err(json::invalid(
            path,
            "both `actions` and `actionSet`; a policy has one action list",
        )),
        (None, None) => Err(JsonError::MissingField {
            path: path.to_string(),
            field: "actions",
        }),
    }
}

/// A subject grant's policy may carry a `condition` string
/// (`AuthzGrantPolicy`). permgate cannot evaluate it, and reading the policy
/// without it would grant unconditionally what the platform grants only
/// under it: a non-blank one is refused.
fn check_grant_condition(object: &serde_json::Map<String, Value>, path: &Path) -> Result<(), JsonError> {
    let condition = json::optional_string(object, path, "condition")?;
    match condition.filter(|condition| !condition.trim().is_empty()) {
        None => Ok(()),
        Some(_) => Err(json::invalid(
            &path.field("condition"),
            "a condition string permgate cannot evaluate; read the role (`GET /api/v2/authorization/roles/{id}`), whose `resourceConditionNode` it can",
        )),
    }
}

/// A policy's grant must be one `domain:entity:action` key, wildcards only
/// as a whole entity or action.
pub(crate) fn check_key(key: &str, path: &Path) -> Result<(), JsonError> {
    let error = |source| JsonError::Permission {
        path: path.to_string(),
        source,
    };
    match parse(key).map_err(error)? {
        Spelling::Key { domain: "*", .. } => Err(error(ParseError::DomainWildcard { input: key.to_owned() })),
        Spelling::Key { .. } => Ok(()),
        _ => Err(error(ParseError::SegmentCount {
            input: key.to_owned(),
            found: key.split(':').count(),
        })),
    }
}
