//! Snapshot folders (`permgate::genesys::snapshot`): written, then read
//! back the same; each file missing, of another kind, truncated or
//! disagreeing with the manifest refused with an error naming it; a folder
//! whose write did not finish never read as a snapshot; users found by id,
//! email, username or name, and an ambiguous name refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};
use support::TempDir;

use permgate::genesys::snapshot::{self, Counts, Manifest, Snapshot, SnapshotError};
use permgate::genesys::wire::Organization;
use permgate::genesys::{JsonError, MAX_JSON_BYTES};
use permgate::{Catalog, Decision};

const ORGANIZATION: &str = r#"{"id": "o-1", "name": "Acme", "domain": "acme", "state": "active", "version": 12}"#;

const ROLES: &str = r#"{"entities": [
  {"id": "r-1", "name": "agent", "description": "", "userCount": 2, "permissionPolicies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["join", "view"], "allowConditions": false}]},
  {"id": "r-2", "name": "supervisor", "permissionPolicies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
     "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
       "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}},
    {"domain": "acme", "entityName": "widget", "actionSet": ["spin"]}]}],
 "pageSize": 2, "pageNumber": 1, "total": 2, "pageCount": 1}"#;

const PERMISSIONS: &str = r#"{"entities": [
  {"id": "acme", "domain": "acme", "permissionMap": {"widget": [
    {"domain": "acme", "entityType": "widget", "action": "spin", "label": "Spin", "divisionAware": false}]}},
  {"id": "routing", "domain": "routing", "permissionMap": {"queue": [
    {"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true}]}}],
 "pageSize": 2, "pageNumber": 1, "total": 2, "pageCount": 1}"#;

const DIVISIONS: &str = r#"{"entities": [
  {"id": "d-home", "name": "Home", "homeDivision": true}, {"id": "d-east", "name": "East"}],
 "pageSize": 2, "pageNumber": 1, "total": 2, "pageCount": 1}"#;

const USERS: &str = r#"{"entities": [
  {"id": "u-1", "name": "Ana", "email": "ana@example.com", "username": "ana.login@example.com", "state": "active",
   "authorization": {"roles": [{"id": "r-1", "name": "agent"}], "permissions": ["routing:queue:join:d-east"]}},
  {"id": "u-2", "name": "Bo", "email": "bo@example.com",
   "authorization": {"roles": [], "permissions": ["acme:widget:spin"]}},
  {"id": "u-3", "name": "Ana", "email": "ana.two@example.com",
   "authorization": {"roles": [], "permissions": []}}],
 "pageSize": 3, "pageNumber": 1, "total": 3, "pageCount": 1}"#;

const PRODUCTS: &str = r#"{"entities": [{"id": "engage"}, {"id": "botFlows"}],
 "pageSize": 2, "pageNumber": 1, "total": 2, "pageCount": 1}"#;

fn bodies() -> Vec<(&'static str, &'static str)> {
    vec![
        (snapshot::ORGANIZATION, ORGANIZATION),
        (snapshot::ROLES, ROLES),
        (snapshot::PERMISSIONS, PERMISSIONS),
        (snapshot::DIVISIONS, DIVISIONS),
        (snapshot::USERS, USERS),
        (snapshot::PRODUCTS, PRODUCTS),
    ]
}

fn manifest() -> Manifest {
    let mut organization = Organization::default();
    organization.id = "o-1".into();
    organization.name = Some("Acme".into());
    let mut counts = Counts::default();
    counts.roles = 2;
    counts.permissions = 2;
    counts.divisions = 2;
    counts.users = 3;
    counts.products = 2;
    Manifest::new(
        organization,
        Some("us-east-1".into()),
        "https://api.mypurecloud.com/".into(),
        UNIX_EPOCH + Duration::from_secs(1_796_655_845),
        counts,
    )
}

/// A good snapshot written to `scratch/name`.
fn written(scratch: &TempDir, name: &str) -> PathBuf {
    let dir = scratch.0.join(name);
    snapshot::write(&dir, &manifest(), &bodies()).unwrap();
    dir
}

fn read(dir: &Path) -> Result<Snapshot, SnapshotError> {
    Snapshot::read(dir, Catalog::builtin())
}

#[test]
fn a_written_snapshot_reads_back_the_same() {
    let scratch = TempDir::new();
    let dir = written(&scratch, "snap");
    // Only the folder: the temporary one is gone.
    assert_eq!(scratch.entries(), ["snap"]);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "divisions.json",
            "manifest.json",
            "organization.json",
            "permissions.json",
            "products.json",
            "roles.json",
            "users.json"
        ]
    );
    // The bodies as given, byte for byte.
    for (file, text) in bodies() {
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), text, "{file}");
    }
    let manifest_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(snapshot::MANIFEST)).unwrap()).unwrap();
    assert_eq!(
        manifest_json,
        serde_json::json!({"format": "permgate-snapshot", "version": 1,
            "organization": {"id": "o-1", "name": "Acme"}, "region": "us-east-1",
            "apiBase": "https://api.mypurecloud.com/", "pulledAt": "2026-12-07T15:04:05Z",
            "counts": {"roles": 2, "permissions": 2, "divisions": 2, "users": 3, "products": 2}})
    );

    let snapshot = read(&dir).unwrap();
    assert_eq!(snapshot.manifest(), &manifest());
    let roles: Vec<&str> = snapshot.roles().roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(roles, ["agent", "supervisor"]);
    assert!(snapshot.roles().errors.is_empty());
    // The organization's own permission is in the catalog, not in the builtin one.
    assert!(Catalog::builtin().lookup("acme:widget:spin").is_none());
    let spin = snapshot.catalog().lookup("acme:widget:spin").unwrap();
    assert_eq!(snapshot.catalog().len(), Catalog::builtin().len() + 1);
    let ids: Vec<&str> = snapshot.users().iter().map(|u| u.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["u-1", "u-2", "u-3"]);
    let divisions: Vec<&str> = snapshot.divisions().iter().map(|d| d.id.as_str()).collect();
    assert_eq!(divisions, ["d-home", "d-east"]);
    let products: Vec<&str> = snapshot.products().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(products, ["engage", "botFlows"]);

    let policy = snapshot.policy().unwrap();
    let agent = policy.role("agent").unwrap();
    let supervisor = policy.role("supervisor").unwrap();
    assert_eq!(policy.allows(agent, "routing:queue:join"), Ok(true));
    assert_eq!(policy.allows(agent, "routing:queue:edit"), Ok(false));
    assert!(matches!(
        policy.decide(supervisor, permgate::perm::routing::QUEUE_EDIT),
        Decision::AllowedIf(_)
    ));
    assert!(policy.allows(supervisor, spin));
}

#[test]
fn users_are_found_by_id_email_username_or_name_and_an_ambiguous_name_is_refused() {
    let scratch = TempDir::new();
    let snapshot = read(&written(&scratch, "snap")).unwrap();
    let id = |who: &str| snapshot.user(who).map(|u| u.id.clone().unwrap());
    assert_eq!(id("u-2"), Ok("u-2".into()));
    assert_eq!(id("ana@example.com"), Ok("u-1".into()));
    assert_eq!(id("ANA@Example.com"), Ok("u-1".into()));
    assert_eq!(id("ana.login@example.com"), Ok("u-1".into()));
    assert_eq!(id("ana.two@example.com"), Ok("u-3".into()));
    assert_eq!(id("Bo"), Ok("u-2".into()));
    // Exact: no trimming, no prefix, names with their case.
    assert!(matches!(id(" u-2"), Err(SnapshotError::UnknownUser { .. })));
    assert!(matches!(id("bo"), Err(SnapshotError::UnknownUser { .. })));
    assert!(matches!(id("u-"), Err(SnapshotError::UnknownUser { .. })));
    let error = snapshot.user("Ana").unwrap_err();
    assert_eq!(
        error,
        SnapshotError::AmbiguousUser {
            who: "Ana".into(),
            ids: vec!["u-1".into(), "u-3".into()]
        }
    );
    assert_eq!(
        error.to_string(),
        "users.json: 2 users match `Ana`: ask by id (u-1, u-3)"
    );
    assert_eq!(error.file(), Some("users.json"));
    // The user's grants, as the listing says.
    let ana = snapshot.user("u-1").unwrap();
    assert_eq!(ana.permissions[0].key(), "routing:queue:join");
    assert_eq!(ana.email.as_deref(), Some("ana@example.com"));
}

/// The good snapshot, with `change` made to its folder.
fn changed(scratch: &TempDir, name: &str, change: impl FnOnce(&Path)) -> Result<Snapshot, SnapshotError> {
    let dir = written(scratch, name);
    change(&dir);
    read(&dir)
}

#[test]
fn a_missing_file_is_named_and_a_folder_without_its_manifest_is_not_a_snapshot() {
    let scratch = TempDir::new();
    for file in snapshot::BODIES {
        let error = changed(&scratch, file, |dir| std::fs::remove_file(dir.join(file)).unwrap()).unwrap_err();
        assert_eq!(error, SnapshotError::Missing { file }, "{file}");
        assert_eq!(error.to_string(), format!("{file}: missing from the snapshot"));
    }
    let error = changed(&scratch, "no-manifest", |dir| {
        std::fs::remove_file(dir.join(snapshot::MANIFEST)).unwrap();
    })
    .unwrap_err();
    assert!(matches!(error, SnapshotError::NotASnapshot { .. }), "{error:?}");
    assert!(error.to_string().contains("has no manifest.json"), "{error}");
    // Nor is a folder that is not there, or a file.
    assert!(matches!(
        read(&scratch.0.join("absent")),
        Err(SnapshotError::NotASnapshot { .. })
    ));
    let dir = written(&scratch, "manifest-a-folder");
    std::fs::remove_file(dir.join(snapshot::MANIFEST)).unwrap();
    std::fs::create_dir(dir.join(snapshot::MANIFEST)).unwrap();
    assert!(matches!(read(&dir), Err(SnapshotError::Io { file, .. }) if file == "manifest.json"));
}

#[test]
fn a_file_of_another_kind_is_refused_naming_the_file() {
    let scratch = TempDir::new();
    // Each file given another file's body.
    let swaps = [
        (snapshot::MANIFEST, ORGANIZATION),
        (snapshot::ORGANIZATION, ROLES),
        (snapshot::ROLES, USERS),
        (snapshot::PERMISSIONS, ROLES),
        (snapshot::PERMISSIONS, DIVISIONS),
        (snapshot::DIVISIONS, USERS),
        (snapshot::USERS, ROLES),
        (snapshot::PRODUCTS, USERS),
    ];
    for (n, (file, body)) in swaps.into_iter().enumerate() {
        let error = changed(&scratch, &format!("swap-{n}"), |dir| {
            std::fs::write(dir.join(file), body).unwrap();
        })
        .unwrap_err();
        assert_eq!(error.file(), Some(file), "{file}: {error:?}");
        assert!(
            matches!(error, SnapshotError::Json { .. } | SnapshotError::Format { .. }),
            "{file}: {error:?}"
        );
        assert!(error.to_string().starts_with(&format!("{file}: ")), "{error}");
    }
    // Users in roles.json: the first user is named, at its path.
    let error = changed(&scratch, "users-as-roles", |dir| {
        std::fs::write(dir.join(snapshot::ROLES), USERS).unwrap();
    })
    .unwrap_err();
    match error {
        SnapshotError::Json {
            file: "roles.json",
            error: JsonError::WrongKind { path, .. },
        } => assert_eq!(path, "$.entities[0]"),
        other => panic!("{other:?}"),
    }
    // Divisions in roles.json: no role loads, each entity is of another kind.
    let error = changed(&scratch, "divisions-as-roles", |dir| {
        std::fs::write(dir.join(snapshot::ROLES), DIVISIONS).unwrap();
    })
    .unwrap_err();
    assert!(
        matches!(&error, SnapshotError::Json { file: "roles.json", error: JsonError::WrongKind { path, .. } } if path == "$.entities[0]"),
        "{error:?}"
    );
    // One role, not a listing, is not what a snapshot holds.
    let error = changed(&scratch, "one-role", |dir| {
        std::fs::write(
            dir.join(snapshot::ROLES),
            r#"{"name": "agent", "permissionPolicies": []}"#,
        )
        .unwrap();
    })
    .unwrap_err();
    assert_eq!(error.file(), Some("roles.json"), "{error:?}");
    // A domain of the catalog without its permissionMap.
    let error = changed(&scratch, "no-map", |dir| {
        std::fs::write(
            dir.join(snapshot::PERMISSIONS),
            r#"{"entities": [{"id": "d-1", "name": "Home"}, {"id": "d-2", "name": "East"}]}"#,
        )
        .unwrap();
    })
    .unwrap_err();
    assert_eq!(
        error,
        SnapshotError::Json {
            file: "permissions.json",
            error: JsonError::MissingField {
                path: "$.entities[0]".into(),
                field: "permissionMap"
            }
        }
    );
    // A manifest of another format, or of a later version.
    let error = changed(&scratch, "format", |dir| {
        let text = std::fs::read_to_string(dir.join(snapshot::MANIFEST)).unwrap();
        std::fs::write(dir.join(snapshot::MANIFEST), text.replace("permgate-snapshot", "other")).unwrap();
    })
    .unwrap_err();
    assert!(matches!(error, SnapshotError::Format { .. }), "{error:?}");
    let error = changed(&scratch, "version", |dir| {
        let text = std::fs::read_to_string(dir.join(snapshot::MANIFEST)).unwrap();
        std::fs::write(
            dir.join(snapshot::MANIFEST),
            text.replace(r#""version": 1"#, r#""version": 2"#),
        )
        .unwrap();
    })
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "manifest.json: `version` is 2; this permgate reads version 1"
    );
}

#[test]
fn a_role_that_does_not_load_is_its_own_error_and_the_others_load() {
    let scratch = TempDir::new();
    let snapshot = changed(&scratch, "one-bad-role", |dir| {
        let text = ROLES.replacen(
            r#"{"id": "r-1", "name": "agent", "description": "", "userCount": 2, "permissionPolicies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["join", "view"], "allowConditions": false}]}"#,
            r#"{"id": "r-1", "name": "agent", "description": "", "userCount": 2}"#,
            1,
        );
        assert_ne!(text, ROLES);
        std::fs::write(dir.join(snapshot::ROLES), text).unwrap();
    })
    .unwrap();
    let roles = snapshot.roles();
    assert_eq!(roles.roles.len(), 1);
    assert_eq!(roles.roles[0].name, "supervisor");
    assert_eq!(roles.errors.len(), 1);
    assert_eq!(
        (roles.errors[0].position, roles.errors[0].name.as_deref()),
        (0, Some("agent"))
    );
    // The policy has the role that loaded, and not the other.
    let policy = snapshot.policy().unwrap();
    assert!(policy.role("supervisor").is_some() && policy.role("agent").is_none());
}

#[test]
fn a_truncated_file_is_refused_naming_the_file() {
    let scratch = TempDir::new();
    for file in snapshot::BODIES.into_iter().chain([snapshot::MANIFEST]) {
        let error = changed(&scratch, &format!("cut-{file}"), |dir| {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            std::fs::write(dir.join(file), &text[..text.len() / 2]).unwrap();
        })
        .unwrap_err();
        match &error {
            SnapshotError::Json {
                file: named,
                error: JsonError::Syntax { .. },
            } => assert_eq!(*named, file),
            other => panic!("{file}: {other:?}"),
        }
    }
    // An empty file too.
    let error = changed(&scratch, "empty", |dir| {
        std::fs::write(dir.join(snapshot::USERS), "").unwrap()
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            SnapshotError::Json {
                file: "users.json",
                error: JsonError::Syntax { .. }
            }
        ),
        "{error:?}"
    );
}

#[test]
fn files_that_disagree_with_the_manifest_are_refused() {
    let scratch = TempDir::new();
    // One user fewer than the manifest counts (a listing cut at an entity).
    let error = changed(&scratch, "fewer", |dir| {
        let fewer = USERS.replacen(
            r#"{"id": "u-3", "name": "Ana", "email": "ana.two@example.com",
   "authorization": {"roles": [], "permissions": []}}"#,
            "",
            1,
        );
        let fewer = fewer.replacen("}},\n  ]", "}}]", 1);
        std::fs::write(dir.join(snapshot::USERS), fewer).unwrap();
    })
    .unwrap_err();
    assert_eq!(
        error,
        SnapshotError::Mismatch {
            file: "users.json",
            problem: "2 entities, where the manifest counts 3".into()
        }
    );
    for (file, from, to) in [
        (
            snapshot::ROLES,
            r#"{"entities": ["#,
            r#"{"entities": [{"name": "x", "permissions": []}, "#,
        ),
        (
            snapshot::DIVISIONS,
            r#"{"entities": ["#,
            r#"{"entities": [{"id": "d-3", "name": "3"}, "#,
        ),
        (snapshot::PRODUCTS, r#"{"id": "engage"}, "#, ""),
    ] {
        let error = changed(&scratch, &format!("count-{file}"), |dir| {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            assert!(text.contains(from));
            std::fs::write(dir.join(file), text.replacen(from, to, 1)).unwrap();
        })
        .unwrap_err();
        assert!(
            matches!(&error, SnapshotError::Mismatch { file: named, .. } if *named == file),
            "{file}: {error:?}"
        );
    }
    // Another organization's organization.json.
    let error = changed(&scratch, "other-org", |dir| {
        std::fs::write(dir.join(snapshot::ORGANIZATION), r#"{"id": "o-2", "name": "Other"}"#).unwrap();
    })
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "organization.json: the organization `o-2` is not the manifest's `o-1`"
    );
}

#[test]
fn a_file_past_its_bound_is_refused_before_it_is_read() {
    let scratch = TempDir::new();
    let error = changed(&scratch, "huge", |dir| {
        let file = std::fs::File::create(dir.join(snapshot::ROLES)).unwrap();
        file.set_len(MAX_JSON_BYTES as u64 + 1).unwrap();
    })
    .unwrap_err();
    assert_eq!(
        error,
        SnapshotError::Json {
            file: "roles.json",
            error: JsonError::TooLarge {
                size: MAX_JSON_BYTES + 1,
                max: MAX_JSON_BYTES
            }
        }
    );
    // users.json has its own, larger bound: a sparse file one byte past the page bound is read
    // (and is not JSON), one past its own bound is refused unread.
    let error = changed(&scratch, "users-past-page", |dir| {
        let file = std::fs::File::create(dir.join(snapshot::USERS)).unwrap();
        file.set_len(MAX_JSON_BYTES as u64 + 1).unwrap();
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            SnapshotError::Json {
                file: "users.json",
                error: JsonError::Syntax { .. }
            }
        ),
        "{error:?}"
    );
    let error = changed(&scratch, "users-huge", |dir| {
        let file = std::fs::File::create(dir.join(snapshot::USERS)).unwrap();
        file.set_len(snapshot::MAX_USERS_JSON_BYTES as u64 + 1).unwrap();
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            SnapshotError::Json {
                file: "users.json",
                error: JsonError::TooLarge { .. }
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_write_that_fails_leaves_neither_the_folder_nor_a_temporary_one() {
    let scratch = TempDir::new();
    let target = scratch.0.join("snap");
    // Users where roles go: it does not read back, so it is never renamed into place.
    let mut wrong = bodies();
    wrong[1].1 = USERS;
    let error = snapshot::write(&target, &manifest(), &wrong).unwrap_err();
    assert_eq!(error.file(), Some("roles.json"), "{error:?}");
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());
    // Counts the listings do not have.
    let mut counts = manifest();
    counts.counts.users = 4;
    let error = snapshot::write(&target, &counts, &bodies()).unwrap_err();
    assert!(
        matches!(error, SnapshotError::Mismatch { file: "users.json", .. }),
        "{error:?}"
    );
    assert!(scratch.entries().is_empty());
    // A body missing, twice, or unknown.
    for (bodies, problem) in [
        (bodies()[1..].to_vec(), "no organization.json"),
        (
            [bodies(), vec![(snapshot::USERS, USERS)]].concat(),
            "users.json more than once",
        ),
        (
            [bodies(), vec![("secrets.json", "{}")]].concat(),
            "`secrets.json` is not a file of a snapshot",
        ),
    ] {
        let error = snapshot::write(&target, &manifest(), &bodies).unwrap_err();
        assert_eq!(
            error,
            SnapshotError::Bodies {
                problem: problem.into()
            }
        );
        assert!(scratch.entries().is_empty());
    }
    // A folder that exists, even empty, is not written over.
    std::fs::create_dir(&target).unwrap();
    let error = snapshot::write(&target, &manifest(), &bodies()).unwrap_err();
    assert!(matches!(error, SnapshotError::Exists { .. }), "{error:?}");
    assert_eq!(scratch.entries(), ["snap"]);
    assert!(std::fs::read_dir(&target).unwrap().next().is_none());
    // A folder whose parent is not there.
    let error = snapshot::write(&scratch.0.join("no/such/parent"), &manifest(), &bodies()).unwrap_err();
    assert!(matches!(error, SnapshotError::Io { .. }), "{error:?}");
}

#[test]
fn a_folder_whose_write_did_not_finish_is_never_read_as_a_snapshot() {
    let scratch = TempDir::new();
    // What a write leaves if it stops before the manifest: every body, no manifest.
    let partial = scratch.0.join(".snap.partial-1-2");
    std::fs::create_dir(&partial).unwrap();
    for (file, text) in bodies() {
        std::fs::write(partial.join(file), text).unwrap();
    }
    assert!(matches!(read(&partial), Err(SnapshotError::NotASnapshot { .. })));
    // A manifest with some of the files: the first missing one is named.
    std::fs::write(
        partial.join(snapshot::MANIFEST),
        serde_json::to_string(&manifest()).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(partial.join(snapshot::USERS)).unwrap();
    assert_eq!(
        read(&partial).unwrap_err(),
        SnapshotError::Missing { file: "users.json" }
    );
}
