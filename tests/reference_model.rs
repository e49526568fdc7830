//! Property tests: `Policy` against a naive reference model that works on plain strings.
//!
//! The model knows nothing of bitsets, hash maps or compiled patterns. It normalizes every grant
//! to a lowercase `(domain, entity, action)` triple (or a lowercase CxEngage flat name) and
//! answers a question by comparing strings: each segment equal ignoring ASCII case, or the grant
//! segment is `*`. Labels go through a label → key table built from the public catalog API.
//!
//! The default run is short (256 cases per property, a few seconds in all). A long run:
//!
//! ```text
//! PERMGATE_PROPTEST_CASES=10000 cargo test --release --test reference_model
//! ```
//!
//! proptest saves failing cases to `tests/reference_model.proptest-regressions` and replays them
//! first on every later run: keep that file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use permgate::{Catalog, Permission, Policy, RoleId, parse::QuestionError};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/// A grant or a question as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Norm {
    /// `domain:entity:action`, lowercase. In a grant any segment but the domain may be `*`.
    Key([String; 3]),
    /// A CxEngage flat name, lowercase. `_ALL` and `_SELF` are just part of the name.
    Flat(String),
}

impl Norm {
    /// A key (`journey:segment:view`, `integration:amiPremiumApps:*`) or a flat name.
    fn of_key(key: &str) -> Self {
        let lower = key.to_ascii_lowercase();
        if !lower.contains(':') {
            return Norm::Flat(lower);
        }
        let parts: Vec<&str> = lower.split(':').collect();
        match parts.as_slice() {
            [domain, entity, action] => Norm::Key([domain.to_string(), entity.to_string(), action.to_string()]),
            _ => panic!("model: `{key}` is not a three-segment key"),
        }
    }

    fn is_wildcard(&self) -> bool {
        matches!(self, Norm::Key(segments) if segments.iter().any(|s| s == "*"))
    }

    /// Whether this grant gives `question`: every segment equal, or `*` in the grant.
    ///
    /// The same rule answers for catalog rows that stand for a whole entity
    /// (`integration:amipremiumapps:*`): their `*` action is matched only by a grant whose action
    /// is `*` too, so only a grant covering the whole pattern gives them.
    fn grants(&self, question: &Norm) -> bool {
        match (self, question) {
            (Norm::Key(grant), Norm::Key(question)) => grant.iter().zip(question).all(|(g, q)| g == "*" || g == q),
            (Norm::Flat(grant), Norm::Flat(question)) => grant == question,
            _ => false,
        }
    }
}

/// Why the model refuses a string (the library's error variant, without its fields).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    /// A question names a wildcard: `QuestionError::Wildcard`.
    Wildcard,
    /// A label no catalog defines: `QuestionError::UnknownLabel`.
    UnknownLabel,
    /// Any other library error: never expected for the generated strings.
    Other(String),
}

/// The library's answer in the model's terms.
fn observe(result: Result<bool, QuestionError>) -> Result<bool, Refusal> {
    result.map_err(|error| match error {
        QuestionError::Wildcard { .. } => Refusal::Wildcard,
        QuestionError::UnknownLabel { .. } => Refusal::UnknownLabel,
        other => Refusal::Other(format!("{other:?}")),
    })
}

/// "All" rows of the catalogs whose entity has no labelled concrete row, so their
/// `Domain > Entity` prefix cannot be learnt from `Catalog::iter`. Copied from `catalogs/*.json`.
const ALL_ROWS: [(&str, &str); 3] = [
    ("Journey > Outcome Predictor > All", "journey:outcomepredictor:*"),
    (
        "Web Deployments > Configurations > All",
        "webDeployments:configuration:*",
    ),
    ("Web Deployments > Deployments > All", "webDeployments:deployment:*"),
];

/// `" Journey >Action Map>  View"` → `["journey", "action map", "view"]`.
fn label_segments(label: &str) -> Vec<String> {
    label
        .split('>')
        .map(|s| s.trim_matches(' ').to_ascii_lowercase())
        .collect()
}

fn is_all(action: &str) -> bool {
    action == "all" || action == "all permissions"
}

/// The reference model, and the pools the generators draw from.
struct Model {
    /// Normalized lowercase label (`journey > action map > view`) → catalog key.
    labels: BTreeMap<String, String>,
    /// Normalized lowercase `domain > entity` label prefix → lowercase `domain:entity`.
    entity_labels: BTreeMap<String, String>,
    /// Every catalog key, lowercase.
    key_set: BTreeSet<String>,
    /// Catalog keys in `domain:entity:action` form (also the rows that stand for a whole entity).
    keys: Vec<String>,
    /// Concrete catalog keys, split.
    concrete: Vec<(String, String, String)>,
    /// Every catalog label, in catalog spelling.
    label_pool: Vec<String>,
    /// `Domain > Entity` label prefixes, in catalog spelling.
    entity_label_pool: Vec<String>,
    domains: Vec<String>,
    entities: Vec<(String, String)>,
    actions: Vec<String>,
    /// CxEngage flat names.
    flats: Vec<String>,
}

static MODEL: LazyLock<Model> = LazyLock::new(Model::new);

fn model() -> &'static Model {
    &MODEL
}

impl Model {
    fn new() -> Self {
        let catalog = Catalog::builtin();
        let mut model = Model {
            labels: BTreeMap::new(),
            entity_labels: BTreeMap::new(),
            key_set: BTreeSet::new(),
            keys: Vec::new(),
            concrete: Vec::new(),
            label_pool: Vec::new(),
            entity_label_pool: Vec::new(),
            domains: Vec::new(),
            entities: Vec::new(),
            actions: Vec::new(),
            flats: Vec::new(),
        };
        let mut entity_rows: Vec<(String, String)> = ALL_ROWS
            .iter()
            .map(|&(label, key)| (label.to_owned(), key.to_owned()))
            .collect();
        for p in catalog.iter() {
            model.key_set.insert(p.key().to_ascii_lowercase());
            if p.is_flat() {
                model.flats.push(p.key().to_owned());
                continue;
            }
            model.keys.push(p.key().to_owned());
            push_new(&mut model.domains, p.domain().to_owned());
            push_new(&mut model.entities, (p.domain().to_owned(), p.entity().to_owned()));
            if !p.is_wildcard() {
                push_new(&mut model.actions, p.action().to_owned());
                let triple = (p.domain().to_owned(), p.entity().to_owned(), p.action().to_owned());
                model.concrete.push(triple);
            }
            if let Some(label) = p.label() {
                let normalized = label_segments(label).join(" > ");
                let previous = model.labels.insert(normalized, p.key().to_owned());
                assert!(previous.is_none(), "catalog: label `{label}` names two keys");
                model.label_pool.push(label.to_owned());
                entity_rows.push((label.to_owned(), p.key().to_owned()));
            }
        }
        for (label, key) in entity_rows {
            let (prefix, _) = label.rsplit_once('>').expect("a label has three segments");
            let (key_prefix, _) = key.rsplit_once(':').expect("a key has three segments");
            let normalized = label_segments(prefix).join(" > ");
            let key_prefix = key_prefix.to_ascii_lowercase();
            if let Some(previous) = model.entity_labels.insert(normalized, key_prefix.clone()) {
                assert_eq!(
                    previous, key_prefix,
                    "catalog: entity label `{prefix}` names two entities"
                );
            }
            push_new(&mut model.entity_label_pool, prefix.trim().to_owned());
        }
        model
    }

    /// A grant string, normalized; `Err` where the library must reject the grant.
    fn grant(&self, grant: &str) -> Result<Norm, Refusal> {
        if !grant.contains('>') {
            return Ok(Norm::of_key(grant));
        }
        let segments = label_segments(grant);
        if let Some(key) = self.labels.get(&segments.join(" > ")) {
            return Ok(Norm::of_key(key));
        }
        match segments.as_slice() {
            [domain, entity, action] if is_all(action) => self
                .entity_labels
                .get(&format!("{domain} > {entity}"))
                .map(|prefix| Norm::of_key(&format!("{prefix}:*")))
                .ok_or(Refusal::UnknownLabel),
            _ => Err(Refusal::UnknownLabel),
        }
    }

    /// A question string, normalized; `Err` where the library must refuse to answer.
    fn question(&self, question: &str) -> Result<Norm, Refusal> {
        if question.contains('>') && label_segments(question).last().is_some_and(|action| is_all(action)) {
            return Err(Refusal::Wildcard);
        }
        let norm = self.grant(question)?;
        if norm.is_wildcard() {
            return Err(Refusal::Wildcard);
        }
        Ok(norm)
    }

    /// Every grant of a role, normalized (the generators only produce valid grants).
    fn grants(&self, role: &[String]) -> Vec<Norm> {
        role.iter()
            .map(|grant| {
                self.grant(grant)
                    .unwrap_or_else(|e| panic!("model: grant `{grant}`: {e:?}"))
            })
            .collect()
    }

    /// What `allows_str` must answer.
    fn answer(&self, grants: &[Norm], question: &str) -> Result<bool, Refusal> {
        let question = self.question(question)?;
        Ok(grants.iter().any(|grant| grant.grants(&question)))
    }

    /// What `allows` must answer for a catalog permission.
    fn allows(&self, grants: &[Norm], permission: Permission<'_>) -> bool {
        let question = Norm::of_key(permission.key());
        grants.iter().any(|grant| grant.grants(&question))
    }

    /// The grants an audit must list as unknown: well-formed keys and flat names that are not
    /// wildcards and not catalog keys, in the granted spelling, first spelling of each kept.
    fn unknown_grants(&self, role: &[String]) -> Vec<String> {
        let mut unknown: Vec<String> = Vec::new();
        for grant in role {
            let norm = self.grant(grant).expect("valid grant");
            let known = grant.contains('>') || norm.is_wildcard() || self.key_set.contains(&grant.to_ascii_lowercase());
            if !known && !unknown.iter().any(|u| u.eq_ignore_ascii_case(grant)) {
                unknown.push(grant.clone());
            }
        }
        unknown
    }
}

fn push_new<T: PartialEq>(pool: &mut Vec<T>, item: T) {
    if !pool.contains(&item) {
        pool.push(item);
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Cases per property: `PERMGATE_PROPTEST_CASES`, 256 by default.
fn config() -> ProptestConfig {
    let cases = std::env::var("PERMGATE_PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

/// Swaps the ASCII case of the characters whose bit is set in `bits`.
fn flip_case(s: &str, bits: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if (bits >> (i % 64)) & 1 == 0 {
                c
            } else if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// `s` in a random ASCII case: as is, lowercase, uppercase or mixed.
fn recase(s: String) -> impl Strategy<Value = String> {
    (0u8..4, any::<u64>()).prop_map(move |(mode, bits)| match mode {
        0 => s.clone(),
        1 => s.to_ascii_lowercase(),
        2 => s.to_ascii_uppercase(),
        _ => flip_case(&s, bits),
    })
}

/// Re-spaces a label around its `>` separators (and sometimes at both ends).
fn respace(label: &str, bits: u64) -> String {
    const SEPARATORS: [&str; 6] = [" > ", ">", " >", "> ", "  >  ", " >   "];
    let mut out = String::new();
    if bits & 1 == 1 {
        out.push(' ');
    }
    for (i, segment) in label.split('>').map(|s| s.trim_matches(' ')).enumerate() {
        if i > 0 {
            out.push_str(SEPARATORS[(bits >> (2 + 3 * i)) as usize % SEPARATORS.len()]);
        }
        out.push_str(segment);
    }
    if bits & 2 == 2 {
        out.push_str("  ");
    }
    out
}

/// A label in random case and random spacing around `>`.
fn restyle(label: String) -> impl Strategy<Value = String> {
    (recase(label), any::<u64>()).prop_map(|(label, bits)| respace(&label, bits))
}

/// A well-formed key segment that is probably not in the catalog.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9]{0,8}"
}

fn catalog_key() -> impl Strategy<Value = String> {
    select(&model().keys[..]).prop_flat_map(recase)
}

fn catalog_label() -> impl Strategy<Value = String> {
    select(&model().label_pool[..]).prop_flat_map(restyle)
}

/// `Domain > Entity > All` or `… > All Permissions`: an entity wildcard in label form.
fn all_label() -> impl Strategy<Value = String> {
    (
        select(&model().entity_label_pool[..]),
        select(&["All", "All Permissions"][..]),
    )
        .prop_flat_map(|(prefix, all)| restyle(format!("{prefix} > {all}")))
}

/// `d:*:*`, `d:e:*` and `d:*:a` over catalog domains, entities and actions.
fn wildcard_pattern() -> impl Strategy<Value = String> {
    let m = model();
    prop_oneof![
        select(&m.domains[..]).prop_map(|d| format!("{d}:*:*")),
        select(&m.entities[..]).prop_map(|(d, e)| format!("{d}:{e}:*")),
        (select(&m.domains[..]), select(&m.actions[..])).prop_map(|(d, a)| format!("{d}:*:{a}")),
    ]
    .prop_flat_map(recase)
}

/// Well-formed keys the catalog (probably) does not define, some under catalog domains or
/// entities, some with a catalog action, some wholly made up.
fn unknown_key() -> impl Strategy<Value = String> {
    let m = model();
    prop_oneof![
        (select(&m.domains[..]), word(), word()).prop_map(|(d, e, a)| format!("{d}:{e}:{a}")),
        (select(&m.entities[..]), word()).prop_map(|((d, e), a)| format!("{d}:{e}:{a}")),
        (select(&m.domains[..]), word(), select(&m.actions[..])).prop_map(|(d, e, a)| format!("{d}:{e}:{a}")),
        (word(), select(&m.entities[..]), select(&m.actions[..])).prop_map(|(d, (_, e), a)| format!("{d}:{e}:{a}")),
        (word(), word(), word()).prop_map(|(d, e, a)| format!("{d}:{e}:{a}")),
    ]
    .prop_flat_map(recase)
}

/// Removes a trailing `_ALL` or `_SELF` scope.
fn strip_scope(name: &str) -> &str {
    name.strip_suffix("_ALL")
        .or_else(|| name.strip_suffix("_SELF"))
        .unwrap_or(name)
}

/// CxEngage flat names: the catalog's, the catalog's with another scope, made-up ones.
fn flat_name() -> impl Strategy<Value = String> {
    let scopes = &["_ALL", "_SELF", ""][..];
    prop_oneof![
        2 => select(&model().flats[..]),
        1 => (select(&model().flats[..]), select(scopes)).prop_map(|(name, scope)| format!("{}{scope}", strip_scope(&name))),
        1 => ("[A-Z][A-Z0-9_]{0,10}", select(scopes)).prop_map(|(name, scope)| format!("{name}{scope}")),
    ]
    .prop_flat_map(recase)
}

/// A flat name ending in `_ALL`: a catalog one or a made-up one.
fn all_flat_name() -> impl Strategy<Value = String> {
    let catalog: Vec<String> = model().flats.iter().filter(|f| f.ends_with("_ALL")).cloned().collect();
    prop_oneof![
        select(catalog),
        "[A-Z][A-Z0-9_]{0,10}".prop_map(|name| format!("{name}_ALL")),
    ]
    .prop_flat_map(recase)
}

/// A concrete catalog key whose entity differs by one letter (changed, added or removed).
fn near_miss() -> impl Strategy<Value = String> {
    (
        select(&model().concrete[..]),
        any::<Index>(),
        0u8..3,
        prop::char::range('a', 'z'),
    )
        .prop_map(|((d, e, a), at, op, letter)| {
            let mut chars: Vec<char> = e.chars().collect();
            let i = at.index(chars.len());
            match op {
                0 => {
                    chars[i] = if chars[i].eq_ignore_ascii_case(&letter) {
                        if letter == 'z' { 'a' } else { (letter as u8 + 1) as char }
                    } else {
                        letter
                    }
                }
                1 => chars.insert(i, letter),
                _ if chars.len() > 1 => {
                    chars.remove(i);
                }
                _ => chars.push(letter),
            }
            format!("{d}:{}:{a}", chars.into_iter().collect::<String>())
        })
        .prop_flat_map(recase)
}

/// One grant of a role.
fn grant() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => catalog_key(),
        3 => catalog_label(),
        2 => all_label(),
        3 => wildcard_pattern(),
        2 => unknown_key(),
        3 => flat_name(),
    ]
}

/// A role: 0 to 11 grants.
fn role() -> impl Strategy<Value = Vec<String>> {
    vec(grant(), 0..12)
}

/// One question (some are wildcards, which must be refused).
fn question() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => catalog_key(),
        3 => catalog_label(),
        3 => flat_name(),
        3 => unknown_key(),
        3 => near_miss(),
        1 => wildcard_pattern(),
        1 => all_label(),
    ]
}

/// Questions that a role's wildcard grants cover: each `*` replaced by a filler word.
fn covered_questions(grants: &[Norm], fillers: &[String]) -> Vec<String> {
    let mut questions = Vec::new();
    for grant in grants {
        if let Norm::Key(segments) = grant {
            if grant.is_wildcard() {
                for filler in fillers {
                    let filled: Vec<&str> = segments
                        .iter()
                        .map(|s| if s == "*" { filler.as_str() } else { s.as_str() })
                        .collect();
                    questions.push(filled.join(":"));
                }
            }
        }
    }
    questions
}

fn build(grants: &[String]) -> Result<(Policy, RoleId), TestCaseError> {
    let policy = Policy::builder(Catalog::builtin())
        .role("r", grants)
        .map_err(|e| TestCaseError::fail(format!("the library rejected a valid role {grants:?}: {e}")))?
        .build();
    let role = policy
        .role("r")
        .ok_or_else(|| TestCaseError::fail("role `r` is missing"))?;
    Ok((policy, role))
}

fn granted_keys(policy: &Policy, role: RoleId) -> Vec<&str> {
    policy.permissions(role).map(Permission::key).collect()
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// (1) `allows_str` answers every question as the model does: generated questions, the
    /// grants themselves (as granted and in another case), and keys made up under the role's
    /// wildcards.
    #[test]
    fn allows_str_agrees_with_the_model(
        role in role(),
        questions in vec(question(), 0..24),
        fillers in vec(word(), 1..3),
        case_bits in any::<u64>(),
    ) {
        let m = model();
        let (policy, id) = build(&role)?;
        let grants = m.grants(&role);
        let covered = covered_questions(&grants, &fillers);
        let recased: Vec<String> = role.iter().map(|grant| flip_case(grant, case_bits)).collect();
        for question in questions.iter().chain(&role).chain(&recased).chain(&covered) {
            let expected = m.answer(&grants, question);
            let actual = observe(policy.allows(id, question));
            prop_assert_eq!(actual, expected, "question `{}`, role {:?}", question, role);
        }
    }

    /// (2) `allows` answers every catalog permission as the model does, and the other ways of
    /// asking (`allows_str` by key and by label, `permissions`) agree with it. The grants the
    /// catalog does not know are listed by `audit().unknown`.
    #[test]
    fn allows_agrees_with_the_model_on_the_whole_catalog(role in role()) {
        let m = model();
        let (policy, id) = build(&role)?;
        let grants = m.grants(&role);
        let mut expected_keys = Vec::new();
        for p in Catalog::builtin().iter() {
            let expected = m.allows(&grants, p);
            prop_assert_eq!(policy.allows(id, p), expected, "permission `{}`, role {:?}", p, role);
            if expected {
                expected_keys.push(p.key());
            }
            if p.is_wildcard() {
                let refused = observe(policy.allows(id, p.key()));
                prop_assert_eq!(refused, Err(Refusal::Wildcard), "`{}` is not a question", p);
            } else {
                prop_assert_eq!(policy.allows(id, p.key()), Ok(expected), "key of `{}`", p);
                if let Some(label) = p.label() {
                    prop_assert_eq!(policy.allows(id, label), Ok(expected), "label of `{}`", p);
                }
            }
        }
        prop_assert_eq!(granted_keys(&policy, id), expected_keys);
        let unknown: Vec<&str> = policy.audit(id).unwrap().unknown;
        prop_assert_eq!(unknown, m.unknown_grants(&role));
    }

    /// (3) A role in wildcard form and the same role with every wildcard replaced by the
    /// catalog permissions it covers allow the same catalog permissions.
    #[test]
    fn expanded_form_is_equivalent(role in role()) {
        let m = model();
        let catalog = Catalog::builtin();
        let mut expanded = Vec::new();
        for grant in &role {
            let norm = m.grant(grant).expect("valid grant");
            if norm.is_wildcard() {
                expanded.extend(
                    catalog.iter().filter(|p| norm.grants(&Norm::of_key(p.key()))).map(|p| p.key().to_owned()),
                );
            } else {
                expanded.push(grant.clone());
            }
        }
        let (wild, wild_id) = build(&role)?;
        let (flat, flat_id) = build(&expanded)?;
        for p in catalog.iter() {
            prop_assert_eq!(
                wild.allows(wild_id, p),
                flat.allows(flat_id, p),
                "permission `{}`, role {:?}, expanded {:?}", p, role, expanded
            );
        }
        prop_assert_eq!(granted_keys(&wild, wild_id), granted_keys(&flat, flat_id));
    }

    /// (4) Adding grants never removes a permission, whatever their place in the list.
    #[test]
    fn adding_grants_never_removes_a_permission(
        base in role(),
        more in role(),
        questions in vec(question(), 0..16),
    ) {
        let (small, small_id) = build(&base)?;
        for union in [[&base[..], &more[..]].concat(), [&more[..], &base[..]].concat()] {
            let (big, big_id) = build(&union)?;
            for p in Catalog::builtin().iter() {
                prop_assert!(
                    !small.allows(small_id, p) || big.allows(big_id, p),
                    "`{}` lost: {:?} then {:?}", p, base, union
                );
            }
            for question in questions.iter().chain(&base) {
                if small.allows(small_id, question) == Ok(true) {
                    prop_assert_eq!(big.allows(big_id, question), Ok(true), "`{}` lost: {:?}", question, union);
                }
            }
            let big_unknown = big.audit(big_id).unwrap().unknown;
            for unknown in small.audit(small_id).unwrap().unknown {
                prop_assert!(
                    big_unknown.iter().any(|u| u.eq_ignore_ascii_case(unknown)),
                    "unknown grant `{}` no longer listed", unknown
                );
            }
        }
    }

    /// (5) A flat name ending in `_ALL` is an ownership scope, not a wildcard: it grants
    /// exactly itself.
    #[test]
    fn a_flat_all_name_grants_exactly_itself(name in all_flat_name(), questions in vec(flat_name(), 0..16)) {
        let catalog = Catalog::builtin();
        let role = vec![name.clone()];
        let (policy, id) = build(&role)?;
        for p in catalog.iter() {
            prop_assert_eq!(policy.allows(id, p), p.key().eq_ignore_ascii_case(&name), "`{}`", p);
        }
        prop_assert_eq!(policy.allows(id, &name), Ok(true));
        let stem = &name[..name.len() - "_ALL".len()];
        let mut others = vec![format!("{stem}_SELF"), format!("{name}_ALL"), format!("{name}X")];
        if !stem.is_empty() {
            others.push(stem.to_owned());
        }
        others.extend(questions);
        for other in &others {
            let expected = other.eq_ignore_ascii_case(&name);
            prop_assert_eq!(policy.allows(id, other), Ok(expected), "`{}` granted by `{}`", other, name);
        }
        let unknown: Vec<&str> = policy.audit(id).unwrap().unknown;
        let expected: Vec<&str> = if catalog.lookup(&name).is_some() { vec![] } else { vec![name.as_str()] };
        prop_assert_eq!(unknown, expected);
    }

    /// (6) Three spellings, one identity: the same catalog permissions granted by key (random
    /// case) and by label (random case and spacing) give the same role.
    #[test]
    fn keys_and_labels_grant_the_same(picks in vec((any::<Index>(), any::<u64>(), any::<u64>()), 0..12)) {
        let labelled: Vec<Permission<'_>> = Catalog::builtin().iter().filter(|p| p.label().is_some()).collect();
        let mut by_key = Vec::new();
        let mut by_label = Vec::new();
        for (at, case, spacing) in picks {
            let p = labelled[at.index(labelled.len())];
            by_key.push(flip_case(p.key(), case));
            by_label.push(respace(&flip_case(p.label().unwrap_or_default(), case), spacing));
        }
        let (keys, keys_id) = build(&by_key)?;
        let (labels, labels_id) = build(&by_label)?;
        prop_assert_eq!(granted_keys(&keys, keys_id), granted_keys(&labels, labels_id), "{:?} vs {:?}", by_key, by_label);
        prop_assert_eq!(keys.audit(keys_id).unwrap().unknown.len(), 0);
        prop_assert_eq!(labels.audit(labels_id).unwrap().unknown.len(), 0);
    }
}
