//! The decision path: `allows` with a typed constant, `allows_str` hit and
//! miss (document and platform keys), and `check` on a small and a large gate.
//!
//! Run with `cargo bench --bench allows`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::gates::{ActionMapAnalyticsReport, AltocloudAdmin, AmiExtraUser};
use permgate::{Catalog, Policy, perm};

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
    assert!(policy.check::<AltocloudAdmin>(ami).is_err());
    let mut group = c.benchmark_group("decision");

    group.bench_function("allows/typed hit", |b| {
        b.iter(|| policy.allows(black_box(ami), perm::routing::QUEUE_VIEW))
    });
    group.bench_function("allows/typed miss", |b| {
        b.iter(|| policy.allows(black_box(ami), perm::journey::ACTIONMAP_EDIT))
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
    group.bench_function("check/large gate (23 + roadmap)", |b| {
        b.iter(|| policy.check::<AmiExtraUser>(black_box(ami)).is_ok())
    });
    group.bench_function("check/denied, explained (28)", |b| {
        b.iter(|| policy.check::<AltocloudAdmin>(black_box(ami)).is_ok())
    });
    group.finish();
}

criterion_group!(benches, decisions);
criterion_main!(benches);
