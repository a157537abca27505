//! `GET /desk/articles/{id}`: an article with its reports and timeline; resolving it as a whole,
//! with its confirmation step.

use super::*;
use crate::evidence::compare::{self, Searchable};
use crate::evidence::repo::SnapshotRow;
use crate::evidence::service::{self as snapshots, ArticleEvidence, Requested};
use crate::evidence::{EvidenceError, Reason};

pub struct ArticleReport {
    pub code: String,
    pub status: String,
    pub status_label: String,
    pub category: String,
    pub passage: String,
    pub explanation: String,
    pub received: String,
    /// Whether the passage is in the first snapshot, in words (none without a snapshot).
    pub passage_note: Option<String>,
    pub passage_found: bool,
}

/// A snapshot's facts, as the page lists them.
pub struct SnapshotFacts {
    pub fetched: String,
    pub reason: String,
    pub status: String,
    pub url: String,
    pub title: String,
    pub last_modified: String,
    pub etag: String,
    pub sha256: String,
}

impl SnapshotFacts {
    fn of(t: &Messages, row: &SnapshotRow) -> Self {
        Self {
            fetched: time(row.fetched_at),
            reason: reason_label(t, &row.reason),
            status: row.http_status.map(|s| s.to_string()).unwrap_or_default(),
            url: row
                .final_url
                .clone()
                .unwrap_or_else(|| row.requested_url.clone()),
            title: visible(row.title.clone().unwrap_or_default()),
            last_modified: row.last_modified.clone().unwrap_or_default(),
            etag: row.etag.clone().unwrap_or_default(),
            sha256: row.text_sha256.clone().unwrap_or_default(),
        }
    }
}

/// A run of a snapshot's text; `marked` when it is a reported passage.
pub struct TextRun {
    pub text: String,
    pub marked: bool,
}

/// A run of the diff between the first and the latest snapshot: `same`, `inserted`, `deleted`.
pub struct DiffRun {
    pub kind: &'static str,
    pub text: String,
}

/// One fetch in the history.
pub struct AttemptShown {
    pub fetched: String,
    pub reason: String,
    pub status: String,
    pub result: String,
    pub failed: bool,
}

/// What the page showed: the first snapshot (passages highlighted), the changes since, the
/// fetches.
#[derive(Default)]
pub struct SnapshotPanel {
    pub first: Option<SnapshotFacts>,
    pub text: Vec<TextRun>,
    pub latest: Option<SnapshotFacts>,
    pub changed: bool,
    pub diff: Vec<DiffRun>,
    pub diff_summary: String,
    pub diff_truncated: bool,
    /// The latest attempt failed: (when, why).
    pub last_error: Option<(String, String)>,
    pub queued: bool,
    pub attempts: Vec<AttemptShown>,
    pub attempt_total: usize,
    /// Not the bucket of reports waiting for an address: it has a page to fetch.
    pub fetchable: bool,
}

fn reason_label(t: &Messages, reason: &str) -> String {
    match Reason::parse(reason) {
        Some(r) => t.t(&format!("desk-snapshot-reason-{}", r.as_str())),
        None => reason.to_string(),
    }
}

/// The snapshot panel and, for each report (by tracking code), whether its passage was found.
/// Pure work on texts of up to `[evidence] max_bytes`: run off the async threads.
fn snapshot_panel(
    t: &Messages,
    evidence: ArticleEvidence,
    passages: &[(String, String)],
    fetchable: bool,
) -> (SnapshotPanel, Vec<(String, bool, String)>) {
    let mut notes = Vec::new();
    let mut panel = SnapshotPanel {
        queued: evidence.queued,
        fetchable,
        attempt_total: usize::try_from(evidence.attempt_total).unwrap_or_default(),
        last_error: evidence.last_error().map(|a| {
            (
                time(a.fetched_at),
                visible(a.error.clone().unwrap_or_default()),
            )
        }),
        changed: evidence.changed(),
        ..SnapshotPanel::default()
    };
    panel.attempts = evidence
        .attempts
        .iter()
        .map(|a| AttemptShown {
            fetched: time(a.fetched_at),
            reason: reason_label(t, &a.reason),
            status: a.http_status.map(|s| s.to_string()).unwrap_or_default(),
            result: match &a.error {
                Some(error) => visible(error.clone()),
                None => t.t("desk-snapshot-result-ok"),
            },
            failed: a.error.is_some(),
        })
        .collect();
    let Some(first) = &evidence.first else {
        return (panel, notes);
    };
    let first_text = first.text.as_deref().unwrap_or_default();
    let searchable = Searchable::new(first_text);
    let latest = evidence
        .latest
        .as_ref()
        .filter(|_| panel.changed)
        .and_then(|l| l.text.as_deref())
        .map(Searchable::new);
    let mut ranges = Vec::new();
    for (code, passage) in passages {
        match searchable.find(passage) {
            Some(range) => {
                ranges.push(range);
                let gone = latest.as_ref().is_some_and(|l| l.find(passage).is_none());
                let mut note = t.t("desk-snapshot-passage_found");
                if gone {
                    note = format!("{note} {}", t.t("desk-snapshot-passage_gone"));
                }
                notes.push((code.clone(), true, note));
            }
            None => notes.push((code.clone(), false, t.t("desk-snapshot-passage_not_found"))),
        }
    }
    panel.text = compare::highlight(first_text, &ranges)
        .into_iter()
        .map(|s| TextRun {
            text: visible(s.text),
            marked: s.marked,
        })
        .collect();
    panel.first = Some(SnapshotFacts::of(t, first));
    if let Some(latest) = &evidence.latest {
        panel.latest = Some(SnapshotFacts::of(t, latest));
        if panel.changed {
            let diff = compare::word_diff(first_text, latest.text.as_deref().unwrap_or_default());
            panel.diff_summary = t.t_with(
                "desk-snapshot-diff_summary",
                &[
                    (
                        "added",
                        &t.t_count("desk-snapshot-words_added", diff.inserted_words, &[]),
                    ),
                    (
                        "removed",
                        &t.t_count("desk-snapshot-words_removed", diff.deleted_words, &[]),
                    ),
                ],
            );
            panel.diff_truncated = diff.truncated;
            panel.diff = diff
                .changes
                .into_iter()
                .map(|c| DiffRun {
                    kind: c.kind.as_str(),
                    text: visible(c.text),
                })
                .collect();
        }
    }
    (panel, notes)
}

#[derive(Template)]
#[template(path = "dashboard/article.html")]
pub struct ArticleView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub id: i64,
    pub url: String,
    pub report_count: i64,
    pub open_count: i64,
    pub first: String,
    pub last: String,
    pub reports: Vec<ArticleReport>,
    /// Counts of this article's reports by status and by category: (label, count).
    pub by_status: Vec<(String, i64)>,
    pub by_category: Vec<(String, i64)>,
    /// The reports' page (1-based), how many pages, and links to the neighbours.
    pub page: i64,
    pub pages: i64,
    pub prev_link: Option<String>,
    pub next_link: Option<String>,
    pub timeline: Vec<EventView>,
    pub event_total: usize,
    pub events_prev_link: Option<String>,
    pub events_next_link: Option<String>,
    pub outcomes: Vec<Choice>,
    pub input: DecisionForm,
    pub errors: FieldErrors,
    pub message: Option<String>,
    pub snapshot: SnapshotPanel,
}

/// Which page of an article's reports and of its timeline to show (`?page=2&events=3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticlePaging {
    pub reports: i64,
    pub events: i64,
}

impl Default for ArticlePaging {
    fn default() -> Self {
        Self {
            reports: 1,
            events: 1,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ArticleQuery {
    page: Option<String>,
    events: Option<String>,
}

impl ArticlePaging {
    /// Reads the query string; an unknown parameter or a page that is not a positive number is
    /// refused by name.
    fn parse(query_string: &str) -> Result<Self, AppError> {
        let query: ArticleQuery = serde_html_form::from_str(query_string)
            .map_err(|e| AppError::malformed(e.to_string()))?;
        let mut errors = FieldErrors::default();
        let mut number = |field: &str, value: &Option<String>| -> i64 {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => 1,
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if (1..=1_000_000).contains(&n) => n,
                    _ => {
                        errors.merge(FieldErrors::single(field, "Give a page number: 1, 2, 3…"));
                        1
                    }
                },
            }
        };
        let paging = Self {
            reports: number("page", &query.page),
            events: number("events", &query.events),
        };
        if errors.is_empty() {
            Ok(paging)
        } else {
            Err(AppError::Validation(errors))
        }
    }

    fn link(&self, id: i64, reports: i64, events: i64) -> String {
        let mut link = format!("/desk/articles/{id}");
        let mut sep = '?';
        if reports != 1 {
            link.push_str(&format!("{sep}page={reports}"));
            sep = '&';
        }
        if events != 1 {
            link.push_str(&format!("{sep}events={events}"));
        }
        if events != self.events {
            link.push_str("#timeline");
        }
        link
    }
}

async fn article_view<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    article_id: i64,
    paging: ArticlePaging,
    input: DecisionForm,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<ArticleView<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let detail = editorial::article_detail(&state.db, article_id, paging.reports, paging.events)
        .await
        .map_err(article_error)?;
    let roster = crate::dashboard::roster(&state.db).await?;
    let article = detail.article;
    let outcomes = transition_choices(
        t,
        ReportStatus::ALL.into_iter().filter(|s| s.is_resolved()),
        Some(input.to.as_str()),
    );
    let per = editorial::ARTICLE_PAGE_REPORTS;
    let total: i64 = detail.by_status.iter().map(|(_, n)| n).sum();
    let pages = ((total + per - 1) / per).max(1);
    let (page_no, events_no) = (paging.reports, paging.events);
    let evidence = snapshots::article_evidence(&state.db, article.id).await?;
    let passages: Vec<(String, String)> = detail
        .reports
        .iter()
        .filter_map(|r| Some((r.tracking_code.clone(), r.passage.clone()?)))
        .collect();
    let fetchable = article.canonical_url != crate::articles::repo::AWAITING_ADDRESS_URL;
    let (snapshot, notes) =
        tokio::task::spawn_blocking(move || snapshot_panel(t, evidence, &passages, fetchable))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("snapshot panel: {e}")))?;
    let note_of = |code: &str| {
        notes
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, found, note)| (*found, note.clone()))
    };
    Ok(ArticleView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "queue", None).await?,
        id: article.id,
        url: article.canonical_url,
        report_count: article.report_count,
        open_count: article.open_report_count,
        first: time(article.first_reported_at),
        last: time(article.last_reported_at),
        by_status: detail
            .by_status
            .into_iter()
            .map(|(s, n)| (status_label(t, &s), n))
            .collect(),
        by_category: detail
            .by_category
            .into_iter()
            .map(|(c, n)| (category_label(t, &c), n))
            .collect(),
        page: page_no,
        pages,
        prev_link: (page_no > 1).then(|| paging.link(article.id, page_no - 1, events_no)),
        next_link: (page_no < pages).then(|| paging.link(article.id, page_no + 1, events_no)),
        reports: detail
            .reports
            .into_iter()
            .map(|r| {
                let note = note_of(&r.tracking_code);
                ArticleReport {
                    status_label: status_label(t, &r.status),
                    category: category_label(t, &r.category),
                    passage: visible(r.passage.unwrap_or_default()),
                    explanation: visible(r.explanation),
                    received: time(r.created_at),
                    status: r.status,
                    code: r.tracking_code,
                    passage_found: note.as_ref().is_some_and(|(found, _)| *found),
                    passage_note: note.map(|(_, text)| text),
                }
            })
            .collect(),
        timeline: detail
            .events
            .into_iter()
            .map(|(e, code)| event_view(t, &roster, e, code))
            .collect(),
        event_total: usize::try_from(detail.event_total).unwrap_or_default(),
        events_prev_link: (events_no > 1).then(|| paging.link(article.id, page_no, events_no - 1)),
        events_next_link: detail
            .more_events
            .then(|| paging.link(article.id, page_no, events_no + 1)),
        outcomes,
        input,
        errors,
        message,
        snapshot,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchAgainForm {
    csrf: String,
}

/// `POST /desk/articles/{id}/snapshot` ("Fetch again"): queues a new snapshot of the article's
/// page for the outbox worker and comes back to the article, which shows it once taken.
pub async fn fetch_again(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let article_id = path.into_inner();
    let form: FetchAgainForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    match snapshots::request(&state.db, article_id).await {
        Ok(Requested::Queued) => {
            state.wakeup.wake();
            set_flash(&signed_in.session, t.t("desk-snapshot-requested"))?;
        }
        Ok(Requested::AlreadyQueued) => {
            set_flash(&signed_in.session, t.t("desk-snapshot-already_queued"))?;
        }
        Err(EvidenceError::NoAddress) => {
            set_warning(&signed_in.session, t.t("desk-snapshot-no_address"))?;
        }
        Err(other) => return Err(AppError::from(other).into()),
    }
    Ok(see_other(&format!("/desk/articles/{article_id}#snapshot")))
}

/// `GET /desk/articles/{id}` (`?page=` for the reports, `?events=` for the timeline).
pub async fn article_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, HtmlError> {
    let paging = ArticlePaging::parse(req.query_string())?;
    let view = article_view(
        &state,
        &signed_in,
        path.into_inner(),
        paging,
        DecisionForm::default(),
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(page(StatusCode::OK, &view)?)
}

/// The article pages' own wording for an unknown id.
fn article_error(error: ReportError) -> AppError {
    match error {
        ReportError::NotFound => AppError::NotFound("No article has that id.".into()),
        other => other.into(),
    }
}

/// The "resolve all" form: the decision, and on the confirmation page the counts confirmed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResolveForm {
    csrf: String,
    to: String,
    public_note: String,
    internal_note: String,
    correction_url: String,
    /// `yes` from the confirmation page's button: only then is anything changed.
    confirm: String,
    /// `yes` from the confirmation page's "change" button: back to the form, input kept.
    edit: String,
    /// The counts the confirmation page showed.
    expected_reports: String,
    expected_emails: String,
}

impl ResolveForm {
    fn input(&self) -> DecisionForm {
        DecisionForm {
            csrf: self.csrf.clone(),
            to: self.to.clone(),
            public_note: self.public_note.clone(),
            internal_note: self.internal_note.clone(),
            correction_url: self.correction_url.clone(),
            duplicate_of: String::new(),
        }
    }

    /// The counts confirmed, when this is the confirming step and they can be read.
    fn confirmed(&self) -> Option<ResolutionCounts> {
        if self.confirm != "yes" {
            return None;
        }
        Some(ResolutionCounts {
            reports: self.expected_reports.trim().parse().ok()?,
            emails: self.expected_emails.trim().parse().ok()?,
        })
    }
}

#[derive(Template)]
#[template(path = "dashboard/resolve_confirm.html")]
pub struct ResolveConfirmView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub id: i64,
    pub url: String,
    pub input: DecisionForm,
    pub outcome_label: String,
    pub counts: ResolutionCounts,
    /// "N open reports will become …", "M readers … will be emailed", the button's words.
    pub reports_line: String,
    pub emails_line: String,
    pub confirm_label: String,
    /// Why the editor is asked again (the article changed since the last confirmation).
    pub message: Option<String>,
}

/// `text_id`, or `text_id.one` when `n` is 1, with `{count}` and `args` filled in.
/// A message about `n` things, its plural form chosen by the language's rules.
fn counted(t: &Messages, id: &str, n: usize, args: &[(&str, &str)]) -> String {
    t.t_count(id, n, args)
}

async fn confirm_view<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    article_id: i64,
    input: DecisionForm,
    counts: ResolutionCounts,
    message: Option<String>,
) -> Result<ResolveConfirmView<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let article = editorial::article_of(&state.db, article_id)
        .await
        .map_err(article_error)?;
    let outcome_label = status_label(t, &input.to);
    let outcome = [("outcome", outcome_label.as_str())];
    Ok(ResolveConfirmView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "queue", None).await?,
        id: article.id,
        url: article.canonical_url,
        reports_line: counted(t, "desk-resolve-reports", counts.reports, &outcome),
        emails_line: counted(t, "desk-resolve-emails", counts.emails, &[]),
        confirm_label: counted(t, "desk-resolve-confirm", counts.reports, &outcome),
        outcome_label,
        counts,
        input,
        message,
    })
}

/// `POST /desk/articles/{id}/resolve`: one outcome for every open report of the article, in two
/// steps. The first checks the decision and shows what it will do (how many reports change, how
/// many readers are emailed); only the confirming post (`confirm=yes` with the counts shown)
/// changes anything, and only if the article still matches those counts: otherwise the editor
/// is asked again with the counts as they are now.
pub async fn resolve_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let article_id = path.into_inner();
    let form: ResolveForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let input = form.input();
    let back = ArticleAgain {
        state: &state,
        signed_in: &signed_in,
        article_id,
    };
    let decision = match input.decision() {
        Ok(decision) => decision,
        Err(errors) => return back.refused(input, ReportError::Invalid(errors)).await,
    };
    if form.edit == "yes" {
        return back
            .show(StatusCode::OK, input, FieldErrors::default(), None)
            .await;
    }
    let nothing_open = Some(t.t("desk-resolve-nothing_open").to_string());
    let Some(expected) = form.confirmed() else {
        // The first step: check and count, change nothing.
        return match editorial::preview_resolution(&state.db, article_id, decision).await {
            Ok(counts) if counts.reports == 0 => {
                back.show(
                    StatusCode::CONFLICT,
                    input,
                    FieldErrors::default(),
                    nothing_open,
                )
                .await
            }
            Ok(counts) => {
                let view =
                    confirm_view(&state, &signed_in, article_id, input, counts, None).await?;
                Ok(page(StatusCode::OK, &view)?)
            }
            Err(error) => back.refused(input, error).await,
        };
    };
    let result = editorial::resolve_article(
        &state.db,
        state.intake.clone(),
        signed_in.editor.clone(),
        article_id,
        decision,
        Some(expected),
    )
    .await;
    match result {
        Ok(Resolution::Applied(done)) => {
            state.wakeup.wake();
            set_flash(
                &signed_in.session,
                counted(
                    t,
                    "desk-article-resolved",
                    done.reports,
                    &[(
                        "emailed",
                        &counted(t, "desk-article-emailed", done.emails, &[]),
                    )],
                ),
            )?;
            Ok(see_other(&format!("/desk/articles/{article_id}")))
        }
        Ok(Resolution::Changed(now)) if now.reports == 0 => {
            back.show(
                StatusCode::CONFLICT,
                input,
                FieldErrors::default(),
                nothing_open,
            )
            .await
        }
        Ok(Resolution::Changed(now)) => {
            let message = t.t("desk-resolve-changed").to_string();
            let view =
                confirm_view(&state, &signed_in, article_id, input, now, Some(message)).await?;
            Ok(page(StatusCode::CONFLICT, &view)?)
        }
        Err(error) => back.refused(input, error).await,
    }
}

/// The article page again, with the editor's input kept and what went wrong.
struct ArticleAgain<'a> {
    state: &'a AppState,
    signed_in: &'a SignedIn,
    article_id: i64,
}

impl ArticleAgain<'_> {
    async fn show(
        &self,
        status: StatusCode,
        input: DecisionForm,
        errors: FieldErrors,
        message: Option<String>,
    ) -> Result<HttpResponse, HtmlError> {
        let view = article_view(
            self.state,
            self.signed_in,
            self.article_id,
            ArticlePaging::default(),
            input,
            errors,
            message,
        )
        .await?;
        Ok(page(status, &view)?)
    }

    async fn refused(
        &self,
        input: DecisionForm,
        error: ReportError,
    ) -> Result<HttpResponse, HtmlError> {
        let (status, errors, message) = shown_on_page(error).map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("No article has that id.".into()),
            other => other,
        })?;
        self.show(status, input, errors, message).await
    }
}
