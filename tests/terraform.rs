//! Terraform: the HCL export is accepted by an HCL parser (hcl-rs) and
//! evaluates back to the role it came from; the Terraform JSON export has
//! the documented structure and reads back; the Terraform JSON reader loads
//! `genesyscloud_tf_export` output and names the path of every problem.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::RoleDefinition;
use permgate::definition::Form;
use permgate::genesys::terraform::{TerraformError, resource_label, to_hcl, to_json};
use permgate::genesys::{RoleFile, SubjectSpec, UserAuthorization, export_definition};
use permgate::{Catalog, condition::Condition, genesys::JsonError};
use serde_json::{Value, json};

/// A role with everything a string can hold that HCL treats specially, legacy
/// permissions, an AND and an OR condition over every operand type, and a
/// condition that is a single term.
const TRICKY: &str = r#"{"name": "Queue \"A\" ${team} %{ if x } \\share\\ $${kept}", "id": "r-9",
  "description": "line one\nline two\ttabbed \u001b[31m \u202e end",
  "permissions": ["group_creation"],
  "permissionPolicies": [
    {"domain": "routing", "entityName": "queue", "actionSet": ["view", "join"]},
    {"domain": "journey", "entityName": "*", "actionSet": ["*"]},
    {"domain": "quality", "entityName": "evaluation", "actionSet": ["add", "edit"], "allowConditions": true,
     "resourceConditionNode": {"conjunction": "AND", "terms": [
       {"variableName": "Conversation.queues", "operator": "IN", "operands": [
         {"type": "QUEUE", "queue": {"id": "q-1"}}, {"type": "QUEUE", "queue": {"id": "q-${2}"}}]},
       {"variableName": "Evaluation.agent", "operator": "EQ", "operands": [{"type": "USER", "user": {"id": "u-1"}}]}]}},
    {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
     "resourceConditionNode": {"conjunction": "OR", "terms": [
       {"variableName": "Queue.score", "operator": "GE", "operands": [{"type": "SCALAR", "value": "3 \"quoted\""}]},
       {"variableName": "Queue.owner", "operator": "EQ", "operands": [{"type": "VARIABLE", "value": "User.id"}]}]}},
    {"domain": "routing", "entityName": "queue", "actionSet": ["delete"], "allowConditions": true,
     "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
       "operands": [{"type": "QUEUE", "queue": {"id": "q-9"}}]}}
  ]}"#;

fn role(text: &str) -> RoleDefinition {
    let file = RoleFile::parse(text).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.roles.len(), 1);
    file.roles.into_iter().next().unwrap()
}

/// The builtin gate `AmiStandardUser` as a role, grouped as its role JSON.
fn ami_standard_user() -> RoleDefinition {
    let catalog = Catalog::builtin();
    export_definition(
        &permgate::builtins::gate("AmiStandardUser")
            .unwrap()
            .definition(catalog, Form::Wildcard)
            .unwrap(),
    )
    .unwrap()
}

/// `role` as Terraform writes it back: what the provider reads from the
/// platform (no `id`, a single-term condition as the AND of that term it
/// sent, an empty description as none).
fn as_terraform_holds_it(mut role: RoleDefinition) -> RoleDefinition {
    role.id = None;
    role.description = role.description.filter(|d| !d.is_empty());
    for policy in &mut role.grants {
        if let Some(term @ Condition::Term { .. }) = &policy.condition {
            policy.condition = Some(Condition::All(vec![term.clone()]));
        }
    }
    role
}

/// An evaluated value (literal strings) as Terraform JSON (template
/// strings): `${` and `%{` doubled.
fn as_templates(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(text.replace("${", "$${").replace("%{", "%%{")),
        Value::Array(items) => Value::Array(items.into_iter().map(as_templates).collect()),
        Value::Object(object) => Value::Object(object.into_iter().map(|(k, v)| (k, as_templates(v))).collect()),
        other => other,
    }
}

/// The string an HCL expression evaluates to with no variables or
/// functions: a literal evaluates to itself, an interpolation fails.
fn evaluated_string(expr: &hcl::Expression) -> String {
    use hcl::eval::Evaluate;
    match expr.evaluate(&hcl::eval::Context::new()) {
        Ok(hcl::Value::String(text)) => text,
        other => panic!("not a literal string: {expr:?} evaluates to {other:?}"),
    }
}

#[test]
fn the_hcl_export_parses_and_evaluates_back_to_the_same_role() {
    for (spec, label) in [(ami_standard_user(), "ami_standard_user"), (role(TRICKY), "tricky")] {
        let text = to_hcl(&spec, label).unwrap();

        // The parser accepts it: one `resource` block with the type and label.
        let body = hcl::parse(&text).unwrap_or_else(|e| panic!("hcl-rs refused the export: {e}\n{text}"));
        let blocks: Vec<&hcl::Block> = body.blocks().collect();
        assert_eq!(blocks.len(), 1, "{text}");
        assert_eq!(body.attributes().count(), 0);
        let resource = blocks[0];
        assert_eq!(resource.identifier(), "resource");
        let labels: Vec<&str> = resource.labels().iter().map(hcl::BlockLabel::as_str).collect();
        assert_eq!(labels, ["genesyscloud_auth_role", label]);
        let name = resource.body().attributes().find(|a| a.key() == "name").unwrap();
        assert_eq!(
            evaluated_string(name.expr()),
            spec.name,
            "the name is a literal, not a template"
        );
        let policies = resource
            .body()
            .blocks()
            .filter(|b| b.identifier() == "permission_policies")
            .count();
        assert_eq!(policies, spec.grants.len());

        // Evaluated as Terraform would (no variables, no functions), it is
        // the role: read back through the Terraform JSON reader.
        let evaluated: Value = hcl::eval::from_str(&text, &hcl::eval::Context::new()).unwrap();
        let back = role(&as_templates(evaluated.clone()).to_string());
        assert_eq!(back, as_terraform_holds_it(spec.clone()), "{text}");
        eprintln!(
            "hcl-rs round trip of `{}`: {} policies, {} conditional, names equal: {}",
            label,
            back.grants.len(),
            back.grants.iter().filter(|p| p.condition.is_some()).count(),
            back.name == spec.name
        );
        let body = &evaluated["resource"]["genesyscloud_auth_role"][label];
        assert_eq!(body["name"], spec.name.as_str());
        assert!(body.get("id").is_none());
    }
}

#[test]
fn the_hcl_export_of_the_tricky_role_says_what_it_should() {
    let text = to_hcl(&role(TRICKY), "tricky").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..4],
        [
            r#"resource "genesyscloud_auth_role" "tricky" {"#,
            r#"  name        = "Queue \"A\" $${team} %%{ if x } \\share\\ $$${kept}""#,
            r#"  description = "line one\nline two\ttabbed \u001B[31m \u202E end""#,
            r#"  permissions = ["group_creation"]"#,
        ]
    );
    // A single-term condition is written as an AND of that term.
    let delete = text.find(r#"action_set  = ["delete"]"#).unwrap();
    assert!(
        text[delete..]
            .contains("conditions {\n      conjunction = \"AND\"\n      terms {\n        variable_name = \"Queue.id\""),
        "{text}"
    );
    assert!(text.contains(r#"          queue_id = "q-$${2}""#), "{text}");
    assert!(
        text.contains("          type    = \"USER\"\n          user_id = \"u-1\"\n"),
        "{text}"
    );
    assert!(text.contains(r#"          value = "3 \"quoted\"""#), "{text}");
    assert!(text.ends_with("}\n"));
}

#[test]
fn the_terraform_json_export_has_the_documented_structure_and_reads_back() {
    let spec = role(TRICKY);
    let text = to_json(&spec, "tricky").unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let types = value["resource"].as_object().unwrap();
    assert_eq!(value.as_object().unwrap().len(), 1);
    assert_eq!(types.keys().collect::<Vec<_>>(), ["genesyscloud_auth_role"]);
    let body = &value["resource"]["genesyscloud_auth_role"]["tricky"];
    assert_eq!(body["name"], r#"Queue "A" $${team} %%{ if x } \share\ $$${kept}"#);
    assert_eq!(body["permissions"], json!(["group_creation"]));
    let policies = body["permission_policies"].as_array().unwrap();
    assert_eq!(policies.len(), 5);
    assert_eq!(
        policies[0],
        json!({"domain": "routing", "entity_name": "queue", "action_set": ["view", "join"]})
    );
    assert_eq!(
        policies[2]["conditions"],
        json!([{"conjunction": "AND", "terms": [
            {"variable_name": "Conversation.queues", "operator": "IN", "operands": [
                {"type": "QUEUE", "queue_id": "q-1"}, {"type": "QUEUE", "queue_id": "q-$${2}"}]},
            {"variable_name": "Evaluation.agent", "operator": "EQ", "operands": [{"type": "USER", "user_id": "u-1"}]}]}])
    );
    assert_eq!(
        policies[3]["conditions"][0]["terms"][1]["operands"],
        json!([{"type": "VARIABLE", "value": "User.id"}])
    );
    assert_eq!(policies[4]["conditions"][0]["conjunction"], "AND");
    assert!(text.ends_with("}\n"));

    assert_eq!(role(&text), as_terraform_holds_it(spec));
    // Deterministic: the same role, the same text.
    assert_eq!(to_json(&role(TRICKY), "tricky").unwrap(), text);
    assert_eq!(
        to_hcl(&role(TRICKY), "tricky").unwrap(),
        to_hcl(&role(TRICKY), "tricky").unwrap()
    );
}

#[test]
fn what_the_provider_cannot_hold_is_refused() {
    let nested = role(
        r#"{"name": "n", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
        "resourceConditionNode": {"conjunction": "AND", "terms": [
          {"variableName": "a", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "1"}]},
          {"conjunction": "OR", "terms": [
            {"variableName": "b", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "2"}]}]}]}}]}"#,
    );
    let error = to_hcl(&nested, "n").unwrap_err();
    assert!(matches!(error, TerraformError::Condition { ref domain, .. } if domain == "routing"));
    assert!(
        error.to_string().starts_with(
            "policy `routing:queue`: the condition `(a EQ SCALAR 1 AND (b EQ SCALAR 2))` cannot be a `conditions` block"
        ),
        "{error}"
    );
    assert_eq!(to_json(&nested, "n").unwrap_err(), error);

    let plain = role(r#"{"name": "p", "permissions": []}"#);
    for label in ["", "9lives", "has space", "a.b", "\"quoted\""] {
        assert_eq!(
            to_hcl(&plain, label),
            Err(TerraformError::Label {
                label: label.to_owned()
            })
        );
    }
    assert_eq!(
        to_hcl(&plain, &resource_label("p")).unwrap(),
        "resource \"genesyscloud_auth_role\" \"p\" {\n  name = \"p\"\n}\n"
    );
}

/// What `genesyscloud_tf_export` writes with `export_format = "json"`: the
/// provider requirement, other resource types, a data source, emptied
/// attributes as `null`, `depends_on`, escaped templates, keys sorted.
const TF_EXPORT: &str = r#"{
  "//": "exported by genesyscloud_tf_export",
  "data": {"genesyscloud_auth_division_home": {"home": {}}},
  "resource": {
    "genesyscloud_auth_role": {
      "Agent_Role": {
        "default_role_id": null,
        "depends_on": ["genesyscloud_routing_queue.support"],
        "description": "Agents of queue $${q}",
        "name": "Agent Role",
        "permission_policies": [
          {"action_set": ["view", "join"], "conditions": null, "domain": "routing", "entity_name": "queue"},
          {"action_set": ["add", "edit"], "conditions": [{"conjunction": "AND", "terms": [
            {"operands": [{"queue_id": "q-1", "type": "QUEUE", "user_id": null, "value": null}],
             "operator": "EQ", "variable_name": "Conversation.queues"}]}],
           "domain": "quality", "entity_name": "evaluation"}
        ],
        "permissions": null
      },
      "employee": {
        "default_role_id": "employee",
        "name": "employee",
        "permission_policies": [{"action_set": ["*"], "domain": "directory", "entity_name": "*"}],
        "permissions": ["group_creation"]
      }
    },
    "genesyscloud_routing_queue": {"support": {"name": "Support"}}
  },
  "terraform": {"required_providers": {"genesyscloud": {"source": "mypurecloud/genesyscloud", "version": "1.0.0"}}}
}"#;

#[test]
fn a_tf_export_file_reads_as_its_roles() {
    let file = RoleFile::parse(TF_EXPORT).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let names: Vec<&str> = file.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Agent Role", "employee"]);
    let agent = &file.roles[0];
    assert_eq!(agent.id, None);
    assert_eq!(agent.description.as_deref(), Some("Agents of queue ${q}"));
    assert!(agent.legacy.is_empty());
    assert_eq!(
        agent.grants[0].permissions,
        ["routing:queue:view", "routing:queue:join"]
    );
    assert_eq!(agent.grants[0].condition, None);
    assert!(agent.grants[1].condition.is_some());
    assert_eq!(
        agent.grants[1].condition.as_ref().unwrap().to_string(),
        "(Conversation.queues EQ QUEUE q-1)"
    );
    // The same condition as role JSON's `resourceConditionNode` gives.
    let from_role_json = role(
        r#"{"name": "x", "permissionPolicies": [{"domain": "quality", "entityName": "evaluation", "actionSet": ["add"],
        "resourceConditionNode": {"conjunction": "AND", "terms": [{"variableName": "Conversation.queues", "operator": "EQ",
          "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}]}}]}"#,
    );
    assert_eq!(agent.grants[1].condition, from_role_json.grants[0].condition);
    let employee = &file.roles[1];
    assert_eq!(employee.legacy, ["group_creation"]);
    assert_eq!(employee.grants[0].permissions, ["directory:*:*"]);

    // The other forms of the HCL JSON syntax: arrays at the label levels, a
    // block as one object.
    let arrays = r#"{"resource": [
      {"genesyscloud_auth_role": [{"a": {"name": "a", "permission_policies": {"domain": "routing", "entity_name": "queue", "action_set": ["join"]}}}]},
      {"genesyscloud_auth_role": {"b": {"name": "b"}}}
    ]}"#;
    let file = RoleFile::parse(arrays).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(
        file.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(file.roles[0].grants.len(), 1);
    assert!(
        RoleFile::parse(r#"{"resource": {"genesyscloud_user": {"u": {"email": "a@b"}}}}"#)
            .unwrap()
            .roles
            .is_empty()
    );
}

/// A configuration of one good role and `bad`, a resource body.
fn with_bad(bad: &str) -> RoleFile {
    let text = format!(
        r#"{{"resource": {{"genesyscloud_auth_role": {{
          "bad": {bad},
          "good": {{"name": "good", "permission_policies": [{{"domain": "routing", "entity_name": "queue", "action_set": ["join"]}}]}}
        }}}}}}"#
    );
    let file = RoleFile::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        file.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["good"],
        "{bad}"
    );
    assert_eq!(file.errors.len(), 1, "{bad}");
    assert_eq!(file.errors[0].position, 0);
    file
}

/// The error of the bad resource: its path (after the resource's own) and message.
fn bad(body: &str) -> (String, JsonError) {
    let file = with_bad(body);
    let error = file.errors[0].error.clone();
    let path = error.path().unwrap().to_owned();
    let relative = path
        .strip_prefix("$.resource.genesyscloud_auth_role.bad")
        .unwrap_or_else(|| panic!("{path}"))
        .to_owned();
    (relative, error)
}

const POLICY: &str = r#""domain": "routing", "entity_name": "queue", "action_set": ["edit"]"#;

#[test]
fn a_malformed_resource_is_an_error_at_its_path_and_the_good_roles_still_load() {
    let term = r#"{"variable_name": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue_id": "q-1"}]}"#;
    let cases: Vec<(String, &str, &str)> = vec![
        (r#"{"description": "no name"}"#.into(), "", "missing field `name`"),
        (r#"{"name": null}"#.into(), "", "missing field `name`"),
        (r#"{"name": 7}"#.into(), ".name", "expected a string, found a number"),
        (r#"{"name": "  "}"#.into(), ".name", "empty role name"),
        (r#"{"name": "b", "description": true}"#.into(), ".description", "expected a string, found a boolean"),
        (r#"{"name": "b", "default_role_id": 1}"#.into(), ".default_role_id", "expected a string, found a number"),
        (r#"{"name": "b", "permissions": "x"}"#.into(), ".permissions", "expected an array, found a string"),
        (r#"{"name": "b", "permissions": ["ok", 2]}"#.into(), ".permissions[1]", "expected a string, found a number"),
        (r#"{"name": "b", "permission_policies": "x"}"#.into(), ".permission_policies", "expected an object or an array of objects, found a string"),
        (r#"{"name": "b", "permission_policies": [3]}"#.into(), ".permission_policies[0]", "expected an object, found a number"),
        (
            r#"{"name": "b", "permission_policies": [{"entity_name": "queue", "action_set": ["view"]}]}"#.into(),
            ".permission_policies[0]",
            "missing field `domain`",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "routing", "action_set": ["view"]}]}"#.into(),
            ".permission_policies[0]",
            "missing field `entity_name`",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "routing", "entity_name": "queue"}]}"#.into(),
            ".permission_policies[0]",
            "missing field `action_set`",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "routing", "entity_name": "queue", "action_set": "view"}]}"#.into(),
            ".permission_policies[0].action_set",
            "expected an array, found a string",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "routing", "entity_name": "queue", "action_set": []}]}"#.into(),
            ".permission_policies[0].action_set",
            "empty action set",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "*", "entity_name": "*", "action_set": ["*"]}]}"#.into(),
            ".permission_policies[0].domain",
            "has a wildcard domain",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "rou ting", "entity_name": "queue", "action_set": ["view"]}]}"#.into(),
            ".permission_policies[0].domain",
            "",
        ),
        (
            r#"{"name": "b", "permission_policies": [{"domain": "routing", "entity_name": "queue", "action_set": ["view", "a:b"]}]}"#.into(),
            ".permission_policies[0].action_set[1]",
            "",
        ),
        (
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND", "terms": [{term}]}}, {{"conjunction": "OR", "terms": [{term}]}}]}}]}}"#),
            ".permission_policies[0].conditions[1]",
            "a second `conditions` block",
        ),
        (
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": {{"conjunction": "XOR", "terms": [{term}]}}}}]}}"#),
            ".permission_policies[0].conditions.conjunction",
            "unknown conjunction `XOR`",
        ),
        (
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND"}}]}}]}}"#),
            ".permission_policies[0].conditions[0]",
            "missing field `terms`",
        ),
        (
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND", "terms": [{{"variable_name": "v", "operator": "LIKE", "operands": [{{"type": "SCALAR", "value": "1"}}]}}]}}]}}]}}"#),
            ".permission_policies[0].conditions[0].terms[0].operator",
            "unknown operator `LIKE`",
        ),
        (
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND", "terms": [{{"variable_name": "v", "operator": "EQ", "operands": []}}]}}]}}]}}"#),
            ".permission_policies[0].conditions[0].terms[0]",
            "missing field `operands`",
        ),
        (
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND", "terms": [{{"variable_name": "v", "operator": "EQ", "operands": [{{"type": "GROUP", "value": "g"}}]}}]}}]}}]}}"#),
            ".permission_policies[0].conditions[0].terms[0].operands[0].type",
            "unknown operand type `GROUP`",
        ),
        (
            // The provider sends `user_id` for a USER operand: `value` is not it.
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND", "terms": [{{"variable_name": "v", "operator": "EQ", "operands": [{{"type": "USER", "value": "u-1"}}]}}]}}]}}]}}"#),
            ".permission_policies[0].conditions[0].terms[0].operands[0]",
            "missing field `user_id`",
        ),
        (
            // The reference tf_export writes for a queue it exports too.
            format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, "conditions": [{{"conjunction": "AND", "terms": [{{"variable_name": "v", "operator": "EQ", "operands": [{{"type": "QUEUE", "queue_id": "${{genesyscloud_routing_queue.support.id}}"}}]}}]}}]}}]}}"#),
            ".permission_policies[0].conditions[0].terms[0].operands[0].queue_id",
            "an interpolation (`${`): a Terraform expression",
        ),
        (r#"{"name": "${var.role_name}"}"#.into(), ".name", "an interpolation"),
        (r#"{"name": "b", "description": "%{ if x }y%{ endif }"}"#.into(), ".description", "a directive (`%{`)"),
        (r#"{"name": "b", "count": 0}"#.into(), ".count", "`count` makes this resource zero or more roles"),
        (r#"{"name": "b", "for_each": {"a": 1}}"#.into(), ".for_each", "`for_each`"),
        (
            r#"{"name": "b", "dynamic": {"permission_policies": {"for_each": "${var.p}", "content": {}}}}"#.into(),
            ".dynamic",
            "a `dynamic` block",
        ),
        (r#"[{"name": "b"}, {"name": "c"}]"#.into(), "", "several resources with one label"),
        (r#""b""#.into(), "", "expected an object, found a string"),
        (r#"{"name": "good"}"#.into(), ".name", "duplicate role name"),
    ];
    for (body, path, message) in &cases {
        // A duplicate name is reported on the second role; read it last.
        if message.starts_with("duplicate") {
            let file = RoleFile::parse(&format!(
                r#"{{"resource": {{"genesyscloud_auth_role": {{"a": {{"name": "good"}}, "bad": {body}}}}}}}"#
            ))
            .unwrap();
            assert_eq!(file.roles.len(), 1);
            assert_eq!(file.errors[0].position, 1);
            assert_eq!(
                file.errors[0].error.path(),
                Some("$.resource.genesyscloud_auth_role.bad.name")
            );
            assert!(file.errors[0].error.to_string().contains("first at position 0"));
            continue;
        }
        let (relative, error) = bad(body);
        assert_eq!(&relative, path, "{body}: {error}");
        assert!(error.to_string().contains(message), "{body}: {error}");
    }

    // The error names the role by its name, and its path.
    let file = with_bad(
        r#"{"name": "Bad $${one}", "permission_policies": [{"entity_name": "queue", "action_set": ["view"]}]}"#,
    );
    assert_eq!(
        file.errors[0].to_string(),
        "role 0 `Bad ${one}`: `$.resource.genesyscloud_auth_role.bad.permission_policies[0]`: missing field `domain`"
    );
}

#[test]
fn a_document_that_is_not_a_configuration_of_roles_is_refused_whole() {
    let whole = |text: &str| RoleFile::parse(text).unwrap_err();
    let error = whole(r#"{"resource": "x"}"#);
    assert_eq!(error.path(), Some("$.resource"));
    assert!(matches!(error, JsonError::WrongType { .. }), "{error}");
    let error = whole(r#"{"resource": {"genesyscloud_auth_role": 3}}"#);
    assert_eq!(error.path(), Some("$.resource.genesyscloud_auth_role"));
    let error = whole(r#"{"resource": {}, "entities": []}"#);
    assert_eq!(error.path(), Some("$.entities"));
    assert!(
        error
            .to_string()
            .contains("not a top-level block type of Terraform JSON"),
        "{error}"
    );
    // A property defined twice: the HCL JSON syntax keeps both, so the reader refuses.
    let error = whole(
        r#"{"resource": {"genesyscloud_auth_role": {"a": {"name": "a", "permission_policies": {"domain": "routing", "entity_name": "queue", "action_set": ["join"]}, "permission_policies": {"domain": "routing", "entity_name": "queue", "action_set": ["edit"]}}}}}"#,
    );
    assert_eq!(
        error.path(),
        Some("$.resource.genesyscloud_auth_role.a.permission_policies")
    );
    assert!(error.to_string().contains("defined twice"), "{error}");
    let error = whole(r#"{"resource": {"genesyscloud_auth_role": {"a": {"name": "a"}}}, "resource": {}}"#);
    assert_eq!(error.path(), Some("$.resource"));

    // The other readers say what it is.
    for error in [
        SubjectSpec::parse(TF_EXPORT).unwrap_err(),
        UserAuthorization::parse(TF_EXPORT).unwrap_err(),
    ] {
        assert!(matches!(error, JsonError::WrongKind { .. }), "{error}");
        assert!(
            error.to_string().contains("found a Terraform JSON configuration"),
            "{error}"
        );
    }
    // In an array of roles, a configuration is an item of the wrong kind.
    let file = RoleFile::parse(&format!("[{TF_EXPORT}]")).unwrap();
    assert!(matches!(file.errors[0].error, JsonError::WrongKind { .. }));
}

#[test]
fn the_real_role_goes_to_terraform_json_and_back() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/genesys-cloud/roles/lbp-agent.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: ../shared/data not found");
        return;
    };
    let spec = role(&text);
    let label = resource_label(&spec.name);
    assert_eq!(label, "lbp_agent");
    let back = role(&to_json(&spec, &label).unwrap());
    assert_eq!(back, as_terraform_holds_it(spec.clone()));
    let hcl_text = to_hcl(&spec, &label).unwrap();
    let evaluated: Value = hcl::eval::from_str(&hcl_text, &hcl::eval::Context::new()).unwrap();
    assert_eq!(role(&as_templates(evaluated).to_string()), as_terraform_holds_it(spec));
}

#[test]
fn an_attribute_the_provider_schema_does_not_define_is_refused_at_every_level() {
    let term = r#"{"variable_name": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue_id": "q-1"}]}"#;
    let conditions = format!(r#"{{"conjunction": "AND", "terms": [{term}]}}"#);
    let policy_with = |extra: &str| format!(r#"{{"name": "b", "permission_policies": [{{{POLICY}, {extra}}}]}}"#);
    let cases: Vec<(String, &str)> = vec![
        // `condition` for `conditions`: read past, the policy would be unconditional.
        (
            policy_with(&format!(r#""condition": {conditions}"#)),
            ".permission_policies[0].condition",
        ),
        (
            format!(r#"{{"name": "b", "conditions": [{conditions}]}}"#),
            ".conditions",
        ),
        (r#"{"name": "b", "id": "r-1"}"#.to_owned(), ".id"),
        (
            policy_with(r#""conditions": {"conjunction": "AND", "terms": [], "variable_name": "Queue.id"}"#),
            ".permission_policies[0].conditions.variable_name",
        ),
        (
            policy_with(&format!(
                r#""conditions": {{"conjunction": "AND", "terms": [{{"variable_name": "Queue.id", "operator": "EQ", "operands": [], "terms": [{term}]}}]}}"#
            )),
            ".permission_policies[0].conditions.terms[0].terms",
        ),
        (
            policy_with(
                r#""conditions": {"conjunction": "AND", "terms": [{"variable_name": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue_id": "q-1", "queue": {"id": "q-2"}}]}]}"#,
            ),
            ".permission_policies[0].conditions.terms[0].operands[0].queue",
        ),
        (
            r#"{"name": "b", "lifecycle": {"ignore_changes": ["permission_policies"]}}"#.to_owned(),
            ".lifecycle.ignore_changes",
        ),
        (r#"{"name": "b", "for_each": {"a": 1}}"#.to_owned(), ".for_each"),
    ];
    for (body, at) in cases {
        let (path, error) = bad(&body);
        assert_eq!(path, at, "{body}: {error}");
        assert!(matches!(error, JsonError::Invalid { .. }), "{error:?}");
    }
    let (_, error) = bad(&policy_with(r#""condition": null"#));
    assert!(
        error
            .to_string()
            .contains("not an attribute or block of the provider's `genesyscloud_auth_role` schema here"),
        "{error}"
    );

    // What the schema defines, comments, and the meta-arguments that leave
    // the role as written, read as before.
    let accepted = format!(
        r#"{{"resource": {{"genesyscloud_auth_role": {{"r": {{
          "//": "a comment", "name": "r", "depends_on": ["genesyscloud_routing_queue.q"],
          "provider": "genesyscloud.other", "lifecycle": {{"prevent_destroy": true}},
          "permission_policies": [{{"//": "c", {POLICY}, "conditions": [{conditions}]}}]}}}}}}}}"#
    );
    let file = RoleFile::parse(&accepted).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(
        file.roles[0].grants[0]
            .condition
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("(Queue.id EQ QUEUE q-1)")
    );
}
