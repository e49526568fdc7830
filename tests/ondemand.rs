//! Users compiled on demand ([`Policy::compile_user`]) answer exactly as the
//! same users built into a policy ([`PolicyBuilder::add_user_definition`]).
//!
//! The differential property generates a base policy of four random roles,
//! then a random user: roles of the base policy held in divisions (`d1`,
//! `d2`, `d3`, `*`), each use given either in full or by its name only (a
//! subject's grant whose role came without its policies), roles of the base
//! policy redefined with other grants (the platform changed them since the
//! policy was built), roles the base policy does not hold (one of them
//! named only, granting nothing), and direct grants (users/me). Grants are
//! exact keys in any case, labels, entity and domain wildcards, keys no
//! catalog knows, builtin roles' grant lists, conditional groups and legacy
//! names.
//!
//! The user is compiled twice, the second time while the first is held (its
//! rows and grant sets then found stored), and each compiled user is
//! compared. The same user is built into a policy holding the base roles it does not
//! redefine, a name-only use replaced by the base role's definition. The two
//! are then asked, in every division (the user's `UserId`), in `d1` to `d3`,
//! in `d4` (named by no grant) and in `*`: `allows` and `decide` for every
//! catalog permission and a set of strings (other cases, labels, keys no
//! catalog knows, keys under a kept pattern, flat names, malformed strings,
//! wildcards); `explain` (the whole value) for every string and for catalog
//! permissions that some grant reaches (up to 48 of them, chosen at random)
//! and 8 others; `divisions_permitted` for every catalog permission and
//! string; `check_info` for every builtin gate at its release, at no
//! release and against the documented key set; and a typed `check`.
//!
//! The default run is short: 32 cases (`PERMGATE_PROPTEST_CASES` or
//! `PROPTEST_CASES` sets it). The long run, at least 100,000 cases:
//!
//! ```text
//! PERMGATE_PROPTEST_CASES=100000 cargo test --release --test ondemand
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use permgate::condition::{Condition, Operand, OperandKind, Operator};
use permgate::gate::CheckOptions;
use permgate::gates::{ActionMapAnalyticsReport, AmiStandardUser};
use permgate::genesys::{SubjectSpec, UserAuthorization};
use permgate::{
    BuildError, Catalog, CompiledUser, Decision, Division, Policy, PolicyHandle, Principal, RoleDefinition,
    UserDefinition, UserId, builtins, perm,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------
// Compile-time properties
// ---------------------------------------------------------------------------

const _: () = {
    const fn owned_shared<T: Send + Sync + Clone + 'static>() {}
    owned_shared::<CompiledUser>();
};

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// Grants a role may hold: exact keys in several spellings, wildcards, keys
/// no catalog knows.
const GRANTS: &[&str] = &[
    "routing:queue:view",
    "ROUTING:QUEUE:JOIN",
    "routing:queue:edit",
    "routing:queue:*",
    "routing:agent:onqueue",
    "journey:*:*",
    "journey:actionmap:*",
    "journey:actionmap:view",
    "Journey > Report > View",
    "Journey > Action Map > Edit",
    "analytics:conversationDetail:view",
    "directory:user:view",
    "conversation:communication:blindTransfer",
    "integration:amiPremiumApps:*",
    "ui:x:view",
    "UI:Y:Edit",
    "newdomain:thing:*",
];

/// Builtin roles whose whole grant lists a role may hold, so that gates pass.
const BUNDLES: &[&str] = &["AMI R3|standard user role", "AMI R3|extra user role"];

/// Divisions a grant may name.
const DIVISIONS: &[&str] = &["d1", "d2", "d3", "*"];

/// String questions, besides every catalog permission.
const STRINGS: &[&str] = &[
    "routing:queue:view",
    "Routing:Queue:Join",
    "ROUTING:QUEUE:EDIT",
    "routing:queue:newAction",
    "Journey > Report > View",
    "journey:newthing:view",
    "ui:x:view",
    "UI:X:VIEW",
    "ui:y:edit",
    "ui:y:view",
    "newdomain:thing:act",
    "newdomain:other:act",
    "integration:amiPremiumApps:*",
    "routing:queue:*",
    "admin",
    "a:b",
    "",
    "No Such > Label > View",
];

fn condition(n: u8) -> Condition {
    Condition::Term {
        variable: "Queue.id".into(),
        operator: Operator::In,
        operands: vec![Operand::new(OperandKind::Queue, format!("q-{n}"))],
    }
}

/// A role's body: unconditional grants, conditional groups, legacy names.
#[derive(Debug, Clone)]
struct Body {
    grants: Vec<&'static str>,
    bundle: Option<&'static str>,
    conditional: Vec<(Vec<&'static str>, u8)>,
    legacy: Vec<&'static str>,
}

impl Body {
    fn definition(&self, name: &str) -> RoleDefinition {
        let bundle = self
            .bundle
            .and_then(builtins::role)
            .map(|role| role.grants)
            .unwrap_or_default();
        let mut role = RoleDefinition::new(name)
            .grant(self.grants.iter().copied().chain(bundle.iter().copied()))
            .legacy(self.legacy.iter().copied());
        for (grants, n) in &self.conditional {
            role = role.grant_if(grants.iter().copied(), condition(*n));
        }
        role
    }
}

fn body() -> impl Strategy<Value = Body> {
    (
        vec(select(GRANTS), 0..5),
        prop::option::weighted(0.2, select(BUNDLES)),
        vec((vec(select(GRANTS), 1..3), 0u8..3), 0..3),
        vec(select(&["admin", "legacy_name"][..]), 0..2),
    )
        .prop_map(|(grants, bundle, conditional, legacy)| Body {
            grants,
            bundle,
            conditional,
            legacy,
        })
}

/// How a user holds a role of the base policy.
#[derive(Debug, Clone, Copy)]
enum Use {
    /// Its whole definition.
    Full,
    /// Its name only (a subject's grant whose role came without policies).
    NameOnly,
}

#[derive(Debug, Clone)]
struct Case {
    pool: Vec<Body>,
    /// (pool role, how, division)
    uses: Vec<(usize, Use, &'static str)>,
    /// A pool role redefined: (pool role, new body).
    redefined: Option<(usize, Body)>,
    /// Roles the base policy does not hold, each in a division.
    fresh: Vec<(Body, &'static str)>,
    /// A role the base policy does not hold, by name only, in a division.
    ghost: Option<&'static str>,
    /// Direct grants, each set in a division.
    direct: Vec<(Body, &'static str)>,
    /// Picks among the permissions some grant reaches, for `explain`.
    picks: Vec<Index>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        vec(body(), 4),
        vec(
            (
                0usize..4,
                prop_oneof![Just(Use::Full), Just(Use::NameOnly)],
                select(DIVISIONS),
            ),
            0..6,
        ),
        prop::option::weighted(0.3, (0usize..4, body())),
        vec((body(), select(DIVISIONS)), 0..3),
        prop::option::weighted(0.2, select(DIVISIONS)),
        vec((body(), select(DIVISIONS)), 0..3),
        vec(any::<Index>(), 56),
    )
        .prop_map(|(pool, uses, redefined, fresh, ghost, direct, picks)| Case {
            pool,
            uses,
            redefined,
            fresh,
            ghost,
            direct,
            picks,
        })
}

fn pool_name(n: usize) -> String {
    format!("pool-{n}")
}

impl Case {
    /// The base policy: the pool's roles, but `skip`.
    fn policy(&self, skip: Option<usize>) -> (PolicyBuilderOf, Vec<RoleDefinition>) {
        let mut builder = Policy::builder(Catalog::builtin());
        let definitions: Vec<RoleDefinition> = (self.pool.iter().enumerate())
            .map(|(n, body)| body.definition(&pool_name(n)))
            .collect();
        for (n, definition) in definitions.iter().enumerate() {
            if Some(n) != skip {
                builder.add_role_definition(definition).unwrap();
            }
        }
        (builder, definitions)
    }

    /// The user as compiled on demand (`on_demand`), or as built into a
    /// policy (name-only uses given in full).
    fn user(&self, pool: &[RoleDefinition], on_demand: bool) -> UserDefinition {
        let mut user = UserDefinition::new("user");
        for &(n, how, division) in &self.uses {
            let role = match (&self.redefined, how) {
                (Some((r, body)), _) if *r == n => body.definition(&pool_name(n)),
                (_, Use::NameOnly) if on_demand => RoleDefinition::new(pool_name(n)),
                _ => pool[n].clone(),
            };
            user = user.role(role, Division::new(division));
        }
        for (n, (body, division)) in self.fresh.iter().enumerate() {
            user = user.role(body.definition(&format!("fresh-{n}")), Division::new(division));
        }
        if let Some(division) = self.ghost {
            user = user.role(RoleDefinition::new("ghost"), Division::new(division));
        }
        for (n, (body, division)) in self.direct.iter().enumerate() {
            user = user.direct(body.definition(&format!("direct-{n}")), Division::new(division));
        }
        user
    }
}

type PolicyBuilderOf = permgate::PolicyBuilder;

/// Cases: `PERMGATE_PROPTEST_CASES` (or `PROPTEST_CASES`), 32 by default.
fn config() -> ProptestConfig {
    let cases = ["PERMGATE_PROPTEST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|name| std::env::var(name).ok()?.parse().ok())
        .unwrap_or(32);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

/// Compares every answer of `built` (the user `id` of `policy`) and
/// `compiled`, in every scope.
fn compare(policy: &Policy, id: UserId, compiled: &CompiledUser, picks: &[Index]) -> Result<(), TestCaseError> {
    let inner = compiled.policy();
    let catalog = policy.catalog();
    let scopes = [None, Some("d1"), Some("d2"), Some("d3"), Some("d4"), Some("*")];
    let pair = |scope: Option<&str>| -> (Principal, Principal) {
        match scope {
            None => (id.into(), compiled.id().into()),
            Some(division) => (policy.user_in(id, division), compiled.in_division(division).into()),
        }
    };
    let typed = |p: &Policy, who: Principal| {
        p.check::<AmiStandardUser>(who)
            .map(|granted| granted.any_of_held().collect::<Vec<_>>())
    };
    // The permissions some grant reaches, in some scope.
    let mut reached = BTreeSet::new();
    for scope in scopes {
        let (a, b) = pair(scope);
        // The hot path, from the user's own rows: as the policy answers.
        let hot = match scope {
            None => compiled.at(b).unwrap(),
            Some(division) => compiled.in_division(division),
        };
        prop_assert_eq!(hot.principal(), b);
        prop_assert_eq!(compiled.at(b).map(|at| at.principal()), Some(b));
        for permission in catalog.iter() {
            prop_assert_eq!(
                hot.allows(permission),
                policy.allows(a, permission),
                "{}",
                permission.key()
            );
        }
        for question in STRINGS {
            prop_assert_eq!(hot.allows(*question), policy.allows(a, *question), "{}", question);
        }
        let hot_check = hot.check::<AmiStandardUser>();
        prop_assert!(hot_check.as_ref().is_ok_and(|granted| granted.is_from(inner)) || hot_check.is_err());
        prop_assert_eq!(
            hot_check.map(|granted| granted.any_of_held().collect::<Vec<_>>()),
            typed(policy, a)
        );
        prop_assert_eq!(
            hot.check::<ActionMapAnalyticsReport>().err(),
            policy.check::<ActionMapAnalyticsReport>(a).err()
        );
        for permission in catalog.iter() {
            let decision = policy.decide(a, permission);
            prop_assert_eq!(
                policy.allows(a, permission),
                inner.allows(b, permission),
                "{}",
                permission.key()
            );
            prop_assert_eq!(&decision, &inner.decide(b, permission), "{}", permission.key());
            if decision != Decision::Denied {
                reached.insert(permission.index());
            }
        }
        for question in STRINGS {
            prop_assert_eq!(policy.allows(a, *question), inner.allows(b, *question), "{}", question);
            prop_assert_eq!(policy.decide(a, *question), inner.decide(b, *question), "{}", question);
            prop_assert_eq!(
                policy.explain(a, *question),
                inner.explain(b, *question),
                "{}",
                question
            );
        }
        for gate in builtins::gates() {
            for options in [
                CheckOptions::at(gate.release),
                CheckOptions::at(None),
                CheckOptions::at(gate.release).documented(),
            ] {
                prop_assert_eq!(
                    policy.check_info(a, gate, options),
                    inner.check_info(b, gate, options),
                    "{}",
                    gate.name
                );
            }
        }
        prop_assert_eq!(typed(policy, a), typed(inner, b));
        prop_assert_eq!(
            policy.check::<ActionMapAnalyticsReport>(a).is_ok(),
            inner.check::<ActionMapAnalyticsReport>(b).is_ok()
        );
    }
    // The shortcuts answer as the policy does about the user everywhere.
    for permission in catalog.iter() {
        prop_assert_eq!(compiled.allows(permission), policy.allows(id, permission));
        let (built, on_demand) = (
            policy.divisions_permitted(id, permission),
            inner.divisions_permitted(compiled.id(), permission),
        );
        prop_assert_eq!(built, on_demand, "{}", permission.key());
    }
    for question in STRINGS {
        prop_assert_eq!(compiled.allows(*question), policy.allows(id, *question));
        let (built, on_demand) = (
            policy.divisions_permitted(id, *question),
            inner.divisions_permitted(compiled.id(), *question),
        );
        prop_assert_eq!(built, on_demand, "{}", question);
    }
    prop_assert_eq!(
        compiled.check::<AmiStandardUser>().is_ok(),
        policy.check::<AmiStandardUser>(id).is_ok()
    );
    // `explain` for reached permissions (a sample) and some others.
    let reached: Vec<u16> = reached.into_iter().collect();
    let mut asked: Vec<u16> = Vec::new();
    if !reached.is_empty() {
        asked.extend(picks.iter().take(48).map(|pick| reached[pick.index(reached.len())]));
    }
    asked.extend(picks.iter().skip(48).map(|pick| pick.index(catalog.len()) as u16));
    for scope in scopes {
        let (a, b) = pair(scope);
        for &index in &asked {
            let permission = catalog.get(index).unwrap();
            prop_assert_eq!(
                policy.explain(a, permission),
                inner.explain(b, permission),
                "{}",
                permission.key()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn compiled_on_demand_answers_as_built_in(case in case()) {
        let (base, pool) = case.policy(None);
        let base = base.build();
        let on_demand = base.compile_user(&case.user(&pool, true));
        let (mut builder, _) = case.policy(case.redefined.as_ref().map(|(n, _)| *n));
        let built = builder.add_user_definition(&case.user(&pool, false));
        match (built, on_demand) {
            (Ok(id), Ok(compiled)) => {
                let policy = builder.build();
                prop_assert!(compiled.is_compiled_against(&base));
                prop_assert!(!compiled.is_compiled_against(&policy));
                prop_assert_eq!(base.users().len(), 0);
                // The same user again, while the first is held: its rows and
                // grant sets are the first's, found by contents.
                let again = base.compile_user(&case.user(&pool, true)).unwrap();
                compare(&policy, id, &again, &case.picks)?;
                for permission in policy.catalog().iter() {
                    prop_assert_eq!(compiled.allows(permission), again.allows(permission));
                }
                drop(again);
                compare(&policy, id, &compiled, &case.picks)?;
            }
            (Err(built), Err(on_demand)) => prop_assert_eq!(built, on_demand),
            (built, on_demand) => {
                return Err(TestCaseError::fail(format!("built: {built:?}, on demand: {on_demand:?}")));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------

fn base() -> Policy {
    Policy::builder(Catalog::builtin())
        .role("queue viewer", ["routing:queue:view"])
        .unwrap()
        .role("maps", ["journey:actionmap:*"])
        .unwrap()
        .build()
}

#[test]
fn the_hot_path_answers_for_the_user_only_and_never_widens() {
    let policy = base();
    let ana = UserDefinition::new("ana").role(RoleDefinition::new("queue viewer"), Division::new("d-east"));
    let (user, twin) = (policy.compile_user(&ana).unwrap(), policy.compile_user(&ana).unwrap());
    let east = user.in_division("d-east");
    assert!(east.allows(perm::routing::QUEUE_VIEW) && twin.in_division("d-east").allows(perm::routing::QUEUE_VIEW));
    assert!(!user.allows(perm::routing::QUEUE_VIEW) && !user.in_division("d-west").allows(perm::routing::QUEUE_VIEW));
    // Its own principals, and no other: not its twin's (the same rows,
    // stored once), a role of its own policy, or the policy it was compiled
    // against.
    assert!(user.at(user.id().into()).is_some() && user.at(east.into()).is_some());
    assert!(user.at(twin.id().into()).is_none());
    assert!(user.at(twin.in_division("d-east").into()).is_none());
    assert!(user.at(user.policy().role("queue viewer").unwrap().into()).is_none());
    assert!(user.at(policy.role("queue viewer").unwrap().into()).is_none());
    // Two organizations' catalogs, each with a permission of its own at the
    // same index: users granted them have equal rows (stored once), and
    // each answers only for its own catalog's permission.
    let org = |key: &str| {
        let mut extension = Catalog::builtin().extension();
        let flags = permgate::catalog::OrgFlags::new(Some(true), None);
        extension
            .add(&permgate::catalog::OrgPermission::new(key, None, flags))
            .unwrap();
        extension.finish()
    };
    let (acme, zeta) = (org("acme:widget:view"), org("zeta:gadget:view"));
    let (widget, gadget) = (
        acme.lookup("acme:widget:view").unwrap(),
        zeta.lookup("zeta:gadget:view").unwrap(),
    );
    assert_eq!(widget.index(), gadget.index());
    let granted = |catalog: &Catalog, key: &str| {
        let policy = Policy::builder(catalog).role("r", [key]).unwrap().build();
        policy
            .compile_user(&UserDefinition::new("u").role(RoleDefinition::new("r"), Division::All))
            .unwrap()
    };
    let (a, z) = (granted(&acme, "acme:widget:view"), granted(&zeta, "zeta:gadget:view"));
    assert!(a.allows(widget) && z.allows(gadget));
    assert!(!a.allows(gadget) && !z.allows(widget));
    assert!(!a.in_division("d-east").allows(gadget) && !east.allows(widget));
    // A user holding nothing: an empty grant list denies everything.
    let nobody = policy.compile_user(&UserDefinition::new("nobody")).unwrap();
    assert!(catalog_denied(&nobody));
}

fn catalog_denied(user: &CompiledUser) -> bool {
    let catalog = Catalog::builtin();
    catalog
        .iter()
        .all(|p| !user.allows(p) && !user.in_division("d-east").allows(p))
        && user.allows("acme:widget:view") == Ok(false)
        && user.check::<ActionMapAnalyticsReport>().is_err()
}

#[test]
fn a_stale_user_is_detected_after_a_reload() {
    let handle = PolicyHandle::new(base());
    let before = handle.load();
    let ana = UserDefinition::new("ana").role(RoleDefinition::new("queue viewer"), Division::All);
    let user = before.compile_user(&ana).unwrap();
    assert!(user.is_compiled_against(&before));
    assert!(user.is_compiled_against(&before.as_ref().clone())); // a clone is the same policy
    assert!(user.allows(perm::routing::QUEUE_VIEW));
    handle
        .reload(|_| {
            Policy::builder(Catalog::builtin())
                .role("queue viewer", ["routing:queue:join"])
                .map(|builder| builder.build())
        })
        .unwrap();
    let after = handle.load();
    assert!(!user.is_compiled_against(&after));
    // Compiled again, the user gets the new policy's role.
    let fresh = after.compile_user(&ana).unwrap();
    assert!(fresh.is_compiled_against(&after));
    assert!(!fresh.allows(perm::routing::QUEUE_VIEW));
    assert!(fresh.allows(perm::routing::QUEUE_JOIN));
    // The stale one still answers as it was compiled, and is not mixed.
    assert!(user.allows(perm::routing::QUEUE_VIEW));
}

#[test]
fn a_proof_is_from_the_users_own_policy() {
    let policy = base();
    let user = policy
        .compile_user(&UserDefinition::new("ana").role(RoleDefinition::new("maps"), Division::All))
        .unwrap();
    let granted = user.check::<permgate::gates::ActionMapEditor>().unwrap();
    assert!(granted.is_from(user.policy()));
    assert!(!granted.is_from(&policy));
    assert_eq!(granted.principal(), Principal::from(user.id()));
    // A principal of the compiled user is foreign to the base policy, and back.
    assert!(!policy.allows(user.id(), perm::journey::ACTIONMAP_VIEW));
    assert!(
        !user
            .policy()
            .allows(policy.role("maps").unwrap(), perm::journey::ACTIONMAP_VIEW)
    );
}

#[test]
fn roles_named_only_are_the_base_policys_and_others_are_compiled_as_given() {
    let policy = base();
    // Named only: the base role. Given with grants: what it grants now,
    // though the base policy holds another role of that name.
    let ana = UserDefinition::new("ana")
        .role(RoleDefinition::new("queue viewer"), Division::new("d-east"))
        .role(
            RoleDefinition::new("maps").grant(["journey:actionmap:view"]),
            Division::All,
        )
        .role(RoleDefinition::new("unheard of"), Division::All);
    let user = policy.compile_user(&ana).unwrap();
    let inner = user.policy();
    assert!(inner.allows(user.in_division("d-east"), perm::routing::QUEUE_VIEW));
    assert!(!inner.allows(user.in_division("d-west"), perm::routing::QUEUE_VIEW));
    assert!(user.allows(perm::journey::ACTIONMAP_VIEW));
    assert!(!user.allows(perm::journey::ACTIONMAP_EDIT));
    // Only the roles the user holds; the empty one unknown to the base grants nothing.
    let names: Vec<&str> = inner.roles().filter_map(|role| inner.name(role)).collect();
    assert_eq!(names, ["queue viewer", "maps", "unheard of"]);
    assert_eq!(inner.permissions(inner.role("unheard of").unwrap()).count(), 0);
    // The base policy is unchanged.
    assert_eq!(policy.users().len(), 0);
    assert_eq!(policy.roles().len(), 2);
    assert!(policy.allows(policy.role("maps").unwrap(), perm::journey::ACTIONMAP_EDIT));
}

#[test]
fn errors_are_those_of_add_user_definition() {
    let policy = base();
    let nameless = UserDefinition::new(" ");
    assert_eq!(policy.compile_user(&nameless).unwrap_err(), BuildError::EmptyUserName);
    let blank = UserDefinition::new("ana").role(RoleDefinition::new("maps"), Division::new(" "));
    assert!(matches!(
        policy.compile_user(&blank),
        Err(BuildError::EmptyDivision { .. })
    ));
    let twice = UserDefinition::new("ana")
        .role(RoleDefinition::new("x").grant(["routing:queue:view"]), Division::All)
        .role(RoleDefinition::new("x").grant(["routing:queue:join"]), Division::All);
    assert!(matches!(
        policy.compile_user(&twice),
        Err(BuildError::DuplicateRole { .. })
    ));
    let bad = UserDefinition::new("ana").direct(RoleDefinition::new("own").grant(["*:*:*"]), Division::All);
    assert!(matches!(policy.compile_user(&bad), Err(BuildError::Grant { .. })));
}

#[test]
fn from_users_me_and_subjects_me() {
    let policy = base();
    let me = UserAuthorization::parse(
        r#"{"id": "u-1", "authorization": {"permissions": ["routing:queue:join:d-east", "journey:actionmap:view"],
            "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
              "allowConditions": true, "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
              "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}}"#,
    )
    .unwrap();
    let user = policy.compile_user(&me.definition(None)).unwrap();
    assert_eq!(user.policy().name(user.id()), Some("u-1"));
    assert!(user.allows(perm::journey::ACTIONMAP_VIEW));
    assert!(
        user.policy()
            .allows(user.in_division("d-east"), perm::routing::QUEUE_JOIN)
    );
    assert!(matches!(
        user.policy().decide(user.id(), perm::routing::QUEUE_EDIT),
        Decision::AllowedIf(_)
    ));
    // A subject whose role came without its policies: the base policy's role.
    let subject = SubjectSpec::parse(
        r#"{"id": "u-2", "grants": [{"division": {"id": "d-west"}, "role": {"id": "r-1", "name": "queue viewer"}}]}"#,
    )
    .unwrap();
    let user = policy.compile_user(&subject.definition()).unwrap();
    assert!(
        user.policy()
            .allows(user.in_division("d-west"), perm::routing::QUEUE_VIEW)
    );
    assert!(!user.allows(perm::routing::QUEUE_VIEW));
}
