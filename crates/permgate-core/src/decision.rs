//! [`Decision`]: the full answer to a question about a principal.

use crate::condition::Condition;

/// The full answer of [`Policy::decide`](crate::Policy::decide).
///
/// With the `serde` feature, a decision serializes as `{"decision":
/// "allowed"}`, `{"decision": "denied"}` or `{"decision": "allowed_if",
/// "conditions": [...]}`, each condition a `resourceConditionNode`:
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use permgate::{Catalog, Policy, perm};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
/// let viewer = policy.role("viewer").unwrap();
/// let decision = policy.decide(viewer, perm::routing::QUEUE_VIEW);
/// assert_eq!(serde_json::to_string(&decision)?, r#"{"decision":"allowed"}"#);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'p> {
    /// Allowed unconditionally.
    Allowed,
    /// Allowed only where one of these conditions holds for the resource
    /// (each comes from a conditional grant, each listed once, in grant
    /// order); the caller evaluates them.
    AllowedIf(Vec<&'p Condition>),
    /// Not allowed.
    Denied,
}

impl<'p> Decision<'p> {
    /// `AllowedIf` the conditions, each once; `Denied` when there is none.
    pub(crate) fn from_conditions(conditions: impl Iterator<Item = &'p Condition>) -> Self {
        let mut seen = std::collections::HashSet::new();
        let conditions: Vec<&Condition> = conditions.filter(|condition| seen.insert(*condition)).collect();
        if conditions.is_empty() {
            Decision::Denied
        } else {
            Decision::AllowedIf(conditions)
        }
    }

    /// Whether the decision is [`Decision::Allowed`].
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }
}
