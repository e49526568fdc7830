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
        "release": null, "source_file": "f.txt", "vocabulary": "genesys", "notes": [], "licenses": {},
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

/// A platform catalog holding one current key.
fn platform(key: &str) -> Value {
    json!({
        "id": "genesys-cloud-platform", "title": "t", "vendor": "v", "platform": "p", "sdk_version": "259.0.0",
        "source": "s", "source_files": ["a", "b"],
        "permissions": [{"key": key, "first": ["2023-06-22", "170.0.0"], "last": ["2026-08-15", "259.0.0"], "current": true}]
    })
}

#[test]
fn an_any_of_group_may_offer_a_platform_permission_for_a_row_it_holds() {
    let gate = |any: Value| json!({"name": "Viewer", "description": "d", "extends": null, "all": [], "any": any});
    let ok = [
        (
            "a.json",
            catalog(
                "a",
                vec![view()],
                vec![gate(json!([["routing:queue:view", "routing:queue:join"]]))],
            ),
        ),
        ("genesys-cloud-platform.json", platform("routing:queue:join")),
    ];
    let code = generate(&ok).unwrap();
    assert!(
        code.contains("any_of: &[&[perm::routing::QUEUE_VIEW, perm::routing::QUEUE_JOIN]]"),
        "{code}"
    );

    let unknown = [(
        "a.json",
        catalog(
            "a",
            vec![view()],
            vec![gate(json!([["routing:queue:view", "routing:queue:join"]]))],
        ),
    )];
    rejected(
        &unknown,
        "a.json",
        "gate `Viewer`",
        "names `routing:queue:join`, which neither this file nor the platform catalog defines",
    );
    let no_row = [
        (
            "a.json",
            catalog("a", vec![view()], vec![gate(json!([["routing:queue:join"]]))]),
        ),
        ("genesys-cloud-platform.json", platform("routing:queue:join")),
    ];
    rejected(
        &no_row,
        "a.json",
        "gate `Viewer`",
        "an any-of group needs a key this file defines",
    );
    // `all` names only the file's own keys.
    let all = json!({"name": "Viewer", "description": "d", "extends": null, "all": ["routing:queue:join"], "any": []});
    let platform_in_all = [
        ("a.json", catalog("a", vec![view()], vec![all])),
        ("genesys-cloud-platform.json", platform("routing:queue:join")),
    ];
    rejected(
        &platform_in_all,
        "a.json",
        "gate `Viewer`",
        "which this file does not define",
    );
}

#[test]
fn a_gate_inherits_the_any_of_groups_of_the_gate_it_extends() {
    let join = row("routing:queue:join", Some("Routing > Queue > Join"));
    let search = row("routing:queue:search", Some("Routing > Queue > Search"));
    let base = json!({"name": "Base", "description": "d", "extends": null, "all": ["routing:queue:view"],
        "any": [["routing:queue:join", "routing:queue:search"]]});
    let more = json!({"name": "More", "description": "d", "extends": "Base", "all": [], "any": []});
    let code = generate(&[("a.json", catalog("a", vec![view(), join, search], vec![base, more]))]).unwrap();
    let more = code.split("static GATE_MORE").nth(1).unwrap();
    assert!(
        more.contains("any_of: &[&[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]]"),
        "{more}"
    );
}

#[test]
fn every_license_a_row_names_maps_to_a_product_license() {
    let mut licensed = view();
    licensed["license"] = json!("Altocloud");
    let files = [("a.json", catalog("a", vec![licensed.clone()], vec![]))];
    rejected(
        &files,
        "a.json",
        "permission `routing:queue:view`",
        "license `Altocloud` is not in the file's `licenses`",
    );
    let mut mapped = catalog("a", vec![licensed], vec![]);
    mapped["licenses"] = json!({"Altocloud": "Predictive Engagement"});
    let code = generate(&[("a.json", mapped.clone())]).unwrap();
    assert!(
        code.contains(
            "license: Some(\"Altocloud\"),\n                product_license: Some(\"Predictive Engagement\"),"
        ),
        "{code}"
    );
    let mut unused = mapped;
    unused["licenses"]["Other"] = json!("Other");
    rejected(
        &[("a.json", unused)],
        "a.json",
        "license `Other`",
        "a row that names it",
    );
}
