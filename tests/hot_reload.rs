//! Hot reload under load: readers decide while a writer swaps policies.
//!
//! Two policies disagree on every probed permission; each reader takes a
//! snapshot, asks all questions of it, and checks that the answers are
//! exactly those of one of the two policies, never a mix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use permgate::{Catalog, Permission, Policy, PolicyHandle};

const READERS: usize = 4;
const SWAPS: usize = 2_000;

fn policy(grants: &[&str]) -> Policy {
    Policy::builder(Catalog::builtin())
        .role("agent", grants)
        .unwrap()
        .build()
}

#[test]
fn readers_see_one_policy_or_the_other_never_a_mix() {
    let catalog = Catalog::builtin();
    let old = ["journey:*:*"];
    let new = ["routing:*:*", "conversation:*:*"];
    let probes: Vec<Permission<'static>> = catalog
        .iter()
        .filter(|p| ["journey", "routing", "conversation"].contains(&p.domain()) && !p.is_wildcard())
        .collect();
    let answers = |p: &Policy| -> Vec<bool> {
        let agent = p.role("agent").unwrap();
        probes.iter().map(|&q| p.allows(agent, q)).collect()
    };
    let (old_answers, new_answers) = (answers(&policy(&old)), answers(&policy(&new)));
    assert!(
        old_answers.iter().zip(&new_answers).all(|(a, b)| a != b),
        "the two policies must disagree everywhere"
    );

    let handle = Arc::new(PolicyHandle::new(policy(&old)));
    let done = Arc::new(AtomicBool::new(false));
    let decisions = Arc::new(AtomicU64::new(0));
    let longest_load = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (handle, done, decisions, longest_load) =
                (handle.clone(), done.clone(), decisions.clone(), longest_load.clone());
            let (probes, old_answers, new_answers) = (probes.clone(), old_answers.clone(), new_answers.clone());
            thread::spawn(move || {
                let mut seen = [false, false];
                while !done.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let snapshot = handle.load();
                    longest_load.fetch_max(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
                    let agent = snapshot.role("agent").unwrap();
                    let got: Vec<bool> = probes.iter().map(|&q| snapshot.allows(agent, q)).collect();
                    match (got == old_answers, got == new_answers) {
                        (true, false) => seen[0] = true,
                        (false, true) => seen[1] = true,
                        _ => panic!("a snapshot mixed two policies: {got:?}"),
                    }
                    decisions.fetch_add(probes.len() as u64, Ordering::Relaxed);
                }
                seen
            })
        })
        .collect();
    for swap in 0..SWAPS {
        let grants: &[&str] = if swap % 2 == 0 { &new } else { &old };
        handle.reload(|_| Ok::<_, String>(policy(grants))).unwrap();
        if swap % 100 == 0 {
            // A failed reload keeps the current policy.
            assert!(
                handle
                    .reload(|_| Policy::builder(catalog).role("agent", ["*:*:*"]).map(|b| b.build()))
                    .is_err()
            );
        }
    }
    thread::sleep(Duration::from_millis(20));
    done.store(true, Ordering::Relaxed);
    let seen: Vec<[bool; 2]> = readers.into_iter().map(|r| r.join().unwrap()).collect();
    let decisions = decisions.load(Ordering::Relaxed);
    eprintln!(
        "hot reload: {READERS} readers, {SWAPS} swaps, {decisions} decisions checked, longest snapshot load {} µs",
        longest_load.load(Ordering::Relaxed) / 1000
    );
    assert!(decisions > 0);
    assert!(
        seen.iter().any(|s| s[0]) && seen.iter().any(|s| s[1]),
        "readers saw both policies"
    );
}
