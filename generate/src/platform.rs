//! The builtin platform catalog, `catalogs/genesys-cloud-platform.json`:
//! made from the SDK permission list and its release history
//! ([`platform_catalog`]), and read back by the code generator.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::{Error, invalid, is_segment, parse_release};

/// The platform catalog's file name under `catalogs/`.
pub const FILE: &str = "genesys-cloud-platform.json";

/// The data files the platform catalog is made from, under `../shared/data/`.
pub const SDK_FILE: &str = "genesys-cloud/permissions-sdk-v259.txt";
/// See [`SDK_FILE`].
pub const HISTORY_FILE: &str = "genesys-cloud/permissions-history.json";

/// The platform catalog as checked in.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlatformFile {
    pub(crate) id: String,
    pub(crate) title: String,
    // Read for the schema's sake (`deny_unknown_fields`); the code does not need them.
    #[allow(dead_code)]
    vendor: String,
    #[allow(dead_code)]
    platform: String,
    pub(crate) sdk_version: String,
    #[allow(dead_code)]
    source: String,
    pub(crate) source_files: Vec<String>,
    pub(crate) permissions: Vec<PlatformRow>,
}

/// One key: `first` and `last` are `[date, version]` as in the history file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlatformRow {
    pub(crate) key: String,
    pub(crate) first: (String, String),
    pub(crate) last: (String, String),
    pub(crate) current: bool,
    #[serde(default)]
    pub(crate) also_spelled: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryRow {
    current: bool,
    first: (String, String),
    last: (String, String),
}

/// A release's version and its `[date, version]` as the history spells it.
type Seen<'a> = ((u16, u16, u16), &'a (String, String));

fn check_key(file: &str, key: &str) -> Result<(), Error> {
    let parts: Vec<&str> = key.split(':').collect();
    if parts.len() == 3 && parts.iter().all(|p| is_segment(p)) {
        Ok(())
    } else {
        Err(invalid(
            file,
            format!("permission `{key}`"),
            "a key must be `domain:entity:action` of ASCII letters and digits",
        ))
    }
}

fn version(file: &str, key: &str, release: &(String, String)) -> Result<(u16, u16, u16), Error> {
    let (date, version) = release;
    let date_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match parse_release(version) {
        Some(v) if date_ok => Ok(v),
        _ => Err(invalid(
            file,
            format!("permission `{key}`"),
            format!("`[{date:?}, {version:?}]` is not `[\"YYYY-MM-DD\", \"major.minor.patch\"]`"),
        )),
    }
}

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
    let history: BTreeMap<String, HistoryRow> = serde_json::from_str(history).map_err(|source| Error::Json {
        path: HISTORY_FILE.into(),
        source,
    })?;
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    for key in sdk.lines().map(str::trim).filter(|l| !l.is_empty()) {
        check_key(SDK_FILE, key)?;
        if current.insert(key.to_ascii_lowercase(), key.to_owned()).is_some() {
            return Err(invalid(SDK_FILE, format!("permission `{key}`"), "listed twice"));
        }
    }
    let mut groups: BTreeMap<String, Vec<(&String, &HistoryRow)>> = BTreeMap::new();
    for (key, row) in &history {
        check_key(HISTORY_FILE, key)?;
        version(HISTORY_FILE, key, &row.first)?;
        version(HISTORY_FILE, key, &row.last)?;
        if row.current && !current.contains_key(&key.to_ascii_lowercase()) {
            return Err(invalid(
                HISTORY_FILE,
                format!("permission `{key}`"),
                "marked current but not in the SDK list",
            ));
        }
        groups.entry(key.to_ascii_lowercase()).or_default().push((key, row));
    }
    if let Some(key) = current
        .iter()
        .find(|(lower, _)| !groups.contains_key(*lower))
        .map(|(_, k)| k)
    {
        return Err(invalid(
            SDK_FILE,
            format!("permission `{key}`"),
            "missing from the history",
        ));
    }
    let mut sdk_version = (0, 0, 0);
    let mut entries = String::new();
    for (lower, rows) in &groups {
        let mut first: Option<Seen<'_>> = None;
        let mut last: Option<Seen<'_>> = None;
        for (key, row) in rows {
            let f = version(HISTORY_FILE, key, &row.first)?;
            let l = version(HISTORY_FILE, key, &row.last)?;
            if first.is_none_or(|(v, _)| f < v) {
                first = Some((f, &row.first));
            }
            if last.is_none_or(|(v, _)| l > v) {
                last = Some((l, &row.last));
            }
        }
        let (Some((_, first)), Some((last_version, last))) = (first, last) else {
            continue;
        };
        let key = match current.get(lower) {
            Some(key) => {
                sdk_version = sdk_version.max(last_version);
                key.clone()
            }
            None => rows
                .iter()
                .max_by(|a, b| {
                    let va = parse_release(&a.1.last.1);
                    let vb = parse_release(&b.1.last.1);
                    va.cmp(&vb).then_with(|| b.0.cmp(a.0))
                })
                .map(|(k, _)| (*k).clone())
                .unwrap_or_default(),
        };
        let also: Vec<String> = rows
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| **k != key)
            .map(|k| format!("{k:?}"))
            .collect();
        let also = if also.is_empty() {
            String::new()
        } else {
            format!(", \"also_spelled\": [{}]", also.join(", "))
        };
        let _ = writeln!(
            entries,
            "    {{\"key\": {key:?}, \"first\": [{:?}, {:?}], \"last\": [{:?}, {:?}], \"current\": {}{also}}},",
            first.0,
            first.1,
            last.0,
            last.1,
            current.contains_key(lower),
        );
    }
    let entries = entries.trim_end().trim_end_matches(',');
    let (major, minor, patch) = sdk_version;
    let removed = groups.len() - current.len();
    let source = format!(
        "Generated by permgate-generate from ../shared/data/{SDK_FILE} (every permission string the Genesys Cloud Platform API documents as required by an endpoint, JavaScript SDK docs v{major}.{minor}.{patch}) and ../shared/data/{HISTORY_FILE} (the strings seen in the SDK docs across releases; public facts). {} keys are current and {removed} were removed or renamed: a removed key keeps the history's spelling. History spellings that differ only in ASCII case are one key, listed in also_spelled; first and last are [date, version] of the earliest and latest SDK release any spelling was seen in.",
        current.len()
    );
    Ok(format!(
        "{{\n  \"id\": \"genesys-cloud-platform\",\n  \"title\": \"Genesys Cloud Platform API permissions\",\n  \"vendor\": \"Genesys\",\n  \"platform\": \"Genesys Cloud\",\n  \"sdk_version\": \"{major}.{minor}.{patch}\",\n  \"source\": {source:?},\n  \"source_files\": [{:?}, {:?}],\n  \"permissions\": [\n{entries}\n  ]\n}}\n",
        SDK_FILE.rsplit('/').next().unwrap_or(SDK_FILE),
        HISTORY_FILE.rsplit('/').next().unwrap_or(HISTORY_FILE),
    ))
}

/// Reads the checked-in platform catalog and checks every entry.
pub(crate) fn read(text: &str, path: &std::path::Path) -> Result<PlatformFile, Error> {
    let file: PlatformFile = serde_json::from_str(text).map_err(|source| Error::Json {
        path: path.to_owned(),
        source,
    })?;
    if file.id != FILE.trim_end_matches(".json") {
        return Err(invalid(
            FILE,
            "`id`",
            format!("`{}` does not match the file name", file.id),
        ));
    }
    parse_release(&file.sdk_version)
        .ok_or_else(|| invalid(FILE, "`sdk_version`", format!("invalid release `{}`", file.sdk_version)))?;
    let mut seen = std::collections::BTreeSet::new();
    for row in &file.permissions {
        check_key(FILE, &row.key)?;
        let first = version(FILE, &row.key, &row.first)?;
        let last = version(FILE, &row.key, &row.last)?;
        if first > last {
            return Err(invalid(
                FILE,
                format!("permission `{}`", row.key),
                "`first` is after `last`",
            ));
        }
        if !seen.insert(row.key.to_ascii_lowercase()) {
            return Err(invalid(FILE, format!("permission `{}`", row.key), "listed twice"));
        }
        if row
            .also_spelled
            .iter()
            .any(|k| !k.eq_ignore_ascii_case(&row.key) || *k == row.key)
        {
            return Err(invalid(
                FILE,
                format!("permission `{}`", row.key),
                "`also_spelled` holds only other ASCII-case spellings of the key",
            ));
        }
    }
    Ok(file)
}
