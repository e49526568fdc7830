//! Subjects as `GET /api/v2/authorization/subjects/{id}` returns them: the
//! roles a user holds, each in a division or in all divisions.

use std::collections::HashSet;
use std::collections::hash_map::{Entry, HashMap};

use super::kind;
use super::roles;
use super::wire::{AuthzGrant, AuthzSubject};
use crate::json::{self, JsonError, Path, Top};
use permgate_core::{Division, RoleDefinition, UserDefinition, text::Escaped};

/// The most grants one subject may hold.
pub const MAX_GRANTS_PER_SUBJECT: usize = 10_000;

/// One grant of a subject: a role, in a division.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubjectGrant {
    /// The role, each of its policies one group of grants.
    pub role: RoleDefinition,
    /// Where it applies.
    pub division: Division,
}

/// A subject (user or group) and its grants, as the SDK's `AuthzSubject`:
/// `grants[]` of `AuthzGrant` (`division`, `role` an `AuthzGrantRole` whose
/// `policies` are `AuthzGrantPolicy`). Fields permgate does not use
/// (`subjectId`, `grantMadeAt`, `version`, a division's `name`) are ignored.
///
/// A policy's action list is `actions`, as the published `AuthzGrantPolicy`
/// spells it; `actionSet`, the role JSON spelling that earlier versions
/// required here, is still accepted. A policy with both is an error (they
/// could disagree), and so is a non-blank `condition` string, which permgate
/// cannot evaluate (reading the policy without it would grant
/// unconditionally what the platform grants only under it).
///
/// A grant whose role carries no policies (absent or empty) is legal API
/// output and loads, but grants nothing: such a role may hold permissions
/// the document does not show. [`grants_without_policies`](Self::grants_without_policies)
/// lists them, so that a caller can fetch those roles
/// (`GET /api/v2/authorization/roles/{id}`) or refuse the subject instead
/// of answering "no" for everything they would allow.
///
/// ```
/// use permgate::{Division, genesys::SubjectSpec};
///
/// let subject = SubjectSpec::parse(r#"{"id": "u-1", "name": "Ana", "grants": [
///   {"division": {"id": "d-east", "name": "East"},
///    "role": {"id": "r-1", "name": "queue viewer", "policies": [
///      {"domain": "routing", "entityName": "queue", "actions": ["view"]}]}},
///   {"division": {"id": "*"}, "role": {"id": "r-2", "name": "agent", "policies": []}}
/// ]}"#)?;
/// assert_eq!(subject.grants.len(), 2);
/// assert_eq!(subject.grants[0].division, Division::Id("d-east".into()));
/// assert_eq!(subject.grants[0].role.grants[0].permissions, ["routing:queue:view"]);
/// assert_eq!(subject.grants[1].division, Division::All);
/// // The second grant's role shows no policies: it grants nothing here.
/// let empty: Vec<_> = subject.grants_without_policies().map(|(n, grant)| (n, grant.role.name.as_str())).collect();
/// assert_eq!(empty, [(1, "agent")]);
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubjectSpec {
    /// `id`, when present.
    pub id: Option<String>,
    /// `name`, when present.
    pub name: Option<String>,
    /// `grants`, in document order.
    pub grants: Vec<SubjectGrant>,
}

impl SubjectSpec {
    /// Reads a subject document.
    ///
    /// # Errors
    ///
    /// Too large, not JSON, or not of the subject shape (the error names the
    /// JSON path). A document of another kind (a role, a user, a user's
    /// `authorization`) is [`JsonError::WrongKind`]. A subject is all or
    /// nothing: a grant that does not load would change what the subject
    /// may do in some division.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        let root = Path::root();
        if let Top::Object(fields) = json::check_document(text)? {
            // Without `grants`, a document of another kind is named as such.
            if !fields.grants {
                kind::check_subject(&fields, &root)?;
            }
        }
        let subject: AuthzSubject = json::read_document(text)?;
        let AuthzSubject { id, name, grants, .. } = subject;
        let grants_path = root.field("grants");
        json::at_most(grants.len(), MAX_GRANTS_PER_SUBJECT, &grants_path)?;
        let (grants, flags): (Vec<_>, Vec<_>) = grants
            .into_iter()
            .enumerate()
            .map(|(n, grant)| SubjectGrant::from_wire(grant, &grants_path.index(n)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .unzip();
        check_roles(&grants, &flags, &grants_path)?;
        Ok(SubjectSpec { id, name, grants })
    }

    /// The grants whose role carries no policies (`policies` absent, `null`
    /// or empty), with their positions in `grants`, in document order.
    ///
    /// Such a grant loads and grants nothing. The subjects API may show a
    /// role without the policies it holds, so a caller that needs complete
    /// answers should fetch these roles (`GET /api/v2/authorization/roles/{id}`)
    /// or refuse the subject. A role's legacy `permissions` do not count as
    /// policies: they are never granted.
    pub fn grants_without_policies(&self) -> impl Iterator<Item = (usize, &SubjectGrant)> {
        self.grants
            .iter()
            .enumerate()
            .filter(|(_, grant)| grant.role.grants.is_empty())
    }

    /// The subject's roles, each once (by name), in document order.
    ///
    /// In a parsed subject a name stands for one role: [`parse`](Self::parse)
    /// rejects a name used by two different roles.
    pub fn roles(&self) -> impl Iterator<Item = &RoleDefinition> {
        let mut seen = HashSet::with_capacity(self.grants.len());
        self.grants
            .iter()
            .map(|grant| &grant.role)
            .filter(move |role| seen.insert(role.name.as_str()))
    }
}

impl SubjectSpec {
    /// The subject as a user: named by its `id` (else its `name`), holding
    /// each grant's role in the grant's division. Add it to a policy with
    /// [`PolicyBuilder::add_user_definition`](permgate_core::PolicyBuilder::add_user_definition):
    /// each of its roles is added once, under its name (a role the builder
    /// already holds under the same name is shared when it grants exactly
    /// the same, another subject granting it, say), all or nothing.
    ///
    /// A grant whose role carries no policies adds a role that grants
    /// nothing; see [`SubjectSpec::grants_without_policies`] to find them
    /// first.
    ///
    /// ```
    /// use permgate::{Catalog, Policy, genesys::SubjectSpec, perm};
    ///
    /// let subject = SubjectSpec::parse(r#"{"id": "u-1", "grants": [
    ///   {"division": {"id": "d-east"}, "role": {"name": "queue viewer", "policies": [
    ///     {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}}]}"#)?;
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let user = builder.add_user_definition(&subject.definition())?;
    /// let policy = builder.build();
    /// assert!(policy.allows(policy.user_in(user, "d-east"), perm::routing::QUEUE_VIEW));
    /// assert!(!policy.allows(policy.user_in(user, "d-west"), perm::routing::QUEUE_VIEW));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn definition(&self) -> UserDefinition {
        let name = [self.id.as_deref(), self.name.as_deref()]
            .into_iter()
            .flatten()
            .find(|name| !name.trim().is_empty())
            .unwrap_or_default();
        let mut user = UserDefinition::new(name);
        user.roles = self
            .grants
            .iter()
            .map(|grant| (grant.role.clone(), grant.division.clone()))
            .collect();
        user
    }
}

/// One role for each id (where the role has one) and for each name.
///
/// A role is identified by its `id`, or by its name where it has none; the
/// same role may be granted in several divisions, repeated identically. A
/// [`Policy`](permgate_core::Policy) keys roles by name, so a name that two
/// different roles use (different ids or different bodies) would merge their
/// grants across divisions: rejected, at the second occurrence. A role's
/// body is what it grants and the `allowConditions` of each of its policies
/// (`flags`, one list per grant), which the role does not keep.
fn check_roles(grants: &[SubjectGrant], flags: &[Flags], path: &Path) -> Result<(), JsonError> {
    let mut by_id: HashMap<&str, (usize, Body<'_>)> = HashMap::new();
    let mut by_name: HashMap<&str, (usize, Body<'_>)> = HashMap::with_capacity(grants.len());
    for (n, (grant, flags)) in grants.iter().zip(flags).enumerate() {
        let role = (&grant.role, flags);
        let grant_path = path.index(n);
        let role_path = grant_path.field("role");
        let first_path = |first: usize| path.index(first).field("role").to_string();
        if let Some(id) = grant.role.id.as_deref() {
            match by_id.entry(id) {
                Entry::Occupied(entry) => {
                    let &(first, body) = entry.get();
                    if body != role {
                        return Err(json::invalid(
                            &role_path,
                            format!(
                                "role id `{}` has a different body than at `{}`",
                                Escaped(id),
                                Escaped(&first_path(first))
                            ),
                        ));
                    }
                }
                Entry::Vacant(entry) => {
                    entry.insert((n, role));
                }
            }
        }
        match by_name.entry(grant.role.name.as_str()) {
            Entry::Occupied(entry) => {
                let &(first, other) = entry.get();
                if other != role {
                    return Err(json::invalid(
                        &role_path,
                        format!(
                            "role name `{}` is used by a different role at `{}`; a policy knows roles by name",
                            Escaped(&grant.role.name),
                            Escaped(&first_path(first))
                        ),
                    ));
                }
            }
            Entry::Vacant(entry) => {
                entry.insert((n, role));
            }
        }
    }
    Ok(())
}

/// The `allowConditions` of each policy of a grant's role, as given.
type Flags = Vec<bool>;

/// A grant's role and its [`Flags`], compared as one body.
type Body<'a> = (&'a RoleDefinition, &'a Flags);

impl SubjectGrant {
    fn from_wire(grant: AuthzGrant, path: &Path) -> Result<(Self, Flags), JsonError> {
        let AuthzGrant { role, division, .. } = grant;
        let (role, flags) = roles::from_grant_role(role, &path.field("role"))?;
        if division.id.trim().is_empty() {
            let division_path = path.field("division");
            return Err(json::invalid(&division_path.field("id"), "empty division id"));
        }
        let grant = SubjectGrant {
            role,
            division: Division::new(&division.id),
        };
        Ok((grant, flags))
    }
}
