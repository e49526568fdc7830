//! The invariants the fuzz targets check, one function per target.
//!
//! Each function takes one input, runs it through permgate's public API and
//! panics (with `assert!`) when an invariant does not hold, so that libFuzzer
//! reports a crash. `tests/fuzz_regressions.rs` includes this file
//! (`#[path]`) and replays the seeds and every crash found through the same
//! functions, so `cargo test` keeps checking them without a fuzzer.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

use permgate::genesys::terraform::{TerraformError, to_hcl, to_json};
use permgate::genesys::{ExportError, Form, RoleFile, RoleSpec, SubjectSpec, export_role};
use permgate::{
    BuildError, Catalog, Condition, Decision, Division, MAX_PERMISSION_LEN, Policy, PolicyBuilder, QuestionError,
    RoleId, perm,
};

/// The grants of the fixed role that target `permission` asks about: exact
/// grants in the three spellings, wildcards at entity and action, a label
/// wildcard, a catalog row that stands for a whole entity, and unknown keys.
pub const GRANTS: [&str; 11] = [
    "journey:segment:*",
    "routing:*:*",
    "conversation:*:view",
    "integration:amiPremiumApps:*",
    "Journey > Outcome Predictor > All Permissions",
    "Journey > Action Map > View",
    "CONTACTS_READ",
    "NOTES_CREATE_ALL",
    "x:y:z",
    "ui:unknownThing:view",
    "FOO_ALL",
];

/// The oracle's reading of [`GRANTS`], written out by hand (lowercase): the
/// exact keys, the patterns as `(domain, entity, action)` with `None` for
/// `*`, and the grants the catalog does not know.
const ORACLE_EXACT: [&str; 3] = ["journey:actionmap:view", "contacts_read", "notes_create_all"];
const ORACLE_PATTERNS: [(&str, Option<&str>, Option<&str>); 5] = [
    ("journey", Some("segment"), None),
    ("routing", None, None),
    ("conversation", None, Some("view")),
    ("integration", Some("amipremiumapps"), None),
    ("journey", Some("outcomepredictor"), None),
];
const ORACLE_UNKNOWN: [&str; 3] = ["x:y:z", "ui:unknownthing:view", "foo_all"];

/// The fixed policy of target `permission`: one role `r` holding [`GRANTS`].
static FIXED: LazyLock<(Policy, RoleId)> = LazyLock::new(|| {
    let policy = Policy::builder(Catalog::builtin())
        .role("r", GRANTS)
        .unwrap_or_else(|e| panic!("the fixed grants must load: {e}"))
        .build();
    let role = policy.role("r").unwrap_or_else(|| panic!("role r"));
    (policy, role)
});

/// Every name (lowercase key, lowercase normalized label) of a builtin
/// permission that [`GRANTS`] allows by the oracle's reading, plus the
/// unknown grants. Wildcard rows are left out: a question may not name them.
static ORACLE_ALLOWED: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut allowed: HashSet<String> = ORACLE_UNKNOWN.iter().map(|s| (*s).to_owned()).collect();
    for permission in Catalog::builtin().iter() {
        let key = permission.key().to_ascii_lowercase();
        if key.contains('*') {
            continue;
        }
        let covered = match key.split(':').collect::<Vec<_>>().as_slice() {
            [domain, entity, action] => pattern_covers(domain, entity, action),
            _ => false,
        };
        if covered || ORACLE_EXACT.contains(&key.as_str()) {
            if let Some(label) = permission.label() {
                allowed.insert(normalize(&label.to_ascii_lowercase()));
            }
            allowed.insert(key);
        }
    }
    allowed
});

/// Whether one of [`ORACLE_PATTERNS`] covers a lowercase key.
fn pattern_covers(domain: &str, entity: &str, action: &str) -> bool {
    ORACLE_PATTERNS
        .iter()
        .any(|(d, e, a)| *d == domain && e.is_none_or(|e| e == entity) && a.is_none_or(|a| a == action))
}

/// `Journey>Action Map >View` as `Journey > Action Map > View`: the
/// documented tolerance of spaces (ASCII spaces only) around `>`.
fn normalize(label: &str) -> String {
    // A space of a label is the ASCII one or a Unicode space (the no-break
    // space of the vendor's pages), never a control character or a line or
    // paragraph separator.
    let spaced: String = label
        .chars()
        .map(|c| {
            let space = c.is_whitespace() && !c.is_control() && c != '\u{2028}' && c != '\u{2029}';
            if space { ' ' } else { c }
        })
        .collect();
    spaced
        .split('>')
        .map(|s| s.trim_matches(' '))
        .collect::<Vec<_>>()
        .join(" > ")
}

/// The string-level oracle: whether the fixed role allows the question
/// `input`. A name of a granted builtin permission (key or label, any ASCII
/// case), a well-formed key under a granted pattern, or an unknown grant.
pub fn oracle_allows(input: &str) -> bool {
    if input.is_empty() || input.len() > MAX_PERMISSION_LEN || input.contains('*') {
        return false;
    }
    let lower = input.to_ascii_lowercase();
    if lower.contains('>') {
        return ORACLE_ALLOWED.contains(&normalize(&lower));
    }
    if ORACLE_ALLOWED.contains(&lower) {
        return true;
    }
    match lower.split(':').collect::<Vec<_>>().as_slice() {
        [domain, entity, action] => {
            [domain, entity, action]
                .iter()
                .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()))
                && pattern_covers(domain, entity, action)
        }
        _ => false,
    }
}

/// Target `permission`: one string as a lookup, a resolve, a grant and a
/// question to a fixed role.
///
/// - nothing panics;
/// - `lookup` finds only a permission whose key or label the input spells;
///   `resolve` agrees with `lookup` and never returns a wildcard row;
/// - `allows` of the string answers `Ok(true)` exactly when the oracle allows
///   the input, and never for an input containing `*`; `decide` of the string
///   allows only what `allows` allows;
/// - a grant that loads is allowed when asked back (or is a wildcard, which a
///   question may not name), and every permission it gives is allowed by key
///   and by label.
pub fn permission(input: &str) {
    let catalog = Catalog::builtin();

    let found = catalog.lookup(input);
    if let Some(p) = found {
        let spelled = p.key().eq_ignore_ascii_case(input)
            || p.label()
                .is_some_and(|label| normalize(label).eq_ignore_ascii_case(&normalize(input)));
        assert!(
            spelled,
            "lookup({input:?}) found {}, which the input does not spell",
            p.key()
        );
    }
    match catalog.resolve(input) {
        Ok(p) => {
            assert_eq!(Some(p), found, "resolve and lookup disagree on {input:?}");
            assert!(
                !p.is_wildcard(),
                "resolve({input:?}) returned the wildcard row {}",
                p.key()
            );
            assert!(!input.contains('*'), "resolve({input:?}) accepted a wildcard");
        }
        Err(QuestionError::Wildcard { .. }) => {}
        Err(error) => {
            assert!(
                found.is_none_or(|p| p.is_wildcard()),
                "lookup({input:?}) found {:?} but resolve says {error}",
                found.map(|p| p.key())
            );
        }
    }

    let (policy, role) = &*FIXED;
    let answer = policy.allows(*role, input);
    let expected = oracle_allows(input);
    if answer == Ok(true) {
        assert!(expected, "allows({input:?}) = Ok(true) but the oracle denies it");
        assert!(!input.contains('*'), "allows({input:?}) = Ok(true) for a wildcard");
    } else if expected {
        panic!("allows({input:?}) = {answer:?} but the oracle allows it");
    }
    if let Ok(true) = policy.decide(*role, input).map(|d| d.is_allowed()) {
        assert_eq!(answer, Ok(true), "decide({input:?}) allowed but allows did not");
    }

    if let Ok(builder) = Policy::builder(catalog).role("g", [input]) {
        let granted = builder.build();
        let g = granted.role("g").unwrap_or_else(|| panic!("role g"));
        match granted.allows(g, input) {
            Ok(true) | Err(QuestionError::Wildcard { .. }) => {}
            other => panic!("granted {input:?}, asked it back: {other:?}"),
        }
        // Whatever the grant gives, it gives by name: asking another name of a
        // permission it holds answers true.
        for p in granted.permissions(g).filter(|p| !p.is_wildcard()).take(64) {
            assert_eq!(
                granted.allows(g, p.key()),
                Ok(true),
                "granted {input:?}, holds {}",
                p.key()
            );
            if let Some(label) = p.label() {
                assert_eq!(granted.allows(g, label), Ok(true), "granted {input:?}, holds {label}");
            }
        }
    }
}

/// Decisions of `role` for every permission of the policy's catalog, with
/// conditions as their JSON (sorted), for comparing two policies.
fn decisions(policy: &Policy, role: RoleId) -> BTreeMap<String, String> {
    policy
        .catalog()
        .iter()
        .filter_map(|p| {
            let decision = match policy.decide(role, p) {
                Decision::Denied => return None,
                Decision::Allowed => "allowed".to_owned(),
                Decision::AllowedIf(conditions) => {
                    let set: BTreeSet<String> = conditions.iter().map(|c| c.to_json().to_string()).collect();
                    format!("if {set:?}")
                }
            };
            Some((p.key().to_owned(), decision))
        })
        .collect()
}

/// One role in a policy of its own, or the error.
fn compile(spec: &RoleSpec) -> Option<(Policy, RoleId)> {
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role_spec(spec).ok()?;
    let policy = builder.build();
    let role = policy
        .role(&spec.name)
        .unwrap_or_else(|| panic!("role {:?} was added but is not in the policy", spec.name));
    Some((policy, role))
}

/// Target `role_json`: role JSON in, compiled, exported, read back.
///
/// - `RoleFile::parse` and `add_role_spec` return errors, never panic;
/// - every loaded role has a non-blank name, unique in the file;
/// - for each role that compiles, `export_role` (both forms) succeeds, its
///   output parses as exactly one role of the same name, and that role
///   compiles to the same decisions (`permissions`, and conditions) for every
///   catalog permission; the wildcard form also keeps the unknown grants;
/// - every loaded role is written as Terraform (HCL and JSON) unless a
///   condition nests a conjunction, and its Terraform JSON reads back as the
///   role Terraform holds ([`terraform_round_trip`]).
pub fn role_json(text: &str) {
    let Ok(file) = RoleFile::parse(text) else {
        return;
    };
    let mut names = HashSet::new();
    let mut shared = Policy::builder(Catalog::builtin());
    for spec in &file.roles {
        assert!(!spec.name.trim().is_empty(), "a loaded role has a blank name");
        assert!(
            names.insert(spec.name.clone()),
            "two loaded roles are named {:?}",
            spec.name
        );
        let _ = shared.add_role_spec(spec);
        terraform_round_trip(spec);
        let Some((policy, role)) = compile(spec) else {
            continue;
        };
        let before = decisions(&policy, role);
        let permissions: BTreeSet<u16> = policy.permissions(role).map(|p| p.index()).collect();
        for form in [Form::Wildcard, Form::Expanded] {
            let body = match export_role(&policy, role, form) {
                Ok(body) => body,
                // Only a held row standing for a whole entity whose actions no catalog lists.
                Err(ExportError::UnknownActions { entity }) if form == Form::Expanded => {
                    let row = format!("{entity}:*");
                    assert!(
                        policy.permissions(role).any(|p| p.is_wildcard() && p.key() == row),
                        "export_role({:?}, Expanded) refused `{entity}`, which the role does not hold",
                        spec.name
                    );
                    continue;
                }
                Err(e) => panic!("export_role({:?}, {form:?}) failed: {e}", spec.name),
            };
            let json = serde_json::to_string(&body).unwrap_or_else(|e| panic!("exported role does not serialize: {e}"));
            let again = RoleFile::parse(&json).unwrap_or_else(|e| panic!("exported JSON does not parse: {e}\n{json}"));
            assert!(
                again.errors.is_empty(),
                "exported role has errors: {:?}\n{json}",
                again.errors
            );
            let [back] = again.roles.as_slice() else {
                panic!("exported JSON holds {} roles\n{json}", again.roles.len());
            };
            assert_eq!(back.name, spec.name, "exported name");
            assert_eq!(back.legacy_permissions, spec.legacy_permissions, "legacy permissions");
            let (policy2, role2) =
                compile(back).unwrap_or_else(|| panic!("exported role does not compile ({form:?})\n{json}"));
            let permissions2: BTreeSet<u16> = policy2.permissions(role2).map(|p| p.index()).collect();
            assert_eq!(
                permissions, permissions2,
                "permissions differ after round trip ({form:?})\n{json}"
            );
            assert_eq!(
                before,
                decisions(&policy2, role2),
                "decisions differ after round trip ({form:?})\n{json}"
            );
            if form == Form::Wildcard {
                let unknown =
                    |p: &Policy, r| -> BTreeSet<String> { p.unknown_grants(r).map(str::to_ascii_lowercase).collect() };
                assert_eq!(
                    unknown(&policy, role),
                    unknown(&policy2, role2),
                    "unknown grants\n{json}"
                );
            }
        }
    }
    let shared = shared.build();
    for role in shared.roles() {
        let _ = shared.audit(role);
    }
}

/// Whether the provider's `conditions` block can hold `condition`: one
/// conjunction of terms, or a single term.
fn terraform_holds(condition: &Condition) -> bool {
    match condition {
        Condition::All(terms) | Condition::Any(terms) => {
            !terms.is_empty() && terms.iter().all(|term| matches!(term, Condition::Term { .. }))
        }
        _ => true,
    }
}

/// `spec` as Terraform holds it: no `id`, no empty description, a single
/// term as the AND of that term, `allow_conditions` where there is a
/// condition.
fn as_terraform_holds_it(spec: &RoleSpec) -> RoleSpec {
    let mut role = spec.clone();
    role.id = None;
    role.description = role.description.filter(|d| !d.is_empty());
    for policy in &mut role.policies {
        if let Some(term @ Condition::Term { .. }) = &policy.condition {
            policy.condition = Some(Condition::All(vec![term.clone()]));
        }
        policy.allow_conditions = policy.condition.is_some();
    }
    role
}

/// A loaded role as Terraform: HCL and Terraform JSON are written alike (or
/// refused alike, only for a condition the provider cannot hold), and the
/// JSON reads back as exactly the role Terraform holds.
fn terraform_round_trip(spec: &RoleSpec) {
    let hcl = to_hcl(spec, "r");
    match to_json(spec, "r") {
        Ok(text) => {
            assert!(hcl.is_ok(), "HCL refused what JSON wrote: {hcl:?}");
            let again = RoleFile::parse(&text).unwrap_or_else(|e| panic!("Terraform JSON does not parse: {e}\n{text}"));
            assert!(
                again.errors.is_empty(),
                "Terraform JSON has errors: {:?}\n{text}",
                again.errors
            );
            let [back] = again.roles.as_slice() else {
                panic!("Terraform JSON holds {} roles\n{text}", again.roles.len());
            };
            assert_eq!(*back, as_terraform_holds_it(spec), "Terraform JSON round trip\n{text}");
        }
        Err(error @ TerraformError::Condition { .. }) => {
            assert_eq!(hcl, Err(error.clone()), "HCL and JSON disagree");
            assert!(
                spec.policies
                    .iter()
                    .filter_map(|p| p.condition.as_ref())
                    .any(|c| !terraform_holds(c)),
                "Terraform refused a condition it can hold: {error}"
            );
        }
        Err(error) => panic!("Terraform export of {:?} failed: {error}", spec.name),
    }
}

/// Target `catalog_json`: an organization's catalog added to the builtin one.
///
/// - `with_org_catalog` returns an error, never panics;
/// - on success every builtin permission keeps its index, key and label (so
///   the typed constants stay valid) and is still found by key and label;
/// - every new permission is a concrete `domain:entity:action` key found by
///   `lookup` of its key (and of its label, when it has one);
/// - a label wildcard `Domain > Entity > All` that the builtin catalog
///   resolves grants the same builtin permissions with the org catalog.
pub fn catalog_json(text: &str) {
    let builtin = Catalog::builtin();
    let Ok(catalog) = builtin.with_org_catalog(text) else {
        return;
    };
    assert!(catalog.len() >= builtin.len(), "the org catalog lost permissions");
    for constant in [
        perm::journey::ACTIONMAP_VIEW,
        perm::routing::QUEUE_VIEW,
        perm::cxengage::CONTACTS_READ,
    ] {
        let p = catalog
            .get(constant.index())
            .unwrap_or_else(|| panic!("{} is gone", constant.key()));
        assert_eq!(p.key(), constant.key(), "typed constant moved");
    }
    for old in builtin.iter() {
        let new = catalog
            .get(old.index())
            .unwrap_or_else(|| panic!("{} is gone", old.key()));
        assert_eq!(
            (new.key(), new.label()),
            (old.key(), old.label()),
            "builtin entry changed"
        );
        assert_eq!(
            catalog.lookup(old.key()).map(|p| p.index()),
            Some(old.index()),
            "{} shadowed",
            old.key()
        );
        if let Some(label) = old.label() {
            assert_eq!(
                catalog.lookup(label).map(|p| p.index()),
                Some(old.index()),
                "{label} shadowed"
            );
        }
    }
    for new in catalog.iter().skip(builtin.len()) {
        let key = new.key();
        let segments: Vec<&str> = key.split(':').collect();
        assert!(
            segments.len() == 3 && segments.iter().all(|s| !s.is_empty() && *s != "*"),
            "new permission {key:?} is not one concrete key"
        );
        assert_eq!(
            catalog.lookup(key).map(|p| p.index()),
            Some(new.index()),
            "new key {key:?} not found"
        );
        if let Some(label) = new.label() {
            assert_eq!(
                catalog.lookup(label).map(|p| p.index()),
                Some(new.index()),
                "new label {label:?} not found"
            );
        }
        let policy = Policy::builder(&catalog).role("r", [key]);
        let policy = policy
            .unwrap_or_else(|e| panic!("new key {key:?} does not load as a grant: {e}"))
            .build();
        let r = policy.role("r").unwrap_or_else(|| panic!("role r"));
        assert!(policy.allows(r, new), "a grant of {key:?} does not allow it");
    }
    catalog_label_wildcards(text);
}

/// Part of target `catalog_json`: for every label an organization's catalog adds,
/// the label wildcard `Domain > Entity > All` of its entity, when the builtin
/// catalog resolves it, grants the same builtin permissions with the
/// organization's catalog as without.
pub fn catalog_label_wildcards(text: &str) {
    let builtin = Catalog::builtin();
    let Ok(catalog) = builtin.with_org_catalog(text) else {
        return;
    };
    let entity_labels: BTreeSet<String> = catalog
        .iter()
        .skip(builtin.len())
        .filter_map(|p| {
            p.label()?
                .rsplit_once('>')
                .map(|(prefix, _)| format!("{} > All", prefix.trim()))
        })
        .collect();
    for grant in entity_labels.iter().take(8) {
        let Ok(before) = Policy::builder(builtin).role("r", [grant]) else {
            continue;
        };
        let before = before.build();
        let after = Policy::builder(&catalog)
            .role("r", [grant])
            .unwrap_or_else(|e| panic!("{grant:?} resolves with the builtin catalog, not with the org's: {e}"))
            .build();
        let set = |p: &Policy| -> BTreeSet<u16> {
            let r = p.role("r").unwrap_or_else(|| panic!("role r"));
            p.permissions(r)
                .map(|p| p.index())
                .filter(|&i| usize::from(i) < builtin.len())
                .collect()
        };
        assert_eq!(
            set(&before),
            set(&after),
            "{grant:?} grants other builtin permissions with the org catalog"
        );
        // Nor anything outside the entities it names.
        let entities = |p: &Policy| -> BTreeSet<(String, String)> {
            let r = p.role("r").unwrap_or_else(|| panic!("role r"));
            let lower = |s: &str| s.to_ascii_lowercase();
            p.permissions(r)
                .map(|p| (lower(p.domain()), lower(p.entity())))
                .collect()
        };
        let (inside, granted) = (entities(&before), entities(&after));
        assert!(
            granted.is_subset(&inside),
            "{grant:?} grants {granted:?} with the org catalog, only {inside:?} without"
        );
    }
}

/// Keys every subject is asked about, besides those of its own policies.
const SUBJECT_KEYS: [&str; 6] = [
    "routing:queue:view",
    "Journey > Action Map > View",
    "journey:newThing:view",
    "CONTACTS_READ",
    "routing:queue:*",
    "x:y:z",
];

/// Target `subject_json`: a subject document, its roles, its decisions.
///
/// - `SubjectSpec::parse` returns an error, never panics;
/// - on success `add_subject` adds its roles (`roles()`, each compiles,
///   under its name) and a user named by its id, else its name; it fails
///   only for a subject without a usable id or name (then the same subject
///   with an id is added);
/// - asking the user in a division (`user_in`) never panics, and answers
///   `Ok(true)` exactly when some grant of the subject in that division (or
///   in all) allows the permission (builtin permissions are all
///   division-aware); the user itself answers as in division `*`.
pub fn subject_json(text: &str) {
    let Ok(spec) = SubjectSpec::parse(text) else {
        return;
    };
    let mut builder: PolicyBuilder = Policy::builder(Catalog::builtin());
    let user = match builder.add_subject(&spec) {
        Ok(user) => user,
        Err(BuildError::EmptyUserName) => {
            let name = spec.id.as_deref().or(spec.name.as_deref());
            assert!(
                name.is_none_or(|name| name.trim().is_empty()),
                "subject named {name:?} refused as unnamed"
            );
            let mut named = spec.clone();
            named.id = Some("fuzz-subject".to_owned());
            let mut fresh: PolicyBuilder = Policy::builder(Catalog::builtin());
            let user = fresh
                .add_subject(&named)
                .unwrap_or_else(|e| panic!("subject given an id: {e}"));
            builder = fresh;
            user
        }
        Err(e) => panic!("a parsed subject does not load: {e}"),
    };
    let policy = builder.build();
    let roles: Vec<RoleId> = spec
        .roles()
        .map(|role| {
            policy
                .role(&role.name)
                .unwrap_or_else(|| panic!("role {:?} of the subject is not in its policy", role.name))
        })
        .collect();
    assert_eq!(policy.roles().len(), roles.len(), "subject roles");
    assert_eq!(policy.users().len(), 1, "subject users");
    // The subject's grants, as `(role, division)`: what the user must hold.
    let grants: Vec<(RoleId, &Division)> = spec
        .grants
        .iter()
        .map(|g| (policy.role(&g.role.name).unwrap_or_else(|| panic!("role")), &g.division))
        .collect();

    let mut keys: Vec<String> = SUBJECT_KEYS.iter().map(|k| (*k).to_owned()).collect();
    keys.extend(
        spec.grants
            .iter()
            .flat_map(|g| &g.role.policies)
            .flat_map(|p| p.keys())
            .take(8),
    );
    let mut divisions = vec!["*".to_owned(), "nowhere".to_owned(), String::new()];
    divisions.extend(spec.grants.iter().filter_map(|g| match &g.division {
        Division::Id(id) => Some(id.clone()),
        _ => None,
    }));
    divisions.truncate(6);
    let expected = |key: &str, division: &str| {
        grants
            .iter()
            .any(|(role, scope)| scope.covers(division) && policy.allows(*role, key) == Ok(true))
    };
    for key in &keys {
        if let Ok(answer) = policy.allows(user, key) {
            assert_eq!(answer, expected(key, "*"), "allows(user, {key:?})");
        }
        for division in &divisions {
            let Ok(answer) = policy.allows(policy.user_in(user, division), key) else {
                continue;
            };
            assert_eq!(answer, expected(key, division), "allows(user in {division:?}, {key:?})");
        }
    }
}
