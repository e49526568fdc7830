//! A live service (axum, features `axum`, `live` + `client`): two Genesys Cloud
//! organizations with their own roles, callers identified by their bearer
//! token, each caller's authorization fetched from the Platform API
//! (`GET /api/v2/authorization/subjects/me`, which needs no permission),
//! compiled against its organization's policy and cached.
//!
//! - **Organizations.** `org-a` and `org-b` each have a role file (the
//!   Platform API's role JSON, read with [`RoleFile`]) held in a store the
//!   service owns; an [`Organizations`] registry loads each lazily through
//!   [`OrgRoles`], its [`Load`]. Role `agent` edits action maps and joins
//!   queues in `org-a`, only views queues in `org-b`.
//! - **Callers.** A request names its organization in its path
//!   (`/orgs/{org}/...`) and its caller by `Authorization: Bearer <token>`.
//!   The user key in the cache is a keyed hash of the token, **never the
//!   token**; the token itself lives only for the request (the identity's
//!   [`Credential`], which [`Live`] hands to the loader on a miss), and is
//!   never logged.
//! - **The Platform API.** [`PlatformApi`], the [`LoadUser`], reads
//!   `subjects/me` with the caller's token through permgate's
//!   [`Client`] (feature `client`). Its roles come
//!   without their policies, so each is the organization's role of that
//!   name: the same user id is an editor in `org-a` and a viewer in `org-b`.
//!   A `401` from the platform is answered `401 bad.credentials`; any other
//!   failure `503`. Here the Platform API is a local stand-in ([`stand_in`]),
//!   a second axum server answering `users/me?expand=authorization` and
//!   `subjects/me` for the tokens it knows.
//! - **Routes** (every refusal is the Platform API's JSON error body, with a
//!   `contextId`):
//!   - `GET /orgs/{org}/action-maps`: gate [`ActionMapEditor`] ([`Authorized`]);
//!   - `GET /orgs/{org}/queues/join`: one permission ([`Caller::require`]);
//!     an `x-division` header asks in that division;
//!   - `GET /orgs/{org}/rollout`: the same gate in report-only mode
//!     ([`Reported`]): a denied caller is let through and told so;
//!   - `POST /admin/orgs/{org}/users/{id}/invalidate`: drops that user's
//!     cached entries under every token they were cached with
//!     ([`Users::invalidate_where`]; its roles changed): the next request
//!     fetches again;
//!   - `POST /admin/orgs/{org}/reload`: reloads that organization's roles
//!     from the store; the other organization keeps serving untouched.
//!
//!   (The admin routes are open here; a real service keeps them behind its
//!   own admin authentication or on an internal port.)
//!
//! `cargo run --example service --features axum,live,client` starts both servers
//! on loopback, runs a short scripted demo over HTTP, prints it, and exits.
//! With `-- --serve` it keeps serving (until interrupted) on `127.0.0.1:3000`
//! (or `PORT`) and prints example requests.
//!
//! `cargo test --example service --features axum,live,client` drives it over HTTP
//! on loopback, a few requests per test, each test bounded in time.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use permgate::axum::{Authorized, Authz, Caller, Identify, Identity, Live, Rejection, Reported};
use permgate::client::{Client, ClientError};
use permgate::genesys::RoleFile;
use permgate::live::{Credential, Load, LoadUser, Organizations, UserError, Users};
use permgate::{Catalog, Policy, UserDefinition, gates::ActionMapEditor, perm};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------
// Organizations: each one's roles, from a store the service owns

/// `org-a`'s roles: `agent` edits action maps, views and joins queues.
const ORG_A_ROLES: &str = r#"{"entities": [
  {"id": "r-agent-a", "name": "agent", "permissionPolicies": [
    {"domain": "journey", "entityName": "actionmap", "actionSet": ["*"]},
    {"domain": "routing", "entityName": "queue", "actionSet": ["join", "view"]}]}
]}"#;

/// `org-b`'s roles: `agent` only views queues.
const ORG_B_ROLES: &str = r#"{"entities": [
  {"id": "r-agent-b", "name": "agent", "permissionPolicies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}
]}"#;

/// Each organization's role file as the service stores it (a database, in
/// a real service), and how many times each was loaded.
#[derive(Clone, Default)]
struct RoleStore {
    files: Arc<Mutex<HashMap<String, String>>>,
    loads: Arc<Mutex<HashMap<String, usize>>>,
}

impl RoleStore {
    fn example() -> Self {
        let store = Self::default();
        store.set("org-a", ORG_A_ROLES);
        store.set("org-b", ORG_B_ROLES);
        store
    }

    /// Replaces an organization's role file (an admin edited its roles).
    fn set(&self, organization: &str, roles: &str) {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.insert(organization.to_owned(), roles.to_owned());
    }

    /// How many times `organization`'s policy was loaded.
    fn loads(&self, organization: &str) -> usize {
        let loads = self.loads.lock().unwrap_or_else(PoisonError::into_inner);
        loads.get(organization).copied().unwrap_or(0)
    }
}

/// Why an organization's policy could not be loaded.
#[derive(Debug)]
enum OrgError {
    Unknown,
    Roles(String),
}

impl fmt::Display for OrgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("no such organization"),
            Self::Roles(reason) => write!(f, "its roles do not load: {reason}"),
        }
    }
}

impl Error for OrgError {}

/// The registry's [`Load`]: an organization's policy from its role file,
/// all or nothing (a role that does not load fails the organization rather
/// than dropping its grants).
struct OrgRoles(RoleStore);

impl Load for OrgRoles {
    type Error = OrgError;

    async fn load(&self, organization: &str) -> Result<Policy, OrgError> {
        let text = {
            let files = self.0.files.lock().unwrap_or_else(PoisonError::into_inner);
            files.get(organization).cloned().ok_or(OrgError::Unknown)?
        };
        {
            let mut loads = self.0.loads.lock().unwrap_or_else(PoisonError::into_inner);
            *loads.entry(organization.to_owned()).or_default() += 1;
        }
        let file = RoleFile::parse(&text).map_err(|e| OrgError::Roles(e.to_string()))?;
        if let Some(error) = file.errors.first() {
            return Err(OrgError::Roles(error.to_string()));
        }
        let mut builder = Policy::builder(Catalog::builtin());
        for role in &file.roles {
            builder
                .add_role_definition(role)
                .map_err(|e| OrgError::Roles(e.to_string()))?;
        }
        Ok(builder.build())
    }
}

// ---------------------------------------------------------------------------
// Callers: a bearer token, hashed into the cache key

/// The bearer token of a request, if it has one.
fn bearer(parts: &Parts) -> Option<Credential> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| Credential::new(token.to_owned()))
}

/// The organization a request's path names: `/orgs/{org}/...`.
fn organization(parts: &Parts) -> Option<&str> {
    let rest = parts.uri.path().strip_prefix("/orgs/")?;
    rest.split('/').next().filter(|org| !org.is_empty())
}

/// The service's [`Identify`]: the organization from the path, the user key
/// a keyed hash of the bearer token (the key is random per process, so a
/// key means nothing outside it), the division from `x-division`.
struct BearerIdentity {
    hasher: RandomState,
}

impl BearerIdentity {
    fn key(&self, token: &Credential) -> String {
        format!("token-{:016x}", self.hasher.hash_one(token.expose()))
    }
}

impl Identify for BearerIdentity {
    async fn identify(&self, parts: &Parts) -> Result<Identity, Rejection> {
        let token = bearer(parts).ok_or_else(|| Rejection::unauthenticated("No bearer token."))?;
        let org = organization(parts).ok_or_else(|| Rejection::bad_request("No organization in the path."))?;
        // The key is the token's hash; the token goes beside it, for the loader.
        let identity = Identity::new(org, self.key(&token)).with_credential(token);
        Ok(match parts.headers.get("x-division") {
            None => identity,
            Some(division) => {
                let division = division
                    .to_str()
                    .map_err(|_| Rejection::bad_request("Unreadable x-division."))?;
                identity.in_division(division) // checked by permgate: "" or "d east" is a 400
            }
        })
    }
}

// ---------------------------------------------------------------------------
// The Platform API client

/// Why the caller's authorization could not be fetched. Never holds the token.
#[derive(Debug)]
enum Upstream {
    /// The Platform API refused the token (`401`).
    Refused,
    /// It did not answer, or answered neither `200` nor `401`.
    Down(String),
    /// Its answer was not a subject.
    Unreadable(String),
    /// No token given with the request (a bug of the service: its
    /// [`Identify`] always gives one).
    NoToken,
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused => f.write_str("the Platform API refused the token"),
            Self::Down(reason) => write!(f, "the Platform API did not answer: {reason}"),
            Self::Unreadable(reason) => write!(f, "subjects/me does not read: {reason}"),
            Self::NoToken => f.write_str("no token given with the request"),
        }
    }
}

impl Error for Upstream {}

/// The [`LoadUser`]: `GET /api/v2/authorization/subjects/me` with the
/// caller's token, through the Platform API [`Client`], read into a
/// [`SubjectSpec`](permgate::genesys::SubjectSpec).
#[derive(Clone)]
struct PlatformApi {
    client: Client,
}

impl LoadUser for PlatformApi {
    type Error = Upstream;

    async fn load_user(
        &self,
        _organization: &str,
        _key: &str,
        credential: Option<&Credential>,
    ) -> Result<UserDefinition, Upstream> {
        let token = credential.ok_or(Upstream::NoToken)?;
        match self.client.subjects_me(token).await {
            Ok(subject) => Ok(subject.definition()),
            Err(ClientError::Unauthorized { .. }) => Err(Upstream::Refused),
            Err(ClientError::Unreadable { error, .. }) => Err(Upstream::Unreadable(error.to_string())),
            Err(other) => Err(Upstream::Down(other.to_string())),
        }
    }
}

/// One HTTP/1.1 request over a fresh loopback connection (hyper): the status
/// and the body.
async fn http(
    addr: SocketAddr,
    method: Method,
    path: &str,
    token: Option<&Credential>,
) -> Result<(u16, String), Box<dyn Error + Send + Sync>> {
    let stream = TcpStream::connect(addr).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, addr.to_string());
    if let Some(token) = token {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))?;
        value.set_sensitive(true);
        request = request.header(header::AUTHORIZATION, value);
    }
    let response = sender.send_request(request.body(Empty::<Bytes>::new())?).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

// ---------------------------------------------------------------------------
// The service

/// The user cache over the registry, with this service's loaders.
type ServiceUsers = Users<OrgRoles, PlatformApi>;

/// What every handler can reach.
#[derive(Clone)]
struct AppState {
    authz: Authz,
    users: ServiceUsers,
}

impl FromRef<AppState> for Authz {
    fn from_ref(state: &AppState) -> Self {
        state.authz.clone()
    }
}

/// The caller's user id, for the answers.
fn user_of(caller: &Caller) -> String {
    caller
        .policy
        .compiled_user()
        .map(|user| user.name().to_owned())
        .unwrap_or_default()
}

/// Gate [`ActionMapEditor`]: the handler runs only with its proof.
async fn action_maps(auth: Authorized<ActionMapEditor>) -> String {
    format!("action maps for {}\n", user_of(&auth.caller))
}

/// One permission, required in the handler.
async fn join_queue(caller: Caller) -> Result<String, Rejection> {
    caller.require(perm::routing::QUEUE_JOIN)?;
    Ok(format!("{} joined the queue\n", user_of(&caller)))
}

/// The same gate, being rolled out: report-only on this route.
async fn rollout(gate: Reported<ActionMapEditor>) -> String {
    match &gate.granted {
        Ok(_proof) => format!("new editor for {}\n", user_of(&gate.caller)),
        Err(denied) => {
            let missing: Vec<&str> = denied.missing().iter().map(|permission| permission.key()).collect();
            format!(
                "new editor for {} (report-only: denied, missing {})\n",
                user_of(&gate.caller),
                missing.join(", ")
            )
        }
    }
}

/// Drops every cached entry of user `id` in `org`, whatever token it was
/// cached under.
async fn invalidate(State(state): State<AppState>, Path((org, id)): Path<(String, String)>) -> String {
    let dropped = state.users.invalidate_where(&org, |user| user.name == id).await;
    format!("invalidated {dropped} cached entries\n")
}

/// Reloads one organization's roles; the others are not touched. A failed
/// reload keeps the current policy.
async fn reload(State(state): State<AppState>, Path(org): Path<String>) -> impl IntoResponse {
    match state.users.organizations().reload(&org).await {
        Ok(policy) => (
            StatusCode::OK,
            format!("reloaded {org}: {} roles\n", policy.roles().len()),
        ),
        Err(error) => {
            let reason = error.error().to_string();
            (StatusCode::UNPROCESSABLE_ENTITY, format!("reload refused: {reason}\n"))
        }
    }
}

/// The service's state over the Platform API at `platform`.
fn state(roles: RoleStore, platform: SocketAddr) -> AppState {
    let organizations = Organizations::new(OrgRoles(roles));
    // The Platform API is the stand-in on loopback: plain http is allowed
    // there (only there). A service names its region instead: `.region("us-east-1")`.
    let base = format!("http://{platform}");
    let client = Client::builder().api_base(&base).login_base(&base).build();
    let client = client.unwrap_or_else(|error| unreachable!("a loopback base URL is valid: {error}"));
    let users = Users::new(organizations, PlatformApi { client });
    let identify = BearerIdentity {
        hasher: RandomState::new(),
    };
    let live = Live::new(users.clone(), identify).user_error(|error| match error {
        UserError::Load { error, .. } if matches!(**error, Upstream::Refused) => {
            Rejection::bad_credentials("The token was refused.")
        }
        _ => Rejection::unavailable("The caller's authorization cannot be loaded now; retry later."),
    });
    AppState {
        authz: Authz::from_authorize(live),
        users,
    }
}

/// The routes; each gate is in its handler's signature.
fn app(state: AppState) -> Router {
    let mut report_only = state.clone();
    report_only.authz = report_only.authz.report_only(true);
    let rollout = Router::new()
        .route("/orgs/{org}/rollout", get(rollout))
        .with_state(report_only);
    Router::new()
        .route("/orgs/{org}/action-maps", get(action_maps))
        .route("/orgs/{org}/queues/join", get(join_queue))
        .route("/admin/orgs/{org}/users/{id}/invalidate", post(invalidate))
        .route("/admin/orgs/{org}/reload", post(reload))
        .with_state(state)
        .merge(rollout)
}

// ---------------------------------------------------------------------------
// The Platform API's stand-in

/// A local stand-in for the Platform API: `users/me?expand=authorization`
/// and `subjects/me` for the tokens it knows (`401` otherwise), counting the
/// requests it answers.
mod stand_in {
    use super::*;

    /// One caller, as the platform knows it.
    #[derive(Clone)]
    pub struct Me {
        pub id: &'static str,
        pub name: &'static str,
        /// The roles it holds in every division, by name (the platform's
        /// `subjects/me` lists them without their policies here).
        pub roles: &'static [&'static str],
    }

    /// The example's callers: the same user id `u-ana` in both
    /// organizations (a token per organization), `u-ben` in `org-b`.
    pub fn example() -> HashMap<&'static str, Me> {
        let ana = Me {
            id: "u-ana",
            name: "Ana",
            roles: &["agent"],
        };
        HashMap::from([
            ("tok-ana-a", ana.clone()),
            ("tok-ana-b", ana),
            (
                "tok-ben-b",
                Me {
                    id: "u-ben",
                    name: "Ben",
                    roles: &["agent"],
                },
            ),
        ])
    }

    #[derive(Clone)]
    struct Known {
        tokens: Arc<HashMap<&'static str, Me>>,
        requests: Arc<AtomicUsize>,
    }

    impl Known {
        fn caller(&self, parts: &Parts) -> Option<&Me> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let token = bearer(parts)?;
            self.tokens.get(token.expose())
        }
    }

    fn unauthorized() -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
        let body = r#"{"message": "No authentication bearer token specified in authorization header.", "code": "authentication.required", "status": 401}"#;
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_owned(),
        )
    }

    fn json(body: serde_json::Value) -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
    }

    /// `GET /api/v2/users/me?expand=authorization`: the `User` with its
    /// `authorization` (`roles`, and no permissions of its own here).
    async fn users_me(State(known): State<Known>, parts: Parts) -> impl IntoResponse {
        let Some(me) = known.caller(&parts) else {
            return unauthorized();
        };
        let roles: Vec<_> = me
            .roles
            .iter()
            .map(|role| serde_json::json!({"id": format!("r-{role}"), "name": role}))
            .collect();
        json(serde_json::json!({
            "id": me.id,
            "name": me.name,
            "authorization": {"roles": roles, "permissions": [], "permissionPolicies": []},
        }))
    }

    /// `GET /api/v2/authorization/subjects/me`: the `AuthzSubject`, each
    /// grant a role in every division (`*`).
    async fn subjects_me(State(known): State<Known>, parts: Parts) -> impl IntoResponse {
        let Some(me) = known.caller(&parts) else {
            return unauthorized();
        };
        let grants: Vec<_> = me
            .roles
            .iter()
            .map(|role| {
                serde_json::json!({
                    "subjectId": me.id,
                    "division": {"id": "*"},
                    "role": {"id": format!("r-{role}"), "name": role},
                })
            })
            .collect();
        json(serde_json::json!({"id": me.id, "name": me.name, "grants": grants}))
    }

    /// Starts the stand-in on an ephemeral loopback port: its address, and
    /// the count of requests it answered.
    pub async fn start(tokens: HashMap<&'static str, Me>) -> std::io::Result<(SocketAddr, Arc<AtomicUsize>)> {
        let known = Known {
            tokens: Arc::new(tokens),
            requests: Arc::default(),
        };
        let requests = Arc::clone(&known.requests);
        let app = Router::new()
            .route("/api/v2/users/me", get(users_me))
            .route("/api/v2/authorization/subjects/me", get(subjects_me))
            .with_state(known);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok((addr, requests))
    }
}

/// Starts the service on `listener` (the Platform API at `platform`).
fn spawn_service(listener: TcpListener, roles: RoleStore, platform: SocketAddr) {
    let app = app(state(roles, platform));
    tokio::spawn(async move { axum::serve(listener, app).await });
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let serve = std::env::args().any(|arg| arg == "--serve");
    let (platform, requests) = stand_in::start(stand_in::example()).await?;
    let roles = RoleStore::example();
    let port: u16 = match (serve, std::env::var("PORT")) {
        (true, Ok(port)) => port.parse().map_err(|e| format!("PORT `{port}`: {e}"))?,
        (true, Err(_)) => 3000,
        (false, _) => 0,
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    spawn_service(listener, roles.clone(), platform);
    println!("Platform API stand-in on http://{platform}; permgate example service on http://{addr}");

    if serve {
        println!("tokens: tok-ana-a (u-ana, org-a), tok-ana-b (u-ana, org-b), tok-ben-b (u-ben, org-b)");
        println!("  curl -i -H 'Authorization: Bearer tok-ana-a' http://{addr}/orgs/org-a/action-maps   # 200");
        println!("  curl -i -H 'Authorization: Bearer tok-ana-b' http://{addr}/orgs/org-b/action-maps   # 403");
        println!(
            "  curl -i -H 'Authorization: Bearer tok-ana-b' http://{addr}/orgs/org-b/rollout       # 200, reported"
        );
        println!("  curl -i http://{addr}/orgs/org-a/queues/join                                        # 401");
        println!("  curl -i -X POST http://{addr}/admin/orgs/org-a/users/u-ana/invalidate");
        println!("  curl -i -X POST http://{addr}/admin/orgs/org-a/reload");
        println!("serving until interrupted (Ctrl-C)");
        std::future::pending::<()>().await;
        return Ok(());
    }

    // A short scripted demo, then exit.
    let ana_a = Credential::new("tok-ana-a".to_owned());
    let ana_b = Credential::new("tok-ana-b".to_owned());
    let steps: [(&str, Method, &str, Option<&Credential>); 8] = [
        (
            "u-ana in org-a, gate",
            Method::GET,
            "/orgs/org-a/action-maps",
            Some(&ana_a),
        ),
        (
            "u-ana in org-b, gate",
            Method::GET,
            "/orgs/org-b/action-maps",
            Some(&ana_b),
        ),
        (
            "u-ana in org-b, report-only",
            Method::GET,
            "/orgs/org-b/rollout",
            Some(&ana_b),
        ),
        (
            "u-ana in org-a, permission",
            Method::GET,
            "/orgs/org-a/queues/join",
            Some(&ana_a),
        ),
        ("no token", Method::GET, "/orgs/org-a/queues/join", None),
        (
            "admin: invalidate u-ana in org-a",
            Method::POST,
            "/admin/orgs/org-a/users/u-ana/invalidate",
            None,
        ),
        ("admin: reload org-a", Method::POST, "/admin/orgs/org-a/reload", None),
        (
            "u-ana in org-a again, fetched again",
            Method::GET,
            "/orgs/org-a/action-maps",
            Some(&ana_a),
        ),
    ];
    for (what, method, path, token) in steps {
        let (status, body) = http(addr, method.clone(), path, token).await?;
        println!("{what}: {method} {path} -> {status} {}", body.trim_end());
    }
    println!(
        "the Platform API stand-in answered {} requests: one per caller and organization, one after the invalidation",
        requests.load(Ordering::SeqCst)
    );
    println!(
        "policies loaded: org-a {} times (once, then its reload), org-b {} time",
        roles.loads("org-a"),
        roles.loads("org-b")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use permgate::genesys::wire::ErrorBody;
    use std::future::Future;
    use std::time::Duration;

    async fn within<T>(test: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), test)
            .await
            .expect("the test ran out of time")
    }

    struct Running {
        addr: SocketAddr,
        platform: SocketAddr,
        requests: Arc<AtomicUsize>,
        roles: RoleStore,
    }

    impl Running {
        async fn start() -> Self {
            let (platform, requests) = stand_in::start(stand_in::example()).await.unwrap();
            let roles = RoleStore::example();
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            spawn_service(listener, roles.clone(), platform);
            Self {
                addr,
                platform,
                requests,
                roles,
            }
        }

        async fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
            let token = token.map(|token| Credential::new(token.to_owned()));
            http(self.addr, Method::GET, path, token.as_ref()).await.unwrap()
        }

        async fn post(&self, path: &str) -> (u16, String) {
            http(self.addr, Method::POST, path, None).await.unwrap()
        }

        fn upstream(&self) -> usize {
            self.requests.load(Ordering::SeqCst)
        }
    }

    /// A refusal's status and body (Genesys-shaped, with a `contextId`).
    fn refusal(status: u16, body: &str) -> ErrorBody {
        let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_else(|_| panic!("{status} {body}"));
        assert_eq!(parsed.status, Some(status), "{body}");
        assert!(parsed.context_id.is_some(), "{body}");
        parsed
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_user_id_in_two_organizations_200_and_403() {
        within(async {
            let service = Running::start().await;
            let (status, body) = service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await;
            assert_eq!((status, body.as_str()), (200, "action maps for u-ana\n"));
            let (status, body) = service.get("/orgs/org-b/action-maps", Some("tok-ana-b")).await;
            assert_eq!(status, 403, "{body}");
            let body = refusal(status, &body);
            assert_eq!(body.code.as_deref(), Some("missing.permissions"));
            // A single permission: the same split.
            let (status, body) = service.get("/orgs/org-a/queues/join", Some("tok-ana-a")).await;
            assert_eq!((status, body.as_str()), (200, "u-ana joined the queue\n"));
            let (status, body) = service.get("/orgs/org-b/queues/join", Some("tok-ben-b")).await;
            assert_eq!(refusal(status, &body).code.as_deref(), Some("missing.permissions"));
            assert_eq!(service.roles.loads("org-a"), 1);
            assert_eq!(service.roles.loads("org-b"), 1);
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_token_401_refused_token_401_neither_echoed() {
        within(async {
            let service = Running::start().await;
            let (status, body) = service.get("/orgs/org-a/action-maps", None).await;
            assert_eq!(status, 401);
            assert_eq!(refusal(status, &body).code.as_deref(), Some("authentication.required"));
            let (status, body) = service.get("/orgs/org-a/action-maps", Some("tok-nobody")).await;
            assert_eq!(status, 401);
            assert!(!body.contains("tok-nobody"), "{body}");
            assert_eq!(refusal(status, &body).code.as_deref(), Some("bad.credentials"));
            // The stand-in serves users/me too, in its published shape.
            let token = Credential::new("tok-ana-a".to_owned());
            let (status, body) = http(
                service.platform,
                Method::GET,
                "/api/v2/users/me?expand=authorization",
                Some(&token),
            )
            .await
            .unwrap();
            assert_eq!(status, 200);
            let me = permgate::genesys::UserAuthorization::parse(&body).unwrap();
            assert_eq!(me.id.as_deref(), Some("u-ana"));
            let (status, _) = http(service.platform, Method::GET, "/api/v2/users/me", None)
                .await
                .unwrap();
            assert_eq!(status, 401);
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cached_then_invalidated_by_the_admin() {
        within(async {
            let service = Running::start().await;
            assert_eq!(service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await.0, 200);
            assert_eq!(service.upstream(), 1);
            // Cache hits: the stand-in is not asked again, whatever the route.
            assert_eq!(service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await.0, 200);
            assert_eq!(service.get("/orgs/org-a/queues/join", Some("tok-ana-a")).await.0, 200);
            assert_eq!(service.upstream(), 1);

            let (status, body) = service.post("/admin/orgs/org-a/users/u-ana/invalidate").await;
            assert_eq!((status, body.as_str()), (200, "invalidated 1 cached entries\n"));
            assert_eq!(service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await.0, 200);
            assert_eq!(service.upstream(), 2, "fetched again after the invalidation");
            assert_eq!(service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await.0, 200);
            assert_eq!(service.upstream(), 2);
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reloading_org_a_while_org_b_serves() {
        within(async {
            let service = Running::start().await;
            assert_eq!(service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await.0, 200);
            assert_eq!(service.get("/orgs/org-b/queues/join", Some("tok-ben-b")).await.0, 403);

            // An admin takes action maps from org-a's agents: nothing changes until the reload.
            service.roles.set("org-a", ORG_B_ROLES);
            assert_eq!(service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await.0, 200);
            let (status, body) = service.post("/admin/orgs/org-a/reload").await;
            assert_eq!((status, body.as_str()), (200, "reloaded org-a: 1 roles\n"));
            let (status, body) = service.get("/orgs/org-a/action-maps", Some("tok-ana-a")).await;
            assert_eq!(refusal(status, &body).code.as_deref(), Some("missing.permissions"));
            // Recompiled from the cached subject: no new fetch.
            assert_eq!(service.upstream(), 2);

            // A broken role file: the reload is refused, org-a keeps its policy.
            service.roles.set("org-a", r#"{"name": "agent"}"#);
            let (status, body) = service.post("/admin/orgs/org-a/reload").await;
            assert_eq!(status, 422, "{body}");
            assert_eq!(service.get("/orgs/org-a/queues/join", Some("tok-ana-a")).await.0, 403);

            // org-b was never reloaded and serves as before.
            assert_eq!(service.roles.loads("org-b"), 1);
            assert_eq!(service.get("/orgs/org-b/action-maps", Some("tok-ana-b")).await.0, 403);
            let (status, body) = service.get("/orgs/org-b/rollout", Some("tok-ana-b")).await;
            assert_eq!(status, 200, "{body}");
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_report_only_route_lets_a_denied_caller_through() {
        within(async {
            let service = Running::start().await;
            let (status, body) = service.get("/orgs/org-a/rollout", Some("tok-ana-a")).await;
            assert_eq!((status, body.as_str()), (200, "new editor for u-ana\n"));
            let (status, body) = service.get("/orgs/org-b/rollout", Some("tok-ana-b")).await;
            assert_eq!(status, 200, "{body}");
            assert!(body.starts_with("new editor for u-ana (report-only: "), "{body}");
            // The strict route refuses the same caller; before the gate, refusals stay.
            assert_eq!(service.get("/orgs/org-b/action-maps", Some("tok-ana-b")).await.0, 403);
            assert_eq!(service.get("/orgs/org-b/rollout", None).await.0, 401);
        })
        .await;
    }
}
