//! What the library prints: conditions whose values cannot read as two, names whose backticks
//! cannot end their quotation, explanations that give every reason, and 403 bodies that say why
//! when nothing is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::Gate;
use permgate::genesys::{ForbiddenBody, GATE_REFUSED, REASON_RELEASE_BEFORE_DOCUMENT, RoleFile, forbidden_body};
use permgate::{
    Catalog, Decision, Division, Policy, Release, condition::Condition, condition::Operand, condition::OperandKind,
    condition::Operator, explain::By, gates::AmiStandardUser, perm,
};
use proptest::prelude::*;

/// A reader of the documented text of one term, written apart from the printer:
/// `VARIABLE OPERATOR OPERANDS`, where OPERANDS is `KIND VALUE` or `[KIND VALUE, ...]`, and each
/// token is bare (alphanumerics and `-_.:@/+`) or double-quoted with `\"`, `\\`, `` \` ``, `\n`,
/// `\r`, `\t` and `\u{hex}` escapes.
struct Reader<'a> {
    rest: &'a str,
}

impl Reader<'_> {
    fn token(&mut self) -> String {
        let mut chars = self.rest.char_indices();
        match chars.next() {
            Some((_, '"')) => {
                let mut out = String::new();
                while let Some((at, ch)) = chars.next() {
                    match ch {
                        '"' => {
                            self.rest = &self.rest[at + 1..];
                            return out;
                        }
                        '\\' => match chars.next().unwrap().1 {
                            'n' => out.push('\n'),
                            'r' => out.push('\r'),
                            't' => out.push('\t'),
                            'u' => {
                                assert_eq!(chars.next().unwrap().1, '{');
                                let mut hex = String::new();
                                for (_, h) in chars.by_ref() {
                                    if h == '}' {
                                        break;
                                    }
                                    hex.push(h);
                                }
                                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                            }
                            other => out.push(other),
                        },
                        other => out.push(other),
                    }
                }
                panic!("unterminated quote in {:?}", self.rest)
            }
            _ => {
                let end = self
                    .rest
                    .find(|ch: char| !(ch.is_alphanumeric() || "-_.:@/+".contains(ch)))
                    .unwrap_or(self.rest.len());
                let (token, rest) = self.rest.split_at(end);
                self.rest = rest;
                token.to_owned()
            }
        }
    }

    fn expect(&mut self, text: &str) {
        self.rest = self
            .rest
            .strip_prefix(text)
            .unwrap_or_else(|| panic!("expected {text:?} at {:?}", self.rest));
    }

    /// `(variable, operator, [(kind, value)])`.
    fn term(text: &str) -> (String, String, Vec<(String, String)>) {
        let mut reader = Reader { rest: text };
        let variable = reader.token();
        reader.expect(" ");
        let operator = reader.token();
        reader.expect(" ");
        let list = reader.rest.starts_with('[');
        if list {
            reader.expect("[");
        }
        let mut operands = Vec::new();
        loop {
            let kind = reader.token();
            reader.expect(" ");
            operands.push((kind, reader.token()));
            if list && reader.rest.starts_with(", ") {
                reader.expect(", ");
            } else {
                break;
            }
        }
        if list {
            reader.expect("]");
        }
        assert_eq!(reader.rest, "", "trailing text in {text:?}");
        (variable, operator, operands)
    }
}

fn kind_of(name: &str) -> OperandKind {
    match name {
        "QUEUE" => OperandKind::Queue,
        "USER" => OperandKind::User,
        other => OperandKind::Other(other.to_owned()),
    }
}

proptest! {
    #[test]
    fn condition_text_reads_back_as_the_same_operands(
        variable in any::<String>(),
        operands in proptest::collection::vec(("QUEUE|USER|\\PC*|.*", any::<String>()), 1..4),
    ) {
        let term = Condition::Term {
            variable: variable.clone(),
            operator: Operator::In,
            operands: operands.iter().map(|(kind, value)| Operand::new(kind_of(kind), value.clone())).collect(),
        };
        let text = term.to_string();
        prop_assert!(!text.chars().any(char::is_control), "{text:?}");
        let (read_variable, operator, read) = Reader::term(&text);
        prop_assert_eq!(read_variable, variable);
        prop_assert_eq!(operator, "IN");
        prop_assert_eq!(read, operands);
    }
}

#[test]
fn one_operand_with_a_comma_prints_unlike_two_operands() {
    let term = |values: &[&str]| Condition::Term {
        variable: "Queue.id".into(),
        operator: Operator::In,
        operands: values.iter().map(|v| Operand::new(OperandKind::Queue, *v)).collect(),
    };
    let one = term(&["q-1, QUEUE q-2"]);
    let two = term(&["q-1", "q-2"]);
    assert_ne!(one, two);
    assert_ne!(one.to_string(), two.to_string());
    assert_eq!(one.to_string(), r#"Queue.id IN [QUEUE "q-1, QUEUE q-2"]"#);
    assert_eq!(two.to_string(), "Queue.id IN [QUEUE q-1, QUEUE q-2]");
}

#[test]
fn an_unknown_operand_type_is_printed_escaped() {
    let forged = Condition::Term {
        variable: "Queue.id".into(),
        operator: Operator::Eq,
        operands: vec![Operand::new(OperandKind::Other("\n\x1b[1A\x1b[2Kyes".into()), "q-1")],
    };
    let text = forged.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert_eq!(text, r#"Queue.id EQ "\n\u{1b}[1A\u{1b}[2Kyes" q-1"#);
}

/// The backticks of `text` that no backslash escapes (a `\\` before one escapes itself).
fn bare_backticks(text: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for ch in text.chars() {
        match (escaped, ch) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '`') => count += 1,
            _ => {}
        }
    }
    count
}

#[test]
fn a_backtick_in_a_name_cannot_end_its_quotation() {
    let name = "viewer`: 1 of 1 gate granted";
    let mut builder = Policy::builder(Catalog::builtin());
    let role = builder.add_role(name, ["routing:queue:view"]).unwrap();
    let user = builder.add_user("ana`\\`", [(role, Division::new("d`x"))]).unwrap();
    let policy = builder.build();
    let denied = policy.check::<AmiStandardUser>(policy.role(name).unwrap()).unwrap_err();
    let first = denied.to_string().lines().next().unwrap().to_owned();
    assert!(
        first.starts_with(r"role `viewer\`: 1 of 1 gate granted` does not satisfy"),
        "{first}"
    );
    assert_eq!(bare_backticks(&first), 4, "{first}"); // the name's two, the gate's two
    let why = policy
        .explain(policy.user_in(user, "d`x"), "routing:queue:view")
        .unwrap()
        .to_string();
    // The permission twice, the role and the division: four quotations.
    assert_eq!(bare_backticks(&why), 8, "{why}");
    assert!(why.contains(r"in division `d\`x`"), "{why}");
    // The errors of readers quote what they read the same way.
    let file = RoleFile::parse(
        r#"{"name": "r", "permissionPolicies": [{"domain": "routing", "entityName": "queue", "actionSet": ["edit"],
           "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ`, granted `yes",
           "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#,
    )
    .unwrap();
    let error = file.errors[0].to_string();
    assert!(error.contains(r"unknown operator `EQ\`, granted \`yes`"), "{error}");
}

#[test]
fn explain_gives_every_action_as_the_reason_for_an_unconditional_grant() {
    let org = include_str!("fixtures/ami-entity-actions.json");
    let catalog = permgate::genesys::org_catalog(Catalog::builtin(), org).unwrap();
    let actions = [
        "attributes:attribute:add",
        "attributes:attribute:delete",
        "attributes:attribute:edit",
        "attributes:attribute:view",
    ];
    let policy = Policy::builder(&catalog).role("attributes", actions).unwrap().build();
    let role = policy.role("attributes").unwrap();
    let why = policy.explain(role, perm::attributes::ATTRIBUTE_ALL);
    assert_eq!(why.decision, Decision::Allowed);
    assert_eq!(why.reasons.len(), 1, "{why}");
    assert_eq!(why.reasons[0].by, By::EveryAction);
    assert_eq!(why.reasons[0].condition, None);
    assert!(
        why.to_string()
            .contains("every action the catalog lists for the entity"),
        "{why}"
    );
    // Three of the four actions: no reason, and denied.
    let policy = Policy::builder(&catalog).role("three", &actions[..3]).unwrap().build();
    let why = policy.explain(policy.role("three").unwrap(), perm::attributes::ATTRIBUTE_ALL);
    assert_eq!((why.decision, why.reasons.len()), (Decision::Denied, 0));
}

#[test]
fn explain_in_every_division_names_the_divisions_that_grant_it() {
    let mut builder = Policy::builder(Catalog::builtin());
    let viewer = builder.add_role("viewer", ["routing:queue:view"]).unwrap();
    let ana = builder
        .add_user(
            "ana",
            [(viewer, Division::new("d-east")), (viewer, Division::new("d-west"))],
        )
        .unwrap();
    let policy = builder.build();
    let why = policy.explain(ana, perm::routing::QUEUE_VIEW);
    assert_eq!(why.decision, Decision::Denied);
    assert!(why.reasons.is_empty());
    let places: Vec<_> = why.elsewhere.iter().map(|r| r.division.map(Division::id)).collect();
    assert_eq!(places, [Some("d-east"), Some("d-west")]);
    let text = why.to_string();
    assert!(text.contains("granted only in other divisions"), "{text}");
    assert!(text.contains("role `viewer` in division `d-east`"), "{text}");
    // In a division, its own grant is the reason and nothing is listed elsewhere.
    let why = policy.explain(policy.user_in(ana, "d-east"), perm::routing::QUEUE_VIEW);
    assert_eq!(
        (why.decision, why.reasons.len(), why.elsewhere.len()),
        (Decision::Allowed, 1, 0)
    );
}

#[test]
fn a_refusal_with_nothing_missing_says_why_and_does_not_read_back_as_nothing_missing() {
    let catalog = Catalog::builtin();
    let policy = Policy::builder(catalog)
        .role("empty", ["routing:queue:view"])
        .unwrap()
        .build();
    let denied = policy
        .check_info(
            policy.role("empty").unwrap(),
            AmiStandardUser::INFO,
            Some(Release::new(3, 14)),
        )
        .unwrap_err();
    assert!(denied.missing().is_empty() && denied.unmet_any_of().is_empty());
    let body = forbidden_body(&denied, None);
    assert_eq!(body["code"], GATE_REFUSED);
    assert_eq!(body["status"], 403);
    let message = body["message"].as_str().unwrap();
    assert!(!message.contains("[]") && !message.contains("missing"), "{message}");
    assert!(message.contains("3.14") && message.contains("3.15"), "{message}");
    assert_eq!(body["messageParams"]["reason"], REASON_RELEASE_BEFORE_DOCUMENT);
    assert_eq!(body["messageParams"]["gate"], "AmiStandardUser");
    assert_eq!(body["messageParams"]["appliesFrom"], "3.15");
    let read = ForbiddenBody::parse(&body.to_string()).unwrap();
    assert_eq!(read.code, GATE_REFUSED);
    assert_eq!(read.refused.as_deref(), Some(REASON_RELEASE_BEFORE_DOCUMENT));
    assert!(read.missing.is_empty() && read.any_of.is_empty());
    // A body that names what is missing is not `refused`.
    let denied = policy
        .check::<AmiStandardUser>(policy.role("empty").unwrap())
        .unwrap_err();
    let read = ForbiddenBody::parse(&forbidden_body(&denied, None).to_string()).unwrap();
    assert_eq!(read.refused, None);
    assert!(!read.missing.is_empty());
}
