//! The heap compiled roles hold: measured with a counting global allocator
//! (`stats_alloc`), as the bytes allocated and not freed while building a
//! policy of many copies of a role, divided by their number. Roles that
//! grant exactly the same share one bitset row and one copy of their side
//! tables, so a copy costs its name, its record and its share of the name
//! map. Prints the figures (`--nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::alloc::System;
use std::path::Path;

use permgate::genesys::RoleFile;
use permgate::{Catalog, Policy, RoleDefinition};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Heap bytes per role of a policy holding `copies` copies of `role`, each
/// under its own name, compiled against the builtin catalog.
fn per_role(role: &RoleDefinition, copies: usize) -> isize {
    let catalog = Catalog::builtin();
    let region = Region::new(GLOBAL);
    let mut builder = Policy::builder(catalog);
    for copy in 0..copies {
        let mut named = role.clone();
        named.name = format!("{} {copy}", role.name);
        builder.add_role_definition(&named).unwrap();
    }
    let policy = builder.build();
    let stats = region.change();
    // `bytes_allocated` already counts what a reallocation grew by.
    let held = stats.bytes_allocated as isize - stats.bytes_deallocated as isize;
    assert_eq!(policy.roles().len(), copies);
    drop(policy);
    held / copies as isize
}

#[test]
fn copies_of_a_role_share_their_row_and_side_tables() {
    // Warm up what is allocated once (the builtin catalog's tables, the hash seeds).
    let grants = [
        "ui:agentQueueActivity:view",
        "ui:newPanel:view",
        "acme:*:*",
        "acme:widget:*",
        "routing:queue:view",
        "CONTACTS_READ",
    ];
    let role = RoleDefinition::new("agent").grant(grants);
    per_role(&role, 1);
    let one = per_role(&role, 1);
    let many = per_role(&role, 101);
    println!(
        "a role of {} grants: alone {one} B; 101 copies {many} B each",
        grants.len()
    );
    assert!(many > 0 && many <= 320, "{many}");
    assert!(many * 2 < one, "{many} {one}");

    // `*` on every entity the catalog knows: one bit each, not a string each.
    let mut entities: Vec<String> = Catalog::builtin()
        .iter()
        .filter_map(|p| p.key().rsplit_once(':').map(|(entity, _)| format!("{entity}:*")))
        .collect();
    entities.sort_unstable();
    entities.dedup();
    let every = RoleDefinition::new("everything").grant(&entities);
    let one = per_role(&every, 1);
    println!("`*` on each of the {} entities: alone {one} B", entities.len());
    assert!(entities.len() > 500, "{}", entities.len());
    assert!(one > 0 && one < 4096, "{one}");

    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/genesys-cloud/roles/lbp-agent.json");
    let Ok(text) = std::fs::read_to_string(&shared) else {
        eprintln!("skipped lbp-agent.json: {} is absent", shared.display());
        return;
    };
    let lbp = RoleFile::parse(&text).unwrap().roles.remove(0);
    let one = per_role(&lbp, 1);
    let many = per_role(&lbp, 101);
    println!("lbp-agent.json, builtin catalog: alone {one} B; 101 copies {many} B each");
    assert!(many > 0 && many <= 320, "{many}");
}
