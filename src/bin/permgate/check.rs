//! `permgate check` and `permgate allows`.

use std::fmt::Write;

use std::fmt;

use permgate::{
    By, Catalog, CheckOptions, Decision, Denied, Division, Escaped, Explanation, GateInfo, Permission, Policy,
    Principal, QuestionError, Reason, Release, RoleId, UserId,
};
use serde::Serialize;

use crate::input::Document;
use crate::input::{self, Failure, Problem, WithoutPolicies};
use crate::output::{self, ConditionText, Labeled, line};
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
struct WhoFields<'a> {
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
    missing: Vec<Missing>,
    unmet_any_of: Vec<Vec<Labeled<'static>>>,
    /// Required keys the Platform API removed, which the check did not
    /// require (none with `--documented`).
    removed_from_platform: Vec<RemovedKey>,
    feature_removed: bool,
    incomplete: Option<&'static str>,
    #[serde(skip)]
    denied: Option<Denied>,
    /// Checked with `--documented`.
    #[serde(skip)]
    documented: bool,
}

/// A required permission a denied principal lacks.
#[derive(Serialize)]
struct Missing {
    #[serde(flatten)]
    permission: Labeled<'static>,
    /// A roadmap permission: required from this release.
    roadmap_from: Option<Release>,
    /// Held only under a condition.
    conditional: bool,
}

/// A required key the Platform API removed, with the last SDK release that listed it.
#[derive(Serialize)]
struct RemovedKey {
    #[serde(flatten)]
    permission: Labeled<'static>,
    last_release: Option<permgate::SdkRelease>,
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
                        permission: p.into(),
                        last_release: p.removed_after(),
                    })
                    .collect()
            };
            let denied = policy.check_info(role, gate, options).err();
            let (missing, unmet_any_of) = match &denied {
                None => (Vec::new(), Vec::new()),
                Some(denied) => (
                    denied
                        .missing()
                        .iter()
                        .map(|&p| Missing {
                            permission: p.into(),
                            roadmap_from: roadmap_from(gate, p),
                            conditional: conditional(&policy, role, p),
                        })
                        .collect(),
                    denied
                        .unmet_any_of()
                        .iter()
                        .map(|group| group.iter().map(|&p| p.into()).collect())
                        .collect(),
                ),
            };
            GateCheck {
                gate,
                document: gate.document.map(|d| d.id),
                release,
                granted: denied.is_none(),
                missing,
                unmet_any_of,
                removed_from_platform,
                feature_removed: denied.as_ref().is_some_and(Denied::feature_removed),
                incomplete: gate.incomplete,
                denied,
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
            let rows: Vec<Vec<String>> = r
                .missing
                .iter()
                .map(|missing| {
                    let p = missing.permission.key;
                    let mut notes = Vec::new();
                    if let Some(from) = missing.roadmap_from {
                        notes.push(format!("roadmap, required from {from}"));
                    }
                    if missing.conditional {
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
            let p = removed.permission.key;
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
    /// `yes`, `no` or `conditional`.
    answer: &'static str,
    /// For `conditional`: any one suffices.
    conditions: Vec<ConditionText<'p>>,
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

    /// For `--json`: the role's name, or the subject's name and division,
    /// and the roles of a subject's grants that carry no policies.
    fn fields(&self) -> WhoFields<'_> {
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
    fn without_policies(&self) -> &[WithoutPolicies] {
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
            Ok(decision) => {
                let known = policy.catalog().lookup(permission);
                let conditions = match &decision {
                    Decision::AllowedIf(conditions) => conditions.iter().map(|&c| c.into()).collect(),
                    _ => Vec::new(),
                };
                answers.push(Answer {
                    permission: permission.clone(),
                    key: known,
                    label: known.and_then(|p| p.label()),
                    answer: word(&decision),
                    conditions,
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
    let all_allowed = problems.is_empty() && !answers.is_empty() && answers.iter().all(|a| a.answer == "yes");
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
        let conditions = &answer.conditions;
        let first = conditions.first().map(|c| format!("if {}", c.node)).unwrap_or_default();
        rows.push(vec![shown, answer.answer.to_owned(), first]);
        for condition in conditions.iter().skip(1) {
            rows.push(vec![String::new(), String::new(), format!("or if {}", condition.node)]);
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
    let allowed = explanation.decision.is_allowed();
    let report = ExplainReport {
        file: label,
        principal: target.describe(),
        roles_without_policies: target.without_policies(),
        permission: explanation.permission.clone(),
        answer: word(&explanation.decision),
        reasons: explanation.reasons.iter().map(ReasonEntry::from).collect(),
        elsewhere: explanation.elsewhere.iter().map(ReasonEntry::from).collect(),
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
    /// The catalog's spelling, or as given for a key no catalog knows.
    permission: String,
    /// `yes`, `no` or `conditional`.
    answer: &'static str,
    /// Every grant in reach that gives it.
    reasons: Vec<ReasonEntry<'a>>,
    /// For a user, when the answer is not `yes`: grants in other divisions
    /// that give it (each counts only in its division).
    elsewhere: Vec<ReasonEntry<'a>>,
    #[serde(skip)]
    explanation: &'a Explanation<'a>,
}

impl fmt::Display for ExplainReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.principal, self.explanation)
    }
}

/// One grant that gives a permission.
#[derive(Serialize)]
struct ReasonEntry<'a> {
    /// The role (or the set of grants a user holds directly).
    role: &'a str,
    named_role: bool,
    /// The user's grant's division (`*`: every division).
    division: Option<&'a Division>,
    /// `permission`, `wildcard`, `every action`, `unknown key`, or `every
    /// action with other grants`.
    by: &'static str,
    /// The permission or wildcard as granted.
    grant: Option<String>,
    /// Only for `every action with other grants`: the entity's listed
    /// actions this grant holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<Vec<Permission<'a>>>,
    condition: Option<ConditionText<'a>>,
}

impl<'a> From<&'a Reason<'a>> for ReasonEntry<'a> {
    fn from(reason: &'a Reason<'a>) -> Self {
        let (by, grant, actions) = match &reason.by {
            By::Permission(p) => ("permission", Some(p.key().to_owned()), None),
            By::Wildcard(pattern) => ("wildcard", Some(pattern.clone()), None),
            By::EveryAction => ("every action", None, None),
            By::UnknownKey(key) => ("unknown key", Some((*key).to_owned()), None),
            By::EveryActionWithOthers(actions) => ("every action with other grants", None, Some(actions.clone())),
            _ => ("other", None, None),
        };
        ReasonEntry {
            role: reason.role,
            named_role: reason.named_role,
            division: reason.division,
            by,
            grant,
            actions,
            condition: reason.condition.map(ConditionText::from),
        }
    }
}
