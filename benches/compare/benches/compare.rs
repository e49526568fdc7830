//! The same prepared questions asked of every engine, in one criterion group
//! (`decision/<role or user>/<question>/<engine>`), then the heap each compiled
//! permgate role takes, measured with a counting allocator and printed.
//!
//! Run with `cargo bench` in `benches/compare`; `cargo run --release --bin
//! table` prints the same comparison as one table. The scale measurements
//! that need only permgate are in the main crate's `benches/scale.rs`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use permgate::Policy;
use permgate_compare::memory::{CountingAlloc, heap_growth};
use permgate_compare::scale::{adding_two, dropping_two, every_entity_grants, policy_of};
use permgate_compare::{
    Casbin, Cedar, Engine, HashSetBaseline, PermgateCompiled, PermgateStr, PermgateTyped, PremiumAppSample, Question,
    Workload,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// `permgate allows (typed)` becomes `permgate-allows-typed`.
fn id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    id.split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn bench<E: Engine>(group: &mut BenchmarkGroup<'_, WallTime>, engine: &E, question: &Question) {
    let prepared = engine.prepare(&question.who, &question.permission).unwrap();
    let name = format!("{}/{}/{}", question.who, id(question.kind.label()), id(E::NAME));
    group.bench_function(name, |b| b.iter(|| engine.decide(black_box(&prepared))));
}

fn decisions(c: &mut Criterion) {
    let workload = Workload::load().unwrap();
    let typed = PermgateTyped::build(&workload).unwrap();
    let string = PermgateStr::build(&workload).unwrap();
    let compiled = PermgateCompiled::build(&workload).unwrap();
    let cedar = Cedar::build(&workload).unwrap();
    let casbin = Casbin::build(&workload).unwrap();
    let baseline = HashSetBaseline::build(&workload).unwrap();
    let premium = PremiumAppSample::build(&workload).unwrap();
    let mut group = c.benchmark_group("decision");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for question in workload.questions.iter().chain(&workload.user_questions) {
        bench(&mut group, &typed, question);
        bench(&mut group, &string, question);
        bench(&mut group, &compiled, question);
        bench(&mut group, &cedar, question);
        bench(&mut group, &casbin, question);
        bench(&mut group, &baseline, question);
        bench(&mut group, &premium, question);
    }
    group.finish();
}

/// Prints the heap per compiled role: the heap a policy of 1,000 distinct
/// roles holds beyond an empty policy's, divided by 1,000. Distinct, since a
/// policy stores roles that grant alike once: `lbp-agent.json` plus a pair of
/// catalog keys of its own, the `*` role without a pair of its grants.
fn memory(_: &mut Criterion) {
    const ROLES: usize = 1_000;
    let workload = Workload::load().unwrap();
    let catalog = &workload.catalog;
    let lbp = workload.role("lbp-agent").map(|role| role.grants.clone()).unwrap();
    let pool: Vec<String> = workload
        .concrete_keys()
        .into_iter()
        .filter(|key| !workload.reference("lbp-agent", key))
        .collect();
    let every_entity = every_entity_grants(&Workload::org_catalog_json().unwrap()).unwrap();
    let (empty, base) = heap_growth(|| Policy::builder(catalog).build());
    drop(empty);
    let roles = [
        ("lbp-agent.json", adding_two(&lbp, &pool, ROLES)),
        ("`*` on every entity", dropping_two(&every_entity, ROLES)),
    ];
    for (name, roles) in &roles {
        let (policy, growth) = heap_growth(|| policy_of(catalog, roles).unwrap());
        assert_eq!(policy.roles().len(), ROLES);
        let per_role = (growth.unwrap() - base.unwrap()) / ROLES as isize;
        let bitset = catalog.len().div_ceil(64) * 8;
        println!("memory/{name}: {per_role} bytes per role ({bitset} of them bitset row)");
    }
}

criterion_group!(benches, decisions, memory);
criterion_main!(benches);
