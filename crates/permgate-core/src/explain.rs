//! Why a principal may do something: [`Explanation`], and in which divisions
//! ([`Permitted`]).

use core::fmt;

use crate::condition::Condition;
use crate::principal::Division;
use crate::{Decision, Permission, text::Escaped};

/// The answer of [`Policy::explain`](crate::Policy::explain): the decision, and every grant in reach
/// that gives the permission.
///
/// With the `serde` feature, an explanation serializes as `{"permission",
/// "decision", "reasons", "elsewhere"}`, its decision's fields beside the
/// others (as a [`Decision`] writes them), each [`Reason`] with what gives
/// it tagged by `"by"` ([`By`]):
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use permgate::{Catalog, Policy, perm};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
/// let viewer = policy.role("viewer").unwrap();
/// let explanation = policy.explain(viewer, perm::routing::QUEUE_VIEW);
/// assert_eq!(
///     serde_json::to_value(&explanation)?,
///     serde_json::json!({
///         "permission": "routing:queue:view",
///         "decision": "allowed",
///         "reasons": [{"role": "viewer", "named_role": true, "division": null,
///                      "by": "permission", "permission": "routing:queue:view", "condition": null}],
///         "elsewhere": [],
///     })
/// );
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation<'p> {
    /// The permission as the catalog spells it, or as asked for a key no
    /// catalog knows.
    pub permission: String,
    /// The decision, as [`Policy::decide`](crate::Policy::decide) gives it.
    pub decision: Decision<'p>,
    /// Every grant in reach that gives the permission, unconditional ones
    /// first; empty when nothing does. A row that stands for a whole entity
    /// held by no grant alone, but by the actions of several taken together,
    /// gives each of those grants ([`By::EveryActionWithOthers`]): an
    /// [`Decision::Allowed`] answer always has a reason.
    pub reasons: Vec<Reason<'p>>,
    /// For a user asked about in every division, when the answer is not
    /// [`Decision::Allowed`]: the grants in named divisions that give the
    /// permission. Each counts only in its own division; ask there
    /// ([`Policy::user_in`](crate::Policy::user_in)) to use it. A row that stands for a whole entity
    /// that no such grant gives alone, but that the grants in reach in a named
    /// division hold together, gives those grants, the ones in every division
    /// among them ([`By::EveryActionWithOthers`]).
    pub elsewhere: Vec<Reason<'p>>,
}

/// One grant that gives a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reason<'p> {
    /// The role's name, or for grants a user holds directly (a users/me
    /// document's) the name of that set of grants.
    pub role: &'p str,
    /// Whether `role` is a role of the policy (`false`: grants the user
    /// holds directly).
    pub named_role: bool,
    /// The division of the user's grant; `None` for a role asked about
    /// directly.
    pub division: Option<&'p Division>,
    /// What in the role gives it.
    pub by: By<'p>,
    /// For a conditional grant, its condition.
    pub condition: Option<&'p Condition>,
}

/// What in a role gives a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum By<'p> {
    /// The permission itself, granted by name.
    Permission(Permission<'p>),
    /// A wildcard grant (`routing:queue:*`) covering it.
    Wildcard(String),
    /// Every action the catalog lists for the entity of a row that stands
    /// for the whole entity (`integration:amiPremiumApps:*`).
    EveryAction,
    /// A grant of the same key, which no catalog knows, as granted.
    UnknownKey(&'p str),
    /// For a row that stands for a whole entity (`attributes:attribute:*`)
    /// held by no grant alone: the actions the catalog lists for the entity
    /// that this grant holds. With the other grants given this reason, every
    /// listed action of the entity is held.
    EveryActionWithOthers(Vec<Permission<'p>>),
}

impl fmt::Display for By<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            By::Permission(permission) => write!(f, "`{permission}`"),
            By::Wildcard(pattern) => write!(f, "the wildcard `{}`", Escaped(pattern)),
            By::EveryAction => f.write_str("every action the catalog lists for the entity"),
            By::UnknownKey(key) => write!(f, "`{}` (in no catalog)", Escaped(key)),
            By::EveryActionWithOthers(actions) => {
                f.write_str(if actions.len() == 1 {
                    "the action "
                } else {
                    "the actions "
                })?;
                for (n, action) in actions.iter().enumerate() {
                    let comma = if n == 0 { "" } else { ", " };
                    write!(f, "{comma}`{}`", Escaped(action.key()))?;
                }
                f.write_str(
                    ", which with those of the other grants listed are every action the catalog lists for the entity",
                )
            }
        }
    }
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let permission = Escaped(&self.permission);
        match &self.decision {
            Decision::Allowed => write!(f, "`{permission}` is allowed")?,
            Decision::AllowedIf(_) => write!(f, "`{permission}` is allowed only under a condition")?,
            Decision::Denied if self.reasons.is_empty() => {
                write!(f, "`{permission}` is denied: no grant in reach gives it")?;
            }
            Decision::Denied => write!(f, "`{permission}` is denied")?,
        }
        write_reasons(f, &self.reasons)?;
        if !self.elsewhere.is_empty() {
            f.write_str("\n  granted only in other divisions (ask in one of them):")?;
            write_reasons(f, &self.elsewhere)?;
        }
        Ok(())
    }
}

/// One line per reason: `  - role `NAME` in division `D`: BY, if CONDITION`.
fn write_reasons(f: &mut fmt::Formatter<'_>, reasons: &[Reason<'_>]) -> fmt::Result {
    for reason in reasons {
        let kind = if reason.named_role { "role" } else { "grants" };
        write!(f, "\n  - {kind} `{}`", Escaped(reason.role))?;
        if let Some(division) = reason.division {
            match division {
                Division::All => f.write_str(" in every division")?,
                Division::Id(id) => write!(f, " in division `{}`", Escaped(id))?,
            }
        }
        write!(f, ": {}", reason.by)?;
        if let Some(condition) = reason.condition {
            write!(f, ", if {condition}")?;
        }
    }
    Ok(())
}

/// Where a user may do something: the answer of [`Policy::divisions_permitted`](crate::Policy::divisions_permitted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permitted<'p> {
    /// In every division, current and future (through a `*` grant, or a
    /// permission that is not division-aware).
    Everywhere,
    /// Only in these divisions, sorted; empty when nowhere.
    In(Vec<&'p str>),
}
