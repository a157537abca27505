//! What every route shares: security headers, client identity, request bodies, pages, assets.

pub mod api_docs;
pub mod assets;
pub mod body;
pub mod brand;
pub mod client;
pub mod embed;
pub mod form_token;
pub mod health;
pub mod language;
pub mod limits;
pub mod metrics;
pub mod request_log;
pub mod state;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::middleware::DefaultHeaders;
use askama::Template;

use crate::error::AppError;

/// Headers on every response. No script runs on our pages, so the policy allows none.
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        // Status pages carry a tracking code in their URL: never leak it to other sites.
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// `Cache-Control: no-store` on every response of a scope (unless a handler says otherwise).
pub fn no_store() -> DefaultHeaders {
    DefaultHeaders::new().add(("Cache-Control", "no-store"))
}

/// 303 See Other: after a form post (so a reload cannot post twice), or to a canonical address.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_string()))
        .finish()
}

/// Renders a page with the given status.
pub fn page(status: StatusCode, template: &impl Template) -> Result<HttpResponse, AppError> {
    let body = template
        .render()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// What frames every public page besides its messages: the publisher's logo and the language
/// chooser.
pub struct Frame {
    pub logo_url: Option<String>,
    pub chooser: language::Chooser,
}

impl Frame {
    pub fn new(settings: &crate::config::Settings, chooser: language::Chooser) -> Self {
        Self {
            logo_url: settings.publisher.logo_url.clone(),
            chooser,
        }
    }
}

/// A choice in a select, a set of radio buttons or checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// The report categories in words, `selected` checked: the public form's and the editors'
    /// entry form's radio buttons.
    pub fn categories(t: &crate::i18n::Messages, selected: &str) -> Vec<Choice> {
        crate::reports::Category::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.as_str().to_string(),
                label: t.t(c.label_id()),
                selected: selected == c.as_str(),
            })
            .collect()
    }
}
