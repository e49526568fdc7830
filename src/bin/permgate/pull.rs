//! `permgate pull`: an organization's snapshot, read from the Platform API
//! with the OAuth client credentials of the environment and written as one
//! folder (`permgate::genesys::snapshot`), or nothing.

use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime};

use permgate::client::{Client, ClientError, Credential, Endpoint};
use permgate::genesys::listings;
use permgate::genesys::snapshot::{self, Counts, Manifest};
use permgate::genesys::wire::{self, Organization};
use permgate::text::Escaped;
use serde::Serialize;

use crate::input::{Failure, Problem, file_label};
use crate::output::{FORMAT_VERSION, json_document, line, table};
use crate::{PullArgs, Report};

/// The environment variable with the OAuth client's id.
const CLIENT_ID: &str = "GENESYS_CLIENT_ID";
/// The environment variable with the OAuth client's secret.
const CLIENT_SECRET: &str = "GENESYS_CLIENT_SECRET";

/// What a pull read: each file of the snapshot with its text.
struct Pulled {
    organization: Organization,
    bodies: Vec<(&'static str, String)>,
    counts: Counts,
}

/// The `--json` summary (schema in `permgate pull --help`).
#[derive(Serialize)]
struct Summary<'a> {
    format_version: u32,
    dir: String,
    organization: SummaryOrganization<'a>,
    region: Option<&'a str>,
    api_base: &'a str,
    pulled_at: &'a str,
    /// The manifest's, field for field (one word each: the same in snake_case).
    counts: Counts,
    requests: u64,
    seconds: f64,
}

#[derive(Serialize)]
struct SummaryOrganization<'a> {
    id: &'a str,
    name: Option<&'a str>,
}

pub(crate) fn pull(args: &PullArgs) -> Result<Report, Failure> {
    let dir = file_label(&args.out);
    if std::fs::symlink_metadata(&args.out).is_ok() {
        return Err(Problem::in_file(&dir, "exists: a snapshot is written to a new folder").into());
    }
    let mut builder = Client::builder();
    if let Some(region) = &args.region {
        builder = builder.region(region).map_err(|e| Problem::new(e.to_string()))?;
    } else if args.api_base.is_none() || args.login_base.is_none() {
        return Err(Problem::new("without --region, give both --api-base and --login-base").into());
    }
    let id = env(CLIENT_ID)?;
    let secret = Credential::new(env(CLIENT_SECRET)?);
    if let Some(url) = &args.api_base {
        builder = builder.api_base(url.clone());
    }
    if let Some(url) = &args.login_base {
        builder = builder.login_base(url.clone());
    }
    let client = builder
        .client_credentials(id, secret)
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .max_retries(args.retries)
        .build()
        .map_err(|e| Problem::new(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Problem::new(format!("cannot start the HTTP runtime: {e}")))?;
    let started = Instant::now();
    let pulled_at = SystemTime::now();
    let pulled = runtime
        .block_on(read(&client))
        .map_err(|error| failed(&dir, &reason(&error, args.retries)))?;
    let manifest = Manifest::new(
        pulled.organization,
        client.region().map(|region| region.name().to_owned()),
        client.api_base().trim_end_matches('/').to_owned(),
        pulled_at,
        pulled.counts,
    );
    let bodies: Vec<(&str, &str)> = pulled
        .bodies
        .iter()
        .map(|(file, text)| (*file, text.as_str()))
        .collect();
    snapshot::write(&args.out, &manifest, &bodies).map_err(|error| failed(&dir, &error.to_string()))?;
    let seconds = started.elapsed().as_secs_f64();
    let stdout = if args.json {
        summary_json(&dir, &manifest, client.requests(), seconds)?
    } else {
        summary_text(&dir, &manifest, client.requests(), seconds)
    };
    Ok(Report { stdout, code: 0 })
}

/// The value of the environment variable `name`, which must be set and not
/// empty (never printed: it may be the secret).
fn env(name: &str) -> Result<String, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) | Err(std::env::VarError::NotPresent) => Err(Problem::new(format!(
            "{name} is not set: pull reads the OAuth client's id and secret from {CLIENT_ID} and {CLIENT_SECRET}"
        ))
        .into()),
        Err(std::env::VarError::NotUnicode(_)) => Err(Problem::new(format!("{name} is not UTF-8 text")).into()),
    }
}

/// Every body of the snapshot, each listing's pages merged.
async fn read(client: &Client) -> Result<Pulled, ClientError> {
    let endpoint = Endpoint::ORGANIZATION;
    let organization_text = client.document(endpoint, &[]).await?;
    let organization: Organization = wire::from_str(&organization_text).map_err(|error| ClientError::Unreadable {
        endpoint,
        error: Box::new(error),
    })?;
    let roles = client.listing(Endpoint::ROLES, &[]).await?;
    let permissions = client.listing(Endpoint::PERMISSIONS, &[]).await?;
    let divisions = client.listing(Endpoint::DIVISIONS, &[]).await?;
    let users = client.listing(Endpoint::USERS, &[("expand", "authorization")]).await?;
    let products = client.listing(Endpoint::PRODUCTS, &[]).await?;
    let mut counts = Counts::default();
    counts.roles = total(&roles);
    counts.permissions = total(&permissions);
    counts.divisions = total(&divisions);
    counts.users = total(&users);
    counts.products = total(&products);
    Ok(Pulled {
        organization,
        bodies: vec![
            (snapshot::ORGANIZATION, organization_text),
            (snapshot::ROLES, roles),
            (snapshot::PERMISSIONS, permissions),
            (snapshot::DIVISIONS, divisions),
            (snapshot::USERS, users),
            (snapshot::PRODUCTS, products),
        ],
        counts,
    })
}

/// The `total` of a merged listing: its number of entities (0 should it
/// not read, which the snapshot's read-back then refuses).
fn total(listing: &str) -> usize {
    listings::paging(listing)
        .ok()
        .and_then(|paging| paging.total)
        .and_then(|total| usize::try_from(total).ok())
        .unwrap_or(0)
}

/// Why a pull failed, for the person running it: a refused credential, a
/// permission the OAuth client's role lacks, a 5xx after the retries, or
/// the client's own words.
fn reason(error: &ClientError, retries: u32) -> String {
    match error {
        ClientError::TokenRefused { status, .. } => format!(
            "the credentials were refused: the login host answered {status} to the OAuth client of {CLIENT_ID} and {CLIENT_SECRET}"
        ),
        ClientError::Unauthorized { endpoint, .. } => format!(
            "the credentials were refused: the Platform API refused the OAuth client's token (401) for {endpoint}"
        ),
        ClientError::Forbidden {
            endpoint,
            requires,
            forbidden,
            ..
        } => {
            let quoted = |keys: &[&str]| -> String {
                let keys: Vec<String> = keys.iter().map(|key| format!("`{}`", Escaped(key))).collect();
                keys.join(", ")
            };
            let named: Vec<&str> = forbidden
                .iter()
                .flat_map(|body| body.missing.iter())
                .map(|missing| missing.key.as_str())
                .filter(|key| !requires.iter().any(|required| required.eq_ignore_ascii_case(key)))
                .collect();
            match (requires.is_empty(), named.is_empty()) {
                (false, true) => format!(
                    "the OAuth client's role lacks {}, which {endpoint} requires (403)",
                    quoted(requires)
                ),
                (false, false) => format!(
                    "the OAuth client's role lacks {}, which {endpoint} requires (403); the 403 names {}",
                    quoted(requires),
                    quoted(&named)
                ),
                (true, false) => format!(
                    "the OAuth client's role lacks {}, which the 403 of {endpoint} names (its docs list no permission)",
                    quoted(&named)
                ),
                (true, true) => format!("the OAuth client's role lacks a permission of {endpoint}: {error}"),
            }
        }
        ClientError::Status { status, .. } if *status >= 500 => format!("{error}, after {retries} retries"),
        other => other.to_string(),
    }
}

/// A failed pull: the reason, and that nothing was written.
fn failed(dir: &str, reason: &str) -> Failure {
    Problem::new(format!(
        "pull failed: {reason}; no snapshot was written to `{}`",
        Escaped(dir)
    ))
    .into()
}

fn summary_text(dir: &str, manifest: &Manifest, requests: u64, seconds: f64) -> String {
    let organization = &manifest.organization;
    let counts = manifest.counts;
    let mut out = String::new();
    line!(
        out,
        "pulled organization `{}` ({}) from {} into {}",
        Escaped(organization.name.as_deref().unwrap_or("")),
        Escaped(&organization.id),
        Escaped(&manifest.api_base),
        Escaped(dir)
    );
    let rows = [
        ("roles", counts.roles.to_string()),
        ("permissions", format!("{} domains", counts.permissions)),
        ("divisions", counts.divisions.to_string()),
        ("users", counts.users.to_string()),
        ("products", counts.products.to_string()),
    ];
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(name, count)| vec![name.to_owned(), count])
        .collect();
    table(&mut out, "  ", None, &rows);
    line!(out, "{requests} requests in {seconds:.2} s, at {}", manifest.pulled_at);
    out
}

fn summary_json(dir: &str, manifest: &Manifest, requests: u64, seconds: f64) -> Result<String, Failure> {
    json_document(&Summary {
        format_version: FORMAT_VERSION,
        dir: dir.to_owned(),
        organization: SummaryOrganization {
            id: &manifest.organization.id,
            name: manifest.organization.name.as_deref(),
        },
        region: manifest.region.as_deref(),
        api_base: &manifest.api_base,
        pulled_at: &manifest.pulled_at,
        counts: manifest.counts,
        requests,
        seconds,
    })
}
