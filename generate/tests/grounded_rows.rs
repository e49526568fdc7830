//! Rows grounded in Platform API calls (`calls`, `calls_differ`): each call
//! checked against the endpoint catalog, the row's keys against what the
//! calls require, and the gate's requirement taken from the calls.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use permgate_generate::{Place, Problem};
use serde_json::{Value, json};
use support::*;

const ENDPOINTS: &str = "endpoints/genesys-cloud-endpoints.json";

/// The endpoint catalog with `(method, path, operation, requires)` rows.
fn endpoints(ops: &[(&str, &str, &str, Value)]) -> Value {
    let operations: Vec<Value> = ops
        .iter()
        .map(|(method, path, name, requires)| {
            json!({"method": method, "path": path, "operation": name, "apis": ["RoutingApi"],
                   "deprecated": false, "requires": requires})
        })
        .collect();
    json!({"source": {"sdk": "s", "version": "259.0.0", "docs": "d", "commit": "c"},
           "generated_from": "g", "operations": operations})
}

fn requires(kind: &str, keys: &[&str]) -> Value {
    json!({"type": kind, "permissions": keys})
}

/// `routing:queue:view`, `routing:queue:join`, and the platform's
/// `routing:queue:edit`; four operations over them (one needing nothing, one only `admin`).
fn files(rows: Vec<Value>, gates: Vec<Value>) -> Vec<(&'static str, Value)> {
    let ops = endpoints(&[
        (
            "GET",
            "/api/v2/routing/queues",
            "getRoutingQueues",
            requires("ANY", &["routing:queue:view"]),
        ),
        ("GET", "/api/v2/routing/queues/me", "getRoutingQueuesMe", Value::Null),
        (
            "POST",
            "/api/v2/routing/queues/{queueId}/members",
            "postRoutingQueueMembers",
            requires("ANY", &["routing:queue:join", "routing:queue:edit"]),
        ),
        ("GET", "/api/v2/documents", "getDocuments", requires("ALL", &["admin"])),
    ]);
    vec![
        ("a.json", catalog("a", rows, gates)),
        (
            "genesys-cloud-platform.json",
            platform(vec![current("routing:queue:edit")]),
        ),
        (ENDPOINTS, ops),
    ]
}

fn grounded(mut row: Value, calls: &[&str], differ: Option<&str>) -> Value {
    row["calls"] = json!(calls);
    if let Some(why) = differ {
        row["calls_differ"] = json!(why);
    }
    row
}

#[test]
fn a_row_whose_key_its_call_requires_is_cited_and_requires_as_before() {
    let view = grounded(view(), &["GET /api/v2/routing/queues"], None);
    let code = generate(&files(
        vec![view, join()],
        vec![gate("Viewer", None, &["routing:queue:view"], &[])],
    ))
    .unwrap();
    assert!(code.contains("required: &[perm::routing::QUEUE_VIEW],"), "{code}");
    assert!(code.contains("any_of: &[],"));
    assert!(code.contains("calls: &[&crate::operations_table::OPERATIONS[0]],"));
    assert!(code.contains("Grounded in the Platform API: `GET /api/v2/routing/queues` (`getRoutingQueues`)"));
}

#[test]
fn a_row_whose_keys_differ_takes_its_calls_requirement_when_the_catalog_says_why() {
    let join = grounded(
        join(),
        &["POST /api/v2/routing/queues/{queueId}/members"],
        Some("the call accepts edit too"),
    );
    let code = generate(&files(
        vec![view(), join],
        vec![gate(
            "Members",
            None,
            &["routing:queue:view", "routing:queue:join"],
            &[],
        )],
    ))
    .unwrap();
    // The row's key is replaced by the call's ANY group.
    assert!(code.contains("required: &[perm::routing::QUEUE_VIEW],"), "{code}");
    assert!(
        code.contains("any_of: &[&[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_EDIT]],"),
        "{code}"
    );
    assert!(code.contains("calls: &[&crate::operations_table::OPERATIONS[2]],"));
}

#[test]
fn an_unknown_call_names_the_catalog_the_gate_and_the_call() {
    let view = grounded(view(), &["GET /api/v2/routing/queue"], None);
    let files = files(vec![view], vec![gate("Viewer", None, &["routing:queue:view"], &[])]);
    let problem = refused(&files, "a.json", gate_at("Viewer"));
    assert_eq!(
        problem,
        Problem::UnknownCall {
            key: "routing:queue:view".into(),
            call: "GET /api/v2/routing/queue".into()
        }
    );
    let message = generate(&files).unwrap_err().to_string();
    assert!(message.starts_with("`a.json`, gate `Viewer`: names `routing:queue:view`, whose call `GET /api/v2/routing/queue` is no operation"), "{message}");
    // A grounded row no gate names is checked too, at the row.
    let view = grounded(support::view(), &["GET /api/v2/nowhere"], None);
    let files = self::files(vec![view], vec![]);
    assert!(matches!(
        refused(
            &files,
            "a.json",
            Place::PermissionField("routing:queue:view".into(), "calls")
        ),
        Problem::UnknownCall { .. }
    ));
}

#[test]
fn keys_that_disagree_with_the_calls_need_a_reason() {
    let join = grounded(join(), &["POST /api/v2/routing/queues/{queueId}/members"], None);
    let files = files(vec![join], vec![gate("Members", None, &["routing:queue:join"], &[])]);
    let problem = refused(&files, "a.json", gate_at("Members"));
    assert_eq!(
        problem,
        Problem::CallsDisagree {
            key: "routing:queue:join".into(),
            keys: "routing:queue:join".into(),
            requires: "one of routing:queue:edit, routing:queue:join".into()
        }
    );
    // A call that needs nothing would drop the key: a disagreement too.
    let view = grounded(view(), &["GET /api/v2/routing/queues/me"], None);
    let files = self::files(vec![view], vec![gate("Mine", None, &["routing:queue:view"], &[])]);
    assert!(matches!(
        refused(&files, "a.json", gate_at("Mine")),
        Problem::CallsDisagree { requires, .. } if requires == "no permission"
    ));
}

#[test]
fn a_reason_for_no_difference_an_unverifiable_call_and_a_grounded_row_in_a_group_are_refused() {
    let view = grounded(view(), &["GET /api/v2/routing/queues"], Some("stale"));
    let files = files(vec![view], vec![gate("Viewer", None, &["routing:queue:view"], &[])]);
    assert_eq!(
        refused(&files, "a.json", gate_at("Viewer")),
        Problem::NeedlessCallsDiffer {
            key: "routing:queue:view".into()
        }
    );
    let view = grounded(support::view(), &["GET /api/v2/documents"], Some("admin only"));
    let files = self::files(vec![view], vec![gate("Viewer", None, &["routing:queue:view"], &[])]);
    assert!(matches!(
        refused(&files, "a.json", gate_at("Viewer")),
        Problem::UnverifiableCall { .. }
    ));
    let view = grounded(support::view(), &["GET /api/v2/routing/queues"], None);
    let files = self::files(
        vec![view, join()],
        vec![gate(
            "Either",
            None,
            &[],
            &[&["routing:queue:view", "routing:queue:join"]],
        )],
    );
    assert!(matches!(
        refused(&files, "a.json", gate_at("Either")),
        Problem::GroundedInGroup { .. }
    ));
    let mut view = support::view();
    view["calls_differ"] = json!("no calls");
    let files = self::files(vec![view], vec![]);
    assert_eq!(
        refused(
            &files,
            "a.json",
            Place::PermissionField("routing:queue:view".into(), "calls")
        ),
        Problem::CallsDifferAlone
    );
}
