//! The `--json` schemas each command's `--help` prints, against the JSON the
//! command writes on real files, both ways: every key written is documented,
//! and every documented key is written by one of the runs (the few that
//! these files cannot produce are named).

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/platform.rs"]
mod platform;
mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{TempDir, permgate};

/// The quoted field names (`"name":`) of the schema after `JSON (--json)`
/// in `permgate COMMAND --help`.
fn documented(command: &str) -> BTreeSet<String> {
    let help = permgate(&[command, "--help"]).stdout;
    let schema = &help[help.find("JSON (--json)").expect("a schema")..];
    let mut keys = BTreeSet::new();
    let mut rest = schema;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let word = &after[..end];
        let next = &after[end + 1..];
        if next.starts_with(':') && !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            keys.insert(word.to_owned());
        }
        rest = next;
    }
    keys
}

/// Every key of a JSON document, but those inside a condition node (the
/// API's `resourceConditionNode`) or a 403 body (the API's `ErrorBody`,
/// with its `status` and `code`), both documented by the API.
fn written(value: &Value, keys: &mut BTreeSet<String>) {
    let node = value.as_object().is_some_and(|o| {
        o.contains_key("operator")
            || o.contains_key("conjunction")
            || (o.contains_key("status") && o.contains_key("code"))
    });
    if node {
        return;
    }
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                keys.insert(key.clone());
                written(value, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| written(item, keys)),
        _ => {}
    }
}

const ROLE: &str = r#"[{"name": "supervisor", "id": "r-1", "description": "d", "permissions": ["old_flat_perm"],
  "permissionPolicies": [
    {"domain": "journey", "entityName": "*", "actionSet": ["*"]},
    {"domain": "journey", "entityName": "segment", "actionSet": ["view"]},
    {"domain": "ui", "entityName": "agentQueueActivity", "actionSet": ["view"]},
    {"domain": "widgets", "entityName": "deployment", "actionSet": ["view"]},
    {"domain": "attributes", "entityName": "attribute", "actionSet": ["view"]},
    {"domain": "routing", "entityName": "queue", "actionSet": ["join"]},
    {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
     "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
       "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]},
  {"name": "broken", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": []}]}]"#;

const SUBJECT: &str = r#"{"name": "Ana", "grants": [
  {"role": {"name": "editor", "permissionPolicies": [
     {"domain": "routing", "entityName": "queue", "actionSet": ["edit"]}]}, "division": {"id": "d-west"}},
  {"role": {"id": "r-9", "name": "empty"}, "division": {"id": "*"}}]}"#;

/// Snapshot folders, as `permgate pull --out DIR` writes them.
const SNAPSHOT_A: &str = "tests/fixtures/genesys/snapshot-a";
const SNAPSHOT_B: &str = "tests/fixtures/genesys/snapshot-b";

/// Keys a schema documents that these files do not make the command write.
const NOT_WRITTEN_HERE: &[&str] = &[
    // explain: only for a whole-entity row no grant holds alone.
    "actions",
];

#[test]
fn every_json_key_is_documented_and_every_documented_key_is_written() {
    let dir = TempDir::new();
    let role_file = dir.file("roles.json", ROLE);
    let subject = dir.file("subject.json", SUBJECT);
    let other = dir.file(
        "other.json",
        r#"{"name": "supervisor", "permissionPolicies": [{"domain": "ui", "entityName": "*", "actionSet": ["*"]}]}"#,
    );
    let runs: Vec<(&str, Vec<Vec<&str>>)> = vec![
        (
            "check",
            vec![
                vec![
                    "check",
                    &role_file,
                    "--role",
                    "supervisor",
                    "--gate",
                    "AltocloudAdmin,AmiStandardUser,ActionMapEditor",
                ],
                vec!["check", &subject, "--gate", "AmiNotes"],
            ],
        ),
        (
            "allows",
            vec![
                vec![
                    "allows",
                    &role_file,
                    "--role",
                    "supervisor",
                    "routing:queue:edit",
                    "routing:queue:join",
                    "not a permission",
                ],
                vec!["allows", &subject, "--division", "d-west", "routing:queue:edit"],
            ],
        ),
        (
            "explain",
            vec![
                vec!["explain", &role_file, "--role", "supervisor", "routing:queue:edit"],
                vec!["explain", &subject, "--division", "d-east", "routing:queue:edit"],
                vec!["explain", &role_file, "--role", "supervisor", "journey:segment:view"],
                vec![
                    "explain",
                    &role_file,
                    "--role",
                    "supervisor",
                    "ui:agentQueueActivity:view",
                ],
                vec![
                    "explain",
                    &role_file,
                    "--role",
                    "supervisor",
                    "--call",
                    "DELETE /api/v2/routing/queues/q-1?force=true",
                ],
                vec!["explain", &subject, "--call", "GET /api/v2/routing/queues/q-1"],
            ],
        ),
        (
            "endpoints",
            vec![
                vec!["endpoints", &role_file, "--role", "supervisor"],
                vec![
                    "endpoints",
                    &subject,
                    "--division",
                    "d-west",
                    "--path-prefix",
                    "/api/v2/routing",
                    "--method",
                    "GET",
                    "--only",
                    "denied,allowed_if",
                ],
            ],
        ),
        (
            "audit",
            vec![
                vec!["audit", &role_file],
                vec!["audit", &subject],
                vec!["audit", SNAPSHOT_A],
            ],
        ),
        (
            "diff",
            vec![
                vec!["diff", &role_file, &other, "--role", "supervisor"],
                vec!["diff", &subject, "tests/fixtures/genesys/subjects-me.json"],
                vec!["diff", SNAPSHOT_A, SNAPSHOT_B],
            ],
        ),
        (
            "who-can",
            vec![
                vec!["who-can", SNAPSHOT_A, "routing:queue:edit"],
                vec![
                    "who-can",
                    SNAPSHOT_A,
                    "recording:recording:delete",
                    "--division",
                    "West",
                ],
                vec!["who-can", &other, "ui:agentQueueActivity:view"],
            ],
        ),
        (
            "list",
            vec![
                vec!["list", "gates"],
                vec!["list", "roles"],
                vec!["list", "permissions", "--document", "altocloud"],
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (command, runs) in runs {
        let documented = documented(command);
        let mut allowed = documented.clone();
        if command == "audit" {
            // `gate_info` holds gates as `list gates --json` writes them.
            allowed.extend(self::documented("list"));
        }
        if command == "explain" {
            // With --call, an operation as `endpoints --json` writes it.
            allowed.extend(self::documented("endpoints"));
        }
        let mut all = BTreeSet::new();
        for args in runs {
            let mut args = args.clone();
            args.push("--json");
            let run = permgate(&args);
            let mut keys = BTreeSet::new();
            written(&run.json(), &mut keys);
            for key in keys.difference(&allowed) {
                problems.push(format!(
                    "{args:?} writes `{key}`, which `{command} --help` does not document"
                ));
            }
            all.extend(keys);
        }
        for key in documented.difference(&all) {
            if !NOT_WRITTEN_HERE.contains(&key.as_str()) {
                problems.push(format!("`{command} --help` documents `{key}`, which no run writes"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `pull --json`, against the Platform API stand-in: every key it writes is
/// in `pull --help`'s schema, and every key there is written.
#[test]
fn pull_json_keys_are_documented_and_written() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let org = platform::Org::new(2, 2);
    let stand_in = runtime.block_on(platform::Platform::start(move |call| org.answer(call).unwrap()));
    let dir = TempDir::new();
    let out = dir.0.join("snap");
    let base = stand_in.base();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_permgate"))
        .args(["pull", "--api-base", &base, "--login-base", &base, "--json", "--out"])
        .arg(&out)
        .env("GENESYS_CLIENT_ID", platform::CLIENT_ID)
        .env("GENESYS_CLIENT_SECRET", platform::CLIENT_SECRET)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut keys = BTreeSet::new();
    written(&json, &mut keys);
    assert_eq!(keys, documented("pull"));
}
