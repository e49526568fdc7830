//! Compiling a role's grants into a bitset and its side tables.

use std::sync::Arc;

use crate::catalog::{Catalog, Resolved};
use crate::condition::Condition;
use crate::parse::{GrantError, Spelling};
use crate::permission::Permission;
use std::hash::{BuildHasher, Hasher};

/// A wildcard grant, `domain:entity:*` or `domain:*:*` (also `domain:*:action`),
/// in the spelling it was granted with. `None` stands for `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    domain: Box<str>,
    entity: Option<Box<str>>,
    action: Option<Box<str>>,
}

impl Pattern {
    /// Parses `domain:entity:action` as produced by [`Catalog::resolve_grant`].
    fn new(key: &str) -> Option<Self> {
        let mut parts = key.split(':');
        let segment = |part: &str| (part != "*").then(|| part.into());
        let (Some(domain), Some(entity), Some(action), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Self {
            domain: domain.into(),
            entity: segment(entity),
            action: segment(action),
        })
    }

    /// Whether the pattern covers the key `domain:entity:action`. A literal
    /// segment matches ignoring ASCII case; `*` matches any segment.
    pub(super) fn covers(&self, domain: &str, entity: &str, action: &str) -> bool {
        let segment = |pattern: &Option<Box<str>>, value: &str| {
            pattern
                .as_deref()
                .is_none_or(|pattern| pattern.eq_ignore_ascii_case(value))
        };
        self.domain.eq_ignore_ascii_case(domain) && segment(&self.entity, entity) && segment(&self.action, action)
    }

    pub(crate) fn covers_permission(&self, permission: Permission<'_>) -> bool {
        let (domain, entity, action) = permission.segments();
        !permission.is_flat() && self.covers(domain, entity, action)
    }

    /// The pattern as a key: `journey:*:*`.
    pub(crate) fn key(&self) -> String {
        let star = |segment: &Option<Box<str>>| segment.as_deref().unwrap_or("*").to_owned();
        format!("{}:{}:{}", self.domain, star(&self.entity), star(&self.action))
    }
}

/// Grants compiled against a catalog: a bitset of catalog permissions, and
/// what the bitset cannot hold.
///
/// Adding a grant costs the same whatever was added before (de-duplication
/// is hashed), so compiling is linear in the number of grants.
#[derive(Debug, Clone)]
pub(crate) struct GrantSet {
    /// One bit per catalog permission; wildcards expanded.
    pub(crate) words: Vec<u64>,
    /// Catalog permissions granted by name, in index order, for export in
    /// wildcard form and for audits (sorted and de-duplicated by `finish`).
    pub(crate) exact: Vec<u16>,
    /// Wildcard grants, kept so that keys unknown to the catalog but under a
    /// pattern are still allowed by the string API.
    pub(crate) patterns: CaselessList<Pattern>,
    /// Well-formed grants the catalog does not know, in the granted spelling.
    pub(crate) unknown: CaselessList<Box<str>>,
}

/// Segments compared ignoring ASCII case: what [`CaselessList`] keys on.
pub(crate) trait CaselessParts {
    /// Up to three segments; unused ones are empty.
    fn parts(&self) -> [&str; 3];
}

impl CaselessParts for Box<str> {
    fn parts(&self) -> [&str; 3] {
        [self, "", ""]
    }
}

impl CaselessParts for Pattern {
    fn parts(&self) -> [&str; 3] {
        // `*` cannot be part of a literal segment, so the two never collide.
        [
            &self.domain,
            self.entity.as_deref().unwrap_or("*"),
            self.action.as_deref().unwrap_or("*"),
        ]
    }
}

/// Items in insertion order, each once (equal ignoring ASCII case), stored
/// once and found by a hashed index. The hash is randomly seeded: grants come
/// from documents, and crafted collisions must not make compiling quadratic.
#[derive(Debug, Clone)]
pub(crate) struct CaselessList<T> {
    items: Vec<T>,
    index: hashbrown::HashTable<u32>,
    state: std::hash::RandomState,
}

impl<T> Default for CaselessList<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: hashbrown::HashTable::new(),
            state: std::hash::RandomState::new(),
        }
    }
}

impl<'a, T> IntoIterator for &'a CaselessList<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Hashes `parts` ignoring ASCII case, without allocating.
fn hash_parts(state: &std::hash::RandomState, parts: [&str; 3]) -> u64 {
    let mut hasher = state.build_hasher();
    for part in parts {
        for chunk in part.as_bytes().chunks(16) {
            let mut lower = [0u8; 16];
            for (to, from) in lower.iter_mut().zip(chunk) {
                *to = from.to_ascii_lowercase();
            }
            hasher.write(lower.get(..chunk.len()).unwrap_or_default());
        }
        hasher.write_u8(0xff);
    }
    hasher.finish()
}

impl<T: CaselessParts> CaselessList<T> {
    fn same(parts: [&str; 3], item: &T) -> bool {
        parts.iter().zip(item.parts()).all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    /// Adds `item` unless an equal one is held; the added item, or `None`.
    pub(super) fn insert(&mut self, item: T) -> Option<&T> {
        let (state, items) = (&self.state, &self.items);
        let hash = hash_parts(state, item.parts());
        let held = |&i: &u32| items.get(i as usize).is_some_and(|held| Self::same(item.parts(), held));
        let position = u32::try_from(items.len()).ok()?;
        if self.index.find(hash, held).is_some() {
            return None;
        }
        let rehash = |&i: &u32| items.get(i as usize).map_or(0, |held| hash_parts(state, held.parts()));
        self.index.insert_unique(hash, position, rehash);
        self.items.push(item);
        self.items.last()
    }

    /// Whether an item with these parts is held.
    pub(super) fn contains(&self, parts: [&str; 3]) -> bool {
        let hash = hash_parts(&self.state, parts);
        self.index
            .find(hash, |&i| {
                self.items.get(i as usize).is_some_and(|held| Self::same(parts, held))
            })
            .is_some()
    }

    pub(crate) fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl GrantSet {
    pub(super) fn new(catalog: &Catalog) -> Self {
        Self {
            words: vec![0; catalog.len().div_ceil(64)],
            exact: Vec::new(),
            patterns: CaselessList::default(),
            unknown: CaselessList::default(),
        }
    }

    /// Adds one grant in any spelling. Wildcards are expanded here, once.
    pub(super) fn add(&mut self, catalog: &Catalog, grant: &str) -> Result<(), GrantError> {
        match catalog.resolve_grant(grant)? {
            Resolved::Known(permission) => {
                self.set(permission.index());
                self.exact.push(permission.index());
            }
            Resolved::Pattern(key) => {
                let pattern = Pattern::new(&key).ok_or_else(|| {
                    GrantError::from(crate::parse::ParseError::SegmentCount {
                        input: crate::parse::excerpt(grant),
                        found: key.split(':').count(),
                    })
                })?;
                let Some(pattern) = self.patterns.insert(pattern) else {
                    return Ok(());
                };
                let covered = catalog
                    .domain_indexes(&pattern.domain)
                    .iter()
                    .filter_map(|&i| catalog.get(i))
                    .filter(|p| pattern.covers_permission(*p));
                for permission in covered {
                    set_bit(&mut self.words, permission.index());
                }
            }
            Resolved::Unknown => {
                self.unknown.insert(grant.into());
            }
        }
        Ok(())
    }

    /// Ends building: sorts and de-duplicates `exact`, and grants each catalog row that stands for a
    /// whole entity (`integration:amiPremiumApps:*`) when every action the
    /// catalog lists for that entity is held. A role in expanded form then
    /// holds what its wildcard form holds.
    pub(super) fn finish(&mut self, catalog: &Catalog) {
        self.exact.sort_unstable();
        self.exact.dedup();
        grant_entity_rows(&mut self.words, catalog);
    }

    fn set(&mut self, index: u16) {
        set_bit(&mut self.words, index);
    }

    pub(super) fn has(&self, index: u16) -> bool {
        has_bit(&self.words, index)
    }

    /// Whether a well-formed key or flat name that the catalog does not know
    /// is granted by a kept pattern or an unknown grant.
    pub(super) fn allows_spelling(&self, spelling: Spelling<'_>, key: &str) -> bool {
        let covered = match spelling {
            Spelling::Key { domain, entity, action } => self.patterns.iter().any(|p| p.covers(domain, entity, action)),
            _ => false,
        };
        covered || self.unknown.contains([key, "", ""])
    }
}

/// Sets, in the bitset `words`, each catalog row that stands for a whole
/// entity (`integration:amiPremiumApps:*`) whose every listed action is set:
/// holding every action a catalog lists for an entity gives the whole-entity
/// row, whichever grants the actions came from. An entity no catalog lists
/// an action of is given by its wildcard only.
pub(super) fn grant_entity_rows(words: &mut [u64], catalog: &Catalog) {
    for (row, actions) in catalog.entity_rows() {
        if !actions.is_empty() && actions.iter().all(|&action| has_bit(words, action)) {
            set_bit(words, row);
        }
    }
}

/// Sets bit `index` of the bitset `words` (nothing past its end).
pub(super) fn set_bit(words: &mut [u64], index: u16) {
    if let Some(word) = words.get_mut(usize::from(index) / 64) {
        *word |= 1 << (index % 64);
    }
}

/// Whether bit `index` of the bitset `words` is set (`false` past its end).
#[inline]
pub(crate) fn has_bit(words: &[u64], index: u16) -> bool {
    words
        .get(usize::from(index) / 64)
        .is_some_and(|word| (word >> (index % 64)) & 1 == 1)
}

/// A grant that holds only under a condition.
#[derive(Debug, Clone)]
pub(crate) struct ConditionalGrant {
    pub(crate) grants: GrantSet,
    pub(crate) condition: Arc<Condition>,
}

/// A compiled role's side tables: everything but its unconditional bitset,
/// which lives in the policy's flat bitset.
#[derive(Debug, Clone)]
pub(crate) struct RoleData {
    pub(crate) name: Box<str>,
    /// The role's row of the policy's bitset.
    pub(super) row: u32,
    /// Grants a user holds directly (a users/me document's), not a named role.
    pub(super) own: bool,
    pub(crate) description: Option<Box<str>>,
    /// Unconditional grants; `words` is moved into the policy at build time.
    pub(crate) granted: GrantSet,
    pub(crate) conditional: Vec<ConditionalGrant>,
    /// Legacy flat `permissions[]` of role JSON: kept and reported, never granted.
    pub(crate) legacy: Vec<Box<str>>,
}

impl GrantSet {
    /// Whether two grant sets grant the same: the same bits (`words`, or the
    /// row `self_words` where this one's bits moved into a policy), and the
    /// same names, patterns and unknown keys as granted.
    fn same_as(&self, self_words: &[u64], other: &GrantSet, other_words: &[u64]) -> bool {
        let same_list = |a: &CaselessList<Pattern>, b: &CaselessList<Pattern>| a.items == b.items;
        self_words == other_words
            && self.exact == other.exact
            && same_list(&self.patterns, &other.patterns)
            && self.unknown.items == other.unknown.items
    }
}

impl RoleData {
    /// Ends building its grant sets (see [`GrantSet::finish`]).
    pub(super) fn finish(&mut self, catalog: &Catalog) {
        self.granted.finish(catalog);
        for grant in &mut self.conditional {
            grant.grants.finish(catalog);
        }
    }

    /// Whether `other`, compiled but not yet added, is this role again: the
    /// same name, description, grants, conditional grants and legacy
    /// permissions. `words` is this role's row; `other` still holds its own.
    pub(super) fn is_same_role(&self, words: &[u64], other: &RoleData) -> bool {
        let conditional = self.conditional.len() == other.conditional.len()
            && self.conditional.iter().zip(&other.conditional).all(|(a, b)| {
                a.condition == b.condition && a.grants.same_as(&a.grants.words, &b.grants, &b.grants.words)
            });
        self.name == other.name
            && self.description == other.description
            && self.legacy == other.legacy
            && self.granted.same_as(words, &other.granted, &other.granted.words)
            && conditional
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments_ignoring_case() {
        let entity = Pattern::new("journey:segment:*").unwrap();
        assert!(entity.covers("JOURNEY", "Segment", "view"));
        assert!(!entity.covers("journey", "segments", "view"));
        assert!(!entity.covers("journeys", "segment", "view"));
        assert_eq!(entity.key(), "journey:segment:*");
        let domain = Pattern::new("journey:*:*").unwrap();
        assert!(domain.covers("journey", "anything", "at_all"));
        assert!(!domain.covers("routing", "queue", "view"));
        let action = Pattern::new("journey:*:view").unwrap();
        assert!(action.covers("journey", "segment", "view"));
        assert!(!action.covers("journey", "segment", "viewer"));
        assert!(Pattern::new("a:b").is_none());
    }

    #[test]
    fn grant_sets_keep_what_the_bitset_cannot_hold() {
        let catalog = Catalog::builtin();
        let mut set = GrantSet::new(catalog);
        for grant in [
            "routing:queue:view",
            "ROUTING:QUEUE:VIEW",
            "journey:*:*",
            "ui:x:view",
            "UI:X:VIEW",
        ] {
            set.add(catalog, grant).unwrap();
        }
        set.finish(catalog);
        assert_eq!(set.exact, [crate::perm::routing::QUEUE_VIEW.index()]);
        assert_eq!(set.patterns.iter().count(), 1);
        assert_eq!(set.unknown.iter().collect::<Vec<_>>(), [&Box::<str>::from("ui:x:view")]);
        assert!(set.has(crate::perm::journey::SEGMENT_VIEW.index()));
        let allows = |key: &str| crate::parse::parse(key).is_ok_and(|spelling| set.allows_spelling(spelling, key));
        assert!(allows("journey:new:thing") && allows("ui:X:view"));
        assert!(!allows("ui:x:edit"));
    }
}
