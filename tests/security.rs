//! Security review as tests: deny by default, wildcards never escape their domain or entity,
//! CxEngage `_ALL` is a name and not a wildcard, and a `Granted` proof only comes from `check`.
//!
//! That `Granted` cannot be forged at compile time (private fields, no `Default`, no
//! constructor, not another gate's) is shown by the `compile_fail` doctests on `Granted` in
//! `crates/permgate-core/src/gate.rs` (`cargo test --doc`); here we check at run time that `check` is the only way to a
//! proof, that the proof records the policy that made it, and that it refuses whatever is short of
//! the gate.
//!
//! The wildcard tests run over the builtin catalog and, when `../shared/data` is present, over the
//! real organization catalog `genesys-cloud/permissions-catalog.json` (they say `skipped` otherwise).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use permgate::gates::{
    ActionMapAnalyticsReport, ActionMapEditor, AgentExperienceMetrics, AgentJourneyView, AltocloudAdmin,
    AltocloudAgent, AmiAdminUser, AmiAuditLogAllInteractions, AmiAuditLogOneInteraction, AmiCannedResponses,
    AmiDisconnectAnyQueue, AmiDivisionUser, AmiExtraUser, AmiNotes, AmiOffQueueReply, AmiPark, AmiQuickActionBar,
    AmiStandardUser, AmiTagLabelCreate, AmiTagLabelSelect, ContactAttributesAdmin, ContactHistoryArtifacts,
    ContactLayoutsAdmin, ContactManagementPanel, ContentOffers, CustomerRecords, DigitalUserTrackingAdmin,
    DigitalUserTrackingAgent, LiveNow, MessengerTrackingDeployment, OutcomeEditor, OutcomePredictorEditor,
    PredictiveEngagementAdmin, PredictiveEngagementAgent, SegmentEditor, SkylightCustomRoleLogin, SkylightNotesCreate,
    SkylightNotesRead, SmartTagEditor, VisitorActivityReport, WebChatDeployment,
};
use permgate::genesys::{RoleFile, SubjectSpec};
use permgate::{
    BuildError, Catalog, Decision, Denied, Division, Gate, Permission, Policy, PolicyBuilder, PolicyHandle, Principal,
    RoleId, UserId, gate::CheckOptions, gate::GateInfo, parse::GrantError, parse::ParseError, perm,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const DIVISIONS: [&str; 4] = ["d1", "d2", "*", ""];

fn policy_with(catalog: &Catalog, roles: &[(&str, Vec<String>)]) -> Policy {
    let mut builder = Policy::builder(catalog);
    for (name, grants) in roles {
        builder.add_role(name, grants).unwrap();
    }
    builder.build()
}

/// [`policy_with`], and for each role a user of the same name holding it in all divisions (`*`).
fn policy_with_holders(catalog: &Catalog, roles: &[(&str, Vec<String>)]) -> Policy {
    let mut builder = Policy::builder(catalog);
    for (name, grants) in roles {
        let role = builder.add_role(name, grants).unwrap();
        builder.add_user(name, [(role, Division::All)]).unwrap();
    }
    builder.build()
}

/// Adds a user `holder of {role}` holding `role` in all divisions (`*`).
fn add_holder(builder: &mut PolicyBuilder, role: &str) -> UserId {
    let id = builder.role_id(role).unwrap();
    builder
        .add_user(&format!("holder of {role}"), [(id, Division::new("*"))])
        .unwrap()
}

/// `user` in every division (the user itself) and in each of [`DIVISIONS`], as `issuer` (the
/// policy that holds the user) makes them.
fn user_principals(issuer: &Policy, user: UserId) -> Vec<(String, Principal)> {
    let mut principals = vec![("every division".to_owned(), Principal::from(user))];
    for division in DIVISIONS {
        principals.push((format!("division `{division}`"), issuer.user_in(user, division)));
    }
    principals
}

fn keys<'a>(permissions: impl IntoIterator<Item = Permission<'a>>) -> Vec<&'a str> {
    permissions.into_iter().map(Permission::key).collect()
}

/// The real organization catalog, or `None` (after saying so) when `../shared/data` is absent.
fn real_org_catalog() -> Option<Catalog> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/genesys-cloud/permissions-catalog.json");
    if !path.is_file() {
        eprintln!("skipped: ../shared/data not found");
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    Some(permgate::genesys::org_catalog(Catalog::builtin(), &text).unwrap())
}

/// `policy.check::<G>(who)` for the builtin gate named `name`: the proof's principal, or the
/// denial. The proof must point back to the policy that made it.
fn check_typed(policy: &Policy, who: impl Into<Principal>, name: &str) -> Result<Principal, Denied> {
    fn proof<G: Gate>(policy: &Policy, who: Principal) -> Result<Principal, Denied> {
        let granted = policy.check::<G>(who)?;
        assert!(granted.is_from(policy), "a proof names the policy that made it");
        assert_eq!(granted.principal(), who);
        Ok(granted.principal())
    }
    let role: Principal = who.into();
    macro_rules! by_name {
        ($($gate:ident),* $(,)?) => {
            match name {
                $(stringify!($gate) => {
                    assert_eq!(<$gate as Gate>::INFO.name, name);
                    proof::<$gate>(policy, role)
                })*
                other => panic!("gate `{other}` is missing from check_typed"),
            }
        };
    }
    by_name!(
        AltocloudAdmin,
        AltocloudAgent,
        AmiStandardUser,
        AmiExtraUser,
        AmiDivisionUser,
        AmiAdminUser,
        ContactManagementPanel,
        SkylightCustomRoleLogin,
        DigitalUserTrackingAdmin,
        DigitalUserTrackingAgent,
        ActionMapEditor,
        ActionMapAnalyticsReport,
        PredictiveEngagementAdmin,
        PredictiveEngagementAgent,
        VisitorActivityReport,
        LiveNow,
        ContentOffers,
        WebChatDeployment,
        OutcomeEditor,
        OutcomePredictorEditor,
        SegmentEditor,
        CustomerRecords,
        AgentJourneyView,
        MessengerTrackingDeployment,
        SmartTagEditor,
        SkylightNotesRead,
        SkylightNotesCreate,
        ContactHistoryArtifacts,
        ContactLayoutsAdmin,
        ContactAttributesAdmin,
        AgentExperienceMetrics,
        AmiPark,
        AmiTagLabelSelect,
        AmiTagLabelCreate,
        AmiNotes,
        AmiQuickActionBar,
        AmiAuditLogOneInteraction,
        AmiAuditLogAllInteractions,
        AmiCannedResponses,
        AmiDisconnectAnyQueue,
        AmiOffQueueReply,
    )
}

fn gates() -> &'static [&'static GateInfo] {
    permgate::builtins::gates()
}

/// Every way of asking about `role` denies: `allows` and `decide` on every catalog permission
/// (typed, and by key and label as strings) and on `extra` keys, for the role and for `users` (a
/// user holding the role in all divisions, alone and in each division, see [`user_principals`]), and
/// every gate (typed `check` and `check_info`).
fn assert_denied_everything(policy: &Policy, role: RoleId, users: &[(String, Principal)], extra: &[&str], what: &str) {
    for p in policy.catalog().iter() {
        assert!(!policy.allows(role, p), "{what}: allows `{p}`");
        assert_eq!(policy.decide(role, p), Decision::Denied, "{what}: decide `{p}`");
        for (user, who) in users {
            assert!(!policy.allows(*who, p), "{what}: user in {user}: allows `{p}`");
            assert_eq!(
                policy.decide(*who, p),
                Decision::Denied,
                "{what}: user in {user}: decide `{p}`"
            );
        }
        if !p.is_wildcard() {
            let names = [Some(p.key()), p.label()];
            for name in names.into_iter().flatten() {
                assert_eq!(policy.allows(role, name), Ok(false), "{what}: allows `{name}`");
                assert_eq!(
                    policy.decide(role, name),
                    Ok(Decision::Denied),
                    "{what}: decide `{name}`"
                );
                for (user, who) in users {
                    assert_eq!(policy.allows(*who, name), Ok(false), "{what}: user in {user}: `{name}`");
                }
            }
        }
    }
    for &name in extra {
        assert_eq!(policy.allows(role, name), Ok(false), "{what}: allows `{name}`");
        assert_eq!(
            policy.decide(role, name),
            Ok(Decision::Denied),
            "{what}: decide `{name}`"
        );
        for (user, who) in users {
            assert_eq!(policy.allows(*who, name), Ok(false), "{what}: user in {user}: `{name}`");
            assert_eq!(
                policy.decide(*who, name),
                Ok(Decision::Denied),
                "{what}: user in {user}: decide `{name}`"
            );
        }
    }
    let principals = std::iter::once(("the role".to_owned(), Principal::from(role))).chain(users.iter().cloned());
    for (who_name, who) in principals {
        for gate in gates() {
            for release in [gate.release, None] {
                assert!(
                    policy.check_info(who, gate, release).is_err(),
                    "{what}: {who_name}: gate {}",
                    gate.name
                );
            }
            assert!(
                check_typed(policy, who, gate.name).is_err(),
                "{what}: {who_name}: gate {}",
                gate.name
            );
        }
    }
}

/// Role JSON with one policy per non-flat builtin permission, each under a condition.
fn conditional_role_json(name: &str, catalog: &Catalog) -> Value {
    let policies: Vec<Value> = catalog
        .iter()
        .filter(|p| !p.is_flat())
        .map(|p| {
            json!({"domain": p.domain(), "entityName": p.entity(), "actionSet": [p.action()], "allowConditions": true,
                   "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
                       "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}})
        })
        .collect();
    json!({"name": name, "permissionPolicies": policies})
}

fn add_role_json(builder: &mut permgate::PolicyBuilder, role: &Value) {
    let file = RoleFile::parse(&role.to_string()).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    for spec in &file.roles {
        builder.add_role_definition(spec).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Deny by default
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_role_names_resolve_to_nothing() {
    let policy = policy_with(Catalog::builtin(), &[("agent", vec!["journey:*:*".into()])]);
    for name in ["x", "", " ", "Agent", "AGENT", "agent ", " agent", "agent\0", "*"] {
        assert_eq!(policy.role(name), None, "`{name}`");
    }
    assert!(policy.role("agent").is_some());
    // A subject brings its roles; one naming a role the builder already holds is refused (a policy
    // knows roles by name), and adds neither its other roles nor its user.
    let spec = SubjectSpec::parse(
        r#"{"id": "u-1", "grants": [
            {"division": {"id": "*"}, "role": {"name": "agent", "policies": []}},
            {"division": {"id": "*"}, "role": {"name": "admin", "policies": [
                {"domain": "journey", "entityName": "*", "actionSet": ["*"]}]}}]}"#,
    )
    .unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role("agent", ["journey:*:*"]).unwrap();
    let error = builder.add_user_definition(&spec.definition()).unwrap_err();
    assert_eq!(error, BuildError::DuplicateRole { role: "agent".into() });
    assert_eq!(builder.role_id("admin"), None, "half-loaded");
    let policy = builder.build();
    assert_eq!((policy.roles().len(), policy.users().len()), (1, 0));
    assert_eq!(policy.user("u-1"), None);
    let agent = policy.role("agent").unwrap();
    assert!(
        policy.allows(agent, perm::journey::SEGMENT_VIEW),
        "the held role is unchanged"
    );
}

#[test]
fn an_empty_role_is_denied_everything() {
    let policy = policy_with_holders(Catalog::builtin(), &[("none", vec![])]);
    let none = policy.role("none").unwrap();
    let holder = policy.user("none").unwrap();
    assert_denied_everything(
        &policy,
        none,
        &user_principals(&policy, holder),
        &["journey:newthing:view", "ui:x:view", "NOTES_CREATE"],
        "empty role",
    );
    assert_eq!(policy.permissions(none).count(), 0);
    for (_, who) in user_principals(&policy, holder) {
        assert_eq!(policy.permissions(who).count(), 0);
    }
}

/// Conditional grants never make `allows` (of a role, or of a user holding it in any division) or
/// a gate true, and legacy `permissions[]` grant nothing at all.
#[test]
fn conditional_and_legacy_grants_never_allow_or_satisfy_a_gate() {
    let catalog = Catalog::builtin();
    let every_key: Vec<&str> = catalog.iter().map(Permission::key).collect();
    let mut builder = Policy::builder(catalog);
    add_role_json(&mut builder, &conditional_role_json("conditional", catalog));
    add_role_json(
        &mut builder,
        &json!({"name": "legacy", "permissionPolicies": [], "permissions": every_key}),
    );
    let conditional_holder = add_holder(&mut builder, "conditional");
    let legacy_holder = add_holder(&mut builder, "legacy");
    let policy = builder.build();
    let conditional = policy.role("conditional").unwrap();
    let legacy = policy.role("legacy").unwrap();
    assert_denied_everything(
        &policy,
        legacy,
        &user_principals(&policy, legacy_holder),
        &[],
        "legacy-only role",
    );
    assert_eq!(policy.audit(legacy).unwrap().legacy.len(), every_key.len());

    let users = user_principals(&policy, conditional_holder);
    for p in catalog.iter() {
        assert!(!policy.allows(conditional, p), "`{p}`");
        for (division, who) in &users {
            assert!(!policy.allows(*who, p), "`{p}` in {division}");
        }
        let decision = policy.decide(conditional, p);
        if p.is_flat() {
            assert_eq!(decision, Decision::Denied, "`{p}`");
        } else {
            assert!(
                matches!(decision, Decision::AllowedIf(ref c) if c.len() == 1),
                "`{p}`: {decision:?}"
            );
        }
        if !p.is_wildcard() {
            assert_eq!(policy.allows(conditional, p.key()), Ok(false), "`{p}`");
        }
    }
    for gate in gates() {
        assert!(
            policy.check_info(conditional, gate, gate.release).is_err(),
            "{}",
            gate.name
        );
        assert!(check_typed(&policy, conditional, gate.name).is_err(), "{}", gate.name);
        for (division, who) in &users {
            assert!(
                policy.check_info(*who, gate, gate.release).is_err(),
                "{} in {division}",
                gate.name
            );
        }
    }
}

/// A `RoleId` (and a `UserId`, and a user in a division) is only good in the policy that issued
/// it: another policy (built from the same roles and users, with fewer roles, or the next version
/// of a hot-reloaded policy) denies it everything, through every API, and no builder lets a user
/// hold a role of another policy.
#[test]
fn a_role_id_of_another_policy_is_denied_by_every_api() {
    let org = json!({"entities": [{"domain": "ui", "permissionMap": {"agentQueueActivity": [
        {"domain": "ui", "entityType": "agentQueueActivity", "action": "view", "divisionAware": false}]}}]});
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), &org.to_string()).unwrap();
    let mut everything: Vec<String> = Vec::new();
    let domains: BTreeSet<&str> = catalog.iter().filter(|p| !p.is_flat()).map(|p| p.domain()).collect();
    everything.extend(domains.iter().map(|d| format!("{d}:*:*")));
    everything.extend(catalog.iter().filter(|p| p.is_flat()).map(|p| p.key().to_owned()));
    everything.extend(["ui:unknown:view", "UNKNOWN_FLAT"].map(str::to_owned));
    let build = |roles: &[&str]| {
        let mut builder = Policy::builder(&catalog);
        add_role_json(&mut builder, &conditional_role_json("conditional", &catalog));
        add_holder(&mut builder, "conditional");
        for name in roles {
            builder.add_role(name, &everything).unwrap();
            add_holder(&mut builder, name);
        }
        builder.build()
    };
    let issuer = build(&["all", "all again"]);
    let foreign = [
        issuer.role("conditional").unwrap(),
        issuer.role("all").unwrap(),
        issuer.role("all again").unwrap(),
    ];
    let foreign_users = [
        issuer.user("holder of conditional").unwrap(),
        issuer.user("holder of all").unwrap(),
        issuer.user("holder of all again").unwrap(),
    ];
    let own = issuer.role("all").unwrap();
    let own_users = user_principals(&issuer, foreign_users[1]);
    assert!(
        catalog.iter().all(|p| issuer.allows(own, p)),
        "the issuer allows everything"
    );
    // Every gate, but a feature the platform removed whole, which nobody passes.
    assert!(
        gates()
            .iter()
            .all(|g| check_typed(&issuer, own, g.name).is_ok() != g.feature_removed())
    );
    for (division, who) in &own_users {
        assert!(
            catalog.iter().all(|p| issuer.allows(*who, p)),
            "the issuer allows its user everything in {division}"
        );
        assert!(
            gates()
                .iter()
                .all(|g| check_typed(&issuer, *who, g.name).is_ok() != g.feature_removed())
        );
    }

    let same_roles = build(&["all", "all again"]);
    let fewer_roles = build(&[]);
    let handle = PolicyHandle::new(build(&["all", "all again"]));
    let before_reload = handle.load();
    let reloaded_id = before_reload.role("all").unwrap();
    let reloaded_user = before_reload.user("holder of all").unwrap();
    let proof = before_reload.check::<AmiStandardUser>(reloaded_user).unwrap();
    handle.store(build(&["all", "all again"]));
    let after_reload = handle.load();
    assert!(proof.is_from(&before_reload) && !proof.is_from(&after_reload));
    let unknown = ["ui:unknown:view", "UNKNOWN_FLAT", "journey:newthing:view"];
    for (other, name) in [(&same_roles, "same roles"), (&fewer_roles, "fewer roles")] {
        for (n, (&role, &user)) in foreign.iter().zip(&foreign_users).enumerate() {
            let what = format!("{name}, foreign role {n}");
            // The user's principals as its own policy makes them, and as the other one does.
            let mut users = user_principals(&issuer, user);
            users.extend(
                user_principals(other, user)
                    .into_iter()
                    .map(|(division, who)| (format!("{division}, made by the other policy"), who)),
            );
            assert_denied_everything(other, role, &users, &unknown, &what);
            assert_eq!(other.name(user), None, "{what}");
            for (division, who) in &users {
                assert_eq!(other.permissions(*who).count(), 0, "{what}: user in {division}");
                let denied = other.check::<AmiStandardUser>(*who).unwrap_err();
                assert_eq!((denied.principal(), denied.division()), (None, None), "{what}");
                assert_eq!(
                    denied.to_string(),
                    "unknown principal: not in this policy, so gate `AmiStandardUser` is denied",
                    "{what}"
                );
            }
            let error = Policy::builder(&catalog)
                .add_user("holder", [(role, Division::All)])
                .unwrap_err();
            assert_eq!(
                error,
                BuildError::ForeignRole {
                    user: "holder".into(),
                    position: 0
                },
                "{what}"
            );
            assert_eq!(other.name(role), None, "{what}");
            assert_eq!(other.permissions(role).count(), 0, "{what}");
            // No unknown, legacy or conditional grants, no audit: none at all.
            assert!(other.audit(role).is_none(), "{what}");
            let denied = other.check::<AmiStandardUser>(role).unwrap_err();
            assert_eq!(denied.principal(), None, "{what}");
        }
    }
    assert!(before_reload.allows(reloaded_id, perm::routing::QUEUE_VIEW));
    assert!(before_reload.allows(reloaded_user, perm::routing::QUEUE_VIEW));
    assert_denied_everything(
        &after_reload,
        reloaded_id,
        &user_principals(&before_reload, reloaded_user),
        &unknown,
        "a role id and a user id from before a reload",
    );
    let fresh = after_reload.role("all").unwrap();
    assert!(after_reload.allows(fresh, perm::routing::QUEUE_VIEW));
    let fresh_user = after_reload.user("holder of all").unwrap();
    assert!(after_reload.allows(after_reload.user_in(fresh_user, "d1"), perm::routing::QUEUE_VIEW));
}

/// A `Permission` of another catalog is denied unless it is a builtin one (builtin permissions take
/// the same indexes in every catalog). The two organization permissions below take the same index
/// in their catalogs; the policy's role grants everything its own catalog has, and the other
/// catalog's key as an unknown grant.
#[test]
fn a_permission_of_another_catalog_is_denied_unless_builtin() {
    let org = |domain: &str, entity: &str, actions: &[&str], aware: bool| {
        let permissions: Vec<Value> = actions
            .iter()
            .map(|a| json!({"domain": domain, "entityType": entity, "action": a, "divisionAware": aware}))
            .collect();
        json!({"entities": [{"domain": domain, "permissionMap": {entity: permissions}}]}).to_string()
    };
    let builtin = Catalog::builtin();
    let a = permgate::genesys::org_catalog(builtin, &org("alpha", "item", &["view", "edit", "add"], false)).unwrap();
    let b = permgate::genesys::org_catalog(builtin, &org("beta", "thing", &["view"], true)).unwrap();
    let a_twin =
        permgate::genesys::org_catalog(builtin, &org("alpha", "item", &["view", "edit", "add"], false)).unwrap();
    let a_extended = permgate::genesys::org_catalog(&a, &org("gamma", "widget", &["view"], true)).unwrap();
    let a_clone = a.clone();

    let a_view = a.lookup("alpha:item:view").unwrap();
    let b_view = b.lookup("beta:thing:view").unwrap();
    assert_eq!(a_view.index(), b_view.index(), "the same index in both catalogs");
    assert!(!a.is_division_aware(a_view));

    for (catalog, name) in [
        (&b, "another catalog"),
        (&a_twin, "a twin catalog"),
        (&a_extended, "an extension"),
    ] {
        let mut grants: Vec<String> = catalog
            .iter()
            .filter(|p| !p.is_flat())
            .map(|p| format!("{}:*:*", p.domain()))
            .collect();
        grants.extend(catalog.iter().filter(|p| p.is_flat()).map(|p| p.key().to_owned()));
        grants.extend(a.iter().map(|p| p.key().to_owned()).filter(|k| !k.ends_with(":*")));
        let policy = policy_with_holders(catalog, &[("everything", grants)]);
        let role = policy.role("everything").unwrap();
        let holder = policy.user("everything").unwrap();
        for p in a.iter() {
            let builtin_one = usize::from(p.index()) < builtin.len();
            assert_eq!(policy.allows(role, p), builtin_one, "{name}: allows `{p}`");
            assert_eq!(policy.decide(role, p).is_allowed(), builtin_one, "{name}: decide `{p}`");
            for division in DIVISIONS {
                assert_eq!(
                    policy.allows(policy.user_in(holder, division), p),
                    builtin_one,
                    "{name}: `{p}` in `{division}`"
                );
            }
            if !builtin_one {
                assert_eq!(policy.decide(role, p), Decision::Denied, "{name}: `{p}`");
                assert!(
                    catalog.is_division_aware(p),
                    "{name}: another catalog's flags do not count: `{p}`"
                );
                assert_eq!(catalog.allows_conditions(p), None, "{name}: `{p}`");
                assert_ne!(catalog.lookup(p.key()), Some(p), "{name}: `{p}` is not this catalog's");
            }
        }
        // The string API answers from the policy's own catalog and grants.
        assert_eq!(policy.allows(role, "alpha:item:view"), Ok(true), "{name}");
    }
    // A clone is the same catalog.
    let policy = policy_with(&a_clone, &[("viewer", vec!["alpha:item:view".into()])]);
    assert!(policy.allows(policy.role("viewer").unwrap(), a_view));
    // A permission of a larger catalog, past the end of this one.
    let big = permgate::genesys::org_catalog(
        builtin,
        &org("alpha", "item", &["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"], true),
    )
    .unwrap();
    let policy = policy_with_holders(&b, &[("all", vec!["beta:*:*".into(), "alpha:*:*".into()])]);
    let all = policy.role("all").unwrap();
    let holder = policy.user("all").unwrap();
    for p in big.iter().filter(|p| usize::from(p.index()) >= builtin.len()) {
        assert!(!policy.allows(all, p), "`{p}`");
        assert_eq!(policy.decide(all, p), Decision::Denied, "`{p}`");
        assert!(!policy.allows(policy.user_in(holder, "d1"), p), "`{p}`");
    }
}

/// Keys no catalog has are denied unless a grant covers them, however close they are to a
/// granted key, and grants of near-miss unknown keys never satisfy a gate.
#[test]
fn unknown_permissions_without_a_covering_grant_are_denied_everywhere() {
    let catalog = Catalog::builtin();
    let grants: Vec<String> = [
        "journey:segment:*",
        "journey:*:view",
        "routing:queue:view",
        "ui:newThing:view",
        "ARTIFACTS_READ",
    ]
    .map(str::to_owned)
    .into();
    let mut builder = Policy::builder(catalog);
    let near = builder.add_role("near", &grants).unwrap();
    add_role_json(
        &mut builder,
        &json!({"name": "conditional", "permissionPolicies": [{"domain": "ui", "entityName": "secret",
            "actionSet": ["view"], "allowConditions": true, "resourceConditionNode": {"variableName": "User.id",
            "operator": "EQ", "operands": [{"type": "USER", "user": {"id": "u-1"}}]}}]}),
    );
    let conditional = builder.role_id("conditional").unwrap();
    let subject = builder
        .add_user(
            "subject",
            [(near, Division::new("*")), (conditional, Division::new("*"))],
        )
        .unwrap();
    let policy = builder.build();
    assert_eq!(policy.role("near"), Some(near));
    assert_eq!(policy.role("conditional"), Some(conditional));
    let near_misses = [
        "journey:segments:add",
        "journey:segmen:add",
        "journey:xsegment:add",
        "journeys:segment:add",
        "journe:segment:add",
        "journey:newthing:viewer",
        "journey:newthing:vie",
        "journey:newthing:edit",
        "routing:queue:viewer",
        "routing:queues:view",
        "routing:queue:vie",
        "routingx:queue:view",
        "ui:newThing:edit",
        "ui:newThings:view",
        "ui:newThin:view",
        "ui:secret:view",
        "ARTIFACTS_READ_ALL",
        "ARTIFACTS_READ_SELF",
        "ARTIFACTS",
        "ARTIFACTS_READX",
        "segment:journey:add",
        "view:journey:segment",
    ];
    for key in near_misses {
        assert_eq!(policy.allows(near, key), Ok(false), "`{key}`");
        assert_eq!(policy.decide(near, key), Ok(Decision::Denied), "`{key}`");
        assert_eq!(policy.allows(conditional, key), Ok(false), "`{key}`");
        for division in DIVISIONS {
            assert_eq!(
                policy.allows(policy.user_in(subject, division), key),
                Ok(false),
                "`{key}` in `{division}`"
            );
        }
    }
    // The conditional grant is a condition to evaluate, never a plain yes.
    assert!(matches!(policy.decide(conditional, "ui:secret:view"), Ok(Decision::AllowedIf(c)) if c.len() == 1));
    assert_eq!(policy.decide(conditional, "ui:secret:edit"), Ok(Decision::Denied));
    // The grants themselves do answer true: the denials above are not a broken role.
    for key in [
        "journey:segment:anything",
        "journey:newthing:view",
        "routing:queue:view",
        "ui:NEWTHING:view",
    ] {
        assert_eq!(policy.allows(near, key), Ok(true), "`{key}`");
    }

    // Near misses of every gate's requirements, granted as unknown keys: no gate is satisfied, and
    // the denial lists every requirement.
    for gate in gates() {
        let mut misses: Vec<String> = Vec::new();
        for p in gate.required_at(None) {
            if p.is_flat() {
                misses.extend([format!("{}_X", p.key()), format!("{}X", p.key())]);
                let stem = p.key().strip_suffix("_ALL").or_else(|| p.key().strip_suffix("_SELF"));
                if let Some(stem) = stem {
                    misses.extend([stem.to_owned(), format!("{stem}_ALL"), format!("{stem}_SELF")]);
                }
            } else if !p.is_wildcard() {
                let (d, e, a) = (p.domain(), p.entity(), p.action());
                misses.extend([
                    format!("{d}:{e}s:{a}"),
                    format!("{d}:{e}:{a}x"),
                    format!("{d}x:{e}:{a}"),
                ]);
            } else {
                misses.push(format!("{}:{}x:*", p.domain(), p.entity()));
            }
        }
        misses.retain(|m| {
            catalog
                .lookup(m)
                .is_none_or(|p| !gate.required_at(None).any(|r| r == p))
        });
        let policy = policy_with(catalog, &[("misses", misses.clone())]);
        let role = policy.role("misses").unwrap();
        let denied = policy.check_info(role, gate, gate.release).unwrap_err();
        // Today's requirement: not the keys the platform removed, which the denial names apart.
        let (removed, required): (Vec<Permission<'_>>, Vec<Permission<'_>>) = gate
            .required_at(gate.release)
            .partition(|p| p.removed_after().is_some());
        assert_eq!(
            denied.removed_from_platform().collect::<Vec<_>>(),
            removed,
            "{}",
            gate.name
        );
        let required: Vec<&str> = keys(required);
        let missing: BTreeSet<&str> = keys(denied.missing().iter().copied()).into_iter().collect();
        // A near miss may be another catalog permission (`_SELF` of an `_ALL`), never a required one.
        assert_eq!(
            missing,
            required.iter().copied().collect(),
            "gate {}, grants {misses:?}",
            gate.name
        );
        assert!(check_typed(&policy, role, gate.name).is_err(), "{}", gate.name);
    }
}

// ---------------------------------------------------------------------------------------------
// Wildcards stay in their domain and entity
// ---------------------------------------------------------------------------------------------

/// For every pattern `d:e:*`, `d:*:*` and `d:*:a` built from the catalog's segments (every domain
/// with every action of the catalog, in any domain), granted alone, the allowed catalog
/// permissions are exactly those whose segments match (ignoring case). Returns the number of
/// patterns checked.
fn wildcards_grant_exactly_their_segments(catalog: &Catalog) -> usize {
    let lower = |s: &str| s.to_ascii_lowercase();
    let mut domains: BTreeMap<String, &str> = BTreeMap::new();
    let mut entities: BTreeMap<(String, String), (&str, &str)> = BTreeMap::new();
    let mut actions: BTreeMap<String, &str> = BTreeMap::new();
    let mut by_domain: BTreeMap<String, Vec<Permission<'_>>> = BTreeMap::new();
    for p in catalog.iter().filter(|p| !p.is_flat()) {
        domains.entry(lower(p.domain())).or_insert(p.domain());
        entities
            .entry((lower(p.domain()), lower(p.entity())))
            .or_insert((p.domain(), p.entity()));
        if !p.is_wildcard() {
            actions.entry(lower(p.action())).or_insert(p.action());
        }
        by_domain.entry(lower(p.domain())).or_default().push(p);
    }
    // (pattern, expected indexes)
    let mut patterns: Vec<(String, BTreeSet<u16>)> = Vec::new();
    let matching = |domain: &str, entity: Option<&str>, action: Option<&str>| -> BTreeSet<u16> {
        by_domain[domain]
            .iter()
            .filter(|p| entity.is_none_or(|e| p.entity().eq_ignore_ascii_case(e)))
            .filter(|p| action.is_none_or(|a| p.action().eq_ignore_ascii_case(a)))
            .map(|p| p.index())
            .collect()
    };
    for (key, spelling) in &domains {
        patterns.push((format!("{spelling}:*:*"), matching(key, None, None)));
        for (action_key, action) in &actions {
            patterns.push((format!("{spelling}:*:{action}"), matching(key, None, Some(action_key))));
        }
    }
    for ((d, e), (domain, entity)) in &entities {
        patterns.push((format!("{domain}:{entity}:*"), matching(d, Some(e), None)));
    }
    // Every other pattern in another case: the match ignores case, not the segment boundaries.
    for (n, (pattern, _)) in patterns.iter_mut().enumerate() {
        if n % 2 == 1 {
            *pattern = pattern.to_ascii_uppercase();
        }
    }
    let mut builder = Policy::builder(catalog);
    for (n, (pattern, _)) in patterns.iter().enumerate() {
        builder.add_role(&format!("p{n}"), [pattern]).unwrap();
    }
    let policy = builder.build();
    for (n, (pattern, expected)) in patterns.iter().enumerate() {
        let role = policy.role(&format!("p{n}")).unwrap();
        let allowed: BTreeSet<u16> = policy.permissions(role).map(Permission::index).collect();
        if &allowed != expected {
            let show =
                |set: &BTreeSet<u16>| -> Vec<&str> { set.iter().map(|&i| catalog.get(i).unwrap().key()).collect() };
            let extra: BTreeSet<u16> = allowed.difference(expected).copied().collect();
            let lacking: BTreeSet<u16> = expected.difference(&allowed).copied().collect();
            panic!(
                "`{pattern}` also allows {:?} and lacks {:?}",
                show(&extra),
                show(&lacking)
            );
        }
        for p in by_domain[&lower(pattern.split(':').next().unwrap())].iter().take(8) {
            if !p.is_wildcard() {
                let answer = policy.allows(role, p.key()).unwrap();
                assert_eq!(answer, expected.contains(&p.index()), "`{pattern}` on `{p}`");
            }
        }
    }
    // Label form: `Domain > Entity > All` and `… > All Permissions` grant what `d:e:*` grants.
    let mut entity_labels: BTreeMap<String, (String, String)> = BTreeMap::new();
    for p in catalog.iter().filter(|p| !p.is_flat()) {
        if let Some((prefix, _)) = p.label().and_then(|l| l.rsplit_once('>')) {
            entity_labels
                .entry(prefix.trim().to_owned())
                .or_insert_with(|| (lower(p.domain()), lower(p.entity())));
        }
    }
    let mut label_roles = Vec::new();
    for (prefix, (d, e)) in &entity_labels {
        for all in ["All", "All Permissions"] {
            label_roles.push((format!("{prefix} > {all}"), matching(d, Some(e), None)));
        }
    }
    let mut builder = Policy::builder(catalog);
    for (n, (label, _)) in label_roles.iter().enumerate() {
        builder.add_role(&format!("l{n}"), [label]).unwrap();
    }
    let policy = builder.build();
    for (n, (label, expected)) in label_roles.iter().enumerate() {
        let role = policy.role(&format!("l{n}")).unwrap();
        let allowed: BTreeSet<u16> = policy.permissions(role).map(Permission::index).collect();
        assert_eq!(&allowed, expected, "`{label}`");
    }
    patterns.len() + label_roles.len()
}

#[test]
fn no_wildcard_grants_outside_its_domain_or_entity_in_the_builtin_catalog() {
    let checked = wildcards_grant_exactly_their_segments(Catalog::builtin());
    eprintln!("{checked} patterns checked over the builtin catalog");
}

#[test]
fn no_wildcard_grants_outside_its_domain_or_entity_in_the_real_org_catalog() {
    let Some(catalog) = real_org_catalog() else { return };
    let checked = wildcards_grant_exactly_their_segments(&catalog);
    eprintln!("{checked} patterns checked over {} permissions", catalog.len());
}

#[test]
fn a_pattern_never_matches_a_prefix() {
    // Partial wildcards are rejected, in string grants and in role JSON.
    for grant in [
        "journey:action*",
        "journey:action*:*",
        "journey:actionmap*:view",
        "journey:*map:*",
        "journe*:*:*",
    ] {
        let result = Policy::builder(Catalog::builtin()).role("r", [grant]);
        assert!(
            matches!(
                result,
                Err(BuildError::Grant {
                    error: GrantError::Malformed(ParseError::PartialWildcard { .. } | ParseError::SegmentCount { .. }),
                    ..
                })
            ),
            "`{grant}`: {result:?}"
        );
    }
    let file = RoleFile::parse(
        r#"{"name": "r", "permissionPolicies": [{"domain": "journey", "entityName": "action*", "actionSet": ["view"]}]}"#,
    )
    .unwrap();
    assert!(file.roles.is_empty() && file.errors.len() == 1, "{file:?}");
    let file = RoleFile::parse(
        r#"{"name": "r", "permissionPolicies": [{"domain": "journey", "entityName": "actionmap", "actionSet": ["vi*"]}]}"#,
    )
    .unwrap();
    assert!(file.roles.is_empty() && file.errors.len() == 1, "{file:?}");

    // Whole segments only, for keys the catalog knows and keys it does not.
    let check = |catalog: &Catalog| {
        let policy = policy_with(
            catalog,
            &[
                ("map", vec!["journey:actionmap:*".into()]),
                ("view", vec!["journey:*:view".into()]),
                ("journey", vec!["journey:*:*".into()]),
            ],
        );
        let map = policy.role("map").unwrap();
        let view = policy.role("view").unwrap();
        let journey = policy.role("journey").unwrap();
        for key in [
            "journey:actionmapEstimate:view",
            "journey:actionmapEstimateJob:add",
            "journey:actionma:view",
        ] {
            assert_eq!(policy.allows(map, key), Ok(false), "`{key}`");
            if let Some(p) = catalog.lookup(key) {
                assert!(!policy.allows(map, p), "`{key}`");
            }
        }
        assert_eq!(policy.allows(map, "journey:actionmap:view"), Ok(true));
        for key in [
            "journey:actionmap:viewer",
            "journey:actionmap:vie",
            "journey:actionmap:preview",
        ] {
            assert_eq!(policy.allows(view, key), Ok(false), "`{key}`");
        }
        for key in [
            "journeys:segment:view",
            "journe:segment:view",
            "journeyx:actionmap:view",
        ] {
            assert_eq!(policy.allows(journey, key), Ok(false), "`{key}`");
        }
    };
    check(Catalog::builtin());
    if let Some(catalog) = real_org_catalog() {
        let estimate = catalog.lookup("journey:actionmapEstimate:view");
        assert!(
            estimate.is_some(),
            "the real catalog has journey:actionmapEstimate:view"
        );
        check(&catalog);
        // How many entity names of the real catalog are a proper prefix of another in their domain:
        // each such pair is covered by the exhaustive test above.
        let entities: BTreeSet<(String, String)> = catalog
            .iter()
            .filter(|p| !p.is_flat())
            .map(|p| (p.domain().to_ascii_lowercase(), p.entity().to_ascii_lowercase()))
            .collect();
        let pairs = entities
            .iter()
            .flat_map(|a| entities.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.0 == b.0 && a.1 != b.1 && b.1.starts_with(&a.1))
            .count();
        eprintln!("{pairs} entity prefix pairs in the real catalog");
        assert!(pairs > 0);
    }
}

// ---------------------------------------------------------------------------------------------
// CxEngage scopes
// ---------------------------------------------------------------------------------------------

/// Every flat name of the builtin catalog, granted alone, allows exactly itself: `_ALL` implies
/// neither `_SELF` nor the unscoped name, and `_SELF` does not imply `_ALL`.
#[test]
fn a_flat_name_granted_alone_allows_exactly_itself() {
    let catalog = Catalog::builtin();
    let flats: Vec<Permission<'_>> = catalog.iter().filter(|p| p.is_flat()).collect();
    assert!(flats.iter().any(|p| p.key().ends_with("_ALL")) && flats.iter().any(|p| p.key().ends_with("_SELF")));
    for &flat in &flats {
        let name = flat.key();
        for spelling in [name.to_owned(), name.to_ascii_lowercase()] {
            let policy = policy_with(catalog, &[("r", vec![spelling.clone()])]);
            let role = policy.role("r").unwrap();
            assert_eq!(keys(policy.permissions(role)), [name], "`{spelling}`");
            assert_eq!(policy.audit(role).unwrap().unknown.len(), 0);
            for p in catalog.iter() {
                let expected = p == flat;
                assert_eq!(policy.allows(role, p), expected, "`{spelling}` on `{p}`");
                let decision = if expected { Decision::Allowed } else { Decision::Denied };
                assert_eq!(policy.decide(role, p), decision, "`{spelling}` on `{p}`");
            }
            let stem = name
                .strip_suffix("_ALL")
                .or_else(|| name.strip_suffix("_SELF"))
                .unwrap_or(name);
            let variants = [
                stem.to_owned(),
                format!("{stem}_ALL"),
                format!("{stem}_SELF"),
                format!("{name}_ALL"),
                format!("{name}_SELF"),
                format!("{name}S"),
                format!("{stem}_AL"),
                stem.rsplit_once('_')
                    .map_or_else(|| stem.to_owned(), |(s, _)| s.to_owned()),
            ];
            for variant in variants {
                let expected = variant.eq_ignore_ascii_case(name);
                assert_eq!(
                    policy.allows(role, &variant),
                    Ok(expected),
                    "`{spelling}` on `{variant}`"
                );
            }
        }
    }
    // All the `_ALL` names together imply no `_SELF` name, and the other way round.
    for (granted, other) in [("_ALL", "_SELF"), ("_SELF", "_ALL")] {
        let grants: Vec<String> = flats
            .iter()
            .filter(|p| p.key().ends_with(granted))
            .map(|p| p.key().to_owned())
            .collect();
        let policy = policy_with(catalog, &[("r", grants)]);
        let role = policy.role("r").unwrap();
        for p in &flats {
            assert_eq!(
                policy.allows(role, *p),
                p.key().ends_with(granted),
                "{granted} grants `{p}`?"
            );
            if p.key().ends_with(granted) {
                let swapped = format!("{}{other}", p.key().strip_suffix(granted).unwrap());
                assert_eq!(policy.allows(role, &swapped), Ok(false), "`{swapped}`");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Granted only from check
// ---------------------------------------------------------------------------------------------

/// `check` gives a proof to a role that holds everything a gate requires, and to no role that lacks
/// any one requirement (checked for each requirement of each gate, typed and by name). See the
/// `compile_fail` doctests on `Granted` in `crates/permgate-core/src/gate.rs` for the proofs that cannot be forged.
#[test]
fn granted_comes_only_from_a_passing_check() {
    let catalog = Catalog::builtin();
    for gate in gates() {
        let mut full: Vec<Permission<'_>> = gate.required_at(None).collect();
        full.extend(gate.any_of.iter().filter_map(|group| group.first().copied()));
        let grants = |without: Option<Permission<'_>>| -> Vec<String> {
            full.iter()
                .filter(|p| Some(**p) != without)
                .map(|p| p.key().to_owned())
                .collect()
        };
        let mut roles: Vec<(String, Vec<String>)> = vec![("full".to_owned(), grants(None))];
        for (n, p) in full.iter().enumerate() {
            roles.push((format!("without {n}"), grants(Some(*p))));
        }
        let named: Vec<(&str, Vec<String>)> = roles.iter().map(|(n, g)| (n.as_str(), g.clone())).collect();
        let policy = policy_with(catalog, &named);
        let full_role = policy.role("full").unwrap();
        // Checked on today's platform (typed), a gate the platform removed whole is refused.
        assert_eq!(
            check_typed(&policy, full_role, gate.name).ok(),
            (!gate.feature_removed()).then_some(full_role.into()),
            "{}",
            gate.name
        );
        let documented = CheckOptions::at(None).documented();
        assert!(policy.check_info(full_role, gate, documented).is_ok(), "{}", gate.name);

        let at_release: Vec<Permission<'_>> = gate.required_at(gate.release).collect();
        for (n, p) in full.iter().enumerate() {
            let role = policy.role(&format!("without {n}")).unwrap();
            let denied = policy.check_info(role, gate, documented).unwrap_err();
            let unmet: Vec<Permission<'_>> = denied.unmet_any_of().iter().flat_map(|g| g.iter().copied()).collect();
            assert!(
                denied.missing() == [*p] || unmet.contains(p),
                "{} without `{p}`: {denied}",
                gate.name
            );
            assert_eq!(denied.principal(), Some(format!("without {n}").as_str()));
            // At the gate's release a roadmap permission is not required yet, nor one the
            // platform removed; anything else is.
            let typed = check_typed(&policy, role, gate.name);
            let today = at_release.contains(p) && p.removed_after().is_none();
            if today || gate.any_of.iter().any(|g| g.contains(p)) || gate.feature_removed() {
                let denied = typed.unwrap_err();
                assert_eq!(denied.gate(), gate.name);
            } else {
                assert_eq!(
                    typed.ok(),
                    Some(role.into()),
                    "{}: `{p}` is a roadmap permission or removed from the platform",
                    gate.name
                );
            }
        }
        // The same role in another policy gets no proof.
        let other = policy_with(catalog, &named);
        assert!(check_typed(&other, full_role, gate.name).is_err(), "{}", gate.name);
        assert!(other.check_info(full_role, gate, gate.release).is_err());
    }
}
