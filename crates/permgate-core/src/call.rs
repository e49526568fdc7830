//! "May this principal make this call?": a method and a concrete path
//! matched to its Platform API [`Operation`], then answered like a gate
//! ([`Policy::may_call`]).
//!
//! Paths are matched by the `matchit` router, built once (on first use)
//! from the table of operations, the method a segment of its own: two
//! methods on one path are two operations. A literal segment wins over a
//! parameter, as on the platform: `GET /api/v2/users/me` is `getUsersMe`,
//! not `getUser` with `userId = "me"`. A path no operation matches is a
//! [`CallError`], not a denial.
//!
//! ```
//! use permgate::{Catalog, Policy, call::CallDecision, operation::Method};
//!
//! let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
//! let viewer = policy.role("viewer").unwrap();
//! let get = policy.may_call(viewer, Method::Get, "/api/v2/routing/queues/3f1a/members")?;
//! assert_eq!(get.operation().name, "getRoutingQueueMembers");
//! let post = policy.may_call(viewer, Method::Post, "/api/v2/routing/queues/3f1a/members")?;
//! let CallDecision::Denied(denied) = post.decision() else { panic!() };
//! assert_eq!(denied.missing().next().map(|p| p.key()), Some("routing:queue:edit"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::LazyLock;

use crate::builtins;
use crate::condition::Condition;
use crate::decision::Decision;
use crate::gate::{CheckOptions, Denied};
use crate::operation::{Method, Operation, Requirement};
use crate::permission::Permission;
use crate::policy::Policy;
use crate::principal::Principal;
use crate::text::Escaped;

/// Why a call could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// No operation has this method and a path template the path matches.
    #[error("no Platform API operation matches `{method} {}`", Escaped(.path))]
    NoOperation {
        /// The method asked.
        method: Method,
        /// The path asked.
        path: String,
    },
    /// The path holds a byte no request path can: a space, a control
    /// character, or anything past ASCII (a request percent-encodes them).
    #[error("`{method} {}`: byte {at} of the path is not visible ASCII", Escaped(.path))]
    InvalidPath {
        /// The method asked.
        method: Method,
        /// The path asked.
        path: String,
        /// Where the first such byte is.
        at: usize,
    },
    /// The router could not be built from the table (a template the
    /// router refuses): every call is refused.
    #[error("the operation router could not be built: {0}")]
    Router(String),
}

/// One router per method (in [`Method`]'s order), each parameter renamed by
/// its position (`{p0}`, `{p1}`, …) so that templates naming one position
/// differently (`{queueId}`, `{id}`) share the node; the value is the
/// operation's index in [`builtins::operations`].
static ROUTERS: LazyLock<Result<Vec<matchit::Router<usize>>, String>> = LazyLock::new(|| {
    let mut routers: Vec<matchit::Router<usize>> = Method::ALL.iter().map(|_| matchit::Router::new()).collect();
    for (index, op) in builtins::operations().enumerate() {
        let router = routers
            .get_mut(op.method as usize)
            .ok_or_else(|| format!("{} {}: no router for the method", op.method, op.path))?;
        router
            .insert(route(op.path), index)
            .map_err(|e| format!("{} {}: {e}", op.method, op.path))?;
    }
    Ok(routers)
});

/// `/api/v2/users/{p3}` for `/api/v2/users/{userId}`.
fn route(template: &str) -> String {
    let mut out = String::new();
    for (position, segment) in template.split('/').skip(1).enumerate() {
        out.push('/');
        if segment.starts_with('{') {
            out.push_str(&format!("{{p{position}}}"));
        } else {
            out.push_str(segment);
        }
    }
    out
}

/// The operation that `method` and the concrete `path` call (no query
/// string; `/api/v2/...`).
///
/// # Errors
///
/// [`CallError::NoOperation`] when none matches, [`CallError::InvalidPath`]
/// for a path with a space, a control character or a byte past ASCII.
pub fn find(method: Method, path: &str) -> Result<&'static Operation, CallError> {
    if let Some(at) = path.bytes().position(|b| !b.is_ascii_graphic()) {
        return Err(CallError::InvalidPath {
            method,
            path: path.to_owned(),
            at,
        });
    }
    let routers = ROUTERS.as_ref().map_err(|e| CallError::Router(e.clone()))?;
    let no_operation = || CallError::NoOperation {
        method,
        path: path.to_owned(),
    };
    let router = routers.get(method as usize).ok_or_else(no_operation)?;
    let matched = router.at(path).map_err(|_| no_operation())?;
    builtins::operations().nth(*matched.value).ok_or_else(no_operation)
}

/// The answer to a call: its operation and the decision.
#[derive(Debug)]
pub struct CallAnswer<'p> {
    operation: &'static Operation,
    decision: CallDecision<'p>,
}

impl<'p> CallAnswer<'p> {
    /// The operation the call matched.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The decision.
    pub fn decision(&self) -> &CallDecision<'p> {
        &self.decision
    }

    /// Whether the call is allowed unconditionally.
    pub fn is_allowed(&self) -> bool {
        matches!(self.decision, CallDecision::Allowed)
    }
}

/// Allowed, allowed where conditions hold, or denied with what is missing.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallDecision<'p> {
    /// Allowed unconditionally.
    Allowed,
    /// Allowed only where one of these conditions holds for the resource
    /// (conditional grants of role JSON); the caller evaluates them. Given
    /// for an `ANY` requirement (the conditions of every member granted
    /// under conditions), and for an `ALL` requirement all of whose
    /// permissions but one are held unconditionally. Otherwise, `Denied`:
    /// the conjunction of two conditional grants is not one list of
    /// alternatives.
    AllowedIf(Vec<&'p Condition>),
    /// Denied.
    Denied(CallDenied),
}

/// A denied call: what is missing, as a gate's [`Denied`] when the
/// operation names permissions.
#[derive(Debug)]
pub struct CallDenied {
    operation: &'static Operation,
    denied: Option<Box<Denied>>,
}

impl CallDenied {
    /// The operation.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The gate denial (the operation's requirement as a gate, named after
    /// the operation): render it as the Platform API's 403 body with
    /// `permgate::genesys::forbidden_body`. `None` for an operation that is
    /// [`Requirement::Unverifiable`] or a principal the policy does not know.
    pub fn gate_denial(&self) -> Option<&Denied> {
        self.denied.as_deref()
    }

    /// The missing permissions of an `ALL` requirement
    /// (`missing.permissions`), or of an `ANY` one (`missing.any.permissions`:
    /// any one of them would do).
    pub fn missing(&self) -> impl Iterator<Item = Permission<'static>> + '_ {
        let denied = self.denied.as_deref();
        let all = denied.map_or(&[][..], |d| d.missing());
        let any = denied.map_or(&[][..], |d| d.unmet_any_of());
        all.iter()
            .copied()
            .chain(any.iter().flat_map(|group| group.iter().copied()))
    }

    /// The requirement entries permgate cannot check, as the docs print
    /// them ([`Operation::unchecked`]).
    pub fn unchecked(&self) -> &'static [&'static str] {
        self.operation.unchecked
    }
}

impl Policy {
    /// May `who` (a role, a user, a user in a division, a compiled user's
    /// principal) call `method` on the concrete `path`? The operation is
    /// matched ([`find`]) and its requirement checked as a gate
    /// ([`check_info`](Self::check_info) with the permissions the platform
    /// documents today).
    ///
    /// An operation that requires no permission is allowed to any principal
    /// the policy knows. An unverifiable one is denied.
    ///
    /// # Errors
    ///
    /// As [`find`]: [`CallError::NoOperation`] when no operation matches
    /// (not a denial), [`CallError::InvalidPath`] for a path no request has.
    pub fn may_call(&self, who: impl Into<Principal>, method: Method, path: &str) -> Result<CallAnswer<'_>, CallError> {
        let operation = find(method, path)?;
        let decision = self.decide_operation(who.into(), operation);
        Ok(CallAnswer { operation, decision })
    }

    /// The decision for `operation`, matched already.
    pub fn decide_operation(&self, who: Principal, operation: &'static Operation) -> CallDecision<'_> {
        let denied = |denied: Option<Denied>| {
            CallDecision::Denied(CallDenied {
                operation,
                denied: denied.map(Box::new),
            })
        };
        let gate = match operation.requirement {
            Requirement::Nothing if self.name(who).is_some() => return CallDecision::Allowed,
            Requirement::All(_) | Requirement::Any(_) => operation.gate(),
            _ => None,
        };
        let Some(gate) = gate else {
            return denied(None);
        };
        let Err(refusal) = self.check_info(who, gate, CheckOptions::default()) else {
            return CallDecision::Allowed;
        };
        let decide = |p: &Permission<'static>| self.decide(who, *p);
        let conditions: Vec<&Condition> = match operation.requirement {
            Requirement::Any(group) => group
                .iter()
                .filter(|p| !p.is_removed())
                .filter_map(|p| match decide(p) {
                    Decision::AllowedIf(c) => Some(c),
                    _ => None,
                })
                .flatten()
                .collect(),
            _ => {
                let mut conditional = None;
                let mut count = 0;
                for p in operation.requirement.permissions().iter().filter(|p| !p.is_removed()) {
                    match decide(p) {
                        Decision::Allowed => {}
                        Decision::AllowedIf(c) => {
                            count += 1;
                            conditional = Some(c);
                        }
                        Decision::Denied => return denied(Some(refusal)),
                    }
                }
                match (count, conditional) {
                    (1, Some(c)) => c,
                    _ => Vec::new(),
                }
            }
        };
        let mut unique: Vec<&Condition> = Vec::new();
        for condition in conditions {
            if !unique.contains(&condition) {
                unique.push(condition);
            }
        }
        if unique.is_empty() {
            denied(Some(refusal))
        } else {
            CallDecision::AllowedIf(unique)
        }
    }
}
