//! Audits: what an admin reviewing a role or a user should know about it.
//!
//! [`Policy::audit`](crate::Policy::audit) gives a [`RoleAudit`], [`Policy::audit_user`](crate::Policy::audit_user) a
//! [`UserAudit`] (each grant's [`GrantAudit`], each gate's [`UserGate`]).
//! Every finding is a struct with named fields; with feature `serde` each
//! derives `Serialize`, so its JSON names are its field names.

use std::collections::BTreeMap;

use crate::{
    Division, Permission, definition::ConditionalGrantInfo, explain::Permitted, gate::GateInfo, release::SdkRelease,
    source::Document,
};

/// The findings of [`Policy::audit_user`](crate::Policy::audit_user) for one user.
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

/// The findings of [`Policy::audit`](crate::Policy::audit) for one role.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RoleAudit<'p> {
    /// The role's name.
    pub role: &'p str,
    /// Catalog permissions the role allows unconditionally, in index order.
    pub permissions: Vec<Permission<'p>>,
    /// Grants no catalog knows (UI-only permissions and the like), as
    /// granted: they stay granted through the string API.
    pub unknown: Vec<&'p str>,
    /// Unconditional wildcard grants (`journey:*:*`, `routing:queue:*`), as
    /// granted, each once: those over an entity or a domain the catalog
    /// knows, granted in its spelling, in the catalog's order; then the
    /// others in grant order. Each with the catalog permissions it covers
    /// today. They also allow keys no catalog knows through string
    /// questions: reviews must show them.
    pub wildcards: Vec<WildcardGrant<'p>>,
    /// Grants that a wildcard grant of the same role already covers.
    pub redundant: Vec<RedundantGrant>,
    /// Conditional grants, in document order: what each covers, and its
    /// condition.
    pub conditional: Vec<ConditionalGrantInfo<'p>>,
    /// Legacy flat `permissions[]` of the role JSON: reported, never granted.
    pub legacy: Vec<&'p str>,
    /// Each product license the role's permissions assign (per the source
    /// documents), once, with the documents that state it and the
    /// permissions that assign it. Written as a list of
    /// `{"license", "documents", "permissions"}`.
    #[cfg_attr(feature = "serde", serde(serialize_with = "licenses"))]
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
    /// organization's catalog ([`Catalog::extension`](crate::Catalog::extension); `genesys::org_catalog`, `--catalog` in
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
/// ([`SourceEntry::product_license`](crate::source::SourceEntry::product_license)).
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

/// [`RoleAudit::licenses`]: a list of `{"license", "documents", "permissions"}`.
#[cfg(feature = "serde")]
fn licenses<S: serde::Serializer>(
    licenses: &BTreeMap<&'static str, LicenseEffect<'_>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct License<'a, 'p> {
        license: &'static str,
        #[serde(flatten)]
        effect: &'a LicenseEffect<'p>,
    }
    serializer.collect_seq(licenses.iter().map(|(&license, effect)| License { license, effect }))
}
