//! Audits: what an admin reviewing a role or a user should know about it.
//!
//! [`Policy::audit`] gives a [`RoleAudit`], [`Policy::audit_user`] a
//! [`UserAudit`] (each grant's [`GrantAudit`], each gate's [`UserGate`]).
//! Every finding is a struct with named fields; with feature `serde` each
//! derives `Serialize`, so its JSON names are its field names.

use std::collections::BTreeMap;

use crate::parse::{Spelling, parse};
use crate::principal::Principal;
use crate::role::RoleData;
use crate::{
    Catalog, ConditionalGrantInfo, Division, Document, GateInfo, Permission, Permitted, Policy, RoleId, SdkRelease,
    UserId,
};

/// The findings of [`Policy::audit_user`] for one user.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct UserAudit<'p> {
    /// The user's name.
    pub user: &'p str,
    /// Each grant, in order.
    pub grants: Vec<GrantAudit<'p>>,
    /// Every builtin gate, and where the user satisfies it at the gate's
    /// release: in every division, or in the divisions listed (none: nowhere).
    pub gates: Vec<UserGate<'p>>,
}

/// One grant of a user, as [`UserAudit`] lists it.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct GrantAudit<'p> {
    /// The role's name, or the name of the grants the user holds directly.
    pub role: &'p str,
    /// Whether `role` is a role of the policy.
    pub named_role: bool,
    /// Where the grant applies.
    pub division: &'p Division,
    /// What an admin should know of the role (its `gates` as if it were
    /// granted alone, in every division).
    pub audit: RoleAudit<'p>,
}

/// One builtin gate of a [`UserAudit`], and where the user satisfies it.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct UserGate<'p> {
    /// The gate (written as its name).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::serde_impls::gate_name"))]
    pub gate: &'static GateInfo,
    /// Where the user satisfies it at the gate's release: in every
    /// division, or in the divisions listed (none: nowhere).
    pub permitted: Permitted<'p>,
}

/// The findings of [`Policy::audit`] for one role.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    pub wildcards: Vec<WildcardGrant<'p>>,
    /// Grants that a wildcard grant of the same role already covers.
    pub redundant: Vec<RedundantGrant>,
    /// Conditional grants: what each covers, and its condition.
    pub conditional: Vec<ConditionalGrantInfo<'p>>,
    /// Legacy flat `permissions[]` of the role JSON, never granted.
    pub legacy: Vec<&'p str>,
    /// Each product license the role's permissions assign (per the source
    /// documents), once, with the documents that state it and the
    /// permissions that assign it. Written as a list of
    /// `{"license", "documents", "permissions"}`.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::serde_impls::licenses"))]
    pub licenses: BTreeMap<&'static str, LicenseEffect<'p>>,
    /// Held permissions a source marks as removed or legacy, with the note.
    pub deprecated: Vec<DeprecatedPermission<'p>>,
    /// Held permissions the Platform API no longer documents, with the last
    /// SDK release that listed them.
    pub removed: Vec<RemovedPermission<'p>>,
    /// Every builtin gate, and whether the role satisfies it at the gate's release.
    pub gates: Vec<GateAudit>,
    /// Rows standing for a whole entity (`integration:amiPremiumApps:*`)
    /// that the role does not hold, of whose entity the policy's catalog
    /// lists no action, while the role holds keys of that entity that no
    /// catalog knows: an expanded role audited without its organization's
    /// catalog. Each row with those keys, as granted. The builtin catalog
    /// lists no action of these entities: whether the keys give the row, the
    /// gates that need it and the license it assigns (the AMI user license
    /// for `integration:amiPremiumApps:*`) are decided with the
    /// organization's catalog ([`Catalog::extension`]; `genesys::org_catalog`, `--catalog` in
    /// the CLI).
    pub unlisted_entities: Vec<UnlistedEntity<'p>>,
}

/// An unconditional wildcard grant of a role, as [`RoleAudit::wildcards`]
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct WildcardGrant<'p> {
    /// The wildcard, as granted: `journey:*:*`.
    pub wildcard: String,
    /// The catalog permissions it covers today, in index order (it also
    /// covers keys no catalog knows).
    pub permissions: Vec<Permission<'p>>,
}

/// A grant that a wildcard grant of the same role already covers, as
/// [`RoleAudit::redundant`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RedundantGrant {
    /// The grant, as granted.
    pub grant: String,
    /// The wildcard that covers it.
    pub wildcard: String,
}

/// A held permission that a source document marks as removed or legacy, as
/// [`RoleAudit::deprecated`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct DeprecatedPermission<'p> {
    /// The permission.
    pub permission: Permission<'p>,
    /// The document's note.
    pub note: &'static str,
}

/// A held permission the Platform API no longer documents, as
/// [`RoleAudit::removed`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RemovedPermission<'p> {
    /// The permission.
    pub permission: Permission<'p>,
    /// The last SDK release that listed it.
    pub last_release: SdkRelease,
}

/// One builtin gate of a [`RoleAudit`], and whether the role satisfies it.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct GateAudit {
    /// The gate (written as its name).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::serde_impls::gate_name"))]
    pub gate: &'static GateInfo,
    /// Whether the role satisfies it at the gate's release.
    pub satisfied: bool,
}

/// A row standing for a whole entity that the loaded catalogs list no
/// action of, with the role's keys of that entity, as
/// [`RoleAudit::unlisted_entities`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct UnlistedEntity<'p> {
    /// The row: `integration:amiPremiumApps:*`.
    pub permission: Permission<'p>,
    /// The role's keys of the entity that no catalog knows, as granted.
    pub keys: Vec<&'p str>,
}

/// One product license that a role's permissions assign, as
/// [`RoleAudit::licenses`] reports it.
///
/// A product renamed since a document was written is one license: the
/// Altocloud page's "Altocloud" license is the Predictive Engagement license
/// ([`SourceEntry::product_license`](crate::SourceEntry::product_license)).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct LicenseEffect<'p> {
    /// The documents that state it, each with its own name for the license.
    pub documents: Vec<StatedLicense>,
    /// The held permissions that assign it, in index order.
    pub permissions: Vec<Permission<'p>>,
}

/// A document that states a license, in its own words, as
/// [`LicenseEffect::documents`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct StatedLicense {
    /// The document (written as its id).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::serde_impls::document_id"))]
    pub document: &'static Document,
    /// The document's own name for the license (`Altocloud`).
    pub license: &'static str,
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
        Some(self.audit_set(data, role.into(), self.conditional_grants(role).collect()))
    }

    /// Audits a user: each of its grants (the role, or the grants it holds
    /// directly, and the division) with its role's audit, and every builtin
    /// gate with where the user satisfies it. `None` when the user is not in
    /// this policy.
    ///
    /// ```
    /// use permgate::{Catalog, Division, Permitted, Policy};
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
        let name = self.user_name(user)?;
        let data = self.user_data(user.index)?;
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
        let gates = self
            .catalog()
            .gates()
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
                .patterns
                .iter()
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
            .patterns
            .iter()
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
            gates: catalog
                .gates()
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
