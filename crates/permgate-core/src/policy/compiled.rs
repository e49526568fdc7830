//! Users compiled on demand: [`Policy::compile_user`] and [`CompiledUser`].

use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock, OnceLock};

use super::builder::Held;
use super::check::Row;
use super::intern::{Bits, Interner, SETS, row};
use super::role::Probe;
use super::role::{GrantSet, RoleData, has_bit};
use super::user::{Source, UserGrant};
use super::who_can::gives_if;
use super::{BuildError, Policy, PolicyBuilder};
use crate::caseless::{seeds, segment_hash};
use crate::catalog::Catalog;
use crate::definition::UserDefinition;
use crate::gate::{CheckOptions, Denied, Gate, GateInfo, Granted};
use crate::parse::Spelling;
use crate::principal::{Division, Kind, Named, Principal, Scope, UserId};
use crate::question::{Asked, Hashed, Question, Resolved};

impl Policy {
    /// Compiles `user` against this policy, outside its users: for a user
    /// learned at run time (the caller's users/me or subjects/me document,
    /// or grants in code) rather than known when the policy was built.
    ///
    /// The result holds the user's name and a body shared by every user
    /// compiled against this policy with the same grants: a pointer to this
    /// policy (a clone of it, two pointers), the user's rows (one for every
    /// division, one per division its grants name) and grant sets, each
    /// stored once however many users hold the same ([`CompiledUser`]). It answers every question exactly as the same
    /// user added to this policy with
    /// [`add_user_definition`](PolicyBuilder::add_user_definition) would.
    /// This policy is not changed; dropping the compiled user leaves
    /// nothing behind.
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
    /// assert!(user.in_division("d-east").allows(perm::routing::QUEUE_JOIN));
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
        // The user's own policy is built once, as `policy()` builds it again,
        // read for what the user keeps, and dropped.
        let mut builder = PolicyBuilder::new(&self.catalog);
        let mut copied = Vec::new();
        for (definition, _) in &user.roles {
            if definition.grants.is_empty() && definition.legacy.is_empty() {
                if let Some(&index) = self.tables.names.get(definition.name.as_str()) {
                    if builder.copy_role(self, index)? {
                        copied.push(index);
                    }
                }
            }
        }
        let id = builder.add_user_from(user, Held::ForNameOnly)?;
        let built = builder.build();
        let data = built
            .tables
            .users
            .get(id.index as usize)
            .ok_or(BuildError::TooManyUsers)?;
        let words = |row: u32| {
            built
                .words(Principal {
                    row,
                    ..Principal::from(id)
                })
                .unwrap_or_default()
        };
        let set = |data: &RoleData| Set::Compiled {
            name: data.name.clone(),
            data: stored(data, words(data.row)),
        };
        let roles = (built.tables.roles.iter().enumerate())
            .map(|(at, data)| match copied.get(at) {
                Some(&index) => Set::Role(index),
                None => set(data),
            })
            .collect();
        let divisions: Box<[(Box<str>, Bits)]> = (data.divisions.iter())
            .map(|(division, at)| (division.clone(), row(words(*at))))
            .collect();
        // Every division a grant names is among `divisions`; one that were
        // not would be left out, never taken for every division.
        let grants = (data.grants.iter())
            .filter_map(|grant| match &grant.division {
                Division::All => Some((grant.source, None)),
                Division::Id(id) => (divisions.iter().position(|(d, _)| **d == **id))
                    .and_then(|n| u32::try_from(n).ok())
                    .map(|n| (grant.source, Some(n))),
            })
            .collect();
        let body = Arc::new(Body {
            base: self.clone(),
            beyond_catalog: built.beyond_catalog,
            divisions,
            roles,
            own: (built.tables.own.iter())
                .map(|data| stored(data, words(data.row)))
                .collect(),
            grants,
        });
        Ok(CompiledUser {
            inner: Arc::new(Compiled {
                everywhere: row(words(data.row)),
                body: BODIES.intern(BODIES.hash(&*body), |held| *held == *body, || Arc::clone(&body)),
                id: built.id,
                row: data.row,
                name: data.name.clone(),
                own_names: built.tables.own.iter().map(|data| data.name.clone()).collect(),
                full: OnceLock::new(),
            }),
        })
    }
}

/// A user compiled on demand by [`Policy::compile_user`]: its name, and a
/// body it shares with every user compiled against the same policy with
/// the same grants (whatever their names): the policy it was compiled
/// against (shared, not copied), its rows (one for every division, one per
/// division its grants name, each stored once however many users hold the
/// same), and which of that policy's roles and which grant sets of its own
/// it holds, in which division.
///
/// It is an owned value, cheap to clone (an `Arc`), `Send + Sync +
/// 'static`: a service can cache it per caller and hand it to handlers.
///
/// - Hot, from the user's own rows: [`allows`](Self::allows) and
///   [`check`](Self::check) in every division, one bit test and one masked
///   compare; the same in one division on [`in_division`](Self::in_division)
///   (the division looked up once); [`name`](Self::name),
///   [`catalog`](Self::catalog).
/// - Cold: every other question goes to [`policy`](Self::policy), the
///   user's own policy (this user, the roles it holds, its own grant
///   sets), built on the first call and kept with the user from then on:
///   `decide`, `explain`, `divisions_permitted`, `check_info`,
///   `permissions`, `may_call`, about [`id`](Self::id) (the user in every
///   division) or [`in_division`](Self::in_division)'s
///   [`principal`](UserIn::principal). A string naming a key no catalog
///   knows is answered from the kept grants in reach without it.
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
/// assert!(copy.in_division("d-east").allows(perm::routing::QUEUE_VIEW)); // hot
/// assert!(!copy.in_division("d-west").allows(perm::routing::QUEUE_VIEW));
/// // Cold: the user's own policy, built now.
/// let (inner, east) = (copy.policy(), copy.in_division("d-east"));
/// assert_eq!(inner.decide(east, perm::routing::QUEUE_VIEW), Decision::Allowed);
/// assert_eq!(inner.divisions_permitted(copy.id(), perm::routing::QUEUE_VIEW), Permitted::In(vec!["d-east"]));
/// assert_eq!(inner.explain(east, "routing:queue:view")?.reasons[0].role, "queue viewer");
/// assert_eq!(inner.name(copy.id()), Some("ana"));
/// assert_eq!(copy.name(), "ana");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CompiledUser {
    inner: Arc<Compiled>,
}

/// What users compiled on demand against one policy with the same grants
/// share, whatever their names ([`Body`]): found by its base policy's id
/// and its contents, its rows and grant sets (interned in
/// [`intern`](super::intern)) by address.
static BODIES: LazyLock<Interner<Body>> = LazyLock::new(Interner::default);

/// What is the user's own: its name, its id, its policy once built; the
/// rest is the shared [`Body`].
#[derive(Debug)]
struct Compiled {
    /// What the user may do in every division: here, not in the body, so
    /// that a question in every division is two dependent loads (the user,
    /// its row).
    everywhere: Bits,
    /// What it shares with users who hold the same grants ([`BODIES`]).
    body: Arc<Body>,
    /// The id of the user's own policy: its principals and proofs are of it.
    id: u64,
    /// The user's first row in its own policy: every division, then one
    /// per named division.
    row: u32,
    name: Box<str>,
    /// The names of its own grant sets, in the order of the body's `own`:
    /// a users/me document's are named after the user.
    own_names: Box<[Box<str>]>,
    /// Its own policy (which names the user), built on the first cold question.
    full: OnceLock<Box<Policy>>,
}

/// What users compiled against one policy with the same grants share,
/// whatever their names: stored once while any of them is held
/// ([`BODIES`]).
///
/// Two bodies are equal ([`PartialEq`]) when they are of the same base
/// policy (its id and its tables: a clone is the same policy, a reload
/// another) and hold the same: divisions, compiled grant sets and their
/// names, grants; not the names of its own grant sets, which are the
/// user's (the user's rows in its own policy follow from them).
/// Rows and compiled grant sets are compared by address:
/// they are interned ([`ROWS`](super::intern::ROWS), [`SETS`]), so equal
/// contents are one `Arc` while a body holds them.
#[derive(Debug)]
struct Body {
    /// The policy it was compiled against: its catalog reads the rows, its
    /// roles are those the user holds by index.
    base: Policy,
    /// Whether a grant set the user holds has a pattern or a key the
    /// catalog does not know.
    beyond_catalog: bool,
    /// Each division its grants name, sorted, with the row of what the user
    /// may do there.
    divisions: Box<[(Box<str>, Bits)]>,
    /// The roles of its own policy, in order.
    roles: Box<[Set]>,
    /// Its own grant sets (a users/me document's), in order, stored once,
    /// nameless: their names are the user's (`Compiled::own_names`).
    own: Box<[Arc<RoleData>]>,
    /// Its grants: a role or own set (indexes into `roles` and `own`), in
    /// every division (`None`) or one of `divisions`.
    grants: Box<[(Source, Option<u32>)]>,
}

impl Body {
    /// What tells it from another body of the same base policy, rows and
    /// compiled grant sets by address.
    fn identity(&self) -> impl Iterator<Item = (Option<u32>, &str, *const u64, *const RoleData)> {
        let divisions = (self.divisions.iter()).map(|(id, bits)| (None, &**id, bits.as_ptr(), core::ptr::null()));
        let own = (self.own.iter()).map(|data| (None, "", core::ptr::null(), Arc::as_ptr(data)));
        divisions.chain(self.roles.iter().map(Set::identity)).chain(own)
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        self.base.id == other.base.id
            && Arc::ptr_eq(&self.base.tables, &other.base.tables)
            && self.beyond_catalog == other.beyond_catalog
            && (self.divisions.len(), self.roles.len(), self.own.len())
                == (other.divisions.len(), other.roles.len(), other.own.len())
            && self.grants == other.grants
            && self.identity().eq(other.identity())
    }
}

impl Eq for Body {}

impl Hash for Body {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.base.id, self.beyond_catalog).hash(state);
        (self.divisions.len(), self.roles.len(), self.own.len()).hash(state);
        self.grants.hash(state);
        self.identity().for_each(|identity| identity.hash(state));
    }
}

/// A grant set the user holds.
#[derive(Debug)]
enum Set {
    /// A role of the policy it was compiled against, by index.
    Role(u32),
    /// Compiled from the definition: its name, and what it grants (stored
    /// once, nameless, its bits in `granted.words`).
    Compiled { name: Box<str>, data: Arc<RoleData> },
}

impl Set {
    /// Its identity in a [`Body`]: a role's index, or a compiled set's name
    /// and the address of its data (stored once).
    fn identity(&self) -> (Option<u32>, &str, *const u64, *const RoleData) {
        match self {
            Set::Role(index) => (Some(*index), "", core::ptr::null(), core::ptr::null()),
            Set::Compiled { name, data } => (None, name, core::ptr::null(), Arc::as_ptr(data)),
        }
    }

    /// What the set grants.
    fn data<'a>(&'a self, base: &'a Policy) -> Option<&'a RoleData> {
        match self {
            Set::Role(index) => base.tables.roles.get(*index as usize),
            Set::Compiled { data, .. } => Some(data),
        }
    }
}

/// `data`, a grant set of the user's own policy whose row is `words`,
/// without its name, stored once ([`SETS`]).
fn stored(data: &RoleData, words: &[u64]) -> Arc<RoleData> {
    let mut set = data.clone();
    set.name = Box::default();
    set.row = 0;
    set.granted.words = words.to_vec();
    let hash = SETS.hash((words, set.granted.side.fingerprint(), set.own, &set.legacy));
    let is = |held: &RoleData| held.own == set.own && held.is_same_role(&held.granted.words, &set);
    SETS.intern(hash, is, || Arc::new(set.clone()))
}

impl Body {
    /// The user's answer from `row`, its row in division `division` (an
    /// index into `divisions`; `None` for every division or one no grant
    /// names).
    #[inline]
    fn answer(&self, row: &[u64], division: Option<u32>, asked: Resolved<'_>) -> bool {
        match asked {
            Resolved::Known(index) => has_bit(row, index),
            Resolved::Foreign => false,
            Resolved::Unknown(spelling, key, hashed) => self.allows_unknown(division, spelling, key, hashed),
        }
    }

    /// A key or flat name no catalog knows: the kept patterns and unknown
    /// grants of the sets in reach in `division` (such a key counts as
    /// division-aware), as [`Policy::allows`] answers it. Once `held` has
    /// looked up their unknown grants, a first look at their patterns by
    /// the key's domain ([`GrantSet::may_cover`]) answers most keys inline,
    /// as the policy's own path does; the rest is a call.
    #[inline]
    fn allows_unknown(&self, division: Option<u32>, spelling: Spelling<'_>, key: &str, hashed: Hashed) -> bool {
        if !self.beyond_catalog {
            return false;
        }
        let mut domain_hash = None;
        if hashed.looked {
            // No pattern covers a flat name.
            let Spelling::Key { domain, .. } = spelling else {
                return false;
            };
            let hash = segment_hash(seeds(), domain.as_bytes());
            if !self.sets_in(division).any(|set| set.may_cover(hash)) {
                return false;
            }
            domain_hash = Some(hash);
        }
        self.probe_unknown(
            division,
            Probe::new(&self.base.catalog, spelling, key, hashed).with_domain_hash(domain_hash),
        )
    }

    /// [`allows_unknown`](Self::allows_unknown) past its first look: the
    /// grant sets in reach probed.
    #[cold]
    fn probe_unknown(&self, division: Option<u32>, probe: Probe<'_>) -> bool {
        (self.sets_in(division)).any(|set| set.holds_beyond_catalog() && set.allows_probe(&probe))
    }

    /// Whether a grant of a key no catalog knows in reach in `division` is
    /// `key` (whose [`whole_hash`](crate::caseless::whole_hash) is `hash`) ignoring
    /// ASCII case, as [`Policy::allows`] finds it before validating a string.
    #[inline]
    fn holds_unknown(&self, division: Option<u32>, key: &str, hash: u64) -> bool {
        self.beyond_catalog && self.sets_in(division).any(|set| set.holds_unknown(key, hash))
    }

    /// The unconditional grant sets in reach in `division` (such a key counts as division-aware).
    fn sets_in(&self, division: Option<u32>) -> impl Iterator<Item = &GrantSet> {
        (self.grants.iter())
            .filter(move |(_, at)| at.is_none() || *at == division)
            .filter_map(|(source, _)| self.set(*source))
            .map(|set| &set.granted)
    }

    /// What the grant set `source` grants.
    fn set(&self, source: Source) -> Option<&RoleData> {
        match source {
            Source::Role(index) => self.roles.get(index as usize)?.data(&self.base),
            Source::Own(index) => self.own.get(index as usize).map(|data| &**data),
        }
    }
}

impl Compiled {
    /// The user in its own policy.
    fn user_id(&self) -> UserId {
        UserId {
            policy: self.id,
            index: 0,
            row: self.row,
        }
    }

    /// The user's own policy, built again from what it keeps: the same
    /// steps as [`Policy::compile_user`], so the same rows and ids.
    fn build(&self) -> Policy {
        let catalog = &self.body.base.catalog;
        let mut builder = PolicyBuilder::with_id(catalog, self.id);
        match self.fill(&mut builder) {
            Ok(()) => builder.build(),
            // It was built so once; if it could not be again, a policy
            // without the user: every question about it is denied.
            Err(_) => PolicyBuilder::with_id(catalog, self.id).build(),
        }
    }

    fn fill(&self, builder: &mut PolicyBuilder) -> Result<(), BuildError> {
        let body = &*self.body;
        let named = |name: &str, data: &RoleData| {
            let mut data = data.clone();
            data.name = name.into();
            data
        };
        for set in &body.roles {
            match set {
                Set::Role(index) => {
                    builder.copy_role(&body.base, *index)?;
                }
                Set::Compiled { name, data } => {
                    builder.push(named(name, data))?;
                }
            }
        }
        let division = |at: &Option<u32>| match at.and_then(|n| body.divisions.get(n as usize)) {
            Some((id, _)) => Division::Id(id.to_string()),
            None => Division::All,
        };
        let held = (body.grants.iter())
            .filter(|(source, _)| matches!(source, Source::Role(_)))
            .map(|(source, at)| UserGrant {
                source: *source,
                division: division(at),
            })
            .collect();
        let own = (body.grants.iter())
            .filter_map(|(source, at)| match source {
                Source::Own(index) => {
                    let index = *index as usize;
                    Some((named(self.own_names.get(index)?, body.own.get(index)?), division(at)))
                }
                Source::Role(_) => None,
            })
            .collect();
        builder.add_user_grants(&self.name, held, own).map(|_| ())
    }

    /// The user's row and division where `who` asks, `None` for a principal
    /// that is not this user.
    fn at(&self, who: Principal) -> Option<UserIn<'_>> {
        if who.policy != self.id {
            return None;
        }
        let (row, division) = match who.kind {
            Kind::User(0)
            | Kind::UserIn {
                user: 0,
                division: None,
            } => (&*self.everywhere, None),
            Kind::UserIn {
                user: 0,
                division: Some(n),
            } => (&*self.body.divisions.get(n as usize)?.1, Some(n)),
            _ => return None,
        };
        Some(UserIn {
            user: self,
            row,
            division,
            principal: who,
        })
    }
}

impl CompiledUser {
    /// The user's own policy: its catalog, the roles the user holds, its
    /// own grant sets, and the user. Ask it anything a [`Policy`] answers,
    /// about [`id`](Self::id) or [`in_division`](Self::in_division).
    ///
    /// Cold: built on the first call (as [`compile_user`](Policy::compile_user)
    /// built it) and kept with the user from then on. The hot questions do
    /// not need it.
    pub fn policy(&self) -> &Policy {
        self.inner.full.get_or_init(|| Box::new(self.inner.build()))
    }

    /// The user in [`policy`](Self::policy): what it may do in every
    /// division. A [`UserId`] converts into a [`Principal`].
    pub fn id(&self) -> UserId {
        self.inner.user_id()
    }

    /// The user's name, as its definition gave it.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The catalog its rows index: that of the policy it was compiled against.
    pub fn catalog(&self) -> &Catalog {
        &self.inner.body.base.catalog
    }

    /// The user in division `division` (a division id; `*` is every
    /// division), looked up once, here: questions on it cost one bit test.
    /// A division none of the user's grants names gets what the user may do
    /// in every division. It converts into the [`Principal`] that
    /// [`Policy::user_in`] gives in [`policy`](Self::policy).
    pub fn in_division(&self, division: &str) -> UserIn<'_> {
        let inner = &*self.inner;
        let body = &*inner.body;
        let user = Principal::from(inner.user_id());
        let every = UserIn {
            user: inner,
            row: &inner.everywhere,
            division: None,
            principal: user,
        };
        if division == "*" {
            return every;
        }
        let found =
            (body.divisions.binary_search_by(|(d, _)| (**d).cmp(division)).ok()).and_then(|n| u32::try_from(n).ok());
        let row = found.map_or(inner.row, |n| inner.row.saturating_add(1).saturating_add(n));
        let principal = Principal {
            row,
            kind: Kind::UserIn {
                user: 0,
                division: found,
            },
            ..user
        };
        // Found, or no grant names it: the row of every division.
        inner.at(principal).unwrap_or(every)
    }

    /// The user as `who` names it ([`id`](Self::id), or a principal of
    /// [`in_division`](Self::in_division)), for the hot questions; `None`
    /// for any other principal (a role of [`policy`](Self::policy), a
    /// principal of another policy).
    pub fn at(&self, who: Principal) -> Option<UserIn<'_>> {
        self.inner.at(who)
    }

    /// Whether the user may do what `question` names in every division, as
    /// [`Policy::allows`] answers for [`id`](Self::id): a typed permission
    /// is one bit test of the user's row. For a division, ask
    /// [`in_division`](Self::in_division).
    ///
    /// # Errors
    ///
    /// As [`Policy::allows`], for a string.
    #[inline]
    pub fn allows<Q: Question>(&self, question: Q) -> Q::Answer<bool> {
        let inner = &*self.inner;
        let body = &*inner.body;
        question.ask(
            &body.base.catalog,
            Some(|key: &str, hash| body.holds_unknown(None, key, hash).then_some(true)),
            |Asked(asked)| body.answer(&inner.everywhere, None, asked),
        )
    }

    /// Checks gate `G` in every division, as [`Policy::check`] on
    /// [`id`](Self::id): one masked compare of the user's row. The proof is
    /// from [`policy`](Self::policy).
    ///
    /// # Errors
    ///
    /// As [`Policy::check`]: the gate is denied, with what is missing.
    #[inline]
    pub fn check<G: Gate>(&self) -> Result<Granted<G>, Denied> {
        let inner = &*self.inner;
        check(inner, &inner.everywhere, Principal::from(inner.user_id()))
    }

    /// Whether the user may do what `asked` names anywhere, at least under
    /// conditions: `false` when it is a catalog permission that neither a
    /// row of the user nor a conditional grant it holds gives. Its rows and
    /// grant sets only, without building its policy.
    pub(super) fn may_hold(&self, asked: Resolved<'_>) -> bool {
        let inner = &*self.inner;
        let body = &*inner.body;
        let Resolved::Known(index) = asked else {
            return !matches!(asked, Resolved::Foreign);
        };
        has_bit(&inner.everywhere, index)
            || body.divisions.iter().any(|(_, row)| has_bit(row, index))
            || (body.grants.iter())
                .filter_map(|(source, _)| body.set(*source))
                .any(|set| (set.conditional.iter()).any(|grant| gives_if(&body.base.catalog, grant, asked)))
    }

    /// Whether the user was compiled against `policy`: `false` once that
    /// policy has been reloaded (the new one has a new id), so a cached
    /// user is compiled again rather than mixed with a newer policy. A
    /// clone of a policy is the same policy.
    pub fn is_compiled_against(&self, policy: &Policy) -> bool {
        self.inner.body.base.id == policy.id
    }
}

/// A [`CompiledUser`] in one division ([`CompiledUser::in_division`]), or in
/// every division ([`CompiledUser::at`] its [`id`](CompiledUser::id)): the
/// division is looked up; each question is one bit test of the user's row
/// there. Converts into its [`Principal`], for the cold questions of
/// [`CompiledUser::policy`].
///
/// ```
/// use permgate::{Catalog, Division, Policy, RoleDefinition, UserDefinition, gates::ActionMapAnalyticsReport, perm};
///
/// let maps = ["journey:actionmap:view", "journey:report:view"];
/// let policy = Policy::builder(Catalog::builtin()).role("maps", maps)?.build();
/// let ana = UserDefinition::new("ana").role(RoleDefinition::new("maps"), Division::new("d-east"));
/// let user = policy.compile_user(&ana)?;
/// let east = user.in_division("d-east");
/// assert!(east.allows(perm::journey::ACTIONMAP_VIEW));
/// assert_eq!(east.allows("Journey > Action Map > View"), Ok(true));
/// assert!(east.check::<ActionMapAnalyticsReport>()?.is_from(user.policy()));
/// assert!(user.in_division("d-west").check::<ActionMapAnalyticsReport>().is_err());
/// assert!(user.policy().allows(east, perm::journey::ACTIONMAP_VIEW)); // the same, cold
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct UserIn<'u> {
    user: &'u Compiled,
    row: &'u [u64],
    division: Option<u32>,
    principal: Principal,
}

impl UserIn<'_> {
    /// Whether the user may do what `question` names here, as
    /// [`Policy::allows`] answers for [`principal`](Self::principal).
    ///
    /// # Errors
    ///
    /// As [`Policy::allows`], for a string.
    #[inline]
    pub fn allows<Q: Question>(&self, question: Q) -> Q::Answer<bool> {
        let user = &*self.user.body;
        question.ask(
            &user.base.catalog,
            Some(|key: &str, hash| user.holds_unknown(self.division, key, hash).then_some(true)),
            |Asked(asked)| user.answer(self.row, self.division, asked),
        )
    }

    /// Checks gate `G` here, as [`Policy::check`] on
    /// [`principal`](Self::principal). The proof is from
    /// [`CompiledUser::policy`].
    ///
    /// # Errors
    ///
    /// As [`Policy::check`]: the gate is denied, with what is missing.
    #[inline]
    pub fn check<G: Gate>(&self) -> Result<Granted<G>, Denied> {
        check(self.user, self.row, self.principal)
    }

    /// The user here, as a principal of [`CompiledUser::policy`].
    pub fn principal(&self) -> Principal {
        self.principal
    }
}

impl From<UserIn<'_>> for Principal {
    fn from(user: UserIn<'_>) -> Self {
        user.principal
    }
}

/// [`Policy::check`] of gate `G` on `words`, the row of `who`, a principal
/// of `user`'s own policy. Inlined always: a call of its own cost a
/// typed check a third of its instructions.
#[inline(always)]
fn check<G: Gate>(user: &Compiled, words: &[u64], who: Principal) -> Result<Granted<G>, Denied> {
    let row = Row {
        catalog: &user.body.base.catalog,
        words,
    };
    match row.granted::<G>() {
        Some(held) => Ok(Granted::new(who, held)),
        None => Err(denied(user, words, who, G::INFO)),
    }
}

/// Why `gate` is denied to `who`, whose row is `words`: out of line, so
/// that the granted path does not lay out the denial's arguments.
#[cold]
fn denied(user: &Compiled, words: &[u64], who: Principal, gate: &'static GateInfo) -> Denied {
    let row = Row {
        catalog: &user.body.base.catalog,
        words,
    };
    row.denied(gate, Some(named(user, who)), CheckOptions::at(gate.release))
}

/// How messages name the user where `who` asks, as its own policy names it.
#[cold]
fn named(user: &Compiled, who: Principal) -> Named {
    let scope = match who.kind {
        Kind::UserIn { division, .. } => division
            .and_then(|n| user.body.divisions.get(n as usize))
            .map_or(Scope::Unnamed, |(id, _)| Scope::In(id.to_string())),
        _ => Scope::Everywhere,
    };
    Named {
        kind: "user",
        name: user.name.to_string(),
        scope,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Weak};

    use crate::definition::{RoleDefinition, UserDefinition};
    use crate::principal::Division;
    use crate::{Catalog, CompiledUser, Policy, perm};

    fn base() -> Policy {
        Policy::builder(Catalog::builtin())
            .role("queue viewer", ["routing:queue:view"])
            .unwrap()
            .role("maps", ["journey:actionmap:view"])
            .unwrap()
            .build()
    }

    /// A user holding the policy's `role` (named only) in `division`, and
    /// its own grants, named after it as a users/me document's are.
    fn user(name: &str, role: &str, division: &str) -> UserDefinition {
        let own = RoleDefinition::new(format!("users/{name} permissions")).grant(["journey:report:view"]);
        UserDefinition::new(name)
            .role(RoleDefinition::new(role), Division::new(division))
            .direct(own, Division::All)
    }

    fn shared(a: &CompiledUser, b: &CompiledUser) -> bool {
        Arc::ptr_eq(&a.inner.body, &b.inner.body)
    }

    #[test]
    fn users_with_the_same_grants_share_one_body_and_answer_as_themselves() {
        let policy = base();
        let ana = policy.compile_user(&user("ana", "queue viewer", "d-east")).unwrap();
        let bob = policy
            .clone()
            .compile_user(&user("bob", "queue viewer", "d-east"))
            .unwrap();
        assert!(shared(&ana, &bob), "a clone of the policy is the same policy");
        assert!(Arc::ptr_eq(&ana.inner.everywhere, &bob.inner.everywhere));
        for (compiled, name) in [(&ana, "ana"), (&bob, "bob")] {
            assert_eq!(compiled.name(), name);
            assert!(compiled.in_division("d-east").allows(perm::routing::QUEUE_VIEW));
            assert!(!compiled.allows(perm::routing::QUEUE_VIEW));
            assert!(compiled.allows(perm::journey::REPORT_VIEW));
            // Its own policy: its name, its own grant set's name.
            let own = compiled.policy();
            assert_eq!(own.name(compiled.id()), Some(name));
            let explained = own.explain(compiled.id(), perm::journey::REPORT_VIEW);
            assert_eq!(explained.reasons[0].role, format!("users/{name} permissions"));
            assert!(compiled.check::<crate::gates::ActionMapAnalyticsReport>().is_err());
        }
        assert_ne!(ana.id().policy, bob.id().policy, "proofs are per user");
        let denied = bob.in_division("d-west").allows("routing:queue:view");
        assert_eq!(denied, Ok(false));
    }

    #[test]
    fn other_divisions_roles_role_names_or_policies_are_not_shared() {
        let policy = base();
        let ana = policy.compile_user(&user("ana", "queue viewer", "d-east")).unwrap();
        let other_division = policy.compile_user(&user("bob", "queue viewer", "d-west")).unwrap();
        let other_role = policy.compile_user(&user("bob", "maps", "d-east")).unwrap();
        // The same grants against a policy built again alike: another policy.
        let other_policy = base().compile_user(&user("bob", "queue viewer", "d-east")).unwrap();
        for other in [&other_division, &other_role, &other_policy] {
            assert!(!shared(&ana, other));
        }
        assert!(other_division.in_division("d-west").allows(perm::routing::QUEUE_VIEW));
        assert!(!other_division.in_division("d-east").allows(perm::routing::QUEUE_VIEW));
        assert!(other_role.in_division("d-east").allows(perm::journey::ACTIONMAP_VIEW));
        assert!(!other_policy.is_compiled_against(&policy) && ana.is_compiled_against(&policy));
        // A role compiled from the definition: its name is in the user's
        // policy, so users holding it under other names do not share.
        let named = |role: &str, name: &str| {
            let role = RoleDefinition::new(role).grant(["routing:queue:join"]);
            policy
                .compile_user(&UserDefinition::new(name).role(role, Division::All))
                .unwrap()
        };
        let (x, y, z) = (named("joiner", "ana"), named("joiner", "bob"), named("other", "bob"));
        assert!(shared(&x, &y) && !shared(&y, &z));
        assert!(Arc::ptr_eq(&y.inner.everywhere, &z.inner.everywhere), "one row");
        assert_eq!(
            z.policy().explain(z.id(), perm::routing::QUEUE_JOIN).reasons[0].role,
            "other"
        );
    }

    #[test]
    fn a_body_is_dropped_with_its_last_user() {
        let policy = base();
        let ana = policy.compile_user(&user("ana", "queue viewer", "d-north")).unwrap();
        let bob = policy.compile_user(&user("bob", "queue viewer", "d-north")).unwrap();
        let body: Weak<_> = Arc::downgrade(&ana.inner.body);
        drop(ana);
        assert!(body.upgrade().is_some(), "bob holds it");
        drop(bob);
        assert!(body.upgrade().is_none());
        let again = policy.compile_user(&user("cy", "queue viewer", "d-north")).unwrap();
        assert!(again.in_division("d-north").allows(perm::routing::QUEUE_VIEW));
        assert_eq!(Arc::strong_count(&again.inner.body), 1);
    }
}
