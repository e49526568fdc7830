//! The table of Platform API operations against `../shared/data/genesys-cloud/endpoints-sdk.json`
//! (when present) as the independent reference.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/endpoint_table.rs"]
mod endpoint_table;

use permgate::builtins as operation;
use permgate::operation::{Method, Requirement};

fn keys(requirement: Requirement) -> Vec<&'static str> {
    requirement.permissions().iter().map(|p| p.key()).collect()
}

#[test]
fn a_sample_of_operations_is_as_the_docs_print_it() {
    let op = operation::operation("postRoutingQueueMembers").unwrap();
    assert_eq!(
        (op.method, op.path),
        (Method::Post, "/api/v2/routing/queues/{queueId}/members")
    );
    assert!(matches!(op.requirement, Requirement::All(_) | Requirement::Any(_)));
    // none
    let nothing = operation::operations()
        .filter(|op| matches!(op.requirement, Requirement::Nothing))
        .count();
    assert!(nothing > 300, "{nothing}");
    // the non-permission entries: never dropped
    let delete_user = operation::operation("deleteUser").unwrap();
    assert_eq!(delete_user.unchecked, ["admin"]);
    assert_eq!(
        keys(delete_user.requirement),
        ["directory:user:delete", "directory:organization:admin"]
    );
    let transcoding = operation::operations()
        .find(|op| op.path == "/api/v2/userrecordings/{recordingId}/transcoding")
        .unwrap();
    assert!(matches!(transcoding.requirement, Requirement::Unverifiable));
    assert_eq!(transcoding.unchecked, ["They are enforced by the backend"]);
    let documents = operation::operations()
        .filter(|op| op.unchecked == ["content_management_user"])
        .count();
    assert_eq!(documents, 5);
    // chat:1on1 is in the platform catalog now
    let chat = operation::operations()
        .find(|op| op.path == "/api/v2/chats/messages/{messageId}" && op.method == Method::Get)
        .unwrap();
    assert!(keys(chat.requirement).iter().any(|k| k.starts_with("chat:1on1")));
}

#[test]
fn every_operation_matches_the_data_file() {
    let Ok(text) = std::fs::read_to_string("../shared/data/genesys-cloud/endpoints-sdk.json") else {
        eprintln!("skipped: ../shared/data not found");
        return;
    };
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ops = data["operations"].as_array().unwrap();
    let mut deprecated = 0;
    for entry in ops {
        let method = Method::parse(entry["method"].as_str().unwrap()).unwrap();
        let path = entry["path"].as_str().unwrap();
        let op = operation::operations()
            .find(|op| op.method == method && op.path == path)
            .unwrap_or_else(|| panic!("{method} {path} missing"));
        assert_eq!(op.name, entry["operation"].as_str().unwrap());
        assert!(op.apis.contains(&entry["api"].as_str().unwrap()));
        assert_eq!(op.deprecated, entry["deprecated"].as_bool().unwrap());
        deprecated += usize::from(op.deprecated);
        let requires = &entry["requires"];
        if requires.is_null() {
            assert!(matches!(op.requirement, Requirement::Nothing), "{method} {path}");
            continue;
        }
        let mut expected: Vec<&str> = Vec::new();
        let mut unchecked: Vec<&str> = Vec::new();
        for p in requires["permissions"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            let list = if p.contains(':') { &mut expected } else { &mut unchecked };
            if !list.contains(&p) {
                list.push(p);
            }
        }
        assert_eq!(op.unchecked, unchecked.as_slice(), "{method} {path}");
        match (requires["type"].as_str().unwrap(), op.requirement) {
            ("ALL", Requirement::All(_)) | ("ANY", Requirement::Any(_)) => {
                let got = keys(op.requirement);
                let lower = |v: &[&str]| v.iter().map(|k| k.to_ascii_lowercase()).collect::<Vec<_>>();
                assert_eq!(lower(&got), lower(&expected), "{method} {path}");
            }
            (_, Requirement::Unverifiable) => assert!(expected.is_empty() || !unchecked.is_empty()),
            (kind, requirement) => panic!("{method} {path}: {kind} became {requirement:?}"),
        }
    }
    assert!(deprecated > 0);
    let distinct: std::collections::BTreeSet<(&str, &str)> = ops
        .iter()
        .map(|o| (o["method"].as_str().unwrap(), o["path"].as_str().unwrap()))
        .collect();
    assert_eq!(operation::operations().len(), distinct.len());
}

/// The adapter's docs say which endpoint each input comes from and which permission reading it
/// needs: every row's operations are in the table with that method and path, and need exactly
/// the permissions the row names ("none" when the operation needs none).
#[test]
fn the_adapter_docs_name_each_input_endpoint_and_the_permission_reading_it_needs() {
    assert!(endpoint_table::check("crates/permgate-genesys/src/lib.rs") >= 7);
}
