//! Reading a 403 body back: divisions only from where a division list can be, never
//! from an admin label; each key with its own label or none; the structured
//! `messageParams` first.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::{ForbiddenBody, forbidden_body};
use permgate::{Catalog, Policy, gates::ActionMapEditor, genesys::JsonError};
use serde_json::json;

const MISSING: &str = "Unable to perform the requested action. You are missing the following permission(s): ";
const DIVISIONS: &str = "in at least one of the following division(s): ";

fn read(message: &str) -> ForbiddenBody {
    ForbiddenBody::parse(&json!({"code": "missing.permissions", "message": message}).to_string()).unwrap()
}

fn labels(read: &ForbiddenBody) -> Vec<Option<&str>> {
    read.missing.iter().map(|m| m.label.as_deref()).collect()
}

#[test]
fn a_label_holding_the_division_words_adds_no_division() {
    // As `forbidden_body` writes an organization permission whose label an
    // admin wrote: the label follows the keys, in parentheses.
    let forged = read(&format!(
        "{MISSING}[queues:queue:view] (Queues > Queue > View {DIVISIONS}[d-forged])"
    ));
    assert!(forged.divisions.is_empty(), "{:?}", forged.divisions);
    assert_eq!(forged.missing[0].key, "queues:queue:view");
    assert_eq!(
        labels(&forged),
        [Some(format!("Queues > Queue > View {DIVISIONS}[d-forged]").as_str())]
    );
    // The platform's own division clause, right after the list, is read.
    let scoped = read(&format!(
        "{MISSING}[routing:queue:edit:d-east] {DIVISIONS}[d-east, d-west]"
    ));
    assert_eq!(scoped.divisions, ["d-east", "d-west"]);
    assert_eq!(scoped.missing[0].division.as_deref(), Some("d-east"));
    // `messageParams.divisions`, when the body has it, comes first.
    let body = json!({"code": "missing.permissions", "message": format!("{MISSING}[routing:queue:edit] {DIVISIONS}[d-text]"),
        "messageParams": {"divisions": "[d-param]"}});
    assert_eq!(ForbiddenBody::parse(&body.to_string()).unwrap().divisions, ["d-param"]);
}

#[test]
fn two_keys_and_one_label_leave_both_keys_without_a_label() {
    // Which key the one label belongs to cannot be told: neither gets it.
    let one = read(&format!(
        "{MISSING}[routing:queue:join, routing:queue:search] (Routing > Queue > Search)"
    ));
    assert_eq!(labels(&one), [None, None]);
    // One label per key: each key gets its own, as the catalog has it.
    let policy = Policy::builder(Catalog::builtin())
        .role("viewer", ["journey:actionmap:view"])
        .unwrap()
        .build();
    let denied = policy
        .check::<ActionMapEditor>(policy.role("viewer").unwrap())
        .unwrap_err();
    let read = ForbiddenBody::parse(&forbidden_body(&denied, None).to_string()).unwrap();
    assert_eq!(read.missing.len(), 3);
    for missing in &read.missing {
        let label = missing.resolve(Catalog::builtin()).and_then(|p| p.label());
        assert_eq!(missing.label.as_deref(), label, "{}", missing.key);
    }
}

#[test]
fn message_params_come_first_and_must_agree_with_the_message() {
    let only_params = json!({"code": "missing.permissions", "message": "You may not.",
        "messageParams": {"permissions": "[routing:queue:view]"}});
    let read = ForbiddenBody::parse(&only_params.to_string()).unwrap();
    assert_eq!(read.missing[0].key, "routing:queue:view");
    let disagree = json!({"code": "missing.permissions", "message": format!("{MISSING}[routing:queue:view]"),
        "messageParams": {"permissions": "[routing:queue:view, routing:queue:edit]"}});
    let error = ForbiddenBody::parse(&disagree.to_string()).unwrap_err();
    assert!(matches!(error, JsonError::Invalid { .. }), "{error:?}");
    assert_eq!(error.path(), Some("$.messageParams.permissions"));
}
