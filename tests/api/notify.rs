//! Routing and email over real SMTP: lettre delivers over TCP to the in-process sink.

use std::collections::HashSet;
use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::storage::schema::{desks, outbox, reports};
use serde_json::{Value, json};

use crate::helpers::{TestApp, backend, smtp_to, spawn_app_with, valid_report};
use crate::smtp_sink::{ReceivedMessage, Reply, SmtpSink, free_port};

const WAIT: Duration = Duration::from_secs(20);

async fn app_mailing_to(port: u16) -> TestApp {
    spawn_app_with(|s| smtp_to(s, port)).await
}

fn report_on(url: &str, email: Option<&str>) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(url);
    report["reporter_email"] = json!(email);
    report["wants_outcome"] = json!(email.is_some());
    report
}

async fn submit(app: &TestApp, report: &Value) -> String {
    let response = app.post_report(report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

fn to(message: &ReceivedMessage, address: &str) -> bool {
    message.rcpt_to.iter().any(|r| r == address)
}

async fn outbox_states(app: &TestApp) -> Vec<(String, String, i32, Option<String>)> {
    app.query(|conn| {
        outbox::table
            .order(outbox::id.asc())
            .select((
                outbox::kind,
                outbox::status,
                outbox::attempts,
                outbox::last_error,
            ))
            .load(conn)
    })
    .await
}

async fn wait_until(
    app: &TestApp,
    what: &str,
    done: impl Fn(&[(String, String, i32, Option<String>)]) -> bool,
) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let states = outbox_states(app).await;
        if done(&states) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {states:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_report_acknowledges_the_reporter_and_alerts_its_desk() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port()).await;
    let code = submit(
        &app,
        &report_on(
            "https://www.example.com/world/2026/flood",
            Some("ana@example.org"),
        ),
    )
    .await;

    let messages = sink.wait_for(2, WAIT).await;
    let ack = messages
        .iter()
        .find(|m| to(m, "ana@example.org"))
        .expect("acknowledgement");
    assert!(ack.subject().contains(&code), "{}", ack.subject());
    assert!(ack.is_multipart_alternative());
    let text = ack.text_body().expect("text part");
    assert!(text.contains(&code));
    assert!(text.contains(&format!("http://127.0.0.1:8080/status/{code}")));
    assert!(text.contains("we will email you when the review is finished"));
    assert!(ack.html_body().expect("html part").contains(&code));
    assert!(
        ack.header("Message-ID")
            .is_some_and(|id| id.ends_with("@example.com>"))
    );
    let unsubscribe = ack
        .header("List-Unsubscribe")
        .expect("one-click unsubscribe");
    assert!(
        unsubscribe.contains(&format!("/status/{code}/unsubscribe?token=")),
        "{unsubscribe}"
    );
    assert_eq!(
        ack.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert_eq!(ack.mail_from, "corrections@example.com");

    let alert = messages
        .iter()
        .find(|m| to(m, "world-editor@example.com"))
        .expect("desk alert");
    assert!(
        to(alert, "world-deputy@example.com"),
        "every editor of the desk"
    );
    assert_eq!(
        alert.subject(),
        "[World desk] New report: /world/2026/flood"
    );
    let text = alert.text_body().expect("text");
    assert!(text.contains("1,000 people were evacuated"), "{text}");
    assert!(text.contains("https://gov.example.org/bulletin/42"));
    assert!(
        alert
            .html_body()
            .expect("html")
            .contains("More than 10,000 people")
    );

    let desk: String = app
        .query(move |conn| {
            reports::table
                .inner_join(desks::table)
                .filter(reports::tracking_code.eq(&code))
                .select(desks::slug)
                .first(conn)
        })
        .await;
    assert_eq!(desk, "world", "the report records its desk");
    wait_until(&app, "both marked sent", |s| {
        s.len() == 2 && s.iter().all(|r| r.1 == "sent")
    })
    .await;
}

#[tokio::test]
async fn routing_rules_pick_the_desk() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port()).await;
    submit(
        &app,
        &report_on("https://www.example.com/politics/budget", None),
    )
    .await;
    submit(
        &app,
        &report_on("https://www.example.com/sport/final", None),
    )
    .await;
    let mut impersonation = report_on("https://examp1e-times.test/fake", None);
    impersonation["category"] = json!("impersonation");
    submit(&app, &impersonation).await;

    let messages = sink.wait_for(3, WAIT).await;
    let subject_to = |address: &str| {
        messages
            .iter()
            .find(|m| to(m, address))
            .map(|m| m.subject())
            .unwrap_or_else(|| panic!("nothing to {address}"))
    };
    assert!(subject_to("politics-editor@example.com").contains("/politics/budget"));
    assert!(
        subject_to("corrections@example.com").contains("/sport/final"),
        "default desk"
    );
    assert!(
        subject_to("standards@example.com").contains("examp1e-times.test"),
        "category rule"
    );
}

#[tokio::test]
async fn header_injection_through_report_text_is_impossible() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port()).await;
    let mut report = report_on("https://www.example.com/world/x", None);
    report["explanation"] = json!("Wrong figure.\r\nBcc: victim@example.org\r\n\r\nInjected body");
    report["passage"] = json!("<script>alert(1)</script>");
    submit(&app, &report).await;
    let messages = sink.wait_for(1, WAIT).await;
    let alert = &messages[0];
    assert!(!alert.rcpt_to.iter().any(|r| r.contains("victim")));
    assert!(alert.header("Bcc").is_none());
    let html = alert.html_body().expect("html");
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "HTML body escapes reader text"
    );
}

#[tokio::test]
async fn a_flood_on_one_article_sends_at_most_two_desk_emails() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| {
        smtp_to(s, sink.port());
        s.notify.alert_window_secs = 15;
        s.notify.escalation_threshold = 25;
        // Escalation counts distinct readers: each report comes from its own address.
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    let total = 1000;
    let mut tasks = tokio::task::JoinSet::new();
    let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(16));
    for i in 0..total {
        let client = app.client.clone();
        let url = app.url("/api/v1/reports");
        let permit = semaphore.clone().acquire_owned().await.expect("semaphore");
        let mut report = report_on("https://www.example.com/world/viral-story", None);
        report["explanation"] = json!(format!(
            "Flood report {i}: the claim in the headline is false."
        ));
        tasks.spawn(async move {
            let reader = format!("10.0.{}.{}", i / 256, i % 256);
            let response = client
                .post(url)
                .header("X-Forwarded-For", reader)
                .json(&report)
                .send()
                .await
                .expect("sent");
            drop(permit);
            response.status().as_u16()
        });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.expect("task"), 201);
    }
    // The alert and one escalation go out at once; the digest when the window closes.
    let messages = sink.wait_for(3, WAIT + Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages_now = sink.messages();
    assert_eq!(
        messages_now.len(),
        messages.len().max(3),
        "nothing more after the digest"
    );
    let desk: Vec<_> = messages_now
        .iter()
        .filter(|m| to(m, "world-editor@example.com"))
        .collect();
    assert_eq!(
        desk.len(),
        2,
        "one alert and one digest: {:?}",
        desk.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    let digest = desk
        .iter()
        .find(|m| m.subject().contains("new reports"))
        .expect("digest");
    assert_eq!(
        digest.subject(),
        format!("[World desk] {} new reports: /world/viral-story", total - 1),
        "{}",
        digest.subject()
    );
    let text = digest.text_body().expect("text");
    assert_eq!(
        text.matches("Flood report ").count(),
        total - 1,
        "every later report is in the digest"
    );
    let escalations: Vec<_> = messages_now
        .iter()
        .filter(|m| to(m, "standards@example.com"))
        .collect();
    assert_eq!(escalations.len(), 1, "escalated once");
    let subject = escalations[0].subject();
    assert!(
        subject.starts_with("[Standards desk] Escalation: ")
            && subject.ends_with(" minutes: /world/viral-story"),
        "{subject}"
    );
    let text = escalations[0].text_body().expect("text");
    assert!(
        text.contains("http://127.0.0.1:8080/desk/articles/"),
        "{text}"
    );
}

/// A digest lists the reports on its article numbered after the alert's, so reports on one
/// article must be numbered in the order they commit. On PostgreSQL a report can wait on its
/// article's row lock, held by another report's transaction: its number must be drawn after that
/// wait, not before (the flood above then loses the waiting reports from its digest).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_waiting_on_its_articles_lock_is_numbered_after_the_one_holding_it() {
    if backend() != crate::helpers::TestBackend::Postgres {
        eprintln!("needs PostgreSQL (DESK_TEST_BACKEND=postgres), skipped");
        return;
    }
    let app = spawn_app_with(|_| {}).await;
    let article_url = "https://www.example.com/world/numbered-in-commit-order";
    let first = submit(&app, &report_on(article_url, None)).await;
    let article_id: i64 = app
        .query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(first))
                .select(reports::article_id)
                .first(conn)
        })
        .await;

    // Another report's transaction on the article: it holds the article's row, as intake does.
    let url = app.database_url.clone();
    let mut holder = tokio::task::spawn_blocking(move || {
        let mut conn = diesel::PgConnection::establish(&url).expect("holder connects");
        diesel::sql_query("BEGIN")
            .execute(&mut conn)
            .expect("begin");
        diesel::sql_query(format!(
            "SELECT id FROM articles WHERE id = {article_id} FOR UPDATE"
        ))
        .execute(&mut conn)
        .expect("locks the article");
        conn
    })
    .await
    .expect("joins");

    let client = app.client.clone();
    let endpoint = app.url("/api/v1/reports");
    let waiting = report_on(article_url, None);
    let request = tokio::spawn(async move { client.post(endpoint).json(&waiting).send().await });

    let url = app.database_url.clone();
    let holders_id = tokio::task::spawn_blocking(move || {
        #[derive(QueryableByName)]
        struct Drawn {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let mut admin = diesel::PgConnection::establish(&url).expect("admin connects");
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let waits: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock')",
            ))
            .get_result(&mut admin)
            .expect("pg_stat_activity");
            if waits > 0 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the report never waited on its article"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // The holder's report takes its number now, while the other report waits, and commits.
        let drawn: Drawn =
            diesel::sql_query("SELECT nextval(pg_get_serial_sequence('reports', 'id')) AS id")
                .get_result(&mut holder)
                .expect("draws an id");
        diesel::sql_query("COMMIT")
            .execute(&mut holder)
            .expect("commits");
        drawn.id
    })
    .await
    .expect("joins");

    let response = request.await.expect("joins").expect("answered");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let code = body["tracking_code"].as_str().expect("code").to_string();
    let waited_id: i64 = app
        .query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(code))
                .select(reports::id)
                .first(conn)
        })
        .await;
    assert!(
        waited_id > holders_id,
        "the report that waited got {waited_id}, before the holder's {holders_id}"
    );
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_arrives_once_it_is_up() {
    let port = free_port();
    let app = app_mailing_to(port).await;
    for i in 0..5 {
        submit(
            &app,
            &report_on(
                &format!("https://www.example.com/world/story-{i}"),
                Some("ana@example.org"),
            ),
        )
        .await;
    }
    // Attempts fail (connection refused) and are rescheduled, not lost.
    wait_until(&app, "failed attempts", |s| {
        s.len() == 10
            && s.iter().all(|r| r.1 != "sent")
            && s.iter().filter(|r| r.2 >= 2).count() >= 5
    })
    .await;
    let states = outbox_states(&app).await;
    assert!(
        states.iter().all(|r| r.1 == "pending" || r.1 == "sending"),
        "{states:#?}"
    );
    assert!(
        states
            .iter()
            .any(|r| r.3.as_deref().is_some_and(|e| e.contains("onnection"))),
        "{states:#?}"
    );

    let sink = SmtpSink::start_on(port).await;
    sink.wait_for(10, WAIT).await;
    wait_until(&app, "all sent", |s| s.iter().all(|r| r.1 == "sent")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 10, "each message exactly once");
    let ids: HashSet<_> = messages
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), 10);
}

#[tokio::test]
async fn a_temporary_rejection_is_retried() {
    let sink = SmtpSink::start().await;
    sink.fail_next(2, Reply::TransientFailure);
    let app = app_mailing_to(sink.port()).await;
    submit(
        &app,
        &report_on("https://www.example.com/world/a", Some("ana@example.org")),
    )
    .await;
    sink.wait_for(2, WAIT).await;
    wait_until(&app, "both sent", |s| {
        s.len() == 2 && s.iter().all(|r| r.1 == "sent")
    })
    .await;
    assert_eq!(sink.rejected_count(), 2);
    let attempts: i32 = outbox_states(&app).await.iter().map(|r| r.2).sum();
    assert_eq!(attempts, 4, "two messages, two of them rejected once each");
}

#[tokio::test]
async fn a_permanent_rejection_is_dead_and_can_be_retried() {
    let sink = SmtpSink::start().await;
    sink.always(Reply::PermanentFailure);
    let app = app_mailing_to(sink.port()).await;
    submit(
        &app,
        &report_on("https://www.example.com/world/b", Some("ana@example.org")),
    )
    .await;
    wait_until(&app, "dead", |s| {
        s.len() == 2 && s.iter().all(|r| r.1 == "dead")
    })
    .await;
    let states = outbox_states(&app).await;
    assert!(
        states.iter().all(|r| r.2 == 1),
        "no retry after a 5xx: {states:#?}"
    );
    assert!(
        states
            .iter()
            .all(|r| r.3.as_deref().is_some_and(|e| e.contains("554"))),
        "{states:#?}"
    );
    assert!(sink.messages().is_empty());

    // An operator fixes the cause and sends them again.
    sink.always(Reply::Accept);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .args(["outbox", "retry", "--all"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env("DESK__DATABASE__URL", &app.database_url)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("queued 2 message(s) again"));
    sink.wait_for(2, WAIT).await;
    wait_until(&app, "sent after retry", |s| {
        s.iter().all(|r| r.1 == "sent")
    })
    .await;
}

#[tokio::test]
async fn a_restart_leaves_nothing_unsent() {
    let port = free_port();
    let first = app_mailing_to(port).await;
    for i in 0..3 {
        submit(
            &first,
            &report_on(
                &format!("https://www.example.com/world/restart-{i}"),
                Some("ana@example.org"),
            ),
        )
        .await;
    }
    wait_until(&first, "failed attempts", |s| {
        s.len() == 6 && s.iter().all(|r| r.2 >= 1)
    })
    .await;
    first.stop().await;

    let sink = SmtpSink::start_on(port).await;
    let url = first.database_url.clone();
    let second = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = disinfo_desk::config::Secret::new(url);
    })
    .await;
    sink.wait_for(6, WAIT).await;
    wait_until(&second, "all sent", |s| s.iter().all(|r| r.1 == "sent")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 6, "each message once");
}

#[tokio::test]
async fn two_instances_never_send_a_message_twice() {
    if backend() != crate::helpers::TestBackend::Postgres {
        // Several instances share work only on PostgreSQL; SQLite is a single-instance store.
        eprintln!("two_instances_never_send_a_message_twice: PostgreSQL only, skipped on SQLite");
        return;
    }
    let sink = SmtpSink::start().await;
    let first = app_mailing_to(sink.port()).await;
    let url = first.database_url.clone();
    let port = sink.port();
    let second = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = disinfo_desk::config::Secret::new(url);
    })
    .await;
    for i in 0..40 {
        let app = if i % 2 == 0 { &first } else { &second };
        submit(
            app,
            &report_on(
                &format!("https://www.example.com/world/two-{i}"),
                Some("ana@example.org"),
            ),
        )
        .await;
    }
    sink.wait_for(80, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = sink.messages();
    let ids: HashSet<_> = messages
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(messages.len(), 80);
    assert_eq!(ids.len(), 80, "no message delivered twice");
}

#[tokio::test]
async fn the_reporter_can_stop_emails_with_one_click() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port()).await;
    let code = submit(
        &app,
        &report_on("https://www.example.com/world/c", Some("ana@example.org")),
    )
    .await;
    let messages = sink.wait_for(2, WAIT).await;
    let ack = messages
        .iter()
        .find(|m| to(m, "ana@example.org"))
        .expect("ack");
    let link = ack
        .header("List-Unsubscribe")
        .expect("header")
        .trim_matches(|c| c == '<' || c == '>')
        .to_string();
    let path = link
        .strip_prefix("http://127.0.0.1:8080")
        .expect("public URL")
        .to_string();

    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("Stop emails"));
    let unsubscribed = |code: String| {
        app.query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(code))
                .select((reports::reporter_unsubscribed, reports::wants_outcome))
                .first::<(bool, bool)>(conn)
        })
    };
    assert_eq!(
        unsubscribed(code.clone()).await,
        (false, true),
        "a GET changes nothing"
    );

    let done = app.client.post(app.url(&path)).send().await.expect("sent");
    assert_eq!(done.status(), 200);
    assert!(done.text().await.expect("html").contains("no more emails"));
    assert_eq!(unsubscribed(code.clone()).await, (true, false));

    let forged = app
        .get(&format!(
            "/status/{code}/unsubscribe?token=00000000000000000000000000000000"
        ))
        .await;
    assert_eq!(forged.status(), 404);
}

#[tokio::test]
async fn results_are_recorded_while_a_slow_message_is_still_in_flight() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    // A slow server: the acknowledgement to this reporter waits for its 250 until released.
    let hold = sink.hold_replies_to("slow@example.org");

    // Queue six messages with no worker running, so that one worker claims them in one batch.
    let queue = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.notify.worker = false;
    })
    .await;
    for (i, email) in ["slow@example.org", "ana@example.org", "ben@example.org"]
        .into_iter()
        .enumerate()
    {
        submit(
            &queue,
            &report_on(
                &format!("https://www.example.com/world/slow-{i}"),
                Some(email),
            ),
        )
        .await;
    }
    queue.stop().await;
    let url = queue.database_url.clone();
    let app = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = disinfo_desk::config::Secret::new(url);
        // Everything in one batch, all sent at once, and no lease or SMTP deadline running out
        // while the test holds the slow message.
        s.notify.batch_size = 50;
        s.notify.concurrency = 8;
        s.mail.smtp.timeout_secs = 60;
        s.notify.lease_secs = 600;
    })
    .await;

    hold.wait_until_holding(1, WAIT).await;
    // The other five were delivered; their results must reach the outbox now, not after the
    // slowest send of the batch (a crash then would deliver them all again).
    wait_until(&app, "the rest of the batch marked sent", |s| {
        s.iter().filter(|r| r.1 == "sent").count() == 5
    })
    .await;
    let unsent: Vec<(String, String, i32)> = app
        .query(|conn| {
            outbox::table
                .filter(outbox::status.ne("sent"))
                .select((outbox::recipients, outbox::status, outbox::attempts))
                .load(conn)
        })
        .await;
    assert_eq!(
        unsent,
        [(
            r#"["slow@example.org"]"#.to_string(),
            "sending".to_string(),
            1
        )],
        "only the held message is still in flight"
    );
    assert_eq!(sink.messages().len(), 5);

    hold.release();
    wait_until(&app, "the slow message marked sent", |s| {
        s.len() == 6 && s.iter().all(|r| r.1 == "sent" && r.2 == 1)
    })
    .await;
    let messages = sink.wait_for(6, WAIT).await;
    let ids: HashSet<_> = messages
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), 6, "each message once");
}

#[tokio::test]
async fn a_server_that_never_answers_is_given_up_on_after_the_smtp_timeout() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    // lettre's own timeout covers only connecting; a server that goes quiet mid-message must
    // still end the attempt, or the worker's lease could run out under it.
    let hold = sink.hold_replies_to("ana@example.org");
    let app = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.mail.smtp.timeout_secs = 1;
    })
    .await;
    submit(
        &app,
        &report_on(
            "https://www.example.com/world/quiet",
            Some("ana@example.org"),
        ),
    )
    .await;
    wait_until(&app, "the unanswered attempt to fail and be retried", |s| {
        s.iter().any(|r| {
            r.0 == "report_ack"
                && r.2 >= 2
                && r.3
                    .as_deref()
                    .is_some_and(|e| e.contains("no answer from the SMTP server within 1 s"))
        })
    })
    .await;

    hold.release();
    wait_until(&app, "both sent", |s| {
        s.len() == 2 && s.iter().all(|r| r.1 == "sent")
    })
    .await;
    // The server kept what it got before it went quiet, so the reporter may get the message more
    // than once: always with the same Message-ID, so it can be recognised as one.
    let ids: HashSet<_> = sink
        .messages()
        .iter()
        .filter(|m| to(m, "ana@example.org"))
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
}

async fn article_id(app: &TestApp, url: &str) -> i64 {
    use disinfo_desk::storage::schema::articles;
    let url = url.to_string();
    app.query(move |conn| {
        articles::table
            .filter(articles::canonical_url.eq(url))
            .select(articles::id)
            .first(conn)
    })
    .await
}

/// The path of an absolute link to this app (`server.public_url` is http://127.0.0.1:8080).
fn local_path(link: &str) -> &str {
    link.strip_prefix("http://127.0.0.1:8080")
        .unwrap_or_else(|| panic!("not an absolute link to the app: {link}"))
}

#[tokio::test]
async fn a_desk_alert_names_the_article_and_links_into_the_dashboard() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port()).await;
    let url = "https://www.example.com/world/2026/11/flood-figures";
    let code = submit(&app, &report_on(url, None)).await;
    let id = article_id(&app, url).await;
    let alert = sink.wait_for(1, WAIT).await.remove(0);
    assert_eq!(
        alert.subject(),
        "[World desk] New report: /world/2026/11/flood-figures"
    );
    let article_link = format!("http://127.0.0.1:8080/desk/articles/{id}");
    let report_link = format!("http://127.0.0.1:8080/desk/reports/{code}");
    let text = alert.text_body().expect("text");
    let html = alert.html_body().expect("html");
    for link in [&article_link, &report_link] {
        assert!(text.contains(link.as_str()), "{link} in {text}");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{link} in {html}"
        );
        // The links lead to real dashboard pages (the sign-in first, without a session).
        let response = app
            .client
            .get(app.url(local_path(link)))
            .send()
            .await
            .expect("sent");
        assert_ne!(response.status(), 404, "{link}");
    }
}

#[tokio::test]
async fn a_digest_leaves_out_what_was_decided_and_says_so() {
    use disinfo_desk::dashboard::accounts::Role;

    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| {
        smtp_to(s, sink.port());
        s.notify.alert_window_secs = 4;
    })
    .await;
    let token =
        crate::editor_api::editor_token(&app, "chief@example.com", Role::Editor, &["world"]).await;
    let decide = |code: String| {
        let app = &app;
        let token = &token;
        async move {
            let (status, body) = crate::editor_api::post(
                app,
                token,
                &format!("/api/v1/desk/reports/{code}/transition"),
                json!({"to": "rejected", "note": "Not about this article."}),
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
    };

    // One article: the alert, then three more reports, two of them decided before the digest.
    let url = "https://www.example.com/world/2026/11/flood-figures";
    submit(&app, &report_on(url, None)).await;
    let mut later = Vec::new();
    for _ in 0..3 {
        later.push(submit(&app, &report_on(url, None)).await);
    }
    decide(later[0].clone()).await;
    decide(later[1].clone()).await;

    // Another: the alert, then one more report, decided before the digest: no digest at all.
    let quiet = "https://www.example.com/world/2026/11/quiet-story";
    submit(&app, &report_on(quiet, None)).await;
    let decided = submit(&app, &report_on(quiet, None)).await;
    decide(decided).await;

    wait_until(&app, "both digests handled", |s| {
        s.iter().filter(|r| r.0 == "desk_digest").count() == 2
            && s.iter()
                .filter(|r| r.0 == "desk_digest")
                .all(|r| r.1 == "sent" || r.1 == "cancelled")
    })
    .await;
    let digests: Vec<ReceivedMessage> = sink
        .messages()
        .into_iter()
        .filter(|m| m.subject().contains("new report"))
        .collect();
    assert_eq!(
        digests.len(),
        1,
        "{:?}",
        digests.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    let digest = &digests[0];
    assert_eq!(
        digest.subject(),
        "[World desk] 1 new report: /world/2026/11/flood-figures"
    );
    let text = digest.text_body().expect("text");
    assert!(
        text.contains(&format!("http://127.0.0.1:8080/desk/reports/{}", later[2])),
        "{text}"
    );
    assert!(
        !text.contains(&later[0]) && !text.contains(&later[1]),
        "{text}"
    );
    assert!(
        text.contains("2 reports were already decided and are left out."),
        "{text}"
    );
    assert!(
        digest
            .html_body()
            .expect("html")
            .contains("2 reports were already decided and are left out."),
    );
    let id = article_id(&app, url).await;
    assert!(
        text.contains(&format!("http://127.0.0.1:8080/desk/articles/{id}")),
        "{text}"
    );

    let cancelled: Vec<Option<String>> = outbox_states(&app)
        .await
        .into_iter()
        .filter(|r| r.0 == "desk_digest" && r.1 == "cancelled")
        .map(|r| r.3)
        .collect();
    assert_eq!(
        cancelled,
        [Some(
            "every report it would list was decided before it went out".to_string()
        )]
    );
}

/// `mail.smtp.tls = "tls"` speaks TLS (rustls) from the first byte: a plain-text server is not
/// mistaken for a secure one, and nothing is sent to it in clear.
#[tokio::test]
async fn implicit_tls_refuses_a_plain_text_server() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| {
        smtp_to(s, sink.port());
        s.mail.smtp.tls = disinfo_desk::config::SmtpTls::Tls;
        s.mail.smtp.timeout_secs = 3;
    })
    .await;
    submit(
        &app,
        &report_on("https://www.example.com/world/2026/11/tls", None),
    )
    .await;
    wait_until(&app, "a failed attempt", |s| {
        s.iter().any(|r| r.2 >= 1 && r.3.is_some())
    })
    .await;
    let error = outbox_states(&app).await[0].3.clone().unwrap_or_default();
    assert!(
        error.to_lowercase().contains("tls") || error.contains("corrupt"),
        "{error}"
    );
    assert!(sink.messages().is_empty(), "nothing delivered in clear");
}
