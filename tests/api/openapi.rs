//! The API's description: `GET /api/v1/openapi.json` against the route table, the bearer scheme
//! and the validation limits; the reference page at `/api/docs` and its assets, from our origin.

use std::collections::BTreeSet;

use disinfo_desk::dashboard::accounts::Role;
use serde_json::Value;

use crate::editor_api::editor_token;
use crate::helpers::{TestApp, spawn_app, valid_report};

/// The API's route table (ARCHITECTURE "HTTP surface"): every route under `/api/v1`, as
/// (method, path template). A route added to the server but not here, or documented but not
/// served, fails below.
const ROUTE_TABLE: &[(&str, &str)] = &[
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/reports/{code}"),
    ("get", "/api/v1/desk/reports"),
    ("post", "/api/v1/desk/reports"),
    ("get", "/api/v1/desk/reports/{code}"),
    ("post", "/api/v1/desk/reports/{code}/transition"),
    ("post", "/api/v1/desk/reports/{code}/assign"),
    ("post", "/api/v1/desk/reports/{code}/notes"),
    ("post", "/api/v1/desk/reports/{code}/article"),
    ("post", "/api/v1/desk/reports/{code}/erase-reporter"),
    ("get", "/api/v1/desk/articles"),
    ("post", "/api/v1/desk/articles/{id}/resolve"),
    ("get", "/api/v1/desk/outbox/dead"),
    ("post", "/api/v1/desk/outbox/{id}/retry"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    response.json().await.expect("the document is JSON")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                found.insert((method.to_string(), path.clone()));
            }
        }
    }
    found
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "no schema {name}");
    schema
}

#[tokio::test]
async fn the_document_describes_exactly_the_api_route_table() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let table: BTreeSet<(String, String)> = ROUTE_TABLE
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let documented = operations(&doc);
    let undocumented: Vec<_> = table.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&table).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "in the route table, not documented: {undocumented:?}; documented, not in the table: {unknown:?}"
    );

    // Every operation of the table is served, and no other method on its path is: each answer
    // comes from a handler, never from the fallback for unknown routes.
    let token = editor_token(&app, "routes@example.com", Role::Admin, &[]).await;
    let report: Value = app.post_report(&valid_report()).await.json().await.unwrap();
    let code = report["tracking_code"].as_str().unwrap().to_string();
    let fallback: Value = app.get("/api/v1/no-such-route").await.json().await.unwrap();
    for (_, template) in ROUTE_TABLE {
        let path = template.replace("{code}", &code).replace("{id}", "999999");
        for other in METHODS {
            let response = app
                .client
                .request(other.to_uppercase().parse().unwrap(), app.url(&path))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let from_fallback = status == 404 && body["message"] == fallback["message"];
            let documented = documented.contains(&(other.to_string(), template.to_string()));
            if documented {
                assert!(
                    !from_fallback && status != 405,
                    "{other} {template} is documented but not served ({status} {body})"
                );
            } else {
                assert!(
                    from_fallback || status == 405,
                    "{other} {template} is served ({status}) but not documented"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_editor_api_needs_the_bearer_scheme_and_the_public_api_does_not() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    for (method, path) in ROUTE_TABLE {
        let operation = &doc["paths"][path][method];
        let security = operation["security"].as_array();
        if path.starts_with("/api/v1/desk/") {
            let security = security.unwrap_or_else(|| panic!("{method} {path}: no security"));
            assert!(
                security.iter().any(|s| s.get("bearer").is_some()),
                "{method} {path}: {security:?}"
            );
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path}: no 401"
            );
        } else {
            assert!(security.is_none(), "{method} {path} asks for a token");
        }
        // Every error an operation documents has the one error shape.
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorResponse",
                    "{method} {path} {status}"
                );
            }
        }
    }
    let error = schema(&doc, "ErrorResponse");
    let required: Vec<&str> = error["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(required, ["error", "message"]);
    assert!(error["properties"]["fields"].is_object());
}

#[tokio::test]
async fn the_validation_limits_are_schema_constraints() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let create = &doc["paths"]["/api/v1/reports"]["post"];
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ReportInput"
    );
    for status in ["201", "400", "413", "415", "422", "429", "503"] {
        assert!(
            create["responses"][status].is_object(),
            "POST /api/v1/reports does not document {status}"
        );
    }
    let input = schema(&doc, "ReportInput");
    let fields = &input["properties"];
    assert_eq!(fields["explanation"]["maxLength"], 5000);
    assert_eq!(fields["explanation"]["minLength"], 10);
    assert_eq!(fields["passage"]["maxLength"], 2000);
    assert_eq!(fields["evidence_urls"]["maxItems"], 5);
    assert_eq!(fields["reporter_name"]["maxLength"], 200);
    assert_eq!(fields["reporter_email"]["maxLength"], 254);
    assert_eq!(input["additionalProperties"], false);
    assert_eq!(
        fields["category"]["$ref"], "#/components/schemas/Category",
        "{fields}"
    );
    let categories: Vec<&str> = schema(&doc, "Category")["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(categories.contains(&"false_claim") && categories.contains(&"other"));
    let statuses = schema(&doc, "ReportStatus")["enum"].as_array().unwrap();
    assert!(statuses.iter().any(|s| s == "investigating"));
    let channels = schema(&doc, "Channel")["enum"].as_array().unwrap();
    assert!(channels.iter().any(|c| c == "in_person"));
    // The list endpoints' query.
    let params: Vec<&str> = doc["paths"]["/api/v1/desk/reports"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in [
        "status", "desk", "category", "channel", "assignee", "before", "limit",
    ] {
        assert!(params.contains(&name), "no query parameter {name}");
    }
}

#[tokio::test]
async fn the_reference_page_loads_everything_from_our_origin_under_the_policy() {
    let app = spawn_app().await;
    let response = app.get("/api/docs").await;
    assert_eq!(response.status().as_u16(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("unsafe"), "{policy}");
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>"), "an inline script");
    assert!(!html.contains("style="), "an inline style");
    let mut assets = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for piece in html.split(attribute).skip(1) {
            let target = piece.split('"').next().unwrap();
            assert!(
                target.starts_with('/') && !target.starts_with("//"),
                "{target} is not on our origin"
            );
            assets.push(target.to_string());
        }
    }
    for expected in [
        "/api/docs/swagger-ui.css",
        "/api/docs/swagger-ui-bundle.js",
        "/api/docs/initializer.js",
    ] {
        assert!(assets.iter().any(|a| a == expected), "{expected} not used");
    }
    for asset in assets {
        let response = app.get(&asset).await;
        assert_eq!(response.status().as_u16(), 200, "{asset}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let body = response.bytes().await.unwrap();
        assert!(!body.is_empty(), "{asset}");
        if asset.ends_with(".js") {
            assert!(kind.contains("javascript"), "{asset}: {kind}");
        }
        if asset.ends_with(".css") {
            assert!(kind.starts_with("text/css"), "{asset}: {kind}");
        }
        if asset == "/api/docs/initializer.js" {
            let script = String::from_utf8_lossy(&body);
            assert!(script.contains("\"/api/v1/openapi.json\""), "{script}");
        }
    }
    assert_eq!(
        app.get("/api/docs/secrets.txt").await.status().as_u16(),
        404
    );
    // The public pages keep the policy that runs no script at all.
    let form = app.get("/report").await;
    let policy = form.headers()["content-security-policy"].to_str().unwrap();
    assert!(!policy.contains("script-src"), "{policy}");
}
