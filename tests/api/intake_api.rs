use diesel::prelude::*;
use disinfo_desk::storage::schema::{articles, report_events, reports};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, valid_report};

#[tokio::test]
async fn a_valid_report_is_stored_and_acknowledged() {
    let app = spawn_app().await;
    let response = app.post_report(&valid_report()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let body: Value = response.json().await.expect("json");

    let code = body["tracking_code"].as_str().expect("code").to_string();
    assert_eq!(location, format!("/api/v1/reports/{code}"));
    assert_eq!(body["status"], "received");
    assert_eq!(body["public_status"], "Received");
    assert_eq!(
        body["status_url"],
        format!("http://127.0.0.1:8080/status/{code}")
    );
    assert_eq!(
        body["article"]["canonical_url"],
        "https://www.example.com/world/2026/11/flood-figures"
    );
    assert_eq!(body["article"]["report_count"], 1);

    let stored = code.clone();
    let (channel, email, evidence, status, client_hash, events): (
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        i64,
    ) = app
        .query(move |conn| {
            let (id, channel, email, evidence, status, client_hash) = reports::table
                .filter(reports::tracking_code.eq(&stored))
                .select((
                    reports::id,
                    reports::channel,
                    reports::reporter_email,
                    reports::evidence_urls,
                    reports::status,
                    reports::client_hash,
                ))
                .first::<(i64, String, Option<String>, String, String, Option<String>)>(conn)?;
            let events = report_events::table
                .filter(report_events::report_id.eq(id))
                .filter(report_events::kind.eq("created"))
                .count()
                .get_result::<i64>(conn)?;
            Ok((channel, email, evidence, status, client_hash, events))
        })
        .await;
    assert_eq!(channel, "api");
    assert_eq!(email.as_deref(), Some("ana@example.org"));
    assert_eq!(evidence, r#"["https://gov.example.org/bulletin/42"]"#);
    assert_eq!(status, "new");
    assert_eq!(events, 1, "a created event is written with the report");
    let hash = client_hash.expect("client hash stored");
    assert_eq!(hash.len(), 32);
    assert!(
        !hash.contains("127.0.0.1"),
        "the address itself is never stored"
    );
}

#[tokio::test]
async fn links_to_one_article_group_together() {
    let app = spawn_app().await;
    let variants = [
        "https://www.example.com/world/2026/11/flood-figures",
        "https://m.example.com/world/2026/11/flood-figures/amp?utm_source=twitter",
        "HTTPS://EXAMPLE.COM:443/world/2026/11/flood-figures/#comments",
        "www.example.com/world/2026/11/flood-figures?fbclid=abc",
    ];
    for (i, url) in variants.iter().enumerate() {
        let mut report = valid_report();
        report["article_url"] = json!(url);
        let response = app.post_report(&report).await;
        assert_eq!(response.status(), 201, "{url}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(
            body["article"]["canonical_url"],
            "https://www.example.com/world/2026/11/flood-figures"
        );
        assert_eq!(body["article"]["report_count"], (i + 1) as i64, "{url}");
    }
    let (article_rows, open): (i64, i64) = app
        .query(|conn| {
            let n = articles::table.count().get_result(conn)?;
            let open = articles::table
                .select(articles::open_report_count)
                .first(conn)?;
            Ok((n, open))
        })
        .await;
    assert_eq!(article_rows, 1);
    assert_eq!(open, 4);
}

async fn assert_field_error(
    app: &crate::helpers::TestApp,
    report: Value,
    field: &str,
    needle: &str,
) {
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 422, "{field}: {report}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "validation_failed");
    let messages = body["fields"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no message for {field}: {body}"));
    assert!(
        messages
            .iter()
            .any(|m| m.as_str().unwrap_or_default().contains(needle)),
        "{field}: expected a message containing {needle:?}, got {messages:?}"
    );
}

#[tokio::test]
async fn each_invalid_field_gets_its_own_message() {
    let app = spawn_app().await;
    let with = |field: &str, value: Value| {
        let mut report = valid_report();
        report[field] = value;
        report
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with("article_url", json!("")),
            "article_url",
            "Enter the address",
        ),
        (
            with("article_url", json!("ftp://www.example.com/x")),
            "article_url",
            "only http and https",
        ),
        (
            with("article_url", json!("javascript:alert(1)")),
            "article_url",
            "javascript",
        ),
        (
            with("article_url", json!("https://user:pw@www.example.com/x")),
            "article_url",
            "user name or password",
        ),
        (
            with(
                "article_url",
                json!(format!("https://www.example.com/{}", "a".repeat(2100))),
            ),
            "article_url",
            "too long",
        ),
        (
            with("article_url", json!("https://evil.test/world/story")),
            "article_url",
            "not one of our sites",
        ),
        (
            with("category", json!("gossip")),
            "category",
            "listed categories",
        ),
        (with("category", json!("")), "category", "required"),
        (with("explanation", json!("")), "explanation", "required"),
        (
            with("explanation", json!("too short")),
            "explanation",
            "between 10 and 5000",
        ),
        (
            with("explanation", json!("x".repeat(5001))),
            "explanation",
            "between 10 and 5000",
        ),
        (
            with("passage", json!("p".repeat(2001))),
            "passage",
            "at most 2000",
        ),
        (
            with(
                "evidence_urls",
                json!(
                    (0..6)
                        .map(|i| format!("https://a.test/{i}"))
                        .collect::<Vec<_>>()
                ),
            ),
            "evidence_urls",
            "at most 5",
        ),
        (
            with("evidence_urls", json!(["not a link"])),
            "evidence_urls",
            "starting with http:// or https://",
        ),
        (
            with("language", json!("english please")),
            "language",
            "language",
        ),
        (
            with("reporter_name", json!("n".repeat(201))),
            "reporter_name",
            "at most 200",
        ),
        (
            with("reporter_email", json!("ana-at-example.org")),
            "reporter_email",
            "email address",
        ),
        (
            with("reporter_email", json!(null)),
            "reporter_email",
            "tell you the outcome",
        ),
    ];
    for (report, field, needle) in cases {
        let needle = needle.to_lowercase();
        let response = app.post_report(&report).await;
        assert_eq!(response.status(), 422, "{field}");
        let body: Value = response.json().await.expect("json");
        let messages = body["fields"][field]
            .as_array()
            .unwrap_or_else(|| panic!("no message for {field}: {body}"));
        assert!(
            messages.iter().any(|m| m
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(&needle)),
            "{field}: expected {needle:?} in {messages:?}"
        );
    }
    let stored: i64 = app
        .query(|conn| reports::table.count().get_result(conn))
        .await;
    assert_eq!(stored, 0, "nothing invalid is stored");
}

#[tokio::test]
async fn all_problems_are_reported_at_once() {
    let app = spawn_app().await;
    let response = app.post_report(&json!({})).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    for field in ["article_url", "category", "explanation"] {
        assert!(body["fields"][field].is_array(), "{field} in {body}");
    }
}

#[tokio::test]
async fn impersonation_reports_may_be_about_other_sites() {
    let app = spawn_app().await;
    let mut report = valid_report();
    report["article_url"] = json!("https://examp1e-times.test/fake-story?utm_medium=social");
    assert_field_error(&app, report.clone(), "article_url", "not one of our sites").await;
    report["category"] = json!("impersonation");
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["article"]["canonical_url"],
        "https://examp1e-times.test/fake-story"
    );
}

#[tokio::test]
async fn malformed_bodies_are_400_naming_the_field() {
    let app = spawn_app().await;
    let send = |body: &'static str| {
        app.client
            .post(app.url("/api/v1/reports"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let response = send("{not json").await.expect("sent");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "malformed_request");

    let response = send(r#"{"article_url": "https://www.example.com/a", "secret_field": 1}"#)
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert!(body["fields"]["secret_field"].is_array(), "{body}");

    let response = send(r#"{"explanation": 42}"#).await.expect("sent");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert!(body["fields"]["explanation"].is_array(), "{body}");

    let response = send(r#"{"evidence_urls": "https://a.test"}"#)
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert!(body["fields"]["evidence_urls"].is_array(), "{body}");
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("Content-Type", "text/plain")
        .body(valid_report().to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "unsupported_media_type");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("application/json")
    );
}

#[tokio::test]
async fn bodies_over_64_kib_are_413() {
    let app = spawn_app().await;
    let mut report = valid_report();
    report["explanation"] = json!("x".repeat(70 * 1024));
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "payload_too_large");

    // Chunked, with no Content-Length to refuse early: still stopped at the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 4096])).collect();
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn idempotency_key_replays_the_first_answer() {
    let app = spawn_app().await;
    let send = |key: &'static str, report: Value| {
        app.client
            .post(app.url("/api/v1/reports"))
            .header("Idempotency-Key", key)
            .json(&report)
            .send()
    };
    let first = send("retry-7f3a", valid_report()).await.expect("sent");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");

    let second = send("retry-7f3a", valid_report()).await.expect("sent");
    assert_eq!(second.status(), 201);
    assert_eq!(
        second
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    let second: Value = second.json().await.expect("json");
    assert_eq!(first, second, "the retry gets the first answer, unchanged");

    let stored: i64 = app
        .query(|conn| reports::table.count().get_result(conn))
        .await;
    assert_eq!(stored, 1, "a retry stores nothing new");

    let mut other = valid_report();
    other["explanation"] = json!("A different complaint about a different paragraph.");
    let reused = send("retry-7f3a", other).await.expect("sent");
    assert_eq!(reused.status(), 422);
    let body: Value = reused.json().await.expect("json");
    assert_eq!(body["error"], "idempotency_key_reused");

    let fresh = send("retry-other", valid_report()).await.expect("sent");
    assert_eq!(fresh.status(), 201);
    let stored: i64 = app
        .query(|conn| reports::table.count().get_result(conn))
        .await;
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn an_unusable_idempotency_key_is_400() {
    let app = spawn_app().await;
    let long_key = "k".repeat(300);
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("Idempotency-Key", long_key)
        .json(&valid_report())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Idempotency-Key")
    );
}

#[tokio::test]
async fn concurrent_reports_on_a_hot_article_are_all_kept() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = app.client.clone();
        let url = app.url("/api/v1/reports");
        let mut report = valid_report();
        report["explanation"] = json!(format!("Report number {i}: the figure is wrong."));
        tasks.push(tokio::spawn(async move {
            let response = client.post(url).json(&report).send().await.expect("sent");
            assert_eq!(response.status(), 201);
            let body: Value = response.json().await.expect("json");
            body["tracking_code"].as_str().expect("code").to_string()
        }));
    }
    let mut codes = std::collections::HashSet::new();
    for task in tasks {
        codes.insert(task.await.expect("task"));
    }
    assert_eq!(codes.len(), 40, "every report got its own code");
    let (reports, count): (i64, i64) = app
        .query(|conn| {
            let n = reports::table.count().get_result(conn)?;
            let count = articles::table.select(articles::report_count).first(conn)?;
            Ok((n, count))
        })
        .await;
    assert_eq!((reports, count), (40, 40));
}

/// PostgreSQL: the server ends every connection of the writer threads while they sit idle (a
/// restart, a failover, an idle-session timeout). Each thread finds out at its next batch's
/// BEGIN and opens a new connection then: every report after that is stored, none answered 503.
#[tokio::test]
async fn writer_connections_the_server_ended_are_replaced_before_the_next_batch() {
    use futures_util::StreamExt;
    let app = spawn_app().await;
    if app.db.backend() != disinfo_desk::storage::Backend::Postgres {
        return;
    }
    // Reports at once, so that both writer threads have opened their connections.
    let statuses: Vec<u16> = futures_util::stream::iter(0..20)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/api/v1/reports"))
                .json(&valid_report());
            async move { request.send().await.expect("sent").status().as_u16() }
        })
        .buffer_unordered(20)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    allow_connections(&app, false);
    allow_connections(&app, true);
    // One after another: the threads take turns at the queue, so each meets its dead connection.
    for n in 0..6 {
        let response = app.post_report(&valid_report()).await;
        assert_eq!(
            response.status(),
            201,
            "report {n} after the connections ended"
        );
    }
}

/// PostgreSQL: from the server's maintenance database, lets the app's database take connections
/// or not; when not, ends every connection to it.
fn allow_connections(app: &TestApp, allow: bool) {
    use diesel::connection::SimpleConnection;
    let admin = std::env::var("DESK_TEST_POSTGRES_URL").expect("the test server");
    let mut conn = diesel::PgConnection::establish(&admin).expect("the maintenance database");
    let name = app
        .database_url
        .rsplit('/')
        .next()
        .expect("a database name")
        .to_string();
    let mut sql = format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allow};");
    if !allow {
        sql.push_str(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
        ));
    }
    conn.batch_execute(&sql)
        .expect("the database's connections changed");
}

/// The database cannot take the write. On SQLite, whose writer has a connection of its own,
/// another connection holds the file's write lock for longer than `sqlite_busy_timeout_ms`. On
/// PostgreSQL, whose writer threads have connections of their own too, the database stops taking
/// connections and every connection to it is ended, the writers' with them, as when the server
/// goes away.
#[tokio::test]
async fn database_unavailable_is_503_and_nothing_is_acknowledged() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app_with(|s| {
        s.database.pool_size = 1;
        s.database.connect_timeout_secs = 1;
        s.database.sqlite_busy_timeout_ms = 200;
    })
    .await;
    let mut held = app.db.get().expect("the one connection");
    let sqlite = app.db.backend() == disinfo_desk::storage::Backend::Sqlite;
    if sqlite {
        held.batch_execute("BEGIN IMMEDIATE")
            .expect("the write lock");
    } else {
        allow_connections(&app, false);
    }
    let response = app.post_report(&valid_report()).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "unavailable");
    if sqlite {
        held.batch_execute("ROLLBACK").expect("the lock released");
        drop(held);
    } else {
        // The pool's one connection, ended with the others: the pool replaces it.
        drop(held);
        allow_connections(&app, true);
        // Until a connection succeeds again, the app answers 503 at once without trying.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while app.db.ping().await.is_err() {
            assert!(std::time::Instant::now() < deadline, "never reconnected");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    let stored: i64 = app
        .query(|conn| reports::table.count().get_result(conn))
        .await;
    assert_eq!(stored, 0);
    // The writer connects again too: the next report is stored.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let response = app.post_report(&valid_report()).await;
        if response.status() == 201 {
            break;
        }
        assert_eq!(response.status(), 503);
        assert!(std::time::Instant::now() < deadline, "never stored again");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
