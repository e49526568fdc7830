//! [`Permission`]: one interned permission of a [`Catalog`](crate::Catalog),
//! and what the source documents say about it.

use core::fmt;
use core::hash::{Hash, Hasher};
use std::borrow::Cow;

use crate::source::{Evidence, History, Seen, SourceEntry};

/// A permission known to a [`Catalog`](crate::Catalog): a dense index and the catalog's entry.
///
/// `Permission` is `Copy` and two words wide. Builtin permissions take the
/// first indexes of every catalog, so the typed constants in [`perm`](crate::perm)
/// are valid with any catalog and any [`Policy`](crate::Policy).
///
/// ```
/// use permgate::{perm, Permission};
///
/// let view = perm::journey::ACTIONMAP_VIEW;
/// assert_eq!(view.key(), "journey:actionmap:view");
/// assert_eq!(view.label(), Some("Journey > Action Map > View"));
/// assert_eq!((view.domain(), view.entity(), view.action()), ("journey", "actionmap", "view"));
///
/// // Any spelling parses to the same permission (builtin catalog).
/// let parsed: Permission = "Journey > Action Map > View".parse()?;
/// assert_eq!(parsed, view);
/// assert_eq!("JOURNEY:ACTIONMAP:VIEW".parse::<Permission>()?, view);
/// # Ok::<(), permgate::parse::QuestionError>(())
/// ```
///
/// With the `serde` feature, a permission serializes as its key, and a
/// builtin one (`Permission<'static>`) deserializes from any spelling the
/// builtin catalog resolves; a wildcard or an unknown key is an error:
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use permgate::{Permission, perm};
///
/// assert_eq!(serde_json::to_string(&perm::journey::ACTIONMAP_VIEW)?, r#""journey:actionmap:view""#);
/// let read: Permission = serde_json::from_str(r#""Journey > Action Map > View""#)?;
/// assert_eq!(read, perm::journey::ACTIONMAP_VIEW);
/// assert!(serde_json::from_str::<Permission>(r#""journey:*:*""#).is_err());
/// # }
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Permission<'c> {
    index: u16,
    /// The id of the catalog that made it ([`Catalog::owns`](crate::Catalog)
    /// reads it): 0 for a builtin constant, valid with every catalog.
    catalog: u32,
    info: &'c PermissionInfo,
}

impl<'c> Permission<'c> {
    /// A builtin permission: its index is below every catalog's builtin bound.
    pub(crate) const fn new(index: u16, info: &'c PermissionInfo) -> Self {
        Self {
            index,
            catalog: 0,
            info,
        }
    }

    /// Entry `index` of the catalog whose id is `catalog`.
    pub(crate) const fn of_catalog(index: u16, info: &'c PermissionInfo, catalog: u32) -> Self {
        Self { index, catalog, info }
    }

    /// The id of the catalog that made it (0 for a builtin constant).
    #[inline]
    pub(crate) const fn catalog(self) -> u32 {
        self.catalog
    }

    /// The dense index of this permission in its catalog.
    pub const fn index(self) -> u16 {
        self.index
    }

    /// The key in the catalog's own spelling: `journey:actionmap:view`, or a
    /// CxEngage flat name such as `CONTACTS_READ`.
    pub fn key(self) -> &'c str {
        &self.info.key
    }

    /// The label admins see (`Journey > Action Map > View`), when a source gives one.
    pub fn label(self) -> Option<&'c str> {
        self.info.label.as_deref()
    }

    /// The domain: `journey` in `journey:actionmap:view`; the whole name for a flat name.
    pub fn domain(self) -> &'c str {
        self.segments().0
    }

    /// The entity: `actionmap` in `journey:actionmap:view`; empty for a flat name.
    pub fn entity(self) -> &'c str {
        self.segments().1
    }

    /// The action: `view` in `journey:actionmap:view`; empty for a flat name.
    pub fn action(self) -> &'c str {
        self.segments().2
    }

    /// What each source document says about this permission, in catalog order.
    /// Empty for permissions that came from an organization's catalog.
    pub fn sources(self) -> &'c [SourceEntry] {
        self.info.sources
    }

    /// When the Genesys Cloud Platform API documents this permission: the first
    /// and last SDK release that listed it, and whether it was removed since.
    /// `None` for permissions that only a document or an organization's
    /// catalog names.
    pub fn history(self) -> Option<History> {
        self.info.history.and_then(Seen::history)
    }

    /// When the Platform API no longer documents this permission: the last
    /// SDK release that did (`None` for a current or undocumented key).
    pub fn removed_after(self) -> Option<crate::release::SdkRelease> {
        self.history().filter(|h| h.is_removed()).map(|h| h.last())
    }

    /// Whether the Platform API no longer documents this permission: a
    /// `const` form of `removed_after().is_some()`, for gates built at compile
    /// time and for the check's hot path.
    pub(crate) const fn is_removed(self) -> bool {
        match self.info.history {
            Some(seen) => !seen.is_current(),
            None => false,
        }
    }

    /// Where the key was seen: [`Evidence::Sdk`] when the Platform API's SDK
    /// docs list it (in the releases of [`history`](Self::history)); else
    /// the strongest evidence of the documents that list it (for Genesys
    /// keys, their label mapping); `None` for a permission that only an
    /// organization's catalog names.
    ///
    /// ```
    /// use permgate::{source::Evidence, perm};
    ///
    /// assert!(matches!(perm::journey::ACTIONMAP_VIEW.evidence(), Some(Evidence::Sdk(_))));
    /// // Named by the Predictive Engagement label mapping; not in the SDK docs.
    /// assert_eq!(perm::journey::REPORT_VIEW.evidence(), Some(Evidence::Pattern));
    /// ```
    pub fn evidence(self) -> Option<Evidence> {
        if let Some(history) = self.history() {
            return Some(Evidence::Sdk(history));
        }
        let rank = |e: &Evidence| match e {
            Evidence::Sdk(_) => 3,
            Evidence::Verified => 2,
            Evidence::Pattern => 1,
            Evidence::Unverified => 0,
        };
        self.info.sources.iter().map(|s| s.evidence).max_by_key(rank)
    }

    /// Whether this entry stands for a whole entity (`integration:amiPremiumApps:*`):
    /// a catalog row whose concrete actions no source names. A grant covering the
    /// pattern gives it, and so does holding every action a catalog lists for the
    /// entity across the grants in reach; a string question may not name it (ask
    /// with its `perm::` constant).
    pub fn is_wildcard(self) -> bool {
        self.info.key.ends_with(":*")
    }

    /// Whether this is a CxEngage-style flat name (`CONTACTS_READ`).
    pub fn is_flat(self) -> bool {
        !self.info.key.contains(':')
    }

    /// `(domain, entity, action)`, split once.
    pub(crate) fn segments(self) -> (&'c str, &'c str, &'c str) {
        let key: &'c str = &self.info.key;
        let mut parts = key.splitn(3, ':');
        let domain = parts.next().unwrap_or(key);
        (domain, parts.next().unwrap_or(""), parts.next().unwrap_or(""))
    }

    pub(crate) fn info(self) -> &'c PermissionInfo {
        self.info
    }
}

impl PartialEq for Permission<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index && core::ptr::eq(self.info, other.info)
    }
}

impl Eq for Permission<'_> {}

impl Hash for Permission<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}

impl fmt::Debug for Permission<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Permission").field(&self.key()).finish()
    }
}

/// Prints the key in the catalog's spelling.
impl fmt::Display for Permission<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A catalog entry. Builtin entries are `static`; entries added from an
/// organization's catalog are owned by the [`Catalog`](crate::Catalog).
#[derive(Debug, Clone)]
pub(crate) struct PermissionInfo {
    pub(crate) key: Cow<'static, str>,
    pub(crate) label: Option<Cow<'static, str>>,
    pub(crate) sources: &'static [SourceEntry],
    pub(crate) history: Option<Seen>,
}

impl PermissionInfo {
    pub(crate) const fn builtin(
        key: &'static str,
        label: Option<&'static str>,
        sources: &'static [SourceEntry],
        history: Option<Seen>,
    ) -> Self {
        let label = match label {
            Some(label) => Some(Cow::Borrowed(label)),
            None => None,
        };
        Self {
            key: Cow::Borrowed(key),
            label,
            sources,
            history,
        }
    }

    /// A permission only the platform catalog names: no label, no document;
    /// `first` and `last` index `SDK_RELEASES`.
    pub(crate) const fn platform(key: &'static str, first: u16, last: u16, current: bool) -> Self {
        Self {
            key: Cow::Borrowed(key),
            label: None,
            sources: &[],
            history: Some(Seen::new(first, last, current)),
        }
    }
}
