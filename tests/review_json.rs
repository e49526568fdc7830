//! Genesys JSON defects found by review, each pinned here:
//!
//! - a bad `domain` or `entityName` of a permission policy is reported at its
//!   own JSON path, quoting its value (roles and a subject's roles);
//! - a role nested deeper than the JSON parser's limit fails alone, at its
//!   position, and a document deep at the top level is a typed error;
//! - a subject whose grants give one role name (or one role id) two
//!   different bodies is rejected, so that grants never merge across
//!   divisions; the same role repeated in several divisions still works;
//! - an empty division id is rejected;
//! - the limits on actions per policy and grants per subject, at the cap and
//!   one past it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::{MAX_ACTIONS_PER_POLICY, MAX_GRANTS_PER_SUBJECT, MAX_ROLES_PER_FILE, RoleFile, SubjectSpec};
use permgate::{Catalog, Division, Policy, genesys::JsonError, parse::GrantError, parse::ParseError, perm};
use serde_json::{Value, json};

fn names(file: &RoleFile) -> Vec<&str> {
    file.roles.iter().map(|role| role.name.as_str()).collect()
}

fn good(name: &str) -> Value {
    json!({"name": name, "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]})
}

fn invalid(path: &str, problem: &str) -> JsonError {
    JsonError::Invalid {
        path: path.into(),
        problem: problem.into(),
    }
}

fn permission(path: &str, source: impl Into<GrantError>) -> JsonError {
    JsonError::Permission {
        path: path.into(),
        error: source.into(),
    }
}

// ---------------------------------------------------------------------------
// A bad domain or entity, at its own path
// ---------------------------------------------------------------------------

/// `(value, the error it gives as a domain or an entity named `segment`)`.
fn bad_segments(segment: &'static str) -> Vec<(&'static str, ParseError, String)> {
    let invalid_char = |input: &str, ch: char, offset: usize| ParseError::InvalidChar {
        input: input.into(),
        ch,
        offset,
    };
    vec![
        (
            "",
            ParseError::EmptySegment {
                input: String::new(),
                segment,
            },
            format!("empty {segment}"),
        ),
        (
            "rout ing",
            invalid_char("rout ing", ' ', 4),
            "invalid character ' ' at byte 4 of `rout ing`".into(),
        ),
        (
            "a:b",
            invalid_char("a:b", ':', 1),
            "invalid character ':' at byte 1 of `a:b`".into(),
        ),
        (
            "quıue",
            invalid_char("quıue", 'ı', 2),
            "invalid character 'ı' at byte 2 of `quıue`".into(),
        ),
        (
            "rout*",
            ParseError::PartialWildcard {
                input: "rout*".into(),
                segment,
            },
            format!("`*` must be a whole segment, not part of the {segment}, in `rout*`"),
        ),
    ]
}

fn one_policy_role(domain: &str, entity: &str) -> String {
    json!({"name": "bad", "permissionPolicies": [
        {"domain": domain, "entityName": entity, "actionSet": ["view"]}]})
    .to_string()
}

#[test]
fn a_bad_domain_is_reported_at_the_domain_field() {
    for (domain, source, message) in bad_segments("domain") {
        let file = RoleFile::parse(&one_policy_role(domain, "queue")).unwrap();
        assert!(file.roles.is_empty(), "{domain:?}");
        let error = &file.errors[0].error;
        assert_eq!(
            *error,
            permission("$.permissionPolicies[0].domain", source),
            "{domain:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("`$.permissionPolicies[0].domain`: {message}")
        );
    }
}

#[test]
fn a_bad_entity_is_reported_at_the_entity_name_field() {
    for (entity, source, message) in bad_segments("entity") {
        let file = RoleFile::parse(&one_policy_role("routing", entity)).unwrap();
        assert!(file.roles.is_empty(), "{entity:?}");
        let error = &file.errors[0].error;
        assert_eq!(
            *error,
            permission("$.permissionPolicies[0].entityName", source),
            "{entity:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("`$.permissionPolicies[0].entityName`: {message}")
        );
    }
}

#[test]
fn a_bad_domain_or_entity_in_a_subject_role_is_reported_at_its_field() {
    let subject = |domain: &str, entity: &str| {
        json!({"grants": [{"division": {"id": "*"}, "role": {"name": "r", "policies": [
            {"domain": domain, "entityName": entity, "actionSet": ["view"]}]}}]})
        .to_string()
    };
    for (domain, source, _) in bad_segments("domain") {
        assert_eq!(
            SubjectSpec::parse(&subject(domain, "queue")),
            Err(permission("$.grants[0].role.policies[0].domain", source))
        );
    }
    for (entity, source, _) in bad_segments("entity") {
        assert_eq!(
            SubjectSpec::parse(&subject("routing", entity)),
            Err(permission("$.grants[0].role.policies[0].entityName", source))
        );
    }
}

#[test]
fn wildcards_and_actions_keep_their_rules_and_paths() {
    // `*` is a whole entity; as a domain it is still the wildcard-domain error.
    assert_eq!(
        RoleFile::parse(&one_policy_role("routing", "*")).unwrap().roles.len(),
        1
    );
    let file = RoleFile::parse(&one_policy_role("*", "queue")).unwrap();
    assert_eq!(
        file.errors[0].error,
        permission(
            "$.permissionPolicies[0].domain",
            GrantError::DomainWildcard {
                input: "*:queue:view".into()
            }
        )
    );
    // A bad action is reported at the action, quoting the whole key.
    let text = json!({"name": "bad", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view", "vi ew"]}]})
    .to_string();
    assert_eq!(
        RoleFile::parse(&text).unwrap().errors[0].error,
        permission(
            "$.permissionPolicies[0].actionSet[1]",
            ParseError::InvalidChar {
                input: "routing:queue:vi ew".into(),
                ch: ' ',
                offset: 16
            }
        )
    );
}

// ---------------------------------------------------------------------------
// Nesting deeper than the parser's limit
// ---------------------------------------------------------------------------

const TOO_DEEP: &str = "nested deeper than the JSON parser's limit of 128 levels";

/// `levels` nested arrays.
fn nested(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// A valid role named `name` with `levels` nested arrays in an ignored field.
fn deep_role(name: &str, levels: usize) -> String {
    format!(
        r#"{{"name": "{name}", "customAttributes": {}, "permissionPolicies": [
            {{"domain": "routing", "entityName": "queue", "actionSet": ["view"]}}]}}"#,
        nested(levels)
    )
}

#[test]
fn a_role_nested_too_deep_is_reported_alone_in_a_listing() {
    let text = format!(
        r#"{{"entities": [{}, {}, {}], "pageSize": 25}}"#,
        good("r0"),
        deep_role("deep", 200),
        good("r2")
    );
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["r0", "r2"]);
    assert_eq!(file.errors.len(), 1);
    let error = &file.errors[0];
    assert_eq!(error.position, 1);
    assert_eq!(error.name.as_deref(), Some("deep"));
    assert_eq!(error.error, invalid("$.entities[1]", TOO_DEEP));
    assert_eq!(error.to_string(), format!("role 1 `deep`: `$.entities[1]`: {TOO_DEEP}"));
}

#[test]
fn a_role_nested_too_deep_is_reported_alone_in_an_array() {
    let nameless = format!(r#"{{"customAttributes": {}}}"#, nested(200));
    let text = format!(
        "[{}, {}, {nameless}, {}]",
        good("r0"),
        deep_role("deep", 200),
        good("r3")
    );
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["r0", "r3"]);
    let reported: Vec<_> = file
        .errors
        .iter()
        .map(|e| (e.position, e.name.as_deref(), e.error.clone()))
        .collect();
    assert_eq!(
        reported,
        [
            (1, Some("deep"), invalid("$[1]", TOO_DEEP)),
            (2, None, invalid("$[2]", TOO_DEEP)),
        ]
    );
    // Just under the limit, the same role loads.
    let text = format!("[{}, {}]", good("r0"), deep_role("deep", 100));
    assert_eq!(names(&RoleFile::parse(&text).unwrap()), ["r0", "deep"]);
}

#[test]
fn in_a_deep_document_the_other_roles_keep_their_errors() {
    let text = json!({"entities": [
        good("r0"),
        "DEEP",
        {"name": "empty", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": []}]},
        good("r0"),
        "BIG",
    ]})
    .to_string()
    .replace(r#""DEEP""#, &deep_role("deep", 200))
    .replace(r#""BIG""#, r#"{"name": "big", "x": 1e400}"#);
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["r0"]);
    let reported: Vec<_> = file
        .errors
        .iter()
        .map(|e| (e.position, e.name.as_deref(), e.error.clone()))
        .collect();
    assert_eq!(
        reported,
        [
            (1, Some("deep"), invalid("$.entities[1]", TOO_DEEP)),
            (
                2,
                Some("empty"),
                invalid("$.entities[2].permissionPolicies[0].actionSet", "empty action set")
            ),
            (
                3,
                Some("r0"),
                invalid("$.entities[3].name", "duplicate role name; first at position 0")
            ),
            (
                4,
                Some("big"),
                invalid("$.entities[4]", "invalid JSON: number out of range")
            ),
        ]
    );
    // Without the deep role, a number out of range is still a document error.
    let shallow = format!(r#"[{}, {{"x": 1e400}}]"#, good("r0"));
    assert!(matches!(RoleFile::parse(&shallow), Err(JsonError::Syntax { .. })));
}

#[test]
fn deep_values_outside_the_roles_hide_nothing() {
    let text = format!(r#"{{"entities": [{}], "meta": {}}}"#, good("r0"), nested(200));
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["r0"]);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
}

#[test]
fn a_deep_document_keeps_the_shape_errors_and_limits() {
    let deep = nested(200);
    assert_eq!(
        RoleFile::parse(&format!(r#"{{"entities": {{"a": {deep}}}}}"#)),
        Err(JsonError::WrongType {
            path: "$.entities".into(),
            expected: "an array",
            found: "an object"
        })
    );
    // A document that is one role is all or nothing, as before: a syntax error.
    let error = RoleFile::parse(&deep_role("deep", 200)).unwrap_err();
    assert!(
        matches!(&error, JsonError::Syntax { message, .. } if message == "recursion limit exceeded"),
        "{error:?}"
    );
    // Trailing text after a deep document is still a syntax error.
    assert!(matches!(
        RoleFile::parse(&format!("[{deep}] x")),
        Err(JsonError::Syntax { .. })
    ));
    // More roles than the limit, one of them deep.
    let roles: Vec<String> = (0..=MAX_ROLES_PER_FILE)
        .map(|n| {
            if n == 0 {
                deep.clone()
            } else {
                r#"{"name":"r"}"#.to_owned()
            }
        })
        .collect();
    assert_eq!(
        RoleFile::parse(&format!("[{}]", roles.join(","))),
        Err(JsonError::TooMany {
            path: "$".into(),
            max: MAX_ROLES_PER_FILE
        })
    );
}

#[test]
fn a_document_deep_at_the_top_level_is_a_typed_error() {
    let levels = 100_000;
    // Unclosed: a syntax error.
    assert!(matches!(
        RoleFile::parse(&"[".repeat(levels)),
        Err(JsonError::Syntax { .. })
    ));
    assert!(matches!(
        RoleFile::parse(&format!(r#"{{"entities": {}"#, "[".repeat(levels))),
        Err(JsonError::Syntax { .. })
    ));
    // Closed: the one item is too deep, reported as that item.
    let file = RoleFile::parse(&nested(levels)).unwrap();
    assert!(file.roles.is_empty());
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].error, invalid("$[0]", TOO_DEEP));
    let file = RoleFile::parse(&format!(r#"{{"entities": {}}}"#, nested(levels))).unwrap();
    assert_eq!(file.errors[0].error, invalid("$.entities[0]", TOO_DEEP));
    // Deep objects as well as arrays.
    let objects = format!("{}1{}", r#"{"a":"#.repeat(levels), "}".repeat(levels));
    assert!(matches!(RoleFile::parse(&objects), Err(JsonError::Syntax { .. })));
    let file = RoleFile::parse(&format!("[{objects}]")).unwrap();
    assert_eq!(file.errors[0].error, invalid("$[0]", TOO_DEEP));
    // Subjects are all or nothing: a syntax error.
    assert!(matches!(
        SubjectSpec::parse(&format!(r#"{{"grants": {}}}"#, nested(levels))),
        Err(JsonError::Syntax { .. })
    ));
}

// ---------------------------------------------------------------------------
// Subjects: one role per name and per id
// ---------------------------------------------------------------------------

fn grant(division: &str, role: Value) -> Value {
    json!({"division": {"id": division}, "role": role})
}

fn subject(grants: Vec<Value>) -> String {
    json!({"id": "u-1", "name": "Ana", "grants": grants}).to_string()
}

fn role(id: Option<&str>, name: &str, grants: &[(&str, &str, &str)]) -> Value {
    let policies: Vec<Value> = grants
        .iter()
        .map(|(domain, entity, action)| json!({"domain": domain, "entityName": entity, "actionSet": [action]}))
        .collect();
    let mut role = json!({"name": name, "policies": policies});
    if let Some(id) = id {
        role["id"] = json!(id);
    }
    role
}

#[test]
fn one_role_name_with_two_bodies_is_rejected() {
    // The review's case: a wildcard role in one division and a viewer role of
    // the same name in all; before, the subject could edit queues everywhere.
    let text = subject(vec![
        grant("d-east", role(Some("r1"), "Queue Admin", &[("routing", "queue", "*")])),
        grant("*", role(Some("r2"), "Queue Admin", &[("routing", "queue", "view")])),
    ]);
    let error = SubjectSpec::parse(&text).unwrap_err();
    assert_eq!(
        error,
        invalid(
            "$.grants[1].role",
            "role name `Queue Admin` is used by a different role at `$.grants[0].role`; a policy knows roles by name"
        )
    );
    // Without ids, and with the same body under two ids, the same.
    for (first, second) in [
        (
            role(None, "Queue Admin", &[("routing", "queue", "*")]),
            role(None, "Queue Admin", &[("routing", "queue", "view")]),
        ),
        (
            role(Some("r1"), "Queue Admin", &[("routing", "queue", "view")]),
            role(Some("r2"), "Queue Admin", &[("routing", "queue", "view")]),
        ),
        (
            role(Some("r1"), "Queue Admin", &[("routing", "queue", "view")]),
            role(None, "Queue Admin", &[("routing", "queue", "view")]),
        ),
    ] {
        let text = subject(vec![
            grant("d-east", first),
            grant("d-west", good_role("other")),
            grant("*", second),
        ]);
        assert_eq!(SubjectSpec::parse(&text).unwrap_err().path(), Some("$.grants[2].role"));
    }
}

fn good_role(name: &str) -> Value {
    role(Some(name), name, &[("routing", "queue", "join")])
}

#[test]
fn one_role_id_with_two_bodies_is_rejected() {
    let text = subject(vec![
        grant("d-east", role(Some("r1"), "Queue Admin", &[("routing", "queue", "*")])),
        grant("*", role(Some("r1"), "Queue Admin", &[("routing", "queue", "view")])),
    ]);
    assert_eq!(
        SubjectSpec::parse(&text),
        Err(invalid(
            "$.grants[1].role",
            "role id `r1` has a different body than at `$.grants[0].role`"
        ))
    );
    // One id under two names is two bodies too.
    let text = subject(vec![
        grant(
            "d-east",
            role(Some("r1"), "Queue Admin", &[("routing", "queue", "view")]),
        ),
        grant("*", role(Some("r1"), "Queue Viewer", &[("routing", "queue", "view")])),
    ]);
    assert_eq!(
        SubjectSpec::parse(&text),
        Err(invalid(
            "$.grants[1].role",
            "role id `r1` has a different body than at `$.grants[0].role`"
        ))
    );
}

#[test]
fn the_same_role_in_several_divisions_answers_per_division() {
    let editor = role(Some("r1"), "Queue Editor", &[("routing", "queue", "edit")]);
    let viewer = role(Some("r2"), "Queue Viewer", &[("routing", "queue", "view")]);
    let joiner = role(None, "Queue Joiner", &[("routing", "queue", "join")]);
    let text = subject(vec![
        grant("d-east", editor.clone()),
        grant("d-east", viewer.clone()),
        grant("d-west", editor),
        grant("d-north", viewer.clone()),
        grant("*", joiner.clone()),
        grant("d-south", joiner),
        grant("d-west", viewer),
    ]);
    let spec = SubjectSpec::parse(&text).unwrap();
    assert_eq!(spec.grants.len(), 7);
    let roles: Vec<&str> = spec.roles().map(|role| role.name.as_str()).collect();
    assert_eq!(roles, ["Queue Editor", "Queue Viewer", "Queue Joiner"]);

    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder.add_user_definition(&spec.definition()).unwrap();
    let policy = builder.build();
    // A policy does not list a user's grants: grant 4 (`*`) is asserted in
    // the document, and through the user's answer in every division.
    assert_eq!(spec.grants[4].division, Division::All);
    assert!(policy.allows(ana, perm::routing::QUEUE_JOIN));
    let answers = |division: &str| {
        [
            perm::routing::QUEUE_EDIT,
            perm::routing::QUEUE_VIEW,
            perm::routing::QUEUE_JOIN,
        ]
        .map(|permission| policy.allows(policy.user_in(ana, division), permission))
    };
    assert_eq!(answers("d-east"), [true, true, true]);
    assert_eq!(answers("d-west"), [true, true, true]);
    assert_eq!(answers("d-north"), [false, true, true]);
    assert_eq!(answers("d-south"), [false, false, true]);
    assert_eq!(answers("d-elsewhere"), [false, false, true]);
}

#[test]
fn roles_of_many_grants_are_each_listed_once_in_order() {
    // Distinct roles, each granted twice: the second half repeats the first.
    let count = 5_000;
    let grants: Vec<Value> = (0..2 * count)
        .map(|n| grant(&format!("d-{}", n / count), good_role(&format!("role-{}", n % count))))
        .collect();
    let spec = SubjectSpec::parse(&subject(grants)).unwrap();
    let roles: Vec<&str> = spec.roles().map(|role| role.name.as_str()).collect();
    assert_eq!(roles.len(), count);
    assert!(roles.iter().enumerate().all(|(n, name)| *name == format!("role-{n}")));
}

#[cfg(feature = "cli")]
#[test]
fn the_cli_refuses_a_subject_with_one_role_name_for_two_roles() {
    let text = subject(vec![
        grant("d-east", role(Some("r1"), "Queue Admin", &[("routing", "queue", "*")])),
        grant("*", role(Some("r2"), "Queue Admin", &[("routing", "queue", "view")])),
    ]);
    let path = std::env::temp_dir().join(format!("permgate-review-json-{}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_permgate"))
        .args([
            "allows",
            path.to_str().unwrap(),
            "--division",
            "d-west",
            "routing:queue:edit",
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("yes"));
    assert!(stderr.contains("$.grants[1].role"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Divisions
// ---------------------------------------------------------------------------

#[test]
fn an_empty_division_id_is_rejected() {
    for id in ["", " "] {
        let text = subject(vec![grant("d-east", good_role("a")), grant(id, good_role("b"))]);
        assert_eq!(
            SubjectSpec::parse(&text),
            Err(invalid("$.grants[1].division.id", "empty division id")),
            "{id:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

fn policy_with_actions(count: usize) -> String {
    let actions: Vec<String> = (0..count).map(|n| format!("a{n}")).collect();
    json!({"name": "big", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": actions}]})
    .to_string()
}

#[test]
fn actions_per_policy() {
    assert_eq!(MAX_ACTIONS_PER_POLICY, 1_000);
    let file = RoleFile::parse(&policy_with_actions(MAX_ACTIONS_PER_POLICY)).unwrap();
    assert_eq!(file.roles[0].grants[0].permissions.len(), MAX_ACTIONS_PER_POLICY);
    let file = RoleFile::parse(&policy_with_actions(MAX_ACTIONS_PER_POLICY + 1)).unwrap();
    assert!(file.roles.is_empty());
    assert_eq!(
        file.errors[0].error,
        JsonError::TooMany {
            path: "$.permissionPolicies[0].actionSet".into(),
            max: MAX_ACTIONS_PER_POLICY
        }
    );
}

fn subject_with_grants(count: usize) -> String {
    let grants: Vec<Value> = (0..count).map(|n| grant(&format!("d-{n}"), good_role("r"))).collect();
    subject(grants)
}

#[test]
fn grants_per_subject() {
    assert_eq!(MAX_GRANTS_PER_SUBJECT, 10_000);
    let spec = SubjectSpec::parse(&subject_with_grants(MAX_GRANTS_PER_SUBJECT)).unwrap();
    assert_eq!(spec.grants.len(), MAX_GRANTS_PER_SUBJECT);
    assert_eq!(spec.roles().count(), 1);
    assert_eq!(
        SubjectSpec::parse(&subject_with_grants(MAX_GRANTS_PER_SUBJECT + 1)),
        Err(JsonError::TooMany {
            path: "$.grants".into(),
            max: MAX_GRANTS_PER_SUBJECT
        })
    );
}
