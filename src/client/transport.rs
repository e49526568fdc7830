//! Sending a request: the budget, the token, retries, the answer's size;
//! and following pages.

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode, Url};
use tokio::time::Instant;

use super::{Client, ClientError, Credential, Endpoint};
use crate::genesys::wire::{self, ErrorBody};
use crate::genesys::{ForbiddenBody, listings};

/// At most `limit` requests in any `window`.
pub(super) struct Budget {
    limit: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl Budget {
    pub(super) fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX).max(1),
            window,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until a request fits in the budget, and counts it.
    async fn acquire(&self) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                while sent
                    .front()
                    .is_some_and(|first| now.duration_since(*first) >= self.window)
                {
                    sent.pop_front();
                }
                if sent.len() < self.limit {
                    sent.push_back(now);
                    return;
                }
                match sent.front() {
                    Some(first) => (*first + self.window).saturating_duration_since(now),
                    None => Duration::ZERO,
                }
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

/// The OAuth client's token, while it is fresh.
#[derive(Default)]
pub(super) struct TokenCache {
    current: tokio::sync::Mutex<Option<Token>>,
}

struct Token {
    value: Credential,
    /// When to stop using it: its expiry less the margin.
    until: Instant,
}

/// The answer of `POST /oauth/token` (never `Debug`: it holds the token).
#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Whose token a request carries.
#[derive(Clone, Copy)]
pub(super) enum Auth<'a> {
    /// The OAuth client's (client credentials).
    Client,
    /// The caller's own.
    Caller(&'a Credential),
}

/// What one attempt came to.
enum Attempt {
    Done(String),
    Retry {
        wait: Duration,
        error: ClientError,
    },
    Fail(ClientError),
    /// `401` with the client's token: get a fresh one and try again, once.
    Refresh(ClientError),
}

impl Client {
    /// Waits until a request fits in this clone's share (when it has one)
    /// and in the client's budget, and counts it in both. The share first:
    /// a request waiting on it holds no unit of the client's budget.
    async fn acquire(&self) {
        if let Some(share) = &self.share {
            share.acquire().await;
        }
        self.inner.budget.acquire().await;
    }

    /// The client's token: the cached one while it is fresh, else a new one.
    async fn client_token(&self, endpoint: Endpoint) -> Result<Credential, ClientError> {
        let inner = &self.inner;
        let credentials = inner
            .credentials
            .as_ref()
            .ok_or(ClientError::NoClientCredentials { endpoint })?;
        let mut current = inner.token.current.lock().await;
        if let Some(token) = current.as_ref() {
            if Instant::now() < token.until {
                return Ok(token.value.clone());
            }
        }
        *current = None;
        let endpoint = Endpoint::TOKEN;
        let url = join(&inner.login, endpoint.path, endpoint)?;
        let mut attempt = 0;
        let text = loop {
            self.acquire().await;
            inner.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let request = inner
                .http
                .post(url.clone())
                .basic_auth(credentials.id(), Some(credentials.secret.expose()))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials");
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        Attempt::Done(self.body(response, endpoint).await?)
                    } else if retried(status) {
                        self.retry_or_fail(response, endpoint, attempt).await
                    } else {
                        let body = self.body(response, endpoint).await.ok();
                        Attempt::Fail(ClientError::TokenRefused {
                            endpoint,
                            status: status.as_u16(),
                            body: body.as_deref().and_then(error_body),
                        })
                    }
                }
                Err(error) => self.transport_error(error, endpoint, attempt),
            };
            match outcome {
                Attempt::Done(text) => break text,
                Attempt::Retry { wait, error } if attempt < inner.settings.max_retries => {
                    let _ = error;
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Attempt::Retry { error, .. } | Attempt::Fail(error) | Attempt::Refresh(error) => return Err(error),
            }
        };
        let answer: TokenAnswer = serde_json::from_str(&text).map_err(|_| ClientError::TokenRefused {
            endpoint,
            status: 200,
            body: None,
        })?;
        if answer.access_token.is_empty() {
            return Err(ClientError::TokenRefused {
                endpoint,
                status: 200,
                body: None,
            });
        }
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(0));
        let until = Instant::now() + lifetime.saturating_sub(inner.settings.token_margin);
        let value = Credential::new(answer.access_token);
        *current = Some(Token {
            value: value.clone(),
            until,
        });
        Ok(value)
    }

    /// Drops the cached token if it is still `stale` (another read may have
    /// replaced it already).
    async fn drop_token(&self, stale: &Credential) {
        let mut current = self.inner.token.current.lock().await;
        if current.as_ref().is_some_and(|token| &token.value == stale) {
            *current = None;
        }
    }

    /// Sends `method url` (with `body` as JSON) with `auth`'s token: the
    /// answer's text on `2xx`, with retries on `429`, `5xx` and timeouts.
    pub(super) async fn send(
        &self,
        endpoint: Endpoint,
        method: Method,
        url: &Url,
        auth: Auth<'_>,
        body: Option<&str>,
    ) -> Result<String, ClientError> {
        let settings = &self.inner.settings;
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            let token = match auth {
                Auth::Client => self.client_token(endpoint).await?,
                Auth::Caller(credential) => credential.clone(),
            };
            self.acquire().await;
            self.inner.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| ClientError::Unauthorized { endpoint, body: None })?;
            bearer.set_sensitive(true);
            let mut request = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .header(AUTHORIZATION, bearer);
            if let Some(body) = body {
                request = request.header(CONTENT_TYPE, "application/json").body(body.to_owned());
            }
            let outcome = match request.send().await {
                Ok(response) => {
                    self.answer(response, endpoint, attempt, matches!(auth, Auth::Client))
                        .await
                }
                Err(error) => self.transport_error(error, endpoint, attempt),
            };
            match outcome {
                Attempt::Done(text) => return Ok(text),
                Attempt::Retry { wait, .. } if attempt < settings.max_retries => {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Attempt::Refresh(_) if !refreshed => {
                    self.drop_token(&token).await;
                    refreshed = true;
                }
                Attempt::Retry { error, .. } | Attempt::Fail(error) | Attempt::Refresh(error) => return Err(error),
            }
        }
    }

    /// What the answer `response` to attempt `attempt` comes to.
    async fn answer(&self, response: Response, endpoint: Endpoint, attempt: u32, client_token: bool) -> Attempt {
        let status = response.status();
        if status.is_success() {
            return match self.body(response, endpoint).await {
                Ok(text) => Attempt::Done(text),
                Err(error) => Attempt::Fail(error),
            };
        }
        if retried(status) {
            return self.retry_or_fail(response, endpoint, attempt).await;
        }
        let text = self.body(response, endpoint).await.ok();
        let body = text.as_deref().and_then(error_body);
        match status {
            StatusCode::UNAUTHORIZED => {
                let error = ClientError::Unauthorized { endpoint, body };
                if client_token {
                    Attempt::Refresh(error)
                } else {
                    Attempt::Fail(error)
                }
            }
            StatusCode::FORBIDDEN => Attempt::Fail(ClientError::Forbidden {
                endpoint,
                requires: endpoint.requires(),
                forbidden: text
                    .as_deref()
                    .and_then(|text| ForbiddenBody::parse(text).ok().map(Box::new)),
                body,
            }),
            _ => Attempt::Fail(ClientError::Status {
                endpoint,
                status: status.as_u16(),
                body,
            }),
        }
    }

    /// A `429` or a `5xx`: how long to wait before attempt `attempt + 1`,
    /// or the error when the wait is longer than the client waits.
    async fn retry_or_fail(&self, response: Response, endpoint: Endpoint, attempt: u32) -> Attempt {
        let settings = &self.inner.settings;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = self.body(response, endpoint).await.ok();
        let body = text.as_deref().and_then(error_body);
        let backoff = self.backoff(attempt);
        if status == StatusCode::TOO_MANY_REQUESTS {
            let error = ClientError::RateLimited {
                endpoint,
                retry_after,
                body,
            };
            match retry_after {
                Some(wait) if wait > settings.max_retry_after => Attempt::Fail(error),
                Some(wait) => Attempt::Retry { wait, error },
                None => Attempt::Retry { wait: backoff, error },
            }
        } else {
            let error = ClientError::Status {
                endpoint,
                status: status.as_u16(),
                body,
            };
            let wait = retry_after
                .filter(|wait| *wait <= settings.max_retry_after)
                .unwrap_or(backoff);
            Attempt::Retry { wait, error }
        }
    }

    /// A request that failed to send or to answer: a timeout is retried.
    fn transport_error(&self, error: reqwest::Error, endpoint: Endpoint, attempt: u32) -> Attempt {
        if error.is_timeout() {
            Attempt::Retry {
                wait: self.backoff(attempt),
                error: ClientError::Timeout {
                    endpoint,
                    timeout: self.inner.settings.timeout,
                    attempts: attempt.saturating_add(1),
                },
            }
        } else if error.is_connect() {
            Attempt::Retry {
                wait: self.backoff(attempt),
                error: ClientError::Transport {
                    endpoint,
                    source: error.without_url(),
                },
            }
        } else {
            Attempt::Fail(ClientError::Transport {
                endpoint,
                source: error.without_url(),
            })
        }
    }

    /// The wait before retry `attempt + 1`: the first backoff, doubled
    /// each time, up to the most.
    fn backoff(&self, attempt: u32) -> Duration {
        let settings = &self.inner.settings;
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        settings.backoff.saturating_mul(factor).min(settings.max_backoff)
    }

    /// The answer's text, read up to the size limit.
    async fn body(&self, mut response: Response, endpoint: Endpoint) -> Result<String, ClientError> {
        let max = self.inner.settings.max_body_bytes;
        let too_large = || ClientError::TooLarge { endpoint, max };
        if response.content_length().is_some_and(|length| length > max as u64) {
            return Err(too_large());
        }
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) if error.is_timeout() => {
                    return Err(ClientError::Timeout {
                        endpoint,
                        timeout: self.inner.settings.timeout,
                        attempts: 1,
                    });
                }
                Err(error) => {
                    return Err(ClientError::Transport {
                        endpoint,
                        source: error.without_url(),
                    });
                }
            };
            if bytes.len().saturating_add(chunk.len()) > max {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        String::from_utf8(bytes).map_err(|_| ClientError::NotText { endpoint })
    }

    /// The URL of `path_and_query` on the API's host.
    pub(super) fn api_url(&self, path_and_query: &str, endpoint: Endpoint) -> Result<Url, ClientError> {
        join(&self.inner.api, path_and_query, endpoint)
    }

    /// Every page of the paged read at `first`, as the API sent them: each
    /// page's `nextUri` followed (or `pageNumber` up to `pageCount`), on
    /// the API's host only, no link twice, at most `max_pages` pages.
    ///
    /// # Errors
    ///
    /// A page that failed ([`send`](Self::send)'s errors), one whose paging
    /// fields do not read, a loop, a foreign link, too many pages.
    pub(super) async fn follow_pages(
        &self,
        endpoint: Endpoint,
        first: Url,
        auth: Auth<'_>,
    ) -> Result<Vec<String>, ClientError> {
        let max = self.inner.settings.max_pages;
        let mut seen: HashSet<String> = HashSet::new();
        let mut pages: Vec<String> = Vec::new();
        let mut next = Some(first.clone());
        while let Some(url) = next.take() {
            if pages.len() >= max {
                return Err(ClientError::TooManyPages { endpoint, max });
            }
            if !seen.insert(url.as_str().to_owned()) {
                return Err(ClientError::PageLoop {
                    endpoint,
                    page: pages.len(),
                    next: url.to_string(),
                });
            }
            let text = self.send(endpoint, Method::GET, &url, auth, None).await?;
            let paging = listings::paging(&text).map_err(|source| ClientError::Unreadable {
                endpoint,
                error: Box::new(source),
            })?;
            if paging.page_count.is_some_and(|count| count > max as u64) {
                return Err(ClientError::TooManyPages { endpoint, max });
            }
            pages.push(text);
            let page = pages.len();
            next = match paging.next_uri.as_deref().map(str::trim).filter(|uri| !uri.is_empty()) {
                Some(uri) => Some(self.follow(endpoint, page, uri)?),
                None => match (paging.page_number, paging.page_count) {
                    (Some(number), Some(count)) if number < count => {
                        Some(with_query(&first, "pageNumber", &(number + 1).to_string()))
                    }
                    _ => None,
                },
            };
        }
        Ok(pages)
    }

    /// The URL of a `nextUri` on page `page`: a path on the API's host, or
    /// an absolute URL there; anything else is refused.
    fn follow(&self, endpoint: Endpoint, page: usize, uri: &str) -> Result<Url, ClientError> {
        let foreign = || ClientError::ForeignLink {
            endpoint,
            page,
            next: uri.to_owned(),
        };
        let api = &self.inner.api;
        let url = if uri.starts_with('/') && !uri.starts_with("//") {
            join(api, uri, endpoint).map_err(|_| foreign())?
        } else {
            Url::parse(uri).map_err(|_| foreign())?
        };
        if url.origin() != api.origin() || !url.username().is_empty() || url.password().is_some() {
            return Err(foreign());
        }
        Ok(url)
    }
}

/// Whether a status is retried: `429` and every `5xx`.
fn retried(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The Genesys error body of a refusal, when it reads as one.
/// An object with none of its fields (the login host's OAuth error,
/// `{"error": ..., "description": ...}`) is not one.
fn error_body(text: &str) -> Option<Box<ErrorBody>> {
    wire::from_str::<ErrorBody>(text)
        .ok()
        .filter(|body| *body != ErrorBody::default())
        .map(Box::new)
}

/// `base` with `path_and_query` after its path.
fn join(base: &Url, path_and_query: &str, endpoint: Endpoint) -> Result<Url, ClientError> {
    let text = format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    Url::parse(&text).map_err(|_| ClientError::ForeignLink {
        endpoint,
        page: 0,
        next: path_and_query.to_owned(),
    })
}

/// `url` with its query parameter `name` set to `value` (replacing it).
pub(super) fn with_query(url: &Url, name: &str, value: &str) -> Url {
    let mut url = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != name)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    {
        let mut pairs = url.query_pairs_mut();
        pairs.clear();
        for (key, value) in &kept {
            pairs.append_pair(key, value);
        }
        pairs.append_pair(name, value);
    }
    url
}
