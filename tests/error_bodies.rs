//! Genesys Cloud 403 bodies both ways: a `Denied` written as the platform's `ErrorBody`
//! (`missing.permissions`, `missing.any.permissions`), and a platform body read back into what is
//! missing, four-segment permissions and division-scoped messages included, with its errors'
//! JSON paths. The platform bodies here are written from the published message formats.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::{ForbiddenBody, MissingPermission, forbidden_body};
use permgate::{Catalog, Policy, gate::GateInfo, gates::ActionMapEditor, genesys::JsonError, perm};
use serde_json::json;

const MISSING: &str = "Unable to perform the requested action. You are missing the following permission(s): ";
const ANY: &str =
    "Unable to perform the requested action. You must have at least one of the following permissions assigned: ";

static QUEUE_PANEL: GateInfo = GateInfo::new(
    "QueuePanel",
    "see queues, and join or search them",
    &[perm::routing::QUEUE_VIEW],
    &[&[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
);

fn missing(key: &str, division: Option<&str>) -> MissingPermission {
    let body = match division {
        Some(d) => format!(r#"{{"code": "missing.permissions", "message": "{MISSING}[{key}:{d}]"}}"#),
        None => format!(r#"{{"code": "missing.permissions", "message": "{MISSING}[{key}]"}}"#),
    };
    ForbiddenBody::parse(&body).unwrap().missing.remove(0)
}

#[test]
fn a_denial_is_written_as_the_platforms_missing_permissions_body() {
    let policy = Policy::builder(Catalog::builtin())
        .role("viewer", ["journey:actionmap:view"])
        .unwrap()
        .build();
    let denied = policy
        .check::<ActionMapEditor>(policy.role("viewer").unwrap())
        .unwrap_err();
    let body = forbidden_body(&denied, Some("ctx-7"));
    let keys = "[journey:actionmap:add, journey:actionmap:delete, journey:actionmap:edit]";
    let labels = "(Journey > Action Map > Add; Journey > Action Map > Delete; Journey > Action Map > Edit)";
    assert_eq!(
        body,
        json!({
            "message": format!("{MISSING}{keys} {labels}"),
            "code": "missing.permissions",
            "status": 403,
            "messageWithParams": format!("{MISSING}{{permissions}} {labels}"),
            "messageParams": {"permissions": keys},
            "contextId": "ctx-7",
            "details": [],
            "errors": [],
        })
    );
    let read = ForbiddenBody::parse(&body.to_string()).unwrap();
    let read_keys: Vec<&str> = read.missing.iter().map(|m| m.key.as_str()).collect();
    let denied_keys: Vec<&str> = denied.missing().iter().map(|p| p.key()).collect();
    assert_eq!(read_keys, denied_keys);
    assert!(read.any_of.is_empty() && read.divisions.is_empty());
    assert_eq!(read.context_id.as_deref(), Some("ctx-7"));
    assert!(forbidden_body(&denied, None).get("contextId").is_none());
}

#[test]
fn unmet_groups_are_missing_any_permissions_bodies() {
    let policy = Policy::builder(Catalog::builtin())
        .role("none", ["routing:wrapupCode:view"])
        .unwrap()
        .role("view", ["routing:queue:view"])
        .unwrap()
        .build();
    // Only a group unmet: the any-of body is on top.
    let only_group = policy
        .check_info(policy.role("view").unwrap(), &QUEUE_PANEL, None)
        .unwrap_err();
    let body = forbidden_body(&only_group, None);
    assert_eq!(body["code"], "missing.any.permissions");
    assert_eq!(
        body["message"],
        format!("{ANY}[routing:queue:join, routing:queue:search] (Routing > Queue > Join; Routing > Queue > Search)")
    );
    assert_eq!(body["errors"], json!([]));
    // Both: the required permission on top, the group in `errors`.
    let both = policy
        .check_info(policy.role("none").unwrap(), &QUEUE_PANEL, None)
        .unwrap_err();
    let body = forbidden_body(&both, None);
    assert_eq!(body["code"], "missing.permissions");
    assert_eq!(body["errors"][0]["code"], "missing.any.permissions");
    let read = ForbiddenBody::parse(&body.to_string()).unwrap();
    let labelled = |key: &str, label: &str| {
        let mut permission = missing(key, None);
        permission.label = Some(label.to_owned());
        permission
    };
    assert_eq!(read.missing, [labelled("routing:queue:view", "Routing > Queue > View")]);
    assert_eq!(
        read.any_of,
        [vec![
            labelled("routing:queue:join", "Routing > Queue > Join"),
            labelled("routing:queue:search", "Routing > Queue > Search")
        ]]
    );
}

#[test]
fn a_platform_body_is_read_with_divisions_and_resolved_against_the_catalog() {
    let body = json!({
        "message": format!("{ANY}[routing:queue:edit:d-east, ui:agentQueueActivity:view] in at least one of the following division(s): [d-east, d-west]"),
        "code": "missing.any.permissions",
        "status": 403,
        "messageWithParams": "ignored",
        "contextId": "8c7a",
        "details": [],
        "errors": [],
    });
    let read = ForbiddenBody::parse(&body.to_string()).unwrap();
    assert_eq!(read.code, "missing.any.permissions");
    assert_eq!(
        read.any_of,
        [vec![
            missing("routing:queue:edit", Some("d-east")),
            missing("ui:agentQueueActivity:view", None)
        ]]
    );
    assert_eq!(read.divisions, ["d-east", "d-west"]);
    let catalog = Catalog::builtin();
    let resolved: Vec<Option<&str>> = read.any_of[0]
        .iter()
        .map(|m| m.resolve(catalog).and_then(|p| p.label()))
        .collect();
    // `routing:queue:edit` is a builtin permission with its label; the UI key is in no catalog.
    assert_eq!(resolved, [Some("Routing > Queue > Edit"), None]);
}

#[test]
fn bad_bodies_are_typed_errors_at_their_paths() {
    let path = |text: &str| ForbiddenBody::parse(text).unwrap_err().path().map(str::to_owned);
    assert_eq!(
        path(r#"{"code": "not.found", "message": "The requested resource was not found."}"#).as_deref(),
        Some("$.code")
    );
    assert_eq!(
        path(r#"{"code": "missing.permissions", "message": "You are not authorized."}"#).as_deref(),
        Some("$.message")
    );
    let bad_key = format!(r#"{{"code": "missing.permissions", "message": "{MISSING}[routing:queue]"}}"#);
    assert!(matches!(
        ForbiddenBody::parse(&bad_key),
        Err(JsonError::Permission { path, .. }) if path == "$.message"
    ));
    let nested = json!({"code": "missing.permissions", "message": format!("{MISSING}[routing:queue:view]"),
        "errors": [{"code": "missing.any.permissions", "message": "nothing listed"}]});
    assert_eq!(path(&nested.to_string()).as_deref(), Some("$.errors[0].message"));
    assert!(matches!(ForbiddenBody::parse("[]"), Err(JsonError::WrongType { .. })));
    assert!(matches!(ForbiddenBody::parse("{"), Err(JsonError::Syntax { .. })));
    let empty_division = format!(r#"{{"code": "missing.permissions", "message": "{MISSING}[a:b:c:]"}}"#);
    assert_eq!(path(&empty_division).as_deref(), Some("$.message"));
}
