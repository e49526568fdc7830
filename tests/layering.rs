//! The house picture: catalog, then policy, then decisions, one way; the
//! Genesys adapter (`src/genesys/`), axum and the CLI around the core. The
//! core's modules (every `src/*.rs` but the crate root and the adapters)
//! must not name the `genesys` module.

use std::fs;
use std::path::Path;

/// Modules around the core, which may use it and `genesys`.
const ADAPTERS: [&str; 2] = ["lib.rs", "axum.rs"];

#[test]
fn the_core_does_not_import_the_genesys_adapter() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut core = 0;
    let mut offenders = Vec::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_none_or(|ext| ext != "rs") || ADAPTERS.contains(&name.as_str()) {
            continue;
        }
        core += 1;
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("genesys::") || code.contains("crate::genesys") {
                offenders.push(format!("src/{name}:{}: {}", n + 1, line.trim()));
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
