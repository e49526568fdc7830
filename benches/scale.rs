//! permgate at scale: `allows` and `allows_str` at 1, 100 and 10,000 roles,
//! over the builtin catalog and over the builtin plus an organization's
//! catalog; role compile time for `lbp-agent.json` (with and without parsing
//! the JSON) and for a role holding `*` on every entity of the organization's
//! catalog; parsing and compiling a users/me document; compile time at
//! 10,000 and 100,000 grants in one role; and
//! `allows` and `check` on users of 10 roles over 3 divisions.
//!
//! Run with `cargo bench --bench scale`. Measurements that need
//! `../shared/data/genesys-cloud` are skipped, saying so, when it is absent.
//! Heap per role needs a counting global allocator, which `unsafe_code =
//! "forbid"` rules out here: `benches/compare` measures it.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::gates::AmiStandardUser;
use permgate::genesys::{RoleFile, UserAuthorization};
use permgate::{Catalog, Division, Policy, Principal, RoleId, perm};

/// Role ids per *spread* loop: a power of two, more than the largest policy's roles.
const SPREAD: usize = 16_384;

/// A file of `../shared/data/genesys-cloud`, or `None` (after saying so).
fn data(file: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/genesys-cloud")
        .join(file);
    let text = std::fs::read_to_string(&path).ok();
    if text.is_none() {
        eprintln!("skipped: {} not found", path.display());
    }
    text
}

/// A policy of `count` roles named `role-0`, `role-1`, …, each with `grants`.
fn policy_with_roles(catalog: &Catalog, grants: &[&str], count: usize) -> Policy {
    let mut builder = Policy::builder(catalog);
    for n in 0..count {
        builder.add_role(&format!("role-{n}"), grants).unwrap();
    }
    builder.build()
}

/// [`SPREAD`] role ids of `policy` drawn at random (SplitMix64), so that a
/// loop over them touches most of the policy's bitset.
fn spread_roles(policy: &Policy) -> Vec<RoleId> {
    let roles: Vec<RoleId> = policy.roles().collect();
    let mut state: u64 = 0x5EED;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (state ^ (state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..SPREAD)
        .filter_map(|_| roles.get((next() % roles.len() as u64) as usize).copied())
        .collect()
}

/// `domain:entity:*` for every entity of an organization's catalog.
fn every_entity_grants(org_catalog: &str) -> Vec<String> {
    let document: serde_json::Value = serde_json::from_str(org_catalog).unwrap();
    let mut grants = BTreeSet::new();
    for entity in document["entities"].as_array().unwrap() {
        for actions in entity["permissionMap"]
            .as_object()
            .into_iter()
            .flat_map(|map| map.values())
        {
            for action in actions.as_array().unwrap() {
                grants.insert(format!(
                    "{}:{}:*",
                    action["domain"].as_str().unwrap(),
                    action["entityType"].as_str().unwrap()
                ));
            }
        }
    }
    grants.into_iter().collect()
}

fn role_count(c: &mut Criterion) {
    let builtin = Catalog::builtin();
    let ami = permgate::builtins::role("AMI R3|standard user role").unwrap().grants;
    let mut catalogs = vec![("builtin", builtin.clone())];
    if let Some(org) = data("permissions-catalog.json") {
        catalogs.push(("builtin+org", permgate::genesys::org_catalog(builtin, &org).unwrap()));
    }
    let mut group = c.benchmark_group("scale");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, catalog) in &catalogs {
        for count in [1, 100, 10_000] {
            let policy = policy_with_roles(catalog, ami, count);
            let one = policy.role("role-0").unwrap();
            let spread = spread_roles(&policy);
            group.bench_function(format!("allows/{name}/{count} roles/one role"), |b| {
                b.iter(|| policy.allows(black_box(one), black_box(perm::routing::QUEUE_VIEW)))
            });
            let mut n = 0;
            group.bench_function(format!("allows/{name}/{count} roles/spread"), |b| {
                b.iter(|| {
                    n = (n + 1) % SPREAD;
                    spread
                        .get(n)
                        .is_some_and(|&role| policy.allows(black_box(role), black_box(perm::routing::QUEUE_VIEW)))
                })
            });
            group.bench_function(format!("allows_str/{name}/{count} roles/one role"), |b| {
                b.iter(|| policy.allows(black_box(one), black_box("routing:queue:view")))
            });
        }
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    let (Some(org), Some(lbp_json)) = (data("permissions-catalog.json"), data("roles/lbp-agent.json")) else {
        return;
    };
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), &org).unwrap();
    let file = RoleFile::parse(&lbp_json).unwrap();
    let lbp = file.roles.first().unwrap();
    let every_entity = every_entity_grants(&org);
    let mut group = c.benchmark_group("compile");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("lbp-agent.json", |b| {
        b.iter(|| {
            let mut builder = Policy::builder(&catalog);
            builder.add_role_definition(black_box(lbp)).unwrap();
            builder.build()
        })
    });
    group.bench_function("parse and compile lbp-agent.json", |b| {
        b.iter(|| {
            let file = RoleFile::parse(black_box(&lbp_json)).unwrap();
            let mut builder = Policy::builder(&catalog);
            builder.add_role_definition(file.roles.first().unwrap()).unwrap();
            builder.build()
        })
    });
    // A users/me document holding the same 51 grants as permission strings,
    // a few scoped to a division, and three permission policies.
    let keys: Vec<String> = lbp
        .grants
        .iter()
        .flat_map(|group| group.permissions.iter().cloned())
        .collect();
    let permissions: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(n, key)| {
            if n % 10 == 0 {
                format!("{key}:d-east")
            } else {
                key.clone()
            }
        })
        .collect();
    let policy = |domain: &str, entity: &str, action: &str| serde_json::json!({"domain": domain, "entityName": entity, "actionSet": [action], "allowConditions": false});
    let users_me = serde_json::json!({"id": "u-1", "name": "Ana", "authorization": {
        "roles": [{"id": "r-1", "name": "LBP Agent"}],
        "permissions": permissions,
        "permissionPolicies": [
            policy("routing", "queue", "view"),
            policy("journey", "actionmap", "view"),
            policy("routing", "wrapupCode", "view"),
        ],
    }})
    .to_string();
    group.bench_function(
        format!(
            "parse and compile a users/me document ({} permissions, 3 policies)",
            keys.len()
        ),
        |b| {
            b.iter(|| {
                let doc = UserAuthorization::parse(black_box(&users_me)).unwrap();
                let mut builder = Policy::builder(&catalog);
                builder.add_user_definition(&doc.definition(None)).unwrap();
                builder.build()
            })
        },
    );
    group.bench_function(
        format!("every entity ({} `domain:entity:*`)", every_entity.len()),
        |b| {
            b.iter(|| {
                let mut builder = Policy::builder(&catalog);
                builder.add_role("all", black_box(&every_entity)).unwrap();
                builder.build()
            })
        },
    );
    group.finish();
}

/// Compile time against the number of grants in one role: distinct keys no
/// catalog knows, and distinct wildcard patterns. Growth from 10,000 to
/// 100,000 should be about tenfold (de-duplication is hashed).
fn growth(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("growth");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for count in [10_000, 100_000] {
        let unknown: Vec<String> = (0..count).map(|n| format!("ui:agentView:a{n}")).collect();
        let patterns: Vec<String> = (0..count).map(|n| format!("ui:*:a{n}")).collect();
        for (name, grants) in [("unknown keys", &unknown), ("patterns", &patterns)] {
            group.bench_function(format!("{count} {name}"), |b| {
                b.iter(|| {
                    let mut builder = Policy::builder(catalog);
                    builder.add_role("big", black_box(grants)).unwrap();
                    builder.build()
                })
            });
        }
    }
    group.finish();
}

/// `allows` and `check` on a user holding 10 roles over 3 divisions, at 1
/// and 100,000 users, beside the same on one role: a user is a row of the
/// bitset like a role, so the costs should match.
fn users(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    // The published role, with Transfer as the Platform API grants it.
    let published = permgate::builtins::role("AMI R3|standard user role").unwrap().grants;
    let ami: Vec<&str> = published
        .iter()
        .copied()
        .chain(["conversation:communication:blindTransfer"])
        .collect();
    let ami = ami.as_slice();
    let mut group = c.benchmark_group("users");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for count in [1, 100_000] {
        let mut builder = Policy::builder(catalog);
        // Ten roles that together hold the AMI standard set.
        let roles: Vec<_> = ami
            .chunks(ami.len().div_ceil(10))
            .enumerate()
            .map(|(n, grants)| builder.add_role(&format!("part-{n}"), grants).unwrap())
            .collect();
        let whole = builder.add_role("whole", ami).unwrap();
        // Every role in `*` or in d1 (so the user passes the gate in d1), a third also in d2.
        let grants: Vec<(RoleId, Division)> = roles
            .iter()
            .enumerate()
            .flat_map(|(i, &role)| {
                let first = if i % 3 == 0 { Division::All } else { Division::new("d1") };
                let also = (i % 3 == 2).then(|| (role, Division::new("d2")));
                std::iter::once((role, first)).chain(also)
            })
            .collect();
        for n in 0..count {
            builder.add_user(&format!("user-{n}"), grants.iter().cloned()).unwrap();
        }
        let policy = builder.build();
        assert!(
            policy
                .check::<AmiStandardUser>(policy.user_in(policy.user("user-0").unwrap(), "d1"))
                .is_ok()
        );
        let users: Vec<Principal> = policy.users().map(|user| policy.user_in(user, "d1")).collect();
        let one = users[0];
        let mut state: u64 = 0x5EED;
        let spread: Vec<Principal> = (0..SPREAD)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                users[(state >> 33) as usize % users.len()]
            })
            .collect();
        group.bench_function(format!("allows/{count} users/one role"), |b| {
            b.iter(|| policy.allows(black_box(whole), black_box(perm::routing::QUEUE_VIEW)))
        });
        group.bench_function(format!("allows/{count} users/one user in a division"), |b| {
            b.iter(|| policy.allows(black_box(one), black_box(perm::routing::QUEUE_VIEW)))
        });
        let mut n = 0;
        group.bench_function(format!("allows/{count} users/spread"), |b| {
            b.iter(|| {
                n = (n + 1) % SPREAD;
                spread
                    .get(n)
                    .is_some_and(|&who| policy.allows(black_box(who), black_box(perm::routing::QUEUE_VIEW)))
            })
        });
        group.bench_function(format!("check/{count} users/one role"), |b| {
            b.iter(|| policy.check::<AmiStandardUser>(black_box(whole)).is_ok())
        });
        group.bench_function(format!("check/{count} users/one user in a division"), |b| {
            b.iter(|| policy.check::<AmiStandardUser>(black_box(one)).is_ok())
        });
    }
    group.finish();
}

criterion_group!(benches, role_count, compile, growth, users);
criterion_main!(benches);
