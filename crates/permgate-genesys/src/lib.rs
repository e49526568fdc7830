//! Genesys Cloud JSON in and out: roles, subjects, users, and role bodies to
//! create.
//!
//! The shapes are those of the Platform API: `GET /api/v2/authorization/roles`
//! (one role, an array, or a listing `{"entities": [...]}`),
//! `GET /api/v2/authorization/subjects/{id}`,
//! `GET /api/v2/users/{id}?expand=authorization` (and `users/me`), the
//! body of `POST /api/v2/authorization/roles`, the `genesyscloud_auth_role`
//! resource of the Genesys Cloud Terraform provider (written in HCL and
//! Terraform JSON, read from Terraform JSON: [`terraform`]), and the `403`
//! error body for a missing permission (both ways: [`forbidden_body`],
//! [`ForbiddenBody`]). The bodies themselves are typed serde models in
//! [`wire`], read first and then checked for meaning. Fields permgate does
//! not use are ignored; every error names the JSON path of the problem. Each reader
//! refuses the others' documents ([`JsonError::WrongKind`]):
//! a user given as a role would otherwise load as a role that grants nothing.
//!
//! # Where each input comes from, and what reading it needs
//!
//! The permission each read requires is the Platform API's own, as its SDK
//! docs list it (v259.0.0; `permgate::builtins::operation` gives it, and a
//! test keeps this table to it):
//!
//! | input | endpoint | reader | permission needed |
//! |---|---|---|---|
//! | the caller's own authorization | `GET /api/v2/users/me?expand=authorization` (`getUsersMe`) | [`UserAuthorization`] | none |
//! | the caller's own grants | `GET /api/v2/authorization/subjects/me` (`getAuthorizationSubjectsMe`) | [`SubjectSpec`] | none |
//! | another user's grants | `GET /api/v2/authorization/subjects/{subjectId}` (`getAuthorizationSubject`) | [`SubjectSpec`] | `authorization:grant:view` |
//! | another user's authorization | `GET /api/v2/users/{userId}?expand=authorization` (`getUser`) | [`UserAuthorization`] | none listed for the operation |
//! | roles | `GET /api/v2/authorization/roles` (`getAuthorizationRoles`), `GET /api/v2/authorization/roles/{roleId}` (`getAuthorizationRole`) | [`RoleFile`] | `authorization:role:view` |
//! | the organization's permission catalog | `GET /api/v2/authorization/permissions` (`getAuthorizationPermissions`) | [`org_catalog`](fn@org_catalog) ([`OrgCatalogs`] to share one per distinct content) | none |
//! | a role to create | `POST /api/v2/authorization/roles` (`postAuthorizationRoles`), written by [`export_role`] | | `authorization:role:add` |
//!
//! A whole organization, as `permgate pull` writes it (the API's own
//! bodies of roles, permissions, divisions, users and products, and a
//! manifest), is read back by [`snapshot::Snapshot::read`].
//!
//! A service deciding for its callers reads their own documents with their
//! own token (`users/me` or `subjects/me`): no permission, so no caller is
//! refused for want of one.
//!
//! This crate is permgate's Genesys Cloud adapter, built on the public API of
//! `permgate-core` only; use it through `permgate` (`permgate::genesys`).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod conditions;
mod errors;
mod export;
mod json;
mod kind;
pub mod listings;
mod org_catalog;
mod role_file;
mod roles;
pub mod snapshot;
mod subjects;
pub mod terraform;
mod users;
pub mod wire;

pub use errors::{
    AUTHENTICATION_REQUIRED, AUTHENTICATION_REQUIRED_MESSAGE, BAD_CREDENTIALS, BAD_CREDENTIALS_MESSAGE, BAD_REQUEST,
    CREDENTIALS_EXPIRED, CREDENTIALS_EXPIRED_MESSAGE, ForbiddenBody, GATE_REFUSED, INTERNAL_SERVER_ERROR,
    MISSING_ANY_PERMISSIONS, MISSING_PERMISSIONS, MissingPermission, NOT_AUTHORIZED, REASON_CALL_NEVER_ALLOWED,
    REASON_FEATURE_REMOVED, REASON_FOREIGN_CATALOG, REASON_REFUSED, REASON_RELEASE_BEFORE_DOCUMENT,
    SERVICE_UNAVAILABLE, call_forbidden_body, error_body, forbidden_body, forbidden_error_body,
    missing_keys_error_body, missing_permissions_body, missing_permissions_error_body,
};
pub use export::{ExportError, export_definition, export_role};
pub use json::{JsonError, MAX_JSON_BYTES};
pub use kind::DocumentKind;
pub use org_catalog::{OrgCatalogs, org_catalog};
pub use role_file::{MAX_ACTIONS_PER_POLICY, MAX_POLICIES_PER_ROLE, MAX_ROLES_PER_FILE, RoleFile, RoleFileError};
pub use subjects::{MAX_GRANTS_PER_SUBJECT, SubjectGrant, SubjectSpec};
pub use users::{MAX_USER_PERMISSIONS, UserAuthorization, UserPermission};
pub use wire::DomainRole;
