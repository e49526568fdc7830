//! Compiling a role's grants into a bitset and its side tables.

use crate::catalog::{Catalog, Resolved};
use crate::parse::ParseError;
use crate::permission::Permission;

/// A wildcard grant, `domain:entity:*` or `domain:*:*` (also `domain:*:action`),
/// in the spelling it was granted with. `None` stands for `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    domain: Box<str>,
    entity: Option<Box<str>>,
    action: Option<Box<str>>,
}

impl Pattern {
    /// Parses `domain:entity:action` as produced by [`Catalog::resolve_grant`].
    fn new(key: &str) -> Option<Self> {
        let mut parts = key.split(':');
        let segment = |part: &str| (part != "*").then(|| part.into());
        let (Some(domain), Some(entity), Some(action), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Self {
            domain: domain.into(),
            entity: segment(entity),
            action: segment(action),
        })
    }

    /// Whether the pattern covers the key `domain:entity:action`. A literal
    /// segment matches ignoring ASCII case; `*` matches any segment.
    pub(crate) fn covers(&self, domain: &str, entity: &str, action: &str) -> bool {
        let segment = |pattern: &Option<Box<str>>, value: &str| {
            pattern
                .as_deref()
                .is_none_or(|pattern| pattern.eq_ignore_ascii_case(value))
        };
        self.domain.eq_ignore_ascii_case(domain) && segment(&self.entity, entity) && segment(&self.action, action)
    }

    fn covers_permission(&self, permission: Permission<'_>) -> bool {
        !permission.is_flat() && self.covers(permission.domain(), permission.entity(), permission.action())
    }
}

/// A compiled role's side tables: what the bitset cannot hold.
#[derive(Debug, Clone)]
pub(crate) struct RoleData {
    pub(crate) name: Box<str>,
    /// Wildcard grants, kept so that keys unknown to the catalog but under a
    /// pattern are still allowed by the string API.
    pub(crate) patterns: Vec<Pattern>,
    /// Well-formed grants the catalog does not know, in the granted spelling.
    pub(crate) unknown: Vec<Box<str>>,
}

/// Why one grant of a role was rejected: its position and the parse error.
#[derive(Debug)]
pub(crate) struct GrantError {
    pub(crate) position: usize,
    pub(crate) input: String,
    pub(crate) source: ParseError,
}

impl RoleData {
    /// Resolves every grant against `catalog` and sets the granted bits in
    /// `words` (the role's zeroed slice of the policy's bitset). Wildcards are
    /// expanded here, once.
    pub(crate) fn compile<I, S>(catalog: &Catalog, name: &str, grants: I, words: &mut [u64]) -> Result<Self, GrantError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut role = Self {
            name: name.into(),
            patterns: Vec::new(),
            unknown: Vec::new(),
        };
        for (position, grant) in grants.into_iter().enumerate() {
            let grant = grant.as_ref();
            let error = |source| GrantError {
                position,
                input: crate::parse::excerpt(grant),
                source,
            };
            match catalog.resolve_grant(grant).map_err(error)? {
                Resolved::Known(permission) => set_bit(words, permission.index()),
                Resolved::Pattern(key) => {
                    let pattern = Pattern::new(&key).ok_or_else(|| {
                        error(ParseError::SegmentCount {
                            input: crate::parse::excerpt(grant),
                            found: key.split(':').count(),
                        })
                    })?;
                    for permission in catalog.iter().filter(|p| pattern.covers_permission(*p)) {
                        set_bit(words, permission.index());
                    }
                    if !role.patterns.contains(&pattern) {
                        role.patterns.push(pattern);
                    }
                }
                Resolved::Unknown => {
                    if !role.unknown.iter().any(|known| known.eq_ignore_ascii_case(grant)) {
                        role.unknown.push(grant.into());
                    }
                }
            }
        }
        Ok(role)
    }

    /// Whether a well-formed key or flat name that the catalog does not know
    /// is granted by a kept pattern or an unknown grant.
    pub(crate) fn allows_unknown(&self, key: &str) -> bool {
        let mut parts = key.split(':');
        let covered = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(domain), Some(entity), Some(action), None) => {
                self.patterns.iter().any(|p| p.covers(domain, entity, action))
            }
            _ => false,
        };
        covered || self.unknown.iter().any(|granted| granted.eq_ignore_ascii_case(key))
    }
}

fn set_bit(words: &mut [u64], index: u16) {
    if let Some(word) = words.get_mut(usize::from(index) / 64) {
        *word |= 1 << (index % 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments_ignoring_case() {
        let entity = Pattern::new("journey:segment:*").unwrap();
        assert!(entity.covers("JOURNEY", "Segment", "view"));
        assert!(!entity.covers("journey", "segments", "view"));
        assert!(!entity.covers("journeys", "segment", "view"));
        let domain = Pattern::new("journey:*:*").unwrap();
        assert!(domain.covers("journey", "anything", "at_all"));
        assert!(!domain.covers("routing", "queue", "view"));
        let action = Pattern::new("journey:*:view").unwrap();
        assert!(action.covers("journey", "segment", "view"));
        assert!(!action.covers("journey", "segment", "viewer"));
        assert!(Pattern::new("a:b").is_none());
    }
}
