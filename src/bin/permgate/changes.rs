//! `permgate diff DIR1 DIR2`: what changed between two snapshots of an
//! organization: permissions its catalog lists or no longer lists (or
//! lists division-aware or not), roles and users added and removed, and for
//! each role and user in both, the effective permissions it gained
//! (widened) and lost (narrowed), compared as `diff` compares two roles or
//! two users.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write};

use permgate::genesys::{RoleFile, UserAuthorization};
use permgate::text::Escaped;
use permgate::{Catalog, RoleDefinition};
use serde::Serialize;

use crate::audit::{self, Compared, Compiled, DiffEntry};
use crate::check::{self, UserPolicy};
use crate::input::{self, Document, Failure};
use crate::output::{self, line};

/// One snapshot, as the diff reads it.
pub(crate) struct Side<'s> {
    /// The folder, as given.
    pub(crate) label: String,
    pub(crate) organization: SideOrganization<'s>,
    pub(crate) pulled_at: String,
    pub(crate) catalog: &'s Catalog,
    pub(crate) roles: &'s RoleFile,
    pub(crate) users: &'s [UserAuthorization],
}

/// The organization a snapshot is of (its manifest's).
#[derive(Serialize, Clone, Copy)]
pub(crate) struct SideOrganization<'s> {
    pub(crate) id: &'s str,
    pub(crate) name: Option<&'s str>,
}

/// A side as `--json` names it.
#[derive(Serialize)]
struct SideFields<'s> {
    snapshot: &'s str,
    organization: SideOrganization<'s>,
    pulled_at: &'s str,
}

/// A role or user only one side holds.
#[derive(Serialize)]
struct Only<'s> {
    id: Option<&'s str>,
    name: &'s str,
    /// Users only: the names of its roles (`authorization.roles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<&'s str>>,
}

/// A role or user both sides hold, whose effective permissions differ, or
/// (a user) whose roles differ.
#[derive(Serialize)]
struct Changed<'s> {
    id: Option<&'s str>,
    name: &'s str,
    /// The old side's name, when it was renamed.
    old_name: Option<&'s str>,
    /// It may now do something it could not.
    widened: bool,
    /// It may no longer do something it could.
    narrowed: bool,
    /// Users only: roles assigned and unassigned (`authorization.roles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    roles_added: Option<Vec<&'s str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles_removed: Option<Vec<&'s str>>,
    added: Vec<DiffEntry>,
    removed: Vec<DiffEntry>,
}

/// Roles or users: added, removed, changed.
#[derive(Serialize, Default)]
struct Changes<'s> {
    added: Vec<Only<'s>>,
    removed: Vec<Only<'s>>,
    changed: Vec<Changed<'s>>,
}

impl Changes<'_> {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The organization's permission catalogs (builtin and `permissions.json`
/// together): the permissions only one side lists, and those both list
/// whose division awareness differs. Keys in the catalog's spelling, sorted.
#[derive(Serialize, Default)]
struct CatalogChanges<'s> {
    added: Vec<&'s str>,
    removed: Vec<&'s str>,
    division_aware: Vec<DivisionAware<'s>>,
}

/// A permission both catalogs list, division-aware in one only.
#[derive(Serialize)]
struct DivisionAware<'s> {
    key: &'s str,
    /// In the new catalog.
    division_aware: bool,
}

impl<'s> CatalogChanges<'s> {
    fn of(old: &'s Catalog, new: &'s Catalog) -> Self {
        let listed = |catalog: &'s Catalog| -> BTreeMap<String, (&'s str, bool)> {
            (catalog.iter())
                .map(|p| (p.key().to_ascii_lowercase(), (p.key(), catalog.is_division_aware(p))))
                .collect()
        };
        let (before, after) = (listed(old), listed(new));
        let mut changes = Self::default();
        for (lower, &(key, aware)) in &after {
            match before.get(lower) {
                None => changes.added.push(key),
                Some(&(_, was)) if was != aware => changes.division_aware.push(DivisionAware {
                    key,
                    division_aware: aware,
                }),
                Some(_) => {}
            }
        }
        changes.removed = (before.iter())
            .filter(|(lower, _)| !after.contains_key(*lower))
            .map(|(_, &(key, _))| key)
            .collect();
        changes
    }

    fn len(&self) -> usize {
        self.added.len() + self.removed.len() + self.division_aware.len()
    }
}

/// `permgate diff DIR1 DIR2`.
#[derive(Serialize)]
struct SnapshotDiff<'s> {
    old: SideFields<'s>,
    new: SideFields<'s>,
    equal: bool,
    catalog: CatalogChanges<'s>,
    roles: Changes<'s>,
    users: Changes<'s>,
}

/// What a role or user is matched by: its id, else its name.
fn identity(id: Option<&str>, name: Option<&str>) -> String {
    match (id, name) {
        (Some(id), _) => format!("id {id}"),
        (None, name) => format!("name {}", name.unwrap_or_default()),
    }
}

/// The items of two sides, matched by identity.
struct Paired<'a, T> {
    /// Only in the old side, in its order.
    removed: Vec<&'a T>,
    /// Only in the new side, in its order.
    added: Vec<&'a T>,
    /// In both, in the new side's order.
    both: Vec<(&'a T, &'a T)>,
}

/// `old` and `new` matched by `key`.
fn pair<'a, T>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> String) -> Paired<'a, T> {
    let in_old: HashMap<String, &T> = old.iter().map(|item| (key(item), item)).collect();
    let in_new: HashMap<String, &T> = new.iter().map(|item| (key(item), item)).collect();
    let mut paired = Paired {
        removed: old.iter().filter(|item| !in_new.contains_key(&key(item))).collect(),
        added: Vec::new(),
        both: Vec::new(),
    };
    for item in new {
        match in_old.get(&key(item)) {
            Some(before) => paired.both.push((*before, item)),
            None => paired.added.push(item),
        }
    }
    paired
}

fn role_key(role: &RoleDefinition) -> String {
    identity(role.id.as_deref(), Some(&role.name))
}

fn user_key(user: &UserAuthorization) -> String {
    identity(user.id.as_deref(), user.name.as_deref())
}

/// A user's name, else its id.
fn user_name(user: &UserAuthorization) -> &str {
    user.name.as_deref().or(user.id.as_deref()).unwrap_or_default()
}

/// The names of a user's roles.
fn role_names(user: &UserAuthorization) -> Vec<&str> {
    user.roles.iter().filter_map(|role| role.name.as_deref()).collect()
}

/// A user of a side, compiled alone.
fn compile_user(side: &Side<'_>, user: &UserAuthorization) -> Result<Compiled, Failure> {
    let label = crate::snapshot::file_in(&side.label, permgate::genesys::snapshot::USERS);
    let UserPolicy {
        policy,
        user: id,
        kind,
        name,
        ..
    } = check::user_policy(side.catalog, &label, Document::User(user.clone()))?;
    Ok(Compiled::User(label, kind, name, policy, id))
}

/// A role of a side, compiled alone.
fn compile_role(side: &Side<'_>, role: &RoleDefinition) -> Result<Compiled, Failure> {
    let label = crate::snapshot::file_in(&side.label, permgate::genesys::snapshot::ROLES);
    let (policy, id) = input::compile(side.catalog, &label, role)?;
    Ok(Compiled::Role(label, role.name.clone(), policy, id))
}

/// Compares two snapshots. Exit 0 when they hold the same roles and users
/// with the same effective permissions (and users the same roles), 1
/// otherwise.
pub(crate) fn diff<'s>(old: &'s Side<'s>, new: &'s Side<'s>, json: bool) -> Result<crate::Report, Failure> {
    // The same catalogs (keys ignoring ASCII case, alike division-aware): a
    // role or user whose definition did not change did not change.
    let catalog = CatalogChanges::of(old.catalog, new.catalog);
    let same = catalog.len() == 0;
    let mut roles = Changes::default();
    let Paired { removed, added, both } = pair(&old.roles.roles, &new.roles.roles, role_key);
    let only = |role: &&'s RoleDefinition| Only {
        id: role.id.as_deref(),
        name: &role.name,
        roles: None,
    };
    roles.removed = removed.iter().map(&only).collect();
    roles.added = added.iter().map(&only).collect();
    for (before, after) in both {
        let renamed = before.name != after.name;
        if same && !renamed && before.grants == after.grants && before.legacy == after.legacy {
            continue;
        }
        let Compared { added, removed, .. } = audit::compare(&compile_role(old, before)?, &compile_role(new, after)?);
        if added.is_empty() && removed.is_empty() && !renamed {
            continue;
        }
        roles.changed.push(Changed {
            id: after.id.as_deref(),
            name: &after.name,
            old_name: renamed.then_some(before.name.as_str()),
            widened: !added.is_empty(),
            narrowed: !removed.is_empty(),
            roles_added: None,
            roles_removed: None,
            added,
            removed,
        });
    }
    let mut users = Changes::default();
    let Paired { removed, added, both } = pair(old.users, new.users, user_key);
    let only = |user: &&'s UserAuthorization| Only {
        id: user.id.as_deref(),
        name: user_name(user),
        roles: Some(role_names(user)),
    };
    users.removed = removed.iter().map(&only).collect();
    users.added = added.iter().map(&only).collect();
    for (before, after) in both {
        if same && before == after {
            continue;
        }
        // Roles matched by id (a renamed role is the same role), shown by name.
        let keys = |user: &UserAuthorization| -> Vec<String> {
            user.roles
                .iter()
                .map(|role| identity(role.id.as_deref(), role.name.as_deref()))
                .collect()
        };
        let (keys_before, keys_after) = (keys(before), keys(after));
        let only_in = |user: &'s UserAuthorization, own: &[String], other: &[String]| -> Vec<&'s str> {
            (user.roles.iter().zip(own))
                .filter(|(_, key)| !other.contains(key))
                .filter_map(|(role, _)| role.name.as_deref().or(role.id.as_deref()))
                .collect()
        };
        let roles_added = only_in(after, &keys_after, &keys_before);
        let roles_removed = only_in(before, &keys_before, &keys_after);
        let renamed = user_name(before) != user_name(after);
        let unchanged = |added: &[DiffEntry], removed: &[DiffEntry]| {
            added.is_empty() && removed.is_empty() && roles_added.is_empty() && roles_removed.is_empty() && !renamed
        };
        let Compared { added, removed, .. } = audit::compare(&compile_user(old, before)?, &compile_user(new, after)?);
        if unchanged(&added, &removed) {
            continue;
        }
        users.changed.push(Changed {
            id: after.id.as_deref(),
            name: user_name(after),
            old_name: renamed.then_some(user_name(before)),
            widened: !added.is_empty(),
            narrowed: !removed.is_empty(),
            roles_added: Some(roles_added),
            roles_removed: Some(roles_removed),
            added,
            removed,
        });
    }
    let fields = |side: &'s Side<'s>| SideFields {
        snapshot: &side.label,
        organization: side.organization,
        pulled_at: &side.pulled_at,
    };
    let equal = same && roles.is_empty() && users.is_empty();
    let report = SnapshotDiff {
        old: fields(old),
        new: fields(new),
        equal,
        catalog,
        roles,
        users,
    };
    Ok(crate::Report {
        stdout: output::render(&report, json)?,
        code: if equal { 0 } else { 1 },
    })
}

/// `role `NAME` (id ID)`, `user `NAME` (id ID)`, escaped.
fn shown(what: &str, name: &str, id: Option<&str>) -> String {
    let id = id.map(|id| format!(" (id {})", Escaped(id))).unwrap_or_default();
    format!("{what} `{}`{id}", Escaped(name))
}

/// Names, escaped and joined.
fn names(names: &[&str]) -> String {
    names.iter().map(|n| output::escaped(n)).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for SnapshotDiff<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let side = |side: &SideFields<'_>| {
            let organization = side.organization.name.unwrap_or(side.organization.id);
            format!(
                "{} (`{}`, pulled at {})",
                Escaped(side.snapshot),
                Escaped(organization),
                Escaped(side.pulled_at)
            )
        };
        if self.equal {
            line!(
                out,
                "no differences: {} and {} hold the same catalog, and the same roles and users with the same \
                 effective permissions",
                side(&self.old),
                side(&self.new)
            );
            return f.write_str(&out);
        }
        line!(out, "--- {}", side(&self.old));
        line!(out, "+++ {}", side(&self.new));
        let catalog = &self.catalog;
        if catalog.len() > 0 {
            line!(out);
            line!(
                out,
                "catalog: {} added, {} removed, {} changed division awareness",
                output::count(catalog.added.len(), "permission"),
                catalog.removed.len(),
                catalog.division_aware.len()
            );
            for (sign, keys) in [("+", &catalog.added), ("-", &catalog.removed)] {
                for key in keys {
                    line!(out, "  {sign} `{}`", Escaped(key));
                }
            }
            for changed in &catalog.division_aware {
                let now = if changed.division_aware { "now" } else { "no longer" };
                line!(out, "  `{}`: {now} division-aware", Escaped(changed.key));
            }
        }
        for (what, changes) in [("role", &self.roles), ("user", &self.users)] {
            line!(out);
            line!(
                out,
                "{}s: {} added, {} removed, {} changed",
                what,
                changes.added.len(),
                changes.removed.len(),
                changes.changed.len()
            );
            for (sign, list) in [("+", &changes.added), ("-", &changes.removed)] {
                for item in list {
                    let roles = match item.roles.as_deref() {
                        Some([]) => " (no roles)".to_owned(),
                        Some(roles) => format!(" (roles: {})", names(roles)),
                        None => String::new(),
                    };
                    line!(out, "  {sign} {}{roles}", shown(what, item.name, item.id));
                }
            }
            for item in &changes.changed {
                let how = match (item.widened, item.narrowed) {
                    (true, true) => "widened and narrowed",
                    (true, false) => "widened",
                    (false, true) => "narrowed",
                    (false, false) => "unchanged permissions",
                };
                let renamed = item
                    .old_name
                    .map(|old| format!(", renamed from `{}`", Escaped(old)))
                    .unwrap_or_default();
                line!(out, "  {}: {how}{renamed}", shown(what, item.name, item.id));
                if let Some(roles) = item.roles_added.as_deref().filter(|r| !r.is_empty()) {
                    line!(out, "    roles added: {}", names(roles));
                }
                if let Some(roles) = item.roles_removed.as_deref().filter(|r| !r.is_empty()) {
                    line!(out, "    roles removed: {}", names(roles));
                }
                audit::entries_text(&mut out, "    ", &item.removed, &item.added);
            }
        }
        line!(out);
        let catalog = match self.catalog.len() {
            0 => String::new(),
            n => format!("{} of the catalog, ", output::count(n, "permission")),
        };
        line!(
            out,
            "{catalog}{} and {} differ",
            output::count(
                self.roles.added.len() + self.roles.removed.len() + self.roles.changed.len(),
                "role"
            ),
            output::count(
                self.users.added.len() + self.users.removed.len() + self.users.changed.len(),
                "user"
            )
        );
        f.write_str(&out)
    }
}
