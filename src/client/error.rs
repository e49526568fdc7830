//! What went wrong with a read: [`ClientError`], and the endpoint it was
//! for: [`Endpoint`].

use core::fmt;
use std::time::Duration;

use crate::genesys::wire::ErrorBody;
use crate::genesys::{ForbiddenBody, JsonError};
use crate::text::Escaped;

/// A Platform API endpoint the client reads: the SDKs' operation name, its
/// method and its path template. What it requires is the operation's, from
/// the endpoint data ([`permgate::builtins::operation`](crate::builtins::operation)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The SDKs' operation name: `getAuthorizationRoles`.
    pub operation: &'static str,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path template: `/api/v2/authorization/roles`.
    pub path: &'static str,
}

impl Endpoint {
    /// The permissions the operation requires, as its docs list them
    /// (empty where it requires none, or where permgate does not know the
    /// operation).
    ///
    /// ```
    /// use permgate::client::Endpoint;
    ///
    /// assert_eq!(Endpoint::ROLES.requires(), ["authorization:role:view"]);
    /// assert_eq!(Endpoint::AUDIT_QUERY.requires(), ["audits:audit:view"]);
    /// assert_eq!(Endpoint::SUBJECT.requires(), ["authorization:grant:view"]);
    /// assert!(Endpoint::USERS_ME.requires().is_empty());
    /// assert!(Endpoint::SUBJECTS_ME.requires().is_empty());
    /// assert!(Endpoint::DIVISIONS.requires().is_empty());
    /// assert!(Endpoint::PERMISSIONS.requires().is_empty());
    /// assert!(Endpoint::ORGANIZATION.requires().is_empty());
    /// ```
    pub fn requires(&self) -> Vec<&'static str> {
        crate::builtins::operation(self.operation)
            .map(|operation| operation.requirement.permissions().iter().map(|p| p.key()).collect())
            .unwrap_or_default()
    }

    /// The OAuth token endpoint, `POST {login}/oauth/token` (not a Platform
    /// API operation: it requires no permission).
    pub const TOKEN: Endpoint = Endpoint::new("oauthToken", "POST", "/oauth/token");
    /// The caller's organization: `getOrganizationsMe` (no permission needed).
    pub const ORGANIZATION: Endpoint = Endpoint::new("getOrganizationsMe", "GET", "/api/v2/organizations/me");
    /// Roles: `getAuthorizationRoles`, paged.
    pub const ROLES: Endpoint = Endpoint::new("getAuthorizationRoles", "GET", "/api/v2/authorization/roles");
    /// The organization's permission catalog: `getAuthorizationPermissions`, paged.
    pub const PERMISSIONS: Endpoint = Endpoint::new(
        "getAuthorizationPermissions",
        "GET",
        "/api/v2/authorization/permissions",
    );
    /// Divisions: `getAuthorizationDivisions`, paged.
    pub const DIVISIONS: Endpoint =
        Endpoint::new("getAuthorizationDivisions", "GET", "/api/v2/authorization/divisions");
    /// Products: `getAuthorizationProducts`.
    pub const PRODUCTS: Endpoint = Endpoint::new("getAuthorizationProducts", "GET", "/api/v2/authorization/products");
    /// Users with their authorization: `getUsers` with `expand=authorization`, paged.
    pub const USERS: Endpoint = Endpoint::new("getUsers", "GET", "/api/v2/users");
    /// One user with its authorization: `getUser` with `expand=authorization`.
    pub const USER: Endpoint = Endpoint::new("getUser", "GET", "/api/v2/users/{userId}");
    /// The caller's own user with its authorization: `getUsersMe`.
    pub const USERS_ME: Endpoint = Endpoint::new("getUsersMe", "GET", "/api/v2/users/me");
    /// The caller's own grants: `getAuthorizationSubjectsMe`.
    pub const SUBJECTS_ME: Endpoint =
        Endpoint::new("getAuthorizationSubjectsMe", "GET", "/api/v2/authorization/subjects/me");
    /// A subject's grants: `getAuthorizationSubject`.
    pub const SUBJECT: Endpoint = Endpoint::new(
        "getAuthorizationSubject",
        "GET",
        "/api/v2/authorization/subjects/{subjectId}",
    );
    /// An audit query: `postAuditsQuery`.
    pub const AUDIT_QUERY: Endpoint = Endpoint::new("postAuditsQuery", "POST", "/api/v2/audits/query");
    /// An audit query's state: `getAuditsQueryTransactionId`.
    pub const AUDIT_STATUS: Endpoint = Endpoint::new(
        "getAuditsQueryTransactionId",
        "GET",
        "/api/v2/audits/query/{transactionId}",
    );
    /// An audit query's results: `getAuditsQueryTransactionIdResults`, paged by cursor.
    pub const AUDIT_RESULTS: Endpoint = Endpoint::new(
        "getAuditsQueryTransactionIdResults",
        "GET",
        "/api/v2/audits/query/{transactionId}/results",
    );

    const fn new(operation: &'static str, method: &'static str, path: &'static str) -> Self {
        Self {
            operation,
            method,
            path,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({} {})", self.operation, self.method, self.path)
    }
}

/// Why a read of the Platform API failed. Every variant names the
/// [`Endpoint`]; none holds a token or the client secret (the URLs the
/// client requests carry neither).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The read needs the OAuth client's token, and the client was built
    /// without client credentials.
    #[error("{endpoint}: the client has no OAuth client credentials to read with")]
    NoClientCredentials {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// The login host refused the client credentials (or answered the token
    /// request with something other than a token).
    #[error("{endpoint}: the login host refused the client credentials ({status}){}", describe(.body.as_deref()))]
    TokenRefused {
        /// [`Endpoint::TOKEN`].
        endpoint: Endpoint,
        /// The HTTP status.
        status: u16,
        /// The error body, when it read as one.
        body: Option<Box<ErrorBody>>,
    },
    /// `401`: the token was refused (the caller's token, or the client's
    /// after one fresh token was refused too).
    #[error("{endpoint}: the Platform API refused the token (401){}", describe(.body.as_deref()))]
    Unauthorized {
        /// The endpoint.
        endpoint: Endpoint,
        /// The error body, when it read as one.
        body: Option<Box<ErrorBody>>,
    },
    /// `403`: the token's roles lack a permission the read requires.
    #[error(
        "{endpoint}: the Platform API refused the read (403): it requires {}; the body names {}",
        permission_list(.requires),
        forbidden_list(.forbidden.as_deref())
    )]
    Forbidden {
        /// The endpoint.
        endpoint: Endpoint,
        /// What the operation requires, from the endpoint data
        /// ([`Endpoint::requires`]): the permission the OAuth client's role
        /// (or the caller) lacks is among these.
        requires: Vec<&'static str>,
        /// The 403 body, read for the permissions it names, when it reads.
        forbidden: Option<Box<ForbiddenBody>>,
        /// The error body as sent, when it read as one.
        body: Option<Box<ErrorBody>>,
    },
    /// `429` more times than the retries allow, or a `Retry-After` longer
    /// than the client waits.
    #[error("{endpoint}: rate limited (429){}", .retry_after.map(|d| format!(", retry after {} s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The endpoint.
        endpoint: Endpoint,
        /// The last `Retry-After`, when it had one.
        retry_after: Option<Duration>,
        /// The error body, when it read as one.
        body: Option<Box<ErrorBody>>,
    },
    /// Any other status that is not `2xx` (a `5xx` after the retries).
    #[error("{endpoint}: the Platform API answered {status}{}", describe(.body.as_deref()))]
    Status {
        /// The endpoint.
        endpoint: Endpoint,
        /// The HTTP status.
        status: u16,
        /// The error body, when it read as one.
        body: Option<Box<ErrorBody>>,
    },
    /// No answer in time, after the retries.
    #[error("{endpoint}: no answer within {} ms, {attempts} attempts", .timeout.as_millis())]
    Timeout {
        /// The endpoint.
        endpoint: Endpoint,
        /// The time allowed for each attempt.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The request could not be sent or its answer not received.
    #[error("{endpoint}: the request failed")]
    Transport {
        /// The endpoint.
        endpoint: Endpoint,
        /// What the HTTP stack said.
        #[source]
        source: reqwest::Error,
    },
    /// An answer larger than the client reads.
    #[error("{endpoint}: the answer is larger than {max} bytes")]
    TooLarge {
        /// The endpoint.
        endpoint: Endpoint,
        /// The limit ([`ClientBuilder::max_body_bytes`](super::ClientBuilder::max_body_bytes)).
        max: usize,
    },
    /// An answer that is not UTF-8 text.
    #[error("{endpoint}: the answer is not UTF-8")]
    NotText {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// An answer that does not read as the document the endpoint sends.
    #[error("{endpoint}: the answer does not read: {error}")]
    Unreadable {
        /// The endpoint.
        endpoint: Endpoint,
        /// What is wrong, and where (the JSON path; in the message too, so
        /// not a [`source`](std::error::Error::source)).
        error: Box<JsonError>,
    },
    /// A `nextUri` (or an audit `cursor`) already followed: the pages loop.
    #[error("{endpoint}: page {page} leads back to `{}`, already read: the pages loop", Escaped(.next))]
    PageLoop {
        /// The endpoint.
        endpoint: Endpoint,
        /// The page (from 1) whose link loops.
        page: usize,
        /// The link.
        next: String,
    },
    /// More pages than the client reads
    /// ([`ClientBuilder::max_pages`](super::ClientBuilder::max_pages)), by
    /// `pageCount` or by following the links.
    #[error("{endpoint}: more than {max} pages")]
    TooManyPages {
        /// The endpoint.
        endpoint: Endpoint,
        /// The limit.
        max: usize,
    },
    /// A `nextUri` that leaves the Platform API's host (or is not a URL):
    /// never followed, since the token would go with it.
    #[error("{endpoint}: page {page} links to `{}`, not on the Platform API's host", Escaped(.next))]
    ForeignLink {
        /// The endpoint.
        endpoint: Endpoint,
        /// The page (from 1) with the link.
        page: usize,
        /// The link.
        next: String,
    },
    /// An audit query that ended other than `Succeeded`, or did not end in
    /// the polls allowed.
    #[error("{endpoint}: the audit query `{}` {}", Escaped(.transaction), match .state { Some(state) => format!("ended `{}`", Escaped(state)), None => String::from("did not finish in time") })]
    AuditQuery {
        /// [`Endpoint::AUDIT_STATUS`].
        endpoint: Endpoint,
        /// The transaction id.
        transaction: String,
        /// Its last state, when it ended; `None` when it was still running.
        state: Option<String>,
    },
}

impl ClientError {
    /// The endpoint of the read that failed.
    pub fn endpoint(&self) -> Endpoint {
        match self {
            ClientError::NoClientCredentials { endpoint }
            | ClientError::TokenRefused { endpoint, .. }
            | ClientError::Unauthorized { endpoint, .. }
            | ClientError::Forbidden { endpoint, .. }
            | ClientError::RateLimited { endpoint, .. }
            | ClientError::Status { endpoint, .. }
            | ClientError::Timeout { endpoint, .. }
            | ClientError::Transport { endpoint, .. }
            | ClientError::TooLarge { endpoint, .. }
            | ClientError::NotText { endpoint }
            | ClientError::Unreadable { endpoint, .. }
            | ClientError::PageLoop { endpoint, .. }
            | ClientError::TooManyPages { endpoint, .. }
            | ClientError::ForeignLink { endpoint, .. }
            | ClientError::AuditQuery { endpoint, .. } => *endpoint,
        }
    }

    /// The Genesys error body of a refused read, when it had one.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            ClientError::TokenRefused { body, .. }
            | ClientError::Unauthorized { body, .. }
            | ClientError::Forbidden { body, .. }
            | ClientError::RateLimited { body, .. }
            | ClientError::Status { body, .. } => body.as_deref(),
            _ => None,
        }
    }
}

/// `: {code}: {message}` of a body, when it has them.
fn describe(body: Option<&ErrorBody>) -> String {
    let Some(body) = body else {
        return String::new();
    };
    match (&body.code, &body.message) {
        (Some(code), Some(message)) => format!(": `{}`: {}", Escaped(code), Escaped(message)),
        (Some(code), None) => format!(": `{}`", Escaped(code)),
        (None, Some(message)) => format!(": {}", Escaped(message)),
        (None, None) => String::new(),
    }
}

fn permission_list(permissions: &[&str]) -> String {
    if permissions.is_empty() {
        return String::from("no permission by its docs");
    }
    let keys: Vec<String> = permissions.iter().map(|key| format!("`{key}`")).collect();
    keys.join(", ")
}

fn forbidden_list(body: Option<&ForbiddenBody>) -> String {
    let Some(body) = body else {
        return String::from("none");
    };
    let mut keys: Vec<String> = body.missing.iter().map(|m| format!("`{}`", Escaped(&m.key))).collect();
    for set in &body.any_of {
        let any: Vec<String> = set.iter().map(|m| format!("`{}`", Escaped(&m.key))).collect();
        keys.push(format!("one of {}", any.join(", ")));
    }
    if keys.is_empty() {
        String::from("none")
    } else {
        keys.join(", ")
    }
}
