//! Minimal valid catalogs to break one field at a time, and the generator
//! run on them in a fresh folder.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use permgate_generate::{Error, Place, Problem};
use serde_json::{Value, json};

/// A permission row with every field.
pub fn row(key: &str, label: Option<&str>) -> Value {
    json!({
        "key": key, "label": label, "evidence": "verified", "description": "d", "section": "s",
        "also_in_sections": [], "audience": "agent", "license": null, "release_notes": [], "available_from": null
    })
}

/// A wildcard row with its actions.
pub fn wildcard(key: &str, label: &str, actions: &[&str]) -> Value {
    let mut row = row(key, Some(label));
    row["actions"] = json!(actions);
    row
}

/// A CxEngage flat name.
pub fn flat(name: &str) -> Value {
    row(name, None)
}

/// `routing:queue:view`, labelled.
pub fn view() -> Value {
    row("routing:queue:view", Some("Routing > Queue > View"))
}

/// `routing:queue:join`, labelled.
pub fn join() -> Value {
    row("routing:queue:join", Some("Routing > Queue > Join"))
}

/// A Genesys Cloud document catalog.
pub fn catalog(id: &str, permissions: Vec<Value>, gates: Vec<Value>) -> Value {
    json!({
        "id": id, "title": "t", "product": "p", "vendor": "v", "platform": "p", "published": null,
        "release": null, "source_file": "f.txt", "vocabulary": "genesys", "notes": [],
        "licenses": {}, "permissions": permissions, "roles": [], "gates": gates
    })
}

/// A gate.
pub fn gate(name: &str, extends: Option<&str>, all: &[&str], any: &[&[&str]]) -> Value {
    json!({"name": name, "description": "d", "extends": extends, "all": all, "any": any, "incomplete": null})
}

/// A role.
pub fn role(name: &str, extends: Option<&str>, permissions: &[&str]) -> Value {
    json!({"name": name, "description": "d", "extends": extends, "permissions": permissions})
}

/// The platform catalog with the given rows.
pub fn platform(rows: Vec<Value>) -> Value {
    json!({
        "id": "genesys-cloud-platform", "title": "t", "vendor": "v", "platform": "p", "sdk_version": "259.0.0",
        "source": "s", "source_files": ["a.txt", "b.json"], "permissions": rows
    })
}

/// A platform row.
pub fn platform_row(key: &str, first: (&str, &str), last: (&str, &str), current: bool) -> Value {
    json!({"key": key, "first": [first.0, first.1], "last": [last.0, last.1], "current": current})
}

/// A current platform row seen from SDK 41.0.0 to 259.0.0.
pub fn current(key: &str) -> Value {
    platform_row(key, ("2018-11-28", "41.0.0"), ("2026-08-15", "259.0.0"), true)
}

/// Writes the files (JSON values, or text as given) to a fresh folder and
/// runs the generator on it.
pub fn generate(files: &[(&str, Value)]) -> Result<String, Error> {
    let texts: Vec<(&str, String)> = files.iter().map(|(name, value)| (*name, value.to_string())).collect();
    generate_texts(&texts)
}

/// [`generate`] for files given as text.
pub fn generate_texts(files: &[(&str, String)]) -> Result<String, Error> {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "permgate-generate-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
    // The generated files, for the tests that look for a line in any.
    let result = permgate_generate::generate_files(&dir).map(|files| files.builtin + &files.generated + &files.gates);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The problem of an error that must be [`Error::Invalid`] at `file` and
/// `at`, whose message names both.
pub fn problem(result: Result<String, Error>, file: &str, at: Place) -> Problem {
    let error = result.expect_err("the input must be refused");
    let message = error.to_string();
    match error {
        Error::Invalid {
            file: got_file,
            at: got_at,
            problem,
        } => {
            assert_eq!((got_file.as_str(), &got_at), (file, &at), "{message}");
            assert!(message.starts_with(&format!("`{file}`, {at}: ")), "{message}");
            *problem
        }
        other => panic!("expected an invalid entry at `{file}`, {at}; got {other:?}"),
    }
}

/// [`problem`] for the generator run on `files`.
pub fn refused(files: &[(&str, Value)], file: &str, at: Place) -> Problem {
    problem(generate(files), file, at)
}

/// A permission place.
pub fn permission(key: &str) -> Place {
    Place::Permission(key.to_owned())
}

/// A gate place.
pub fn gate_at(name: &str) -> Place {
    Place::Gate(name.to_owned())
}

/// A role place.
pub fn role_at(name: &str) -> Place {
    Place::Role(name.to_owned())
}
