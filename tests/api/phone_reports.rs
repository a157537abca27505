//! Reports taken by phone, letter or in person, recorded by an editor: the dashboard's form
//! (CSRF, the public form's checks, consent for contact details), the tracking code read aloud,
//! grouping and routing like a web report, the acknowledgement only to a given email, the editor
//! API, the channel filter of the lists and the queue, and the phone number as personal data
//! (need to know, purge, erasure, export).

use std::process::Command;
use std::time::Duration;

use chrono::Duration as Age;
use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{outbox, report_events, reports};
use serde_json::{Value, json};

use crate::editor_api::{editor_token, post};
use crate::helpers::{
    Browser, PASSWORD, TestApp, smtp_to, spawn_app, spawn_app_with, valid_report,
};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);
const WORLD_EDITOR: &str = "world.editor@example.com";
const PHONE: &str = "+44 20 7946 0123";

/// The ICAO spelling words, written out here so that the page is checked against the alphabet,
/// not against the code that made it.
fn spelling_word(letter: char) -> &'static str {
    match letter {
        'A' => "Alfa",
        'B' => "Bravo",
        'C' => "Charlie",
        'D' => "Delta",
        'E' => "Echo",
        'F' => "Foxtrot",
        'G' => "Golf",
        'H' => "Hotel",
        'J' => "Juliett",
        'K' => "Kilo",
        'L' => "Lima",
        'M' => "Mike",
        'N' => "November",
        'P' => "Papa",
        'Q' => "Quebec",
        'R' => "Romeo",
        'S' => "Sierra",
        'T' => "Tango",
        'U' => "Uniform",
        'V' => "Victor",
        'W' => "Whiskey",
        'X' => "X-ray",
        'Y' => "Yankee",
        'Z' => "Zulu",
        other => panic!("{other} is not a letter of the codes"),
    }
}

fn digit_name(digit: char) -> &'static str {
    [
        "", "", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ][digit.to_digit(10).expect("digit") as usize]
}

async fn signed_in<'a>(app: &'a TestApp, email: &str, role: Role, desks: &[&str]) -> Browser<'a> {
    app.editor(email, role, desks).await;
    let mut browser = Browser::new(app);
    assert_eq!(browser.sign_in(email, PASSWORD).await.status(), 303);
    browser
}

/// A call as the editor types it into the form.
fn call_fields(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf", csrf),
        ("channel", "phone"),
        (
            "article_url",
            "https://www.example.com/world/2026/11/flood-figures?utm_source=radio",
        ),
        ("category", "false_claim"),
        ("passage", "More than 10,000 people were evacuated."),
        (
            "explanation",
            "The caller works for the regional authority: its bulletin says 1,000, not 10,000.",
        ),
        ("evidence_urls", "https://gov.example.org/bulletin/42"),
        ("evidence_urls", ""),
        ("language", "en"),
        ("contact_consent", "true"),
        ("reporter_name", "Carla Caller"),
        ("reporter_email", "carla@example.org"),
        ("reporter_phone", PHONE),
        ("wants_outcome", "true"),
    ]
}

async fn count_reports(app: &TestApp) -> i64 {
    app.query(|conn| reports::table.count().get_result(conn))
        .await
}

type Stored = (String, Option<String>, bool, i64, Option<i64>, String);

async fn stored(app: &TestApp, code: &str) -> Stored {
    let code = code.to_string();
    app.query(move |conn| {
        reports::table
            .filter(reports::tracking_code.eq(code))
            .select((
                reports::channel,
                reports::reporter_phone,
                reports::contact_consent,
                reports::article_id,
                reports::desk_id,
                reports::status,
            ))
            .first(conn)
    })
    .await
}

async fn created_by(app: &TestApp, code: &str) -> String {
    let code = code.to_string();
    app.query(move |conn| {
        report_events::table
            .inner_join(reports::table)
            .filter(reports::tracking_code.eq(code))
            .filter(report_events::kind.eq("created"))
            .select(report_events::actor)
            .first(conn)
    })
    .await
}

async fn acks_of(app: &TestApp, code: &str) -> i64 {
    let code = code.to_string();
    app.query(move |conn| {
        outbox::table
            .inner_join(reports::table.on(outbox::report_id.eq(reports::id.nullable())))
            .filter(reports::tracking_code.eq(code))
            .filter(outbox::kind.eq("report_ack"))
            .count()
            .get_result(conn)
    })
    .await
}

fn code_from_location(response: &reqwest::Response) -> String {
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a redirect")
        .to_string();
    location
        .strip_prefix("/desk/reports/")
        .and_then(|rest| rest.strip_suffix("/entered"))
        .unwrap_or_else(|| panic!("{location}"))
        .to_string()
}

#[tokio::test]
async fn an_editor_records_a_call_and_reads_the_code_aloud() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    // A reader reported the same article on the web first, under another spelling of its URL.
    let mut web = valid_report();
    web["article_url"] = json!("https://example.com/world/2026/11/flood-figures/#top");
    web["reporter_email"] = Value::Null;
    web["wants_outcome"] = json!(false);
    let response = app.post_report(&web).await;
    assert_eq!(response.status(), 201);
    let web: Value = response.json().await.expect("json");
    let web_code = web["tracking_code"].as_str().expect("code").to_string();

    let mut browser = signed_in(&app, WORLD_EDITOR, Role::Editor, &["world"]).await;
    let form = browser.get("/desk/reports/new").await;
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("html");
    assert!(
        html.contains(r#"href="/desk/reports/new" aria-current="page""#),
        "the navigation links the form: {html}"
    );
    assert!(html.contains(r#"id="channel-phone" name="channel" value="phone" checked"#));
    assert!(html.contains(r#"name="contact_consent""#));
    let csrf = browser.csrf("/desk/reports/new").await;

    let response = browser.post("/desk/reports/new", &call_fields(&csrf)).await;
    assert_eq!(response.status(), 303);
    let code = code_from_location(&response);

    // The code, large and in groups of three, each symbol spelled.
    let page = browser.get(&format!("/desk/reports/{code}/entered")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let symbols: Vec<char> = code.chars().filter(|c| *c != '-').collect();
    let groups: Vec<String> = symbols.chunks(3).map(|g| g.iter().collect()).collect();
    assert!(
        html.contains(&format!(
            r#"<span class="group">{}</span> <span class="group">{}</span>"#,
            groups[0], groups[1]
        )),
        "{html}"
    );
    for symbol in &symbols {
        let said = if symbol.is_ascii_digit() {
            digit_name(*symbol).to_string()
        } else {
            format!("{symbol} as in {}", spelling_word(*symbol))
        };
        assert!(
            html.contains(&format!(r#"<span class="said">{said}</span>"#)),
            "{said} missing: {html}"
        );
    }
    assert!(html.contains("An acknowledgement with the code is being emailed"));
    assert!(html.contains(r#"href="/desk/reports/new?channel=phone""#));

    // Stored like a web report: the same article, routed to its desk, the editor as the actor.
    let (channel, phone, consent, article_id, desk_id, status) = stored(&app, &code).await;
    assert_eq!(channel, "phone");
    assert_eq!(phone.as_deref(), Some(PHONE));
    assert!(consent);
    assert_eq!(status, "new");
    let web_row = stored(&app, &web_code).await;
    assert_eq!(article_id, web_row.3, "grouped with the web report");
    assert_eq!(desk_id, web_row.4, "routed like it");
    assert_eq!(
        created_by(&app, &code).await,
        format!("editor:{WORLD_EDITOR}")
    );

    // The reader gets the acknowledgement with the code, as a web reader would.
    let deadline = tokio::time::Instant::now() + WAIT;
    let ack = loop {
        if let Some(ack) = sink
            .messages()
            .into_iter()
            .find(|m| m.rcpt_to == ["carla@example.org"])
        {
            break ack;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no acknowledgement to the caller"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(ack.raw.contains(&code), "{}", ack.raw);

    // The report page names the channel, the phone number and the consent.
    let html = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("<dd>Phone</dd>"), "{html}");
    assert!(html.contains(&format!(r#"<span class="contact">{PHONE}</span>"#)));
    assert!(html.contains("The reader agreed to their contact details being kept"));
    assert!(
        html.contains("Test Editor"),
        "the timeline names the editor"
    );
    let article = browser
        .get(&format!("/desk/articles/{article_id}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(article.contains(&code) && article.contains(&web_code));
    let _ = sink.stop().await;
}

#[tokio::test]
async fn the_form_comes_back_with_the_messages_and_the_input_kept() {
    let app = spawn_app().await;
    let mut browser = signed_in(&app, WORLD_EDITOR, Role::Editor, &["world"]).await;
    let csrf = browser.csrf("/desk/reports/new").await;

    // Without the form's token: refused, nothing stored.
    let mut fields = call_fields(&csrf);
    fields[0] = ("csrf", "forged");
    let response = browser.post("/desk/reports/new", &fields).await;
    assert_eq!(response.status(), 403);
    assert_eq!(count_reports(&app).await, 0);

    // Contact details without the reader's agreement, a short explanation, a bad number, a
    // channel the form does not offer.
    let mut fields: Vec<(&str, &str)> = call_fields(&csrf)
        .into_iter()
        .filter(|(name, _)| *name != "contact_consent")
        .map(|(name, value)| match name {
            "explanation" => (name, "Wrong."),
            "reporter_phone" => (name, "ring me at noon"),
            _ => (name, value),
        })
        .collect();
    fields[1] = ("channel", "web_form");
    let response = browser.post("/desk/reports/new", &fields).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    for message in [
        "agreement is not recorded",
        "Give a phone number",
        "Choose how the report reached us: phone, letter, in_person.",
        // The public form's own message for the explanation.
        "Write between 10 and 5000 characters.",
    ] {
        assert!(html.contains(message), "{message}: {html}");
    }
    assert!(html.contains(r#"id="reporter_name-error""#));
    assert!(html.contains(r#"id="contact_consent-error""#));
    assert!(html.contains(r#"id="explanation-error""#));
    // Everything typed is still there.
    for kept in [
        r#"value="ring me at noon""#,
        r#"value="Carla Caller""#,
        r#"value="carla@example.org""#,
        "More than 10,000 people were evacuated.</textarea>",
        r#"value="https://gov.example.org/bulletin/42""#,
    ] {
        assert!(html.contains(kept), "{kept}: {html}");
    }
    assert_eq!(count_reports(&app).await, 0);

    // An anonymous call: no consent, no contact, no email sent.
    let fields: Vec<(&str, &str)> = call_fields(&csrf)
        .into_iter()
        .filter(|(name, _)| {
            !matches!(
                *name,
                "contact_consent"
                    | "reporter_name"
                    | "reporter_email"
                    | "reporter_phone"
                    | "wants_outcome"
            )
        })
        .map(|(name, value)| {
            if name == "channel" {
                (name, "letter")
            } else {
                (name, value)
            }
        })
        .collect();
    let response = browser.post("/desk/reports/new", &fields).await;
    assert_eq!(response.status(), 303);
    let code = code_from_location(&response);
    let (channel, phone, consent, ..) = stored(&app, &code).await;
    assert_eq!((channel.as_str(), phone, consent), ("letter", None, false));
    assert_eq!(
        acks_of(&app, &code).await,
        0,
        "no address, no acknowledgement"
    );
    let html = browser
        .get(&format!("/desk/reports/{code}/entered"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("No email goes to the reader"), "{html}");
    assert!(html.contains(r#"href="/desk/reports/new?channel=letter""#));
}

#[tokio::test]
async fn the_editor_api_records_calls_for_a_call_centre_tool() {
    let app = spawn_app().await;
    let token = editor_token(&app, WORLD_EDITOR, Role::Editor, &["world"]).await;
    let politics = editor_token(&app, "politics@example.com", Role::Editor, &["politics"]).await;
    let mut body = valid_report();
    body["channel"] = json!("phone");
    body["reporter_phone"] = json!(PHONE);
    body["contact_consent"] = json!(true);

    let response = app
        .client
        .post(app.url("/api/v1/desk/reports"))
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 401, "a token is needed");

    let (status, created) = post(&app, &token, "/api/v1/desk/reports", body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let code = created["tracking_code"].as_str().expect("code").to_string();
    assert_eq!(created["channel"], "phone");
    assert_eq!(created["status"], "received");
    assert_eq!(
        created["article"]["canonical_url"],
        "https://www.example.com/world/2026/11/flood-figures"
    );
    assert!(
        created["status_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/status/{code}")))
    );

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
    assert_eq!(detail["channel"], "phone");
    assert_eq!(detail["desk"], "world");
    assert_eq!(
        detail["events"][0]["actor"],
        format!("editor:{WORLD_EDITOR}")
    );
    assert_eq!(detail["reporter"]["contact"], "shown");
    assert_eq!(detail["reporter"]["phone"], PHONE);
    assert_eq!(detail["reporter"]["contact_consent"], true);
    // Need to know: another desk's editor sees that details exist, not the number.
    let other: Value = app
        .client
        .get(app.url(&format!("/api/v1/desk/reports/{code}")))
        .bearer_auth(&politics)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(other["reporter"]["contact"], "withheld");
    assert_eq!(other["reporter"]["phone"], Value::Null);
    assert_eq!(other["channel"], "phone");

    // Other channels are not the editors' to record; unknown fields are refused by name.
    for channel in ["web_form", "email", "api", "fax"] {
        let mut bad = body.clone();
        bad["channel"] = json!(channel);
        let (status, error) = post(&app, &token, "/api/v1/desk/reports", bad).await;
        assert_eq!(status, 422, "{channel}: {error}");
        assert_eq!(error["error"], "validation_failed");
        assert!(error["fields"]["channel"].is_array(), "{error}");
    }
    let mut missing = body.clone();
    missing.as_object_mut().expect("object").remove("channel");
    let (status, error) = post(&app, &token, "/api/v1/desk/reports", missing).await;
    assert_eq!(status, 422);
    assert!(error["fields"]["channel"].is_array(), "{error}");
    let mut unknown = body.clone();
    unknown["caller_mood"] = json!("angry");
    let (status, error) = post(&app, &token, "/api/v1/desk/reports", unknown).await;
    assert_eq!(status, 400, "{error}");
    assert!(error["fields"]["caller_mood"].is_array(), "{error}");
    // Contact details without consent: refused beside each field.
    let mut no_consent = body.clone();
    no_consent["contact_consent"] = json!(false);
    let (status, error) = post(&app, &token, "/api/v1/desk/reports", no_consent).await;
    assert_eq!(status, 422);
    for field in [
        "reporter_name",
        "reporter_email",
        "reporter_phone",
        "contact_consent",
    ] {
        assert!(error["fields"][field].is_array(), "{field}: {error}");
    }

    // A retried request with the same Idempotency-Key stores nothing new.
    let mut letter = valid_report();
    letter["channel"] = json!("letter");
    letter["reporter_name"] = Value::Null;
    letter["reporter_email"] = Value::Null;
    letter["wants_outcome"] = json!(false);
    let mut codes = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/api/v1/desk/reports"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "call-centre-4711")
            .json(&letter)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("json");
        codes.push(body["tracking_code"].as_str().expect("code").to_string());
    }
    assert_eq!(codes[0], codes[1]);
    assert_eq!(count_reports(&app).await, 2);
    assert_eq!(
        acks_of(&app, &codes[0]).await,
        0,
        "no email given: none sent"
    );
    assert_eq!(
        acks_of(&app, &code).await,
        1,
        "the caller's email is acknowledged"
    );
}

#[tokio::test]
async fn the_lists_and_the_queue_filter_by_channel() {
    let app = spawn_app().await;
    let token = editor_token(&app, "admin@example.com", Role::Admin, &[]).await;
    let mut web = valid_report();
    web["article_url"] = json!("https://www.example.com/politics/budget");
    assert_eq!(app.post_report(&web).await.status(), 201);
    let mut call = valid_report();
    call["channel"] = json!("in_person");
    call["contact_consent"] = json!(true);
    let (status, created) = post(&app, &token, "/api/v1/desk/reports", call).await;
    assert_eq!(status, 201, "{created}");
    let code = created["tracking_code"].as_str().expect("code").to_string();

    let list = |query: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let response = app
                .client
                .get(app.url(&format!("/api/v1/desk/{query}")))
                .bearer_auth(token)
                .send()
                .await
                .expect("sent");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("json"))
        }
    };
    let (status, body) = list("reports?channel=in_person").await;
    assert_eq!(status, 200);
    let reports = body["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["tracking_code"], code.as_str());
    assert_eq!(reports[0]["channel"], "in_person");
    // The reader's report came through the public API.
    let (_, body) = list("reports?channel=web_form").await;
    assert_eq!(body["reports"].as_array().map(Vec::len), Some(0), "{body}");
    let (_, body) = list("reports?channel=api").await;
    assert_eq!(body["reports"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["reports"][0]["channel"], "api", "{body}");
    let (_, body) = list("articles?channel=in_person").await;
    let articles = body["articles"].as_array().expect("articles");
    assert_eq!(articles.len(), 1, "{body}");
    assert_eq!(
        articles[0]["canonical_url"],
        "https://www.example.com/world/2026/11/flood-figures"
    );
    let (status, body) = list("reports?channel=fax").await;
    assert_eq!(status, 422);
    assert!(body["fields"]["channel"].is_array(), "{body}");

    // The pages: the filter's choice kept, only the matching reports listed.
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser
            .sign_in("admin@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    let html = browser
        .get("/desk/reports?channel=in_person")
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains(&format!(r#"data-code="{code}""#)));
    assert_eq!(html.matches(r#"class="report-row""#).count(), 1, "{html}");
    assert!(html.contains(r#"<option value="in_person" selected>In person</option>"#));
    assert!(html.contains(r#"<td class="channel">In person</td>"#));
    let queue = browser.get("/desk?channel=in_person").await;
    assert_eq!(queue.status(), 200);
    let html = queue.text().await.expect("html");
    assert!(html.contains("/world/2026/11/flood-figures"));
    assert!(!html.contains("/politics/budget"), "{html}");
    let refused = browser.get("/desk/reports?channel=fax").await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("Unknown channel")
    );
}

#[tokio::test]
async fn the_phone_number_is_purged_erased_and_exported_like_the_email() {
    let app = spawn_app().await;
    let token = editor_token(&app, WORLD_EDITOR, Role::Editor, &["world"]).await;
    let mut call = valid_report();
    call["channel"] = json!("phone");
    call["reporter_phone"] = json!(PHONE);
    call["contact_consent"] = json!(true);
    let mut codes = Vec::new();
    for _ in 0..2 {
        let (status, created) = post(&app, &token, "/api/v1/desk/reports", call.clone()).await;
        assert_eq!(status, 201, "{created}");
        codes.push(created["tracking_code"].as_str().expect("code").to_string());
    }

    // The export: the number only with --with-personal-data.
    let export = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("export")
            .args(args)
            .env("DESK_ENV", "test")
            .env("DESK__DATABASE__URL", &app.database_url)
            .output()
            .expect("runs");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let plain = export(&[]);
    assert!(plain.contains(r#""channel":"phone""#), "{plain}");
    assert!(!plain.contains("7946"), "{plain}");
    let personal = export(&["--with-personal-data"]);
    assert!(
        personal.contains(&format!(r#""phone":"{PHONE}""#)),
        "{personal}"
    );
    assert!(personal.contains(r#""contact_consent":true"#));
    let csv = export(&["--format", "csv", "--with-personal-data"]);
    assert!(
        csv.lines()
            .next()
            .is_some_and(|h| h.contains(r#""reporter_phone","contact_consent""#)),
        "{csv}"
    );
    assert!(csv.contains("7946 0123"));

    // Erasure on request takes the number with the name and email.
    let erased = disinfo_desk::reports::TrackingCode::parse(&codes[0]).expect("code");
    assert!(
        disinfo_desk::privacy::service::erase(&app.db, erased)
            .await
            .expect("erased")
    );
    assert_eq!(stored(&app, &codes[0]).await.1, None);

    // The retention purge too, once the report was decided long ago.
    let code = codes[1].clone();
    let now = disinfo_desk::storage::now();
    app.db
        .write(move |conn| {
            diesel::update(reports::table.filter(reports::tracking_code.eq(code)))
                .set((
                    reports::status.eq("no_error"),
                    reports::decided_at.eq(Some(now - Age::days(400))),
                ))
                .execute(conn)
                .map_err(disinfo_desk::storage::StorageError::from)
        })
        .await
        .expect("aged");
    let counts = disinfo_desk::privacy::purge(
        &app.db,
        std::sync::Arc::new(crate::helpers::test_settings()),
    )
    .await
    .expect("purge");
    assert_eq!(counts.reporter_data, 1, "{counts:?}");
    assert_eq!(stored(&app, &codes[1]).await.1, None);
    let personal = export(&["--with-personal-data"]);
    assert!(!personal.contains("7946"), "{personal}");
}
