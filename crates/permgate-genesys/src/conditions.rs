//! Conditions as Genesys Cloud writes them: [`Condition`] to and from a
//! `resourceConditionNode` ([`ResourceConditionNode`]), with the checks
//! every reader of conditions (roles, users, subjects) applies.

use super::wire::{
    ConditionOperator, Conjunction, EntityRef, OperandType, ResourceConditionNode, ResourceConditionValue,
};
use crate::json::{self, JsonError, Path};
use permgate_core::{
    condition::Condition, condition::MAX_CONDITION_DEPTH, condition::Operand, condition::OperandKind,
    condition::Operator, text::Escaped,
};

/// Reads a `resourceConditionNode` at `path`: the one reader of conditions
/// in role JSON, users and subjects.
pub(crate) fn from_node(node: &ResourceConditionNode, path: &Path) -> Result<Condition, JsonError> {
    read_node(node, path, 0)
}

fn read_node(node: &ResourceConditionNode, path: &Path, depth: usize) -> Result<Condition, JsonError> {
    if depth >= MAX_CONDITION_DEPTH {
        return Err(JsonError::TooDeep {
            path: path.to_string(),
            max: MAX_CONDITION_DEPTH,
        });
    }
    if let Some(terms) = &node.terms {
        // A node is a conjunction or a term: reading one of a node that
        // says both would drop the other.
        let own = [
            ("variableName", node.variable_name.is_some()),
            ("operator", node.operator.is_some()),
            ("operands", node.operands.is_some()),
        ];
        if let Some((field, _)) = own.iter().find(|(_, present)| *present) {
            return Err(json::invalid(
                path,
                format!("both `terms` and `{field}`: a node is a conjunction of terms or a term, not both"),
            ));
        }
        let terms_path = path.field("terms");
        if terms.is_empty() {
            return Err(json::invalid(&terms_path, "a conjunction needs at least one term"));
        }
        let children = terms
            .iter()
            .enumerate()
            .map(|(n, term)| read_node(term, &terms_path.index(n), depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        return match node
            .conjunction
            .as_ref()
            .ok_or_else(|| json::missing(path, "conjunction"))?
        {
            Conjunction::And => Ok(Condition::All(children)),
            Conjunction::Or => Ok(Condition::Any(children)),
            other => Err(json::invalid(
                &path.field("conjunction"),
                format!("unknown conjunction `{}`; expected AND or OR", Escaped(other.as_str())),
            )),
        };
    }
    let variable = node
        .variable_name
        .as_deref()
        .ok_or_else(|| json::missing(path, "variableName"))?;
    let operator = match node.operator.as_ref().ok_or_else(|| json::missing(path, "operator"))? {
        ConditionOperator::Eq => Operator::Eq,
        ConditionOperator::In => Operator::In,
        ConditionOperator::Ge => Operator::Ge,
        ConditionOperator::Gt => Operator::Gt,
        ConditionOperator::Le => Operator::Le,
        ConditionOperator::Lt => Operator::Lt,
        other => {
            return Err(json::invalid(
                &path.field("operator"),
                format!(
                    "unknown operator `{}`; expected EQ, IN, GE, GT, LE or LT",
                    Escaped(other.as_str())
                ),
            ));
        }
    };
    let operands_path = path.field("operands");
    let operands = node
        .operands
        .as_ref()
        .ok_or_else(|| json::missing(path, "operands"))?
        .iter()
        .enumerate()
        .map(|(n, operand)| operand_from_wire(operand, &operands_path.index(n)))
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

/// A condition as a `resourceConditionNode`.
///
/// ```
/// use permgate::genesys::wire::ResourceConditionNode;
/// use permgate::{condition::Condition, condition::Operand, condition::OperandKind, condition::Operator};
///
/// let condition = Condition::Term {
///     variable: "Queue.id".into(),
///     operator: Operator::In,
///     operands: vec![Operand::new(OperandKind::Queue, "q-1")],
/// };
/// let node = ResourceConditionNode::from(&condition);
/// assert_eq!(
///     serde_json::to_string(&node)?,
///     r#"{"variableName":"Queue.id","operator":"IN","operands":[{"type":"QUEUE","queue":{"id":"q-1"}}]}"#
/// );
/// assert_eq!(Condition::try_from(&node), Ok(condition));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl From<&Condition> for ResourceConditionNode {
    fn from(condition: &Condition) -> Self {
        match condition {
            Condition::All(terms) | Condition::Any(terms) => ResourceConditionNode {
                conjunction: Some(if matches!(condition, Condition::All(_)) {
                    Conjunction::And
                } else {
                    Conjunction::Or
                }),
                terms: Some(terms.iter().map(ResourceConditionNode::from).collect()),
                ..ResourceConditionNode::default()
            },
            Condition::Term {
                variable,
                operator,
                operands,
            } => ResourceConditionNode {
                variable_name: Some(variable.clone()),
                operator: Some(ConditionOperator::from_api(operator.as_str())),
                operands: Some(operands.iter().map(operand_to_wire).collect()),
                ..ResourceConditionNode::default()
            },
            // A condition of a kind this version does not know: a
            // conjunction of no terms, which never holds and which every
            // reader refuses, rather than a node that could read as less.
            _ => ResourceConditionNode {
                conjunction: Some(Conjunction::Or),
                terms: Some(Vec::new()),
                ..ResourceConditionNode::default()
            },
        }
    }
}

/// Reads a `resourceConditionNode` the way the role readers do: an unknown
/// `conjunction` or `operator`, an empty `terms` or `operands`, a missing
/// field or a tree deeper than [`MAX_CONDITION_DEPTH`] is an error, named at
/// its JSON path from `$` (the node).
impl TryFrom<&ResourceConditionNode> for Condition {
    type Error = JsonError;

    fn try_from(node: &ResourceConditionNode) -> Result<Self, JsonError> {
        from_node(node, &Path::root())
    }
}

fn operand_from_wire(operand: &ResourceConditionValue, path: &Path) -> Result<Operand, JsonError> {
    let kind = OperandKind::from_api(
        operand
            .kind
            .as_ref()
            .ok_or_else(|| json::missing(path, "type"))?
            .as_str(),
    );
    let entity = match kind {
        OperandKind::User => operand.user.as_ref(),
        OperandKind::Queue => operand.queue.as_ref(),
        OperandKind::Team => operand.team.as_ref(),
        _ => None,
    };
    let value = match (entity, &operand.value) {
        (Some(entity), _) => &entity.id,
        (None, Some(value)) => value,
        (None, None) => return Err(json::missing(path, "value")),
    };
    Ok(Operand::new(kind, value.clone()))
}

fn operand_to_wire(operand: &Operand) -> ResourceConditionValue {
    let entity = || Some(EntityRef::new(operand.value.clone()));
    let mut wire = ResourceConditionValue {
        kind: Some(OperandType::from_api(operand.kind.as_str())),
        ..ResourceConditionValue::default()
    };
    match operand.kind {
        OperandKind::User => wire.user = entity(),
        OperandKind::Queue => wire.queue = entity(),
        OperandKind::Team => wire.team = entity(),
        _ => wire.value = Some(operand.value.clone()),
    }
    wire
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use serde_json::Value;

    use super::*;

    fn parse(value: Value) -> Result<Condition, JsonError> {
        let node: ResourceConditionNode = json::typed(&value.to_string())?;
        from_node(&node, &Path::root())
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
        assert_eq!(
            serde_json::to_value(ResourceConditionNode::from(&condition)).unwrap(),
            node
        );
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
        // An operand type this version does not know is kept, with its value.
        let group = json!({"variableName": "v", "operator": "EQ", "operands": [{"type": "GROUP", "value": "g"}]});
        let condition = parse(group.clone()).unwrap();
        assert_eq!(condition.to_string(), "v EQ GROUP g");
        assert_eq!(
            serde_json::to_value(ResourceConditionNode::from(&condition)).unwrap(),
            group
        );
        let team = json!({"variableName": "Queue.team", "operator": "EQ", "operands": [{"type": "TEAM", "team": {"id": "t-1"}}]});
        let condition = parse(team.clone()).unwrap();
        assert_eq!(condition.to_string(), "Queue.team EQ TEAM t-1");
        assert_eq!(
            serde_json::to_value(ResourceConditionNode::from(&condition)).unwrap(),
            team
        );
        let no_value =
            json!({"variableName": "v", "operator": "EQ", "operands": [{"type": "GROUP", "group": {"id": "g"}}]});
        assert_eq!(
            parse(no_value),
            Err(json::missing(&Path::root().field("operands").index(0), "value"))
        );
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
