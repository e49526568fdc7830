//! Reading: the input files parsed into typed structs, each field as
//! written. Only the JSON schema is checked here; what the values mean is
//! the validator's job.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::Error;
use crate::model::{Audience, Evidence, Vocabulary};
use crate::platform;

/// A file's content and the name it was read under.
#[derive(Debug)]
pub(crate) struct Named<T> {
    /// The file name: `ami-r3.json`.
    pub(crate) file: String,
    pub(crate) content: T,
}

/// Everything under `catalogs/`.
#[derive(Debug)]
pub(crate) struct Catalogs {
    /// The folder.
    pub(crate) dir: PathBuf,
    /// The document catalogs, sorted by file name.
    pub(crate) documents: Vec<Named<DocumentFile>>,
    /// [`platform::FILE`], when the folder has it.
    pub(crate) platform: Option<Named<PlatformFile>>,
}

/// One document catalog (`catalogs/README.md` gives the schema).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocumentFile {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) product: String,
    pub(crate) vendor: String,
    pub(crate) platform: String,
    #[serde(deserialize_with = "nullable")]
    pub(crate) published: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub(crate) release: Option<String>,
    pub(crate) source_file: String,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) notes: Vec<String>,
    /// Each license wording the rows use, and the product license it is
    /// today (Altocloud's license is the Predictive Engagement license).
    pub(crate) licenses: BTreeMap<String, String>,
    pub(crate) permissions: Vec<PermissionRow>,
    pub(crate) roles: Vec<RoleRow>,
    pub(crate) gates: Vec<GateRow>,
}

/// One entry of a document's `permissions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PermissionRow {
    pub(crate) key: String,
    #[serde(deserialize_with = "nullable")]
    pub(crate) label: Option<String>,
    pub(crate) evidence: Evidence,
    #[serde(default, deserialize_with = "present")]
    pub(crate) actions: Option<Vec<String>>,
    pub(crate) description: String,
    pub(crate) section: String,
    pub(crate) also_in_sections: Vec<String>,
    pub(crate) audience: Audience,
    #[serde(deserialize_with = "nullable")]
    pub(crate) license: Option<String>,
    pub(crate) release_notes: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub(crate) available_from: Option<String>,
    /// The Platform API operations the row's action is (`"POST
    /// /api/v2/..."`, as the endpoint catalog spells method and path):
    /// absent when the row is not grounded in the API.
    #[serde(default, deserialize_with = "present")]
    pub(crate) calls: Option<Vec<String>>,
    /// Why the row's keys differ from what its calls require, when they do:
    /// then the calls' requirement is what gates take.
    #[serde(default, deserialize_with = "present")]
    pub(crate) calls_differ: Option<String>,
}

/// One entry of a document's `roles`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleRow {
    pub(crate) name: String,
    pub(crate) description: String,
    #[serde(deserialize_with = "nullable")]
    pub(crate) extends: Option<String>,
    pub(crate) permissions: Vec<String>,
}

/// One entry of a document's `gates`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateRow {
    pub(crate) name: String,
    pub(crate) description: String,
    #[serde(deserialize_with = "nullable")]
    pub(crate) extends: Option<String>,
    pub(crate) all: Vec<String>,
    pub(crate) any: Vec<Vec<String>>,
    /// Why holding the set may not be enough (what the document leaves out).
    #[serde(deserialize_with = "nullable")]
    pub(crate) incomplete: Option<String>,
}

/// `[date, version]`, as the history and the platform catalog write an SDK release.
pub(crate) type SeenIn = (String, String);

/// The platform catalog, [`platform::FILE`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlatformFile {
    pub(crate) id: String,
    pub(crate) title: String,
    // Read so that the schema is closed; nothing is made from them.
    #[allow(dead_code)]
    pub(crate) vendor: String,
    #[allow(dead_code)]
    pub(crate) platform: String,
    pub(crate) sdk_version: String,
    #[allow(dead_code)]
    pub(crate) source: String,
    pub(crate) source_files: Vec<String>,
    pub(crate) permissions: Vec<PlatformRow>,
}

/// One entry of the platform catalog's `permissions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlatformRow {
    pub(crate) key: String,
    pub(crate) first: SeenIn,
    pub(crate) last: SeenIn,
    pub(crate) current: bool,
    /// Absent when the history has no other spelling.
    #[serde(default, deserialize_with = "present")]
    pub(crate) also_spelled: Option<Vec<String>>,
}

/// One key of the SDK history, [`platform::HISTORY_FILE`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HistoryRow {
    pub(crate) current: bool,
    pub(crate) first: SeenIn,
    pub(crate) last: SeenIn,
}

/// Reads every `*.json` in `dir`: the platform catalog by its name, every
/// other file as a document catalog.
pub(crate) fn catalogs(dir: &Path) -> Result<Catalogs, Error> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut documents = Vec::new();
    let mut platform = None;
    for path in paths {
        let file = file_name(&path)?;
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        if file == platform::FILE {
            let content = json(&text, &path)?;
            platform = Some(Named { file, content });
        } else {
            let content = json(&text, &path)?;
            documents.push(Named { file, content });
        }
    }
    Ok(Catalogs {
        dir: dir.to_owned(),
        documents,
        platform,
    })
}

/// Reads the SDK permission list: its lines, numbered from 1, as written.
pub(crate) fn sdk_list(text: &str) -> Vec<(usize, &str)> {
    text.lines().enumerate().map(|(i, line)| (i + 1, line)).collect()
}

/// Reads the SDK history, `{key: {current, first, last}}`: its entries in
/// file order, a key given twice kept twice.
pub(crate) fn history(text: &str) -> Result<Vec<(String, HistoryRow)>, Error> {
    json(text, Path::new(platform::HISTORY_FILE)).map(|Entries(entries)| entries)
}

/// A JSON object as its entries in order. Reading it into a map would keep
/// only the last value of a key given twice.
struct Entries<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Visit<V> {
            type Value = Entries<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visit(PhantomData))
    }
}

/// For a field that must be present and may be `null`. Without it serde
/// reads a missing `Option` field as `None`.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::deserialize(deserializer)
}

/// For a field that may be absent (with `#[serde(default)]`) but is not
/// `null` when present.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

fn json<'a, T: Deserialize<'a>>(text: &'a str, path: &Path) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|source| Error::Json {
        path: path.to_owned(),
        source,
    })
}

fn file_name(path: &Path) -> Result<String, Error> {
    match path.file_name().and_then(|name| name.to_str()) {
        Some(name) => Ok(name.to_owned()),
        None => Err(Error::FileName { path: path.to_owned() }),
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}
