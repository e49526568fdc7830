//! Audits of a role or a user: [`Policy::audit`], [`Policy::audit_user`].

use std::collections::BTreeMap;

use super::role::RoleData;
use super::{ConditionalGrantInfo, Policy, RoleId};
use crate::audit::{
    DeprecatedPermission, GateAudit, GrantAudit, LicenseEffect, RedundantGrant, RemovedPermission, RoleAudit,
    StatedLicense, UnlistedEntity, UserAudit, UserGate, WildcardGrant,
};
use crate::builtins;
use crate::catalog::Catalog;
use crate::explain::Permitted;
use crate::parse::{Spelling, parse};
use crate::permission::Permission;
use crate::principal::{Principal, UserId};

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
    /// let wildcard = &audit.wildcards[0];
    /// assert_eq!((wildcard.wildcard.as_str(), wildcard.permissions.len()), ("journey:*:*", 85));
    /// let redundant = &audit.redundant[0];
    /// assert_eq!((redundant.grant.as_str(), redundant.wildcard.as_str()), ("journey:segment:view", "journey:*:*"));
    /// // Altocloud's license is Predictive Engagement's: one license, both pages.
    /// let license = &audit.licenses["Predictive Engagement"];
    /// let documents: Vec<(&str, &str)> = license.documents.iter().map(|s| (s.document.id, s.license)).collect();
    /// assert_eq!(documents, [("altocloud", "Altocloud"), ("predictive-engagement", "Predictive Engagement")]);
    /// assert_eq!(audit.licenses.len(), 1);
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    pub fn audit(&self, role: RoleId) -> Option<RoleAudit<'_>> {
        let data = self.role_data(role)?;
        Some(self.audit_set(data, role.into(), self.conditional_infos(data)))
    }

    /// Audits a user: each of its grants (the role, or the grants it holds
    /// directly, and the division) with its role's audit, and every builtin
    /// gate with where the user satisfies it. `None` when the user is not in
    /// this policy.
    ///
    /// ```
    /// use permgate::{Catalog, Division, explain::Permitted, Policy};
    ///
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// let maps = builder.add_role("maps", ["journey:actionmap:view"])?;
    /// let reports = builder.add_role("reports", ["journey:report:view", "ui:newPanel:view"])?;
    /// let ana = builder.add_user("ana", [(maps, Division::All), (reports, Division::new("d-east"))])?;
    /// let policy = builder.build();
    /// let audit = policy.audit_user(ana).unwrap();
    /// assert_eq!(audit.grants[1].role, "reports");
    /// assert_eq!(audit.grants[1].audit.unknown, ["ui:newPanel:view"]);
    /// let report = audit.gates.iter().find(|g| g.gate.name == "ActionMapAnalyticsReport").unwrap();
    /// assert_eq!(report.permitted, Permitted::In(vec!["d-east"]));
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    pub fn audit_user(&self, user: UserId) -> Option<UserAudit<'_>> {
        let name = self.name(user)?;
        let data = self.tables.users.get(user.index as usize)?;
        let grants = data
            .grants
            .iter()
            .filter_map(|grant| {
                let set = self.source(grant.source)?;
                let principal = self.set_principal(set);
                let conditional = self.conditional_infos(set);
                Some(GrantAudit {
                    role: &set.name,
                    named_role: !set.own,
                    division: &grant.division,
                    audit: self.audit_set(set, principal, conditional),
                })
            })
            .collect();
        let gates = builtins::gates()
            .iter()
            .map(|&gate| {
                let holds = |who: Principal| self.check_info(who, gate, gate.release).is_ok();
                let permitted = if holds(user.into()) {
                    Permitted::Everywhere
                } else {
                    let divisions = data.divisions.iter().map(|(id, _)| &**id);
                    Permitted::In(divisions.filter(|id| holds(self.user_in(user, id))).collect())
                };
                UserGate { gate, permitted }
            })
            .collect();
        Some(UserAudit {
            user: name,
            grants,
            gates,
        })
    }

    /// The audit of one grant set, answering gates for `who` (its row).
    fn audit_set<'p>(
        &'p self,
        data: &'p RoleData,
        who: Principal,
        conditional: Vec<ConditionalGrantInfo<'p>>,
    ) -> RoleAudit<'p> {
        let catalog: &Catalog = self.catalog();
        let permissions: Vec<Permission<'_>> = self.permissions(who).collect();
        let grants = &data.granted;
        let covering = |domain: &str, entity: &str, action: &str| {
            grants
                .wildcards(catalog)
                .find(|p| p.covers(domain, entity, action))
                .map(|p| p.key())
        };
        let mut redundant = Vec::new();
        for permission in grants.exact.iter().filter_map(|&i| catalog.get(i)) {
            let (domain, entity, action) = permission.segments();
            if let Some(pattern) = covering(domain, entity, action) {
                redundant.push(RedundantGrant {
                    grant: permission.key().to_owned(),
                    wildcard: pattern,
                });
            }
        }
        for key in &grants.unknown {
            if let Ok(Spelling::Key { domain, entity, action }) = parse(key) {
                if let Some(pattern) = covering(domain, entity, action) {
                    redundant.push(RedundantGrant {
                        grant: key.to_string(),
                        wildcard: pattern,
                    });
                }
            }
        }
        let wildcards = grants
            .wildcards(catalog)
            .map(|pattern| WildcardGrant {
                wildcard: pattern.key(),
                permissions: permissions
                    .iter()
                    .copied()
                    .filter(|p| pattern.covers_permission(*p))
                    .collect(),
            })
            .collect();
        let mut licenses: BTreeMap<&'static str, LicenseEffect<'_>> = BTreeMap::new();
        let mut deprecated = Vec::new();
        for &permission in &permissions {
            for source in permission.sources() {
                if let (Some(wording), Some(product)) = (source.license, source.product_license) {
                    let effect = licenses.entry(product).or_insert_with(|| LicenseEffect {
                        documents: Vec::new(),
                        permissions: Vec::new(),
                    });
                    if !effect.permissions.contains(&permission) {
                        effect.permissions.push(permission);
                    }
                    let stated = StatedLicense {
                        document: source.document,
                        license: wording,
                    };
                    if !effect.documents.iter().any(|s| s.document.id == stated.document.id) {
                        effect.documents.push(stated);
                    }
                }
                let flagged = source.release_notes.iter().find(|note| {
                    let note = note.to_ascii_lowercase();
                    note.contains("removed") || note.contains("legacy")
                });
                if let Some(note) = flagged {
                    if !deprecated
                        .iter()
                        .any(|d: &DeprecatedPermission<'_>| d.permission == permission)
                    {
                        deprecated.push(DeprecatedPermission { permission, note });
                    }
                }
            }
        }
        for effect in licenses.values_mut() {
            effect.documents.sort_by_key(|stated| stated.document.id);
        }
        let removed = permissions
            .iter()
            .filter_map(|&permission| {
                permission.removed_after().map(|last_release| RemovedPermission {
                    permission,
                    last_release,
                })
            })
            .collect();
        let unlisted_entities = catalog
            .entity_rows()
            .filter_map(|(row, _)| catalog.get(row))
            .filter(|&row| catalog.lists_no_action_of(row) && !permissions.contains(&row))
            .filter_map(|row| {
                let entity = row.key().trim_end_matches(":*");
                let keys: Vec<&str> = (grants.unknown.iter().map(|key| &**key))
                    .filter(|key| {
                        key.rsplit_once(':')
                            .is_some_and(|(of, _)| of.eq_ignore_ascii_case(entity))
                    })
                    .collect();
                (!keys.is_empty()).then_some(UnlistedEntity { permission: row, keys })
            })
            .collect();
        RoleAudit {
            unlisted_entities,
            removed,
            role: &data.name,
            unknown: grants.unknown.iter().map(|key| &**key).collect(),
            wildcards,
            redundant,
            conditional,
            legacy: data.legacy.iter().map(|p| &**p).collect(),
            licenses,
            deprecated,
            gates: builtins::gates()
                .iter()
                .map(|&gate| GateAudit {
                    gate,
                    satisfied: self.check_info(who, gate, gate.release).is_ok(),
                })
                .collect(),
            permissions,
        }
    }
}
