//! Deciding with confidence: the note to the reader and the internal note are distinct (on the
//! forms, the API, the timeline and the outcome email), and "resolve all" says what it will do
//! and asks for confirmation before it changes anything.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::dashboard::{self, accounts::Role};
use disinfo_desk::storage::schema::{outbox, reports};
use serde_json::{Value, json};

use crate::helpers::{
    Browser, TestApp, hidden_value, smtp_to, spawn_app, spawn_app_with, valid_report,
};
use crate::smtp_sink::SmtpSink;

const PASSWORD: &str = "a long and unusual passphrase";
const WAIT: Duration = Duration::from_secs(20);
const PUBLIC_NOTE: &str = "We corrected the evacuation figure to 1,000.";
const INTERNAL_NOTE: &str = "Agency press office confirmed by phone; ask Kim for the recording.";
const CORRECTION: &str = "https://www.example.com/corrections/2026-11-27";

/// An editor of the world desk: a signed-in browser and an API token.
async fn editor(app: &TestApp) -> (Browser<'_>, String) {
    let db = app.db.clone();
    let token = tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        dashboard::create_user(
            &db,
            &routing,
            "writer@example.com",
            "Writer",
            Role::Editor,
            PASSWORD,
            &["world".to_string()],
        )
        .expect("user");
        dashboard::create_token(&db, "writer@example.com", "tests")
            .expect("token")
            .1
    })
    .await
    .expect("task");
    let mut browser = Browser::new(app);
    assert_eq!(
        browser
            .sign_in("writer@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    (browser, token)
}

async fn submit(app: &TestApp, path: &str, email: Option<&str>, wants_outcome: bool) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report["reporter_email"] = json!(email);
    report["wants_outcome"] = json!(wants_outcome);
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

async fn status_of(app: &TestApp, code: &str) -> String {
    let code = code.to_string();
    app.query(move |conn| {
        reports::table
            .filter(reports::tracking_code.eq(code))
            .select(reports::status)
            .first(conn)
    })
    .await
}

async fn article_of(app: &TestApp, code: &str) -> i64 {
    let code = code.to_string();
    app.query(move |conn| {
        reports::table
            .filter(reports::tracking_code.eq(code))
            .select(reports::article_id)
            .first(conn)
    })
    .await
}

/// The outbox's outcome emails: (status, recipients).
async fn outcome_rows(app: &TestApp) -> Vec<(String, String)> {
    app.query(|conn| {
        outbox::table
            .filter(outbox::kind.eq("report_outcome"))
            .select((outbox::status, outbox::recipients))
            .load(conn)
    })
    .await
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_report_page_keeps_the_note_to_the_reader_apart_from_the_internal_note() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let (mut browser, _) = editor(&app).await;
    let code = submit(&app, "/world/notes", Some("ana@example.org"), true).await;
    let page = format!("/desk/reports/{code}");
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(html.contains("Note to the reader — shown on the status page and emailed"));
    assert!(html.contains("Internal note — editors only"));
    assert!(html.contains(r#"name="public_note""#) && html.contains(r#"name="internal_note""#));
    let csrf = browser.csrf(&page).await;
    let transition = format!("{page}/transition");

    // An outcome needs its note to the reader: an internal one is not enough.
    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "corrected"),
                ("internal_note", INTERNAL_NOTE),
                ("correction_url", CORRECTION),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"id="public_note-error""#), "{html}");
    assert!(
        html.contains(INTERNAL_NOTE) && html.contains(CORRECTION),
        "input kept"
    );
    assert_eq!(status_of(&app, &code).await, "new");

    // A move the reader is not told of cannot carry a note to them.
    let response = browser
        .post(
            &transition,
            &[("csrf", &csrf), ("to", "triaged"), ("public_note", "Hello")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("write it as an internal note")
    );

    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "corrected"),
                ("public_note", PUBLIC_NOTE),
                ("internal_note", INTERNAL_NOTE),
                ("correction_url", CORRECTION),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);

    // The timeline labels and styles each note for who reads it.
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(
        html.contains(&format!(
            r#"<p class="event-note event-note-public"><span class="note-label">To the reader:</span> {PUBLIC_NOTE}</p>"#
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        r#"<p class="event-note event-note-internal"><span class="note-label">Internal:</span> {INTERNAL_NOTE}</p>"#
    )));

    // The reader gets the note to them, never the internal one.
    let messages = sink.wait_for(3, WAIT).await;
    let outcome = messages
        .iter()
        .find(|m| m.subject().starts_with("The outcome of your report"))
        .expect("outcome email");
    let text = outcome.text_body().expect("text");
    let html = outcome.html_body().expect("html");
    assert!(text.contains(PUBLIC_NOTE) && text.contains(CORRECTION));
    assert!(!text.contains("Kim") && !html.contains("Kim"), "{text}");

    // Reopening needs a reason; an internal one will do.
    let response = browser
        .post(&transition, &[("csrf", &csrf), ("to", "reopened")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains(r#"id="internal_note-error""#)
    );
    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "reopened"),
                ("internal_note", "The reader appealed."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &code).await, "reopened");
}

#[tokio::test]
async fn the_api_takes_both_notes_and_still_understands_the_former_note() {
    let app = spawn_app().await;
    let (_, token) = editor(&app).await;
    let code = submit(&app, "/world/api-notes", Some("ana@example.org"), true).await;
    let path = format!("/api/v1/desk/reports/{code}/transition");

    let (status, body) = api_post(
        &app,
        &token,
        &path,
        json!({"to": "no_error", "internal_note": "Checked."}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["public_note"].is_array(), "{body}");
    let (status, body) = api_post(
        &app,
        &token,
        &path,
        json!({"to": "no_error", "note": "a", "public_note": "b"}),
    )
    .await;
    assert_eq!(status, 422, "one note, under two names");
    assert!(body["fields"]["note"].is_array(), "{body}");

    // The former `note` on a move the reader is not told of is the editors' own.
    let (status, _) = api_post(
        &app,
        &token,
        &path,
        json!({"to": "investigating", "note": "Looking at the bulletin."}),
    )
    .await;
    assert_eq!(status, 200);
    // ... and on an outcome, the reader's.
    let (status, _) = api_post(
        &app,
        &token,
        &path,
        json!({"to": "no_error", "note": "The figure matches the bulletin.", "internal_note": INTERNAL_NOTE}),
    )
    .await;
    assert_eq!(status, 200);

    let detail: Value = app
        .client
        .get(app.url(&format!("/api/v1/desk/reports/{code}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(detail["public_note"], "The figure matches the bulletin.");
    let decisions: Vec<(Value, Value)> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "status_changed")
        .map(|e| (e["public_note"].clone(), e["note"].clone()))
        .collect();
    assert_eq!(
        decisions,
        [
            (Value::Null, json!("Looking at the bulletin.")),
            (
                json!("The figure matches the bulletin."),
                json!(INTERNAL_NOTE)
            ),
        ]
    );
    let public = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .text()
        .await
        .expect("json");
    assert!(public.contains("The figure matches the bulletin."));
    assert!(!public.contains("Kim") && !public.contains("Looking at"));
}

#[tokio::test]
async fn resolving_all_states_the_counts_and_changes_nothing_until_confirmed() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let (mut browser, _) = editor(&app).await;
    let mut codes = vec![
        submit(&app, "/world/all", Some("a@example.org"), true).await,
        submit(&app, "/world/all", Some("b@example.org"), true).await,
        submit(&app, "/world/all", Some("quiet@example.org"), false).await,
        submit(&app, "/world/all", None, false).await,
    ];
    let elsewhere = submit(&app, "/world/elsewhere", Some("e@example.org"), true).await;
    let article = article_of(&app, &codes[0]).await;
    let page = format!("/desk/articles/{article}");
    let resolve = format!("{page}/resolve");
    let csrf = browser.csrf(&page).await;
    let decision = [
        ("csrf", csrf.as_str()),
        ("to", "corrected"),
        ("public_note", "We corrected the figure.\nThank you."),
        ("internal_note", INTERNAL_NOTE),
        ("correction_url", CORRECTION),
    ];

    assert_eq!(
        browser.post(&resolve, &decision[1..]).await.status(),
        403,
        "a form without its token"
    );

    // The first step: what will happen, as it will be sent, and nothing else.
    let response = browser.post(&resolve, &decision).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(
        html.contains("4 open reports will become Corrected."),
        "{html}"
    );
    assert!(html.contains("2 readers asked to be told and will be emailed."));
    assert!(html.contains("We corrected the figure.\nThank you."));
    assert!(html.contains(&format!(
        r#"<a href="{CORRECTION}" rel="noopener noreferrer""#
    )));
    assert!(html.contains(r#"name="confirm" value="yes""#));
    assert_eq!(
        hidden_value(&html, "expected_reports").as_deref(),
        Some("4")
    );
    assert_eq!(hidden_value(&html, "expected_emails").as_deref(), Some("2"));
    assert_eq!(
        hidden_value(&html, "public_note").as_deref(),
        Some("We corrected the figure.\nThank you."),
        "the note travels to the confirming step unchanged"
    );
    for code in &codes {
        assert_eq!(status_of(&app, code).await, "new", "nothing changed");
    }
    assert!(outcome_rows(&app).await.is_empty(), "nothing sent");

    // "Change" goes back to the form with the input kept.
    let mut edit = decision.to_vec();
    edit.push(("edit", "yes"));
    let response = browser.post(&resolve, &edit).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains(INTERNAL_NOTE) && html.contains(r#"id="public_note""#));
    assert_eq!(status_of(&app, &codes[0]).await, "new");

    // A report arrives between the two steps: the confirmation shown no longer holds.
    codes.push(
        submit(
            &app,
            "/world/all?utm_source=x",
            Some("late@example.org"),
            true,
        )
        .await,
    );
    let mut confirmed = decision.to_vec();
    confirmed.extend([
        ("confirm", "yes"),
        ("expected_reports", "4"),
        ("expected_emails", "2"),
    ]);
    let response = browser.post(&resolve, &confirmed).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.expect("html");
    assert!(html.contains("The article changed since you confirmed"));
    assert!(
        html.contains("5 open reports will become Corrected."),
        "{html}"
    );
    assert!(html.contains("3 readers asked to be told and will be emailed."));
    assert_eq!(
        hidden_value(&html, "expected_reports").as_deref(),
        Some("5")
    );
    for code in &codes {
        assert_eq!(status_of(&app, code).await, "new", "nothing changed");
    }
    assert!(outcome_rows(&app).await.is_empty(), "nothing sent");

    // Confirmed with what is really there: applied, and exactly those readers emailed.
    let mut confirmed = decision.to_vec();
    confirmed.extend([
        ("confirm", "yes"),
        ("expected_reports", "5"),
        ("expected_emails", "3"),
    ]);
    let response = browser.post(&resolve, &confirmed).await;
    assert_eq!(response.status(), 303);
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(
        html.contains("5 reports resolved; 3 readers are being emailed."),
        "{html}"
    );
    for code in &codes {
        assert_eq!(status_of(&app, code).await, "corrected");
    }
    assert_eq!(status_of(&app, &elsewhere).await, "new");

    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = outcome_rows(&app).await;
        if rows.len() == 3 && rows.iter().all(|(status, _)| status == "sent") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let outcomes: Vec<_> = sink
        .messages()
        .into_iter()
        .filter(|m| m.subject().starts_with("The outcome of your report"))
        .collect();
    let to: BTreeSet<String> = outcomes.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(
        to,
        BTreeSet::from(["a@example.org", "b@example.org", "late@example.org"].map(String::from))
    );
    for message in &outcomes {
        let text = message.text_body().expect("text");
        assert!(text.contains("We corrected the figure.") && !text.contains("Kim"));
    }

    // Nothing left open: confirming again changes nothing.
    let response = browser.post(&resolve, &confirmed).await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("no open reports any more")
    );
}
