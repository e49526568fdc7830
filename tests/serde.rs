//! Feature `serde`: the JSON of the crate's data, shape by shape, and what reads back.
//!
//! `cargo test --all-features` (or `--features serde`) runs it; without the feature it
//! compiles to nothing.

#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::RoleFile;
use permgate::{
    Catalog, Decision, Division, Gate, Permission, Policy, Release, condition::Condition, condition::Operand,
    condition::OperandKind, condition::Operator, explain::By, gate, gates::ActionMapAnalyticsReport, perm,
};
use serde_json::{Value, json};

gate! {
    /// A service's gate: queues, and join or search.
    pub QueuePanel {
        description: "See queues, and join or search them.",
        required: [perm::routing::QUEUE_VIEW],
        any_of: [[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
    }
}

fn value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

const QUEUE_TERM: &str =
    r#"{"variableName": "Queue.id", "operator": "IN", "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}"#;

/// A role with a wildcard, a grant it covers, a conditional grant, a legacy name, an unknown key.
fn supervisor() -> Policy {
    let text = format!(
        r#"{{"name": "supervisor", "permissions": ["old_flat"], "permissionPolicies": [
          {{"domain": "journey", "entityName": "actionmap", "actionSet": ["*"]}},
          {{"domain": "journey", "entityName": "actionmap", "actionSet": ["view"]}},
          {{"domain": "ui", "entityName": "agentQueueActivity", "actionSet": ["view"]}},
          {{"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
            "resourceConditionNode": {QUEUE_TERM}}}]}}"#
    );
    let file = RoleFile::parse(&text).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role_definition(&file.roles[0]).unwrap();
    builder.build()
}

#[test]
fn permissions_are_their_keys_and_read_back_in_any_spelling() {
    assert_eq!(value(&perm::journey::ACTIONMAP_VIEW), json!("journey:actionmap:view"));
    let read: Permission = serde_json::from_str(r#""Journey > Action Map > View""#).unwrap();
    assert_eq!(read, perm::journey::ACTIONMAP_VIEW);
    let read: Vec<Permission> = serde_json::from_str(r#"["ROUTING:QUEUE:VIEW", "routing:queue:join"]"#).unwrap();
    assert_eq!(read, [perm::routing::QUEUE_VIEW, perm::routing::QUEUE_JOIN]);
    for refused in [r#""journey:*:*""#, r#""journey:nothing:view""#, r#""""#, "7"] {
        assert!(serde_json::from_str::<Permission>(refused).is_err(), "{refused}");
    }
}

#[test]
fn releases_and_divisions_are_strings() {
    assert_eq!(value(&Release::new(3, 15)), json!("3.15"));
    assert_eq!(value(&Release::with_patch(3, 15, 2)), json!("3.15.2"));
    assert_eq!(
        serde_json::from_str::<Release>(r#""R3.16""#).unwrap(),
        Release::new(3, 16)
    );
    assert!(serde_json::from_str::<Release>(r#""three""#).is_err());
    assert_eq!(value(&Division::All), json!("*"));
    assert_eq!(value(&Division::new("d-east")), json!("d-east"));
    assert_eq!(serde_json::from_str::<Division>(r#""*""#).unwrap(), Division::All);
    assert_eq!(
        serde_json::from_str::<Division>(r#""d-east""#).unwrap(),
        Division::new("d-east")
    );
    assert!(serde_json::from_str::<Division>(r#"" ""#).is_err());
}

#[test]
fn conditions_are_resource_condition_nodes_checked_as_they_are_read() {
    let node: Value = serde_json::from_str(
        r#"{"conjunction": "AND", "terms": [
          {"variableName": "Queue.id", "operator": "IN", "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]},
          {"variableName": "Conversation.owner", "operator": "EQ", "operands": [{"type": "USER", "user": {"id": "u-1"}}]},
          {"variableName": "Team.id", "operator": "EQ", "operands": [{"type": "TEAM", "team": {"id": "t-1"}}]},
          {"variableName": "Score", "operator": "GE", "operands": [{"type": "SCALAR", "value": "3"}]}]}"#,
    )
    .unwrap();
    let condition: Condition = serde_json::from_value(node.clone()).unwrap();
    assert_eq!(
        condition.to_string(),
        "(Queue.id IN [QUEUE q-1] AND Conversation.owner EQ USER u-1 AND Team.id EQ TEAM t-1 AND Score GE SCALAR 3)"
    );
    assert_eq!(value(&condition), node);
    assert_eq!(
        value(&condition),
        serde_json::to_value(permgate::genesys::wire::ResourceConditionNode::from(&condition)).unwrap()
    );

    for (refused, why) in [
        (
            r#"{"conjunction": "XOR", "terms": [{"variableName": "v", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "1"}]}]}"#,
            "unknown conjunction `XOR`",
        ),
        (
            r#"{"variableName": "v", "operator": "LIKE", "operands": [{"type": "SCALAR", "value": "1"}]}"#,
            "unknown operator `LIKE`",
        ),
        (r#"{"conjunction": "AND", "terms": []}"#, "at least one term"),
        (r#"{"variableName": "v", "operator": "EQ"}"#, "missing field `operands`"),
        (r#"[{"variableName": "v"}]"#, "expected an object"),
    ] {
        let error = serde_json::from_str::<Condition>(refused).unwrap_err().to_string();
        assert!(error.contains(why), "{refused}: {error}");
    }
    // An operand type this version does not know is kept, as read.
    let group: Condition = serde_json::from_str(
        r#"{"variableName": "v", "operator": "EQ", "operands": [{"type": "GROUP", "value": "g"}]}"#,
    )
    .unwrap();
    let Condition::Term { operands, .. } = &group else {
        panic!("{group:?}")
    };
    assert_eq!(operands[0].kind, OperandKind::Other("GROUP".into()));

    assert_eq!(value(&Operator::In), json!("IN"));
    assert_eq!(serde_json::from_str::<Operator>(r#""GE""#).unwrap(), Operator::Ge);
    assert!(serde_json::from_str::<Operator>(r#""ge""#).is_err());
    assert_eq!(value(&OperandKind::Team), json!("TEAM"));
    assert_eq!(
        value(&Operand::new(OperandKind::User, "u-1")),
        json!({"type": "USER", "user": {"id": "u-1"}})
    );
    assert_eq!(
        serde_json::from_str::<Operand>(r#"{"type": "SCALAR", "value": "3"}"#).unwrap(),
        Operand::new(OperandKind::Scalar, "3")
    );
}

#[test]
fn decisions_are_tagged() {
    let policy = supervisor();
    let role = policy.role("supervisor").unwrap();
    assert_eq!(
        value(&policy.decide(role, perm::journey::ACTIONMAP_EDIT)),
        json!({"decision": "allowed"})
    );
    assert_eq!(
        value(&policy.decide(role, perm::routing::QUEUE_VIEW)),
        json!({"decision": "denied"})
    );
    let node: Value = serde_json::from_str(QUEUE_TERM).unwrap();
    assert_eq!(
        value(&policy.decide(role, perm::routing::QUEUE_EDIT)),
        json!({"decision": "allowed_if", "conditions": [node]})
    );
    assert!(matches!(
        policy.decide(role, perm::routing::QUEUE_EDIT),
        Decision::AllowedIf(_)
    ));
}

#[test]
fn explanations_are_their_decision_beside_their_reasons() {
    let policy = supervisor();
    let role = policy.role("supervisor").unwrap();
    assert_eq!(
        value(&policy.explain(role, perm::journey::ACTIONMAP_VIEW)),
        json!({
            "permission": "journey:actionmap:view",
            "decision": "allowed",
            "reasons": [
                {"role": "supervisor", "named_role": true, "division": null,
                 "by": "permission", "permission": "journey:actionmap:view", "condition": null},
                {"role": "supervisor", "named_role": true, "division": null,
                 "by": "wildcard", "wildcard": "journey:actionmap:*", "condition": null},
            ],
            "elsewhere": [],
        })
    );
    let node: Value = serde_json::from_str(QUEUE_TERM).unwrap();
    assert_eq!(
        value(&policy.explain(role, perm::routing::QUEUE_EDIT)),
        json!({
            "permission": "routing:queue:edit",
            "decision": "allowed_if",
            "conditions": [node],
            "reasons": [{"role": "supervisor", "named_role": true, "division": null,
                         "by": "permission", "permission": "routing:queue:edit", "condition": node}],
            "elsewhere": [],
        })
    );
    assert_eq!(
        value(&policy.explain(role, perm::routing::QUEUE_VIEW)),
        json!({"permission": "routing:queue:view", "decision": "denied", "reasons": [], "elsewhere": []})
    );
    let unknown = policy.explain(role, "ui:agentQueueActivity:view").unwrap();
    assert_eq!(
        value(&unknown)["reasons"],
        json!([{"role": "supervisor", "named_role": true, "division": null,
                "by": "unknown_key", "key": "ui:agentQueueActivity:view", "condition": null}])
    );

    // A user's grant names its division; the others of `By` are tagged alike.
    let mut builder = Policy::builder(Catalog::builtin());
    let viewer = builder.add_role("viewer", ["routing:queue:view"]).unwrap();
    let ana = builder.add_user("ana", [(viewer, Division::new("d-east"))]).unwrap();
    let policy = builder.build();
    let explanation = value(&policy.explain(ana, perm::routing::QUEUE_VIEW));
    assert_eq!(explanation["decision"], "denied");
    assert_eq!(explanation["reasons"], json!([]));
    assert_eq!(
        explanation["elsewhere"],
        json!([{"role": "viewer", "named_role": true, "division": "d-east",
                "by": "permission", "permission": "routing:queue:view", "condition": null}])
    );
    assert_eq!(value(&By::EveryAction), json!({"by": "every_action"}));
    assert_eq!(
        value(&By::EveryActionWithOthers(vec![perm::routing::QUEUE_VIEW])),
        json!({"by": "every_action_with_others", "actions": ["routing:queue:view"]})
    );
}

#[test]
fn a_denial_lists_what_is_missing_by_key() {
    let policy = Policy::builder(Catalog::builtin())
        .role("viewer", ["journey:actionmap:view"])
        .unwrap()
        .role("none", ["routing:wrapupCode:view"])
        .unwrap()
        .build();
    let denied = policy
        .check::<ActionMapAnalyticsReport>(policy.role("viewer").unwrap())
        .unwrap_err();
    assert_eq!(
        value(&denied),
        json!({
            "gate": "ActionMapAnalyticsReport",
            "principal": "viewer",
            "division": null,
            "release": null,
            "applies_from": null,
            "missing": ["journey:report:view"],
            "unmet_any_of": [],
            "removed_from_platform": [],
            "feature_removed": false,
            "foreign": [],
            "unlisted_entities": [],
        })
    );
    let denied = policy.check::<QueuePanel>(policy.role("none").unwrap()).unwrap_err();
    assert_eq!(
        value(&denied),
        json!({
            "gate": "QueuePanel",
            "principal": "none",
            "division": null,
            "release": null,
            "applies_from": null,
            "missing": ["routing:queue:view"],
            "unmet_any_of": [["routing:queue:join", "routing:queue:search"]],
            "removed_from_platform": [],
            "feature_removed": false,
            "foreign": [],
            "unlisted_entities": [],
        })
    );
}

#[test]
fn gates_are_their_requirements() {
    assert_eq!(
        value(QueuePanel::INFO),
        json!({
            "name": "QueuePanel",
            "description": "See queues, and join or search them.",
            "document": null,
            "extends": null,
            "release": null,
            "required": ["routing:queue:view"],
            "any_of": [["routing:queue:join", "routing:queue:search"]],
            "roadmap": [],
        })
    );
    let ami = value(permgate::builtins::gate("AmiStandardUser").unwrap());
    assert_eq!(ami["document"], "ami-r3");
    assert_eq!(ami["release"], "3.15");
    assert!(
        ami["roadmap"]
            .as_array()
            .unwrap()
            .contains(&json!({"permission": "conversation:email:park", "release": "3.16"})),
        "{ami}"
    );
}

#[test]
fn audits_are_their_fields_with_pairs_as_objects() {
    let policy = supervisor();
    let role = policy.role("supervisor").unwrap();
    let mut audit = value(&policy.audit(role).unwrap());
    let gates = audit.as_object_mut().unwrap().remove("gates").unwrap();
    let node: Value = serde_json::from_str(QUEUE_TERM).unwrap();
    let actionmap = [
        "journey:actionmap:add",
        "journey:actionmap:delete",
        "journey:actionmap:edit",
        "journey:actionmap:view",
    ];
    assert_eq!(
        audit,
        json!({
            "role": "supervisor",
            "permissions": actionmap,
            "unknown": ["ui:agentQueueActivity:view"],
            "wildcards": [{"wildcard": "journey:actionmap:*", "permissions": actionmap}],
            "redundant": [{"grant": "journey:actionmap:view", "wildcard": "journey:actionmap:*"}],
            "conditional": [{"permissions": ["routing:queue:edit"], "beyond_catalog": [], "condition": node}],
            "legacy": ["old_flat"],
            // One product license, with each document that states it in its own words.
            "licenses": [{
                "license": "Predictive Engagement",
                "documents": [
                    {"document": "altocloud", "license": "Altocloud"},
                    {"document": "predictive-engagement", "license": "Predictive Engagement"}
                ],
                "permissions": actionmap
            }],
            "deprecated": [],
            "removed": [],
            "unlisted_entities": [],
        })
    );
    let gates = gates.as_array().unwrap();
    assert_eq!(gates.len(), permgate::builtins::gates().len());
    assert!(
        gates.contains(&json!({"gate": "ActionMapEditor", "satisfied": true})),
        "{gates:?}"
    );
    assert!(gates.contains(&json!({"gate": "ActionMapAnalyticsReport", "satisfied": false})));

    // A user: each grant with its division and role audit, each gate with where it is met.
    let mut builder = Policy::builder(Catalog::builtin());
    let maps = builder.add_role("maps", ["journey:actionmap:*"]).unwrap();
    let ana = builder.add_user("ana", [(maps, Division::new("d-east"))]).unwrap();
    let policy = builder.build();
    let audit = value(&policy.audit_user(ana).unwrap());
    assert_eq!(audit["user"], "ana");
    assert_eq!(audit["grants"][0]["role"], "maps");
    assert_eq!(audit["grants"][0]["named_role"], true);
    assert_eq!(audit["grants"][0]["division"], "d-east");
    assert_eq!(audit["grants"][0]["audit"]["permissions"], json!(actionmap));
    let gates = audit["gates"].as_array().unwrap();
    assert!(
        gates.contains(&json!({"gate": "ActionMapEditor", "permitted": ["d-east"]})),
        "{gates:?}"
    );
    assert!(gates.contains(&json!({"gate": "ActionMapAnalyticsReport", "permitted": []})));
}

#[test]
fn removed_permissions_carry_their_last_sdk_release() {
    let removed = perm::widgets::DEPLOYMENT_VIEW;
    let last = removed.history().unwrap().last();
    let policy = Policy::builder(Catalog::builtin())
        .role("old", ["widgets:deployment:view"])
        .unwrap()
        .build();
    let audit = value(&policy.audit(policy.role("old").unwrap()).unwrap());
    assert_eq!(
        audit["removed"],
        json!([{"permission": "widgets:deployment:view",
                "last_release": {"version": last.to_string(), "date": last.date()}}])
    );
}

#[test]
fn who_can_lists_roles_and_users_with_their_divisions_and_grants() {
    use permgate::who_can::Within;
    let node: Value = serde_json::from_str(QUEUE_TERM).unwrap();
    let condition: Condition = serde_json::from_value(node.clone()).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let admin = builder.add_role("queue admin", ["routing:queue:*"]).unwrap();
    let mut editor = permgate::RoleDefinition::new("queue editor");
    editor.grants.push(permgate::definition::GrantGroup::new(
        ["routing:queue:edit"],
        Some(condition),
    ));
    let editor = builder.add_role_definition(&editor).unwrap();
    builder.add_role("maps", ["journey:actionmap:view"]).unwrap();
    builder.add_user("ana", [(admin, Division::new("d-east"))]).unwrap();
    builder.add_user("bob", [(editor, Division::All)]).unwrap();
    let policy = builder.build();
    let who = policy.who_can(perm::routing::QUEUE_EDIT, Within::AnyDivision);
    assert_eq!(
        value(&who),
        json!({
            "permission": "routing:queue:edit",
            "roles": [
                {"name": "queue admin", "decision": "allowed"},
                {"name": "queue editor", "decision": "allowed_if", "conditions": [node]},
            ],
            "users": [
                {"name": "ana", "decision": "allowed", "divisions": ["d-east"],
                 "grants": [{"role": "queue admin", "named_role": true, "division": "d-east", "condition": null}]},
                {"name": "bob", "decision": "allowed_if", "conditions": [node], "divisions": [],
                 "grants": [{"role": "queue editor", "named_role": true, "division": "*", "condition": node}]},
            ],
        })
    );
}
