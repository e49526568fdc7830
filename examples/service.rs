//! Example service (placeholder).
fn main() {}
