//! The one place where errors become HTTP responses: JSON for the API, an HTML page for people.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde::Serialize;

use crate::i18n::{Messages, messages};
use crate::reports::{FieldErrors, ReportError};
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read (bad JSON, wrong field type, unknown field, bad header).
    #[error("{message}")]
    Malformed {
        message: String,
        fields: FieldErrors,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("send this as {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("some fields are not valid")]
    Validation(FieldErrors),
    #[error("this Idempotency-Key was already used with a different request body")]
    IdempotencyKeyReused,
    /// A state conflict: an illegal transition, or a change by someone else meanwhile.
    #[error("{message}")]
    Conflict { kind: &'static str, message: String },
    #[error("sign in first: send Authorization: Bearer <token>")]
    Unauthorized,
    /// A dashboard page without a signed-in session: pages redirect to the sign-in form.
    #[error("please sign in")]
    SignInRequired { next: String },
    /// Too many requests (reports from one client or on one article): wait before the next.
    #[error("{message}")]
    RateLimited {
        retry_after_secs: u64,
        message: String,
    },
    #[error("{0}")]
    Forbidden(String),
    #[error("the service is temporarily unavailable; please try again shortly")]
    Unavailable(#[source] anyhow::Error),
    #[error("something went wrong on our side; please try again")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::Malformed {
            message: message.into(),
            fields: FieldErrors::default(),
        }
    }

    /// The machine-readable kind, stable for API clients.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "malformed_request",
            Self::NotFound(_) => "not_found",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::Conflict { kind, .. } => kind,
            Self::Unauthorized | Self::SignInRequired { .. } => "unauthorized",
            Self::RateLimited { .. } => "rate_limited",
            Self::Forbidden(_) => "forbidden",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Self::Malformed { fields, .. } if !fields.is_empty() => Some(fields),
            Self::Validation(fields) => Some(fields),
            _ => None,
        }
    }

    fn log(&self) {
        match self {
            Self::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            // A known outage was logged when it began: one line per request would drown it.
            Self::Unavailable(cause)
                if matches!(
                    cause.downcast_ref::<StorageError>(),
                    Some(StorageError::Unreachable(_))
                ) =>
            {
                tracing::debug!(error = %cause, "service unavailable")
            }
            Self::Unavailable(cause) => tracing::warn!(error = %cause, "service unavailable"),
            _ => {}
        }
    }
}

impl From<ReportError> for AppError {
    fn from(error: ReportError) -> Self {
        match error {
            ReportError::Invalid(fields) => Self::Validation(fields),
            ReportError::IdempotencyMismatch => Self::IdempotencyKeyReused,
            ReportError::NotFound => Self::NotFound("No report has that tracking code.".into()),
            ReportError::IllegalTransition { from, to } => Self::Conflict {
                kind: "illegal_transition",
                message: format!(
                    "A report that is {from} cannot become {to}; from {from} it can become: {}.",
                    from.next()
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            ReportError::Conflict => Self::Conflict {
                kind: "conflict",
                message: error.to_string(),
            },
            ReportError::Storage(e) => e.into(),
            ReportError::Randomness(e) => Self::Internal(e.into()),
        }
    }
}

impl From<crate::evidence::EvidenceError> for AppError {
    fn from(error: crate::evidence::EvidenceError) -> Self {
        use crate::evidence::EvidenceError;
        match error {
            EvidenceError::NotFound => Self::NotFound("No article has that id.".into()),
            EvidenceError::NoAddress => Self::Conflict {
                kind: "no_address",
                message: error.to_string(),
            },
            EvidenceError::Setup(e) => Self::Internal(anyhow::anyhow!(e)),
            EvidenceError::Storage(e) => e.into(),
        }
    }
}

impl From<crate::articles::corrections::CorrectionError> for AppError {
    fn from(error: crate::articles::corrections::CorrectionError) -> Self {
        use crate::articles::corrections::CorrectionError;
        match error {
            CorrectionError::Invalid(fields) => Self::Validation(fields),
            CorrectionError::NotFound => Self::NotFound(error.to_string()),
            CorrectionError::Storage(e) => e.into(),
        }
    }
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        if error.is_unavailable() {
            Self::Unavailable(error.into())
        } else {
            Self::Internal(error.into())
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a FieldErrors>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Malformed { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) | Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unauthorized | Self::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let mut response = HttpResponse::build(self.status_code());
        if let Self::Unavailable(cause) = self {
            // A full write queue drains in milliseconds; an outage takes longer.
            let after = match cause.downcast_ref::<StorageError>() {
                Some(StorageError::QueueFull) => "1",
                _ => "5",
            };
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static(after)));
        }
        if let Self::RateLimited {
            retry_after_secs, ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if matches!(self, Self::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(ErrorBody {
            error: self.kind(),
            message: self.to_string(),
            fields: self.fields(),
        })
    }
}

/// The same errors, for pages people read.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct HtmlError(#[from] pub AppError);

impl From<ReportError> for HtmlError {
    fn from(error: ReportError) -> Self {
        Self(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub t: &'a Messages,
    pub frame: crate::web::Frame,
    pub publisher: &'a str,
    pub title: String,
    pub message: String,
    /// A dashboard page: a link back to the dashboard, not to the public form, and no reader's
    /// privacy footer.
    pub desk: bool,
    pub privacy_days: u32,
}

/// Where an error page is shown: filled in from the request by [`error_page_context`].
pub struct ErrorContext<'a> {
    pub publisher: &'a str,
    pub desk: bool,
    pub privacy_days: u32,
    /// The reader's language (the dashboard's is English), with its chooser.
    pub t: &'static Messages,
    pub frame: crate::web::Frame,
}

impl HtmlError {
    /// The page for this error, for the place it is shown in.
    pub fn page(&self, context: ErrorContext<'_>) -> HttpResponse {
        if let AppError::SignInRequired { next } = &self.0 {
            let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/desk/login?next={next}")))
                .finish();
        }
        let t = context.t;
        let title_id = match self.0 {
            AppError::NotFound(_) => "error-not_found-title",
            AppError::Unavailable(_) => "error-unavailable-title",
            AppError::Internal(_) => "error-internal-title",
            AppError::Forbidden(_) => "error-forbidden-title",
            _ => "error-bad_request-title",
        };
        let page = ErrorPage {
            t,
            frame: context.frame,
            publisher: context.publisher,
            title: t.t(title_id).to_string(),
            message: match &self.0 {
                // Say what is wrong with which field, not just that something is.
                AppError::Validation(fields) => fields
                    .fields()
                    .flat_map(|f| {
                        fields
                            .get(f)
                            .iter()
                            .map(move |m| crate::reports::labelled(t, f, m))
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                // Our own words for what is ours, in the reader's language.
                AppError::Unavailable(_) => t.t("error-unavailable-message"),
                AppError::Internal(_) => t.t("error-internal-message"),
                AppError::PayloadTooLarge { .. } => t.t("error-too_large-message"),
                other => other.to_string(),
            },
            desk: context.desk,
            privacy_days: context.privacy_days,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("<h1>{}</h1>", t.t(title_id)));
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self.0, AppError::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        response.content_type("text/html; charset=utf-8").body(body)
    }
}

impl ResponseError for HtmlError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    /// Without the request at hand: the middleware [`error_page_context`] renders it again with
    /// the publisher's name and the place (dashboard or public).
    fn error_response(&self) -> HttpResponse {
        self.0.log();
        self.page(ErrorContext {
            publisher: "",
            desk: false,
            privacy_days: crate::config::DEFAULT_REPORTER_RETENTION_DAYS,
            t: messages(crate::i18n::FALLBACK),
            frame: crate::web::Frame {
                logo_url: None,
                chooser: crate::web::language::Chooser::none(),
            },
        })
    }
}

/// Middleware: an HTML error page gets the publisher's name, and on the dashboard its own links.
pub async fn error_page_context(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<HtmlError>())
        .filter(|e| !matches!(e.0, AppError::SignInRequired { .. }))
        .and_then(|e| {
            let state = res
                .request()
                .app_data::<actix_web::web::Data<crate::web::state::AppState>>()?;
            let desk = res.request().path().starts_with("/desk");
            let (t, chooser) = if desk {
                (messages("en"), crate::web::language::Chooser::none())
            } else {
                let lang = crate::web::language::PageLanguage::of(res.request(), &state.settings);
                (lang.messages, lang.chooser)
            };
            Some(e.page(ErrorContext {
                publisher: &state.settings.publisher.name,
                desk,
                privacy_days: state.settings.privacy.reporter_retention_days,
                t,
                frame: crate::web::Frame::new(&state.settings, chooser),
            }))
        });
    Ok(match page {
        Some(page) => res.into_response(page),
        None => res.map_into_boxed_body(),
    })
}
