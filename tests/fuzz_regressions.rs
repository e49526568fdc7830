//! Fuzz regressions: every seed of `fuzz/seeds/` replayed through the invariants of the fuzz targets, and each crash the fuzzers found, minimized.
//!
//! The invariants live in `fuzz/src/lib.rs`, included here as a module, so the fuzz targets and
//! this test check exactly the same things; `cargo test` keeps checking them without a fuzzer.
//! See `fuzz/README.md` for running the fuzzers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use permgate::{Catalog, Policy, perm};

#[path = "../fuzz/src/lib.rs"]
mod checks;

/// The seed files of one target, sorted, as text, and for `role_json` the real roles of
/// `../shared/data` when present (read in place, as `fuzz/run.sh` does). Inputs that are not
/// UTF-8 are skipped, as the targets skip them.
fn seeds(target: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("fuzz/seeds").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    let shared_roles = root.join("../shared/data/genesys-cloud/roles");
    if target == "role_json" {
        match std::fs::read_dir(&shared_roles) {
            Ok(entries) => files.extend(entries.map(|entry| entry.unwrap().path())),
            Err(_) => println!("skipped: ../shared/data not found (real roles as seeds)"),
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            String::from_utf8(bytes).ok().map(|text| (path, text))
        })
        .collect()
}

/// Runs `check` on every seed of `target`, naming the seed that fails.
fn replay(target: &str, check: fn(&str)) {
    for (path, text) in seeds(target) {
        if std::panic::catch_unwind(|| check(&text)).is_err() {
            panic!("seed {} fails the invariants of target `{target}`", path.display());
        }
    }
}

#[test]
fn permission_seeds_hold_the_invariants() {
    replay("permission", checks::permission);
}

#[test]
fn role_json_seeds_hold_the_invariants() {
    replay("role_json", checks::role_json);
}

#[test]
fn catalog_json_seeds_hold_the_invariants() {
    replay("catalog_json", checks::catalog_json);
}

#[test]
fn subject_json_seeds_hold_the_invariants() {
    replay("subject_json", checks::subject_json);
}

#[test]
fn users_listing_seeds_hold_the_invariants() {
    replay("users_listing", checks::users_listing);
}

#[test]
fn forbidden_body_seeds_hold_the_invariants() {
    replay("forbidden_body", checks::forbidden_body);
}

#[test]
fn call_path_seeds_hold_the_invariants() {
    replay("call_path", checks::call_path);
}

/// The writing half of target `forbidden_body` on every builtin gate, each way of checking it,
/// and a role holding none, every other, or all of the gate's own permissions: each denial
/// reads back as written, and both kinds of body (naming what is missing, refused) occur.
#[test]
fn every_builtin_gate_denial_reads_back_as_written() {
    let (mut named, mut refused) = (0, 0);
    for pick in 0..permgate::builtins::gates().len() {
        for how in 0..4u8 {
            for bits in [0x00u8, 0x55, 0xff] {
                let mut bytes = vec![u8::try_from(pick).unwrap(), how];
                bytes.extend([bits; 16]);
                match checks::forbidden_body_round_trip(&bytes) {
                    Some(read) if read.refused.is_some() => refused += 1,
                    Some(_) => named += 1,
                    None => {}
                }
            }
        }
    }
    assert!(named > 100 && refused > 10, "{named} named, {refused} refused");
}

#[test]
fn the_oracle_of_target_permission_agrees_with_the_documented_semantics() {
    for allowed in [
        "journey:segment:view",
        "JOURNEY:SEGMENT:newThing",
        "routing:anything:at",
        "Routing > Queue > Join",
        "conversation:email:view",
        "Journey > Action Map > View",
        "journey:actionmap:VIEW",
        "contacts_read",
        "X:Y:Z",
        "foo_all",
        // Labels read Unicode spaces (the no-break space the vendor's pages print, the
        // ideographic space) as plain ones.
        "\u{3000}\u{3000}routing > wrap-up code > view",
        "Routing\u{a0}>\u{a0}Queue\u{a0}>\u{a0}Join",
    ] {
        assert!(checks::oracle_allows(allowed), "{allowed}");
        checks::permission(allowed);
    }
    for denied in [
        "journey:actionmap:edit",
        "conversation:email:edit",
        "routing:queue:*",
        "integration:amiPremiumApps:*",
        "Journey > Segment > All",
        "NOTES_CREATE_SELF",
        "x:y:zz",
        "",
        // Found by target `permission` against an oracle that trimmed all Unicode whitespace:
        // a tab (a control character) is not a space of a label, so this is an error.
        "Journey >\tSegment > View",
        "Journey >\u{2028}Segment > View",
    ] {
        assert!(!checks::oracle_allows(denied), "{denied}");
        checks::permission(denied);
    }
}

/// Found by target `catalog_json` (seconds into the first run), minimized with `cargo fuzz tmin`.
/// An organization's catalog that labels a permission of some other entity `Journey>Segment>…`
/// takes over the builtin label wildcard `Journey > Segment > All`: the grant then expands to
/// `o:s:*`, a domain and entity it does not name, and no longer to `journey:segment:*`.
const ORG_LABEL_REDIRECTS_WILDCARD: &str = r#"{"entities":[{"permissionMap":{"n":[{"domain":"o","entityType":"s","action":"v","label":"Journey>Segment>c"}]}}]}"#;

#[test]
fn org_catalog_label_cannot_redirect_a_builtin_label_wildcard() {
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), ORG_LABEL_REDIRECTS_WILDCARD).unwrap();
    let policy = Policy::builder(&catalog)
        .role("r", ["Journey > Segment > All"])
        .unwrap()
        .build();
    let r = policy.role("r").unwrap();
    assert!(policy.allows(r, perm::journey::SEGMENT_VIEW));
    assert_eq!(policy.allows(r, "o:s:v"), Ok(false));
    checks::catalog_label_wildcards(ORG_LABEL_REDIRECTS_WILDCARD);
}

/// The same input through the rest of target `catalog_json`: only the label wildcard is wrong.
#[test]
fn org_catalog_label_on_another_entity_keeps_every_builtin_key() {
    checks::catalog_json(ORG_LABEL_REDIRECTS_WILDCARD);
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), ORG_LABEL_REDIRECTS_WILDCARD).unwrap();
    assert_eq!(catalog.len(), Catalog::builtin().len() + 1);
    assert_eq!(catalog.lookup("Journey > Segment > c").map(|p| p.key()), Some("o:s:v"));
}

/// Found by the oracle of target `forbidden_body` on its seed `unbracketed.json`: a division
/// list written without brackets, followed by the admin labels, read the labels' text as part
/// of the last division (`d-2 (Routing > Queue > View`, and with a `,` in a label, a division
/// of the label's own words).
const LABELS_AFTER_UNBRACKETED_DIVISIONS: &str = r#"{"code": "missing.any.permissions", "message": "Unable to perform the requested action. You must have at least one of the following permissions assigned: routing:queue:view, routing:queue:join in at least one of the following division(s): d-1, d-2 (Routing > Queue > View; Routing > Queue > Join, x)."}"#;

#[test]
fn labels_after_an_unbracketed_division_list_are_not_divisions() {
    let read = permgate::genesys::ForbiddenBody::parse(LABELS_AFTER_UNBRACKETED_DIVISIONS).unwrap();
    assert_eq!(read.divisions, ["d-1", "d-2"]);
    let keys: Vec<&str> = read.any_of[0].iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["routing:queue:view", "routing:queue:join"]);
    checks::forbidden_body(LABELS_AFTER_UNBRACKETED_DIVISIONS);
}

/// Found by target `forbidden_body` within a minute of its first run (minimized by hand): a
/// permission list without its opening bracket made the reader look for the division clause
/// anywhere after it, and took `x` out of a division clause inside the admin label.
const DIVISION_INSIDE_LABEL_AFTER_UNBRACKETED_KEYS: &str = r#"{"code": "missing.permissions", "message": "Unable to perform the requested action. You are missing the following permission(s): ui:thing:view] (UI > Thing in at least one of the following division(s): [x])"}"#;

#[test]
fn a_division_clause_inside_a_label_adds_no_division_to_unbracketed_keys() {
    let read = permgate::genesys::ForbiddenBody::parse(DIVISION_INSIDE_LABEL_AFTER_UNBRACKETED_KEYS).unwrap();
    assert!(read.divisions.is_empty(), "{:?}", read.divisions);
    assert_eq!(read.missing[0].key, "ui:thing:view");
    checks::forbidden_body(DIVISION_INSIDE_LABEL_AFTER_UNBRACKETED_KEYS);
    let crash = include_str!("../fuzz/seeds/forbidden_body/crash-division-inside-label.json");
    assert!(
        permgate::genesys::ForbiddenBody::parse(crash)
            .unwrap()
            .divisions
            .is_empty()
    );
    checks::forbidden_body(crash);
}
