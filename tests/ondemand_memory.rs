//! The heap a compiled user holds: measured with a counting global allocator
//! (`stats_alloc`), as the bytes allocated minus the bytes freed while
//! compiling it and holding it, its input parsed beforehand (a reallocation
//! counts in both already: its growth as allocated, its shrinking as freed).
//! Prints the figures (`--nocapture`).
//!
//! Users compiled against one policy with the same grants share one body
//! (the policy, rows, grant sets, divisions): the figure that matters for a
//! cache of many users is the N-th user of a kind (other users, other
//! names, the same grants), which holds only what is its own (its name, its
//! own grant sets' names, its own policy's id), asserted under 256 bytes;
//! the first of its kind also stores what the others will share, and is
//! printed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::alloc::System;

use permgate::genesys::{SubjectSpec, UserAuthorization};
use permgate::{Catalog, CompiledUser, Policy, UserDefinition, perm};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[path = "support/users_me.rs"]
mod users_me;
use users_me::users_me;

/// Users of one kind held at once before the one measured.
const MANY: usize = 100;

/// Compiles `definition` against `policy` and keeps it in `kept` (room made
/// beforehand): the bytes it holds, allocated minus freed.
fn held(policy: &Policy, definition: &UserDefinition, kept: &mut Vec<CompiledUser>) -> isize {
    assert!(kept.len() < kept.capacity());
    let region = Region::new(GLOBAL);
    kept.push(policy.compile_user(definition).unwrap());
    let stats = region.change();
    stats.bytes_allocated as isize - stats.bytes_deallocated as isize
}

/// The first user of a kind and the N-th (after [`MANY`] others of the
/// kind, named `{prefix}{n}`, are held): the bytes each holds.
fn first_and_nth(policy: &Policy, kind: impl Fn(&str) -> UserDefinition, prefix: &str) -> (isize, isize) {
    let definitions: Vec<UserDefinition> = (0..=MANY + 1).map(|n| kind(&format!("{prefix}{n}"))).collect();
    let mut kept = Vec::with_capacity(definitions.len());
    let first = held(policy, &definitions[0], &mut kept);
    for definition in &definitions[1..=MANY] {
        held(policy, definition, &mut kept);
    }
    let nth = held(policy, &definitions[MANY + 1], &mut kept);
    // Each answers as itself.
    assert!(
        kept.iter()
            .all(|user| user.in_division("d-east").allows(perm::routing::QUEUE_VIEW))
    );
    assert_eq!(kept[MANY + 1].name(), format!("{prefix}{}", MANY + 1));
    (first, nth)
}

#[test]
fn the_heap_of_a_compiled_user() {
    let catalog = Catalog::builtin();
    let policy = Policy::builder(catalog)
        .role("queue viewer", ["routing:queue:view"])
        .unwrap()
        .role("maps", ["journey:actionmap:*"])
        .unwrap()
        .build();
    let document = UserAuthorization::parse(&users_me()).unwrap();
    let me = |name: &str| document.definition(Some(name));
    let spec = SubjectSpec::parse(
        r#"{"id": "u-2", "grants": [
          {"division": {"id": "d-east"}, "role": {"id": "r-1", "name": "queue viewer"}},
          {"division": {"id": "*"}, "role": {"id": "r-2", "name": "maps"}}]}"#,
    )
    .unwrap();
    let subject = |name: &str| {
        let mut definition = spec.definition();
        definition.name = name.to_owned();
        definition
    };
    // Warm up what is allocated once (the builtin catalog's tables, the
    // stores of shared rows) with a user of another kind.
    let mut warm = Vec::with_capacity(1);
    held(&policy, &UserDefinition::new("warm-up"), &mut warm);
    let (subject_first, subject_nth) = first_and_nth(&policy, subject, "subject-");
    let (me_first, me_nth) = first_and_nth(&policy, me, "me-");
    // The same user with its own policy built (a cold question asked).
    let mut cold = Vec::with_capacity(1);
    held(&policy, &me("cold"), &mut cold);
    let region = Region::new(GLOBAL);
    assert_eq!(cold[0].policy().name(cold[0].id()), Some("cold"));
    let stats = region.change();
    let policy_built = stats.bytes_allocated as isize - stats.bytes_deallocated as isize;
    println!(
        "compiled user, heap held (first of its kind / N-th, after {MANY} of the kind): \
         subject with 2 base roles named only, one in a division {subject_first} / {subject_nth} bytes; \
         users/me (51 permissions, 3 policies, one division, no unknown keys or patterns) {me_first} / {me_nth} bytes; \
         its own policy, built by a cold question, {policy_built} bytes more; \
         catalog {} permissions ({} words a row)",
        catalog.len(),
        catalog.len().div_ceil(64)
    );
    assert!(subject_nth > 0 && subject_nth < 256, "{subject_nth}");
    assert!(me_nth > 0 && me_nth < 256, "{me_nth}");
    // The first of a kind stores its rows and grant sets: bounded loosely,
    // so that a change that balloons it is noticed.
    assert!(subject_first < 2_048, "{subject_first}");
    assert!(me_first < 4_096, "{me_first}");
}
