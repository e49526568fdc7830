//! Regression tests for the decision defects an independent review found: expanded roles and
//! entity rows, expanded export, wildcards in `diff` and audits, label wildcards and catalog
//! order, expanded round trips, compile cost, and the smaller fixes (label forms, duplicate
//! conditions, compare-and-swap reload). Each test is named after what it pins.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::{Arc, Barrier};

use permgate::Gate;
use permgate::gates::{AmiExtraUser, AmiStandardUser};
use permgate::genesys::wire::DomainOrganizationRole;
use permgate::genesys::{RoleFile, export_role};
use permgate::{Catalog, Decision, Division, Policy, PolicyHandle, RoleId, parse::GrantError, perm};
use permgate::{RoleDefinition, definition::DefinitionError, definition::Form};

/// An organization's catalog listing the actions of the two AMI entities that the builtin
/// catalog knows only as whole-entity rows (`attributes:attribute`, `integration:amiPremiumApps`).
const AMI_ENTITY_ACTIONS: &str = include_str!("fixtures/ami-entity-actions.json");

fn ami_catalog() -> Catalog {
    permgate::genesys::org_catalog(Catalog::builtin(), AMI_ENTITY_ACTIONS).unwrap()
}

/// The AMI standard role as a current organization holds it: the published
/// rows, with Transfer as `conversation:communication:blindTransfer` (no
/// endpoint requires the published `conversation:communication:transfer`).
fn standard_grants() -> Vec<&'static str> {
    let published = permgate::builtins::role("AMI R3|standard user role").unwrap().grants;
    published
        .iter()
        .map(|&g| match g {
            "conversation:communication:transfer" => "conversation:communication:blindTransfer",
            other => other,
        })
        .collect()
}

/// The AMI standard role with each `d:e:*` replaced by the concrete keys the org catalog lists,
/// as Genesys Cloud returns it after expanding wildcards server-side.
fn standard_expanded(catalog: &Catalog) -> Vec<String> {
    let mut grants = Vec::new();
    for grant in standard_grants() {
        match grant.strip_suffix(":*") {
            Some(entity) => grants.extend(
                catalog
                    .iter()
                    .map(|p| p.key().to_owned())
                    .filter(|k| k.rsplit_once(':').is_some_and(|(e, a)| e == entity && a != "*")),
            ),
            None => grants.push((*grant).to_owned()),
        }
    }
    grants
}

fn one_role(catalog: &Catalog, grants: &[impl AsRef<str>]) -> (Policy, RoleId) {
    let policy = Policy::builder(catalog).role("r", grants).unwrap().build();
    let role = policy.role("r").unwrap();
    (policy, role)
}

fn role_json(body: &DomainOrganizationRole) -> (Policy, RoleId, Catalog) {
    let catalog = Catalog::builtin().clone();
    let file = RoleFile::parse(&serde_json::to_string(body).unwrap()).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let mut builder = Policy::builder(&catalog);
    builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    let role = policy.role(&file.roles[0].name).unwrap();
    (policy, role, catalog)
}

// 1. A role expanded by the server passes the gates its wildcard form passes.

#[test]
fn expanded_ami_standard_role_passes_the_gates_of_its_wildcard_form() {
    let catalog = ami_catalog();
    let expanded = standard_expanded(&catalog);
    assert!(expanded.iter().all(|g| !g.contains('*')), "{expanded:?}");
    assert!(expanded.contains(&"integration:amiPremiumApps:view".to_owned()));
    let (wildcard, w) = one_role(&catalog, &standard_grants());
    let (server, s) = one_role(&catalog, &expanded);
    assert!(wildcard.check::<AmiStandardUser>(w).is_ok());
    assert!(
        server.check::<AmiStandardUser>(s).is_ok(),
        "{:?}",
        server.check::<AmiStandardUser>(s).err()
    );
    for p in catalog.iter() {
        assert_eq!(wildcard.allows(w, p), server.allows(s, p), "{p}");
    }
    assert!(server.allows(s, perm::integration::AMI_PREMIUM_APPS_ALL));
    assert!(server.allows(s, perm::attributes::ATTRIBUTE_ALL));
}

#[test]
fn an_entity_row_needs_every_action_the_catalog_lists() {
    let catalog = ami_catalog();
    let partial: Vec<String> = standard_expanded(&catalog)
        .into_iter()
        .filter(|g| g != "attributes:attribute:delete")
        .collect();
    let (policy, role) = one_role(&catalog, &partial);
    assert!(!policy.allows(role, perm::attributes::ATTRIBUTE_ALL));
    let denied = policy.check::<AmiStandardUser>(role).unwrap_err();
    assert_eq!(denied.missing(), [perm::attributes::ATTRIBUTE_ALL]);
    // The explanation says both ways to hold the row.
    assert!(
        denied.to_string().ends_with(
            "  - attributes:attribute:* (Attributes > Attribute > All Permissions): the wildcard, \
             or every action of `attributes:attribute` that the loaded catalogs list"
        ),
        "{denied}"
    );
    // A conditional grant of the last action does not complete the row unconditionally.
    let body = serde_json::json!({"name": "c", "permissionPolicies": [
        {"domain": "attributes", "entityName": "attribute", "actionSet": ["add", "edit", "view"]},
        {"domain": "attributes", "entityName": "attribute", "actionSet": ["delete"], "allowConditions": true,
         "resourceConditionNode": {"variableName": "x", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "1"}]}}]});
    let file = RoleFile::parse(&body.to_string()).unwrap();
    let mut builder = Policy::builder(&catalog);
    builder.add_role_definition(&file.roles[0]).unwrap();
    let conditional = builder.build();
    let c = conditional.role("c").unwrap();
    assert!(!conditional.allows(c, perm::attributes::ATTRIBUTE_ALL));
}

#[test]
fn an_entity_row_whose_actions_no_catalog_lists_needs_the_wildcard() {
    // The builtin catalog lists no action of `integration:amiPremiumApps`: a concrete
    // grant there is an unknown key and gives nothing more.
    let (policy, role) = one_role(Catalog::builtin(), &["integration:amiPremiumApps:view"]);
    assert!(!policy.allows(role, perm::integration::AMI_PREMIUM_APPS_ALL));
    let (policy, role) = one_role(Catalog::builtin(), &["integration:amiPremiumApps:*"]);
    assert!(policy.allows(role, perm::integration::AMI_PREMIUM_APPS_ALL));
}

// 2. `Form::Expanded` output contains no `*`.

fn stars(body: &DomainOrganizationRole) -> Vec<String> {
    let body = serde_json::to_value(body).unwrap();
    let mut found = Vec::new();
    for policy in body["permissionPolicies"].as_array().unwrap() {
        for action in policy["actionSet"].as_array().unwrap() {
            if action == "*" || policy["entityName"] == "*" {
                found.push(format!("{}:{}:{action}", policy["domain"], policy["entityName"]));
            }
        }
    }
    found
}

#[test]
fn expanded_export_writes_no_star_and_refuses_entities_without_known_actions() {
    let catalog = ami_catalog();
    let (policy, role) = one_role(&catalog, &standard_grants());
    let body = export_role(&policy.definition(role, Form::Expanded).unwrap()).unwrap();
    assert_eq!(stars(&body), Vec::<String>::new());
    let body = serde_json::to_value(body).unwrap();
    let attribute = body["permissionPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["entityName"] == "attribute")
        .unwrap();
    assert_eq!(
        attribute["actionSet"],
        serde_json::json!(["add", "delete", "edit", "view"])
    );
    let gate = permgate::builtins::gate("AmiStandardUser").unwrap();
    assert_eq!(
        stars(&export_role(&gate.definition(&catalog, Form::Expanded).unwrap()).unwrap()),
        Vec::<String>::new()
    );

    let builtin = Catalog::builtin();
    let (policy, role) = one_role(builtin, &standard_grants());
    let refused = |result: Result<RoleDefinition, DefinitionError>| match result {
        Err(DefinitionError::UnknownActions { entity }) => entity,
        other => panic!("{other:?}"),
    };
    let entity = refused(policy.definition(role, Form::Expanded));
    assert!(
        entity == "attributes:attribute" || entity == "integration:amiPremiumApps",
        "{entity}"
    );
    refused(gate.definition(builtin, Form::Expanded));
    // The wildcard form still writes the rows as granted.
    assert_eq!(
        stars(&export_role(&gate.definition(builtin, Form::Wildcard).unwrap()).unwrap()).len(),
        2
    );
}

// 5. A label wildcard means the same whatever the catalog's order.

fn foo_catalog(reversed: bool) -> Catalog {
    let first_entity = r#"{"domain": "foo", "entityType": "bar", "action": "view", "label": "Foo > Bar > View"}"#;
    let second_entity = r#"{"domain": "foo", "entityType": "baz", "action": "edit", "label": "Foo > Bar > Edit"}"#;
    let (first, second) = if reversed {
        (second_entity, first_entity)
    } else {
        (first_entity, second_entity)
    };
    let page = format!(r#"{{"entities": [{{"domain": "foo", "permissionMap": {{"x": [{first}, {second}]}}}}]}}"#);
    permgate::genesys::org_catalog(Catalog::builtin(), &page).unwrap()
}

#[test]
fn a_label_wildcard_naming_two_entities_is_refused_in_either_catalog_order() {
    for reversed in [false, true] {
        let catalog = foo_catalog(reversed);
        let error = Policy::builder(&catalog).role("r", ["Foo > Bar > All"]).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("ambiguous") && message.contains("`foo:bar`") && message.contains("`foo:baz`"),
            "{message}"
        );
        // Each label alone still names its one permission.
        let (policy, role) = one_role(&catalog, &["Foo > Bar > View", "Foo > Bar > Edit"]);
        assert_eq!(policy.allows(role, "foo:bar:view"), Ok(true));
        assert_eq!(policy.allows(role, "foo:baz:edit"), Ok(true));
    }
    // Resolved through the message, the same for both orders.
    let messages: Vec<String> = [false, true]
        .map(|r| {
            Policy::builder(&foo_catalog(r))
                .role("r", ["Foo > Bar > All"])
                .unwrap_err()
                .to_string()
        })
        .into();
    assert_eq!(messages[0], messages[1]);
}

#[test]
fn a_label_wildcard_of_one_entity_is_unaffected_by_other_organization_labels() {
    let page = r#"{"entities": [{"domain": "foo", "permissionMap": {"x": [
        {"domain": "foo", "entityType": "bar", "action": "view", "label": "Foo > Bar > View"},
        {"domain": "foo", "entityType": "bar", "action": "edit", "label": "Foo > Bar > Edit"}]}}]}"#;
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), page).unwrap();
    let (policy, role) = one_role(&catalog, &["Foo > Bar > All"]);
    assert_eq!(policy.allows(role, "foo:bar:view"), Ok(true));
    assert_eq!(policy.allows(role, "foo:bar:edit"), Ok(true));
    assert_eq!(policy.allows(role, "foo:bar:new"), Ok(true));
    assert_eq!(policy.allows(role, "foo:baz:edit"), Ok(false));
}

// 10. An expanded round trip keeps the catalog permissions; what kept patterns allowed beyond
// the catalog is lost, as documented.

#[test]
fn expanded_round_trip_keeps_catalog_permissions_and_drops_pattern_reach() {
    let (policy, role) = one_role(Catalog::builtin(), &["journey:*:*", "routing:queue:view"]);
    assert_eq!(policy.allows(role, "journey:newthing:view"), Ok(true));
    for (form, beyond) in [(Form::Wildcard, true), (Form::Expanded, false)] {
        let (back, r, catalog) = role_json(&export_role(&policy.definition(role, form).unwrap()).unwrap());
        for p in catalog.iter() {
            assert_eq!(back.allows(r, p), policy.allows(role, p), "{form:?} {p}");
        }
        assert_eq!(back.allows(r, "journey:newthing:view"), Ok(beyond), "{form:?}");
        assert_eq!(back.audit(r).unwrap().wildcards.len(), usize::from(beyond), "{form:?}");
    }
}

// 11. Compile time is linear: de-duplication is hashed (the criterion bench `scale` shows the
// growth); here, de-duplication must still hold at size.

#[test]
fn many_grants_compile_with_duplicates_removed_in_any_case() {
    let mut grants: Vec<String> = (0..20_000).map(|n| format!("ui:x{n}:view")).collect();
    grants.extend((0..20_000).map(|n| format!("UI:X{n}:VIEW")));
    grants.extend((0..5_000).map(|n| format!("ui:*:a{n}")));
    grants.extend((0..5_000).map(|n| format!("ui:*:a{n}")));
    grants.extend(["routing:queue:view", "ROUTING:QUEUE:VIEW"].map(str::to_owned));
    let (policy, role) = one_role(Catalog::builtin(), &grants);
    let audit = policy.audit(role).unwrap();
    assert_eq!(audit.unknown.len(), 20_000);
    assert_eq!(audit.unknown.first(), Some(&"ui:x0:view"));
    assert_eq!(audit.wildcards.len(), 5_000);
    assert_eq!(policy.allows(role, "Ui:X19999:View"), Ok(true));
    assert_eq!(policy.allows(role, "ui:anything:a4999"), Ok(true));
    assert_eq!(policy.allows(role, "ui:anything:a5000"), Ok(false));
    assert!(
        audit.redundant.is_empty(),
        "{:?}",
        &audit.redundant[..3.min(audit.redundant.len())]
    );
}

// 4. Audits list every unconditional wildcard grant.

#[test]
fn audit_lists_unconditional_wildcards_with_what_they_cover() {
    let (policy, role) = one_role(
        Catalog::builtin(),
        &["ui:*:*", "routing:wrapupCode:*", "journey:segment:view"],
    );
    let audit = policy.audit(role).unwrap();
    let wildcards: Vec<(&str, Vec<&str>)> = audit
        .wildcards
        .iter()
        .map(|w| (w.wildcard.as_str(), w.permissions.iter().map(|p| p.key()).collect()))
        .collect();
    // Wildcards over an entity or a domain the catalog knows come in the
    // catalog's order (its keys name `routing` before `ui`), then the others as granted.
    assert_eq!(
        wildcards,
        [
            (
                "routing:wrapupCode:*",
                // Catalog order: the documents' permissions first, then the platform's.
                vec![
                    "routing:wrapupCode:search",
                    "routing:wrapupCode:view",
                    "routing:wrapupCode:add",
                    "routing:wrapupCode:delete",
                    "routing:wrapupCode:edit"
                ]
            ),
            ("ui:*:*", vec!["ui:supervisorStatusControl:view"]),
        ]
    );
}

// Smaller fixes.

#[test]
fn label_forms_over_a_whole_domain_say_what_is_unsupported() {
    let builder = || Policy::builder(Catalog::builtin());
    let error = builder().role("r", ["Journey > All > All"]).unwrap_err();
    assert!(
        matches!(
            &error,
            permgate::BuildError::Grant {
                error: GrantError::EntityWildcardLabel { .. },
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("domain:*:*"), "{error}");
    let error = builder().role("r", ["All > Segment > View"]).unwrap_err();
    assert!(
        matches!(
            &error,
            permgate::BuildError::Grant {
                error: GrantError::DomainWildcard { .. },
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_concrete_action_named_all_is_granted_by_its_label() {
    let page = r#"{"entities": [{"domain": "telephony", "permissionMap": {"plugin": [
        {"domain": "telephony", "entityType": "plugin", "action": "all", "label": "Telephony > Plugin > All"},
        {"domain": "telephony", "entityType": "plugin", "action": "view", "label": "Telephony > Plugin > View"}]}}]}"#;
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), page).unwrap();
    let all = catalog.lookup("Telephony > Plugin > All").unwrap();
    assert_eq!(all.key(), "telephony:plugin:all");
    let (policy, role) = one_role(&catalog, &["Telephony > Plugin > All"]);
    assert!(policy.allows(role, all));
    // It names that one permission, not the entity.
    assert_eq!(policy.allows(role, "telephony:plugin:view"), Ok(false));
    assert_eq!(policy.allows(role, "Telephony > Plugin > All"), Ok(true));
}

#[test]
fn an_organization_label_cannot_take_over_a_builtin_label_wildcard() {
    let page = r#"{"entities": [{"domain": "o", "permissionMap": {"s": [
        {"domain": "o", "entityType": "s", "action": "all", "label": "Journey > Segment > All"}]}}]}"#;
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), page).unwrap();
    assert_eq!(catalog.lookup("Journey > Segment > All"), None);
    let (policy, role) = one_role(&catalog, &["Journey > Segment > All"]);
    assert!(policy.allows(role, perm::journey::SEGMENT_VIEW));
    assert_eq!(policy.allows(role, "o:s:all"), Ok(false));
}

#[test]
fn decide_in_lists_each_condition_once() {
    let policy_json = |name: &str| {
        serde_json::json!({"name": name, "permissionPolicies": [
            {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
             "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
               "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]})
    };
    let file = RoleFile::parse(&serde_json::json!([policy_json("a"), policy_json("b")]).to_string()).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let a = builder.add_role_definition(&file.roles[0]).unwrap();
    let b = builder.add_role_definition(&file.roles[1]).unwrap();
    let subject = builder
        .add_user("u", [(a, Division::new("d1")), (b, Division::All)])
        .unwrap();
    let policy = builder.build();
    let Decision::AllowedIf(conditions) = policy.decide(policy.user_in(subject, "d1"), perm::routing::QUEUE_EDIT)
    else {
        panic!("not conditional");
    };
    assert_eq!(conditions.len(), 1);
    assert_eq!(conditions[0].to_string(), "Queue.id EQ QUEUE q-1");
}

#[test]
fn a_reload_computed_from_a_stale_policy_is_recomputed_not_stored() {
    let build = |grants: &[&str]| {
        Policy::builder(Catalog::builtin())
            .role("agent", grants)
            .unwrap()
            .build()
    };
    let handle = Arc::new(PolicyHandle::new(build(&["routing:queue:view", "routing:queue:join"])));
    let started = Arc::new(Barrier::new(2));
    let revoked = Arc::new(Barrier::new(2));
    // A slow reload adds a permission to whatever it is given; meanwhile `join` is revoked.
    let slow = {
        let (handle, started, revoked) = (handle.clone(), started.clone(), revoked.clone());
        std::thread::spawn(move || {
            let mut runs = 0;
            handle
                .reload(|current| {
                    runs += 1;
                    if runs == 1 {
                        started.wait();
                        revoked.wait();
                    }
                    let agent = current.role("agent").unwrap();
                    let mut grants: Vec<&str> = current.permissions(agent).map(|p| p.key()).collect();
                    grants.push("routing:queue:search");
                    Ok::<_, permgate::BuildError>(Policy::builder(Catalog::builtin()).role("agent", grants)?.build())
                })
                .unwrap();
            runs
        })
    };
    started.wait();
    handle.store(build(&["routing:queue:view"]));
    revoked.wait();
    assert_eq!(slow.join().unwrap(), 2, "the stale result must be recomputed");
    let policy = handle.load();
    let agent = policy.role("agent").unwrap();
    assert!(
        !policy.allows(agent, perm::routing::QUEUE_JOIN),
        "the revocation was undone"
    );
    assert!(policy.allows(agent, perm::routing::QUEUE_SEARCH));
}

#[test]
fn extra_user_gate_needs_the_standard_rows_in_expanded_form_too() {
    let catalog = ami_catalog();
    let extra = permgate::builtins::role("AMI R3|extra user role").unwrap().grants;
    let mut grants = standard_expanded(&catalog);
    grants.extend(extra.iter().map(|g| (*g).to_owned()));
    let (policy, role) = one_role(&catalog, &grants);
    assert!(policy.check::<AmiExtraUser>(role).is_ok());
}

#[test]
fn audit_lists_permissions_the_platform_removed_with_their_last_release() {
    let (policy, role) = one_role(Catalog::builtin(), &["widgets:deployment:view", "routing:queue:view"]);
    let audit = policy.audit(role).unwrap();
    let removed: Vec<&str> = audit.removed.iter().map(|r| r.permission.key()).collect();
    assert_eq!(removed, ["widgets:deployment:view"]);
    let history = perm::widgets::DEPLOYMENT_VIEW.history().unwrap();
    assert!(history.is_removed());
    assert_eq!(audit.removed[0].last_release, history.last());
    assert!(!perm::routing::QUEUE_VIEW.history().unwrap().is_removed());
}

#[test]
fn a_release_older_than_the_gates_document_is_refused() {
    let (policy, role) = one_role(Catalog::builtin(), &standard_grants());
    assert!(policy.check::<AmiStandardUser>(role).is_ok());
    for old in [permgate::Release::new(3, 14), permgate::Release::new(2, 0)] {
        let denied = policy.check_info(role, AmiStandardUser::INFO, Some(old)).unwrap_err();
        assert_eq!(denied.applies_from(), Some(permgate::Release::new(3, 15)));
        assert!(denied.missing().is_empty() && denied.unmet_any_of().is_empty());
        assert_eq!(
            denied.to_string(),
            format!(
                "role `r` does not satisfy gate `AmiStandardUser` at release {old}: the gate's document applies from release 3.15 only"
            )
        );
    }
    // At the document's release and later, the requirements apply as published.
    assert!(
        policy
            .check_info(role, AmiStandardUser::INFO, Some(permgate::Release::new(3, 15)))
            .is_ok()
    );
    let later = policy.check_info(role, AmiStandardUser::INFO, Some(permgate::Release::new(3, 16)));
    assert!(later.is_ok(), "the standard role holds Park: {:?}", later.err());
    // A gate whose document names no release takes any.
    let (designer, d) = one_role(Catalog::builtin(), &["journey:actionmap:*"]);
    assert!(
        designer
            .check_info(
                d,
                permgate::gates::ActionMapEditor::INFO,
                Some(permgate::Release::new(0, 1))
            )
            .is_ok()
    );
}

#[test]
fn denied_says_when_a_missing_permission_was_removed_from_the_platform() {
    let (policy, role) = one_role(Catalog::builtin(), &["journey:*:*"]);
    let documented = permgate::gate::CheckOptions::at(None).documented();
    let denied = policy
        .check_info(role, permgate::gates::AltocloudAdmin::INFO, documented)
        .unwrap_err();
    let text = denied.to_string();
    let line = text.lines().find(|l| l.contains("widgets:deployment:view")).unwrap();
    // The SDK version in full, as the platform history spells it.
    assert!(
        line.ends_with("[removed from the Platform API after SDK 258.2.0]"),
        "{line}"
    );
    assert_eq!(
        perm::widgets::DEPLOYMENT_VIEW.history().unwrap().last().to_string(),
        "258.2.0"
    );
    let gate = permgate::builtins::gate("AltocloudAdmin").unwrap();
    assert!(gate.removed_from_platform().all(|p| p.history().unwrap().is_removed()));
    assert_eq!(gate.removed_from_platform().count(), 6);
}

/// A gate exported as a role writes, of each any-of group, the first member
/// the Platform API documents now: AMI's Transfer as `blindTransfer`, which
/// both the queue and the email transfer endpoints accept, not the published
/// key that no SDK release lists. The role passes the gate.
#[test]
fn an_exported_gate_takes_the_current_member_of_each_any_of_group() {
    let catalog = Catalog::builtin();
    let gate = permgate::builtins::gate("AmiStandardUser").unwrap();
    let body = export_role(&gate.definition(catalog, Form::Wildcard).unwrap()).unwrap();
    let text = serde_json::to_string(&body).unwrap();
    let file = RoleFile::parse(&text).unwrap();
    let keys: Vec<String> = file.roles[0]
        .grants
        .iter()
        .flat_map(|p| p.permissions.iter().cloned())
        .collect();
    assert!(
        keys.iter().any(|k| k == "conversation:communication:blindTransfer"),
        "{keys:?}"
    );
    assert!(
        !keys.iter().any(|k| k == "conversation:communication:transfer"
            || k == "conversation:communication:blindTransferQueue"),
        "{keys:?}"
    );
    let mut builder = Policy::builder(catalog);
    let role = builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    assert!(policy.check::<AmiStandardUser>(role).is_ok());
    assert!(policy.check_info(role, gate, None).is_ok());
}
