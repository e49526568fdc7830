//! [`RoleAudit`]: what an admin reviewing a role should know about it.

use std::collections::BTreeMap;

use crate::{ConditionalGrantInfo, Division, Document, GateInfo, Permission, Permitted, SdkRelease};

/// The findings of [`Policy::audit_user`](crate::Policy::audit_user) for one user.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserAudit<'p> {
    /// The user's name.
    pub user: &'p str,
    /// Each grant, in order.
    pub grants: Vec<GrantAudit<'p>>,
    /// Every builtin gate, and where the user satisfies it at the gate's
    /// release: in every division, or in the divisions listed (none: nowhere).
    pub gates: Vec<(&'static GateInfo, Permitted<'p>)>,
}

/// One grant of a user, as [`UserAudit`] lists it.
#[derive(Debug, Clone)]
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

/// The findings of [`Policy::audit`](crate::Policy::audit) for one role.
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
    /// Each product license the role's permissions assign (per the source
    /// documents), once, with the documents that state it and the
    /// permissions that assign it.
    pub licenses: BTreeMap<&'static str, LicenseEffect<'p>>,
    /// Held permissions a source marks as removed or legacy, with the note.
    pub deprecated: Vec<(Permission<'p>, &'static str)>,
    /// Held permissions the Platform API no longer documents, with the last
    /// SDK release that listed them.
    pub removed: Vec<(Permission<'p>, SdkRelease)>,
    /// Every builtin gate, and whether the role satisfies it at the gate's release.
    pub gates: Vec<(&'static GateInfo, bool)>,
    /// Rows standing for a whole entity (`integration:amiPremiumApps:*`)
    /// that the role does not hold, of whose entity the policy's catalog
    /// lists no action, while the role holds keys of that entity that no
    /// catalog knows: an expanded role audited without its organization's
    /// catalog. Each row with those keys, as granted. The builtin catalog
    /// lists no action of these entities: whether the keys give the row, the
    /// gates that need it and the license it assigns (the AMI user license
    /// for `integration:amiPremiumApps:*`) are decided with the
    /// organization's catalog ([`Catalog::with_org_catalog`](crate::Catalog::with_org_catalog), `--catalog` in
    /// the CLI).
    pub unlisted_entities: Vec<(Permission<'p>, Vec<&'p str>)>,
}

/// One product license that a role's permissions assign, as
/// [`RoleAudit::licenses`] reports it.
///
/// A product renamed since a document was written is one license: the
/// Altocloud page's "Altocloud" license is the Predictive Engagement license
/// ([`SourceEntry::product_license`](crate::SourceEntry::product_license)).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicenseEffect<'p> {
    /// The documents that state it, by id, each with its own name for the
    /// license.
    pub documents: Vec<(&'static Document, &'static str)>,
    /// The held permissions that assign it, in index order.
    pub permissions: Vec<Permission<'p>>,
}
