//! [`PolicyHandle`]: swap in a new policy while handlers keep deciding.

use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use crate::Policy;

/// A shared, hot-reloadable [`Policy`].
///
/// Readers take a snapshot with [`load`](Self::load) and decide against it:
/// every answer from one snapshot comes from one policy, never a mix. A
/// reload builds and validates the new policy first, off to the side; only
/// then is it swapped in, atomically. Readers never wait for a writer (the
/// swap is lock-free, `arc-swap`), and a failed reload leaves the old policy
/// in place and returns the error.
///
/// ```
/// use permgate::{BuildError, Catalog, Policy, PolicyHandle, perm};
///
/// let build = |grants: &[&str]| Policy::builder(Catalog::builtin()).role("agent", grants).map(|b| b.build());
/// let handle = PolicyHandle::new(build(&["routing:queue:view"])?);
///
/// let snapshot = handle.load();
/// let agent = snapshot.role("agent").unwrap();
/// assert!(!snapshot.allows(agent, perm::routing::QUEUE_JOIN));
///
/// handle.reload(|_current| build(&["routing:queue:*"]))?;
/// let fresh = handle.load();
/// assert!(fresh.allows(fresh.role("agent").unwrap(), perm::routing::QUEUE_JOIN));
///
/// // A reload that fails validation keeps the old policy.
/// assert!(handle.reload(|_| build(&["*:*:*"])).is_err());
/// let kept = handle.load();
/// assert!(kept.allows(kept.role("agent").unwrap(), perm::routing::QUEUE_JOIN));
/// # Ok::<(), BuildError>(())
/// ```
#[derive(Debug)]
pub struct PolicyHandle {
    current: ArcSwap<Policy>,
}

impl PolicyHandle {
    /// A handle serving `policy`.
    pub fn new(policy: Policy) -> Self {
        Self {
            current: ArcSwap::from_pointee(policy),
        }
    }

    /// A snapshot of the current policy: an owned `Arc`, cheap to take, that
    /// can be held across `.await`. Hold it for one request, not for the life
    /// of the program (it keeps an old policy alive).
    pub fn load(&self) -> Arc<Policy> {
        self.current.load_full()
    }

    /// Replaces the policy with `policy`.
    pub fn store(&self, policy: Policy) {
        self.current.store(Arc::new(policy));
    }

    /// Builds a new policy from the current one with `build`; on success
    /// swaps it in and returns it, on error keeps the current policy and
    /// returns the error.
    ///
    /// The swap is a compare-and-swap: if another reload or
    /// [`store`](Self::store) replaced the policy while `build` ran, the
    /// result (computed from a policy that is no longer current) is thrown
    /// away and `build` runs again on the newer policy. A reload therefore
    /// never undoes a concurrent change, such as a revoked permission; `build`
    /// may run more than once.
    ///
    /// With the `tracing` feature, a stored policy is an `info` event (its
    /// roles and users counted) and a refusal a `warn` event with the reason.
    ///
    /// # Errors
    ///
    /// Whatever `build` returns.
    pub fn reload<E: core::fmt::Display>(
        &self,
        mut build: impl FnMut(&Policy) -> Result<Policy, E>,
    ) -> Result<Arc<Policy>, E> {
        let mut current = self.current.load_full();
        loop {
            let next = match build(&current) {
                Ok(next) => Arc::new(next),
                Err(error) => {
                    #[cfg(feature = "tracing")]
                    tracing::warn!(reason = %error, "permgate: policy reload refused, the current policy stays");
                    return Err(error);
                }
            };
            let previous = self.current.compare_and_swap(&current, Arc::clone(&next));
            if Arc::ptr_eq(&previous, &current) {
                #[cfg(feature = "tracing")]
                tracing::info!(
                    roles = next.roles().len(),
                    users = next.users().len(),
                    "permgate: policy reloaded"
                );
                return Ok(next);
            }
            current = Guard::into_inner(previous);
        }
    }
}
