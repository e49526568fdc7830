//! Turns permgate's `catalogs/*.json` into `src/generated.rs`.
//!
//! The generator validates everything first (schema, key syntax, duplicates,
//! one key under two labels or spellings, one label for two keys, unknown
//! references) and fails with an error that names the file and the entry.
//! Output is deterministic: documents sorted by id, permissions (those a
//! document lists first) by
//! vocabulary then lowercase key.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod platform;

use platform::{PlatformFile, PlatformRow};

/// Why the catalogs could not be turned into code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A catalog file could not be listed or read.
    #[error("cannot read `{path}`")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A catalog file is not valid JSON of the catalog schema.
    #[error("`{path}`: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A catalog entry is invalid or conflicts with another.
    #[error("`{file}`, {entry}: {problem}")]
    Invalid {
        /// The file name.
        file: String,
        /// The entry: `permission \`journey:segment:*\``, `gate \`AmiStandardUser\``.
        entry: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    id: String,
    title: String,
    product: String,
    vendor: String,
    platform: String,
    published: Option<String>,
    release: Option<String>,
    source_file: String,
    vocabulary: Vocabulary,
    notes: Vec<String>,
    /// Each license wording the rows use, and the product license it is
    /// today (Altocloud's license is the Predictive Engagement license).
    licenses: BTreeMap<String, String>,
    permissions: Vec<Row>,
    roles: Vec<RoleRow>,
    gates: Vec<GateRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Vocabulary {
    Genesys,
    Cxengage,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    key: String,
    label: Option<String>,
    evidence: Evidence,
    actions: Option<Vec<String>>,
    description: String,
    section: String,
    also_in_sections: Vec<String>,
    audience: Audience,
    license: Option<String>,
    release_notes: Vec<String>,
    available_from: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Evidence {
    Verified,
    Pattern,
    Unverified,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Audience {
    Admin,
    Agent,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleRow {
    name: String,
    description: String,
    extends: Option<String>,
    permissions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateRow {
    name: String,
    description: String,
    extends: Option<String>,
    all: Vec<String>,
    any: Vec<Vec<String>>,
    /// Why holding the set may not be enough (what the document leaves out).
    incomplete: Option<String>,
}

/// Reads every `*.json` in `dir` and returns the text of `generated.rs`.
///
/// # Errors
///
/// The first problem found, naming the file and the entry.
pub fn generate(dir: &Path) -> Result<String, Error> {
    let (files, platform) = read_catalogs(dir)?;
    let mut model = Model::build(&files, platform.as_ref())?;
    if let Some(platform) = &platform {
        model.add_platform(platform)?;
    }
    Ok(model.emit(&files, platform.as_ref()))
}

type Catalogs = (Vec<(String, CatalogFile)>, Option<PlatformFile>);

fn read_catalogs(dir: &Path) -> Result<Catalogs, Error> {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_owned(),
            source,
        }
    }
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut files = Vec::new();
    let mut platform = None;
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        if path.file_name().is_some_and(|n| n == platform::FILE) {
            platform = Some(platform::read(&text, &path)?);
            continue;
        }
        let file: CatalogFile = serde_json::from_str(&text).map_err(|source| Error::Json {
            path: path.clone(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, file));
    }
    Ok((files, platform))
}

/// One permission of the generated catalog, with one source per document.
struct Entry {
    key: String,
    label: Option<String>,
    vocabulary: Vocabulary,
    /// (document index, row, key of the wildcard row that implies it).
    sources: Vec<(usize, Row, Option<String>)>,
    /// The platform catalog's row, when the SDK documents the key.
    history: Option<PlatformRow>,
}

struct Model {
    entries: Vec<Entry>,
    /// Lowercase key to index in `entries`.
    index: BTreeMap<String, usize>,
    /// Wildcard rows with known actions: (key, label).
    wildcard_rows: BTreeMap<String, String>,
}

pub(crate) fn invalid(file: &str, entry: impl Into<String>, problem: impl Into<String>) -> Error {
    Error::Invalid {
        file: file.to_owned(),
        entry: entry.into(),
        problem: problem.into(),
    }
}

pub(crate) fn is_segment(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_flat_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a row's key and label; returns whether the key is a wildcard.
fn check_row(file: &str, vocabulary: Vocabulary, row: &Row) -> Result<bool, Error> {
    let entry = format!("permission `{}`", row.key);
    let fail = |problem: &str| Err(invalid(file, entry.as_str(), problem));
    match vocabulary {
        Vocabulary::Cxengage => {
            if !is_flat_name(&row.key) {
                return fail("a CxEngage name must match `[A-Z][A-Z0-9_]*`");
            }
            if row.label.is_some() || row.actions.is_some() {
                return fail("a CxEngage name has no label and no actions");
            }
            Ok(false)
        }
        Vocabulary::Genesys => {
            let parts: Vec<&str> = row.key.split(':').collect();
            let [domain, entity, action] = parts[..] else {
                return fail("a key must be `domain:entity:action`");
            };
            let wildcard = action == "*";
            if !is_segment(domain) || !is_segment(entity) || !(wildcard || is_segment(action)) {
                return fail("segments must be ASCII letters and digits (or `*` as the whole action)");
            }
            match (&row.actions, wildcard) {
                (None, true) => return fail("a wildcard row must list its `actions` (`[]` when unknown)"),
                (Some(_), false) => return fail("only a wildcard row has `actions`"),
                (Some(actions), true) if !actions.iter().all(|a| is_segment(a)) => {
                    return fail("actions must be ASCII letters and digits");
                }
                _ => {}
            }
            let Some(label) = &row.label else {
                return fail("a Genesys Cloud row needs its label");
            };
            let label_parts: Vec<&str> = label.split(" > ").collect();
            if label_parts.len() != 3 || label_parts.iter().any(|p| p.trim().is_empty() || p.trim() != *p) {
                return fail("a label must be `Domain > Entity > Action`");
            }
            let all = label_parts
                .last()
                .is_some_and(|a| *a == "All" || *a == "All Permissions");
            if all != wildcard {
                return fail("a label ends in `All` or `All Permissions` exactly when the key is a wildcard");
            }
            Ok(wildcard)
        }
    }
}

impl Model {
    fn build(files: &[(String, CatalogFile)], platform: Option<&PlatformFile>) -> Result<Self, Error> {
        let mut model = Model {
            entries: Vec::new(),
            index: BTreeMap::new(),
            wildcard_rows: BTreeMap::new(),
        };
        let mut labels: BTreeMap<String, (String, String)> = BTreeMap::new(); // lowercase label -> (key, file)
        let mut ids = BTreeSet::new();
        for (doc, (name, file)) in files.iter().enumerate() {
            if format!("{}.json", file.id) != *name {
                return Err(invalid(
                    name,
                    "`id`",
                    format!("`{}` does not match the file name", file.id),
                ));
            }
            ids.insert(file.id.clone());
            for release in file.release.iter() {
                parse_release(release)
                    .ok_or_else(|| invalid(name, "`release`", format!("invalid release `{release}`")))?;
            }
            let mut seen = BTreeSet::new();
            for row in &file.permissions {
                let entry = format!("permission `{}`", row.key);
                if !seen.insert(row.key.to_ascii_lowercase()) {
                    return Err(invalid(name, entry, "listed twice in this file"));
                }
                if let Some(release) = &row.available_from {
                    parse_release(release).ok_or_else(|| {
                        invalid(name, entry.as_str(), format!("invalid `available_from` `{release}`"))
                    })?;
                }
                let wildcard = check_row(name, file.vocabulary, row)?;
                if let Some(label) = &row.label {
                    let (key, other) = labels
                        .entry(label.to_ascii_lowercase())
                        .or_insert((row.key.clone(), name.clone()));
                    if !key.eq_ignore_ascii_case(&row.key) {
                        return Err(invalid(
                            name,
                            entry,
                            format!("label `{label}` already names `{key}` in `{other}`"),
                        ));
                    }
                }
                let actions = row.actions.as_deref().unwrap_or_default();
                if wildcard && !actions.is_empty() {
                    let label = row.label.clone().unwrap_or_default();
                    model.wildcard_rows.insert(row.key.clone(), label);
                    let prefix = row.key.trim_end_matches('*');
                    for action in actions {
                        let key = format!("{prefix}{action}");
                        model.add(name, doc, file.vocabulary, &key, None, row, Some(row.key.clone()))?;
                    }
                } else {
                    model.add(name, doc, file.vocabulary, &row.key, row.label.as_deref(), row, None)?;
                }
            }
        }
        if ids.len() != files.len() {
            return Err(invalid("catalogs", "`id`", "two files share an id"));
        }
        for (_, file) in files {
            model.check_references(file, platform)?;
        }
        model.finish()?;
        Ok(model)
    }

    /// Sorts the entries, indexes them and checks the constant names. The
    /// permissions a document lists come first, so that the gates' masks
    /// (the documents' permissions) take the first words of every bitset.
    fn finish(&mut self) -> Result<(), Error> {
        self.entries
            .sort_by_key(|e| (e.sources.is_empty(), e.vocabulary, e.key.to_ascii_lowercase()));
        self.index = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.to_ascii_lowercase(), i))
            .collect();
        if self.entries.len() > usize::from(u16::MAX) {
            return Err(invalid("catalogs", "permissions", "more than 65535 permissions"));
        }
        self.check_constant_names()
    }

    /// Adds the platform catalog: a key a document lists (in any ASCII case)
    /// is that one permission, which gains the platform's history; the
    /// spelling must be the same, as between documents.
    fn add_platform(&mut self, platform: &PlatformFile) -> Result<(), Error> {
        for row in &platform.permissions {
            let entry = format!("permission `{}`", row.key);
            match self.index.get(&row.key.to_ascii_lowercase()).copied() {
                Some(at) => {
                    let existing = self
                        .entries
                        .get_mut(at)
                        .ok_or_else(|| invalid(platform::FILE, entry.as_str(), "internal index"))?;
                    if existing.key != row.key {
                        return Err(invalid(
                            platform::FILE,
                            entry,
                            format!("spelled `{}` in a document catalog", existing.key),
                        ));
                    }
                    existing.history = Some(row.clone());
                }
                None => {
                    self.index.insert(row.key.to_ascii_lowercase(), self.entries.len());
                    self.entries.push(Entry {
                        key: row.key.clone(),
                        label: None,
                        vocabulary: Vocabulary::Genesys,
                        sources: Vec::new(),
                        history: Some(row.clone()),
                    });
                }
            }
        }
        self.finish()
    }

    /// Adds one document's row for `key`, merging with other documents' rows.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        file: &str,
        doc: usize,
        vocabulary: Vocabulary,
        key: &str,
        label: Option<&str>,
        row: &Row,
        via: Option<String>,
    ) -> Result<(), Error> {
        let lower = key.to_ascii_lowercase();
        let entry = format!("permission `{key}`");
        let Some(&at) = self.index.get(&lower) else {
            self.index.insert(lower, self.entries.len());
            self.entries.push(Entry {
                key: key.to_owned(),
                label: label.map(str::to_owned),
                vocabulary,
                sources: vec![(doc, row.clone(), via)],
                history: None,
            });
            return Ok(());
        };
        let existing = self
            .entries
            .get_mut(at)
            .ok_or_else(|| invalid(file, entry.as_str(), "internal index"))?;
        if existing.key != key {
            return Err(invalid(file, entry, format!("spelled `{}` elsewhere", existing.key)));
        }
        match (&existing.label, label) {
            (Some(a), Some(b)) if a != b => {
                return Err(invalid(file, entry, format!("labelled `{b}` here but `{a}` elsewhere")));
            }
            (None, Some(b)) => existing.label = Some(b.to_owned()),
            _ => {}
        }
        match existing.sources.iter_mut().find(|(d, _, _)| *d == doc) {
            // A direct row of the same document wins over one implied by a wildcard.
            Some(source) if via.is_none() => *source = (doc, row.clone(), None),
            Some(_) => {}
            None => existing.sources.push((doc, row.clone(), via)),
        }
        existing.sources.sort_by_key(|(d, _, _)| *d);
        Ok(())
    }

    /// Roles and gates name keys of their own file; an any-of group may also
    /// offer a platform permission as the current form of a row it holds.
    /// Every license a row names is one of the file's `licenses`.
    fn check_references(&self, file: &CatalogFile, platform: Option<&PlatformFile>) -> Result<(), Error> {
        let name = format!("{}.json", file.id);
        for row in &file.permissions {
            if let Some(license) = row.license.as_ref().filter(|l| !file.licenses.contains_key(*l)) {
                return Err(invalid(
                    &name,
                    format!("permission `{}`", row.key),
                    format!("license `{license}` is not in the file's `licenses`"),
                ));
            }
        }
        for (license, product) in &file.licenses {
            if product.trim().is_empty() || !file.permissions.iter().any(|r| r.license.as_ref() == Some(license)) {
                return Err(invalid(
                    &name,
                    format!("license `{license}`"),
                    "a license needs a product license and a row that names it",
                ));
            }
        }
        let on_platform = |key: &str| platform.is_some_and(|p| p.permissions.iter().any(|r| r.key == key));
        let defined: BTreeSet<&str> = file.permissions.iter().map(|row| row.key.as_str()).collect();
        let check_key = |entry: &str, key: &str| {
            if defined.contains(key) {
                Ok(())
            } else {
                Err(invalid(
                    &name,
                    entry,
                    format!("names `{key}`, which this file does not define"),
                ))
            }
        };
        let role_names: BTreeSet<&str> = file.roles.iter().map(|r| r.name.as_str()).collect();
        for role in &file.roles {
            let entry = format!("role `{}`", role.name);
            for key in &role.permissions {
                check_key(&entry, key)?;
            }
            if let Some(parent) = &role.extends {
                if !role_names.contains(parent.as_str()) || parent == &role.name {
                    return Err(invalid(&name, entry, format!("extends unknown role `{parent}`")));
                }
            }
        }
        let gate_names: BTreeSet<&str> = file.gates.iter().map(|g| g.name.as_str()).collect();
        for gate in &file.gates {
            let entry = format!("gate `{}`", gate.name);
            let mut chars = gate.name.chars();
            if !(chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())) {
                return Err(invalid(
                    &name,
                    entry,
                    "a gate name must be an UpperCamelCase identifier",
                ));
            }
            if gate.incomplete.as_deref().is_some_and(|why| why.trim().is_empty()) {
                return Err(invalid(&name, entry, "`incomplete` says why, or is null"));
            }
            for key in &gate.all {
                check_key(&entry, key)?;
            }
            for group in &gate.any {
                if !group.iter().any(|key| defined.contains(key.as_str())) {
                    return Err(invalid(&name, entry, "an any-of group needs a key this file defines"));
                }
                if let Some(key) = group
                    .iter()
                    .find(|key| !defined.contains(key.as_str()) && !on_platform(key))
                {
                    return Err(invalid(
                        &name,
                        entry,
                        format!("names `{key}`, which neither this file nor the platform catalog defines"),
                    ));
                }
            }
            if let Some(parent) = &gate.extends {
                if !gate_names.contains(parent.as_str()) || parent == &gate.name {
                    return Err(invalid(&name, entry, format!("extends unknown gate `{parent}`")));
                }
            }
        }
        Ok(())
    }

    fn check_constant_names(&self) -> Result<(), Error> {
        let mut seen: BTreeMap<(String, String), &str> = BTreeMap::new();
        for entry in &self.entries {
            let name = (module_name(entry), constant_name(entry));
            if let Some(other) = seen.insert(name.clone(), &entry.key) {
                return Err(invalid(
                    "catalogs",
                    format!("permission `{}`", entry.key),
                    format!("constant `perm::{}::{}` also names `{other}`", name.0, name.1),
                ));
            }
        }
        Ok(())
    }

    /// The indexes a key of `file`'s gates stands for: a wildcard row with
    /// known actions stands for exactly the actions it lists.
    fn expand(&self, file: &CatalogFile, key: &str) -> Vec<usize> {
        let actions = file
            .permissions
            .iter()
            .find(|row| row.key == key)
            .and_then(|row| row.actions.as_deref());
        match actions {
            Some(actions) if !actions.is_empty() => {
                let prefix = key.trim_end_matches('*');
                actions
                    .iter()
                    .filter_map(|action| {
                        self.index
                            .get(&format!("{prefix}{action}").to_ascii_lowercase())
                            .copied()
                    })
                    .collect()
            }
            _ => self.index.get(&key.to_ascii_lowercase()).copied().into_iter().collect(),
        }
    }
}

pub(crate) fn parse_release(s: &str) -> Option<(u16, u16, u16)> {
    let mut parts = s.split('.').map(|p| p.parse::<u16>().ok());
    let major = parts.next()??;
    let minor = parts.next()??;
    let patch = match parts.next() {
        None => 0,
        Some(patch) => patch?,
    };
    parts.next().is_none().then_some((major, minor, patch))
}

/// `webDeployments` becomes `web_deployments`. A run of capitals is one
/// word, its last capital starting the next word when a lowercase letter
/// follows: `agentUI` becomes `agent_ui`, `XIntegration` `x_integration`,
/// `addAIPhrases` `add_ai_phrases`.
fn snake(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && previous.is_some_and(|p| !p.is_ascii_uppercase() || next.is_some_and(|n| n.is_ascii_lowercase()));
        if starts_word {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn module_name(entry: &Entry) -> String {
    match entry.vocabulary {
        Vocabulary::Cxengage => "cxengage".to_owned(),
        Vocabulary::Genesys => snake(entry.key.split(':').next().unwrap_or_default()),
    }
}

/// `routing:wrapupCode:view` becomes `WRAPUP_CODE_VIEW`; `*` becomes `ALL`.
fn constant_name(entry: &Entry) -> String {
    match entry.vocabulary {
        Vocabulary::Cxengage => entry.key.clone(),
        Vocabulary::Genesys => {
            let mut parts = entry.key.split(':').skip(1);
            let entity = snake(parts.next().unwrap_or_default());
            let action = match parts.next().unwrap_or_default() {
                "*" => "all".to_owned(),
                action => snake(action),
            };
            format!("{entity}_{action}").to_ascii_uppercase()
        }
    }
}

fn release_literal(s: &str) -> String {
    match parse_release(s) {
        Some((major, minor, 0)) => format!("Release::new({major}, {minor})"),
        Some((major, minor, patch)) => format!("Release::with_patch({major}, {minor}, {patch})"),
        None => "Release::new(0, 0)".to_owned(),
    }
}

fn option_str(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| format!("Some({v:?})"))
}

fn str_slice(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("&[{}]", items.join(", "))
}

/// The words of `indexes` that are not zero: `(first, one past the last)`,
/// `(0, 0)` for none.
fn mask_range(indexes: &[usize]) -> (usize, usize) {
    match (indexes.iter().min(), indexes.iter().max()) {
        (Some(first), Some(last)) => (first / 64, last / 64 + 1),
        _ => (0, 0),
    }
}

fn words(indexes: &[usize], count: usize) -> String {
    let mut words = vec![0u64; count.div_ceil(64)];
    for &i in indexes {
        if let Some(word) = words.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }
    let items: Vec<String> = words.iter().map(|w| format!("{w:#018x}")).collect();
    format!("[{}]", items.join(", "))
}

impl Model {
    fn constant_path(&self, index: usize) -> String {
        self.entries
            .get(index)
            .map(|e| format!("perm::{}::{}", module_name(e), constant_name(e)))
            .unwrap_or_default()
    }

    fn permission_list(&self, indexes: &[usize]) -> String {
        let items: Vec<String> = indexes.iter().map(|&i| self.constant_path(i)).collect();
        format!("&[{}]", items.join(", "))
    }

    fn emit(&self, files: &[(String, CatalogFile)], platform: Option<&PlatformFile>) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "// @generated by permgate-generate from catalogs/*.json. Do not edit by hand:"
        );
        let _ = writeln!(
            out,
            "// change the catalogs, then run `PERMGATE_REGENERATE=1 cargo test --test generated`.\n"
        );
        if let Some(platform) = platform {
            let _ = writeln!(
                out,
                "// Platform permissions: {} ({}, SDK {}), from {}.\n",
                platform.title,
                platform::FILE,
                platform.sdk_version,
                platform.source_files.join(" and ")
            );
        }
        let _ = writeln!(out, "use crate::gate::GateInfo;");
        let _ = writeln!(out, "use crate::permission::{{Permission, PermissionInfo}};");
        let _ = writeln!(
            out,
            "use crate::source::{{Audience, CatalogRole, Document, Evidence, SdkRelease, Seen, SourceEntry, Vocabulary, WildcardRow}};"
        );
        let _ = writeln!(out, "use crate::{{Gate, Release}};\n");
        self.emit_documents(&mut out, files);
        let releases = self.emit_releases(&mut out);
        self.emit_permissions(&mut out, files, &releases);
        self.emit_roles(&mut out, files);
        self.emit_gates(&mut out, files);
        out
    }

    fn emit_documents(&self, out: &mut String, files: &[(String, CatalogFile)]) {
        let _ = writeln!(out, "pub(crate) static DOCUMENTS: [Document; {}] = [", files.len());
        for (_, f) in files {
            let vocabulary = match f.vocabulary {
                Vocabulary::Genesys => "Genesys",
                Vocabulary::Cxengage => "CxEngage",
            };
            let release = f
                .release
                .as_deref()
                .map_or_else(|| "None".to_owned(), |r| format!("Some({})", release_literal(r)));
            let _ = writeln!(
                out,
                "    Document {{\n        id: {:?},\n        title: {:?},\n        product: {:?},\n        vendor: {:?},\n        platform: {:?},\n        published: {},\n        release: {release},\n        source_file: {:?},\n        vocabulary: Vocabulary::{vocabulary},\n        notes: {},\n    }},",
                f.id,
                f.title,
                f.product,
                f.vendor,
                f.platform,
                option_str(f.published.as_deref()),
                f.source_file,
                str_slice(&f.notes)
            );
        }
        let _ = writeln!(out, "];\n");
    }

    /// The SDK releases the platform rows name, oldest first; returns each
    /// `[date, version]`'s index in the table.
    fn emit_releases(&self, out: &mut String) -> BTreeMap<(String, String), usize> {
        let mut releases: BTreeMap<(u16, u16, u16), &(String, String)> = BTreeMap::new();
        for history in self.entries.iter().filter_map(|e| e.history.as_ref()) {
            for release in [&history.first, &history.last] {
                if let Some(version) = parse_release(&release.1) {
                    releases.insert(version, release);
                }
            }
        }
        let _ = writeln!(
            out,
            "/// The Platform API SDK releases in which platform permissions were first or last seen, oldest first.\npub(crate) static SDK_RELEASES: [SdkRelease; {}] = [",
            releases.len()
        );
        for (date, version) in releases.values() {
            let _ = writeln!(out, "    SdkRelease::new({}, {date:?}),", release_literal(version));
        }
        let _ = writeln!(out, "];\n");
        releases
            .into_values()
            .enumerate()
            .map(|(i, r)| (r.clone(), i))
            .collect()
    }

    fn emit_permissions(
        &self,
        out: &mut String,
        files: &[(String, CatalogFile)],
        releases: &BTreeMap<(String, String), usize>,
    ) {
        let seen = |entry: &Entry| {
            entry.history.as_ref().map(|h| {
                let at = |r: &(String, String)| releases.get(r).copied().unwrap_or_default();
                format!("{}, {}, {}", at(&h.first), at(&h.last), h.current)
            })
        };
        let _ = writeln!(
            out,
            "/// Words of a bitset over the builtin permissions (a gate's mask).\npub(crate) const MASK_WORDS: usize = {};\n",
            self.entries.len().div_ceil(64)
        );
        let _ = writeln!(
            out,
            "pub(crate) static PERMISSIONS: [PermissionInfo; {}] = [",
            self.entries.len()
        );
        for entry in &self.entries {
            if entry.sources.is_empty() {
                // A platform-only permission: one line.
                let _ = writeln!(
                    out,
                    "    PermissionInfo::platform({:?}, {}),",
                    entry.key,
                    seen(entry).unwrap_or_default()
                );
                continue;
            }
            let _ = writeln!(
                out,
                "    PermissionInfo::builtin(\n        {:?},\n        {},\n        &[",
                entry.key,
                option_str(entry.label.as_deref())
            );
            // The product license a row's license wording is today (validated).
            let product_license = |doc: usize, row: &Row| {
                let license = row.license.as_ref()?;
                files
                    .get(doc)
                    .and_then(|(_, f)| f.licenses.get(license))
                    .map(String::as_str)
            };
            for (doc, row, via) in &entry.sources {
                let evidence = match row.evidence {
                    Evidence::Verified => "Verified",
                    Evidence::Pattern => "Pattern",
                    Evidence::Unverified => "Unverified",
                };
                let audience = match row.audience {
                    Audience::Admin => "Admin",
                    Audience::Agent => "Agent",
                };
                let available = row
                    .available_from
                    .as_deref()
                    .map_or_else(|| "None".to_owned(), |r| format!("Some({})", release_literal(r)));
                let _ = writeln!(
                    out,
                    "            SourceEntry {{\n                document: &DOCUMENTS[{doc}],\n                description: {:?},\n                section: {:?},\n                also_in_sections: {},\n                audience: Audience::{audience},\n                evidence: Evidence::{evidence},\n                license: {},\n                product_license: {},\n                release_notes: {},\n                available_from: {available},\n                via_wildcard: {},\n            }},",
                    row.description,
                    row.section,
                    str_slice(&row.also_in_sections),
                    option_str(row.license.as_deref()),
                    option_str(product_license(*doc, row)),
                    str_slice(&row.release_notes),
                    option_str(via.as_deref()),
                );
            }
            let history = seen(entry).map_or_else(|| "None".to_owned(), |s| format!("Some(Seen::new({s}))"));
            let _ = writeln!(out, "        ],\n        {history},\n    ),");
        }
        let _ = writeln!(out, "];\n");
        let _ = writeln!(
            out,
            "pub(crate) static WILDCARD_ROWS: [WildcardRow; {}] = [",
            self.wildcard_rows.len()
        );
        for (key, label) in &self.wildcard_rows {
            let _ = writeln!(out, "    WildcardRow {{ key: {key:?}, label: {label:?} }},");
        }
        let _ = writeln!(out, "];\n");

        let _ = writeln!(
            out,
            "/// Typed constants for every builtin permission, one module per domain."
        );
        let _ = writeln!(
            out,
            "///\n/// Each constant is a compile-time index: `policy.allows(role, perm::journey::ACTIONMAP_VIEW)` is one bit test."
        );
        let _ = writeln!(out, "pub mod perm {{");
        let mut modules: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, entry) in self.entries.iter().enumerate() {
            modules.entry(module_name(entry)).or_default().push(i);
        }
        for (module, indexes) in &modules {
            let first = indexes.first().and_then(|&i| self.entries.get(i));
            let domain = first
                .map(|e| e.key.split(':').next().unwrap_or_default())
                .unwrap_or_default();
            let _ = writeln!(out, "    #[allow(missing_docs)]");
            match first.map(|e| e.vocabulary) {
                Some(Vocabulary::Cxengage) => {
                    let _ = writeln!(
                        out,
                        "    /// CxEngage flat names. `_ALL` and `_SELF` are ownership scopes, not wildcards."
                    );
                }
                _ => {
                    let _ = writeln!(out, "    /// Permissions of the `{domain}` domain.");
                }
            }
            let _ = writeln!(
                out,
                "    pub mod {module} {{\n        use super::super::{{PERMISSIONS, Permission}};\n"
            );
            for &i in indexes {
                let Some(entry) = self.entries.get(i) else { continue };
                let docs: Vec<String> = entry
                    .sources
                    .iter()
                    .filter_map(|(d, _, _)| files.get(*d).map(|(_, f)| f.id.clone()))
                    .collect();
                let label = entry.label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
                let mut from = docs;
                if let Some(h) = &entry.history {
                    from.push(if h.current {
                        format!("the Platform API since SDK {}", h.first.1)
                    } else {
                        format!("the Platform API, SDK {} to {} (removed)", h.first.1, h.last.1)
                    });
                }
                let doc = format!("`{}`{label}; from {}.", entry.key, from.join(", "));
                let _ = writeln!(
                    out,
                    "        #[doc = {doc:?}] pub const {}: Permission<'static> = Permission::new({i}, &PERMISSIONS[{i}]);",
                    constant_name(entry)
                );
            }
            let _ = writeln!(out, "    }}");
        }
        let _ = writeln!(out, "}}\n");
    }

    fn emit_roles(&self, out: &mut String, files: &[(String, CatalogFile)]) {
        let count: usize = files.iter().map(|(_, f)| f.roles.len()).sum();
        let _ = writeln!(out, "pub(crate) static ROLES: [CatalogRole; {count}] = [");
        for (doc, (_, f)) in files.iter().enumerate() {
            for role in &f.roles {
                let _ = writeln!(
                    out,
                    "    CatalogRole {{\n        name: {:?},\n        description: {:?},\n        document: &DOCUMENTS[{doc}],\n        extends: {},\n        grants: {},\n    }},",
                    role.name,
                    role.description,
                    option_str(role.extends.as_deref()),
                    str_slice(&role.permissions)
                );
            }
        }
        let _ = writeln!(out, "];\n");
    }

    fn emit_gates(&self, out: &mut String, files: &[(String, CatalogFile)]) {
        let mut names = Vec::new();
        let mut gate_code = String::new();
        for (doc, (_, f)) in files.iter().enumerate() {
            let roadmap_release = |key: &str| {
                f.permissions
                    .iter()
                    .find(|r| r.key == key)
                    .and_then(|r| r.available_from.clone())
                    .filter(
                        |from| match (parse_release(from), f.release.as_deref().and_then(parse_release)) {
                            (Some(from), Some(doc_release)) => from > doc_release,
                            _ => true,
                        },
                    )
            };
            for gate in &f.gates {
                let mut keys: Vec<&String> = Vec::new();
                let mut any: Vec<&Vec<String>> = Vec::new();
                if let Some(parent) = gate
                    .extends
                    .as_ref()
                    .and_then(|p| f.gates.iter().find(|g| &g.name == p))
                {
                    keys.extend(&parent.all);
                    any.extend(&parent.any);
                }
                keys.extend(&gate.all);
                any.extend(&gate.any);
                let mut required = BTreeSet::new();
                let mut roadmap = BTreeMap::new();
                for key in keys {
                    for i in self.expand(f, key) {
                        match roadmap_release(key) {
                            Some(from) => roadmap.insert(i, from),
                            None => required.insert(i).then_some(String::new()),
                        };
                    }
                }
                let required: Vec<usize> = required.into_iter().collect();
                let groups: Vec<Vec<usize>> = any
                    .iter()
                    .map(|g| {
                        let set: BTreeSet<usize> = g.iter().flat_map(|k| self.expand(f, k)).collect();
                        set.into_iter().collect()
                    })
                    .collect();
                let any_of: Vec<String> = groups.iter().map(|g| self.permission_list(g)).collect();
                let roadmap_items: Vec<String> = roadmap
                    .iter()
                    .map(|(&i, from)| format!("({}, {})", self.constant_path(i), release_literal(from)))
                    .collect();
                let release = f
                    .release
                    .as_deref()
                    .map_or_else(|| "None".to_owned(), |r| format!("Some({})", release_literal(r)));
                let static_name = format!("GATE_{}", snake(&gate.name).to_ascii_uppercase());
                let _ = writeln!(
                    gate_code,
                    "static {static_name}: GateInfo = GateInfo {{\n    name: {:?},\n    description: {:?},\n    document: Some(&DOCUMENTS[{doc}]),\n    extends: {},\n    release: {release},\n    required: {},\n    any_of: &[{}],\n    roadmap: &[{}],\n    incomplete: {},\n    required_mask: {},\n    mask_range: {:?},\n    beyond_mask: false,\n}};\n",
                    gate.name,
                    gate.description,
                    option_str(gate.extends.as_deref()),
                    self.permission_list(&required),
                    any_of.join(", "),
                    roadmap_items.join(", "),
                    option_str(gate.incomplete.as_deref()),
                    words(&required, self.entries.len()),
                    mask_range(&required),
                );
                let key = |i: usize| self.entries.get(i).map(|e| format!("`{}`", e.key)).unwrap_or_default();
                let mut needs = Vec::new();
                if !required.is_empty() {
                    needs.push(format!(
                        "Requires: {}.",
                        required.iter().map(|&i| key(i)).collect::<Vec<_>>().join(", ")
                    ));
                }
                for group in &groups {
                    needs.push(format!(
                        "One of: {}.",
                        group.iter().map(|&i| key(i)).collect::<Vec<_>>().join(", ")
                    ));
                }
                for (&i, from) in &roadmap {
                    needs.push(format!("From release {from}: {}.", key(i)));
                }
                if let Some(incomplete) = &gate.incomplete {
                    needs.push(format!("Incomplete: {}.", incomplete.replace('\n', " ")));
                }
                names.push((
                    gate.name.clone(),
                    static_name,
                    gate.description.clone(),
                    f.id.clone(),
                    needs,
                ));
            }
        }
        out.push_str(&gate_code);
        let _ = writeln!(
            out,
            "pub(crate) static GATES: [&GateInfo; {}] = [{}];\n",
            names.len(),
            names
                .iter()
                .map(|(_, s, _, _, _)| format!("&{s}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            out,
            "/// Typed feature gates, one marker type per feature; use them with [`Policy::check`](crate::Policy::check)."
        );
        let _ = writeln!(out, "pub mod gates {{\n    use super::*;\n");
        for (name, static_name, description, doc, needs) in &names {
            let description = description.replace('\n', " ");
            let needs: String = needs.iter().map(|line| format!("    ///\n    /// {line}\n")).collect();
            let _ = writeln!(
                out,
                "    /// {description}\n{needs}    ///\n    /// From the `{doc}` catalog. A marker type: it has no values.\n    #[derive(Debug)]\n    pub enum {name} {{}}\n"
            );
            let _ = writeln!(
                out,
                "    impl Gate for {name} {{\n        const INFO: &'static GateInfo = &{static_name};\n    }}\n"
            );
        }
        let _ = writeln!(out, "}}");
    }
}
