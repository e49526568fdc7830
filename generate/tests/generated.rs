//! `src/generated.rs` must be what the generator makes of `catalogs/`.
//! Set `PERMGATE_REGENERATE=1` to rewrite it instead of failing.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fresh = permgate_generate::generate(&root.join("catalogs")).unwrap_or_else(|e| panic!("{e}"));
    let path = root.join("src/generated.rs");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == fresh {
        return;
    }
    if std::env::var_os("PERMGATE_REGENERATE").is_some() {
        std::fs::write(&path, fresh).unwrap();
        eprintln!("rewrote {}", path.display());
    } else {
        panic!(
            "src/generated.rs is stale: the catalogs changed. Run `PERMGATE_REGENERATE=1 cargo test --test generated` \
             and review the diff"
        );
    }
}
