//! The editor's own password: `GET/POST /desk/account/password`. A change ends every other
//! session of the account and revokes its API tokens; this browser stays signed in.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::accounts::{self, PasswordError};
use super::auth::{self, SignIn, SignedIn};
use super::pages::{DeskNav, set_flash};
use super::{AccountError, Ended};
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::FieldErrors;
use crate::web::state::AppState;
use crate::web::{body, client, page, see_other};

const PAGE_LANGUAGE: &str = "en";
const PAGE: &str = "/desk/account/password";

#[derive(Template)]
#[template(path = "dashboard/password.html")]
pub struct PasswordPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub errors: FieldErrors,
    pub message: Option<String>,
}

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    page(
        status,
        &PasswordPage {
            t: messages(PAGE_LANGUAGE),
            publisher: &state.settings.publisher.name,
            nav: DeskNav::new(state, signed_in, "account", None).await?,
            errors,
            message,
        },
    )
}

/// `GET /desk/account/password`.
pub async fn form(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    Ok(render(
        &state,
        &signed_in,
        StatusCode::OK,
        FieldErrors::default(),
        None,
    )
    .await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

fn policy_message(t: &Messages, error: &PasswordError) -> String {
    match error {
        PasswordError::TooShort => t.t_with(
            "desk-password-error-too_short",
            &[("min", &accounts::MIN_PASSWORD_CHARS.to_string())],
        ),
        PasswordError::TooLong => t.t_with(
            "desk-password-error-too_long",
            &[("max", &accounts::MAX_PASSWORD_CHARS.to_string())],
        ),
        PasswordError::Common => t.t("desk-password-error-common").to_string(),
        PasswordError::Hash(_) => t.t("error-internal-title").to_string(),
    }
}

/// What is wrong with the form before any password is checked (checking one costs a try).
fn form_errors(t: &Messages, form: &PasswordForm) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if form.current_password.is_empty() {
        errors.add(
            "current_password",
            t.t("desk-password-error-current_missing"),
        );
    }
    if let Err(e) = accounts::check_password_policy(&form.new_password) {
        errors.add("new_password", policy_message(t, &e));
    } else if form.new_password == form.current_password {
        errors.add("new_password", t.t("desk-password-error-same"));
    }
    if form.new_password_again != form.new_password {
        errors.add("new_password_again", t.t("desk-password-error-mismatch"));
    }
    errors
}

/// `POST /desk/account/password`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let form: PasswordForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let errors = form_errors(t, &form);
    if !errors.is_empty() {
        return Ok(render(
            &state,
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
        .await?);
    }
    let client_hash = client::client_key(&req, &state.settings);
    let editor = &signed_in.editor;
    match auth::confirm_password(
        &state.db,
        &state.settings.dashboard,
        editor,
        form.current_password,
        client_hash.clone(),
    )
    .await
    .map_err(AppError::from)?
    {
        SignIn::Accepted(_) => {}
        SignIn::Refused => {
            let errors =
                FieldErrors::single("current_password", t.t("desk-password-error-current_wrong"));
            return Ok(render(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
            )
            .await?);
        }
        SignIn::Throttled { retry_after_secs } => {
            let message = t.t_with(
                "desk-login-throttled",
                &[("seconds", &retry_after_secs.to_string())],
            );
            let mut response = render(
                &state,
                &signed_in,
                StatusCode::TOO_MANY_REQUESTS,
                FieldErrors::default(),
                Some(message),
            )
            .await?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            return Ok(response);
        }
    }
    let ended: Ended =
        super::change_own_password(&state.db, editor, form.new_password, client_hash)
            .await
            .map_err(|e| match e {
                AccountError::Storage(e) => AppError::from(e),
                other => AppError::Internal(other.into()),
            })?;
    // Every session of the account is gone, this one included: it comes back under a new id.
    auth::keep_this_session(&signed_in.session);
    // This session was one of those ended; the editor hears of the others.
    let others = ended.sessions.saturating_sub(1);
    set_flash(
        &signed_in.session,
        t.t_with(
            "desk-password-changed",
            &[
                ("sessions", &others.to_string()),
                ("tokens", &ended.tokens.to_string()),
            ],
        ),
    )?;
    Ok(see_other(PAGE))
}
