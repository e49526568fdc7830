//! The workload every engine is built from: one catalog, three roles, two
//! users holding them in divisions, and the benchmarked questions, all in
//! lowercase API-key form.
//!
//! A question asks about a *principal*, named by a string: a role (`lbp-agent`),
//! a user in every division (`ana`), or a user in one division (`ana@d-east`).

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
/// The user of the benchmarked user questions.
pub const ANA: &str = "ana";

/// The key the workload adds to the seed documents' AMI standard role: the
/// role publishes `conversation:communication:transfer`, which no Platform API
/// endpoint requires; the queue transfer (`postConversationParticipantReplaceQueue`)
/// takes `blindTransfer` or `blindTransferQueue`, the email transfer
/// (`postConversationsEmailParticipantReplace`) `blindTransfer` alone, so a role
/// that passes `AmiStandardUser` holds `blindTransfer` (`catalogs/ami-r3.json`, notes).
pub const AMI_TRANSFER: &str = "conversation:communication:blindtransfer";

/// Roles held, each in every division (`None`) or in one.
type Held = &'static [(&'static str, Option<&'static str>)];

/// The users and the roles they hold.
const USERS: &[(&str, Held)] = &[
    (ANA, &[(LBP, None), (WILDCARDS, Some("d-east")), (AMI, Some("d-west"))]),
    ("bo", &[(AMI, None), (WILDCARDS, Some("d-west")), (LBP, Some("d-east"))]),
];

/// The divisions user questions are asked in, besides every division: the
/// ones the users' grants name, and one none names.
pub const DIVISIONS: &[&str] = &["d-east", "d-west", "d-north"];

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

/// The benchmarked user questions: `ana` holds `lbp-agent` in every division,
/// `wildcards` in `d-east` and the AMI role in `d-west`.
const USER_QUESTIONS: &[(&str, Kind, &str)] = &[
    (ANA, Kind::Hit, "routing:queue:join"),
    (ANA, Kind::Miss, "routing:queue:edit"),
    ("ana@d-east", Kind::WildcardHit, "routing:queue:edit"),
    ("ana@d-east", Kind::Miss, "directory:user:edit"),
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

/// A user: the roles it holds, each in every division or in one.
#[derive(Debug, Clone)]
pub struct UserDef {
    /// The user's name (no `@`).
    pub name: String,
    /// Role names, each with its division (`None`: every division).
    pub roles: Vec<(String, Option<String>)>,
}

impl UserDef {
    /// The divisions its grants name, sorted, each once.
    pub fn divisions(&self) -> Vec<&str> {
        let named: std::collections::BTreeSet<&str> = self.roles.iter().filter_map(|(_, d)| d.as_deref()).collect();
        named.into_iter().collect()
    }
}

/// Who a question asks about, as [`Workload::principal`] reads its name.
#[derive(Debug, Clone, Copy)]
pub enum Who<'w> {
    /// A role.
    Role(&'w RoleDef),
    /// A user, in every division (`None`) or in one.
    User(&'w UserDef, Option<&'w str>),
}

/// A benchmarked question.
#[derive(Debug, Clone)]
pub struct Question {
    /// The principal asked about: a role, `user` or `user@division`.
    pub who: String,
    /// What the question exercises.
    pub kind: Kind,
    /// A lowercase `domain:entity:action` key.
    pub permission: String,
}

/// The catalog, the roles and the questions.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The builtin catalog plus the organization's catalog.
    pub catalog: Catalog,
    /// The roles.
    pub roles: Vec<RoleDef>,
    /// The users, holding roles of [`roles`](Self::roles).
    pub users: Vec<UserDef>,
    /// The benchmarked questions about roles, each checked against the reference.
    pub questions: Vec<Question>,
    /// The benchmarked questions about users.
    pub user_questions: Vec<Question>,
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
            role(
                AMI,
                ami.grants
                    .iter()
                    .copied()
                    .chain([AMI_TRANSFER])
                    .map(str::to_owned)
                    .collect(),
            ),
            role(
                LBP,
                lbp.grants.iter().flat_map(|g| g.permissions.iter().cloned()).collect(),
            ),
            role(WILDCARDS, WILDCARD_GRANTS.iter().map(|g| (*g).to_owned()).collect()),
        ];
        let users = USERS
            .iter()
            .map(|(name, roles)| UserDef {
                name: (*name).to_owned(),
                roles: roles
                    .iter()
                    .map(|(role, division)| ((*role).to_owned(), division.map(str::to_owned)))
                    .collect(),
            })
            .collect();
        let workload = Self {
            catalog,
            roles,
            users,
            questions: questions(QUESTIONS),
            user_questions: questions(USER_QUESTIONS),
        };
        workload.check_questions()?;
        Ok(workload)
    }

    /// A workload of one role, `many`, over the builtin catalog, holding
    /// `count` keys no catalog knows (`acme{i}:widget:view`) and `count`
    /// patterns of domains no catalog knows (`zeta{i}:gadget:*`); its
    /// questions are a key granted exactly, one under a pattern, and one
    /// granted by neither (`acme:widget:edit`).
    ///
    /// # Errors
    ///
    /// When a question is not of its kind.
    pub fn unknown_keys(count: usize) -> Result<Self, Error> {
        let grants = (0..count)
            .map(|i| format!("acme{i}:widget:view"))
            .chain((0..count).map(|i| format!("zeta{i}:gadget:*")))
            .collect();
        let half = count / 2;
        let question = |kind, permission: String| Question {
            who: UNKNOWN_ROLE.to_owned(),
            kind,
            permission,
        };
        let workload = Self {
            catalog: Catalog::builtin().clone(),
            roles: vec![RoleDef {
                name: UNKNOWN_ROLE.to_owned(),
                grants,
            }],
            users: Vec::new(),
            questions: vec![
                question(Kind::Hit, format!("acme{half}:widget:view")),
                question(Kind::WildcardHit, format!("zeta{half}:gadget:view")),
                question(Kind::Miss, "acme:widget:edit".to_owned()),
            ],
            user_questions: Vec::new(),
        };
        workload.check_questions()?;
        Ok(workload)
    }

    fn check_questions(&self) -> Result<(), Error> {
        for question in self.questions.iter().chain(&self.user_questions) {
            let exact = match self.principal(&question.who) {
                Some(Who::Role(role)) => role.grants.contains(&question.permission),
                Some(Who::User(user, division)) => user.roles.iter().any(|(role, held)| {
                    (held.is_none() || held.as_deref() == division)
                        && self
                            .role(role)
                            .is_some_and(|role| role.grants.contains(&question.permission))
                }),
                None => return Err(format!("a question names `{}`, no role or user", question.who).into()),
            };
            let kind = match (self.reference(&question.who, &question.permission), exact) {
                (false, _) => Kind::Miss,
                (true, true) => Kind::Hit,
                (true, false) => Kind::WildcardHit,
            };
            if kind != question.kind {
                return Err(format!("`{}` for `{}` is a {}", question.permission, question.who, kind.label()).into());
            }
        }
        Ok(())
    }

    /// The role named `name`.
    pub fn role(&self, name: &str) -> Option<&RoleDef> {
        self.roles.iter().find(|role| role.name == name)
    }

    /// The user named `name`.
    pub fn user(&self, name: &str) -> Option<&UserDef> {
        self.users.iter().find(|user| user.name == name)
    }

    /// Who `who` names: a role, a user (`ana`) or a user in a division
    /// (`ana@d-east`); `None` for a name neither.
    pub fn principal<'w>(&'w self, who: &'w str) -> Option<Who<'w>> {
        if let Some((user, division)) = who.split_once('@') {
            return self.user(user).map(|user| Who::User(user, Some(division)));
        }
        self.role(who)
            .map(Who::Role)
            .or_else(|| self.user(who).map(|user| Who::User(user, None)))
    }

    /// Whether the catalog counts `key` division-aware: a key it does not
    /// know is (the safe side).
    pub fn division_aware(&self, key: &str) -> bool {
        self.catalog
            .lookup(key)
            .is_none_or(|permission| self.catalog.is_division_aware(permission))
    }

    /// The roles a user's grants bring to bear on `key` in `division`
    /// (`None`: every division): those held in every division or in that
    /// one, and any of them when `key` is not division-aware.
    pub fn roles_in_reach<'w>(
        &'w self,
        user: &'w UserDef,
        division: Option<&'w str>,
        key: &str,
    ) -> impl Iterator<Item = &'w RoleDef> + 'w {
        let anywhere = !self.division_aware(key);
        user.roles
            .iter()
            .filter(move |(_, held)| anywhere || held.is_none() || held.as_deref() == division)
            .filter_map(|(role, _)| self.role(role))
    }

    /// The reference answer: whether a grant of the role, or of a role in
    /// the user's reach ([`roles_in_reach`](Self::roles_in_reach)), [`covers`]
    /// `permission`. A name that is neither is denied.
    pub fn reference(&self, who: &str, permission: &str) -> bool {
        let allows = |role: &RoleDef| role.grants.iter().any(|grant| covers(grant, permission));
        match self.principal(who) {
            Some(Who::Role(role)) => allows(role),
            Some(Who::User(user, division)) => self.roles_in_reach(user, division, permission).any(allows),
            None => false,
        }
    }

    /// Every principal questions may name: each role, each user in every
    /// division and in each of [`DIVISIONS`].
    pub fn principals(&self) -> Vec<String> {
        let roles = self.roles.iter().map(|role| role.name.clone());
        let users = self.users.iter().flat_map(|user| {
            std::iter::once(user.name.clone()).chain(DIVISIONS.iter().map(|d| format!("{}@{d}", user.name)))
        });
        roles.chain(users).collect()
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

/// The role of [`Workload::unknown_keys`].
pub const UNKNOWN_ROLE: &str = "many";

fn questions(list: &[(&str, Kind, &str)]) -> Vec<Question> {
    list.iter()
        .map(|&(who, kind, permission)| Question {
            who: who.to_owned(),
            kind,
            permission: permission.to_owned(),
        })
        .collect()
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
