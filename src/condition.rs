//! Conditions on grants: Genesys Cloud's `resourceConditionNode` tree.

use core::fmt;

use serde_json::{Map, Value, json};

use crate::Escaped;
use crate::json::{self, JsonError, MAX_CONDITION_DEPTH, Path};

/// A condition that restricts a grant to some resources, as a Genesys Cloud
/// permission policy's `resourceConditionNode` states it. permgate does not
/// evaluate conditions: [`Policy::decide`](crate::Policy::decide) hands them to
/// the caller, who knows the resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Condition {
    /// Every condition holds (`conjunction: AND`).
    All(Vec<Condition>),
    /// At least one condition holds (`conjunction: OR`).
    Any(Vec<Condition>),
    /// `variable operator operands`, such as `Queue.id IN [QUEUE q1, QUEUE q2]`.
    Term {
        /// The resource variable (`variableName`).
        variable: String,
        /// The comparison.
        operator: Operator,
        /// The values compared with.
        operands: Vec<Operand>,
    },
}

/// A comparison in a [`Condition::Term`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// `EQ`
    Eq,
    /// `IN`
    In,
    /// `GE`
    Ge,
    /// `GT`
    Gt,
    /// `LE`
    Le,
    /// `LT`
    Lt,
}

impl Operator {
    const ALL: [(Operator, &'static str); 6] = [
        (Operator::Eq, "EQ"),
        (Operator::In, "IN"),
        (Operator::Ge, "GE"),
        (Operator::Gt, "GT"),
        (Operator::Le, "LE"),
        (Operator::Lt, "LT"),
    ];

    /// The API's spelling: `EQ`, `IN`, …
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(op, _)| *op == self)
            .map_or("EQ", |(_, name)| name)
    }
}

/// A value in a [`Condition::Term`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operand {
    /// What the value is.
    pub kind: OperandKind,
    /// The user or queue id, the scalar, or the variable name.
    pub value: String,
}

impl Operand {
    /// An operand of `kind` with `value`.
    pub fn new(kind: OperandKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.into(),
        }
    }
}

/// The `type` of an [`Operand`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperandKind {
    /// `USER`: a user id.
    User,
    /// `QUEUE`: a queue id.
    Queue,
    /// `SCALAR`: a literal.
    Scalar,
    /// `VARIABLE`: another variable.
    Variable,
}

impl OperandKind {
    const ALL: [(OperandKind, &'static str); 4] = [
        (OperandKind::User, "USER"),
        (OperandKind::Queue, "QUEUE"),
        (OperandKind::Scalar, "SCALAR"),
        (OperandKind::Variable, "VARIABLE"),
    ];

    /// The API's spelling: `USER`, `QUEUE`, `SCALAR`, `VARIABLE`.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("SCALAR", |(_, name)| name)
    }
}

impl Condition {
    /// Reads a `resourceConditionNode`.
    pub(crate) fn from_json(value: &Value, path: &Path) -> Result<Self, JsonError> {
        Self::node(value, path, 0)
    }

    fn node(value: &Value, path: &Path, depth: usize) -> Result<Self, JsonError> {
        if depth >= MAX_CONDITION_DEPTH {
            return Err(JsonError::TooDeep {
                path: path.to_string(),
                max: MAX_CONDITION_DEPTH,
            });
        }
        let object = json::object(value, path)?;
        if let Some(terms) = json::optional(object, "terms") {
            let terms_path = path.field("terms");
            let terms = json::array(terms, &terms_path)?;
            if terms.is_empty() {
                return Err(json::invalid(&terms_path, "a conjunction needs at least one term"));
            }
            let children = terms
                .iter()
                .enumerate()
                .map(|(n, term)| Self::node(term, &terms_path.index(n), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            let conjunction_path = path.field("conjunction");
            let conjunction = json::string(json::required(object, path, "conjunction")?, &conjunction_path)?;
            return match conjunction {
                "AND" => Ok(Condition::All(children)),
                "OR" => Ok(Condition::Any(children)),
                other => Err(json::invalid(
                    &conjunction_path,
                    format!("unknown conjunction `{other}`; expected AND or OR"),
                )),
            };
        }
        let variable = json::string(
            json::required(object, path, "variableName")?,
            &path.field("variableName"),
        )?;
        let operator_path = path.field("operator");
        let operator = json::string(json::required(object, path, "operator")?, &operator_path)?;
        let operator = Operator::ALL
            .iter()
            .find(|(_, name)| *name == operator)
            .map(|(op, _)| *op)
            .ok_or_else(|| {
                json::invalid(
                    &operator_path,
                    format!("unknown operator `{operator}`; expected EQ, IN, GE, GT, LE or LT"),
                )
            })?;
        let operands_path = path.field("operands");
        let operands = json::array(json::required(object, path, "operands")?, &operands_path)?
            .iter()
            .enumerate()
            .map(|(n, operand)| Operand::from_json(operand, &operands_path.index(n)))
            .collect::<Result<Vec<_>, _>>()?;
        if operands.is_empty() {
            return Err(json::invalid(&operands_path, "a term needs at least one operand"));
        }
        Ok(Condition::Term {
            variable: variable.to_owned(),
            operator,
            operands,
        })
    }

    /// The condition as a `resourceConditionNode`.
    pub fn to_json(&self) -> Value {
        match self {
            Condition::All(terms) | Condition::Any(terms) => {
                let conjunction = if matches!(self, Condition::All(_)) { "AND" } else { "OR" };
                json!({"conjunction": conjunction, "terms": terms.iter().map(Condition::to_json).collect::<Vec<_>>()})
            }
            Condition::Term {
                variable,
                operator,
                operands,
            } => json!({
                "variableName": variable,
                "operator": operator.as_str(),
                "operands": operands.iter().map(Operand::to_json).collect::<Vec<_>>(),
            }),
        }
    }
}

impl Operand {
    fn from_json(value: &Value, path: &Path) -> Result<Self, JsonError> {
        let object = json::object(value, path)?;
        let type_path = path.field("type");
        let kind = json::string(json::required(object, path, "type")?, &type_path)?;
        let kind = OperandKind::ALL
            .iter()
            .find(|(_, name)| *name == kind)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                json::invalid(
                    &type_path,
                    format!("unknown operand type `{kind}`; expected USER, QUEUE, SCALAR or VARIABLE"),
                )
            })?;
        let value = match kind {
            OperandKind::User => nested_id(object, path, "user")?,
            OperandKind::Queue => nested_id(object, path, "queue")?,
            OperandKind::Scalar | OperandKind::Variable => None,
        };
        let value = match value {
            Some(value) => value,
            None => json::string(json::required(object, path, "value")?, &path.field("value"))?,
        };
        Ok(Operand {
            kind,
            value: value.to_owned(),
        })
    }

    fn to_json(&self) -> Value {
        match self.kind {
            OperandKind::User => json!({"type": "USER", "user": {"id": self.value}}),
            OperandKind::Queue => json!({"type": "QUEUE", "queue": {"id": self.value}}),
            kind => json!({"type": kind.as_str(), "value": self.value}),
        }
    }
}

/// `{"user": {"id": "…"}}`: the id, when the nested object is present.
fn nested_id<'v>(object: &'v Map<String, Value>, path: &Path, field: &str) -> Result<Option<&'v str>, JsonError> {
    let Some(nested) = json::optional(object, field) else {
        return Ok(None);
    };
    let nested_path = path.field(field);
    let id = json::required(json::object(nested, &nested_path)?, &nested_path, "id")?;
    json::string(id, &nested_path.field("id")).map(Some)
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::All(terms) | Condition::Any(terms) => {
                let joiner = if matches!(self, Condition::All(_)) {
                    " AND "
                } else {
                    " OR "
                };
                f.write_str("(")?;
                for (n, term) in terms.iter().enumerate() {
                    if n > 0 {
                        f.write_str(joiner)?;
                    }
                    write!(f, "{term}")?;
                }
                f.write_str(")")
            }
            Condition::Term {
                variable,
                operator,
                operands,
            } => {
                write!(f, "{} {} ", Escaped(variable), operator.as_str())?;
                let many = operands.len() > 1 || *operator == Operator::In;
                if many {
                    f.write_str("[")?;
                }
                for (n, operand) in operands.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} {}", operand.kind.as_str(), Escaped(&operand.value))?;
                }
                if many {
                    f.write_str("]")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: Value) -> Result<Condition, JsonError> {
        Condition::from_json(&value, &Path::root())
    }

    #[test]
    fn reads_and_writes_the_api_shape() {
        let node = json!({
            "conjunction": "AND",
            "terms": [
                {"variableName": "Queue.id", "operator": "IN", "operands": [
                    {"type": "QUEUE", "queue": {"id": "q1"}}, {"type": "QUEUE", "queue": {"id": "q2"}}]},
                {"variableName": "Conversation.owner", "operator": "EQ", "operands": [{"type": "USER", "user": {"id": "u1"}}]},
                {"variableName": "Score", "operator": "GE", "operands": [{"type": "SCALAR", "value": "3"}]}
            ]
        });
        let condition = parse(node.clone()).unwrap();
        assert_eq!(
            condition.to_string(),
            "(Queue.id IN [QUEUE q1, QUEUE q2] AND Conversation.owner EQ USER u1 AND Score GE SCALAR 3)"
        );
        assert_eq!(condition.to_json(), node);
    }

    #[test]
    fn rejects_what_the_format_does_not_allow_and_says_where() {
        let term = |operator: &str| json!({"variableName": "v", "operator": operator, "operands": [{"type": "SCALAR", "value": "1"}]});
        let error = parse(json!({"conjunction": "OR", "terms": [term("EQ"), term("LIKE")]})).unwrap_err();
        assert_eq!(error.path(), Some("$.terms[1].operator"));
        assert!(error.to_string().contains("unknown operator `LIKE`"), "{error}");
        assert!(matches!(
            parse(json!({"conjunction": "XOR", "terms": [term("EQ")]})),
            Err(JsonError::Invalid { .. })
        ));
        assert!(matches!(
            parse(json!({"terms": [term("EQ")]})),
            Err(JsonError::MissingField {
                field: "conjunction",
                ..
            })
        ));
        assert!(matches!(
            parse(json!({"conjunction": "AND", "terms": []})),
            Err(JsonError::Invalid { .. })
        ));
        assert!(matches!(
            parse(json!({"variableName": "v", "operator": "EQ", "operands": []})),
            Err(JsonError::Invalid { .. })
        ));
        let bad_type = json!({"variableName": "v", "operator": "EQ", "operands": [{"type": "GROUP", "value": "g"}]});
        assert_eq!(parse(bad_type).unwrap_err().path(), Some("$.operands[0].type"));
        assert!(matches!(
            parse(json!({"variableName": 3})),
            Err(JsonError::WrongType { .. })
        ));
    }

    #[test]
    fn deep_trees_stop_at_the_limit() {
        let mut node = json!({"variableName": "v", "operator": "EQ", "operands": [{"type": "SCALAR", "value": "1"}]});
        for _ in 0..MAX_CONDITION_DEPTH - 1 {
            node = json!({"conjunction": "AND", "terms": [node]});
        }
        assert!(parse(node.clone()).is_ok(), "exactly at the limit");
        let deeper = json!({"conjunction": "AND", "terms": [node]});
        assert!(matches!(
            parse(deeper),
            Err(JsonError::TooDeep {
                max: MAX_CONDITION_DEPTH,
                ..
            })
        ));
    }
}
