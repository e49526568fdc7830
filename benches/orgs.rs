//! One process serving many organizations (`permgate::live`): `PERMGATE_ORGS`
//! organizations (100 by default; 10,000 is the target) × 50 roles × 200
//! cached users, synthetic but shaped like real ones:
//!
//! - each organization's catalog extension (`permissions.json`, the
//!   `PermissionCollectionEntityListing` of `GET /api/v2/authorization/permissions`)
//!   holds 300 permissions beyond the builtin catalog: 270 every organization
//!   has, 30 of one of `PERMGATE_ORG_CATALOGS` product variants (16 by
//!   default; as many as organizations makes every extension distinct),
//!   read through the adapter (`genesys::org_catalog`);
//! - 40 of its 50 roles (`roles.json`, `DomainOrganizationRole`s) are drawn
//!   from a common pool of 200 role templates, 10 are its own (their grants
//!   include the extension's permissions);
//! - most roles and users of different organizations share role sets: a
//!   pool of 300 personas (agent, supervisor, admin variants: each 2 to 4
//!   role templates, each held in every division or in one of 5) is shared
//!   by all organizations; each organization uses up to 12 of them (the
//!   popular ones, low numbers, more often), and its template roles are
//!   its personas' templates topped up from the pool;
//! - 9 in 10 of its users hold one of its personas (its first ones more
//!   often); 1 in 10 hold 2 to 4 of its roles, one of them its own, each in
//!   every division or in one of 5 divisions. Users name their roles as a
//!   subjects/me document does: by name, each in its division.
//!
//! Measured: the time to load one organization from a snapshot folder
//! (`Snapshot::read` + `policy()`), to reload it (`Organizations::reload`)
//! while a task keeps asking questions of the other organizations (their
//! latency, during the reloads and without, printed once), and a question
//! on a random organization's random user, lookups included (`Users::get`
//! hit, then `CompiledUser::allows`), beside the same in one organization
//! and on a user already in hand. Printed once at setup: the process's
//! resident memory (`VmRSS`) and heap (a counting allocator) before and
//! after loading the organizations and caching the users, the heap of one
//! catalog, one policy and one compiled user, what sharing identical
//! catalogs and roles would save, and how many compiled bodies the users
//! share. The loader shares one `Catalog`
//! between organizations whose catalog extensions list the same
//! permissions (`genesys::OrgCatalogs`), as a service serving many
//! organizations should; `PERMGATE_ORGS_SHARE_CATALOGS=0` gives each
//! organization a catalog of its own, to measure what sharing saves.
//!
//! Two lines are for machines: `permgate-orgs-summary {json}` at the end of
//! the setup printout, `permgate-orgs-latencies {json}` after the latencies
//! (`benches/compare`'s table command reads them, and criterion's estimates).
//!
//! Run with `cargo bench --features live --bench orgs`, or
//! `PERMGATE_ORGS=10000 cargo bench --features live --bench orgs`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::alloc::System;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use permgate::genesys::snapshot::{self, Counts, Manifest, Snapshot};
use permgate::genesys::wire::Organization;
use permgate::genesys::{OrgCatalogs, RoleFile, org_catalog};
use permgate::live::{Credential, Load, LoadUser, Organizations, Users};
use permgate::{Catalog, CompiledUser, Division, Policy, RoleDefinition, UserDefinition, perm};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const ROLES: usize = 50;
const TEMPLATE_ROLES: usize = 40;
const TEMPLATES: u64 = 200;
const PERSONAS: u64 = 300;
const ORG_PERSONAS: usize = 12;
const OWN_ROLE_USERS_PERCENT: u64 = 10;
const USERS: usize = 200;
const DIVISIONS: u64 = 5;
const COMMON_EXTENSION_DOMAINS: usize = 9;
const ENTITIES: usize = 6;
const ACTIONS: [&str; 5] = ["view", "add", "edit", "delete", "export"];

/// SplitMix64: deterministic, so every run builds the same organizations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Below `n`, low numbers more often (below a number drawn below `n`).
    fn skewed(&mut self, n: u64) -> u64 {
        let bound = self.below(n) + 1;
        self.below(bound)
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A persona's role templates, each in every division (`None`) or in one.
type Persona = Vec<(u64, Option<u64>)>;

/// The shape of the organizations served.
#[derive(Clone)]
struct Shape {
    organizations: usize,
    catalog_variants: usize,
    share_catalogs: bool,
    /// The builtin catalog's concrete `domain:entity:action` keys.
    builtin_keys: Arc<Vec<(String, String, String)>>,
    /// The pool of personas ([`Shape::persona`]), and each organization's.
    pool: Arc<Vec<Persona>>,
    org_personas: Arc<Vec<Vec<u64>>>,
}

impl Shape {
    fn from_env() -> Self {
        let organizations = env_number("PERMGATE_ORGS", 100).max(2);
        let builtin_keys = Catalog::builtin()
            .iter()
            .filter(|p| !p.is_flat() && !p.key().ends_with(":*"))
            .filter_map(|p| {
                let mut parts = p.key().split(':');
                Some((
                    parts.next()?.to_owned(),
                    parts.next()?.to_owned(),
                    parts.next()?.to_owned(),
                ))
            })
            .collect();
        let pool: Vec<_> = (0..PERSONAS).map(Self::persona).collect();
        let org_personas = (0..organizations).map(|org| Self::draw_personas(&pool, org)).collect();
        Shape {
            organizations,
            catalog_variants: env_number("PERMGATE_ORG_CATALOGS", 16).clamp(1, organizations),
            share_catalogs: std::env::var("PERMGATE_ORGS_SHARE_CATALOGS").map_or(true, |v| v != "0"),
            builtin_keys: Arc::new(builtin_keys),
            pool: Arc::new(pool),
            org_personas: Arc::new(org_personas),
        }
    }

    fn id(n: usize) -> String {
        format!("org-{n:05}")
    }

    fn index(id: &str) -> usize {
        id.trim_start_matches("org-").parse().unwrap()
    }

    fn variant(&self, org: usize) -> usize {
        org % self.catalog_variants
    }

    /// The extension's domains: the common ones, then the variant's own.
    fn extension_domains(&self, org: usize) -> Vec<String> {
        (0..COMMON_EXTENSION_DOMAINS)
            .map(|d| format!("platform{d}"))
            .chain([format!("product{}", self.variant(org))])
            .collect()
    }

    /// `permissions.json`: a `PermissionCollectionEntityListing`, one
    /// `DomainPermissionCollection` per domain, 300 `DomainPermission`s.
    fn permissions_body(&self, org: usize) -> String {
        let entities: Vec<serde_json::Value> = self
            .extension_domains(org)
            .iter()
            .enumerate()
            .map(|(n, domain)| {
                let map: serde_json::Map<String, serde_json::Value> = (0..ENTITIES)
                    .map(|e| {
                        let entity = format!("entity{e}");
                        let actions: Vec<serde_json::Value> = ACTIONS
                            .iter()
                            .map(|action| {
                                serde_json::json!({"domain": domain, "entityType": entity, "action": action,
                                    "label": format!("{domain} > {entity} > {action}"),
                                    "divisionAware": e % 2 == 0, "allowsConditions": false})
                            })
                            .collect();
                        (entity, serde_json::Value::Array(actions))
                    })
                    .collect();
                serde_json::json!({"id": format!("pc-{n}"), "domain": domain, "permissionMap": map})
            })
            .collect();
        serde_json::json!({"entities": entities, "pageNumber": 1, "pageCount": 1,
            "pageSize": entities.len(), "total": entities.len()})
        .to_string()
    }

    /// Persona `p` of the shared pool: 2 to 4 role templates, each held in
    /// every division (one in three) or in one of 5.
    fn persona(p: u64) -> Persona {
        let mut rng = Rng::new(0x5E25_0000 ^ p);
        let count = 2 + rng.below(3) as usize;
        let mut held = std::collections::BTreeMap::new();
        while held.len() < count {
            let template = rng.below(TEMPLATES);
            let division = (rng.below(3) != 0).then(|| rng.below(DIVISIONS));
            held.entry(template).or_insert(division);
        }
        held.into_iter().collect()
    }

    /// The organization's personas: up to 12 of the pool, the popular ones
    /// (low numbers) more often, as many as its 40 template roles hold.
    fn draw_personas(pool: &[Persona], org: usize) -> Vec<u64> {
        let mut rng = Rng::new(0x0A6E_0000 ^ org as u64);
        let (mut personas, mut templates) = (Vec::new(), BTreeSet::new());
        for _ in 0..4 * ORG_PERSONAS {
            let p = rng.skewed(PERSONAS);
            let held: Vec<u64> = pool[p as usize].iter().map(|(t, _)| *t).collect();
            let more = held.iter().filter(|t| !templates.contains(*t)).count();
            if personas.contains(&p) || templates.len() + more > TEMPLATE_ROLES {
                continue;
            }
            templates.extend(held);
            personas.push(p);
            if personas.len() == ORG_PERSONAS {
                break;
            }
        }
        personas
    }

    /// The names of the organization's roles: 40 templates (its personas'
    /// first, then others drawn from the pool), 10 of its own.
    fn role_names(&self, org: usize) -> Vec<(String, Option<u64>)> {
        let mut rng = Rng::new(org as u64);
        let mut templates: BTreeSet<u64> = self.org_personas[org]
            .iter()
            .flat_map(|p| self.pool[*p as usize].iter().map(|(t, _)| *t))
            .collect();
        while templates.len() < TEMPLATE_ROLES {
            templates.insert(rng.below(TEMPLATES));
        }
        templates
            .into_iter()
            .map(|t| (format!("Template role {t}"), Some(t)))
            .chain((TEMPLATE_ROLES..ROLES).map(|k| (format!("Own role {k}"), None)))
            .collect()
    }

    /// A role's grants as `(domain, entity, actions)` permission policies:
    /// 20 to 60 builtin keys (one entity in eight as `*`); a role of the
    /// organization's own also 10 to 30 of its extension's.
    fn role_policies(&self, org: usize, k: usize, template: Option<u64>) -> Vec<(String, String, Vec<String>)> {
        let mut rng = Rng::new(template.unwrap_or(1_000_000 + (org * ROLES + k) as u64));
        let mut grouped: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
        for _ in 0..20 + rng.below(41) {
            let (domain, entity, action) = &self.builtin_keys[rng.below(self.builtin_keys.len() as u64) as usize];
            let action = if rng.below(8) == 0 { "*" } else { action };
            grouped
                .entry((domain.clone(), entity.clone()))
                .or_default()
                .insert(action.to_owned());
        }
        if template.is_none() {
            let domains = self.extension_domains(org);
            for _ in 0..10 + rng.below(21) {
                let domain = &domains[rng.below(domains.len() as u64) as usize];
                let entity = format!("entity{}", rng.below(ENTITIES as u64));
                let action = ACTIONS[rng.below(ACTIONS.len() as u64) as usize];
                grouped
                    .entry((domain.clone(), entity))
                    .or_default()
                    .insert(action.to_owned());
            }
        }
        let mut policies: Vec<_> = grouped
            .into_iter()
            .map(|((domain, entity), actions)| (domain, entity, actions.into_iter().collect()))
            .collect();
        policies.sort();
        policies
    }

    /// `roles.json`: an `OrganizationRoleEntityListing` of `DomainOrganizationRole`s.
    fn roles_body(&self, org: usize) -> String {
        let roles: Vec<serde_json::Value> = self
            .role_names(org)
            .into_iter()
            .enumerate()
            .map(|(k, (name, template))| {
                let policies: Vec<serde_json::Value> = self
                    .role_policies(org, k, template)
                    .into_iter()
                    .map(|(domain, entity, actions)| {
                        serde_json::json!({"domain": domain, "entityName": entity, "actionSet": actions,
                            "allowConditions": false})
                    })
                    .collect();
                serde_json::json!({"id": format!("r-{k}"), "name": name, "permissionPolicies": policies})
            })
            .collect();
        serde_json::json!({"entities": roles, "pageNumber": 1, "pageCount": 1,
            "pageSize": roles.len(), "total": roles.len()})
        .to_string()
    }

    /// User `k`: one of the organization's personas (the first ones more
    /// often), its role templates by name, each in the persona's division;
    /// or, one user in 10, 2 to 4 of the organization's roles, one of them
    /// its own, each in every division (one in three) or in one of 5.
    fn user_roles(&self, org: usize, k: usize, names: &[(String, Option<u64>)]) -> Vec<(String, Option<u64>)> {
        let mut rng = Rng::new(((org as u64) << 20) ^ k as u64 ^ 0xABCD);
        let personas = &self.org_personas[org];
        if rng.below(100) >= OWN_ROLE_USERS_PERCENT && !personas.is_empty() {
            let p = personas[rng.skewed(personas.len() as u64) as usize];
            return self.pool[p as usize]
                .iter()
                .map(|(t, division)| (format!("Template role {t}"), *division))
                .collect();
        }
        let mut held = BTreeSet::from([TEMPLATE_ROLES + rng.below((ROLES - TEMPLATE_ROLES) as u64) as usize]);
        let count = 2 + rng.below(3) as usize;
        while held.len() < count {
            held.insert(rng.below(names.len() as u64) as usize);
        }
        held.into_iter()
            .map(|r| {
                let division = (rng.below(3) != 0).then(|| rng.below(DIVISIONS));
                (names[r].0.clone(), division)
            })
            .collect()
    }

    fn user_definition(&self, org: usize, key: &str) -> UserDefinition {
        let k: usize = key.trim_start_matches("u-").parse().unwrap();
        let names = self.role_names(org);
        let mut user = UserDefinition::new(key);
        for (role, division) in self.user_roles(org, k, &names) {
            let division = division.map_or(Division::All, |d| Division::Id(format!("d-{d}")));
            user = user.role(RoleDefinition::new(role), division);
        }
        user
    }

    /// `users.json` of a snapshot: a `UserEntityListing`, each user with
    /// its `authorization` roles.
    fn users_body(&self, org: usize) -> String {
        let names = self.role_names(org);
        let users: Vec<serde_json::Value> = (0..USERS)
            .map(|k| {
                let roles: Vec<serde_json::Value> = self
                    .user_roles(org, k, &names)
                    .into_iter()
                    .map(|(name, _)| serde_json::json!({"id": format!("r-{name}"), "name": name}))
                    .collect();
                serde_json::json!({"id": format!("u-{k}"), "name": format!("User {k}"),
                    "email": format!("user{k}@example.com"), "authorization": {"roles": roles, "permissions": []}})
            })
            .collect();
        serde_json::json!({"entities": users, "pageNumber": 1, "pageCount": 1,
            "pageSize": users.len(), "total": users.len()})
        .to_string()
    }

    /// Writes organization `org` as a snapshot folder under `parent`.
    fn write_snapshot(&self, org: usize, parent: &Path) -> PathBuf {
        let dir = parent.join(Self::id(org));
        let mut organization = Organization::default();
        organization.id = Self::id(org);
        organization.name = Some(format!("Organization {org}"));
        let mut counts = Counts::default();
        (counts.roles, counts.permissions, counts.divisions, counts.users) =
            (ROLES, COMMON_EXTENSION_DOMAINS + 1, DIVISIONS as usize, USERS);
        let manifest = Manifest::new(
            organization,
            Some("us-east-1".into()),
            "https://api.mypurecloud.com".into(),
            SystemTime::now(),
            counts,
        );
        let divisions: Vec<serde_json::Value> = (0..DIVISIONS)
            .map(|d| serde_json::json!({"id": format!("d-{d}"), "name": format!("Division {d}")}))
            .collect();
        let divisions = serde_json::json!({"entities": divisions}).to_string();
        let organization = serde_json::json!({"id": Self::id(org), "name": format!("Organization {org}")}).to_string();
        let (roles, permissions, users) = (self.roles_body(org), self.permissions_body(org), self.users_body(org));
        let bodies = [
            (snapshot::ORGANIZATION, organization.as_str()),
            (snapshot::ROLES, roles.as_str()),
            (snapshot::PERMISSIONS, permissions.as_str()),
            (snapshot::DIVISIONS, divisions.as_str()),
            (snapshot::USERS, users.as_str()),
            (snapshot::PRODUCTS, r#"{"entities": []}"#),
        ];
        snapshot::write(&dir, &manifest, &bodies).unwrap();
        dir
    }
}

#[derive(Debug)]
struct Failed(String);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

fn failed(error: impl std::fmt::Display) -> Failed {
    Failed(error.to_string())
}

/// The service's loader: the snapshot folder for the organizations that
/// have one, else the organization's bodies (built here, as the Platform
/// API would send them) read through the adapter as a snapshot's are.
struct Loader {
    shape: Shape,
    snapshots: HashMap<String, PathBuf>,
    /// With `share_catalogs`: one catalog per distinct extension.
    catalogs: OrgCatalogs,
}

impl Loader {
    fn catalog(&self, permissions: &str) -> Result<Catalog, Failed> {
        if self.shape.share_catalogs {
            self.catalogs.read(permissions).map_err(failed)
        } else {
            org_catalog(Catalog::builtin(), permissions).map_err(failed)
        }
    }

    fn policy(&self, organization: &str) -> Result<Policy, Failed> {
        if let Some(dir) = self.snapshots.get(organization) {
            return Snapshot::read(dir, Catalog::builtin())
                .and_then(|snapshot| snapshot.policy())
                .map_err(failed);
        }
        let org = Shape::index(organization);
        let catalog = self.catalog(&self.shape.permissions_body(org))?;
        let roles = RoleFile::parse(&self.shape.roles_body(org)).map_err(failed)?;
        if let Some(error) = roles.errors.first() {
            return Err(failed(error));
        }
        let mut builder = Policy::builder(&catalog);
        for role in &roles.roles {
            builder.add_role_definition(role).map_err(failed)?;
        }
        Ok(builder.build())
    }
}

impl Load for Loader {
    type Error = Failed;

    async fn load(&self, organization: &str) -> Result<Policy, Failed> {
        self.policy(organization)
    }
}

/// The service's user loader: the user's roles by name, each in its
/// division, as a subjects/me document gives them.
struct UserLoader(Shape);

impl LoadUser for UserLoader {
    type Error = Failed;

    async fn load_user(
        &self,
        organization: &str,
        user: &str,
        _: Option<&Credential>,
    ) -> Result<UserDefinition, Failed> {
        Ok(self.0.user_definition(Shape::index(organization), user))
    }
}

/// Polls `future` once with a waker that does nothing: a cache hit is ready
/// at once, so this measures the lookup itself, not a runtime's scheduling.
/// Anything not ready is finished on `runtime`.
fn now<F: Future>(runtime: &tokio::runtime::Runtime, future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => runtime.block_on(future),
    }
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Bytes allocated and not freed (`stats_alloc` counts a reallocation's
/// growth in `bytes_allocated` and its shrinking in `bytes_deallocated`
/// already: `bytes_reallocated` is not added again).
fn heap_bytes() -> i64 {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

/// Bytes `make`'s result holds on the heap.
fn retained<T>(make: impl FnOnce() -> T) -> (T, i64) {
    let region = Region::new(GLOBAL);
    let value = make();
    let stats = region.change();
    let held = stats.bytes_allocated as i64 - stats.bytes_deallocated as i64;
    (value, held)
}

fn mib(bytes: impl Into<f64>) -> String {
    format!("{:.1} MiB", bytes.into() / (1024.0 * 1024.0))
}

/// Latencies in nanoseconds, bucketed by 1/16 of a power of two.
struct Latencies {
    buckets: Vec<AtomicU64>,
}

impl Latencies {
    fn new() -> Self {
        Latencies {
            buckets: (0..64 * 16).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn bucket(ns: u64) -> usize {
        if ns < 16 {
            return ns as usize;
        }
        let power = 63 - ns.leading_zeros() as usize;
        let sub = ((ns >> (power - 4)) & 15) as usize;
        power * 16 + sub
    }

    fn lower(bucket: usize) -> u64 {
        if bucket < 16 {
            return bucket as u64;
        }
        let (power, sub) = (bucket / 16, bucket % 16);
        (1u64 << power) + ((sub as u64) << (power - 4))
    }

    fn record(&self, ns: u64) {
        self.buckets[Self::bucket(ns)].fetch_add(1, Ordering::Relaxed);
    }

    /// How many latencies were recorded, and the quantile `q` of them (ns).
    fn quantile(&self, q: f64) -> (u64, u64) {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        let target = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (bucket, count) in counts.iter().enumerate() {
            seen += count;
            if seen >= target {
                return (total, Self::lower(bucket));
            }
        }
        (total, 0)
    }

    fn summary(&self) -> String {
        let at = |q: f64| self.quantile(q).1;
        format!(
            "{} questions: p50 {} ns, p99 {} ns, p99.9 {} ns, max {} ns",
            self.quantile(1.0).0,
            at(0.5),
            at(0.99),
            at(0.999),
            at(1.0)
        )
    }
}

struct Served {
    shape: Shape,
    users: Users<Loader, UserLoader>,
    snapshot_org: String,
    _snapshots: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds the process: one snapshot written, every organization loaded and
/// its users cached; prints the memory report.
fn serve(runtime: &tokio::runtime::Runtime) -> Served {
    let shape = Shape::from_env();
    let n = shape.organizations;
    let _ = Catalog::builtin().len();
    let (rss_start, heap_start) = (rss_bytes(), heap_bytes());

    let temp = TempDir(std::env::temp_dir().join(format!("permgate-orgs-bench-{}", std::process::id())));
    std::fs::create_dir_all(&temp.0).unwrap();
    let snapshot_org = Shape::id(1);
    let dir = shape.write_snapshot(1, &temp.0);

    // One organization's parts, on the heap, beside the structs' sizes.
    let (catalog, catalog_heap) = retained(|| org_catalog(Catalog::builtin(), &shape.permissions_body(0)).unwrap());
    let role_file = RoleFile::parse(&shape.roles_body(0)).unwrap();
    let (policy, policy_heap) = retained(|| {
        let mut builder = Policy::builder(&catalog);
        for role in &role_file.roles {
            builder.add_role_definition(role).unwrap();
        }
        builder.build()
    });
    let definitions: Vec<UserDefinition> = (0..USERS)
        .map(|k| shape.user_definition(0, &format!("u-{k}")))
        .collect();
    let (compiled, users_heap) = retained(|| {
        definitions
            .iter()
            .map(|d| policy.compile_user(d).unwrap())
            .collect::<Vec<CompiledUser>>()
    });
    let definitions_heap = retained(|| {
        (0..USERS)
            .map(|k| shape.user_definition(0, &format!("u-{k}")))
            .collect::<Vec<_>>()
    })
    .1;
    let (catalog_len, roles_held) = (catalog.len(), definitions.iter().map(|d| d.roles.len()).sum::<usize>());
    drop((compiled, policy, catalog, role_file, definitions));

    let loader = Loader {
        shape: shape.clone(),
        snapshots: HashMap::from([(snapshot_org.clone(), dir)]),
        catalogs: OrgCatalogs::new(Catalog::builtin()),
    };
    let organizations = Organizations::new(loader);
    let user_loader = UserLoader(shape.clone());
    let users = Users::new(organizations.clone(), user_loader);

    let started = Instant::now();
    for org in 0..n {
        runtime.block_on(organizations.get(&Shape::id(org))).unwrap();
    }
    let loaded_in = started.elapsed();
    let (rss_orgs, heap_orgs) = (rss_bytes(), heap_bytes());
    let started = Instant::now();
    for org in 0..n {
        let id = Shape::id(org);
        for k in 0..USERS {
            runtime.block_on(users.get(&id, &format!("u-{k}"), None)).unwrap();
        }
    }
    let cached_in = started.elapsed();
    let (rss_users, heap_users) = (rss_bytes(), heap_bytes());

    // What organizations have in common, counted on the shape.
    let mut role_rows = HashSet::new();
    let mut user_rows = HashSet::new();
    let mut bodies = HashSet::new();
    for org in 0..n {
        let names = shape.role_names(org);
        for (name, template) in &names {
            role_rows.insert(template.map_or_else(|| format!("{org}/{name}"), |t| format!("template {t}")));
        }
        for k in 0..USERS {
            let roles = shape.user_roles(org, k, &names);
            let own = roles.iter().any(|(name, _)| name.starts_with("Own"));
            let key = format!("{roles:?}");
            bodies.insert(format!("{org}/{key}"));
            user_rows.insert(if own { format!("{org}/{key}") } else { key });
        }
    }
    let per_org_heap = (heap_orgs - heap_start) as f64 / n as f64;
    let per_user_heap = (heap_users - heap_orgs) as f64 / (n * USERS) as f64;
    println!(
        "\n== orgs: one process, {n} organizations × {ROLES} roles × {USERS} cached users \
         (users: {}% of {PERSONAS} shared personas, {OWN_ROLE_USERS_PERCENT}% with an own role)",
        100 - OWN_ROLE_USERS_PERCENT
    );
    println!(
        "catalog extension variants {} (sharing catalogs: {}); builtin {} permissions, each catalog {catalog_len}",
        shape.catalog_variants,
        shape.share_catalogs,
        Catalog::builtin().len()
    );
    println!(
        "size_of: Policy {} B, Catalog {} B, CompiledUser {} B, UserDefinition {} B, RoleDefinition {} B",
        size_of::<Policy>(),
        size_of::<Catalog>(),
        size_of::<CompiledUser>(),
        size_of::<UserDefinition>(),
        size_of::<RoleDefinition>()
    );
    println!(
        "one organization on the heap: catalog (builtin + 300) {catalog_heap} B; policy of {ROLES} roles \
         without its catalog {policy_heap} B ({} B a role); {USERS} compiled users {users_heap} B ({} B a user, \
         {roles_held} roles held); their definitions {definitions_heap} B ({} B a user)",
        policy_heap / ROLES as i64,
        users_heap / USERS as i64,
        definitions_heap / USERS as i64
    );
    println!(
        "loaded {n} organizations in {loaded_in:.1?}: RSS {} -> {}, heap +{} ({:.0} B an organization)",
        mib(rss_start as f64),
        mib(rss_orgs as f64),
        mib((heap_orgs - heap_start) as f64),
        per_org_heap
    );
    println!(
        "cached {} users in {cached_in:.1?}: RSS {} -> {}, heap +{} ({:.0} B a cached user, cache entry included)",
        n * USERS,
        mib(rss_orgs as f64),
        mib(rss_users as f64),
        mib((heap_users - heap_orgs) as f64),
        per_user_heap
    );
    println!(
        "whole process: RSS {}, heap {}",
        mib(rss_users as f64),
        mib((heap_users - heap_start) as f64)
    );
    let distinct_catalogs = if shape.share_catalogs {
        shape.catalog_variants
    } else {
        n
    };
    println!(
        "sharing: catalogs held {distinct_catalogs}, distinct {} (one catalog each would save {}); \
         role rows {} of which distinct {} (storing each once would save about {}); \
         cached users {}: distinct role sets within an organization {} (one compiled body each, shared by \
         its users), across organizations {}",
        shape.catalog_variants,
        mib((distinct_catalogs - shape.catalog_variants) as f64 * catalog_heap as f64),
        n * ROLES,
        role_rows.len(),
        mib((n * ROLES - role_rows.len()) as f64 * (policy_heap as f64 / ROLES as f64)),
        n * USERS,
        bodies.len(),
        user_rows.len(),
    );
    // One line for `benches/compare`'s table command (`cargo run --release --bin table`).
    println!(
        "permgate-orgs-summary {}",
        serde_json::json!({
            "organizations": n, "roles": ROLES, "users": USERS,
            "resident_mib": rss_users as f64 / (1024.0 * 1024.0),
            "heap_mib": (heap_users - heap_start) as f64 / (1024.0 * 1024.0),
            "heap_per_organization": per_org_heap, "heap_per_user": per_user_heap,
            "load_all_ms": loaded_in.as_secs_f64() * 1e3, "cache_users_ms": cached_in.as_secs_f64() * 1e3,
        })
    );
    Served {
        shape,
        users,
        snapshot_org,
        _snapshots: temp,
    }
}

fn orgs(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let served = serve(&runtime);
    let n = served.shape.organizations;
    let users = &served.users;

    let mut rng = Rng::new(42);
    let random: Vec<(String, String)> = (0..4096)
        .map(|_| {
            (
                Shape::id(rng.below(n as u64) as usize),
                format!("u-{}", rng.below(USERS as u64)),
            )
        })
        .collect();
    let one_org: Vec<(String, String)> = (0..4096)
        .map(|_| (Shape::id(0), format!("u-{}", rng.below(USERS as u64))))
        .collect();
    let question = perm::routing::QUEUE_VIEW;
    // Every question is a hit: no loader call while measuring.
    for (org, key) in random.iter().chain(&one_org) {
        now(&runtime, users.get(org, key, None)).unwrap();
    }

    let mut group = c.benchmark_group("orgs");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, asked) in [
        (
            format!("question/random org of {n}, random user (Users::get hit + allows)"),
            &random,
        ),
        (
            "question/one org, random user (Users::get hit + allows)".to_owned(),
            &one_org,
        ),
    ] {
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % asked.len();
                let (org, key) = &asked[i];
                let user = now(&runtime, users.get(black_box(org), black_box(key), None)).unwrap();
                user.allows(black_box(question))
            })
        });
    }
    // Of which: the organization's lookup alone, which `Users::get` makes too.
    let mut i = 0;
    group.bench_function(format!("lookup/random org of {n} (Organizations::policy hit)"), |b| {
        b.iter(|| {
            i = (i + 1) % random.len();
            now(&runtime, users.organizations().policy(black_box(&random[i].0))).unwrap()
        })
    });
    let held = now(&runtime, users.get(&Shape::id(0), "u-0", None)).unwrap();
    group.bench_function("question/one user in hand (allows only)", |b| {
        b.iter(|| black_box(&held).allows(black_box(question)))
    });

    let dir = served._snapshots.0.join(&served.snapshot_org);
    group.bench_function("load/one org from a snapshot (Snapshot::read + policy)", |b| {
        b.iter(|| {
            Snapshot::read(black_box(&dir), Catalog::builtin())
                .unwrap()
                .policy()
                .unwrap()
        })
    });

    // A task keeps asking questions of the other organizations, each timed,
    // while the bench thread reloads one; then as long without reloads.
    let organizations = users.organizations();
    let asking = |latencies: Arc<Latencies>, stop: Arc<AtomicBool>| {
        let users = users.clone();
        let random = random.clone();
        let snapshot_org = served.snapshot_org.clone();
        async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                for _ in 0..256 {
                    i = (i + 1) % random.len();
                    let (org, key) = &random[i];
                    if *org == snapshot_org {
                        continue;
                    }
                    let start = Instant::now();
                    let user = users.get(org, key, None).await.unwrap();
                    black_box(user.allows(question));
                    latencies.record(start.elapsed().as_nanos() as u64);
                }
                tokio::task::yield_now().await;
            }
        }
    };
    let during = Arc::new(Latencies::new());
    let stop = Arc::new(AtomicBool::new(false));
    let task = runtime.spawn(asking(Arc::clone(&during), Arc::clone(&stop)));
    group.bench_function("reload/one org while a task asks the others", |b| {
        b.iter(|| {
            runtime
                .block_on(organizations.reload(black_box(&served.snapshot_org)))
                .unwrap()
        })
    });
    stop.store(true, Ordering::Relaxed);
    runtime.block_on(task).unwrap();
    let idle = Arc::new(Latencies::new());
    let stop = Arc::new(AtomicBool::new(false));
    let task = runtime.spawn(asking(Arc::clone(&idle), Arc::clone(&stop)));
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    runtime.block_on(task).unwrap();
    println!("\nquestions on other organizations (Users::get hit + allows, Instant::now included):");
    println!("  while one organization reloads again and again: {}", during.summary());
    println!("  without reloads: {}", idle.summary());
    let quantiles = |l: &Latencies| serde_json::json!({"p50": l.quantile(0.5).1, "p99": l.quantile(0.99).1});
    println!(
        "permgate-orgs-latencies {}",
        serde_json::json!({"idle": quantiles(&idle), "during_reloads": quantiles(&during)})
    );
    group.finish();
}

criterion_group!(benches, orgs);
criterion_main!(benches);
