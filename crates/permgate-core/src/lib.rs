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
mod caseless;
pub mod catalog;
mod condition;
mod decision;
mod definition;
mod explain;
mod gate;
mod handle;
#[rustfmt::skip]
mod generated;
pub mod parse;
mod permission;
mod policy;
mod principal;
mod question;
mod release;
#[cfg(feature = "serde")]
mod serde_impls;
mod source;
pub mod text;

pub use audit::{GrantAudit, LicenseEffect, RoleAudit, UserAudit};
pub use catalog::Catalog;
pub use condition::{Condition, MAX_CONDITION_DEPTH, Operand, OperandKind, Operator};
pub use decision::Decision;
pub use definition::{ConditionalGrantInfo, DefinitionError, Form, GrantGroup, RoleDefinition, UserDefinition};
pub use explain::{By, Explanation, Permitted, Reason};
pub use gate::{CheckOptions, Denied, Gate, GateInfo, Granted, KeySet};
pub use generated::{gates, perm};
pub use handle::PolicyHandle;
pub use parse::{GrantError, MAX_PERMISSION_LEN, ParseError, QuestionError};
pub use permission::Permission;
pub use policy::{BuildError, Policy, PolicyBuilder};
pub use principal::{Division, Principal, RoleId, UserId};
pub use question::Question;
pub use release::{Release, ReleaseParseError, SdkRelease};
pub use source::{Audience, CatalogRole, Document, Evidence, History, SourceEntry, Vocabulary};
pub use text::Escaped;
