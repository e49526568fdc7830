//! Regression tests for the core's decisions: a gate and a policy of two organization
//! catalogs, whole-entity rows across a user's grants, `resolve` of an organization
//! permission whose action is `all`, labels with the no-break spaces the vendor's pages
//! print, rows no loaded catalog lists an action of, and which any-of member a proof
//! passed with. Each test is named after what it pins.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::Path;

use permgate::gates::{AmiNotes, AmiStandardUser, ContactHistoryArtifacts, SkylightNotesRead};
use permgate::genesys::UserAuthorization;
use permgate::{
    Catalog, Decision, Division, Permission, Policy, PolicyBuilder, RoleId, UserId, explain::By, gate::GateInfo,
    parse::QuestionError, perm,
};
use proptest::prelude::*;

/// An organization's catalog listing the actions of `attributes:attribute` and
/// `integration:amiPremiumApps`, which the builtin catalog knows only as whole-entity rows.
const AMI_ENTITY_ACTIONS: &str = include_str!("fixtures/ami-entity-actions.json");

fn ami_catalog() -> Catalog {
    permgate::genesys::org_catalog(Catalog::builtin(), AMI_ENTITY_ACTIONS).unwrap()
}

/// An organization's catalog of one permission, `ui:{entity}:view`.
fn org_catalog_of(entity: &str) -> &'static Catalog {
    let json = format!(
        r#"{{"entities": [{{"domain": "ui", "permissionMap": {{"{entity}": [
            {{"domain": "ui", "entityType": "{entity}", "action": "view"}}]}}}}]}}"#
    );
    Box::leak(Box::new(
        permgate::genesys::org_catalog(Catalog::builtin(), &json).unwrap(),
    ))
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

// 5. A gate and a policy must agree on the catalog they index.

#[test]
fn a_gate_of_one_organization_catalog_is_refused_by_a_policy_of_another() {
    let alpha_catalog = org_catalog_of("alphaPanel");
    let beta_catalog = org_catalog_of("betaPanel");
    let alpha = alpha_catalog.lookup("ui:alphaPanel:view").unwrap();
    let beta = beta_catalog.lookup("ui:betaPanel:view").unwrap();
    // The same index past the builtin ones, in the word the builtin mask still covers.
    assert_eq!(alpha.index(), beta.index());
    assert_eq!(usize::from(alpha.index()), Catalog::builtin().len());
    let required: &'static [Permission<'static>] = leak([perm::routing::QUEUE_VIEW, alpha]);
    let gate: &'static GateInfo = leak(GateInfo::new("AlphaPanel", "the alpha panel", required, &[]));

    let grants = ["routing:queue:view", "ui:betaPanel:view", "ui:alphaPanel:view"];
    let beta_policy = Policy::builder(beta_catalog).role("beta", grants).unwrap().build();
    let role = beta_policy.role("beta").unwrap();
    let denied = beta_policy.check_info(role, gate, None).unwrap_err();
    assert_eq!(denied.foreign(), [alpha]);
    assert!(denied.missing().is_empty() && denied.unmet_any_of().is_empty());
    assert_eq!(
        denied.to_string(),
        "role `beta` does not satisfy gate `AlphaPanel`: refused, the gate names permissions of \
         another catalog than the policy's (build the gate from the catalog the policy was built \
         with):\n  - ui:alphaPanel:view"
    );

    // An any-of group with a member of another catalog is refused too, even where another
    // member is held.
    let any_of: &'static [&'static [Permission<'static>]] =
        leak([leak([alpha, perm::routing::QUEUE_JOIN]) as &[Permission<'static>]]);
    let either: &'static GateInfo = leak(GateInfo::new("Either", "alpha or join", &[], any_of));
    let joiner = Policy::builder(beta_catalog)
        .role("join", ["routing:queue:join"])
        .unwrap()
        .build();
    let denied = joiner
        .check_info(joiner.role("join").unwrap(), either, None)
        .unwrap_err();
    assert_eq!(denied.foreign(), [alpha]);

    // The policy of the gate's own catalog decides it.
    let alpha_policy = Policy::builder(alpha_catalog)
        .role("alpha", ["routing:queue:view", "ui:alphaPanel:view"])
        .unwrap()
        .role("queue only", ["routing:queue:view"])
        .unwrap()
        .build();
    assert_eq!(
        alpha_policy.check_info(alpha_policy.role("alpha").unwrap(), gate, None),
        Ok(())
    );
    let denied = alpha_policy
        .check_info(alpha_policy.role("queue only").unwrap(), gate, None)
        .unwrap_err();
    assert_eq!((denied.missing(), denied.foreign()), (&[alpha][..], &[][..]));
    assert!(
        alpha_policy
            .check_info(alpha_policy.role("alpha").unwrap(), either, None)
            .is_ok()
    );
}

// 6. Whole-entity rows are taken across a user's grants.

/// Roles `add, delete` and `edit, view` of `attributes:attribute`, and `apps`
/// (`integration:amiPremiumApps:view`).
fn split_roles(builder: &mut PolicyBuilder) -> [RoleId; 3] {
    [
        (
            "add, delete",
            ["attributes:attribute:add", "attributes:attribute:delete"].as_slice(),
        ),
        (
            "edit, view",
            &["attributes:attribute:edit", "attributes:attribute:view"],
        ),
        ("apps", &["integration:amiPremiumApps:view"]),
    ]
    .map(|(name, grants)| builder.add_role(name, grants).unwrap())
}

#[test]
fn whole_entity_row_is_taken_from_every_grant_of_a_user_in_the_division() {
    let catalog = ami_catalog();
    let mut builder = Policy::builder(&catalog);
    let [add_delete, edit_view, apps] = split_roles(&mut builder);
    let all = builder
        .add_role(
            "all four",
            [
                "attributes:attribute:add",
                "attributes:attribute:delete",
                "attributes:attribute:edit",
                "attributes:attribute:view",
                "integration:amiPremiumApps:view",
            ],
        )
        .unwrap();
    let split = builder
        .add_user(
            "split",
            [
                (add_delete, Division::All),
                (edit_view, Division::All),
                (apps, Division::All),
            ],
        )
        .unwrap();
    let one = builder.add_user("one role", [(all, Division::All)]).unwrap();
    let east = builder
        .add_user(
            "east",
            [
                (add_delete, Division::All),
                (edit_view, Division::new("d-east")),
                (apps, Division::All),
            ],
        )
        .unwrap();
    let apart = builder
        .add_user(
            "apart",
            [
                (add_delete, Division::new("d-west")),
                (edit_view, Division::new("d-east")),
                (apps, Division::All),
            ],
        )
        .unwrap();
    let policy = builder.build();

    assert!(policy.check::<AmiNotes>(one).is_ok());
    assert!(
        policy.check::<AmiNotes>(split).is_ok(),
        "{:?}",
        policy.check::<AmiNotes>(split).err()
    );
    assert!(policy.allows(policy.user_in(split, "d-any"), perm::attributes::ATTRIBUTE_ALL));
    // Division by division: what the grants in reach there hold.
    assert!(policy.check::<AmiNotes>(policy.user_in(east, "d-east")).is_ok());
    assert!(policy.check::<AmiNotes>(policy.user_in(east, "d-west")).is_err());
    assert!(policy.check::<AmiNotes>(east).is_err());
    for division in ["d-east", "d-west", "d-north"] {
        assert!(
            !policy.allows(policy.user_in(apart, division), perm::attributes::ATTRIBUTE_ALL),
            "{division}"
        );
    }
    assert!(!policy.allows(apart, perm::attributes::ATTRIBUTE_ALL));
}

#[test]
fn whole_entity_row_is_taken_across_three_and_four_segment_strings_of_users_me() {
    let doc = UserAuthorization::parse(
        r#"{"id": "u-1", "authorization": {"permissions": [
            "attributes:attribute:add", "attributes:attribute:delete",
            "attributes:attribute:edit:d-east", "attributes:attribute:view:d-east",
            "integration:amiPremiumApps:view"]}}"#,
    )
    .unwrap();
    let catalog = ami_catalog();
    let mut builder = Policy::builder(&catalog);
    let user = builder.add_user_definition(&doc.definition(None)).unwrap();
    let policy = builder.build();
    assert!(policy.check::<AmiNotes>(policy.user_in(user, "d-east")).is_ok());
    let denied = policy.check::<AmiNotes>(policy.user_in(user, "d-west")).unwrap_err();
    assert_eq!(denied.missing(), [perm::attributes::ATTRIBUTE_ALL]);
    assert!(!policy.allows(user, perm::attributes::ATTRIBUTE_ALL));
}

/// The four actions the fixture lists for `attributes:attribute`.
const ACTIONS: [&str; 4] = ["add", "delete", "edit", "view"];
const DIVISIONS: [&str; 3] = ["*", "d-1", "d-2"];

/// A policy of one role per `(grants, division)` of `roles`, each granted to user `u` in
/// `DIVISIONS[division]`: grant `0..4` is that action of `attributes:attribute`, `4` its
/// wildcard, `5` `integration:amiPremiumApps:view`.
fn generated_user(catalog: &Catalog, roles: &[(Vec<usize>, usize)]) -> (Policy, UserId, Vec<RoleId>) {
    let mut builder = Policy::builder(catalog);
    let mut grants = Vec::new();
    for (n, (actions, division)) in roles.iter().enumerate() {
        let keys: Vec<String> = actions
            .iter()
            .map(|&a| match ACTIONS.get(a) {
                Some(action) => format!("attributes:attribute:{action}"),
                None if a == 4 => "attributes:attribute:*".to_owned(),
                None => "integration:amiPremiumApps:view".to_owned(),
            })
            .collect();
        let role = builder.add_role(&format!("r{n}"), &keys).unwrap();
        grants.push((role, Division::new(DIVISIONS[*division])));
    }
    let ids = grants.iter().map(|(role, _)| *role).collect();
    let user = builder.add_user("u", grants).unwrap();
    (builder.build(), user, ids)
}

proptest! {
    /// Against a naive model: in division D the user holds `attributes:attribute:*` when some
    /// grant in D or in `*` holds the wildcard, or the actions the grants in D or in `*` hold,
    /// taken together, are the four the catalog lists; asked in every division at once, the
    /// grants in `*` alone count (the fixture says nothing of division-awareness: the safe side).
    #[test]
    fn whole_entity_rows_agree_with_a_model_of_the_union_per_division(
        roles in prop::collection::vec((prop::collection::vec(0usize..5, 0..4), 0usize..3), 1..5),
    ) {
        let catalog = ami_catalog();
        let (policy, user, _) = generated_user(&catalog, &roles);
        let model = |in_reach: &dyn Fn(usize) -> bool| {
            let held: BTreeSet<usize> = roles
                .iter()
                .filter(|(_, division)| in_reach(*division))
                .flat_map(|(actions, _)| actions.iter().copied())
                .collect();
            held.contains(&4) || (0..4).all(|a| held.contains(&a))
        };
        prop_assert_eq!(policy.allows(user, perm::attributes::ATTRIBUTE_ALL), model(&|d| d == 0));
        for (index, division) in DIVISIONS.iter().enumerate().skip(1) {
            let expected = model(&|d| d == 0 || d == index);
            prop_assert_eq!(policy.allows(policy.user_in(user, division), perm::attributes::ATTRIBUTE_ALL), expected, "{}", division);
        }
        prop_assert_eq!(policy.allows(policy.user_in(user, "d-3"), perm::attributes::ATTRIBUTE_ALL), model(&|d| d == 0));
    }
}

// 6 and 15. `explain` gives reasons for a whole-entity row held only across grants.

/// The actions of the reasons `By::EveryActionWithOthers` gives, as keys.
fn actions_given(why: &permgate::explain::Explanation<'_>) -> BTreeSet<String> {
    why.reasons
        .iter()
        .filter_map(|reason| match &reason.by {
            By::EveryActionWithOthers(actions) => Some(actions.iter().map(|p| p.key().to_owned())),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn explain_lists_each_grant_holding_actions_of_a_whole_entity_row_no_grant_holds_alone() {
    let catalog = ami_catalog();
    let build = || {
        let mut builder = Policy::builder(&catalog);
        let [add_delete, edit_view, apps] = split_roles(&mut builder);
        let grants = [
            (add_delete, Division::All),
            (edit_view, Division::new("d-east")),
            (apps, Division::All),
        ];
        let split = builder.add_user("split", grants).unwrap();
        (builder.build(), split)
    };
    let (policy, split) = build();
    // The same roles and user in another policy.
    let (other, _) = build();
    let four: BTreeSet<String> = ACTIONS.iter().map(|a| format!("attributes:attribute:{a}")).collect();

    let why = policy.explain(policy.user_in(split, "d-east"), perm::attributes::ATTRIBUTE_ALL);
    assert_eq!(why.decision, Decision::Allowed);
    let given: Vec<_> = why
        .reasons
        .iter()
        .map(|r| (r.role, r.division.map(Division::id)))
        .collect();
    assert_eq!(
        given,
        [("add, delete", Some("*")), ("edit, view", Some("d-east"))],
        "{why}"
    );
    assert!(why.reasons.iter().all(|r| r.condition.is_none() && r.named_role));
    assert_eq!(actions_given(&why), four);
    assert_eq!(
        why.to_string(),
        "`attributes:attribute:*` is allowed\n  \
         - role `add, delete` in every division: the actions `attributes:attribute:add`, \
         `attributes:attribute:delete`, which with those of the other grants listed are every action \
         the catalog lists for the entity\n  \
         - role `edit, view` in division `d-east`: the actions `attributes:attribute:edit`, \
         `attributes:attribute:view`, which with those of the other grants listed are every action \
         the catalog lists for the entity"
    );
    // One grant holding every listed action is its own reason.
    let why = policy.explain(policy.user_in(split, "d-east"), perm::integration::AMI_PREMIUM_APPS_ALL);
    assert_eq!(why.decision, Decision::Allowed);
    assert_eq!(why.reasons.len(), 1, "{why}");
    assert_eq!((why.reasons[0].role, &why.reasons[0].by), ("apps", &By::EveryAction));
    // Where the grants in reach do not hold every action: denied, and no reason.
    let why = policy.explain(policy.user_in(split, "d-west"), perm::attributes::ATTRIBUTE_ALL);
    assert_eq!((&why.decision, why.reasons.len()), (&Decision::Denied, 0), "{why}");
    // Asked in every division: denied, and the grants that hold it together in `d-east` are
    // given as granted elsewhere.
    let why = policy.explain(split, perm::attributes::ATTRIBUTE_ALL);
    assert_eq!((&why.decision, why.reasons.len()), (&Decision::Denied, 0), "{why}");
    let elsewhere: Vec<_> = why
        .elsewhere
        .iter()
        .map(|r| (r.role, r.division.map(Division::id)))
        .collect();
    assert_eq!(
        elsewhere,
        [("add, delete", Some("*")), ("edit, view", Some("d-east"))],
        "{why}"
    );
    let text = why.to_string();
    assert!(text.contains("granted only in other divisions"), "{text}");
    // A user of another policy: denied, and nothing of this policy's grants is given.
    let why = other.explain(split, perm::attributes::ATTRIBUTE_ALL);
    assert_eq!(
        (&why.decision, why.reasons.len(), why.elsewhere.len()),
        (&Decision::Denied, 0, 0),
        "{why}"
    );
}

#[test]
fn explain_takes_an_action_that_is_not_division_aware_from_a_grant_in_another_division() {
    let catalog = permgate::genesys::org_catalog(
        Catalog::builtin(),
        &AMI_ENTITY_ACTIONS.replace(
            r#""action": "view"}]}}"#,
            r#""action": "view", "divisionAware": false}]}}"#,
        ),
    )
    .unwrap();
    assert!(!catalog.is_division_aware(catalog.resolve("attributes:attribute:view").unwrap()));
    let mut builder = Policy::builder(&catalog);
    let three = builder
        .add_role(
            "three",
            [
                "attributes:attribute:add",
                "attributes:attribute:delete",
                "attributes:attribute:edit",
            ],
        )
        .unwrap();
    let view = builder.add_role("view", ["attributes:attribute:view"]).unwrap();
    let user = builder
        .add_user("u", [(three, Division::All), (view, Division::new("d-west"))])
        .unwrap();
    let policy = builder.build();
    let why = policy.explain(policy.user_in(user, "d-east"), perm::attributes::ATTRIBUTE_ALL);
    assert_eq!(why.decision, Decision::Allowed);
    let given: Vec<_> = why
        .reasons
        .iter()
        .map(|r| (r.role, r.division.map(Division::id)))
        .collect();
    assert_eq!(given, [("three", Some("*")), ("view", Some("d-west"))], "{why}");
    assert_eq!(actions_given(&why).len(), 4, "{why}");
    let text = why.to_string();
    assert!(
        text.contains("role `view` in division `d-west`: the action `attributes:attribute:view`, which"),
        "{text}"
    );
}

#[test]
fn explain_gives_the_grant_sets_of_users_me_that_hold_a_whole_entity_row_together() {
    let doc = UserAuthorization::parse(
        r#"{"id": "u-1", "authorization": {"permissions": [
            "attributes:attribute:add", "attributes:attribute:delete",
            "attributes:attribute:edit:d-east", "attributes:attribute:view:d-east"]}}"#,
    )
    .unwrap();
    let catalog = ami_catalog();
    let mut builder = Policy::builder(&catalog);
    let user = builder.add_user_definition(&doc.definition(None)).unwrap();
    let policy = builder.build();
    let why = policy.explain(policy.user_in(user, "d-east"), perm::attributes::ATTRIBUTE_ALL);
    assert_eq!(why.decision, Decision::Allowed);
    assert_eq!(why.reasons.len(), 2, "{why}");
    assert!(why.reasons.iter().all(|r| !r.named_role), "{why}");
    assert_eq!(actions_given(&why).len(), 4, "{why}");
}

proptest! {
    /// Every `Allowed` of `explain` carries a reason that is not conditional, for users in
    /// every division, in each division and in one no grant names, and for each role; for a
    /// whole-entity row held by no grant alone, the actions the reasons give are the four the
    /// catalog lists; and a user denied in every division but allowed in a named one is told
    /// of a grant elsewhere.
    #[test]
    fn every_allowed_explanation_gives_an_unconditional_reason(
        roles in prop::collection::vec((prop::collection::vec(0usize..6, 0..4), 0usize..3), 1..5),
    ) {
        let catalog = ami_catalog();
        let (policy, user, ids) = generated_user(&catalog, &roles);
        let mut principals: Vec<permgate::Principal> = vec![user.into()];
        principals.extend(["d-1", "d-2", "d-3"].map(|d| policy.user_in(user, d)));
        principals.extend(ids.iter().map(|&role| permgate::Principal::from(role)));
        let asked = [perm::attributes::ATTRIBUTE_ALL, perm::integration::AMI_PREMIUM_APPS_ALL];
        for who in principals {
            for permission in asked.iter().copied().chain(catalog.resolve("attributes:attribute:edit")) {
                let why = policy.explain(who, permission);
                if why.decision == Decision::Allowed {
                    prop_assert!(why.reasons.iter().any(|r| r.condition.is_none()), "{}", why);
                    let together = actions_given(&why);
                    prop_assert!(together.is_empty() || together.len() == 4, "{}", why);
                }
            }
        }
        // Denied in every division but allowed in a named one: said where.
        for permission in asked {
            let why = policy.explain(user, permission);
            let somewhere = ["d-1", "d-2"].iter().any(|d| policy.allows(policy.user_in(user, d), permission));
            if why.decision != Decision::Allowed && somewhere {
                prop_assert!(why.elsewhere.iter().any(|r| r.condition.is_none()), "{}", why);
            }
        }
    }
}

// 19. `resolve` agrees with `lookup` on an organization permission whose action is `all`.

#[test]
fn resolve_accepts_an_organization_permission_whose_action_is_all() {
    let org = r#"{"entities": [{"domain": "telephony", "permissionMap": {"plugin": [
        {"domain": "telephony", "entityType": "plugin", "action": "all", "label": "Telephony > Plugin > All"}]}}]}"#;
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), org).unwrap();
    let plugin = catalog.lookup("telephony:plugin:all").unwrap();
    for name in [
        "Telephony > Plugin > All",
        "telephony>plugin>ALL",
        "telephony:plugin:all",
    ] {
        assert_eq!(catalog.lookup(name), Some(plugin), "{name}");
        assert_eq!(catalog.resolve(name), Ok(plugin), "{name}");
    }
    // Wildcards stay wildcards: a builtin label wildcard, and a whole-entity row.
    for name in [
        "Journey > Segment > All",
        "Integration > amiPremiumApps > All Permissions",
        "integration:amiPremiumApps:*",
    ] {
        assert!(
            matches!(catalog.resolve(name), Err(QuestionError::Wildcard { .. })),
            "{name}"
        );
    }
    // Without the label, the builtin catalog knows the key only.
    assert!(matches!(
        Catalog::builtin().resolve("Telephony > Plugin > All"),
        Err(QuestionError::Wildcard { .. })
    ));
}

// 22. Labels as the vendor's pages print them, no-break spaces and all.

/// The label of the row of `file` (in `../shared/sources`) that starts with `start` and ends
/// with `description`, as printed; `None` when the sources are not there.
fn printed_label(file: &str, start: &str, description: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/sources")
        .join(file);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: ../shared/sources not found");
        return None;
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(start))
        .unwrap();
    Some(line.strip_suffix(description).unwrap().trim_end_matches(' ').to_owned())
}

#[test]
fn labels_with_the_no_break_spaces_the_pages_print_are_found() {
    let printed = [
        printed_label(
            "genesys-cloud-digital-user-tracking-permissions.txt",
            "External Contacts\u{a0}>\u{a0}Contact",
            " To view a contact.",
        ),
        printed_label(
            "genesys-cloud-predictive-engagement-permissions.txt",
            "External Contacts\u{a0}>\u{a0}Contact",
            " To view a contact.",
        ),
    ];
    let typed = [
        "External\u{a0}Contacts\u{202f}>\u{2009}Contact\u{a0}>\u{a0}View".to_owned(),
        "External Contacts\u{a0}>\u{a0}Contact\u{a0}>\u{a0}View".to_owned(),
    ];
    let catalog = Catalog::builtin();
    let contact_view = catalog.lookup("External Contacts > Contact > View").unwrap();
    let policy = Policy::builder(catalog)
        .role(
            "r",
            [
                "External Contacts\u{a0}>\u{a0}Contact\u{a0}>\u{a0}View",
                "Journey\u{a0}>\u{a0}Segment\u{a0}>\u{a0}All",
            ],
        )
        .unwrap()
        .build();
    let role = policy.role("r").unwrap();
    assert!(policy.allows(role, contact_view));
    assert!(policy.allows(role, perm::journey::SEGMENT_EDIT));
    for label in printed.into_iter().flatten().chain(typed) {
        assert!(label.contains('\u{a0}'), "{label:?}");
        assert_eq!(catalog.lookup(&label), Some(contact_view), "{label:?}");
        assert_eq!(catalog.resolve(&label), Ok(contact_view), "{label:?}");
        assert_eq!(policy.allows(role, label.as_str()), Ok(true), "{label:?}");
    }
    // A wildcard label is one with any spaces too.
    assert!(matches!(
        policy.allows(role, "Journey > Segment >\u{a0}All\u{a0}Permissions"),
        Err(QuestionError::Wildcard { .. })
    ));
    // An unknown label says where its invisible characters are; tabs are not spaces.
    let error = catalog.resolve("External\u{a0}Contacts > Contact > Fly").unwrap_err();
    assert_eq!(
        error.to_string(),
        r"unknown label `External\u{a0}Contacts > Contact > Fly`"
    );
    assert!(catalog.lookup("External Contacts >\tContact > View").is_none());
}

// 23. An entity no loaded catalog lists an action of: the denial and the audit say so.

#[test]
fn an_expanded_ami_role_without_the_org_catalog_is_told_to_load_it() {
    let org = ami_catalog();
    let expanded: Vec<String> = permgate::builtins::role("AMI R3|standard user role")
        .unwrap()
        .grants
        .iter()
        .flat_map(|grant| match grant.strip_suffix(":*") {
            Some(entity) => org
                .iter()
                .map(|p| p.key().to_owned())
                .filter(|key| key.rsplit_once(':').is_some_and(|(e, a)| e == entity && a != "*"))
                .collect(),
            None => vec![(*grant).to_owned()],
        })
        // Transfer as the Platform API grants it (the published key is none of its).
        .chain(["conversation:communication:blindTransfer".to_owned()])
        .collect();
    assert!(expanded.iter().all(|grant| !grant.contains('*')));
    let policy = Policy::builder(Catalog::builtin())
        .role("ami", &expanded)
        .unwrap()
        .build();
    let ami = policy.role("ami").unwrap();
    let denied = policy.check::<AmiStandardUser>(ami).unwrap_err();
    let rows = [perm::attributes::ATTRIBUTE_ALL, perm::integration::AMI_PREMIUM_APPS_ALL];
    assert_eq!(denied.missing(), rows);
    assert_eq!(denied.unlisted_entities(), rows);
    let text = denied.to_string();
    assert!(
        text.contains(
            "integration:amiPremiumApps:* (Integration > amiPremiumApps > All Permissions): only the \
             wildcard gives it, since the loaded catalogs list no action of `integration:amiPremiumApps`"
        ),
        "{text}"
    );
    assert!(text.contains("`Catalog::with_org_catalog` or `--catalog`"), "{text}");

    let audit = policy.audit(ami).unwrap();
    assert!(
        !audit.licenses.contains_key("AMI user license"),
        "{:?}",
        audit.licenses.keys()
    );
    let unlisted: Vec<(&str, Vec<&str>)> = audit
        .unlisted_entities
        .iter()
        .map(|u| (u.permission.key(), u.keys.clone()))
        .collect();
    assert_eq!(
        unlisted,
        [
            (
                "attributes:attribute:*",
                vec![
                    "attributes:attribute:add",
                    "attributes:attribute:delete",
                    "attributes:attribute:edit",
                    "attributes:attribute:view"
                ]
            ),
            ("integration:amiPremiumApps:*", vec!["integration:amiPremiumApps:view"]),
        ]
    );

    // With the organization's catalog the same role passes, nothing is unlisted, and the
    // license the row assigns is reported.
    let policy = Policy::builder(&org).role("ami", &expanded).unwrap().build();
    let ami = policy.role("ami").unwrap();
    assert!(policy.check::<AmiStandardUser>(ami).is_ok());
    let audit = policy.audit(ami).unwrap();
    assert!(audit.unlisted_entities.is_empty());
    let license = &audit.licenses["AMI user license"];
    assert_eq!(license.permissions, [perm::integration::AMI_PREMIUM_APPS_ALL]);
}

// 25. The proof of a gate with any-of groups says which member passed.

#[test]
fn a_skylight_read_proof_says_which_scope_passed() {
    let policy = Policy::builder(Catalog::builtin())
        .role("own", ["NOTES_READ_SELF", "ARTIFACTS_READ_SELF"])
        .unwrap()
        .role("tenant", ["NOTES_READ_ALL", "ARTIFACTS_READ_ALL"])
        .unwrap()
        .role("both", ["NOTES_READ_ALL", "NOTES_READ_SELF"])
        .unwrap()
        .build();
    let own = policy.check::<SkylightNotesRead>(policy.role("own").unwrap()).unwrap();
    assert_eq!(own.any_of_held().collect::<Vec<_>>(), [perm::cxengage::NOTES_READ_SELF]);
    assert!(own.held(perm::cxengage::NOTES_READ_SELF) && !own.held(perm::cxengage::NOTES_READ_ALL));
    let tenant = policy
        .check::<SkylightNotesRead>(policy.role("tenant").unwrap())
        .unwrap();
    assert!(tenant.held(perm::cxengage::NOTES_READ_ALL) && !tenant.held(perm::cxengage::NOTES_READ_SELF));
    let both = policy.check::<SkylightNotesRead>(policy.role("both").unwrap()).unwrap();
    assert_eq!(
        both.any_of_held().collect::<Vec<_>>(),
        [perm::cxengage::NOTES_READ_ALL, perm::cxengage::NOTES_READ_SELF]
    );
    let artifacts = policy
        .check::<ContactHistoryArtifacts>(policy.role("tenant").unwrap())
        .unwrap();
    assert!(artifacts.held(perm::cxengage::ARTIFACTS_READ_ALL));
    let artifacts = policy
        .check::<ContactHistoryArtifacts>(policy.role("own").unwrap())
        .unwrap();
    assert!(!artifacts.held(perm::cxengage::ARTIFACTS_READ_ALL));
    // A permission the gate does not name is never said to be held.
    assert!(!artifacts.held(perm::cxengage::NOTES_READ_SELF));
}

#[cfg(feature = "cli")]
mod support;

/// The CLI says the same: `audit` lists the entities without `--catalog`, not with it, and
/// `check` notes the row.
#[cfg(feature = "cli")]
#[test]
fn the_cli_names_entities_no_loaded_catalog_lists_an_action_of() {
    use support::{TempDir, assert_exit, permgate};

    let dir = TempDir::new();
    let role = dir.file(
        "expanded.json",
        r#"{"name": "expanded", "permissionPolicies": [
            {"domain": "attributes", "entityName": "attribute", "actionSet": ["add", "delete", "edit", "view"]},
            {"domain": "integration", "entityName": "amiPremiumApps", "actionSet": ["view"]}]}"#,
    );
    let catalog = dir.file("catalog.json", AMI_ENTITY_ACTIONS);
    let run = permgate(&["audit", &role]);
    assert_exit(&run, 0);
    assert!(
        run.stdout
            .contains("whole entities the loaded catalogs list no action of (2)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("integration:amiPremiumApps:*"), "{}", run.stdout);
    let json = permgate(&["audit", &role, "--json"]).json();
    assert_eq!(
        json["roles"][0]["unlisted_entities"][1],
        serde_json::json!({"permission": "integration:amiPremiumApps:*", "keys": ["integration:amiPremiumApps:view"]})
    );
    let run = permgate(&["audit", &role, "--catalog", &catalog]);
    assert_exit(&run, 0);
    assert!(!run.stdout.contains("list no action of"), "{}", run.stdout);
    let run = permgate(&["check", &role, "--gate", "AmiNotes"]);
    assert_exit(&run, 1);
    assert!(run.stdout.contains("only the wildcard gives it"), "{}", run.stdout);
}

/// `permgate explain` prints the grants that hold a whole-entity row together, and its JSON
/// gives each with the actions it holds.
#[cfg(feature = "cli")]
#[test]
fn the_cli_explains_a_whole_entity_row_held_across_grants() {
    use support::{TempDir, assert_exit, permgate};

    let dir = TempDir::new();
    let subject = dir.file(
        "subject.json",
        r#"{"id": "u-1", "name": "Ana", "grants": [
  {"division": {"id": "*"}, "role": {"id": "r1", "name": "add, delete", "policies": [
    {"domain": "attributes", "entityName": "attribute", "actionSet": ["add", "delete"]}]}},
  {"division": {"id": "d-east"}, "role": {"id": "r2", "name": "edit, view", "policies": [
    {"domain": "attributes", "entityName": "attribute", "actionSet": ["edit", "view"]}]}}
]}"#,
    );
    let catalog = dir.file("catalog.json", AMI_ENTITY_ACTIONS);
    let args = [
        "explain",
        &subject,
        "attributes:attribute:*",
        "--division",
        "d-east",
        "--catalog",
        &catalog,
    ];
    let run = permgate(&args);
    assert_exit(&run, 0);
    assert_eq!(
        run.stdout,
        "subject `Ana` in division `d-east`: `attributes:attribute:*` is allowed\n  \
         - role `add, delete` in every division: the actions `attributes:attribute:add`, \
         `attributes:attribute:delete`, which with those of the other grants listed are every action \
         the catalog lists for the entity\n  \
         - role `edit, view` in division `d-east`: the actions `attributes:attribute:edit`, \
         `attributes:attribute:view`, which with those of the other grants listed are every action \
         the catalog lists for the entity\n"
    );
    let json = permgate(&[&args[..], &["--json"]].concat()).json();
    assert_eq!(json["decision"], "allowed");
    assert_eq!(
        json["reasons"][1],
        serde_json::json!({"role": "edit, view", "named_role": true, "division": "d-east",
            "by": "every_action_with_others", "condition": null,
            "actions": ["attributes:attribute:edit", "attributes:attribute:view"]})
    );
    assert_eq!(json["reasons"].as_array().map(Vec::len), Some(2));
    // In another division the grants in reach do not hold every action; `allows` agrees, by
    // the row's label too; a wildcard that is no catalog row stays refused.
    let west = permgate(&[
        "explain",
        &subject,
        "attributes:attribute:*",
        "--division",
        "d-west",
        "--catalog",
        &catalog,
    ]);
    assert_exit(&west, 1);
    let everywhere = permgate(&["explain", &subject, "attributes:attribute:*", "--catalog", &catalog]);
    assert_exit(&everywhere, 1);
    assert!(
        everywhere.stdout.contains(
            "granted only in other divisions (ask in one of them):\n  - role `add, delete` in every division: the actions"
        ),
        "{}",
        everywhere.stdout
    );
    let label = "Attributes > Attribute > All Permissions";
    let allows = |division: &str| permgate(&["allows", &subject, label, "--division", division, "--catalog", &catalog]);
    assert_exit(&allows("d-east"), 0);
    assert_exit(&allows("d-west"), 1);
    assert_exit(
        &permgate(&["explain", &subject, "attributes:*:*", "--catalog", &catalog]),
        2,
    );
}

// 5 with 8: a gate of another catalog is refused in both key sets, and a gate past the
// mask does not require a key the platform removed.

#[test]
fn a_foreign_gate_is_refused_by_the_documented_check_too() {
    let alpha_catalog = org_catalog_of("alphaDocs");
    let beta_catalog = org_catalog_of("betaDocs");
    let alpha = alpha_catalog.lookup("ui:alphaDocs:view").unwrap();
    let gate: &'static GateInfo = leak(GateInfo::new("AlphaDocs", "alpha", leak([alpha]), &[]));
    let beta_policy = Policy::builder(beta_catalog)
        .role("beta", ["ui:betaDocs:view", "ui:alphaDocs:view"])
        .unwrap()
        .build();
    let role = beta_policy.role("beta").unwrap();
    let documented = permgate::gate::CheckOptions::at(None).documented();
    let denied = beta_policy.check_info(role, gate, documented).unwrap_err();
    assert_eq!(denied.foreign(), [alpha]);
    // The gate's own catalog passes it in both.
    let alpha_policy = Policy::builder(alpha_catalog)
        .role("alpha", ["ui:alphaDocs:view"])
        .unwrap()
        .build();
    let role = alpha_policy.role("alpha").unwrap();
    assert_eq!(alpha_policy.check_info(role, gate, documented), Ok(()));
    assert_eq!(alpha_policy.check_info(role, gate, None), Ok(()));
}

#[test]
fn a_gate_past_the_mask_does_not_require_a_removed_key_today() {
    let catalog = org_catalog_of("eventPanel");
    let panel = catalog.lookup("ui:eventPanel:view").unwrap();
    let removed = perm::journey::EVENTTYPE_VIEW;
    assert!(removed.removed_after().is_some());
    let gate: &'static GateInfo = leak(GateInfo::new("EventPanel", "events", leak([panel, removed]), &[]));
    let policy = Policy::builder(catalog)
        .role("current", ["ui:eventPanel:view"])
        .unwrap()
        .build();
    let role = policy.role("current").unwrap();
    assert_eq!(policy.check_info(role, gate, None), Ok(()));
    let denied = policy
        .check_info(role, gate, permgate::gate::CheckOptions::at(None).documented())
        .unwrap_err();
    assert_eq!(denied.missing(), [removed]);
}

#[test]
fn refusals_for_a_removed_feature_or_a_foreign_gate_say_why_in_the_403_body() {
    use permgate::genesys::{
        ForbiddenBody, GATE_REFUSED, REASON_FEATURE_REMOVED, REASON_FOREIGN_CATALOG, forbidden_body,
    };
    let policy = Policy::builder(Catalog::builtin())
        .role("widgets", ["widgets:*:*"])
        .unwrap()
        .build();
    let role = policy.role("widgets").unwrap();
    let denied = policy.check::<permgate::gates::WebChatDeployment>(role).unwrap_err();
    assert!(denied.feature_removed());
    let body = forbidden_body(&denied, None);
    assert_eq!(
        (body["code"].as_str(), body["messageParams"]["reason"].as_str()),
        (Some(GATE_REFUSED), Some(REASON_FEATURE_REMOVED))
    );
    assert!(body["message"].as_str().unwrap().contains("no longer exists"), "{body}");
    let read = ForbiddenBody::parse(&body.to_string()).unwrap();
    assert_eq!(read.refused.as_deref(), Some(REASON_FEATURE_REMOVED));
    assert!(read.missing.is_empty() && read.any_of.is_empty());

    let alpha = org_catalog_of("alphaBody").lookup("ui:alphaBody:view").unwrap();
    let gate: &'static GateInfo = leak(GateInfo::new("AlphaBody", "alpha", leak([alpha]), &[]));
    let beta = Policy::builder(org_catalog_of("betaBody"))
        .role("beta", ["ui:betaBody:view"])
        .unwrap()
        .build();
    let denied = beta.check_info(beta.role("beta").unwrap(), gate, None).unwrap_err();
    let body = forbidden_body(&denied, None);
    assert_eq!(body["messageParams"]["reason"], REASON_FOREIGN_CATALOG, "{body}");
    assert_eq!(
        ForbiddenBody::parse(&body.to_string()).unwrap().refused.as_deref(),
        Some(REASON_FOREIGN_CATALOG)
    );
}
