//! The permgate admin CLI (placeholder).
fn main() {}
