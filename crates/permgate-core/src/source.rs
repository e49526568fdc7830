//! What the source documents say: [`Document`], [`SourceEntry`], [`CatalogRole`].

use crate::release::{Release, SdkRelease};

/// One source document behind the builtin catalog (a vendor help page).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Document {
    /// Short identifier, the catalog file's name: `predictive-engagement`.
    pub id: &'static str,
    /// The document's heading.
    pub title: &'static str,
    /// The product it documents: `Predictive Engagement`.
    pub product: &'static str,
    /// Who publishes it.
    pub vendor: &'static str,
    /// The platform whose permissions it uses.
    pub platform: &'static str,
    /// Publication date (`2024-11`), when the document gives one.
    pub published: Option<&'static str>,
    /// The product release the document applies to, when it gives one.
    pub release: Option<Release>,
    /// The file under `shared/sources/` the catalog was written from.
    pub source_file: &'static str,
    /// How the document spells permissions.
    pub vocabulary: Vocabulary,
    /// Facts from the document that are not permission rows.
    pub notes: &'static [&'static str],
}

/// How a vendor spells permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vocabulary {
    /// Genesys Cloud: `domain:entity:action`, labels `Domain > Entity > Action`.
    Genesys,
    /// CxEngage: flat names such as `CONTACTS_READ`; `_ALL` / `_SELF` are scopes.
    CxEngage,
}

/// What one document says about one permission.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SourceEntry {
    /// The document.
    pub document: &'static Document,
    /// A short description of what the permission allows, per this document.
    pub description: &'static str,
    /// The section the row sits in.
    pub section: &'static str,
    /// Other sections of the same document that list the row again.
    pub also_in_sections: &'static [&'static str],
    /// Admin or agent table.
    pub audience: Audience,
    /// How well the API key is attested.
    pub evidence: Evidence,
    /// The license that holding the permission assigns (and bills), if any,
    /// in the document's own words (the Altocloud page says `Altocloud`).
    pub license: Option<&'static str>,
    /// The product license `license` is today, one name for every document
    /// that states it: the Altocloud page's license is `Predictive
    /// Engagement`. Audits report this name.
    pub product_license: Option<&'static str>,
    /// Release notes and caveats (`changed with R3.15`).
    pub release_notes: &'static [&'static str],
    /// A roadmap permission: required by gates only from this release on.
    pub available_from: Option<Release>,
    /// Set when the document names this permission only through a wildcard row
    /// (`journey:outcomepredictor:*` implies `journey:outcomepredictor:add`).
    pub via_wildcard: Option<&'static str>,
}

/// Who a document's permission table is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Audience {
    /// Configuration and administration.
    Admin,
    /// Agents and desktop users.
    Agent,
}

/// How well a permission's API key is attested by public sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Evidence {
    /// Seen in the API, SDK documentation or a real exported role.
    Verified,
    /// Follows the documented naming convention; the exact string was not seen.
    Pattern,
    /// No source found: kept so requirements can be named, but unconfirmed.
    Unverified,
    /// The Genesys Cloud Platform API documents the key: its SDK docs list it
    /// in these releases. Only [`Permission::evidence`](crate::Permission::evidence)
    /// gives it; a document's [`SourceEntry`] keeps the document's own evidence.
    Sdk(History),
}

/// The SDK releases in which the Platform API documented a permission.
///
/// ```
/// use permgate::perm;
///
/// let history = perm::analytics::CONVERSATION_DETAIL_VIEW.history().unwrap();
/// assert!(!history.is_removed());
/// assert_eq!(history.last().version(), permgate::Release::new(259, 0));
///
/// // Removed from the SDK, kept in the catalog with the release it was last seen in.
/// let removed = perm::widgets::DEPLOYMENT_VIEW.history().unwrap();
/// assert!(removed.is_removed());
/// assert!(removed.last() < history.last());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct History {
    first: SdkRelease,
    last: SdkRelease,
    removed: bool,
}

impl History {
    /// The first SDK release that listed the key (in any ASCII case).
    pub const fn first(self) -> SdkRelease {
        self.first
    }

    /// The last SDK release that listed it: the current SDK unless removed.
    pub const fn last(self) -> SdkRelease {
        self.last
    }

    /// Whether the current SDK no longer lists it (removed or renamed).
    pub const fn is_removed(self) -> bool {
        self.removed
    }
}

/// A builtin permission's history as generated: indexes into `SDK_RELEASES`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    first: u16,
    last: u16,
    current: bool,
}

impl Seen {
    pub(crate) const fn new(first: u16, last: u16, current: bool) -> Self {
        Self { first, last, current }
    }

    /// Whether the current SDK still lists it.
    pub(crate) const fn is_current(self) -> bool {
        self.current
    }

    pub(crate) fn history(self) -> Option<History> {
        let release = |i: u16| crate::builtin::SDK_RELEASES.get(usize::from(i)).copied();
        Some(History {
            first: release(self.first)?,
            last: release(self.last)?,
            removed: !self.current,
        })
    }
}

/// A named role that a source document defines (`AMI R3|standard user role`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogRole {
    /// The role's name, as the document prints it.
    pub name: &'static str,
    /// What the role is for.
    pub description: &'static str,
    /// The document that defines it.
    pub document: &'static Document,
    /// The role this one is an add-on to, if any (its grants are not repeated here).
    pub extends: Option<&'static str>,
    /// The role's own grants, as API keys (wildcard rows as `entity:*` patterns).
    pub grants: &'static [&'static str],
}

/// A document row that grants a whole entity (`Journey > Segment > All`) and
/// whose concrete actions are known: it is a pattern, not a permission.
#[derive(Debug, Clone)]
pub(crate) struct WildcardRow {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
}
