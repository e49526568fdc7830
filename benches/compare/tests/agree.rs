//! Every engine gives the same answer, and the reference answer ([`covers`]
//! over the role's grants), on every benchmarked question and on a few
//! hundred random ones: keys of the organization's catalog, and keys no
//! catalog knows, some under a wildcard grant and some near misses.

use permgate_compare::scale::splitmix;
use permgate_compare::{Casbin, Cedar, Engine, HashSetBaseline, Kind, PermgateStr, PermgateTyped, Workload, covers};

/// Keys no catalog knows: under a pattern of a role, granted exactly, or
/// near misses that a prefix or suffix match would wrongly allow.
const UNKNOWN_KEYS: &[&str] = &[
    "attributes:attribute:edit",
    "attributes:attribute:view",
    "integration:amipremiumapps:launch",
    "journey:newthing:view",
    "journey:segment:newaction",
    "routing:queue:newaction",
    "analytics:newdashboard:view",
    "conversation:newchannel:view",
    "conversation:newchannel:edit",
    "conversation:newchannel:viewer",
    "conversation:newchannel:view:extra",
    "ui:agentdashboardperformance:view",
    "ui:agentdashboardstatus:view",
    "ui:agentdashboardstatus:edit",
    "journeys:segment:view",
    "routing:queues:join",
    "routing:queue",
    "journey",
    "integration:amipremiumapps",
];

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
    let keys = engines.workload.concrete_keys();
    let mut roles: Vec<&str> = engines.workload.roles.iter().map(|r| r.name.as_str()).collect();
    roles.push("no-such-role");
    let allowed_keys = |role: &str| -> Vec<&String> {
        keys.iter()
            .filter(|key| engines.workload.reference(role, key))
            .collect()
    };
    let allowed_keys: Vec<Vec<&String>> = roles.iter().map(|role| allowed_keys(role)).collect();
    let mut state = 4;
    let mut pick = |len: usize| (splitmix(&mut state) % len.max(1) as u64) as usize;
    let (mut allowed, mut asked, mut beyond_catalog) = (0, 0, 0);
    for n in 0..600 {
        let r = pick(roles.len());
        let role = roles[r];
        let key = match n % 5 {
            // A key of the catalogs, one the role allows, or one no catalog knows.
            0 | 1 => keys[pick(keys.len())].clone(),
            2 => allowed_keys[r]
                .get(pick(allowed_keys[r].len()))
                .map_or("x:y:z".to_owned(), |k| (*k).clone()),
            3 => UNKNOWN_KEYS[pick(UNKNOWN_KEYS.len())].to_owned(),
            // Segments of three catalog keys recombined: mostly unknown keys,
            // some under a role's `domain:*:*` or `domain:*:action`.
            _ => {
                let segment = |key: &str, n: usize| key.split(':').nth(n).unwrap_or("x").to_owned();
                let (a, b, c) = (pick(keys.len()), pick(keys.len()), pick(keys.len()));
                format!(
                    "{}:{}:{}",
                    segment(&keys[a], 0),
                    segment(&keys[b], 1),
                    segment(&keys[c], 2)
                )
            }
        };
        let answer = engines.agree(role, &key);
        allowed += usize::from(answer);
        beyond_catalog += usize::from(answer && engines.workload.catalog.lookup(&key).is_none());
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
fn the_reference_matches_whole_segments() {
    assert!(covers("journey:*:*", "journey:segment:view"));
    assert!(covers("conversation:*:view", "conversation:email:view"));
    assert!(!covers("conversation:*:view", "conversation:email:park"));
    assert!(!covers("conversation:*:view", "conversation:email:viewer"));
    assert!(!covers("journey:*:*", "journeys:segment:view"));
    assert!(!covers("journey:*:*", "journey:segment"));
    assert!(!covers("routing:queue:*", "routing:queue:join:x"));
}
