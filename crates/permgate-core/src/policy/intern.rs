//! Values stored once however many hold them: [`Interner`], keyed by
//! contents. Users compiled on demand hold their rows, grant sets and
//! bodies through it, so that users who may do the same share one copy.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Arc, LazyLock, Mutex, Weak};

use super::role::RoleData;

/// Bitset rows of users compiled on demand, by contents: users who may do
/// the same in a scope (every division, or one) share one row, across
/// organizations. A row is a plain value (bits over a catalog's indexes):
/// an equal one read through another catalog answers as that catalog says,
/// as the row it replaces would have.
pub(super) static ROWS: LazyLock<Interner<[u64]>> = LazyLock::new(Interner::default);

/// Grant sets compiled from a user's definition (its direct grants, or a
/// role the policy does not hold as such), without their names, by
/// contents: the side tables, conditional grants and bits in
/// `granted.words`.
pub(super) static SETS: LazyLock<Interner<RoleData>> = LazyLock::new(Interner::default);

/// A set of values held weakly, found by a randomly seeded hash of their
/// contents and compared in full: a value is only ever replaced by an equal
/// one. An entry whose value every holder dropped is never returned; its
/// slot is reclaimed when its bucket is next searched, or by a sweep once
/// the entries double.
#[derive(Debug)]
pub(super) struct Interner<T: ?Sized> {
    state: RandomState,
    held: Mutex<Held<T>>,
}

impl<T: ?Sized> Default for Interner<T> {
    fn default() -> Self {
        Self {
            state: RandomState::new(),
            held: Mutex::default(),
        }
    }
}

#[derive(Debug)]
struct Held<T: ?Sized> {
    buckets: HashMap<u64, Vec<Weak<T>>>,
    /// Entries, live or not.
    entries: usize,
    /// Entries left after the last sweep.
    swept: usize,
}

impl<T: ?Sized> Default for Held<T> {
    fn default() -> Self {
        Self {
            buckets: HashMap::new(),
            entries: 0,
            swept: 0,
        }
    }
}

impl<T: ?Sized> Interner<T> {
    /// The seeded hash of `key`, for [`intern`](Self::intern).
    pub(super) fn hash(&self, key: impl Hash) -> u64 {
        self.state.hash_one(key)
    }

    /// The held value hashing to `hash` for which `is` holds, else the one
    /// `make` gives, held from now on. Without its lock (a panic while it
    /// was held elsewhere), `make`'s value, not shared.
    pub(super) fn intern(&self, hash: u64, is: impl Fn(&T) -> bool, make: impl FnOnce() -> Arc<T>) -> Arc<T> {
        let Ok(mut held) = self.held.lock() else {
            return make();
        };
        let held = &mut *held;
        let bucket = held.buckets.entry(hash).or_default();
        let before = bucket.len();
        bucket.retain(|weak| weak.strong_count() > 0);
        let found = bucket.iter().filter_map(Weak::upgrade).find(|value| is(value));
        let value = found.unwrap_or_else(|| {
            let value = make();
            bucket.push(Arc::downgrade(&value));
            value
        });
        held.entries = held.entries.saturating_sub(before) + bucket.len();
        if held.entries > 2 * held.swept + 64 {
            held.buckets.retain(|_, bucket| {
                bucket.retain(|weak| weak.strong_count() > 0);
                !bucket.is_empty()
            });
            held.entries = held.buckets.values().map(Vec::len).sum();
            held.swept = held.entries;
        }
        value
    }
}

/// A bitset row stored once ([`ROWS`]).
pub(super) type Bits = Arc<[u64]>;

/// The row of `words`, stored once.
pub(super) fn row(words: &[u64]) -> Bits {
    ROWS.intern(ROWS.hash(words), |held| *held == *words, || Arc::from(words))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn equal_values_are_stored_once_and_dropped_ones_never_returned() {
        let interner = Interner::<[u64]>::default();
        let intern = |words: &[u64]| interner.intern(interner.hash(words), |held| *held == *words, || Arc::from(words));
        let a = intern(&[1, 2, 3]);
        let b = intern(&[1, 2, 3]);
        assert!(Arc::ptr_eq(&a, &b));
        // Another value, or the same bits over a longer row: its own.
        let c = intern(&[1, 2, 4]);
        let d = intern(&[1, 2, 3, 0]);
        assert!(!Arc::ptr_eq(&a, &c) && !Arc::ptr_eq(&a, &d));
        assert_eq!((&*c, &*d), (&[1, 2, 4][..], &[1, 2, 3, 0][..]));
        // A row nobody holds is not found again: a new one is made.
        let address = Arc::as_ptr(&c).cast::<u64>() as usize;
        drop(c);
        let again = intern(&[1, 2, 4]);
        assert_eq!(*again, [1, 2, 4]);
        assert_eq!(Arc::strong_count(&again), 1, "{address:x}");
        // Even when every value hashes alike, only an equal one is returned.
        let collide = |words: &[u64]| interner.intern(7, |held| *held == *words, || Arc::from(words));
        let (x, y) = (collide(&[5]), collide(&[6]));
        assert_eq!((&*x, &*y), (&[5][..], &[6][..]));
        assert!(Arc::ptr_eq(&x, &collide(&[5])));
        let empty = collide(&[]);
        assert!(empty.is_empty() && !Arc::ptr_eq(&empty, &x));
    }

    #[test]
    fn dropped_values_are_swept() {
        let interner = Interner::<[u64]>::default();
        for n in 0..10_000u64 {
            drop(interner.intern(interner.hash(n), |held| *held == [n], || Arc::from([n])));
        }
        let held = interner.held.lock().unwrap();
        assert!(held.entries <= 2 * held.swept + 64, "{}", held.entries);
        assert!(held.buckets.len() <= 130, "{}", held.buckets.len());
    }
}
