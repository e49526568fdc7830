//! `catalogs/genesys-cloud-platform.json` must be what the generator makes of
//! `../shared/data` (checked when that folder is present), and
//! `crates/permgate-core/src/generated.rs` and `crates/permgate-core/src/builtin.rs` what it makes of `catalogs/`. Set
//! `PERMGATE_REGENERATE=1` to rewrite both instead of failing.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

/// Compares `fresh` with the file at `path`; rewrites it when asked.
fn sync(path: &Path, fresh: &str, what: &str) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == fresh {
        return;
    }
    if std::env::var_os("PERMGATE_REGENERATE").is_some() {
        std::fs::write(path, fresh).unwrap();
        eprintln!("rewrote {}", path.display());
    } else {
        panic!(
            "{} is stale: {what} changed. Run `PERMGATE_REGENERATE=1 cargo test --test generated` and review the diff",
            path.display()
        );
    }
}

/// One test, so that the platform catalog is rewritten before the code is
/// generated from it.
#[test]
fn platform_catalog_and_generated_code_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let data = root.join("../shared/data");
    let endpoints = std::fs::read_to_string(data.join(permgate_generate::endpoints::ENDPOINTS_FILE));
    let history = std::fs::read_to_string(data.join(permgate_generate::platform::HISTORY_FILE));
    match (endpoints, history) {
        (Ok(endpoints), Ok(history)) => {
            let fresh = permgate_generate::platform::platform_catalog_from_endpoints(&endpoints, &history)
                .unwrap_or_else(|e| panic!("{e}"));
            let path = root.join("catalogs").join(permgate_generate::platform::FILE);
            sync(&path, &fresh, "../shared/data/genesys-cloud");
            let fresh = permgate_generate::endpoints::endpoints_catalog(&endpoints).unwrap_or_else(|e| panic!("{e}"));
            let path = root.join("catalogs").join(permgate_generate::endpoints::CATALOG_FILE);
            sync(&path, &fresh, "../shared/data/genesys-cloud");
        }
        _ => eprintln!(
            "skipped: ../shared/data not found; catalogs/{} is not compared with its sources",
            permgate_generate::platform::FILE
        ),
    }
    let fresh = permgate_generate::generate_files(&root.join("catalogs")).unwrap_or_else(|e| panic!("{e}"));
    sync(
        &root.join("crates/permgate-core/src/builtin.rs"),
        &fresh.builtin,
        "the catalogs",
    );
    sync(
        &root.join("crates/permgate-core/src/generated.rs"),
        &fresh.generated,
        "the catalogs",
    );
    sync(
        &root.join("crates/permgate-core/src/gates_table.rs"),
        &fresh.gates,
        "the catalogs",
    );
    sync(
        &root.join("crates/permgate-core/src/operations_table.rs"),
        &fresh.operations,
        "the catalogs",
    );
}
