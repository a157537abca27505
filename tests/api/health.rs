use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = spawn_app_with(|s| {
        s.database.pool_size = 1;
        s.database.connect_timeout_secs = 1;
    })
    .await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);

    // With the only connection taken, the database is unreachable for the app.
    let held = app.db.get().expect("the one connection");
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    // A public probe names no host, port, path or driver message.
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["reason"], "the database cannot be reached", "{body}");
    drop(held);

    assert_eq!(app.get("/readyz").await.status(), 200);
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/report",
        "/status",
        "/no/such/page",
        "/api/v1/reports/XXXX",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            headers.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
        assert_eq!(
            headers.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"no-referrer"[..]),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_paths_are_404_in_the_right_format() {
    let app = spawn_app().await;
    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.expect("json");
    assert_eq!(body["error"], "not_found");

    let page = app.get("/nothing").await;
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn the_stylesheet_is_served() {
    let app = spawn_app().await;
    let response = app.get("/static/site.css").await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .expect("text")
            .contains(".field-error")
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_trusted_proxy_can_set_it() {
    let app = crate::helpers::spawn_app().await;
    let first = app.get("/healthz").await;
    let id = first.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(id.len(), 24, "{id}");
    let second = app.get("/healthz").await;
    assert_ne!(
        second.headers()["x-request-id"],
        id.as_str(),
        "one id per request"
    );
    // From a client that is not our proxy, its own id is not believed.
    let untrusted = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "chosen-by-client")
        .send()
        .await
        .expect("sent");
    assert_ne!(untrusted.headers()["x-request-id"], "chosen-by-client");

    let behind_proxy = crate::helpers::spawn_app_with(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    let forwarded = behind_proxy
        .client
        .get(behind_proxy.url("/report"))
        .header("X-Request-Id", "edge-7f3a.42")
        .send()
        .await
        .expect("sent");
    assert_eq!(forwarded.headers()["x-request-id"], "edge-7f3a.42");
    let forged = behind_proxy
        .client
        .get(behind_proxy.url("/report"))
        .header("X-Request-Id", "a".repeat(200))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        forged.headers()["x-request-id"].len(),
        24,
        "too long: replaced"
    );
}
