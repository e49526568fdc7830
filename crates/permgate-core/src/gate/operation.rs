//! The types of a Platform API operation and its requirement, beside
//! [`GateInfo`](super::GateInfo), which lists the operations a gate was
//! declared from. Their home in the docs is [`operation`](crate::operation),
//! which re-exports them.

use std::fmt;

use crate::permission::Permission;

/// The HTTP method of an operation. Two methods on one path are two operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// Every method, in declaration order (`method as usize` is its place).
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Options,
    ];

    /// The method as HTTP spells it: `GET`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// Reads a method, ASCII-case-insensitively; `None` for one the
    /// Platform API does not use.
    pub fn parse(method: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(method))
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operation requires: its permissions in the docs' order (each
/// once), shared by every operation that names the same ones.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Requirement {
    /// No permission ("Requires NO permissions"): any authenticated principal.
    Nothing,
    /// Every one of these permissions.
    All(&'static [Permission<'static>]),
    /// Any one of these permissions.
    Any(&'static [Permission<'static>]),
    /// Only entries permgate cannot check ([`Operation::unchecked`]), or
    /// such an entry under `ALL`: never allowed.
    Unverifiable,
}

impl Requirement {
    /// The permissions named, in the docs' order (each once); none for
    /// [`Nothing`](Self::Nothing) and [`Unverifiable`](Self::Unverifiable).
    pub const fn permissions(self) -> &'static [Permission<'static>] {
        match self {
            Requirement::All(list) | Requirement::Any(list) => list,
            Requirement::Nothing | Requirement::Unverifiable => &[],
        }
    }
}

/// One Platform API operation.
#[derive(Debug)]
#[non_exhaustive]
pub struct Operation {
    /// The method.
    pub method: Method,
    /// The path template: `/api/v2/routing/queues/{queueId}/members`.
    pub path: &'static str,
    /// The operation name the SDKs use: `postRoutingQueueMembers`.
    pub name: &'static str,
    /// The SDK API groups that document it (`RoutingApi`), sorted; most
    /// operations have one, some two or three.
    pub apis: &'static [&'static str],
    /// Whether the docs mark it deprecated.
    pub deprecated: bool,
    /// What it requires.
    pub requirement: Requirement,
    /// The entries of its requirement that are not permissions, as the docs
    /// print them (`admin`, `content_management_user`, `They are enforced
    /// by the backend`): they never allow the call.
    pub unchecked: &'static [&'static str],
    /// Its position in the table, where its gate is kept.
    pub(crate) index: u16,
}
