//! Builtin-only data: the source documents compiled into the crate, the
//! named roles they define, and the feature gates read from them.
//!
//! None of it depends on a catalog: an organization's catalog
//! ([`Catalog::extension`](crate::Catalog::extension)) adds permissions and
//! labels, never documents, roles or gates. The builtin catalog itself is
//! [`Catalog::builtin`](crate::Catalog::builtin); the typed gates, one
//! marker type per entry of [`gates()`], are in the module
//! [`permgate::gates`](mod@crate::gates).
//!
//! ```
//! use permgate::{Gate, builtins, gates::AmiStandardUser};
//!
//! assert_eq!(builtins::documents().len(), 5);
//! let standard = builtins::role("AMI R3|standard user role").unwrap();
//! assert_eq!(standard.document.id, "ami-r3");
//! let gate = builtins::gate("amistandarduser").unwrap();
//! assert!(std::ptr::eq(gate, AmiStandardUser::INFO));
//! assert!(builtins::gates().iter().any(|g| std::ptr::eq(*g, gate)));
//! ```

use crate::gate::GateInfo;
use crate::operation::Operation;
use crate::operations_table::OPERATIONS;
use crate::source::{CatalogRole, Document};
use crate::{gates_table, generated};

/// The source documents of the builtin catalog (`catalogs/`), by
/// identifier.
pub fn documents() -> &'static [Document] {
    &generated::DOCUMENTS
}

/// The named roles the source documents define (the four AMI roles, the
/// CxEngage custom-role minimum).
pub fn roles() -> &'static [CatalogRole] {
    &generated::ROLES
}

/// A named role of the source documents, by exact name.
pub fn role(name: &str) -> Option<&'static CatalogRole> {
    generated::ROLES.iter().find(|role| role.name == name)
}

/// Every builtin gate, as data. Each is also a typed gate
/// (`permgate::gates::…`), whose [`Gate::INFO`](crate::Gate::INFO) is the
/// same value.
pub fn gates() -> &'static [&'static GateInfo] {
    &gates_table::GATES
}

/// A builtin gate by name (`AmiStandardUser`), ignoring ASCII case: a gate
/// chosen at run time, to check with
/// [`Policy::check_info`](crate::Policy::check_info).
pub fn gate(name: &str) -> Option<&'static GateInfo> {
    gates_table::GATES
        .iter()
        .copied()
        .find(|gate| gate.name.eq_ignore_ascii_case(name))
}

/// Every Platform API operation ([`operation`](mod@crate::operation)), sorted by path then method.
pub fn operations() -> impl ExactSizeIterator<Item = &'static Operation> {
    OPERATIONS.iter()
}

/// The operation of that name (`getRoutingQueue`); `None` when no operation
/// has it. A linear search: for listing and tests, not a hot path.
pub fn operation(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

/// The operations of one API group (`RoutingApi`), sorted by path then method.
pub fn operations_of(api: &str) -> impl Iterator<Item = &'static Operation> + '_ {
    OPERATIONS.iter().filter(move |op| op.apis.contains(&api))
}
