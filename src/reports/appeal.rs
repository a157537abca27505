//! A reporter's appeal: a report decided "no error found" can be appealed once by whoever holds
//! its tracking code and the email address given with it, with a short reason. The report is
//! reopened through the editors' own path (`editorial::move_report`: the event, the article's
//! counts and public decision), the appeal is on its timeline as its own event, and the desk is
//! emailed.
//!
//! What a refusal tells: only what the status page already shows to anyone with the code (the
//! status, and that an appeal was made), plus, to someone who typed an address, whether the
//! report holds one and whether theirs is it. The addresses are compared in constant time.

use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::editorial::{self, Decision};
use super::input::FieldErrors;
use super::repo::{self, ReportRow};
use super::service::{IntakeContext, ReportError};
use super::{ReportStatus, TrackingCode};
use crate::config::Secret;
use crate::error::AppError;
use crate::i18n::Messages;
use crate::notify::outbox;
use crate::signing::{keyed_hex, tokens_match};
use crate::storage::{Db, StorageError, now};

pub const MIN_REASON_CHARS: usize = 10;
pub const MAX_REASON_CHARS: usize = 2000;
const MAX_EMAIL_CHARS: usize = 254;

/// The timeline event of an appeal (its note holds the reporter's reason). A report has at most
/// one: it is also what makes a second appeal a refusal.
pub const APPEALED: &str = "appealed";
/// Who the timeline says appealed, and reopened the report by it.
pub const REPORTER: &str = "reporter";
/// The internal note of the reopening (a reopening needs a reason).
const REOPEN_NOTE: &str = "Reopened on the reporter's appeal.";

/// What the reporter sends: the form's fields and the API's body.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealInput {
    /// The email address given with the report.
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// Why the decision should be reviewed again: 10 to 2,000 characters.
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: Option<String>,
}

impl AppealInput {
    fn email(&self) -> &str {
        self.email.as_deref().map(str::trim).unwrap_or_default()
    }

    fn reason(&self) -> &str {
        self.reason.as_deref().map(str::trim).unwrap_or_default()
    }

    /// The checks that need no report: an address of the right shape, a reason of the right length.
    pub fn check(&self, t: &Messages) -> FieldErrors {
        let mut errors = FieldErrors::default();
        let email = self.email();
        if email.is_empty() {
            errors.add("email", t.t("validation-required"));
        } else if email.chars().count() > MAX_EMAIL_CHARS
            || email.parse::<lettre::Address>().is_err()
        {
            errors.add("email", t.t("validation-email"));
        }
        let length = self.reason().chars().count();
        if length == 0 {
            errors.add("reason", t.t("validation-required"));
        } else if !(MIN_REASON_CHARS..=MAX_REASON_CHARS).contains(&length) {
            errors.add(
                "reason",
                t.t_with(
                    "validation-length_range",
                    &[
                        ("min", &MIN_REASON_CHARS.to_string()),
                        ("max", &MAX_REASON_CHARS.to_string()),
                    ],
                ),
            );
        }
        errors
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    #[error("no report has that tracking code")]
    NotFound,
    /// Only a report decided "no error found" can be appealed.
    #[error("a report that is {0} cannot be appealed")]
    NotAppealable(ReportStatus),
    #[error("this report was appealed already")]
    AlreadyAppealed,
    /// A field at fault: the reason, or the address (missing, not the report's, or the report
    /// holds none).
    #[error("some fields are not valid")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl From<StorageError> for AppealError {
    fn from(error: StorageError) -> Self {
        Self::Report(error.into())
    }
}

impl From<diesel::result::Error> for AppealError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Report(error.into())
    }
}

impl AppealError {
    /// The answer, in the reader's words: the one place appeal refusals become HTTP.
    pub fn into_app_error(self, t: &Messages) -> AppError {
        match self {
            Self::NotFound => AppError::NotFound(t.t("status-not_found")),
            Self::NotAppealable(_) => AppError::Conflict {
                kind: "not_appealable",
                message: t.t("appeal-not_appealable"),
            },
            Self::AlreadyAppealed => AppError::Conflict {
                kind: "already_appealed",
                message: t.t("appeal-already"),
            },
            Self::Invalid(fields) => AppError::Validation(fields),
            Self::Report(e) => e.into(),
        }
    }
}

/// Whether `given` is the address `stored`, as intake keeps them (case aside): both are keyed
/// hashes first, so the comparison takes the same time whatever they are and wherever they
/// differ, and says nothing of how close a wrong guess was.
fn same_address(key: &Secret, given: &str, stored: &str) -> bool {
    let digest = |address: &str| {
        keyed_hex(
            key,
            "appeal-address",
            address.trim().to_ascii_lowercase().as_bytes(),
        )
    };
    tokens_match(&digest(given), &digest(stored))
}

/// When the report was appealed, if it was.
pub fn appealed_at(
    conn: &mut crate::storage::DbConn,
    report_id: i64,
) -> Result<Option<NaiveDateTime>, StorageError> {
    Ok(repo::first_event(conn, report_id, APPEALED)?.map(|e| e.created_at))
}

/// Appeals the report: reopened, the appeal on its timeline, its desk emailed. Refusals in this
/// order: an unknown code; already appealed; not decided "no error found"; then the fields (the
/// reason; the address: missing, the report holds none, or not the one it holds).
pub async fn appeal(
    db: &Db,
    context: Arc<IntakeContext>,
    code: TrackingCode,
    input: AppealInput,
    t: &'static Messages,
) -> Result<ReportRow, AppealError> {
    db.write(move |conn| {
        let report = match editorial::load_locked(conn, &code) {
            Err(ReportError::NotFound) => return Err(AppealError::NotFound),
            other => other?,
        };
        if repo::first_event(conn, report.id, APPEALED)?.is_some() {
            return Err(AppealError::AlreadyAppealed);
        }
        let status = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::New);
        if status != ReportStatus::NoError {
            return Err(AppealError::NotAppealable(status));
        }
        let mut errors = input.check(t);
        if !errors.has("email") {
            match report.reporter_email.as_deref() {
                None => errors.add("email", t.t("appeal-no_email")),
                Some(stored) if !same_address(&context.recipient_key, input.email(), stored) => {
                    errors.add("email", t.t("appeal-email_mismatch"))
                }
                Some(_) => {}
            }
        }
        if !errors.is_empty() {
            return Err(AppealError::Invalid(errors));
        }
        let at = now();
        repo::insert_event(
            conn,
            &repo::InsertEvent {
                report_id: report.id,
                actor: REPORTER,
                kind: APPEALED,
                from_status: None,
                to_status: None,
                note: Some(input.reason()),
                created_at: at,
                public_note: None,
            },
        )?;
        let reopened = editorial::move_report(
            conn,
            &context,
            REPORTER,
            &code,
            &Decision {
                to: Some(ReportStatus::Reopened),
                internal_note: Some(REOPEN_NOTE.into()),
                ..Decision::default()
            },
        )?;
        let desk = reopened
            .desk_id
            .and_then(|id| context.routing.desk_by_id(id));
        outbox::on_appeal_received(conn, &reopened, desk, at)?;
        tracing::info!(
            report_id = reopened.id,
            "report reopened on the reporter's appeal"
        );
        Ok(reopened)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;

    fn input(email: &str, reason: &str) -> AppealInput {
        AppealInput {
            email: Some(email.into()),
            reason: Some(reason.into()),
        }
    }

    /// Event kinds are looked up at run time (`desk-event-<kind>`): the scan of used ids misses them.
    #[test]
    fn the_appeal_event_has_dashboard_words() {
        assert!(messages("en").has(&format!("desk-event-{APPEALED}")));
    }

    #[test]
    fn addresses_match_whatever_their_case_and_spaces() {
        let key = Secret::new("k");
        assert!(same_address(&key, " Ana@Example.org ", "ana@example.org"));
        assert!(!same_address(&key, "ana@example.com", "ana@example.org"));
        assert!(!same_address(&key, "", "ana@example.org"));
    }

    #[test]
    fn the_reason_has_ten_to_two_thousand_characters() {
        let t = messages("en");
        assert!(input("a@example.org", "Ten chars!").check(t).is_empty());
        assert!(input("a@example.org", "short").check(t).has("reason"));
        assert!(input("a@example.org", "   ").check(t).has("reason"));
        // Characters, not bytes: 2,000 Chinese characters pass, 2,001 do not.
        assert!(
            input("a@example.org", &"错".repeat(2000))
                .check(t)
                .is_empty()
        );
        assert!(
            input("a@example.org", &"错".repeat(2001))
                .check(t)
                .has("reason")
        );
    }

    #[test]
    fn the_address_is_required_and_must_look_like_one() {
        let t = messages("en");
        let reason = "The figure is still wrong.";
        assert!(input("", reason).check(t).has("email"));
        assert!(input("not an address", reason).check(t).has("email"));
        assert!(
            AppealInput {
                email: None,
                reason: Some(reason.into())
            }
            .check(t)
            .has("email")
        );
    }
}
