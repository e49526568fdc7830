//! Fuzz target `call_path`: see `permgate_fuzz::call_path` for the invariants it checks.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is skipped: every entry point of permgate takes `&str`.
    if let Ok(text) = std::str::from_utf8(data) {
        permgate_fuzz::call_path(text);
    }
});
