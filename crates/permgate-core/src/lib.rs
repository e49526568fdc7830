//! The core of [permgate](https://docs.rs/permgate): permissions, catalogs,
//! policies compiled into bitsets, gates and the decisions they give, in no
//! vendor's format.
//!
//! Use it through the `permgate` crate, which re-exports all of it beside
//! the Genesys Cloud adapter (`permgate::genesys`), the axum extractors and
//! the command-line tool. Adapters build on this crate's public API only:
//! the Genesys adapter is a crate of its own (`permgate-genesys`) that
//! depends on this one.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod audit;
#[rustfmt::skip]
mod builtin;
pub mod builtins;
pub mod call;
mod caseless;
pub mod catalog;
pub mod condition;
mod decision;
mod declare;
pub mod definition;
pub mod explain;
pub mod gate;
mod handle;
pub mod operation;
#[rustfmt::skip]
#[allow(clippy::all)]
mod operations_table;
pub use operations_table::api_groups;
#[rustfmt::skip]
mod gates_table;
#[rustfmt::skip]
mod generated;
pub mod parse;
mod permission;
mod policy;
mod principal;
pub mod question;
pub mod release;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod source;
pub mod text;
pub mod who_can;

pub use catalog::Catalog;
pub use decision::Decision;
pub use definition::{RoleDefinition, UserDefinition};
pub use gate::{Denied, Gate, Granted};
pub use gates_table::gates;
pub use generated::perm;
pub use handle::PolicyHandle;
pub use permission::Permission;
pub use policy::{BuildError, CompiledUser, Policy, PolicyBuilder, UserIn};
pub use principal::{Division, Principal, RoleId, UserId};
pub use release::Release;
