//! Who a question is about ([`Principal`]: a role, a user, a user in one
//! division) and what it asks ([`Question`]: a typed permission or a string).

use core::fmt;

use crate::Escaped;
use crate::catalog::Catalog;
use crate::parse::{MAX_PERMISSION_LEN, ParseError, QuestionError, Spelling, excerpt, parse};
use crate::permission::Permission;

/// Where a grant applies: one division, or every division (`*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
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

/// Who a question is about: a [`RoleId`](crate::RoleId), a [`UserId`] (what
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

impl From<crate::RoleId> for Principal {
    #[inline]
    fn from(role: crate::RoleId) -> Self {
        Principal {
            policy: role.policy,
            row: role.row,
            kind: Kind::Role(role.index),
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

/// A question names a permission: a typed [`Permission`] (answers are plain
/// values) or a string in any spelling (answers are `Result`s, since the
/// string may not parse). The trait is sealed.
///
/// ```
/// use permgate::{Catalog, Policy, perm};
///
/// let policy = Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:*"])?.build();
/// let agent = policy.role("agent").unwrap();
/// let typed: bool = policy.allows(agent, perm::routing::QUEUE_JOIN);
/// let spelled: Result<bool, permgate::QuestionError> = policy.allows(agent, "Routing > Queue > Join");
/// assert!(typed && spelled == Ok(true));
/// # Ok::<(), permgate::BuildError>(())
/// ```
pub trait Question: sealed::Sealed + Copy {
    /// `T` for a typed permission; `Result<T, QuestionError>` for a string.
    type Answer<T>;

    /// Resolves the question against `catalog` and answers with `answer`.
    #[doc(hidden)]
    fn ask<T>(self, catalog: &Catalog, answer: impl FnOnce(Asked<'_>) -> T) -> Self::Answer<T>;
}

pub(crate) mod sealed {
    /// Only this crate answers questions.
    pub trait Sealed {}
}

/// What a question resolves to against a catalog. Public only so that the
/// sealed [`Question::ask`] can name it; nothing outside the crate can make
/// or read one.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Asked<'q>(pub(crate) Resolved<'q>);

/// The content of [`Asked`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved<'q> {
    /// A permission of the catalog, by index.
    Known(u16),
    /// A permission of another catalog: denied.
    Foreign,
    /// A well-formed key or flat name the catalog does not know.
    Unknown(Spelling<'q>, &'q str),
}

impl sealed::Sealed for Permission<'_> {}

impl Question for Permission<'_> {
    type Answer<T> = T;

    #[inline]
    fn ask<T>(self, catalog: &Catalog, answer: impl FnOnce(Asked<'_>) -> T) -> T {
        answer(Asked(if catalog.owns(self) {
            Resolved::Known(self.index())
        } else {
            Resolved::Foreign
        }))
    }
}

impl sealed::Sealed for &str {}

impl Question for &str {
    type Answer<T> = Result<T, QuestionError>;

    #[inline]
    fn ask<T>(self, catalog: &Catalog, answer: impl FnOnce(Asked<'_>) -> T) -> Result<T, QuestionError> {
        if self.len() > MAX_PERMISSION_LEN {
            return Err(ParseError::TooLong {
                length: self.len(),
                max: MAX_PERMISSION_LEN,
            }
            .into());
        }
        match catalog.find(self) {
            Some(entry) if entry.wildcard => Err(QuestionError::Wildcard { input: excerpt(self) }),
            Some(entry) => Ok(answer(Asked(Resolved::Known(entry.index)))),
            None => resolve_unknown(self).map(|spelling| answer(Asked(Resolved::Unknown(spelling, self)))),
        }
    }
}

impl sealed::Sealed for &String {}

impl Question for &String {
    type Answer<T> = Result<T, QuestionError>;

    #[inline]
    fn ask<T>(self, catalog: &Catalog, answer: impl FnOnce(Asked<'_>) -> T) -> Result<T, QuestionError> {
        self.as_str().ask(catalog, answer)
    }
}

/// A string no catalog entry names: a well-formed key or flat name, or why not.
#[cold]
fn resolve_unknown(question: &str) -> Result<Spelling<'_>, QuestionError> {
    let spelling = parse(question)?;
    if spelling.is_wildcard() {
        return Err(QuestionError::Wildcard {
            input: excerpt(question),
        });
    }
    if let Spelling::Label { .. } = spelling {
        return Err(QuestionError::UnknownLabel {
            input: excerpt(question),
        });
    }
    Ok(spelling)
}
