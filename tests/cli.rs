//! The `permgate` command-line tool, run as a process: exit codes, key output lines, `--json` schemas.
//!
//! The binary needs the `cli` feature, so this file does too: `cargo test --all-features`
//! (or `--features cli`) runs it, and a plain `cargo test` compiles it to nothing.

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::Path;

use serde_json::Value;
use support::{TempDir, assert_exit, permgate, permgate_with_stdin};

/// The rows of an `allows` table, each split into words (after the heading and the header).
fn answer_rows(stdout: &str) -> Vec<Vec<&str>> {
    stdout.lines().skip(3).map(|l| l.split_whitespace().collect()).collect()
}

/// Wildcards, a grant a wildcard covers, a conditional grant, a legacy permission,
/// a permission the sources mark as removed, an unknown UI permission.
const SUPERVISOR: &str = r#"{"name": "supervisor", "id": "r-1", "permissions": ["old_flat_perm"], "permissionPolicies": [
  {"domain": "routing", "entityName": "queue", "actionSet": ["view", "join"]},
  {"domain": "journey", "entityName": "*", "actionSet": ["*"]},
  {"domain": "journey", "entityName": "segment", "actionSet": ["view"]},
  {"domain": "widgets", "entityName": "deployment", "actionSet": ["view"]},
  {"domain": "ui", "entityName": "agentQueueActivity", "actionSet": ["view"]},
  {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
   "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
     "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#;

/// A listing with a role that does not load between two that do.
const LISTING: &str = r#"{"entities": [
  {"name": "designer", "permissionPolicies": [{"domain": "journey", "entityName": "actionmap", "actionSet": ["*"]}]},
  {"name": "broken", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": []}]},
  {"name": "agent", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["join"]}]}
]}"#;

const SUBJECT: &str = r#"{"id": "u-1", "name": "Ana", "grants": [
  {"division": {"id": "d-east"}, "role": {"name": "viewer", "policies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}},
  {"division": {"id": "*"}, "role": {"name": "agent", "policies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["join"]},
    {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "resourceConditionNode":
      {"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-9"}}]}}]}}
]}"#;

fn real_role() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/genesys-cloud/roles/lbp-agent.json");
    if path.exists() {
        Some(path.to_str().unwrap().to_owned())
    } else {
        eprintln!("skipped: ../shared/data not found");
        None
    }
}

#[test]
fn check_grants_denies_and_lists_every_missing_permission() {
    let dir = TempDir::new();
    let listing = dir.file("listing.json", LISTING);
    let granted = permgate(&["check", &listing, "--role", "designer", "--gate", "actionmapeditor"]);
    assert_exit(&granted, 0);
    assert!(
        granted.stdout.contains("role `designer`: 1 of 1 gate granted"),
        "{}",
        granted.stdout
    );
    assert!(
        granted
            .stdout
            .lines()
            .any(|l| l.starts_with("ActionMapEditor") && l.ends_with("granted"))
    );

    let denied = permgate(&[
        "check",
        &listing,
        "--role",
        "designer",
        "--gate",
        "ActionMapEditor,ActionMapAnalyticsReport",
    ]);
    assert_exit(&denied, 1);
    assert!(
        denied.stdout.contains("denied: missing 1 permission"),
        "{}",
        denied.stdout
    );
    assert!(denied.stdout.contains("ActionMapAnalyticsReport is missing:"));
    let missing = denied
        .stdout
        .lines()
        .find(|l| l.contains("journey:report:view"))
        .unwrap();
    assert!(missing.contains("Journey > Report > View"), "{missing}");
    // The role that did not load is a warning, not a failure, when another is picked.
    assert!(denied.stderr.contains("warning:") && denied.stderr.contains("role `broken`"));
}

#[test]
fn check_json_has_the_documented_fields() {
    let dir = TempDir::new();
    let role = dir.file(
        "designer.json",
        r#"{"name": "designer", "permissionPolicies": [
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["view"]},
        {"domain": "journey", "entityName": "report", "actionSet": ["view"], "resourceConditionNode":
          {"variableName": "v", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "1"}]}}]}"#,
    );
    let run = permgate(&[
        "check",
        &role,
        "--gate",
        "ActionMapAnalyticsReport",
        "--gate",
        "ActionMapEditor",
        "--json",
    ]);
    assert_exit(&run, 1);
    let doc = run.json();
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["role"], "designer");
    assert_eq!(doc["granted"], false);
    assert!(doc["file"].as_str().unwrap().ends_with("designer.json"));
    let gates = doc["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 2);
    let report = &gates[0];
    assert_eq!(report["gate"], "ActionMapAnalyticsReport");
    assert_eq!(report["document"], "predictive-engagement");
    assert_eq!(report["release"], Value::Null);
    assert_eq!(report["granted"], false);
    assert_eq!(report["denied"]["unmet_any_of"], serde_json::json!([]));
    assert_eq!(report["denied"]["missing"][0], "journey:report:view");
    let missing = &report["permissions"][0];
    assert_eq!(missing["permission"], "journey:report:view");
    assert_eq!(missing["label"], "Journey > Report > View");
    assert_eq!(missing["roadmap_from"], Value::Null);
    assert_eq!(missing["conditional"], true, "held only under a condition");
    assert_eq!(gates[1]["denied"]["missing"].as_array().unwrap().len(), 3);
}

#[test]
fn check_at_a_release_requires_roadmap_permissions() {
    let dir = TempDir::new();
    // The AMI standard role as published holds Transfer as a key no endpoint
    // requires: denied. As a current organization holds it (a blind transfer)
    // and without its roadmap Park permission:
    let exported = permgate(&["export", "--role", "AMI R3|standard user role"]);
    assert_exit(&exported, 0);
    let published = dir.file("published.json", &exported.stdout);
    assert_exit(&permgate(&["check", &published, "--gate", "AmiStandardUser"]), 1);
    assert!(exported.stdout.contains("\"transfer\""), "{}", exported.stdout);
    let without_park = exported
        .stdout
        .replace("\"transfer\"", "\"blindTransfer\"")
        .replace("\"park\",", "")
        .replace(",\n        \"park\"", "");
    assert!(!without_park.contains("park"), "{without_park}");
    let role = dir.file("ami.json", &without_park);
    assert_exit(&permgate(&["check", &role, "--gate", "AmiStandardUser"]), 0);
    let at_316 = permgate(&["check", &role, "--gate", "AmiStandardUser", "--release", "R3.16"]);
    assert_exit(&at_316, 1);
    let park = at_316
        .stdout
        .lines()
        .find(|l| l.contains("conversation:email:park"))
        .unwrap();
    assert!(park.contains("roadmap, required from 3.16"), "{park}");
    let json = permgate(&[
        "check",
        &role,
        "--gate",
        "AmiStandardUser",
        "--release",
        "3.16",
        "--json",
    ])
    .json();
    assert_eq!(json["gates"][0]["release"], "3.16");
    assert_eq!(json["gates"][0]["denied"]["missing"][0], "conversation:email:park");
    assert_eq!(json["gates"][0]["permissions"][0]["roadmap_from"], "3.16");
}

#[test]
fn check_rejects_bad_input_with_exit_2() {
    let dir = TempDir::new();
    let listing = dir.file("listing.json", LISTING);
    let several = permgate(&["check", &listing, "--gate", "ActionMapEditor"]);
    assert_exit(&several, 2);
    assert!(
        several
            .stderr
            .contains("holds 3 roles; pick one with --role: `designer`, `broken` (did not load), `agent`"),
        "{}",
        several.stderr
    );
    let unknown_gate = permgate(&["check", &listing, "--role", "agent", "--gate", "NoSuchGate"]);
    assert_exit(&unknown_gate, 2);
    assert!(
        unknown_gate
            .stderr
            .contains("unknown gate `NoSuchGate`; gates: AltocloudAdmin")
    );
    let unknown_role = permgate(&["check", &listing, "--role", "Agent", "--gate", "ActionMapEditor"]);
    assert_exit(&unknown_role, 2);
    assert!(
        unknown_role
            .stderr
            .contains("no role named `Agent` (did you mean `agent`?)")
    );
    let broken = permgate(&["check", &listing, "--role", "broken", "--gate", "ActionMapEditor"]);
    assert_exit(&broken, 2);
    assert_eq!(
        broken.stderr.trim(),
        format!(
            "permgate: {listing}: role `broken`: `$.entities[1].permissionPolicies[0].actionSet`: empty action set"
        )
    );
    assert_exit(&permgate(&["check", &listing, "--role", "agent"]), 2); // no --gate
    assert_exit(
        &permgate(&[
            "check",
            &listing,
            "--role",
            "agent",
            "--gate",
            "ActionMapEditor",
            "--release",
            "3.x",
        ]),
        2,
    );
    let missing = dir.0.join("missing.json");
    let run = permgate(&["check", missing.to_str().unwrap(), "--gate", "ActionMapEditor"]);
    assert_exit(&run, 2);
    assert!(run.stderr.starts_with("permgate: ") && run.stderr.contains("missing.json: cannot open"));
}

#[test]
fn allows_answers_yes_no_and_conditional() {
    let dir = TempDir::new();
    let role = dir.file("supervisor.json", SUPERVISOR);
    let yes = permgate(&[
        "allows",
        &role,
        "routing:queue:join",
        "Journey > Segment > Edit",
        "UI:AGENTQUEUEACTIVITY:VIEW",
    ]);
    assert_exit(&yes, 0);
    assert!(
        yes.stdout
            .lines()
            .any(|l| l.starts_with("routing:queue:join") && l.trim_end().ends_with("yes"))
    );
    let mixed = permgate(&[
        "allows",
        &role,
        "routing:queue:join",
        "routing:queue:edit",
        "routing:queue:delete",
    ]);
    assert_exit(&mixed, 1);
    let edit = mixed
        .stdout
        .lines()
        .find(|l| l.starts_with("routing:queue:edit"))
        .unwrap();
    assert!(
        edit.contains("conditional") && edit.contains("if Queue.id IN [QUEUE q-1]"),
        "{edit}"
    );
    let delete = mixed
        .stdout
        .lines()
        .find(|l| l.starts_with("routing:queue:delete"))
        .unwrap();
    assert!(delete.trim_end().ends_with("no"), "{delete}");

    let json = permgate(&[
        "allows",
        &role,
        "--json",
        "routing:queue:edit",
        "journey:newthing:view",
        "ui:x:view",
    ])
    .json();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["role"], "supervisor");
    assert_eq!(json["subject"], Value::Null);
    assert_eq!(json["division"], Value::Null);
    assert_eq!(json["all_allowed"], false);
    let answers = json["answers"].as_array().unwrap();
    assert_eq!(answers[0]["permission"], "routing:queue:edit");
    assert_eq!(answers[0]["key"], "routing:queue:edit");
    assert_eq!(answers[0]["label"], "Routing > Queue > Edit");
    assert_eq!(answers[0]["decision"], "allowed_if");
    assert_eq!(
        answers[0]["conditions"][0],
        serde_json::json!({"variableName": "Queue.id", "operator": "IN",
            "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]})
    );
    assert_eq!(answers[0]["conditions"][0]["operator"], "IN");
    // Unknown to the catalog, but under the kept `journey:*:*` pattern.
    assert_eq!(answers[1]["key"], Value::Null);
    assert_eq!(answers[1]["decision"], "allowed");
    assert_eq!(answers[2]["decision"], "denied");
}

#[test]
fn allows_reports_malformed_permissions_and_answers_the_rest() {
    let dir = TempDir::new();
    let role = dir.file("supervisor.json", SUPERVISOR);
    for bad in [
        "routing:queue",
        "routing:queue:*",
        "Journey > Nothing > View",
        "",
        "a:b:c:d",
        "x y",
    ] {
        let run = permgate(&["allows", &role, "routing:queue:join", bad]);
        assert_exit(&run, 2);
        let answered: Vec<&str> = run.stdout.lines().skip(3).collect();
        assert_eq!(answered, ["routing:queue:join  yes"], "{bad:?}: {}", run.stdout);
        assert!(
            run.stderr.contains(&format!("permission `{bad}`")),
            "{bad:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn allows_in_a_division_reads_a_subject() {
    let dir = TempDir::new();
    let subject = dir.file("subject.json", SUBJECT);
    let east = permgate(&[
        "allows",
        &subject,
        "--division",
        "d-east",
        "routing:queue:view",
        "routing:queue:join",
    ]);
    assert_exit(&east, 0);
    assert!(
        east.stdout.contains("subject `Ana` in division `d-east` (2 grants)"),
        "{}",
        east.stdout
    );
    let west = permgate(&[
        "allows",
        &subject,
        "--division",
        "d-west",
        "--json",
        "routing:queue:view",
        "routing:queue:edit",
    ]);
    assert_exit(&west, 1);
    let json = west.json();
    assert_eq!(json["subject"], "Ana");
    assert_eq!(json["division"], "d-west");
    assert_eq!(json["role"], Value::Null);
    assert_eq!(json["answers"][0]["decision"], "denied");
    assert_eq!(json["answers"][1]["decision"], "allowed_if");
    assert_eq!(
        json["answers"][1]["conditions"][0],
        serde_json::json!({"variableName": "Queue.id", "operator": "EQ",
            "operands": [{"type": "QUEUE", "queue": {"id": "q-9"}}]})
    );

    // Without --division, the subject is answered for every division: d-east's grant is not.
    let everywhere = permgate(&["allows", &subject, "routing:queue:view", "routing:queue:join"]);
    assert_exit(&everywhere, 1);
    assert!(
        everywhere.stdout.contains("subject `Ana` in every division"),
        "{}",
        everywhere.stdout
    );
    let answers = answer_rows(&everywhere.stdout);
    assert_eq!(
        answers,
        [vec!["routing:queue:view", "no"], vec!["routing:queue:join", "yes"]]
    );
    // A role file has no divisions; `--as` forces the reading, and a role file read as a
    // subject is refused as the wrong kind.
    let role = dir.file("supervisor.json", SUPERVISOR);
    let not_subject = permgate(&["allows", &role, "--division", "d-east", "routing:queue:view"]);
    assert_exit(&not_subject, 2);
    assert!(
        not_subject.stderr.contains("a role file has no divisions"),
        "{}",
        not_subject.stderr
    );
    let forced = permgate(&["allows", &role, "--as", "subject", "routing:queue:view"]);
    assert_exit(&forced, 2);
    assert!(forced.stderr.contains("expected a subject"), "{}", forced.stderr);
    // The audit reads the subject too: each grant's role, and where each gate holds.
    let audit = permgate(&["audit", &subject, "--json"]);
    assert_exit(&audit, 0);
    let audit = audit.json();
    assert_eq!(
        (audit["kind"].as_str(), audit["user"].as_str()),
        (Some("subject"), Some("Ana"))
    );
    let grants: Vec<(&str, &str)> = audit["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["role"].as_str().unwrap(), g["division"].as_str().unwrap()))
        .collect();
    assert_eq!(grants, [("viewer", "d-east"), ("agent", "*")]);
    assert_exit(
        &permgate(&[
            "allows",
            &subject,
            "--division",
            "d",
            "--role",
            "agent",
            "routing:queue:view",
        ]),
        2,
    );
}

#[test]
fn audit_reports_every_finding_and_the_roles_that_did_not_load() {
    let dir = TempDir::new();
    let supervisor: Value = serde_json::from_str(SUPERVISOR).unwrap();
    let listing: Value = serde_json::from_str(LISTING).unwrap();
    let mut roles = listing["entities"].as_array().unwrap().clone();
    roles.insert(0, supervisor);
    let file = dir.file("roles.json", &Value::Array(roles).to_string());
    let run = permgate(&["audit", &file]);
    assert_exit(&run, 0);
    let out = &run.stdout;
    for expected in [
        "role `supervisor` (id r-1)",
        "unknown permissions (1), granted but in no catalog:\n  ui:agentQueueActivity:view",
        "redundant grants (1), covered by a wildcard:\n  journey:segment:view  covered by journey:*:*",
        "  if Queue.id IN [QUEUE q-1]:\n    routing:queue:edit  Routing > Queue > Edit",
        "legacy permissions (1), never granted:\n  old_flat_perm",
        "Predictive Engagement  altocloud (as Altocloud), predictive-engagement  journey:",
        "widgets:deployment:view  removed",
        "role `designer`",
        "role `agent`",
        "1 role that did not load:\n  role `broken`: `$[2].permissionPolicies[0].actionSet`: empty action set",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    let gate_line = out
        .lines()
        .find(|l| l.trim_start().starts_with("ActionMapEditor"))
        .unwrap();
    assert!(gate_line.trim_end().ends_with("yes"), "{gate_line}");

    let json = permgate(&["audit", &file, "--json"]).json();
    assert_eq!(json["format_version"], 1);
    let role = &json["roles"][0];
    assert_eq!(role["role"], "supervisor");
    assert_eq!(role["id"], "r-1");
    assert_eq!(role["unknown"], serde_json::json!(["ui:agentQueueActivity:view"]));
    assert_eq!(
        role["redundant"][0],
        serde_json::json!({"grant": "journey:segment:view", "wildcard": "journey:*:*"})
    );
    use permgate::genesys::wire;
    let condition: wire::ResourceConditionNode =
        wire::from_str(&role["conditional"][0]["condition"].to_string()).unwrap();
    assert_eq!(
        permgate::condition::Condition::try_from(&condition)
            .unwrap()
            .to_string(),
        "Queue.id IN [QUEUE q-1]"
    );
    assert_eq!(
        role["conditional"][0]["permissions"],
        serde_json::json!(["routing:queue:edit"])
    );
    assert!(role["conditional"][0]["condition"].is_object());
    assert_eq!(role["legacy"], serde_json::json!(["old_flat_perm"]));
    // One product, one license: Altocloud is the earlier name of Predictive Engagement.
    let licenses = role["licenses"].as_array().unwrap();
    assert_eq!(licenses.len(), 1, "{licenses:?}");
    assert_eq!(licenses[0]["license"], "Predictive Engagement");
    assert_eq!(
        licenses[0]["documents"],
        serde_json::json!([
            {"document": "altocloud", "license": "Altocloud"},
            {"document": "predictive-engagement", "license": "Predictive Engagement"}
        ])
    );
    assert_eq!(role["deprecated"][0]["permission"], "widgets:deployment:view");
    assert!(
        role["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "routing:queue:join")
    );
    let gate = role["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gate"] == "ActionMapEditor")
        .unwrap();
    assert_eq!(gate["satisfied"], true);
    let gate = json["gate_info"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "ActionMapEditor")
        .unwrap();
    assert_eq!(gate["document"], "predictive-engagement");
    assert!(gate.get("release").is_some());
    assert_eq!(json["roles"].as_array().unwrap().len(), 3);
    let error = &json["errors"][0];
    assert_eq!(error["position"], 2);
    assert_eq!(error["name"], "broken");
    assert_eq!(error["path"], "$[2].permissionPolicies[0].actionSet");
    assert_eq!(error["message"], "empty action set");
}

#[test]
fn audit_uses_an_org_catalog_and_rejects_files_with_no_role() {
    let dir = TempDir::new();
    let role = dir.file("supervisor.json", SUPERVISOR);
    let org = dir.file(
        "org.json",
        r#"{"entities": [{"domain": "ui", "permissionMap": {"agentQueueActivity": [
          {"domain": "ui", "entityType": "agentQueueActivity", "action": "view", "label": "UI > Agent Queue Activity > View"}]}}]}"#,
    );
    let json = permgate(&["audit", &role, "--catalog", &org, "--json"]).json();
    assert_eq!(json["roles"][0]["unknown"], serde_json::json!([]));
    assert!(
        json["roles"][0]["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "ui:agentQueueActivity:view")
    );
    let bad_org = dir.file(
        "bad-org.json",
        r#"{"entities": [{"permissionMap": {"x": [{"domain": 1}]}}]}"#,
    );
    let run = permgate(&["audit", &role, "--catalog", &bad_org]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("`$.entities[0].permissionMap.x[0].domain`"),
        "{}",
        run.stderr
    );

    let only_broken = dir.file(
        "broken.json",
        r#"[{"name": "b", "permissionPolicies": [{"domain": "*", "entityName": "*", "actionSet": ["*"]}]}]"#,
    );
    let run = permgate(&["audit", &only_broken]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("role `b`: `$[0].permissionPolicies[0].domain`"),
        "{}",
        run.stderr
    );
    assert_exit(&permgate(&["audit", &dir.file("empty.json", "[]")]), 2);
}

#[test]
fn diff_compares_effective_permissions_like_diff() {
    let dir = TempDir::new();
    let wildcard = dir.file(
        "wildcard.json",
        r#"{"name": "d", "permissionPolicies": [
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["*"]},
        {"domain": "ui", "entityName": "x", "actionSet": ["view"]}]}"#,
    );
    let expanded = dir.file(
        "expanded.json",
        r#"[{"name": "d", "permissionPolicies": [
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["view", "add", "edit", "delete"]},
        {"domain": "UI", "entityName": "X", "actionSet": ["VIEW"]}]}]"#,
    );
    let changed = dir.file(
        "changed.json",
        r#"{"name": "d", "permissionPolicies": [
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["view", "add", "edit"]},
        {"domain": "ui", "entityName": "x", "actionSet": ["view"]},
        {"domain": "ui", "entityName": "y", "actionSet": ["view"]},
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "resourceConditionNode":
          {"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-9"}}]}}]}"#,
    );
    let reordered = dir.file(
        "reordered.json",
        r#"{"name": "d", "permissionPolicies": [
        {"domain": "UI", "entityName": "X", "actionSet": ["VIEW"]},
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["*"]}]}"#,
    );
    let equal = permgate(&["diff", &wildcard, &reordered]);
    assert_exit(&equal, 0);
    assert!(equal.stdout.contains("no differences"), "{}", equal.stdout);

    // The two forms hold the same catalog permissions; the expanded one loses the wildcard's
    // reach beyond the catalog, and diff says so.
    let forms = permgate(&["diff", &wildcard, &expanded]);
    assert_exit(&forms, 1);
    let lines: Vec<&str> = forms.stdout.lines().skip(2).collect();
    assert_eq!(
        lines,
        [
            "-  journey:actionmap:*  wildcard: covers 4 catalog permissions and any key under it",
            "0 added, 1 removed"
        ],
        "{}",
        forms.stdout
    );

    let differ = permgate(&["diff", &wildcard, &changed]);
    assert_exit(&differ, 1);
    let lines: Vec<&str> = differ.stdout.lines().collect();
    assert!(
        lines[0].starts_with("--- ") && lines[1].starts_with("+++ "),
        "{}",
        differ.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("-  journey:actionmap:delete") && l.contains("Journey > Action Map > Delete"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("+  routing:queue:edit if Queue.id EQ QUEUE q-9"))
    );
    assert!(lines.iter().any(|l| l.trim_end() == "+  ui:y:view"));
    assert_eq!(lines.last(), Some(&"2 added, 2 removed"));

    let json = permgate(&["diff", &wildcard, &changed, "--json"]).json();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["equal"], false);
    assert_eq!(json["old"]["role"], "d");
    assert!(json["new"]["file"].as_str().unwrap().ends_with("changed.json"));
    assert_eq!(
        json["removed"],
        serde_json::json!([
            {"key": "journey:actionmap:*", "label": null, "known": false, "condition": null, "wildcard": true, "covers": 4},
            {"key": "journey:actionmap:delete", "label": "Journey > Action Map > Delete", "known": true, "condition": null, "wildcard": false, "covers": null}
        ])
    );
    assert_eq!(
        json["added"][0]["condition"],
        serde_json::json!({"variableName": "Queue.id", "operator": "EQ",
            "operands": [{"type": "QUEUE", "queue": {"id": "q-9"}}]})
    );
    assert_eq!(
        json["added"][1],
        serde_json::json!({"key": "ui:y:view", "label": null, "known": false, "condition": null, "wildcard": false, "covers": null})
    );

    assert_exit(&permgate(&["diff", &wildcard, &dir.file("bad.json", "{")]), 2);
    let listing = dir.file("listing.json", LISTING);
    assert_exit(&permgate(&["diff", &listing, &listing]), 2);
    assert_exit(&permgate(&["diff", &listing, &listing, "--role", "agent"]), 0);
    assert_exit(&permgate(&["diff", &listing, &wildcard, "--role", "agent"]), 2);
}

#[test]
fn explain_names_the_role_division_and_grant_or_that_nothing_gives_it() {
    let dir = TempDir::new();
    let subject = dir.file(
        "subject.json",
        r#"{"id": "u-1", "name": "Ana", "grants": [
  {"division": {"id": "d-east"}, "role": {"id": "r1", "name": "queue admin", "policies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["*"]}]}},
  {"division": {"id": "*"}, "role": {"id": "r2", "name": "agent", "policies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["join"]},
    {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "resourceConditionNode":
      {"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-9"}}]}}]}}
]}"#,
    );
    let east = permgate(&["explain", &subject, "Routing > Queue > Edit", "--division", "d-east"]);
    assert_exit(&east, 0);
    assert_eq!(
        east.stdout,
        "subject `Ana` in division `d-east`: `routing:queue:edit` is allowed\n  \
         - role `queue admin` in division `d-east`: the wildcard `routing:queue:*`\n  \
         - role `agent` in every division: `routing:queue:edit`, if Queue.id EQ QUEUE q-9\n"
    );
    let west = permgate(&["explain", &subject, "routing:queue:edit", "--division", "d-west"]);
    assert_exit(&west, 1);
    assert!(
        west.stdout.contains("is allowed only under a condition"),
        "{}",
        west.stdout
    );
    assert!(!west.stdout.contains("queue admin"), "{}", west.stdout);
    let json = permgate(&[
        "explain",
        &subject,
        "routing:queue:join",
        "--division",
        "d-west",
        "--json",
    ])
    .json();
    assert_eq!(json["decision"], "allowed");
    assert_eq!(
        json["reasons"],
        serde_json::json!([{"role": "agent", "named_role": true, "division": "*", "by": "permission",
            "permission": "routing:queue:join", "condition": null}])
    );
    let role = dir.file("role.json", SUPERVISOR);
    let nothing = permgate(&["explain", &role, "routing:queue:delete"]);
    assert_exit(&nothing, 1);
    assert_eq!(
        nothing.stdout,
        "role `supervisor`: `routing:queue:delete` is denied: no grant in reach gives it\n"
    );
    let pattern = permgate(&["explain", &role, "journey:newThing:view", "--json"]).json();
    assert_eq!(pattern["reasons"][0]["by"], "wildcard");
    assert_eq!(pattern["reasons"][0]["wildcard"], "journey:*:*");
    assert_exit(&permgate(&["explain", &role, "routing:queue:*"]), 2);

    // `check` reads the subject in a division too: two roles together, or not at all.
    let check = permgate(&[
        "check",
        &subject,
        "--gate",
        "AmiDivisionUser",
        "--division",
        "d-east",
        "--json",
    ])
    .json();
    assert_eq!(
        (check["subject"].as_str(), check["division"].as_str()),
        (Some("Ana"), Some("d-east"))
    );
    assert_eq!(check["role"], Value::Null);
}

#[test]
fn check_allows_and_explain_read_a_users_me_file() {
    let users_me = "tests/fixtures/genesys/users-me.json";
    let check = permgate(&[
        "check",
        users_me,
        "--gate",
        "AmiDivisionUser",
        "--division",
        "d1",
        "--json",
    ])
    .json();
    assert_eq!(
        (check["subject"].as_str(), check["division"].as_str()),
        (Some("Ana Lima"), Some("d1"))
    );
    let allows = permgate(&[
        "allows",
        users_me,
        "--division",
        "d1",
        "routing:queue:join",
        "routing:queue:search",
    ]);
    assert_exit(&allows, 1);
    let answers = answer_rows(&allows.stdout);
    assert_eq!(
        answers,
        [
            vec!["routing:queue:join", "yes"],
            vec![
                "routing:queue:search",
                "conditional",
                "if",
                "Queue.id",
                "IN",
                "[QUEUE",
                "q-1]"
            ]
        ],
        "{}",
        allows.stdout
    );
    // The four-segment `routing:queue:join:d1` holds in d1 only.
    assert_exit(
        &permgate(&["allows", users_me, "--division", "d2", "routing:queue:join"]),
        1,
    );
    let explain = permgate(&["explain", users_me, "routing:queue:edit", "--division", "d2"]);
    assert_exit(&explain, 0);
    assert!(
        explain
            .stdout
            .starts_with("user `Ana Lima` in division `d2`: `routing:queue:edit` is allowed"),
        "{}",
        explain.stdout
    );
    let audit = permgate(&["audit", users_me]);
    assert_exit(&audit, 0);
    assert!(audit.stdout.starts_with("user `Ana Lima`: "), "{}", audit.stdout);
    assert!(
        audit.stdout.contains("legacy permissions (2), never granted:"),
        "{}",
        audit.stdout
    );
    let json = permgate(&["audit", users_me, "--json"]).json();
    let report = json["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gate"] == "ActionMapAnalyticsReport")
        .unwrap()
        .clone();
    assert_eq!(
        report["permitted"],
        serde_json::json!([]),
        "journey:report:view is missing everywhere"
    );
    let authorization = "tests/fixtures/genesys/users-me-authorization.json";
    assert_exit(
        &permgate(&["allows", authorization, "--division", "d1", "routing:queue:join"]),
        0,
    );
}

#[test]
fn list_gates_flags_requirements_the_platform_removed() {
    let text = permgate(&["list", "gates"]);
    assert_exit(&text, 0);
    let altocloud = text.stdout.lines().find(|l| l.starts_with("AltocloudAdmin ")).unwrap();
    assert!(
        altocloud.contains("28 (6 removed from the platform, not required)"),
        "{altocloud}"
    );
    // Its calls column: the operations its rows are grounded in, as the JSON lists them.
    let json = permgate(&["list", "gates", "--json"]).json();
    let columns = |line: &str| {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let header = columns(text.stdout.lines().next().unwrap());
    let at = header.iter().position(|c| c == "calls").unwrap();
    for gate in json["gates"].as_array().unwrap() {
        let name = gate["name"].as_str().unwrap();
        let line = text
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap();
        let calls = gate["calls"].as_array().map_or(0, Vec::len);
        let shown = if calls == 0 { "-".to_owned() } else { calls.to_string() };
        assert_eq!(columns(line)[at], shown, "{line}");
    }
    // Below the table, each gate's removed keys by name.
    let named = text
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("removed from the Platform API"));
    let named: Vec<&str> = named.collect();
    assert!(
        named
            .iter()
            .any(|l| l.trim_start().starts_with("PredictiveEngagementAgent") && l.ends_with("journey:eventtype:view")),
        "{named:?}"
    );
    let json = permgate(&["list", "gates", "--json"]).json();
    let gate = json["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "AltocloudAdmin")
        .unwrap();
    let removed: Vec<&str> = gate["removed_from_platform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        removed.contains(&"widgets:deployment:view") && removed.contains(&"journey:settings:view"),
        "{removed:?}"
    );
    let ami = json["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "AmiStandardUser")
        .unwrap();
    assert_eq!(ami["removed_from_platform"], serde_json::json!([]));
}

/// The CxEngage login minimum comes "in addition to the permissions included
/// in the default Agent role", which the page does not publish.
#[test]
fn check_and_list_say_the_login_minimum_gate_is_incomplete() {
    // Role JSON holds Genesys policies only, so a role file never holds the
    // CxEngage names: the gate is denied, and the output says it is incomplete too.
    let dir = TempDir::new();
    let role = dir.file("role.json", r#"{"name": "custom", "permissionPolicies": []}"#);
    let run = permgate(&["check", &role, "--gate", "SkylightCustomRoleLogin"]);
    assert_exit(&run, 1);
    assert!(
        run.stdout.contains(
            "SkylightCustomRoleLogin is incomplete: the page asks for these names \"in addition to the \
             permissions included in the default Agent role\""
        ),
        "{}",
        run.stdout
    );
    let json = permgate(&[
        "check",
        &role,
        "--gate",
        "SkylightCustomRoleLogin,ContactManagementPanel",
        "--json",
    ])
    .json();
    assert!(
        json["gates"][0]["incomplete"]
            .as_str()
            .unwrap()
            .contains("default Agent role")
    );
    assert_eq!(json["gates"][1]["incomplete"], Value::Null);

    let list = permgate(&["list", "gates"]);
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with("SkylightCustomRoleLogin "))
        .unwrap();
    assert!(row.contains("10 (incomplete)"), "{row}");
    let json = permgate(&["list", "gates", "--json", "--catalog", "cxengage-skylight"]).json();
    let gates = json["gates"].as_array().unwrap();
    let login = gates.iter().find(|g| g["name"] == "SkylightCustomRoleLogin").unwrap();
    assert!(
        login["incomplete"]
            .as_str()
            .unwrap()
            .contains("in addition to the permissions included in the default Agent role")
    );
    let panel = gates.iter().find(|g| g["name"] == "ContactManagementPanel").unwrap();
    assert_eq!(panel["incomplete"], Value::Null);
    assert_eq!(panel["required"].as_array().unwrap().len(), 7);
}

#[test]
fn check_refuses_a_release_older_than_the_gates_document() {
    let dir = TempDir::new();
    let role = dir.file("role.json", SUPERVISOR);
    let run = permgate(&["check", &role, "--gate", "AmiStandardUser", "--release", "3.14"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr
            .contains("--release 3.14 is older than its gates' documents: `AmiStandardUser` applies from release 3.15"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    // A gate whose document names no release is checked at any.
    assert_exit(
        &permgate(&["check", &role, "--gate", "ActionMapEditor", "--release", "1.0"]),
        0,
    );
}

#[test]
fn one_bad_permission_does_not_hide_the_other_answers() {
    let dir = TempDir::new();
    let role = dir.file("role.json", SUPERVISOR);
    let run = permgate(&[
        "allows",
        &role,
        "routing:queue:join",
        "routing:queue:*",
        "routing:queue:frobnicate",
    ]);
    assert_exit(&run, 2);
    let answered = answer_rows(&run.stdout);
    assert_eq!(
        answered,
        [
            vec!["routing:queue:join", "yes"],
            vec!["routing:queue:frobnicate", "(not", "in", "the", "catalog)", "no"]
        ],
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("permission `routing:queue:*`"), "{}", run.stderr);
    let json = permgate(&["allows", &role, "routing:queue:join", "Nope > Nope > Nope", "--json"]);
    assert_exit(&json, 2);
    let json = json.json();
    assert_eq!(json["answers"].as_array().unwrap().len(), 1);
    assert_eq!(json["errors"][0]["permission"], "Nope > Nope > Nope");
    assert_eq!(json["errors"][0]["message"], "unknown label `Nope > Nope > Nope`");
}

#[test]
fn diff_shows_an_added_unconditional_wildcard() {
    let dir = TempDir::new();
    let old = dir.file(
        "old.json",
        r#"{"name": "r", "permissionPolicies": [{"domain": "ui", "entityName": "supervisorStatusControl", "actionSet": ["view"]}]}"#,
    );
    let new = dir.file(
        "new.json",
        r#"{"name": "r", "permissionPolicies": [{"domain": "ui", "entityName": "*", "actionSet": ["*"]}]}"#,
    );
    let allows = |file: &str| permgate(&["allows", file, "ui:agentDashboardStatus:view"]).code;
    assert_eq!((allows(&old), allows(&new)), (1, 0));
    for catalog in [None, Some(dir.file("org.json", r#"{"entities": []}"#))] {
        let mut args = vec!["diff", &old, &new];
        if let Some(catalog) = &catalog {
            args.extend(["--catalog", catalog]);
        }
        let diff = permgate(&args);
        assert_exit(&diff, 1);
        assert!(
            diff.stdout
                .contains("+  ui:*:*  wildcard: covers 1 catalog permission and any key under it"),
            "{}",
            diff.stdout
        );
        assert!(diff.stdout.ends_with("1 added, 0 removed\n"), "{}", diff.stdout);
        args.push("--json");
        let json = permgate(&args).json();
        assert_eq!(json["equal"], false);
        assert_eq!(
            json["added"],
            serde_json::json!([{"key": "ui:*:*", "label": null, "known": false, "condition": null, "wildcard": true, "covers": 1}])
        );
        // Reversed, the wildcard is removed: a narrowing, also shown.
        let back = permgate(&["diff", &new, &old]);
        assert_exit(&back, 1);
        assert!(back.stdout.contains("-  ui:*:*"), "{}", back.stdout);
    }
}

#[test]
fn audit_lists_every_unconditional_wildcard() {
    let dir = TempDir::new();
    let role = dir.file(
        "manager.json",
        r#"{"name": "manager", "permissionPolicies": [
        {"domain": "analytics", "entityName": "newConfigurations", "actionSet": ["*"]},
        {"domain": "routing", "entityName": "wrapupCode", "actionSet": ["*"]},
        {"domain": "ui", "entityName": "*", "actionSet": ["*"]}]}"#,
    );
    let text = permgate(&["audit", &role]);
    assert_exit(&text, 0);
    assert!(text.stdout.contains("3 wildcard grants"), "{}", text.stdout);
    assert!(
        text.stdout.contains("wildcard grants (3), unconditional:"),
        "{}",
        text.stdout
    );
    for line in [
        "analytics:newConfigurations:*  covers 0 catalog permissions and any key under it",
        "routing:wrapupCode:*           covers 5 catalog permissions and any key under it",
        "ui:*:*                         covers 1 catalog permission and any key under it",
    ] {
        assert!(text.stdout.contains(line), "{line}\n{}", text.stdout);
    }
    let json = permgate(&["audit", &role, "--json"]).json();
    assert_eq!(
        json["roles"][0]["wildcards"],
        // Over what the catalog knows, in the catalog's order; then the others, as granted.
        serde_json::json!([
            {"wildcard": "routing:wrapupCode:*", "permissions": ["routing:wrapupCode:search", "routing:wrapupCode:view", "routing:wrapupCode:add", "routing:wrapupCode:delete", "routing:wrapupCode:edit"]},
            {"wildcard": "ui:*:*", "permissions": ["ui:supervisorStatusControl:view"]},
            {"wildcard": "analytics:newConfigurations:*", "permissions": []}
        ])
    );
}

#[test]
fn export_writes_role_json_that_reads_back_the_same() {
    let dir = TempDir::new();
    let gate = permgate(&["export", "--gate", "amistandarduser"]);
    assert_exit(&gate, 0);
    let body = gate.json();
    assert_eq!(body["name"], "AmiStandardUser");
    assert!(
        body["description"]
            .as_str()
            .unwrap()
            .contains("conversation:email:park (from release 3.16)")
    );
    assert!(!body["permissionPolicies"].as_array().unwrap().is_empty());

    let builtin = permgate(&["export", "--role", "AMI R3|extra user role"]).json();
    assert_eq!(builtin["name"], "AMI R3|extra user role");
    assert!(
        builtin["description"]
            .as_str()
            .unwrap()
            .contains("Add-on to `AMI R3|standard user role`")
    );

    let role = dir.file("supervisor.json", SUPERVISOR);
    for form in [&[][..], &["--expanded"][..]] {
        let mut args = vec!["export", "--role", "supervisor", "--from", &role];
        args.extend_from_slice(form);
        let exported = permgate(&args);
        assert_exit(&exported, 0);
        let body = exported.json();
        assert!(
            body["permissionPolicies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p.get("resourceConditionNode").is_some())
        );
        let back = dir.file("back.json", &exported.stdout);
        let diff = permgate(&["diff", &role, &back]);
        if form.is_empty() {
            assert_exit(&diff, 0);
        } else {
            // Expanded: the same catalog permissions, without `journey:*:*`'s reach beyond them.
            assert_exit(&diff, 1);
            assert!(
                diff.stdout.contains("-  journey:*:*  wildcard: covers"),
                "{}",
                diff.stdout
            );
            assert!(diff.stdout.ends_with("0 added, 1 removed\n"), "{}", diff.stdout);
        }
    }
    let expanded = permgate(&["export", "--role", "supervisor", "--from", &role, "--expanded"]).json();
    assert!(!expanded.to_string().contains("\"*\""), "wildcards spelled out");

    assert_exit(&permgate(&["export", "--gate", "NoSuchGate"]), 2);
    assert_exit(&permgate(&["export", "--role", "no such role"]), 2);
    assert_exit(&permgate(&["export", "--role", "nobody", "--from", &role]), 2);
    let flat = permgate(&["export", "--role", "Skylight custom role minimum"]);
    assert_exit(&flat, 2);
    assert!(flat.stderr.contains("CxEngage name"), "{}", flat.stderr);
    assert_exit(&permgate(&["export"]), 2);
    assert_exit(&permgate(&["export", "--gate", "ActionMapEditor", "--role", "x"]), 2);
}

#[test]
fn export_writes_terraform_that_check_and_diff_read_back() {
    let hcl = permgate(&["export", "--gate", "AmiStandardUser", "--format", "terraform"]);
    assert_exit(&hcl, 0);
    let head = r#"resource "genesyscloud_auth_role" "ami_standard_user" {
  name        = "AmiStandardUser"
  description = "Basic AMI use; the set is the standard user role of the R3.15 matrix, with the Park permission only required from 3.16 and Transfer taken from the Platform API's queue transfer it is grounded in: conversation:communication:blindTransfer or conversation:communication:blindTransferQueue. Includes roadmap permissions: conversation:email:park (from release 3.16)."
  permission_policies {
    domain      = "analytics"
    entity_name = "agentConversationDetail"
    action_set  = ["view"]
  }
"#;
    assert!(hcl.stdout.starts_with(head), "{}", hcl.stdout);
    assert!(
        hcl.stdout.contains(
            r#"
  permission_policies {
    domain      = "integration"
    entity_name = "amiPremiumApps"
    action_set  = ["*"]
  }
"#
        ),
        "{}",
        hcl.stdout
    );
    let tail = r#"
  permission_policies {
    domain      = "routing"
    entity_name = "wrapupCode"
    action_set  = ["search", "view"]
  }
}
"#;
    assert!(hcl.stdout.ends_with(tail), "{}", hcl.stdout);
    assert_eq!(hcl.stdout.matches("permission_policies {").count(), 12);

    // Terraform JSON, and the role JSON of the same gate: no differences.
    let dir = TempDir::new();
    let role_json = permgate(&["export", "--gate", "AmiStandardUser"]);
    let tf_json = permgate(&["export", "--gate", "AmiStandardUser", "--format", "terraform-json"]);
    assert_exit(&tf_json, 0);
    let value = tf_json.json();
    let body = &value["resource"]["genesyscloud_auth_role"]["ami_standard_user"];
    assert_eq!(body["name"], "AmiStandardUser");
    assert_eq!(
        body["permission_policies"][0],
        serde_json::json!({"domain": "analytics", "entity_name": "agentConversationDetail", "action_set": ["view"]})
    );
    let role_file = dir.file("ami.json", &role_json.stdout);
    let tf_file = dir.file("ami.tf.json", &tf_json.stdout);
    let same = permgate(&["diff", &role_file, &tf_file]);
    assert_exit(&same, 0);
    assert!(same.stdout.starts_with("no differences"), "{}", same.stdout);
    let check = permgate(&["check", &tf_file, "--gate", "AmiStandardUser"]);
    assert_exit(&check, 0);
    assert!(check.stdout.contains("1 of 1 gate granted"), "{}", check.stdout);

    // What is in git drifts from what the org returns: diff says how.
    let changed = tf_json.stdout.replacen(
        r#""search",
              "view""#,
        r#""view""#,
        1,
    );
    assert_ne!(changed, tf_json.stdout);
    let changed = dir.file("changed.tf.json", &changed);
    let drift = permgate(&["diff", &role_file, &changed]);
    assert_exit(&drift, 1);
    let lines: Vec<&str> = drift.stdout.lines().collect();
    assert_eq!(
        lines[2..],
        [
            "-  routing:wrapupCode:search  Routing > Wrap-up Code > Search",
            "0 added, 1 removed"
        ],
        "{}",
        drift.stdout
    );
    let check = permgate(&["check", &changed, "--gate", "AmiStandardUser"]);
    assert_exit(&check, 1);
    assert!(check.stdout.contains("routing:wrapupCode:search"), "{}", check.stdout);

    // A role of a file, with a condition: the HCL holds it, the JSON reads back.
    let role = dir.file("supervisor.json", SUPERVISOR);
    let hcl = permgate(&[
        "export",
        "--role",
        "supervisor",
        "--from",
        &role,
        "--format",
        "terraform",
    ]);
    assert_exit(&hcl, 0);
    assert!(hcl.stdout.starts_with("resource \"genesyscloud_auth_role\" \"supervisor\" {\n  name        = \"supervisor\"\n  permissions = [\"old_flat_perm\"]\n"), "{}", hcl.stdout);
    assert!(hcl.stdout.contains("      conjunction = \"AND\"\n      terms {\n        variable_name = \"Queue.id\"\n        operator      = \"IN\"\n"), "{}", hcl.stdout);
    let json = permgate(&[
        "export",
        "--role",
        "supervisor",
        "--from",
        &role,
        "--format",
        "terraform-json",
    ]);
    let back = dir.file("supervisor.tf.json", &json.stdout);
    let explained = permgate(&["allows", &back, "routing:queue:edit", "routing:queue:join"]);
    assert_exit(&explained, 1);
    assert!(
        explained.stdout.contains("(Queue.id IN [QUEUE q-1])"),
        "{}",
        explained.stdout
    );

    // A condition Terraform cannot hold is refused, naming the policy.
    let nested = dir.file(
        "nested.json",
        r#"{"name": "n", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
        "resourceConditionNode": {"conjunction": "AND", "terms": [{"conjunction": "OR", "terms": [
          {"variableName": "b", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "2"}]}]}]}}]}"#,
    );
    let refused = permgate(&["export", "--role", "n", "--from", &nested, "--format", "terraform"]);
    assert_exit(&refused, 2);
    assert!(refused.stdout.is_empty());
    assert!(
        refused
            .stderr
            .contains("role `n`: policy `routing:queue`: the condition"),
        "{}",
        refused.stderr
    );
    assert_exit(
        &permgate(&["export", "--gate", "AmiStandardUser", "--format", "hcl"]),
        2,
    );
}

#[test]
fn check_and_diff_read_a_tf_export_file_with_a_bad_role() {
    let dir = TempDir::new();
    let file = dir.file(
        "roles.tf.json",
        r#"{
  "resource": {
    "genesyscloud_auth_role": {
      "agent": {"name": "agent", "description": null, "permissions": null,
        "permission_policies": [{"domain": "routing", "entity_name": "queue", "action_set": ["join", "view"], "conditions": null}]},
      "broken": {"name": "broken", "permission_policies": [{"entity_name": "queue", "action_set": ["view"]}]}
    },
    "genesyscloud_routing_queue": {"support": {"name": "Support"}}
  },
  "terraform": {"required_providers": {"genesyscloud": {"source": "mypurecloud/genesyscloud"}}}
}"#,
    );
    let allows = permgate(&["allows", &file, "--role", "agent", "routing:queue:join"]);
    assert_exit(&allows, 0);
    assert!(
        allows.stderr.contains(
            "warning: "
        ) && allows.stderr.contains(
            "roles.tf.json: role `broken`: `$.resource.genesyscloud_auth_role.broken.permission_policies[0]`: missing field `domain`"
        ),
        "{}",
        allows.stderr
    );
    let role = dir.file(
        "agent.json",
        r#"{"name": "agent", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["view", "join"]}]}"#,
    );
    assert_exit(&permgate(&["diff", &role, &file, "--role", "agent"]), 0);
    let picked = permgate(&["diff", &role, &file]);
    assert_exit(&picked, 2);
    assert!(
        picked.stderr.contains("holds 2 roles; pick one with --role"),
        "{}",
        picked.stderr
    );
    let broken = permgate(&["check", &file, "--role", "broken", "--gate", "AmiStandardUser"]);
    assert_exit(&broken, 2);
    assert!(broken.stderr.contains("missing field `domain`"), "{}", broken.stderr);
    let reference = dir.file(
        "reference.tf.json",
        r#"{"resource": {"genesyscloud_auth_role": {"a": {"name": "a", "permission_policies": [
          {"domain": "routing", "entity_name": "queue", "action_set": ["edit"], "conditions": [{"conjunction": "AND", "terms": [
            {"variable_name": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue_id": "${genesyscloud_routing_queue.support.id}"}]}]}]}]}}}}"#,
    );
    let refused = permgate(&["audit", &reference]);
    assert_exit(&refused, 2);
    assert!(
        refused.stderr.contains("operands[0].queue_id`: an interpolation"),
        "{}",
        refused.stderr
    );
}

#[test]
fn list_shows_the_builtin_catalog() {
    let gates = permgate(&["list", "gates"]);
    assert_exit(&gates, 0);
    assert!(gates.stdout.starts_with("gate "));
    assert!(
        gates
            .stdout
            .lines()
            .any(|l| l.starts_with("AmiStandardUser ") && l.contains("ami-r3"))
    );
    let roles = permgate(&["list", "roles", "--catalog", "ami-r3"]);
    assert_exit(&roles, 0);
    assert!(roles.stdout.contains("AMI R3|standard user role") && !roles.stdout.contains("Skylight"));
    let permissions = permgate(&["list", "permissions", "--catalog", "cxengage-skylight"]);
    assert!(permissions.stdout.contains("CONTACTS_READ") && !permissions.stdout.contains("journey:"));

    let json = permgate(&["list", "gates", "--json", "--catalog", "ami-r3"]).json();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["document"], "ami-r3");
    let standard = json["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "AmiStandardUser")
        .unwrap();
    assert_eq!(standard["release"], "3.15");
    assert_eq!(
        standard["roadmap"][0],
        serde_json::json!({"permission": "conversation:email:park", "release": "3.16"})
    );
    for field in ["description", "document", "extends", "required", "any_of"] {
        assert!(standard.get(field).is_some(), "{field}");
    }
    let json = permgate(&["list", "roles", "--json"]).json();
    assert_eq!(json["document"], Value::Null);
    assert_eq!(json["roles"].as_array().unwrap().len(), 5);
    assert!(json["roles"][0]["grants"].is_array());
    let json = permgate(&["list", "permissions", "--json"]).json();
    let view = json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "journey:actionmap:view")
        .unwrap();
    assert_eq!(view["label"], "Journey > Action Map > View");
    let source = &view["sources"][0];
    for field in [
        "document",
        "section",
        "description",
        "audience",
        "evidence",
        "license",
        "release_notes",
        "available_from",
    ] {
        assert!(source.get(field).is_some(), "{field}");
    }
    let unknown = permgate(&["list", "gates", "--catalog", "nope"]);
    assert_exit(&unknown, 2);
    assert!(
        unknown.stderr.contains("documents: altocloud, ami-r3"),
        "{}",
        unknown.stderr
    );
    assert_exit(&permgate(&["list", "everything"]), 2);
}

/// The keys of a `list permissions` table.
fn listed_keys(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn list_permissions_filters_by_domain_and_by_document() {
    // A domain, in any ASCII case: the documents' permissions and the platform's.
    let journey = permgate(&["list", "permissions", "--domain", "Journey"]);
    assert_exit(&journey, 0);
    let keys = listed_keys(&journey.stdout);
    assert!(keys.iter().all(|k| k.starts_with("journey:")), "{keys:?}");
    assert!(keys.contains(&"journey:actionmap:view"), "a document's");
    assert!(
        keys.iter()
            .any(|k| permgate::Catalog::builtin().lookup(k).unwrap().sources().is_empty()),
        "and the platform's"
    );
    let all = permgate(&["list", "permissions"]);
    let every: Vec<&str> = listed_keys(&all.stdout);
    let in_journey: Vec<&str> = every
        .iter()
        .copied()
        .filter(|k| k.to_ascii_lowercase().starts_with("journey:"))
        .collect();
    assert_eq!(keys, in_journey);

    // A document: only what it lists; a platform-only permission has no document.
    let ami = permgate(&["list", "permissions", "--document", "ami-r3"]);
    assert_exit(&ami, 0);
    let keys = listed_keys(&ami.stdout);
    assert!(keys.contains(&"conversation:communication:transfer"));
    assert!(!keys.contains(&"conversation:communication:blindTransferQueue"));
    assert!(!keys.iter().any(|k| k.starts_with("journey:")));
    // `--catalog` is the same option.
    assert_eq!(
        permgate(&["list", "permissions", "--catalog", "ami-r3"]).stdout,
        ami.stdout
    );

    // Both.
    let both = permgate(&["list", "permissions", "--document", "ami-r3", "--domain", "audits"]);
    assert_exit(&both, 0);
    assert_eq!(
        listed_keys(&both.stdout),
        ["audits:audit:view", "audits:interactionDetails:view"]
    );
    let json = permgate(&[
        "list",
        "permissions",
        "--document",
        "cxengage-skylight",
        "--domain",
        "routing",
        "--json",
    ])
    .json();
    assert_eq!(json["document"], "cxengage-skylight");
    assert_eq!(json["domain"], "routing");
    assert_eq!(json["permissions"], serde_json::json!([]));
    let json = permgate(&["list", "permissions", "--domain", "ROUTING", "--json"]).json();
    let routing = json["permissions"].as_array().unwrap();
    assert!(
        routing
            .iter()
            .all(|p| p["key"].as_str().unwrap().starts_with("routing:"))
    );
    assert!(routing.iter().any(|p| p["key"] == "routing:queue:join"));

    // Bad input.
    for document in ["nope", "genesys-cloud-platform"] {
        let unknown = permgate(&["list", "permissions", "--document", document]);
        assert_exit(&unknown, 2);
        assert!(
            unknown.stderr.contains(&format!(
                "unknown document `{document}`; documents: altocloud, ami-r3, cxengage-skylight, \
                 digital-user-tracking, predictive-engagement (platform-only permissions have no document)"
            )),
            "{}",
            unknown.stderr
        );
    }
    let unknown = permgate(&["list", "permissions", "--domain", "nope"]);
    assert_exit(&unknown, 2);
    assert!(unknown.stderr.contains("unknown domain `nope`"), "{}", unknown.stderr);
    // CxEngage flat names have no domain.
    assert_exit(&permgate(&["list", "permissions", "--domain", "CONTACTS_READ"]), 2);
    let gates = permgate(&["list", "gates", "--domain", "journey"]);
    assert_exit(&gates, 2);
    assert!(
        gates.stderr.contains("--domain filters `list permissions` only"),
        "{}",
        gates.stderr
    );
}

#[test]
fn standard_input_oversized_files_and_hostile_json_never_panic() {
    let dir = TempDir::new();
    let piped = permgate_with_stdin(&["allows", "-", "routing:queue:join"], SUPERVISOR);
    assert_exit(&piped, 0);
    let big = dir.0.join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(permgate::genesys::MAX_JSON_BYTES as u64 + 1)
        .unwrap();
    let run = permgate(&["audit", big.to_str().unwrap()]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("larger than the limit of 33554432 bytes"),
        "{}",
        run.stderr
    );
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_condition = {
        let mut node =
            r#"{"variableName": "v", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "1"}]}"#.to_owned();
        for _ in 0..100 {
            node = format!(r#"{{"conjunction": "AND", "terms": [{node}]}}"#);
        }
        format!(
            r#"{{"name": "r", "permissionPolicies": [{{"domain": "a", "entityName": "b", "actionSet": ["c"], "resourceConditionNode": {node}}}]}}"#
        )
    };
    for (n, text) in [
        "",
        "null",
        "\u{feff}{}",
        "{\"name\": 3}",
        "{\"name\": \"\"}",
        "{\"entities\": 3}",
        "[{\"name\": \"a\"}, {\"name\": \"a\"}]",
        "{\"name\": \"r\", \"permissionPolicies\": [{\"domain\": \"*\", \"entityName\": \"x\", \"actionSet\": [\"y\"]}]}",
        "{\"name\": \"r\", \"permissionPolicies\": [{\"domain\": \"a\", \"entityName\": \"b\", \"actionSet\": [\"c\"], \"resourceConditionNode\": {\"variableName\": \"v\", \"operator\": \"LIKE\", \"operands\": []}}]}",
        &nested,
        &deep_condition,
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.file(&format!("hostile-{n}.json"), text);
        for args in [
            vec!["audit", &file],
            vec!["check", &file, "--gate", "ActionMapEditor"],
            vec!["allows", &file, "routing:queue:join"],
            vec!["allows", &file, "--division", "d", "routing:queue:join"],
            vec!["diff", &file, &file],
            vec!["export", "--role", "r", "--from", &file],
            vec!["audit", "-", "--catalog", &file],
        ] {
            let run = permgate(&args);
            assert!([0, 1, 2].contains(&run.code), "{args:?}: {}", run.stderr);
            if run.code == 2 {
                assert!(run.stderr.starts_with("permgate: "), "{args:?}: {}", run.stderr);
            }
        }
    }
}

#[test]
fn help_documents_the_json_schemas() {
    for command in [
        "check",
        "allows",
        "explain",
        "endpoints",
        "audit",
        "diff",
        "who-can",
        "list",
    ] {
        let run = permgate(&[command, "--help"]);
        assert_exit(&run, 0);
        assert!(
            run.stdout.contains("\"format_version\": 1"),
            "{command}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("Exit codes"), "{command}");
    }
}

#[test]
fn real_role_audit_lists_unknown_permissions() {
    let Some(role) = real_role() else { return };
    let run = permgate(&["audit", &role]);
    assert_exit(&run, 0);
    assert!(run.stdout.starts_with("role `LBP Agent`"), "{}", run.stdout);
    for unknown in [
        "ui:agentQueueActivity:view",
        "ui:agentDashboardStatus:view",
        "conversation:call:accept",
    ] {
        assert!(
            run.stdout.lines().any(|l| l.trim() == unknown),
            "{unknown} not listed:\n{}",
            run.stdout
        );
    }
    let json = permgate(&["audit", &role, "--json"]).json();
    let unknown = json["roles"][0]["unknown"].as_array().unwrap();
    assert!(unknown.iter().any(|u| u == "ui:agentQueueActivity:view"));
    assert_eq!(json["errors"], serde_json::json!([]));
    // 51 grants: every one is a catalog permission or listed as unknown.
    assert_eq!(
        unknown.len() + json["roles"][0]["permissions"].as_array().unwrap().len(),
        51
    );
}

#[test]
fn real_role_is_denied_ami_standard_user_with_its_missing_list() {
    let Some(role) = real_role() else { return };
    let run = permgate(&["check", &role, "--gate", "AmiStandardUser"]);
    assert_exit(&run, 1);
    assert!(run.stdout.contains("AmiStandardUser is missing:"), "{}", run.stdout);
    let missing = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("integration:amiPremiumApps:*"))
        .unwrap();
    assert!(
        missing.contains("Integration > amiPremiumApps > All Permissions"),
        "{missing}"
    );
    let json = permgate(&["check", &role, "--gate", "AmiStandardUser", "--json"]).json();
    let keys: Vec<&str> = json["gates"][0]["denied"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(keys.contains(&"conversation:email:create"), "{keys:?}");
    assert!(!keys.contains(&"routing:queue:view"), "the role holds it: {keys:?}");
}

#[test]
fn real_role_allows_joining_queues() {
    let Some(role) = real_role() else { return };
    let run = permgate(&["allows", &role, "routing:queue:join"]);
    assert_exit(&run, 0);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("routing:queue:join") && l.trim_end().ends_with("yes"))
    );
    assert_exit(
        &permgate(&["allows", &role, "routing:queue:join", "routing:queue:edit"]),
        1,
    );
}

/// The Genesys bodies the CLI writes (`export`) and the condition nodes its `--json`
/// documents hold (`node`, in `allows`, `explain` and `audit`) read back through the typed
/// wire types, and say what the library says.
#[test]
fn json_bodies_read_back_through_the_wire_types() {
    use permgate::definition::Form;
    use permgate::genesys::wire::{self, DomainOrganizationRole, ResourceConditionNode};
    use permgate::genesys::{RoleFile, export_role};
    use permgate::{Catalog, Policy, condition::Condition};

    let dir = TempDir::new();
    let role = dir.file("supervisor.json", SUPERVISOR);
    let file = RoleFile::parse(SUPERVISOR).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let supervisor = builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    for (args, form) in [(&[][..], Form::Wildcard), (&["--expanded"][..], Form::Expanded)] {
        let mut command = vec!["export", "--role", "supervisor", "--from", &role];
        command.extend_from_slice(args);
        let exported = permgate(&command);
        assert_exit(&exported, 0);
        let body: DomainOrganizationRole = wire::from_str(&exported.stdout).unwrap();
        assert_eq!(
            body,
            export_role(&policy.definition(supervisor, form).unwrap()).unwrap(),
            "{form:?}"
        );
        let node = body
            .permission_policies
            .iter()
            .flatten()
            .find_map(|p| p.resource_condition_node.as_ref())
            .unwrap();
        assert_eq!(
            Condition::try_from(node).unwrap().to_string(),
            "Queue.id IN [QUEUE q-1]"
        );
    }
    let gate = permgate(&["export", "--gate", "AmiStandardUser"]);
    assert_exit(&gate, 0);
    let body: DomainOrganizationRole = wire::from_str(&gate.stdout).unwrap();
    let info = permgate::builtins::gate("AmiStandardUser").unwrap();
    assert_eq!(
        body,
        export_role(&info.definition(Catalog::builtin(), Form::Wildcard).unwrap()).unwrap()
    );

    // Every condition of a `--json` document is a `resourceConditionNode`, as the library writes it
    // (an audit's conditional grant holds it as its `condition`).
    let node = |value: &Value| {
        let node = value.get("condition").unwrap_or(value);
        let node: ResourceConditionNode = wire::from_str(&node.to_string()).unwrap();
        Condition::try_from(&node).unwrap()
    };
    let allows = permgate(&["allows", &role, "routing:queue:edit", "--json"]).json();
    let from_allows = node(&allows["answers"][0]["conditions"][0]);
    let explain = permgate(&["explain", &role, "routing:queue:edit", "--json"]).json();
    let from_explain = node(&explain["reasons"][0]["condition"]);
    let audit = permgate(&["audit", &role, "--json"]).json();
    let from_audit = node(&audit["roles"][0]["conditional"][0]);
    assert_eq!(from_allows, from_explain);
    assert_eq!(from_allows, from_audit);
    assert_eq!(&from_allows, policy.audit(supervisor).unwrap().conditional[0].condition);
}

/// `permgate endpoints` and `permgate explain --call`, against the library as the reference.
mod endpoints {
    use std::collections::BTreeMap;

    use permgate::call::CallDecision;
    use permgate::genesys::{RoleFile, SubjectSpec, call_forbidden_body};
    use permgate::operation::{Operation, Requirement};
    use permgate::{Catalog, Decision, Policy, Principal};
    use serde_json::{Value, json};

    use super::support::{TempDir, assert_exit, permgate};
    use super::{LISTING, SUBJECT, SUPERVISOR, real_role};

    /// The policy of a role file's one role, compiled by the library.
    fn role_policy(text: &str) -> (Policy, Principal) {
        let file = RoleFile::parse(text).unwrap();
        let mut builder = Policy::builder(Catalog::builtin());
        let role = builder.add_role_definition(&file.roles[0]).unwrap();
        (builder.build(), role.into())
    }

    /// The library's answer for every builtin operation: `allowed`, `allowed_if`,
    /// `denied` or `unverifiable`, keyed `METHOD PATH`.
    fn library_answers(policy: &Policy, who: Principal) -> BTreeMap<String, &'static str> {
        permgate::builtins::operations()
            .map(|op| {
                let answer = match policy.decide_operation(who, op) {
                    CallDecision::Allowed => "allowed",
                    CallDecision::AllowedIf(_) => "allowed_if",
                    _ if matches!(op.requirement, Requirement::Unverifiable) => "unverifiable",
                    _ => "denied",
                };
                (format!("{} {}", op.method, op.path), answer)
            })
            .collect()
    }

    /// A naive model written apart from `decide_operation`: ALL is allowed when every
    /// permission is allowed unconditionally, ANY when one is, nothing always, the
    /// unverifiable never.
    fn naive_allowed(policy: &Policy, who: Principal, op: &Operation) -> bool {
        let allowed = |p| policy.decide(who, p) == Decision::Allowed;
        match op.requirement {
            Requirement::Nothing => true,
            Requirement::All(list) => list.iter().all(|&p| allowed(p)),
            Requirement::Any(list) => list.iter().any(|&p| allowed(p)),
            _ => false,
        }
    }

    /// The CLI's answers, keyed as [`library_answers`].
    fn cli_answers(json: &Value) -> BTreeMap<String, &'static str> {
        json["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| {
                let answer = match (op["decision"].as_str().unwrap(), op["unverifiable"].as_bool().unwrap()) {
                    ("allowed", false) => "allowed",
                    ("allowed_if", false) => "allowed_if",
                    ("denied", true) => "unverifiable",
                    ("denied", false) => "denied",
                    other => panic!("{other:?}"),
                };
                (
                    format!("{} {}", op["method"].as_str().unwrap(), op["path"].as_str().unwrap()),
                    answer,
                )
            })
            .collect()
    }

    fn count(answers: &BTreeMap<String, &'static str>, answer: &str) -> usize {
        answers.values().filter(|a| **a == answer).count()
    }

    fn keys(value: &Value) -> Vec<&str> {
        value.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
    }

    #[test]
    fn every_operation_is_answered_as_the_library_and_a_naive_model_answer() {
        let dir = TempDir::new();
        let file = dir.file("supervisor.json", SUPERVISOR);
        let run = permgate(&["endpoints", &file, "--json"]);
        assert_exit(&run, 0);
        let json = run.json();
        let (policy, who) = role_policy(SUPERVISOR);
        let expected = library_answers(&policy, who);
        let answers = cli_answers(&json);
        assert_eq!(answers, expected);
        assert_eq!(answers.len(), permgate::builtins::operations().len());
        let counts = &json["counts"];
        for answer in ["allowed", "allowed_if", "denied", "unverifiable"] {
            assert_eq!(counts[answer], count(&expected, answer), "{answer}");
        }
        assert_eq!(counts["operations"], expected.len());
        let nothing = permgate::builtins::operations()
            .filter(|op| matches!(op.requirement, Requirement::Nothing))
            .count();
        assert_eq!(counts["no_permission_needed"], nothing);
        // The conditional grant (`routing:queue:edit` on q-1) makes some calls conditional.
        assert!(count(&expected, "allowed_if") > 0);
        assert_eq!(answers["PUT /api/v2/routing/queues/{queueId}"], "allowed_if");
        // Unconditionally allowed: exactly what the naive model allows.
        for (op, row) in permgate::builtins::operations().zip(json["operations"].as_array().unwrap()) {
            assert_eq!(
                row["decision"] == "allowed",
                naive_allowed(&policy, who, op),
                "{} {}",
                op.method,
                op.path
            );
            // What is missing, against the requirement.
            if row["decision"] != "denied" {
                assert_eq!(
                    (row["missing"].clone(), row["missing_any"].clone()),
                    (json!([]), json!([]))
                );
                continue;
            }
            match op.requirement {
                Requirement::All(list) => {
                    let lacking: Vec<&str> = list
                        .iter()
                        .filter(|&&p| policy.decide(who, p) != Decision::Allowed)
                        .map(|p| p.key())
                        .collect();
                    assert_eq!(keys(&row["missing"]), lacking, "{}", op.name);
                    assert_eq!(row["missing_any"], json!([]));
                }
                Requirement::Any(list) => {
                    let group: Vec<&str> = list.iter().map(|p| p.key()).collect();
                    assert_eq!(keys(&row["missing_any"]), group, "{}", op.name);
                    assert_eq!(row["missing"], json!([]));
                }
                _ => assert_eq!(
                    (row["missing"].clone(), row["missing_any"].clone()),
                    (json!([]), json!([]))
                ),
            }
        }
        // The table: one line per operation but the conditional and unverifiable (apart), then counts.
        let table = permgate(&["endpoints", &file]);
        assert_exit(&table, 0);
        let main_rows = table
            .stdout
            .lines()
            .filter(|l| l.starts_with("GET ") || l.starts_with("POST ") || l.starts_with("DELETE "))
            .count();
        let expected_rows = permgate::builtins::operations()
            .filter(|op| ["GET", "POST", "DELETE"].contains(&op.method.as_str()))
            .filter(|op| ["allowed", "denied"].contains(&expected[&format!("{} {}", op.method, op.path)]))
            .count();
        assert_eq!(main_rows, expected_rows);
        let put = table
            .stdout
            .lines()
            .find(|l| l.contains("putRoutingQueue ") || l.trim_end().ends_with("putRoutingQueue"))
            .unwrap_or_else(|| panic!("{}", table.stdout));
        assert!(put.starts_with("  PUT"), "conditional rows are apart: {put}");
        assert!(
            table
                .stdout
                .contains(&format!("  not callable  {:>4}", count(&expected, "denied"))),
            "{}",
            &table.stdout[table.stdout.len().saturating_sub(600)..]
        );
        let transcoding = table
            .stdout
            .lines()
            .find(|l| l.contains("/api/v2/userrecordings/{recordingId}/transcoding"))
            .unwrap();
        assert!(
            transcoding.starts_with("  GET") && transcoding.ends_with("requires They are enforced by the backend"),
            "{transcoding}"
        );
    }

    #[test]
    fn a_denied_row_says_what_is_missing() {
        let dir = TempDir::new();
        let file = dir.file("supervisor.json", SUPERVISOR);
        let run = permgate(&[
            "endpoints",
            &file,
            "--path-prefix",
            "/api/v2/users/{userId}",
            "--method",
            "delete",
        ]);
        assert_exit(&run, 0);
        let row = run
            .stdout
            .lines()
            .find(|l| l.starts_with("DELETE  /api/v2/users/{userId} "))
            .unwrap_or_else(|| panic!("{}", run.stdout));
        assert!(
            row.ends_with("no      one of: directory:user:delete, directory:organization:admin (admin not checked)"),
            "{row}"
        );
        // ALL: the permissions lacking only.
        let run = permgate(&[
            "endpoints",
            &file,
            "--path-prefix",
            "/api/v2/routing/queues",
            "--method",
            "DELETE",
        ]);
        let row = run
            .stdout
            .lines()
            .find(|l| l.starts_with("DELETE  /api/v2/routing/queues/{queueId} "))
            .unwrap_or_else(|| panic!("{}", run.stdout));
        assert!(
            row.ends_with("deleteRoutingQueue  no      routing:queue:delete"),
            "{row}"
        );
        let row = run.stdout.lines().find(|l| l.contains("GET ")).map(str::to_owned);
        assert_eq!(row, None, "--method DELETE lists DELETE only");
    }

    #[test]
    fn path_prefix_method_and_only_filters() {
        let dir = TempDir::new();
        let file = dir.file("supervisor.json", SUPERVISOR);
        let (policy, who) = role_policy(SUPERVISOR);
        let prefix = "/api/v2/routing/queues";
        let run = permgate(&[
            "endpoints",
            &file,
            "--path-prefix",
            prefix,
            "--method",
            "GET,post",
            "--json",
        ]);
        assert_exit(&run, 0);
        let json = run.json();
        let in_scope: Vec<&Operation> = permgate::builtins::operations()
            .filter(|op| op.path.starts_with(prefix) && ["GET", "POST"].contains(&op.method.as_str()))
            .collect();
        let rows = json["operations"].as_array().unwrap();
        assert_eq!(rows.len(), in_scope.len());
        assert!(in_scope.len() > 10);
        for (row, op) in rows.iter().zip(&in_scope) {
            assert_eq!(
                (row["method"].as_str(), row["path"].as_str()),
                (Some(op.method.as_str()), Some(op.path))
            );
        }
        assert_eq!(json["counts"]["operations"], in_scope.len());
        assert_eq!(json["methods"], json!(["GET", "POST"]));
        assert_eq!(json["path_prefix"], prefix);
        let allowed = in_scope
            .iter()
            .filter(|op| matches!(policy.decide_operation(who, op), CallDecision::Allowed))
            .count();
        assert_eq!(json["counts"]["allowed"], allowed);

        // --only keeps some rows; the counts still cover the scope.
        let only = permgate(&[
            "endpoints",
            &file,
            "--path-prefix",
            prefix,
            "--method",
            "GET,POST",
            "--only",
            "denied",
            "--json",
        ])
        .json();
        assert_eq!(only["counts"], json["counts"]);
        let denied = only["operations"].as_array().unwrap();
        assert_eq!(denied.len(), json["counts"]["denied"].as_u64().unwrap() as usize);
        assert!(
            denied
                .iter()
                .all(|r| r["decision"] == "denied" && r["unverifiable"] == false)
        );
        let conditional = permgate(&["endpoints", &file, "--only", "conditional", "--json"]).json();
        assert!(
            conditional["operations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["decision"] == "allowed_if" && !r["conditions"].as_array().unwrap().is_empty())
        );
        assert_eq!(conditional["only"], json!(["allowed_if"]));

        // Filters that keep no operation, and a method the API does not use: bad input.
        for args in [
            vec!["--path-prefix", "/api/v2/nowhere"],
            vec!["--path-prefix", "routing/queues"],
            vec!["--path-prefix", "/api/v2/routing/queues/abc"],
            vec!["--path-prefix", "/api/v2/users/me", "--method", "PATCH"],
            vec!["--method", "FETCH"],
            vec!["--only", "maybe"],
        ] {
            let mut command = vec!["endpoints", &file];
            command.extend(args.iter().copied());
            let run = permgate(&command);
            assert_exit(&run, 2);
            assert_eq!(run.stdout, "", "{args:?}");
        }
        let run = permgate(&["endpoints", &file, "--path-prefix", "/api/v2/routing/queues/abc"]);
        assert!(
            run.stderr
                .contains("no operation whose path starts with `/api/v2/routing/queues/abc`")
                && run.stderr.contains("explain FILE --call"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn several_roles_need_role_and_a_subject_is_answered_in_its_division() {
        let dir = TempDir::new();
        let listing = dir.file("listing.json", LISTING);
        let run = permgate(&["endpoints", &listing]);
        assert_exit(&run, 2);
        assert!(run.stderr.contains("pick one with --role"), "{}", run.stderr);
        let run = permgate(&["endpoints", &listing, "--role", "agent", "--json"]);
        assert_exit(&run, 0);
        assert_eq!(run.json()["role"], "agent");

        let subject = dir.file("subject.json", SUBJECT);
        let spec = SubjectSpec::parse(SUBJECT).unwrap();
        let mut builder = Policy::builder(Catalog::builtin());
        let user = builder.add_user_definition(&spec.definition()).unwrap();
        let policy = builder.build();
        for division in ["d-east", "d-west"] {
            let run = permgate(&["endpoints", &subject, "--division", division, "--json"]);
            assert_exit(&run, 0);
            let json = run.json();
            assert_eq!(
                (json["subject"].as_str(), json["division"].as_str()),
                (Some("Ana"), Some(division))
            );
            let expected = library_answers(&policy, policy.user_in(user, division));
            assert_eq!(cli_answers(&json), expected, "{division}");
        }
        // The viewer grant is in d-east only.
        let east = permgate(&[
            "explain",
            &subject,
            "--division",
            "d-east",
            "--call",
            "GET /api/v2/routing/queues/q1",
        ]);
        assert_exit(&east, 0);
        let west = permgate(&[
            "explain",
            &subject,
            "--division",
            "d-west",
            "--call",
            "GET /api/v2/routing/queues/q1",
        ]);
        assert_exit(&west, 1);
        assert!(
            west.stdout.contains("\"code\": \"missing.permissions\""),
            "{}",
            west.stdout
        );
    }

    #[test]
    fn explain_call_answers_with_the_operation_and_the_403_body() {
        let dir = TempDir::new();
        let file = dir.file(
            "agent.json",
            r#"{"name": "agent", "permissionPolicies": [
          {"domain": "routing", "entityName": "queue", "actionSet": ["view", "join"]}]}"#,
        );
        let call = "POST /api/v2/routing/queues/3f1a-9/members";
        let run = permgate(&["explain", &file, "--call", call, "--json"]);
        assert_exit(&run, 1);
        let json = run.json();
        assert_eq!(
            json["call"],
            json!({"method": "POST", "path": "/api/v2/routing/queues/3f1a-9/members", "query_ignored": null})
        );
        assert_eq!(json["operation"], "postRoutingQueueMembers");
        assert_eq!(json["path"], "/api/v2/routing/queues/{queueId}/members");
        assert_eq!(json["requirement"], "any");
        assert_eq!(json["decision"], "denied");
        assert_eq!(
            keys(&json["missing_any"]),
            ["routing:queue:edit", "routing:queueMember:manage"]
        );
        // The body is the library's, for the same call.
        let (policy, who) = role_policy(&std::fs::read_to_string(&file).unwrap());
        let answer = policy
            .may_call(
                who,
                permgate::operation::Method::Post,
                "/api/v2/routing/queues/3f1a-9/members",
            )
            .unwrap();
        let CallDecision::Denied(denied) = answer.decision() else {
            panic!()
        };
        assert_eq!(json["forbidden_body"], call_forbidden_body(denied, None));
        assert_eq!(json["forbidden_body"]["status"], 403);
        assert_eq!(json["forbidden_body"]["code"], "missing.any.permissions");
        let message = json["forbidden_body"]["message"].as_str().unwrap();
        assert!(
            message.contains("routing:queue:edit") && message.contains("routing:queueMember:manage"),
            "{message}"
        );

        let table = permgate(&["explain", &file, "--call", call]);
        assert_exit(&table, 1);
        let text = &table.stdout;
        assert!(
            text.starts_with("role `agent`: POST /api/v2/routing/queues/3f1a-9/members: denied\n"),
            "{text}"
        );
        assert!(
            text.contains("template   POST /api/v2/routing/queues/{queueId}/members"),
            "{text}"
        );
        assert!(text.contains("requires   any one of 2 permissions"), "{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with("  routing:queue:edit") && l.ends_with("missing")),
            "{text}"
        );
        let body_at = text.find("the 403 body Genesys Cloud returns for it:\n").unwrap();
        let body: Value = serde_json::from_str(text[body_at..].split_once('\n').unwrap().1).unwrap();
        assert_eq!(body, json["forbidden_body"]);

        // Allowed: exit 0, no body; the query string is ignored and said so; a full URL is a path.
        let run = permgate(&[
            "explain",
            &file,
            "--call",
            "get https://api.mypurecloud.com/api/v2/routing/queues/q1?expand=x",
            "--json",
        ]);
        assert_exit(&run, 0);
        let json = run.json();
        assert_eq!(
            (json["decision"].as_str(), json["operation"].as_str()),
            (Some("allowed"), Some("getRoutingQueue"))
        );
        assert_eq!(json["call"]["query_ignored"], "expand=x");
        assert_eq!(json["forbidden_body"], Value::Null);
        let run = permgate(&["explain", &file, "--call", "GET /api/v2/routing/queues/q1?expand=x"]);
        assert!(
            run.stdout.contains("query string `?expand=x` ignored"),
            "{}",
            run.stdout
        );
        // Needs nothing: allowed.
        let run = permgate(&["explain", &file, "--call", "GET /api/v2/users/me"]);
        assert_exit(&run, 0);
        assert!(run.stdout.contains("requires   no permission"), "{}", run.stdout);
        // Unverifiable: denied, not.authorized.
        let run = permgate(&[
            "explain",
            &file,
            "--call",
            "GET /api/v2/userrecordings/r1/transcoding",
            "--json",
        ]);
        assert_exit(&run, 1);
        let json = run.json();
        assert_eq!(
            (json["unverifiable"].as_bool(), json["forbidden_body"]["code"].as_str()),
            (Some(true), Some("not.authorized"))
        );
    }

    #[test]
    fn a_bad_call_line_is_bad_input() {
        let dir = TempDir::new();
        let file = dir.file("supervisor.json", SUPERVISOR);
        for (call, says) in [
            ("POST", "expected `METHOD PATH`"),
            ("POST /api/v2/users extra", "expected `METHOD PATH`"),
            ("/api/v2/users/me", "expected `METHOD PATH`"),
            ("GET api/v2/users/me", "expected `METHOD PATH`"),
            ("FETCH /api/v2/users/me", "`FETCH` is not a method of the Platform API"),
            (
                "GET /api/v2/nowhere/at/all",
                "no Platform API operation matches `GET /api/v2/nowhere/at/all`",
            ),
            (
                "PUT /api/v2/users/me",
                "no Platform API operation matches `PUT /api/v2/users/me`; the path is an operation's for GET",
            ),
            (
                "GET /api/v2/users/\u{1b}[2K",
                "`/api/v2/users/\\u{1b}[2K` is not a request path",
            ),
            ("GET /api/v2/users/caf\u{e9}", "is not a request path"),
        ] {
            let run = permgate(&["explain", &file, "--call", call]);
            assert_exit(&run, 2);
            assert_eq!(run.stdout, "", "{call}");
            assert!(run.stderr.contains(says), "{call}: {}", run.stderr);
        }
        // A permission and --call together, or neither: refused by the parser.
        assert_exit(
            &permgate(&["explain", &file, "routing:queue:view", "--call", "GET /api/v2/users/me"]),
            2,
        );
        assert_exit(&permgate(&["explain", &file]), 2);
    }

    #[test]
    fn real_role_endpoints_and_a_real_denial() {
        let Some(role) = real_role() else { return };
        let run = permgate(&["endpoints", &role, "--json"]);
        assert_exit(&run, 0);
        let json = run.json();
        let text = std::fs::read_to_string(&role).unwrap();
        let (policy, who) = role_policy(&text);
        let expected = library_answers(&policy, who);
        assert_eq!(cli_answers(&json), expected);
        let allowed = count(&expected, "allowed");
        let table = permgate(&["endpoints", &role]);
        assert!(
            table
                .stdout
                .starts_with(&format!("role `LBP Agent`: {allowed} callable, ")),
            "{}",
            &table.stdout[..200]
        );
        // The role joins queues but cannot add members to one.
        let run = permgate(&[
            "explain",
            &role,
            "--call",
            "POST /api/v2/routing/queues/abc/members",
            "--json",
        ]);
        assert_exit(&run, 1);
        assert_eq!(run.json()["forbidden_body"]["code"], "missing.any.permissions");
    }
}
