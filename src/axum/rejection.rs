//! Refusals in the Platform API's shape ([`Rejection`]) and the request id
//! each one carries ([`ContextId`]).

use std::convert::Infallible;
use std::sync::Arc;

use ::axum::extract::FromRequestParts;
use ::axum::http::request::Parts;
use ::axum::http::{HeaderName, HeaderValue, StatusCode, header};
use ::axum::response::{IntoResponse, Response};

use crate::genesys::wire::ErrorBody;
use crate::genesys::{self, forbidden_error_body, missing_keys_error_body, missing_permissions_error_body};
use crate::parse::DivisionError;
use crate::{Denied, Permission, text::Escaped};

/// The Platform API's correlation header: read first, and set on every refusal.
const CORRELATION_HEADER: &str = "inin-correlation-id";

/// The id of one request, written as the `contextId` of every refusal (and
/// in the `inin-correlation-id` header of its response), so that a caller's
/// report can be matched with the service's logs.
///
/// Read from the request's [`inin-correlation-id`](ContextId::HEADERS)
/// header (the Platform API's own correlation header, whose value its error
/// bodies carry as `contextId`), else from `x-request-id` (what request-id
/// middleware such as `tower-http`'s sets), when the value is 1 to
/// [`MAX_LEN`](ContextId::MAX_LEN) bytes of visible ASCII (`!` to `~`: no
/// space, no control character); otherwise a random UUID v4 is generated.
/// Either way it is kept in the request's extensions, so every extractor
/// and the handler see the same id. It is an extractor too.
///
/// ```
/// use axum::http::Request;
/// use permgate::axum::ContextId;
///
/// let (mut parts, ()) = Request::builder().header("inin-correlation-id", "c-42").body(()).unwrap().into_parts();
/// assert_eq!(ContextId::of(&mut parts).as_str(), "c-42");
///
/// // Not an id: one is generated, then kept.
/// let (mut parts, ()) = Request::builder().header("x-request-id", "two words").body(()).unwrap().into_parts();
/// let generated = ContextId::of(&mut parts);
/// assert_eq!(generated.as_str().len(), 36);
/// assert_eq!(ContextId::of(&mut parts), generated);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextId(Arc<str>);

impl ContextId {
    /// The request headers read, in order.
    pub const HEADERS: [&'static str; 2] = [CORRELATION_HEADER, "x-request-id"];

    /// The longest id taken from a request, in bytes.
    pub const MAX_LEN: usize = 128;

    /// The request's id: the one already found for this request, else the
    /// first of [`HEADERS`](Self::HEADERS) that holds a valid id, else a
    /// generated one; kept in `parts.extensions`.
    pub fn of(parts: &mut Parts) -> ContextId {
        if let Some(id) = parts.extensions.get::<ContextId>() {
            return id.clone();
        }
        let id = Self::HEADERS
            .iter()
            .find_map(|name| parts.headers.get(*name).and_then(|value| Self::parse(value.as_bytes())))
            .unwrap_or_else(Self::generate);
        parts.extensions.insert(id.clone());
        id
    }

    /// `value` as a request id, when it is 1 to [`MAX_LEN`](Self::MAX_LEN)
    /// bytes of visible ASCII.
    pub fn parse(value: &[u8]) -> Option<ContextId> {
        let valid = !value.is_empty() && value.len() <= Self::MAX_LEN && value.iter().all(u8::is_ascii_graphic);
        let text = core::str::from_utf8(value).ok().filter(|_| valid)?;
        Some(ContextId(Arc::from(text)))
    }

    /// A new random id (UUID v4).
    pub fn generate() -> ContextId {
        ContextId(Arc::from(uuid::Uuid::new_v4().to_string()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for ContextId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ContextId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ContextId::of(parts))
    }
}

/// Why a request was refused: a status and the Platform API's `ErrorBody`
/// (`status`, `code`, `message`, `messageWithParams`, `messageParams`,
/// `contextId`, `details`, `errors`), answered as `application/json`.
///
/// | constructor | status | `code` |
/// | --- | --- | --- |
/// | [`unauthenticated`](Self::unauthenticated) | 401 | `authentication.required` |
/// | [`bad_credentials`](Self::bad_credentials) | 401 | `bad.credentials` |
/// | [`denied`](Self::denied) | 403 | `missing.permissions`, `missing.any.permissions` (or `gate.refused`) |
/// | [`missing`](Self::missing), [`condition_unmet`](Self::condition_unmet) | 403 | `missing.permissions` |
/// | [`unknown`](Self::unknown) | 403 | `not.authorized` |
/// | [`bad_request`](Self::bad_request), [`bad_division`](Self::bad_division) | 400 | `bad.request` |
/// | [`unavailable`](Self::unavailable) | 503 | `service.unavailable` |
/// | [`new`](Self::new) | any | any |
///
/// The extractors write the request's [`ContextId`] into the body of every
/// rejection they return (keeping one the resolver set); a rejection built
/// by a handler takes it with [`with_context_id`](Self::with_context_id) (the
/// [`Caller`](super::Caller) methods do it), and one answered without an id
/// gets a generated one. The response carries the id in its
/// `inin-correlation-id` header too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: StatusCode,
    /// Boxed: a `Result<_, Rejection>` stays small on the success path.
    body: Box<ErrorBody>,
}

impl Rejection {
    /// A refusal with `status` and `body` of the service's choosing (its
    /// `status` field is set to `status`), for what the other constructors
    /// do not name.
    pub fn new(status: StatusCode, mut body: ErrorBody) -> Self {
        body.status = Some(status.as_u16());
        Self {
            status,
            body: Box::new(body),
        }
    }

    fn error(status: StatusCode, code: &str, message: &str) -> Self {
        Self::new(status, genesys::error_body(status.as_u16(), code, message, None))
    }

    /// `401` `authentication.required`: the request names nobody (no token,
    /// no session). `message` says what was missing, in the service's words;
    /// the platform's own is [`genesys::AUTHENTICATION_REQUIRED_MESSAGE`].
    pub fn unauthenticated(message: &str) -> Self {
        Self::error(StatusCode::UNAUTHORIZED, genesys::AUTHENTICATION_REQUIRED, message)
    }

    /// `401` `bad.credentials`: the request names someone with credentials
    /// the service does not accept (a token that does not verify, or that
    /// the Platform API refused). The platform's own message is
    /// [`genesys::BAD_CREDENTIALS_MESSAGE`]. Never put the token in `message`.
    pub fn bad_credentials(message: &str) -> Self {
        Self::error(StatusCode::UNAUTHORIZED, genesys::BAD_CREDENTIALS, message)
    }

    /// `403` `not.authorized`: the policy holds no principal of that name
    /// (the message quotes it, escaped).
    pub fn unknown(name: &str) -> Self {
        Self::error(
            StatusCode::FORBIDDEN,
            genesys::NOT_AUTHORIZED,
            &format!("unknown principal `{}`", Escaped(name)),
        )
    }

    /// `400` `bad.request`: the request cannot be read.
    pub fn bad_request(message: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, genesys::BAD_REQUEST, message)
    }

    /// `400` `bad.request` for a division id the request gave and
    /// [`Division::parse`](crate::Division::parse) refused: never read as
    /// every division. `From<DivisionError>` does the same, for `?`.
    pub fn bad_division(error: &DivisionError) -> Self {
        Self::bad_request(&format!("not a division id: {error}"))
    }

    /// `503` `service.unavailable`: the service cannot decide now (the
    /// caller's authorization or the policy could not be loaded). Not a
    /// denial: retrying may succeed.
    pub fn unavailable(message: &str) -> Self {
        Self::error(StatusCode::SERVICE_UNAVAILABLE, genesys::SERVICE_UNAVAILABLE, message)
    }

    /// `403` with the body Genesys Cloud returns for what `denied` lists
    /// ([`genesys::forbidden_error_body`]).
    pub fn denied(denied: &Denied) -> Self {
        Self::new(StatusCode::FORBIDDEN, forbidden_error_body(denied, None))
    }

    /// `403` `missing.permissions` naming `permissions`: the body the
    /// platform returns when a call needs them.
    pub fn missing(permissions: &[Permission<'_>]) -> Self {
        Self::new(StatusCode::FORBIDDEN, missing_permissions_error_body(permissions, None))
    }

    /// `403` for a permission granted under conditions
    /// ([`Decision::AllowedIf`](crate::Decision::AllowedIf)) none of which
    /// holds for the resource the handler evaluated them against.
    ///
    /// The body is the platform's for a missing permission,
    /// `missing.permissions` naming `permission` (with its label): for this
    /// resource the caller does not have it, and that is what the platform
    /// itself answers when a grant does not reach a resource. Nothing about
    /// the conditions is written (they describe the caller's roles, which
    /// the caller may not be allowed to read); log them if needed.
    ///
    /// ```
    /// use permgate::{axum::Rejection, perm};
    ///
    /// let refusal = Rejection::condition_unmet(perm::routing::QUEUE_EDIT);
    /// assert_eq!(refusal.status(), 403);
    /// assert_eq!(refusal.body().code.as_deref(), Some("missing.permissions"));
    /// assert!(refusal.body().message.as_deref().unwrap_or_default().contains("[routing:queue:edit]"));
    /// ```
    pub fn condition_unmet(permission: Permission<'_>) -> Self {
        Self::missing(&[permission])
    }

    /// `403` `missing.permissions` for keys only, without labels (a key no
    /// catalog knows).
    pub(crate) fn missing_keys(keys: &[&str]) -> Self {
        Self::new(StatusCode::FORBIDDEN, missing_keys_error_body(keys, None))
    }

    /// `500` `internal.server.error`: the service itself is at fault (it
    /// required a permission string that is no permission). Not a denial.
    pub(crate) fn internal(message: &str) -> Self {
        Self::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            genesys::INTERNAL_SERVER_ERROR,
            message,
        )
    }

    /// The refusal with `id` as its `contextId` (and its nested bodies').
    #[must_use]
    pub fn with_context_id(mut self, id: &ContextId) -> Self {
        fn set(body: &mut ErrorBody, id: &str) {
            body.context_id = Some(id.to_owned());
            for nested in body.errors.iter_mut().flatten() {
                set(nested, id);
            }
        }
        set(&mut self.body, id.as_str());
        self
    }

    /// The refusal with `id` as its `contextId` unless it has one.
    pub(crate) fn or_context_id(self, id: &ContextId) -> Self {
        if self.body.context_id.is_some() {
            self
        } else {
            self.with_context_id(id)
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// The body's `contextId`, once set.
    pub fn context_id(&self) -> Option<&str> {
        self.body.context_id.as_deref()
    }

    /// The body as JSON text.
    pub fn to_json(&self) -> String {
        // Strings, numbers, lists and string-keyed maps: always serializable.
        serde_json::to_string(&*self.body).unwrap_or_else(|_| String::from("{}"))
    }
}

impl From<DivisionError> for Rejection {
    fn from(error: DivisionError) -> Self {
        Self::bad_division(&error)
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let rejection = if self.body.context_id.is_some() {
            self
        } else {
            self.with_context_id(&ContextId::generate())
        };
        let mut response = (
            rejection.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            rejection.to_json(),
        )
            .into_response();
        // Ids are visible ASCII (read and checked, or generated); one set by
        // a service that is not is left out of the header, kept in the body.
        if let Some(value) = rejection.context_id().and_then(|id| HeaderValue::from_str(id).ok()) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(CORRELATION_HEADER), value);
        }
        response
    }
}
