//! The per-user cache of the live service: [`Users`].

use std::borrow::Cow;
use std::error::Error;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::{Credential, Entry, Flights, Load, LoadError, Organizations, RETIRED, Sweeps, bounded_cache};
use crate::text::Escaped;
use crate::{BuildError, CompiledUser, Division, RoleDefinition, UserDefinition};

/// Loads one user's authorization: the service's own code, called by
/// [`Users`] for a user it does not hold (or no longer holds: past its
/// [time to live](UsersBuilder::time_to_live), or
/// [invalidated](Users::invalidate)).
///
/// `user` is the key the service chose for [`Users::get`] (a user id, or a
/// hash of the caller's token), and `credential` the caller's token as
/// given to [`Users::get`] (`None` if the service gave none). The loader
/// typically calls the Platform API with that token
/// ([`Credential::expose`]) — `GET /api/v2/users/me?expand=authorization` or
/// `GET /api/v2/authorization/subjects/me`, which any caller may read
/// without a permission — and reads the answer into a [`UserDefinition`]
/// through [`genesys`](crate::genesys)
/// ([`UserAuthorization::definition`](crate::genesys::UserAuthorization::definition),
/// [`SubjectSpec::definition`](crate::genesys::SubjectSpec::definition)).
///
/// A closure `Fn(&str, &str, Option<&Credential>) -> impl Future<Output = Result<UserDefinition, E>>`
/// is a loader already (its future must not borrow its arguments: copy
/// what it needs into it, as in the [module's example](super#users-compiled-on-demand-cached)).
///
/// Concurrent requests for one key share one load, made with the
/// credential of the first of them (one key is one user). A cached user
/// whose organization's policy was reloaded is compiled again without the
/// loader: no credential is needed then.
///
/// The loader's error is kept in a [`UserError`] that a service may log: it
/// should not carry the key nor the token.
///
/// A type of the service's implements it with an `async fn`:
///
/// ```
/// use permgate::genesys::UserAuthorization;
/// use permgate::live::{Credential, LoadUser};
/// use permgate::UserDefinition;
///
/// /// The service's Platform API client.
/// struct PlatformApi {
///     // an HTTP client, the region's base URL, ...
/// }
///
/// #[derive(Debug)]
/// struct Upstream(&'static str);
///
/// impl std::fmt::Display for Upstream {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str(self.0) // never the key or the token
///     }
/// }
///
/// impl std::error::Error for Upstream {}
///
/// impl LoadUser for PlatformApi {
///     type Error = Upstream;
///
///     async fn load_user(
///         &self,
///         organization: &str,
///         user: &str,
///         credential: Option<&Credential>,
///     ) -> Result<UserDefinition, Upstream> {
///         let _ = (organization, user);
///         let token = credential.ok_or(Upstream("no token"))?.expose();
///         let _ = token; // GET /api/v2/users/me?expand=authorization, `Authorization: Bearer <token>`
///         let body = r#"{"id": "u-1", "authorization": {"permissions": ["routing:queue:view"]}}"#;
///         let me = UserAuthorization::parse(body).map_err(|_| Upstream("users/me did not parse"))?;
///         Ok(me.definition(None))
///     }
/// }
/// ```
pub trait LoadUser: Send + Sync {
    /// Why a user could not be loaded.
    type Error: Error + Send + Sync + 'static;

    /// The authorization of `user` in `organization`, read with the caller's
    /// `credential`, or why there is none (no credential, an expired token,
    /// an upstream failure).
    fn load_user(
        &self,
        organization: &str,
        user: &str,
        credential: Option<&Credential>,
    ) -> impl Future<Output = Result<UserDefinition, Self::Error>> + Send;
}

impl<F, Fut, E> LoadUser for F
where
    F: Fn(&str, &str, Option<&Credential>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<UserDefinition, E>> + Send,
    E: Error + Send + Sync + 'static,
{
    type Error = E;

    fn load_user(
        &self,
        organization: &str,
        user: &str,
        credential: Option<&Credential>,
    ) -> impl Future<Output = Result<UserDefinition, E>> + Send {
        self(organization, user, credential)
    }
}

/// A user could not be given by [`Users::get`]: its organization's policy
/// could not be loaded, the user's loader failed, or the user does not
/// compile against its organization's policy. Nothing is cached: the next
/// request tries again.
///
/// Decided: it names the organization, never the user's key: a key
/// may be derived from a token, and errors get logged. The loader's error
/// is the [`source`](Error::source); requests that waited on the same load
/// share it, hence the [`Arc`]s.
#[non_exhaustive]
pub enum UserError<U, O> {
    /// The organization's policy could not be loaded.
    Organization(LoadError<O>),
    /// The user's loader failed.
    Load {
        /// The organization asked for.
        organization: Box<str>,
        /// The loader's error.
        error: Arc<U>,
    },
    /// The user's definition does not compile against the organization's
    /// current policy (see [`Policy::compile_user`](crate::Policy::compile_user)).
    Compile {
        /// The organization asked for.
        organization: Box<str>,
        /// Why the user does not compile.
        error: BuildError,
    },
}

impl<U, O> UserError<U, O> {
    /// The organization asked for.
    pub fn organization(&self) -> &str {
        match self {
            Self::Organization(error) => error.organization(),
            Self::Load { organization, .. } | Self::Compile { organization, .. } => organization,
        }
    }
}

impl<U, O> Clone for UserError<U, O> {
    fn clone(&self) -> Self {
        match self {
            Self::Organization(error) => Self::Organization(error.clone()),
            Self::Load { organization, error } => Self::Load {
                organization: organization.clone(),
                error: Arc::clone(error),
            },
            Self::Compile { organization, error } => Self::Compile {
                organization: organization.clone(),
                error: error.clone(),
            },
        }
    }
}

impl<U: core::fmt::Debug, O: core::fmt::Debug> core::fmt::Debug for UserError<U, O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Organization(error) => f.debug_tuple("Organization").field(error).finish(),
            Self::Load { organization, error } => f
                .debug_struct("Load")
                .field("organization", organization)
                .field("error", error)
                .finish(),
            Self::Compile { organization, error } => f
                .debug_struct("Compile")
                .field("organization", organization)
                .field("error", error)
                .finish(),
        }
    }
}

impl<U, O> core::fmt::Display for UserError<U, O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Organization(error) => core::fmt::Display::fmt(error, f),
            Self::Load { organization, .. } => write!(
                f,
                "organization `{}`: a user could not be loaded",
                Escaped(organization)
            ),
            Self::Compile { organization, .. } => write!(
                f,
                "organization `{}`: a user does not compile against its policy",
                Escaped(organization)
            ),
        }
    }
}

impl<U: Error + 'static, O: Error + 'static> Error for UserError<U, O> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Organization(error) => error.source(),
            Self::Load { error, .. } => Some(&**error),
            Self::Compile { error, .. } => Some(error),
        }
    }
}

/// How many bytes of a key's organization and user together are held in
/// the cache's entry itself: a UUID organization with a UUID user (72), or
/// with a SHA-256 digest in hex (100), fit. A hit then compares the key
/// where it finds the entry, without reading another allocation.
const INLINE: usize = 100;

/// A cached user's organization and the service's key for it, the
/// organization's bytes first, `split` long. Never printed (no `Debug`):
/// it may come from a token.
#[derive(Clone)]
enum KeyText {
    /// Up to [`INLINE`] bytes: in the entry, `len` of them used.
    Inline { split: u8, len: u8, bytes: [u8; INLINE] },
    /// Longer: in one allocation.
    Heap { text: Box<str>, split: usize },
}

impl KeyText {
    fn new(organization: &str, user: &str) -> Self {
        if let Some(key) = Self::inline(organization, user) {
            return key;
        }
        let mut text = String::with_capacity(organization.len() + user.len());
        text.push_str(organization);
        text.push_str(user);
        Self::Heap {
            text: text.into_boxed_str(),
            split: organization.len(),
        }
    }

    /// The text held inline, if it fits.
    fn inline(organization: &str, user: &str) -> Option<Self> {
        let len = u8::try_from(organization.len() + user.len()).ok()?;
        let mut bytes = [0; INLINE];
        let (head, tail) = bytes.split_at_mut_checked(organization.len())?;
        head.copy_from_slice(organization.as_bytes());
        tail.get_mut(..user.len())?.copy_from_slice(user.as_bytes());
        let split = u8::try_from(organization.len()).ok()?;
        Some(Self::Inline { split, len, bytes })
    }

    /// The organization's bytes and the user's.
    #[inline]
    fn bytes(&self) -> (&[u8], &[u8]) {
        let (text, split) = match self {
            Self::Inline { split, len, bytes } => {
                (bytes.get(..usize::from(*len)).unwrap_or_default(), usize::from(*split))
            }
            Self::Heap { text, split } => (text.as_bytes(), *split),
        };
        text.split_at_checked(split).unwrap_or((text, &[]))
    }

    /// The organization and the user (both were `str`s; a part that were
    /// not would read as empty).
    fn parts(&self) -> (&str, &str) {
        let (organization, user) = self.bytes();
        let text = |bytes| core::str::from_utf8(bytes).unwrap_or_default();
        (text(organization), text(user))
    }
}

/// Hashes as [`KeyRef`] does ([`hash_key`]).
impl core::hash::Hash for KeyText {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        let (organization, user) = self.bytes();
        hash_key(organization, user, state);
    }
}

/// Feeds a key to the cache's hasher: both lengths in one word (so
/// `("ab", "c")` and `("a", "bc")` differ), then each part sixteen bytes
/// to a word, its last word read overlapping the one before. Where
/// `Hash for (&[u8], &[u8])` writes each part as a slice (a length and a
/// call for its bytes), this is a few multiplications for two UUIDs.
#[inline(always)]
fn hash_key<H: core::hash::Hasher>(organization: &[u8], user: &[u8], state: &mut H) {
    state.write_u64(((organization.len() as u64) << 32) ^ user.len() as u64);
    hash_part(organization, state);
    hash_part(user, state);
}

/// One part of a key, sixteen bytes to a word, the last word overlapping
/// the one before ([`hash_key`]).
#[inline(always)]
fn hash_part<H: core::hash::Hasher>(mut part: &[u8], state: &mut H) {
    let Some(last) = part.last_chunk::<16>() else {
        // Shorter: two overlapping halves, or its bytes one by one.
        let word = match (part.first_chunk::<8>(), part.last_chunk::<8>()) {
            (Some(low), Some(high)) => {
                u128::from(u64::from_le_bytes(*low)) | (u128::from(u64::from_le_bytes(*high)) << 64)
            }
            _ => part.iter().fold(0, |word, &byte| (word << 8) | u128::from(byte)),
        };
        state.write_u128(word);
        return;
    };
    while let Some((word, rest)) = part.split_first_chunk::<16>() {
        if rest.is_empty() {
            break;
        }
        state.write_u128(u128::from_le_bytes(*word));
        part = rest;
    }
    state.write_u128(u128::from_le_bytes(*last));
}

/// Whether two byte strings are the same, sixteen bytes at a time (the
/// last word read overlapping): for a key's short parts, cheaper than a
/// call to `memcmp`.
#[inline(always)]
fn same(mut a: &[u8], mut b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (Some(x), Some(y)) = (a.last_chunk::<16>(), b.last_chunk::<16>()) else {
        return match (
            a.first_chunk::<8>(),
            a.last_chunk::<8>(),
            b.first_chunk::<8>(),
            b.last_chunk::<8>(),
        ) {
            (Some(a_low), Some(a_high), Some(b_low), Some(b_high)) => a_low == b_low && a_high == b_high,
            _ => a == b,
        };
    };
    if x != y {
        return false;
    }
    while let (Some((x, a_rest)), Some((y, b_rest))) = (a.split_first_chunk::<16>(), b.split_first_chunk::<16>()) {
        if x != y {
            return false;
        }
        (a, b) = (a_rest, b_rest);
    }
    true
}

impl PartialEq for KeyText {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for KeyText {}

/// A cached user's key in the cache: its text, and (once cached) what the
/// slow paths need beside it, kept with the key so that a hit, which reads
/// the key where it finds the entry, reads no other allocation for it.
/// Equal, and hashed, as its text only.
#[derive(Clone)]
struct UserKey {
    text: KeyText,
    cold: Option<Arc<Cold>>,
}

impl UserKey {
    fn new(text: KeyText, cold: Arc<Cold>) -> Self {
        Self { text, cold: Some(cold) }
    }
}

impl core::hash::Hash for UserKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialEq for UserKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for UserKey {}

/// A [`UserKey`] as a request names it, borrowed: a hit looks the cache up
/// with it, allocating nothing.
struct KeyRef<'a> {
    organization: &'a str,
    user: &'a str,
}

impl core::hash::Hash for KeyRef<'_> {
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        hash_key(self.organization.as_bytes(), self.user.as_bytes(), state);
    }
}

impl quick_cache::Equivalent<UserKey> for KeyRef<'_> {
    #[inline]
    fn equivalent(&self, key: &UserKey) -> bool {
        let (organization, user) = key.text.bytes();
        same(organization, self.organization.as_bytes()) && same(user, self.user.as_bytes())
    }
}

/// The definition a cached user was loaded with, kept to compile the user
/// again once its organization's policy is reloaded.
#[derive(Debug, Clone)]
enum Kept {
    /// A user holding roles by name only (as a subjects/me document names
    /// them), in one allocation: its name, then each role's name and
    /// division, each part its length (LEB128) then its UTF-8 bytes; a
    /// division's length is one more than its id's, 0 for every division.
    Named(Box<[u8]>),
    /// Any other user (direct grants, roles with their grants), as loaded.
    Whole(Box<UserDefinition>),
}

impl Kept {
    fn new(mut definition: UserDefinition) -> Self {
        if let Some(named) = Self::named(&definition) {
            return named;
        }
        definition.roles.shrink_to_fit();
        definition.direct.shrink_to_fit();
        Self::Whole(Box::new(definition))
    }

    /// `definition` as [`Kept::Named`], if it holds roles by name only and
    /// reads back the same.
    fn named(definition: &UserDefinition) -> Option<Self> {
        let by_name = |role: &RoleDefinition| {
            role.id.is_none() && role.description.is_none() && role.grants.is_empty() && role.legacy.is_empty()
        };
        if !definition.direct.is_empty() || !definition.roles.iter().all(|(role, _)| by_name(role)) {
            return None;
        }
        let mut bytes = Vec::new();
        let mut put = |length: usize, part: &str| {
            let mut length = length;
            while length >= 0x80 {
                bytes.push((length & 0x7f) as u8 | 0x80);
                length >>= 7;
            }
            bytes.push(length as u8);
            bytes.extend_from_slice(part.as_bytes());
        };
        put(definition.name.len(), &definition.name);
        for (role, division) in &definition.roles {
            put(role.name.len(), &role.name);
            match division {
                Division::All => put(0, ""),
                Division::Id(id) => put(id.len().checked_add(1)?, id),
            }
        }
        let named = Self::Named(bytes.into_boxed_slice());
        // Whatever a role definition may hold beyond its name, checked.
        (*named.definition() == *definition).then_some(named)
    }

    /// The definition, as loaded.
    fn definition(&self) -> Cow<'_, UserDefinition> {
        match self {
            Self::Whole(definition) => Cow::Borrowed(definition),
            // Read back as written (checked by `named`); were it not, a user
            // named "" does not compile, so it is loaded again.
            Self::Named(bytes) => Cow::Owned(Self::read(bytes).unwrap_or_else(|| UserDefinition::new(""))),
        }
    }

    fn read(bytes: &[u8]) -> Option<UserDefinition> {
        let mut rest = bytes;
        let mut user = UserDefinition::new(Self::part(&mut rest)?);
        while !rest.is_empty() {
            let role = RoleDefinition::new(Self::part(&mut rest)?);
            let division = match Self::length(&mut rest)? {
                0 => Division::All,
                length => Division::Id(Self::take(&mut rest, length - 1)?.to_owned()),
            };
            user = user.role(role, division);
        }
        Some(user)
    }

    /// The next part: its length, then its bytes.
    fn part<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
        let length = Self::length(rest)?;
        Self::take(rest, length)
    }

    /// The next length (LEB128).
    fn length(rest: &mut &[u8]) -> Option<usize> {
        let mut value = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let (&byte, tail) = rest.split_first()?;
            *rest = tail;
            value |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// The next `length` bytes, as UTF-8.
    fn take<'a>(rest: &mut &'a [u8], length: usize) -> Option<&'a str> {
        let (part, tail) = rest.split_at_checked(length)?;
        *rest = tail;
        core::str::from_utf8(part).ok()
    }
}

/// What a hit reads of a cached user, the cache's value: the user compiled
/// against its organization's policy of the time, when it was loaded, and
/// the registry's count of changes when it was last found current (read
/// before the check): while the count is the same, so is its
/// organization's state, and it need not be read.
#[derive(Clone)]
struct Hot {
    compiled: CompiledUser,
    /// When it was loaded, on the coarse monotonic clock.
    loaded: coarsetime::Instant,
    seen: u64,
}

impl Hot {
    /// Whether it was loaded less than `time_to_live` ago. The coarse
    /// monotonic clock (a few milliseconds' resolution) is read in a few
    /// nanoseconds, where `std`'s takes about 25.
    fn is_fresh(&self, time_to_live: coarsetime::Duration) -> bool {
        coarsetime::Instant::now_without_cache_update().duration_since(self.loaded) < time_to_live
    }
}

/// What the slow paths need of a cached user, kept with its key: the
/// definition it was loaded with (to compile it again once its
/// organization's policy is reloaded), and its organization's entry in the
/// registry with that entry's state, read before the policy it was
/// compiled against. While the state is unchanged (no reload since, the
/// entry not retired), so is the user.
#[derive(Debug)]
struct Cold {
    kept: Kept,
    entry: Arc<Entry>,
    state: u64,
}

impl Cold {
    /// Whether `entry`'s current state is the one the user was compiled at.
    fn is_current(&self) -> bool {
        self.state & RETIRED == 0 && self.entry.state() == self.state
    }
}

/// A cached user as the slow path finds it.
enum Found {
    /// Compiled against its organization's current policy.
    Current(CompiledUser),
    /// Compiled against a policy its organization no longer has: its cold
    /// parts, and when it was loaded.
    Stale(Arc<Cold>, coarsetime::Instant),
    /// Not cached, or past its time to live.
    Absent,
}

/// A cache of users compiled on demand, keyed by organization and user,
/// over a registry of [`Organizations`]. See the
/// [module docs](super#users-compiled-on-demand-cached).
///
/// The users are held in a [`quick_cache`] cache: a hit takes one shard's
/// read lock and one lookup of the borrowed key, and allocates nothing.
///
/// Cheap to clone (clones share the cache): put it in the service's state.
pub struct Users<L, U> {
    organizations: Organizations<L>,
    shared: Arc<Shared<U>>,
}

/// What the clones of a [`Users`] share.
struct Shared<U> {
    loader: U,
    time_to_live: Duration,
    /// The same, on the coarse clock.
    coarse_time_to_live: coarsetime::Duration,
    entries: quick_cache::sync::Cache<UserKey, Hot>,
    /// The loads under way (of a user not cached, or compiled again
    /// after its organization's reload).
    flights: Flights<KeyText>,
    /// When the users past their time to live are next swept out.
    sweeps: Sweeps,
}

impl<L, U> Clone for Users<L, U> {
    fn clone(&self) -> Self {
        Self {
            organizations: self.organizations.clone(),
            shared: Arc::clone(&self.shared),
        }
    }
}

/// Counts only: the keys may come from tokens and are never printed.
impl<L, U> core::fmt::Debug for Users<L, U> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Users")
            .field("cached", &self.shared.entries.len())
            .field("time_to_live", &self.shared.time_to_live)
            .field("organizations", &self.organizations)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`Users`] cache, from [`Users::builder`].
#[derive(Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct UsersBuilder<L, U> {
    organizations: Organizations<L>,
    loader: U,
    time_to_live: Duration,
    max_users: Option<u64>,
}

impl<L: Load, U: LoadUser> UsersBuilder<L, U> {
    /// How long a loaded user is kept; then the next request loads it
    /// again. [Five minutes](Users::DEFAULT_TIME_TO_LIVE) by default.
    /// Counted from the load: recompiling a user after its organization's
    /// policy was reloaded does not extend it. A user past it is dropped
    /// when next asked for; the others are swept out by the first load of
    /// each time to live (one pass over the cache).
    pub fn time_to_live(mut self, time_to_live: Duration) -> Self {
        self.time_to_live = time_to_live;
        self
    }

    /// At most this many users cached at once (all organizations together);
    /// past it, users are evicted by the cache's CLOCK-Pro policy: those
    /// least recently and least often asked for first. Unbounded by default
    /// (users past their time to live are swept out all the same).
    pub fn max_users(mut self, max_users: u64) -> Self {
        self.max_users = Some(max_users);
        self
    }

    /// The cache, empty: nothing is loaded until asked for.
    pub fn build(self) -> Users<L, U> {
        let entries = bounded_cache(self.max_users, 1 << 16);
        Users {
            organizations: self.organizations,
            shared: Arc::new(Shared {
                loader: self.loader,
                time_to_live: self.time_to_live,
                coarse_time_to_live: self.time_to_live.into(),
                entries,
                flights: Flights::default(),
                sweeps: Sweeps::new(self.time_to_live.into()),
            }),
        }
    }
}

impl<L: Load, U: LoadUser> Users<L, U> {
    /// The time to live of [`Users::new`], and of the builder unless set:
    /// five minutes, the delay Genesys Cloud documents for a permission
    /// change to take effect across the platform.
    pub const DEFAULT_TIME_TO_LIVE: Duration = Duration::from_secs(5 * 60);

    /// A cache of the users of `organizations`, loaded with `loader`, with
    /// the default settings (kept [five minutes](Self::DEFAULT_TIME_TO_LIVE),
    /// no bound on their number).
    pub fn new(organizations: Organizations<L>, loader: U) -> Self {
        Self::builder(organizations, loader).build()
    }

    /// A cache of the users of `organizations`, loaded with `loader`, to be
    /// set up.
    pub fn builder(organizations: Organizations<L>, loader: U) -> UsersBuilder<L, U> {
        UsersBuilder {
            organizations,
            loader,
            time_to_live: Self::DEFAULT_TIME_TO_LIVE,
            max_users: None,
        }
    }

    /// The registry of organizations the users are compiled against.
    pub fn organizations(&self) -> &Organizations<L> {
        &self.organizations
    }

    /// The user loader.
    pub fn loader(&self) -> &U {
        &self.shared.loader
    }

    /// The time to live of a loaded user.
    pub fn time_to_live(&self) -> Duration {
        self.shared.time_to_live
    }

    /// How many users are cached now, all organizations together (users
    /// past their time to live included until they are swept out).
    pub fn len(&self) -> usize {
        self.shared.entries.len()
    }

    /// Whether no user is cached.
    pub fn is_empty(&self) -> bool {
        self.shared.entries.is_empty()
    }

    /// User `user` of `organization`, compiled against the organization's
    /// current policy: from the cache, or loaded now through the
    /// [`LoadUser`]er (and the organization's policy through its
    /// [`Load`]er, if it is not loaded yet).
    ///
    /// `user` is the service's key for the user: a user id, or a hash of
    /// the caller's token. **Never a raw token**: the key is held in memory
    /// for the time to live and handed to the loader; this crate never logs
    /// or prints it, but a key that is a token would be a credential kept
    /// in a place nobody audits.
    ///
    /// `credential` is the caller's token, handed to the loader on a miss
    /// only (the loader calls the Platform API with it); it is never part
    /// of the key and never kept, and a hit does not look at it.
    ///
    /// Concurrent calls for a user that is not cached wait on one loader
    /// call and share its result: the load is made with the first caller's
    /// credential (one key is one user). A cached user compiled against a
    /// policy of its organization that has since been
    /// [reloaded](Organizations::reload) is compiled again against the
    /// current one, from the definition loaded before, without the loader
    /// (no credential needed): the answer is never from the old policy.
    ///
    /// # Errors
    ///
    /// [`UserError`]: the organization's policy or the user could not be
    /// loaded, or the user does not compile against the policy. Nothing is
    /// cached, and the next call loads again.
    pub async fn get(
        &self,
        organization: &str,
        user: &str,
        credential: Option<&Credential>,
    ) -> Result<CompiledUser, UserError<U::Error, L::Error>> {
        let found = self.shared.entries.get(&KeyRef { organization, user });
        if let Some(hot) = found {
            if hot.seen == self.organizations.changes() && hot.is_fresh(self.shared.coarse_time_to_live) {
                return Ok(hot.compiled);
            }
        }
        // Boxed: a hit's future holds the lookup's alone, not the load's.
        Box::pin(self.get_slowly(organization, user, credential)).await
    }

    /// [`get`](Self::get) past a hit: the user as cached if its organization
    /// did not change (its count of changes brought up to date), else
    /// compiled again against its organization's current policy, or loaded
    /// (not cached, or past its time to live); once however many requests
    /// ask for it meanwhile: the first one's work, whose result (a failure
    /// too) the others share. A user loaded is cached; a failure is not,
    /// and the next request after it tries again.
    async fn get_slowly(
        &self,
        organization: &str,
        user: &str,
        credential: Option<&Credential>,
    ) -> Result<CompiledUser, UserError<U::Error, L::Error>> {
        let text = KeyText::new(organization, user);
        if let Found::Current(compiled) = self.find(&text) {
            return Ok(compiled);
        }
        let flights = &self.shared.flights;
        let flight = flights.join::<Result<CompiledUser, UserError<U::Error, L::Error>>>(&text);
        let landed = flight
            .get_or_init(|| async {
                // Another request's flight may have landed since.
                match self.find(&text) {
                    Found::Current(compiled) => Ok(compiled),
                    Found::Stale(cold, loaded) => self.rebind(&text, &cold, loaded).await,
                    Found::Absent => self.load(&text, credential).await,
                }
            })
            .await
            .clone();
        flights.land(&text, &flight);
        self.sweep_if_due();
        landed
    }

    /// The cached user of `text`, checked under its shard's lock: current
    /// (its count of changes brought up to date, so that the next hit need
    /// not check again), stale, or absent (past its time to live too).
    fn find(&self, text: &KeyText) -> Found {
        let shared = &*self.shared;
        let changes = self.organizations.changes();
        let key = UserKey {
            text: text.clone(),
            cold: None,
        };
        // Not waiting on a load of quick_cache's own (there are none: loads
        // are this cache's flights).
        let found = shared.entries.entry(&key, Some(Duration::ZERO), |stored, hot| {
            let found = match &stored.cold {
                Some(_) if !hot.is_fresh(shared.coarse_time_to_live) => Found::Absent,
                Some(cold) if hot.seen == changes || cold.is_current() => {
                    hot.seen = changes;
                    Found::Current(hot.compiled.clone())
                }
                Some(cold) => Found::Stale(Arc::clone(cold), hot.loaded),
                None => Found::Absent,
            };
            quick_cache::sync::EntryAction::Retain(found)
        });
        match found {
            quick_cache::sync::EntryResult::Retained(found) => found,
            // Not cached: the entry made for the lookup is dropped with its guard.
            _ => Found::Absent,
        }
    }

    /// The user of `text`, compiled again from its `cold` parts against its
    /// organization's current policy (loaded again if it is not loaded),
    /// cached in place of the stale one (unless that was dropped meanwhile);
    /// loaded when it was first.
    async fn rebind(
        &self,
        text: &KeyText,
        cold: &Cold,
        loaded: coarsetime::Instant,
    ) -> Result<CompiledUser, UserError<U::Error, L::Error>> {
        let (organization, user) = text.parts();
        let seen = self.organizations.changes();
        let entry = self
            .organizations
            .entry(organization)
            .await
            .map_err(UserError::Organization)?;
        let state = entry.state();
        match entry.handle.load().compile_user(&cold.kept.definition()) {
            Ok(compiled) => {
                let hot = Hot {
                    compiled: compiled.clone(),
                    loaded,
                    seen,
                };
                let cold = Arc::new(Cold {
                    kept: cold.kept.clone(),
                    entry,
                    state,
                });
                let _ = self.shared.entries.replace(UserKey::new(text.clone(), cold), hot, true);
                Ok(compiled)
            }
            Err(error) => {
                // The definition loaded before does not compile against the
                // reloaded policy: drop it, the next request loads the user
                // again.
                self.invalidate(organization, user).await;
                Err(UserError::Compile {
                    organization: organization.into(),
                    error,
                })
            }
        }
    }

    /// Once every time to live, one pass over the cache drops the users
    /// past it (and the loads every request gave up); other requests do not
    /// wait for it.
    fn sweep_if_due(&self) {
        let shared = &*self.shared;
        if !shared.sweeps.claim(coarsetime::Instant::now_without_cache_update()) {
            return;
        }
        shared.entries.retain(|_, hot| hot.is_fresh(shared.coarse_time_to_live));
        shared.flights.sweep();
    }

    /// Drops user `user` of `organization` from the cache: the next request
    /// for it loads it again. Other users are not touched.
    pub async fn invalidate(&self, organization: &str, user: &str) {
        self.shared.entries.remove(&KeyRef { organization, user });
    }

    /// Drops every cached user of `organization`: the next request for each
    /// loads it again. Other organizations' users, and the organization's
    /// policy, are not touched. Returns how many users were dropped.
    ///
    /// A load already under way when this is called may still land in the
    /// cache, as it would for [`invalidate`](Self::invalidate).
    pub async fn invalidate_organization(&self, organization: &str) -> usize {
        self.invalidate_where(organization, |_| true).await
    }

    /// Drops every cached user of `organization` whose definition, as its
    /// [`LoadUser`]er loaded it, `matches`: the next request for each loads
    /// it again. Returns how many cached entries were dropped. One pass over
    /// the cache; other organizations' users are not touched.
    ///
    /// This is how to drop a user the service knows by its Genesys user id
    /// while the cache key is something else (a hash of the caller's
    /// token): the Genesys adapter's readers name a user's definition by
    /// its id ([`UserAuthorization::definition`](crate::genesys::UserAuthorization::definition)
    /// with `None`, [`SubjectSpec::definition`](crate::genesys::SubjectSpec::definition)),
    /// so `|user| user.name == id` finds it under every key it is cached
    /// under (one per token of the user's, say). The refresher
    /// (`Refresher`, with feature `client` too) drops the users the audits
    /// report changed this way.
    ///
    /// A load already under way when this is called may still land in the
    /// cache, as it would for [`invalidate`](Self::invalidate).
    ///
    /// ```
    /// # use permgate::live::{Credential, Organizations, Users};
    /// # use permgate::{BuildError, Catalog, Policy, UserDefinition};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    /// # let organizations = Organizations::new(|_org: &str| async {
    /// #     Ok::<_, BuildError>(Policy::builder(Catalog::builtin()).build())
    /// # });
    /// // The loader names each user by its Genesys user id; the keys are token hashes.
    /// let users = Users::new(organizations, |_org: &str, key: &str, _: Option<&Credential>| {
    ///     let id = if key.starts_with("hash-ana") { "u-ana" } else { "u-bo" };
    ///     std::future::ready(Ok::<_, BuildError>(UserDefinition::new(id)))
    /// });
    /// for key in ["hash-ana-laptop", "hash-ana-phone", "hash-bo"] {
    ///     users.get("org-a", key, None).await?;
    /// }
    /// // Ana's roles changed: both of her entries go, Bo's stays.
    /// assert_eq!(users.invalidate_where("org-a", |user| user.name == "u-ana").await, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn invalidate_where(&self, organization: &str, matches: impl Fn(&UserDefinition) -> bool) -> usize {
        let dropped = AtomicUsize::new(0);
        self.shared.entries.retain(|key, _| {
            let drop = key.text.bytes().0 == organization.as_bytes()
                && key.cold.as_ref().is_some_and(|cold| matches(&cold.kept.definition()));
            dropped.fetch_add(usize::from(drop), Ordering::Relaxed);
            !drop
        });
        dropped.into_inner()
    }

    /// Drops every cached user of every organization.
    pub fn invalidate_all(&self) {
        self.shared.entries.clear();
    }

    /// The load of a user not cached: its definition, then compiled against
    /// the organization's current policy, and cached.
    async fn load(
        &self,
        text: &KeyText,
        credential: Option<&Credential>,
    ) -> Result<CompiledUser, UserError<U::Error, L::Error>> {
        let (organization, user) = text.parts();
        let loaded = self.shared.loader.load_user(organization, user, credential).await;
        #[cfg(feature = "tracing")]
        if let Err(error) = &loaded {
            tracing::warn!(
                organization = %Escaped(organization),
                reason = %error,
                "permgate: a user could not be loaded"
            );
        }
        let definition = loaded.map_err(|error| UserError::Load {
            organization: organization.into(),
            error: Arc::new(error),
        })?;
        let seen = self.organizations.changes();
        let entry = self
            .organizations
            .entry(organization)
            .await
            .map_err(UserError::Organization)?;
        let state = entry.state();
        let compiled = (entry.handle.load().compile_user(&definition)).map_err(|error| UserError::Compile {
            organization: organization.into(),
            error,
        })?;
        let hot = Hot {
            compiled: compiled.clone(),
            loaded: coarsetime::Instant::now_without_cache_update(),
            seen,
        };
        let cold = Arc::new(Cold {
            kept: Kept::new(definition),
            entry,
            state,
        });
        self.shared.entries.insert(UserKey::new(text.clone(), cold), hot);
        Ok(compiled)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{Catalog, Policy};

    fn named(kept: &Kept) -> bool {
        matches!(kept, Kept::Named(_))
    }

    #[test]
    fn a_definition_is_kept_as_loaded_and_compactly_when_it_names_its_roles_only() {
        let by_name = UserDefinition::new("u-1")
            .role(RoleDefinition::new("agent"), Division::All)
            .role(RoleDefinition::new("supervisor"), Division::new("d-east"))
            .role(RoleDefinition::new("agent"), Division::new("d-west"))
            .role(RoleDefinition::new(""), Division::Id(String::new()))
            .role(RoleDefinition::new("é ✓"), Division::Id("*".to_owned()));
        let with_id = UserDefinition::new("u-2").role(RoleDefinition::new("agent").id("r-1"), Division::All);
        let with_grants = UserDefinition::new("u-3").role(
            RoleDefinition::new("agent").grant(["routing:queue:view"]),
            Division::All,
        );
        let with_legacy =
            UserDefinition::new("u-4").role(RoleDefinition::new("agent").legacy(["admin"]), Division::All);
        let direct =
            UserDefinition::new("u-5").direct(RoleDefinition::new("own").grant(["routing:queue:view"]), Division::All);
        // Lengths past one LEB128 byte (127), and past two (16383).
        let long = UserDefinition::new("u".repeat(200))
            .role(RoleDefinition::new("r".repeat(128)), Division::Id("d".repeat(20_000)))
            .role(RoleDefinition::new("r".repeat(127)), Division::Id("d".repeat(126)));
        let cases = [
            (UserDefinition::new(""), true),
            (UserDefinition::new("u-0"), true),
            (by_name, true),
            (long, true),
            (with_id, false),
            (with_grants, false),
            (with_legacy, false),
            (direct, false),
        ];
        for (definition, compact) in cases {
            let kept = Kept::new(definition.clone());
            assert_eq!(named(&kept), compact, "{definition:?}");
            assert_eq!(*kept.definition(), definition);
        }
    }

    #[test]
    fn a_key_text_is_held_inline_when_it_fits_and_reads_and_compares_the_same_either_way() {
        use core::hash::BuildHasher;
        let state = std::hash::RandomState::new();
        for (organization, user) in [
            ("", ""),
            ("org-a", "ana"),
            ("ab", "c"),
            ("a", "bc"),
            (&*"o".repeat(36), &*"u".repeat(64)),
            (&*"o".repeat(36), &*"u".repeat(65)),
            (&*"é".repeat(50), ""),
            ("", &*"✓".repeat(40)),
            (&*"o".repeat(300), "u"),
        ] {
            let key = |organization, user| UserKey {
                text: KeyText::new(organization, user),
                cold: None,
            };
            let text = KeyText::new(organization, user);
            let fits = organization.len() + user.len() <= INLINE;
            assert_eq!(matches!(text, KeyText::Inline { .. }), fits, "{organization} {user}");
            assert_eq!(text.parts(), (organization, user));
            let asked = KeyRef { organization, user };
            assert!(quick_cache::Equivalent::equivalent(&asked, &key(organization, user)));
            assert_eq!(state.hash_one(&asked), state.hash_one(key(organization, user)));
            assert!(key(organization, user) == key(organization, user));
            // Another split of the same text is another key.
            if let Some((head, tail)) = organization.split_at_checked(1).filter(|(_, tail)| !tail.is_empty()) {
                let other = KeyRef {
                    organization: head,
                    user: &format!("{tail}{user}"),
                };
                assert!(!quick_cache::Equivalent::equivalent(&other, &key(organization, user)));
                assert!(key(other.organization, other.user) != key(organization, user));
            }
        }
    }

    #[test]
    fn keys_compare_as_their_bytes_and_hash_every_byte() {
        use core::hash::BuildHasher;
        let state = std::hash::RandomState::new();
        let hash = |organization: &[u8], user: &[u8]| {
            let mut hasher = state.build_hasher();
            hash_key(organization, user, &mut hasher);
            core::hash::Hasher::finish(&hasher)
        };
        for len in 0..=70 {
            let a: Vec<u8> = (0..len).map(|at| b'0' + (at % 43) as u8).collect();
            assert!(same(&a, &a));
            assert!(!same(&a, &[a.as_slice(), b"x"].concat()), "{len}");
            assert!(!same(&[a.as_slice(), b"x"].concat(), &a), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x20;
                // The naive model: byte by byte.
                assert_eq!(same(&a, &b), a == b, "{len} {at}");
                assert_ne!(hash(&a, b"u"), hash(&b, b"u"), "{len} {at}");
                assert_ne!(hash(b"o", &a), hash(b"o", &b), "{len} {at}");
            }
        }
    }

    #[test]
    fn bytes_that_do_not_read_back_whole_are_no_definition() {
        let Kept::Named(bytes) =
            Kept::new(UserDefinition::new("u-1").role(RoleDefinition::new("agent"), Division::All))
        else {
            panic!("not compact");
        };
        assert_eq!(&*bytes, b"\x03u-1\x05agent\x00");
        for cut in 0..bytes.len() {
            let read = Kept::read(&bytes[..cut]);
            assert!(read.is_none() || cut == 0 || cut == 4, "{cut}: {read:?}");
        }
        assert!(Kept::read(b"\x03u-\xff").is_none()); // not UTF-8
        assert!(Kept::read(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01").is_none()); // past usize
        // Were it ever corrupt, the user would not compile, and be loaded again.
        let corrupt = Kept::Named(Box::from(&b"\x09u-1"[..]));
        assert_eq!(corrupt.definition().name, "");
    }

    #[test]
    fn a_kept_definition_compiles_as_the_loaded_one() {
        let policy = Policy::builder(Catalog::builtin())
            .role("agent", ["routing:queue:view"])
            .unwrap()
            .role("supervisor", ["routing:queue:*"])
            .unwrap()
            .build();
        let user = UserDefinition::new("u-1")
            .role(RoleDefinition::new("agent"), Division::All)
            .role(RoleDefinition::new("supervisor"), Division::new("d-east"));
        let kept = Kept::new(user.clone());
        assert!(named(&kept));
        let (a, b) = (
            policy.compile_user(&user).unwrap(),
            policy.compile_user(&kept.definition()).unwrap(),
        );
        for key in ["routing:queue:view", "routing:queue:join"] {
            assert_eq!(a.allows(key), b.allows(key), "{key}");
            let (a_east, b_east) = (a.in_division("d-east"), b.in_division("d-east"));
            assert_eq!(a.policy().allows(a_east, key), b.policy().allows(b_east, key), "{key}");
        }
        assert!(!b.allows("routing:queue:join").unwrap());
        assert!(
            b.policy()
                .allows(b.in_division("d-east"), "routing:queue:join")
                .unwrap()
        );
    }
}
