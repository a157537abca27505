//! The outbox worker: claims due messages, renders and sends them, and records each attempt.
//! Temporary failures are retried with exponential backoff and jitter; permanent ones, and
//! messages out of attempts, become `dead` with their last error.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use futures_util::StreamExt;
use lettre::message::Mailbox;
use tokio_util::sync::CancellationToken;

use super::emails::{
    self, AppealReceived, ArticleRef, DeskAlert, DeskDigest, DeskRoundup, ErasureConfirm,
    Escalation, ReaderReply, ReportAck, ReportAssigned, ReportOutcome, ReportSummary,
    RoundupArticle,
};
use super::mailer::{Mailer, SendError};
use super::repo::{self, OutboxRow};
use super::{MessageKind, Wakeup, status, webhooks};
use crate::articles;
use crate::config::{NotifySettings, Secret, Settings};
use crate::i18n::{Messages, messages};
use crate::privacy::redact_emails;
use crate::reports::repo::ReportRow;
use crate::reports::{Category, ReportStatus, repo as reports_repo};
use crate::routing::Routing;
use crate::storage::{Db, DbConn, StorageError, now};
use crate::web::metrics::Metrics;

/// What rendering needs besides the database.
pub struct RenderContext {
    pub publisher: String,
    pub public_url: String,
    pub from: Mailbox,
    pub secret: Secret,
    pub routing: Arc<Routing>,
    pub alert_window_secs: u64,
    pub escalation_window_secs: u64,
    pub erasure_link_hours: u64,
    /// The publisher's own hosts: an editor email names their articles by path alone.
    pub publisher_hosts: Vec<String>,
    /// Sends the outbox's webhooks.
    pub webhooks: Arc<webhooks::Webhooks>,
    /// The default response targets (a reminder says how late each report is).
    pub targets: crate::config::TargetSettings,
}

impl RenderContext {
    pub fn new(settings: &Settings, routing: Arc<Routing>) -> Result<Self, String> {
        Ok(Self {
            publisher: settings.publisher.name.clone(),
            public_url: settings.server.public_url.trim_end_matches('/').to_string(),
            from: settings
                .mail
                .from
                .parse()
                .map_err(|e| format!("mail.from: {e}"))?,
            secret: settings.server.secret_key.clone(),
            routing,
            alert_window_secs: settings.notify.alert_window_secs,
            escalation_window_secs: settings.notify.escalation_window_secs,
            erasure_link_hours: settings.privacy.erasure_link_hours,
            publisher_hosts: settings.publisher.hosts.clone(),
            webhooks: Arc::new(
                webhooks::Webhooks::from_settings(settings)
                    .map_err(|e| format!("webhooks: {e}"))?,
            ),
            targets: settings.targets,
        })
    }
}

/// The link in reporter emails that stops further emails about one report.
pub fn unsubscribe_token(secret: &Secret, tracking_code: &str) -> String {
    crate::signing::keyed_hex(secret, "unsubscribe", tracking_code.as_bytes())
}

/// A round-up lists at most this many reports, and this many articles.
const ROUNDUP_MAX_REPORTS: i64 = 2000;
const ROUNDUP_MAX_ARTICLES: usize = 50;

/// Results are written once this many are waiting...
const RECORD_EVERY: usize = 32;
/// ...or once the oldest waiting result is this old, whichever comes first. A crash can then
/// deliver again only the messages in flight and those finished in the last moment, not the whole
/// batch; and at the benchmark's ~150 messages/s on SQLite this is about five commits a second,
/// close to the one commit per batch that keeps the worker from taking the writer from intake.
const RECORD_WITHIN: Duration = Duration::from_millis(250);

/// How often the last results of a batch are written again while the database refuses them.
const RECORD_RETRY_EVERY: Duration = Duration::from_millis(500);
/// Tries to write the last results once the worker is told to stop, before leaving them.
const RECORD_TRIES_WHEN_STOPPING: u32 = 3;

fn log_record_failure(error: &StorageError, count: usize) {
    if matches!(error, StorageError::Unreachable(_)) {
        // The outage itself was logged once when it began.
        tracing::debug!(%error, count, "delivery results wait for the database");
    } else {
        tracing::warn!(%error, count, "could not record delivery results; will try again");
    }
}

pub struct Worker {
    db: Db,
    mailer: Arc<Mailer>,
    context: Arc<RenderContext>,
    settings: NotifySettings,
    wakeup: Wakeup,
    /// `notify.instance_id`, resolved: written on every claim this worker takes.
    instance: Arc<str>,
    metrics: Arc<Metrics>,
    /// Runs the article snapshot jobs (`crate::evidence`).
    snapshots: Option<Arc<crate::evidence::Snapshotter>>,
}

/// A row's state after an attempt, to be written.
#[derive(Clone)]
struct Finished {
    id: i64,
    attempts: i32,
    state: &'static str,
    due: Option<NaiveDateTime>,
    error: Option<String>,
}

/// Results that could not be written, handed back to be tried again.
struct RecordFailed {
    error: StorageError,
    unrecorded: Vec<Finished>,
}

/// What one attempt came to.
#[derive(Debug)]
enum Attempt {
    Sent,
    Cancelled(&'static str),
    Failed(SendError),
}

impl From<webhooks::Delivery> for Attempt {
    fn from(delivery: webhooks::Delivery) -> Self {
        match delivery {
            webhooks::Delivery::Sent => Self::Sent,
            webhooks::Delivery::Cancelled(why) => Self::Cancelled(why),
            webhooks::Delivery::Retry(why) => Self::Failed(SendError::Transient(why)),
            webhooks::Delivery::Dead(why) => Self::Failed(SendError::Permanent(why)),
        }
    }
}

impl Worker {
    pub fn new(
        db: Db,
        mailer: Arc<Mailer>,
        context: Arc<RenderContext>,
        settings: NotifySettings,
        wakeup: Wakeup,
        instance_id: String,
    ) -> Self {
        Self {
            db,
            mailer,
            context,
            settings,
            wakeup,
            instance: instance_id.into(),
            metrics: Arc::default(),
            snapshots: None,
        }
    }

    /// Runs the article snapshot jobs queued in the outbox.
    pub fn with_snapshots(mut self, snapshots: Arc<crate::evidence::Snapshotter>) -> Self {
        self.snapshots = Some(snapshots);
        self
    }

    /// Records deliveries and errors in the application's metrics (`/metrics`).
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Runs until `stop` is cancelled. First it takes back the claims this instance still held
    /// when it last stopped (it crashed). Once stopped it claims nothing more: the sends in
    /// flight finish (each bounded by the SMTP timeout) and are recorded, the rest of the batch
    /// is handed back, due at once, and `run` returns.
    pub async fn run(self, stop: CancellationToken) {
        let poll = Duration::from_millis(self.settings.poll_interval_ms.max(10));
        self.take_back_own_claims(poll, &stop).await;
        while !stop.is_cancelled() {
            match self.run_once(&stop).await {
                Ok(0) => {
                    // Idle: sleep until the next poll, or until intake queues something.
                    tokio::select! {
                        _ = tokio::time::timeout(poll, self.wakeup.woken()) => {}
                        () = stop.cancelled() => {}
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    self.metrics.worker_error();
                    if matches!(error, StorageError::Unreachable(_)) {
                        // Logged once when the outage began.
                        tracing::debug!(%error, "outbox worker waits for the database");
                    } else {
                        tracing::warn!(%error, "outbox worker could not claim messages or record results");
                    }
                    tokio::select! {
                        () = tokio::time::sleep(poll) => {}
                        () = stop.cancelled() => {}
                    }
                }
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// Makes the messages this instance had claimed before it stopped due again now, rather than
    /// after their lease (minutes). Retried until it succeeds or the worker is stopped.
    async fn take_back_own_claims(&self, poll: Duration, stop: &CancellationToken) {
        while !stop.is_cancelled() {
            let instance = self.instance.clone();
            let released = self
                .db
                .write_replayable(move |conn| {
                    repo::release_claims_of(conn, &instance, now()).map_err(StorageError::from)
                })
                .await;
            match released {
                Ok(0) => return,
                Ok(count) => {
                    tracing::warn!(
                        count,
                        instance = %self.instance,
                        "took back the messages this instance had claimed when it stopped; they are due now"
                    );
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, "could not take back this instance's earlier claims; will try again");
                    tokio::select! {
                        () = tokio::time::sleep(poll) => {}
                        () = stop.cancelled() => {}
                    }
                }
            }
        }
    }

    /// Claims one batch and delivers it; returns how many messages were claimed. When `stop` is
    /// cancelled meanwhile, no further message of the batch is started; the sends in flight
    /// finish and are recorded, and the messages not started are handed back.
    pub async fn run_once(&self, stop: &CancellationToken) -> Result<usize, StorageError> {
        let lease = chrono::Duration::seconds(self.settings.lease_secs.max(1) as i64);
        let limit = i64::from(self.settings.batch_size);
        let instance = self.instance.clone();
        let claimed = self
            .db
            .write_replayable(move |conn| {
                // The lease starts when the claim runs, not when it queued for the writer.
                let now = now();
                repo::claim_due(conn, now, now + lease, limit, &instance)
                    .map_err(StorageError::from)
            })
            .await?;
        let count = claimed.len();
        let mut not_started = claimed.into_iter();
        let not_started_ref = &mut not_started;
        let (finished_tx, finished_rx) = tokio::sync::mpsc::unbounded_channel();
        let deliver = async move {
            futures_util::stream::iter(not_started_ref)
                .take_until(stop.cancelled())
                .map(|row| async move {
                    let attempt = self.attempt(&row).await;
                    self.outcome(&row, attempt, now())
                })
                .buffer_unordered(self.settings.concurrency as usize)
                .for_each(|finished| {
                    // The recorder reads until this sender is gone, so sending cannot fail.
                    let _ = finished_tx.send(finished);
                    std::future::ready(())
                })
                .await;
            // Tells the recorder that the batch is done.
            drop(finished_tx);
        };
        // Both run in this task: sends keep going while a chunk of results is being written.
        let ((), recorded) = tokio::join!(deliver, self.record_as_finished(finished_rx, stop));
        let not_started: Vec<(i64, i32)> = not_started.map(|r| (r.id, r.attempts)).collect();
        if !not_started.is_empty() {
            self.hand_back(not_started).await;
        }
        recorded?;
        Ok(count)
    }

    /// Releases claimed messages that were never attempted (the worker is stopping), so that
    /// the next worker sends them at once instead of after their lease.
    async fn hand_back(&self, claimed: Vec<(i64, i32)>) {
        let count = claimed.len();
        let instance = self.instance.clone();
        let released = self
            .db
            .write_replayable(move |conn| {
                repo::release_unattempted(conn, &claimed, &instance, now())
                    .map_err(StorageError::from)
            })
            .await;
        match released {
            Ok(released) => {
                tracing::info!(
                    released,
                    "stopping: handed back claimed messages not yet sent"
                )
            }
            Err(error) => tracing::warn!(
                %error,
                count,
                "stopping: could not hand back claimed messages; this instance takes them back when it starts again, any other after their lease"
            ),
        }
    }

    /// Records results in chunks as sends finish (see [`RECORD_EVERY`], [`RECORD_WITHIN`]), so
    /// that a crash or a slow server puts at most the messages in flight at risk of a second
    /// delivery, instead of every message of the batch until its slowest send is done.
    async fn record_as_finished(
        &self,
        mut finished: tokio::sync::mpsc::UnboundedReceiver<Finished>,
        stop: &CancellationToken,
    ) -> Result<(), StorageError> {
        let mut waiting: Vec<Finished> = Vec::new();
        let mut oldest: Option<tokio::time::Instant> = None;
        loop {
            let write_by = oldest.map(|at| at + RECORD_WITHIN);
            let next = match write_by {
                Some(deadline) => tokio::select! {
                    next = finished.recv() => Some(next),
                    () = tokio::time::sleep_until(deadline) => None,
                },
                None => Some(finished.recv().await),
            };
            match next {
                Some(Some(result)) => {
                    waiting.push(result);
                    oldest.get_or_insert_with(tokio::time::Instant::now);
                    if waiting.len() < RECORD_EVERY {
                        continue;
                    }
                }
                // Every send of the batch is done: write what is left and stop.
                Some(None) => return self.record_the_rest(waiting, stop).await,
                None => {}
            }
            match self.record(std::mem::take(&mut waiting)).await {
                Ok(()) => oldest = None,
                Err(RecordFailed { error, unrecorded }) => {
                    // Keep them for the next write rather than leave them to the lease.
                    log_record_failure(&error, unrecorded.len());
                    waiting = unrecorded;
                    oldest = Some(tokio::time::Instant::now());
                }
            }
        }
    }

    /// Writes the batch's last results, trying again until it succeeds: this instance holds the
    /// only record of what went out, and giving up would leave the messages claimed until their
    /// lease runs out (minutes), then send them again. When stopping, it gives up after a few
    /// tries; this instance takes its claims back when it starts again.
    async fn record_the_rest(
        &self,
        mut waiting: Vec<Finished>,
        stop: &CancellationToken,
    ) -> Result<(), StorageError> {
        let mut tries = 0;
        while !waiting.is_empty() {
            match self.record(std::mem::take(&mut waiting)).await {
                Ok(()) => return Ok(()),
                Err(RecordFailed { error, unrecorded }) => {
                    tries += 1;
                    if stop.is_cancelled() && tries >= RECORD_TRIES_WHEN_STOPPING {
                        return Err(error);
                    }
                    log_record_failure(&error, unrecorded.len());
                    waiting = unrecorded;
                    if stop.is_cancelled() {
                        tokio::time::sleep(RECORD_RETRY_EVERY / 5).await;
                    } else {
                        tokio::select! {
                            () = tokio::time::sleep(RECORD_RETRY_EVERY) => {}
                            // Told to stop: the few quicker tries above, then leave them.
                            () = stop.cancelled() => {}
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// One attempt at a row: an email, or a job of another kind.
    async fn attempt(&self, row: &OutboxRow) -> Attempt {
        // Not every message is an email.
        match MessageKind::parse(&row.kind) {
            Some(MessageKind::Webhook) => self.context.webhooks.deliver(&self.db, row).await.into(),
            Some(MessageKind::ArticleSnapshot) => {
                snapshot_attempt(self.snapshots.as_deref(), row).await
            }
            _ => self.send_email(row).await,
        }
    }

    async fn send_email(&self, row: &OutboxRow) -> Attempt {
        match self.prepare(row).await {
            Ok(Ok(message)) => match self.mailer.send(message, &row.message_id).await {
                Ok(()) => Attempt::Sent,
                Err(error) => Attempt::Failed(error),
            },
            Ok(Err(why)) => Attempt::Cancelled(why),
            Err(error) => Attempt::Failed(error),
        }
    }

    /// What an attempt means for the row: its next state, when it is due again, and why. A
    /// server's answer often quotes the recipient: addresses are redacted before it is logged
    /// or stored.
    fn outcome(&self, row: &OutboxRow, attempt: Attempt, now: NaiveDateTime) -> Finished {
        let attempt = match attempt {
            Attempt::Failed(SendError::Permanent(why)) => {
                Attempt::Failed(SendError::Permanent(redact_emails(&why)))
            }
            Attempt::Failed(SendError::Transient(why)) => {
                Attempt::Failed(SendError::Transient(redact_emails(&why)))
            }
            other => other,
        };
        let (state, due, error) = match attempt {
            Attempt::Sent => (status::SENT, None, None),
            Attempt::Cancelled(why) => (status::CANCELLED, None, Some(why.to_string())),
            Attempt::Failed(SendError::Permanent(why)) => {
                tracing::warn!(id = row.id, kind = %row.kind, error = %why, "message is dead: permanent failure");
                (status::DEAD, None, Some(why))
            }
            Attempt::Failed(SendError::Transient(why))
                if row.attempts >= self.settings.max_attempts as i32 =>
            {
                tracing::warn!(id = row.id, kind = %row.kind, error = %why, attempts = row.attempts, "message is dead: out of attempts");
                (
                    status::DEAD,
                    None,
                    Some(format!("{why} (after {} attempts)", row.attempts)),
                )
            }
            Attempt::Failed(SendError::Transient(why)) => {
                let delay = backoff(&self.settings, row.attempts, jitter());
                tracing::info!(id = row.id, kind = %row.kind, error = %why, retry_in_ms = delay.as_millis() as u64, "delivery failed; will retry");
                let due = now
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(60));
                (status::PENDING, Some(due), Some(why))
            }
        };
        let result = if state == status::PENDING {
            "retry"
        } else {
            state
        };
        let latency = (state == status::SENT)
            .then(|| (now - row.created_at).num_milliseconds().max(0) as f64 / 1000.0);
        self.metrics.delivery(&row.kind, result, latency);
        Finished {
            id: row.id,
            attempts: row.attempts,
            state,
            due,
            error,
        }
    }

    /// Records a chunk of attempts in one transaction: one commit per chunk, not per message,
    /// so the worker takes little of the single SQLite writer from intake.
    async fn record(&self, finished: Vec<Finished>) -> Result<(), RecordFailed> {
        let now = now();
        let chunk = Arc::new(finished);
        let to_write = chunk.clone();
        let lost = self
            .db
            .write_replayable(move |conn| {
                let mut lost = Vec::new();
                for f in to_write.iter() {
                    if !repo::finish_attempt(
                        conn,
                        f.id,
                        f.attempts,
                        f.state,
                        f.due,
                        f.error.as_deref(),
                        now,
                    )? {
                        lost.push(f.id);
                    }
                }
                Ok::<_, StorageError>(lost)
            })
            .await
            .map_err(|error| RecordFailed {
                error,
                unrecorded: Arc::unwrap_or_clone(chunk),
            })?;
        for id in lost {
            tracing::warn!(
                id,
                "another worker took this message over after its lease ran out"
            );
        }
        Ok(())
    }

    /// Loads what the message is about and builds it; `Err(why)` when it is no longer wanted.
    async fn prepare(
        &self,
        row: &OutboxRow,
    ) -> Result<Result<lettre::Message, &'static str>, SendError> {
        let context = self.context.clone();
        let row_for_render = row.clone();
        let email = self
            .db
            .read(move |conn| render(conn, &context, &row_for_render))
            .await
            .map_err(|e: RenderFailure| e.into_send_error())?;
        let email = match email {
            Rendered::Ready(email) => email,
            Rendered::Unwanted(why) => return Ok(Err(why)),
        };
        let recipients: Vec<String> = serde_json::from_str(&row.recipients)
            .map_err(|e| SendError::Permanent(format!("unreadable recipients: {e}")))?;
        emails::build_message(&email, &self.context.from, &recipients, &row.message_id)
            .map(Ok)
            .map_err(|e| SendError::Permanent(e.to_string()))
    }
}

/// An article snapshot job: fetched and stored by `crate::evidence`, retried like an email.
async fn snapshot_attempt(
    snapshots: Option<&crate::evidence::Snapshotter>,
    row: &OutboxRow,
) -> Attempt {
    use crate::evidence::service::JobResult;
    let Some(snapshots) = snapshots else {
        return Attempt::Failed(SendError::Transient(
            "this instance does not fetch article snapshots".into(),
        ));
    };
    match snapshots
        .run_job(row.article_id, row.coalesce_key.as_deref())
        .await
    {
        JobResult::Done => Attempt::Sent,
        JobResult::NotFetchable(_) => {
            Attempt::Cancelled("the article's address may not be fetched (see its page)")
        }
        JobResult::Failed {
            permanent: true,
            why,
        } => Attempt::Failed(SendError::Permanent(why)),
        JobResult::Failed { why, .. } => Attempt::Failed(SendError::Transient(why)),
    }
}

/// Rendering fails either because the database is unreachable (retry) or because the data can
/// never make an email (dead).
#[derive(Debug, thiserror::Error)]
enum RenderFailure {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Unrenderable(String),
}

impl From<diesel::result::Error> for RenderFailure {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

impl RenderFailure {
    fn into_send_error(self) -> SendError {
        match self {
            Self::Storage(e) => SendError::Transient(e.to_string()),
            Self::Unrenderable(why) => SendError::Permanent(why),
        }
    }
}

/// A rendered message, or why it is no longer wanted (recorded on the cancelled row).
enum Rendered {
    Ready(emails::Email),
    Unwanted(&'static str),
}

const UNSUBSCRIBED: &str = "the reporter asked for no more emails";

/// The absolute dashboard links of an article and its name in subjects.
struct ArticleLinks {
    label: String,
    desk_url: String,
}

impl ArticleLinks {
    fn new(context: &RenderContext, article: &crate::articles::Article) -> Self {
        Self {
            label: emails::article_label(
                &article.canonical_url,
                &article.host,
                &context.publisher_hosts,
            ),
            desk_url: format!("{}/desk/articles/{}", context.public_url, article.id),
        }
    }

    fn of<'a>(&'a self, article: &'a crate::articles::Article) -> ArticleRef<'a> {
        ArticleRef {
            url: &article.canonical_url,
            label: &self.label,
            desk_url: &self.desk_url,
        }
    }
}

fn render(
    conn: &mut DbConn,
    context: &RenderContext,
    row: &OutboxRow,
) -> Result<Rendered, RenderFailure> {
    let missing = |what: &str| {
        RenderFailure::Unrenderable(format!("{} message {}: {what} not found", row.kind, row.id))
    };
    let kind = MessageKind::parse(&row.kind).ok_or_else(|| missing("its kind"))?;
    let desk_name = || {
        row.desk_id
            .and_then(|id| context.routing.desk_by_id(id))
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    // Links in a reporter's email open their pages in the email's language.
    let unsubscribe_url = |code: &str, t: &Messages| {
        format!(
            "{}/status/{code}/unsubscribe?token={}&lang={}",
            context.public_url,
            unsubscribe_token(&context.secret, code),
            t.tag()
        )
    };
    let status_url =
        |code: &str, t: &Messages| format!("{}/status/{code}?lang={}", context.public_url, t.tag());
    let email = match kind {
        MessageKind::ArticleSnapshot => {
            return Err(RenderFailure::Unrenderable(
                "an article snapshot is a job, not an email".into(),
            ));
        }
        // Sent by `webhooks::Webhooks::deliver`, never rendered as an email.
        MessageKind::Webhook => return Err(missing("an email form (it is a webhook)")),
        MessageKind::ReportOutcome => {
            let (report, article) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            if report.reporter_unsubscribed {
                return Ok(Rendered::Unwanted(UNSUBSCRIBED));
            }
            let t = messages(&row.language);
            let status = ReportStatus::parse(&report.status)
                .map(ReportStatus::public)
                .unwrap_or(crate::reports::PublicStatus::UnderReview);
            let status_url = status_url(&report.tracking_code, t);
            ReportOutcome {
                t,
                publisher: &context.publisher,
                code: &report.tracking_code,
                article_url: &article.canonical_url,
                status_label: &t.t(status.label_id()),
                status_explanation: &t.t(status.explanation_id()),
                outcome_note: report.outcome_note.as_deref(),
                correction_url: report.correction_url.as_deref(),
                status_url: &status_url,
                unsubscribe_url: &unsubscribe_url(&report.tracking_code, t),
            }
            .email()
        }
        MessageKind::ReportAssigned => {
            let (report, article) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            let t = messages(&row.language);
            let category = Category::parse(&report.category)
                .map(|c| t.t(c.label_id()))
                .unwrap_or_else(|| report.category.clone());
            let links = ArticleLinks::new(context, &article);
            ReportAssigned {
                t,
                publisher: &context.publisher,
                code: &report.tracking_code,
                report_desk_url: &report_desk_url(context, &report.tracking_code),
                article: links.of(&article),
                category: &category,
                explanation: &report.explanation,
            }
            .render()
        }
        MessageKind::ReaderReply => {
            let (report, article) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            let links = ArticleLinks::new(context, &article);
            ReaderReply {
                t: messages(&row.language),
                publisher: &context.publisher,
                code: &report.tracking_code,
                report_desk_url: &report_desk_url(context, &report.tracking_code),
                article: links.of(&article),
            }
            .render()
        }
        MessageKind::AppealReceived => {
            let (report, article) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            let appeal =
                reports_repo::first_event(conn, report.id, crate::reports::appeal::APPEALED)?
                    .ok_or_else(|| missing("appeal"))?;
            let links = ArticleLinks::new(context, &article);
            AppealReceived {
                t: messages(&row.language),
                publisher: &context.publisher,
                desk: &desk_name(),
                code: &report.tracking_code,
                report_desk_url: &report_desk_url(context, &report.tracking_code),
                article: links.of(&article),
                appealed_at: &appeal.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                decision_note: report.outcome_note.as_deref(),
                reason: appeal.note.as_deref().unwrap_or_default(),
            }
            .render()
        }
        MessageKind::ReportAck => {
            let (report, article) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            if report.reporter_unsubscribed {
                return Ok(Rendered::Unwanted(UNSUBSCRIBED));
            }
            let t = messages(&row.language);
            let status_url = status_url(&report.tracking_code, t);
            let unsubscribe_url = unsubscribe_url(&report.tracking_code, t);
            ReportAck {
                t,
                publisher: &context.publisher,
                code: &report.tracking_code,
                status_url: &status_url,
                article_url: &article.canonical_url,
                needs_url: report.status == ReportStatus::NeedsUrl.as_str(),
                wants_outcome: report.wants_outcome,
                unsubscribe_url: &unsubscribe_url,
            }
            .email()
        }
        MessageKind::DeskAlert => {
            let (report, article) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            let links = ArticleLinks::new(context, &article);
            DeskAlert {
                t: messages(&row.language),
                publisher: &context.publisher,
                desk: &desk_name(),
                article: links.of(&article),
                report_count: article.report_count,
                window_minutes: context.alert_window_secs.div_ceil(60),
                report: summary(context, &report, &row.language),
            }
            .render()
        }
        MessageKind::DeskDigest => {
            let article = articles::repo::find(conn, row.article_id.unwrap_or(-1))?
                .ok_or_else(|| missing("article"))?;
            let reports = reports_repo::digest_reports(
                conn,
                article.id,
                row.desk_id.unwrap_or(-1),
                row.report_id.unwrap_or(0),
                row.window_end.unwrap_or(row.created_at),
            )?;
            // What an editor already decided needs no more attention: left out, and counted.
            let (open, decided): (Vec<ReportRow>, Vec<ReportRow>) = reports
                .into_iter()
                .partition(|r| ReportStatus::parse(&r.status).is_none_or(ReportStatus::is_open));
            if open.is_empty() {
                return Ok(Rendered::Unwanted(if decided.is_empty() {
                    "no reports left to list"
                } else {
                    "every report it would list was decided before it went out"
                }));
            }
            let links = ArticleLinks::new(context, &article);
            DeskDigest {
                t: messages(&row.language),
                publisher: &context.publisher,
                desk: &desk_name(),
                article: links.of(&article),
                report_count: article.report_count,
                reports: open
                    .iter()
                    .map(|r| summary(context, r, &row.language))
                    .collect(),
                left_out: decided.len(),
            }
            .render()
        }
        MessageKind::DeskRoundup => {
            let start = row.window_start.unwrap_or(row.created_at);
            let end = row.window_end.unwrap_or(row.created_at);
            let reports = repo::roundup_reports(
                conn,
                row.desk_id.unwrap_or(-1),
                start,
                end,
                ROUNDUP_MAX_REPORTS,
            )?;
            if reports.is_empty() {
                return Ok(Rendered::Unwanted("no reports left to list"));
            }
            let report_total = reports.len() as i64;
            let mut articles: Vec<RoundupArticle> = Vec::new();
            for (report, article) in &reports {
                match articles
                    .iter_mut()
                    .find(|a| a.article_url == article.canonical_url)
                {
                    Some(listed) => listed.count += 1,
                    None => articles.push(RoundupArticle {
                        article_url: article.canonical_url.clone(),
                        desk_url: ArticleLinks::new(context, article).desk_url,
                        count: 1,
                        first: summary(context, report, &row.language),
                    }),
                }
            }
            let more_articles = articles.len().saturating_sub(ROUNDUP_MAX_ARTICLES);
            articles.truncate(ROUNDUP_MAX_ARTICLES);
            DeskRoundup {
                t: messages(&row.language),
                publisher: &context.publisher,
                desk: &desk_name(),
                window_minutes: context.alert_window_secs.div_ceil(60),
                report_total,
                articles,
                more_articles,
            }
            .render()
        }
        MessageKind::ErasureConfirm => {
            let (report, _) = reports_repo::find_by_id(conn, row.report_id.unwrap_or(-1))?
                .ok_or_else(|| missing("report"))?;
            if report.reporter_email.is_none() {
                return Ok(Rendered::Unwanted(
                    "the reporter's data was erased meanwhile: nothing left to confirm",
                ));
            }
            let hours = context.erasure_link_hours;
            let expires = (row.created_at + chrono::Duration::hours(hours as i64))
                .and_utc()
                .timestamp();
            let token =
                crate::privacy::erasure_token(&context.secret, &report.tracking_code, expires);
            let t = messages(&row.language);
            let confirm_url = format!(
                "{}/status/{}/erase/confirm?expires={expires}&token={token}&lang={}",
                context.public_url,
                report.tracking_code,
                t.tag()
            );
            ErasureConfirm {
                t,
                publisher: &context.publisher,
                code: &report.tracking_code,
                confirm_url: &confirm_url,
                valid_hours: hours,
            }
            .render()
        }
        MessageKind::DeskOverdue => match crate::targets::reminder::render(conn, context, row)? {
            Some(email) => email,
            None => return Ok(Rendered::Unwanted(crate::targets::reminder::NOTHING_LEFT)),
        },
        MessageKind::Escalation => {
            let article = articles::repo::find(conn, row.article_id.unwrap_or(-1))?
                .ok_or_else(|| missing("article"))?;
            let since = row.window_start.unwrap_or(row.created_at);
            let recent_count = repo::reports_on_article_since(conn, article.id, since)?;
            let links = ArticleLinks::new(context, &article);
            Escalation {
                t: messages(&row.language),
                publisher: &context.publisher,
                desk: &desk_name(),
                article: links.of(&article),
                recent_count,
                window_minutes: context.escalation_window_secs.div_ceil(60),
                report_count: article.report_count,
            }
            .render()
        }
    };
    email
        .map(Rendered::Ready)
        .map_err(|e| RenderFailure::Unrenderable(e.to_string()))
}

fn report_desk_url(context: &RenderContext, code: &str) -> String {
    format!("{}/desk/reports/{code}", context.public_url)
}

fn summary(context: &RenderContext, report: &ReportRow, language: &str) -> ReportSummary {
    let t = messages(language);
    ReportSummary {
        code: report.tracking_code.clone(),
        desk_url: report_desk_url(context, &report.tracking_code),
        category: Category::parse(&report.category)
            .map(|c| t.t(c.label_id()).to_string())
            .unwrap_or_else(|| report.category.clone()),
        passage: report.passage.clone(),
        explanation: report.explanation.clone(),
        evidence_urls: serde_json::from_str(&report.evidence_urls).unwrap_or_default(),
        language: report.language.clone(),
        submitted_url: report.submitted_url.clone(),
    }
}

/// Exponential backoff: `base * 2^(attempt-1)`, capped, then scaled by `jitter` in [0.5, 1.0] so
/// that many messages failing together do not retry together.
pub fn backoff(settings: &NotifySettings, attempt: i32, jitter: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).clamp(0, 30) as u32;
    let base = settings
        .base_backoff_ms
        .max(1)
        .saturating_mul(1u64 << exponent);
    let capped = base.min(settings.max_backoff_secs.saturating_mul(1000).max(1));
    Duration::from_millis((capped as f64 * jitter.clamp(0.5, 1.0)) as u64)
}

fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    0.5 + f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> NotifySettings {
        NotifySettings {
            worker: true,
            alert_window_secs: 600,
            escalation_threshold: 25,
            escalation_window_secs: 3600,
            max_attempts: 10,
            base_backoff_ms: 1000,
            max_backoff_secs: 60,
            poll_interval_ms: 1000,
            batch_size: 10,
            concurrency: 2,
            lease_secs: 60,
            acks_per_address_per_day: 3,
            desk_alerts_per_window: 5,
            instance_id: String::new(),
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = settings();
        assert_eq!(backoff(&s, 1, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(&s, 2, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(&s, 4, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(&s, 20, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(&s, 1000, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(&s, 2, 0.5), Duration::from_secs(1));
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.5..=1.0).contains(&j), "{j}");
        }
    }
}
