//! axum extractors (feature `axum`): a handler takes the proof that the
//! caller passed a gate, [`Authorized<G>`], or the caller itself, [`Caller`],
//! to ask about single permissions (typed or strings); the principal comes
//! from the request through a [`Resolve`] the service implements, against
//! the [`PolicyHandle`] in the router's state ([`Authz`]).
//!
//! # One policy, or many organizations
//!
//! The extractors read an [`Authz`] from the router's state, whatever it
//! holds, so a handler does not change when a service moves from one
//! policy to many organizations:
//!
//! - [`Authz::new`]: one [`PolicyHandle`] and a synchronous [`Resolve`]
//!   that finds the caller in it (the example below);
//! - `Authz::live` (features `axum` + `live`): the service's `Identify`
//!   reads the organization, the user key and the division from the
//!   request; the caller's [`CompiledUser`](crate::CompiledUser) comes from
//!   `live::Users` (cached, or fetched by the service's loader from
//!   `users/me` or `subjects/me`, against the organization's policy from
//!   `live::Organizations`); a proof is from the compiled user's policy
//!   ([`Snapshot`]). See `Live` for its refusals (`503` when the
//!   organization or the user cannot be loaded);
//! - [`Authz::from_authorize`]: any [`Authorize`] of the service's.
//!
//! ```no_run
//! # #[cfg(feature = "live")]
//! # mod live {
//! use axum::http::request::Parts;
//! use axum::{Router, routing::get};
//! use permgate::axum::{Authorized, Authz, Identify, Identity, Rejection};
//! use permgate::genesys::UserAuthorization;
//! use permgate::live::{Credential, Organizations, Users};
//! use permgate::{BuildError, Catalog, Policy, gates::ActionMapEditor};
//!
//! /// The caller's organization and id, from a token the service verified
//! /// (here: headers a gateway set).
//! struct Verified;
//!
//! impl Identify for Verified {
//!     async fn identify(&self, parts: &Parts) -> Result<Identity, Rejection> {
//!         let claim = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
//!         let (Some(org), Some(user)) = (claim("x-org-id"), claim("x-user-id")) else {
//!             return Err(Rejection::unauthenticated("No verified caller."));
//!         };
//!         Ok(match claim("x-division") {
//!             Some(division) => Identity::new(org, user).in_division(division),
//!             None => Identity::new(org, user),
//!         })
//!     }
//! }
//!
//! # #[derive(Debug)] pub struct Upstream;
//! # impl std::fmt::Display for Upstream { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("upstream") } }
//! # impl std::error::Error for Upstream {}
//! async fn save(auth: Authorized<ActionMapEditor>) -> &'static str {
//!     let _proof = auth.granted; // the same handler as over one policy
//!     "saved"
//! }
//!
//! pub async fn main() {
//!     let organizations = Organizations::new(|_org: &str| async {
//!         // The organization's roles, from the service's store.
//!         Ok::<_, BuildError>(Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:view"])?.build())
//!     });
//!     let users = Users::new(organizations, |_org: &str, _user: &str, _credential: Option<&Credential>| async {
//!         // GET /api/v2/users/me?expand=authorization with the caller's token.
//!         let me = UserAuthorization::parse(r#"{"id": "u-1", "authorization": {"permissions": []}}"#)
//!             .map_err(|_| Upstream)?;
//!         Ok::<_, Upstream>(me.definition(None))
//!     });
//!     let app: Router = Router::new().route("/action-maps", get(save)).with_state(Authz::live(users, Verified));
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
//!     axum::serve(listener, app).await.unwrap();
//! }
//! # }
//! # fn main() {}
//! ```
//!
//! # Refusals
//!
//! Every refusal is a [`Rejection`]: the Platform API's `ErrorBody` as
//! `application/json`, with the request's [`ContextId`] as `contextId`
//! (from its `inin-correlation-id` or `x-request-id` header, else
//! generated), so a client that reads Genesys Cloud errors reads these.
//!
//! | when | status | `code` |
//! | --- | --- | --- |
//! | the request names nobody | 401 | `authentication.required` |
//! | its credentials are not accepted | 401 | `bad.credentials` |
//! | a gate or a permission is denied | 403 | `missing.permissions` / `missing.any.permissions` |
//! | a condition the handler evaluated does not hold | 403 | `missing.permissions` ([`Rejection::condition_unmet`]) |
//! | the policy holds no such principal | 403 | `not.authorized` |
//! | the request, or its division, cannot be read | 400 | `bad.request` |
//!
//! A denial is never a `500`. The codes and messages of the 401s are the
//! Platform API's (see [`genesys::AUTHENTICATION_REQUIRED`](crate::genesys::AUTHENTICATION_REQUIRED)
//! for the source).
//!
//! # Divisions
//!
//! A division read from the request goes through
//! [`Division::parse`](crate::Division::parse): an empty, blank or malformed
//! id (`""`, `"d east"`, a control character, over 128 bytes) is a `400`
//! (`?` converts the [`DivisionError`](crate::parse::DivisionError)), never
//! "every division"; only `*` is.
//!
//! # Strings
//!
//! [`Caller::require`] takes a typed permission or a string in any spelling,
//! so UI-only or organization-only permissions can be required. A string is
//! answered as [`Policy::allows`] answers it: a well-formed key the catalog
//! does not know is denied unless a grant names it (`403` naming the key). A
//! string that is no permission at all (`routing:queue`, a wildcard, an
//! unknown label) is the service's own mistake, not the caller's: `500`
//! `internal.server.error`, and with the `tracing` feature an `error` event.
//!
//! # Report-only
//!
//! To roll a gate out on a live service, a route takes [`Reported<G>`]
//! instead of [`Authorized<G>`]. While [`Authz::report_only`] is off (the
//! default) it refuses exactly as `Authorized<G>` does; switched on, a
//! denial is logged (with the `tracing` feature: a `warn` event naming the
//! gate, what was missing, the principal and the context id; never a token
//! or header) and the handler runs with `Err(Denied)` in
//! [`Reported::granted`]: it holds a [`Granted<G>`] only when the gate was
//! passed, so nothing downstream that requires the proof can run on a
//! reported denial. [`Authorized<G>`] and [`Caller::require`] always refuse,
//! whatever the switch: turning it on never opens a route written to be
//! closed.
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::{Router, http::request::Parts, routing::get};
//! use permgate::axum::{Authorized, Authz, Caller, Rejection, Resolve};
//! use permgate::{Catalog, Division, Policy, PolicyHandle, Principal, gates::ActionMapEditor, perm};
//!
//! /// The user from a header (a real service reads its session or a verified
//! /// token), in the division of another.
//! struct FromHeader;
//!
//! impl Resolve for FromHeader {
//!     fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection> {
//!         let name = parts.headers.get("x-user-id").ok_or_else(|| Rejection::unauthenticated("no user"))?;
//!         let name = name.to_str().map_err(|_| Rejection::bad_request("unreadable user"))?;
//!         let user = policy.user(name).ok_or_else(|| Rejection::unknown(name))?;
//!         match parts.headers.get("x-division") {
//!             None => Ok(user.into()),
//!             Some(division) => {
//!                 let division = division.to_str().map_err(|_| Rejection::bad_request("unreadable division"))?;
//!                 Ok(policy.user_in(user, Division::parse(division)?.id()))
//!             }
//!         }
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
//!     caller.require("ui:supervisorDashboard:view")?; // a UI-only permission, by string
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

#[cfg(feature = "live")]
mod live;
mod rejection;
mod snapshot;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ::axum::extract::{FromRef, FromRequestParts};
use ::axum::http::request::Parts;

use crate::parse::Spelling;
use crate::{Decision, Denied, Gate, Granted, Permission, Policy, PolicyHandle, Principal, question::Question};

#[cfg(feature = "live")]
#[cfg_attr(docsrs, doc(cfg(feature = "live")))]
pub use live::{Identify, Identity, Live};
pub use rejection::{ContextId, Rejection};
pub use snapshot::Snapshot;

/// Finds who a request is from, in the policy it is decided against.
pub trait Resolve: Send + Sync + 'static {
    /// The request's principal (for example `policy.user_in(user, division)`),
    /// or why there is none: [`Rejection::unauthenticated`] when the
    /// request names nobody, [`Rejection::bad_credentials`] for credentials
    /// the service does not accept, [`Rejection::unknown`] for a name the
    /// policy does not hold, [`Rejection::bad_request`] for one it cannot
    /// read (and a [`DivisionError`](crate::parse::DivisionError) through
    /// `?` for a division). The extractor writes the request's
    /// [`ContextId`] into the rejection unless it has one.
    fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection>;
}

/// Finds who a request is from, asynchronously, and the policy it is
/// decided against: the general form of [`Resolve`], for a service whose
/// callers are not all in one [`PolicyHandle`] (one policy per
/// organization, users compiled on demand: `Live`, with the `live`
/// feature). Put it in an [`Authz`] with [`Authz::from_authorize`]; the
/// extractors are the same.
///
/// The request's [`ContextId`] is in `parts.extensions` already
/// (`parts.extensions.get::<ContextId>()`).
pub trait Authorize: Send + Sync + 'static {
    /// The policy snapshot the request is decided against and the caller's
    /// principal in it, or why there is none (see [`Resolve::resolve`] for
    /// the usual rejections; [`Rejection::unavailable`] when the caller's
    /// authorization cannot be loaded now). The extractor writes the
    /// request's [`ContextId`] into the rejection unless it has one.
    fn authorize(&self, parts: &Parts) -> impl Future<Output = Result<(Snapshot, Principal), Rejection>> + Send;
}

/// A boxed [`Authorize`] future: what an [`Authz`] holding any
/// [`Authorize`] awaits.
type Authorizing<'a> = Pin<Box<dyn Future<Output = Result<(Snapshot, Principal), Rejection>> + Send + 'a>>;

/// [`Authorize`], object-safe.
trait DynAuthorize: Send + Sync + 'static {
    fn authorize_boxed<'a>(&'a self, parts: &'a Parts) -> Authorizing<'a>;
}

impl<A: Authorize> DynAuthorize for A {
    fn authorize_boxed<'a>(&'a self, parts: &'a Parts) -> Authorizing<'a> {
        Box::pin(self.authorize(parts))
    }
}

/// Where an [`Authz`] finds callers.
#[derive(Clone)]
enum Source {
    /// One policy handle and a synchronous [`Resolve`]: no allocation, no
    /// `.await`.
    Handle {
        policy: Arc<PolicyHandle>,
        resolve: Arc<dyn Resolve>,
    },
    /// Any [`Authorize`] (a boxed future per request).
    Authorize(Arc<dyn DynAuthorize>),
}

/// The router state the extractors need: where callers are found (one
/// [`PolicyHandle`] and a [`Resolve`], or any [`Authorize`] such as the
/// live registry's `Live`), and whether [`Reported<G>`] reports denials
/// rather than refusing them. Put it in the state, or make it `FromRef` of
/// yours. The extractors read it the same way whatever it holds: a handler
/// does not change when a service moves from one policy to many
/// organizations.
#[derive(Clone)]
pub struct Authz {
    source: Source,
    report_only: bool,
}

impl Authz {
    /// Decides against `policy`, finding principals with `resolve`; report-only off.
    pub fn new(policy: Arc<PolicyHandle>, resolve: impl Resolve) -> Self {
        Self {
            source: Source::Handle {
                policy,
                resolve: Arc::new(resolve),
            },
            report_only: false,
        }
    }

    /// Decides as `authorize` says (its policy, its principal); report-only
    /// off. For the live registry, `Authz::live` is shorter.
    pub fn from_authorize(authorize: impl Authorize) -> Self {
        Self {
            source: Source::Authorize(Arc::new(authorize)),
            report_only: false,
        }
    }

    /// Switches report-only mode (off by default): when on, a denial of a
    /// gate that a route takes as [`Reported<G>`] is logged and the request
    /// proceeds, the handler holding `Err(Denied)`. [`Authorized<G>`] and
    /// [`Caller::require`] refuse whatever this says. Give a sub-router its
    /// own `Authz` to report on some routes only.
    #[must_use]
    pub fn report_only(mut self, on: bool) -> Self {
        self.report_only = on;
        self
    }

    /// Whether report-only mode is on.
    pub fn is_report_only(&self) -> bool {
        self.report_only
    }

    /// The handle, for reloads: `None` for an `Authz` made
    /// [`from_authorize`](Self::from_authorize) (reload through what it
    /// holds, such as the `live::Organizations`
    /// registry).
    pub fn policy(&self) -> Option<&Arc<PolicyHandle>> {
        match &self.source {
            Source::Handle { policy, .. } => Some(policy),
            Source::Authorize(_) => None,
        }
    }

    /// The caller of a request: the extractors' common step.
    async fn caller(&self, parts: &mut Parts) -> Result<Caller, Rejection> {
        let context_id = ContextId::of(parts);
        let found = match &self.source {
            Source::Handle { policy, resolve } => {
                let policy = policy.load();
                resolve
                    .resolve(parts, &policy)
                    .map(|principal| (Snapshot::from(policy), principal))
            }
            Source::Authorize(authorize) => authorize.authorize_boxed(parts).await,
        };
        match found {
            Ok((policy, principal)) => Ok(Caller {
                principal,
                policy,
                context_id,
            }),
            Err(rejection) => Err(rejection.or_context_id(&context_id)),
        }
    }
}

impl core::fmt::Debug for Authz {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut debug = f.debug_struct("Authz");
        match &self.source {
            Source::Handle { policy, .. } => debug.field("policy", policy),
            Source::Authorize(_) => debug.field("policy", &"(from an Authorize)"),
        };
        debug.field("report_only", &self.report_only).finish_non_exhaustive()
    }
}

/// The caller of a request, the policy snapshot it is decided against (one
/// snapshot for the whole request, held across `.await`), and the request's
/// id for refusals.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The caller.
    pub principal: Principal,
    /// The policy snapshot (a [`Policy`] shared by all callers, or the
    /// caller's own compiled user's): it derefs to [`Policy`].
    pub policy: Snapshot,
    /// The request's id, written as `contextId` in refusals.
    pub context_id: ContextId,
}

impl Caller {
    /// `Ok` when the caller is allowed `permission` unconditionally; else a
    /// `403` `missing.permissions` body naming it, with the request's
    /// `contextId`. `permission` is a typed [`Permission`] or a string in
    /// any spelling (`&str`, `&String`): see the [module docs](self#strings)
    /// for strings the catalog does not know and strings that are no
    /// permission (`500`). A conditional grant does not pass: ask
    /// [`decide`](Self::decide), evaluate the conditions, and answer
    /// [`condition_unmet`](Self::condition_unmet) when none holds.
    ///
    /// # Errors
    ///
    /// The rejection for the missing permission.
    pub fn require(&self, permission: impl Requirement) -> Result<(), Rejection> {
        permission
            .require_of(self)
            .map_err(|rejection| rejection.with_context_id(&self.context_id))
    }

    /// The full decision for `question` (conditions to evaluate included):
    /// [`Policy::decide`], a `Result` for a string.
    pub fn decide<Q: Question>(&self, question: Q) -> Q::Answer<Decision<'_>> {
        self.policy.decide(self.principal, question)
    }

    /// [`Rejection::condition_unmet`] for `permission`, with the request's
    /// `contextId`: the answer when [`decide`](Self::decide) gave
    /// [`Decision::AllowedIf`] and no condition holds for the resource.
    pub fn condition_unmet(&self, permission: Permission<'_>) -> Rejection {
        Rejection::condition_unmet(permission).with_context_id(&self.context_id)
    }
}

/// What [`Caller::require`] takes: a typed [`Permission`], or a string
/// (`&str`, `&String`) in any spelling. Sealed.
pub trait Requirement: sealed::Sealed {
    /// Whether `caller` holds it unconditionally; else the refusal.
    #[doc(hidden)]
    fn require_of(self, caller: &Caller) -> Result<(), Rejection>;
}

mod sealed {
    /// Only this module's requirements.
    pub trait Sealed {}
}

impl sealed::Sealed for Permission<'_> {}

impl Requirement for Permission<'_> {
    fn require_of(self, caller: &Caller) -> Result<(), Rejection> {
        if caller.policy.allows(caller.principal, self) {
            Ok(())
        } else {
            Err(Rejection::missing(&[self]))
        }
    }
}

impl sealed::Sealed for &str {}

impl Requirement for &str {
    fn require_of(self, caller: &Caller) -> Result<(), Rejection> {
        match caller.policy.allows(caller.principal, self) {
            Ok(true) => Ok(()),
            Ok(false) => Err(match caller.policy.catalog().lookup(self) {
                Some(permission) => Rejection::missing(&[permission]),
                None => Rejection::missing_keys(&[&unknown_key(self)]),
            }),
            Err(_error) => {
                #[cfg(feature = "tracing")]
                tracing::error!(
                    error = %_error,
                    context_id = %caller.context_id,
                    "permgate: the service required a string that is no permission"
                );
                Err(Rejection::internal(
                    "The service required a permission it cannot ask about.",
                ))
            }
        }
    }
}

impl sealed::Sealed for &String {}

impl Requirement for &String {
    fn require_of(self, caller: &Caller) -> Result<(), Rejection> {
        self.as_str().require_of(caller)
    }
}

/// A well-formed key or flat name no catalog knows, as a body names it: a
/// key in lowercase (keys are answered ignoring ASCII case), a flat name as
/// written.
fn unknown_key(question: &str) -> String {
    match crate::parse::parse(question) {
        Ok(Spelling::Key { domain, entity, action }) => format!("{domain}:{entity}:{action}").to_ascii_lowercase(),
        _ => question.to_owned(),
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Authz: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Authz::from_ref(state).caller(parts).await
    }
}

/// Proof, made before the handler runs, that the caller passed gate `G`;
/// else the request is refused (`403`, whatever [`Authz::report_only`] says).
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
            Err(denied) => Err(Rejection::denied(&denied).with_context_id(&caller.context_id)),
        }
    }
}

/// Gate `G` checked for a route being rolled out: refused like
/// [`Authorized<G>`] while [`Authz::report_only`] is off; with it on, a
/// denial is logged and the handler runs, holding `Err(Denied)`.
///
/// `granted` is `Ok` only with the proof the policy made: a reported denial
/// holds no [`Granted<G>`], so no code that requires one can run on it.
///
/// ```
/// use permgate::{axum::Reported, gates::ActionMapAnalyticsReport};
///
/// async fn report(gate: Reported<ActionMapAnalyticsReport>) -> String {
///     match &gate.granted {
///         Ok(_proof) => "the report".to_owned(),
///         // Only in report-only mode: the gate would refuse this caller.
///         Err(denied) => format!("the report (not granted: {denied})"),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Reported<G: Gate> {
    /// The proof, or (report-only mode only) the denial that was reported.
    pub granted: Result<Granted<G>, Denied>,
    /// The caller, and the snapshot that decided.
    pub caller: Caller,
}

impl<G: Gate> Reported<G> {
    /// Whether the gate was passed.
    pub fn is_granted(&self) -> bool {
        self.granted.is_ok()
    }
}

impl<S, G> FromRequestParts<S> for Reported<G>
where
    Authz: FromRef<S>,
    S: Send + Sync,
    G: Gate,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let report_only = Authz::from_ref(state).report_only;
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.policy.check::<G>(caller.principal) {
            Ok(granted) => Ok(Reported {
                granted: Ok(granted),
                caller,
            }),
            Err(denied) if report_only => {
                report(&denied, &caller);
                Ok(Reported {
                    granted: Err(denied),
                    caller,
                })
            }
            Err(denied) => Err(Rejection::denied(&denied).with_context_id(&caller.context_id)),
        }
    }
}

/// Logs a denial that report-only mode let through (feature `tracing`):
/// the gate, what was missing, the principal, the division it was checked
/// in (`-` for every division, or one none of its grants names), the
/// request's id.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
fn report(denied: &Denied, caller: &Caller) {
    #[cfg(feature = "tracing")]
    {
        use crate::text::Escaped;
        let keys = |permissions: &[Permission<'_>]| permissions.iter().map(|p| p.key()).collect::<Vec<_>>().join(", ");
        let any_of: Vec<String> = denied
            .unmet_any_of()
            .iter()
            .map(|group| format!("[{}]", keys(group)))
            .collect();
        tracing::warn!(
            gate = denied.gate(),
            missing = %format_args!("[{}]", keys(denied.missing())),
            any_of = %any_of.join(" "),
            principal = %Escaped(denied.principal().unwrap_or("?")),
            division = %Escaped(denied.division().unwrap_or("-")),
            context_id = %caller.context_id,
            "permgate: report-only: gate denied, the request proceeds"
        );
    }
}
