//! One test per line of "Permission semantics" (crate docs, DESIGN.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::Gate;
use permgate::gates::{ActionMapEditor, AmiStandardUser};
use permgate::{Catalog, Permission, Policy, Release, RoleId, gate::CheckOptions, parse::QuestionError, perm};

fn policy_with(grants: &[&str]) -> (Policy, RoleId) {
    let policy = Policy::builder(Catalog::builtin()).role("r", grants).unwrap().build();
    let role = policy.role("r").unwrap();
    (policy, role)
}

fn allowed_keys(policy: &Policy, role: RoleId) -> Vec<&str> {
    policy.permissions(role).map(Permission::key).collect()
}

#[test]
fn identity_ignores_ascii_case_and_prints_the_catalog_spelling() {
    let catalog = Catalog::builtin();
    for spelling in [
        "journey:actionMap:VIEW",
        "JOURNEY:ACTIONMAP:VIEW",
        "journey > action map > view",
    ] {
        let permission = catalog.lookup(spelling).unwrap();
        assert_eq!(permission, perm::journey::ACTIONMAP_VIEW);
        assert_eq!(permission.to_string(), "journey:actionmap:view");
    }
    // camelCase keys keep their own spelling.
    assert_eq!(
        catalog.lookup("ROUTING:WRAPUPCODE:VIEW").unwrap().key(),
        "routing:wrapupCode:view"
    );
    let (policy, role) = policy_with(&["WEBDEPLOYMENTS:CONFIGURATION:VIEW"]);
    assert_eq!(allowed_keys(&policy, role), ["webDeployments:configuration:view"]);
}

#[test]
fn three_spellings_name_one_permission() {
    let (policy, role) = policy_with(&["Journey > Action Map > View"]);
    assert!(policy.allows(role, perm::journey::ACTIONMAP_VIEW));
    assert_eq!(policy.allows(role, "journey:actionmap:view"), Ok(true));
    assert_eq!(policy.allows(role, "Journey > Action Map > View"), Ok(true));
    let (policy, role) = policy_with(&["contacts_read"]);
    assert!(policy.allows(role, perm::cxengage::CONTACTS_READ));
    assert_eq!(policy.allows(role, "CONTACTS_READ"), Ok(true));
}

#[test]
fn all_and_all_permissions_mean_the_entity_wildcard() {
    let expected = [
        "journey:segment:add",
        "journey:segment:delete",
        "journey:segment:edit",
        "journey:segment:view",
    ];
    for grant in [
        "Journey > Segment > All",
        "Journey > Segment > All Permissions",
        "journey:segment:*",
    ] {
        let (policy, role) = policy_with(&[grant]);
        assert_eq!(allowed_keys(&policy, role), expected, "{grant}");
    }
}

#[test]
fn cxengage_scopes_are_names_not_wildcards() {
    let (policy, role) = policy_with(&["NOTES_CREATE_ALL"]);
    assert_eq!(allowed_keys(&policy, role), ["NOTES_CREATE_ALL"]);
    assert_eq!(policy.allows(role, "NOTES_READ_ALL"), Ok(false));
    assert_eq!(policy.allows(role, "NOTES_CREATE"), Ok(false));
    let (policy, role) = policy_with(&["NOTES_READ_ALL"]);
    assert!(
        !policy.allows(role, perm::cxengage::NOTES_READ_SELF),
        "_ALL does not imply _SELF"
    );
}

#[test]
fn questions_never_contain_wildcards() {
    let (policy, role) = policy_with(&["journey:*:*"]);
    for question in [
        "journey:*:*",
        "journey:segment:*",
        "journey:*:view",
        "Journey > Segment > All",
    ] {
        assert!(
            matches!(policy.allows(role, question), Err(QuestionError::Wildcard { .. })),
            "{question}"
        );
    }
    // A catalog row that stands for a whole entity can't be asked about by string either.
    let (policy, role) = policy_with(&["integration:amiPremiumApps:*"]);
    for question in [
        "integration:amiPremiumApps:*",
        "Integration > amiPremiumApps > All Permissions",
    ] {
        assert!(matches!(
            policy.allows(role, question),
            Err(QuestionError::Wildcard { .. })
        ));
    }
}

#[test]
fn a_domain_wildcard_is_rejected_with_a_clear_error() {
    let error = Policy::builder(Catalog::builtin())
        .role("admin", ["routing:queue:view", "*:*:*"])
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("role `admin`, grant 1 `*:*:*`"), "{message}");
    assert!(message.contains("wildcard domain"), "{message}");
}

#[test]
fn wildcards_expand_at_compile_time_and_the_pattern_is_kept() {
    let (policy, role) = policy_with(&["journey:*:*"]);
    let journey: Vec<&str> = Catalog::builtin()
        .iter()
        .filter(|p| p.domain() == "journey")
        .map(|p| p.key())
        .collect();
    assert_eq!(allowed_keys(&policy, role), journey);
    assert_eq!(policy.allows(role, "journey:newthing:view"), Ok(true));
    assert_eq!(policy.allows(role, "routing:newthing:view"), Ok(false));
    // An action wildcard covers that action of every entity, and nothing else.
    let (policy, role) = policy_with(&["journey:*:view"]);
    assert!(
        allowed_keys(&policy, role)
            .iter()
            .all(|key| key.starts_with("journey:") && key.ends_with(":view"))
    );
    assert_eq!(policy.allows(role, "journey:newthing:view"), Ok(true));
    assert_eq!(policy.allows(role, "journey:newthing:edit"), Ok(false));
}

#[test]
fn wildcard_and_expanded_forms_have_the_same_effective_permissions() {
    let (wild, wild_role) = policy_with(&["journey:actionmap:*", "routing:queue:*"]);
    let expanded: Vec<&str> = allowed_keys(&wild, wild_role);
    let (flat, flat_role) = policy_with(&expanded);
    assert_eq!(allowed_keys(&flat, flat_role), expanded);
    assert_eq!(
        wild.check::<ActionMapEditor>(wild_role).is_ok(),
        flat.check::<ActionMapEditor>(flat_role).is_ok()
    );
}

#[test]
fn unknown_permissions_load_stay_granted_and_are_listed() {
    let (policy, role) = policy_with(&[
        "ui:agentQueueActivity:view",
        "conversation:email:accept",
        "CUSTOM_THING",
    ]);
    assert_eq!(policy.allows(role, "UI:AGENTQUEUEACTIVITY:VIEW"), Ok(true));
    assert_eq!(policy.allows(role, "custom_thing"), Ok(true));
    assert_eq!(policy.allows(role, "ui:agentQueueActivity:edit"), Ok(false));
    assert_eq!(
        policy.audit(role).unwrap().unknown,
        ["ui:agentQueueActivity:view", "CUSTOM_THING"]
    );
    assert_eq!(allowed_keys(&policy, role), ["conversation:email:accept"]);
}

#[test]
fn unknown_labels_are_errors_because_they_cannot_be_resolved() {
    assert!(
        Policy::builder(Catalog::builtin())
            .role("r", ["Journey > Time Machine > View"])
            .is_err()
    );
    let (policy, role) = policy_with(&["journey:*:*"]);
    assert!(matches!(
        policy.allows(role, "Journey > Time Machine > View"),
        Err(QuestionError::UnknownLabel { .. })
    ));
}

#[test]
fn entity_rows_without_known_actions_need_a_covering_grant() {
    // `Integration > amiPremiumApps > All Permissions`: no source names its actions.
    for grant in [
        "integration:amiPremiumApps:*",
        "integration:*:*",
        "Integration > amiPremiumApps > All Permissions",
    ] {
        let (policy, role) = policy_with(&[grant]);
        assert!(policy.allows(role, perm::integration::AMI_PREMIUM_APPS_ALL), "{grant}");
        assert_eq!(
            policy.allows(role, "integration:amiPremiumApps:view"),
            Ok(true),
            "{grant}"
        );
    }
    let (policy, role) = policy_with(&["integration:amiPremiumApps:view"]);
    assert!(!policy.allows(role, perm::integration::AMI_PREMIUM_APPS_ALL));
}

#[test]
fn roles_are_additive_and_deny_by_default() {
    let policy = Policy::builder(Catalog::builtin())
        .role("a", ["routing:queue:view"])
        .unwrap()
        .role("b", ["routing:queue:join"])
        .unwrap()
        .role("none", Vec::<String>::new())
        .unwrap()
        .build();
    let (a, b, none) = (
        policy.role("a").unwrap(),
        policy.role("b").unwrap(),
        policy.role("none").unwrap(),
    );
    assert!(policy.allows(a, perm::routing::QUEUE_VIEW) && !policy.allows(a, perm::routing::QUEUE_JOIN));
    assert!(policy.allows(b, perm::routing::QUEUE_JOIN) && !policy.allows(b, perm::routing::QUEUE_VIEW));
    assert!(Catalog::builtin().iter().all(|p| !policy.allows(none, p)));
    assert_eq!(policy.allows(none, "routing:newthing:view"), Ok(false));
    assert!(policy.role("A").is_none(), "role names are exact");
}

#[test]
fn a_role_id_from_another_policy_is_denied() {
    let (one, role) = policy_with(&["routing:queue:view"]);
    let (other, _) = policy_with(&["routing:queue:view"]);
    assert!(one.allows(role, perm::routing::QUEUE_VIEW));
    assert!(!other.allows(role, perm::routing::QUEUE_VIEW));
    assert_eq!(other.allows(role, "routing:queue:view"), Ok(false));
    assert!(other.check::<AmiStandardUser>(role).is_err());
    assert!(other.name(role).is_none());
}

#[test]
fn roadmap_permissions_are_required_from_their_release() {
    let standard = permgate::builtins::role("AMI R3|standard user role").unwrap();
    assert!(
        standard.grants.contains(&"conversation:email:park"),
        "the published role ships roadmap permissions"
    );
    // Transfer held as a current organization grants it (the published key
    // is one no endpoint requires).
    let current: Vec<&str> = standard
        .grants
        .iter()
        .map(|&k| match k {
            "conversation:communication:transfer" => "conversation:communication:blindTransfer",
            other => other,
        })
        .collect();
    let without_park: Vec<&str> = current
        .iter()
        .copied()
        .filter(|k| *k != "conversation:email:park")
        .collect();
    let (policy, role) = policy_with(&without_park);
    assert!(policy.check::<AmiStandardUser>(role).is_ok());
    assert!(
        policy
            .check_info(role, AmiStandardUser::INFO, Some(Release::new(3, 15)))
            .is_ok()
    );
    let denied = policy
        .check_info(role, AmiStandardUser::INFO, Some(Release::new(3, 16)))
        .unwrap_err();
    assert_eq!(denied.missing(), [perm::conversation::EMAIL_PARK]);
    assert!(
        policy.check_info(role, AmiStandardUser::INFO, None).is_err(),
        "no release: everything is required"
    );
    let (full, full_role) = policy_with(&current);
    assert!(
        full.check_info(full_role, AmiStandardUser::INFO, Some(Release::new(4, 0)))
            .is_ok()
    );
}

#[test]
fn denied_lists_every_missing_permission_with_key_and_label() {
    let (policy, role) = policy_with(&["journey:actionmap:view"]);
    let denied = policy.check::<ActionMapEditor>(role).unwrap_err();
    let missing: Vec<&str> = denied.missing().iter().map(|p| p.key()).collect();
    assert_eq!(
        missing,
        [
            "journey:actionmap:add",
            "journey:actionmap:delete",
            "journey:actionmap:edit"
        ]
    );
    let text = denied.to_string();
    assert!(
        text.starts_with("role `r` does not satisfy gate `ActionMapEditor`: missing 3 permissions"),
        "{text}"
    );
    assert!(text.contains("journey:actionmap:add"), "{text}");
    let error: &dyn std::error::Error = &denied;
    assert!(error.source().is_none());
}

#[test]
fn gates_chosen_at_run_time_check_the_same_way() {
    let (policy, role) = policy_with(&["journey:actionmap:*"]);
    let gate = permgate::builtins::gate("actionmapeditor").unwrap();
    assert!(policy.check_info(role, gate, gate.release).is_ok());
    assert_eq!(permgate::builtins::gates().len(), 41);
    for gate in permgate::builtins::gates() {
        let required: Vec<&str> = gate.required_at(None).map(|p| p.key()).collect();
        let one_of_each = gate.any_of.iter().filter_map(|group| group.first()).map(|p| p.key());
        let holds_all: Vec<&str> = required.iter().copied().chain(one_of_each).collect();
        let documented = CheckOptions::at(None).documented();
        let (full, full_role) = policy_with(&holds_all);
        assert!(full.check_info(full_role, gate, documented).is_ok(), "{}", gate.name);
        // Today, a gate the platform removed whole is refused, even with every key it names.
        let today = full.check_info(full_role, gate, None);
        assert_eq!(today.is_ok(), !gate.feature_removed(), "{}", gate.name);
        let (empty, empty_role) = policy_with(&[]);
        let denied = empty.check_info(empty_role, gate, documented).unwrap_err();
        assert_eq!(denied.missing().len(), required.len(), "{}", gate.name);
        assert_eq!(denied.unmet_any_of(), gate.any_of, "{}", gate.name);
    }
}
