//! The editor API: bearer tokens, the report list, the lifecycle, assignment, notes, resolving a
//! whole article, and the emails these send.

use std::path::Path;
use std::time::Duration;

use disinfo_desk::dashboard::{self, accounts::Role};
use serde_json::{Value, json};

use crate::helpers::{TestApp, smtp_to, spawn_app, spawn_app_with, valid_report};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);

/// Creates an account on the app's database and returns a live token for it.
pub(crate) async fn editor_token(app: &TestApp, email: &str, role: Role, desks: &[&str]) -> String {
    let db = app.db.clone();
    let email = email.to_string();
    let desks: Vec<String> = desks.iter().map(|d| d.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        dashboard::create_user(
            &db,
            &routing,
            &email,
            "Test Editor",
            role,
            "a long and unusual passphrase",
            &desks,
        )
        .expect("user created");
        dashboard::create_token(&db, &email, "tests")
            .expect("token")
            .1
    })
    .await
    .expect("task")
}

async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    call(app, token, reqwest::Method::GET, path, None).await
}

pub(crate) async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(app, token, reqwest::Method::POST, path, Some(body)).await
}

async fn submit(app: &TestApp, url: &str, email: Option<&str>) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(url);
    report["reporter_email"] = json!(email);
    report["wants_outcome"] = json!(email.is_some());
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

#[tokio::test]
async fn the_editor_api_needs_a_live_token() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/desk/reports").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (status, body) = get(&app, "desk_not-a-real-token", "/api/v1/desk/reports").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );

    let token = editor_token(&app, "ed@example.com", Role::Editor, &["world"]).await;
    assert_eq!(get(&app, &token, "/api/v1/desk/reports").await.0, 200);

    let db = app.db.clone();
    tokio::task::spawn_blocking(move || dashboard::disable_user(&db, "ed@example.com"))
        .await
        .expect("task")
        .expect("disabled");
    assert_eq!(
        get(&app, &token, "/api/v1/desk/reports").await.0,
        401,
        "a disabled account's tokens stop working"
    );
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let app = spawn_app().await;
    let token = editor_token(&app, "ed@example.com", Role::Editor, &[]).await;
    let db = app.db.clone();
    let second = tokio::task::spawn_blocking(move || {
        dashboard::create_token(&db, "ed@example.com", "laptop")
    })
    .await
    .expect("task")
    .expect("token");
    assert_eq!(get(&app, &second.1, "/api/v1/desk/reports").await.0, 200);
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || dashboard::revoke_token(&db, second.0))
        .await
        .expect("task")
        .expect("revoked");
    assert_eq!(get(&app, &second.1, "/api/v1/desk/reports").await.0, 401);
    assert_eq!(
        get(&app, &token, "/api/v1/desk/reports").await.0,
        200,
        "other tokens keep working"
    );
}

#[tokio::test]
async fn the_list_filters_and_pages() {
    let app = spawn_app().await;
    let token = editor_token(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let mut world = Vec::new();
    for i in 0..7 {
        world.push(
            submit(
                &app,
                &format!("https://www.example.com/world/page-{i}"),
                None,
            )
            .await,
        );
    }
    let politics = submit(&app, "https://www.example.com/politics/budget", None).await;

    let (status, body) = get(&app, &token, "/api/v1/desk/reports?desk=politics").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = body["reports"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["tracking_code"].as_str())
        .collect();
    assert_eq!(codes, [politics.as_str()]);

    // Keyset pages of 3, newest first, no overlap, ending with no cursor.
    let mut seen = Vec::new();
    let mut path = "/api/v1/desk/reports?desk=world&limit=3".to_string();
    loop {
        let (_, body) = get(&app, &token, &path).await;
        for r in body["reports"].as_array().expect("list") {
            seen.push(r["tracking_code"].as_str().expect("code").to_string());
        }
        match body["next"].as_i64() {
            Some(cursor) => {
                path = format!("/api/v1/desk/reports?desk=world&limit=3&before={cursor}")
            }
            None => break,
        }
    }
    world.reverse();
    assert_eq!(seen, world);

    let (_, body) = get(&app, &token, "/api/v1/desk/reports?q=page-3").await;
    assert_eq!(
        body["reports"].as_array().map(Vec::len),
        Some(1),
        "text search over the URL"
    );
    let (_, body) = get(
        &app,
        &token,
        "/api/v1/desk/reports?status=open&assignee=unassigned&category=false_claim",
    )
    .await;
    assert_eq!(body["reports"].as_array().map(Vec::len), Some(8));
    let (status, body) = get(
        &app,
        &token,
        "/api/v1/desk/reports?status=pending&desk=sport&from=yesterday",
    )
    .await;
    assert_eq!(status, 422);
    for field in ["status", "desk", "from"] {
        assert!(body["fields"][field].is_array(), "{field}: {body}");
    }
}

#[tokio::test]
async fn the_lifecycle_is_enforced_and_the_reporter_hears_the_outcome() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let token = editor_token(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let code = submit(
        &app,
        "https://www.example.com/world/outcome",
        Some("ana@example.org"),
    )
    .await;
    sink.wait_for(2, WAIT).await; // acknowledgement and desk alert
    let path = |action: &str| format!("/api/v1/desk/reports/{code}/{action}");

    let (status, _) = post(&app, &token, &path("transition"), json!({"to": "triaged"})).await;
    assert_eq!(status, 200);
    let (status, body) = post(&app, &token, &path("transition"), json!({"to": "reopened"})).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"], "illegal_transition");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("investigating"),
        "{body}"
    );

    let (status, body) = post(
        &app,
        &token,
        &path("transition"),
        json!({"to": "corrected", "note": "Fixed the figure."}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["correction_url"].is_array(), "{body}");
    let (status, body) = post(
        &app,
        &token,
        &path("transition"),
        json!({"to": "corrected", "nope": 1}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["fields"]["nope"].is_array());

    let (status, _) = post(
        &app,
        &token,
        &path("transition"),
        json!({"to": "corrected", "note": "We corrected the evacuation figure to 1,000.", "correction_url": "https://www.example.com/corrections/2026-11-27"}),
    )
    .await;
    assert_eq!(status, 200);

    let messages = sink.wait_for(3, WAIT).await;
    let outcome = messages
        .iter()
        .find(|m| m.subject().starts_with("The outcome of your report"))
        .expect("outcome email");
    assert_eq!(outcome.rcpt_to, ["ana@example.org"]);
    assert!(outcome.subject().contains("Corrected"));
    let text = outcome.text_body().expect("text");
    assert!(text.contains("We corrected the evacuation figure to 1,000."));
    assert!(text.contains("https://www.example.com/corrections/2026-11-27"));
    assert!(outcome.header("List-Unsubscribe").is_some());

    let (_, detail) = get(&app, &token, &format!("/api/v1/desk/reports/{code}")).await;
    assert_eq!(detail["status"], "corrected");
    assert_eq!(detail["article"]["open_report_count"], 0);
    let events: Vec<(String, String)> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or_default().into(),
                e["actor"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(events[0], ("created".to_string(), "api".to_string()));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.0 == "status_changed" && e.1 == "editor:ed@example.com")
            .count(),
        2
    );

    let public: Value = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(public["public_status"], "Corrected");

    // An appeal reopens it; the article counts it as open again.
    let (status, _) = post(
        &app,
        &token,
        &path("transition"),
        json!({"to": "reopened", "note": "Reader appealed."}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, detail) = get(&app, &token, &format!("/api/v1/desk/reports/{code}")).await;
    assert_eq!(detail["article"]["open_report_count"], 1);
}

#[tokio::test]
async fn duplicates_name_an_existing_report() {
    let app = spawn_app().await;
    let token = editor_token(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let first = submit(&app, "https://www.example.com/world/dup", None).await;
    let second = submit(&app, "https://www.example.com/world/dup", None).await;
    let path = format!("/api/v1/desk/reports/{second}/transition");
    let (status, body) = post(
        &app,
        &token,
        &path,
        json!({"to": "duplicate", "duplicate_of": "K7QXM2-PDH9TA"}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["duplicate_of"].is_array());
    let (status, _) = post(
        &app,
        &token,
        &path,
        json!({"to": "duplicate", "duplicate_of": first}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn assignment_notes_and_their_emails() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let token = editor_token(&app, "chief@example.com", Role::Editor, &["world"]).await;
    editor_token(&app, "deputy@example.com", Role::Editor, &["world"]).await;
    editor_token(&app, "politics@example.com", Role::Editor, &["politics"]).await;
    let code = submit(&app, "https://www.example.com/world/assign", None).await;
    sink.wait_for(1, WAIT).await; // desk alert
    let path = format!("/api/v1/desk/reports/{code}/assign");

    let (status, body) = post(
        &app,
        &token,
        &path,
        json!({"assignee": "politics@example.com"}),
    )
    .await;
    assert_eq!(status, 422, "not an editor of this desk: {body}");
    let (status, _) = post(
        &app,
        &token,
        &path,
        json!({"assignee": "deputy@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let messages = sink.wait_for(2, WAIT).await;
    let assigned = messages
        .iter()
        .find(|m| m.rcpt_to == ["deputy@example.com"])
        .expect("assignment email");
    assert_eq!(
        assigned.subject(),
        format!("Assigned to you: report {code} on /world/assign")
    );
    let text = assigned.text_body().expect("text");
    assert!(
        text.contains(&format!("http://127.0.0.1:8080/desk/reports/{code}")),
        "{text}"
    );
    assert!(
        text.contains("http://127.0.0.1:8080/desk/articles/"),
        "{text}"
    );

    let (status, _) = post(&app, &token, &path, json!({"assignee": "me"})).await;
    assert_eq!(status, 200);
    let (_, mine) = get(&app, &token, "/api/v1/desk/reports?assignee=me").await;
    assert_eq!(mine["reports"].as_array().map(Vec::len), Some(1));

    let (status, _) = post(
        &app,
        &token,
        &format!("/api/v1/desk/reports/{code}/notes"),
        json!({"note": "Called the photographer."}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, detail) = get(&app, &token, &format!("/api/v1/desk/reports/{code}")).await;
    assert!(
        detail["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["note"] == "Called the photographer.")
    );
    let public = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(!public.contains("photographer"), "notes are internal");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sink.messages().len(),
        2,
        "assigning to oneself sends nothing"
    );
}

#[tokio::test]
async fn resolving_an_article_resolves_all_its_open_reports() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let token = editor_token(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let codes = [
        submit(
            &app,
            "https://www.example.com/world/all",
            Some("a@example.org"),
        )
        .await,
        submit(
            &app,
            "https://m.example.com/world/all",
            Some("b@example.org"),
        )
        .await,
        submit(&app, "https://www.example.com/world/all?utm_source=x", None).await,
    ];
    let (_, first) = get(&app, &token, &format!("/api/v1/desk/reports/{}", codes[0])).await;
    let article = first["article"]["id"].as_i64().expect("article id");
    post(
        &app,
        &token,
        &format!("/api/v1/desk/reports/{}/transition", codes[1]),
        json!({"to": "triaged"}),
    )
    .await;

    let (status, body) = post(
        &app,
        &token,
        &format!("/api/v1/desk/articles/{article}/resolve"),
        json!({"outcome": "no_error", "note": "Checked against the bulletin: correct."}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["resolved"], 3);
    for code in &codes {
        let (_, detail) = get(&app, &token, &format!("/api/v1/desk/reports/{code}")).await;
        assert_eq!(detail["status"], "no_error");
        assert_eq!(detail["article"]["open_report_count"], 0);
    }
    let (status, _) = post(
        &app,
        &token,
        &format!("/api/v1/desk/articles/{article}/resolve"),
        json!({"outcome": "triaged"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = post(
        &app,
        &token,
        "/api/v1/desk/articles/999999/resolve",
        json!({"outcome": "no_error", "note": "x"}),
    )
    .await;
    assert_eq!(status, 404);

    // Two acknowledgements, one desk alert, one digest later; two outcome emails now.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let outcomes: Vec<_> = sink
            .messages()
            .into_iter()
            .filter(|m| m.subject().starts_with("The outcome of your report"))
            .collect();
        if outcomes.len() == 2 {
            let mut to: Vec<_> = outcomes.iter().flat_map(|m| m.rcpt_to.clone()).collect();
            to.sort();
            assert_eq!(to, ["a@example.org", "b@example.org"]);
            assert!(
                outcomes[0]
                    .text_body()
                    .unwrap_or_default()
                    .contains("Checked against the bulletin")
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "outcome emails: {:?}",
            sink.messages()
                .iter()
                .map(|m| m.subject())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn dead_messages_are_for_admins() {
    let app = spawn_app().await;
    let editor = editor_token(&app, "ed@example.com", Role::Editor, &[]).await;
    let admin = editor_token(&app, "admin@example.com", Role::Admin, &[]).await;
    let (status, _) = get(&app, &editor, "/api/v1/desk/outbox/dead").await;
    assert_eq!(status, 403);
    let (status, body) = get(&app, &admin, "/api/v1/desk/outbox/dead").await;
    assert_eq!(status, 200);
    assert_eq!(body["messages"], json!([]));
    let (status, _) = post(&app, &admin, "/api/v1/desk/outbox/12345/retry", json!({})).await;
    assert_eq!(status, 404);
}

#[test]
fn the_cli_refuses_common_passwords_and_issues_tokens() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let desk = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DESK__DATABASE__URL", &url)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        child.wait_with_output().expect("output")
    };
    let refused = desk(
        &[
            "user",
            "add",
            "ed@example.com",
            "--name",
            "Ed",
            "--desk",
            "world",
            "--password-stdin",
        ],
        "1q2w3e4r5t6y\n",
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("most common passwords"));
    let short = desk(
        &[
            "user",
            "add",
            "ed@example.com",
            "--name",
            "Ed",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let unknown_desk = desk(
        &[
            "user",
            "add",
            "ed@example.com",
            "--name",
            "Ed",
            "--desk",
            "sport",
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&unknown_desk.stderr).contains("no desk is called \"sport\""));

    let created = desk(
        &[
            "user",
            "add",
            "ed@example.com",
            "--name",
            "Ed",
            "--desk",
            "world",
        ],
        "",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        String::from_utf8_lossy(&created.stdout).contains("password: "),
        "a generated password is shown once"
    );
    let again = desk(&["user", "add", "ED@example.com", "--name", "Ed"], "");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let token = desk(
        &["token", "create", "ed@example.com", "--name", "laptop"],
        "",
    );
    assert!(token.status.success());
    let stdout = String::from_utf8_lossy(&token.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("desk_") && l.len() == 45),
        "{stdout}"
    );
}
