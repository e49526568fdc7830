//! `permgate who-can`: every role that grants a permission and every user
//! who may do it, from the library's column scan (`Policy::who_can` over
//! one policy of every role and user).

use std::fmt::{self, Write};

use permgate::explain::Permitted;
use permgate::genesys::snapshot::Snapshot;
use permgate::parse::QuestionError;
use permgate::text::Escaped;
use permgate::who_can::{Grant, RoleCan, Within};
use permgate::{Catalog, Decision, Permission, Policy, PolicyBuilder};
use serde::Serialize;

use crate::input::{self, Document, Failure, Problem};
use crate::output::{self, line};
use crate::{Report, WhoCanArgs};

/// One user of the population asked about, as the report shows it.
struct Member {
    /// Its name in the policy: its id, else its name.
    key: String,
    id: Option<String>,
    name: Option<String>,
    email: Option<String>,
    /// The names of the roles the user is assigned (`authorization.roles`).
    roles: Vec<String>,
}

/// What `who-can` asks: a policy of roles and users.
struct Population {
    /// How the source is named in messages and JSON.
    label: String,
    policy: Policy,
    /// Each role's id, by name (as the role file or snapshot gives it).
    role_ids: Vec<(String, Option<String>)>,
    /// The policy's users, in the order they were added.
    users: Vec<Member>,
    /// The snapshot's organization and when it was pulled.
    snapshot: Option<(String, String)>,
    /// `--division` as asked, and the division id it names.
    division: Option<(String, String)>,
}

/// The population of a role file or a snapshot folder.
fn population(base: &Catalog, args: &WhoCanArgs) -> Result<Population, Failure> {
    let label = input::file_label(&args.source);
    match input::document(&args.source, None, base)? {
        Document::Roles(roles) => role_file(base, label, &roles, args),
        Document::Snapshot(snapshot) => snapshot_population(label, &snapshot, args),
        Document::Subject(_) | Document::User(_) => Err(Problem::in_file(
            &label,
            "who-can reads a snapshot folder (`permgate pull --out DIR`) or a role file; for one user, ask `permgate allows` or `explain`",
        )
        .into()),
    }
}

/// The population of a snapshot: its roles, and its users compiled
/// against them.
fn snapshot_population(label: String, snapshot: &Snapshot, args: &WhoCanArgs) -> Result<Population, Failure> {
    let division = match &args.division {
        Some(asked) => Some((asked.clone(), crate::snapshot::division(&label, snapshot, asked)?)),
        None => None,
    };
    // Every role, then every user, in one policy: one bitset, scanned by
    // column.
    let roles = crate::snapshot::roles(&label, snapshot);
    let mut builder = roles_builder(snapshot.catalog(), &roles)?;
    let users_label = crate::snapshot::file_in(&label, permgate::genesys::snapshot::USERS);
    let mut users = Vec::with_capacity(snapshot.users().len());
    for user in snapshot.users() {
        let definition = user.definition(None);
        builder.add_user_definition(&definition).map_err(|error| {
            Problem::in_file(&users_label, format!("user `{}`: {error}", Escaped(&definition.name)))
        })?;
        users.push(Member {
            key: definition.name,
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            roles: user.roles.iter().filter_map(|role| role.name.clone()).collect(),
        });
    }
    let policy = builder.build();
    let manifest = snapshot.manifest();
    Ok(Population {
        label,
        policy,
        role_ids: snapshot
            .roles()
            .roles
            .iter()
            .map(|role| (role.name.clone(), role.id.clone()))
            .collect(),
        users,
        snapshot: Some((
            (manifest.organization.name.clone()).unwrap_or_else(|| manifest.organization.id.clone()),
            manifest.pulled_at.clone(),
        )),
        division,
    })
}

/// A policy builder holding every role of `roles`. An answer without some
/// role would say no one where that role may: every role must load.
fn roles_builder(catalog: &Catalog, roles: &input::Roles) -> Result<PolicyBuilder, Failure> {
    let problems = roles.problems();
    if !problems.is_empty() {
        return Err(Failure(problems));
    }
    let mut builder = Policy::builder(catalog);
    for spec in &roles.file.roles {
        builder
            .add_role_definition(spec)
            .map_err(|error| Problem::in_file(&roles.label, error.to_string()))?;
    }
    Ok(builder)
}

/// The population of a role file: its roles, no users.
fn role_file(catalog: &Catalog, label: String, roles: &input::Roles, args: &WhoCanArgs) -> Result<Population, Failure> {
    let builder = roles_builder(catalog, roles)?;
    if let Some(division) = &args.division {
        return Err(Problem::in_file(
            &label,
            format!(
                "--division `{}` asks about users; a role file has none (roles hold in every division)",
                Escaped(division)
            ),
        )
        .into());
    }
    Ok(Population {
        label,
        policy: builder.build(),
        role_ids: roles
            .file
            .roles
            .iter()
            .map(|role| (role.name.clone(), role.id.clone()))
            .collect(),
        users: Vec::new(),
        snapshot: None,
        division: None,
    })
}

/// `permgate who-can --json`.
#[derive(Serialize)]
struct WhoCanReport<'p> {
    /// The role file or snapshot folder, as given.
    source: String,
    /// The snapshot's organization name; `None` for a role file.
    organization: Option<String>,
    /// When the snapshot was pulled.
    pulled_at: Option<String>,
    /// As asked.
    asked: String,
    /// The catalog's spelling, or as asked for a key no catalog knows.
    permission: String,
    label: Option<&'p str>,
    /// The division's id: `None` in any division, `*` in every one.
    division: Option<String>,
    /// The division as asked (its name, in a snapshot).
    #[serde(skip)]
    division_asked: Option<String>,
    roles: Vec<RoleEntry<'p>>,
    users: Vec<UserEntry<'p>>,
}

/// A role that grants it.
#[derive(Serialize)]
struct RoleEntry<'p> {
    id: Option<&'p str>,
    #[serde(flatten)]
    can: RoleCan<'p>,
}

/// A user who may do it.
#[derive(Serialize)]
struct UserEntry<'p> {
    id: Option<&'p str>,
    name: Option<&'p str>,
    email: Option<&'p str>,
    #[serde(flatten)]
    decision: Decision<'p>,
    /// Where unconditionally.
    divisions: Permitted<'p>,
    /// The user's assigned roles that grant it (anywhere).
    roles: Vec<&'p str>,
    /// The grants that give it where asked.
    grants: Vec<Grant<'p>>,
}

pub(crate) fn who_can(args: &WhoCanArgs) -> Result<Report, Failure> {
    let base = input::catalog(args.common.org_catalog.as_deref())?;
    let population = population(&base, args)?;
    let policy = &population.policy;
    let within = match &population.division {
        None => Within::AnyDivision,
        Some((_, id)) if id == "*" => Within::EveryDivision,
        Some((_, id)) => Within::Division(id),
    };
    let asked = &args.permission;
    let refused = |error: QuestionError| {
        let hint = if matches!(error, QuestionError::Wildcard { .. }) {
            " (who-can answers for one permission: ask about each one the wildcard covers; `permgate list permissions --domain DOMAIN` lists them)"
        } else {
            ""
        };
        Failure::from(Problem::new(format!("permission `{}`: {error}{hint}", Escaped(asked))))
    };
    // A catalog row that stands for a whole entity is asked as the
    // permission it is (gates require such rows); any other wildcard is
    // refused.
    let row: Option<Permission<'_>> = crate::check::whole_entity_row(policy.catalog(), asked);
    let who = match row {
        Some(row) => policy.who_can(row, within),
        None => policy.who_can(asked.as_str(), within).map_err(refused)?,
    };
    let known = policy.catalog().lookup(asked);
    let role_id = |name: &str| {
        population
            .role_ids
            .iter()
            .find(|(role, _)| role == name)
            .and_then(|(_, id)| id.as_deref())
    };
    // The users come back in the order they were added: walk the members
    // alongside.
    let mut members = population.users.iter();
    let mut users = Vec::new();
    for can in &who.users {
        let Some(member) = members.by_ref().find(|member| member.key == can.name) else {
            continue;
        };
        let roles = member
            .roles
            .iter()
            .filter(|role| who.roles.iter().any(|granting| granting.name == role.as_str()))
            .map(String::as_str)
            .collect();
        users.push(UserEntry {
            id: member.id.as_deref(),
            name: member.name.as_deref(),
            email: member.email.as_deref(),
            divisions: can.divisions(),
            grants: can.grants(),
            decision: can.decision.clone(),
            roles,
        });
    }
    let roles: Vec<RoleEntry<'_>> = who
        .roles
        .into_iter()
        .map(|can| RoleEntry {
            id: role_id(can.name),
            can,
        })
        .collect();
    let anyone = !roles.is_empty() || !users.is_empty();
    let (organization, pulled_at) = population.snapshot.clone().unzip();
    let report = WhoCanReport {
        source: population.label.clone(),
        organization,
        pulled_at,
        asked: asked.clone(),
        permission: who.permission,
        label: known.and_then(|p| p.label()),
        division: population.division.as_ref().map(|(_, id)| id.clone()),
        division_asked: population.division.as_ref().map(|(asked, _)| asked.clone()),
        roles,
        users,
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: if anyone { 0 } else { 1 },
    })
}

/// The word for a decision that lets: `yes` or `conditional`.
fn answer(decision: &Decision<'_>) -> &'static str {
    match decision {
        Decision::Allowed => "yes",
        _ => "conditional",
    }
}

/// A decision's answer and its conditions: the first row's cells, then one
/// row per further condition (`or if`).
fn with_conditions(mut cells: Vec<String>, decision: &Decision<'_>, columns: usize) -> Vec<Vec<String>> {
    let conditions = match decision {
        Decision::AllowedIf(conditions) => conditions.as_slice(),
        _ => &[],
    };
    cells.push(conditions.first().map(|c| format!("if {c}")).unwrap_or_default());
    let mut rows = vec![cells];
    for condition in conditions.iter().skip(1) {
        let mut more = vec![String::new(); columns];
        more.push(format!("or if {condition}"));
        rows.push(more);
    }
    rows
}

impl fmt::Display for WhoCanReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let shown = if self.permission.is_empty() || self.permission == self.asked {
            output::escaped(&self.asked)
        } else {
            format!("{} ({})", Escaped(&self.asked), Escaped(&self.permission))
        };
        let label = self
            .label
            .filter(|label| *label != self.asked)
            .map(|label| format!(" ({})", Escaped(label)))
            .unwrap_or_default();
        let place = match (self.division.as_deref(), self.division_asked.as_deref()) {
            (None, _) => "in some division".to_owned(),
            (Some("*"), _) => "in every division".to_owned(),
            (Some(id), Some(asked)) if asked != id => format!("in division `{}` ({})", Escaped(asked), Escaped(id)),
            (Some(id), _) => format!("in division `{}`", Escaped(id)),
        };
        let roles = output::count(self.roles.len(), "role");
        if self.organization.is_some() {
            let users = output::count(self.users.len(), "user");
            line!(out, "who can {shown}{label} {place}: {roles}, {users}");
        } else {
            line!(out, "who can {shown}{label}: {roles}");
        }
        if let (Some(organization), Some(pulled_at)) = (&self.organization, &self.pulled_at) {
            line!(
                out,
                "snapshot of `{}` pulled at {}",
                Escaped(organization),
                Escaped(pulled_at)
            );
        }
        line!(out);
        if self.roles.is_empty() {
            line!(out, "roles: none grants it");
        } else {
            line!(out, "roles:");
            let rows: Vec<Vec<String>> = self
                .roles
                .iter()
                .flat_map(|role| {
                    let cells = vec![
                        output::escaped(role.can.name),
                        role.id.map_or_else(|| "-".to_owned(), output::escaped),
                        answer(&role.can.decision).to_owned(),
                    ];
                    with_conditions(cells, &role.can.decision, 3)
                })
                .collect();
            output::table(&mut out, "  ", Some(&["role", "id", "answer", "condition"]), &rows);
        }
        if self.organization.is_none() {
            return f.write_str(&out);
        }
        line!(out);
        if self.users.is_empty() {
            line!(out, "users: no one");
            return f.write_str(&out);
        }
        line!(out, "users:");
        let rows: Vec<Vec<String>> = self
            .users
            .iter()
            .flat_map(|user| {
                let divisions = match &user.divisions {
                    Permitted::Everywhere => "every division".to_owned(),
                    Permitted::In(divisions) if divisions.is_empty() => "-".to_owned(),
                    Permitted::In(divisions) => divisions
                        .iter()
                        .map(|d| output::escaped(d))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                let roles = if user.roles.is_empty() {
                    "-".to_owned()
                } else {
                    user.roles
                        .iter()
                        .map(|r| output::escaped(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let cells = vec![
                    output::escaped(user.name.unwrap_or_default()),
                    user.id.map_or_else(|| "-".to_owned(), output::escaped),
                    answer(&user.decision).to_owned(),
                    divisions,
                    roles,
                ];
                with_conditions(cells, &user.decision, 5)
            })
            .collect();
        output::table(
            &mut out,
            "  ",
            Some(&["user", "id", "answer", "divisions", "roles", "condition"]),
            &rows,
        );
        f.write_str(&out)
    }
}
