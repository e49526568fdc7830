//! A stand-in for the Genesys Cloud Platform API on loopback (axum): the
//! OAuth token endpoint, and every other request answered by the test's
//! own script, which sees the method, the path with its query, the bearer
//! token and the body. Every request is logged (never the secret: the
//! token endpoint logs whether the Basic credentials matched).
//!
//! The bodies are written from the SDK model docs
//! (`OrganizationRoleEntityListing`, `UserEntityListing`,
//! `AuthzDivisionEntityListing`, `PermissionCollectionEntityListing`,
//! `OrganizationProductEntityListing`, `AuditQueryExecutionStatusResponse`,
//! `AuditQueryExecutionResultsResponse`, `ErrorBody`): see [`listing`] and
//! [`error_body`].

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// The client id and secret the stand-in accepts.
pub const CLIENT_ID: &str = "client-1";
pub const CLIENT_SECRET: &str = "s3cret-value";
/// `base64("client-1:s3cret-value")`.
const BASIC: &str = "Basic Y2xpZW50LTE6czNjcmV0LXZhbHVl";

/// One request the script answers.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    /// The path and query: `/api/v2/authorization/roles?pageSize=100`.
    pub uri: String,
    /// The path alone.
    pub path: String,
    /// The bearer token, without `Bearer `.
    pub token: Option<String>,
    pub body: String,
}

impl Call {
    /// The value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.uri.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }
}

/// What the script answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// Waited before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Self {
        Self::status(200, body)
    }

    pub fn json(body: &Value) -> Self {
        Self::ok(body.to_string())
    }

    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// A Genesys error body with that status and code.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(&error_body(status, code, message)).with_status(status)
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// The SDK's `ErrorBody`.
pub fn error_body(status: u16, code: &str, message: &str) -> Value {
    json!({"message": message, "code": code, "status": status, "contextId": "ctx-1", "details": [], "errors": []})
}

/// A 403 for a missing permission, as the Platform API words it.
pub fn missing_permission(key: &str) -> Reply {
    Reply::error(
        403,
        "missing.permissions",
        &format!("Unable to perform the requested action. You are missing the following permission(s): [{key}]"),
    )
}

/// One page of a listing (the `*EntityListing` models): `entities`, the
/// paging fields, and `nextUri` unless it is the last page.
pub fn listing(path: &str, entities: &[Value], number: usize, count: usize, size: usize) -> Value {
    let mut page = json!({
        "entities": entities,
        "pageSize": size,
        "pageNumber": number,
        "total": entities.len(),
        "pageCount": count,
        "firstUri": format!("{path}?pageSize={size}&pageNumber=1"),
        "selfUri": format!("{path}?pageSize={size}&pageNumber={number}"),
        "lastUri": format!("{path}?pageSize={size}&pageNumber={count}"),
    });
    if number < count {
        page["nextUri"] = json!(format!("{path}?pageSize={size}&pageNumber={}", number + 1));
    }
    page
}

/// A role (`DomainOrganizationRole`) granting `keys` (`domain:entity:action`).
pub fn role(id: &str, name: &str, keys: &[&str]) -> Value {
    let policies: Vec<Value> = keys
        .iter()
        .map(|key| {
            let mut parts = key.split(':');
            let (domain, entity, action) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            json!({"domain": domain, "entityName": entity, "actionSet": [action], "allowConditions": false})
        })
        .collect();
    json!({"id": id, "name": name, "description": "", "defaultRoleId": "", "permissionPolicies": policies, "userCount": 1, "selfUri": format!("/api/v2/authorization/roles/{id}")})
}

/// A user with its authorization (`User` with `UserAuthorization`).
pub fn user(id: &str, permissions: &[&str]) -> Value {
    json!({"id": id, "name": format!("User {id}"), "username": format!("{id}@example.com"), "state": "active",
        "authorization": {"roles": [{"id": "r-1", "name": "agent"}], "permissions": permissions}})
}

/// A subject (`AuthzSubject`) with one grant of `role` in `division`.
pub fn subject(id: &str, role: &str, division: &str, keys: &[&str]) -> Value {
    let policies: Vec<Value> = keys
        .iter()
        .map(|key| {
            let mut parts = key.split(':');
            let (domain, entity, action) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            json!({"domain": domain, "entityName": entity, "actions": [action]})
        })
        .collect();
    json!({"id": id, "name": "Ana", "grants": [{"subjectId": id, "division": {"id": division, "name": division},
        "role": {"id": format!("r-{role}"), "name": role, "policies": policies}}]})
}

/// The SDK's `Organization`, as `GET /api/v2/organizations/me` returns it.
pub fn organization(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "defaultLanguage": "en-us", "domain": "acme", "version": 7, "state": "active",
        "defaultSiteId": "site-1", "voicemailEnabled": true, "selfUri": format!("/api/v2/organizations/{id}")})
}

/// One page of `all`, as the Platform API pages a listing: `pageSize` from
/// the query (25 without one, at most `max_size`), `pageNumber` from the
/// query (1 without one), `total` every entity, and a `nextUri` that keeps
/// the query's other parameters (`expand`) until the last page.
pub fn page_of(call: &Call, all: &[Value], max_size: usize) -> Reply {
    let size = call
        .query("pageSize")
        .map_or(25, |s| s.parse().unwrap())
        .clamp(1, max_size);
    let number: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
    let count = all.len().div_ceil(size).max(1);
    let start = (number - 1).saturating_mul(size).min(all.len());
    let entities = &all[start..(start + size).min(all.len())];
    let mut page = listing(&call.path, entities, number, count, size);
    page["total"] = json!(all.len());
    if number < count {
        let kept: Vec<String> = call
            .uri
            .split_once('?')
            .map(|(_, query)| query)
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("pageNumber=") && !pair.starts_with("pageSize="))
            .map(str::to_owned)
            .collect();
        let mut next = format!("{}?pageSize={size}&pageNumber={}", call.path, number + 1);
        for pair in kept {
            next.push('&');
            next.push_str(&pair);
        }
        page["nextUri"] = json!(next);
    }
    Reply::json(&page)
}

/// A generated organization `o-1` (`Acme`): `roles` roles, `users` users
/// (each with its `authorization` when the request asks `expand=authorization`,
/// without it otherwise), three divisions, a permission catalog of two
/// domains (one of them the organization's own, `acme:widget:spin`) and two
/// products; each listing paged by [`page_of`].
#[derive(Debug, Clone)]
pub struct Org {
    pub roles: Vec<Value>,
    pub users: Vec<Value>,
    pub divisions: Vec<Value>,
    pub permissions: Vec<Value>,
    pub products: Vec<Value>,
    pub max_page_size: usize,
}

/// The keys the generated roles grant, in turn.
const ROLE_KEYS: [&str; 4] = [
    "routing:queue:view",
    "routing:queue:join",
    "acme:widget:spin",
    "analytics:conversationDetail:view",
];

impl Org {
    pub fn new(roles: usize, users: usize) -> Self {
        let roles = (0..roles)
            .map(|n| {
                role(
                    &format!("r-{n}"),
                    &format!("role {n}"),
                    &[ROLE_KEYS[n % 4], ROLE_KEYS[(n + 1) % 4]],
                )
            })
            .collect();
        let users = (0..users)
            .map(|n| {
                let mut user = user(
                    &format!("u-{n}"),
                    &[ROLE_KEYS[n % 4], &format!("{}:d-{}", ROLE_KEYS[(n + 2) % 4], n % 3)],
                );
                user["email"] = json!(format!("user{n}@example.com"));
                user["authorization"]["roles"] =
                    json!([{"id": format!("r-{}", n % 7), "name": format!("role {}", n % 7)}]);
                user
            })
            .collect();
        let divisions = (0..3)
            .map(|n| json!({"id": format!("d-{n}"), "name": format!("Division {n}"), "homeDivision": n == 0, "selfUri": format!("/api/v2/authorization/divisions/d-{n}")}))
            .collect();
        let permissions = vec![
            json!({"id": "acme", "domain": "acme", "permissionMap": {"widget": [
                {"domain": "acme", "entityType": "widget", "action": "spin", "label": "Spin", "divisionAware": false, "allowsConditions": false}]}}),
            json!({"id": "routing", "domain": "routing", "permissionMap": {"queue": [
                {"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true, "allowsConditions": false},
                {"domain": "routing", "entityType": "queue", "action": "join", "divisionAware": true, "allowsConditions": false}]}}),
        ];
        let products = vec![json!({"id": "engage"}), json!({"id": "botFlows"})];
        Self {
            roles,
            users,
            divisions,
            permissions,
            products,
            max_page_size: 500,
        }
    }

    /// The answer to `call`, when it is one of the organization's reads.
    pub fn answer(&self, call: &Call) -> Option<Reply> {
        let max = self.max_page_size;
        Some(match call.path.as_str() {
            "/api/v2/organizations/me" => Reply::json(&organization("o-1", "Acme")),
            "/api/v2/authorization/roles" => page_of(call, &self.roles, max),
            "/api/v2/authorization/permissions" => page_of(call, &self.permissions, max),
            "/api/v2/authorization/divisions" => page_of(call, &self.divisions, max),
            "/api/v2/authorization/products" => page_of(call, &self.products, max),
            "/api/v2/users" if call.query("expand").as_deref() == Some("authorization") => {
                page_of(call, &self.users, max)
            }
            "/api/v2/users" => {
                let bare: Vec<Value> = self
                    .users
                    .iter()
                    .map(|user| {
                        let mut user = user.clone();
                        user.as_object_mut().unwrap().remove("authorization");
                        user
                    })
                    .collect();
                page_of(call, &bare, max)
            }
            _ => return None,
        })
    }
}

type Script = dyn Fn(&Call) -> Reply + Send + Sync;

/// The stand-in's state: its script, its log, the tokens it issued.
pub struct Platform {
    pub addr: SocketAddr,
    script: Box<Script>,
    log: Mutex<Vec<Call>>,
    tokens: AtomicUsize,
    token_requests: AtomicUsize,
    /// `expires_in` of the tokens it issues, in seconds.
    expires_in: AtomicUsize,
}

impl Platform {
    /// Starts a stand-in answering with `script`.
    pub async fn start(script: impl Fn(&Call) -> Reply + Send + Sync + 'static) -> Arc<Platform> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let platform = Arc::new(Platform {
            addr,
            script: Box::new(script),
            log: Mutex::new(Vec::new()),
            tokens: AtomicUsize::new(0),
            token_requests: AtomicUsize::new(0),
            expires_in: AtomicUsize::new(86_399),
        });
        let state = Arc::clone(&platform);
        let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = Arc::clone(&state);
            async move { state.answer(method, &uri, &headers, &body).await }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        platform
    }

    /// The base URL, for both the API and the login hosts.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The tokens it issues expire after `seconds`.
    pub fn expire_tokens_in(&self, seconds: usize) {
        self.expires_in.store(seconds, Ordering::SeqCst);
    }

    /// Every request the script answered, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.log.lock().unwrap().clone()
    }

    /// How many token requests it answered (good or bad credentials).
    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    /// The token it issued `n`-th (from 1).
    pub fn token(n: usize) -> String {
        format!("token-{n}")
    }

    async fn answer(&self, method: Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
        let body = String::from_utf8_lossy(body).into_owned();
        if uri.path() == "/oauth/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            let basic = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
            if method != Method::POST || basic != Some(BASIC) || body != "grant_type=client_credentials" {
                let error = json!({"error": "invalid_client", "description": "client not found"});
                return (StatusCode::UNAUTHORIZED, error.to_string()).into_response();
            }
            let n = self.tokens.fetch_add(1, Ordering::SeqCst) + 1;
            let expires = self.expires_in.load(Ordering::SeqCst);
            let answer = json!({"access_token": Platform::token(n), "token_type": "bearer", "expires_in": expires});
            return (StatusCode::OK, answer.to_string()).into_response();
        }
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let call = Call {
            method,
            uri: uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            path: uri.path().to_owned(),
            token,
            body,
        };
        self.log.lock().unwrap().push(call.clone());
        let reply = (self.script)(&call);
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let mut response = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        for (name, value) in reply.headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        response
    }
}
