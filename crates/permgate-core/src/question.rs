//! What a question asks ([`Question`]: a typed permission or a string),
//! resolved against a catalog.

use crate::catalog::Catalog;
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

    /// Inlined whole into the caller, lookup and all (the cold paths are
    /// calls): the string path of `allows` keeps its registers.
    #[inline(always)]
    fn ask<T>(self, catalog: &Catalog, answer: impl FnOnce(Asked<'_>) -> T) -> Result<T, QuestionError> {
        if self.len() > MAX_PERMISSION_LEN {
            return Err(ParseError::TooLong {
                length: self.len(),
                max: MAX_PERMISSION_LEN,
            }
            .into());
        }
        let entry = match catalog.find_exact(self) {
            Some(entry) => entry,
            // A plain key no name spells is no label either: one pass says so.
            None => match plain_key(self) {
                Some(key) => return Ok(answer(Asked(Resolved::Unknown(key, self)))),
                None => match catalog.find_label(self) {
                    Some(entry) => entry,
                    None => {
                        return resolve_unknown(self).map(|spelling| answer(Asked(Resolved::Unknown(spelling, self))));
                    }
                },
            },
        };
        if entry.wildcard {
            return Err(QuestionError::Wildcard { input: excerpt(self) });
        }
        Ok(answer(Asked(Resolved::Known(entry.index))))
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
