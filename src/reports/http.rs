//! Thin handlers for the public form, the status pages and the public JSON API.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::appeal::{self, AppealError, AppealInput};
use super::input::{FieldErrors, IntakeRules, ReportInput, evidence_slots};
use super::service::{
    self, Acknowledgement, IdempotencyKey, SpamReason, StatusView, Submission, SubmitOutcome,
    Submitted,
};
use super::{Category, Channel, PublicStatus, TrackingCode};
use crate::error::{AppError, HtmlError};
use crate::i18n::Messages;
use crate::web::api_docs::ErrorResponse;
use crate::web::language::PageLanguage;
use crate::web::limits::Refused;
use crate::web::state::AppState;
use crate::web::{Choice, Frame, body, client, form_token, page, see_other};

fn rules(state: &AppState) -> IntakeRules<'_> {
    IntakeRules {
        urls: &state.urls,
        default_language: &state.settings.intake.default_language,
    }
}

fn client_hash(req: &HttpRequest, state: &AppState) -> Option<String> {
    client::client_key(req, &state.settings)
}

fn status_url(state: &AppState, code: &str) -> String {
    format!(
        "{}/status/{code}",
        state.settings.server.public_url.trim_end_matches('/')
    )
}

// ---------------------------------------------------------------- the form

#[derive(Template)]
#[template(path = "public/report_form.html")]
pub struct ReportFormPage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    /// Client-address hashes are kept this many days (the form's privacy explanation).
    pub client_hash_days: u32,
    pub input: ReportInput,
    pub errors: FieldErrors,
    pub categories: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub evidence_slots: Vec<String>,
    /// The errors in form order, each linking to the control to fix.
    pub summary: Vec<SummaryItem>,
    /// Signed with the time the form is served (see `web::form_token`).
    pub form_token: String,
    /// Why the form came back without a field error (too fast, too many reports, ...).
    pub notice: Option<String>,
}

pub struct SummaryItem {
    pub anchor: String,
    pub text: String,
}

/// The form's fields in the order a reader meets them.
const FORM_ORDER: [&str; 9] = [
    "article_url",
    "category",
    "passage",
    "explanation",
    "evidence_urls",
    "language",
    "reporter_name",
    "reporter_email",
    "wants_outcome",
];

fn error_summary(t: &Messages, errors: &FieldErrors) -> Vec<SummaryItem> {
    FORM_ORDER
        .iter()
        .filter_map(|field| {
            let message = errors.get(field).first()?;
            let anchor = match *field {
                "category" => format!("category-{}", Category::ALL[0].as_str()),
                "evidence_urls" => "evidence_urls-1".to_string(),
                other => other.to_string(),
            };
            Some(SummaryItem {
                anchor,
                text: super::labelled(t, field, message),
            })
        })
        .collect()
}

impl<'a> ReportFormPage<'a> {
    fn new(
        state: &'a AppState,
        lang: PageLanguage,
        input: ReportInput,
        errors: FieldErrors,
    ) -> Self {
        let t = lang.messages;
        let categories = Choice::categories(t, &input.category);
        // The report's language is the page's unless the reader picks another.
        let chosen_language = input
            .language
            .clone()
            .unwrap_or_else(|| t.tag().to_string());
        let languages = state
            .settings
            .intake
            .languages
            .iter()
            .map(|tag| Choice {
                value: tag.clone(),
                label: language_name(t, tag),
                selected: tag.eq_ignore_ascii_case(&chosen_language),
            })
            .collect();
        let evidence_slots = evidence_slots(&input.evidence_urls);
        Self {
            t,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            client_hash_days: state.settings.privacy.client_hash_retention_days,
            summary: error_summary(t, &errors),
            input,
            errors,
            categories,
            languages,
            evidence_slots,
            form_token: form_token::issue(&state.settings.server.secret_key, crate::storage::now()),
            notice: None,
        }
    }

    fn with_notice(mut self, notice: String) -> Self {
        self.notice = Some(notice);
        self
    }

    pub fn value<'v>(&self, field: &'v Option<String>) -> &'v str {
        field.as_deref().unwrap_or("")
    }
}

fn language_name(t: &Messages, tag: &str) -> String {
    let id = format!("language-{tag}");
    if t.has(&id) {
        t.t(&id).to_string()
    } else {
        tag.to_string()
    }
}

/// The form's fields, without the API's refusal of unknown ones.
#[derive(Deserialize, Default)]
#[serde(default)]
struct FormReport {
    article_url: String,
    category: String,
    passage: Option<String>,
    explanation: String,
    evidence_urls: Vec<String>,
    language: Option<String>,
    reporter_name: Option<String>,
    reporter_email: Option<String>,
    wants_outcome: bool,
    form_token: Option<String>,
    /// The honeypot (`form_token::HONEYPOT`): people never see it, so never fill it.
    website: Option<String>,
}

impl FormReport {
    fn honeypot_filled(&self) -> bool {
        self.website
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty())
    }
}

impl From<FormReport> for ReportInput {
    fn from(form: FormReport) -> Self {
        Self {
            article_url: form.article_url,
            category: form.category,
            passage: form.passage,
            explanation: form.explanation,
            evidence_urls: form.evidence_urls,
            language: form.language,
            reporter_name: form.reporter_name,
            reporter_email: form.reporter_email,
            wants_outcome: form.wants_outcome,
        }
    }
}

/// What a form body carries: the report, and what the abuse rules look at.
pub struct FormSubmission {
    pub input: ReportInput,
    pub form_token: Option<String>,
    /// The honeypot field was filled in.
    pub honeypot: bool,
}

/// Decodes an urlencoded form body, as `POST /report` does. Public so the fuzz targets
/// (tests/fuzz) exercise this very code path.
#[doc(hidden)]
pub fn form_submission(bytes: &[u8]) -> Result<FormSubmission, AppError> {
    let form = serde_html_form::from_bytes::<FormReport>(bytes)
        .map_err(|e| AppError::malformed(format!("The form could not be read: {e}")))?;
    Ok(FormSubmission {
        honeypot: form.honeypot_filled(),
        form_token: form.form_token.clone(),
        input: form.into(),
    })
}

/// The report part of [`form_submission`].
#[doc(hidden)]
pub fn form_input(bytes: &[u8]) -> Result<ReportInput, AppError> {
    form_submission(bytes).map(|submission| submission.input)
}

#[derive(Deserialize)]
pub struct FormQuery {
    url: Option<String>,
    category: Option<String>,
}

pub async fn home() -> HttpResponse {
    see_other("/report")
}

/// `GET /report?url=…`: an article page can link straight to a prefilled form.
pub async fn report_form(
    state: web::Data<AppState>,
    lang: PageLanguage,
    query: web::Query<FormQuery>,
) -> Result<HttpResponse, HtmlError> {
    let query = query.into_inner();
    let input = ReportInput {
        article_url: query.url.unwrap_or_default(),
        category: query
            .category
            .filter(|c| Category::parse(c).is_some())
            .unwrap_or_default(),
        ..ReportInput::default()
    };
    Ok(page(
        StatusCode::OK,
        &ReportFormPage::new(&state, lang, input, FieldErrors::default()),
    )?)
}

/// `POST /report`: on error the form comes back with the reader's input and the messages beside
/// each field; on success, a redirect to the thank-you page (so a reload cannot submit twice).
/// Abuse rules, in order: the client's rate, the form's token (time served), the fields, the
/// article's rate; a filled honeypot stores the report as spam and answers as if all was well.
pub async fn submit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    body::require_content_type(&req, "application/x-www-form-urlencoded")?;
    let bytes = body::read_limited(&req, payload, state.settings.server.max_body_bytes).await?;
    // Unlike the API, the form ignores fields it does not know (a named button, a site's hidden
    // field): a reader's report is never refused for what the page around it sent.
    let FormSubmission {
        input,
        form_token: token,
        honeypot,
    } = form_submission(&bytes)?;
    let t = lang.messages;
    let client_hash = client_hash(&req, &state);
    if let Err(refused) = state.limits.check_client(client_hash.as_deref()) {
        return form_refused(&state, lang, input, refused);
    }
    if state.limits.enabled() {
        let limits = &state.settings.limits;
        if let Err(problem) = form_token::check(
            &state.settings.server.secret_key,
            token.as_deref(),
            crate::storage::now(),
            limits.form_min_secs,
            limits.form_max_age_secs,
        ) {
            tracing::info!(problem = problem.as_str(), "report form refused: its token");
            let form = ReportFormPage::new(&state, lang, input, FieldErrors::default())
                .with_notice(t.t(problem.message_id()));
            return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &form)?);
        }
    }
    let report = match input.parse(&rules(&state), t) {
        Ok(report) => report,
        Err(errors) => {
            return Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReportFormPage::new(&state, lang, input, errors),
            )?);
        }
    };
    if let Err(refused) = state.limits.check_article(report.article.as_str()) {
        return form_refused(&state, lang, input, refused);
    }
    let category = report.category.as_str();
    let submission = Submission {
        report,
        channel: Channel::WebForm,
        client_hash,
        idempotency: None,
        spam: honeypot.then_some(SpamReason::Honeypot),
        entered: None,
    };
    let (submitted, _) = service::submit(&state.db, state.intake.clone(), submission).await?;
    state.wakeup.wake();
    state
        .metrics
        .report_received(category, Channel::WebForm.as_str());
    Ok(see_other(&format!(
        "/report/thanks/{}",
        submitted.tracking_code
    )))
}

/// The form again, its input kept, saying how long to wait: 429 with `Retry-After`.
fn form_refused(
    state: &AppState,
    lang: PageLanguage,
    input: ReportInput,
    refused: Refused,
) -> Result<HttpResponse, HtmlError> {
    tracing::info!(limit = refused.limit.as_str(), "report refused: rate limit");
    let t = lang.messages;
    let form = ReportFormPage::new(state, lang, input, FieldErrors::default())
        .with_notice(refused.notice(t));
    let mut response = page(StatusCode::TOO_MANY_REQUESTS, &form)?;
    refused.set_retry_after(&mut response);
    Ok(response)
}

fn api_refused(t: &Messages, refused: Refused) -> AppError {
    tracing::info!(limit = refused.limit.as_str(), "report refused: rate limit");
    let seconds = refused.retry_after_secs();
    AppError::RateLimited {
        retry_after_secs: seconds,
        message: t.t_with("api-rate_limited", &[("seconds", &seconds.to_string())]),
    }
}

#[derive(Template)]
#[template(path = "public/thanks.html")]
pub struct ThanksPage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    pub code: String,
    pub status_path: String,
    pub status_label: String,
    /// The recap: only what the status page may show too (anyone with the code reads this).
    pub article_url: String,
    pub category_label: String,
    /// Whether a confirmation was emailed, in words.
    pub acknowledgement: String,
    /// What happens next, in words.
    pub next_steps: Vec<String>,
    pub response_time: Option<String>,
}

/// `GET /report/thanks/{code}`: the code, a recap, whether a confirmation was emailed, what
/// happens next and how long it usually takes.
pub async fn thanks(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    let code =
        TrackingCode::parse(&path).ok_or_else(|| AppError::NotFound(t.t("status-not_found")))?;
    let thanks = match service::thanks_view(&state.db, code).await {
        Err(super::ReportError::NotFound) => {
            return Err(AppError::NotFound(t.t("status-not_found")).into());
        }
        other => other.map_err(AppError::from)?,
    };
    let view = thanks.status;
    let acknowledgement = t.t(match thanks.acknowledgement {
        Acknowledgement::Emailed => "thanks-ack-emailed",
        Acknowledgement::NoAddress => "thanks-ack-no_address",
        Acknowledgement::DailyCapReached => "thanks-ack-daily_cap",
        Acknowledgement::Undelivered => "thanks-ack-undelivered",
    });
    let next_steps = vec![
        t.t("thanks-next-review"),
        t.t(if thanks.outcome_by_email {
            "thanks-next-outcome_emailed"
        } else {
            "thanks-next-outcome_on_status_page"
        }),
    ];
    let days = state.settings.intake.usual_response_days;
    let response_time = (days > 0).then(|| t.t_count("thanks-response_time", days as usize, &[]));
    Ok(page(
        StatusCode::OK,
        &ThanksPage {
            t,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            status_path: format!("/status/{}", view.tracking_code),
            code: view.tracking_code,
            status_label: t.t(view.status.label_id()),
            article_url: view.canonical_url,
            category_label: view.category.map(|c| t.t(c.label_id())).unwrap_or_default(),
            acknowledgement,
            next_steps,
            response_time,
        },
    )?)
}

// ---------------------------------------------------------------- status pages

#[derive(Template)]
#[template(path = "public/status.html")]
pub struct StatusPage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    pub view: StatusView,
    pub status_label: String,
    pub status_explanation: String,
    pub category_label: String,
    pub received: String,
    pub updated: String,
    pub appeal: AppealPanel,
    /// Why the page came back without a field error (too fast, too many requests, no longer
    /// appealable).
    pub notice: Option<String>,
}

/// What the status page says about an appeal.
pub enum AppealPanel {
    /// Nothing to say: not decided "no error found", never appealed.
    None,
    /// The form: decided "no error found", not appealed yet.
    Form(AppealForm),
    /// Appealed; the report is being reviewed again.
    Received { at: String },
    /// Appealed, and decided again since.
    Decided { at: String },
}

/// The appeal form, with what the reporter typed kept when it is refused.
#[derive(Default)]
pub struct AppealForm {
    pub email: String,
    pub reason: String,
    pub errors: FieldErrors,
    /// The errors in form order, each linking to its field.
    pub summary: Vec<SummaryItem>,
    pub form_token: String,
}

impl AppealForm {
    fn new(state: &AppState, input: &AppealInput, errors: FieldErrors) -> Self {
        let summary = ["email", "reason"]
            .iter()
            .filter_map(|field| {
                Some(SummaryItem {
                    anchor: field.to_string(),
                    text: errors.get(field).first()?.clone(),
                })
            })
            .collect();
        Self {
            email: input.email.clone().unwrap_or_default(),
            reason: input.reason.clone().unwrap_or_default(),
            errors,
            summary,
            form_token: form_token::issue(&state.settings.server.secret_key, crate::storage::now()),
        }
    }
}

fn appeal_panel(state: &AppState, view: &StatusView, form: Option<AppealForm>) -> AppealPanel {
    let at = |time: chrono::NaiveDateTime| time.format("%Y-%m-%d %H:%M UTC").to_string();
    match view.appealed_at {
        Some(time) if view.status == PublicStatus::UnderReview => {
            AppealPanel::Received { at: at(time) }
        }
        Some(time) => AppealPanel::Decided { at: at(time) },
        None if view.can_appeal() => AppealPanel::Form(form.unwrap_or_else(|| {
            AppealForm::new(state, &AppealInput::default(), FieldErrors::default())
        })),
        None => AppealPanel::None,
    }
}

#[derive(Template)]
#[template(path = "public/status_lookup.html")]
pub struct StatusLookupPage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    pub code: String,
    pub error: Option<String>,
}

async fn lookup(state: &AppState, t: &Messages, code: &str) -> Result<StatusView, AppError> {
    let code =
        TrackingCode::parse(code).ok_or_else(|| AppError::NotFound(t.t("status-not_found")))?;
    match service::public_status(&state.db, code).await {
        Err(super::ReportError::NotFound) => Err(AppError::NotFound(t.t("status-not_found"))),
        other => Ok(other?),
    }
}

/// The status page of `view`, with the appeal form as given (`None`: empty) and a notice.
fn status_response(
    state: &AppState,
    lang: PageLanguage,
    view: StatusView,
    status: StatusCode,
    form: Option<AppealForm>,
    notice: Option<String>,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    Ok(page(
        status,
        &StatusPage {
            t,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            status_label: t.t(view.status.label_id()),
            status_explanation: t.t(view.status.explanation_id()),
            category_label: view.category.map(|c| t.t(c.label_id())).unwrap_or_default(),
            received: view.received_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            updated: view.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            appeal: appeal_panel(state, &view, form),
            notice,
            view,
        },
    )?)
}

/// The lookup form again, saying no report has the code (as `GET /status/{code}` does).
fn unknown_code(
    state: &AppState,
    lang: PageLanguage,
    code: String,
    message: String,
) -> Result<HttpResponse, HtmlError> {
    Ok(page(
        StatusCode::NOT_FOUND,
        &StatusLookupPage {
            t: lang.messages,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            code,
            error: Some(message),
        },
    )?)
}

pub async fn status_page(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    match lookup(&state, t, &path).await {
        Ok(view) => status_response(&state, lang, view, StatusCode::OK, None, None),
        Err(AppError::NotFound(message)) => unknown_code(&state, lang, path.into_inner(), message),
        Err(other) => Err(other.into()),
    }
}

/// What the appeal form sends; other fields are ignored, as on the report form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AppealFormBody {
    email: Option<String>,
    reason: Option<String>,
    form_token: Option<String>,
}

/// `POST /status/{code}/appeal`: on success, back to the status page ("Appeal received"); a
/// refusal brings the page back with the input kept and the message beside the field.
pub async fn appeal_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    let body: AppealFormBody =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let input = AppealInput {
        email: body.email,
        reason: body.reason,
    };
    let view = match lookup(&state, t, &path).await {
        Ok(view) => view,
        Err(AppError::NotFound(message)) => {
            return unknown_code(&state, lang, path.into_inner(), message);
        }
        Err(other) => return Err(other.into()),
    };
    if let Err(refused) = state
        .limits
        .check_client(client_hash(&req, &state).as_deref())
    {
        tracing::info!(limit = refused.limit.as_str(), "appeal refused: rate limit");
        let form = AppealForm::new(&state, &input, FieldErrors::default());
        let mut response = status_response(
            &state,
            lang,
            view,
            StatusCode::TOO_MANY_REQUESTS,
            Some(form),
            Some(refused.notice(t)),
        )?;
        refused.set_retry_after(&mut response);
        return Ok(response);
    }
    if !view.can_appeal() {
        // The page was out of date (or never had the form): show it as it is, saying why.
        let notice = t.t(if view.appealed_at.is_some() {
            "appeal-already"
        } else {
            "appeal-not_appealable"
        });
        return status_response(&state, lang, view, StatusCode::CONFLICT, None, Some(notice));
    }
    if state.limits.enabled() {
        let limits = &state.settings.limits;
        if let Err(problem) = form_token::check(
            &state.settings.server.secret_key,
            body.form_token.as_deref(),
            crate::storage::now(),
            limits.form_min_secs,
            limits.form_max_age_secs,
        ) {
            tracing::info!(problem = problem.as_str(), "appeal refused: its form token");
            let form = AppealForm::new(&state, &input, FieldErrors::default());
            return status_response(
                &state,
                lang,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(form),
                Some(t.t(problem.message_id())),
            );
        }
    }
    let code = TrackingCode::parse(&view.tracking_code)
        .ok_or_else(|| AppError::NotFound(t.t("status-not_found")))?;
    match appeal::appeal(
        &state.db,
        state.intake.clone(),
        code.clone(),
        input.clone(),
        t,
    )
    .await
    {
        Ok(_) => {
            state.wakeup.wake();
            Ok(see_other(&format!("/status/{code}")))
        }
        Err(AppealError::Invalid(errors)) => {
            let form = AppealForm::new(&state, &input, errors);
            status_response(
                &state,
                lang,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(form),
                None,
            )
        }
        Err(refused @ (AppealError::NotAppealable(_) | AppealError::AlreadyAppealed)) => {
            // The page was out of date: show it as it is now, saying why nothing was done.
            let notice = match refused {
                AppealError::AlreadyAppealed => t.t("appeal-already"),
                _ => t.t("appeal-not_appealable"),
            };
            let now = lookup(&state, t, code.as_str()).await?;
            status_response(&state, lang, now, StatusCode::CONFLICT, None, Some(notice))
        }
        Err(other) => Err(other.into_app_error(t).into()),
    }
}

#[derive(Deserialize)]
pub struct LookupQuery {
    code: Option<String>,
}

/// `GET /status?code=…`: the lookup form, or a redirect to the report's status page.
pub async fn status_lookup(
    state: web::Data<AppState>,
    lang: PageLanguage,
    query: web::Query<LookupQuery>,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    let frame = Frame::new(&state.settings, lang.chooser);
    let typed = query.into_inner().code.unwrap_or_default();
    if typed.trim().is_empty() {
        return Ok(page(
            StatusCode::OK,
            &StatusLookupPage {
                t,
                frame,
                publisher: &state.settings.publisher.name,
                privacy_days: state.settings.privacy.reporter_retention_days,
                code: typed,
                error: None,
            },
        )?);
    }
    match TrackingCode::parse(&typed) {
        Some(code) => Ok(see_other(&format!("/status/{code}"))),
        None => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &StatusLookupPage {
                t,
                frame,
                publisher: &state.settings.publisher.name,
                privacy_days: state.settings.privacy.reporter_retention_days,
                code: typed,
                error: Some(t.t_with("status-code_invalid", &[("example", TrackingCode::EXAMPLE)])),
            },
        )?),
    }
}

// ---------------------------------------------------------------- JSON API

/// The article a report is about.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PublicArticle)]
struct ArticleBody<'a> {
    /// The article's one address, its variants folded into it.
    canonical_url: &'a str,
    /// Reports on the article so far (in the answer to a new report only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = i64)]
    report_count: Option<i64>,
}

/// A report as the public sees it: no personal data.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PublicReport)]
struct ReportBody<'a> {
    /// Three English words and four digits, e.g. `amber-river-falcon-4821`.
    tracking_code: &'a str,
    /// Machine-readable public status (`received`, `under_review`, ...).
    #[schema(value_type = PublicStatus)]
    status: &'a str,
    /// The same, worded for people.
    public_status: String,
    status_url: String,
    article: ArticleBody<'a>,
    /// In the status answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Category)]
    category: Option<Category>,
    /// RFC 3339; in the status answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String, format = DateTime)]
    received_at: Option<String>,
    /// RFC 3339; in the status answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String, format = DateTime)]
    updated_at: Option<String>,
    /// The editors' note to the reader, once decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String)]
    public_note: Option<&'a str>,
    /// The correction or clarification, once decided as one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String)]
    correction_url: Option<&'a str>,
    /// RFC 3339: when the reporter appealed the decision (in the status answer only, once
    /// appealed).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String, format = DateTime)]
    appealed_at: Option<String>,
}

fn created_body<'a>(state: &AppState, submitted: &'a Submitted, t: &'a Messages) -> ReportBody<'a> {
    let status: PublicStatus = submitted.public_status();
    ReportBody {
        tracking_code: &submitted.tracking_code,
        status: status.as_str(),
        public_status: t.t(status.label_id()),
        status_url: status_url(state, &submitted.tracking_code),
        article: ArticleBody {
            canonical_url: &submitted.canonical_url,
            report_count: Some(submitted.report_count),
        },
        category: None,
        received_at: None,
        updated_at: None,
        public_note: None,
        correction_url: None,
        appealed_at: None,
    }
}

/// `POST /api/v1/reports`.
#[utoipa::path(
    tag = "reports",
    operation_id = "create_report",
    summary = "Report an article",
    description = "Stores the report and answers with its tracking code once it is committed. \
        Unknown fields are refused. Validation messages are in the `Accept-Language` language; \
        `language` in the body is the report's own. A retry with the same `Idempotency-Key` and \
        body replays the first answer (`Idempotent-Replayed: true`) instead of a second report.",
    request_body(content = ReportInput, content_type = "application/json"),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255,
            description = "1 to 255 printable ASCII characters: the same key and body never make two reports."),
    ),
    responses(
        (status = 201, description = "Stored.", body = ReportBody,
            headers(("Location" = String, description = "`/api/v1/reports/{tracking_code}`"))),
        (status = 400, description = "Malformed JSON, a field of the wrong type, an unknown field or a bad Idempotency-Key.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit (64 KiB).", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 422, description = "Fields not valid (`fields` names each), or an Idempotency-Key reused with another body.", body = ErrorResponse),
        (status = 429, description = "Too many reports from this client or on this article.", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
        (status = 503, description = "Temporarily unavailable (database busy or unreachable).", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
    )
)]
#[post("/reports")]
pub async fn api_create(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    // Messages (validation, rate limits) in the client's Accept-Language; `language` in the
    // body is the report's own.
    let t = lang.messages;
    body::require_content_type(&req, "application/json")?;
    let client_hash = client_hash(&req, &state);
    state
        .limits
        .check_client(client_hash.as_deref())
        .map_err(|r| api_refused(t, r))?;
    let bytes = body::read_limited(&req, payload, state.settings.server.max_body_bytes).await?;
    let input: ReportInput = body::parse_json(&bytes)?;
    let idempotency = match req.headers().get("idempotency-key") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|key| IdempotencyKey::new(key, &input))
                .ok_or_else(|| {
                    AppError::malformed(format!(
                        "The Idempotency-Key header must be 1 to {} printable ASCII characters.",
                        service::MAX_IDEMPOTENCY_KEY_LEN
                    ))
                })?,
        ),
    };
    let report = input
        .parse(&rules(&state), t)
        .map_err(AppError::Validation)?;
    state
        .limits
        .check_article(report.article.as_str())
        .map_err(|r| api_refused(t, r))?;
    let category = report.category.as_str();
    let submission = Submission {
        report,
        channel: Channel::Api,
        client_hash,
        idempotency,
        spam: None,
        entered: None,
    };
    let (submitted, outcome) = service::submit(&state.db, state.intake.clone(), submission).await?;
    state.wakeup.wake();
    if outcome == SubmitOutcome::Created {
        state
            .metrics
            .report_received(category, Channel::Api.as_str());
    }
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/reports/{}", submitted.tracking_code),
    ));
    if outcome == SubmitOutcome::Replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(created_body(&state, &submitted, t)))
}

/// `GET /api/v1/reports/{tracking_code}`: the public status; no personal data.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_report_status",
    summary = "A report's public status",
    params(("code" = String, Path, description = "The tracking code.")),
    responses(
        (status = 200, description = "The public status.", body = ReportBody),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
    )
)]
#[get("/reports/{code}")]
pub async fn api_get(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let t = lang.messages;
    let view = lookup(&state, t, &path).await?;
    Ok(HttpResponse::Ok().json(status_body(&state, &view, t)))
}

fn status_body<'a>(state: &AppState, view: &'a StatusView, t: &Messages) -> ReportBody<'a> {
    ReportBody {
        tracking_code: &view.tracking_code,
        status: view.status.as_str(),
        public_status: t.t(view.status.label_id()),
        status_url: status_url(state, &view.tracking_code),
        article: ArticleBody {
            canonical_url: &view.canonical_url,
            report_count: None,
        },
        category: view.category,
        received_at: Some(view.received_at.and_utc().to_rfc3339()),
        updated_at: Some(view.updated_at.and_utc().to_rfc3339()),
        public_note: view.public_note.as_deref(),
        correction_url: view.correction_url.as_deref(),
        appealed_at: view.appealed_at.map(|at| at.and_utc().to_rfc3339()),
    }
}

/// `POST /api/v1/reports/{tracking_code}/appeal`.
#[utoipa::path(
    tag = "reports",
    operation_id = "appeal_report",
    summary = "Appeal a \"no error found\" decision",
    description = "The reporter of a report decided `no_error` asks for it to be reviewed again, \
        once, with the email address they gave with it and a reason (10 to 2,000 characters). The \
        report is reopened (`under_review`) and its desk is told. Unknown fields are refused.",
    params(("code" = String, Path, description = "The tracking code.")),
    request_body(content = AppealInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Appealed: the public status now, with `appealed_at`.", body = ReportBody),
        (status = 400, description = "Malformed JSON, a field of the wrong type or an unknown field.", body = ErrorResponse),
        (status = 404, description = "No report has that tracking code.", body = ErrorResponse),
        (status = 409, description = "`not_appealable`: the report is not decided `no_error`; `already_appealed`: it was appealed once already.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 422, description = "`fields` names each field at fault: `reason` (its length), `email` (missing, not the address given with the report, or the report holds none: none was given, or it was erased).", body = ErrorResponse),
        (status = 429, description = "Too many requests from this client.", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
    )
)]
#[post("/reports/{code}/appeal")]
pub async fn api_appeal(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let t = lang.messages;
    state
        .limits
        .check_client(client_hash(&req, &state).as_deref())
        .map_err(|r| api_refused(t, r))?;
    let input: AppealInput =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let code =
        TrackingCode::parse(&path).ok_or_else(|| AppError::NotFound(t.t("status-not_found")))?;
    appeal::appeal(&state.db, state.intake.clone(), code, input, t)
        .await
        .map_err(|e| e.into_app_error(t))?;
    state.wakeup.wake();
    let view = lookup(&state, t, &path).await?;
    Ok(HttpResponse::Ok().json(status_body(&state, &view, t)))
}

// ---------------------------------------------------------------- unsubscribe

#[derive(Template)]
#[template(path = "public/unsubscribe.html")]
pub struct UnsubscribePage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    pub code: String,
    pub token: String,
    pub done: bool,
}

#[derive(Deserialize)]
pub struct UnsubscribeQuery {
    token: Option<String>,
}

fn check_unsubscribe(
    state: &AppState,
    t: &Messages,
    code: &str,
    query: &UnsubscribeQuery,
) -> Result<(TrackingCode, String), AppError> {
    let invalid = || AppError::NotFound(t.t("unsubscribe-invalid"));
    let code = TrackingCode::parse(code).ok_or_else(invalid)?;
    let token = query.token.clone().unwrap_or_default();
    let expected =
        crate::notify::worker::unsubscribe_token(&state.settings.server.secret_key, code.as_str());
    if crate::signing::tokens_match(&token, &expected) {
        Ok((code, token))
    } else {
        Err(invalid())
    }
}

/// `GET /status/{code}/unsubscribe?token=…`: a confirmation button; a GET changes nothing, since
/// mail scanners follow links.
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    query: web::Query<UnsubscribeQuery>,
) -> Result<HttpResponse, HtmlError> {
    let (code, token) = check_unsubscribe(&state, lang.messages, &path, &query)?;
    Ok(page(
        StatusCode::OK,
        &UnsubscribePage {
            t: lang.messages,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            code: code.to_string(),
            token,
            done: false,
        },
    )?)
}

/// `POST /status/{code}/unsubscribe?token=…`: from our page, or one click in the mail client
/// (RFC 8058 `List-Unsubscribe-Post`).
pub async fn unsubscribe(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    query: web::Query<UnsubscribeQuery>,
) -> Result<HttpResponse, HtmlError> {
    let (code, token) = check_unsubscribe(&state, lang.messages, &path, &query)?;
    service::stop_reporter_emails(&state.db, code.clone()).await?;
    Ok(page(
        StatusCode::OK,
        &UnsubscribePage {
            t: lang.messages,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            code: code.to_string(),
            token,
            done: true,
        },
    )?)
}
