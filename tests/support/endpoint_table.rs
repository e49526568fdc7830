//! A module's docs table of Platform API endpoints, checked against the
//! operations table: the tests of the adapter's docs (`tests/operations.rs`)
//! and of the client's (`tests/client.rs`) both read their table with it.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// Checks every row of the `//! | … |` table in the file at `source`
/// (relative to the manifest) that names an endpoint: each ``(`opName`)``
/// after a ``` `METHOD path` ``` is that operation of the endpoint data,
/// with that method and path (a query string aside), and needs exactly the
/// permissions the row's last cell names ("none…" when it needs none).
/// Returns how many rows were checked.
pub fn check(source: &str) -> usize {
    let docs = std::fs::read_to_string(format!("{}/{source}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let rows: Vec<&str> = docs
        .lines()
        .filter_map(|line| line.strip_prefix("//! | "))
        .filter(|row| row.contains("/api/v2/"))
        .collect();
    let backticked = |text: &str| -> Vec<String> { text.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    for row in &rows {
        let cells: Vec<&str> = row.split(" | ").collect();
        let (endpoints, needed) = (cells[1], cells[cells.len() - 1].trim_end_matches(" |"));
        let quoted = backticked(endpoints);
        let calls: Vec<(&String, &String)> = quoted
            .iter()
            .zip(quoted.iter().skip(1))
            .filter(|(call, name)| call.contains(' ') && !name.contains(' '))
            .collect();
        assert!(!calls.is_empty(), "{row}");
        for (call, name) in calls {
            let op = permgate::builtins::operation(name).unwrap_or_else(|| panic!("{name}"));
            let (method, path) = call.split_once(' ').unwrap();
            let path = path.split('?').next().unwrap();
            assert_eq!((op.method.as_str(), op.path), (method, path), "{row}");
            let expected = if needed.starts_with("none") {
                Vec::new()
            } else {
                backticked(needed)
            };
            let keys: Vec<String> = op
                .requirement
                .permissions()
                .iter()
                .map(|p| p.key().to_owned())
                .collect();
            assert_eq!(keys, expected, "{row}");
            assert!(op.unchecked.is_empty(), "{row}");
        }
    }
    rows.len()
}
