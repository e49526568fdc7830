//! What kind of Genesys Cloud document an object is, from the fields that
//! set the kinds apart, so that each reader refuses the others' documents
//! with [`JsonError::WrongKind`] instead of misreading them.
//!
//! A role read as a subject, or a user read as a role, would otherwise load
//! as something that grants nothing (or, worse, something else): the
//! readers say what they expected and what they found.

use crate::json::{Fields, JsonError, Path, Top, check_document};

/// Which reader a Genesys Cloud document is for, told by the fields that set
/// the kinds apart (the readers refuse each other's documents by the same
/// fields, with [`JsonError::WrongKind`]).
///
/// ```
/// use permgate::genesys::DocumentKind;
///
/// assert_eq!(DocumentKind::of(r#"{"name": "Ana", "grants": []}"#), DocumentKind::Subject);
/// assert_eq!(DocumentKind::of(r#"{"id": "u-1", "authorization": {"roles": []}}"#), DocumentKind::User);
/// assert_eq!(DocumentKind::of(r#"{"name": "agent", "permissionPolicies": []}"#), DocumentKind::Roles);
/// assert_eq!(DocumentKind::of(r#"{"entities": []}"#), DocumentKind::Roles);
/// // What is not JSON goes to the role reader, which says what is wrong.
/// assert_eq!(DocumentKind::of("not json"), DocumentKind::Roles);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentKind {
    /// Role JSON, for [`RoleFile::parse`](crate::RoleFile::parse):
    /// one role, an array of roles, a listing `{"entities": [...]}`, a
    /// Terraform JSON configuration; and whatever no other reader claims,
    /// so that the role reader reports what is wrong with it.
    Roles,
    /// A subject (it has `grants`), for
    /// [`SubjectSpec::parse`](crate::SubjectSpec::parse).
    Subject,
    /// A user with its `authorization` expansion, that `authorization`
    /// object (`roles`, `unusedRoles`), or a user without the expansion
    /// (`username` or `email`, no role field: the reader says how to ask
    /// for it), for [`UserAuthorization::parse`](crate::UserAuthorization::parse).
    User,
}

impl DocumentKind {
    /// The kind of the document `text`, by the fields of its top-level
    /// object. Reads the text once, without building its values.
    pub fn of(text: &str) -> DocumentKind {
        match check_document(text) {
            Ok(Top::Object(fields)) => match Kind::of(&fields) {
                Kind::Subject => DocumentKind::Subject,
                Kind::User | Kind::Authorization | Kind::Account => DocumentKind::User,
                Kind::Role | Kind::Nameless | Kind::Terraform | Kind::Listing | Kind::Other => DocumentKind::Roles,
            },
            Ok(Top::Array | Top::Other(_)) | Err(_) => DocumentKind::Roles,
        }
    }
}

/// What an object looks like, tested in this order: the first that matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// It has `grants`: a subject (`AuthzSubject`).
    Subject,
    /// It has `authorization` (perhaps `null`): a user (`User`) with its
    /// expansion.
    User,
    /// It has `roles` or `unusedRoles`: a user's `authorization` object
    /// (`UserAuthorization`).
    Authorization,
    /// It has a role field (`permissionPolicies`, `policies` as a subject's
    /// grants spell it, or the legacy flat `permissions`) and a `name` or
    /// `id`: a role.
    Role,
    /// It has a role field and neither `name` nor `id`: a role without its
    /// name, or an `authorization` object without `roles`.
    Nameless,
    /// It has `resource` and no role field: a Terraform JSON configuration
    /// (a `.tf.json` file), whose `genesyscloud_auth_role` resources are
    /// roles.
    Terraform,
    /// It has `username` or `email` and no role field: a user without its
    /// `authorization` expansion.
    Account,
    /// It has `entities`: a listing.
    Listing,
    /// None of the above.
    Other,
}

impl Kind {
    /// The kind of an object with `fields`.
    pub(crate) fn of(fields: &Fields) -> Kind {
        let named = fields.name || fields.id;
        if fields.grants {
            Kind::Subject
        } else if fields.authorization {
            Kind::User
        } else if fields.roles || fields.unused_roles {
            Kind::Authorization
        } else if fields.permission_policies || fields.policies || fields.permissions {
            if named { Kind::Role } else { Kind::Nameless }
        } else if fields.resource {
            Kind::Terraform
        } else if fields.username || fields.email {
            Kind::Account
        } else if fields.entities {
            Kind::Listing
        } else {
            Kind::Other
        }
    }

    /// How an error names the kind it found.
    pub(crate) fn found(self) -> &'static str {
        match self {
            Kind::Subject => "a subject (it has `grants`)",
            Kind::User => "a user (it has `authorization`)",
            Kind::Authorization => "a user's `authorization` object (it has `roles` or `unusedRoles`)",
            Kind::Role => "a role (it has `permissionPolicies`, `policies` or `permissions`)",
            Kind::Nameless => "an object with role fields and no `name` or `id`",
            Kind::Terraform => "a Terraform JSON configuration (it has `resource`)",
            Kind::Account => "a user without `authorization` (it has `username` or `email`)",
            Kind::Listing => "a listing (it has `entities`)",
            Kind::Other => "an object with none of the fields that say what it is",
        }
    }
}

/// What the role reader reads.
pub(crate) const EXPECTED_ROLE: &str = "a role (an object with `permissionPolicies`, `policies` or `permissions`)";

/// What the subject reader reads.
pub(crate) const EXPECTED_SUBJECT: &str = "a subject (an object with `grants`)";

/// What the users reader reads.
pub(crate) const EXPECTED_USER: &str =
    "a user with `authorization` (`GET /api/v2/users/{id}?expand=authorization`) or that `authorization` object";

/// The error for an object of kind `found` where `expected` was to be read.
pub(crate) fn wrong_kind(path: &Path, expected: &'static str, found: Kind) -> JsonError {
    JsonError::WrongKind {
        path: path.to_string(),
        expected,
        found: found.found(),
    }
}

/// `Err` when an object with `fields` is not a role: a subject, a user (with
/// or without its expansion), a user's `authorization`, a listing, a
/// Terraform configuration (read as a document, never as an item), or an
/// object without any role field. (What is not an object is the role
/// reader's to report.)
pub(crate) fn check_role(fields: &Fields, path: &Path) -> Result<(), JsonError> {
    match Kind::of(fields) {
        Kind::Role | Kind::Nameless => Ok(()),
        kind => Err(wrong_kind(path, EXPECTED_ROLE, kind)),
    }
}

/// `Err` when an object with `fields`, which has no `grants`, is a document
/// of another kind the subject reader can name: a user, a user's
/// `authorization`, a role, a Terraform configuration. Others get the
/// reader's missing-field error.
pub(crate) fn check_subject(fields: &Fields, path: &Path) -> Result<(), JsonError> {
    match Kind::of(fields) {
        kind @ (Kind::User | Kind::Account | Kind::Authorization | Kind::Role | Kind::Nameless | Kind::Terraform) => {
            Err(wrong_kind(path, EXPECTED_SUBJECT, kind))
        }
        Kind::Subject | Kind::Listing | Kind::Other => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Kind {
        match check_document(text) {
            Ok(Top::Object(fields)) => Kind::of(&fields),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_fields_that_set_kinds_apart_decide() {
        assert_eq!(kind(r#"{"name": "r", "permissionPolicies": []}"#), Kind::Role);
        assert_eq!(kind(r#"{"id": "r", "permissions": null}"#), Kind::Role);
        assert_eq!(kind(r#"{"permissions": []}"#), Kind::Nameless);
        assert_eq!(kind(r#"{"name": "s", "grants": []}"#), Kind::Subject);
        assert_eq!(kind(r#"{"id": "u", "authorization": null}"#), Kind::User);
        assert_eq!(kind(r#"{"roles": [], "permissions": []}"#), Kind::Authorization);
        assert_eq!(kind(r#"{"id": "u", "username": "ana@example.com"}"#), Kind::Account);
        assert_eq!(kind(r#"{"entities": []}"#), Kind::Listing);
        assert_eq!(kind(r#"{"name": "my-frontend", "version": "1.0.0"}"#), Kind::Other);
        assert_eq!(kind(r#"{"resource": {}, "terraform": {}}"#), Kind::Terraform);
        assert_eq!(kind(r#"{"name": "r", "resource": 1, "permissions": []}"#), Kind::Role);
    }
}
