//! Privacy by default: the retention purge (by the command and by the library call the server's
//! job makes), a reporter's erasure on request, no personal data in the logs, and bidirectional
//! controls shown, never applied, in the dashboard.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Duration as Age;
use diesel::prelude::*;
use disinfo_desk::storage::schema::{
    auth_events, idempotency_keys, outbox, report_events, reports, sessions,
};
use serde_json::{Value, json};

use crate::helpers::{
    Browser, TestApp, hidden_value, smtp_to, spawn_app, spawn_app_with, test_settings, valid_report,
};
use crate::smtp_sink::{Reply, SmtpSink, free_port};

const WAIT: Duration = Duration::from_secs(20);

async fn submit(app: &TestApp, body: &Value) -> String {
    let response = app.post_report(body).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

#[derive(Debug, PartialEq, Eq)]
struct Personal {
    name: Option<String>,
    email: Option<String>,
    client_hash: Option<String>,
}

async fn personal(app: &TestApp, code: &str) -> Personal {
    let code = code.to_string();
    let (name, email, client_hash) = app
        .query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(code))
                .select((
                    reports::reporter_name,
                    reports::reporter_email,
                    reports::client_hash,
                ))
                .first::<(Option<String>, Option<String>, Option<String>)>(conn)
        })
        .await;
    Personal {
        name,
        email,
        client_hash,
    }
}

/// Moves a report's times into the past, as if it had been received and decided long ago.
async fn age_report(app: &TestApp, code: &str, received: Age, decided: Option<Age>) {
    let code = code.to_string();
    let now = disinfo_desk::storage::now();
    app.db
        .write(move |conn| {
            diesel::update(reports::table.filter(reports::tracking_code.eq(code)))
                .set((
                    reports::created_at.eq(now - received),
                    reports::decided_at.eq(decided.map(|d| now - d)),
                    reports::status.eq(if decided.is_some() { "no_error" } else { "new" }),
                ))
                .execute(conn)
                .map_err(disinfo_desk::storage::StorageError::from)
        })
        .await
        .expect("aged");
}

#[tokio::test]
async fn the_purge_removes_what_retention_no_longer_allows_and_keeps_the_rest() {
    let app = spawn_app().await;
    let old_decided = submit(&app, &valid_report()).await;
    let recent_decided = submit(&app, &valid_report()).await;
    let open_old = submit(&app, &valid_report()).await;
    age_report(&app, &old_decided, Age::days(400), Some(Age::days(200))).await;
    age_report(&app, &recent_decided, Age::days(100), Some(Age::days(10))).await;
    // Still being worked on after a year: the editors still need to reach the reader.
    age_report(&app, &open_old, Age::days(365), None).await;

    // A sign-in attempt long ago, a session that expired, an old idempotency key, an old email.
    let now = disinfo_desk::storage::now();
    app.db
        .write(move |conn| {
            diesel::insert_into(auth_events::table)
                .values((
                    auth_events::email.eq("typed-at-sign-in@example.org"),
                    auth_events::kind.eq("login_failed"),
                    auth_events::client_hash.eq(Some("abc")),
                    auth_events::created_at.eq(now - Age::days(100)),
                ))
                .execute(conn)?;
            diesel::insert_into(sessions::table)
                .values((
                    sessions::key_hash.eq("expired"),
                    sessions::state.eq("{}"),
                    sessions::expires_at.eq(now - Age::seconds(1)),
                    sessions::created_at.eq(now - Age::hours(1)),
                ))
                .execute(conn)?;
            diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::idempotency_key.eq("old-key"),
                    idempotency_keys::request_hash.eq("h"),
                    idempotency_keys::response_status.eq(201),
                    idempotency_keys::response_body.eq("{}"),
                    idempotency_keys::created_at.eq(now - Age::days(3)),
                ))
                .execute(conn)?;
            diesel::update(outbox::table)
                .set((
                    outbox::status.eq("sent"),
                    outbox::created_at.eq(now - Age::days(40)),
                ))
                .execute(conn)?;
            Ok::<_, disinfo_desk::storage::StorageError>(())
        })
        .await
        .expect("seeded");

    let counts = disinfo_desk::privacy::purge(&app.db, std::sync::Arc::new(test_settings()))
        .await
        .expect("purge runs");
    assert_eq!(counts.reporter_data, 1, "{counts:?}");
    assert!(counts.report_client_hashes >= 3, "{counts:?}");
    assert_eq!(counts.auth_events, 1, "{counts:?}");
    assert_eq!(counts.expired_sessions, 1, "{counts:?}");
    assert_eq!(counts.idempotency_keys, 1, "{counts:?}");
    assert!(counts.outbox_recipients >= 1, "{counts:?}");

    let erased = personal(&app, &old_decided).await;
    assert_eq!((erased.name, erased.email), (None, None));
    assert_eq!(
        erased.client_hash, None,
        "the address hash is gone after 30 days"
    );
    let kept = personal(&app, &recent_decided).await;
    assert_eq!(kept.email.as_deref(), Some("ana@example.org"));
    assert_eq!(kept.client_hash, None);
    assert!(
        personal(&app, &open_old).await.email.is_some(),
        "open reports keep their reporter"
    );
    let recipients: Vec<String> = app
        .query(|conn| outbox::table.select(outbox::recipients).load(conn))
        .await;
    assert!(recipients.iter().all(|r| r == "[]"), "{recipients:?}");

    // A second run finds nothing more.
    let again = disinfo_desk::privacy::purge(&app.db, std::sync::Arc::new(test_settings()))
        .await
        .expect("purge runs");
    assert_eq!(again.total(), 0, "{again:?}");
}

#[tokio::test]
async fn the_purge_command_prints_counts_and_erases() {
    let app = spawn_app().await;
    let code = submit(&app, &valid_report()).await;
    age_report(&app, &code, Age::days(400), Some(Age::days(181))).await;
    let output = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("purge")
        .env("DESK_ENV", "test")
        .env("DESK__DATABASE__URL", &app.database_url)
        .env_remove("RUST_LOG")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("reporter names, emails and phone numbers erased: 1"),
        "{stdout}"
    );
    assert!(!stdout.contains("ana@example.org"), "counts only: {stdout}");
    assert_eq!(personal(&app, &code).await.email, None);
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn link_in(text: &str, marker: &str) -> String {
    let start = text.find(marker).expect("link in the email");
    let end = text[start..]
        .find(char::is_whitespace)
        .map(|e| start + e)
        .unwrap_or(text.len());
    text[start..end].to_string()
}

#[tokio::test]
async fn a_reporter_erases_their_data_with_the_code_and_their_email() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let app = spawn_app_with(|s| smtp_to(s, port)).await;
    let code = submit(&app, &valid_report()).await;
    let to_reporter = |sink: &SmtpSink| {
        sink.messages()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == "ana@example.org"))
            .collect::<Vec<_>>()
    };
    // The acknowledgement first, so the erasure link is the newest email to the reporter.
    let deadline = tokio::time::Instant::now() + WAIT;
    while to_reporter(&sink).is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no acknowledgement");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let status = app
        .get(&format!("/status/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        status.contains(&format!("/status/{code}/erase")),
        "{status}"
    );
    let form = app.get(&format!("/status/{code}/erase")).await;
    assert_eq!(form.status(), 200);

    let post = |email: &'static str| {
        let app = &app;
        let code = code.clone();
        async move {
            app.client
                .post(app.url(&format!("/status/{code}/erase")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(serde_html_form::to_string([("email", email)]).expect("form"))
                .send()
                .await
                .expect("sent")
        }
    };
    // Not an address: the form again with the error beside the field.
    let bad = post("not an address").await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .expect("html")
            .contains("Enter an email address")
    );
    // Someone else's address: the same answer as the right one, and no email.
    let wrong = post("guess@example.org").await;
    assert_eq!(wrong.status(), 200);
    let wrong_page = wrong.text().await.expect("html");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(to_reporter(&sink).len(), 1, "no email for a wrong guess");

    let right = post("ANA@example.org").await;
    assert_eq!(right.status(), 200);
    assert_eq!(
        right.text().await.expect("html"),
        wrong_page,
        "nothing tells the two apart"
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    let messages = loop {
        let messages = to_reporter(&sink);
        if messages.len() >= 2 {
            break messages;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no confirmation email"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let confirmation = &messages[1];
    assert_eq!(confirmation.rcpt_to, vec!["ana@example.org".to_string()]);
    let text = confirmation.text_body().expect("text");
    let link = link_in(&text, "http://127.0.0.1");
    let path = link
        .trim_start_matches(&test_settings().server.public_url)
        .to_string();
    assert!(
        path.starts_with(&format!("/status/{code}/erase/confirm?")),
        "{path}"
    );

    // A tampered link is refused; a GET changes nothing.
    let tampered = path.replace("token=", "token=0");
    assert_eq!(app.get(&tampered).await.status(), 404);
    let confirm_page = app.get(&path).await;
    assert_eq!(confirm_page.status(), 200);
    assert!(personal(&app, &code).await.email.is_some());

    let done = app.client.post(app.url(&path)).send().await.expect("sent");
    assert_eq!(done.status(), 200);
    assert!(
        done.text()
            .await
            .expect("html")
            .contains("no longer holds your name")
    );
    let after = personal(&app, &code).await;
    assert_eq!((after.name, after.email), (None, None));
    let (kind, note): (String, Option<String>) = app
        .query(|conn| {
            report_events::table
                .filter(report_events::kind.eq("personal_data_erased"))
                .select((report_events::kind, report_events::note))
                .first(conn)
        })
        .await;
    assert_eq!(kind, "personal_data_erased");
    assert!(
        !note.unwrap_or_default().contains("ana"),
        "the event holds no data"
    );
    let recipients: Vec<String> = app
        .query(|conn| outbox::table.select(outbox::recipients).load(conn))
        .await;
    assert!(
        recipients.iter().all(|r| !r.contains("ana@example.org")),
        "{recipients:?}"
    );
    // The report itself stays, and its status page works.
    assert_eq!(app.get(&format!("/status/{code}")).await.status(), 200);
}

#[tokio::test]
async fn bidi_controls_in_report_text_are_shown_to_editors_not_applied() {
    let app = spawn_app().await;
    let mut report = valid_report();
    report["explanation"] = json!("The caption says invoice\u{202E}fdp.exe and more text here.");
    let code = submit(&app, &report).await;
    app.editor(
        "admin@example.com",
        disinfo_desk::dashboard::accounts::Role::Admin,
        &[],
    )
    .await;
    let mut browser = Browser::new(&app);
    browser
        .sign_in("admin@example.com", crate::helpers::PASSWORD)
        .await;
    let html = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("invoice[U+202E]fdp.exe"), "{html}");
    assert!(!html.contains('\u{202E}'));
}

/// Runs the server binary with the most verbose logs, drives intake, sign-in, searches and mail
/// (to a server that rejects it, quoting the recipient) through it, and searches everything it
/// printed for the personal data it handled.
#[tokio::test]
async fn no_personal_data_reaches_the_logs_at_the_most_verbose_level() {
    let sink = SmtpSink::start().await;
    sink.always(Reply::RejectQuotingRecipients);
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let database_url = crate::helpers::fresh_database_url(dir.path());
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("serve")
        .env("DESK_ENV", "test")
        .env("RUST_LOG", "trace")
        .env("DESK__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("DESK__DATABASE__URL", &database_url)
        .env("DESK__MAIL__TRANSPORT", "smtp")
        .env("DESK__MAIL__SMTP__HOST", "127.0.0.1")
        .env("DESK__MAIL__SMTP__PORT", sink.port().to_string())
        .env("DESK__MAIL__SMTP__TLS", "none")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("server starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = crate::helpers::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let deadline = tokio::time::Instant::now() + WAIT;
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let name = "Zuzanna Privatperson";
    let email = "zuzanna.private@example.org";
    let password = "a long and unusual passphrase";
    let mut report = valid_report();
    report["reporter_name"] = json!(name);
    report["reporter_email"] = json!(email);
    let created: Value = client
        .post(format!("{base}/api/v1/reports"))
        .json(&report)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let code = created["tracking_code"].as_str().expect("code").to_string();
    // The form too, and a status lookup and unsubscribe link with secrets in the query string.
    let form = client
        .get(format!("{base}/report"))
        .send()
        .await
        .expect("form");
    let token = hidden_value(&form.text().await.expect("html"), "form_token").expect("token");
    let fields = [
        ("form_token", token.as_str()),
        ("article_url", "https://www.example.com/world/flood"),
        ("category", "false_claim"),
        ("explanation", "The bulletin gives a tenth of that number."),
        ("reporter_name", name),
        ("reporter_email", email),
    ];
    client
        .post(format!("{base}/report"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_html_form::to_string(fields).expect("form"))
        .send()
        .await
        .expect("sent");
    client
        .get(format!("{base}/status?code={code}"))
        .send()
        .await
        .expect("sent");
    client
        .get(format!(
            "{base}/status/{code}/unsubscribe?token=secret-unsubscribe-token"
        ))
        .send()
        .await
        .expect("sent");

    // An editor account (by the CLI, password on standard input), a failed and a good sign-in,
    // a search.
    let mut add = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "user",
            "add",
            "editor.private@example.com",
            "--name",
            "Ed",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("DESK_ENV", "test")
        .env("DESK__DATABASE__URL", &database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("user add");
    {
        use std::io::Write;
        let mut stdin = add.stdin.take().expect("stdin");
        writeln!(stdin, "{password}").expect("password written");
    }
    assert!(add.wait().expect("user add ends").success());
    // A call recorded through the editor API: the caller's name and phone number.
    let token_output = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "token",
            "create",
            "editor.private@example.com",
            "--name",
            "calls",
        ])
        .env("DESK_ENV", "test")
        .env("DESK__DATABASE__URL", &database_url)
        .output()
        .expect("token create");
    let token = String::from_utf8_lossy(&token_output.stdout)
        .lines()
        .last()
        .expect("the token")
        .trim()
        .to_string();
    let caller = "Wiktoria Anrufer";
    let phone = "+48 22 555 01 99";
    let mut call = valid_report();
    call["channel"] = json!("phone");
    call["reporter_name"] = json!(caller);
    call["reporter_email"] = Value::Null;
    call["wants_outcome"] = json!(false);
    call["reporter_phone"] = json!(phone);
    call["contact_consent"] = json!(true);
    let entered = client
        .post(format!("{base}/api/v1/desk/reports"))
        .bearer_auth(&token)
        .json(&call)
        .send()
        .await
        .expect("sent");
    assert_eq!(entered.status(), 201);
    let login = client
        .get(format!("{base}/desk/login"))
        .send()
        .await
        .expect("login page");
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_string))
        .collect();
    let html = login.text().await.expect("html");
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    for attempt in ["a wrong password entirely", password] {
        client
            .post(format!("{base}/desk/login"))
            .header("Cookie", cookies.join("; "))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(
                serde_html_form::to_string([
                    ("email", "editor.private@example.com"),
                    ("password", attempt),
                    ("csrf", csrf.as_str()),
                ])
                .expect("form"),
            )
            .send()
            .await
            .expect("sent");
    }
    client
        .get(format!("{base}/desk/reports?q=secretsearchterm"))
        .send()
        .await
        .expect("sent");

    // Wait until the rejecting server has refused the acknowledgements (quoting the recipient).
    let deadline = tokio::time::Instant::now() + WAIT;
    while sink.rejected_count() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no delivery attempt"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = server.kill();
    let _ = server.wait();

    let mut logged = String::new();
    std::fs::File::open(&log_path)
        .expect("log")
        .read_to_string(&mut logged)
        .expect("read");
    // Colour codes, if any, would split the words searched for below.
    let logged = strip_ansi(&logged);
    assert!(
        logged.contains("TRACE") || logged.contains("DEBUG"),
        "verbose logs captured"
    );
    assert!(
        logged.contains("permanent failure"),
        "the rejection was logged: {logged}"
    );
    // The access log names the route, not the path or query string asked for.
    assert!(
        logged.contains("GET /status/{code}/unsubscribe"),
        "{logged}"
    );
    let access = logged
        .lines()
        .find(|l| l.contains("POST /api/v1/reports"))
        .expect("an access line for intake");
    assert!(
        access.contains("request_id="),
        "every line carries the request id: {access}"
    );
    // Lines logged by the handlers of one request carry the same id as its access line.
    let id = access
        .split("request_id=")
        .nth(1)
        .and_then(|rest| rest.get(..24))
        .expect("an id");
    assert!(
        logged
            .lines()
            .any(|l| l.contains(id) && l.contains("report stored")),
        "{id} also on the line the intake transaction logged:\n{logged}"
    );
    for secret in [
        name,
        email,
        "zuzanna",
        caller,
        phone,
        "555 01 99",
        &token,
        "editor.private@example.com",
        password,
        "a wrong password entirely",
        "secretsearchterm",
        "secret-unsubscribe-token",
        &code,
    ] {
        assert!(
            !logged.to_lowercase().contains(&secret.to_lowercase()),
            "{secret:?} is in the log:\n{}",
            logged
                .lines()
                .filter(|l| l.to_lowercase().contains(&secret.to_lowercase()))
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let _ = sink.stop().await;
}

/// A hotline caller who left only a phone number cannot use the emailed erasure link: an admin
/// erases for them, recording how they asked; editors may not; the form keeps what was typed.
#[tokio::test]
async fn an_admin_erases_a_callers_contact_details_on_their_request() {
    use disinfo_desk::dashboard::accounts::Role;
    let app = spawn_app().await;
    let admin_token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let editor_token = app
        .editor("world@example.com", Role::Editor, &["world"])
        .await;
    let mut body = valid_report();
    body["channel"] = json!("phone");
    body["reporter_name"] = json!("Zygmunt Callerson");
    body["reporter_phone"] = json!("+44 20 7946 0958");
    body["contact_consent"] = json!(true);
    let created: Value = app
        .client
        .post(app.url("/api/v1/desk/reports"))
        .bearer_auth(&admin_token)
        .json(&body)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let code = created["tracking_code"].as_str().expect("code").to_string();
    let erase = |token: &str, how: Value| {
        app.client
            .post(app.url(&format!("/api/v1/desk/reports/{code}/erase-reporter")))
            .bearer_auth(token)
            .json(&json!({ "how": how }))
            .send()
    };

    // Editors may not; an empty account is refused naming the field; an unknown code is 404.
    let refused = erase(&editor_token, json!("Called the hotline"))
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403);
    let empty = erase(&admin_token, json!("  ")).await.expect("sent");
    assert_eq!(empty.status(), 422);
    let error: Value = empty.json().await.expect("json");
    assert!(error["fields"]["how"].is_array(), "{error}");
    let unknown = app
        .client
        .post(app.url("/api/v1/desk/reports/AAAAAA-AAAAAA/erase-reporter"))
        .bearer_auth(&admin_token)
        .json(&json!({ "how": "Called" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), 404);
    let phone_of = |code: String| {
        app.query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(code))
                .select((reports::reporter_name, reports::reporter_phone))
                .first::<(Option<String>, Option<String>)>(conn)
        })
    };
    assert_eq!(
        phone_of(code.clone()).await.1.as_deref(),
        Some("+44 20 7946 0958"),
        "nothing erased yet"
    );

    // The page: an admin sees the form; a too-long account comes back with what was typed.
    let mut browser = Browser::new(&app);
    browser
        .sign_in("chief@example.com", crate::helpers::PASSWORD)
        .await;
    let page = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains(&format!(r#"action="/desk/reports/{code}/erase""#)),
        "{page}"
    );
    let csrf = hidden_value(&page, "csrf").expect("csrf");
    let long = "x".repeat(501);
    let again = browser
        .post(
            &format!("/desk/reports/{code}/erase"),
            &[("csrf", &csrf), ("how", &long)],
        )
        .await;
    assert_eq!(again.status(), 422);
    let again = again.text().await.expect("page");
    assert!(again.contains("how-error"), "the error is beside the field");
    assert!(again.contains(&long), "what was typed is kept");

    let done = browser
        .post(
            &format!("/desk/reports/{code}/erase"),
            &[
                ("csrf", &csrf),
                ("how", "Called the hotline on 3 December and gave the code"),
            ],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(phone_of(code.clone()).await, (None, None));
    let page = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("erased by an admin"), "on the timeline");
    assert!(
        page.contains("Called the hotline on 3 December"),
        "with how it was asked"
    );
    assert!(!page.contains("Zygmunt"), "the name is gone from the page");
    assert!(
        !page.contains(&format!(r#"action="/desk/reports/{code}/erase""#)),
        "nothing left to erase"
    );

    // Asking twice is harmless; the event is recorded once.
    let twice: Value = erase(&admin_token, json!("Called again"))
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(twice["erased"], false);
    let code_for_events = code.clone();
    let events: i64 = app
        .query(move |conn| {
            report_events::table
                .inner_join(reports::table)
                .filter(reports::tracking_code.eq(code_for_events))
                .filter(report_events::kind.eq("personal_data_erased"))
                .count()
                .get_result(conn)
        })
        .await;
    assert_eq!(events, 1);
    // An editor's page never offered it.
    let mut editor = Browser::new(&app);
    editor
        .sign_in("world@example.com", crate::helpers::PASSWORD)
        .await;
    let editor_csrf = editor.csrf("/desk").await;
    let forbidden = editor
        .post(
            &format!("/desk/reports/{code}/erase"),
            &[("csrf", &editor_csrf), ("how", "x")],
        )
        .await;
    assert_eq!(forbidden.status(), 403);
}
