//! `permgate pull` end to end: the binary, as an admin runs it, against the
//! Platform API stand-in (`tests/support/platform.rs`, on loopback in this
//! process) serving a generated organization of 500 roles and 10,000 users
//! with their authorization (the client's pages of 100): the token, every
//! page, the merge, the snapshot written, synced and read back, and the
//! process's own start. The requests one pull makes are printed once.
//! Beside it, the same reads alone, in process (`Client::document` and
//! `Client::listing`, as `pull` calls them): what the Platform API's pages
//! cost, without the process, the write and the read-back.
//!
//! Run with `cargo bench --bench pull --features cli`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../tests/support/platform.rs"]
mod platform;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::client::{Client, Credential, Endpoint};
use platform::{CLIENT_ID, CLIENT_SECRET, Org, Platform};

const ROLES: usize = 500;
const USERS: usize = 10_000;

/// Runs one pull into `out` and returns its `--json` summary.
fn pull(base: &str, out: &Path) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_permgate"))
        .args(["pull", "--api-base", base, "--login-base", base, "--json", "--out"])
        .arg(out)
        .env("GENESYS_CLIENT_ID", CLIENT_ID)
        .env("GENESYS_CLIENT_SECRET", CLIENT_SECRET)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let org = Org::new(ROLES, USERS);
    let stand_in = runtime.block_on(Platform::start(move |call| org.answer(call).unwrap()));
    let base = stand_in.base();
    let scratch = std::env::temp_dir().join(format!("permgate-bench-pull-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let folder = |n: u64| -> PathBuf { scratch.join(format!("snap-{n}")) };

    let first = folder(0);
    let summary = pull(&base, &first);
    let bytes: u64 = std::fs::read_dir(&first)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "pull of {ROLES} roles and {USERS} users: {} requests (the token's included), a snapshot of {:.1} MiB",
        summary["requests"],
        bytes as f64 / (1024.0 * 1024.0)
    );
    assert_eq!(summary["counts"]["users"], USERS);
    std::fs::remove_dir_all(&first).unwrap();

    let mut group = c.benchmark_group("pull");
    group.sample_size(10);
    group.bench_function(format!("{ROLES}_roles_{USERS}_users"), |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for n in 0..iterations {
                let out = folder(n + 1);
                let start = Instant::now();
                pull(&base, &out);
                total += start.elapsed();
                std::fs::remove_dir_all(&out).unwrap();
            }
            total
        });
    });
    group.bench_function(format!("{ROLES}_roles_{USERS}_users_reads_only"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let client = Client::builder()
                    .api_base(base.as_str())
                    .login_base(base.as_str())
                    .client_credentials(CLIENT_ID, Credential::new(CLIENT_SECRET.to_owned()))
                    .build()
                    .unwrap();
                let mut bytes = client.document(Endpoint::ORGANIZATION, &[]).await.unwrap().len();
                for (endpoint, query) in [
                    (Endpoint::ROLES, &[][..]),
                    (Endpoint::PERMISSIONS, &[]),
                    (Endpoint::DIVISIONS, &[]),
                    (Endpoint::USERS, &[("expand", "authorization")]),
                    (Endpoint::PRODUCTS, &[]),
                ] {
                    bytes += client.listing(endpoint, query).await.unwrap().len();
                }
                assert_eq!(client.requests(), summary["requests"]);
                bytes
            })
        });
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&scratch);
}

criterion_group!(benches, bench);
criterion_main!(benches);
