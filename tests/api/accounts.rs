//! Accounts and need to know: a password change or a disable ends the account's other sessions
//! and revokes its tokens; the sign-in form stores nothing before a sign-in; the sign-in delay is
//! per account and client, under a higher per-account ceiling; reporters' contact details only
//! for the report's desk and admins, every showing recorded; editor API answers never cached.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use diesel::prelude::*;
use disinfo_desk::dashboard::{self, accounts::Role};
use disinfo_desk::storage::schema::{auth_events, contact_reads, reports, sessions, users};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_with, valid_report};

const PASSWORD: &str = "a long and unusual passphrase";
const NEW_PASSWORD: &str = "another quite unusual passphrase";

async fn account(app: &TestApp, email: &str, role: Role, desks: &[&str]) {
    let db = app.db.clone();
    let email = email.to_string();
    let desks: Vec<String> = desks.iter().map(|d| d.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        dashboard::create_user(&db, &routing, &email, "Test", role, PASSWORD, &desks)
            .expect("user");
    })
    .await
    .expect("task");
}

async fn token(app: &TestApp, email: &str) -> String {
    let db = app.db.clone();
    let email = email.to_string();
    tokio::task::spawn_blocking(move || dashboard::create_token(&db, &email, "tests"))
        .await
        .expect("task")
        .expect("token")
        .1
}

async fn signed_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let response = browser.sign_in(email, password).await;
    assert_eq!(response.status(), 303, "signed in as {email}");
    browser
}

async fn api_status(app: &TestApp, authorization: &str, path: &str) -> u16 {
    app.client
        .get(app.url(path))
        .header("Authorization", authorization)
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

async fn session_rows(app: &TestApp) -> i64 {
    app.query(|conn| sessions::table.count().get_result(conn))
        .await
}

async fn auth_event_kinds(app: &TestApp) -> Vec<String> {
    app.query(|conn| {
        auth_events::table
            .order(auth_events::id.asc())
            .select(auth_events::kind)
            .load(conn)
    })
    .await
}

/// The value of the first hidden input called `name`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_string()
}

#[tokio::test]
async fn the_sign_in_form_stores_no_session_until_a_sign_in_succeeds() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    for _ in 0..30 {
        assert_eq!(app.get("/desk/login").await.status(), 200);
    }
    assert_eq!(app.get("/desk/reports").await.status(), 303);
    let mut browser = Browser::new(&app);
    let refused = browser
        .sign_in("ed@example.com", "not the passphrase at all")
        .await;
    assert_eq!(refused.status(), 401);
    assert_eq!(session_rows(&app).await, 0, "no row for anonymous visitors");

    browser.sign_in("ed@example.com", PASSWORD).await;
    assert!(
        !browser.cookies.contains_key("desk_login"),
        "the form's cookie is cleared at sign-in"
    );
    let owners: Vec<Option<i64>> = app
        .query(|conn| sessions::table.select(sessions::user_id).load(conn))
        .await;
    let ed: i64 = app
        .query(|conn| {
            users::table
                .filter(users::email.eq("ed@example.com"))
                .select(users::id)
                .first(conn)
        })
        .await;
    assert_eq!(owners, [Some(ed)], "one row, naming its account");
}

async fn post_login(browser: &mut Browser<'_>, csrf: &str) -> u16 {
    let form = [
        ("email", "ed@example.com"),
        ("password", PASSWORD),
        ("csrf", csrf),
    ];
    browser.post("/desk/login", &form).await.status().as_u16()
}

#[tokio::test]
async fn the_sign_in_forms_token_only_works_with_its_own_cookie() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let mut first = Browser::new(&app);
    let first_token = first.csrf("/desk/login").await;
    let mut second = Browser::new(&app);
    let second_token = second.csrf("/desk/login").await;
    assert_ne!(first_token, second_token);

    assert_eq!(
        post_login(&mut first, &second_token).await,
        403,
        "another's token"
    );
    let mut cookieless = Browser::new(&app);
    assert_eq!(
        post_login(&mut cookieless, &first_token).await,
        403,
        "no cookie"
    );
    let mut tampered = Browser::new(&app);
    tampered.cookies.insert(
        "desk_login".into(),
        format!("{first_token}.9999999999.{}", "0".repeat(32)),
    );
    assert_eq!(
        post_login(&mut tampered, &first_token).await,
        403,
        "forged cookie"
    );
    assert!(auth_event_kinds(&app).await.is_empty(), "not even tried");
    assert_eq!(post_login(&mut first, &first_token).await, 303);
}

#[tokio::test]
async fn next_with_control_characters_falls_back_to_the_desk() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let html = app
        .get("/desk/login?next=%2Fdesk%2Freports%0D%0ASet-Cookie:%20x=y")
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(hidden(&html, "next"), "/desk");

    for next in [
        "/desk/reports\r\nSet-Cookie: x=y",
        "/desk/reports\n",
        "/desk/caf\u{e9}",
    ] {
        let mut browser = Browser::new(&app);
        let csrf = browser.csrf("/desk/login").await;
        let response = browser
            .post(
                "/desk/login",
                &[
                    ("email", "ed@example.com"),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], "/desk", "{next:?}");
        assert!(response.headers().get("x").is_none());
    }
}

/// Signs in as a browser behind the (trusted) proxy would, for the client `ip`.
async fn sign_in_from(app: &TestApp, ip: &str, email: &str, password: &str) -> u16 {
    let page = app
        .client
        .get(app.url("/desk/login"))
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .expect("sent");
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let csrf = hidden(&page.text().await.expect("html"), "csrf");
    app.client
        .post(app.url("/desk/login"))
        .header("X-Forwarded-For", ip)
        .header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            serde_html_form::to_string([("email", email), ("password", password), ("csrf", &csrf)])
                .expect("form"),
        )
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_strangers_wrong_guesses_do_not_keep_the_editor_waiting() {
    let app = spawn_app_with(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
        s.dashboard.login_free_attempts = 3;
        s.dashboard.login_max_delay_secs = 60;
    })
    .await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let stranger = "203.0.113.9";
    for _ in 0..3 {
        assert_eq!(
            sign_in_from(&app, stranger, "ed@example.com", "guess guess guess").await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, stranger, "ed@example.com", PASSWORD).await,
        429,
        "the stranger waits, even with the right password"
    );
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", "ed@example.com", PASSWORD).await,
        303,
        "the editor, elsewhere, does not"
    );
}

#[tokio::test]
async fn guesses_spread_over_many_clients_still_slow_the_account() {
    let app = spawn_app_with(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
        s.dashboard.login_free_attempts = 3;
        s.dashboard.login_account_free_attempts = 5;
        s.dashboard.login_max_delay_secs = 60;
    })
    .await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    for i in 0..5 {
        let ip = format!("203.0.113.{}", 10 + i);
        assert_eq!(
            sign_in_from(&app, &ip, "ed@example.com", "guess guess guess").await,
            401,
            "one guess from {ip} is free"
        );
    }
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", "ed@example.com", PASSWORD).await,
        429,
        "past the account's ceiling every client waits"
    );
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_and_revokes_the_tokens() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    account(&app, "other@example.com", Role::Editor, &["world"]).await;
    let mut here = signed_in(&app, "ed@example.com", PASSWORD).await;
    let mut laptop = signed_in(&app, "ed@example.com", PASSWORD).await;
    let mut colleague = signed_in(&app, "other@example.com", PASSWORD).await;
    let token = token(&app, "ed@example.com").await;
    let colleague_token = self::token(&app, "other@example.com").await;
    assert_eq!(
        api_status(&app, &format!("Bearer {token}"), "/api/v1/desk/reports").await,
        200
    );

    let page = here.get("/desk/account/password").await;
    assert_eq!(page.status(), 200);
    let csrf = hidden(&page.text().await.expect("html"), "csrf");
    let response = here
        .post(
            "/desk/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/desk/account/password");

    let html = here.get("/desk/account/password").await;
    assert_eq!(html.status(), 200, "this browser stays signed in");
    let html = html.text().await.expect("html");
    assert!(
        html.contains("Signed out elsewhere: 1 session(s); API tokens revoked: 1."),
        "{html}"
    );
    assert_eq!(here.get("/desk/reports").await.status(), 200);
    assert_eq!(
        laptop.get("/desk/reports").await.status(),
        303,
        "the other session ended"
    );
    assert_eq!(
        api_status(&app, &format!("Bearer {token}"), "/api/v1/desk/reports").await,
        401,
        "the token is revoked"
    );
    assert_eq!(
        colleague.get("/desk/reports").await.status(),
        200,
        "other accounts untouched"
    );
    assert_eq!(
        api_status(
            &app,
            &format!("Bearer {colleague_token}"),
            "/api/v1/desk/reports"
        )
        .await,
        200
    );
    assert_eq!(
        Browser::new(&app)
            .sign_in("ed@example.com", PASSWORD)
            .await
            .status(),
        401
    );
    signed_in(&app, "ed@example.com", NEW_PASSWORD).await;
    assert!(
        auth_event_kinds(&app)
            .await
            .contains(&"password_changed".to_string())
    );
}

#[tokio::test]
async fn the_password_form_says_what_is_wrong_beside_each_field() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let mut browser = signed_in(&app, "ed@example.com", PASSWORD).await;
    let csrf = browser.csrf("/desk/account/password").await;
    let mut change = async |fields: &[(&str, &str)]| {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let response = browser.post("/desk/account/password", &form).await;
        (
            response.status().as_u16(),
            response.text().await.expect("html"),
        )
    };

    let (status, html) = change(&[
        ("current_password", ""),
        ("new_password", "short"),
        ("new_password_again", "shorter"),
    ])
    .await;
    assert_eq!(status, 422);
    for (field, text) in [
        ("current_password", "Enter your current password."),
        ("new_password", "at least 12 characters"),
        ("new_password_again", "The two new passwords differ"),
    ] {
        let beside = html
            .split(&format!(r#"id="{field}-error""#))
            .nth(1)
            .unwrap_or_else(|| panic!("no error beside {field}: {html}"));
        assert!(
            beside[..300.min(beside.len())].contains(text),
            "{field}: {beside}"
        );
    }
    assert!(
        !html.contains("shorter"),
        "passwords are never put back in the form"
    );

    let (status, html) = change(&[
        ("current_password", PASSWORD),
        ("new_password", "password1234"),
        ("new_password_again", "password1234"),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("most common passwords"), "{html}");

    let (status, html) = change(&[
        ("current_password", "not my password at all"),
        ("new_password", NEW_PASSWORD),
        ("new_password_again", NEW_PASSWORD),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("This is not your current password."));

    let (status, _) = {
        let response = browser
            .post(
                "/desk/account/password",
                &[
                    ("csrf", "forged"),
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                    ("new_password_again", NEW_PASSWORD),
                ],
            )
            .await;
        (response.status().as_u16(), ())
    };
    assert_eq!(status, 403, "no change without the form's token");
    assert_eq!(
        Browser::new(&app)
            .sign_in("ed@example.com", PASSWORD)
            .await
            .status(),
        303,
        "the password is unchanged"
    );
    assert!(
        auth_event_kinds(&app)
            .await
            .contains(&"password_confirm_failed".to_string())
    );
}

/// Runs the binary on the app's database, as an operator would (off the async threads).
async fn desk_cli(app: &TestApp, args: &[&str], stdin: Option<&str>) -> String {
    let url = app.database_url.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.map(str::to_string);
    tokio::task::spawn_blocking(move || run_cli(&url, &args, stdin.as_deref()))
        .await
        .expect("task")
}

fn run_cli(database_url: &str, args: &[String], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DESK_ENV")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", database_url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        writeln!(input, "{text}").expect("stdin");
    }
    let output = child.wait_with_output().expect("finishes");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[tokio::test]
async fn the_cli_password_change_and_disable_end_every_session_and_token() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let mut first = signed_in(&app, "ed@example.com", PASSWORD).await;
    let mut second = signed_in(&app, "ed@example.com", PASSWORD).await;
    let token = token(&app, "ed@example.com").await;

    let printed = desk_cli(
        &app,
        &["user", "passwd", "ed@example.com", "--password-stdin"],
        Some(NEW_PASSWORD),
    )
    .await;
    assert!(
        printed.contains("ended 2 session(s), revoked 1 token(s)"),
        "{printed}"
    );
    assert_eq!(first.get("/desk/reports").await.status(), 303);
    assert_eq!(second.get("/desk/reports").await.status(), 303);
    assert_eq!(
        api_status(&app, &format!("Bearer {token}"), "/api/v1/desk/reports").await,
        401
    );

    let mut again = signed_in(&app, "ed@example.com", NEW_PASSWORD).await;
    let token = self::token(&app, "ed@example.com").await;
    let printed = desk_cli(&app, &["user", "disable", "ed@example.com"], None).await;
    assert!(
        printed.contains("ended 1 session(s), revoked 1 token(s)"),
        "{printed}"
    );
    assert_eq!(again.get("/desk/reports").await.status(), 303);
    assert_eq!(
        api_status(&app, &format!("Bearer {token}"), "/api/v1/desk/reports").await,
        401
    );
    let kinds = auth_event_kinds(&app).await;
    assert!(
        kinds.contains(&"password_set_by_operator".to_string()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"account_disabled".to_string()), "{kinds:?}");
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let token = token(&app, "ed@example.com").await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        assert_eq!(
            api_status(&app, &format!("{scheme} {token}"), "/api/v1/desk/reports").await,
            200,
            "{scheme}"
        );
    }
    assert_eq!(
        api_status(&app, "Basic ZWQ6cHc=", "/api/v1/desk/reports").await,
        401
    );
}

#[tokio::test]
async fn editor_api_answers_are_never_cached_errors_included() {
    let app = spawn_app().await;
    account(&app, "ed@example.com", Role::Editor, &["world"]).await;
    let token = token(&app, "ed@example.com").await;
    let bearer = format!("bearer {token}");
    for (authorization, path, status) in [
        (bearer.as_str(), "/api/v1/desk/reports", 200),
        ("Bearer desk_wrong", "/api/v1/desk/reports", 401),
        (bearer.as_str(), "/api/v1/desk/reports/AAAAAA-AAAAAA", 404),
        (bearer.as_str(), "/api/v1/desk/reports?status=pending", 422),
        (bearer.as_str(), "/api/v1/desk/outbox/dead", 403),
        (bearer.as_str(), "/api/v1/desk/no-such-thing", 404),
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("Authorization", authorization)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().expect("ascii")),
            Some("no-store"),
            "{path} ({status})"
        );
    }
}

async fn submit(app: &TestApp, report: Value) -> (String, i64) {
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let code = body["tracking_code"].as_str().expect("code").to_string();
    let lookup = code.clone();
    let id = app
        .query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(lookup))
                .select(reports::id)
                .first(conn)
        })
        .await;
    (code, id)
}

/// (reader email, report id, place, count) of every recorded showing, oldest first.
async fn reads(app: &TestApp) -> Vec<(String, Option<i64>, String, i64)> {
    app.query(|conn| {
        contact_reads::table
            .inner_join(users::table)
            .order(contact_reads::id.asc())
            .select((
                users::email,
                contact_reads::report_id,
                contact_reads::place,
                contact_reads::report_count,
            ))
            .load(conn)
    })
    .await
}

#[tokio::test]
async fn reporter_contact_is_shown_on_need_to_know_and_every_showing_recorded() {
    let app = spawn_app().await;
    account(&app, "world@example.com", Role::Editor, &["world"]).await;
    account(&app, "politics@example.com", Role::Editor, &["politics"]).await;
    account(&app, "chief@example.com", Role::Admin, &[]).await;
    // valid_report() is about a /world/ article: the world desk's.
    let (code, id) = submit(&app, valid_report()).await;
    let page = format!("/desk/reports/{code}");

    let mut politics = signed_in(&app, "politics@example.com", PASSWORD).await;
    let html = politics.get(&page).await.text().await.expect("html");
    assert!(!html.contains("ana@example.org") && !html.contains("Ana Reader"));
    assert!(
        html.contains("Reporter contact: visible to the World desk and admins."),
        "{html}"
    );
    assert!(
        !html.contains("Who saw the reporter"),
        "the record is for admins"
    );
    let politics_token = token(&app, "politics@example.com").await;
    let response = app
        .client
        .get(app.url(&format!("/api/v1/desk/reports/{code}")))
        .bearer_auth(&politics_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["reporter"]["contact"], "withheld");
    assert_eq!(body["reporter"]["email"], Value::Null);
    assert_eq!(body["reporter"]["name"], Value::Null);
    assert!(
        body["reporter"]["note"]
            .as_str()
            .expect("note")
            .contains("World desk")
    );
    let (_, list) = {
        let response = app
            .client
            .get(app.url("/api/v1/desk/reports?status=all"))
            .bearer_auth(&politics_token)
            .send()
            .await
            .expect("sent");
        ((), response.text().await.expect("json"))
    };
    assert!(!list.contains("ana@example.org"));
    assert!(
        reads(&app).await.is_empty(),
        "nothing shown, nothing recorded"
    );

    let mut world = signed_in(&app, "world@example.com", PASSWORD).await;
    let html = world.get(&page).await.text().await.expect("html");
    assert!(html.contains("ana@example.org") && html.contains("Ana Reader"));
    let world_token = token(&app, "world@example.com").await;
    let body: Value = app
        .client
        .get(app.url(&format!("/api/v1/desk/reports/{code}")))
        .bearer_auth(&world_token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(body["reporter"]["contact"], "shown");
    assert_eq!(body["reporter"]["email"], "ana@example.org");
    assert_eq!(body["reporter"]["name"], "Ana Reader");

    let mut chief = signed_in(&app, "chief@example.com", PASSWORD).await;
    let html = chief.get(&page).await.text().await.expect("html");
    assert!(html.contains("ana@example.org"));
    let record = html
        .split("Who saw the reporter")
        .nth(1)
        .expect("admins see who saw the contact");
    assert!(record.contains("world@example.com") && record.contains("chief@example.com"));

    let expected: Vec<(String, Option<i64>, String, i64)> = [
        ("world@example.com", "page"),
        ("world@example.com", "api"),
        ("chief@example.com", "page"),
    ]
    .iter()
    .map(|(who, place)| (who.to_string(), Some(id), place.to_string(), 1))
    .collect();
    assert_eq!(reads(&app).await, expected);

    // An anonymous report shows nothing, so records nothing.
    let mut anonymous = valid_report();
    anonymous["reporter_name"] = Value::Null;
    anonymous["reporter_email"] = Value::Null;
    anonymous["wants_outcome"] = json!(false);
    let (code, _) = submit(&app, anonymous).await;
    let html = world
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Anonymous"));
    assert_eq!(reads(&app).await.len(), 3);
}

#[tokio::test]
async fn csv_exports_quote_every_cell_defuse_formulas_and_record_contact_reads() {
    let app = spawn_app().await;
    account(&app, "world@example.com", Role::Editor, &["world"]).await;
    account(&app, "politics@example.com", Role::Editor, &["politics"]).await;
    let mut report = valid_report();
    report["passage"] = json!("Wrong figure;=2+5");
    submit(&app, report).await;
    let mut other = valid_report();
    other["article_url"] = json!("https://www.example.com/world/2026/11/second");
    submit(&app, other).await;

    let mut politics = signed_in(&app, "politics@example.com", PASSWORD).await;
    let text = politics
        .get("/desk/reports.csv?status=all")
        .await
        .text()
        .await
        .expect("csv");
    assert!(!text.contains("ana@example.org"));
    assert!(text.contains(r#""Wrong figure;'=2+5""#), "{text}");
    for line in text.lines() {
        assert!(
            line.starts_with('"') && line.ends_with('"'),
            "every cell quoted: {line}"
        );
    }
    assert!(text.contains(r#","withheld""#));
    assert!(reads(&app).await.is_empty(), "no contact, no record");

    let mut world = signed_in(&app, "world@example.com", PASSWORD).await;
    let text = world
        .get("/desk/reports.csv?status=all")
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(text.matches("ana@example.org").count(), 2);
    let recorded: Vec<(String, Option<i64>, String, i64)> = reads(&app).await;
    assert_eq!(
        recorded,
        [("world@example.com".to_string(), None, "csv".to_string(), 2)],
        "one record per export, with the count"
    );
    let detail: Option<String> = app
        .query(|conn| {
            contact_reads::table
                .select(contact_reads::detail)
                .first(conn)
        })
        .await;
    assert_eq!(detail.as_deref(), Some("status=all"), "what was exported");
}
