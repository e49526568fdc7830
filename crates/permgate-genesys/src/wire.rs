//! The Genesys Cloud bodies permgate reads and writes, as typed serde
//! models: what the Platform API sends and accepts, field for field, before
//! permgate checks what they mean.
//!
//! Each type carries the name of the published SDK model it follows
//! (`DomainOrganizationRole`, `ResourcePermissionPolicy`,
//! `ResourceConditionNode`, `ResourceConditionValue`, `AuthzSubject`,
//! `AuthzGrant`, `AuthzGrantRole`, `AuthzGrantPolicy`, `AuthzDivision`,
//! `User`, `UserAuthorization`, `DomainRole`, `Organization`,
//! `PermissionCollectionEntityListing`, `DomainPermissionCollection`,
//! `DomainPermission`, and for the Platform API client the paging fields of
//! every `*EntityListing` ([`Paging`]), `AuthzDivisionEntityListing`'s
//! divisions, `DomainOrganizationProduct`, `AuditQueryRequest`,
//! `AuditQueryExecutionStatusResponse`, `AuditQueryExecutionResultsResponse`
//! and `AuditLogMessage`) and the fields of that model permgate uses; the
//! others are ignored when read and absent when written. A few fields
//! earlier permgate versions read where the models do not have them (a
//! role's `policies`, a grant policy's `actionSet`) are kept, each said so.
//!
//! These types are what the readers ([`RoleFile`](super::RoleFile),
//! [`SubjectSpec`](super::SubjectSpec), [`UserAuthorization`](super::UserAuthorization),
//! [`org_catalog`](fn@super::org_catalog)) read
//! first, and what the exporter ([`export_role`](super::export_role))
//! writes. They only hold the JSON:
//! reading one yourself checks types, not meaning (an empty `actionSet`, a
//! wildcard domain, an unknown condition operator). The readers check
//! meaning and name the JSON path of every problem.
//!
//! Enumerations hold values a newer API may add as `Other`: a body with
//! them reads and writes back unchanged. Where such a value would change a
//! decision (a condition's `conjunction` or `operator`), the readers refuse
//! it; an operand `type` permgate does not know is kept
//! ([`OperandKind::Other`](permgate_core::condition::OperandKind::Other)), since a condition is
//! handed to the caller, never evaluated.
//!
//! A struct nested in another reads only from a JSON object (never from an
//! array of its fields, as a derived serde struct otherwise would), and
//! `null` reads as absent. [`from_str`] reads any of these types the same
//! way at the top level too, with the JSON path of a problem in its error.
//!
//! ```
//! use permgate::genesys::wire::{ConditionOperator, DomainOrganizationRole};
//!
//! let role: DomainOrganizationRole = serde_json::from_str(r#"{"id": "r-1", "name": "agent", "userCount": 3,
//!   "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
//!     "allowConditions": true, "resourceConditionNode": {"variableName": "Queue.id", "operator": "IN",
//!       "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#)?;
//! let policies = role.permission_policies.as_deref().unwrap_or_default();
//! let node = policies[0].resource_condition_node.as_ref().unwrap();
//! assert_eq!(node.operator, Some(ConditionOperator::In));
//! // Written back: the fields permgate knows (`userCount` is not one).
//! assert_eq!(
//!     serde_json::to_string(&role)?,
//!     r#"{"id":"r-1","name":"agent","permissionPolicies":[{"domain":"routing","entityName":"queue","actionSet":["edit"],"allowConditions":true,"resourceConditionNode":{"variableName":"Queue.id","operator":"IN","operands":[{"type":"QUEUE","queue":{"id":"q-1"}}]}}]}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

use core::fmt;
use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, DeserializeSeed, Error as DeError, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::JsonError;
use crate::json::{self, de};

/// Reads `text` as the wire type `T`: an object only, with the size limit
/// of every reader ([`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES)), and an error
/// that names the JSON path of a wrong type, a missing field or a syntax
/// error's line and column. Types only: what the values mean is for the
/// readers to check.
///
/// ```
/// use permgate::genesys::JsonError;
/// use permgate::genesys::wire::{self, AuthzSubject};
///
/// let error = wire::from_str::<AuthzSubject>(r#"{"grants": [{"role": {"name": "r"}, "division": {"id": 7}}]}"#);
/// assert_eq!(
///     error,
///     Err(JsonError::WrongType { path: "$.grants[0].division.id".into(), expected: "a string", found: "a number" })
/// );
/// # Ok::<(), JsonError>(())
/// ```
///
/// # Errors
///
/// Too large, not JSON, or not of the type's shape.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    json::typed(text)
}

/// A role: the SDK's `DomainOrganizationRole`, as
/// `GET /api/v2/authorization/roles/{id}` returns it, each entry of a role
/// listing, and the body of `POST /api/v2/authorization/roles`.
///
/// ```
/// use permgate::genesys::wire::{DomainOrganizationRole, ResourcePermissionPolicy};
///
/// let mut role = DomainOrganizationRole::new("queue viewer");
/// role.permission_policies = Some(vec![ResourcePermissionPolicy::new("routing", "queue", ["view"])]);
/// assert_eq!(
///     serde_json::to_string(&role)?,
///     r#"{"name":"queue viewer","permissionPolicies":[{"domain":"routing","entityName":"queue","actionSet":["view"]}]}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct DomainOrganizationRole {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`: required.
    pub name: String,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `permissionPolicies`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub permission_policies: Option<Vec<ResourcePermissionPolicy>>,
    /// `policies`: not a field of the model, but how a subject's grants
    /// spell a role's policies; read where `permissionPolicies` is absent
    /// (the readers refuse a role with both).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub policies: Option<Vec<ResourcePermissionPolicy>>,
    /// `permissions`: the legacy flat list, never granted.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub permissions: Option<Vec<String>>,
}

impl DomainOrganizationRole {
    /// A role named `name`, with no other field.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// One permission policy of a role or of a user's authorization: the SDK's
/// `ResourcePermissionPolicy` (`DomainPermissionPolicy` in a role listing,
/// with the same fields here).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct ResourcePermissionPolicy {
    /// `domain`: required.
    pub domain: String,
    /// `entityName`: required; `*` for every entity of the domain.
    pub entity_name: String,
    /// `actionSet`: required; `*` for every action of the entity.
    #[serde(deserialize_with = "de::array")]
    pub action_set: Vec<String>,
    /// `allowConditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_conditions: Option<bool>,
    /// `resourceConditionNode`: when present, the policy grants only under it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub resource_condition_node: Option<ResourceConditionNode>,
    /// `resourceCondition`: a condition as text, whose grammar is not
    /// published. The readers refuse a non-blank one without a
    /// `resourceConditionNode` (see [`RoleFile`](super::RoleFile)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_condition: Option<String>,
    /// `namedResources`: resources the policy names, whose meaning is not
    /// published. The readers refuse a non-empty list.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub named_resources: Option<Vec<String>>,
}

impl ResourcePermissionPolicy {
    /// A policy granting `actions` on `domain:entity`, without conditions.
    pub fn new<A: Into<String>>(
        domain: impl Into<String>,
        entity: impl Into<String>,
        actions: impl IntoIterator<Item = A>,
    ) -> Self {
        Self {
            domain: domain.into(),
            entity_name: entity.into(),
            action_set: actions.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }
}

/// A condition tree: the SDK's `ResourceConditionNode`. A node is either a
/// conjunction (`conjunction` over `terms`, themselves nodes) or a term
/// (`variableName operator operands`).
///
/// The model has no other nesting: sub-conditions are `terms`.
///
/// ```
/// use permgate::condition::Condition;
/// use permgate::genesys::wire::{self, Conjunction, ResourceConditionNode};
///
/// let node: ResourceConditionNode = wire::from_str(r#"{"conjunction": "OR", "terms": [
///   {"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]},
///   {"variableName": "Queue.id", "operator": "EQ", "operands": [{"type": "QUEUE", "queue": {"id": "q-2"}}]}]}"#)?;
/// assert_eq!(node.conjunction, Some(Conjunction::Or));
/// // What it means, checked: a `Condition`.
/// assert_eq!(Condition::try_from(&node)?.to_string(), "(Queue.id EQ QUEUE q-1 OR Queue.id EQ QUEUE q-2)");
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceConditionNode {
    /// `variableName`, of a term: `Queue.id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable_name: Option<String>,
    /// `conjunction`, of a conjunction: `AND` or `OR`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conjunction: Option<Conjunction>,
    /// `operator`, of a term: `EQ`, `IN`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<ConditionOperator>,
    /// `operands`, of a term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operands: Option<Vec<ResourceConditionValue>>,
    /// `terms`, of a conjunction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<Vec<ResourceConditionNode>>,
}

/// Reads a node as the derived reader would (fields by name, others
/// ignored, `null` as absent, a field twice an error), but counts the
/// nesting of `terms` while reading: a node
/// [`MAX_CONDITION_DEPTH`](permgate_core::condition::MAX_CONDITION_DEPTH) levels below the root
/// is refused before it is read, so that no input, in any serde format, with
/// or without a recursion limit of its own, nests the reader deeper.
impl<'de> Deserialize<'de> for ResourceConditionNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        NodeSeed { depth: 0 }.deserialize(deserializer)
    }
}

/// The fields of a [`ResourceConditionNode`], as the API spells them.
const NODE_FIELDS: &[&str] = &["variableName", "conjunction", "operator", "operands", "terms"];

/// Reads a node `depth` levels below the root.
#[derive(Debug, Clone, Copy)]
struct NodeSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = ResourceConditionNode;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if self.depth >= json::MAX_CONDITION_DEPTH {
            return Err(D::Error::custom(json::too_deep_condition()));
        }
        deserializer.deserialize_struct("ResourceConditionNode", NODE_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for NodeSeed {
    type Value = ResourceConditionNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        /// `Err` for a field read twice.
        fn once<T, E: DeError>(slot: &mut Option<Option<T>>, value: Option<T>, field: &'static str) -> Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(field));
            }
            *slot = Some(value);
            Ok(())
        }
        let (mut variable_name, mut conjunction, mut operator, mut operands, mut terms) =
            (None, None, None, None, None);
        while let Some(key) = map.next_key::<NodeField>()? {
            match key {
                NodeField::VariableName => once(&mut variable_name, map.next_value()?, "variableName")?,
                NodeField::Conjunction => once(&mut conjunction, map.next_value()?, "conjunction")?,
                NodeField::Operator => once(&mut operator, map.next_value()?, "operator")?,
                NodeField::Operands => once(
                    &mut operands,
                    map.next_value_seed(de::Opt::<de::Array<de::Obj<ResourceConditionValue>>>::default())?,
                    "operands",
                )?,
                NodeField::Terms => once(
                    &mut terms,
                    map.next_value_seed(Terms { depth: self.depth + 1 })?,
                    "terms",
                )?,
                NodeField::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(ResourceConditionNode {
            variable_name: variable_name.flatten(),
            conjunction: conjunction.flatten(),
            operator: operator.flatten(),
            operands: operands.flatten(),
            terms: terms.flatten(),
        })
    }
}

/// A key of a node's object.
enum NodeField {
    VariableName,
    Conjunction,
    Operator,
    Operands,
    Terms,
    Other,
}

impl<'de> Deserialize<'de> for NodeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(ApiString).map(|key| match &*key {
            "variableName" => NodeField::VariableName,
            "conjunction" => NodeField::Conjunction,
            "operator" => NodeField::Operator,
            "operands" => NodeField::Operands,
            "terms" => NodeField::Terms,
            _ => NodeField::Other,
        })
    }
}

/// Reads `terms`: `null`, or an array of nodes `depth` levels below the root.
#[derive(Debug, Clone, Copy)]
struct Terms {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Terms {
    type Value = Option<Vec<ResourceConditionNode>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Terms {
    type Value = Option<Vec<ResourceConditionNode>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_none<E: DeError>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: DeError>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut terms = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(term) = seq.next_element_seed(NodeSeed { depth: self.depth })? {
            terms.push(term);
        }
        Ok(Some(terms))
    }
}

/// One operand of a condition term: the SDK's `ResourceConditionValue`.
/// A user, queue or team operand names its entity in `user`, `queue` or
/// `team`; the others carry `value`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct ResourceConditionValue {
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<OperandType>,
    /// `value`: a scalar, or a variable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `user`, of a `USER` operand.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub user: Option<EntityRef>,
    /// `queue`, of a `QUEUE` operand.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub queue: Option<EntityRef>,
    /// `team`, of a `TEAM` operand.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub team: Option<EntityRef>,
}

/// The `user`, `queue` or `team` of an operand (the SDK's `User`, `Queue`,
/// `Team`): only `id` is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(expecting = "an object")]
#[non_exhaustive]
pub struct EntityRef {
    /// `id`: required.
    pub id: String,
}

impl EntityRef {
    /// The entity `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }
}

/// Enumerations the API spells as strings, with `Other` for values a newer
/// API may add: each reads any string and writes it back as read.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of permgate does not know, as the API spelled it.
            Other(String),
        }

        impl $name {
            /// The API's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(text) => text,
                }
            }

            /// The value the API spells `text` (case-sensitive, as the API is);
            /// [`Other`](Self::Other) for any other text.
            pub fn from_api(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(ApiString).map(|text| $name::from_api(&text))
            }
        }
    };
}

/// Reads a string, borrowed where the input allows.
struct ApiString;

impl<'de> serde::de::Visitor<'de> for ApiString {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(text))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(text))
    }
}

wire_enum! {
    /// The `conjunction` of a [`ResourceConditionNode`].
    Conjunction {
        /// `AND`: every term holds.
        And = "AND",
        /// `OR`: at least one term holds.
        Or = "OR",
    }
}

wire_enum! {
    /// The `operator` of a [`ResourceConditionNode`] term.
    ConditionOperator {
        /// `EQ`
        Eq = "EQ",
        /// `IN`
        In = "IN",
        /// `GE`
        Ge = "GE",
        /// `GT`
        Gt = "GT",
        /// `LE`
        Le = "LE",
        /// `LT`
        Lt = "LT",
    }
}

wire_enum! {
    /// The `type` of a [`ResourceConditionValue`].
    OperandType {
        /// `SCALAR`: a literal in `value`.
        Scalar = "SCALAR",
        /// `VARIABLE`: another variable, named in `value`.
        Variable = "VARIABLE",
        /// `USER`: the user in `user`.
        User = "USER",
        /// `QUEUE`: the queue in `queue`.
        Queue = "QUEUE",
        /// `TEAM`: the team in `team`.
        Team = "TEAM",
    }
}

/// A subject (a user or a group) and its grants: the SDK's `AuthzSubject`,
/// as `GET /api/v2/authorization/subjects/{id}` returns it.
///
/// ```
/// use permgate::genesys::wire::{self, AuthzSubject};
///
/// let subject: AuthzSubject = wire::from_str(r#"{"id": "u-1", "grants": [{"division": {"id": "d-east", "name": "East"},
///   "role": {"id": "r-1", "name": "viewer", "policies": [{"domain": "routing", "entityName": "queue", "actions": ["view"]}]}}]}"#)?;
/// let grant = &subject.grants[0];
/// assert_eq!((grant.division.id.as_str(), grant.role.name.as_str()), ("d-east", "viewer"));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuthzSubject {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `grants`: required.
    #[serde(deserialize_with = "de::objects")]
    pub grants: Vec<AuthzGrant>,
}

/// One grant of a subject: the SDK's `AuthzGrant`, a role in a division.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuthzGrant {
    /// `role`: required.
    #[serde(deserialize_with = "de::object")]
    pub role: AuthzGrantRole,
    /// `division`: required.
    #[serde(deserialize_with = "de::object")]
    pub division: AuthzDivision,
}

/// The division of a grant, and each entry of a division listing
/// (`GET /api/v2/authorization/divisions`, the SDK's
/// `AuthzDivisionEntityListing`, read by
/// [`listings::divisions`](super::listings::divisions)): the SDK's
/// `AuthzDivision`. In a grant, an `id` of `*` stands for every division.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuthzDivision {
    /// `id`: required.
    pub id: String,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `description`, as `GET /api/v2/authorization/divisions` lists it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `homeDivision`: whether this is the organization's home (default)
    /// division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_division: Option<bool>,
}

/// The role of a grant: the SDK's `AuthzGrantRole`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuthzGrantRole {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`: required.
    pub name: String,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `permissionPolicies`: not a field of the model, but how role JSON
    /// spells a role's policies; read in place of `policies` (the readers
    /// refuse a role with both).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub permission_policies: Option<Vec<AuthzGrantPolicy>>,
    /// `policies`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub policies: Option<Vec<AuthzGrantPolicy>>,
    /// `permissions`: not a field of the model; the legacy flat list of role
    /// JSON, never granted.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub permissions: Option<Vec<String>>,
}

/// One policy of a grant's role: the SDK's `AuthzGrantPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuthzGrantPolicy {
    /// `domain`: required.
    pub domain: String,
    /// `entityName`: required.
    pub entity_name: String,
    /// `actions`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub actions: Option<Vec<String>>,
    /// `actionSet`: not a field of the model; the role JSON spelling of
    /// `actions`, which earlier permgate versions required here.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub action_set: Option<Vec<String>>,
    /// `condition`: a condition as text, which permgate cannot evaluate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `allowConditions`: not a field of the model, read as in role JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_conditions: Option<bool>,
    /// `resourceConditionNode`: not a field of the model, read as in role JSON.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub resource_condition_node: Option<ResourceConditionNode>,
    /// `resourceCondition`: not a field of the model, read as in role JSON
    /// (and refused the same way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_condition: Option<String>,
    /// `namedResources`: not a field of the model, read as in role JSON
    /// (and refused the same way).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub named_resources: Option<Vec<String>>,
}

/// A user with its `authorization` expansion: the SDK's `User`, as
/// `GET /api/v2/users/{id}?expand=authorization` (and `users/me`) return it.
///
/// ```
/// use permgate::genesys::wire::{self, User};
///
/// let user: User = wire::from_str(r#"{"id": "u-1", "username": "ana@example.com",
///   "authorization": {"permissions": ["routing:queue:view", "routing:queue:join:d-east"]}}"#)?;
/// let permissions = user.authorization.and_then(|a| a.permissions).unwrap_or_default();
/// assert_eq!(permissions, ["routing:queue:view", "routing:queue:join:d-east"]);
/// // Without the expansion, `authorization` is absent: what the user may do is unknown.
/// assert_eq!(wire::from_str::<User>(r#"{"id": "u-1"}"#)?.authorization, None);
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct User {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `username`: the user's login, usually an email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `authorization`: absent when the API did not expand it (the expand
    /// is best effort).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub authorization: Option<UserAuthorization>,
}

/// What a user may do, flattened over its roles: the SDK's `UserAuthorization`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct UserAuthorization {
    /// `roles`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub roles: Option<Vec<DomainRole>>,
    /// `unusedRoles`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub unused_roles: Option<Vec<DomainRole>>,
    /// `permissions`: `domain:entity:action` strings, some with a fourth
    /// segment naming a division.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de::opt_array")]
    pub permissions: Option<Vec<String>>,
    /// `permissionPolicies`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub permission_policies: Option<Vec<ResourcePermissionPolicy>>,
}

/// A role a user holds, as a user's authorization lists it (the SDK's
/// `DomainRole`): informational, since it carries no policies.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct DomainRole {
    /// `id`, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The caller's organization: the SDK's `Organization`, as
/// `GET /api/v2/organizations/me` returns it (`getOrganizationsMe`, no
/// permission needed): its `id` and `name`.
///
/// ```
/// use permgate::genesys::wire::{self, Organization};
///
/// let org: Organization = wire::from_str(r#"{"id": "o-1", "name": "Acme", "domain": "acme", "state": "active"}"#)?;
/// assert_eq!((org.id.as_str(), org.name.as_deref()), ("o-1", Some("Acme")));
/// assert!(wire::from_str::<Organization>(r#"{"name": "Acme"}"#).is_err());
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct Organization {
    /// `id`: required.
    pub id: String,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A time as the Platform API writes one: ISO-8601 (RFC 3339) in UTC,
/// whole seconds, `2026-12-07T15:04:05Z` (a time before 1970 as
/// 1970-01-01): an [`AuditQueryRequest`]'s interval, a snapshot's
/// `pulledAt`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use permgate::genesys::wire;
///
/// assert_eq!(wire::timestamp(UNIX_EPOCH + Duration::from_secs(1_796_655_845)), "2026-12-07T15:04:05Z");
/// ```
pub fn timestamp(time: std::time::SystemTime) -> String {
    let seconds = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(std::time::Duration::ZERO)
        .as_secs();
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}

/// One page of an organization's permission catalog: the SDK's
/// `PermissionCollectionEntityListing`, as `GET /api/v2/authorization/permissions`
/// returns it.
///
/// ```
/// use permgate::genesys::wire::{self, PermissionCollectionEntityListing};
///
/// let page: PermissionCollectionEntityListing = wire::from_str(r#"{"entities": [{"domain": "routing",
///   "permissionMap": {"queue": [{"domain": "routing", "entityType": "queue", "action": "view", "divisionAware": true}]}}],
///   "pageSize": 25}"#)?;
/// let map = page.entities[0].permission_map.as_ref().unwrap();
/// assert_eq!(map["queue"][0].division_aware, Some(true));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct PermissionCollectionEntityListing {
    /// `entities`: required; one per domain.
    #[serde(deserialize_with = "de::objects")]
    pub entities: Vec<DomainPermissionCollection>,
}

/// The permissions of one domain: the SDK's `DomainPermissionCollection`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct DomainPermissionCollection {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `domain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// `permissionMap`: entity type to its actions, in key order.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object_lists"
    )]
    pub permission_map: Option<BTreeMap<String, Vec<DomainPermission>>>,
}

/// One permission of an organization's catalog: the SDK's `DomainPermission`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct DomainPermission {
    /// `domain`: required.
    pub domain: String,
    /// `entityType`: required.
    pub entity_type: String,
    /// `action`: required.
    pub action: String,
    /// `label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `divisionAware`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_aware: Option<bool>,
    /// `allowsConditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allows_conditions: Option<bool>,
}

/// The paging fields every Platform API listing shares (the SDK's
/// `*EntityListing` models: `RoleEntityListing`/`OrganizationRoleEntityListing`,
/// `UserEntityListing`, `AuthzDivisionEntityListing`,
/// `PermissionCollectionEntityListing`, `OrganizationProductEntityListing`),
/// and the `cursor` of `AuditQueryExecutionResultsResponse`; read by
/// [`listings::paging`](super::listings::paging), the page's entities
/// unread.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct Paging {
    /// `pageNumber`, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<u64>,
    /// `pageSize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
    /// `pageCount`: how many pages the listing has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<u64>,
    /// `total`: how many entities the listing has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// `nextUri`: the next page, a path and query on the API's host;
    /// absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_uri: Option<String>,
    /// `cursor`: where the next page of audit results starts; absent on the
    /// last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One product of an organization: the SDK's `DomainOrganizationProduct`,
/// each entry of `GET /api/v2/authorization/products`
/// (`OrganizationProductEntityListing`, read by
/// [`listings::products`](super::listings::products)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct DomainOrganizationProduct {
    /// `id`: required; the product's name (`engage`, `botFlows`, …).
    pub id: String,
}

/// The body of `POST /api/v2/audits/query`: the SDK's `AuditQueryRequest`.
///
/// ```
/// use permgate::genesys::wire::{AuditQueryFilter, AuditQueryRequest};
///
/// let mut query = AuditQueryRequest::new("2026-12-01T00:00:00Z/2026-12-02T00:00:00Z", "PeoplePermissions");
/// query.filters = Some(vec![AuditQueryFilter::new("EntityType", "Role")]);
/// assert_eq!(
///     serde_json::to_string(&query)?,
///     r#"{"interval":"2026-12-01T00:00:00Z/2026-12-02T00:00:00Z","serviceName":"PeoplePermissions","filters":[{"property":"EntityType","value":"Role"}]}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditQueryRequest {
    /// `interval`: required; ISO-8601 `start/end`.
    pub interval: String,
    /// `serviceName`: the service whose audits to query (`PeoplePermissions`
    /// for roles, grants and users' roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// `filters`: each one property and value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub filters: Option<Vec<AuditQueryFilter>>,
    /// `sort`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub sort: Option<Vec<AuditQuerySort>>,
}

impl AuditQueryRequest {
    /// A query of `service` over `interval`, without filters.
    pub fn new(interval: impl Into<String>, service: impl Into<String>) -> Self {
        Self {
            interval: interval.into(),
            service_name: Some(service.into()),
            filters: None,
            sort: None,
        }
    }
}

/// One filter of an [`AuditQueryRequest`]: the SDK's `AuditQueryFilter`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditQueryFilter {
    /// `property`: required.
    pub property: String,
    /// `value`: required.
    pub value: String,
}

impl AuditQueryFilter {
    /// The filter `property` = `value`.
    pub fn new(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            property: property.into(),
            value: value.into(),
        }
    }
}

/// One sort key of an [`AuditQueryRequest`]: the SDK's `AuditQuerySort`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditQuerySort {
    /// `name`: required.
    pub name: String,
    /// `sortOrder`: `ascending` or `descending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
}

/// The state of an audit query: the SDK's
/// `AuditQueryExecutionStatusResponse`, as `POST /api/v2/audits/query` and
/// `GET /api/v2/audits/query/{transactionId}` answer (read by
/// [`listings::audit_status`](super::listings::audit_status)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditQueryExecutionStatusResponse {
    /// `id`: required here; the transaction id.
    pub id: String,
    /// `state`: required here; `New`, `Running`, `Succeeded`, `Failed`,
    /// `Cancelled`.
    pub state: String,
    /// `startDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// `interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// `serviceName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
}

/// One page of an audit query's results: the SDK's
/// `AuditQueryExecutionResultsResponse`, as
/// `GET /api/v2/audits/query/{transactionId}/results` answers (read by
/// [`listings::audit_results`](super::listings::audit_results)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditQueryExecutionResultsResponse {
    /// `id`: the transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `pageSize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
    /// `cursor`: the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// `entities`: required here.
    #[serde(deserialize_with = "de::objects")]
    pub entities: Vec<AuditLogMessage>,
}

/// One audited change: the SDK's `AuditLogMessage` (the fields a policy's
/// refresh needs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditLogMessage {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `serviceName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// `eventDate`: ISO-8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_date: Option<String>,
    /// `action`: what was done (`Create`, `Update`, `Delete`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `entity`: what was changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_object"
    )]
    pub entity: Option<AuditEntityRef>,
    /// `entityType`: the kind of `entity` (`Role`, `User`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The entity of an [`AuditLogMessage`]: the SDK's `DomainEntityRef`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct AuditEntityRef {
    /// `id`: required.
    pub id: String,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A Platform API error: the SDK's `ErrorBody`, as the API answers a
/// missing permission with `403` (see [`forbidden_body`](super::forbidden_body)
/// and [`ForbiddenBody`](super::ForbiddenBody)).
///
/// ```
/// use permgate::genesys::wire::{self, ErrorBody};
///
/// let body: ErrorBody = wire::from_str(r#"{"message": "Unable to perform the requested action. You are missing the following permission(s): [routing:queue:view]",
///   "code": "missing.permissions", "status": 403, "contextId": "c-1", "errors": []}"#)?;
/// assert_eq!((body.code.as_deref(), body.status), (Some("missing.permissions"), Some(403)));
/// # Ok::<(), permgate::genesys::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct ErrorBody {
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `code`: `missing.permissions`, `missing.any.permissions`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `status`: the HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `messageWithParams`: `message` with `{name}` where a parameter goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_with_params: Option<String>,
    /// `messageParams`: the parameters of `messageWithParams`, by name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_strings"
    )]
    pub message_params: Option<BTreeMap<String, String>>,
    /// `contextId`: the request's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_id: Option<String>,
    /// `details`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub details: Option<Vec<ErrorDetail>>,
    /// `errors`: nested bodies.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_objects"
    )]
    pub errors: Option<Vec<ErrorBody>>,
}

/// One entry of an [`ErrorBody`]'s `details`: the SDK's `Detail`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[non_exhaustive]
pub struct ErrorDetail {
    /// `errorCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `fieldName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    /// `entityId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// `entityName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerations_keep_values_they_do_not_know() {
        let node: ResourceConditionNode = serde_json::from_str(
            r#"{"conjunction": "XOR", "terms": [{"variableName": "v", "operator": "LIKE",
                "operands": [{"type": "GROUP", "value": "g"}]}]}"#,
        )
        .unwrap();
        assert_eq!(node.conjunction, Some(Conjunction::Other("XOR".into())));
        let term = &node.terms.as_ref().unwrap()[0];
        assert_eq!(term.operator, Some(ConditionOperator::Other("LIKE".into())));
        assert_eq!(
            term.operands.as_ref().unwrap()[0].kind,
            Some(OperandType::Other("GROUP".into()))
        );
        assert_eq!(
            serde_json::to_value(&node).unwrap(),
            serde_json::json!({"conjunction": "XOR", "terms": [{"variableName": "v", "operator": "LIKE",
                "operands": [{"type": "GROUP", "value": "g"}]}]})
        );
        assert_eq!(OperandType::from_api("TEAM"), OperandType::Team);
        assert_eq!(OperandType::from_api("team"), OperandType::Other("team".into()));
    }

    #[test]
    fn structs_read_from_objects_only() {
        assert!(from_str::<DomainOrganizationRole>(r#"["r-1", "agent"]"#).is_err());
        let nested = r#"{"name": "r", "permissionPolicies": [["routing", "queue", ["view"]]]}"#;
        assert!(serde_json::from_str::<DomainOrganizationRole>(nested).is_err());
        let role: DomainOrganizationRole = serde_json::from_str(r#"{"name": "agent", "permissions": null}"#).unwrap();
        assert_eq!(role, DomainOrganizationRole::new("agent"));
    }

    #[test]
    fn times_print_as_iso_8601_utc() {
        use std::time::{Duration, UNIX_EPOCH};
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(UNIX_EPOCH - Duration::from_secs(5)), "1970-01-01T00:00:00Z");
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(1_796_655_845)),
            "2026-12-07T15:04:05Z"
        );
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(4_107_542_399)),
            "2100-02-28T23:59:59Z"
        );
    }
}
