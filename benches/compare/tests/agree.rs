//! Every engine gives the same answer, and the reference answer ([`covers`]
//! over the role's grants, or over the grants of the roles in a user's reach),
//! on every question of [`Workload::checked_questions`]: the benchmarked ones,
//! about roles and users, a few hundred random ones (keys of the
//! organization's catalog, and keys no catalog knows, some under a wildcard
//! grant and some near misses; asked of roles, users, users in a division),
//! every grant, and the catalog keys a character prefix would confuse with a
//! grant; and on the questions of [`Workload::unknown_keys`] at each count.
//! The Premium App sample is the exception, by design: `tests/premium_app.rs`.

use permgate::gates::AmiStandardUser;
use permgate_compare::{
    Casbin, Cedar, Engine, HashSetBaseline, Kind, PermgateCompiled, PermgateStr, PermgateTyped, RANDOM_QUESTIONS,
    UNKNOWN_KEYS, Workload, covers,
};

struct Engines {
    workload: Workload,
    typed: PermgateTyped,
    string: PermgateStr,
    compiled: PermgateCompiled,
    cedar: Cedar,
    casbin: Casbin,
    baseline: HashSetBaseline,
}

impl Engines {
    fn load() -> Option<Self> {
        if !Workload::data_dir().exists() {
            eprintln!("SKIPPED: no data at {}", Workload::data_dir().display());
            return None;
        }
        Some(Self::build(Workload::load().unwrap()))
    }

    fn build(workload: Workload) -> Self {
        Self {
            typed: PermgateTyped::build(&workload).unwrap(),
            string: PermgateStr::build(&workload).unwrap(),
            compiled: PermgateCompiled::build(&workload).unwrap(),
            cedar: Cedar::build(&workload).unwrap(),
            casbin: Casbin::build(&workload).unwrap(),
            baseline: HashSetBaseline::build(&workload).unwrap(),
            workload,
        }
    }

    /// Asserts that every engine gives the reference answer; returns it.
    fn agree(&self, role: &str, permission: &str) -> bool {
        let expected = self.workload.reference(role, permission);
        let answers = [
            (PermgateTyped::NAME, self.typed.allows(role, permission)),
            (PermgateStr::NAME, self.string.allows(role, permission)),
            (PermgateCompiled::NAME, self.compiled.allows(role, permission)),
            (Cedar::NAME, self.cedar.allows(role, permission)),
            (Casbin::NAME, self.casbin.allows(role, permission)),
            (HashSetBaseline::NAME, self.baseline.allows(role, permission)),
        ];
        for (engine, answer) in answers {
            assert_eq!(answer, expected, "{engine}: does `{role}` allow `{permission}`?");
        }
        expected
    }
}

/// Each benchmarked row times the answer its name says: a hit or a
/// wildcard hit is allowed by every engine, a miss denied by every engine.
#[test]
fn engines_agree_on_every_benchmarked_question() {
    let Some(engines) = Engines::load() else { return };
    let questions = engines
        .workload
        .questions
        .iter()
        .chain(&engines.workload.user_questions);
    for question in questions {
        let allowed = engines.agree(&question.who, &question.permission);
        assert_eq!(allowed, question.kind != Kind::Miss, "{question:?}");
    }
    assert!(engines.workload.user_questions.len() >= 4);
}

/// The table's check rows: the AMI role of the workload passes
/// `AmiStandardUser` (it holds the transfer key the Platform API requires),
/// `lbp-agent.json` does not.
#[test]
fn the_check_rows_time_a_grant_and_a_denial() {
    let Some(engines) = Engines::load() else { return };
    let policy = engines.typed.policy();
    let ami = policy.role("ami-standard").unwrap();
    let lbp = policy.role("lbp-agent").unwrap();
    assert!(policy.check::<AmiStandardUser>(ami).is_ok());
    let denied = policy.check::<AmiStandardUser>(lbp).unwrap_err();
    assert!(!denied.to_string().is_empty());
}

/// One role of n keys no catalog knows and n patterns, at each count of
/// the table: the benchmarked hit, pattern hit and miss, and neighbours of
/// them a prefix or a segment count would confuse.
#[test]
fn engines_agree_on_unknown_keys_at_each_count() {
    for count in [1, 40, 1_000, 10_000] {
        let engines = Engines::build(Workload::unknown_keys(count).unwrap());
        for question in &engines.workload.questions {
            let allowed = engines.agree(&question.who, &question.permission);
            assert_eq!(allowed, question.kind != Kind::Miss, "{count}: {question:?}");
        }
        let last = count - 1;
        let neighbours = [
            format!("acme{last}:widget:view"),
            format!("acme{count}:widget:view"),
            format!("acme{last}:widget:viewer"),
            format!("acme{last}:widget"),
            format!("zeta{last}:gadget:edit"),
            format!("zeta{last}:gadget:edit:x"),
            format!("zeta{last}:gadgets:view"),
            format!("zeta{count}:gadget:view"),
        ];
        let asked = neighbours
            .iter()
            .map(String::as_str)
            .chain(UNKNOWN_KEYS.iter().copied());
        let allowed = asked.filter(|key| engines.agree("many", key)).count();
        assert_eq!(allowed, 2, "{count}: the first and the fifth");
    }
}

#[test]
fn engines_agree_on_random_questions() {
    let Some(engines) = Engines::load() else { return };
    let (mut allowed, mut asked, mut beyond_catalog) = (0, 0, 0);
    for question in engines.workload.random_questions(RANDOM_QUESTIONS) {
        let answer = engines.agree(&question.who, &question.permission);
        allowed += usize::from(answer);
        beyond_catalog += usize::from(answer && engines.workload.catalog.lookup(&question.permission).is_none());
        asked += 1;
    }
    // The sample must exercise both answers, and keys only a pattern or an
    // exact grant of an unknown key allows.
    eprintln!("{allowed} of {asked} allowed, {beyond_catalog} of them unknown to the catalog");
    assert!(allowed > 30 && asked - allowed > 30, "{allowed} of {asked} allowed");
    assert!(
        beyond_catalog > 10,
        "{beyond_catalog} allowed keys unknown to the catalog"
    );
}

#[test]
fn every_grant_of_every_role_is_allowed_by_every_engine() {
    let Some(engines) = Engines::load() else { return };
    for role in &engines.workload.roles {
        for grant in role.grants.iter().filter(|grant| !grant.contains('*')) {
            assert!(engines.agree(&role.name, grant));
        }
    }
}

#[test]
fn engines_agree_on_the_prefix_neighbours_of_every_grant() {
    let Some(engines) = Engines::load() else { return };
    let neighbours = engines.workload.prefix_neighbours();
    // lbp-agent.json holds conversation:communication:blindtransferqueue and
    // its siblings: the catalog's blindtransfer is a prefix of each.
    assert!(neighbours.len() >= 5, "{neighbours:?}");
    for question in &neighbours {
        engines.agree(&question.who, &question.permission);
    }
}

#[test]
fn the_reference_matches_whole_segments() {
    assert!(covers("journey:*:*", "journey:segment:view"));
    assert!(covers("conversation:*:view", "conversation:email:view"));
    assert!(!covers("conversation:*:view", "conversation:email:park"));
    assert!(!covers("conversation:*:view", "conversation:email:viewer"));
    assert!(!covers("journey:*:*", "journeys:segment:view"));
    assert!(!covers("journey:*:*", "journey:segment"));
    assert!(!covers("routing:queue:*", "routing:queue:join:x"));
}

/// The organization's catalog of the shared data carries no
/// `divisionAware` flags, so every permission counts as division-aware there.
/// The same catalog with the flags an organization's listing carries
/// (`DomainPermission.divisionAware`): here `false` for the analytics,
/// presence, directory and ui domains, `true` for the others.
fn flagged_catalog() -> permgate::Catalog {
    let mut listing: serde_json::Value = serde_json::from_str(&Workload::org_catalog_json().unwrap()).unwrap();
    for entity in listing["entities"].as_array_mut().unwrap() {
        for actions in entity["permissionMap"].as_object_mut().unwrap().values_mut() {
            for action in actions.as_array_mut().unwrap() {
                let domain = action["domain"].as_str().unwrap().to_owned();
                let aware = !["analytics", "presence", "directory", "ui"].contains(&domain.as_str());
                action["divisionAware"] = aware.into();
            }
        }
    }
    permgate::genesys::org_catalog(permgate::Catalog::builtin(), &listing.to_string()).unwrap()
}

/// With permissions that are not division-aware, the checked user
/// questions reach both sides of the division rules (keys `ana` may use in
/// `d-east` only; keys a role she holds in one division grants her
/// everywhere), and every engine agrees with the reference on all of them.
#[test]
fn engines_agree_on_users_when_some_permissions_are_not_division_aware() {
    let Some(engines) = Engines::load() else { return };
    let mut workload = engines.workload;
    workload.catalog = flagged_catalog();
    let engines = Engines::build(workload);
    let workload = &engines.workload;
    let asked = workload.checked_questions();
    let allowed = |who: &str, key: &str| workload.reference(who, key);
    let only_in_division = asked
        .iter()
        .filter(|q| q.who == "ana@d-east" && allowed(&q.who, &q.permission) && !allowed("ana", &q.permission))
        .count();
    let undivided = asked
        .iter()
        .filter(|q| q.who == "ana" && !workload.division_aware(&q.permission))
        .filter(|q| allowed(&q.who, &q.permission) && !allowed("lbp-agent", &q.permission))
        .count();
    assert!(only_in_division > 5 && undivided > 5, "{only_in_division} {undivided}");
    for question in &asked {
        engines.agree(&question.who, &question.permission);
    }
}
