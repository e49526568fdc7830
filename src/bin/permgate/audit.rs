//! `permgate audit` and `permgate diff`.

use std::collections::BTreeMap;
use std::fmt::Write;

use permgate::genesys::RoleSpec;
use permgate::{
    Catalog, Condition, Decision, Division, Escaped, Permission, Permitted, Policy, Principal, RoleAudit, RoleId,
    UserId,
};
use serde_json::{Value, json};

use crate::input::{self, Document, Failure, Problem};
use crate::output::{self, FORMAT_VERSION, line};
use crate::{AuditArgs, DiffArgs, Report};

/// A role that did not load, or did not compile.
struct RoleProblem {
    position: usize,
    name: Option<String>,
    path: Option<String>,
    /// The message without the path.
    message: String,
    /// The whole line: `role `NAME`: `$.path`: message`.
    text: String,
}

pub(crate) fn audit(args: &AuditArgs) -> Result<Report, Failure> {
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let roles = match input::document(&args.file, args.kind)? {
        Document::Roles(roles) => roles,
        document => return audit_user(args, &catalog, document),
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
    let mut specs: Vec<&RoleSpec> = Vec::new();
    for (spec, position) in roles.file.roles.iter().zip(roles.loaded_positions()) {
        match builder.add_role_spec(spec) {
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
    let audits: Vec<(&RoleSpec, RoleAudit<'_>)> = specs
        .into_iter()
        .filter_map(|spec| Some((spec, policy.audit(policy.role(&spec.name)?)?)))
        .collect();
    let stdout = if args.common.json {
        output::json_document(&json!({
            "format_version": FORMAT_VERSION,
            "file": roles.label,
            "roles": audits.iter().map(|(spec, audit)| audit_json(Some(spec), audit)).collect::<Vec<_>>(),
            "errors": errors.iter().map(|e| json!({
                "position": e.position,
                "name": e.name,
                "path": e.path,
                "message": e.message,
            })).collect::<Vec<_>>(),
        }))?
    } else {
        let mut out = String::new();
        for (n, (spec, audit)) in audits.iter().enumerate() {
            if n > 0 {
                line!(out);
            }
            audit_text(&mut out, spec, audit);
        }
        if !errors.is_empty() {
            line!(out);
            line!(out, "{} that did not load:", output::count(errors.len(), "role"));
            for error in &errors {
                line!(out, "  {}", error.text);
            }
        }
        out
    };
    Ok(Report { stdout, code: 0 })
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
    let divisions = |permitted: &Permitted<'_>| match permitted {
        Permitted::Everywhere => json!("*"),
        Permitted::In(divisions) => json!(divisions),
    };
    let stdout = if args.common.json {
        output::json_document(&json!({
            "format_version": FORMAT_VERSION,
            "file": label,
            "kind": kind,
            "user": name,
            "roles_without_policies": without_policies,
            "grants": audit.grants.iter().map(|grant| json!({
                "role": grant.role,
                "named_role": grant.named_role,
                "division": grant.division.id(),
                "audit": audit_json(None, &grant.audit),
            })).collect::<Vec<_>>(),
            "gates": audit.gates.iter().map(|permgate::audit::UserGate { gate, permitted, .. }| json!({
                "gate": gate.name,
                "document": gate.document.map(|d| d.id),
                "release": output::release_json(gate.release),
                "divisions": divisions(permitted),
                "removed_from_platform": gate.removed_from_platform().map(|p| p.key()).collect::<Vec<_>>(),
                "feature_removed": gate.feature_removed(),
            })).collect::<Vec<_>>(),
        }))?
    } else {
        let mut out = String::new();
        line!(
            out,
            "{kind} `{}`: {}",
            Escaped(&name),
            output::count(audit.grants.len(), "grant")
        );
        for grant in &audit.grants {
            line!(out);
            let what = if grant.named_role { "role" } else { "grants" };
            let place = match grant.division {
                Division::All => "in every division".to_owned(),
                Division::Id(id) => format!("in division `{}`", Escaped(id)),
                _ => String::new(),
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
        out
    };
    Ok(Report { stdout, code: 0 })
}

fn keys(permissions: &[Permission<'_>]) -> Vec<String> {
    permissions.iter().map(|p| p.key().to_owned()).collect()
}

fn audit_json(spec: Option<&RoleSpec>, audit: &RoleAudit<'_>) -> Value {
    json!({
        "name": audit.role,
        "id": spec.and_then(|spec| spec.id.as_deref()),
        "description": spec.and_then(|spec| spec.description.as_deref()),
        "permissions": keys(&audit.permissions),
        "unknown": audit.unknown,
        "wildcards": audit.wildcards.iter().map(|w| json!({"wildcard": w.wildcard, "permissions": keys(&w.permissions)})).collect::<Vec<_>>(),
        "redundant": audit.redundant.iter().map(|r| json!({"grant": r.grant, "wildcard": r.wildcard})).collect::<Vec<_>>(),
        "conditional": audit.conditional.iter().map(|grant| json!({
            "condition": grant.condition.to_string(),
            "node": grant.condition.to_json(),
            "permissions": keys(&grant.permissions),
            "beyond_catalog": grant.beyond_catalog,
        })).collect::<Vec<_>>(),
        "legacy": audit.legacy,
        "licenses": audit.licenses.iter().map(|(license, effect)| json!({
            "license": license,
            "documents": effect.documents.iter().map(|s| json!({"document": s.document.id, "license": s.license})).collect::<Vec<_>>(),
            "permissions": keys(&effect.permissions),
        })).collect::<Vec<_>>(),
        "deprecated": audit.deprecated.iter().map(|d| json!({"permission": d.permission.key(), "note": d.note})).collect::<Vec<_>>(),
        "removed": audit.removed.iter().map(|r| json!({
            "permission": r.permission.key(),
            "last_release": r.last_release.to_string(),
            "last_date": r.last_release.date(),
        })).collect::<Vec<_>>(),
        "gates": audit.gates.iter().map(|&permgate::audit::GateAudit { gate, satisfied, .. }| json!({
            "gate": gate.name,
            "document": gate.document.map(|d| d.id),
            "release": output::release_json(gate.release),
            "satisfied": satisfied,
            "removed_from_platform": gate.removed_from_platform().map(|p| p.key()).collect::<Vec<_>>(),
            "feature_removed": gate.feature_removed(),
        })).collect::<Vec<_>>(),
        "unlisted_entities": audit.unlisted_entities.iter().map(|u| json!({"permission": u.permission.key(), "keys": u.keys})).collect::<Vec<_>>(),
    })
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

fn audit_text(out: &mut String, spec: &RoleSpec, audit: &RoleAudit<'_>) {
    let id = spec
        .id
        .as_deref()
        .map_or_else(String::new, |id| format!(" (id {})", Escaped(id)));
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
    let satisfied = audit.gates.iter().filter(|g| g.satisfied).count();
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
fn effective_json(entry: &Effective, division: Option<&Division>) -> Value {
    let mut value = json!({
        "key": entry.key,
        "label": entry.label,
        "known": entry.known,
        "condition": entry.condition.as_ref().map(ToString::to_string),
        "wildcard": entry.covers.is_some(),
        "covers": entry.covers,
    });
    if let (Some(division), Some(object)) = (division, value.as_object_mut()) {
        object.insert("division".to_owned(), json!(division.id()));
    }
    value
}

/// One side of a diff: what it is, and its effective permissions in every
/// place it is compared (one for a role; every division and each named
/// division for a user).
struct Side {
    /// `role `NAME``, `subject `NAME``, `user `NAME`` (escaped).
    shown: String,
    /// For `--json`: `{"file", "role"}` or `{"file", "kind", "user"}`.
    json: Value,
    /// `None` for a role; for a user, `Division::All` (every division) or a
    /// named division.
    places: Vec<(Option<Division>, EffectiveSet)>,
}

/// Reads one side of `diff`: a role of a role file, or a subject or user.
fn read_side(catalog: &Catalog, path: &std::path::Path, role: Option<&str>) -> Result<Compiled, Failure> {
    let label = input::file_label(path);
    match input::document(path, None)? {
        Document::Roles(roles) => {
            let spec = roles.select(role)?;
            let (policy, role) = input::compile(catalog, &roles.label, spec)?;
            Ok(Compiled::Role(label, spec.name.clone(), policy, role))
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
            Ok(Compiled::User(label, kind, name, policy, user))
        }
    }
}

/// A side of `diff`, compiled.
enum Compiled {
    Role(String, String, Policy, RoleId),
    User(String, &'static str, String, Policy, UserId),
}

impl Compiled {
    /// The named divisions of a user's grants.
    fn divisions(&self) -> Vec<String> {
        let Compiled::User(_, _, _, policy, user) = self else {
            return Vec::new();
        };
        let grants = policy.audit_user(*user).map(|audit| audit.grants).unwrap_or_default();
        grants
            .iter()
            .filter_map(|grant| match grant.division {
                Division::Id(id) => Some(id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Its effective permissions in every place: `divisions` for a user.
    fn side(&self, divisions: &[String]) -> Side {
        match self {
            Compiled::Role(file, name, policy, role) => {
                let audit = policy.audit(*role);
                let grants: Vec<&RoleAudit<'_>> = audit.iter().collect();
                Side {
                    shown: format!("role `{}`", Escaped(name)),
                    json: json!({"file": file, "role": name}),
                    places: vec![(None, effective(policy, (*role).into(), &grants))],
                }
            }
            Compiled::User(file, kind, name, policy, user) => {
                let audit = policy.audit_user(*user);
                let grants = audit.as_ref().map(|audit| audit.grants.as_slice()).unwrap_or_default();
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
                    json: json!({"file": file, "kind": kind, "user": name}),
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

pub(crate) fn diff(args: &DiffArgs) -> Result<Report, Failure> {
    if input::file_label(&args.old) == "<stdin>" && input::file_label(&args.new) == "<stdin>" {
        return Err(Problem::new("only one of OLD and NEW can be `-` (standard input)").into());
    }
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let old = read_side(&catalog, &args.old, args.role.as_deref())?;
    let new = read_side(&catalog, &args.new, args.role.as_deref())?;
    if matches!(old, Compiled::Role(..)) != matches!(new, Compiled::Role(..)) {
        return Err(Problem::new(
            "diff compares a role with a role, or a user or subject with a user or subject (per division)",
        )
        .into());
    }
    // Every division either side names, once, sorted.
    let mut divisions = old.divisions();
    divisions.extend(new.divisions());
    divisions.sort();
    divisions.dedup();
    let (old, new) = (old.side(&divisions), new.side(&divisions));
    let mut added: Vec<(Option<&Division>, &Effective)> = Vec::new();
    let mut removed: Vec<(Option<&Division>, &Effective)> = Vec::new();
    let mut rows: Vec<(Option<&Division>, &EffectiveKey, Vec<String>)> = Vec::new();
    for ((place, before), (_, after)) in old.places.iter().zip(&new.places) {
        for (key, e) in before.iter().filter(|(k, _)| !after.contains_key(*k)) {
            removed.push((place.as_ref(), e));
            rows.push((place.as_ref(), key, vec!["-".to_owned(), e.shown(), e.note()]));
        }
        for (key, e) in after.iter().filter(|(k, _)| !before.contains_key(*k)) {
            added.push((place.as_ref(), e));
            rows.push((place.as_ref(), key, vec!["+".to_owned(), e.shown(), e.note()]));
        }
    }
    let equal = rows.is_empty();
    let stdout = if args.common.json {
        let entries = |list: &[(Option<&Division>, &Effective)]| -> Vec<Value> {
            list.iter().map(|(place, e)| effective_json(e, *place)).collect()
        };
        output::json_document(&json!({
            "format_version": FORMAT_VERSION,
            "old": old.json,
            "new": new.json,
            "equal": equal,
            "added": entries(&added),
            "removed": entries(&removed),
        }))?
    } else {
        let mut out = String::new();
        if equal {
            let count = old.places.first().map_or(0, |(_, set)| set.len());
            let what = if old.places.len() > 1 {
                format!(
                    "effective permissions in every division and in {}",
                    output::count(old.places.len() - 1, "named division")
                )
            } else if matches!(old.places.first(), Some((Some(_), _))) {
                format!("{} in every division", output::count(count, "effective permission"))
            } else {
                output::count(count, "effective permission")
            };
            line!(
                out,
                "no differences: {} and {} have the same {what}",
                old.shown,
                new.shown
            );
        } else {
            line!(out, "--- {} ({})", Escaped(&input::file_label(&args.old)), old.shown);
            line!(out, "+++ {} ({})", Escaped(&input::file_label(&args.new)), new.shown);
            rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
            let mut rows = rows.into_iter().peekable();
            while let Some((place, _, _)) = rows.peek() {
                let place = *place;
                let indent = if let Some(place) = place {
                    line!(out, "{}:", place_text(place));
                    "  "
                } else {
                    ""
                };
                let mut group = Vec::new();
                while let Some((_, _, row)) = rows.next_if(|(p, _, _)| *p == place) {
                    group.push(row);
                }
                output::table(&mut out, indent, None, &group);
            }
            line!(out, "{} added, {} removed", added.len(), removed.len());
        }
        out
    };
    Ok(Report {
        stdout,
        code: if equal { 0 } else { 1 },
    })
}
