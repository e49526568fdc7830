//! The decision path: `allows` with a typed constant, `allows_str` hit and
//! miss (document and platform keys), typed `allows` on an organization's own
//! permission, and `check` on a small gate, `AmiStandardUser` and a large gate;
//! keys no catalog knows beside a `HashSet<String>` of the same grants, at
//! 1, 40, 1,000 and 10,000 of them (and as many patterns), and a key under
//! one of a role's `*` on every entity the catalog knows.
//!
//! Run with `cargo bench --bench allows`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::catalog::{OrgFlags, OrgPermission};
use permgate::gates::{ActionMapAnalyticsReport, AltocloudAdmin, AmiExtraUser, AmiStandardUser};
use permgate::{Catalog, Division, Policy, RoleDefinition, UserDefinition, perm};

fn policy() -> Policy {
    let catalog = Catalog::builtin();
    let standard = permgate::builtins::role("AMI R3|standard user role").unwrap().grants;
    let extra = permgate::builtins::role("AMI R3|extra user role").unwrap().grants;
    // Transfer as the Platform API grants it: the published key is none of its.
    let transfer = ["conversation:communication:blindTransfer"];
    Policy::builder(catalog)
        .role("ami", standard.iter().chain(extra).chain(&transfer))
        .unwrap()
        .role(
            "journey",
            [
                "journey:*:*",
                "widgets:deployment:*",
                "Uploads > publicAsset > upload",
                "routing:queue:*",
            ],
        )
        .unwrap()
        .role(
            "platform",
            [
                "analytics:conversationDetail:view",
                "directory:user:view",
                "routing:queue:view",
            ],
        )
        .unwrap()
        .build()
}

fn decisions(c: &mut Criterion) {
    let policy = policy();
    let ami = policy.role("ami").unwrap();
    let journey = policy.role("journey").unwrap();
    // Each check measures the outcome its name says.
    assert!(policy.check::<ActionMapAnalyticsReport>(journey).is_ok());
    assert!(policy.check::<AmiExtraUser>(ami).is_ok());
    assert!(policy.check::<AmiStandardUser>(ami).is_ok());
    assert!(policy.check::<AltocloudAdmin>(ami).is_err());
    let mut group = c.benchmark_group("decision");

    group.bench_function("allows/typed hit", |b| {
        b.iter(|| policy.allows(black_box(ami), perm::routing::QUEUE_VIEW))
    });
    group.bench_function("allows/typed miss", |b| {
        b.iter(|| policy.allows(black_box(ami), perm::journey::ACTIONMAP_EDIT))
    });
    // A catalog extended by an organization's own permissions, past the builtin indexes.
    let mut extension = Catalog::builtin().extension();
    for entity in 0..100 {
        for action in ["view", "edit", "add"] {
            let key = format!("acme:entity{entity}:{action}");
            extension
                .add(&OrgPermission::new(&key, None, OrgFlags::new(Some(false), None)))
                .unwrap();
        }
    }
    let extended = extension.finish();
    let own = extended.lookup("acme:entity7:edit").unwrap();
    let extended_policy = Policy::builder(&extended)
        .role("acme", ["acme:entity7:*"])
        .unwrap()
        .build();
    let acme = extended_policy.role("acme").unwrap();
    assert!(extended_policy.allows(acme, own));
    group.bench_function("allows/typed hit, an organization's own permission", |b| {
        b.iter(|| extended_policy.allows(black_box(acme), black_box(own)))
    });
    group.bench_function("allows/runtime permission", |b| {
        b.iter(|| policy.allows(black_box(journey), black_box(perm::journey::SEGMENT_DELETE)))
    });
    group.bench_function("allows_str/key hit", |b| {
        b.iter(|| policy.allows(black_box(ami), black_box("conversation:email:accept")))
    });
    group.bench_function("allows_str/key hit, other case", |b| {
        b.iter(|| policy.allows(black_box(ami), black_box("ROUTING:wrapupcode:SEARCH")))
    });
    let platform = policy.role("platform").unwrap();
    group.bench_function("allows_str/platform key hit", |b| {
        b.iter(|| policy.allows(black_box(platform), black_box("analytics:conversationDetail:view")))
    });
    group.bench_function("allows_str/platform key miss", |b| {
        b.iter(|| {
            policy.allows(
                black_box(platform),
                black_box("conversation:communication:consultTransferQueue"),
            )
        })
    });
    group.bench_function("allows_str/label hit", |b| {
        b.iter(|| policy.allows(black_box(journey), black_box("Journey > Action Map > View")))
    });
    group.bench_function("allows_str/catalog miss, pattern", |b| {
        b.iter(|| policy.allows(black_box(journey), black_box("journey:newThing:view")))
    });
    group.bench_function("check/small gate (2)", |b| {
        b.iter(|| policy.check::<ActionMapAnalyticsReport>(black_box(journey)).is_ok())
    });
    group.bench_function("check/AmiStandardUser", |b| {
        b.iter(|| policy.check::<AmiStandardUser>(black_box(ami)).is_ok())
    });
    group.bench_function("check/large gate (23 + roadmap)", |b| {
        b.iter(|| policy.check::<AmiExtraUser>(black_box(ami)).is_ok())
    });
    group.bench_function("check/denied, explained (28)", |b| {
        b.iter(|| policy.check::<AltocloudAdmin>(black_box(ami)).is_ok())
    });
    group.finish();
}

/// A role holding `count` keys no catalog knows and `count` patterns of a
/// domain no catalog knows, beside a `HashSet<String>` of the same grants
/// (lowercase, as a service would store them): a key granted exactly, one
/// under a pattern, and one granted by neither.
fn unknown_keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("unknown");
    for count in [1, 40, 1_000, 10_000] {
        let grants: Vec<String> = (0..count)
            .map(|i| format!("acme{i}:widget:view"))
            .chain((0..count).map(|i| format!("zeta{i}:gadget:*")))
            .collect();
        let policy = Policy::builder(Catalog::builtin()).role("r", &grants).unwrap().build();
        let role = policy.role("r").unwrap();
        let set: HashSet<String> = grants.iter().map(|grant| grant.to_ascii_lowercase()).collect();
        let hit = format!("acme{}:widget:view", count / 2);
        let pattern = format!("zeta{}:gadget:view", count / 2);
        let miss = "acme:widget:edit";
        // Each measures the outcome its name says.
        assert_eq!(policy.allows(role, hit.as_str()), Ok(true));
        assert_eq!(policy.allows(role, pattern.as_str()), Ok(true));
        assert_eq!(policy.allows(role, miss), Ok(false));
        assert!(set.contains(hit.as_str()) && !set.contains(miss));
        // The same role held by a user compiled on demand, as `live::Users` serves it.
        let user = policy
            .compile_user(&UserDefinition::new("u").role(RoleDefinition::new("r"), Division::All))
            .unwrap();
        assert_eq!(user.allows(hit.as_str()), Ok(true));
        assert_eq!(user.allows(pattern.as_str()), Ok(true));
        assert_eq!(user.allows(miss), Ok(false));
        group.bench_function(format!("{count}/hit/permgate"), |b| {
            b.iter(|| policy.allows(black_box(role), black_box(hit.as_str())))
        });
        group.bench_function(format!("{count}/hit/HashSet"), |b| {
            b.iter(|| set.contains(black_box(hit.as_str())))
        });
        group.bench_function(format!("{count}/pattern hit/permgate"), |b| {
            b.iter(|| policy.allows(black_box(role), black_box(pattern.as_str())))
        });
        group.bench_function(format!("{count}/miss/permgate"), |b| {
            b.iter(|| policy.allows(black_box(role), black_box(miss)))
        });
        group.bench_function(format!("{count}/miss/HashSet"), |b| {
            b.iter(|| set.contains(black_box(miss)))
        });
        group.bench_function(format!("{count}/hit/compiled user"), |b| {
            b.iter(|| black_box(&user).allows(black_box(hit.as_str())))
        });
        group.bench_function(format!("{count}/pattern hit/compiled user"), |b| {
            b.iter(|| black_box(&user).allows(black_box(pattern.as_str())))
        });
        group.bench_function(format!("{count}/miss/compiled user"), |b| {
            b.iter(|| black_box(&user).allows(black_box(miss)))
        });
    }
    // `*` on every entity the catalog knows (one bit each): a key under one.
    let catalog = Catalog::builtin();
    let mut entities: Vec<String> = catalog
        .iter()
        .filter_map(|p| p.key().rsplit_once(':').map(|(entity, _)| format!("{entity}:*")))
        .collect();
    entities.sort_unstable();
    entities.dedup();
    let policy = Policy::builder(catalog).role("every", &entities).unwrap().build();
    let every = policy.role("every").unwrap();
    let under = "routing:queue:newThing";
    assert_eq!(policy.allows(every, under), Ok(true));
    group.bench_function("every entity/scope hit/permgate", |b| {
        b.iter(|| policy.allows(black_box(every), black_box(under)))
    });
    group.finish();
}

criterion_group!(benches, decisions, unknown_keys);
criterion_main!(benches);
