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
//!   empty list or a tree deeper than [`MAX_CONDITION_DEPTH`](crate::MAX_CONDITION_DEPTH)
//!   is an error. [`Operand`] is a `ResourceConditionValue`, [`Operator`]
//!   and [`OperandKind`] their API spellings. (The Genesys adapter,
//!   `genesys::conditions`, implements the node shapes.)
//! - [`Decision`]: `{"decision": "allowed"}`, `{"decision": "denied"}`, or
//!   `{"decision": "allowed_if", "conditions": [node, …]}`.
//! - [`Denied`]: `{"gate", "principal", "division", "release",
//!   "applies_from", "missing": [key, …], "unmet_any_of": [[key, …], …],
//!   "removed_from_platform": [key, …], "feature_removed": bool, "foreign": [key, …],
//!   "unlisted_entities": [key, …]}`.
//! - [`GateInfo`]: `{"name", "description", "document" (its id), "extends",
//!   "release", "required", "any_of", "roadmap": [{"permission",
//!   "release"}]}`.
//! - [`RoleAudit`](crate::RoleAudit), [`GrantAudit`](crate::GrantAudit),
//!   [`UserAudit`](crate::UserAudit) and what they hold
//!   ([`ConditionalGrantInfo`](crate::ConditionalGrantInfo), the structs of
//!   [`audit`](crate::audit)): their fields, derived; a gate as its name, a
//!   document as its id, [`RoleAudit::licenses`](crate::RoleAudit::licenses)
//!   as a list of `{"license", "documents", "permissions"}`;
//!   [`Permitted`]: `"*"` or the division ids; [`SdkRelease`]:
//!   `{"version": "179.0.0", "date"}`.
//! - [`SourceEntry`]: `{"document" (its id), "section", "description",
//!   "audience": "admin" | "agent", "evidence": "verified" | "pattern" |
//!   "unverified" | "sdk", "license", "product_license", "release_notes",
//!   "available_from"}`; [`CatalogRole`]: `{"name", "description", "document"
//!   (its id), "extends", "grants"}`.
//!
//! Decisions, denials, gates and audits borrow from a policy or the builtin
//! catalog: they are written, never read back.

use std::borrow::Cow;

use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::{
    Audience, CatalogRole, Condition, Decision, Denied, Division, Document, Evidence, GateInfo, LicenseEffect,
    OperandKind, Operator, Permission, Permitted, Release, SdkRelease, SourceEntry,
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
                crate::Escaped(&text)
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

/// [`RoleAudit::licenses`]: a list of `{"license", "documents", "permissions"}`.
pub(crate) fn licenses<S: Serializer>(
    licenses: &BTreeMap<&'static str, LicenseEffect<'_>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct License<'a, 'p> {
        license: &'static str,
        #[serde(flatten)]
        effect: &'a LicenseEffect<'p>,
    }
    serializer.collect_seq(licenses.iter().map(|(&license, effect)| License { license, effect }))
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
