//! The generator refuses every invalid platform catalog
//! (`catalogs/genesys-cloud-platform.json`) with the problem and the
//! place: one test per kind of invalid input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use permgate_generate::platform::FILE;
use permgate_generate::{Error, Place, Problem};
use serde_json::{Value, json};
use support::*;

/// A document catalog and the platform catalog with `rows`.
fn with_rows(rows: Vec<Value>) -> Vec<(&'static str, Value)> {
    with_platform(platform(rows))
}

fn with_platform(platform: Value) -> Vec<(&'static str, Value)> {
    vec![("a.json", catalog("a", vec![view()], vec![])), (FILE, platform)]
}

#[test]
fn a_valid_platform_catalog_adds_its_keys() {
    let mut removed = platform_row(
        "routing:queue:join",
        ("2018-11-28", "41.0.0"),
        ("2020-07-30", "87.0.0"),
        false,
    );
    removed["also_spelled"] = json!(["ROUTING:QUEUE:JOIN"]);
    let code = generate(&with_rows(vec![current("routing:queue:view"), removed])).unwrap();
    assert!(
        code.contains("PermissionInfo::platform(\"routing:queue:join\", 0, 1, false),"),
        "{code}"
    );
    assert!(code.contains("Some(Seen::new(0, 2, true)),"), "{code}");
    assert!(
        code.contains("SdkRelease::new(Release::new(87, 0), \"2020-07-30\"),"),
        "{code}"
    );
}

#[test]
fn a_schema_error() {
    let mut missing = current("routing:queue:view");
    missing.as_object_mut().unwrap().remove("current");
    let mut null = current("routing:queue:view");
    null["also_spelled"] = json!(null);
    let mut three = current("routing:queue:view");
    three["first"] = json!(["2018-11-28", "41.0.0", "x"]);
    for (row, found) in [
        (missing, "missing field `current`"),
        (null, "invalid type: null, expected a sequence"),
        (three, "trailing characters"),
    ] {
        match generate(&with_rows(vec![row])) {
            Err(error @ Error::Json { .. }) => {
                let message = error.to_string();
                assert!(
                    message.contains(&format!("{FILE}`: ")) && message.contains(found),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_id_that_is_not_the_file_name() {
    let mut broken = platform(vec![current("routing:queue:view")]);
    broken["id"] = json!("genesys-cloud");
    assert_eq!(
        refused(&with_platform(broken), FILE, Place::Field("id")),
        Problem::IdMismatch {
            id: "genesys-cloud".into()
        }
    );
}

#[test]
fn an_sdk_version_that_is_not_one() {
    for value in ["259.0", "259", "v259.0.0", "259.0.x"] {
        let mut broken = platform(vec![current("routing:queue:view")]);
        broken["sdk_version"] = json!(value);
        assert_eq!(
            refused(&with_platform(broken), FILE, Place::Field("sdk_version")),
            Problem::SdkVersion { value: value.into() }
        );
    }
}

#[test]
fn a_malformed_key() {
    for key in [
        "routing:queue",
        "routing:*:view",
        "routing:queue:*",
        "routing:queue:view:x",
        "ROUTING_VIEW",
    ] {
        assert_eq!(
            refused(&with_rows(vec![current(key)]), FILE, permission(key)),
            Problem::PlatformKey
        );
    }
}

#[test]
fn a_malformed_release() {
    for (date, version) in [
        ("2026-02-30", "259.0.0"),
        ("2026-13-01", "259.0.0"),
        ("2026-8-15", "259.0.0"),
        ("15.08.2026", "259.0.0"),
        ("2026-08-15", "1.x"),
        ("2026-08-15", "259.0"),
        ("2026-08-15", "259.00.0"),
    ] {
        let row = platform_row("routing:queue:view", ("2018-11-28", "41.0.0"), (date, version), true);
        assert_eq!(
            refused(&with_rows(vec![row]), FILE, permission("routing:queue:view")),
            Problem::SdkRelease {
                date: date.into(),
                version: version.into()
            }
        );
    }
}

#[test]
fn first_after_last() {
    let by_version = platform_row(
        "routing:queue:join",
        ("2020-07-30", "87.0.0"),
        ("2018-11-28", "41.0.0"),
        false,
    );
    let by_date = platform_row(
        "routing:queue:join",
        ("2020-07-30", "41.0.0"),
        ("2018-11-28", "87.0.0"),
        false,
    );
    for row in [by_version, by_date] {
        assert_eq!(
            refused(&with_rows(vec![row]), FILE, permission("routing:queue:join")),
            Problem::FirstAfterLast
        );
    }
}

#[test]
fn a_key_listed_twice() {
    let rows = vec![current("routing:queue:view"), current("routing:queue:VIEW")];
    assert_eq!(
        refused(&with_rows(rows), FILE, permission("routing:queue:VIEW")),
        Problem::ListedTwice
    );
}

#[test]
fn other_spellings_that_are_not() {
    for also in [
        json!(["routing:queue:join"]),
        json!(["routing:queue:view"]),
        json!(["ROUTING:QUEUE:VIEW", "ROUTING:QUEUE:VIEW"]),
        json!([]),
    ] {
        let mut row = current("routing:queue:view");
        row["also_spelled"] = also;
        assert_eq!(
            refused(&with_rows(vec![row]), FILE, permission("routing:queue:view")),
            Problem::AlsoSpelled
        );
    }
}

#[test]
fn one_release_with_two_dates() {
    let rows = vec![
        current("routing:queue:view"),
        platform_row(
            "routing:queue:join",
            ("2018-11-29", "41.0.0"),
            ("2026-08-15", "259.0.0"),
            true,
        ),
    ];
    assert_eq!(
        refused(&with_rows(rows), FILE, permission("routing:queue:join")),
        Problem::ReleaseDatedTwice {
            version: "41.0.0".into(),
            date: "2018-11-29".into(),
            other: "2018-11-28".into()
        }
    );
}

#[test]
fn a_current_key_not_seen_in_the_sdk_version() {
    let row = platform_row(
        "routing:queue:view",
        ("2018-11-28", "41.0.0"),
        ("2026-07-31", "258.0.0"),
        true,
    );
    assert_eq!(
        refused(&with_rows(vec![row]), FILE, permission("routing:queue:view")),
        Problem::CurrentNotInLatest {
            last: "258.0.0".into(),
            latest: "259.0.0".into()
        }
    );
}

#[test]
fn a_removed_key_seen_in_the_sdk_version() {
    let row = platform_row(
        "routing:queue:view",
        ("2018-11-28", "41.0.0"),
        ("2026-08-15", "259.0.0"),
        false,
    );
    assert_eq!(
        refused(&with_rows(vec![row]), FILE, permission("routing:queue:view")),
        Problem::RemovedInLatest {
            last: "259.0.0".into(),
            latest: "259.0.0".into()
        }
    );
}

#[test]
fn a_key_spelled_otherwise_by_a_document() {
    assert_eq!(
        refused(
            &with_rows(vec![current("routing:Queue:view")]),
            FILE,
            permission("routing:Queue:view")
        ),
        Problem::Respelled {
            other: "routing:queue:view".into()
        }
    );
}

#[test]
fn more_permissions_than_an_index_holds() {
    let rows = (0..65_536)
        .map(|i| current(&format!("routing:queue:view{i}")))
        .collect();
    let problem = refused(&with_rows(rows), "catalogs", Place::Field("permissions"));
    assert_eq!(problem, Problem::TooManyPermissions { count: 65_537 });
}
