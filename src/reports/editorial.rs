//! What editors do with reports: decide (the lifecycle), assign, annotate, resolve a whole
//! article. Every action is an event with its actor; nothing is deleted. The API and the pages
//! call these same functions.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::counts::CountChanges;
use super::input::FieldErrors;
use super::repo::{self, EventRow, ReportFilter, ReportRow, StatusChange};
use super::service::{IntakeContext, ReportError};
use super::{ReportStatus, TrackingCode};
use crate::articles::{self, Article};
use crate::dashboard::Editor;
use crate::i18n::{Messages, messages};
use crate::notify::outbox;
use crate::notify::webhooks::service as webhooks;
use crate::storage::{Db, DbConn, now};

pub const MAX_NOTE_CHARS: usize = 5_000;

/// The catalog the editorial messages come from (the dashboard is in English for now).
fn words() -> &'static Messages {
    messages("en")
}

/// A requested move in the lifecycle.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub to: Option<ReportStatus>,
    /// What the reader is told: the status page and the outcome email.
    pub public_note: Option<String>,
    /// What stays among editors: on the timeline only.
    pub internal_note: Option<String>,
    pub correction_url: Option<String>,
    pub duplicate_of: Option<String>,
}

/// What a decision says, as an editor sent it.
#[derive(Debug, Clone, Default)]
pub struct DecisionText {
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub correction_url: Option<String>,
    pub duplicate_of: Option<String>,
}

impl Decision {
    /// A decision as an editor sent it (a page's form or the API): `to` must name a status;
    /// empty texts count as absent. What the move requires is checked when it is made.
    pub fn requested(to: &str, text: DecisionText) -> Result<Self, FieldErrors> {
        let to = ReportStatus::parse(to.trim()).ok_or_else(|| {
            let statuses = ReportStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            FieldErrors::single(
                "to",
                words().t_with("decision-to_one_of", &[("statuses", &statuses)]),
            )
        })?;
        Ok(Self {
            to: Some(to),
            public_note: text.public_note,
            internal_note: text.internal_note,
            correction_url: text.correction_url,
            duplicate_of: text.duplicate_of,
        })
    }

    /// The API's former single `note`: it was the reader's when the move reached them (an
    /// outcome or a closing) and the editors' otherwise, so it keeps that meaning. Sent together
    /// with the field it stands for, it is refused rather than one silently winning.
    pub fn with_legacy_note(mut self, note: Option<String>) -> Result<Self, FieldErrors> {
        let Some(note) = clean(&note) else {
            return Ok(self);
        };
        let slot = if self.to.is_some_and(ReportStatus::reaches_reader) {
            &mut self.public_note
        } else {
            &mut self.internal_note
        };
        if clean(slot).is_some() {
            return Err(FieldErrors::single(
                "note",
                words().t("decision-legacy_note_twice"),
            ));
        }
        *slot = Some(note);
        Ok(self)
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

/// A checked decision: the report's change and the two notes of its event.
struct Checked {
    change: StatusChange,
    public_note: Option<String>,
    internal_note: Option<String>,
}

/// Checks a decision against the lifecycle and its requirements, naming each bad field.
fn check(
    conn: &mut DbConn,
    report: &ReportRow,
    decision: &Decision,
    now: NaiveDateTime,
) -> Result<Checked, ReportError> {
    let t = words();
    let mut errors = FieldErrors::default();
    let Some(to) = decision.to else {
        errors.add("to", t.t("decision-to_required"));
        return Err(ReportError::Invalid(errors));
    };
    let from = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::New);
    if !from.can_become(to) {
        return Err(ReportError::IllegalTransition { from, to });
    }
    if to == ReportStatus::Reopened
        && let Some(article) = articles::repo::find(conn, report.article_id)?
        && !moves_from(from, &article).contains(&to)
    {
        return Err(ReportError::IllegalTransition { from, to });
    }
    let needs = to.requires();
    let public_note = clean(&decision.public_note);
    let internal_note = clean(&decision.internal_note);
    if needs.public_note && public_note.is_none() {
        errors.add("public_note", t.t("decision-public_note_required"));
    }
    if public_note.is_some() && !to.reaches_reader() {
        // The field promises the reader will read it: never keep it where they cannot.
        errors.add("public_note", t.t("decision-public_note_not_sent"));
    }
    if needs.reason && public_note.is_none() && internal_note.is_none() {
        errors.add("internal_note", t.t("decision-reason_required"));
    }
    for (field, note) in [
        ("public_note", &public_note),
        ("internal_note", &internal_note),
    ] {
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            errors.add(
                field,
                t.t_with(
                    "decision-note_too_long",
                    &[("max", &MAX_NOTE_CHARS.to_string())],
                ),
            );
        }
    }
    let correction_url = clean(&decision.correction_url);
    if needs.correction_url && !correction_url.as_deref().is_some_and(is_web_address) {
        errors.add("correction_url", t.t("decision-correction_url_required"));
    }
    let mut duplicate_of_id = None;
    if needs.duplicate_of {
        match clean(&decision.duplicate_of)
            .as_deref()
            .and_then(TrackingCode::parse)
        {
            None => errors.add("duplicate_of", t.t("decision-duplicate_of_required")),
            Some(code) => match repo::find_row_by_code(conn, code.as_str())? {
                Some(original) if original.id != report.id => duplicate_of_id = Some(original.id),
                Some(_) => errors.add("duplicate_of", t.t("decision-duplicate_of_self")),
                None => errors.add("duplicate_of", t.t("decision-duplicate_of_unknown")),
            },
        }
    }
    if !errors.is_empty() {
        return Err(ReportError::Invalid(errors));
    }
    // Spam is held, not decided: no decision time, and the reporter is not told.
    let decided = to.reaches_reader();
    let change = StatusChange {
        from: from.as_str(),
        to: to.as_str(),
        // The decision's note to the reader stays on the report until the next decision; the
        // events keep every one.
        outcome_note: if decided {
            public_note.clone()
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
    };
    Ok(Checked {
        change,
        public_note,
        internal_note,
    })
}

/// An absolute http(s) URL of at most 2,048 bytes: the only links readers are given.
pub fn is_web_address(url: &str) -> bool {
    url.len() <= 2048 && url::Url::parse(url).is_ok_and(|p| matches!(p.scheme(), "http" | "https"))
}

/// What one move did: whether the report entered or left the open state (the caller then
/// refreshes the article's open counts, once however many reports it moved), whether it entered
/// or left a resolution (the caller then refreshes the article's public decision, the corrections
/// log), and whether the reporter was emailed.
struct Applied {
    open_changed: bool,
    decision_changed: bool,
    emailed: bool,
}

/// Applies one checked move: the report, the event, the reporter's email. `actor` is how the
/// event names who moved it (`editor:<email>`, or `reporter` for an appeal); the change of the
/// status counts is added to `counts` (written at the end of the transaction).
fn apply(
    conn: &mut DbConn,
    context: &IntakeContext,
    actor: &str,
    report: &ReportRow,
    checked: &Checked,
    counts: &mut CountChanges,
) -> Result<Applied, ReportError> {
    let change = &checked.change;
    if !repo::change_status(conn, report.id, change)? {
        return Err(ReportError::Conflict);
    }
    let (from, to) = (
        ReportStatus::parse(change.from).unwrap_or(ReportStatus::New),
        ReportStatus::parse(change.to).unwrap_or(ReportStatus::New),
    );
    counts.moved(report.desk_id, from, report.desk_id, to);
    // The clocks of the response targets (crate::targets): triage ends with the first move out
    // of new; a report entering the queue again starts its targets anew.
    if from == ReportStatus::New {
        repo::mark_triaged(conn, report.id, change.now)?;
    }
    match (from, to) {
        (_, ReportStatus::Reopened) => repo::restart_clock(conn, report.id, change.now, false)?,
        (ReportStatus::Spam, ReportStatus::New) => {
            repo::restart_clock(conn, report.id, change.now, true)?
        }
        _ => {}
    }
    repo::insert_decision_event(
        conn,
        &repo::InsertEvent {
            report_id: report.id,
            actor,
            kind: "status_changed",
            from_status: Some(change.from),
            to_status: Some(change.to),
            note: checked.internal_note.as_deref(),
            public_note: checked.public_note.as_deref(),
            created_at: change.now,
        },
        // The decision keeps the link it was made with, whatever happens to the report later.
        change
            .correction_url
            .as_deref()
            .filter(|_| to.is_resolved()),
    )?;
    webhooks::on_report_status_changed(
        conn,
        &context.routing,
        report.id,
        change.from,
        change.to,
        change.now,
    )?;
    let emailed = if to.reaches_reader() {
        outbox::on_report_decided(conn, report, &context.notify, change.now)?
    } else {
        false
    };
    Ok(Applied {
        open_changed: from.is_open() != to.is_open(),
        decision_changed: from.is_resolved() || to.is_resolved(),
        emailed,
    })
}

/// Loads a report with its article locked first, the order intake takes them in, so that
/// concurrent changes to one article's reports queue up instead of each recounting from a
/// snapshot that misses the others (or deadlocking on PostgreSQL).
pub(crate) fn load_locked(
    conn: &mut DbConn,
    code: &TrackingCode,
) -> Result<ReportRow, ReportError> {
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
    db.write(move |conn| move_report(conn, &context, &editor.actor(), &code, &decision))
        .await
}

/// Moves one report along the lifecycle inside the caller's transaction, as `actor`: the path
/// every move takes (an editor's decision, a reporter's appeal), so the event, the status counts,
/// the article's counts and public decision, its snapshot and the reporter's email always follow.
pub(crate) fn move_report(
    conn: &mut DbConn,
    context: &IntakeContext,
    actor: &str,
    code: &TrackingCode,
    decision: &Decision,
) -> Result<ReportRow, ReportError> {
    let report = load_locked(conn, code)?;
    let now = now();
    let checked = check(conn, &report, decision, now)?;
    let mut counts = CountChanges::default();
    let applied = apply(conn, context, actor, &report, &checked, &mut counts)?;
    if applied.open_changed {
        articles::repo::refresh_open(conn, report.article_id)?;
    }
    if applied.decision_changed {
        articles::corrections::repo::refresh(conn, report.article_id)?;
    }
    // The decision that resolves the article's last open report: keep the page as resolved.
    if context.snapshots && decision.to.is_some_and(ReportStatus::is_resolved) {
        crate::evidence::service::on_resolved(conn, report.article_id, now)?;
    }
    let report = load(conn, code)?;
    // Last, in one order: see `reports::counts`.
    counts.write(conn)?;
    Ok(report)
}

/// What resolving an article changes: how many open reports get the outcome, and how many of
/// their readers asked to be told and are emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResolutionCounts {
    pub reports: usize,
    pub emails: usize,
}

/// The result of resolving an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Done: what was changed and sent.
    Applied(ResolutionCounts),
    /// Nothing done: the article is not what the editor confirmed (a report arrived or was
    /// decided meanwhile); these are the counts now.
    Changed(ResolutionCounts),
}

fn check_outcome(decision: &Decision) -> Result<(), ReportError> {
    if decision.to.is_some_and(ReportStatus::is_resolved) {
        Ok(())
    } else {
        Err(ReportError::Invalid(FieldErrors::single(
            "to",
            words().t("decision-resolve_outcome"),
        )))
    }
}

/// A reopened report is reviewed again before it is decided: resolving an article moves it to
/// investigating first (recorded), as the lifecycle asks.
fn reviewed_again(
    conn: &mut DbConn,
    report: &mut ReportRow,
    now: NaiveDateTime,
) -> Result<Option<Checked>, ReportError> {
    if report.status != ReportStatus::Reopened.as_str() {
        return Ok(None);
    }
    let step = Decision {
        to: Some(ReportStatus::Investigating),
        internal_note: Some("resolving the whole article".into()),
        ..Decision::default()
    };
    let checked = check(conn, report, &step, now)?;
    report.status = ReportStatus::Investigating.as_str().to_string();
    Ok(Some(checked))
}

/// What resolving the article with `decision` would change, checked as the real thing is but
/// without writing anything: the editor confirms these counts.
pub async fn preview_resolution(
    db: &Db,
    article_id: i64,
    decision: Decision,
) -> Result<ResolutionCounts, ReportError> {
    check_outcome(&decision)?;
    db.read(move |conn| {
        articles::repo::find(conn, article_id)?.ok_or(ReportError::NotFound)?;
        let now = now();
        let mut counts = ResolutionCounts::default();
        for mut report in repo::open_reports_of_article(conn, article_id)? {
            reviewed_again(conn, &mut report, now)?;
            check(conn, &report, &decision, now)?;
            counts.reports += 1;
            counts.emails += usize::from(outbox::tells_reporter(&report));
        }
        Ok(counts)
    })
    .await
}

/// Resolves every open report of an article with one outcome. With `expected` (the counts the
/// editor confirmed), nothing is done unless the article still matches them.
pub async fn resolve_article(
    db: &Db,
    context: Arc<IntakeContext>,
    editor: Editor,
    article_id: i64,
    decision: Decision,
    expected: Option<ResolutionCounts>,
) -> Result<Resolution, ReportError> {
    check_outcome(&decision)?;
    db.write(move |conn| {
        articles::repo::find(conn, article_id)?.ok_or(ReportError::NotFound)?;
        articles::repo::lock(conn, article_id)?;
        let now = now();
        let open = repo::open_reports_of_article(conn, article_id)?;
        let now_counts = ResolutionCounts {
            reports: open.len(),
            emails: open.iter().filter(|r| outbox::tells_reporter(r)).count(),
        };
        if expected.is_some_and(|e| e != now_counts) {
            return Ok(Resolution::Changed(now_counts));
        }
        let mut done = ResolutionCounts::default();
        let mut counts = CountChanges::default();
        let mut moved = Vec::new();
        let mut correction_url = None;
        let actor = editor.actor();
        for mut report in open {
            if let Some(step) = reviewed_again(conn, &mut report, now)? {
                apply(conn, &context, &actor, &report, &step, &mut counts)?;
            }
            let checked = check(conn, &report, &decision, now)?;
            let applied = apply(conn, &context, &actor, &report, &checked, &mut counts)?;
            done.reports += 1;
            done.emails += usize::from(applied.emailed);
            correction_url = checked.change.correction_url;
            moved.push((report.tracking_code, report.desk_id));
        }
        if done.reports > 0 {
            articles::repo::refresh_open(conn, article_id)?;
            articles::corrections::repo::refresh(conn, article_id)?;
            if context.snapshots {
                crate::evidence::service::on_resolved(conn, article_id, now)?;
            }
            if let Some(to) = decision.to {
                webhooks::on_article_resolved(
                    conn,
                    &context.routing,
                    article_id,
                    to,
                    correction_url.as_deref(),
                    &moved,
                    now,
                )?;
            }
        }
        // Last, in one order: see `reports::counts`.
        counts.write(conn)?;
        Ok(Resolution::Applied(done))
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
                public_note: None,
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
                public_note: None,
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

/// How many of an article's reports (and timeline events) one page of it shows.
pub const ARTICLE_PAGE_REPORTS: i64 = 50;

/// One page of an article: its reports (open first, then decided), the counts by status and by
/// category, and its timeline (newest first, by time).
#[derive(Debug)]
pub struct ArticleDetail {
    pub article: Article,
    pub reports: Vec<ReportRow>,
    pub by_status: Vec<(String, i64)>,
    pub by_category: Vec<(String, i64)>,
    pub events: Vec<(EventRow, String)>,
    pub event_total: i64,
    /// Whether the timeline has events after this page.
    pub more_events: bool,
}

/// Page `report_page` of an article's reports and page `event_page` of its timeline (both
/// 1-based, [`ARTICLE_PAGE_REPORTS`] a page).
pub async fn article_detail(
    db: &Db,
    article_id: i64,
    report_page: i64,
    event_page: i64,
) -> Result<ArticleDetail, ReportError> {
    let per = ARTICLE_PAGE_REPORTS;
    db.read(move |conn| {
        let article = articles::repo::find(conn, article_id)?.ok_or(ReportError::NotFound)?;
        let open = crate::articles::queue::open_statuses();
        let reports = repo::reports_of_article(
            conn,
            article_id,
            &open,
            (report_page - 1).saturating_mul(per),
            per,
        )?;
        let by_status = repo::article_report_counts(conn, article_id, false)?;
        let by_category = repo::article_report_counts(conn, article_id, true)?;
        let mut events =
            repo::events_of_article(conn, article_id, (event_page - 1).saturating_mul(per), per)?;
        let more_events = events.len() as i64 > per;
        events.truncate(per as usize);
        let event_total = repo::count_events_of_article(conn, article_id)?;
        Ok(ArticleDetail {
            article,
            reports,
            by_status,
            by_category,
            events,
            event_total,
            more_events,
        })
    })
    .await
}

/// An article by id, without its reports.
pub async fn article_of(db: &Db, article_id: i64) -> Result<Article, ReportError> {
    db.read(move |conn| articles::repo::find(conn, article_id)?.ok_or(ReportError::NotFound))
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

/// Where a report on this article may move from `from`: the lifecycle's moves, less reopening a
/// closed report that never had an article address (it would reopen into no article's queue).
pub fn moves_from(from: ReportStatus, article: &articles::Article) -> Vec<ReportStatus> {
    from.next()
        .iter()
        .copied()
        .filter(|to| !(*to == ReportStatus::Reopened && article.is_awaiting_address()))
        .collect()
}

/// The event of an editor completing a report's article address.
pub const ADDRESS_COMPLETED: &str = "address_completed";

/// An editor gives a `needs_url` report its article address: it is canonicalised, grouped with
/// the article's other reports, routed, and its desk alerted, as intake would have done (the
/// reporter was acknowledged when it arrived and is not mailed again). It becomes `new`.
pub async fn complete_address(
    db: &Db,
    context: Arc<IntakeContext>,
    urls: Arc<articles::UrlPolicy>,
    editor: Editor,
    code: TrackingCode,
    article_url: String,
) -> Result<ReportRow, ReportError> {
    let submitted = article_url.trim().to_string();
    db.write(move |conn| {
        let report = load_locked(conn, &code)?;
        if report.status != ReportStatus::NeedsUrl.as_str() {
            return Err(ReportError::IllegalTransition {
                from: ReportStatus::parse(&report.status).unwrap_or(ReportStatus::New),
                to: ReportStatus::New,
            });
        }
        let category = super::Category::parse(&report.category).unwrap_or(super::Category::Other);
        let check = if category == super::Category::Impersonation {
            articles::HostCheck::AnyHost
        } else {
            articles::HostCheck::PublisherOnly
        };
        let url = urls.canonicalize(&submitted, check).map_err(|e| {
            ReportError::Invalid(FieldErrors::single(
                "article_url",
                super::input::url_message(&e, words()),
            ))
        })?;
        let now = now();
        let article = articles::repo::record_report(conn, &url, now)?;
        articles::repo::release_awaiting_address(conn, report.article_id)?;
        let rules = context.routing.refresh(conn)?;
        let desk = rules.table.route(&crate::routing::RouteInput {
            host: url.host(),
            path: url.path(),
            category,
            language: &report.language,
        });
        let desk_id = context.routing.desk_id(&desk.slug);
        if !repo::complete_address(conn, report.id, article.id, &submitted, desk_id, now)? {
            return Err(ReportError::Conflict);
        }
        // Its article's URL is part of its entry in the word index.
        super::search_index::reindex(conn, &[report.id])?;
        repo::insert_event(
            conn,
            &repo::InsertEvent {
                report_id: report.id,
                actor: &editor.actor(),
                kind: ADDRESS_COMPLETED,
                from_status: Some(ReportStatus::NeedsUrl.as_str()),
                to_status: Some(ReportStatus::New.as_str()),
                note: Some(url.as_str()),
                created_at: now,
                public_note: None,
            },
        )?;
        let row = load(conn, &code)?;
        super::service::queue_messages(conn, &context, &row, &article, desk_id, desk, false, true)?;
        webhooks::on_report_status_changed(
            conn,
            &context.routing,
            row.id,
            ReportStatus::NeedsUrl.as_str(),
            ReportStatus::New.as_str(),
            now,
        )?;
        let mut counts = CountChanges::default();
        counts.moved(
            report.desk_id,
            ReportStatus::NeedsUrl,
            desk_id,
            ReportStatus::New,
        );
        counts.write(conn)?;
        Ok(row)
    })
    .await
}
