//! SDK releases as the history and the platform catalog write them:
//! `["YYYY-MM-DD", "major.minor.patch"]`.

use crate::error::{Error, Place, Problem};
use crate::model::Version;
use crate::read::SeenIn;
use crate::syntax;

/// The version of an SDK release `key` was seen in, checked with its date.
pub(crate) fn release(file: &str, key: &str, release: &SeenIn) -> Result<Version, Error> {
    let (date, version) = release;
    match syntax::release(version) {
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
