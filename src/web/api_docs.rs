//! The API's description: the OpenAPI document (`GET /api/v1/openapi.json`), collected by
//! utoipa-actix-web from the routes `startup` registers, and its reference page (`/api/docs`),
//! Swagger UI served from the copy compiled into the binary: nothing comes from another site.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The document's frame; the paths and their schemas come from the route table.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "disinfo-desk",
        description = "Readers report news articles they believe are false or misleading \
            (the public API); editors work the reports (the editor API under /api/v1/desk, \
            with `Authorization: Bearer <token>` from `disinfo-desk token create`). Every error \
            answers `{error, message, fields}`: `error` a stable snake_case kind, `message` for \
            people, `fields` (validation and unreadable fields only) the messages per field."
    ),
    components(schemas(ErrorResponse)),
    modifiers(&BearerScheme),
    tags(
        (name = "reports", description = "The public API: readers and partner tools report an article and follow the report."),
        (name = "corrections", description = "The public corrections log and each article's correction notice (schema.org JSON-LD), for readers, feeds and the publisher's CMS."),
        (name = "desk", description = "The editor API: bearer token."),
        (name = "meta", description = "This description.")
    )
)]
pub struct ApiDoc;

/// The name of the security scheme every `/api/v1/desk` operation requires.
pub const BEARER: &str = "bearer";

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi
            .components
            .get_or_insert_with(utoipa::openapi::Components::new);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some(
            "An API token (`disinfo-desk token create EMAIL --name NAME`), shown once when made."
                .into(),
        );
        components.add_security_scheme(BEARER, SecurityScheme::Http(scheme));
    }
}

/// Every error answer of the API (see `crate::error`).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "error": "validation_failed",
    "message": "some fields are not valid",
    "fields": {"explanation": ["Please explain what is wrong (at least 10 characters)."]}
}))]
pub struct ErrorResponse {
    /// The kind, stable for programs: `malformed_request`, `not_found`, `payload_too_large`,
    /// `unsupported_media_type`, `validation_failed`, `idempotency_key_reused`,
    /// `illegal_transition`, `conflict`, `unauthorized`, `forbidden`, `rate_limited`,
    /// `unavailable`.
    pub error: String,
    /// For people.
    pub message: String,
    /// The messages per field, when fields are at fault.
    #[schema(required = false)]
    pub fields: Option<BTreeMap<String, Vec<String>>>,
}

/// The document as served, serialised once at start-up.
#[derive(Clone)]
pub struct Document(pub Arc<String>);

impl Document {
    pub fn new(openapi: &utoipa::openapi::OpenApi) -> anyhow::Result<Self> {
        Ok(Self(Arc::new(openapi.to_pretty_json()?)))
    }
}

/// `GET /api/v1/openapi.json`: this API's OpenAPI 3.1 document.
#[utoipa::path(
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "This document.", content_type = "application/json", body = Object))
)]
#[get("/openapi.json")]
pub async fn openapi_json(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.as_str().to_owned())
}

/// The reference page's policy: scripts, styles and the document from this site only; Swagger
/// UI's icons are `data:` images in its stylesheet.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Our own page around Swagger UI: no inline script or style (the initializer is a file too).
const DOCS_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>disinfo-desk API reference</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<noscript><p>This reference needs JavaScript. The description itself is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></noscript>
<main id="swagger-ui"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/initializer.js"></script>
</body>
</html>
"#;

const INITIALIZER: &str = r##"window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
"##;

fn docs_response(content_type: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Security-Policy", DOCS_POLICY))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// `GET /api/docs`: the reference page.
pub async fn docs_page() -> HttpResponse {
    docs_response("text/html; charset=utf-8", DOCS_PAGE.as_bytes().to_vec())
}

/// `GET /api/docs/{file}`: the page's script and styles.
pub async fn docs_asset(file: web::Path<String>) -> HttpResponse {
    match file.as_str() {
        "initializer.js" => docs_response(
            "text/javascript; charset=utf-8",
            INITIALIZER.as_bytes().to_vec(),
        ),
        name @ ("swagger-ui-bundle.js" | "swagger-ui.css") => {
            let config = Arc::new(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"]));
            match utoipa_swagger_ui::serve(name, config) {
                Ok(Some(asset)) => docs_response(&asset.content_type, asset.bytes.into_owned()),
                _ => HttpResponse::NotFound().finish(),
            }
        }
        _ => HttpResponse::NotFound().finish(),
    }
}
