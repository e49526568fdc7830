//! The Platform API's listings that have no reader of their own elsewhere:
//! the paging fields every `*EntityListing` shares ([`paging`]), users with
//! their authorization in bulk ([`UserAuthorization::parse_listing`]),
//! divisions ([`divisions`]), products ([`products`]) and the audit query's
//! answers ([`audit_status`], [`audit_results`]).
//!
//! Each reader takes one page as the API answers it and refuses another
//! kind of document ([`JsonError::WrongKind`]): a page of roles read as
//! divisions would otherwise list every role as a division.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::JsonError;
use crate::json::{self, Outline, Path, Top};
use crate::kind::{self, Kind};
use crate::users::UserAuthorization;
use crate::wire::{
    AuditQueryExecutionResultsResponse, AuditQueryExecutionStatusResponse, AuthzDivision, DomainOrganizationProduct,
    Paging,
};

/// The most entities one page of a listing may hold: the Platform API
/// pages at 500 at most; a page this large is not an answer of its.
pub const MAX_ENTITIES_PER_PAGE: usize = 100_000;

/// The paging fields of one page of any Platform API listing
/// (`pageNumber`, `pageSize`, `pageCount`, `total`, `nextUri`, and an audit
/// result's `cursor`), the rest of the page unread.
///
/// ```
/// use permgate::genesys::listings;
///
/// let page = listings::paging(r#"{"entities": [], "pageNumber": 1, "pageCount": 3,
///   "nextUri": "/api/v2/authorization/roles?pageSize=25&pageNumber=2"}"#)?;
/// assert_eq!((page.page_number, page.page_count), (Some(1), Some(3)));
/// assert_eq!(page.next_uri.as_deref(), Some("/api/v2/authorization/roles?pageSize=25&pageNumber=2"));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// Too large, not JSON, not an object, or a paging field of the wrong type.
pub fn paging(text: &str) -> Result<Paging, JsonError> {
    json::typed(text)
}

/// The entities of the listing `text` (an object with `entities`), each
/// checked: one whose fields say it is of a kind in `refuse` is
/// [`JsonError::WrongKind`] at its path, expected `expected`.
fn entities<'a>(
    text: &'a str,
    expected: &'static str,
    refuse: fn(Kind) -> bool,
) -> Result<Vec<&'a RawValue>, JsonError> {
    entities_within(text, expected, refuse, Limits::PAGE)
}

/// How large a listing may be: its text and its entities.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) bytes: usize,
    pub(crate) entities: usize,
}

impl Limits {
    /// One page as the API answers it.
    pub(crate) const PAGE: Limits = Limits {
        bytes: crate::MAX_JSON_BYTES,
        entities: MAX_ENTITIES_PER_PAGE,
    };
}

/// [`entities`] within `limits`.
pub(crate) fn entities_within<'a>(
    text: &'a str,
    expected: &'static str,
    refuse: fn(Kind) -> bool,
    limits: Limits,
) -> Result<Vec<&'a RawValue>, JsonError> {
    let root = Path::root();
    let listing = root.field("entities");
    let items = match json::check_document_within(text, limits.bytes)? {
        Top::Object(fields) if fields.entities => {
            match json::outline_within(text, "entities", limits.entities, limits.bytes)? {
                Outline::Listing(items) => match *items {
                    Outline::Array(items) => items,
                    other => return Err(json::wrong_kind(&listing, "an array", other.kind())),
                },
                other => return Err(json::wrong_kind(&root, "a listing", other.kind())),
            }
        }
        Top::Object(fields) => {
            return Err(match Kind::of(&fields) {
                Kind::Other => json::missing(&root, "entities"),
                kind => kind::wrong_kind(&root, expected, kind),
            });
        }
        Top::Array => return Err(json::wrong_kind(&root, "a listing", "an array")),
        Top::Other(found) => return Err(json::wrong_kind(&root, "a listing", found)),
    };
    json::at_most(items.len(), limits.entities, &listing)?;
    for (n, raw) in items.iter().enumerate() {
        let path = listing.index(n);
        if let Top::Object(fields) = json::check_item(raw, &path)? {
            let kind = Kind::of(&fields);
            if refuse(kind) {
                return Err(kind::wrong_kind(&path, expected, kind));
            }
        }
    }
    Ok(items)
}

/// Reads each of `items` as `T`, at `$.entities[n]`.
fn read_all<T: DeserializeOwned>(items: &[&RawValue]) -> Result<Vec<T>, JsonError> {
    let root = Path::root();
    let listing = root.field("entities");
    items
        .iter()
        .enumerate()
        .map(|(n, raw)| json::read_item(raw, &listing.index(n)))
        .collect()
}

/// The pages of one listing, as the API sent them, merged into one listing
/// of the same model: `entities` holds every page's entities in page order,
/// each as the API wrote it; `pageNumber` and `pageCount` are 1, `total`
/// and `pageSize` the number of entities, and there is no `nextUri` (the
/// pages' other fields, their links among them, are not kept).
///
/// ```
/// use permgate::genesys::listings;
///
/// let pages = [
///     r#"{"entities": [{"id": "d-1", "name": "Home"}], "pageNumber": 1, "pageCount": 2, "nextUri": "/x?pageNumber=2"}"#,
///     r#"{"entities": [{"id": "d-2", "name": "East"}], "pageNumber": 2, "pageCount": 2}"#,
/// ];
/// let merged = listings::merge(&pages)?;
/// assert_eq!(
///     merged,
///     r#"{"entities":[{"id": "d-1", "name": "Home"},{"id": "d-2", "name": "East"}],"pageSize":2,"pageNumber":1,"total":2,"pageCount":1}"#
/// );
/// assert_eq!(listings::divisions(&merged)?.len(), 2);
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// A page that is too large, not JSON, not a listing (an object with an
/// `entities` array), or with more than [`MAX_ENTITIES_PER_PAGE`]
/// entities: [`JsonError::Invalid`] at `$[n]` for page `n` (from 0), the
/// page's own error in its message.
pub fn merge<S: AsRef<str>>(pages: &[S]) -> Result<String, JsonError> {
    let root = Path::root();
    let mut all: Vec<&RawValue> = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let items = entities(page.as_ref(), "a listing", |_| false)
            .map_err(|error| json::invalid(&root.index(n), format!("page {}: {error}", n + 1)))?;
        all.extend(items);
    }
    let count = all.len();
    let mut merged = String::with_capacity(all.iter().map(|raw| raw.get().len() + 1).sum::<usize>() + 96);
    merged.push_str(r#"{"entities":["#);
    for (n, raw) in all.iter().enumerate() {
        if n > 0 {
            merged.push(',');
        }
        merged.push_str(raw.get());
    }
    merged.push_str(&format!(
        r#"],"pageSize":{count},"pageNumber":1,"total":{count},"pageCount":1}}"#
    ));
    Ok(merged)
}

/// A kind that is a document the Platform API's authorization readers
/// read: never a division, a product or an audit message.
pub(crate) fn is_authorization_document(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Subject
            | Kind::User
            | Kind::Authorization
            | Kind::Role
            | Kind::Nameless
            | Kind::Terraform
            | Kind::Account
    )
}

const EXPECTED_DIVISION: &str = "a division (`AuthzDivision`: `id` and `name`, no role or user fields)";
const EXPECTED_PRODUCT: &str = "a product (`DomainOrganizationProduct`: an `id`, no role or user fields)";
const EXPECTED_AUDIT: &str = "an audit message (`AuditLogMessage`, no role or user fields)";

/// The divisions of one page of `GET /api/v2/authorization/divisions`
/// (the SDK's `AuthzDivisionEntityListing` of `AuthzDivision`), in page
/// order; each has its `id` and `name`.
///
/// ```
/// use permgate::genesys::listings;
///
/// let page = r#"{"entities": [{"id": "d-1", "name": "Home", "homeDivision": true},
///   {"id": "d-2", "name": "East", "description": "East coast"}], "pageCount": 1}"#;
/// let divisions = listings::divisions(page)?;
/// assert_eq!(divisions[1].id, "d-2");
/// assert_eq!(divisions[0].home_division, Some(true));
/// // A page of roles is not a page of divisions.
/// assert!(listings::divisions(r#"{"entities": [{"id": "r-1", "name": "agent", "permissionPolicies": []}]}"#).is_err());
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// Too large, not JSON, not a listing, an entity of another kind (a role, a
/// user, a subject), or a division without `id` or `name`.
pub fn divisions(text: &str) -> Result<Vec<AuthzDivision>, JsonError> {
    let items = entities(text, EXPECTED_DIVISION, is_authorization_document)?;
    let divisions: Vec<AuthzDivision> = read_all(&items)?;
    let root = Path::root();
    let listing = root.field("entities");
    for (n, division) in divisions.iter().enumerate() {
        if division.name.is_none() {
            return Err(json::missing(&listing.index(n), "name"));
        }
    }
    Ok(divisions)
}

/// The product ids of one page of `GET /api/v2/authorization/products`
/// (the SDK's `OrganizationProductEntityListing` of
/// `DomainOrganizationProduct`), in page order.
///
/// ```
/// use permgate::genesys::listings;
///
/// let page = r#"{"entities": [{"id": "engage"}, {"id": "botFlows"}], "pageSize": 25, "pageNumber": 1}"#;
/// let products = listings::products(page)?;
/// assert_eq!(products.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["engage", "botFlows"]);
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// Too large, not JSON, not a listing, an entity of another kind, or a
/// product without its `id`.
pub fn products(text: &str) -> Result<Vec<DomainOrganizationProduct>, JsonError> {
    let items = entities(text, EXPECTED_PRODUCT, is_authorization_document)?;
    read_all(&items)
}

/// The answer to `POST /api/v2/audits/query` and
/// `GET /api/v2/audits/query/{transactionId}`: the SDK's
/// `AuditQueryExecutionStatusResponse`, with its `id` and `state`.
///
/// ```
/// use permgate::genesys::listings;
///
/// let status = listings::audit_status(r#"{"id": "tx-1", "state": "Running", "serviceName": "PeoplePermissions"}"#)?;
/// assert_eq!((status.id.as_str(), status.state.as_str()), ("tx-1", "Running"));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// Too large, not JSON, not an object, a listing or another kind of
/// document, or without `id` or `state`.
pub fn audit_status(text: &str) -> Result<AuditQueryExecutionStatusResponse, JsonError> {
    let root = Path::root();
    match json::check_document(text)? {
        Top::Object(fields) => {
            let kind = Kind::of(&fields);
            if is_authorization_document(kind) || kind == Kind::Listing {
                return Err(kind::wrong_kind(
                    &root,
                    "an audit query's status (`id` and `state`)",
                    kind,
                ));
            }
        }
        Top::Array => return Err(json::wrong_kind(&root, "an object", "an array")),
        Top::Other(found) => return Err(json::wrong_kind(&root, "an object", found)),
    }
    json::read_document(text)
}

/// One page of `GET /api/v2/audits/query/{transactionId}/results`: the
/// SDK's `AuditQueryExecutionResultsResponse` of `AuditLogMessage`, with its
/// `cursor` to the next page (absent on the last).
///
/// ```
/// use permgate::genesys::listings;
///
/// let page = listings::audit_results(r#"{"id": "tx-1", "pageSize": 25, "cursor": "c-2", "entities": [
///   {"id": "a-1", "serviceName": "PeoplePermissions", "action": "Update", "entityType": "Role",
///    "entity": {"id": "r-1", "name": "agent"}, "eventDate": "2026-12-01T10:00:00Z"}]}"#)?;
/// assert_eq!(page.cursor.as_deref(), Some("c-2"));
/// let change = &page.entities[0];
/// assert_eq!((change.entity_type.as_deref(), change.entity.as_ref().map(|e| e.id.as_str())), (Some("Role"), Some("r-1")));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// Too large, not JSON, not a listing, an entity of another kind, or a
/// message of the wrong shape.
pub fn audit_results(text: &str) -> Result<AuditQueryExecutionResultsResponse, JsonError> {
    entities(text, EXPECTED_AUDIT, is_authorization_document)?;
    json::read_document(text)
}

impl UserAuthorization {
    /// The users of one page of `GET /api/v2/users?expand=authorization`
    /// (the SDK's `UserEntityListing` of `User`), each read as
    /// [`UserAuthorization::parse`] reads one, in page order.
    ///
    /// The page is all or nothing: a user without its `authorization`
    /// ([`JsonError::NotExpanded`]: the expand is best effort) fails it,
    /// since what that user may do is unknown.
    ///
    /// ```
    /// use permgate::genesys::UserAuthorization;
    ///
    /// let page = r#"{"entities": [
    ///   {"id": "u-1", "authorization": {"permissions": ["routing:queue:view"]}},
    ///   {"id": "u-2", "authorization": {"permissions": ["routing:queue:join:d-east"]}}], "pageCount": 1}"#;
    /// let users = UserAuthorization::parse_listing(page)?;
    /// assert_eq!(users[1].id.as_deref(), Some("u-2"));
    /// assert!(UserAuthorization::parse_listing(r#"{"entities": [{"id": "u-3", "username": "x@example.com"}]}"#).is_err());
    /// # Ok::<(), permgate::genesys::JsonError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Too large, not JSON, not a listing, an entity that is not a user with
    /// `authorization` (a role, a subject, a user without the expansion), or
    /// a problem inside one, at its JSON path.
    pub fn parse_listing(text: &str) -> Result<Vec<UserAuthorization>, JsonError> {
        Self::parse_listing_within(text, Limits::PAGE)
    }

    /// [`parse_listing`](Self::parse_listing) within `limits`.
    pub(crate) fn parse_listing_within(text: &str, limits: Limits) -> Result<Vec<UserAuthorization>, JsonError> {
        let items = entities_within(
            text,
            kind::EXPECTED_USER,
            |kind| !matches!(kind, Kind::User | Kind::Account | Kind::Other),
            limits,
        )?;
        let root = Path::root();
        let listing = root.field("entities");
        items
            .iter()
            .enumerate()
            .map(|(n, raw)| UserAuthorization::from_user_item(raw, &listing.index(n)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE_PAGE: &str =
        r#"{"entities": [{"id": "r-1", "name": "agent", "permissionPolicies": []}], "pageCount": 1}"#;
    const USER_PAGE: &str =
        r#"{"entities": [{"id": "u-1", "authorization": {"permissions": ["routing:queue:view"]}}]}"#;
    const SUBJECT: &str = r#"{"id": "u-1", "grants": []}"#;

    fn wrong_kind(result: Result<impl core::fmt::Debug, JsonError>) -> String {
        match result {
            Err(JsonError::WrongKind { path, .. }) => path,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_reader_refuses_the_others_documents() {
        assert_eq!(wrong_kind(divisions(ROLE_PAGE)), "$.entities[0]");
        assert_eq!(wrong_kind(divisions(USER_PAGE)), "$.entities[0]");
        assert_eq!(wrong_kind(products(ROLE_PAGE)), "$.entities[0]");
        assert_eq!(wrong_kind(audit_results(USER_PAGE)), "$.entities[0]");
        assert_eq!(wrong_kind(UserAuthorization::parse_listing(ROLE_PAGE)), "$.entities[0]");
        assert_eq!(wrong_kind(divisions(SUBJECT)), "$");
        assert_eq!(wrong_kind(audit_status(SUBJECT)), "$");
        assert_eq!(wrong_kind(audit_status(ROLE_PAGE)), "$");
        // Not a listing at all.
        assert!(matches!(divisions("[]"), Err(JsonError::WrongType { .. })));
        assert!(matches!(
            products(r#"{"pageCount": 1}"#),
            Err(JsonError::MissingField { field: "entities", .. })
        ));
        assert!(matches!(
            divisions(r#"{"entities": {}}"#),
            Err(JsonError::WrongType { .. })
        ));
    }

    #[test]
    fn a_division_needs_its_id_and_name_and_a_product_its_id() {
        let no_name = r#"{"entities": [{"id": "d-1"}]}"#;
        assert!(matches!(
            divisions(no_name),
            Err(JsonError::MissingField { field: "name", .. })
        ));
        let no_id = r#"{"entities": [{"name": "Home"}]}"#;
        assert!(matches!(
            divisions(no_id),
            Err(JsonError::MissingField { field: "id", .. })
        ));
        assert!(matches!(
            products(r#"{"entities": [{}]}"#),
            Err(JsonError::MissingField { field: "id", .. })
        ));
        assert_eq!(divisions(r#"{"entities": []}"#), Ok(Vec::new()));
    }

    #[test]
    fn a_user_listing_is_all_or_nothing() {
        let one_not_expanded = r#"{"entities": [
            {"id": "u-1", "authorization": {"permissions": ["routing:queue:view"]}},
            {"id": "u-2", "username": "b@example.com"}]}"#;
        match UserAuthorization::parse_listing(one_not_expanded) {
            Err(JsonError::NotExpanded { path, field }) => {
                assert_eq!((path.as_str(), field), ("$.entities[1]", "authorization"));
            }
            other => panic!("{other:?}"),
        }
        let bad_permission = r#"{"entities": [{"id": "u-1", "authorization": {"permissions": ["routing:queue:*x"]}}]}"#;
        let error = UserAuthorization::parse_listing(bad_permission).unwrap_err();
        assert!(
            error
                .path()
                .is_some_and(|p| p.starts_with("$.entities[0].authorization.permissions[0]")),
            "{error:?}"
        );
        let users = UserAuthorization::parse_listing(USER_PAGE).unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].permissions[0].key(), "routing:queue:view");
    }

    #[test]
    fn paging_and_audit_status_need_their_types() {
        assert_eq!(paging(r#"{"pageCount": "3"}"#).unwrap_err().path(), Some("$.pageCount"));
        assert_eq!(paging(r#"{"nextUri": 7}"#).unwrap_err().path(), Some("$.nextUri"));
        assert_eq!(paging(r#"{"pageCount": -1}"#).unwrap_err().path(), Some("$.pageCount"));
        let error = audit_status(r#"{"id": "tx"}"#).unwrap_err();
        assert!(error.to_string().contains("`state`"), "{error}");
        let page = paging(r#"{"entities": [1, 2], "cursor": "c"}"#).unwrap();
        assert_eq!(page.cursor.as_deref(), Some("c"));
        assert_eq!(page.next_uri, None);
    }
}
