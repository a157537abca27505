//! When snapshots are taken, how a page is fetched and stored, and what the article page reads.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use sha2::{Digest, Sha256};
use url::Url;

use super::repo::{self, AttemptRow, InsertSnapshot, SnapshotRow};
use super::{Reason, extract};
use crate::articles::{self, Article};
use crate::config::{Environment, Settings};
use crate::notify::{self, MessageKind};
use crate::outbound::{self, OutboundError, Policy};
use crate::storage::{Db, DbConn, StorageError, now};

/// The outbox kind of a snapshot job.
pub const JOB: MessageKind = MessageKind::ArticleSnapshot;

/// Header values longer than this are cut before they are stored.
const MAX_HEADER_CHARS: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("no article has that id")]
    NotFound,
    #[error("this is the bucket of reports waiting for their article's address: it has no page")]
    NoAddress,
    #[error("the page fetcher could not be set up: {0}")]
    Setup(OutboundError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for EvidenceError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

// ---- When: jobs queued inside the transactions that call for them --------------------------

/// The coalescing key of a job: which article, and why (read back by the worker).
fn job_key(article_id: i64, reason: Reason) -> String {
    format!("snapshot:{article_id}:{}", reason.as_str())
}

fn reason_of_key(key: &str) -> Option<Reason> {
    key.strip_prefix("snapshot:")?
        .rsplit(':')
        .next()
        .and_then(Reason::parse)
}

fn queue(
    conn: &mut DbConn,
    article_id: i64,
    reason: Reason,
    now: NaiveDateTime,
) -> QueryResult<()> {
    notify::outbox::enqueue_job(conn, JOB, article_id, &job_key(article_id, reason), now)
}

fn has_address(article: &Article) -> bool {
    article.canonical_url != articles::repo::AWAITING_ADDRESS_URL
}

/// A report was stored on `article` (intake, or an editor completing its address): the
/// article's first snapshot is queued unless one was queued before. True when queued.
pub fn on_report(conn: &mut DbConn, article: &Article, now: NaiveDateTime) -> QueryResult<bool> {
    if !has_address(article) {
        return Ok(false);
    }
    let ever = chrono::DateTime::UNIX_EPOCH.naive_utc();
    if notify::repo::has_message_since(conn, JOB.as_str(), article.id, ever)? {
        return Ok(false);
    }
    queue(conn, article.id, Reason::FirstReport, now)?;
    Ok(true)
}

/// A decision resolved the article (no report of it is open any more, and the last move was an
/// outcome): a snapshot of the page as resolved is queued, unless one is already waiting.
pub fn on_resolved(conn: &mut DbConn, article_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let Some(article) = articles::repo::find(conn, article_id)? else {
        return Ok(false);
    };
    if !has_address(&article) || article.open_report_count > 0 {
        return Ok(false);
    }
    let key = job_key(article_id, Reason::Resolved);
    if notify::repo::has_unfinished(conn, JOB.as_str(), article_id, Some(&key))? {
        return Ok(false);
    }
    queue(conn, article_id, Reason::Resolved, now)?;
    Ok(true)
}

/// What an editor's "Fetch again" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    Queued,
    /// A fetch of this article is already waiting or under way.
    AlreadyQueued,
}

/// An editor asked for a new snapshot: queued for the worker (the page answers at once).
pub async fn request(db: &Db, article_id: i64) -> Result<Requested, EvidenceError> {
    db.write(move |conn| {
        let article = articles::repo::find(conn, article_id)?.ok_or(EvidenceError::NotFound)?;
        if !has_address(&article) {
            return Err(EvidenceError::NoAddress);
        }
        if notify::repo::has_unfinished(conn, JOB.as_str(), article_id, None)? {
            return Ok(Requested::AlreadyQueued);
        }
        queue(conn, article_id, Reason::OnDemand, now())?;
        Ok(Requested::Queued)
    })
    .await
}

// ---- How: fetching through the outbound policy --------------------------------------------

/// The User-Agent of every fetch: names disinfo-desk and where the desk is (visible ASCII only,
/// as a header must be).
pub fn user_agent(settings: &Settings) -> String {
    let public_url: String = settings
        .server
        .public_url
        .trim_end_matches('/')
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .collect();
    format!(
        "disinfo-desk/{} (article snapshots; +{public_url})",
        env!("CARGO_PKG_VERSION")
    )
}

/// The outbound policy of snapshot fetches, from `[publisher] hosts` and `[evidence]`.
pub fn policy(settings: &Settings) -> Policy {
    let evidence = &settings.evidence;
    Policy {
        allowed_hosts: Some(
            settings
                .publisher
                .hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
        ),
        https_only: settings.environment == Environment::Production,
        allow_private_addresses: evidence.allow_private_addresses,
        pinned: evidence
            .pinned
            .iter()
            .map(|(host, addr)| (host.to_ascii_lowercase(), *addr))
            .collect(),
        timeout: Duration::from_secs(evidence.timeout_secs),
        max_body_bytes: evidence.max_bytes,
        max_redirects: evidence.max_redirects,
        user_agent: user_agent(settings),
    }
}

/// Why an attempt did not give a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The policy never allows this address (not a publisher host, http in production...):
    /// nothing was sent, and nothing will be until the configuration changes.
    NotFetchable(String),
    /// Refused on the way (a redirect elsewhere), too large, not a page, gone (4xx).
    Permanent(String),
    /// Timed out, unreachable, a 5xx or 429: worth another try.
    Transient(String),
}

impl Failure {
    pub fn message(&self) -> &str {
        match self {
            Self::NotFetchable(why) | Self::Permanent(why) | Self::Transient(why) => why,
        }
    }
}

/// One attempt, stored.
#[derive(Debug, Clone)]
pub struct Taken {
    pub row: SnapshotRow,
    pub failure: Option<Failure>,
    /// For a snapshot: whether its text differs from the article's first snapshot (`false` for
    /// the first one itself).
    pub changed: Option<bool>,
}

impl Taken {
    /// The attempt in lines of `name: value`, as `disinfo-desk snapshot` prints it.
    pub fn report(&self, article: &Article) -> String {
        let row = &self.row;
        let mut lines = vec![
            format!("article: {} {}", article.id, article.canonical_url),
            format!(
                "fetched: {}",
                row.fetched_at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            format!("requested: {}", row.requested_url),
        ];
        let optional = [
            ("status", row.http_status.map(|s| s.to_string())),
            ("final url", row.final_url.clone()),
            ("last-modified", row.last_modified.clone()),
            ("etag", row.etag.clone()),
            ("content-type", row.content_type.clone()),
            ("title", row.title.clone()),
            ("sha256", row.text_sha256.clone()),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                lines.push(format!("{name}: {value}"));
            }
        }
        if let Some(text) = &row.text {
            lines.push(format!("text: {} characters", text.chars().count()));
        }
        if let Some(changed) = self.changed {
            let words = if changed { "yes" } else { "no" };
            lines.push(format!("changed since the first snapshot: {words}"));
        }
        if let Some(failure) = &self.failure {
            lines.push(format!("error: {}", failure.message()));
        }
        lines.push(String::new());
        lines.join("\n")
    }
}

/// What a snapshot job came to, for the outbox worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobResult {
    Done,
    /// Not fetched, by the policy: the job is finished (cancelled), the reason on the page.
    NotFetchable(String),
    Failed {
        permanent: bool,
        why: String,
    },
}

/// Takes snapshots: the outbound client with the `[evidence]` policy, and the database.
#[derive(Clone)]
pub struct Snapshotter {
    db: Db,
    client: outbound::Client,
    https_only: bool,
}

/// What the fetch gave, before it is stored.
#[derive(Default)]
struct Fetched {
    requested_url: String,
    status: Option<i32>,
    final_url: Option<String>,
    last_modified: Option<String>,
    etag: Option<String>,
    content_type: Option<String>,
    title: Option<String>,
    text: Option<String>,
    sha256: Option<String>,
    failure: Option<Failure>,
}

impl Snapshotter {
    pub fn new(settings: &Settings, db: Db) -> Result<Self, EvidenceError> {
        let policy = policy(settings);
        let https_only = policy.https_only;
        let client = outbound::Client::new(policy).map_err(EvidenceError::Setup)?;
        Ok(Self {
            db,
            client,
            https_only,
        })
    }

    /// Runs the job of an outbox row (`article_id`, `key` as queued).
    pub async fn run_job(&self, article_id: Option<i64>, key: Option<&str>) -> JobResult {
        let Some(article_id) = article_id else {
            return JobResult::Failed {
                permanent: true,
                why: "the job names no article".into(),
            };
        };
        let reason = key.and_then(reason_of_key).unwrap_or(Reason::OnDemand);
        match self.take(article_id, reason).await {
            Ok(taken) => match taken.failure {
                None => JobResult::Done,
                Some(Failure::NotFetchable(why)) => JobResult::NotFetchable(why),
                Some(Failure::Permanent(why)) => JobResult::Failed {
                    permanent: true,
                    why,
                },
                Some(Failure::Transient(why)) => JobResult::Failed {
                    permanent: false,
                    why,
                },
            },
            Err(EvidenceError::NoAddress) => {
                JobResult::NotFetchable(EvidenceError::NoAddress.to_string())
            }
            Err(error @ (EvidenceError::NotFound | EvidenceError::Setup(_))) => JobResult::Failed {
                permanent: true,
                why: error.to_string(),
            },
            Err(error @ EvidenceError::Storage(_)) => JobResult::Failed {
                permanent: false,
                why: error.to_string(),
            },
        }
    }

    /// Fetches the article's page now and stores the attempt (a snapshot, or its error).
    pub async fn take(&self, article_id: i64, reason: Reason) -> Result<Taken, EvidenceError> {
        let article = self
            .db
            .read(move |conn| Ok::<_, EvidenceError>(articles::repo::find(conn, article_id)?))
            .await?
            .ok_or(EvidenceError::NotFound)?;
        if !has_address(&article) {
            return Err(EvidenceError::NoAddress);
        }
        let fetched = self.fetch(&article.canonical_url).await;
        let failure = fetched.failure.clone();
        let (row, changed) = self
            .db
            .write(move |conn| {
                let error = fetched.failure.as_ref().map(Failure::message);
                let row = repo::insert(
                    conn,
                    &InsertSnapshot {
                        article_id,
                        reason: reason.as_str(),
                        requested_url: &fetched.requested_url,
                        fetched_at: now(),
                        http_status: fetched.status,
                        final_url: fetched.final_url.as_deref(),
                        last_modified: fetched.last_modified.as_deref(),
                        etag: fetched.etag.as_deref(),
                        content_type: fetched.content_type.as_deref(),
                        title: fetched.title.as_deref(),
                        text: fetched.text.as_deref(),
                        text_sha256: fetched.sha256.as_deref(),
                        error,
                    },
                )?;
                let changed = if row.succeeded() {
                    repo::first_success(conn, article_id)?
                        .map(|first| first.text_sha256 != row.text_sha256)
                } else {
                    None
                };
                Ok::<_, EvidenceError>((row, changed))
            })
            .await?;
        match &failure {
            None => tracing::info!(
                article_id,
                reason = reason.as_str(),
                "article snapshot taken"
            ),
            Some(f) => tracing::info!(
                article_id,
                reason = reason.as_str(),
                error = f.message(),
                "article snapshot failed"
            ),
        }
        Ok(Taken {
            row,
            failure,
            changed,
        })
    }

    async fn fetch(&self, address: &str) -> Fetched {
        let mut fetched = Fetched {
            requested_url: address.to_string(),
            ..Fetched::default()
        };
        let mut url = match Url::parse(address) {
            Ok(url) => url,
            Err(e) => {
                fetched.failure = Some(Failure::NotFetchable(format!(
                    "the article's address is not a web address: {e}"
                )));
                return fetched;
            }
        };
        // In production only https is fetched: a publisher's http:// address is asked for over
        // https (the same page on every current news site), not refused.
        if self.https_only && url.scheme() == "http" && url.set_scheme("https").is_ok() {
            fetched.requested_url = url.to_string();
        }
        if let Err(refused) = self.client.check_url(&url) {
            fetched.failure = Some(Failure::NotFetchable(format!("not fetched: {refused}")));
            return fetched;
        }
        let response = match self.client.get(&url).await {
            Ok(response) => response,
            Err(error) => {
                let why = error.to_string();
                fetched.failure = Some(if error.is_permanent() {
                    Failure::Permanent(why)
                } else {
                    Failure::Transient(why)
                });
                return fetched;
            }
        };
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().chars().take(MAX_HEADER_CHARS).collect::<String>())
                .filter(|v| !v.is_empty())
        };
        fetched.status = Some(i32::from(response.status));
        fetched.final_url = Some(response.final_url.to_string());
        fetched.last_modified = header(reqwest::header::LAST_MODIFIED);
        fetched.etag = header(reqwest::header::ETAG);
        fetched.content_type = header(reqwest::header::CONTENT_TYPE);
        if let Some(failure) = status_failure(response.status) {
            fetched.failure = Some(failure);
            return fetched;
        }
        if !extract::is_text_type(fetched.content_type.as_deref()) {
            fetched.failure = Some(Failure::Permanent(format!(
                "the page is {}, not HTML: there is no text to keep",
                fetched.content_type.as_deref().unwrap_or_default()
            )));
            return fetched;
        }
        // Parsing a few megabytes of HTML is work for a blocking thread, not the async ones.
        let content_type = fetched.content_type.clone();
        let body = response.body;
        let page =
            tokio::task::spawn_blocking(move || extract::page_text(&body, content_type.as_deref()))
                .await;
        match page {
            Ok(page) => {
                fetched.sha256 = Some(hex::encode(Sha256::digest(page.text.as_bytes())));
                fetched.title = page.title;
                fetched.text = Some(page.text);
            }
            Err(e) => {
                fetched.failure = Some(Failure::Transient(format!("text extraction failed: {e}")))
            }
        }
        fetched
    }
}

/// What an HTTP status means for a snapshot: `None` for a page (2xx); a failure worth retrying
/// for a server's trouble (5xx, 429, 408, 425); a permanent one otherwise (gone, forbidden, a
/// redirect not followed).
fn status_failure(status: u16) -> Option<Failure> {
    if (200..300).contains(&status) {
        return None;
    }
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    let why = format!("the server answered {status}{reason}");
    Some(if matches!(status, 408 | 425 | 429 | 500..=599) {
        Failure::Transient(why)
    } else {
        Failure::Permanent(why)
    })
}

// ---- What the article page reads ---------------------------------------------------------

/// How many attempts the article page lists.
pub const HISTORY_SHOWN: i64 = 10;

/// An article's snapshots as its page shows them.
#[derive(Debug, Clone, Default)]
pub struct ArticleEvidence {
    /// The first successful snapshot (what the first readers saw, as near as we know).
    pub first: Option<SnapshotRow>,
    /// The latest successful one, when it is not the first.
    pub latest: Option<SnapshotRow>,
    /// The latest attempts, newest first.
    pub attempts: Vec<AttemptRow>,
    pub attempt_total: i64,
    /// A fetch is waiting or under way.
    pub queued: bool,
}

impl ArticleEvidence {
    /// The latest attempt failed: its error.
    pub fn last_error(&self) -> Option<&AttemptRow> {
        self.attempts.first().filter(|a| a.error.is_some())
    }

    /// The latest snapshot's text differs from the first's.
    pub fn changed(&self) -> bool {
        match (&self.first, &self.latest) {
            (Some(first), Some(latest)) => first.text_sha256 != latest.text_sha256,
            _ => false,
        }
    }
}

pub async fn article_evidence(db: &Db, article_id: i64) -> Result<ArticleEvidence, EvidenceError> {
    db.read(move |conn| {
        let first = repo::first_success(conn, article_id)?;
        let latest = match &first {
            Some(first) => repo::latest_success(conn, article_id)?.filter(|l| l.id != first.id),
            None => None,
        };
        Ok(ArticleEvidence {
            first,
            latest,
            attempts: repo::recent_attempts(conn, article_id, HISTORY_SHOWN)?,
            attempt_total: repo::count_attempts(conn, article_id)?,
            queued: notify::repo::has_unfinished(conn, JOB.as_str(), article_id, None)?,
        })
    })
    .await
}

/// The article the `snapshot` command names: an id, or any URL of it (canonicalised as intake
/// does).
pub async fn find_article(
    db: &Db,
    urls: &articles::UrlPolicy,
    id_or_url: &str,
) -> Result<Option<Article>, EvidenceError> {
    let given = id_or_url.trim();
    if let Ok(id) = given.parse::<i64>() {
        return db
            .read(move |conn| Ok::<_, EvidenceError>(articles::repo::find(conn, id)?))
            .await;
    }
    let Ok(url) = urls.canonicalize(given, articles::HostCheck::AnyHost) else {
        return Ok(None);
    };
    db.read(move |conn| Ok::<_, EvidenceError>(repo::article_by_url(conn, url.as_str())?))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_keys_carry_the_reason() {
        for reason in Reason::ALL {
            assert_eq!(reason_of_key(&job_key(42, reason)), Some(reason));
        }
        assert_eq!(reason_of_key("desk:1:article:2"), None);
    }

    #[test]
    fn statuses_that_are_worth_retrying() {
        assert_eq!(status_failure(200), None);
        assert_eq!(status_failure(203), None);
        for status in [500, 502, 503, 504, 429, 408] {
            assert!(
                matches!(status_failure(status), Some(Failure::Transient(_))),
                "{status}"
            );
        }
        for status in [404, 410, 403, 401, 301, 304] {
            assert!(
                matches!(status_failure(status), Some(Failure::Permanent(_))),
                "{status}"
            );
        }
        assert_eq!(
            status_failure(503).as_ref().map(Failure::message),
            Some("the server answered 503 Service Unavailable")
        );
    }

    #[test]
    fn the_policy_follows_the_configuration() {
        let config_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut settings =
            Settings::load_from(&config_dir, Environment::Development).expect("loads");
        settings.server.public_url = "https://desk.example.com/".into();
        settings.evidence.pinned.insert(
            "WWW.Example.com".into(),
            "127.0.0.1:8081".parse().expect("addr"),
        );
        let policy = policy(&settings);
        assert!(!policy.https_only);
        assert!(!policy.allow_private_addresses);
        assert_eq!(
            policy.allowed_hosts.as_deref(),
            Some(settings.publisher.hosts.as_slice())
        );
        assert_eq!(
            policy.pinned,
            vec![(
                "www.example.com".to_string(),
                "127.0.0.1:8081".parse().expect("addr")
            )]
        );
        assert_eq!(policy.max_body_bytes, settings.evidence.max_bytes);
        assert_eq!(
            policy.timeout,
            Duration::from_secs(settings.evidence.timeout_secs)
        );
        assert_eq!(
            policy.user_agent,
            format!(
                "disinfo-desk/{} (article snapshots; +https://desk.example.com)",
                env!("CARGO_PKG_VERSION")
            )
        );
        settings.environment = Environment::Production;
        assert!(super::policy(&settings).https_only);
    }
}
