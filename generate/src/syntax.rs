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
    let mut parts = s.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(year), Some(month), None) => {
            digits::<4>(year).is_some() && digits::<2>(month).is_some_and(|m| (1..=12).contains(&m))
        }
        _ => false,
    }
}

/// Exactly `N` ASCII digits, as a number.
fn digits<const N: usize>(s: &str) -> Option<u32> {
    (s.len() == N && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `major.minor.patch`, as the SDK numbers its releases.
pub(crate) fn sdk_version(s: &str) -> Option<Version> {
    (s.split('.').count() == 3).then(|| release(s)).flatten()
}

/// `YYYY-MM-DD`: a day of the calendar.
pub(crate) fn is_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits::<4>(year), digits::<2>(month), digits::<2>(day)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}
