//! The validated catalog: what the writer turns into Rust, with every
//! cross-reference resolved and every value parsed. Nothing here can be
//! invalid; building it is the validator's job.

use serde::Deserialize;

/// The whole builtin catalog, in output order.
#[derive(Debug)]
pub(crate) struct Model {
    /// The document catalogs, sorted by file name.
    pub(crate) documents: Vec<Document>,
    /// The platform catalog, when `catalogs/` has one.
    pub(crate) platform: Option<Platform>,
    /// The SDK releases platform permissions were first or last seen in, oldest first.
    pub(crate) sdk_releases: Vec<SdkRelease>,
    /// Every builtin permission: those a document lists first (by
    /// vocabulary, then lowercase key), then the platform's.
    pub(crate) permissions: Vec<Permission>,
    /// Wildcard rows with known actions, sorted by key.
    pub(crate) wildcard_rows: Vec<WildcardRow>,
    /// The documents' roles, in document then file order.
    pub(crate) roles: Vec<Role>,
    /// The documents' gates, in document then file order.
    pub(crate) gates: Vec<Gate>,
}

/// How a document spells its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Vocabulary {
    /// `domain:entity:action`.
    Genesys,
    /// Flat names: `CONTACTS_READ`.
    Cxengage,
}

/// Where a document says a key was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Evidence {
    /// The key string was seen in a public source.
    Verified,
    /// The key follows the naming convention; the string was not seen.
    Pattern,
    /// No source found.
    Unverified,
}

/// Who a permission row is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Audience {
    /// In an admin table of the document.
    Admin,
    /// Only in agent tables.
    Agent,
}

/// A release: `3.15`, `259.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    pub(crate) major: u16,
    pub(crate) minor: u16,
    pub(crate) patch: u16,
}

/// A release as a document writes it, and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Release {
    /// As written: `3.16`.
    pub(crate) text: String,
    pub(crate) version: Version,
}

/// One source document.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) product: String,
    pub(crate) vendor: String,
    pub(crate) platform: String,
    pub(crate) published: Option<String>,
    pub(crate) release: Option<Release>,
    pub(crate) source_file: String,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) notes: Vec<String>,
}

/// What the generated header says of the platform catalog.
#[derive(Debug)]
pub(crate) struct Platform {
    /// Its file name under `catalogs/`.
    pub(crate) file: String,
    pub(crate) title: String,
    /// As written: `259.0.0`.
    pub(crate) sdk_version: String,
    pub(crate) source_files: Vec<String>,
}

/// An SDK release: its version and date as the history spells them.
#[derive(Debug, Clone)]
pub(crate) struct SdkRelease {
    pub(crate) version: Version,
    /// `YYYY-MM-DD`.
    pub(crate) date: String,
}

/// One builtin permission.
#[derive(Debug)]
pub(crate) struct Permission {
    /// The key as the catalogs spell it.
    pub(crate) key: String,
    /// The module its constant is in.
    pub(crate) namespace: Namespace,
    /// The name of that module: `journey`, `cxengage`.
    pub(crate) module: String,
    /// The constant's name: `SEGMENT_VIEW`.
    pub(crate) constant: String,
    pub(crate) origin: Origin,
}

/// The module a permission's constant is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Namespace {
    /// The module of a Genesys Cloud domain, spelled as the key spells it.
    Genesys {
        /// `webDeployments`.
        domain: String,
    },
    /// The module of the CxEngage flat names.
    Cxengage,
}

/// Where a permission comes from.
#[derive(Debug)]
pub(crate) enum Origin {
    /// One or more documents list it; the platform may document it too.
    Documents {
        /// Its label, when a document gives one.
        label: Option<String>,
        /// One entry per document, in document order; never empty.
        sources: Vec<Source>,
        /// Its platform history, when the platform documents it.
        history: Option<History>,
    },
    /// Only the platform documents it.
    Platform(History),
}

/// One document's row for a permission.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The document's index in [`Model::documents`].
    pub(crate) document: usize,
    /// The document's id.
    pub(crate) document_id: String,
    pub(crate) description: String,
    pub(crate) section: String,
    pub(crate) also_in_sections: Vec<String>,
    pub(crate) audience: Audience,
    pub(crate) evidence: Evidence,
    pub(crate) license: Option<String>,
    /// The product license `license` is today (from the file's `licenses`).
    pub(crate) product_license: Option<String>,
    pub(crate) release_notes: Vec<String>,
    pub(crate) available_from: Option<Release>,
    /// The wildcard row that implies this key, when no row lists it directly.
    pub(crate) via_wildcard: Option<String>,
}

/// The SDK releases a platform permission was seen in.
#[derive(Debug, Clone)]
pub(crate) struct History {
    pub(crate) first: Seen,
    pub(crate) last: Seen,
    /// Whether the current SDK lists it.
    pub(crate) current: bool,
}

/// One release of a [`History`].
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// Its index in [`Model::sdk_releases`].
    pub(crate) release: usize,
    /// Its version as written: `41.0.0`.
    pub(crate) version_text: String,
}

/// A wildcard row whose actions a document lists.
#[derive(Debug)]
pub(crate) struct WildcardRow {
    pub(crate) key: String,
    pub(crate) label: String,
}

/// A named bundle a document defines.
#[derive(Debug)]
pub(crate) struct Role {
    pub(crate) name: String,
    pub(crate) description: String,
    /// Its document's index in [`Model::documents`].
    pub(crate) document: usize,
    pub(crate) extends: Option<String>,
    /// The keys as the role lists them.
    pub(crate) grants: Vec<String>,
}

/// What a feature needs, with every key resolved to permissions.
#[derive(Debug)]
pub(crate) struct Gate {
    /// The marker type's name: `AmiStandardUser`.
    pub(crate) name: String,
    /// The static's name: `GATE_AMI_STANDARD_USER`.
    pub(crate) static_name: String,
    pub(crate) description: String,
    /// Its document's index in [`Model::documents`].
    pub(crate) document: usize,
    pub(crate) document_id: String,
    pub(crate) extends: Option<String>,
    /// The document's release.
    pub(crate) release: Option<Release>,
    /// Required now, sorted by index.
    pub(crate) required: Vec<Member>,
    /// Groups of which one permission each suffices, each sorted by index.
    pub(crate) any_of: Vec<Vec<Member>>,
    /// Required from a later release than the document's, sorted by index.
    pub(crate) roadmap: Vec<(Member, Release)>,
    /// Why holding the set may not be enough, when the document leaves
    /// something out.
    pub(crate) incomplete: Option<String>,
    /// The operations its rows are grounded in, in the order the gate's
    /// rows cite them (up its `extends` chain first), each once.
    pub(crate) calls: Vec<GateCall>,
}

/// An operation a gate's row is grounded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GateCall {
    /// Its index in the table of operations.
    pub(crate) index: usize,
    /// `POST /api/v2/...`.
    pub(crate) call: String,
    /// The operation name.
    pub(crate) name: String,
}

/// A permission as a gate names it.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// Its index in [`Model::permissions`].
    pub(crate) index: usize,
    /// Its constant's path: `perm::journey::SEGMENT_VIEW`.
    pub(crate) path: String,
    pub(crate) key: String,
    /// Whether the Platform API removed it: a gate does not require it today.
    pub(crate) removed: bool,
}
