//! Gates ask what a feature needs today: a permission the Platform API
//! removed is not required (and is still named), a gate all of whose
//! permissions it removed is refused as a feature that no longer exists,
//! and the documented set stays available (`CheckOptions::documented`).
//!
//! The reference for "removed" is `../shared/data/genesys-cloud/permissions-history.json`
//! (`current: false`), read here apart from the generated catalog.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use permgate::gates::{
    AltocloudAdmin, AltocloudAgent, DigitalUserTrackingAdmin, DigitalUserTrackingAgent, PredictiveEngagementAdmin,
    PredictiveEngagementAgent, WebChatDeployment,
};
use permgate::{Catalog, Division, Gate, Policy, gate, gate::CheckOptions, gate::GateInfo, perm};

/// `permissions-history.json` as lowercase key → `current`, or `None` (after
/// saying so) when `../shared/data` is absent.
fn platform_history() -> Option<BTreeMap<String, bool>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/genesys-cloud/permissions-history.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: ../shared/data not found");
        return None;
    };
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = json.as_object().unwrap();
    Some(
        entries
            .iter()
            .map(|(key, entry)| (key.to_ascii_lowercase(), entry["current"].as_bool().unwrap()))
            .collect(),
    )
}

fn keys(gate: &GateInfo) -> Vec<&'static str> {
    gate.required.iter().map(|p| p.key()).collect()
}

/// The keys of the Predictive Engagement agent gate that the platform still documents.
fn current_agent_keys() -> Vec<&'static str> {
    keys(PredictiveEngagementAgent::INFO)
        .into_iter()
        .filter(|key| *key != "journey:eventtype:view")
        .collect()
}

fn one_role(grants: &[&str]) -> (Policy, permgate::RoleId) {
    let policy = Policy::builder(Catalog::builtin()).role("r", grants).unwrap().build();
    let role = policy.role("r").unwrap();
    (policy, role)
}

#[test]
fn complete_current_roles_pass_gates_that_name_removed_permissions() {
    let Some(history) = platform_history() else { return };
    let gates = [
        PredictiveEngagementAgent::INFO,
        PredictiveEngagementAdmin::INFO,
        DigitalUserTrackingAgent::INFO,
        DigitalUserTrackingAdmin::INFO,
        AltocloudAgent::INFO,
        AltocloudAdmin::INFO,
    ];
    for gate in gates {
        let name = gate.name;
        // Removed: the history marks it `current: false`. A key the history does not hold
        // (UI-only such as `routing:agent:onqueue`, or named by a document only) is not removed.
        let (removed, current): (Vec<&str>, Vec<&str>) = keys(gate)
            .into_iter()
            .partition(|key| history.get(&key.to_ascii_lowercase()) == Some(&false));
        assert!(!removed.is_empty(), "{name} names a removed permission");
        let listed: Vec<&str> = gate.removed_from_platform().map(|p| p.key()).collect();
        assert_eq!(listed, removed, "{name}: the catalog agrees with the platform history");

        let (policy, role) = one_role(&current);
        assert_eq!(policy.check_info(role, gate, gate.release), Ok(()), "{name}: today");
        let documented = CheckOptions::at(gate.release).documented();
        let denied = policy.check_info(role, gate, documented).unwrap_err();
        let missing: Vec<&str> = denied.missing().iter().map(|p| p.key()).collect();
        assert_eq!(missing, removed, "{name}: the documented set");
        // A key unknown to the platform history is still required.
        if let Some(ui_only) = current
            .iter()
            .find(|key| !history.contains_key(&key.to_ascii_lowercase()))
        {
            let without: Vec<&str> = current.iter().copied().filter(|key| key != ui_only).collect();
            let (policy, role) = one_role(&without);
            let denied = policy.check_info(role, gate, gate.release).unwrap_err();
            assert_eq!(denied.missing()[0].key(), *ui_only, "{name}");
        }
    }
    // The agent of the issue, typed: `journey:eventtype:view` is not required.
    let (policy, agent) = one_role(&current_agent_keys());
    assert!(policy.check::<PredictiveEngagementAgent>(agent).is_ok());
    assert_eq!(
        history.get("routing:agent:onqueue"),
        None,
        "UI-only, unknown to the platform"
    );
}

#[test]
fn the_documented_check_still_requires_the_removed_permission() {
    let (policy, agent) = one_role(&current_agent_keys());
    let documented = CheckOptions::at(None).documented();
    let denied = policy
        .check_info(agent, PredictiveEngagementAgent::INFO, documented)
        .unwrap_err();
    assert_eq!(denied.missing(), [perm::journey::EVENTTYPE_VIEW]);
    assert_eq!(denied.removed_from_platform().count(), 0);
    assert!(
        denied.to_string().contains(
            "journey:eventtype:view (Journey > Event Type > View) [removed from the Platform API after SDK 179.0.0]"
        ),
        "{denied}"
    );
    let mut all = current_agent_keys();
    all.push("journey:eventtype:view");
    let (policy, agent) = one_role(&all);
    assert!(
        policy
            .check_info(agent, PredictiveEngagementAgent::INFO, documented)
            .is_ok()
    );
}

#[test]
fn a_role_without_a_current_permission_is_denied_and_the_denial_names_the_removed_one() {
    let without: Vec<&str> = current_agent_keys()
        .into_iter()
        .filter(|key| *key != "journey:segment:view")
        .collect();
    let (policy, agent) = one_role(&without);
    let denied = policy.check::<PredictiveEngagementAgent>(agent).unwrap_err();
    assert_eq!(denied.missing(), [perm::journey::SEGMENT_VIEW]);
    let removed: Vec<_> = denied.removed_from_platform().collect();
    assert_eq!(removed, [perm::journey::EVENTTYPE_VIEW]);
    assert!(!denied.feature_removed());
    assert_eq!(
        denied.to_string(),
        "role `r` does not satisfy gate `PredictiveEngagementAgent`: missing 1 permission\n  \
         - journey:segment:view (Journey > Segment > View)\n  \
         - not required: journey:eventtype:view (Journey > Event Type > View) \
         [removed from the Platform API after SDK 179.0.0]"
    );
}

#[test]
fn web_chat_deployment_is_refused_for_every_role_as_a_feature_that_no_longer_exists() {
    let catalog = Catalog::builtin();
    let gate = WebChatDeployment::INFO;
    assert!(gate.feature_removed());
    // A role holding everything the crate accepts: every key, and every domain's wildcard.
    let mut everything: Vec<String> = catalog.iter().map(|p| p.key().to_owned()).collect();
    everything.extend(
        catalog
            .iter()
            .filter(|p| !p.is_flat())
            .map(|p| format!("{}:*:*", p.domain())),
    );
    let mut builder = Policy::builder(catalog);
    builder.add_role("documented", keys(gate)).unwrap();
    builder.add_role("widgets", ["widgets:*:*"]).unwrap();
    builder.add_role("deployments", ["widgets:deployment:*"]).unwrap();
    builder
        .add_role("label", ["Widgets > Widget Deployment > All"])
        .unwrap();
    let all = builder.add_role("everything", &everything).unwrap();
    builder.add_role("none", Vec::<String>::new()).unwrap();
    builder
        .add_user("holder", [(all, Division::All), (all, Division::new("d-1"))])
        .unwrap();
    // A domain wildcard is not a form the crate accepts: no role holds `*:*:*`.
    assert!(Policy::builder(catalog).role("any", ["*:*:*"]).is_err());
    let policy = builder.build();
    let holder = policy.user("holder").unwrap();
    let mut who: Vec<(String, permgate::Principal)> =
        ["documented", "widgets", "deployments", "label", "everything", "none"]
            .iter()
            .map(|name| ((*name).to_owned(), policy.role(name).unwrap().into()))
            .collect();
    who.push(("holder".to_owned(), holder.into()));
    who.push(("holder in d-1".to_owned(), policy.user_in(holder, "d-1")));
    for (name, principal) in &who {
        for options in [CheckOptions::at(gate.release), CheckOptions::at(None)] {
            let denied = policy.check_info(*principal, gate, options).unwrap_err();
            assert!(denied.feature_removed(), "{name}");
            assert!(
                denied.missing().is_empty() && denied.unmet_any_of().is_empty(),
                "{name}"
            );
            let removed: Vec<_> = denied.removed_from_platform().collect();
            assert_eq!(removed, gate.required, "{name}");
        }
        let denied = policy.check::<WebChatDeployment>(*principal).unwrap_err();
        let text = denied.to_string();
        assert!(
            text.contains(
                "does not satisfy gate `WebChatDeployment`: the feature no longer exists: \
                 the Platform API removed every permission the gate names"
            ),
            "{text}"
        );
        assert!(
            text.contains("widgets:deployment:view (Widgets > Widget Deployment > View) [removed"),
            "{text}"
        );
    }
    // The documented set is still there for those who ask for it.
    let documented = CheckOptions::at(None).documented();
    let role = policy.role("documented").unwrap();
    assert!(policy.check_info(role, WebChatDeployment::INFO, documented).is_ok());
    let denied = policy
        .check_info(policy.role("none").unwrap(), WebChatDeployment::INFO, documented)
        .unwrap_err();
    assert_eq!(denied.missing(), gate.required);
    assert!(!denied.feature_removed());
}

gate! {
    /// Queue view, and one of two permissions the platform removed.
    RemovedChoice {
        description: "queue view, and event types or settings",
        required: [perm::routing::QUEUE_VIEW],
        any_of: [[perm::journey::EVENTTYPE_VIEW, perm::journey::SETTINGS_VIEW]],
    }
}

gate! {
    /// Queue view, and event types (removed) or events (current).
    MixedChoice {
        description: "queue view, and event types or events",
        required: [perm::routing::QUEUE_VIEW],
        any_of: [[perm::journey::EVENTTYPE_VIEW, perm::journey::EVENT_VIEW]],
    }
}

gate! {
    /// Only permissions the platform removed, required.
    RemovedOnly {
        description: "widget deployments",
        required: [perm::widgets::DEPLOYMENT_VIEW],
    }
}

gate! {
    /// Only permissions the platform removed, as a choice.
    RemovedChoiceOnly {
        description: "widget deployments or settings",
        required: [],
        any_of: [[perm::widgets::DEPLOYMENT_VIEW, perm::journey::SETTINGS_VIEW]],
    }
}

#[test]
fn an_any_of_group_whose_every_member_was_removed_cannot_be_met() {
    let (policy, role) = one_role(&["routing:queue:view", "journey:*:*", "widgets:*:*"]);
    let denied = policy.check::<RemovedChoice>(role).unwrap_err();
    assert!(denied.missing().is_empty());
    assert_eq!(denied.unmet_any_of(), RemovedChoice::INFO.any_of);
    assert!(!denied.feature_removed(), "routing:queue:view is current");
    assert!(
        denied
            .to_string()
            .ends_with(": the Platform API removed every one, so the group cannot be met"),
        "{denied}"
    );
    let documented = CheckOptions::at(None).documented();
    assert!(policy.check_info(role, RemovedChoice::INFO, documented).is_ok());
}

#[test]
fn a_removed_member_of_an_any_of_group_does_not_count_today() {
    let (policy, role) = one_role(&["routing:queue:view", "journey:eventtype:view"]);
    let denied = policy.check::<MixedChoice>(role).unwrap_err();
    assert_eq!(denied.unmet_any_of(), MixedChoice::INFO.any_of);
    assert!(!denied.to_string().contains("cannot be met"), "{denied}");
    let documented = CheckOptions::at(None).documented();
    assert!(policy.check_info(role, MixedChoice::INFO, documented).is_ok());
    let (policy, role) = one_role(&["routing:queue:view", "journey:event:view"]);
    assert!(policy.check::<MixedChoice>(role).is_ok());
}

#[test]
fn a_declared_gate_of_removed_permissions_only_is_refused_never_granted_to_all() {
    let (policy, role) = one_role(&["widgets:*:*", "journey:*:*"]);
    for denied in [
        policy.check::<RemovedOnly>(role).map(|_| ()).unwrap_err(),
        policy.check::<RemovedChoiceOnly>(role).map(|_| ()).unwrap_err(),
    ] {
        assert!(denied.feature_removed(), "{denied}");
        assert!(denied.to_string().contains("the feature no longer exists"), "{denied}");
    }
    let (policy, nobody) = one_role(&[]);
    assert!(policy.check::<RemovedOnly>(nobody).unwrap_err().feature_removed());
    // A gate that names nothing is not a removed feature.
    gate! {
        Nothing { description: "nothing", required: [] }
    }
    assert!(!Nothing::INFO.feature_removed());
}

#[cfg(feature = "cli")]
mod cli {
    use super::support::{TempDir, assert_exit, permgate};
    use super::*;

    /// The Predictive Engagement agent's current keys and every widgets permission.
    fn role_file(dir: &TempDir) -> String {
        let mut grants: Vec<String> = current_agent_keys().iter().map(|k| format!("{k:?}")).collect();
        grants.push("\"widgets:*:*\"".to_owned());
        let role = format!(
            r#"{{"name": "agent", "permissionPolicies": [{}]}}"#,
            grants
                .iter()
                .map(|key| {
                    let parts: Vec<&str> = key.trim_matches('"').split(':').collect();
                    format!(
                        r#"{{"domain": "{}", "entityName": "{}", "actionSet": ["{}"]}}"#,
                        parts[0], parts[1], parts[2]
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        dir.file("agent.json", &role)
    }

    #[test]
    fn check_says_a_removed_feature_no_longer_exists_and_names_removed_keys() {
        let dir = TempDir::new();
        let file = role_file(&dir);
        let gates = "PredictiveEngagementAgent,WebChatDeployment";
        let run = permgate(&["check", &file, "--gate", gates]);
        assert_exit(&run, 1);
        let line = |start: &str| run.stdout.lines().find(|l| l.starts_with(start)).unwrap().to_owned();
        assert!(
            line("PredictiveEngagementAgent ").ends_with("granted"),
            "{}",
            run.stdout
        );
        assert!(
            line("WebChatDeployment ").contains("denied: the feature no longer exists"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("PredictiveEngagementAgent does not require these, removed from the Platform API:\n  journey:eventtype:view"),
            "{}",
            run.stdout
        );
        let json = permgate(&["check", &file, "--gate", gates, "--json"]).json();
        let agent = &json["gates"][0];
        assert_eq!(agent["granted"], true);
        assert_eq!(
            agent["removed_from_platform"][0]["permission"],
            "journey:eventtype:view"
        );
        assert_eq!(agent["removed_from_platform"][0]["last_release"]["version"], "179.0.0");
        let web = &json["gates"][1];
        assert_eq!(
            (&web["granted"], &web["denied"]["feature_removed"]),
            (&false.into(), &true.into())
        );

        // The documented set: the removed key is required, and the widgets role holds the four.
        let run = permgate(&["check", &file, "--gate", gates, "--documented"]);
        assert_exit(&run, 1);
        assert!(line_of(&run.stdout, "PredictiveEngagementAgent ").contains("denied: missing 1 permission"));
        assert!(line_of(&run.stdout, "WebChatDeployment ").ends_with("granted"));
        assert!(run.stdout.contains("journey:eventtype:view"), "{}", run.stdout);
    }

    fn line_of<'a>(text: &'a str, start: &str) -> &'a str {
        text.lines().find(|l| l.starts_with(start)).unwrap()
    }

    #[test]
    fn audit_names_the_removed_keys_of_each_gate() {
        let dir = TempDir::new();
        let file = role_file(&dir);
        let run = permgate(&["audit", &file]);
        assert_exit(&run, 0);
        let section: Vec<&str> = run
            .stdout
            .lines()
            .skip_while(|l| *l != "removed from the Platform API, so not required:")
            .collect();
        assert!(
            section
                .iter()
                .any(|l| l.trim_start().starts_with("PredictiveEngagementAgent")
                    && l.ends_with("journey:eventtype:view")),
            "{}",
            run.stdout
        );
        assert!(
            section
                .iter()
                .any(|l| l.trim_start().starts_with("WebChatDeployment") && l.contains("no longer exists")),
            "{}",
            run.stdout
        );
        let json = permgate(&["audit", &file, "--json"]).json();
        let gates = json["roles"][0]["gates"].as_array().unwrap();
        let web = gates.iter().find(|g| g["gate"] == "WebChatDeployment").unwrap();
        let info = json["gate_info"].as_array().unwrap();
        let web_info = info.iter().find(|g| g["name"] == "WebChatDeployment").unwrap();
        assert_eq!(
            (&web["satisfied"], &web_info["feature_removed"]),
            (&false.into(), &true.into())
        );
    }
}
