//! String questions about keys no catalog knows, against a model written here: the answer from
//! the grants (unknown keys equal ignoring ASCII case; string patterns `d:e:*`, `d:*:*`, `d:*:a`
//! covering segment by segment), or the error `permgate::parse::parse` names for a malformed
//! string, a wildcard or a label no catalog defines.
//!
//! The string path answers a plain key (`domain:entity:action`, letters and digits) with a fast
//! path of its own (validated eight bytes at a time, then the patterns ruled out by the key's
//! domain before they are probed); everything else goes through `parse`. The questions here are
//! grants and keys near them in random ASCII case, then bent: one byte changed, a trailing `:`,
//! an empty segment, a `*`, a `>`, cut short, grown past the length limit. Each is asked of a role
//! and of a user holding the role in every division, who walk different code, and both must
//! answer exactly as the model.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use permgate::parse::{MAX_PERMISSION_LEN, ParseError, QuestionError, Spelling, excerpt, parse};
use permgate::{Catalog, Division, Policy};
use proptest::prelude::*;

/// The grants: unknown keys and flat names, string patterns of the three shapes, and catalog
/// keys and wildcards (which answer nothing here: their domains are the catalog's).
fn grants() -> Vec<String> {
    let mut grants = Vec::new();
    for i in 0..6 {
        grants.push(format!("acme{i}:widget:view"));
        grants.push(format!("Acme{i}:LongEntityName{i}:someLongActionName"));
        grants.push(format!("zeta{i}:gadget:*"));
        grants.push(format!("eta{i}:*:*"));
        grants.push(format!("theta{i}:*:edit"));
    }
    grants.extend(
        [
            "ab:c:d",
            "CONTACTS_READ_ALL",
            "routing:queue:view",
            "journey:*:*",
            "x1:y2:z3",
        ]
        .map(String::from),
    );
    grants
}

/// What a string asks of a role granted `grants`, without the library's answer: the model.
fn model(grants: &[String], question: &str) -> Result<bool, QuestionError> {
    if question.len() > MAX_PERMISSION_LEN {
        return Err(ParseError::TooLong {
            length: question.len(),
            max: MAX_PERMISSION_LEN,
        }
        .into());
    }
    let spelling = parse(question)?;
    if spelling.is_wildcard() {
        return Err(QuestionError::Wildcard {
            input: excerpt(question),
        });
    }
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match spelling {
        Spelling::Label { .. } => Err(QuestionError::UnknownLabel {
            input: excerpt(question),
        }),
        Spelling::Flat(name) => Ok(grants.iter().any(|grant| same(grant, name))),
        Spelling::Key { domain, entity, action } => Ok(grants.iter().any(|grant| {
            let parts: Vec<&str> = grant.split(':').collect();
            let segment = |held: &str, asked: &str| held == "*" || same(held, asked);
            parts.len() == 3 && same(parts[0], domain) && segment(parts[1], entity) && segment(parts[2], action)
        })),
    }
}

/// A key near the grants: one of them, a pattern's instance, or another key of a granted domain.
fn base() -> impl Strategy<Value = String> {
    let grant = prop::sample::select(grants());
    let segment = "[a-zA-Z0-9]{1,12}";
    let instance = (0..6usize, segment, segment, 0..4usize).prop_map(|(i, entity, action, shape)| match shape {
        0 => format!("zeta{i}:gadget:{action}"),
        1 => format!("eta{i}:{entity}:{action}"),
        2 => format!("theta{i}:{entity}:edit"),
        _ => format!("acme{i}:{entity}:{action}"),
    });
    let any = (segment, segment, segment).prop_map(|(d, e, a)| format!("{d}:{e}:{a}"));
    prop_oneof![grant, instance, any, "[a-zA-Z][a-zA-Z0-9_]{0,20}"]
}

/// How a question is bent before it is asked.
#[derive(Debug, Clone)]
enum Bend {
    None,
    /// Byte `at` (modulo the length) replaced by `byte`.
    Byte {
        at: usize,
        byte: char,
    },
    TrailingColon,
    /// A `:` doubled: an empty segment.
    EmptySegment {
        at: usize,
    },
    /// Cut to `len` bytes.
    Cut {
        len: usize,
    },
    /// Repeated in its domain until `len` bytes, around the limit.
    Grown {
        len: usize,
    },
}

fn bend() -> impl Strategy<Value = Bend> {
    let bytes = prop::sample::select(vec![
        ':', '*', '>', ' ', '_', '@', '[', '`', '{', '/', '\0', '\u{7f}', 'é', 'a', 'Z', '0', '9',
    ]);
    prop_oneof![
        Just(Bend::None),
        (any::<usize>(), bytes).prop_map(|(at, byte)| Bend::Byte { at, byte }),
        Just(Bend::TrailingColon),
        any::<usize>().prop_map(|at| Bend::EmptySegment { at }),
        (0..12usize).prop_map(|len| Bend::Cut { len }),
        (MAX_PERMISSION_LEN - 8..MAX_PERMISSION_LEN + 8).prop_map(|len| Bend::Grown { len }),
    ]
}

fn apply(question: &str, bend: &Bend) -> String {
    match *bend {
        Bend::None => question.to_owned(),
        Bend::Byte { at, byte } => {
            let at = at % question.len();
            let mut bent: String = question.chars().take(at).collect();
            bent.push(byte);
            bent.extend(question.chars().skip(at + 1));
            bent
        }
        Bend::TrailingColon => format!("{question}:"),
        Bend::EmptySegment { at } => match question.match_indices(':').nth(at % 2) {
            Some((colon, _)) => format!("{}:{}", &question[..colon], &question[colon..]),
            None => format!(":{question}"),
        },
        Bend::Cut { len } => question.chars().take(len).collect(),
        Bend::Grown { len } => {
            let grow = len.saturating_sub(question.len());
            format!("{}{question}", "a".repeat(grow))
        }
    }
}

/// Each byte's ASCII case flipped where `flips` says (bit `i % 64` for byte `i`).
fn recase(question: &str, flips: u64) -> String {
    question
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if flips >> (i % 64) & 1 == 1 {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn unknown_keys_are_answered_or_refused_as_the_model_says(
        question in base(),
        flips in any::<u64>(),
        bend in bend(),
    ) {
        let grants = grants();
        let question = apply(&recase(&question, flips), &bend);
        let catalog = Catalog::builtin();
        // Names the catalog knows are another path.
        prop_assume!(catalog.lookup(&question).is_none());
        let mut builder = Policy::builder(catalog);
        let role = builder.add_role("r", &grants).unwrap();
        let user = builder.add_user("u", [(role, Division::All)]).unwrap();
        let policy = builder.build();
        let expected = model(&grants, &question);
        prop_assert_eq!(&policy.allows(role, question.as_str()), &expected, "role, {:?}", question);
        prop_assert_eq!(&policy.allows(user, question.as_str()), &expected, "user, {:?}", question);
        prop_assert_eq!(
            &policy.allows(policy.user_in(user, "d1"), question.as_str()),
            &expected,
            "user in d1, {:?}",
            question
        );
    }
}

#[test]
fn the_bends_reach_every_path() {
    // Plain keys over eight bytes (the fast path), short ones, flat names, each error.
    let grants = grants();
    let asked = [
        ("ACME3:Widget:VIEW", Ok(true)),
        ("acme3:widget:edit", Ok(false)),
        ("zeta2:GADGET:anything", Ok(true)),
        ("eta5:a:b", Ok(true)),
        ("theta0:x:EDIT", Ok(true)),
        ("theta0:x:view", Ok(false)),
        ("ab:c:d", Ok(true)),
        ("contacts_read_all", Ok(true)),
        ("contacts_read", Ok(false)),
    ];
    for (question, expected) in asked {
        assert_eq!(model(&grants, question), expected, "{question}");
    }
    assert!(matches!(
        model(&grants, "acme3:widget:"),
        Err(QuestionError::Malformed(ParseError::EmptySegment {
            segment: "action",
            ..
        }))
    ));
    assert!(matches!(
        model(&grants, "acme3:*:view"),
        Err(QuestionError::Wildcard { .. })
    ));
    assert!(matches!(
        model(&grants, "acme3:wid@get:view"),
        Err(QuestionError::Malformed(ParseError::InvalidChar {
            ch: '@',
            offset: 9,
            ..
        }))
    ));
    assert!(matches!(
        model(&grants, "A > B > C"),
        Err(QuestionError::UnknownLabel { .. })
    ));
    let long = format!("{}:b:c", "a".repeat(MAX_PERMISSION_LEN));
    assert!(matches!(
        model(&grants, &long),
        Err(QuestionError::Malformed(ParseError::TooLong { .. }))
    ));
}
