//! Fuzz target `forbidden_body`: see `permgate_fuzz::forbidden_body` for the invariants it checks.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is skipped: every entry point of permgate takes `&str`.
    if let Ok(text) = std::str::from_utf8(data) {
        permgate_fuzz::forbidden_body(text);
    }
});
