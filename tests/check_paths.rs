//! A typed check's granted path (`Policy::check`, `CompiledUser::check`: the
//! gate's `(word, mask)` pairs and any-of members precomputed at compile
//! time) against the naive reading of a gate, on random rows: granted
//! exactly when every permission required at the gate's release that the
//! Platform API still documents is held, and one current member of each
//! any-of group; the members reported held are those the row holds. The
//! general path (`check_info` at the gate's release) must agree too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::gates::{
    ActionMapAnalyticsReport, ActionMapEditor, AltocloudAdmin, AmiAdminUser, AmiExtraUser, AmiPark, AmiStandardUser,
    PredictiveEngagementAgent, WebChatDeployment,
};
use permgate::{Catalog, Division, Gate, Permission, Policy, Principal, RoleDefinition, UserDefinition, gate, perm};
use proptest::prelude::*;

gate! {
    /// Two any-of groups and a required permission.
    pub TwoGroups {
        description: "Queues: view, and join or search, and add or edit members.",
        required: [perm::routing::QUEUE_VIEW],
        any_of: [
            [perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH],
            [perm::routing::QUEUE_ADD, perm::routing::QUEUE_EDIT],
        ],
    }
}

gate! {
    /// Declared from calls: an ANY list of the operation's.
    pub QueueMembers {
        description: "List queues and add members.",
        calls: ["GET /api/v2/routing/queues", "POST /api/v2/routing/queues/{queueId}/members"],
    }
}

/// Every permission `G` names, in a fixed order.
fn named<G: Gate>() -> Vec<Permission<'static>> {
    let info = G::INFO;
    let mut all: Vec<Permission<'static>> = info.required.to_vec();
    all.extend(info.any_of.iter().flat_map(|group| group.iter().copied()));
    all.extend(info.roadmap.iter().map(|(permission, _)| *permission));
    all.sort_by_key(|p| p.index());
    all.dedup();
    all
}

/// The naive answer for `who`: `Some(members held, in order)` when granted.
fn naive<G: Gate>(policy: &Policy, who: Principal) -> Option<Vec<Permission<'static>>> {
    let info = G::INFO;
    let holds = |p: Permission<'static>| policy.allows(who, p);
    let current = |p: &Permission<'static>| p.removed_after().is_none();
    let due = info
        .roadmap
        .iter()
        .filter(|(_, from)| info.release.is_none_or(|at| *from <= at))
        .map(|(permission, _)| *permission);
    let required = info.required.iter().copied().chain(due).filter(current).all(holds);
    let groups = info
        .any_of
        .iter()
        .all(|group| group.iter().filter(|p| current(p)).any(|p| holds(*p)));
    let every_key_removed = info.feature_removed();
    let unverifiable = info
        .calls
        .iter()
        .any(|call| matches!(call.requirement, permgate::operation::Requirement::Unverifiable));
    let held = info
        .any_of
        .iter()
        .flat_map(|group| group.iter().copied())
        .filter(|p| holds(*p));
    (required && groups && !every_key_removed && !unverifiable).then(|| held.collect())
}

/// `G` checked three ways on a role holding `keep`'s share of what it names.
fn agree<G: Gate>(keep: &[bool]) -> Result<(), TestCaseError> {
    let named = named::<G>();
    let grants: Vec<&str> = named
        .iter()
        .zip(keep.iter().cycle())
        .filter(|(_, keep)| **keep)
        .map(|(p, _)| p.key())
        .collect();
    let policy = Policy::builder(Catalog::builtin())
        .role("r", grants.iter().copied())
        .unwrap()
        .build();
    let role = policy.role("r").unwrap();
    let expected = naive::<G>(&policy, role.into());
    let typed = policy.check::<G>(role);
    let general = policy.check_info(role, G::INFO, G::INFO.release);
    let name = G::INFO.name;
    prop_assert_eq!(typed.is_ok(), expected.is_some(), "{}: check on {:?}", name, grants);
    prop_assert_eq!(
        general.is_ok(),
        expected.is_some(),
        "{}: check_info on {:?}",
        name,
        grants
    );
    if let (Ok(granted), Some(held)) = (&typed, &expected) {
        prop_assert_eq!(&granted.any_of_held().collect::<Vec<_>>(), held, "{}", name);
    }
    let user = UserDefinition::new("u").role(RoleDefinition::new("r"), Division::All);
    let compiled = policy.compile_user(&user).unwrap();
    prop_assert_eq!(compiled.check::<G>().is_ok(), expected.is_some(), "{}: compiled", name);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Mostly held, so that grants and denials both come up.
    #[test]
    fn the_granted_path_equals_the_naive_reading(keep in prop::collection::vec(prop::bool::weighted(0.9), 1..40)) {
        agree::<TwoGroups>(&keep)?;
        agree::<QueueMembers>(&keep)?;
        agree::<ActionMapAnalyticsReport>(&keep)?;
        agree::<ActionMapEditor>(&keep)?;
        agree::<AmiStandardUser>(&keep)?;
        agree::<AmiExtraUser>(&keep)?;
        agree::<AmiAdminUser>(&keep)?;
        agree::<AmiPark>(&keep)?;
        agree::<AltocloudAdmin>(&keep)?;
        agree::<PredictiveEngagementAgent>(&keep)?;
        agree::<WebChatDeployment>(&keep)?;
    }
}

/// Every named permission held: granted, unless the gate is refused outright.
#[test]
fn holding_everything_named_passes_every_gate_that_can_pass() {
    fn all<G: Gate>() -> bool {
        let named = named::<G>();
        let policy = Policy::builder(Catalog::builtin())
            .role("r", named.iter().map(|p| p.key()))
            .unwrap()
            .build();
        policy.check::<G>(policy.role("r").unwrap()).is_ok()
    }
    assert!(all::<TwoGroups>());
    assert!(all::<AmiStandardUser>());
    assert!(all::<AmiExtraUser>());
    assert!(!all::<WebChatDeployment>(), "every key removed: refused");
}
