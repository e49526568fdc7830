//! The registry of organizations (feature `live`): lazy single-flight loads,
//! reloads of one organization under traffic on others, failures kept to
//! their organization, idle eviction.
//!
//! Every test runs on a multi-thread tokio runtime and is bounded: in rounds,
//! and in time (`within`).

#![cfg(feature = "live")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::HashSet;
use std::error::Error as _;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use permgate::live::{Load, LoadError, Organizations};
use permgate::{Catalog, Division, Permission, Policy, PolicyHandle};

/// Fails a test that runs longer than this instead of hanging the suite.
async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("the test ran out of time")
}

/// The loader's error.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unavailable(String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the policy store has no answer for `{}`", self.0)
    }
}

impl std::error::Error for Unavailable {}

/// The two policies organization A alternates between, and B's: A's old and
/// new policies disagree on every probed permission, so an answer mixing
/// them is visible; B's is a third.
const OLD: &[&str] = &["journey:*:*"];
const NEW: &[&str] = &["routing:*:*", "conversation:*:*"];
const B: &[&str] = &["journey:*:view", "routing:queue:*"];

fn policy(grants: &[&str]) -> Policy {
    let mut builder = Policy::builder(Catalog::builtin());
    let agent = builder.add_role("agent", grants).unwrap();
    builder.add_user("ana", [(agent, Division::All)]).unwrap();
    builder.build()
}

fn probes() -> Vec<Permission<'static>> {
    Catalog::builtin()
        .iter()
        .filter(|p| ["journey", "routing", "conversation"].contains(&p.domain()) && !p.is_wildcard())
        .collect()
}

/// Every probe asked of one snapshot, through the role and the user.
fn answers(policy: &Policy, probes: &[Permission<'static>]) -> Vec<bool> {
    let agent = policy.role("agent").unwrap();
    let ana = policy.user("ana").unwrap();
    probes
        .iter()
        .flat_map(|&q| [policy.allows(agent, q), policy.allows(ana, q)])
        .collect()
}

/// A loader that counts its calls, answers A with OLD or NEW (by
/// `a_is_new`), B with B, can be told to fail for some organizations, and
/// takes `delay` to answer (so concurrent requests overlap).
struct Store {
    calls: AtomicUsize,
    calls_for_a: AtomicUsize,
    a_is_new: AtomicBool,
    failing: Mutex<HashSet<String>>,
    delay: Duration,
}

impl Store {
    fn new(delay: Duration) -> Self {
        Self {
            calls: AtomicUsize::new(0),
            calls_for_a: AtomicUsize::new(0),
            a_is_new: AtomicBool::new(false),
            failing: Mutex::new(HashSet::new()),
            delay,
        }
    }

    fn fail(&self, organization: &str, fail: bool) {
        let mut failing = self.failing.lock().unwrap();
        if fail {
            failing.insert(organization.to_owned());
        } else {
            failing.remove(organization);
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Load for Store {
    type Error = Unavailable;

    async fn load(&self, organization: &str) -> Result<Policy, Unavailable> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        if self.failing.lock().unwrap().contains(organization) {
            return Err(Unavailable(organization.to_owned()));
        }
        match organization {
            "A" => {
                self.calls_for_a.fetch_add(1, Ordering::SeqCst);
                Ok(policy(if self.a_is_new.load(Ordering::SeqCst) { NEW } else { OLD }))
            }
            "B" | "C" => Ok(policy(B)),
            other => Err(Unavailable(other.to_owned())),
        }
    }
}

/// `requests` requests for `organization` at once (each a task, released
/// together by a barrier): what each got.
async fn at_once(
    organizations: &Organizations<Store>,
    organization: &'static str,
    requests: usize,
) -> Vec<Result<Arc<PolicyHandle>, LoadError<Unavailable>>> {
    let barrier = Arc::new(tokio::sync::Barrier::new(requests));
    let tasks: Vec<_> = (0..requests)
        .map(|_| {
            let (organizations, barrier) = (organizations.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                organizations.get(organization).await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(requests);
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_first_requests_make_one_load() {
    within(30, async {
        let organizations = Organizations::new(Store::new(Duration::from_millis(50)));
        let handles: Vec<Arc<PolicyHandle>> = (at_once(&organizations, "A", 1_000).await)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            organizations.loader().calls(),
            1,
            "one loader call for 1,000 first requests"
        );
        let first = handles[0].load();
        for handle in &handles {
            assert!(Arc::ptr_eq(handle, &handles[0]), "every request got the same handle");
            assert!(Arc::ptr_eq(&handle.load(), &first), "and the same policy");
        }
        // Loaded now: later requests do not call the loader.
        let _ = organizations.policy("A").await.unwrap();
        assert_eq!(organizations.loader().calls(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reload_of_a_under_traffic_never_mixes_and_leaves_b_alone() {
    const READERS: usize = 6;
    const RELOADS: usize = 200;
    within(60, async {
        let probes = Arc::new(probes());
        let (old, new, b) = (
            answers(&policy(OLD), &probes),
            answers(&policy(NEW), &probes),
            answers(&policy(B), &probes),
        );
        assert!(
            old.iter().zip(&new).all(|(o, n)| o != n),
            "A's two policies disagree everywhere"
        );
        let expected = Arc::new((old, new, b));

        let organizations = Organizations::new(Store::new(Duration::ZERO));
        let b_before = organizations.policy("B").await.unwrap();
        let a_handle = organizations.get("A").await.unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..READERS)
            .map(|reader| {
                let (organizations, done, probes, expected) =
                    (organizations.clone(), done.clone(), probes.clone(), expected.clone());
                tokio::spawn(async move {
                    let (old, new, b) = &*expected;
                    let (mut seen_old, mut seen_new, mut asked) = (false, false, 0_u64);
                    while !done.load(Ordering::SeqCst) {
                        // Half the readers ask A, half alternate between A and B.
                        let org = if reader % 2 == 1 && asked % 2 == 1 { "B" } else { "A" };
                        let snapshot = organizations.policy(org).await.unwrap();
                        let got = answers(&snapshot, &probes);
                        if org == "B" {
                            assert_eq!(&got, b, "B answered from its own policy");
                        } else if &got == old {
                            seen_old = true;
                        } else if &got == new {
                            seen_new = true;
                        } else {
                            panic!("a snapshot of A mixed two policies");
                        }
                        asked += 1;
                        tokio::task::yield_now().await;
                    }
                    (seen_old, seen_new, asked)
                })
            })
            .collect();

        let store = organizations.loader();
        for round in 0..RELOADS {
            store.a_is_new.store(round % 2 == 0, Ordering::SeqCst);
            let fresh = organizations.reload("A").await.unwrap();
            let want = if round % 2 == 0 { &expected.1 } else { &expected.0 };
            assert_eq!(
                &answers(&fresh, &probes),
                want,
                "the reload returns the policy it stored"
            );
            assert!(Arc::ptr_eq(&a_handle.load(), &fresh), "through A's own handle");
            tokio::task::yield_now().await;
        }
        done.store(true, Ordering::SeqCst);
        let mut asked = 0;
        let (mut any_old, mut any_new) = (false, false);
        for reader in readers {
            let (seen_old, seen_new, count) = reader.await.unwrap();
            any_old |= seen_old;
            any_new |= seen_new;
            asked += count;
        }
        assert!(asked > 0, "the readers asked");
        assert!(any_old && any_new, "the readers saw both of A's policies");
        let b_after = organizations.policy("B").await.unwrap();
        assert!(
            Arc::ptr_eq(&b_before, &b_after),
            "B's policy is the one it had before the reloads"
        );
        assert_eq!(
            store.calls_for_a.load(Ordering::SeqCst),
            RELOADS + 1,
            "one load per reload"
        );
        assert_eq!(
            store.calls(),
            RELOADS + 2,
            "and one for each first request, nothing for B since"
        );
        println!("{asked} snapshots during {RELOADS} reloads of A, none mixed");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_organization_fails_alone_and_is_not_kept() {
    within(30, async {
        let organizations = Organizations::new(Store::new(Duration::from_millis(5)));
        let store = organizations.loader();
        let b = organizations.policy("B").await.unwrap();

        store.fail("A", true);
        let error: LoadError<Unavailable> = organizations.get("A").await.unwrap_err();
        assert_eq!(error.organization(), "A");
        assert_eq!(error.error(), &Unavailable("A".to_owned()));
        assert_eq!(error.to_string(), "organization `A`: its policy could not be loaded");
        assert_eq!(
            error.source().unwrap().to_string(),
            "the policy store has no answer for `A`"
        );
        assert!(organizations.loaded("A").await.is_none(), "a failed load is not kept");
        // The next request tries again.
        assert!(organizations.policy("A").await.is_err());
        assert_eq!(store.calls(), 3);
        // B was not touched.
        assert!(Arc::ptr_eq(&b, &organizations.policy("B").await.unwrap()));

        // Concurrent requests for the failing organization all get an error.
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let organizations = organizations.clone();
                tokio::spawn(async move { organizations.get("A").await.map(|_| ()) })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap_err().organization(), "A");
        }

        // A recovers on the next request.
        store.fail("A", false);
        let a = organizations.policy("A").await.unwrap();
        assert!(a.allows(a.user("ana").unwrap(), "journey:actionmap:view").unwrap());

        // A failed reload keeps A's policy; B is untouched again.
        store.fail("A", true);
        store.a_is_new.store(true, Ordering::SeqCst);
        let error = organizations.reload("A").await.unwrap_err();
        assert_eq!(error.organization(), "A");
        assert!(
            Arc::ptr_eq(&a, &organizations.policy("A").await.unwrap()),
            "A kept its policy"
        );
        assert!(Arc::ptr_eq(&b, &organizations.policy("B").await.unwrap()));

        // And a reload that succeeds swaps it.
        store.fail("A", false);
        let fresh = organizations.reload("A").await.unwrap();
        assert!(!Arc::ptr_eq(&a, &fresh));
        assert!(fresh.allows(fresh.user("ana").unwrap(), "routing:queue:join").unwrap());
        assert!(Arc::ptr_eq(&fresh, &organizations.policy("A").await.unwrap()));

        // An organization the store does not know is an error naming it.
        assert_eq!(organizations.get("Z").await.unwrap_err().organization(), "Z");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idle_organizations_are_evicted_and_loaded_again() {
    within(30, async {
        let organizations = Organizations::builder(Store::new(Duration::ZERO))
            .time_to_idle(Duration::from_millis(200))
            .build();
        let store = organizations.loader();
        let first = organizations.policy("A").await.unwrap();
        let again = organizations.policy("A").await.unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(store.calls(), 1);

        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            organizations.loaded("A").await.is_none(),
            "evicted after its time to idle"
        );
        let reloaded = organizations.policy("A").await.unwrap();
        assert_eq!(store.calls(), 2, "the next request loads it again");
        assert!(!Arc::ptr_eq(&first, &reloaded));
        // The old snapshot is still a valid policy.
        assert!(
            first
                .allows(first.user("ana").unwrap(), "journey:actionmap:view")
                .unwrap()
        );

        // Explicit removal.
        let b = organizations.policy("B").await.unwrap();
        assert!(organizations.remove("B").await);
        assert!(!organizations.remove("B").await);
        assert!(organizations.loaded("B").await.is_none());
        let b_again = organizations.policy("B").await.unwrap();
        assert!(!Arc::ptr_eq(&b, &b_again));
        assert_eq!(store.calls(), 4);

        // A reload of an organization that is not loaded loads it.
        assert!(organizations.remove("A").await);
        let _ = organizations.reload("A").await.unwrap();
        assert!(organizations.loaded("A").await.is_some());
        assert_eq!(store.calls(), 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idle_organizations_are_swept_out_though_never_asked_for_again() {
    within(30, async {
        let idle = Duration::from_millis(200);
        let organizations = Organizations::builder(Store::new(Duration::ZERO))
            .time_to_idle(idle)
            .build();
        let a = organizations.policy("A").await.unwrap();
        let b = organizations.policy("B").await.unwrap();
        assert_eq!(Arc::strong_count(&a), 2, "the registry's handle holds A's policy");
        // B is asked for all along, A never again: once a sweep is due (every
        // time to idle, at most once a second), a request for B sweeps A out,
        // and its policy with it.
        for _ in 0..32 {
            tokio::time::sleep(idle / 4).await;
            assert!(
                Arc::ptr_eq(&b, &organizations.policy("B").await.unwrap()),
                "B stays loaded"
            );
        }
        assert_eq!(Arc::strong_count(&a), 1, "A's policy is freed: only this test holds it");
        assert_eq!(format!("{organizations:?}"), "Organizations { loaded: 1, .. }");
        assert_eq!(organizations.loader().calls(), 2, "B was never loaded again");
        // A's next request loads it again.
        let _ = organizations.policy("A").await.unwrap();
        assert_eq!(organizations.loader().calls(), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_most_max_organizations_stay_loaded_and_each_answers_with_its_own() {
    within(30, async {
        let organizations = Organizations::builder(Store::new(Duration::ZERO))
            .max_organizations(2)
            .build();
        let probes = probes();
        let expected = |organization: &str| answers(&policy(if organization == "A" { OLD } else { B }), &probes);
        for round in 0..20 {
            for organization in ["A", "B", "C"] {
                let policy = organizations.policy(organization).await.unwrap();
                assert_eq!(
                    answers(&policy, &probes),
                    expected(organization),
                    "{organization}, round {round}"
                );
            }
            let loaded = format!("{organizations:?}");
            assert!(
                loaded == "Organizations { loaded: 1, .. }" || loaded == "Organizations { loaded: 2, .. }",
                "{loaded}"
            );
        }
        assert!(organizations.loader().calls() > 3, "some were evicted and loaded again");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_for_a_failing_organization_share_one_load_and_its_error() {
    within(30, async {
        let organizations = Organizations::new(Store::new(Duration::from_millis(50)));
        organizations.loader().fail("A", true);
        let errors: Vec<Arc<Unavailable>> = (at_once(&organizations, "A", 100).await)
            .into_iter()
            .map(|result| result.unwrap_err().into_error())
            .collect();
        assert_eq!(organizations.loader().calls(), 1, "one loader call for 100 requests");
        assert!(
            errors.iter().all(|error| Arc::ptr_eq(error, &errors[0])),
            "one error, shared"
        );
        // Not kept: the next request tries again.
        assert!(organizations.get("A").await.is_err());
        assert_eq!(organizations.loader().calls(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closure_is_a_loader() {
    within(30, async {
        let organizations = Organizations::new(|org: &str| {
            let known = org == "A";
            async move {
                if known {
                    Ok(policy(OLD))
                } else {
                    Err(Unavailable("?".to_owned()))
                }
            }
        });
        assert!(organizations.policy("A").await.is_ok());
        assert!(organizations.policy("B").await.is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_organization_has_its_own_catalog_extension_over_the_builtin_one() {
    use permgate::catalog::{OrgFlags, OrgPermission};
    within(30, async {
        let organizations = Organizations::new(|org: &str| {
            let org = org.to_owned();
            async move {
                let mut extension = Catalog::builtin().extension();
                let own = format!("{org}:widget:view");
                extension
                    .add(&OrgPermission::new(&own, None, OrgFlags::new(Some(false), None)))
                    .map_err(|_| Unavailable(org.clone()))?;
                let catalog = extension.finish();
                let policy = Policy::builder(&catalog)
                    .role("agent", [own.as_str(), "routing:queue:view"])
                    .map_err(|_| Unavailable(org.clone()))?
                    .build();
                Ok::<_, Unavailable>(policy)
            }
        });
        let (acme, globex) = (
            organizations.policy("acme").await.unwrap(),
            organizations.policy("globex").await.unwrap(),
        );
        let (acme_agent, globex_agent) = (acme.role("agent").unwrap(), globex.role("agent").unwrap());
        assert_eq!(acme.allows(acme_agent, "acme:widget:view"), Ok(true));
        assert!(acme.catalog().lookup("acme:widget:view").is_some());
        assert!(
            globex.catalog().lookup("acme:widget:view").is_none(),
            "not in globex's catalog"
        );
        assert_eq!(globex.allows(globex_agent, "acme:widget:view"), Ok(false));
        assert_eq!(globex.allows(globex_agent, "globex:widget:view"), Ok(true));
        // Both over the builtin catalog: its typed constants answer in each.
        assert!(acme.allows(acme_agent, permgate::perm::routing::QUEUE_VIEW));
        assert!(globex.allows(globex_agent, permgate::perm::routing::QUEUE_VIEW));
        assert!(!globex.allows(globex_agent, permgate::perm::routing::QUEUE_JOIN));
    })
    .await;
}
