//! `permgate export` and `permgate list`: the builtin catalog and role JSON out.

use permgate::genesys::export_role;
use permgate::genesys::wire::DomainOrganizationRole;
use permgate::{Audience, Catalog, CatalogRole, Escaped, Evidence, Form, Permission, Policy, RoleDefinition};
use serde_json::{Value, json};

use crate::check::find_gate;
use crate::input::{self, Failure, Problem};
use crate::output::{self, FORMAT_VERSION};
use crate::terraform;
use crate::{ExportArgs, ExportFormat, ListArgs, ListKind, Report};

/// A builtin role by exact name, else by a unique case-insensitive match.
fn builtin_role(catalog: &Catalog, name: &str) -> Result<&'static CatalogRole, Problem> {
    if let Some(role) = catalog.role(name) {
        return Ok(role);
    }
    let mut similar = catalog
        .roles()
        .iter()
        .filter(|r| r.name.eq_ignore_ascii_case(name.trim()));
    match (similar.next(), similar.next()) {
        (Some(role), None) => Ok(role),
        _ => {
            let known: Vec<String> = catalog.roles().iter().map(|r| format!("`{}`", r.name)).collect();
            Err(Problem::new(format!(
                "unknown builtin role `{}` (use --from ROLE_FILE for a role of a file); builtin roles: {}",
                Escaped(name),
                known.join(", ")
            )))
        }
    }
}

pub(crate) fn export(args: &ExportArgs) -> Result<Report, Failure> {
    let form = if args.expanded { Form::Expanded } else { Form::Wildcard };
    let catalog = input::catalog(args.org_catalog.as_deref())?;
    let body = match (&args.gate, &args.role) {
        (Some(gate), _) => {
            let gate = find_gate(&catalog, gate)?;
            let problem = |e: &dyn std::fmt::Display| Problem::new(format!("gate `{}`: {e}", gate.name));
            let role = gate.definition(&catalog, form).map_err(|e| problem(&e))?;
            export_role(&role).map_err(|e| problem(&e))?
        }
        (None, Some(name)) => match &args.from {
            Some(path) => {
                let roles = input::roles(path)?;
                let spec = roles.select(Some(name))?;
                let (policy, role) = input::compile(&catalog, &roles.label, spec)?;
                let problem = |e: &dyn std::fmt::Display| {
                    Problem::in_file(&roles.label, format!("role `{}`: {e}", Escaped(name)))
                };
                let role = policy.definition(role, form).map_err(|e| problem(&e))?;
                export_role(&role).map_err(|e| problem(&e))?
            }
            None => {
                let builtin = builtin_role(&catalog, name)?;
                let mut builder = Policy::builder(&catalog);
                builder
                    .add_role(builtin.name, builtin.grants)
                    .map_err(|e| Problem::new(e.to_string()))?;
                let policy = builder.build();
                let role = policy
                    .role(builtin.name)
                    .ok_or_else(|| Problem::new(format!("role `{}` did not compile", builtin.name)))?;
                let problem = |e: &dyn std::fmt::Display| Problem::new(format!("role `{}`: {e}", builtin.name));
                let mut role: RoleDefinition = policy.definition(role, form).map_err(|e| problem(&e))?;
                let mut description = builtin.description.to_owned();
                if let Some(extends) = builtin.extends {
                    description.push_str(&format!(" Add-on to `{extends}`: holds only its own grants."));
                }
                role.description = Some(description);
                export_role(&role).map_err(|e| problem(&e))?
            }
        },
        (None, None) => return Err(Problem::new("export needs --gate GATE or --role NAME").into()),
    };
    let stdout = output::json_document(&body)?;
    let stdout = match args.format {
        ExportFormat::RoleJson => stdout,
        format => {
            let text = terraform::from_role_json(&stdout, format)?;
            warn_unlisted(&catalog, &body);
            text
        }
    };
    Ok(Report { stdout, code: 0 })
}

/// Warns, on standard error, of each permission of `role` that an
/// organization today may refuse: removed from the Platform API, or in no
/// catalog. The Terraform resource is written all the same.
fn warn_unlisted(catalog: &Catalog, role: &DomainOrganizationRole) {
    let name = input::role_label(Some(&role.name), 0);
    for policy in role.permission_policies.iter().flatten() {
        if policy.entity_name == "*" {
            continue;
        }
        for action in policy.action_set.iter().filter(|action| *action != "*") {
            let key = format!("{}:{}:{action}", policy.domain, policy.entity_name);
            let why = match catalog.lookup(&key) {
                None => "is in no catalog (a permission permgate does not know)".to_owned(),
                Some(permission) => match permission.removed_after() {
                    Some(last) => format!("was removed from the Platform API after SDK {last}"),
                    None => continue,
                },
            };
            input::warn(&Problem::new(format!(
                "{name}: `{}` {why}; Terraform may fail to apply it",
                Escaped(&key)
            )));
        }
    }
}

fn audience(audience: Audience) -> &'static str {
    match audience {
        Audience::Admin => "admin",
        Audience::Agent => "agent",
        _ => "other",
    }
}

fn evidence(evidence: Evidence) -> &'static str {
    match evidence {
        Evidence::Verified => "verified",
        Evidence::Pattern => "pattern",
        Evidence::Unverified => "unverified",
        _ => "other",
    }
}

fn document_ids(permission: Permission<'_>) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for source in permission.sources() {
        if !ids.contains(&source.document.id) {
            ids.push(source.document.id);
        }
    }
    ids
}

/// Whether `permission` is a Genesys key of `domain`, ignoring ASCII case.
fn in_domain(permission: Permission<'_>, domain: &str) -> bool {
    !permission.is_flat() && permission.domain().eq_ignore_ascii_case(domain)
}

pub(crate) fn list(args: &ListArgs) -> Result<Report, Failure> {
    let catalog = Catalog::builtin();
    let document = args.document.as_deref().map(str::trim);
    if let Some(id) = document {
        if !catalog.documents().iter().any(|d| d.id == id) {
            let ids: Vec<&str> = catalog.documents().iter().map(|d| d.id).collect();
            let platform = if args.what == ListKind::Permissions {
                " (platform-only permissions have no document)"
            } else {
                ""
            };
            return Err(Problem::new(format!(
                "unknown document `{}`; documents: {}{platform}",
                Escaped(id),
                ids.join(", ")
            ))
            .into());
        }
    }
    let domain = args.domain.as_deref().map(str::trim);
    if let Some(domain) = domain {
        if args.what != ListKind::Permissions {
            return Err(Problem::new("--domain filters `list permissions` only").into());
        }
        if !catalog.iter().any(|p| in_domain(p, domain)) {
            return Err(Problem::new(format!(
                "unknown domain `{}`: no builtin permission is in it",
                Escaped(domain)
            ))
            .into());
        }
    }
    let wanted = |id: &str| document.is_none_or(|wanted| wanted == id);
    let keys = |permissions: &mut dyn Iterator<Item = Permission<'static>>| -> Vec<String> {
        permissions.map(|p| p.key().to_owned()).collect()
    };
    let mut out = String::new();
    let json_items: (&str, Vec<Value>) = match args.what {
        ListKind::Gates => {
            let gates: Vec<_> = catalog
                .gates()
                .iter()
                .filter(|g| g.document.is_some_and(|d| wanted(d.id)))
                .collect();
            let rows: Vec<Vec<String>> = gates
                .iter()
                .map(|g| {
                    let removed = g.removed_from_platform().count();
                    let mut notes = Vec::new();
                    if g.feature_removed() {
                        notes.push("all removed from the platform: the feature no longer exists".to_owned());
                    } else if removed > 0 {
                        notes.push(format!("{removed} removed from the platform, not required"));
                    }
                    if g.incomplete.is_some() {
                        notes.push("incomplete".to_owned());
                    }
                    let required = if notes.is_empty() {
                        g.required.len().to_string()
                    } else {
                        format!("{} ({})", g.required.len(), notes.join("; "))
                    };
                    vec![
                        g.name.to_owned(),
                        g.document.map_or("-", |d| d.id).to_owned(),
                        output::release_text(g.release),
                        required,
                        g.description.to_owned(),
                    ]
                })
                .collect();
            output::table(
                &mut out,
                "",
                Some(&["gate", "document", "release", "required", "description"]),
                &rows,
            );
            output::removed_gates(&mut out, &gates.iter().map(|g| **g).collect::<Vec<_>>());
            let items = gates
                .iter()
                .map(|g| {
                    json!({
                        "name": g.name,
                        "description": g.description,
                        "document": g.document.map(|d| d.id),
                        "extends": g.extends,
                        "release": output::release_json(g.release),
                        "required": keys(&mut g.required.iter().copied()),
                        "any_of": g.any_of.iter().map(|group| keys(&mut group.iter().copied())).collect::<Vec<_>>(),
                        "roadmap": g.roadmap.iter().map(|(p, from)| json!({"key": p.key(), "from": from.to_string()})).collect::<Vec<_>>(),
                        "removed_from_platform": keys(&mut g.removed_from_platform()),
                        "feature_removed": g.feature_removed(),
                        "incomplete": g.incomplete,
                    })
                })
                .collect();
            ("gates", items)
        }
        ListKind::Roles => {
            let roles: Vec<_> = catalog.roles().iter().filter(|r| wanted(r.document.id)).collect();
            let rows: Vec<Vec<String>> = roles
                .iter()
                .map(|r| {
                    vec![
                        r.name.to_owned(),
                        r.document.id.to_owned(),
                        r.extends.unwrap_or("-").to_owned(),
                        r.grants.len().to_string(),
                        r.description.to_owned(),
                    ]
                })
                .collect();
            output::table(
                &mut out,
                "",
                Some(&["role", "document", "extends", "grants", "description"]),
                &rows,
            );
            let items = roles
                .iter()
                .map(|r| {
                    json!({
                        "name": r.name,
                        "description": r.description,
                        "document": r.document.id,
                        "extends": r.extends,
                        "grants": r.grants,
                    })
                })
                .collect();
            ("roles", items)
        }
        ListKind::Permissions => {
            let permissions: Vec<Permission<'static>> = catalog
                .iter()
                .filter(|p| document.is_none() || p.sources().iter().any(|s| wanted(s.document.id)))
                .filter(|&p| domain.is_none_or(|domain| in_domain(p, domain)))
                .collect();
            let rows: Vec<Vec<String>> = permissions
                .iter()
                .map(|&p| {
                    let mut licenses: Vec<&str> = Vec::new();
                    for license in p.sources().iter().filter_map(|s| s.product_license) {
                        if !licenses.contains(&license) {
                            licenses.push(license);
                        }
                    }
                    vec![
                        p.key().to_owned(),
                        output::label(p),
                        document_ids(p).join(", "),
                        licenses.join(", "),
                    ]
                })
                .collect();
            output::table(
                &mut out,
                "",
                Some(&["permission", "label", "documents", "license"]),
                &rows,
            );
            let items = permissions
                .iter()
                .map(|&p| {
                    json!({
                        "key": p.key(),
                        "label": p.label(),
                        "sources": p.sources().iter().map(|s| json!({
                            "document": s.document.id,
                            "section": s.section,
                            "description": s.description,
                            "audience": audience(s.audience),
                            "evidence": evidence(s.evidence),
                            "license": s.license,
                            "product_license": s.product_license,
                            "release_notes": s.release_notes,
                            "available_from": output::release_json(s.available_from),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            ("permissions", items)
        }
    };
    let stdout = if args.json {
        let (kind, items) = json_items;
        let mut document_json = json!({"format_version": FORMAT_VERSION, "document": document, "domain": domain});
        if let Some(object) = document_json.as_object_mut() {
            object.insert(kind.to_owned(), Value::Array(items));
        }
        output::json_document(&document_json)?
    } else {
        out
    };
    Ok(Report { stdout, code: 0 })
}
