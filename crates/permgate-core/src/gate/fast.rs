//! The granted path of a typed check ([`Policy::check`](crate::Policy::check)):
//! a gate's requirements at its own release, over the permissions the
//! Platform API still documents, as `(word, mask)` pairs and any-of members
//! computed at compile time, once per gate type. A check then reads each
//! word of the row it needs once; a denial is explained by the general path.

use core::marker::PhantomData;

use super::{Gate, GateInfo};
use crate::builtin::{BUILTIN_LEN, MASK_WORDS};
use crate::release::Release;

/// The any-of members a fast path holds: the bits of
/// [`Granted::any_of_held`](super::Granted::any_of_held). A gate with more
/// is checked by the general path.
const MEMBERS: usize = 64;

/// One member of an any-of group: where its bit is in a row.
#[derive(Debug, Clone, Copy)]
struct Member {
    word: usize,
    shift: u32,
    /// The bit of its group in [`FastPath::groups`].
    group: u32,
    /// Whether the Platform API still documents it: only then does holding
    /// it satisfy its group (it is reported as held either way).
    current: bool,
}

const NO_MEMBER: Member = Member {
    word: 0,
    shift: 0,
    group: 0,
    current: false,
};

/// A gate's check at its own release, precomputed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastPath {
    /// Whether the gate fits: every permission it names builtin, not
    /// refused outright, at most 64 any-of members. Else the general path.
    usable: bool,
    /// The words a row must cover: each `(word, mask)` with `mask & !row[word] == 0`.
    required: [(usize, u64); MASK_WORDS],
    required_len: usize,
    members: [Member; MEMBERS],
    members_len: usize,
    /// One bit per any-of group: each must be met.
    groups: u64,
}

/// `a < b` in a `const fn`.
const fn older(a: Release, b: Release) -> bool {
    let (a, b) = ((a.major(), a.minor(), a.patch()), (b.major(), b.minor(), b.patch()));
    a.0 < b.0 || (a.0 == b.0 && (a.1 < b.1 || (a.1 == b.1 && a.2 < b.2)))
}

impl FastPath {
    const UNUSABLE: Self = Self {
        usable: false,
        required: [(0, 0); MASK_WORDS],
        required_len: 0,
        members: [NO_MEMBER; MEMBERS],
        members_len: 0,
        groups: 0,
    };

    /// Adds builtin `index` to the required words; `false` past the builtin indexes.
    #[allow(clippy::indexing_slicing)] // every index is checked against its bound first
    const fn require(&mut self, index: usize) -> bool {
        let word = index / 64;
        if index >= BUILTIN_LEN || word >= MASK_WORDS {
            return false;
        }
        let bit = 1u64 << (index % 64);
        let mut at = 0;
        while at < self.required_len && at < MASK_WORDS {
            if self.required[at].0 == word {
                self.required[at].1 |= bit;
                return true;
            }
            at += 1;
        }
        if self.required_len < MASK_WORDS {
            self.required[self.required_len] = (word, bit);
            self.required_len += 1;
            return true;
        }
        false
    }

    /// The check of `gate` at its own release ([`KeySet::Current`](super::KeySet::Current)).
    #[allow(clippy::indexing_slicing)] // every index is checked against its bound first
    pub(crate) const fn new(gate: &GateInfo) -> Self {
        if gate.beyond_mask || gate.mask_range.0 == GateInfo::NOTHING_LEFT.0 {
            return Self::UNUSABLE;
        }
        let mut fast = Self::UNUSABLE;
        let mut rest = gate.required;
        while let Some((permission, tail)) = rest.split_first() {
            if !permission.is_removed() && !fast.require(permission.index() as usize) {
                return Self::UNUSABLE;
            }
            rest = tail;
        }
        let mut roadmap = gate.roadmap;
        while let Some(((permission, from), tail)) = roadmap.split_first() {
            let due = match gate.release {
                Some(at) => !older(at, *from),
                None => true,
            };
            let index = permission.index() as usize;
            if index >= BUILTIN_LEN {
                return Self::UNUSABLE;
            }
            if due && !permission.is_removed() && !fast.require(index) {
                return Self::UNUSABLE;
            }
            roadmap = tail;
        }
        let mut groups = gate.any_of;
        let mut group = 0u32;
        while let Some((members, tail)) = groups.split_first() {
            if group >= 64 {
                return Self::UNUSABLE;
            }
            let mut any_current = false;
            let mut rest = *members;
            while let Some((permission, tail)) = rest.split_first() {
                let index = permission.index() as usize;
                if index >= BUILTIN_LEN || fast.members_len >= MEMBERS {
                    return Self::UNUSABLE;
                }
                let current = !permission.is_removed();
                any_current |= current;
                fast.members[fast.members_len] = Member {
                    word: index / 64,
                    shift: (index % 64) as u32,
                    group,
                    current,
                };
                fast.members_len += 1;
                rest = tail;
            }
            if !any_current {
                // No member left to hold: refused, by the general path.
                return Self::UNUSABLE;
            }
            fast.groups |= 1 << group;
            group += 1;
            groups = tail;
        }
        fast.usable = true;
        fast
    }

    /// Whether the gate fits the fast path; else the general path checks it.
    #[inline(always)]
    pub(crate) const fn usable(&self) -> bool {
        self.usable
    }

    /// `Some(any-of members held)` when `row` meets the gate, `None` when it
    /// does not. Only for a [`usable`](Self::usable) path.
    #[inline(always)]
    pub(crate) fn granted(&self, row: &[u64]) -> Option<u64> {
        let row = row.first_chunk::<MASK_WORDS>()?;
        let word = |at: usize| row.get(at).copied().unwrap_or(0);
        let mut missing = 0;
        for &(at, mask) in self.required.get(..self.required_len)? {
            missing |= mask & !word(at);
        }
        let (mut held, mut met) = (0u64, 0u64);
        for (n, member) in (0u32..).zip(self.members.get(..self.members_len)?) {
            let bit = (word(member.word) >> member.shift) & 1;
            held |= bit << n;
            met |= (bit & u64::from(member.current)) << member.group;
        }
        (missing == 0 && met == self.groups).then_some(held)
    }
}

/// [`FastPath`] of gate `G`, computed at compile time.
pub(crate) struct Fast<G>(PhantomData<G>);

impl<G: Gate> Fast<G> {
    /// `G`'s fast path.
    pub(crate) const PATH: FastPath = FastPath::new(G::INFO);
}
