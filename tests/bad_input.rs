//! Bad input: every malformed permission string, role name or grant is a typed error, never a panic.
//!
//! Each test names the exact [`ParseError`] or [`BuildError`] variant and the field that locates
//! the problem. A string is tried as a question (`Policy::allows_str`), through the catalog
//! (`Catalog::resolve`, `Catalog::lookup`) and as a grant (`PolicyBuilder::role`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use permgate::{
    BuildError, Catalog, Policy, RoleId, parse::GrantError, parse::MAX_PERMISSION_LEN, parse::ParseError,
    parse::QuestionError, perm,
};
use proptest::prelude::*;

/// The grants of the role most tests ask about.
const GRANTS: [&str; 9] = [
    "journey:segment:*",
    "routing:*:*",
    "conversation:*:view",
    "integration:amiPremiumApps:*",
    "Journey > Action Map > View",
    "CONTACTS_READ",
    "NOTES_CREATE_ALL",
    "x:y:z",
    "FOO_ALL",
];

fn policy() -> (Policy, RoleId) {
    let policy = Policy::builder(Catalog::builtin()).role("r", GRANTS).unwrap().build();
    let role = policy.role("r").unwrap();
    (policy, role)
}

/// The error of `input` as a question.
fn question_error(input: &str) -> QuestionError {
    let (policy, role) = policy();
    match policy.allows(role, input) {
        Ok(answer) => panic!("question `{input:?}` answered {answer}; expected an error"),
        Err(error) => error,
    }
}

/// The error of `input` as the grant at position 1 of role `bad`, checking the fields that
/// locate it.
fn grant_error(input: &str) -> GrantError {
    match Policy::builder(Catalog::builtin()).role("bad", ["journey:segment:view", input]) {
        Ok(_) => panic!("grant `{input:?}` accepted; expected an error"),
        Err(BuildError::Grant {
            role,
            position,
            input: quoted,
            error: source,
        }) => {
            assert_eq!(role, "bad");
            assert_eq!(position, 1);
            if input.chars().count() <= 100 {
                assert_eq!(quoted, input);
            } else {
                assert!(quoted.ends_with('…') && quoted.chars().count() == 101, "{quoted}");
            }
            source
        }
        Err(other) => panic!("grant `{input:?}`: {other:?}"),
    }
}

/// The error of a malformed `input` everywhere: as a question, through `resolve` and as a
/// grant, the same `ParseError` (each operation's error wraps it); `lookup` finds nothing.
fn rejected_everywhere(input: &str) -> ParseError {
    let catalog = Catalog::builtin();
    let QuestionError::Malformed(error) = question_error(input) else {
        panic!("`{input:?}` is not malformed: {:?}", question_error(input));
    };
    assert_eq!(
        catalog.resolve(input),
        Err(QuestionError::Malformed(error.clone())),
        "resolve `{input:?}`"
    );
    assert_eq!(catalog.lookup(input), None, "lookup `{input:?}`");
    assert_eq!(
        grant_error(input),
        GrantError::Malformed(error.clone()),
        "grant `{input:?}`"
    );
    error
}

fn invalid_char(input: &str, ch: char, offset: usize) -> ParseError {
    ParseError::InvalidChar {
        input: input.to_owned(),
        ch,
        offset,
    }
}

#[test]
fn empty_strings() {
    assert_eq!(rejected_everywhere(""), ParseError::Empty);
}

#[test]
fn whitespace_only() {
    for input in [" ", "   ", "\t", " \t\n ", "\n"] {
        let first = input.chars().next().unwrap();
        assert_eq!(rejected_everywhere(input), invalid_char(input, first, 0), "{input:?}");
    }
    // A label made of separators only: its first segment is empty.
    for input in [" > > ", ">>"] {
        assert_eq!(
            rejected_everywhere(input),
            ParseError::EmptySegment {
                input: input.to_owned(),
                segment: "domain"
            }
        );
    }
}

#[test]
fn empty_segments() {
    for (input, segment) in [
        ("a::c", "entity"),
        (":b:c", "domain"),
        ("a:b:", "action"),
        ("::", "domain"),
        ("journey::view", "entity"),
        ("Journey >  > View", "entity"),
        ("> Segment > View", "domain"),
        ("Journey > Segment >", "action"),
        ("Journey > Segment >   ", "action"),
    ] {
        let expected = ParseError::EmptySegment {
            input: input.to_owned(),
            segment,
        };
        assert_eq!(rejected_everywhere(input), expected, "{input:?}");
    }
}

#[test]
fn extra_colons_and_separators() {
    for (input, found) in [
        ("a:b:c:d", 4),
        ("journey:segment:view:x", 4),
        ("a:b:c:d:e", 5),
        ("journey:segment:*:view", 4),
        ("Journey > Segment > View > All", 4),
    ] {
        let expected = ParseError::SegmentCount {
            input: input.to_owned(),
            found,
        };
        assert_eq!(rejected_everywhere(input), expected, "{input:?}");
    }
}

#[test]
fn a_trailing_colon_after_three_segments_is_a_segment_count_error() {
    for input in ["a:b:c:", "journey:segment:view:", "journey:segment:view::"] {
        let error = rejected_everywhere(input);
        assert!(
            matches!(error, ParseError::SegmentCount { found, .. } if found >= 4),
            "{input:?}: {error:?}"
        );
    }
}

#[test]
fn two_segments() {
    for input in [
        "a:b",
        "journey:segment",
        "Journey > Segment",
        "Journey >",
        "journey >segment",
    ] {
        let expected = ParseError::SegmentCount {
            input: input.to_owned(),
            found: 2,
        };
        assert_eq!(rejected_everywhere(input), expected, "{input:?}");
    }
    // Segments are counted first: `journey:` has two, the second empty.
    let expected = ParseError::SegmentCount {
        input: "journey:".into(),
        found: 2,
    };
    assert_eq!(rejected_everywhere("journey:"), expected);
}

#[test]
fn wildcards_are_refused_as_questions() {
    let catalog = Catalog::builtin();
    for input in [
        "journey:*:view",
        "journey:segment:*",
        "journey:*:*",
        "JOURNEY:SEGMENT:*",
        "Journey > Segment > All",
        "journey>segment>all permissions",
        "Integration > amiPremiumApps > All Permissions",
        "Integration > amiPremiumApps > All",
        "integration:amiPremiumApps:*",
        "INTEGRATION:AMIPREMIUMAPPS:*",
        "Attributes > Attribute > All Permissions",
        "*:*:*",
        "*:queue:*",
    ] {
        let expected = QuestionError::Wildcard {
            input: input.to_owned(),
        };
        assert_eq!(question_error(input), expected, "question {input:?}");
        assert_eq!(catalog.resolve(input), Err(expected), "resolve {input:?}");
    }
    // `lookup` finds a catalog row that stands for a whole entity (documented), nothing else.
    assert!(
        catalog
            .lookup("integration:amiPremiumApps:*")
            .is_some_and(|p| p.is_wildcard())
    );
    assert!(
        catalog
            .lookup("Integration > amiPremiumApps > All Permissions")
            .is_some_and(|p| p.is_wildcard())
    );
    assert_eq!(catalog.lookup("journey:segment:*"), None);
    assert_eq!(catalog.lookup("Journey > Segment > All"), None);
    // The same strings are fine as grants (but the domain wildcards, see below).
    let grants = [
        "journey:*:view",
        "journey:segment:*",
        "Journey > Segment > All",
        "Integration > amiPremiumApps > All Permissions",
        "integration:amiPremiumApps:*",
    ];
    assert!(Policy::builder(catalog).role("r", grants).is_ok());
}

#[test]
fn a_domain_wildcard_question_is_refused() {
    let catalog = Catalog::builtin();
    for input in ["*:queue:view", "*:segment:view", "*:journey:view"] {
        let expected = QuestionError::Wildcard {
            input: input.to_owned(),
        };
        assert_eq!(question_error(input), expected, "question {input:?}");
        assert_eq!(catalog.resolve(input), Err(expected), "resolve {input:?}");
    }
}

#[test]
fn partial_wildcards() {
    for (input, segment) in [
        ("journey:seg*:view", "entity"),
        ("journey:*segment:view", "entity"),
        ("journey:**:view", "entity"),
        ("journey:segment:vi*w", "action"),
        ("journey:segment:**", "action"),
        ("jour*:segment:view", "domain"),
        ("**:segment:view", "domain"),
    ] {
        let expected = ParseError::PartialWildcard {
            input: input.to_owned(),
            segment,
        };
        assert_eq!(rejected_everywhere(input), expected, "{input:?}");
    }
    // In a flat name `*` is just an invalid character.
    assert_eq!(rejected_everywhere("CONTACTS_*"), invalid_char("CONTACTS_*", '*', 9));
    assert_eq!(rejected_everywhere("*"), invalid_char("*", '*', 0));
}

#[test]
fn a_domain_wildcard_grant_is_rejected() {
    for input in ["*:*:*", "*:queue:view", "*:queue:*", "*:*:view"] {
        let expected = GrantError::DomainWildcard {
            input: input.to_owned(),
        };
        assert_eq!(grant_error(input), expected, "{input:?}");
    }
    let message = grant_error("*:*:*").to_string();
    assert!(
        message.contains("`*:*:*`") && message.contains("wildcard domain"),
        "{message}"
    );
}

#[test]
fn unknown_labels_are_errors_in_grants_and_questions() {
    for input in [
        "Journey > Nothing > View",
        "Nothing > Segment > View",
        "Journey > Segment > Fly",
        "Journey > Outcome Predictor > View", // the concrete rows of this entity have no label
        "Journey > Action  Map > View",       // inner spacing is part of the name
        "journey > actionmap > view",         // a key's entity is not its label
    ] {
        let catalog = Catalog::builtin();
        let question = QuestionError::UnknownLabel {
            input: input.to_owned(),
        };
        assert_eq!(question_error(input), question, "{input:?}");
        assert_eq!(catalog.resolve(input), Err(question), "{input:?}");
        assert_eq!(catalog.lookup(input), None, "{input:?}");
        assert_eq!(
            grant_error(input),
            GrantError::UnknownLabel {
                input: input.to_owned()
            },
            "{input:?}"
        );
    }
    // An unknown entity label under "All" is an unknown label as a grant, a wildcard as a question.
    for input in ["Journey > Nothing > All", "Nothing > Segment > All Permissions"] {
        let expected = GrantError::UnknownLabel {
            input: input.to_owned(),
        };
        assert_eq!(grant_error(input), expected, "{input:?}");
        assert_eq!(
            question_error(input),
            QuestionError::Wildcard {
                input: input.to_owned()
            }
        );
    }
    // An unknown well-formed key is not an error for the string API, only for `resolve`.
    let (policy, role) = policy();
    assert_eq!(policy.allows(role, "journey:nothing:view"), Ok(false));
    assert_eq!(
        Catalog::builtin().resolve("journey:nothing:view"),
        Err(QuestionError::UnknownPermission {
            input: "journey:nothing:view".into()
        })
    );
}

#[test]
fn non_ascii() {
    for (input, ch, offset) in [
        ("journey:actiön:view", 'ö', 12),
        ("journey：segment：view", '：', 7), // full-width colons: not a separator
        ("journey:😀:view", '😀', 8),
        ("😀", '😀', 0),
        ("journey:segment:view😀", '😀', 20),
        ("CONTACTS_RÉAD", 'É', 10),
        ("journey:ſegment:view", 'ſ', 8), // U+017F folds to `s` in Unicode, not in ASCII
        ("JOURNEY:SEGMENT:VİEW", 'İ', 17),
        ("journey:seg\u{a0}ment:view", '\u{a0}', 11),
    ] {
        assert_eq!(rejected_everywhere(input), invalid_char(input, ch, offset), "{input:?}");
    }
    // Labels are free text: a non-ASCII label is simply not in the catalog.
    for input in [
        "Journey > Actiön Map > View",
        "Jöurney > Segment > View",
        "Journey > ſegment > View",
        "Journey > Segment > View😀",
    ] {
        let catalog = Catalog::builtin();
        let question = QuestionError::UnknownLabel {
            input: input.to_owned(),
        };
        assert_eq!(question_error(input), question, "{input:?}");
        assert_eq!(catalog.resolve(input), Err(question), "{input:?}");
        assert_eq!(catalog.lookup(input), None, "{input:?}");
        assert_eq!(
            grant_error(input),
            GrantError::UnknownLabel {
                input: input.to_owned()
            },
            "{input:?}"
        );
    }
    assert_eq!(
        grant_error("Jöurney > Segment > All"),
        GrantError::UnknownLabel {
            input: "Jöurney > Segment > All".into()
        }
    );
}

#[test]
fn control_characters_and_nul() {
    for (input, ch, offset) in [
        ("\0", '\0', 0),
        ("journey:segment:view\0", '\0', 20),
        ("journey\0:segment:view", '\0', 7),
        ("journey:seg\u{7}ment:view", '\u{7}', 11),
        ("CONTACTS_READ\0", '\0', 13),
        ("CONTACTS_READ\u{7f}", '\u{7f}', 13),
        ("Journey > Segment\0 > View", '\0', 17),
        ("Journey > Segment > View\u{1b}", '\u{1b}', 24),
        ("\u{1b}[31mJourney > Segment > View", '\u{1b}', 0),
    ] {
        assert_eq!(rejected_everywhere(input), invalid_char(input, ch, offset), "{input:?}");
    }
}

#[test]
fn control_whitespace_in_a_label_is_rejected_everywhere() {
    for (input, ch, offset) in [
        ("Journey > Segment > View\n", '\n', 24),
        ("Journey >\tSegment > View", '\t', 9),
        ("\rJourney > Segment > View", '\r', 0),
        ("Journey > Action Map >\u{b}View", '\u{b}', 22),
        ("Journey\u{c} > Action Map > View", '\u{c}', 7),
    ] {
        assert_eq!(rejected_everywhere(input), invalid_char(input, ch, offset), "{input:?}");
    }
}

#[test]
fn max_permission_len_is_accepted_syntactically() {
    assert_eq!(MAX_PERMISSION_LEN, 256);
    let catalog = Catalog::builtin();
    let (policy, role) = policy();
    let flat = "A".repeat(MAX_PERMISSION_LEN);
    let key = format!("a:b:{}", "c".repeat(MAX_PERMISSION_LEN - 4));
    let label = format!("Journey > Segment > {}", "x".repeat(MAX_PERMISSION_LEN - 20));
    for input in [&flat, &key, &label] {
        assert_eq!(input.len(), MAX_PERMISSION_LEN);
    }
    // Well-formed but unknown: a plain `false`, and an unknown grant that stays listed.
    assert_eq!(policy.allows(role, &flat), Ok(false));
    assert_eq!(policy.allows(role, &key), Ok(false));
    assert_eq!(
        catalog.resolve(&flat),
        Err(QuestionError::UnknownPermission {
            input: format!("{}…", "A".repeat(100))
        })
    );
    assert_eq!(
        question_error(&label),
        QuestionError::UnknownLabel {
            input: format!("{}…", &label[..100])
        }
    );
    let policy = Policy::builder(catalog).role("long", [&flat, &key]).unwrap().build();
    let long = policy.role("long").unwrap();
    assert_eq!(policy.audit(long).unwrap().unknown, [flat.as_str(), key.as_str()]);
    assert_eq!(policy.allows(long, &flat.to_ascii_lowercase()), Ok(true));
    assert_eq!(policy.allows(long, &key), Ok(true));
    // 128 two-byte characters are 256 bytes: not too long, but not ASCII either.
    let accents = "é".repeat(128);
    assert_eq!(
        rejected_everywhere(&accents),
        invalid_char(&format!("{}…", "é".repeat(100)), 'é', 0)
    );
}

#[test]
fn one_byte_more_is_too_long() {
    let too_long = ParseError::TooLong {
        length: MAX_PERMISSION_LEN + 1,
        max: MAX_PERMISSION_LEN,
    };
    for input in [
        "A".repeat(MAX_PERMISSION_LEN + 1),
        format!("a:b:{}", "c".repeat(MAX_PERMISSION_LEN - 3)),
        format!("Journey > Segment > {}", "x".repeat(MAX_PERMISSION_LEN - 19)),
        format!("journey:segment:{}", "*".repeat(MAX_PERMISSION_LEN - 15)),
        format!("{}\0", "a".repeat(MAX_PERMISSION_LEN)),
    ] {
        assert_eq!(rejected_everywhere(&input), too_long, "{} bytes", input.len());
    }
    // The limit is in bytes: 129 two-byte characters are 258 bytes.
    assert_eq!(
        rejected_everywhere(&"é".repeat(129)),
        ParseError::TooLong {
            length: 258,
            max: MAX_PERMISSION_LEN
        }
    );
}

#[test]
fn a_ten_megabyte_string_is_rejected_quickly() {
    const TEN_MB: usize = 10 * 1024 * 1024;
    let catalog = Catalog::builtin();
    let (policy, role) = policy();
    let inputs = [
        "a".repeat(TEN_MB),
        format!("journey:segment:{}", "v".repeat(TEN_MB)),
        format!("Journey > Segment > {}", "é".repeat(TEN_MB / 2)),
        ":".repeat(TEN_MB),
        ">".repeat(TEN_MB),
        "\0".repeat(TEN_MB),
    ];
    let start = Instant::now();
    for input in &inputs {
        let expected = ParseError::TooLong {
            length: input.len(),
            max: MAX_PERMISSION_LEN,
        };
        assert_eq!(policy.allows(role, input), Err(expected.clone().into()));
        assert_eq!(catalog.resolve(input), Err(expected.clone().into()));
        assert_eq!(catalog.lookup(input), None);
        match Policy::builder(catalog).role("huge", ["routing:queue:view", input.as_str()]) {
            Err(BuildError::Grant {
                role,
                position,
                input: quoted,
                error: source,
            }) => {
                assert_eq!((role.as_str(), position, source), ("huge", 1, expected.into()));
                assert!(quoted.chars().count() <= 101, "the error quotes an excerpt, not 10 MB");
            }
            other => panic!("{other:?}"),
        }
    }
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
}

#[test]
fn mixed_spellings() {
    for (input, found) in [
        ("journey > segment:view", 2),
        ("journey:segment > view", 2),
        ("Journey > Segment > View > Edit", 4),
    ] {
        let expected = ParseError::SegmentCount {
            input: input.to_owned(),
            found,
        };
        assert_eq!(rejected_everywhere(input), expected, "{input:?}");
    }
    for (input, ch, offset) in [
        ("journey:segment:VIEW_ALL", '_', 20),
        ("journey:segment:view ", ' ', 20),
        (" journey:segment:view", ' ', 0),
        ("journey: segment:view", ' ', 8),
        ("journey-segment-view", '-', 7),
        ("journey.segment.view", '.', 7),
        ("journey/segment/view", '/', 7),
        ("CONTACTS READ", ' ', 8),
        ("contacts-read", '-', 8),
        ("_CONTACTS_READ", '_', 0),
        ("1CONTACTS", '1', 0),
        ("routing:wrap-upCode:view", '-', 12),
    ] {
        assert_eq!(rejected_everywhere(input), invalid_char(input, ch, offset), "{input:?}");
    }
    // Segments are counted before characters are checked.
    let expected = ParseError::SegmentCount {
        input: "CONTACTS_READ:view".into(),
        found: 2,
    };
    assert_eq!(rejected_everywhere("CONTACTS_READ:view"), expected);
    for input in [
        "Journey > Segment > journey:segment:view",
        "journey:segment:view > View > x",
    ] {
        let error = question_error(input);
        assert!(
            matches!(
                error,
                QuestionError::UnknownLabel { .. } | QuestionError::Malformed(ParseError::SegmentCount { .. })
            ),
            "{input:?}: {error:?}"
        );
    }
    // The accepted spellings, for contrast: any case, any spacing around `>`.
    let (policy, role) = policy();
    for input in [
        "journey:SEGMENT:view",
        "journey>segment>view",
        " JOURNEY >SEGMENT>  VIEW ",
        "contacts_read",
    ] {
        assert_eq!(policy.allows(role, input), Ok(true), "{input:?}");
    }
}

#[test]
fn duplicate_role_names() {
    let error = Policy::builder(Catalog::builtin())
        .role("agent", ["routing:queue:view"])
        .unwrap()
        .role("agent", ["routing:queue:join"])
        .unwrap_err();
    assert_eq!(error, BuildError::DuplicateRole { role: "agent".into() });
    assert_eq!(error.to_string(), "duplicate role `agent`");
    // Names are exact: a different case or spacing is another role.
    let policy = Policy::builder(Catalog::builtin())
        .role("agent", ["routing:queue:view"])
        .unwrap()
        .role("Agent", ["routing:queue:join"])
        .unwrap()
        .role(" agent", Vec::<&str>::new())
        .unwrap()
        .build();
    let (lower, upper) = (policy.role("agent").unwrap(), policy.role("Agent").unwrap());
    assert_ne!(lower, upper);
    assert!(policy.allows(lower, perm::routing::QUEUE_VIEW) && !policy.allows(lower, perm::routing::QUEUE_JOIN));
    assert!(policy.allows(upper, perm::routing::QUEUE_JOIN) && !policy.allows(upper, perm::routing::QUEUE_VIEW));
    assert_eq!(policy.role("AGENT"), None);
}

#[test]
fn empty_and_blank_role_names() {
    for name in ["", " ", "   ", "\t\n", "\u{3000}"] {
        let error = Policy::builder(Catalog::builtin())
            .role(name, ["routing:queue:view"])
            .unwrap_err();
        assert_eq!(error, BuildError::EmptyRoleName, "{name:?}");
    }
}

#[test]
fn a_grant_error_names_the_role_the_position_and_the_input() {
    let error = Policy::builder(Catalog::builtin())
        .role("agent", ["routing:queue:view"])
        .unwrap()
        .role(
            "supervisor",
            ["journey:segment:view", "routing:queue:*", "journey:seg*:view", "a::c"],
        )
        .unwrap_err();
    let source = ParseError::PartialWildcard {
        input: "journey:seg*:view".into(),
        segment: "entity",
    };
    assert_eq!(
        error,
        BuildError::Grant {
            role: "supervisor".into(),
            position: 2,
            input: "journey:seg*:view".into(),
            error: source.clone().into(),
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("`supervisor`") && message.contains("grant 2") && message.contains("`journey:seg*:view`"),
        "{message}"
    );
    // The cause is in the message, once, and not chained again as a source
    // (a `{:#}` chain would print it twice).
    assert_eq!(message.matches(&source.to_string()).count(), 1, "{message}");
    assert!(std::error::Error::source(&error).is_none());
    // Positions count from 0 and any IntoIterator of strings works.
    let error = Policy::builder(Catalog::builtin())
        .role("r", vec![String::from("journey:segment:view"), String::new()])
        .unwrap_err();
    assert!(matches!(
        error,
        BuildError::Grant {
            position: 1,
            error: GrantError::Malformed(ParseError::Empty),
            ..
        }
    ));
}

#[test]
fn add_role_leaves_the_builder_usable_after_an_error() {
    let mut builder = Policy::builder(Catalog::builtin());
    builder.add_role("a", ["routing:queue:view"]).unwrap();
    // Errors of every kind: none of them adds a role or a bit.
    assert!(matches!(
        builder.add_role("b", ["routing:queue:join", "Journey > Nothing > View"]),
        Err(BuildError::Grant { position: 1, .. })
    ));
    assert_eq!(
        builder.add_role("a", ["journey:*:*"]),
        Err(BuildError::DuplicateRole { role: "a".into() })
    );
    assert_eq!(builder.add_role(" ", ["journey:*:*"]), Err(BuildError::EmptyRoleName));
    builder.add_role("c", ["journey:segment:*"]).unwrap();
    // The name of a failed role is still free.
    builder.add_role("b", ["CONTACTS_READ"]).unwrap();
    let policy = builder.build();
    let names: Vec<_> = policy.roles().map(|r| policy.name(r).unwrap()).collect();
    assert_eq!(names, ["a", "c", "b"]);
    let (a, b, c) = (
        policy.role("a").unwrap(),
        policy.role("b").unwrap(),
        policy.role("c").unwrap(),
    );
    let keys = |role| policy.permissions(role).map(|p| p.key()).collect::<Vec<_>>();
    assert_eq!(keys(a), ["routing:queue:view"]);
    assert_eq!(keys(b), ["CONTACTS_READ"]); // not routing:queue:join from the failed attempt
    assert_eq!(
        keys(c),
        [
            "journey:segment:add",
            "journey:segment:delete",
            "journey:segment:edit",
            "journey:segment:view"
        ]
    );
    assert!(!policy.allows(a, perm::journey::SEGMENT_VIEW)); // not journey:*:* from the duplicate
}

#[test]
fn a_role_of_another_policy_is_denied() {
    let catalog = Catalog::builtin();
    let everything = [
        "journey:*:*",
        "routing:*:*",
        "CONTACTS_READ",
        "x:y:z",
        "integration:*:*",
    ];
    let first = Policy::builder(catalog).role("r", everything).unwrap().build();
    let second = Policy::builder(catalog).role("r", everything).unwrap().build();
    let foreign = first.role("r").unwrap();
    let own = second.role("r").unwrap();
    assert_eq!(foreign.index(), own.index());
    assert_ne!(foreign, own);
    for p in catalog.iter() {
        assert!(!second.allows(foreign, p), "{p}");
        if !p.is_wildcard() {
            assert_eq!(second.allows(foreign, p.key()), Ok(false), "{p}");
        }
    }
    for unknown in ["journey:newthing:view", "x:y:z", "X:Y:Z"] {
        assert_eq!(second.allows(own, unknown), Ok(true), "{unknown}");
        assert_eq!(second.allows(foreign, unknown), Ok(false), "{unknown}");
    }
    assert_eq!(second.permissions(foreign).count(), 0);
    assert!(second.audit(foreign).is_none(), "no unknown grants, no audit");
    assert_eq!(second.name(foreign), None);
    // Bad strings are still errors, whoever asks.
    assert_eq!(second.allows(foreign, ""), Err(ParseError::Empty.into()));
    assert!(matches!(
        second.allows(foreign, "journey:segment:*"),
        Err(QuestionError::Wildcard { .. })
    ));
    // And the role still answers in its own policy.
    assert!(first.allows(foreign, perm::journey::SEGMENT_VIEW));
}

// ---------------------------------------------------------------------------------------------
// Arbitrary strings
// ---------------------------------------------------------------------------------------------

/// Cases per property: `PERMGATE_PROPTEST_CASES`, 256 by default.
fn config() -> ProptestConfig {
    let cases = std::env::var("PERMGATE_PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

/// Whether `GRANTS` grants `question`, decided independently of the library: a catalog
/// permission whose bit is set, a key under one of the patterns, or an unknown grant.
fn justified(policy: &Policy, role: RoleId, question: &str) -> bool {
    if let Some(p) = Catalog::builtin().lookup(question) {
        return !p.is_wildcard() && policy.allows(role, p);
    }
    let patterns = [
        ["journey", "segment", "*"],
        ["routing", "*", "*"],
        ["conversation", "*", "view"],
        ["integration", "amipremiumapps", "*"],
        ["x", "y", "z"],
    ];
    let segments: Vec<&str> = question.split(':').collect();
    let well_formed = segments.len() == 3
        && segments
            .iter()
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()));
    let covered = well_formed
        && patterns.iter().any(|pattern| {
            pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| *p == "*" || p.eq_ignore_ascii_case(s))
        });
    covered || question.eq_ignore_ascii_case("FOO_ALL")
}

/// Strings made of the pieces of real permission strings, to hit near-valid inputs often.
fn pieces() -> impl Strategy<Value = String> {
    let vocabulary = &[
        "journey",
        "Journey",
        "segment",
        "Segment",
        "routing",
        "queue",
        "view",
        "View",
        "x",
        "y",
        "z",
        ":",
        ":",
        "*",
        " > ",
        ">",
        " ",
        "All",
        "All Permissions",
        "CONTACTS",
        "_READ",
        "_ALL",
        "FOO",
        "é",
        "\0",
        "\t",
        "integration",
        "amiPremiumApps",
        "Integration",
        "conversation",
    ][..];
    proptest::collection::vec(proptest::sample::select(vocabulary), 0..10).prop_map(|parts| parts.concat())
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:*> _\\-é]{0,40}",
        pieces(),
        "[a-z:*]{250,260}",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// No string makes any entry point panic; whatever `allows_str` allows is granted.
    #[test]
    fn arbitrary_strings_never_panic_and_true_is_justified(input in any_input()) {
        let catalog = Catalog::builtin();
        let (policy, role) = policy();
        let answer = policy.allows(role, &input);
        if answer == Ok(true) {
            prop_assert!(justified(&policy, role, &input), "`{:?}` allowed but not granted", input);
        }
        let looked_up = catalog.lookup(&input);
        match catalog.resolve(&input) {
            Ok(p) => {
                prop_assert_eq!(looked_up, Some(p));
                prop_assert_eq!(answer, Ok(policy.allows(role, p)));
            }
            Err(QuestionError::UnknownPermission { .. }) => prop_assert!(answer.is_ok(), "`{:?}`: {:?}", input, answer),
            Err(_) => {}
        }
        // As a grant: accepted or a grant error at its position; once granted, it is allowed.
        match Policy::builder(catalog).role("g", [input.as_str()]) {
            Ok(builder) => {
                let policy = builder.build();
                let granted = policy.role("g").unwrap();
                if let Ok(answer) = policy.allows(granted, &input) {
                    prop_assert!(answer, "`{:?}` granted but not allowed", input);
                }
            }
            Err(BuildError::Grant { role, position, .. }) => {
                prop_assert_eq!(role, "g");
                prop_assert_eq!(position, 0);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}

/// Every public error prints each cause once: its message, then its
/// sources (none of which repeats a message above it).
#[test]
fn error_chains_print_each_cause_once() {
    fn chain(error: &dyn std::error::Error) -> Vec<String> {
        let mut out = vec![error.to_string()];
        let mut source = error.source();
        while let Some(next) = source {
            out.push(next.to_string());
            source = next.source();
        }
        out
    }
    let grant = Policy::builder(Catalog::builtin())
        .role("r", ["routing:queue"])
        .unwrap_err();
    let file = permgate::genesys::RoleFile::parse(
        r#"[{"name": "a", "permissionPolicies": [{"domain": "", "entityName": "q", "actionSet": ["v"]}]}]"#,
    )
    .unwrap();
    let role = &file.errors[0];
    let json = permgate::genesys::RoleFile::parse("{").unwrap_err();
    let errors: [&dyn std::error::Error; 4] = [&grant, role, &role.error, &json];
    for error in errors {
        let links = chain(error);
        for (n, link) in links.iter().enumerate().skip(1) {
            assert!(
                !links[..n].iter().any(|above| above.contains(link.as_str())),
                "{links:?}"
            );
        }
    }
    assert!(role.to_string().contains("empty domain"), "{role}");
}
