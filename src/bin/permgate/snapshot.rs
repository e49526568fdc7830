//! Snapshot folders (`permgate pull --out DIR`) as input: read against the
//! base catalog, a user picked by id, email or name, a division by id or
//! name, its roles as a role file.

use std::path::Path;

use permgate::Catalog;
use permgate::genesys::UserAuthorization;
use permgate::genesys::snapshot::{self, Snapshot, SnapshotError};
use permgate::text::Escaped;

use crate::input::{self, Failure, Problem, Roles};

/// The most division names an error lists.
const MAX_NAMES: usize = 20;

/// Reads the snapshot folder `dir`: its catalog is `base` (the builtin
/// one, and `--catalog`'s) with the organization's own permissions.
pub(crate) fn read(dir: &Path, base: &Catalog) -> Result<Snapshot, Failure> {
    Snapshot::read(dir, base).map_err(|error| problem(&input::file_label(dir), &error).into())
}

/// A snapshot's error, as `DIR: FILE: message` (the library's message names
/// the file), or the message alone when it names the folder itself.
fn problem(dir: &str, error: &SnapshotError) -> Problem {
    match error.file() {
        Some(_) => Problem::in_file(dir, error.to_string()),
        None => Problem::new(error.to_string()),
    }
}

/// Every role of the snapshot, or the roles that did not load: an answer
/// over every role (who-can, diff) would otherwise leave them out.
pub(crate) fn all_roles(dir: &str, snapshot: &Snapshot) -> Result<(), Failure> {
    let problems = roles(dir, snapshot).problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure(problems))
    }
}

/// How a file of the folder is named in messages: `DIR/users.json`.
pub(crate) fn file_in(dir: &str, file: &str) -> String {
    format!("{}/{file}", dir.trim_end_matches('/'))
}

/// The snapshot's roles as a role file named `DIR/roles.json`.
pub(crate) fn roles(dir: &str, snapshot: &Snapshot) -> Roles {
    Roles {
        label: file_in(dir, snapshot::ROLES),
        file: snapshot.roles().clone(),
    }
}

/// The user `who` names (exact id, email or name).
pub(crate) fn user<'s>(dir: &str, snapshot: &'s Snapshot, who: &str) -> Result<&'s UserAuthorization, Failure> {
    snapshot.user(who).map_err(|error| problem(dir, &error).into())
}

/// The division id `division` names: `*`, a division's exact id, or its
/// exact name when one division has it. Another is refused, listing the
/// snapshot's divisions: a typo would otherwise answer for a division
/// nobody has a grant in.
pub(crate) fn division(dir: &str, snapshot: &Snapshot, division: &str) -> Result<String, Failure> {
    let divisions = snapshot.divisions();
    if division == "*" || divisions.iter().any(|d| d.id == division) {
        return Ok(division.to_owned());
    }
    let named: Vec<&str> = divisions
        .iter()
        .filter(|d| d.name.as_deref() == Some(division))
        .map(|d| d.id.as_str())
        .collect();
    let label = file_in(dir, snapshot::DIVISIONS);
    match named.as_slice() {
        [id] => Ok((*id).to_owned()),
        [] => {
            let mut known: Vec<String> = divisions
                .iter()
                .take(MAX_NAMES)
                .map(|d| match &d.name {
                    Some(name) => format!("`{}` ({})", Escaped(name), Escaped(&d.id)),
                    None => format!("`{}`", Escaped(&d.id)),
                })
                .collect();
            if divisions.len() > MAX_NAMES {
                known.push(format!("and {} more", divisions.len() - MAX_NAMES));
            }
            Err(Problem::in_file(
                &label,
                format!(
                    "no division with id or name `{}`; divisions: {}",
                    Escaped(division),
                    known.join(", ")
                ),
            )
            .into())
        }
        ids => Err(Problem::in_file(
            &label,
            format!(
                "{} divisions are named `{}`; give one's id: {}",
                ids.len(),
                Escaped(division),
                ids.iter()
                    .map(|id| format!("`{}`", Escaped(id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into()),
    }
}

/// The snapshot as `diff DIR1 DIR2` compares it: every role must load.
pub(crate) fn side(label: String, snapshot: &Snapshot) -> Result<crate::changes::Side<'_>, Failure> {
    all_roles(&label, snapshot)?;
    let manifest = snapshot.manifest();
    Ok(crate::changes::Side {
        label,
        organization: crate::changes::SideOrganization {
            id: &manifest.organization.id,
            name: manifest.organization.name.as_deref(),
        },
        pulled_at: manifest.pulled_at.clone(),
        catalog: snapshot.catalog(),
        roles: snapshot.roles(),
        users: snapshot.users(),
    })
}
