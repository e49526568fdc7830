//! Users as `GET /api/v2/users/me?expand=authorization` and
//! `GET /api/v2/users/{id}?expand=authorization` return them: what the user
//! may do, flattened over its roles.

use std::collections::BTreeMap;

use super::kind::{self, Kind};
use super::role_file::check_key;
use super::roles;
use super::wire::{self, DomainRole};
use crate::json::{self, JsonError, Path, Top};
use permgate_core::parse::{MAX_PERMISSION_LEN, ParseError, excerpt};
use permgate_core::{Division, RoleDefinition, UserDefinition, definition::GrantGroup, text::Escaped};

/// The most items each list of a user's `authorization` may hold
/// (`roles`, `unusedRoles`, `permissions`, `permissionPolicies`). A user's
/// permissions, one string per division for the division-scoped ones, run
/// to a few thousand.
pub const MAX_USER_PERMISSIONS: usize = 100_000;

/// One entry of a user's `authorization.permissions` that grants: a
/// `domain:entity:action` key (wildcards as in role JSON: `*` as a whole
/// entity or action), held in one division or in all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserPermission {
    /// `domain:entity:action`, as the document writes it.
    key: String,
    /// Where the three segments end: `domain` is `key[..ends.0]`, `entity`
    /// `key[ends.0 + 1..ends.1]`.
    ends: (usize, usize),
    division: Division,
}

impl UserPermission {
    /// The permission as a key: `domain:entity:action`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The domain.
    pub fn domain(&self) -> &str {
        self.key.get(..self.ends.0).unwrap_or_default()
    }

    /// The entity; `*` for every entity of the domain.
    pub fn entity(&self) -> &str {
        self.key.get(self.ends.0 + 1..self.ends.1).unwrap_or_default()
    }

    /// The action; `*` for every action of the entity.
    pub fn action(&self) -> &str {
        self.key.get(self.ends.1 + 1..).unwrap_or_default()
    }

    /// The division of a four-segment string (`domain:entity:action:divisionId`);
    /// [`Division::All`] for a three-segment one (see [`UserAuthorization`]).
    pub fn division(&self) -> &Division {
        &self.division
    }
}

/// What a user may do, as `GET /api/v2/users/{id}?expand=authorization`
/// (or `users/me`) says: read from the whole user object (the SDK's `User`:
/// `id`, `name`, …, `authorization`) or from its `authorization` object alone
/// (`UserAuthorization`: `roles`, `unusedRoles`, `permissions`,
/// `permissionPolicies`). Fields permgate does not use are ignored.
///
/// How the document is read:
///
/// - **Both lists.** Some organizations fill only `permissions`, some only
///   `permissionPolicies` (each a `ResourcePermissionPolicy`, read as in role
///   JSON): the user holds the union. An `authorization` with neither list
///   is an error, since what the user may do is then unknown.
/// - **Divisions.** A four-segment permission `domain:entity:action:divisionId`
///   is held in that division only. A three-segment permission, and every
///   policy, is held in every division: the document does not say where,
///   and the division where it truly applies cannot be known from it. This
///   is the wide reading, so for decisions per division the subject
///   (`GET /api/v2/authorization/subjects/{id}`, [`SubjectSpec`](super::SubjectSpec))
///   is authoritative; use this document where the division does not matter
///   or where the subject cannot be read.
/// - **Conditions.** A policy with a `resourceConditionNode` grants only
///   under it: [`Policy::allows`](permgate_core::Policy::allows) is `false` for what
///   only it gives, [`Policy::decide`](permgate_core::Policy::decide) answers
///   `AllowedIf`.
/// - **Legacy names.** A permission without `:` (`admin`, `employee`) is a
///   legacy flat name: kept in [`legacy_permissions`](Self::legacy_permissions)
///   (and in the compiled grants' legacy list), never granted.
/// - **Roles.** `roles` and `unusedRoles` are kept for reference; they carry
///   no policies and grant nothing.
/// - **Errors.** A user object without `authorization` (the API's expand is
///   best effort) is [`JsonError::NotExpanded`], never a user with no
///   permissions nor one with all. A malformed permission, an empty
///   `actionSet`, a missing `entityName`, a wildcard domain are errors at
///   their JSON path (`$.authorization.permissions[3]`), never `*`. A role
///   or a subject is [`JsonError::WrongKind`].
///
/// ```
/// use permgate::{Catalog, Decision, Policy, genesys::UserAuthorization, perm};
///
/// let user = UserAuthorization::parse(r#"{"id": "u-1", "name": "Ana", "username": "ana@example.com",
///   "authorization": {
///     "roles": [{"id": "r-1", "name": "agent"}],
///     "permissions": ["routing:queue:view", "routing:queue:join:d-east", "admin"],
///     "permissionPolicies": [
///       {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
///        "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
///          "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}}"#)?;
/// assert_eq!(user.legacy_permissions, ["admin"]);
/// let mut builder = Policy::builder(Catalog::builtin());
/// let ana = builder.add_user_definition(&user.definition(None))?; // named by its `id`
/// let policy = builder.build();
/// assert_eq!(policy.name(ana), Some("u-1"));
/// let (east, west) = (policy.user_in(ana, "d-east"), policy.user_in(ana, "d-west"));
/// assert!(policy.allows(east, perm::routing::QUEUE_VIEW) && policy.allows(west, perm::routing::QUEUE_VIEW));
/// assert!(policy.allows(east, perm::routing::QUEUE_JOIN) && !policy.allows(west, perm::routing::QUEUE_JOIN));
/// assert!(matches!(policy.decide(east, perm::routing::QUEUE_EDIT), Decision::AllowedIf(_)));
/// assert_eq!(policy.allows(east, "admin"), Ok(false)); // legacy: never granted
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserAuthorization {
    /// The user's `id`, when the document is the whole user.
    pub id: Option<String>,
    /// The user's `name`, when the document is the whole user.
    pub name: Option<String>,
    /// The user's `email`, when the document is the whole user.
    pub email: Option<String>,
    /// The user's `username` (its login, usually an email address), when
    /// the document is the whole user.
    pub username: Option<String>,
    /// `roles`.
    pub roles: Vec<DomainRole>,
    /// `unusedRoles`.
    pub unused_roles: Vec<DomainRole>,
    /// The entries of `permissions` that grant, in document order.
    pub permissions: Vec<UserPermission>,
    /// `permissionPolicies`, in document order, each one group of
    /// `domain:entity:action` keys (under its `resourceConditionNode`, when
    /// it has one), as [`RoleFile`](crate::RoleFile) reads a role's.
    pub policies: Vec<GrantGroup>,
    /// The entries of `permissions` without `:`: legacy flat names, kept
    /// and reported, never granted.
    pub legacy_permissions: Vec<String>,
}

impl UserAuthorization {
    /// Reads a user with its `authorization`, or that `authorization` object.
    ///
    /// # Errors
    ///
    /// Too large, not JSON, a user without `authorization`
    /// ([`JsonError::NotExpanded`]), a document of another kind such as a
    /// role or a subject ([`JsonError::WrongKind`]), or a problem inside the
    /// authorization, at its JSON path. The document is all or nothing: a
    /// permission that does not load would change what the user may do.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        let root = Path::root();
        let not_expanded = || JsonError::NotExpanded {
            path: root.to_string(),
            field: "authorization",
        };
        let fields = match json::check_document(text)? {
            Top::Object(fields) => fields,
            Top::Array => return Err(json::wrong_kind(&root, "an object", "an array")),
            Top::Other(found) => return Err(json::wrong_kind(&root, "an object", found)),
        };
        match Kind::of(&fields) {
            Kind::User => Self::from_user(json::read_document(text)?, &root),
            Kind::Authorization | Kind::Nameless => Self::from_wire(json::read_document(text)?, &root),
            Kind::Account => Err(not_expanded()),
            kind @ (Kind::Subject | Kind::Role | Kind::Terraform | Kind::Listing | Kind::Other) => {
                Err(kind::wrong_kind(&root, kind::EXPECTED_USER, kind))
            }
        }
    }

    /// One user of a listing, at `path`: a `User` with its `authorization`.
    pub(crate) fn from_user_item(raw: &serde_json::value::RawValue, path: &Path) -> Result<Self, JsonError> {
        Self::from_user(json::read_item(raw, path)?, path)
    }

    /// A `User` read at `path`: its `authorization` with its id, name, email
    /// and username; [`JsonError::NotExpanded`] when the API left the
    /// authorization out.
    fn from_user(user: wire::User, path: &Path) -> Result<Self, JsonError> {
        let authorization = user.authorization.ok_or_else(|| JsonError::NotExpanded {
            path: path.to_string(),
            field: "authorization",
        })?;
        let mut read = Self::from_wire(authorization, &path.field("authorization"))?;
        read.id = user.id;
        read.name = user.name;
        read.email = user.email;
        read.username = user.username;
        Ok(read)
    }

    /// Checks the `authorization` object read at `path`.
    fn from_wire(authorization: wire::UserAuthorization, path: &Path) -> Result<Self, JsonError> {
        let wire::UserAuthorization {
            roles,
            unused_roles,
            permissions,
            permission_policies,
            ..
        } = authorization;
        if permissions.is_none() && permission_policies.is_none() {
            return Err(json::invalid(
                path,
                "neither `permissions` nor `permissionPolicies`: what the user may do is unknown",
            ));
        }
        let roles = list(roles, path, "roles")?;
        let unused_roles = list(unused_roles, path, "unusedRoles")?;
        let mut read = UserAuthorization {
            id: None,
            name: None,
            email: None,
            username: None,
            roles,
            unused_roles,
            permissions: Vec::new(),
            policies: Vec::new(),
            legacy_permissions: Vec::new(),
        };
        let permissions_path = path.field("permissions");
        for (n, text) in list(permissions, path, "permissions")?.into_iter().enumerate() {
            match read_permission(text, &permissions_path.index(n))? {
                Entry::Grant(permission) => read.permissions.push(permission),
                Entry::Legacy(text) => read.legacy_permissions.push(text),
            }
        }
        let policies_path = path.field("permissionPolicies");
        read.policies = list(permission_policies, path, "permissionPolicies")?
            .into_iter()
            .enumerate()
            .map(|(n, policy)| roles::from_resource(policy, &policies_path.index(n)))
            .collect::<Result<_, _>>()?;
        Ok(read)
    }

    /// The division ids that four-segment permissions name, sorted, each once.
    pub fn divisions(&self) -> impl Iterator<Item = &str> {
        let divisions: std::collections::BTreeSet<&str> = self
            .permissions
            .iter()
            .filter_map(|permission| match permission.division() {
                Division::Id(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        divisions.into_iter()
    }

    /// The grant sets of the user `user`, as roles named for messages:
    /// one for every division (the policies, the three-segment permissions
    /// and the legacy names), then one per division four-segment
    /// permissions name, in division order.
    fn grant_sets(&self, user: &str) -> Vec<(RoleDefinition, Division)> {
        let mut by_division: BTreeMap<Division, Vec<GrantGroup>> = BTreeMap::new();
        by_division.insert(Division::All, self.policies.clone());
        for permission in &self.permissions {
            by_division
                .entry(permission.division().clone())
                .or_default()
                .push(GrantGroup::new([permission.key()], None));
        }
        by_division
            .into_iter()
            .map(|(division, grants)| {
                let (name, legacy) = match &division {
                    Division::All => (format!("users/{user} permissions"), self.legacy_permissions.clone()),
                    Division::Id(id) => (format!("users/{user} permissions in division {id}"), Vec::new()),
                };
                let mut role = RoleDefinition::new(name).legacy(legacy);
                role.grants = grants;
                (role, division)
            })
            .collect()
    }
}

impl UserAuthorization {
    /// The user as core data, named `name`, else by the document's user
    /// `id`, else by its `name` (an empty name when none is given and the
    /// document has neither, which
    /// [`PolicyBuilder::add_user_definition`](permgate_core::PolicyBuilder::add_user_definition)
    /// refuses). The user holds its grants directly, not through named
    /// roles: one grant set for every division, and one per division its
    /// four-segment permissions name.
    ///
    /// For decisions per division, prefer the subject
    /// ([`SubjectSpec`](crate::SubjectSpec)): this document holds its
    /// three-segment permissions and its policies in every division. A
    /// grant set's name in a build error (`users/u-1 permissions`,
    /// `users/u-1 permissions in division d-east`) says which grants it was.
    pub fn definition(&self, name: Option<&str>) -> UserDefinition {
        let name = name.or(self.id.as_deref()).or(self.name.as_deref()).unwrap_or_default();
        let mut user = UserDefinition::new(name);
        user.direct = self.grant_sets(name);
        user
    }
}

/// The list `field` of the object at `path` (absent or `null`: empty), at
/// most [`MAX_USER_PERMISSIONS`] items.
fn list<T>(items: Option<Vec<T>>, path: &Path, field: &'static str) -> Result<Vec<T>, JsonError> {
    let items = items.unwrap_or_default();
    json::at_most(items.len(), MAX_USER_PERMISSIONS, &path.field(field))?;
    Ok(items)
}

/// One entry of a user's `permissions`.
enum Entry {
    /// A `domain:entity:action` key, in a division or in all.
    Grant(UserPermission),
    /// A legacy flat name (no `:`).
    Legacy(String),
}

/// One entry of `permissions`, at `path`. The string becomes the grant's
/// key (a four-segment one loses its division): one pass over it, no copy.
fn read_permission(mut text: String, path: &Path) -> Result<Entry, JsonError> {
    let error = |source: ParseError| JsonError::Permission {
        path: path.to_string(),
        error: source.into(),
    };
    if text.is_empty() {
        return Err(error(ParseError::Empty));
    }
    if text.len() > MAX_PERMISSION_LEN {
        return Err(error(ParseError::TooLong {
            length: text.len(),
            max: MAX_PERMISSION_LEN,
        }));
    }
    // Where the first three colons are, and how many there are.
    let mut colons = [0usize; 3];
    let mut found = 0;
    for (at, byte) in text.bytes().enumerate() {
        if byte == b':' {
            if let Some(slot) = colons.get_mut(found) {
                *slot = at;
            }
            found += 1;
        }
    }
    let [domain_end, entity_end, action_end] = colons;
    let division = match found {
        0 => return Ok(Entry::Legacy(text)),
        2 => Division::All,
        3 => {
            let division = text.get(action_end + 1..).unwrap_or_default();
            check_division(division, &text, path)?;
            let division = Division::new(division);
            text.truncate(action_end);
            division
        }
        _ => {
            return Err(json::invalid(
                path,
                format!(
                    "`{}` has {} segments; expected `domain:entity:action` or `domain:entity:action:divisionId`",
                    Escaped(&excerpt(&text)),
                    found + 1
                ),
            ));
        }
    };
    check_key(&text, path)?;
    Ok(Entry::Grant(UserPermission {
        key: text,
        ends: (domain_end, entity_end),
        division,
    }))
}

/// The fourth segment of a permission: a division id (ASCII letters, digits,
/// `-` and `_`, as in the platform's UUIDs), or `*` for every division.
fn check_division(id: &str, text: &str, path: &Path) -> Result<(), JsonError> {
    if id.is_empty() {
        return Err(json::invalid(
            path,
            format!("empty division id in `{}`", Escaped(&excerpt(text))),
        ));
    }
    let valid = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if id != "*" && !id.bytes().all(valid) {
        return Err(json::invalid(
            path,
            format!(
                "invalid division id `{}` in `{}`",
                Escaped(&excerpt(id)),
                Escaped(&excerpt(text))
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grant, or `None` for a legacy name.
    fn read(text: &str) -> Result<Option<UserPermission>, JsonError> {
        read_permission(text.to_owned(), &Path::root()).map(|entry| match entry {
            Entry::Grant(permission) => Some(permission),
            Entry::Legacy(name) => {
                assert_eq!(name, text, "a legacy name is kept as written");
                None
            }
        })
    }

    #[test]
    fn permission_strings_are_keys_scoped_keys_or_legacy_names() {
        let key = read("routing:queue:view").unwrap().unwrap();
        assert_eq!((key.key(), key.division()), ("routing:queue:view", &Division::All));
        assert_eq!([key.domain(), key.entity(), key.action()], ["routing", "queue", "view"]);
        let scoped = read("routing:queue:join:0b4a-11ef").unwrap().unwrap();
        assert_eq!(scoped.key(), "routing:queue:join");
        assert_eq!(
            [scoped.domain(), scoped.entity(), scoped.action()],
            ["routing", "queue", "join"]
        );
        assert_eq!(scoped.division(), &Division::Id("0b4a-11ef".into()));
        assert_eq!(
            read("routing:queue:join:*").unwrap().unwrap().division(),
            &Division::All
        );
        let wildcard = read("journey:*:*").unwrap().unwrap();
        assert_eq!(
            [wildcard.domain(), wildcard.entity(), wildcard.action()],
            ["journey", "*", "*"]
        );
        assert_eq!(read("admin"), Ok(None));
        assert_eq!(read("Journey > Action Map > View"), Ok(None));
    }

    #[test]
    fn malformed_permission_strings_say_why() {
        let problem = |text: &str| read(text).unwrap_err().to_string();
        assert_eq!(problem(""), "`$`: empty permission string");
        assert!(problem("a:b").contains("has 2 segments"), "{}", problem("a:b"));
        assert!(problem("a:b:c:d:e").contains("has 5 segments"));
        assert!(problem("*:*:*").contains("wildcard domain"));
        assert!(problem("*:*:*:d1").contains("wildcard domain"));
        assert!(problem("a:b*:c").contains("must be a whole segment"));
        assert_eq!(problem("a:b:c:"), "`$`: empty division id in `a:b:c:`");
        assert_eq!(problem("a:b:c:d 1"), "`$`: invalid division id `d 1` in `a:b:c:d 1`");
        assert!(problem(&"a".repeat(MAX_PERMISSION_LEN + 1)).contains("longer than the limit"));
    }
}
