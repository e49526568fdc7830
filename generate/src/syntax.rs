//! How catalog values are spelled: key segments, flat names, labels,
//! releases and dates. Each function answers for one value; the validator
//! turns a `false` or `None` into the error for its place.

use crate::model::Version;

/// A key segment: ASCII letters and digits, at least one.
pub(crate) fn is_segment(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A CxEngage flat name: `[A-Z][A-Z0-9_]*`.
pub(crate) fn is_flat_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The three segments of `domain:entity:action`, unchecked.
pub(crate) fn segments(key: &str) -> Option<(&str, &str, &str)> {
    let (domain, rest) = key.split_once(':')?;
    let (entity, action) = rest.split_once(':')?;
    (!action.contains(':')).then_some((domain, entity, action))
}

/// The segments of a platform key: three of ASCII letters and digits.
pub(crate) fn platform_segments(key: &str) -> Option<(&str, &str, &str)> {
    segments(key).filter(|(d, e, a)| is_segment(d) && is_segment(e) && is_segment(a))
}

/// The three parts of a label `Domain > Entity > Action`, each trimmed and
/// not empty.
pub(crate) fn label_parts(label: &str) -> Option<[&str; 3]> {
    let parts: Vec<&str> = label.split(" > ").collect();
    let &[domain, entity, action] = parts.as_slice() else {
        return None;
    };
    let fine = |p: &str| !p.trim().is_empty() && p.trim() == p;
    (fine(domain) && fine(entity) && fine(action)).then_some([domain, entity, action])
}

/// `major.minor` or `major.minor.patch`, each a decimal number without
/// leading zeros.
pub(crate) fn release(s: &str) -> Option<Version> {
    let mut parts = s.split('.').map(number);
    let major = parts.next()??;
    let minor = parts.next()??;
    let patch = match parts.next() {
        None => 0,
        Some(patch) => patch?,
    };
    parts.next().is_none().then_some(Version { major, minor, patch })
}

/// A decimal `u16` without sign or leading zeros.
fn number(s: &str) -> Option<u16> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = s.len() > 1 && s.starts_with('0');
    if digits && !leading_zero { s.parse().ok() } else { None }
}

/// `YYYY-MM`: a month.
pub(crate) fn is_month(s: &str) -> bool {
    let Some((year, month)) = s.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && two_digits(month).is_some_and(|m| (1..=12).contains(&m))
}

fn two_digits(s: &str) -> Option<u8> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD`.
pub(crate) fn is_date(s: &str) -> bool {
    s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}
