//! Terraform: a role as a `genesyscloud_auth_role` resource of the Genesys
//! Cloud Terraform provider, written in HCL or in Terraform JSON, and such
//! resources read back from Terraform JSON as `genesyscloud_tf_export`
//! writes it (`export_format = "json"`, a `.tf.json` file).
//!
//! # The schema
//!
//! Field names and shapes follow the provider's published schema for
//! `genesyscloud_auth_role`: `docs/resources/auth_role.md` and
//! `genesyscloud/auth_role/resource_genesyscloud_auth_role_schema.go` in the
//! `MyPureCloud/terraform-provider-genesyscloud` repository. How the provider
//! turns the resource into a role body (and back) is in
//! `resource_genesyscloud_auth_role_utils.go` there; what
//! `genesyscloud_tf_export` writes is in `genesyscloud/tfexporter/`.
//!
//! ```text
//! name                 string, required         role JSON `name`
//! description          string                   `description`
//! default_role_id      string                   (not read into a role: see below)
//! permissions          set of strings           legacy flat `permissions`
//! permission_policies  block set                `permissionPolicies`
//!   domain             string, required         `domain`
//!   entity_name        string, required         `entityName` (`*`: every entity)
//!   action_set         set of strings, min 1    `actionSet` (`*`: every action)
//!   conditions         block list, max 1        `resourceConditionNode`
//!     conjunction      "AND" | "OR", required
//!     terms            block set, min 1
//!       variable_name  string, required         `variableName`
//!       operator       EQ | IN | GE | GT | LE | LT, required
//!       operands       block set, min 1
//!         type         USER | QUEUE | SCALAR | VARIABLE, required
//!         queue_id     string                   for QUEUE: `queue.id`
//!         user_id      string                   for USER: `user.id`
//!         value        string                   for SCALAR and VARIABLE: `value`
//! ```
//!
//! A condition in the provider is one conjunction of terms: it builds the
//! `resourceConditionNode` as `{conjunction, terms}` and has no way to nest
//! a conjunction in a term. So a [`Condition::All`] or [`Condition::Any`] of
//! terms is written as it is; a single [`Condition::Term`] is written as an
//! `AND` of that one term (the same grant; read back, it is
//! `Condition::All` of the term, which is what the platform then returns);
//! a conjunction nested in another cannot be written
//! ([`TerraformError::Condition`]).
//!
//! # Resource labels
//!
//! [`resource_label`] derives the label from the role's name: words are
//! runs of ASCII letters and digits, split where a lowercase letter or a
//! digit meets an uppercase one and before the last capital of a run of
//! capitals followed by a lowercase letter; they are lowercased and joined
//! with `_`. Every other character only separates words. A label that
//! would start with a digit gets the prefix `role_`; a name with no ASCII
//! letter or digit gets the label `role`. So `AmiStandardUser` is
//! `ami_standard_user`, `LBP Agent` is `lbp_agent`, `AMI R3|standard user
//! role` is `ami_r3_standard_user_role`. Two names can give one label: a
//! caller writing several roles into one configuration passes labels of
//! its own.
//!
//! # Strings
//!
//! A string is a template in both syntaxes: `${` and `%{` are written
//! `$${` and `%%{` so that they stay text. In HCL, `"` and `\` are escaped,
//! `\n`, `\r` and `\t` are written as such, and every other control
//! character and the invisible and bidirectional format characters that
//! [`Escaped`] escapes are written `\uNNNN`.
//!
//! # Reading Terraform JSON
//!
//! [`RoleFile::parse`](super::RoleFile::parse) reads a Terraform JSON
//! configuration (an object with `resource`) as a role file: each
//! `genesyscloud_auth_role` resource is one role, in document order (its
//! `position`), and every error names the JSON path of the problem, such as
//! `$.resource.genesyscloud_auth_role.agent.permission_policies[0].domain`.
//! One bad resource never hides the others. What it accepts:
//!
//! - The forms of the HCL JSON syntax: at the root, the top-level block types
//!   of Terraform (`resource`, `data`, `terraform`, `variable`, …) and `//`
//!   comments; at the `resource`, type and label levels, an object or an
//!   array of objects; a nested block as one object, an array of objects,
//!   or `null` (no block, as `genesyscloud_tf_export` writes an emptied
//!   one). `null` is an unset attribute.
//! - Resources of other types, data sources and the other top-level blocks
//!   are not roles and are skipped.
//! - Strings as literal templates: `$${` reads as `${` and `%%{` as `%{`.
//! - The meta-arguments that leave what the resource grants as written are
//!   accepted and not read: `depends_on`, `provider`, `provisioner`,
//!   `connection`, and `lifecycle` without `ignore_changes`.
//!   `default_role_id` must be a string and is not kept: it says which
//!   default role the resource manages, not what the role grants.
//! - `//` comments in any body.
//!
//! What it refuses, each with its path:
//!
//! - An attribute or block the provider's schema does not define, at any
//!   level (the resource, `permission_policies`, `conditions`, `terms`,
//!   `operands`), such as `condition` for `conditions`: Terraform refuses
//!   it too, and reading past it could drop a condition.
//! - `lifecycle` with `ignore_changes`: the role on the platform may then
//!   differ from the resource in what it grants.
//! - A Terraform expression anywhere permgate reads a value: a `${…}`
//!   interpolation (such as `${genesyscloud_routing_queue.support.id}`, the
//!   reference `genesyscloud_tf_export` writes for a queue it also exports)
//!   or a `%{…}` directive. permgate does not evaluate expressions, and a
//!   reference in place of a queue id would be a condition that no queue
//!   meets: the resource is refused rather than read as something else.
//! - `count`, `for_each` and `dynamic` blocks: the number of roles or
//!   policies would depend on evaluation.
//! - A number or a boolean where the schema has a string (Terraform would
//!   convert it; permgate does not guess the spelling).
//! - A property defined twice in one object (the HCL JSON syntax keeps both,
//!   a JSON object reader keeps one): the whole document, with the path.
//! - Two resources with one label, two with one `name`, more than one
//!   `conditions` block, and everything role JSON refuses (an empty
//!   `action_set`, a domain wildcard, malformed segments, the limits).
//!
//! Terraform state (`terraform.tfstate`) is another shape and is not read.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::role_file::{
    MAX_ACTIONS_PER_POLICY, MAX_POLICIES_PER_ROLE, MAX_ROLES_PER_FILE, RoleFile, RoleFileError, check_key, group,
};
use crate::json::{self, JsonError, Path};
use permgate_core::parse::{GrantError, MAX_PERMISSION_LEN, check_segment};
use permgate_core::text::needs_escape;
use permgate_core::{RoleDefinition, definition::GrantGroup, text::Escaped};
use permgate_core::{condition::Condition, condition::Operand, condition::OperandKind, condition::Operator};

/// The provider's resource type for a role.
pub const RESOURCE_TYPE: &str = "genesyscloud_auth_role";

/// Why a role cannot be written as a `genesyscloud_auth_role` resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TerraformError {
    /// The label is not a Terraform identifier (an ASCII letter or `_`, then
    /// ASCII letters, digits, `_` and `-`).
    #[error(
        "`{}` is not a Terraform resource label: it needs an ASCII letter or `_` first, then letters, digits, `_` or `-`",
        Escaped(label)
    )]
    Label {
        /// The label.
        label: String,
    },
    /// A condition the provider's schema cannot hold.
    #[error(
        "policy `{}:{}`: the condition `{condition}` cannot be a `conditions` block: {reason}",
        Escaped(domain),
        Escaped(entity)
    )]
    Condition {
        /// The policy's domain.
        domain: String,
        /// The policy's entity.
        entity: String,
        /// The condition, as text.
        condition: String,
        /// Why not.
        reason: &'static str,
    },
    /// A grant that is not a `domain:entity:action` key (a CxEngage flat
    /// name, a display name): a `permission_policies` block holds keys only.
    #[error(
        "`{}` is not a `domain:entity:action` key; a `permission_policies` block holds keys only",
        Escaped(name)
    )]
    NotAKey {
        /// The grant, as given.
        name: String,
    },
}

/// The resource label [`resource_label`] derives from a role name; the
/// rule is in the [module docs](self#resource-labels).
///
/// ```
/// use permgate::genesys::terraform::resource_label;
///
/// assert_eq!(resource_label("AmiStandardUser"), "ami_standard_user");
/// assert_eq!(resource_label("LBP Agent"), "lbp_agent");
/// assert_eq!(resource_label("AMI R3|standard user role"), "ami_r3_standard_user_role");
/// assert_eq!(resource_label("2nd line"), "role_2nd_line");
/// assert_eq!(resource_label("名前"), "role");
/// ```
pub fn resource_label(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for run in name
        .split(|ch: char| !ch.is_ascii_alphanumeric())
        .filter(|run| !run.is_empty())
    {
        let chars: Vec<char> = run.chars().collect();
        let mut word = String::new();
        for (n, &ch) in chars.iter().enumerate() {
            let previous = n.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(n + 1).copied();
            let boundary = ch.is_ascii_uppercase()
                && previous.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|c| c.is_ascii_lowercase()))
                });
            if boundary && !word.is_empty() {
                words.push(core::mem::take(&mut word));
            }
            word.push(ch.to_ascii_lowercase());
        }
        words.push(word);
    }
    let label = words.join("_");
    match label.chars().next() {
        None => "role".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("role_{label}"),
        Some(_) => label,
    }
}

/// `Err` unless `label` is a Terraform identifier, ASCII only.
fn check_label(label: &str) -> Result<(), TerraformError> {
    let mut chars = label.chars();
    let first = chars.next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_');
    if first && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-') {
        Ok(())
    } else {
        Err(TerraformError::Label {
            label: label.to_owned(),
        })
    }
}

/// `role` as a `genesyscloud_auth_role` resource labelled `label`, in HCL
/// (the Terraform language's native syntax), ending with a newline.
///
/// Attributes come before blocks, their `=` aligned as `terraform fmt`
/// aligns them. Each group of grants is one `permission_policies` block
/// per `domain` and `entity_name` (in the order they first appear in the
/// group, actions in the group's order), so a role read from role JSON or
/// Terraform keeps its policies; terms and operands keep the role's order,
/// and legacy permissions too. An empty description is left out (it is the
/// provider's default); so is the role's `id`, which the provider reads
/// from the platform. To write a role grouped as
/// [`export_role`](crate::export_role) groups it, give
/// [`export_definition`](crate::export_definition)'s role.
///
/// ```
/// use permgate::genesys::{RoleFile, terraform::to_hcl};
///
/// let file = RoleFile::parse(r#"{"name": "Queue \"A\" ${team}", "permissionPolicies": [
///   {"domain": "routing", "entityName": "queue", "actionSet": ["join"],
///    "resourceConditionNode": {"conjunction": "OR", "terms": [
///      {"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}]}}]}"#)?;
/// let hcl = to_hcl(&file.roles[0], "queue_a")?;
/// assert_eq!(hcl, r#"resource "genesyscloud_auth_role" "queue_a" {
///   name = "Queue \"A\" $${team}"
///   permission_policies {
///     domain      = "routing"
///     entity_name = "queue"
///     action_set  = ["join"]
///     conditions {
///       conjunction = "OR"
///       terms {
///         variable_name = "Queue.id"
///         operator      = "EQ"
///         operands {
///           type     = "QUEUE"
///           queue_id = "q-1"
///         }
///       }
///     }
///   }
/// }
/// "#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A label that is not a Terraform identifier; a condition the provider's
/// schema cannot hold (a conjunction nested in another, or one without
/// terms or operands); a grant that is not a `domain:entity:action` key.
pub fn to_hcl(role: &RoleDefinition, label: &str) -> Result<String, TerraformError> {
    check_label(label)?;
    let resource = Resource::of(role)?;
    let mut out = format!("resource {} {} {{\n", hcl_string(RESOURCE_TYPE), hcl_string(label));
    resource.hcl().write(&mut out, 1);
    out.push_str("}\n");
    Ok(out)
}

/// `role` as a `genesyscloud_auth_role` resource labelled `label`, in
/// Terraform JSON (a `.tf.json` file): `{"resource":
/// {"genesyscloud_auth_role": {"<label>": {...}}}}`, pretty, ending with a
/// newline. Blocks are arrays of objects, as `genesyscloud_tf_export`
/// writes them; unset attributes are left out. What is kept and in which
/// order is as in [`to_hcl`].
///
/// ```
/// use permgate::genesys::{RoleFile, terraform::to_json};
///
/// let file = RoleFile::parse(r#"{"name": "agent", "permissionPolicies": [
///   {"domain": "routing", "entityName": "queue", "actionSet": ["join", "view"]}]}"#)?;
/// let text = to_json(&file.roles[0], "agent")?;
/// let value: serde_json::Value = serde_json::from_str(&text)?;
/// assert_eq!(value, serde_json::json!({"resource": {"genesyscloud_auth_role": {"agent": {
///     "name": "agent",
///     "permission_policies": [{"domain": "routing", "entity_name": "queue", "action_set": ["join", "view"]}]
/// }}}}));
/// // It reads back as the same role.
/// assert_eq!(RoleFile::parse(&text)?.roles, file.roles);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`to_hcl`].
pub fn to_json(role: &RoleDefinition, label: &str) -> Result<String, TerraformError> {
    check_label(label)?;
    let resource = Resource::of(role)?;
    let document = Document {
        resource: Types {
            auth_role: BTreeMap::from([(label, resource)]),
        },
    };
    // Serializing structs of strings and lists into a `String` cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

// ---------------------------------------------------------------------------
// Writing: the resource, then HCL or JSON.
// ---------------------------------------------------------------------------

/// A string written as a Terraform template: `${` and `%{` doubled.
#[derive(Debug, Clone, Copy)]
struct Template<'a>(&'a str);

impl Serialize for Template<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&escape_template(self.0))
    }
}

/// `text` with every `${` and `%{` written `$${` and `%%{`.
fn escape_template(text: &str) -> Cow<'_, str> {
    if !text.contains("${") && !text.contains("%{") {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("${", "$${").replace("%{", "%%{"))
}

#[derive(Serialize)]
struct Document<'a> {
    resource: Types<'a>,
}

#[derive(Serialize)]
struct Types<'a> {
    #[serde(rename = "genesyscloud_auth_role")]
    auth_role: BTreeMap<&'a str, Resource<'a>>,
}

#[derive(Serialize)]
struct Resource<'a> {
    name: Template<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Template<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    permissions: Vec<Template<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    permission_policies: Vec<TfPolicy<'a>>,
}

#[derive(Serialize)]
struct TfPolicy<'a> {
    domain: Template<'a>,
    entity_name: Template<'a>,
    action_set: Vec<Template<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conditions: Vec<Conditions<'a>>,
}

#[derive(Serialize)]
struct Conditions<'a> {
    conjunction: &'static str,
    terms: Vec<Term<'a>>,
}

#[derive(Serialize)]
struct Term<'a> {
    variable_name: Template<'a>,
    operator: &'static str,
    operands: Vec<TfOperand<'a>>,
}

#[derive(Serialize)]
struct TfOperand<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_id: Option<Template<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<Template<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Template<'a>>,
}

impl<'a> Resource<'a> {
    fn of(role: &'a RoleDefinition) -> Result<Self, TerraformError> {
        let mut policies = Vec::new();
        for grants in &role.grants {
            policies.extend(TfPolicy::of(grants)?);
        }
        Ok(Resource {
            name: Template(&role.name),
            description: role.description.as_deref().filter(|d| !d.is_empty()).map(Template),
            permissions: role.legacy.iter().map(|p| Template(p)).collect(),
            permission_policies: policies,
        })
    }

    fn hcl(&self) -> HclBody<'a> {
        let mut body = HclBody::default();
        body.attr("name", HclValue::Str(self.name));
        if let Some(description) = self.description {
            body.attr("description", HclValue::Str(description));
        }
        if !self.permissions.is_empty() {
            body.attr("permissions", HclValue::List(self.permissions.clone()));
        }
        for policy in &self.permission_policies {
            let mut block = HclBody::default();
            block.attr("domain", HclValue::Str(policy.domain));
            block.attr("entity_name", HclValue::Str(policy.entity_name));
            block.attr("action_set", HclValue::List(policy.action_set.clone()));
            for conditions in &policy.conditions {
                let mut node = HclBody::default();
                node.attr("conjunction", HclValue::Str(Template(conditions.conjunction)));
                for term in &conditions.terms {
                    let mut leaf = HclBody::default();
                    leaf.attr("variable_name", HclValue::Str(term.variable_name));
                    leaf.attr("operator", HclValue::Str(Template(term.operator)));
                    for operand in &term.operands {
                        let mut value = HclBody::default();
                        value.attr("type", HclValue::Str(Template(operand.kind)));
                        for (name, field) in [
                            ("queue_id", operand.queue_id),
                            ("user_id", operand.user_id),
                            ("value", operand.value),
                        ] {
                            if let Some(field) = field {
                                value.attr(name, HclValue::Str(field));
                            }
                        }
                        leaf.block("operands", value);
                    }
                    node.block("terms", leaf);
                }
                block.block("conditions", node);
            }
            body.block("permission_policies", block);
        }
        body
    }
}

impl<'a> TfPolicy<'a> {
    /// The blocks of the group `grants`: one per `domain` and `entity_name`,
    /// in the order they first appear, each with its actions in the group's
    /// order and the group's condition.
    fn of(grants: &'a GrantGroup) -> Result<Vec<Self>, TerraformError> {
        let mut by_entity: Vec<((&'a str, &'a str), Vec<Template<'a>>)> = Vec::new();
        for key in &grants.permissions {
            let mut parts = key.splitn(3, ':');
            let (Some(domain), Some(entity), Some(action)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(TerraformError::NotAKey { name: key.clone() });
            };
            match by_entity.iter_mut().find(|(at, _)| *at == (domain, entity)) {
                Some((_, actions)) => actions.push(Template(action)),
                None => by_entity.push(((domain, entity), vec![Template(action)])),
            }
        }
        by_entity
            .into_iter()
            .map(|((domain, entity), action_set)| {
                let conditions = match &grants.condition {
                    None => Vec::new(),
                    Some(condition) => vec![Conditions::of(condition, domain, entity)?],
                };
                Ok(TfPolicy {
                    domain: Template(domain),
                    entity_name: Template(entity),
                    action_set,
                    conditions,
                })
            })
            .collect()
    }
}

impl<'a> Conditions<'a> {
    fn of(condition: &'a Condition, domain: &str, entity: &str) -> Result<Self, TerraformError> {
        let error = |reason| TerraformError::Condition {
            domain: domain.to_owned(),
            entity: entity.to_owned(),
            condition: condition.to_string(),
            reason,
        };
        let (conjunction, children) = match condition {
            Condition::All(children) => ("AND", children.as_slice()),
            Condition::Any(children) => ("OR", children.as_slice()),
            Condition::Term { .. } => ("AND", core::slice::from_ref(condition)),
            _ => return Err(error("a condition of a kind this version of permgate does not know")),
        };
        if children.is_empty() {
            return Err(error("a conjunction needs at least one term"));
        }
        let terms = children
            .iter()
            .map(|child| match child {
                Condition::Term {
                    variable,
                    operator,
                    operands,
                } if !operands.is_empty() => Ok(Term {
                    variable_name: Template(variable),
                    operator: operator.as_str(),
                    operands: operands
                        .iter()
                        .map(TfOperand::of)
                        .collect::<Option<_>>()
                        .ok_or_else(|| error("the provider's operands are USER, QUEUE, SCALAR or VARIABLE values"))?,
                }),
                Condition::Term { .. } => Err(error("a term needs at least one operand")),
                _ => Err(error(
                    "the provider's conditions are one conjunction of terms, and this one nests a conjunction in another",
                )),
            })
            .collect::<Result<_, _>>()?;
        Ok(Conditions { conjunction, terms })
    }
}

impl<'a> TfOperand<'a> {
    /// The operand in the provider's fields; `None` for a type those fields
    /// cannot hold (`TEAM`, or one permgate does not know).
    fn of(operand: &'a Operand) -> Option<Self> {
        let value = Some(Template(operand.value.as_str()));
        let (queue_id, user_id, value) = match &operand.kind {
            OperandKind::Queue => (value, None, None),
            OperandKind::User => (None, value, None),
            OperandKind::Scalar | OperandKind::Variable => (None, None, value),
            _ => return None,
        };
        Some(TfOperand {
            kind: operand.kind.as_str(),
            queue_id,
            user_id,
            value,
        })
    }
}

/// An HCL attribute's value.
enum HclValue<'a> {
    Str(Template<'a>),
    List(Vec<Template<'a>>),
}

/// An HCL body: attributes, then blocks.
#[derive(Default)]
struct HclBody<'a> {
    attrs: Vec<(&'static str, HclValue<'a>)>,
    blocks: Vec<(&'static str, HclBody<'a>)>,
}

impl<'a> HclBody<'a> {
    fn attr(&mut self, name: &'static str, value: HclValue<'a>) {
        self.attrs.push((name, value));
    }

    fn block(&mut self, name: &'static str, body: HclBody<'a>) {
        self.blocks.push((name, body));
    }

    /// Writes the body at `depth` levels of two-space indentation.
    fn write(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        let width = self.attrs.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        for (name, value) in &self.attrs {
            let value = match value {
                HclValue::Str(text) => hcl_string(text.0),
                HclValue::List(items) => {
                    let items: Vec<String> = items.iter().map(|item| hcl_string(item.0)).collect();
                    format!("[{}]", items.join(", "))
                }
            };
            out.push_str(&format!("{indent}{name:<width$} = {value}\n"));
        }
        for (name, body) in &self.blocks {
            out.push_str(&format!("{indent}{name} {{\n"));
            body.write(out, depth + 1);
            out.push_str(&format!("{indent}}}\n"));
        }
    }
}

/// `text` as an HCL quoted template that evaluates to `text`.
fn hcl_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(ch);
                out.push(ch);
            }
            // Every character `needs_escape` names is in the BMP.
            ch if needs_escape(ch) => out.push_str(&format!("\\u{:04X}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------
// Reading Terraform JSON.
// ---------------------------------------------------------------------------

/// The top-level block types of the Terraform language.
const TOP_LEVEL: [&str; 12] = [
    "check",
    "data",
    "import",
    "locals",
    "module",
    "moved",
    "output",
    "provider",
    "removed",
    "resource",
    "terraform",
    "variable",
];

/// The property the HCL JSON syntax reads as a comment in a body.
const COMMENT: &str = "//";

/// The roles of the Terraform JSON configuration `text` (known to be one
/// JSON object of at most [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES)).
pub(crate) fn read(text: &str) -> Result<RoleFile, JsonError> {
    let root = Path::root();
    let document: Value = serde_json::from_str(text).map_err(|e| json::invalid(&root, format!("invalid JSON: {e}")))?;
    let object = value::object(&document, &root)?;
    if let Some(path) = duplicate_property(text)? {
        return Err(JsonError::Invalid {
            path,
            problem: "a property defined twice in one object: Terraform reads both definitions, a JSON object keeps one; define it once, or use an array of objects".to_owned(),
        });
    }
    if let Some(key) = object
        .keys()
        .find(|key| *key != COMMENT && !TOP_LEVEL.contains(&key.as_str()))
    {
        return Err(json::invalid(
            &root.field(key),
            format!(
                "not a top-level block type of Terraform JSON (expected one of {})",
                TOP_LEVEL.join(", ")
            ),
        ));
    }
    let mut reader = Reader::default();
    if let Some(resource) = value::optional(object, "resource") {
        let resource_path = root.field("resource");
        each_object(resource, &resource_path, &mut |types, types_path| {
            let Some(roles) = value::optional(types, RESOURCE_TYPE) else {
                return Ok(());
            };
            let roles_path = types_path.field(RESOURCE_TYPE);
            each_object(roles, &roles_path, &mut |labels, labels_path| {
                for (label, body) in labels {
                    reader.resource(label, body, &labels_path.field(label));
                }
                Ok(())
            })
        })?;
        if reader.count > MAX_ROLES_PER_FILE {
            return Err(JsonError::TooMany {
                path: resource_path.field(RESOURCE_TYPE).to_string(),
                max: MAX_ROLES_PER_FILE,
            });
        }
    }
    Ok(reader.file)
}

/// The roles read so far.
struct Reader {
    file: RoleFile,
    /// Resources seen, loaded or not: the next one's position.
    count: usize,
    labels: HashMap<String, usize>,
    names: HashMap<String, usize>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            file: RoleFile {
                roles: Vec::new(),
                errors: Vec::new(),
            },
            count: 0,
            labels: HashMap::new(),
            names: HashMap::new(),
        }
    }
}

impl Reader {
    /// Reads the resource `label` (its body `value`, at `path`): a role, or
    /// an error for it.
    fn resource(&mut self, label: &str, value: &Value, path: &Path) {
        let position = self.count;
        self.count += 1;
        if self.count > MAX_ROLES_PER_FILE {
            return;
        }
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .map(|name| literal(name, path).map_or_else(|_| name.to_owned(), Cow::into_owned));
        let role = match self.labels.get(label) {
            Some(first) => Err(json::invalid(
                path,
                format!("a second resource with this label; the first is at position {first}"),
            )),
            None => role(value, path),
        };
        self.labels.entry(label.to_owned()).or_insert(position);
        let role = role.and_then(|role| match self.names.get(&role.name) {
            Some(first) => Err(json::invalid(
                &path.field("name"),
                format!("duplicate role name; first at position {first}"),
            )),
            None => Ok(role),
        });
        match role {
            Ok(role) => {
                self.names.insert(role.name.clone(), position);
                self.file.roles.push(role);
            }
            Err(error) => self.file.errors.push(RoleFileError { position, name, error }),
        }
    }
}

/// What [`each_object`] and [`each_block`] call with each object and its path.
type Visit<'v, 'f> = dyn FnMut(&'v Map<String, Value>, &Path) -> Result<(), JsonError> + 'f;

/// Calls `f` with `value` when it is an object, with each item when it is
/// an array of objects; nothing for `null`.
fn each_object<'v>(value: &'v Value, path: &Path, f: &mut Visit<'v, '_>) -> Result<(), JsonError> {
    match value {
        Value::Null => Ok(()),
        Value::Object(object) => f(object, path),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(n, item)| {
            let item_path = path.index(n);
            f(value::object(item, &item_path)?, &item_path)
        }),
        other => Err(value::wrong_type(path, "an object or an array of objects", other)),
    }
}

/// Calls `f` with each block `field` of `body`: absent or `null`, none; an
/// object, one; an array of objects, each.
fn each_block<'v>(
    body: &'v Map<String, Value>,
    path: &Path,
    field: &str,
    f: &mut Visit<'v, '_>,
) -> Result<(), JsonError> {
    match body.get(field) {
        None => Ok(()),
        Some(value) => each_object(value, &path.field(field), f),
    }
}

/// `text`, a template, as the literal it stands for; `Err` for an
/// interpolation or a directive.
fn literal<'t>(text: &'t str, path: &Path) -> Result<Cow<'t, str>, JsonError> {
    if !text.contains('{') {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        let after = rest.get(ch.len_utf8()..).unwrap_or_default();
        if ch == '$' || ch == '%' {
            let doubled = after.starts_with(ch) && after.get(1..).is_some_and(|a| a.starts_with('{'));
            if doubled {
                out.push(ch);
                out.push('{');
                rest = after.get(2..).unwrap_or_default();
                continue;
            }
            if after.starts_with('{') {
                let what = if ch == '$' {
                    "an interpolation (`${`)"
                } else {
                    "a directive (`%{`)"
                };
                return Err(json::invalid(
                    path,
                    format!(
                        "{what}: a Terraform expression, which permgate does not evaluate; write the value itself (`$${{` for a literal `${{`)"
                    ),
                ));
            }
        }
        out.push(ch);
        rest = after;
    }
    Ok(Cow::Owned(out))
}

/// A string attribute, as its literal; `None` when absent or `null`.
fn optional_literal<'v>(
    body: &'v Map<String, Value>,
    path: &Path,
    field: &str,
) -> Result<Option<Cow<'v, str>>, JsonError> {
    let Some(value) = value::optional(body, field) else {
        return Ok(None);
    };
    let field_path = path.field(field);
    literal(value::string(value, &field_path)?, &field_path).map(Some)
}

/// A required string attribute (`null` is unset), as its literal.
fn required_literal<'v>(
    body: &'v Map<String, Value>,
    path: &Path,
    field: &'static str,
) -> Result<Cow<'v, str>, JsonError> {
    optional_literal(body, path, field)?.ok_or_else(|| JsonError::MissingField {
        path: path.to_string(),
        field,
    })
}

/// A list of strings attribute, as literals, each with its path.
fn literal_list<'v>(value: &'v Value, path: &Path) -> Result<Vec<Cow<'v, str>>, JsonError> {
    value::array(value, path)?
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let item_path = path.index(n);
            literal(value::string(item, &item_path)?, &item_path)
        })
        .collect()
}

/// The attributes and blocks of each body the provider's schema defines
/// (`resource_genesyscloud_auth_role_schema.go`; see the [module docs](self#the-schema)).
mod schema {
    /// A `genesyscloud_auth_role` resource.
    pub(super) const RESOURCE: &[&str] = &[
        "name",
        "description",
        "permissions",
        "permission_policies",
        "default_role_id",
    ];
    /// A `permission_policies` block.
    pub(super) const POLICY: &[&str] = &["domain", "entity_name", "action_set", "conditions"];
    /// A `conditions` block.
    pub(super) const CONDITIONS: &[&str] = &["conjunction", "terms"];
    /// A `terms` block.
    pub(super) const TERMS: &[&str] = &["variable_name", "operator", "operands"];
    /// An `operands` block.
    pub(super) const OPERANDS: &[&str] = &["type", "queue_id", "user_id", "value"];
}

/// The meta-arguments of a resource that do not change what the role
/// grants, and are not read: its ordering, its provider configuration, its
/// provisioners.
const INERT_META: [&str; 4] = ["depends_on", "provider", "provisioner", "connection"];

/// `Err` for anything in `body` (at `path`) but the attributes and blocks
/// `schema` defines (and `//` comments): Terraform itself refuses an
/// attribute the provider does not define, and permgate will not read a
/// misspelled `condition` as no condition at all. A resource (`resource`)
/// may also carry the meta-arguments that leave its content as written
/// ([`INERT_META`], and `lifecycle` without `ignore_changes`); `count`,
/// `for_each` and `dynamic` blocks, which make it depend on evaluation, are
/// refused.
fn check_body(body: &Map<String, Value>, path: &Path, schema: &[&str], resource: bool) -> Result<(), JsonError> {
    for (key, value) in body {
        let key = key.as_str();
        if key == COMMENT || schema.contains(&key) || (resource && INERT_META.contains(&key)) {
            continue;
        }
        let key_path = path.field(key);
        let why = match key {
            "lifecycle" if resource => {
                each_object(value, &key_path, &mut |lifecycle, lifecycle_path| {
                    match value::optional(lifecycle, "ignore_changes") {
                        Some(_) => Err(json::invalid(
                            &lifecycle_path.field("ignore_changes"),
                            "`ignore_changes` lets the role on the platform differ from what the resource says, so the resource does not say what it grants",
                        )),
                        None => Ok(()),
                    }
                })?;
                continue;
            }
            "count" | "for_each" if resource && value.is_null() => continue,
            "count" | "for_each" if resource => format!(
                "`{key}` makes this resource zero or more roles, which permgate does not evaluate; write the resources themselves"
            ),
            "dynamic" => "a `dynamic` block makes the blocks depend on evaluation, which permgate does not evaluate; write the blocks themselves".to_owned(),
            _ => format!(
                "not an attribute or block of the provider's `{RESOURCE_TYPE}` schema here (expected one of {}); Terraform refuses it",
                schema.join(", ")
            ),
        };
        return Err(json::invalid(&key_path, why));
    }
    Ok(())
}

/// One `genesyscloud_auth_role` resource body.
fn role(value: &Value, path: &Path) -> Result<RoleDefinition, JsonError> {
    let body = match value {
        Value::Array(_) => {
            return Err(json::invalid(
                path,
                "several resources with one label (an array of bodies); Terraform refuses a label used twice",
            ));
        }
        other => value::object(other, path)?,
    };
    check_body(body, path, schema::RESOURCE, true)?;
    let name = required_literal(body, path, "name")?;
    if name.trim().is_empty() {
        return Err(json::invalid(&path.field("name"), "empty role name"));
    }
    let description = optional_literal(body, path, "description")?;
    optional_literal(body, path, "default_role_id")?;
    let legacy = match value::optional(body, "permissions") {
        None => Vec::new(),
        Some(list) => literal_list(list, &path.field("permissions"))?
            .into_iter()
            .map(Cow::into_owned)
            .collect(),
    };
    let mut policies = Vec::new();
    each_block(body, path, "permission_policies", &mut |policy, policy_path| {
        if policies.len() == MAX_POLICIES_PER_ROLE {
            return Err(JsonError::TooMany {
                path: path.field("permission_policies").to_string(),
                max: MAX_POLICIES_PER_ROLE,
            });
        }
        policies.push(read_policy(policy, policy_path)?);
        Ok(())
    })?;
    let mut role = RoleDefinition::new(name.into_owned()).legacy(legacy);
    role.description = description.map(Cow::into_owned);
    role.grants = policies;
    Ok(role)
}

/// One `permission_policies` block, checked as role JSON checks a policy.
fn read_policy(body: &Map<String, Value>, path: &Path) -> Result<GrantGroup, JsonError> {
    check_body(body, path, schema::POLICY, false)?;
    let domain = required_literal(body, path, "domain")?;
    let entity = required_literal(body, path, "entity_name")?;
    let actions_path = path.field("action_set");
    let actions = value::optional(body, "action_set").ok_or_else(|| JsonError::MissingField {
        path: path.to_string(),
        field: "action_set",
    })?;
    let actions = literal_list(actions, &actions_path)?;
    if actions.is_empty() {
        return Err(json::invalid(&actions_path, "empty action set"));
    }
    if actions.len() > MAX_ACTIONS_PER_POLICY {
        return Err(JsonError::TooMany {
            path: actions_path.to_string(),
            max: MAX_ACTIONS_PER_POLICY,
        });
    }
    let domain_path = path.field("domain");
    if domain == "*" {
        let first = actions.first().map_or("*", |a| a.as_ref());
        return Err(JsonError::Permission {
            path: domain_path.to_string(),
            error: GrantError::DomainWildcard {
                input: format!("{domain}:{entity}:{first}"),
            },
        });
    }
    for (value, segment, field_path) in [
        (&*domain, "domain", domain_path),
        (&*entity, "entity", path.field("entity_name")),
    ] {
        check_segment(value, segment).map_err(|source| JsonError::Permission {
            path: field_path.to_string(),
            error: source.into(),
        })?;
    }
    let actions = actions
        .into_iter()
        .enumerate()
        .map(|(n, action)| {
            let short = domain.len() + entity.len() + action.len() + 2 <= MAX_PERMISSION_LEN;
            if !(short && check_segment(&action, "action").is_ok()) {
                check_key(&format!("{domain}:{entity}:{action}"), &actions_path.index(n))?;
            }
            Ok(action.into_owned())
        })
        .collect::<Result<Vec<_>, JsonError>>()?;
    let mut conditions = Vec::new();
    each_block(body, path, "conditions", &mut |node, node_path| {
        if !conditions.is_empty() {
            return Err(json::invalid(
                node_path,
                "a second `conditions` block; the provider's schema allows one",
            ));
        }
        conditions.push(read_conditions(node, node_path)?);
        Ok(())
    })?;
    Ok(group(&domain, &entity, &actions, conditions.pop()))
}

/// At least one block `field` of `body`, each read by `read`.
fn blocks_min_one<T>(
    body: &Map<String, Value>,
    path: &Path,
    field: &'static str,
    read: fn(&Map<String, Value>, &Path) -> Result<T, JsonError>,
) -> Result<Vec<T>, JsonError> {
    let mut items = Vec::new();
    each_block(body, path, field, &mut |block, block_path| {
        items.push(read(block, block_path)?);
        Ok(())
    })?;
    if items.is_empty() {
        return Err(JsonError::MissingField {
            path: path.to_string(),
            field,
        });
    }
    Ok(items)
}

/// A `conditions` block: one conjunction of terms.
fn read_conditions(body: &Map<String, Value>, path: &Path) -> Result<Condition, JsonError> {
    check_body(body, path, schema::CONDITIONS, false)?;
    let conjunction = required_literal(body, path, "conjunction")?;
    let terms = blocks_min_one(body, path, "terms", read_term)?;
    match &*conjunction {
        "AND" => Ok(Condition::All(terms)),
        "OR" => Ok(Condition::Any(terms)),
        other => Err(json::invalid(
            &path.field("conjunction"),
            format!("unknown conjunction `{}`; expected AND or OR", Escaped(other)),
        )),
    }
}

/// A `terms` block.
fn read_term(body: &Map<String, Value>, path: &Path) -> Result<Condition, JsonError> {
    check_body(body, path, schema::TERMS, false)?;
    let variable = required_literal(body, path, "variable_name")?;
    let operator = required_literal(body, path, "operator")?;
    let operator = match &*operator {
        "EQ" => Operator::Eq,
        "IN" => Operator::In,
        "GE" => Operator::Ge,
        "GT" => Operator::Gt,
        "LE" => Operator::Le,
        "LT" => Operator::Lt,
        other => {
            return Err(json::invalid(
                &path.field("operator"),
                format!(
                    "unknown operator `{}`; expected EQ, IN, GE, GT, LE or LT",
                    Escaped(other)
                ),
            ));
        }
    };
    let operands = blocks_min_one(body, path, "operands", read_operand)?;
    Ok(Condition::Term {
        variable: variable.into_owned(),
        operator,
        operands,
    })
}

/// An `operands` block: the field the provider sends for its type.
fn read_operand(body: &Map<String, Value>, path: &Path) -> Result<Operand, JsonError> {
    check_body(body, path, schema::OPERANDS, false)?;
    let kind = required_literal(body, path, "type")?;
    let (kind, field) = match &*kind {
        "USER" => (OperandKind::User, "user_id"),
        "QUEUE" => (OperandKind::Queue, "queue_id"),
        "SCALAR" => (OperandKind::Scalar, "value"),
        "VARIABLE" => (OperandKind::Variable, "value"),
        other => {
            return Err(json::invalid(
                &path.field("type"),
                format!(
                    "unknown operand type `{}`; expected USER, QUEUE, SCALAR or VARIABLE",
                    Escaped(other)
                ),
            ));
        }
    };
    let value = required_literal(body, path, field)?;
    Ok(Operand::new(kind, value.into_owned()))
}

// ---------------------------------------------------------------------------
// Properties defined twice.
// ---------------------------------------------------------------------------

/// The path of the first property defined twice in one object of `text`, if
/// any (`text` is known to be valid JSON).
fn duplicate_property(text: &str) -> Result<Option<String>, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut stack = Vec::new();
    let found = DuplicateSeed { stack: &mut stack }
        .deserialize(&mut deserializer)
        .map_err(|e| json::invalid(&Path::root(), format!("invalid JSON: {e}")))?;
    Ok(found)
}

/// One step of a path: a property or an index.
enum Step {
    Field(String),
    Index(usize),
}

fn path_text(stack: &[Step]) -> String {
    let mut out = String::from("$");
    for step in stack {
        match step {
            Step::Field(name) => {
                out.push('.');
                out.push_str(name);
            }
            Step::Index(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

/// Finds the first duplicate property of a value, the path to which is
/// `stack`.
struct DuplicateSeed<'s> {
    stack: &'s mut Vec<Step>,
}

impl<'de> DeserializeSeed<'de> for DuplicateSeed<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DuplicateSeed<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut n = 0;
        loop {
            if found.is_some() {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                return Ok(found);
            }
            self.stack.push(Step::Index(n));
            let item = seq.next_element_seed(DuplicateSeed {
                stack: &mut *self.stack,
            })?;
            self.stack.pop();
            match item {
                Some(item) => found = item,
                None => return Ok(None),
            }
            n += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut keys = HashSet::new();
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if found.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            self.stack.push(Step::Field(key.clone()));
            if keys.contains(&key) {
                found = Some(path_text(self.stack));
                map.next_value::<IgnoredAny>()?;
            } else {
                found = map.next_value_seed(DuplicateSeed {
                    stack: &mut *self.stack,
                })?;
                keys.insert(key);
            }
            self.stack.pop();
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_documented_rule() {
        for (name, label) in [
            ("AmiStandardUser", "ami_standard_user"),
            ("LBP Agent", "lbp_agent"),
            ("LBPAgent", "lbp_agent"),
            ("AMI R3|standard user role", "ami_r3_standard_user_role"),
            ("agentV2Beta", "agent_v2_beta"),
            ("queue-manager", "queue_manager"),
            ("  Équipe Nord ", "quipe_nord"),
            ("Queue \"A\" ${team}", "queue_a_team"),
            ("123", "role_123"),
            ("", "role"),
            ("!!!", "role"),
        ] {
            assert_eq!(resource_label(name), label, "{name:?}");
            assert!(check_label(&resource_label(name)).is_ok());
        }
        assert!(check_label("ok_label-2").is_ok());
        for bad in ["", "2x", "a b", "a.b", "é"] {
            assert_eq!(check_label(bad), Err(TerraformError::Label { label: bad.to_owned() }));
        }
    }

    #[test]
    fn hcl_strings_escape_quotes_templates_and_controls() {
        assert_eq!(hcl_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(hcl_string("${x} %{if} $$ % $"), r#""$${x} %%{if} $$ % $""#);
        assert_eq!(hcl_string("$${x}"), r#""$$${x}""#);
        assert_eq!(hcl_string("l1\nl2\r\t\u{1b}\u{202e}é"), r#""l1\nl2\r\t\u001B\u202Eé""#);
    }

    fn read_literal(text: &str) -> Result<String, JsonError> {
        literal(text, &Path::root()).map(Cow::into_owned)
    }

    #[test]
    fn templates_read_back_to_what_was_written() {
        for text in [
            "plain", "${x}", "%{x}", "$${x}", "$$${x}", "a$", "$", "%", "{}", "$$", "%%{",
        ] {
            assert_eq!(read_literal(&escape_template(text)).as_deref(), Ok(text), "{text:?}");
        }
        assert!(read_literal("${var.x}").is_err());
        assert!(read_literal("a %{ if x }").is_err());
    }

    #[test]
    fn duplicate_properties_are_found_with_their_path() {
        let found = |text: &str| duplicate_property(text).unwrap();
        assert_eq!(
            found(r#"{"a": [{"b": 1}, {"c": 1, "c": 2}]}"#).as_deref(),
            Some("$.a[1].c")
        );
        assert_eq!(found(r#"{"a": 1, "b": {"a": 1}}"#), None);
        assert_eq!(found(r#"{"a": {"x": 1}, "a": 2}"#).as_deref(), Some("$.a"));
    }
}

// ---------------------------------------------------------------------------
// Terraform JSON over `serde_json::Value`: the HCL JSON syntax lets most
// levels be one object or an array of objects, and any attribute `null`, so
// this reader walks the value instead of deriving a fixed shape.
// ---------------------------------------------------------------------------

mod value {
    use serde_json::{Map, Value};

    use crate::json::{JsonError, Path};

    fn type_name(value: &Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    pub(super) fn wrong_type(path: &Path, expected: &'static str, value: &Value) -> JsonError {
        JsonError::WrongType {
            path: path.to_string(),
            expected,
            found: type_name(value),
        }
    }

    pub(super) fn object<'v>(value: &'v Value, path: &Path) -> Result<&'v Map<String, Value>, JsonError> {
        value.as_object().ok_or_else(|| wrong_type(path, "an object", value))
    }

    pub(super) fn array<'v>(value: &'v Value, path: &Path) -> Result<&'v [Value], JsonError> {
        value
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| wrong_type(path, "an array", value))
    }

    pub(super) fn string<'v>(value: &'v Value, path: &Path) -> Result<&'v str, JsonError> {
        value.as_str().ok_or_else(|| wrong_type(path, "a string", value))
    }

    /// An optional field; `null` counts as absent.
    pub(super) fn optional<'v>(object: &'v Map<String, Value>, field: &str) -> Option<&'v Value> {
        object.get(field).filter(|value| !value.is_null())
    }
}
