//! [`RoleAudit`]: what an admin reviewing a role should know about it.

use std::collections::BTreeMap;

use crate::parse::{Spelling, parse};
use crate::{Catalog, ConditionalGrantInfo, GateInfo, Permission, Policy, RoleId};

/// The findings of [`Policy::audit`] for one role.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RoleAudit<'p> {
    /// The role's name.
    pub role: &'p str,
    /// Catalog permissions the role allows unconditionally, in index order.
    pub permissions: Vec<Permission<'p>>,
    /// Grants no catalog knows (UI-only permissions and the like): they stay
    /// granted through the string API.
    pub unknown: Vec<&'p str>,
    /// Unconditional wildcard grants, as granted, each with the catalog
    /// permissions it covers today (it also covers keys no catalog knows).
    pub wildcards: Vec<(String, Vec<Permission<'p>>)>,
    /// Grants that a wildcard grant of the same role already covers:
    /// `(grant, wildcard)`.
    pub redundant: Vec<(String, String)>,
    /// Conditional grants: what each covers, and its condition.
    pub conditional: Vec<ConditionalGrantInfo<'p>>,
    /// Legacy flat `permissions[]` of the role JSON, never granted.
    pub legacy: Vec<&'p str>,
    /// Each license the role's permissions assign, with the permissions that
    /// assign it (per the source documents).
    pub licenses: BTreeMap<&'static str, Vec<Permission<'p>>>,
    /// Held permissions a source marks as removed or legacy, with the note.
    pub deprecated: Vec<(Permission<'p>, &'static str)>,
    /// Every builtin gate, and whether the role satisfies it at the gate's release.
    pub gates: Vec<(&'static GateInfo, bool)>,
}

impl Policy {
    /// Audits `role`; `None` when the role is not in this policy.
    ///
    /// ```
    /// use permgate::{Catalog, Policy};
    ///
    /// let policy = Policy::builder(Catalog::builtin())
    ///     .role("r", ["journey:*:*", "journey:segment:view", "ui:agentQueueActivity:view"])?
    ///     .build();
    /// let audit = policy.audit(policy.role("r").unwrap()).unwrap();
    /// assert_eq!(audit.unknown, ["ui:agentQueueActivity:view"]);
    /// let (wildcard, covered) = &audit.wildcards[0];
    /// assert_eq!((wildcard.as_str(), covered.len()), ("journey:*:*", 30));
    /// assert_eq!(audit.redundant, [("journey:segment:view".to_owned(), "journey:*:*".to_owned())]);
    /// assert!(audit.licenses.contains_key("Predictive Engagement"));
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    pub fn audit(&self, role: RoleId) -> Option<RoleAudit<'_>> {
        let data = self.role_data(role)?;
        let catalog: &Catalog = self.catalog();
        let permissions: Vec<Permission<'_>> = self.permissions(role).collect();
        let grants = &data.granted;
        let covering = |domain: &str, entity: &str, action: &str| {
            grants
                .patterns
                .iter()
                .find(|p| p.covers(domain, entity, action))
                .map(|p| p.key())
        };
        let mut redundant = Vec::new();
        for permission in grants.exact.iter().filter_map(|&i| catalog.get(i)) {
            let (domain, entity, action) = permission.segments();
            if let Some(pattern) = covering(domain, entity, action) {
                redundant.push((permission.key().to_owned(), pattern));
            }
        }
        for key in &grants.unknown {
            if let Ok(Spelling::Key { domain, entity, action }) = parse(key) {
                if let Some(pattern) = covering(domain, entity, action) {
                    redundant.push((key.to_string(), pattern));
                }
            }
        }
        let wildcards = grants
            .patterns
            .iter()
            .map(|pattern| {
                (
                    pattern.key(),
                    permissions
                        .iter()
                        .copied()
                        .filter(|p| pattern.covers_permission(*p))
                        .collect(),
                )
            })
            .collect();
        let mut licenses: BTreeMap<&'static str, Vec<Permission<'_>>> = BTreeMap::new();
        let mut deprecated = Vec::new();
        for &permission in &permissions {
            for source in permission.sources() {
                if let Some(license) = source.license {
                    let holders = licenses.entry(license).or_default();
                    if !holders.contains(&permission) {
                        holders.push(permission);
                    }
                }
                let flagged = source.release_notes.iter().find(|note| {
                    let note = note.to_ascii_lowercase();
                    note.contains("removed") || note.contains("legacy")
                });
                if let Some(note) = flagged {
                    if !deprecated.iter().any(|(p, _)| *p == permission) {
                        deprecated.push((permission, *note));
                    }
                }
            }
        }
        Some(RoleAudit {
            role: &data.name,
            unknown: grants.unknown.iter().map(|key| &**key).collect(),
            wildcards,
            redundant,
            conditional: self.conditional_grants(role).collect(),
            legacy: data.legacy.iter().map(|p| &**p).collect(),
            licenses,
            deprecated,
            gates: catalog
                .gates()
                .iter()
                .map(|&gate| (gate, self.check_info(role, gate, gate.release).is_ok()))
                .collect(),
            permissions,
        })
    }
}
