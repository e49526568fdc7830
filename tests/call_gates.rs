//! Gates composed from calls (`gate!` with `calls`): the composition rules
//! (ALL lists joined, ANY lists kept as groups, no permission adds nothing,
//! an unverifiable call refuses everyone), the denial by call, and, for
//! random roles, a calls gate against an independent reference: it passes
//! iff `Policy::may_call` allows every one of its calls unconditionally.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use permgate::operation::{Operation, Requirement};
use permgate::{Catalog, Gate, Policy, gate, perm};
use proptest::prelude::*;

gate! {
    /// Two ANY calls: list queues, add members.
    pub QueuePanel {
        description: "List queues and add members.",
        calls: ["GET /api/v2/routing/queues", "POST /api/v2/routing/queues/{queueId}/members"],
    }
}

gate! {
    /// Two ALL calls sharing `routing:queue:view`, and the operation name spelling.
    pub DecisionTables {
        description: "Create decision tables and read comparison periods.",
        calls: ["postBusinessrulesDecisiontables", "GET /api/v2/routing/queues/{queueId}/comparisonperiods"],
    }
}

gate! {
    /// A call needing no permission beside an ALL call.
    pub MyQueues {
        description: "My queues and the wrap-up codes.",
        calls: ["GET /api/v2/routing/queues/me", "GET /api/v2/routing/wrapupcodes"],
    }
}

gate! {
    /// An ANY list with `admin` (unchecked), the same ANY list twice, and
    /// permissions of the gate's own beside the calls.
    pub UserAdmin {
        description: "Delete users, twice over, and see queues.",
        calls: ["DELETE /api/v2/users/{userId}", "deleteUser", "GET /api/v2/routing/queues/{queueId}"],
        required: [perm::routing::QUEUE_VIEW, perm::directory::USER_VIEW],
        any_of: [[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
    }
}

gate! {
    /// A call whose requirement permgate cannot check.
    pub Documents {
        description: "Read a content management document, and list queues.",
        calls: ["GET /api/v2/routing/queues", "GET /api/v2/contentmanagement/documents/{documentId}"],
    }
}

gate! {
    /// Only calls needing nothing.
    pub Nothing {
        description: "My queues.",
        calls: ["GET /api/v2/routing/queues/me"],
    }
}

fn keys(list: &[permgate::Permission<'static>]) -> Vec<&'static str> {
    list.iter().map(|p| p.key()).collect()
}

#[test]
fn all_lists_are_joined_and_any_lists_kept_as_groups() {
    // ANY calls: one group each, nothing required.
    assert!(QueuePanel::INFO.required.is_empty());
    let groups: Vec<Vec<&str>> = QueuePanel::INFO.any_of.iter().map(|g| keys(g)).collect();
    assert_eq!(
        groups,
        [
            vec!["routing:queue:view"],
            vec!["routing:queue:edit", "routing:queueMember:manage"]
        ]
    );
    // ALL calls: joined, each permission once, in the calls' order.
    assert_eq!(
        keys(DecisionTables::INFO.required),
        [
            "businessrules:decisionTable:add",
            "businessrules:businessRulesSchema:view",
            "routing:queue:view",
            "routing:comparisonPeriod:view"
        ]
    );
    assert!(DecisionTables::INFO.any_of.is_empty());
    // No permission: adds nothing.
    assert_eq!(keys(MyQueues::INFO.required), ["routing:wrapupCode:view"]);
    assert!(Nothing::INFO.required.is_empty() && Nothing::INFO.any_of.is_empty());
    // The gate's own permissions first, the calls' after, each once; the
    // same ANY list twice is one group; `admin` is never a member.
    assert_eq!(
        keys(UserAdmin::INFO.required),
        ["routing:queue:view", "directory:user:view"]
    );
    let groups: Vec<Vec<&str>> = UserAdmin::INFO.any_of.iter().map(|g| keys(g)).collect();
    assert_eq!(
        groups,
        [
            vec!["routing:queue:join", "routing:queue:search"],
            vec!["directory:user:delete", "directory:organization:admin"]
        ]
    );
    // The calls, as declared (a call named twice is listed twice).
    let names: Vec<&str> = UserAdmin::INFO.calls.iter().map(|op| op.name).collect();
    assert_eq!(names, ["deleteUser", "deleteUser", "getRoutingQueue"]);
}

#[test]
fn a_call_that_needs_nothing_passes_any_known_principal() {
    let policy = Policy::builder(Catalog::builtin())
        .role("empty", Vec::<&str>::new())
        .unwrap()
        .build();
    let empty = policy.role("empty").unwrap();
    assert!(policy.check::<Nothing>(empty).is_ok());
    assert!(policy.check::<MyQueues>(empty).is_err());
}

#[test]
fn an_unverifiable_call_refuses_everyone_and_is_named() {
    let policy = Policy::builder(Catalog::builtin())
        .role("all", ["routing:queue:view"])
        .unwrap()
        .role("wide", ["routing:*:*", "directory:*:*"])
        .unwrap()
        .build();
    for name in ["all", "wide"] {
        let who = policy.role(name).unwrap();
        let denied = policy.check::<Documents>(who).unwrap_err();
        assert!(denied.missing().is_empty() && denied.unmet_any_of().is_empty());
        assert!(!denied.feature_removed());
        let [call] = denied.calls() else { panic!("{denied:?}") };
        assert_eq!(call.operation().name, "getContentmanagementDocument");
        assert_eq!(call.never_allowed(), Some(permgate::gate::NeverAllowed::Unverifiable));
        let text = denied.to_string();
        assert!(
            text.contains(
                "call `GET /api/v2/contentmanagement/documents/{documentId}` (getContentmanagementDocument) \
                 can never be allowed: it requires `content_management_user`, which permgate cannot check"
            ),
            "{text}"
        );
        // The documented key set refuses it too.
        let documented = permgate::gate::CheckOptions::at(None).documented();
        assert!(policy.check_info(who, Documents::INFO, documented).is_err());
    }
}

#[test]
fn a_denial_names_the_failing_call_only() {
    let policy = Policy::builder(Catalog::builtin())
        .role("viewer", ["routing:queue:view"])
        .unwrap()
        .role("manager", ["routing:queueMember:manage"])
        .unwrap()
        .build();
    // Only the second call fails: the denial names it and not the first.
    let denied = policy.check::<QueuePanel>(policy.role("viewer").unwrap()).unwrap_err();
    let names: Vec<&str> = denied.calls().iter().map(|c| c.operation().name).collect();
    assert_eq!(names, ["postRoutingQueueMembers"]);
    let call = &denied.calls()[0];
    assert_eq!(
        (call.operation().method.as_str(), call.operation().path),
        ("POST", "/api/v2/routing/queues/{queueId}/members")
    );
    assert!(call.missing().is_empty());
    assert_eq!(
        keys(call.unmet_any_of().unwrap()),
        ["routing:queue:edit", "routing:queueMember:manage"]
    );
    let text = denied.to_string();
    assert!(text.contains("by call:\n  - call `POST /api/v2/routing/queues/{queueId}/members`"));
    assert!(!text.contains("GET /api/v2/routing/queues`"), "{text}");
    // Only the first fails now.
    let denied = policy.check::<QueuePanel>(policy.role("manager").unwrap()).unwrap_err();
    let names: Vec<&str> = denied.calls().iter().map(|c| c.operation().name).collect();
    assert_eq!(names, ["getRoutingQueues"]);
    // ALL calls: each names what it misses of the joined set.
    let denied = policy
        .check::<DecisionTables>(policy.role("viewer").unwrap())
        .unwrap_err();
    let misses: Vec<(&str, Vec<&str>)> = (denied.calls().iter())
        .map(|c| (c.operation().name, keys(c.missing())))
        .collect();
    assert_eq!(
        misses,
        [
            (
                "postBusinessrulesDecisiontables",
                vec![
                    "businessrules:decisionTable:add",
                    "businessrules:businessRulesSchema:view"
                ]
            ),
            (
                "getRoutingQueueComparisonperiods",
                vec!["routing:comparisonPeriod:view"]
            ),
        ]
    );
    // A gate of permissions only names no call.
    let denied = policy
        .check::<permgate::gates::ActionMapEditor>(policy.role("viewer").unwrap())
        .unwrap_err();
    assert!(denied.calls().is_empty());
}

/// The concrete path of a template: each parameter an id.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|segment| if segment.starts_with('{') { "id-1" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every permission the gates name, and a few they do not.
fn universe() -> Vec<&'static str> {
    let mut keys = BTreeSet::new();
    for info in [
        QueuePanel::INFO,
        DecisionTables::INFO,
        MyQueues::INFO,
        UserAdmin::INFO,
        Documents::INFO,
        Nothing::INFO,
    ] {
        for op in info.calls {
            keys.extend(op.requirement.permissions().iter().map(|p| p.key()));
        }
        keys.extend(info.required.iter().map(|p| p.key()));
        keys.extend(info.any_of.iter().flat_map(|g| g.iter()).map(|p| p.key()));
    }
    keys.extend(["routing:queue:add", "journey:actionmap:view"]);
    keys.into_iter().collect()
}

/// The reference: every call allowed unconditionally by `may_call` on its
/// concrete path, and the gate's own permissions held one by one.
fn reference(
    policy: &Policy,
    who: permgate::RoleId,
    info: &permgate::gate::GateInfo,
    own: &[&str],
    own_any: &[&[&str]],
) -> bool {
    let calls = info.calls.iter().all(|op: &&Operation| {
        let answer = policy.may_call(who, op.method, &concrete(op.path)).unwrap();
        assert!(
            std::ptr::eq(answer.operation(), *op),
            "{} matched another operation",
            op.path
        );
        answer.is_allowed()
    });
    let allows = |key: &str| policy.allows(who, key).unwrap();
    calls && own.iter().all(|k| allows(k)) && own_any.iter().all(|group| group.iter().any(|k| allows(k)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_calls_gate_passes_iff_may_call_allows_every_call(mask in proptest::collection::vec(any::<bool>(), 32)) {
        let universe = universe();
        let held: Vec<&str> = universe.iter().zip(mask.iter().cycle()).filter(|(_, h)| **h).map(|(k, _)| *k).collect();
        let policy = Policy::builder(Catalog::builtin()).role("r", held.clone()).unwrap().build();
        let who = policy.role("r").unwrap();
        prop_assert_eq!(policy.check::<QueuePanel>(who).is_ok(), reference(&policy, who, QueuePanel::INFO, &[], &[]));
        prop_assert_eq!(policy.check::<DecisionTables>(who).is_ok(), reference(&policy, who, DecisionTables::INFO, &[], &[]));
        prop_assert_eq!(policy.check::<MyQueues>(who).is_ok(), reference(&policy, who, MyQueues::INFO, &[], &[]));
        prop_assert_eq!(policy.check::<Nothing>(who).is_ok(), reference(&policy, who, Nothing::INFO, &[], &[]));
        prop_assert_eq!(policy.check::<Documents>(who).is_ok(), reference(&policy, who, Documents::INFO, &[], &[]));
        prop_assert_eq!(
            policy.check::<UserAdmin>(who).is_ok(),
            reference(
                &policy,
                who,
                UserAdmin::INFO,
                &["routing:queue:view", "directory:user:view"],
                &[&["routing:queue:join", "routing:queue:search"]],
            )
        );
        // A denial names exactly the calls `may_call` does not allow.
        for info in [QueuePanel::INFO, DecisionTables::INFO, MyQueues::INFO, Documents::INFO] {
            let failing: Vec<&str> = info
                .calls
                .iter()
                .filter(|op| !policy.may_call(who, op.method, &concrete(op.path)).unwrap().is_allowed())
                .map(|op| op.name)
                .collect();
            let named: Vec<&str> = match policy.check_info(who, info, None) {
                Ok(()) => Vec::new(),
                Err(denied) => denied.calls().iter().map(|c| c.operation().name).collect(),
            };
            prop_assert_eq!(named, failing, "{}", info.name);
        }
    }
}

#[test]
fn conditional_grants_do_not_pass_a_calls_gate() {
    // `may_call` answers AllowedIf, not Allowed: the gate is denied.
    let role = r#"{"name": "conditional", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view"], "allowConditions": true,
         "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
           "operands": [{"type": "SCALAR", "value": "q1"}]}}]}"#;
    let file = permgate::genesys::RoleFile::parse(role).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    for role in &file.roles {
        builder.add_role_definition(role).unwrap();
    }
    let policy = builder.build();
    let who = policy.role("conditional").unwrap();
    let answer = policy
        .may_call(who, permgate::operation::Method::Get, "/api/v2/routing/queues")
        .unwrap();
    assert!(!answer.is_allowed());
    assert!(policy.check::<QueuePanel>(who).is_err());
}

#[test]
fn lookup_agrees_with_the_table() {
    // Every operation is found by its call and by its name, and the const
    // binary search relies on the table's order: path, then method.
    let ops: Vec<&Operation> = permgate::builtins::operations().collect();
    assert!(
        ops.windows(2)
            .all(|w| (w[0].path, w[0].method) < (w[1].path, w[1].method))
    );
    for op in ops {
        let call = format!("{} {}", op.method, op.path);
        assert!(std::ptr::eq(Operation::lookup(&call).unwrap(), op), "{call}");
        assert!(std::ptr::eq(Operation::lookup(op.name).unwrap(), op), "{}", op.name);
    }
    for bad in [
        "",
        " ",
        "GET",
        "get /api/v2/routing/queues",
        "GET  /api/v2/routing/queues",
        "FETCH /api/v2/routing/queues",
        "GET /api/v2/routing/queues/",
        "nope",
    ] {
        assert!(Operation::lookup(bad).is_none(), "{bad}");
    }
    assert!(matches!(
        Operation::lookup("getRoutingQueues").unwrap().requirement,
        Requirement::Any(_)
    ));
}

/// The permissions a gate requires at every release (roadmap included).
fn gate_keys(info: &permgate::gate::GateInfo) -> BTreeSet<&'static str> {
    info.required_at(None).map(|p| p.key()).collect()
}

#[test]
fn a_grounded_builtin_gate_requires_what_each_of_its_calls_requires() {
    let mut grounded = 0;
    for info in permgate::builtins::gates() {
        let required = gate_keys(info);
        let groups: Vec<BTreeSet<&str>> = info
            .any_of
            .iter()
            .map(|g| g.iter().map(|p| p.key()).collect())
            .collect();
        for op in info.calls {
            grounded += 1;
            match op.requirement {
                Requirement::All(call) => {
                    for p in call {
                        assert!(
                            required.contains(p.key()),
                            "{}: {} needs {}",
                            info.name,
                            op.name,
                            p.key()
                        );
                    }
                }
                Requirement::Any(call) => {
                    let group: BTreeSet<&str> = call.iter().map(|p| p.key()).collect();
                    let single = group.len() == 1 && group.iter().all(|k| required.contains(k));
                    assert!(
                        single || groups.contains(&group),
                        "{}: {} needs one of {group:?}",
                        info.name,
                        op.name
                    );
                }
                _ => panic!("{}: {} is not a permission requirement", info.name, op.name),
            }
        }
    }
    assert!(grounded >= 20, "{grounded}");
}

#[test]
fn ami_transfer_is_the_queue_transfer_requirement() {
    use permgate::gates::{AmiExtraUser, AmiStandardUser};
    for info in [AmiStandardUser::INFO, AmiExtraUser::INFO] {
        let transfer = info
            .calls
            .iter()
            .find(|op| op.name == "postConversationParticipantReplaceQueue")
            .unwrap();
        assert_eq!(
            transfer.path,
            "/api/v2/conversations/{conversationId}/participants/{participantId}/replace/queue"
        );
        let Requirement::Any(call) = transfer.requirement else {
            panic!()
        };
        let group: BTreeSet<&str> = call.iter().map(|p| p.key()).collect();
        let groups: Vec<BTreeSet<&str>> = info
            .any_of
            .iter()
            .map(|g| g.iter().map(|p| p.key()).collect())
            .collect();
        assert_eq!(groups, [group]);
        assert!(!gate_keys(info).contains("conversation:communication:transfer"));
    }
    // The published key alone transfers nothing, and passes nothing.
    let standard = permgate::builtins::role("AMI R3|standard user role").unwrap();
    let policy = Policy::builder(Catalog::builtin())
        .role("published", standard.grants.iter())
        .unwrap()
        .build();
    let published = policy.role("published").unwrap();
    let denied = policy.check::<AmiStandardUser>(published).unwrap_err();
    let names: Vec<&str> = denied.calls().iter().map(|c| c.operation().name).collect();
    assert_eq!(names, ["postConversationParticipantReplaceQueue"]);
    assert!(denied.to_string().contains(
        "call `POST /api/v2/conversations/{conversationId}/participants/{participantId}/replace/queue` \
         (postConversationParticipantReplaceQueue) needs one of: conversation:communication:blindTransfer"
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A role passing a grounded builtin gate (every roadmap permission
    /// required) may make every call the gate is grounded in.
    #[test]
    fn a_grounded_gate_passed_allows_its_calls(mask in proptest::collection::vec(proptest::bool::weighted(0.9), 40)) {
        for info in permgate::builtins::gates().iter().filter(|g| !g.calls.is_empty()) {
            let mut keys: Vec<&str> = gate_keys(info).into_iter().collect();
            keys.extend(info.any_of.iter().flat_map(|g| g.iter()).map(|p| p.key()));
            keys.sort_unstable();
            keys.dedup();
            let held: Vec<&str> = keys.iter().zip(mask.iter().cycle()).filter(|(_, h)| **h).map(|(k, _)| *k).collect();
            let policy = Policy::builder(Catalog::builtin()).role("r", held).unwrap().build();
            let who = policy.role("r").unwrap();
            if policy.check_info(who, info, None).is_ok() {
                for op in info.calls {
                    prop_assert!(
                        policy.may_call(who, op.method, &concrete(op.path)).unwrap().is_allowed(),
                        "{} passed, {} denied", info.name, op.name
                    );
                }
            }
        }
    }
}

#[test]
fn the_403_body_of_a_calls_gate() {
    use permgate::genesys::{GATE_REFUSED, REASON_CALL_NEVER_ALLOWED, forbidden_body};
    let policy = Policy::builder(Catalog::builtin())
        .role("viewer", ["routing:queue:view"])
        .unwrap()
        .build();
    let viewer = policy.role("viewer").unwrap();
    // The call that fails: what the platform would answer for it.
    let body = forbidden_body(&policy.check::<QueuePanel>(viewer).unwrap_err(), None);
    assert_eq!(body["code"], "missing.any.permissions");
    let text = body.to_string();
    assert!(
        text.contains("routing:queue:edit") && text.contains("routing:queueMember:manage"),
        "{text}"
    );
    // A call permgate cannot check: refused, naming the call.
    let body = forbidden_body(&policy.check::<Documents>(viewer).unwrap_err(), None);
    assert_eq!(body["code"], GATE_REFUSED);
    assert_eq!(body["messageParams"]["reason"], REASON_CALL_NEVER_ALLOWED);
    assert_eq!(
        body["messageParams"]["call"],
        "GET /api/v2/contentmanagement/documents/{documentId}"
    );
}

/// Composing by hand with a length other than the one `required_len` / `any_of_len` give is
/// `None`, never a panic (`gate!` turns it into a compile error); with the right length, the
/// lists are the calls'.
#[test]
fn composing_with_the_wrong_length_is_none() {
    use permgate::gate::compose;
    let calls: &[&Operation] = &[
        Operation::lookup("POST /api/v2/routing/queues/{queueId}/members").unwrap(),
        Operation::lookup("getRoutingQueue").unwrap(),
    ];
    let own = [perm::routing::QUEUE_VIEW];
    let n = compose::required_len(&own, calls);
    let m = compose::any_of_len(&[], calls);
    // routing:queue:view once (the gate's own and getRoutingQueue's ALL), and one ANY group
    // (the members call's: routing:queue:edit or routing:queueMember:manage).
    assert_eq!((n, m), (1, 1));
    assert!(compose::required::<0>(&own, calls).is_none());
    assert!(compose::required::<2>(&own, calls).is_none());
    assert_eq!(
        compose::required::<1>(&own, calls).map(|r| r.map(|p| p.key())),
        Some(["routing:queue:view"])
    );
    assert!(compose::any_of::<0>(&[], calls).is_none());
    assert!(compose::any_of::<2>(&[], calls).is_none());
    assert_eq!(
        compose::any_of::<1>(&[], calls).map(|groups| groups.map(<[_]>::len)),
        Some([2])
    );
}
