//! The generator refuses every invalid document catalog with the problem
//! and the place: one test per kind of invalid input, each breaking one
//! copy of a minimal valid catalog.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use permgate_generate::{Error, Place, Problem};
use serde_json::json;
use support::*;

fn one(catalog: serde_json::Value) -> Vec<(&'static str, serde_json::Value)> {
    vec![("a.json", catalog)]
}

#[test]
fn a_valid_catalog_generates_code() {
    let code = generate(&one(catalog("a", vec![view()], vec![]))).unwrap();
    assert!(code.starts_with("// @generated"));
    assert!(code.contains("pub const QUEUE_VIEW: Permission<'static> = Permission::new(0, &PERMISSIONS[0]);"));
}

/// A schema error names the file and what serde found.
fn schema_error(result: Result<String, Error>, file: &str, found: &str) {
    match result {
        Err(error @ Error::Json { .. }) => {
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("`{}", std::env::temp_dir().display())),
                "{message}"
            );
            assert!(message.contains(&format!("{file}`: ")), "{message}");
            assert!(message.contains(found), "{message}");
        }
        other => panic!("expected a schema error naming {found}, got {other:?}"),
    }
}

#[test]
fn an_unknown_field() {
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["permissions"][0]["labels"] = json!("Routing > Queue > View");
    schema_error(generate(&one(broken)), "a.json", "unknown field `labels`");
}

#[test]
fn a_missing_field_that_may_be_null() {
    for field in ["label", "license", "available_from"] {
        let mut broken = catalog("a", vec![view()], vec![]);
        broken["permissions"][0].as_object_mut().unwrap().remove(field);
        schema_error(generate(&one(broken)), "a.json", &format!("missing field `{field}`"));
    }
    for field in ["published", "release"] {
        let mut broken = catalog("a", vec![view()], vec![]);
        broken.as_object_mut().unwrap().remove(field);
        schema_error(generate(&one(broken)), "a.json", &format!("missing field `{field}`"));
    }
    let mut broken = catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", None, &["routing:queue:view"], &[])],
    );
    broken["gates"][0].as_object_mut().unwrap().remove("extends");
    schema_error(generate(&one(broken)), "a.json", "missing field `extends`");
}

#[test]
fn actions_given_as_null() {
    let mut all = wildcard("routing:queue:*", "Routing > Queue > All", &[]);
    all["actions"] = json!(null);
    schema_error(
        generate(&one(catalog("a", vec![all], vec![]))),
        "a.json",
        "invalid type: null, expected a sequence",
    );
}

#[test]
fn a_value_outside_its_list() {
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["permissions"][0]["evidence"] = json!("seen");
    schema_error(generate(&one(broken)), "a.json", "unknown variant `seen`");
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["permissions"][0]["audience"] = json!("everyone");
    schema_error(generate(&one(broken)), "a.json", "unknown variant `everyone`");
}

#[test]
fn a_field_given_twice() {
    let text = catalog("a", vec![view()], vec![]).to_string().replacen(
        "\"title\":\"t\"",
        "\"title\":\"t\",\"title\":\"u\"",
        1,
    );
    schema_error(generate_texts(&[("a.json", text)]), "a.json", "duplicate field `title`");
}

#[test]
fn a_folder_without_document_catalogs() {
    match generate(&[]) {
        Err(error @ Error::NoCatalogs { .. }) => assert!(error.to_string().contains("holds no document catalog")),
        other => panic!("{other:?}"),
    }
    match generate(&[("genesys-cloud-platform.json", platform(vec![current("a:b:c")]))]) {
        Err(Error::NoCatalogs { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_id_that_is_not_the_file_name() {
    let files = [("b.json", catalog("a", vec![view()], vec![]))];
    let problem = refused(&files, "b.json", Place::Field("id"));
    assert_eq!(problem, Problem::IdMismatch { id: "a".into() });
}

#[test]
fn a_release_that_is_not_a_release() {
    for value in ["3.x", "3", "3.15.0.1", "+3.15", "03.15", "3.15 ", "", "70000.1"] {
        let mut broken = catalog("a", vec![view()], vec![]);
        broken["release"] = json!(value);
        let problem = refused(&one(broken), "a.json", Place::Field("release"));
        assert_eq!(problem, Problem::Release { value: value.into() });
    }
}

#[test]
fn an_available_from_that_is_not_a_release() {
    let mut park = view();
    park["available_from"] = json!("soon");
    let at = Place::PermissionField("routing:queue:view".into(), "available_from");
    let problem = refused(&one(catalog("a", vec![park], vec![])), "a.json", at);
    assert_eq!(problem, Problem::Release { value: "soon".into() });
}

#[test]
fn a_published_month_that_is_not_a_month() {
    for value in ["2024-13", "2024-1", "Nov 2024", "2024-11-01", "24-11"] {
        let mut broken = catalog("a", vec![view()], vec![]);
        broken["published"] = json!(value);
        let problem = refused(&one(broken), "a.json", Place::Field("published"));
        assert_eq!(problem, Problem::Published { value: value.into() });
    }
}

#[test]
fn an_empty_text() {
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["title"] = json!(" ");
    assert_eq!(
        refused(&one(broken), "a.json", Place::Field("title")),
        Problem::EmptyText { field: "title" }
    );
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["notes"] = json!(["a fact", ""]);
    assert_eq!(
        refused(&one(broken), "a.json", Place::Field("notes")),
        Problem::EmptyText { field: "notes" }
    );
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["permissions"][0]["description"] = json!("");
    assert_eq!(
        refused(&one(broken), "a.json", permission("routing:queue:view")),
        Problem::EmptyText { field: "description" }
    );
    let mut broken = catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", None, &["routing:queue:view"], &[])],
    );
    broken["gates"][0]["description"] = json!("");
    assert_eq!(
        refused(&one(broken), "a.json", gate_at("Viewer")),
        Problem::EmptyText { field: "description" }
    );
}

#[test]
fn a_key_listed_twice_in_one_file() {
    let again = row("ROUTING:queue:view", Some("Routing > Queue > View"));
    let files = one(catalog("a", vec![view(), again], vec![]));
    assert_eq!(
        refused(&files, "a.json", permission("ROUTING:queue:view")),
        Problem::ListedTwice
    );
}

fn cxengage(rows: Vec<serde_json::Value>) -> serde_json::Value {
    let mut catalog = catalog("c", rows, vec![]);
    catalog["vocabulary"] = json!("cxengage");
    catalog
}

#[test]
fn a_flat_name_that_is_not_one() {
    for name in ["contacts_read", "1CONTACTS", "CONTACTS-READ", "contacts:read:x"] {
        let files = [("c.json", cxengage(vec![flat(name)]))];
        assert_eq!(refused(&files, "c.json", permission(name)), Problem::FlatName);
    }
}

#[test]
fn a_flat_name_with_a_label() {
    let files = [(
        "c.json",
        cxengage(vec![row("CONTACTS_READ", Some("Contacts > Read > X"))]),
    )];
    assert_eq!(
        refused(&files, "c.json", permission("CONTACTS_READ")),
        Problem::FlatNameWithLabel
    );
}

#[test]
fn a_key_without_three_segments() {
    for key in ["routing:queue", "routing:queue:view:x", "CONTACTS_READ"] {
        let files = one(catalog("a", vec![row(key, Some("Routing > Queue > View"))], vec![]));
        assert_eq!(refused(&files, "a.json", permission(key)), Problem::KeyShape);
    }
}

#[test]
fn a_segment_that_is_not_letters_and_digits() {
    for key in [
        "routing:que ue:view",
        "*:queue:view",
        "routing:*:view",
        "routing::view",
        "routing:queue:vi*",
    ] {
        let files = one(catalog("a", vec![row(key, Some("Routing > Queue > View"))], vec![]));
        assert_eq!(refused(&files, "a.json", permission(key)), Problem::Segment);
    }
}

#[test]
fn a_wildcard_without_actions() {
    let files = one(catalog(
        "a",
        vec![row("routing:queue:*", Some("Routing > Queue > All"))],
        vec![],
    ));
    let problem = refused(&files, "a.json", permission("routing:queue:*"));
    assert_eq!(problem, Problem::WildcardWithoutActions);
    assert!(problem.to_string().contains("must list its `actions`"));
}

#[test]
fn actions_on_a_concrete_key() {
    let mut broken = view();
    broken["actions"] = json!(["view"]);
    let files = one(catalog("a", vec![broken], vec![]));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queue:view")),
        Problem::ActionsOnConcreteKey
    );
}

#[test]
fn an_action_that_is_not_letters_and_digits() {
    let files = one(catalog(
        "a",
        vec![wildcard("routing:queue:*", "Routing > Queue > All", &["view", "vi ew"])],
        vec![],
    ));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queue:*")),
        Problem::Action
    );
}

#[test]
fn an_action_listed_twice() {
    let files = one(catalog(
        "a",
        vec![wildcard(
            "routing:queue:*",
            "Routing > Queue > All",
            &["view", "join", "View"],
        )],
        vec![],
    ));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queue:*")),
        Problem::RepeatedAction { action: "View".into() }
    );
}

#[test]
fn a_genesys_row_without_a_label() {
    let files = one(catalog("a", vec![row("routing:queue:view", None)], vec![]));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queue:view")),
        Problem::MissingLabel
    );
}

#[test]
fn a_label_that_is_not_three_parts() {
    for label in [
        "Routing > Queue",
        "Routing > Queue > View > X",
        "Routing >  > View",
        " Routing > Queue > View",
    ] {
        let files = one(catalog("a", vec![row("routing:queue:view", Some(label))], vec![]));
        assert_eq!(
            refused(&files, "a.json", permission("routing:queue:view")),
            Problem::LabelShape
        );
    }
}

#[test]
fn a_label_and_key_that_disagree_on_all() {
    let files = one(catalog(
        "a",
        vec![row("routing:queue:view", Some("Routing > Queue > All"))],
        vec![],
    ));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queue:view")),
        Problem::LabelWildcard
    );
    let files = one(catalog(
        "a",
        vec![wildcard("routing:queue:*", "Routing > Queue > Everything", &[])],
        vec![],
    ));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queue:*")),
        Problem::LabelWildcard
    );
}

#[test]
fn one_label_naming_two_keys() {
    let files = [
        ("a.json", catalog("a", vec![view()], vec![])),
        (
            "b.json",
            catalog(
                "b",
                vec![row("routing:queue:join", Some("routing > queue > view"))],
                vec![],
            ),
        ),
    ];
    assert_eq!(
        refused(&files, "b.json", permission("routing:queue:join")),
        Problem::LabelNamesTwoKeys {
            label: "routing > queue > view".into(),
            key: "routing:queue:view".into(),
            file: "a.json".into(),
        }
    );
}

#[test]
fn one_key_spelled_two_ways() {
    let files = [
        ("a.json", catalog("a", vec![view()], vec![])),
        (
            "b.json",
            catalog(
                "b",
                vec![row("routing:Queue:view", Some("Routing > Queue > View"))],
                vec![],
            ),
        ),
    ];
    let problem = refused(&files, "b.json", permission("routing:Queue:view"));
    assert_eq!(
        problem,
        Problem::Respelled {
            other: "routing:queue:view".into()
        }
    );
    assert!(problem.to_string().contains("spelled `routing:queue:view` elsewhere"));
}

#[test]
fn one_key_under_two_labels() {
    let files = [
        ("a.json", catalog("a", vec![view()], vec![])),
        (
            "b.json",
            catalog(
                "b",
                vec![row("routing:queue:view", Some("Routing > Queues > View"))],
                vec![],
            ),
        ),
    ];
    assert_eq!(
        refused(&files, "b.json", permission("routing:queue:view")),
        Problem::Relabelled {
            here: "Routing > Queues > View".into(),
            elsewhere: "Routing > Queue > View".into(),
        }
    );
}

#[test]
fn one_wildcard_row_under_two_labels_or_spellings() {
    let first = wildcard("routing:queue:*", "Routing > Queue > All", &["view"]);
    let relabelled = wildcard("routing:queue:*", "Routing > Queue > All Permissions", &["view"]);
    let files = [
        ("a.json", catalog("a", vec![first.clone()], vec![])),
        ("b.json", catalog("b", vec![relabelled], vec![])),
    ];
    assert_eq!(
        refused(&files, "b.json", permission("routing:queue:*")),
        Problem::Relabelled {
            here: "Routing > Queue > All Permissions".into(),
            elsewhere: "Routing > Queue > All".into(),
        }
    );
    let respelled = wildcard("routing:Queue:*", "Routing > Queue > All", &["join"]);
    let files = [
        ("a.json", catalog("a", vec![first], vec![])),
        ("b.json", catalog("b", vec![respelled], vec![])),
    ];
    assert_eq!(
        refused(&files, "b.json", permission("routing:Queue:*")),
        Problem::Respelled {
            other: "routing:queue:*".into()
        }
    );
}

#[test]
fn a_role_or_gate_naming_an_undefined_key() {
    let files = one(catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", None, &["routing:queue:join"], &[])],
    ));
    let problem = refused(&files, "a.json", gate_at("Viewer"));
    assert_eq!(
        problem,
        Problem::UndefinedKey {
            key: "routing:queue:join".into()
        }
    );
    assert!(problem.to_string().contains("which this file does not define"));
    let files = one(catalog(
        "a",
        vec![view()],
        vec![gate(
            "Viewer",
            None,
            &[],
            &[&["routing:queue:view", "routing:Queue:view"]],
        )],
    ));
    // In an `any` group the key may also be a platform key; a spelling
    // neither defines is not one.
    assert_eq!(
        refused(&files, "a.json", gate_at("Viewer")),
        Problem::UndefinedGroupKey {
            key: "routing:Queue:view".into()
        }
    );
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["roles"] = json!([role("Agent", None, &["routing:queue:join"])]);
    assert_eq!(
        refused(&one(broken), "a.json", role_at("Agent")),
        Problem::UndefinedKey {
            key: "routing:queue:join".into()
        }
    );
}

#[test]
fn a_role_or_gate_listing_a_key_twice() {
    let repeated = Problem::RepeatedKey {
        key: "routing:queue:view".into(),
    };
    let all = gate(
        "Viewer",
        None,
        &["routing:queue:view", "routing:queue:join", "routing:queue:view"],
        &[],
    );
    let files = one(catalog("a", vec![view(), join()], vec![all]));
    assert_eq!(refused(&files, "a.json", gate_at("Viewer")), repeated);
    let any = gate("Viewer", None, &[], &[&["routing:queue:view", "routing:queue:view"]]);
    let files = one(catalog("a", vec![view()], vec![any]));
    assert_eq!(refused(&files, "a.json", gate_at("Viewer")), repeated);
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["roles"] = json!([role("Agent", None, &["routing:queue:view", "routing:queue:view"])]);
    assert_eq!(refused(&one(broken), "a.json", role_at("Agent")), repeated);
}

#[test]
fn an_empty_any_group() {
    let files = one(catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", None, &["routing:queue:view"], &[&[]])],
    ));
    assert_eq!(refused(&files, "a.json", gate_at("Viewer")), Problem::EmptyGroup);
}

#[test]
fn a_gate_that_requires_nothing() {
    let files = one(catalog("a", vec![view()], vec![gate("Anyone", None, &[], &[])]));
    assert_eq!(refused(&files, "a.json", gate_at("Anyone")), Problem::EmptyGate);
}

#[test]
fn a_roadmap_permission_in_an_any_group() {
    let mut later = join();
    later["available_from"] = json!("3.16");
    let mut broken = catalog(
        "a",
        vec![view(), later],
        vec![gate(
            "Viewer",
            None,
            &[],
            &[&["routing:queue:view", "routing:queue:join"]],
        )],
    );
    broken["release"] = json!("3.15");
    assert_eq!(
        refused(&one(broken.clone()), "a.json", gate_at("Viewer")),
        Problem::RoadmapInGroup {
            key: "routing:queue:join".into(),
            from: "3.16".into()
        }
    );
    // Available from the document's own release: not a roadmap permission.
    broken["permissions"][1]["available_from"] = json!("3.15");
    assert!(generate(&one(broken)).is_ok());
}

#[test]
fn a_role_extending_an_unknown_role() {
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["roles"] = json!([role("Agent", Some("Nobody"), &["routing:queue:view"])]);
    assert_eq!(
        refused(&one(broken), "a.json", role_at("Agent")),
        Problem::UnknownRole {
            parent: "Nobody".into()
        }
    );
}

#[test]
fn a_gate_extending_an_unknown_gate() {
    let files = one(catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", Some("Nobody"), &[], &[])],
    ));
    let problem = refused(&files, "a.json", gate_at("Viewer"));
    assert_eq!(
        problem,
        Problem::UnknownGate {
            parent: "Nobody".into()
        }
    );
    assert!(problem.to_string().contains("extends unknown gate `Nobody`"));
    let files = one(catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", Some("Viewer"), &[], &[])],
    ));
    assert_eq!(
        refused(&files, "a.json", gate_at("Viewer")),
        Problem::UnknownGate {
            parent: "Viewer".into()
        }
    );
}

#[test]
fn an_extends_chain_that_comes_back() {
    let files = one(catalog(
        "a",
        vec![view()],
        vec![
            gate("Viewer", Some("Joiner"), &["routing:queue:view"], &[]),
            gate("Joiner", Some("Viewer"), &["routing:queue:view"], &[]),
        ],
    ));
    assert_eq!(
        refused(&files, "a.json", gate_at("Viewer")),
        Problem::ExtendsCycle {
            through: "Joiner".into()
        }
    );
    let mut broken = catalog("a", vec![view()], vec![]);
    broken["roles"] = json!([
        role("A", Some("B"), &["routing:queue:view"]),
        role("B", Some("C"), &[]),
        role("C", Some("A"), &[]),
    ]);
    assert_eq!(
        refused(&one(broken), "a.json", role_at("A")),
        Problem::ExtendsCycle { through: "B".into() }
    );
}

#[test]
fn two_roles_with_one_name() {
    let mut a = catalog("a", vec![view()], vec![]);
    a["roles"] = json!([role("Agent", None, &["routing:queue:view"])]);
    let mut b = catalog("b", vec![view()], vec![]);
    b["roles"] = json!([role("Agent", None, &["routing:queue:view"])]);
    assert_eq!(
        refused(&[("a.json", a), ("b.json", b)], "b.json", role_at("Agent")),
        Problem::DuplicateRole { file: "a.json".into() }
    );
}

#[test]
fn two_gates_with_one_name() {
    let viewer = || gate("Viewer", None, &["routing:queue:view"], &[]);
    let files = one(catalog("a", vec![view()], vec![viewer(), viewer()]));
    assert_eq!(
        refused(&files, "a.json", gate_at("Viewer")),
        Problem::DuplicateGate { file: "a.json".into() }
    );
}

#[test]
fn two_gates_with_one_static() {
    let files = one(catalog(
        "a",
        vec![view()],
        vec![
            gate("AgentUI", None, &["routing:queue:view"], &[]),
            gate("AgentUi", None, &["routing:queue:view"], &[]),
        ],
    ));
    assert_eq!(
        refused(&files, "a.json", gate_at("AgentUi")),
        Problem::GateStaticClash {
            static_name: "GATE_AGENT_UI".into(),
            other: "AgentUI".into()
        }
    );
}

#[test]
fn a_gate_name_that_is_not_upper_camel_case() {
    for name in ["viewer", "Queue_Viewer", "Queue Viewer", ""] {
        let files = one(catalog(
            "a",
            vec![view()],
            vec![gate(name, None, &["routing:queue:view"], &[])],
        ));
        assert_eq!(refused(&files, "a.json", gate_at(name)), Problem::GateName);
    }
}

#[test]
fn a_gate_name_the_gates_module_cannot_declare() {
    for name in ["Self", "Gate", "GateInfo"] {
        let files = one(catalog(
            "a",
            vec![view()],
            vec![gate(name, None, &["routing:queue:view"], &[])],
        ));
        assert_eq!(refused(&files, "a.json", gate_at(name)), Problem::ReservedGateName);
    }
}

#[test]
fn a_key_whose_names_are_not_identifiers() {
    for (key, label, name) in [
        ("3rdParty:queue:view", "Third Party > Queue > View", "3rd_party"),
        ("type:queue:view", "Type > Queue > View", "type"),
        ("self:queue:view", "Self > Queue > View", "self"),
    ] {
        let files = one(catalog("a", vec![row(key, Some(label))], vec![]));
        assert_eq!(
            refused(&files, "a.json", permission(key)),
            Problem::NotAnIdentifier { name: name.into() }
        );
    }
}

#[test]
fn a_domain_in_the_cxengage_module() {
    let files = one(catalog(
        "a",
        vec![row("cxengage:notes:read", Some("CxEngage > Notes > Read"))],
        vec![],
    ));
    assert_eq!(
        refused(&files, "a.json", permission("cxengage:notes:read")),
        Problem::ReservedModule
    );
}

#[test]
fn two_keys_with_one_constant() {
    let files = one(catalog(
        "a",
        vec![
            row("routing:queueMember:view", Some("Routing > Queue Member > View")),
            row("routing:queue:memberView", Some("Routing > Queue > Member View")),
        ],
        vec![],
    ));
    assert_eq!(
        refused(&files, "a.json", permission("routing:queueMember:view")),
        Problem::ConstantClash {
            constant: "perm::routing::QUEUE_MEMBER_VIEW".into(),
            other: "routing:queue:memberView".into()
        }
    );
}

#[test]
fn a_gate_requires_the_whole_set_of_every_gate_it_extends() {
    let edit = row("routing:queue:edit", Some("Routing > Queue > Edit"));
    let files = one(catalog(
        "a",
        vec![view(), join(), edit],
        vec![
            gate(
                "Base",
                None,
                &["routing:queue:view"],
                &[&["routing:queue:join", "routing:queue:edit"]],
            ),
            gate("Middle", Some("Base"), &["routing:queue:join"], &[]),
            gate(
                "Top",
                Some("Middle"),
                &["routing:queue:edit"],
                &[&["routing:queue:edit", "routing:queue:join"]],
            ),
        ],
    ));
    let code = generate(&files).unwrap();
    let top = code.split("static GATE_TOP: GateInfo").nth(1).unwrap();
    assert!(
        top.contains("required: &[perm::routing::QUEUE_EDIT, perm::routing::QUEUE_JOIN, perm::routing::QUEUE_VIEW],"),
        "{top}"
    );
    // Base's group, which Top repeats, once.
    assert!(
        top.contains("any_of: &[&[perm::routing::QUEUE_EDIT, perm::routing::QUEUE_JOIN]],"),
        "{top}"
    );
    let middle = code.split("static GATE_MIDDLE: GateInfo").nth(1).unwrap();
    assert!(
        middle.contains("any_of: &[&[perm::routing::QUEUE_EDIT, perm::routing::QUEUE_JOIN]],"),
        "{middle}"
    );
}

#[test]
fn a_permission_required_now_and_from_a_later_release() {
    let mut later = view();
    later["available_from"] = json!("3.16");
    let all = wildcard("routing:queue:*", "Routing > Queue > All", &["view"]);
    let mut broken = catalog(
        "a",
        vec![all, later],
        vec![gate("Viewer", None, &["routing:queue:*", "routing:queue:view"], &[])],
    );
    broken["release"] = json!("3.15");
    assert_eq!(
        refused(&one(broken), "a.json", gate_at("Viewer")),
        Problem::TwoReleases {
            key: "routing:queue:view".into()
        }
    );
}

#[test]
fn an_any_group_may_offer_platform_permissions_beside_a_row_of_its_own_or_current_ones_alone() {
    let viewer = |any: &[&[&str]]| gate("Viewer", None, &[], any);
    let with_platform = |catalog| {
        vec![
            ("a.json", catalog),
            (
                "genesys-cloud-platform.json",
                platform(vec![current("routing:queue:join")]),
            ),
        ]
    };
    let code = generate(&with_platform(catalog(
        "a",
        vec![view()],
        vec![viewer(&[&["routing:queue:view", "routing:queue:join"]])],
    )))
    .unwrap();
    let gate_code = code.split("static GATE_VIEWER").nth(1).unwrap();
    assert!(
        gate_code.contains("any_of: &[&[perm::routing::QUEUE_VIEW, perm::routing::QUEUE_JOIN]]"),
        "{gate_code}"
    );

    // Without the platform catalog the key is defined nowhere.
    let alone = one(catalog(
        "a",
        vec![view()],
        vec![viewer(&[&["routing:queue:view", "routing:queue:join"]])],
    ));
    assert_eq!(
        refused(&alone, "a.json", gate_at("Viewer")),
        Problem::UndefinedGroupKey {
            key: "routing:queue:join".into()
        }
    );
    // A group of platform permissions only stands in for a row whose key the
    // platform does not list: with current permissions, never a removed one.
    let foreign = with_platform(catalog("a", vec![view()], vec![viewer(&[&["routing:queue:join"]])]));
    let code = generate(&foreign).unwrap();
    let gate_code = code.split("static GATE_VIEWER").nth(1).unwrap();
    assert!(
        gate_code.contains("any_of: &[&[perm::routing::QUEUE_JOIN]]"),
        "{gate_code}"
    );
    let removed = vec![
        (
            "a.json",
            catalog(
                "a",
                vec![view()],
                vec![viewer(&[&["routing:queue:join", "routing:queue:old"]])],
            ),
        ),
        (
            "genesys-cloud-platform.json",
            platform(vec![
                current("routing:queue:join"),
                platform_row(
                    "routing:queue:old",
                    ("2018-11-28", "41.0.0"),
                    ("2020-01-02", "80.0.0"),
                    false,
                ),
            ]),
        ),
    ];
    assert_eq!(
        refused(&removed, "a.json", gate_at("Viewer")),
        Problem::GroupWithoutOwnKey {
            key: "routing:queue:old".into()
        }
    );
    // `all` names only the file's own keys.
    let in_all = with_platform(catalog(
        "a",
        vec![view()],
        vec![gate("Viewer", None, &["routing:queue:join"], &[])],
    ));
    assert_eq!(
        refused(&in_all, "a.json", gate_at("Viewer")),
        Problem::UndefinedKey {
            key: "routing:queue:join".into()
        }
    );
}

#[test]
fn every_license_a_row_names_maps_to_a_product_license_that_a_row_uses() {
    let mut licensed = view();
    licensed["license"] = json!("Altocloud");
    assert_eq!(
        refused(
            &one(catalog("a", vec![licensed.clone()], vec![])),
            "a.json",
            Place::PermissionField("routing:queue:view".into(), "license")
        ),
        Problem::UnknownLicense {
            license: "Altocloud".into()
        }
    );
    let mut mapped = catalog("a", vec![licensed], vec![]);
    mapped["licenses"] = json!({"Altocloud": "Predictive Engagement"});
    let code = generate(&one(mapped.clone())).unwrap();
    assert!(
        code.contains(
            "license: Some(\"Altocloud\"),\n                product_license: Some(\"Predictive Engagement\"),"
        ),
        "{code}"
    );
    let mut unused = mapped.clone();
    unused["licenses"]["Other"] = json!("Other");
    assert_eq!(
        refused(&one(unused), "a.json", Place::Field("licenses")),
        Problem::UnusedLicense {
            license: "Other".into()
        }
    );
    let mut blank = mapped;
    blank["licenses"]["Altocloud"] = json!(" ");
    assert_eq!(
        refused(&one(blank), "a.json", Place::Field("licenses")),
        Problem::EmptyText { field: "licenses" }
    );
}

#[test]
fn an_incomplete_gate_says_why_in_its_info_and_its_docs() {
    let mut login = gate("Login", None, &["routing:queue:view"], &[]);
    login["incomplete"] = json!("the default role's contents are not published");
    let code = generate(&one(catalog("a", vec![view()], vec![login.clone()]))).unwrap();
    assert!(
        code.contains("incomplete: Some(\"the default role's contents are not published\"),"),
        "{code}"
    );
    assert!(
        code.contains("/// Incomplete: the default role's contents are not published."),
        "{code}"
    );
    login["incomplete"] = json!("");
    assert_eq!(
        refused(
            &one(catalog("a", vec![view()], vec![login])),
            "a.json",
            gate_at("Login")
        ),
        Problem::EmptyText { field: "incomplete" }
    );
}
