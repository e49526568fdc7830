#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod audit;
#[rustfmt::skip]
mod builtin;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod caseless;
mod catalog;
mod condition;
mod decision;
mod definition;
mod explain;
mod gate;
mod handle;
#[rustfmt::skip]
mod generated;
pub mod genesys;
mod parse;
mod permission;
mod policy;
mod principal;
mod question;
mod release;
#[cfg(feature = "serde")]
mod serde_impls;
mod source;
mod text;

pub use audit::{GrantAudit, LicenseEffect, RoleAudit, UserAudit};
pub use catalog::Catalog;
pub use condition::{Condition, Operand, OperandKind, Operator};
pub use decision::Decision;
pub use definition::{ConditionalGrantInfo, GrantGroup, RoleDefinition};
pub use explain::{By, Explanation, Permitted, Reason};
pub use gate::{CheckOptions, Denied, Gate, GateInfo, Granted, KeySet};
pub use generated::{gates, perm};
pub use genesys::json::{JsonError, MAX_CONDITION_DEPTH, MAX_JSON_BYTES};
pub use handle::PolicyHandle;
pub use parse::{GrantError, MAX_PERMISSION_LEN, ParseError, QuestionError};
pub use permission::Permission;
pub use policy::{BuildError, Policy, PolicyBuilder};
pub use principal::{Division, Principal, RoleId, UserId};
pub use question::Question;
pub use release::{Release, ReleaseParseError, SdkRelease};
pub use source::{Audience, CatalogRole, Document, Evidence, History, SourceEntry, Vocabulary};
pub use text::Escaped;
