//! What a question asks ([`Question`]: a typed permission or a string),
//! resolved against a catalog.

use crate::caseless::whole_hash;
use crate::catalog::{Catalog, NameEntry};
use crate::parse::{MAX_PERMISSION_LEN, ParseError, QuestionError, Spelling, excerpt, parse, plain_key};
use crate::permission::Permission;

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
/// let spelled: Result<bool, permgate::parse::QuestionError> = policy.allows(agent, "Routing > Queue > Join");
/// assert!(typed && spelled == Ok(true));
/// # Ok::<(), permgate::BuildError>(())
/// ```
pub trait Question: sealed::Sealed + Copy {
    /// `T` for a typed permission; `Result<T, QuestionError>` for a string.
    type Answer<T>;

    /// Resolves the question against `catalog` and answers with `answer`.
    /// A string no catalog name spells is first offered, with its caseless
    /// hash (`whole_hash`), to `held` (if any), before it is validated:
    /// `held` answers only for a string equal (ASCII case aside) to a grant
    /// of a key no catalog knows that it holds, which was validated when
    /// granted, so that the string is well-formed and the answer the same.
    /// Otherwise the string is validated and answered by `answer`, told that
    /// `held` looked: `held` must look at every grant set `answer` would.
    #[doc(hidden)]
    fn ask<T>(
        self,
        catalog: &Catalog,
        held: Option<impl FnOnce(&str, u64) -> Option<T>>,
        answer: impl FnOnce(Asked<'_>) -> T,
    ) -> Self::Answer<T>;
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
    /// A well-formed key or flat name the catalog does not know: its
    /// spelling, the string as asked, and its hash.
    Unknown(Spelling<'q>, &'q str, Hashed),
}

/// The caseless hash ([`whole_hash`]) of a string no catalog name spells,
/// and whether the grants of keys no catalog knows in reach were looked up
/// by it already (the `held` of [`Question::ask`]): a second lookup would
/// miss.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hashed {
    pub(crate) hash: u64,
    pub(crate) looked: bool,
}

impl Hashed {
    /// The hash of `key`, no grant looked up by it yet.
    pub(crate) fn new(key: &str) -> Self {
        Self {
            hash: whole_hash(key),
            looked: false,
        }
    }
}

impl sealed::Sealed for Permission<'_> {}

impl Question for Permission<'_> {
    type Answer<T> = T;

    #[inline]
    fn ask<T>(
        self,
        catalog: &Catalog,
        _: Option<impl FnOnce(&str, u64) -> Option<T>>,
        answer: impl FnOnce(Asked<'_>) -> T,
    ) -> T {
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

    /// Inlined whole into the caller, lookup and all (the cold paths are
    /// calls): the string path of `allows` keeps its registers.
    #[inline(always)]
    fn ask<T>(
        self,
        catalog: &Catalog,
        held: Option<impl FnOnce(&str, u64) -> Option<T>>,
        answer: impl FnOnce(Asked<'_>) -> T,
    ) -> Result<T, QuestionError> {
        if self.len() > MAX_PERMISSION_LEN {
            return Err(ParseError::TooLong {
                length: self.len(),
                max: MAX_PERMISSION_LEN,
            }
            .into());
        }
        match catalog.find_exact(self) {
            Some(entry) => named(self, entry, answer),
            None => unnamed(self, catalog, held, answer),
        }
    }
}

/// [`Question::ask`] for a string that names `entry`.
#[inline(always)]
fn named<T>(question: &str, entry: NameEntry, answer: impl FnOnce(Asked<'_>) -> T) -> Result<T, QuestionError> {
    if entry.wildcard {
        return Err(QuestionError::Wildcard {
            input: excerpt(question),
        });
    }
    Ok(answer(Asked(Resolved::Known(entry.index))))
}

/// [`Question::ask`] for a string no catalog name spells as it stands:
/// hashed once, for the grants held as spelled and then for the patterns.
/// Out of line, so that the string path of a catalog name keeps its
/// registers.
#[inline(never)]
fn unnamed<T>(
    question: &str,
    catalog: &Catalog,
    held: Option<impl FnOnce(&str, u64) -> Option<T>>,
    answer: impl FnOnce(Asked<'_>) -> T,
) -> Result<T, QuestionError> {
    let hash = whole_hash(question);
    let looked = held.is_some();
    if let Some(held) = held.and_then(|held| held(question, hash)) {
        return Ok(held);
    }
    // A plain key no name spells is no label either: one pass says so.
    let spelling = match plain_key(question) {
        Some(key) => key,
        None => match catalog.find_label(question) {
            Some(entry) => return named(question, entry, answer),
            None => resolve_unknown(question)?,
        },
    };
    Ok(answer(Asked(Resolved::Unknown(
        spelling,
        question,
        Hashed { hash, looked },
    ))))
}

impl sealed::Sealed for &String {}

impl Question for &String {
    type Answer<T> = Result<T, QuestionError>;

    #[inline]
    fn ask<T>(
        self,
        catalog: &Catalog,
        held: Option<impl FnOnce(&str, u64) -> Option<T>>,
        answer: impl FnOnce(Asked<'_>) -> T,
    ) -> Result<T, QuestionError> {
        self.as_str().ask(catalog, held, answer)
    }
}

/// No `held` for [`Question::ask`]: every string is validated first (for
/// explanations and who-can, which answer from more than the grants).
#[inline]
pub(crate) fn unheld<T>() -> Option<fn(&str, u64) -> Option<T>> {
    None
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
