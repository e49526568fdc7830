//! The extractors end to end, without a network: `Authorized<G>::from_request_parts` on request
//! parts built here, over the live state (a cache hit: the caller's compiled user is cached)
//! beside the same over one policy (`Authz::new`, a sync `Resolve`).
//!
//! Run with `cargo bench --bench extractor --features axum,live`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::Request;
use axum::http::request::Parts;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use permgate::axum::{Authorized, Authz, Identify, Identity, Rejection, Resolve};
use permgate::gates::ActionMapEditor;
use permgate::live::{Organizations, Users};
use permgate::{BuildError, Catalog, Division, Policy, PolicyHandle, Principal, RoleDefinition, UserDefinition};

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

const GRANTS: &[&str] = &["journey:actionmap:*", "routing:queue:view"];

/// The organization from `x-org`, the user id from `x-user-id` (what a verified token gives).
struct Headers;

fn header<'a>(parts: &'a Parts, name: &str) -> Result<&'a str, Rejection> {
    parts
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| Rejection::unauthenticated("no caller"))
}

impl Identify for Headers {
    async fn identify(&self, parts: &Parts) -> Result<Identity, Rejection> {
        Ok(Identity::new(header(parts, "x-org")?, header(parts, "x-user-id")?))
    }
}

impl Resolve for Headers {
    fn resolve(&self, parts: &Parts, policy: &Policy) -> Result<Principal, Rejection> {
        let name = header(parts, "x-user-id")?;
        Ok(policy.user(name).ok_or_else(|| Rejection::unknown(name))?.into())
    }
}

fn parts() -> Parts {
    Request::builder()
        .header("x-org", "org-a")
        .header("x-user-id", "u-1")
        .header("inin-correlation-id", "c-1")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();

    let organizations = Organizations::new(|_org: &str| async {
        Ok::<_, BuildError>(Policy::builder(Catalog::builtin()).role("agent", GRANTS)?.build())
    });
    let users = Users::new(
        organizations,
        |_org: &str, user: &str, _credential: Option<&permgate::live::Credential>| {
            let user = user.to_owned();
            async move { Ok::<_, Never>(UserDefinition::new(user).role(RoleDefinition::new("agent"), Division::All)) }
        },
    );
    let live = Authz::live(users, Headers);

    let mut builder = Policy::builder(Catalog::builtin());
    let agent = builder.add_role("agent", GRANTS).unwrap();
    builder.add_user("u-1", [(agent, Division::All)]).unwrap();
    let single = Authz::new(Arc::new(PolicyHandle::new(builder.build())), Headers);

    let mut group = c.benchmark_group("extractor");
    group.measurement_time(Duration::from_secs(3));
    for (name, authz) in [("live, cache hit", &live), ("one policy", &single)] {
        // The first request loads the organization and the user.
        let warm = runtime.block_on(Authorized::<ActionMapEditor>::from_request_parts(&mut parts(), authz));
        assert!(warm.is_ok());
        group.bench_function(format!("Authorized<ActionMapEditor>, {name}"), |b| {
            b.iter_batched_ref(
                parts,
                |parts| {
                    let extracted = runtime.block_on(Authorized::<ActionMapEditor>::from_request_parts(parts, authz));
                    black_box(extracted.is_ok())
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
