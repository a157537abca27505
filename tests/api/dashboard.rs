//! Signing in to the dashboard, sessions, CSRF, throttling, and the admins' outbox page.

use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::dashboard::{self, accounts::Role};
use disinfo_desk::storage::schema::{auth_events, sessions};
use serde_json::json;

use crate::helpers::{Browser, TestApp, smtp_to, spawn_app, spawn_app_with, valid_report};
use crate::smtp_sink::{Reply, SmtpSink};

const PASSWORD: &str = "a long and unusual passphrase";

async fn add_user(app: &TestApp, email: &str, role: Role) {
    let db = app.db.clone();
    let email = email.to_string();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        dashboard::create_user(
            &db,
            &routing,
            &email,
            "Test",
            role,
            PASSWORD,
            &["world".to_string()],
        )
        .expect("user");
    })
    .await
    .expect("task");
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

#[tokio::test]
async fn pages_need_a_session_and_the_cookie_is_locked_down() {
    let app = spawn_app().await;
    let response = app.get("/desk/outbox").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/desk/login?next=%2Fdesk%2Foutbox"
    );

    // The sign-in form's token rides in its own cookie; the session cookie comes with a sign-in.
    let response = app.get("/desk/login").await;
    assert_eq!(response.status(), 200);
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().expect("ascii").to_string())
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("desk_login="), "{cookies:?}");
    assert!(
        cookies[0].contains("HttpOnly") && cookies[0].contains("SameSite=Strict"),
        "{cookies:?}"
    );
    add_user(&app, "admin@example.com", Role::Admin).await;
    let mut browser = Browser::new(&app);
    let response = browser.sign_in("admin@example.com", PASSWORD).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().expect("ascii").to_string())
        .find(|c| c.starts_with("desk_session="))
        .expect("a session cookie at sign-in");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        app.get("/report")
            .await
            .headers()
            .get("set-cookie")
            .is_none(),
        "public pages set no cookie"
    );

    let secure = spawn_app_with(|s| s.dashboard.cookie_secure = true).await;
    let cookie = secure.get("/desk/login").await.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        cookie.starts_with("__Host-desk_login=")
            && cookie.contains("Secure")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    add_user(&secure, "admin@example.com", Role::Admin).await;
    let mut browser = Browser::new(&secure);
    let response = browser.sign_in("admin@example.com", PASSWORD).await;
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().expect("ascii").to_string())
        .find(|c| c.starts_with("__Host-desk_session="))
        .expect("a secure session cookie at sign-in");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

#[tokio::test]
async fn sign_in_renews_the_session_and_sign_out_ends_it() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    let mut browser = Browser::new(&app);
    browser.get("/desk/login").await;
    let before = browser.cookies.clone();
    let response = browser.sign_in("Admin@Example.com", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/desk/outbox");
    assert_ne!(browser.cookies, before, "a new session id at sign-in");
    let signed_in_cookie = browser.cookies.clone();

    let page = browser.get("/desk/outbox").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("admin@example.com")
    );

    let csrf = browser.csrf("/desk/outbox").await;
    let response = browser.post("/desk/logout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);

    // The old cookie no longer opens anything: the session is gone from the store.
    browser.cookies = signed_in_cookie;
    assert_eq!(browser.get("/desk/outbox").await.status(), 303);
    let kinds = auth_event_kinds(&app).await;
    assert_eq!(kinds, ["login", "logout"]);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_get_the_same_answer() {
    let app = spawn_app().await;
    add_user(&app, "ed@example.com", Role::Editor).await;
    let mut browser = Browser::new(&app);
    let wrong = browser
        .sign_in("ed@example.com", "not the passphrase at all")
        .await;
    assert_eq!(wrong.status(), 401);
    let wrong = wrong.text().await.expect("html");
    let unknown = browser
        .sign_in("nobody@example.com", "not the passphrase at all")
        .await;
    assert_eq!(unknown.status(), 401);
    let unknown = unknown.text().await.expect("html");
    assert!(wrong.contains("The email or the password is wrong."));
    assert!(unknown.contains("The email or the password is wrong."));
    assert_eq!(
        auth_event_kinds(&app).await,
        ["login_failed", "login_failed"]
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    add_user(&app, "ed@example.com", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.get("/desk/login").await;
    let response = browser
        .post(
            "/desk/login",
            &[
                ("email", "ed@example.com"),
                ("password", PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(auth_event_kinds(&app).await.is_empty(), "not even tried");
}

#[tokio::test]
async fn repeated_failures_slow_down_without_a_long_lockout() {
    let app = spawn_app_with(|s| {
        s.dashboard.login_free_attempts = 3;
        s.dashboard.login_max_delay_secs = 3;
    })
    .await;
    add_user(&app, "ed@example.com", Role::Editor).await;
    let mut browser = Browser::new(&app);
    let mut refused = 0;
    while refused < 5 {
        // Later tries may already be told to wait; only refusals count as failures.
        match browser
            .sign_in("ed@example.com", "wrong wrong wrong")
            .await
            .status()
            .as_u16()
        {
            401 => refused += 1,
            429 => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!("unexpected {other}"),
        }
    }
    let throttled = browser.sign_in("ed@example.com", PASSWORD).await;
    assert_eq!(throttled.status(), 429, "even the right password waits");
    assert!(throttled.headers().contains_key("retry-after"));
    assert!(
        throttled
            .text()
            .await
            .expect("html")
            .contains("Too many failed attempts")
    );

    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(
        browser.sign_in("ed@example.com", PASSWORD).await.status(),
        303,
        "the wait is capped"
    );
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = spawn_app_with(|s| s.dashboard.idle_timeout_secs = 1).await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser
            .sign_in("admin@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(browser.get("/desk/outbox").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(browser.get("/desk/outbox").await.status(), 303);
    let live: i64 = app
        .query(|conn| {
            sessions::table
                .filter(sessions::expires_at.gt(disinfo_desk::storage::now()))
                .count()
                .get_result(conn)
        })
        .await;
    assert!(live <= 1, "only the fresh anonymous session is live");
}

#[tokio::test]
async fn the_outbox_page_is_for_admins_and_retries_dead_mail() {
    let sink = SmtpSink::start().await;
    sink.always(Reply::PermanentFailure);
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    add_user(&app, "ed@example.com", Role::Editor).await;
    let mut report = valid_report();
    report["article_url"] = json!("https://www.example.com/world/dead-letter");
    assert_eq!(app.post_report(&report).await.status(), 201);

    let mut admin = Browser::new(&app);
    admin.sign_in("admin@example.com", PASSWORD).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let html = loop {
        let html = admin.get("/desk/outbox").await.text().await.expect("html");
        if html.matches("<tr id=\"message-").count() == 2 {
            break html;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "dead messages never listed: {html}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(html.contains("554"), "the last error is shown");
    assert!(html.contains("ana@example.org"));

    let mut editor = Browser::new(&app);
    editor.sign_in("ed@example.com", PASSWORD).await;
    assert_eq!(editor.get("/desk/outbox").await.status(), 403);

    sink.always(Reply::Accept);
    let csrf = admin.csrf("/desk/outbox").await;
    let response = admin
        .post("/desk/outbox/retry-all", &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), 303);
    sink.wait_for(2, Duration::from_secs(20)).await;
    let forged = admin
        .post("/desk/outbox/1/retry", &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status(), 403);
}
