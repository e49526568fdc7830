//! Users compiled on demand: compiling a user from a users/me document of
//! 51 permissions and 3 policies (JSON parsing included), and `allows` and
//! `check` on the compiled user (in every division, and `allows` in one)
//! beside the same on a role of a policy.
//!
//! Run with `cargo bench --bench ondemand`. The memory of a compiled user
//! is measured by `tests/ondemand_memory.rs` (a counting allocator).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::gates::ActionMapAnalyticsReport;
use permgate::genesys::UserAuthorization;
use permgate::{Catalog, Policy, perm};

#[path = "../tests/support/users_me.rs"]
mod users_me;
use users_me::users_me;

fn ondemand(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let policy = Policy::builder(catalog)
        .role(
            "agent",
            ["routing:queue:view", "journey:actionmap:view", "journey:report:view"],
        )
        .unwrap()
        .build();
    let agent = policy.role("agent").unwrap();
    let document = users_me();
    let mut group = c.benchmark_group("ondemand");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function(
        "compile_user/users-me (51 permissions, 3 policies), JSON included",
        |b| {
            b.iter(|| {
                let me = UserAuthorization::parse(black_box(&document)).unwrap();
                policy.compile_user(&me.definition(None)).unwrap()
            })
        },
    );
    group.bench_function("compile_user/users-me (51 permissions, 3 policies), JSON only", |b| {
        b.iter(|| UserAuthorization::parse(black_box(&document)).unwrap().definition(None))
    });
    let definition = UserAuthorization::parse(&document).unwrap().definition(None);
    group.bench_function(
        "compile_user/users-me (51 permissions, 3 policies), definition only",
        |b| b.iter(|| policy.compile_user(black_box(&definition)).unwrap()),
    );
    let user = policy.compile_user(&definition).unwrap();
    assert!(user.allows(perm::routing::QUEUE_VIEW) && policy.allows(agent, perm::routing::QUEUE_VIEW));
    assert!(user.check::<ActionMapAnalyticsReport>().is_ok());
    assert!(policy.check::<ActionMapAnalyticsReport>(agent).is_ok());
    group.bench_function("allows/typed hit, role", |b| {
        b.iter(|| policy.allows(black_box(agent), perm::routing::QUEUE_VIEW))
    });
    group.bench_function("allows/typed hit, compiled user", |b| {
        b.iter(|| black_box(&user).allows(perm::routing::QUEUE_VIEW))
    });
    let east = user.in_division("d-east");
    assert!(east.allows(perm::routing::QUEUE_VIEW));
    group.bench_function("allows/typed hit, compiled user in a division", |b| {
        b.iter(|| black_box(&east).allows(perm::routing::QUEUE_VIEW))
    });
    group.bench_function("allows/typed miss, role", |b| {
        b.iter(|| policy.allows(black_box(agent), perm::journey::ACTIONMAP_EDIT))
    });
    group.bench_function("allows/typed miss, compiled user", |b| {
        b.iter(|| black_box(&user).allows(perm::journey::ACTIONMAP_EDIT))
    });
    group.bench_function("check/small gate (2), role", |b| {
        b.iter(|| policy.check::<ActionMapAnalyticsReport>(black_box(agent)).is_ok())
    });
    group.bench_function("check/small gate (2), compiled user", |b| {
        b.iter(|| black_box(&user).check::<ActionMapAnalyticsReport>().is_ok())
    });
    group.finish();
}

criterion_group!(benches, ondemand);
criterion_main!(benches);
