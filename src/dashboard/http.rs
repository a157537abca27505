//! Dashboard pages: sign-in, sign-out, and the outbox of undelivered email (admins).

use actix_session::SessionExt;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::auth::{self, SignIn, SignedIn};
use super::pages::DeskNav;
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::notify::admin as outbox_admin;
use crate::notify::repo::OutboxRow;
use crate::web::state::AppState;
use crate::web::{body, client, page, see_other};

const PAGE_LANGUAGE: &str = "en";
const HOME: &str = "/desk";

/// Only paths inside the dashboard: never an open redirect to another site, and never a value
/// that cannot be a `Location` header (control characters, spaces, non-ASCII): those fall back
/// to the dashboard's home rather than failing after the sign-in.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| {
        (*n == "/desk" || n.starts_with("/desk/") || n.starts_with("/desk?"))
            && !n.contains("//")
            && !n.contains('\\')
            && n.chars().all(|c| c.is_ascii_graphic())
    })
    .unwrap_or(HOME)
    .to_string()
}

#[derive(Template)]
#[template(path = "dashboard/login.html")]
pub struct LoginPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub csrf: String,
    pub email: String,
    pub next: String,
    /// Information, such as "You are signed out.": not an error.
    pub notice: Option<String>,
    /// Why the sign-in was refused.
    pub message: Option<String>,
}

/// The sign-in page with a fresh form token, its cookie set. The session is not touched: an
/// anonymous visitor costs no session row.
fn login_page(
    state: &AppState,
    status: StatusCode,
    email: String,
    next: String,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    login_page_with(state, status, email, next, None, message)
}

fn login_page_with(
    state: &AppState,
    status: StatusCode,
    email: String,
    next: String,
    notice: Option<String>,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let dashboard = &state.settings.dashboard;
    let (csrf, cookie) = auth::issue_login_form(&state.settings.server.secret_key, dashboard)?;
    let mut response = page(
        status,
        &LoginPage {
            t: messages(PAGE_LANGUAGE),
            publisher: &state.settings.publisher.name,
            csrf,
            email,
            next,
            notice,
            message,
        },
    )?;
    response
        .add_cookie(&cookie)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// `GET /desk/login`.
pub async fn login_form(
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, HtmlError> {
    let notice = query.signed_out.as_ref().map(|_| {
        messages(PAGE_LANGUAGE)
            .t("desk-login-signed_out")
            .to_string()
    });
    let next = safe_next(query.next.as_deref());
    Ok(login_page_with(
        &state,
        StatusCode::OK,
        String::new(),
        next,
        notice,
        None,
    )?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /desk/login`.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let form: LoginForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let dashboard = &state.settings.dashboard;
    auth::check_login_form(
        &req,
        &state.settings.server.secret_key,
        dashboard,
        &form.csrf,
    )?;
    let client_hash = client::client_key(&req, &state.settings);
    let next = safe_next(form.next.as_deref());
    let t = messages(PAGE_LANGUAGE);
    match auth::sign_in(
        &state.db,
        dashboard,
        &form.email,
        form.password,
        client_hash,
    )
    .await
    .map_err(AppError::from)?
    {
        SignIn::Accepted(editor) => {
            auth::start_session(&req.get_session(), &editor)?;
            let mut response = see_other(&next);
            response
                .add_cookie(&auth::clear_login_cookie(dashboard))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(response)
        }
        SignIn::Refused => Ok(login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            form.email,
            next,
            Some(t.t("desk-login-refused").to_string()),
        )?),
        SignIn::Throttled { retry_after_secs } => {
            let mut response = login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                form.email,
                next,
                Some(t.t_with(
                    "desk-login-throttled",
                    &[("seconds", &retry_after_secs.to_string())],
                )),
            )?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            Ok(response)
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /desk/logout`: the session is deleted from the store, not just forgotten by the browser.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let form: CsrfForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let client_hash = client::client_key(&req, &state.settings);
    auth::record(
        &state.db,
        Some(signed_in.editor.id),
        &signed_in.editor.email,
        "logout",
        client_hash,
    )
    .await
    .map_err(AppError::from)?;
    signed_in.session.purge();
    Ok(see_other("/desk/login?signed_out=1"))
}

#[derive(Template)]
#[template(path = "dashboard/outbox.html")]
pub struct OutboxPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    /// (state in words, count).
    pub counts: Vec<(String, i64)>,
    /// Messages pending or being sent: not delivered yet, not undelivered either.
    pub in_flight: usize,
    pub dead: Vec<DeadMessage>,
}

/// An outbox state in words: `pending` → "Pending".
fn outbox_state_label(t: &Messages, state: &str) -> String {
    let id = format!("desk-outbox-state-{state}");
    if t.has(&id) {
        t.t(&id).to_string()
    } else {
        state.to_string()
    }
}

pub struct DeadMessage {
    pub id: i64,
    pub kind: String,
    pub recipients: String,
    pub attempts: i32,
    pub error: String,
    pub created: String,
}

impl From<OutboxRow> for DeadMessage {
    fn from(row: OutboxRow) -> Self {
        let recipients: Vec<String> = serde_json::from_str(&row.recipients).unwrap_or_default();
        Self {
            id: row.id,
            kind: row.kind,
            recipients: recipients.join(", "),
            attempts: row.attempts,
            error: row.last_error.unwrap_or_default(),
            created: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

fn require_admin(signed_in: &SignedIn) -> Result<(), AppError> {
    if signed_in.editor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            messages(PAGE_LANGUAGE).t("desk-forbidden-admins"),
        ))
    }
}

/// `GET /desk/outbox` (admins): counts by state and every dead message with its last error.
pub async fn outbox(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let counts = outbox_admin::counts(&state.db)
        .await
        .map_err(AppError::from)?;
    let dead = outbox_admin::dead(&state.db, 500)
        .await
        .map_err(AppError::from)?;
    let t = messages(PAGE_LANGUAGE);
    let in_flight = counts
        .iter()
        .filter(|(s, _)| s == crate::notify::status::PENDING || s == crate::notify::status::SENDING)
        .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
        .sum();
    Ok(page(
        StatusCode::OK,
        &OutboxPage {
            t,
            publisher: &state.settings.publisher.name,
            nav: DeskNav::new(&state, &signed_in, "outbox", None).await?,
            counts: counts
                .into_iter()
                .map(|(s, n)| (outbox_state_label(t, &s), n))
                .collect(),
            in_flight,
            dead: dead.into_iter().map(DeadMessage::from).collect(),
        },
    )?)
}

/// How many received emails the admins' page lists.
const RECEIVED_MAIL_SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "dashboard/mail.html")]
pub struct ReceivedMailPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub mails: Vec<ReceivedMail>,
    pub retention_days: u32,
}

pub struct ReceivedMail {
    pub id: i64,
    pub at: String,
    pub outcome: String,
    pub reason: String,
    pub size: i64,
    pub report: String,
    pub kept: bool,
}

/// `GET /desk/mail` (admins): what the mail gateway received, stored or not (refused, ignored),
/// with a link to each raw message while it is kept.
pub async fn received_mail(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let recent = crate::channels::service::recent_mail(&state.db, RECEIVED_MAIL_SHOWN)
        .await
        .map_err(AppError::from)?;
    let mut mails = Vec::with_capacity(recent.len());
    for m in recent {
        let report = match m.row.report_id {
            Some(id) => crate::reports::editorial::tracking_code_of(&state.db, id)
                .await
                .map_err(AppError::from)?
                .unwrap_or_default(),
            None => String::new(),
        };
        mails.push(ReceivedMail {
            id: m.row.id,
            at: m.row.received_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            outcome: m.row.outcome,
            reason: m.row.reason.unwrap_or_default(),
            size: m.row.size_bytes,
            report,
            kept: m.kept,
        });
    }
    Ok(page(
        StatusCode::OK,
        &ReceivedMailPage {
            t: messages(PAGE_LANGUAGE),
            publisher: &state.settings.publisher.name,
            nav: DeskNav::new(&state, &signed_in, "mail", None).await?,
            mails,
            retention_days: state.settings.mail_intake.raw_retention_days,
        },
    )?)
}

/// `GET /desk/mail/{id}` (admins): one received email as it arrived, as plain text.
pub async fn received_mail_raw(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let raw = crate::channels::service::raw_mail(&state.db, path.into_inner())
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::NotFound("That email is not kept (any more).".into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Content-Disposition", "inline"))
        .body(String::from_utf8_lossy(&raw).into_owned()))
}

/// `POST /desk/outbox/{id}/retry` and `POST /desk/outbox/retry-all` (id 0 means all).
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: Option<web::Path<i64>>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let form: CsrfForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let ids = path.map(|p| vec![p.into_inner()]).unwrap_or_default();
    outbox_admin::retry(&state.db, ids)
        .await
        .map_err(AppError::from)?;
    state.wakeup.wake();
    Ok(see_other("/desk/outbox"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_in_the_dashboard_and_fits_a_header() {
        assert_eq!(
            safe_next(Some("/desk/reports?status=new")),
            "/desk/reports?status=new"
        );
        assert_eq!(safe_next(Some("/desk")), "/desk");
        for refused in [
            "https://evil.example/desk",
            "//evil.example",
            "/desk//evil.example",
            "/desk\\x",
            "/desk/x\r\nSet-Cookie: a=b",
            "/desk/x\ty",
            "/desk/a b",
            "/desk/caf\u{e9}",
            "/deskx",
        ] {
            assert_eq!(safe_next(Some(refused)), HOME, "{refused:?}");
        }
        assert_eq!(safe_next(None), HOME);
    }
}
