//! Differential tests: organization catalogs, role JSON, subjects and users against a small
//! reference model.
//!
//! `tests/reference_model.rs` checks the builtin catalog and string grants. This file goes further,
//! through the Genesys Cloud JSON path: it generates random organization catalogs
//! (`GET /api/v2/authorization/permissions`, mixed case, keys that differ only by case, labels,
//! `divisionAware` and `allowsConditions` flags, one page or several), random role JSON (exact grants in
//! random case, `*` entity and action wildcards, unknown keys, conditional policies, legacy
//! `permissions[]`), random subjects (role grants in divisions and in `*`) and random users: built
//! in code (`add_user`: several roles, conditional ones among them, each in a division or in
//! `Division::All`, the same role in two divisions) and read from users/me JSON
//! (`add_user_authorization`: `permissions` with three and four segments, `*` divisions, `*`
//! entities and actions, legacy flat names; `permissionPolicies` with and without conditions;
//! `roles` that grant nothing; the whole user or its `authorization` alone). It checks every
//! answer of the compiled policy against a model written here over plain lowercase strings:
//!
//! - catalog: lowercase `(domain, entity, action)` → first spelling, flags, label;
//! - role: a list of `(grant triple, optional condition id)`;
//! - subject: a list of `(role, division or "*")`;
//! - user: a list of `(grant triple, optional condition id, division or "*")`, flattened over its
//!   roles or read from its users/me strings by the reader's documented rules (three segments and
//!   every policy in `*`, a fourth segment as the division), and the divisions it names.
//!
//! The model compares segments: equal ignoring ASCII case, or `*` in the grant. Conditional grants
//! do not count for `allows`; `decide` collects their condition ids. Division rule (README,
//! "Users and divisions"): in division D a division-aware permission (the default where no catalog
//! says, and any key no catalog knows) needs a grant in D or in `*`; one that is not needs any
//! grant. Asked without a division, a user is answered for every division at once (a
//! division-aware permission needs a `*` grant). A user's `decide` lists the conditions of every
//! conditional grant in reach, each once; `divisions_permitted` is `Everywhere` when allowed without
//! a division, else the sorted named divisions where allowed. Each user is asked every catalog
//! permission typed and every string question (key in another case, label, extra keys) in every
//! division at once, in each of `d1`, `d2`, `d3`, `*` and `d4` (never named), and for
//! `divisions_permitted`. The model reads the catalog's data but never asks the library for a
//! decision.
//!
//! The default run is short: 64 cases per property (6 properties; about 5 s in debug on a 2-core
//! x86_64 machine). `PROPTEST_CASES` sets the cases per property (`PERMGATE_PROPTEST_CASES`, if
//! set, wins). The long run, at least 10,000 cases per property:
//!
//! ```text
//! PROPTEST_CASES=10000 cargo test --release --all-features --test differential
//! ```
//!
//! (50,000 generated cases in all, 10,000 per property, besides the saved regressions: passed in
//! about 68 s of test time on a 2-core x86_64 machine shared with other builds, after about 40 s of
//! release compilation.)
//!
//! proptest saves failing cases to `tests/differential.proptest-regressions` and replays them first
//! on every later run: keep that file. (Its warning that it found no `lib.rs` or `main.rs` beside
//! the test is harmless: it falls back to that file.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};

use permgate::genesys::{RoleFile, SubjectSpec, UserAuthorization};
use permgate::{
    Catalog, Decision, Division, Permission, Policy, PolicyBuilder, Principal, RoleDefinition, RoleId, UserDefinition,
    UserId,
    explain::Permitted,
    parse::{MAX_PERMISSION_LEN, QuestionError},
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/// `domain:entity:action`, lowercase; in a grant the entity or action may be `*`.
type Triple = [String; 3];

fn triple(domain: &str, entity: &str, action: &str) -> Triple {
    [
        domain.to_ascii_lowercase(),
        entity.to_ascii_lowercase(),
        action.to_ascii_lowercase(),
    ]
}

/// A key's triple; `None` for a CxEngage flat name.
fn key_triple(key: &str) -> Option<Triple> {
    let parts: Vec<&str> = key.split(':').collect();
    match parts.as_slice() {
        [d, e, a] => Some(triple(d, e, a)),
        _ => None,
    }
}

/// Whether `grant` covers `question`: each segment equal, or `*` in the grant. A catalog row that
/// stands for a whole entity (`integration:amipremiumapps:*`) is covered only by an action `*`.
fn covers(grant: &Triple, question: &Triple) -> bool {
    grant.iter().zip(question).all(|(g, q)| g == "*" || g == q)
}

/// `" Alpha >Item>  View"` → `"alpha > item > view"`.
fn normalize_label(label: &str) -> String {
    label
        .split('>')
        .map(|s| s.trim_matches(' ').to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Whether an organization's label names its one permission: three non-empty segments, the
/// last not `All` unless the permission's action is itself `all` (`telephony:plugin:all`).
fn is_concrete_label(label: &str, action: &str) -> bool {
    let segments: Vec<String> = label
        .split('>')
        .map(|s| s.trim_matches(' ').to_ascii_lowercase())
        .collect();
    segments.len() == 3
        && segments.iter().all(|s| !s.is_empty())
        && (!is_all(&segments[2]) || is_all(&action.to_ascii_lowercase()))
}

fn is_all(action: &str) -> bool {
    action == "all" || action == "all permissions"
}

/// What the model knows of one catalog permission.
#[derive(Debug, Clone)]
struct MPerm {
    /// The first spelling seen (the builtin one for builtin keys).
    spelling: String,
    builtin: bool,
    division_aware: Option<bool>,
    allows_conditions: Option<bool>,
    /// Normalized lowercase label.
    label: Option<String>,
}

/// The model's catalog: builtin keys and labels plus one organization catalog, applied entry by
/// entry in document order.
#[derive(Debug, Clone)]
struct MCatalog {
    perms: BTreeMap<Triple, MPerm>,
    /// Normalized lowercase label → permission.
    labels: BTreeMap<String, Triple>,
    /// Permissions added by the organization catalog.
    added: usize,
    /// Normalized lowercase `domain > entity` prefixes of builtin labels: an organization label
    /// `… > All` over one of them would take over a builtin label wildcard, and is ignored.
    builtin_entities: BTreeSet<String>,
}

impl MCatalog {
    /// The builtin catalog's keys and labels, as data (the model reads them, it does not ask).
    fn builtin() -> Self {
        let mut model = MCatalog {
            perms: BTreeMap::new(),
            labels: BTreeMap::new(),
            added: 0,
            builtin_entities: BTreeSet::new(),
        };
        for p in Catalog::builtin().iter() {
            let Some(t) = key_triple(p.key()) else { continue };
            let label = p.label().map(normalize_label);
            if let Some(label) = &label {
                model.labels.insert(label.clone(), t.clone());
                if let Some((prefix, _)) = label.rsplit_once(" > ") {
                    model.builtin_entities.insert(prefix.to_owned());
                }
            }
            let perm = MPerm {
                spelling: p.key().to_owned(),
                builtin: true,
                division_aware: None,
                allows_conditions: None,
                label,
            };
            model.perms.insert(t, perm);
        }
        model
    }

    /// Applies one organization entry. The first spelling of a key wins. A permission is
    /// division-aware unless the catalog says `false` and never `true` (the safe side);
    /// `allowsConditions` is what the catalog says (the generator never makes two entries of one
    /// permission contradict each other, see `conflicting_division_aware_statements_take_the_safe_side`).
    /// A concrete label names a permission that has none yet (added by the organization, or a
    /// builtin one without a label), unless it already names another.
    fn apply(&mut self, entry: &OrgEntry) {
        let t = triple(&entry.domain, &entry.entity, &entry.action);
        let added = &mut self.added;
        let perm = self.perms.entry(t.clone()).or_insert_with(|| {
            *added += 1;
            MPerm {
                spelling: format!("{}:{}:{}", entry.domain, entry.entity, entry.action),
                builtin: false,
                division_aware: None,
                allows_conditions: None,
                label: None,
            }
        });
        perm.division_aware = match (perm.division_aware, entry.division_aware) {
            (Some(said), Some(says)) => Some(said || says),
            (said, says) => says.or(said),
        };
        perm.allows_conditions = perm.allows_conditions.or(entry.allows_conditions);
        if let Some(label) = entry.label.as_deref().filter(|l| is_concrete_label(l, &entry.action)) {
            let label = normalize_label(label);
            let takes_over = label
                .rsplit_once(" > ")
                .is_some_and(|(prefix, action)| is_all(action) && self.builtin_entities.contains(prefix));
            // A builtin permission without a label (a platform one) gains a name that lookups
            // accept, but its static entry keeps `label()` at `None`.
            if !takes_over && perm.label.is_none() && !self.labels.contains_key(&label) {
                if !perm.builtin {
                    perm.label = Some(label.clone());
                }
                self.labels.insert(label, t);
            }
        }
    }

    fn division_aware(&self, t: &Triple) -> bool {
        self.perms.get(t).and_then(|p| p.division_aware).unwrap_or(true)
    }
}

/// Why the model refuses a question.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Wildcard,
    UnknownLabel,
    Other(String),
}

fn refusal(error: &QuestionError) -> Refusal {
    match error {
        QuestionError::Wildcard { .. } => Refusal::Wildcard,
        QuestionError::UnknownLabel { .. } => Refusal::UnknownLabel,
        other => Refusal::Other(format!("{other:?}")),
    }
}

/// What a question names, for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Question {
    Key(Triple),
    Flat,
}

impl MCatalog {
    /// A question string (key, label or flat name) as the model reads it.
    fn question(&self, question: &str) -> Result<Question, Refusal> {
        if question.contains('>') {
            let normalized = normalize_label(question);
            if let Some(t) = self.labels.get(&normalized).filter(|t| !t.iter().any(|s| s == "*")) {
                return Ok(Question::Key(t.clone()));
            }
            if normalized.rsplit(" > ").next().is_some_and(is_all) {
                return Err(Refusal::Wildcard);
            }
            return Err(Refusal::UnknownLabel);
        }
        match key_triple(question) {
            Some(t) if t.iter().any(|s| s == "*") => Err(Refusal::Wildcard),
            Some(t) => Ok(Question::Key(t)),
            None => Ok(Question::Flat),
        }
    }
}

/// A role as the model sees it: grant triples, each unconditional or under a condition id.
#[derive(Debug, Clone, Default)]
struct MRole {
    grants: Vec<(Triple, Option<u8>)>,
}

/// The model's answer of `decide`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MDecision {
    Allowed,
    AllowedIf(BTreeSet<String>),
    Denied,
    /// The library listed a condition more than once (the model never answers this).
    Repeated(Vec<String>),
}

fn condition_text(id: u8) -> String {
    format!("Queue.id EQ SCALAR c{id}")
}

impl MRole {
    fn allows(&self, question: &Question) -> bool {
        match question {
            Question::Key(q) => self.grants.iter().any(|(g, c)| c.is_none() && covers(g, q)),
            Question::Flat => false,
        }
    }

    fn decide(&self, question: &Question) -> MDecision {
        if self.allows(question) {
            return MDecision::Allowed;
        }
        let Question::Key(q) = question else {
            return MDecision::Denied;
        };
        let conditions: BTreeSet<String> = self
            .grants
            .iter()
            .filter(|(g, _)| covers(g, q))
            .filter_map(|(_, c)| c.map(condition_text))
            .collect();
        if conditions.is_empty() {
            MDecision::Denied
        } else {
            MDecision::AllowedIf(conditions)
        }
    }
}

fn observe_decision(decision: &Decision<'_>) -> MDecision {
    match decision {
        Decision::Allowed => MDecision::Allowed,
        Decision::AllowedIf(conditions) => {
            let listed: Vec<String> = conditions.iter().map(|c| c.to_string()).collect();
            let once: BTreeSet<String> = listed.iter().cloned().collect();
            if once.len() == listed.len() {
                MDecision::AllowedIf(once)
            } else {
                MDecision::Repeated(listed)
            }
        }
        Decision::Denied => MDecision::Denied,
    }
}

/// The model's `allows_in`: a subject is `(role, division)` pairs.
fn model_allows_in(
    roles: &[MRole],
    subject: &[(usize, String)],
    question: &Question,
    aware: bool,
    division: &str,
) -> bool {
    subject
        .iter()
        .any(|(r, d)| (!aware || d == "*" || d == division) && roles[*r].allows(question))
}

/// One grant a user holds, as the model sees it: a grant triple, unconditional or under a
/// condition id, in one division or in every division (`*`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct MUserGrant {
    grant: Triple,
    condition: Option<u8>,
    division: String,
}

/// A user as the model sees it: the grants it holds, flattened over its roles (or over its
/// users/me document), and the divisions they name (never `*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct MUser {
    grants: Vec<MUserGrant>,
    divisions: BTreeSet<String>,
}

/// The model's answer of `divisions_permitted`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MPermitted {
    Everywhere,
    In(Vec<String>),
}

impl MUser {
    fn hold(&mut self, grant: Triple, condition: Option<u8>, division: &str) {
        if division != "*" {
            self.divisions.insert(division.to_owned());
        }
        self.grants.push(MUserGrant {
            grant,
            condition,
            division: division.to_owned(),
        });
    }

    /// A user built in code: `roles[r]` in `d` for each `(r, d)` (`d` a division id or `*`).
    fn from_roles(roles: &[MRole], held: &[(usize, String)]) -> Self {
        let mut user = MUser::default();
        for (r, d) in held {
            if d != "*" {
                user.divisions.insert(d.clone());
            }
            for (grant, condition) in &roles[*r].grants {
                user.hold(grant.clone(), *condition, d);
            }
        }
        user
    }

    /// A user read from users/me, by the rules of the reader's documentation, over the strings
    /// of the document: `domain:entity:action` and every policy (conditional or not) in every
    /// division, `domain:entity:action:divisionId` in that division (`*`: every division), a
    /// name without `:` nothing. `roles` grant nothing.
    fn from_doc(doc: &DocJson) -> Self {
        let mut user = MUser::default();
        for permission in doc.permissions.iter().flatten() {
            let parts: Vec<&str> = permission.split(':').collect();
            match parts.as_slice() {
                [d, e, a] => user.hold(triple(d, e, a), None, "*"),
                [d, e, a, division] => user.hold(triple(d, e, a), None, division),
                _ => {}
            }
        }
        for policy in doc.policies.iter().flatten() {
            for action in &policy.actions {
                user.hold(triple(&policy.domain, &policy.entity, action), policy.condition, "*");
            }
        }
        user
    }

    /// The grants that reach a permission that is (or is not) division-aware, in `division`
    /// (`None`: every division at once). A division-aware permission is reached by the grants in
    /// the division and in `*` (only those in `*` without a division); one that is not, by every
    /// grant.
    fn in_reach<'a>(&'a self, division: Option<&'a str>, aware: bool) -> impl Iterator<Item = &'a MUserGrant> + 'a {
        self.grants
            .iter()
            .filter(move |g| !aware || g.division == "*" || Some(g.division.as_str()) == division)
    }

    fn allows(&self, question: &Question, aware: bool, division: Option<&str>) -> bool {
        let Question::Key(q) = question else { return false };
        self.in_reach(division, aware)
            .any(|g| g.condition.is_none() && covers(&g.grant, q))
    }

    /// `Allowed`, else the conditions of every conditional grant in reach that covers the
    /// question, each once, else `Denied`.
    fn decide(&self, question: &Question, aware: bool, division: Option<&str>) -> MDecision {
        if self.allows(question, aware, division) {
            return MDecision::Allowed;
        }
        let Question::Key(q) = question else {
            return MDecision::Denied;
        };
        let conditions: BTreeSet<String> = self
            .in_reach(division, aware)
            .filter(|g| covers(&g.grant, q))
            .filter_map(|g| g.condition.map(condition_text))
            .collect();
        if conditions.is_empty() {
            MDecision::Denied
        } else {
            MDecision::AllowedIf(conditions)
        }
    }

    /// Everywhere when allowed without a division; else the named divisions where allowed.
    fn permitted(&self, question: &Question, aware: bool) -> MPermitted {
        if self.allows(question, aware, None) {
            return MPermitted::Everywhere;
        }
        MPermitted::In(
            self.divisions
                .iter()
                .filter(|d| self.allows(question, aware, Some(d)))
                .cloned()
                .collect(),
        )
    }

    /// Every answer the suite compares, for a question as the model reads it (with whether it is
    /// division-aware), or the refusal of every one.
    fn answers(&self, question: &Result<(Question, bool), Refusal>) -> Answers {
        let each = |f: &dyn Fn(&Question, bool) -> MAnswer| match question {
            Ok((q, aware)) => Ok(f(q, *aware)),
            Err(refusal) => Err(refusal.clone()),
        };
        Answers {
            allows: each(&|q, aware| MAnswer::Bool(self.allows(q, aware, None))),
            decide: each(&|q, aware| MAnswer::Decision(self.decide(q, aware, None))),
            in_division: ASKED
                .iter()
                .map(|d| {
                    let d = *d;
                    (
                        d,
                        each(&|q, aware| MAnswer::Bool(self.allows(q, aware, Some(d)))),
                        each(&|q, aware| MAnswer::Decision(self.decide(q, aware, Some(d)))),
                    )
                })
                .collect(),
            permitted: each(&|q, aware| MAnswer::Permitted(self.permitted(q, aware))),
        }
    }
}

/// The divisions a user is asked in: each a grant may name, `*`, and one no grant names.
const ASKED: [&str; 5] = ["d1", "d2", "d3", "*", "d4"];

/// One answer, of the model or of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MAnswer {
    Bool(bool),
    Decision(MDecision),
    Permitted(MPermitted),
}

/// One answer, or the refusal of the question.
type Answer = Result<MAnswer, Refusal>;

/// Every answer about one user and one question: `allows` and `decide` in every division at
/// once, in each division of [`ASKED`] (`user_in`), and `divisions_permitted`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answers {
    allows: Result<MAnswer, Refusal>,
    decide: Result<MAnswer, Refusal>,
    /// Per division: `allows` and `decide`.
    in_division: Vec<(&'static str, Answer, Answer)>,
    permitted: Result<MAnswer, Refusal>,
}

fn observe_permitted(permitted: &Permitted<'_>) -> MPermitted {
    match permitted {
        Permitted::Everywhere => MPermitted::Everywhere,
        Permitted::In(divisions) => MPermitted::In(divisions.iter().map(|d| (*d).to_owned()).collect()),
    }
}

/// The library's answers for a typed permission.
fn typed_answers(policy: &Policy, user: UserId, p: Permission<'_>) -> Answers {
    let decide = |who: Principal| Ok(MAnswer::Decision(observe_decision(&policy.decide(who, p))));
    Answers {
        allows: Ok(MAnswer::Bool(policy.allows(user, p))),
        decide: decide(user.into()),
        in_division: ASKED
            .iter()
            .map(|d| {
                let who = policy.user_in(user, d);
                (*d, Ok(MAnswer::Bool(policy.allows(who, p))), decide(who))
            })
            .collect(),
        permitted: Ok(MAnswer::Permitted(observe_permitted(
            &policy.divisions_permitted(user, p),
        ))),
    }
}

/// The library's answers for a string.
fn string_answers(policy: &Policy, user: UserId, q: &str) -> Answers {
    let allows = |who: Principal| policy.allows(who, q).map(MAnswer::Bool).map_err(|e| refusal(&e));
    let decide = |who: Principal| {
        policy
            .decide(who, q)
            .map(|d| MAnswer::Decision(observe_decision(&d)))
            .map_err(|e| refusal(&e))
    };
    Answers {
        allows: allows(user.into()),
        decide: decide(user.into()),
        in_division: ASKED
            .iter()
            .map(|d| {
                let who = policy.user_in(user, d);
                (*d, allows(who), decide(who))
            })
            .collect(),
        permitted: policy
            .divisions_permitted(user, q)
            .map(|p| MAnswer::Permitted(observe_permitted(&p)))
            .map_err(|e| refusal(&e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Scenarios: what the generators produce
// ---------------------------------------------------------------------------------------------

/// One entry of an organization catalog.
#[derive(Debug, Clone)]
struct OrgEntry {
    domain: String,
    entity: String,
    action: String,
    division_aware: Option<bool>,
    allows_conditions: Option<bool>,
    label: Option<String>,
}

/// One `permissionPolicies` entry of a role.
#[derive(Debug, Clone)]
struct PolicyJson {
    domain: String,
    entity: String,
    actions: Vec<String>,
    allow_conditions: bool,
    condition: Option<u8>,
}

#[derive(Debug, Clone)]
struct RoleJson {
    name: String,
    policies: Vec<PolicyJson>,
    legacy: Vec<String>,
}

/// A whole case: the organization catalog, roles, a subject and extra questions.
#[derive(Debug, Clone)]
struct Scenario {
    entries: Vec<OrgEntry>,
    /// The catalog is split into this many pages (an array of pages when more than one).
    pages: usize,
    roles: Vec<RoleJson>,
    /// `(role index, division id or "*")`.
    subject: Vec<(usize, String)>,
    /// Questions besides the catalog's own keys and labels.
    questions: Vec<String>,
    /// Seed for the case of the questions.
    case_seed: u64,
}

/// A user as `GET /api/v2/users/{id}?expand=authorization` (or `users/me`) returns it.
#[derive(Debug, Clone)]
struct DocJson {
    id: String,
    /// The whole user object, or its `authorization` object alone.
    whole: bool,
    /// Whether the test names the user; else it is named by its `id` (whole documents only).
    named: bool,
    /// `permissions`: keys (`*` entities and actions), with a division id or `*` as a fourth
    /// segment or without, and legacy flat names; `None` when the field is absent.
    permissions: Option<Vec<String>>,
    /// `permissionPolicies`, conditional or not; `None` when the field is absent.
    policies: Option<Vec<PolicyJson>>,
    /// `roles` (and the first as `unusedRoles`): names of the role file's roles, which must
    /// grant nothing here.
    roles: Vec<String>,
}

impl DocJson {
    fn json(&self) -> String {
        let refs = |names: &[String]| {
            Value::Array(
                names
                    .iter()
                    .map(|r| json!({"id": format!("id-{r}"), "name": r}))
                    .collect(),
            )
        };
        let mut authorization = serde_json::Map::new();
        if !self.roles.is_empty() {
            authorization.insert("roles".into(), refs(&self.roles));
            authorization.insert("unusedRoles".into(), refs(&self.roles[..1]));
        }
        if let Some(permissions) = &self.permissions {
            authorization.insert("permissions".into(), json!(permissions));
        }
        if let Some(policies) = &self.policies {
            authorization.insert(
                "permissionPolicies".into(),
                Value::Array(policies.iter().map(policy_value).collect()),
            );
        }
        let authorization = Value::Object(authorization);
        if !self.whole {
            return authorization.to_string();
        }
        json!({
            "id": self.id,
            "name": format!("User {}", self.id),
            "username": format!("{}@example.com", self.id),
            "authorization": authorization,
        })
        .to_string()
    }

    /// The entries of `permissions` without `:`, in order.
    fn legacy(&self) -> Vec<&str> {
        self.permissions
            .iter()
            .flatten()
            .filter(|p| !p.contains(':'))
            .map(String::as_str)
            .collect()
    }

    /// Each grant as a question (`*` filled with a key no catalog has), and each legacy name.
    fn questions(&self) -> Vec<String> {
        let mut questions: Vec<String> = self
            .permissions
            .iter()
            .flatten()
            .map(|p| {
                let parts: Vec<&str> = p.split(':').take(3).collect();
                if parts.len() == 3 {
                    parts.iter().map(|s| fill_star(s)).collect::<Vec<_>>().join(":")
                } else {
                    p.clone()
                }
            })
            .collect();
        for policy in self.policies.iter().flatten() {
            questions.extend(policy_questions(policy));
        }
        questions
    }
}

/// A user of a [`UserScenario`].
#[derive(Debug, Clone)]
enum UserCase {
    /// Built in code (`add_user`): `(role index, division id or "*")` for each grant.
    ByHand(Vec<(usize, String)>),
    /// Read from users/me (`add_user_authorization`).
    Doc(DocJson),
}

/// A scenario's catalog and roles, and users of both kinds in one policy.
#[derive(Debug, Clone)]
struct UserScenario {
    scenario: Scenario,
    users: Vec<UserCase>,
}

impl UserScenario {
    /// The name each user has in the policy.
    fn names(&self) -> Vec<String> {
        self.users
            .iter()
            .enumerate()
            .map(|(n, user)| match user {
                UserCase::ByHand(_) => format!("hand {n}"),
                UserCase::Doc(doc) if doc.whole && !doc.named => doc.id.clone(),
                UserCase::Doc(_) => format!("me {n}"),
            })
            .collect()
    }

    fn describe(&self, n: usize) -> String {
        match &self.users[n] {
            UserCase::ByHand(grants) => {
                let grants: Vec<String> = grants
                    .iter()
                    .map(|(r, d)| format!("({}, {d})", self.scenario.roles[*r].name))
                    .collect();
                format!("add_user(\"hand {n}\", [{}])", grants.join(", "))
            }
            UserCase::Doc(doc) => format!("users/me (named: {}): {}", doc.named, doc.json()),
        }
    }
}

/// A policy as role JSON and a user's `permissionPolicies` write it (`ResourcePermissionPolicy`).
fn policy_value(p: &PolicyJson) -> Value {
    let mut policy = json!({
        "domain": p.domain,
        "entityName": p.entity,
        "actionSet": p.actions,
        "allowConditions": p.allow_conditions,
    });
    if let Some(id) = p.condition {
        policy.as_object_mut().unwrap().insert(
            "resourceConditionNode".into(),
            json!({"variableName": "Queue.id", "operator": "EQ",
                   "operands": [{"type": "SCALAR", "value": format!("c{id}")}]}),
        );
    }
    policy
}

/// Each action of a policy as a question, `*` filled with a key no catalog has.
fn policy_questions(policy: &PolicyJson) -> impl Iterator<Item = String> + '_ {
    policy
        .actions
        .iter()
        .map(|action| format!("{}:{}:{}", policy.domain, fill_star(&policy.entity), fill_star(action)))
}

/// `*` → `newThing`, a segment no catalog has; any other segment as is.
fn fill_star(segment: &str) -> String {
    if segment == "*" {
        "newThing".to_owned()
    } else {
        segment.to_owned()
    }
}

impl Scenario {
    fn catalog_json(&self) -> String {
        let entity = |e: &OrgEntry| {
            let mut permission = json!({"domain": e.domain, "entityType": e.entity, "action": e.action});
            let object = permission.as_object_mut().unwrap();
            if let Some(aware) = e.division_aware {
                object.insert("divisionAware".into(), json!(aware));
            }
            if let Some(conditions) = e.allows_conditions {
                object.insert("allowsConditions".into(), json!(conditions));
            }
            if let Some(label) = &e.label {
                object.insert("label".into(), json!(label));
            }
            // One entity object per entry, so document order is the order of `entities`.
            json!({"domain": e.domain, "permissionMap": {e.entity.clone(): [permission]}})
        };
        let entities: Vec<Value> = self.entries.iter().map(entity).collect();
        if self.pages <= 1 {
            return json!({"entities": entities, "pageSize": 25, "pageNumber": 1}).to_string();
        }
        let per_page = entities.len().div_ceil(self.pages).max(1);
        let pages: Vec<Value> = entities
            .chunks(per_page)
            .enumerate()
            .map(|(n, chunk)| json!({"entities": chunk, "pageNumber": n + 1}))
            .collect();
        Value::Array(pages).to_string()
    }

    fn role_value(role: &RoleJson, policies_field: &str) -> Value {
        let policies: Vec<Value> = role.policies.iter().map(policy_value).collect();
        let mut value = json!({"name": role.name, "id": format!("id-{}", role.name)});
        let object = value.as_object_mut().unwrap();
        object.insert(policies_field.into(), Value::Array(policies));
        if !role.legacy.is_empty() {
            object.insert("permissions".into(), json!(role.legacy));
        }
        value
    }

    fn roles_json(&self) -> String {
        let roles: Vec<Value> = self
            .roles
            .iter()
            .map(|r| Self::role_value(r, "permissionPolicies"))
            .collect();
        json!({"entities": roles, "total": roles.len()}).to_string()
    }

    fn subject_json(&self) -> String {
        let grants: Vec<Value> = self
            .subject
            .iter()
            .map(|(r, d)| json!({"division": {"id": d, "name": d}, "role": Self::role_value(&self.roles[*r], "policies")}))
            .collect();
        json!({"id": "u-1", "name": "subject", "grants": grants}).to_string()
    }

    fn model_catalog(&self) -> MCatalog {
        let mut model = MCatalog::builtin();
        for entry in &self.entries {
            model.apply(entry);
        }
        model
    }

    fn model_roles(&self) -> Vec<MRole> {
        self.roles
            .iter()
            .map(|role| MRole {
                grants: role
                    .policies
                    .iter()
                    .flat_map(|p| p.actions.iter().map(|a| (triple(&p.domain, &p.entity, a), p.condition)))
                    .collect(),
            })
            .collect()
    }

    /// The question in a case chosen by `salt`.
    fn recase(&self, s: &str, salt: usize) -> String {
        recase_with(s, mix(self.case_seed, salt))
    }
}

fn mix(seed: u64, salt: usize) -> u64 {
    let mut x = seed ^ (salt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// As is, lowercase, uppercase, or each letter flipped where its bit is set.
fn recase_with(s: &str, bits: u64) -> String {
    match bits & 3 {
        0 => s.to_owned(),
        1 => s.to_ascii_lowercase(),
        2 => s.to_ascii_uppercase(),
        _ => s
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if (bits >> (2 + i % 60)) & 1 == 0 {
                    c
                } else if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect(),
    }
}

/// Re-spaces a label around its `>` separators.
fn respace(label: &str, bits: u64) -> String {
    const SEPARATORS: [&str; 4] = [" > ", ">", "  >", "> "];
    label
        .split('>')
        .map(|s| s.trim_matches(' '))
        .enumerate()
        .fold(String::new(), |mut out, (i, segment)| {
            if i > 0 {
                out.push_str(SEPARATORS[(bits >> (8 + 2 * i)) as usize % SEPARATORS.len()]);
            }
            out.push_str(segment);
            out
        })
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Cases per property: `PROPTEST_CASES` (or `PERMGATE_PROPTEST_CASES`, which wins), 64 by
/// default. Other `PROPTEST_*` variables apply as proptest reads them.
fn config() -> ProptestConfig {
    let cases = ["PERMGATE_PROPTEST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|name| std::env::var(name).ok()?.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Domains: new ones, and builtin ones so that organization keys overlap builtin keys and
/// wildcards cover both.
const DOMAINS: [&str; 6] = ["alpha", "beta", "Gamma", "routing", "journey", "ui"];
/// Entities, with names that are prefixes of one another (`item`/`items`, `actionmap`/`actionmapEstimate`).
const ENTITIES: [&str; 8] = [
    "item",
    "items",
    "queue",
    "actionmap",
    "actionmapEstimate",
    "segment",
    "wrapupCode",
    "supervisorStatusControl",
];
/// Actions, with prefixes (`view`/`viewer`) and `all`, which is a literal action in key form.
const ACTIONS: [&str; 8] = ["view", "viewer", "edit", "add", "delete", "join", "search", "all"];

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9]{0,5}"
}

/// A few segments: mostly from `pool`, sometimes a fresh word, in random case.
fn segments(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    vec(
        (
            prop_oneof![4 => select(pool).prop_map(str::to_owned), 1 => word()],
            any::<u64>(),
        )
            .prop_map(|(s, bits)| recase_with(&s, bits)),
        1..=max,
    )
}

/// An entry of the raw catalog: a key from the pools (which may repeat an earlier one), or a
/// recased copy of an earlier entry (the same permission: its flags copied or left unsaid).
#[derive(Debug, Clone)]
struct RawEntry {
    segments: (Index, Index, Index),
    copy_of: Option<Index>,
    case: u64,
    division_aware: Option<bool>,
    allows_conditions: Option<bool>,
    /// 0: none; 1: its own key as a label; 2: a label from the pools; 3: an invalid label.
    label_kind: u8,
    label_segments: (Index, Index, Index),
    label_case: u64,
}

fn raw_entry() -> impl Strategy<Value = RawEntry> {
    (
        (any::<Index>(), any::<Index>(), any::<Index>()),
        prop::option::weighted(0.3, any::<Index>()),
        any::<u64>(),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        0u8..4,
        (any::<Index>(), any::<Index>(), any::<Index>()),
        any::<u64>(),
    )
        .prop_map(
            |(segments, copy_of, case, division_aware, allows_conditions, label_kind, label_segments, label_case)| {
                RawEntry {
                    segments,
                    copy_of,
                    case,
                    division_aware,
                    allows_conditions,
                    label_kind,
                    label_segments,
                    label_case,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct RawPolicy {
    domain: Index,
    /// 0: `*`; 1: an entity no catalog has; else from the scenario's entities.
    entity: (u8, Index),
    actions: Vec<(u8, Index)>,
    case: u64,
    allow_conditions: bool,
    condition: Option<u8>,
}

fn raw_policy() -> impl Strategy<Value = RawPolicy> {
    (
        any::<Index>(),
        (0u8..8, any::<Index>()),
        vec((0u8..8, any::<Index>()), 1..4),
        any::<u64>(),
        any::<bool>(),
        prop::option::weighted(0.3, 0u8..4),
    )
        .prop_map(
            |(domain, entity, actions, case, allow_conditions, condition)| RawPolicy {
                domain,
                entity,
                actions,
                case,
                allow_conditions,
                condition,
            },
        )
}

/// Legacy `permissions[]` entries: catalog keys, wildcards, flat names. They must grant nothing.
const LEGACY: [&str; 6] = [
    "routing:queue:view",
    "journey:*:*",
    "CONTACTS_READ",
    "NOTES_CREATE_ALL",
    "alpha:item:view",
    "admin",
];

#[derive(Debug, Clone)]
struct RawScenario {
    domains: Vec<String>,
    entities: Vec<String>,
    actions: Vec<String>,
    entries: Vec<RawEntry>,
    pages: usize,
    roles: Vec<(Vec<RawPolicy>, Vec<Index>)>,
    subject: Vec<(Index, u8)>,
    questions: Vec<RawQuestion>,
    case_seed: u64,
}

/// A key to ask about: a domain, an entity and an action (as in `RawPolicy`, without `*`), a case.
type RawQuestion = (Index, (u8, Index), (u8, Index), u64);

fn raw_scenario() -> impl Strategy<Value = RawScenario> {
    (
        segments(&DOMAINS, 3),
        segments(&ENTITIES, 4),
        segments(&ACTIONS, 4),
        vec(raw_entry(), 1..=40),
        1usize..4,
        vec((vec(raw_policy(), 0..8), vec(any::<Index>(), 0..3)), 1..=4),
        vec((any::<Index>(), 0u8..4), 0..6),
        vec(
            (
                any::<Index>(),
                (0u8..8, any::<Index>()),
                (0u8..8, any::<Index>()),
                any::<u64>(),
            ),
            0..12,
        ),
        any::<u64>(),
    )
        .prop_map(
            |(domains, entities, actions, entries, pages, roles, subject, questions, case_seed)| RawScenario {
                domains,
                entities,
                actions,
                entries,
                pages,
                roles,
                subject,
                questions,
                case_seed,
            },
        )
}

const DIVISIONS: [&str; 4] = ["d1", "d2", "d3", "*"];

/// A user to generate: grants of the scenario's roles, or a users/me document.
#[derive(Debug, Clone)]
enum RawUser {
    /// `(role, index in DIVISIONS)`; `twin` adds the first grant's role again in another division.
    ByHand {
        grants: Vec<(Index, u8)>,
        twin: bool,
    },
    Doc(RawDoc),
}

#[derive(Debug, Clone)]
struct RawDoc {
    permissions: Vec<RawUserPermission>,
    policies: Vec<RawPolicy>,
    /// 0: both lists; 1: `permissions` only; 2: `permissionPolicies` only.
    lists: u8,
    whole: bool,
    named: bool,
    roles: Vec<Index>,
}

/// One entry of a users/me `permissions`: a legacy flat name, or a key (as a question, but with
/// `*` entities and actions) with no division (0) or `DIVISIONS[n - 1]` as a fourth segment.
#[derive(Debug, Clone)]
struct RawUserPermission {
    legacy: Option<Index>,
    key: RawQuestion,
    division: u8,
}

/// Legacy flat names of a user's `permissions`: never granted.
const USER_LEGACY: [&str; 4] = ["admin", "employee", "CONTACTS_READ", "NOTES_CREATE_ALL"];

fn raw_hand_user() -> impl Strategy<Value = RawUser> {
    (vec((any::<Index>(), 0u8..4), 1..6), any::<bool>()).prop_map(|(grants, twin)| RawUser::ByHand { grants, twin })
}

fn raw_doc() -> impl Strategy<Value = RawUser> {
    let permission = (
        prop::option::weighted(0.15, any::<Index>()),
        (
            any::<Index>(),
            (0u8..8, any::<Index>()),
            (0u8..8, any::<Index>()),
            any::<u64>(),
        ),
        0u8..5,
    )
        .prop_map(|(legacy, key, division)| RawUserPermission { legacy, key, division });
    (
        vec(permission, 0..10),
        vec(raw_policy(), 0..5),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        vec(any::<Index>(), 0..3),
    )
        .prop_map(|(permissions, policies, lists, whole, named, roles)| {
            RawUser::Doc(RawDoc {
                permissions,
                policies,
                lists,
                whole,
                named,
                roles,
            })
        })
}

/// A scenario and one to three users, built in code (weight `hand`) or read from users/me
/// (weight `docs`), in one policy.
fn user_scenario(hand: u32, docs: u32) -> impl Strategy<Value = UserScenario> {
    (
        raw_scenario(),
        vec(prop_oneof![hand => raw_hand_user(), docs => raw_doc()], 1..=3),
    )
        .prop_map(|(raw, users)| {
            let scenario = raw.scenario();
            let users = raw.users(&users, &scenario);
            UserScenario { scenario, users }
        })
}

impl RawScenario {
    fn pick<'a>(pool: &'a [String], at: &Index) -> &'a str {
        &pool[at.index(pool.len())]
    }

    /// A role or question segment: `*` (for grants), a word no catalog has, or one of the pool.
    fn segment(pool: &[String], (kind, at): &(u8, Index), star: bool, unknown: &str) -> String {
        match kind {
            0 if star => "*".to_owned(),
            0 | 1 => unknown.to_owned(),
            _ => Self::pick(pool, at).to_owned(),
        }
    }

    /// The domains of grants and questions: the scenario's, and one no catalog has.
    fn grant_domains(&self) -> Vec<String> {
        let mut domains = self.domains.clone();
        domains.push("zeta".to_owned());
        domains
    }

    /// A policy of role JSON or of a user's `permissionPolicies`.
    fn policy(&self, p: &RawPolicy) -> PolicyJson {
        PolicyJson {
            domain: recase_with(Self::pick(&self.grant_domains(), &p.domain), p.case),
            entity: recase_with(&Self::segment(&self.entities, &p.entity, true, "ghost"), p.case >> 7),
            actions: p
                .actions
                .iter()
                .enumerate()
                .map(|(i, a)| recase_with(&Self::segment(&self.actions, a, true, "fly"), p.case >> (13 + i)))
                .collect(),
            allow_conditions: p.allow_conditions || (p.condition.is_some() && p.case & 1 == 1),
            condition: p.condition,
        }
    }

    fn users(&self, raw: &[RawUser], scenario: &Scenario) -> Vec<UserCase> {
        let roles = scenario.roles.len();
        raw.iter()
            .enumerate()
            .map(|(n, user)| match user {
                RawUser::ByHand { grants, twin } => {
                    let mut held: Vec<(usize, String)> = grants
                        .iter()
                        .map(|(r, d)| (r.index(roles), DIVISIONS[usize::from(*d)].to_owned()))
                        .collect();
                    if let (true, Some((r, d))) = (*twin, grants.first()) {
                        let other = if *d >= 3 { 0 } else { usize::from(*d + 1) % 3 };
                        held.push((r.index(roles), DIVISIONS[other].to_owned()));
                    }
                    UserCase::ByHand(held)
                }
                RawUser::Doc(doc) => {
                    let domains = self.grant_domains();
                    let permissions = doc
                        .permissions
                        .iter()
                        .map(|p| {
                            if let Some(at) = p.legacy {
                                return USER_LEGACY[at.index(USER_LEGACY.len())].to_owned();
                            }
                            let (d, e, a, case) = &p.key;
                            let key = format!(
                                "{}:{}:{}",
                                Self::pick(&domains, d),
                                Self::segment(&self.entities, e, true, "ghost"),
                                Self::segment(&self.actions, a, true, "fly"),
                            );
                            let key = recase_with(&key, *case);
                            match p.division {
                                0 => key,
                                n => format!("{key}:{}", DIVISIONS[usize::from(n - 1)]),
                            }
                        })
                        .collect();
                    let policies = doc.policies.iter().map(|p| self.policy(p)).collect();
                    UserCase::Doc(DocJson {
                        id: format!("me-{n}"),
                        whole: doc.whole,
                        named: doc.named || !doc.whole,
                        permissions: (doc.lists != 2).then_some(permissions),
                        policies: (doc.lists != 1).then_some(policies),
                        roles: doc
                            .roles
                            .iter()
                            .map(|r| scenario.roles[r.index(roles)].name.clone())
                            .collect(),
                    })
                }
            })
            .collect()
    }

    fn scenario(&self) -> Scenario {
        let mut entries: Vec<OrgEntry> = Vec::new();
        for raw in &self.entries {
            let mut entry = match raw.copy_of.filter(|_| !entries.is_empty()) {
                Some(at) => {
                    let original = &entries[at.index(entries.len())];
                    let keep = raw.case & 1 == 1;
                    OrgEntry {
                        domain: recase_with(&original.domain, raw.case >> 1),
                        entity: recase_with(&original.entity, raw.case >> 5),
                        action: recase_with(&original.action, raw.case >> 9),
                        division_aware: original.division_aware.filter(|_| keep),
                        allows_conditions: original.allows_conditions.filter(|_| keep),
                        label: None,
                    }
                }
                None => OrgEntry {
                    domain: Self::pick(&self.domains, &raw.segments.0).to_owned(),
                    entity: Self::pick(&self.entities, &raw.segments.1).to_owned(),
                    action: Self::pick(&self.actions, &raw.segments.2).to_owned(),
                    division_aware: raw.division_aware,
                    allows_conditions: raw.allows_conditions,
                    label: None,
                },
            };
            let (d, e, a) = &raw.label_segments;
            let styled = |label: String| respace(&recase_with(&label, raw.label_case), raw.label_case);
            entry.label = match raw.label_kind {
                1 => Some(styled(format!(
                    "{} > {} > {}",
                    entry.domain, entry.entity, entry.action
                ))),
                2 => Some(styled(format!(
                    "{} > {} > {}",
                    Self::pick(&self.domains, d),
                    Self::pick(&self.entities, e),
                    Self::pick(&self.actions, a)
                ))),
                3 if raw.label_case & 1 == 0 => Some(format!("{} > {}", entry.domain, entry.entity)),
                3 => Some(format!("{} > {} > All", entry.domain, entry.entity)),
                _ => None,
            };
            // Entries of one permission never contradict each other: a later statement repeats
            // the first (the conflict is pinned by an ignored test).
            let key = triple(&entry.domain, &entry.entity, &entry.action);
            for earlier in entries
                .iter()
                .filter(|e| triple(&e.domain, &e.entity, &e.action) == key)
            {
                if let (Some(first), Some(_)) = (earlier.division_aware, entry.division_aware) {
                    entry.division_aware = Some(first);
                }
                if let (Some(first), Some(_)) = (earlier.allows_conditions, entry.allows_conditions) {
                    entry.allows_conditions = Some(first);
                }
            }
            entries.push(entry);
        }
        let domains = self.grant_domains();
        let roles: Vec<RoleJson> = self
            .roles
            .iter()
            .enumerate()
            .map(|(n, (policies, legacy))| RoleJson {
                name: format!("role {n}"),
                policies: policies.iter().map(|p| self.policy(p)).collect(),
                legacy: legacy
                    .iter()
                    .map(|at| LEGACY[at.index(LEGACY.len())].to_owned())
                    .collect(),
            })
            .collect();
        let subject = self
            .subject
            .iter()
            .map(|(r, d)| (r.index(roles.len()), DIVISIONS[usize::from(*d)].to_owned()))
            .collect();
        let mut questions: Vec<String> = self
            .questions
            .iter()
            .map(|(d, e, a, case)| {
                let key = format!(
                    "{}:{}:{}",
                    Self::pick(&domains, d),
                    Self::segment(&self.entities, e, false, "ghost"),
                    Self::segment(&self.actions, a, false, "fly"),
                );
                recase_with(&key, *case)
            })
            .collect();
        // Every grant as a question, and under each wildcard a key no catalog has.
        for role in &roles {
            for policy in &role.policies {
                questions.extend(policy_questions(policy));
            }
            questions.extend(role.legacy.iter().filter(|l| !l.contains('*')).cloned());
        }
        questions.extend(["CONTACTS_READ", "NOTES_CREATE_SELF", "alpha:item:view"].map(str::to_owned));
        Scenario {
            entries,
            pages: self.pages,
            roles,
            subject,
            questions,
            case_seed: self.case_seed,
        }
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    raw_scenario().prop_map(|raw| raw.scenario())
}

// ---------------------------------------------------------------------------------------------
// Building the library's side
// ---------------------------------------------------------------------------------------------

struct Built {
    catalog: Catalog,
    policy: Policy,
    ids: Vec<RoleId>,
    /// The users added (see [`build_with_subject`] and [`build_users`]).
    users: Vec<UserId>,
}

fn fail(what: &str, error: impl std::fmt::Display, scenario: &Scenario) -> TestCaseError {
    TestCaseError::fail(format!(
        "{what}: {error}\ncatalog: {}\nroles: {}",
        scenario.catalog_json(),
        scenario.roles_json()
    ))
}

fn build(scenario: &Scenario) -> Result<Built, TestCaseError> {
    build_then(scenario, |_| Ok(Vec::new()))
}

/// [`build`], with the scenario's subject added as a user by hand, `(role id, division)` for each
/// of its grants, before the policy is built.
fn build_with_subject(scenario: &Scenario) -> Result<Built, TestCaseError> {
    build_then(scenario, |builder| {
        let mut grants = Vec::new();
        for (r, d) in &scenario.subject {
            let name = &scenario.roles[*r].name;
            let id = builder
                .role_id(name)
                .ok_or_else(|| fail("role missing", name, scenario))?;
            grants.push((id, Division::new(d)));
        }
        let user = builder
            .add_user("by hand", grants)
            .map_err(|e| fail("user not added", e, scenario))?;
        Ok(vec![user])
    })
}

/// [`build`], with the users of `case` added in order: built in code from the role ids the
/// builder gives the role file's roles (`Division::All` for `*`), or read from users/me JSON
/// (whose legacy names must be reported as such).
fn build_users(case: &UserScenario) -> Result<Built, TestCaseError> {
    let scenario = &case.scenario;
    build_then(scenario, |builder| {
        let mut users = Vec::new();
        for (user, name) in case.users.iter().zip(case.names()) {
            let id = match user {
                UserCase::ByHand(held) => {
                    let mut grants = Vec::new();
                    for (r, d) in held {
                        let role = &scenario.roles[*r].name;
                        let id = builder
                            .role_id(role)
                            .ok_or_else(|| fail("role missing", role, scenario))?;
                        let division = if d == "*" { Division::All } else { Division::new(d) };
                        grants.push((id, division));
                    }
                    builder.add_user(&name, grants)
                }
                UserCase::Doc(doc) => {
                    let read =
                        UserAuthorization::parse(&doc.json()).map_err(|e| fail("users/me rejected", e, scenario))?;
                    prop_assert_eq!(
                        &read.legacy_permissions,
                        &doc.legacy(),
                        "legacy names of {}",
                        doc.json()
                    );
                    prop_assert_eq!(read.id.as_deref(), doc.whole.then_some(doc.id.as_str()));
                    builder.add_user_definition(&read.definition(doc.named.then_some(name.as_str())))
                }
            };
            users.push(id.map_err(|e| fail("user not added", e, scenario))?);
        }
        Ok(users)
    })
}

/// The scenario's catalog and roles in a builder, `then` (which may add users), built.
fn build_then(
    scenario: &Scenario,
    then: impl FnOnce(&mut PolicyBuilder) -> Result<Vec<UserId>, TestCaseError>,
) -> Result<Built, TestCaseError> {
    let catalog = catalog(scenario)?;
    let file = RoleFile::parse(&scenario.roles_json()).map_err(|e| fail("role file rejected", e, scenario))?;
    if let Some(error) = file.errors.first() {
        return Err(fail("role rejected", error, scenario));
    }
    let mut builder = Policy::builder(&catalog);
    for role in &file.roles {
        builder
            .add_role_definition(role)
            .map_err(|e| fail("role not added", e, scenario))?;
    }
    let users = then(&mut builder)?;
    let policy = builder.build();
    let ids = scenario
        .roles
        .iter()
        .map(|r| {
            policy
                .role(&r.name)
                .ok_or_else(|| fail("role missing", &r.name, scenario))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Built {
        catalog,
        policy,
        ids,
        users,
    })
}

fn catalog(scenario: &Scenario) -> Result<Catalog, TestCaseError> {
    permgate::genesys::org_catalog(Catalog::builtin(), &scenario.catalog_json())
        .map_err(|e| fail("org catalog rejected", e, scenario))
}

/// The strings every principal is asked: each catalog permission's key in another case and its
/// label re-spaced in another case, the organization's three-segment labels as written (valid or
/// not), and the scenario's extra questions (its roles' grants, keys no catalog has under their
/// wildcards, random keys, flat names).
fn string_questions(scenario: &Scenario, catalog: &Catalog) -> Vec<String> {
    let mut questions: Vec<String> = Vec::new();
    for (n, p) in catalog.iter().enumerate() {
        questions.push(scenario.recase(p.key(), n));
        if let Some(label) = p.label() {
            questions.push(respace(&scenario.recase(label, n + 7), mix(scenario.case_seed, n)));
        }
    }
    for entry in &scenario.entries {
        questions.extend(entry.label.iter().filter(|l| l.split('>').count() == 3).cloned());
    }
    questions.extend(scenario.questions.iter().cloned());
    questions
}

/// Every user of `case` agrees with the model on every question: each catalog permission typed,
/// and every string of [`string_questions`] and of the users/me documents' own grants.
fn users_agree_with_the_model(case: &UserScenario) -> Result<(), TestCaseError> {
    let scenario = &case.scenario;
    let model = scenario.model_catalog();
    let roles = scenario.model_roles();
    let Built {
        catalog, policy, users, ..
    } = build_users(case)?;
    let context = |n: usize| {
        format!(
            "user {n}: {}\ncatalog: {}\nroles: {}",
            case.describe(n),
            scenario.catalog_json(),
            scenario.roles_json()
        )
    };
    // users/me documents add users, never roles: `roles` in them grant nothing.
    prop_assert_eq!(policy.roles().count(), scenario.roles.len(), "{}", context(0));
    let names: Vec<String> = policy
        .users()
        .filter_map(|u| policy.name(u).map(str::to_owned))
        .collect();
    prop_assert_eq!(&names, &case.names());
    let mut questions = string_questions(scenario, &catalog);
    for user in &case.users {
        if let UserCase::Doc(doc) = user {
            questions.extend(doc.questions());
        }
    }
    let aware_of = |question: Question| {
        let aware = match &question {
            Question::Key(t) => model.division_aware(t),
            Question::Flat => true,
        };
        (question, aware)
    };
    for (n, (&user, spec)) in users.iter().zip(&case.users).enumerate() {
        let expected = match spec {
            UserCase::ByHand(held) => MUser::from_roles(&roles, held),
            UserCase::Doc(doc) => MUser::from_doc(doc),
        };
        for p in catalog.iter() {
            let question = Ok(aware_of(triple_of(p).map_or(Question::Flat, Question::Key)));
            prop_assert_eq!(
                typed_answers(&policy, user, p),
                expected.answers(&question),
                "`{}` (typed); {}",
                p,
                context(n)
            );
        }
        for question in &questions {
            let read = model.question(question).map(aware_of);
            prop_assert_eq!(
                string_answers(&policy, user, question),
                expected.answers(&read),
                "`{}`; {}",
                question,
                context(n)
            );
        }
    }
    Ok(())
}

/// The catalog's permissions that the model can name (all but CxEngage flat names).
fn triple_of(p: Permission<'_>) -> Option<Triple> {
    key_triple(p.key())
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// The organization catalog holds one permission per key ignoring case, spelled as first seen
    /// (the builtin spelling for builtin keys), with the flags and labels the model expects; builtin
    /// permissions keep their index.
    #[test]
    fn org_catalogs_agree_with_the_model(scenario in scenario()) {
        let model = scenario.model_catalog();
        let Built { catalog, .. } = build(&scenario)?;
        let builtin = Catalog::builtin();
        let context = || format!("catalog: {}", scenario.catalog_json());
        prop_assert_eq!(catalog.len(), builtin.len() + model.added, "{}", context());
        for (p, q) in builtin.iter().zip(catalog.iter()) {
            prop_assert_eq!((p.index(), p.key()), (q.index(), q.key()), "builtin index moved; {}", context());
        }
        let mut seen = BTreeSet::new();
        for p in catalog.iter() {
            let Some(t) = triple_of(p) else { continue };
            let m = model.perms.get(&t);
            prop_assert!(m.is_some(), "`{}` is not in the model; {}", p, context());
            let m = m.unwrap();
            prop_assert!(seen.insert(t.clone()), "`{}` twice; {}", p, context());
            prop_assert_eq!(p.key(), m.spelling.as_str(), "spelling; {}", context());
            prop_assert_eq!(catalog.is_division_aware(p), m.division_aware.unwrap_or(true), "divisionAware of `{}`; {}", p, context());
            prop_assert_eq!(catalog.allows_conditions(p), m.allows_conditions, "allowsConditions of `{}`; {}", p, context());
            prop_assert_eq!(p.label().map(normalize_label), m.label.clone(), "label of `{}`; {}", p, context());
        }
        prop_assert_eq!(seen.len(), model.perms.len(), "{}", context());
        for (n, entry) in scenario.entries.iter().enumerate() {
            let spelled = format!("{}:{}:{}", entry.domain, entry.entity, entry.action);
            let expected = &model.perms[&triple(&entry.domain, &entry.entity, &entry.action)].spelling;
            for question in [spelled.clone(), scenario.recase(&spelled, n)] {
                let found = catalog.lookup(&question).map(Permission::key);
                prop_assert_eq!(found, Some(expected.as_str()), "lookup `{}`; {}", question, context());
            }
            if let Some(label) = &entry.label {
                let found = catalog.lookup(label).and_then(triple_of);
                let expected = model.labels.get(&normalize_label(label));
                prop_assert_eq!(found.as_ref(), expected, "lookup label `{}`; {}", label, context());
            }
        }
    }

    /// `allows` and `decide`, of typed permissions and of strings, agree with the model for every
    /// role, on every catalog permission (by value, by key in another case, by label) and on extra
    /// keys: the roles' own grants, keys no catalog has under their wildcards, random keys, flat
    /// names. Legacy `permissions[]` are kept and grant nothing.
    #[test]
    fn decisions_agree_with_the_model(scenario in scenario()) {
        let model = scenario.model_catalog();
        let roles = scenario.model_roles();
        let Built { catalog, policy, ids, .. } = build(&scenario)?;
        let context = || format!("catalog: {}\nroles: {}", scenario.catalog_json(), scenario.roles_json());
        let questions = string_questions(&scenario, &catalog);
        for (r, (&id, role)) in ids.iter().zip(&roles).enumerate() {
            let spec = &scenario.roles[r];
            prop_assert_eq!(policy.audit(id).unwrap().legacy, spec.legacy.iter().map(String::as_str).collect::<Vec<_>>());
            for p in catalog.iter() {
                let question = triple_of(p).map_or(Question::Flat, Question::Key);
                prop_assert_eq!(policy.allows(id, p), role.allows(&question), "allows `{}`, role {}; {}", p, r, context());
                prop_assert_eq!(observe_decision(&policy.decide(id, p)), role.decide(&question), "decide `{}`, role {}; {}", p, r, context());
            }
            for question in &questions {
                let expected = model.question(question);
                let allows = policy.allows(id, question).map_err(|e| refusal(&e));
                prop_assert_eq!(&allows, &expected.clone().map(|q| role.allows(&q)), "allows string `{}`, role {}; {}", question, r, context());
                let decision = policy.decide(id, question);
                let decision = decision.as_ref().map(observe_decision).map_err(refusal);
                prop_assert_eq!(decision, expected.map(|q| role.decide(&q)), "decide string `{}`, role {}; {}", question, r, context());
            }
        }
    }

    /// A user in a division (`user_in`), asked by typed permission and by string, agrees with the
    /// model's division rule, in every division of the subject, another one and `*`; the user
    /// itself (every division) answers as in `*`. The user is the subject read from subject JSON
    /// (`add_subject`, with the roles as the subject document spells them) and the same subject
    /// added by hand (`add_user` with the role ids of the role file's roles): both must agree with
    /// the model, and the subject's roles are the role file's roles it grants.
    #[test]
    fn divisions_agree_with_the_model(scenario in scenario()) {
        let model = scenario.model_catalog();
        let roles = scenario.model_roles();
        let Built { catalog, policy, ids, users } = build_with_subject(&scenario)?;
        let by_hand = users.first().copied().ok_or_else(|| fail("no user", "by hand", &scenario))?;
        let context = || format!(
            "catalog: {}\nroles: {}\nsubject: {}",
            scenario.catalog_json(), scenario.roles_json(), scenario.subject_json()
        );
        let spec = SubjectSpec::parse(&scenario.subject_json()).map_err(|e| fail("subject rejected", e, &scenario))?;
        prop_assert_eq!(spec.roles().count(), scenario.subject.iter().map(|(r, _)| r).collect::<BTreeSet<_>>().len());
        let mut builder = Policy::builder(&catalog);
        let from_json = builder.add_user_definition(&spec.definition()).map_err(|e| fail("subject not added", e, &scenario))?;
        let subject_policy = builder.build();
        prop_assert_eq!(subject_policy.user("u-1"), Some(from_json));
        prop_assert_eq!(policy.user("by hand"), Some(by_hand));
        // The subject's roles: those it grants, once each, in the order of their first grant, each
        // allowing what the role file's role of that name allows.
        let mut granted: Vec<(&str, RoleId)> = Vec::new();
        for (r, _) in &scenario.subject {
            let name = scenario.roles[*r].name.as_str();
            if granted.iter().all(|(n, _)| *n != name) {
                granted.push((name, ids[*r]));
            }
        }
        let names: Vec<&str> = subject_policy.roles().filter_map(|r| subject_policy.name(r)).collect();
        prop_assert_eq!(&names, &granted.iter().map(|(n, _)| *n).collect::<Vec<_>>(), "{}", context());
        for (name, id) in &granted {
            let own = subject_policy.role(name).unwrap();
            let keys = |p: &Policy, r: RoleId| p.permissions(r).map(|p| p.key().to_owned()).collect::<Vec<_>>();
            prop_assert_eq!(keys(&subject_policy, own), keys(&policy, *id), "role `{}`; {}", name, context());
        }
        for (policy, user, how) in [(&policy, by_hand, "by hand"), (&subject_policy, from_json, "subject JSON")] {
            for (n, p) in catalog.iter().enumerate() {
                let (question, aware) = match triple_of(p) {
                    Some(t) => {
                        let aware = model.division_aware(&t);
                        (Question::Key(t), aware)
                    }
                    None => (Question::Flat, true),
                };
                let everywhere = model_allows_in(&roles, &scenario.subject, &question, aware, "*");
                prop_assert_eq!(policy.allows(user, p), everywhere, "{}: allows `{}` in every division; {}", how, p, context());
                for division in DIVISIONS.iter().chain(&["d4"]) {
                    let expected = model_allows_in(&roles, &scenario.subject, &question, aware, division);
                    let who = policy.user_in(user, division);
                    prop_assert_eq!(policy.allows(who, p), expected, "{}: allows `{}` in `{}`; {}", how, p, division, context());
                    if !p.is_wildcard() {
                        let key = scenario.recase(p.key(), n);
                        prop_assert_eq!(policy.allows(who, &key), Ok(expected), "{}: allows `{}` in `{}`; {}", how, key, division, context());
                    }
                }
            }
            for question in &scenario.questions {
                let expected = model.question(question).map(|q| {
                    let aware = match &q {
                        Question::Key(t) => model.division_aware(t),
                        Question::Flat => true,
                    };
                    (q, aware)
                });
                let actual = policy.allows(user, question).map_err(|e| refusal(&e));
                let everywhere = expected.clone().map(|(q, aware)| model_allows_in(&roles, &scenario.subject, &q, aware, "*"));
                prop_assert_eq!(actual, everywhere, "{}: allows `{}` in every division; {}", how, question, context());
                for division in DIVISIONS.iter().chain(&["d4"]) {
                    let actual = policy.allows(policy.user_in(user, division), question).map_err(|e| refusal(&e));
                    let expected = expected.clone().map(|(q, aware)| model_allows_in(&roles, &scenario.subject, &q, aware, division));
                    prop_assert_eq!(actual, expected, "{}: allows `{}` in `{}`; {}", how, question, division, context());
                }
            }
        }
    }

    /// Users built in code (`add_user`): several of the scenario's roles (conditional grants
    /// among them), each in a division or in `Division::All`, the same role in two divisions, now
    /// and then a users/me user beside them in the policy. Every catalog permission (typed, by key
    /// in another case, by label) and every extra key: `allows` and `decide` in every division at
    /// once and in each division named or not (`user_in`), and `divisions_permitted`.
    #[test]
    fn users_built_in_code_agree_with_the_model(case in user_scenario(3, 1)) {
        users_agree_with_the_model(&case)?;
    }

    /// Users read from users/me JSON (`add_user_authorization`): three- and four-segment
    /// permissions (`*` divisions, `*` entities and actions), legacy flat names, policies with
    /// and without conditions, `roles` that grant nothing, the whole user or its `authorization`
    /// alone; now and then a user built in code beside them. The same questions as above.
    #[test]
    fn users_from_users_me_agree_with_the_model(case in user_scenario(1, 3)) {
        users_agree_with_the_model(&case)?;
    }

    /// The builtin catalog's name table against a map of lowercase names: every key and label
    /// in random case (labels in other spacing too), the same with one character changed (often
    /// to its bit-5 twin: `[` for `{`, `` ` `` for `@`), and random strings of the characters
    /// names are made of. `lookup` finds exactly what the map holds, as the table's length
    /// classes (up to 8, 16, 24, 32, 40, 48 bytes, longer) and its hash must not change.
    #[test]
    fn name_lookups_agree_with_a_map_of_lowercase_names(questions in vec(name_question(), 64)) {
        let catalog = Catalog::builtin();
        let names = lowercase_names();
        for question in &questions {
            let expected = names.get(&question.to_ascii_lowercase()).or_else(|| {
                question.contains('>').then(|| names.get(&normalize_label(question))).flatten()
            });
            let expected = expected.copied().filter(|_| question.len() <= 256);
            prop_assert_eq!(catalog.lookup(question).map(|p| p.index()), expected, "{:?}", question);
        }
    }
}

/// Every builtin key and normalized label, lowercase, to its index (the last one where two
/// permissions share a label).
fn lowercase_names() -> BTreeMap<String, u16> {
    let mut names = BTreeMap::new();
    for p in Catalog::builtin().iter() {
        names.insert(p.key().to_ascii_lowercase(), p.index());
        if let Some(label) = p.label() {
            names.insert(normalize_label(label), p.index());
        }
    }
    names
}

/// A string question for [`name_lookups_agree_with_a_map_of_lowercase_names`].
fn name_question() -> impl Strategy<Value = String> {
    let names: Vec<String> = Catalog::builtin()
        .iter()
        .flat_map(|p| [Some(p.key().to_owned()), p.label().map(str::to_owned)])
        .flatten()
        .collect();
    let respelled = (select(names), any::<u64>(), 0..3u8).prop_map(|(name, case, spacing)| {
        let name = match spacing {
            0 => name,
            1 => name.replace(" > ", ">"),
            _ => name.replace('>', "  >   "),
        };
        let mut bits = case;
        name.chars()
            .map(|c| {
                bits = bits.rotate_right(1);
                if bits & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect::<String>()
    });
    let changed = (respelled.clone(), any::<Index>(), any::<bool>(), 32u8..127).prop_map(|(name, at, twin, byte)| {
        let mut chars: Vec<char> = name.chars().collect();
        let at = at.index(chars.len().max(1)).min(chars.len().saturating_sub(1));
        if let Some(c) = chars.get_mut(at).filter(|c| c.is_ascii()) {
            *c = if twin {
                char::from(*c as u8 ^ 0x20)
            } else {
                char::from(byte)
            };
        }
        chars.into_iter().collect()
    });
    prop_oneof![
        4 => respelled,
        4 => changed,
        1 => "[a-zA-Z:>_ {}\\[\\]@`]{0,60}",
    ]
}

// ---------------------------------------------------------------------------------------------
// Pinned cases the generators avoid on purpose
// ---------------------------------------------------------------------------------------------

/// Two spellings of one permission that contradict each other on `divisionAware`: whatever their
/// order, the permission must stay division-aware (the safe side). The generators never produce
/// this, so that the properties above do not depend on the rule.
#[test]
fn conflicting_division_aware_statements_take_the_safe_side() {
    for (first, second) in [(true, false), (false, true)] {
        let org = json!({"entities": [
            {"domain": "alpha", "permissionMap": {"item": [
                {"domain": "alpha", "entityType": "item", "action": "view", "divisionAware": first}]}},
            {"domain": "ALPHA", "permissionMap": {"Item": [
                {"domain": "ALPHA", "entityType": "Item", "action": "VIEW", "divisionAware": second}]}}
        ]});
        let catalog = permgate::genesys::org_catalog(Catalog::builtin(), &org.to_string()).unwrap();
        let view = catalog.lookup("alpha:item:view").unwrap();
        assert_eq!(view.key(), "alpha:item:view");
        assert!(catalog.is_division_aware(view), "{first} then {second}");
        let mut builder = Policy::builder(&catalog);
        let viewer = builder.add_role("viewer", ["alpha:item:view"]).unwrap();
        let user = builder.add_user("ana", [(viewer, Division::new("d1"))]).unwrap();
        let policy = builder.build();
        assert!(policy.allows(policy.user_in(user, "d1"), view));
        assert!(
            !policy.allows(policy.user_in(user, "d2"), view),
            "{first} then {second}"
        );
    }
}

/// `Catalog::with_org_catalog`: an organization's label for a builtin permission that has none becomes
/// a name lookups accept (the builtin entry itself is static, so `label()` stays `None`).
#[test]
fn an_org_label_names_a_builtin_permission_that_has_none() {
    let org = json!({"entities": [{"domain": "webDeployments", "permissionMap": {"configuration": [
        {"domain": "webDeployments", "entityType": "configuration", "action": "view",
         "label": "Web Deployments > Configurations > View"}]}}]});
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), &org.to_string()).unwrap();
    let view = catalog.lookup("webDeployments:configuration:view").unwrap();
    assert_eq!(view.label(), None);
    assert_eq!(catalog.lookup("web deployments > configurations > view"), Some(view));
    assert!(
        Catalog::builtin()
            .lookup("Web Deployments > Configurations > View")
            .is_none()
    );
}

/// The model itself, on cases worked out by hand, so that a wrong model cannot agree with a wrong
/// library.
#[test]
fn the_model_answers_hand_worked_cases() {
    let scenario = Scenario {
        entries: vec![
            OrgEntry {
                domain: "Alpha".into(),
                entity: "Item".into(),
                action: "View".into(),
                division_aware: Some(false),
                allows_conditions: None,
                label: Some("Alpha > Item > View".into()),
            },
            OrgEntry {
                domain: "ALPHA".into(),
                entity: "ITEM".into(),
                action: "VIEW".into(),
                division_aware: None,
                allows_conditions: Some(true),
                label: Some("Other > Label > View".into()),
            },
            OrgEntry {
                domain: "alpha".into(),
                entity: "items".into(),
                action: "view".into(),
                division_aware: None,
                allows_conditions: None,
                label: Some("alpha>item>VIEW".into()),
            },
            OrgEntry {
                domain: "routing".into(),
                entity: "QUEUE".into(),
                action: "view".into(),
                division_aware: Some(false),
                allows_conditions: None,
                label: Some("Routing > Queue > Watch".into()),
            },
        ],
        pages: 2,
        roles: vec![RoleJson {
            name: "r".into(),
            policies: vec![
                PolicyJson {
                    domain: "ALPHA".into(),
                    entity: "item".into(),
                    actions: vec!["*".into()],
                    allow_conditions: false,
                    condition: None,
                },
                PolicyJson {
                    domain: "alpha".into(),
                    entity: "*".into(),
                    actions: vec!["view".into()],
                    allow_conditions: true,
                    condition: Some(1),
                },
                PolicyJson {
                    domain: "routing".into(),
                    entity: "queue".into(),
                    actions: vec!["VIEW".into()],
                    allow_conditions: true,
                    condition: Some(2),
                },
            ],
            legacy: vec!["routing:queue:view".into()],
        }],
        subject: vec![(0, "d1".into())],
        questions: vec![],
        case_seed: 0,
    };
    let model = scenario.model_catalog();
    let role = &scenario.model_roles()[0];
    let item = model.perms[&triple("alpha", "item", "view")].clone();
    assert_eq!(item.spelling, "Alpha:Item:View");
    assert_eq!((item.division_aware, item.allows_conditions), (Some(false), Some(true)));
    assert_eq!(item.label.as_deref(), Some("alpha > item > view"));
    assert_eq!(
        model.perms[&triple("alpha", "items", "view")].label,
        None,
        "label taken"
    );
    assert_eq!(
        model.perms[&triple("routing", "queue", "view")].spelling,
        "routing:queue:view"
    );
    assert_eq!(
        model.perms[&triple("routing", "queue", "view")].label.as_deref(),
        Some("routing > queue > view")
    );
    assert_eq!(model.added, 2);
    let q = |s: &str| model.question(s).unwrap();
    assert_eq!(role.decide(&q("alpha:item:edit")), MDecision::Allowed);
    assert_eq!(
        role.decide(&q("alpha:items:view")),
        MDecision::AllowedIf([condition_text(1)].into())
    );
    assert_eq!(
        role.decide(&q("routing:queue:view")),
        MDecision::AllowedIf([condition_text(2)].into())
    );
    assert_eq!(role.decide(&q("alpha:itemsx:edit")), MDecision::Denied);
    assert_eq!(model.question("Alpha > Item > All"), Err(Refusal::Wildcard));
    assert_eq!(model.question("Routing > Queue > Watch"), Err(Refusal::UnknownLabel));
    assert_eq!(model.question("alpha:*:view"), Err(Refusal::Wildcard));
    let roles = scenario.model_roles();
    let item_q = q("alpha:item:view");
    assert!(model_allows_in(&roles, &scenario.subject, &item_q, false, "d2"));
    assert!(!model_allows_in(&roles, &scenario.subject, &item_q, true, "d2"));
    assert!(model_allows_in(&roles, &scenario.subject, &item_q, true, "d1"));
}

/// The user model on cases worked out by hand: divisions, `*`, permissions that are not
/// division-aware, conditions in reach each once, and a users/me document read by its rules.
#[test]
fn the_user_model_answers_hand_worked_cases() {
    let key = |s: &str| Question::Key(key_triple(s).unwrap());
    let c = |ids: &[u8]| MDecision::AllowedIf(ids.iter().copied().map(condition_text).collect());
    let roles = vec![
        MRole {
            grants: vec![
                (triple("alpha", "item", "view"), None),
                (triple("alpha", "*", "edit"), Some(1)),
            ],
        },
        MRole {
            grants: vec![(triple("alpha", "item", "*"), Some(2))],
        },
    ];
    // role 0 in d1 and in d2, role 1 in every division.
    let user = MUser::from_roles(&roles, &[(0, "d1".into()), (0, "d2".into()), (1, "*".into())]);
    assert_eq!(user.divisions, ["d1".to_owned(), "d2".to_owned()].into());
    let view = key("alpha:item:view");
    assert!(user.allows(&view, true, Some("d1")) && user.allows(&view, true, Some("d2")));
    assert!(!user.allows(&view, true, Some("d3")) && !user.allows(&view, true, Some("*")));
    assert!(
        !user.allows(&view, true, None),
        "division-aware without a division needs `*`"
    );
    assert_eq!(
        user.permitted(&view, true),
        MPermitted::In(vec!["d1".into(), "d2".into()])
    );
    assert!(user.allows(&view, false, None) && user.allows(&view, false, Some("d4")));
    assert_eq!(user.permitted(&view, false), MPermitted::Everywhere);
    let edit = key("alpha:item:edit");
    assert_eq!(user.decide(&edit, true, Some("d1")), c(&[1, 2]));
    assert_eq!(user.decide(&edit, true, Some("d3")), c(&[2]));
    assert_eq!(user.decide(&edit, true, None), c(&[2]));
    assert_eq!(
        user.decide(&edit, false, Some("d3")),
        c(&[1, 2]),
        "c1 from d1 and d2, once"
    );
    assert_eq!(
        user.permitted(&edit, false),
        MPermitted::In(vec![]),
        "conditional grants do not count"
    );
    let items = key("alpha:items:edit");
    assert_eq!(user.decide(&items, true, Some("d2")), c(&[1]));
    assert_eq!(user.decide(&items, true, Some("d4")), MDecision::Denied);
    assert_eq!(user.decide(&Question::Flat, false, None), MDecision::Denied);
    let refused = user.answers(&Err(Refusal::Wildcard));
    assert_eq!(refused.permitted, Err(Refusal::Wildcard));
    assert!(refused.in_division.iter().all(|(_, a, d)| a.is_err() && d.is_err()));

    let doc = DocJson {
        id: "me-0".into(),
        whole: true,
        named: false,
        permissions: Some(
            [
                "alpha:item:view:d1",
                "Alpha:Item:Edit",
                "alpha:*:add:*",
                "admin",
                "alpha:item:delete:d2",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        policies: Some(vec![PolicyJson {
            domain: "alpha".into(),
            entity: "item".into(),
            actions: vec!["search".into()],
            allow_conditions: true,
            condition: Some(3),
        }]),
        roles: vec!["role 0".into()],
    };
    assert_eq!(doc.legacy(), ["admin"]);
    let me = MUser::from_doc(&doc);
    assert_eq!(me.divisions, ["d1".to_owned(), "d2".to_owned()].into());
    assert_eq!(me.permitted(&view, true), MPermitted::In(vec!["d1".into()]));
    assert_eq!(
        me.permitted(&edit, true),
        MPermitted::Everywhere,
        "three segments: every division"
    );
    assert_eq!(
        me.permitted(&key("alpha:items:add"), true),
        MPermitted::Everywhere,
        "`*` division"
    );
    let search = key("alpha:item:search");
    assert!(!me.allows(&search, true, None));
    assert_eq!(me.decide(&search, true, Some("d4")), c(&[3]));
    let delete = key("alpha:item:delete");
    assert!(!me.allows(&delete, true, Some("d1")) && me.allows(&delete, true, Some("d2")));
    assert_eq!(me.permitted(&delete, false), MPermitted::Everywhere);
    assert!(doc.questions().contains(&"alpha:newThing:add".to_owned()));
}

// ---------------------------------------------------------------------------------------------
// Wildcards over what the builtin catalog knows and does not know
// ---------------------------------------------------------------------------------------------

/// The builtin catalog's concrete keys, split: what [`ScopedKey`] starts from.
fn builtin_keys() -> &'static [[String; 3]] {
    static KEYS: std::sync::OnceLock<Vec<[String; 3]>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let split = |key: &str| match key.split(':').collect::<Vec<_>>().as_slice() {
            [d, e, a] if *a != "*" => Some([d.to_string(), e.to_string(), a.to_string()]),
            _ => None,
        };
        Catalog::builtin().iter().filter_map(|p| split(p.key())).collect()
    })
}

/// A key or wildcard made from a builtin key: some segments replaced by fresh words (an entity or
/// a domain the catalog does not know), then `*` where `shape` says (0: none, 1: `d:e:*`, 2:
/// `d:*:*`, 3: `d:*:a`), in a case `case` chooses.
#[derive(Debug, Clone)]
struct ScopedKey {
    pick: Index,
    fresh: Vec<Option<String>>,
    shape: u8,
    case: u64,
}

impl ScopedKey {
    fn spell(&self, shape: u8) -> String {
        let keys = builtin_keys();
        let base = &keys[self.pick.index(keys.len())];
        let [d, e, a]: [String; 3] = std::array::from_fn(|i| self.fresh[i].clone().unwrap_or_else(|| base[i].clone()));
        let key = match shape {
            0 => format!("{d}:{e}:{a}"),
            1 => format!("{d}:{e}:*"),
            2 => format!("{d}:*:*"),
            _ => format!("{d}:*:{a}"),
        };
        recase_with(&key, self.case)
    }
}

fn scoped_key() -> impl Strategy<Value = ScopedKey> {
    let fresh = prop_oneof![3 => Just(None), 1 => word().prop_map(Some)];
    (any::<Index>(), vec(fresh, 3), 0u8..4, any::<u64>()).prop_map(|(pick, fresh, shape, case)| ScopedKey {
        pick,
        fresh,
        shape,
        case,
    })
}

proptest! {
    #![proptest_config(config())]

    /// Wildcards over entities and domains the catalog knows (held as bits) and over ones it does
    /// not (held as strings), with keys the catalog does not know, in any case: `allows` of a key
    /// no catalog knows is what a naive model says (some grant covers it segment by segment,
    /// ignoring case, `*` covering any segment), and the wildcard form of the role lists each
    /// wildcard granted once.
    #[test]
    fn wildcards_over_known_and_unknown_scopes_agree_with_a_naive_model(
        grants in vec(scoped_key(), 1..12),
        asked in vec(scoped_key(), 1..24),
        filler in word(),
    ) {
        let catalog = Catalog::builtin();
        let granted: Vec<String> = grants.iter().map(|g| g.spell(g.shape)).collect();
        let policy = Policy::builder(catalog).role("r", &granted).unwrap().build();
        let role = policy.role("r").unwrap();
        let model: Vec<Triple> = granted.iter().map(|g| key_triple(g).unwrap()).collect();
        // Random keys, and keys under each wildcard granted (its `*` filled in, another case).
        let under = granted.iter().zip(0..).map(|(g, salt)| recase_with(&g.replace('*', &filler), mix(7, salt)));
        let questions: Vec<String> = asked.iter().map(|q| q.spell(0)).chain(under).collect();
        for question in questions.iter().filter(|q| catalog.lookup(q).is_none()) {
            let t = key_triple(question).unwrap();
            let expected = model.iter().any(|g| covers(g, &t));
            prop_assert_eq!(policy.allows(role, question.as_str()), Ok(expected), "`{}`; grants {:?}", question, granted);
        }
        let definition = policy.definition(role, permgate::definition::Form::Wildcard).unwrap();
        let listed: Vec<String> = definition.grants[0]
            .permissions
            .iter()
            .filter(|key| key.contains('*'))
            .map(|key| key.to_ascii_lowercase())
            .collect();
        let distinct: BTreeSet<String> = granted.iter().filter(|g| g.contains('*')).map(|g| g.to_ascii_lowercase()).collect();
        prop_assert_eq!(listed.len(), distinct.len(), "listed {:?}; grants {:?}", listed, granted);
        prop_assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), distinct, "grants {:?}", granted);
    }
}

// ---------------------------------------------------------------------------------------------
// Strings equal to a grant of a key no catalog knows, and strings next to one
// ---------------------------------------------------------------------------------------------

/// A grant no catalog knows: a key of fresh words, a flat name, one at the length limit.
fn unknown_grant() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (word(), word(), word()).prop_map(|(d, e, a)| format!("qz{d}:{e}:{a}")),
        1 => "[A-Z][A-Z0-9_]{0,12}".prop_map(|name| format!("QZ{name}")),
        1 => (word(), 1usize..4).prop_map(|(d, cut)| {
            let key = format!("qz{d}:e:{}", "x".repeat(MAX_PERMISSION_LEN));
            key[..MAX_PERMISSION_LEN + 1 - cut].to_owned()
        }),
    ]
}

/// `grant` changed as `how` says: the same in another case (`bits`), or next to it: a byte
/// changed or flipped to its bit-5 twin, a `:` or a space added, a segment emptied or made `*`,
/// a byte cut, made over-long.
fn near(grant: &str, how: u8, bits: u64) -> String {
    let cased = recase_with(grant, bits);
    let mut bytes = cased.clone().into_bytes();
    let at = (bits >> 8) as usize % bytes.len();
    let segment = |i: usize, with: &str| {
        let mut parts: Vec<&str> = cased.split(':').collect();
        let i = i % parts.len();
        parts[i] = with;
        parts.join(":")
    };
    match how {
        0 | 1 => cased,
        2 => {
            let with = b"az09:_*> [{@`\x7f";
            bytes[at] = with[(bits >> 16) as usize % with.len()];
            String::from_utf8(bytes).unwrap()
        }
        3 => {
            bytes[at] ^= 0x20;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        4 => format!("{cased}:"),
        5 => format!(" {cased}"),
        6 => segment(at, ""),
        7 => segment(at, "*"),
        8 => cased[..cased.len() - 1].to_owned(),
        _ => format!(
            "{cased}{}",
            "x".repeat(MAX_PERMISSION_LEN + 1 - cased.len().min(MAX_PERMISSION_LEN))
        ),
    }
}

proptest! {
    #![proptest_config(config())]

    /// A string equal to a grant of a key or flat name no catalog knows, in any case, is answered
    /// before it is validated (the grant was validated when granted): it and the strings next to
    /// it get exactly the answer, or the refusal, of the full path (`explain`, which validates
    /// first), for a role, for a user (in every division and in one) and for the user compiled on
    /// demand; and where they are well-formed, the answer a list of lowercase grants gives.
    #[test]
    fn strings_equal_to_unknown_grants_are_answered_as_the_full_path_answers(
        grants in vec(unknown_grant(), 1..6),
        pattern in word(),
        asked in vec((any::<Index>(), 0u8..10, any::<u64>()), 1..24),
    ) {
        let catalog = Catalog::builtin();
        let mut granted = grants.clone();
        granted.push(format!("qz{pattern}:*:*"));
        let mut builder = Policy::builder(catalog);
        let r = builder.add_role("r", &granted).unwrap();
        let everywhere = builder.add_user("all", [(r, Division::All)]).unwrap();
        let in_one = builder.add_user("one", [(r, Division::new("d1"))]).unwrap();
        let policy = builder.build();
        let role = policy.role("r").unwrap();
        let compiled = policy.compile_user(&UserDefinition::new("one").role(RoleDefinition::new("r"), Division::new("d1"))).unwrap();
        let lowercase: BTreeSet<String> = granted.iter().map(|g| g.to_ascii_lowercase()).collect();
        for (pick, how, bits) in asked {
            let question = near(&grants[pick.index(grants.len())], how, bits);
            let q = question.as_str();
            let full = |who: Principal| policy.explain(who, q).map(|why| why.decision == Decision::Allowed);
            let answer = policy.allows(role, q);
            prop_assert_eq!(&answer, &full(role.into()), "`{}`; grants {:?}", q, granted);
            prop_assert_eq!(policy.decide(role, q).map(|d| d == Decision::Allowed), answer.clone(), "`{}`", q);
            prop_assert_eq!(policy.allows(everywhere, q), full(everywhere.into()), "`{}`", q);
            prop_assert_eq!(policy.allows(in_one, q), full(in_one.into()), "`{}`", q);
            let d1 = policy.user_in(in_one, "d1");
            prop_assert_eq!(policy.allows(d1, q), full(d1), "`{}`", q);
            prop_assert_eq!(compiled.allows(q), full(in_one.into()), "`{}`", q);
            prop_assert_eq!(compiled.in_division("d1").allows(q), full(d1), "`{}`", q);
            // Refused exactly as the parser refuses it; else what the grants say.
            match permgate::parse::parse(q) {
                Err(error) => prop_assert_eq!(&answer, &Err(QuestionError::from(error)), "`{}`", q),
                Ok(spelling) if spelling.is_wildcard() => {
                    prop_assert!(matches!(answer, Err(QuestionError::Wildcard { .. })), "`{}`", q)
                }
                Ok(_) if catalog.lookup(q).is_none() => {
                    let lower = q.to_ascii_lowercase();
                    let covered = lower.strip_prefix(&format!("qz{}:", pattern.to_ascii_lowercase())).is_some_and(|rest| rest.split(':').count() == 2);
                    prop_assert_eq!(&answer, &Ok(lowercase.contains(&lower) || covered), "`{}`; grants {:?}", q, granted);
                    if how < 2 {
                        prop_assert_eq!(&answer, &Ok(true), "`{}`", q);
                    }
                }
                Ok(_) => {}
            }
        }
    }
}

/// A string equal to a key no catalog knows that only a conditional grant holds: the unconditional
/// grants looked up before validating miss it, and `decide` still finds the conditional grant.
#[test]
fn a_key_only_a_conditional_grant_holds_is_allowed_under_its_condition() {
    let role = r#"{"name": "r", "permissionPolicies": [
      {"domain": "qzui", "entityName": "panel", "actionSet": ["edit"], "allowConditions": false},
      {"domain": "qzui", "entityName": "panel", "actionSet": ["view"], "allowConditions": true,
       "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
         "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#;
    let file = RoleFile::parse(role).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let r = builder.add_role_definition(&file.roles[0]).unwrap();
    let user = builder.add_user("u", [(r, Division::All)]).unwrap();
    let policy = builder.build();
    for who in [Principal::from(r), Principal::from(user)] {
        assert_eq!(policy.allows(who, "QZUI:Panel:EDIT"), Ok(true));
        assert_eq!(policy.decide(who, "QZUI:Panel:EDIT"), Ok(Decision::Allowed));
        assert_eq!(policy.allows(who, "QZUI:Panel:VIEW"), Ok(false));
        let Ok(Decision::AllowedIf(conditions)) = policy.decide(who, "QZUI:Panel:VIEW") else {
            panic!("{:?}", policy.decide(who, "QZUI:Panel:VIEW"));
        };
        assert_eq!(conditions.len(), 1);
    }
}
