//! Every documented limit, tested at the cap and one past it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::{MAX_POLICIES_PER_ROLE, MAX_ROLES_PER_FILE, RoleFile};
use permgate::{
    Catalog, Policy, condition::MAX_CONDITION_DEPTH, genesys::JsonError, genesys::MAX_JSON_BYTES,
    parse::MAX_PERMISSION_LEN, parse::ParseError, parse::QuestionError,
};

fn roles(count: usize) -> String {
    let items: Vec<String> = (0..count)
        .map(|n| format!(r#"{{"name":"r{n}","permissionPolicies":[]}}"#))
        .collect();
    format!("[{}]", items.join(","))
}

#[test]
fn roles_per_file() {
    assert_eq!(
        RoleFile::parse(&roles(MAX_ROLES_PER_FILE)).unwrap().roles.len(),
        MAX_ROLES_PER_FILE
    );
    let error = RoleFile::parse(&roles(MAX_ROLES_PER_FILE + 1)).unwrap_err();
    assert_eq!(
        error,
        JsonError::TooMany {
            path: "$".into(),
            max: MAX_ROLES_PER_FILE
        }
    );
}

fn role_with_policies(count: usize) -> String {
    let policy = r#"{"domain":"routing","entityName":"queue","actionSet":["view"]}"#;
    format!(
        r#"{{"name":"big","permissionPolicies":[{}]}}"#,
        vec![policy; count].join(",")
    )
}

#[test]
fn policies_per_role() {
    let file = RoleFile::parse(&role_with_policies(MAX_POLICIES_PER_ROLE)).unwrap();
    assert_eq!(file.roles[0].grants.len(), MAX_POLICIES_PER_ROLE);
    let file = RoleFile::parse(&role_with_policies(MAX_POLICIES_PER_ROLE + 1)).unwrap();
    assert!(file.roles.is_empty());
    let expected = JsonError::TooMany {
        path: "$.permissionPolicies".into(),
        max: MAX_POLICIES_PER_ROLE,
    };
    assert_eq!(file.errors[0].error, expected);
}

fn role_with_condition_depth(depth: usize) -> String {
    let mut node =
        r#"{"variableName":"Queue.id","operator":"EQ","operands":[{"type":"QUEUE","queue":{"id":"q"}}]}"#.to_owned();
    for _ in 1..depth {
        node = format!(r#"{{"conjunction":"AND","terms":[{node}]}}"#);
    }
    format!(
        r#"{{"name":"deep","permissionPolicies":[{{"domain":"routing","entityName":"queue","actionSet":["edit"],
            "allowConditions":true,"resourceConditionNode":{node}}}]}}"#
    )
}

#[test]
fn condition_depth() {
    assert_eq!(
        RoleFile::parse(&role_with_condition_depth(MAX_CONDITION_DEPTH))
            .unwrap()
            .roles
            .len(),
        1
    );
    let file = RoleFile::parse(&role_with_condition_depth(MAX_CONDITION_DEPTH + 1)).unwrap();
    assert!(matches!(
        file.errors[0].error,
        JsonError::TooDeep {
            max: MAX_CONDITION_DEPTH,
            ..
        }
    ));
}

#[test]
fn document_size() {
    let role = r#"{"name":"padded","permissionPolicies":[]}"#;
    let at_cap = format!("{role}{}", " ".repeat(MAX_JSON_BYTES - role.len()));
    assert_eq!(at_cap.len(), MAX_JSON_BYTES);
    assert_eq!(RoleFile::parse(&at_cap).unwrap().roles[0].name, "padded");
    let past = format!("{at_cap} ");
    assert_eq!(
        RoleFile::parse(&past).unwrap_err(),
        JsonError::TooLarge {
            size: MAX_JSON_BYTES + 1,
            max: MAX_JSON_BYTES
        }
    );
}

#[test]
fn permission_length() {
    let policy = Policy::builder(Catalog::builtin())
        .role("r", ["journey:*:*"])
        .unwrap()
        .build();
    let role = policy.role("r").unwrap();
    let prefix = "journey:thing:";
    let at_cap = format!("{prefix}{}", "a".repeat(MAX_PERMISSION_LEN - prefix.len()));
    assert_eq!(policy.allows(role, &at_cap), Ok(true));
    let past = format!("{at_cap}a");
    assert_eq!(
        policy.allows(role, &past),
        Err(QuestionError::Malformed(ParseError::TooLong {
            length: MAX_PERMISSION_LEN + 1,
            max: MAX_PERMISSION_LEN
        }))
    );
    assert!(Policy::builder(Catalog::builtin()).role("r", [past.as_str()]).is_err());
}

fn org_catalog(count: usize) -> String {
    let actions: Vec<String> = (0..count)
        .map(|n| format!(r#"{{"domain":"bulk","entityType":"thing","action":"a{n}"}}"#))
        .collect();
    format!(
        r#"{{"entities":[{{"domain":"bulk","permissionMap":{{"thing":[{}]}}}}]}}"#,
        actions.join(",")
    )
}

#[test]
fn permissions_per_catalog() {
    let room = usize::from(u16::MAX) - Catalog::builtin().len();
    let full = permgate::genesys::org_catalog(Catalog::builtin(), &org_catalog(room)).unwrap();
    assert_eq!(full.len(), usize::from(u16::MAX));
    let error = permgate::genesys::org_catalog(Catalog::builtin(), &org_catalog(room + 1)).unwrap_err();
    assert!(matches!(error, JsonError::TooMany { max: 65535, .. }), "{error}");
    assert_eq!(
        error.path(),
        Some(format!("$.entities[0].permissionMap.thing[{room}]").as_str())
    );
}
