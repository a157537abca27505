//! Appeals: a reporter whose report was decided "no error found" appeals once, from the status
//! page or the API, with the tracking code and the email they gave; the report is reopened, the
//! appeal is on its timeline, the desk is emailed, and the status page says "Appeal received".

use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::reports::TrackingCode;
use disinfo_desk::storage::schema::{report_events, reports};
use serde_json::{Value, json};

use crate::helpers::{TestApp, hidden_value, smtp_to, spawn_app, spawn_app_with, valid_report};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);
const EMAIL: &str = "ana.appeal@example.org";
const REASON: &str = "The ministry's own bulletin of 4 May gives 1,000 evacuated, not 10,000.";

async fn admin(app: &TestApp) -> String {
    app.editor("appeals-admin@example.com", Role::Admin, &[])
        .await
}

/// A report on `path` with `email` (or none), decided "no error found"; its tracking code.
async fn decided_no_error(app: &TestApp, token: &str, path: &str, email: Option<&str>) -> String {
    let code = report(app, path, email).await;
    transition(
        app,
        token,
        &code,
        json!({"to": "no_error", "public_note": "We checked: no error."}),
    )
    .await;
    code
}

async fn report(app: &TestApp, path: &str, email: Option<&str>) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report["reporter_email"] = json!(email);
    report["wants_outcome"] = json!(false);
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

async fn transition(app: &TestApp, token: &str, code: &str, body: Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/desk/reports/{code}/transition")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200, "{body}");
}

async fn api_appeal(app: &TestApp, code: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/reports/{code}/appeal")))
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Loads the status page (as the reporter's browser does), then sends the appeal form back with
/// the page's own token; `headers` are sent with both.
async fn form_appeal(
    app: &TestApp,
    code: &str,
    email: &str,
    reason: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut get = app.client.get(app.url(&format!("/status/{code}")));
    for (name, value) in headers {
        get = get.header(*name, *value);
    }
    let page = get.send().await.unwrap().text().await.unwrap();
    let token = hidden_value(&page, "form_token").unwrap_or_default();
    let body = serde_html_form::to_string([
        ("form_token", token.as_str()),
        ("email", email),
        ("reason", reason),
    ])
    .unwrap();
    let mut post = app
        .client
        .post(app.url(&format!("/status/{code}/appeal")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        post = post.header(*name, *value);
    }
    post.send().await.expect("sent")
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

async fn appeal_events(app: &TestApp, code: &str) -> i64 {
    let code = code.to_string();
    app.query(move |conn| {
        report_events::table
            .inner_join(reports::table)
            .filter(reports::tracking_code.eq(code))
            .filter(report_events::kind.eq("appealed"))
            .count()
            .get_result(conn)
    })
    .await
}

fn form_action(code: &str) -> String {
    format!(r#"action="/status/{code}/appeal""#)
}

#[tokio::test]
async fn a_reporter_appeals_from_the_status_page_and_the_desk_is_emailed() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let token = admin(&app).await;
    let code = decided_no_error(&app, &token, "/world/appealed", Some(EMAIL)).await;

    let page = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Appeal this decision"), "{page}");
    assert!(page.contains(&form_action(&code)));

    // The address as the reader types it: another case, spaces around.
    let response = form_appeal(&app, &code, "  Ana.Appeal@Example.ORG ", REASON, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], format!("/status/{code}"));
    assert_eq!(status_of(&app, &code).await, "reopened");

    let page = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Appeal received"), "{page}");
    assert!(!page.contains(&form_action(&code)), "no form any more");
    assert!(page.contains("Under review"));

    // The timeline: the appeal as its own event by the reporter, then the reopening by it.
    let detail: Value = app
        .client
        .get(app.url(&format!("/api/v1/desk/reports/{code}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = detail["events"].as_array().expect("events");
    let appeal = events
        .iter()
        .position(|e| e["kind"] == "appealed")
        .expect("an appeal event");
    assert_eq!(events[appeal]["actor"], "reporter");
    assert_eq!(events[appeal]["note"], REASON);
    let reopened = &events[appeal + 1];
    assert_eq!(reopened["kind"], "status_changed");
    assert_eq!(reopened["from"], "no_error");
    assert_eq!(reopened["to"], "reopened");
    assert_eq!(reopened["actor"], "reporter");

    // The desk's email, at the SMTP sink: the report, the article and the reason.
    let messages = sink.wait_for(3, WAIT).await;
    let email = messages
        .iter()
        .find(|m| m.subject().contains("Appeal"))
        .unwrap_or_else(|| {
            panic!(
                "no appeal email: {:?}",
                messages.iter().map(|m| m.subject()).collect::<Vec<_>>()
            )
        });
    assert_eq!(
        email.subject(),
        format!("[World desk] Appeal: report {code} on /world/appealed")
    );
    let mut to = email.rcpt_to.clone();
    to.sort();
    assert_eq!(to, ["world-deputy@example.com", "world-editor@example.com"]);
    assert!(email.is_multipart_alternative());
    for body in [email.text_body().unwrap(), email.html_body().unwrap()] {
        assert!(body.contains(&code));
        assert!(body.contains(&format!("/desk/reports/{code}")));
        assert!(body.contains("https://www.example.com/world/appealed"));
        assert!(
            body.contains("We checked: no error."),
            "the decision appealed"
        );
    }
    assert!(email.text_body().unwrap().contains(REASON));

    // The outbox names the kind in the dashboard's words.
    let kinds: Vec<String> = app
        .query(|conn| {
            disinfo_desk::storage::schema::outbox::table
                .select(disinfo_desk::storage::schema::outbox::kind)
                .load(conn)
        })
        .await;
    assert!(kinds.iter().any(|k| k == "appeal_received"), "{kinds:?}");
}

#[tokio::test]
async fn a_report_is_appealed_once_only() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let code = decided_no_error(&app, &token, "/world/once", Some(EMAIL)).await;
    let (status, body) = api_appeal(&app, &code, json!({"email": EMAIL, "reason": REASON})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "under_review");
    assert!(body["appealed_at"].as_str().is_some(), "{body}");
    let (_, public) = {
        let response = app.get(&format!("/api/v1/reports/{code}")).await;
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert_eq!(public["appealed_at"], body["appealed_at"]);

    // Again while it is under review...
    let (status, body) = api_appeal(&app, &code, json!({"email": EMAIL, "reason": REASON})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "already_appealed");
    // ...and once it is decided "no error found" again.
    transition(&app, &token, &code, json!({"to": "investigating"})).await;
    transition(
        &app,
        &token,
        &code,
        json!({"to": "no_error", "public_note": "Checked again: no error."}),
    )
    .await;
    let page = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your appeal"), "{page}");
    assert!(page.contains("Checked again: no error."));
    assert!(!page.contains(&form_action(&code)), "no second appeal");
    let (status, body) = api_appeal(&app, &code, json!({"email": EMAIL, "reason": REASON})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "already_appealed");
    let response = form_appeal(&app, &code, EMAIL, REASON, &[]).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains("already been appealed"), "{html}");
    assert_eq!(appeal_events(&app, &code).await, 1);
    assert_eq!(status_of(&app, &code).await, "no_error");
}

#[tokio::test]
async fn each_refusal_says_what_is_wrong_beside_its_field_and_changes_nothing() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let code = decided_no_error(&app, &token, "/world/refusals", Some(EMAIL)).await;

    // A wrong address: the form comes back with the message beside the field, the input kept.
    let response = form_appeal(&app, &code, "someone.else@example.org", REASON, &[]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"<div class="field-error" id="email-error">"#),
        "{html}"
    );
    assert!(html.contains("This is not the email address given with this report."));
    assert!(html.contains(r#"aria-describedby="email-hint email-error""#));
    assert!(
        html.contains(r#"value="someone.else@example.org""#),
        "the address is kept"
    );
    assert!(
        html.contains(REASON) || html.contains(&REASON.replace('\'', "&#39;")),
        "the reason is kept"
    );
    assert!(!html.contains(EMAIL), "the real address is never shown");
    let (status, body) = api_appeal(
        &app,
        &code,
        json!({"email": "someone.else@example.org", "reason": REASON}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(
        body["fields"]["email"][0],
        "This is not the email address given with this report. Check it and try again."
    );
    assert!(body["fields"].get("reason").is_none(), "{body}");
    assert!(!body.to_string().contains(EMAIL));

    // No address sent.
    let (status, body) = api_appeal(&app, &code, json!({"reason": REASON})).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["email"].is_array(), "{body}");
    let response = form_appeal(&app, &code, "", REASON, &[]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("This is required."));

    // A reason too short or too long (characters, not bytes), the address kept.
    for reason in ["Too short".to_string(), "é".repeat(2001)] {
        let (status, body) =
            api_appeal(&app, &code, json!({"email": EMAIL, "reason": reason})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            body["fields"]["reason"][0],
            "Write between 10 and 2000 characters."
        );
        assert!(
            body["fields"].get("email").is_none(),
            "the address is right: {body}"
        );
        let response = form_appeal(&app, &code, EMAIL, &reason, &[]).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"id="reason-error""#));
        assert!(html.contains(&format!(r#"value="{EMAIL}""#)));
    }

    // Unknown fields and malformed bodies are refused by name, as elsewhere in the API.
    let (status, body) = api_appeal(
        &app,
        &code,
        json!({"email": EMAIL, "reason": REASON, "name": "x"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["fields"]["name"].is_array(), "{body}");

    // The report holds no address: none was given...
    let anonymous = decided_no_error(&app, &token, "/world/anonymous", None).await;
    let (status, body) =
        api_appeal(&app, &anonymous, json!({"email": EMAIL, "reason": REASON})).await;
    assert_eq!(status, 422);
    assert!(
        body["fields"]["email"][0]
            .as_str()
            .is_some_and(|m| m.contains("holds no email address")),
        "{body}"
    );
    // ...or it was erased at the reporter's request.
    let erased = decided_no_error(&app, &token, "/world/erased", Some(EMAIL)).await;
    disinfo_desk::privacy::service::erase(&app.db, TrackingCode::parse(&erased).unwrap())
        .await
        .expect("erased");
    let (status, body) = api_appeal(&app, &erased, json!({"email": EMAIL, "reason": REASON})).await;
    assert_eq!(status, 422);
    assert!(
        body["fields"]["email"][0]
            .as_str()
            .unwrap()
            .contains("holds no email address")
    );
    let response = form_appeal(&app, &erased, EMAIL, REASON, &[]).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("holds no email address")
    );

    // Not decided "no error found": still open, or corrected.
    let open = report(&app, "/world/open", Some(EMAIL)).await;
    let corrected = report(&app, "/world/corrected", Some(EMAIL)).await;
    transition(
        &app,
        &token,
        &corrected,
        json!({"to": "corrected", "public_note": "Fixed.", "correction_url": "https://www.example.com/c/1"}),
    )
    .await;
    for other in [&open, &corrected] {
        let (status, body) =
            api_appeal(&app, other, json!({"email": EMAIL, "reason": REASON})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"], "not_appealable");
        let page = app
            .get(&format!("/status/{other}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains(&form_action(other)), "no form on {other}");
        let response = form_appeal(&app, other, EMAIL, REASON, &[]).await;
        assert_eq!(response.status(), 409);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Only a report whose review found no error can be appealed.")
        );
    }

    // An unknown code: what the status page says of it, nothing more.
    let (status, body) = api_appeal(
        &app,
        "ABCDEF-GHJKLM",
        json!({"email": EMAIL, "reason": REASON}),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], "not_found");
    let status_page = app.get("/status/ABCDEF-GHJKLM").await;
    assert_eq!(status_page.status(), 404);
    let response = form_appeal(&app, "ABCDEF-GHJKLM", EMAIL, REASON, &[]).await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("We found no report with that tracking code.")
    );

    // Nothing was appealed or changed by any of these.
    for refused in [&code, &anonymous, &erased] {
        assert_eq!(status_of(&app, refused).await, "no_error");
        assert_eq!(appeal_events(&app, refused).await, 0);
    }
    assert_eq!(status_of(&app, &open).await, "new");
    assert_eq!(status_of(&app, &corrected).await, "corrected");
}

#[tokio::test]
async fn the_form_needs_its_token_and_appeals_are_rate_limited() {
    let app = spawn_app_with(|s| {
        s.limits.client_burst = 4;
        s.limits.client_per_minute = 1;
    })
    .await;
    let token = admin(&app).await;
    // One of the client's four: the report.
    let code = decided_no_error(&app, &token, "/world/limited", Some(EMAIL)).await;

    // Sent without the form's token: the page again, the input kept, nothing done.
    let body = serde_html_form::to_string([("email", EMAIL), ("reason", REASON)]).unwrap();
    let response = app
        .client
        .post(app.url(&format!("/status/{code}/appeal")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("We could not confirm that this report came from our form."),
        "{html}"
    );
    assert!(html.contains(&format!(r#"value="{EMAIL}""#)));
    assert_eq!(appeal_events(&app, &code).await, 0);

    // Two more wrong guesses use up the burst; the next is refused whatever it says.
    for _ in 0..2 {
        let (status, _) = api_appeal(
            &app,
            &code,
            json!({"email": "guess@example.org", "reason": REASON}),
        )
        .await;
        assert_eq!(status, 422);
    }
    let response = app
        .client
        .post(app.url(&format!("/api/v1/reports/{code}/appeal")))
        .json(&json!({"email": EMAIL, "reason": REASON}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let response = form_appeal(&app, &code, EMAIL, REASON, &[]).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains(&format!(r#"value="{EMAIL}""#))
    );
    assert_eq!(appeal_events(&app, &code).await, 0);
    assert_eq!(status_of(&app, &code).await, "no_error");
}

#[tokio::test]
async fn the_status_page_and_its_refusals_speak_the_readers_language() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let code = decided_no_error(&app, &token, "/world/languages", Some(EMAIL)).await;

    let page = app
        .get(&format!("/status/{code}?lang=fr"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<html lang="fr""#));
    assert!(page.contains("Contester cette décision"), "{page}");
    assert!(
        page.contains("Rectificatifs et précisions"),
        "the footer's link to the log"
    );

    let spanish = [("Accept-Language", "es-ES,es;q=0.9")];
    let response = form_appeal(&app, &code, "otra@example.org", REASON, &spanish).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(
            "Esta no es la dirección de correo electrónico que se facilitó con este aviso."
        ),
        "{html}"
    );

    let response = form_appeal(&app, &code, EMAIL, REASON, &[("Cookie", "desk_lang=ar")]).await;
    assert_eq!(response.status(), 303);
    let page = app
        .client
        .get(app.url(&format!("/status/{code}")))
        .header("Cookie", "desk_lang=ar")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(page.contains("تم استلام الطعن"), "{page}");
    let chinese = app
        .get(&format!("/status/{code}?lang=zh-Hans"))
        .await
        .text()
        .await
        .unwrap();
    assert!(chinese.contains("已收到申诉"));
}
