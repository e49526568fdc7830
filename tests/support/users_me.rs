//! The users/me document the benchmark of users compiled on demand
//! (`benches/ondemand.rs`) and the memory test (`tests/ondemand_memory.rs`)
//! both measure, built once here so that the two measure the same document.

use permgate::Catalog;

/// A users/me document: 51 permissions of the builtin catalog, spread over
/// its domains, every tenth scoped to division `d-east`, and three
/// permission policies.
pub fn users_me() -> String {
    let keys: Vec<String> = Catalog::builtin()
        .iter()
        .filter(|p| !p.is_flat() && !p.key().ends_with(":*"))
        .step_by(30)
        .take(51)
        .enumerate()
        .map(|(n, p)| {
            if n % 10 == 0 {
                format!("{}:d-east", p.key())
            } else {
                p.key().to_owned()
            }
        })
        .collect();
    assert_eq!(keys.len(), 51);
    let policy = |domain: &str, entity: &str, action: &str| serde_json::json!({"domain": domain, "entityName": entity, "actionSet": [action], "allowConditions": false});
    serde_json::json!({"id": "u-1", "name": "Ana", "authorization": {
        "roles": [{"id": "r-1", "name": "Agent"}],
        "permissions": keys,
        "permissionPolicies": [
            policy("routing", "queue", "view"),
            policy("journey", "actionmap", "view"),
            policy("journey", "report", "view"),
        ],
    }})
    .to_string()
}
