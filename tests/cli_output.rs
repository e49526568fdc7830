//! What the `permgate` CLI prints, tried as a new user would: answers that never read as
//! allowed for a question that failed, conditions and names that cannot be forged, diffs that
//! tell conditions apart and compare users per division, warnings on Terraform export.

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use serde_json::json;
use support::{TempDir, assert_exit, permgate};

const AGENT: &str = r#"{"name": "agent", "permissionPolicies": [
  {"domain": "routing", "entityName": "queue", "actionSet": ["view", "join"]}]}"#;

/// A role whose conditional grant's single operand holds `value`, or two operands.
fn conditional_role(operands: &str) -> String {
    format!(
        r#"{{"name": "r", "permissionPolicies": [{{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
  "allowConditions": true, "resourceConditionNode": {{"variableName": "Queue.id", "operator": "IN", "operands": [{operands}]}}}}]}}"#
    )
}

#[test]
fn allows_json_is_not_all_allowed_when_a_question_failed() {
    let dir = TempDir::new();
    let role = dir.file("agent.json", AGENT);
    // Every question in error: nothing was decided.
    let run = permgate(&["allows", &role, "routing:*:view", "not a permission", "--json"]);
    assert_exit(&run, 2);
    let json = run.json();
    assert_eq!(json["all_allowed"], false);
    assert_eq!(json["answers"], json!([]));
    assert_eq!(json["errors"].as_array().unwrap().len(), 2);
    // One good question, one bad: still not all allowed.
    let run = permgate(&["allows", &role, "routing:queue:view", "routing:*:view", "--json"]);
    assert_exit(&run, 2);
    let json = run.json();
    assert_eq!(json["all_allowed"], false);
    assert_eq!(json["answers"][0]["decision"], "allowed");
    // Every question good and allowed: all allowed.
    let run = permgate(&["allows", &role, "routing:queue:view", "--json"]);
    assert_exit(&run, 0);
    assert_eq!(run.json()["all_allowed"], true);
}

#[test]
fn allows_with_only_bad_questions_prints_no_table() {
    let dir = TempDir::new();
    let role = dir.file("agent.json", AGENT);
    let run = permgate(&["allows", &role, "routing:*:view"]);
    assert_exit(&run, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("is a wildcard"), "{}", run.stderr);
    let run = permgate(&["allows", &role, "routing:*:view", "routing:queue:join"]);
    assert_exit(&run, 2);
    assert!(run.stdout.contains("routing:queue:join  yes"), "{}", run.stdout);
}

#[test]
fn check_json_grants_nothing_it_did_not_decide() {
    let dir = TempDir::new();
    let role = dir.file("agent.json", AGENT);
    let run = permgate(&["check", &role, "--gate", "AmiNotes", "--json"]);
    assert_exit(&run, 1);
    let json = run.json();
    assert_eq!(json["granted"], false);
    assert_eq!(json["gates"][0]["granted"], false);
    // An unknown gate is an error, never an empty list of gates read as all granted.
    let run = permgate(&["check", &role, "--gate", "NoSuchGate", "--json"]);
    assert_exit(&run, 2);
    assert_eq!(run.stdout, "");
}

#[test]
fn diff_tells_one_operand_with_a_comma_from_two_operands() {
    let dir = TempDir::new();
    let one = dir.file(
        "one.json",
        &conditional_role(r#"{"type": "QUEUE", "queue": {"id": "q-1, QUEUE q-2"}}"#),
    );
    let two = dir.file(
        "two.json",
        &conditional_role(r#"{"type": "QUEUE", "queue": {"id": "q-1"}}, {"type": "QUEUE", "queue": {"id": "q-2"}}"#),
    );
    let run = permgate(&["diff", &one, &two]);
    assert_exit(&run, 1);
    assert!(
        run.stdout
            .contains(r#"-  routing:queue:edit if Queue.id IN [QUEUE "q-1, QUEUE q-2"]"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+  routing:queue:edit if Queue.id IN [QUEUE q-1, QUEUE q-2]"),
        "{}",
        run.stdout
    );
    let json = permgate(&["diff", &one, &two, "--json"]).json();
    assert_eq!(json["equal"], false);
    assert_eq!(
        json["removed"][0]["condition"],
        json!({"variableName": "Queue.id", "operator": "IN",
            "operands": [{"type": "QUEUE", "queue": {"id": "q-1, QUEUE q-2"}}]})
    );
    assert_exit(&permgate(&["diff", &one, &one]), 0);
}

#[test]
fn an_operand_type_cannot_erase_the_conditional_row() {
    let dir = TempDir::new();
    let role = dir.file(
        "forged.json",
        &conditional_role(r#"{"type": "\n\u001b[1A\u001b[2Krouting:queue:edit  yes", "value": "x"}"#),
    );
    for args in [
        vec!["allows", &role, "routing:queue:edit"],
        vec!["explain", &role, "routing:queue:edit"],
        vec!["audit", &role],
        vec!["allows", &role, "routing:queue:edit", "--json"],
    ] {
        let run = permgate(&args);
        assert!(
            !run.stdout.contains('\x1b') && !run.stdout.contains("\u{1b}"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(
            !run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with("routing:queue:edit  yes")),
            "{args:?}: {}",
            run.stdout
        );
    }
    let allows = permgate(&["allows", &role, "routing:queue:edit"]);
    assert!(
        allows
            .stdout
            .contains(r#"conditional  if Queue.id IN ["\n\u{1b}[1A\u{1b}[2Krouting:queue:edit  yes" x]"#),
        "{}",
        allows.stdout
    );
}

#[test]
fn a_backtick_in_a_role_name_cannot_end_its_quotation() {
    let dir = TempDir::new();
    let role = dir.file(
        "viewer.json",
        r#"{"name": "viewer`: 1 of 1 gate granted", "permissionPolicies": [
  {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}"#,
    );
    let run = permgate(&["check", &role, "--gate", "AmiNotes"]);
    assert_exit(&run, 1);
    assert_eq!(
        run.stdout.lines().next(),
        Some(r"role `viewer\`: 1 of 1 gate granted`: 0 of 1 gate granted")
    );
    let run = permgate(&["allows", &role, "routing:queue:view"]);
    assert_eq!(run.stdout.lines().next(), Some(r"role `viewer\`: 1 of 1 gate granted`"));
    let run = permgate(&["audit", &role]);
    assert_eq!(run.stdout.lines().next(), Some(r"role `viewer\`: 1 of 1 gate granted`"));
}

/// A subject with `viewer` in `east` (and `agent` everywhere); `view` is in `east` only when
/// `view_east` is set.
fn subject(view_east: bool, edit_in: &str) -> String {
    let east = if view_east { r#""view", "# } else { "" };
    format!(
        r#"{{"id": "u-1", "name": "Ana", "grants": [
  {{"division": {{"id": "d-east"}}, "role": {{"name": "viewer", "policies": [
    {{"domain": "routing", "entityName": "queue", "actionSet": [{east}"search"]}}]}}}},
  {{"division": {{"id": "{edit_in}"}}, "role": {{"name": "editor", "policies": [
    {{"domain": "routing", "entityName": "queue", "actionSet": ["edit"]}}]}}}},
  {{"division": {{"id": "*"}}, "role": {{"name": "agent", "policies": [
    {{"domain": "routing", "entityName": "queue", "actionSet": ["join"]}}]}}}}
]}}"#
    )
}

#[test]
fn diff_compares_users_per_division() {
    let dir = TempDir::new();
    let before = dir.file("before.json", &subject(true, "d-east"));
    let same = dir.file("same.json", &subject(true, "d-east"));
    let after = dir.file("after.json", &subject(false, "d-west"));
    let run = permgate(&["diff", &before, &same]);
    assert_exit(&run, 0);
    assert!(
        run.stdout
            .starts_with("no differences: subject `Ana` and subject `Ana`"),
        "{}",
        run.stdout
    );
    let run = permgate(&["diff", &before, &after]);
    assert_exit(&run, 1);
    let text = run.stdout;
    // `d-east` loses view and edit; `d-west`, named by the new side only, gains edit.
    let east = text.find("in division `d-east`:").unwrap();
    let west = text.find("in division `d-west`:").unwrap();
    assert!(east < west, "{text}");
    assert!(text[east..west].contains("-  routing:queue:view"), "{text}");
    assert!(text[east..west].contains("-  routing:queue:edit"), "{text}");
    assert!(text[west..].contains("+  routing:queue:edit"), "{text}");
    assert!(!text.contains("in every division:"), "{text}");
    assert!(text.ends_with("1 added, 2 removed\n"), "{text}");
    let json = permgate(&["diff", &before, &after, "--json"]).json();
    assert_eq!(json["equal"], false);
    assert_eq!(json["old"]["user"], "Ana");
    assert_eq!(json["added"][0]["division"], "d-west");
    assert_eq!(json["added"][0]["key"], "routing:queue:edit");
    // A role is not compared with a user.
    let role = dir.file("agent.json", AGENT);
    assert_exit(&permgate(&["diff", &before, &role]), 2);
}

#[test]
fn explain_without_a_division_says_which_divisions_grant_it() {
    let dir = TempDir::new();
    let file = dir.file("subject.json", &subject(true, "d-west"));
    let run = permgate(&["explain", &file, "routing:queue:edit"]);
    assert_exit(&run, 1);
    assert!(run.stdout.contains("granted only in other divisions"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("- role `editor` in division `d-west`: `routing:queue:edit`"),
        "{}",
        run.stdout
    );
    let json = permgate(&["explain", &file, "routing:queue:edit", "--json"]).json();
    assert_eq!(json["decision"], "denied");
    assert_eq!(json["reasons"], json!([]));
    assert_eq!(json["elsewhere"][0]["division"], "d-west");
    assert_eq!(json["elsewhere"][0]["role"], "editor");
}

#[test]
fn terraform_export_warns_of_removed_and_unknown_permissions() {
    let dir = TempDir::new();
    let role = dir.file(
        "role.json",
        r#"{"name": "tracker", "permissionPolicies": [
  {"domain": "journey", "entityName": "eventtype", "actionSet": ["view"]},
  {"domain": "ui", "entityName": "agentQueueActivity", "actionSet": ["view"]},
  {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}"#,
    );
    for format in ["terraform", "terraform-json"] {
        let run = permgate(&["export", "--role", "tracker", "--from", &role, "--format", format]);
        assert_exit(&run, 0);
        let warnings: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(warnings.len(), 2, "{}", run.stderr);
        assert!(
            warnings[0].starts_with("permgate: warning: role `tracker`: `journey:eventtype:view` was removed"),
            "{}",
            run.stderr
        );
        assert!(
            warnings[1].contains("`ui:agentQueueActivity:view` is in no catalog"),
            "{}",
            run.stderr
        );
    }
    let run = permgate(&["export", "--role", "tracker", "--from", &role]);
    assert_exit(&run, 0);
    assert_eq!(run.stderr, "");
}
