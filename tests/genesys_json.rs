//! Genesys Cloud JSON in: role documents, conditional grants, subjects and divisions, org
//! catalogs, and every bad input as a typed error with its JSON path.
//!
//! All inputs are inline. Bad inputs assert the exact [`JsonError`] variant
//! and its `path()`; in documents of several roles, the valid roles around a
//! bad one are asserted to load.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use permgate::definition::Form;
use permgate::genesys::{MAX_POLICIES_PER_ROLE, RoleFile, RoleFileError, SubjectSpec, export_role};
use permgate::{
    BuildError, Catalog, Decision, Division, Permission, Policy, RoleId, UserId, condition::MAX_CONDITION_DEPTH,
    genesys::JsonError, genesys::MAX_JSON_BYTES, parse::GrantError, parse::ParseError, perm,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn names(file: &RoleFile) -> Vec<&str> {
    file.roles.iter().map(|role| role.name.as_str()).collect()
}

/// A valid role named `name`.
fn good(name: &str) -> Value {
    json!({"name": name, "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view"], "allowConditions": false}]})
}

/// A role named `bad` with one policy.
fn with_policy(policy: Value) -> Value {
    json!({"name": "bad", "permissionPolicies": [policy]})
}

/// Loads `[before, bad, after]` and returns the one error, after asserting
/// that the roles around it loaded and that the error is at position 1.
fn sandwiched(bad: Value) -> RoleFileError {
    let text = serde_json::to_string(&json!([good("before"), bad, good("after")])).unwrap();
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["before", "after"], "{:?}", file.errors);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    let error = file.errors.into_iter().next().unwrap();
    assert_eq!(error.position, 1);
    error
}

/// Like [`sandwiched`], for a role named `bad`: returns the [`JsonError`].
fn sandwiched_bad(bad: Value) -> JsonError {
    let error = sandwiched(bad);
    assert_eq!(error.name.as_deref(), Some("bad"));
    error.error
}

/// A policy over the builtin catalog holding the roles of `text`.
fn load(text: &str) -> Policy {
    load_on(Catalog::builtin(), text)
}

fn load_on(catalog: &Catalog, text: &str) -> Policy {
    let file = RoleFile::parse(text).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let mut builder = Policy::builder(catalog);
    for role in &file.roles {
        builder.add_role_definition(role).unwrap();
    }
    builder.build()
}

fn keys(policy: &Policy, role: RoleId) -> Vec<&str> {
    policy.permissions(role).map(Permission::key).collect()
}

fn queue_term(ids: &[&str]) -> Value {
    json!({"variableName": "Queue.id", "operator": "IN",
           "operands": ids.iter().map(|id| json!({"type": "QUEUE", "queue": {"id": id}})).collect::<Vec<_>>()})
}

fn wrong_type(path: &str, expected: &'static str, found: &'static str) -> JsonError {
    JsonError::WrongType {
        path: path.to_owned(),
        expected,
        found,
    }
}

fn missing(path: &str, field: &'static str) -> JsonError {
    JsonError::MissingField {
        path: path.to_owned(),
        field,
    }
}

fn invalid(path: &str, problem: &str) -> JsonError {
    JsonError::Invalid {
        path: path.to_owned(),
        problem: problem.to_owned(),
    }
}

fn permission_error(path: &str, source: impl Into<GrantError>) -> JsonError {
    JsonError::Permission {
        path: path.to_owned(),
        error: source.into(),
    }
}

// ---------------------------------------------------------------------------
// The three document shapes
// ---------------------------------------------------------------------------

#[test]
fn one_role_an_array_and_a_listing_all_load() {
    let one = RoleFile::parse(&good("agent").to_string()).unwrap();
    assert_eq!(names(&one), ["agent"]);
    assert!(one.errors.is_empty());
    assert_eq!(one.roles[0].grants[0].permissions, ["routing:queue:view"]);

    let array = RoleFile::parse(&json!([good("a"), good("b")]).to_string()).unwrap();
    assert_eq!(names(&array), ["a", "b"]);

    let listing = json!({"entities": [good("a"), good("b"), good("c")],
                         "pageSize": 25, "pageNumber": 1, "total": 3, "pageCount": 1});
    let listing = RoleFile::parse(&listing.to_string()).unwrap();
    assert_eq!(names(&listing), ["a", "b", "c"]);
    assert!(listing.role("b").is_some() && listing.role("d").is_none());

    let empty = RoleFile::parse("[]").unwrap();
    assert!(empty.roles.is_empty() && empty.errors.is_empty());
    let empty = RoleFile::parse(r#"{"entities": []}"#).unwrap();
    assert!(empty.roles.is_empty() && empty.errors.is_empty());

    // Roles of every shape compile to the same permissions.
    for text in [
        good("r").to_string(),
        json!([good("r")]).to_string(),
        json!({"entities": [good("r")]}).to_string(),
    ] {
        let policy = load(&text);
        assert_eq!(keys(&policy, policy.role("r").unwrap()), ["routing:queue:view"]);
    }
}

#[test]
fn fields_permgate_does_not_use_are_tolerated() {
    let text = r#"{
      "id": "r-1", "name": "agent", "description": "desk agent", "defaultRoleId": "agent",
      "base": false, "default": false, "userCount": 12, "selfUri": "/api/v2/authorization/roles/r-1",
      "dateModified": "2026-01-02T03:04:05Z", "unusedPermissions": ["a:b:c"], "tags": {"x": [1, null]},
      "permissionPolicies": [
        {"id": "p-1", "domain": "routing", "entityName": "queue", "policyName": "queue",
         "policyDescription": "queues", "actionSetKey": "join,view", "namedResources": [],
         "actionSet": ["join", "view"], "allowConditions": false, "resourceConditionNode": null}
      ],
      "permissions": null
    }"#;
    let file = RoleFile::parse(text).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let role = &file.roles[0];
    assert_eq!(role.id.as_deref(), Some("r-1"));
    assert_eq!(role.description.as_deref(), Some("desk agent"));
    assert!(role.legacy.is_empty(), "`permissions: null` is absent");
    assert_eq!(
        role.grants[0].condition, None,
        "`resourceConditionNode: null` is absent"
    );
    let policy = load(text);
    let agent = policy.role("agent").unwrap();
    assert_eq!(keys(&policy, agent), ["routing:queue:join", "routing:queue:view"]);
    assert_eq!(
        policy.allows(agent, "a:b:c"),
        Ok(false),
        "unusedPermissions grant nothing"
    );
}

#[test]
fn a_role_with_no_policies_loads_and_allows_nothing() {
    for text in [
        r#"{"name": "empty", "permissionPolicies": []}"#,
        r#"{"name": "empty", "permissions": []}"#,
    ] {
        let policy = load(text);
        let role = policy.role("empty").unwrap();
        assert_eq!(policy.permissions(role).count(), 0);
        assert_eq!(policy.decide(role, perm::routing::QUEUE_VIEW), Decision::Denied);
    }
    // An object with a name and no role field is no role (`package.json`, say), never an
    // empty one.
    assert!(matches!(
        RoleFile::parse(r#"{"name": "empty"}"#),
        Err(JsonError::WrongKind { .. })
    ));
}

// ---------------------------------------------------------------------------
// Legacy permissions and conditional grants
// ---------------------------------------------------------------------------

#[test]
fn legacy_permissions_are_kept_and_reported_never_granted() {
    let text = r#"{"name": "old", "permissions": ["routing:queue:view", "admin", "Journey > Action Map > View"],
                   "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["join"]}]}"#;
    let file = RoleFile::parse(text).unwrap();
    assert_eq!(
        file.roles[0].legacy,
        ["routing:queue:view", "admin", "Journey > Action Map > View"]
    );
    let policy = load(text);
    let old = policy.role("old").unwrap();
    assert_eq!(
        policy.audit(old).unwrap().legacy,
        ["routing:queue:view", "admin", "Journey > Action Map > View"]
    );
    assert!(!policy.allows(old, perm::routing::QUEUE_VIEW));
    assert!(!policy.allows(old, perm::journey::ACTIONMAP_VIEW));
    assert_eq!(policy.allows(old, "routing:queue:view"), Ok(false));
    assert_eq!(policy.allows(old, "admin"), Ok(false));
    assert_eq!(policy.decide(old, perm::routing::QUEUE_VIEW), Decision::Denied);
    assert_eq!(keys(&policy, old), ["routing:queue:join"]);
    assert_eq!(
        policy.audit(old).unwrap().unknown.len(),
        0,
        "legacy names are not unknown grants"
    );

    // A legacy entry of the wrong type is an error with its path.
    let error = sandwiched_bad(json!({"name": "bad", "permissions": ["a", 7]}));
    assert_eq!(error, wrong_type("$[1].permissions[1]", "a string", "a number"));
    assert_eq!(error.path(), Some("$[1].permissions[1]"));
}

#[test]
fn conditional_grants_answer_allowed_if_never_allowed() {
    let text = json!({"name": "supervisor", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view"], "allowConditions": false},
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit", "join"], "allowConditions": true,
         "resourceConditionNode": queue_term(&["q-1", "q-2"])},
        {"domain": "journey", "entityName": "segment", "actionSet": ["*"], "allowConditions": true,
         "resourceConditionNode": {"conjunction": "OR", "terms": [
             {"variableName": "Segment.owner", "operator": "EQ", "operands": [{"type": "USER", "user": {"id": "u-1"}}]},
             {"variableName": "Segment.score", "operator": "GE", "operands": [{"type": "SCALAR", "value": "3"}]}]}}
    ]})
    .to_string();
    let file = RoleFile::parse(&text).unwrap();
    let spec = &file.roles[0].grants[1];
    // `allowConditions` is read by the wire model; the role keeps the condition.
    let body: permgate::genesys::wire::DomainOrganizationRole = permgate::genesys::wire::from_str(&text).unwrap();
    assert_eq!(body.permission_policies.unwrap()[1].allow_conditions, Some(true));
    assert_eq!(
        serde_json::to_value(permgate::genesys::wire::ResourceConditionNode::from(
            spec.condition.as_ref().unwrap()
        ))
        .unwrap(),
        queue_term(&["q-1", "q-2"])
    );

    let policy = load(&text);
    let role = policy.role("supervisor").unwrap();
    let edit = perm::routing::QUEUE_EDIT;
    assert!(!policy.allows(role, edit));
    assert_eq!(policy.allows(role, "routing:queue:edit"), Ok(false));
    assert!(!keys(&policy, role).contains(&"routing:queue:edit"));

    let Decision::AllowedIf(conditions) = policy.decide(role, edit) else {
        panic!("{:?}", policy.decide(role, edit))
    };
    assert_eq!(conditions.len(), 1);
    assert_eq!(conditions[0].to_string(), "Queue.id IN [QUEUE q-1, QUEUE q-2]");
    assert_eq!(
        serde_json::to_value(permgate::genesys::wire::ResourceConditionNode::from(conditions[0])).unwrap(),
        queue_term(&["q-1", "q-2"])
    );
    for spelling in ["routing:queue:edit", "ROUTING:QUEUE:EDIT", "Routing > Queue > Edit"] {
        assert_eq!(
            policy.decide(role, spelling),
            Ok(Decision::AllowedIf(conditions.clone())),
            "{spelling}"
        );
    }
    assert_eq!(policy.decide(role, perm::routing::QUEUE_VIEW), Decision::Allowed);
    assert_eq!(policy.decide(role, "routing:queue:view"), Ok(Decision::Allowed));
    assert_eq!(policy.decide(role, perm::routing::QUEUE_SEARCH), Decision::Denied);
    assert_eq!(policy.decide(role, "routing:queue:search"), Ok(Decision::Denied));
    assert!(
        policy.decide(role, "routing:queue:*").is_err(),
        "a question is never a wildcard"
    );

    // A conditional wildcard covers the entity, and keys no catalog lists under it.
    let Decision::AllowedIf(conditions) = policy.decide(role, perm::journey::SEGMENT_EDIT) else {
        panic!()
    };
    assert_eq!(
        conditions[0].to_string(),
        "(Segment.owner EQ USER u-1 OR Segment.score GE SCALAR 3)"
    );
    assert!(!policy.allows(role, perm::journey::SEGMENT_EDIT));
    assert!(matches!(
        policy.decide(role, "journey:segment:newAction"),
        Ok(Decision::AllowedIf(c)) if c.len() == 1
    ));
    assert_eq!(policy.allows(role, "journey:segment:newAction"), Ok(false));

    // What the audit sees: each conditional grant, the permissions it covers.
    let audit = policy.audit(role).unwrap();
    let grants: Vec<(Vec<&str>, String)> = (audit.conditional.iter())
        .map(|grant| {
            (
                grant.permissions.iter().map(|p| p.key()).collect(),
                grant.condition.to_string(),
            )
        })
        .collect();
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0].0, ["routing:queue:edit", "routing:queue:join"]);
    assert_eq!(grants[0].1, "Queue.id IN [QUEUE q-1, QUEUE q-2]");
    assert!(grants[1].0.contains(&"journey:segment:view") && grants[1].0.contains(&"journey:segment:add"));
    let beyond: Vec<Vec<String>> = (audit.conditional.into_iter())
        .map(|grant| grant.beyond_catalog)
        .collect();
    assert_eq!(beyond[0], Vec::<String>::new());
    assert!(
        beyond[1].iter().any(|key| key.ends_with(":*")),
        "the kept pattern is listed: {beyond:?}"
    );
}

#[test]
fn an_unconditional_grant_of_the_same_permission_wins() {
    let conditional = |queue: &str| {
        json!({"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
               "resourceConditionNode": queue_term(&[queue])})
    };
    let unconditional = json!({"domain": "routing", "entityName": "*", "actionSet": ["edit"]});
    let role = |policies: Vec<Value>| json!({"name": "r", "permissionPolicies": policies}).to_string();

    // The unconditional grant comes last, and still wins.
    let policy = load(&role(vec![conditional("q-1"), conditional("q-2"), unconditional]));
    let r = policy.role("r").unwrap();
    assert!(policy.allows(r, perm::routing::QUEUE_EDIT));
    assert_eq!(policy.decide(r, perm::routing::QUEUE_EDIT), Decision::Allowed);
    assert_eq!(policy.decide(r, "Routing > Queue > Edit"), Ok(Decision::Allowed));
    assert_eq!(
        policy.audit(r).unwrap().conditional.len(),
        2,
        "the conditional grants are still listed"
    );

    // Without it, both conditions are offered, in document order.
    let policy = load(&role(vec![conditional("q-1"), conditional("q-2")]));
    let r = policy.role("r").unwrap();
    let Decision::AllowedIf(conditions) = policy.decide(r, perm::routing::QUEUE_EDIT) else {
        panic!("{:?}", policy.decide(r, perm::routing::QUEUE_EDIT))
    };
    let conditions: Vec<String> = conditions.iter().map(ToString::to_string).collect();
    assert_eq!(conditions, ["Queue.id IN [QUEUE q-1]", "Queue.id IN [QUEUE q-2]"]);
}

#[test]
fn allow_conditions_without_a_condition_node_is_unconditional() {
    let text = r#"{"name": "r", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true}]}"#;
    let file = RoleFile::parse(text).unwrap();
    let body: permgate::genesys::wire::DomainOrganizationRole = permgate::genesys::wire::from_str(text).unwrap();
    assert_eq!(body.permission_policies.unwrap()[0].allow_conditions, Some(true));
    assert_eq!(file.roles[0].grants[0].condition, None);
    let policy = load(text);
    let role = policy.role("r").unwrap();
    assert!(policy.allows(role, perm::routing::QUEUE_EDIT));
    assert_eq!(policy.decide(role, perm::routing::QUEUE_EDIT), Decision::Allowed);
    assert_eq!(policy.audit(role).unwrap().conditional.len(), 0);
}

#[test]
fn conditions_legacy_and_unknown_grants_survive_export_and_import() {
    let text = json!({"name": "mixed", "description": "all kinds", "permissions": ["legacy_thing"],
        "permissionPolicies": [
            {"domain": "routing", "entityName": "queue", "actionSet": ["view", "join"]},
            {"domain": "journey", "entityName": "*", "actionSet": ["*"]},
            {"domain": "ui", "entityName": "agentQueueActivity", "actionSet": ["view"]},
            {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
             "resourceConditionNode": {"conjunction": "AND", "terms": [queue_term(&["q-1"]),
                 {"variableName": "Queue.name", "operator": "EQ", "operands": [{"type": "VARIABLE", "value": "x"}]}]}}
    ]})
    .to_string();
    let policy = load(&text);
    let role = policy.role("mixed").unwrap();
    for form in [Form::Wildcard, Form::Expanded] {
        let body = export_role(&policy.definition(role, form).unwrap()).unwrap();
        let imported = load(&serde_json::to_string(&body).unwrap());
        let back = imported.role("mixed").unwrap();
        assert_eq!(keys(&imported, back), keys(&policy, role), "{form:?}");
        assert_eq!(imported.audit(back).unwrap().legacy, ["legacy_thing"]);
        assert_eq!(imported.audit(back).unwrap().unknown, ["ui:agentQueueActivity:view"]);
        for permission in Catalog::builtin().iter() {
            assert_eq!(
                imported.decide(back, permission),
                policy.decide(role, permission),
                "{form:?} {permission}"
            );
        }
        assert_eq!(
            imported.allows(back, "journey:newThing:view"),
            Ok(form == Form::Wildcard)
        );
    }
}

// ---------------------------------------------------------------------------
// Bad roles: wrong types, missing fields
// ---------------------------------------------------------------------------

#[test]
fn wrong_json_types_name_the_path() {
    let error = sandwiched(json!({"name": 3, "permissionPolicies": []}));
    assert_eq!(error.name, None, "a number is not a readable name");
    assert_eq!(error.error, wrong_type("$[1].name", "a string", "a number"));
    assert_eq!(error.error.path(), Some("$[1].name"));
    assert_eq!(
        error.to_string(),
        "role 1: `$[1].name`: expected a string, found a number"
    );

    let error = sandwiched_bad(with_policy(
        json!({"domain": "routing", "entityName": "queue", "actionSet": "view"}),
    ));
    assert_eq!(
        error,
        wrong_type("$[1].permissionPolicies[0].actionSet", "an array", "a string")
    );

    let error = sandwiched_bad(json!({"name": "bad", "permissionPolicies": {"domain": "routing"}}));
    assert_eq!(error, wrong_type("$[1].permissionPolicies", "an array", "an object"));

    let error = sandwiched_bad(with_policy(
        json!({"domain": "routing", "entityName": "queue", "actionSet": [1]}),
    ));
    assert_eq!(
        error,
        wrong_type("$[1].permissionPolicies[0].actionSet[0]", "a string", "a number")
    );

    let error = sandwiched_bad(with_policy(
        json!({"domain": ["routing"], "entityName": "queue", "actionSet": ["view"]}),
    ));
    assert_eq!(
        error,
        wrong_type("$[1].permissionPolicies[0].domain", "a string", "an array")
    );

    let error = sandwiched_bad(with_policy(
        json!({"domain": "routing", "entityName": "queue", "actionSet": ["view"], "allowConditions": "yes"}),
    ));
    assert_eq!(
        error,
        wrong_type("$[1].permissionPolicies[0].allowConditions", "a boolean", "a string")
    );

    let error = sandwiched_bad(json!({"name": "bad", "permissionPolicies": ["routing:queue:view"]}));
    assert_eq!(error, wrong_type("$[1].permissionPolicies[0]", "an object", "a string"));

    let error = sandwiched_bad(json!({"name": "bad", "description": 5, "permissionPolicies": []}));
    assert_eq!(error, wrong_type("$[1].description", "a string", "a number"));

    let error = sandwiched(json!(42));
    assert_eq!(error.name, None);
    assert_eq!(error.error, wrong_type("$[1]", "an object", "a number"));
}

#[test]
fn missing_fields_name_the_object_and_the_field() {
    let error = sandwiched(json!({"permissionPolicies": []}));
    assert_eq!(error.name, None);
    assert_eq!(error.error, missing("$[1]", "name"));
    assert_eq!(error.error.path(), Some("$[1]"));
    assert_eq!(error.to_string(), "role 1: `$[1]`: missing field `name`");

    let policy = json!({"domain": "routing", "entityName": "queue", "actionSet": ["view"]});
    for field in ["domain", "entityName", "actionSet"] {
        let mut without = policy.clone();
        without.as_object_mut().unwrap().remove(field);
        let error = sandwiched_bad(with_policy(without));
        let field: &'static str = field;
        assert_eq!(error, missing("$[1].permissionPolicies[0]", field));
        assert_eq!(error.path(), Some("$[1].permissionPolicies[0]"));
    }

    // A blank name is no name.
    let text = json!([good("before"), {"name": "  ", "permissionPolicies": []}, good("after")]).to_string();
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["before", "after"]);
    assert_eq!(file.errors[0].error, invalid("$[1].name", "empty role name"));
}

// ---------------------------------------------------------------------------
// Bad roles: grants
// ---------------------------------------------------------------------------

#[test]
fn a_wildcard_domain_is_rejected_as_a_permission_error() {
    let error = sandwiched_bad(with_policy(
        json!({"domain": "*", "entityName": "*", "actionSet": ["*"]}),
    ));
    assert_eq!(
        error,
        permission_error(
            "$[1].permissionPolicies[0].domain",
            GrantError::DomainWildcard { input: "*:*:*".into() }
        )
    );
    let error = sandwiched_bad(with_policy(
        json!({"domain": "*", "entityName": "queue", "actionSet": ["view"]}),
    ));
    assert!(
        matches!(
            &error,
            JsonError::Permission { error: GrantError::DomainWildcard { input }, .. } if input == "*:queue:view"
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("wildcard domain"), "{error}");
}

#[test]
fn an_empty_action_set_is_invalid() {
    let error = sandwiched_bad(with_policy(
        json!({"domain": "routing", "entityName": "queue", "actionSet": []}),
    ));
    assert_eq!(
        error,
        invalid("$[1].permissionPolicies[0].actionSet", "empty action set")
    );
    // In a listing, the path starts at `entities`.
    let empty = with_policy(json!({"domain": "routing", "entityName": "queue", "actionSet": []}));
    let text = json!({"entities": [good("a"), empty]});
    let file = RoleFile::parse(&text.to_string()).unwrap();
    assert_eq!(names(&file), ["a"]);
    assert_eq!(
        file.errors[0].error.path(),
        Some("$.entities[1].permissionPolicies[0].actionSet")
    );
    // In a single role, at the root.
    let file =
        RoleFile::parse(&with_policy(json!({"domain": "routing", "entityName": "queue", "actionSet": []})).to_string())
            .unwrap();
    assert!(file.roles.is_empty());
    assert_eq!(file.errors[0].position, 0);
    assert_eq!(file.errors[0].error.path(), Some("$.permissionPolicies[0].actionSet"));
}

#[test]
fn malformed_actions_are_permission_errors_at_the_action() {
    let action = |action: &str| {
        sandwiched_bad(with_policy(
            json!({"domain": "routing", "entityName": "queue", "actionSet": ["view", action]}),
        ))
    };
    let path = "$[1].permissionPolicies[0].actionSet[1]";
    assert_eq!(
        action("view:x"),
        permission_error(
            path,
            ParseError::SegmentCount {
                input: "routing:queue:view:x".into(),
                found: 4
            }
        )
    );
    assert_eq!(
        action("vi ew"),
        permission_error(
            path,
            ParseError::InvalidChar {
                input: "routing:queue:vi ew".into(),
                ch: ' ',
                offset: 16
            }
        )
    );
    assert_eq!(
        action("vi*ew"),
        permission_error(
            path,
            ParseError::PartialWildcard {
                input: "routing:queue:vi*ew".into(),
                segment: "action"
            }
        )
    );
    assert_eq!(
        action(""),
        permission_error(
            path,
            ParseError::EmptySegment {
                input: "routing:queue:".into(),
                segment: "action"
            }
        )
    );
    // A malformed entity is caught too (reported at `entityName`).
    let error = sandwiched_bad(with_policy(
        json!({"domain": "routing", "entityName": "que ue", "actionSet": ["view"]}),
    ));
    assert!(
        matches!(
            &error,
            JsonError::Permission {
                error: GrantError::Malformed(ParseError::InvalidChar { ch: ' ', .. }),
                ..
            }
        ),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------
// Bad roles: conditions
// ---------------------------------------------------------------------------

fn conditional(node: Value) -> Value {
    with_policy(
        json!({"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
                       "resourceConditionNode": node}),
    )
}

#[test]
fn unknown_condition_operators_and_conjunctions_are_invalid() {
    let node = "$[1].permissionPolicies[0].resourceConditionNode";
    let term = |operator: &str| {
        json!({"variableName": "Queue.id", "operator": operator,
               "operands": [{"type": "QUEUE", "queue": {"id": "q"}}]})
    };
    assert_eq!(
        sandwiched_bad(conditional(term("LIKE"))),
        invalid(
            &format!("{node}.operator"),
            "unknown operator `LIKE`; expected EQ, IN, GE, GT, LE or LT"
        )
    );
    assert_eq!(
        sandwiched_bad(conditional(term("eq"))).path(),
        Some(&*format!("{node}.operator")),
        "operators are upper case"
    );
    assert_eq!(
        sandwiched_bad(conditional(json!({"conjunction": "XOR", "terms": [term("EQ")]}))),
        invalid(
            &format!("{node}.conjunction"),
            "unknown conjunction `XOR`; expected AND or OR"
        )
    );
    assert_eq!(
        sandwiched_bad(conditional(
            json!({"conjunction": "AND", "terms": [term("EQ"), term("CONTAINS")]})
        )),
        invalid(
            &format!("{node}.terms[1].operator"),
            "unknown operator `CONTAINS`; expected EQ, IN, GE, GT, LE or LT"
        )
    );
    assert_eq!(
        sandwiched_bad(conditional(json!({"terms": [term("EQ")]}))),
        missing(node, "conjunction")
    );
    // An operand type Genesys added after this version (as it added `TEAM`) loads: the
    // condition is handed to the caller, never evaluated, so it changes no decision. An
    // operand without a type, or without the value it names, is refused.
    let group = conditional(
        json!({"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "GROUP", "value": "g"}]}),
    );
    let policy = load(&json!([group]).to_string());
    let Decision::AllowedIf(conditions) = policy.decide(policy.role("bad").unwrap(), perm::routing::QUEUE_EDIT) else {
        panic!("a conditional grant")
    };
    assert_eq!(conditions[0].to_string(), "Queue.id EQ GROUP g");
    assert_eq!(
        sandwiched_bad(conditional(
            json!({"variableName": "Queue.id", "operator": "EQ", "operands": [{"value": "g"}]})
        )),
        missing(&format!("{node}.operands[0]"), "type")
    );
    assert_eq!(
        sandwiched_bad(conditional(
            json!({"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "GROUP", "group": {"id": "g"}}]})
        )),
        missing(&format!("{node}.operands[0]"), "value")
    );
    assert_eq!(
        sandwiched_bad(conditional(json!("Queue.id == q"))),
        wrong_type(node, "an object", "a string")
    );
}

/// `levels` nested `AND` nodes around one term.
fn nested(levels: usize) -> Value {
    let mut node = queue_term(&["q-1"]);
    for _ in 0..levels {
        node = json!({"conjunction": "AND", "terms": [node]});
    }
    node
}

#[test]
fn condition_trees_deeper_than_the_limit_are_too_deep() {
    // The term sits at depth MAX_CONDITION_DEPTH - 1: accepted.
    let text = json!([conditional(nested(MAX_CONDITION_DEPTH - 1))]).to_string();
    let policy = load(&text);
    let role = policy.role("bad").unwrap();
    assert!(matches!(
        policy.decide(role, perm::routing::QUEUE_EDIT),
        Decision::AllowedIf(_)
    ));

    // One more level: rejected, at the node that crosses the limit.
    let error = sandwiched_bad(conditional(nested(MAX_CONDITION_DEPTH)));
    let path = format!(
        "$[1].permissionPolicies[0].resourceConditionNode{}",
        ".terms[0]".repeat(MAX_CONDITION_DEPTH)
    );
    assert_eq!(
        error,
        JsonError::TooDeep {
            path: path.clone(),
            max: MAX_CONDITION_DEPTH
        }
    );
    assert_eq!(error.path(), Some(path.as_str()));

    // Far deeper than any parser stack should go: a syntax error, not a crash.
    let mut deep = String::from(
        r#"{"name": "deep", "permissionPolicies": [
             {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "resourceConditionNode": "#,
    );
    let levels = 100_000;
    deep.push_str(&r#"{"conjunction": "AND", "terms": ["#.repeat(levels));
    deep.push_str(&queue_term(&["q"]).to_string());
    deep.push_str(&"]}".repeat(levels));
    deep.push_str("}]}");
    assert!(matches!(RoleFile::parse(&deep), Err(JsonError::Syntax { .. })));
}

// ---------------------------------------------------------------------------
// Bad documents
// ---------------------------------------------------------------------------

#[test]
fn documents_over_the_size_limit_are_rejected_at_once() {
    let big = format!(r#"{{"name": "{}"}}"#, "x".repeat(50 * 1000 * 1000));
    let expected = JsonError::TooLarge {
        size: big.len(),
        max: MAX_JSON_BYTES,
    };
    let start = Instant::now();
    assert_eq!(RoleFile::parse(&big), Err(expected.clone()));
    assert_eq!(SubjectSpec::parse(&big), Err(expected.clone()));
    assert_eq!(
        permgate::genesys::org_catalog(Catalog::builtin(), &big).err(),
        Some(expected.clone())
    );
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_millis(100),
        "took {elapsed:?}: the size is checked first"
    );
    assert_eq!(expected.path(), None);
    assert_eq!(
        expected.to_string(),
        format!(
            "document of {} bytes is larger than the limit of 33554432 bytes",
            big.len()
        )
    );

    // Exactly at the limit is accepted.
    let role = good("edge").to_string();
    let edge = format!("{role}{}", " ".repeat(MAX_JSON_BYTES - role.len()));
    assert_eq!(edge.len(), MAX_JSON_BYTES);
    assert_eq!(names(&RoleFile::parse(&edge).unwrap()), ["edge"]);
}

#[test]
fn invalid_json_is_a_syntax_error_with_line_and_column() {
    let error = RoleFile::parse("[\n  {\"name\": \"a\"},\n  {\"name\": }\n]").unwrap_err();
    assert!(
        matches!(
            error,
            JsonError::Syntax {
                line: 3,
                column: 12,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.path(), None);
    assert!(
        error.to_string().starts_with("invalid JSON at line 3, column 12: "),
        "{error}"
    );
    assert!(matches!(RoleFile::parse(""), Err(JsonError::Syntax { line: 1, .. })));
    assert!(matches!(RoleFile::parse("{} {}"), Err(JsonError::Syntax { .. })));
    assert!(matches!(SubjectSpec::parse("{"), Err(JsonError::Syntax { .. })));
    assert!(matches!(
        permgate::genesys::org_catalog(Catalog::builtin(), "[1,]"),
        Err(JsonError::Syntax { .. })
    ));
}

#[test]
fn a_document_that_is_no_role_shape_is_a_typed_error() {
    assert_eq!(
        RoleFile::parse("3"),
        Err(wrong_type("$", "a role, an array of roles, or a listing", "a number"))
    );
    assert_eq!(
        RoleFile::parse(r#"{"entities": {"name": "a"}}"#),
        Err(wrong_type("$.entities", "an array", "an object"))
    );
    // An object without `entities` is one role: without any role field it is no role at all,
    // and with them but no name, a bad one.
    assert!(matches!(
        RoleFile::parse(r#"{"pageSize": 25}"#),
        Err(JsonError::WrongKind { path, .. }) if path == "$"
    ));
    let file = RoleFile::parse(r#"{"permissionPolicies": []}"#).unwrap();
    assert!(file.roles.is_empty());
    assert_eq!(file.errors[0].error, missing("$", "name"));
}

#[test]
fn duplicate_role_names_report_the_second_and_keep_the_first() {
    let first = json!({"name": "agent", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]});
    let second = json!({"name": "agent", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit"]}]});
    let text = json!({"entities": [first, good("other"), second, good("last")]}).to_string();
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["agent", "other", "last"]);
    assert_eq!(file.errors.len(), 1);
    let error = &file.errors[0];
    assert_eq!((error.position, error.name.as_deref()), (2, Some("agent")));
    assert_eq!(
        error.error,
        invalid("$.entities[2].name", "duplicate role name; first at position 0")
    );
    assert_eq!(
        error.to_string(),
        "role 2 `agent`: `$.entities[2].name`: duplicate role name; first at position 0"
    );
    // The first one's grants are the ones loaded.
    assert_eq!(
        file.role("agent").unwrap().grants[0]
            .permissions
            .iter()
            .map(|k| k.rsplit(':').next().unwrap())
            .collect::<Vec<_>>(),
        ["view"]
    );
    let mut builder = Policy::builder(Catalog::builtin());
    for role in &file.roles {
        builder.add_role_definition(role).unwrap();
    }
    let policy = builder.build();
    let agent = policy.role("agent").unwrap();
    assert_eq!(keys(&policy, agent), ["routing:queue:view"]);

    // Names are compared exactly: another case is another role.
    let file = RoleFile::parse(&json!([good("Agent"), good("agent")]).to_string()).unwrap();
    assert_eq!(names(&file), ["Agent", "agent"]);
    // A first role that failed to load does not make the next one a duplicate.
    let file = RoleFile::parse(&json!([{"name": "x", "permissionPolicies": 1}, good("x")]).to_string()).unwrap();
    assert_eq!(names(&file), ["x"]);
    assert_eq!(file.errors[0].position, 0);
}

#[test]
fn every_bad_role_is_reported_and_every_good_one_loaded() {
    let bad_policy = |policy: Value| json!({"name": "p", "permissionPolicies": [policy]});
    let text = json!({"entities": [
        good("r0"),
        {"name": 1, "permissionPolicies": []},
        good("r2"),
        bad_policy(json!({"domain": "*", "entityName": "*", "actionSet": ["*"]})),
        bad_policy(json!({"domain": "routing", "entityName": "queue", "actionSet": []})),
        good("r5"),
        bad_policy(json!({"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
                          "resourceConditionNode": {"conjunction": "NAND", "terms": [queue_term(&["q"])]}})),
        good("r0"),
        good("r8"),
    ]})
    .to_string();
    let file = RoleFile::parse(&text).unwrap();
    assert_eq!(names(&file), ["r0", "r2", "r5", "r8"]);
    let reported: Vec<(usize, Option<&str>, Option<&str>)> = file
        .errors
        .iter()
        .map(|e| (e.position, e.name.as_deref(), e.error.path()))
        .collect();
    assert_eq!(
        reported,
        [
            (1, None, Some("$.entities[1].name")),
            (3, Some("p"), Some("$.entities[3].permissionPolicies[0].domain")),
            (4, Some("p"), Some("$.entities[4].permissionPolicies[0].actionSet")),
            (
                6,
                Some("p"),
                Some("$.entities[6].permissionPolicies[0].resourceConditionNode.conjunction")
            ),
            (7, Some("r0"), Some("$.entities[7].name")),
        ]
    );
}

// ---------------------------------------------------------------------------
// Subjects and divisions
// ---------------------------------------------------------------------------

/// An org catalog page: `routing:agent:onqueue` (builtin) and
/// `ui:agentQueueActivity:view` (new) are not division-aware;
/// `routing:queue:view` is, explicitly.
const ORG_PAGE: &str = r#"{"pageSize": 100, "entities": [
  {"id": "routing", "domain": "routing", "permissionMap": {
    "agent": [{"domain": "routing", "entityType": "agent", "action": "onqueue", "divisionAware": false,
               "allowsConditions": false, "label": "Routing > Agent > On Queue"}],
    "queue": [{"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true,
               "allowsConditions": true}]}},
  {"id": "ui", "domain": "ui", "permissionMap": {
    "agentQueueActivity": [{"domain": "ui", "entityType": "agentQueueActivity", "action": "view",
                            "divisionAware": false, "label": "UI > Agent Queue Activity > View"}]}}
]}"#;

const SUBJECT: &str = r#"{"id": "u-1", "name": "Ana", "selfUri": "/api/v2/authorization/subjects/u-1", "grants": [
  {"subjectId": "u-1", "division": {"id": "d-east", "name": "East"},
   "role": {"id": "r-1", "name": "east agent", "policies": [
     {"domain": "routing", "entityName": "queue", "actionSet": ["view"]},
     {"domain": "routing", "entityName": "agent", "actionSet": ["onqueue"]},
     {"domain": "ui", "entityName": "newPanel", "actionSet": ["view"]}]}},
  {"subjectId": "u-1", "division": {"id": "d-west", "name": "West"},
   "role": {"id": "r-2", "name": "west supervisor", "policies": [
     {"domain": "routing", "entityName": "queue", "actionSet": ["edit"]},
     {"domain": "ui", "entityName": "agentQueueActivity", "actionSet": ["view"]},
     {"domain": "routing", "entityName": "queue", "actionSet": ["join"], "allowConditions": true,
      "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
                                "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}},
  {"subjectId": "u-1", "division": {"id": "*", "name": "All divisions"},
   "role": {"id": "r-3", "name": "searcher", "policies": [
     {"domain": "routing", "entityName": "queue", "actionSet": ["search"]}]}}
]}"#;

/// The policy of [`SUBJECT`] and its user; the policy also holds the user
/// `searcher only`, holding `searcher` in all divisions.
fn subject_policy(catalog: &Catalog) -> (Policy, UserId) {
    let spec = SubjectSpec::parse(SUBJECT).unwrap();
    let mut builder = Policy::builder(catalog);
    let user = builder.add_user_definition(&spec.definition()).unwrap();
    let searcher = builder.role_id("searcher").unwrap();
    builder.add_user("searcher only", [(searcher, Division::All)]).unwrap();
    (builder.build(), user)
}

#[test]
fn a_subject_document_loads_with_its_divisions() {
    let spec = SubjectSpec::parse(SUBJECT).unwrap();
    assert_eq!((spec.id.as_deref(), spec.name.as_deref()), (Some("u-1"), Some("Ana")));
    let divisions: Vec<&Division> = spec.grants.iter().map(|g| &g.division).collect();
    assert_eq!(
        divisions,
        [
            &Division::Id("d-east".into()),
            &Division::Id("d-west".into()),
            &Division::All
        ]
    );
    assert_eq!(Division::new("*"), Division::All);
    assert!(Division::All.covers("anything") && !Division::new("d-east").covers("d-west"));
    let roles: Vec<&str> = spec.roles().map(|r| r.name.as_str()).collect();
    assert_eq!(roles, ["east agent", "west supervisor", "searcher"]);
    // The user is named by the subject's id and holds its three grants: each
    // role in its division (a policy does not list a user's grants, so the
    // grants are asserted through what they allow).
    let (policy, subject) = subject_policy(Catalog::builtin());
    assert_eq!(policy.user("u-1"), Some(subject));
    assert_eq!(policy.name(subject), Some("u-1"));
    assert_eq!(policy.user("Ana"), None);
    let roles: Vec<&str> = policy.roles().map(|r| policy.name(r).unwrap()).collect();
    assert_eq!(roles, ["east agent", "west supervisor", "searcher"]);
    let east = policy.user_in(subject, "d-east");
    let west = policy.user_in(subject, "d-west");
    assert!(policy.allows(east, perm::routing::QUEUE_VIEW) && !policy.allows(west, perm::routing::QUEUE_VIEW));
    assert!(policy.allows(west, perm::routing::QUEUE_EDIT) && !policy.allows(east, perm::routing::QUEUE_EDIT));
    // Grant 2: `searcher` in all divisions, so in every division.
    assert!(policy.allows(subject, perm::routing::QUEUE_SEARCH));
    // `Division::new("*")` is `Division::All`: the grant applies everywhere.
    let mut builder = Policy::builder(Catalog::builtin());
    let searcher = builder.add_role_definition(spec.roles().nth(2).unwrap()).unwrap();
    let star = builder.add_user("star", [(searcher, Division::new("*"))]).unwrap();
    let policy = builder.build();
    for who in [policy.user_in(star, "d-east"), policy.user_in(star, "*"), star.into()] {
        assert!(policy.allows(who, perm::routing::QUEUE_SEARCH));
    }
}

#[test]
fn division_aware_permissions_need_a_grant_in_that_division_or_all() {
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), ORG_PAGE).unwrap();
    let (policy, ana) = subject_policy(&catalog);
    let allows = |p, d| policy.allows(policy.user_in(ana, d), p);
    assert!(catalog.is_division_aware(perm::routing::QUEUE_VIEW));
    assert!(
        catalog.is_division_aware(perm::routing::QUEUE_EDIT),
        "unspecified: division-aware"
    );

    // Granted in one division only.
    assert!(allows(perm::routing::QUEUE_VIEW, "d-east"));
    assert!(!allows(perm::routing::QUEUE_VIEW, "d-west"));
    assert!(allows(perm::routing::QUEUE_EDIT, "d-west"));
    assert!(!allows(perm::routing::QUEUE_EDIT, "d-east"));
    // Granted in all divisions: every division, known or not.
    for division in ["d-east", "d-west", "d-north", "*"] {
        assert!(allows(perm::routing::QUEUE_SEARCH, division), "{division}");
    }
    // An unknown division: no grant applies.
    assert!(!allows(perm::routing::QUEUE_VIEW, "d-north"));
    assert!(!allows(perm::routing::QUEUE_EDIT, "d-north"));
    assert!(!allows(perm::routing::QUEUE_VIEW, ""));
    // Not granted at all; or only under a condition.
    assert!(!allows(perm::routing::QUEUE_JOIN, "d-west"));
    assert_eq!(
        policy.decide(policy.role("west supervisor").unwrap(), perm::routing::QUEUE_JOIN),
        Decision::AllowedIf(vec![
            policy
                .audit(policy.role("west supervisor").unwrap())
                .unwrap()
                .conditional[0]
                .condition
        ])
    );

    // The string form, in any spelling.
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-east"), "Routing > Queue > View"),
        Ok(true)
    );
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-west"), "ROUTING:QUEUE:VIEW"),
        Ok(false)
    );
    // A key no catalog lists is treated as division-aware.
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-east"), "ui:newPanel:view"),
        Ok(true)
    );
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-west"), "ui:newPanel:view"),
        Ok(false)
    );
    assert!(policy.allows(policy.user_in(ana, "d-east"), "routing:queue:*").is_err());
}

#[test]
fn permissions_that_are_not_division_aware_are_allowed_by_a_grant_in_any_division() {
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), ORG_PAGE).unwrap();
    assert_eq!(catalog.len(), Catalog::builtin().len() + 1);
    let onqueue = perm::routing::AGENT_ONQUEUE;
    assert!(!catalog.is_division_aware(onqueue));
    assert_eq!(catalog.allows_conditions(onqueue), Some(false));
    assert_eq!(catalog.allows_conditions(perm::routing::QUEUE_VIEW), Some(true));
    assert_eq!(catalog.allows_conditions(perm::routing::QUEUE_EDIT), None);
    let activity = catalog.lookup("ui:agentQueueActivity:view").unwrap();
    assert!(!catalog.is_division_aware(activity));
    assert_eq!(
        catalog.lookup("UI > Agent Queue Activity > View"),
        Some(activity),
        "org labels resolve"
    );

    let (policy, ana) = subject_policy(&catalog);
    // Granted in d-east; applies in every division.
    for division in ["d-east", "d-west", "d-north"] {
        assert!(policy.allows(policy.user_in(ana, division), onqueue), "{division}");
        assert!(policy.allows(policy.user_in(ana, division), activity), "{division}");
        assert_eq!(
            policy.allows(policy.user_in(ana, division), "ui:agentQueueActivity:view"),
            Ok(true)
        );
        assert_eq!(
            policy.allows(policy.user_in(ana, division), "Routing > Agent > On Queue"),
            Ok(true)
        );
    }
    // Still only for a subject that holds it.
    let searcher = policy.user("searcher only").unwrap();
    assert!(!policy.allows(policy.user_in(searcher, "d-east"), onqueue));

    // Without the org catalog nothing says so: division-aware, the safe side.
    let (policy, ana) = subject_policy(Catalog::builtin());
    assert!(Catalog::builtin().is_division_aware(onqueue));
    assert!(policy.allows(policy.user_in(ana, "d-east"), onqueue));
    assert!(!policy.allows(policy.user_in(ana, "d-west"), onqueue));
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-east"), "ui:agentQueueActivity:view"),
        Ok(false)
    );
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-west"), "ui:agentQueueActivity:view"),
        Ok(true)
    );
}

/// Formerly `Policy::subject` failed with `UnknownRole { position: 1, role:
/// "west supervisor" }` for a subject granting a role the policy lacked. Now
/// `add_subject` adds the subject's roles itself, so no grant can name a
/// missing role; what is left of the check: a grant of a role that is not in
/// the builder (here one of another builder, at position 1) is rejected with
/// its position, and a subject role whose name the builder already holds is a
/// duplicate role.
#[test]
fn a_subject_naming_a_role_not_in_the_policy_is_an_unknown_role() {
    let spec = SubjectSpec::parse(SUBJECT).unwrap();
    let mut other = Policy::builder(Catalog::builtin());
    let foreign = other.add_role_definition(&spec.grants[1].role).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let east = builder.add_role_definition(&spec.grants[0].role).unwrap();
    let error = builder
        .add_user(
            "u-1",
            [(east, Division::new("d-east")), (foreign, Division::new("d-west"))],
        )
        .unwrap_err();
    assert_eq!(
        error,
        BuildError::ForeignRole {
            user: "u-1".into(),
            position: 1
        }
    );
    assert_eq!(error.to_string(), "user `u-1`, grant 1: the role is not in this policy");

    // The same role JSON already added is shared; other JSON under that name is refused,
    // and the refusal leaves the builder as it was.
    let mut builder = Policy::builder(Catalog::builtin());
    let shared = builder.add_role_definition(&spec.grants[1].role).unwrap();
    builder.add_user_definition(&spec.definition()).unwrap();
    assert_eq!(builder.role_id("west supervisor"), Some(shared));

    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role("west supervisor", ["routing:queue:view"]).unwrap();
    let error = builder.add_user_definition(&spec.definition()).unwrap_err();
    assert_eq!(
        error,
        BuildError::DuplicateRole {
            role: "west supervisor".into()
        }
    );
    assert_eq!(error.to_string(), "duplicate role `west supervisor`");
    assert_eq!(builder.role_id(&spec.grants[0].role.name), None, "nothing added");
    let policy = builder.build();
    assert_eq!((policy.roles().len(), policy.users().len()), (1, 0));
}

#[test]
fn subjects_share_roles_and_blank_ids_fall_back_to_the_name() {
    let role = json!({"id": "r-1", "name": "agent", "policies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["join"]}]});
    let subject = |id: &str, name: &str| {
        SubjectSpec::parse(
            &json!({"id": id, "name": name, "grants": [{"division": {"id": "*"}, "role": role}]}).to_string(),
        )
        .unwrap()
    };
    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder
        .add_user_definition(&subject("u-1", "Ana").definition())
        .unwrap();
    let bo = builder.add_user_definition(&subject(" ", "Bo").definition()).unwrap();
    let policy = builder.build();
    assert_eq!(policy.roles().len(), 1, "one shared role");
    assert_eq!(policy.name(bo), Some("Bo"));
    for user in [ana, bo] {
        assert_eq!(policy.allows(user, "routing:queue:join"), Ok(true));
    }
    // A division written `*` as an id is every division; a blank one is refused.
    let mut builder = Policy::builder(Catalog::builtin());
    let agent = builder.add_role("agent", ["routing:queue:join"]).unwrap();
    let star = builder.add_user("star", [(agent, Division::Id("*".into()))]).unwrap();
    assert_eq!(
        builder.add_user("blank", [(agent, Division::Id(" ".into()))]),
        Err(BuildError::EmptyDivision {
            user: "blank".into(),
            position: 0
        })
    );
    let policy = builder.build();
    assert!(policy.allows(star, perm::routing::QUEUE_JOIN));
}

#[test]
fn bad_subjects_are_typed_errors_with_paths() {
    let grant = |division: Value, role: Value| json!({"division": division, "role": role});
    let role = json!({"name": "r", "policies": []});
    let subject = |grants: Vec<Value>| json!({"id": "u", "grants": grants}).to_string();
    assert_eq!(SubjectSpec::parse(r#"{"id": "u"}"#), Err(missing("$", "grants")));
    assert_eq!(
        SubjectSpec::parse(r#"{"grants": {}}"#),
        Err(wrong_type("$.grants", "an array", "an object"))
    );
    assert_eq!(SubjectSpec::parse("[]"), Err(wrong_type("$", "an object", "an array")));
    assert_eq!(
        SubjectSpec::parse(&subject(vec![
            grant(json!({"id": "*"}), role.clone()),
            json!({"role": role})
        ])),
        Err(missing("$.grants[1]", "division"))
    );
    assert_eq!(
        SubjectSpec::parse(&subject(vec![grant(json!({"id": 7}), role.clone())])),
        Err(wrong_type("$.grants[0].division.id", "a string", "a number"))
    );
    assert_eq!(
        SubjectSpec::parse(&subject(vec![grant(json!({"name": "East"}), role.clone())])),
        Err(missing("$.grants[0].division", "id"))
    );
    assert_eq!(
        SubjectSpec::parse(&subject(vec![json!({"division": {"id": "*"}})])),
        Err(missing("$.grants[0]", "role"))
    );
    let bad_role = json!({"name": "r", "policies": [{"domain": "routing", "entityName": "queue", "actionSet": []}]});
    assert_eq!(
        SubjectSpec::parse(&subject(vec![grant(json!({"id": "*"}), bad_role)])),
        Err(invalid("$.grants[0].role.policies[0].actionSet", "empty action set"))
    );
}

// ---------------------------------------------------------------------------
// Org catalogs: bad inputs
// ---------------------------------------------------------------------------

fn org(text: &str) -> Result<Catalog, JsonError> {
    permgate::genesys::org_catalog(Catalog::builtin(), text)
}

fn org_action(action: Value) -> String {
    json!({"entities": [{"domain": "routing", "permissionMap": {"queue": [
        {"domain": "routing", "entityType": "queue", "action": "view"}, action]}}]})
    .to_string()
}

const ACTION_PATH: &str = "$.entities[0].permissionMap.queue[1]";

#[test]
fn org_catalogs_load_as_one_page_or_many() {
    let page = |action: &str| {
        json!({"entities": [{"domain": "routing", "permissionMap": {"queue": [
            {"domain": "routing", "entityType": "queue", "action": action}]}}]})
    };
    let catalog = org(&json!([page("pause"), page("archive"), {"entities": []}]).to_string()).unwrap();
    assert_eq!(catalog.len(), Catalog::builtin().len() + 2);
    let pause = catalog.lookup("routing:queue:pause").unwrap();
    assert_eq!(pause.index() as usize, Catalog::builtin().len());
    assert_eq!(
        catalog.lookup("ROUTING:QUEUE:ARCHIVE").unwrap().key(),
        "routing:queue:archive"
    );
    // Twice the same key, or a builtin key, adds nothing.
    let catalog = org(&json!([page("view"), page("pause"), page("PAUSE")]).to_string()).unwrap();
    assert_eq!(catalog.len(), Catalog::builtin().len() + 1);
    // An entity without a permission map is tolerated.
    let catalog = org(r#"{"entities": [{"id": "routing", "domain": "routing"}]}"#).unwrap();
    assert_eq!(catalog.len(), Catalog::builtin().len());
    // A new permission is expanded under a wildcard of a role over the catalog.
    let catalog = org(&page("pause").to_string()).unwrap();
    let policy = Policy::builder(&catalog)
        .role("r", ["routing:queue:*"])
        .unwrap()
        .build();
    assert!(policy.allows(
        policy.role("r").unwrap(),
        catalog.lookup("routing:queue:readonly").unwrap()
    ));
}

#[test]
fn org_catalogs_share_one_catalog_per_content() {
    let action = |action: &str, label: Option<&str>| json!({"domain": "routing", "entityType": "queue", "action": action, "label": label, "divisionAware": false});
    let page = |actions: Value| json!({"entities": [{"domain": "routing", "permissionMap": {"queue": actions}}]});
    let one = page(json!([action("pause", None), action("archive", None)])).to_string();
    // The same permissions over two pages, with paging fields.
    let paged = json!([
        {"entities": [{"domain": "routing", "permissionMap": {"queue": [action("pause", None)]}}], "pageNumber": 1},
        {"entities": [{"domain": "routing", "permissionMap": {"queue": [action("archive", None)]}}], "pageNumber": 2}
    ])
    .to_string();
    let catalogs = permgate::genesys::OrgCatalogs::new(Catalog::builtin());
    assert!(catalogs.is_empty());
    let first = catalogs.read(&one).unwrap();
    let again = catalogs.read(&paged).unwrap();
    assert_eq!(catalogs.len(), 1);
    let direct = org(&one).unwrap();
    for catalog in [&first, &again] {
        assert_eq!(catalog.len(), direct.len());
        let pause = catalog.lookup("routing:queue:pause").unwrap();
        assert_eq!(pause.index(), direct.lookup("routing:queue:pause").unwrap().index());
        assert!(!catalog.is_division_aware(pause));
    }
    // Another order, another label, another flag: another catalog.
    let reordered = page(json!([action("archive", None), action("pause", None)])).to_string();
    let labelled = page(json!([
        action("pause", Some("Routing > Queue > Pause")),
        action("archive", None)
    ]))
    .to_string();
    let aware = page(json!([
        {"domain": "routing", "entityType": "queue", "action": "pause", "divisionAware": true},
        action("archive", None)
    ]))
    .to_string();
    let reordered = catalogs.read(&reordered).unwrap();
    assert_eq!(
        reordered.lookup("routing:queue:archive").unwrap().index() as usize,
        Catalog::builtin().len()
    );
    assert!(
        catalogs
            .read(&labelled)
            .unwrap()
            .lookup("Routing > Queue > Pause")
            .is_some()
    );
    assert!(first.lookup("Routing > Queue > Pause").is_none());
    let aware = catalogs.read(&aware).unwrap();
    assert!(aware.is_division_aware(aware.lookup("routing:queue:pause").unwrap()));
    assert_eq!(catalogs.len(), 4);
    // A document that does not read holds nothing, and fails as org_catalog does.
    let bad = org_action(json!({"domain": "routing", "entityType": "queue"}));
    assert_eq!(catalogs.read(&bad).err(), org(&bad).err());
    assert_eq!(catalogs.len(), 4);
    catalogs.clear();
    assert!(catalogs.is_empty());
    // A catalog in use stays whole after clear.
    assert!(first.lookup("routing:queue:archive").is_some());
}

#[test]
fn org_catalog_without_entities_is_a_missing_field() {
    assert_eq!(org(r#"{"pageSize": 25}"#).err(), Some(missing("$", "entities")));
    assert_eq!(
        org(r#"[{"entities": []}, {"pageSize": 25}]"#).err(),
        Some(missing("$[1]", "entities"))
    );
    assert_eq!(
        org(&org_action(json!({"domain": "routing", "entityType": "queue"}))).err(),
        Some(missing(ACTION_PATH, "action"))
    );
    assert_eq!(
        org(&org_action(json!({"entityType": "queue", "action": "x"}))).err(),
        Some(missing(ACTION_PATH, "domain"))
    );
}

#[test]
fn org_catalog_wrong_types_name_the_path() {
    assert_eq!(org("3").err(), Some(wrong_type("$", "an object", "a number")));
    assert_eq!(
        org(r#"{"entities": {}}"#).err(),
        Some(wrong_type("$.entities", "an array", "an object"))
    );
    assert_eq!(
        org(r#"{"entities": ["routing"]}"#).err(),
        Some(wrong_type("$.entities[0]", "an object", "a string"))
    );
    assert_eq!(
        org(r#"{"entities": [{"permissionMap": []}]}"#).err(),
        Some(wrong_type("$.entities[0].permissionMap", "an object", "an array"))
    );
    assert_eq!(
        org(r#"{"entities": [{"permissionMap": {"queue": {"action": "view"}}}]}"#).err(),
        Some(wrong_type("$.entities[0].permissionMap.queue", "an array", "an object"))
    );
    assert_eq!(
        org(&org_action(json!("routing:queue:edit"))).err(),
        Some(wrong_type(ACTION_PATH, "an object", "a string"))
    );
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": 1})
        ))
        .err(),
        Some(wrong_type(&format!("{ACTION_PATH}.action"), "a string", "a number"))
    );
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": "edit", "divisionAware": "no"})
        ))
        .err(),
        Some(wrong_type(
            &format!("{ACTION_PATH}.divisionAware"),
            "a boolean",
            "a string"
        ))
    );
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": "edit", "label": 3})
        ))
        .err(),
        Some(wrong_type(&format!("{ACTION_PATH}.label"), "a string", "a number"))
    );
}

#[test]
fn org_catalog_wildcards_and_empty_actions_are_rejected() {
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": "*"})
        ))
        .err(),
        Some(invalid(ACTION_PATH, "`routing:queue:*` is not one concrete permission"))
    );
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "*", "action": "view"})
        ))
        .err(),
        Some(invalid(ACTION_PATH, "`routing:*:view` is not one concrete permission"))
    );
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": ""})
        ))
        .err(),
        Some(permission_error(
            ACTION_PATH,
            ParseError::EmptySegment {
                input: "routing:queue:".into(),
                segment: "action"
            }
        ))
    );
    assert_eq!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": "vi ew"})
        ))
        .err(),
        Some(permission_error(
            ACTION_PATH,
            ParseError::InvalidChar {
                input: "routing:queue:vi ew".into(),
                ch: ' ',
                offset: 16
            }
        ))
    );
    assert!(matches!(
        org(&org_action(
            json!({"domain": "routing", "entityType": "queue", "action": "a:b"})
        )),
        Err(JsonError::Permission {
            error: GrantError::Malformed(ParseError::SegmentCount { found: 4, .. }),
            ..
        })
    ));
}

#[test]
fn org_catalog_flags_merge_page_by_page() {
    let page = |aware: Option<bool>| {
        let mut action = json!({"domain": "routing", "entityType": "queue", "action": "view"});
        if let Some(aware) = aware {
            action["divisionAware"] = json!(aware);
        }
        json!({"entities": [{"domain": "routing", "permissionMap": {"queue": [action]}}]})
    };
    let view = perm::routing::QUEUE_VIEW;
    let aware = |pages: Vec<Value>| org(&json!(pages).to_string()).unwrap().is_division_aware(view);
    assert!(!aware(vec![page(Some(false))]));
    assert!(
        !aware(vec![page(Some(false)), page(None)]),
        "a page that says nothing keeps what was said"
    );
    assert!(
        aware(vec![page(Some(false)), page(Some(true))]),
        "the last page that says wins"
    );
    assert!(aware(vec![page(None)]), "nothing said: division-aware");
}

#[test]
fn org_catalog_labels_builtin_permissions_that_have_none() {
    let add = perm::journey::OUTCOMEPREDICTOR_ADD;
    assert_eq!(add.label(), None, "the builtin catalog has no label for it");
    let text = org_action(
        json!({"domain": "journey", "entityType": "outcomepredictor", "action": "add",
                                 "label": "Journey > Outcome Predictor > Add"}),
    );
    let catalog = org(&text).unwrap();
    assert_eq!(catalog.lookup("Journey > Outcome Predictor > Add"), Some(add));
    let policy = Policy::builder(&catalog)
        .role("r", ["Journey > Outcome Predictor > Add"])
        .unwrap()
        .build();
    assert!(policy.allows(policy.role("r").unwrap(), add));
}

#[test]
fn too_many_policies_in_one_role_leave_the_other_roles_loaded() {
    let policy = json!({"domain": "routing", "entityName": "queue", "actionSet": ["view"]});
    let error = sandwiched_bad(json!({"name": "bad", "permissionPolicies": vec![policy; MAX_POLICIES_PER_ROLE + 1]}));
    assert_eq!(
        error,
        JsonError::TooMany {
            path: "$[1].permissionPolicies".into(),
            max: MAX_POLICIES_PER_ROLE
        }
    );
}
