//! The reader's erasure request: from the status page, with the tracking code and the email they
//! gave; confirmed by a link to that email; done at once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::service;
use crate::error::{AppError, HtmlError};
use crate::i18n::Messages;
use crate::reports::TrackingCode;
use crate::storage::now;
use crate::web::language::PageLanguage;
use crate::web::state::AppState;
use crate::web::{Frame, body, client, page};

const MAX_EMAIL_LEN: usize = 254;

pub enum EraseStep {
    Ask {
        email: String,
        error: Option<String>,
    },
    Sent,
    Confirm {
        action: String,
    },
    Done,
}

#[derive(Template)]
#[template(path = "public/erase.html")]
pub struct ErasePage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    pub title: String,
    pub code: String,
    pub hours: u64,
    pub notice: Option<String>,
    pub step: EraseStep,
}

fn erase_page<'a>(
    state: &'a AppState,
    lang: PageLanguage,
    code: &TrackingCode,
    step: EraseStep,
    notice: Option<String>,
) -> ErasePage<'a> {
    let t = lang.messages;
    let title_id = match step {
        EraseStep::Ask { .. } => "erase-title",
        EraseStep::Sent => "erase-sent-title",
        EraseStep::Confirm { .. } => "erase-confirm-title",
        EraseStep::Done => "erase-done-title",
    };
    ErasePage {
        t,
        frame: Frame::new(&state.settings, lang.chooser),
        publisher: &state.settings.publisher.name,
        privacy_days: state.settings.privacy.reporter_retention_days,
        title: t.t(title_id).to_string(),
        code: code.to_string(),
        hours: state.settings.privacy.erasure_link_hours,
        notice,
        step,
    }
}

fn parse_code(t: &Messages, path: &str) -> Result<TrackingCode, AppError> {
    TrackingCode::parse(path).ok_or_else(|| AppError::NotFound(t.t("status-not_found")))
}

/// `GET /status/{code}/erase`.
pub async fn erase_form(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
) -> Result<HttpResponse, HtmlError> {
    let code = parse_code(lang.messages, &path)?;
    let step = EraseStep::Ask {
        email: String::new(),
        error: None,
    };
    Ok(page(
        StatusCode::OK,
        &erase_page(&state, lang, &code, step, None),
    )?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EraseRequest {
    email: String,
}

/// `POST /status/{code}/erase`: the same answer whether or not the email matched.
pub async fn request_erasure(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    let code = parse_code(t, &path)?;
    let form: EraseRequest =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let email = form.email.trim().to_string();
    if let Err(refused) = state
        .limits
        .check_client(client::client_key(&req, &state.settings).as_deref())
    {
        let step = EraseStep::Ask { email, error: None };
        let notice = refused.notice(t);
        let mut response = page(
            StatusCode::TOO_MANY_REQUESTS,
            &erase_page(&state, lang, &code, step, Some(notice)),
        )?;
        refused.set_retry_after(&mut response);
        return Ok(response);
    }
    if email.len() > MAX_EMAIL_LEN || email.parse::<lettre::Address>().is_err() {
        let step = EraseStep::Ask {
            email,
            error: Some(t.t("erase-email_invalid")),
        };
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &erase_page(&state, lang, &code, step, None),
        )?);
    }
    let key = state.intake.recipient_key.clone();
    if service::request_erasure(&state.db, key, code.clone(), email)
        .await
        .map_err(AppError::from)?
    {
        state.wakeup.wake();
    }
    Ok(page(
        StatusCode::OK,
        &erase_page(&state, lang, &code, EraseStep::Sent, None),
    )?)
}

#[derive(Deserialize)]
pub struct ConfirmQuery {
    expires: Option<i64>,
    token: Option<String>,
}

fn check_link(
    state: &AppState,
    t: &Messages,
    path: &str,
    query: &ConfirmQuery,
) -> Result<(TrackingCode, String), AppError> {
    let invalid = || AppError::NotFound(t.t("erase-invalid"));
    let code = TrackingCode::parse(path).ok_or_else(invalid)?;
    let (Some(expires), Some(token)) = (query.expires, query.token.as_deref()) else {
        return Err(invalid());
    };
    if !super::erasure_link_valid(
        &state.settings.server.secret_key,
        code.as_str(),
        expires,
        token,
        now(),
    ) {
        return Err(invalid());
    }
    let action = format!("/status/{code}/erase/confirm?expires={expires}&token={token}");
    Ok((code, action))
}

/// `GET /status/{code}/erase/confirm?expires=…&token=…`: a button; a GET changes nothing, since
/// mail scanners follow links.
pub async fn confirm_page(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    query: web::Query<ConfirmQuery>,
) -> Result<HttpResponse, HtmlError> {
    let (code, action) = check_link(&state, lang.messages, &path, &query)?;
    Ok(page(
        StatusCode::OK,
        &erase_page(&state, lang, &code, EraseStep::Confirm { action }, None),
    )?)
}

/// `POST /status/{code}/erase/confirm?expires=…&token=…`: erased at once.
pub async fn confirm(
    state: web::Data<AppState>,
    lang: PageLanguage,
    path: web::Path<String>,
    query: web::Query<ConfirmQuery>,
) -> Result<HttpResponse, HtmlError> {
    let (code, _) = check_link(&state, lang.messages, &path, &query)?;
    service::erase(&state.db, code.clone())
        .await
        .map_err(AppError::from)?;
    Ok(page(
        StatusCode::OK,
        &erase_page(&state, lang, &code, EraseStep::Done, None),
    )?)
}
