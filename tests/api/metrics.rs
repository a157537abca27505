//! `/metrics`: Prometheus text with what happened (requests by route pattern, reports, deliveries)
//! and what is counted (open reports, outbox states, the pool), for allowed scrapers only.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{TestApp, smtp_to, spawn_app, spawn_app_with, valid_report};
use crate::smtp_sink::SmtpSink;

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("application/openmetrics-text"))
    );
    response.text().await.expect("text")
}

#[tokio::test]
async fn metrics_count_requests_by_route_reports_deliveries_and_open_reports() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let app = spawn_app_with(|s| smtp_to(s, port)).await;
    let created: Value = app
        .post_report(&valid_report())
        .await
        .json()
        .await
        .expect("json");
    let code = created["tracking_code"].as_str().expect("code").to_string();
    assert_eq!(app.get(&format!("/status/{code}")).await.status(), 200);
    // The acknowledgement and the desk alert.
    sink.wait_for(2, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(600)).await;

    let text = scrape(&app).await;
    for expected in [
        r#"desk_reports_received_total{category="false_claim",channel="api"} 1"#,
        r#"desk_http_requests_total{method="POST",route="/api/v1/reports",status="201"} 1"#,
        r#"desk_http_requests_total{method="GET",route="/status/{code}",status="200"} 1"#,
        r#"desk_open_reports{desk="world",status="new"} 1"#,
        r#"desk_outbox_deliveries_total{kind="report_ack",result="sent"} 1"#,
        r#"desk_outbox_delivery_latency_seconds_count{kind="report_ack"} 1"#,
        r#"desk_outbox_messages{state="sent"} 2"#,
        "desk_db_pool_max_connections 4",
        "desk_http_request_duration_seconds_bucket",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    // The writer's figures (both backends batch intake): the report was one request of a
    // committed batch.
    for figure in ["batches", "requests"] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!(r#"desk_db_writer{{figure="{figure}"}} "#)))
            .unwrap_or_else(|| panic!("{figure} missing from:\n{text}"));
        let value: i64 = line
            .rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number");
        assert!(value >= 1, "{line}");
    }
    assert!(
        text.contains(r#"desk_db_writer{figure="failed_batches"} 0"#),
        "{text}"
    );
    assert!(
        text.contains(r#"desk_db_writer{figure="refused_full"} 0"#),
        "{text}"
    );
    assert!(!text.contains(&code), "never the raw path");
    assert!(!text.contains("ana@example.org"));
}

#[tokio::test]
async fn metrics_answer_only_allowed_addresses_or_the_bearer_token() {
    let open_to_loopback = spawn_app().await;
    assert_eq!(open_to_loopback.get("/metrics").await.status(), 200);

    let app = spawn_app_with(|s| {
        s.metrics.allow = Vec::new();
        s.metrics.token = disinfo_desk::config::Secret::new("scrape-token-0123456789abcdef");
    })
    .await;
    assert_eq!(app.get("/metrics").await.status(), 403);
    let with = |token: &'static str| {
        app.client
            .get(app.url("/metrics"))
            .header("Authorization", format!("Bearer {token}"))
            .send()
    };
    assert_eq!(with("wrong").await.expect("sent").status(), 403);
    let scraped = with("scrape-token-0123456789abcdef").await.expect("sent");
    assert_eq!(scraped.status(), 200);
    assert!(scraped.text().await.expect("text").contains("# EOF"));
}
