//! The `axum` feature over real HTTP: `Authorized<G>` runs a handler only for a caller who passes
//! the gate (in the division the request names), `Caller::require` guards one permission (typed or
//! a string), and every rejection is the Platform API's `ErrorBody` as JSON with a `contextId`:
//! 401, 400 (an unreadable request or division), 403 for an unknown user, 403 naming what is
//! missing for a denial or an unmet condition (never 500); a reload through the handle changes the
//! next answer; `Reported<G>` refuses like `Authorized<G>` unless report-only mode is on.

#![cfg(feature = "axum")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;

use axum::Router;
use axum::http::request::Parts;
use axum::routing;
use permgate::axum::{Authorized, Authz, Caller, Rejection, Reported, Resolve};
use permgate::genesys::ForbiddenBody;
use permgate::genesys::wire::ErrorBody;
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
            Some(Ok(division)) => policy.user_in(user, Division::parse(division)?.id()),
            Some(Err(_)) => return Err(Rejection::bad_request("x-division is not visible ASCII")),
            None => user.into(),
        })
    }
}

fn policy(report_grants: &[&str]) -> Policy {
    let mut builder = Policy::builder(Catalog::builtin());
    let maps = builder.add_role("maps", ["journey:actionmap:view"]).unwrap();
    let reports = builder.add_role("reports", report_grants).unwrap();
    let queues = builder
        .add_role("queues", ["routing:queue:view", "ui:supervisorDashboard:view"])
        .unwrap();
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

/// A permission required by string: `?permission=` (percent-encoding of a space and `>` only).
async fn required(caller: Caller, uri: axum::http::Uri) -> Result<&'static str, Rejection> {
    let query = uri.query().unwrap_or_default();
    let permission = query
        .strip_prefix("permission=")
        .unwrap_or_default()
        .replace("%20", " ")
        .replace("%3E", ">");
    caller.require(&permission)?;
    Ok("required")
}

/// A conditional permission whose condition the handler found false.
async fn edit(caller: Caller) -> Result<&'static str, Rejection> {
    Err(caller.condition_unmet(perm::routing::QUEUE_EDIT))
}

/// A gate being rolled out.
async fn rollout(gate: Reported<ActionMapAnalyticsReport>) -> String {
    match gate.granted {
        Ok(_proof) => "granted".to_owned(),
        Err(denied) => format!("reported: {}", denied.gate()),
    }
}

async fn serve(handle: Arc<PolicyHandle>) -> std::net::SocketAddr {
    serve_with(Authz::new(handle, FromHeaders)).await
}

async fn serve_with(authz: Authz) -> std::net::SocketAddr {
    let app = Router::new()
        .route("/report", routing::get(report))
        .route("/queues", routing::get(queues))
        .route("/required", routing::get(required))
        .route("/edit", routing::get(edit))
        .route("/rollout", routing::get(rollout))
        .with_state(authz);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// A refusal: its status and content type checked, its body read as an `ErrorBody` (with the
/// correlation header of the response as its `contextId`).
async fn refused(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> (u16, ErrorBody) {
    let (status, head, body) = exchange(addr, path, headers).await;
    assert!(status >= 400, "{status} {body}");
    assert!(head.contains("\r\ncontent-type: application/json\r\n"), "{head}");
    let body: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.status, Some(status));
    let context_id = body.context_id.clone().unwrap();
    assert!(
        head.contains(&format!("\r\ninin-correlation-id: {context_id}\r\n")),
        "{head}"
    );
    (status, body)
}

/// A GET over a fresh connection (blocking I/O off the runtime): the status,
/// the content type and the body.
async fn get(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> (u16, String, String) {
    let (status, head, body) = exchange(addr, path, headers).await;
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or_default()
        .to_owned();
    (status, content_type, body)
}

/// A GET over a fresh connection: the status, the head, the body.
async fn exchange(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> (u16, String, String) {
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
    (status, format!("{head}\r\n"), body.to_owned())
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

    // Nobody, an unknown user, an unreadable header: the Platform API's shape, the service's words.
    let (status, body) = refused(addr, "/report", &[]).await;
    assert_eq!(
        (status, body.code.as_deref(), body.message.as_deref()),
        (401, Some("authentication.required"), Some("no x-user-id header"))
    );
    let (status, body) = refused(addr, "/report", &[("x-user-id", b"bo")]).await;
    assert_eq!(
        (status, body.code.as_deref(), body.message.as_deref()),
        (403, Some("not.authorized"), Some("unknown principal `bo`"))
    );
    let (status, body) = refused(addr, "/report", &[("x-user-id", b"\xff")]).await;
    assert_eq!((status, body.code.as_deref()), (400, Some("bad.request")));

    // A reload changes the next answer.
    handle.reload(|_| Ok::<_, permgate::BuildError>(policy(&[]))).unwrap();
    assert_eq!(get(addr, "/report", east).await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_carries_the_request_id_or_a_generated_one() {
    let addr = serve(Arc::new(PolicyHandle::new(policy(&["journey:report:view"])))).await;
    let west: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-west")];
    let with = |name: &'static str, value: &'static [u8]| -> Vec<(&'static str, &'static [u8])> {
        let mut headers = west.to_vec();
        headers.push((name, value));
        headers
    };

    // The platform's correlation header first, then `x-request-id`.
    let (_, body) = refused(addr, "/report", &with("inin-correlation-id", b"c-1")).await;
    assert_eq!(body.context_id.as_deref(), Some("c-1"));
    let (_, body) = refused(addr, "/report", &with("x-request-id", b"r-2")).await;
    assert_eq!(body.context_id.as_deref(), Some("r-2"));
    let mut both = with("x-request-id", b"r-2");
    both.push(("inin-correlation-id", b"c-1"));
    assert_eq!(
        refused(addr, "/report", &both).await.1.context_id.as_deref(),
        Some("c-1")
    );
    // Before the caller is known too.
    let (status, body) = refused(addr, "/report", &[("inin-correlation-id", b"c-3")]).await;
    assert_eq!((status, body.context_id.as_deref()), (401, Some("c-3")));

    // Not an id (a space, a tab, over 128 bytes, not ASCII): one is generated, a UUID v4.
    let long: &'static [u8] = Box::leak(vec![b'x'; 129].into_boxed_slice());
    let longest: &'static [u8] = Box::leak(vec![b'x'; 128].into_boxed_slice());
    for bad in [&b"two words"[..], b"a\tb", long, b"\xc3\xa9t\xc3\xa9"] {
        let (_, body) = refused(addr, "/report", &with("inin-correlation-id", bad)).await;
        let id = body.context_id.unwrap();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(id.as_bytes()[14], b'4', "{id}");
    }
    let (_, body) = refused(addr, "/report", &with("inin-correlation-id", longest)).await;
    assert_eq!(body.context_id.unwrap().len(), 128);
    let generated: Vec<String> = futures_ids(addr, west).await;
    assert_ne!(generated[0], generated[1], "one id per request");

    // A body with nested errors carries it in each.
    let handle = Arc::new(PolicyHandle::new(policy(&[])));
    let addr = serve(handle).await;
    let (_, body) = refused(addr, "/report", &with("inin-correlation-id", b"c-4")).await;
    assert_eq!(body.context_id.as_deref(), Some("c-4"));
    for nested in body.errors.unwrap_or_default() {
        assert_eq!(nested.context_id.as_deref(), Some("c-4"));
    }
}

/// The generated ids of two refusals.
async fn futures_ids(addr: std::net::SocketAddr, headers: &[(&str, &[u8])]) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..2 {
        ids.push(refused(addr, "/report", headers).await.1.context_id.unwrap());
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_division_that_is_no_id_is_a_400_never_every_division() {
    let addr = serve(Arc::new(PolicyHandle::new(policy(&["journey:report:view"])))).await;
    let long: &'static [u8] = Box::leak(vec![b'd'; 129].into_boxed_slice());
    // (HTTP trims the spaces around a header value: `d-east ` arrives as `d-east`.)
    for division in [&b""[..], b" ", b"d east", b"d\teast", long] {
        let (status, body) = refused(addr, "/queues", &[("x-user-id", b"ana"), ("x-division", division)]).await;
        assert_eq!(
            (status, body.code.as_deref()),
            (400, Some("bad.request")),
            "{:?}: {body:?}",
            String::from_utf8_lossy(division)
        );
        assert!(body.message.unwrap().starts_with("not a division id: "), "{division:?}");
    }
    // `*` is every division: ana's queue grant names d-east only, so it is denied there.
    let (status, body) = refused(addr, "/queues", &[("x-user-id", b"ana"), ("x-division", b"*")]).await;
    assert_eq!((status, body.code.as_deref()), (403, Some("missing.permissions")));
    assert_eq!(
        get(addr, "/queues", &[("x-user-id", b"ana"), ("x-division", b"d-east")])
            .await
            .0,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_takes_strings_in_any_spelling_and_denies_what_no_grant_holds() {
    let addr = serve(Arc::new(PolicyHandle::new(policy(&["journey:report:view"])))).await;
    let east: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-east")];
    let west: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-west")];
    let ask = |permission: &str| {
        format!(
            "/required?permission={}",
            permission.replace(' ', "%20").replace('>', "%3E")
        )
    };

    // Known permissions, in any spelling; a UI-only key no catalog knows, granted by a role.
    for permission in [
        "routing:queue:view",
        "ROUTING:Queue:VIEW",
        "Routing > Queue > View",
        "ui:supervisorDashboard:view",
    ] {
        let (status, _, body) = get(addr, &ask(permission), east).await;
        assert_eq!((status, body.as_str()), (200, "required"), "{permission}");
    }
    // Denied: the body names the permission (a catalog's key with its label; an unknown key in lowercase).
    let (status, body) = refused(addr, &ask("Routing > Queue > View"), west).await;
    assert_eq!((status, body.code.as_deref()), (403, Some("missing.permissions")));
    let read = ForbiddenBody::parse(&serde_json::to_string(&body).unwrap()).unwrap();
    assert_eq!(
        (read.missing[0].key.as_str(), read.missing[0].label.as_deref()),
        ("routing:queue:view", Some("Routing > Queue > View"))
    );
    for (asked, named) in [
        ("ui:supervisorDashboard:view", "ui:supervisordashboard:view"),
        ("ui:nobody:view", "ui:nobody:view"),
    ] {
        let (status, body) = refused(addr, &ask(asked), west).await;
        assert_eq!(status, 403);
        let read = ForbiddenBody::parse(&serde_json::to_string(&body).unwrap()).unwrap();
        assert_eq!(read.missing[0].key, named);
    }
    // A string that is no permission is the service's mistake: 500, not a denial.
    for malformed in ["routing:queue", "routing:queue:*", "Nothing > Like > This", ""] {
        let (status, body) = refused(addr, &ask(malformed), east).await;
        assert_eq!(
            (status, body.code.as_deref()),
            (500, Some("internal.server.error")),
            "{malformed}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unmet_condition_is_a_403_naming_the_permission() {
    let addr = serve(Arc::new(PolicyHandle::new(policy(&[])))).await;
    let (status, body) = refused(addr, "/edit", &[("x-user-id", b"ana"), ("inin-correlation-id", b"c-9")]).await;
    assert_eq!((status, body.context_id.as_deref()), (403, Some("c-9")));
    let read = ForbiddenBody::parse(&serde_json::to_string(&body).unwrap()).unwrap();
    assert_eq!(
        (read.code.as_str(), read.missing[0].key.as_str()),
        ("missing.permissions", "routing:queue:edit")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reported_refuses_like_authorized_unless_report_only_is_on() {
    let handle = Arc::new(PolicyHandle::new(policy(&["journey:report:view"])));
    let east: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-east")];
    let west: &[(&str, &[u8])] = &[("x-user-id", b"ana"), ("x-division", b"d-west")];

    // Off by default: a denial is refused, a grant holds the proof.
    let authz = Authz::new(handle.clone(), FromHeaders);
    assert!(!authz.is_report_only());
    let addr = serve_with(authz.clone()).await;
    assert_eq!(get(addr, "/rollout", east).await.2, "granted");
    let (status, body) = refused(addr, "/rollout", west).await;
    assert_eq!((status, body.code.as_deref()), (403, Some("missing.permissions")));

    // On: the handler runs with the denial, never with a proof; Authorized and require still refuse.
    let addr = serve_with(authz.report_only(true)).await;
    assert_eq!(get(addr, "/rollout", east).await.2, "granted");
    let (status, _, body) = get(addr, "/rollout", west).await;
    assert_eq!((status, body.as_str()), (200, "reported: ActionMapAnalyticsReport"));
    assert_eq!(refused(addr, "/report", west).await.0, 403);
    assert_eq!(refused(addr, "/queues", west).await.0, 403);
    // Who the caller is, is still required.
    assert_eq!(refused(addr, "/rollout", &[]).await.0, 401);
}

/// Report-only denials are `warn` events naming the gate, what was missing, the principal and the
/// request id; nothing from the request's headers.
#[cfg(feature = "tracing")]
#[path = "support/capture.rs"]
mod capture;

#[cfg(feature = "tracing")]
mod report_events {
    use super::capture::Capture;
    use super::*;

    // One thread: the server's tasks run where the subscriber is set.
    #[tokio::test(flavor = "current_thread")]
    async fn a_reported_denial_is_a_warn_event() {
        let capture = Capture::default();
        let events = capture.0.clone();
        let _guard = tracing::subscriber::set_default(capture);
        // Other tests of this binary hit the same callsite on their threads, with no
        // subscriber: one that registered it while this subscriber was being set may have
        // cached "never" for it. Rebuilding the interest cache now, with this subscriber in
        // place, makes the event reach it whatever ran first.
        tracing::callsite::rebuild_interest_cache();
        let handle = Arc::new(PolicyHandle::new(policy(&["journey:report:view"])));
        let addr = serve_with(Authz::new(handle, FromHeaders).report_only(true)).await;
        let west: &[(&str, &[u8])] = &[
            ("x-user-id", b"ana"),
            ("x-division", b"d-west"),
            ("authorization", b"Bearer secret-token"),
            ("inin-correlation-id", b"c-7"),
        ];
        assert_eq!(get(addr, "/rollout", west).await.0, 200);
        let events = events.lock().unwrap();
        let reported: Vec<&String> = events.iter().filter(|e| e.contains("report-only")).collect();
        assert_eq!(reported.len(), 1, "{events:#?}");
        assert_eq!(
            reported[0].as_str(),
            "WARN message=permgate: report-only: gate denied, the request proceeds \
             gate=\"ActionMapAnalyticsReport\" missing=[journey:report:view] any_of= \
             principal=ana division=- context_id=c-7"
        );
        assert!(events.iter().all(|e| !e.contains("secret-token")), "{events:#?}");
    }
}
