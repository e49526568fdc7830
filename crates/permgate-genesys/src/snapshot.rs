//! A snapshot of an organization: the folder `permgate pull` writes, with
//! the Platform API's own bodies and a manifest, read back as one
//! [`Snapshot`].
//!
//! # The folder
//!
//! Each listing holds every page the API sent, merged into one listing of
//! the same model ([`listings::merge`]): `entities` is every entity in page
//! order, as the API wrote it; `pageNumber` and `pageCount` are 1, `total`
//! and `pageSize` the number of entities; there is no `nextUri`.
//!
//! | file | body | endpoint |
//! |---|---|---|
//! | [`MANIFEST`] `manifest.json` | [`Manifest`] | |
//! | [`ORGANIZATION`] `organization.json` | the SDK's `Organization`, as returned | `GET /api/v2/organizations/me` (no permission) |
//! | [`ROLES`] `roles.json` | `OrganizationRoleEntityListing` | `GET /api/v2/authorization/roles` (`authorization:role:view`) |
//! | [`PERMISSIONS`] `permissions.json` | `PermissionCollectionEntityListing` (one entity per domain) | `GET /api/v2/authorization/permissions` (no permission) |
//! | [`DIVISIONS`] `divisions.json` | `AuthzDivisionEntityListing` | `GET /api/v2/authorization/divisions` (no permission) |
//! | [`USERS`] `users.json` | `UserEntityListing`, each user with its `authorization` | `GET /api/v2/users?expand=authorization` (none listed) |
//! | [`PRODUCTS`] `products.json` | `OrganizationProductEntityListing` | `GET /api/v2/authorization/products` (no permission) |
//!
//! The manifest (camelCase, like the API) names the format and its version,
//! the organization, the region (`null` when only an API base URL was
//! given), the API base URL, when the pull was made (UTC, RFC 3339, whole
//! seconds) and the number of entities of each listing:
//!
//! ```json
//! {"format": "permgate-snapshot", "version": 1,
//!  "organization": {"id": "…", "name": "…"}, "region": "us-east-1",
//!  "apiBase": "https://api.mypurecloud.com", "pulledAt": "2026-12-07T17:30:00Z",
//!  "counts": {"roles": 2, "permissions": 40, "divisions": 3, "users": 120, "products": 9}}
//! ```
//!
//! A snapshot never holds a credential: no client id, secret or token.
//!
//! # Writing and reading
//!
//! [`write()`] writes the files into a temporary folder beside the target,
//! each file synced, the manifest last, reads the whole folder back as a
//! [`Snapshot`], and only then renames it into place: a folder that is
//! there is complete and readable, and a failed write leaves neither the
//! folder nor the temporary one. The target must not exist (no overwrite:
//! write a new folder, then move or remove the old one yourself).
//!
//! [`Snapshot::read`] checks every file: a missing file, another kind of
//! document (users in `roles.json`), a truncated one, a count that
//! disagrees with the manifest, an `organization.json` of another
//! organization are each a [`SnapshotError`] naming the file (and the JSON
//! path where there is one). A folder without its manifest (a write that
//! did not finish) is [`SnapshotError::NotASnapshot`]. Each file is read up
//! to [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES), `users.json` up to
//! [`MAX_USERS_JSON_BYTES`].
//!
//! ```
//! use std::time::SystemTime;
//! use permgate::Catalog;
//! use permgate::genesys::snapshot::{self, Counts, Manifest, Snapshot};
//! use permgate::genesys::wire::Organization;
//!
//! let mut organization = Organization::default();
//! organization.id = "o-1".into();
//! organization.name = Some("Acme".into());
//! let mut counts = Counts::default();
//! (counts.roles, counts.users, counts.divisions) = (1, 2, 1);
//! let manifest = Manifest::new(organization, Some("us-east-1".into()), "https://api.mypurecloud.com".into(),
//!     SystemTime::now(), counts);
//! let roles = r#"{"entities": [{"id": "r-1", "name": "agent", "permissionPolicies": [
//!   {"domain": "routing", "entityName": "queue", "actionSet": ["join"]}]}]}"#;
//! let users = r#"{"entities": [
//!   {"id": "u-1", "name": "Ana", "email": "ana@example.com", "authorization": {"permissions": ["routing:queue:join"]}},
//!   {"id": "u-2", "name": "Bo", "authorization": {"permissions": []}}]}"#;
//! let bodies = [
//!     (snapshot::ORGANIZATION, r#"{"id": "o-1", "name": "Acme"}"#),
//!     (snapshot::ROLES, roles),
//!     (snapshot::PERMISSIONS, r#"{"entities": []}"#),
//!     (snapshot::DIVISIONS, r#"{"entities": [{"id": "d-1", "name": "Home"}]}"#),
//!     (snapshot::USERS, users),
//!     (snapshot::PRODUCTS, r#"{"entities": []}"#),
//! ];
//! # let dir = std::env::temp_dir().join(format!("permgate-snapshot-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! snapshot::write(&dir, &manifest, &bodies)?;
//! let snapshot = Snapshot::read(&dir, Catalog::builtin())?;
//! assert_eq!(snapshot.manifest().organization.id, "o-1");
//! assert_eq!(snapshot.roles().roles[0].name, "agent");
//! assert_eq!(snapshot.user("ana@example.com")?.id.as_deref(), Some("u-1"));
//! let policy = snapshot.policy()?;
//! assert!(policy.allows(policy.role("agent").unwrap(), "routing:queue:join")?);
//! // The folder is there: it is not written over.
//! assert!(snapshot::write(&dir, &manifest, &bodies).is_err());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::json::{self, JsonError};
use crate::kind::Kind;
use crate::listings::{self, Limits};
use crate::wire::{self, AuthzDivision, DomainOrganizationProduct, Organization, PermissionCollectionEntityListing};
use crate::{RoleFile, UserAuthorization, org_catalog};
use permgate_core::text::{Escaped, Prose};
use permgate_core::{BuildError, Catalog, Policy};

/// The manifest: [`Manifest`].
pub const MANIFEST: &str = "manifest.json";
/// The organization: `GET /api/v2/organizations/me`.
pub const ORGANIZATION: &str = "organization.json";
/// The roles: `GET /api/v2/authorization/roles`, merged.
pub const ROLES: &str = "roles.json";
/// The organization's permission catalog: `GET /api/v2/authorization/permissions`, merged.
pub const PERMISSIONS: &str = "permissions.json";
/// The divisions: `GET /api/v2/authorization/divisions`, merged.
pub const DIVISIONS: &str = "divisions.json";
/// The users with their authorization: `GET /api/v2/users?expand=authorization`, merged.
pub const USERS: &str = "users.json";
/// The organization's products: `GET /api/v2/authorization/products`, merged.
pub const PRODUCTS: &str = "products.json";

/// The files that hold the API's bodies, in the order [`write()`] writes
/// them (the manifest comes after them all).
pub const BODIES: [&str; 6] = [ORGANIZATION, ROLES, PERMISSIONS, DIVISIONS, USERS, PRODUCTS];

/// The manifest's `format`.
pub const FORMAT: &str = "permgate-snapshot";

/// The manifest's `version` this module reads and writes.
pub const VERSION: u32 = 1;

/// The largest `users.json` read, in bytes (512 MiB): every user of a large
/// organization with its authorization, well past one page's
/// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES).
pub const MAX_USERS_JSON_BYTES: usize = 512 * 1024 * 1024;

/// The most users `users.json` may list.
pub const MAX_USERS: usize = 1_000_000;

/// How many entities each listing of a snapshot holds (for
/// `permissions.json`, one per domain).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Counts {
    /// `roles.json`.
    pub roles: usize,
    /// `permissions.json`: the domains of the catalog.
    pub permissions: usize,
    /// `divisions.json`.
    pub divisions: usize,
    /// `users.json`.
    pub users: usize,
    /// `products.json`.
    pub products: usize,
}

/// `manifest.json`: what the snapshot is, of which organization, from
/// where, when, and how many entities each listing holds. Never a
/// credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The organization (`id`, `name`), as `organization.json` has it.
    pub organization: Organization,
    /// The region pulled from (`us-east-1`); `None` when only an API base
    /// URL was given.
    #[serde(default)]
    pub region: Option<String>,
    /// The Platform API's base URL (`https://api.mypurecloud.com`).
    pub api_base: String,
    /// When the pull was made: UTC, RFC 3339, whole seconds.
    pub pulled_at: String,
    /// The entities of each listing.
    pub counts: Counts,
}

impl Manifest {
    /// The manifest of a snapshot of `organization`, pulled from `api_base`
    /// (in `region`, when one was given) at `pulled_at`.
    pub fn new(
        organization: Organization,
        region: Option<String>,
        api_base: String,
        pulled_at: SystemTime,
        counts: Counts,
    ) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            organization,
            region,
            api_base,
            pulled_at: wire::timestamp(pulled_at),
            counts,
        }
    }
}

/// Why a snapshot could not be read or written. Every variant about a file
/// names it; [`SnapshotError::Json`] names the JSON path too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The folder has no `manifest.json`: not a snapshot, or one whose
    /// write did not finish.
    #[error("`{}` is not a snapshot: it has no {MANIFEST}", Escaped(&.dir.display().to_string()))]
    NotASnapshot {
        /// The folder.
        dir: PathBuf,
    },
    /// A file of the snapshot is missing.
    #[error("{file}: missing from the snapshot")]
    Missing {
        /// The file.
        file: &'static str,
    },
    /// A file or folder could not be read or written.
    #[error("{}: {}", Escaped(.file), Prose(.message))]
    Io {
        /// The file (or the folder's path).
        file: String,
        /// What the system said.
        message: String,
    },
    /// A file's JSON: too large, not JSON (a truncated file), another kind
    /// of document, or a problem at a JSON path.
    #[error("{file}: {error}")]
    Json {
        /// The file.
        file: &'static str,
        /// What is wrong, and where.
        error: JsonError,
    },
    /// The manifest is not a `permgate-snapshot` of a version this module
    /// reads.
    #[error("{MANIFEST}: {}", Prose(.problem))]
    Format {
        /// What is wrong.
        problem: String,
    },
    /// A file disagrees with the manifest: its number of entities, or
    /// another organization.
    #[error("{file}: {}", Prose(.problem))]
    Mismatch {
        /// The file.
        file: &'static str,
        /// What disagrees.
        problem: String,
    },
    /// A role of `roles.json` could not be added to the policy.
    #[error("{ROLES}: role `{}`: {error}", Escaped(.role))]
    Role {
        /// The role's name.
        role: String,
        /// Why.
        error: Box<BuildError>,
    },
    /// No user of `users.json` has that id, email, username or name.
    #[error("{USERS}: no user has the id, email, username or name `{}`", Escaped(.who))]
    UnknownUser {
        /// As asked.
        who: String,
    },
    /// Several users match (two users with one name): ask by id.
    #[error("{USERS}: {} users match `{}`: ask by id ({})", .ids.len(), Escaped(.who), Escaped(&.ids.join(", ")))]
    AmbiguousUser {
        /// As asked.
        who: String,
        /// The ids of the users that match (`?` for one without an id).
        ids: Vec<String>,
    },
    /// [`write()`]'s target exists: a snapshot is never written over.
    #[error("`{}` exists: a snapshot is written to a new folder", Escaped(&.dir.display().to_string()))]
    Exists {
        /// The target.
        dir: PathBuf,
    },
    /// [`write()`] was not given each of [`BODIES`] once.
    #[error("the bodies to write: {}", Prose(.problem))]
    Bodies {
        /// What is wrong.
        problem: String,
    },
}

impl SnapshotError {
    /// The snapshot's file the error is about, when it is about one.
    pub fn file(&self) -> Option<&str> {
        match self {
            SnapshotError::Missing { file }
            | SnapshotError::Json { file, .. }
            | SnapshotError::Mismatch { file, .. } => Some(file),
            SnapshotError::Io { file, .. } => Some(file),
            SnapshotError::Format { .. } => Some(MANIFEST),
            SnapshotError::Role { .. } => Some(ROLES),
            SnapshotError::UnknownUser { .. } | SnapshotError::AmbiguousUser { .. } => Some(USERS),
            SnapshotError::NotASnapshot { .. } | SnapshotError::Exists { .. } | SnapshotError::Bodies { .. } => None,
        }
    }
}

/// An organization as a snapshot folder holds it, every file read and
/// checked: [`Snapshot::read`].
#[derive(Debug, Clone)]
pub struct Snapshot {
    manifest: Manifest,
    catalog: Catalog,
    roles: RoleFile,
    users: Vec<UserAuthorization>,
    divisions: Vec<AuthzDivision>,
    products: Vec<DomainOrganizationProduct>,
}

const EXPECTED_PERMISSIONS: &str =
    "a domain's permissions (`DomainPermissionCollection`: `domain` and `permissionMap`, no role or user fields)";
const EXPECTED_ROLE: &str = "a role (`DomainOrganizationRole`: `name` and `permissionPolicies`)";

impl Snapshot {
    /// Reads and checks every file of the snapshot folder `dir`: the
    /// organization's catalog over `base` (usually [`Catalog::builtin`]),
    /// its roles, divisions, users and products.
    ///
    /// A role that does not load (a condition permgate cannot read) is in
    /// [`roles`](Self::roles)' `errors`, as a role file reports it; a user
    /// that does not load fails the read (what it may do would be unknown).
    ///
    /// # Errors
    ///
    /// No manifest ([`SnapshotError::NotASnapshot`]), a manifest of another
    /// format or version, a missing file, a file too large, not JSON, of
    /// another kind or wrong at a JSON path, a count that disagrees with the
    /// manifest, an `organization.json` of another organization: each names
    /// the file.
    pub fn read(dir: &Path, base: &Catalog) -> Result<Snapshot, SnapshotError> {
        let text = match read_text(dir, MANIFEST, crate::MAX_JSON_BYTES) {
            Err(SnapshotError::Missing { .. }) => return Err(SnapshotError::NotASnapshot { dir: dir.to_owned() }),
            other => other?,
        };
        let manifest: Manifest = wire::from_str(&text).map_err(in_file(MANIFEST))?;
        if manifest.format != FORMAT {
            return Err(SnapshotError::Format {
                problem: format!("`format` is `{}`, not `{FORMAT}`", Escaped(&manifest.format)),
            });
        }
        if manifest.version != VERSION {
            return Err(SnapshotError::Format {
                problem: format!(
                    "`version` is {}; this permgate reads version {VERSION}",
                    manifest.version
                ),
            });
        }
        let counts = manifest.counts;

        let text = read_text(dir, ORGANIZATION, crate::MAX_JSON_BYTES)?;
        let organization: Organization = wire::from_str(&text).map_err(in_file(ORGANIZATION))?;
        if organization.id != manifest.organization.id {
            return Err(SnapshotError::Mismatch {
                file: ORGANIZATION,
                problem: format!(
                    "the organization `{}` is not the manifest's `{}`",
                    Escaped(&organization.id),
                    Escaped(&manifest.organization.id)
                ),
            });
        }

        let text = read_text(dir, ROLES, crate::MAX_JSON_BYTES)?;
        // Another document's entities (users, subjects) fail the file; an
        // entity that is merely not a role is that role's error, as a role
        // file reports it, unless no role loads at all (divisions as roles).
        let listed = listings::entities_within(
            &text,
            EXPECTED_ROLE,
            |kind| {
                matches!(
                    kind,
                    Kind::Subject | Kind::User | Kind::Authorization | Kind::Account | Kind::Terraform
                )
            },
            Limits::ROLES,
        )
        .map_err(in_file(ROLES))?
        .len();
        same_count(ROLES, listed, counts.roles)?;
        let roles = RoleFile::parse(&text).map_err(in_file(ROLES))?;
        if roles.roles.is_empty() {
            let first = roles.errors.first().map(|error| &error.error);
            if let Some(error @ JsonError::WrongKind { .. }) = first {
                if roles
                    .errors
                    .iter()
                    .all(|e| matches!(e.error, JsonError::WrongKind { .. }))
                {
                    return Err(SnapshotError::Json {
                        file: ROLES,
                        error: error.clone(),
                    });
                }
            }
        }

        let text = read_text(dir, PERMISSIONS, crate::MAX_JSON_BYTES)?;
        let listed = listings::entities_within(
            &text,
            EXPECTED_PERMISSIONS,
            listings::is_authorization_document,
            Limits::PAGE,
        )
        .map_err(in_file(PERMISSIONS))?
        .len();
        same_count(PERMISSIONS, listed, counts.permissions)?;
        let collections: PermissionCollectionEntityListing =
            json::read_document(&text).map_err(in_file(PERMISSIONS))?;
        let root = json::Path::root();
        let entities = root.field("entities");
        for (n, collection) in collections.entities.iter().enumerate() {
            if collection.permission_map.is_none() {
                return Err(SnapshotError::Json {
                    file: PERMISSIONS,
                    error: json::missing(&entities.index(n), "permissionMap"),
                });
            }
        }
        let catalog = org_catalog(base, &text).map_err(in_file(PERMISSIONS))?;

        let text = read_text(dir, DIVISIONS, crate::MAX_JSON_BYTES)?;
        let divisions = listings::divisions(&text).map_err(in_file(DIVISIONS))?;
        same_count(DIVISIONS, divisions.len(), counts.divisions)?;

        let text = read_text(dir, USERS, MAX_USERS_JSON_BYTES)?;
        let users = UserAuthorization::parse_listing_within(&text, Limits::USERS).map_err(in_file(USERS))?;
        same_count(USERS, users.len(), counts.users)?;
        drop(text);

        let text = read_text(dir, PRODUCTS, crate::MAX_JSON_BYTES)?;
        let products = listings::products(&text).map_err(in_file(PRODUCTS))?;
        same_count(PRODUCTS, products.len(), counts.products)?;

        Ok(Snapshot {
            manifest,
            catalog,
            roles,
            users,
            divisions,
            products,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The catalog: the base catalog given to [`read`](Self::read) with the
    /// organization's own permissions.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The roles: those that loaded, and an error for each that did not.
    pub fn roles(&self) -> &RoleFile {
        &self.roles
    }

    /// Every user with its authorization, in the listing's order.
    pub fn users(&self) -> &[UserAuthorization] {
        &self.users
    }

    /// The divisions.
    pub fn divisions(&self) -> &[AuthzDivision] {
        &self.divisions
    }

    /// The organization's products.
    pub fn products(&self) -> &[DomainOrganizationProduct] {
        &self.products
    }

    /// A policy over [`catalog`](Self::catalog) with every role that
    /// loaded, each by its name (users are added by the caller, as
    /// [`UserAuthorization::definition`] gives them).
    ///
    /// # Errors
    ///
    /// A role the policy refuses (two roles of one name), as
    /// [`SnapshotError::Role`].
    pub fn policy(&self) -> Result<Policy, SnapshotError> {
        let mut builder = Policy::builder(&self.catalog);
        for role in &self.roles.roles {
            builder.add_role_definition(role).map_err(|error| SnapshotError::Role {
                role: role.name.clone(),
                error: Box::new(error),
            })?;
        }
        Ok(builder.build())
    }

    /// The user `who` is: the one whose `id` is `who`; else whose `email`
    /// or `username` is (ASCII case ignored); else whose `name` is. Exact
    /// otherwise: no prefix, no trimming.
    ///
    /// # Errors
    ///
    /// No such user ([`SnapshotError::UnknownUser`]); several users at the
    /// first of those steps that matches any, such as two users of one
    /// name ([`SnapshotError::AmbiguousUser`], with their ids).
    pub fn user(&self, who: &str) -> Result<&UserAuthorization, SnapshotError> {
        let steps: [&dyn Fn(&UserAuthorization) -> bool; 3] = [
            &|user| user.id.as_deref() == Some(who),
            &|user| {
                [&user.email, &user.username]
                    .into_iter()
                    .any(|field| field.as_deref().is_some_and(|text| text.eq_ignore_ascii_case(who)))
            },
            &|user| user.name.as_deref() == Some(who),
        ];
        for matches in steps {
            let found: Vec<&UserAuthorization> = self.users.iter().filter(|user| matches(user)).collect();
            match found.as_slice() {
                [] => {}
                [one] => return Ok(one),
                many => {
                    return Err(SnapshotError::AmbiguousUser {
                        who: who.to_owned(),
                        ids: many
                            .iter()
                            .map(|user| user.id.clone().unwrap_or_else(|| String::from("?")))
                            .collect(),
                    });
                }
            }
        }
        Err(SnapshotError::UnknownUser { who: who.to_owned() })
    }
}

impl Limits {
    /// A snapshot's `roles.json`: up to [`MAX_ROLES_PER_FILE`](crate::MAX_ROLES_PER_FILE) roles.
    const ROLES: Limits = Limits {
        bytes: crate::MAX_JSON_BYTES,
        entities: crate::MAX_ROLES_PER_FILE,
    };
    /// A snapshot's `users.json`.
    const USERS: Limits = Limits {
        bytes: MAX_USERS_JSON_BYTES,
        entities: MAX_USERS,
    };
}

/// `Err` unless a listing's `listed` entities are the manifest's `counted`.
fn same_count(file: &'static str, listed: usize, counted: usize) -> Result<(), SnapshotError> {
    if listed == counted {
        Ok(())
    } else {
        Err(SnapshotError::Mismatch {
            file,
            problem: format!("{listed} entities, where the manifest counts {counted}"),
        })
    }
}

fn in_file(file: &'static str) -> impl Fn(JsonError) -> SnapshotError {
    move |error| SnapshotError::Json { file, error }
}

fn io_error(file: &str) -> impl Fn(io::Error) -> SnapshotError + '_ {
    move |error| SnapshotError::Io {
        file: file.to_owned(),
        message: error.to_string(),
    }
}

/// The text of `dir/file`, at most `max` bytes (a larger file is
/// [`JsonError::TooLarge`]).
fn read_text(dir: &Path, file: &'static str, max: usize) -> Result<String, SnapshotError> {
    let path = dir.join(file);
    let handle = match File::open(&path) {
        Ok(handle) => handle,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(SnapshotError::Missing { file }),
        Err(error) => return Err(io_error(file)(error)),
    };
    let metadata = handle.metadata().map_err(io_error(file))?;
    if !metadata.is_file() {
        return Err(SnapshotError::Io {
            file: file.to_owned(),
            message: String::from("not a file"),
        });
    }
    let too_large = |size: u64| SnapshotError::Json {
        file,
        error: JsonError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            max,
        },
    };
    if metadata.len() > max as u64 {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    handle
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error(file))?;
    if bytes.len() > max {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| SnapshotError::Io {
        file: file.to_owned(),
        message: String::from("not UTF-8 text"),
    })
}

/// Writes a snapshot to the folder `dir`, which must not exist: each of
/// `bodies` (`(file, text)`, every file of [`BODIES`] once) and the
/// manifest, into a temporary folder beside `dir` (`.NAME.partial-…`),
/// each file synced, the manifest last; then reads the folder back
/// ([`Snapshot::read`] over [`Catalog::builtin`]) and only then renames it
/// to `dir`. On any failure the temporary folder is removed and `dir` is
/// not created.
///
/// The manifest's counts must be the listings' own: the read refuses a
/// snapshot whose files disagree with it.
///
/// # Errors
///
/// `dir` exists ([`SnapshotError::Exists`]), `bodies` without each file
/// once ([`SnapshotError::Bodies`]), a folder that cannot be written, or a
/// snapshot that does not read back (the read's error).
pub fn write(dir: &Path, manifest: &Manifest, bodies: &[(&str, &str)]) -> Result<(), SnapshotError> {
    for file in BODIES {
        match bodies.iter().filter(|(name, _)| *name == file).count() {
            1 => {}
            0 => {
                return Err(SnapshotError::Bodies {
                    problem: format!("no {file}"),
                });
            }
            _ => {
                return Err(SnapshotError::Bodies {
                    problem: format!("{file} more than once"),
                });
            }
        }
    }
    if let Some((name, _)) = bodies.iter().find(|(name, _)| !BODIES.contains(name)) {
        return Err(SnapshotError::Bodies {
            problem: format!("`{}` is not a file of a snapshot", Escaped(name)),
        });
    }
    if fs::symlink_metadata(dir).is_ok() {
        return Err(SnapshotError::Exists { dir: dir.to_owned() });
    }
    let shown = dir.display().to_string();
    let name = dir.file_name().ok_or_else(|| SnapshotError::Io {
        file: shown.clone(),
        message: String::from("not a folder name"),
    })?;
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let nanos = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let temp = parent.join(format!(
        ".{}.partial-{}-{nanos}",
        name.to_string_lossy(),
        std::process::id()
    ));
    fs::create_dir(&temp).map_err(io_error(&shown))?;
    let written = fill(&temp, manifest, bodies)
        .and_then(|()| Snapshot::read(&temp, Catalog::builtin()).map(drop))
        .and_then(|()| {
            if fs::symlink_metadata(dir).is_ok() {
                return Err(SnapshotError::Exists { dir: dir.to_owned() });
            }
            fs::rename(&temp, dir).map_err(io_error(&shown))
        });
    if let Err(error) = written {
        let _ = fs::remove_dir_all(&temp);
        return Err(error);
    }
    // The rename itself, made durable (best effort: not every system syncs a folder).
    if let Ok(parent) = File::open(&parent) {
        let _ = parent.sync_all();
    }
    Ok(())
}

/// Writes the files of a snapshot into the empty folder `temp`, the
/// manifest last, each synced, then the folder.
fn fill(temp: &Path, manifest: &Manifest, bodies: &[(&str, &str)]) -> Result<(), SnapshotError> {
    let manifest_text = serde_json::to_string_pretty(manifest).map_err(|error| SnapshotError::Io {
        file: MANIFEST.to_owned(),
        message: error.to_string(),
    })?;
    let files = bodies
        .iter()
        .copied()
        .chain(core::iter::once((MANIFEST, manifest_text.as_str())));
    for (file, text) in files {
        let mut handle = File::create_new(temp.join(file)).map_err(io_error(file))?;
        handle
            .write_all(text.as_bytes())
            .and_then(|()| handle.sync_all())
            .map_err(io_error(file))?;
    }
    if let Ok(folder) = File::open(temp) {
        let _ = folder.sync_all();
    }
    Ok(())
}
