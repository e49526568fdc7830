//! Reading files, picking roles, compiling them; errors that name the file,
//! the role and the JSON path.

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Read};
use std::path::Path;

use permgate::RoleDefinition;
use permgate::genesys::snapshot::Snapshot;
use permgate::genesys::{DocumentKind, RoleFile, RoleFileError, SubjectSpec, UserAuthorization};

use crate::FileKind;
use permgate::{Catalog, Policy, RoleId, genesys::JsonError, genesys::MAX_JSON_BYTES, text::Escaped};

/// The most role names an error message lists, and the most warnings about
/// roles that did not load.
const MAX_NAMES: usize = 20;

/// One problem, printed as `permgate: FILE: ROLE: MESSAGE`.
///
/// The file is kept as named and escaped when printed; the role label and the
/// message are built with every name and value in them escaped ([`Escaped`],
/// and the library's error messages escape theirs).
#[derive(Debug)]
pub(crate) struct Problem {
    file: Option<String>,
    role: Option<String>,
    message: String,
}

impl Problem {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            role: None,
            message: message.into(),
        }
    }

    pub(crate) fn in_file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: Some(file.to_owned()),
            ..Self::new(message)
        }
    }

    /// A role that did not load: `FILE: role `NAME`: `$.path`: message`.
    pub(crate) fn role_error(file: &str, error: &RoleFileError) -> Self {
        Self {
            file: Some(file.to_owned()),
            role: Some(role_label(error.name.as_deref(), error.position)),
            message: error.error.to_string(),
        }
    }
}

/// `role `NAME`` (escaped), or `role N` (its position) when it has no
/// readable name.
pub(crate) fn role_label(name: Option<&str>, position: usize) -> String {
    match name {
        Some(name) => format!("role `{}`", Escaped(name)),
        None => format!("role {position}"),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", Escaped(file))?;
        }
        if let Some(role) = &self.role {
            write!(f, "{role}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why a command failed (exit 2): one or more problems.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) Vec<Problem>);

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Self {
        Failure(vec![problem])
    }
}

/// Writes `permgate: PROBLEM` to standard error (a failing stderr is ignored).
pub(crate) fn report_problem(problem: &Problem) {
    use std::io::Write;
    let _ = writeln!(io::stderr(), "permgate: {problem}");
}

/// A warning on standard error: the command goes on.
pub(crate) fn warn(problem: &Problem) {
    use std::io::Write;
    let _ = writeln!(io::stderr(), "permgate: warning: {problem}");
}

/// How a path is named in messages and JSON, as given (escape it for text);
/// `-` is standard input.
pub(crate) fn file_label(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn too_large(size: u64) -> String {
    JsonError::TooLarge {
        size: usize::try_from(size).unwrap_or(usize::MAX),
        max: MAX_JSON_BYTES,
    }
    .to_string()
}

/// Reads a JSON file, refusing one larger than [`MAX_JSON_BYTES`] before
/// reading it.
pub(crate) fn read_text(path: &Path) -> Result<String, Problem> {
    let label = file_label(path);
    let limit = u64::try_from(MAX_JSON_BYTES).unwrap_or(u64::MAX);
    let problem = |message: String| Problem::in_file(&label, message);
    let mut bytes = Vec::new();
    if is_stdin(path) {
        io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| problem(format!("cannot read: {e}")))?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| problem(format!("cannot open: {e}")))?;
        let metadata = file.metadata().map_err(|e| problem(format!("cannot read: {e}")))?;
        if metadata.is_dir() {
            return Err(problem(
                "is a directory, not a JSON file (a snapshot folder is read by check, allows, explain, endpoints, audit, diff and who-can)".to_owned(),
            ));
        }
        if metadata.len() > limit {
            return Err(problem(too_large(metadata.len())));
        }
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| problem(format!("cannot read: {e}")))?;
    }
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limit {
        return Err(problem(too_large(size)));
    }
    String::from_utf8(bytes).map_err(|e| {
        problem(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The builtin catalog, extended with an organization's catalog when given.
pub(crate) fn catalog(org: Option<&Path>) -> Result<Catalog, Failure> {
    let Some(path) = org else {
        return Ok(Catalog::builtin().clone());
    };
    let text = read_text(path)?;
    permgate::genesys::org_catalog(Catalog::builtin(), &text)
        .map_err(|e| Problem::in_file(&file_label(path), format!("organization catalog: {e}")).into())
}

/// A document a command answers for.
pub(crate) enum Document {
    Roles(Roles),
    Subject(SubjectSpec),
    User(UserAuthorization),
    /// A snapshot folder, read against the base catalog.
    Snapshot(Box<Snapshot>),
}

/// Reads a role, subject or user file: `kind` when given, else what its
/// fields say ([`DocumentKind::of`]); or a snapshot folder, its catalog
/// `base` with the organization's own permissions.
pub(crate) fn document(path: &Path, kind: Option<FileKind>, base: &Catalog) -> Result<Document, Failure> {
    let label = file_label(path);
    if !is_stdin(path) && path.is_dir() {
        if kind.is_some() {
            return Err(Problem::in_file(
                &label,
                "--as says what a file holds; this is a folder, read as a snapshot",
            )
            .into());
        }
        return Ok(Document::Snapshot(Box::new(crate::snapshot::read(path, base)?)));
    }
    let text = read_text(path)?;
    let kind = kind.unwrap_or_else(|| match DocumentKind::of(&text) {
        DocumentKind::Subject => FileKind::Subject,
        DocumentKind::User => FileKind::User,
        _ => FileKind::Role,
    });
    let problem = |e: JsonError| Failure::from(Problem::in_file(&label, e.to_string()));
    Ok(match kind {
        FileKind::Role => Document::Roles(roles_from(label.clone(), &text)?),
        FileKind::Subject => Document::Subject(SubjectSpec::parse(&text).map_err(problem)?),
        FileKind::User => Document::User(UserAuthorization::parse(&text).map_err(problem)?),
    })
}

/// A role of a subject's grants that carries no policies, with the
/// divisions of those grants.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct WithoutPolicies {
    pub(crate) name: String,
    pub(crate) id: Option<String>,
    pub(crate) divisions: Vec<String>,
}

/// The roles of `spec`'s grants that carry no policies, each once (by
/// name), after a warning on
/// standard error for each: such a role grants nothing here, though the
/// platform may let it grant much, so answers may say "no" for what it
/// allows. The warning says what to fetch.
pub(crate) fn roles_without_policies(label: &str, spec: &SubjectSpec) -> Vec<WithoutPolicies> {
    let mut roles: Vec<(&RoleDefinition, Vec<&str>)> = Vec::new();
    for (_, grant) in spec.grants_without_policies() {
        match roles.iter_mut().find(|(role, _)| role.name == grant.role.name) {
            Some((_, divisions)) => divisions.push(grant.division.id()),
            None => roles.push((&grant.role, vec![grant.division.id()])),
        }
    }
    for (role, divisions) in roles.iter().take(MAX_NAMES) {
        let fetch = match &role.id {
            Some(id) => format!("`GET /api/v2/authorization/roles/{}`", Escaped(id)),
            None => "`GET /api/v2/authorization/roles/{roleId}` (its id by its name)".to_owned(),
        };
        warn(&Problem::in_file(
            label,
            format!(
                "{} in {} carries no policies in this file, so it grants nothing here and answers may say \"no\" for what it allows; fetch the role ({fetch}) and check that role file",
                role_label(Some(&role.name), 0),
                divisions
                    .iter()
                    .map(|d| format!("division `{}`", Escaped(d)))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ));
    }
    if let Some(more) = roles.len().checked_sub(MAX_NAMES).filter(|more| *more > 0) {
        warn(&Problem::in_file(
            label,
            format!("and {more} more roles without policies"),
        ));
    }
    roles
        .iter()
        .map(|(role, divisions)| WithoutPolicies {
            name: role.name.clone(),
            id: role.id.clone(),
            divisions: divisions.iter().map(|d| (*d).to_owned()).collect(),
        })
        .collect()
}

/// A role file, read and parsed.
pub(crate) struct Roles {
    /// How the file is named in messages.
    pub(crate) label: String,
    pub(crate) file: RoleFile,
}

/// Reads and parses a role file. The document as a whole must be role JSON;
/// roles that do not load are in `file.errors`.
pub(crate) fn roles(path: &Path) -> Result<Roles, Failure> {
    roles_from(file_label(path), &read_text(path)?)
}

/// [`roles`] for text already read.
fn roles_from(label: String, text: &str) -> Result<Roles, Failure> {
    // A subject (`{"name", "grants"}`) is refused as not role JSON: say
    // which command reads it.
    let looks_like_subject = || DocumentKind::of(text) == DocumentKind::Subject;
    let file = match RoleFile::parse(text) {
        Ok(file) => file,
        Err(JsonError::WrongKind { path, .. }) if path == "$" && looks_like_subject() => {
            return Err(Problem::in_file(
                &label,
                "this is a subject file (`grants`), not role JSON; `permgate check`, `allows` and `explain` read subjects",
            )
            .into());
        }
        Err(e) => return Err(Problem::in_file(&label, e.to_string()).into()),
    };
    Ok(Roles { label, file })
}

impl Roles {
    /// Every role that did not load, as problems.
    pub(crate) fn problems(&self) -> Vec<Problem> {
        self.file
            .errors
            .iter()
            .map(|error| Problem::role_error(&self.label, error))
            .collect()
    }

    /// The document positions of the roles that loaded, in order.
    pub(crate) fn loaded_positions(&self) -> impl Iterator<Item = usize> + '_ {
        let failed: HashSet<usize> = self.file.errors.iter().map(|e| e.position).collect();
        (0..).filter(move |position| !failed.contains(position))
    }

    /// The names of the roles in the file, loaded or not, in document order
    /// (the first [`MAX_NAMES`]).
    fn names(&self) -> String {
        let failed = self.file.errors.iter().map(|e| {
            let name = e.name.as_deref().map_or_else(
                || format!("role {} (did not load)", e.position),
                |n| format!("`{}` (did not load)", Escaped(n)),
            );
            (e.position, name)
        });
        let loaded = self
            .loaded_positions()
            .zip(&self.file.roles)
            .map(|(position, role)| (position, format!("`{}`", Escaped(&role.name))));
        let mut named: Vec<(usize, String)> = failed.chain(loaded).collect();
        named.sort_by_key(|(position, _)| *position);
        let total = named.len();
        let mut names: Vec<String> = named.into_iter().take(MAX_NAMES).map(|(_, name)| name).collect();
        if total > MAX_NAMES {
            names.push(format!("and {} more", total - MAX_NAMES));
        }
        names.join(", ")
    }

    /// The role to work on: `name` when given, else the file's only role.
    /// Roles of the file that did not load are reported as warnings.
    pub(crate) fn select(&self, name: Option<&str>) -> Result<&RoleDefinition, Failure> {
        let label = &self.label;
        let picked = match name {
            Some(name) => {
                if let Some(role) = self.file.role(name) {
                    role
                } else if let Some(error) = self.file.errors.iter().find(|e| e.name.as_deref() == Some(name)) {
                    return Err(Problem::role_error(label, error).into());
                } else {
                    let similar = self.file.roles.iter().find(|r| r.name.eq_ignore_ascii_case(name));
                    let hint = similar
                        .map(|r| format!(" (did you mean `{}`?)", Escaped(&r.name)))
                        .unwrap_or_default();
                    return Err(Problem::in_file(
                        label,
                        format!(
                            "no role named `{}`{hint}; roles in the file: {}",
                            Escaped(name),
                            self.names()
                        ),
                    )
                    .into());
                }
            }
            None => match (self.file.roles.as_slice(), self.file.errors.as_slice()) {
                ([role], []) => role,
                ([], []) => return Err(Problem::in_file(label, "holds no role").into()),
                ([], [error]) => return Err(Problem::role_error(label, error).into()),
                _ => {
                    let count = self.file.roles.len() + self.file.errors.len();
                    return Err(Problem::in_file(
                        label,
                        format!("holds {count} roles; pick one with --role: {}", self.names()),
                    )
                    .into());
                }
            },
        };
        for error in self.file.errors.iter().take(MAX_NAMES) {
            warn(&Problem::role_error(label, error));
        }
        if let Some(more) = self.file.errors.len().checked_sub(MAX_NAMES).filter(|more| *more > 0) {
            warn(&Problem::in_file(
                label,
                format!("and {more} more roles that did not load"),
            ));
        }
        Ok(picked)
    }
}

/// Compiles one role into a policy of its own.
pub(crate) fn compile(catalog: &Catalog, label: &str, spec: &RoleDefinition) -> Result<(Policy, RoleId), Failure> {
    let mut builder = Policy::builder(catalog);
    builder
        .add_role_definition(spec)
        .map_err(|e| Problem::in_file(label, e.to_string()))?;
    let policy = builder.build();
    let role = policy
        .role(&spec.name)
        .ok_or_else(|| Problem::in_file(label, format!("role `{}` did not compile", Escaped(&spec.name))))?;
    Ok((policy, role))
}
