//! The extractors over the live registry (features `axum` + `live`):
//! [`Identify`], [`Identity`], [`Live`].

use std::future::Future;
use std::sync::Arc;

use ::axum::http::request::Parts;

use super::{Authorize, Authz, Rejection, Snapshot};
use crate::live::{Credential, Load, LoadUser, UserError, Users};
use crate::{Division, Principal};

/// Says which organization and which user a request names: the service's
/// own code (a verified token's claim, a header, a path segment), for
/// [`Live`].
///
/// ```
/// use axum::http::{header, request::Parts};
/// use permgate::axum::{Identify, Identity, Rejection};
/// use permgate::live::Credential;
///
/// /// The organization from a header, the user key from the bearer token.
/// struct Bearer;
///
/// impl Identify for Bearer {
///     async fn identify(&self, parts: &Parts) -> Result<Identity, Rejection> {
///         let token = parts
///             .headers
///             .get(header::AUTHORIZATION)
///             .and_then(|value| value.to_str().ok())
///             .and_then(|value| value.strip_prefix("Bearer "))
///             .ok_or_else(|| Rejection::unauthenticated("No bearer token."))?;
///         let org = parts
///             .headers
///             .get("x-org")
///             .and_then(|value| value.to_str().ok())
///             .ok_or_else(|| Rejection::bad_request("No x-org header."))?;
///         // A real service verifies the token and keys the user by its id
///         // (or a hash of the token): never by the token itself. The token
///         // goes to the user loader as the identity's credential.
///         let key = format!("len-{}", token.len());
///         let identity = Identity::new(org, key).with_credential(Credential::new(token.to_owned()));
///         Ok(match parts.headers.get("x-division").map(|value| value.to_str()) {
///             None => identity,
///             Some(Ok(division)) => identity.in_division(division), // checked by permgate
///             Some(Err(_)) => return Err(Rejection::bad_request("Unreadable x-division.")),
///         })
///     }
/// }
/// ```
pub trait Identify: Send + Sync + 'static {
    /// The organization, the user key, and the division the request names
    /// (if any), or why there are none: [`Rejection::unauthenticated`] when
    /// the request names nobody, [`Rejection::bad_credentials`] for a token
    /// that does not verify, [`Rejection::bad_request`] for one it cannot
    /// read. Never put the token in a rejection's message.
    fn identify(&self, parts: &Parts) -> impl Future<Output = Result<Identity, Rejection>> + Send;
}

/// What [`Identify`] reads from a request: the organization id, the
/// service's key for the user (a user id, or a hash of the caller's token;
/// **never a raw token**: see [`Users::get`]), the caller's token for the
/// user loader, if any ([`with_credential`](Self::with_credential)), and
/// the division the request names, if any (checked with
/// [`Division::parse`]: an empty or malformed id is a `400`, `*` is every
/// division).
///
/// Its `Debug` leaves the user key and the credential out.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    organization: String,
    user: String,
    credential: Option<Credential>,
    division: Option<String>,
}

impl Identity {
    /// User `user` of `organization`, in every division.
    pub fn new(organization: impl Into<String>, user: impl Into<String>) -> Self {
        Self {
            organization: organization.into(),
            user: user.into(),
            credential: None,
            division: None,
        }
    }

    /// The same, in division `division` as the request wrote it (checked
    /// by the extractor, not here).
    #[must_use]
    pub fn in_division(mut self, division: impl Into<String>) -> Self {
        self.division = Some(division.into());
        self
    }

    /// The same, with the caller's `credential` (its bearer token), which
    /// [`Live`] hands to [`Users::get`] and so to the user loader when the
    /// caller is not cached. Never kept beyond the request.
    #[must_use]
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// The organization id.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// The user key.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The caller's credential, if [`Identify`] gave one.
    pub fn credential(&self) -> Option<&Credential> {
        self.credential.as_ref()
    }

    /// The division as the request wrote it, if it named one.
    pub fn division(&self) -> Option<&str> {
        self.division.as_deref()
    }
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Identity")
            .field("organization", &self.organization)
            .field("division", &self.division)
            .finish_non_exhaustive()
    }
}

/// How a [`UserError`] is answered.
type UserRejection<U, O> = dyn Fn(&UserError<U, O>) -> Rejection + Send + Sync;

/// The live registry as an [`Authorize`]: the request's [`Identity`] (from
/// the service's [`Identify`]), then the caller's
/// [`CompiledUser`](crate::CompiledUser) from [`Users`] (cached, or loaded
/// through its loaders), in the division the request names. The extractors'
/// policy is the compiled user's own ([`Snapshot::compiled_user`]), so a
/// [`Granted<G>`](crate::Granted) comes from it.
///
/// # Refusals
///
/// | when | status | `code` |
/// | --- | --- | --- |
/// | [`Identify`] refuses | its rejection | |
/// | the division is empty or malformed | 400 | `bad.request` |
/// | the organization's policy cannot be loaded | 503 | `service.unavailable` |
/// | the user cannot be loaded, or does not compile against the policy | 503 | `service.unavailable` |
///
/// **Decided**: a user that cannot be loaded is a `503` by default, not a
/// `401`: permgate cannot tell a Platform API outage from a token the
/// platform refused (both are the loader's error), and a `401` for an
/// outage would send every client to log in again. A loader that can tell
/// them apart says so through [`user_error`](Self::user_error) (a
/// `401 bad.credentials` for a refused token, say). No refusal names the
/// user key; the organization is named in `tracing` events only.
pub struct Live<L: Load, U: LoadUser, I> {
    users: Users<L, U>,
    identify: I,
    user_error: Option<Arc<UserRejection<U::Error, L::Error>>>,
}

impl<L: Load, U: LoadUser, I> core::fmt::Debug for Live<L, U, I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Live")
            .field("users", &self.users)
            .finish_non_exhaustive()
    }
}

impl<L, U, I> Live<L, U, I>
where
    L: Load + 'static,
    U: LoadUser + 'static,
    I: Identify,
{
    /// Callers found by `identify`, their users from `users`; the default
    /// refusals.
    pub fn new(users: Users<L, U>, identify: I) -> Self {
        Self {
            users,
            identify,
            user_error: None,
        }
    }

    /// Answers a [`UserError`] with `rejection` rather than the default
    /// `503` (the extractor still writes the request's `contextId`). Never
    /// put the user key in it.
    ///
    /// ```
    /// # use permgate::{BuildError, Policy, UserDefinition, live::{Organizations, Users}};
    /// # use permgate::axum::{Identify, Identity, Live, Rejection};
    /// # struct Header;
    /// # impl Identify for Header {
    /// #     async fn identify(&self, _: &axum::http::request::Parts) -> Result<Identity, Rejection> { Ok(Identity::new("o", "u")) }
    /// # }
    /// #[derive(Debug)]
    /// enum Upstream { Refused, Down }
    /// # impl std::fmt::Display for Upstream {
    /// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("upstream") }
    /// # }
    /// # impl std::error::Error for Upstream {}
    /// # let organizations = Organizations::new(|_: &str| async { Ok::<_, BuildError>(Policy::builder(permgate::Catalog::builtin()).build()) });
    /// # let users = Users::new(organizations, |_: &str, _: &str, _: Option<&permgate::live::Credential>| async { Err::<UserDefinition, _>(Upstream::Down) });
    /// use permgate::live::UserError;
    ///
    /// let live = Live::new(users, Header).user_error(|error| match error {
    ///     // The Platform API answered users/me with a 401: the token is no good.
    ///     UserError::Load { error, .. } if matches!(**error, Upstream::Refused) => {
    ///         Rejection::bad_credentials("The token was refused.")
    ///     }
    ///     _ => Rejection::unavailable("Authorization is unavailable; retry later."),
    /// });
    /// # let _ = live;
    /// ```
    #[must_use]
    pub fn user_error(
        mut self,
        rejection: impl Fn(&UserError<U::Error, L::Error>) -> Rejection + Send + Sync + 'static,
    ) -> Self {
        self.user_error = Some(Arc::new(rejection));
        self
    }

    /// The user cache (for invalidation) and, through it, the registry of
    /// organizations (for reloads).
    pub fn users(&self) -> &Users<L, U> {
        &self.users
    }

    /// The default answer to a [`UserError`]: `503`, naming neither the
    /// organization nor the user.
    fn default_rejection(error: &UserError<U::Error, L::Error>) -> Rejection {
        match error {
            UserError::Organization(_) => {
                Rejection::unavailable("The organization's authorization cannot be loaded now; retry later.")
            }
            UserError::Load { .. } => {
                Rejection::unavailable("The caller's authorization cannot be loaded now; retry later.")
            }
            UserError::Compile { .. } => {
                #[cfg(feature = "tracing")]
                tracing::error!(
                    error = %error,
                    "permgate: a user does not compile against its organization's policy"
                );
                Rejection::unavailable("The caller's authorization cannot be read now; retry later.")
            }
        }
    }
}

impl<L, U, I> Authorize for Live<L, U, I>
where
    L: Load + 'static,
    U: LoadUser + 'static,
    I: Identify,
{
    async fn authorize(&self, parts: &Parts) -> Result<(Snapshot, Principal), Rejection> {
        let identity = self.identify.identify(parts).await?;
        let division = identity.division.as_deref().map(Division::parse).transpose()?;
        let user = self
            .users
            .get(&identity.organization, &identity.user, identity.credential.as_ref())
            .await
            .map_err(|error| match &self.user_error {
                Some(rejection) => rejection(&error),
                None => Self::default_rejection(&error),
            })?;
        let principal = match &division {
            None | Some(Division::All) => Principal::from(user.id()),
            Some(division) => user.in_division(division.id()).principal(),
        };
        Ok((Snapshot::from(user), principal))
    }
}

impl Authz {
    /// Decides for the callers `identify` names, each against its own
    /// compiled user from `users` ([`Live`], with the default refusals);
    /// report-only off. The extractors are the same as over one policy.
    pub fn live<L, U, I>(users: Users<L, U>, identify: I) -> Self
    where
        L: Load + 'static,
        U: LoadUser + 'static,
        I: Identify,
    {
        Self::from_authorize(Live::new(users, identify))
    }
}
