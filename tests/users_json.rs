//! Users (`GET /api/v2/users/{id}?expand=authorization`), subjects with the
//! published `actions` spelling, and readers that refuse documents of the
//! wrong kind. Fixtures are in `tests/fixtures/genesys/` (see its README).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use permgate::genesys::{RoleFile, SubjectSpec, UserAuthorization};
use permgate::{
    BuildError, Catalog, Decision, Division, Policy, genesys::JsonError, parse::GrantError, parse::ParseError, perm,
};
use serde_json::{Value, json};

const USERS_ME: &str = include_str!("fixtures/genesys/users-me.json");
const USERS_ME_AUTHORIZATION: &str = include_str!("fixtures/genesys/users-me-authorization.json");
const SUBJECTS_ME: &str = include_str!("fixtures/genesys/subjects-me.json");

/// The user id of the fixtures.
const ANA: &str = "7c1e9a52-3b4d-4f60-9e21-5a8b0c6d2f14";

/// `text` parsed, edited by `edit`, and written back.
fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(text).unwrap();
    edit(&mut value);
    value.to_string()
}

fn invalid(path: &str, problem: &str) -> JsonError {
    JsonError::Invalid {
        path: path.into(),
        problem: problem.into(),
    }
}

fn missing(path: &str, field: &'static str) -> JsonError {
    JsonError::MissingField {
        path: path.into(),
        field,
    }
}

fn wrong_kind(error: &JsonError) -> (&str, &'static str, &'static str) {
    match error {
        JsonError::WrongKind { path, expected, found } => (path, expected, found),
        other => panic!("expected WrongKind, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Users: the fixtures
// ---------------------------------------------------------------------------

#[test]
fn the_whole_user_and_its_authorization_alone_read_the_same() {
    let user = UserAuthorization::parse(USERS_ME).unwrap();
    assert_eq!(user.id.as_deref(), Some(ANA));
    assert_eq!(user.name.as_deref(), Some("Ana Lima"));
    let names: Vec<_> = user.roles.iter().map(|r| r.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["Agent", "Queue supervisor"]);
    assert_eq!(user.unused_roles[0].id.as_deref(), Some("r-reporting"));
    let keys: Vec<_> = user
        .permissions
        .iter()
        .map(|p| (p.key(), p.division().clone()))
        .collect();
    assert_eq!(
        keys,
        [
            ("routing:queue:view", Division::All),
            ("routing:queue:join", Division::new("d1")),
            ("routing:queue:edit", Division::new("d2")),
            ("conversation:email:*", Division::new("d1")),
            ("routing:wrapupCode:view", Division::All),
        ]
    );
    let segments: Vec<_> = user
        .permissions
        .iter()
        .map(|p| [p.domain(), p.entity(), p.action()])
        .collect();
    assert_eq!(segments[1], ["routing", "queue", "join"]);
    assert_eq!(segments[3], ["conversation", "email", "*"]);
    assert_eq!(segments[4], ["routing", "wrapupCode", "view"]);
    assert_eq!(user.legacy_permissions, ["employee", "admin"]);
    assert_eq!(user.policies.len(), 3);
    assert!(user.policies[2].condition.is_some());
    assert_eq!(user.divisions().collect::<Vec<_>>(), ["d1", "d2"]);

    let alone = UserAuthorization::parse(USERS_ME_AUTHORIZATION).unwrap();
    assert_eq!((alone.id.as_deref(), alone.name.as_deref()), (None, None));
    assert_eq!(alone.roles, user.roles);
    assert_eq!(alone.unused_roles, user.unused_roles);
    assert_eq!(alone.permissions, user.permissions);
    assert_eq!(alone.policies, user.policies);
    assert_eq!(alone.legacy_permissions, user.legacy_permissions);
}

#[test]
fn users_me_decides_per_division_as_computed_by_hand() {
    let user = UserAuthorization::parse(USERS_ME).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder.add_user_definition(&user.definition(None)).unwrap();
    let policy = builder.build();
    assert_eq!(policy.user(ANA), Some(ana));

    let d1 = policy.user_in(ana, "d1");
    let d2 = policy.user_in(ana, "d2");
    let d3 = policy.user_in(ana, "d3"); // no permission names it
    // (question, in d1, in d2, in d3, asked without a division)
    let table: [(&str, bool, bool, bool, bool); 10] = [
        // three-segment permission (and a policy): every division
        ("routing:queue:view", true, true, true, true),
        // four-segment: that division only
        ("routing:queue:join", true, false, false, false),
        ("routing:queue:edit", false, true, false, false),
        // a four-segment wildcard: the entity's actions, in d1
        ("conversation:email:accept", true, false, false, false),
        ("conversation:email:park", true, false, false, false),
        // a key no catalog knows, under the kept pattern, in d1
        ("conversation:email:newThing", true, false, false, false),
        // a four-segment permission in `*`: every division
        ("routing:wrapupCode:view", true, true, true, true),
        // only in `permissionPolicies`: every division
        ("journey:actionmap:view", true, true, true, true),
        // only a conditional policy gives it: never unconditionally
        ("routing:queue:search", false, false, false, false),
        // nothing gives it
        ("journey:actionmap:edit", false, false, false, false),
    ];
    for (question, in_d1, in_d2, in_d3, anywhere) in table {
        assert_eq!(policy.allows(d1, question), Ok(in_d1), "{question} in d1");
        assert_eq!(policy.allows(d2, question), Ok(in_d2), "{question} in d2");
        assert_eq!(policy.allows(d3, question), Ok(in_d3), "{question} in d3");
        assert_eq!(
            policy.allows(ana, question),
            Ok(anywhere),
            "{question} in every division"
        );
    }
    // Typed questions agree with string ones.
    assert!(policy.allows(d1, perm::routing::QUEUE_JOIN));
    assert!(!policy.allows(d2, perm::routing::QUEUE_JOIN));
    assert!(policy.allows(d1, perm::conversation::EMAIL_ACCEPT));
    assert!(!policy.allows(d2, perm::conversation::EMAIL_ACCEPT));
}

#[test]
fn a_conditional_policy_stays_conditional() {
    let user = UserAuthorization::parse(USERS_ME).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder.add_user_definition(&user.definition(None)).unwrap();
    let policy = builder.build();
    for who in [policy.user_in(ana, "d1"), policy.user_in(ana, "d2"), ana.into()] {
        assert!(!policy.allows(who, perm::routing::QUEUE_SEARCH));
        let Decision::AllowedIf(conditions) = policy.decide(who, perm::routing::QUEUE_SEARCH) else {
            panic!("expected AllowedIf");
        };
        assert_eq!(conditions.len(), 1);
        assert_eq!(conditions[0].to_string(), "Queue.id IN [QUEUE q-1]");
        assert_eq!(policy.decide(who, perm::routing::QUEUE_VIEW), Decision::Allowed);
        assert_eq!(policy.decide(who, "journey:actionmap:edit"), Ok(Decision::Denied));
    }
}

#[test]
fn legacy_names_are_reported_and_never_granted() {
    let user = UserAuthorization::parse(USERS_ME).unwrap();
    assert_eq!(user.legacy_permissions, ["employee", "admin"]);
    assert!(
        user.permissions
            .iter()
            .all(|p| p.key() != "admin" && p.key() != "employee")
    );
    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder.add_user_definition(&user.definition(None)).unwrap();
    let policy = builder.build();
    for who in [policy.user_in(ana, "d1"), ana.into()] {
        assert_eq!(policy.allows(who, "admin"), Ok(false));
        assert_eq!(policy.allows(who, "employee"), Ok(false));
    }
}

#[test]
fn permissions_and_policies_merge_and_either_alone_suffices() {
    let only_permissions = r#"{"permissions": ["routing:queue:view", "journey:report:view:d1"]}"#;
    let only_policies = r#"{"permissionPolicies": [
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["view", "edit"], "allowConditions": false}]}"#;
    let both = r#"{"permissions": ["routing:queue:view", "journey:report:view:d1"], "permissionPolicies": [
        {"domain": "journey", "entityName": "actionmap", "actionSet": ["view", "edit"], "allowConditions": false}]}"#;
    let mut builder = Policy::builder(Catalog::builtin());
    let mut add = |name: &str, text: &str| {
        let doc = UserAuthorization::parse(text).unwrap();
        builder.add_user_definition(&doc.definition(Some(name))).unwrap()
    };
    let (a, b, c) = (add("a", only_permissions), add("b", only_policies), add("c", both));
    let policy = builder.build();
    let questions = [
        perm::routing::QUEUE_VIEW,
        perm::journey::REPORT_VIEW,
        perm::journey::ACTIONMAP_VIEW,
        perm::journey::ACTIONMAP_EDIT,
    ];
    let held = |user| questions.map(|q| policy.allows(policy.user_in(user, "d1"), q));
    assert_eq!(held(a), [true, true, false, false]);
    assert_eq!(held(b), [false, false, true, true]);
    assert_eq!(held(c), [true, true, true, true]);
    // Outside d1 the four-segment permission is not held.
    assert!(!policy.allows(policy.user_in(c, "d2"), perm::journey::REPORT_VIEW));
    assert_eq!(policy.name(a), Some("a"));
}

#[test]
fn the_user_is_named_as_asked_else_by_id_else_by_name() {
    let whole = UserAuthorization::parse(USERS_ME).unwrap();
    let alone = UserAuthorization::parse(USERS_ME_AUTHORIZATION).unwrap();
    let nameless_id = UserAuthorization::parse(&edited(USERS_ME, |v| {
        v.as_object_mut().unwrap().remove("id");
    }))
    .unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let given = builder.add_user_definition(&whole.definition(Some("ana"))).unwrap();
    let by_id = builder.add_user_definition(&whole.definition(None)).unwrap();
    let by_name = builder.add_user_definition(&nameless_id.definition(None)).unwrap();
    assert_eq!(
        builder.add_user_definition(&alone.definition(None)),
        Err(BuildError::EmptyUserName)
    );
    assert_eq!(
        builder.add_user_definition(&whole.definition(Some(" "))),
        Err(BuildError::EmptyUserName)
    );
    assert_eq!(
        builder.add_user_definition(&alone.definition(Some("ana"))),
        Err(BuildError::DuplicateUser { user: "ana".into() })
    );
    let named = builder.add_user_definition(&alone.definition(Some("alone"))).unwrap();
    let policy = builder.build();
    assert_eq!(policy.name(given), Some("ana"));
    assert_eq!(policy.name(by_id), Some(ANA));
    assert_eq!(policy.name(by_name), Some("Ana Lima"));
    assert_eq!(policy.name(named), Some("alone"));
    // The same document gives the same answers under any name.
    for user in [given, by_id, by_name, named] {
        assert!(policy.allows(policy.user_in(user, "d1"), perm::routing::QUEUE_JOIN));
        assert!(!policy.allows(policy.user_in(user, "d2"), perm::routing::QUEUE_JOIN));
    }
}

// ---------------------------------------------------------------------------
// Users: bad input, each error at its JSON path
// ---------------------------------------------------------------------------

#[test]
fn a_user_without_authorization_is_an_error_never_no_or_all_permissions() {
    let not_expanded = JsonError::NotExpanded {
        path: "$".into(),
        field: "authorization",
    };
    let without = edited(USERS_ME, |v| {
        v.as_object_mut().unwrap().remove("authorization");
    });
    assert_eq!(UserAuthorization::parse(&without), Err(not_expanded.clone()));
    let null = edited(USERS_ME, |v| v["authorization"] = Value::Null);
    assert_eq!(UserAuthorization::parse(&null), Err(not_expanded.clone()));
    let message = not_expanded.to_string();
    assert!(message.starts_with("`$`: no `authorization`"), "{message}");
    assert!(message.contains("unknown"), "{message}");
    assert_eq!(not_expanded.path(), Some("$"));

    // An expansion without either list says nothing about what the user may do.
    let empty = edited(USERS_ME, |v| v["authorization"] = json!({"roles": []}));
    assert_eq!(
        UserAuthorization::parse(&empty),
        Err(invalid(
            "$.authorization",
            "neither `permissions` nor `permissionPolicies`: what the user may do is unknown"
        ))
    );
    // Empty lists are a user with no permissions: that is what they say.
    let none = edited(USERS_ME, |v| {
        v["authorization"] = json!({"permissions": [], "permissionPolicies": []})
    });
    let none = UserAuthorization::parse(&none).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let user = builder.add_user_definition(&none.definition(None)).unwrap();
    let policy = builder.build();
    assert_eq!(policy.permissions(policy.user_in(user, "d1")).count(), 0);
}

/// The fixture with `authorization.permissions[3]` replaced by `bad`.
fn with_permission_3(bad: &str) -> Result<UserAuthorization, JsonError> {
    UserAuthorization::parse(&edited(USERS_ME, |v| v["authorization"]["permissions"][3] = json!(bad)))
}

#[test]
fn a_malformed_permission_string_is_an_error_at_its_path() {
    const PATH: &str = "$.authorization.permissions[3]";
    assert_eq!(
        with_permission_3("conversation:email:*:"),
        Err(invalid(PATH, "empty division id in `conversation:email:*:`"))
    );
    assert_eq!(
        with_permission_3("conversation:email:*:d 1"),
        Err(invalid(PATH, "invalid division id `d 1` in `conversation:email:*:d 1`"))
    );
    assert_eq!(
        with_permission_3("conversation:email:*:d1:x"),
        Err(invalid(
            PATH,
            "`conversation:email:*:d1:x` has 5 segments; expected `domain:entity:action` or `domain:entity:action:divisionId`"
        ))
    );
    assert_eq!(
        with_permission_3("conversation:email"),
        Err(invalid(
            PATH,
            "`conversation:email` has 2 segments; expected `domain:entity:action` or `domain:entity:action:divisionId`"
        ))
    );
    // A four-segment string's key follows the role rules.
    assert_eq!(
        with_permission_3("*:email:view:d1"),
        Err(JsonError::Permission {
            path: PATH.into(),
            error: GrantError::DomainWildcard {
                input: "*:email:view".into()
            }
        })
    );
    assert!(matches!(
        with_permission_3("conversation:em*ail:view:d1"),
        Err(JsonError::Permission { path, error: GrantError::Malformed(ParseError::PartialWildcard { segment: "entity", .. }) }) if path == PATH
    ));
    assert!(matches!(
        with_permission_3("conversation::view"),
        Err(JsonError::Permission { path, error: GrantError::Malformed(ParseError::EmptySegment { segment: "entity", .. }) }) if path == PATH
    ));
    assert_eq!(
        with_permission_3(""),
        Err(JsonError::Permission {
            path: PATH.into(),
            error: GrantError::Malformed(ParseError::Empty)
        })
    );
    let error = UserAuthorization::parse(&edited(USERS_ME, |v| v["authorization"]["permissions"][3] = json!(7)));
    assert_eq!(
        error,
        Err(JsonError::WrongType {
            path: PATH.into(),
            expected: "a string",
            found: "a number"
        })
    );
    // The same string in the authorization object alone: the path is relative to it.
    let alone = edited(USERS_ME_AUTHORIZATION, |v| v["permissions"][3] = json!("a:b:c:"));
    assert_eq!(
        UserAuthorization::parse(&alone),
        Err(invalid("$.permissions[3]", "empty division id in `a:b:c:`"))
    );
}

/// The fixture with `authorization.permissionPolicies[1]` edited.
fn with_policy_1(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Result<UserAuthorization, JsonError> {
    UserAuthorization::parse(&edited(USERS_ME, |v| {
        edit(v["authorization"]["permissionPolicies"][1].as_object_mut().unwrap())
    }))
}

#[test]
fn a_bad_policy_is_an_error_at_its_path_never_a_wildcard() {
    assert_eq!(
        with_policy_1(|p| {
            p.insert("actionSet".into(), json!([]));
        }),
        Err(invalid(
            "$.authorization.permissionPolicies[1].actionSet",
            "empty action set"
        ))
    );
    assert_eq!(
        with_policy_1(|p| {
            p.remove("entityName");
        }),
        Err(missing("$.authorization.permissionPolicies[1]", "entityName"))
    );
    assert_eq!(
        with_policy_1(|p| {
            p.remove("actionSet");
        }),
        Err(missing("$.authorization.permissionPolicies[1]", "actionSet"))
    );
    assert!(matches!(
        with_policy_1(|p| { p.insert("domain".into(), json!("*")); }),
        Err(JsonError::Permission { path, error: GrantError::DomainWildcard { .. } })
            if path == "$.authorization.permissionPolicies[1].domain"
    ));
}

// ---------------------------------------------------------------------------
// Subjects: the published `actions`, and grants without policies
// ---------------------------------------------------------------------------

#[test]
fn subjects_me_decides_per_division_as_computed_by_hand() {
    let subject = SubjectSpec::parse(SUBJECTS_ME).unwrap();
    assert_eq!(subject.grants.len(), 3);
    assert_eq!(
        subject.grants[0].role.grants[0]
            .permissions
            .iter()
            .map(|k| k.rsplit(':').next().unwrap())
            .collect::<Vec<_>>(),
        ["join", "view"]
    );
    let divisions: Vec<_> = subject.grants.iter().map(|g| g.division.id()).collect();
    assert_eq!(divisions, ["d1", "d2", "*"]);

    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder.add_user_definition(&subject.definition()).unwrap();
    let policy = builder.build();
    let (d1, d2, d3) = (
        policy.user_in(ana, "d1"),
        policy.user_in(ana, "d2"),
        policy.user_in(ana, "d3"),
    );
    let table: [(&str, bool, bool, bool, bool); 6] = [
        ("routing:queue:view", true, true, false, false),
        ("routing:queue:join", true, false, false, false),
        ("routing:queue:edit", false, true, false, false),
        ("conversation:email:accept", true, false, false, false),
        ("conversation:email:newThing", true, false, false, false),
        ("journey:actionmap:view", false, false, false, false),
    ];
    for (question, in_d1, in_d2, in_d3, anywhere) in table {
        assert_eq!(policy.allows(d1, question), Ok(in_d1), "{question} in d1");
        assert_eq!(policy.allows(d2, question), Ok(in_d2), "{question} in d2");
        assert_eq!(policy.allows(d3, question), Ok(in_d3), "{question} in d3");
        assert_eq!(
            policy.allows(ana, question),
            Ok(anywhere),
            "{question} in every division"
        );
    }
}

#[test]
fn a_grant_whose_role_has_no_policies_is_reported() {
    let subject = SubjectSpec::parse(SUBJECTS_ME).unwrap();
    let empty: Vec<_> = subject
        .grants_without_policies()
        .map(|(n, grant)| (n, grant.role.name.as_str(), grant.division.clone()))
        .collect();
    assert_eq!(empty, [(2, "employee", Division::All)]);
    // `policies: []` and `policies: null` count too; a role with policies does not.
    let text = edited(SUBJECTS_ME, |v| {
        v["grants"][2]["role"]["policies"] = json!([]);
        v["grants"][1]["role"]["policies"] = Value::Null;
    });
    let subject = SubjectSpec::parse(&text).unwrap();
    let positions: Vec<_> = subject.grants_without_policies().map(|(n, _)| n).collect();
    assert_eq!(positions, [1, 2]);
    // It still loads (legal API output) and grants nothing.
    let mut builder = Policy::builder(Catalog::builtin());
    let ana = builder.add_user_definition(&subject.definition()).unwrap();
    let policy = builder.build();
    let employee = policy.role("employee").unwrap();
    assert_eq!(policy.permissions(employee).count(), 0);
    assert!(!policy.allows(policy.user_in(ana, "d2"), perm::routing::QUEUE_EDIT));
}

#[test]
fn subject_policies_accept_actions_or_action_set_not_both() {
    let policy_0 = |edit: fn(&mut serde_json::Map<String, Value>)| {
        SubjectSpec::parse(&edited(SUBJECTS_ME, |v| {
            edit(v["grants"][0]["role"]["policies"][0].as_object_mut().unwrap())
        }))
    };
    // `actionSet`, as earlier versions read subjects, still loads, the same.
    let renamed = policy_0(|p| {
        let actions = p.remove("actions").unwrap();
        p.insert("actionSet".into(), actions);
    })
    .unwrap();
    assert_eq!(renamed, SubjectSpec::parse(SUBJECTS_ME).unwrap());
    assert_eq!(
        policy_0(|p| {
            p.insert("actionSet".into(), json!(["view"]));
        }),
        Err(invalid(
            "$.grants[0].role.policies[0]",
            "both `actions` and `actionSet`; a policy has one action list"
        ))
    );
    assert_eq!(
        policy_0(|p| {
            p.remove("actions");
        }),
        Err(missing("$.grants[0].role.policies[0]", "actions"))
    );
    assert_eq!(
        policy_0(|p| {
            p.insert("actions".into(), json!([]));
        }),
        Err(invalid("$.grants[0].role.policies[0].actions", "empty action set"))
    );
    assert_eq!(
        policy_0(|p| {
            p.remove("entityName");
        }),
        Err(missing("$.grants[0].role.policies[0]", "entityName"))
    );
    // A condition string cannot be evaluated: refused, not ignored.
    let error = policy_0(|p| {
        p.insert("condition".into(), json!("queue.id == 'q-1'"));
    })
    .unwrap_err();
    assert_eq!(error.path(), Some("$.grants[0].role.policies[0].condition"));
    assert!(error.to_string().contains("cannot evaluate"), "{error}");
    // A blank one says nothing.
    assert!(
        policy_0(|p| {
            p.insert("condition".into(), json!(""));
        })
        .is_ok()
    );
}

// ---------------------------------------------------------------------------
// Documents of the wrong kind
// ---------------------------------------------------------------------------

const A_ROLE: &str = r#"{"id": "r-1", "name": "agent", "permissionPolicies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]}"#;

#[test]
fn the_role_reader_refuses_users_subjects_and_unrelated_objects() {
    let cases = [
        (USERS_ME, "a user (it has `authorization`)"),
        (
            USERS_ME_AUTHORIZATION,
            "a user's `authorization` object (it has `roles` or `unusedRoles`)",
        ),
        (SUBJECTS_ME, "a subject (it has `grants`)"),
        (
            r#"{"id": "u-1", "name": "Ana", "username": "ana@example.com"}"#,
            "a user without `authorization` (it has `username` or `email`)",
        ),
        (
            r#"{"name": "my-frontend", "version": "1.0.0"}"#,
            "an object with none of the fields that say what it is",
        ),
    ];
    for (text, found) in cases {
        let error = RoleFile::parse(text).unwrap_err();
        assert_eq!(
            wrong_kind(&error),
            (
                "$",
                "a role (an object with `permissionPolicies`, `policies` or `permissions`)",
                found
            )
        );
        assert_eq!(error.path(), Some("$"));
    }
    let message = RoleFile::parse(r#"{"name": "my-frontend", "version": "1.0.0"}"#)
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("`$`: expected a role"), "{message}");
}

#[test]
fn in_an_array_or_a_listing_a_wrong_kind_is_that_items_error() {
    let user: Value = serde_json::from_str(USERS_ME).unwrap();
    let good: Value = serde_json::from_str(A_ROLE).unwrap();
    let other = json!({"name": "my-frontend", "version": "1.0.0"});
    let listing = json!({"entities": [good, user, other], "pageSize": 25});
    let file = RoleFile::parse(&listing.to_string()).unwrap();
    assert_eq!(file.roles.len(), 1);
    assert_eq!(file.roles[0].name, "agent");
    assert_eq!(file.errors.len(), 2);
    assert_eq!(
        (file.errors[0].position, file.errors[0].name.as_deref()),
        (1, Some("Ana Lima"))
    );
    assert_eq!(wrong_kind(&file.errors[0].error).0, "$.entities[1]");
    assert_eq!(wrong_kind(&file.errors[0].error).2, "a user (it has `authorization`)");
    assert_eq!(wrong_kind(&file.errors[1].error).0, "$.entities[2]");
    let array = RoleFile::parse(&json!([other, good]).to_string()).unwrap();
    assert_eq!(array.roles.len(), 1);
    assert_eq!(wrong_kind(&array.errors[0].error).0, "$[0]");
}

#[test]
fn a_role_with_only_a_name_and_empty_policies_stays_valid() {
    for text in [
        r#"{"name": "empty", "permissionPolicies": []}"#,
        r#"{"name": "empty", "permissions": []}"#,
        r#"{"name": "empty", "policies": []}"#,
    ] {
        let file = RoleFile::parse(text).unwrap();
        assert!(file.errors.is_empty(), "{text}: {:?}", file.errors);
        assert_eq!(file.roles[0].name, "empty");
    }
    // A nameless role is still a bad role, not a wrong kind.
    let file = RoleFile::parse(r#"{"permissionPolicies": []}"#).unwrap();
    assert_eq!(file.errors[0].error, missing("$", "name"));
}

#[test]
fn the_subject_reader_refuses_roles_and_users() {
    let expected = "a subject (an object with `grants`)";
    let cases = [
        (
            A_ROLE,
            "a role (it has `permissionPolicies`, `policies` or `permissions`)",
        ),
        (USERS_ME, "a user (it has `authorization`)"),
        (
            USERS_ME_AUTHORIZATION,
            "a user's `authorization` object (it has `roles` or `unusedRoles`)",
        ),
        (
            r#"{"id": "u-1", "email": "ana@example.com"}"#,
            "a user without `authorization` (it has `username` or `email`)",
        ),
    ];
    for (text, found) in cases {
        let error = SubjectSpec::parse(text).unwrap_err();
        assert_eq!(wrong_kind(&error), ("$", expected, found), "{text}");
    }
    // An object of no kind it can name is missing its `grants`, as before.
    assert_eq!(
        SubjectSpec::parse(r#"{"name": "my-frontend", "version": "1.0.0"}"#),
        Err(missing("$", "grants"))
    );
}

#[test]
fn the_users_reader_refuses_roles_and_subjects() {
    let expected =
        "a user with `authorization` (`GET /api/v2/users/{id}?expand=authorization`) or that `authorization` object";
    let cases = [
        (
            A_ROLE,
            "a role (it has `permissionPolicies`, `policies` or `permissions`)",
        ),
        (SUBJECTS_ME, "a subject (it has `grants`)"),
        (r#"{"entities": []}"#, "a listing (it has `entities`)"),
        (
            r#"{"name": "my-frontend", "version": "1.0.0"}"#,
            "an object with none of the fields that say what it is",
        ),
    ];
    for (text, found) in cases {
        let error = UserAuthorization::parse(text).unwrap_err();
        assert_eq!(wrong_kind(&error), ("$", expected, found), "{text}");
    }
    assert_eq!(
        UserAuthorization::parse("[]"),
        Err(JsonError::WrongType {
            path: "$".into(),
            expected: "an object",
            found: "an array"
        })
    );
}

// ---------------------------------------------------------------------------
// Role and subject fixtures elsewhere in the codebase still load
// ---------------------------------------------------------------------------

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn existing_role_and_subject_fixtures_are_not_of_a_wrong_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roles = json_files(&root.join("fuzz/seeds/role_json"));
    let shared = root.join("../shared/data/genesys-cloud/roles/lbp-agent.json");
    if shared.exists() {
        roles.push(shared);
    } else {
        eprintln!("skipped: {} is absent", shared.display());
    }
    assert!(roles.len() >= 4);
    for path in roles {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = RoleFile::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!file.roles.is_empty(), "{}", path.display());
        for error in &file.errors {
            assert!(
                !matches!(error.error, JsonError::WrongKind { .. }),
                "{}: {error}",
                path.display()
            );
        }
    }
    for path in json_files(&root.join("fuzz/seeds/subject_json")) {
        let text = std::fs::read_to_string(&path).unwrap();
        SubjectSpec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
