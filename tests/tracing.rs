//! The `tracing` feature: a reload is an `info` event (or a `warn` with the reason when it is
//! refused), a gate denial a `debug` event naming the gate, the principal and the missing keys;
//! an allowed question logs nothing.

#![cfg(feature = "tracing")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::{BuildError, Catalog, Policy, PolicyHandle, gates::ActionMapAnalyticsReport, perm};
use tracing::Level;

#[path = "support/capture.rs"]
mod capture;
use capture::Capture;

fn build(grants: &[&str]) -> Result<Policy, BuildError> {
    Ok(Policy::builder(Catalog::builtin()).role("viewer", grants)?.build())
}

#[test]
fn reloads_and_denials_are_events_and_allowed_questions_are_silent() {
    let capture = Capture::default();
    let events = capture.0.clone();
    tracing::subscriber::with_default(capture, || {
        let handle = PolicyHandle::new(build(&["journey:actionmap:view"]).unwrap());
        let policy = handle.load();
        let viewer = policy.role("viewer").unwrap();
        assert!(policy.allows(viewer, perm::journey::ACTIONMAP_VIEW));
        assert!(events.lock().unwrap().is_empty(), "an allowed question logs nothing");

        assert!(policy.check::<ActionMapAnalyticsReport>(viewer).is_err());
        handle.reload(|_| build(&["journey:*:*"])).unwrap();
        assert!(handle.reload(|_| build(&["*:*:*"])).is_err());
    });
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 3, "{events:#?}");
    assert_eq!(
        events[0],
        format!(
            "{} message=permgate: gate denied gate=\"ActionMapAnalyticsReport\" principal=role `viewer` \
             missing=[\"journey:report:view\"] unmet_any_of=0",
            Level::DEBUG
        )
    );
    assert_eq!(
        events[1],
        format!("{} message=permgate: policy reloaded roles=1 users=0", Level::INFO)
    );
    assert!(
        events[2].starts_with(&format!(
            "{} message=permgate: policy reload refused, the current policy stays reason=",
            Level::WARN
        )),
        "{}",
        events[2]
    );
    assert!(events[2].contains("wildcard domain"), "{}", events[2]);
}

#[cfg(feature = "live")]
#[test]
fn an_organization_s_loads_reloads_and_removals_are_events_naming_it() {
    use permgate::live::Organizations;

    let capture = Capture::default();
    let events = capture.0.clone();
    tracing::subscriber::with_default(capture, || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let organizations = Organizations::new(|org: &str| {
                let grants: &[&str] = if org == "good" { &["journey:*:*"] } else { &["*:*:*"] };
                std::future::ready(build(grants))
            });
            organizations.policy("good").await.unwrap();
            organizations.policy("good").await.unwrap(); // loaded: no event
            assert!(organizations.policy("bad\nname").await.is_err());
            organizations.reload("good").await.unwrap();
            assert!(organizations.remove("good").await);
        });
    });
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 4, "{events:#?}");
    let (info, warn) = (Level::INFO, Level::WARN);
    assert_eq!(
        events[0],
        format!("{info} message=permgate: organization loaded organization=good roles=1 users=0")
    );
    assert!(
        events[1].starts_with(&format!(
            "{warn} message=permgate: organization not loaded organization=bad\\nname reason="
        )),
        "{}",
        events[1]
    );
    assert_eq!(
        events[2],
        format!("{info} message=permgate: organization reloaded organization=good roles=1 users=0")
    );
    assert_eq!(
        events[3],
        format!("{info} message=permgate: organization removed organization=good")
    );
}
