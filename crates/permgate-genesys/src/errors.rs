//! Genesys Cloud error bodies for a missing permission, both ways: a
//! [`Denied`] written as the body Genesys itself returns, and a Genesys 403
//! body read back as what is missing.
//!
//! The shape is the Platform API's `ErrorBody` model (SDK model docs:
//! `message`, `code`, `status`, `messageWithParams`, `messageParams`,
//! `contextId`, `details`, `errors`). For a missing permission the platform
//! answers `403` with code `missing.permissions` and the message "Unable to
//! perform the requested action. You are missing the following
//! permission(s): [...]", and for a set of which any one would do, code
//! `missing.any.permissions` and "Unable to perform the requested action.
//! You must have at least one of the following permissions assigned:
//! [...]". A permission may carry a fourth segment, the division it is
//! needed in (`domain:entity:action:divisionId`), and a division-scoped
//! message goes on "in at least one of the following division(s): [...]".
//! Reading is lenient about the rest of the sentence: the bracketed lists
//! after the codes' own wording are what is read, after the structured
//! `messageParams` (see [`ForbiddenBody::parse`]).
//!
//! A denial that names no missing permission (a gate checked at a release
//! older than its document applies to) is written with a code of
//! permgate's own, [`GATE_REFUSED`], that says why, and read back as
//! [`ForbiddenBody::refused`]: never as a `missing.permissions` body listing
//! nothing.

use std::collections::BTreeMap;

use serde_json::Value;

use super::wire::ErrorBody;
use crate::json::{self, JsonError, Path};
use permgate_core::{Catalog, Denied, Permission, call::CallDenied, text::Escaped};

/// The code of a body for missing required permissions.
pub const MISSING_PERMISSIONS: &str = "missing.permissions";

/// The code of a body for a set of permissions of which none is held.
pub const MISSING_ANY_PERMISSIONS: &str = "missing.any.permissions";

/// The code of a body for a gate refused with no permission to name as
/// missing (a gate checked at a release older than its document applies
/// to). The platform has no such refusal: the code is permgate's own, so
/// that such a body never reads as "nothing is missing".
pub const GATE_REFUSED: &str = "gate.refused";

/// `messageParams.reason` of a [`GATE_REFUSED`] body for a gate checked at a
/// release older than its document applies from.
pub const REASON_RELEASE_BEFORE_DOCUMENT: &str = "release.before.document";

/// `messageParams.reason` of a [`GATE_REFUSED`] body for a gate whose every
/// permission the Platform API removed ([`Denied::feature_removed`]): the
/// feature no longer exists.
pub const REASON_FEATURE_REMOVED: &str = "feature.removed";

/// `messageParams.reason` of a [`GATE_REFUSED`] body for a gate naming
/// permissions of another catalog than the policy's ([`Denied::foreign`]).
pub const REASON_FOREIGN_CATALOG: &str = "catalog.foreign";

/// `messageParams.reason` of a [`GATE_REFUSED`] body for a gate one of whose
/// calls can never be allowed ([`FailingCall::never_allowed`](permgate_core::gate::FailingCall::never_allowed):
/// its requirement is only entries permgate cannot check, such as
/// `content_management_user`); `messageParams.call` names it (`GET
/// /api/v2/...`). Whatever else the principal lacks, no permission would
/// let it pass.
pub const REASON_CALL_NEVER_ALLOWED: &str = "call.never.allowed";

/// `messageParams.reason` of a [`GATE_REFUSED`] body for any other refusal
/// that names no missing permission.
pub const REASON_REFUSED: &str = "refused";

const MISSING_TEXT: &str = "Unable to perform the requested action. You are missing the following permission(s): ";
const ANY_TEXT: &str =
    "Unable to perform the requested action. You must have at least one of the following permissions assigned: ";
const DIVISIONS_TEXT: &str = "in at least one of the following division(s): ";

/// `[a, b]`, as the platform's messages list permissions.
fn bracketed<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// One `ErrorBody` for `code` over `permissions`: the platform's message,
/// followed, for the people reading it, by the admin labels in parentheses,
/// one per key in the keys' order. The labels are written only when every
/// key has one and none holds the separator `;` or a parenthesis (an
/// organization names its labels freely): a list that could pair a key with
/// its neighbour's label is not written at all.
fn body(code: &str, text: &str, permissions: &[Permission<'_>], context_id: Option<&str>) -> ErrorBody {
    let named: Vec<(&str, Option<&str>)> = permissions.iter().map(|p| (p.key(), p.label())).collect();
    keys_body(code, text, &named, context_id)
}

/// [`body`] over keys and their labels, for keys no catalog knows too.
fn keys_body(code: &str, text: &str, permissions: &[(&str, Option<&str>)], context_id: Option<&str>) -> ErrorBody {
    let keys = bracketed(permissions.iter().map(|(key, _)| *key));
    let labels: Option<Vec<&str>> = permissions
        .iter()
        .map(|(_, label)| label.filter(|label| !label.contains([';', '(', ')'])))
        .collect();
    let labels = match labels {
        Some(labels) if !labels.is_empty() => format!(" ({})", labels.join("; ")),
        _ => String::new(),
    };
    ErrorBody {
        message: Some(format!("{text}{keys}{labels}")),
        code: Some(code.to_owned()),
        status: Some(403),
        message_with_params: Some(format!("{text}{{permissions}}{labels}")),
        message_params: Some(BTreeMap::from([("permissions".to_owned(), keys)])),
        context_id: context_id.map(str::to_owned),
        details: Some(Vec::new()),
        errors: Some(Vec::new()),
    }
}

/// `body` as JSON.
fn to_json(body: &ErrorBody) -> Value {
    // Strings, a number, lists and string-keyed maps: always a JSON value.
    serde_json::to_value(body).unwrap_or(Value::Null)
}

/// The `403` body Genesys Cloud returns when a call needs `permissions`
/// (code `missing.permissions`), for a service that requires permissions
/// one by one rather than through a gate ([`forbidden_body`]).
///
/// ```
/// use permgate::{genesys::missing_permissions_body, perm};
///
/// let body = missing_permissions_body(&[perm::journey::ACTIONMAP_VIEW]);
/// assert_eq!(body["code"], "missing.permissions");
/// assert_eq!(body["status"], 403);
/// ```
pub fn missing_permissions_body(permissions: &[Permission<'_>]) -> Value {
    to_json(&body(MISSING_PERMISSIONS, MISSING_TEXT, permissions, None))
}

/// [`missing_permissions_body`] as the typed [`ErrorBody`], with the
/// request's `contextId` when the service has one.
///
/// ```
/// use permgate::{genesys::missing_permissions_error_body, perm};
///
/// let body = missing_permissions_error_body(&[perm::routing::QUEUE_VIEW], Some("c-1"));
/// assert_eq!((body.code.as_deref(), body.status), (Some("missing.permissions"), Some(403)));
/// assert_eq!(body.context_id.as_deref(), Some("c-1"));
/// ```
pub fn missing_permissions_error_body(permissions: &[Permission<'_>], context_id: Option<&str>) -> ErrorBody {
    body(MISSING_PERMISSIONS, MISSING_TEXT, permissions, context_id)
}

/// The `missing.permissions` body for permissions named by key only: keys
/// no catalog knows (an organization's own or UI-only permission a service
/// requires by string), written without labels. Each key should be a
/// well-formed `domain:entity:action` (or flat name), or the body will not
/// read back through [`ForbiddenBody::parse`].
///
/// ```
/// use permgate::genesys::{ForbiddenBody, missing_keys_error_body};
///
/// let body = missing_keys_error_body(&["ui:supervisor:view"], None);
/// let read = ForbiddenBody::parse(&serde_json::to_string(&body)?)?;
/// assert_eq!(read.missing[0].key, "ui:supervisor:view");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn missing_keys_error_body(keys: &[&str], context_id: Option<&str>) -> ErrorBody {
    let named: Vec<(&str, Option<&str>)> = keys.iter().map(|key| (*key, None)).collect();
    keys_body(MISSING_PERMISSIONS, MISSING_TEXT, &named, context_id)
}

/// The Platform API's code for a request without a bearer token (`401`).
///
/// The Platform API's OpenAPI description documents every operation's `401`
/// as "No authentication bearer token specified in authorization header."
/// (for instance the operation pages under `build/docs/` of
/// `MyPureCloud/platform-client-sdk-javascript`); the codes of its `401`
/// bodies, `authentication.required`, `bad.credentials` and
/// `credentials.expired`, with these messages, are those a Platform API
/// client maps them to (`error.go` of `gildas/go-gcloudcx`).
pub const AUTHENTICATION_REQUIRED: &str = "authentication.required";

/// The Platform API's message for [`AUTHENTICATION_REQUIRED`].
pub const AUTHENTICATION_REQUIRED_MESSAGE: &str = "No authentication bearer token specified in authorization header.";

/// The Platform API's code for a token it does not accept (`401`); see
/// [`AUTHENTICATION_REQUIRED`] for the source.
pub const BAD_CREDENTIALS: &str = "bad.credentials";

/// The Platform API's message for [`BAD_CREDENTIALS`].
pub const BAD_CREDENTIALS_MESSAGE: &str = "Invalid login credentials.";

/// The Platform API's code for an expired token (`401`); see
/// [`AUTHENTICATION_REQUIRED`] for the source.
pub const CREDENTIALS_EXPIRED: &str = "credentials.expired";

/// The Platform API's message for [`CREDENTIALS_EXPIRED`].
pub const CREDENTIALS_EXPIRED_MESSAGE: &str = "The supplied credentials are expired and cannot be used.";

/// The Platform API's code for a caller refused for another reason than a
/// missing permission (`403`), such as a caller the service does not know.
pub const NOT_AUTHORIZED: &str = "not.authorized";

/// The Platform API's code for a request it cannot read (`400`).
pub const BAD_REQUEST: &str = "bad.request";

/// The Platform API's code for a failure of the service itself (`500`).
pub const INTERNAL_SERVER_ERROR: &str = "internal.server.error";

/// The Platform API's code for a service that cannot answer now (`503`).
pub const SERVICE_UNAVAILABLE: &str = "service.unavailable";

/// An `ErrorBody` of the platform's shape for any refusal: `status`,
/// `code` (such as [`AUTHENTICATION_REQUIRED`] or [`BAD_REQUEST`]),
/// `message` (also `messageWithParams`, with no parameters), empty
/// `details` and `errors`, and `contextId` when the service has the
/// request's id. For a missing permission use [`forbidden_error_body`] or
/// [`missing_permissions_error_body`], which name the permissions.
///
/// ```
/// use permgate::genesys::{AUTHENTICATION_REQUIRED, AUTHENTICATION_REQUIRED_MESSAGE, error_body};
///
/// let body = error_body(401, AUTHENTICATION_REQUIRED, AUTHENTICATION_REQUIRED_MESSAGE, Some("c-1"));
/// assert_eq!(
///     serde_json::to_value(&body)?,
///     serde_json::json!({"status": 401, "code": "authentication.required",
///         "message": "No authentication bearer token specified in authorization header.",
///         "messageWithParams": "No authentication bearer token specified in authorization header.",
///         "messageParams": {}, "contextId": "c-1", "details": [], "errors": []})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn error_body(status: u16, code: &str, message: &str, context_id: Option<&str>) -> ErrorBody {
    ErrorBody {
        message: Some(message.to_owned()),
        code: Some(code.to_owned()),
        status: Some(status),
        message_with_params: Some(message.to_owned()),
        message_params: Some(BTreeMap::new()),
        context_id: context_id.map(str::to_owned),
        details: Some(Vec::new()),
        errors: Some(Vec::new()),
    }
}

/// The body Genesys Cloud returns for the permissions `denied` lists: code
/// `missing.permissions` for the missing required permissions, with one
/// `missing.any.permissions` body in `errors` per unmet group (or, when
/// only groups are unmet, the first group's body on top and the others in
/// `errors`). Each message names the keys in the platform's words, then the
/// admin labels in parentheses; `contextId` is the request's id when the
/// service has one. [`forbidden_error_body`] is the same body as the typed
/// [`ErrorBody`].
///
/// ```
/// use permgate::{Catalog, Policy, gates::ActionMapAnalyticsReport, genesys::{ForbiddenBody, forbidden_body}};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["journey:actionmap:view"])?.build();
/// let denied = policy.check::<ActionMapAnalyticsReport>(policy.role("viewer").unwrap()).unwrap_err();
/// let body = forbidden_body(&denied, Some("ctx-1"));
/// assert_eq!(body["code"], "missing.permissions");
/// assert_eq!(body["status"], 403);
/// assert_eq!(
///     body["message"],
///     "Unable to perform the requested action. You are missing the following permission(s): \
///      [journey:report:view] (Journey > Report > View)"
/// );
/// // And back: what a client makes of it.
/// let read = ForbiddenBody::parse(&body.to_string())?;
/// assert_eq!(read.missing[0].key, "journey:report:view");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn forbidden_body(denied: &Denied, context_id: Option<&str>) -> Value {
    to_json(&forbidden_error_body(denied, context_id))
}

/// The 403 body Genesys Cloud returns for a denied call
/// ([`Policy::may_call`](permgate_core::Policy::may_call)): the
/// [`forbidden_body`] of the operation's requirement (`missing.permissions`
/// for `ALL`, `missing.any.permissions` for `ANY`). A call denied without a
/// gate denial (an operation whose requirement permgate cannot check, such
/// as `content_management_user`, or a principal the policy does not know)
/// is [`NOT_AUTHORIZED`], its message naming the unchecked entries.
///
/// ```
/// use permgate::{Catalog, Policy, call::CallDecision, genesys::call_forbidden_body, operation::Method};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["routing:queue:view"])?.build();
/// let viewer = policy.role("viewer").unwrap();
/// let answer = policy.may_call(viewer, Method::Post, "/api/v2/agentic/virtualagents")?;
/// let CallDecision::Denied(denied) = answer.decision() else { panic!() };
/// let body = call_forbidden_body(denied, Some("ctx-1"));
/// assert_eq!((body["status"].as_u64(), body["code"].as_str()), (Some(403), Some("missing.permissions")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn call_forbidden_body(denied: &CallDenied, context_id: Option<&str>) -> Value {
    match denied.gate_denial() {
        Some(gate) => forbidden_body(gate, context_id),
        None => {
            let message = if denied.unchecked().is_empty() {
                "Unable to perform the requested action.".to_owned()
            } else {
                format!(
                    "Unable to perform the requested action. It requires [{}], which permgate cannot check.",
                    denied.unchecked().join(", ")
                )
            };
            to_json(&error_body(403, NOT_AUTHORIZED, &message, context_id))
        }
    }
}

/// [`forbidden_body`] as the typed [`ErrorBody`].
///
/// ```
/// use permgate::{Catalog, Policy, gates::ActionMapAnalyticsReport, genesys::forbidden_error_body};
///
/// let policy = Policy::builder(Catalog::builtin()).role("viewer", ["journey:actionmap:view"])?.build();
/// let denied = policy.check::<ActionMapAnalyticsReport>(policy.role("viewer").unwrap()).unwrap_err();
/// let body = forbidden_error_body(&denied, None);
/// assert_eq!((body.code.as_deref(), body.status), (Some("missing.permissions"), Some(403)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn forbidden_error_body(denied: &Denied, context_id: Option<&str>) -> ErrorBody {
    let never = denied.calls().iter().any(|call| call.never_allowed().is_some());
    if denied.feature_removed() || !denied.foreign().is_empty() || never {
        // Refused whatever the principal holds: nothing it lacks to name.
        return refused_body(denied, context_id);
    }
    let mut bodies: Vec<ErrorBody> = Vec::new();
    if !denied.missing().is_empty() {
        bodies.push(body(MISSING_PERMISSIONS, MISSING_TEXT, denied.missing(), context_id));
    }
    for group in denied.unmet_any_of() {
        bodies.push(body(MISSING_ANY_PERMISSIONS, ANY_TEXT, group, context_id));
    }
    let mut bodies = bodies.into_iter();
    let Some(mut first) = bodies.next() else {
        return refused_body(denied, context_id);
    };
    first.errors = Some(bodies.collect());
    first
}

/// The [`GATE_REFUSED`] body of a denial that names no missing permission:
/// why it was refused, in the message and in `messageParams` (`gate`,
/// `reason`, and for a release too old, `release` and `appliesFrom`): a
/// release too old, a feature removed, a gate of another catalog.
fn refused_body(denied: &Denied, context_id: Option<&str>) -> ErrorBody {
    let mut params = BTreeMap::from([("gate".to_owned(), denied.gate().to_owned())]);
    let never_call = (denied.calls().iter())
        .find(|call| call.never_allowed().is_some())
        .map(|call| call.operation());
    let (reason, with_params) = match (denied.applies_from(), denied.release()) {
        (Some(from), Some(release)) => {
            params.insert("release".to_owned(), release.to_string());
            params.insert("appliesFrom".to_owned(), from.to_string());
            (
                REASON_RELEASE_BEFORE_DOCUMENT,
                "Gate {gate} was checked at release {release}; its document applies from release {appliesFrom} only, so what the gate requires there is not known.",
            )
        }
        _ if denied.feature_removed() => (
            REASON_FEATURE_REMOVED,
            "Gate {gate} guards a feature that no longer exists: the Platform API removed every permission it names.",
        ),
        _ if !denied.foreign().is_empty() => (
            REASON_FOREIGN_CATALOG,
            "Gate {gate} names permissions of another catalog than the one the policy was built with.",
        ),
        _ if never_call.is_some() => {
            if let Some(op) = never_call {
                params.insert("call".to_owned(), format!("{} {}", op.method, op.path));
            }
            (
                REASON_CALL_NEVER_ALLOWED,
                "Gate {gate} makes the call {call}, which permgate can never allow: no permission it can check grants it.",
            )
        }
        _ => (
            REASON_REFUSED,
            "Gate {gate} was refused, for no missing permission it can name.",
        ),
    };
    params.insert("reason".to_owned(), reason.to_owned());
    let mut message = with_params.to_owned();
    for (name, value) in &params {
        message = message.replace(&format!("{{{name}}}"), value);
    }
    const PREFIX: &str = "Unable to perform the requested action. ";
    ErrorBody {
        message: Some(format!("{PREFIX}{message}")),
        code: Some(GATE_REFUSED.to_owned()),
        status: Some(403),
        message_with_params: Some(format!("{PREFIX}{with_params}")),
        message_params: Some(params),
        context_id: context_id.map(str::to_owned),
        details: Some(Vec::new()),
        errors: Some(Vec::new()),
    }
}

/// One permission a 403 body names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingPermission {
    /// The key, without a division segment, as the body spells it.
    pub key: String,
    /// The division of a four-segment permission (`domain:entity:action:divisionId`).
    pub division: Option<String>,
    /// The admin label the message gives this key, when it gives one label
    /// per key (see [`ForbiddenBody::parse`]); else `None`. [`resolve`](Self::resolve)
    /// finds the label in a catalog instead.
    pub label: Option<String>,
}

impl MissingPermission {
    /// The permission in `catalog` (`None` where the catalog does not know
    /// the key), for its label.
    pub fn resolve<'c>(&self, catalog: &'c Catalog) -> Option<Permission<'c>> {
        catalog.lookup(&self.key)
    }
}

/// What a Genesys Cloud 403 body says is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForbiddenBody {
    /// The body's `code`.
    pub code: String,
    /// The permissions of a `missing.permissions` body (and its nested
    /// `errors` of that code): each is needed.
    pub missing: Vec<MissingPermission>,
    /// The sets of `missing.any.permissions` bodies: one of each set is needed.
    pub any_of: Vec<Vec<MissingPermission>>,
    /// The divisions a division-scoped body names.
    pub divisions: Vec<String>,
    /// For a [`GATE_REFUSED`] body, which names no permission: why it was
    /// refused (`messageParams.reason`, such as
    /// [`REASON_RELEASE_BEFORE_DOCUMENT`]; else the message). `missing` and
    /// `any_of` are then empty, and mean "none named", not "nothing missing".
    pub refused: Option<String>,
    /// `contextId`, when present.
    pub context_id: Option<String>,
}

impl ForbiddenBody {
    /// Reads a Genesys Cloud error body (`ErrorBody`) answering a missing
    /// permission: each body and each of its nested `errors` is read for
    /// the permissions it lists.
    ///
    /// The published `ErrorBody` model (SDK docs, `build/docs/ErrorBody.md`
    /// of `MyPureCloud/platform-client-sdk-java`) has no typed field for
    /// permissions or divisions: `messageParams` is a map of strings, and a
    /// `details` entry (`errorCode`, `fieldName`, `entityId`, `entityName`)
    /// has none either, so `details` is not read. What is read, structured
    /// fields first:
    ///
    /// - **Permissions**: `messageParams.permissions` (`[a, b]`, as
    ///   [`forbidden_body`] writes it, for `messageWithParams`'s
    ///   `{permissions}`) when present, else the bracketed list right after
    ///   the code's own wording in `message`. When both are there they must
    ///   list the same permissions.
    /// - **Divisions**: `messageParams.divisions` when present, else the list
    ///   after "in at least one of the following division(s): " only where
    ///   those words follow the permission list directly. Text after the list
    ///   is never searched, so an admin label (which [`forbidden_body`] writes
    ///   there, and which an organization names freely) cannot add a division.
    /// - **Labels**: the parenthesized `(label; label)` that may follow the
    ///   permission list, paired with the keys in order only when it holds one
    ///   label per key; otherwise no key gets a label (never its neighbour's).
    ///
    /// # Errors
    ///
    /// Not JSON, not an object, a `message` or `code` of the wrong type, a
    /// body whose code is none of `missing.permissions`,
    /// `missing.any.permissions` and [`GATE_REFUSED`], a permission that is
    /// not `domain:entity:action` with an optional division, or a
    /// `messageParams.permissions` that lists other permissions than the
    /// message. The error names the JSON path.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        let body: ErrorBody = json::typed(text)?;
        let root = Path::root();
        let mut read = ForbiddenBody {
            code: body.code.clone().unwrap_or_default(),
            missing: Vec::new(),
            any_of: Vec::new(),
            divisions: Vec::new(),
            refused: None,
            context_id: body.context_id.clone(),
        };
        read.add(&body, &root)?;
        Ok(read)
    }

    fn add(&mut self, body: &ErrorBody, path: &Path) -> Result<(), JsonError> {
        let code = body.code.as_deref().unwrap_or_default();
        let message = body.message.as_deref().unwrap_or_default();
        let message_path = path.field("message");
        let (text, any) = match code {
            MISSING_PERMISSIONS => (MISSING_TEXT, false),
            MISSING_ANY_PERMISSIONS => (ANY_TEXT, true),
            GATE_REFUSED => {
                let reason = body.message_params.as_ref().and_then(|params| params.get("reason"));
                self.refused = Some(reason.map_or(message, String::as_str).to_owned());
                return Ok(());
            }
            other => {
                return Err(json::invalid(
                    &path.field("code"),
                    format!(
                        "`{}` is not a missing-permission code (`{MISSING_PERMISSIONS}`, `{MISSING_ANY_PERMISSIONS}`, `{GATE_REFUSED}`)",
                        Escaped(other)
                    ),
                ));
            }
        };
        let params = body.message_params.as_ref();
        let param = |name: &str| params.and_then(|params| params.get(name)).map(String::as_str);
        let params_path = path.field("messageParams");
        let listed = Listed::of(message, text);
        let from_message = listed
            .as_ref()
            .map(|listed| permissions(&listed.keys, &message_path))
            .transpose()?;
        let keys_path = params_path.field("permissions");
        let (mut permissions, read_at) = match (param("permissions"), from_message) {
            (Some(keys), from_message) => {
                let read = permissions(&list(keys), &keys_path)?;
                if from_message.as_ref().is_some_and(|other| *other != read) {
                    return Err(json::invalid(&keys_path, "lists other permissions than `message`"));
                }
                (read, &keys_path)
            }
            (None, Some(read)) => (read, &message_path),
            (None, None) => return Err(json::invalid(&message_path, "the message lists no permissions")),
        };
        if permissions.is_empty() {
            // `[]` would read as "nothing missing" for a refusal.
            return Err(json::invalid(read_at, "the permission list is empty"));
        }
        if let Some(labels) = listed.as_ref().and_then(|listed| listed.labels(permissions.len())) {
            for (permission, label) in permissions.iter_mut().zip(labels) {
                permission.label = Some(label.to_owned());
            }
        }
        let divisions = match param("divisions") {
            Some(divisions) => Some(list(divisions)),
            None => listed.and_then(|listed| listed.divisions()),
        };
        self.divisions
            .extend(divisions.into_iter().flatten().map(str::to_owned));
        if any {
            self.any_of.push(permissions);
        } else {
            self.missing.extend(permissions);
        }
        let errors_path = path.field("errors");
        for (n, nested) in body.errors.iter().flatten().enumerate() {
            self.add(nested, &errors_path.index(n))?;
        }
        Ok(())
    }
}

/// What a message lists after the code's wording: the permission list,
/// and the text after it.
struct Listed<'m> {
    /// The items of the permission list.
    keys: Vec<&'m str>,
    /// What follows the list.
    after: &'m str,
}

impl<'m> Listed<'m> {
    /// The list of `message` after the code's wording `text` (the words
    /// after "Unable to perform the requested action. "): `[a, b]`, or
    /// without brackets everything up to a division clause.
    fn of(message: &'m str, text: &str) -> Option<Self> {
        let wording = text.trim_start_matches("Unable to perform the requested action. ");
        let at = message.find(wording)?;
        let rest = message.get(at + wording.len()..)?.trim_start();
        let (keys, after) = match rest.strip_prefix('[') {
            Some(inside) => inside.split_once(']')?,
            // Unbracketed, the list ends at a division clause only where no
            // label's parenthesis (nor a stray `]`) comes first: a division
            // clause inside a label is not one.
            None => match rest
                .find(DIVISIONS_TEXT)
                .filter(|at| rest.get(..*at).is_some_and(|keys| !keys.contains(['(', ']'])))
            {
                Some(at) => (rest.get(..at)?, rest.get(at..)?),
                None => (rest.trim_end().trim_end_matches('.'), ""),
            },
        };
        Some(Listed {
            keys: list(keys),
            after,
        })
    }

    /// The divisions of a division clause right after the list. The list
    /// ends where the labels' parenthesis opens, bracketed or not: a label
    /// is never read as a division.
    fn divisions(&self) -> Option<Vec<&'m str>> {
        let clause = self.after.trim_start().strip_prefix(DIVISIONS_TEXT)?;
        Some(list(clause.split('(').next().unwrap_or(clause)))
    }

    /// The labels of a `(label; label)` right after the list that ends the
    /// message, when there are `count` of them.
    fn labels(&self, count: usize) -> Option<Vec<&'m str>> {
        let inside = self
            .after
            .trim()
            .trim_end_matches('.')
            .strip_prefix('(')?
            .strip_suffix(')')?;
        let labels: Vec<&str> = inside.split("; ").map(str::trim).collect();
        (labels.len() == count && count == self.keys.len() && labels.iter().all(|label| !label.is_empty()))
            .then_some(labels)
    }
}

/// The items of `[a, b]` (or `a, b`), trimmed, without a trailing period.
fn list(text: &str) -> Vec<&str> {
    let text = text.trim().trim_end_matches('.');
    let text = text.trim().strip_prefix('[').unwrap_or(text);
    let text = text.split(']').next().unwrap_or(text);
    text.split(',').map(str::trim).filter(|item| !item.is_empty()).collect()
}

/// The permissions `items`, read at `path`.
fn permissions(items: &[&str], path: &Path) -> Result<Vec<MissingPermission>, JsonError> {
    items.iter().map(|item| missing_permission(item, path)).collect()
}

/// `domain:entity:action`, or with a fourth segment, its division.
fn missing_permission(item: &str, path: &Path) -> Result<MissingPermission, JsonError> {
    let error = |source: permgate_core::parse::ParseError| JsonError::Permission {
        path: path.to_string(),
        error: source.into(),
    };
    let (key, division) = match item.rsplit_once(':') {
        Some((key, division)) if item.split(':').count() == 4 => (key, Some(division)),
        _ => (item, None),
    };
    if let Some(division) = division {
        if division.is_empty() {
            return Err(json::invalid(path, format!("empty division in `{}`", Escaped(item))));
        }
    }
    permgate_core::parse::parse(key).map_err(error)?;
    Ok(MissingPermission {
        key: key.to_owned(),
        division: division.map(str::to_owned),
        label: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use permgate_core::Catalog;

    /// An organization permission whose label holds the list's separator.
    const ORG: &str = r#"{"entities": [{"domain": "ui", "permissionMap": {"thing": [
        {"domain": "ui", "entityType": "thing", "action": "view", "label": "UI > Thing; Other > View"}]}}]}"#;

    #[test]
    fn labels_are_written_only_when_each_key_gets_its_own() {
        let catalog = crate::org_catalog(Catalog::builtin(), ORG).unwrap();
        let view = catalog.lookup("journey:actionmap:view").unwrap();
        let thing = catalog.lookup("ui:thing:view").unwrap();
        let written = |permissions: &[Permission<'_>]| {
            body(MISSING_PERMISSIONS, MISSING_TEXT, permissions, None)
                .message
                .unwrap()
        };
        // Every key has a plain label: one each, in the keys' order.
        assert!(written(&[view]).ends_with("[journey:actionmap:view] (Journey > Action Map > View)"));
        // A label holding `;` would read as two: no label is written at all.
        let both = written(&[view, thing]);
        assert!(both.ends_with("[journey:actionmap:view, ui:thing:view]"), "{both}");
        let read =
            ForbiddenBody::parse(&to_json(&body(MISSING_PERMISSIONS, MISSING_TEXT, &[view, thing], None)).to_string())
                .unwrap();
        assert!(read.missing.iter().all(|m| m.label.is_none()), "{:?}", read.missing);
    }

    #[test]
    fn an_empty_permission_list_is_refused_not_read_as_nothing_missing() {
        for message in [format!("{MISSING_TEXT}[]"), format!("{MISSING_TEXT}[ , ]")] {
            let body = serde_json::json!({"code": MISSING_PERMISSIONS, "message": message});
            let error = ForbiddenBody::parse(&body.to_string()).unwrap_err();
            assert_eq!(error.path(), Some("$.message"), "{error}");
        }
        let params = serde_json::json!({"code": MISSING_ANY_PERMISSIONS, "message": "no.", "messageParams": {"permissions": "[]"}});
        let error = ForbiddenBody::parse(&params.to_string()).unwrap_err();
        assert_eq!(error.path(), Some("$.messageParams.permissions"), "{error}");
    }
}
