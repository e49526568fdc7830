//! The axum extractors over the live registry (features `axum` + `live`), over real HTTP on
//! loopback: callers by bearer token (mapped to a user id: a token is never a cache key), two
//! organizations whose policies differ, the same handlers as over one policy (`Authorized<G>`,
//! `Reported<G>`, `Caller`), the division from the request (400 on a bad one), a 401 for no
//! token, a 503 for an organization whose loader fails while the other keeps serving, the
//! cache hit (no second loader call), report-only on the live state.
//!
//! Bounded: a handful of requests per test, and `within` a few seconds.

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
    format!("maps for {}", user.policy().name(user.id()).unwrap_or_default())
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
