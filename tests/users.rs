//! Users: several roles, each granted in one division or in all, compiled
//! into the policy. Every expectation here is computed by hand from the
//! grants in the test, not from the library:
//!
//! - a user without a division answers for every division: a division-aware
//!   permission only through a grant in all divisions (`*`), one that is not
//!   division-aware through any grant;
//! - a user in a division: grants in that division or in all (division-aware),
//!   any grant (not division-aware); a division no grant names gets the
//!   every-division answer;
//! - a key no catalog knows counts as division-aware;
//! - a principal of another policy is denied everything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::gates::{ActionMapAnalyticsReport, ActionMapEditor};
use permgate::genesys::RoleFile;
use permgate::{BuildError, Catalog, Decision, Division, Gate, Policy, PolicyHandle, Principal, UserId, perm};
use serde_json::json;

/// An organization catalog page marking `routing:agent:onqueue` (builtin)
/// not division-aware and `routing:queue:view` division-aware.
const ORG_PAGE: &str = r#"{"entities": [{"domain": "routing", "permissionMap": {
  "agent": [{"domain": "routing", "entityType": "agent", "action": "onqueue", "divisionAware": false}],
  "queue": [{"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true}]}}]}"#;

// ---------------------------------------------------------------------------
// Two roles together
// ---------------------------------------------------------------------------

#[test]
fn two_roles_of_a_user_pass_a_gate_only_together() {
    // The gate needs exactly these two permissions; each role holds one.
    assert_eq!(
        ActionMapAnalyticsReport::INFO.required,
        [perm::journey::ACTIONMAP_VIEW, perm::journey::REPORT_VIEW]
    );
    let mut builder = Policy::builder(Catalog::builtin());
    let maps = builder.add_role("maps", ["journey:actionmap:view"]).unwrap();
    let reports = builder.add_role("reports", ["Journey > Report > View"]).unwrap();
    let both = builder
        .add_user("ana", [(maps, Division::All), (reports, Division::All)])
        .unwrap();
    let maps_only = builder.add_user("bo", [(maps, Division::All)]).unwrap();
    let queues = builder.add_role("queues", ["routing:queue:view"]).unwrap();
    let split = builder
        .add_user(
            "cy",
            [
                (maps, Division::All),
                (reports, Division::new("d-east")),
                (queues, Division::new("d-west")),
            ],
        )
        .unwrap();
    let apart = builder
        .add_user(
            "di",
            [(maps, Division::new("d-west")), (reports, Division::new("d-east"))],
        )
        .unwrap();
    let policy = builder.build();

    // Neither role alone.
    for role in [maps, reports] {
        assert!(policy.check::<ActionMapAnalyticsReport>(role).is_err());
    }
    // Both, in all divisions: everywhere.
    assert!(policy.check::<ActionMapAnalyticsReport>(both).is_ok());
    for division in ["d-east", "d-west", "d-none"] {
        assert!(
            policy
                .check::<ActionMapAnalyticsReport>(policy.user_in(both, division))
                .is_ok()
        );
    }
    // One of them: nowhere, missing the other one's permission.
    let denied = policy.check::<ActionMapAnalyticsReport>(maps_only).unwrap_err();
    assert_eq!(denied.missing(), [perm::journey::REPORT_VIEW]);
    assert_eq!(denied.principal(), Some("bo"));
    assert_eq!(denied.division(), None);
    assert_eq!(
        denied.to_string(),
        "user `bo` in every division does not satisfy gate `ActionMapAnalyticsReport`: missing 1 permission\n  \
         - journey:report:view (Journey > Report > View)"
    );

    // `maps` in all, `reports` in d-east: together only in d-east.
    assert!(
        policy
            .check::<ActionMapAnalyticsReport>(policy.user_in(split, "d-east"))
            .is_ok()
    );
    let denied = policy
        .check::<ActionMapAnalyticsReport>(policy.user_in(split, "d-west"))
        .unwrap_err();
    assert_eq!(denied.missing(), [perm::journey::REPORT_VIEW]);
    assert_eq!((denied.principal(), denied.division()), (Some("cy"), Some("d-west")));
    assert_eq!(
        denied.to_string(),
        "user `cy` in division `d-west` does not satisfy gate `ActionMapAnalyticsReport`: missing 1 permission\n  \
         - journey:report:view (Journey > Report > View)"
    );
    // In every division: `reports` is not granted in all of them.
    let denied = policy.check::<ActionMapAnalyticsReport>(split).unwrap_err();
    assert_eq!(denied.missing(), [perm::journey::REPORT_VIEW]);
    // In a division none of its grants names: the every-division answer.
    let denied = policy
        .check::<ActionMapAnalyticsReport>(policy.user_in(split, "d-north"))
        .unwrap_err();
    assert_eq!(denied.missing(), [perm::journey::REPORT_VIEW]);
    assert_eq!(denied.principal(), Some("cy"));

    // In two different divisions: never together.
    for who in [
        policy.user_in(apart, "d-east"),
        policy.user_in(apart, "d-west"),
        policy.user_in(apart, "d-none"),
        apart.into(),
    ] {
        assert!(policy.check::<ActionMapAnalyticsReport>(who).is_err());
    }
    assert_eq!(
        policy
            .check::<ActionMapAnalyticsReport>(policy.user_in(apart, "d-east"))
            .unwrap_err()
            .missing(),
        [perm::journey::ACTIONMAP_VIEW]
    );
    assert_eq!(
        policy.check::<ActionMapAnalyticsReport>(apart).unwrap_err().missing(),
        [perm::journey::ACTIONMAP_VIEW, perm::journey::REPORT_VIEW]
    );
    // The same at run time, through the gate's data.
    let info = permgate::builtins::gate("ActionMapAnalyticsReport").unwrap();
    assert!(policy.check_info(policy.user_in(split, "d-east"), info, None).is_ok());
    assert!(policy.check_info(policy.user_in(split, "d-west"), info, None).is_err());
}

// ---------------------------------------------------------------------------
// Division-scoped grants
// ---------------------------------------------------------------------------

#[test]
fn a_division_scoped_grant_applies_in_its_division_only() {
    let mut builder = Policy::builder(Catalog::builtin());
    let viewer = builder.add_role("queue viewer", ["routing:queue:view"]).unwrap();
    let searcher = builder.add_role("queue searcher", ["routing:queue:search"]).unwrap();
    let ana = builder
        .add_user("ana", [(viewer, Division::new("d-east")), (searcher, Division::All)])
        .unwrap();
    let policy = builder.build();
    let view = perm::routing::QUEUE_VIEW;
    let search = perm::routing::QUEUE_SEARCH;

    assert!(policy.allows(policy.user_in(ana, "d-east"), view));
    assert_eq!(policy.decide(policy.user_in(ana, "d-east"), view), Decision::Allowed);
    // Another division, one no grant names, the empty id, and `*` (every
    // division): the every-division answer, where `view` is not granted.
    for division in ["d-west", "D-EAST", "", "*"] {
        assert!(!policy.allows(policy.user_in(ana, division), view), "{division:?}");
        assert_eq!(policy.decide(policy.user_in(ana, division), view), Decision::Denied);
        assert!(policy.allows(policy.user_in(ana, division), search), "{division:?}");
    }
    // The user without a division: what it may do in every division.
    assert!(!policy.allows(ana, view));
    assert_eq!(policy.decide(ana, view), Decision::Denied);
    assert!(policy.allows(ana, search));
    // The string form, in any spelling.
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-east"), "Routing > Queue > View"),
        Ok(true)
    );
    assert_eq!(
        policy.allows(policy.user_in(ana, "d-west"), "ROUTING:QUEUE:VIEW"),
        Ok(false)
    );
    assert_eq!(policy.allows(ana, "routing:queue:view"), Ok(false));
    assert!(policy.allows(ana, "routing:queue:*").is_err());
    // Everything the user holds, per principal.
    let held = |who: Principal| policy.permissions(who).collect::<Vec<_>>();
    assert_eq!(held(policy.user_in(ana, "d-east")), [search, view]);
    assert_eq!(held(policy.user_in(ana, "d-west")), [search]);
    assert_eq!(held(ana.into()), [search]);
    // A division none of the grants names answers as every division.
    assert_eq!(held(policy.user_in(ana, "d-north")), held(ana.into()));
}

#[test]
fn a_key_no_catalog_knows_is_division_aware() {
    let mut builder = Policy::builder(Catalog::builtin());
    let panel = builder
        .add_role("panel", ["ui:newPanel:view", "ui:otherPanel:*"])
        .unwrap();
    let ana = builder.add_user("ana", [(panel, Division::new("d-east"))]).unwrap();
    let policy = builder.build();
    for key in ["ui:newPanel:view", "ui:otherPanel:edit"] {
        assert_eq!(policy.allows(policy.user_in(ana, "d-east"), key), Ok(true), "{key}");
        assert_eq!(policy.decide(policy.user_in(ana, "d-east"), key), Ok(Decision::Allowed));
        assert_eq!(policy.allows(policy.user_in(ana, "d-west"), key), Ok(false), "{key}");
        assert_eq!(policy.allows(ana, key), Ok(false), "{key}");
        assert_eq!(policy.decide(ana, key), Ok(Decision::Denied));
    }
}

#[test]
fn a_permission_that_is_not_division_aware_is_allowed_everywhere_by_a_division_scoped_grant() {
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), ORG_PAGE).unwrap();
    let onqueue = perm::routing::AGENT_ONQUEUE;
    let view = perm::routing::QUEUE_VIEW;
    assert!(!catalog.is_division_aware(onqueue));
    assert!(catalog.is_division_aware(view));

    let mut builder = Policy::builder(&catalog);
    let agent = builder
        .add_role("agent", ["routing:agent:onqueue", "routing:queue:view"])
        .unwrap();
    let other = builder.add_role("other", ["routing:queue:search"]).unwrap();
    let ana = builder.add_user("ana", [(agent, Division::new("d-east"))]).unwrap();
    let bo = builder.add_user("bo", [(other, Division::All)]).unwrap();
    let nobody = builder.add_user("nobody", []).unwrap();
    let policy = builder.build();

    // `onqueue`: in every division, and for the user without a division.
    for who in [
        policy.user_in(ana, "d-east"),
        policy.user_in(ana, "d-west"),
        policy.user_in(ana, "d-unknown"),
        policy.user_in(ana, "*"),
        ana.into(),
    ] {
        assert!(policy.allows(who, onqueue));
        assert_eq!(policy.decide(who, onqueue), Decision::Allowed);
        assert_eq!(policy.allows(who, "Routing > Agent > On Queue"), Ok(true));
    }
    // `view`, division-aware, from the same grant: only in d-east.
    assert!(policy.allows(policy.user_in(ana, "d-east"), view));
    assert!(!policy.allows(policy.user_in(ana, "d-west"), view));
    assert!(!policy.allows(ana, view));
    // Only for a user holding it.
    for who in [bo, nobody] {
        assert!(!policy.allows(who, onqueue));
        assert!(!policy.allows(policy.user_in(who, "d-east"), onqueue));
    }
    assert_eq!(policy.permissions(nobody).count(), 0);

    // The same policy over the builtin catalog, which does not say:
    // division-aware, the safe side.
    let mut builder = Policy::builder(Catalog::builtin());
    let agent = builder.add_role("agent", ["routing:agent:onqueue"]).unwrap();
    let ana = builder.add_user("ana", [(agent, Division::new("d-east"))]).unwrap();
    let policy = builder.build();
    assert!(policy.allows(policy.user_in(ana, "d-east"), onqueue));
    assert!(!policy.allows(policy.user_in(ana, "d-west"), onqueue));
    assert!(!policy.allows(ana, onqueue));
}

// ---------------------------------------------------------------------------
// Conditional grants
// ---------------------------------------------------------------------------

/// A role whose one policy grants `routing:queue:edit` where the queue is `queue`.
fn conditional(name: &str, queue: &str) -> serde_json::Value {
    json!({"name": name, "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
         "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
           "operands": [{"type": "QUEUE", "queue": {"id": queue}}]}}]})
}

/// The conditions of a decision, as text; `None` for a decision that is not
/// conditional.
fn conditions(decision: Decision<'_>) -> Option<Vec<String>> {
    match decision {
        Decision::AllowedIf(conditions) => Some(conditions.iter().map(ToString::to_string).collect()),
        Decision::Allowed | Decision::Denied => None,
    }
}

#[test]
fn conditional_grants_in_reach_give_allowed_if_with_each_condition_once() {
    // a: q-1 in d1; b: q-1 (the same condition, another role) in all; c: q-2
    // in d2; d: unconditional, in d3.
    let text = json!([
        conditional("a", "q-1"),
        conditional("b", "q-1"),
        conditional("c", "q-2"),
        {"name": "d", "permissionPolicies": [
            {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": false}]}
    ])
    .to_string();
    let file = RoleFile::parse(&text).unwrap();
    let build = |catalog: &Catalog| {
        let mut builder = Policy::builder(catalog);
        let roles: Vec<_> = file
            .roles
            .iter()
            .map(|role| builder.add_role_definition(role).unwrap())
            .collect();
        let ana = builder
            .add_user(
                "ana",
                [
                    (roles[0], Division::new("d1")),
                    (roles[1], Division::All),
                    (roles[2], Division::new("d2")),
                    (roles[3], Division::new("d3")),
                ],
            )
            .unwrap();
        let bo = builder.add_user("bo", [(roles[0], Division::new("d1"))]).unwrap();
        (builder.build(), ana, bo)
    };
    let q1 = "Queue.id EQ QUEUE q-1".to_owned();
    let q2 = "Queue.id EQ QUEUE q-2".to_owned();
    let edit = perm::routing::QUEUE_EDIT;

    let (policy, ana, bo) = build(Catalog::builtin());
    let decide = |who: Principal| conditions(policy.decide(who, edit));
    // d1: a and b, the same condition: once.
    assert_eq!(decide(policy.user_in(ana, "d1")), Some(vec![q1.clone()]));
    // d2: b, then c, in grant order.
    assert_eq!(decide(policy.user_in(ana, "d2")), Some(vec![q1.clone(), q2.clone()]));
    // Every division, or one no grant names: b only.
    assert_eq!(decide(ana.into()), Some(vec![q1.clone()]));
    assert_eq!(decide(policy.user_in(ana, "d9")), Some(vec![q1.clone()]));
    // d3: the unconditional grant wins.
    assert_eq!(policy.decide(policy.user_in(ana, "d3"), edit), Decision::Allowed);
    // `allows` is true only for `Allowed`.
    for division in ["d1", "d2", "d9"] {
        assert!(!policy.allows(policy.user_in(ana, division), edit), "{division}");
    }
    assert!(policy.allows(policy.user_in(ana, "d3"), edit));
    // The string form gives the same answer.
    assert_eq!(
        policy
            .decide(policy.user_in(ana, "d2"), "Routing > Queue > Edit")
            .map(conditions),
        Ok(Some(vec![q1.clone(), q2.clone()]))
    );
    // A conditional grant out of reach is no condition.
    assert_eq!(policy.decide(policy.user_in(bo, "d2"), edit), Decision::Denied);
    assert_eq!(policy.decide(bo, edit), Decision::Denied);
    assert_eq!(decide(policy.user_in(bo, "d1")), Some(vec![q1.clone()]));

    // Where `edit` is not division-aware, every grant is in reach.
    let page = r#"{"entities": [{"domain": "routing", "permissionMap": {"queue": [
        {"domain": "routing", "entityType": "queue", "action": "edit", "divisionAware": false}]}}]}"#;
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), page).unwrap();
    let (policy, ana, bo) = build(&catalog);
    // d: unconditional, so allowed everywhere.
    for who in [ana.into(), policy.user_in(ana, "d1"), policy.user_in(ana, "d9")] {
        assert_eq!(policy.decide(who, edit), Decision::Allowed);
    }
    // bo: a (d1) reaches every division.
    for who in [bo.into(), policy.user_in(bo, "d1"), policy.user_in(bo, "d2")] {
        assert_eq!(conditions(policy.decide(who, edit)), Some(vec![q1.clone()]));
    }
}

// ---------------------------------------------------------------------------
// Principals of another policy
// ---------------------------------------------------------------------------

#[test]
fn a_user_of_another_policy_is_denied_everything() {
    // Two policies built the same way: same catalog, roles, users, indexes.
    let build = || {
        let mut builder = Policy::builder(Catalog::builtin());
        let admin = builder
            .add_role("admin", ["journey:*:*", "routing:*:*", "ui:newPanel:view"])
            .unwrap();
        let ana = builder
            .add_user("ana", [(admin, Division::All), (admin, Division::new("d1"))])
            .unwrap();
        (builder.build(), ana)
    };
    let (mine, ana) = build();
    let (other, own) = build();
    assert_eq!(ana.index(), own.index());
    assert_eq!(other.user("ana"), Some(own));
    assert_ne!(other.user("ana"), Some(ana));
    assert_eq!(other.name(ana), None);

    let foreign: [Principal; 3] = [ana.into(), mine.user_in(ana, "d1"), other.user_in(ana, "d1")];
    // Its own policy allows it: the denial is about the policy, not the grants.
    assert!(mine.check::<ActionMapEditor>(ana).is_ok());
    assert!(other.check::<ActionMapEditor>(own).is_ok());
    for who in foreign {
        assert!(other.catalog().iter().all(|p| !other.allows(who, p)));
        assert!(other.catalog().iter().all(|p| other.decide(who, p) == Decision::Denied));
        assert_eq!(other.permissions(who).count(), 0);
        assert_eq!(other.allows(who, "journey:actionmap:view"), Ok(false));
        assert_eq!(other.allows(who, "ui:newPanel:view"), Ok(false));
        assert_eq!(other.allows(who, "routing:newEntity:view"), Ok(false));
        assert_eq!(other.decide(who, "routing:newEntity:view"), Ok(Decision::Denied));
        let denied = other.check::<ActionMapEditor>(who).unwrap_err();
        assert_eq!((denied.principal(), denied.division()), (None, None));
        assert_eq!(denied.missing().len(), 4);
        assert_eq!(
            denied.to_string(),
            "unknown principal: not in this policy, so gate `ActionMapEditor` is denied"
        );
    }
    // The policy's own user is allowed what the foreign one is denied.
    assert_eq!(other.allows(own, "routing:newEntity:view"), Ok(true));
    assert_eq!(other.allows(other.user_in(own, "d1"), "ui:newPanel:view"), Ok(true));
}

// ---------------------------------------------------------------------------
// Proofs
// ---------------------------------------------------------------------------

#[test]
fn a_proof_for_a_user_records_its_principal_and_policy() {
    let build = || {
        let mut builder = Policy::builder(Catalog::builtin());
        let designer = builder.add_role("designer", ["Journey > Action Map > All"]).unwrap();
        builder.add_user("ana", [(designer, Division::new("d1"))]).unwrap();
        builder.build()
    };
    let handle = PolicyHandle::new(build());
    let policy = handle.load();
    let ana = policy.user("ana").unwrap();
    let in_d1 = policy.user_in(ana, "d1");
    let granted = policy.check::<ActionMapEditor>(in_d1).unwrap();
    assert_eq!(granted.principal(), in_d1);
    assert_ne!(granted.principal(), Principal::from(ana));
    assert!(granted.is_from(&policy));
    assert!(policy.allows(granted.principal(), perm::journey::ACTIONMAP_EDIT));
    // Not in every division.
    assert!(policy.check::<ActionMapEditor>(ana).is_err());

    // The proof is `'static`: it outlives the snapshot and crosses threads.
    let granted = std::thread::spawn(move || granted).join().unwrap();
    drop(policy);
    handle.store(build());
    let fresh = handle.load();
    assert!(!granted.is_from(&fresh), "a proof of the previous policy");
    // The new policy's user has a new id; the old principal is denied there.
    let user: UserId = fresh.user("ana").unwrap();
    assert!(!fresh.allows(granted.principal(), perm::journey::ACTIONMAP_EDIT));
    assert!(fresh.allows(fresh.user_in(user, "d1"), perm::journey::ACTIONMAP_EDIT));
    assert!(
        fresh
            .check::<ActionMapEditor>(fresh.user_in(user, "d1"))
            .unwrap()
            .is_from(&fresh)
    );
}

// ---------------------------------------------------------------------------
// Building users
// ---------------------------------------------------------------------------

#[test]
fn users_are_named_once_and_hold_roles_of_their_builder() {
    let mut builder = Policy::builder(Catalog::builtin());
    let agent = builder.add_role("agent", ["routing:queue:view"]).unwrap();
    assert_eq!(builder.role_id("agent"), Some(agent));
    assert_eq!(builder.role_id("nobody"), None);
    let ana = builder.add_user("ana", [(agent, Division::All)]).unwrap();
    assert_eq!(
        builder.add_user("ana", []).unwrap_err(),
        BuildError::DuplicateUser { user: "ana".into() }
    );
    assert_eq!(builder.add_user(" ", []).unwrap_err(), BuildError::EmptyUserName);
    let mut other = Policy::builder(Catalog::builtin());
    let foreign = other.add_role("agent", ["routing:queue:view"]).unwrap();
    assert_eq!(
        builder
            .add_user("bo", [(agent, Division::All), (foreign, Division::All)])
            .unwrap_err(),
        BuildError::ForeignRole {
            user: "bo".into(),
            position: 1
        }
    );
    // A failed user is not added.
    let bo = builder.add_user("bo", [(agent, Division::new("d1"))]).unwrap();
    let policy = builder.build();
    assert_eq!(policy.users().collect::<Vec<_>>(), [ana, bo]);
    assert_eq!(policy.users().map(UserId::index).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(policy.user("bo"), Some(bo));
    assert_eq!(policy.name(bo), Some("bo"));
    assert!(policy.allows(policy.user_in(bo, "d1"), perm::routing::QUEUE_VIEW));
    assert!(!policy.allows(bo, perm::routing::QUEUE_VIEW));
}
