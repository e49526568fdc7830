//! [`Catalog`]: every known permission, interned to a dense index, and
//! [`CatalogExtension`]: a catalog extended with an organization's own
//! permissions.

use std::sync::{Arc, LazyLock};

use crate::caseless::{Caseless, CaselessKey, CaselessMap, NameTable, caseless_map};
use crate::generated;
use crate::parse::{GrantError, ParseError, QuestionError, Spelling, excerpt, is_all, is_space, parse, trim_spaces};
use crate::permission::{Permission, PermissionInfo};
use crate::text::is_other_space;

/// Every permission a policy can name, each interned to a dense `u16` index.
///
/// [`Catalog::builtin`] holds the five source documents' permissions and every
/// permission the Genesys Cloud Platform API documents, current or removed
/// (see `catalogs/`). Lookups accept the three spellings in any ASCII case: the API
/// key, the admin label, and CxEngage flat names. Cloning is cheap (shared).
///
/// ```
/// use permgate::{Catalog, perm};
///
/// let catalog = Catalog::builtin();
/// assert_eq!(catalog.lookup("journey:ACTIONMAP:view"), Some(perm::journey::ACTIONMAP_VIEW));
/// assert_eq!(catalog.lookup("Journey > Action Map > View"), Some(perm::journey::ACTIONMAP_VIEW));
/// assert_eq!(catalog.lookup("contacts_read"), Some(perm::cxengage::CONTACTS_READ));
/// assert_eq!(catalog.lookup("journey:newthing:view"), None);
/// ```
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
    /// This catalog's id, carried by each permission it makes: 0 for the
    /// builtin catalog, a new one for each [`CatalogExtension::finish`]
    /// ([`SHARED_ID`] once ids run out). Beside the `Arc`, so that
    /// [`owns`](Self::owns) reads it with one load.
    id: u32,
}

/// The id of every catalog finished once the `u32` ids ran out: such a
/// catalog tells its permissions from another's by their entry's address.
const SHARED_ID: u32 = u32::MAX;

/// A new catalog id: 1, 2, … up to [`SHARED_ID`], which then stays.
fn next_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let taken = NEXT.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1));
    taken.unwrap_or(SHARED_ID)
}

#[derive(Clone)]
struct Inner {
    builtin: &'static [PermissionInfo],
    extra: Vec<PermissionInfo>,
    /// Per index: what an organization's catalog says about the permission.
    flags: Vec<OrgFlags>,
    /// Domain to the indexes of its permissions, for wildcard expansion.
    domains: CaselessMap<Vec<u16>>,
    /// Keys, labels and flat names, each to its permission.
    names: NameTable<NameEntry>,
    /// Normalized `Domain > Entity` label prefixes to the entity they name,
    /// so that `Journey > Segment > All` resolves to `journey:segment:*`.
    entity_labels: CaselessMap<EntityLabel>,
    /// Each catalog row that stands for a whole entity
    /// (`integration:amiPremiumApps:*`), with the concrete actions the catalog
    /// lists for that entity.
    entity_rows: Vec<(u16, Vec<u16>)>,
    /// Each entity (`routing:queue`) and domain (`routing`) the catalog's
    /// keys name, to its [`Scope`]: what a grant set's wildcard bits index.
    scopes: NameTable<Scope>,
    /// The name of each scope, by index, as the catalog first spells it.
    scope_names: Vec<Box<str>>,
}

/// An entity or a domain of a catalog, by index: a wildcard over it
/// (`routing:queue:*`, `routing:*:*`) is one bit of a grant set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The scope's own index.
    pub(crate) index: u16,
    /// The index of its domain (its own for a domain).
    pub(crate) domain: u16,
}

/// The entity a `Domain > Entity` label prefix names.
#[derive(Debug, Clone)]
struct EntityLabel {
    /// The `domain:entity` key prefix, as first named.
    prefix: Box<str>,
    /// Named by the builtin catalog: organization labels cannot change it.
    builtin: bool,
    /// Other entities organization labels name with the same prefix: when
    /// any, a label wildcard over the prefix is ambiguous.
    others: Vec<Box<str>>,
}

/// A value of the name map: the index, and whether the entry is a wildcard
/// row (kept here so the string path need not load the entry).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NameEntry {
    pub(crate) index: u16,
    pub(crate) wildcard: bool,
}

/// What an organization's catalog says about one permission; `None` where it
/// says nothing (then the safe side is taken: division-aware, conditions
/// not allowed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrgFlags {
    /// Whether a grant of it applies per division.
    pub division_aware: Option<bool>,
    /// Whether a grant of it may carry a condition.
    pub allows_conditions: Option<bool>,
}

impl OrgFlags {
    /// Flags saying what the organization says: each `None` where it says
    /// nothing.
    pub fn new(division_aware: Option<bool>, allows_conditions: Option<bool>) -> Self {
        Self {
            division_aware,
            allows_conditions,
        }
    }
}

/// One permission an organization's catalog documents, as an adapter read
/// it: what [`CatalogExtension::add`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrgPermission<'a> {
    /// `domain:entity:action`.
    pub key: &'a str,
    /// The label the organization gives it.
    pub label: Option<&'a str>,
    /// What the organization says of it.
    pub flags: OrgFlags,
}

impl<'a> OrgPermission<'a> {
    /// The permission `key`, with its label if the organization gives one.
    pub fn new(key: &'a str, label: Option<&'a str>, flags: OrgFlags) -> Self {
        Self { key, label, flags }
    }
}

/// Why an organization's permission was not added (the adapter says where).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrgPermissionError {
    /// The key does not parse.
    #[error(transparent)]
    Malformed(ParseError),
    /// A wildcard, a label or a flat name: not one concrete permission.
    #[error("not one concrete permission: an organization's catalog lists `domain:entity:action` keys")]
    NotConcrete,
    /// More permissions than a `u16` index holds.
    #[error("more permissions than a catalog holds ({})", u16::MAX)]
    TooMany,
}

/// A catalog being extended with an organization's permissions: made by
/// [`Catalog::extension`], finished into a catalog by
/// [`finish`](Self::finish). An adapter reads an organization's permission
/// catalog into one (the Genesys adapter's
/// `Catalog::with_org_catalog`).
///
/// ```
/// use permgate::Catalog;
/// use permgate::catalog::{OrgFlags, OrgPermission};
///
/// let mut extension = Catalog::builtin().extension();
/// let flags = OrgFlags::new(Some(false), None);
/// extension.add(&OrgPermission::new("acme:widget:view", Some("Acme > Widget > View"), flags))?;
/// let catalog = extension.finish();
/// assert!(catalog.lookup("Acme > Widget > View").is_some());
/// assert!(Catalog::builtin().lookup("acme:widget:view").is_none());
/// # Ok::<(), permgate::catalog::OrgPermissionError>(())
/// ```
#[derive(Clone)]
pub struct CatalogExtension {
    inner: Inner,
}

impl CatalogExtension {
    /// Adds one permission, or records what the organization says of one
    /// the catalog has.
    ///
    /// # Errors
    ///
    /// A key that does not parse or is not one concrete permission, or one
    /// permission more than a catalog holds.
    pub fn add(&mut self, permission: &OrgPermission<'_>) -> Result<(), OrgPermissionError> {
        self.inner.add_org_permission(permission)
    }

    /// The extended catalog.
    pub fn finish(mut self) -> Catalog {
        self.inner.index_entity_rows();
        self.inner.index_scopes();
        Catalog {
            inner: Arc::new(self.inner),
            id: next_id(),
        }
    }
}

static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| {
    let mut inner = Inner {
        builtin: &generated::PERMISSIONS,
        extra: Vec::new(),
        flags: vec![OrgFlags::default(); generated::PERMISSIONS.len()],
        domains: caseless_map(),
        names: NameTable::default(),
        entity_labels: caseless_map(),
        entity_rows: Vec::new(),
        scopes: NameTable::default(),
        scope_names: Vec::new(),
    };
    for (index, info) in (0u16..).zip(generated::PERMISSIONS.iter()) {
        inner.index_names(index, info, true);
    }
    for row in &generated::WILDCARD_ROWS {
        inner.index_entity_label(row.label, row.key, true);
    }
    inner.index_entity_rows();
    inner.index_scopes();
    Catalog {
        inner: Arc::new(inner),
        id: 0,
    }
});

impl Inner {
    fn index_names(&mut self, index: u16, info: &PermissionInfo, builtin: bool) {
        if let Some((domain, _)) = info.key.split_once(':') {
            self.domains.entry(CaselessKey::new(domain)).or_default().push(index);
        }
        let entry = NameEntry {
            index,
            wildcard: info.key.ends_with(":*"),
        };
        self.names.insert(&info.key, entry);
        if let Some(label) = &info.label {
            self.names.insert(&normalize_label(label), entry);
            self.index_entity_label(label, &info.key, builtin);
        }
    }

    /// Records that `label`'s `Domain > Entity` prefix names `key`'s entity.
    /// A builtin label keeps its entity: an organization label cannot
    /// redirect `Domain > Entity > All`. Organization labels that name two
    /// entities with one prefix make it ambiguous, whatever their order.
    fn index_entity_label(&mut self, label: &str, key: &str, builtin: bool) {
        let (Some((label_prefix, _)), Some((key_prefix, _))) = (label.rsplit_once('>'), key.rsplit_once(':')) else {
            return;
        };
        let entry = self
            .entity_labels
            .entry(CaselessKey::new(&normalize_label(label_prefix)))
            .or_insert_with(|| EntityLabel {
                prefix: key_prefix.into(),
                builtin,
                others: Vec::new(),
            });
        let same = |known: &str| known.eq_ignore_ascii_case(key_prefix);
        if !entry.builtin && !same(&entry.prefix) && !entry.others.iter().any(|other| same(other)) {
            entry.others.push(key_prefix.into());
        }
    }

    /// Whether `label` (normalized) is `Domain > Entity > All` over an entity
    /// that builtin labels name.
    fn is_builtin_label_wildcard(&self, label: &str) -> bool {
        let Some((prefix, action)) = label.rsplit_once(" > ") else {
            return false;
        };
        is_all(action)
            && self
                .entity_labels
                .get(&Caseless(prefix))
                .is_some_and(|named| named.builtin)
    }

    /// Lists, for each catalog row that stands for a whole entity, the
    /// concrete actions the catalog knows for that entity.
    fn index_entity_rows(&mut self) {
        let mut rows = Vec::new();
        for (info, row) in self.builtin.iter().chain(&self.extra).zip(0u16..) {
            let Some(prefix) = info.key.strip_suffix(":*") else {
                continue;
            };
            let domain = prefix.split(':').next().unwrap_or(prefix);
            let actions = self.domains.get(&Caseless(domain)).map_or(&[][..], Vec::as_slice);
            let concrete = actions.iter().copied().filter(|&i| {
                self.info(i).is_some_and(|other| {
                    !other.key.ends_with(":*")
                        && other
                            .key
                            .rsplit_once(':')
                            .is_some_and(|(entity, _)| entity.eq_ignore_ascii_case(prefix))
                })
            });
            rows.push((row, concrete.collect()));
        }
        self.entity_rows = rows;
    }

    /// Gives each domain and entity the keys name a [`Scope`], in key order.
    fn index_scopes(&mut self) {
        let mut scopes = NameTable::default();
        let mut names: Vec<Box<str>> = Vec::new();
        let mut scope = |name: &str, domain: Option<u16>| {
            if let Some(held) = scopes.get(name) {
                return Some(held);
            }
            let index = u16::try_from(names.len()).ok()?;
            let held = Scope {
                index,
                domain: domain.unwrap_or(index),
            };
            scopes.insert(name, held);
            names.push(name.into());
            Some(held)
        };
        for info in self.builtin.iter().chain(&self.extra) {
            let Some((entity, _)) = info.key.rsplit_once(':') else {
                continue;
            };
            let Some((domain, _)) = entity.split_once(':') else {
                continue;
            };
            let domain = scope(domain, None).map(|held| held.index);
            if domain.is_some() {
                scope(entity, domain);
            }
        }
        self.scopes = scopes;
        self.scope_names = names;
    }
}

impl Inner {
    fn add_org_permission(&mut self, permission: &OrgPermission<'_>) -> Result<(), OrgPermissionError> {
        let OrgPermission { key, label, flags } = *permission;
        let action = match parse(key).map_err(OrgPermissionError::Malformed)? {
            Spelling::Key { action, .. } if !key.contains('*') => action,
            _ => return Err(OrgPermissionError::NotConcrete),
        };
        let index = match self.names.get(key) {
            Some(entry) => entry.index,
            None => {
                let index = u16::try_from(self.builtin.len() + self.extra.len())
                    .ok()
                    .filter(|&index| index < u16::MAX)
                    .ok_or(OrgPermissionError::TooMany)?;
                let info = PermissionInfo {
                    key: key.to_owned().into(),
                    label: None,
                    sources: &[],
                    history: None,
                };
                self.index_names(index, &info, false);
                self.extra.push(info);
                self.flags.push(OrgFlags::default());
                index
            }
        };
        // A label ending in `All` is a wildcard, except where the action is
        // named so (`telephony:plugin:all`): then it names that one permission.
        let action_is_all = is_all(action);
        let names_one = |s: Spelling<'_>| matches!(s, Spelling::Label { .. }) && (!s.is_wildcard() || action_is_all);
        if let Some(label) = label.filter(|label| parse(label).is_ok_and(names_one)) {
            self.add_label(index, label);
        }
        if let Some(slot) = self.flags.get_mut(usize::from(index)) {
            // Conflicting statements take the safe side: division-aware.
            slot.division_aware = match (slot.division_aware, flags.division_aware) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (known, said) => said.or(known),
            };
            slot.allows_conditions = flags.allows_conditions.or(slot.allows_conditions);
        }
        Ok(())
    }

    #[inline]
    fn info(&self, index: u16) -> Option<&PermissionInfo> {
        let index = usize::from(index);
        match index.checked_sub(self.builtin.len()) {
            None => self.builtin.get(index),
            Some(extra) => self.extra.get(extra),
        }
    }

    /// Records the label an organization's catalog gives a permission that
    /// has none, unless the label already names another permission. The label
    /// becomes a name lookups and grants accept; an organization permission
    /// also reports it from [`Permission::label`] (a builtin entry is static).
    /// A builtin label wildcard (`Journey > Segment > All`, or `… > All` over
    /// any entity a builtin label names) is never taken over.
    fn add_label(&mut self, index: u16, label: &str) {
        let normalized = normalize_label(label);
        if self.names.contains(&normalized) || self.is_builtin_label_wildcard(&normalized) {
            return;
        }
        let Some(key) = self
            .info(index)
            .filter(|info| info.label.is_none())
            .map(|info| info.key.clone())
        else {
            return;
        };
        if let Some(info) = usize::from(index)
            .checked_sub(self.builtin.len())
            .and_then(|i| self.extra.get_mut(i))
        {
            info.label = Some(normalized.clone().into());
        }
        self.names.insert(&normalized, NameEntry { index, wildcard: false });
        self.index_entity_label(&normalized, &key, false);
    }
}

/// `Journey>Action Map >View` becomes `Journey > Action Map > View`; every
/// space ([`is_space`]: the no-break space of the vendor's pages too) is a
/// plain one.
fn normalize_label(label: &str) -> String {
    let mut normalized = String::with_capacity(label.len() + 8);
    write_normalized_label(label, |piece| {
        normalized.push_str(piece);
        true
    });
    normalized
}

/// Passes the pieces of [`normalize_label`]'s result to `push`, in order,
/// while it returns `true`; returns whether it did to the end.
fn write_normalized_label(label: &str, mut push: impl FnMut(&str) -> bool) -> bool {
    for (segment, at) in label.split('>').map(trim_spaces).zip(0usize..) {
        if at > 0 && !push(" > ") {
            return false;
        }
        if segment.is_ascii() || !segment.contains(is_other_space) {
            if !push(segment) {
                return false;
            }
            continue;
        }
        for ch in segment.chars() {
            let ch = if is_space(ch) { ' ' } else { ch };
            if !push(ch.encode_utf8(&mut [0; 4])) {
                return false;
            }
        }
    }
    true
}

/// A label normalized ([`normalize_label`]) on the stack, for lookups: `None`
/// where it does not fit.
struct LabelBuffer {
    bytes: [u8; 3 * crate::parse::MAX_PERMISSION_LEN],
    len: usize,
}

impl LabelBuffer {
    fn normalize(&mut self, label: &str) -> Option<&str> {
        self.len = 0;
        let whole = write_normalized_label(label, |piece| {
            let end = self.len + piece.len();
            let Some(slot) = self.bytes.get_mut(self.len..end) else {
                return false;
            };
            slot.copy_from_slice(piece.as_bytes());
            self.len = end;
            true
        });
        let written = self.bytes.get(..self.len).filter(|_| whole)?;
        core::str::from_utf8(written).ok()
    }
}

/// What a grant string resolves to against a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved<'c> {
    /// One catalog permission.
    Known(Permission<'c>),
    /// A wildcard, as `domain:entity:action` with `*` segments.
    Pattern(String),
    /// A well-formed key or flat name that the catalog does not define.
    Unknown,
}

impl Catalog {
    /// The builtin catalog: the permissions of every document under `catalogs/`,
    /// compiled into the crate. Built once, on first use.
    pub fn builtin() -> &'static Catalog {
        &BUILTIN
    }

    /// How many permissions the catalog holds.
    pub fn len(&self) -> usize {
        self.inner.builtin.len() + self.inner.extra.len()
    }

    /// Whether the catalog holds no permission.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The permission at `index`, if any.
    pub fn get(&self, index: u16) -> Option<Permission<'_>> {
        self.info(index)
            .map(|info| Permission::of_catalog(index, info, self.id))
    }

    /// Every permission, in index order.
    pub fn iter(&self) -> impl Iterator<Item = Permission<'_>> + '_ {
        let inner = &*self.inner;
        (inner.builtin.iter().chain(&inner.extra))
            .zip(0u16..)
            .map(|(info, index)| Permission::of_catalog(index, info, self.id))
    }

    /// Finds a permission by API key, label or flat name, ignoring ASCII case.
    /// Wildcards are not permissions: `journey:segment:*` is `None` (but see
    /// [`Permission::is_wildcard`] for catalog rows that stand for a whole entity).
    pub fn lookup(&self, name: &str) -> Option<Permission<'_>> {
        if name.len() > crate::parse::MAX_PERMISSION_LEN {
            return None;
        }
        self.find(name).and_then(|entry| self.get(entry.index))
    }

    /// Like [`lookup`](Self::lookup), but says why a string is not a permission.
    ///
    /// ```
    /// use permgate::{Catalog, parse::ParseError, parse::QuestionError};
    ///
    /// let catalog = Catalog::builtin();
    /// assert!(catalog.resolve("routing:queue:join").is_ok());
    /// assert!(matches!(catalog.resolve("routing:queue"), Err(QuestionError::Malformed(ParseError::SegmentCount { found: 2, .. }))));
    /// assert!(matches!(catalog.resolve("routing:queue:*"), Err(QuestionError::Wildcard { .. })));
    /// assert!(matches!(catalog.resolve("routing:queue:fly"), Err(QuestionError::UnknownPermission { .. })));
    /// ```
    ///
    /// A name is looked up before it is read as a wildcard, as
    /// [`lookup`](Self::lookup) and [`Policy::allows`](crate::Policy::allows)
    /// do: an organization permission whose action is `all`
    /// (`telephony:plugin:all`, labelled `Telephony > Plugin > All`) resolves
    /// by its label, while a catalog row that stands for a whole entity is a
    /// wildcard.
    pub fn resolve(&self, name: &str) -> Result<Permission<'_>, QuestionError> {
        let spelling = parse(name)?;
        match self.find(name) {
            Some(entry) if !entry.wildcard => self
                .get(entry.index)
                .ok_or_else(|| QuestionError::UnknownPermission { input: excerpt(name) }),
            Some(_) => Err(QuestionError::Wildcard { input: excerpt(name) }),
            None if spelling.is_wildcard() => Err(QuestionError::Wildcard { input: excerpt(name) }),
            None if matches!(spelling, Spelling::Label { .. }) => {
                Err(QuestionError::UnknownLabel { input: excerpt(name) })
            }
            None => Err(QuestionError::UnknownPermission { input: excerpt(name) }),
        }
    }

    /// A copy of this catalog to add an organization's permissions to (the
    /// Genesys adapter's `with_org_catalog` reads them from Genesys Cloud's
    /// JSON).
    pub fn extension(&self) -> CatalogExtension {
        CatalogExtension {
            inner: (*self.inner).clone(),
        }
    }

    /// Whether `permission` is division-aware. Where no catalog says, it is
    /// treated as division-aware: the safe side.
    pub fn is_division_aware(&self, permission: Permission<'_>) -> bool {
        self.flags(permission).division_aware.unwrap_or(true)
    }

    /// Whether the organization's catalog says `permission` accepts
    /// conditions (`None` where no catalog says).
    pub fn allows_conditions(&self, permission: Permission<'_>) -> Option<bool> {
        self.flags(permission).allows_conditions
    }

    fn flags(&self, permission: Permission<'_>) -> OrgFlags {
        let flags = self
            .owns(permission)
            .then(|| self.inner.flags.get(usize::from(permission.index())));
        flags.flatten().copied().unwrap_or_default()
    }

    /// The indexes of the permissions of `domain` (any case), for expansion.
    pub(crate) fn domain_indexes(&self, domain: &str) -> &[u16] {
        self.inner.domains.get(&Caseless(domain)).map_or(&[], Vec::as_slice)
    }

    /// Each catalog row that stands for a whole entity, with the concrete
    /// actions the catalog lists for that entity (possibly none).
    pub(crate) fn entity_rows(&self) -> impl Iterator<Item = (u16, &[u16])> {
        self.inner
            .entity_rows
            .iter()
            .map(|(row, actions)| (*row, actions.as_slice()))
    }

    /// Whether `permission` is a catalog row that stands for a whole entity
    /// of which this catalog lists no action: only its wildcard gives it.
    pub(crate) fn lists_no_action_of(&self, permission: Permission<'_>) -> bool {
        permission.is_wildcard()
            && self.owns(permission)
            && self
                .entity_rows()
                .any(|(row, actions)| row == permission.index() && actions.is_empty())
    }

    pub(crate) fn info(&self, index: u16) -> Option<&PermissionInfo> {
        self.inner.info(index)
    }

    /// The entity (`routing:queue`) or domain (`routing`) `name` names, in
    /// any ASCII case.
    #[inline]
    pub(crate) fn scope(&self, name: &str) -> Option<Scope> {
        self.inner.scopes.get(name)
    }

    /// The name of scope `index`, as the catalog spells it.
    pub(crate) fn scope_name(&self, index: u16) -> Option<&str> {
        self.inner.scope_names.get(usize::from(index)).map(|name| &**name)
    }

    /// How many scopes (entities and domains) the catalog's keys name.
    pub(crate) fn scope_count(&self) -> usize {
        self.inner.scope_names.len()
    }

    /// Whether `permission` belongs to this catalog (builtin ones belong to
    /// all): past the builtin bound, whether this catalog made it, by the id
    /// it carries. Another catalog's, another extension's of the same
    /// builtin one included, carries another id.
    #[inline]
    pub(crate) fn owns(&self, permission: Permission<'_>) -> bool {
        // Every catalog's builtin part is the generated table: a constant bound.
        usize::from(permission.index()) < generated::PERMISSIONS.len()
            || (permission.catalog() == self.id && (self.id != SHARED_ID || self.owns_entry(permission)))
    }

    /// Whether `permission` is this catalog's own entry, by address: what
    /// tells catalogs apart once ids ran out ([`SHARED_ID`]).
    #[cold]
    fn owns_entry(&self, permission: Permission<'_>) -> bool {
        self.info(permission.index())
            .is_some_and(|info| core::ptr::eq(info, permission.info()))
    }

    /// The entry of a name, without validation: as spelled (any ASCII case),
    /// else as a label in other spacing. A string question calls the two
    /// apart ([`find_exact`](Self::find_exact), then, for a string that is
    /// not a plain key, [`find_label`](Self::find_label)).
    #[inline]
    pub(crate) fn find(&self, name: &str) -> Option<NameEntry> {
        self.find_exact(name).or_else(|| self.find_label(name))
    }

    /// The entry of a name as spelled, in any ASCII case: [`find`](Self::find)
    /// without reading the name as a label. The hot path of
    /// [`Policy::allows`](crate::Policy::allows) with a string.
    #[inline(always)]
    pub(crate) fn find_exact(&self, name: &str) -> Option<NameEntry> {
        self.inner.names.get(name)
    }

    /// The entry of a label spelled with other spaces around its `>`s
    /// (`Journey>Action Map >View`): the rest of [`find`](Self::find),
    /// normalized on the stack where it fits. Out of line, so that
    /// a hit of [`find_exact`](Self::find_exact) stays small.
    #[cold]
    #[inline(never)]
    pub(crate) fn find_label(&self, name: &str) -> Option<NameEntry> {
        if !name.contains('>') {
            return None;
        }
        let mut buffer = LabelBuffer {
            bytes: [0; 3 * crate::parse::MAX_PERMISSION_LEN],
            len: 0,
        };
        match buffer.normalize(name) {
            Some(label) => self.inner.names.get(label),
            None => self.inner.names.get(&normalize_label(name)),
        }
    }

    /// Resolves a grant string: one permission, a wildcard pattern, or a
    /// well-formed name the catalog does not know.
    pub(crate) fn resolve_grant(&self, input: &str) -> Result<Resolved<'_>, GrantError> {
        let spelling = parse(input)?;
        match spelling {
            Spelling::Key { domain: "*", .. } => Err(GrantError::DomainWildcard { input: excerpt(input) }),
            Spelling::Key { domain, entity, action } if spelling.is_wildcard() => {
                Ok(Resolved::Pattern(format!("{domain}:{entity}:{action}")))
            }
            Spelling::Label { domain, entity, .. } => match self.lookup(input) {
                Some(permission) => Ok(self.known(permission)),
                None if is_all(domain) => Err(GrantError::DomainWildcard { input: excerpt(input) }),
                None if is_all(entity) => Err(GrantError::EntityWildcardLabel { input: excerpt(input) }),
                None if spelling.is_wildcard() => {
                    let prefix = normalize_label(&format!("{domain}>{entity}"));
                    match self.inner.entity_labels.get(&Caseless(&prefix)) {
                        None => Err(GrantError::UnknownLabel { input: excerpt(input) }),
                        Some(named) if named.others.is_empty() => Ok(Resolved::Pattern(format!("{}:*", named.prefix))),
                        Some(named) => {
                            let mut entities: Vec<String> = core::iter::once(&named.prefix)
                                .chain(&named.others)
                                .map(|prefix| format!("`{prefix}`"))
                                .collect();
                            entities.sort_unstable();
                            Err(GrantError::AmbiguousLabel {
                                input: excerpt(input),
                                entities: entities.join(", "),
                            })
                        }
                    }
                }
                None => Err(GrantError::UnknownLabel { input: excerpt(input) }),
            },
            Spelling::Key { .. } | Spelling::Flat(_) => Ok(self
                .lookup(input)
                .map_or(Resolved::Unknown, |permission| self.known(permission))),
        }
    }

    /// A catalog row that stands for a whole entity is granted as a pattern.
    fn known<'c>(&'c self, permission: Permission<'c>) -> Resolved<'c> {
        if permission.is_wildcard() {
            Resolved::Pattern(permission.key().to_owned())
        } else {
            Resolved::Known(permission)
        }
    }
}

impl core::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Catalog")
            .field("builtin", &self.inner.builtin.len())
            .field("extra", &self.inner.extra.len())
            .finish_non_exhaustive()
    }
}

impl core::fmt::Debug for CatalogExtension {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CatalogExtension")
            .field("builtin", &self.inner.builtin.len())
            .field("extra", &self.inner.extra.len())
            .finish_non_exhaustive()
    }
}

/// Looks the string up in [`Catalog::builtin`], in any spelling.
impl core::str::FromStr for Permission<'static> {
    type Err = QuestionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Catalog::builtin().resolve(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two extensions of the builtin catalog with the same keys.
    fn twins() -> (Catalog, Catalog) {
        let extend = || {
            let mut extension = Catalog::builtin().extension();
            let flags = OrgFlags::new(Some(false), None);
            for key in ["acme:widget:view", "acme:widget:edit"] {
                assert_eq!(extension.add(&OrgPermission::new(key, None, flags)), Ok(()));
            }
            extension.finish()
        };
        (extend(), extend())
    }

    #[test]
    fn a_catalog_owns_its_own_permissions_and_builtin_ones_only() {
        let (a, b) = twins();
        assert!(a.id != b.id && a.id != 0 && b.id != 0, "each extension its own id");
        let own = |c: &Catalog| c.lookup("acme:widget:edit").map(|p| (p.index(), p.catalog()));
        let (Some(a_edit), Some(b_edit)) = (a.lookup("acme:widget:edit"), b.lookup("acme:widget:edit")) else {
            panic!("the extensions hold their keys");
        };
        assert_eq!(a_edit.index(), b_edit.index());
        assert_eq!(own(&a), Some((a_edit.index(), a.id)));
        assert!(a.owns(a_edit) && b.owns(b_edit));
        assert!(!a.owns(b_edit) && !b.owns(a_edit), "a twin's permission is foreign");
        assert!(!Catalog::builtin().owns(a_edit), "past the builtin bound");
        let view = crate::perm::routing::QUEUE_VIEW;
        assert!(a.owns(view) && Catalog::builtin().owns(view));
        let clone = a.clone();
        assert!(
            clone.lookup("acme:widget:edit").is_some_and(|p| a.owns(p)),
            "a clone is the same catalog"
        );
    }

    #[test]
    fn once_ids_run_out_catalogs_tell_their_permissions_apart_by_address() {
        let (mut a, mut b) = twins();
        (a.id, b.id) = (SHARED_ID, SHARED_ID);
        let (Some(a_edit), Some(b_edit)) = (a.lookup("acme:widget:edit"), b.lookup("acme:widget:edit")) else {
            panic!("the extensions hold their keys");
        };
        assert_eq!((a_edit.catalog(), b_edit.catalog()), (SHARED_ID, SHARED_ID));
        assert!(a.owns(a_edit) && b.owns(b_edit));
        assert!(!a.owns(b_edit) && !b.owns(a_edit));
    }

    #[test]
    fn every_builtin_permission_is_found_by_key_and_label_in_any_case() {
        let catalog = Catalog::builtin();
        for permission in catalog.iter() {
            assert_eq!(catalog.lookup(permission.key()), Some(permission));
            assert_eq!(catalog.lookup(&permission.key().to_ascii_uppercase()), Some(permission));
            if let Some(label) = permission.label() {
                assert_eq!(catalog.lookup(&label.to_ascii_lowercase()), Some(permission), "{label}");
                assert_eq!(catalog.lookup(&label.replace(" > ", ">")), Some(permission), "{label}");
            }
        }
    }

    #[test]
    fn labels_normalize_on_the_stack_as_they_do_allocated() {
        let long = format!("a{}", ">".repeat(400));
        for label in [
            "Journey>Action Map >View",
            " routing >  queue>view ",
            "Routing\u{a0}>\u{a0}Queue\u{2003}Name > View",
            "é > É\u{a0}x > y",
            ">",
            "",
            long.as_str(),
        ] {
            let mut buffer = LabelBuffer {
                bytes: [0; 3 * crate::parse::MAX_PERMISSION_LEN],
                len: 0,
            };
            let normalized = normalize_label(label);
            match buffer.normalize(label) {
                Some(on_stack) => assert_eq!(on_stack, normalized, "{label:?}"),
                None => assert!(normalized.len() > 3 * crate::parse::MAX_PERMISSION_LEN, "{label:?}"),
            }
        }
        let catalog = Catalog::builtin();
        assert_eq!(
            catalog.lookup("routing>QUEUE>view"),
            catalog.lookup("routing:queue:view")
        );
        assert!(catalog.lookup("routing:queue:view").is_some());
    }

    #[test]
    fn grants_resolve_to_permissions_patterns_or_unknown() {
        let catalog = Catalog::builtin();
        let resolve = |s| catalog.resolve_grant(s);
        assert!(matches!(resolve("Journey > Action Map > View"), Ok(Resolved::Known(_))));
        assert_eq!(
            resolve("Journey > Segment > All"),
            Ok(Resolved::Pattern("journey:segment:*".into()))
        );
        assert_eq!(
            resolve("journey > outcome predictor > all permissions"),
            Ok(Resolved::Pattern("journey:outcomepredictor:*".into()))
        );
        assert_eq!(
            resolve("Integration > amiPremiumApps > All Permissions"),
            Ok(Resolved::Pattern("integration:amiPremiumApps:*".into()))
        );
        assert_eq!(resolve("journey:*:*"), Ok(Resolved::Pattern("journey:*:*".into())));
        assert_eq!(resolve("journey:newThing:view"), Ok(Resolved::Unknown));
        assert_eq!(
            resolve("NOTES_CREATE_ALL")
                .ok()
                .map(|r| matches!(r, Resolved::Known(_))),
            Some(true)
        );
        assert!(matches!(resolve("*:*:*"), Err(GrantError::DomainWildcard { .. })));
        assert!(matches!(
            resolve("Journey > Nothing > View"),
            Err(GrantError::UnknownLabel { .. })
        ));
        assert!(matches!(
            resolve("Journey > Nothing > All"),
            Err(GrantError::UnknownLabel { .. })
        ));
    }
}
