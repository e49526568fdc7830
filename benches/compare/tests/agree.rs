//! Every engine gives the same answer, and the reference answer ([`covers`]
//! over the role's grants), on every question of
//! [`Workload::checked_questions`]: the benchmarked ones, a few hundred random
//! ones (keys of the organization's catalog, and keys no catalog knows, some
//! under a wildcard grant and some near misses), every grant, and the catalog
//! keys a character prefix would confuse with a grant. The Premium App
//! sample is the exception, by design: `tests/premium_app.rs`.

use permgate_compare::{
    Casbin, Cedar, Engine, HashSetBaseline, Kind, PermgateStr, PermgateTyped, RANDOM_QUESTIONS, Workload, covers,
};

struct Engines {
    workload: Workload,
    typed: PermgateTyped,
    string: PermgateStr,
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
        let workload = Workload::load().unwrap();
        Some(Self {
            typed: PermgateTyped::build(&workload).unwrap(),
            string: PermgateStr::build(&workload).unwrap(),
            cedar: Cedar::build(&workload).unwrap(),
            casbin: Casbin::build(&workload).unwrap(),
            baseline: HashSetBaseline::build(&workload).unwrap(),
            workload,
        })
    }

    /// Asserts that every engine gives the reference answer; returns it.
    fn agree(&self, role: &str, permission: &str) -> bool {
        let expected = self.workload.reference(role, permission);
        let answers = [
            (PermgateTyped::NAME, self.typed.allows(role, permission)),
            (PermgateStr::NAME, self.string.allows(role, permission)),
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

#[test]
fn engines_agree_on_every_benchmarked_question() {
    let Some(engines) = Engines::load() else { return };
    for question in &engines.workload.questions {
        let allowed = engines.agree(question.role, question.permission);
        assert_eq!(allowed, question.kind != Kind::Miss, "{question:?}");
    }
}

#[test]
fn engines_agree_on_random_questions() {
    let Some(engines) = Engines::load() else { return };
    let (mut allowed, mut asked, mut beyond_catalog) = (0, 0, 0);
    for question in engines.workload.random_questions(RANDOM_QUESTIONS) {
        let answer = engines.agree(&question.role, &question.permission);
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
        engines.agree(&question.role, &question.permission);
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
