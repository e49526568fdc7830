//! The axum extractors over the live registry (features `axum` + `live`), over real HTTP on
//! loopback: callers by bearer token (mapped to a user id: a token is never a cache key), two
//! organizations whose policies differ, the same handlers as over one policy (`Authorized<G>`,
//! `Reported<G>`, `Caller`), the division from the request (400 on a bad one), a 401 for no
//! token, a 503 for an organization whose loader fails while the other keeps serving, the
//! cache hit (no second loader call), report-only on the live state; and, in process through the
//! router (no sockets), 1,000 concurrent requests of one uncached caller (one loader call) and a
//! reload of one organization under traffic on two.
//!
//! Bounded: a handful of requests per test over HTTP, a few thousand in process, and `within` a
//! few seconds.

#![cfg(all(feature = "axum", feature = "live"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::http::request::Parts;
use axum::routing;
use permgate::axum::{Authorized, Authz, Caller, Identify, Identity, Rejection, Reported};
use permgate::genesys::wire::ErrorBody;
use permgate::live::{Credential, Load, LoadUser, Organizations, Users};
use permgate::{Catalog, Division, Policy, RoleDefinition, UserDefinition, gates::ActionMapEditor, perm};
use tokio::net::TcpListener;

async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("the test ran out of time")
}

#[derive(Debug)]
struct Unavailable;

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("upstream did not answer")
    }
}

impl std::error::Error for Unavailable {}

/// Role `agent` edits action maps in `org-a`, only views queues in `org-b`; `org-down` fails.
struct Policies;

impl Load for Policies {
    type Error = Unavailable;

    async fn load(&self, organization: &str) -> Result<Policy, Unavailable> {
        let grants: &[&str] = match organization {
            "org-a" => &["journey:actionmap:*", "routing:queue:view"],
            "org-b" => &["routing:queue:view"],
            _ => return Err(Unavailable),
        };
        Ok(Policy::builder(Catalog::builtin())
            .role("agent", grants)
            .unwrap()
            .build())
    }
}

/// Users by id: each holds the organization's `agent` (named only) everywhere, and joins queues
/// in `d-east`. Counts its calls.
#[derive(Clone, Default)]
struct Directory {
    calls: Arc<AtomicUsize>,
    /// How long a load takes: long enough, in the concurrency test, for every request to arrive
    /// while the first load is in flight.
    delay: Duration,
}

impl LoadUser for Directory {
    type Error = Unavailable;

    async fn load_user(
        &self,
        _organization: &str,
        user: &str,
        credential: Option<&Credential>,
    ) -> Result<UserDefinition, Unavailable> {
        // The caller's token, from the identity: never missing, never the key.
        let token = credential.ok_or(Unavailable)?;
        assert_ne!(token.expose(), user);
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        Ok(UserDefinition::new(user)
            .role(RoleDefinition::new("agent"), Division::All)
            .role(
                RoleDefinition::new("east joiner").grant(["routing:queue:join"]),
                Division::new("d-east"),
            ))
    }
}

/// The organization from `x-org`, the user from the bearer token through a table of tokens to
/// user ids (what verifying a token gives), the division from `x-division`.
struct Bearer {
    tokens: HashMap<&'static str, &'static str>,
}

impl Identify for Bearer {
    async fn identify(&self, parts: &Parts) -> Result<Identity, Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(|| Rejection::unauthenticated("No bearer token."))?;
        let user = self
            .tokens
            .get(token)
            .ok_or_else(|| Rejection::bad_credentials("The token is not accepted."))?;
        let org = parts
            .headers
            .get("x-org")
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| Rejection::bad_request("No x-org header."))?;
        let identity = Identity::new(org, *user).with_credential(Credential::new(token.to_owned()));
        Ok(match parts.headers.get("x-division") {
            None => identity,
            Some(division) => identity.in_division(
                division
                    .to_str()
                    .map_err(|_| Rejection::bad_request("Unreadable x-division."))?,
            ),
        })
    }
}

/// The same handlers as over one policy.
async fn maps(auth: Authorized<ActionMapEditor>) -> String {
    assert!(auth.granted.is_from(&auth.caller.policy));
    let user = auth.caller.policy.compiled_user().expect("a compiled user");
    format!("maps for {}", user.name())
}

async fn join(caller: Caller) -> Result<&'static str, Rejection> {
    caller.require(perm::routing::QUEUE_JOIN)?;
    Ok("joined")
}

async fn rollout(gate: Reported<ActionMapEditor>) -> &'static str {
    if gate.is_granted() { "granted" } else { "reported" }
}

fn authz(calls: &Directory) -> Authz {
    let organizations = Organizations::new(Policies);
    let users = Users::new(organizations, calls.clone());
    let tokens = HashMap::from([("tok-ana", "u-ana"), ("tok-ben", "u-ben")]);
    Authz::live(users, Bearer { tokens })
}

async fn serve(authz: Authz) -> SocketAddr {
    let reported = Router::new()
        .route("/rollout", routing::get(rollout))
        .with_state(authz.clone().report_only(true));
    let app = Router::new()
        .route("/maps", routing::get(maps))
        .route("/join", routing::get(join))
        .route("/strict-rollout", routing::get(rollout))
        .with_state(authz)
        .merge(reported);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// A GET over a fresh connection (blocking I/O off the runtime): the status and the body.
async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut request = format!("GET {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8(response).unwrap()
    })
    .await
    .unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.split(' ').nth(1).unwrap().parse().unwrap(), body.to_owned())
}

/// A refusal's status and Genesys-shaped body (with a `contextId`).
async fn refused(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, ErrorBody) {
    let (status, body) = get(addr, path, headers).await;
    let parsed: ErrorBody = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{status} {body}"));
    assert_eq!(parsed.status, Some(status));
    assert!(parsed.context_id.is_some());
    (status, parsed)
}

const ANA_A: &[(&str, &str)] = &[("authorization", "Bearer tok-ana"), ("x-org", "org-a")];
const ANA_B: &[(&str, &str)] = &[("authorization", "Bearer tok-ana"), ("x-org", "org-b")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_user_id_granted_in_one_organization_denied_in_the_other() {
    within(10, async {
        let directory = Directory::default();
        let addr = serve(authz(&directory)).await;

        assert_eq!(get(addr, "/maps", ANA_A).await, (200, "maps for u-ana".to_owned()));
        let (status, body) = refused(addr, "/maps", ANA_B).await;
        assert_eq!(status, 403);
        assert!(
            body.code.as_deref().unwrap_or_default().starts_with("missing."),
            "{body:?}"
        );
        assert_eq!(directory.calls.load(Ordering::SeqCst), 2, "one load per organization");

        // Cache hits: no more loader calls.
        for _ in 0..3 {
            assert_eq!(get(addr, "/maps", ANA_A).await.0, 200);
            assert_eq!(get(addr, "/maps", ANA_B).await.0, 403);
        }
        assert_eq!(directory.calls.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_401_bad_token_401_failed_organization_503_the_other_serves() {
    within(10, async {
        let directory = Directory::default();
        let addr = serve(authz(&directory)).await;

        let (status, body) = refused(addr, "/maps", &[("x-org", "org-a")]).await;
        assert_eq!((status, body.code.as_deref()), (401, Some("authentication.required")));
        let (status, body) = refused(addr, "/maps", &[("authorization", "Bearer nope"), ("x-org", "org-a")]).await;
        assert_eq!((status, body.code.as_deref()), (401, Some("bad.credentials")));
        assert!(!body.message.unwrap_or_default().contains("nope"));

        let down = &[("authorization", "Bearer tok-ana"), ("x-org", "org-down")];
        let (status, body) = refused(addr, "/maps", down).await;
        assert_eq!((status, body.code.as_deref()), (503, Some("service.unavailable")));
        let text = serde_json::to_string(&body).unwrap();
        assert!(!text.contains("u-ana") && !text.contains("tok-ana"), "{text}");
        assert_eq!(get(addr, "/maps", ANA_A).await.0, 200, "the other organization serves");
        // A failed load is not kept: it is tried again, and fails again.
        assert_eq!(refused(addr, "/maps", down).await.0, 503);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_division_from_the_request_is_checked_then_asked() {
    within(10, async {
        let directory = Directory::default();
        let addr = serve(authz(&directory)).await;
        let with = |division: &'static str| {
            [
                ("authorization", "Bearer tok-ben"),
                ("x-org", "org-b"),
                ("x-division", division),
            ]
        };

        assert_eq!(get(addr, "/join", &with("d-east")).await, (200, "joined".to_owned()));
        let (status, body) = refused(addr, "/join", &with("d-west")).await;
        assert_eq!((status, body.code.as_deref()), (403, Some("missing.permissions")));
        // Not in every division: the grant is d-east's only.
        assert_eq!(refused(addr, "/join", ANA_B).await.0, 403);
        // `*` is every division, an empty or malformed id a 400 (never every division).
        assert_eq!(refused(addr, "/join", &with("*")).await.0, 403);
        for bad in ["", "d east"] {
            let (status, body) = refused(addr, "/join", &with(bad)).await;
            assert_eq!((status, body.code.as_deref()), (400, Some("bad.request")), "{bad:?}");
        }
        // The gate passes in every division too (the agent role is everywhere).
        let east = [
            ("authorization", "Bearer tok-ana"),
            ("x-org", "org-a"),
            ("x-division", "d-east"),
        ];
        assert_eq!(get(addr, "/maps", &east).await.0, 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_only_on_the_live_state() {
    within(10, async {
        let directory = Directory::default();
        let addr = serve(authz(&directory)).await;

        assert_eq!(get(addr, "/rollout", ANA_A).await, (200, "granted".to_owned()));
        assert_eq!(get(addr, "/rollout", ANA_B).await, (200, "reported".to_owned()));
        // Report-only is the sub-router's: the strict route refuses the same caller.
        assert_eq!(refused(addr, "/strict-rollout", ANA_B).await.0, 403);
        // Refusals before the gate are refusals still.
        assert_eq!(refused(addr, "/rollout", &[("x-org", "org-b")]).await.0, 401);
    })
    .await;
}

/// One request through the router in process: through the same extractors as over HTTP.
async fn call(app: Router, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .oneshot(request.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_of_one_uncached_caller_make_one_loader_call() {
    within(20, async {
        let directory = Directory {
            delay: Duration::from_millis(300),
            ..Directory::default()
        };
        let app = Router::new()
            .route("/maps", routing::get(maps))
            .with_state(authz(&directory));
        let requests: Vec<_> = (0..1_000)
            .map(|_| tokio::spawn(call(app.clone(), "/maps", ANA_A)))
            .collect();
        for request in requests {
            assert_eq!(request.await.unwrap(), (200, "maps for u-ana".to_owned()));
        }
        assert_eq!(
            directory.calls.load(Ordering::SeqCst),
            1,
            "one loader call for 1,000 requests"
        );
    })
    .await;
}

/// `org-a`'s `agent` edits action maps in generation 0 and only views queues from generation 1
/// on; `org-b`'s always views queues. Counts each organization's loads.
#[derive(Clone, Default)]
struct Generations {
    org_a: Arc<AtomicUsize>,
    loads: Arc<std::sync::Mutex<HashMap<String, usize>>>,
}

impl Load for Generations {
    type Error = Unavailable;

    async fn load(&self, organization: &str) -> Result<Policy, Unavailable> {
        *self.loads.lock().unwrap().entry(organization.to_owned()).or_default() += 1;
        let grants: &[&str] = match (organization, self.org_a.load(Ordering::SeqCst)) {
            ("org-a", 0) => &["journey:actionmap:*"],
            ("org-a" | "org-b", _) => &["routing:queue:view"],
            _ => return Err(Unavailable),
        };
        Ok(Policy::builder(Catalog::builtin())
            .role("agent", grants)
            .unwrap()
            .build())
    }
}

/// Which generation of `org-a`'s policy answered: `v0` holds action maps and not queues, `v1`
/// queues and not action maps; anything else is a mix.
async fn generation(caller: Caller) -> &'static str {
    let maps = caller.policy.allows(caller.principal, perm::journey::ACTIONMAP_VIEW);
    let queues = caller.policy.allows(caller.principal, perm::routing::QUEUE_VIEW);
    match (maps, queues) {
        (true, false) => "v0",
        (false, true) => "v1",
        _ => "mixed",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_of_one_organization_under_traffic_on_two_never_mixes_policies() {
    within(20, async {
        let generations = Generations::default();
        let users = Users::new(Organizations::new(generations.clone()), Directory::default());
        let tokens = HashMap::from([("tok-ana", "u-ana"), ("tok-ben", "u-ben")]);
        let authz = Authz::live(users.clone(), Bearer { tokens });
        let app = Router::new()
            .route("/generation", routing::get(generation))
            .with_state(authz);
        const BEN_A: &[(&str, &str)] = &[("authorization", "Bearer tok-ben"), ("x-org", "org-a")];
        const BEN_B: &[(&str, &str)] = &[("authorization", "Bearer tok-ben"), ("x-org", "org-b")];

        // Traffic on both organizations from two callers each, before, during and after the
        // reload; every answer records whether it started after the reload had returned.
        let reloaded = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let traffic: Vec<_> = [ANA_A, BEN_A, ANA_B, BEN_B]
            .into_iter()
            .map(|headers| {
                let (app, reloaded, stop) = (app.clone(), reloaded.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut answers = Vec::new();
                    while !stop.load(Ordering::SeqCst) {
                        let after = reloaded.load(Ordering::SeqCst);
                        let (status, body) = call(app.clone(), "/generation", headers).await;
                        assert_eq!(status, 200, "{body}");
                        answers.push((after, body));
                        tokio::task::yield_now().await;
                    }
                    answers
                })
            })
            .collect();

        tokio::time::sleep(Duration::from_millis(50)).await;
        generations.org_a.store(1, Ordering::SeqCst);
        users.organizations().reload("org-a").await.unwrap();
        reloaded.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.store(true, Ordering::SeqCst);

        let mut seen = Vec::new();
        for (n, task) in traffic.into_iter().enumerate() {
            let answers = task.await.unwrap();
            let in_a = n < 2;
            assert!(
                answers.iter().any(|(after, _)| *after),
                "traffic went on after the reload"
            );
            if in_a {
                assert!(
                    answers.iter().any(|(_, answer)| answer == "v0"),
                    "traffic before the reload"
                );
            }
            for (after, answer) in &answers {
                match (in_a, after) {
                    // org-a: one generation or the other, never a mix; after the reload, the new.
                    (true, false) => assert!(answer == "v0" || answer == "v1", "{answer}"),
                    (true, true) => assert_eq!(answer, "v1"),
                    // org-b: untouched.
                    (false, _) => assert_eq!(answer, "v1"),
                }
            }
            seen.push(answers.len());
        }
        assert!(seen.iter().all(|&count| count > 10), "requests per caller: {seen:?}");
        let loads = generations.loads.lock().unwrap().clone();
        assert_eq!(loads.get("org-a"), Some(&2), "loaded once, reloaded once");
        assert_eq!(loads.get("org-b"), Some(&1), "org-b is never reloaded");
    })
    .await;
}
