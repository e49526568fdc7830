//! The workload every engine is built from: one catalog, three roles, and the
//! benchmarked questions, all in lowercase API-key form.

use std::path::PathBuf;

use permgate::Catalog;
use permgate::genesys::RoleFile;

use crate::Error;

/// The AMI standard role of the seed documents.
pub const AMI: &str = "ami-standard";
/// The real role `lbp-agent.json`.
pub const LBP: &str = "lbp-agent";
/// A role made mostly of wildcard grants.
pub const WILDCARDS: &str = "wildcards";

/// The wildcard-heavy role's grants.
const WILDCARD_GRANTS: &[&str] = &[
    "journey:*:*",
    "routing:queue:*",
    "conversation:*:view",
    "analytics:*:*",
    "directory:user:view",
    "presence:presencedefinition:view",
    "routing:wrapupcode:view",
    "ui:agentdashboardstatus:view",
];

/// The benchmarked questions: per role, a hit, a miss and a hit through a
/// wildcard (`lbp-agent.json` has no wildcard grant). All are in the catalog
/// except `attributes:attribute:edit`: the AMI role's patterns cover no
/// catalog key, so its wildcard hit is a key only the pattern allows.
const QUESTIONS: &[(&str, Kind, &str)] = &[
    (AMI, Kind::Hit, "routing:queue:view"),
    (AMI, Kind::Miss, "routing:queue:edit"),
    (AMI, Kind::WildcardHit, "attributes:attribute:edit"),
    (LBP, Kind::Hit, "routing:queue:join"),
    (LBP, Kind::Miss, "directory:user:edit"),
    (WILDCARDS, Kind::Hit, "directory:user:view"),
    (WILDCARDS, Kind::Miss, "conversation:email:park"),
    (WILDCARDS, Kind::WildcardHit, "journey:actionmap:edit"),
];

/// What a benchmarked question exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Allowed by an exact grant.
    Hit,
    /// Not allowed.
    Miss,
    /// Allowed only through a wildcard grant.
    WildcardHit,
}

impl Kind {
    /// The kind as the tables print it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Hit => "hit",
            Kind::Miss => "miss",
            Kind::WildcardHit => "wildcard hit",
        }
    }
}

/// A role: its name and its grants as lowercase keys, patterns included.
#[derive(Debug, Clone)]
pub struct RoleDef {
    /// The role's name.
    pub name: String,
    /// Lowercase `domain:entity:action` keys; `*` may stand for the entity or the action.
    pub grants: Vec<String>,
}

/// A benchmarked question.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    /// The role asked about.
    pub role: &'static str,
    /// What the question exercises.
    pub kind: Kind,
    /// A lowercase `domain:entity:action` key.
    pub permission: &'static str,
}

/// The catalog, the roles and the questions.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The builtin catalog plus the organization's catalog.
    pub catalog: Catalog,
    /// The three roles.
    pub roles: Vec<RoleDef>,
    /// The benchmarked questions, each checked against [`covers`].
    pub questions: Vec<Question>,
}

impl Workload {
    /// The Genesys Cloud data directory: `$PERMGATE_DATA`, or
    /// `../shared/data/genesys-cloud` next to the main crate.
    pub fn data_dir() -> PathBuf {
        std::env::var_os("PERMGATE_DATA").map_or_else(
            || {
                PathBuf::from(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../../shared/data/genesys-cloud"
                ))
            },
            PathBuf::from,
        )
    }

    /// Reads a file of the data directory.
    ///
    /// # Errors
    ///
    /// When the file cannot be read; the message names it.
    pub fn read(relative: &str) -> Result<String, Error> {
        let path = Self::data_dir().join(relative);
        std::fs::read_to_string(&path).map_err(|e| format!("reading `{}`: {e}", path.display()).into())
    }

    /// The organization's catalog (`permissions-catalog.json`).
    ///
    /// # Errors
    ///
    /// When it cannot be read.
    pub fn org_catalog_json() -> Result<String, Error> {
        Self::read("permissions-catalog.json")
    }

    /// The real role file `roles/lbp-agent.json`.
    ///
    /// # Errors
    ///
    /// When it cannot be read.
    pub fn lbp_agent_json() -> Result<String, Error> {
        Self::read("roles/lbp-agent.json")
    }

    /// Loads the catalogs and the roles, and checks that every question is
    /// of its kind.
    ///
    /// # Errors
    ///
    /// Missing or malformed data, or a question whose answer is not its kind.
    pub fn load() -> Result<Self, Error> {
        let catalog = permgate::genesys::org_catalog(Catalog::builtin(), &Self::org_catalog_json()?)?;
        let ami = permgate::builtins::role("AMI R3|standard user role")
            .ok_or("the builtin catalog has no AMI standard role")?;
        let file = RoleFile::parse(&Self::lbp_agent_json()?)?;
        let lbp = file.roles.first().ok_or("lbp-agent.json holds no role")?;
        let role = |name: &str, grants: Vec<String>| RoleDef {
            name: name.to_owned(),
            grants: grants.iter().map(|g| g.to_ascii_lowercase()).collect(),
        };
        let roles = vec![
            role(AMI, ami.grants.iter().map(|g| (*g).to_owned()).collect()),
            role(
                LBP,
                lbp.grants.iter().flat_map(|g| g.permissions.iter().cloned()).collect(),
            ),
            role(WILDCARDS, WILDCARD_GRANTS.iter().map(|g| (*g).to_owned()).collect()),
        ];
        let workload = Self {
            catalog,
            roles,
            questions: QUESTIONS
                .iter()
                .map(|&(role, kind, permission)| Question { role, kind, permission })
                .collect(),
        };
        workload.check_questions()?;
        Ok(workload)
    }

    fn check_questions(&self) -> Result<(), Error> {
        for question in &self.questions {
            let role = self.role(question.role).ok_or("a question names no role")?;
            let exact = role.grants.iter().any(|g| g == question.permission);
            let kind = match (self.reference(question.role, question.permission), exact) {
                (false, _) => Kind::Miss,
                (true, true) => Kind::Hit,
                (true, false) => Kind::WildcardHit,
            };
            if kind != question.kind {
                return Err(format!(
                    "`{}` for `{}` is a {}",
                    question.permission,
                    question.role,
                    kind.label()
                )
                .into());
            }
        }
        Ok(())
    }

    /// The role named `name`.
    pub fn role(&self, name: &str) -> Option<&RoleDef> {
        self.roles.iter().find(|role| role.name == name)
    }

    /// The reference answer: whether a grant of `role` [`covers`] `permission`.
    pub fn reference(&self, role: &str, permission: &str) -> bool {
        self.role(role)
            .is_some_and(|role| role.grants.iter().any(|grant| covers(grant, permission)))
    }

    /// Every concrete catalog key in lowercase (wildcard rows left out), in
    /// catalog order: the permissions the other engines enumerate.
    pub fn concrete_keys(&self) -> Vec<String> {
        self.catalog
            .iter()
            .map(|p| p.key().to_ascii_lowercase())
            .filter(|key| !key.contains('*'))
            .collect()
    }
}

/// The semantics all engines implement: whether `grant` covers `key`.
/// Both split on `:` into the same number of segments; each grant segment is
/// `*` (any one whole segment) or equal ignoring ASCII case.
///
/// ```
/// use permgate_compare::covers;
///
/// assert!(covers("journey:*:view", "journey:segment:view"));
/// assert!(!covers("journey:*:view", "journey:segment:viewer"));
/// assert!(!covers("journey:*:view", "journey:segment:view:x"));
/// assert!(covers("routing:queue:join", "ROUTING:queue:join"));
/// ```
pub fn covers(grant: &str, key: &str) -> bool {
    let mut grant = grant.split(':');
    let mut key = key.split(':');
    loop {
        match (grant.next(), key.next()) {
            (None, None) => return true,
            (Some(g), Some(k)) if g == "*" || g.eq_ignore_ascii_case(k) => {}
            _ => return false,
        }
    }
}
