//! The policy a request is decided against: [`Snapshot`].

use std::ops::Deref;
use std::sync::Arc;

use crate::question::Question;
use crate::{Catalog, CompiledUser, Denied, Gate, Granted, Policy, Principal};

/// The policy one request is decided against, held for the whole request
/// (across `.await`): a snapshot of a [`PolicyHandle`](crate::PolicyHandle)
/// shared by every caller, or the caller's own [`CompiledUser`] (whose
/// policy holds that one user). It derefs to [`Policy`]: ask it anything
/// about [`Caller::principal`](super::Caller::principal), and a
/// [`Granted`] proof it makes is from it
/// (`granted.is_from(&caller.policy)`).
///
/// [`allows`](Self::allows), [`check`](Self::check) and
/// [`catalog`](Self::catalog) answer for a compiled user from what it
/// holds (its rows: [`CompiledUser::at`]); every other question goes to
/// [`CompiledUser::policy`], built on the first one.
///
/// Cheap to clone (an `Arc` either way).
///
/// ```
/// use std::sync::Arc;
///
/// use permgate::axum::Snapshot;
/// use permgate::{Catalog, Division, Policy, RoleDefinition, UserDefinition, perm};
///
/// let policy = Arc::new(Policy::builder(Catalog::builtin()).build());
/// let shared = Snapshot::from(Arc::clone(&policy));
/// assert!(shared.compiled_user().is_none());
///
/// let viewer = RoleDefinition::new("viewer").grant(["routing:queue:view"]);
/// let user = policy.compile_user(&UserDefinition::new("u-1").role(viewer, Division::All))?;
/// let own = Snapshot::from(user.clone());
/// assert!(own.allows(user.id(), perm::routing::QUEUE_VIEW)); // the user's row
/// assert_eq!(own.name(user.id()), Some("u-1")); // a `Policy` method
/// assert!(own.compiled_user().is_some());
/// # Ok::<(), permgate::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Snapshot(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Shared(Arc<Policy>),
    User(CompiledUser),
}

impl Snapshot {
    /// The shared policy, when the snapshot is one.
    pub fn shared(&self) -> Option<&Arc<Policy>> {
        match &self.0 {
            Repr::Shared(policy) => Some(policy),
            Repr::User(_) => None,
        }
    }

    /// The caller's compiled user, when the snapshot is one.
    pub fn compiled_user(&self) -> Option<&CompiledUser> {
        match &self.0 {
            Repr::Shared(_) => None,
            Repr::User(user) => Some(user),
        }
    }

    /// [`Policy::catalog`]: for the compiled user, that of the policy it
    /// was compiled against, without building its policy.
    pub fn catalog(&self) -> &Catalog {
        match &self.0 {
            Repr::Shared(policy) => policy.catalog(),
            Repr::User(user) => user.catalog(),
        }
    }

    /// [`Policy::allows`]: for the compiled user, from its row where `who`
    /// asks, without building its policy.
    ///
    /// # Errors
    ///
    /// As [`Policy::allows`], for a string.
    #[inline]
    pub fn allows<Q: Question>(&self, who: impl Into<Principal>, question: Q) -> Q::Answer<bool> {
        let who = who.into();
        match &self.0 {
            Repr::Shared(policy) => policy.allows(who, question),
            Repr::User(user) => match user.at(who) {
                Some(user) => user.allows(question),
                None => user.policy().allows(who, question),
            },
        }
    }

    /// [`Policy::check`]: for the compiled user, from its row where `who`
    /// asks, without building its policy.
    ///
    /// # Errors
    ///
    /// As [`Policy::check`].
    #[inline]
    pub fn check<G: Gate>(&self, who: impl Into<Principal>) -> Result<Granted<G>, Denied> {
        let who = who.into();
        match &self.0 {
            Repr::Shared(policy) => policy.check::<G>(who),
            Repr::User(user) => match user.at(who) {
                Some(user) => user.check::<G>(),
                None => user.policy().check::<G>(who),
            },
        }
    }
}

impl Deref for Snapshot {
    type Target = Policy;

    #[inline]
    fn deref(&self) -> &Policy {
        match &self.0 {
            Repr::Shared(policy) => policy,
            Repr::User(user) => user.policy(),
        }
    }
}

impl AsRef<Policy> for Snapshot {
    fn as_ref(&self) -> &Policy {
        self
    }
}

impl From<Arc<Policy>> for Snapshot {
    fn from(policy: Arc<Policy>) -> Self {
        Self(Repr::Shared(policy))
    }
}

impl From<CompiledUser> for Snapshot {
    fn from(user: CompiledUser) -> Self {
        Self(Repr::User(user))
    }
}
