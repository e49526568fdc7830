//! Users compiled on demand: [`Policy::compile_user`] and [`CompiledUser`].

use std::sync::Arc;

use super::builder::Held;
use super::{BuildError, Policy, PolicyBuilder};
use crate::definition::UserDefinition;
use crate::gate::{Denied, Gate, Granted};
use crate::principal::{Principal, UserId};
use crate::question::Question;

impl Policy {
    /// Compiles `user` against this policy, outside its users: for a user
    /// learned at run time (the caller's users/me or subjects/me document,
    /// or grants in code) rather than known when the policy was built.
    ///
    /// The result is a small policy of its own, over this policy's catalog
    /// (shared, not copied), holding only what the user needs: the roles
    /// it holds and its direct grants. It answers every question exactly as
    /// the same user added to this policy with
    /// [`add_user_definition`](PolicyBuilder::add_user_definition) would,
    /// through the same code. This policy is not changed; dropping the
    /// compiled user leaves nothing behind.
    ///
    /// Roles: a role of the definition that grants nothing (no grants, no
    /// legacy names: a subject's grant whose role came without its
    /// policies) and whose name this policy holds is this policy's role,
    /// with what it grants here. Any other role is compiled from the
    /// definition, which is what the platform says now: a role this policy
    /// holds under the same name but with other grants does not conflict.
    /// Direct grants (a users/me document's) are compiled as
    /// [`add_user_definition`](PolicyBuilder::add_user_definition) compiles them.
    ///
    /// ```
    /// use permgate::{Catalog, Policy, genesys::UserAuthorization, gates::ActionMapEditor, perm};
    ///
    /// let policy = Policy::builder(Catalog::builtin()).role("agent", ["routing:queue:view"])?.build();
    /// // The caller's own document: GET /api/v2/users/me?expand=authorization.
    /// let me = UserAuthorization::parse(r#"{"id": "u-1", "authorization": {
    ///   "permissions": ["journey:actionmap:*", "routing:queue:join:d-east"]}}"#)?;
    /// let user = policy.compile_user(&me.definition(None))?;
    /// assert!(user.allows(perm::journey::ACTIONMAP_EDIT));
    /// assert!(user.check::<ActionMapEditor>().is_ok());
    /// let east = user.in_division("d-east");
    /// assert!(user.policy().allows(east, perm::routing::QUEUE_JOIN));
    /// assert!(!user.allows(perm::routing::QUEUE_JOIN)); // not in every division
    /// assert!(user.is_compiled_against(&policy));
    /// assert_eq!(policy.users().len(), 0); // nothing left behind
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`add_user_definition`](PolicyBuilder::add_user_definition) on an
    /// empty builder: an empty user name, an empty division, one role name
    /// for two roles that grant differently, or a grant that does not compile.
    pub fn compile_user(&self, user: &UserDefinition) -> Result<CompiledUser, BuildError> {
        let mut builder = PolicyBuilder::new(&self.catalog);
        for (definition, _) in &user.roles {
            if definition.grants.is_empty() && definition.legacy.is_empty() {
                if let Some(&index) = self.names.get(definition.name.as_str()) {
                    builder.copy_role(self, index)?;
                }
            }
        }
        let id = builder.add_user_from(user, Held::ForNameOnly)?;
        Ok(CompiledUser {
            inner: Arc::new(Compiled {
                policy: builder.build(),
                user: id,
                against: self.id,
            }),
        })
    }
}

/// A user compiled on demand by [`Policy::compile_user`]: a small policy of
/// its own that holds this one user, and the id of the policy it was
/// compiled against.
///
/// It is an owned value, cheap to clone (an `Arc`), `Send + Sync +
/// 'static`: a service can cache it per caller and hand it to handlers.
///
/// - [`allows`](Self::allows) and [`check`](Self::check) answer in every
///   division, as [`Policy::allows`] and [`Policy::check`] do for a user:
///   one bit test, one masked compare.
/// - Every other question goes to [`policy`](Self::policy), about
///   [`id`](Self::id) (the user in every division) or
///   [`in_division`](Self::in_division) (the user in one division, as
///   [`Policy::user_in`] gives it): `decide`, `explain`,
///   `divisions_permitted`, `check_info`, `allows` and `check` in a
///   division, `permissions`, `name`.
///
/// A [`Granted`] proof it gives is from its own policy:
/// `granted.is_from(user.policy())` is `true`, and `false` for the policy
/// it was compiled against. A policy reloaded after the user was compiled
/// is another policy: [`is_compiled_against`](Self::is_compiled_against)
/// tells a stale user, to be compiled again, from a current one.
///
/// ```
/// use permgate::{Catalog, Decision, Division, Policy, RoleDefinition, UserDefinition, explain::Permitted, perm};
///
/// let policy = Policy::builder(Catalog::builtin()).role("queue viewer", ["routing:queue:view"])?.build();
/// // A subject names its role without its policies: this policy's role is used.
/// let ana = UserDefinition::new("ana").role(RoleDefinition::new("queue viewer"), Division::new("d-east"));
/// let user = policy.compile_user(&ana)?;
/// let copy = user.clone(); // an `Arc` clone
/// let (inner, east) = (copy.policy(), copy.in_division("d-east"));
/// assert_eq!(inner.decide(east, perm::routing::QUEUE_VIEW), Decision::Allowed);
/// assert_eq!(inner.decide(copy.in_division("d-west"), perm::routing::QUEUE_VIEW), Decision::Denied);
/// assert_eq!(inner.divisions_permitted(copy.id(), perm::routing::QUEUE_VIEW), Permitted::In(vec!["d-east"]));
/// assert_eq!(inner.explain(east, "routing:queue:view")?.reasons[0].role, "queue viewer");
/// assert_eq!(inner.name(copy.id()), Some("ana"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CompiledUser {
    inner: Arc<Compiled>,
}

#[derive(Debug)]
struct Compiled {
    policy: Policy,
    user: UserId,
    /// The id of the policy the user was compiled against.
    against: u64,
}

impl CompiledUser {
    /// The user's own policy: its catalog, the roles the user holds, and
    /// the user. Ask it anything a [`Policy`] answers, about [`id`](Self::id)
    /// or [`in_division`](Self::in_division).
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The user in [`policy`](Self::policy): what it may do in every
    /// division. A [`UserId`] converts into a [`Principal`].
    pub fn id(&self) -> UserId {
        self.inner.user
    }

    /// The user in division `division` (a division id; `*` is every
    /// division), as [`Policy::user_in`] gives it: the division is looked up
    /// once, here; questions on the principal cost one bit test.
    pub fn in_division(&self, division: &str) -> Principal {
        self.inner.policy.user_in(self.inner.user, division)
    }

    /// Whether the user may do what `question` names in every division:
    /// [`Policy::allows`] on [`id`](Self::id). A typed permission is one bit
    /// test. For a division, ask [`policy`](Self::policy) about
    /// [`in_division`](Self::in_division).
    ///
    /// # Errors
    ///
    /// As [`Policy::allows`], for a string.
    #[inline]
    pub fn allows<Q: Question>(&self, question: Q) -> Q::Answer<bool> {
        self.inner.policy.allows(self.inner.user, question)
    }

    /// Checks gate `G` in every division: [`Policy::check`] on
    /// [`id`](Self::id). The proof is from [`policy`](Self::policy).
    ///
    /// # Errors
    ///
    /// As [`Policy::check`]: the gate is denied, with what is missing.
    #[inline]
    pub fn check<G: Gate>(&self) -> Result<Granted<G>, Denied> {
        self.inner.policy.check::<G>(self.inner.user)
    }

    /// Whether the user was compiled against `policy`: `false` once that
    /// policy has been reloaded (the new one has a new id), so a cached
    /// user is compiled again rather than mixed with a newer policy. A
    /// clone of a policy is the same policy.
    pub fn is_compiled_against(&self, policy: &Policy) -> bool {
        self.inner.against == policy.id
    }
}
