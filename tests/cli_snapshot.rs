//! The CLI on snapshot folders (`tests/fixtures/genesys/snapshot-a`, `snapshot-b`): who-can
//! against a naive loop asking each user alone, check/allows/explain/endpoints with --user and
//! --role against the same user or role given as a file, audit against the role file, diff
//! of two snapshots, and the errors: a missing manifest, a file of the wrong kind, an unknown
//! or ambiguous user, an unknown division, a wildcard question.
//!
//! The independent readings use the per-file readers (`RoleFile`, `UserAuthorization`,
//! `org_catalog`) and the forward questions (`decide`, `allows`) one principal at a time,
//! never the snapshot module or `who_can`.

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

#[path = "support/platform.rs"]
mod platform;

use std::path::Path;

use permgate::genesys::{self, RoleFile, UserAuthorization};
use permgate::{Catalog, Decision, Policy, Principal};
use serde_json::{Value, json};
use support::{TempDir, assert_exit, permgate};

const A: &str = "tests/fixtures/genesys/snapshot-a";
const B: &str = "tests/fixtures/genesys/snapshot-b";

fn read(dir: &str, file: &str) -> String {
    std::fs::read_to_string(Path::new(dir).join(file)).unwrap()
}

/// A snapshot read file by file with the readers that predate it.
struct Fixture {
    catalog: Catalog,
    roles: RoleFile,
    users: Vec<UserAuthorization>,
    /// Each division's id and name.
    divisions: Vec<(String, String)>,
}

fn fixture(dir: &str) -> Fixture {
    let catalog = genesys::org_catalog(Catalog::builtin(), &read(dir, "permissions.json")).unwrap();
    let roles = RoleFile::parse(&read(dir, "roles.json")).unwrap();
    assert!(roles.errors.is_empty());
    let users = UserAuthorization::parse_listing(&read(dir, "users.json")).unwrap();
    let divisions = genesys::listings::divisions(&read(dir, "divisions.json"))
        .unwrap()
        .into_iter()
        .map(|d| (d.id, d.name.unwrap()))
        .collect();
    Fixture {
        catalog,
        roles,
        users,
        divisions,
    }
}

/// `allowed` or `allowed_if` for the decisions of one principal's places; `None` if every one
/// denies.
fn word(decisions: &[Decision<'_>]) -> Option<&'static str> {
    if decisions.contains(&Decision::Allowed) {
        Some("allowed")
    } else if decisions.iter().any(|d| matches!(d, Decision::AllowedIf(_))) {
        Some("allowed_if")
    } else {
        None
    }
}

/// Every role that may, each compiled alone: `(name, decision)`.
fn naive_roles(fixture: &Fixture, permission: &str) -> Vec<Value> {
    let mut listed = Vec::new();
    for role in &fixture.roles.roles {
        let mut builder = Policy::builder(&fixture.catalog);
        let id = builder.add_role_definition(role).unwrap();
        let policy = builder.build();
        if let Some(word) = word(&[policy.decide(id, permission).unwrap()]) {
            listed.push(json!([role.name, word]));
        }
    }
    listed
}

/// Every user that may where `division` says (`None`: in some division), each compiled alone
/// and asked in each place: `[id, decision, divisions, roles]`.
fn naive_users(fixture: &Fixture, permission: &str, division: Option<&str>) -> Vec<Value> {
    let granting: Vec<String> = naive_roles(fixture, permission)
        .iter()
        .map(|role| role[0].as_str().unwrap().to_owned())
        .collect();
    let mut listed = Vec::new();
    for user in &fixture.users {
        let mut builder = Policy::builder(&fixture.catalog);
        let id = builder.add_user_definition(&user.definition(None)).unwrap();
        let policy = builder.build();
        let places: Vec<Principal> = match division {
            Some("*") => vec![id.into()],
            Some(division) => vec![policy.user_in(id, division)],
            None => std::iter::once(id.into())
                .chain(user.divisions().map(|d| policy.user_in(id, d)))
                .collect(),
        };
        let decisions: Vec<Decision<'_>> = places.iter().map(|p| policy.decide(*p, permission).unwrap()).collect();
        let Some(word) = word(&decisions) else { continue };
        let divisions = if policy.allows(id, permission).unwrap() {
            json!("*")
        } else {
            let named: Vec<&str> = user
                .divisions()
                .filter(|d| policy.allows(policy.user_in(id, d), permission).unwrap())
                .collect();
            json!(named)
        };
        let roles: Vec<&str> = user
            .roles
            .iter()
            .filter_map(|r| r.name.as_deref())
            .filter(|r| granting.iter().any(|g| g == r))
            .collect();
        listed.push(json!([user.id, word, divisions, roles]));
    }
    listed
}

/// `who-can DIR PERMISSION [--division D] --json` for each permission and division, against
/// the naive loops: the roles and users listed, each user's decision, divisions and roles,
/// the exit code. How many of the answers list some user.
fn assert_who_can_is_naive(dir: &str, permissions: &[&str], divisions: &[Option<&str>]) -> usize {
    let fixture = fixture(dir);
    let mut listed_someone = 0;
    for permission in permissions {
        for division in divisions {
            let mut args = vec!["who-can", dir, permission, "--json"];
            if let Some(division) = division {
                args.extend(["--division", division]);
            }
            let run = permgate(&args);
            let json = run.json();
            let roles: Vec<Value> = json["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| json!([r["name"], r["decision"]]))
                .collect();
            let users: Vec<Value> = json["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| json!([u["id"], u["decision"], u["divisions"], u["roles"]]))
                .collect();
            let expected_roles = naive_roles(&fixture, permission);
            // A division asked by name is its id.
            let id = division.map(|asked| {
                (fixture.divisions.iter())
                    .find(|(_, name)| name == asked)
                    .map_or(asked, |(id, _)| id.as_str())
            });
            let expected_users = naive_users(&fixture, permission, id);
            assert_eq!(roles, expected_roles, "{args:?}");
            assert_eq!(users, expected_users, "{args:?}");
            let anyone = !expected_roles.is_empty() || !expected_users.is_empty();
            assert_exit(&run, if anyone { 0 } else { 1 });
            listed_someone += usize::from(!expected_users.is_empty());
            // Every user listed has a grant that gives it where asked.
            for user in json["users"].as_array().unwrap() {
                assert!(!user["grants"].as_array().unwrap().is_empty(), "{user}");
            }
        }
    }
    listed_someone
}

#[test]
fn who_can_lists_what_a_naive_loop_over_every_user_finds() {
    let permissions = [
        "routing:queue:edit",
        "Routing > Queue > Edit",
        "routing:queue:view",
        "routing:queue:join",
        "routing:queue:delete",
        "routing:queue:add",
        "recording:recording:delete",
        "recording:recording:view",
        "journey:actionmap:view",
        "outbound:campaign:view",
    ];
    let divisions = [None, Some("d-east"), Some("West"), Some("d-home"), Some("*")];
    let listed_someone: usize = [A, B]
        .iter()
        .map(|dir| assert_who_can_is_naive(dir, &permissions, &divisions))
        .sum();
    assert!(
        listed_someone > 40,
        "the fixtures exercise too little: {listed_someone}"
    );
}

#[test]
fn who_can_prints_roles_and_users_with_divisions_and_conditions() {
    let run = permgate(&["who-can", A, "recording:recording:delete"]);
    assert_exit(&run, 0);
    assert_eq!(
        run.stdout,
        "\
who can recording:recording:delete in some division: 1 role, 2 users
snapshot of `Example Support Co` pulled at 2026-12-01T10:00:00Z

roles:
  role             id                 answer  condition
  Recording Admin  r-recording-admin  yes

users:
  user       id   answer  divisions       roles            condition
  Cara Diaz  u-3  yes     d-west          Recording Admin
  Dan Ng     u-4  yes     every division  Recording Admin
"
    );
    let run = permgate(&["who-can", A, "Routing > Queue > Edit", "--division", "East"]);
    assert_exit(&run, 0);
    assert_eq!(
        run.stdout,
        "\
who can Routing > Queue > Edit (routing:queue:edit) in division `East` (d-east): 2 roles, 2 users
snapshot of `Example Support Co` pulled at 2026-12-01T10:00:00Z

roles:
  role          id              answer       condition
  Queue Admin   r-queue-admin   yes
  Queue Editor  r-queue-editor  conditional  if Queue.id IN [QUEUE q-billing]

users:
  user       id   answer       divisions  roles         condition
  Ana Lopez  u-1  yes          d-east     Queue Admin
  Bob Stone  u-2  conditional  -          Queue Editor  if Queue.id IN [QUEUE q-billing]
"
    );
    // The same division by id; JSON names the id.
    let by_id = permgate(&["who-can", A, "routing:queue:edit", "--division", "d-east", "--json"]).json();
    let by_name = permgate(&["who-can", A, "routing:queue:edit", "--division", "East", "--json"]).json();
    assert_eq!(by_id, by_name);
    assert_eq!(by_id["division"], "d-east");
    assert_eq!(by_id["organization"], "Example Support Co");
    assert_eq!(by_id["users"][0]["email"], "ana@example.com");
    // No one: exit 1.
    let run = permgate(&["who-can", A, "outbound:campaign:view"]);
    assert_exit(&run, 1);
    assert!(
        run.stdout.contains("roles: none grants it\n\nusers: no one\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn who_can_reads_a_role_file_for_its_roles() {
    let run = permgate(&[
        "who-can",
        &format!("{A}/roles.json"),
        "routing:queue:edit",
        "--catalog",
        &format!("{A}/permissions.json"),
        "--json",
    ]);
    assert_exit(&run, 0);
    let json = run.json();
    let snapshot = permgate(&["who-can", A, "routing:queue:edit", "--json"]).json();
    assert_eq!(json["roles"], snapshot["roles"]);
    assert_eq!(json["users"], json!([]));
    assert_eq!(json["organization"], Value::Null);
    // No users, so no division to ask in.
    let run = permgate(&[
        "who-can",
        &format!("{A}/roles.json"),
        "routing:queue:edit",
        "--division",
        "d-east",
    ]);
    assert_exit(&run, 2);
    assert!(run.stderr.contains("a role file has none"), "{}", run.stderr);
}

#[test]
fn who_can_refuses_a_wildcard_but_answers_a_whole_entity_row() {
    let run = permgate(&["who-can", A, "routing:queue:*"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("`routing:queue:*` is a wildcard")
            && run.stderr.contains("who-can answers for one permission"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    // A catalog row that stands for a whole entity is a permission of its own.
    let run = permgate(&["who-can", A, "attributes:attribute:*", "--json"]);
    assert_exit(&run, 1);
    assert_eq!(run.json()["permission"], "attributes:attribute:*");
}

/// The user `id` of `dir`'s users.json, as a user file.
fn user_file(temp: &TempDir, dir: &str, id: &str) -> String {
    let users: Value = serde_json::from_str(&read(dir, "users.json")).unwrap();
    let user = users["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap();
    let side = Path::new(dir).file_name().unwrap().to_str().unwrap();
    temp.file(&format!("{side}-{id}.json"), &user.to_string())
}

#[test]
fn check_allows_explain_and_endpoints_answer_for_a_user_as_its_own_file_does() {
    let temp = TempDir::new();
    let catalog = format!("{A}/permissions.json");
    for (id, by, division) in [
        ("u-2", "Bob Stone", None),
        ("u-3", "cara@example.com", Some(("West", "d-west"))),
        ("u-4", "u-4", Some(("Home", "d-home"))),
        ("u-1", "u-1", Some(("d-east", "d-east"))),
    ] {
        let file = user_file(&temp, A, id);
        let questions = [
            "routing:queue:edit",
            "routing:queue:view",
            "recording:recording:delete",
            "routing:queue:join",
        ];
        let mut snapshot_args = vec!["allows", A, "--user", by, "--json"];
        let mut file_args = vec!["allows", &file, "--catalog", &catalog, "--json"];
        if let Some((asked, id)) = division {
            snapshot_args.extend(["--division", asked]);
            file_args.extend(["--division", id]);
        }
        snapshot_args.extend(questions);
        file_args.extend(questions);
        let (from_snapshot, from_file) = (permgate(&snapshot_args), permgate(&file_args));
        assert_eq!(from_snapshot.code, from_file.code, "{snapshot_args:?}");
        let (s, f) = (from_snapshot.json(), from_file.json());
        for field in ["subject", "division", "all_allowed", "answers"] {
            assert_eq!(s[field], f[field], "{snapshot_args:?}: {field}");
        }
        for (command, extra) in [
            ("check", vec!["--gate", "AmiNotes,AltocloudAgent"]),
            ("explain", vec!["routing:queue:edit"]),
            ("endpoints", vec!["--path-prefix", "/api/v2/routing/queues"]),
        ] {
            let mut snapshot_args = vec![command, A, "--user", by, "--json"];
            let mut file_args = vec![command, &file, "--catalog", &catalog, "--json"];
            if let Some((asked, id)) = division {
                snapshot_args.extend(["--division", asked]);
                file_args.extend(["--division", id]);
            }
            snapshot_args.extend(&extra);
            file_args.extend(&extra);
            let (from_snapshot, from_file) = (permgate(&snapshot_args), permgate(&file_args));
            assert_eq!(from_snapshot.code, from_file.code, "{snapshot_args:?}");
            let (mut s, mut f) = (from_snapshot.json(), from_file.json());
            s.as_object_mut().unwrap().remove("file");
            f.as_object_mut().unwrap().remove("file");
            assert_eq!(s, f, "{snapshot_args:?}");
        }
    }
    let run = permgate(&[
        "allows",
        A,
        "--user",
        "u-3",
        "--division",
        "West",
        "recording:recording:delete",
    ]);
    assert_exit(&run, 0);
    assert_eq!(
        run.stdout,
        "\
user `Cara Diaz` in division `d-west` (2 grants)

permission                  answer  condition
recording:recording:delete  yes
"
    );
}

#[test]
fn role_picks_a_role_of_the_snapshot_against_its_catalog() {
    let roles = format!("{A}/roles.json");
    let catalog = format!("{A}/permissions.json");
    for (command, extra) in [
        ("check", vec!["--gate", "AmiNotes"]),
        ("allows", vec!["routing:queue:delete", "routing:queue:view"]),
        ("explain", vec!["routing:queue:delete"]),
    ] {
        let mut snapshot_args = vec![command, A, "--role", "Queue Admin", "--json"];
        let mut file_args = vec![
            command,
            &roles,
            "--role",
            "Queue Admin",
            "--catalog",
            &catalog,
            "--json",
        ];
        snapshot_args.extend(&extra);
        file_args.extend(&extra);
        let (s, f) = (permgate(&snapshot_args), permgate(&file_args));
        assert_eq!(s.code, f.code, "{snapshot_args:?}");
        let (mut s, mut f) = (s.json(), f.json());
        s.as_object_mut().unwrap().remove("file");
        f.as_object_mut().unwrap().remove("file");
        assert_eq!(s, f, "{snapshot_args:?}");
    }
    // The organization's permission is known through the snapshot's catalog.
    let run = permgate(&[
        "allows",
        A,
        "--role",
        "Recording Admin",
        "recording:recording:delete",
        "--json",
    ]);
    assert_exit(&run, 0);
    assert_eq!(run.json()["answers"][0]["key"], "recording:recording:delete");
    let run = permgate(&["check", A, "--role", "No Such Role", "--gate", "AmiNotes"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("roles.json: no role named `No Such Role`"),
        "{}",
        run.stderr
    );
}

#[test]
fn audit_reads_every_role_of_the_snapshot() {
    let run = permgate(&["audit", A, "--json"]);
    assert_exit(&run, 0);
    let snapshot = run.json();
    let file = permgate(&[
        "audit",
        &format!("{A}/roles.json"),
        "--catalog",
        &format!("{A}/permissions.json"),
        "--json",
    ])
    .json();
    assert_eq!(snapshot["roles"], file["roles"]);
    assert_eq!(snapshot["file"], format!("{A}/roles.json"));
    let names: Vec<&str> = snapshot["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Queue Admin", "Queue Editor", "Agent", "Recording Admin", "Unused"]
    );
    // The wildcard covers the organization's queue actions too.
    let text = permgate(&["audit", A]).stdout;
    assert!(
        text.contains("routing:queue:*  covers 7 catalog permissions and any key under it"),
        "{text}"
    );
}

#[test]
fn diff_of_two_snapshots_lists_roles_and_users_added_removed_widened_and_narrowed() {
    let run = permgate(&["diff", A, B]);
    assert_exit(&run, 1);
    assert_eq!(
        run.stdout,
        format!(
            "\
--- {A} (`Example Support Co`, pulled at 2026-12-01T10:00:00Z)
+++ {B} (`Example Support Co`, pulled at 2026-12-07T17:30:00Z)

roles: 1 added, 1 removed, 2 changed
  + role `Journey Maps` (id r-maps)
  - role `Unused` (id r-unused)
  role `Queue Editor` (id r-queue-editor): widened
    +  routing:queue:delete
  role `Agent` (id r-agent): narrowed
    -  routing:queue:view  Routing > Queue > View

users: 1 added, 1 removed, 3 changed
  + user `Eve Park` (id u-6) (roles: Journey Maps)
  - user `Dan Ng` (id u-4) (roles: Agent, Recording Admin)
  user `Bob Stone` (id u-2): widened and narrowed
    in every division:
      +  routing:queue:delete
      -  routing:queue:view    Routing > Queue > View
  user `Cara Diaz` (id u-3): widened
    in every division:
      +  recording:recording:delete
      +  recording:recording:view
  user `Ana Lopez` (id u-5): narrowed
    in division `d-east`:
      -  routing:queue:view  Routing > Queue > View

4 roles and 5 users differ
"
        )
    );
    let json = permgate(&["diff", A, B, "--json"]).json();
    assert_eq!(json["equal"], false);
    let changed = |what: &str| -> Vec<Value> {
        json[what]["changed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| json!([c["id"], c["widened"], c["narrowed"]]))
            .collect()
    };
    assert_eq!(
        changed("roles"),
        [json!(["r-queue-editor", true, false]), json!(["r-agent", false, true])]
    );
    assert_eq!(
        changed("users"),
        [
            json!(["u-2", true, true]),
            json!(["u-3", true, false]),
            json!(["u-5", false, true])
        ]
    );
    // Each changed user's entries are what `diff` of its two user files says.
    let temp = TempDir::new();
    let catalog = format!("{A}/permissions.json");
    for user in json["users"]["changed"].as_array().unwrap() {
        let id = user["id"].as_str().unwrap();
        let (old, new) = (user_file(&temp, A, id), user_file(&temp, B, id));
        let alone = permgate(&["diff", &old, &new, "--catalog", &catalog, "--json"]).json();
        assert_eq!(user["added"], alone["added"], "{id}");
        assert_eq!(user["removed"], alone["removed"], "{id}");
    }
    // A snapshot against itself: equal, exit 0.
    let run = permgate(&["diff", A, A]);
    assert_exit(&run, 0);
    assert!(run.stdout.starts_with("no differences: "), "{}", run.stdout);
    // One role of each.
    let run = permgate(&["diff", A, B, "--role", "Agent"]);
    assert_exit(&run, 1);
    assert!(
        run.stdout
            .contains("-  routing:queue:view  Routing > Queue > View\n0 added, 1 removed\n")
    );
    // A snapshot with a file: only with --role.
    let run = permgate(&["diff", A, &format!("{B}/roles.json")]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("pick a role of both sides with --role"),
        "{}",
        run.stderr
    );
}

/// A copy of snapshot-b in `temp`'s folder `name`, its organization's
/// catalog edited by `edit` (its manifest's count of the listing's
/// entities and the listing's total following).
fn b_with_catalog(temp: &TempDir, name: &str, edit: impl Fn(&mut Vec<Value>)) -> String {
    let dir = temp.0.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(B).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let mut listing: Value = serde_json::from_str(&read(B, "permissions.json")).unwrap();
    let mut entities = listing["entities"].as_array().unwrap().clone();
    edit(&mut entities);
    let count = entities.len();
    listing["entities"] = Value::Array(entities);
    listing["total"] = json!(count);
    std::fs::write(dir.join("permissions.json"), listing.to_string()).unwrap();
    let mut manifest: Value = serde_json::from_str(&read(B, "manifest.json")).unwrap();
    manifest["counts"]["permissions"] = json!(count);
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    dir.to_str().unwrap().to_owned()
}

#[test]
fn diff_of_two_snapshots_lists_what_their_catalogs_list_differently() {
    let temp = TempDir::new();
    let widget = |action: &str| {
        json!({"id": "acmeapp", "domain": "acmeapp", "permissionMap": {"widget": [
            {"domain": "acmeapp", "entityType": "widget", "action": action, "label": action, "divisionAware": false}
        ]}})
    };
    let old = b_with_catalog(&temp, "old", |entities| entities.push(widget("edit")));
    let new = b_with_catalog(&temp, "new", |entities| {
        entities.push(widget("view"));
        for entity in entities.iter_mut() {
            for actions in entity["permissionMap"].as_object_mut().unwrap().values_mut() {
                for action in actions.as_array_mut().unwrap() {
                    if action["action"] == "view" && action["domain"] == "recording" {
                        action["divisionAware"] = json!(false);
                    }
                }
            }
        }
    });
    let json = permgate(&["diff", &old, &new, "--json"]).json();
    assert_eq!(json["equal"], false);
    assert_eq!(
        json["catalog"],
        json!({
            "added": ["acmeapp:widget:view"],
            "removed": ["acmeapp:widget:edit"],
            "division_aware": [{"key": "recording:recording:view", "division_aware": false}]
        })
    );
    let run = permgate(&["diff", &old, &new]);
    assert_exit(&run, 1);
    assert!(
        run.stdout.contains(
            "catalog: 1 permission added, 1 removed, 1 changed division awareness\n  \
             + `acmeapp:widget:view`\n  - `acmeapp:widget:edit`\n  \
             `recording:recording:view`: no longer division-aware\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("3 permissions of the catalog, "), "{}", run.stdout);
    // The same catalog: nothing listed, the roles and users alone decide.
    let same = permgate(&["diff", &old, &old, "--json"]).json();
    assert_eq!(
        (&same["equal"], &same["catalog"]),
        (&json!(true), &json!({"added": [], "removed": [], "division_aware": []}))
    );
    // Keys compare ignoring ASCII case: a respelled key is the same permission.
    let respelled = b_with_catalog(&temp, "respelled", |entities| {
        let mut upper = widget("EDIT");
        upper["permissionMap"]["widget"][0]["entityType"] = json!("Widget");
        entities.push(upper);
    });
    let json = permgate(&["diff", &old, &respelled, "--json"]).json();
    assert_eq!(
        json["catalog"],
        json!({"added": [], "removed": [], "division_aware": []}),
        "{json}"
    );
}

/// A copy of snapshot-a in a temporary folder.
fn copy_of_a(temp: &TempDir) -> String {
    let dir = temp.0.join("snapshot");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(A).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir.to_str().unwrap().to_owned()
}

#[test]
fn bad_snapshots_and_bad_users_exit_2_naming_the_file_or_user() {
    let temp = TempDir::new();
    let dir = copy_of_a(&temp);
    std::fs::remove_file(Path::new(&dir).join("manifest.json")).unwrap();
    for args in [
        vec!["who-can", &dir, "routing:queue:view"],
        vec!["audit", &dir],
        vec!["allows", &dir, "--user", "u-1", "routing:queue:view"],
        vec!["diff", &dir, A],
    ] {
        let run = permgate(&args);
        assert_exit(&run, 2);
        assert!(run.stderr.contains("manifest.json"), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }

    let temp = TempDir::new();
    let dir = copy_of_a(&temp);
    // Roles where the users belong.
    std::fs::copy(Path::new(A).join("roles.json"), Path::new(&dir).join("users.json")).unwrap();
    let run = permgate(&["who-can", &dir, "routing:queue:view"]);
    assert_exit(&run, 2);
    assert!(run.stderr.contains("users.json"), "{}", run.stderr);
    assert!(run.stderr.contains("$.entities[0]"), "{}", run.stderr);

    // A role that does not load: who-can and diff would leave it out, so they refuse;
    // audit lists it.
    let temp = TempDir::new();
    let dir = copy_of_a(&temp);
    let roles = read(A, "roles.json").replace(
        r#""actionSet": [
            "delete",
            "view"
          ]"#,
        r#""actionSet": []"#,
    );
    assert_ne!(roles, read(A, "roles.json"));
    std::fs::write(Path::new(&dir).join("roles.json"), roles).unwrap();
    for args in [
        vec!["who-can", dir.as_str(), "routing:queue:view"],
        vec!["diff", dir.as_str(), A],
    ] {
        let run = permgate(&args);
        assert_exit(&run, 2);
        assert!(
            run.stderr.contains("roles.json: role `Recording Admin`") && run.stderr.contains("empty action set"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = permgate(&["audit", &dir]);
    assert_exit(&run, 0);
    assert!(run.stdout.contains("1 role that did not load:"), "{}", run.stdout);

    let cases: [(&[&str], &str); 5] = [
        (&["--user", "nobody@example.com"], "nobody@example.com"),
        (&["--user", "Ana Lopez"], "u-1"),
        (
            &["--user", "u-1", "--division", "Nowhere"],
            "no division with id or name `Nowhere`",
        ),
        (&[], "pick a user with --user ID|EMAIL|NAME or a role with --role NAME"),
        (&["--role", "agent"], "did you mean `Agent`?"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["allows", A, "routing:queue:view"];
        args.extend(extra);
        let run = permgate(&args);
        assert_exit(&run, 2);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    // The ambiguous name lists both users.
    let run = permgate(&["check", A, "--user", "Ana Lopez", "--gate", "AmiNotes"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("u-1") && run.stderr.contains("u-5"),
        "{}",
        run.stderr
    );
    // --user needs a snapshot.
    let run = permgate(&[
        "allows",
        &format!("{A}/roles.json"),
        "--user",
        "u-1",
        "routing:queue:view",
    ]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("--user picks a user of a snapshot folder"),
        "{}",
        run.stderr
    );
    // --as is for files.
    let run = permgate(&["audit", A, "--as", "role"]);
    assert_exit(&run, 2);
    // who-can takes a snapshot or a role file, not one user.
    let run = permgate(&["who-can", "tests/fixtures/genesys/users-me.json", "routing:queue:view"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("for one user, ask `permgate allows`"),
        "{}",
        run.stderr
    );
}

#[test]
fn names_from_the_snapshot_are_escaped_in_every_table() {
    let temp = TempDir::new();
    let dir = copy_of_a(&temp);
    let hostile = "Cara\u{1b}[31m\nforged line";
    let users = read(A, "users.json").replace(
        "Cara Diaz",
        &hostile.escape_default().to_string().replace("\\u{1b}", "\\u001b"),
    );
    std::fs::write(Path::new(&dir).join("users.json"), users).unwrap();
    let roles = read(A, "roles.json").replace("\"Recording Admin\"", "\"Rec\\u0007Admin\\r\"");
    std::fs::write(Path::new(&dir).join("roles.json"), roles).unwrap();
    for args in [
        vec!["who-can", dir.as_str(), "recording:recording:delete"],
        vec!["diff", dir.as_str(), A],
        vec!["allows", dir.as_str(), "--user", "u-3", "recording:recording:delete"],
        vec!["audit", dir.as_str()],
    ] {
        let run = permgate(&args);
        assert!(run.code < 2, "{args:?}: {}", run.stderr);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}') && !run.stdout.contains('\r'),
            "{args:?}: {:?}",
            run.stdout
        );
        assert!(!run.stdout.contains("\nforged line"), "{args:?}: {}", run.stdout);
    }
    let json = permgate(&["who-can", &dir, "recording:recording:delete", "--json"]).json();
    assert_eq!(json["users"][0]["name"], hostile);
}

#[test]
fn diff_matches_roles_and_users_by_id_so_a_rename_is_a_change() {
    let temp = TempDir::new();
    let dir = temp.0.join("renamed");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(B).unwrap() {
        let entry = entry.unwrap();
        let text = std::fs::read_to_string(entry.path())
            .unwrap()
            .replace("\"Agent\"", "\"Contact Agent\"")
            .replace("\"Bob Stone\"", "\"Robert Stone\"");
        std::fs::write(dir.join(entry.file_name()), text).unwrap();
    }
    let dir = dir.to_str().unwrap();
    let json = permgate(&["diff", A, dir, "--json"]).json();
    let agent = &json["roles"]["changed"][1];
    assert_eq!(
        (&agent["id"], &agent["name"], &agent["old_name"], &agent["narrowed"]),
        (
            &json!("r-agent"),
            &json!("Contact Agent"),
            &json!("Agent"),
            &json!(true)
        )
    );
    assert_eq!(
        json["roles"]["added"],
        json!([{"id": "r-maps", "name": "Journey Maps"}])
    );
    let bob = &json["users"]["changed"][0];
    assert_eq!((&bob["id"], &bob["old_name"]), (&json!("u-2"), &json!("Bob Stone")));
    // Its roles are the same roles, one renamed.
    assert_eq!((&bob["roles_added"], &bob["roles_removed"]), (&json!([]), &json!([])));
    let text = permgate(&["diff", A, dir]).stdout;
    assert!(
        text.contains("  role `Contact Agent` (id r-agent): narrowed, renamed from `Agent`\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  user `Robert Stone` (id u-2): widened and narrowed, renamed from `Bob Stone`\n    in every division:\n"
        ),
        "{text}"
    );
}

#[test]
fn a_snapshot_written_by_the_library_reads_as_the_fixture_does() {
    use permgate::genesys::snapshot::{self, Counts, Manifest};
    use permgate::genesys::wire::Organization;
    use std::time::{Duration, SystemTime};

    // The fixture's bodies and manifest, written again as `pull` writes a folder.
    let fixture: Value = serde_json::from_str(&read(A, "manifest.json")).unwrap();
    let mut organization = Organization::default();
    organization.id = fixture["organization"]["id"].as_str().unwrap().to_owned();
    organization.name = fixture["organization"]["name"].as_str().map(str::to_owned);
    let mut counts = Counts::default();
    let count = |what: &str| usize::try_from(fixture["counts"][what].as_u64().unwrap()).unwrap();
    (
        counts.roles,
        counts.permissions,
        counts.divisions,
        counts.users,
        counts.products,
    ) = (
        count("roles"),
        count("permissions"),
        count("divisions"),
        count("users"),
        count("products"),
    );
    // 2026-12-01T10:00:00Z, the fixture's pulledAt.
    let pulled_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_119_200);
    let manifest = Manifest::new(
        organization,
        Some("us-east-1".to_owned()),
        "https://api.mypurecloud.com".to_owned(),
        pulled_at,
        counts,
    );
    let bodies: Vec<(&str, String)> = snapshot::BODIES.iter().map(|file| (*file, read(A, file))).collect();
    let bodies: Vec<(&str, &str)> = bodies.iter().map(|(file, text)| (*file, text.as_str())).collect();
    let temp = TempDir::new();
    let dir = temp.0.join("written");
    snapshot::write(&dir, &manifest, &bodies).unwrap();
    let dir = dir.to_str().unwrap();
    for args in [
        vec!["who-can", "{}", "routing:queue:edit"],
        vec!["who-can", "{}", "recording:recording:delete", "--division", "West"],
        vec!["allows", "{}", "--user", "bob@example.com", "routing:queue:edit"],
    ] {
        let on = |folder: &str| -> support::Run {
            let args: Vec<&str> = args.iter().map(|a| if *a == "{}" { folder } else { a }).collect();
            permgate(&args)
        };
        let (written, fixture) = (on(dir), on(A));
        assert_exit(&written, fixture.code);
        assert_eq!(written.stdout, fixture.stdout, "{args:?}");
    }
    let run = permgate(&["diff", A, dir]);
    assert_exit(&run, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_can_answers_on_what_permgate_pull_wrote_from_the_stand_in() {
    use platform::{CLIENT_ID, CLIENT_SECRET, Org, Platform, Reply};

    let mut org = Org::new(12, 40);
    org.max_page_size = 7;
    let platform = Platform::start(move |call| {
        org.answer(call)
            .unwrap_or_else(|| Reply::error(404, "not.found", "no such path"))
    })
    .await;
    let temp = TempDir::new();
    let out = temp.0.join("pulled");
    let base = platform.base();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_permgate"));
    command
        .args(["pull", "--api-base", &base, "--login-base", &base, "--out"])
        .arg(&out)
        .env("GENESYS_CLIENT_ID", CLIENT_ID)
        .env("GENESYS_CLIENT_SECRET", CLIENT_SECRET);
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::task::spawn_blocking(move || command.output().unwrap()),
    )
    .await
    .expect("the pull ran out of time")
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let dir = out.to_str().unwrap().to_owned();
    // Off the runtime's threads: each question runs the binary and waits.
    let listed = tokio::task::spawn_blocking(move || {
        assert_who_can_is_naive(
            &dir,
            &[
                "acme:widget:spin",
                "routing:queue:view",
                "routing:queue:join",
                "analytics:conversationDetail:view",
            ],
            &[None, Some("d-1"), Some("Division 2"), Some("*")],
        )
    })
    .await
    .unwrap();
    assert!(listed >= 12, "{listed}");
}
