//! Intake rules: a report, its article and its first event are written in one transaction, and
//! nothing is acknowledged before that transaction commits.

use chrono::NaiveDateTime;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::counts::CountChanges;
use super::input::{FieldErrors, NewReport, ReportInput};
use super::tracking::{RandomnessError, TrackingCode};
use super::{Category, Channel, PublicStatus, ReportStatus, repo};
use crate::articles;
use crate::config::NotifySettings;
use crate::notify::outbox::{self, DeskRef, NewReportEvent};
use crate::notify::webhooks::service as webhooks;
use crate::routing::{LiveRules, RouteInput, Routing};
use crate::storage::{Db, DbConn, StorageError, lost_to_another_transaction, now};

/// A lost race (see [`lost_race`]) is retried this many times; each retry sees the other's
/// committed rows.
const MAX_ATTEMPTS: usize = 3;
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report has invalid fields")]
    Invalid(FieldErrors),
    #[error("this Idempotency-Key was already used with a different request body")]
    IdempotencyMismatch,
    #[error("no report has that tracking code")]
    NotFound,
    #[error("a report that is {from} cannot become {to}")]
    IllegalTransition {
        from: ReportStatus,
        to: ReportStatus,
    },
    #[error("the report was changed by someone else meanwhile; reload it and try again")]
    Conflict,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Randomness(#[from] RandomnessError),
}

impl From<DieselError> for ReportError {
    fn from(error: DieselError) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

/// What intake tells the reader; also what an idempotent retry replays, unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub tracking_code: String,
    pub status: String,
    pub canonical_url: String,
    pub report_count: i64,
}

impl Submitted {
    pub fn public_status(&self) -> PublicStatus {
        ReportStatus::parse(&self.status)
            .map(ReportStatus::public)
            .unwrap_or(PublicStatus::Received)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    Created,
    /// An earlier request with the same Idempotency-Key and body; nothing new was stored.
    Replayed,
}

/// A client's retry key: the same key with the same body gives the first answer again.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: String,
    request_hash: String,
}

impl IdempotencyKey {
    /// `None` when the key is empty, too long or not printable ASCII.
    pub fn new(key: &str, input: &ReportInput) -> Option<Self> {
        Self::for_request(key, &input.normalized())
    }

    /// A key for another kind of request (the editor API's entry): `request` is what was asked
    /// for, already normalised.
    pub fn for_request(key: &str, request: &impl Serialize) -> Option<Self> {
        let key = key.trim();
        let printable = key.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !printable {
            return None;
        }
        // Hash what was asked for, not its spelling: the normalised input.
        let canonical = serde_json::to_vec(request).unwrap_or_default();
        Some(Self {
            key: key.to_string(),
            request_hash: hex::encode(Sha256::digest(&canonical)),
        })
    }
}

pub struct Submission {
    pub report: NewReport,
    pub channel: Channel,
    /// Keyed hash of the client address (never the address itself).
    pub client_hash: Option<String>,
    pub idempotency: Option<IdempotencyKey>,
    /// An abuse rule this report tripped: it is stored as `spam`, for editors to review.
    pub spam: Option<SpamReason>,
    /// An editor recorded the report for a caller (phone, letter, in person).
    pub entered: Option<EditorEntry>,
}

/// What an editor's entry of a report adds to it: who entered it (the actor of its `created`
/// event), the caller's phone number and whether the caller agreed to their contact details
/// being kept.
#[derive(Debug, Clone)]
pub struct EditorEntry {
    /// How events name the editor (`editor:<email>`).
    pub actor: String,
    pub reporter_phone: Option<String>,
    pub contact_consent: bool,
}

/// Why intake held a report as spam (recorded on its `created` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpamReason {
    /// The form's hidden field, which people never see, was filled in.
    Honeypot,
}

impl SpamReason {
    pub fn note(self) -> &'static str {
        match self {
            Self::Honeypot => "Held as spam: the form's hidden honeypot field was filled in.",
        }
    }
}

/// What intake needs beyond the report: where to route it and how to notify.
pub struct IntakeContext {
    pub routing: std::sync::Arc<Routing>,
    pub notify: NotifySettings,
    /// Keys the hashes of recipient addresses kept for the daily acknowledgement cap.
    pub recipient_key: crate::config::Secret,
    /// Queue article snapshots on first reports and resolutions (`[evidence] enabled`).
    pub snapshots: bool,
    /// The webhook endpoints that hear of each new report, kept between intakes.
    pub webhooks: webhooks::Subscriptions,
}

pub async fn submit(
    db: &Db,
    context: std::sync::Arc<IntakeContext>,
    submission: Submission,
) -> Result<(Submitted, SubmitOutcome), ReportError> {
    let submission = std::sync::Arc::new(submission);
    let mut attempt = 1;
    loop {
        // Everything that needs no database is done here, off the writer: the tracking code
        // (new on each try), the route under the rules this instance has, the evidence JSON.
        let prepared = Prepared::new(&context, &submission)?;
        let (context, submission) = (context.clone(), submission.clone());
        // Replayable: on SQLite a batch of intakes runs without a savepoint each (see
        // `Db::write_replayable`); `store` only reads and writes the database.
        // In a batch of the writer, intakes run in the order of their articles' addresses: the
        // article's row is the first each locks (see `Db::write_replayable_in_order`).
        // Reports awaiting an address share one article row, named by its own address.
        let lock_order = Some(submission.report.article.as_str().to_string());
        let result = db
            .write_replayable_in_order(lock_order, move |conn| {
                store(conn, &context, &submission, &prepared)
            })
            .await;
        match lost_race(result, attempt) {
            Ok(done) => return done,
            Err(()) => attempt += 1,
        }
    }
}

/// `Err(())` when `result` lost a race that another try may win: a unique constraint (a tracking
/// code collision, two requests with one idempotency key), or, on PostgreSQL, a deadlock or a
/// serialization failure (the other transaction went on; PostgreSQL ended this one).
fn lost_race<T>(
    result: Result<T, ReportError>,
    attempt: usize,
) -> Result<Result<T, ReportError>, ()> {
    match result {
        Err(ReportError::Storage(StorageError::Query(error)))
            if attempt < MAX_ATTEMPTS
                && (matches!(
                    error,
                    DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
                ) || lost_to_another_transaction(&error)) =>
        {
            tracing::info!(
                attempt,
                %error,
                "intake lost a race with another transaction; retrying"
            );
            Err(())
        }
        other => Ok(other),
    }
}

/// [`Db::write_replayable`], retried when it lost a race (see [`lost_race`], [`MAX_ATTEMPTS`]).
pub(crate) async fn write_with_retry<T, F>(db: &Db, work: F) -> Result<T, ReportError>
where
    F: Fn(&mut DbConn) -> Result<T, ReportError> + Send + Sync + 'static,
    T: Send + 'static,
{
    let work = std::sync::Arc::new(work);
    let mut attempt = 1;
    loop {
        let this_try = work.clone();
        match lost_race(
            db.write_replayable(move |conn| this_try(conn)).await,
            attempt,
        ) {
            Ok(done) => return done,
            Err(()) => attempt += 1,
        }
    }
}

/// What intake works out before its transaction.
pub(crate) struct Prepared {
    code: TrackingCode,
    /// The rules the report was routed by, and the desk they chose.
    rules: std::sync::Arc<LiveRules>,
    desk_slug: String,
    evidence: String,
    /// The report's word index entry.
    search_entry: Vec<String>,
}

impl Prepared {
    fn new(context: &IntakeContext, submission: &Submission) -> Result<Self, ReportError> {
        let rules = context.routing.current();
        let desk_slug = route(&rules, &submission.report).slug.clone();
        Ok(Self {
            code: TrackingCode::generate()?,
            rules,
            desk_slug,
            evidence: serde_json::to_string(&submission.report.evidence_urls)
                .unwrap_or_else(|_| "[]".into()),
            search_entry: super::search_index::entry_for_new(
                submission.report.passage.as_deref(),
                &submission.report.explanation,
                submission.report.article.as_str(),
            ),
        })
    }
}

fn route<'a>(rules: &'a LiveRules, report: &NewReport) -> &'a crate::routing::Desk {
    rules.table.route(&RouteInput {
        host: report.article.host(),
        path: report.article.path(),
        category: report.category,
        language: &report.language,
    })
}

/// Intake inside a transaction that is already open (the mail gateway's).
pub(crate) fn submit_in_transaction(
    conn: &mut DbConn,
    context: &IntakeContext,
    submission: &Submission,
) -> Result<(Submitted, SubmitOutcome), ReportError> {
    let prepared = Prepared::new(context, submission)?;
    store(conn, context, submission, &prepared)
}

/// The intake transaction: the article, the report, its event, its messages, the counts.
fn store(
    conn: &mut DbConn,
    context: &IntakeContext,
    submission: &Submission,
    prepared: &Prepared,
) -> Result<(Submitted, SubmitOutcome), ReportError> {
    let now = now();
    if let Some(key) = &submission.idempotency
        && let Some(stored) = repo::find_stored_response(conn, &key.key)?
    {
        if stored.request_hash != key.request_hash {
            return Err(ReportError::IdempotencyMismatch);
        }
        let replay: Submitted = serde_json::from_str(&stored.response_body)
            .map_err(|e| StorageError::Corrupt(format!("stored idempotent response: {e}")))?;
        return Ok((replay, SubmitOutcome::Replayed));
    }
    let report = &submission.report;
    let entered = submission.entered.as_ref();
    let awaiting_address = report.article.is_awaiting_address();
    let status = if submission.spam.is_some() {
        ReportStatus::Spam
    } else if awaiting_address {
        ReportStatus::NeedsUrl
    } else {
        ReportStatus::New
    };
    let article = if awaiting_address {
        articles::repo::RecordReport::awaiting_address(now)
    } else if status.is_open() {
        articles::repo::RecordReport::open(&report.article, now)
    } else {
        // Held for review: counted on its article (it was received) but not open.
        articles::repo::RecordReport::closed(&report.article, now)
    };
    let routed = prepared.rules.table.desk(&prepared.desk_slug);
    let routed = routed.unwrap_or_else(|| route(&prepared.rules, report));
    let recorded = repo::record_intake(
        conn,
        repo::NewIntake {
            article,
            report: repo::InsertReport {
                tracking_code: prepared.code.as_str(),
                submitted_url: &report.submitted_url,
                channel: submission.channel.as_str(),
                category: report.category.as_str(),
                passage: report.passage.as_deref(),
                explanation: &report.explanation,
                evidence_urls: &prepared.evidence,
                language: &report.language,
                reporter_name: report.reporter_name.as_deref(),
                reporter_email: report.reporter_email.as_deref(),
                wants_outcome: report.wants_outcome,
                status: status.as_str(),
                client_hash: submission.client_hash.as_deref(),
                created_at: now,
                updated_at: now,
                desk_id: context.routing.desk_id(&routed.slug),
                reporter_phone: entered.and_then(|e| e.reporter_phone.as_deref()),
                contact_consent: entered.is_some_and(|e| e.contact_consent),
                opened_at: now,
            },
            created: repo::CreatedEvent {
                actor: entered.map_or(submission.channel.as_str(), |e| e.actor.as_str()),
                note: submission.spam.map(SpamReason::note),
            },
            tokens: &prepared.search_entry,
        },
    )?;
    let (article, mut row) = (recorded.article, recorded.report);
    // The rules committed before this transaction, whichever instance changed them: the intake
    // statement read their version. The route taken before it stands unless they changed
    // meanwhile; then the report moves to the desk they choose (rare: a rule changed on another
    // instance since this one last looked).
    let live = context.routing.refresh_to(conn, recorded.routing_version)?;
    let desk = if live.version == prepared.rules.version {
        routed
    } else {
        route(&live, report)
    };
    let desk_id = context.routing.desk_id(&desk.slug);
    let mut counts = CountChanges::default();
    counts.added(row.desk_id, status);
    if desk_id != row.desk_id {
        repo::set_desk(conn, row.id, desk_id)?;
        counts.moved(row.desk_id, status, desk_id, status);
        row.desk_id = desk_id;
    }
    // The entry names the article by the address intake was given, which is the one stored.
    debug_assert_eq!(article.canonical_url, report.article.as_str());
    tracing::debug!(
        report_id = row.id,
        desk_id,
        status = status.as_str(),
        "report stored"
    );
    // Held as spam: nobody is mailed (no alert, no escalation, no acknowledgement to an
    // address a bot typed).
    if submission.spam.is_none() {
        let alert_desk = !awaiting_address;
        queue_messages(
            conn, context, &row, &article, desk_id, desk, true, alert_desk,
        )?;
        webhooks::on_report_created(
            conn,
            &context.routing,
            &context.webhooks,
            live.version,
            row.id,
            now,
        )?;
    }
    let submitted = Submitted {
        tracking_code: row.tracking_code,
        status: row.status,
        canonical_url: article.canonical_url,
        report_count: article.report_count,
    };
    if let Some(key) = &submission.idempotency {
        let body = serde_json::to_string(&submitted).unwrap_or_default();
        repo::store_response(conn, &key.key, &key.request_hash, 201, &body, now)?;
    }
    // Last: the report's count (and a rerouted report's move), at the end of the transaction or
    // of the writer's batch, where the count rows are locked in one order (see `counts`).
    counts.write(conn)?;
    Ok((submitted, SubmitOutcome::Created))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_messages(
    conn: &mut DbConn,
    context: &IntakeContext,
    row: &repo::ReportRow,
    article: &articles::Article,
    desk_id: Option<i64>,
    desk: &crate::routing::Desk,
    acknowledge: bool,
    alert_desk: bool,
) -> Result<(), ReportError> {
    let now = row.created_at;
    let escalation = context.routing.escalation_desk();
    let queued = outbox::on_report_submitted(
        conn,
        &NewReportEvent {
            report: row,
            article,
            desk: desk_id.map(|id| DeskRef { id, desk }),
            escalation_desk: escalation.and_then(|desk| {
                context
                    .routing
                    .desk_id(&desk.slug)
                    .map(|id| DeskRef { id, desk })
            }),
            settings: &context.notify,
            recipient_key: &context.recipient_key,
            now,
            acknowledge,
            alert_desk,
        },
    )?;
    // What the article's page says now, kept before anyone edits it (a job, after the commit).
    if context.snapshots {
        crate::evidence::service::on_report(conn, article, now)?;
    }
    if queued.ack_skipped {
        repo::insert_event(
            conn,
            &repo::InsertEvent {
                report_id: row.id,
                actor: "system",
                kind: "acknowledgement_skipped",
                from_status: None,
                to_status: None,
                note: Some(
                    "No acknowledgement sent: this address already received the most allowed in a day.",
                ),
                created_at: now,
                public_note: None,
            },
        )?;
    }
    Ok(())
}

/// What anyone holding the tracking code may see: no personal data, no internal notes.
#[derive(Debug, Clone)]
pub struct StatusView {
    pub tracking_code: String,
    pub status: PublicStatus,
    pub category: Option<Category>,
    pub canonical_url: String,
    pub received_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The editors' note to the reader, once the report is decided (an outcome or a closing).
    pub public_note: Option<String>,
    /// The correction's or clarification's address (http or https only), once decided.
    pub correction_url: Option<String>,
    /// When the reporter appealed the decision (a report is appealed once at most).
    pub appealed_at: Option<NaiveDateTime>,
}

impl StatusView {
    fn of(report: repo::ReportRow, article: articles::Article) -> Self {
        let status = ReportStatus::parse(&report.status);
        // A reopened report keeps its former note until the next decision: not the answer now.
        let decided = status.is_some_and(ReportStatus::reaches_reader);
        Self {
            tracking_code: report.tracking_code,
            status: status
                .map(ReportStatus::public)
                .unwrap_or(PublicStatus::UnderReview),
            category: Category::parse(&report.category),
            // A report still waiting for its article's address is not about the bucket it waits in.
            canonical_url: if status == Some(ReportStatus::NeedsUrl) {
                String::new()
            } else {
                article.canonical_url
            },
            received_at: report.created_at,
            updated_at: report.updated_at,
            public_note: report.outcome_note.filter(|_| decided),
            correction_url: report
                .correction_url
                .filter(|url| decided && super::editorial::is_web_address(url)),
            appealed_at: None,
        }
    }

    /// The reporter may appeal: decided "no error found", and not appealed before.
    pub fn can_appeal(&self) -> bool {
        self.status == PublicStatus::NoError && self.appealed_at.is_none()
    }
}

pub async fn public_status(db: &Db, code: TrackingCode) -> Result<StatusView, ReportError> {
    db.read(move |conn| {
        let (report, article) =
            repo::find_by_tracking_code(conn, code.as_str())?.ok_or(ReportError::NotFound)?;
        let appealed_at = super::appeal::appealed_at(conn, report.id)?;
        Ok(StatusView {
            appealed_at,
            ..StatusView::of(report, article)
        })
    })
    .await
}

/// Whether the reader was sent a confirmation of their report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledgement {
    /// Queued or sent to the address they gave.
    Emailed,
    /// They gave no address.
    NoAddress,
    /// The address had its daily share of acknowledgements already.
    DailyCapReached,
    /// Queued, but could not be delivered.
    Undelivered,
}

/// What the thank-you page tells the reader: the public status (what the code may show), whether
/// a confirmation was emailed, and whether the outcome will be.
#[derive(Debug, Clone)]
pub struct ThanksView {
    pub status: StatusView,
    pub acknowledgement: Acknowledgement,
    pub outcome_by_email: bool,
}

pub async fn thanks_view(db: &Db, code: TrackingCode) -> Result<ThanksView, ReportError> {
    db.read(move |conn| {
        let (report, article) =
            repo::find_by_tracking_code(conn, code.as_str())?.ok_or(ReportError::NotFound)?;
        let acknowledgement = match outbox::acknowledgement_of(conn, report.id)? {
            Some(true) => Acknowledgement::Emailed,
            Some(false) => Acknowledgement::Undelivered,
            None if repo::has_event(conn, report.id, "acknowledgement_skipped")? => {
                Acknowledgement::DailyCapReached
            }
            // A report held as spam answers as if all was well (as its status page does): the
            // honeypot is not revealed to whoever filled it.
            None if report.reporter_email.is_some()
                && report.status == ReportStatus::Spam.as_str() =>
            {
                Acknowledgement::Emailed
            }
            None => Acknowledgement::NoAddress,
        };
        let outcome_by_email = outbox::tells_reporter(&report);
        Ok(ThanksView {
            status: StatusView::of(report, article),
            acknowledgement,
            outcome_by_email,
        })
    })
    .await
}

/// The reporter asked for no more emails about this report.
pub async fn stop_reporter_emails(db: &Db, code: TrackingCode) -> Result<(), ReportError> {
    db.write(move |conn| {
        if repo::unsubscribe_reporter(conn, code.as_str(), now())? {
            Ok(())
        } else {
            Err(ReportError::NotFound)
        }
    })
    .await
}
