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

/// Creates an editor of the world desk and returns a live API token.
async fn editor_token(app: &crate::helpers::TestApp) -> String {
    use disinfo_desk::dashboard::{self, accounts::Role};
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let routing =
            disinfo_desk::routing::load_and_sync(&db, std::path::Path::new("config/routing.toml"))
                .expect("routing");
        dashboard::create_user(
            &db,
            &routing,
            "ed@example.com",
            "Ed",
            Role::Editor,
            "a long and unusual passphrase",
            &["world".to_string()],
        )
        .expect("user");
        dashboard::create_token(&db, "ed@example.com", "tests")
            .expect("token")
            .1
    })
    .await
    .expect("task")
}

async fn transition(app: &crate::helpers::TestApp, token: &str, code: &str, body: Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/desk/reports/{code}/transition")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

const PUBLIC_NOTE: &str = "We corrected the evacuation figure to 1,000 in the second paragraph.";
const INTERNAL_NOTE: &str = "Confirmed by phone with the agency press office (ask Kim).";
const CORRECTION: &str = "https://www.example.com/corrections/2026-11-27";

#[tokio::test]
async fn a_decided_report_shows_the_outcome_the_note_to_the_reader_and_the_correction() {
    let app = spawn_app().await;
    let token = editor_token(&app).await;
    let code = submit(&app).await;
    let before: Value = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json()
        .await
        .expect("json");
    assert!(before.get("public_note").is_none() && before.get("correction_url").is_none());

    transition(
        &app,
        &token,
        &code,
        serde_json::json!({"to": "corrected", "public_note": PUBLIC_NOTE,
            "internal_note": INTERNAL_NOTE, "correction_url": CORRECTION}),
    )
    .await;

    let html = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Corrected"));
    assert!(
        html.contains("The article has been corrected."),
        "the outcome in words"
    );
    assert!(html.contains(PUBLIC_NOTE), "the note to the reader");
    assert!(
        html.contains(&format!(
            r#"<a href="{CORRECTION}" rel="noopener noreferrer">{CORRECTION}</a>"#
        )),
        "the correction's link: {html}"
    );
    for private in [
        INTERNAL_NOTE,
        "Ana Reader",
        "ana@example.org",
        "ed@example.com",
    ] {
        assert!(!html.contains(private), "status page leaks {private:?}");
    }

    let body: Value = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["status"], "corrected");
    assert_eq!(body["public_note"], PUBLIC_NOTE);
    assert_eq!(body["correction_url"], CORRECTION);
    let text = body.to_string();
    for private in [INTERNAL_NOTE, "Ana Reader", "ana@example.org"] {
        assert!(!text.contains(private), "API status leaks {private:?}");
    }

    // Reopened: under review again, and the former answer is no longer the answer.
    transition(
        &app,
        &token,
        &code,
        serde_json::json!({"to": "reopened", "internal_note": "The reader appealed."}),
    )
    .await;
    let html = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Under review"));
    assert!(!html.contains(PUBLIC_NOTE) && !html.contains(CORRECTION));
    let body: Value = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json()
        .await
        .expect("json");
    assert!(body.get("public_note").is_none(), "{body}");
}

#[tokio::test]
async fn the_status_page_links_only_to_web_addresses() {
    use diesel::prelude::*;
    use disinfo_desk::storage::schema::reports;
    let app = spawn_app().await;
    let token = editor_token(&app).await;
    let code = submit(&app).await;
    transition(
        &app,
        &token,
        &code,
        serde_json::json!({"to": "corrected", "public_note": PUBLIC_NOTE, "correction_url": CORRECTION}),
    )
    .await;
    // Whatever reached the database some other way (an import, an old version) is checked again.
    let target = code.clone();
    app.query(move |conn| {
        diesel::update(reports::table.filter(reports::tracking_code.eq(target)))
            .set(reports::correction_url.eq("javascript:alert(1)"))
            .execute(conn)
    })
    .await;
    let html = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains(PUBLIC_NOTE));
    assert!(!html.contains("javascript:"), "{html}");
    let body: Value = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json()
        .await
        .expect("json");
    assert!(body.get("correction_url").is_none());
}

async fn thanks_page(app: &crate::helpers::TestApp, report: &Value) -> String {
    let response = app.post_report(report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let code = body["tracking_code"].as_str().expect("code");
    let response = app.get(&format!("/report/thanks/{code}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains(code));
    html
}

#[tokio::test]
async fn the_thank_you_page_recaps_the_report_and_says_what_happens_next() {
    let app = spawn_app().await;
    let html = thanks_page(&app, &valid_report()).await;
    assert!(html.contains("https://www.example.com/world/2026/11/flood-figures"));
    assert!(html.contains("A false claim"), "the category");
    assert!(
        html.contains("A confirmation with your tracking code is on its way"),
        "{html}"
    );
    assert!(
        html.contains("we email you the outcome"),
        "they asked to be told"
    );
    assert!(html.contains("Our editors usually respond within 3 days."));
    // Anyone with the code may open this page: only what the status page shows.
    for private in [
        "Ana Reader",
        "ana@example.org",
        "10,000 people",
        "1,000 people",
        "gov.example.org",
    ] {
        assert!(!html.contains(private), "thank-you page leaks {private:?}");
    }

    let mut anonymous = valid_report();
    anonymous["reporter_name"] = Value::Null;
    anonymous["reporter_email"] = Value::Null;
    anonymous["wants_outcome"] = Value::Bool(false);
    let html = thanks_page(&app, &anonymous).await;
    assert!(html.contains("You gave no email address"), "{html}");
    assert!(html.contains("the status page shows the outcome"));
    assert!(!html.contains("is on its way"));
}

#[tokio::test]
async fn the_thank_you_page_says_when_the_daily_cap_skipped_the_confirmation() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.notify.acks_per_address_per_day = 1;
        s.intake.usual_response_days = 1;
    })
    .await;
    let first = thanks_page(&app, &valid_report()).await;
    assert!(first.contains("is on its way"));
    assert!(first.contains("Our editors usually respond within a day."));
    let second = thanks_page(&app, &valid_report()).await;
    assert!(
        second.contains("already received the most confirmations we send in a day"),
        "{second}"
    );
    assert!(!second.contains("is on its way"));
}

#[tokio::test]
async fn no_response_time_is_promised_when_none_is_configured() {
    let app = crate::helpers::spawn_app_with(|s| s.intake.usual_response_days = 0).await;
    let html = thanks_page(&app, &valid_report()).await;
    assert!(!html.contains("usually respond"));
}
