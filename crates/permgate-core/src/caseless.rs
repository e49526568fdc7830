//! ASCII-case-insensitive string keys for the catalog's name map.
//!
//! The string path of [`Policy::allows`](crate::Policy::allows) with a string looks a
//! whole permission string up in one hash map without splitting, lowercasing
//! into a buffer or allocating. Stored keys are lowercase. The hash reads
//! eight bytes at a time with bit 5 of every byte set, which maps each ASCII
//! capital to its lowercase letter (and a few punctuation pairs onto each
//! other, which only costs an equality test); the comparison folds exactly,
//! and only the words that differ from the stored key.

use core::hash::{BuildHasher, Hash, Hasher};

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
fn fold_ascii_word(word: u64) -> u64 {
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
    load(bytes, at, len) | 0x2020_2020_2020_2020
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

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0x1319_8a2e_0370_7344;

#[inline]
fn fold_multiply(a: u64, b: u64) -> u64 {
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
