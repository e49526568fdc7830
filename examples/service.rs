//! A real web service (axum) whose handlers cannot run without a permgate proof.
//!
//! Each handler takes an `Authorized<G>` extractor that wraps a
//! `Granted<G>`. The extractor reads the caller's role, checks gate `G`
//! and only then lets the handler run. When the check fails, the caller gets
//! `403 Forbidden` and the body lists every missing permission by API key and
//! admin label.
//!
//! Run it with `cargo run --example service` (it listens on `127.0.0.1:3000`,
//! or on the port in `PORT`), then:
//!
//! ```sh
//! curl -i -X POST -H 'x-permgate-role: journey designer' localhost:3000/action-maps   # 200
//! curl -i -X POST -H 'x-permgate-role: viewer' localhost:3000/action-maps             # 403, 3 missing
//! curl -i -H 'x-permgate-role: viewer' localhost:3000/reports/action-maps             # 403, 1 missing
//! curl -i -X POST -H 'x-permgate-role: AMI user' localhost:3000/emails/42/reply       # 200
//! curl -i -X POST -H 'x-permgate-role: nobody' localhost:3000/action-maps             # 403, unknown role
//! curl -i -X POST localhost:3000/action-maps                                          # 401, no role
//! ```
//!
//! `cargo test --example service` starts the service and sends it real HTTP requests.

use axum::Router;
use axum::extract::{FromRef, FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use permgate::gates::{ActionMapAnalyticsReport, ActionMapEditor, AmiStandardUser};
use permgate::{Catalog, Gate, Granted, Policy, PolicyHandle};
use std::error::Error;
use std::sync::Arc;

/// The header that names the caller's role.
///
/// A real service never trusts a role the client names: it derives the role
/// from its own session or from a verified token (a JWT claim, say), then
/// checks it exactly as below.
const ROLE_HEADER: &str = "x-permgate-role";

/// The roles this service knows, compiled once at startup.
fn policy() -> Result<Policy, Box<dyn Error>> {
    let catalog = Catalog::builtin();
    let ami_standard = catalog
        .role("AMI R3|standard user role")
        .ok_or("the builtin catalog has no `AMI R3|standard user role`")?
        .grants;
    Ok(Policy::builder(catalog)
        .role(
            "journey designer",
            ["Journey > Action Map > All", "Journey > Report > View"],
        )?
        .role("viewer", ["journey:actionmap:view"])?
        .role("AMI user", ami_standard)?
        .build())
}

/// Proof, made before the handler runs, that the caller's role satisfies gate `G`.
struct Authorized<G: Gate> {
    /// The proof itself: `'static`, so it can be held across `.await`.
    _granted: Granted<G>,
    role: String,
}

impl<G: Gate> Authorized<G> {
    fn role_name(&self) -> &str {
        &self.role
    }
}

impl<S, G> FromRequestParts<S> for Authorized<G>
where
    G: Gate,
    S: Send + Sync,
    Arc<PolicyHandle>: FromRef<S>,
{
    type Rejection = (StatusCode, String);

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // One snapshot per request: every answer below comes from one policy.
        let policy = Arc::<PolicyHandle>::from_ref(state).load();
        let Some(header) = parts.headers.get(ROLE_HEADER) else {
            return Err((StatusCode::UNAUTHORIZED, format!("missing `{ROLE_HEADER}` header\n")));
        };
        let Ok(name) = header.to_str() else {
            return Err((
                StatusCode::BAD_REQUEST,
                format!("`{ROLE_HEADER}` is not visible ASCII\n"),
            ));
        };
        let Some(role) = policy.role(name) else {
            return Err((StatusCode::FORBIDDEN, format!("unknown role `{name}`\n")));
        };
        match policy.check::<G>(role) {
            Ok(granted) => Ok(Self {
                _granted: granted,
                role: name.to_owned(),
            }),
            Err(denied) => Err((StatusCode::FORBIDDEN, format!("{denied}\n"))),
        }
    }
}

async fn save_action_map(auth: Authorized<ActionMapEditor>) -> String {
    format!("action map saved by `{}`\n", auth.role_name())
}

async fn action_map_report(auth: Authorized<ActionMapAnalyticsReport>) -> String {
    format!("action map report for `{}`: 0 maps, 0 outcomes\n", auth.role_name())
}

async fn reply_to_email(auth: Authorized<AmiStandardUser>, Path(id): Path<u64>) -> String {
    format!("reply to email {id} sent by `{}`\n", auth.role_name())
}

/// The routes; each one's gate is in its handler's signature.
fn app(policy: Arc<PolicyHandle>) -> Router {
    Router::new()
        .route("/action-maps", post(save_action_map))
        .route("/reports/action-maps", get(action_map_report))
        .route("/emails/{id}/reply", post(reply_to_email))
        .with_state(policy)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Behind a handle: a reload (`PolicyHandle::reload`) swaps it while requests run.
    let policy = Arc::new(PolicyHandle::new(policy()?));
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|port| port.parse().ok())
        .unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("permgate example service on http://{addr}; roles: journey designer, viewer, AMI user");
    println!("  curl -i -X POST -H '{ROLE_HEADER}: journey designer' http://{addr}/action-maps");
    println!("  curl -i -X POST -H '{ROLE_HEADER}: viewer' http://{addr}/action-maps");
    println!("  curl -i -H '{ROLE_HEADER}: viewer' http://{addr}/reports/action-maps");
    println!("  curl -i -X POST -H '{ROLE_HEADER}: AMI user' http://{addr}/emails/42/reply");
    axum::serve(listener, app(policy)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind::WouldBlock;
    use std::net::SocketAddr;
    use tokio::net::{TcpListener, TcpStream};

    async fn start() -> SocketAddr {
        let policy = Arc::new(PolicyHandle::new(policy().unwrap()));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app(policy)).await.unwrap() });
        addr
    }

    /// Sends one HTTP/1.1 request and reads the response until the server
    /// closes the connection; returns the status code and the body.
    async fn send(addr: SocketAddr, method: &str, path: &str, role: Option<&str>) -> (u16, String) {
        let role = role
            .map(|role| format!("{ROLE_HEADER}: {role}\r\n"))
            .unwrap_or_default();
        let request =
            format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{role}Content-Length: 0\r\nConnection: close\r\n\r\n");
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

    #[tokio::test]
    async fn allowed_roles_reach_the_handlers() {
        let addr = start().await;
        let (status, body) = send(addr, "POST", "/action-maps", Some("journey designer")).await;
        assert_eq!(
            (status, body.as_str()),
            (200, "action map saved by `journey designer`\n")
        );
        let (status, body) = send(addr, "GET", "/reports/action-maps", Some("journey designer")).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.starts_with("action map report for `journey designer`"), "{body}");
        let (status, body) = send(addr, "POST", "/emails/42/reply", Some("AMI user")).await;
        assert_eq!((status, body.as_str()), (200, "reply to email 42 sent by `AMI user`\n"));
    }

    #[tokio::test]
    async fn denied_roles_get_403_with_every_missing_permission() {
        let addr = start().await;
        let (status, body) = send(addr, "POST", "/action-maps", Some("viewer")).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.starts_with("role `viewer` does not satisfy gate `ActionMapEditor`: missing 3 permissions"));
        for missing in [
            "journey:actionmap:add (Journey > Action Map > Add)",
            "journey:actionmap:delete (Journey > Action Map > Delete)",
            "journey:actionmap:edit (Journey > Action Map > Edit)",
        ] {
            assert!(body.contains(missing), "{missing} not in {body}");
        }
        assert!(!body.contains("journey:actionmap:view"), "{body}");

        let (status, body) = send(addr, "GET", "/reports/action-maps", Some("viewer")).await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body.contains("does not satisfy gate `ActionMapAnalyticsReport`"),
            "{body}"
        );
        assert!(body.contains("journey:report:view (Journey > Report > View)"), "{body}");

        // The body lists exactly what the library's own check says is missing.
        let (status, body) = send(addr, "POST", "/emails/7/reply", Some("journey designer")).await;
        assert_eq!(status, 403, "{body}");
        let policy = policy().unwrap();
        let denied = policy
            .check::<AmiStandardUser>(policy.role("journey designer").unwrap())
            .unwrap_err();
        assert!(!denied.missing().is_empty());
        for permission in denied.missing() {
            assert!(
                body.contains(&format!("\n  - {}", permission.key())),
                "{permission} not in {body}"
            );
        }
        assert_eq!(body, format!("{denied}\n"));
    }

    #[tokio::test]
    async fn unknown_role_is_403_and_missing_role_is_401() {
        let addr = start().await;
        let (status, body) = send(addr, "POST", "/action-maps", Some("nobody")).await;
        assert_eq!((status, body.as_str()), (403, "unknown role `nobody`\n"));
        let (status, body) = send(addr, "POST", "/action-maps", None).await;
        assert_eq!((status, body.as_str()), (401, "missing `x-permgate-role` header\n"));
    }
}
