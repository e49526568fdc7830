//! The builtin platform catalog, `catalogs/genesys-cloud-platform.json`:
//! made from the SDK permission list and its release history
//! ([`platform_catalog`]); the generator reads it back with the document
//! catalogs.

use std::collections::BTreeMap;

use crate::error::{Error, Place, Problem};
use crate::model::Version;
use crate::read::{self, HistoryRow, SeenIn};
use crate::{sdk, syntax};

/// The platform catalog's file name under `catalogs/`.
pub const FILE: &str = "genesys-cloud-platform.json";

/// The data files the platform catalog is made from, under `../shared/data/`.
pub const SDK_FILE: &str = "genesys-cloud/permissions-sdk-v259.txt";
/// See [`SDK_FILE`].
pub const HISTORY_FILE: &str = "genesys-cloud/permissions-history.json";

/// Makes the text of `catalogs/genesys-cloud-platform.json` from the SDK
/// permission list (one key a line) and the history
/// (`{key: {current, first: [date, version], last: [date, version]}}`).
///
/// Keys are grouped ASCII-case-insensitively: a group takes the SDK's
/// spelling when the SDK lists it, else the history's (the latest seen, then
/// the smallest string); other spellings go to `also_spelled`. `first` is the
/// earliest release of any spelling, `last` the latest; `current` is whether
/// the SDK lists the key. Output is sorted by lowercase key, one entry a line.
///
/// # Errors
///
/// A malformed key or release, an SDK key listed twice or missing from the
/// history, or a history key marked current that the SDK does not list.
pub fn platform_catalog(sdk: &str, history: &str) -> Result<String, Error> {
    let history = read::history(history)?;
    let current = sdk_keys(sdk)?;
    let groups = groups(&history, &current)?;
    Ok(catalog_json(&groups, current.len()))
}

/// The SDK list's keys by lowercase key.
fn sdk_keys(sdk: &str) -> Result<BTreeMap<String, String>, Error> {
    let mut current = BTreeMap::new();
    for key in sdk.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let at = || Place::Permission(key.to_owned());
        if syntax::platform_segments(key).is_none() {
            return Err(Error::invalid(SDK_FILE, at(), Problem::PlatformKey));
        }
        if current.insert(key.to_ascii_lowercase(), key.to_owned()).is_some() {
            return Err(Error::invalid(SDK_FILE, at(), Problem::ListedTwice));
        }
    }
    Ok(current)
}

/// The spellings of one key across the history.
struct Group<'a> {
    /// The spelling the catalog gives.
    key: &'a str,
    /// Every spelling, sorted.
    spellings: Vec<&'a str>,
    first: (Version, &'a SeenIn),
    last: (Version, &'a SeenIn),
    current: bool,
}

/// Checks the history against the SDK list and groups its keys by
/// lowercase key.
fn groups<'a>(
    history: &'a BTreeMap<String, HistoryRow>,
    current: &'a BTreeMap<String, String>,
) -> Result<BTreeMap<String, Group<'a>>, Error> {
    let mut groups: BTreeMap<String, Group<'a>> = BTreeMap::new();
    for (key, row) in history {
        let at = || Place::Permission(key.clone());
        if syntax::platform_segments(key).is_none() {
            return Err(Error::invalid(HISTORY_FILE, at(), Problem::PlatformKey));
        }
        let first = sdk::release(HISTORY_FILE, key, &row.first)?;
        let last = sdk::release(HISTORY_FILE, key, &row.last)?;
        let lower = key.to_ascii_lowercase();
        let listed = current.get(&lower);
        if row.current && listed.is_none() {
            return Err(Error::invalid(HISTORY_FILE, at(), Problem::CurrentNotInSdk));
        }
        match groups.get_mut(&lower) {
            Some(group) => {
                group.spellings.push(key);
                if first < group.first.0 {
                    group.first = (first, &row.first);
                }
                if last > group.last.0 {
                    group.last = (last, &row.last);
                    if listed.is_none() {
                        group.key = key;
                    }
                }
            }
            None => {
                let group = Group {
                    key: listed.map_or(key.as_str(), String::as_str),
                    spellings: vec![key],
                    first: (first, &row.first),
                    last: (last, &row.last),
                    current: listed.is_some(),
                };
                groups.insert(lower, group);
            }
        }
    }
    if let Some(key) = current
        .iter()
        .find(|(lower, _)| !groups.contains_key(*lower))
        .map(|(_, k)| k)
    {
        return Err(Error::invalid(
            SDK_FILE,
            Place::Permission(key.clone()),
            Problem::MissingFromHistory,
        ));
    }
    Ok(groups)
}

/// The catalog's text: one entry a line, sorted by lowercase key.
fn catalog_json(groups: &BTreeMap<String, Group<'_>>, current: usize) -> String {
    let mut sdk_version = Version {
        major: 0,
        minor: 0,
        patch: 0,
    };
    let mut entries = Vec::new();
    for group in groups.values() {
        if group.current {
            sdk_version = sdk_version.max(group.last.0);
        }
        let also: Vec<String> = group
            .spellings
            .iter()
            .filter(|k| **k != group.key)
            .map(|k| format!("{k:?}"))
            .collect();
        let also = if also.is_empty() {
            String::new()
        } else {
            format!(", \"also_spelled\": [{}]", also.join(", "))
        };
        let (first, last) = (group.first.1, group.last.1);
        entries.push(format!(
            "    {{\"key\": {:?}, \"first\": [{:?}, {:?}], \"last\": [{:?}, {:?}], \"current\": {}{also}}}",
            group.key, first.0, first.1, last.0, last.1, group.current,
        ));
    }
    let Version { major, minor, patch } = sdk_version;
    let removed = groups.len() - current;
    let source = format!(
        "Generated by permgate-generate from ../shared/data/{SDK_FILE} (every permission string the Genesys Cloud Platform API documents as required by an endpoint, JavaScript SDK docs v{major}.{minor}.{patch}) and ../shared/data/{HISTORY_FILE} (the strings seen in the SDK docs across releases; public facts). {current} keys are current and {removed} were removed or renamed: a removed key keeps the history's spelling. History spellings that differ only in ASCII case are one key, listed in also_spelled; first and last are [date, version] of the earliest and latest SDK release any spelling was seen in."
    );
    format!(
        "{{\n  \"id\": \"genesys-cloud-platform\",\n  \"title\": \"Genesys Cloud Platform API permissions\",\n  \"vendor\": \"Genesys\",\n  \"platform\": \"Genesys Cloud\",\n  \"sdk_version\": \"{major}.{minor}.{patch}\",\n  \"source\": {source:?},\n  \"source_files\": [{:?}, {:?}],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        file_name(SDK_FILE),
        file_name(HISTORY_FILE),
        entries.join(",\n"),
    )
}

/// `genesys-cloud/permissions-sdk-v259.txt` is `permissions-sdk-v259.txt`.
fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}
