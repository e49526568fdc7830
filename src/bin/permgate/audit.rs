//! `permgate audit` and `permgate diff`.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

use permgate::RoleDefinition;
use permgate::audit::{GateAudit, UserAudit, UserGate};
use permgate::{
    Catalog, Decision, Division, Permission, Policy, Principal, RoleId, UserId, audit::GrantAudit, audit::RoleAudit,
    condition::Condition, explain::Permitted, text::Escaped,
};
use serde::Serialize;

use crate::input::{self, Document, Failure, Problem, WithoutPolicies};
use crate::output::{self, GateListing, line};
use crate::{AuditArgs, DiffArgs, Report};

/// A role that did not load, or did not compile.
#[derive(Serialize)]
struct RoleProblem {
    /// The role's position in the file, from 0.
    position: usize,
    name: Option<String>,
    /// The JSON path of the problem.
    path: Option<String>,
    /// The message without the path.
    message: String,
    /// The whole line: `role `NAME`: `$.path`: message`.
    #[serde(skip)]
    text: String,
}

/// `permgate audit` of a role file: each role's audit, and the roles that
/// did not load.
#[derive(Serialize)]
struct AuditReport<'p> {
    file: String,
    roles: Vec<RoleEntry<'p>>,
    errors: Vec<RoleProblem>,
    /// Every builtin gate the audits name.
    gate_info: Vec<GateListing>,
}

/// A role of the file: its id and description, and the library's audit.
#[derive(Serialize)]
struct RoleEntry<'p> {
    id: Option<&'p str>,
    description: Option<&'p str>,
    #[serde(flatten)]
    audit: RoleAudit<'p>,
}

/// `permgate audit` of a subject or user file: each grant's role audited,
/// and where the user satisfies each gate.
#[derive(Serialize)]
struct UserAuditReport<'p> {
    file: String,
    /// `subject` or `user`: what the file is.
    kind: &'static str,
    /// The user's name, else its id.
    user: String,
    roles_without_policies: Vec<WithoutPolicies>,
    grants: Vec<GrantAudit<'p>>,
    gates: Vec<UserGate<'p>>,
    /// Every builtin gate the audits name.
    gate_info: Vec<GateListing>,
}

/// Every builtin gate, as `list gates` writes it.
fn gate_info() -> Vec<GateListing> {
    permgate::builtins::gates()
        .iter()
        .map(|&gate| GateListing::from(gate))
        .collect()
}

pub(crate) fn audit(args: &AuditArgs) -> Result<Report, Failure> {
    let base = input::catalog(args.common.org_catalog.as_deref())?;
    let (catalog, roles) = match input::document(&args.file, args.kind, &base)? {
        Document::Roles(roles) => (base, roles),
        // Every role of the snapshot, against its catalog.
        Document::Snapshot(snapshot) => (
            snapshot.catalog().clone(),
            crate::snapshot::roles(&input::file_label(&args.file), &snapshot),
        ),
        document => return audit_user(args, &base, document),
    };
    if roles.file.roles.is_empty() {
        let mut problems = roles.problems();
        if problems.is_empty() {
            problems.push(Problem::in_file(&roles.label, "holds no role"));
        }
        return Err(Failure(problems));
    }
    let mut errors: Vec<RoleProblem> = roles
        .file
        .errors
        .iter()
        .map(|e| {
            let text = e.error.to_string();
            let path = e.error.path().map(str::to_owned);
            let message = path
                .as_deref()
                .and_then(|p| text.strip_prefix(&format!("`{}`: ", Escaped(p))))
                .unwrap_or(&text)
                .to_owned();
            RoleProblem {
                position: e.position,
                name: e.name.clone(),
                path,
                message,
                text: format!("{}: {text}", input::role_label(e.name.as_deref(), e.position)),
            }
        })
        .collect();
    let mut builder = Policy::builder(&catalog);
    let mut specs: Vec<&RoleDefinition> = Vec::new();
    for (spec, position) in roles.file.roles.iter().zip(roles.loaded_positions()) {
        match builder.add_role_definition(spec) {
            Ok(_) => specs.push(spec),
            Err(error) => errors.push(RoleProblem {
                position,
                name: Some(spec.name.clone()),
                path: None,
                message: error.to_string(),
                text: error.to_string(),
            }),
        }
    }
    errors.sort_by_key(|e| e.position);
    let policy = builder.build();
    let audits: Vec<RoleEntry<'_>> = specs
        .into_iter()
        .filter_map(|spec| {
            Some(RoleEntry {
                id: spec.id.as_deref(),
                description: spec.description.as_deref(),
                audit: policy.audit(policy.role(&spec.name)?)?,
            })
        })
        .collect();
    let report = AuditReport {
        file: roles.label.clone(),
        roles: audits,
        errors,
        gate_info: gate_info(),
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: 0,
    })
}

impl fmt::Display for AuditReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for (n, role) in self.roles.iter().enumerate() {
            if n > 0 {
                line!(out);
            }
            audit_text(&mut out, role.id, &role.audit);
        }
        if !self.errors.is_empty() {
            line!(out);
            line!(out, "{} that did not load:", output::count(self.errors.len(), "role"));
            for error in &self.errors {
                line!(out, "  {}", error.text);
            }
        }
        f.write_str(&out)
    }
}

/// `permgate audit` of a subject or user file: each grant's role, and where
/// the user satisfies each gate.
fn audit_user(args: &AuditArgs, catalog: &Catalog, document: Document) -> Result<Report, Failure> {
    let label = input::file_label(&args.file);
    let crate::check::UserPolicy {
        policy,
        user,
        kind,
        name,
        without_policies,
        ..
    } = crate::check::user_policy(catalog, &label, document)?;
    let audit = policy
        .audit_user(user)
        .ok_or_else(|| Problem::in_file(&label, "the user did not compile"))?;
    let report = UserAuditReport {
        file: label,
        kind,
        user: name,
        roles_without_policies: without_policies,
        grants: audit.grants,
        gates: audit.gates,
        gate_info: gate_info(),
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: 0,
    })
}

impl fmt::Display for UserAuditReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, name) = (self.kind, &self.user);
        let audit = self;
        let mut out = String::new();
        line!(
            out,
            "{kind} `{}`: {}",
            Escaped(name),
            output::count(audit.grants.len(), "grant")
        );
        for grant in &audit.grants {
            line!(out);
            let what = if grant.named_role { "role" } else { "grants" };
            let place = match grant.division {
                Division::All => "in every division".to_owned(),
                Division::Id(id) => format!("in division `{}`", Escaped(id)),
            };
            line!(out, "{what} `{}` {place}", Escaped(grant.role));
            findings_text(&mut out, &grant.audit);
        }
        line!(out);
        let granted = audit
            .gates
            .iter()
            .filter(|g| g.permitted != Permitted::In(Vec::new()))
            .count();
        line!(out, "gates ({granted} of {} satisfied somewhere):", audit.gates.len());
        let rows: Vec<Vec<String>> = audit
            .gates
            .iter()
            .map(|permgate::audit::UserGate { gate, permitted, .. }| {
                let place = match permitted {
                    Permitted::Everywhere => "every division".to_owned(),
                    Permitted::In(divisions) if divisions.is_empty() => "nowhere".to_owned(),
                    Permitted::In(divisions) => divisions
                        .iter()
                        .map(|d| output::escaped(d))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                vec![
                    gate.name.to_owned(),
                    gate.document.map_or("-", |d| d.id).to_owned(),
                    output::release_text(gate.release),
                    place,
                ]
            })
            .collect();
        output::table(
            &mut out,
            "  ",
            Some(&["gate", "document", "release", "satisfied in"]),
            &rows,
        );
        output::removed_gates(&mut out, &audit.gates.iter().map(|g| g.gate).collect::<Vec<_>>());
        f.write_str(&out)
    }
}

/// A section heading with its count, or `heading: none`.
fn heading(out: &mut String, title: &str, count: usize, note: &str) -> bool {
    if count == 0 {
        line!(out, "{title}: none");
        false
    } else {
        line!(out, "{title} ({count}){note}:");
        true
    }
}

/// A heading, then `rows` as an indented table (or `none`).
fn section(out: &mut String, title: &str, note: &str, rows: Vec<Vec<String>>) {
    if heading(out, title, rows.len(), note) {
        output::table(out, "  ", None, &rows);
    }
}

fn audit_text(out: &mut String, id: Option<&str>, audit: &RoleAudit<'_>) {
    let id = id.map_or_else(String::new, |id| format!(" (id {})", Escaped(id)));
    line!(out, "role `{}`{id}", Escaped(audit.role));
    findings_text(out, audit);
    gates_text(out, audit);
}

/// What an audit found, after its heading line; gates apart.
fn findings_text(out: &mut String, audit: &RoleAudit<'_>) {
    line!(
        out,
        "  {}, {} unknown, {}, {}, {}",
        output::count(audit.permissions.len(), "catalog permission"),
        audit.unknown.len(),
        output::count(audit.wildcards.len(), "wildcard grant"),
        output::count(audit.conditional.len(), "conditional grant"),
        output::count(audit.legacy.len(), "legacy permission")
    );
    line!(out);
    let unknown = audit.unknown.iter().map(|key| vec![output::escaped(key)]).collect();
    section(out, "unknown permissions", ", granted but in no catalog", unknown);
    let wildcards = audit
        .wildcards
        .iter()
        .map(|w| {
            vec![
                output::escaped(&w.wildcard),
                format!(
                    "covers {} and any key under it",
                    output::count(w.permissions.len(), "catalog permission")
                ),
            ]
        })
        .collect();
    section(out, "wildcard grants", ", unconditional", wildcards);
    let redundant = audit
        .redundant
        .iter()
        .map(|r| {
            vec![
                output::escaped(&r.grant),
                format!("covered by {}", Escaped(&r.wildcard)),
            ]
        })
        .collect();
    section(out, "redundant grants", ", covered by a wildcard", redundant);
    if heading(
        out,
        "conditional grants",
        audit.conditional.len(),
        ", allowed only where the condition holds",
    ) {
        for grant in &audit.conditional {
            line!(out, "  if {}:", grant.condition);
            let mut rows: Vec<Vec<String>> = grant
                .permissions
                .iter()
                .map(|&p| vec![output::key(p), output::label(p)])
                .collect();
            rows.extend(
                grant
                    .beyond_catalog
                    .iter()
                    .map(|key| vec![output::escaped(key), "(in no catalog)".to_owned()]),
            );
            output::table(out, "    ", None, &rows);
        }
    }
    let legacy = audit.legacy.iter().map(|p| vec![output::escaped(p)]).collect();
    section(out, "legacy permissions", ", never granted", legacy);
    if heading(out, "license effects", audit.licenses.len(), "") {
        let mut rows = Vec::new();
        for (license, effect) in &audit.licenses {
            let stated: Vec<String> = effect
                .documents
                .iter()
                .map(|s| {
                    if s.license == *license {
                        s.document.id.to_owned()
                    } else {
                        format!("{} (as {})", s.document.id, s.license)
                    }
                })
                .collect();
            for (n, p) in effect.permissions.iter().enumerate() {
                let (name, documents) = if n == 0 {
                    ((*license).to_owned(), stated.join(", "))
                } else {
                    (String::new(), String::new())
                };
                rows.push(vec![name, documents, output::key(*p)]);
            }
        }
        output::table(out, "  ", Some(&["license", "stated by", "assigned by"]), &rows);
    }
    let deprecated = audit
        .deprecated
        .iter()
        .map(|d| vec![output::key(d.permission), d.note.to_owned()])
        .collect();
    section(out, "removed or legacy", ", per the source documents", deprecated);
    let removed = audit
        .removed
        .iter()
        .map(|r| {
            let last = r.last_release;
            vec![
                output::key(r.permission),
                format!("last in SDK {last} ({})", last.date()),
            ]
        })
        .collect();
    section(
        out,
        "removed from the platform",
        ", no longer in the Platform API",
        removed,
    );
    if !audit.unlisted_entities.is_empty() {
        let rows = audit
            .unlisted_entities
            .iter()
            .map(|u| {
                vec![
                    output::key(u.permission),
                    format!("held: {}", output::escaped(&u.keys.join(", "))),
                ]
            })
            .collect();
        section(
            out,
            "whole entities the loaded catalogs list no action of",
            ", not held: only the wildcard gives them without the organization's catalog; \
             pass it with --catalog to decide them and the licenses they assign",
            rows,
        );
    }
}

/// The gates table of a role's audit.
fn gates_text(out: &mut String, audit: &RoleAudit<'_>) {
    let satisfied = audit.gates.iter().filter(|g: &&GateAudit| g.satisfied).count();
    line!(out, "gates ({satisfied} of {} satisfied):", audit.gates.len());
    let rows: Vec<Vec<String>> = audit
        .gates
        .iter()
        .map(|g| {
            vec![
                g.gate.name.to_owned(),
                g.gate.document.map_or("-", |d| d.id).to_owned(),
                output::release_text(g.gate.release),
                if g.satisfied { "yes" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    output::table(out, "  ", Some(&["gate", "document", "release", "satisfied"]), &rows);
    output::removed_gates(out, &audit.gates.iter().map(|g| g.gate).collect::<Vec<_>>());
}

/// One effective permission of a role or user, for `diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Effective {
    key: String,
    label: Option<String>,
    known: bool,
    /// For a conditional grant: its condition, compared as a tree.
    condition: Option<Condition>,
    /// For an unconditional wildcard grant: how many catalog permissions it covers.
    covers: Option<usize>,
}

impl Effective {
    fn shown(&self) -> String {
        match &self.condition {
            Some(condition) => format!("{} if {condition}", Escaped(&self.key)),
            None => output::escaped(&self.key),
        }
    }

    /// The label (escaped), or what a wildcard covers.
    fn note(&self) -> String {
        match self.covers {
            Some(n) => format!(
                "wildcard: covers {} and any key under it",
                output::count(n, "catalog permission")
            ),
            None => output::escaped(self.label.as_deref().unwrap_or_default()),
        }
    }
}

/// An effective permission's identity: the key in lowercase, and the
/// condition of a conditional grant (the tree itself: two conditions that
/// print alike but differ are two entries).
type EffectiveKey = (String, Option<Condition>);

/// Effective permissions, keyed for a case-insensitive merge.
type EffectiveSet = BTreeMap<EffectiveKey, Effective>;

/// What `who` may do: the catalog permissions it is allowed unconditionally,
/// and from `grants` (the role's audit, or a user's grants in reach of the
/// division) its keys no catalog knows, its unconditional wildcards and its
/// conditional grants (each catalog permission only where `who` holds it
/// under that condition and not unconditionally).
fn effective(policy: &Policy, who: Principal, grants: &[&RoleAudit<'_>]) -> EffectiveSet {
    let mut set = BTreeMap::new();
    let known = |p: Permission<'_>, condition: Option<Condition>| Effective {
        key: p.key().to_owned(),
        label: p.label().map(str::to_owned),
        known: true,
        condition,
        covers: None,
    };
    let unknown = |key: &str, condition: Option<Condition>, covers: Option<usize>| Effective {
        key: key.to_owned(),
        label: None,
        known: false,
        condition,
        covers,
    };
    for p in policy.permissions(who) {
        set.insert((p.key().to_ascii_lowercase(), None), known(p, None));
    }
    for audit in grants {
        for key in &audit.unknown {
            set.entry((key.to_ascii_lowercase(), None))
                .or_insert_with(|| unknown(key, None, None));
        }
        // Unconditional wildcards: they reach keys no catalog knows, so adding or
        // removing one is a difference even where the catalog permissions agree.
        for w in &audit.wildcards {
            set.entry((w.wildcard.to_ascii_lowercase(), None))
                .or_insert_with(|| unknown(&w.wildcard, None, Some(w.permissions.len())));
        }
        for grant in &audit.conditional {
            let condition = grant.condition;
            for key in &grant.beyond_catalog {
                set.entry((key.to_ascii_lowercase(), Some(condition.clone())))
                    .or_insert_with(|| unknown(key, Some(condition.clone()), None));
            }
            let held_under = |p: &Permission<'_>| matches!(policy.decide(who, *p), Decision::AllowedIf(conditions) if conditions.contains(&condition));
            for p in grant.permissions.iter().copied().filter(held_under) {
                set.entry((p.key().to_ascii_lowercase(), Some(condition.clone())))
                    .or_insert_with(|| known(p, Some(condition.clone())));
            }
        }
    }
    set
}

/// An entry of `added` or `removed`; for a user, with its division.
#[derive(Serialize)]
pub(crate) struct DiffEntry {
    /// The catalog's spelling, or the grant's for unknown keys.
    key: String,
    label: Option<String>,
    /// The catalog knows the key.
    known: bool,
    /// For a conditional grant: its condition, as the library writes it
    /// (a `resourceConditionNode`).
    condition: Option<Condition>,
    /// An unconditional wildcard grant.
    wildcard: bool,
    /// For a wildcard: how many catalog permissions it covers.
    covers: Option<usize>,
    /// Users only: `*` (every division) or the division id.
    #[serde(skip_serializing_if = "Option::is_none")]
    division: Option<Division>,
    /// The entry, for the table.
    #[serde(skip)]
    effective: Effective,
    /// Its place in the table.
    #[serde(skip)]
    order: EffectiveKey,
}

impl DiffEntry {
    fn new(entry: &Effective, order: &EffectiveKey, division: Option<&Division>) -> Self {
        DiffEntry {
            key: entry.key.clone(),
            label: entry.label.clone(),
            known: entry.known,
            condition: entry.condition.clone(),
            wildcard: entry.covers.is_some(),
            covers: entry.covers,
            division: division.cloned(),
            effective: entry.clone(),
            order: order.clone(),
        }
    }
}

/// One side of `diff`, as its JSON names it: a role of a role file, or
/// the user of a subject or user file.
#[derive(Serialize)]
#[serde(untagged)]
enum SideFields {
    Role {
        file: String,
        role: String,
    },
    User {
        file: String,
        kind: &'static str,
        user: String,
    },
}

/// `permgate diff`: what the new side adds and removes.
#[derive(Serialize)]
struct DiffReport {
    old: SideFields,
    new: SideFields,
    equal: bool,
    added: Vec<DiffEntry>,
    removed: Vec<DiffEntry>,
    /// How each side is shown: `role `NAME``, `subject `NAME``.
    #[serde(skip)]
    shown: (String, String),
    /// The files, as named.
    #[serde(skip)]
    files: (String, String),
    /// The old side's effective permissions in its first place, and how
    /// many places (for a user: every division, then each named division).
    #[serde(skip)]
    places: (usize, usize, bool),
}

impl fmt::Display for DiffReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let (old_shown, new_shown) = &self.shown;
        if self.equal {
            let (count, places, per_division) = self.places;
            let what = if places > 1 {
                format!(
                    "effective permissions in every division and in {}",
                    output::count(places - 1, "named division")
                )
            } else if per_division {
                format!("{} in every division", output::count(count, "effective permission"))
            } else {
                output::count(count, "effective permission")
            };
            line!(out, "no differences: {old_shown} and {new_shown} have the same {what}");
            return f.write_str(&out);
        }
        line!(out, "--- {} ({old_shown})", Escaped(&self.files.0));
        line!(out, "+++ {} ({new_shown})", Escaped(&self.files.1));
        entries_text(&mut out, "", &self.removed, &self.added);
        line!(out, "{} added, {} removed", self.added.len(), self.removed.len());
        f.write_str(&out)
    }
}

/// The entries `removed` (`-`) and `added` (`+`) as a table after
/// `indent`, sorted by key; a user's grouped by division.
pub(crate) fn entries_text(out: &mut String, indent: &str, removed: &[DiffEntry], added: &[DiffEntry]) {
    let mut rows: Vec<(Option<&Division>, &EffectiveKey, Vec<String>)> = Vec::new();
    for (sign, list) in [("-", removed), ("+", added)] {
        for entry in list {
            let e = &entry.effective;
            rows.push((
                entry.division.as_ref(),
                &entry.order,
                vec![sign.to_owned(), e.shown(), e.note()],
            ));
        }
    }
    rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut rows = rows.into_iter().peekable();
    while let Some((place, _, _)) = rows.peek() {
        let place = *place;
        let inner = if let Some(place) = place {
            line!(out, "{indent}{}:", place_text(place));
            format!("{indent}  ")
        } else {
            indent.to_owned()
        };
        let mut group = Vec::new();
        while let Some((_, _, row)) = rows.next_if(|(p, _, _)| *p == place) {
            group.push(row);
        }
        output::table(out, &inner, None, &group);
    }
}

/// One side of a diff: what it is, and its effective permissions in every
/// place it is compared (one for a role; every division and each named
/// division for a user).
struct Side {
    /// `role `NAME``, `subject `NAME``, `user `NAME`` (escaped).
    shown: String,
    /// For `--json`: the file and the role, or the user.
    fields: SideFields,
    /// `None` for a role; for a user, `Division::All` (every division) or a
    /// named division.
    places: Vec<(Option<Division>, EffectiveSet)>,
}

/// One side of `diff`, read: a role of a role file or of a snapshot, or a
/// subject or user.
fn read_side(
    catalog: &Catalog,
    path: &std::path::Path,
    document: Document,
    role: Option<&str>,
) -> Result<Compiled, Failure> {
    let label = input::file_label(path);
    let (catalog, roles) = match document {
        Document::Roles(roles) => (catalog, roles),
        Document::Snapshot(snapshot) => {
            let Some(role) = role else {
                return Err(Problem::in_file(
                    &label,
                    "a snapshot folder is compared with another snapshot folder, or pick a role of both sides with --role",
                )
                .into());
            };
            let roles = crate::snapshot::roles(&label, &snapshot);
            let spec = roles.select(Some(role))?;
            let (policy, id) = input::compile(snapshot.catalog(), &roles.label, spec)?;
            return Ok(Compiled::Role(label, spec.name.clone(), policy, id));
        }
        document => {
            if role.is_some() {
                return Err(Problem::in_file(
                    &label,
                    "--role picks a role of a role file; this is a user or subject file",
                )
                .into());
            }
            let crate::check::UserPolicy {
                policy,
                user,
                kind,
                name,
                ..
            } = crate::check::user_policy(catalog, &label, document)?;
            return Ok(Compiled::User(label, kind, name, policy, user));
        }
    };
    let spec = roles.select(role)?;
    let (policy, role) = input::compile(catalog, &roles.label, spec)?;
    Ok(Compiled::Role(label, spec.name.clone(), policy, role))
}

/// A side of `diff`, compiled.
pub(crate) enum Compiled {
    Role(String, String, Policy, RoleId),
    User(String, &'static str, String, Policy, UserId),
}

impl Compiled {
    /// A user's audit (its grants, each with its division); `None` for a role.
    fn user_audit(&self) -> Option<UserAudit<'_>> {
        match self {
            Compiled::User(_, _, _, policy, user) => policy.audit_user(*user),
            Compiled::Role(..) => None,
        }
    }

    /// The named divisions of a user's grants (`audit`: its
    /// [`user_audit`](Self::user_audit)).
    fn divisions(audit: Option<&UserAudit<'_>>) -> Vec<String> {
        let grants = audit.map(|audit| audit.grants.as_slice()).unwrap_or_default();
        grants
            .iter()
            .filter_map(|grant| match grant.division {
                Division::Id(id) => Some(id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Its effective permissions in every place: `divisions` for a user
    /// (`audit`: its [`user_audit`](Self::user_audit)).
    fn side(&self, audit: Option<&UserAudit<'_>>, divisions: &[String]) -> Side {
        match self {
            Compiled::Role(file, name, policy, role) => {
                let audit = policy.audit(*role);
                let grants: Vec<&RoleAudit<'_>> = audit.iter().collect();
                Side {
                    shown: format!("role `{}`", Escaped(name)),
                    fields: SideFields::Role {
                        file: file.clone(),
                        role: name.clone(),
                    },
                    places: vec![(None, effective(policy, (*role).into(), &grants))],
                }
            }
            Compiled::User(file, kind, name, policy, user) => {
                let grants = audit.map(|audit| audit.grants.as_slice()).unwrap_or_default();
                // Keys no catalog knows, wildcards and conditional patterns count as
                // division-aware: a grant gives them where its division applies.
                let reach = |place: &Division| -> Vec<&RoleAudit<'_>> {
                    grants
                        .iter()
                        .filter(|grant| *grant.division == Division::All || grant.division == place)
                        .map(|grant| &grant.audit)
                        .collect()
                };
                let mut places = vec![(
                    Some(Division::All),
                    effective(policy, (*user).into(), &reach(&Division::All)),
                )];
                for id in divisions {
                    let place = Division::new(id.as_str());
                    let set = effective(policy, policy.user_in(*user, id), &reach(&place));
                    places.push((Some(place), set));
                }
                Side {
                    shown: format!("{kind} `{}`", Escaped(name)),
                    fields: SideFields::User {
                        file: file.clone(),
                        kind,
                        user: name.clone(),
                    },
                    places,
                }
            }
        }
    }
}

/// `in every division`, `in division `D``.
fn place_text(place: &Division) -> String {
    match place {
        Division::Id(id) => format!("in division `{}`", Escaped(id)),
        _ => "in every division".to_owned(),
    }
}

/// Two sides of `diff` compared: each in every place, and what the new
/// one adds and removes there.
pub(crate) struct Compared {
    old: Side,
    new: Side,
    pub(crate) added: Vec<DiffEntry>,
    pub(crate) removed: Vec<DiffEntry>,
}

/// What `new` adds to and removes from `old`: for a role, its effective
/// permissions; for a user, those in every division and in each division
/// either side's grants name.
pub(crate) fn compare(old: &Compiled, new: &Compiled) -> Compared {
    // Every division either side names, once, sorted.
    let (old_audit, new_audit) = (old.user_audit(), new.user_audit());
    let mut divisions = Compiled::divisions(old_audit.as_ref());
    divisions.extend(Compiled::divisions(new_audit.as_ref()));
    divisions.sort();
    divisions.dedup();
    let (old, new) = (
        old.side(old_audit.as_ref(), &divisions),
        new.side(new_audit.as_ref(), &divisions),
    );
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for ((place, before), (_, after)) in old.places.iter().zip(&new.places) {
        for (key, e) in before.iter().filter(|(k, _)| !after.contains_key(*k)) {
            removed.push(DiffEntry::new(e, key, place.as_ref()));
        }
        for (key, e) in after.iter().filter(|(k, _)| !before.contains_key(*k)) {
            added.push(DiffEntry::new(e, key, place.as_ref()));
        }
    }
    Compared {
        old,
        new,
        added,
        removed,
    }
}

pub(crate) fn diff(args: &DiffArgs) -> Result<Report, Failure> {
    if input::file_label(&args.old) == "<stdin>" && input::file_label(&args.new) == "<stdin>" {
        return Err(Problem::new("only one of OLD and NEW can be `-` (standard input)").into());
    }
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let old = input::document(&args.old, None, &catalog)?;
    let new = input::document(&args.new, None, &catalog)?;
    if let (Document::Snapshot(old), Document::Snapshot(new), None) = (&old, &new, &args.role) {
        let old = crate::snapshot::side(input::file_label(&args.old), old)?;
        let new = crate::snapshot::side(input::file_label(&args.new), new)?;
        return crate::changes::diff(&old, &new, args.common.json);
    }
    let old = read_side(&catalog, &args.old, old, args.role.as_deref())?;
    let new = read_side(&catalog, &args.new, new, args.role.as_deref())?;
    if matches!(old, Compiled::Role(..)) != matches!(new, Compiled::Role(..)) {
        return Err(Problem::new(
            "diff compares a role with a role, or a user or subject with a user or subject (per division)",
        )
        .into());
    }
    let Compared {
        old,
        new,
        added,
        removed,
    } = compare(&old, &new);
    let equal = added.is_empty() && removed.is_empty();
    let places = (
        old.places.first().map_or(0, |(_, set)| set.len()),
        old.places.len(),
        matches!(old.places.first(), Some((Some(_), _))),
    );
    let report = DiffReport {
        shown: (old.shown, new.shown),
        files: (input::file_label(&args.old), input::file_label(&args.new)),
        places,
        old: old.fields,
        new: new.fields,
        equal,
        added,
        removed,
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: if equal { 0 } else { 1 },
    })
}
