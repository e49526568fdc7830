//! The per-user cache (feature `live`): single-flight loads, users compiled
//! again after their organization's reload (never answered against the old
//! policy), invalidation of one user and of one organization's users, the
//! time to live, failed loads not kept.
//!
//! Every test runs on a multi-thread tokio runtime and is bounded: in
//! requests, and in time (`within`).

#![cfg(feature = "live")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{HashMap, HashSet};
use std::error::Error as _;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use permgate::live::{Credential, Load, LoadUser, Organizations, UserError, Users};
use permgate::{BuildError, Catalog, Division, Policy, RoleDefinition, UserDefinition, perm};

/// Fails a test that runs longer than this instead of hanging the suite.
async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("the test ran out of time")
}

/// An error of either loader.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unavailable(String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "upstream has no answer for organization `{}`", self.0)
    }
}

impl std::error::Error for Unavailable {}

/// Organizations' policies: role `agent` grants OLD, or NEW once `new` is
/// set; the two disagree on the probes below.
#[derive(Clone, Default)]
struct Policies {
    new: Arc<AtomicBool>,
    failing: Arc<AtomicBool>,
    loads: Arc<AtomicUsize>,
}

const OLD: &[&str] = &["routing:queue:view"];
const NEW: &[&str] = &["journey:actionmap:*"];

impl Load for Policies {
    type Error = Unavailable;

    async fn load(&self, organization: &str) -> Result<Policy, Unavailable> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        if self.failing.load(Ordering::SeqCst) {
            return Err(Unavailable(organization.to_owned()));
        }
        let grants = if self.new.load(Ordering::SeqCst) { NEW } else { OLD };
        Ok(Policy::builder(Catalog::builtin())
            .role("agent", grants)
            .unwrap()
            .build())
    }
}

/// A user loader that counts its calls per organization and key, takes
/// `delay` to answer (so concurrent requests overlap), and can be told to
/// fail. Every user holds role `agent` (named only: the organization's).
/// Clones share the counts and the switch.
#[derive(Clone)]
struct Directory {
    calls: Arc<Mutex<HashMap<(String, String), usize>>>,
    failing: Arc<AtomicBool>,
    delay: Duration,
}

impl Directory {
    fn new(delay: Duration) -> Self {
        Self {
            calls: Arc::default(),
            failing: Arc::default(),
            delay,
        }
    }

    fn calls(&self, organization: &str, user: &str) -> usize {
        let calls = self.calls.lock().unwrap();
        calls
            .get(&(organization.to_owned(), user.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.calls.lock().unwrap().values().sum()
    }
}

impl LoadUser for Directory {
    type Error = Unavailable;

    async fn load_user(
        &self,
        organization: &str,
        user: &str,
        _credential: Option<&Credential>,
    ) -> Result<UserDefinition, Unavailable> {
        *self
            .calls
            .lock()
            .unwrap()
            .entry((organization.to_owned(), user.to_owned()))
            .or_insert(0) += 1;
        tokio::time::sleep(self.delay).await;
        if self.failing.load(Ordering::SeqCst) {
            return Err(Unavailable(organization.to_owned()));
        }
        Ok(UserDefinition::new(format!("user {user}")).role(RoleDefinition::new("agent"), Division::All))
    }
}

type Cache = Users<Policies, Directory>;

/// A cache over fresh loaders, and clones of the loaders to steer them.
fn cache(delay: Duration, time_to_live: Option<Duration>) -> (Cache, Policies, Directory) {
    let policies = Policies::default();
    let directory = Directory::new(delay);
    let organizations = Organizations::new(policies.clone());
    let mut builder = Users::builder(organizations, directory.clone());
    if let Some(ttl) = time_to_live {
        builder = builder.time_to_live(ttl);
    }
    (builder.build(), policies, directory)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_requests_for_one_uncached_user_make_one_load() {
    within(30, async {
        let (users, _, directory) = cache(Duration::from_millis(100), None);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..1_000 {
            let users = users.clone();
            tasks.spawn(async move {
                let user = users.get("org-a", "key-1", None).await.unwrap();
                (
                    user.allows(perm::routing::QUEUE_VIEW),
                    user.allows(perm::journey::ACTIONMAP_EDIT),
                    Some(user.name().to_owned()),
                )
            });
        }
        let mut answers = HashSet::new();
        while let Some(answer) = tasks.join_next().await {
            answers.insert(answer.unwrap());
        }
        assert_eq!(directory.calls("org-a", "key-1"), 1);
        assert_eq!(directory.total(), 1);
        assert_eq!(
            answers.into_iter().collect::<Vec<_>>(),
            [(true, false, Some("user key-1".to_owned()))]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_a_reload_the_user_is_compiled_against_the_new_policy_without_a_new_load() {
    within(30, async {
        let (users, policies, directory) = cache(Duration::ZERO, None);
        let before = users.get("org-a", "key-1", None).await.unwrap();
        let old = users.organizations().policy("org-a").await.unwrap();
        assert!(before.is_compiled_against(&old));
        assert!(before.allows(perm::routing::QUEUE_VIEW));
        assert!(!before.allows(perm::journey::ACTIONMAP_EDIT));

        policies.new.store(true, Ordering::SeqCst);
        let new = users.organizations().reload("org-a").await.unwrap();

        // Concurrent requests after the reload: each answered against the new policy.
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let (users, new) = (users.clone(), Arc::clone(&new));
            tasks.spawn(async move {
                let user = users.get("org-a", "key-1", None).await.unwrap();
                assert!(user.is_compiled_against(&new));
                (
                    user.allows(perm::routing::QUEUE_VIEW),
                    user.allows(perm::journey::ACTIONMAP_EDIT),
                )
            });
        }
        while let Some(answer) = tasks.join_next().await {
            assert_eq!(answer.unwrap(), (false, true));
        }
        let after = users.get("org-a", "key-1", None).await.unwrap();
        assert!(after.is_compiled_against(&new) && !after.is_compiled_against(&old));
        assert!(!before.is_compiled_against(&new)); // the old value is stale, and detected
        assert_eq!(directory.calls("org-a", "key-1"), 1); // recompiled, not fetched again
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reload_of_a_under_traffic_on_a_and_b_never_mixes_and_leaves_b_alone() {
    within(60, async {
        let (users, policies, directory) = cache(Duration::ZERO, None);
        let reloaded = Arc::new(AtomicBool::new(false));
        let rounds = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for task in 0..8 {
            let (users, reloaded, rounds) = (users.clone(), Arc::clone(&reloaded), Arc::clone(&rounds));
            // Requests before, during and after the reload: each task runs
            // until it has made 150 requests after the reload returned.
            tasks.spawn(async move {
                let (mut old, mut new, mut after_reload) = (0, 0, 0);
                for round in 0..100_000 {
                    let key = format!("user-{}", (task + round) % 4);
                    // Read before asking: a request that starts after the reload
                    // returned must be answered against the new policy.
                    let after = reloaded.load(Ordering::SeqCst);
                    let a = users.get("org-a", &key, None).await.unwrap();
                    match (
                        a.allows(perm::routing::QUEUE_VIEW),
                        a.allows(perm::journey::ACTIONMAP_EDIT),
                    ) {
                        (true, false) => {
                            assert!(!after, "answered against the old policy after the reload");
                            old += 1;
                        }
                        (false, true) => new += 1,
                        mixed => panic!("an answer mixing two policies: {mixed:?}"),
                    }
                    let b = users.get("org-b", &key, None).await.unwrap();
                    assert!(b.allows(perm::routing::QUEUE_VIEW) && !b.allows(perm::journey::ACTIONMAP_EDIT));
                    rounds.fetch_add(1, Ordering::SeqCst);
                    if after {
                        after_reload += 1;
                        if after_reload == 150 {
                            break;
                        }
                    }
                    tokio::task::yield_now().await;
                }
                (old, new)
            });
        }
        while rounds.load(Ordering::SeqCst) < 1_000 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let policy_b = users.organizations().policy("org-b").await.unwrap();
        policies.new.store(true, Ordering::SeqCst);
        users.organizations().reload("org-a").await.unwrap();
        reloaded.store(true, Ordering::SeqCst);
        let (mut old, mut new) = (0, 0);
        while let Some(task) = tasks.join_next().await {
            let (o, n) = task.unwrap();
            (old, new) = (old + o, new + n);
        }
        assert!(old >= 1_000 && new >= 8 * 150, "old {old}, new {new}");
        // B kept its policy; every user was loaded once (recompiled, not fetched again).
        assert!(Arc::ptr_eq(
            &policy_b,
            &users.organizations().policy("org-b").await.unwrap()
        ));
        assert_eq!(directory.total(), 8);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidating_one_user_reloads_only_that_user() {
    within(30, async {
        let (users, _, directory) = cache(Duration::ZERO, None);
        for key in ["ana", "bob"] {
            users.get("org-a", key, None).await.unwrap();
        }
        users.get("org-b", "ana", None).await.unwrap();
        users.invalidate("org-a", "ana").await;
        for key in ["ana", "bob"] {
            users.get("org-a", key, None).await.unwrap();
        }
        users.get("org-b", "ana", None).await.unwrap();
        assert_eq!(directory.calls("org-a", "ana"), 2);
        assert_eq!(directory.calls("org-a", "bob"), 1);
        assert_eq!(directory.calls("org-b", "ana"), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidating_an_organization_reloads_its_users_only() {
    within(30, async {
        let (users, _, directory) = cache(Duration::ZERO, None);
        for (org, key) in [("org-a", "ana"), ("org-a", "bob"), ("org-b", "ana")] {
            users.get(org, key, None).await.unwrap();
        }
        let policy_b = users.organizations().policy("org-b").await.unwrap();
        assert_eq!(users.invalidate_organization("org-a").await, 2);
        assert_eq!(users.invalidate_organization("org-c").await, 0);
        for (org, key) in [("org-a", "ana"), ("org-a", "bob"), ("org-b", "ana")] {
            users.get(org, key, None).await.unwrap();
        }
        assert_eq!(directory.calls("org-a", "ana"), 2);
        assert_eq!(directory.calls("org-a", "bob"), 2);
        assert_eq!(directory.calls("org-b", "ana"), 1);
        // The organizations' policies are not touched.
        assert!(Arc::ptr_eq(
            &policy_b,
            &users.organizations().policy("org-b").await.unwrap()
        ));

        users.invalidate_all();
        users.get("org-b", "ana", None).await.unwrap();
        assert_eq!(directory.calls("org-b", "ana"), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_past_its_time_to_live_is_loaded_again() {
    within(30, async {
        let ttl = Duration::from_millis(200);
        let (users, _, directory) = cache(Duration::ZERO, Some(ttl));
        assert_eq!(users.time_to_live(), ttl);
        users.get("org-a", "ana", None).await.unwrap();
        users.get("org-a", "ana", None).await.unwrap();
        assert_eq!(directory.calls("org-a", "ana"), 1);
        tokio::time::sleep(ttl * 3).await;
        users.get("org-a", "ana", None).await.unwrap();
        assert_eq!(directory.calls("org-a", "ana"), 2);

        let (defaults, _, _) = cache(Duration::ZERO, None);
        assert_eq!(defaults.time_to_live(), Duration::from_secs(300));

        // A time to live past any clock's range: kept, never expired.
        let (forever, _, directory) = cache(Duration::ZERO, Some(Duration::MAX));
        forever.get("org-a", "ana", None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        forever.get("org-a", "ana", None).await.unwrap();
        assert_eq!(directory.calls("org-a", "ana"), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_past_their_time_to_live_are_swept_out_by_a_later_load() {
    within(30, async {
        let ttl = Duration::from_millis(300);
        let (users, _, directory) = cache(Duration::ZERO, Some(ttl));
        assert!(users.is_empty());
        for n in 0..50 {
            users.get("org-a", &format!("user-{n}"), None).await.unwrap();
        }
        assert_eq!(users.len(), 50);
        tokio::time::sleep(ttl * 2).await;
        // Never asked for again, they are still held: the next load sweeps.
        assert_eq!(users.len(), 50);
        users.get("org-b", "bo", None).await.unwrap();
        assert_eq!(users.len(), 1, "{users:?}");
        // A swept user is loaded again when asked for.
        users.get("org-a", "user-7", None).await.unwrap();
        assert_eq!(directory.calls("org-a", "user-7"), 2);
        assert_eq!(users.len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cancelled_during_its_load_leaves_the_load_to_the_next_one() {
    within(30, async {
        let (users, _, directory) = cache(Duration::from_millis(300), None);
        // Given up before its loader answers (a client that hung up).
        let cancelled = tokio::time::timeout(Duration::from_millis(50), users.get("org-a", "ana", None)).await;
        assert!(cancelled.is_err());
        assert!(users.is_empty());
        // The next request loads, and nothing of the first is kept.
        let user = users.get("org-a", "ana", None).await.unwrap();
        assert!(user.allows(perm::routing::QUEUE_VIEW));
        assert_eq!(directory.calls("org-a", "ana"), 2);
        users.get("org-a", "ana", None).await.unwrap();
        assert_eq!((directory.calls("org-a", "ana"), users.len()), (2, 1));

        // A waiter whose first request is cancelled takes its load over.
        let (first, second) = (users.clone(), users.clone());
        let abandoned = tokio::spawn(async move { first.get("org-a", "bo", None).await.map(|_| ()) });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let waiter = tokio::spawn(async move { second.get("org-a", "bo", None).await.map(|_| ()) });
        tokio::time::sleep(Duration::from_millis(50)).await;
        abandoned.abort();
        waiter.await.unwrap().unwrap();
        assert_eq!(directory.calls("org-a", "bo"), 2);
        assert_eq!(users.len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_max_users_are_cached_and_the_evicted_ones_load_again() {
    within(30, async {
        let policies = Policies::default();
        let directory = Directory::new(Duration::ZERO);
        let users = Users::builder(Organizations::new(policies), directory.clone())
            .max_users(100)
            .build();
        for n in 0..1_000 {
            let user = users.get("org-a", &format!("user-{n}"), None).await.unwrap();
            assert_eq!(user.name(), format!("user user-{n}"));
            assert!(users.len() <= 100, "{}", users.len());
        }
        assert!(users.len() >= 50, "{}", users.len());
        // Every user still answers, the evicted ones loaded again.
        for n in 0..1_000 {
            let user = users.get("org-a", &format!("user-{n}"), None).await.unwrap();
            assert_eq!(user.name(), format!("user user-{n}"));
        }
        assert!(directory.total() > 1_000, "{}", directory.total());
        assert!(users.len() <= 100);

        // Room for none: every request loads, nothing is kept.
        let directory = Directory::new(Duration::ZERO);
        let none = Users::builder(Organizations::new(Policies::default()), directory.clone())
            .max_users(0)
            .build();
        for _ in 0..3 {
            assert!(
                none.get("org-a", "ana", None)
                    .await
                    .unwrap()
                    .allows(perm::routing::QUEUE_VIEW)
            );
        }
        assert_eq!((directory.calls("org-a", "ana"), none.len()), (3, 0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_load_is_shared_named_by_organization_and_not_kept() {
    within(30, async {
        let (users, policies, directory) = cache(Duration::from_millis(50), None);
        let secret = "a-token-hash-never-printed";
        directory.failing.store(true, Ordering::SeqCst);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let users = users.clone();
            tasks.spawn(async move { users.get("org-a", secret, None).await.unwrap_err() });
        }
        while let Some(error) = tasks.join_next().await {
            let error = error.unwrap();
            assert!(matches!(error, UserError::Load { .. }));
            assert_eq!(error.organization(), "org-a");
            let shown = format!("{error} {error:?} {}", error.source().unwrap());
            assert!(shown.contains("org-a") && !shown.contains(secret), "{shown}");
        }
        assert_eq!(directory.calls("org-a", secret), 1);
        assert!(!format!("{users:?}").contains(secret));

        // Not kept: the next request loads again, and succeeds.
        directory.failing.store(false, Ordering::SeqCst);
        let user = users.get("org-a", secret, None).await.unwrap();
        assert!(user.allows(perm::routing::QUEUE_VIEW));
        assert_eq!(directory.calls("org-a", secret), 2);

        // The organization's policy failing: its own error, nothing kept.
        policies.failing.store(true, Ordering::SeqCst);
        let error = users.get("org-b", secret, None).await.unwrap_err();
        assert!(matches!(error, UserError::Organization(_)), "{error:?}");
        assert_eq!(error.organization(), "org-b");
        assert!(!error.to_string().contains(secret));
        policies.failing.store(false, Ordering::SeqCst);
        assert!(users.get("org-b", secret, None).await.is_ok());
        assert_eq!(directory.calls("org-b", secret), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_that_does_not_compile_is_a_compile_error_naming_the_organization() {
    within(30, async {
        let organizations =
            Organizations::new(|_: &str| async { Ok::<_, BuildError>(Policy::builder(Catalog::builtin()).build()) });
        let users = Users::new(organizations, |_: &str, _: &str, _: Option<&Credential>| async {
            // An empty user name does not compile.
            Ok::<_, Unavailable>(UserDefinition::new(""))
        });
        let error = users.get("org-a", "ana", None).await.unwrap_err();
        assert!(matches!(error, UserError::Compile { .. }), "{error:?}");
        assert_eq!(error.organization(), "org-a");
        assert!(error.source().is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loader_gets_the_first_callers_credential_on_a_miss_only() {
    within(30, async {
        let policies = Policies::default();
        let organizations = Organizations::new(policies.clone());
        let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let users = Users::new(organizations.clone(), {
            let seen = Arc::clone(&seen);
            move |organization: &str, user: &str, credential: Option<&Credential>| {
                seen.lock().unwrap().push(credential.map(|c| c.expose().to_owned()));
                let (organization, user, known) = (organization.to_owned(), user.to_owned(), credential.is_some());
                async move {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if !known {
                        return Err(Unavailable(organization));
                    }
                    Ok(UserDefinition::new(user).role(RoleDefinition::new("agent"), Division::All))
                }
            }
        });
        let (first, second) = (Credential::new("tok-1".to_owned()), Credential::new("tok-2".to_owned()));
        assert_eq!(format!("{first:?} {first}"), "Credential(..) Credential(..)");

        // Two concurrent misses for one key: one load, with the first caller's credential.
        let (a, b) = tokio::join!(
            users.get("org-a", "key-1", Some(&first)),
            users.get("org-a", "key-1", Some(&second)),
        );
        assert!(a.unwrap().allows(perm::routing::QUEUE_VIEW) && b.is_ok());
        assert_eq!(*seen.lock().unwrap(), [Some("tok-1".to_owned())]);

        // A hit needs no credential; nor does a recompilation after a reload.
        assert!(users.get("org-a", "key-1", None).await.is_ok());
        policies.new.store(true, Ordering::SeqCst);
        let policy = organizations.reload("org-a").await.unwrap();
        let user = users.get("org-a", "key-1", None).await.unwrap();
        assert!(user.is_compiled_against(&policy) && user.allows(perm::journey::ACTIONMAP_EDIT));
        assert_eq!(seen.lock().unwrap().len(), 1);

        // A miss without one: the loader is asked, without a credential.
        users.invalidate("org-a", "key-1").await;
        let error = users.get("org-a", "key-1", None).await.unwrap_err();
        assert!(matches!(error, UserError::Load { .. }), "{error:?}");
        assert_eq!(*seen.lock().unwrap(), [Some("tok-1".to_owned()), None]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_between_two_hits_of_one_user_answers_the_second_from_the_new_policy() {
    within(30, async {
        let (users, policies, directory) = cache(Duration::ZERO, None);
        users.get("org-a", "ana", None).await.unwrap(); // the load
        let first = users.get("org-a", "ana", None).await.unwrap(); // a hit
        assert!(first.allows(perm::routing::QUEUE_VIEW) && !first.allows(perm::journey::ACTIONMAP_EDIT));

        policies.new.store(true, Ordering::SeqCst);
        let policy = users.organizations().reload("org-a").await.unwrap();
        let second = users.get("org-a", "ana", None).await.unwrap(); // the same slot
        assert!(second.is_compiled_against(&policy) && !first.is_compiled_against(&policy));
        assert!(!second.allows(perm::routing::QUEUE_VIEW) && second.allows(perm::journey::ACTIONMAP_EDIT));
        // Compiled again once, from the definition kept: the same user.
        assert_eq!(second.policy().name(second.id()), Some("user ana"));
        let third = users.get("org-a", "ana", None).await.unwrap();
        assert!(third.is_compiled_against(&policy));

        // A reload back: answered from it at once, again.
        policies.new.store(false, Ordering::SeqCst);
        let back = users.organizations().reload("org-a").await.unwrap();
        let fourth = users.get("org-a", "ana", None).await.unwrap();
        assert!(fourth.is_compiled_against(&back) && fourth.allows(perm::routing::QUEUE_VIEW));
        assert_eq!(directory.calls("org-a", "ana"), 1);
        assert_eq!(policies.loads.load(Ordering::SeqCst), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_removed_then_loaded_again_is_followed_by_its_cached_users() {
    within(30, async {
        let (users, policies, directory) = cache(Duration::ZERO, None);
        let old = users.get("org-a", "ana", None).await.unwrap();
        assert!(old.allows(perm::routing::QUEUE_VIEW));
        assert!(users.organizations().remove("org-a").await);

        // The next request loads the organization again (its new policy),
        // and compiles the cached user against it, without loading the user.
        policies.new.store(true, Ordering::SeqCst);
        let user = users.get("org-a", "ana", None).await.unwrap();
        let policy = users.organizations().policy("org-a").await.unwrap();
        assert!(user.is_compiled_against(&policy) && user.allows(perm::journey::ACTIONMAP_EDIT));
        assert!(!user.allows(perm::routing::QUEUE_VIEW));
        assert_eq!(policies.loads.load(Ordering::SeqCst), 2);
        assert_eq!(directory.calls("org-a", "ana"), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_evicted_idle_then_reloaded_is_followed_by_its_cached_users() {
    within(30, async {
        let policies = Policies::default();
        let directory = Directory::new(Duration::ZERO);
        let idle = Duration::from_millis(100);
        let organizations = Organizations::builder(policies.clone()).time_to_idle(idle).build();
        let users = Users::new(organizations.clone(), directory.clone());
        users.get("org-a", "ana", None).await.unwrap();
        users.get("org-b", "bob", None).await.unwrap();

        // Idle past its time: evicted (a user's hit does not keep it).
        tokio::time::sleep(idle * 4).await;
        assert!(organizations.loaded("org-a").await.is_none());
        // Cached users of the evicted organization answer from its last policy
        // until it is loaded again...
        let user = users.get("org-a", "ana", None).await.unwrap();
        assert!(user.allows(perm::routing::QUEUE_VIEW));

        // ...and a reload loads it again: the new policy, from then on.
        policies.new.store(true, Ordering::SeqCst);
        let policy = organizations.reload("org-a").await.unwrap();
        let ana = users.get("org-a", "ana", None).await.unwrap();
        assert!(ana.is_compiled_against(&policy) && ana.allows(perm::journey::ACTIONMAP_EDIT));
        // Another organization is not touched: still its last policy...
        let bob = users.get("org-b", "bob", None).await.unwrap();
        assert!(bob.allows(perm::routing::QUEUE_VIEW) && !bob.allows(perm::journey::ACTIONMAP_EDIT));
        // ...until it is loaded again.
        let current = organizations.policy("org-b").await.unwrap();
        let bob = users.get("org-b", "bob", None).await.unwrap();
        assert!(bob.is_compiled_against(&current) && bob.allows(perm::journey::ACTIONMAP_EDIT));
        assert_eq!(directory.total(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_finds_its_own_organization_and_user_and_no_other_split_of_the_same_text() {
    within(30, async {
        let (users, _, directory) = cache(Duration::ZERO, None);
        let pairs = [("ab", "c"), ("a", "bc"), ("abc", ""), ("", "abc")];
        for (org, key) in pairs {
            let user = users.get(org, key, None).await.unwrap();
            assert_eq!(user.policy().name(user.id()), Some(format!("user {key}").as_str()));
        }
        // Each is its own entry, found again by a hit; one load each.
        for (org, key) in pairs {
            let user = users.get(org, key, None).await.unwrap();
            assert_eq!(user.policy().name(user.id()), Some(format!("user {key}").as_str()));
            assert_eq!(directory.calls(org, key), 1, "{org:?} {key:?}");
        }
        // Dropping one drops only that one.
        users.invalidate("ab", "c").await;
        for (org, key) in pairs {
            users.get(org, key, None).await.unwrap();
        }
        assert_eq!(directory.calls("ab", "c"), 2);
        assert_eq!(
            directory.calls("a", "bc") + directory.calls("abc", "") + directory.calls("", "abc"),
            3
        );
        assert_eq!(users.invalidate_organization("a").await, 1);
        users.get("a", "bc", None).await.unwrap();
        users.get("ab", "c", None).await.unwrap();
        assert_eq!((directory.calls("a", "bc"), directory.calls("ab", "c")), (2, 2));
    })
    .await;
}
