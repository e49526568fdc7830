//! The reverse question: who may do a permission
//! ([`Policy::who_can`](crate::Policy::who_can), over a policy's roles and
//! users; [`Policy::who_can_among`](crate::Policy::who_can_among), over
//! users compiled on demand), in one division, in every division, or in
//! any ([`Within`]).
//!
//! The answer comes from the bitsets: one bit tested in each row (a
//! column scan), never a decision asked principal by principal. What each
//! entry says is what [`Policy::decide`](crate::Policy::decide) says of that
//! principal, and its [`grants`](UserCan::grants) are the grants
//! [`Policy::explain`](crate::Policy::explain) names there (ask `explain`
//! for how each grant gives it: by name, by a wildcard, by every action).

pub use crate::policy::who_can::{Grant, RoleCan, UserCan, WhoCan, Within};
