//! Why an input was refused: the file, the place in it, and the problem.

use std::fmt;
use std::path::PathBuf;

/// Why the catalogs (or the SDK data) could not be turned into output. The
/// generator stops at the first problem it finds.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be listed or read.
    #[error("cannot read `{path}`")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A catalog's file name is not UTF-8, so no `id` can match it.
    #[error("`{path}`: the file name is not UTF-8")]
    FileName {
        /// The file.
        path: PathBuf,
    },
    /// The catalog folder holds no document catalog.
    #[error("`{path}` holds no document catalog (`*.json` besides the platform's)")]
    NoCatalogs {
        /// The folder.
        path: PathBuf,
    },
    /// A file is not JSON of its schema: a field missing, unknown or given
    /// twice, or a value of the wrong type or outside its list.
    #[error("`{path}`: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// An entry is invalid or conflicts with another.
    #[error("`{file}`, {at}: {problem}")]
    Invalid {
        /// The file name (`ami-r3.json`), or the data file under
        /// `../shared/data/` for the platform's sources.
        file: String,
        /// Where in the file.
        at: Place,
        /// What is wrong (boxed, so that a `Result` with this error stays small).
        problem: Box<Problem>,
    },
}

impl Error {
    pub(crate) fn invalid(file: &str, at: Place, problem: Problem) -> Self {
        Error::Invalid {
            file: file.to_owned(),
            at,
            problem: Box::new(problem),
        }
    }
}

/// The place in a file that an [`Error::Invalid`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// A field of the file's top level: `` `release` ``.
    Field(&'static str),
    /// A permission row, or a key of the SDK data: ``permission `journey:segment:*` ``.
    Permission(String),
    /// One field of a permission row: ``permission `conversation:email:park`, `available_from` ``.
    PermissionField(String, &'static str),
    /// A role: ``role `AMI R3|standard user role` ``.
    Role(String),
    /// A gate: ``gate `AmiStandardUser` ``.
    Gate(String),
    /// A line of the SDK permission list, from 1.
    Line(usize),
    /// The file as a whole.
    File,
    /// An operation of the endpoints file: ``operation `GET /api/v2/users/{userId}` ``.
    Operation(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Field(field) => write!(f, "`{field}`"),
            Place::Permission(key) => write!(f, "permission `{key}`"),
            Place::PermissionField(key, field) => write!(f, "permission `{key}`, `{field}`"),
            Place::Role(name) => write!(f, "role `{name}`"),
            Place::Gate(name) => write!(f, "gate `{name}`"),
            Place::Line(line) => write!(f, "line {line}"),
            Place::File => write!(f, "the file"),
            Place::Operation(call) => write!(f, "operation `{call}`"),
        }
    }
}

/// What is wrong with the entry an [`Error::Invalid`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The file's `id` is not its name without `.json`.
    #[error("`{id}` does not match the file name")]
    IdMismatch {
        /// The `id` the file gives.
        id: String,
    },
    /// A release is not `major.minor` or `major.minor.patch` in decimal
    /// without leading zeros.
    #[error("`{value}` is not a release (`major.minor` or `major.minor.patch`)")]
    Release {
        /// The value as written.
        value: String,
    },
    /// `published` is not `YYYY-MM`.
    #[error("`{value}` is not a month (`YYYY-MM`)")]
    Published {
        /// The value as written.
        value: String,
    },
    /// A text field (or an entry of a list of texts) that is empty or only spaces.
    #[error("`{field}` is empty")]
    EmptyText {
        /// The field.
        field: &'static str,
    },
    /// One key (in any ASCII case) is listed twice in one file.
    #[error("listed twice in this file")]
    ListedTwice,
    /// A CxEngage name that is not `[A-Z][A-Z0-9_]*`.
    #[error("a CxEngage name must match `[A-Z][A-Z0-9_]*`")]
    FlatName,
    /// A CxEngage row with a label or actions.
    #[error("a CxEngage name has no label and no actions")]
    FlatNameWithLabel,
    /// A Genesys Cloud key that does not have three segments.
    #[error("a key must be `domain:entity:action`")]
    KeyShape,
    /// A segment that is not ASCII letters and digits.
    #[error("segments must be ASCII letters and digits (or `*` as the whole action)")]
    Segment,
    /// A wildcard row without `actions`.
    #[error("a wildcard row must list its `actions` (`[]` when unknown)")]
    WildcardWithoutActions,
    /// A concrete row with `actions`.
    #[error("only a wildcard row has `actions`")]
    ActionsOnConcreteKey,
    /// An entry of `actions` that is not ASCII letters and digits.
    #[error("actions must be ASCII letters and digits")]
    Action,
    /// A wildcard row listing one action twice.
    #[error("`actions` lists `{action}` twice")]
    RepeatedAction {
        /// The action.
        action: String,
    },
    /// A Genesys Cloud row without a label.
    #[error("a Genesys Cloud row needs its label")]
    MissingLabel,
    /// A label that is not `Domain > Entity > Action`.
    #[error("a label must be `Domain > Entity > Action`")]
    LabelShape,
    /// A label ending in `All` for a concrete key, or a wildcard key's
    /// label not ending in `All`.
    #[error("a label ends in `All` or `All Permissions` exactly when the key is a wildcard")]
    LabelWildcard,
    /// One label (in any ASCII case) for two keys.
    #[error("label `{label}` already names `{key}` in `{file}`")]
    LabelNamesTwoKeys {
        /// The label.
        label: String,
        /// The key it named first.
        key: String,
        /// The file that key is in.
        file: String,
    },
    /// One key spelled two ways (ASCII case) across files.
    #[error("spelled `{other}` elsewhere")]
    Respelled {
        /// The other spelling.
        other: String,
    },
    /// One key under two labels across files.
    #[error("labelled `{here}` here but `{elsewhere}` elsewhere")]
    Relabelled {
        /// This file's label.
        here: String,
        /// The label another file gives.
        elsewhere: String,
    },
    /// A role or gate naming a key its file does not define.
    #[error("names `{key}`, which this file does not define")]
    UndefinedKey {
        /// The key.
        key: String,
    },
    /// A gate's `any` group naming a key that neither its file nor the
    /// platform catalog defines.
    #[error("names `{key}`, which neither this file nor the platform catalog defines")]
    UndefinedGroupKey {
        /// The key.
        key: String,
    },
    /// A row grounded in a call (`calls`) that the endpoint catalog does not
    /// hold: a method and path template as it spells them.
    #[error(
        "names `{key}`, whose call `{call}` is no operation of the endpoint catalog (write the method and the path template as it spells them)"
    )]
    UnknownCall {
        /// The row.
        key: String,
        /// The call as written.
        call: String,
    },
    /// A row grounded in a call whose requirement permgate cannot check.
    #[error(
        "names `{key}`, grounded in `{call}`, whose requirement permgate cannot check: a gate of it would refuse everyone"
    )]
    UnverifiableCall {
        /// The row.
        key: String,
        /// The call.
        call: String,
    },
    /// A grounded row whose keys are not what its calls require, and no
    /// `calls_differ` saying why.
    #[error(
        "names `{key}`, whose keys ({keys}) are not what its calls require ({requires}); say why in `calls_differ`, or fix the row"
    )]
    CallsDisagree {
        /// The row.
        key: String,
        /// The row's keys.
        keys: String,
        /// What the calls require.
        requires: String,
    },
    /// A `calls_differ` on a row whose keys are what its calls require.
    #[error(
        "names `{key}`, whose `calls_differ` explains a difference there is not: its keys are what its calls require"
    )]
    NeedlessCallsDiffer {
        /// The row.
        key: String,
    },
    /// A grounded row whose keys differ from its calls' requirement but that
    /// is required only from a later release: both cannot hold.
    #[error("names `{key}`, a roadmap row grounded in calls that require other keys")]
    GroundedRoadmap {
        /// The row.
        key: String,
    },
    /// A grounded row named in an `any` group: its calls' requirement is not
    /// one permission.
    #[error("names `{key}`, a row grounded in calls, in an `any` group: list it in `all`")]
    GroundedInGroup {
        /// The row.
        key: String,
    },
    /// A `calls_differ` on a row that names no calls.
    #[error("`calls_differ` without `calls`")]
    CallsDifferAlone,
    /// A gate's `any` group holding no key of its own file and a platform
    /// permission the SDK no longer lists: such a group stands in for a row
    /// whose key the platform does not list, with what the platform accepts now.
    #[error("an `any` group without a key this file defines offers `{key}`, which the platform no longer lists")]
    GroupWithoutOwnKey {
        /// The removed key.
        key: String,
    },
    /// A row naming a license wording the file's `licenses` does not map.
    #[error("license `{license}` is not in the file's `licenses`")]
    UnknownLicense {
        /// The wording.
        license: String,
    },
    /// A `licenses` entry that no row names.
    #[error("license `{license}` is in `licenses` but no row names it")]
    UnusedLicense {
        /// The wording.
        license: String,
    },
    /// A role or gate listing one key twice (in `permissions`, in `all`, or
    /// in one `any` group).
    #[error("lists `{key}` twice")]
    RepeatedKey {
        /// The key.
        key: String,
    },
    /// A gate with an empty `any` group, which no role could satisfy.
    #[error("an `any` group is empty")]
    EmptyGroup,
    /// A gate with no `all`, no `any` and no `extends`, which every role would pass.
    #[error("requires nothing (no `all`, no `any`, no `extends`)")]
    EmptyGate,
    /// A gate's `any` group naming a roadmap permission (`available_from`
    /// after the document's release), which only `all` can defer.
    #[error("an `any` group names `{key}`, which is required only from release {from}; only `all` defers a permission")]
    RoadmapInGroup {
        /// The key.
        key: String,
        /// Its `available_from`.
        from: String,
    },
    /// A role extending a role its file does not define, or itself.
    #[error("extends unknown role `{parent}`")]
    UnknownRole {
        /// The role named in `extends`.
        parent: String,
    },
    /// A gate extending a gate its file does not define, or itself.
    #[error("extends unknown gate `{parent}`")]
    UnknownGate {
        /// The gate named in `extends`.
        parent: String,
    },
    /// A gate reaching one permission through two keys (a wildcard row
    /// and a concrete one, or its own `all` and a parent's) with different
    /// releases: required now and from a later release, or from two.
    #[error("requires `{key}` through two keys with different releases")]
    TwoReleases {
        /// The permission.
        key: String,
    },
    /// A role or gate whose `extends` chain comes back to it.
    #[error("extends itself through `{through}`")]
    ExtendsCycle {
        /// The role or gate its `extends` names.
        through: String,
    },
    /// Two roles with one name.
    #[error("defined twice (also in `{file}`)")]
    DuplicateRole {
        /// The file of the first definition.
        file: String,
    },
    /// Two gates with one name.
    #[error("defined twice (also in `{file}`)")]
    DuplicateGate {
        /// The file of the first definition.
        file: String,
    },
    /// Two gate names whose statics would have one name.
    #[error("static `{static_name}` also names gate `{other}`")]
    GateStaticClash {
        /// The static: `GATE_AMI_UI`.
        static_name: String,
        /// The other gate.
        other: String,
    },
    /// A gate name that is not an UpperCamelCase identifier.
    #[error("a gate name must be an UpperCamelCase identifier")]
    GateName,
    /// A gate name the generated `gates` module cannot declare.
    #[error("a gate cannot be called `Self`, `Gate` or `GateInfo`")]
    ReservedGateName,
    /// Two keys whose typed constants would have one name.
    #[error("constant `{constant}` also names `{other}`")]
    ConstantClash {
        /// The constant's path: `perm::journey::SEGMENT_VIEW`.
        constant: String,
        /// The other key.
        other: String,
    },
    /// A key whose module or constant name is not a Rust identifier: a
    /// domain or entity starting with a digit, or a domain that is a keyword.
    #[error("`{name}` is not a Rust identifier")]
    NotAnIdentifier {
        /// The module or constant name.
        name: String,
    },
    /// A Genesys Cloud domain whose module would be the CxEngage names'.
    #[error("module `cxengage` holds the CxEngage flat names")]
    ReservedModule,
    /// More permissions than a `u16` index holds.
    #[error("{count} permissions, more than 65535")]
    TooManyPermissions {
        /// How many the catalogs define.
        count: usize,
    },
    /// A platform key that is not three segments of ASCII letters and digits.
    #[error("a key must be `domain:entity:action` of ASCII letters and digits")]
    PlatformKey,
    /// An SDK version that is not `major.minor.patch`.
    #[error("`{value}` is not an SDK version (`major.minor.patch`)")]
    SdkVersion {
        /// The value as written.
        value: String,
    },
    /// An SDK release that is not `["YYYY-MM-DD", "major.minor.patch"]`
    /// with a date of the calendar.
    #[error("`[{date:?}, {version:?}]` is not `[\"YYYY-MM-DD\", \"major.minor.patch\"]`")]
    SdkRelease {
        /// The date as written.
        date: String,
        /// The version as written.
        version: String,
    },
    /// One SDK release given two dates.
    #[error("SDK {version} is dated {date} here but {other} elsewhere")]
    ReleaseDatedTwice {
        /// The version.
        version: String,
        /// The date given here.
        date: String,
        /// The date given first.
        other: String,
    },
    /// A key first seen after it was last seen (by version or by date).
    #[error("`first` is after `last`")]
    FirstAfterLast,
    /// `also_spelled` holding something other than other ASCII-case
    /// spellings of the key, each once, or an empty list.
    #[error(
        "`also_spelled` holds only other ASCII-case spellings of the key, each once (and is left out when there are none)"
    )]
    AlsoSpelled,
    /// A key marked current whose last release is not the latest.
    #[error("marked current, but last seen in SDK {last} and the latest is SDK {latest}")]
    CurrentNotInLatest {
        /// The key's last release.
        last: String,
        /// The latest release.
        latest: String,
    },
    /// A key marked removed that was last seen in the latest release (or later).
    #[error("marked removed, but last seen in SDK {last}, not before the latest (SDK {latest})")]
    RemovedInLatest {
        /// The key's last release.
        last: String,
        /// The latest release.
        latest: String,
    },
    /// A line of the SDK list that is blank or has spaces around its key.
    #[error("a line holds one key and nothing else")]
    SdkLine,
    /// An operation's method is not one the Platform API uses.
    #[error("`{method}` is not an HTTP method of the Platform API")]
    Method {
        /// The method as written.
        method: String,
    },
    /// An operation's path is not an `/api/v2/...` template of literal
    /// segments and whole `{name}` parameters.
    #[error("the path is not an `/api/v2/...` template of segments and `{{name}}` parameters")]
    PathTemplate,
    /// An operation's name or API group is not an ASCII identifier.
    #[error("`{value}` is not an operation name or API group (ASCII letters and digits)")]
    OperationName {
        /// The value as written.
        value: String,
    },
    /// A requirement entry is neither a permission key nor one of the
    /// non-permission entries the generator knows.
    #[error("requires `{entry}`, which is neither a permission key nor a known non-permission entry")]
    UnknownRequirement {
        /// The entry as written.
        entry: String,
    },
    /// A requirement lists no entry.
    #[error("a requirement lists no entry")]
    EmptyRequirement,
    /// One method and path listed twice with different operation names,
    /// requirements or deprecation.
    #[error("listed again (under `{api}`) with a different name, requirement or deprecation")]
    OperationDiffers {
        /// The API group of the second listing.
        api: String,
    },
    /// The file's SDK version is not a release the history dates.
    #[error("SDK {version} is not a release the history knows")]
    UnknownSdkVersion {
        /// The version as written.
        version: String,
    },
    /// An SDK list without keys.
    #[error("lists no permission")]
    EmptySdkList,
    /// A history key marked current that the SDK list does not have in
    /// this spelling.
    #[error("marked current but not in the SDK list (in this spelling)")]
    CurrentNotInSdk,
    /// A history key marked removed that the SDK list has.
    #[error("marked removed but in the SDK list")]
    RemovedButInSdk,
    /// An SDK key the history does not have in this spelling.
    #[error("missing from the history (in this spelling)")]
    MissingFromHistory,
}
