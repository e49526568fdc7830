//! `permgate pull` end to end: the binary against the Platform API stand-in
//! (`support/platform.rs`) on loopback. A pull writes a snapshot that
//! `Snapshot::read` reads back with the stand-in's exact roles, users and
//! counts; a refused or failed pull (401, 403, 5xx after the retries, a
//! looping nextUri, too many pages, a slow answer, a user without its
//! authorization) exits 2 with the reason and leaves neither the folder nor
//! a temporary one; the secret and the token never appear in the output or
//! the files. No test touches the network; each is bounded in time.

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/platform.rs"]
mod platform;
mod support;

use support::{Run, TempDir};

/// Where a test pulls to.
fn out(scratch: &TempDir) -> PathBuf {
    scratch.0.join("snap")
}

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use permgate::Catalog;
use permgate::genesys::snapshot::{self, Snapshot};
use platform::{CLIENT_ID, CLIENT_SECRET, Call, Org, Platform, Reply, missing_permission};
use serde_json::{Value, json};

/// Runs `permgate pull --api-base BASE --login-base BASE --out OUT ARGS`
/// with the credentials `secret` (none: unset), off the runtime's threads.
async fn pull(platform: &Platform, out: &Path, secret: Option<&str>, args: &[&str]) -> Run {
    let base = platform.base();
    let mut command = Command::new(env!("CARGO_BIN_EXE_permgate"));
    command
        .args(["pull", "--api-base", &base, "--login-base", &base, "--out"])
        .arg(out)
        .args(args)
        .env_remove("GENESYS_CLIENT_ID")
        .env_remove("GENESYS_CLIENT_SECRET");
    if let Some(secret) = secret {
        command
            .env("GENESYS_CLIENT_ID", CLIENT_ID)
            .env("GENESYS_CLIENT_SECRET", secret);
    }
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || command.output().unwrap()),
    )
    .await
    .expect("the pull ran out of time")
    .unwrap();
    let run = Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Every file under `dir`, as text.
fn texts(dir: &Path) -> Vec<(String, String)> {
    let mut all = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                all.extend(texts(&path));
            } else {
                all.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    all
}

/// Neither the secret nor a token the stand-in issued is in the run's
/// output or in any file under `dir`.
fn assert_no_secret(run: &Run, dir: &Path, platform: &Platform) {
    let tokens: Vec<String> = (1..=platform.token_requests() + 1).map(Platform::token).collect();
    let mut places = vec![
        ("stdout".to_owned(), run.stdout.clone()),
        ("stderr".to_owned(), run.stderr.clone()),
    ];
    places.extend(texts(dir));
    for (place, text) in places {
        assert!(!text.contains(CLIENT_SECRET), "the secret is in {place}");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "a token is in {place}");
        }
    }
}

/// A refused or failed pull: exit 2, the reason on stderr, nothing written
/// (no folder, no temporary one), no secret anywhere.
#[track_caller]
fn assert_failed(run: &Run, scratch: &TempDir, platform: &Platform, reason: &str) {
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(reason), "expected `{reason}` in:\n{}", run.stderr);
    assert!(run.stderr.contains("no snapshot was written"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(scratch.entries(), Vec::<String>::new());
    assert_no_secret(run, &scratch.0, platform);
}

async fn stand_in(org: Org) -> Arc<Platform> {
    Platform::start(move |call| {
        org.answer(call)
            .unwrap_or_else(|| Reply::error(404, "not.found", "no such path"))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_writes_the_organization_as_the_stand_in_has_it() {
    let mut org = Org::new(130, 230);
    // Small pages: every listing of more than 50 entities comes in several.
    org.max_page_size = 50;
    let expected = org.clone();
    let platform = stand_in(org).await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(scratch.entries(), ["snap"]);
    assert_no_secret(&run, &scratch.0, &platform);

    let snapshot = Snapshot::read(&out(&scratch), Catalog::builtin()).unwrap();
    let manifest = snapshot.manifest();
    assert_eq!(manifest.organization.id, "o-1");
    assert_eq!(manifest.organization.name.as_deref(), Some("Acme"));
    assert_eq!(manifest.region, None);
    assert_eq!(manifest.api_base, platform.base());
    let counts = manifest.counts;
    assert_eq!(
        (
            counts.roles,
            counts.permissions,
            counts.divisions,
            counts.users,
            counts.products
        ),
        (130, 2, 3, 230, 2)
    );
    // The roles and users, in the stand-in's order, each entity as it sent it.
    let names: Vec<&str> = snapshot.roles().roles.iter().map(|r| r.name.as_str()).collect();
    let sent: Vec<&str> = expected.roles.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, sent);
    let ids: Vec<&str> = snapshot.users().iter().map(|u| u.id.as_deref().unwrap()).collect();
    let sent: Vec<&str> = expected.users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, sent);
    let users: Value =
        serde_json::from_str(&std::fs::read_to_string(out(&scratch).join(snapshot::USERS)).unwrap()).unwrap();
    assert_eq!(users["entities"].as_array().unwrap(), &expected.users);
    assert_eq!(
        (&users["total"], &users["pageCount"], users.get("nextUri")),
        (&json!(230), &json!(1), None)
    );
    assert_eq!(
        std::fs::read_to_string(out(&scratch).join(snapshot::ORGANIZATION)).unwrap(),
        platform::organization("o-1", "Acme").to_string()
    );
    // The organization's own permission is in the snapshot's catalog.
    assert!(snapshot.catalog().lookup("acme:widget:spin").is_some());
    let policy = snapshot.policy().unwrap();
    assert_eq!(
        policy.allows(policy.role("role 2").unwrap(), "acme:widget:spin"),
        Ok(true)
    );
    assert_eq!(snapshot.user("user7@example.com").unwrap().id.as_deref(), Some("u-7"));

    // The summary: the counts, and every request the stand-in answered (the token's included).
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    let requests = platform.calls().len() + platform.token_requests();
    // 1 token, 1 organization, 3 pages of roles, 1 of permissions, 1 of divisions, 5 of users, 1 of products.
    assert_eq!(requests, 13);
    assert_eq!(summary["requests"], json!(requests));
    assert_eq!(
        summary["counts"],
        json!({"roles": 130, "permissions": 2, "divisions": 3, "users": 230, "products": 2})
    );
    assert_eq!(summary["organization"], json!({"id": "o-1", "name": "Acme"}));
    assert_eq!(summary["region"], Value::Null);
    assert_eq!(summary["pulled_at"].as_str(), Some(manifest.pulled_at.as_str()));
    assert!(summary["seconds"].as_f64().unwrap() > 0.0);
    // Every users page asked for the authorization.
    let user_calls: Vec<Call> = platform
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v2/users")
        .collect();
    assert_eq!(user_calls.len(), 5);
    assert!(
        user_calls
            .iter()
            .all(|c| c.query("expand").as_deref() == Some("authorization"))
    );

    // The same pull as text: the summary, and a folder that exists is not written over.
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("exists: a snapshot is written to a new folder"),
        "{}",
        run.stderr
    );
    let other = scratch.0.join("snap2");
    let run = pull(&platform, &other, Some(CLIENT_SECRET), &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "pulled organization `Acme` (o-1) from {} into {}",
            platform.base(),
            other.display()
        )
    );
    assert!(run.stdout.contains("  users        230\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  permissions  2 domains\n"), "{}", run.stdout);
    assert!(run.stdout.contains("13 requests in "), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_write_nothing() {
    let platform = stand_in(Org::new(3, 3)).await;
    let scratch = TempDir::new();
    // The login host refuses the secret.
    let run = pull(&platform, &out(&scratch), Some("not-the-secret"), &[]).await;
    assert_failed(&run, &scratch, &platform, "the credentials were refused");
    assert!(platform.calls().is_empty());
    // The Platform API refuses the token it gave (401), once more with a fresh one.
    let platform = Platform::start(|_| Reply::error(401, "bad.credentials", "Invalid login credentials.")).await;
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_failed(
        &run,
        &scratch,
        &platform,
        "the credentials were refused: the Platform API refused the OAuth client's token (401)",
    );
    assert_eq!(platform.token_requests(), 2);
    // No credentials at all: nothing is asked.
    let run = pull(&platform, &out(&scratch), None, &[]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("GENESYS_CLIENT_ID is not set"), "{}", run.stderr);
    assert_eq!(platform.token_requests(), 2);
    assert_eq!(scratch.entries(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_names_the_permission_the_oauth_client_lacks() {
    let org = Org::new(3, 3);
    let platform = Platform::start(move |call| {
        if call.path == "/api/v2/authorization/roles" {
            missing_permission("authorization:role:view")
        } else {
            org.answer(call).unwrap()
        }
    })
    .await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_failed(
        &run,
        &scratch,
        &platform,
        "the OAuth client's role lacks `authorization:role:view`, which `getAuthorizationRoles` (GET /api/v2/authorization/roles) requires (403)",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_is_retried_and_fails_only_after_the_retries() {
    // Two 503s on the users, then the answers: the pull succeeds.
    let org = Org::new(3, 4);
    let failures = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&failures);
    let platform = Platform::start(move |call| {
        if call.path == "/api/v2/users" && seen.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::error(503, "service.unavailable", "Try again")
        } else {
            org.answer(call).unwrap()
        }
    })
    .await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &["--retries", "2"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        Snapshot::read(&out(&scratch), Catalog::builtin())
            .unwrap()
            .users()
            .len(),
        4
    );
    assert_eq!(failures.load(Ordering::SeqCst), 3);

    // Always 503: the pull fails after its one retry.
    let org = Org::new(3, 4);
    let platform = Platform::start(move |call| {
        if call.path == "/api/v2/authorization/divisions" {
            Reply::error(503, "service.unavailable", "Try again")
        } else {
            org.answer(call).unwrap()
        }
    })
    .await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &["--retries", "1"]).await;
    assert_failed(&run, &scratch, &platform, "the Platform API answered 503");
    assert!(run.stderr.contains("after 1 retries"), "{}", run.stderr);
    let tries = platform
        .calls()
        .iter()
        .filter(|c| c.path == "/api/v2/authorization/divisions")
        .count();
    assert_eq!(tries, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_loop_or_run_past_the_limit_write_nothing() {
    let org = Org::new(3, 3);
    let platform = Platform::start(move |call| {
        if call.path == "/api/v2/authorization/divisions" {
            let mut page = platform::listing(&call.path, &[json!({"id": "d-1", "name": "Home"})], 1, 2, 1);
            page["nextUri"] = json!(call.uri.clone());
            Reply::json(&page)
        } else {
            org.answer(call).unwrap()
        }
    })
    .await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_failed(&run, &scratch, &platform, "the pages loop");

    let org = Org::new(3, 3);
    let platform = Platform::start(move |call| {
        if call.path == "/api/v2/users" {
            Reply::json(&platform::listing(&call.path, &[], 1, 5_000, 100))
        } else {
            org.answer(call).unwrap()
        }
    })
    .await;
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_failed(&run, &scratch, &platform, "more than 1000 pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_times_out_and_writes_nothing() {
    let org = Org::new(3, 3);
    let platform = Platform::start(move |call| {
        let reply = org.answer(call).unwrap();
        if call.path == "/api/v2/authorization/products" {
            reply.after(Duration::from_secs(3))
        } else {
            reply
        }
    })
    .await;
    let scratch = TempDir::new();
    let run = pull(
        &platform,
        &out(&scratch),
        Some(CLIENT_SECRET),
        &["--timeout", "1", "--retries", "0"],
    )
    .await;
    assert_failed(&run, &scratch, &platform, "no answer within 1000 ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_its_authorization_fails_the_pull_rather_than_landing() {
    let org = Org::new(3, 3);
    let platform = Platform::start(move |call| {
        if call.path == "/api/v2/users" {
            let mut users = org.users.clone();
            users[1].as_object_mut().unwrap().remove("authorization");
            platform::page_of(call, &users, 500)
        } else {
            org.answer(call).unwrap()
        }
    })
    .await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_failed(
        &run,
        &scratch,
        &platform,
        "users.json: `$.entities[1]`: no `authorization`",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_on_a_read_whose_docs_list_no_permission_names_what_the_body_names() {
    let platform = Platform::start(|_| missing_permission("directory:organization:view")).await;
    let scratch = TempDir::new();
    let run = pull(&platform, &out(&scratch), Some(CLIENT_SECRET), &[]).await;
    assert_failed(
        &run,
        &scratch,
        &platform,
        "the OAuth client's role lacks `directory:organization:view`, which the 403 of `getOrganizationsMe` (GET /api/v2/organizations/me) names (its docs list no permission)",
    );
}

/// Plain http is accepted only on loopback (the client's rule; `pull` never
/// widens it), and a region must be one Genesys Cloud publishes: both
/// refused before any request, nothing written.
#[test]
fn hosts_off_loopback_over_http_and_unknown_regions_are_refused_before_any_request() {
    let scratch = TempDir::new();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_permgate"))
            .args(["pull", "--out"])
            .arg(out(&scratch))
            .args(args)
            .env("GENESYS_CLIENT_ID", CLIENT_ID)
            .env("GENESYS_CLIENT_SECRET", CLIENT_SECRET)
            .output()
            .unwrap();
        (output.status.code(), String::from_utf8(output.stderr).unwrap())
    };
    let (code, stderr) = run(&[
        "--api-base",
        "http://proxy.internal",
        "--login-base",
        "http://proxy.internal",
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("is plain http off loopback"), "{stderr}");
    let (code, stderr) = run(&["--region", "us-east-1", "--login-base", "http://10.0.0.1:8080"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("login base URL `http://10.0.0.1:8080` is plain http off loopback"),
        "{stderr}"
    );
    let (code, stderr) = run(&["--region", "mars-north-1"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("mars-north-1"), "{stderr}");
    let (code, stderr) = run(&["--api-base", "http://127.0.0.1:9"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("without --region, give both --api-base and --login-base"),
        "{stderr}"
    );
    assert!(!stderr.contains(CLIENT_SECRET));
    assert_eq!(scratch.entries(), Vec::<String>::new());
}
