//! permgate side by side with the libraries users would pick instead: Cedar,
//! casbin, a naive `HashSet<String>`, and the check Genesys Cloud's Premium
//! App sample makes ([`PremiumAppSample`]).
//!
//! Every engine implements [`Engine`] and is built from the same [`Workload`]:
//! three roles (the AMI standard role of the seed documents, the real role
//! `lbp-agent.json`, a wildcard-heavy role) over the builtin catalog plus an
//! organization's catalog, two users holding them in divisions, and questions
//! that hit, miss, and hit through a wildcard; or one role of many keys no
//! catalog knows ([`Workload::unknown_keys`]). The semantics every engine but
//! the Premium App sample implements are permgate's (see [`covers`]): a
//! permission is `domain:entity:action`, a grant may put `*` in place of the
//! entity or the action, and `*` matches one whole segment; a user may do
//! what the roles in its reach allow (those held in every division or in the
//! division asked about, and any of them for a permission that is not
//! division-aware: [`Workload::reference`]).
//!
//! `tests/agree.rs` proves the engines agree with the reference on the
//! [checked questions](Workload::checked_questions), all but the Premium App
//! sample, whose wrong answers `tests/premium_app.rs` pins and
//! [`Disagreements`] counts; `benches/compare.rs` (criterion) and
//! `src/bin/table.rs` (one command, one table) measure them.

mod baseline;
mod casbin_engine;
mod cedar_engine;
pub mod memory;
mod permgate_engine;
mod premium_app;
mod questions;
pub mod scale;
mod workload;

pub use baseline::{HashSetBaseline, RoleSet};
pub use casbin_engine::Casbin;
pub use cedar_engine::{Cedar, CedarQuestion};
pub use permgate_engine::{
    CompiledAsked, CompiledQuestion, PermgateCompiled, PermgateStr, PermgateTyped, TypedQuestion,
};
pub use premium_app::PremiumAppSample;
pub use questions::{Asked, Disagreements, NO_SUCH_ROLE, RANDOM_QUESTIONS, UNKNOWN_KEYS};
pub use workload::{
    AMI_TRANSFER, ANA, DIVISIONS, Kind, Question, RoleDef, UNKNOWN_ROLE, UserDef, Who, Workload, covers,
};

/// Errors of this crate: building engines and loading data. Benchmark
/// plumbing, so one boxed type is enough.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// An authorization engine answering "may this principal do this?", a
/// principal being a role, a user in every division or a user in one
/// division, named as [`Workload::principal`] reads it.
///
/// Questions are prepared once ([`prepare`](Self::prepare)) into the engine's
/// native form, as an application would hold them: a resolved role handle and
/// a typed permission for permgate, a built request for Cedar, the strings
/// for casbin. [`decide`](Self::decide) is what the benchmarks time.
pub trait Engine: Sized {
    /// A prepared question; may borrow the engine.
    type Question<'e>
    where
        Self: 'e;

    /// The engine's name in tables.
    const NAME: &'static str;

    /// Compiles the workload's roles and users.
    ///
    /// # Errors
    ///
    /// When the engine rejects a role, a policy or an entity.
    fn build(workload: &Workload) -> Result<Self, Error>;

    /// Prepares the question "may `who` do `permission`?"; `permission`
    /// is a lowercase `domain:entity:action` key without `*`.
    ///
    /// # Errors
    ///
    /// An unknown role or user, or a question the engine cannot represent.
    fn prepare<'e>(&'e self, who: &str, permission: &str) -> Result<Self::Question<'e>, Error>;

    /// Answers a prepared question. Any engine error is a denial.
    fn decide(&self, question: &Self::Question<'_>) -> bool;

    /// Prepares and answers in one call; a question that cannot be prepared
    /// (an unknown role) is denied.
    fn allows(&self, who: &str, permission: &str) -> bool {
        self.prepare(who, permission)
            .is_ok_and(|question| self.decide(&question))
    }
}
