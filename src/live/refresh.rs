//! Keeping one organization current: [`Refresher`] (features `live` and
//! `client`).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;
use tokio::time::Instant;

use super::{Load, LoadError, LoadUser, Users};
use crate::UserDefinition;
use crate::client::{Client, ClientError};
use crate::text::Escaped;

/// Keeps one organization's policy and cached users current: reloads its
/// policy on a schedule and, between reloads, asks the Platform API's audits
/// what changed. See the [module docs](super#keeping-an-organization-current).
///
/// Made by [`Refresher::builder`]; driven by [`run`](Self::run) (a task the
/// service spawns, stopped through a [`Stopper`]) or one step at a time by
/// [`tick`](Self::tick).
pub struct Refresher<L, U> {
    client: Client,
    organization: String,
    users: Users<L, U>,
    settings: Settings,
    /// Where the next audits window starts.
    since: SystemTime,
    /// The audit message ids of the last window read: the overlap's
    /// messages, already acted on.
    seen: HashSet<String>,
    /// When the next full reload is due.
    next_full: Instant,
    /// A reload the audits asked for that has not succeeded yet.
    pending: bool,
    /// Ticks failed in a row.
    failures: u32,
    stop: Arc<Stop>,
}

/// The organization, the settings and where the refresher stands: no user,
/// no token.
impl<L, U> core::fmt::Debug for Refresher<L, U> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Refresher")
            .field("organization", &self.organization)
            .field("settings", &self.settings)
            .field("since", &self.since)
            .field("pending", &self.pending)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    poll_interval: Duration,
    full_reload_interval: Duration,
    overlap: Duration,
    max_backoff: Duration,
    requests: u32,
    window: Duration,
}

/// Settings of a [`Refresher`], from [`Refresher::builder`].
#[derive(Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct RefresherBuilder<L, U> {
    client: Client,
    organization: String,
    users: Users<L, U>,
    settings: Settings,
}

impl<L: Load, U: LoadUser> RefresherBuilder<L, U> {
    /// How often the audits are asked what changed
    /// ([one minute](Refresher::DEFAULT_POLL_INTERVAL) by default).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.settings.poll_interval = interval;
        self
    }

    /// How often the organization's policy is reloaded whatever the audits
    /// say ([one hour](Refresher::DEFAULT_FULL_RELOAD_INTERVAL) by default):
    /// what catches a change the audits missed, or could not be asked about.
    pub fn full_reload_interval(mut self, interval: Duration) -> Self {
        self.settings.full_reload_interval = interval;
        self
    }

    /// How far each audits window reaches back into the one before
    /// ([one minute](Refresher::DEFAULT_OVERLAP) by default): room for the
    /// clocks of this host and of the platform to differ, and for a change
    /// that reaches the audits late. A message already acted on in the
    /// previous window is not acted on again.
    pub fn overlap(mut self, overlap: Duration) -> Self {
        self.settings.overlap = overlap;
        self
    }

    /// At most this many requests a minute for the refresher's own reads of
    /// the audits, retries and tokens included
    /// ([30](Refresher::DEFAULT_REQUESTS_PER_MINUTE) by default, a tenth of
    /// what Genesys Cloud allows a client-credentials token), within the
    /// client's own budget: see [`Client::with_share`].
    pub fn requests_per_minute(self, requests: u32) -> Self {
        self.request_budget(requests, Duration::from_secs(60))
    }

    /// At most `requests` requests of the refresher's in any `window`.
    pub fn request_budget(mut self, requests: u32, window: Duration) -> Self {
        self.settings.requests = requests.max(1);
        self.settings.window = window;
        self
    }

    /// The longest wait of [`run`](Refresher::run) after failed ticks
    /// ([15 minutes](Refresher::DEFAULT_MAX_BACKOFF) by default): after `n`
    /// failures in a row it waits the poll interval times 2<sup>n</sup>, up
    /// to this.
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.settings.max_backoff = max;
        self
    }

    /// The refresher. Its first audits window starts now (less the
    /// overlap), and its first tick reloads the policy in full: a change
    /// made before it started is not missed.
    pub fn build(self) -> Refresher<L, U> {
        let settings = self.settings;
        Refresher {
            client: self.client.with_share(settings.requests, settings.window),
            organization: self.organization,
            users: self.users,
            settings,
            since: SystemTime::now()
                .checked_sub(settings.overlap)
                .unwrap_or(SystemTime::UNIX_EPOCH),
            seen: HashSet::new(),
            next_full: Instant::now(),
            pending: false,
            failures: 0,
            stop: Arc::new(Stop::default()),
        }
    }
}

/// What one [`tick`](Refresher::tick) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refreshed {
    /// The audits window asked, ISO-8601 `start/end` (UTC); `None` when
    /// none was asked (the clock had not moved past the last window).
    pub interval: Option<String>,
    /// The ids of the roles the audits reported changed (new in this
    /// window).
    pub roles: Vec<String>,
    /// The ids of the users the audits reported changed (new in this
    /// window).
    pub users: Vec<String>,
    /// Whether the policy was reloaded: on the schedule, for a changed role,
    /// for a changed user the policy itself holds, or again after a reload
    /// that failed.
    pub reloaded: bool,
    /// Whether that reload was the scheduled full one.
    pub full: bool,
    /// How many cached users were dropped (a user cached under several keys
    /// counts once per key).
    pub dropped: usize,
}

/// A [`tick`](Refresher::tick) failed in part: the audits could not be
/// read, or the policy could not be reloaded (or both). Nothing was
/// cleared: the organization keeps its policy and its cached users, and the
/// next tick tries again (an audits window not read is asked again, a
/// reload not made is made again).
///
/// It names the organization; its errors carry no token.
pub struct RefreshError<E> {
    organization: Box<str>,
    audits: Option<ClientError>,
    reload: Option<LoadError<E>>,
    refreshed: Refreshed,
}

impl<E> RefreshError<E> {
    /// The organization.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// Why the audits could not be read (a `403` names the permission the
    /// OAuth client lacks, `audits:audit:view`), if they could not.
    pub fn audits(&self) -> Option<&ClientError> {
        self.audits.as_ref()
    }

    /// Why the policy could not be reloaded, if it could not.
    pub fn reload(&self) -> Option<&LoadError<E>> {
        self.reload.as_ref()
    }

    /// What the tick did all the same (a full reload while the audits
    /// failed, the users dropped while the reload failed).
    pub fn refreshed(&self) -> &Refreshed {
        &self.refreshed
    }
}

impl<E: core::fmt::Debug> core::fmt::Debug for RefreshError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RefreshError")
            .field("organization", &self.organization)
            .field("audits", &self.audits)
            .field("reload", &self.reload)
            .field("refreshed", &self.refreshed)
            .finish()
    }
}

impl<E> core::fmt::Display for RefreshError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "organization `{}`: ", Escaped(&self.organization))?;
        match (&self.audits, &self.reload) {
            (Some(audits), Some(_)) => write!(
                f,
                "the audits could not be read ({audits}) and the policy could not be reloaded"
            ),
            (Some(audits), None) => write!(f, "the audits could not be read ({audits})"),
            _ => f.write_str("the policy could not be reloaded"),
        }?;
        f.write_str("; the current policy and users stay")
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RefreshError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match (&self.reload, &self.audits) {
            (Some(reload), _) => Some(reload),
            (None, Some(audits)) => Some(audits),
            (None, None) => None,
        }
    }
}

/// Stops a [`Refresher`]'s [`run`](Refresher::run): from
/// [`Refresher::stopper`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Stopper(Arc<Stop>);

impl Stopper {
    /// Asks the run to stop: it returns before its next tick (a tick under
    /// way finishes first, so no reload is cut in half). Asking again does
    /// nothing more.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.wake.notify_one();
    }
}

#[derive(Debug, Default)]
struct Stop {
    stopped: AtomicBool,
    wake: Notify,
}

impl<L: Load, U: LoadUser> Refresher<L, U> {
    /// The poll interval unless set: one minute.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);
    /// The full reload interval unless set: one hour.
    pub const DEFAULT_FULL_RELOAD_INTERVAL: Duration = Duration::from_secs(60 * 60);
    /// The overlap of the audits windows unless set: one minute.
    pub const DEFAULT_OVERLAP: Duration = Duration::from_secs(60);
    /// The refresher's requests a minute unless set: 30.
    pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 30;
    /// The longest wait after failures unless set: 15 minutes.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);

    /// A refresher of `organization`, whose policy is in `users`'
    /// [`Organizations`](super::Organizations) and whose users are in
    /// `users`; it asks the audits with `client` (an OAuth client whose role
    /// has `audits:audit:view`), within its own share of the client's
    /// request budget.
    pub fn builder(client: Client, users: Users<L, U>, organization: impl Into<String>) -> RefresherBuilder<L, U> {
        RefresherBuilder {
            client,
            organization: organization.into(),
            users,
            settings: Settings {
                poll_interval: Self::DEFAULT_POLL_INTERVAL,
                full_reload_interval: Self::DEFAULT_FULL_RELOAD_INTERVAL,
                overlap: Self::DEFAULT_OVERLAP,
                max_backoff: Self::DEFAULT_MAX_BACKOFF,
                requests: Self::DEFAULT_REQUESTS_PER_MINUTE,
                window: Duration::from_secs(60),
            },
        }
    }

    /// The organization it keeps current.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// Where its next audits window starts.
    pub fn since(&self) -> SystemTime {
        self.since
    }

    /// A handle that stops [`run`](Self::run).
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.stop))
    }

    /// Ticks until stopped ([`Stopper::stop`]): a [`tick`](Self::tick), then
    /// a wait of the poll interval (longer after failures, see
    /// [`max_backoff`](RefresherBuilder::max_backoff); shorter when the
    /// full reload falls due first), and again. Spawn it on the service's
    /// runtime (`tokio::spawn(refresher.run())`); its failures are logged
    /// (feature `tracing`) and never end it.
    pub async fn run(mut self) {
        while !self.stop.stopped.load(Ordering::SeqCst) {
            // Logged where they happen, and tried again next tick.
            let _ = self.tick().await;
            let wait = self.next_wait();
            if tokio::time::timeout(wait, self.stop.wake.notified()).await.is_ok() {
                break;
            }
        }
    }

    /// One step, now: asks the audits what changed since the last window
    /// read, reloads the policy if a role changed (or a user the policy
    /// holds, or the full reload is due, or a reload failed before), and
    /// drops the cached users the changes touch. What [`run`](Self::run)
    /// does each time; a service with its own scheduler, and a test, calls
    /// it directly.
    ///
    /// # Errors
    ///
    /// The audits could not be read or the policy could not be reloaded
    /// ([`RefreshError`]): nothing is cleared, the failure is logged
    /// (`warn`, feature `tracing`), and the next tick tries again.
    pub async fn tick(&mut self) -> Result<Refreshed, RefreshError<L::Error>> {
        let mut refreshed = Refreshed::default();
        let audits = self.read_audits(&mut refreshed).await.err();
        let organizations = self.users.organizations();
        let held = match organizations.loaded(&self.organization).await {
            Some(handle) => {
                let policy = handle.load();
                refreshed.users.iter().any(|id| policy.user(id).is_some())
            }
            None => false,
        };
        // The changed users first: one asked for while the policy reloads is read
        // again from the platform, not compiled again from what it was.
        if !refreshed.roles.is_empty() || !refreshed.users.is_empty() {
            let (roles, users) = (&refreshed.roles, &refreshed.users);
            refreshed.dropped = self
                .users
                .invalidate_where(&self.organization, |user| {
                    users.contains(&user.name) || depends_on(user, roles)
                })
                .await;
            #[cfg(feature = "tracing")]
            tracing::info!(
                organization = %Escaped(&self.organization),
                roles = roles.len(),
                users = users.len(),
                dropped = refreshed.dropped,
                "permgate: the audits report changes, the users they touch are dropped"
            );
        }
        let full = Instant::now() >= self.next_full;
        let mut reload = None;
        if full || self.pending || held || !refreshed.roles.is_empty() {
            // Reloaded in full through the service's loader: see the module docs.
            match organizations.reload(&self.organization).await {
                Ok(_) => {
                    refreshed.reloaded = true;
                    refreshed.full = full;
                    self.pending = false;
                    if full {
                        self.next_full = Instant::now() + self.settings.full_reload_interval;
                    }
                }
                Err(error) => {
                    // `Organizations::reload` logged it; the old policy stays.
                    self.pending = true;
                    reload = Some(error);
                }
            }
        }
        if audits.is_none() && reload.is_none() {
            self.failures = 0;
            Ok(refreshed)
        } else {
            self.failures = self.failures.saturating_add(1);
            Err(RefreshError {
                organization: self.organization.as_str().into(),
                audits,
                reload,
                refreshed,
            })
        }
    }

    /// Reads the audits window from `since` to now into `refreshed`, and
    /// moves the window on; on failure the window stays, to be asked again.
    async fn read_audits(&mut self, refreshed: &mut Refreshed) -> Result<(), ClientError> {
        let until = SystemTime::now();
        if whole_seconds(until) <= whole_seconds(self.since) {
            // The audits' intervals are in whole seconds: the clock has not moved a
            // second past the window's start (or went back). Nothing to ask yet; the
            // window stays.
            return Ok(());
        }
        match self.client.audit_changes(self.since, until, &[]).await {
            Ok(changes) => {
                let fresh = |id: &Option<String>| id.as_ref().is_none_or(|id| !self.seen.contains(id));
                for message in changes.messages.iter().filter(|m| fresh(&m.id)) {
                    let (Some(kind), Some(entity)) = (&message.entity_type, &message.entity) else {
                        continue;
                    };
                    let ids = if kind.eq_ignore_ascii_case("Role") {
                        &mut refreshed.roles
                    } else if kind.eq_ignore_ascii_case("User") {
                        &mut refreshed.users
                    } else {
                        continue;
                    };
                    if !ids.contains(&entity.id) {
                        ids.push(entity.id.clone());
                    }
                }
                self.seen = changes.messages.iter().filter_map(|m| m.id.clone()).collect();
                refreshed.interval = Some(changes.interval);
                // The next window starts where this one ended, less the overlap: never a gap.
                self.since = until
                    .checked_sub(self.settings.overlap)
                    .map_or(self.since, |start| start.max(self.since));
                Ok(())
            }
            Err(error) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    organization = %Escaped(&self.organization),
                    reason = %error,
                    "permgate: the audits could not be read, the organization's policy and users stay"
                );
                Err(error)
            }
        }
    }

    /// How long `run` waits before the next tick: after a success, the poll interval, or less if the full reload falls
    /// due first; after `n` failures in a row, the poll interval times
    /// 2<sup>n</sup> up to the longest backoff, even if a full reload is
    /// due (it may be what fails).
    fn next_wait(&self) -> Duration {
        let settings = &self.settings;
        if self.failures == 0 {
            let to_full = self.next_full.saturating_duration_since(Instant::now());
            return settings.poll_interval.min(to_full);
        }
        let factor = 1u32.checked_shl(self.failures.min(16)).unwrap_or(u32::MAX);
        settings
            .poll_interval
            .saturating_mul(factor)
            .min(settings.max_backoff.max(settings.poll_interval))
    }
}

/// Seconds since 1970 (`0` before it), as the audits' intervals count them.
fn whole_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Whether a cached user's definition may hold what a changed role grants,
/// so that compiling it again against the reloaded policy would keep the
/// role's old grants: a role of its own carrying grants (a subject's grant
/// with the role's policies) that is one of `roles` or has no id to tell,
/// or direct grants (a users/me document's permissions, flattened from its
/// roles: which roles is not known), or nothing at all (a users/me document
/// whose roles grant nothing yet). A role held by name only is the policy's
/// own, and follows its reload.
fn depends_on(user: &UserDefinition, roles: &[String]) -> bool {
    if roles.is_empty() {
        return false;
    }
    if !user.direct.is_empty() || user.roles.is_empty() {
        return true;
    }
    user.roles.iter().any(|(role, _)| {
        let own = !role.grants.is_empty() || !role.legacy.is_empty();
        own && role.id.as_ref().is_none_or(|id| roles.contains(id))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{Division, RoleDefinition};

    fn changed(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn a_user_depends_on_a_changed_role_it_holds_with_its_grants_or_cannot_tell() {
        let changed = changed(&["r-1"]);
        let with = |role: RoleDefinition| UserDefinition::new("u-1").role(role, Division::All);
        let granting = RoleDefinition::new("agent").grant(["routing:queue:view"]);
        // Its own copy of the changed role's grants: stale after the change.
        assert!(depends_on(&with(granting.clone().id("r-1")), &changed));
        // Its own copy of another role: not touched.
        assert!(!depends_on(&with(granting.clone().id("r-2")), &changed));
        // A copy without an id: which role it is cannot be told.
        assert!(depends_on(&with(granting.clone()), &changed));
        // Legacy names only are grants of its own too.
        assert!(depends_on(
            &with(RoleDefinition::new("old").legacy(["admin"])),
            &changed
        ));
        // A role by name only is the policy's: it follows the reload.
        assert!(!depends_on(&with(RoleDefinition::new("agent").id("r-1")), &changed));
        // Direct grants (users/me) are flattened from unknown roles; nothing at all
        // (users/me with no permission yet) cannot be told either.
        let direct = UserDefinition::new("u-1").direct(granting.clone(), Division::All);
        assert!(depends_on(&direct, &changed));
        assert!(depends_on(&UserDefinition::new("u-1"), &changed));
        // No role changed: nothing depends.
        assert!(!depends_on(&direct, &[]));
    }

    #[test]
    fn run_waits_the_poll_interval_or_less_for_a_full_reload_and_backs_off_after_failures() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let organizations = super::super::Organizations::new(|_org: &str| async {
                Ok::<_, crate::BuildError>(crate::Policy::builder(crate::Catalog::builtin()).build())
            });
            let users = Users::new(
                organizations,
                |_org: &str, _key: &str, _: Option<&super::super::Credential>| {
                    std::future::ready(Ok::<_, crate::BuildError>(UserDefinition::new("u-1")))
                },
            );
            let Ok(client) = Client::builder()
                .api_base("http://127.0.0.1:9")
                .login_base("http://127.0.0.1:9")
                .build()
            else {
                return;
            };
            let second = Duration::from_secs(1);
            let mut refresher = Refresher::builder(client, users, "org-a")
                .poll_interval(second)
                .full_reload_interval(3 * second)
                .max_backoff(5 * second)
                .build();
            // The full reload is due at once.
            assert_eq!(refresher.next_wait(), Duration::ZERO);
            refresher.next_full = Instant::now() + 10 * second;
            assert_eq!(refresher.next_wait(), second);
            refresher.next_full = Instant::now() + second / 2;
            assert!(refresher.next_wait() <= second / 2);
            // After failures: doubled each time up to the most, a full reload due or not.
            let waits: Vec<Duration> = [1, 2, 3, 40]
                .into_iter()
                .map(|failures| {
                    refresher.failures = failures;
                    refresher.next_wait()
                })
                .collect();
            assert_eq!(waits, [2 * second, 4 * second, 5 * second, 5 * second]);
        });
    }
}
