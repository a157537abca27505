//! Retention and erasure rules, over the repo's statements.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::repo;
use crate::config::{PrivacySettings, Settings};
use crate::notify::outbox;
use crate::reports::{TrackingCode, repo as reports_repo};
use crate::storage::{Db, StorageError, now};

/// What one purge removed, per kind of data: counts only, never the data.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    pub reporter_data: usize,
    pub report_client_hashes: usize,
    pub auth_events: usize,
    pub auth_event_client_hashes: usize,
    pub login_failures: usize,
    pub idempotency_keys: usize,
    pub expired_sessions: usize,
    pub outbox_recipients: usize,
    pub raw_emails: usize,
}

impl PurgeCounts {
    pub fn total(&self) -> usize {
        self.reporter_data
            + self.report_client_hashes
            + self.auth_events
            + self.auth_event_client_hashes
            + self.login_failures
            + self.idempotency_keys
            + self.expired_sessions
            + self.outbox_recipients
            + self.raw_emails
    }
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

/// Removes what the retention settings no longer allow us to keep, as of `at`, in one transaction.
pub fn purge_at(
    db: &Db,
    settings: &Settings,
    at: NaiveDateTime,
) -> Result<PurgeCounts, StorageError> {
    let p: &PrivacySettings = &settings.privacy;
    // The acknowledgement cap counts a day of sends by recipient hash: keep at least that.
    let outbox_keep = days(p.outbox_retention_days).max(Duration::days(1));
    let login_window = Duration::seconds(settings.dashboard.login_window_secs as i64);
    db.write_blocking(|conn| {
        Ok(PurgeCounts {
            reporter_data: repo::purge_reporter_data(
                conn,
                at - days(p.reporter_retention_days),
                at - days(p.spam_retention_days),
            )?,
            report_client_hashes: repo::purge_report_client_hashes(
                conn,
                at - days(p.client_hash_retention_days),
            )?,
            auth_events: repo::delete_auth_events(conn, at - days(p.auth_event_retention_days))?,
            auth_event_client_hashes: repo::purge_auth_event_client_hashes(
                conn,
                at - days(p.client_hash_retention_days),
            )?,
            login_failures: repo::delete_login_failures(conn, at - login_window)?,
            idempotency_keys: repo::delete_idempotency_keys(
                conn,
                at - Duration::hours(p.idempotency_retention_hours as i64),
            )?,
            expired_sessions: repo::delete_expired_sessions(conn, at)?,
            outbox_recipients: repo::purge_outbox_recipients(conn, at - outbox_keep)?,
            raw_emails: repo::purge_raw_mail(
                conn,
                at - days(settings.mail_intake.raw_retention_days),
            )?,
        })
    })
}

/// [`purge_at`] now, on the blocking pool; logs the counts.
pub async fn purge(
    db: &Db,
    settings: std::sync::Arc<Settings>,
) -> Result<PurgeCounts, StorageError> {
    let db = db.clone();
    let counts = tokio::task::spawn_blocking(move || purge_at(&db, &settings, now()))
        .await
        .map_err(|_| StorageError::Cancelled)??;
    tracing::info!(
        reporter_data = counts.reporter_data,
        report_client_hashes = counts.report_client_hashes,
        auth_events = counts.auth_events,
        auth_event_client_hashes = counts.auth_event_client_hashes,
        login_failures = counts.login_failures,
        idempotency_keys = counts.idempotency_keys,
        expired_sessions = counts.expired_sessions,
        outbox_recipients = counts.outbox_recipients,
        raw_emails = counts.raw_emails,
        "privacy purge done"
    );
    Ok(counts)
}

/// The purge in the server: once at start, then every `privacy.purge_interval_secs`.
pub async fn run_purge_job(db: Db, settings: std::sync::Arc<Settings>) {
    let every = std::time::Duration::from_secs(settings.privacy.purge_interval_secs.max(1));
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = purge(&db, settings.clone()).await {
            tracing::warn!(%error, "privacy purge failed; will try again");
        }
    }
}

/// The emails to a reporter (they hold the reporter's address).
pub const REPORTER_KINDS: [&str; 3] = ["report_ack", "report_outcome", "erasure_confirm"];

/// A reader asks to erase their data from a report. A confirmation link goes to the address the
/// report holds when `email` matches it; the answer never says whether it did.
pub async fn request_erasure(
    db: &Db,
    recipient_key: crate::config::Secret,
    code: TrackingCode,
    email: String,
) -> Result<bool, StorageError> {
    db.write(move |conn| {
        let Some(report) = reports_repo::find_row_by_code(conn, code.as_str())? else {
            return Ok(false);
        };
        let matches = report
            .reporter_email
            .as_deref()
            .is_some_and(|stored| stored.trim().eq_ignore_ascii_case(email.trim()));
        if !matches {
            return Ok(false);
        }
        Ok(outbox::on_erasure_requested(
            conn,
            &report,
            &recipient_key,
            now(),
        )?)
    })
    .await
}

/// Erases the reporter's name, email and phone number from the report at once, with an event that records it
/// (without the data). Asking twice is harmless.
pub async fn erase(db: &Db, code: TrackingCode) -> Result<bool, StorageError> {
    db.write(move |conn| {
        let Some(report) = reports_repo::find_row_by_code(conn, code.as_str())? else {
            return Ok(false);
        };
        erase_and_record(
            conn,
            report.id,
            "reporter",
            "The reporter's contact details (name, email, phone) were erased at their request.",
        )?;
        Ok(true)
    })
    .await
}

/// Erases the reporter's data from one report and, when it held any, records who did it and how
/// it was asked for (never the data). True when something was erased.
fn erase_and_record(
    conn: &mut crate::storage::DbConn,
    report_id: i64,
    actor: &str,
    note: &str,
) -> diesel::QueryResult<bool> {
    let at = now();
    let erased = repo::erase_reporter(conn, report_id, &REPORTER_KINDS, at)?;
    if erased {
        repo::record_erasure(conn, report_id, actor, note, at)?;
        tracing::info!(report_id, "reporter data erased at the reporter's request");
    }
    Ok(erased)
}

/// The longest account an admin may give of how a reporter asked to be erased.
pub const MAX_ERASURE_ACCOUNT_CHARS: usize = 500;

/// Why an admin's erasure was not done.
#[derive(Debug, thiserror::Error)]
pub enum EditorErasureError {
    /// `how` is missing or too long (the message names the field).
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("no report has that tracking code")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// An admin erases a reporter's name, email and phone number because the reporter asked another
/// way: by phone (a hotline caller who left only a number cannot use the emailed link), letter or
/// in person. The same erasure as the reader's own link, recorded with the admin and their account
/// of the request (`how`, never the data). False when the report held none.
pub async fn erase_for_reporter(
    db: &Db,
    admin: &crate::dashboard::Editor,
    code: TrackingCode,
    how: &str,
) -> Result<bool, EditorErasureError> {
    // The dashboard is in English (as `reports::editorial`).
    let words = crate::i18n::messages("en");
    let how = how.trim().to_string();
    if how.is_empty() {
        return Err(EditorErasureError::Invalid {
            field: "how",
            message: words.t("desk-erase-how_required"),
        });
    }
    if how.chars().count() > MAX_ERASURE_ACCOUNT_CHARS {
        return Err(EditorErasureError::Invalid {
            field: "how",
            message: words.t_with(
                "desk-erase-how_too_long",
                &[("max", &MAX_ERASURE_ACCOUNT_CHARS.to_string())],
            ),
        });
    }
    let actor = admin.actor();
    let note = words.t_with("desk-erase-event", &[("how", &how)]);
    db.write(move |conn| {
        let report = reports_repo::find_row_by_code(conn, code.as_str())?
            .ok_or(EditorErasureError::NotFound)?;
        Ok(erase_and_record(conn, report.id, &actor, &note)?)
    })
    .await
}

/// Mapped once, with the editors' other report errors (422 naming the field, 404, 503).
impl From<EditorErasureError> for crate::reports::service::ReportError {
    fn from(error: EditorErasureError) -> Self {
        match error {
            EditorErasureError::Invalid { field, message } => {
                Self::Invalid(crate::reports::input::FieldErrors::single(field, message))
            }
            EditorErasureError::NotFound => Self::NotFound,
            EditorErasureError::Storage(e) => Self::Storage(e),
        }
    }
}

impl From<diesel::result::Error> for EditorErasureError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::MessageKind;

    #[test]
    fn reporter_kinds_are_known_message_kinds() {
        for kind in REPORTER_KINDS {
            assert!(MessageKind::parse(kind).is_some(), "{kind}");
        }
    }
}
