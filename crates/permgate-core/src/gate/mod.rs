//! Gates: what a feature needs. [`Gate`], [`GateInfo`], [`Granted`], [`Denied`].

use core::fmt;
use core::marker::PhantomData;

use crate::builtin::{BUILTIN_LEN, MASK_WORDS};
use crate::principal::{Named, Scope};
use crate::source::Document;
use crate::{Permission, Principal, Release, text::Escaped};

pub mod compose;
pub(crate) mod fast;
pub(crate) mod operation;

use operation::{Operation, Requirement};

/// A feature gate: a type naming the permissions a feature needs. Use it
/// with [`Policy::check`](crate::Policy::check); to check it at another
/// release or against another [`KeySet`], pass its [`INFO`](Self::INFO) to
/// [`Policy::check_info`](crate::Policy::check_info).
///
/// The vendor documents' gates are generated from `catalogs/` into
/// [`gates`](crate::gates); a service declares the gates of its own features
/// the same way, with [`gate!`](crate::gate!). Declaring a gate cannot forge
/// a proof: only [`Policy::check`](crate::Policy::check) makes a [`Granted`].
pub trait Gate: 'static {
    /// The gate's requirements, as data.
    const INFO: &'static GateInfo;
}

/// A gate's requirements, as data: for listing, exporting, and checking a gate
/// chosen at run time ([`Policy::check_info`](crate::Policy::check_info)).
/// The builtin gates are listed by [`builtins::gates`](crate::builtins::gates).
#[derive(Debug)]
#[non_exhaustive]
pub struct GateInfo {
    /// The gate's type name: `AmiStandardUser`.
    pub name: &'static str,
    /// What the gate protects and where its set comes from.
    pub description: &'static str,
    /// The document the requirements come from; `None` for a gate a service
    /// declares ([`gate!`](crate::gate!)).
    pub document: Option<&'static Document>,
    /// The gate this one adds to (its requirements are included below).
    pub extends: Option<&'static str>,
    /// The release [`Policy::check`](crate::Policy::check) checks at: the document's release.
    pub release: Option<Release>,
    /// Every permission the feature needs now.
    pub required: &'static [Permission<'static>],
    /// Groups where holding any one permission suffices.
    pub any_of: &'static [&'static [Permission<'static>]],
    /// Roadmap permissions: required from the given release on.
    pub roadmap: &'static [(Permission<'static>, Release)],
    /// The Platform API operations the gate was declared from
    /// ([`gate!`](crate::gate!) with `calls`), or that a document's rows are
    /// grounded in (a builtin gate): the gate requires what each requires
    /// (an `ALL` list joined into [`required`](Self::required), an `ANY` list
    /// kept as one group of [`any_of`](Self::any_of)), so `required` and
    /// `any_of` already hold every permission; a call that needs no
    /// permission adds nothing, and a call permgate cannot check
    /// ([`Requirement::Unverifiable`]) makes the gate refuse everyone.
    /// Empty for a gate declared from permissions only.
    ///
    /// ```
    /// use permgate::{Gate, gate};
    ///
    /// gate! {
    ///     /// Wrap-up codes: list them.
    ///     pub WrapupCodes {
    ///         description: "List wrap-up codes.",
    ///         calls: ["GET /api/v2/routing/wrapupcodes"],
    ///     }
    /// }
    ///
    /// assert_eq!(WrapupCodes::INFO.calls[0].name, "getRoutingWrapupcodes");
    /// assert_eq!(WrapupCodes::INFO.required[0].key(), "routing:wrapupCode:view");
    /// ```
    pub calls: &'static [&'static Operation],
    /// Why holding the gate's set may not be enough, when its document
    /// leaves part of the requirement out: the CxEngage login minimum comes
    /// "in addition to the permissions included in the default Agent role",
    /// whose contents are not published. [`Denied`] says so.
    pub incomplete: Option<&'static str>,
    /// The permissions of `required` that the Platform API still documents,
    /// as bitset words over the builtin indexes: what [`Policy::check`](crate::Policy::check)
    /// requires by default ([`KeySet::Current`]).
    pub(crate) required_mask: [u64; MASK_WORDS],
    /// The words of `required_mask` that are not zero: `(first, end)`. A
    /// check compares only those. [`NOTHING_LEFT`](Self::NOTHING_LEFT) when
    /// the platform removed every key the gate names.
    pub(crate) mask_range: (usize, usize),
    /// Whether `required` or `any_of` holds a permission past the builtin
    /// indexes: the mask cannot hold it (checked one by one), and it belongs
    /// to one organization's catalog, which must be the policy's.
    pub(crate) beyond_mask: bool,
}

impl GateInfo {
    /// The `mask_range` of a gate every key of which the platform removed:
    /// it selects no words of any mask, so the check refuses the gate.
    pub(crate) const NOTHING_LEFT: (usize, usize) = (usize::MAX, usize::MAX);

    /// A gate needing every permission of `required`, and one of each group
    /// of `any_of`. [`gate!`](crate::gate!) is the usual way to call it.
    pub const fn new(
        name: &'static str,
        description: &'static str,
        required: &'static [Permission<'static>],
        any_of: &'static [&'static [Permission<'static>]],
    ) -> Self {
        let mut required_mask = [0u64; MASK_WORDS];
        let mut mask_range = (usize::MAX, 0);
        let mut beyond_mask = false;
        let mut rest = required;
        while let Some((permission, tail)) = rest.split_first() {
            let index = permission.index() as usize;
            let word = index / 64;
            // The mask's last word has room past the builtin indexes: an
            // organization's permission there would be a bare index of
            // whichever catalog the policy has, so it is never masked.
            if permission.is_removed() {
                // Not required today: listed, never masked.
            } else if index < BUILTIN_LEN && word < MASK_WORDS {
                #[allow(clippy::indexing_slicing)] // bounds checked just above
                {
                    required_mask[word] |= 1 << (index % 64);
                }
                if word < mask_range.0 {
                    mask_range.0 = word;
                }
                if word + 1 > mask_range.1 {
                    mask_range.1 = word + 1;
                }
            } else {
                beyond_mask = true;
            }
            rest = tail;
        }
        let mut groups = any_of;
        while let Some((group, tail)) = groups.split_first() {
            let mut members = *group;
            while let Some((permission, rest)) = members.split_first() {
                if permission.index() as usize >= BUILTIN_LEN {
                    beyond_mask = true;
                }
                members = rest;
            }
            groups = tail;
        }
        if mask_range.0 > mask_range.1 {
            mask_range = if beyond_mask || !every_key_removed(required, any_of) {
                (0, 0)
            } else {
                Self::NOTHING_LEFT
            };
        }
        GateInfo {
            name,
            description,
            document: None,
            extends: None,
            release: None,
            required,
            any_of,
            roadmap: &[],
            calls: &[],
            incomplete: None,
            required_mask,
            mask_range,
            beyond_mask,
        }
    }

    /// A gate declared from the Platform API operations it calls, and
    /// permissions besides: `required` and `any_of` must already hold what
    /// every call requires ([`compose`] joins them, at compile time in
    /// [`gate!`](crate::gate!)). A call that can never be allowed (its
    /// requirement [`Unverifiable`](Requirement::Unverifiable), or every
    /// permission it names removed from the Platform API) makes the gate
    /// refuse every principal, and its denial names the call.
    ///
    /// ```
    /// use permgate::{builtins, gate::{GateInfo, compose}, operation::Operation};
    ///
    /// // ALL of `routing:queue:view`.
    /// const CALLS: &[&Operation] = &[Operation::lookup("GET /api/v2/routing/queues/{queueId}").unwrap()];
    /// const N: usize = compose::required_len(&[], CALLS);
    /// const REQUIRED: [permgate::Permission<'static>; N] = compose::required(&[], CALLS).unwrap();
    /// static QUEUE: GateInfo = GateInfo::with_calls("Queue", "Read a queue.", &REQUIRED, &[], CALLS);
    /// assert_eq!(QUEUE.required[0].key(), "routing:queue:view");
    /// assert_eq!(QUEUE.calls[0].name, "getRoutingQueue");
    /// ```
    pub const fn with_calls(
        name: &'static str,
        description: &'static str,
        required: &'static [Permission<'static>],
        any_of: &'static [&'static [Permission<'static>]],
        calls: &'static [&'static Operation],
    ) -> Self {
        let mut gate = Self::new(name, description, required, any_of);
        gate.calls = calls;
        let mut rest = calls;
        while let Some((call, tail)) = rest.split_first() {
            if compose::never_allowed(call) {
                // Selects no words of any mask: the check refuses.
                gate.mask_range = Self::NOTHING_LEFT;
            }
            rest = tail;
        }
        gate
    }

    /// The required permissions (roadmap ones included) that the Platform
    /// API no longer documents: a role made today cannot hold them, so the
    /// gate cannot be passed on a current organization.
    ///
    /// ```
    /// let gate = permgate::builtins::gate("AltocloudAdmin").unwrap();
    /// let removed: Vec<&str> = gate.removed_from_platform().map(|p| p.key()).collect();
    /// assert!(removed.contains(&"widgets:deployment:view"));
    /// ```
    pub fn removed_from_platform(&self) -> impl Iterator<Item = Permission<'static>> + '_ {
        self.required_at(None).filter(|p| p.is_removed())
    }

    /// Whether the Platform API removed every permission the gate names
    /// (required, roadmap and any-of alike): the feature no longer exists,
    /// and [`Policy::check`](crate::Policy::check) refuses it for every principal rather than
    /// grant it for want of anything left to require. A gate that names no
    /// permission at all is not removed.
    ///
    /// ```
    /// use permgate::{Gate, gates::{PredictiveEngagementAgent, WebChatDeployment}};
    ///
    /// assert!(WebChatDeployment::INFO.feature_removed());
    /// assert!(!PredictiveEngagementAgent::INFO.feature_removed()); // one removed key of 13
    /// ```
    pub fn feature_removed(&self) -> bool {
        let mut keys = self.named().peekable();
        keys.peek().is_some() && keys.all(|p| p.is_removed())
    }

    /// Every permission the gate names: required, any-of members, roadmap.
    pub(crate) fn named(&self) -> impl Iterator<Item = Permission<'static>> + '_ {
        let any_of = self.any_of.iter().flat_map(|group| group.iter().copied());
        self.required
            .iter()
            .copied()
            .chain(any_of)
            .chain(self.roadmap.iter().map(|(permission, _)| *permission))
    }

    /// `Some(from)` when `release` is older than the release the gate's
    /// document applies from: a check there is refused.
    #[inline]
    pub(crate) fn applies_after(&self, release: Option<Release>) -> Option<Release> {
        match (release, self.release) {
            (Some(at), Some(from)) if at < from => Some(from),
            _ => None,
        }
    }

    /// The permissions the gate names that a catalog does not hold (`owns`
    /// answers whether it does): they index another catalog.
    pub(crate) fn foreign<'g>(
        &'g self,
        owns: impl Fn(Permission<'static>) -> bool + 'g,
    ) -> impl Iterator<Item = Permission<'static>> + 'g {
        self.beyond_mask
            .then(|| self.named().filter(move |&permission| !owns(permission)))
            .into_iter()
            .flatten()
    }

    /// Every permission required at `release` (`None`: every roadmap
    /// permission too), in catalog order.
    pub fn required_at(&self, release: Option<Release>) -> impl Iterator<Item = Permission<'static>> + '_ {
        let roadmap = self
            .roadmap
            .iter()
            .filter(move |(_, from)| release.is_none_or(|at| *from <= at));
        self.required
            .iter()
            .copied()
            .chain(roadmap.map(|(permission, _)| *permission))
    }
}

/// Whether `required` and `any_of` name a permission and the platform
/// removed every one (a `const` form of [`GateInfo::feature_removed`], for
/// a gate without roadmap permissions).
pub(crate) const fn every_key_removed(required: &[Permission<'_>], any_of: &[&[Permission<'_>]]) -> bool {
    let mut named = false;
    let mut rest = required;
    while let Some((permission, tail)) = rest.split_first() {
        if !permission.is_removed() {
            return false;
        }
        named = true;
        rest = tail;
    }
    let mut groups = any_of;
    while let Some((group, others)) = groups.split_first() {
        let mut rest = *group;
        while let Some((permission, tail)) = rest.split_first() {
            if !permission.is_removed() {
                return false;
            }
            named = true;
            rest = tail;
        }
        groups = others;
    }
    named
}

/// Which permissions of a gate a check requires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySet {
    /// What the feature needs on today's platform (the default): a
    /// permission the Platform API removed
    /// ([`Permission::removed_after`]) is not required, nor counted in an
    /// any-of group, and a gate all of whose permissions were removed is
    /// refused ([`GateInfo::feature_removed`]). A permission the API never
    /// listed (UI-only, or known only to a document) is not removed.
    #[default]
    Current,
    /// Every permission the gate's document lists, removed ones included.
    Documented,
}

/// How [`Policy::check_info`](crate::Policy::check_info) checks a gate: at
/// which release, against which [`KeySet`]. An `Option<Release>` converts
/// into one with the default key set, so `check_info(who, gate, Some(release))`
/// and `check_info(who, gate, None)` read as before.
///
/// ```
/// use permgate::{Catalog, gate::CheckOptions, Gate, Policy, gates::PredictiveEngagementAgent};
///
/// let catalog = Catalog::builtin();
/// let current: Vec<&str> = PredictiveEngagementAgent::INFO
///     .required
///     .iter()
///     .map(|p| p.key())
///     .filter(|key| *key != "journey:eventtype:view") // removed from the Platform API
///     .collect();
/// let policy = Policy::builder(catalog).role("agent", current)?.build();
/// let agent = policy.role("agent").unwrap();
/// assert!(policy.check::<PredictiveEngagementAgent>(agent).is_ok());
/// let documented = CheckOptions::at(None).documented();
/// let denied = policy.check_info(agent, PredictiveEngagementAgent::INFO, documented).unwrap_err();
/// assert_eq!(denied.missing()[0].key(), "journey:eventtype:view");
/// # Ok::<(), permgate::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CheckOptions {
    /// The release to check at; `None` requires every roadmap permission.
    pub release: Option<Release>,
    /// Which permissions are required.
    pub keys: KeySet,
}

impl CheckOptions {
    /// At `release` (`None`: every roadmap permission too), on today's platform.
    pub const fn at(release: Option<Release>) -> Self {
        Self {
            release,
            keys: KeySet::Current,
        }
    }

    /// Requiring the documented set, removed permissions included ([`KeySet::Documented`]).
    #[must_use]
    pub const fn documented(self) -> Self {
        Self {
            keys: KeySet::Documented,
            ..self
        }
    }
}

impl From<Option<Release>> for CheckOptions {
    fn from(release: Option<Release>) -> Self {
        Self::at(release)
    }
}

/// Proof that a principal satisfied gate `G` in a policy.
///
/// Only [`Policy::check`](crate::Policy::check) makes one: the fields are
/// private and there is no constructor, `Default` or deserialization. The
/// proof is `Copy`, `Send`, `Sync` and `'static`, so it can be held across
/// `.await` and outlive a hot reload; it records which policy made it
/// ([`is_from`](Self::is_from)), so a handler can tell a proof of an older
/// policy.
///
/// ```compile_fail
/// use permgate::{Granted, gates::AmiStandardUser};
/// // error: cannot construct `Granted` with private fields
/// let forged: Granted<AmiStandardUser> = Granted { policy: 0, principal: todo!(), gate: todo!() };
/// ```
///
/// ```compile_fail
/// use permgate::{Granted, gates::AmiStandardUser};
/// // error: `Granted` does not implement `Default`
/// let forged: Granted<AmiStandardUser> = Default::default();
/// ```
///
/// A proof of one gate is not a proof of another:
///
/// ```compile_fail
/// use permgate::{Catalog, Granted, Policy, gates::{ActionMapEditor, AmiAdminUser}};
/// let policy = Policy::builder(Catalog::builtin()).role("a", ["journey:actionmap:*"]).unwrap().build();
/// let editor: Granted<ActionMapEditor> = policy.check(policy.role("a").unwrap()).unwrap();
/// let admin: Granted<AmiAdminUser> = editor; // error: mismatched types
/// ```
pub struct Granted<G: Gate> {
    /// Of the policy that made the proof (its id is the principal's).
    principal: Principal,
    /// Bit `n`: the `n`-th member of the gate's any-of groups, counted
    /// across the groups in order, was held when checked.
    any_of_held: u64,
    gate: PhantomData<fn() -> G>,
}

impl<G: Gate> Granted<G> {
    /// `principal` passed the check, so it is of the policy that checked.
    pub(crate) fn new(principal: Principal, any_of_held: u64) -> Self {
        Self {
            principal,
            any_of_held,
            gate: PhantomData,
        }
    }

    /// The members of the gate's any-of groups that the principal held
    /// when checked, group by group in the gate's order: which of the
    /// scopes a gate accepts passed. A gate's first 64 members, counted
    /// across its groups, are recorded (builtin gates name a handful); a
    /// later one is never listed.
    ///
    /// The Skylight read gates take a tenant-wide (`_ALL`) or an own
    /// (`_SELF`) scope; a handler serving tenant-wide data asks which:
    ///
    /// ```
    /// use permgate::{Catalog, Policy, gates::SkylightNotesRead, perm};
    ///
    /// let policy = Policy::builder(Catalog::builtin())
    ///     .role("own notes", ["NOTES_READ_SELF"])?
    ///     .role("all notes", ["NOTES_READ_ALL"])?
    ///     .build();
    /// let own = policy.check::<SkylightNotesRead>(policy.role("own notes").unwrap()).unwrap();
    /// assert_eq!(own.any_of_held().collect::<Vec<_>>(), [perm::cxengage::NOTES_READ_SELF]);
    /// assert!(!own.held(perm::cxengage::NOTES_READ_ALL)); // only the caller's own notes
    /// let all = policy.check::<SkylightNotesRead>(policy.role("all notes").unwrap()).unwrap();
    /// assert!(all.held(perm::cxengage::NOTES_READ_ALL));
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    pub fn any_of_held(&self) -> impl Iterator<Item = Permission<'static>> + use<G> {
        let held = self.any_of_held;
        G::INFO
            .any_of
            .iter()
            .flat_map(|group| group.iter().copied())
            .zip(0u32..)
            .filter(move |&(_, bit)| held.checked_shr(bit).is_some_and(|word| word & 1 == 1))
            .map(|(permission, _)| permission)
    }

    /// Whether the check found `permission` held: one of the gate's
    /// [`required`](GateInfo::required) permissions, or a member of one of
    /// its any-of groups that the principal held
    /// ([`any_of_held`](Self::any_of_held)). `false` for anything else: the
    /// proof speaks of its gate only.
    pub fn held(&self, permission: Permission<'_>) -> bool {
        G::INFO.required.contains(&permission) || self.any_of_held().any(|held| held == permission)
    }

    /// The principal that satisfied the gate.
    pub fn principal(&self) -> Principal {
        self.principal
    }
}

impl<G: Gate> Clone for Granted<G> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<G: Gate> Copy for Granted<G> {}

impl<G: Gate> fmt::Debug for Granted<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Granted")
            .field("gate", &G::INFO.name)
            .field("principal", &self.principal)
            .finish()
    }
}

/// Why a principal does not satisfy a gate: every missing permission.
///
/// ```
/// use permgate::{Catalog, Policy, gates::ActionMapAnalyticsReport};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["journey:actionmap:view"])?.build();
/// let viewer = policy.role("viewer").unwrap();
/// let denied = policy.check::<ActionMapAnalyticsReport>(viewer).unwrap_err();
/// assert_eq!(denied.missing().len(), 1);
/// assert_eq!(denied.missing()[0].key(), "journey:report:view");
/// assert_eq!(
///     denied.to_string(),
///     "role `viewer` does not satisfy gate `ActionMapAnalyticsReport`: missing 1 permission\n  \
///      - journey:report:view (Journey > Report > View)"
/// );
/// # Ok::<(), permgate::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    gate: &'static str,
    who: Option<Box<Named>>,
    release: Option<Release>,
    /// Set when the release checked at is older than the gate's document
    /// applies to: the release the document applies from.
    applies_from: Option<Release>,
    missing: Vec<Permission<'static>>,
    unmet_any_of: Vec<&'static [Permission<'static>]>,
    /// The gate checked, for the permissions the Platform API removed.
    info: Checked,
    keys: KeySet,
    /// What few denials hold, boxed to keep `Denied` small (and a typed
    /// check's `Result` with it); `None` when empty.
    rare: Option<Box<Rare>>,
}

/// The parts of a [`Denied`] that few denials hold.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rare {
    /// Permissions the gate names from a catalog other than the policy's.
    foreign: Vec<Permission<'static>>,
    /// The whole-entity rows among those not held of whose entity the
    /// policy's catalog lists no action.
    unlisted: Vec<Permission<'static>>,
    /// [`GateInfo::incomplete`].
    incomplete: Option<&'static str>,
    /// The calls of the gate that the principal may not make.
    calls: Vec<FailingCall>,
}

/// A call of a gate declared from calls ([`GateInfo::calls`]) that the
/// principal may not make: the operation, and what it misses
/// ([`Denied::calls`]). Its `Display` names the call.
///
/// ```
/// use permgate::{Catalog, Policy, gate};
///
/// gate! {
///     /// Queues: list them, add members.
///     pub Queues {
///         description: "List queues and add members.",
///         calls: ["getRoutingQueues", "postRoutingQueueWrapupcodes"],
///     }
/// }
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
/// let denied = policy.check::<Queues>(policy.role("viewer").unwrap()).unwrap_err();
/// let [call] = denied.calls() else { panic!() };
/// assert_eq!(
///     call.to_string(),
///     "call `POST /api/v2/routing/queues/{queueId}/wrapupcodes` (postRoutingQueueWrapupcodes) \
///      needs routing:queue:edit (Routing > Queue > Edit)"
/// );
/// # Ok::<(), permgate::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FailingCall {
    operation: &'static Operation,
    missing: Vec<Permission<'static>>,
    unmet_any_of: Option<&'static [Permission<'static>]>,
    never: Option<NeverAllowed>,
}

/// Why a call can never be allowed, whatever the principal holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NeverAllowed {
    /// Its requirement is only entries permgate cannot check
    /// ([`Requirement::Unverifiable`]; the entries are
    /// [`Operation::unchecked`]).
    Unverifiable,
    /// The Platform API removed every permission it requires.
    Removed,
}

impl PartialEq for FailingCall {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.operation, other.operation)
            && self.missing == other.missing
            && self.unmet_any_of == other.unmet_any_of
            && self.never == other.never
    }
}

impl Eq for FailingCall {}

impl FailingCall {
    /// What `operation` misses of what the check required: the gate's
    /// `missing` permissions and `unmet` groups (at the release and key set
    /// checked), taken call by call; `None` when the call is not short.
    fn of(
        operation: &'static Operation,
        current: bool,
        missing: &[Permission<'static>],
        unmet: &[&'static [Permission<'static>]],
    ) -> Option<FailingCall> {
        let never = match operation.requirement {
            Requirement::Unverifiable => Some(NeverAllowed::Unverifiable),
            Requirement::All(list) | Requirement::Any(list) if current && every_key_removed(list, &[]) => {
                Some(NeverAllowed::Removed)
            }
            _ => None,
        };
        let same = |a: &[Permission<'static>], b: &[Permission<'static>]| {
            a.len() == b.len() && a.iter().all(|p| b.contains(p))
        };
        let (missing, unmet_any_of) = match operation.requirement {
            Requirement::All(list) => (list.iter().copied().filter(|p| missing.contains(p)).collect(), None),
            Requirement::Any(group) => (
                Vec::new(),
                // Kept as a group, or (one member) joined into the required set.
                Some(group).filter(|group| {
                    unmet.iter().any(|other| same(other, group))
                        || (!group.is_empty() && group.iter().all(|p| missing.contains(p)))
                }),
            ),
            _ => (Vec::new(), None),
        };
        (never.is_some() || !missing.is_empty() || unmet_any_of.is_some()).then_some(FailingCall {
            operation,
            missing,
            unmet_any_of,
            never,
        })
    }

    /// The operation: its method, path template and name.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The permissions of its `ALL` requirement that the principal lacks.
    pub fn missing(&self) -> &[Permission<'static>] {
        &self.missing
    }

    /// Its `ANY` requirement, when the principal holds no member of it.
    pub fn unmet_any_of(&self) -> Option<&'static [Permission<'static>]> {
        self.unmet_any_of
    }

    /// Why the call can never be allowed, when it cannot.
    pub fn never_allowed(&self) -> Option<NeverAllowed> {
        self.never
    }
}

impl fmt::Display for FailingCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.operation;
        write!(f, "call `{} {}` ({})", op.method, Escaped(op.path), Escaped(op.name))?;
        match self.never {
            Some(NeverAllowed::Unverifiable) => {
                write!(f, " can never be allowed: it requires ")?;
                for (n, entry) in op.unchecked.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{}`", Escaped(entry))?;
                }
                return f.write_str(", which permgate cannot check");
            }
            Some(NeverAllowed::Removed) => {
                return f.write_str(" can never be allowed: the Platform API removed every permission it requires");
            }
            None => {}
        }
        f.write_str(" needs ")?;
        for (n, &permission) in self.missing.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write_permission(f, permission, &[])?;
        }
        if let Some(group) = self.unmet_any_of {
            if !self.missing.is_empty() {
                f.write_str(", and ")?;
            }
            f.write_str("one of: ")?;
            for (n, &permission) in group.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                write_permission(f, permission, &[])?;
            }
        }
        Ok(())
    }
}

/// The gate a [`Denied`] is for: one gate is one static, so equal by address.
#[derive(Clone, Copy)]
struct Checked(&'static GateInfo);

impl PartialEq for Checked {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.0, other.0)
    }
}

impl Eq for Checked {}

impl fmt::Debug for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Denied {
    /// The denial of `gate` for `who` (`None`: not in the policy), checked
    /// with `options`: `holds` tells whether the principal holds a
    /// permission, `owns` whether the policy's catalog holds it, `unlisted`
    /// whether that catalog lists no action of a whole-entity row. Off the
    /// hot path.
    #[cold]
    pub(crate) fn new(
        gate: &'static GateInfo,
        who: Option<Named>,
        options: CheckOptions,
        holds: impl Fn(Permission<'static>) -> bool,
        owns: impl Fn(Permission<'static>) -> bool,
        unlisted: impl Fn(Permission<'static>) -> bool,
    ) -> Denied {
        let release = options.release;
        let holds = |permission: &Permission<'static>| holds(*permission);
        let applies_from = gate.applies_after(release);
        let foreign: Vec<Permission<'static>> = gate.foreign(owns).collect();
        let known = applies_from.is_none() && foreign.is_empty();
        let current = options.keys == KeySet::Current;
        let counts = |permission: &Permission<'static>| !current || !permission.is_removed();
        let missing: Vec<_> = (gate.required_at(release))
            .filter(|p| known && counts(p) && !holds(p))
            .collect();
        let unmet_any_of: Vec<_> = (gate.any_of.iter().copied())
            .filter(|group| known && !group.iter().filter(|p| counts(p)).any(holds))
            .collect();
        let unlisted: Vec<_> = (missing.iter().chain(unmet_any_of.iter().copied().flatten()).copied())
            .filter(|&permission| unlisted(permission))
            .collect();
        let incomplete = gate.incomplete;
        let calls: Vec<FailingCall> = (gate.calls.iter())
            .filter(|_| known)
            .filter_map(|&call| FailingCall::of(call, current, &missing, &unmet_any_of))
            .collect();
        let rare =
            (!foreign.is_empty() || !unlisted.is_empty() || incomplete.is_some() || !calls.is_empty()).then(|| {
                Box::new(Rare {
                    foreign,
                    unlisted,
                    incomplete,
                    calls,
                })
            });
        let denied = Denied {
            gate: gate.name,
            who: who.map(Box::new),
            release,
            applies_from,
            missing,
            unmet_any_of,
            info: Checked(gate),
            keys: options.keys,
            rare,
        };
        // Names and keys only: never a token, never the principal's whole authorization.
        #[cfg(feature = "tracing")]
        tracing::debug!(
            gate = gate.name,
            principal = %denied.who.as_deref().map(ToString::to_string).unwrap_or_default(),
            missing = ?denied.missing.iter().map(|p| p.key()).collect::<Vec<_>>(),
            unmet_any_of = denied.unmet_any_of.len(),
            "permgate: gate denied"
        );
        denied
    }

    /// The gate's name.
    pub fn gate(&self) -> &'static str {
        self.gate
    }

    /// The name of the role or user; `None` when the principal is not in
    /// the policy.
    pub fn principal(&self) -> Option<&str> {
        self.who.as_ref().map(|who| who.name.as_str())
    }

    /// The division the user was checked in, when one of the user's grants
    /// names it (a division none names is answered as every division).
    pub fn division(&self) -> Option<&str> {
        match &self.who.as_deref()?.scope {
            Scope::In(division) => Some(division),
            _ => None,
        }
    }

    /// The release the gate was checked at, if any.
    pub fn release(&self) -> Option<Release> {
        self.release
    }

    /// When the gate was checked at a release older than the one its
    /// document applies from (the AMI matrix "is applicable for AMI R3.15.x
    /// and above"), that release: the gate's requirements there are not
    /// known, so the check is refused and nothing is listed as missing.
    pub fn applies_from(&self) -> Option<Release> {
        self.applies_from
    }

    /// The permissions the gate names from an organization's catalog that is
    /// not the policy's ([`Policy::catalog`](crate::Policy::catalog)): a gate built at run time from
    /// one catalog's permissions is refused by a policy of another, whose
    /// indexes mean other permissions, and nothing is listed as missing.
    /// Build the gate from the policy's catalog.
    pub fn foreign(&self) -> &[Permission<'static>] {
        self.rare.as_ref().map_or(&[], |rare| &rare.foreign)
    }

    /// Every required permission the principal lacks, in the gate's order
    /// (catalog order for the builtin gates).
    pub fn missing(&self) -> &[Permission<'static>] {
        &self.missing
    }

    /// Groups of which the role holds none. Checked against today's
    /// platform ([`KeySet::Current`]), a member the Platform API removed does
    /// not count, so a group whose every member was removed cannot be met.
    pub fn unmet_any_of(&self) -> &[&'static [Permission<'static>]] {
        &self.unmet_any_of
    }

    /// The permissions the gate requires that the Platform API removed: the
    /// check did not require them ([`KeySet::Current`], the default), and the
    /// denial names them. Empty for a check of the documented set
    /// ([`KeySet::Documented`]), which requires them and lists those lacking
    /// in [`missing`](Self::missing).
    pub fn removed_from_platform(&self) -> impl Iterator<Item = Permission<'static>> + '_ {
        let current = self.keys == KeySet::Current && self.applies_from.is_none();
        self.info.0.removed_from_platform().filter(move |_| current)
    }

    /// Whether the gate was refused because the Platform API removed every
    /// permission it names ([`GateInfo::feature_removed`]): the feature no
    /// longer exists, whatever the principal holds.
    pub fn feature_removed(&self) -> bool {
        self.keys == KeySet::Current && self.applies_from.is_none() && self.info.0.feature_removed()
    }

    /// The rows standing for a whole entity (`attributes:attribute:*`,
    /// `integration:amiPremiumApps:*`) among the missing permissions and
    /// unmet groups whose entity the policy's catalog lists no action of:
    /// only the wildcard gives them there. The builtin catalog lists none for
    /// these two; with the organization's catalog
    /// ([`Catalog::extension`](crate::Catalog::extension); `genesys::org_catalog`,
    /// `--catalog` in the CLI) every listed action held gives the row, as an
    /// expanded role holds it.
    pub fn unlisted_entities(&self) -> &[Permission<'static>] {
        self.rare.as_ref().map_or(&[], |rare| &rare.unlisted)
    }

    /// The calls of a gate declared from calls ([`GateInfo::calls`]) that
    /// the principal may not make, in the gate's order, each with what it
    /// misses: a denial explains itself by the call that fails. Empty for a
    /// gate of permissions only, and when nothing is listed as missing (a
    /// release too old, another catalog's gate).
    pub fn calls(&self) -> &[FailingCall] {
        self.rare.as_ref().map_or(&[], |rare| &rare.calls)
    }

    /// Why the gate's set may not be enough even once held
    /// ([`GateInfo::incomplete`]).
    pub fn incomplete(&self) -> Option<&'static str> {
        self.rare.as_ref().and_then(|rare| rare.incomplete)
    }
}

/// Writes `permission`, its label, and what a row standing for a whole
/// entity needs (`unlisted`: the policy's catalog lists none of its actions).
fn write_permission(
    f: &mut fmt::Formatter<'_>,
    permission: Permission<'_>,
    unlisted: &[Permission<'_>],
) -> fmt::Result {
    match permission.label() {
        Some(label) => write!(f, "{permission} ({})", Escaped(label))?,
        None => write!(f, "{permission}")?,
    }
    if let Some(last) = permission.removed_after() {
        write!(f, " [removed from the Platform API after SDK {}]", last)?;
    }
    // A row that stands for a whole entity: say both ways to hold it.
    if permission.is_wildcard() {
        let entity = Escaped(permission.key().trim_end_matches(":*"));
        if unlisted.contains(&permission) {
            write!(
                f,
                ": only the wildcard gives it, since the loaded catalogs list no action of `{entity}` \
                 (the builtin catalog lists none: load the organization's catalog, \
                 `Catalog::with_org_catalog` or `--catalog`, for every listed action held to give it)"
            )?;
        } else {
            write!(
                f,
                ": the wildcard, or every action of `{entity}` that the loaded catalogs list"
            )?;
        }
    }
    Ok(())
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.who {
            Some(who) => write!(f, "{who} does not satisfy gate `{}`", self.gate)?,
            None => {
                return write!(
                    f,
                    "unknown principal: not in this policy, so gate `{}` is denied",
                    self.gate
                );
            }
        }
        if let Some(release) = self.release {
            write!(f, " at release {release}")?;
        }
        if let Some(from) = self.applies_from {
            return write!(f, ": the gate's document applies from release {from} only");
        }
        if !self.foreign().is_empty() {
            f.write_str(
                ": refused, the gate names permissions of another catalog than the policy's \
                 (build the gate from the catalog the policy was built with):",
            )?;
            for &permission in self.foreign() {
                f.write_str("\n  - ")?;
                write_permission(f, permission, &[])?;
            }
            return Ok(());
        }
        let feature_removed = self.feature_removed();
        if feature_removed {
            f.write_str(": the feature no longer exists: the Platform API removed every permission the gate names")?;
            for permission in self.removed_from_platform() {
                f.write_str("\n  - ")?;
                write_permission(f, permission, &[])?;
            }
        }
        let count = self.missing.len();
        if count > 0 {
            write!(f, ": missing {count} permission{}", if count == 1 { "" } else { "s" })?;
            for &permission in &self.missing {
                f.write_str("\n  - ")?;
                write_permission(f, permission, self.unlisted_entities())?;
            }
        }
        for group in &self.unmet_any_of {
            f.write_str(if count > 0 || feature_removed {
                "\n  - one of: "
            } else {
                ": needs one of: "
            })?;
            for (n, &permission) in group.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                write_permission(f, permission, self.unlisted_entities())?;
            }
            if group.iter().all(|p| p.is_removed()) && self.keys == KeySet::Current {
                f.write_str(": the Platform API removed every one, so the group cannot be met")?;
            }
        }
        if !feature_removed {
            for permission in self.removed_from_platform() {
                f.write_str("\n  - not required: ")?;
                write_permission(f, permission, &[])?;
            }
        }
        if !self.calls().is_empty() {
            f.write_str("\n  by call:")?;
            for call in self.calls() {
                write!(f, "\n  - {call}")?;
            }
        }
        if let Some(why) = self.incomplete() {
            write!(f, "\n  the gate is incomplete: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Denied {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalog, Policy, perm};

    /// An any-of group of its own, to pin the semantics apart from the catalogs.
    static EITHER: GateInfo = GateInfo::new(
        "Either",
        "queue view, and join or search",
        &[perm::routing::QUEUE_VIEW],
        &[&[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
    );

    fn either_gate() -> &'static GateInfo {
        &EITHER
    }

    /// The generator writes each builtin gate's mask; `GateInfo::new` computes
    /// one for a declared gate. Both hold the required keys the platform
    /// still documents, and nothing else.
    #[test]
    fn generated_masks_hold_the_current_keys_as_gate_new_computes_them() {
        for gate in crate::builtins::gates() {
            let computed = GateInfo::new(gate.name, gate.description, gate.required, gate.any_of);
            assert_eq!(computed.required_mask, gate.required_mask, "{}", gate.name);
            assert_eq!(computed.mask_range, gate.mask_range, "{}", gate.name);
            for permission in gate.required {
                let index = usize::from(permission.index());
                let masked = gate
                    .required_mask
                    .get(index / 64)
                    .is_some_and(|w| w & (1 << (index % 64)) != 0);
                assert_eq!(
                    masked,
                    permission.removed_after().is_none(),
                    "{} {permission}",
                    gate.name
                );
            }
        }
    }

    #[test]
    fn any_of_groups_need_one_member_each() {
        let gate = either_gate();
        let policy = Policy::builder(Catalog::builtin())
            .role("join", ["routing:queue:view", "routing:queue:join"])
            .unwrap()
            .role("search", ["routing:queue:view", "routing:queue:search"])
            .unwrap()
            .role("neither", ["routing:queue:view", "routing:queue:edit"])
            .unwrap()
            .build();
        assert!(policy.check_info(policy.role("join").unwrap(), gate, None).is_ok());
        assert!(policy.check_info(policy.role("search").unwrap(), gate, None).is_ok());
        let denied = policy
            .check_info(policy.role("neither").unwrap(), gate, None)
            .unwrap_err();
        assert!(denied.missing().is_empty());
        assert_eq!(denied.unmet_any_of(), [gate.any_of[0]]);
        assert_eq!(
            denied.to_string(),
            "role `neither` does not satisfy gate `Either`: needs one of: \
             routing:queue:join (Routing > Queue > Join), routing:queue:search (Routing > Queue > Search)"
        );
    }
}
