//! SDK releases as the history and the platform catalog write them,
//! `["YYYY-MM-DD", "major.minor.patch"]`: each checked, a key's first and
//! last in order, and all of them one table with one date per version.

use std::collections::BTreeMap;

use crate::error::{Error, Place, Problem};
use crate::model::{SdkRelease, Version};
use crate::read::SeenIn;
use crate::syntax;

/// A key's first and last release, checked and in order.
pub(crate) fn first_and_last(
    file: &str,
    key: &str,
    first: &SeenIn,
    last: &SeenIn,
) -> Result<(Version, Version), Error> {
    let first_version = release(file, key, first)?;
    let last_version = release(file, key, last)?;
    // ISO dates compare as strings.
    if first_version > last_version || first.0 > last.0 {
        return Err(Error::invalid(
            file,
            Place::Permission(key.to_owned()),
            Problem::FirstAfterLast,
        ));
    }
    Ok((first_version, last_version))
}

/// The version of an SDK release, checked with its date.
fn release(file: &str, key: &str, release: &SeenIn) -> Result<Version, Error> {
    let (date, version) = release;
    match syntax::sdk_version(version) {
        Some(v) if syntax::is_date(date) => Ok(v),
        _ => Err(Error::invalid(
            file,
            Place::Permission(key.to_owned()),
            Problem::SdkRelease {
                date: date.clone(),
                version: version.clone(),
            },
        )),
    }
}

/// The releases the keys name, each version with one date.
#[derive(Default)]
pub(crate) struct Releases<'a> {
    dates: BTreeMap<Version, &'a SeenIn>,
}

impl<'a> Releases<'a> {
    /// Adds a release `key` names; `version` is its checked version.
    pub(crate) fn add(&mut self, file: &str, key: &str, version: Version, release: &'a SeenIn) -> Result<(), Error> {
        let first = self.dates.entry(version).or_insert(release);
        if first.0 == release.0 {
            Ok(())
        } else {
            Err(Error::invalid(
                file,
                Place::Permission(key.to_owned()),
                Problem::ReleaseDatedTwice {
                    version: release.1.clone(),
                    date: release.0.clone(),
                    other: first.0.clone(),
                },
            ))
        }
    }

    /// The latest release added, as written.
    pub(crate) fn latest(&self) -> Option<(Version, &'a str)> {
        self.dates.last_key_value().map(|(v, r)| (*v, r.1.as_str()))
    }

    /// A release's index in [`Releases::table`]: the number of older releases.
    pub(crate) fn index(&self, version: Version) -> usize {
        self.dates.range(..version).count()
    }

    /// Every release, oldest first.
    pub(crate) fn table(&self) -> Vec<SdkRelease> {
        self.dates
            .iter()
            .map(|(version, (date, _))| SdkRelease {
                version: *version,
                date: date.clone(),
            })
            .collect()
    }
}
