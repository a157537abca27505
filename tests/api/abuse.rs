//! Abuse resistance of public intake: rate limits (per client, per article, for the desk), bot
//! friction on the form (signed timing token, honeypot → spam), no mailing of strangers (the
//! daily acknowledgement cap, the desk round-up of many articles) and escalation by distinct
//! clients.

use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::config::{Secret, Settings};
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{articles, outbox, report_events, reports};
use serde_json::{Value, json};

use crate::helpers::{TestApp, hidden_value, smtp_to, spawn_app_with, valid_report};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);

/// Believe X-Forwarded-For from the test client, so each test can play many clients.
fn behind_proxy(settings: &mut Settings) {
    settings.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
}

fn report_on(path: &str) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report
}

async fn post_as(app: &TestApp, client: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/reports"))
        .header("X-Forwarded-For", client)
        .json(body)
        .send()
        .await
        .expect("sent")
}

async fn count_reports(app: &TestApp) -> i64 {
    app.query(|conn| reports::table.count().get_result(conn))
        .await
}

async fn outbox_kinds(app: &TestApp) -> Vec<String> {
    app.query(|conn| {
        outbox::table
            .order(outbox::id.asc())
            .select(outbox::kind)
            .load(conn)
    })
    .await
}

#[tokio::test]
async fn one_client_gets_its_burst_then_429_with_retry_after_and_others_are_not_slowed() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.limits.client_per_minute = 1;
        s.limits.client_burst = 3;
    })
    .await;
    for _ in 0..3 {
        let response = post_as(&app, "203.0.113.7", &valid_report()).await;
        assert_eq!(response.status(), 201);
    }
    let refused = post_as(&app, "203.0.113.7", &valid_report()).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "rate_limited");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains(&retry_after.to_string())),
        "{body}"
    );
    // Another reader is not slowed by the first one's flood.
    let other = post_as(&app, "198.51.100.9", &valid_report()).await;
    assert_eq!(other.status(), 201);
    assert_eq!(
        count_reports(&app).await,
        4,
        "refused reports are not stored"
    );
}

#[tokio::test]
async fn a_burst_on_one_article_is_slowed_across_clients_and_other_articles_are_not() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.limits.article_per_minute = 1;
        s.limits.article_burst = 5;
    })
    .await;
    let target = report_on("/world/2026/12/targeted-story");
    for i in 0..5 {
        let response = post_as(&app, &format!("203.0.113.{i}"), &target).await;
        assert_eq!(response.status(), 201);
    }
    // Another spelling of the same article is the same article.
    let mut variant = target.clone();
    variant["article_url"] =
        json!("https://m.example.com/world/2026/12/targeted-story?utm_source=x");
    let refused = post_as(&app, "203.0.113.99", &variant).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let elsewhere = post_as(&app, "203.0.113.99", &report_on("/world/2026/12/other")).await;
    assert_eq!(elsewhere.status(), 201);
}

#[tokio::test]
async fn the_desk_wide_ceiling_applies_to_all_clients_together() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.limits.global_per_second = 1;
        s.limits.global_burst = 4;
    })
    .await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let report = report_on(&format!("/world/story-{i}"));
        statuses.push(
            post_as(&app, &format!("192.0.2.{i}"), &report)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..4], &[201, 201, 201, 201], "{statuses:?}");
    assert!(statuses[4..].contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn the_form_comes_back_with_the_input_kept_when_a_limit_is_reached() {
    let app = spawn_app_with(|s| {
        s.limits.client_per_minute = 1;
        s.limits.client_burst = 1;
    })
    .await;
    let fields = [
        ("article_url", "https://www.example.com/world/flood"),
        ("category", "false_claim"),
        ("explanation", "The bulletin gives a tenth of that number."),
    ];
    assert_eq!(app.post_form(&fields).await.status(), 303);
    let refused = app.post_form(&fields).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let html = refused.text().await.expect("html");
    assert!(html.contains("please wait"), "{html}");
    assert!(html.contains("The bulletin gives a tenth of that number."));
    assert!(html.contains(r#"value="https://www.example.com/world/flood""#));
}

fn dev_secret() -> Secret {
    crate::helpers::test_settings().server.secret_key
}

fn form_fields(token: &str) -> Vec<(&str, &str)> {
    vec![
        ("form_token", token),
        ("article_url", "https://www.example.com/world/flood"),
        ("category", "false_claim"),
        ("explanation", "The bulletin gives a tenth of that number."),
    ]
}

#[tokio::test]
async fn the_form_refuses_posts_without_its_token_too_fast_or_too_old_and_keeps_the_input() {
    let app = spawn_app_with(|s| {
        s.limits.form_min_secs = 3;
        s.limits.form_max_age_secs = 3600;
    })
    .await;
    let now = disinfo_desk::storage::now();

    // Never loaded the form: refused, input kept, a fresh token to send it again with.
    let missing = app.post_form_raw(&form_fields("")[1..]).await;
    assert_eq!(missing.status(), 422);
    let html = missing.text().await.expect("html");
    assert!(html.contains("could not confirm"), "{html}");
    assert!(html.contains("The bulletin gives a tenth of that number."));
    assert!(hidden_value(&html, "form_token").is_some_and(|t| !t.is_empty()));

    // Sent back at once: a person cannot fill the form that fast.
    let fresh = app.form_token().await;
    let too_fast = app.post_form_raw(&form_fields(&fresh)).await;
    assert_eq!(too_fast.status(), 422);
    assert!(
        too_fast
            .text()
            .await
            .expect("html")
            .contains("quicker than we expected")
    );

    // Served two hours ago: too old.
    let stale =
        disinfo_desk::web::form_token::issue(&dev_secret(), now - chrono::Duration::hours(2));
    let expired = app.post_form_raw(&form_fields(&stale)).await;
    assert_eq!(expired.status(), 422);
    assert!(
        expired
            .text()
            .await
            .expect("html")
            .contains("open for a long time")
    );

    // A forged token (right shape, wrong signature).
    let forged = format!("{}.{}", now.and_utc().timestamp() - 60, "0".repeat(32));
    assert_eq!(app.post_form_raw(&form_fields(&forged)).await.status(), 422);
    assert_eq!(count_reports(&app).await, 0, "nothing refused was stored");

    // Served a minute ago: accepted.
    let good =
        disinfo_desk::web::form_token::issue(&dev_secret(), now - chrono::Duration::minutes(1));
    assert_eq!(app.post_form_raw(&form_fields(&good)).await.status(), 303);
    assert_eq!(count_reports(&app).await, 1);
}

#[tokio::test]
async fn with_limits_off_fifty_form_posts_without_the_form_are_accepted() {
    let app = spawn_app_with(|s| {
        s.limits.enabled = false;
        s.limits.client_per_minute = 1;
        s.limits.client_burst = 1;
        s.limits.form_min_secs = 60;
    })
    .await;
    for _ in 0..50 {
        let response = app.post_form_raw(&form_fields("")[1..]).await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(count_reports(&app).await, 50);
}

#[tokio::test]
async fn a_filled_honeypot_is_kept_as_spam_never_mailed_and_an_editor_can_restore_it() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let app = spawn_app_with(|s| smtp_to(s, port)).await;
    let response = app
        .post_form(&[
            ("article_url", "https://www.example.com/world/bot-target"),
            ("category", "false_claim"),
            (
                "explanation",
                "Buy cheap watches at our wonderful shop today.",
            ),
            ("reporter_email", "stranger@example.org"),
            ("website", "https://spam.example/"),
        ])
        .await;
    // The bot is answered as anyone else.
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let code = location.rsplit('/').next().expect("code").to_string();
    let thanks = app.get(&location).await;
    assert_eq!(thanks.status(), 200);

    let (status, article_id) = app
        .query({
            let code = code.clone();
            move |conn| {
                reports::table
                    .filter(reports::tracking_code.eq(code))
                    .select((reports::status, reports::article_id))
                    .first::<(String, i64)>(conn)
            }
        })
        .await;
    assert_eq!(status, "spam");
    let note: Option<String> = app
        .query(|conn| {
            report_events::table
                .filter(report_events::kind.eq("created"))
                .select(report_events::note)
                .first(conn)
        })
        .await;
    assert!(note.is_some_and(|n| n.contains("honeypot")));
    assert!(
        outbox_kinds(&app).await.is_empty(),
        "no alert, no escalation, no acknowledgement"
    );
    let open: i64 = app
        .query(move |conn| {
            articles::table
                .find(article_id)
                .select(articles::open_report_count)
                .first(conn)
        })
        .await;
    assert_eq!(open, 0, "spam is not in the open queue");

    // Reviewed and restored by an editor: back in the queue.
    let token = app.editor("reviewer@example.com", Role::Admin, &[]).await;
    let listed: Value = app
        .client
        .get(app.url("/api/v1/desk/reports?status=spam"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        listed["reports"][0]["tracking_code"],
        code.as_str(),
        "{listed}"
    );
    let restored = app
        .client
        .post(app.url(&format!("/api/v1/desk/reports/{code}/transition")))
        .bearer_auth(&token)
        .json(&json!({"to": "new"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        restored.status(),
        200,
        "{}",
        restored.text().await.unwrap_or_default()
    );
    let open: i64 = app
        .query(move |conn| {
            articles::table
                .find(article_id)
                .select(articles::open_report_count)
                .first(conn)
        })
        .await;
    assert_eq!(open, 1);
    // Marking spam does not tell the "reporter" anything either.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        sink.messages()
            .iter()
            .all(|m| !m.rcpt_to.iter().any(|r| r == "stranger@example.org"))
    );
}

#[tokio::test]
async fn one_address_gets_at_most_the_daily_acknowledgements_and_every_report_is_kept() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.notify.acks_per_address_per_day = 3;
    })
    .await;
    for i in 0..8 {
        let mut report = report_on(&format!("/world/story-{i}"));
        // Case and spacing do not make another address.
        report["reporter_email"] = json!(if i % 2 == 0 {
            "victim@example.org"
        } else {
            "Victim@Example.org"
        });
        let response = post_as(&app, &format!("198.51.100.{i}"), &report).await;
        assert_eq!(response.status(), 201);
    }
    assert_eq!(count_reports(&app).await, 8);
    let acks = outbox_kinds(&app)
        .await
        .into_iter()
        .filter(|k| k == "report_ack")
        .count();
    assert_eq!(acks, 3);
    let skipped: i64 = app
        .query(|conn| {
            report_events::table
                .filter(report_events::kind.eq("acknowledgement_skipped"))
                .count()
                .get_result(conn)
        })
        .await;
    assert_eq!(skipped, 5, "each skipped acknowledgement is recorded");
    // Another address is unaffected.
    let mut other = valid_report();
    other["reporter_email"] = json!("someone.else@example.org");
    assert_eq!(post_as(&app, "198.51.100.200", &other).await.status(), 201);
    let acks = outbox_kinds(&app)
        .await
        .into_iter()
        .filter(|k| k == "report_ack")
        .count();
    assert_eq!(acks, 4);
}

#[tokio::test]
async fn many_invented_articles_reach_the_desk_as_a_few_alerts_and_one_round_up() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let app = spawn_app_with(|s| {
        smtp_to(s, port);
        behind_proxy(s);
        s.notify.desk_alerts_per_window = 2;
        // Short, so the round-up goes out during the test.
        s.notify.alert_window_secs = 5;
    })
    .await;
    for i in 0..30 {
        let mut report = report_on(&format!("/world/invented-{i}"));
        report["reporter_email"] = json!(null);
        report["wants_outcome"] = json!(false);
        let response = post_as(&app, &format!("192.0.2.{i}"), &report).await;
        assert_eq!(response.status(), 201);
    }
    let kinds = outbox_kinds(&app).await;
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    assert_eq!(count("desk_alert"), 2, "{kinds:?}");
    assert_eq!(count("desk_roundup"), 1, "{kinds:?}");
    assert_eq!(kinds.len(), 3, "{kinds:?}");

    let deadline = tokio::time::Instant::now() + WAIT;
    let roundup = loop {
        let found = sink
            .messages()
            .into_iter()
            .find(|m| m.subject().contains("more articles"));
        if let Some(found) = found {
            break found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no round-up delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        roundup
            .rcpt_to
            .iter()
            .any(|r| r == "world-editor@example.com")
    );
    let text = roundup.text_body().expect("text part");
    assert!(text.contains("28 reports arrived on 28 articles"), "{text}");
    assert!(text.contains("/world/invented-2"), "{text}");
    assert!(text.contains("/world/invented-29"), "{text}");
    assert!(
        text.contains("http://127.0.0.1:8080/desk/articles/")
            && text.contains("http://127.0.0.1:8080/desk/reports/"),
        "links into the dashboard: {text}"
    );
    assert!(
        !text.contains("/world/invented-1 "),
        "alerted on its own: {text}"
    );
}

#[tokio::test]
async fn escalation_counts_distinct_clients_not_raw_reports() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.notify.escalation_threshold = 5;
    })
    .await;
    let story = report_on("/world/2026/12/viral");
    for _ in 0..12 {
        assert_eq!(post_as(&app, "203.0.113.50", &story).await.status(), 201);
    }
    let escalations = |kinds: Vec<String>| kinds.into_iter().filter(|k| k == "escalation").count();
    assert_eq!(
        escalations(outbox_kinds(&app).await),
        0,
        "one client cannot escalate alone"
    );
    for i in 1..5 {
        assert_eq!(
            post_as(&app, &format!("203.0.113.{i}"), &story)
                .await
                .status(),
            201
        );
    }
    assert_eq!(
        escalations(outbox_kinds(&app).await),
        1,
        "five different readers do"
    );
}
