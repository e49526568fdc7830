//! Feature gates, each pinned by the document rows it is made of.
//!
//! A test quotes the rows as the source document prints them; when
//! `../shared/sources/` is present every quote is checked against the
//! document's text (otherwise the quotes stand alone, and the test says so).
//! The gate's `required`, `any_of` and roadmap sets must be exactly the keys
//! of the quoted rows, and the decisions must follow: the rows' set passes,
//! and without any one key (or any one group) the gate fails naming it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use permgate::gates::{AmiAdminUser, AmiDivisionUser, AmiExtraUser, AmiStandardUser};
use permgate::genesys::RoleFile;
use permgate::{Catalog, Evidence, Gate, GateInfo, Policy, Release, perm};

// ---------------------------------------------------------------------------
// Quoting rows.
// ---------------------------------------------------------------------------

const AMI: &str = "ami-r3-role-matrix.txt";

/// One row (or sentence) as its document prints it.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// The row's text, or its beginning, exactly as printed.
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
        assert!(
            row.text.starts_with(name),
            "{:?} does not start with {name:?}",
            row.text
        );
        match catalog().lookup(name) {
            Some(found) => assert_eq!([found.key()], row.keys, "{name}"),
            None => assert!(
                name.ends_with("> All") && row.keys.len() > 1,
                "{name}: neither a permission nor an `All` row"
            ),
        }
    }
}

fn groups(gate: &GateInfo) -> Vec<Vec<&'static str>> {
    gate.any_of
        .iter()
        .map(|g| g.iter().map(|p| p.key()).collect())
        .collect()
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
