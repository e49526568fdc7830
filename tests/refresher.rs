//! The refresher (features `live` and `client`) against the Platform API
//! stand-in (`support/platform.rs`): a policy loaded through a loader that
//! reads the stand-in with the client, users loaded from users/me; role and
//! user changes reported by the audits; failed audits; the full reload's
//! schedule; the audits windows' continuity; the request share; the run and
//! its stop. Every test is driven by `tick` (or a run of short intervals),
//! and bounded in time.

#![cfg(all(feature = "live", feature = "client"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/platform.rs"]
mod platform;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use permgate::client::{Client, ClientError, Credential};
use permgate::live::{Organizations, Refresher, Users};
use permgate::{Catalog, Policy, UserDefinition, perm};
use platform::{CLIENT_ID, CLIENT_SECRET, Call, Platform, Reply, listing, missing_permission, role};
use serde_json::{Value, json};

const ORG: &str = "org-a";
const AUDITS: &str = "/api/v2/audits/query";

/// Fails a test that runs longer than this instead of hanging the suite.
async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("the test ran out of time")
}

/// What the stand-in organization holds now; the test changes it.
#[derive(Default)]
struct Org {
    /// `DomainOrganizationRole`s.
    roles: Mutex<Vec<Value>>,
    /// The `AuditLogMessage`s the next audit query's results list.
    audits: Mutex<Vec<Value>>,
    /// When set, the answer to `POST /api/v2/audits/query`.
    audits_refused: Mutex<Option<Reply>>,
    /// When set, the answer to the roles' listing.
    roles_refused: Mutex<Option<Reply>>,
    /// users/me documents by the caller's token.
    me: Mutex<HashMap<String, Value>>,
    /// Audit queries made (for their transaction ids).
    queries: AtomicUsize,
}

impl Org {
    fn answer(&self, call: &Call) -> Reply {
        match (call.method.as_str(), call.path.as_str()) {
            ("GET", "/api/v2/authorization/roles") => {
                if let Some(reply) = self.roles_refused.lock().unwrap().clone() {
                    return reply;
                }
                let roles = self.roles.lock().unwrap().clone();
                Reply::json(&listing(&call.path, &roles, 1, 1, 100))
            }
            ("GET", "/api/v2/authorization/permissions") => {
                let domain = json!({"domain": "routing", "permissionMap": {"queue": [
                    {"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true},
                    {"domain": "routing", "entityType": "queue", "action": "join", "divisionAware": true}]}});
                Reply::json(&listing(&call.path, &[domain], 1, 1, 100))
            }
            ("POST", AUDITS) => {
                if let Some(reply) = self.audits_refused.lock().unwrap().clone() {
                    return reply;
                }
                let n = self.queries.fetch_add(1, Ordering::SeqCst) + 1;
                Reply::json(&json!({"id": format!("tx-{n}"), "state": "Succeeded", "serviceName": "PeoplePermissions"}))
            }
            ("GET", path) if path.starts_with(AUDITS) && path.ends_with("/results") => {
                let transaction = path
                    .trim_start_matches("/api/v2/audits/query/")
                    .trim_end_matches("/results");
                let entities = self.audits.lock().unwrap().clone();
                Reply::json(&json!({"id": transaction, "pageSize": 100, "entities": entities}))
            }
            ("GET", "/api/v2/users/me") => {
                let token = call.token.clone().unwrap_or_default();
                match self.me.lock().unwrap().get(&token) {
                    Some(me) => Reply::json(me),
                    None => Reply::error(401, "bad.credentials", "Invalid login credentials."),
                }
            }
            other => panic!("unexpected request {other:?}"),
        }
    }

    fn set_roles(&self, roles: Vec<Value>) {
        *self.roles.lock().unwrap() = roles;
    }

    fn report(&self, messages: Vec<Value>) {
        *self.audits.lock().unwrap() = messages;
    }

    fn set_me(&self, token: &str, id: &str, permissions: &[&str]) {
        let me = json!({"id": id, "name": id, "authorization": {"roles": [{"id": "r-agent", "name": "agent"}],
            "permissions": permissions}});
        self.me.lock().unwrap().insert(token.to_owned(), me);
    }
}

/// An `AuditLogMessage` of the `PeoplePermissions` service.
fn audit(id: &str, kind: &str, entity: &str) -> Value {
    json!({"id": id, "serviceName": "PeoplePermissions", "action": "Update", "entityType": kind,
        "entity": {"id": entity, "name": entity}, "eventDate": "2026-12-07T00:30:00Z", "status": "SUCCESS"})
}

/// A loader's failure (the client's, or a role that does not build).
#[derive(Debug)]
struct Failed(String);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

/// The service: its client of the stand-in, its organizations (the policy
/// read through the client: catalog and roles), its users (users/me with
/// the caller's token), and how many loads each made.
struct Service<L, U> {
    platform: Arc<Platform>,
    org: Arc<Org>,
    client: Client,
    organizations: Organizations<L>,
    users: Users<L, U>,
    policy_loads: Arc<AtomicUsize>,
    user_loads: Arc<AtomicUsize>,
}

async fn service() -> Service<impl permgate::live::Load<Error = Failed>, impl permgate::live::LoadUser<Error = Failed>>
{
    let org = Arc::new(Org::default());
    org.set_roles(vec![role("r-agent", "agent", &["routing:queue:view"])]);
    let script = Arc::clone(&org);
    let platform = Platform::start(move |call| script.answer(call)).await;
    let client = Client::builder()
        .api_base(platform.base())
        .login_base(platform.base())
        .client_credentials(CLIENT_ID, Credential::new(CLIENT_SECRET.to_owned()))
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .max_retries(1)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let policy_loads = Arc::new(AtomicUsize::new(0));
    let (loads, reader) = (Arc::clone(&policy_loads), client.clone());
    let organizations = Organizations::new(move |_org: &str| {
        let (loads, client) = (Arc::clone(&loads), reader.clone());
        async move {
            loads.fetch_add(1, Ordering::SeqCst);
            let catalog = client
                .permission_catalog(Catalog::builtin())
                .await
                .map_err(|e| Failed(e.to_string()))?;
            let roles = client.roles().await.map_err(|e| Failed(e.to_string()))?;
            let mut builder = Policy::builder(&catalog);
            for role in &roles.roles {
                builder.add_role_definition(role).map_err(|e| Failed(e.to_string()))?;
            }
            Ok(builder.build())
        }
    });
    let user_loads = Arc::new(AtomicUsize::new(0));
    let (loads, reader) = (Arc::clone(&user_loads), client.clone());
    let users = Users::new(
        organizations.clone(),
        move |_org: &str, _key: &str, credential: Option<&Credential>| {
            let (loads, client, credential) = (Arc::clone(&loads), reader.clone(), credential.cloned());
            async move {
                loads.fetch_add(1, Ordering::SeqCst);
                let credential = credential.ok_or_else(|| Failed(String::from("no token")))?;
                let me = client.users_me(&credential).await.map_err(|e| Failed(e.to_string()))?;
                Ok::<UserDefinition, Failed>(me.definition(None))
            }
        },
    );
    Service {
        platform,
        org,
        client,
        organizations,
        users,
        policy_loads,
        user_loads,
    }
}

/// The audit queries' intervals, in order, as the stand-in received them.
fn intervals(platform: &Platform) -> Vec<String> {
    platform
        .calls()
        .iter()
        .filter(|call| call.method == "POST" && call.path == AUDITS)
        .map(|call| {
            let query: Value = serde_json::from_str(&call.body).unwrap();
            assert_eq!(query["serviceName"], "PeoplePermissions");
            query["interval"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Seconds since 1970 of an ISO-8601 `YYYY-MM-DDThh:mm:ssZ`.
fn seconds(text: &str) -> i64 {
    let digits = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (year, month, day) = (digits(0..4), digits(5..7), digits(8..10));
    let (h, m, s) = (digits(11..13), digits(14..16), digits(17..19));
    // Days from civil (Howard Hinnant's algorithm), independent of the crate's.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + h * 3_600 + m * 60 + s
}

fn split(interval: &str) -> (i64, i64) {
    let (start, end) = interval.split_once('/').unwrap();
    (seconds(start), seconds(end))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_the_audits_report_reloads_the_policy_and_drops_users_holding_its_old_grants() {
    within(20, async {
        let s = service().await;
        s.org
            .set_me("tok-ana", "u-ana", &["routing:queue:view", "routing:queue:join"]);
        let ana = Credential::new(String::from("tok-ana"));
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .overlap(Duration::from_secs(2))
            .build();

        // The first tick reloads in full; the audits report nothing.
        let first = refresher.tick().await.unwrap();
        assert!(first.reloaded && first.full, "{first:?}");
        let policy = s.organizations.policy(ORG).await.unwrap();
        let agent = policy.role("agent").unwrap();
        assert!(policy.allows(agent, perm::routing::QUEUE_VIEW));
        assert!(!policy.allows(agent, perm::routing::QUEUE_JOIN));
        let caller = s.users.get(ORG, "hash-ana", Some(&ana)).await.unwrap();
        assert!(caller.allows(perm::routing::QUEUE_JOIN));
        let (policy_loads, user_loads) = (
            s.policy_loads.load(Ordering::SeqCst),
            s.user_loads.load(Ordering::SeqCst),
        );
        assert_eq!(user_loads, 1);

        // Nothing reported: no reload, nothing dropped.
        let quiet = refresher.tick().await.unwrap();
        assert!(!quiet.reloaded && quiet.dropped == 0, "{quiet:?}");
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), policy_loads);

        // An admin lets agents join queues and takes it away from Ana's users/me
        // (her other role lost it); the audits report the role.
        s.org.set_roles(vec![role(
            "r-agent",
            "agent",
            &["routing:queue:view", "routing:queue:join"],
        )]);
        s.org.set_me("tok-ana", "u-ana", &["routing:queue:view"]);
        s.org.report(vec![audit("a-1", "Role", "r-agent")]);
        let changed = refresher.tick().await.unwrap();
        assert_eq!(changed.roles, ["r-agent"]);
        assert!(changed.reloaded && !changed.full, "{changed:?}");
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), policy_loads + 1);
        let policy = s.organizations.policy(ORG).await.unwrap();
        assert!(policy.allows(policy.role("agent").unwrap(), perm::routing::QUEUE_JOIN));

        // Ana's cached users/me permissions were flattened from her roles: dropped,
        // loaded again, and she no longer joins.
        assert_eq!(changed.dropped, 1);
        let caller = s.users.get(ORG, "hash-ana", Some(&ana)).await.unwrap();
        assert_eq!(s.user_loads.load(Ordering::SeqCst), user_loads + 1);
        assert!(!caller.allows(perm::routing::QUEUE_JOIN));
        assert!(caller.allows(perm::routing::QUEUE_VIEW));

        // The same message again in the next window's overlap: already acted on.
        let again = refresher.tick().await.unwrap();
        assert!(again.roles.is_empty() && !again.reloaded, "{again:?}");
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), policy_loads + 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_change_drops_that_user_under_every_key_and_no_other() {
    within(20, async {
        let s = service().await;
        s.org.set_me("tok-ana-1", "u-ana", &["routing:queue:view"]);
        s.org.set_me("tok-ana-2", "u-ana", &["routing:queue:view"]);
        s.org.set_me("tok-bo", "u-bo", &["routing:queue:view"]);
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG).build();
        refresher.tick().await.unwrap();
        let callers = [
            ("hash-ana-1", "tok-ana-1"),
            ("hash-ana-2", "tok-ana-2"),
            ("hash-bo", "tok-bo"),
        ];
        for (key, token) in callers {
            let token = Credential::new(token.to_owned());
            assert!(
                !s.users
                    .get(ORG, key, Some(&token))
                    .await
                    .unwrap()
                    .allows(perm::routing::QUEUE_JOIN)
            );
        }
        assert_eq!(s.user_loads.load(Ordering::SeqCst), 3);

        // Ana was given queue join; the audits report her (not the role).
        s.org
            .set_me("tok-ana-1", "u-ana", &["routing:queue:view", "routing:queue:join"]);
        s.org
            .set_me("tok-ana-2", "u-ana", &["routing:queue:view", "routing:queue:join"]);
        s.org.report(vec![audit("a-7", "User", "u-ana")]);
        let policy_loads = s.policy_loads.load(Ordering::SeqCst);
        let refreshed = refresher.tick().await.unwrap();
        assert_eq!(refreshed.users, ["u-ana"]);
        assert!(refreshed.roles.is_empty());
        assert_eq!(refreshed.dropped, 2, "both of Ana's keys");
        // The policy holds no user u-ana: not reloaded.
        assert!(!refreshed.reloaded);
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), policy_loads);

        for (key, token) in callers {
            let token = Credential::new(token.to_owned());
            let caller = s.users.get(ORG, key, Some(&token)).await.unwrap();
            assert_eq!(
                caller.allows(perm::routing::QUEUE_JOIN),
                key.starts_with("hash-ana"),
                "{key}"
            );
        }
        // Ana's two keys loaded again; Bo's entry was still cached.
        assert_eq!(s.user_loads.load(Ordering::SeqCst), 5);
    })
    .await;
}

#[cfg(feature = "tracing")]
#[path = "support/capture.rs"]
mod capture;

/// One thread, so that the events of the whole test reach its subscriber.
#[tokio::test(flavor = "current_thread")]
async fn failed_audits_keep_the_policy_and_the_users_and_ask_the_same_window_again() {
    #[cfg(feature = "tracing")]
    let events = capture::Capture::default();
    #[cfg(feature = "tracing")]
    let _guard = tracing::subscriber::set_default(events.clone());
    within(20, async {
        let s = service().await;
        s.org.set_me("tok-ana", "u-ana", &["routing:queue:join"]);
        let ana = Credential::new(String::from("tok-ana"));
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .overlap(Duration::from_secs(2))
            .build();
        refresher.tick().await.unwrap();
        let policy = s.organizations.policy(ORG).await.unwrap();
        s.users.get(ORG, "hash-ana", Some(&ana)).await.unwrap();
        let (policy_loads, user_loads) = (
            s.policy_loads.load(Ordering::SeqCst),
            s.user_loads.load(Ordering::SeqCst),
        );
        let since = refresher.since();

        // The role changed and Ana too, but the audits cannot be read: a 5xx
        // (retried once, then given up), then a 403 naming the missing permission.
        s.org.set_roles(vec![role(
            "r-agent",
            "agent",
            &["routing:queue:view", "routing:queue:join"],
        )]);
        s.org
            .report(vec![audit("a-1", "Role", "r-agent"), audit("a-2", "User", "u-ana")]);
        *s.org.audits_refused.lock().unwrap() = Some(Reply::error(503, "service.unavailable", "Try again"));
        let error = refresher.tick().await.unwrap_err();
        assert!(
            matches!(error.audits(), Some(ClientError::Status { status: 503, .. })),
            "{error:?}"
        );
        assert!(error.reload().is_none() && !error.refreshed().reloaded);
        assert_eq!(error.organization(), ORG);
        *s.org.audits_refused.lock().unwrap() = Some(missing_permission("audits:audit:view"));
        let error = refresher.tick().await.unwrap_err();
        assert!(
            matches!(error.audits(), Some(ClientError::Forbidden { .. })),
            "{error:?}"
        );
        assert!(error.to_string().contains("audits:audit:view"), "{error}");

        // Nothing replaced, nothing dropped, the window not moved.
        assert!(Arc::ptr_eq(&policy, &s.organizations.policy(ORG).await.unwrap()));
        s.users.get(ORG, "hash-ana", Some(&ana)).await.unwrap();
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), policy_loads);
        assert_eq!(s.user_loads.load(Ordering::SeqCst), user_loads);
        assert_eq!(refresher.since(), since);

        // The audits answer again: the same window is asked, whole, and acted on.
        *s.org.audits_refused.lock().unwrap() = None;
        let refreshed = refresher.tick().await.unwrap();
        assert_eq!(
            (refreshed.roles.as_slice(), refreshed.users.as_slice()),
            (&["r-agent".to_owned()][..], &["u-ana".to_owned()][..])
        );
        assert!(refreshed.reloaded && refreshed.dropped == 1, "{refreshed:?}");
        let asked = intervals(&s.platform);
        // The first window, then three from the same start (503 twice with its retry, 403, then read).
        assert_eq!(asked.len(), 5, "{asked:?}");
        let second_start = split(&asked[1]).0;
        assert!(
            asked[1..].iter().all(|window| split(window).0 == second_start),
            "{asked:?}"
        );
    })
    .await;

    #[cfg(feature = "tracing")]
    {
        let events = events.0.lock().unwrap();
        let warnings: Vec<&String> = events
            .iter()
            .filter(|event| event.starts_with("WARN") && event.contains("audits could not be read"))
            .collect();
        assert_eq!(warnings.len(), 2, "{events:#?}");
        assert!(
            warnings.iter().all(|event| event.contains("organization=org-a")),
            "{warnings:#?}"
        );
        assert!(warnings[0].contains("503"), "{}", warnings[0]);
        assert!(warnings[1].contains("audits:audit:view"), "{}", warnings[1]);
        // No token, no secret, in any event.
        assert!(
            events
                .iter()
                .all(|event| !event.contains("token-") && !event.contains("tok-ana") && !event.contains(CLIENT_SECRET)),
            "{events:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_change_reloads_a_policy_that_holds_that_user() {
    within(20, async {
        let s = service().await;
        // A service whose loader puts its users in the policy (here from code: the
        // roles Ana holds now).
        let held: Arc<Mutex<Vec<&'static str>>> = Arc::new(Mutex::new(vec!["routing:queue:view"]));
        let (grants, loads) = (Arc::clone(&held), Arc::new(AtomicUsize::new(0)));
        let counter = Arc::clone(&loads);
        let organizations = Organizations::new(move |_org: &str| {
            let grants = grants.lock().unwrap().clone();
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let mut builder = Policy::builder(Catalog::builtin());
                let role = builder.add_role("ana's", &grants)?;
                builder.add_user("u-ana", [(role, permgate::Division::All)])?;
                Ok::<_, permgate::BuildError>(builder.build())
            }
        });
        let users = Users::new(
            organizations.clone(),
            |_org: &str, _key: &str, _: Option<&Credential>| {
                std::future::ready(Ok::<_, Failed>(UserDefinition::new("u-bo")))
            },
        );
        let mut refresher = Refresher::builder(s.client.clone(), users, ORG).build();
        refresher.tick().await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 1);

        // Another user changed: the policy does not hold it, no reload.
        s.org.report(vec![audit("a-1", "User", "u-carl")]);
        assert!(!refresher.tick().await.unwrap().reloaded);
        // Ana changed: the policy holds her, reloaded.
        held.lock().unwrap().push("routing:queue:join");
        s.org
            .report(vec![audit("a-1", "User", "u-carl"), audit("a-2", "User", "u-ana")]);
        let refreshed = refresher.tick().await.unwrap();
        assert!(
            refreshed.reloaded && !refreshed.full && refreshed.users == ["u-ana"],
            "{refreshed:?}"
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        let policy = organizations.policy(ORG).await.unwrap();
        assert!(policy.allows(policy.user("u-ana").unwrap(), perm::routing::QUEUE_JOIN));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_that_fails_keeps_the_policy_and_is_made_again_on_the_next_tick() {
    within(20, async {
        let s = service().await;
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG).build();
        refresher.tick().await.unwrap();
        let policy = s.organizations.policy(ORG).await.unwrap();

        // The role changed, the audits say so, but the roles cannot be read.
        s.org.set_roles(vec![role("r-agent", "agent", &["routing:queue:join"])]);
        s.org.report(vec![audit("a-3", "Role", "r-agent")]);
        *s.org.roles_refused.lock().unwrap() = Some(missing_permission("authorization:role:view"));
        let error = refresher.tick().await.unwrap_err();
        assert!(error.audits().is_none(), "{error:?}");
        let reload = error.reload().expect("the reload failed");
        assert_eq!(reload.organization(), ORG);
        assert!(
            reload.error().to_string().contains("authorization:role:view"),
            "{error:?}"
        );
        assert_eq!(error.refreshed().roles, ["r-agent"]);
        assert!(Arc::ptr_eq(&policy, &s.organizations.policy(ORG).await.unwrap()));

        // The roles read again: the next tick reloads, though the audits' message
        // was acted on already.
        *s.org.roles_refused.lock().unwrap() = None;
        let refreshed = refresher.tick().await.unwrap();
        assert!(
            refreshed.roles.is_empty() && refreshed.reloaded && !refreshed.full,
            "{refreshed:?}"
        );
        let policy = s.organizations.policy(ORG).await.unwrap();
        assert!(policy.allows(policy.role("agent").unwrap(), perm::routing::QUEUE_JOIN));
        // Then no more.
        assert!(!refresher.tick().await.unwrap().reloaded);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_refresher_backs_off_while_its_reloads_fail() {
    within(20, async {
        let s = service().await;
        s.organizations.policy(ORG).await.unwrap();
        *s.org.roles_refused.lock().unwrap() = Some(Reply::error(500, "internal.server.error", "Oops"));
        let refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .poll_interval(Duration::from_millis(5))
            .max_backoff(Duration::from_millis(80))
            .build();
        let stopper = refresher.stopper();
        let loads = s.policy_loads.load(Ordering::SeqCst);
        let task = tokio::spawn(refresher.run());
        tokio::time::sleep(Duration::from_millis(100)).await;
        stopper.stop();
        task.await.unwrap();
        // The full reload stays due and fails each time: the waits double (10, 20,
        // 40 ms), so at most four ticks in 100 ms, not one per poll or per loop.
        let reloads = s.policy_loads.load(Ordering::SeqCst) - loads;
        assert!((1..=4).contains(&reloads), "{reloads} reloads");
        // And the policy loaded before is still there.
        assert!(s.organizations.loaded(ORG).await.is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_is_reloaded_in_full_on_its_schedule() {
    within(20, async {
        let s = service().await;
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .full_reload_interval(Duration::from_millis(60))
            .build();
        assert!(refresher.tick().await.unwrap().full);
        let loads = s.policy_loads.load(Ordering::SeqCst);
        // Not due yet: the audits report nothing, nothing is reloaded.
        let early = refresher.tick().await.unwrap();
        assert!(!early.reloaded, "{early:?}");
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), loads);
        // A role changed without the audits saying so: the full reload catches it.
        s.org.set_roles(vec![role("r-agent", "agent", &["routing:queue:join"])]);
        tokio::time::sleep(Duration::from_millis(70)).await;
        let due = refresher.tick().await.unwrap();
        assert!(due.reloaded && due.full && due.roles.is_empty(), "{due:?}");
        assert_eq!(s.policy_loads.load(Ordering::SeqCst), loads + 1);
        let policy = s.organizations.policy(ORG).await.unwrap();
        assert!(policy.allows(policy.role("agent").unwrap(), perm::routing::QUEUE_JOIN));
        // And not again until the next interval.
        assert!(!refresher.tick().await.unwrap().reloaded);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_audits_window_starts_where_the_last_ended_less_the_overlap() {
    within(20, async {
        let s = service().await;
        let overlap = 3;
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .overlap(Duration::from_secs(overlap))
            .build();
        let before = std::time::SystemTime::now();
        let first = refresher.tick().await.unwrap();
        let second = refresher.tick().await.unwrap();
        let third = refresher.tick().await.unwrap();
        let asked = intervals(&s.platform);
        assert_eq!(asked.len(), 3, "{asked:?}");
        assert_eq!(first.interval.as_deref(), Some(asked[0].as_str()));
        assert_eq!(second.interval.as_deref(), Some(asked[1].as_str()));
        assert_eq!(third.interval.as_deref(), Some(asked[2].as_str()));
        let windows: Vec<(i64, i64)> = asked.iter().map(|window| split(window)).collect();
        // The first starts the overlap before the refresher was built.
        let built = i64::try_from(before.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap();
        assert!(
            (built - i64::try_from(overlap).unwrap() - 1..=built - i64::try_from(overlap).unwrap())
                .contains(&windows[0].0),
            "{asked:?}"
        );
        for pair in windows.windows(2) {
            let ((_, end), (start, next_end)) = (pair[0], pair[1]);
            assert_eq!(start, end - i64::try_from(overlap).unwrap(), "{asked:?}");
            assert!(next_end >= end, "{asked:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_refresher_spends_no_more_than_its_share() {
    within(20, async {
        let s = service().await;
        // The token and two requests a tick (the query, Succeeded at once, and
        // its one page of results): five for two ticks, three per 300 ms.
        let window = Duration::from_millis(300);
        let mut refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .request_budget(3, window)
            .build();
        let start = Instant::now();
        // The full reload's reads (catalog, roles) are the loader's, through the
        // client's budget only: they would not fit in the share with the audits'.
        let first = refresher.tick().await.unwrap();
        assert!(first.full);
        let first_took = start.elapsed();
        refresher.tick().await.unwrap();
        // The second tick's second request waited for the first tick's first to leave the window.
        assert!(start.elapsed() >= window, "{:?}", start.elapsed());
        assert!(first_took < window, "{first_took:?}");
        // The client counts every request: the loader's and the refresher's.
        assert_eq!(s.client.requests(), 1 + 2 + 2 + 2);
        assert_eq!(intervals(&s.platform).len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_refresher_ticks_until_stopped() {
    within(20, async {
        let s = service().await;
        let refresher = Refresher::builder(s.client.clone(), s.users.clone(), ORG)
            .poll_interval(Duration::from_millis(10))
            .request_budget(1_000, Duration::from_secs(60))
            .build();
        let stopper = refresher.stopper();
        let task = tokio::spawn(refresher.run());
        while intervals(&s.platform).len() < 3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // A role change reported while it runs is picked up without a call.
        s.org.set_roles(vec![role("r-agent", "agent", &["routing:queue:join"])]);
        s.org.report(vec![audit("a-9", "Role", "r-agent")]);
        loop {
            let policy = s.organizations.policy(ORG).await.unwrap();
            if policy.allows(policy.role("agent").unwrap(), perm::routing::QUEUE_JOIN) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stopper.stop();
        task.await.unwrap();
        let asked = intervals(&s.platform).len();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(intervals(&s.platform).len(), asked, "no tick after the stop");
    })
    .await;
}
