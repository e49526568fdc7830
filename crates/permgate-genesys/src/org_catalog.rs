//! An organization's permission catalog, `GET /api/v2/authorization/permissions`
//! (`PermissionCollectionEntityListing` pages), read into the core catalog.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::wire::{DomainPermission, PermissionCollectionEntityListing};
use crate::json::{self, JsonError, Path};
use permgate_core::catalog::{CatalogExtension, OrgFlags, OrgPermission, OrgPermissionError};
use permgate_core::{Catalog, text::Escaped};

/// `base` with the permissions of an organization's catalog added: the response of
/// `GET /api/v2/authorization/permissions`, one page (an object with
/// `entities`) or several (an array of such objects).
///
/// Builtin permissions keep their indexes, so typed constants stay valid;
/// a key the builtin catalog already has only records what the
/// organization says of it (`divisionAware`, `allowsConditions`, and a
/// label where the builtin has none, as a name lookups accept).
///
/// ```
/// use permgate::{Catalog, genesys, perm};
///
/// let org = r#"{"entities": [{"domain": "routing", "permissionMap": {"queue": [
///     {"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true},
///     {"domain": "routing", "entityType": "queue", "action": "pause", "divisionAware": false}
/// ]}}]}"#;
/// let catalog = genesys::org_catalog(Catalog::builtin(), org)?;
/// assert_eq!(catalog.len(), Catalog::builtin().len() + 1);
/// assert_eq!(catalog.lookup("routing:queue:view"), Some(perm::routing::QUEUE_VIEW));
/// let pause = catalog.lookup("routing:queue:pause").unwrap();
/// assert!(!catalog.is_division_aware(pause));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
///
/// # Errors
///
/// A document that is too large, not JSON, or not of this shape; an entry
/// whose key does not parse; more than 65,535 permissions in all. The
/// error names the JSON path.
pub fn org_catalog(base: &Catalog, json: &str) -> Result<Catalog, JsonError> {
    let pages: OrgPages = json::typed(json)?;
    extend(base, &pages)
}

/// `base` with the permissions of `pages` added.
fn extend(base: &Catalog, OrgPages { pages, many }: &OrgPages) -> Result<Catalog, JsonError> {
    let mut extension = base.extension();
    let root = Path::root();
    for (n, page) in pages.iter().enumerate() {
        if *many {
            add_page(&mut extension, page, &root.index(n))?;
        } else {
            add_page(&mut extension, page, &root)?;
        }
    }
    Ok(extension.finish())
}

/// Organizations' catalogs, each built once per distinct content: for a
/// service that serves many organizations from one process, whose
/// organizations' catalogs (`GET /api/v2/authorization/permissions`) are
/// mostly the same (they differ by the products an organization has).
///
/// [`read`](Self::read) answers as [`org_catalog`] over the base catalog,
/// but an organization's catalog that lists the same permissions as one
/// read before, in the same order and with the same fields
/// (`DomainPermission`: `domain`, `entityType`, `action`, `label`,
/// `divisionAware`, `allowsConditions`), is that catalog, shared (a
/// [`Catalog`] is reference-counted): one copy of the tables instead of
/// one per organization (about 250 KB each over the builtin catalog).
/// Paging and the listings' other fields do not matter.
///
/// Every distinct catalog read is kept until [`clear`](Self::clear); there
/// are as many as distinct product sets, not organizations.
///
/// ```
/// use permgate::{Catalog, genesys::OrgCatalogs};
///
/// let org = r#"{"entities": [{"domain": "routing", "permissionMap": {"queue": [
///     {"domain": "routing", "entityType": "queue", "action": "pause", "divisionAware": false}]}}]}"#;
/// let other = r#"{"entities": [{"domain": "routing", "permissionMap": {"queue": [
///     {"domain": "routing", "entityType": "queue", "action": "resume"}]}}]}"#;
/// let catalogs = OrgCatalogs::new(Catalog::builtin());
/// let a = catalogs.read(org)?;
/// let b = catalogs.read(org)?; // the same catalog, shared
/// let c = catalogs.read(other)?;
/// assert_eq!(catalogs.len(), 2);
/// assert!(a.lookup("routing:queue:pause").is_some() && b.lookup("routing:queue:pause").is_some());
/// assert!(c.lookup("routing:queue:pause").is_none());
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
pub struct OrgCatalogs {
    base: Catalog,
    held: Mutex<HashMap<Vec<DomainPermission>, Catalog>>,
}

impl OrgCatalogs {
    /// No catalog held yet; each will extend `base` (usually
    /// [`Catalog::builtin`]).
    pub fn new(base: &Catalog) -> Self {
        Self {
            base: base.clone(),
            held: Mutex::new(HashMap::new()),
        }
    }

    /// An organization's catalog, as [`org_catalog`] reads `json` over the
    /// base catalog: the one held if an earlier read listed the same
    /// permissions, else built now and held.
    ///
    /// # Errors
    ///
    /// As [`org_catalog`]; nothing is held then.
    pub fn read(&self, json: &str) -> Result<Catalog, JsonError> {
        let pages: OrgPages = json::typed(json)?;
        let content: Vec<DomainPermission> = pages
            .pages
            .iter()
            .flat_map(|page| &page.entities)
            .filter_map(|entity| entity.permission_map.as_ref())
            .flat_map(|map| map.values().flatten())
            .cloned()
            .collect();
        if let Some(catalog) = self.lock().get(&content) {
            return Ok(catalog.clone());
        }
        // Built outside the lock: a concurrent read of the same content
        // builds it too, and the first one held is kept.
        let catalog = extend(&self.base, &pages)?;
        Ok(self.lock().entry(content).or_insert(catalog).clone())
    }

    /// How many distinct catalogs are held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no catalog is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every catalog held (those in use stay, with their policies).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<DomainPermission>, Catalog>> {
        // Nothing that can panic runs under the lock; a poisoned one still
        // holds whole catalogs.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl core::fmt::Debug for OrgCatalogs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OrgCatalogs")
            .field("held", &self.len())
            .finish_non_exhaustive()
    }
}

/// An organization's catalog as [`org_catalog`] reads it: one
/// page (an object), or an array of pages (`many`).
struct OrgPages {
    pages: Vec<PermissionCollectionEntityListing>,
    many: bool,
}

impl<'de> Deserialize<'de> for OrgPages {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrgPagesVisitor)
    }
}

struct OrgPagesVisitor;

impl<'de> Visitor<'de> for OrgPagesVisitor {
    type Value = OrgPages;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("an object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrgPages, A::Error> {
        let mut pages = Vec::new();
        while let Some(page) = seq.next_element_seed(json::de::Obj::default())? {
            pages.push(page);
        }
        Ok(OrgPages { pages, many: true })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OrgPages, A::Error> {
        let page = PermissionCollectionEntityListing::deserialize(MapAccessDeserializer::new(map))?;
        Ok(OrgPages {
            pages: vec![page],
            many: false,
        })
    }
}

fn add_page(
    extension: &mut CatalogExtension,
    page: &PermissionCollectionEntityListing,
    path: &Path,
) -> Result<(), JsonError> {
    let entities_path = path.field("entities");
    for (n, entity) in page.entities.iter().enumerate() {
        let entity_path = entities_path.index(n);
        let map_path = entity_path.field("permissionMap");
        let Some(map) = &entity.permission_map else {
            continue;
        };
        for (entity_type, actions) in map {
            let actions_path = map_path.field(entity_type);
            for (m, action) in actions.iter().enumerate() {
                add_permission(extension, action, &actions_path.index(m))?;
            }
        }
    }
    Ok(())
}

fn add_permission(extension: &mut CatalogExtension, action: &DomainPermission, path: &Path) -> Result<(), JsonError> {
    let key = format!("{}:{}:{}", action.domain, action.entity_type, action.action);
    let flags = OrgFlags::new(action.division_aware, action.allows_conditions);
    let permission = OrgPermission::new(&key, action.label.as_deref(), flags);
    extension.add(&permission).map_err(|error| match error {
        OrgPermissionError::Malformed(source) => JsonError::Permission {
            path: path.to_string(),
            error: source.into(),
        },
        OrgPermissionError::NotConcrete => {
            json::invalid(path, format!("`{}` is not one concrete permission", Escaped(&key)))
        }
        OrgPermissionError::TooMany => JsonError::TooMany {
            path: path.to_string(),
            max: usize::from(u16::MAX),
        },
        other => json::invalid(path, other.to_string()),
    })
}
