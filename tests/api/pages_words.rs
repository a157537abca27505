//! Words and styles in their place (issue 9, item 6): the reader's privacy footer on public pages
//! only, with the retention the purge keeps; information not shown as an error; the dashboard's
//! own error pages; readable names; the outbox's wording; the favicon.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::outbox;
use serde_json::json;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, spawn_app_with, valid_report};

const FOOTER: &str = "class=\"site-footer\"";

async fn signed_in<'a>(app: &'a TestApp, email: &str, role: Role) -> Browser<'a> {
    app.editor(email, role, &["world"]).await;
    let mut browser = Browser::new(app);
    assert_eq!(browser.sign_in(email, PASSWORD).await.status(), 303);
    browser
}

async fn submit(app: &TestApp, path: &str) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    response.json::<serde_json::Value>().await.expect("json")["tracking_code"]
        .as_str()
        .expect("code")
        .to_string()
}

async fn html(browser: &mut Browser<'_>, path: &str) -> String {
    browser.get(path).await.text().await.expect("html")
}

#[tokio::test]
async fn the_privacy_footer_is_on_public_pages_only_and_says_what_the_purge_does() {
    let app = spawn_app_with(|s| s.privacy.reporter_retention_days = 77).await;
    let form = app.get("/report").await.text().await.expect("html");
    assert!(form.contains(FOOTER), "the public form has the footer");
    assert!(
        form.contains("We delete them 77 days after our editors decide on your report"),
        "the days come from [privacy] reporter_retention_days: {form}"
    );
    assert!(!form.contains("after the review"));
    assert!(
        form.contains("as soon as you confirm a request to erase them"),
        "erasure on request is confirmed by email, as the status page's erasure does"
    );
    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.expect("html");
    assert!(missing.contains("77 days"), "a public 404 keeps the footer");

    let mut browser = Browser::new(&app);
    let login = html(&mut browser, "/desk/login").await;
    assert!(!login.contains(FOOTER), "no reader's footer at sign-in");

    let mut admin = signed_in(&app, "admin@example.com", Role::Admin).await;
    for page in [
        "/desk",
        "/desk/reports",
        "/desk/outbox",
        "/desk/admin/routing",
    ] {
        let text = html(&mut admin, page).await;
        assert!(text.contains("<h1"), "{page} renders");
        assert!(!text.contains(FOOTER), "{page} has no reader's footer");
    }
}

#[tokio::test]
async fn signing_out_is_news_not_an_error_and_the_password_field_is_styled() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let page = html(&mut browser, "/desk/login?signed_out=1").await;
    let at = page
        .find("You are signed out.")
        .expect("the message is shown");
    let before = &page[..at];
    let opened = before.rfind("<div").expect("in a box");
    assert!(
        before[opened..].starts_with("<div class=\"flash\" role=\"status\""),
        "a status box, not an error: {}",
        &before[opened..]
    );
    assert!(!page.contains("error-summary"));

    let css = app.get("/static/site.css").await.text().await.expect("css");
    assert!(
        css.contains("input[type=password]"),
        "the password field is styled"
    );
    assert!(css.contains("input[type=radio], input[type=checkbox] { width: 24px; height: 24px;"));
    assert!(
        css.contains("min-height: 24px"),
        "buttons reach the target size"
    );
}

#[tokio::test]
async fn dashboard_error_pages_carry_the_publisher_and_lead_back_to_the_desk() {
    let app = spawn_app().await;
    let publisher = crate::helpers::test_settings().publisher.name;
    let mut editor = signed_in(&app, "ed@example.com", Role::Editor).await;

    let missing = editor.get("/desk/reports/ABCDEF-GHJKLM").await;
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.expect("html");
    assert!(
        missing.contains(&format!("· {publisher}</title>")),
        "{missing}"
    );
    assert!(
        !missing.contains("href=\"/report\""),
        "no link to the public form"
    );
    assert!(missing.contains("href=\"/desk\""));
    assert!(!missing.contains(FOOTER));

    let forbidden = editor.get("/desk/outbox").await;
    assert_eq!(forbidden.status(), 403);
    let forbidden = forbidden.text().await.expect("html");
    assert!(forbidden.contains(&format!("· {publisher}</title>")));
    assert!(forbidden.contains("Only admins may manage the outbox."));
    assert!(!forbidden.contains("href=\"/report\""), "{forbidden}");

    let public = app
        .get("/status/ABCDEF-GHJKLM")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        public.contains(&format!("· {publisher}</title>")),
        "public pages too"
    );
}

#[tokio::test]
async fn the_favicon_is_served_and_linked() {
    let app = spawn_app().await;
    let svg = app.get("/favicon.svg").await;
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.expect("svg").starts_with("<svg"));
    let ico = app.get("/favicon.ico").await;
    assert_ne!(ico.status(), 404, "no 404 on every page load");
    let form = app.get("/report").await.text().await.expect("html");
    assert!(form.contains(r#"<link rel="icon" href="/favicon.svg""#));
}

#[tokio::test]
async fn the_outbox_does_not_claim_delivery_while_messages_wait_and_names_states() {
    let app = spawn_app().await;
    let mut admin = signed_in(&app, "admin@example.com", Role::Admin).await;
    let page = html(&mut admin, "/desk/outbox").await;
    assert!(!page.contains("Every message was delivered."));
    assert!(page.contains("No message is undelivered"), "{page}");

    let later = (Utc::now() + Duration::days(30)).naive_utc();
    app.db
        .write(move |conn| {
            diesel::insert_into(outbox::table)
                .values((
                    outbox::message_id.eq("<pending@test>"),
                    outbox::kind.eq("report_ack"),
                    outbox::recipients.eq("[\"ana@example.org\"]"),
                    outbox::language.eq("en"),
                    outbox::status.eq("pending"),
                    outbox::attempts.eq(0),
                    outbox::due_at.eq(later),
                    outbox::created_at.eq(later),
                ))
                .execute(conn)
                .map_err(disinfo_desk::storage::StorageError::from)
        })
        .await
        .expect("a pending message");
    let page = html(&mut admin, "/desk/outbox").await;
    assert!(!page.contains("Every message was delivered."));
    assert!(
        page.contains("No message is undelivered, but 1 is still waiting to be sent."),
        "{page}"
    );
    assert!(page.contains("<dt>Pending</dt>"), "states in words: {page}");
    assert!(!page.contains("<dt>pending</dt>"));
}

#[tokio::test]
async fn the_report_page_names_things_and_offers_only_possible_moves() {
    let app = spawn_app().await;
    let code = submit(&app, "/world/2026/11/words").await;
    let mut editor = signed_in(&app, "ed@example.com", Role::Editor).await;
    let page = format!("/desk/reports/{code}");
    let text = html(&mut editor, &page).await;
    assert!(text.contains("<dd>English</dd>"), "the language in words");
    assert!(text.contains("<dd>API</dd>"), "the channel in words");
    assert!(!text.contains("<dd>en</dd>") && !text.contains("<dd>api</dd>"));
    assert!(
        text.contains("id=\"correction_url\""),
        "an open report can be corrected"
    );

    // A refused decision: the editors' summary, not the reader's.
    let csrf = editor.csrf(&page).await;
    let refused = editor
        .post(
            &format!("{page}/transition"),
            &[("csrf", &csrf), ("to", "corrected")],
        )
        .await
        .text()
        .await
        .expect("html");
    assert!(
        !refused.contains("There is a problem with your report"),
        "{refused}"
    );
    assert!(refused.contains("Nothing was changed: correct what is marked"));

    let response = editor
        .post(
            &format!("{page}/transition"),
            &[
                ("csrf", &csrf),
                ("to", "no_error"),
                ("public_note", "We checked the figures and they are right."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let text = html(&mut editor, &page).await;
    assert!(
        text.contains(r#"value="reopened""#),
        "a decided report can be reopened"
    );
    for gone in [
        r#"value="triaged""#,
        r#"value="corrected""#,
        "id=\"correction_url\"",
        "id=\"duplicate_of\"",
        "id=\"public_note\"",
    ] {
        assert!(!text.contains(gone), "{gone} is not offered");
    }
    assert!(
        text.contains("Test Editor"),
        "the editor by name in the timeline"
    );
    assert!(!text.contains("editor:ed@example.com"));
}

#[tokio::test]
async fn a_bulk_result_with_refusals_is_a_warning() {
    let app = spawn_app().await;
    let codes = [
        submit(&app, "/world/2026/11/bulk-0").await,
        submit(&app, "/world/2026/11/bulk-1").await,
    ];
    let mut editor = signed_in(&app, "ed@example.com", Role::Editor).await;
    let csrf = editor.csrf("/desk/reports").await;
    editor
        .post(
            &format!("/desk/reports/{}/transition", codes[1]),
            &[("csrf", &csrf), ("to", "triaged")],
        )
        .await;
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("action", "transition"),
        ("to", "triaged"),
    ];
    for code in &codes {
        form.push(("code", code.as_str()));
    }
    assert_eq!(editor.post("/desk/reports/bulk", &form).await.status(), 303);
    let text = html(&mut editor, "/desk/reports").await;
    assert!(
        text.contains(r#"<div class="flash flash-warning" role="alert">1 of 2 reports changed."#),
        "{text}"
    );

    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("action", "assign"),
        ("assignee", "me"),
    ];
    form.push(("code", codes[0].as_str()));
    assert_eq!(editor.post("/desk/reports/bulk", &form).await.status(), 303);
    let text = html(&mut editor, "/desk/reports").await;
    assert!(
        text.contains(r#"<div class="flash" role="status">1 of 1 reports changed."#),
        "all done: a success: {text}"
    );
}

#[tokio::test]
async fn error_summary_items_have_no_doubled_punctuation() {
    let app = spawn_app().await;
    let token = app.form_token().await;
    let page = app
        .post_form_raw(&[
            ("form_token", &token),
            ("article_url", "https://www.example.com/a"),
        ])
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("What is wrong? "), "{page}");
    assert!(!page.contains("?:"), "no doubled punctuation");
}
