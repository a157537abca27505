//! The editor API under `/api/v1/desk/`, for `Authorization: Bearer <token>`. Thin: each handler
//! parses, calls the same service function a dashboard page would, and shapes JSON.

use actix_web::dev::Payload as DevPayload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Editor;
use super::contact::{self, ContactView, Place};
use super::filters::{self, FilterQuery};
use crate::articles::Article;
use crate::articles::queue;
use crate::error::AppError;
use crate::i18n::messages;
use crate::notify::admin as outbox_admin;
use crate::reports::TrackingCode;
use crate::reports::editorial::{self, Decision, DecisionText, Resolution};
use crate::reports::repo::{EventRow, ReportFilter, ReportRow};
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

#[derive(Serialize)]
struct ReportJson {
    tracking_code: String,
    status: String,
    category: String,
    language: String,
    desk: Option<String>,
    assignee_id: Option<i64>,
    article: ArticleJson,
    submitted_url: String,
    passage: Option<String>,
    explanation: String,
    evidence_urls: Vec<String>,
    channel: String,
    /// The current decision's note to the reader.
    public_note: Option<String>,
    /// The same, under its former name.
    outcome_note: Option<String>,
    correction_url: Option<String>,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reporter: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<EventJson>>,
}

#[derive(Serialize)]
struct ArticleJson {
    id: i64,
    canonical_url: String,
    report_count: i64,
    open_report_count: i64,
}

#[derive(Serialize)]
struct EventJson {
    actor: String,
    kind: String,
    from: Option<String>,
    to: Option<String>,
    /// Editors only.
    note: Option<String>,
    /// What the reader was told with this decision.
    public_note: Option<String>,
    at: String,
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
    let filter = filters::to_filter(&state.db, &state.intake.routing, editor, &query, &[])
        .await?
        .map_err(AppError::Validation)?;
    Ok((query, filter))
}

/// `GET /api/v1/desk/reports`: newest first, keyset-paginated by `before`.
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
    Ok(HttpResponse::Ok().json(json!({ "reports": reports, "next": next })))
}

/// `GET /api/v1/desk/articles`: the queue, articles grouped with their matching reports
/// (open ones unless `status` says otherwise), keyset-paginated by `after` (and back by `prev`),
/// with the total number of articles.
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
        .map(|e| {
            json!({
                "id": e.article.id,
                "canonical_url": e.article.canonical_url,
                "reports": e.reports,
                "report_count": e.article.report_count,
                "open_report_count": e.article.open_report_count,
                "newest_report_at": time(e.newest),
                "oldest_report_at": time(e.oldest),
                "desk": e.desk_id.and_then(|id| state.intake.routing.desk_by_id(id)).map(|d| d.slug.clone()),
                "main_category": e.category,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "articles": articles,
        "total": page.total,
        "next": page.next.map(|k| k.encode()),
        "prev": page.previous.map(|k| k.encode()),
    })))
}

/// The reporter as this editor may see them: `contact` is `shown`, `withheld` (with a `note`
/// saying who may see the details) or `none`; the contact fields are always present, null
/// unless shown.
fn reporter_json(view: &ContactView, report: &ReportRow) -> serde_json::Value {
    let mut reporter = json!({
        "contact": view.state(),
        "wants_outcome": report.wants_outcome,
        "unsubscribed": report.reporter_unsubscribed,
        "contact_consent": report.contact_consent,
    });
    if let (Some(object), Ok(serde_json::Value::Object(fields))) = (
        reporter.as_object_mut(),
        serde_json::to_value(view.contact()),
    ) {
        object.extend(fields);
        let note = view.withheld_note(messages("en"));
        if !note.is_empty() {
            object.insert("note".into(), note.into());
        }
    }
    reporter
}

/// `GET /api/v1/desk/reports/{code}`: every field and the timeline; the reporter's contact
/// details on need to know, and every answer that carries them is recorded.
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
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

/// `POST /api/v1/desk/reports/{code}/transition`: 409 when the lifecycle does not allow it.
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
    Ok(HttpResponse::Ok()
        .json(json!({ "tracking_code": report.tracking_code, "status": report.status })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// `me`, an editor's email, or null to unassign.
    assignee: Option<String>,
}

/// `POST /api/v1/desk/reports/{code}/assign`.
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
    Ok(HttpResponse::Ok()
        .json(json!({ "tracking_code": report.tracking_code, "assignee_id": report.assignee_id })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleBody {
    article_url: String,
}

/// `POST /api/v1/desk/reports/{code}/article`: a `needs_url` report gets its article address
/// (canonicalised, grouped, routed; it becomes `new`).
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    note: String,
}

/// `POST /api/v1/desk/reports/{code}/notes`: internal, never public.
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
    Ok(HttpResponse::Created().json(json!({ "status": "noted" })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    outcome: String,
    public_note: Option<String>,
    internal_note: Option<String>,
    /// The former name of `public_note`.
    note: Option<String>,
    correction_url: Option<String>,
}

/// `POST /api/v1/desk/articles/{id}/resolve`: one outcome for every open report of the article,
/// in one call (a client confirms with its own user; the dashboard asks first).
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
    Ok(HttpResponse::Ok().json(json!({ "resolved": done.reports, "emailed": done.emails })))
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

/// `GET /api/v1/desk/outbox/dead` (admins): messages that could not be delivered, with why.
pub async fn dead_messages(
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
) -> Result<HttpResponse, AppError> {
    require_admin(&editor)?;
    let rows = outbox_admin::dead(&state.db, filters::MAX_PAGE).await?;
    let messages: Vec<_> = rows
        .into_iter()
        .map(|row| {
            json!({
                "id": row.id,
                "kind": row.kind,
                "recipients": serde_json::from_str::<serde_json::Value>(&row.recipients).unwrap_or_default(),
                "attempts": row.attempts,
                "last_error": row.last_error,
                "created_at": time(row.created_at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "messages": messages })))
}

/// `POST /api/v1/desk/outbox/{id}/retry` (admins).
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
    Ok(HttpResponse::Ok().json(json!({ "retried": retried })))
}
