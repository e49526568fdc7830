//! A Platform API client (feature `client`): an organization's roles,
//! permission catalog, divisions, products, users and audits, read into
//! permgate's types through the [Genesys adapter](crate::genesys).
//!
//! There is no Rust SDK for the Genesys Cloud Platform API; this client
//! covers what permgate reads, and only that:
//!
//! | read | endpoint (SDK operation) | into | permission needed |
//! |---|---|---|---|
//! | [`organization`](Client::organization) | `GET /api/v2/organizations/me` (`getOrganizationsMe`, `Organization`) | [`Organization`](crate::genesys::wire::Organization) | none |
//! | [`roles`](Client::roles) | `GET /api/v2/authorization/roles` (`getAuthorizationRoles`, `OrganizationRoleEntityListing`), paged | [`RoleFile`](crate::genesys::RoleFile) of [`RoleDefinition`](crate::RoleDefinition)s | `authorization:role:view` |
//! | [`permission_catalog`](Client::permission_catalog) | `GET /api/v2/authorization/permissions` (`getAuthorizationPermissions`, `PermissionCollectionEntityListing`), paged | [`Catalog`](crate::Catalog) | none |
//! | [`divisions`](Client::divisions) | `GET /api/v2/authorization/divisions` (`getAuthorizationDivisions`, `AuthzDivisionEntityListing`), paged | [`AuthzDivision`](crate::genesys::wire::AuthzDivision)s | none |
//! | [`products`](Client::products) | `GET /api/v2/authorization/products` (`getAuthorizationProducts`, `OrganizationProductEntityListing`) | [`DomainOrganizationProduct`](crate::genesys::wire::DomainOrganizationProduct)s | none |
//! | [`users`](Client::users) | `GET /api/v2/users?expand=authorization` (`getUsers`, `UserEntityListing`), paged | [`UserAuthorization`](crate::genesys::UserAuthorization)s (each gives a [`UserDefinition`](crate::UserDefinition)) | none listed |
//! | [`user`](Client::user) | `GET /api/v2/users/{userId}?expand=authorization` (`getUser`) | [`UserAuthorization`](crate::genesys::UserAuthorization) | none listed |
//! | [`users_me`](Client::users_me) | `GET /api/v2/users/me?expand=authorization` (`getUsersMe`), the caller's token | [`UserAuthorization`](crate::genesys::UserAuthorization) | none |
//! | [`subjects_me`](Client::subjects_me) | `GET /api/v2/authorization/subjects/me` (`getAuthorizationSubjectsMe`), the caller's token | [`SubjectSpec`](crate::genesys::SubjectSpec) | none |
//! | [`subject`](Client::subject) | `GET /api/v2/authorization/subjects/{subjectId}` (`getAuthorizationSubject`) | [`SubjectSpec`](crate::genesys::SubjectSpec) | `authorization:grant:view` |
//! | [`audit_changes`](Client::audit_changes) | `POST /api/v2/audits/query` (`postAuditsQuery`, `AuditQueryRequest`, service `PeoplePermissions`), then its state and its results (`AuditQueryExecutionResultsResponse`, paged by cursor) | [`AuditLogMessage`](crate::genesys::wire::AuditLogMessage)s | `audits:audit:view` |
//!
//! Beside these typed reads, [`pages`](Client::pages) (each page),
//! [`listing`](Client::listing) (the pages merged into one listing) and
//! [`document`](Client::document) (a read that does not page) give the
//! API's own bodies, as a snapshot keeps them
//! ([`genesys::snapshot`](crate::genesys::snapshot), `permgate pull`).
//!
//! The permissions are the operations' own, from the endpoint data
//! ([`Endpoint::requires`], [`permgate::builtins::operation`](crate::builtins::operation)):
//! a `403` on a read is a [`ClientError::Forbidden`] naming them, so it says
//! which permission the OAuth client's role lacks.
//!
//! - **Hosts.** A [`Region`], by name (`us-east-1`) or API domain
//!   (`mypurecloud.com`), gives `https://api.{domain}` and
//!   `https://login.{domain}`; [`ClientBuilder::api_base`] and
//!   [`ClientBuilder::login_base`] set them for a proxy or a test.
//! - **Tokens.** With [`ClientBuilder::client_credentials`], the client gets
//!   an OAuth token (`POST {login}/oauth/token`, HTTP Basic,
//!   `grant_type=client_credentials`) on its first read and reuses it until
//!   it is within [`token_margin`](ClientBuilder::token_margin) of its
//!   `expires_in`; a `401` drops it and the read is tried once with a fresh
//!   one. `users_me` and `subjects_me` use the caller's own token, a
//!   [`Credential`], for that read only. The secret and the tokens are
//!   never logged, printed or put in an error; the `Debug` of the client
//!   and of its credentials redacts them.
//! - **Paging.** A paged read follows each page's `nextUri` (or, without
//!   one, `pageNumber` up to `pageCount`), on the API's host only
//!   ([`ClientError::ForeignLink`]), refuses a link already followed
//!   ([`ClientError::PageLoop`]) and more than
//!   [`max_pages`](ClientBuilder::max_pages) pages
//!   ([`ClientError::TooManyPages`]).
//! - **Limits.** A `429` waits its `Retry-After` in seconds (up to
//!   [`max_retry_after`](ClientBuilder::max_retry_after); without one, or
//!   with an HTTP date, the backoff); a `5xx` or a timeout is retried with
//!   exponential backoff (no jitter); both at most
//!   [`max_retries`](ClientBuilder::max_retries) times. Every request
//!   (tokens included) takes one unit of a request budget,
//!   [`requests_per_minute`](ClientBuilder::requests_per_minute): 300 by
//!   default, the figure Genesys Cloud documents for a client-credentials
//!   token (`client.credentials.token.rate.per.minute`, developer center,
//!   *Limits*, Platform API); a clone made by [`Client::with_share`]
//!   also keeps within a share of its own (a background task's). Each
//!   answer is read up to [`max_body_bytes`](ClientBuilder::max_body_bytes).
//! - **Errors.** Every answer other than `2xx` is a typed [`ClientError`]
//!   carrying the Genesys error body ([`ErrorBody`](crate::genesys::wire::ErrorBody);
//!   for a `403` also read as a [`ForbiddenBody`](crate::genesys::ForbiddenBody)).
//!
//! The client runs no task of its own: its futures run on the caller's
//! tokio runtime (reqwest's, and the timer its waits use). A [`Client`] is
//! cheap to clone and shares its token, budget and connections.
//!
//! ```no_run
//! use permgate::client::{Client, Credential};
//! use permgate::{Catalog, Policy};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .region("eu-west-1")? // or "mypurecloud.ie"
//!     .client_credentials("my-client-id", Credential::new(std::env::var("GENESYS_CLIENT_SECRET")?))
//!     .build()?;
//! let catalog = client.permission_catalog(Catalog::builtin()).await?;
//! let roles = client.roles().await?;
//! let mut builder = Policy::builder(&catalog);
//! for role in &roles.roles {
//!     builder.add_role_definition(role)?;
//! }
//! for user in client.users().await? {
//!     builder.add_user_definition(&user.definition(None))?;
//! }
//! let policy = builder.build();
//! # let _ = policy;
//! # Ok(())
//! # }
//! ```

mod error;
mod reads;
mod region;
mod transport;

pub use crate::credential::Credential;
pub use error::{ClientError, Endpoint};
pub use reads::AuditChanges;
pub use region::{Region, UnknownRegion};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Url;

use crate::text::Escaped;
use transport::{Budget, TokenCache};

/// The OAuth client credentials of a client-credentials grant: the client
/// id and its secret. Its `Debug` shows the id and redacts the secret.
///
/// ```
/// use permgate::client::{ClientCredentials, Credential};
///
/// let credentials = ClientCredentials::new("my-client", Credential::new(String::from("s3cret")));
/// assert_eq!(format!("{credentials:?}"), r#"ClientCredentials { id: "my-client", secret: Credential(..) }"#);
/// ```
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    id: String,
    secret: Credential,
}

impl ClientCredentials {
    /// The client `id` with its `secret`.
    pub fn new(id: impl Into<String>, secret: Credential) -> Self {
        Self { id: id.into(), secret }
    }

    /// The client id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The client could not be built: a base URL that is not one, or neither a
/// region nor the hosts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A region the table does not know.
    #[error(transparent)]
    Region(#[from] UnknownRegion),
    /// A base URL that is not an `http` or `https` URL.
    #[error("{which} base URL `{}` is not an http(s) URL: {problem}", Escaped(url))]
    BaseUrl {
        /// `API` or `login`.
        which: &'static str,
        /// The text given.
        url: String,
        /// What is wrong.
        problem: String,
    },
    /// An `http` base URL off loopback: the tokens and the client secret
    /// would cross the network in clear text. Allow it with
    /// [`ClientBuilder::allow_http`] (a proxy on a trusted network).
    #[error(
        "{which} base URL `{}` is plain http off loopback: use https, or allow http explicitly",
        Escaped(url)
    )]
    PlainHttp {
        /// `API` or `login`.
        which: &'static str,
        /// The text given.
        url: String,
    },
    /// Neither a region nor both base URLs.
    #[error("no {which} host: give a region or the {which} base URL")]
    NoHost {
        /// `API` or `login`.
        which: &'static str,
    },
    /// The HTTP stack could not be set up.
    #[error("the HTTP client could not be built: {0}")]
    Http(String),
}

/// How the client behaves: its limits, retries and waits.
#[derive(Debug, Clone)]
struct Settings {
    timeout: Duration,
    max_retries: u32,
    backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_pages: usize,
    page_size: u32,
    max_body_bytes: usize,
    token_margin: Duration,
    audit_polls: u32,
    audit_poll_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            max_pages: 1_000,
            page_size: 100,
            max_body_bytes: crate::genesys::MAX_JSON_BYTES,
            token_margin: Duration::from_secs(60),
            audit_polls: 60,
            audit_poll_interval: Duration::from_secs(1),
        }
    }
}

/// Builds a [`Client`]: [`Client::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    region: Option<Region>,
    api_base: Option<String>,
    login_base: Option<String>,
    credentials: Option<ClientCredentials>,
    settings: Settings,
    budget: (u32, Duration),
    allow_http: bool,
}

impl ClientBuilder {
    /// The organization's region, by name (`us-east-1`) or API domain
    /// (`mypurecloud.com`): see [`Region`].
    ///
    /// # Errors
    ///
    /// A region the table does not know ([`UnknownRegion`]).
    pub fn region(mut self, region: &str) -> Result<Self, UnknownRegion> {
        self.region = Some(region.parse()?);
        Ok(self)
    }

    /// The Platform API's base URL, in place of the region's
    /// (`https://api.mypurecloud.com`; a proxy, a test's stand-in).
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.api_base = Some(url.into());
        self
    }

    /// The login (OAuth) base URL, in place of the region's
    /// (`https://login.mypurecloud.com`).
    pub fn login_base(mut self, url: impl Into<String>) -> Self {
        self.login_base = Some(url.into());
        self
    }

    /// Accepts `http` base URLs off loopback (a proxy on a trusted network).
    /// Without it, only `https` URLs, and `http` on loopback (a test's
    /// stand-in), are accepted: a token over plain http can be read on the
    /// way.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The OAuth client's id and secret, for a client-credentials grant:
    /// what every read but `users_me` and `subjects_me` uses.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: Credential) -> Self {
        self.credentials = Some(ClientCredentials::new(id, secret));
        self
    }

    /// How long one attempt may take, from sending to the end of the answer
    /// (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// How many times a `429`, a `5xx` or a timeout is retried (3 by default).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.max_retries = retries;
        self
    }

    /// The first wait before a retry (500 ms by default), doubled at each
    /// retry up to `max` (30 s by default).
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.settings.backoff = first;
        self.settings.max_backoff = max;
        self
    }

    /// The longest `Retry-After` the client waits (120 s by default); a
    /// longer one fails the read ([`ClientError::RateLimited`]).
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.settings.max_retry_after = max;
        self
    }

    /// The most pages one read follows (1,000 by default).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.settings.max_pages = pages;
        self
    }

    /// The `pageSize` the client asks for (100 by default; the Platform API
    /// caps it, at 500 for most listings).
    pub fn page_size(mut self, size: u32) -> Self {
        self.settings.page_size = size.max(1);
        self
    }

    /// The largest answer the client reads, in bytes (by default the
    /// adapter's [`MAX_JSON_BYTES`](crate::genesys::MAX_JSON_BYTES)).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_body_bytes = bytes;
        self
    }

    /// How long before its expiry a token is replaced (60 s by default).
    pub fn token_margin(mut self, margin: Duration) -> Self {
        self.settings.token_margin = margin;
        self
    }

    /// How many requests the client sends per minute at most, tokens
    /// included (300 by default: Genesys Cloud's figure for a
    /// client-credentials token). A request past the budget waits.
    pub fn requests_per_minute(self, requests: u32) -> Self {
        self.request_budget(requests, Duration::from_secs(60))
    }

    /// At most `requests` requests in any `window` (a sliding window).
    pub fn request_budget(mut self, requests: u32, window: Duration) -> Self {
        self.budget = (requests.max(1), window);
        self
    }

    /// How often and how many times the client asks for an audit query's
    /// state before giving up (every second, 60 times, by default).
    pub fn audit_polling(mut self, interval: Duration, polls: u32) -> Self {
        self.settings.audit_poll_interval = interval;
        self.settings.audit_polls = polls.max(1);
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// No host (neither a region nor the base URL), a base URL that is not
    /// an http(s) URL, or an HTTP stack that cannot be set up.
    pub fn build(self) -> Result<Client, ConfigError> {
        let api = base_url(
            "API",
            self.api_base.clone(),
            self.region.map(|r| r.api_base()),
            self.allow_http,
        )?;
        let login = base_url(
            "login",
            self.login_base.clone(),
            self.region.map(|r| r.login_base()),
            self.allow_http,
        )?;
        let http = reqwest::Client::builder()
            .timeout(self.settings.timeout)
            .connect_timeout(self.settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("permgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api,
                login,
                region: self.region,
                credentials: self.credentials,
                settings: self.settings,
                budget: Budget::new(self.budget.0, self.budget.1),
                token: TokenCache::default(),
                requests: AtomicU64::new(0),
            }),
            share: None,
        })
    }
}

/// The base URL `given`, or the region's; without a trailing `/`.
fn base_url(
    which: &'static str,
    given: Option<String>,
    region: Option<String>,
    allow_http: bool,
) -> Result<Url, ConfigError> {
    let text = given.or(region).ok_or(ConfigError::NoHost { which })?;
    let invalid = |problem: String| ConfigError::BaseUrl {
        which,
        url: text.clone(),
        problem,
    };
    let url = Url::parse(text.trim_end_matches('/')).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(String::from("the scheme is neither http nor https")));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid(String::from("it has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(String::from("a base URL has no query, fragment or user")));
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && !loopback && !allow_http {
        return Err(ConfigError::PlainHttp { which, url: text });
    }
    Ok(url)
}

/// A Platform API client: [`Client::builder`], then its reads (see the
/// [module](self)). Cheap to clone; clones share the token, the budget and
/// the connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The budget of this clone and its own clones, within the client's:
    /// [`Client::with_share`].
    share: Option<Arc<Budget>>,
}

struct Inner {
    http: reqwest::Client,
    api: Url,
    login: Url,
    region: Option<Region>,
    credentials: Option<ClientCredentials>,
    settings: Settings,
    budget: Budget,
    token: TokenCache,
    requests: AtomicU64,
}

impl Client {
    /// A builder: give it a [`region`](ClientBuilder::region) (or the
    /// [`api_base`](ClientBuilder::api_base) and
    /// [`login_base`](ClientBuilder::login_base)) and, for the
    /// organization's reads, [`client_credentials`](ClientBuilder::client_credentials).
    ///
    /// ```
    /// use permgate::client::Client;
    ///
    /// let client = Client::builder().region("mypurecloud.com.au")?.build()?;
    /// assert_eq!(client.api_base(), "https://api.mypurecloud.com.au/");
    /// assert_eq!(client.login_base(), "https://login.mypurecloud.com.au/");
    /// let proxied = Client::builder().api_base("http://127.0.0.1:8080").login_base("http://127.0.0.1:8081").build()?;
    /// assert_eq!(proxied.api_base(), "http://127.0.0.1:8080/");
    /// // Plain http off loopback would send tokens in clear text: refused unless allowed.
    /// assert!(Client::builder().region("us-east-1")?.api_base("http://proxy.internal").build().is_err());
    /// assert!(Client::builder().region("us-east-1")?.api_base("http://proxy.internal").allow_http(true).build().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            region: None,
            api_base: None,
            login_base: None,
            credentials: None,
            settings: Settings::default(),
            budget: (300, Duration::from_secs(60)),
            allow_http: false,
        }
    }

    /// The Platform API's base URL.
    pub fn api_base(&self) -> &str {
        self.inner.api.as_str()
    }

    /// The login base URL.
    pub fn login_base(&self) -> &str {
        self.inner.login.as_str()
    }

    /// The region, when the client was built with one.
    pub fn region(&self) -> Option<Region> {
        self.inner.region
    }

    /// How many HTTP requests the client (and its clones) has sent, tokens
    /// and retries included.
    pub fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// A clone of this client (the same token, connections and
    /// [budget](ClientBuilder::request_budget)) whose requests also take from
    /// a share of their own: at most `requests` in any `window` for it and
    /// its clones, within the client's budget. A request past either waits.
    ///
    /// What a background task uses so that it never spends more than its
    /// share of the organization's rate limit, its retries and token
    /// requests included: the refresher (`live::Refresher`, with feature
    /// `live` too) reads the audits through one.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use permgate::client::Client;
    ///
    /// let client = Client::builder().region("us-east-1")?.requests_per_minute(300).build()?;
    /// // A background job: at most 30 of the 300 requests a minute.
    /// let background = client.with_share(30, Duration::from_secs(60));
    /// assert_eq!(background.api_base(), client.api_base());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_share(&self, requests: u32, window: Duration) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            share: Some(Arc::new(Budget::new(requests, window))),
        }
    }
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.inner.api.as_str())
            .field("login", &self.inner.login.as_str())
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}
