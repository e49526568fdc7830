//! The heap a compiled user holds: measured with a counting global allocator
//! (`stats_alloc`), as the bytes allocated and not freed while compiling it,
//! its input parsed beforehand. Prints the figures (`--nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::alloc::System;

use permgate::genesys::{SubjectSpec, UserAuthorization};
use permgate::{Catalog, Policy, UserDefinition};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[path = "support/users_me.rs"]
mod users_me;
use users_me::users_me;

/// Bytes `definition`, compiled against `policy`, holds on the heap.
fn retained(policy: &Policy, definition: &UserDefinition) -> isize {
    let region = Region::new(GLOBAL);
    let user = policy.compile_user(definition).unwrap();
    let stats = region.change();
    let held = stats.bytes_allocated as isize - stats.bytes_deallocated as isize + stats.bytes_reallocated;
    drop(user);
    held
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
    let me = UserAuthorization::parse(&users_me()).unwrap().definition(None);
    let subject = SubjectSpec::parse(
        r#"{"id": "u-2", "grants": [
          {"division": {"id": "d-east"}, "role": {"id": "r-1", "name": "queue viewer"}},
          {"division": {"id": "*"}, "role": {"id": "r-2", "name": "maps"}}]}"#,
    )
    .unwrap()
    .definition();
    let one = subject.roles.len();
    // Warm up what is allocated once (the builtin catalog's tables).
    retained(&policy, &me);
    let users_me = retained(&policy, &me);
    let subject_me = retained(&policy, &subject);
    println!(
        "compiled user, heap held: users/me (51 permissions, 3 policies) {users_me} bytes; \
         subject with {one} base roles named only {subject_me} bytes; catalog {} permissions ({} words a row)",
        catalog.len(),
        catalog.len().div_ceil(64)
    );
    // Loose bounds, so that a change that balloons it is noticed.
    assert!(users_me > 0 && users_me < 16_384, "{users_me}");
    assert!(subject_me > 0 && subject_me < 8_192, "{subject_me}");
}
