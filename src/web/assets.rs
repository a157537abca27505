//! Static files, embedded in the binary so that one file is the whole service.

use actix_web::{HttpResponse, get};

const SITE_CSS: &str = include_str!("../../templates/static/site.css");

#[get("/static/site.css")]
pub async fn site_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SITE_CSS)
}
