//! ASCII-case-insensitive string keys for the catalog's name map.
//!
//! The string path of [`Policy::allows_str`](crate::Policy::allows_str) looks a
//! whole permission string up in one hash map without splitting, lowercasing
//! into a buffer or allocating. Hashing folds ASCII case eight bytes at a time;
//! equality is `eq_ignore_ascii_case`, so the two agree by construction.

use core::hash::{BuildHasher, Hash, Hasher};

/// An owned key stored in a [`CaselessMap`]: compares and hashes ignoring ASCII case.
#[derive(Debug, Clone)]
pub(crate) struct CaselessKey(pub(crate) Box<str>);

/// A borrowed query for a [`CaselessMap`].
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
        hash_caseless(&self.0, state);
    }
}

impl PartialEq for CaselessKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for CaselessKey {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_caseless(self.0, state);
    }
}

impl hashbrown::Equivalent<CaselessKey> for Caseless<'_> {
    fn equivalent(&self, key: &CaselessKey) -> bool {
        self.0.eq_ignore_ascii_case(&key.0)
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

#[inline]
fn hash_caseless<H: Hasher>(s: &str, state: &mut H) {
    let bytes = s.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        state.write_u64(fold_ascii_word(u64::from_le_bytes(word)));
    }
    let rest = chunks.remainder();
    let mut word = [0u8; 8];
    if let Some(dst) = word.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    // The length goes into the last word so that "a" and "a\0" differ.
    state.write_u64(fold_ascii_word(u64::from_le_bytes(word)) ^ (bytes.len() as u64).rotate_left(56));
}

/// Builds [`FoldHasher`]s: a fixed, fast multiply-fold hash. Keys come from
/// catalogs (trusted); queries only probe, so a fixed seed is not a
/// denial-of-service vector.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FoldBuildHasher;

impl BuildHasher for FoldBuildHasher {
    type Hasher = FoldHasher;

    fn build_hasher(&self) -> FoldHasher {
        FoldHasher(0x243f_6a88_85a3_08d3)
    }
}

/// A word-at-a-time hasher: each word is mixed in with a 128-bit multiply fold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoldHasher(u64);

const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline]
fn fold_multiply(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

impl Hasher for FoldHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.0 = fold_multiply(self.0 ^ word, MULTIPLIER);
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
        assert_ne!(hash_of(""), hash_of("\0"));
    }

    #[test]
    fn owned_and_borrowed_keys_agree() {
        let mut map = caseless_map();
        map.insert(CaselessKey("routing:wrapupCode:view".into()), 7u16);
        assert_eq!(map.get(&Caseless("ROUTING:WRAPUPCODE:VIEW")), Some(&7));
        assert_eq!(map.get(&Caseless("routing:wrapupcode:vie")), None);
        // Non-ASCII letters are not folded: Unicode case is not ASCII case.
        map.insert(CaselessKey("é".into()), 8);
        assert_eq!(map.get(&Caseless("É")), None);
    }
}
