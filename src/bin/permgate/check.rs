//! `permgate check` and `permgate allows`.

use std::fmt::Write;

use permgate::{
    By, Catalog, CheckOptions, Condition, Decision, Division, Escaped, GateInfo, Permission, Policy, Principal,
    QuestionError, RoleId, UserId,
};
use serde_json::{Value, json};

use crate::input::Document;
use crate::input::{self, Failure, Problem};
use crate::output::{self, FORMAT_VERSION, line};
use crate::{AllowsArgs, CheckArgs, ExplainArgs, Report, Who};

/// A gate by name, ignoring ASCII case.
pub(crate) fn find_gate(catalog: &Catalog, name: &str) -> Result<&'static GateInfo, Problem> {
    catalog.gate(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = catalog.gates().iter().map(|gate| gate.name).collect();
        Problem::new(format!("unknown gate `{}`; gates: {}", Escaped(name), known.join(", ")))
    })
}

/// One gate's result.
struct GateResult {
    gate: &'static GateInfo,
    denied: Option<permgate::Denied>,
    release: Option<permgate::Release>,
    /// Required keys the Platform API removed, which the check did not
    /// require (none with `--documented`).
    not_required: Vec<Permission<'static>>,
    /// Checked with `--documented`.
    documented: bool,
}

pub(crate) fn check(args: &CheckArgs) -> Result<Report, Failure> {
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let mut gates: Vec<&'static GateInfo> = Vec::new();
    let mut unknown = Vec::new();
    for name in &args.gates {
        match catalog.gate(name.trim()) {
            Some(gate) if !gates.iter().any(|g| std::ptr::eq(*g, gate)) => gates.push(gate),
            Some(_) => {}
            None => unknown.push(format!("`{}`", Escaped(name))),
        }
    }
    if !unknown.is_empty() {
        let known: Vec<&str> = catalog.gates().iter().map(|gate| gate.name).collect();
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
    let results: Vec<GateResult> = gates
        .into_iter()
        .map(|gate| {
            let release = args.release.or(gate.release);
            let options = CheckOptions::at(release);
            let options = if args.documented { options.documented() } else { options };
            let not_required = if args.documented {
                Vec::new()
            } else {
                gate.removed_from_platform().collect()
            };
            GateResult {
                gate,
                denied: policy.check_info(role, gate, options).err(),
                release,
                not_required,
                documented: args.documented,
            }
        })
        .collect();
    let granted = !results.is_empty() && results.iter().all(|r| r.denied.is_none());
    let stdout = if args.common.json {
        let (name, subject, division) = target.names();
        output::json_document(&json!({
            "format_version": FORMAT_VERSION,
            "file": label,
            "role": name,
            "subject": subject,
            "division": division,
            "roles_without_policies": target.without_policies(),
            "granted": granted,
            "gates": results.iter().map(|r| gate_json(&policy, role, r)).collect::<Vec<_>>(),
        }))?
    } else {
        check_text(&policy, role, &target.describe(), &results)
    };
    Ok(Report {
        stdout,
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

fn gate_json(policy: &Policy, role: Principal, result: &GateResult) -> Value {
    let (missing, unmet): (Vec<Value>, Vec<Value>) = match &result.denied {
        None => (Vec::new(), Vec::new()),
        Some(denied) => (
            denied
                .missing()
                .iter()
                .map(|&p| {
                    json!({
                        "key": p.key(),
                        "label": p.label(),
                        "roadmap_from": output::release_json(roadmap_from(result.gate, p)),
                        "conditional": conditional(policy, role, p),
                    })
                })
                .collect(),
            denied
                .unmet_any_of()
                .iter()
                .map(|group| Value::Array(group.iter().map(|&p| output::permission_json(p)).collect()))
                .collect(),
        ),
    };
    json!({
        "gate": result.gate.name,
        "document": result.gate.document.map(|d| d.id),
        "release": output::release_json(result.release),
        "granted": result.denied.is_none(),
        "missing": missing,
        "unmet_any_of": unmet,
        "removed_from_platform": result.not_required.iter().map(|&p| json!({
            "key": p.key(),
            "label": p.label(),
            "last_release": p.removed_after().map(|last| last.to_string()),
        })).collect::<Vec<_>>(),
        "feature_removed": result.denied.as_ref().is_some_and(permgate::Denied::feature_removed),
        "incomplete": result.gate.incomplete,
    })
}

fn check_text(policy: &Policy, role: Principal, who: &str, results: &[GateResult]) -> String {
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
                    let mut notes = Vec::new();
                    if let Some(from) = roadmap_from(r.gate, p) {
                        notes.push(format!("roadmap, required from {from}"));
                    }
                    if conditional(policy, role, p) {
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
fn removed_text(out: &mut String, r: &GateResult) {
    if r.not_required.is_empty() {
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
        .not_required
        .iter()
        .map(|&p| {
            let last = p.removed_after().map(|last| format!("(removed after SDK {last})"));
            vec![output::key(p), output::label(p), last.unwrap_or_default()]
        })
        .collect();
    output::table(out, "  ", None, &rows);
}

/// One answer of `allows`.
struct Answer<'p> {
    input: String,
    known: Option<Permission<'p>>,
    decision: Decision<'p>,
}

impl Answer<'_> {
    fn word(&self) -> &'static str {
        word(&self.decision)
    }

    fn conditions(&self) -> &[&Condition] {
        match &self.decision {
            Decision::AllowedIf(conditions) => conditions,
            _ => &[],
        }
    }
}

fn permission_problem(label: &str, input: &str, error: &QuestionError) -> Problem {
    Problem::in_file(label, format!("permission `{}`: {error}", Escaped(input)))
}

/// The catalog row that stands for a whole entity (`attributes:attribute:*`,
/// `Integration > amiPremiumApps > All Permissions`) that `input` names, if
/// any: gates require such rows, so `allows` and `explain` answer for them,
/// which the library's string questions refuse as wildcards (it asks about
/// them through `perm::` constants). Other wildcards stay refused.
fn whole_entity_row<'c>(catalog: &'c Catalog, input: &str) -> Option<Permission<'c>> {
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
    /// The roles of a subject's grants that carry no policies, as JSON
    /// (warned about on standard error).
    pub(crate) without_policies: Vec<Value>,
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
    })
}

/// The policy and the principal a file and its options name: a role of a
/// role file, or the user of a subject or user file (in a division, or in
/// every division).
fn target(catalog: &Catalog, who: &Who) -> Result<(Policy, Target), Failure> {
    let label = input::file_label(&who.file);
    let UserPolicy {
        policy,
        user,
        kind,
        name,
        grants,
        without_policies,
    } = match input::document(&who.file, who.kind)? {
        Document::Roles(roles) => {
            if who.division.is_some() {
                return Err(Problem::in_file(
                    &label,
                    "a role file has no divisions; --division needs a subject or a user file",
                )
                .into());
            }
            let spec = roles.select(who.role.as_deref())?;
            let (policy, role) = input::compile(catalog, &roles.label, spec)?;
            return Ok((policy, Target::Role(role, spec.name.clone())));
        }
        document => user_policy(catalog, &label, document)?,
    };
    if who.role.is_some() {
        return Err(Problem::in_file(
            &label,
            format!("--role picks a role of a role file; this is a {kind} file"),
        )
        .into());
    }
    let principal = match &who.division {
        Some(division) => policy.user_in(user, division),
        None => user.into(),
    };
    let subject = Subject {
        principal,
        kind,
        name,
        division: who.division.clone(),
        grants,
        without_policies,
    };
    Ok((policy, Target::Subject(subject)))
}

impl Target {
    /// `role `NAME`` or `subject `NAME` in division `D``, escaped.
    fn describe(&self) -> String {
        match self {
            Target::Role(_, name) => format!("role `{}`", Escaped(name)),
            Target::Subject(subject) => subject.describe(),
        }
    }

    /// For `--json`: the role's name, or the subject's name and division.
    fn names(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        match self {
            Target::Role(_, name) => (Some(name), None, None),
            Target::Subject(subject) => (None, Some(&subject.name), subject.division.as_deref()),
        }
    }

    /// For `--json`: the roles of a subject's grants that carry no policies.
    fn without_policies(&self) -> &[Value] {
        match self {
            Target::Role(..) => &[],
            Target::Subject(subject) => &subject.without_policies,
        }
    }

    fn principal(&self) -> Principal {
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
            Ok(decision) => answers.push(Answer {
                input: permission.clone(),
                known: policy.catalog().lookup(permission),
                decision,
            }),
            Err(error) => problems.push((permission, permission_problem(&label, permission, &error), error)),
        }
    }
    // A bad permission is reported on its own; the answers for the others stand.
    for (_, problem, _) in &problems {
        input::report_problem(problem);
    }
    // Allowed only when every question was asked and answered `yes`: a
    // question in error was not decided.
    let all_allowed = problems.is_empty() && !answers.is_empty() && answers.iter().all(|a| a.decision.is_allowed());
    let stdout = if args.common.json {
        let (role, subject, division) = target.names();
        output::json_document(&json!({
            "format_version": FORMAT_VERSION,
            "file": label,
            "role": role,
            "subject": subject,
            "division": division,
            "roles_without_policies": target.without_policies(),
            "all_allowed": all_allowed,
            "errors": problems.iter().map(|(permission, _, error)| json!({
                "permission": permission,
                "message": error.to_string(),
            })).collect::<Vec<_>>(),
            "answers": answers.iter().map(|a| json!({
                "permission": a.input,
                "key": a.known.map(|p| p.key()),
                "label": a.known.and_then(|p| p.label()),
                "answer": a.word(),
                "conditions": a.conditions().iter().map(|c| output::condition_json(c)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))?
    } else if answers.is_empty() {
        // Every question failed (reported above): no table of nothing.
        String::new()
    } else {
        allows_text(&target, &answers)
    };
    let code = match (problems.is_empty(), all_allowed) {
        (false, _) => 2,
        (true, true) => 0,
        (true, false) => 1,
    };
    Ok(Report { stdout, code })
}

/// Who `allows` answers for.
enum Target {
    Role(RoleId, String),
    Subject(Subject),
}

/// The user of a subject or user file, in the division asked about.
struct Subject {
    principal: Principal,
    /// `subject` or `user`: what the file is.
    kind: &'static str,
    /// The name, else the id.
    name: String,
    /// `None`: every division.
    division: Option<String>,
    /// How many grants (or permissions and policies) the document holds.
    grants: usize,
    /// The roles of its grants that carry no policies, as JSON.
    without_policies: Vec<Value>,
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
        let shown = match answer.known {
            Some(p) if p.key() != answer.input => format!("{} ({})", Escaped(&answer.input), Escaped(p.key())),
            Some(_) => output::escaped(&answer.input),
            None => format!("{} (not in the catalog)", Escaped(&answer.input)),
        };
        let conditions = answer.conditions();
        let first = conditions.first().map(|c| format!("if {c}")).unwrap_or_default();
        rows.push(vec![shown, answer.word().to_owned(), first]);
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
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let label = input::file_label(&args.who.file);
    let (policy, target) = target(&catalog, &args.who)?;
    let who = target.principal();
    let explanation = match whole_entity_row(policy.catalog(), &args.permission) {
        Some(row) => policy.explain(who, row),
        None => policy
            .explain(who, &args.permission)
            .map_err(|error| permission_problem(&label, &args.permission, &error))?,
    };
    let principal = target.describe();
    let stdout = if args.common.json {
        let reasons = |reasons: &[permgate::Reason<'_>]| -> Vec<Value> {
            reasons
                .iter()
                .map(|reason| {
                    let (by, grant) = match &reason.by {
                        By::Permission(p) => ("permission", Some(p.key().to_owned())),
                        By::Wildcard(pattern) => ("wildcard", Some(pattern.clone())),
                        By::EveryAction => ("every action", None),
                        By::UnknownKey(key) => ("unknown key", Some((*key).to_owned())),
                        By::EveryActionWithOthers(_) => ("every action with other grants", None),
                        _ => ("other", None),
                    };
                    let mut object = json!({
                        "role": reason.role,
                        "named_role": reason.named_role,
                        "division": reason.division.map(Division::id),
                        "by": by,
                        "grant": grant,
                        "condition": reason.condition.map(output::condition_json),
                    });
                    if let (By::EveryActionWithOthers(actions), Some(fields)) = (&reason.by, object.as_object_mut()) {
                        let keys = actions.iter().map(|p| Value::from(p.key())).collect();
                        fields.insert("actions".to_owned(), Value::Array(keys));
                    }
                    object
                })
                .collect()
        };
        output::json_document(&json!({
            "format_version": FORMAT_VERSION,
            "file": label,
            "principal": principal,
            "roles_without_policies": target.without_policies(),
            "permission": explanation.permission,
            "answer": word(&explanation.decision),
            "reasons": reasons(&explanation.reasons),
            "elsewhere": reasons(&explanation.elsewhere),
        }))?
    } else {
        let mut out = String::new();
        line!(out, "{principal}: {explanation}");
        out
    };
    Ok(Report {
        stdout,
        code: if explanation.decision.is_allowed() { 0 } else { 1 },
    })
}
