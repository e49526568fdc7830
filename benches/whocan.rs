//! Who can do one permission (target under 10 ms): `Policy::who_can` over a
//! policy of 1,000 roles and 100,000 users over the builtin catalog, each
//! user holding three roles (one in every division, two in one of ten
//! divisions each), asked in every division, in one division and in any; a
//! permission a tenth of the roles grant, and one every role grants (every
//! user listed); and `Policy::who_can_among` over 10,000 users compiled on
//! demand.
//!
//! Run with `cargo bench --bench whocan`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::who_can::Within;
use permgate::{Catalog, Division, Permission, Policy, RoleDefinition, UserDefinition, perm};

const ROLES: usize = 1_000;
const USERS: usize = 100_000;
const COMPILED: usize = 10_000;
const DIVISIONS: usize = 10;

/// SplitMix64: the same policy on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The grants of role `n`: twenty catalog permissions at random, `routing:queue:join`
/// always, `routing:queue:view` for one role in ten.
fn role_grants(catalog: &Catalog, n: usize, rng: &mut Rng) -> Vec<String> {
    let keys: Vec<&str> = catalog
        .iter()
        .filter(|p| !p.key().ends_with('*') && !p.is_flat())
        .map(|p| p.key())
        .collect();
    let mut grants: Vec<String> = (0..20).map(|_| keys[rng.below(keys.len())].to_owned()).collect();
    grants.push("routing:queue:join".to_owned());
    if n % 10 == 0 {
        grants.push("routing:queue:view".to_owned());
    }
    grants
}

/// User `n`'s three grants: a role in every division, two roles in one division each.
fn user_grants(rng: &mut Rng) -> [(usize, Division); 3] {
    let division = |rng: &mut Rng| Division::new(&format!("d-{}", rng.below(DIVISIONS)));
    [
        (rng.below(ROLES), Division::All),
        (rng.below(ROLES), division(rng)),
        (rng.below(ROLES), division(rng)),
    ]
}

fn whocan(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let mut rng = Rng(0x5EED);
    let roles: Vec<RoleDefinition> = (0..ROLES)
        .map(|n| RoleDefinition::new(format!("role-{n}")).grant(role_grants(catalog, n, &mut rng)))
        .collect();
    let mut builder = Policy::builder(catalog);
    let ids: Vec<_> = roles
        .iter()
        .map(|role| builder.add_role_definition(role).unwrap())
        .collect();
    let mut users = Vec::with_capacity(USERS);
    for n in 0..USERS {
        let grants = user_grants(&mut rng);
        builder
            .add_user(&format!("user-{n}"), grants.iter().map(|(r, d)| (ids[*r], d.clone())))
            .unwrap();
        if n < COMPILED {
            let mut user = UserDefinition::new(format!("user-{n}"));
            for (role, division) in grants {
                user = user.role(RoleDefinition::new(roles[role].name.clone()), division);
            }
            users.push(user);
        }
    }
    let policy = builder.build();
    let compiled: Vec<_> = users.iter().map(|user| policy.compile_user(user).unwrap()).collect();
    eprintln!(
        "built {} roles, {} users and {} compiled users over {} permissions in {:.1?}",
        ROLES,
        USERS,
        COMPILED,
        catalog.len(),
        started.elapsed()
    );

    let asked: [(&str, Permission<'static>); 2] = [
        ("view (1 role in 10)", perm::routing::QUEUE_VIEW),
        ("join (every role)", perm::routing::QUEUE_JOIN),
    ];
    let within = [
        ("every division", Within::EveryDivision),
        ("division d-3", Within::Division("d-3")),
        ("any division", Within::AnyDivision),
    ];
    let mut group = c.benchmark_group("who_can");
    group.sample_size(20);
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, permission) in asked {
        for (place, within) in within {
            let who = policy.who_can(permission, within);
            eprintln!(
                "{name}, {place}: {} roles, {} users listed",
                who.roles.len(),
                who.users.len()
            );
            group.bench_function(format!("{USERS} users, {ROLES} roles/{name}/{place}"), |b| {
                b.iter(|| policy.who_can(black_box(permission), black_box(within)))
            });
        }
    }
    group.bench_function(
        format!("{USERS} users, {ROLES} roles/string routing:queue:view/any division"),
        |b| b.iter(|| policy.who_can(black_box("routing:queue:view"), Within::AnyDivision)),
    );
    let among = policy.who_can_among(perm::routing::QUEUE_VIEW, Within::AnyDivision, &compiled);
    eprintln!("among {COMPILED} compiled users: {} listed", among.len());
    group.bench_function(
        format!("{COMPILED} compiled users/view (1 role in 10)/any division"),
        |b| b.iter(|| policy.who_can_among(black_box(perm::routing::QUEUE_VIEW), Within::AnyDivision, &compiled)),
    );
    group.finish();
}

criterion_group!(benches, whocan);
criterion_main!(benches);
