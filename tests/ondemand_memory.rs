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

/// The users/me document of `benches/ondemand.rs`: 51 permissions of the
/// builtin catalog, every tenth in division `d-east`, three policies.
fn users_me() -> String {
    let keys: Vec<String> = Catalog::builtin()
        .iter()
        .filter(|p| !p.is_flat() && !p.key().ends_with(":*"))
        .step_by(30)
        .take(51)
        .enumerate()
        .map(|(n, p)| {
            if n % 10 == 0 {
                format!("{}:d-east", p.key())
            } else {
                p.key().to_owned()
            }
        })
        .collect();
    assert_eq!(keys.len(), 51);
    let policy = |domain: &str, entity: &str, action: &str| serde_json::json!({"domain": domain, "entityName": entity, "actionSet": [action], "allowConditions": false});
    serde_json::json!({"id": "u-1", "name": "Ana", "authorization": {
        "roles": [{"id": "r-1", "name": "Agent"}],
        "permissions": keys,
        "permissionPolicies": [
            policy("routing", "queue", "view"),
            policy("journey", "actionmap", "view"),
            policy("journey", "report", "view"),
        ],
    }})
    .to_string()
}

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
