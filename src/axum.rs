//! axum extractors (feature `axum`): a handler takes the proof that the
//! caller passed a gate, [`Authorized<G>`], or the caller itself, [`Caller`],
//! to ask about single permissions; the principal comes from the request
//! through a [`Resolve`] the service implements, against the
//! [`PolicyHandle`] in the router's state ([`Authz`]).
//!
//! Rejections ([`Rejection`]): `401` when the request names nobody, `403`
//! with the body Genesys Cloud returns for a missing permission
//! ([`crate::genesys::forbidden_body`]) for a denial, `403`
//! for a principal the policy does not hold, `400` for a request the
//! resolver cannot read. A denial is never a `500`.
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::{Router, http::request::Parts, routing::get};
//! use permgate::axum::{Authorized, Authz, Caller, Rejection, Resolve};
//! use permgate::{Catalog, Division, Policy, PolicyHandle, Principal, gates::ActionMapEditor, perm};
//!
//! /// The user from a header (a real service reads its session or a verified token).
//! struct FromHeader;
//!
//! impl Resolve for FromHeader {
//!     fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection> {
//!         let name = parts.headers.get("x-user-id").ok_or_else(|| Rejection::unauthenticated("no user"))?;
//!         let name = name.to_str().map_err(|_| Rejection::bad_request("unreadable user"))?;
//!         let user = policy.user(name).ok_or_else(|| Rejection::unknown(name))?;
//!         Ok(user.into())
//!     }
//! }
//!
//! async fn save(auth: Authorized<ActionMapEditor>) -> &'static str {
//!     let _proof = auth.granted; // pass it on to code that requires it
//!     "saved"
//! }
//!
//! async fn queues(caller: Caller) -> Result<&'static str, Rejection> {
//!     caller.require(perm::routing::QUEUE_VIEW)?;
//!     Ok("queues")
//! }
//!
//! # fn main() -> Result<(), permgate::BuildError> {
//! let mut builder = Policy::builder(Catalog::builtin());
//! let designer = builder.add_role("designer", ["journey:actionmap:*", "routing:queue:view"])?;
//! builder.add_user("ana", [(designer, Division::All)])?;
//! let authz = Authz::new(Arc::new(PolicyHandle::new(builder.build())), FromHeader);
//! let app: Router = Router::new()
//!     .route("/action-maps", get(save))
//!     .route("/queues", get(queues))
//!     .with_state(authz);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;

use ::axum::extract::{FromRef, FromRequestParts};
use ::axum::http::request::Parts;
use ::axum::http::{StatusCode, header};
use ::axum::response::{IntoResponse, Response};

use crate::genesys::forbidden_body;
use crate::{Decision, Denied, Gate, Granted, Permission, Policy, PolicyHandle, Principal, text::Escaped};

/// Finds who a request is from, in the policy it is decided against.
pub trait Resolve: Send + Sync + 'static {
    /// The request's principal (for example `policy.user_in(user, division)`),
    /// or why there is none: [`Rejection::unauthenticated`] when the
    /// request names nobody, [`Rejection::unknown`] for a name the policy
    /// does not hold, [`Rejection::bad_request`] for one it cannot read.
    fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection>;
}

/// The router state the extractors need: the policy handle and the
/// resolver. Put it in the state, or make it `FromRef` of yours.
#[derive(Clone)]
pub struct Authz {
    policy: Arc<PolicyHandle>,
    resolve: Arc<dyn Resolve>,
}

impl Authz {
    /// Decides against `policy`, finding principals with `resolve`.
    pub fn new(policy: Arc<PolicyHandle>, resolve: impl Resolve) -> Self {
        Self {
            policy,
            resolve: Arc::new(resolve),
        }
    }

    /// The handle, for reloads.
    pub fn policy(&self) -> &Arc<PolicyHandle> {
        &self.policy
    }
}

impl core::fmt::Debug for Authz {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Authz")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Why a request was refused: a status and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: StatusCode,
    body: String,
    json: bool,
}

impl Rejection {
    /// `401`: the request names nobody.
    pub fn unauthenticated(message: &str) -> Self {
        Self::text(StatusCode::UNAUTHORIZED, message)
    }

    /// `403`: the policy holds no principal of that name.
    pub fn unknown(name: &str) -> Self {
        Self::text(StatusCode::FORBIDDEN, &format!("unknown principal `{}`", Escaped(name)))
    }

    /// `400`: the request's principal cannot be read.
    pub fn bad_request(message: &str) -> Self {
        Self::text(StatusCode::BAD_REQUEST, message)
    }

    /// `403` with the Genesys Cloud error body for what `denied` lists.
    pub fn denied(denied: &Denied) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            body: forbidden_body(denied, None).to_string(),
            json: true,
        }
    }

    fn text(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            body: format!("{message}\n"),
            json: false,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body: JSON for a denial, text otherwise.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let content_type = if self.json {
            "application/json"
        } else {
            "text/plain; charset=utf-8"
        };
        (self.status, [(header::CONTENT_TYPE, content_type)], self.body).into_response()
    }
}

/// The caller of a request and the policy snapshot it is decided against
/// (one snapshot for the whole request, held across `.await`).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The caller.
    pub principal: Principal,
    /// The policy snapshot.
    pub policy: Arc<Policy>,
}

impl Caller {
    /// `Ok` when the caller is allowed `permission` unconditionally; else a
    /// `403` with the Genesys Cloud body naming it.
    ///
    /// # Errors
    ///
    /// The rejection for the missing permission.
    pub fn require(&self, permission: Permission<'_>) -> Result<(), Rejection> {
        if self.policy.allows(self.principal, permission) {
            return Ok(());
        }
        let body = crate::genesys::missing_permissions_body(&[permission]);
        Err(Rejection {
            status: StatusCode::FORBIDDEN,
            body: body.to_string(),
            json: true,
        })
    }

    /// The full decision for `permission` (conditions to evaluate included).
    pub fn decide(&self, permission: Permission<'_>) -> Decision<'_> {
        self.policy.decide(self.principal, permission)
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Authz: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let authz = Authz::from_ref(state);
        let policy = authz.policy.load();
        let principal = authz.resolve.resolve(parts, &policy)?;
        Ok(Caller { principal, policy })
    }
}

/// Proof, made before the handler runs, that the caller passed gate `G`.
#[derive(Debug, Clone)]
pub struct Authorized<G: Gate> {
    /// The proof.
    pub granted: Granted<G>,
    /// The caller, and the snapshot that granted it.
    pub caller: Caller,
}

impl<S, G> FromRequestParts<S> for Authorized<G>
where
    Authz: FromRef<S>,
    S: Send + Sync,
    G: Gate,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.policy.check::<G>(caller.principal) {
            Ok(granted) => Ok(Authorized { granted, caller }),
            Err(denied) => Err(Rejection::denied(&denied)),
        }
    }
}
