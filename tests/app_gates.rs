//! Gates a service declares for its own features (`permgate::gate!`): the same `check`,
//! `Granted` and `Denied` as the vendor documents' gates, for roles and users, with any-of
//! groups, and permissions of an organization's catalog checked past the builtin mask.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::{Catalog, Division, Gate, Granted, Policy, gate, gate::GateInfo, perm};

gate! {
    /// The queue panel of the service: see queues, and join or search them.
    pub QueuePanel {
        description: "See queues, and join or search them.",
        required: [perm::routing::QUEUE_VIEW, perm::ui::SUPERVISOR_STATUS_CONTROL_VIEW],
        any_of: [[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
    }
}

gate! {
    /// A gate with nothing but required permissions.
    pub WrapUp {
        description: "Wrap up conversations.",
        required: [perm::routing::WRAPUP_CODE_VIEW, perm::conversation::PARTICIPANT_WRAPUP],
    }
}

fn policy() -> Policy {
    Policy::builder(Catalog::builtin())
        .role(
            "panel",
            [
                "routing:queue:view",
                "ui:supervisorStatusControl:view",
                "routing:queue:search",
            ],
        )
        .unwrap()
        .role("no group", ["routing:queue:view", "ui:supervisorStatusControl:view"])
        .unwrap()
        .role("wrap", ["routing:wrapupCode:*", "conversation:participant:wrapup"])
        .unwrap()
        .build()
}

#[test]
fn a_declared_gate_is_data_like_the_builtin_ones() {
    let info = QueuePanel::INFO;
    assert_eq!(info.name, "QueuePanel");
    assert_eq!(info.description, "See queues, and join or search them.");
    assert!(info.document.is_none());
    assert_eq!(
        info.required,
        [perm::routing::QUEUE_VIEW, perm::ui::SUPERVISOR_STATUS_CONTROL_VIEW]
    );
    assert_eq!(
        info.any_of,
        [&[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH][..]]
    );
    assert!(WrapUp::INFO.any_of.is_empty());
}

#[test]
fn declared_gates_check_roles_with_required_sets_and_groups() {
    let policy = policy();
    let role = |name| policy.role(name).unwrap();
    let granted: Granted<QueuePanel> = policy.check(role("panel")).unwrap();
    assert!(granted.is_from(&policy));
    assert!(policy.check::<WrapUp>(role("wrap")).is_ok());

    let denied = policy.check::<QueuePanel>(role("no group")).unwrap_err();
    assert!(denied.missing().is_empty());
    assert_eq!(
        denied.unmet_any_of(),
        [&[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH][..]]
    );
    assert_eq!(
        denied.to_string(),
        "role `no group` does not satisfy gate `QueuePanel`: needs one of: \
         routing:queue:join (Routing > Queue > Join), routing:queue:search (Routing > Queue > Search)"
    );
    let denied = policy.check::<WrapUp>(role("panel")).unwrap_err();
    // In the gate's own order.
    assert_eq!(
        denied.missing(),
        [perm::routing::WRAPUP_CODE_VIEW, perm::conversation::PARTICIPANT_WRAPUP]
    );
}

#[test]
fn declared_gates_check_users_in_divisions() {
    let mut builder = Policy::builder(Catalog::builtin());
    let view = builder
        .add_role("view", ["routing:queue:view", "ui:supervisorStatusControl:view"])
        .unwrap();
    let join = builder.add_role("join", ["routing:queue:join"]).unwrap();
    let ana = builder
        .add_user("ana", [(view, Division::All), (join, Division::new("d-east"))])
        .unwrap();
    let policy = builder.build();
    assert!(policy.check::<QueuePanel>(policy.user_in(ana, "d-east")).is_ok());
    let denied = policy.check::<QueuePanel>(policy.user_in(ana, "d-west")).unwrap_err();
    assert_eq!(denied.unmet_any_of().len(), 1);
    assert!(policy.check::<QueuePanel>(ana).is_err(), "join is held in d-east only");
}

#[test]
fn a_gate_of_organization_permissions_is_checked_past_the_builtin_mask() {
    let org = r#"{"entities": [{"domain": "ui", "permissionMap": {"agentQueueActivity": [
        {"domain": "ui", "entityType": "agentQueueActivity", "action": "view"}]}}]}"#;
    let catalog: &'static Catalog = Box::leak(Box::new(
        permgate::genesys::org_catalog(Catalog::builtin(), org).unwrap(),
    ));
    let activity = catalog.lookup("ui:agentQueueActivity:view").unwrap();
    assert!(usize::from(activity.index()) >= Catalog::builtin().len());
    let required: &'static [permgate::Permission<'static>] = Box::leak(Box::new([perm::routing::QUEUE_VIEW, activity]));
    let gate: &'static GateInfo = Box::leak(Box::new(GateInfo::new("Activity", "queue activity", required, &[])));
    let policy = Policy::builder(catalog)
        .role("both", ["routing:queue:view", "ui:agentQueueActivity:view"])
        .unwrap()
        .role("builtin only", ["routing:queue:view"])
        .unwrap()
        .build();
    assert_eq!(policy.check_info(policy.role("both").unwrap(), gate, None), Ok(()));
    let denied = policy
        .check_info(policy.role("builtin only").unwrap(), gate, None)
        .unwrap_err();
    assert_eq!(denied.missing(), [activity]);
    // In a policy of the builtin catalog alone the organization permission is foreign: denied.
    let builtin = Policy::builder(Catalog::builtin())
        .role("r", ["routing:queue:view", "ui:agentQueueActivity:view"])
        .unwrap()
        .build();
    assert!(builtin.check_info(builtin.role("r").unwrap(), gate, None).is_err());
}
