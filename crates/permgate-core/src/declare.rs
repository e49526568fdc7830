//! [`gate!`](crate::gate!): declaring a typed gate, from permissions or
//! from the Platform API operations a feature calls. A module of its own,
//! above [`gate`](mod@crate::gate) and [`operation`](mod@crate::operation), since a
//! gate of calls looks its operations up in the table.

/// Declares a typed gate for a feature of your own: the permissions it
/// needs, and optionally groups of which any one suffices. Permissions are
/// typed constants of [`perm`](crate::perm).
///
/// ```
/// use permgate::{Catalog, Policy, gate, perm};
///
/// gate! {
///     /// The queue panel: see queues, and join or search them.
///     pub QueuePanel {
///         description: "See queues, and join or search them.",
///         required: [perm::routing::QUEUE_VIEW],
///         any_of: [[perm::routing::QUEUE_JOIN, perm::routing::QUEUE_SEARCH]],
///     }
/// }
///
/// let policy = Policy::builder(Catalog::builtin())
///     .role("agent", ["routing:queue:view", "routing:queue:join"])?
///     .role("viewer", ["routing:queue:view"])?
///     .build();
/// assert!(policy.check::<QueuePanel>(policy.role("agent").unwrap()).is_ok());
/// let denied = policy.check::<QueuePanel>(policy.role("viewer").unwrap()).unwrap_err();
/// assert_eq!(denied.unmet_any_of().len(), 1);
/// # Ok::<(), permgate::BuildError>(())
/// ```
///
/// # A gate declared from the calls a feature makes
///
/// A feature is, in the end, the Platform API operations it calls: name them
/// with `calls` (before `required` and `any_of`, which stay allowed), as the
/// SDK docs print them, the method and the path template
/// (`"POST /api/v2/routing/queues/{queueId}/members"`), or the operation
/// name (`"postRoutingQueueMembers"`). The gate requires what every call
/// requires: each `ALL` list joined into the required set, each `ANY` list
/// kept as one any-of group, nothing for a call that needs no permission; a
/// call permgate cannot check (`admin`, `content_management_user`) makes the
/// gate refuse everyone. All of it is worked out by the compiler
/// ([`gate::compose`](crate::gate::compose)): the check is the same mask
/// test as a gate of permissions, and a denial names each call that fails
/// ([`Denied::calls`](crate::Denied::calls)).
///
/// ```
/// use permgate::{Catalog, Gate, Policy, gate};
///
/// gate! {
///     /// The queue panel: list queues and add members.
///     pub QueuePanel {
///         description: "List queues and add members.",
///         calls: ["GET /api/v2/routing/queues", "POST /api/v2/routing/queues/{queueId}/members"],
///     }
/// }
///
/// assert_eq!(QueuePanel::INFO.calls.len(), 2);
/// let policy = Policy::builder(Catalog::builtin())
///     .role("supervisor", ["routing:queue:view", "routing:queue:edit"])?
///     .role("viewer", ["routing:queue:view"])?
///     .build();
/// assert!(policy.check::<QueuePanel>(policy.role("supervisor").unwrap()).is_ok());
/// let denied = policy.check::<QueuePanel>(policy.role("viewer").unwrap()).unwrap_err();
/// // The call that fails, and only it.
/// assert_eq!(denied.calls().len(), 1);
/// assert_eq!(denied.calls()[0].operation().name, "postRoutingQueueMembers");
/// // `ANY` of `routing:queue:edit`, `routing:queueMember:manage`: a group.
/// let group = denied.calls()[0].unmet_any_of().unwrap();
/// assert_eq!(group[0].key(), "routing:queue:edit");
/// # Ok::<(), permgate::BuildError>(())
/// ```
///
/// A call that names no operation does not compile:
///
/// ```compile_fail
/// permgate::gate! {
///     /// Misspelt: the docs' template is `{queueId}`.
///     pub Typo {
///         description: "No such call.",
///         calls: ["POST /api/v2/routing/queues/{id}/members"],
///     }
/// }
/// // error[E0080]: evaluation panicked: gate `Typo`: no Platform API operation is
/// // `POST /api/v2/routing/queues/{id}/members` ...
/// ```
#[macro_export]
macro_rules! gate {
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident {
            description: $description:expr,
            required: [$($required:expr),* $(,)?]
            $(, any_of: [$([$($any:expr),* $(,)?]),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis enum $name {}

        impl $crate::Gate for $name {
            const INFO: &'static $crate::gate::GateInfo = &$crate::gate::GateInfo::new(
                ::core::stringify!($name),
                $description,
                &[$($required),*],
                &[$($(&[$($any),*]),*)?],
            );
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident {
            description: $description:expr,
            calls: [$($call:literal),* $(,)?]
            $(, required: [$($required:expr),* $(,)?])?
            $(, any_of: [$([$($any:expr),* $(,)?]),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis enum $name {}

        impl $crate::Gate for $name {
            const INFO: &'static $crate::gate::GateInfo = {
                #[allow(clippy::panic)] // at compile time: an unknown call is a compile error
                const CALLS: &[&'static $crate::operation::Operation] = &[$(
                    match $crate::operation::Operation::lookup($call) {
                        ::core::option::Option::Some(operation) => operation,
                        ::core::option::Option::None => ::core::panic!("{}", ::core::concat!(
                            "gate `", ::core::stringify!($name), "`: no Platform API operation is `", $call,
                            "`; name a call as the SDK docs print it, the method and the path template \
                             (`GET /api/v2/routing/queues/{queueId}`), or the operation name (`getRoutingQueue`)"
                        )),
                    }
                ),*];
                const OWN: &[$crate::Permission<'static>] = &[$($($required),*)?];
                const OWN_ANY_OF: &[&[$crate::Permission<'static>]] = &[$($(&[$($any),*]),*)?];
                const N: usize = $crate::gate::compose::required_len(OWN, CALLS);
                const M: usize = $crate::gate::compose::any_of_len(OWN_ANY_OF, CALLS);
                const REQUIRED: [$crate::Permission<'static>; N] = match $crate::gate::compose::required(OWN, CALLS) {
                    ::core::option::Option::Some(required) => required,
                    ::core::option::Option::None => ::core::panic!("gate!: the composed requirement does not fit its length"),
                };
                const ANY_OF: [&'static [$crate::Permission<'static>]; M] = match $crate::gate::compose::any_of(OWN_ANY_OF, CALLS) {
                    ::core::option::Option::Some(any_of) => any_of,
                    ::core::option::Option::None => ::core::panic!("gate!: the composed groups do not fit their length"),
                };
                &$crate::gate::GateInfo::with_calls(::core::stringify!($name), $description, &REQUIRED, &ANY_OF, CALLS)
            };
        }
    };
}
