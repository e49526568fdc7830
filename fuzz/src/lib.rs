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
use permgate::genesys::{
    self, ForbiddenBody, GATE_REFUSED, MISSING_ANY_PERMISSIONS, MISSING_PERMISSIONS, MissingPermission, RoleFile,
    SubjectSpec, UserAuthorization, export_role, listings,
};
use permgate::{
    BuildError, Catalog, Decision, Division, Permission, Policy, PolicyBuilder, Release, RoleDefinition, RoleId,
    condition::Condition, definition::DefinitionError, definition::Form, gate::CheckOptions, parse::MAX_PERMISSION_LEN,
    parse::QuestionError, perm,
};
use serde_json::{Map, Value};

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
                    let set: BTreeSet<String> = conditions
                        .iter()
                        .map(|c| {
                            serde_json::to_value(permgate::genesys::wire::ResourceConditionNode::from(*c))
                                .unwrap()
                                .to_string()
                        })
                        .collect();
                    format!("if {set:?}")
                }
            };
            Some((p.key().to_owned(), decision))
        })
        .collect()
}

/// One role in a policy of its own, or the error.
fn compile(spec: &RoleDefinition) -> Option<(Policy, RoleId)> {
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role_definition(spec).ok()?;
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
        let _ = shared.add_role_definition(spec);
        terraform_round_trip(spec);
        let Some((policy, role)) = compile(spec) else {
            continue;
        };
        let before = decisions(&policy, role);
        let permissions: BTreeSet<u16> = policy.permissions(role).map(|p| p.index()).collect();
        for form in [Form::Wildcard, Form::Expanded] {
            let definition = match policy.definition(role, form) {
                Ok(definition) => definition,
                // Only a held row standing for a whole entity whose actions no catalog lists.
                Err(DefinitionError::UnknownActions { entity }) if form == Form::Expanded => {
                    let row = format!("{entity}:*");
                    assert!(
                        policy.permissions(role).any(|p| p.is_wildcard() && p.key() == row),
                        "export_role({:?}, Expanded) refused `{entity}`, which the role does not hold",
                        spec.name
                    );
                    continue;
                }
                Err(e) => panic!("definition({:?}, {form:?}) failed: {e}", spec.name),
            };
            let body = export_role(&definition)
                .unwrap_or_else(|e| panic!("export_role({:?}, {form:?}) failed: {e}", spec.name));
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
            assert_eq!(back.legacy, spec.legacy, "legacy permissions");
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
                let unknown = |p: &Policy, r| -> BTreeSet<String> {
                    let audit = p.audit(r);
                    audit
                        .iter()
                        .flat_map(|a| &a.unknown)
                        .map(|key| key.to_ascii_lowercase())
                        .collect()
                };
                assert_eq!(
                    unknown(&policy, role),
                    unknown(&policy2, role2),
                    "unknown grants\n{json}"
                );
            }
        }
    }
    terraform_reads_what_the_input_says(text, &file);
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
/// term as the AND of that term.
fn as_terraform_holds_it(spec: &RoleDefinition) -> RoleDefinition {
    let mut role = spec.clone();
    role.id = None;
    role.description = role.description.filter(|d| !d.is_empty());
    for group in &mut role.grants {
        if let Some(term @ Condition::Term { .. }) = &group.condition {
            group.condition = Some(Condition::All(vec![term.clone()]));
        }
    }
    role
}

/// A loaded role as Terraform: HCL and Terraform JSON are written alike (or
/// refused alike, only for a condition the provider cannot hold), and the
/// JSON reads back as exactly the role Terraform holds.
fn terraform_round_trip(spec: &RoleDefinition) {
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
                spec.grants
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
    let Ok(catalog) = permgate::genesys::org_catalog(builtin, text) else {
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
    let Ok(catalog) = permgate::genesys::org_catalog(builtin, text) else {
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
    let user = match builder.add_user_definition(&spec.definition()) {
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
                .add_user_definition(&named.definition())
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
            .flat_map(|g| &g.role.grants)
            .flat_map(|p| p.permissions.iter().cloned())
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

// ---------------------------------------------------------------------------
// Terraform JSON, through target `role_json`.
// ---------------------------------------------------------------------------

/// The attributes and blocks of the provider's `genesyscloud_auth_role`
/// schema (`resource_genesyscloud_auth_role_schema.go` of
/// `MyPureCloud/terraform-provider-genesyscloud`), written out here by hand,
/// one list per block level: the resource, `permission_policies`,
/// `conditions`, `terms`, `operands`.
const TF_SCHEMA: [&[&str]; 5] = [
    &[
        "name",
        "description",
        "permissions",
        "permission_policies",
        "default_role_id",
    ],
    &["domain", "entity_name", "action_set", "conditions"],
    &["conjunction", "terms"],
    &["variable_name", "operator", "operands"],
    &["type", "queue_id", "user_id", "value"],
];

/// The block of each level that holds the next level's bodies.
const TF_BLOCKS: [&str; 4] = ["permission_policies", "conditions", "terms", "operands"];

/// The meta-arguments Terraform defines on every resource (not the
/// provider's attributes).
const TF_META: [&str; 8] = [
    "depends_on",
    "provider",
    "provisioner",
    "connection",
    "lifecycle",
    "count",
    "for_each",
    "//",
];

/// The top-level block types of Terraform JSON.
const TF_TOP_LEVEL: [&str; 13] = [
    "check",
    "data",
    "import",
    "locals",
    "module",
    "moved",
    "output",
    "provider",
    "removed",
    "resource",
    "terraform",
    "variable",
    "//",
];

/// The bodies of a block value: an object, or each object of an array.
fn tf_bodies(value: Option<&Value>) -> Vec<&Map<String, Value>> {
    match value {
        Some(Value::Object(body)) => vec![body],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

/// Whether `body`, at schema level `level`, or a block below it, holds a key
/// the provider's schema does not define (`//` comments aside).
fn tf_has_unknown(body: &Map<String, Value>, level: usize) -> bool {
    let (Some(schema), block) = (TF_SCHEMA.get(level), TF_BLOCKS.get(level)) else {
        return false;
    };
    body.iter().any(|(key, value)| {
        let key = key.as_str();
        let known = key == "//" || schema.contains(&key) || (level == 0 && TF_META.contains(&key));
        !known || (block == Some(&key) && tf_bodies(Some(value)).iter().any(|b| tf_has_unknown(b, level + 1)))
    })
}

/// The checks of a Terraform JSON document (one whose top-level keys are
/// Terraform's block types) beyond the round trip:
///
/// - a resource holding, at any level, an attribute the provider's schema
///   does not define never loads: at most as many roles load as resources
///   are free of them, and none by the name of a resource that has one;
/// - a role that loads has one policy per `permission_policies` block, in
///   order, and each block with a `conditions` block is a conditional policy.
fn terraform_reads_what_the_input_says(text: &str, file: &RoleFile) {
    let Ok(Value::Object(document)) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if document.is_empty() || !document.keys().all(|key| TF_TOP_LEVEL.contains(&key.as_str())) {
        return;
    }
    let mut bodies = Vec::new();
    for types in tf_bodies(document.get("resource")) {
        for labels in tf_bodies(types.get("genesyscloud_auth_role")) {
            for body in labels.values() {
                bodies.extend(tf_bodies(Some(body)));
            }
        }
    }
    let (unknown, clean): (Vec<_>, Vec<_>) = bodies.into_iter().partition(|body| tf_has_unknown(body, 0));
    assert!(
        file.roles.len() <= clean.len(),
        "{} roles loaded from {} resources free of unknown attributes",
        file.roles.len(),
        clean.len()
    );
    for body in &unknown {
        let Some(name) = tf_name(body) else {
            continue;
        };
        // A name spelled as a template reads as another literal: compared raw only.
        if name.contains('{') || clean.iter().any(|other| tf_name(other) == Some(name)) {
            continue;
        }
        assert!(
            file.roles.iter().all(|role| role.name != name),
            "role {name:?} loaded from a resource with an attribute the provider does not define"
        );
    }
    for role in &file.roles {
        let mut same = clean.iter().filter(|body| tf_name(body) == Some(role.name.as_str()));
        let (Some(body), None) = (same.next(), same.next()) else {
            continue;
        };
        let blocks = tf_bodies(body.get("permission_policies"));
        assert_eq!(
            blocks.len(),
            role.grants.len(),
            "role {:?}: {} permission_policies blocks read as {} policies",
            role.name,
            blocks.len(),
            role.grants.len()
        );
        for (n, (block, policy)) in blocks.iter().zip(&role.grants).enumerate() {
            if !tf_bodies(block.get("conditions")).is_empty() {
                assert!(
                    policy.condition.is_some(),
                    "role {:?}: policy {n} has a conditions block and was read without a condition",
                    role.name
                );
            }
        }
    }
}

/// The `name` of a resource body, as written.
fn tf_name(body: &Map<String, Value>) -> Option<&str> {
    body.get("name").and_then(Value::as_str)
}

// ---------------------------------------------------------------------------
// Target `forbidden_body`.
// ---------------------------------------------------------------------------

/// The words before a division list in the platform's messages.
const DIVISIONS_TEXT: &str = "in at least one of the following division(s): ";

/// Target `forbidden_body`: the input as a 403 body read by
/// [`ForbiddenBody::parse`], and the bytes as a denial written by
/// [`genesys::forbidden_body`] and read back.
pub fn forbidden_body(text: &str) {
    forbidden_body_read(text);
    let _ = forbidden_body_round_trip(text.as_bytes());
}

/// Every body of the tree under `value` (itself, then its `errors`, depth
/// first), in the order the reader reads them.
fn error_bodies<'v>(value: &'v Map<String, Value>, out: &mut Vec<&'v Map<String, Value>>) {
    out.push(value);
    if let Some(Value::Array(nested)) = value.get("errors") {
        for body in nested.iter().filter_map(Value::as_object) {
            error_bodies(body, out);
        }
    }
}

/// The texts a division of `message` may be read from: the list after each
/// division clause that follows the code's `wording` and is not inside
/// parentheses (an admin label), up to the list's end or the labels'
/// opening parenthesis.
fn division_clauses<'m>(message: &'m str, wording: &str) -> Vec<&'m str> {
    let Some(listed) = message.find(wording).and_then(|at| message.get(at + wording.len()..)) else {
        return Vec::new();
    };
    listed
        .match_indices(DIVISIONS_TEXT)
        .filter(|(at, _)| {
            let before = listed.get(..*at).unwrap_or_default();
            before.matches('(').count() <= before.matches(')').count()
        })
        .filter_map(|(at, _)| listed.get(at + DIVISIONS_TEXT.len()..))
        .map(|list| list.split([']', '(']).next().unwrap_or_default())
        .collect()
}

/// The reading half of target `forbidden_body`:
///
/// - `parse` never panics;
/// - a `gate.refused` body reads as refused with nothing missing and no
///   division; a `missing.permissions` or `missing.any.permissions` body
///   never reads as nothing missing (and no any-of group is empty);
/// - each body of the tree, read alone, gives its part of the whole, in order;
/// - every key read is written in its body's `message` or
///   `messageParams.permissions`;
/// - labels are read for every key of a body or for none, and appear in
///   order after the last key, inside the message's parentheses;
/// - every division read is in some body's `messageParams.divisions`, or in a
///   division clause of a body's message that is not inside parentheses.
fn forbidden_body_read(text: &str) {
    let Ok(read) = ForbiddenBody::parse(text) else {
        return;
    };
    let root: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("a body that parses is not JSON: {e}"));
    let root = root
        .as_object()
        .unwrap_or_else(|| panic!("a body that parses is not an object"));
    let code_of = |body: &Map<String, Value>| body.get("code").and_then(Value::as_str).unwrap_or_default().to_owned();
    let code = code_of(root);
    assert_eq!(read.code, code, "code");
    if code == GATE_REFUSED {
        assert!(
            read.refused.is_some() && read.missing.is_empty() && read.any_of.is_empty() && read.divisions.is_empty(),
            "a gate.refused body reads as {read:?}"
        );
        return;
    }
    assert!(
        code == MISSING_PERMISSIONS || code == MISSING_ANY_PERMISSIONS,
        "read a body of code {code:?}"
    );
    assert!(
        !read.missing.is_empty() || !read.any_of.is_empty(),
        "a {code} body reads as nothing missing: {read:?}"
    );
    assert!(
        read.any_of.iter().all(|group| !group.is_empty()),
        "an empty any-of group: {read:?}"
    );
    let mut bodies = Vec::new();
    error_bodies(root, &mut bodies);
    let (mut missing, mut any_of, mut sources): (Vec<MissingPermission>, Vec<Vec<MissingPermission>>, Vec<&str>) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut refused = false;
    for body in bodies {
        let code = code_of(body);
        if code == GATE_REFUSED {
            refused = true;
            continue;
        }
        let mut alone = body.clone();
        alone.remove("errors");
        let one = ForbiddenBody::parse(&Value::Object(alone).to_string())
            .unwrap_or_else(|e| panic!("a body of a tree that parses does not parse alone: {e}"));
        let message = body.get("message").and_then(Value::as_str).unwrap_or_default();
        let param = |name: &str| {
            body.get("messageParams")
                .and_then(|p| p.get(name))
                .and_then(Value::as_str)
        };
        let group = if code == MISSING_ANY_PERMISSIONS {
            assert!(
                one.missing.is_empty() && one.any_of.len() == 1,
                "one any-of body: {one:?}"
            );
            one.any_of.into_iter().next().unwrap_or_default()
        } else {
            assert!(one.any_of.is_empty(), "one missing body: {one:?}");
            one.missing
        };
        assert!(!group.is_empty(), "a body reads as nothing missing: {body:?}");
        for permission in &group {
            let spelled = match &permission.division {
                Some(division) => format!("{}:{division}", permission.key),
                None => permission.key.clone(),
            };
            assert!(
                message.contains(&spelled) || param("permissions").is_some_and(|keys| keys.contains(&spelled)),
                "{spelled:?} is not written in {body:?}"
            );
        }
        if group.iter().any(|permission| permission.label.is_some()) {
            let labels: Option<Vec<&str>> = group.iter().map(|p| p.label.as_deref()).collect();
            let labels = labels.unwrap_or_else(|| panic!("labels for some keys only: {group:?}"));
            let last = group.last().map(|p| p.key.as_str()).unwrap_or_default();
            let mut at = message
                .find(last)
                .and_then(|at| message.get(at..)?.find('(').map(|open| at + open))
                .unwrap_or_else(|| panic!("labels {labels:?} with no parenthesis after the keys: {message:?}"));
            for label in &labels {
                assert!(!label.is_empty() && !label.contains("; "), "label {label:?}");
                let found = message.get(at..).and_then(|rest| rest.find(label));
                at += found.unwrap_or_else(|| panic!("label {label:?} not in order in {message:?}")) + label.len();
            }
        }
        match param("divisions") {
            Some(divisions) => sources.push(divisions),
            None => {
                let wording = if code == MISSING_ANY_PERMISSIONS {
                    "You must have at least one of the following permissions assigned: "
                } else {
                    "You are missing the following permission(s): "
                };
                sources.extend(division_clauses(message, wording));
            }
        }
        if code == MISSING_ANY_PERMISSIONS {
            any_of.push(group);
        } else {
            missing.extend(group);
        }
    }
    assert_eq!(read.refused.is_some(), refused, "refused: {read:?}");
    assert_eq!(read.missing, missing, "the bodies alone give other missing permissions");
    assert_eq!(read.any_of, any_of, "the bodies alone give other any-of groups");
    for division in &read.divisions {
        assert!(
            !division.is_empty() && sources.iter().any(|source| source.contains(division.as_str())),
            "division {division:?} is in no division clause nor messageParams.divisions of {text}"
        );
    }
}

/// The writing half of target `forbidden_body`: a builtin gate picked by the
/// first byte, checked (at the gate's release, with every roadmap key, at a
/// release before any document, or on the documented set: the second byte)
/// against a role holding the gate's own permissions that the bits of the
/// other bytes pick. A denial written by [`genesys::forbidden_body`] reads
/// back as exactly its missing keys and unmet groups, each label written
/// being the catalog's, or as refused when it names none. Returns what was
/// read back, `None` when the bytes pick nothing or the role passes.
pub fn forbidden_body_round_trip(bytes: &[u8]) -> Option<ForbiddenBody> {
    let catalog = Catalog::builtin();
    let gates = permgate::builtins::gates();
    let [pick, how, bits @ ..] = bytes else {
        return None;
    };
    let gate = gates.get(usize::from(*pick) % gates.len().max(1))?;
    let offered: Vec<Permission<'static>> = gate
        .required
        .iter()
        .chain(gate.any_of.iter().flat_map(|group| group.iter()))
        .copied()
        .collect();
    let held: Vec<&str> = offered
        .iter()
        .enumerate()
        .filter(|(n, _)| bits.get(n / 8).is_some_and(|byte| byte & (1 << (n % 8)) != 0))
        .map(|(_, p)| p.key())
        .collect();
    let policy = Policy::builder(catalog)
        .role("r", held.iter().copied())
        .unwrap_or_else(|e| panic!("the keys of gate {} do not load: {e}", gate.name))
        .build();
    let role = policy.role("r").unwrap_or_else(|| panic!("role r"));
    let options = match how % 4 {
        0 => CheckOptions::at(gate.release),
        1 => CheckOptions::at(None),
        2 => CheckOptions::at(Some(Release::new(0, 1))),
        _ => CheckOptions::at(gate.release).documented(),
    };
    let denied = policy.check_info(role, gate, options).err()?;
    let body = genesys::forbidden_body(&denied, Some("ctx-1")).to_string();
    let read = ForbiddenBody::parse(&body).unwrap_or_else(|e| panic!("a written body does not parse: {e}\n{body}"));
    forbidden_body_read(&body);
    assert_eq!(read.context_id.as_deref(), Some("ctx-1"), "contextId\n{body}");
    let names_none = denied.missing().is_empty() && denied.unmet_any_of().is_empty();
    if names_none || denied.feature_removed() || !denied.foreign().is_empty() {
        assert_eq!(read.code, GATE_REFUSED, "{body}");
        assert!(
            read.refused.is_some() && read.missing.is_empty() && read.any_of.is_empty(),
            "a refusal reads as {read:?}\n{body}"
        );
        return Some(read);
    }
    assert!(read.refused.is_none() && read.divisions.is_empty(), "{read:?}\n{body}");
    let keys =
        |permissions: &[Permission<'_>]| -> Vec<String> { permissions.iter().map(|p| p.key().to_owned()).collect() };
    let read_keys = |permissions: &[MissingPermission]| -> Vec<String> {
        assert!(
            permissions.iter().all(|p| p.division.is_none()),
            "a division read: {permissions:?}"
        );
        permissions.iter().map(|p| p.key.clone()).collect()
    };
    assert_eq!(read_keys(&read.missing), keys(denied.missing()), "missing keys\n{body}");
    let unmet: Vec<Vec<String>> = denied.unmet_any_of().iter().map(|group| keys(group)).collect();
    let read_unmet: Vec<Vec<String>> = read.any_of.iter().map(|group| read_keys(group)).collect();
    assert_eq!(read_unmet, unmet, "unmet groups\n{body}");
    // Labels, per body: the catalog's, and written whenever each key has a plain one.
    let groups = std::iter::once((denied.missing(), read.missing.as_slice()))
        .filter(|(written, _)| !written.is_empty())
        .chain(
            denied
                .unmet_any_of()
                .iter()
                .copied()
                .zip(read.any_of.iter().map(Vec::as_slice)),
        );
    for (written, back) in groups {
        let plain = written
            .iter()
            .all(|p| p.label().is_some_and(|label| !label.contains([';', '(', ')'])));
        for (permission, back) in written.iter().zip(back) {
            match &back.label {
                Some(label) => assert_eq!(
                    Some(label.as_str()),
                    permission.label(),
                    "label of {}\n{body}",
                    back.key
                ),
                None => assert!(
                    !plain,
                    "no label read for {} of a list with plain labels\n{body}",
                    back.key
                ),
            }
        }
    }
    Some(read)
}

/// Target `call_path`: the input's first line is `METHOD PATH`, as a request line starts. The
/// operation `call::find` matches (a path from a request is untrusted) must be one whose template
/// the path fits, checked here segment by segment apart from the router: as many segments, each
/// literal segment equal, each parameter one segment that is not empty; and where a template of the
/// same method holds the path's segments literally, that one wins (a literal beats a parameter, as
/// on the platform). A path no template fits is an error, never an operation. Asking a policy
/// about the call never panics and never allows an unmatched path. `Division::parse` is checked
/// on the same text: it accepts `*`, or 1 to 128 bytes with no whitespace and no control or
/// invisible characters, and nothing else.
pub fn call_path(text: &str) {
    use permgate::builtins;
    use permgate::call;
    use permgate::operation::Method;

    division_parse(text.lines().next().unwrap_or_default());
    let line = text.lines().next().unwrap_or_default();
    let Some((method, path)) = line.split_once(' ') else {
        return;
    };
    let Some(method) = Method::parse(method) else {
        return;
    };
    let fits = |template: &str| {
        let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
        t.len() == p.len()
            && t.iter().zip(&p).all(|(t, p)| {
                if t.starts_with('{') && t.ends_with('}') {
                    !p.is_empty()
                } else {
                    t == p
                }
            })
    };
    let literal = |template: &str| !template.contains('{') && template == path;
    // A path with a byte no request path holds is refused before any match.
    if let Some(at) = path.bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        assert!(
            matches!(call::find(method, path), Err(call::CallError::InvalidPath { at: found, .. }) if found == at),
            "{line:?}: byte {at} is not visible ASCII"
        );
        return;
    }
    let candidates: Vec<&str> = builtins::operations()
        .filter(|op| op.method == method && fits(op.path))
        .map(|op| op.path)
        .collect();
    match call::find(method, path) {
        Ok(operation) => {
            assert_eq!(operation.method, method, "{line:?}");
            assert!(
                fits(operation.path),
                "{line:?} matched {} whose template it does not fit",
                operation.path
            );
            if candidates.iter().any(|t| literal(t)) {
                assert!(
                    literal(operation.path),
                    "{line:?}: a literal template exists, {} was chosen",
                    operation.path
                );
            }
        }
        Err(_) => assert!(
            candidates.is_empty(),
            "{line:?}: no operation found, but {candidates:?} fit"
        ),
    }
    static POLICY: LazyLock<Policy> = LazyLock::new(|| {
        Policy::builder(Catalog::builtin())
            .role("routing", ["routing:*:*", "users:*:*"])
            .and_then(|builder| builder.role("none", Vec::<&str>::new()))
            .map(|builder| builder.build())
            .unwrap_or_else(|e| panic!("{e}"))
    });
    for role in ["routing", "none"] {
        let role = POLICY.role(role).unwrap_or_else(|| panic!("role {role}"));
        if let Ok(answer) = POLICY.may_call(role, method, path) {
            assert!(
                !candidates.is_empty(),
                "{line:?}: answered without an operation: {answer:?}"
            );
        }
    }
}

/// `Division::parse` against its rule, written apart from it: `*` is every division; an id of 1
/// to 128 visible ASCII characters is accepted; nothing empty, overlong, holding whitespace or a
/// control character ever is.
fn division_parse(text: &str) {
    let parsed = Division::parse(text);
    if text == "*" {
        assert_eq!(parsed, Ok(Division::All));
        return;
    }
    let plain = !text.is_empty() && text.len() <= 128 && text.bytes().all(|b| b.is_ascii_graphic());
    if plain {
        assert_eq!(parsed, Ok(Division::Id(text.to_owned())), "{text:?}");
    }
    if parsed.is_ok() {
        assert!(
            !text.is_empty() && text.len() <= 128 && !text.chars().any(|c| c.is_whitespace() || c.is_control()),
            "{text:?} accepted as a division"
        );
    }
}

/// Target `users_listing`: `genesys::UserAuthorization::parse_listing`, the
/// reader of `GET /api/v2/users?expand=authorization` pages and of a
/// snapshot's `users.json`. On success:
/// - the text is a JSON object whose `entities` array has one entity per
///   user read, and each entity, written alone and read as one document
///   (`UserAuthorization::parse`), reads as that user: the listing reads no
///   user its entity would not give, and loses none (a user the API did not
///   expand fails both);
/// - the page merged twice with itself (`listings::merge`) reads as the same
///   users twice, in order.
pub fn users_listing(text: &str) {
    let Ok(users) = UserAuthorization::parse_listing(text) else {
        return;
    };
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("a listing read, not JSON: {e}"));
    let entities = value
        .get("entities")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("a listing read without an entities array"));
    assert_eq!(entities.len(), users.len(), "one user per entity");
    for (n, (entity, user)) in entities.iter().zip(&users).enumerate() {
        let alone = UserAuthorization::parse(&entity.to_string())
            .unwrap_or_else(|e| panic!("entity {n} read in the listing, not alone: {e}"));
        assert_eq!(&alone, user, "entity {n} alone");
    }
    let merged = listings::merge(&[text, text]).unwrap_or_else(|e| panic!("a listing read does not merge: {e}"));
    let twice = UserAuthorization::parse_listing(&merged).unwrap_or_else(|e| panic!("the merged listing: {e}"));
    assert_eq!(twice.len(), users.len() * 2, "merged twice");
    assert!(
        twice.iter().zip(users.iter().chain(&users)).all(|(a, b)| a == b),
        "merged users in order"
    );
}
