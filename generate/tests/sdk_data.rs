//! `platform_catalog` refuses every invalid SDK permission list and history
//! with the problem and the place: one test per kind of invalid input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use permgate_generate::platform::{HISTORY_FILE, SDK_FILE, platform_catalog};
use permgate_generate::{Error, Place, Problem};
use serde_json::{Value, json};
use support::{permission, problem};

/// A history entry.
fn seen(current: bool, first: (&str, &str), last: (&str, &str)) -> Value {
    json!({"current": current, "first": [first.0, first.1], "last": [last.0, last.1]})
}

const OLD: (&str, &str) = ("2018-11-28", "41.0.0");
const MIDDLE: (&str, &str) = ("2020-07-30", "87.0.0");
const LATEST: (&str, &str) = ("2026-08-15", "259.0.0");

/// A history: a current key, one removed under another spelling, and one
/// removed for good.
fn history() -> Value {
    json!({
        "routing:queue:view": seen(true, OLD, LATEST),
        "ROUTING:QUEUE:VIEW": seen(false, OLD, MIDDLE),
        "routing:queue:join": seen(false, OLD, MIDDLE),
    })
}

const SDK: &str = "routing:queue:view\n";

fn run(sdk: &str, history: &Value) -> Result<String, Error> {
    platform_catalog(sdk, &history.to_string())
}

#[test]
fn valid_data_makes_the_catalog() {
    let catalog = run(SDK, &history()).unwrap();
    assert!(catalog.contains("\"sdk_version\": \"259.0.0\""), "{catalog}");
    assert!(catalog.contains("{\"key\": \"routing:queue:join\", \"first\": [\"2018-11-28\", \"41.0.0\"], \"last\": [\"2020-07-30\", \"87.0.0\"], \"current\": false},"), "{catalog}");
    assert!(catalog.contains("{\"key\": \"routing:queue:view\", \"first\": [\"2018-11-28\", \"41.0.0\"], \"last\": [\"2026-08-15\", \"259.0.0\"], \"current\": true, \"also_spelled\": [\"ROUTING:QUEUE:VIEW\"]}\n"), "{catalog}");
}

#[test]
fn a_history_that_is_not_its_schema() {
    let mut extra = history();
    extra["routing:queue:view"]["removed"] = json!(false);
    for (history, found) in [(extra, "unknown field `removed`"), (json!([]), "expected an object")] {
        match run(SDK, &history) {
            Err(error @ Error::Json { .. }) => {
                let message = error.to_string();
                assert!(
                    message.starts_with(&format!("`{HISTORY_FILE}`: ")) && message.contains(found),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_sdk_line_that_is_not_one_key() {
    for (sdk, line) in [
        ("routing:queue:view\n\nrouting:queue:join\n", 2),
        (" routing:queue:view\n", 1),
        ("routing:queue:view\nrouting:queue:join \n", 2),
        ("\n", 1),
    ] {
        assert_eq!(
            problem(run(sdk, &history()), SDK_FILE, Place::Line(line)),
            Problem::SdkLine
        );
    }
}

#[test]
fn an_empty_sdk_list() {
    assert_eq!(
        problem(run("", &history()), SDK_FILE, Place::File),
        Problem::EmptySdkList
    );
}

#[test]
fn a_malformed_key() {
    assert_eq!(
        problem(
            run("routing:queue:view\nrouting:*:view\n", &history()),
            SDK_FILE,
            permission("routing:*:view")
        ),
        Problem::PlatformKey
    );
    let mut broken = history();
    broken["routing:queue"] = seen(false, OLD, MIDDLE);
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue")),
        Problem::PlatformKey
    );
}

#[test]
fn an_sdk_key_listed_twice() {
    assert_eq!(
        problem(
            run("routing:queue:view\nROUTING:queue:view\n", &history()),
            SDK_FILE,
            permission("ROUTING:queue:view")
        ),
        Problem::ListedTwice
    );
}

#[test]
fn a_history_key_given_twice() {
    let text = history().to_string().replacen(
        "\"routing:queue:join\":",
        "\"routing:queue:join\":{\"current\":false,\"first\":[\"2018-11-28\",\"41.0.0\"],\"last\":[\"2018-11-28\",\"41.0.0\"]},\"routing:queue:join\":",
        1,
    );
    assert_eq!(
        problem(
            platform_catalog(SDK, &text),
            HISTORY_FILE,
            permission("routing:queue:join")
        ),
        Problem::ListedTwice
    );
}

#[test]
fn a_malformed_release() {
    for (date, version) in [
        ("2026-02-29", "259.0.0"),
        ("2026-08-15", "1.x"),
        ("2026-08-15", "259.0"),
    ] {
        let mut broken = history();
        broken["routing:queue:view"] = seen(true, OLD, (date, version));
        assert_eq!(
            problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue:view")),
            Problem::SdkRelease {
                date: date.into(),
                version: version.into()
            }
        );
    }
}

#[test]
fn first_after_last() {
    let mut broken = history();
    broken["routing:queue:join"] = seen(false, MIDDLE, OLD);
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue:join")),
        Problem::FirstAfterLast
    );
}

#[test]
fn one_release_with_two_dates() {
    let mut broken = history();
    broken["routing:queue:join"] = seen(false, OLD, ("2020-07-31", "87.0.0"));
    // `ROUTING:QUEUE:VIEW` comes first (capitals sort first) and dates 87.0.0 2020-07-30.
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue:join")),
        Problem::ReleaseDatedTwice {
            version: "87.0.0".into(),
            date: "2020-07-31".into(),
            other: "2020-07-30".into()
        }
    );
}

#[test]
fn a_current_key_the_sdk_does_not_list() {
    let mut broken = history();
    broken["routing:queue:join"] = seen(true, OLD, LATEST);
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue:join")),
        Problem::CurrentNotInSdk
    );
    // Listed, but in another spelling.
    let mut broken = history();
    broken["ROUTING:QUEUE:VIEW"] = seen(true, OLD, LATEST);
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("ROUTING:QUEUE:VIEW")),
        Problem::CurrentNotInSdk
    );
}

#[test]
fn a_removed_key_the_sdk_lists() {
    let mut broken = history();
    broken["routing:queue:view"] = seen(false, OLD, LATEST);
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue:view")),
        Problem::RemovedButInSdk
    );
}

#[test]
fn an_sdk_key_missing_from_the_history() {
    assert_eq!(
        problem(
            run("routing:queue:view\nrouting:queue:edit\n", &history()),
            SDK_FILE,
            permission("routing:queue:edit")
        ),
        Problem::MissingFromHistory
    );
    // The history has it only in another spelling.
    assert_eq!(
        problem(
            run("routing:queue:view\nrouting:QUEUE:join\n", &history()),
            SDK_FILE,
            permission("routing:QUEUE:join")
        ),
        Problem::MissingFromHistory
    );
}

#[test]
fn a_current_key_not_seen_in_the_latest_release() {
    let mut broken = history();
    broken["routing:queue:edit"] = seen(true, OLD, MIDDLE);
    assert_eq!(
        problem(
            run("routing:queue:view\nrouting:queue:edit\n", &broken),
            HISTORY_FILE,
            permission("routing:queue:edit")
        ),
        Problem::CurrentNotInLatest {
            last: "87.0.0".into(),
            latest: "259.0.0".into()
        }
    );
}

#[test]
fn a_removed_key_seen_in_the_latest_release() {
    let mut broken = history();
    broken["routing:queue:join"] = seen(false, OLD, LATEST);
    assert_eq!(
        problem(run(SDK, &broken), HISTORY_FILE, permission("routing:queue:join")),
        Problem::RemovedInLatest {
            last: "259.0.0".into(),
            latest: "259.0.0".into()
        }
    );
}
