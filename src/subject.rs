//! [`Subject`]: a user's roles, each granted in a division or in all.

use crate::genesys::{Division, SubjectSpec};
use crate::parse::ParseError;
use crate::{Decision, Escaped, Permission, Policy, RoleId};

/// A subject compiled against a [`Policy`]: its grants as `(role, division)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    grants: Vec<(RoleId, Division)>,
}

/// A subject names a role that the policy does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("subject grant {position}: role `{}` is not in the policy", Escaped(role))]
pub struct UnknownRole {
    /// The grant's position in the subject.
    pub position: usize,
    /// The role's name.
    pub role: String,
}

impl Subject {
    /// A subject from `(role, division)` grants.
    pub fn new(grants: impl IntoIterator<Item = (RoleId, Division)>) -> Self {
        Self {
            grants: grants.into_iter().collect(),
        }
    }

    /// The grants.
    pub fn grants(&self) -> &[(RoleId, Division)] {
        &self.grants
    }
}

impl Policy {
    /// Resolves a subject's grants to this policy's roles, by name. Add the
    /// subject's roles first ([`SubjectSpec::roles`] and
    /// [`PolicyBuilder::add_role_spec`](crate::PolicyBuilder::add_role_spec)).
    ///
    /// # Errors
    ///
    /// A grant whose role the policy does not hold.
    pub fn subject(&self, spec: &SubjectSpec) -> Result<Subject, UnknownRole> {
        let grants = spec.grants.iter().enumerate().map(|(position, grant)| {
            let role = self.role(&grant.role.name).ok_or_else(|| UnknownRole {
                position,
                role: grant.role.name.clone(),
            })?;
            Ok((role, grant.division.clone()))
        });
        Ok(Subject {
            grants: grants.collect::<Result<_, _>>()?,
        })
    }

    /// Whether `subject` may use `permission` in division `division`.
    ///
    /// A division-aware permission (the default where no catalog says) needs
    /// a grant in that division or in all divisions; a permission that is not
    /// division-aware needs any grant.
    ///
    /// ```
    /// use permgate::{Catalog, Policy, Subject, genesys::Division, perm};
    ///
    /// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
    /// let viewer = policy.role("viewer").unwrap();
    /// let ana = Subject::new([(viewer, Division::new("d-east"))]);
    /// assert!(policy.allows_in(&ana, perm::routing::QUEUE_VIEW, "d-east"));
    /// assert!(!policy.allows_in(&ana, perm::routing::QUEUE_VIEW, "d-west"));
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    pub fn allows_in(&self, subject: &Subject, permission: Permission<'_>, division: &str) -> bool {
        let anywhere = !self.catalog().is_division_aware(permission);
        subject
            .grants
            .iter()
            .any(|(role, scope)| (anywhere || scope.covers(division)) && self.allows(*role, permission))
    }

    /// [`allows_in`](Self::allows_in) with conditional grants: `AllowedIf`
    /// holds the conditions of every grant in reach (in `division`, in all
    /// divisions, or anywhere for a permission that is not division-aware).
    ///
    /// ```
    /// use permgate::{Catalog, Decision, Policy, Subject, genesys::{Division, RoleFile}, perm};
    ///
    /// let file = RoleFile::parse(r#"{"name": "editor", "permissionPolicies": [
    ///   {"domain": "routing", "entityName": "queue", "actionSet": ["edit"], "allowConditions": true,
    ///    "resourceConditionNode": {"variableName": "Queue.id", "operator": "EQ",
    ///      "operands": [{"type": "QUEUE", "queue": {"id": "q-1"}}]}}]}"#)?;
    /// let mut builder = Policy::builder(Catalog::builtin());
    /// builder.add_role_spec(&file.roles[0])?;
    /// let policy = builder.build();
    /// let ana = Subject::new([(policy.role("editor").unwrap(), Division::new("d-east"))]);
    /// assert!(matches!(policy.decide_in(&ana, perm::routing::QUEUE_EDIT, "d-east"), Decision::AllowedIf(_)));
    /// assert_eq!(policy.decide_in(&ana, perm::routing::QUEUE_EDIT, "d-west"), Decision::Denied);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_in(&self, subject: &Subject, permission: Permission<'_>, division: &str) -> Decision<'_> {
        if self.allows_in(subject, permission, division) {
            return Decision::Allowed;
        }
        let anywhere = !self.catalog().is_division_aware(permission);
        let mut conditions = Vec::new();
        let in_reach = subject
            .grants
            .iter()
            .filter(|(_, scope)| anywhere || scope.covers(division));
        for (role, _) in in_reach {
            if let Decision::AllowedIf(found) = self.decide(*role, permission) {
                conditions.extend(found);
            }
        }
        Decision::from_conditions(conditions.into_iter())
    }

    /// [`allows_in`](Self::allows_in) for a permission in any spelling. A key
    /// the catalog does not know is treated as division-aware.
    ///
    /// # Errors
    ///
    /// As [`allows_str`](Self::allows_str).
    pub fn allows_in_str(&self, subject: &Subject, permission: &str, division: &str) -> Result<bool, ParseError> {
        match self.catalog().resolve(permission) {
            Ok(known) => Ok(self.allows_in(subject, known, division)),
            Err(ParseError::UnknownPermission { .. }) => {
                for (role, scope) in &subject.grants {
                    if scope.covers(division) && self.allows_str(*role, permission)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }
}
