//! What to send when a report arrives, decided inside the intake transaction.
//!
//! Floods coalesce: the first report on an article alerts its desk at once and opens a window
//! (`alert_window_secs`); every later report in that window goes out in ONE digest when the window
//! closes. A report after the window opens a new one. So a desk gets at most two emails per
//! article per window, however many readers report it.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use super::repo::{self, InsertOutbox};
use super::{MessageKind, status};
use crate::articles::Article;
use crate::config::{NotifySettings, Secret};
use crate::reports::repo::ReportRow;
use crate::routing::Desk;
use crate::signing::keyed_hex;
use crate::storage::DbConn;

/// The digest is sent a little after its window closes, so that reports created just before the
/// close have committed.
const DIGEST_GRACE: Duration = Duration::seconds(2);

/// A desk as intake knows it: routing's view plus its database id.
pub struct DeskRef<'a> {
    pub id: i64,
    pub desk: &'a Desk,
}

pub struct NewReportEvent<'a> {
    pub report: &'a ReportRow,
    pub article: &'a Article,
    pub desk: Option<DeskRef<'a>>,
    pub escalation_desk: Option<DeskRef<'a>>,
    pub settings: &'a NotifySettings,
    /// Keys the stored hash of a reporter's address (for the daily acknowledgement cap).
    pub recipient_key: &'a Secret,
    pub now: NaiveDateTime,
    /// Send the reporter their acknowledgement (not again when an editor completes the article
    /// address of a report that was acknowledged when it arrived).
    pub acknowledge: bool,
    /// Alert the desk (not while the report waits for its article address: it has no article).
    pub alert_desk: bool,
}

/// What a new report queued.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Queued {
    pub kinds: Vec<MessageKind>,
    /// The reporter's address already had `acks_per_address_per_day` acknowledgements.
    pub ack_skipped: bool,
}

/// The keyed hash of an address, as the outbox keeps it to count what one address was sent.
pub fn recipient_hash(key: &Secret, address: &str) -> String {
    keyed_hex(key, "recipient", address.trim().to_lowercase().as_bytes())
}

/// Queues the messages a new report calls for. What was sent before (the article's window, the
/// desk's alerts, the address's acknowledgements, the article's escalation) is read first, in one
/// statement; the decisions follow from it.
pub fn on_report_submitted(conn: &mut DbConn, event: &NewReportEvent<'_>) -> QueryResult<Queued> {
    let mut queued = Queued::default();
    let report = event.report;
    let settings = event.settings;
    let ack = report
        .reporter_email
        .as_ref()
        .filter(|_| event.acknowledge)
        .map(|email| (email, recipient_hash(event.recipient_key, email)));
    let with_editors = |desk: &&DeskRef<'_>| event.alert_desk && !desk.desk.editors.is_empty();
    let desk = event.desk.as_ref().filter(with_editors);
    let threshold = i64::from(settings.escalation_threshold);
    // Cheap check first: an article with fewer reports in all can't have enough in the window.
    let escalation = event
        .escalation_desk
        .as_ref()
        .filter(with_editors)
        .filter(|_| threshold > 0 && event.article.report_count >= threshold);
    if ack.is_none() && desk.is_none() && escalation.is_none() {
        return Ok(queued);
    }
    let window = Duration::seconds(settings.alert_window_secs as i64);
    let escalation_since = event.now - Duration::seconds(settings.escalation_window_secs as i64);
    // The desk with its two coalescing keys: the article's and the desk's round-up's.
    let desk = desk.map(|desk| {
        let keys = DeskKeys {
            article: article_key(desk.id, event.article.id),
            roundup: roundup_key(desk.id),
        };
        (desk, keys)
    });
    let facts = repo::intake_facts(
        conn,
        &repo::IntakeFactsQuery {
            article_key: desk.as_ref().map(|(_, keys)| keys.article.as_str()),
            desk_id: desk.as_ref().map(|(desk, _)| desk.id),
            alerts_since: event.now - window,
            roundup_key: desk.as_ref().map(|(_, keys)| keys.roundup.as_str()),
            recipient_hash: ack.as_ref().map(|(_, hash)| hash.as_str()),
            acks_since: event.now - Duration::days(1),
            escalated_article_id: escalation.map(|_| event.article.id),
            escalated_since: escalation_since,
        },
    )?;
    if let Some((email, hash)) = &ack {
        if facts.acks_to_recipient >= i64::from(settings.acks_per_address_per_day) {
            queued.ack_skipped = true;
        } else {
            enqueue(
                conn,
                Message {
                    kind: MessageKind::ReportAck,
                    recipients: std::slice::from_ref(email),
                    recipient_hash: Some(hash),
                    language: &report.language,
                    report_id: Some(report.id),
                    ..Message::new(event.now)
                },
            )?;
            queued.kinds.push(MessageKind::ReportAck);
        }
    }
    if let Some((desk, keys)) = &desk
        && let Some(kind) = alert_or_digest(conn, event, desk, &facts, keys, window)?
    {
        queued.kinds.push(kind);
    }
    // Already escalated in this window is the common case for a hot article, and the cheaper
    // check. Distinct clients, not raw reports: one client cannot escalate an article on its own.
    if let Some(desk) = escalation
        && !facts.escalated
        && repo::reporters_on_article_since(conn, event.article.id, escalation_since)? >= threshold
    {
        enqueue(
            conn,
            Message {
                kind: MessageKind::Escalation,
                recipients: &desk.desk.editors,
                article_id: Some(event.article.id),
                desk_id: Some(desk.id),
                window_start: Some(escalation_since),
                window_end: Some(event.now),
                ..Message::new(event.now)
            },
        )?;
        queued.kinds.push(MessageKind::Escalation);
        super::webhooks::service::on_article_escalated(
            conn,
            event.article,
            report,
            &desk.desk.slug,
            settings,
            event.now,
        )?;
    }
    Ok(queued)
}

/// A desk's coalescing keys for a new report.
struct DeskKeys {
    /// Its alert and digest about the report's article.
    article: String,
    /// Its round-up of many articles.
    roundup: String,
}

/// The key of a desk's alert and digest about one article.
fn article_key(desk_id: i64, article_id: i64) -> String {
    format!("desk:{desk_id}:article:{article_id}")
}

/// The key of a desk's round-up of many articles.
fn roundup_key(desk_id: i64) -> String {
    format!("desk:{desk_id}:roundup")
}

/// A first report on an article when the desk already had its share of immediate alerts in this
/// window: it joins the desk's round-up (queued now if none is waiting) instead.
fn join_roundup(
    conn: &mut DbConn,
    event: &NewReportEvent<'_>,
    desk: &DeskRef<'_>,
    facts: &repo::IntakeFacts,
    key: &str,
    window: Duration,
) -> QueryResult<Option<MessageKind>> {
    let waiting = facts.roundup_window_end.is_some_and(|end| event.now < end);
    if waiting {
        return Ok(None);
    }
    let end = event.now + window;
    enqueue(
        conn,
        Message {
            kind: MessageKind::DeskRoundup,
            recipients: &desk.desk.editors,
            desk_id: Some(desk.id),
            coalesce_key: Some(key),
            window_start: Some(event.now),
            window_end: Some(end),
            due_at: end + DIGEST_GRACE,
            ..Message::new(event.now)
        },
    )?;
    Ok(Some(MessageKind::DeskRoundup))
}

fn alert_or_digest(
    conn: &mut DbConn,
    event: &NewReportEvent<'_>,
    desk: &DeskRef<'_>,
    facts: &repo::IntakeFacts,
    keys: &DeskKeys,
    window: Duration,
) -> QueryResult<Option<MessageKind>> {
    let open_window = facts
        .article_latest
        .as_ref()
        .filter(|row| row.window_end.is_some_and(|end| event.now < end));
    let base = Message {
        recipients: &desk.desk.editors,
        article_id: Some(event.article.id),
        desk_id: Some(desk.id),
        coalesce_key: Some(&keys.article),
        ..Message::new(event.now)
    };
    match open_window {
        None if facts.desk_alerts >= i64::from(event.settings.desk_alerts_per_window) => {
            join_roundup(conn, event, desk, facts, &keys.roundup, window)
        }
        None => {
            enqueue(
                conn,
                Message {
                    kind: MessageKind::DeskAlert,
                    report_id: Some(event.report.id),
                    window_start: Some(event.now),
                    window_end: Some(event.now + window),
                    ..base
                },
            )?;
            Ok(Some(MessageKind::DeskAlert))
        }
        // The window's alert went out; this report opens its digest, which later ones join.
        Some(alert) if alert.kind == MessageKind::DeskAlert.as_str() => {
            let end = alert.window_end.unwrap_or(event.now);
            enqueue(
                conn,
                Message {
                    kind: MessageKind::DeskDigest,
                    // For a digest: the report that opened the window; it covers the ones after.
                    report_id: alert.report_id,
                    window_start: alert.window_start,
                    window_end: Some(end),
                    due_at: end + DIGEST_GRACE,
                    ..base
                },
            )?;
            Ok(Some(MessageKind::DeskDigest))
        }
        // A digest is already waiting for the window to close; it will include this report.
        Some(_) => Ok(None),
    }
}

/// Whether the reporter's acknowledgement is queued or sent (`Some(true)`), was given up
/// (`Some(false)`: dead or cancelled), or was never queued (`None`).
pub fn acknowledgement_of(conn: &mut DbConn, report_id: i64) -> QueryResult<Option<bool>> {
    let statuses = repo::statuses_for_report(conn, MessageKind::ReportAck.as_str(), report_id)?;
    Ok(statuses
        .last()
        .map(|s| s.as_str() != status::DEAD && s.as_str() != status::CANCELLED))
}

/// The reporter gave an address, asked to be told the outcome and has not unsubscribed.
pub fn tells_reporter(report: &ReportRow) -> bool {
    report.reporter_email.is_some() && report.wants_outcome && !report.reporter_unsubscribed
}

/// A report was decided (resolved or closed): tell the reporter, if they asked and have not
/// unsubscribed. True when an email was queued.
pub fn on_report_decided(
    conn: &mut DbConn,
    report: &ReportRow,
    _settings: &NotifySettings,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let Some(email) = report
        .reporter_email
        .as_ref()
        .filter(|_| tells_reporter(report))
    else {
        return Ok(false);
    };
    enqueue(
        conn,
        Message {
            kind: MessageKind::ReportOutcome,
            recipients: std::slice::from_ref(email),
            language: &report.language,
            report_id: Some(report.id),
            ..Message::new(now)
        },
    )?;
    Ok(true)
}

/// A report was assigned to an editor by someone else.
pub fn on_report_assigned(
    conn: &mut DbConn,
    report: &ReportRow,
    assignee_email: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let recipients = [assignee_email.to_string()];
    enqueue(
        conn,
        Message {
            kind: MessageKind::ReportAssigned,
            recipients: &recipients,
            report_id: Some(report.id),
            article_id: Some(report.article_id),
            ..Message::new(now)
        },
    )
}

/// A reporter's emailed reply was added to the report's timeline: tell its desk. The email
/// carries no words of the reply (they stay in the dashboard). False when the desk has nobody.
pub fn on_reader_reply(
    conn: &mut DbConn,
    report: &ReportRow,
    desk: Option<&Desk>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let Some(desk) = desk.filter(|d| !d.editors.is_empty()) else {
        return Ok(false);
    };
    enqueue(
        conn,
        Message {
            kind: MessageKind::ReaderReply,
            recipients: &desk.editors,
            report_id: Some(report.id),
            article_id: Some(report.article_id),
            desk_id: report.desk_id,
            ..Message::new(now)
        },
    )?;
    Ok(true)
}

/// A reporter appealed a "no error found" decision and the report is reopened: tell its desk.
/// False when the desk has nobody.
pub fn on_appeal_received(
    conn: &mut DbConn,
    report: &ReportRow,
    desk: Option<&Desk>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let Some(desk) = desk.filter(|d| !d.editors.is_empty()) else {
        return Ok(false);
    };
    enqueue(
        conn,
        Message {
            kind: MessageKind::AppealReceived,
            recipients: &desk.editors,
            report_id: Some(report.id),
            article_id: Some(report.article_id),
            desk_id: report.desk_id,
            ..Message::new(now)
        },
    )?;
    Ok(true)
}

/// An outbox row being built.
struct Message<'a> {
    kind: MessageKind,
    recipients: &'a [String],
    recipient_hash: Option<&'a str>,
    language: &'a str,
    report_id: Option<i64>,
    article_id: Option<i64>,
    desk_id: Option<i64>,
    coalesce_key: Option<&'a str>,
    window_start: Option<NaiveDateTime>,
    window_end: Option<NaiveDateTime>,
    due_at: NaiveDateTime,
    now: NaiveDateTime,
}

impl Message<'_> {
    fn new(now: NaiveDateTime) -> Self {
        Self {
            kind: MessageKind::DeskAlert,
            recipients: &[],
            recipient_hash: None,
            language: "en",
            report_id: None,
            article_id: None,
            desk_id: None,
            coalesce_key: None,
            window_start: None,
            window_end: None,
            due_at: now,
            now,
        }
    }
}

fn enqueue(conn: &mut DbConn, message: Message<'_>) -> QueryResult<()> {
    enqueue_id(conn, message).map(|_| ())
}

/// [`enqueue`], returning the new row's id.
fn enqueue_id(conn: &mut DbConn, message: Message<'_>) -> QueryResult<i64> {
    let recipients = serde_json::to_string(message.recipients).unwrap_or_else(|_| "[]".into());
    repo::insert_returning_id(
        conn,
        &InsertOutbox {
            message_id: &new_message_token(),
            kind: message.kind.as_str(),
            recipients: &recipients,
            recipient_hash: message.recipient_hash,
            language: message.language,
            report_id: message.report_id,
            article_id: message.article_id,
            desk_id: message.desk_id,
            coalesce_key: message.coalesce_key,
            window_start: message.window_start,
            window_end: message.window_end,
            status: status::PENDING,
            due_at: message.due_at,
            created_at: message.now,
        },
    )
}

/// A job for the worker that is not an email (an article snapshot): no recipients, about one
/// article; `key` says what it is for (its handler reads it back).
pub fn enqueue_job(
    conn: &mut DbConn,
    kind: MessageKind,
    article_id: i64,
    key: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    enqueue(
        conn,
        Message {
            kind,
            article_id: Some(article_id),
            coalesce_key: Some(key),
            ..Message::new(now)
        },
    )
}

/// The unique left part of the Message-ID, fixed at enqueue time so every retry carries the same
/// Message-ID (receivers can drop a duplicate of an at-least-once delivery).
pub(crate) fn new_message_token() -> String {
    let mut bytes = [0u8; 16];
    // On the (theoretical) failure of the OS generator, a time-based token is still unique enough
    // for a Message-ID; the outbox row's UNIQUE constraint catches a collision.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
    }
    hex::encode(bytes)
}

/// A reader asked to erase their data from a report: the confirmation link goes to the address
/// the report holds (never to one typed in the request).
pub fn on_erasure_requested(
    conn: &mut DbConn,
    report: &ReportRow,
    recipient_key: &Secret,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let Some(email) = &report.reporter_email else {
        return Ok(false);
    };
    let hash = recipient_hash(recipient_key, email);
    // One confirmation an hour per report is plenty; more would let anyone mail the reporter.
    if repo::count_to_recipient_since(
        conn,
        MessageKind::ErasureConfirm.as_str(),
        &hash,
        now - Duration::hours(1),
    )? > 0
    {
        return Ok(false);
    }
    enqueue(
        conn,
        Message {
            kind: MessageKind::ErasureConfirm,
            recipients: std::slice::from_ref(email),
            recipient_hash: Some(&hash),
            language: &report.language,
            report_id: Some(report.id),
            ..Message::new(now)
        },
    )?;
    Ok(true)
}

/// The key of a desk's reminders of reports past their response targets.
fn overdue_key(desk_id: i64) -> String {
    format!("desk:{desk_id}:overdue")
}

/// At most one reminder of overdue reports per desk in this time.
const OVERDUE_SPACING: Duration = Duration::hours(1);

/// Reports of a desk passed their response targets (the sweep of `crate::targets`): the reminder
/// digest they join. That is the desk's reminder still waiting to go out (locked, so that no
/// worker takes it meanwhile), or a new one, due at once unless the desk had one within the last
/// hour, then an hour after that one: at most one reminder per desk per hour, listing every report
/// marked with its id by then. Returns its id; the caller marks the reports with it in the same
/// transaction.
pub fn overdue_digest(
    conn: &mut DbConn,
    desk: &DeskRef<'_>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let key = overdue_key(desk.id);
    if let Some(waiting) = repo::pending_with_key_locked(conn, &key)? {
        return Ok(waiting.id);
    }
    let due = repo::latest_with_key(conn, &key)?
        // A reminder that found nothing left to say was never sent.
        .filter(|last| last.status != status::CANCELLED)
        .map(|last| last.sent_at.or(last.window_end).unwrap_or(last.created_at) + OVERDUE_SPACING)
        .map_or(now, |next| next.max(now));
    enqueue_id(
        conn,
        Message {
            kind: MessageKind::DeskOverdue,
            recipients: &desk.desk.editors,
            desk_id: Some(desk.id),
            coalesce_key: Some(&key),
            window_start: Some(now),
            window_end: Some(due),
            due_at: due,
            ..Message::new(now)
        },
    )
}
