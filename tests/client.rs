//! The Platform API client (feature `client`) against a stand-in on
//! loopback (`support/platform.rs`): tokens, every read, paging, 429 with
//! Retry-After, 401, 5xx then success, a looping nextUri, a foreign link, a
//! huge page, a slow answer, the request budget; and a property test over
//! answers. No test touches the network; every test is bounded in time.

#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/endpoint_table.rs"]
mod endpoint_table;
#[path = "support/platform.rs"]
mod platform;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use permgate::client::{Client, ClientBuilder, ClientError, Credential, Endpoint};
use permgate::{Catalog, Policy, perm};
use platform::{CLIENT_ID, CLIENT_SECRET, Call, Platform, Reply, listing, role, subject, user};
use serde_json::{Value, json};

/// Fails a test that runs longer than this instead of hanging the suite.
async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("the test ran out of time")
}

/// A client of the stand-in with fast retries.
fn builder(platform: &Platform) -> ClientBuilder {
    Client::builder()
        .api_base(platform.base())
        .login_base(platform.base())
        .client_credentials(CLIENT_ID, Credential::new(CLIENT_SECRET.to_owned()))
        .backoff(Duration::from_millis(10), Duration::from_millis(40))
        .timeout(Duration::from_secs(5))
}

const ROLES: &str = "/api/v2/authorization/roles";

/// The page `n` (from 1) of `pages` pages of roles, two roles a page.
fn roles_page(call: &Call, pages: usize) -> Reply {
    let n: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
    let roles = [
        role(&format!("r-{n}a"), &format!("role {n}a"), &["routing:queue:view"]),
        role(&format!("r-{n}b"), &format!("role {n}b"), &["routing:queue:join"]),
    ];
    Reply::json(&listing(ROLES, &roles, n, pages, 2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_follow_every_page_with_one_token_reused() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 3)).await;
        let client = builder(&platform).build().unwrap();
        let file = client.roles().await.unwrap();
        let names: Vec<&str> = file.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["role 1a", "role 1b", "role 2a", "role 2b", "role 3a", "role 3b"]
        );
        assert!(file.errors.is_empty());
        // Again: the same token, no new token request.
        client.roles().await.unwrap();
        let calls = platform.calls();
        assert_eq!(calls.len(), 6);
        assert_eq!(platform.token_requests(), 1);
        assert!(calls.iter().all(|c| c.token.as_deref() == Some("token-1")));
        assert_eq!(calls[0].uri, "/api/v2/authorization/roles?pageSize=100");
        assert_eq!(calls[1].query("pageNumber").as_deref(), Some("2"));
        assert_eq!(client.requests(), 7);
        // The roles build a policy that decides as the pages say.
        let mut builder = Policy::builder(Catalog::builtin());
        for role in &file.roles {
            builder.add_role_definition(role).unwrap();
        }
        let policy = builder.build();
        let join = policy.role("role 2b").unwrap();
        assert!(policy.allows(join, perm::routing::QUEUE_JOIN));
        assert!(!policy.allows(join, perm::routing::QUEUE_VIEW));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_near_its_expiry_is_replaced() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 1)).await;
        platform.expire_tokens_in(30); // within the default 60 s margin
        let client = builder(&platform).build().unwrap();
        client.roles().await.unwrap();
        client.roles().await.unwrap();
        assert_eq!(platform.token_requests(), 2);
        let tokens: Vec<Option<String>> = platform.calls().into_iter().map(|c| c.token).collect();
        assert_eq!(tokens, [Some("token-1".into()), Some("token-2".into())]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_are_a_typed_error_without_the_secret() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 1)).await;
        let client = Client::builder()
            .api_base(platform.base())
            .login_base(platform.base())
            .client_credentials(CLIENT_ID, Credential::new(String::from("wrong-secret-value")))
            .build()
            .unwrap();
        let error = client.roles().await.unwrap_err();
        assert!(
            matches!(
                error,
                ClientError::TokenRefused {
                    status: 401,
                    body: None,
                    ..
                }
            ),
            "{error:?}"
        );
        let printed = format!("{error} {error:?} {client:?}");
        assert!(!printed.contains("wrong-secret-value"), "{printed}");
        assert!(platform.calls().is_empty(), "no read without a token");
        assert_eq!(error.endpoint(), Endpoint::TOKEN);
        // A client without credentials says so, and sends nothing.
        let bare = Client::builder()
            .api_base(platform.base())
            .login_base(platform.base())
            .build()
            .unwrap();
        assert!(matches!(
            bare.roles().await,
            Err(ClientError::NoClientCredentials { .. })
        ));
        assert_eq!(bare.requests(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_debug_of_a_client_never_shows_a_secret_or_a_token() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 1)).await;
        let client = builder(&platform).build().unwrap();
        client.roles().await.unwrap();
        let printed = format!("{client:?}");
        assert!(printed.contains(CLIENT_ID), "{printed}");
        assert!(
            !printed.contains(CLIENT_SECRET) && !printed.contains("token-1"),
            "{printed}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_waits_its_retry_after() {
    within(10, async {
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        let platform = Platform::start(move |call| {
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                Reply::error(
                    429,
                    "too.many.requests",
                    "Rate limit exceeded the maximum. Retry the request in [1] seconds",
                )
                .header("retry-after", "1")
            } else {
                roles_page(call, 1)
            }
        })
        .await;
        let client = builder(&platform).build().unwrap();
        let start = Instant::now();
        let file = client.roles().await.unwrap();
        assert!(start.elapsed() >= Duration::from_secs(1), "{:?}", start.elapsed());
        assert_eq!(file.roles.len(), 2);
        assert_eq!(platform.calls().len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_longer_than_the_client_waits_fails_at_once() {
    within(10, async {
        let platform =
            Platform::start(|_| Reply::error(429, "too.many.requests", "slow down").header("retry-after", "3600"))
                .await;
        let client = builder(&platform).build().unwrap();
        let error = client.roles().await.unwrap_err();
        match &error {
            ClientError::RateLimited { retry_after, body, .. } => {
                assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
                assert_eq!(body.as_ref().unwrap().code.as_deref(), Some("too.many.requests"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(platform.calls().len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_then_succeed_or_fail_with_their_body() {
    within(10, async {
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        let platform = Platform::start(move |call| match counter.fetch_add(1, Ordering::SeqCst) {
            0 => Reply::error(503, "service.unavailable", "try later"),
            1 => Reply::error(502, "bad.gateway", "upstream"),
            _ => roles_page(call, 1),
        })
        .await;
        let client = builder(&platform).build().unwrap();
        assert_eq!(client.roles().await.unwrap().roles.len(), 2);
        assert_eq!(platform.calls().len(), 3);

        let down = Platform::start(|_| Reply::error(500, "internal.server.error", "boom")).await;
        let client = builder(&down).max_retries(2).build().unwrap();
        let error = client.roles().await.unwrap_err();
        match &error {
            ClientError::Status {
                status: 500,
                body: Some(body),
                ..
            } => {
                assert_eq!(body.code.as_deref(), Some("internal.server.error"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(down.calls().len(), 3, "one try and two retries");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_gets_one_fresh_token_and_a_caller_token_is_never_replaced() {
    within(10, async {
        let platform = Platform::start(|call| match call.token.as_deref() {
            Some("token-1") | Some("caller-bad") => Reply::error(401, "bad.credentials", "Invalid login credentials."),
            Some("caller-good") => Reply::json(&user("u-9", &["routing:queue:view"])),
            _ => roles_page(call, 1),
        })
        .await;
        let client = builder(&platform).build().unwrap();
        assert_eq!(client.roles().await.unwrap().roles.len(), 2);
        assert_eq!(platform.token_requests(), 2);

        let error = client
            .users_me(&Credential::new("caller-bad".into()))
            .await
            .unwrap_err();
        match &error {
            ClientError::Unauthorized {
                body: Some(body),
                endpoint,
            } => {
                assert_eq!(body.code.as_deref(), Some("bad.credentials"));
                assert_eq!(*endpoint, Endpoint::USERS_ME);
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{error} {error:?}").contains("caller-bad"));
        let me = client.users_me(&Credential::new("caller-good".into())).await.unwrap();
        assert_eq!(me.id.as_deref(), Some("u-9"));
        assert_eq!(
            platform.token_requests(),
            2,
            "the caller's reads use the caller's token"
        );
        let last = platform.calls().pop().unwrap();
        assert_eq!(last.uri, "/api/v2/users/me?expand=authorization");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_names_what_the_read_requires() {
    within(10, async {
        let platform = Platform::start(|_| platform::missing_permission("authorization:role:view")).await;
        let client = builder(&platform).build().unwrap();
        let error = client.roles().await.unwrap_err();
        match &error {
            ClientError::Forbidden {
                requires,
                forbidden,
                body,
                ..
            } => {
                assert_eq!(requires, &["authorization:role:view"]);
                assert_eq!(forbidden.as_ref().unwrap().missing[0].key, "authorization:role:view");
                assert_eq!(body.as_ref().unwrap().status, Some(403));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            error.to_string(),
            "`getAuthorizationRoles` (GET /api/v2/authorization/roles): the Platform API refused the read (403): it requires `authorization:role:view`; the body names `authorization:role:view`"
        );
        // subjects/{id} requires authorization:grant:view.
        let error = client.subject("u-1").await.unwrap_err();
        assert!(matches!(&error, ClientError::Forbidden { requires, .. } if requires == &["authorization:grant:view"]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_uri_that_loops_is_refused() {
    within(10, async {
        // Page 2 links back to page 1.
        let platform = Platform::start(|call| {
            let n: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
            let mut page = listing(
                ROLES,
                &[role(&format!("r-{n}"), &format!("role {n}"), &["routing:queue:view"])],
                n,
                3,
                1,
            );
            if n == 2 {
                page["nextUri"] = json!("/api/v2/authorization/roles?pageSize=100");
            }
            Reply::json(&page)
        })
        .await;
        let client = builder(&platform).build().unwrap();
        let error = client.roles().await.unwrap_err();
        assert!(matches!(error, ClientError::PageLoop { page: 2, .. }), "{error:?}");
        assert_eq!(platform.calls().len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_pages_are_refused_by_page_count_and_by_links() {
    within(10, async {
        let huge_count = Platform::start(|call| roles_page(call, 1_000_000)).await;
        let client = builder(&huge_count).build().unwrap();
        assert!(matches!(
            client.roles().await,
            Err(ClientError::TooManyPages { max: 1_000, .. })
        ));
        assert_eq!(huge_count.calls().len(), 1);

        // Links that never end, each new, without a pageCount.
        let endless = Platform::start(|call| {
            let n: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
            Reply::json(&json!({"entities": [], "nextUri": format!("{ROLES}?pageNumber={}", n + 1)}))
        })
        .await;
        let client = builder(&endless).max_pages(5).build().unwrap();
        assert!(matches!(
            client.roles().await,
            Err(ClientError::TooManyPages { max: 5, .. })
        ));
        assert_eq!(endless.calls().len(), 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_off_the_api_host_is_never_followed() {
    within(10, async {
        let platform = Platform::start(|call| {
            let mut page = roles_page(call, 2);
            let mut body: Value = serde_json::from_str(&page.body).unwrap();
            body["nextUri"] = json!("http://127.0.0.2:9/api/v2/authorization/roles?pageNumber=2");
            page.body = body.to_string();
            page
        })
        .await;
        let client = builder(&platform).build().unwrap();
        let error = client.roles().await.unwrap_err();
        assert!(matches!(error, ClientError::ForeignLink { page: 1, .. }), "{error:?}");
        assert_eq!(client.requests(), 2, "the token and the first page only");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_page_is_refused_without_reading_it_all() {
    within(10, async {
        let platform = Platform::start(|_| {
            let roles: Vec<Value> = (0..20_000)
                .map(|n| role(&format!("r-{n}"), &format!("role {n}"), &["routing:queue:view"]))
                .collect();
            Reply::json(&listing(ROLES, &roles, 1, 1, 20_000))
        })
        .await;
        let client = builder(&platform).max_body_bytes(1 << 20).build().unwrap();
        let error = client.roles().await.unwrap_err();
        assert!(
            matches!(error, ClientError::TooLarge { max: 1_048_576, .. }),
            "{error:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_times_out_after_the_retries() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 1).after(Duration::from_secs(30))).await;
        let client = builder(&platform)
            .timeout(Duration::from_millis(200))
            .max_retries(1)
            .build()
            .unwrap();
        let start = Instant::now();
        let error = client.roles().await.unwrap_err();
        assert!(matches!(error, ClientError::Timeout { attempts: 2, .. }), "{error:?}");
        assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
        assert_eq!(platform.calls().len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_budget_spreads_requests_over_its_window() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 3)).await;
        // The token and three pages: four requests, two per 400 ms.
        let client = builder(&platform)
            .request_budget(2, Duration::from_millis(400))
            .build()
            .unwrap();
        let start = Instant::now();
        client.roles().await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(400), "{:?}", start.elapsed());
        assert_eq!(client.requests(), 4);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_takes_from_its_own_budget_and_from_the_client_s() {
    within(10, async {
        let platform = Platform::start(|call| roles_page(call, 1)).await;
        let window = Duration::from_millis(300);
        // The share binds: one request per window for it, none of the client's
        // own requests counted in it.
        let client = builder(&platform).build().unwrap();
        client.roles().await.unwrap(); // the token and a page, the client's alone
        let share = client.with_share(1, window);
        let start = Instant::now();
        share.roles().await.unwrap();
        client.roles().await.unwrap();
        assert!(start.elapsed() < window, "{:?}", start.elapsed());
        share.roles().await.unwrap();
        assert!(start.elapsed() >= window, "{:?}", start.elapsed());
        assert_eq!(client.requests(), 5);
        assert_eq!(share.requests(), 5, "one count for the client and its shares");

        // The client's budget binds the share too.
        let client = builder(&platform).request_budget(2, window).build().unwrap();
        let share = client.with_share(100, window);
        let start = Instant::now();
        client.roles().await.unwrap(); // the token and a page: the client's two
        share.roles().await.unwrap();
        assert!(start.elapsed() >= window, "{:?}", start.elapsed());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_divisions_products_users_and_subjects_read_into_permgate_types() {
    within(10, async {
        let platform = Platform::start(|call| {
            let n: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
            match call.path.as_str() {
                "/api/v2/authorization/permissions" => {
                    let action = if n == 1 { "view" } else { "pause" };
                    let domain = json!({"domain": "routing", "permissionMap": {"queue": [
                        {"domain": "routing", "entityType": "queue", "action": action, "divisionAware": n == 1}]}});
                    Reply::json(&listing(&call.path, &[domain], n, 2, 1))
                }
                "/api/v2/authorization/divisions" => Reply::json(&listing(
                    &call.path,
                    &[json!({"id": format!("d-{n}"), "name": format!("Division {n}"), "homeDivision": n == 1})],
                    n,
                    2,
                    1,
                )),
                // Products: pageCount without nextUri.
                "/api/v2/authorization/products" => {
                    let mut page = listing(&call.path, &[json!({"id": format!("product-{n}")})], n, 2, 1);
                    page.as_object_mut().unwrap().remove("nextUri");
                    Reply::json(&page)
                }
                "/api/v2/users" => {
                    assert_eq!(call.query("expand").as_deref(), Some("authorization"));
                    let users = [user(
                        &format!("u-{n}"),
                        &["routing:queue:view", "routing:queue:join:d-east"],
                    )];
                    let mut page = listing(&call.path, &users, n, 2, 1);
                    if n == 1 {
                        // The API's nextUri keeps the first request's query.
                        page["nextUri"] = json!("/api/v2/users?pageSize=1&pageNumber=2&expand=authorization");
                    }
                    Reply::json(&page)
                }
                "/api/v2/users/a%2Fb" => Reply::json(&user("a/b", &["routing:queue:view"])),
                "/api/v2/authorization/subjects/me" => {
                    Reply::json(&subject("u-me", "viewer", "d-east", &["routing:queue:view"]))
                }
                "/api/v2/authorization/subjects/u-2" => {
                    Reply::json(&subject("u-2", "joiner", "*", &["routing:queue:join"]))
                }
                other => Reply::error(404, "not.found", other),
            }
        })
        .await;
        let client = builder(&platform).build().unwrap();

        let catalog = client.permission_catalog(Catalog::builtin()).await.unwrap();
        let pause = catalog.lookup("routing:queue:pause").expect("from page 2");
        assert!(!catalog.is_division_aware(pause));
        assert_eq!(catalog.len(), Catalog::builtin().len() + 1);

        let divisions = client.divisions().await.unwrap();
        let ids: Vec<&str> = divisions.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["d-1", "d-2"]);
        assert_eq!(divisions[0].home_division, Some(true));

        let products = client.products().await.unwrap();
        let ids: Vec<&str> = products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["product-1", "product-2"]);

        let users = client.users().await.unwrap();
        assert_eq!(users.len(), 2);
        let mut policy_builder = Policy::builder(Catalog::builtin());
        let u2 = policy_builder.add_user_definition(&users[1].definition(None)).unwrap();
        let policy = policy_builder.build();
        assert!(policy.allows(policy.user_in(u2, "d-east"), perm::routing::QUEUE_JOIN));
        assert!(!policy.allows(policy.user_in(u2, "d-west"), perm::routing::QUEUE_JOIN));

        assert_eq!(client.user("a/b").await.unwrap().id.as_deref(), Some("a/b"));
        let me = client.subjects_me(&Credential::new("caller".into())).await.unwrap();
        assert_eq!(me.definition().name, "u-me");
        let other = client.subject("u-2").await.unwrap();
        assert_eq!(other.definition().name, "u-2");

        // A page of roles is not a page of divisions.
        let wrong = Platform::start(|call| roles_page(call, 1)).await;
        let client = builder(&wrong).build().unwrap();
        let error = client.divisions().await.unwrap_err();
        assert!(matches!(error, ClientError::Unreadable { .. }), "{error:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_changes_query_poll_and_page_by_cursor() {
    within(10, async {
        let polls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&polls);
        let platform = Platform::start(move |call| match (call.method.as_str(), call.path.as_str()) {
            ("POST", "/api/v2/audits/query") => {
                let query: Value = serde_json::from_str(&call.body).unwrap();
                assert_eq!(query["serviceName"], "PeoplePermissions");
                assert_eq!(query["interval"], "2026-12-07T00:00:00Z/2026-12-07T01:00:00Z");
                assert_eq!(query["filters"], json!([{"property": "EntityType", "value": "Role"}]));
                Reply::json(&json!({"id": "tx-1", "state": "Running", "serviceName": "PeoplePermissions"}))
            }
            ("GET", "/api/v2/audits/query/tx-1") => {
                let state = if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    "Running"
                } else {
                    "Succeeded"
                };
                Reply::json(&json!({"id": "tx-1", "state": state}))
            }
            ("GET", "/api/v2/audits/query/tx-1/results") => {
                let message = |id: &str, kind: &str, entity: &str| {
                    json!({"id": id, "serviceName": "PeoplePermissions", "action": "Update", "entityType": kind,
                        "entity": {"id": entity, "name": entity}, "eventDate": "2026-12-07T00:30:00Z"})
                };
                match call.query("cursor").as_deref() {
                    None => Reply::json(&json!({"id": "tx-1", "pageSize": 2, "cursor": "c-2",
                        "entities": [message("a-1", "Role", "r-1"), message("a-2", "User", "u-1")]})),
                    Some("c-2") => Reply::json(&json!({"id": "tx-1", "pageSize": 2,
                        "entities": [message("a-3", "Role", "r-1"), message("a-4", "Role", "r-2")]})),
                    Some(other) => panic!("cursor {other}"),
                }
            }
            other => panic!("{other:?}"),
        })
        .await;
        let client = builder(&platform)
            .audit_polling(Duration::from_millis(10), 5)
            .build()
            .unwrap();
        let since = UNIX_EPOCH + Duration::from_secs(1_796_601_600);
        let changes = client
            .audit_changes(since, since + Duration::from_secs(3_600), &[("EntityType", "Role")])
            .await
            .unwrap();
        assert_eq!(changes.transaction, "tx-1");
        assert_eq!(changes.messages.len(), 4);
        assert_eq!(changes.entities_of("role"), ["r-1", "r-2"]);
        assert_eq!(changes.entities_of("User"), ["u-1"]);
        assert_eq!(polls.load(Ordering::SeqCst), 2);

        // A query that fails says so.
        let failed = Platform::start(|call| match call.method.as_str() {
            "POST" => Reply::json(&json!({"id": "tx-2", "state": "Failed"})),
            _ => panic!("no poll after a failed query"),
        })
        .await;
        let client = builder(&failed).build().unwrap();
        let error = client.audit_changes(since, SystemTime::now(), &[]).await.unwrap_err();
        assert!(
            matches!(&error, ClientError::AuditQuery { state: Some(state), .. } if state == "Failed"),
            "{error:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_share_one_token() {
    within(10, async {
        let platform = Platform::start(|call| {
            let n: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
            let division = json!({"id": format!("d-{n}"), "name": "Home"});
            Reply::json(&listing(&call.path, &[division], n, 1, 1)).after(Duration::from_millis(20))
        })
        .await;
        let client = builder(&platform).build().unwrap();
        let reads: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.divisions().await })
            })
            .collect();
        for read in reads {
            assert_eq!(read.await.unwrap().unwrap().len(), 1);
        }
        assert_eq!(platform.token_requests(), 1);
        assert_eq!(client.requests(), 9);
    })
    .await;
}

/// A listing's pages merged into one: every entity in page order, as the
/// stand-in wrote it, the paging fields of one page; the organization read
/// by `document` as sent, and by `organization` into its model.
#[tokio::test]
async fn a_listing_merges_its_pages_and_a_document_is_the_body_as_sent() {
    within(10, async {
        const ORG: &str = r#"{"id": "o-1", "name": "Acme", "domain": "acme", "selfUri": "/api/v2/organizations/o-1"}"#;
        let platform = Platform::start(|call| match call.path.as_str() {
            "/api/v2/organizations/me" => Reply::ok(ORG),
            _ => {
                let n: usize = call.query("pageNumber").map_or(1, |n| n.parse().unwrap());
                let users: Vec<Value> = (0..2)
                    .map(|k| user(&format!("u-{n}-{k}"), &["routing:queue:view"]))
                    .collect();
                Reply::json(&listing(&call.path, &users, n, 3, 2))
            }
        })
        .await;
        let client = builder(&platform).build().unwrap();
        let merged = client
            .listing(Endpoint::USERS, &[("expand", "authorization")])
            .await
            .unwrap();
        let value: Value = serde_json::from_str(&merged).unwrap();
        let ids: Vec<&str> = value["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["u-1-0", "u-1-1", "u-2-0", "u-2-1", "u-3-0", "u-3-1"]);
        assert_eq!(value["entities"][3], user("u-2-1", &["routing:queue:view"]));
        let paging: Vec<&Value> = ["pageSize", "pageNumber", "total", "pageCount"]
            .iter()
            .map(|f| &value[*f])
            .collect();
        assert_eq!(paging, [&json!(6), &json!(1), &json!(6), &json!(1)]);
        assert!(value.get("nextUri").is_none());
        assert_eq!(platform.calls()[0].query("expand").as_deref(), Some("authorization"));
        assert_eq!(client.document(Endpoint::ORGANIZATION, &[]).await.unwrap(), ORG);
        let org = client.organization().await.unwrap();
        assert_eq!((org.id.as_str(), org.name.as_deref()), ("o-1", Some("Acme")));
        // 3 pages, 2 organization reads, 1 token.
        assert_eq!(client.requests(), 6);
    })
    .await;
}

/// The module docs' table says which endpoint each read comes from and
/// which permission it needs: every row's operations are the endpoint
/// data's, with that method and path, and need exactly the permissions the
/// row names ("none" when the operation needs none); and each `Endpoint`
/// constant is the operation of its name.
#[test]
fn the_client_docs_name_each_endpoint_and_the_permission_it_needs() {
    assert_eq!(endpoint_table::check("src/client.rs"), 11);
    for endpoint in [
        Endpoint::ORGANIZATION,
        Endpoint::ROLES,
        Endpoint::PERMISSIONS,
        Endpoint::DIVISIONS,
        Endpoint::PRODUCTS,
        Endpoint::USERS,
        Endpoint::USER,
        Endpoint::USERS_ME,
        Endpoint::SUBJECTS_ME,
        Endpoint::SUBJECT,
        Endpoint::AUDIT_QUERY,
        Endpoint::AUDIT_STATUS,
        Endpoint::AUDIT_RESULTS,
    ] {
        let op = permgate::builtins::operation(endpoint.operation).unwrap();
        assert_eq!((op.method.as_str(), op.path), (endpoint.method, endpoint.path));
        let keys: Vec<&str> = op.requirement.permissions().iter().map(|p| p.key()).collect();
        assert_eq!(keys, endpoint.requires());
    }
}

#[test]
fn hosts_come_from_the_region_or_are_given_and_plain_http_stays_on_loopback() {
    let client = Client::builder().region("ap-southeast-2").unwrap().build().unwrap();
    assert_eq!(client.api_base(), "https://api.mypurecloud.com.au/");
    assert_eq!(client.login_base(), "https://login.mypurecloud.com.au/");
    let by_domain = Client::builder().region("euw2.pure.cloud").unwrap().build().unwrap();
    assert_eq!(by_domain.region().map(|r| r.name()), Some("eu-west-2"));
    // An explicit base wins over the region's.
    let proxied = Client::builder()
        .region("us-east-1")
        .unwrap()
        .api_base("https://gateway.example/genesys")
        .build()
        .unwrap();
    assert_eq!(proxied.api_base(), "https://gateway.example/genesys");
    assert_eq!(proxied.login_base(), "https://login.mypurecloud.com/");
    for bad in [
        "ftp://x.example",
        "not a url",
        "https://x.example/?q=1",
        "https://user:pw@x.example",
    ] {
        let built = Client::builder().region("us-east-1").unwrap().api_base(bad).build();
        assert!(built.is_err(), "{bad}");
    }
    let plain = Client::builder()
        .region("us-east-1")
        .unwrap()
        .api_base("http://10.0.0.1")
        .build();
    assert!(matches!(plain, Err(permgate::client::ConfigError::PlainHttp { .. })));
    for loopback in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
        assert!(
            Client::builder()
                .api_base(loopback)
                .login_base(loopback)
                .build()
                .is_ok(),
            "{loopback}"
        );
    }
    assert!(matches!(
        Client::builder().api_base("https://a.example").build(),
        Err(permgate::client::ConfigError::NoHost { which: "login" })
    ));
}

// ---------------------------------------------------------------------------
// Property: no answer makes the client panic, loop, or give more than the
// bodies say.

mod answers {
    use proptest::prelude::*;

    use super::*;

    /// What one answer of the stand-in is.
    #[derive(Debug, Clone)]
    pub enum Answer {
        /// A page of `roles` roles, numbered `number` of `count`, with a
        /// `nextUri` to page `next` (or none).
        Page {
            roles: usize,
            number: u64,
            count: u64,
            next: Option<u64>,
        },
        /// A link back to the first page.
        Loop,
        /// A link off the host.
        Foreign,
        /// A status with a Genesys error body (and a Retry-After for 429).
        Status(u16),
        /// Text that is not JSON.
        Garbage(String),
        /// A listing of users, not roles.
        Users,
    }

    pub fn answer() -> impl Strategy<Value = Answer> {
        prop_oneof![
            4 => (0usize..4, 1u64..4, 1u64..6, proptest::option::of(1u64..6))
                .prop_map(|(roles, number, count, next)| Answer::Page { roles, number, count, next }),
            1 => Just(Answer::Loop),
            1 => Just(Answer::Foreign),
            2 => prop_oneof![Just(400u16), Just(401), Just(403), Just(404), Just(429), Just(500), Just(503)].prop_map(Answer::Status),
            1 => "[ -~]{0,40}".prop_map(Answer::Garbage),
            1 => Just(Answer::Users),
        ]
    }

    /// The reply for `answer`, and the role names it lists.
    pub fn reply(answer: &Answer, call: &Call, serial: usize) -> (Reply, Vec<String>) {
        match answer {
            Answer::Page {
                roles,
                number,
                count,
                next,
            } => {
                let names: Vec<String> = (0..*roles).map(|r| format!("role {serial}-{r}")).collect();
                let entities: Vec<Value> = names.iter().map(|n| role(n, n, &["routing:queue:view"])).collect();
                let mut page = json!({"entities": entities, "pageNumber": number, "pageCount": count, "pageSize": 25});
                if let Some(next) = next {
                    page["nextUri"] = json!(format!("{ROLES}?pageSize=25&pageNumber={next}&serial={serial}"));
                }
                (Reply::json(&page), names)
            }
            Answer::Loop => {
                let page = json!({"entities": [], "pageCount": 9, "nextUri": call.uri});
                (Reply::json(&page), Vec::new())
            }
            Answer::Foreign => {
                let page = json!({"entities": [], "nextUri": "https://elsewhere.example/api/v2/authorization/roles"});
                (Reply::json(&page), Vec::new())
            }
            Answer::Status(status) => {
                let reply = Reply::error(*status, "some.code", "refused");
                let reply = if *status == 429 {
                    reply.header("retry-after", "0")
                } else {
                    reply
                };
                (reply, Vec::new())
            }
            Answer::Garbage(text) => (Reply::ok(text.clone()), Vec::new()),
            Answer::Users => (
                Reply::json(&json!({"entities": [user("u-1", &["routing:queue:view"])]})),
                Vec::new(),
            ),
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    #[test]
    fn no_answer_makes_the_client_panic_loop_or_invent_roles(script in proptest::collection::vec(answers::answer(), 1..8)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let served = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
            let next = Arc::new(AtomicUsize::new(0));
            let (log, counter, answers) = (Arc::clone(&served), Arc::clone(&next), script.clone());
            let platform = Platform::start(move |call| {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                // Past the script: the last answer again.
                let answer = &answers[n.min(answers.len() - 1)];
                let (reply, names) = answers::reply(answer, call, n);
                log.lock().unwrap().extend(names);
                reply
            })
            .await;
            let client = builder(&platform).max_pages(20).max_retries(2).build().unwrap();
            let read = within(20, client.roles()).await;
            let calls = platform.calls().len();
            // Bounded: at most max_pages pages, each tried at most three times.
            assert!(calls <= 20 * 3 + 3, "{calls} calls");
            if let Ok(file) = read {
                let served = served.lock().unwrap();
                for role in &file.roles {
                    assert!(served.contains(&role.name), "`{}` was never served", role.name);
                }
                // Each served page is read once: no role twice.
                let mut names: Vec<&str> = file.roles.iter().map(|r| r.name.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                assert_eq!(names.len(), file.roles.len());
            }
        });
    }
}

/// Permissions a generated user may hold (one with a division segment).
const KEYS: [&str; 5] = [
    "routing:queue:view",
    "routing:queue:join",
    "routing:queue:edit:d-east",
    "journey:actionmap:view",
    "analytics:conversationDetail:view",
];

/// One answer of the stand-in to a users page.
#[derive(Debug, Clone)]
enum UserAnswer {
    /// Users, each holding some of `KEYS` (by index), with a link to a next page or not.
    Page { users: Vec<Vec<usize>>, next: bool },
    /// A user the API did not expand.
    NotExpanded,
    /// A page of roles.
    Roles,
    /// A status with an error body.
    Status(u16),
}

fn user_answer() -> impl proptest::strategy::Strategy<Value = UserAnswer> {
    use proptest::prelude::*;
    prop_oneof![
        4 => (proptest::collection::vec(proptest::collection::vec(0usize..KEYS.len(), 0..4), 0..4), any::<bool>())
            .prop_map(|(users, next)| UserAnswer::Page { users, next }),
        1 => Just(UserAnswer::NotExpanded),
        1 => Just(UserAnswer::Roles),
        1 => prop_oneof![Just(401u16), Just(403), Just(429), Just(500)].prop_map(UserAnswer::Status),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 32, ..Default::default() })]

    /// Whatever the pages, a user the client returns holds no permission
    /// its page did not give it: the bulk users read never widens.
    #[test]
    fn no_users_answer_widens_a_user(script in proptest::collection::vec(user_answer(), 1..6)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let served = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<String, Vec<String>>::new()));
            let next = Arc::new(AtomicUsize::new(0));
            let (log, counter, answers) = (Arc::clone(&served), Arc::clone(&next), script.clone());
            let platform = Platform::start(move |_call| {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                match &answers[n.min(answers.len() - 1)] {
                    UserAnswer::Page { users, next } => {
                        let entities: Vec<Value> = users
                            .iter()
                            .enumerate()
                            .map(|(u, keys)| {
                                let id = format!("u-{n}-{u}");
                                let keys: Vec<String> = keys.iter().map(|k| KEYS[*k].to_owned()).collect();
                                log.lock().unwrap().insert(id.clone(), keys.clone());
                                json!({"id": id, "authorization": {"permissions": keys}})
                            })
                            .collect();
                        let mut page = json!({"entities": entities, "pageSize": 4});
                        if *next {
                            page["nextUri"] = json!(format!("/api/v2/users?expand=authorization&pageNumber={}", n + 2));
                        }
                        Reply::json(&page)
                    }
                    UserAnswer::NotExpanded => Reply::json(&json!({"entities": [{"id": "u-x", "username": "x@example.com"}]})),
                    UserAnswer::Roles => Reply::json(&listing(ROLES, &[role("r-1", "admin", &["routing:queue:edit"])], 1, 1, 1)),
                    UserAnswer::Status(status) => {
                        let reply = Reply::error(*status, "some.code", "refused");
                        if *status == 429 { reply.header("retry-after", "0") } else { reply }
                    }
                }
            })
            .await;
            let client = builder(&platform).max_pages(10).max_retries(1).build().unwrap();
            let read = within(20, client.users()).await;
            if let Ok(users) = read {
                let served = served.lock().unwrap();
                for user in &users {
                    let id = user.id.clone().unwrap();
                    let given = served.get(&id).unwrap_or_else(|| panic!("`{id}` was never served"));
                    for permission in &user.permissions {
                        let key = match permission.division() {
                            permgate::Division::Id(division) => format!("{}:{division}", permission.key()),
                            _ => permission.key().to_owned(),
                        };
                        assert!(given.contains(&key), "`{id}` holds `{key}`, given {given:?}");
                    }
                    assert_eq!(user.permissions.len(), given.len(), "`{id}`");
                }
            }
        });
    }
}
