//! Real Genesys Cloud data (`../shared/data/genesys-cloud`): the org catalog, the SDK
//! permission list, a real role, and the permission history.
//!
//! Every test prints `skipped: ../shared/data not found` and passes when the
//! folder is absent (a fresh clone); CI always has it. Expected values are
//! computed from the text files themselves (with `serde_json` and plain string
//! handling), not through the code under test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use permgate::definition::Form;
use permgate::genesys::{ExportError, RoleFile, export_role};
use permgate::{Catalog, Decision, Permission, Policy, RoleId, gate::CheckOptions, perm, source::Vocabulary};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Reading the data
// ---------------------------------------------------------------------------

/// `../shared/data/genesys-cloud`, or `None` (after saying so) when absent.
fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir.join("genesys-cloud"))
    } else {
        eprintln!("skipped: ../shared/data not found");
        None
    }
}

macro_rules! data_or_skip {
    () => {
        match data_dir() {
            Some(dir) => dir,
            None => return,
        }
    };
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The 1,450 lines of `permissions-sdk-v259.txt`, as spelled there.
/// Every key of the history file (current and removed), lowercase.
fn history_keys(dir: &Path) -> BTreeSet<String> {
    let history: BTreeMap<String, Value> = serde_json::from_str(&read(dir, "permissions-history.json")).unwrap();
    history.keys().map(|k| k.to_ascii_lowercase()).collect()
}

fn sdk_lines(dir: &Path) -> Vec<String> {
    read(dir, "permissions-sdk-v259.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn lowercase_set<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    keys.into_iter().map(str::to_ascii_lowercase).collect()
}

/// The builtin catalog's permission keys, read from the generator's input
/// (`catalogs/*.json`), lowercased. A wildcard row (`journey:segment:*` with
/// its `actions`) stands for its actions; the row itself is a pattern.
fn builtin_keys_from_json() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogs");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        // The documents' catalogs only: the platform catalog is the SDK list itself.
        if path.extension().is_none_or(|ext| ext != "json") || path.ends_with("genesys-cloud-platform.json") {
            continue;
        }
        let document: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for permission in document["permissions"].as_array().unwrap() {
            let key = permission["key"].as_str().unwrap().to_ascii_lowercase();
            match permission.get("actions") {
                // A wildcard row: its actions are permissions, the row a pattern.
                Some(actions) => {
                    let prefix = key.trim_end_matches('*');
                    for action in actions.as_array().unwrap() {
                        keys.insert(format!("{prefix}{}", action.as_str().unwrap().to_ascii_lowercase()));
                    }
                }
                None => {
                    keys.insert(key);
                }
            }
        }
    }
    assert!(
        keys.contains("journey:actionmap:view"),
        "read the builtin catalogs from {dir:?}"
    );
    keys
}

/// The grants of `roles/lbp-agent.json`, read with `serde_json` alone.
fn lbp_agent_grants(dir: &Path) -> Vec<String> {
    let role: Value = serde_json::from_str(&read(dir, "roles/lbp-agent.json")).unwrap();
    let mut grants = Vec::new();
    for policy in role["permissionPolicies"].as_array().unwrap() {
        for action in policy["actionSet"].as_array().unwrap() {
            grants.push(format!(
                "{}:{}:{}",
                policy["domain"].as_str().unwrap(),
                policy["entityName"].as_str().unwrap(),
                action.as_str().unwrap()
            ));
        }
    }
    grants
}

/// The builtin catalog extended with `permissions-catalog.json`.
fn org_catalog(dir: &Path) -> Catalog {
    permgate::genesys::org_catalog(Catalog::builtin(), &read(dir, "permissions-catalog.json")).unwrap()
}

/// A policy over `catalog` holding `lbp-agent.json`'s one role.
fn lbp_agent_policy(dir: &Path, catalog: &Catalog) -> (Policy, RoleId) {
    let file = RoleFile::parse(&read(dir, "roles/lbp-agent.json")).unwrap();
    let mut builder = Policy::builder(catalog);
    builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    let role = policy.role("LBP Agent").unwrap();
    (policy, role)
}

fn keys(policy: &Policy, role: RoleId) -> Vec<&str> {
    policy.permissions(role).map(Permission::key).collect()
}

/// Exports `role` in `form`, serializes it, reads it back and adds it to a
/// fresh policy over the same catalog.
fn round_trip(policy: &Policy, role: RoleId, form: Form) -> (Policy, RoleId, Value) {
    let body = serde_json::to_value(export_role(&policy.definition(role, form).unwrap()).unwrap()).unwrap();
    let text = serde_json::to_string_pretty(&body).unwrap();
    let file = RoleFile::parse(&text).unwrap();
    assert!(file.errors.is_empty(), "{form:?}: {:?}", file.errors);
    assert_eq!(file.roles.len(), 1);
    let mut builder = Policy::builder(policy.catalog());
    builder.add_role_definition(&file.roles[0]).unwrap();
    let imported = builder.build();
    let id = imported.role(&file.roles[0].name).unwrap();
    (imported, id, body)
}

/// Asserts that two roles answer alike on every permission of their common
/// catalog and on `extra` strings: same bitset, same `allows_str`, same
/// `decide`, same unknown grants.
fn assert_same_effect(a: (&Policy, RoleId), b: (&Policy, RoleId), extra: &[String], what: &str) {
    let ((pa, ra), (pb, rb)) = (a, b);
    assert_eq!(keys(pa, ra), keys(pb, rb), "{what}: permissions()");
    let unknown = |p: &Policy, r| {
        (p.audit(r).unwrap().unknown.iter())
            .map(|key| key.to_ascii_lowercase())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(unknown(pa, ra), unknown(pb, rb), "{what}: audit().unknown");
    for permission in pa.catalog().iter() {
        let key = permission.key();
        assert_eq!(pa.allows(ra, key), pb.allows(rb, key), "{what}: allows({key})");
        assert_eq!(
            pa.decide(ra, permission),
            pb.decide(rb, pb.catalog().get(permission.index()).unwrap()),
            "{what}: decide({key})"
        );
    }
    for key in extra {
        assert_eq!(pa.allows(ra, key), pb.allows(rb, key), "{what}: allows({key})");
    }
}

// ---------------------------------------------------------------------------
// The org catalog and the SDK list
// ---------------------------------------------------------------------------

#[test]
fn the_data_is_what_its_readme_says() {
    let dir = data_or_skip!();
    let sdk = sdk_lines(&dir);
    assert_eq!(sdk.len(), 1450);
    assert_eq!(
        lowercase_set(sdk.iter().map(String::as_str)).len(),
        1450,
        "no case duplicates"
    );
    let domains: BTreeSet<&str> = sdk.iter().map(|k| k.split(':').next().unwrap()).collect();
    assert_eq!(domains.len(), 71);
    let pairs: BTreeSet<&str> = sdk.iter().map(|k| k.rsplit_once(':').unwrap().0).collect();
    assert_eq!(pairs.len(), 560);
    // The catalog JSON holds the same strings, in the API's response shape.
    let catalog: Value = serde_json::from_str(&read(&dir, "permissions-catalog.json")).unwrap();
    let entities = catalog["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 71);
    let mut from_json = BTreeSet::new();
    for entity in entities {
        for actions in entity["permissionMap"].as_object().unwrap().values() {
            for action in actions.as_array().unwrap() {
                from_json.insert(format!(
                    "{}:{}:{}",
                    action["domain"].as_str().unwrap(),
                    action["entityType"].as_str().unwrap(),
                    action["action"].as_str().unwrap()
                ));
            }
        }
    }
    assert_eq!(from_json, sdk.iter().cloned().collect::<BTreeSet<_>>());
    assert_eq!(lbp_agent_grants(&dir).len(), 51);
}

#[test]
fn the_org_catalog_loads_and_adds_every_permission_the_builtin_lacks() {
    let dir = data_or_skip!();
    let builtin = Catalog::builtin();
    let catalog = org_catalog(&dir);
    let sdk = sdk_lines(&dir);
    let builtin_keys = builtin_keys_from_json();
    let in_documents = sdk
        .iter()
        .filter(|k| builtin_keys.contains(&k.to_ascii_lowercase()))
        .count();
    assert_eq!(in_documents, 50, "SDK strings the document catalogs already have");
    // The builtin platform catalog holds every SDK string: the org catalog adds none.
    let new = sdk.iter().filter(|k| builtin.lookup(k).is_none()).count();
    assert_eq!(new, 0);
    assert_eq!(catalog.len(), builtin.len() + new);
    // Added permissions follow the builtin ones, in document order.
    let added: Vec<&str> = catalog.iter().skip(builtin.len()).map(Permission::key).collect();
    let expected: Vec<&str> = sdk
        .iter()
        .map(String::as_str)
        .filter(|k| builtin.lookup(k).is_none())
        .collect();
    assert_eq!(added, expected);
    // The file says nothing about divisions or conditions: the safe defaults.
    for line in &sdk {
        let permission = catalog.lookup(line).unwrap();
        assert!(catalog.is_division_aware(permission), "{line}");
        assert_eq!(catalog.allows_conditions(permission), None, "{line}");
    }
    // The SDK strings are builtin, with their history.
    let delete = builtin.lookup("agentUI:agents:delete").unwrap();
    assert!(delete.history().is_some_and(|h| !h.is_removed()));
    assert_eq!(catalog.lookup("agentUI:agents:delete"), Some(delete));
}

#[test]
fn the_org_catalog_split_into_pages_loads_to_the_same_catalog() {
    let dir = data_or_skip!();
    let whole = org_catalog(&dir);
    let document: Value = serde_json::from_str(&read(&dir, "permissions-catalog.json")).unwrap();
    let pages: Vec<Value> = document["entities"]
        .as_array()
        .unwrap()
        .chunks(25)
        .enumerate()
        .map(|(n, chunk)| json!({"pageNumber": n + 1, "pageSize": 25, "entities": chunk}))
        .collect();
    assert_eq!(pages.len(), 3);
    let paged = permgate::genesys::org_catalog(Catalog::builtin(), &serde_json::to_string(&pages).unwrap()).unwrap();
    assert_eq!(paged.len(), whole.len());
    for (a, b) in whole.iter().zip(paged.iter()) {
        assert_eq!((a.index(), a.key()), (b.index(), b.key()));
    }
}

#[test]
fn every_sdk_line_is_found_in_the_extended_catalog_in_its_own_spelling() {
    let dir = data_or_skip!();
    let builtin = Catalog::builtin();
    let catalog = org_catalog(&dir);
    let mut indexes = BTreeSet::new();
    for line in sdk_lines(&dir) {
        let permission = catalog.lookup(&line).unwrap_or_else(|| panic!("{line} not found"));
        assert!(
            permission.key().eq_ignore_ascii_case(&line),
            "{line} found as {permission}"
        );
        assert_eq!(catalog.lookup(&line.to_ascii_uppercase()), Some(permission), "{line}");
        assert_eq!(catalog.lookup(&line.to_ascii_lowercase()), Some(permission), "{line}");
        assert_eq!(catalog.resolve(&line), Ok(permission), "{line}");
        match builtin.lookup(&line) {
            // A builtin permission keeps its index and its builtin entry.
            Some(known) => assert_eq!(permission, known, "{line}"),
            // A new one prints exactly as the API spells it.
            None => {
                assert_eq!(permission.key(), line);
                assert!(usize::from(permission.index()) >= builtin.len(), "{line}");
                assert!(permission.sources().is_empty(), "{line}");
            }
        }
        assert!(indexes.insert(permission.index()), "{line}: index shared");
    }
    assert_eq!(indexes.len(), 1450);
}

#[test]
fn builtin_typed_constants_keep_their_index_in_the_extended_catalog() {
    let dir = data_or_skip!();
    let builtin = Catalog::builtin();
    let catalog = org_catalog(&dir);
    let view = perm::journey::ACTIONMAP_VIEW;
    assert_eq!(builtin.lookup("journey:actionmap:view"), Some(view));
    assert_eq!(catalog.lookup("journey:actionmap:view"), Some(view));
    assert_eq!(catalog.lookup("journey:actionmap:view").unwrap().index(), view.index());
    assert_eq!(catalog.lookup("Journey > Action Map > View"), Some(view));
    for permission in builtin.iter() {
        assert_eq!(catalog.get(permission.index()), Some(permission), "{permission}");
        assert_eq!(catalog.lookup(permission.key()), Some(permission), "{permission}");
    }
    // A policy over the extended catalog answers typed constants.
    let policy = Policy::builder(&catalog)
        .role("r", ["journey:actionmap:view", "agentUI:agents:view"])
        .unwrap()
        .build();
    let role = policy.role("r").unwrap();
    assert!(policy.allows(role, view));
    assert!(!policy.allows(role, perm::journey::ACTIONMAP_EDIT));
    // Catalog order: a document's permissions first, then the platform's.
    assert_eq!(keys(&policy, role), ["journey:actionmap:view", "agentUI:agents:view"]);
    assert_eq!(policy.audit(role).unwrap().unknown.len(), 0);
}

// ---------------------------------------------------------------------------
// A real role
// ---------------------------------------------------------------------------

#[test]
fn lbp_agent_loads_as_one_role_with_31_policies_and_51_grants() {
    let dir = data_or_skip!();
    let file = RoleFile::parse(&read(&dir, "roles/lbp-agent.json")).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.roles.len(), 1);
    // No policy allows conditions (the wire model reads `allowConditions`;
    // the role keeps only the conditions themselves).
    let body: permgate::genesys::wire::DomainOrganizationRole =
        permgate::genesys::wire::from_str(&read(&dir, "roles/lbp-agent.json")).unwrap();
    assert!(
        body.permission_policies
            .unwrap_or_default()
            .iter()
            .all(|p| p.allow_conditions != Some(true))
    );
    let role = &file.roles[0];
    assert_eq!(role.name, "LBP Agent");
    assert_eq!(role.id.as_deref(), Some("5a13eeec-b56a-4341-bd62-ff75c070dac5"));
    assert_eq!(
        role.description.as_deref(),
        Some("Role - analyse métier des rôles utilisateur")
    );
    assert_eq!(role.grants.len(), 31);
    assert!(role.legacy.is_empty());
    assert!(role.grants.iter().all(|p| p.condition.is_none()));
    let grants: Vec<String> = role.grants.iter().flat_map(|p| p.permissions.iter().cloned()).collect();
    assert_eq!(grants, lbp_agent_grants(&dir));
    assert_eq!(grants.len(), 51);
    assert!(file.role("LBP Agent").is_some());

    let catalog = org_catalog(&dir);
    let (policy, agent) = lbp_agent_policy(&dir, &catalog);
    assert!(policy.allows(agent, perm::routing::QUEUE_VIEW));
    assert!(policy.allows(agent, perm::conversation::EMAIL_PARK));
    assert!(!policy.allows(agent, perm::routing::QUEUE_EDIT));
    assert_eq!(policy.audit(agent).unwrap().conditional.len(), 0);
    assert_eq!(policy.audit(agent).unwrap().legacy.len(), 0);
    for grant in &grants {
        assert_eq!(policy.allows(agent, grant), Ok(true), "{grant}");
        assert_eq!(policy.decide(agent, grant), Ok(Decision::Allowed), "{grant}");
    }
    let known = policy.permissions(agent).count();
    let unknown = policy.audit(agent).unwrap().unknown.len();
    assert_eq!(known + unknown, 51);
}

#[test]
fn unknown_grants_are_exactly_those_no_catalog_lists() {
    let dir = data_or_skip!();
    let sdk = lowercase_set(sdk_lines(&dir).iter().map(String::as_str));
    let builtin = builtin_keys_from_json();
    let history = history_keys(&dir);
    let grants = lbp_agent_grants(&dir);

    // Over the extended catalog: neither in the SDK list, nor in its history
    // (removed keys are builtin, marked removed), nor in a document catalog.
    // Of the 17 grants missing from the SDK list, 5 were removed from it.
    let expected: BTreeSet<&str> = grants
        .iter()
        .map(String::as_str)
        .filter(|g| {
            let g = g.to_ascii_lowercase();
            !sdk.contains(&g) && !history.contains(&g) && !builtin.contains(&g)
        })
        .collect();
    assert_eq!(expected.len(), 9, "{expected:?}");
    let catalog = org_catalog(&dir);
    let (policy, agent) = lbp_agent_policy(&dir, &catalog);
    let reported: BTreeSet<&str> = policy.audit(agent).unwrap().unknown.into_iter().collect();
    assert_eq!(reported, expected);
    assert_eq!(policy.audit(agent).unwrap().unknown.len(), 9, "each reported once");
    // The known ones are exactly the rest, in the catalog's spelling.
    let known = lowercase_set(keys(&policy, agent));
    let rest = lowercase_set(grants.iter().map(String::as_str).filter(|g| !expected.contains(g)));
    assert_eq!(known, rest);

    // Over the builtin catalog alone: the same, since it holds every SDK and
    // history key.
    let (policy, agent) = lbp_agent_policy(&dir, Catalog::builtin());
    let reported: BTreeSet<&str> = policy.audit(agent).unwrap().unknown.into_iter().collect();
    assert_eq!(reported, expected);
    assert_eq!(policy.permissions(agent).count() + reported.len(), 51);
}

#[test]
fn the_17_grants_missing_from_the_sdk_list_stay_granted() {
    let dir = data_or_skip!();
    let sdk = lowercase_set(sdk_lines(&dir).iter().map(String::as_str));
    let missing: Vec<String> = lbp_agent_grants(&dir)
        .into_iter()
        .filter(|g| !sdk.contains(&g.to_ascii_lowercase()))
        .collect();
    assert_eq!(missing.len(), 17, "{missing:?}");
    for example in [
        "routing:agent:onqueue",
        "ui:agentQueueActivity:view",
        "conversation:email:accept",
    ] {
        assert!(missing.iter().any(|g| g == example), "{example}");
    }
    let catalog = org_catalog(&dir);
    for catalog in [&catalog, Catalog::builtin()] {
        let (policy, agent) = lbp_agent_policy(&dir, catalog);
        for grant in &missing {
            assert_eq!(policy.allows(agent, grant), Ok(true), "{grant}");
            assert_eq!(policy.allows(agent, &grant.to_ascii_uppercase()), Ok(true), "{grant}");
            assert_eq!(policy.decide(agent, grant), Ok(Decision::Allowed), "{grant}");
        }
        // A neighbour of an unknown grant is not granted.
        assert_eq!(policy.allows(agent, "ui:agentQueueActivity:edit"), Ok(false));
    }
}

// ---------------------------------------------------------------------------
// Wildcards against the org catalog
// ---------------------------------------------------------------------------

/// The wildcard policies of the comparison role: `(domain, entity)`, `*` for
/// every entity. The domain of the last is lowercased on purpose: the API
/// spells it `webDeployments`.
const WILDCARDS: [(&str, &str); 3] = [("routing", "*"), ("journey", "segment"), ("webdeployments", "*")];

fn under_wildcards(key: &str) -> bool {
    let mut parts = key.split(':');
    let (Some(domain), Some(entity)) = (parts.next(), parts.next()) else {
        return false;
    };
    WILDCARDS
        .iter()
        .any(|(d, e)| d.eq_ignore_ascii_case(domain) && (*e == "*" || e.eq_ignore_ascii_case(entity)))
}

#[test]
fn wildcard_and_expanded_forms_have_the_same_effect_on_the_org_catalog() {
    let dir = data_or_skip!();
    let catalog = org_catalog(&dir);
    let wildcard = json!({
        "name": "wildcard",
        "permissionPolicies": WILDCARDS
            .iter()
            .map(|(domain, entity)| json!({"domain": domain, "entityName": entity, "actionSet": ["*"]}))
            .collect::<Vec<_>>(),
    });
    // The expanded role, from the catalog's own keys, grouped as the API groups them.
    let mut grouped: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for permission in catalog.iter().filter(|p| under_wildcards(p.key())) {
        assert!(!permission.is_wildcard(), "{permission}");
        grouped
            .entry((permission.domain(), permission.entity()))
            .or_default()
            .push(permission.action());
    }
    let expanded = json!({
        "name": "expanded",
        "permissionPolicies": grouped
            .iter()
            .map(|((domain, entity), actions)| json!({"domain": domain, "entityName": entity, "actionSet": actions}))
            .collect::<Vec<_>>(),
    });
    let file = RoleFile::parse(&serde_json::to_string(&json!([wildcard, expanded])).unwrap()).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let mut builder = Policy::builder(&catalog);
    for role in &file.roles {
        builder.add_role_definition(role).unwrap();
    }
    let policy = builder.build();
    let (wild, full) = (policy.role("wildcard").unwrap(), policy.role("expanded").unwrap());

    // Independently: the SDK lines and builtin keys under the wildcards.
    let mut expected = lowercase_set(
        sdk_lines(&dir)
            .iter()
            .map(String::as_str)
            .filter(|k| under_wildcards(k)),
    );
    expected.extend(builtin_keys_from_json().into_iter().filter(|k| under_wildcards(k)));
    expected.extend(history_keys(&dir).into_iter().filter(|k| under_wildcards(k)));
    assert_eq!(lowercase_set(keys(&policy, wild)), expected);
    assert!(expected.len() > 82 + 4, "routing alone has 82 SDK permissions");
    assert!(
        expected.contains("routing:agent:onqueue"),
        "builtin-only permissions expand too"
    );

    assert_same_effect((&policy, wild), (&policy, full), &[], "wildcard vs expanded");
    assert_eq!(policy.audit(full).unwrap().unknown.len(), 0);

    // The kept pattern still answers for keys no catalog lists; the expanded
    // form has no pattern to answer with.
    assert_eq!(policy.allows(wild, "routing:newThing:view"), Ok(true));
    assert_eq!(policy.allows(full, "routing:newThing:view"), Ok(false));
    assert_eq!(policy.allows(wild, "journey:segment:newAction"), Ok(true));
    assert_eq!(policy.allows(wild, "journey:outcome:view"), Ok(false));
}

// ---------------------------------------------------------------------------
// Role JSON out and back in
// ---------------------------------------------------------------------------

#[test]
fn lbp_agent_survives_export_and_import_in_both_forms() {
    let dir = data_or_skip!();
    let catalog = org_catalog(&dir);
    let grants = lbp_agent_grants(&dir);
    for catalog in [&catalog, Catalog::builtin()] {
        let (policy, agent) = lbp_agent_policy(&dir, catalog);
        for form in [Form::Wildcard, Form::Expanded] {
            let (imported, role, body) = round_trip(&policy, agent, form);
            assert_eq!(body["name"], "LBP Agent");
            assert_eq!(body["description"], "Role - analyse métier des rôles utilisateur");
            assert_eq!(body["permissions"], json!([]));
            // No wildcard in the role: both forms hold its 51 grants, one
            // policy per (domain, entity) as in the file.
            let policies = body["permissionPolicies"].as_array().unwrap();
            assert_eq!(policies.len(), 31, "{form:?}");
            let exported: usize = policies.iter().map(|p| p["actionSet"].as_array().unwrap().len()).sum();
            assert_eq!(exported, 51, "{form:?}");
            assert!(policies.iter().all(|p| p["allowConditions"] == false));
            assert_same_effect((&policy, agent), (&imported, role), &grants, &format!("{form:?}"));
        }
    }
}

/// An organization's catalog listing the actions of `attributes:attribute`
/// and `integration:amiPremiumApps`.
const AMI_ENTITY_ACTIONS: &str = include_str!("fixtures/ami-entity-actions.json");

#[test]
fn every_builtin_gate_survives_export_and_import_in_both_forms() {
    // The expanded form needs the actions of the AMI rows that stand for a
    // whole entity, which no builtin document lists: an organization's catalog does.
    let builtin = &permgate::genesys::org_catalog(Catalog::builtin(), AMI_ENTITY_ACTIONS).unwrap();
    let mut exported = 0;
    for gate in permgate::builtins::gates() {
        let mut forms = Vec::new();
        for form in [Form::Wildcard, Form::Expanded] {
            let body = match export_role(&gate.definition(builtin, form).unwrap()) {
                Ok(body) => body,
                Err(ExportError::FlatName { name }) => {
                    assert_eq!(
                        gate.document.map(|d| d.vocabulary),
                        Some(Vocabulary::CxEngage),
                        "{}: {name}",
                        gate.name
                    );
                    continue;
                }
                Err(error) => panic!("{}: {error}", gate.name),
            };
            let file = RoleFile::parse(&serde_json::to_string(&body).unwrap()).unwrap();
            assert!(file.errors.is_empty(), "{}: {:?}", gate.name, file.errors);
            assert_eq!(file.roles[0].name, gate.name);
            let mut builder = Policy::builder(builtin);
            builder.add_role_definition(&file.roles[0]).unwrap();
            let policy = builder.build();
            let role = policy.role(gate.name).unwrap();
            // An export writes the documented set: it passes the documented check, and
            // today's check unless the platform removed the gate's every key.
            let documented = CheckOptions::at(None).documented();
            assert_eq!(
                policy.check_info(role, gate, documented),
                Ok(()),
                "{} {form:?}",
                gate.name
            );
            let today = policy.check_info(role, gate, None);
            assert_eq!(today.is_ok(), !gate.feature_removed(), "{} {form:?}", gate.name);
            assert_eq!(policy.audit(role).unwrap().unknown.len(), 0, "{} {form:?}", gate.name);
            forms.push((policy, role));
            exported += 1;
        }
        let [(wp, wr), (ep, er)] = &forms[..] else {
            assert!(forms.is_empty(), "{}: one form exported, not the other", gate.name);
            continue;
        };
        assert_same_effect((wp, *wr), (ep, *er), &[], gate.name);
        // Both are the role the gate describes: what it requires (roadmap
        // included) and, of each any-of group, the first member the platform
        // documents now, else the first.
        let mut direct: Vec<&str> = gate.required_at(None).map(Permission::key).collect();
        direct.extend(gate.any_of.iter().filter_map(|group| {
            let current = group.iter().find(|p| p.history().is_some_and(|h| !h.is_removed()));
            current.or(group.first()).map(|p| p.key())
        }));
        let policy = Policy::builder(builtin).role("direct", &direct).unwrap().build();
        let role = policy.role("direct").unwrap();
        assert_eq!(keys(wp, *wr), keys(&policy, role), "{}", gate.name);
    }
    assert!(exported >= 2 * 10, "only {exported} gate exports");
}

// ---------------------------------------------------------------------------
// Permission history
// ---------------------------------------------------------------------------

#[test]
fn removed_permissions_of_the_builtin_catalog_are_marked_in_its_release_notes() {
    let dir = data_or_skip!();
    let history: serde_json::Map<String, Value> =
        serde_json::from_str(&read(&dir, "permissions-history.json")).unwrap();
    assert_eq!(history.len(), 1691);
    let current = |entry: &Value| entry["current"].as_bool().unwrap();

    // The current strings are exactly the SDK list of v259.
    let now: BTreeSet<&str> = history
        .iter()
        .filter(|(_, e)| current(e))
        .map(|(k, _)| k.as_str())
        .collect();
    let sdk = sdk_lines(&dir);
    assert_eq!(now, sdk.iter().map(String::as_str).collect::<BTreeSet<_>>());

    // Permissions compare ignoring case, so a string whose spelling changed
    // (`COACHING:ANNOTATION:ADD` became `coaching:annotation:add`) was not
    // removed. Removed: every spelling is `current: false`.
    let mut by_identity: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    for (key, entry) in &history {
        by_identity
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(current(entry));
    }
    let respelled = by_identity.values().filter(|c| c.len() > 1).count();
    assert_eq!(respelled, 17);
    assert!(by_identity.values().filter(|c| c.len() > 1).all(|c| c.contains(&true)));
    let removed: BTreeSet<&str> = by_identity
        .iter()
        .filter(|(_, c)| !c.contains(&true))
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(removed.len(), 1691 - 17 - 1450);

    let builtin = Catalog::builtin();
    // Every removed key is a builtin permission marked removed, in the history's spelling.
    for key in &removed {
        let permission = builtin.lookup(key).unwrap();
        assert!(permission.history().is_some_and(|h| h.is_removed()), "{key}");
    }
    // The documents' permissions among them.
    let removed_builtin: BTreeSet<&str> = removed
        .iter()
        .filter_map(|k| builtin.lookup(k))
        .filter(|p| !p.sources().is_empty())
        .map(|p| p.key())
        .collect();
    let notes = |p: Permission<'static>| p.sources().iter().flat_map(|s| s.release_notes.iter().copied());
    let says_removed: BTreeSet<&str> = builtin
        .iter()
        .filter(|p| notes(*p).any(|n| n.contains("removed")))
        .map(Permission::key)
        .collect();

    // Every builtin permission whose notes say it was removed is gone from
    // the API: the web chat v2 widgets.
    assert_eq!(
        says_removed,
        BTreeSet::from([
            "widgets:deployment:add",
            "widgets:deployment:delete",
            "widgets:deployment:edit",
            "widgets:deployment:view",
        ])
    );
    assert!(says_removed.is_subset(&removed_builtin));
    // The converse does not hold: three more builtin permissions are gone
    // from the SDK (seen only in v179.0.0); their notes say "verified in older
    // API versions only", not "removed".
    let rest: BTreeSet<&str> = removed_builtin.difference(&says_removed).copied().collect();
    assert_eq!(
        rest,
        BTreeSet::from([
            "journey:eventtype:view",
            "journey:settings:edit",
            "journey:settings:view"
        ])
    );
    for key in &rest {
        let permission = builtin.lookup(key).unwrap();
        assert!(
            notes(permission).all(|n| n == "verified in older API versions only"),
            "{key}"
        );
        assert_eq!(history[*key]["last"][1], "179.0.0", "{key}");
    }
    // Between them, the two notes mark exactly the builtin permissions the
    // API no longer has.
    let marked: BTreeSet<&str> = builtin
        .iter()
        .filter(|p| notes(*p).any(|n| n.contains("removed") || n.contains("older API versions only")))
        .map(Permission::key)
        .collect();
    assert_eq!(marked, removed_builtin);
    assert_eq!(history["widgets:deployment:view"]["last"][1], "258.2.0");
}
