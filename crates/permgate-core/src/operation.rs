//! Every Genesys Cloud Platform API operation as a requirement: its method,
//! path template, operation name, API groups, deprecation, and the
//! permissions its SDK doc page says it requires (all of them, any one of
//! them, or none).
//!
//! The table is data (one static of [`Operation`]s), generated from
//! `catalogs/endpoints/genesys-cloud-endpoints.json`, itself made from the
//! JavaScript SDK's docs (v259.0.0): one entry per method and path, with
//! every API group that documents it in [`Operation::apis`]. Browse it with
//! [`builtins::operations`](crate::builtins::operations) (or one API group's
//! with [`builtins::operations_of`](crate::builtins::operations_of)), or look
//! one up by name with [`builtins::operation`](crate::builtins::operation).
//!
//! The docs print three requirement entries that are not permissions:
//! `admin`, `content_management_user` and the sentence `They are enforced
//! by the backend`. permgate cannot check them, so they never allow a call
//! (deny by default) and they are never dropped: each operation lists them
//! in [`Operation::unchecked`]. An operation whose requirement is only such
//! entries is [`Requirement::Unverifiable`]; one that offers them beside
//! permissions under `ANY` (`DELETE /api/v2/users/{userId}`: `admin`, or
//! `directory:user:delete`, or `directory:organization:admin`) is allowed
//! by its permissions only.
//!
//! ```
//! use permgate::builtins;
//! use permgate::operation::{Method, Requirement};
//!
//! let op = builtins::operation("deleteUser").unwrap();
//! assert_eq!((op.method, op.path), (Method::Delete, "/api/v2/users/{userId}"));
//! assert!(matches!(op.requirement, Requirement::Any(_)));
//! assert_eq!(op.unchecked, ["admin"]);
//! assert!(builtins::operations().count() > 3000);
//! ```

use std::sync::OnceLock;

use crate::gate::GateInfo;
pub use crate::gate::operation::{Method, Operation, Requirement};
use crate::operations_table::OPERATION_COUNT;

impl Operation {
    /// The operation a call names, as the SDK docs print it: the method and
    /// the path template (`"POST /api/v2/routing/queues/{queueId}/members"`,
    /// the template's parameter names included), or the operation name
    /// (`"postRoutingQueueMembers"`); `None` when no operation is so named.
    ///
    /// A `const fn`, so a gate can name its calls and have an unknown one
    /// refused by the compiler ([`gate!`](crate::gate!) with `calls`). A
    /// method and template is a binary search of the table (sorted by path
    /// then method); a name, a scan of it. To match a concrete path
    /// (`/api/v2/routing/queues/3f1a/members`), use
    /// [`call::find`](crate::call::find).
    ///
    /// ```
    /// use permgate::operation::{Method, Operation};
    ///
    /// const JOIN: &Operation = Operation::lookup("POST /api/v2/routing/queues/{queueId}/members").unwrap();
    /// assert_eq!((JOIN.method, JOIN.name), (Method::Post, "postRoutingQueueMembers"));
    /// assert!(std::ptr::eq(Operation::lookup("postRoutingQueueMembers").unwrap(), JOIN));
    /// assert!(Operation::lookup("POST /api/v2/routing/queues/{id}/members").is_none()); // not the docs' template
    /// ```
    pub const fn lookup(call: &str) -> Option<&'static Operation> {
        let bytes = call.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if let Some((_, [b' ', path @ ..])) = bytes.split_at_checked(at) {
                let (method, _) = match bytes.split_at_checked(at) {
                    Some(split) => split,
                    None => return None,
                };
                return match method_of(method) {
                    Some(method) => by_call(method, path),
                    None => None,
                };
            }
            at += 1;
        }
        by_name(bytes)
    }
}

/// The method a call's first word spells, as HTTP does (upper case).
const fn method_of(word: &[u8]) -> Option<Method> {
    let mut rest = Method::ALL.as_slice();
    while let Some((&method, tail)) = rest.split_first() {
        if matches!(compare(method.as_str().as_bytes(), word), core::cmp::Ordering::Equal) {
            return Some(method);
        }
        rest = tail;
    }
    None
}

/// Byte-wise comparison, as `str`'s `Ord`.
const fn compare(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.split_first(), b.split_first()) {
            (Some((x, a_tail)), Some((y, b_tail))) => {
                if *x < *y {
                    return core::cmp::Ordering::Less;
                }
                if *x > *y {
                    return core::cmp::Ordering::Greater;
                }
                a = a_tail;
                b = b_tail;
            }
            (None, Some(_)) => return core::cmp::Ordering::Less,
            (Some(_), None) => return core::cmp::Ordering::Greater,
            (None, None) => return core::cmp::Ordering::Equal,
        }
    }
}

/// The operation of `method` and `path`: a binary search of the table,
/// sorted by path (byte-wise) then method (in [`Method`]'s order).
const fn by_call(method: Method, path: &[u8]) -> Option<&'static Operation> {
    let mut table: &'static [Operation] = &crate::operations_table::OPERATIONS;
    loop {
        let Some((left, right)) = table.split_at_checked(table.len() / 2) else {
            return None;
        };
        let Some((middle, right)) = right.split_first() else {
            return None;
        };
        let order = match compare(middle.path.as_bytes(), path) {
            core::cmp::Ordering::Equal => compare(&[middle.method as u8], &[method as u8]),
            order => order,
        };
        table = match order {
            core::cmp::Ordering::Equal => return Some(middle),
            core::cmp::Ordering::Less => right,
            core::cmp::Ordering::Greater => left,
        };
    }
}

/// The operation of that name: a scan of the table.
const fn by_name(name: &[u8]) -> Option<&'static Operation> {
    let mut rest: &'static [Operation] = &crate::operations_table::OPERATIONS;
    while let Some((op, tail)) = rest.split_first() {
        if matches!(compare(op.name.as_bytes(), name), core::cmp::Ordering::Equal) {
            return Some(op);
        }
        rest = tail;
    }
    None
}

/// Each operation's requirement as a gate, built on first use: one static
/// slot per operation (zeroed memory until then), not thousands of
/// `GateInfo` statics for the compiler to check.
static GATES: [OnceLock<GateInfo>; OPERATION_COUNT] = [const { OnceLock::new() }; OPERATION_COUNT];

impl Operation {
    /// The requirement as a gate named after the operation (its name, its
    /// path template as the description), for
    /// [`Policy::check_info`](crate::Policy::check_info): every permission
    /// of an `ALL` requirement required, an `ANY` one's kept as one any-of
    /// group. `None` for [`Requirement::Nothing`] and
    /// [`Requirement::Unverifiable`].
    ///
    /// ```
    /// use permgate::builtins;
    ///
    /// let gate = builtins::operation("getRoutingQueue").unwrap().gate().unwrap(); // ALL
    /// assert_eq!((gate.name, gate.description), ("getRoutingQueue", "/api/v2/routing/queues/{queueId}"));
    /// assert_eq!(gate.required[0].key(), "routing:queue:view");
    ///
    /// let gate = builtins::operation("deleteUser").unwrap().gate().unwrap(); // ANY
    /// assert!(gate.required.is_empty());
    /// assert_eq!(gate.any_of[0].len(), 2); // `admin`, the third entry, is not a permission
    /// assert!(builtins::operation("getUsersMe").unwrap().gate().is_none()); // needs nothing
    /// ```
    pub fn gate(&'static self) -> Option<&'static GateInfo> {
        let (required, any_of) = match &self.requirement {
            Requirement::All(list) => (*list, &[][..]),
            Requirement::Any(list) => (&[][..], std::slice::from_ref(list)),
            Requirement::Nothing | Requirement::Unverifiable => return None,
        };
        let slot = GATES.get(usize::from(self.index))?;
        Some(slot.get_or_init(|| GateInfo::new(self.name, self.path, required, any_of)))
    }
}
