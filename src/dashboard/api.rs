//! The editor API under `/api/v1/desk/`, for `Authorization: Bearer <token>`. Thin: each handler
//! parses, calls the same service function a dashboard page would, and shapes JSON.

use actix_web::dev::Payload as DevPayload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Editor;
use super::contact::{self, ContactView, Place};
use super::filters::{self, FilterQuery};
use crate::articles::Article;
use crate::articles::queue;
use crate::error::AppError;
use crate::i18n::messages;
use crate::notify::admin as outbox_admin;
use crate::reports::editorial::{self, Decision, DecisionText, Resolution};
use crate::reports::repo::{EventRow, ReportFilter, ReportRow};
use crate::reports::{Category, Channel, ReportStatus, TrackingCode};
use crate::web::api_docs::ErrorResponse;
use crate::web::state::AppState;
use crate::web::{body, client};

/// The editor behind the request's bearer token; 401 without a live one.
pub struct Authenticated(pub Editor);

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut DevPayload) -> Self::Future {
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(client::bearer_token)
            .map(str::to_string);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::Unauthorized);
            };
            match super::authenticate_token(&state.db, token).await? {
                Some(editor) => Ok(Self(editor)),
                None => Err(AppError::Unauthorized),
            }
        })
    }
}

fn code(path: &str) -> Result<TrackingCode, AppError> {
    TrackingCode::parse(path)
        .ok_or_else(|| AppError::NotFound("No report has that tracking code.".into()))
}

/// A report as editors see it.
#[derive(Serialize, ToSchema)]
#[schema(as = DeskReport)]
struct ReportJson {
    tracking_code: String,
    #[schema(value_type = ReportStatus)]
    status: String,
    #[schema(value_type = Category)]
    category: String,
    language: String,
    /// The desk's slug.
    desk: Option<String>,
    assignee_id: Option<i64>,
    article: ArticleJson,
    /// The link exactly as the reader gave it.
    submitted_url: String,
    passage: Option<String>,
    explanation: String,
    evidence_urls: Vec<String>,
    #[schema(value_type = Channel)]
    channel: String,
    /// The current decision's note to the reader.
    public_note: Option<String>,
    /// The same, under its former name.
    outcome_note: Option<String>,
    correction_url: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    /// In the answer about one report only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = ReporterJson)]
    reporter: Option<ReporterJson>,
    /// The timeline, oldest first; in the answer about one report only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Vec<EventJson>)]
    events: Option<Vec<EventJson>>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = DeskReportArticle)]
struct ArticleJson {
    id: i64,
    canonical_url: String,
    report_count: i64,
    open_report_count: i64,
}

/// One step of a report's timeline.
#[derive(Serialize, ToSchema)]
#[schema(as = DeskReportEvent)]
struct EventJson {
    actor: String,
    /// `created`, `transition`, `assigned`, `note`, ...
    kind: String,
    #[schema(value_type = Option<ReportStatus>)]
    from: Option<String>,
    #[schema(value_type = Option<ReportStatus>)]
    to: Option<String>,
    /// Editors only.
    note: Option<String>,
    /// What the reader was told with this decision.
    public_note: Option<String>,
    #[schema(format = DateTime)]
    at: String,
}

/// `GET /api/v1/desk/reports`.
#[derive(Serialize, ToSchema)]
struct ReportList {
    reports: Vec<ReportJson>,
    /// Pass as `before` for the next page; null on the last.
    next: Option<i64>,
}

/// An article in the queue.
#[derive(Serialize, ToSchema)]
struct QueueArticle {
    id: i64,
    canonical_url: String,
    /// Its reports that match the filter.
    reports: i64,
    report_count: i64,
    open_report_count: i64,
    #[schema(format = DateTime)]
    newest_report_at: String,
    #[schema(format = DateTime)]
    oldest_report_at: String,
    /// The desk most of those reports have (its slug).
    desk: Option<String>,
    /// The category most of those reports have.
    #[schema(value_type = Option<Category>)]
    main_category: Option<String>,
}

/// `GET /api/v1/desk/articles`.
#[derive(Serialize, ToSchema)]
struct QueuePageJson {
    articles: Vec<QueueArticle>,
    /// Articles matching the filter, on every page.
    total: i64,
    /// Pass as `after` for the next page.
    next: Option<String>,
    /// Pass as `prev` for the previous page.
    prev: Option<String>,
}

/// Whether the reporter's contact details are in this answer.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum ContactState {
    Shown,
    Withheld,
    None,
}

/// The reporter, as this editor may see them.
#[derive(Serialize, ToSchema)]
struct ReporterJson {
    #[schema(value_type = ContactState)]
    contact: &'static str,
    wants_outcome: bool,
    unsubscribed: bool,
    contact_consent: bool,
    /// Null unless `contact` is `shown`.
    name: Option<String>,
    /// Null unless `contact` is `shown`.
    email: Option<String>,
    /// Null unless `contact` is `shown`.
    phone: Option<String>,
    /// Who may see withheld details.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String)]
    note: Option<String>,
}

fn time(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

fn report_json(state: &AppState, report: ReportRow, article: Article) -> ReportJson {
    ReportJson {
        desk: report
            .desk_id
            .and_then(|id| state.intake.routing.desk_by_id(id))
            .map(|d| d.slug.clone()),
        evidence_urls: serde_json::from_str(&report.evidence_urls).unwrap_or_default(),
        article: ArticleJson {
            id: article.id,
            canonical_url: article.canonical_url,
            report_count: article.report_count,
            open_report_count: article.open_report_count,
        },
        tracking_code: report.tracking_code,
        status: report.status,
        category: report.category,
        language: report.language,
        assignee_id: report.assignee_id,
        submitted_url: report.submitted_url,
        passage: report.passage,
        explanation: report.explanation,
        channel: report.channel,
        public_note: report.outcome_note.clone(),
        outcome_note: report.outcome_note,
        correction_url: report.correction_url,
        created_at: time(report.created_at),
        updated_at: time(report.updated_at),
        reporter: None,
        events: None,
    }
}

fn event_json(event: EventRow) -> EventJson {
    EventJson {
        actor: event.actor,
        kind: event.kind,
        from: event.from_status,
        to: event.to_status,
        note: event.note,
        public_note: event.public_note,
        at: time(event.created_at),
    }
}

/// The query's filters, or a 400/422 naming the parameter.
async fn filter_of(
    req: &HttpRequest,
    state: &AppState,
    editor: &Editor,
) -> Result<(FilterQuery, ReportFilter), AppError> {
    let query = FilterQuery::parse(req.query_string()).map_err(AppError::malformed)?;
    // The API lists every status unless asked; the pages default to the open ones.
    let filter = filters::to_filter(
        &state.db,
        &state.intake.routing,
        &state.targets,
        editor,
        &query,
        &[],
    )
    .await?
    .map_err(AppError::Validation)?;
    Ok((query, filter))
}

/// `GET /api/v1/desk/reports`: newest first, keyset-paginated by `before`.
#[utoipa::path(
    tag = "desk",
    operation_id = "list_reports",
    summary = "Reports, newest first",
    description = "Every status unless `status` says otherwise; keyset-paginated by `before`.",
    params(FilterParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of reports.", body = ReportList),
        (status = 400, description = "An unreadable query.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 422, description = "A filter not valid (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[get("/reports")]
pub async fn list_reports(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
) -> Result<HttpResponse, AppError> {
    let (_, filter) = filter_of(&req, &state, &editor).await?;
    let limit = filter.limit as usize;
    let rows = editorial::list(&state.db, filter).await?;
    let next = (rows.len() == limit)
        .then(|| rows.last().map(|(r, _)| r.id))
        .flatten();
    let reports: Vec<ReportJson> = rows
        .into_iter()
        .map(|(r, a)| report_json(&state, r, a))
        .collect();
    Ok(HttpResponse::Ok().json(ReportList { reports, next }))
}

/// `GET /api/v1/desk/articles`: the queue, articles grouped with their matching reports
/// (open ones unless `status` says otherwise), keyset-paginated by `after` (and back by `prev`),
/// with the total number of articles.
#[utoipa::path(
    tag = "desk",
    operation_id = "list_articles",
    summary = "The queue: articles with their reports",
    description = "Open reports unless `status` says otherwise; keyset-paginated by `after` (and back by `prev`), ordered by `sort`.",
    params(FilterParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the queue.", body = QueuePageJson),
        (status = 400, description = "An unreadable query.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 422, description = "A filter not valid (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
) -> Result<HttpResponse, AppError> {
    let query = FilterQuery::parse(req.query_string()).map_err(AppError::malformed)?;
    let order = query.order().map_err(AppError::Validation)?;
    let cursor = query.cursor().map_err(AppError::Validation)?;
    let filter = filters::to_filter(
        &state.db,
        &state.intake.routing,
        &state.targets,
        &editor,
        &query,
        &queue::open_statuses(),
    )
    .await?
    .map_err(AppError::Validation)?;
    let limit = filter.limit;
    let page = queue::queue(&state.db, filter, order, cursor, limit).await?;
    let articles: Vec<_> = page
        .entries
        .into_iter()
        .map(|e| QueueArticle {
            id: e.article.id,
            canonical_url: e.article.canonical_url,
            reports: e.reports,
            report_count: e.article.report_count,
            open_report_count: e.article.open_report_count,
            newest_report_at: time(e.newest),
            oldest_report_at: time(e.oldest),
            desk: e
                .desk_id
                .and_then(|id| state.intake.routing.desk_by_id(id))
                .map(|d| d.slug.clone()),
            main_category: e.category,
        })
        .collect();
    Ok(HttpResponse::Ok().json(QueuePageJson {
        articles,
        total: page.total,
        next: page.next.map(|k| k.encode()),
        prev: page.previous.map(|k| k.encode()),
    }))
}

/// The reporter as this editor may see them: `contact` is `shown`, `withheld` (with a `note`
/// saying who may see the details) or `none`; the contact fields are always present, null
/// unless shown.
fn reporter_json(view: &ContactView, report: &ReportRow) -> ReporterJson {
    let contact = view.contact();
    let note = view.withheld_note(messages("en"));
    ReporterJson {
        contact: view.state(),
        wants_outcome: report.wants_outcome,
        unsubscribed: report.reporter_unsubscribed,
        contact_consent: report.contact_consent,
        name: contact.name,
        email: contact.email,
        phone: contact.phone,
        note: (!note.is_empty()).then_some(note),
    }
}

/// `GET /api/v1/desk/reports/{code}`: every field and the timeline; the reporter's contact
/// details on need to know, and every answer that carries them is recorded.
#[utoipa::path(
    tag = "desk",
    operation_id = "get_report",
    summary = "One report with its timeline",
    params(("code" = String, Path, description = "The tracking code.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report.", body = ReportJson),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[get("/reports/{code}")]
pub async fn get_report(
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (report, article, events) = editorial::detail(&state.db, code(&path)?).await?;
    let view = ContactView::of(&editor, &report, &state.intake.routing);
    if view.is_shown() {
        contact::record_read(&state.db, &editor, report.id, Place::Api).await?;
    }
    let reporter = reporter_json(&view, &report);
    let mut body = report_json(&state, report, article);
    body.reporter = Some(reporter);
    body.events = Some(events.into_iter().map(event_json).collect());
    Ok(HttpResponse::Ok().json(body))
}

/// A decision on one report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Transition)]
pub struct TransitionBody {
    /// The status it moves to (the lifecycle decides which are allowed from where).
    #[schema(value_type = ReportStatus)]
    to: String,
    /// To the reader (the status page, the outcome email): outcomes need one.
    public_note: Option<String>,
    /// Editors only.
    internal_note: Option<String>,
    /// The former single note (see [`Decision::with_legacy_note`]).
    note: Option<String>,
    correction_url: Option<String>,
    duplicate_of: Option<String>,
}

fn decision(to: &str, text: DecisionText, note: Option<String>) -> Result<Decision, AppError> {
    Decision::requested(to, text)
        .and_then(|d| d.with_legacy_note(note))
        .map_err(AppError::Validation)
}

/// The report after a decision.
#[derive(Serialize, ToSchema)]
struct TransitionDone {
    tracking_code: String,
    #[schema(value_type = ReportStatus)]
    status: String,
}

/// `POST /api/v1/desk/reports/{code}/transition`: 409 when the lifecycle does not allow it.
#[utoipa::path(
    tag = "desk",
    operation_id = "transition_report",
    summary = "Move a report along its lifecycle",
    description = "new → triaged → investigating → corrected | clarified | no_error (a public note needed; a correction URL for corrected and clarified); duplicate (with `duplicate_of`) or rejected from an open status; reopened from a decided one.",
    params(("code" = String, Path, description = "The tracking code.")),
    request_body(content = TransitionBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved.", body = TransitionDone),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 409, description = "The lifecycle does not allow it from the report's status, or someone else changed it meanwhile.", body = ErrorResponse),
        (status = 422, description = "Fields not valid (`fields` names each).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/reports/{code}/transition")]
pub async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body: TransitionBody =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let decision = decision(
        &body.to,
        DecisionText {
            public_note: body.public_note,
            internal_note: body.internal_note,
            correction_url: body.correction_url,
            duplicate_of: body.duplicate_of,
        },
        body.note,
    )?;
    let report = editorial::decide(
        &state.db,
        state.intake.clone(),
        editor,
        code(&path)?,
        decision,
    )
    .await?;
    state.wakeup.wake();
    Ok(HttpResponse::Ok().json(TransitionDone {
        tracking_code: report.tracking_code,
        status: report.status,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Assignment)]
pub struct AssignBody {
    /// `me`, an editor's email, or null to unassign.
    #[schema(required = true)]
    assignee: Option<String>,
}

/// The report after an assignment.
#[derive(Serialize, ToSchema)]
struct Assigned {
    tracking_code: String,
    assignee_id: Option<i64>,
}

/// `POST /api/v1/desk/reports/{code}/assign`.
#[utoipa::path(
    tag = "desk",
    operation_id = "assign_report",
    summary = "Assign a report to an editor, or unassign it",
    params(("code" = String, Path, description = "The tracking code.")),
    request_body(content = AssignBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Assigned.", body = Assigned),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 409, description = "Someone else changed the report meanwhile.", body = ErrorResponse),
        (status = 422, description = "No such editor (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/reports/{code}/assign")]
pub async fn assign(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body: AssignBody =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let assignee = filters::assignee(&state.db, &editor, body.assignee.as_deref())
        .await?
        .map_err(AppError::Validation)?;
    let report = editorial::assign(&state.db, editor, code(&path)?, assignee).await?;
    state.wakeup.wake();
    Ok(HttpResponse::Ok().json(Assigned {
        tracking_code: report.tracking_code,
        assignee_id: report.assignee_id,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ArticleAddress)]
pub struct ArticleBody {
    /// The article's address, as on the public form.
    #[schema(max_length = 2048)]
    article_url: String,
}

/// `POST /api/v1/desk/reports/{code}/article`: a `needs_url` report gets its article address
/// (canonicalised, grouped, routed; it becomes `new`).
#[utoipa::path(
    tag = "desk",
    operation_id = "complete_address",
    summary = "Give a report waiting for its article address (needs_url) that address",
    params(("code" = String, Path, description = "The tracking code.")),
    request_body(content = ArticleBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report, now on its article.", body = ReportJson),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 409, description = "The report is not waiting for an address.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 422, description = "Not an article address we take (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/reports/{code}/article")]
pub async fn complete_address(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body: ArticleBody =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let report = editorial::complete_address(
        &state.db,
        state.intake.clone(),
        state.urls.clone(),
        editor,
        code(&path)?,
        body.article_url,
    )
    .await?;
    state.wakeup.wake();
    let (report, article, _) = editorial::detail(&state.db, code(&report.tracking_code)?).await?;
    Ok(HttpResponse::Ok().json(report_json(&state, report, article)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Note)]
pub struct NoteBody {
    /// For editors only.
    note: String,
}

/// `{"status": "noted"}`.
#[derive(Serialize, ToSchema)]
struct Noted {
    #[schema(value_type = NotedStatus)]
    status: &'static str,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum NotedStatus {
    Noted,
}

/// `POST /api/v1/desk/reports/{code}/notes`: internal, never public.
#[utoipa::path(
    tag = "desk",
    operation_id = "add_note",
    summary = "Add an internal note to a report",
    params(("code" = String, Path, description = "The tracking code.")),
    request_body(content = NoteBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Noted.", body = Noted),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 422, description = "An empty or too long note (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/reports/{code}/notes")]
pub async fn add_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body: NoteBody =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    editorial::add_note(&state.db, editor, code(&path)?, body.note).await?;
    Ok(HttpResponse::Created().json(Noted { status: "noted" }))
}

/// How the reporter asked for their contact details to be erased (phone, letter, in person).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReporterErasure)]
pub struct EraseBody {
    /// For the record, without the reporter's details; 1–500 characters.
    #[schema(min_length = 1, max_length = 500)]
    how: String,
}

/// Whether the report held contact details that are now gone.
#[derive(Serialize, ToSchema)]
struct Erased {
    /// False when the report held none (asking twice is harmless).
    erased: bool,
}

/// `POST /api/v1/desk/reports/{code}/erase-reporter`: admins only.
#[utoipa::path(
    tag = "desk",
    operation_id = "erase_reporter",
    summary = "Erase the reporter's contact details at their request",
    description = "For a reporter who asked by phone, letter or in person: their name, email and phone number leave the report at once and every email to them is cancelled. Admins only; recorded on the timeline with the account given in `how`.",
    params(("code" = String, Path, description = "The tracking code.")),
    request_body(content = EraseBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Done (or nothing was left to erase).", body = Erased),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 403, description = "Not an admin.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 422, description = "`how` is empty or too long (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/reports/{code}/erase-reporter")]
pub async fn erase_reporter(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body: EraseBody =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    if !editor.is_admin() {
        return Err(AppError::Forbidden(
            crate::i18n::messages("en").t("desk-erase-admins_only"),
        ));
    }
    let erased =
        crate::privacy::service::erase_for_reporter(&state.db, &editor, code(&path)?, &body.how)
            .await
            .map_err(crate::reports::service::ReportError::from)?;
    Ok(HttpResponse::Ok().json(Erased { erased }))
}

/// One outcome for every open report of an article.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ArticleResolution)]
pub struct ResolveBody {
    /// `corrected`, `clarified` or `no_error` (or `duplicate`, `rejected`).
    #[schema(value_type = ReportStatus)]
    outcome: String,
    public_note: Option<String>,
    internal_note: Option<String>,
    /// The former name of `public_note`.
    note: Option<String>,
    correction_url: Option<String>,
}

/// What a resolution did.
#[derive(Serialize, ToSchema)]
struct Resolved {
    /// Reports moved.
    resolved: usize,
    /// Outcome emails queued.
    emailed: usize,
}

/// `POST /api/v1/desk/articles/{id}/resolve`: one outcome for every open report of the article,
/// in one call (a client confirms with its own user; the dashboard asks first).
#[utoipa::path(
    tag = "desk",
    operation_id = "resolve_article",
    summary = "Resolve every open report of an article",
    params(("id" = i64, Path, description = "The article's id.")),
    request_body(content = ResolveBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Resolved.", body = Resolved),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 404, description = "No article has that id.", body = ErrorResponse),
        (status = 409, description = "A report's status does not allow it, or someone else changed one meanwhile.", body = ErrorResponse),
        (status = 422, description = "Fields not valid (`fields` names each).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/articles/{id}/resolve")]
pub async fn resolve_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body: ResolveBody =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let decision = decision(
        &body.outcome,
        DecisionText {
            public_note: body.public_note,
            internal_note: body.internal_note,
            correction_url: body.correction_url,
            duplicate_of: None,
        },
        body.note,
    )?;
    let resolution = editorial::resolve_article(
        &state.db,
        state.intake.clone(),
        editor,
        path.into_inner(),
        decision,
        None,
    )
    .await
    .map_err(|e| match e {
        crate::reports::ReportError::NotFound => {
            AppError::NotFound("No article has that id.".into())
        }
        other => other.into(),
    })?;
    state.wakeup.wake();
    let (Resolution::Applied(done) | Resolution::Changed(done)) = resolution;
    Ok(HttpResponse::Ok().json(Resolved {
        resolved: done.reports,
        emailed: done.emails,
    }))
}

fn require_admin(editor: &Editor) -> Result<(), AppError> {
    if editor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only admins may manage the outbox.".into(),
        ))
    }
}

/// A message that could not be delivered.
#[derive(Serialize, ToSchema)]
struct DeadMessage {
    id: i64,
    kind: String,
    #[schema(value_type = Vec<String>)]
    recipients: serde_json::Value,
    attempts: i32,
    last_error: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

#[derive(Serialize, ToSchema)]
struct DeadMessages {
    messages: Vec<DeadMessage>,
}

/// `GET /api/v1/desk/outbox/dead` (admins): messages that could not be delivered, with why.
#[utoipa::path(
    tag = "desk",
    operation_id = "dead_messages",
    summary = "Undelivered messages (admins)",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The dead messages, newest first.", body = DeadMessages),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 403, description = "Not an admin.", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[get("/outbox/dead")]
pub async fn dead_messages(
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
) -> Result<HttpResponse, AppError> {
    require_admin(&editor)?;
    let rows = outbox_admin::dead(&state.db, filters::MAX_PAGE).await?;
    let messages: Vec<_> = rows
        .into_iter()
        .map(|row| DeadMessage {
            id: row.id,
            kind: row.kind,
            recipients: serde_json::from_str(&row.recipients).unwrap_or_default(),
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: time(row.created_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(DeadMessages { messages }))
}

#[derive(Serialize, ToSchema)]
struct Retried {
    retried: usize,
}

/// `POST /api/v1/desk/outbox/{id}/retry` (admins).
#[utoipa::path(
    tag = "desk",
    operation_id = "retry_message",
    summary = "Send a dead message again (admins)",
    params(("id" = i64, Path, description = "The message's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Queued again.", body = Retried),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 403, description = "Not an admin.", body = ErrorResponse),
        (status = 404, description = "No dead message has that id.", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/outbox/{id}/retry")]
pub async fn retry_message(
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    require_admin(&editor)?;
    let retried = outbox_admin::retry(&state.db, vec![path.into_inner()]).await?;
    if retried == 0 {
        return Err(AppError::NotFound("No dead message has that id.".into()));
    }
    state.wakeup.wake();
    Ok(HttpResponse::Ok().json(Retried { retried }))
}

/// The list endpoints' query (parsed by [`FilterQuery`]; documented here).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FilterParams {
    /// Statuses (repeated or comma-separated); `open` means every open status, `all` none in
    /// particular.
    #[param(inline, value_type = Option<Vec<String>>)]
    status: Vec<String>,
    /// A desk's slug.
    desk: Option<String>,
    #[param(value_type = Option<Category>)]
    category: Option<String>,
    /// A report language tag.
    language: Option<String>,
    #[param(value_type = Option<Channel>)]
    channel: Option<String>,
    /// `me`, `unassigned`, `anyone`, or an editor's email.
    assignee: Option<String>,
    /// Words that must all be in a report's passage, explanation or article address (any case,
    /// accents ignored; `word*` for the words it begins; Chinese, Japanese and Korean found inside
    /// longer text), or an article address or path (`www.example.com/politics`, `/politics`)
    /// for the reports on those articles. Names, emails and phone numbers are not searched.
    q: Option<String>,
    /// `YYYY-MM-DD` (inclusive) or RFC 3339.
    from: Option<String>,
    /// `YYYY-MM-DD` (inclusive) or RFC 3339.
    to: Option<String>,
    /// An article's id.
    article: Option<String>,
    /// `true` (or `1`, `on`, `yes`): only reports past the response target of the step they
    /// wait for (triage while new, the decision after); `false` or empty: any.
    overdue: Option<String>,
    /// The report list's cursor (`next` of the page before).
    before: Option<String>,
    /// The queue's cursor (`next` of the page before).
    after: Option<String>,
    /// The queue's cursor going back (`prev`).
    prev: Option<String>,
    /// The queue's order: `most`, `newest`, `waiting`.
    sort: Option<String>,
    /// Page size.
    limit: Option<String>,
}
