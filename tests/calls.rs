//! "May this principal make this call?": matching concrete paths to
//! operations, answering on roles and users, and the 403 body.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::call::{self, CallDecision, CallError};
use permgate::genesys::{RoleFile, call_forbidden_body, forbidden_body};
use permgate::operation::Method;
use permgate::{Catalog, Policy};

#[test]
fn concrete_paths_match_their_operation() {
    let name = |m, p| call::find(m, p).unwrap().name;
    assert_eq!(
        name(Method::Post, "/api/v2/routing/queues/3f1a-9/members"),
        "postRoutingQueueMembers"
    );
    assert_eq!(
        name(Method::Get, "/api/v2/routing/queues/3f1a-9/members"),
        "getRoutingQueueMembers"
    );
    // A literal segment wins over a parameter, as on the platform.
    assert_eq!(name(Method::Get, "/api/v2/users/me"), "getUsersMe");
    assert_eq!(name(Method::Get, "/api/v2/users/abc-123"), "getUser");
    // Several parameters.
    let op = call::find(Method::Get, "/api/v2/analytics/reporting/exports").unwrap();
    assert!(op.path.starts_with("/api/v2/analytics"));
    let op = call::find(
        Method::Get,
        "/api/v2/workforcemanagement/businessunits/bu1/weeks/2026-01-05/schedules/s9",
    )
    .unwrap();
    assert_eq!(
        op.path,
        "/api/v2/workforcemanagement/businessunits/{businessUnitId}/weeks/{weekId}/schedules/{scheduleId}"
    );
    // No operation: a typed error, not a denial.
    assert!(matches!(
        call::find(Method::Get, "/api/v2/nowhere/at/all"),
        Err(CallError::NoOperation { .. })
    ));
    assert!(matches!(
        call::find(Method::Put, "/api/v2/users/me"),
        Err(CallError::NoOperation { .. })
    ));
    // A parameter is any visible ASCII a request path holds, never a control character, a
    // space or a byte past ASCII: those are refused before matching, and the error prints them
    // escaped.
    assert_eq!(call::find(Method::Get, "/api/v2/users/u%20-1").unwrap().name, "getUser");
    for (path, at) in [
        ("/api/v2/users/\x1b[2K", 14),
        ("/api/v2/users/a b", 15),
        ("/api/v2/users/é", 14),
    ] {
        let error = call::find(Method::Get, path).unwrap_err();
        assert_eq!(
            error,
            CallError::InvalidPath {
                method: Method::Get,
                path: path.to_owned(),
                at
            }
        );
        assert!(!error.to_string().chars().any(char::is_control), "{error}");
    }
}

#[test]
fn calls_are_answered_like_gates() -> Result<(), permgate::BuildError> {
    let policy = Policy::builder(Catalog::builtin())
        .role("viewer", ["routing:queue:view"])?
        .role("admin", ["directory:organization:admin"])?
        .build();
    let viewer = policy.role("viewer").unwrap();
    let admin = policy.role("admin").unwrap();
    let answer = policy
        .may_call(viewer, Method::Get, "/api/v2/routing/queues/q1")
        .unwrap();
    assert!(answer.is_allowed());
    // No permission required.
    assert!(
        policy
            .may_call(viewer, Method::Get, "/api/v2/users/me")
            .unwrap()
            .is_allowed()
    );
    // ANY with `admin`: allowed by a permission of the list only.
    assert!(
        policy
            .may_call(admin, Method::Delete, "/api/v2/users/u1")
            .unwrap()
            .is_allowed()
    );
    let answer = policy.may_call(viewer, Method::Delete, "/api/v2/users/u1").unwrap();
    let CallDecision::Denied(denied) = answer.decision() else {
        panic!()
    };
    assert_eq!(denied.unchecked(), ["admin"]);
    let missing: Vec<&str> = denied.missing().map(|p| p.key()).collect();
    assert_eq!(missing, ["directory:user:delete", "directory:organization:admin"]);
    let body = forbidden_body(denied.gate_denial().unwrap(), Some("ctx-1"));
    assert_eq!(body["status"], 403);
    assert_eq!(body["code"], "missing.any.permissions");
    // Unverifiable: denied, with nothing to grant.
    let answer = policy
        .may_call(admin, Method::Get, "/api/v2/userrecordings/r1/transcoding")
        .unwrap();
    let CallDecision::Denied(denied) = answer.decision() else {
        panic!()
    };
    assert!(denied.gate_denial().is_none());
    let body = call_forbidden_body(denied, Some("ctx-2"));
    assert_eq!(
        (body["status"].as_u64(), body["code"].as_str()),
        (Some(403), Some("not.authorized"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("They are enforced by the backend")
    );
    // ANY: missing.any.permissions.
    let answer = policy
        .may_call(viewer, Method::Post, "/api/v2/routing/queues/q1/members")
        .unwrap();
    let CallDecision::Denied(denied) = answer.decision() else {
        panic!()
    };
    let body = forbidden_body(denied.gate_denial().unwrap(), None);
    println!("{body:#}");
    assert_eq!(body["code"], "missing.any.permissions");
    // ALL: missing.permissions.
    let answer = policy
        .may_call(viewer, Method::Post, "/api/v2/agentic/virtualagents")
        .unwrap();
    let CallDecision::Denied(denied) = answer.decision() else {
        panic!()
    };
    let body = forbidden_body(denied.gate_denial().unwrap(), None);
    assert_eq!(body["code"], "missing.permissions");
    assert!(body["message"].as_str().unwrap().contains("agentic:virtualAgent:add"));
    Ok(())
}

#[test]
fn conditional_grants_are_in_reach() {
    let role = r#"{"name": "queue supervisor", "permissionPolicies": [
      {"domain": "routing", "entityName": "queue", "actionSet": ["view"], "allowConditions": true,
       "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
         "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#;
    let file = RoleFile::parse(role).unwrap();
    let mut builder = Policy::builder(Catalog::builtin());
    let supervisor = builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    let answer = policy
        .may_call(supervisor, Method::Get, "/api/v2/routing/queues/q-1")
        .unwrap();
    let CallDecision::AllowedIf(conditions) = answer.decision() else {
        panic!("{answer:?}")
    };
    assert_eq!(conditions[0].to_string(), "Queue.id IN [QUEUE q-1]");
}
