//! Feature `serde`: `Serialize` for the crate's public data, `Deserialize`
//! where a value can be checked again as it is read.
//!
//! Shapes (every one is pinned by `tests/serde.rs`):
//!
//! - [`Permission`]: its key, `"journey:actionmap:view"`. Read back as a
//!   builtin permission, in any spelling the builtin catalog accepts
//!   (`Permission<'static>`); a wildcard or an unknown permission is an error.
//! - [`Release`]: `"3.15"` (`"3.15.2"` with a patch). Read in any form
//!   [`Release`]'s `FromStr` accepts (`"R3.15"`).
//! - [`Division`]: its id, `"*"` for every division. Read back from a
//!   non-blank id.
//! - [`Condition`]: the `resourceConditionNode` it came from. Read back as
//!   the role readers read it: an unknown `conjunction` or `operator`, an
//!   empty list or a tree deeper than [`MAX_CONDITION_DEPTH`](crate::condition::MAX_CONDITION_DEPTH)
//!   is an error. [`Operand`](crate::condition::Operand) is a `ResourceConditionValue`, [`Operator`]
//!   and [`OperandKind`] their API spellings.
//! - [`Decision`]: `{"decision": "allowed"}`, `{"decision": "denied"}`, or
//!   `{"decision": "allowed_if", "conditions": [node, …]}`.
//! - [`Explanation`]: `{"permission", "decision", "conditions"?, "reasons":
//!   [reason, …], "elsewhere": [reason, …]}`, its decision written as a
//!   [`Decision`] is, its fields beside the others (`"conditions"` only for
//!   `"allowed_if"`).
//! - [`Reason`]: `{"role", "named_role", "division" (its id, or `null`),
//!   "by", …, "condition" (a node, or `null`)}`, what gives the permission
//!   written as a [`By`] is, its fields beside the others.
//! - [`By`]: tagged by `"by"`, with the value of the variant in a field of
//!   its own: `{"by": "permission", "permission": key}`, `{"by": "wildcard",
//!   "wildcard": pattern}`, `{"by": "every_action"}`, `{"by": "unknown_key",
//!   "key": key}`, `{"by": "every_action_with_others", "actions": [key, …]}`.
//! - [`Denied`]: `{"gate", "principal", "division", "release",
//!   "applies_from", "missing": [key, …], "unmet_any_of": [[key, …], …],
//!   "removed_from_platform": [key, …], "feature_removed": bool, "foreign": [key, …],
//!   "unlisted_entities": [key, …], "calls"?: [{"method", "path", "operation",
//!   "missing": [key, …], "unmet_any_of": [key, …] or `null`, "never_allowed":
//!   `"unverifiable"`, `"removed"` or `null`}]}` (`"calls"` only for a gate
//!   declared from calls, naming each call that fails).
//! - [`GateInfo`]: `{"name", "description", "document" (its id), "extends",
//!   "release", "required", "any_of", "roadmap": [{"permission",
//!   "release"}], "calls"?: [{"method", "path", "operation"}]}` (`"calls"`
//!   only for a gate declared from calls or grounded in them).
//! - [`RoleAudit`](crate::audit::RoleAudit), [`GrantAudit`](crate::audit::GrantAudit),
//!   [`UserAudit`](crate::audit::UserAudit) and what they hold
//!   ([`ConditionalGrantInfo`](crate::definition::ConditionalGrantInfo), the structs of
//!   [`audit`](crate::audit)): their fields, derived; a gate as its name, a
//!   document as its id, [`RoleAudit::licenses`](crate::audit::RoleAudit::licenses)
//!   as a list of `{"license", "documents", "permissions"}`;
//!   [`Permitted`]: `"*"` or the division ids; [`SdkRelease`]:
//!   `{"version": "179.0.0", "date"}`.
//! - [`SourceEntry`]: `{"document" (its id), "section", "description",
//!   "audience": "admin" | "agent", "evidence": "verified" | "pattern" |
//!   "unverified" | "sdk", "license", "product_license", "release_notes",
//!   "available_from"}`; [`CatalogRole`]: `{"name", "description", "document"
//!   (its id), "extends", "grants"}`.
//! - [`WhoCan`](crate::who_can::WhoCan) (its impl beside it, in
//!   `policy::who_can`): `{"permission", "roles": [role, …], "users":
//!   [user, …]}`; a role `{"name", "decision", "conditions"?}` (its decision
//!   written as a [`Decision`] is, beside its name); a user `{"name",
//!   "decision", "conditions"?, "divisions", "grants": [grant, …]}`, its
//!   divisions (a [`Permitted`]) and grants worked out as it is written; a
//!   grant `{"role", "named_role", "division" (its id, `"*"` for every
//!   division), "condition" (a node, or `null`)}`.
//!
//! Decisions, explanations, denials, gates and audits borrow from a policy or the builtin
//! catalog: they are written, never read back.

use std::borrow::Cow;

use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::{
    Decision, Denied, Division, Permission, Release, condition::Condition, condition::OperandKind, condition::Operator,
    explain::By, explain::Explanation, explain::Permitted, explain::Reason, gate::GateInfo, gate::NeverAllowed,
    release::SdkRelease, source::Audience, source::CatalogRole, source::Document, source::Evidence,
    source::SourceEntry,
};

/// A string, borrowed where the input allows.
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    struct Text;

    impl<'de> de::Visitor<'de> for Text {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a string")
        }

        fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(text))
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(text.to_owned()))
        }
    }

    deserializer.deserialize_str(Text)
}

impl Serialize for Permission<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Permission<'static> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        text(deserializer)?.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Release {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Release {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        text(deserializer)?.parse().map_err(de::Error::custom)
    }
}

impl Serialize for SdkRelease {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape {
            version: String,
            date: &'static str,
        }
        Shape {
            version: self.to_string(),
            date: self.date(),
        }
        .serialize(serializer)
    }
}

impl Serialize for Division {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Division {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = text(deserializer)?;
        if id.trim().is_empty() {
            return Err(de::Error::custom("empty division id"));
        }
        Ok(Division::new(&id))
    }
}

impl Serialize for Operator {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Operator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = text(deserializer)?;
        Operator::from_api(&text).ok_or_else(|| {
            de::Error::custom(format_args!(
                "unknown operator `{}`; expected EQ, IN, GE, GT, LE or LT",
                crate::text::Escaped(&text)
            ))
        })
    }
}

impl Serialize for OperandKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for Decision<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(tag = "decision", rename_all = "snake_case")]
        enum Shape<'a> {
            Allowed,
            AllowedIf { conditions: &'a [&'a Condition] },
            Denied,
        }
        match self {
            Decision::Allowed => Shape::Allowed,
            Decision::AllowedIf(conditions) => Shape::AllowedIf { conditions },
            Decision::Denied => Shape::Denied,
        }
        .serialize(serializer)
    }
}

impl Serialize for Explanation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            permission: &'a str,
            #[serde(flatten)]
            decision: &'a Decision<'a>,
            reasons: &'a [Reason<'a>],
            elsewhere: &'a [Reason<'a>],
        }
        Shape {
            permission: &self.permission,
            decision: &self.decision,
            reasons: &self.reasons,
            elsewhere: &self.elsewhere,
        }
        .serialize(serializer)
    }
}

impl Serialize for Reason<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            role: &'a str,
            named_role: bool,
            division: Option<&'a Division>,
            #[serde(flatten)]
            by: &'a By<'a>,
            condition: Option<&'a Condition>,
        }
        Shape {
            role: self.role,
            named_role: self.named_role,
            division: self.division,
            by: &self.by,
            condition: self.condition,
        }
        .serialize(serializer)
    }
}

impl Serialize for By<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(tag = "by", rename_all = "snake_case")]
        enum Shape<'a> {
            Permission { permission: Permission<'a> },
            Wildcard { wildcard: &'a str },
            EveryAction,
            UnknownKey { key: &'a str },
            EveryActionWithOthers { actions: &'a [Permission<'a>] },
        }
        match self {
            By::Permission(permission) => Shape::Permission {
                permission: *permission,
            },
            By::Wildcard(wildcard) => Shape::Wildcard { wildcard },
            By::EveryAction => Shape::EveryAction,
            By::UnknownKey(key) => Shape::UnknownKey { key },
            By::EveryActionWithOthers(actions) => Shape::EveryActionWithOthers { actions },
        }
        .serialize(serializer)
    }
}

impl Serialize for Denied {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            gate: &'a str,
            principal: Option<&'a str>,
            division: Option<&'a str>,
            release: Option<Release>,
            applies_from: Option<Release>,
            missing: &'a [Permission<'static>],
            unmet_any_of: &'a [&'static [Permission<'static>]],
            removed_from_platform: Vec<Permission<'static>>,
            feature_removed: bool,
            foreign: &'a [Permission<'static>],
            unlisted_entities: &'a [Permission<'static>],
            #[serde(skip_serializing_if = "Vec::is_empty")]
            calls: Vec<FailingCallShape<'a>>,
        }
        #[derive(Serialize)]
        struct FailingCallShape<'a> {
            method: &'static str,
            path: &'static str,
            operation: &'static str,
            missing: &'a [Permission<'static>],
            unmet_any_of: Option<&'static [Permission<'static>]>,
            never_allowed: Option<&'static str>,
        }
        Shape {
            gate: self.gate(),
            principal: self.principal(),
            division: self.division(),
            release: self.release(),
            applies_from: self.applies_from(),
            missing: self.missing(),
            unmet_any_of: self.unmet_any_of(),
            removed_from_platform: self.removed_from_platform().collect(),
            feature_removed: self.feature_removed(),
            foreign: self.foreign(),
            unlisted_entities: self.unlisted_entities(),
            calls: (self.calls().iter())
                .map(|call| FailingCallShape {
                    method: call.operation().method.as_str(),
                    path: call.operation().path,
                    operation: call.operation().name,
                    missing: call.missing(),
                    unmet_any_of: call.unmet_any_of(),
                    never_allowed: call.never_allowed().map(|why| match why {
                        NeverAllowed::Unverifiable => "unverifiable",
                        _ => "removed",
                    }),
                })
                .collect(),
        }
        .serialize(serializer)
    }
}

impl Serialize for GateInfo {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Roadmap {
            permission: Permission<'static>,
            release: Release,
        }
        #[derive(Serialize)]
        struct Shape<'a> {
            name: &'a str,
            description: &'a str,
            document: Option<&'a str>,
            extends: Option<&'a str>,
            release: Option<Release>,
            required: &'a [Permission<'static>],
            any_of: &'a [&'static [Permission<'static>]],
            roadmap: Vec<Roadmap>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            calls: Vec<Call>,
        }
        #[derive(Serialize)]
        struct Call {
            method: &'static str,
            path: &'static str,
            operation: &'static str,
        }
        Shape {
            name: self.name,
            description: self.description,
            document: self.document.map(|document| document.id),
            extends: self.extends,
            release: self.release,
            required: self.required,
            any_of: self.any_of,
            roadmap: self
                .roadmap
                .iter()
                .map(|&(permission, release)| Roadmap { permission, release })
                .collect(),
            calls: (self.calls.iter())
                .map(|call| Call {
                    method: call.method.as_str(),
                    path: call.path,
                    operation: call.name,
                })
                .collect(),
        }
        .serialize(serializer)
    }
}

impl Serialize for Permitted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Permitted::Everywhere => serializer.serialize_str("*"),
            Permitted::In(divisions) => divisions.serialize(serializer),
        }
    }
}

/// A gate, written as its name (the audits' gate fields).
pub(crate) fn gate_name<S: Serializer>(gate: &&'static GateInfo, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(gate.name)
}

/// A document, written as its id.
pub(crate) fn document_id<S: Serializer>(document: &&'static Document, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(document.id)
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Audience::Admin => "admin",
            Audience::Agent => "agent",
        })
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Evidence::Verified => "verified",
            Evidence::Pattern => "pattern",
            Evidence::Unverified => "unverified",
            Evidence::Sdk(_) => "sdk",
        })
    }
}

impl Serialize for SourceEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            document: &'static str,
            section: &'static str,
            description: &'static str,
            audience: Audience,
            evidence: &'a Evidence,
            license: Option<&'static str>,
            product_license: Option<&'static str>,
            release_notes: &'static [&'static str],
            available_from: Option<Release>,
        }
        Shape {
            document: self.document.id,
            section: self.section,
            description: self.description,
            audience: self.audience,
            evidence: &self.evidence,
            license: self.license,
            product_license: self.product_license,
            release_notes: self.release_notes,
            available_from: self.available_from,
        }
        .serialize(serializer)
    }
}

impl Serialize for CatalogRole {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape {
            name: &'static str,
            description: &'static str,
            document: &'static str,
            extends: Option<&'static str>,
            grants: &'static [&'static str],
        }
        Shape {
            name: self.name,
            description: self.description,
            document: self.document.id,
            extends: self.extends,
            grants: self.grants,
        }
        .serialize(serializer)
    }
}

/// Conditions in the shape of a `resourceConditionNode`: a term
/// `{"variableName", "operator", "operands"}` or a conjunction
/// `{"conjunction": "AND" | "OR", "terms"}`; an operand
/// `{"type", "value"}`, or `{"type", "user" | "queue" | "team": {"id"}}`.
mod condition_shape {
    use core::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::ser::{SerializeMap, Serializer};
    use serde::{Deserialize, Serialize};

    use crate::condition::MAX_CONDITION_DEPTH;
    use crate::{condition::Condition, condition::Operand, condition::OperandKind, condition::Operator, text::Escaped};

    impl Serialize for Condition {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(if matches!(self, Condition::Term { .. }) { 3 } else { 2 }))?;
            match self {
                Condition::All(terms) | Condition::Any(terms) => {
                    let conjunction = if matches!(self, Condition::All(_)) { "AND" } else { "OR" };
                    map.serialize_entry("conjunction", conjunction)?;
                    map.serialize_entry("terms", terms)?;
                }
                Condition::Term {
                    variable,
                    operator,
                    operands,
                } => {
                    map.serialize_entry("variableName", variable)?;
                    map.serialize_entry("operator", operator)?;
                    map.serialize_entry("operands", operands)?;
                }
            }
            map.end()
        }
    }

    /// The field of an operand that names its entity, for those that do.
    fn entity_field(kind: &OperandKind) -> Option<&'static str> {
        match kind {
            OperandKind::User => Some("user"),
            OperandKind::Queue => Some("queue"),
            OperandKind::Team => Some("team"),
            _ => None,
        }
    }

    #[derive(Serialize, Deserialize)]
    #[serde(expecting = "an object")]
    struct EntityRef<T> {
        id: T,
    }

    impl Serialize for Operand {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("type", &self.kind)?;
            match entity_field(&self.kind) {
                Some(field) => map.serialize_entry(field, &EntityRef { id: &self.value })?,
                None => map.serialize_entry("value", &self.value)?,
            }
            map.end()
        }
    }

    impl<'de> Deserialize<'de> for OperandKind {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(OperandKind::from_api(&super::text(deserializer)?))
        }
    }

    /// An operand as written: `null` fields read as absent, others ignored.
    #[derive(Deserialize)]
    #[serde(expecting = "an object")]
    struct OperandShape {
        #[serde(rename = "type")]
        kind: Option<OperandKind>,
        value: Option<String>,
        user: Option<EntityRef<String>>,
        queue: Option<EntityRef<String>>,
        team: Option<EntityRef<String>>,
    }

    impl<'de> Deserialize<'de> for Operand {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let OperandShape {
                kind,
                value,
                user,
                queue,
                team,
            } = OperandShape::deserialize(deserializer)?;
            let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
            let entity = match kind {
                OperandKind::User => user,
                OperandKind::Queue => queue,
                OperandKind::Team => team,
                _ => None,
            };
            let value = entity
                .map(|entity| entity.id)
                .or(value)
                .ok_or_else(|| de::Error::missing_field("value"))?;
            Ok(Operand { kind, value })
        }
    }

    impl<'de> Deserialize<'de> for Condition {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Node { depth: 0 }.deserialize(deserializer)
        }
    }

    /// Reads a node `depth` levels below the root: the depth is counted as
    /// it is read, so that no input, in any serde format, nests the reader
    /// deeper than [`MAX_CONDITION_DEPTH`].
    #[derive(Clone, Copy)]
    struct Node {
        depth: usize,
    }

    impl<'de> DeserializeSeed<'de> for Node {
        type Value = Condition;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Condition, D::Error> {
            if self.depth >= MAX_CONDITION_DEPTH {
                return Err(de::Error::custom(format_args!(
                    "condition tree deeper than {MAX_CONDITION_DEPTH} levels"
                )));
            }
            deserializer.deserialize_map(self)
        }
    }

    /// Stores a field's value, refusing a field given twice.
    fn once<T, E: de::Error>(slot: &mut Option<Option<T>>, value: Option<T>, field: &'static str) -> Result<(), E> {
        if slot.replace(value).is_some() {
            return Err(E::duplicate_field(field));
        }
        Ok(())
    }

    impl<'de> Visitor<'de> for Node {
        type Value = Condition;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Condition, A::Error> {
            let (mut variable, mut conjunction, mut operator, mut operands, mut terms) = (None, None, None, None, None);
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "variableName" => once(&mut variable, map.next_value::<Option<String>>()?, "variableName")?,
                    "conjunction" => once(&mut conjunction, map.next_value::<Option<String>>()?, "conjunction")?,
                    "operator" => once(&mut operator, map.next_value::<Option<String>>()?, "operator")?,
                    "operands" => once(&mut operands, map.next_value::<Option<Vec<Operand>>>()?, "operands")?,
                    "terms" => once(
                        &mut terms,
                        map.next_value_seed(Terms { depth: self.depth + 1 })?,
                        "terms",
                    )?,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            let (variable, conjunction, operator, operands) = (
                variable.flatten(),
                conjunction.flatten(),
                operator.flatten(),
                operands.flatten(),
            );
            if let Some(terms) = terms.flatten() {
                // A node is a conjunction or a term: reading one of a node
                // that says both would drop the other.
                let own = [
                    ("variableName", variable.is_some()),
                    ("operator", operator.is_some()),
                    ("operands", operands.is_some()),
                ];
                if let Some((field, _)) = own.iter().find(|(_, present)| *present) {
                    return Err(de::Error::custom(format_args!(
                        "both `terms` and `{field}`: a node is a conjunction of terms or a term, not both"
                    )));
                }
                if terms.is_empty() {
                    return Err(de::Error::custom("a conjunction needs at least one term"));
                }
                return match conjunction
                    .ok_or_else(|| de::Error::missing_field("conjunction"))?
                    .as_str()
                {
                    "AND" => Ok(Condition::All(terms)),
                    "OR" => Ok(Condition::Any(terms)),
                    other => Err(de::Error::custom(format_args!(
                        "unknown conjunction `{}`; expected AND or OR",
                        Escaped(other)
                    ))),
                };
            }
            let variable = variable.ok_or_else(|| de::Error::missing_field("variableName"))?;
            let operator = operator.ok_or_else(|| de::Error::missing_field("operator"))?;
            let operator = Operator::from_api(&operator).ok_or_else(|| {
                de::Error::custom(format_args!(
                    "unknown operator `{}`; expected EQ, IN, GE, GT, LE or LT",
                    Escaped(&operator)
                ))
            })?;
            let operands = operands.ok_or_else(|| de::Error::missing_field("operands"))?;
            if operands.is_empty() {
                return Err(de::Error::custom("a term needs at least one operand"));
            }
            Ok(Condition::Term {
                variable,
                operator,
                operands,
            })
        }
    }

    /// Reads `terms`: `null`, or an array of nodes `depth` levels below the root.
    #[derive(Clone, Copy)]
    struct Terms {
        depth: usize,
    }

    impl<'de> DeserializeSeed<'de> for Terms {
        type Value = Option<Vec<Condition>>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_option(self)
        }
    }

    impl<'de> Visitor<'de> for Terms {
        type Value = Option<Vec<Condition>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_seq(self)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut terms = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(term) = seq.next_element_seed(Node { depth: self.depth })? {
                terms.push(term);
            }
            Ok(Some(terms))
        }
    }
}
