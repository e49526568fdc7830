//! `permgate export` and `permgate list`: the builtin catalog and role JSON out.

use permgate::genesys::export_role;
use permgate::genesys::wire::DomainOrganizationRole;
use std::fmt;

use permgate::{
    Catalog, Permission, Policy, RoleDefinition, definition::Form, gate::GateInfo, source::CatalogRole,
    source::SourceEntry, text::Escaped,
};
use serde::Serialize;

use crate::check::find_gate;
use crate::input::{self, Failure, Problem};
use crate::output::{self, GateListing};
use crate::terraform;
use crate::{ExportArgs, ExportFormat, ListArgs, ListKind, Report};

/// A builtin role by exact name, else by a unique case-insensitive match.
fn builtin_role(name: &str) -> Result<&'static CatalogRole, Problem> {
    if let Some(role) = permgate::builtins::role(name) {
        return Ok(role);
    }
    let mut similar = permgate::builtins::roles()
        .iter()
        .filter(|r| r.name.eq_ignore_ascii_case(name.trim()));
    match (similar.next(), similar.next()) {
        (Some(role), None) => Ok(role),
        _ => {
            let known: Vec<String> = permgate::builtins::roles()
                .iter()
                .map(|r| format!("`{}`", r.name))
                .collect();
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
    let (role, body) = match (&args.gate, &args.role) {
        (Some(gate), _) => {
            let gate = find_gate(gate)?;
            let problem = |e: &dyn std::fmt::Display| Problem::new(format!("gate `{}`: {e}", gate.name));
            let role = gate.definition(&catalog, form).map_err(|e| problem(&e))?;
            let body = export_role(&role).map_err(|e| problem(&e))?;
            (role, body)
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
                let body = export_role(&role).map_err(|e| problem(&e))?;
                (role, body)
            }
            None => {
                let builtin = builtin_role(name)?;
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
                let body = export_role(&role).map_err(|e| problem(&e))?;
                (role, body)
            }
        },
        (None, None) => return Err(Problem::new("export needs --gate GATE or --role NAME").into()),
    };
    let stdout = output::json_document(&body)?;
    let stdout = match args.format {
        ExportFormat::RoleJson => stdout,
        format => {
            let text = terraform::write(&role, format)?;
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
        if !permgate::builtins::documents().iter().any(|d| d.id == id) {
            let ids: Vec<&str> = permgate::builtins::documents().iter().map(|d| d.id).collect();
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
    let listed = match args.what {
        ListKind::Gates => Listed::Gates(
            permgate::builtins::gates()
                .iter()
                .filter(|g| g.document.is_some_and(|d| wanted(d.id)))
                .map(|&g| GateListing::from(g))
                .collect(),
        ),
        ListKind::Roles => Listed::Roles(
            permgate::builtins::roles()
                .iter()
                .filter(|r| wanted(r.document.id))
                .collect(),
        ),
        ListKind::Permissions => Listed::Permissions(
            catalog
                .iter()
                .filter(|p| document.is_none() || p.sources().iter().any(|s| wanted(s.document.id)))
                .filter(|&p| domain.is_none_or(|domain| in_domain(p, domain)))
                .map(|permission| PermissionListing {
                    key: permission,
                    label: permission.label(),
                    sources: permission.sources(),
                })
                .collect(),
        ),
    };
    let report = ListReport {
        document,
        domain,
        listed,
    };
    Ok(Report {
        stdout: output::render(&report, args.json)?,
        code: 0,
    })
}

/// `permgate list`: the builtin gates, roles or permissions, perhaps of
/// one document or domain.
#[derive(Serialize)]
struct ListReport<'a> {
    document: Option<&'a str>,
    domain: Option<&'a str>,
    #[serde(flatten)]
    listed: Listed,
}

/// What `permgate list` lists, under its kind's name.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Listed {
    Gates(Vec<GateListing>),
    Roles(Vec<&'static CatalogRole>),
    Permissions(Vec<PermissionListing>),
}

/// A catalog permission, with its label and what each document says of it.
#[derive(Serialize)]
struct PermissionListing {
    key: Permission<'static>,
    label: Option<&'static str>,
    sources: &'static [SourceEntry],
}

impl fmt::Display for ListReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        match &self.listed {
            Listed::Gates(gates) => gates_table(&mut out, gates),
            Listed::Roles(roles) => roles_table(&mut out, roles),
            Listed::Permissions(permissions) => permissions_table(&mut out, permissions),
        }
        f.write_str(&out)
    }
}

fn gates_table(out: &mut String, gates: &[GateListing]) {
    let rows: Vec<Vec<String>> = gates
        .iter()
        .map(|listing| {
            let g = listing.gate;
            let removed = listing.removed_from_platform.len();
            let mut notes = Vec::new();
            if listing.feature_removed {
                notes.push("all removed from the platform: the feature no longer exists".to_owned());
            } else if removed > 0 {
                notes.push(format!("{removed} removed from the platform, not required"));
            }
            if listing.incomplete.is_some() {
                notes.push("incomplete".to_owned());
            }
            let required = if notes.is_empty() {
                g.required.len().to_string()
            } else {
                format!("{} ({})", g.required.len(), notes.join("; "))
            };
            // The Platform API operations its rows are grounded in: what
            // each requires is in `required` already.
            let calls = match g.calls.len() {
                0 => "-".to_owned(),
                n => n.to_string(),
            };
            vec![
                g.name.to_owned(),
                g.document.map_or("-", |d| d.id).to_owned(),
                output::release_text(g.release),
                required,
                calls,
                g.description.to_owned(),
            ]
        })
        .collect();
    output::table(
        out,
        "",
        Some(&["gate", "document", "release", "required", "calls", "description"]),
        &rows,
    );
    let infos: Vec<&GateInfo> = gates.iter().map(|listing| listing.gate).collect();
    output::removed_gates(out, &infos);
}

fn roles_table(out: &mut String, roles: &[&CatalogRole]) {
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
        out,
        "",
        Some(&["role", "document", "extends", "grants", "description"]),
        &rows,
    );
}

fn permissions_table(out: &mut String, permissions: &[PermissionListing]) {
    let rows: Vec<Vec<String>> = permissions
        .iter()
        .map(|listing| {
            let p = listing.key;
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
    output::table(out, "", Some(&["permission", "label", "documents", "license"]), &rows);
}
