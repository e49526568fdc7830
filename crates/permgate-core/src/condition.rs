//! Conditions on grants, as Genesys Cloud's `resourceConditionNode` tree
//! states them (read and written by the adapter, `genesys::conditions`).

use core::fmt;

use crate::text::Quoted;

/// A condition that restricts a grant to some resources, as a Genesys Cloud
/// permission policy's `resourceConditionNode` states it. permgate does not
/// evaluate conditions: [`Policy::decide`](crate::Policy::decide) hands them to
/// the caller, who knows the resource.
///
/// Two conditions are equal when their trees are: the same conjunctions,
/// variables, operators and operands, in the same order.
///
/// `Display` writes the tree as text, `(A AND B)`, `(A OR B)`, and a term as
/// `Queue.id IN [QUEUE q-1, QUEUE q-2]`, so that no value can read as two: a
/// variable, operand type or value is written as is when it is not empty and
/// every character is alphanumeric or one of `-_.:@/+`, else in double
/// quotes, with `"`, `\` and `` ` `` escaped by a backslash and control and
/// invisible characters as [`Escaped`](crate::text::Escaped) writes them.
///
/// ```
/// use permgate::{condition::Condition, condition::Operand, condition::OperandKind, condition::Operator};
///
/// let one = Condition::Term {
///     variable: "Queue.id".into(),
///     operator: Operator::In,
///     operands: vec![Operand::new(OperandKind::Queue, "q-1, QUEUE q-2")],
/// };
/// assert_eq!(one.to_string(), r#"Queue.id IN [QUEUE "q-1, QUEUE q-2"]"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// The operator the API spells `text` (upper case), if any.
    pub fn from_api(text: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, name)| *name == text).map(|(op, _)| *op)
    }
}

/// A value in a [`Condition::Term`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Operand {
    /// What the value is.
    pub kind: OperandKind,
    /// The user or queue id, the scalar, or the variable name.
    pub value: String,
}

/// The `type` of an [`Operand`].
///
/// Genesys adds operand types over time (`TEAM` came after the first four):
/// one this version does not know loads as [`Other`](Self::Other), with its
/// `value`. A condition is handed to the caller, never evaluated here, so an
/// operand type changes no decision of permgate's; a caller that meets one it
/// cannot evaluate should treat the condition as unmet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum OperandKind {
    /// `USER`: a user id.
    User,
    /// `QUEUE`: a queue id.
    Queue,
    /// `TEAM`: a team id.
    Team,
    /// `SCALAR`: a literal.
    Scalar,
    /// `VARIABLE`: another variable.
    Variable,
    /// A type this version does not know, as the API spells it.
    Other(String),
}

impl OperandKind {
    /// The API's spelling: `USER`, `QUEUE`, `TEAM`, `SCALAR`, `VARIABLE`, or
    /// the unknown type as read.
    pub fn as_str(&self) -> &str {
        match self {
            OperandKind::User => "USER",
            OperandKind::Queue => "QUEUE",
            OperandKind::Team => "TEAM",
            OperandKind::Scalar => "SCALAR",
            OperandKind::Variable => "VARIABLE",
            OperandKind::Other(kind) => kind,
        }
    }
}

impl OperandKind {
    /// The type the API spells `text`: a known one, else [`Other`](Self::Other).
    pub fn from_api(text: &str) -> Self {
        match text {
            "USER" => OperandKind::User,
            "QUEUE" => OperandKind::Queue,
            "TEAM" => OperandKind::Team,
            "SCALAR" => OperandKind::Scalar,
            "VARIABLE" => OperandKind::Variable,
            other => OperandKind::Other(other.to_owned()),
        }
    }
}

/// The deepest condition tree accepted (`resourceConditionNode` nesting), in
/// every reader of conditions.
pub const MAX_CONDITION_DEPTH: usize = 32;

impl Operand {
    /// An operand of `kind` holding `value`: the user, queue or team id, the
    /// scalar, or the variable name.
    ///
    /// ```
    /// use permgate::{condition::Operand, condition::OperandKind};
    ///
    /// let owner = Operand::new(OperandKind::User, "u-1");
    /// assert_eq!((owner.kind.as_str(), owner.value.as_str()), ("USER", "u-1"));
    /// ```
    pub fn new(kind: OperandKind, value: impl Into<String>) -> Self {
        Operand {
            kind,
            value: value.into(),
        }
    }
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
                write!(f, "{} {} ", Quoted(variable), operator.as_str())?;
                let many = operands.len() > 1 || *operator == Operator::In;
                if many {
                    f.write_str("[")?;
                }
                for (n, operand) in operands.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} {}", Quoted(operand.kind.as_str()), Quoted(&operand.value))?;
                }
                if many {
                    f.write_str("]")?;
                }
                Ok(())
            }
        }
    }
}
