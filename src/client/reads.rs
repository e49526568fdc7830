//! The reads: each endpoint's pages into the adapter's readers.

use std::time::SystemTime;

use reqwest::{Method, Url};

use super::transport::{Auth, with_query};
use super::{Client, ClientError, Credential, Endpoint};
use crate::Catalog;
use crate::genesys::wire::{
    self, AuditLogMessage, AuditQueryRequest, AuthzDivision, DomainOrganizationProduct, Organization,
};
use crate::genesys::{JsonError, RoleFile, SubjectSpec, UserAuthorization, listings, org_catalog};

/// The changes an audit query found: [`Client::audit_changes`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditChanges {
    /// The interval asked, ISO-8601 `start/end` (UTC).
    pub interval: String,
    /// The audit query's transaction id.
    pub transaction: String,
    /// Every audit message of the results, in the order of the pages.
    pub messages: Vec<AuditLogMessage>,
}

impl AuditChanges {
    /// The ids of the entities whose `entityType` is `kind` (`Role`,
    /// `User`; ASCII case ignored), each once, in first-seen order.
    pub fn entities_of(&self, kind: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for message in &self.messages {
            let of_kind = message
                .entity_type
                .as_deref()
                .is_some_and(|entity_type| entity_type.eq_ignore_ascii_case(kind));
            if let (true, Some(entity)) = (of_kind, &message.entity) {
                if !ids.contains(&entity.id.as_str()) {
                    ids.push(&entity.id);
                }
            }
        }
        ids
    }
}

fn unreadable(endpoint: Endpoint) -> impl Fn(JsonError) -> ClientError {
    move |source| ClientError::Unreadable {
        endpoint,
        error: Box::new(source),
    }
}

impl Client {
    /// The first page's URL of a paged read: `path` with `pageSize` (and
    /// `extra` query pairs).
    fn first_page(&self, endpoint: Endpoint, extra: &[(&str, &str)]) -> Result<Url, ClientError> {
        let mut url = self.api_url(endpoint.path, endpoint)?;
        for (name, value) in extra {
            url = with_query(&url, name, value);
        }
        let size = self.inner.settings.page_size.to_string();
        Ok(with_query(&url, "pageSize", &size))
    }

    /// The URL of `endpoint` with its one path parameter set to `id`
    /// (escaped as one path segment).
    fn with_id(&self, endpoint: Endpoint, id: &str) -> Result<Url, ClientError> {
        let (before, after) = endpoint
            .path
            .split_once('{')
            .and_then(|(before, rest)| rest.split_once('}').map(|(_, after)| (before, after)))
            .unwrap_or((endpoint.path, ""));
        let mut url = self.api_url(before.trim_end_matches('/'), endpoint)?;
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(id);
            for segment in after.split('/').filter(|s| !s.is_empty()) {
                segments.push(segment);
            }
        }
        Ok(url)
    }

    /// Every page of a paged read, as the API sent them (for a snapshot of
    /// the API's own bodies): `endpoint` with `pageSize` and the `query`
    /// pairs, read with the OAuth client's token.
    ///
    /// # Errors
    ///
    /// See [`ClientError`]: a refused or failed page, a loop, too many pages.
    pub async fn pages(&self, endpoint: Endpoint, query: &[(&str, &str)]) -> Result<Vec<String>, ClientError> {
        let first = self.first_page(endpoint, query)?;
        self.pages_from(endpoint, first, Auth::Client).await
    }

    async fn pages_from(&self, endpoint: Endpoint, first: Url, auth: Auth<'_>) -> Result<Vec<String>, ClientError> {
        self.follow_pages(endpoint, first, auth).await
    }

    /// Every page of a paged read merged into one listing of the same model
    /// ([`listings::merge`]): every entity in page order, as the API wrote
    /// it; `pageNumber` and `pageCount` 1, `total` and `pageSize` the
    /// number of entities. What a snapshot holds
    /// ([`snapshot`](crate::genesys::snapshot)).
    ///
    /// # Errors
    ///
    /// [`pages`](Self::pages)' errors; a page that is not a listing is
    /// [`ClientError::Unreadable`].
    pub async fn listing(&self, endpoint: Endpoint, query: &[(&str, &str)]) -> Result<String, ClientError> {
        let pages = self.pages(endpoint, query).await?;
        listings::merge(&pages).map_err(unreadable(endpoint))
    }

    /// The body of one read that does not page, as the API sent it, with the
    /// OAuth client's token: `endpoint` (a path without parameters, such as
    /// [`Endpoint::ORGANIZATION`]) with the `query` pairs.
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn document(&self, endpoint: Endpoint, query: &[(&str, &str)]) -> Result<String, ClientError> {
        let mut url = self.api_url(endpoint.path, endpoint)?;
        for (name, value) in query {
            url = with_query(&url, name, value);
        }
        self.send(endpoint, Method::GET, &url, Auth::Client, None).await
    }

    /// The OAuth client's organization, `GET /api/v2/organizations/me` (no
    /// permission needed): its `id` and `name`.
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn organization(&self) -> Result<Organization, ClientError> {
        let endpoint = Endpoint::ORGANIZATION;
        let text = self.document(endpoint, &[]).await?;
        wire::from_str(&text).map_err(unreadable(endpoint))
    }

    /// The organization's roles, every page
    /// (`GET /api/v2/authorization/roles`, needs `authorization:role:view`),
    /// read by [`RoleFile::parse`] and merged: `roles` in page order,
    /// `errors` with their positions counted across pages. A role that did
    /// not read is in `errors`, never dropped silently: a policy built from
    /// `roles` alone lacks it (deny by default).
    ///
    /// # Errors
    ///
    /// See [`ClientError`]; a page that is not a role listing is
    /// [`ClientError::Unreadable`].
    pub async fn roles(&self) -> Result<RoleFile, ClientError> {
        let endpoint = Endpoint::ROLES;
        let pages = self.pages(endpoint, &[]).await?;
        let mut merged: Option<RoleFile> = None;
        let mut offset = 0;
        for page in &pages {
            let mut file = RoleFile::parse(page).map_err(unreadable(endpoint))?;
            let count = listed(page, endpoint)?;
            for error in &mut file.errors {
                error.position += offset;
            }
            offset += count;
            match merged.as_mut() {
                None => merged = Some(file),
                Some(all) => {
                    all.roles.append(&mut file.roles);
                    all.errors.append(&mut file.errors);
                }
            }
        }
        match merged {
            Some(file) => Ok(file),
            None => RoleFile::parse(r#"{"entities": []}"#).map_err(unreadable(endpoint)),
        }
    }

    /// The organization's permission catalog over `base` (usually
    /// [`Catalog::builtin`]), every page of
    /// `GET /api/v2/authorization/permissions` (no permission needed), read
    /// by [`org_catalog`].
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn permission_catalog(&self, base: &Catalog) -> Result<Catalog, ClientError> {
        let endpoint = Endpoint::PERMISSIONS;
        let pages = self.pages(endpoint, &[]).await?;
        // The reader takes an array of pages: the pages' own texts, joined.
        let joined = format!("[{}]", pages.join(","));
        org_catalog(base, &joined).map_err(unreadable(endpoint))
    }

    /// The organization's divisions, every page of
    /// `GET /api/v2/authorization/divisions` (no permission needed), read
    /// by [`listings::divisions`].
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn divisions(&self) -> Result<Vec<AuthzDivision>, ClientError> {
        let endpoint = Endpoint::DIVISIONS;
        let mut divisions = Vec::new();
        for page in self.pages(endpoint, &[]).await? {
            divisions.append(&mut listings::divisions(&page).map_err(unreadable(endpoint))?);
        }
        Ok(divisions)
    }

    /// The organization's products, `GET /api/v2/authorization/products`
    /// (no permission needed; every page, should it page), read by
    /// [`listings::products`].
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn products(&self) -> Result<Vec<DomainOrganizationProduct>, ClientError> {
        let endpoint = Endpoint::PRODUCTS;
        let mut products = Vec::new();
        for page in self.pages(endpoint, &[]).await? {
            products.append(&mut listings::products(&page).map_err(unreadable(endpoint))?);
        }
        Ok(products)
    }

    /// Every user with its authorization, every page of
    /// `GET /api/v2/users?expand=authorization`, read by
    /// [`UserAuthorization::parse_listing`]: all or nothing (a user the API
    /// did not expand fails the read, since what it may do is unknown).
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn users(&self) -> Result<Vec<UserAuthorization>, ClientError> {
        let endpoint = Endpoint::USERS;
        let mut users = Vec::new();
        for page in self.pages(endpoint, &[("expand", "authorization")]).await? {
            users.append(&mut UserAuthorization::parse_listing(&page).map_err(unreadable(endpoint))?);
        }
        Ok(users)
    }

    /// One user with its authorization,
    /// `GET /api/v2/users/{userId}?expand=authorization`, read by
    /// [`UserAuthorization::parse`].
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn user(&self, id: &str) -> Result<UserAuthorization, ClientError> {
        let endpoint = Endpoint::USER;
        let url = with_query(&self.with_id(endpoint, id)?, "expand", "authorization");
        let text = self.send(endpoint, Method::GET, &url, Auth::Client, None).await?;
        UserAuthorization::parse(&text).map_err(unreadable(endpoint))
    }

    /// The caller's own user with its authorization, with the caller's
    /// token: `GET /api/v2/users/me?expand=authorization` (no permission
    /// needed), read by [`UserAuthorization::parse`]. A refused token is
    /// [`ClientError::Unauthorized`] (never retried with another token).
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn users_me(&self, caller: &Credential) -> Result<UserAuthorization, ClientError> {
        let endpoint = Endpoint::USERS_ME;
        let url = with_query(&self.api_url(endpoint.path, endpoint)?, "expand", "authorization");
        let text = self
            .send(endpoint, Method::GET, &url, Auth::Caller(caller), None)
            .await?;
        UserAuthorization::parse(&text).map_err(unreadable(endpoint))
    }

    /// The caller's own grants, with the caller's token:
    /// `GET /api/v2/authorization/subjects/me` (no permission needed), read
    /// by [`SubjectSpec::parse`].
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn subjects_me(&self, caller: &Credential) -> Result<SubjectSpec, ClientError> {
        let endpoint = Endpoint::SUBJECTS_ME;
        let url = self.api_url(endpoint.path, endpoint)?;
        let text = self
            .send(endpoint, Method::GET, &url, Auth::Caller(caller), None)
            .await?;
        SubjectSpec::parse(&text).map_err(unreadable(endpoint))
    }

    /// A subject's grants, `GET /api/v2/authorization/subjects/{subjectId}`
    /// (needs `authorization:grant:view`), read by [`SubjectSpec::parse`].
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn subject(&self, id: &str) -> Result<SubjectSpec, ClientError> {
        let endpoint = Endpoint::SUBJECT;
        let url = self.with_id(endpoint, id)?;
        let text = self.send(endpoint, Method::GET, &url, Auth::Client, None).await?;
        SubjectSpec::parse(&text).map_err(unreadable(endpoint))
    }

    /// The audited changes of roles, grants and users' roles (service
    /// `PeoplePermissions`) from `since` to `until`: `POST /api/v2/audits/query`
    /// (an `AuditQueryRequest`; needs `audits:audit:view`), then its state
    /// (`GET /api/v2/audits/query/{transactionId}`) until `Succeeded`, then
    /// every page of its results
    /// (`GET /api/v2/audits/query/{transactionId}/results`, by `cursor`).
    /// `filters` are the query's (`("EntityType", "Role")`), none for every
    /// change of the service.
    ///
    /// # Errors
    ///
    /// See [`ClientError`]; a query that ends `Failed` or `Cancelled`, or
    /// is still running after the polls allowed, is [`ClientError::AuditQuery`].
    pub async fn audit_changes(
        &self,
        since: SystemTime,
        until: SystemTime,
        filters: &[(&str, &str)],
    ) -> Result<AuditChanges, ClientError> {
        let interval = format!("{}/{}", wire::timestamp(since), wire::timestamp(until));
        let mut query = AuditQueryRequest::new(interval.clone(), "PeoplePermissions");
        if !filters.is_empty() {
            query.filters = Some(
                filters
                    .iter()
                    .map(|(property, value)| crate::genesys::wire::AuditQueryFilter::new(*property, *value))
                    .collect(),
            );
        }
        let endpoint = Endpoint::AUDIT_QUERY;
        let body = serde_json::to_string(&query).map_err(|error| ClientError::Unreadable {
            endpoint,
            error: Box::new(JsonError::Invalid {
                path: String::from("$"),
                problem: error.to_string(),
            }),
        })?;
        let url = self.api_url(endpoint.path, endpoint)?;
        let text = self
            .send(endpoint, Method::POST, &url, Auth::Client, Some(&body))
            .await?;
        let mut status = listings::audit_status(&text).map_err(unreadable(endpoint))?;
        let transaction = status.id.clone();
        let endpoint = Endpoint::AUDIT_STATUS;
        let settings = &self.inner.settings;
        let mut polls = 0;
        loop {
            match status.state.as_str() {
                "Succeeded" => break,
                "Failed" | "Cancelled" => {
                    return Err(ClientError::AuditQuery {
                        endpoint,
                        transaction,
                        state: Some(status.state),
                    });
                }
                _ if polls >= settings.audit_polls => {
                    return Err(ClientError::AuditQuery {
                        endpoint,
                        transaction,
                        state: None,
                    });
                }
                _ => {}
            }
            tokio::time::sleep(settings.audit_poll_interval).await;
            polls += 1;
            let url = self.with_id(endpoint, &transaction)?;
            let text = self.send(endpoint, Method::GET, &url, Auth::Client, None).await?;
            status = listings::audit_status(&text).map_err(unreadable(endpoint))?;
        }
        let endpoint = Endpoint::AUDIT_RESULTS;
        let first = with_query(
            &self.with_id(endpoint, &transaction)?,
            "pageSize",
            &settings.page_size.to_string(),
        );
        let mut messages = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut url = first.clone();
        for page in 1.. {
            if page > settings.max_pages {
                return Err(ClientError::TooManyPages {
                    endpoint,
                    max: settings.max_pages,
                });
            }
            let text = self.send(endpoint, Method::GET, &url, Auth::Client, None).await?;
            let mut results = listings::audit_results(&text).map_err(unreadable(endpoint))?;
            messages.append(&mut results.entities);
            match results.cursor.filter(|cursor| !cursor.is_empty()) {
                None => break,
                Some(cursor) if seen.contains(&cursor) => {
                    return Err(ClientError::PageLoop {
                        endpoint,
                        page,
                        next: cursor,
                    });
                }
                Some(cursor) => {
                    url = with_query(&first, "cursor", &cursor);
                    seen.push(cursor);
                }
            }
        }
        Ok(AuditChanges {
            interval,
            transaction,
            messages,
        })
    }
}

/// How many entities a role page lists (to count positions across pages).
fn listed(page: &str, endpoint: Endpoint) -> Result<usize, ClientError> {
    #[derive(serde::Deserialize)]
    struct Count {
        #[serde(default)]
        entities: Vec<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Count>(page)
        .map(|count| count.entities.len())
        .map_err(|error| ClientError::Unreadable {
            endpoint,
            error: Box::new(JsonError::Invalid {
                path: String::from("$.entities"),
                problem: error.to_string(),
            }),
        })
}
