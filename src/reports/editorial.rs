//! What editors do with reports: decide (the lifecycle), assign, annotate, resolve a whole
//! article. Every action is an event with its actor; nothing is deleted. The API and the pages
//! call these same functions.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::input::FieldErrors;
use super::repo::{self, EventRow, ReportFilter, ReportRow, StatusChange};
use super::service::{IntakeContext, ReportError};
use super::{ReportStatus, TrackingCode};
use crate::articles::{self, Article};
use crate::dashboard::Editor;
use crate::notify::outbox;
use crate::storage::{Db, DbConn, now};

pub const MAX_NOTE_CHARS: usize = 5_000;

/// A requested move in the lifecycle.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub to: Option<ReportStatus>,
    pub note: Option<String>,
    pub correction_url: Option<String>,
    pub duplicate_of: Option<String>,
}

impl Decision {
    /// A decision as an editor sent it (a page's form or the API): `to` must name a status;
    /// empty texts count as absent. What the move requires is checked when it is made.
    pub fn requested(
        to: &str,
        note: Option<String>,
        correction_url: Option<String>,
        duplicate_of: Option<String>,
    ) -> Result<Self, FieldErrors> {
        let to = ReportStatus::parse(to.trim()).ok_or_else(|| {
            FieldErrors::single(
                "to",
                format!(
                    "Choose the status to move the report to, one of {}.",
                    ReportStatus::ALL
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        Ok(Self {
            to: Some(to),
            note,
            correction_url,
            duplicate_of,
        })
    }
}

fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn load(conn: &mut DbConn, code: &TrackingCode) -> Result<ReportRow, ReportError> {
    repo::find_row_by_code(conn, code.as_str())?.ok_or(ReportError::NotFound)
}

/// Checks a decision against the lifecycle and its requirements, naming each bad field.
fn check(
    conn: &mut DbConn,
    report: &ReportRow,
    decision: &Decision,
    now: NaiveDateTime,
) -> Result<StatusChange, ReportError> {
    let mut errors = FieldErrors::default();
    let Some(to) = decision.to else {
        errors.add("to", "Choose the status to move the report to.");
        return Err(ReportError::Invalid(errors));
    };
    let from = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::New);
    if !from.can_become(to) {
        return Err(ReportError::IllegalTransition { from, to });
    }
    let needs = to.requires();
    let note = clean(&decision.note);
    if needs.note && note.is_none() {
        errors.add(
            "note",
            "Write the outcome or the reason; the reporter may be told.",
        );
    }
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        errors.add("note", format!("Use at most {MAX_NOTE_CHARS} characters."));
    }
    let correction_url = clean(&decision.correction_url);
    if needs.correction_url {
        let valid = correction_url.as_deref().is_some_and(|u| {
            u.len() <= 2048
                && url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https"))
        });
        if !valid {
            errors.add(
                "correction_url",
                "Give the full http(s) address of the correction or clarification.",
            );
        }
    }
    let mut duplicate_of_id = None;
    if needs.duplicate_of {
        match clean(&decision.duplicate_of)
            .as_deref()
            .and_then(TrackingCode::parse)
        {
            None => errors.add(
                "duplicate_of",
                "Give the tracking code of the earlier report.",
            ),
            Some(code) => match repo::find_row_by_code(conn, code.as_str())? {
                Some(original) if original.id != report.id => duplicate_of_id = Some(original.id),
                Some(_) => errors.add("duplicate_of", "A report cannot duplicate itself."),
                None => errors.add("duplicate_of", "No report has that tracking code."),
            },
        }
    }
    if !errors.is_empty() {
        return Err(ReportError::Invalid(errors));
    }
    // Spam is held, not decided: no decision time, and the reporter is not told.
    let decided = to.is_resolved() || to.is_closed();
    Ok(StatusChange {
        from: from.as_str(),
        to: to.as_str(),
        // The decision's note stays on the report until the next decision; events keep them all.
        outcome_note: if decided {
            note
        } else {
            report.outcome_note.clone()
        },
        correction_url: if needs.correction_url {
            correction_url
        } else {
            None
        },
        duplicate_of_id,
        decided_at: decided.then_some(now),
        now,
    })
}

/// Applies one checked move: the report, the event, the reporter's email. Returns whether the
/// report entered or left the open state: the caller then refreshes the article's open counts
/// (once, however many reports it moved).
fn apply(
    conn: &mut DbConn,
    context: &IntakeContext,
    editor: &Editor,
    report: &ReportRow,
    change: &StatusChange,
    note: Option<&str>,
) -> Result<bool, ReportError> {
    if !repo::change_status(conn, report.id, change)? {
        return Err(ReportError::Conflict);
    }
    let (from, to) = (
        ReportStatus::parse(change.from).unwrap_or(ReportStatus::New),
        ReportStatus::parse(change.to).unwrap_or(ReportStatus::New),
    );
    repo::insert_event(
        conn,
        &repo::InsertEvent {
            report_id: report.id,
            actor: &editor.actor(),
            kind: "status_changed",
            from_status: Some(change.from),
            to_status: Some(change.to),
            note,
            created_at: change.now,
        },
    )?;
    if to.is_resolved() || to.is_closed() {
        outbox::on_report_decided(conn, report, &context.notify, change.now)?;
    }
    Ok(from.is_open() != to.is_open())
}

/// Loads a report with its article locked first, the order intake takes them in, so that
/// concurrent changes to one article's reports queue up instead of each recounting from a
/// snapshot that misses the others (or deadlocking on PostgreSQL).
fn load_locked(conn: &mut DbConn, code: &TrackingCode) -> Result<ReportRow, ReportError> {
    let report = load(conn, code)?;
    if articles::repo::lock(conn, report.article_id)? {
        // Someone may have changed it while we waited for the lock.
        load(conn, code)
    } else {
        Ok(report)
    }
}

/// Moves one report along the lifecycle.
pub async fn decide(
    db: &Db,
    context: Arc<IntakeContext>,
    editor: Editor,
    code: TrackingCode,
    decision: Decision,
) -> Result<ReportRow, ReportError> {
    db.write(move |conn| {
        let report = load_locked(conn, &code)?;
        let now = now();
        let change = check(conn, &report, &decision, now)?;
        if apply(
            conn,
            &context,
            &editor,
            &report,
            &change,
            clean(&decision.note).as_deref(),
        )? {
            articles::repo::refresh_open(conn, report.article_id)?;
        }
        load(conn, &code)
    })
    .await
}

/// Resolves every open report of an article with one outcome; returns how many moved. A
/// reopened report is first moved to investigating (recorded), as the lifecycle asks.
pub async fn resolve_article(
    db: &Db,
    context: Arc<IntakeContext>,
    editor: Editor,
    article_id: i64,
    decision: Decision,
) -> Result<usize, ReportError> {
    if !decision.to.is_some_and(ReportStatus::is_resolved) {
        return Err(ReportError::Invalid(FieldErrors::single(
            "to",
            "Resolve an article as corrected, clarified or no_error.",
        )));
    }
    db.write(move |conn| {
        articles::repo::find(conn, article_id)?.ok_or(ReportError::NotFound)?;
        articles::repo::lock(conn, article_id)?;
        let now = now();
        let open = repo::open_reports_of_article(conn, article_id)?;
        let moved = open.len();
        for mut report in open {
            if report.status == ReportStatus::Reopened.as_str() {
                let step = Decision {
                    to: Some(ReportStatus::Investigating),
                    ..Decision::default()
                };
                let change = check(conn, &report, &step, now)?;
                apply(
                    conn,
                    &context,
                    &editor,
                    &report,
                    &change,
                    Some("resolving the whole article"),
                )?;
                report.status = ReportStatus::Investigating.as_str().to_string();
            }
            let change = check(conn, &report, &decision, now)?;
            apply(
                conn,
                &context,
                &editor,
                &report,
                &change,
                clean(&decision.note).as_deref(),
            )?;
        }
        if moved > 0 {
            articles::repo::refresh_open(conn, article_id)?;
        }
        Ok(moved)
    })
    .await
}

/// Gives a report to an editor of its desk (or any editor, for an admin), or takes it back
/// (`None`). The new assignee is emailed unless they assigned it to themselves.
pub async fn assign(
    db: &Db,
    editor: Editor,
    code: TrackingCode,
    assignee: Option<Editor>,
) -> Result<ReportRow, ReportError> {
    db.write(move |conn| {
        let report = load(conn, &code)?;
        if let Some(assignee) = &assignee {
            let member = report
                .desk_id
                .is_some_and(|desk| assignee.desk_ids.contains(&desk));
            if !member && !assignee.is_admin() {
                return Err(ReportError::Invalid(FieldErrors::single(
                    "assignee",
                    format!("{} is not an editor of this report's desk.", assignee.email),
                )));
            }
        }
        let now = now();
        repo::set_assignee(conn, report.id, assignee.as_ref().map(|a| a.id), now)?;
        let note = match &assignee {
            Some(a) => format!("assigned to {}", a.email),
            None => "unassigned".to_string(),
        };
        repo::insert_event(
            conn,
            &repo::InsertEvent {
                report_id: report.id,
                actor: &editor.actor(),
                kind: "assigned",
                from_status: None,
                to_status: None,
                note: Some(&note),
                created_at: now,
            },
        )?;
        if let Some(assignee) = assignee.filter(|a| a.id != editor.id) {
            outbox::on_report_assigned(conn, &report, &assignee.email, now)?;
        }
        load(conn, &code)
    })
    .await
}

/// An internal note: never shown to the public.
pub async fn add_note(
    db: &Db,
    editor: Editor,
    code: TrackingCode,
    note: String,
) -> Result<(), ReportError> {
    let note = note.trim().to_string();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        return Err(ReportError::Invalid(FieldErrors::single(
            "note",
            format!("Write a note of 1 to {MAX_NOTE_CHARS} characters."),
        )));
    }
    db.write(move |conn| {
        let report = load(conn, &code)?;
        repo::insert_event(
            conn,
            &repo::InsertEvent {
                report_id: report.id,
                actor: &editor.actor(),
                kind: "note",
                from_status: None,
                to_status: None,
                note: Some(&note),
                created_at: now(),
            },
        )?;
        Ok(())
    })
    .await
}

/// One report with its article and its whole timeline.
pub async fn detail(
    db: &Db,
    code: TrackingCode,
) -> Result<(ReportRow, Article, Vec<EventRow>), ReportError> {
    db.read(move |conn| {
        let (report, article) =
            repo::find_by_tracking_code(conn, code.as_str())?.ok_or(ReportError::NotFound)?;
        let events = repo::events_of(conn, report.id)?;
        Ok((report, article, events))
    })
    .await
}

/// One page of the list and the cursor of the next (one more row is read to know there is one).
pub async fn list_page(
    db: &Db,
    mut filter: ReportFilter,
) -> Result<(Vec<(ReportRow, Article)>, Option<i64>), ReportError> {
    let limit = filter.limit.max(1);
    filter.limit = limit + 1;
    let mut rows = list(db, filter).await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|(r, _)| r.id)
    } else {
        None
    };
    Ok((rows, next))
}

pub async fn list(db: &Db, filter: ReportFilter) -> Result<Vec<(ReportRow, Article)>, ReportError> {
    db.read(move |conn| Ok(repo::list(conn, &filter)?)).await
}

/// How many of an article's reports its page shows (the newest; the list has them all).
pub const ARTICLE_PAGE_REPORTS: i64 = 1_000;

/// An article with its reports (the newest [`ARTICLE_PAGE_REPORTS`]) and its timeline (the
/// newest 500 events).
pub async fn article_detail(
    db: &Db,
    article_id: i64,
) -> Result<(Article, Vec<ReportRow>, Vec<(EventRow, String)>), ReportError> {
    const MAX_TIMELINE: i64 = 500;
    db.read(move |conn| {
        let article = articles::repo::find(conn, article_id)?.ok_or(ReportError::NotFound)?;
        let reports = repo::reports_of_article(conn, article_id, ARTICLE_PAGE_REPORTS)?;
        let events = repo::events_of_article(conn, article_id, MAX_TIMELINE)?;
        Ok((article, reports, events))
    })
    .await
}

/// The tracking code of a report by id (e.g. the one a duplicate points to).
pub async fn tracking_code_of(db: &Db, id: i64) -> Result<Option<String>, ReportError> {
    db.read(move |conn| Ok(repo::tracking_code_of(conn, id)?))
        .await
}

/// One action applied to several reports.
#[derive(Debug, Clone)]
pub enum BulkAction {
    Decide(Decision),
    Assign(Option<Editor>),
}

/// Applies `action` to each report in its own transaction: one report's refusal (an illegal
/// move, a change meanwhile) does not undo the others; every outcome is returned, in order.
pub async fn bulk(
    db: &Db,
    context: Arc<IntakeContext>,
    editor: Editor,
    codes: Vec<TrackingCode>,
    action: BulkAction,
) -> Vec<(TrackingCode, Result<(), ReportError>)> {
    let mut outcomes = Vec::with_capacity(codes.len());
    for code in codes {
        let result = match &action {
            BulkAction::Decide(decision) => decide(
                db,
                context.clone(),
                editor.clone(),
                code.clone(),
                decision.clone(),
            )
            .await
            .map(|_| ()),
            BulkAction::Assign(assignee) => {
                assign(db, editor.clone(), code.clone(), assignee.clone())
                    .await
                    .map(|_| ())
            }
        };
        outcomes.push((code, result));
    }
    outcomes
}
