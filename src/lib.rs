#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod audit;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod caseless;
mod catalog;
mod condition;
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
mod release;
#[cfg(feature = "serde")]
mod serde_impls;
mod source;
mod text;

pub use audit::{GrantAudit, LicenseEffect, RoleAudit, UserAudit};
pub use catalog::Catalog;
pub use condition::{Condition, Operand, OperandKind, Operator};
pub use definition::{GrantGroup, RoleDefinition};
pub use explain::{By, Explanation, Permitted, Reason};
pub use gate::{CheckOptions, Denied, Gate, GateInfo, Granted, KeySet};
pub use generated::{gates, perm};
pub use genesys::json::{JsonError, MAX_CONDITION_DEPTH, MAX_JSON_BYTES};
pub use handle::PolicyHandle;
pub use parse::{GrantError, MAX_PERMISSION_LEN, ParseError, QuestionError};
pub use permission::Permission;
pub use policy::{BuildError, ConditionalGrantInfo, Decision, Policy, PolicyBuilder, RoleId};
pub use principal::{Division, Principal, Question, UserId};
pub use release::{Release, ReleaseParseError};
pub use source::{Audience, CatalogRole, Document, Evidence, History, SdkRelease, SourceEntry, Vocabulary};
pub use text::Escaped;
