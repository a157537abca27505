//! What a publisher puts on its article pages: an optional script that adds a "Report this
//! article" button (labelled in each offered language, from the Fluent messages) and its
//! optional stylesheet. The plain link it builds works without it (docs/EMBED.md).

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::web::language;
use crate::web::state::AppState;

#[derive(Template)]
// JavaScript: values arrive as JSON, so no HTML escaping.
#[template(path = "embed/report-button.js", escape = "none")]
struct ReportButtonScript {
    desk_url: String,
    desk_url_json: String,
    labels_json: String,
    default_json: String,
}

fn json(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

/// `GET /embed/report-button.js`.
pub async fn report_button_js(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let settings = &state.settings;
    let desk_url = settings.server.public_url.trim_end_matches('/').to_string();
    let labels: std::collections::BTreeMap<&str, String> = language::offered(settings)
        .into_iter()
        .map(|tag| (tag, crate::i18n::messages(tag).t("embed-button")))
        .collect();
    let script = ReportButtonScript {
        desk_url_json: json(&desk_url)?,
        desk_url,
        labels_json: json(&labels)?,
        default_json: json(&settings.i18n.default)?,
    };
    let body = script
        .render()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    Ok(HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        // Loaded by the publisher's pages, on another origin.
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .body(body))
}

const REPORT_BUTTON_CSS: &str = include_str!("../../templates/embed/report-button.css");

/// `GET /embed/report-button.css`.
pub async fn report_button_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .body(REPORT_BUTTON_CSS)
}
