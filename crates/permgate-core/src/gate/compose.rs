//! A gate composed from the Platform API operations a feature calls: what
//! [`gate!`](crate::gate!) with `calls` runs at compile time, usable by
//! hand for a [`GateInfo`](super::GateInfo) of your own
//! ([`GateInfo::with_calls`](super::GateInfo::with_calls)).
//!
//! The gate requires what every call requires: the permissions of each
//! `ALL` requirement are joined into one required set (each once, with the
//! gate's own `required`), each `ANY` requirement is kept as one any-of
//! group (after the gate's own groups; a group given twice is kept once),
//! and a call that needs no permission adds nothing. Every function is a
//! `const fn`, so a gate declared with `gate!` pays nothing at run time:
//! its mask is the OR of its calls' masks, computed by the compiler.
//!
//! ```
//! use permgate::gate::compose;
//! use permgate::operation::Operation;
//! use permgate::{Permission, perm};
//!
//! const CALLS: &[&Operation] = &[
//!     Operation::lookup("GET /api/v2/routing/queues/{queueId}").unwrap(), // ALL routing:queue:view
//!     Operation::lookup("postRoutingQueueWrapupcodes").unwrap(),          // ALL routing:queue:edit
//!     Operation::lookup("GET /api/v2/routing/queues").unwrap(),           // ANY routing:queue:view
//! ];
//! const OWN: &[Permission<'static>] = &[perm::routing::QUEUE_VIEW];
//! const N: usize = compose::required_len(OWN, CALLS);
//! const REQUIRED: [Permission<'static>; N] = compose::required(OWN, CALLS).unwrap();
//! assert_eq!(REQUIRED.map(|p| p.key()), ["routing:queue:view", "routing:queue:edit"]);
//! const M: usize = compose::any_of_len(&[], CALLS);
//! const ANY_OF: [&[Permission<'static>]; M] = compose::any_of(&[], CALLS).unwrap();
//! assert_eq!(ANY_OF.map(|group| group[0].key()), ["routing:queue:view"]);
//! ```

use crate::permission::{Permission, PermissionInfo};

use super::every_key_removed;
use super::operation::{Operation, Requirement};

/// What fills the arrays [`required`] makes before each slot is written;
/// never read.
static FILLER: PermissionInfo = PermissionInfo::platform("filler:never:read", 0, 0, true);

/// Whether `call` can never be allowed: its requirement is
/// [`Unverifiable`](Requirement::Unverifiable), or the Platform API removed
/// every permission it names.
pub(crate) const fn never_allowed(call: &Operation) -> bool {
    match call.requirement {
        Requirement::Nothing => false,
        Requirement::Unverifiable => true,
        Requirement::All(list) | Requirement::Any(list) => every_key_removed(list, &[]),
    }
}

/// The permissions an `ALL` call requires; empty for any other.
const fn all_of(call: &Operation) -> &'static [Permission<'static>] {
    match call.requirement {
        Requirement::All(list) => list,
        _ => &[],
    }
}

/// The group an `ANY` call accepts; `None` for any other.
const fn any_group(call: &Operation) -> Option<&'static [Permission<'static>]> {
    match call.requirement {
        Requirement::Any(list) => Some(list),
        _ => None,
    }
}

/// The permission at position `at` of a slice.
const fn nth<T: Copy>(list: &[T], at: usize) -> Option<T> {
    match list.split_at_checked(at) {
        Some((_, [item, ..])) => Some(*item),
        _ => None,
    }
}

/// The permission at position `at` of `own` then every `ALL` call's list.
const fn required_nth(
    own: &[Permission<'static>],
    calls: &[&'static Operation],
    at: usize,
) -> Option<Permission<'static>> {
    if at < own.len() {
        return nth(own, at);
    }
    let mut at = at - own.len();
    let mut rest = calls;
    while let Some((call, tail)) = rest.split_first() {
        let list = all_of(call);
        if at < list.len() {
            return nth(list, at);
        }
        at -= list.len();
        rest = tail;
    }
    None
}

/// The group at position `at` of `own` then the calls (`None` past the
/// end, and `Some(None)` for a call that is not `ANY`).
const fn group_nth(
    own: &[&'static [Permission<'static>]],
    calls: &[&'static Operation],
    at: usize,
) -> Option<Option<&'static [Permission<'static>]>> {
    if at < own.len() {
        return match nth(own, at) {
            Some(group) => Some(Some(group)),
            None => None,
        };
    }
    match nth(calls, at - own.len()) {
        Some(call) => Some(any_group(call)),
        None => None,
    }
}

/// Whether two groups hold the same permissions, in the same order.
const fn same_group(a: &[Permission<'static>], b: &[Permission<'static>]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, a_tail)), Some((y, b_tail))) = (a.split_first(), b.split_first()) {
        if x.index() != y.index() {
            return false;
        }
        a = a_tail;
        b = b_tail;
    }
    true
}

/// The permission at `at`, unless one before it is the same (by index:
/// only builtin permissions reach a `const`, and their indexes are unique).
const fn first_required(
    own: &[Permission<'static>],
    calls: &[&'static Operation],
    at: usize,
) -> Option<Permission<'static>> {
    let Some(permission) = required_nth(own, calls, at) else {
        return None;
    };
    let mut before = 0;
    while before < at {
        if let Some(other) = required_nth(own, calls, before) {
            if other.index() == permission.index() {
                return None;
            }
        }
        before += 1;
    }
    Some(permission)
}

/// The group at `at`, unless it is no group or one before it is the same.
const fn first_group(
    own: &[&'static [Permission<'static>]],
    calls: &[&'static Operation],
    at: usize,
) -> Option<&'static [Permission<'static>]> {
    let Some(Some(group)) = group_nth(own, calls, at) else {
        return None;
    };
    let mut before = 0;
    while before < at {
        if let Some(Some(other)) = group_nth(own, calls, before) {
            if same_group(other, group) {
                return None;
            }
        }
        before += 1;
    }
    Some(group)
}

/// The number of permissions of `own` and every `ALL` call, each counted.
const fn required_total(own: &[Permission<'static>], calls: &[&'static Operation]) -> usize {
    let mut total = own.len();
    let mut rest = calls;
    while let Some((call, tail)) = rest.split_first() {
        total += all_of(call).len();
        rest = tail;
    }
    total
}

/// How many permissions [`required`] gives for `own` and `calls`: each
/// permission of `own` and of every `ALL` call, once.
pub const fn required_len(own: &[Permission<'static>], calls: &[&'static Operation]) -> usize {
    let (mut at, mut count) = (0, 0);
    let total = required_total(own, calls);
    while at < total {
        if first_required(own, calls, at).is_some() {
            count += 1;
        }
        at += 1;
    }
    count
}

/// `own` then every permission an `ALL` call of `calls` requires, each once,
/// in that order; `None` when `N` is not [`required_len`] of the same lists
/// ([`gate!`](crate::gate!) makes that a compile error).
pub const fn required<const N: usize>(
    own: &[Permission<'static>],
    calls: &[&'static Operation],
) -> Option<[Permission<'static>; N]> {
    // Every slot is written below; the filler is never read.
    let mut out = [Permission::new(0, &FILLER); N];
    let (mut at, mut count) = (0, 0);
    let total = required_total(own, calls);
    while at < total {
        if let Some(permission) = first_required(own, calls, at) {
            let slots: &mut [_] = &mut out;
            match slots.split_at_mut_checked(count) {
                Some((_, [slot, ..])) => *slot = permission,
                _ => return None,
            }
            count += 1;
        }
        at += 1;
    }
    if count == N { Some(out) } else { None }
}

/// How many groups [`any_of`] gives for `own` and `calls`: each group of
/// `own` and of every `ANY` call, once.
pub const fn any_of_len(own: &[&'static [Permission<'static>]], calls: &[&'static Operation]) -> usize {
    let (mut at, mut count) = (0, 0);
    while at < own.len() + calls.len() {
        if first_group(own, calls, at).is_some() {
            count += 1;
        }
        at += 1;
    }
    count
}

/// `own`'s groups then the group of every `ANY` call of `calls`, a group
/// given twice kept once; `None` when `M` is not [`any_of_len`] of the same
/// lists ([`gate!`](crate::gate!) makes that a compile error).
pub const fn any_of<const M: usize>(
    own: &[&'static [Permission<'static>]],
    calls: &[&'static Operation],
) -> Option<[&'static [Permission<'static>]; M]> {
    let mut out: [&'static [Permission<'static>]; M] = [&[]; M];
    let (mut at, mut count) = (0, 0);
    while at < own.len() + calls.len() {
        if let Some(group) = first_group(own, calls, at) {
            let slots: &mut [_] = &mut out;
            match slots.split_at_mut_checked(count) {
                Some((_, [slot, ..])) => *slot = group,
                _ => return None,
            }
            count += 1;
        }
        at += 1;
    }
    if count == M { Some(out) } else { None }
}
