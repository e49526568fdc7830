//! `permgate check` and `permgate allows`.

use std::fmt::Write;

use std::fmt;

use permgate::{
    Catalog, Decision, Denied, Permission, Policy, Principal, Release, RoleId, UserId, explain::Explanation,
    gate::CheckOptions, gate::GateInfo, parse::QuestionError, text::Escaped,
};
use serde::Serialize;

use crate::input::Document;
use crate::input::{self, Failure, Problem, WithoutPolicies};
use crate::output::{self, line};
use crate::{AllowsArgs, CheckArgs, ExplainArgs, Report, Who};

/// A gate by name, ignoring ASCII case.
pub(crate) fn find_gate(name: &str) -> Result<&'static GateInfo, Problem> {
    permgate::builtins::gate(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = permgate::builtins::gates().iter().map(|gate| gate.name).collect();
        Problem::new(format!("unknown gate `{}`; gates: {}", Escaped(name), known.join(", ")))
    })
}

/// Who a report answers for, as its JSON names it: a role, or a subject
/// or user in a division (`None`: every division).
#[derive(Serialize)]
pub(crate) struct WhoFields<'a> {
    role: Option<&'a str>,
    subject: Option<&'a str>,
    division: Option<&'a str>,
    roles_without_policies: &'a [WithoutPolicies],
}

/// `permgate check`: each gate's result for one role or user.
#[derive(Serialize)]
struct CheckReport<'a> {
    file: String,
    #[serde(flatten)]
    who: WhoFields<'a>,
    granted: bool,
    gates: Vec<GateCheck>,
    /// `role `NAME`` or `subject `NAME` in division `D``, escaped.
    #[serde(skip)]
    shown: String,
}

/// One gate's result.
#[derive(Serialize)]
struct GateCheck {
    #[serde(serialize_with = "gate_name")]
    gate: &'static GateInfo,
    document: Option<&'static str>,
    /// The release checked at.
    release: Option<Release>,
    granted: bool,
    /// The library's denial; `None` when granted.
    denied: Option<Denied>,
    /// Each permission the denial names as missing or in an unmet group,
    /// once, with what the library's denial does not say of it.
    permissions: Vec<PermissionNote>,
    /// Required keys the Platform API removed, which the check did not
    /// require (none with `--documented`).
    removed_from_platform: Vec<RemovedKey>,
    incomplete: Option<&'static str>,
    /// Checked with `--documented`.
    #[serde(skip)]
    documented: bool,
}

impl GateCheck {
    /// The note on a permission the denial names.
    fn note(&self, permission: Permission<'_>) -> Option<&PermissionNote> {
        self.permissions.iter().find(|note| note.permission == permission)
    }
}

/// A permission a denial names, with its label and the CLI's notes.
#[derive(Serialize)]
struct PermissionNote {
    permission: Permission<'static>,
    label: Option<&'static str>,
    /// A roadmap permission: required from this release.
    roadmap_from: Option<Release>,
    /// Held only under a condition.
    conditional: bool,
}

/// A required key the Platform API removed, with the last SDK release that listed it.
#[derive(Serialize)]
struct RemovedKey {
    permission: Permission<'static>,
    label: Option<&'static str>,
    last_release: Option<permgate::release::SdkRelease>,
}

fn gate_name<S: serde::Serializer>(gate: &&'static GateInfo, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(gate.name)
}

pub(crate) fn check(args: &CheckArgs) -> Result<Report, Failure> {
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let mut gates: Vec<&'static GateInfo> = Vec::new();
    let mut unknown = Vec::new();
    for name in &args.gates {
        match permgate::builtins::gate(name.trim()) {
            Some(gate) if !gates.iter().any(|g| std::ptr::eq(*g, gate)) => gates.push(gate),
            Some(_) => {}
            None => unknown.push(format!("`{}`", Escaped(name))),
        }
    }
    if !unknown.is_empty() {
        let known: Vec<&str> = permgate::builtins::gates().iter().map(|gate| gate.name).collect();
        let noun = if unknown.len() == 1 { "gate" } else { "gates" };
        return Err(Problem::new(format!(
            "unknown {noun} {}; gates: {}",
            unknown.join(", "),
            known.join(", ")
        ))
        .into());
    }
    // A release older than a gate's document applies to has no known requirements.
    let too_old: Vec<String> = gates
        .iter()
        .filter_map(|gate| match (args.release, gate.release) {
            (Some(at), Some(from)) if at < from => Some(format!("`{}` applies from release {from}", gate.name)),
            _ => None,
        })
        .collect();
    if let Some(release) = args.release.filter(|_| !too_old.is_empty()) {
        return Err(Problem::new(format!(
            "--release {release} is older than its gates' documents: {}",
            too_old.join(", ")
        ))
        .into());
    }
    let label = input::file_label(&args.who.file);
    let (policy, target) = target(&catalog, &args.who)?;
    let role = target.principal();
    let results: Vec<GateCheck> = gates
        .into_iter()
        .map(|gate| {
            let release = args.release.or(gate.release);
            let options = CheckOptions::at(release);
            let options = if args.documented { options.documented() } else { options };
            let removed_from_platform = if args.documented {
                Vec::new()
            } else {
                gate.removed_from_platform()
                    .map(|p| RemovedKey {
                        permission: p,
                        label: p.label(),
                        last_release: p.removed_after(),
                    })
                    .collect()
            };
            let denied = policy.check_info(role, gate, options).err();
            let mut permissions: Vec<PermissionNote> = Vec::new();
            if let Some(denied) = &denied {
                let named = denied
                    .missing()
                    .iter()
                    .chain(denied.unmet_any_of().iter().copied().flatten());
                for &p in named {
                    if !permissions.iter().any(|note| note.permission == p) {
                        permissions.push(PermissionNote {
                            permission: p,
                            label: p.label(),
                            roadmap_from: roadmap_from(gate, p),
                            conditional: conditional(&policy, role, p),
                        });
                    }
                }
            }
            GateCheck {
                gate,
                document: gate.document.map(|d| d.id),
                release,
                granted: denied.is_none(),
                denied,
                permissions,
                removed_from_platform,
                incomplete: gate.incomplete,
                documented: args.documented,
            }
        })
        .collect();
    let granted = !results.is_empty() && results.iter().all(|r| r.denied.is_none());
    let report = CheckReport {
        file: label,
        who: target.fields(),
        granted,
        gates: results,
        shown: target.describe(),
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: if granted { 0 } else { 1 },
    })
}

/// The release from which `permission` is required by `gate`, if it is a roadmap permission.
fn roadmap_from(gate: &GateInfo, permission: Permission<'_>) -> Option<permgate::Release> {
    gate.roadmap
        .iter()
        .find(|(p, _)| p.key() == permission.key())
        .map(|(_, release)| *release)
}

fn conditional(policy: &Policy, role: Principal, permission: Permission<'_>) -> bool {
    matches!(policy.decide(role, permission), Decision::AllowedIf(_))
}

impl fmt::Display for CheckReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&check_text(&self.shown, &self.gates))
    }
}

fn check_text(who: &str, results: &[GateCheck]) -> String {
    let mut out = String::new();
    let granted = results.iter().filter(|r| r.denied.is_none()).count();
    line!(
        out,
        "{who}: {granted} of {} granted",
        output::count(results.len(), "gate")
    );
    line!(out);
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            let verdict = match &r.denied {
                None if r.gate.incomplete.is_some() => "granted (the gate is incomplete)".to_owned(),
                None => "granted".to_owned(),
                Some(denied) if denied.feature_removed() => {
                    "denied: the feature no longer exists (the Platform API removed every permission it names)"
                        .to_owned()
                }
                Some(denied) => {
                    let mut parts = Vec::new();
                    if !denied.missing().is_empty() {
                        parts.push(format!(
                            "missing {}",
                            output::count(denied.missing().len(), "permission")
                        ));
                    }
                    if !denied.unmet_any_of().is_empty() {
                        parts.push(format!(
                            "{} unmet",
                            output::count(denied.unmet_any_of().len(), "any-of group")
                        ));
                    }
                    format!("denied: {}", parts.join(", "))
                }
            };
            vec![
                r.gate.name.to_owned(),
                r.gate.document.map_or("-", |d| d.id).to_owned(),
                output::release_text(r.release),
                verdict,
            ]
        })
        .collect();
    output::table(&mut out, "", Some(&["gate", "document", "release", "result"]), &rows);
    for r in results {
        if let (None, Some(why)) = (&r.denied, r.gate.incomplete) {
            line!(out);
            line!(out, "{} is incomplete: {why}", r.gate.name);
        }
        // A denial with something to list (a removed feature may have nothing).
        let listed =
            |d: &permgate::Denied| !d.missing().is_empty() || !d.unmet_any_of().is_empty() || d.incomplete().is_some();
        let Some(denied) = r.denied.as_ref().filter(|d| listed(d)) else {
            removed_text(&mut out, r);
            continue;
        };
        line!(out);
        if !denied.missing().is_empty() {
            line!(out, "{} is missing:", r.gate.name);
            let rows: Vec<Vec<String>> = denied
                .missing()
                .iter()
                .map(|&p| {
                    let note = r.note(p);
                    let mut notes = Vec::new();
                    if let Some(from) = note.and_then(|note| note.roadmap_from) {
                        notes.push(format!("roadmap, required from {from}"));
                    }
                    if note.is_some_and(|note| note.conditional) {
                        notes.push("held only under a condition".to_owned());
                    }
                    if let Some(last) = p.removed_after() {
                        notes.push(format!("removed from the Platform API after SDK {last}"));
                    }
                    if denied.unlisted_entities().contains(&p) {
                        notes.push(
                            "only the wildcard gives it: the builtin catalog lists no action of the entity; \
                             `audit --catalog ORG_CATALOG` reads the organization's"
                                .to_owned(),
                        );
                    }
                    let notes = if notes.is_empty() {
                        String::new()
                    } else {
                        format!("({})", notes.join("; "))
                    };
                    vec![output::key(p), output::label(p), notes]
                })
                .collect();
            output::table(&mut out, "  ", None, &rows);
        }
        for group in denied.unmet_any_of() {
            line!(out, "{} needs one of:", r.gate.name);
            let rows: Vec<Vec<String>> = group.iter().map(|&p| vec![output::key(p), output::label(p)]).collect();
            output::table(&mut out, "  ", None, &rows);
            if !r.documented && group.iter().all(|p| p.removed_after().is_some()) {
                line!(out, "  the Platform API removed every one: the group cannot be met");
            }
        }
        if let Some(why) = denied.incomplete() {
            line!(out, "{} is incomplete: {why}", r.gate.name);
        }
        removed_text(&mut out, r);
    }
    out
}

/// The required keys of a gate that the Platform API removed: not required,
/// or, when it removed every key, why the gate is refused.
fn removed_text(out: &mut String, r: &GateCheck) {
    if r.removed_from_platform.is_empty() {
        return;
    }
    line!(out);
    if r.denied.as_ref().is_some_and(permgate::Denied::feature_removed) {
        line!(
            out,
            "{} no longer exists: the Platform API removed every permission it names:",
            r.gate.name
        );
    } else {
        line!(
            out,
            "{} does not require these, removed from the Platform API:",
            r.gate.name
        );
    }
    let rows: Vec<Vec<String>> = r
        .removed_from_platform
        .iter()
        .map(|removed| {
            let p = removed.permission;
            let last = removed.last_release.map(|last| format!("(removed after SDK {last})"));
            vec![output::key(p), output::label(p), last.unwrap_or_default()]
        })
        .collect();
    output::table(out, "  ", None, &rows);
}

/// `permgate allows`: an answer for each permission asked about.
#[derive(Serialize)]
struct AllowsReport<'a> {
    file: String,
    #[serde(flatten)]
    who: WhoFields<'a>,
    /// Every permission was asked (no errors) and answered `yes`.
    all_allowed: bool,
    errors: Vec<QuestionProblem>,
    answers: Vec<Answer<'a>>,
    #[serde(skip)]
    target: &'a Target,
}

/// A permission that could not be asked about.
#[derive(Serialize)]
struct QuestionProblem {
    permission: String,
    message: String,
}

/// One answer of `allows`.
#[derive(Serialize)]
struct Answer<'p> {
    /// As given.
    permission: String,
    /// The catalog's spelling; `None` when the catalog does not know it.
    key: Option<Permission<'p>>,
    label: Option<&'p str>,
    /// The library's decision: `"decision"`, and for `allowed_if` its
    /// `"conditions"` (any one suffices).
    #[serde(flatten)]
    decision: Decision<'p>,
}

fn permission_problem(label: &str, input: &str, error: &QuestionError) -> Problem {
    Problem::in_file(label, format!("permission `{}`: {error}", Escaped(input)))
}

/// The catalog row that stands for a whole entity (`attributes:attribute:*`,
/// `Integration > amiPremiumApps > All Permissions`) that `input` names, if
/// any: gates require such rows, so `allows` and `explain` answer for them,
/// which the library's string questions refuse as wildcards (it asks about
/// them through `perm::` constants). Other wildcards stay refused.
pub(crate) fn whole_entity_row<'c>(catalog: &'c Catalog, input: &str) -> Option<Permission<'c>> {
    catalog.lookup(input).filter(|permission| permission.is_wildcard())
}

/// The user of a subject or user file, compiled.
pub(crate) struct UserPolicy {
    pub(crate) policy: Policy,
    pub(crate) user: UserId,
    /// What the file is: `subject` or `user`.
    pub(crate) kind: &'static str,
    /// The user's name, else its id.
    pub(crate) name: String,
    /// How many grants (or permissions and policies) the document holds.
    pub(crate) grants: usize,
    /// The roles of a subject's grants that carry no policies (warned
    /// about on standard error).
    pub(crate) without_policies: Vec<WithoutPolicies>,
}

/// The policy of a subject or user file's user.
pub(crate) fn user_policy(catalog: &Catalog, label: &str, document: Document) -> Result<UserPolicy, Failure> {
    let compile_error = |e: permgate::BuildError| Failure::from(Problem::in_file(label, e.to_string()));
    let mut builder = Policy::builder(catalog);
    Ok(match document {
        Document::Subject(spec) => {
            let without_policies = input::roles_without_policies(label, &spec);
            let user = builder.add_user_definition(&spec.definition()).map_err(compile_error)?;
            let name = spec.name.clone().or_else(|| spec.id.clone()).unwrap_or_default();
            UserPolicy {
                policy: builder.build(),
                user,
                kind: "subject",
                name,
                grants: spec.grants.len(),
                without_policies,
            }
        }
        Document::User(doc) => {
            // An `authorization` object alone names nobody: call the user `user`.
            let unnamed = doc.id.is_none() && doc.name.is_none();
            let user = builder
                .add_user_definition(&doc.definition(unnamed.then_some("user")))
                .map_err(compile_error)?;
            let name = doc.name.clone().or_else(|| doc.id.clone()).unwrap_or_default();
            UserPolicy {
                policy: builder.build(),
                user,
                kind: "user",
                name,
                grants: doc.permissions.len() + doc.policies.len(),
                without_policies: Vec::new(),
            }
        }
        Document::Roles(_) => {
            return Err(Problem::in_file(label, "a role file holds no user").into());
        }
        Document::Snapshot(_) => {
            return Err(Problem::in_file(label, "a snapshot folder: pick a user with --user").into());
        }
    })
}

/// The policy and the principal a file and its options name: a role of a
/// role file, or the user of a subject or user file (in a division, or in
/// every division).
pub(crate) fn target(catalog: &Catalog, who: &Who) -> Result<(Policy, Target), Failure> {
    let label = input::file_label(&who.file);
    let document = input::document(&who.file, who.kind, catalog)?;
    if who.user.is_some() && !matches!(document, Document::Snapshot(_)) {
        return Err(Problem::in_file(
            &label,
            "--user picks a user of a snapshot folder (`permgate pull --out DIR`); this is a file",
        )
        .into());
    }
    let (compiled, division) = match document {
        Document::Roles(roles) => {
            if who.division.is_some() {
                return Err(Problem::in_file(
                    &label,
                    "a role file has no divisions; --division needs a subject or a user file",
                )
                .into());
            }
            return role_target(catalog, &roles, who.role.as_deref());
        }
        Document::Snapshot(snapshot) => {
            let Some(name) = &who.user else {
                if who.role.is_none() {
                    return Err(Problem::in_file(
                        &label,
                        "a snapshot folder: pick a user with --user ID|EMAIL|NAME or a role with --role NAME",
                    )
                    .into());
                }
                let roles = crate::snapshot::roles(&label, &snapshot);
                return role_target(snapshot.catalog(), &roles, who.role.as_deref());
            };
            let user = crate::snapshot::user(&label, &snapshot, name)?;
            let division = match &who.division {
                Some(division) => Some(crate::snapshot::division(&label, &snapshot, division)?),
                None => None,
            };
            let users = crate::snapshot::file_in(&label, permgate::genesys::snapshot::USERS);
            (
                user_policy(snapshot.catalog(), &users, Document::User(user.clone()))?,
                division,
            )
        }
        document => (user_policy(catalog, &label, document)?, who.division.clone()),
    };
    let UserPolicy {
        policy,
        user,
        kind,
        name,
        grants,
        without_policies,
    } = compiled;
    if who.role.is_some() {
        return Err(Problem::in_file(
            &label,
            format!("--role picks a role of a role file; this is a {kind} file"),
        )
        .into());
    }
    let principal = match &division {
        Some(division) => policy.user_in(user, division),
        None => user.into(),
    };
    let subject = Subject {
        principal,
        kind,
        name,
        division,
        grants,
        without_policies,
    };
    Ok((policy, Target::Subject(subject)))
}

/// The role `name` of a role file (its only role when `None`), compiled.
fn role_target(catalog: &Catalog, roles: &input::Roles, name: Option<&str>) -> Result<(Policy, Target), Failure> {
    let spec = roles.select(name)?;
    let (policy, role) = input::compile(catalog, &roles.label, spec)?;
    Ok((policy, Target::Role(role, spec.name.clone())))
}

impl Target {
    /// `role `NAME`` or `subject `NAME` in division `D``, escaped.
    pub(crate) fn describe(&self) -> String {
        match self {
            Target::Role(_, name) => format!("role `{}`", Escaped(name)),
            Target::Subject(subject) => subject.describe(),
        }
    }

    /// For `--json`: the role's name, or the subject's name and division,
    /// and the roles of a subject's grants that carry no policies.
    pub(crate) fn fields(&self) -> WhoFields<'_> {
        match self {
            Target::Role(_, name) => WhoFields {
                role: Some(name),
                subject: None,
                division: None,
                roles_without_policies: &[],
            },
            Target::Subject(subject) => WhoFields {
                role: None,
                subject: Some(&subject.name),
                division: subject.division.as_deref(),
                roles_without_policies: &subject.without_policies,
            },
        }
    }

    /// For `--json`: the roles of a subject's grants that carry no policies.
    pub(crate) fn without_policies(&self) -> &[WithoutPolicies] {
        match self {
            Target::Role(..) => &[],
            Target::Subject(subject) => &subject.without_policies,
        }
    }

    pub(crate) fn principal(&self) -> Principal {
        match self {
            Target::Role(role, _) => (*role).into(),
            Target::Subject(subject) => subject.principal,
        }
    }
}

pub(crate) fn allows(args: &AllowsArgs) -> Result<Report, Failure> {
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let label = input::file_label(&args.who.file);
    let (policy, target) = target(&catalog, &args.who)?;
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for permission in &args.permissions {
        let decision = match whole_entity_row(policy.catalog(), permission) {
            Some(row) => Ok(policy.decide(target.principal(), row)),
            None => policy.decide(target.principal(), permission),
        };
        match decision {
            Ok(decision) => {
                let known = policy.catalog().lookup(permission);
                answers.push(Answer {
                    permission: permission.clone(),
                    key: known,
                    label: known.and_then(|p| p.label()),
                    decision,
                });
            }
            Err(error) => {
                // A bad permission is reported on its own; the answers for the others stand.
                input::report_problem(&permission_problem(&label, permission, &error));
                problems.push(QuestionProblem {
                    permission: permission.clone(),
                    message: error.to_string(),
                });
            }
        }
    }
    // Allowed only when every question was asked and answered `yes`: a
    // question in error was not decided.
    let all_allowed = problems.is_empty() && !answers.is_empty() && answers.iter().all(|a| a.decision.is_allowed());
    let code = match (problems.is_empty(), all_allowed) {
        (false, _) => 2,
        (true, true) => 0,
        (true, false) => 1,
    };
    let report = AllowsReport {
        file: label,
        who: target.fields(),
        all_allowed,
        errors: problems,
        answers,
        target: &target,
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code,
    })
}

impl fmt::Display for AllowsReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every question failed (reported on standard error): no table of nothing.
        if self.answers.is_empty() {
            return Ok(());
        }
        f.write_str(&allows_text(self.target, &self.answers))
    }
}
/// Who `check`, `allows`, `explain` and `endpoints` answer for.
pub(crate) enum Target {
    Role(RoleId, String),
    Subject(Subject),
}

/// The user of a subject or user file, in the division asked about.
pub(crate) struct Subject {
    principal: Principal,
    /// `subject` or `user`: what the file is.
    kind: &'static str,
    /// The name, else the id.
    name: String,
    /// `None`: every division.
    division: Option<String>,
    /// How many grants (or permissions and policies) the document holds.
    grants: usize,
    /// The roles of its grants that carry no policies.
    without_policies: Vec<WithoutPolicies>,
}

impl Subject {
    /// `subject `Ana` in division `d-east``, `user `u-1` in every division`.
    fn describe(&self) -> String {
        let who = if self.name.is_empty() {
            self.kind.to_owned()
        } else {
            format!("{} `{}`", self.kind, Escaped(&self.name))
        };
        match &self.division {
            Some(division) => format!("{who} in division `{}`", Escaped(division)),
            None => format!("{who} in every division"),
        }
    }
}

fn allows_text(target: &Target, answers: &[Answer<'_>]) -> String {
    let mut out = String::new();
    match target {
        Target::Role(_, name) => line!(out, "role `{}`", Escaped(name)),
        Target::Subject(subject) => line!(
            out,
            "{} ({})",
            subject.describe(),
            output::count(subject.grants, "grant")
        ),
    }
    line!(out);
    let mut rows = Vec::new();
    for answer in answers {
        let shown = match answer.key {
            Some(p) if p.key() != answer.permission => {
                format!("{} ({})", Escaped(&answer.permission), Escaped(p.key()))
            }
            Some(_) => output::escaped(&answer.permission),
            None => format!("{} (not in the catalog)", Escaped(&answer.permission)),
        };
        let conditions = match &answer.decision {
            Decision::AllowedIf(conditions) => conditions.as_slice(),
            _ => &[],
        };
        let first = conditions.first().map(|c| format!("if {c}")).unwrap_or_default();
        rows.push(vec![shown, word(&answer.decision).to_owned(), first]);
        for condition in conditions.iter().skip(1) {
            rows.push(vec![String::new(), String::new(), format!("or if {condition}")]);
        }
    }
    output::table(&mut out, "", Some(&["permission", "answer", "condition"]), &rows);
    out
}

/// The word for a decision: `yes`, `conditional`, `no`.
fn word(decision: &Decision<'_>) -> &'static str {
    match decision {
        Decision::Allowed => "yes",
        Decision::AllowedIf(_) => "conditional",
        Decision::Denied => "no",
    }
}

pub(crate) fn explain(args: &ExplainArgs) -> Result<Report, Failure> {
    let permission = match (&args.permission, &args.call) {
        (_, Some(call)) => return crate::endpoints::explain_call(args, call),
        (Some(permission), None) => permission,
        // clap requires one of the two.
        (None, None) => return Err(Problem::new("explain: give a PERMISSION or --call \"METHOD PATH\"").into()),
    };
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let label = input::file_label(&args.who.file);
    let (policy, target) = target(&catalog, &args.who)?;
    let who = target.principal();
    let explanation = match whole_entity_row(policy.catalog(), permission) {
        Some(row) => policy.explain(who, row),
        None => policy
            .explain(who, permission)
            .map_err(|error| permission_problem(&label, permission, &error))?,
    };
    let allowed = explanation.decision.is_allowed();
    let report = ExplainReport {
        file: label,
        principal: target.describe(),
        roles_without_policies: target.without_policies(),
        explanation: &explanation,
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: if allowed { 0 } else { 1 },
    })
}

/// `permgate explain`: a decision and every grant that gives it.
#[derive(Serialize)]
struct ExplainReport<'a> {
    file: String,
    /// `role `NAME`` or `subject `NAME` in division `D``.
    principal: String,
    roles_without_policies: &'a [WithoutPolicies],
    /// The library's explanation: `"permission"`, the decision's fields,
    /// `"reasons"` and `"elsewhere"`.
    #[serde(flatten)]
    explanation: &'a Explanation<'a>,
}

impl fmt::Display for ExplainReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.principal, self.explanation)
    }
}
