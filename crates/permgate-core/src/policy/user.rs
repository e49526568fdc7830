//! Users: several roles, each granted in one division or in all, compiled
//! into bitset rows of their policy.

use super::Policy;
use super::role::{grant_entity_rows, set_bit};
use crate::catalog::Catalog;
use crate::principal::{Division, Kind, Principal, UserId, named_divisions};

/// One grant of a user: a role of the policy, or grants the user holds
/// directly (a users/me document's), in a division.
#[derive(Debug, Clone)]
pub(super) struct UserGrant {
    pub(super) source: Source,
    pub(super) division: Division,
}

/// What a [`UserGrant`] grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Source {
    /// A named role of the policy, by index.
    Role(u32),
    /// Grants the user holds directly, by index among the policy's own grant sets.
    Own(u32),
}

/// A compiled user.
#[derive(Debug, Clone)]
pub(super) struct UserData {
    pub(super) name: Box<str>,
    pub(super) grants: Vec<UserGrant>,
    /// The row of what the user may do in every division.
    pub(super) row: u32,
    /// Each division a grant names, sorted, with the row of what the user
    /// may do there.
    pub(super) divisions: Vec<(Box<str>, u32)>,
}

impl UserData {
    /// A user whose rows start at `row`: one for every division, then one
    /// per division its grants name, in the divisions' order, one after
    /// the other (the column scan of `who_can` reads them so). Returns how
    /// many rows it takes.
    pub(super) fn new(name: Box<str>, grants: Vec<UserGrant>, row: u32) -> (Self, u32) {
        let named = named_divisions(grants.iter().map(|grant| &grant.division));
        let divisions: Vec<(Box<str>, u32)> = named
            .into_iter()
            .zip(row.saturating_add(1)..)
            .map(|(d, r)| (d.into(), r))
            .collect();
        let rows = u32::try_from(divisions.len()).map_or(u32::MAX, |n| n.saturating_add(1));
        let data = UserData {
            name,
            grants,
            row,
            divisions,
        };
        (data, rows)
    }

    /// Fills the user's rows of `bits` from its roles' rows (`role_rows`).
    ///
    /// In every division, the user holds what its grants in all divisions
    /// give, and what any grant gives of the permissions that are not
    /// division-aware; in a division it names, also what its grants there give.
    /// A whole-entity row is held where every action the catalog lists for
    /// the entity is held, from any of the grants in reach there.
    pub(super) fn fill(
        &self,
        bits: &mut [u64],
        stride: usize,
        rows: impl Fn(Source) -> Option<u32>,
        catalog: &Catalog,
        not_division_aware: &[u64],
    ) {
        let row = |bits: &[u64], row: u32| -> Vec<u64> {
            let start = row as usize * stride;
            bits.get(start..start + stride)
                .map(<[u64]>::to_vec)
                .unwrap_or_else(|| vec![0; stride])
        };
        let mut everywhere = vec![0u64; stride];
        let mut by_division = vec![vec![0u64; stride]; self.divisions.len()];
        for grant in &self.grants {
            let Some(role_row) = rows(grant.source) else {
                continue;
            };
            let words = row(bits, role_row);
            let target = match &grant.division {
                Division::All => Some(&mut everywhere),
                Division::Id(id) => self
                    .divisions
                    .binary_search_by(|(d, _)| (**d).cmp(id.as_str()))
                    .ok()
                    .and_then(|n| by_division.get_mut(n)),
            };
            if let Some(target) = target {
                or_into(target, &words);
            }
            let anywhere: Vec<u64> = words.iter().zip(not_division_aware).map(|(w, m)| w & m).collect();
            or_into(&mut everywhere, &anywhere);
        }
        grant_entity_rows(&mut everywhere, catalog);
        write_row(bits, stride, self.row, &everywhere);
        for ((_, division_row), mut words) in self.divisions.iter().zip(by_division) {
            or_into(&mut words, &everywhere);
            grant_entity_rows(&mut words, catalog);
            write_row(bits, stride, *division_row, &words);
        }
    }

    /// The sources of the grants that reach the user for a permission that is
    /// (or is not) division-aware: in every division (`division` `None`), in
    /// a division no grant names (`Some(None)`), or in a named one.
    pub(super) fn grants_in_reach(
        &self,
        division: Option<Option<u32>>,
        division_aware: bool,
    ) -> impl Iterator<Item = &UserGrant> + '_ {
        let named = division
            .flatten()
            .and_then(|n| self.divisions.get(n as usize))
            .map(|(id, _)| &**id);
        self.grants.iter().filter(move |grant| {
            !division_aware
                || match &grant.division {
                    Division::All => true,
                    Division::Id(id) => named == Some(id.as_str()),
                }
        })
    }
}

fn or_into(target: &mut [u64], words: &[u64]) {
    for (t, w) in target.iter_mut().zip(words) {
        *t |= w;
    }
}

fn write_row(bits: &mut [u64], stride: usize, row: u32, words: &[u64]) {
    let start = row as usize * stride;
    if let Some(slot) = bits.get_mut(start..start + stride) {
        slot.copy_from_slice(words);
    }
}

/// The mask of the catalog's permissions that are not division-aware.
pub(super) fn not_division_aware(catalog: &Catalog) -> Vec<u64> {
    let mut mask = vec![0u64; catalog.len().div_ceil(64)];
    for permission in catalog.iter().filter(|p| !catalog.is_division_aware(*p)) {
        set_bit(&mut mask, permission.index());
    }
    mask
}

impl Policy {
    /// The user named `name` (exact match).
    pub fn user(&self, name: &str) -> Option<UserId> {
        let index = self.tables.user_names.get(name).copied()?;
        let data = self.tables.users.get(index as usize)?;
        Some(UserId {
            policy: self.id,
            index,
            row: data.row,
        })
    }

    /// Every user, in the order they were added.
    pub fn users(&self) -> impl ExactSizeIterator<Item = UserId> + '_ {
        (0..self.tables.users.len()).map(|index| UserId {
            policy: self.id,
            index: index as u32,
            row: self.tables.users.get(index).map_or(u32::MAX, |data| data.row),
        })
    }

    /// `user` in division `division` (a division id; `*` is every division):
    /// a division-aware permission is allowed there only through a grant in
    /// that division or in all divisions, one that is not division-aware
    /// through any grant. Where no catalog says, a permission counts as
    /// division-aware.
    ///
    /// A division none of the user's grants names gets what the user may do
    /// in every division. The division is looked up once, here; questions on
    /// the principal cost one bit test.
    pub fn user_in(&self, user: UserId, division: &str) -> Principal {
        let Some(data) = self.own_user(user).filter(|_| division != "*") else {
            return Principal::from(user);
        };
        let found = data.divisions.binary_search_by(|(d, _)| (**d).cmp(division)).ok();
        let row = found
            .and_then(|n| data.divisions.get(n))
            .map_or(data.row, |(_, row)| *row);
        Principal {
            policy: self.id,
            row,
            kind: Kind::UserIn {
                user: user.index,
                division: found.and_then(|n| u32::try_from(n).ok()),
            },
        }
    }

    fn own_user(&self, user: UserId) -> Option<&UserData> {
        (user.policy == self.id)
            .then(|| self.tables.users.get(user.index as usize))
            .flatten()
    }
}
