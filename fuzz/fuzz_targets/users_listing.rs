//! Fuzz target `users_listing`: see `permgate_fuzz::users_listing` for the invariants it checks.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is skipped: every entry point of permgate takes `&str`.
    if let Ok(text) = std::str::from_utf8(data) {
        permgate_fuzz::users_listing(text);
    }
});
