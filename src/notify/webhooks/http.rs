//! The admins' webhook page, `/desk/webhooks`: the endpoints, a form to add one (its secret is
//! shown once, on the answer to that form, and never stored anywhere it could be shown again),
//! and for each endpoint remove, or enable again after a 410 Gone disabled it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::service::{self, Registered, Registration};
use super::{Endpoint, EventType, WebhookError};
use crate::dashboard::auth::{self, SignedIn};
use crate::dashboard::pages::DeskNav;
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::FieldErrors;
use crate::web::state::AppState;
use crate::web::{Choice, body, page, see_other};

const PAGE_LANGUAGE: &str = "en";
pub const WEBHOOKS_PAGE: &str = "/desk/webhooks";

impl From<WebhookError> for AppError {
    fn from(error: WebhookError) -> Self {
        match error {
            WebhookError::Invalid(fields) => Self::Validation(fields),
            WebhookError::NotFound => {
                Self::NotFound(messages(PAGE_LANGUAGE).t("desk-webhooks-error-not_found"))
            }
            WebhookError::Randomness => Self::Internal(anyhow::anyhow!(error.to_string())),
            WebhookError::Storage(e) => e.into(),
        }
    }
}

fn require_admin(signed_in: &SignedIn) -> Result<(), AppError> {
    if signed_in.editor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            messages(PAGE_LANGUAGE).t("desk-webhooks-forbidden"),
        ))
    }
}

pub struct EndpointView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub trusted: bool,
    pub created: String,
    pub enabled: bool,
    /// Why and when it was disabled.
    pub disabled: String,
}

impl EndpointView {
    fn of(t: &Messages, endpoint: &Endpoint) -> Self {
        let created_by = endpoint
            .created_by
            .strip_prefix("editor:")
            .map(str::to_string)
            .unwrap_or_else(|| t.t("desk-webhooks-created_by_cli"));
        Self {
            id: endpoint.id,
            url: endpoint.url.clone(),
            events: endpoint
                .events
                .iter()
                .map(|e| e.as_str().to_string())
                .collect(),
            trusted: endpoint.trusted,
            created: t.t_with(
                "desk-webhooks-created_by",
                &[
                    ("who", &created_by),
                    ("when", &crate::dashboard::pages::time(endpoint.created_at)),
                ],
            ),
            enabled: endpoint.enabled,
            disabled: match (&endpoint.disabled_reason, endpoint.disabled_at) {
                (Some(why), Some(at)) => t.t_with(
                    "desk-webhooks-disabled_because",
                    &[("why", why), ("when", &crate::dashboard::pages::time(at))],
                ),
                _ => String::new(),
            },
        }
    }
}

/// The endpoint just added, with its secret: on this one answer only.
pub struct CreatedView {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

/// The add form, with what the admin typed kept after a refusal.
pub struct AddForm {
    pub url: String,
    pub events: Vec<Choice>,
    pub trusted: bool,
    pub errors: FieldErrors,
}

impl AddForm {
    fn new(
        t: &Messages,
        url: String,
        chosen: &[String],
        trusted: bool,
        errors: FieldErrors,
    ) -> Self {
        Self {
            url,
            events: EventType::ALL
                .iter()
                .map(|e| Choice {
                    value: e.as_str().to_string(),
                    label: t.t(e.label_id()),
                    selected: chosen.iter().any(|c| c == e.as_str()),
                })
                .collect(),
            trusted,
            errors,
        }
    }

    fn empty(t: &Messages) -> Self {
        Self::new(t, String::new(), &[], false, FieldErrors::default())
    }
}

#[derive(Template)]
#[template(path = "dashboard/webhooks.html")]
pub struct WebhooksPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub notice: Option<String>,
    pub endpoints: Vec<EndpointView>,
    pub created: Option<CreatedView>,
    pub form: AddForm,
    /// Production: only https:// endpoints.
    pub https_only: bool,
}

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    notice: Option<String>,
    created: Option<CreatedView>,
    form: AddForm,
) -> Result<HttpResponse, HtmlError> {
    let t = messages(PAGE_LANGUAGE);
    let endpoints = service::list(&state.db).await.map_err(AppError::from)?;
    let view = WebhooksPage {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "webhooks", None).await?,
        notice,
        endpoints: endpoints.iter().map(|e| EndpointView::of(t, e)).collect(),
        created,
        form,
        https_only: state.settings.environment == crate::config::Environment::Production,
    };
    Ok(page(status, &view)?)
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

/// `GET /desk/webhooks` (admins).
pub async fn webhooks_page(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let t = messages(PAGE_LANGUAGE);
    let notice = match query.done.as_deref() {
        Some("removed") => Some(t.t("desk-webhooks-done-removed")),
        Some("enabled") => Some(t.t("desk-webhooks-done-enabled")),
        _ => None,
    };
    render(
        &state,
        &signed_in,
        StatusCode::OK,
        notice,
        None,
        AddForm::empty(t),
    )
    .await
}

/// The add form as posted (unknown fields refused, like every dashboard form).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddFormBody {
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    trusted: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /desk/webhooks`: registers an endpoint and answers with its secret, once. The answer is
/// the page itself, not a redirect: the secret is kept nowhere (not even in the session) to be
/// shown again.
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let form: AddFormBody =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let trusted = form.trusted.is_some();
    let input = Registration {
        url: form.url.clone(),
        events: form.events.clone(),
        trusted,
    };
    match service::register(&state.db, &state.webhooks, input, signed_in.editor.actor()).await {
        Ok(Registered { endpoint, secret }) => {
            let created = CreatedView {
                id: endpoint.id,
                url: endpoint.url,
                secret,
            };
            // `page` answers with Cache-Control: no-store: no cache keeps the secret either.
            render(
                &state,
                &signed_in,
                StatusCode::CREATED,
                None,
                Some(created),
                AddForm::empty(t),
            )
            .await
        }
        Err(WebhookError::Invalid(errors)) => {
            let form = AddForm::new(t, form.url, &form.events, trusted, errors);
            render(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                form,
            )
            .await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// `POST /desk/webhooks/{id}/remove`.
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let form: CsrfForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    service::remove(&state.db, path.into_inner())
        .await
        .map_err(AppError::from)?;
    Ok(see_other(&format!("{WEBHOOKS_PAGE}?done=removed")))
}

/// `POST /desk/webhooks/{id}/enable`: deliveries again, from the next event.
pub async fn enable(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let form: CsrfForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let id = path.into_inner();
    service::enable(&state.db, id)
        .await
        .map_err(AppError::from)?;
    Ok(see_other(&format!(
        "{WEBHOOKS_PAGE}?done=enabled#endpoint-{id}"
    )))
}
