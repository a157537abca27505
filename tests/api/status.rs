use serde_json::Value;

use crate::helpers::{spawn_app, valid_report};

async fn submit(app: &crate::helpers::TestApp) -> String {
    let response = app.post_report(&valid_report()).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

#[tokio::test]
async fn the_status_page_shows_the_public_status_and_no_personal_data() {
    let app = spawn_app().await;
    let code = submit(&app).await;
    let response = app.get(&format!("/status/{code}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains(&code));
    assert!(html.contains("Received"));
    assert!(html.contains("https://www.example.com/world/2026/11/flood-figures"));
    for private in [
        "Ana Reader",
        "ana@example.org",
        "1,000 people",
        "10,000 people",
        "gov.example.org",
    ] {
        assert!(!html.contains(private), "status page leaks {private:?}");
    }
}

#[tokio::test]
async fn the_api_status_matches_and_keeps_personal_data_out() {
    let app = spawn_app().await;
    let code = submit(&app).await;
    let response = app
        .get(&format!("/api/v1/reports/{}", code.to_lowercase()))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["tracking_code"], code.as_str());
    assert_eq!(body["status"], "received");
    assert_eq!(body["public_status"], "Received");
    assert_eq!(body["category"], "false_claim");
    assert!(
        body["received_at"]
            .as_str()
            .is_some_and(|t| t.ends_with("+00:00"))
    );
    let text = body.to_string();
    for private in ["Ana Reader", "ana@example.org", "explanation", "passage"] {
        assert!(!text.contains(private), "API status leaks {private:?}");
    }
}

#[tokio::test]
async fn unknown_and_malformed_codes_are_404() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/reports/K7QXM2-PDH9TA",
        "/api/v1/reports/not-a-code",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "not_found");
    }
    let response = app.get("/status/K7QXM2-PDH9TA").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.expect("html");
    assert!(html.contains("We found no report with that tracking code"));
    assert!(
        html.contains(r#"value="K7QXM2-PDH9TA""#),
        "the lookup form keeps the code"
    );
}

#[tokio::test]
async fn the_lookup_form_accepts_what_people_type() {
    let app = spawn_app().await;
    let code = submit(&app).await;
    let typed = code.to_lowercase().replace('-', " ");
    let response = app
        .get(&format!("/status?code={}", typed.replace(' ', "+")))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"].to_str().expect("ascii"),
        format!("/status/{code}")
    );

    let response = app.get("/status?code=hello").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("A tracking code has 12 letters")
    );

    let response = app.get("/status").await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains(r#"<label for="code""#)
    );
}

#[tokio::test]
async fn the_thank_you_page_needs_a_real_code() {
    let app = spawn_app().await;
    assert_eq!(app.get("/report/thanks/K7QXM2-PDH9TA").await.status(), 404);
}
