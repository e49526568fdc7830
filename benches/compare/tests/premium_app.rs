//! The Premium App sample's check (`includes`, then `startsWith`) against the
//! reference: what it gets right, each kind of wrong answer, and, on the real
//! workload, that every wrong answer on the checked questions is one of those
//! kinds.

use permgate::Catalog;
use permgate_compare::{Disagreements, Engine, PermgateStr, PremiumAppSample, RoleDef, Who, Workload, covers};

/// A workload of the builtin catalog and these roles, no data directory needed.
fn workload(roles: &[(&str, &[&str])]) -> Workload {
    Workload {
        catalog: Catalog::builtin().clone(),
        roles: roles
            .iter()
            .map(|(name, grants)| RoleDef {
                name: (*name).to_owned(),
                grants: grants.iter().map(|g| (*g).to_owned()).collect(),
            })
            .collect(),
        users: Vec::new(),
        questions: Vec::new(),
        user_questions: Vec::new(),
    }
}

/// The grants of the role `who` names, or of every role of the user it names.
fn held_grants<'w>(workload: &'w Workload, who: &'w str) -> Vec<&'w String> {
    match workload.principal(who) {
        Some(Who::Role(role)) => role.grants.iter().collect(),
        Some(Who::User(user, _)) => (user.roles.iter())
            .filter_map(|(role, _)| workload.role(role))
            .flat_map(|role| &role.grants)
            .collect(),
        None => Vec::new(),
    }
}

/// The sample's answer, the reference's and permgate's for `role` and `key`.
fn answers(workload: &Workload, role: &str, key: &str) -> (bool, bool, bool) {
    let sample = PremiumAppSample::build(workload).unwrap();
    let permgate = PermgateStr::build(workload).unwrap();
    (
        sample.allows(role, key),
        workload.reference(role, key),
        permgate.allows(role, key),
    )
}

fn list(entries: &[&str]) -> Vec<String> {
    entries.iter().map(|e| (*e).to_owned()).collect()
}

#[test]
fn exact_entries_and_division_scoped_ones_pass() {
    let agent = list(&["routing:queue:view", "routing:queue:join:d-east"]);
    assert!(PremiumAppSample::holds(&agent, "routing:queue:view"));
    // What the `startsWith` pass is for: a permission held in one division.
    assert!(PremiumAppSample::holds(&agent, "routing:queue:join"));
    assert!(!PremiumAppSample::holds(&agent, "routing:queue:edit"));
    assert!(!PremiumAppSample::holds(&[], "routing:queue:view"));
}

#[test]
fn a_longer_permission_passes_the_check_for_its_prefix() {
    let w = workload(&[("transfers", &["conversation:communication:blindtransferqueue"])]);
    let (sample, reference, permgate) = answers(&w, "transfers", "conversation:communication:blindtransfer");
    assert!(
        sample,
        "the sample allows blindTransfer to a holder of blindTransferQueue only"
    );
    assert!(!reference && !permgate);
    // As users/me spells them: camelCase, the same prefixes.
    for (held, asked) in [
        (
            "conversation:communication:blindTransferQueue",
            "conversation:communication:blindTransfer",
        ),
        ("learning:assignment:viewOwn", "learning:assignment:view"),
        ("telephony:station:disassociateSelf", "telephony:station:disassociate"),
        ("outbound:campaign:viewSchedule", "outbound:campaign:view"),
    ] {
        assert!(PremiumAppSample::holds(&list(&[held]), asked), "{held} passes {asked}");
        assert!(!covers(held, asked));
    }
}

#[test]
fn questions_that_are_not_whole_keys_pass() {
    let w = workload(&[("viewer", &["routing:queue:view"])]);
    for question in ["routing:queue", "routing:queue:", "routing", "r", ""] {
        let (sample, reference, permgate) = answers(&w, "viewer", question);
        assert!(sample, "`{question}` passes");
        assert!(!reference && !permgate, "`{question}`");
    }
}

#[test]
fn wildcards_are_not_expanded() {
    let w = workload(&[("designer", &["journey:*:*", "routing:queue:*", "conversation:*:view"])]);
    for question in [
        "journey:actionmap:edit",
        "routing:queue:join",
        "conversation:email:view",
    ] {
        let (sample, reference, permgate) = answers(&w, "designer", question);
        assert!(!sample, "`{question}` is denied by the sample");
        assert!(reference && permgate, "`{question}`");
    }
}

#[test]
fn case_is_compared_as_bytes() {
    let viewer = list(&["routing:queue:view"]);
    assert!(!PremiumAppSample::holds(&viewer, "routing:queue:View"));
    assert!(!PremiumAppSample::holds(&viewer, "ROUTING:QUEUE:VIEW"));
    assert!(covers("routing:queue:view", "routing:queue:View"));
}

#[test]
fn the_builtin_catalog_has_prefix_pairs() {
    let pairs = workload(&[]).prefix_pairs();
    let blind = (
        "conversation:communication:blindtransfer".to_owned(),
        "conversation:communication:blindtransferqueue".to_owned(),
    );
    assert!(pairs.contains(&blind), "{pairs:?}");
    for (shorter, longer) in &pairs {
        assert!(longer.len() > shorter.len() && longer.starts_with(shorter.as_str()));
        assert!(PremiumAppSample::holds(std::slice::from_ref(longer), shorter));
        assert!(!covers(longer, shorter));
    }
}

/// On the real workload's checked questions: wrong answers exist, and each
/// is a prefix of a concrete grant the grant does not cover (wrongly
/// allowed) or a key only a wildcard grant covers (wrongly denied).
#[test]
fn every_wrong_answer_on_the_checked_questions_is_a_prefix_or_a_wildcard() {
    if !Workload::data_dir().exists() {
        eprintln!("SKIPPED: no data at {}", Workload::data_dir().display());
        return;
    }
    let workload = Workload::load().unwrap();
    let sample = PremiumAppSample::build(&workload).unwrap();
    let asked = workload.checked_questions();
    let wrong = Disagreements::of(&sample, &workload, &asked);
    eprintln!(
        "{} of {} wrong: {} wrongly allowed, {} wrongly denied",
        wrong.wrong(),
        wrong.asked,
        wrong.wrongly_allowed.len(),
        wrong.wrongly_denied.len()
    );
    assert!(!wrong.wrongly_denied.is_empty(), "the wildcard role's keys are denied");
    // A user's grants in every division count against it in each division.
    let in_division = wrong.wrongly_allowed.iter().filter(|q| q.who.contains('@')).count();
    assert!(in_division > 0, "a division-scoped entry passes in every division");
    for question in &wrong.wrongly_allowed {
        // The list users/me gives: a role's grants, a user's suffixed with the division they are held in.
        let (list, _) = sample.prepare(&question.who, &question.permission).unwrap();
        assert!(
            list.iter()
                .any(|g| g.starts_with(question.permission.as_str()) && !covers(g, &question.permission)),
            "{question:?}"
        );
    }
    for question in &wrong.wrongly_denied {
        let held = held_grants(&workload, &question.who);
        assert!(!held.contains(&&question.permission), "{question:?}");
        assert!(
            held.iter().any(|g| g.contains('*') && covers(g, &question.permission)),
            "{question:?}"
        );
    }
    // And every concrete grant is answered right.
    for role in &workload.roles {
        for grant in role.grants.iter().filter(|g| !g.contains('*')) {
            assert!(sample.allows(&role.name, grant), "{} {grant}", role.name);
        }
    }
}
