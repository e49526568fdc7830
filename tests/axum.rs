//! The `axum` feature over real HTTP: `Authorized<G>` runs a handler only for a caller who passes
//! the gate (in the division the request names), `Caller::require` guards one permission, and
//! rejections are 401, 400, 403 for an unknown user, and 403 with the Genesys `ErrorBody` for a
//! denial (never 500); a reload through the handle changes the next answer.

#![cfg(feature = "axum")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;

use axum::Router;
use axum::http::request::Parts;
use axum::routing;
use permgate::axum::{Authorized, Authz, Caller, Rejection, Resolve};
use permgate::genesys::ForbiddenBody;
use permgate::{Catalog, Division, Policy, PolicyHandle, Principal, gates::ActionMapAnalyticsReport, perm};
use tokio::net::TcpListener;

/// The user from `x-user-id`, in the division of an `x-division` header.
struct FromHeaders;

impl Resolve for FromHeaders {
    fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection> {
        let header = |name: &str| parts.headers.get(name).map(|v| v.to_str());
        let name = match header("x-user-id") {
            None => return Err(Rejection::unauthenticated("no x-user-id header")),
            Some(Err(_)) => return Err(Rejection::bad_request("x-user-id is not visible ASCII")),
            Some(Ok(name)) => name,
        };
        let user = policy.user(name).ok_or_else(|| Rejection::unknown(name))?;
        Ok(match header("x-division") {
            Some(Ok(division)) => policy.user_in(user, division),
            _ => user.into(),
        })
    }
}

fn policy(report_grants: &[&str]) -> Policy {
    let mut builder = Policy::builder(Catalog::builtin());
    let maps = builder.add_role("maps", ["journey:actionmap:view"]).unwrap();
    let reports = builder.add_role("reports", report_grants).unwrap();
    let queues = builder.add_role("queues", ["routing:queue:view"]).unwrap();
    builder
        .add_user(
            "ana",
            [
                (maps, Division::All),
                (reports, Division::new("d-east")),
                (queues, Division::new("d-east")),
            ],
        )
        .unwrap();
    builder.build()
}

async fn report(auth: Authorized<ActionMapAnalyticsReport>) -> String {
    let who = auth.caller.policy.describe(auth.caller.principal).unwrap_or_default();
    format!("report for {who}")
}

async fn queues(caller: Caller) -> Result<&'static str, Rejection> {
    caller.require(perm::routing::QUEUE_VIEW)?;
    Ok("queues")
}

async fn serve(handle: Arc<PolicyHandle>) -> std::net::SocketAddr {
    let app = Router::new()
        .route("/report", routing::get(report))
        .route("/queues", routing::get(queues))
        .with_state(Authz::new(handle, FromHeaders));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// A GET over a fresh connection (blocking I/O off the runtime): the status,
/// the content type and the body.
async fn get(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut request = format!("GET {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n").into_bytes();
    for (name, value) in headers {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(&request).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8(response).unwrap()
    })
    .await
    .unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or_default()
        .to_owned();
    (status, content_type, body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractors_answer_gates_permissions_and_every_rejection() {
    let handle = Arc::new(PolicyHandle::new(policy(&["journey:report:view"])));
    let addr = serve(handle.clone()).await;
    let east: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-east")];
    let west: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-west")];

    // Two roles together pass the gate in d-east.
    let (status, _, body) = get(addr, "/report", east).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "report for user `ana` in division `d-east`")
    );

    // Denied in d-west: 403 with the Genesys body naming the missing permission.
    let (status, content_type, body) = get(addr, "/report", west).await;
    assert_eq!((status, content_type.as_str()), (403, "application/json"));
    let read = ForbiddenBody::parse(&body).unwrap();
    assert_eq!(read.code, "missing.permissions");
    assert_eq!(read.missing[0].key, "journey:report:view");

    // One permission through `Caller::require`.
    assert_eq!(get(addr, "/queues", east).await.0, 200);
    let (status, _, body) = get(addr, "/queues", west).await;
    assert_eq!(status, 403);
    assert_eq!(
        ForbiddenBody::parse(&body).unwrap().missing[0].key,
        "routing:queue:view"
    );

    // Nobody, an unknown user, an unreadable header.
    let (status, _, body) = get(addr, "/report", &[]).await;
    assert_eq!((status, body.as_str()), (401, "no x-user-id header\n"));
    let (status, _, body) = get(addr, "/report", &[("x-user-id", b"bo")]).await;
    assert_eq!((status, body.as_str()), (403, "unknown principal `bo`\n"));
    assert_eq!(get(addr, "/report", &[("x-user-id", b"\xff")]).await.0, 400);

    // A reload changes the next answer.
    handle.reload(|_| Ok::<_, permgate::BuildError>(policy(&[]))).unwrap();
    assert_eq!(get(addr, "/report", east).await.0, 403);
}
