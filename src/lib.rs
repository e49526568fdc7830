#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod caseless;
mod catalog;
mod gate;
#[rustfmt::skip]
mod generated;
mod parse;
mod permission;
mod policy;
mod release;
mod role;
mod source;

pub use catalog::Catalog;
pub use gate::{Denied, Gate, GateInfo, Granted};
pub use generated::{gates, perm};
pub use parse::{MAX_PERMISSION_LEN, ParseError};
pub use permission::Permission;
pub use policy::{BuildError, Policy, PolicyBuilder, RoleId};
pub use release::{Release, ReleaseParseError};
pub use source::{Audience, CatalogRole, Document, Evidence, SourceEntry, Vocabulary};
