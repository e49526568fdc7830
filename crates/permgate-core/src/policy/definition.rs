//! Roles given back as data: [`Policy::definition`] (a role the policy
//! holds) and [`GateInfo::definition`] (the role a gate needs).

use std::collections::BTreeSet;

use super::Policy;
use super::role::{GrantSet, has_bit};
use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::definition::{DefinitionError, Form, GrantGroup, RoleDefinition};
use crate::gate::GateInfo;
use crate::generated;
use crate::permission::Permission;
use crate::principal::RoleId;

impl Policy {
    /// The definition of `role` as this policy holds it: its unconditional
    /// grants as one group (catalog permissions granted by name in catalog
    /// order, then wildcard patterns, then keys the catalog does not know,
    /// as granted), each conditional grant a group under its condition, and
    /// its legacy names. Adding the definition to a policy over the same
    /// catalog gives a role that grants the same.
    ///
    /// ```
    /// use permgate::{Catalog, definition::Form, Policy};
    ///
    /// let policy = Policy::builder(Catalog::builtin()).role("designer", ["Journey > Action Map > All"])?.build();
    /// let designer = policy.role("designer").unwrap();
    /// let wildcard = policy.definition(designer, Form::Wildcard)?;
    /// assert_eq!(wildcard.grants[0].permissions, ["journey:actionmap:*"]);
    /// let expanded = policy.definition(designer, Form::Expanded)?;
    /// assert_eq!(
    ///     expanded.grants[0].permissions,
    ///     ["journey:actionmap:add", "journey:actionmap:delete", "journey:actionmap:edit", "journey:actionmap:view"]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A role of another policy; in [`Form::Expanded`], a row that stands
    /// for a whole entity whose actions the policy's catalog does not list.
    pub fn definition(&self, role: RoleId, form: Form) -> Result<RoleDefinition, DefinitionError> {
        let data = self.role_data(role).ok_or(DefinitionError::UnknownRole)?;
        let words = self.role_words(role).ok_or(DefinitionError::UnknownRole)?;
        let catalog = self.catalog();
        let mut grants = vec![GrantGroup {
            permissions: grant_keys(catalog, &data.granted, words, form)?,
            condition: None,
        }];
        for grant in &data.conditional {
            grants.push(GrantGroup {
                permissions: grant_keys(catalog, &grant.grants, &grant.grants.words, form)?,
                condition: Some(Condition::clone(&grant.condition)),
            });
        }
        Ok(RoleDefinition {
            id: None,
            name: data.name.to_string(),
            description: data.description.as_deref().map(str::to_owned),
            grants,
            legacy: data.legacy.iter().map(|name| name.to_string()).collect(),
        })
    }
}

impl GateInfo {
    /// The role a feature needs, as a definition named and described as the
    /// gate is, with one group of grants: every permission the gate
    /// requires, roadmap permissions included (as the AMI matrix's published
    /// files do, and named in the description), and of each any-of group
    /// the first permission the platform documents now (AMI's Transfer:
    /// `conversation:communication:blindTransfer`), else the first.
    ///
    /// In [`Form::Wildcard`], an entity whose every action in `catalog` a
    /// source document's `All` row lists is written as `*`; in
    /// [`Form::Expanded`], rows that stand for a whole entity are written as
    /// the actions `catalog` lists.
    ///
    /// ```
    /// use permgate::{Catalog, definition::DefinitionError, definition::Form, builtins};
    ///
    /// let catalog = Catalog::builtin();
    /// let gate = builtins::gate("AmiStandardUser").unwrap();
    /// let role = gate.definition(catalog, Form::Wildcard)?;
    /// assert!(role.description.unwrap_or_default().contains("conversation:email:park (from release 3.16)"));
    /// // No builtin document lists the actions of `integration:amiPremiumApps`.
    /// assert!(matches!(gate.definition(catalog, Form::Expanded), Err(DefinitionError::UnknownActions { .. })));
    /// # Ok::<(), DefinitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// In [`Form::Expanded`], a row that stands for a whole entity whose
    /// actions `catalog` does not list.
    pub fn definition(&self, catalog: &Catalog, form: Form) -> Result<RoleDefinition, DefinitionError> {
        let mut keys: BTreeSet<&str> = self.required_at(None).map(Permission::key).collect();
        keys.extend(self.any_of.iter().filter_map(|group| pick(group)).map(|p| p.key()));
        let keys: Vec<String> = match form {
            Form::Wildcard => {
                for row in &generated::WILDCARD_ROWS {
                    let prefix = row.key.trim_end_matches('*');
                    let under: Vec<&str> = catalog
                        .iter()
                        .map(|p| p.key())
                        .filter(|k| k.starts_with(prefix))
                        .collect();
                    if !under.is_empty() && under.iter().all(|k| keys.contains(k)) {
                        keys.retain(|k| !k.starts_with(prefix));
                        keys.insert(row.key);
                    }
                }
                keys.into_iter().map(str::to_owned).collect()
            }
            Form::Expanded => {
                let expanded: BTreeSet<String> = expanded(catalog, keys.into_iter())?.into_iter().collect();
                expanded.into_iter().collect()
            }
        };
        let mut description = self.description.to_owned();
        if !self.roadmap.is_empty() {
            let roadmap: Vec<String> = self
                .roadmap
                .iter()
                .map(|(p, release)| format!("{} (from release {release})", p.key()))
                .collect();
            description.push_str(&format!(" Includes roadmap permissions: {}.", roadmap.join(", ")));
        }
        Ok(RoleDefinition::new(self.name).description(description).grant(keys))
    }
}

/// The member of an any-of group a role is written with.
fn pick<'p>(group: &[Permission<'p>]) -> Option<Permission<'p>> {
    let current = |p: &&Permission<'p>| p.history().is_some_and(|h| !h.is_removed());
    group.iter().find(current).or_else(|| group.first()).copied()
}

/// The keys a grant set holds, in `form`.
fn grant_keys(catalog: &Catalog, grants: &GrantSet, words: &[u64], form: Form) -> Result<Vec<String>, DefinitionError> {
    let mut keys: Vec<String> = match form {
        Form::Expanded => {
            let held = catalog.iter().filter(|p| has_bit(words, p.index()));
            expanded(catalog, held.map(Permission::key))?
        }
        Form::Wildcard => {
            let covered = |p: &Permission<'_>| grants.wildcards(catalog).any(|pattern| pattern.covers_permission(*p));
            let exact = grants
                .exact
                .iter()
                .filter_map(|&i| catalog.get(i))
                .filter(|p| !covered(p));
            let mut keys: Vec<String> = exact.map(|p| p.key().to_owned()).collect();
            keys.extend(grants.wildcards(catalog).map(|pattern| pattern.key()));
            keys
        }
    };
    keys.extend(grants.unknown.iter().map(|key| key.to_string()));
    Ok(keys)
}

/// `keys` with each catalog row that stands for a whole entity replaced by
/// the actions the catalog lists for it (an error where it lists none).
fn expanded<'k>(catalog: &Catalog, keys: impl Iterator<Item = &'k str>) -> Result<Vec<String>, DefinitionError> {
    let mut out = Vec::new();
    for key in keys {
        let Some(entity) = key.strip_suffix(":*") else {
            out.push(key.to_owned());
            continue;
        };
        let row = catalog.lookup(key).map(Permission::index);
        let actions = catalog
            .entity_rows()
            .find(|(index, _)| Some(*index) == row)
            .map_or(&[][..], |(_, actions)| actions);
        if actions.is_empty() {
            return Err(DefinitionError::UnknownActions {
                entity: entity.to_owned(),
            });
        }
        out.extend(
            actions
                .iter()
                .filter_map(|&i| catalog.get(i))
                .map(|p| p.key().to_owned()),
        );
    }
    Ok(out)
}
