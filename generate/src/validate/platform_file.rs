//! The platform catalog file, `catalogs/genesys-cloud-platform.json`: its
//! fields and rows checked, and its SDK releases made into one table.

use std::collections::{BTreeMap, BTreeSet};

use super::check_id;
use super::rows::KeyName;
use crate::error::{Error, Place, Problem};
use crate::model::{History, SdkRelease, Seen, Version};
use crate::read::{Named, PlatformFile, SeenIn};
use crate::{sdk, syntax};

/// The platform catalog, checked.
pub(super) struct Checked {
    pub(super) entries: Vec<PlatformEntry>,
    /// The SDK releases the entries name, oldest first.
    pub(super) releases: Vec<SdkRelease>,
}

/// One platform key and its history.
pub(super) struct PlatformEntry {
    pub(super) name: KeyName,
    pub(super) history: History,
}

/// Checks the platform catalog: id, SDK version, and each row's key,
/// releases and other spellings.
pub(super) fn check(named: &Named<PlatformFile>) -> Result<Checked, Error> {
    let name = named.file.as_str();
    let file = &named.content;
    check_id(name, &file.id)?;
    if syntax::release(&file.sdk_version).is_none() {
        return Err(Error::invalid(
            name,
            Place::Field("sdk_version"),
            Problem::Release {
                value: file.sdk_version.clone(),
            },
        ));
    }
    let mut seen = BTreeSet::new();
    let mut releases: BTreeMap<Version, &SeenIn> = BTreeMap::new();
    let mut rows = Vec::new();
    for row in &file.permissions {
        let fail = |problem| Err(Error::invalid(name, Place::Permission(row.key.clone()), problem));
        let Some((domain, entity, action)) = syntax::platform_segments(&row.key) else {
            return fail(Problem::PlatformKey);
        };
        let first = sdk::release(name, &row.key, &row.first)?;
        let last = sdk::release(name, &row.key, &row.last)?;
        if first > last {
            return fail(Problem::FirstAfterLast);
        }
        if !seen.insert(row.key.to_ascii_lowercase()) {
            return fail(Problem::ListedTwice);
        }
        if row
            .also_spelled
            .iter()
            .any(|k| !k.eq_ignore_ascii_case(&row.key) || *k == row.key)
        {
            return fail(Problem::AlsoSpelled);
        }
        releases.insert(first, &row.first);
        releases.insert(last, &row.last);
        rows.push((row, KeyName::genesys(domain, entity, action), first, last));
    }
    // A release's index in the table is the number of older releases.
    let seen = |version: Version, text: &str| Seen {
        release: releases.range(..version).count(),
        version_text: text.to_owned(),
    };
    let entries = rows
        .into_iter()
        .map(|(row, name, first, last)| PlatformEntry {
            name,
            history: History {
                first: seen(first, &row.first.1),
                last: seen(last, &row.last.1),
                current: row.current,
            },
        })
        .collect();
    let releases = releases
        .into_iter()
        .map(|(version, (date, _))| SdkRelease {
            version,
            date: date.clone(),
        })
        .collect();
    Ok(Checked { entries, releases })
}
