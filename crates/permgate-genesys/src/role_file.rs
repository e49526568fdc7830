//! What the role readers share: the [`RoleFile`] they fill, its errors,
//! the limits and the check of one grant key. A leaf of the adapter's
//! module graph: role JSON (`roles`) and Terraform JSON (`terraform`) both
//! fill a [`RoleFile`], and neither needs the other for it.

use crate::json::{JsonError, Path};
use permgate_core::parse::{GrantError, ParseError, Spelling, parse};
use permgate_core::{RoleDefinition, condition::Condition, definition::GrantGroup, text::Escaped};

/// The most roles one document may hold.
pub const MAX_ROLES_PER_FILE: usize = 100_000;

/// The most permission policies one role may hold.
pub const MAX_POLICIES_PER_ROLE: usize = 10_000;

/// The most actions one permission policy's `actionSet` may hold. Real
/// entities have a few dozen actions.
pub const MAX_ACTIONS_PER_POLICY: usize = 1_000;

/// The roles of one role-JSON document: those that loaded, and an error for
/// each that did not. One bad role never hides the others.
///
/// Each role is read into the core's [`RoleDefinition`]: its `id` when it
/// has one, `name`, `description`, each permission policy as one
/// [`GrantGroup`] of its `domain:entity:action`
/// keys (under its `resourceConditionNode`, when it has one), and the legacy
/// `permissions[]` as legacy names, kept and reported, never granted. Add one
/// to a policy with
/// [`PolicyBuilder::add_role_definition`](permgate_core::PolicyBuilder::add_role_definition);
/// write one back with [`export_role`](crate::export_role) or
/// [`terraform`](crate::terraform).
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
/// assert_eq!(file.roles[0].grants[0].permissions, ["routing:queue:join", "routing:queue:view"]);
/// assert_eq!(
///     file.errors[0].to_string(),
///     "role 1 `broken`: `$.entities[1].permissionPolicies[0].actionSet`: empty action set"
/// );
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleFile {
    /// The roles that loaded, in document order.
    pub roles: Vec<RoleDefinition>,
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
    /// A file with no roles and no errors.
    pub(crate) fn empty() -> Self {
        RoleFile {
            roles: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The role named `name`, if it loaded.
    pub fn role(&self, name: &str) -> Option<&RoleDefinition> {
        self.roles.iter().find(|role| role.name == name)
    }
}

/// The grant group of the keys `domain:entity:action` for each of
/// `actions`, under `condition`.
pub(crate) fn group(domain: &str, entity: &str, actions: &[String], condition: Option<Condition>) -> GrantGroup {
    GrantGroup::new(
        actions.iter().map(|action| format!("{domain}:{entity}:{action}")),
        condition,
    )
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
