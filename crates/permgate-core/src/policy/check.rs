//! Gate checks: [`Policy::check`] and the explanation of a denial.

use super::Policy;
use super::role::has_bit;
use crate::catalog::Catalog;
use crate::gate::fast::Fast;
use crate::gate::{CheckOptions, Denied, Gate, GateInfo, Granted, KeySet};
use crate::operation::{Operation, Requirement};
use crate::permission::Permission;
use crate::principal::{Named, Principal};
use crate::release::Release;

impl Policy {
    /// Checks gate `G`, a type known at compile time, at the release of its
    /// document: roadmap permissions of a later release are not required
    /// yet, nor permissions the Platform API removed ([`KeySet::Current`]);
    /// a gate all of whose permissions were removed is refused
    /// ([`Denied::feature_removed`]). On success it gives a [`Granted<G>`]:
    /// a proof a handler can require.
    ///
    /// This is the fast path, and the way to check a typed gate. Use
    /// [`check_info`](Self::check_info) for a gate chosen at run time
    /// ([`builtins::gate`](crate::builtins::gate), a [`GateInfo`] of your
    /// own), or to check at another release or against another [`KeySet`]:
    /// `check::<G>(who)` answers as `check_info(who, G::INFO, G::INFO.release)`,
    /// and gives a proof besides.
    ///
    /// ```
    /// use permgate::{Catalog, Policy, gates::ActionMapEditor};
    ///
    /// let policy = Policy::builder(Catalog::builtin())
    ///     .role("designer", ["Journey > Action Map > All"])?
    ///     .role("viewer", ["journey:actionmap:view"])?
    ///     .build();
    /// assert!(policy.check::<ActionMapEditor>(policy.role("designer").unwrap()).is_ok());
    /// let denied = policy.check::<ActionMapEditor>(policy.role("viewer").unwrap()).unwrap_err();
    /// assert_eq!(denied.missing().len(), 3); // add, delete, edit
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    #[inline]
    pub fn check<G: Gate>(&self, who: impl Into<Principal>) -> Result<Granted<G>, Denied> {
        let who = who.into();
        match self.row(who).and_then(Row::granted::<G>) {
            Some(held) => Ok(Granted::new(who, held)),
            None => Err(self.denied(who, G::INFO, CheckOptions::at(G::INFO.release))),
        }
    }

    /// Checks a gate given as data, with `options`: a gate chosen at run
    /// time ([`builtins::gate`](crate::builtins::gate), a [`GateInfo`] of
    /// your own), or a typed gate's [`Gate::INFO`] at another release or
    /// against another [`KeySet`]. The options give the release (roadmap
    /// permissions available from that release or earlier are required too;
    /// `None` requires every roadmap permission, `gate.release` checks as
    /// [`check`](Self::check) does) and the [`KeySet`]: by default the
    /// permissions the Platform API still documents. No proof is returned.
    ///
    /// For a gate that is a type known at compile time, at its own release,
    /// use [`check`](Self::check): the fast path, which gives a
    /// [`Granted`] proof.
    ///
    /// ```
    /// use permgate::{Catalog, Gate, Policy, Release, builtins, gates::AmiStandardUser};
    ///
    /// let catalog = Catalog::builtin();
    /// let standard = builtins::role("AMI R3|standard user role").unwrap();
    /// // The published role, with Transfer as the Platform API grants it, without Park.
    /// let blind = ["conversation:communication:blindTransfer"];
    /// let without_park = standard.grants.iter().chain(&blind).filter(|key| **key != "conversation:email:park");
    /// let policy = Policy::builder(catalog).role("ami", without_park)?.build();
    /// let ami = policy.role("ami").unwrap();
    /// assert!(policy.check::<AmiStandardUser>(ami).is_ok()); // at R3.15, Park is roadmap
    /// let denied = policy.check_info(ami, AmiStandardUser::INFO, Some(Release::new(3, 16))).unwrap_err();
    /// assert_eq!(denied.missing()[0].key(), "conversation:email:park");
    /// # Ok::<(), permgate::BuildError>(())
    /// ```
    pub fn check_info(
        &self,
        who: impl Into<Principal>,
        gate: &'static GateInfo,
        options: impl Into<CheckOptions>,
    ) -> Result<(), Denied> {
        let (who, options) = (who.into(), options.into());
        if self.satisfies(who, gate, options) {
            Ok(())
        } else {
            Err(self.denied(who, gate, options))
        }
    }

    /// `who`'s row, with the catalog its bits index: what a check reads.
    /// `None` for a principal of another policy.
    #[inline]
    fn row(&self, who: Principal) -> Option<Row<'_>> {
        Some(Row {
            catalog: &self.catalog,
            words: self.words(who)?,
        })
    }

    /// Whether `who` satisfies `gate` with `options`: never for a principal
    /// of another policy.
    #[inline]
    fn satisfies(&self, who: Principal, gate: &GateInfo, options: CheckOptions) -> bool {
        self.row(who).is_some_and(|row| row.satisfies(gate, options))
    }

    /// Builds the explanation, off the hot path.
    #[cold]
    fn denied(&self, who: Principal, gate: &'static GateInfo, options: CheckOptions) -> Denied {
        let nothing = Row {
            catalog: &self.catalog,
            words: &[],
        };
        self.row(who).unwrap_or(nothing).denied(gate, self.named(who), options)
    }
}

/// One row of bits, with the catalog its bits index: a principal as a
/// check reads it, whether of a policy or a user compiled on demand.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'p> {
    pub(super) catalog: &'p Catalog,
    pub(super) words: &'p [u64],
}

impl Row<'_> {
    /// Whether the row meets gate `G` at its own release
    /// ([`Policy::check`]): `Some` of the any-of members held
    /// ([`Granted::any_of_held`]) if so. A gate that fits takes its
    /// precomputed path ([`Fast`]), one pass over the words it needs.
    #[inline(always)]
    pub(super) fn granted<G: Gate>(self) -> Option<u64> {
        let fast = &Fast::<G>::PATH;
        if fast.usable() {
            fast.granted(self.words)
        } else {
            self.satisfies(G::INFO, CheckOptions::at(G::INFO.release))
                .then(|| self.any_of_held(G::INFO))
        }
    }

    /// Whether the row holds `permission`: never one of another catalog.
    #[inline]
    fn holds(self, permission: Permission<'_>) -> bool {
        self.catalog.owns(permission) && has_bit(self.words, permission.index())
    }

    /// Whether the row satisfies `gate` at `release`. Which any-of members
    /// were held is asked apart, on success ([`any_of_held`](Self::any_of_held)):
    /// recorded here, the principal was copied on every check, which cost a
    /// typed check two to three times its time.
    #[inline]
    pub(super) fn satisfies(self, gate: &GateInfo, options: CheckOptions) -> bool {
        let words = self.words;
        let release = options.release;
        if gate.applies_after(release).is_some() {
            return false;
        }
        if options.keys == KeySet::Documented {
            return self.holds_documented(gate, release);
        }
        // The mask holds the keys the platform still documents.
        // `NOTHING_LEFT` (every key the gate names was removed) selects no
        // words: refused, never granted for want of anything to require.
        let (from, to) = gate.mask_range;
        let (Some(mask), Some(words)) = (gate.required_mask.get(from..to), words.get(from..to)) else {
            return false;
        };
        let current = |permission: &Permission<'static>| !permission.is_removed();
        let holds = |permission: Permission<'static>| self.holds(permission);
        let all = mask.iter().zip(words).all(|(mask, word)| mask & !word == 0);
        let beyond = !gate.beyond_mask || self.satisfies_beyond_mask(gate);
        let any = gate
            .any_of
            .iter()
            .all(|group| group.iter().filter(|p| current(p)).copied().any(holds));
        let roadmap = gate
            .roadmap
            .iter()
            .filter(|(permission, _)| current(permission))
            .all(|&(permission, from)| release.is_some_and(|at| at < from) || holds(permission));
        all && beyond && any && roadmap
    }

    /// The documented set ([`KeySet::Documented`]), removed permissions
    /// included: one by one, off the default path.
    #[inline(never)]
    fn holds_documented(self, gate: &GateInfo, release: Option<Release>) -> bool {
        let holds = |permission: &Permission<'static>| self.holds(*permission);
        let unverifiable = |call: &&Operation| matches!(call.requirement, Requirement::Unverifiable);
        self.foreign(gate).next().is_none()
            && !gate.calls.iter().any(unverifiable)
            && gate.required_at(release).all(|permission| holds(&permission))
            && gate.any_of.iter().all(|group| group.iter().any(holds))
    }

    /// The members of `gate`'s any-of groups that the row holds, as the bits
    /// of [`Granted::any_of_held`], for a gate the precomputed path does not
    /// take ([`granted`](Self::granted)).
    #[inline]
    pub(super) fn any_of_held(self, gate: &GateInfo) -> u64 {
        let mut held = 0;
        let mut bit = 0u32;
        for group in gate.any_of {
            for &permission in *group {
                if self.holds(permission) {
                    held |= 1u64.checked_shl(bit).unwrap_or(0);
                }
                bit = bit.saturating_add(1);
            }
        }
        held
    }

    /// The part of a check the mask cannot do: a gate naming permissions of
    /// an organization's catalog is checked only against that catalog, then
    /// its required permissions one by one.
    #[cold]
    fn satisfies_beyond_mask(self, gate: &GateInfo) -> bool {
        self.foreign(gate).next().is_none()
            && (gate.required.iter().filter(|permission| !permission.is_removed()))
                .all(|&permission| self.holds(permission))
    }

    /// The permissions `gate` names that the row's catalog does not hold:
    /// they index another catalog.
    fn foreign<'g>(self, gate: &'g GateInfo) -> impl Iterator<Item = Permission<'static>> + 'g
    where
        Self: 'g,
    {
        gate.foreign(move |permission| self.catalog.owns(permission))
    }

    /// Builds the explanation of a denial of `named`, off the hot path.
    #[cold]
    pub(super) fn denied(self, gate: &'static GateInfo, named: Option<Named>, options: CheckOptions) -> Denied {
        Denied::new(
            gate,
            named,
            options,
            |permission| self.holds(permission),
            |permission| self.catalog.owns(permission),
            |permission| self.catalog.lists_no_action_of(permission),
        )
    }
}

/// Whether `policy` made a proof.
impl<G: Gate> Granted<G> {
    /// Whether `policy` made this proof. After a hot reload, a proof of the
    /// previous policy answers `false` for the new one.
    pub fn is_from(&self, policy: &Policy) -> bool {
        self.principal().policy == policy.id
    }
}
