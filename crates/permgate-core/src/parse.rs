//! Parsing permission strings in their three spellings ([`Spelling`]:
//! `domain:entity:action`, `Domain > Entity > Action`, a CxEngage flat name),
//! and why a string is none of them ([`ParseError`]). Adapters check the keys
//! they read with [`parse`] and [`check_segment`].

use crate::caseless::word_at;
use crate::text::Escaped;
use crate::text::is_other_space;

/// The longest permission string accepted, in bytes. Real keys and labels are
/// under 100 bytes; anything longer is rejected before it is hashed.
pub const MAX_PERMISSION_LEN: usize = 256;

/// A syntactically valid permission string, split but not yet resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the fields are the segments the variant names
pub enum Spelling<'a> {
    /// `domain:entity:action`; `*` may stand for a whole entity or action.
    Key {
        domain: &'a str,
        entity: &'a str,
        action: &'a str,
    },
    /// `Domain > Entity > Action` (segments trimmed). `action_is_all` when the
    /// action is `All` or `All Permissions`.
    Label {
        domain: &'a str,
        entity: &'a str,
        action: &'a str,
        action_is_all: bool,
    },
    /// A CxEngage flat name: `CONTACTS_READ`.
    Flat(&'a str),
}

impl Spelling<'_> {
    /// Whether the string names more than one permission.
    pub fn is_wildcard(&self) -> bool {
        match *self {
            Spelling::Key { domain, entity, action } => domain == "*" || entity == "*" || action == "*",
            Spelling::Label { action_is_all, .. } => action_is_all,
            Spelling::Flat(_) => false,
        }
    }
}

/// Splits and validates `input`. Wildcard rules that depend on use (grant or
/// question) are checked by the caller.
///
/// ```
/// use permgate::parse::{Spelling, parse};
///
/// assert!(matches!(parse("journey:actionmap:*"), Ok(Spelling::Key { action: "*", .. })));
/// assert!(matches!(parse("Journey > Action Map > All"), Ok(s) if s.is_wildcard()));
/// assert!(matches!(parse("CONTACTS_READ"), Ok(Spelling::Flat(_))));
/// assert!(parse("journey::view").is_err());
/// ```
///
/// # Errors
///
/// Why `input` is not a permission or a wildcard in any spelling.
pub fn parse(input: &str) -> Result<Spelling<'_>, ParseError> {
    if input.is_empty() {
        return Err(ParseError::Empty);
    }
    if input.len() > MAX_PERMISSION_LEN {
        return Err(ParseError::TooLong {
            length: input.len(),
            max: MAX_PERMISSION_LEN,
        });
    }
    // One pass over the bytes: a `>` makes it a label wherever it is; else
    // the colons say a key (and where its segments end) or a flat name.
    let mut colons = [0usize; 2];
    let mut found = 0usize;
    let mut plain = true; // every byte but the colons ASCII alphanumeric
    for (at, &byte) in input.as_bytes().iter().enumerate() {
        match BYTE_CLASS.get(usize::from(byte)).copied().unwrap_or(OTHER) {
            ALPHANUMERIC => {}
            COLON => {
                if let Some(slot) = colons.get_mut(found) {
                    *slot = at;
                }
                found += 1;
            }
            ARROW => return parse_label(input),
            _ => plain = false,
        }
    }
    let [domain_end, entity_end] = colons;
    match found {
        0 => parse_flat(input),
        2 if plain && domain_end > 0 && entity_end > domain_end + 1 && entity_end + 1 < input.len() => {
            // The common key: three non-empty alphanumeric segments.
            match (
                input.get(..domain_end),
                input.get(domain_end + 1..entity_end),
                input.get(entity_end + 1..),
            ) {
                (Some(domain), Some(entity), Some(action)) => Ok(Spelling::Key { domain, entity, action }),
                _ => parse_key(input),
            }
        }
        _ => parse_key(input),
    }
}

/// `input` as a key of three non-empty segments of ASCII letters and
/// digits (the common question), validated and split in one pass eight
/// bytes at a time; `None` for anything else (and for a key under eight
/// bytes), which [`parse`] then reads. What it returns is what [`parse`]
/// returns.
#[inline]
pub(crate) fn plain_key(input: &str) -> Option<Spelling<'_>> {
    let bytes = input.as_bytes();
    let len = bytes.len();
    if !(8..=MAX_PERMISSION_LEN).contains(&len) {
        return None;
    }
    let mut colons = [0usize; 2];
    let mut found = 0usize;
    let mut take = |colon: u64, start: usize| {
        let mut bits = colon;
        while bits != 0 {
            *colons.get_mut(found)? = start + bits.trailing_zeros() as usize / 8;
            found += 1;
            bits &= bits - 1;
        }
        Some(())
    };
    // Whole words, then the eight bytes that end the input, of which those
    // seen before are not looked at again.
    let mut at = 0;
    while at + 8 < len {
        take(plain_bytes(word_at(bytes, at), HIGH)?, at)?;
        at += 8;
    }
    let start = len - 8;
    take(plain_bytes(word_at(bytes, start), HIGH << (8 * (at - start)))?, start)?;
    let [domain_end, entity_end] = colons;
    if found != 2 || domain_end == 0 || entity_end == domain_end + 1 || entity_end + 1 == len {
        return None;
    }
    let (domain, rest) = input.split_at_checked(domain_end)?;
    let (entity, action) = rest.split_at_checked(entity_end - domain_end)?;
    Some(Spelling::Key {
        domain,
        entity: entity.get(1..)?,
        action: action.get(1..)?,
    })
}

/// Each byte of a word (its high bit in `HIGH`).
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;

/// The colons of `word`, bit 7 of each byte that is one, if every byte
/// whose bit 7 is in `lanes` is an ASCII letter, digit or colon; `None`
/// if not.
#[inline(always)]
fn plain_bytes(word: u64, lanes: u64) -> Option<u64> {
    // In each byte: bit 7 set where the byte is in `lo..=hi` (for bytes
    // under 0x80: no carry crosses a byte).
    let in_range =
        |low7: u64, lo: u8, hi: u8| (low7 + ONES * u64::from(0x80 - lo)) & !(low7 + ONES * u64::from(0x7f - hi));
    let low7 = word & !HIGH;
    let letter = in_range(low7 | (ONES * 0x20), b'a', b'z');
    // `0`..`9` and `:` are one run.
    let digit_or_colon = in_range(low7, b'0', b':');
    let plain = (letter | digit_or_colon) & !word & lanes;
    if plain != lanes {
        return None;
    }
    let colon = !((low7 ^ (ONES * u64::from(b':'))) + ONES * 0x7f);
    Some(colon & plain)
}

const SEGMENT_NAMES: [&str; 3] = ["domain", "entity", "action"];

/// What [`parse`]'s one pass makes of each byte: one table load, not a
/// chain of comparisons.
const ALPHANUMERIC: u8 = 0;
const COLON: u8 = 1;
const ARROW: u8 = 2;
const OTHER: u8 = 3;
const BYTE_CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        if let Some((_, [slot, ..])) = class.split_at_mut_checked(byte) {
            *slot = match byte as u8 {
                b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALPHANUMERIC,
                b':' => COLON,
                b'>' => ARROW,
                _ => OTHER,
            };
        }
        byte += 1;
    }
    class
};

fn parse_key(input: &str) -> Result<Spelling<'_>, ParseError> {
    let mut segments = [""; 3];
    let mut found = 0;
    for segment in input.split(':') {
        if let Some(slot) = segments.get_mut(found) {
            *slot = segment;
        }
        found += 1;
    }
    if found != 3 {
        return Err(ParseError::SegmentCount {
            input: excerpt(input),
            found,
        });
    }
    let mut offset = 0;
    for (segment, name) in segments.into_iter().zip(SEGMENT_NAMES) {
        if let Err(problem) = segment_problem(segment) {
            return Err(problem.error(input, name, offset));
        }
        offset += segment.len() + 1;
    }
    let [domain, entity, action] = segments;
    Ok(Spelling::Key { domain, entity, action })
}

/// What is wrong with one segment of a `domain:entity:action` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentProblem {
    Empty,
    PartialWildcard,
    InvalidChar { ch: char, at: usize },
}

impl SegmentProblem {
    /// The error for this problem in the segment `name` of `input`, the
    /// segment starting at byte `offset` of `input`.
    fn error(self, input: &str, name: &'static str, offset: usize) -> ParseError {
        let input = excerpt(input);
        match self {
            SegmentProblem::Empty => ParseError::EmptySegment { input, segment: name },
            SegmentProblem::PartialWildcard => ParseError::PartialWildcard { input, segment: name },
            SegmentProblem::InvalidChar { ch, at } => ParseError::InvalidChar {
                input,
                ch,
                offset: offset + at,
            },
        }
    }
}

/// The one rule for a key segment: non-empty, and ASCII alphanumeric or
/// exactly `*` (a `*` inside a segment is a partial wildcard).
fn segment_problem(segment: &str) -> Result<(), SegmentProblem> {
    if segment.is_empty() {
        return Err(SegmentProblem::Empty);
    }
    if segment == "*" || segment.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(());
    }
    match segment.char_indices().find(|&(_, c)| !c.is_ascii_alphanumeric()) {
        None => Ok(()),
        Some((_, '*')) => Err(SegmentProblem::PartialWildcard),
        Some((at, ch)) => Err(SegmentProblem::InvalidChar { ch, at }),
    }
}

/// Checks one segment on its own, as a role's `domain` or `entityName`
/// field: the error quotes `segment` and offsets are within it. `name` is
/// `domain`, `entity` or `action`. Whether `*` is allowed where the segment
/// is used (never as a domain) is the caller's rule.
///
/// # Errors
///
/// Why `segment` cannot be that segment of a key.
pub fn check_segment(segment: &str, name: &'static str) -> Result<(), ParseError> {
    segment_problem(segment).map_err(|problem| problem.error(segment, name, 0))
}

fn parse_label(input: &str) -> Result<Spelling<'_>, ParseError> {
    if let Some((offset, ch)) = input.char_indices().find(|&(_, c)| c.is_control()) {
        return Err(ParseError::InvalidChar {
            input: excerpt(input),
            ch,
            offset,
        });
    }
    let mut parts = input.split('>').map(trim_spaces);
    let (Some(domain), Some(entity), Some(action), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::SegmentCount {
            input: excerpt(input),
            found: input.split('>').count(),
        });
    };
    for (part, name) in [domain, entity, action].into_iter().zip(SEGMENT_NAMES) {
        if part.is_empty() {
            return Err(ParseError::EmptySegment {
                input: excerpt(input),
                segment: name,
            });
        }
    }
    let action_is_all = is_all(action);
    Ok(Spelling::Label {
        domain,
        entity,
        action,
        action_is_all,
    })
}

fn parse_flat(input: &str) -> Result<Spelling<'_>, ParseError> {
    let bad = input
        .char_indices()
        .find(|&(at, c)| !(c.is_ascii_alphabetic() || (at > 0 && (c.is_ascii_digit() || c == '_'))));
    match bad {
        Some((offset, ch)) => Err(ParseError::InvalidChar {
            input: excerpt(input),
            ch,
            offset,
        }),
        None => Ok(Spelling::Flat(input)),
    }
}

/// Whether a label segment is `All` or `All Permissions`, the labels'
/// wildcard (any space between the words, as [`trim_spaces`] reads them).
pub(crate) fn is_all(segment: &str) -> bool {
    let Some(rest) = segment
        .get(..3)
        .filter(|all| all.eq_ignore_ascii_case("All"))
        .and_then(|_| segment.get(3..))
    else {
        return false;
    };
    let mut chars = rest.chars();
    match chars.next() {
        None => true,
        Some(space) if is_space(space) => chars.as_str().eq_ignore_ascii_case("Permissions"),
        Some(_) => false,
    }
}

/// Whether `ch` is a space of a label: the ASCII space, or a Unicode space
/// such as the no-break space that pages print in labels
/// ([`is_other_space`]). Tabs, line breaks and other control characters are
/// not.
pub(crate) fn is_space(ch: char) -> bool {
    ch == ' ' || is_other_space(ch)
}

/// Trims spaces ([`is_space`]): other whitespace is not part of any spelling.
pub(crate) fn trim_spaces(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// The input as error messages quote it: at most 100 characters.
pub fn excerpt(input: &str) -> String {
    const MAX_CHARS: usize = 100;
    match input.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", input.get(..cut).unwrap_or_default()),
        None => input.to_owned(),
    }
}

/// Why a string is not a permission or a wildcard in any spelling: its form.
/// Each operation's error wraps it ([`QuestionError`], [`GrantError`]) with
/// what only that operation can refuse.
///
/// Inputs are quoted in the message (at most 100 characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The string is empty.
    #[error("empty permission string")]
    Empty,
    /// The string is longer than [`MAX_PERMISSION_LEN`].
    #[error("permission string of {length} bytes is longer than the limit of {max}")]
    TooLong {
        /// Its length in bytes.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A character that no spelling allows.
    #[error("invalid character {ch:?} at byte {offset} of `{}`", Escaped(input))]
    InvalidChar {
        /// The input.
        input: String,
        /// The character.
        ch: char,
        /// Its byte offset.
        offset: usize,
    },
    /// Not three segments.
    #[error(
        "`{}` has {found} segments; expected three: `domain:entity:action` or `Domain > Entity > Action`",
        Escaped(input)
    )]
    SegmentCount {
        /// The input.
        input: String,
        /// How many segments it has.
        found: usize,
    },
    /// A segment is empty. (`input` is empty when the segment was checked on
    /// its own, as a role's `domain` field.)
    #[error("empty {segment}{}", if input.is_empty() { String::new() } else { format!(" in `{}`", Escaped(input)) })]
    EmptySegment {
        /// The input.
        input: String,
        /// `domain`, `entity` or `action`.
        segment: &'static str,
    },
    /// `*` is only allowed as a whole segment.
    #[error("`*` must be a whole segment, not part of the {segment}, in `{}`", Escaped(input))]
    PartialWildcard {
        /// The input.
        input: String,
        /// `domain`, `entity` or `action`.
        segment: &'static str,
    },
}

/// The longest division id [`Division::parse`](crate::Division::parse)
/// accepts, in bytes. Genesys Cloud division ids are UUIDs (36 bytes).
pub const MAX_DIVISION_ID_LEN: usize = 128;

/// Why a division id read from a request or a document is not one
/// ([`Division::parse`](crate::Division::parse)). None of them is ever read
/// as "every division": only `*` is.
///
/// Inputs are quoted in the message (at most 100 characters, escaped).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DivisionError {
    /// The id is empty.
    #[error("empty division id")]
    Empty,
    /// The id is only whitespace.
    #[error("blank division id `{}`", Escaped(id))]
    Blank {
        /// The input.
        id: String,
    },
    /// The id is longer than [`MAX_DIVISION_ID_LEN`].
    #[error("division id of {length} bytes is longer than the limit of {max}")]
    TooLong {
        /// Its length in bytes.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// The id holds whitespace (`d east`, a tab, a no-break space).
    #[error("whitespace at byte {offset} of division id `{}`", Escaped(id))]
    Whitespace {
        /// The input.
        id: String,
        /// The byte offset of the first whitespace.
        offset: usize,
    },
    /// The id holds a control character or an invisible format character
    /// (a zero-width space, a bidirectional override, a line separator).
    #[error(
        "control or invisible character {ch:?} at byte {offset} of division id `{}`",
        Escaped(id)
    )]
    Control {
        /// The input.
        id: String,
        /// The character.
        ch: char,
        /// Its byte offset.
        offset: usize,
    },
}

/// Why a string question ([`Policy::allows`](crate::Policy::allows) and
/// friends with a string, [`Catalog::resolve`](crate::Catalog::resolve),
/// `str::parse::<Permission>`) has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuestionError {
    /// The string is not a permission in any spelling.
    #[error(transparent)]
    Malformed(#[from] ParseError),
    /// The question names a wildcard (`routing:queue:*`, `… > All`).
    #[error(
        "`{}` is a wildcard; ask about one permission, wildcards belong to grants",
        Escaped(input)
    )]
    Wildcard {
        /// The input.
        input: String,
    },
    /// A label that no catalog defines.
    #[error("unknown label `{}`", Escaped(input))]
    UnknownLabel {
        /// The input.
        input: String,
    },
    /// A well-formed key or name that the catalog does not define, where
    /// only catalog permissions can be used ([`Catalog::resolve`](crate::Catalog::resolve),
    /// `str::parse::<Permission>`); `allows` answers such keys instead.
    #[error("unknown permission `{}`", Escaped(input))]
    UnknownPermission {
        /// The input.
        input: String,
    },
}

/// Why a grant (a role's permission or wildcard, in any spelling) was
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// The string is not a permission or a wildcard in any spelling.
    #[error(transparent)]
    Malformed(#[from] ParseError),
    /// `*` as a domain: not a Genesys Cloud form.
    #[error(
        "`{}` has a wildcard domain; Genesys Cloud grants wildcards only for an entity or an action",
        Escaped(input)
    )]
    DomainWildcard {
        /// The input.
        input: String,
    },
    /// A label wildcard over every entity of a domain (`Journey > All > All`):
    /// labels name one entity; the key form `journey:*:*` grants a domain.
    #[error(
        "`{input}` names every entity of a domain; a label wildcard names one entity (`Domain > Entity > All`), grant a whole domain in key form (`domain:*:*`)"
    )]
    EntityWildcardLabel {
        /// The input.
        input: String,
    },
    /// A label wildcard whose `Domain > Entity` prefix the organization's
    /// catalog gives to more than one entity: which one it covers is unclear.
    #[error("`{input}` is ambiguous: its labels name the entities {entities}; grant the entity in key form")]
    AmbiguousLabel {
        /// The input.
        input: String,
        /// The entities the prefix names, as `domain:entity` key prefixes.
        entities: String,
    },
    /// A label that no catalog defines.
    #[error("unknown label `{}`", Escaped(input))]
    UnknownLabel {
        /// The input.
        input: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_three_spellings() {
        assert_eq!(
            parse("journey:actionMap:view"),
            Ok(Spelling::Key {
                domain: "journey",
                entity: "actionMap",
                action: "view"
            })
        );
        assert_eq!(
            parse(" Journey >Action Map>  All Permissions "),
            Ok(Spelling::Label {
                domain: "Journey",
                entity: "Action Map",
                action: "All Permissions",
                action_is_all: true
            })
        );
        assert_eq!(parse("NOTES_CREATE_ALL"), Ok(Spelling::Flat("NOTES_CREATE_ALL")));
        assert!(parse("journey:*:*").is_ok_and(|s| s.is_wildcard()));
        assert!(parse("NOTES_READ_ALL").is_ok_and(|s| !s.is_wildcard()));
    }

    #[test]
    fn plain_keys_split_as_parse_splits_them() {
        let long = format!("{}:b:c", "a".repeat(MAX_PERMISSION_LEN - 4));
        let too_long = format!("{}:b:c", "a".repeat(MAX_PERMISSION_LEN - 3));
        for input in [
            "journey:actionMap:view",
            "ACME500:Widget:VIEW",
            "a:bcdefg:h",
            "abcdefg:h:i",
            "abcdef:h:ij",
            "a1234567:b1234567:c1234567",
            long.as_str(),
        ] {
            assert_eq!(plain_key(input), parse(input).ok(), "{input}");
            assert!(plain_key(input).is_some(), "{input}");
        }
        // Anything else is left to `parse`: too short, too long, empty
        // segments, other counts, wildcards, other bytes, other spellings.
        for input in [
            "a:b:c",
            too_long.as_str(),
            ":bcdefg:h",
            "abcdefg::h",
            "abcdefg:h:",
            "abcdefgh",
            "abcd:efg:h:i",
            "routing:queue:*",
            "routing:qu_eue:view",
            "routing:queue:vie w",
            "routing:quéue:view",
            "routing:queue:view\u{ba}",
            "routing:queue:vi@w",
            "routing:queue:vi[w",
            "routing:queue:vi`w",
            "routing:queue:vi{w",
            "routing:queue:vi/w",
            "Routing > Queue > View",
            "CONTACTS_READ_ALL",
        ] {
            assert_eq!(plain_key(input), None, "{input:?}");
        }
        // Every byte in every position of the last word and the others.
        for at in 0..20 {
            for byte in 0..=255u8 {
                let mut key = *b"abcdefgh:ijklmnop:qrst";
                if let Some(slot) = key.get_mut(at) {
                    *slot = byte;
                }
                let Ok(input) = core::str::from_utf8(&key) else {
                    continue;
                };
                let expected = parse(input).ok().filter(|s| !s.is_wildcard());
                assert_eq!(plain_key(input), expected, "{input:?}");
            }
        }
    }

    #[test]
    fn names_what_is_wrong_and_where() {
        assert_eq!(parse(""), Err(ParseError::Empty));
        assert!(matches!(parse("a:b"), Err(ParseError::SegmentCount { found: 2, .. })));
        assert!(matches!(
            parse("a:b:c:d"),
            Err(ParseError::SegmentCount { found: 4, .. })
        ));
        assert!(matches!(
            parse("a::c"),
            Err(ParseError::EmptySegment { segment: "entity", .. })
        ));
        assert!(matches!(
            parse(":b:c"),
            Err(ParseError::EmptySegment { segment: "domain", .. })
        ));
        assert!(matches!(
            parse("a:b:"),
            Err(ParseError::EmptySegment { segment: "action", .. })
        ));
        assert!(matches!(
            parse("a:b*:c"),
            Err(ParseError::PartialWildcard { segment: "entity", .. })
        ));
        assert!(matches!(
            parse("a:b:c d"),
            Err(ParseError::InvalidChar { ch: ' ', offset: 5, .. })
        ));
        assert!(matches!(
            parse("a:é:c"),
            Err(ParseError::InvalidChar {
                ch: 'é', offset: 2, ..
            })
        ));
        assert!(matches!(parse("A > B"), Err(ParseError::SegmentCount { found: 2, .. })));
        assert!(matches!(
            parse("A >  > C"),
            Err(ParseError::EmptySegment { segment: "entity", .. })
        ));
        assert!(matches!(
            parse("A > B\n > C"),
            Err(ParseError::InvalidChar { ch: '\n', .. })
        ));
        assert!(matches!(
            parse("_NOTES"),
            Err(ParseError::InvalidChar { offset: 0, .. })
        ));
        assert!(matches!(
            parse("NOTES-READ"),
            Err(ParseError::InvalidChar { ch: '-', .. })
        ));
        let long = "a".repeat(MAX_PERMISSION_LEN + 1);
        assert!(matches!(
            parse(&long),
            Err(ParseError::TooLong { length: 257, max: 256 })
        ));
        assert!(parse(&"a".repeat(MAX_PERMISSION_LEN)).is_ok());
    }

    #[test]
    fn a_segment_alone_follows_the_key_rule_and_quotes_itself() {
        assert_eq!(check_segment("routing", "domain"), Ok(()));
        assert_eq!(check_segment("*", "entity"), Ok(()));
        assert_eq!(
            check_segment("", "domain"),
            Err(ParseError::EmptySegment {
                input: String::new(),
                segment: "domain"
            })
        );
        assert_eq!(
            check_segment("", "domain").map_err(|e| e.to_string()),
            Err("empty domain".to_owned())
        );
        assert_eq!(
            check_segment("rout ing", "domain").map_err(|e| e.to_string()),
            Err("invalid character ' ' at byte 4 of `rout ing`".to_owned())
        );
        assert_eq!(
            check_segment("quıue", "entity"),
            Err(ParseError::InvalidChar {
                input: "quıue".into(),
                ch: 'ı',
                offset: 2
            })
        );
        assert_eq!(
            check_segment("a:b", "entity"),
            Err(ParseError::InvalidChar {
                input: "a:b".into(),
                ch: ':',
                offset: 1
            })
        );
        assert_eq!(
            check_segment("que*", "entity"),
            Err(ParseError::PartialWildcard {
                input: "que*".into(),
                segment: "entity"
            })
        );
        // The same rule inside a key, offsets counted from the key's start.
        assert!(matches!(
            parse("routing:quıue:view"),
            Err(ParseError::InvalidChar {
                ch: 'ı',
                offset: 10,
                ..
            })
        ));
    }

    #[test]
    fn messages_quote_a_bounded_excerpt() {
        let input = format!("{}:b", "é".repeat(120));
        let message = parse(&input).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains('…'), "{message}");
        assert!(message.chars().count() < 200, "{message}");
    }
}
