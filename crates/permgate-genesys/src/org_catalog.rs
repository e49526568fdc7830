//! An organization's permission catalog, `GET /api/v2/authorization/permissions`
//! (`PermissionCollectionEntityListing` pages), read into the core catalog.

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
    let OrgPages { pages, many } = json::typed(json)?;
    let mut extension = base.extension();
    let root = Path::root();
    for (n, page) in pages.iter().enumerate() {
        if many {
            add_page(&mut extension, page, &root.index(n))?;
        } else {
            add_page(&mut extension, page, &root)?;
        }
    }
    Ok(extension.finish())
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
