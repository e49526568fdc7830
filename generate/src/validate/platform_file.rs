//! The platform catalog file, `catalogs/genesys-cloud-platform.json`: its
//! fields and rows checked, and its SDK releases made into one table.

use std::collections::BTreeSet;

use super::check_id;
use super::rows::KeyName;
use crate::error::{Error, Place, Problem};
use crate::model::{History, SdkRelease, Seen};
use crate::read::{Named, PlatformFile};
use crate::sdk::{self, Releases};
use crate::syntax;

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

/// Checks the platform catalog: its id and SDK version, and each row's
/// key, releases (a current key last seen in the SDK version, a removed
/// one before it) and other spellings.
pub(super) fn check(named: &Named<PlatformFile>) -> Result<Checked, Error> {
    let name = named.file.as_str();
    let file = &named.content;
    check_id(name, &file.id)?;
    let Some(sdk_version) = syntax::sdk_version(&file.sdk_version) else {
        return Err(Error::invalid(
            name,
            Place::Field("sdk_version"),
            Problem::SdkVersion {
                value: file.sdk_version.clone(),
            },
        ));
    };
    let mut seen = BTreeSet::new();
    let mut releases = Releases::default();
    let mut rows = Vec::new();
    for row in &file.permissions {
        let fail = |problem| Err(Error::invalid(name, Place::Permission(row.key.clone()), problem));
        let Some((domain, entity, action)) = syntax::platform_segments(&row.key) else {
            return fail(Problem::PlatformKey);
        };
        if !seen.insert(row.key.to_ascii_lowercase()) {
            return fail(Problem::ListedTwice);
        }
        let (first, last) = sdk::first_and_last(name, &row.key, &row.first, &row.last)?;
        releases.add(name, &row.key, first, &row.first)?;
        releases.add(name, &row.key, last, &row.last)?;
        let lasts = || (row.last.1.clone(), file.sdk_version.clone());
        if row.current && last != sdk_version {
            let (last, latest) = lasts();
            return fail(Problem::CurrentNotInLatest { last, latest });
        }
        if !row.current && last >= sdk_version {
            let (last, latest) = lasts();
            return fail(Problem::RemovedInLatest { last, latest });
        }
        if let Some(also) = &row.also_spelled {
            let mut spellings = BTreeSet::new();
            let others = also
                .iter()
                .all(|k| k.eq_ignore_ascii_case(&row.key) && *k != row.key && spellings.insert(k));
            if also.is_empty() || !others {
                return fail(Problem::AlsoSpelled);
            }
        }
        rows.push((row, KeyName::genesys(domain, entity, action), first, last));
    }
    let seen = |version, text: &str| Seen {
        release: releases.index(version),
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
    Ok(Checked {
        entries,
        releases: releases.table(),
    })
}
