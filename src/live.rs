//! The live service (feature `live`): one policy per organization.
//!
//! A service that serves many Genesys Cloud organizations from one process
//! (an AppFoundry app, say) needs one [`Policy`] for each: each organization
//! has its own roles, its own users and its own permissions beyond the
//! builtin catalog (a [`CatalogExtension`](crate::catalog::CatalogExtension)
//! over [`Catalog::builtin`](crate::Catalog::builtin), which every
//! organization's catalog shares). [`Organizations`] holds them, keyed by
//! organization id:
//!
//! - **loaded lazily**, by the service's own async [`Load`]er, the first time
//!   an organization is asked for; many concurrent first requests for one
//!   organization make **one** loader call and share its result;
//! - a **failed load is not kept**: every waiting request gets the error
//!   ([`LoadError`], naming the organization) and the next request tries
//!   again;
//! - **reloaded one organization at a time** ([`Organizations::reload`]): the
//!   new policy replaces the old one in that organization's [`PolicyHandle`],
//!   atomically, and a failed reload keeps the old one; no other organization
//!   is touched;
//! - **evicted when idle** (after [`time_to_idle`](OrganizationsBuilder::time_to_idle)
//!   without a request, one hour by default) or on demand
//!   ([`Organizations::remove`]); the next request loads the organization
//!   again.
//!
//! With the `tracing` feature, each load and reload is an `info` event
//! naming the organization (a failed one a `warn` with the reason), and so
//! is a removal; an idle eviction is silent.
//!
//! The registry runs no task and needs no particular async runtime: its
//! futures run on the caller's (tokio for an axum service). The core stays
//! synchronous: a handler takes a snapshot ([`Organizations::policy`], or
//! [`PolicyHandle::load`] on the handle) and decides against it in
//! nanoseconds, as with any policy. Every answer from one snapshot comes from
//! one policy, never from a mix of the old and the new.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use permgate::live::Organizations;
//! use permgate::{BuildError, Catalog, Division, Policy, perm};
//!
//! /// Where the service keeps each organization's roles and users (its
//! /// database, or the Platform API): here, two organizations in code.
//! async fn fetch_policy(org: &str) -> Result<Policy, BuildError> {
//!     let grants: &[&str] = match org {
//!         "org-a" => &["routing:queue:*"],
//!         _ => &["routing:queue:view"],
//!     };
//!     let mut builder = Policy::builder(Catalog::builtin());
//!     let agent = builder.add_role("agent", grants)?;
//!     builder.add_user("ana", [(agent, Division::All)])?;
//!     Ok(builder.build())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let organizations = Organizations::builder(|org: &str| {
//!     let org = org.to_owned();
//!     async move { fetch_policy(&org).await }
//! })
//! .time_to_idle(Duration::from_secs(30 * 60))
//! .build();
//!
//! // In a request handler: the caller's organization, then a snapshot.
//! let policy = organizations.policy("org-a").await?; // loaded on first use
//! let ana = policy.user("ana").unwrap();
//! assert!(policy.allows(ana, perm::routing::QUEUE_JOIN));
//!
//! let other = organizations.policy("org-b").await?; // its own roles and users
//! assert!(!other.allows(other.user("ana").unwrap(), perm::routing::QUEUE_JOIN));
//!
//! // An admin changed org-a's roles: reload it alone.
//! let fresh = organizations.reload("org-a").await?;
//! assert!(!Arc::ptr_eq(&policy, &fresh));
//! assert!(Arc::ptr_eq(&other, &organizations.policy("org-b").await?));
//! # Ok(())
//! # }
//! ```
//!
//! # Users compiled on demand, cached
//!
//! A service learns its callers at run time: [`Users`] caches each caller's
//! [`CompiledUser`](crate::CompiledUser), keyed by organization and by a
//! user key the service chooses, over the [`Organizations`] registry:
//!
//! - **loaded** by the service's own async [`LoadUser`]er, which fetches the
//!   caller's authorization from the Platform API with the caller's token
//!   (`GET /api/v2/users/me?expand=authorization` or
//!   `GET /api/v2/authorization/subjects/me`: neither needs a permission)
//!   and reads it into a [`UserDefinition`](crate::UserDefinition) through
//!   [`genesys`](crate::genesys); the user is then compiled against the
//!   organization's current policy ([`Policy::compile_user`]);
//! - **single-flight**: many concurrent requests for one user not cached
//!   make **one** loader call and share its result; a **failed load is not
//!   kept** ([`UserError`], naming the organization and never the key);
//! - kept for a **time to live**, [five minutes](Users::DEFAULT_TIME_TO_LIVE)
//!   by default: Genesys Cloud documents that a permission change can take
//!   up to five minutes to take effect across the platform (Resource
//!   Center, *Access control permissions overview*), so a cached user is no
//!   staler than the platform itself; configurable
//!   ([`UsersBuilder::time_to_live`]);
//! - **invalidated** on demand, one user ([`Users::invalidate`]) or one
//!   organization's users ([`Users::invalidate_organization`]);
//! - **never answered against an old policy**: every request checks that
//!   the cached user's organization was not [reloaded](Organizations::reload)
//!   since the user was compiled, nor loaded again after an eviction or a
//!   [removal](Organizations::remove) (one atomic load of the registry's
//!   count of changes; the organization's own state is read only after a
//!   change anywhere in the registry); if it was, the user
//!   is compiled again against the current policy from the definition it
//!   was loaded with, without a new load
//!   ([`CompiledUser::is_compiled_against`](crate::CompiledUser::is_compiled_against)
//!   that policy). A hit is one cache lookup and allocates nothing.
//!
//! The user key is a user id, or a hash of the caller's token (a caller's
//! token is the only thing a request carries before its user is known).
//! **Never use a raw token as the key**: the key lives in the cache for the
//! time to live and is handed to the loader. permgate never logs or prints
//! a key, and its errors do not name it. The token itself goes to the
//! loader beside the key, as a [`Credential`] given to [`Users::get`] for
//! that request only: it is never part of the key, and never kept.
//!
//! ```
//! use std::time::Duration;
//!
//! use permgate::genesys::UserAuthorization;
//! use permgate::live::{Credential, Organizations, Users};
//! use permgate::{BuildError, Catalog, Policy, UserDefinition, gates::ActionMapEditor, perm};
//!
//! # #[derive(Debug)]
//! # struct Upstream;
//! # impl std::fmt::Display for Upstream {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("the Platform API did not answer") }
//! # }
//! # impl std::error::Error for Upstream {}
//! /// The caller's users/me document, as the Platform API answers
//! /// `GET /api/v2/users/me?expand=authorization` with the caller's token
//! /// (here, in code; the key would be a hash of that token).
//! async fn users_me(org: &str, token: Option<&str>) -> Result<UserDefinition, Upstream> {
//!     let _ = org;
//!     let _token = token.ok_or(Upstream)?; // `Authorization: Bearer <token>`
//!     let me = UserAuthorization::parse(
//!         r#"{"id": "u-1", "authorization": {"permissions": ["journey:actionmap:*"]}}"#,
//!     )
//!     .map_err(|_| Upstream)?;
//!     Ok(me.definition(None))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let organizations = Organizations::new(|_org: &str| async {
//!     Ok::<_, BuildError>(Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:view"])?.build())
//! });
//! let users = Users::builder(organizations.clone(), |org: &str, _key: &str, credential: Option<&Credential>| {
//!     // Copy what the future needs: the token, for this load only.
//!     let (org, token) = (org.to_owned(), credential.map(|c| c.expose().to_owned()));
//!     async move { users_me(&org, token.as_deref()).await }
//! })
//! .time_to_live(Duration::from_secs(60))
//! .build();
//!
//! // In a request handler: the caller's organization, key and token.
//! let token = Credential::new(String::from("the caller's bearer token"));
//! let caller = users.get("org-a", "sha256:5f1d...", Some(&token)).await?; // loaded once, then cached
//! assert!(caller.allows(perm::journey::ACTIONMAP_EDIT));
//! assert!(caller.check::<ActionMapEditor>().is_ok());
//!
//! // An admin changed org-a's roles: the next request recompiles the caller.
//! let policy = organizations.reload("org-a").await?;
//! let again = users.get("org-a", "sha256:5f1d...", Some(&token)).await?; // no new load
//! assert!(again.is_compiled_against(&policy) && !caller.is_compiled_against(&policy));
//!
//! // The caller's own roles changed: drop it; the next request loads it again.
//! users.invalidate("org-a", "sha256:5f1d...").await;
//! # Ok(())
//! # }
//! ```
//!
//! # Serving many organizations
//!
//! An app serving thousands of organizations from one process keeps each
//! organization's policy and its callers; what organizations and users
//! have in common is stored once:
//!
//! - **catalogs**: read each organization's permission catalog through one
//!   [`OrgCatalogs`](crate::genesys::OrgCatalogs) in the loader: organizations
//!   whose catalogs list the same permissions share one `Catalog` (about
//!   0.5 MiB each);
//! - **users**: users compiled against one policy with the same grants
//!   share one body ([`Policy::compile_user`]); a cached user holds its
//!   name and key, the definition it was loaded with, and pointers.
//!
//! Measured (`benches/orgs.rs`, BENCHMARKS.md): 10,000 organizations × 50
//! roles × 200 cached users in 1.8 GiB resident; a random organization's
//! random user, cache lookup and `allows`, about 0.24 µs, one
//! organization's about 70 ns. At that size a question's time is mostly
//! the TLB and cache misses of the few pages it reads; the allocator's
//! huge pages (with glibc, `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` when
//! transparent huge pages are in `madvise` mode) make those fewer.
#![cfg_attr(
    feature = "client",
    doc = r#"
# Keeping an organization current

With the `client` feature too, a [`Refresher`] keeps one organization's
policy and cached users current, from the Platform API:

- **on a schedule** ([`full_reload_interval`](RefresherBuilder::full_reload_interval),
  an hour by default, and on its first tick) it reloads the policy through
  [`Organizations::reload`]: the service's own [`Load`]er reads the roles
  and the catalog again, the new policy is swapped in atomically, and
  cached users are compiled again against it, as after any reload;
- **between reloads**, every [`poll_interval`](RefresherBuilder::poll_interval)
  (a minute by default), it asks the audits what changed since its last
  look ([`Client::audit_changes`](crate::client::Client::audit_changes),
  service `PeoplePermissions`, which needs `audits:audit:view`):
  - a **changed role** reloads the policy (once, however many roles
    changed), and drops the cached users whose loaded definition may hold
    that role's old grants (a users/me document's permissions are flattened
    from its roles, so those users are dropped; a role held by name only is
    the policy's and follows the reload);
  - a **changed user** is dropped from the [`Users`] cache under every key
    it is cached under, found by the Genesys user id its definition is
    named by ([`Users::invalidate_where`]); if the policy itself holds that
    user (a loader that reads every user), the policy is reloaded too;
- **no change is lost between looks**: each window of the audits starts
  where the previous one ended, less an [`overlap`](RefresherBuilder::overlap)
  (a minute by default) for the difference between this host's clock and
  the platform's and for changes that reach the audits late; a message
  already acted on is not acted on again. A window that could not be read
  is asked again, whole, on the next tick; a reload that failed is made
  again. The windows are this host's clock (`SystemTime`); the schedule is
  tokio's clock, which a test may pause;
- **within its share** of the rate limit: its reads of the audits (their
  polls and pages, retries and tokens included) take from a budget of its
  own ([`requests_per_minute`](RefresherBuilder::requests_per_minute), 30
  by default) within the client's ([`Client::with_share`](crate::client::Client::with_share)).
  The reloads are the loader's, through the service's client and budget;
- **failures change nothing**: a `5xx`, a timeout, a `403` (the OAuth
  client's role lacks `audits:audit:view`: the error names it) is a `warn`
  event naming the organization and the error (feature `tracing`; never a
  token), the policy and the cached users stay, and the next tick tries
  again, after a backoff ([`max_backoff`](RefresherBuilder::max_backoff)).

Decided: a changed role reloads the whole policy through the service's
loader rather than reading that one role
(`GET /api/v2/authorization/roles/{roleId}`) into the policy held: a
policy knows its roles by name and keeps no role id (the audits name roles
by id), a role may have been renamed or deleted, and how a policy is built
(its catalog, its users) is the loader's alone. One reload serves every
role changed in the window; it costs the roles' and the catalog's pages.

The refresher is a task the service spawns ([`Refresher::run`], stopped by
a [`Stopper`]), or one step the service's own scheduler (or a test) calls
([`Refresher::tick`]):

```
use std::time::Duration;

use permgate::client::Client;
use permgate::live::{Credential, Organizations, Refresher, Users};
use permgate::{BuildError, Catalog, Policy, UserDefinition};

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
// The service's loaders (here in code; in a service, reads through the client).
let organizations = Organizations::new(|_org: &str| async {
    Ok::<_, BuildError>(Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:view"])?.build())
});
let users = Users::new(organizations.clone(), |_org: &str, _key: &str, _: Option<&Credential>| {
    std::future::ready(Ok::<_, BuildError>(UserDefinition::new("u-1")))
});
// An API host that does not answer (nothing listens on this port).
let client = Client::builder().api_base("http://127.0.0.1:9").login_base("http://127.0.0.1:9").max_retries(0).build()?;

let mut refresher = Refresher::builder(client, users.clone(), "org-a")
    .poll_interval(Duration::from_secs(60))
    .full_reload_interval(Duration::from_secs(30 * 60))
    .requests_per_minute(30)
    .build();

// One step: the first is a full reload; the audits cannot be read here.
let error = refresher.tick().await.unwrap_err();
assert!(error.audits().is_some() && error.reload().is_none());
assert!(error.refreshed().reloaded && error.refreshed().full);
// Nothing was cleared: the organization's policy answers as before.
let policy = organizations.policy("org-a").await?;
assert!(policy.role("agent").is_some());

// As a task, stopped when the service shuts down.
let stopper = refresher.stopper();
let task = tokio::spawn(refresher.run());
stopper.stop();
task.await?;
# Ok(())
# }
```
"#
)]

#[cfg(feature = "client")]
mod refresh;
mod users;

pub use crate::credential::Credential;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(all(feature = "live", feature = "client"))))]
pub use refresh::{RefreshError, Refreshed, Refresher, RefresherBuilder, Stopper};
pub use users::{LoadUser, UserError, Users, UsersBuilder};

use std::any::Any;
use std::collections::HashMap;
use std::error::Error;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use crate::text::Escaped;
use crate::{Policy, PolicyHandle};

/// Loads an organization's policy: the service's own code (its database, its
/// files, the Platform API), called by [`Organizations`] when an
/// organization is first asked for and on every
/// [`reload`](Organizations::reload).
///
/// An async closure-like `Fn(&str) -> impl Future<Output = Result<Policy, E>>`
/// is a loader already (its future must not borrow the `&str`: copy the id
/// into it, as in the [module's example](self)). A type of the service's
/// implements it with an `async fn`:
///
/// ```
/// use permgate::live::Load;
/// use permgate::{BuildError, Catalog, Policy};
///
/// struct FromDatabase {
///     // a connection pool, a Platform API client, ...
/// }
///
/// impl Load for FromDatabase {
///     type Error = BuildError;
///
///     async fn load(&self, organization: &str) -> Result<Policy, BuildError> {
///         let _ = organization; // read this organization's roles and users
///         Ok(Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:view"])?.build())
///     }
/// }
/// ```
pub trait Load: Send + Sync {
    /// Why a policy could not be loaded.
    type Error: Error + Send + Sync + 'static;

    /// The policy of `organization`, built over the builtin catalog or an
    /// extension of it, or why there is none (an unknown organization, an
    /// upstream failure, a role that does not validate).
    fn load(&self, organization: &str) -> impl Future<Output = Result<Policy, Self::Error>> + Send;
}

impl<F, Fut, E> Load for F
where
    F: Fn(&str) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Policy, E>> + Send,
    E: Error + Send + Sync + 'static,
{
    type Error = E;

    fn load(&self, organization: &str) -> impl Future<Output = Result<Policy, E>> + Send {
        self(organization)
    }
}

/// An organization's policy could not be loaded (or reloaded): the
/// organization and the loader's error.
///
/// The message names the organization; the loader's error is the
/// [`source`](Error::source) (print the chain to see both). Requests that
/// waited on the same load share one error, hence the [`Arc`].
pub struct LoadError<E> {
    organization: Box<str>,
    error: Arc<E>,
}

impl<E> LoadError<E> {
    fn new(organization: &str, error: Arc<E>) -> Self {
        Self {
            organization: organization.into(),
            error,
        }
    }

    /// The organization whose policy could not be loaded.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// The loader's error.
    pub fn error(&self) -> &E {
        &self.error
    }

    /// The loader's error, shared with the other requests that waited on the
    /// same load.
    pub fn into_error(self) -> Arc<E> {
        self.error
    }
}

impl<E> Clone for LoadError<E> {
    fn clone(&self) -> Self {
        Self {
            organization: self.organization.clone(),
            error: Arc::clone(&self.error),
        }
    }
}

impl<E: core::fmt::Debug> core::fmt::Debug for LoadError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoadError")
            .field("organization", &self.organization)
            .field("error", &self.error)
            .finish()
    }
}

impl<E> core::fmt::Display for LoadError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "organization `{}`: its policy could not be loaded",
            Escaped(&self.organization)
        )
    }
}

impl<E: Error + 'static> Error for LoadError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.error)
    }
}

/// One organization in the registry: its policy handle, the turn its
/// reloads take one after another, its state (how many of them swapped a
/// policy in, and whether the entry left the registry), and when it was
/// last asked for.
#[derive(Debug)]
struct Entry {
    handle: Arc<PolicyHandle>,
    reloads: async_lock::Mutex<()>,
    /// Bumped after each policy [`Organizations::reload`] swaps in, and
    /// [`RETIRED`] set once the entry is removed or replaced: a user cached
    /// at another state, or at a retired one, is bound again ([`Users`]).
    state: AtomicU64,
    /// When it was last asked for, on the coarse monotonic clock
    /// (`coarsetime::Instant::as_u64`), written by a request only once the
    /// one before it is a [`Registry::touch_step`] old: most hits only read it.
    used: AtomicU64,
}

/// Set in an [`Entry`]'s state once it is removed from the registry or
/// replaced there by a new load.
const RETIRED: u64 = 1 << 63;

impl Entry {
    fn new(policy: Policy) -> Self {
        Self {
            handle: Arc::new(PolicyHandle::new(policy)),
            reloads: async_lock::Mutex::new(()),
            state: AtomicU64::new(0),
            used: AtomicU64::new(coarsetime::Instant::now_without_cache_update().as_u64()),
        }
    }

    /// How long it had gone unasked-for at `now`.
    fn idle_at(&self, now: coarsetime::Instant) -> coarsetime::Duration {
        now.duration_since(coarsetime::Instant::from_u64(self.used.load(Ordering::Relaxed)))
    }

    /// How many reloads swapped a policy in, and [`RETIRED`]. Read before
    /// [`PolicyHandle::load`]: a policy loaded after reading `n` is the one
    /// of reload `n` or a later one.
    fn state(&self) -> u64 {
        self.state.load(Ordering::Acquire)
    }

    fn retire(&self) {
        self.state.fetch_or(RETIRED, Ordering::AcqRel);
    }
}

/// Each organization's entry as last made, to retire it when a new load
/// replaces it (weak: once the registry dropped it, only cached users may
/// hold it), and how many the map held after it was last swept of dead
/// ones.
#[derive(Debug, Default)]
struct Made {
    entries: HashMap<Box<str>, Weak<Entry>>,
    swept: usize,
}

/// A cache of at most `max` entries (unbounded if `None`, as many as
/// come), sized for `estimate`: the estimate sets the number of shards
/// (at least 32 entries each) and bounds the keys remembered after an
/// eviction; the cache grows as entries come, whatever it is.
fn bounded_cache<K: Eq + Hash, V: Clone>(max: Option<u64>, estimate: u64) -> quick_cache::sync::Cache<K, V> {
    let (estimate, capacity) = match max {
        Some(max) => (max.min(estimate), max),
        None => (estimate, u64::MAX),
    };
    quick_cache::sync::Cache::with_weighter(
        usize::try_from(estimate).unwrap_or(usize::MAX),
        capacity,
        quick_cache::UnitWeighter,
    )
}

/// When a periodic sweep is next due (`coarsetime::Instant::as_u64`),
/// claimed by the first caller past it.
struct Sweeps {
    every: coarsetime::Duration,
    next: AtomicU64,
}

impl Sweeps {
    /// Due first `every` from now, then `every` after each sweep.
    fn new(every: coarsetime::Duration) -> Self {
        let next = coarsetime::Instant::now_without_cache_update().saturating_add(every);
        Self {
            every,
            next: AtomicU64::new(next.as_u64()),
        }
    }

    /// Whether a sweep is due at `now`: `true` for one caller only, the one
    /// that sweeps; the others go on without waiting.
    #[inline]
    fn claim(&self, now: coarsetime::Instant) -> bool {
        let due = self.next.load(Ordering::Relaxed);
        now.as_u64() >= due && {
            // Only past the deadline: a hit before it reads one word.
            let next = now.saturating_add(self.every).as_u64();
            (self.next)
                .compare_exchange(due, next, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        }
    }
}

/// The loads under way, one per key, each shared by the requests that wait
/// on it: a cell its first request sets once (held as `Any`, so that the
/// caches name no bounds on their loaders' error types).
struct Flights<K>(Mutex<HashMap<K, Arc<dyn Any + Send + Sync>>>);

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Self(Mutex::default())
    }
}

impl<K: Hash + Eq + Clone> Flights<K> {
    /// The load of `key` under way, or a new one if none is (or the one
    /// there has landed: a result, a failure too, is shared only by the
    /// requests that waited on it). A load given up by a cancelled request
    /// is taken over by the next request that waits on it.
    fn join<T: Send + Sync + 'static>(&self, key: &K) -> Arc<async_lock::OnceCell<T>> {
        let mut flights = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let held = (flights.get(key).cloned()).map(Arc::downcast::<async_lock::OnceCell<T>>);
        match held {
            Some(Ok(flight)) if !flight.is_initialized() => flight,
            _ => {
                let flight = Arc::new(async_lock::OnceCell::new());
                flights.insert(key.clone(), Arc::clone(&flight) as Arc<dyn Any + Send + Sync>);
                flight
            }
        }
    }

    /// Forgets `flight`, landed, unless another took its place.
    fn land<T: Send + Sync + 'static>(&self, key: &K, flight: &Arc<async_lock::OnceCell<T>>) {
        let mut flights = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if (flights.get(key)).is_some_and(|held| core::ptr::addr_eq(Arc::as_ptr(held), Arc::as_ptr(flight))) {
            flights.remove(key);
        }
    }

    /// Forgets the loads that no request waits on any more (given up).
    fn sweep(&self) {
        let mut flights = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        flights.retain(|_, flight| Arc::strong_count(flight) > 1);
    }
}

/// The organizations loaded, and what finds them, loads them and sweeps
/// the idle ones out.
struct Registry {
    entries: quick_cache::sync::Cache<Box<str>, Arc<Entry>>,
    flights: Flights<Box<str>>,
    time_to_idle: coarsetime::Duration,
    /// How old an entry's last use must be for a request to write it again
    /// (a 64th of the time to idle).
    touch_step: coarsetime::Duration,
    /// When the idle organizations are next swept out: every time to
    /// idle, at most once a second.
    sweeps: Sweeps,
}

/// A registry of policies, one per organization: loaded lazily through a
/// [`Load`]er, reloaded one organization at a time, evicted when idle. See
/// the [module docs](self).
///
/// The organizations are held in a [`quick_cache`] cache: a request for
/// one that is loaded takes one shard's read lock and one lookup of the
/// borrowed id, and allocates nothing.
///
/// Cheap to clone (clones share the registry): put it in the service's
/// state.
pub struct Organizations<L> {
    loader: Arc<L>,
    registry: Arc<Registry>,
    /// Each organization's last entry: a new one retires the one it
    /// replaces before it can be found, so a user cached over the old one
    /// looks its organization up again ([`Users`]).
    made: Arc<Mutex<Made>>,
    /// Bumped after any entry's state changed (a reload swapped a policy
    /// in, an entry retired): while it reads as when a cached user was last
    /// checked, no organization changed since, and [`Users`] answers
    /// without reading the user's organization's entry.
    changes: Arc<AtomicU64>,
}

impl<L> Clone for Organizations<L> {
    fn clone(&self) -> Self {
        Self {
            loader: Arc::clone(&self.loader),
            registry: Arc::clone(&self.registry),
            made: Arc::clone(&self.made),
            changes: Arc::clone(&self.changes),
        }
    }
}

impl<L> core::fmt::Debug for Organizations<L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Organizations")
            .field("loaded", &self.registry.entries.len())
            .finish_non_exhaustive()
    }
}

/// Settings of an [`Organizations`] registry, from
/// [`Organizations::builder`].
#[derive(Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct OrganizationsBuilder<L> {
    loader: L,
    time_to_idle: Duration,
    max_organizations: Option<u64>,
}

impl<L: Load> OrganizationsBuilder<L> {
    /// How long an organization stays loaded without a request
    /// ([`get`](Organizations::get), [`policy`](Organizations::policy),
    /// [`loaded`](Organizations::loaded) or a
    /// [`reload`](Organizations::reload)); then it is evicted, and the next
    /// request loads it again. One hour by default. An idle organization is
    /// dropped when next asked for; the others are swept out by the first
    /// request after each time to idle, at most once a second (one pass over
    /// the registry). Its last use is counted to within a 64th of the time
    /// to idle (a request writes it only once it is that old).
    ///
    /// A [`Users`] hit is not a request here (it does not look the
    /// organization up); a user's load is. A cached user of an evicted
    /// organization answers from the organization's last policy until the
    /// organization is loaded again (by a request, a reload, or a user's
    /// load), then from the new one.
    pub fn time_to_idle(mut self, time_to_idle: Duration) -> Self {
        self.time_to_idle = time_to_idle;
        self
    }

    /// At most this many organizations loaded at once; past it, they are
    /// evicted by the cache's CLOCK-Pro policy: those least recently and
    /// least often asked for first. Unbounded by default (idle ones are
    /// evicted all the same).
    pub fn max_organizations(mut self, max_organizations: u64) -> Self {
        self.max_organizations = Some(max_organizations);
        self
    }

    /// The registry, empty: nothing is loaded until asked for.
    pub fn build(self) -> Organizations<L> {
        let entries = bounded_cache(self.max_organizations, 1 << 12);
        let time_to_idle = coarsetime::Duration::from(self.time_to_idle);
        Organizations {
            loader: Arc::new(self.loader),
            registry: Arc::new(Registry {
                entries,
                flights: Flights::default(),
                time_to_idle,
                touch_step: time_to_idle / 64,
                sweeps: Sweeps::new(time_to_idle.max(coarsetime::Duration::from_secs(1))),
            }),
            made: Arc::default(),
            changes: Arc::default(),
        }
    }
}

impl<L: Load> Organizations<L> {
    /// The time to idle of [`Organizations::new`], and of the builder unless
    /// set: one hour.
    pub const DEFAULT_TIME_TO_IDLE: Duration = Duration::from_secs(60 * 60);

    /// A registry loading organizations with `loader`, with the default
    /// settings (evicted after [an hour](Self::DEFAULT_TIME_TO_IDLE) idle, no
    /// bound on their number).
    pub fn new(loader: L) -> Self {
        Self::builder(loader).build()
    }

    /// A registry loading organizations with `loader`, to be set up.
    pub fn builder(loader: L) -> OrganizationsBuilder<L> {
        OrganizationsBuilder {
            loader,
            time_to_idle: Self::DEFAULT_TIME_TO_IDLE,
            max_organizations: None,
        }
    }

    /// The loader.
    pub fn loader(&self) -> &L {
        &self.loader
    }

    /// The policy handle of `organization`, loaded now if it is not loaded
    /// yet.
    ///
    /// Concurrent calls for an organization that is not loaded wait on one
    /// loader call and share its result. Take the handle for one request:
    /// a handle kept after its organization was evicted or
    /// [removed](Self::remove) no longer follows its reloads.
    ///
    /// Replace the policy with [`reload`](Self::reload), not through the
    /// handle ([`PolicyHandle::store`], [`PolicyHandle::reload`]): the users
    /// [`Users`] caches are compiled again after a `reload` only.
    ///
    /// # Errors
    ///
    /// The loader failed ([`LoadError`]); nothing is kept, and the next call
    /// loads again.
    pub async fn get(&self, organization: &str) -> Result<Arc<PolicyHandle>, LoadError<L::Error>> {
        self.entry(organization).await.map(|entry| Arc::clone(&entry.handle))
    }

    /// A snapshot of the current policy of `organization` (loaded now if it
    /// is not loaded yet): every answer from it comes from one policy. Hold
    /// it for one request.
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get).
    pub async fn policy(&self, organization: &str) -> Result<Arc<Policy>, LoadError<L::Error>> {
        self.entry(organization).await.map(|entry| entry.handle.load())
    }

    /// The policy handle of `organization` if it is loaded; never calls the
    /// loader.
    pub async fn loaded(&self, organization: &str) -> Option<Arc<PolicyHandle>> {
        self.current(organization).map(|entry| Arc::clone(&entry.handle))
    }

    /// Loads `organization`'s policy again and swaps it in: requests already
    /// holding a snapshot finish on the old policy, later ones get the new
    /// one. Returns the new policy. An organization that is not loaded is
    /// loaded, as [`get`](Self::get) does.
    ///
    /// Reloads of one organization take turns: one that starts while another
    /// runs waits for it, then loads again, so the policy kept is always
    /// from the last load to start. Other organizations are not touched, and
    /// their requests do not wait.
    ///
    /// # Errors
    ///
    /// The loader failed: the organization keeps its current policy, and the
    /// error is returned.
    pub async fn reload(&self, organization: &str) -> Result<Arc<Policy>, LoadError<L::Error>> {
        let Some(entry) = self.current(organization) else {
            return self.policy(organization).await;
        };
        let _turn = entry.reloads.lock().await;
        match self.loader.load(organization).await {
            Ok(policy) => {
                #[cfg(feature = "tracing")]
                tracing::info!(
                    organization = %Escaped(organization),
                    roles = policy.roles().len(),
                    users = policy.users().len(),
                    "permgate: organization reloaded"
                );
                entry.handle.store(policy);
                entry.state.fetch_add(1, Ordering::AcqRel);
                self.changed();
                Ok(entry.handle.load())
            }
            Err(error) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    organization = %Escaped(organization),
                    reason = %error,
                    "permgate: organization reload refused, its current policy stays"
                );
                Err(LoadError::new(organization, Arc::new(error)))
            }
        }
    }

    /// Drops `organization` from the registry; the next request loads it
    /// again. Returns whether it was loaded. Snapshots and handles already
    /// taken stay valid.
    pub async fn remove(&self, organization: &str) -> bool {
        let removed = (self.registry.entries.remove(organization))
            .inspect(|(_, entry)| {
                entry.retire();
                self.changed();
            })
            .is_some();
        #[cfg(feature = "tracing")]
        if removed {
            tracing::info!(organization = %Escaped(organization), "permgate: organization removed");
        }
        removed
    }

    /// Counts a change of an entry's state, made before.
    fn changed(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// How many entry state changes were counted: read before an entry's
    /// state, a count unchanged since means that state is unchanged too.
    fn changes(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }

    /// Keeps `entry` as `organization`'s last, and retires the one it
    /// replaces. Swept of dead entries each time it doubled.
    fn made(&self, organization: &str, entry: &Arc<Entry>) {
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        let replaced = made.entries.insert(organization.into(), Arc::downgrade(entry));
        if let Some(replaced) = replaced.as_ref().and_then(Weak::upgrade) {
            replaced.retire();
            self.changed();
        }
        if made.entries.len() > 2 * made.swept.max(64) {
            made.entries.retain(|_, entry| entry.strong_count() > 0);
            made.swept = made.entries.len();
        }
    }

    /// `organization`'s entry if it is loaded and not idle past its time,
    /// counted as a use. An idle one found is evicted; the registry is swept
    /// of the others first when a sweep is due.
    fn current(&self, organization: &str) -> Option<Arc<Entry>> {
        let registry = &*self.registry;
        let now = coarsetime::Instant::now_without_cache_update();
        if registry.sweeps.claim(now) {
            self.sweep(now);
        }
        let entry = registry.entries.get(organization)?;
        let idle = entry.idle_at(now);
        if idle >= registry.time_to_idle {
            registry
                .entries
                .remove_if(organization, |held| Arc::ptr_eq(held, &entry));
            return None;
        }
        if idle >= registry.touch_step {
            entry.used.store(now.as_u64(), Ordering::Relaxed);
        }
        Some(entry)
    }

    /// Evicts the organizations idle past their time (once per time to
    /// idle, at most once a second: the request that finds it due sweeps).
    /// Their policies stay valid where taken; cached users answer from them
    /// until their organization is loaded again.
    #[cold]
    fn sweep(&self, now: coarsetime::Instant) {
        let registry = &*self.registry;
        (registry.entries).retain(|_, entry| entry.idle_at(now) < registry.time_to_idle);
        registry.flights.sweep();
    }

    async fn entry(&self, organization: &str) -> Result<Arc<Entry>, LoadError<L::Error>> {
        match self.current(organization) {
            Some(entry) => Ok(entry),
            // Boxed: a hit's future holds the lookup's alone, not the load's.
            None => Box::pin(self.load(organization)).await,
        }
    }

    /// [`entry`](Self::entry) past a hit: one load of `organization` however
    /// many requests ask for it meanwhile (the first one's; its result, a
    /// failure too, shared by the others), kept if it succeeds.
    async fn load(&self, organization: &str) -> Result<Arc<Entry>, LoadError<L::Error>> {
        let key: Box<str> = organization.into();
        let flights = &self.registry.flights;
        let flight = flights.join::<Result<Arc<Entry>, Arc<L::Error>>>(&key);
        let landed = flight
            .get_or_init(|| async {
                // Another request's load may have landed since.
                if let Some(entry) = self.current(organization) {
                    return Ok(entry);
                }
                let loaded = self.loader.load(organization).await;
                #[cfg(feature = "tracing")]
                match &loaded {
                    Ok(policy) => tracing::info!(
                        organization = %Escaped(organization),
                        roles = policy.roles().len(),
                        users = policy.users().len(),
                        "permgate: organization loaded"
                    ),
                    Err(error) => tracing::warn!(
                        organization = %Escaped(organization),
                        reason = %error,
                        "permgate: organization not loaded"
                    ),
                }
                let entry = Arc::new(Entry::new(loaded.map_err(Arc::new)?));
                // Before the new entry can be found: cached users bound to the
                // entry it replaces look the organization up again.
                self.made(organization, &entry);
                self.registry.entries.insert(key.clone(), Arc::clone(&entry));
                Ok(entry)
            })
            .await
            .clone();
        flights.land(&key, &flight);
        landed.map_err(|error| LoadError::new(organization, error))
    }
}
