//! Printing text taken from untrusted documents ([`Escaped`]), and messages
//! written around it ([`Prose`]).

use core::fmt;

/// Writes text from an untrusted document (a role name, a description, a
/// condition value, a key, a label, a file name) so that it cannot alter a
/// terminal or forge lines of output.
///
/// Every `char::is_control` character (C0, including `\n`, `\r`, `\t` and
/// ESC; DEL; C1, U+0080 to U+009F), the invisible and bidirectional format
/// characters (U+061C, U+200B to U+200F, U+202A to U+202E, U+2060 to U+2064,
/// U+2066 to U+2069, U+FEFF), the line and paragraph separators (U+2028,
/// U+2029) and the spaces other than the ASCII one (the no-break space
/// U+00A0, the thin and narrow no-break spaces U+2009 and U+202F, …) are
/// written as escapes: `\n`, `\r`, `\t`, or `\u{1b}` with the
/// code point in lowercase hexadecimal. A backslash is written `\\`, so an
/// escaped string is never mistaken for a name that holds a literal `\n`.
/// A backtick is written `` \` ``: output quotes names in backticks
/// (``role `viewer` ``), and a name cannot end its own quotation. Everything
/// else, such as `é` or `名前`, is written as is.
///
/// Nothing is allocated: the text between escapes is written in slices.
/// Width and precision (`{:<20}`) apply to the escaped text.
///
/// ```
/// use permgate::text::Escaped;
///
/// let name = "agent\n\x1b[8mgranted\u{202e}";
/// assert_eq!(Escaped(name).to_string(), r"agent\n\u{1b}[8mgranted\u{202e}");
/// assert_eq!(Escaped(r"C:\roles").to_string(), r"C:\\roles");
/// assert_eq!(format!("role `{}`", Escaped("a`: granted")), r"role `a\`: granted`");
/// assert_eq!(Escaped("Équipe 名前").to_string(), "Équipe 名前");
/// assert_eq!(format!("[{:<6}]", Escaped("a\tb")), r"[a\tb  ]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Escaped<'a>(pub &'a str);

/// Whether `ch` is a Unicode space other than the ASCII one, and neither a
/// control character nor a line or paragraph separator: the no-break space
/// U+00A0 (which the Predictive Engagement and digital user tracking pages
/// print in labels), U+1680, U+2000 to U+200A (thin, hair, figure space…),
/// the narrow no-break space U+202F, U+205F and U+3000. Labels read them as
/// a plain space; [`Escaped`] writes them as escapes, so that a label that
/// holds one does not look like one that does not.
pub(crate) fn is_other_space(ch: char) -> bool {
    ch != ' ' && ch.is_whitespace() && !ch.is_control() && !matches!(ch, '\u{2028}' | '\u{2029}')
}

/// Whether `ch` is written as an escape by [`Escaped`].
pub fn needs_escape(ch: char) -> bool {
    ch == '\\'
        || ch.is_control()
        || is_other_space(ch)
        || matches!(
            ch,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

impl Escaped<'_> {
    /// Writes the escaped text, without padding.
    fn write(self, out: &mut impl fmt::Write) -> fmt::Result {
        write_escaped(self.0, out, escaped_by_escaped)
    }
}

/// Whether [`Escaped`] writes `ch` as an escape.
fn escaped_by_escaped(ch: char) -> bool {
    ch == '`' || needs_escape(ch)
}

/// Writes `text`, each character `escape` picks as an escape: `\n`, `\r`,
/// `\t`, a backslash before `\`, `` ` `` and `"`, else `\u{..}`.
fn write_escaped(text: &str, out: &mut impl fmt::Write, escape: impl Fn(char) -> bool) -> fmt::Result {
    let mut start = 0;
    for (at, ch) in text.char_indices().filter(|&(_, ch)| escape(ch)) {
        out.write_str(text.get(start..at).unwrap_or_default())?;
        match ch {
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            '\\' | '`' | '"' => write!(out, "\\{ch}")?,
            other => write!(out, "\\u{{{:x}}}", u32::from(other))?,
        }
        start = at + ch.len_utf8();
    }
    out.write_str(text.get(start..).unwrap_or_default())
}

/// A message the crate wrote, whose names were escaped as it was written
/// (an error's `problem`, a parser's words): control and invisible
/// characters are escaped as [`Escaped`] escapes them, as a last guard,
/// while its own backticks and backslashes stay as written.
pub struct Prose<'a>(pub &'a str);

impl fmt::Display for Prose<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(self.0, f, |ch| ch != '\\' && needs_escape(ch))
    }
}

/// A value of a condition (a variable, an operand's type, an operand's
/// value), written so that no value can read as two: as is when it is not
/// empty and every character is alphanumeric or one of `-_.:@/+`, else in
/// double quotes, where `"`, `\` and `` ` `` are written with a backslash
/// before them and other characters as [`Escaped`] writes them.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl Quoted<'_> {
    fn bare(&self) -> bool {
        !self.0.is_empty()
            && self
                .0
                .chars()
                .all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | ':' | '@' | '/' | '+'))
    }
}

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bare() {
            return f.write_str(self.0);
        }
        f.write_str("\"")?;
        write_escaped(self.0, f, |ch| ch == '"' || escaped_by_escaped(ch))?;
        f.write_str("\"")
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return self.write(f);
        }
        if !self.0.chars().any(escaped_by_escaped) {
            return f.pad(self.0);
        }
        let mut escaped = String::new();
        self.write(&mut escaped)?;
        f.pad(&escaped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_class_and_keeps_the_rest() {
        let cases = [
            ("\n", r"\n"),
            ("\r", r"\r"),
            ("\t", r"\t"),
            ("\\", r"\\"),
            ("`", r"\`"),
            ("\0", r"\u{0}"),
            ("\x1b", r"\u{1b}"),
            ("\x7f", r"\u{7f}"),
            ("\u{80}", r"\u{80}"),
            ("\u{9f}", r"\u{9f}"),
            ("\u{61c}", r"\u{61c}"),
            ("\u{200b}", r"\u{200b}"),
            ("\u{200f}", r"\u{200f}"),
            ("\u{2028}", r"\u{2028}"),
            ("\u{2029}", r"\u{2029}"),
            ("\u{202a}", r"\u{202a}"),
            ("\u{202e}", r"\u{202e}"),
            ("\u{2060}", r"\u{2060}"),
            ("\u{2064}", r"\u{2064}"),
            ("\u{2066}", r"\u{2066}"),
            ("\u{2069}", r"\u{2069}"),
            ("\u{feff}", r"\u{feff}"),
            ("\u{a0}", r"\u{a0}"),
            ("\u{1680}", r"\u{1680}"),
            ("\u{2009}", r"\u{2009}"),
            ("\u{202f}", r"\u{202f}"),
            ("\u{3000}", r"\u{3000}"),
        ];
        for (raw, escaped) in cases {
            assert_eq!(Escaped(raw).to_string(), escaped, "{raw:?}");
        }
        for clean in ["", "agent", "Journey > Action Map > View", "Équipe 名前 ü", "\"a\""] {
            assert_eq!(Escaped(clean).to_string(), clean);
        }
        assert_eq!(Escaped("a\u{1b}b\nc").to_string(), r"a\u{1b}b\nc");
    }

    #[test]
    fn a_backtick_cannot_end_the_quotation_of_a_name() {
        let forged = "viewer`: 1 of 1 gate granted";
        let line = format!("role `{}`: 0 of 1 gate granted", Escaped(forged));
        // The only unescaped backticks are the two that quote the name.
        let bare = line
            .char_indices()
            .filter(|&(at, ch)| ch == '`' && !line[..at].ends_with('\\'));
        assert_eq!(bare.count(), 2, "{line}");
        assert_eq!(format!("{:<4}|", Escaped("`")), r"\`  |");
    }

    #[test]
    fn quoted_values_read_as_one_value() {
        for bare in ["q-1", "Queue.id", "2024-01-01T00:00:00Z", "a@b/c+d_e", "名前"] {
            assert_eq!(Quoted(bare).to_string(), bare);
        }
        let cases = [
            ("", r#""""#),
            ("q-1, QUEUE q-2", r#""q-1, QUEUE q-2""#),
            ("a\"b", r#""a\"b""#),
            (r"a\b", r#""a\\b""#),
            ("a`b", r#""a\`b""#),
            ("\n\u{1b}[1A", r#""\n\u{1b}[1A""#),
            ("]", r#""]""#),
        ];
        for (raw, quoted) in cases {
            assert_eq!(Quoted(raw).to_string(), quoted, "{raw:?}");
        }
    }

    #[test]
    fn prose_keeps_its_own_quoting_and_escapes_controls() {
        assert_eq!(Prose("unknown operator `X\\`").to_string(), r"unknown operator `X\`");
        assert_eq!(Prose("a\nb\u{1b}").to_string(), r"a\nb\u{1b}");
    }

    #[test]
    fn padding_applies_to_the_escaped_text() {
        assert_eq!(format!("{:>5}|", Escaped("ab")), "   ab|");
        assert_eq!(format!("{:<5}|", Escaped("\n")), r"\n   |");
        assert_eq!(format!("{:.3}|", Escaped("\u{1b}x")), r"\u{|");
    }
}
