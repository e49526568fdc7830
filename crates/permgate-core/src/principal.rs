//! Who a question is about ([`Principal`]: a role, a user, a user in one
//! division) and what it asks ([`Question`](crate::question::Question): a typed permission or a string).

use core::fmt;

use crate::parse::{DivisionError, MAX_DIVISION_ID_LEN, excerpt};
use crate::text::{Escaped, needs_escape};

/// Where a grant applies: one division, or every division (`*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Division {
    /// Every division, current and future (division id `*`).
    All,
    /// One division, by id.
    Id(String),
}

impl Division {
    /// The division of a grant: `*` means all divisions.
    pub fn new(id: &str) -> Self {
        if id == "*" {
            Division::All
        } else {
            Division::Id(id.to_owned())
        }
    }

    /// A division id as read from a request or a document, checked: `*` is
    /// every division ([`Division::All`]); any other id is one division,
    /// taken as it is written (no trimming, case kept).
    ///
    /// Unlike [`Division::new`], which takes any string, this refuses an id
    /// that cannot be a real one rather than answering it as a division no
    /// grant names: empty, only whitespace, holding whitespace (`d east`),
    /// a control or invisible character, or longer than
    /// [`MAX_DIVISION_ID_LEN`] bytes.
    ///
    /// ```
    /// use permgate::{Division, parse::DivisionError};
    ///
    /// assert_eq!(Division::parse("*"), Ok(Division::All));
    /// assert_eq!(Division::parse("d-east"), Ok(Division::Id("d-east".into())));
    /// assert_eq!(Division::parse(""), Err(DivisionError::Empty));
    /// assert!(matches!(Division::parse("d east"), Err(DivisionError::Whitespace { offset: 1, .. })));
    /// assert!(matches!(Division::parse(" "), Err(DivisionError::Blank { .. })));
    /// assert!(matches!(Division::parse("d\u{200b}east"), Err(DivisionError::Control { .. })));
    /// ```
    ///
    /// # Errors
    ///
    /// Why `id` is not a division id ([`DivisionError`]).
    pub fn parse(id: &str) -> Result<Self, DivisionError> {
        if id.is_empty() {
            return Err(DivisionError::Empty);
        }
        if id.len() > MAX_DIVISION_ID_LEN {
            return Err(DivisionError::TooLong {
                length: id.len(),
                max: MAX_DIVISION_ID_LEN,
            });
        }
        if id.chars().all(char::is_whitespace) {
            return Err(DivisionError::Blank { id: excerpt(id) });
        }
        for (offset, ch) in id.char_indices() {
            if ch.is_whitespace() && !ch.is_control() && !matches!(ch, '\u{2028}' | '\u{2029}') {
                return Err(DivisionError::Whitespace {
                    id: excerpt(id),
                    offset,
                });
            }
            if ch != '\\' && ch != '`' && needs_escape(ch) {
                return Err(DivisionError::Control {
                    id: excerpt(id),
                    ch,
                    offset,
                });
            }
        }
        Ok(Division::new(id))
    }

    /// Whether a grant in this division applies in division `id`.
    pub fn covers(&self, id: &str) -> bool {
        match self {
            Division::All => true,
            Division::Id(own) => own == id,
        }
    }

    /// The id as Genesys Cloud writes it: `*` for all divisions.
    pub fn id(&self) -> &str {
        match self {
            Division::All => "*",
            Division::Id(id) => id,
        }
    }
}

/// The division ids among `divisions` (not `*`), sorted, each once.
pub(crate) fn named_divisions<'a>(divisions: impl Iterator<Item = &'a Division>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = divisions
        .filter_map(|division| match division {
            Division::Id(id) => Some(id.as_str()),
            Division::All => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A role of one [`Policy`](crate::Policy). Asking another policy about it answers `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleId {
    pub(crate) policy: u64,
    pub(crate) index: u32,
    /// The role's row of the policy's bitset.
    pub(crate) row: u32,
}

impl RoleId {
    /// The role's position in its policy, in the order roles were added.
    pub fn index(self) -> u32 {
        self.index
    }
}

/// A user of one [`Policy`](crate::Policy): several roles, each granted in a
/// division or in all. Asking another policy about it answers `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId {
    pub(crate) policy: u64,
    pub(crate) index: u32,
    /// The row of what the user may do in every division.
    pub(crate) row: u32,
}

impl UserId {
    /// The user's position in its policy, in the order users were added.
    pub fn index(self) -> u32 {
        self.index
    }
}

/// Who a question is about: a [`RoleId`], a [`UserId`] (what
/// the user may do in every division), or a user in one division
/// ([`Policy::user_in`](crate::Policy::user_in)).
///
/// Every principal is one row of the policy's bitset, so a decision costs the
/// same for each kind. `RoleId` and `UserId` convert into it, so methods that
/// take `impl Into<Principal>` accept all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Principal {
    pub(crate) policy: u64,
    /// The principal's row of the policy's bitset.
    pub(crate) row: u32,
    pub(crate) kind: Kind,
}

/// What a [`Principal`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Role(u32),
    /// A user, in every division.
    User(u32),
    /// A user in one division: the index of one of its grants' divisions, or
    /// `None` for a division none of its grants names.
    UserIn {
        user: u32,
        division: Option<u32>,
    },
    /// One grant set alone (a role's or a user's own), for audits: its row
    /// answers bit tests; it has no name and nothing in reach.
    Set,
}

impl From<RoleId> for Principal {
    #[inline]
    fn from(role: RoleId) -> Self {
        Principal {
            policy: role.policy,
            row: role.row,
            kind: Kind::Role(role.index),
        }
    }
}

impl From<UserId> for Principal {
    #[inline]
    fn from(user: UserId) -> Self {
        Principal {
            policy: user.policy,
            row: user.row,
            kind: Kind::User(user.index),
        }
    }
}

/// A principal as messages name it: `role `viewer``, `user `ana``, `user
/// `ana` in division `d-east``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) scope: Scope,
}

/// Where a [`Named`] principal is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A role: no division.
    Role,
    /// A user, in every division.
    Everywhere,
    /// A user in a division one of its grants names.
    In(String),
    /// A user in a division none of its grants names.
    Unnamed,
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind, Escaped(&self.name))?;
        match &self.scope {
            Scope::Role => Ok(()),
            Scope::Everywhere => f.write_str(" in every division"),
            Scope::In(division) => write!(f, " in division `{}`", Escaped(division)),
            Scope::Unnamed => f.write_str(" in a division none of its grants names"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_division_id_read_from_outside_is_checked() {
        let long = "d".repeat(MAX_DIVISION_ID_LEN + 1);
        assert_eq!(
            Division::parse(&long),
            Err(DivisionError::TooLong {
                length: MAX_DIVISION_ID_LEN + 1,
                max: MAX_DIVISION_ID_LEN
            })
        );
        let longest = "d".repeat(MAX_DIVISION_ID_LEN);
        assert_eq!(Division::parse(&longest), Ok(Division::Id(longest.clone())));
        for blank in [" ", "\t", "\u{a0}", " \u{3000} "] {
            assert!(
                matches!(Division::parse(blank), Err(DivisionError::Blank { .. })),
                "{blank:?}"
            );
        }
        for spaced in [" d-east", "d-east ", "d east", "d\u{a0}east"] {
            assert!(
                matches!(Division::parse(spaced), Err(DivisionError::Whitespace { .. })),
                "{spaced:?}"
            );
        }
        for control in ["d\teast", "d\neast", "d\u{1b}", "d\u{202e}", "d\u{feff}", "d\u{2028}"] {
            assert!(
                matches!(Division::parse(control), Err(DivisionError::Control { .. })),
                "{control:?}"
            );
        }
        // Real ids: UUIDs, case kept; `*` alone is every division.
        let uuid = "5cD2a3b1-0c1f-4c44-9e83-1f0d6b3a2c77";
        assert_eq!(Division::parse(uuid), Ok(Division::Id(uuid.to_owned())));
        assert_eq!(Division::parse("**"), Ok(Division::Id("**".to_owned())));
        // The message escapes what it quotes.
        let error = Division::parse("d\u{1b}[2J").unwrap_err().to_string();
        assert!(!error.contains('\u{1b}'), "{error}");
    }
}
