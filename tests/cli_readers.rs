//! The `permgate` CLI on subject and user files the readers answer only in part: grants
//! whose roles show no policies, and a user without its `authorization` expansion.

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use serde_json::{Value, json};
use support::{TempDir, assert_exit, permgate};

/// A subject whose second and third grants carry roles without policies, one
/// of them named with a terminal escape.
fn subject() -> String {
    json!({"id": "u-1", "name": "Ana", "grants": [
        {"division": {"id": "d-east"}, "role": {"id": "r-1", "name": "viewer", "policies": [
            {"domain": "routing", "entityName": "queue", "actions": ["view"]}]}},
        {"division": {"id": "*"}, "role": {"id": "r-2", "name": "agent", "policies": []}},
        {"division": {"id": "d-west"}, "role": {"name": "sneaky\u{1b}[2K"}}
    ]})
    .to_string()
}

#[test]
fn roles_without_policies_are_warned_about_and_listed_in_json() {
    let dir = TempDir::new();
    let file = dir.file("subject.json", &subject());
    let run = permgate(&["allows", &file, "routing:queue:join"]);
    assert_exit(&run, 1);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("permgate: warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(
        warnings[0].contains("role `agent` in division `*` carries no policies")
            && warnings[0].contains("`GET /api/v2/authorization/roles/r-2`"),
        "{}",
        warnings[0]
    );
    // The name is escaped: no raw escape reaches the terminal.
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(
        warnings[1].contains("`GET /api/v2/authorization/roles/{roleId}`"),
        "{}",
        warnings[1]
    );

    for command in [
        vec!["allows", file.as_str(), "routing:queue:join", "--json"],
        vec!["check", file.as_str(), "--gate", "ActionMapEditor", "--json"],
        vec!["explain", file.as_str(), "routing:queue:join", "--json"],
        vec!["audit", file.as_str(), "--json"],
    ] {
        let json = permgate(&command).json();
        assert_eq!(
            json["roles_without_policies"],
            json!([
                {"name": "agent", "id": "r-2", "divisions": ["*"]},
                {"name": "sneaky\u{1b}[2K", "id": null, "divisions": ["d-west"]}
            ]),
            "{command:?}"
        );
    }
    // A role file has none, and says so as an empty list.
    let role = dir.file(
        "role.json",
        r#"{"name": "r", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}"#,
    );
    let json = permgate(&["allows", &role, "routing:queue:view", "--json"]).json();
    assert_eq!(json["roles_without_policies"], json!([]));
}

#[test]
fn a_users_me_file_without_authorization_says_to_request_the_expansion() {
    let text = std::fs::read_to_string("tests/fixtures/genesys/users-me.json").unwrap();
    let mut user: Value = serde_json::from_str(&text).unwrap();
    user.as_object_mut().unwrap().remove("authorization").unwrap();
    let dir = TempDir::new();
    let file = dir.file("me.json", &user.to_string());
    for command in [
        vec!["allows", file.as_str(), "routing:queue:join"],
        vec!["check", file.as_str(), "--gate", "ActionMapEditor"],
        vec!["audit", file.as_str()],
    ] {
        let run = permgate(&command);
        assert_exit(&run, 2);
        assert!(
            run.stderr.contains("request `?expand=authorization` again"),
            "{command:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("expected a role"), "{}", run.stderr);
    }
}
