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

const FAVICON_SVG: &str = include_str!("../../templates/static/favicon.svg");

#[get("/favicon.svg")]
pub async fn favicon_svg() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON_SVG)
}

/// Browsers ask for `/favicon.ico` whatever the page links: send them to the SVG, not a 404.
#[get("/favicon.ico")]
pub async fn favicon_ico() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header(("Location", "/favicon.svg"))
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .finish()
}
