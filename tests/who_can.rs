//! The reverse question (`Policy::who_can`, `Policy::who_can_among`) against the forward one.
//!
//! `who_can` is a column scan of the bitsets; the reference here is a naive loop asking
//! `decide`, `divisions_permitted` and `explain` about every principal, one at a time, over
//! random policies: roles of exact grants in random case, `*` entity and action wildcards, keys
//! no catalog knows, flat names and conditional grants; users holding roles in divisions and in
//! `*` (the same role twice among them) and grants of their own (a users/me document's); a
//! catalog where some permissions are not division-aware and a whole-entity row
//! (`attributes:attribute:*`) whose actions differ in division awareness. Every question of a
//! fixed list (catalog permissions, the row, keys no catalog knows, a wildcard that is an
//! error) is asked in every division, in each of `d1`, `d2`, `d3`, `d4` (never named) and `*`,
//! and in any division, for every case:
//!
//! - a role is listed exactly when `decide` does not deny it, with `decide`'s decision;
//! - a user is listed exactly when `decide` on it there does not deny it, with that decision (in
//!   any division: allowed when some division allows it, else allowed under the conditions of
//!   every division, as a set); its `divisions` are `divisions_permitted`'s; its `grants` are the
//!   grants `explain` names there (in any division: in some division);
//! - a string `who_can` refuses, `decide` refuses with the same error;
//! - over the same users compiled on demand, `who_can_among` gives the same entries.
//!
//! 64 cases by default; `PROPTEST_CASES` (or `PERMGATE_PROPTEST_CASES`, which wins) sets more:
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test --release --all-features --test who_can
//! ```
//!
//! (20,000 cases passed in about 61 s of test time on a 2-core x86_64 machine shared with other
//! builds, after about 100 s of release compilation.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use permgate::catalog::{OrgFlags, OrgPermission};
use permgate::condition::{Condition, Operand, OperandKind, Operator};
use permgate::explain::{By, Explanation, Permitted, Reason};
use permgate::parse::QuestionError;
use permgate::who_can::{Grant, UserCan, WhoCan, Within};
use permgate::{
    Catalog, CompiledUser, Decision, Division, Permission, Policy, Principal, RoleDefinition, UserDefinition, UserId,
    perm,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The builtin catalog, with `attributes:attribute` listed action by action (`edit` not
/// division-aware: the row `attributes:attribute:*` is held across divisions) and `acme:widget`
/// (`view` not division-aware, `edit` division-aware, `delete` unsaid: division-aware).
fn catalog() -> Catalog {
    let mut extension = Catalog::builtin().extension();
    let entries = [
        ("attributes:attribute:add", None),
        ("attributes:attribute:delete", None),
        ("attributes:attribute:edit", Some(false)),
        ("attributes:attribute:view", Some(true)),
        ("acme:widget:view", Some(false)),
        ("acme:widget:edit", Some(true)),
        ("acme:widget:delete", None),
    ];
    for (key, division_aware) in entries {
        let flags = OrgFlags::new(division_aware, None);
        extension.add(&OrgPermission::new(key, None, flags)).unwrap();
    }
    extension.finish()
}

/// What roles grant: catalog permissions (in other cases too), wildcards, keys no catalog
/// knows, a flat name.
const GRANTS: [&str; 18] = [
    "attributes:attribute:add",
    "attributes:attribute:delete",
    "ATTRIBUTES:Attribute:edit",
    "attributes:attribute:view",
    "attributes:attribute:*",
    "acme:widget:view",
    "acme:widget:EDIT",
    "acme:widget:delete",
    "acme:*:*",
    "acme:*:view",
    "acme:gizmo:view",
    "routing:queue:view",
    "routing:queue:*",
    "Routing > Queue > Join",
    "zeta:thing:run",
    "ZETA_THING_RUN",
    "journey:actionmap:view",
    "acme:widget:*",
];

/// What is asked: typed permissions (the whole-entity rows among them), catalog permissions by
/// key, keys no catalog knows (some under a wildcard, some granted as they are), a flat name, and
/// wildcards (errors).
const TYPED: [Permission<'static>; 3] = [
    perm::attributes::ATTRIBUTE_ALL,
    perm::integration::AMI_PREMIUM_APPS_ALL,
    perm::routing::QUEUE_JOIN,
];

/// A question: typed, or a string.
#[derive(Debug, Clone, Copy)]
enum Q {
    Typed(Permission<'static>),
    Str(&'static str),
}

impl Q {
    fn all() -> impl Iterator<Item = Q> {
        TYPED.into_iter().map(Q::Typed).chain(QUESTIONS.into_iter().map(Q::Str))
    }

    fn who_can<'p>(self, policy: &'p Policy, within: Within<'_>) -> Result<WhoCan<'p>, QuestionError> {
        match self {
            Q::Typed(p) => Ok(policy.who_can(p, within)),
            Q::Str(s) => policy.who_can(s, within),
        }
    }

    fn who_can_among<'u>(
        self,
        policy: &Policy,
        within: Within<'_>,
        users: &'u [CompiledUser],
    ) -> Vec<(&'u CompiledUser, UserCan<'u>)> {
        match self {
            Q::Typed(p) => policy.who_can_among(p, within, users),
            Q::Str(s) => policy.who_can_among(s, within, users).unwrap(),
        }
    }

    fn decide<'p>(self, policy: &'p Policy, who: impl Into<Principal>) -> Result<Decision<'p>, QuestionError> {
        match self {
            Q::Typed(p) => Ok(policy.decide(who, p)),
            Q::Str(s) => policy.decide(who, s),
        }
    }

    fn explain<'p>(self, policy: &'p Policy, who: impl Into<Principal>) -> Explanation<'p> {
        match self {
            Q::Typed(p) => policy.explain(who, p),
            Q::Str(s) => policy.explain(who, s).unwrap(),
        }
    }

    fn divisions_permitted(self, policy: &Policy, user: UserId) -> Permitted<'_> {
        match self {
            Q::Typed(p) => policy.divisions_permitted(user, p),
            Q::Str(s) => policy.divisions_permitted(user, s).unwrap(),
        }
    }
}

const QUESTIONS: [&str; 17] = [
    "attributes:attribute:*",
    "attributes:attribute:delete",
    "attributes:attribute:add",
    "attributes:attribute:edit",
    "attributes:attribute:view",
    "acme:widget:view",
    "acme:widget:edit",
    "acme:widget:delete",
    "acme:gizmo:view",
    "acme:gizmo:edit",
    "routing:queue:view",
    "routing:queue:join",
    "routing:queue:newAction",
    "zeta:thing:run",
    "zeta_thing_run",
    "journey:actionmap:edit",
    "routing:queue:*",
];

/// Division ids users' grants name (`*` is every division).
const DIVISIONS: [&str; 4] = ["*", "d1", "d2", "d3"];

/// Where questions are asked: `d4` no grant names.
const WITHIN: [Within<'static>; 7] = [
    Within::EveryDivision,
    Within::Division("d1"),
    Within::Division("d2"),
    Within::Division("d3"),
    Within::Division("d4"),
    Within::Division("*"),
    Within::AnyDivision,
];

fn condition(n: usize) -> Condition {
    Condition::Term {
        variable: "Queue.id".into(),
        operator: Operator::In,
        operands: vec![Operand::new(OperandKind::Queue, format!("q-{n}"))],
    }
}

/// A set of grants: unconditional ones, and conditional groups (grants, condition number).
#[derive(Debug, Clone)]
struct SetSpec {
    grants: Vec<usize>,
    conditional: Vec<(Vec<usize>, usize)>,
}

#[derive(Debug, Clone)]
struct UserSpec {
    /// (role number, division number).
    roles: Vec<(usize, usize)>,
    /// Grants of its own, each in a division.
    direct: Vec<(SetSpec, usize)>,
}

#[derive(Debug, Clone)]
struct Spec {
    roles: Vec<SetSpec>,
    users: Vec<UserSpec>,
}

/// A grant: half the time an action of `attributes:attribute` (the first four), so that grants
/// often hold the row's actions between them.
fn grant() -> impl Strategy<Value = usize> {
    prop_oneof![0..4usize, 0..GRANTS.len()]
}

fn set_spec() -> impl Strategy<Value = SetSpec> {
    let grants = vec(grant(), 0..4);
    let conditional = vec((vec(grant(), 1..3), 0..3usize), 0..2);
    (grants, conditional).prop_map(|(grants, conditional)| SetSpec { grants, conditional })
}

fn spec() -> impl Strategy<Value = Spec> {
    vec(set_spec(), 1..6).prop_flat_map(|roles| {
        let count = roles.len();
        let user = (
            vec((0..count, 0..DIVISIONS.len()), 0..4),
            vec((set_spec(), 0..DIVISIONS.len()), 0..2),
        )
            .prop_map(|(roles, direct)| UserSpec { roles, direct });
        (Just(roles), vec(user, 0..7)).prop_map(|(roles, users)| Spec { roles, users })
    })
}

fn definition(name: String, set: &SetSpec) -> RoleDefinition {
    let mut role = RoleDefinition::new(name).grant(set.grants.iter().map(|&g| GRANTS[g]));
    for (grants, n) in &set.conditional {
        role = role.grant_if(grants.iter().map(|&g| GRANTS[g]), condition(*n));
    }
    role
}

/// The users as definitions: their roles as the same definitions the policy holds.
fn user_definitions(spec: &Spec) -> Vec<UserDefinition> {
    let roles: Vec<RoleDefinition> = (spec.roles.iter().enumerate())
        .map(|(n, set)| definition(format!("role-{n}"), set))
        .collect();
    (spec.users.iter().enumerate())
        .map(|(n, user)| {
            let mut definition_of = UserDefinition::new(format!("user-{n}"));
            for &(role, division) in &user.roles {
                definition_of = definition_of.role(roles[role].clone(), Division::new(DIVISIONS[division]));
            }
            for (m, (set, division)) in user.direct.iter().enumerate() {
                let own = definition(format!("own-{n}-{m}"), set);
                definition_of = definition_of.direct(own, Division::new(DIVISIONS[*division]));
            }
            definition_of
        })
        .collect()
}

fn build(catalog: &Catalog, spec: &Spec) -> (Policy, Vec<UserDefinition>) {
    let mut builder = Policy::builder(catalog);
    for (n, set) in spec.roles.iter().enumerate() {
        builder
            .add_role_definition(&definition(format!("role-{n}"), set))
            .unwrap();
    }
    let users = user_definitions(spec);
    for user in &users {
        builder.add_user_definition(user).unwrap();
    }
    (builder.build(), users)
}

/// A grant as the two sides name it: role, named or not, division, condition.
type Key = (String, bool, Option<String>, Option<Condition>);

fn grant_key(grant: &Grant<'_>) -> Key {
    (
        grant.role.to_owned(),
        grant.named_role,
        Some(grant.division.id().to_owned()),
        grant.condition.cloned(),
    )
}

fn reason_key(reason: &Reason<'_>) -> Key {
    (
        reason.role.to_owned(),
        reason.named_role,
        reason.division.map(|d| d.id().to_owned()),
        reason.condition.cloned(),
    )
}

/// Reasons of one grant follow one another (by name, by a wildcard): one key each.
fn dedup(mut keys: Vec<Key>) -> Vec<Key> {
    keys.dedup();
    keys
}

fn conditions(decision: &Decision<'_>) -> BTreeSet<Condition> {
    match decision {
        Decision::AllowedIf(conditions) => conditions.iter().map(|c| (*c).clone()).collect(),
        _ => BTreeSet::new(),
    }
}

/// The user where `within` asks (`None`: in any division).
fn scoped(policy: &Policy, user: UserId, within: Within<'_>) -> Option<Principal> {
    match within {
        Within::EveryDivision => Some(user.into()),
        Within::Division(id) => Some(policy.user_in(user, id)),
        Within::AnyDivision => None,
    }
}

/// Checks one answer against a question per principal.
fn check_answer(policy: &Policy, question: Q, within: Within<'_>, who: &WhoCan<'_>) -> Result<(), TestCaseError> {
    let context = format!("{question:?} {within:?}");
    // Roles.
    let expected: Vec<(String, Decision<'_>)> = policy
        .roles()
        .map(|role| {
            (
                policy.name(role).unwrap().to_owned(),
                question.decide(policy, role).unwrap(),
            )
        })
        .filter(|(_, decision)| *decision != Decision::Denied)
        .collect();
    let got: Vec<(String, Decision<'_>)> = who
        .roles
        .iter()
        .map(|role| (role.name.to_owned(), role.decision.clone()))
        .collect();
    prop_assert_eq!(got, expected, "roles, {}", context);
    for role in &who.roles {
        prop_assert_eq!(policy.name(role.role), Some(role.name));
    }
    // Users.
    let mut listed = who.users.iter().peekable();
    for user in policy.users() {
        let name = policy.name(user).unwrap();
        let expected = match scoped(policy, user, within) {
            Some(there) => question.decide(policy, there).unwrap(),
            None => {
                let places =
                    std::iter::once(Principal::from(user)).chain(DIVISIONS.iter().map(|d| policy.user_in(user, d)));
                let decisions: Vec<Decision<'_>> = places.map(|p| question.decide(policy, p).unwrap()).collect();
                if decisions.iter().any(Decision::is_allowed) {
                    Decision::Allowed
                } else {
                    let all: BTreeSet<Condition> = decisions.iter().flat_map(conditions).collect();
                    if all.is_empty() {
                        Decision::Denied
                    } else {
                        // Compared as a set below.
                        Decision::AllowedIf(Vec::new())
                    }
                }
            }
        };
        if expected == Decision::Denied {
            prop_assert!(
                listed.peek().is_none_or(|entry| entry.user != user),
                "{} listed, {}",
                name,
                context
            );
            continue;
        }
        let entry = listed.next();
        prop_assert!(
            entry.is_some_and(|entry| entry.user == user),
            "{} not listed, {}",
            name,
            context
        );
        let entry = entry.unwrap();
        prop_assert_eq!(entry.name, name);
        prop_assert_eq!(
            &entry.divisions(),
            &question.divisions_permitted(policy, user),
            "{} divisions, {}",
            name,
            context
        );
        check_grants(policy, question, within, user, entry, &context)?;
        match (&expected, scoped(policy, user, within)) {
            (Decision::AllowedIf(_), None) => {
                let all: BTreeSet<Condition> = std::iter::once(Principal::from(user))
                    .chain(DIVISIONS.iter().map(|d| policy.user_in(user, d)))
                    .flat_map(|p| conditions(&question.decide(policy, p).unwrap()))
                    .collect();
                prop_assert!(
                    matches!(entry.decision, Decision::AllowedIf(_)),
                    "{}, {}",
                    name,
                    context
                );
                prop_assert_eq!(conditions(&entry.decision), all, "{}, {}", name, context);
            }
            _ => prop_assert_eq!(&entry.decision, &expected, "{} decision, {}", name, context),
        }
    }
    prop_assert!(listed.next().is_none(), "extra users, {}", context);
    Ok(())
}

/// A user's grants against `explain` there (in any division: in some division).
fn check_grants(
    policy: &Policy,
    question: Q,
    within: Within<'_>,
    user: UserId,
    entry: &UserCan<'_>,
    context: &str,
) -> Result<(), TestCaseError> {
    let got: Vec<Key> = entry.grants().iter().map(grant_key).collect();
    if entry.decision == Decision::Allowed {
        prop_assert!(
            entry.grants().iter().any(|grant| grant.condition.is_none()),
            "allowed with no unconditional grant, {}",
            context
        );
    }
    match scoped(policy, user, within) {
        Some(there) => {
            let explanation = question.explain(policy, there);
            let expected = dedup(explanation.reasons.iter().map(reason_key).collect());
            prop_assert_eq!(dedup(got), expected, "grants of {}, {}", entry.name, context);
        }
        None => {
            let mut anywhere: Vec<&Reason<'_>> = Vec::new();
            let everywhere = question.explain(policy, user);
            let explanations: Vec<_> = DIVISIONS
                .iter()
                .map(|d| question.explain(policy, policy.user_in(user, d)))
                .collect();
            anywhere.extend(everywhere.reasons.iter().chain(&everywhere.elsewhere));
            anywhere.extend(explanations.iter().flat_map(|e| &e.reasons));
            let all: BTreeSet<Key> = anywhere.iter().map(|r| reason_key(r)).collect();
            let single: BTreeSet<Key> = (anywhere.iter())
                .filter(|r| !matches!(r.by, By::EveryActionWithOthers(_)))
                .map(|r| reason_key(r))
                .collect();
            let got: BTreeSet<Key> = got.into_iter().collect();
            prop_assert!(
                got.is_subset(&all),
                "grants of {} beyond explain, {}",
                entry.name,
                context
            );
            prop_assert!(single.is_subset(&got), "grants of {} missing, {}", entry.name, context);
        }
    }
    Ok(())
}

/// `who_can_among` over the users compiled on demand: the same entries as `who_can`.
fn check_compiled(
    policy: &Policy,
    users: &[UserDefinition],
    question: Q,
    within: Within<'_>,
    who: &WhoCan<'_>,
) -> Result<(), TestCaseError> {
    let compiled: Vec<_> = users.iter().map(|user| policy.compile_user(user).unwrap()).collect();
    let among = question.who_can_among(policy, within, &compiled);
    let summary = |user: &UserCan<'_>| {
        (
            user.name.to_owned(),
            user.decision.clone().to_owned_decision(),
            format!("{:?}", user.divisions()),
            user.grants().iter().map(grant_key).collect::<Vec<_>>(),
        )
    };
    let got: Vec<_> = among.iter().map(|(_, user)| summary(user)).collect();
    let expected: Vec<_> = who.users.iter().map(summary).collect();
    prop_assert_eq!(got, expected, "compiled users, {:?} {:?}", question, within);
    for (compiled, user) in &among {
        prop_assert_eq!(compiled.policy().name(compiled.id()), Some(user.name));
        prop_assert_eq!(compiled.id(), user.user);
    }
    Ok(())
}

/// A decision with its conditions cloned, to compare across policies.
trait OwnedDecision {
    fn to_owned_decision(self) -> (String, Vec<Condition>);
}

impl OwnedDecision for Decision<'_> {
    fn to_owned_decision(self) -> (String, Vec<Condition>) {
        match self {
            Decision::Allowed => ("allowed".into(), Vec::new()),
            Decision::AllowedIf(conditions) => ("allowed_if".into(), conditions.into_iter().cloned().collect()),
            Decision::Denied => ("denied".into(), Vec::new()),
        }
    }
}

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

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_column_scan_answers_as_a_question_per_principal(spec in spec()) {
        let catalog = catalog();
        let (policy, users) = build(&catalog, &spec);
        for question in Q::all() {
            for within in WITHIN {
                match question.who_can(&policy, within) {
                    Ok(who) => {
                        prop_assert!(question.decide(&policy, policy.roles().next().unwrap()).is_ok());
                        check_answer(&policy, question, within, &who)?;
                        check_compiled(&policy, &users, question, within, &who)?;
                    }
                    Err(error) => {
                        let role = policy.roles().next().unwrap();
                        prop_assert_eq!(Err(error), question.decide(&policy, role).map(|_| ()));
                    }
                }
            }
        }
    }
}

#[test]
fn a_typed_permission_answers_as_its_key() {
    let catalog = catalog();
    let spec = Spec {
        roles: vec![SetSpec {
            grants: vec![0, 1, 2, 3],
            conditional: vec![],
        }],
        users: vec![UserSpec {
            roles: vec![(0, 1)],
            direct: vec![],
        }],
    };
    let (policy, _) = build(&catalog, &spec);
    let add = catalog.lookup("attributes:attribute:add").unwrap();
    for within in WITHIN {
        assert_eq!(
            policy.who_can(add, within),
            policy.who_can("attributes:attribute:add", within).unwrap()
        );
    }
    let who = policy.who_can(add, Within::Division("d1"));
    assert_eq!(who.permission, "attributes:attribute:add");
    assert_eq!(who.users.len(), 1);
    // The whole-entity row: held in d1 by one role holding every action.
    let row = policy.who_can(perm::attributes::ATTRIBUTE_ALL, Within::Division("d1"));
    assert_eq!(row.users[0].grants().len(), 1);
    assert_eq!(row.roles.len(), 1);
    // In every division, only `edit` (not division-aware) reaches: not the row.
    assert!(
        policy
            .who_can(perm::attributes::ATTRIBUTE_ALL, Within::EveryDivision)
            .users
            .is_empty()
    );
    assert!(policy.who_can("attributes:attribute:*", Within::AnyDivision).is_err());
}

#[test]
fn a_permission_of_another_catalog_is_no_ones() {
    let policy = Policy::builder(Catalog::builtin())
        .role("all", ["routing:queue:view"])
        .unwrap()
        .build();
    let other = catalog();
    let foreign = other.lookup("acme:widget:view").unwrap();
    let who = policy.who_can(foreign, Within::AnyDivision);
    assert!(who.roles.is_empty() && who.users.is_empty());
    assert_eq!(who.permission, "");
}

#[test]
fn a_user_compiled_against_another_policy_is_left_out() {
    let catalog = catalog();
    let old = Policy::builder(&catalog)
        .role("viewer", ["acme:widget:view"])
        .unwrap()
        .build();
    let new = Policy::builder(&catalog)
        .role("viewer", ["acme:widget:view"])
        .unwrap()
        .build();
    let ana = UserDefinition::new("ana").role(RoleDefinition::new("viewer"), Division::All);
    let stale = old.compile_user(&ana).unwrap();
    let current = new.compile_user(&ana).unwrap();
    let users = [stale, current];
    let who = new
        .who_can_among("acme:widget:view", Within::EveryDivision, &users)
        .unwrap();
    assert_eq!(who.len(), 1);
    assert!(std::ptr::eq(who[0].0, &users[1]));
    assert_eq!(
        old.who_can_among("acme:widget:view", Within::EveryDivision, &users)
            .unwrap()
            .len(),
        1
    );
}
