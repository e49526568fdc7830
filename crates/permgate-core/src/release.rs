//! Product releases, for requirements that start at a release.

use core::fmt;
use core::str::FromStr;

use crate::text::Escaped;

/// A product release such as AMI `R3.15` (`major.minor`, optional `.patch`).
///
/// Releases order numerically: `3.9 < 3.15 < 3.16`.
///
/// ```
/// use permgate::Release;
///
/// let r315: Release = "R3.15".parse()?;
/// assert_eq!(r315, Release::new(3, 15));
/// assert!(r315 < "3.16".parse()?);
/// assert_eq!(r315.to_string(), "3.15");
/// # Ok::<(), permgate::release::ReleaseParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    major: u16,
    minor: u16,
    patch: u16,
}

impl Release {
    /// The release `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor, patch: 0 }
    }

    /// The release `major.minor.patch`.
    pub const fn with_patch(major: u16, minor: u16, patch: u16) -> Self {
        Self { major, minor, patch }
    }

    /// The major number.
    pub const fn major(self) -> u16 {
        self.major
    }

    /// The minor number.
    pub const fn minor(self) -> u16 {
        self.minor
    }

    /// The patch number (0 when not given).
    pub const fn patch(self) -> u16 {
        self.patch
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// The error of parsing a [`Release`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid release `{}`: expected `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`, optionally after `R`",
    Escaped(input)
)]
pub struct ReleaseParseError {
    input: String,
}

impl FromStr for Release {
    type Err = ReleaseParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = || ReleaseParseError {
            input: input.chars().take(64).collect(),
        };
        let trimmed = input.trim();
        let digits = trimmed.strip_prefix(['R', 'r']).unwrap_or(trimmed);
        let mut numbers = digits.split('.').map(|part| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse::<u16>().ok()
        });
        let major = numbers.next().flatten().ok_or_else(error)?;
        let minor = numbers.next().flatten().ok_or_else(error)?;
        let patch = match numbers.next() {
            None => 0,
            Some(patch) => patch.ok_or_else(error)?,
        };
        if numbers.next().is_some() {
            return Err(error());
        }
        Ok(Self { major, minor, patch })
    }
}

/// A release of the Genesys Cloud Platform API SDK (JavaScript SDK docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkRelease {
    version: Release,
    date: &'static str,
}

/// The SDK version in full, `major.minor.patch`: `179.0.0`.
impl core::fmt::Display for SdkRelease {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let version = self.version;
        write!(f, "{}.{}.{}", version.major(), version.minor(), version.patch())
    }
}

impl SdkRelease {
    pub(crate) const fn new(version: Release, date: &'static str) -> Self {
        Self { version, date }
    }

    /// The SDK version: `259.0.0`.
    pub const fn version(self) -> Release {
        self.version
    }

    /// The release date, `YYYY-MM-DD`.
    pub const fn date(self) -> &'static str {
        self.date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_documents_use() {
        assert_eq!("3.15".parse(), Ok(Release::new(3, 15)));
        assert_eq!("R3.16".parse(), Ok(Release::new(3, 16)));
        assert_eq!(" r3.14.2 ".parse(), Ok(Release::with_patch(3, 14, 2)));
    }

    #[test]
    fn rejects_malformed_releases() {
        for bad in [
            "", "3", "R", "3.", ".3", "3.x", "3.15.1.1", "3.-1", "+3.1", "99999.1", "3 .1",
        ] {
            assert!(bad.parse::<Release>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn orders_numerically_not_lexically() {
        assert!(Release::new(3, 9) < Release::new(3, 15));
        assert!(Release::new(3, 15) < Release::with_patch(3, 15, 1));
        assert!(Release::with_patch(3, 15, 9) < Release::new(3, 16));
        assert_eq!(Release::with_patch(3, 15, 2).to_string(), "3.15.2");
    }
}
