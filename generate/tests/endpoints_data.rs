//! `endpoints_catalog` refuses what the table cannot place, naming the operation.

#![allow(clippy::unwrap_used, clippy::panic)]

use permgate_generate::endpoints::{ENDPOINTS_FILE, endpoints_catalog};
use permgate_generate::{Error, Place, Problem};

fn file(ops: &[&str]) -> String {
    format!(
        "{{\"source\": {{\"sdk\": \"s\", \"version\": \"259.0.0\", \"docs\": \"d\", \"commit\": \"c\"}}, \"operations\": [{}]}}",
        ops.join(",")
    )
}

fn op(method: &str, path: &str, name: &str, api: &str, requires: &str) -> String {
    format!(
        "{{\"method\": {method:?}, \"path\": {path:?}, \"operation\": {name:?}, \"api\": {api:?}, \"deprecated\": false, \"requires\": {requires}}}"
    )
}

fn refused(text: &str) -> (Place, Problem) {
    match endpoints_catalog(text) {
        Err(Error::Invalid { file, at, problem }) => {
            assert_eq!(file, ENDPOINTS_FILE);
            (at, *problem)
        }
        other => panic!("{other:?}"),
    }
}

const ALL: &str = r#"{"type": "ALL", "permissions": ["routing:queue:view"]}"#;

#[test]
fn a_valid_file_merges_api_groups() {
    let a = op(
        "GET",
        "/api/v2/routing/queues/{queueId}",
        "getRoutingQueue",
        "RoutingApi",
        ALL,
    );
    let b = op(
        "GET",
        "/api/v2/routing/queues/{queueId}",
        "getRoutingQueue",
        "QueuesApi",
        ALL,
    );
    let c = op("GET", "/api/v2/users/me", "getUsersMe", "UsersApi", "null");
    let text = endpoints_catalog(&file(&[&a, &b, &c])).unwrap();
    assert!(text.contains(r#""apis": ["QueuesApi", "RoutingApi"]"#));
    assert_eq!(text.matches("\"method\"").count(), 2);
}

#[test]
fn invalid_operations_are_refused_by_name() {
    let call = |s: &str| Place::Operation(s.to_owned());
    let bad_method = op("FETCH", "/api/v2/a", "getA", "AApi", ALL);
    assert_eq!(
        refused(&file(&[&bad_method])),
        (call("FETCH /api/v2/a"), Problem::Method { method: "FETCH".into() })
    );
    for path in ["/api/v1/a", "/api/v2/a/{b", "/api/v2/a//b", "/api/v2/a/x{b}"] {
        let bad = op("GET", path, "getA", "AApi", ALL);
        assert_eq!(
            refused(&file(&[&bad])),
            (call(&format!("GET {path}")), Problem::PathTemplate)
        );
    }
    let bad_name = op("GET", "/api/v2/a", "get-A", "AApi", ALL);
    assert!(matches!(refused(&file(&[&bad_name])).1, Problem::OperationName { .. }));
    let unknown = op(
        "GET",
        "/api/v2/a",
        "getA",
        "AApi",
        r#"{"type": "ANY", "permissions": ["superuser"]}"#,
    );
    assert_eq!(
        refused(&file(&[&unknown])).1,
        Problem::UnknownRequirement {
            entry: "superuser".into()
        }
    );
    let empty = op(
        "GET",
        "/api/v2/a",
        "getA",
        "AApi",
        r#"{"type": "ALL", "permissions": []}"#,
    );
    assert_eq!(refused(&file(&[&empty])).1, Problem::EmptyRequirement);
    // The three known non-permission entries are accepted.
    let admin = op(
        "GET",
        "/api/v2/a",
        "getA",
        "AApi",
        r#"{"type": "ANY", "permissions": ["admin", "a:b:c"]}"#,
    );
    assert!(endpoints_catalog(&file(&[&admin])).is_ok());
    // One method and path, two requirements.
    let a = op("GET", "/api/v2/a", "getA", "AApi", ALL);
    let b = op("GET", "/api/v2/a", "getA", "BApi", "null");
    assert_eq!(
        refused(&file(&[&a, &b])),
        (call("GET /api/v2/a"), Problem::OperationDiffers { api: "BApi".into() })
    );
}
