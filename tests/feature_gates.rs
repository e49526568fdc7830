//! Feature gates, each pinned by the document rows it is made of.
//!
//! A test quotes the rows as the source document prints them; when
//! `../shared/sources/` is present every quote is checked against the
//! document's text (otherwise the quotes stand alone, and the test says so).
//! The gate's `required`, `any_of` and roadmap sets must be exactly the keys
//! of the quoted rows, and the decisions must follow: the rows' set passes,
//! and without any one key (or any one group) the gate fails naming it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::Path;

use permgate::gates::{
    AmiAdminUser, AmiDivisionUser, AmiExtraUser, AmiStandardUser, ContactManagementPanel, SkylightCustomRoleLogin,
};
use permgate::genesys::RoleFile;
use permgate::{Catalog, Evidence, Gate, GateInfo, Policy, Release, perm};

// ---------------------------------------------------------------------------
// Quoting rows.
// ---------------------------------------------------------------------------

const AMI: &str = "ami-r3-role-matrix.txt";
const CXENGAGE: &str = "cxengage-skylight-permissions.txt";

/// One row (or sentence) as its document prints it.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// The row's text, or its beginning, exactly as printed (a list item
    /// with its `- `).
    text: &'static str,
    /// The label or CxEngage name the row starts with; `None` for a
    /// requirement the document names only in prose.
    name: Option<&'static str>,
    /// The keys the row stands for: its key, or the actions of an `All` row
    /// that the key table lists.
    keys: &'static [&'static str],
}

const fn row(name: &'static str, text: &'static str, keys: &'static [&'static str]) -> Row {
    Row {
        text,
        name: Some(name),
        keys,
    }
}

fn catalog() -> &'static Catalog {
    Catalog::builtin()
}

/// The text of `../shared/sources/<file>`, or `None` (after saying so).
fn source(file: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/sources")
        .join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipped: ../shared/sources not found; the quotes of {file} stand alone");
            None
        }
    }
}

/// Each row is printed in `file` as quoted, starts with its name, and its
/// name resolves to its key (an `All` row with known actions is a pattern,
/// not a permission: its keys are the actions).
fn assert_quoted(file: &str, rows: &[Row]) {
    let text = source(file);
    for row in rows {
        if let Some(text) = &text {
            assert!(text.contains(row.text), "{file} does not print {:?}", row.text);
        }
        for key in row.keys {
            assert!(catalog().lookup(key).is_some(), "{key} is not in the catalog");
        }
        let Some(name) = row.name else { continue };
        // A table row starts with its name, a list item with `- ` and its name.
        let item = row.text.strip_prefix("- ").unwrap_or(row.text);
        assert!(item.starts_with(name), "{:?} does not start with {name:?}", row.text);
        match catalog().lookup(name) {
            Some(found) => assert_eq!([found.key()], row.keys, "{name}"),
            None => assert!(
                name.ends_with("> All") && row.keys.len() > 1,
                "{name}: neither a permission nor an `All` row"
            ),
        }
    }
}

fn keys(rows: &[Row]) -> BTreeSet<String> {
    rows.iter()
        .flat_map(|row| row.keys)
        .map(|&key| key.to_owned())
        .collect()
}

fn key_set<'a>(permissions: impl IntoIterator<Item = permgate::Permission<'a>>) -> BTreeSet<String> {
    permissions.into_iter().map(|p| p.key().to_owned()).collect()
}

fn groups(gate: &GateInfo) -> Vec<Vec<&'static str>> {
    gate.any_of
        .iter()
        .map(|g| g.iter().map(|p| p.key()).collect())
        .collect()
}

// ---------------------------------------------------------------------------
// Pinning a gate.
// ---------------------------------------------------------------------------

/// A gate and the rows it is made of.
struct Pin {
    gate: &'static GateInfo,
    /// The catalog id of the gate's document.
    document: &'static str,
    /// The document's file under `shared/sources/`.
    file: &'static str,
    /// Rows whose every key is required.
    required: &'static [Row],
    /// Any-of groups: rows of which one key suffices, and the platform
    /// permissions a catalog decision accepts in their place.
    any_of: &'static [(&'static [Row], &'static [&'static str])],
    /// Roadmap rows: required from the release given.
    roadmap: &'static [(Row, Release)],
}

impl Pin {
    fn check(&self) {
        let gate = self.gate;
        let name = gate.name;
        let mut quoted: Vec<Row> = self.required.to_vec();
        quoted.extend(self.any_of.iter().flat_map(|(rows, _)| rows.iter().copied()));
        quoted.extend(self.roadmap.iter().map(|(row, _)| *row));
        assert_quoted(self.file, &quoted);

        let document = gate.document.unwrap_or_else(|| panic!("{name}: no document"));
        assert_eq!(document.id, self.document, "{name}: document");
        assert_eq!(document.source_file, self.file, "{name}: source file");
        assert_eq!(gate.release, document.release, "{name}: release");
        assert!(
            catalog().gate(name).is_some_and(|g| core::ptr::eq(g, gate)),
            "{name}: typed and catalog gate differ"
        );

        assert_eq!(
            key_set(gate.required.iter().copied()),
            keys(self.required),
            "{name}: required"
        );
        assert_eq!(
            gate.required.len(),
            keys(self.required).len(),
            "{name}: duplicate requirements"
        );
        let want_groups: Vec<BTreeSet<String>> = self
            .any_of
            .iter()
            .map(|(rows, alternatives)| {
                let mut group = keys(rows);
                group.extend(alternatives.iter().map(|&key| key.to_owned()));
                group
            })
            .collect();
        let got_groups: Vec<BTreeSet<String>> = gate.any_of.iter().map(|g| key_set(g.iter().copied())).collect();
        assert_eq!(got_groups, want_groups, "{name}: any-of groups");
        let roadmap: Vec<(&str, Release)> = gate.roadmap.iter().map(|&(p, from)| (p.key(), from)).collect();
        let want_roadmap: Vec<(&str, Release)> = self
            .roadmap
            .iter()
            .flat_map(|(row, from)| row.keys.iter().map(move |&key| (key, *from)))
            .collect();
        assert_eq!(roadmap, want_roadmap, "{name}: roadmap");

        self.check_decisions(&want_groups);
    }

    /// The rows' set passes; without a required key the gate names exactly
    /// that key; without a whole group, exactly that group; without a
    /// roadmap key it passes at the document's release and fails from the
    /// roadmap release.
    fn check_decisions(&self, groups: &[BTreeSet<String>]) {
        let gate = self.gate;
        let name = gate.name;
        let mut full = keys(self.required);
        full.extend(self.roadmap.iter().flat_map(|(row, _)| row.keys).map(|&k| k.to_owned()));
        // Of each group, its first document row.
        full.extend(
            self.any_of
                .iter()
                .filter_map(|(rows, _)| rows.first())
                .flat_map(|row| row.keys.first())
                .map(|&k| k.to_owned()),
        );
        let policy = |grants: &BTreeSet<String>| Policy::builder(catalog()).role("r", grants).unwrap().build();
        let check = |grants: &BTreeSet<String>, release: Option<Release>| {
            let policy = policy(grants);
            policy.check_info(policy.role("r").unwrap(), gate, release)
        };
        assert!(check(&full, None).is_ok(), "{name}: {:?}", check(&full, None));
        assert!(check(&full, gate.release).is_ok(), "{name}: at its release");
        for key in &keys(self.required) {
            let without: BTreeSet<String> = full.iter().filter(|k| *k != key).cloned().collect();
            let denied = check(&without, gate.release).unwrap_err();
            assert_eq!(
                key_set(denied.missing().iter().copied()),
                BTreeSet::from([key.clone()]),
                "{name} without {key}"
            );
            assert!(denied.unmet_any_of().is_empty(), "{name} without {key}");
        }
        for group in groups {
            let without: BTreeSet<String> = full.iter().filter(|k| !group.contains(*k)).cloned().collect();
            let denied = check(&without, gate.release).unwrap_err();
            assert!(denied.missing().is_empty(), "{name} without {group:?}");
            let unmet: Vec<BTreeSet<String>> = denied
                .unmet_any_of()
                .iter()
                .map(|g| key_set(g.iter().copied()))
                .collect();
            assert_eq!(unmet, std::slice::from_ref(group), "{name} without {group:?}");
            // Any one key of the group suffices.
            for key in group {
                let mut with = without.clone();
                with.insert(key.clone());
                assert!(
                    check(&with, gate.release).is_ok(),
                    "{name} with only {key} of {group:?}"
                );
            }
        }
        for (row, from) in self.roadmap {
            for &key in row.keys {
                let without: BTreeSet<String> = full.iter().filter(|k| *k != key).cloned().collect();
                assert!(check(&without, gate.release).is_ok(), "{name} without roadmap {key}");
                let denied = check(&without, Some(*from)).unwrap_err();
                assert_eq!(
                    key_set(denied.missing().iter().copied()),
                    BTreeSet::from([key.to_owned()])
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// AMI: Transfer.
// ---------------------------------------------------------------------------

const TRANSFER: &str = "conversation:communication:transfer";
const BLIND_TRANSFER_QUEUE: &str = "conversation:communication:blindTransferQueue";
const CONSULT_TRANSFER_QUEUE: &str = "conversation:communication:consultTransferQueue";

const AMI_TRANSFER: Row = row(
    "Conversation > Communication > Transfer",
    "Conversation > Communication > Transfer | transfer conversation between (division) queues",
    &[TRANSFER],
);

#[test]
fn ami_transfer_is_the_published_key_or_a_blind_transfer_to_a_queue() {
    assert_quoted(AMI, &[AMI_TRANSFER]);
    let gate = AmiStandardUser::INFO;
    assert!(gate.required.iter().all(|p| p.key() != TRANSFER));
    assert_eq!(groups(gate), [[TRANSFER, BLIND_TRANSFER_QUEUE]]);
    // The add-on roles come "Additional to AMI R3|standard user role".
    for add_on in [AmiExtraUser::INFO, AmiDivisionUser::INFO, AmiAdminUser::INFO] {
        assert_eq!(groups(add_on), groups(gate), "{}", add_on.name);
    }
    // The role keeps the published key.
    let standard = catalog().role("AMI R3|standard user role").unwrap();
    assert!(standard.grants.contains(&TRANSFER));
    assert!(!standard.grants.contains(&BLIND_TRANSFER_QUEUE));

    // Evidence: the published key is in no SDK release and says where it was
    // seen; the accepted one is current since SDK 170.0.0.
    let transfer = perm::conversation::COMMUNICATION_TRANSFER;
    assert_eq!(transfer.history(), None);
    assert_eq!(transfer.evidence(), Some(Evidence::Verified));
    let notes = transfer.sources()[0].release_notes;
    assert!(notes.iter().any(|n| n.contains("label mapping only")), "{notes:?}");
    let blind = perm::conversation::COMMUNICATION_BLIND_TRANSFER_QUEUE;
    let history = blind.history().unwrap();
    assert!(!history.is_removed());
    assert_eq!(history.first().version(), Release::new(170, 0));
    assert_eq!(history.first().date(), "2023-06-22");
    assert!(blind.sources().is_empty(), "no document lists it");
    let ami = &catalog().documents().iter().find(|d| d.id == "ami-r3").unwrap();
    assert!(
        ami.notes
            .iter()
            .any(|n| n.contains(BLIND_TRANSFER_QUEUE) && n.contains("/participants/{participantId}/replace")),
        "the decision is in the catalog's notes"
    );
}

/// The standard role as published, with its Transfer row replaced by `transfer`.
fn standard_with(transfer: &[&str]) -> Vec<&'static str> {
    let standard = catalog().role("AMI R3|standard user role").unwrap();
    let mut grants: Vec<&'static str> = standard.grants.iter().copied().filter(|&k| k != TRANSFER).collect();
    grants.extend(transfer.iter().map(|&k| catalog().lookup(k).unwrap().key()));
    grants
}

#[test]
fn a_role_with_the_current_blind_queue_transfer_passes_ami_standard_user() {
    let policy = Policy::builder(catalog())
        .role("blind", standard_with(&[BLIND_TRANSFER_QUEUE]))
        .unwrap()
        .role("published", standard_with(&[TRANSFER]))
        .unwrap()
        .build();
    for name in ["blind", "published"] {
        let role = policy.role(name).unwrap();
        assert!(policy.check::<AmiStandardUser>(role).is_ok(), "{name}");
        assert!(
            policy.check_at::<AmiStandardUser>(role, None).is_ok(),
            "{name} with Park"
        );
    }
}

#[test]
fn a_consult_transfer_does_not_stand_for_the_transfer_row() {
    let policy = Policy::builder(catalog())
        .role("consult", standard_with(&[CONSULT_TRANSFER_QUEUE]))
        .unwrap()
        .role("none", standard_with(&[]))
        .unwrap()
        .build();
    for name in ["consult", "none"] {
        let denied = policy.check::<AmiStandardUser>(policy.role(name).unwrap()).unwrap_err();
        assert!(denied.missing().is_empty(), "{name}: {denied}");
        assert_eq!(denied.unmet_any_of(), AmiStandardUser::INFO.any_of, "{name}");
        assert_eq!(
            denied.to_string(),
            format!(
                "role `{name}` does not satisfy gate `AmiStandardUser` at release 3.15: needs one of: \
                 conversation:communication:transfer (Conversation > Communication > Transfer), \
                 conversation:communication:blindTransferQueue"
            )
        );
    }
}

/// The real `lbp-agent.json` holds `consultTransfer*` and not `transfer`: it
/// misses the Transfer group, among others.
#[test]
fn the_real_agent_role_misses_the_transfer_group() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/genesys-cloud/roles/lbp-agent.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: ../shared/data not found");
        return;
    };
    let file = RoleFile::parse(&text).unwrap();
    let mut builder = Policy::builder(catalog());
    let role = builder.add_role_spec(&file.roles[0]).unwrap();
    let policy = builder.build();
    assert!(policy.allows(role, CONSULT_TRANSFER_QUEUE).unwrap());
    assert!(!policy.allows(role, TRANSFER).unwrap());
    let denied = policy.check::<AmiStandardUser>(role).unwrap_err();
    assert_eq!(denied.unmet_any_of(), AmiStandardUser::INFO.any_of);
    assert!(!denied.missing().is_empty());
}

// ---------------------------------------------------------------------------
// CxEngage: the Contact Management panel and the custom-role login minimum.
// ---------------------------------------------------------------------------

/// A CxEngage row: `| NAME | description |`, quoted from the name on.
const fn flat(name: &'static str, text: &'static str, key: &'static [&'static str]) -> Row {
    row(name, text, key)
}

/// The Contact Management table.
const CONTACT_MANAGEMENT: &[Row] = &[
    flat(
        "CONTACTS_ASSIGN_INTERACTION",
        "CONTACTS_ASSIGN_INTERACTION | Enables you to assign an interaction to a contact record.",
        &["CONTACTS_ASSIGN_INTERACTION"],
    ),
    flat(
        "CONTACTS_READ",
        "CONTACTS_READ | Enables you to view contact records on the tenant including all of their custom attributes.",
        &["CONTACTS_READ"],
    ),
    flat(
        "CONTACTS_CREATE",
        "CONTACTS_CREATE | Enables you to create new contact records on the tenant",
        &["CONTACTS_CREATE"],
    ),
    flat(
        "CONTACTS_UPDATE",
        "CONTACTS_UPDATE | Enables you to update contact records on the tenant",
        &["CONTACTS_UPDATE"],
    ),
    flat(
        "CONTACTS_INTERACTION_HISTORY_READ",
        "CONTACTS_INTERACTION_HISTORY_READ | Enables you to view all of a contact's interaction history on the tenant.",
        &["CONTACTS_INTERACTION_HISTORY_READ"],
    ),
    flat(
        "CONTACTS_MERGE_UNMERGE",
        "CONTACTS_MERGE_UNMERGE | Enables you to merge contacts records.",
        &["CONTACTS_MERGE_UNMERGE"],
    ),
    flat(
        "CONTACTS_DELETE",
        "CONTACTS_DELETE | Enables you to delete contact records on the tenant.",
        &["CONTACTS_DELETE"],
    ),
];

/// "If you are using a custom role to log in to , you must have, at minimum,
/// the following permissions in addition to the permissions included in the
/// default Agent role:" and its list, one name a line.
const LOGIN_MINIMUM: &[Row] = &[
    flat("CONTACTS_CREATE", "- CONTACTS_CREATE", &["CONTACTS_CREATE"]),
    flat("CONTACTS_UPDATE", "- CONTACTS_UPDATE", &["CONTACTS_UPDATE"]),
    flat("CONTACTS_READ", "- CONTACTS_READ", &["CONTACTS_READ"]),
    flat(
        "CONTACTS_MERGE_UNMERGE",
        "- CONTACTS_MERGE_UNMERGE",
        &["CONTACTS_MERGE_UNMERGE"],
    ),
    flat("CONTACTS_DELETE", "- CONTACTS_DELETE", &["CONTACTS_DELETE"]),
    flat(
        "CONTACTS_ATTRIBUTES_READ",
        "- CONTACTS_ATTRIBUTES_READ",
        &["CONTACTS_ATTRIBUTES_READ"],
    ),
    flat(
        "CONTACTS_LAYOUTS_READ",
        "- CONTACTS_LAYOUTS_READ",
        &["CONTACTS_LAYOUTS_READ"],
    ),
    flat(
        "CONTACTS_ASSIGN_INTERACTION",
        "- CONTACTS_ASSIGN_INTERACTION",
        &["CONTACTS_ASSIGN_INTERACTION"],
    ),
    flat(
        "CONTACTS_INTERACTION_HISTORY_READ",
        "- CONTACTS_INTERACTION_HISTORY_READ",
        &["CONTACTS_INTERACTION_HISTORY_READ"],
    ),
    flat(
        "ARTIFACTS_CREATE_ALL",
        "- ARTIFACTS_CREATE_ALL",
        &["ARTIFACTS_CREATE_ALL"],
    ),
];

const IN_ADDITION: &str = "in addition to the permissions included in the default Agent role";

#[test]
fn contact_management_panel_needs_all_contact_management_permissions() {
    // "If a user reports that the Contact Management panel is not displaying,
    // verify that their user role includes all Contact Management permissions."
    if let Some(text) = source(CXENGAGE) {
        assert!(text.contains(
            "the Contact Management panel is not displaying, verify that their user role includes all Contact Management permissions."
        ));
        assert!(text.contains("Contact Management\nThese permissions are available for using Contact Management in :"));
    }
    Pin {
        gate: ContactManagementPanel::INFO,
        document: "cxengage-skylight",
        file: CXENGAGE,
        required: CONTACT_MANAGEMENT,
        any_of: &[],
        roadmap: &[],
    }
    .check();
    assert_eq!(ContactManagementPanel::INFO.incomplete, None);
}

#[test]
fn the_custom_role_login_minimum_is_the_list_and_incomplete() {
    if let Some(text) = source(CXENGAGE) {
        assert!(text.contains(&format!(
            "you must have, at minimum, the following permissions {IN_ADDITION}:"
        )));
    }
    let gate = SkylightCustomRoleLogin::INFO;
    Pin {
        gate,
        document: "cxengage-skylight",
        file: CXENGAGE,
        required: LOGIN_MINIMUM,
        any_of: &[],
        roadmap: &[],
    }
    .check();
    let incomplete = gate.incomplete.unwrap();
    assert!(incomplete.contains(IN_ADDITION), "{incomplete}");
    assert!(gate.description.contains("incomplete"), "{}", gate.description);
    // The panel's seven are part of the login minimum; the minimum is not the panel.
    assert!(keys(CONTACT_MANAGEMENT).is_subset(&keys(LOGIN_MINIMUM)));
    assert_ne!(keys(CONTACT_MANAGEMENT), keys(LOGIN_MINIMUM));
    // The role of the same name holds the list.
    let role = catalog().role("Skylight custom role minimum").unwrap();
    assert_eq!(
        role.grants.iter().map(|&k| k.to_owned()).collect::<BTreeSet<_>>(),
        keys(LOGIN_MINIMUM)
    );
}

#[test]
fn denied_says_the_login_minimum_is_incomplete() {
    let without_read: Vec<&str> = LOGIN_MINIMUM
        .iter()
        .flat_map(|row| row.keys)
        .copied()
        .filter(|&k| k != "CONTACTS_READ")
        .collect();
    let policy = Policy::builder(catalog()).role("custom", without_read).unwrap().build();
    let denied = policy
        .check::<SkylightCustomRoleLogin>(policy.role("custom").unwrap())
        .unwrap_err();
    assert_eq!(denied.incomplete(), SkylightCustomRoleLogin::INFO.incomplete);
    assert_eq!(
        denied.to_string(),
        format!(
            "role `custom` does not satisfy gate `SkylightCustomRoleLogin`: missing 1 permission\n  \
             - CONTACTS_READ\n  \
             the gate is incomplete: the page asks for these names \"{IN_ADDITION}\" and does not \
             publish that role's contents, so holding them is necessary but not known to be sufficient"
        )
    );
    // A complete gate says nothing of the kind.
    let panel = policy
        .check::<ContactManagementPanel>(policy.role("custom").unwrap())
        .unwrap_err();
    assert_eq!(panel.incomplete(), None);
    assert!(!panel.to_string().contains("incomplete"), "{panel}");
}
