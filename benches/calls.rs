//! Matching a concrete path to its Platform API operation and answering the
//! call on a role (target under 100 ns); `check` on a gate declared from
//! calls (typed, target under 5 ns).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use permgate::operation::Method;
use permgate::{Catalog, Policy, builtins, call, gate};

gate! {
    /// Two ALL calls and an ANY one, as a feature declares them.
    pub QueueAdmin {
        description: "Read a queue, its wrap-up codes, and add members.",
        calls: [
            "GET /api/v2/routing/queues/{queueId}",
            "POST /api/v2/routing/queues/{queueId}/wrapupcodes",
            "POST /api/v2/routing/queues/{queueId}/members",
        ],
    }
}

fn calls(c: &mut Criterion) {
    let policy = Policy::builder(Catalog::builtin())
        .role(
            "agent",
            ["routing:queue:view", "routing:queue:edit", "directory:user:view"],
        )
        .unwrap()
        .role("viewer", ["routing:queue:view"])
        .unwrap()
        .build();
    let agent = policy.role("agent").unwrap();
    let path = "/api/v2/routing/queues/3f1a8c2e-9d41-4b7a-a1f0-6c2d9e8b7a10/members";
    c.bench_function("call/find (match only)", |b| {
        b.iter(|| call::find(black_box(Method::Post), black_box(path)).is_ok())
    });
    c.bench_function("call/may_call allowed (role)", |b| {
        b.iter(|| {
            policy
                .may_call(agent, black_box(Method::Post), black_box(path))
                .map(|a| a.is_allowed())
        })
    });
    let users = "/api/v2/users/me";
    c.bench_function("call/may_call no permission (role)", |b| {
        b.iter(|| {
            policy
                .may_call(agent, black_box(Method::Get), black_box(users))
                .map(|a| a.is_allowed())
        })
    });
    // A gate composed from calls: the mask is their OR, made by the compiler.
    c.bench_function("call/check calls gate granted (role)", |b| {
        b.iter(|| policy.check::<QueueAdmin>(black_box(agent)).is_ok())
    });
    let viewer = policy.role("viewer").unwrap();
    c.bench_function("call/check calls gate denied (role)", |b| {
        b.iter(|| policy.check::<QueueAdmin>(black_box(viewer)).is_err())
    });
    // The table of every operation the role can call (target under 1 ms).
    c.bench_function("call/every operation (role)", |b| {
        b.iter(|| {
            builtins::operations()
                .filter(|op| matches!(policy.decide_operation(agent.into(), op), call::CallDecision::Allowed))
                .count()
        })
    });
}

criterion_group!(benches, calls);
criterion_main!(benches);
