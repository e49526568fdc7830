//! The builtin platform catalog, `catalogs/genesys-cloud-platform.json`:
//! made from the SDK permission list and its release history
//! ([`platform_catalog`]); the generator reads it back with the document
//! catalogs.

use std::collections::BTreeMap;

use crate::error::{Error, Place, Problem};
use crate::model::Version;
use crate::read::{self, HistoryRow, SeenIn};
use crate::sdk::{self, Releases};
use crate::syntax;

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
/// Any line of the SDK list that is not one key, a key listed twice, a
/// malformed key or release, a key first seen after it was last seen, one
/// release with two dates, a history key marked current that the SDK does
/// not list in that spelling (or marked removed that it does), a current
/// key not last seen in the latest release (or a removed one that was), an
/// SDK key missing from the history.
pub fn platform_catalog(sdk: &str, history: &str) -> Result<String, Error> {
    let history = read::history(history)?;
    let current = sdk_keys(&read::sdk_list(sdk))?;
    let (groups, sdk_version) = groups(&history, &current, None)?;
    let from = Sources {
        list: &sdk_source(),
        list_file: SDK_FILE,
        note: "",
    };
    Ok(catalog_json(&groups, current.len(), sdk_version, &from))
}

/// Makes the text of `catalogs/genesys-cloud-platform.json` from the SDK's
/// endpoint data ([`ENDPOINTS_FILE`](crate::endpoints::ENDPOINTS_FILE)):
/// the current platform list is every permission key an operation
/// requires (the non-permission entries left out), and the history
/// (`{key: {current, first: [date, version], last: [date, version]}}`)
/// gives their releases as in [`platform_catalog`].
///
/// A current key the history does not know (the five `chat:1on1*` keys,
/// whose entity begins with a digit) is given the endpoint data's own
/// release as both first and last: the release it is known from, never an
/// earlier guess.
///
/// # Errors
///
/// As [`platform_catalog`] and
/// [`endpoints_catalog`](crate::endpoints::endpoints_catalog); and the
/// endpoint data's SDK version not being a release the history dates.
pub fn platform_catalog_from_endpoints(endpoints: &str, history: &str) -> Result<String, Error> {
    let (keys, version) = crate::endpoints::permission_keys(endpoints)?;
    let history = read::history(history)?;
    let list: Vec<(usize, &str)> = keys.iter().enumerate().map(|(i, k)| (i + 1, k.as_str())).collect();
    let current = sdk_keys(&list)?;
    let date = history
        .iter()
        .flat_map(|(_, row)| [&row.first, &row.last])
        .find(|seen| seen.1 == version)
        .map(|seen| seen.0.clone())
        .ok_or_else(|| {
            Error::invalid(
                crate::endpoints::ENDPOINTS_FILE,
                Place::Field("source"),
                Problem::UnknownSdkVersion {
                    version: version.clone(),
                },
            )
        })?;
    let known: SeenIn = (date, version);
    let (groups, sdk_version) = groups(&history, &current, Some(&known))?;
    let source = format!(
        "../shared/data/{} (every permission key the Genesys Cloud Platform API operations require, JavaScript SDK docs v{}; its non-permission entries left out)",
        crate::endpoints::ENDPOINTS_FILE,
        known.1
    );
    let unknown = groups.values().filter(|g| g.spellings.is_empty()).count();
    let note = format!(
        " {unknown} current keys the history does not know are given the endpoint data's release, SDK {} ({}), as first and last.",
        known.1, known.0
    );
    let from = Sources {
        list: &source,
        list_file: crate::endpoints::ENDPOINTS_FILE,
        note: &note,
    };
    Ok(catalog_json(&groups, current.len(), sdk_version, &from))
}

/// What the catalog's `source` and `source_files` name.
struct Sources<'a> {
    /// The current list, as `source` describes it (`{version}` is the SDK's).
    list: &'a str,
    /// The current list's file under `../shared/data/`.
    list_file: &'a str,
    /// A sentence added to `source`, or nothing.
    note: &'a str,
}

/// How [`platform_catalog`] names the SDK list in `source`.
fn sdk_source() -> String {
    format!(
        "../shared/data/{SDK_FILE} (every permission string the Genesys Cloud Platform API documents as required by an endpoint, JavaScript SDK docs v{{version}})"
    )
}

/// The SDK list's keys by lowercase key: one key a line, each once.
fn sdk_keys<'a>(lines: &[(usize, &'a str)]) -> Result<BTreeMap<String, &'a str>, Error> {
    let mut current = BTreeMap::new();
    for &(line, key) in lines {
        if key.is_empty() || key.trim() != key {
            return Err(Error::invalid(SDK_FILE, Place::Line(line), Problem::SdkLine));
        }
        let at = || Place::Permission(key.to_owned());
        if syntax::platform_segments(key).is_none() {
            return Err(Error::invalid(SDK_FILE, at(), Problem::PlatformKey));
        }
        if current.insert(key.to_ascii_lowercase(), key).is_some() {
            return Err(Error::invalid(SDK_FILE, at(), Problem::ListedTwice));
        }
    }
    if current.is_empty() {
        return Err(Error::invalid(SDK_FILE, Place::File, Problem::EmptySdkList));
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
/// lowercase key; returns the groups and the latest SDK release.
///
/// Each history key is given once, with releases in order and one date per
/// release; it is marked current exactly when the SDK lists it in this
/// spelling, and then it was last seen in the latest release (a removed key
/// before it). Every SDK key is in the history.
fn groups<'a>(
    history: &'a [(String, HistoryRow)],
    current: &BTreeMap<String, &'a str>,
    unknown: Option<&'a SeenIn>,
) -> Result<(BTreeMap<String, Group<'a>>, Version), Error> {
    let mut rows: BTreeMap<&str, &HistoryRow> = BTreeMap::new();
    for (key, row) in history {
        if rows.insert(key, row).is_some() {
            return Err(Error::invalid(
                HISTORY_FILE,
                Place::Permission(key.clone()),
                Problem::ListedTwice,
            ));
        }
    }
    if let (Some(key), None) = (current.values().find(|key| !rows.contains_key(*key)), unknown) {
        return Err(Error::invalid(
            SDK_FILE,
            Place::Permission((*key).to_owned()),
            Problem::MissingFromHistory,
        ));
    }
    let mut releases = Releases::default();
    let mut lasts = Vec::new();
    let mut groups: BTreeMap<String, Group<'a>> = BTreeMap::new();
    for (&key, &row) in &rows {
        let fail = |problem| Err(Error::invalid(HISTORY_FILE, Place::Permission(key.to_owned()), problem));
        if syntax::platform_segments(key).is_none() {
            return fail(Problem::PlatformKey);
        }
        let (first, last) = sdk::first_and_last(HISTORY_FILE, key, &row.first, &row.last)?;
        releases.add(HISTORY_FILE, key, first, &row.first)?;
        releases.add(HISTORY_FILE, key, last, &row.last)?;
        let lower = key.to_ascii_lowercase();
        let listed = current.get(&lower).copied();
        match (row.current, listed == Some(key)) {
            (true, false) => return fail(Problem::CurrentNotInSdk),
            (false, true) => return fail(Problem::RemovedButInSdk),
            (true, true) | (false, false) => {}
        }
        lasts.push((key, row, last));
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
                    key: listed.unwrap_or(key),
                    spellings: vec![key],
                    first: (first, &row.first),
                    last: (last, &row.last),
                    current: listed.is_some(),
                };
                groups.insert(lower, group);
            }
        }
    }
    if let Some(seen) = unknown {
        let version = sdk::first_and_last(HISTORY_FILE, &seen.1, seen, seen)?.0;
        releases.add(HISTORY_FILE, &seen.1, version, seen)?;
        for (lower, key) in current {
            if !rows.contains_key(*key) && !groups.contains_key(lower) {
                let group = Group {
                    key,
                    spellings: Vec::new(),
                    first: (version, seen),
                    last: (version, seen),
                    current: true,
                };
                groups.insert(lower.clone(), group);
            }
        }
    }
    // Not `None`: the SDK list is not empty and the history has its keys.
    let (latest, latest_text) = releases
        .latest()
        .ok_or_else(|| Error::invalid(SDK_FILE, Place::File, Problem::EmptySdkList))?;
    for (key, row, last) in lasts {
        let fail = |problem| Err(Error::invalid(HISTORY_FILE, Place::Permission(key.to_owned()), problem));
        let versions = || (row.last.1.clone(), latest_text.to_owned());
        if row.current && last != latest {
            let (last, latest) = versions();
            return fail(Problem::CurrentNotInLatest { last, latest });
        }
        if !row.current && last == latest {
            let (last, latest) = versions();
            return fail(Problem::RemovedInLatest { last, latest });
        }
    }
    Ok((groups, latest))
}

/// The catalog's text: one entry a line, sorted by lowercase key.
fn catalog_json(
    groups: &BTreeMap<String, Group<'_>>,
    current: usize,
    sdk_version: Version,
    from: &Sources<'_>,
) -> String {
    let mut entries = Vec::new();
    for group in groups.values() {
        let also: Vec<String> = group
            .spellings
            .iter()
            .filter(|k| **k != group.key)
            .filter(|_| !group.spellings.is_empty())
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
    let note = from.note;
    let list_file = from.list_file;
    let from = from.list.replace("{version}", &format!("{major}.{minor}.{patch}"));
    let source = format!(
        "Generated by permgate-generate from {from} and ../shared/data/{HISTORY_FILE} (the strings seen in the SDK docs across releases; public facts). {current} keys are current and {removed} were removed or renamed: a removed key keeps the history's spelling. History spellings that differ only in ASCII case are one key, listed in also_spelled; first and last are [date, version] of the earliest and latest SDK release any spelling was seen in.{note}"
    );
    format!(
        "{{\n  \"id\": \"genesys-cloud-platform\",\n  \"title\": \"Genesys Cloud Platform API permissions\",\n  \"vendor\": \"Genesys\",\n  \"platform\": \"Genesys Cloud\",\n  \"sdk_version\": \"{major}.{minor}.{patch}\",\n  \"source\": {source:?},\n  \"source_files\": [{:?}, {:?}],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        file_name(list_file),
        file_name(HISTORY_FILE),
        entries.join(",\n"),
    )
}

/// `genesys-cloud/permissions-sdk-v259.txt` is `permissions-sdk-v259.txt`.
fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}
