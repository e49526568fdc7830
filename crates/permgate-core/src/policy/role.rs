//! Compiling a role's grants into a bitset and its side tables.

use std::sync::Arc;

use crate::caseless::{Seeds, fold_ascii_word, fold_multiply, seeds, segment_hash, small_word, whole_hash, word_at};
use crate::catalog::{Catalog, Resolved, Scope};
use crate::condition::Condition;
use crate::parse::{GrantError, Spelling};
use crate::permission::Permission;
use crate::question::Hashed;

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

    /// [`shape`](Self::shape) of `domain:entity:*`.
    const ENTITY: u8 = 1;
    /// [`shape`](Self::shape) of `domain:*:*`.
    const DOMAIN: u8 = 2;
    /// [`shape`](Self::shape) of `domain:*:action`.
    const ACTION: u8 = 4;

    /// Which of the three shapes the pattern is, as one bit.
    fn shape(&self) -> u8 {
        match (&self.entity, &self.action) {
            (Some(_), _) => Self::ENTITY,
            (None, None) => Self::DOMAIN,
            (None, Some(_)) => Self::ACTION,
        }
    }

    /// The pattern as a [`Wildcard`] to match keys against.
    pub(crate) fn wildcard(&self) -> Wildcard<'_> {
        Wildcard {
            domain: &self.domain,
            entity: self.entity.as_deref(),
            action: self.action.as_deref(),
        }
    }
}

/// A wildcard grant a grant set holds, as a string [`Pattern`] or as a
/// bit over a catalog [`Scope`]: `domain:entity:*`,
/// `domain:*:*` or `domain:*:action`. `None` stands for `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wildcard<'a> {
    domain: &'a str,
    entity: Option<&'a str>,
    action: Option<&'a str>,
}

impl<'a> Wildcard<'a> {
    /// The wildcard over the catalog scope named `name`: `routing:queue`
    /// (the entity's every action) or `routing` (the domain's every key).
    fn over_scope(name: &'a str) -> Self {
        let (domain, entity) = name.split_once(':').map_or((name, None), |(d, e)| (d, Some(e)));
        Self {
            domain,
            entity,
            action: None,
        }
    }

    /// Whether the wildcard covers the key `domain:entity:action`. A literal
    /// segment matches ignoring ASCII case; `*` matches any segment.
    pub(crate) fn covers(&self, domain: &str, entity: &str, action: &str) -> bool {
        let segment =
            |pattern: Option<&str>, value: &str| pattern.is_none_or(|pattern| pattern.eq_ignore_ascii_case(value));
        self.domain.eq_ignore_ascii_case(domain) && segment(self.entity, entity) && segment(self.action, action)
    }

    pub(crate) fn covers_permission(&self, permission: Permission<'_>) -> bool {
        let (domain, entity, action) = permission.segments();
        !permission.is_flat() && self.covers(domain, entity, action)
    }

    /// The wildcard as a key: `journey:*:*`.
    pub(crate) fn key(&self) -> String {
        let star = |segment: Option<&'a str>| segment.unwrap_or("*");
        format!("{}:{}:{}", self.domain, star(self.entity), star(self.action))
    }
}

/// Grants compiled against a catalog: a bitset of catalog permissions, and
/// what the bitset cannot hold.
///
/// Adding a grant costs the same whatever was added before (de-duplication
/// is hashed), so compiling is linear in the number of grants.
///
/// The side tables are shared: a policy holds one copy of each distinct
/// set of them, however many roles grant it (and a user compiled on demand
/// shares those of the roles it copies). Read through `Deref`.
#[derive(Debug, Clone)]
pub(crate) struct GrantSet {
    /// One bit per catalog permission; wildcards expanded.
    pub(crate) words: Vec<u64>,
    pub(crate) side: Arc<SideTables>,
}

/// What a grant set holds beside its bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SideTables {
    /// Catalog permissions granted by name, in index order, for export in
    /// wildcard form and for audits (sorted and de-duplicated by `finish`).
    pub(crate) exact: Vec<u16>,
    /// Wildcards over an entity or a domain of the catalog, granted in the
    /// catalog's spelling: one bit per catalog [`Scope`]
    /// (empty when none), so that keys unknown to the catalog but under one
    /// are still allowed by the string API.
    pub(crate) scopes: Vec<u64>,
    /// The other wildcard grants (`domain:*:action`, or over what the
    /// catalog does not know or spells otherwise), in the granted spelling.
    pub(crate) patterns: CaselessList<Pattern>,
    /// The shapes of `patterns` ([`Pattern::shape`]): a key is looked up
    /// only as the shapes held.
    pub(crate) shapes: u8,
    /// The domains of `patterns`: a key of no such domain is under none.
    pub(crate) domains: DomainFilter,
    /// Well-formed grants the catalog does not know, in the granted spelling.
    pub(crate) unknown: CaselessList<Box<str>>,
}

impl core::ops::Deref for GrantSet {
    type Target = SideTables;

    fn deref(&self) -> &SideTables {
        &self.side
    }
}

impl SideTables {
    /// Every wildcard grant: those over catalog scopes, in the catalog's
    /// order, then the others, in the order and spelling granted.
    pub(crate) fn wildcards<'a>(&'a self, catalog: &'a Catalog) -> impl Iterator<Item = Wildcard<'a>> {
        let bits = (0..self.scopes.len() * 64).filter_map(|index| u16::try_from(index).ok());
        bits.filter(|&index| has_bit(&self.scopes, index))
            .filter_map(|index| catalog.scope_name(index))
            .map(Wildcard::over_scope)
            .chain(self.patterns.iter().map(Pattern::wildcard))
    }

    /// A hash of the tables, randomly seeded: equal tables hash equal.
    pub(super) fn fingerprint(&self) -> u64 {
        let seeds = seeds();
        let mut hash = seeds.segment;
        let mut add = |value: u64| hash = fold_multiply(hash ^ value, seeds.multiplier);
        add(self.exact.len() as u64);
        for &index in &self.exact {
            add(u64::from(index));
        }
        add(self.scopes.len() as u64);
        for &word in &self.scopes {
            add(word);
        }
        add(self.patterns.items.len() as u64);
        for pattern in &self.patterns {
            add(hash_parts(pattern.parts()));
        }
        for key in &self.unknown {
            add(hash_parts(key.parts()));
        }
        hash
    }
}

/// Segments compared ignoring ASCII case: what [`CaselessList`] keys on.
pub(crate) trait CaselessParts {
    /// Up to three segments; unused ones are empty.
    fn parts(&self) -> [&str; 3];

    /// The hash the item is found by: [`hash_parts`] of its parts.
    #[inline]
    fn hash(&self) -> u64 {
        hash_parts(self.parts())
    }

    /// Whether the item is `parts`, ignoring ASCII case.
    #[inline]
    fn is(&self, parts: [&str; 3]) -> bool {
        parts.iter().zip(self.parts()).all(|(a, b)| eq_caseless(a, b))
    }
}

impl CaselessParts for Box<str> {
    /// A key's three segments, or a flat name and two empty ones: a key
    /// (never a wildcard) and a flat name (no colon) never collide.
    fn parts(&self) -> [&str; 3] {
        let mut parts = self.splitn(3, ':');
        [
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        ]
    }

    /// The whole string's hash ([`whole_hash`]): a question is found by
    /// it without being split.
    fn hash(&self) -> u64 {
        whole_hash(self)
    }

    /// Compared as it is stored, without splitting it.
    #[inline]
    fn is(&self, [domain, entity, action]: [&str; 3]) -> bool {
        if entity.is_empty() {
            return eq_caseless(self, domain);
        }
        let (entity_at, action_at) = (domain.len() + 1, domain.len() + entity.len() + 2);
        let part = |from: usize, to: usize| self.get(from..to).unwrap_or_default();
        self.len() == action_at + action.len()
            && part(domain.len(), entity_at) == ":"
            && part(action_at - 1, action_at) == ":"
            && eq_caseless(part(0, domain.len()), domain)
            && eq_caseless(part(entity_at, action_at - 1), entity)
            && eq_caseless(part(action_at, self.len()), action)
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

    /// Compared segment by segment, a `*` by what it is.
    #[inline]
    fn is(&self, [domain, entity, action]: [&str; 3]) -> bool {
        let segment = |held: &Option<Box<str>>, asked: &str| match held {
            None => asked == "*",
            Some(held) => eq_caseless(held, asked),
        };
        segment(&self.entity, entity) && segment(&self.action, action) && eq_caseless(&self.domain, domain)
    }
}

/// Whether the words `a` and `b` are equal ignoring ASCII case: the fold
/// runs only for words that differ as they stand.
#[inline]
fn word_eq(a: u64, b: u64) -> bool {
    a == b || fold_ascii_word(a) == fold_ascii_word(b)
}

/// Whether `a` and `b` are equal ignoring ASCII case, eight bytes at a time.
#[inline]
fn eq_caseless(a: &str, b: &str) -> bool {
    let (a, b, len) = (a.as_bytes(), b.as_bytes(), a.len());
    if len != b.len() {
        return false;
    }
    if len <= 8 {
        return word_eq(small_word(a), small_word(b));
    }
    let mut at = 0;
    while at + 8 < len {
        if !word_eq(word_at(a, at), word_at(b, at)) {
            return false;
        }
        at += 8;
    }
    word_eq(word_at(a, len - 8), word_at(b, len - 8))
}

/// The hash of three segments from their [`segment_hash`]es.
#[inline]
fn combine(seeds: &Seeds, [a, b, c]: [u64; 3]) -> u64 {
    let [x, y] = seeds.combine;
    fold_multiply(fold_multiply(a ^ x, b ^ y) ^ c, seeds.multiplier)
}

/// Hashes `parts` ignoring ASCII case, without allocating.
fn hash_parts(parts: [&str; 3]) -> u64 {
    let seeds = seeds();
    combine(seeds, parts.map(|part| segment_hash(seeds, part.as_bytes())))
}

/// A string question the catalog does not know, hashed once for every
/// grant set in reach: the whole question's hash (what unknown grants are
/// found by) and, for the first set holding string patterns that could
/// cover it, its segments' hashes, from which the hashes of the pattern
/// shapes (`d:e:*`, `d:*:*`, `d:*:a`) are made.
#[derive(Debug, Clone)]
pub(crate) struct Probe<'q> {
    catalog: &'q Catalog,
    /// The question as asked.
    whole: &'q str,
    /// A key's segments (a flat name and two empty ones).
    parts: [&'q str; 3],
    key: u64,
    /// Whether the grants of keys no catalog knows were looked up by `key` already.
    looked: bool,
    /// A key, not a flat name: what a pattern may cover.
    is_key: bool,
    /// The domain's hash, and the entity's and the action's, once made.
    domain_hash: core::cell::Cell<Option<u64>>,
    hashes: core::cell::Cell<Option<[u64; 2]>>,
    /// The catalog scopes of the key's entity and domain, looked up for the
    /// first grant set holding wildcards over scopes.
    scopes: core::cell::OnceCell<[Option<u16>; 2]>,
}

impl<'q> Probe<'q> {
    /// The probe of `key`, spelled `spelling`, hashed `hashed`.
    #[inline]
    pub(crate) fn new(catalog: &'q Catalog, spelling: Spelling<'q>, key: &'q str, hashed: Hashed) -> Self {
        let (parts, is_key) = match spelling {
            Spelling::Key { domain, entity, action } => ([domain, entity, action], true),
            _ => ([key, "", ""], false),
        };
        Probe {
            catalog,
            whole: key,
            parts,
            key: hashed.hash,
            looked: hashed.looked,
            is_key,
            domain_hash: core::cell::Cell::new(None),
            hashes: core::cell::Cell::new(None),
            scopes: core::cell::OnceCell::new(),
        }
    }

    /// The probe, its domain's [`segment_hash`] already made (if `hash` is one).
    #[inline]
    pub(crate) fn with_domain_hash(self, hash: Option<u64>) -> Self {
        self.domain_hash.set(hash);
        self
    }

    /// The hash of the domain, made once.
    #[inline]
    fn domain_hash(&self, seeds: &Seeds) -> u64 {
        if let Some(hash) = self.domain_hash.get() {
            return hash;
        }
        let [domain, ..] = self.parts;
        let hash = segment_hash(seeds, domain.as_bytes());
        self.domain_hash.set(Some(hash));
        hash
    }

    /// The hashes of the entity and the action, made once.
    #[inline]
    fn hashes(&self, seeds: &Seeds) -> [u64; 2] {
        if let Some(hashes) = self.hashes.get() {
            return hashes;
        }
        let [_, entity, action] = self.parts.map(str::as_bytes);
        let hashes = [segment_hash(seeds, entity), segment_hash(seeds, action)];
        self.hashes.set(Some(hashes));
        hashes
    }

    /// The catalog scopes of a key's entity (`routing:queue`, if the
    /// catalog knows it) and of its domain (if it knows that).
    fn scopes(&self) -> [Option<u16>; 2] {
        *self.scopes.get_or_init(|| {
            let [domain, entity, _] = self.parts;
            let entity = self
                .whole
                .get(..domain.len() + 1 + entity.len())
                .and_then(|name| self.catalog.scope(name));
            match entity {
                Some(Scope { index, domain }) => [Some(index), Some(domain)],
                None => [None, self.catalog.scope(domain).map(|scope| scope.index)],
            }
        })
    }
}

/// The domains of a set's string patterns as a filter of one bit per
/// domain hash (a Bloom filter with one hash), sixteen bits per pattern: a
/// key whose domain's bit is clear is under none of them, found so without
/// a lookup; one of another domain passes with a chance of about 1 in 16.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DomainFilter {
    /// A power of two of bits, or none.
    bits: Vec<u64>,
}

impl DomainFilter {
    /// The word and the bit in it of the domain hashing to `hash`.
    #[inline]
    fn bit(&self, hash: u64) -> (usize, u64) {
        let at = (hash >> 32) as usize & (self.bits.len() * 64).wrapping_sub(1);
        (at / 64, 1 << (at % 64))
    }

    /// Whether a pattern's domain may hash to `hash`.
    #[inline]
    fn may_hold(&self, hash: u64) -> bool {
        let (word, bit) = self.bit(hash);
        self.bits.get(word).is_some_and(|word| word & bit != 0)
    }

    fn set(&mut self, hash: u64) {
        let (word, bit) = self.bit(hash);
        if let Some(word) = self.bits.get_mut(word) {
            *word |= bit;
        }
    }

    /// Adds the domain hashing to `hash` of the last of `patterns`, first
    /// growing to sixteen bits per pattern (each domain set again).
    fn add(&mut self, hash: u64, patterns: &CaselessList<Pattern>) {
        let wanted = (patterns.items.len() * 16).next_power_of_two().clamp(64, 1 << 24);
        if self.bits.len() * 64 < wanted {
            self.bits = vec![0; wanted / 64];
            for pattern in patterns {
                self.set(segment_hash(seeds(), pattern.domain.as_bytes()));
            }
        }
        self.set(hash);
    }
}

/// Items in insertion order, each once (equal ignoring ASCII case), stored
/// once and found by a hashed index, its hash randomly seeded ([`Seeds`]).
#[derive(Debug, Clone)]
pub(crate) struct CaselessList<T> {
    items: Vec<T>,
    index: hashbrown::HashTable<u32>,
}

/// Equal when the items are, in order (the index follows from them).
impl<T: PartialEq> PartialEq for CaselessList<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T: Eq> Eq for CaselessList<T> {}

impl<T> Default for CaselessList<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: hashbrown::HashTable::new(),
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

impl<T: CaselessParts> CaselessList<T> {
    /// Adds `item` unless an equal one is held; the added item, or `None`.
    pub(super) fn insert(&mut self, item: T) -> Option<&T> {
        let items = &self.items;
        let hash = item.hash();
        let position = u32::try_from(items.len()).ok()?;
        if self.contains_hashed(hash, |held: &T| held.is(item.parts())) {
            return None;
        }
        let rehash = |&i: &u32| items.get(i as usize).map_or(0, T::hash);
        self.index.insert_unique(hash, position, rehash);
        self.items.push(item);
        self.items.last()
    }

    /// Whether an item equal to `item` is held.
    fn contains(&self, item: &T) -> bool {
        self.contains_hashed(item.hash(), |held: &T| held.is(item.parts()))
    }

    /// Whether an item hashing to `hash` and equal to what `is` looks for is held.
    #[inline]
    fn contains_hashed(&self, hash: u64, is: impl Fn(&T) -> bool) -> bool {
        self.index
            .find(hash, |&i| self.items.get(i as usize).is_some_and(&is))
            .is_some()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl GrantSet {
    pub(super) fn new(catalog: &Catalog) -> Self {
        Self {
            words: vec![0; catalog.len().div_ceil(64)],
            side: Arc::default(),
        }
    }

    /// Adds one grant in any spelling. Wildcards are expanded here, once.
    pub(super) fn add(&mut self, catalog: &Catalog, grant: &str) -> Result<(), GrantError> {
        match catalog.resolve_grant(grant)? {
            Resolved::Known(permission) => {
                self.set(permission.index());
                Arc::make_mut(&mut self.side).exact.push(permission.index());
            }
            Resolved::Pattern(key) => {
                let pattern = Pattern::new(&key).ok_or_else(|| {
                    GrantError::from(crate::parse::ParseError::SegmentCount {
                        input: crate::parse::excerpt(grant),
                        found: key.split(':').count(),
                    })
                })?;
                // Over an entity or a domain the catalog knows: `routing:queue`, `routing`.
                let scope = (key.strip_suffix(":*"))
                    .map(|prefix| prefix.strip_suffix(":*").unwrap_or(prefix))
                    .and_then(|name| Some((name, catalog.scope(name)?)));
                let side = Arc::make_mut(&mut self.side);
                let held = scope.is_some_and(|(_, scope)| has_bit(&side.scopes, scope.index));
                if held || side.patterns.contains(&pattern) {
                    return Ok(());
                }
                let wildcard = pattern.wildcard();
                let covered = catalog
                    .domain_indexes(wildcard.domain)
                    .iter()
                    .filter_map(|&i| catalog.get(i))
                    .filter(|p| wildcard.covers_permission(*p));
                for permission in covered {
                    set_bit(&mut self.words, permission.index());
                }
                match scope {
                    // In the catalog's spelling, a bit; else kept as granted.
                    Some((name, scope)) if catalog.scope_name(scope.index) == Some(name) => {
                        if side.scopes.is_empty() {
                            side.scopes = vec![0; catalog.scope_count().div_ceil(64)];
                        }
                        set_bit(&mut side.scopes, scope.index);
                    }
                    _ => {
                        side.shapes |= pattern.shape();
                        let domain = segment_hash(seeds(), pattern.domain.as_bytes());
                        side.patterns.insert(pattern);
                        side.domains.add(domain, &side.patterns);
                    }
                }
            }
            Resolved::Unknown => {
                Arc::make_mut(&mut self.side).unknown.insert(grant.into());
            }
        }
        Ok(())
    }

    /// Ends building: sorts and de-duplicates `exact`, and grants each catalog row that stands for a
    /// whole entity (`integration:amiPremiumApps:*`) when every action the
    /// catalog lists for that entity is held. A role in expanded form then
    /// holds what its wildcard form holds.
    pub(super) fn finish(&mut self, catalog: &Catalog) {
        let side = Arc::make_mut(&mut self.side);
        side.exact.sort_unstable();
        side.exact.dedup();
        grant_entity_rows(&mut self.words, catalog);
    }

    fn set(&mut self, index: u16) {
        set_bit(&mut self.words, index);
    }

    pub(super) fn has(&self, index: u16) -> bool {
        has_bit(&self.words, index)
    }

    /// Whether a well-formed key or flat name that the catalog does not know
    /// is granted by a kept pattern or an unknown grant. Its grants of
    /// unknown keys are looked up whatever `hashed` says: they need not be
    /// those `held` looked at (a conditional grant's).
    pub(super) fn allows_spelling(&self, catalog: &Catalog, spelling: Spelling<'_>, key: &str, hashed: Hashed) -> bool {
        let hashed = Hashed {
            looked: false,
            ..hashed
        };
        self.holds_beyond_catalog() && self.allows_probe(&Probe::new(catalog, spelling, key, hashed))
    }

    /// Whether the set holds wildcards or unknown keys: what the bitset cannot hold.
    pub(super) fn holds_beyond_catalog(&self) -> bool {
        !(self.unknown.is_empty() && self.patterns.is_empty() && self.scopes.is_empty())
    }

    /// Whether a pattern the set holds may cover a key whose domain's
    /// [`segment_hash`] is `domain_hash`, at a glance: wildcards over
    /// catalog scopes held, or string patterns one of which may have its
    /// domain ([`DomainFilter`]). `false` is sure; `true` is for
    /// [`allows_probe`](Self::allows_probe) to settle.
    #[inline]
    pub(super) fn may_cover(&self, domain_hash: u64) -> bool {
        !self.scopes.is_empty() || (self.shapes != 0 && self.domains.may_hold(domain_hash))
    }

    /// [`allows_spelling`](Self::allows_spelling) for a hashed question: one
    /// lookup for the key, one for each pattern shape that could cover it.
    #[inline]
    pub(super) fn allows_probe(&self, probe: &Probe<'_>) -> bool {
        if !probe.looked && self.holds_unknown(probe.whole, probe.key) {
            return true;
        }
        if !probe.is_key {
            return false;
        }
        if !self.scopes.is_empty()
            && probe
                .scopes()
                .into_iter()
                .flatten()
                .any(|scope| has_bit(&self.scopes, scope))
        {
            return true;
        }
        if self.shapes == 0 {
            return false;
        }
        let seeds = seeds();
        let dh = probe.domain_hash(seeds);
        if !self.domains.may_hold(dh) {
            return false;
        }
        let ([d, e, a], [eh, ah], star) = (probe.parts, probe.hashes(seeds), seeds.star);
        self.holds_pattern(Pattern::ENTITY, combine(seeds, [dh, eh, star]), [d, e, "*"])
            || self.holds_pattern(Pattern::DOMAIN, combine(seeds, [dh, star, star]), [d, "*", "*"])
            || self.holds_pattern(Pattern::ACTION, combine(seeds, [dh, star, ah]), [d, "*", a])
    }

    /// Whether the set holds a grant the catalog does not know that is
    /// `key` (whose [`whole_hash`] is `hash`) ignoring ASCII case: one
    /// lookup. `key` need not be well-formed; held, it is, since every
    /// grant is checked when added.
    #[inline]
    pub(super) fn holds_unknown(&self, key: &str, hash: u64) -> bool {
        !self.unknown.is_empty() && self.unknown.contains_hashed(hash, |held| eq_caseless(held, key))
    }

    /// Whether a string pattern of `shape`, hashing to `hash`, is `parts`.
    #[inline]
    fn holds_pattern(&self, shape: u8, hash: u64, parts: [&str; 3]) -> bool {
        self.shapes & shape != 0 && self.patterns.contains_hashed(hash, |held| held.is(parts))
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
        self_words == other_words && (Arc::ptr_eq(&self.side, &other.side) || self.side == other.side)
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
        let pattern = Pattern::new("journey:segment:*").unwrap();
        let entity = pattern.wildcard();
        assert!(entity.covers("JOURNEY", "Segment", "view"));
        assert!(!entity.covers("journey", "segments", "view"));
        assert!(!entity.covers("journeys", "segment", "view"));
        assert_eq!(entity.key(), "journey:segment:*");
        let pattern = Pattern::new("journey:*:*").unwrap();
        let domain = pattern.wildcard();
        assert!(domain.covers("journey", "anything", "at_all"));
        assert!(!domain.covers("routing", "queue", "view"));
        let pattern = Pattern::new("journey:*:view").unwrap();
        let action = pattern.wildcard();
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
        // `journey:*:*` is over a domain the catalog knows: a bit, not a string.
        assert!(set.patterns.is_empty());
        let wildcards: Vec<String> = set.wildcards(catalog).map(|w| w.key()).collect();
        assert_eq!(wildcards, ["journey:*:*"]);
        assert_eq!(set.unknown.iter().collect::<Vec<_>>(), [&Box::<str>::from("ui:x:view")]);
        assert!(set.has(crate::perm::journey::SEGMENT_VIEW.index()));
        let allows = |key: &str| {
            crate::parse::parse(key).is_ok_and(|spelling| set.allows_spelling(catalog, spelling, key, Hashed::new(key)))
        };
        assert!(allows("journey:new:thing") && allows("ui:X:view"));
        assert!(!allows("ui:x:edit"));
    }

    #[test]
    fn unknown_keys_and_patterns_are_found_by_hash_whatever_their_number() {
        let catalog = Catalog::builtin();
        let mut set = GrantSet::new(catalog);
        for i in 0..1000 {
            set.add(catalog, &format!("acme{i}:widget:view")).unwrap();
            set.add(catalog, &format!("zeta{i}:*:*")).unwrap();
            set.add(catalog, &format!("eta{i}:gadget:*")).unwrap();
            set.add(catalog, &format!("theta{i}:*:edit")).unwrap();
        }
        set.add(catalog, "CONTACTS_READ_ALL").unwrap();
        set.finish(catalog);
        let allows = |key: &str| {
            crate::parse::parse(key).is_ok_and(|spelling| set.allows_spelling(catalog, spelling, key, Hashed::new(key)))
        };
        for i in [0, 1, 499, 999] {
            assert!(allows(&format!("ACME{i}:Widget:VIEW")), "{i}");
            assert!(!allows(&format!("acme{i}:widget:edit")), "{i}");
            assert!(!allows(&format!("acme{i}:widgets:view")), "{i}");
            assert!(allows(&format!("zeta{i}:any:thing")), "{i}");
            assert!(allows(&format!("eta{i}:GADGET:view")), "{i}");
            assert!(!allows(&format!("eta{i}:gadgets:view")), "{i}");
            assert!(allows(&format!("theta{i}:x:EDIT")), "{i}");
            assert!(!allows(&format!("theta{i}:x:view")), "{i}");
        }
        assert!(!allows("acme1000:widget:view") && !allows("acme1:widget:viewx"));
        assert!(allows("contacts_read_all") && !allows("CONTACTS_READ"));
        // A flat name is never a key's domain, nor a key a flat name.
        assert!(!allows("contacts_read_all:widget:view") && !allows("ACME1"));
        let empty = GrantSet::new(catalog);
        assert!(!empty.holds_beyond_catalog());
        assert!(
            !crate::parse::parse("acme1:widget:view").is_ok_and(|s| empty.allows_spelling(
                catalog,
                s,
                "acme1:widget:view",
                Hashed::new("acme1:widget:view")
            ))
        );
    }

    #[test]
    fn roles_that_grant_the_same_share_their_row_and_side_tables() {
        let grants = ["ui:x:view", "journey:*:*", "routing:queue:view", "CONTACTS_READ"];
        let policy = crate::Policy::builder(Catalog::builtin())
            .role("a", grants)
            .unwrap()
            .role("b", grants)
            .unwrap()
            .role("c", ["ui:x:view", "journey:*:*", "routing:queue:view"])
            .unwrap()
            .role("d", ["UI:X:VIEW", "journey:*:*", "routing:queue:view", "CONTACTS_READ"])
            .unwrap()
            .build();
        let side = |name: &str| {
            &policy
                .tables
                .roles
                .iter()
                .find(|role| &*role.name == name)
                .unwrap()
                .granted
                .side
        };
        assert!(Arc::ptr_eq(side("a"), side("b")));
        let row = |name: &str| policy.role(name).unwrap().row;
        assert_eq!(row("a"), row("b"));
        assert!(row("a") != row("c") && row("a") != row("d") && row("c") != row("d"));
        // Other grants, or the same in another spelling (audits report it as granted): not shared.
        assert!(!Arc::ptr_eq(side("a"), side("c")) && !Arc::ptr_eq(side("a"), side("d")));
        for name in ["a", "b", "d"] {
            let role = policy.role(name).unwrap();
            assert_eq!(policy.allows(role, "contacts_read"), Ok(true), "{name}");
        }
        assert_eq!(policy.allows(policy.role("c").unwrap(), "contacts_read"), Ok(false));
    }
}
