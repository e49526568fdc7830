//! `permgate endpoints` and `permgate explain --call`: the Platform API
//! operations a role or user may call, and one call explained.

use std::fmt::{self, Write};

use permgate::call::{self, CallDecision};
use permgate::condition::Condition;
use permgate::genesys::call_forbidden_body;
use permgate::operation::{Method, Operation, Requirement};
use permgate::text::Escaped;
use permgate::{Decision, Permission, Policy, Principal};
use serde::Serialize;
use serde_json::Value;

use crate::check::{WhoFields, target};
use crate::input::{self, Failure, Problem, WithoutPolicies};
use crate::output::{self, line};
use crate::{Answer, EndpointsArgs, ExplainArgs, Report};

impl Answer {
    /// As `--only` and the counts name it.
    fn as_str(self) -> &'static str {
        match self {
            Answer::Allowed => "allowed",
            Answer::AllowedIf => "allowed_if",
            Answer::Denied => "denied",
            Answer::Unverifiable => "unverifiable",
        }
    }
}

/// One operation and what the principal may do with it, as `endpoints`
/// lists it and `explain --call` answers it.
#[derive(Serialize)]
struct OperationAnswer<'p> {
    #[serde(serialize_with = "method_text")]
    method: Method,
    /// The path template.
    path: &'static str,
    /// The SDKs' operation name.
    operation: &'static str,
    apis: &'static [&'static str],
    deprecated: bool,
    /// `all`, `any`, `nothing` or `unverifiable`.
    requirement: &'static str,
    /// The permissions the requirement names.
    permissions: Vec<Permission<'static>>,
    /// The entries that are not permissions.
    unchecked: &'static [&'static str],
    /// The library's decision: `allowed`, `allowed_if` or `denied`.
    decision: &'static str,
    /// Denied because only unchecked entries would allow it.
    unverifiable: bool,
    /// For `allowed_if`: any one suffices.
    conditions: Vec<&'p Condition>,
    /// ALL, denied: the permissions lacking.
    missing: Vec<Permission<'static>>,
    /// ANY, denied: the group, none of which is held.
    missing_any: Vec<Permission<'static>>,
    /// How `endpoints` sorts it.
    #[serde(skip)]
    answer: Answer,
}

fn method_text<S: serde::Serializer>(method: &Method, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(method.as_str())
}

/// `all`, `any`, `nothing`, `unverifiable`.
fn requirement_word(requirement: Requirement) -> &'static str {
    match requirement {
        Requirement::Nothing => "nothing",
        Requirement::All(_) => "all",
        Requirement::Any(_) => "any",
        // `Unverifiable`, and whatever the library adds: never allowed here.
        _ => "unverifiable",
    }
}

/// `operation` and the library's decision on it, as the reports write them.
fn describe<'p>(operation: &'static Operation, decision: &CallDecision<'p>) -> OperationAnswer<'p> {
    let unverifiable = matches!(operation.requirement, Requirement::Unverifiable);
    let (answer, conditions, missing, missing_any) = match decision {
        CallDecision::Allowed => (Answer::Allowed, Vec::new(), Vec::new(), Vec::new()),
        CallDecision::AllowedIf(conditions) => (Answer::AllowedIf, conditions.clone(), Vec::new(), Vec::new()),
        CallDecision::Denied(denied) => {
            let gate = denied.gate_denial();
            let missing = gate.map(|d| d.missing().to_vec()).unwrap_or_default();
            let missing_any = gate
                .map(|d| {
                    d.unmet_any_of()
                        .iter()
                        .flat_map(|group| group.iter().copied())
                        .collect()
                })
                .unwrap_or_default();
            let answer = if unverifiable {
                Answer::Unverifiable
            } else {
                Answer::Denied
            };
            (answer, Vec::new(), missing, missing_any)
        }
        // A decision this CLI does not know: denied (deny by default).
        _ => (Answer::Denied, Vec::new(), Vec::new(), Vec::new()),
    };
    OperationAnswer {
        method: operation.method,
        path: operation.path,
        operation: operation.name,
        apis: operation.apis,
        deprecated: operation.deprecated,
        requirement: requirement_word(operation.requirement),
        permissions: operation.requirement.permissions().to_vec(),
        unchecked: operation.unchecked,
        decision: match answer {
            Answer::Allowed => "allowed",
            Answer::AllowedIf => "allowed_if",
            Answer::Denied | Answer::Unverifiable => "denied",
        },
        unverifiable: answer == Answer::Unverifiable,
        conditions,
        missing,
        missing_any,
        answer,
    }
}

/// The widest a column of operations is padded to (method, path, operation):
/// most paths are under 80 characters and most names under 48; a longer one
/// runs over on its own line.
const COLUMN_CAPS: [usize; 3] = [7, 80, 48];

/// The most keys a row of the table names (`--json` and `explain --call`
/// list every one): some operations accept any of 77 permissions.
const MAX_KEYS: usize = 6;

/// How many operations got each answer.
#[derive(Serialize, Default)]
struct Counts {
    operations: usize,
    allowed: usize,
    no_permission_needed: usize,
    allowed_if: usize,
    denied: usize,
    unverifiable: usize,
}

/// `permgate endpoints`: every operation in scope and its answer.
#[derive(Serialize)]
struct EndpointsReport<'a> {
    file: String,
    #[serde(flatten)]
    who: WhoFields<'a>,
    path_prefix: Option<&'a str>,
    methods: Vec<&'static str>,
    only: Vec<&'static str>,
    counts: Counts,
    operations: Vec<OperationAnswer<'a>>,
    /// `role `NAME`` or `subject `NAME` in division `D``, escaped.
    #[serde(skip)]
    shown: String,
    /// The answers listed (`--only`; empty: every one).
    #[serde(skip)]
    listed: Vec<Answer>,
}

pub(crate) fn endpoints(args: &EndpointsArgs) -> Result<Report, Failure> {
    let path_prefix = args.path_prefix.as_deref();
    let in_scope = |op: &&'static Operation| {
        path_prefix.is_none_or(|prefix| op.path.starts_with(prefix))
            && (args.methods.is_empty() || args.methods.contains(&op.method))
    };
    let scope: Vec<&'static Operation> = permgate::builtins::operations().filter(in_scope).collect();
    if scope.is_empty() {
        return Err(no_operation_in_scope(args).into());
    }
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let label = input::file_label(&args.who.file);
    let (policy, target) = target(&catalog, &args.who)?;
    let who = target.principal();
    let answers: Vec<OperationAnswer<'_>> = scope
        .iter()
        .map(|op| describe(op, &policy.decide_operation(who, op)))
        .collect();
    let mut counts = Counts {
        operations: answers.len(),
        ..Counts::default()
    };
    for answer in &answers {
        match answer.answer {
            Answer::Allowed => counts.allowed += 1,
            Answer::AllowedIf => counts.allowed_if += 1,
            Answer::Denied => counts.denied += 1,
            Answer::Unverifiable => counts.unverifiable += 1,
        }
        if answer.answer == Answer::Allowed && answer.requirement == "nothing" {
            counts.no_permission_needed += 1;
        }
    }
    let mut listed: Vec<Answer> = Vec::new();
    for answer in &args.only {
        if !listed.contains(answer) {
            listed.push(*answer);
        }
    }
    let operations: Vec<OperationAnswer<'_>> = answers
        .into_iter()
        .filter(|a| listed.is_empty() || listed.contains(&a.answer))
        .collect();
    let mut methods: Vec<&'static str> = Vec::new();
    for method in &args.methods {
        if !methods.contains(&method.as_str()) {
            methods.push(method.as_str());
        }
    }
    let report = EndpointsReport {
        file: label,
        who: target.fields(),
        path_prefix,
        methods,
        only: listed.iter().map(|a| a.as_str()).collect(),
        counts,
        operations,
        shown: target.describe(),
        listed,
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code: 0,
    })
}

/// The filters keep no operation: a typo, most likely.
fn no_operation_in_scope(args: &EndpointsArgs) -> Problem {
    let mut filters = Vec::new();
    if let Some(prefix) = &args.path_prefix {
        filters.push(format!("whose path starts with `{}`", Escaped(prefix)));
    }
    if !args.methods.is_empty() {
        let methods: Vec<&str> = args.methods.iter().map(|m| m.as_str()).collect();
        filters.push(format!("of method {}", methods.join(", ")));
    }
    let mut message = format!("--path-prefix, --method: no operation {}", filters.join(" and "));
    if args.path_prefix.as_deref().is_some_and(|p| !p.starts_with("/api/")) {
        message.push_str("; paths start with `/api/v2/` (`/api/v2/routing/queues`)");
    } else if args.path_prefix.is_some() {
        message.push_str(
            "; the prefix is matched against path templates (`/api/v2/routing/queues/{queueId}`): \
             to answer one concrete call, use `permgate explain FILE --call \"METHOD PATH\"`",
        );
    }
    Problem::new(message)
}

impl fmt::Display for EndpointsReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&endpoints_text(self))
    }
}

fn endpoints_text(report: &EndpointsReport<'_>) -> String {
    let mut out = String::new();
    let counts = &report.counts;
    line!(
        out,
        "{}: {} callable, {} conditional, {} not callable, {} unverifiable, of {}",
        report.shown,
        counts.allowed,
        counts.allowed_if,
        counts.denied,
        counts.unverifiable,
        output::count(counts.operations, "operation")
    );
    let mut scope = Vec::new();
    if let Some(prefix) = report.path_prefix {
        scope.push(format!("path starts with `{}`", Escaped(prefix)));
    }
    if !report.methods.is_empty() {
        scope.push(format!("method {}", report.methods.join(", ")));
    }
    if !report.only.is_empty() {
        scope.push(format!("listed: {}", report.only.join(", ")));
    }
    if !scope.is_empty() {
        line!(out, "({})", scope.join("; "));
    }
    let shown = |answer: Answer| report.listed.is_empty() || report.listed.contains(&answer);
    let main: Vec<Vec<String>> = report
        .operations
        .iter()
        .filter(|a| matches!(a.answer, Answer::Allowed | Answer::Denied))
        .map(|a| {
            let (word, note) = match a.answer {
                Answer::Allowed if a.requirement == "nothing" => ("yes", "(needs no permission)".to_owned()),
                Answer::Allowed => ("yes", String::new()),
                _ => ("no", missing_text(a)),
            };
            vec![
                a.method.as_str().to_owned(),
                a.path.to_owned(),
                a.operation.to_owned(),
                word.to_owned(),
                note,
            ]
        })
        .collect();
    if !main.is_empty() {
        line!(out);
        output::table_capped(
            &mut out,
            "",
            Some(&["method", "path", "operation", "answer", "missing"]),
            &main,
            &COLUMN_CAPS,
        );
    }
    let conditional: Vec<&OperationAnswer<'_>> = report
        .operations
        .iter()
        .filter(|a| a.answer == Answer::AllowedIf)
        .collect();
    if !conditional.is_empty() {
        line!(out);
        line!(out, "conditional: callable only where one of the conditions holds:");
        let mut rows = Vec::new();
        for a in conditional {
            for (n, condition) in a.conditions.iter().enumerate() {
                let (method, path, name, word) = if n == 0 {
                    (a.method.as_str(), a.path, a.operation, "if")
                } else {
                    ("", "", "", "or if")
                };
                rows.push(vec![
                    method.to_owned(),
                    path.to_owned(),
                    name.to_owned(),
                    format!("{word} {condition}"),
                ]);
            }
        }
        output::table_capped(&mut out, "  ", None, &rows, &COLUMN_CAPS);
    }
    let unverifiable: Vec<Vec<String>> = report
        .operations
        .iter()
        .filter(|a| a.answer == Answer::Unverifiable)
        .map(|a| {
            vec![
                a.method.as_str().to_owned(),
                a.path.to_owned(),
                a.operation.to_owned(),
                format!("requires {}", a.unchecked.join(", ")),
            ]
        })
        .collect();
    if !unverifiable.is_empty() {
        line!(out);
        line!(
            out,
            "unverifiable: they require only what permgate cannot check, so never callable here:"
        );
        output::table_capped(&mut out, "  ", None, &unverifiable, &COLUMN_CAPS);
    }
    if report.operations.is_empty() {
        line!(out);
        line!(out, "no operation has the answers listed");
    }
    line!(out);
    line!(out, "counts:");
    let mut rows = vec![
        vec![
            "callable".to_owned(),
            counts.allowed.to_string(),
            match counts.no_permission_needed {
                0 => String::new(),
                1 => "(1 of them needs no permission)".to_owned(),
                n => format!("({n} of them need no permission)"),
            },
        ],
        vec!["conditional".to_owned(), counts.allowed_if.to_string()],
        vec!["not callable".to_owned(), counts.denied.to_string()],
        vec!["unverifiable".to_owned(), counts.unverifiable.to_string()],
        vec!["operations".to_owned(), counts.operations.to_string()],
    ];
    // Right-align the numbers.
    let width = rows
        .iter()
        .filter_map(|row| row.get(1))
        .map(String::len)
        .max()
        .unwrap_or(0);
    for row in &mut rows {
        if let Some(number) = row.get_mut(1) {
            *number = format!("{number:>width$}");
        }
    }
    output::table(&mut out, "  ", None, &rows);
    if !shown(Answer::Allowed) || !shown(Answer::Denied) {
        // The counts cover what --only did not list: say so.
        line!(out, "  (the counts cover every operation in scope, listed or not)");
    }
    out
}

/// What a denied operation lacks: the missing permissions of an ALL
/// requirement, `one of: …` for an ANY one, and the entries permgate cannot
/// check beside them.
fn missing_text(a: &OperationAnswer<'_>) -> String {
    let keys = |ps: &[Permission<'static>]| {
        let mut shown: Vec<String> = ps.iter().take(MAX_KEYS).map(|&p| output::key(p)).collect();
        if ps.len() > MAX_KEYS {
            shown.push(format!("and {} more", ps.len() - MAX_KEYS));
        }
        shown.join(", ")
    };
    let mut parts = Vec::new();
    if !a.missing.is_empty() {
        parts.push(keys(&a.missing));
    }
    if !a.missing_any.is_empty() {
        let of = if a.missing_any.len() > MAX_KEYS {
            format!("one of {}", a.missing_any.len())
        } else {
            "one of".to_owned()
        };
        parts.push(format!("{of}: {}", keys(&a.missing_any)));
    }
    if !a.unchecked.is_empty() {
        parts.push(format!("({} not checked)", a.unchecked.join(", ")));
    }
    parts.join(" ")
}

/// A call line: `METHOD PATH`, the query string set apart.
#[derive(Serialize)]
struct CallLine {
    #[serde(serialize_with = "method_text")]
    method: Method,
    /// The concrete path, without query string or fragment.
    path: String,
    /// The query string the line had, without `?`.
    query_ignored: Option<String>,
}

impl CallLine {
    /// Reads `POST /api/v2/routing/queues/abc/members`; a full URL is read
    /// as its path, a query string set apart, a fragment dropped.
    fn parse(text: &str) -> Result<Self, Problem> {
        let usage = || {
            Problem::new(format!(
                "--call `{}`: expected `METHOD PATH`, as in `POST /api/v2/routing/queues/abc/members`",
                Escaped(text)
            ))
        };
        let mut words = text.split_whitespace();
        let (Some(method), Some(target), None) = (words.next(), words.next(), words.next()) else {
            return Err(usage());
        };
        let method = Method::parse(method).ok_or_else(|| {
            Problem::new(format!(
                "--call `{}`: `{}` is not a method of the Platform API: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
                Escaped(text),
                Escaped(method)
            ))
        })?;
        // `https://api.mypurecloud.com/api/v2/users`: the path.
        let target = match target.split_once("://") {
            Some((_, rest)) => rest.find('/').and_then(|at| rest.get(at..)).unwrap_or("/"),
            None => target,
        };
        let target = target.split_once('#').map_or(target, |(before, _)| before);
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (target, None),
        };
        if !path.starts_with('/') {
            return Err(usage());
        }
        Ok(CallLine {
            method,
            path: path.to_owned(),
            query_ignored: query,
        })
    }
}

/// `permgate explain --call`: one call answered.
#[derive(Serialize)]
struct CallReport<'a> {
    file: String,
    /// `role `NAME`` or `subject `NAME` in division `D``.
    principal: String,
    roles_without_policies: &'a [WithoutPolicies],
    call: CallLine,
    #[serde(flatten)]
    answer: OperationAnswer<'a>,
    /// For a denial, the 403 body Genesys Cloud returns.
    forbidden_body: Option<Value>,
    /// Each permission the requirement names, with what the principal holds of it.
    #[serde(skip)]
    held: Vec<(Permission<'static>, &'static str)>,
}

pub(crate) fn explain_call(args: &ExplainArgs, text: &str) -> Result<Report, Failure> {
    let call = CallLine::parse(text)?;
    let operation = call::find(call.method, &call.path).map_err(|error| match error {
        // A request target is visible ASCII (RFC 9112): the library refuses the rest.
        call::CallError::InvalidPath { .. } => Problem::new(format!(
            "--call: `{}` is not a request path: only visible ASCII, the rest percent-encoded",
            Escaped(&call.path)
        )),
        _ => no_operation(&call),
    })?;
    let catalog = input::catalog(args.common.org_catalog.as_deref())?;
    let label = input::file_label(&args.who.file);
    let (policy, target) = target(&catalog, &args.who)?;
    let who = target.principal();
    let decision = policy.decide_operation(who, operation);
    let forbidden_body = match &decision {
        CallDecision::Denied(denied) => Some(call_forbidden_body(denied, None)),
        _ => None,
    };
    let answer = describe(operation, &decision);
    let held = answer
        .permissions
        .iter()
        .map(|&p| (p, held_word(&policy, who, p)))
        .collect();
    let code = if answer.answer == Answer::Allowed { 0 } else { 1 };
    let report = CallReport {
        file: label,
        principal: target.describe(),
        roles_without_policies: target.without_policies(),
        call,
        answer,
        forbidden_body,
        held,
    };
    Ok(Report {
        stdout: output::render(&report, args.common.json)?,
        code,
    })
}

/// `held`, `held under a condition`, `missing`.
fn held_word(policy: &Policy, who: Principal, permission: Permission<'_>) -> &'static str {
    match policy.decide(who, permission) {
        Decision::Allowed => "held",
        Decision::AllowedIf(_) => "held under a condition",
        _ => "missing",
    }
}

/// No operation matches the call: say so, and which methods the path has.
fn no_operation(call: &CallLine) -> Problem {
    let others: Vec<&str> = Method::ALL
        .into_iter()
        .filter(|m| call::find(*m, &call.path).is_ok())
        .map(Method::as_str)
        .collect();
    let hint = if others.is_empty() {
        " (operations' paths look like `/api/v2/routing/queues/{queueId}/members`, each `{…}` one segment)".to_owned()
    } else {
        format!("; the path is an operation's for {}", others.join(", "))
    };
    Problem::new(format!(
        "--call: no Platform API operation matches `{} {}`{hint}",
        call.method,
        Escaped(&call.path)
    ))
}

impl fmt::Display for CallReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&call_text(self))
    }
}

fn call_text(report: &CallReport<'_>) -> String {
    let mut out = String::new();
    let a = &report.answer;
    let verdict = match a.answer {
        Answer::Allowed => "allowed",
        Answer::AllowedIf => "allowed only where a condition holds",
        Answer::Denied => "denied",
        Answer::Unverifiable => "denied (permgate cannot check what it requires)",
    };
    line!(
        out,
        "{}: {} {}: {verdict}",
        report.principal,
        report.call.method,
        Escaped(&report.call.path)
    );
    if let Some(query) = &report.call.query_ignored {
        line!(
            out,
            "(query string `?{}` ignored: the operation is chosen by method and path)",
            Escaped(query)
        );
    }
    line!(out);
    let mut about = vec![
        vec![
            "operation".to_owned(),
            format!(
                "{} ({}){}",
                a.operation,
                a.apis.join(", "),
                if a.deprecated { ", deprecated" } else { "" }
            ),
        ],
        vec!["template".to_owned(), format!("{} {}", a.method, a.path)],
    ];
    let requires = match a.requirement {
        "nothing" => "no permission".to_owned(),
        "all" | "any" if a.permissions.len() == 1 => "1 permission".to_owned(),
        "all" => format!("all of {}", output::count(a.permissions.len(), "permission")),
        "any" => format!("any one of {}", output::count(a.permissions.len(), "permission")),
        _ => format!("only what permgate cannot check: {}", a.unchecked.join(", ")),
    };
    about.push(vec!["requires".to_owned(), requires]);
    output::table(&mut out, "", None, &about);
    if !report.held.is_empty() {
        let rows: Vec<Vec<String>> = report
            .held
            .iter()
            .map(|&(p, held)| vec![output::key(p), output::label(p), held.to_owned()])
            .collect();
        output::table(&mut out, "  ", None, &rows);
    }
    if !a.unchecked.is_empty() && a.requirement != "unverifiable" {
        line!(
            out,
            "  or {}: not checked by permgate, never allows the call here",
            a.unchecked.join(", ")
        );
    }
    if !a.conditions.is_empty() {
        line!(out);
        line!(out, "callable only where one of these holds:");
        for condition in &a.conditions {
            line!(out, "  if {condition}");
        }
    }
    if let Some(body) = &report.forbidden_body {
        line!(out);
        line!(out, "the 403 body Genesys Cloud returns for it:");
        match serde_json::to_string_pretty(body) {
            Ok(text) => line!(out, "{text}"),
            Err(error) => line!(out, "(cannot write it: {error})"),
        }
    }
    out
}
