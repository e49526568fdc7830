//! The house picture: catalog, then policy, then decisions, one way, in the
//! core crate (`crates/permgate-core`); the Genesys adapter
//! (`crates/permgate-genesys`, which depends on the core's public API only),
//! axum and the CLI (`src/`) around it. Cargo already keeps the core from
//! depending on the adapter; this test keeps its code from naming it.

use std::fs;
use std::path::Path;

/// The core crate's sources.
const CORE_SRC: &str = "crates/permgate-core/src";

#[test]
fn the_core_does_not_import_the_genesys_adapter() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORE_SRC);
    let mut core = 0;
    let mut offenders = Vec::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        core += 1;
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("genesys::") || code.contains("crate::genesys") {
                offenders.push(format!("{CORE_SRC}/{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(core >= 15, "found only {core} core modules under {}", src.display());
    assert!(
        offenders.is_empty(),
        "the core names the genesys adapter:\n{}",
        offenders.join("\n")
    );
}
