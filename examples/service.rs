//! A web service (axum) whose handlers cannot run without a permgate proof,
//! deciding for Genesys Cloud users read from their users/me documents and
//! reloading them while it serves.
//!
//! - **Users.** Each `*.json` file of a directory is one user as
//!   `GET /api/v2/users/me?expand=authorization` returns it, named by the
//!   document's `id`. They are compiled into one [`Policy`] kept behind a
//!   [`PolicyHandle`] in the axum state; each request decides against one
//!   snapshot of it. (A users/me document holds its three-segment
//!   permissions and its policies in every division; where decisions per
//!   division matter, the subject, `GET /api/v2/authorization/subjects/{id}`
//!   read with `PolicyBuilder::add_subject`, is authoritative.)
//! - **The caller** is named by the `x-user-id` header. A real service never
//!   trusts a user the client names: it derives the user from its own session
//!   or from a verified token (a JWT claim, say), then decides exactly as here.
//! - **Divisions.** A `division` query parameter asks about the user in that
//!   division; without it the user is answered for every division at once.
//! - **Gates.** A handler takes `permgate::axum`'s `Authorized<G>` extractor
//!   (feature `axum`), which wraps a [`Granted<G>`]: it runs only once the
//!   caller passed gate `G`. The service says who the caller is by
//!   implementing `Resolve`. A denied caller gets `403` and the body Genesys
//!   Cloud itself returns (`missing.permissions`, every missing permission
//!   with its label), an unknown user `403`, a request without the header `401`.
//! - **Conditions.** `GET /permissions/{permission}` answers one permission
//!   with [`Policy::decide`]: allowed, allowed where conditions hold (`200`
//!   and the conditions, which the service evaluates against the resource),
//!   or denied (`403`).
//! - **Reload.** `POST /admin/reload` reads the directory again and swaps the
//!   new policy in with [`PolicyHandle::reload`]. A file that does not load
//!   refuses the whole reload: `422` with the reason, and the old policy keeps
//!   serving. (This endpoint is open here; a real service keeps it behind its
//!   own admin authentication or on an internal port.)
//!
//! Run it with `cargo run --example service --features axum` (on `127.0.0.1:3000`, or the
//! port in `PORT`; users from `examples/service/users/`, or from the
//! directory given as argument), then:
//!
//! ```sh
//! curl -i -H 'x-user-id: u-analyst' localhost:3000/reports/action-maps             # 200: two policies together
//! curl -i -H 'x-user-id: u-east' 'localhost:3000/queues?division=d-east'           # 200
//! curl -i -H 'x-user-id: u-east' 'localhost:3000/queues?division=d-west'           # 403: no join or search there
//! curl -i -H 'x-user-id: u-east' localhost:3000/queues                             # 403: not in every division
//! curl -i -H 'x-user-id: u-lead' localhost:3000/permissions/routing:queue:edit     # 200: only where Queue.id IN [...]
//! curl -i -H 'x-user-id: u-lead' localhost:3000/permissions/routing:queue:delete   # 403
//! curl -i -H 'x-user-id: nobody' localhost:3000/queues                             # 403: unknown user
//! curl -i localhost:3000/queues                                                    # 401: no user
//! curl -i -X POST localhost:3000/admin/reload                                      # 200, or 422 and the old policy kept
//! ```
//!
//! To try a reload, serve a copy of the users and edit it:
//! `cp -r examples/service/users /tmp/users && cargo run --example service --features axum -- /tmp/users`.
//!
//! `cargo test --example service --features axum` starts the service and sends it real HTTP
//! requests, a reload from edited files included.

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{self, FromRef, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use permgate::axum::{Authorized, Authz, Caller, Rejection, Resolve};
use permgate::gates::ActionMapAnalyticsReport;
use permgate::genesys::UserAuthorization;
use permgate::{Catalog, Decision, Granted, Policy, PolicyHandle, Principal, gate, perm, text::Escaped};

/// The header that names the caller (see the module docs: a real service
/// takes the user from its session or a verified token instead).
const USER_HEADER: &str = "x-user-id";

/// The users this example serves when no directory is given.
const EXAMPLE_USERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/service/users");

gate! {
    /// The service's own queue panel: see queues, and join or search them.
    pub QueuePanel {
        description: "See queues, and join or search them.",
        required: [perm::routing::QUEUE_VIEW],
        any_of: [[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
    }
}

// ---------------------------------------------------------------------------
// Loading users

/// Why the users could not be loaded: the file (or directory) and the reason.
#[derive(Debug)]
struct LoadError {
    file: String,
    reason: Box<dyn Error + Send + Sync>,
}

impl LoadError {
    fn new(file: &Path, reason: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        // The file's name is enough for whoever edits the directory.
        let file = file
            .file_name()
            .unwrap_or(file.as_os_str())
            .to_string_lossy()
            .into_owned();
        Self {
            file,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.reason)
    }
}

impl Error for LoadError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.reason)
    }
}

/// Compiles every users/me document (`*.json`) of `dir` into one policy, all
/// or nothing: a file that does not read, parse or compile fails the whole
/// load, so that a typo can never drop a user's grants or widen them.
fn load_users(dir: &Path) -> Result<Policy, LoadError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| LoadError::new(dir, e))? {
        let path = entry.map_err(|e| LoadError::new(dir, e))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    // An empty directory is more likely a mistake (a missing mount, a wrong
    // path) than an organization without users.
    if files.is_empty() {
        return Err(LoadError::new(dir, "no users/me documents (`*.json`)"));
    }
    files.sort(); // the same files always build the same policy
    let mut builder = Policy::builder(Catalog::builtin());
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| LoadError::new(file, e))?;
        let user = UserAuthorization::parse(&text).map_err(|e| LoadError::new(file, e))?;
        // Named by the document's `id`; a duplicate id is an error.
        builder
            .add_user_definition(&user.definition(None))
            .map_err(|e| LoadError::new(file, e))?;
    }
    Ok(builder.build())
}

// ---------------------------------------------------------------------------
// State and the caller

/// What every handler can reach.
#[derive(Clone)]
struct AppState {
    /// The current policy behind its handle, and how a request names its
    /// caller: what `permgate::axum`'s extractors need.
    authz: Authz,
    /// Where the users/me documents are read from, at startup and on reload.
    users: Arc<Path>,
}

impl FromRef<AppState> for Authz {
    fn from_ref(state: &AppState) -> Self {
        state.authz.clone()
    }
}

/// An answer: a status and a plain-text body.
type Reply = (StatusCode, String);

/// The caller of a request: the user the `x-user-id` header names, in the
/// division of the `division` query parameter (every division without it).
struct FromHeader;

impl Resolve for FromHeader {
    fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection> {
        let Some(header) = parts.headers.get(USER_HEADER) else {
            return Err(Rejection::unauthenticated(&format!("missing `{USER_HEADER}` header")));
        };
        let user = header
            .to_str()
            .map_err(|_| Rejection::bad_request(&format!("`{USER_HEADER}` is not visible ASCII")))?;
        let division = division(parts)?;
        let id = policy.user(user).ok_or_else(|| Rejection::unknown(user))?;
        Ok(match division {
            Some(division) => policy.user_in(id, division),
            None => id.into(), // every division
        })
    }
}

/// The `division` query parameter, if any: a division id (ASCII letters,
/// digits, `-`, `_`, as in the platform's UUIDs) or `*`, every division.
fn division(parts: &Parts) -> Result<Option<&str>, Rejection> {
    let Some(division) = parts
        .uri
        .query()
        .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("division=")))
    else {
        return Ok(None);
    };
    let is_id = !division.is_empty()
        && division
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if is_id || division == "*" {
        Ok(Some(division))
    } else {
        Err(Rejection::bad_request(&format!(
            "`division` is not a division id: `{}`",
            Escaped(division)
        )))
    }
}

/// The user's id, for the answers.
fn user_of(caller: &Caller) -> &str {
    caller.policy.name(caller.principal).unwrap_or("?")
}

// ---------------------------------------------------------------------------
// Handlers

/// Gate from the vendor documents: action map view and journey report view.
async fn action_map_report(auth: Authorized<ActionMapAnalyticsReport>) -> String {
    build_report(auth.granted, user_of(&auth.caller))
}

/// Code deeper in the service can require the proof too: it cannot be called
/// without a check of the gate.
fn build_report(_proof: Granted<ActionMapAnalyticsReport>, user: &str) -> String {
    format!("action map report for `{user}`: 0 maps, 0 outcomes\n")
}

/// The service's own gate, declared with `gate!`.
async fn queue_panel(auth: Authorized<QueuePanel>) -> String {
    format!("queue panel for `{}`\n", user_of(&auth.caller))
}

/// One permission, in any spelling, with its full decision: allowed (200),
/// allowed only where conditions hold (200 and the conditions; a handler
/// that acts on a resource evaluates them), or denied (403).
async fn decide(caller: Caller, extract::Path(permission): extract::Path<String>) -> Reply {
    let policy = &caller.policy;
    match policy.decide(caller.principal, &permission) {
        Ok(Decision::Allowed) => (StatusCode::OK, "allowed\n".to_owned()),
        Ok(Decision::AllowedIf(conditions)) => {
            let mut body = String::from("allowed where one of these holds for the resource:\n");
            for condition in conditions {
                body.push_str(&format!("  {condition}\n"));
            }
            (StatusCode::OK, body)
        }
        Ok(Decision::Denied) => {
            let who = policy.describe(caller.principal).unwrap_or_default();
            (
                StatusCode::FORBIDDEN,
                format!("{who} may not `{}`\n", Escaped(&permission)),
            )
        }
        // Not a permission (malformed, a wildcard, an unknown label): the request is wrong.
        Err(error) => (StatusCode::BAD_REQUEST, format!("{error}\n")),
    }
}

/// Reads the users again and swaps the new policy in; on any error keeps the
/// current policy and answers 422 with the reason.
async fn reload(State(state): State<AppState>) -> Reply {
    // Reading files blocks: off the async workers.
    let reloaded = tokio::task::spawn_blocking(move || {
        let mut users = 0;
        // `reload` may run the closure again if another reload won the race.
        // This service's `Authz` is over one handle (`Authz::new`): it has one.
        let Some(handle) = state.authz.policy() else {
            return Ok(0);
        };
        handle.reload(|_current| {
            let policy = load_users(&state.users)?;
            users = policy.users().len();
            Ok::<_, LoadError>(policy)
        })?;
        Ok::<_, LoadError>(users)
    })
    .await;
    match reloaded {
        Ok(Ok(users)) => (StatusCode::OK, format!("reloaded {users} users\n")),
        Ok(Err(error)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("reload refused, the current policy stays: {error}\n"),
        ),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, format!("reload failed: {error}\n")),
    }
}

/// The routes; each gate is in its handler's signature.
fn app(state: AppState) -> Router {
    Router::new()
        .route("/reports/action-maps", get(action_map_report))
        .route("/queues", get(queue_panel))
        .route("/permissions/{permission}", get(decide))
        .route("/admin/reload", post(reload))
        .with_state(state)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let users: PathBuf = std::env::args_os()
        .nth(1)
        .map_or_else(|| EXAMPLE_USERS.into(), PathBuf::from);
    let policy = load_users(&users)?;
    let names: Vec<&str> = policy.users().filter_map(|user| policy.name(user)).collect();
    println!("users from {}: {}", users.display(), names.join(", "));
    let state = AppState {
        authz: Authz::new(Arc::new(PolicyHandle::new(policy)), FromHeader),
        users: users.into(),
    };

    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT `{port}`: {e}"))?,
        Err(_) => 3000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("permgate example service on http://{addr}");
    println!("  curl -i -H '{USER_HEADER}: u-analyst' http://{addr}/reports/action-maps");
    println!("  curl -i -H '{USER_HEADER}: u-east' 'http://{addr}/queues?division=d-west'");
    println!("  curl -i -H '{USER_HEADER}: u-lead' http://{addr}/permissions/routing:queue:edit");
    println!("  curl -i -X POST http://{addr}/admin/reload");
    axum::serve(listener, app(state)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use permgate::genesys::wire::ErrorBody;
    use permgate::genesys::{ForbiddenBody, forbidden_body};
    use std::io::ErrorKind::WouldBlock;
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::net::{TcpListener, TcpStream};

    /// Starts the service on an ephemeral port, serving the users of `dir`.
    async fn start(dir: &Path) -> SocketAddr {
        let state = AppState {
            authz: Authz::new(Arc::new(PolicyHandle::new(load_users(dir).unwrap())), FromHeader),
            users: dir.into(),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
        addr
    }

    fn example_users() -> &'static Path {
        Path::new(EXAMPLE_USERS)
    }

    /// Sends one HTTP/1.1 request and reads the response until the server
    /// closes the connection; returns the status code and the body.
    async fn send(addr: SocketAddr, method: &str, path: &str, user: Option<&str>) -> (u16, String) {
        let user = user
            .map(|user| format!("{USER_HEADER}: {user}\r\n"))
            .unwrap_or_default();
        let request =
            format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{user}Content-Length: 0\r\nConnection: close\r\n\r\n");
        let stream = TcpStream::connect(addr).await.unwrap();
        let mut unsent = request.as_bytes();
        while !unsent.is_empty() {
            stream.writable().await.unwrap();
            match stream.try_write(unsent) {
                Ok(n) => unsent = &unsent[n..],
                Err(e) if e.kind() == WouldBlock => {}
                Err(e) => panic!("write: {e}"),
            }
        }
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            stream.readable().await.unwrap();
            match stream.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == WouldBlock => {}
                Err(e) => panic!("read: {e}"),
            }
        }
        let response = String::from_utf8(response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_owned())
    }

    /// The `code` and `message` of a refusal's body (which carries a `contextId`).
    fn refusal(body: &str) -> (String, String) {
        let body: ErrorBody = serde_json::from_str(body).unwrap();
        assert!(body.context_id.is_some(), "{body:?}");
        (body.code.unwrap(), body.message.unwrap())
    }

    /// A refusal's body without its `contextId` (one per request) nor its nested bodies'.
    fn without_context_id(body: &str) -> serde_json::Value {
        fn strip(value: &mut serde_json::Value) {
            if let Some(object) = value.as_object_mut() {
                assert!(object.remove("contextId").is_some(), "{object:?}");
                for nested in object
                    .get_mut("errors")
                    .and_then(|e| e.as_array_mut())
                    .into_iter()
                    .flatten()
                {
                    strip(nested);
                }
            }
        }
        let mut value = serde_json::from_str(body).unwrap();
        strip(&mut value);
        value
    }

    /// The required permissions a 403 body lists.
    fn missing_keys(body: &str) -> Vec<String> {
        let read = ForbiddenBody::parse(body).unwrap();
        read.missing.into_iter().map(|m| m.key).collect()
    }

    /// A fresh copy of the example users, for a test that edits them.
    fn copy_of_example_users() -> PathBuf {
        static COPIES: AtomicU32 = AtomicU32::new(0);
        let n = COPIES.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("permgate-service-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(example_users()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        dir
    }

    #[tokio::test]
    async fn two_policies_together_pass_a_gate_neither_passes_alone() {
        let addr = start(example_users()).await;
        let (status, body) = send(addr, "GET", "/reports/action-maps", Some("u-analyst")).await;
        assert_eq!(
            (status, body.as_str()),
            (200, "action map report for `u-analyst`: 0 maps, 0 outcomes\n")
        );
        // Policies hold in every division: the same in any division.
        let (status, body) = send(addr, "GET", "/reports/action-maps?division=d-east", Some("u-analyst")).await;
        assert_eq!(status, 200, "{body}");

        // Neither of the two policies alone would do.
        let text = std::fs::read_to_string(example_users().join("analyst.json")).unwrap();
        let analyst = UserAuthorization::parse(&text).unwrap();
        assert_eq!(analyst.policies.len(), 2);
        assert!(analyst.permissions.is_empty());
        for kept in &analyst.policies {
            let mut alone = analyst.clone();
            alone.policies.retain(|policy| policy == kept);
            let mut builder = Policy::builder(Catalog::builtin());
            let user = builder.add_user_definition(&alone.definition(None)).unwrap();
            let policy = builder.build();
            assert!(
                policy.check::<ActionMapAnalyticsReport>(user).is_err(),
                "{kept:?} alone"
            );
        }
    }

    #[tokio::test]
    async fn division_scoped_permissions_hold_only_in_their_division() {
        let addr = start(example_users()).await;
        let (status, body) = send(addr, "GET", "/queues?division=d-east", Some("u-east")).await;
        assert_eq!((status, body.as_str()), (200, "queue panel for `u-east`\n"));

        // In d-west the user may view queues but neither join nor search them:
        // 403 with the body Genesys Cloud itself returns for the library's denial.
        let (status, body) = send(addr, "GET", "/queues?division=d-west", Some("u-east")).await;
        assert_eq!(status, 403, "{body}");
        let policy = load_users(example_users()).unwrap();
        let east = policy.user("u-east").unwrap();
        let denied = policy.check::<QueuePanel>(policy.user_in(east, "d-west")).unwrap_err();
        // The same body, with the request's generated id as `contextId`.
        let mut sent: serde_json::Value = serde_json::from_str(&body).unwrap();
        let context_id = sent.as_object_mut().unwrap().remove("contextId").unwrap();
        assert_eq!(context_id.as_str().unwrap().len(), 36, "{body}");
        assert_eq!(sent, forbidden_body(&denied, None));
        let read = ForbiddenBody::parse(&body).unwrap();
        assert_eq!(read.code, "missing.any.permissions");
        let group: Vec<&str> = read.any_of[0].iter().map(|m| m.key.as_str()).collect();
        assert_eq!(group, ["routing:queue:join", "routing:queue:search"]);

        // Without a division, the user is asked about every division: its
        // grants name only d-east and d-west, so even viewing is denied.
        let (status, body) = send(addr, "GET", "/queues", Some("u-east")).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(missing_keys(&body), ["routing:queue:view"], "{body}");
        // `*` asks about every division too; a division none of its grants
        // names is answered like every division.
        let (status, every) = send(addr, "GET", "/queues?division=*", Some("u-east")).await;
        assert_eq!((status, without_context_id(&every)), (403, without_context_id(&body)));
        let (status, _) = send(addr, "GET", "/queues?division=d-north", Some("u-east")).await;
        assert_eq!(status, 403);
        // A malformed division is the request's fault.
        let (status, body) = send(addr, "GET", "/queues?division=d%20east", Some("u-east")).await;
        assert_eq!(
            (status, refusal(&body)),
            (
                400,
                (
                    "bad.request".into(),
                    "`division` is not a division id: `d%20east`".into()
                )
            )
        );
    }

    #[tokio::test]
    async fn a_conditional_grant_is_answered_with_its_conditions() {
        let addr = start(example_users()).await;
        let (status, body) = send(addr, "GET", "/permissions/routing:queue:edit", Some("u-lead")).await;
        assert_eq!(
            (status, body.as_str()),
            (
                200,
                "allowed where one of these holds for the resource:\n  Queue.id IN [QUEUE q-1, QUEUE q-2]\n"
            )
        );
        // Unconditional, in any spelling.
        let (status, body) = send(addr, "GET", "/permissions/ROUTING:QUEUE:VIEW", Some("u-lead")).await;
        assert_eq!((status, body.as_str()), (200, "allowed\n"));
        let (status, body) = send(addr, "GET", "/permissions/routing:queue:delete", Some("u-lead")).await;
        assert_eq!(
            (status, body.as_str()),
            (403, "user `u-lead` in every division may not `routing:queue:delete`\n")
        );
        // Its three-segment permissions hold in every division: the queue panel opens anywhere.
        let (status, body) = send(addr, "GET", "/queues", Some("u-lead")).await;
        assert_eq!((status, body.as_str()), (200, "queue panel for `u-lead`\n"));
        // A wildcard is not a question.
        let (status, body) = send(addr, "GET", "/permissions/routing:queue:*", Some("u-lead")).await;
        assert_eq!(status, 400, "{body}");
    }

    #[tokio::test]
    async fn missing_user_is_401_and_unknown_user_is_403() {
        let addr = start(example_users()).await;
        let (status, body) = send(addr, "GET", "/queues", None).await;
        assert_eq!(
            (status, refusal(&body)),
            (
                401,
                ("authentication.required".into(), "missing `x-user-id` header".into())
            )
        );
        let (status, body) = send(addr, "GET", "/permissions/routing:queue:view", None).await;
        assert_eq!(status, 401, "{body}");
        let (status, body) = send(addr, "GET", "/queues", Some("nobody")).await;
        assert_eq!(
            (status, refusal(&body)),
            (403, ("not.authorized".into(), "unknown principal `nobody`".into()))
        );
    }

    #[tokio::test]
    async fn a_reload_swaps_in_edited_files_and_a_bad_file_keeps_the_old_policy() {
        let dir = copy_of_example_users();
        let addr = start(&dir).await;
        let (status, _) = send(addr, "GET", "/reports/action-maps", Some("u-analyst")).await;
        assert_eq!(status, 200);

        // Revoke: the analyst loses the journey report policy.
        let file = dir.join("analyst.json");
        let mut user: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let policies = user["authorization"]["permissionPolicies"].as_array_mut().unwrap();
        policies.retain(|policy| policy["entityName"] != "report");
        assert_eq!(policies.len(), 1);
        std::fs::write(&file, serde_json::to_string_pretty(&user).unwrap()).unwrap();
        // Nothing changes until the reload.
        let (status, _) = send(addr, "GET", "/reports/action-maps", Some("u-analyst")).await;
        assert_eq!(status, 200);
        let (status, body) = send(addr, "POST", "/admin/reload", None).await;
        assert_eq!((status, body.as_str()), (200, "reloaded 3 users\n"));
        let (status, body) = send(addr, "GET", "/reports/action-maps", Some("u-analyst")).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(missing_keys(&body), ["journey:report:view"], "{body}");

        // A broken file: the reload is refused with the reason, the policy stays.
        std::fs::write(
            dir.join("queue-lead.json"),
            r#"{"id": "u-lead", "authorization": {"permissions": ["routing:queue"]}}"#,
        )
        .unwrap();
        let (status, body) = send(addr, "POST", "/admin/reload", None).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            body.starts_with("reload refused, the current policy stays: queue-lead.json: "),
            "{body}"
        );
        assert!(body.contains("`$.authorization.permissions[0]`"), "{body}");
        let (status, _) = send(addr, "GET", "/reports/action-maps", Some("u-analyst")).await;
        assert_eq!(status, 403, "the reloaded policy still serves");
        let (status, body) = send(addr, "GET", "/permissions/routing:queue:edit", Some("u-lead")).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Queue.id IN [QUEUE q-1, QUEUE q-2]"), "{body}");

        // Two files with the same user id: refused too.
        std::fs::copy(dir.join("analyst.json"), dir.join("queue-lead.json")).unwrap();
        let (status, body) = send(addr, "POST", "/admin/reload", None).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("duplicate user `u-analyst`"), "{body}");

        std::fs::remove_dir_all(&dir).unwrap();
    }
}
