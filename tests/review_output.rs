//! Text output escapes what untrusted documents hold: control characters
//! (newlines, ESC), invisible and bidirectional format characters. A role
//! named with a newline and a forged table must not make `permgate check`
//! print a fake "granted" row, and `\x1b[8m` (conceal) must not hide the
//! real verdict. [`Escaped`] itself, the library's `Display` impls and error
//! messages, then the CLI run as a process (with the `cli` feature).
//!
//! `--json` output is not escaped here: `serde_json` escapes control
//! characters itself, and the JSON keeps the names as given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::{RoleFile, SubjectSpec};
use permgate::{BuildError, Catalog, Decision, Policy, Release, gates::ActionMapAnalyticsReport, perm, text::Escaped};

/// The name of the review's attack: a forged table after two newlines, then
/// "conceal" so that a terminal hides what follows.
const FORGED: &str = "x\n\ngate  document  release  result\nAmiStandardUser  ami-r3  3.15  granted\x1b[8m";

/// [`FORGED`] as [`Escaped`] writes it.
const FORGED_ESCAPED: &str = r"x\n\ngate  document  release  result\nAmiStandardUser  ami-r3  3.15  granted\u{1b}[8m";

/// No character that could alter a terminal or forge a line.
#[track_caller]
fn assert_inert(text: &str) {
    let bad = text.chars().find(|&c| {
        c.is_control() || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    });
    assert_eq!(bad, None, "{text:?}");
}

#[test]
fn escaped_writes_every_dangerous_class_as_an_escape() {
    let cases = [
        ("\n", r"\n"),
        ("\r", r"\r"),
        ("\t", r"\t"),
        ("\\", r"\\"),
        ("\0", r"\u{0}"),
        ("\x07", r"\u{7}"),
        ("\x1b", r"\u{1b}"),
        ("\x1f", r"\u{1f}"),
        ("\x7f", r"\u{7f}"),
        ("\u{80}", r"\u{80}"),
        ("\u{85}", r"\u{85}"),
        ("\u{9b}", r"\u{9b}"),
        ("\u{9f}", r"\u{9f}"),
        ("\u{200b}", r"\u{200b}"),
        ("\u{200e}", r"\u{200e}"),
        ("\u{200f}", r"\u{200f}"),
        ("\u{202a}", r"\u{202a}"),
        ("\u{202e}", r"\u{202e}"),
        ("\u{2060}", r"\u{2060}"),
        ("\u{2064}", r"\u{2064}"),
        ("\u{2066}", r"\u{2066}"),
        ("\u{2069}", r"\u{2069}"),
        ("\u{feff}", r"\u{feff}"),
        // Spaces other than the ASCII one: a label or name holding one must not read as one
        // that does not.
        ("\u{a0}", r"\u{a0}"),
        ("\u{202f}", r"\u{202f}"),
        ("\u{2009}", r"\u{2009}"),
    ];
    for (raw, escaped) in cases {
        assert_eq!(Escaped(raw).to_string(), escaped, "{raw:?}");
        assert_eq!(
            Escaped(&format!("a{raw}b")).to_string(),
            format!("a{escaped}b"),
            "{raw:?}"
        );
    }
    assert_eq!(Escaped(FORGED).to_string(), FORGED_ESCAPED);
    assert_inert(&Escaped(FORGED).to_string());
}

#[test]
fn escaped_keeps_a_literal_backslash_n_apart_from_a_newline() {
    assert_eq!(Escaped(r"a\nb").to_string(), r"a\\nb");
    assert_eq!(Escaped("a\nb").to_string(), r"a\nb");
    assert_ne!(Escaped(r"a\nb").to_string(), Escaped("a\nb").to_string());
    assert_eq!(Escaped(r"C:\roles\").to_string(), r"C:\\roles\\");
}

#[test]
fn escaped_leaves_clean_text_unchanged() {
    for clean in [
        "",
        "agent",
        "AMI R3|standard user role",
        "Journey > Action Map > View",
        "routing:queue:*",
        "Équipe d'été",
        "客服 主管",
        "emoji 🚀 and \"quotes\"",
    ] {
        assert_eq!(Escaped(clean).to_string(), clean);
        assert_eq!(format!("{:<40}|", Escaped(clean)), format!("{clean:<40}|"));
    }
}

#[test]
fn escaped_pads_the_escaped_text() {
    assert_eq!(format!("{:<6}|", Escaped("\x1b")), r"\u{1b}|");
    assert_eq!(format!("{:<8}|", Escaped("a\nb")), r"a\nb    |");
    assert_eq!(format!("{:>4}|", Escaped("é")), "   é|");
}

#[test]
fn denied_escapes_the_role_name() {
    let policy = Policy::builder(Catalog::builtin())
        .role(FORGED, ["journey:actionmap:view"])
        .unwrap()
        .build();
    let denied = policy
        .check::<ActionMapAnalyticsReport>(policy.role(FORGED).unwrap())
        .unwrap_err();
    assert_eq!(denied.principal(), Some(FORGED), "the accessor keeps the name as given");
    assert_eq!(denied.division(), None);
    assert_eq!(
        denied.to_string(),
        format!(
            "role `{FORGED_ESCAPED}` does not satisfy gate `ActionMapAnalyticsReport`: missing 1 permission\n  \
             - journey:report:view (Journey > Report > View)"
        )
    );
}

#[test]
fn denied_escapes_the_user_name_and_division() {
    let mut builder = Policy::builder(Catalog::builtin());
    let viewer = builder.add_role("viewer", ["journey:actionmap:view"]).unwrap();
    let user = builder
        .add_user(FORGED, [(viewer, permgate::Division::new("d\n1"))])
        .unwrap();
    assert_eq!(
        builder.add_user(FORGED, []).unwrap_err().to_string(),
        format!("duplicate user `{FORGED_ESCAPED}`")
    );
    let policy = builder.build();
    let denied = policy
        .check::<ActionMapAnalyticsReport>(policy.user_in(user, "d\n1"))
        .unwrap_err();
    assert_eq!(denied.principal(), Some(FORGED), "the accessor keeps the name as given");
    assert_eq!(denied.division(), Some("d\n1"));
    assert_eq!(
        denied.to_string(),
        format!(
            "user `{FORGED_ESCAPED}` in division `d\\n1` does not satisfy gate `ActionMapAnalyticsReport`: \
             missing 1 permission\n  - journey:report:view (Journey > Report > View)"
        )
    );
    assert_inert(&denied.to_string().replace('\n', ""));
    let denied = policy.check::<ActionMapAnalyticsReport>(user).unwrap_err();
    assert_eq!(denied.division(), None);
    assert!(
        denied
            .to_string()
            .starts_with(&format!("user `{FORGED_ESCAPED}` in every division does not satisfy"))
    );
}

/// A role whose only policy is conditional, with `value` as the queue id.
fn conditional_role(name: &str, variable: &str, value: &str) -> String {
    serde_json::json!({"name": name, "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
         "resourceConditionNode": {"variableName": variable, "operator": "IN",
           "operands": [{"type": "QUEUE", "queue": {"id": value}}, {"type": "SCALAR", "value": "ok"}]}}]})
    .to_string()
}

#[test]
fn condition_escapes_variables_and_values() {
    let file = RoleFile::parse(&conditional_role(
        "r",
        "Queue.id\x1b[2K",
        "q-1\nrouting:queue:edit  yes",
    ))
    .unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    let Decision::AllowedIf(conditions) = policy.decide(policy.role("r").unwrap(), perm::routing::QUEUE_EDIT) else {
        panic!("conditional");
    };
    assert_eq!(
        conditions[0].to_string(),
        r#""Queue.id\u{1b}[2K" IN [QUEUE "q-1\nrouting:queue:edit  yes", SCALAR ok]"#
    );
    // The JSON form keeps the values as given.
    assert_eq!(
        serde_json::to_value(permgate::genesys::wire::ResourceConditionNode::from(conditions[0])).unwrap()["operands"]
            [0]["queue"]["id"],
        "q-1\nrouting:queue:edit  yes"
    );
}

#[test]
fn build_errors_escape_role_names_and_grants() {
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role("dup\x1b[8m", ["routing:queue:view"]).unwrap();
    let duplicate = builder.add_role("dup\x1b[8m", ["routing:queue:view"]).unwrap_err();
    assert!(matches!(&duplicate, BuildError::DuplicateRole { role } if role == "dup\x1b[8m"));
    assert_eq!(duplicate.to_string(), r"duplicate role `dup\u{1b}[8m`");

    let grant = builder
        .add_role("r\u{202e}", ["routing:queue:view", "a\nb:c:d"])
        .unwrap_err();
    assert_eq!(
        grant.to_string(),
        r"role `r\u{202e}`, grant 1 `a\nb:c:d`: invalid character '\n' at byte 1 of `a\nb:c:d`"
    );
}

#[test]
fn parse_errors_escape_the_input() {
    let policy = Policy::builder(Catalog::builtin())
        .role("r", ["routing:queue:view"])
        .unwrap()
        .build();
    let role = policy.role("r").unwrap();
    let cases = [
        (
            "\x1b[8m:queue:view",
            r"invalid character '\u{1b}' at byte 0 of `\u{1b}[8m:queue:view`",
        ),
        ("a:b:c\n", r"invalid character '\n' at byte 5 of `a:b:c\n`"),
        (
            "a:\u{202e}b:c",
            r"invalid character '\u{202e}' at byte 2 of `a:\u{202e}b:c`",
        ),
        (
            "Journey\u{202e} > X > View",
            r"unknown label `Journey\u{202e} > X > View`",
        ),
        (
            "a\u{200b} > b",
            r"`a\u{200b} > b` has 2 segments; expected three: `domain:entity:action` or `Domain > Entity > Action`",
        ),
        (" > b\u{feff} > c", r"empty domain in ` > b\u{feff} > c`"),
        (
            "Journey > Action Map\u{2066} > All",
            r"`Journey > Action Map\u{2066} > All` is a wildcard; ask about one permission, wildcards belong to grants",
        ),
    ];
    for (input, message) in cases {
        let error = policy.allows(role, input).unwrap_err();
        assert_eq!(error.to_string(), message, "{input:?}");
    }
}

#[test]
fn role_file_errors_escape_the_name_and_json_errors_the_path_and_problem() {
    let file = RoleFile::parse(
        r#"[{"name": "evil\u001b[8m", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": []}]},
            {"name": "op", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
              "resourceConditionNode": {"variableName": "v", "operator": "EQ\n", "operands": [{"type": "SCALAR", "value": "1"}]}}]}]"#,
    )
    .unwrap();
    assert_eq!(file.errors[0].name.as_deref(), Some("evil\x1b[8m"));
    assert_eq!(
        file.errors[0].to_string(),
        r"role 0 `evil\u{1b}[8m`: `$[0].permissionPolicies[0].actionSet`: empty action set"
    );
    assert_eq!(
        file.errors[1].to_string(),
        "role 1 `op`: `$[1].permissionPolicies[0].resourceConditionNode.operator`: \
         unknown operator `EQ\\n`; expected EQ, IN, GE, GT, LE or LT"
    );

    // An organization catalog's `permissionMap` keys are input, and part of the path.
    let org = r#"{"entities": [{"domain": "ui", "permissionMap": {"x\u001b]0;owned\u0007": [{"domain": 1}]}}]}"#;
    let error = permgate::genesys::org_catalog(Catalog::builtin(), org).unwrap_err();
    assert_eq!(
        error.path(),
        Some("$.entities[0].permissionMap.x\x1b]0;owned\x07[0].domain")
    );
    assert_eq!(
        error.to_string(),
        r"`$.entities[0].permissionMap.x\u{1b}]0;owned\u{7}[0].domain`: expected a string, found a number"
    );
}

#[test]
fn unknown_role_and_release_errors_escape_their_input() {
    let subject = SubjectSpec::parse(
        r#"{"id": "u-1", "grants": [{"division": {"id": "*"}, "role": {"name": "gone\u202e", "policies": []}}]}"#,
    )
    .unwrap();
    // A subject can no longer name a role the policy lacks (`add_subject`
    // adds its roles); the role name the builder already holds is the error
    // that names it now.
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role("gone\u{202e}", ["routing:queue:view"]).unwrap();
    let error = builder.add_user_definition(&subject.definition()).unwrap_err();
    assert_eq!(
        error,
        BuildError::DuplicateRole {
            role: "gone\u{202e}".into()
        }
    );
    assert_eq!(error.to_string(), r"duplicate role `gone\u{202e}`");

    let error = "3.\n16".parse::<Release>().unwrap_err();
    assert!(error.to_string().starts_with(r"invalid release `3.\n16`: "), "{error}");
}

#[test]
fn clean_messages_are_unchanged() {
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role("agent", ["routing:queue:view"]).unwrap();
    assert_eq!(
        builder
            .add_role("agent", ["routing:queue:view"])
            .unwrap_err()
            .to_string(),
        "duplicate role `agent`"
    );
    assert_eq!(
        builder.add_role("b", ["routing:queue"]).unwrap_err().to_string(),
        "role `b`, grant 0 `routing:queue`: `routing:queue` has 2 segments; expected three: \
         `domain:entity:action` or `Domain > Entity > Action`"
    );
}

#[cfg(feature = "cli")]
mod support;

/// The CLI, run as a process.
#[cfg(feature = "cli")]
mod cli {
    use serde_json::{Value, json};

    use crate::support::{TempDir, assert_exit, permgate};

    use super::{FORGED, FORGED_ESCAPED, assert_inert, conditional_role};

    /// Role JSON granting every permission AmiStandardUser requires but the
    /// first three, and the first permission of each any-of group.
    fn ami_minus_three(name: &str) -> String {
        let gate = permgate::builtins::gate("AmiStandardUser").unwrap();
        let policies: Vec<Value> = gate
            .required
            .iter()
            .skip(3)
            .chain(gate.any_of.iter().filter_map(|group| group.first()))
            .map(|p| {
                let mut parts = p.key().split(':');
                let (domain, entity, action) = (parts.next(), parts.next(), parts.next());
                json!({"domain": domain, "entityName": entity, "actionSet": [action]})
            })
            .collect();
        json!({"name": name, "permissionPolicies": policies}).to_string()
    }

    #[test]
    fn check_does_not_print_a_forged_table_or_conceal_the_verdict() {
        let dir = TempDir::new();
        let file = dir.file("forged.json", &ami_minus_three(FORGED));
        let run = permgate(&["check", &file, "--gate", "AmiStandardUser"]);
        assert_exit(&run, 1);
        let out = &run.stdout;
        assert!(!out.contains('\x1b'), "{out:?}");
        assert_inert(&out.replace('\n', ""));
        assert!(!out.contains("x\n"), "a raw newline inside the name: {out:?}");
        assert!(
            out.starts_with(&format!("role `{FORGED_ESCAPED}`: 0 of 1 gate granted\n")),
            "{out}"
        );
        let rows: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("AmiStandardUser") && *l != "AmiStandardUser is missing:")
            .collect();
        assert_eq!(rows.len(), 1, "{out}");
        assert!(rows[0].contains("denied: missing 3 permissions"), "{}", rows[0]);
        assert!(!rows[0].contains("granted"), "{}", rows[0]);
        assert!(
            out.lines()
                .all(|l| !l.starts_with("gate  document") || l.starts_with("gate      "))
        );

        // The JSON keeps the name as given (serde_json escapes it).
        let json = permgate(&["check", &file, "--gate", "AmiStandardUser", "--json"]);
        assert_exit(&json, 1);
        assert!(!json.stdout.contains('\x1b'));
        let json: Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(json["role"], FORGED);
        assert_eq!(json["granted"], false);
    }

    #[test]
    fn allows_escapes_condition_values() {
        let dir = TempDir::new();
        let file = dir.file(
            "conditional.json",
            &conditional_role("r", "Queue.id", "q-1]\nrouting:queue:delete  yes"),
        );
        let run = permgate(&["allows", &file, "routing:queue:edit", "routing:queue:delete"]);
        assert_exit(&run, 1);
        let out = &run.stdout;
        assert_inert(&out.replace('\n', ""));
        let edit = out.lines().find(|l| l.starts_with("routing:queue:edit")).unwrap();
        assert!(
            edit.ends_with(r#"if Queue.id IN [QUEUE "q-1]\nrouting:queue:delete  yes", SCALAR ok]"#),
            "{edit}"
        );
        let delete: Vec<&str> = out.lines().filter(|l| l.starts_with("routing:queue:delete")).collect();
        assert_eq!(delete.len(), 1, "{out}");
        assert!(delete[0].trim_end().ends_with("no"), "{}", delete[0]);
    }

    #[test]
    fn audit_escapes_a_bidi_override_in_the_role_name() {
        let dir = TempDir::new();
        let role = json!({"name": "admin\u{202e}resu", "id": "r\u{200b}1", "permissions": ["legacy\tperm"],
            "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["view"]}]});
        let file = dir.file("bidi.json", &role.to_string());
        let run = permgate(&["audit", &file]);
        assert_exit(&run, 0);
        let out = &run.stdout;
        assert_inert(&out.replace('\n', ""));
        assert!(out.contains(r"role `admin\u{202e}resu` (id r\u{200b}1)"), "{out}");
        assert!(
            out.contains("legacy permissions (1), never granted:\n  legacy\\tperm\n"),
            "{out}"
        );
        let json: Value = serde_json::from_str(&permgate(&["audit", &file, "--json"]).stdout).unwrap();
        assert_eq!(json["roles"][0]["role"], "admin\u{202e}resu");
    }

    /// A listing with a role that does not load and whose name holds ESC.
    const LISTING: &str = r#"{"entities": [
      {"name": "agent", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["join"]}]},
      {"name": "evil\u001b[8m\nrole `agent`: fine", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": []}]}
    ]}"#;

    #[test]
    fn stderr_escapes_names_of_roles_that_did_not_load() {
        let dir = TempDir::new();
        let file = dir.file("listing.json", LISTING);
        let expected = r"role `evil\u{1b}[8m\nrole \`agent\`: fine`: `$.entities[1].permissionPolicies[0].actionSet`: empty action set";

        let warned = permgate(&["check", &file, "--role", "agent", "--gate", "ActionMapEditor"]);
        assert_exit(&warned, 1);
        assert_inert(&warned.stderr.replace('\n', ""));
        assert_eq!(warned.stderr.lines().count(), 1, "{}", warned.stderr);
        assert!(warned.stderr.contains(expected), "{}", warned.stderr);

        let picked = permgate(&[
            "check",
            &file,
            "--role",
            "evil\x1b[8m\nrole `agent`: fine",
            "--gate",
            "ActionMapEditor",
        ]);
        assert_exit(&picked, 2);
        assert_inert(&picked.stderr.replace('\n', ""));
        assert!(picked.stderr.contains(expected), "{}", picked.stderr);

        let unnamed = permgate(&["check", &file, "--gate", "ActionMapEditor"]);
        assert_exit(&unnamed, 2);
        assert_inert(&unnamed.stderr.replace('\n', ""));
        assert!(
            unnamed
                .stderr
                .contains(r"pick one with --role: `agent`, `evil\u{1b}[8m\nrole \`agent\`: fine` (did not load)"),
            "{}",
            unnamed.stderr
        );

        let missing = permgate(&["check", &file, "--role", "no\u{202e}pe", "--gate", "ActionMapEditor"]);
        assert_exit(&missing, 2);
        assert_inert(&missing.stderr.replace('\n', ""));
        assert!(
            missing.stderr.contains(r"no role named `no\u{202e}pe`"),
            "{}",
            missing.stderr
        );

        let audit = permgate(&["audit", &file]);
        assert_exit(&audit, 0);
        assert_inert(&audit.stdout.replace('\n', ""));
        assert!(
            audit
                .stdout
                .contains(&format!("1 role that did not load:\n  {expected}\n")),
            "{}",
            audit.stdout
        );
        let json: Value = serde_json::from_str(&permgate(&["audit", &file, "--json"]).stdout).unwrap();
        assert_eq!(json["errors"][0]["name"], "evil\x1b[8m\nrole `agent`: fine");
        assert_eq!(json["errors"][0]["message"], "empty action set");
    }

    #[test]
    fn file_names_are_escaped_in_messages() {
        let dir = TempDir::new();
        let file = dir.file("bad\nname\x1b[8m.json", "{");
        let run = permgate(&["audit", &file]);
        assert_exit(&run, 2);
        assert_inert(&run.stderr.replace('\n', ""));
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains(r"bad\nname\u{1b}[8m.json: invalid JSON"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn labels_from_an_organization_catalog_are_escaped() {
        let dir = TempDir::new();
        let org = dir.file(
            "org.json",
            r#"{"entities": [{"domain": "ui", "permissionMap": {"x": [
              {"domain": "ui", "entityType": "x", "action": "view", "label": "UI > X\u202e > View"}]}}]}"#,
        );
        let old = dir.file("old.json", r#"{"name": "r", "permissionPolicies": []}"#);
        let new = dir.file(
            "new.json",
            r#"{"name": "r", "permissionPolicies": [{"domain": "ui", "entityName": "x", "actionSet": ["view"]}]}"#,
        );
        let run = permgate(&["diff", &old, &new, "--catalog", &org]);
        assert_exit(&run, 1);
        assert_inert(&run.stdout.replace('\n', ""));
        assert!(
            run.stdout.contains(r"+  ui:x:view  UI > X\u{202e} > View"),
            "{}",
            run.stdout
        );
        let json: Value =
            serde_json::from_str(&permgate(&["diff", &old, &new, "--catalog", &org, "--json"]).stdout).unwrap();
        assert_eq!(json["added"][0]["label"], "UI > X\u{202e} > View");
    }

    #[test]
    fn table_widths_are_those_of_the_escaped_text() {
        let dir = TempDir::new();
        let old = dir.file("old.json", r#"{"name": "r", "permissionPolicies": []}"#);
        let new = json!({"name": "r", "permissionPolicies": [
            {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
             "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
               "operands": [{"type": "QUEUE", "queue": {"id": "q\n\x1b\u{202e}1"}}]}},
            {"domain": "routing", "entityName": "queue", "actionSet": ["join"], "allowConditions": true,
             "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
               "operands": [{"type": "QUEUE", "queue": {"id": "q2"}}]}}]});
        let new = dir.file("new.json", &new.to_string());
        let run = permgate(&["diff", &old, &new]);
        assert_exit(&run, 1);
        assert_inert(&run.stdout.replace('\n', ""));
        let rows: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("+ ")).collect();
        assert_eq!(rows.len(), 2, "{}", run.stdout);
        assert!(
            rows[0].contains(r#"if Queue.id EQ QUEUE "q\n\u{1b}\u{202e}1""#),
            "{}",
            rows[0]
        );
        let column = |row: &str| row.find("Routing > Queue").unwrap();
        assert_eq!(column(rows[0]), column(rows[1]), "{}", run.stdout);
    }
}
