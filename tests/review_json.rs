//! Genesys JSON defects found by review, each pinned here:
//!
//! - a bad `domain` or `entityName` of a permission policy is reported at its
//!   own JSON path, quoting its value (roles and a subject's roles).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::genesys::{RoleFile, SubjectSpec};
use permgate::{JsonError, ParseError};
use serde_json::json;

fn permission(path: &str, source: ParseError) -> JsonError {
    JsonError::Permission {
        path: path.into(),
        source,
    }
}

// ---------------------------------------------------------------------------
// A bad domain or entity, at its own path
// ---------------------------------------------------------------------------

/// `(value, the error it gives as a domain or an entity named `segment`)`.
fn bad_segments(segment: &'static str) -> Vec<(&'static str, ParseError, String)> {
    let invalid_char = |input: &str, ch: char, offset: usize| ParseError::InvalidChar {
        input: input.into(),
        ch,
        offset,
    };
    vec![
        (
            "",
            ParseError::EmptySegment {
                input: String::new(),
                segment,
            },
            format!("empty {segment}"),
        ),
        (
            "rout ing",
            invalid_char("rout ing", ' ', 4),
            "invalid character ' ' at byte 4 of `rout ing`".into(),
        ),
        (
            "a:b",
            invalid_char("a:b", ':', 1),
            "invalid character ':' at byte 1 of `a:b`".into(),
        ),
        (
            "quıue",
            invalid_char("quıue", 'ı', 2),
            "invalid character 'ı' at byte 2 of `quıue`".into(),
        ),
        (
            "rout*",
            ParseError::PartialWildcard {
                input: "rout*".into(),
                segment,
            },
            format!("`*` must be a whole segment, not part of the {segment}, in `rout*`"),
        ),
    ]
}

fn one_policy_role(domain: &str, entity: &str) -> String {
    json!({"name": "bad", "permissionPolicies": [
        {"domain": domain, "entityName": entity, "actionSet": ["view"]}]})
    .to_string()
}

#[test]
fn a_bad_domain_is_reported_at_the_domain_field() {
    for (domain, source, message) in bad_segments("domain") {
        let file = RoleFile::parse(&one_policy_role(domain, "queue")).unwrap();
        assert!(file.roles.is_empty(), "{domain:?}");
        let error = &file.errors[0].error;
        assert_eq!(
            *error,
            permission("$.permissionPolicies[0].domain", source),
            "{domain:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("`$.permissionPolicies[0].domain`: {message}")
        );
    }
}

#[test]
fn a_bad_entity_is_reported_at_the_entity_name_field() {
    for (entity, source, message) in bad_segments("entity") {
        let file = RoleFile::parse(&one_policy_role("routing", entity)).unwrap();
        assert!(file.roles.is_empty(), "{entity:?}");
        let error = &file.errors[0].error;
        assert_eq!(
            *error,
            permission("$.permissionPolicies[0].entityName", source),
            "{entity:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("`$.permissionPolicies[0].entityName`: {message}")
        );
    }
}

#[test]
fn a_bad_domain_or_entity_in_a_subject_role_is_reported_at_its_field() {
    let subject = |domain: &str, entity: &str| {
        json!({"grants": [{"division": {"id": "*"}, "role": {"name": "r", "policies": [
            {"domain": domain, "entityName": entity, "actionSet": ["view"]}]}}]})
        .to_string()
    };
    for (domain, source, _) in bad_segments("domain") {
        assert_eq!(
            SubjectSpec::parse(&subject(domain, "queue")),
            Err(permission("$.grants[0].role.policies[0].domain", source))
        );
    }
    for (entity, source, _) in bad_segments("entity") {
        assert_eq!(
            SubjectSpec::parse(&subject("routing", entity)),
            Err(permission("$.grants[0].role.policies[0].entityName", source))
        );
    }
}

#[test]
fn wildcards_and_actions_keep_their_rules_and_paths() {
    // `*` is a whole entity; as a domain it is still the wildcard-domain error.
    assert_eq!(
        RoleFile::parse(&one_policy_role("routing", "*")).unwrap().roles.len(),
        1
    );
    let file = RoleFile::parse(&one_policy_role("*", "queue")).unwrap();
    assert_eq!(
        file.errors[0].error,
        permission(
            "$.permissionPolicies[0].domain",
            ParseError::DomainWildcard {
                input: "*:queue:view".into()
            }
        )
    );
    // A bad action is reported at the action, quoting the whole key.
    let text = json!({"name": "bad", "permissionPolicies": [
        {"domain": "routing", "entityName": "queue", "actionSet": ["view", "vi ew"]}]})
    .to_string();
    assert_eq!(
        RoleFile::parse(&text).unwrap().errors[0].error,
        permission(
            "$.permissionPolicies[0].actionSet[1]",
            ParseError::InvalidChar {
                input: "routing:queue:vi ew".into(),
                ch: ' ',
                offset: 16
            }
        )
    );
}
