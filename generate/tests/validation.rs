//! The generator rejects broken catalogs with an error naming the file and
//! the entry. Each case breaks one copy of a minimal valid catalog.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use serde_json::{Value, json};

fn row(key: &str, label: Option<&str>) -> Value {
    json!({
        "key": key, "label": label, "evidence": "verified", "description": "d", "section": "s",
        "also_in_sections": [], "audience": "agent", "license": null, "release_notes": [], "available_from": null
    })
}

fn catalog(id: &str, permissions: Vec<Value>, gates: Vec<Value>) -> Value {
    json!({
        "id": id, "title": "t", "product": "p", "vendor": "v", "platform": "p", "published": null,
        "release": null, "source_file": "f.txt", "vocabulary": "genesys", "notes": [],
        "permissions": permissions, "roles": [], "gates": gates
    })
}

/// Writes the catalogs to a fresh folder and runs the generator on it.
fn generate(files: &[(&str, Value)]) -> Result<String, String> {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "permgate-generate-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (name, value) in files {
        std::fs::write(dir.join(name), value.to_string()).map_err(|e| e.to_string())?;
    }
    let result = permgate_generate::generate(&dir).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn view() -> Value {
    row("routing:queue:view", Some("Routing > Queue > View"))
}

#[test]
fn a_valid_catalog_generates_code() {
    let code = generate(&[("a.json", catalog("a", vec![view()], vec![]))]).unwrap();
    assert!(code.starts_with("// @generated"));
    assert!(code.contains("pub const QUEUE_VIEW: Permission<'static> = Permission::new(0, &PERMISSIONS[0]);"));
}

fn rejected(files: &[(&str, Value)], file: &str, entry: &str, problem: &str) {
    let error = generate(files).unwrap_err();
    assert!(error.starts_with(&format!("`{file}`, {entry}: ")), "{error}");
    assert!(error.contains(problem), "{error}");
}

#[test]
fn duplicates_in_one_file() {
    let files = [(
        "a.json",
        catalog(
            "a",
            vec![view(), row("ROUTING:queue:view", Some("Routing > Queue > View"))],
            vec![],
        ),
    )];
    rejected(&files, "a.json", "permission `ROUTING:queue:view`", "listed twice");
}

#[test]
fn malformed_keys() {
    for key in [
        "routing:queue",
        "routing:queue:view:x",
        "routing:que ue:view",
        "*:queue:view",
        "routing:*:view",
    ] {
        let files = [(
            "a.json",
            catalog("a", vec![row(key, Some("Routing > Queue > View"))], vec![]),
        )];
        rejected(&files, "a.json", &format!("permission `{key}`"), "");
    }
}

#[test]
fn one_permission_described_two_ways() {
    let other = row("routing:queue:view", Some("Routing > Queues > View"));
    let files = [
        ("a.json", catalog("a", vec![view()], vec![])),
        ("b.json", catalog("b", vec![other], vec![])),
    ];
    rejected(
        &files,
        "b.json",
        "permission `routing:queue:view`",
        "labelled `Routing > Queues > View` here",
    );
    let respelled = row("routing:Queue:view", Some("Routing > Queue > View"));
    let files = [
        ("a.json", catalog("a", vec![view()], vec![])),
        ("b.json", catalog("b", vec![respelled], vec![])),
    ];
    rejected(
        &files,
        "b.json",
        "permission `routing:Queue:view`",
        "spelled `routing:queue:view` elsewhere",
    );
}

#[test]
fn one_label_naming_two_keys() {
    let join = row("routing:queue:join", Some("Routing > Queue > View"));
    let files = [("a.json", catalog("a", vec![view(), join], vec![]))];
    rejected(
        &files,
        "a.json",
        "permission `routing:queue:join`",
        "already names `routing:queue:view`",
    );
}

#[test]
fn unknown_references() {
    let gate = json!({"name": "Viewer", "description": "d", "extends": null, "all": ["routing:queue:join"], "any": []});
    let files = [("a.json", catalog("a", vec![view()], vec![gate]))];
    rejected(
        &files,
        "a.json",
        "gate `Viewer`",
        "names `routing:queue:join`, which this file does not define",
    );
    let gate = json!({"name": "Viewer", "description": "d", "extends": "Nobody", "all": [], "any": []});
    let files = [("a.json", catalog("a", vec![view()], vec![gate]))];
    rejected(&files, "a.json", "gate `Viewer`", "extends unknown gate `Nobody`");
}

#[test]
fn wildcard_rows_must_list_their_actions() {
    let all = row("routing:queue:*", Some("Routing > Queue > All"));
    let files = [("a.json", catalog("a", vec![all], vec![]))];
    rejected(
        &files,
        "a.json",
        "permission `routing:queue:*`",
        "must list its `actions`",
    );
}

#[test]
fn schema_errors_name_the_file() {
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["permissions"][0]["audience"] = json!("everyone");
    let error = generate(&[("a.json", broken)]).unwrap_err();
    assert!(error.contains("a.json") && error.contains("everyone"), "{error}");
    let error = generate(&[("b.json", catalog("a", vec![view()], vec![]))]).unwrap_err();
    assert!(error.contains("does not match the file name"), "{error}");
}
