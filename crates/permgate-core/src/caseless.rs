//! ASCII-case-insensitive string keys: the catalog's name table and maps.
//!
//! The string path of [`Policy::allows`](crate::Policy::allows) with a string looks a
//! whole permission string up in one [`NameTable`] without splitting, lowercasing
//! into a buffer or allocating: a hash of its length and first and last eight
//! bytes with bit 5 of every byte set (which maps each ASCII capital to its
//! lowercase letter, and a few punctuation pairs onto each other, which only
//! costs a comparison), then a comparison word by word against the name with
//! bit 5 set on its letters alone. The catalog's other maps ([`CaselessMap`])
//! store lowercase keys, hash every byte the same way and fold to compare.

use core::hash::{BuildHasher, Hash, Hasher};

/// Bit 5 of every byte: set, it maps each ASCII capital to its lowercase
/// letter (and a few punctuation pairs onto each other, which only costs a
/// comparison).
pub(crate) const BLUR: u64 = 0x2020_2020_2020_2020;

/// An owned key stored in a [`CaselessMap`], kept in ASCII lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaselessKey(Box<str>);

impl CaselessKey {
    pub(crate) fn new(key: &str) -> Self {
        Self(key.to_ascii_lowercase().into())
    }
}

/// A borrowed query for a [`CaselessMap`], in any ASCII case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caseless<'a>(pub(crate) &'a str);

/// A hash map keyed by strings compared ASCII-case-insensitively.
pub(crate) type CaselessMap<V> = hashbrown::HashMap<CaselessKey, V, FoldBuildHasher>;

/// Returns an empty [`CaselessMap`].
pub(crate) fn caseless_map<V>() -> CaselessMap<V> {
    hashbrown::HashMap::with_hasher(FoldBuildHasher)
}

impl Hash for CaselessKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(caseless_hash(self.0.as_bytes()));
    }
}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(caseless_hash(self.0.as_bytes()));
    }
}

impl hashbrown::Equivalent<CaselessKey> for Caseless<'_> {
    #[inline]
    fn equivalent(&self, key: &CaselessKey) -> bool {
        eq_folded(self.0.as_bytes(), key.0.as_bytes())
    }
}

/// Sets bit 5 of every byte of `word` that is an ASCII uppercase letter.
#[inline]
pub(crate) fn fold_ascii_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let low7 = word & !HIGH;
    // High bit of each byte: set when the byte is >= b'A' ...
    let at_least_a = low7 + ONES * (0x80 - u64::from(b'A'));
    // ... and when it is > b'Z'.
    let above_z = low7 + ONES * (0x80 - u64::from(b'Z') - 1);
    // Uppercase: >= 'A', not > 'Z', and not a non-ASCII byte.
    let upper = at_least_a & !above_z & !word & HIGH;
    word | (upper >> 2)
}

/// The little-endian word of up to eight bytes at `at` (zero-padded).
#[inline]
fn load(bytes: &[u8], at: usize, len: usize) -> u64 {
    let mut word = [0u8; 8];
    if let (Some(dst), Some(src)) = (word.get_mut(..len), bytes.get(at..at + len)) {
        dst.copy_from_slice(src);
    }
    u64::from_le_bytes(word)
}

/// The word of up to eight bytes at `at` with bit 5 of every byte set: equal
/// for any two ASCII cases of the same bytes. For hashing only.
#[inline]
fn blurred(bytes: &[u8], at: usize, len: usize) -> u64 {
    load(bytes, at, len) | BLUR
}

/// Whether `query`, in any ASCII case, is the lowercase word `lower`; the
/// fold runs only for a word that differs as it stands.
#[inline]
fn word_eq(query: u64, lower: u64) -> bool {
    query == lower || fold_ascii_word(query) == lower
}

/// Whether `query`, in any ASCII case, equals `lower`, which is lowercase.
#[inline]
fn eq_folded(query: &[u8], lower: &[u8]) -> bool {
    let len = query.len();
    if len != lower.len() {
        return false;
    }
    if len < 8 {
        return word_eq(load(query, 0, len), load(lower, 0, len));
    }
    // Whole words, then the last eight bytes (overlapping): no variable-length copy.
    let mut at = 0;
    while at + 8 <= len {
        if !word_eq(load(query, at, 8), load(lower, at, 8)) {
            return false;
        }
        at += 8;
    }
    word_eq(load(query, len - 8, 8), load(lower, len - 8, 8))
}

/// A table of names compared ASCII-case-insensitively, each to a value: the
/// catalog's names (keys, labels, flat names).
///
/// Open addressing over a power-of-two array of slots, at most half full,
/// probed linearly. A slot holds the hash's high half with the name's length
/// (one comparison rejects almost every other name), where the name's words
/// start and the value. Each name is kept as words of eight bytes (the last
/// one ending at the name's end, overlapping the one before), each word as
/// in lowercase and with bit 5 of each byte that is a letter: a query in
/// any case compares word by word without folding ([`spells`](NameTable::spells)).
#[derive(Debug, Clone)]
pub(crate) struct NameTable<V> {
    slots: Vec<Slot<V>>,
    /// Every name's words: in lowercase, and bit 5 of its letters.
    words: Vec<[u64; 2]>,
    /// How many names the table holds.
    len: usize,
}

/// A slot of a [`NameTable`]: empty when `key` is 0 (a name's key is
/// never 0: its length is not, and the empty name is never held).
#[derive(Debug, Clone, Copy)]
struct Slot<V> {
    /// The hash's high half above bit 32, the length below.
    key: u64,
    /// Where the name's words start in [`NameTable::words`].
    start: u32,
    value: V,
}

/// The key bits that hold the name's length.
const LENGTH: u64 = 0xffff_ffff;

/// The key of a name from its [`ends`]: its hash's high half and its
/// length. Where its slot is comes from the same half, so a table can grow
/// without the names' text.
#[inline]
fn slot_key(len: usize, (first, last): (u64, u64)) -> u64 {
    (name_hash(len, first, last) & !LENGTH) | (len as u64 & LENGTH)
}

/// The first and the last eight bytes of a name (the one word, zero-padded,
/// of a name under eight bytes).
#[inline]
fn ends(name: &[u8]) -> (u64, u64) {
    let len = name.len();
    if len >= 8 {
        (word_at(name, 0), word_at(name, len - 8))
    } else {
        let word = short_word(name);
        (word, word)
    }
}

impl<V> Default for NameTable<V> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            words: Vec::new(),
            len: 0,
        }
    }
}

impl<V: Copy + Default> NameTable<V> {
    /// The value of `query`, in any ASCII case. Inlined whole (with
    /// [`slot`](Self::slot) and [`spells`](Self::spells)) into the string
    /// path of `allows`: out of line it costs a call and six register saves.
    #[inline(always)]
    pub(crate) fn get(&self, query: &str) -> Option<V> {
        self.slot(query.as_bytes()).map(|(_, slot)| slot.value)
    }

    /// Whether the table holds `query`, in any ASCII case.
    pub(crate) fn contains(&self, query: &str) -> bool {
        self.slot(query.as_bytes()).is_some()
    }

    /// The slot of the name `query` spells in any ASCII case, and where it is.
    #[inline(always)]
    fn slot(&self, query: &[u8]) -> Option<(usize, &Slot<V>)> {
        let (first, last) = ends(query);
        let key = slot_key(query.len(), (first, last));
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = (key >> 32) as usize;
        loop {
            let index = at & mask;
            let slot = self.slots.get(index)?;
            if slot.key == key && self.spells(slot.start, query, first, last) {
                return Some((index, slot));
            }
            if slot.key == 0 {
                return None;
            }
            at = at.wrapping_add(1);
        }
    }

    /// Whether `query` (whose [`ends`] are `first` and `last`) is, in any
    /// ASCII case, the name whose words start at `start`, which has the
    /// query's length. Up to 48 bytes (most names), a fixed number of words
    /// for each length: the query's words load without bounds checks and
    /// compare without a loop.
    #[inline(always)]
    fn spells(&self, start: u32, query: &[u8], first: u64, last: u64) -> bool {
        let start = start as usize;
        let words = &self.words;
        let word = |at: usize| {
            query
                .get(at..)
                .and_then(<[u8]>::first_chunk)
                .map_or(0, |&word| u64::from_le_bytes(word))
        };
        // A tree of two or three comparisons rather than a chain of up to six.
        let len = query.len();
        if len <= 24 {
            if len > 16 {
                same(words, start, [first, word(8), last])
            } else if len > 8 {
                same(words, start, [first, last])
            } else {
                len > 0 && same(words, start, [last])
            }
        } else if len <= 40 {
            if len > 32 {
                same(words, start, [first, word(8), word(16), word(24), last])
            } else {
                same(words, start, [first, word(8), word(16), last])
            }
        } else if len <= 48 {
            same(words, start, [first, word(8), word(16), word(24), word(32), last])
        } else {
            spells_long(query, words.get(start..).unwrap_or_default(), last)
        }
    }

    /// Sets the value of `name` (any case).
    pub(crate) fn insert(&mut self, name: &str, value: V) {
        let held = self.slot(name.as_bytes()).map(|(at, _)| at);
        if let Some(held) = held.and_then(|at| self.slots.get_mut(at)) {
            held.value = value;
            return;
        }
        let key = slot_key(name.len(), ends(name.as_bytes()));
        if key == 0 {
            // The empty name (no question is one): the key of an empty slot.
            return;
        }
        // Past `u32::MAX` words (no catalog comes near) a name would never match.
        let start = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        let letters: Vec<u8> = name
            .bytes()
            .map(|byte| if byte.is_ascii_alphabetic() { 0x20 } else { 0 })
            .collect();
        let lower = words(name.as_bytes())
            .zip(words(&letters))
            .map(|(word, letters)| [word | letters, letters]);
        self.words.extend(lower);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
        self.place(Slot { key, start, value });
    }

    /// Doubles the slots (keeping at most half of them full) and places every name again.
    fn grow(&mut self) {
        let empty = Slot {
            key: 0,
            start: 0,
            value: V::default(),
        };
        let size = (self.len * 2).next_power_of_two().max(16);
        let old = core::mem::replace(&mut self.slots, vec![empty; size]);
        for slot in old.into_iter().filter(|slot| slot.key != 0) {
            self.place(slot);
        }
    }

    /// Puts `slot` in the first empty slot from where its key says.
    fn place(&mut self, slot: Slot<V>) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = (slot.key >> 32) as usize;
        while let Some(held) = self.slots.get_mut(at & mask) {
            if held.key == 0 {
                *held = slot;
                return;
            }
            at = at.wrapping_add(1);
        }
    }
}

/// Whether the `N` words of a query are, in any ASCII case, the `N` words
/// from `start` of `words` (one bounds check for all): each word, with bit
/// 5 set where the name has a letter, is the name's lowercase word. Bit 5 is the only bit in which a
/// capital differs from its small letter, and setting it maps no other byte
/// onto a letter with it set: exact, and no folding.
#[inline]
fn same<const N: usize>(words: &[[u64; 2]], start: usize, query: [u64; N]) -> bool {
    let stored = words
        .get(start..start + N)
        .and_then(|stored| <&[[u64; 2]; N]>::try_from(stored).ok());
    stored.is_some_and(|&stored| same_pair(query, stored))
}

/// [`same`] for words in hand: one test of all their differences.
#[inline]
fn same_pair<const N: usize>(query: [u64; N], stored: [[u64; 2]; N]) -> bool {
    (stored.iter().zip(query)).fold(0, |differ, (&[lower, letters], word)| {
        differ | ((word | letters) ^ lower)
    }) == 0
}

/// [`NameTable::spells`] for a name over 48 bytes, or an empty one (never
/// a name): the query's whole words in a loop. Out of line, so that the
/// lookup of shorter names does not prepare the loop.
#[inline(never)]
fn spells_long(query: &[u8], stored: &[[u64; 2]], last: u64) -> bool {
    let Some((&tail, body)) = stored.get(..query.len().div_ceil(8)).and_then(<[_]>::split_last) else {
        return false;
    };
    let mut body = body.iter().zip(query.chunks_exact(8));
    same_pair([last], [tail]) && body.all(|(&pair, chunk)| same_pair([word_at(chunk, 0)], [pair]))
}

/// The words a [`NameTable`] keeps of a name: every whole word but the
/// last, then the eight bytes that end the name (one zero-padded word for a
/// name under eight bytes).
fn words(name: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let len = name.len();
    let body = name.chunks_exact(8).take(len.div_ceil(8).saturating_sub(1));
    body.map(|word| <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes))
        .chain(core::iter::once(ends(name).1))
}

/// The little-endian word of the eight bytes at `at` (0 past the end).
#[inline]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|word| <[u8; 8]>::try_from(word).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The little-endian word of fewer than eight bytes, zero-padded (a loop
/// rather than a copy, which would cost the hot path a call).
#[inline]
fn short_word(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |word, &byte| (word << 8) | u64::from(byte))
}

/// A hash of a name from its length and [`ends`], the same in any ASCII case
/// (the words are [`blurred`]), one multiply: only its high half is good,
/// and only that is used ([`slot_key`]). Names that differ only in their
/// middle share a hash and are told apart by the comparison.
#[inline]
fn name_hash(len: usize, first: u64, last: u64) -> u64 {
    ((first | BLUR) ^ (last | BLUR).rotate_left(32) ^ (len as u64)).wrapping_mul(K1)
}

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0x1319_8a2e_0370_7344;

/// The 128-bit product of `a` and `b`, its halves XORed: the mixing step
/// of every hash here.
#[inline]
pub(crate) fn fold_multiply(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

/// Hashes the bytes with bit 5 set ([`blurred`]), sixteen at a time, in two independent
/// lanes where the string is longer than sixteen bytes (keys are 15 to 60).
#[inline]
fn caseless_hash(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let seed = SEED ^ (len as u64).wrapping_mul(K2);
    if len <= 16 {
        let (a, b) = if len <= 8 {
            (blurred(bytes, 0, len), 0)
        } else {
            (blurred(bytes, 0, 8), blurred(bytes, len - 8, 8))
        };
        return fold_multiply(a ^ seed, b ^ K1);
    }
    // Front lane over whole 16-byte blocks; back lane over the last 16 bytes.
    let mut front = seed;
    let mut at = 0;
    while at + 16 < len {
        front = fold_multiply(blurred(bytes, at, 8) ^ front, blurred(bytes, at + 8, 8) ^ K1);
        at += 16;
    }
    let back = fold_multiply(blurred(bytes, len - 16, 8) ^ seed, blurred(bytes, len - 8, 8) ^ K2);
    fold_multiply(front ^ K2, back ^ K1)
}

/// Builds [`FoldHasher`]s. Keys come from catalogs (trusted); queries only
/// probe, so a fixed seed is not a denial-of-service vector.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FoldBuildHasher;

impl BuildHasher for FoldBuildHasher {
    type Hasher = FoldHasher;

    fn build_hasher(&self) -> FoldHasher {
        FoldHasher(0)
    }
}

/// Passes on a hash that [`caseless_hash`] already computed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoldHasher(u64);

impl Hasher for FoldHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    /// Keys hash themselves with [`caseless_hash`] and write one word: taking
    /// it as is saves a multiply on the string path.
    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.0 = self.0.rotate_left(29) ^ word;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(s: &str) -> u64 {
        FoldBuildHasher.hash_one(Caseless(s))
    }

    #[test]
    fn folding_matches_to_ascii_lowercase_for_every_byte() {
        for byte in 0..=255u8 {
            let word = u64::from_le_bytes([byte; 8]);
            let expected = u64::from_le_bytes([byte.to_ascii_lowercase(); 8]);
            assert_eq!(fold_ascii_word(word), expected, "byte {byte:#04x}");
        }
    }

    #[test]
    fn case_variants_hash_alike_and_others_do_not() {
        assert_eq!(hash_of("journey:actionMap:VIEW"), hash_of("JOURNEY:actionmap:view"));
        assert_eq!(
            hash_of("Journey > Action Map > View"),
            hash_of("journey > action map > view")
        );
        assert_ne!(hash_of("journey:actionmap:view"), hash_of("journey:actionmap:edit"));
        assert_ne!(hash_of("a"), hash_of("a\0"));
        for len in 0..80 {
            let s: String = "abcdefghijKLMNOPQRSTuvwxyz:>".chars().cycle().take(len).collect();
            assert_eq!(hash_of(&s), hash_of(&s.to_ascii_uppercase()), "{len}");
            assert!(eq_folded(s.as_bytes(), s.to_ascii_lowercase().as_bytes()));
            let mut other = s.to_ascii_lowercase().into_bytes();
            if let Some(last) = other.last_mut() {
                *last ^= 1;
                assert!(!eq_folded(s.as_bytes(), &other), "{len}");
            }
        }
        assert_ne!(hash_of(""), hash_of("\0"));
    }

    #[test]
    fn bytes_the_hash_blurs_still_compare_unequal() {
        // Bit 5 set maps `[` onto `{`, `@` onto `` ` `` and NUL onto space:
        // the hash may collide, the comparison must not.
        for (a, b) in [
            ("a[b", "a{b"),
            ("x@y:z:w", "x`y:z:w"),
            ("a\0b", "a b"),
            ("q_q", "q\x7fq"),
        ] {
            assert_eq!(hash_of(a), hash_of(b));
            assert!(!eq_folded(a.as_bytes(), b.as_bytes()), "{a:?} {b:?}");
        }
        let mut map = caseless_map();
        map.insert(CaselessKey::new("routing:queue:{view}"), 1u8);
        assert_eq!(map.get(&Caseless("ROUTING:QUEUE:[VIEW]")), None);
        assert_eq!(map.get(&Caseless("ROUTING:QUEUE:{VIEW}")), Some(&1));
    }

    #[test]
    fn name_table_finds_names_in_any_case_and_nothing_else() {
        let mut table = NameTable::default();
        let names: Vec<String> = (1..70)
            .map(|len| "routing:wrapupCode:Search>".chars().cycle().take(len).collect())
            .collect();
        for (value, name) in (0u16..).zip(&names) {
            table.insert(name, value);
        }
        for (value, name) in (0u16..).zip(&names) {
            assert_eq!(table.get(name), Some(value), "{name}");
            assert_eq!(table.get(&name.to_ascii_uppercase()), Some(value), "{name}");
            assert_eq!(table.get(&name.to_ascii_lowercase()), Some(value), "{name}");
            // One byte off anywhere, first, middle or last word: not found.
            for at in 0..name.len() {
                let mut other = name.clone().into_bytes();
                if let Some(byte) = other.get_mut(at) {
                    *byte ^= 0x01;
                }
                let other = String::from_utf8(other).unwrap_or_default();
                assert_ne!(table.get(&other), Some(value), "{other:?}");
            }
        }
        assert_eq!(table.get(""), None);
        assert!(!table.contains("routing:wrapupcode:searcH>x"));
        // Names with the same length and ends, told apart by their middle.
        table.insert("analytics:flowObservation:view", 900);
        table.insert("analytics:userObservation:view", 901);
        assert_eq!(table.get("ANALYTICS:USEROBSERVATION:VIEW"), Some(901));
        assert_eq!(table.get("analytics:flowobservation:view"), Some(900));
        assert_eq!(table.get("analytics:teamObservation:view"), None);
        // A name held again keeps its spelling and takes the new value.
        table.insert("ANALYTICS:FLOWOBSERVATION:VIEW", 902);
        assert_eq!(table.get("analytics:flowObservation:view"), Some(902));
        // The hash blurs bit 5; the comparison does not.
        table.insert("routing:queue:{view}", 903);
        assert_eq!(table.get("ROUTING:QUEUE:[VIEW]"), None);
        assert_eq!(table.get("Routing:Queue:{View}"), Some(903));
        table.insert("é", 904);
        assert_eq!(table.get("É"), None);
    }

    #[test]
    fn owned_and_borrowed_keys_agree() {
        let mut map = caseless_map();
        map.insert(CaselessKey::new("routing:wrapupCode:view"), 7u16);
        assert_eq!(map.get(&Caseless("ROUTING:WRAPUPCODE:VIEW")), Some(&7));
        assert_eq!(map.get(&Caseless("routing:wrapupcode:vie")), None);
        // Non-ASCII letters are not folded: Unicode case is not ASCII case.
        map.insert(CaselessKey::new("é"), 8);
        assert_eq!(map.get(&Caseless("É")), None);
    }
}

/// The process's random hash seeds, drawn once: grants come from documents,
/// and crafted collisions must not make compiling quadratic. One seed for
/// every policy, so that a question's hashes serve every grant set in reach
/// and a grant set copied into another policy (a user compiled on demand)
/// keeps its index.
#[derive(Debug)]
pub(crate) struct Seeds {
    pub(crate) segment: u64,
    pub(crate) multiplier: u64,
    pub(crate) combine: [u64; 2],
    /// The hash of `*`.
    pub(crate) star: u64,
}

#[inline]
pub(crate) fn seeds() -> &'static Seeds {
    static SEEDS: std::sync::OnceLock<Seeds> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let state = std::hash::RandomState::new();
        let draw = |n: u64| state.hash_one(n);
        let mut seeds = Seeds {
            segment: draw(0),
            multiplier: draw(1) | 1,
            combine: [draw(2), draw(3)],
            star: 0,
        };
        seeds.star = segment_hash(&seeds, b"*");
        seeds
    })
}

/// Up to eight bytes as a word: two overlapping halves, or the first,
/// middle and last byte (the length is hashed beside it).
#[inline]
pub(crate) fn small_word(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let half = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|half| <[u8; 4]>::try_from(half).ok())
            .map_or(0, |half| u64::from(u32::from_le_bytes(half)))
    };
    if len >= 4 {
        return half(0) | half(len - 4) << 32;
    }
    let byte = |at: usize| bytes.get(at).map_or(0, |&b| u64::from(b));
    if len == 0 {
        0
    } else {
        byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16
    }
}

/// Hashes one segment ignoring ASCII case ([`BLUR`]), eight bytes at a time.
#[inline]
pub(crate) fn segment_hash(seeds: &Seeds, segment: &[u8]) -> u64 {
    let len = segment.len();
    let seed = seeds.segment ^ len as u64;
    if len <= 8 {
        return fold_multiply(seed ^ (small_word(segment) | BLUR), seeds.multiplier);
    }
    let mut hash = seed;
    let mut at = 0;
    while at + 8 < len {
        hash = fold_multiply(hash ^ (word_at(segment, at) | BLUR), seeds.multiplier);
        at += 8;
    }
    fold_multiply(hash ^ (word_at(segment, len - 8) | BLUR), seeds.multiplier)
}

/// Hashes a whole question or grant ignoring ASCII case, its colons with
/// it: what a `CaselessList` of unknown keys is found by.
#[inline]
pub(crate) fn whole_hash(whole: &str) -> u64 {
    segment_hash(seeds(), whole.as_bytes())
}
