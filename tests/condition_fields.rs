//! Where a grant's condition can hide, and how the readers refuse to drop it:
//! a `resourceCondition` string or `namedResources` list (fields of the published
//! `ResourcePermissionPolicy`), a node that is both a conjunction and a term, a role
//! with two policy lists, and a condition nested without end from a serde format
//! that has no recursion limit of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::wire::ResourceConditionNode;
use permgate::genesys::{RoleFile, SubjectSpec, UserAuthorization};
use permgate::{Catalog, Decision, Policy, condition::MAX_CONDITION_DEPTH, genesys::JsonError, perm};
use serde_json::{Value, json};

/// A role `r` whose one policy is `routing:queue:edit` with `extra` fields.
fn role(extra: &Value) -> String {
    let mut policy = json!({"domain": "routing", "entityName": "queue", "actionSet": ["edit"]});
    for (field, value) in extra.as_object().unwrap() {
        policy[field] = value.clone();
    }
    json!({"name": "r", "permissionPolicies": [policy]}).to_string()
}

/// The one error of a one-role document.
fn role_error(text: &str) -> JsonError {
    let file = RoleFile::parse(text).unwrap();
    assert!(file.roles.is_empty(), "{:?}", file.roles);
    file.errors.into_iter().next().unwrap().error
}

/// What the loaded role `r` decides for `routing:queue:edit`.
fn decide(text: &str) -> String {
    let file = RoleFile::parse(text).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let mut builder = Policy::builder(Catalog::builtin());
    let role = builder.add_role_definition(&file.roles[0]).unwrap();
    let policy = builder.build();
    match policy.decide(role, perm::routing::QUEUE_EDIT) {
        Decision::Allowed => "allowed",
        Decision::AllowedIf(_) => "allowed if",
        _ => "denied",
    }
    .to_owned()
}

fn queue_term() -> Value {
    json!({"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]})
}

#[test]
fn resource_condition_string_alone_is_refused_in_roles_users_and_subjects() {
    let text = "Queue.id IN ('q-1')";
    // Role JSON.
    let error = role_error(&role(&json!({"allowConditions": true, "resourceCondition": text})));
    assert_eq!(
        error.path(),
        Some("$.permissionPolicies[0].resourceCondition"),
        "{error}"
    );
    assert!(matches!(error, JsonError::Invalid { .. }), "{error:?}");
    // users/me?expand=authorization.
    let user = json!({"id": "u-1", "authorization": {"permissions": [], "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "resourceCondition": text}]}});
    let error = UserAuthorization::parse(&user.to_string()).unwrap_err();
    assert_eq!(
        error.path(),
        Some("$.authorization.permissionPolicies[0].resourceCondition"),
        "{error}"
    );
    // A subject's grant, in the role JSON spelling.
    let subject = json!({"id": "u-1", "grants": [{"division": {"id": "*"}, "role": {"name": "r", "policies": [
        {"domain": "routing", "entityName": "queue", "actions": ["edit"], "resourceCondition": text}]}}]});
    let error = SubjectSpec::parse(&subject.to_string()).unwrap_err();
    assert_eq!(
        error.path(),
        Some("$.grants[0].role.policies[0].resourceCondition"),
        "{error}"
    );
}

#[test]
fn resource_condition_beside_its_node_is_the_node_and_blank_is_absent() {
    let with_node = role(&json!({"resourceCondition": "Queue.id EQ q-1", "resourceConditionNode": queue_term()}));
    assert_eq!(decide(&with_node), "allowed if");
    for blank in ["", "  "] {
        assert_eq!(
            decide(&role(&json!({"resourceCondition": blank}))),
            "allowed",
            "{blank:?}"
        );
    }
    assert_eq!(decide(&role(&json!({"resourceCondition": null}))), "allowed");
}

#[test]
fn named_resources_are_refused_unless_empty() {
    let error = role_error(&role(&json!({"namedResources": ["q-1"]})));
    assert_eq!(error.path(), Some("$.permissionPolicies[0].namedResources"), "{error}");
    // Even beside a node: what the names restrict is unknown.
    let error = role_error(&role(
        &json!({"namedResources": ["q-1"], "resourceConditionNode": queue_term()}),
    ));
    assert_eq!(error.path(), Some("$.permissionPolicies[0].namedResources"), "{error}");
    assert_eq!(decide(&role(&json!({"namedResources": []}))), "allowed");
}

#[test]
fn a_node_with_terms_and_its_own_term_is_refused() {
    for own in ["variableName", "operator", "operands"] {
        let mut node = json!({"conjunction": "AND", "terms": [queue_term()]});
        node[own] = queue_term()[own].clone();
        let error = role_error(&role(&json!({"resourceConditionNode": node})));
        assert_eq!(
            error.path(),
            Some("$.permissionPolicies[0].resourceConditionNode"),
            "{own}: {error}"
        );
        assert!(
            error.to_string().contains(&format!("both `terms` and `{own}`")),
            "{error}"
        );
        // The same node one level down, from a user's authorization.
        let nested = json!({"conjunction": "OR", "terms": [queue_term(), node]});
        let user = json!({"authorization": {"roles": [], "permissionPolicies": [
            {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "resourceConditionNode": nested}]}});
        let error = UserAuthorization::parse(&user.to_string()).unwrap_err();
        assert_eq!(
            error.path(),
            Some("$.authorization.permissionPolicies[0].resourceConditionNode.terms[1]"),
            "{error}"
        );
    }
}

#[cfg(feature = "serde")]
#[test]
fn a_condition_with_terms_and_its_own_term_does_not_deserialize() {
    let node = json!({"conjunction": "AND", "terms": [queue_term()], "variableName": "Queue.id"});
    let error = serde_json::from_value::<permgate::condition::Condition>(node).unwrap_err();
    assert!(error.to_string().contains("both `terms` and `variableName`"), "{error}");
}

#[test]
fn a_role_with_both_policy_lists_is_refused() {
    let policy = json!({"domain": "routing", "entityName": "queue", "actionSet": ["view"]});
    let both = json!({"name": "r", "permissionPolicies": [policy], "policies": []});
    let error = role_error(&both.to_string());
    assert_eq!(error.path(), Some("$"), "{error}");
    assert!(
        error.to_string().contains("both `permissionPolicies` and `policies`"),
        "{error}"
    );
    // In a listing, the roles around it still load.
    let listing = json!({"entities": [{"name": "a", "policies": [policy]}, both, {"name": "b", "permissionPolicies": null, "policies": [policy]}]});
    let file = RoleFile::parse(&listing.to_string()).unwrap();
    assert_eq!(
        file.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(file.errors[0].error.path(), Some("$.entities[1]"));
    // In a subject's grant.
    let subject = json!({"grants": [{"division": {"id": "*"}, "role": {"name": "r",
        "permissionPolicies": [policy], "policies": [policy]}}]});
    let error = SubjectSpec::parse(&subject.to_string()).unwrap_err();
    assert_eq!(error.path(), Some("$.grants[0].role"), "{error}");
}

// ---------------------------------------------------------------------------
// Depth, bounded while reading, from a format with no recursion limit.
// ---------------------------------------------------------------------------

mod deep {
    use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

    type Error = serde_json::Error;

    /// A condition node `levels` deep, made up as it is read: `{"conjunction":
    /// "AND", "terms": [<one level less>]}` down to one term. Unlike
    /// serde_json, it never refuses to nest.
    pub struct Deep(pub usize);

    impl<'de> Deserializer<'de> for Deep {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            if self.0 <= 1 {
                let term = serde_json::json!({"variableName": "v", "operator": "EQ",
                    "operands": [{"type": "SCALAR", "value": "1"}]});
                return term.deserialize_any(visitor);
            }
            visitor.visit_map(Fields {
                levels: self.0,
                next: 0,
            })
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_some(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct newtype_struct seq tuple
            tuple_struct map struct enum identifier ignored_any
        }
    }

    /// The two fields of a conjunction.
    struct Fields {
        levels: usize,
        next: usize,
    }

    impl<'de> MapAccess<'de> for Fields {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
            let key = match self.next {
                0 => "conjunction",
                1 => "terms",
                _ => return Ok(None),
            };
            seed.deserialize(key.into_deserializer()).map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            self.next += 1;
            if self.next == 1 {
                seed.deserialize(serde_json::Value::from("AND"))
            } else {
                seed.deserialize(Terms(Some(Deep(self.levels - 1))))
            }
        }
    }

    /// `terms`: an array of one node.
    struct Terms(Option<Deep>);

    impl<'de> Deserializer<'de> for Terms {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_seq(self)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_some(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct newtype_struct seq tuple
            tuple_struct map struct enum identifier ignored_any
        }
    }

    impl<'de> SeqAccess<'de> for Terms {
        type Error = Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
            self.0.take().map(|node| seed.deserialize(node)).transpose()
        }
    }
}

/// Runs `f` on a thread with a normal (2 MiB) stack: without a bound, a
/// million levels overflow it and abort the test process.
fn on_a_normal_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_node_a_million_levels_deep_is_refused_while_reading() {
    use serde::Deserialize;

    let too_deep = format!("condition tree deeper than {MAX_CONDITION_DEPTH} levels");
    let error = on_a_normal_stack(|| ResourceConditionNode::deserialize(deep::Deep(1_000_000)).unwrap_err());
    assert_eq!(error.to_string(), too_deep);
    // The limit is exact: as deep as the limit reads, one more level does not.
    assert!(ResourceConditionNode::deserialize(deep::Deep(MAX_CONDITION_DEPTH)).is_ok());
    let error = ResourceConditionNode::deserialize(deep::Deep(MAX_CONDITION_DEPTH + 1)).unwrap_err();
    assert_eq!(error.to_string(), too_deep);
}

#[cfg(feature = "serde")]
#[test]
fn a_condition_a_million_levels_deep_is_refused_while_reading() {
    use serde::Deserialize;

    let error = on_a_normal_stack(|| permgate::condition::Condition::deserialize(deep::Deep(1_000_000)).unwrap_err());
    assert_eq!(
        error.to_string(),
        format!("condition tree deeper than {MAX_CONDITION_DEPTH} levels")
    );
    let read = permgate::condition::Condition::deserialize(deep::Deep(MAX_CONDITION_DEPTH)).unwrap();
    assert!(matches!(read, permgate::condition::Condition::All(_)));
}

#[test]
fn a_too_deep_node_in_role_json_is_too_deep_at_its_path() {
    let mut node = queue_term();
    for _ in 0..MAX_CONDITION_DEPTH {
        node = json!({"conjunction": "AND", "terms": [node]});
    }
    let error = role_error(&role(&json!({"resourceConditionNode": node})));
    let path = format!(
        "$.permissionPolicies[0].resourceConditionNode{}",
        ".terms[0]".repeat(MAX_CONDITION_DEPTH)
    );
    assert_eq!(
        error,
        JsonError::TooDeep {
            path,
            max: MAX_CONDITION_DEPTH
        }
    );
}
