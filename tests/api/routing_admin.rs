//! The admins' routing page: rules stored in the database beside the file's, changed through
//! CSRF-protected forms, recorded, and used at once by every instance sharing the database.

use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::dashboard::{self, accounts::Role};
use disinfo_desk::storage::schema::{desks, reports, routing_rule_changes, routing_rules};
use serde_json::{Value, json};

use crate::helpers::{TestApp, smtp_to, spawn_app, spawn_app_with, valid_report};
use crate::smtp_sink::SmtpSink;

const PASSWORD: &str = "a long and unusual passphrase";
const PAGE: &str = "/desk/admin/routing";

async fn add_user(app: &TestApp, email: &str, role: Role) {
    let db = app.db.clone();
    let email = email.to_string();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        dashboard::create_user(&db, &routing, &email, "Test", role, PASSWORD, &[]).expect("user");
    })
    .await
    .expect("task");
}

/// A browser: keeps the session cookie, reads CSRF tokens and hidden fields from pages.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    async fn signed_in(app: &'a TestApp, email: &str) -> Self {
        let mut browser = Self { app, cookie: None };
        let csrf = browser.csrf("/desk/login").await;
        let response = browser
            .post(
                "/desk/login",
                &[("email", email), ("password", PASSWORD), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(response.status(), 303, "signed in");
        browser
    }

    fn keep_cookie(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            if let Some(pair) = value.to_str().unwrap_or_default().split(';').next() {
                self.cookie = Some(pair.to_string());
            }
        }
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut request = self.app.client.get(self.app.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("sent");
        self.keep_cookie(&response);
        response
    }

    async fn html(&mut self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("html")
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(self.app.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_html_form::to_string(form).expect("form"));
        if let Some(cookie) = &self.cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("sent");
        self.keep_cookie(&response);
        response
    }

    async fn csrf(&mut self, path: &str) -> String {
        let html = self.get(path).await.text().await.expect("html");
        hidden(&html, "csrf")
    }

    /// Fills in the add form (with the page's CSRF token) and posts it.
    async fn add_rule(&mut self, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf(PAGE).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(&format!("{PAGE}/rules"), &form).await
    }
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

/// The id of the rule an add redirected to (`...?done=added#rule-<id>`).
fn added_id(response: &reqwest::Response) -> i64 {
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("ascii");
    assert!(
        location.starts_with("/desk/admin/routing?done=added"),
        "{location}"
    );
    location
        .rsplit_once("#rule-")
        .and_then(|(_, id)| id.parse().ok())
        .unwrap_or_else(|| panic!("no rule id in {location}"))
}

fn report_on(url: &str) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(url);
    report
}

async fn submit(app: &TestApp, url: &str) -> String {
    let response = app.post_report(&report_on(url)).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

/// The desk intake gave the report, read from the database.
async fn desk_of(app: &TestApp, code: &str) -> String {
    let code = code.to_string();
    app.query(move |conn| {
        reports::table
            .inner_join(desks::table)
            .filter(reports::tracking_code.eq(code))
            .select(desks::slug)
            .first(conn)
    })
    .await
}

async fn dashboard_rules(app: &TestApp) -> i64 {
    app.query(|conn| {
        routing_rules::table
            .filter(routing_rules::source.eq("dashboard"))
            .count()
            .get_result(conn)
    })
    .await
}

/// The change log after the first start's import of the rules file.
async fn change_log(app: &TestApp) -> Vec<(String, String)> {
    app.query(|conn| {
        routing_rule_changes::table
            .order(routing_rule_changes::id.asc())
            .offset(1)
            .select((routing_rule_changes::action, routing_rule_changes::actor))
            .load(conn)
    })
    .await
}

#[tokio::test]
async fn an_admin_adds_a_rule_and_the_next_report_goes_to_that_desk() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let app = spawn_app_with(move |s| smtp_to(s, port)).await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    let mut admin = Browser::signed_in(&app, "admin@example.com").await;

    let html = admin.html(PAGE).await;
    assert!(html.contains("World desk (world)"), "desks listed");
    assert!(
        html.contains("world-editor@example.com"),
        "with their editors"
    );
    assert_eq!(
        html.matches("from config/routing.toml").count(),
        4,
        "three file rules and the default desk, marked as the file's: {html}"
    );
    assert!(
        !html.contains("/rules/1/edit"),
        "file rules have no edit link"
    );

    let before = submit(&app, "https://www.example.com/culture/opera-review").await;
    assert_eq!(desk_of(&app, &before).await, "newsroom", "no rule yet");

    let response = admin
        .add_rule(&[
            ("desk", "politics"),
            ("host", ""),
            ("path_prefix", "/culture/"),
            ("category", ""),
            ("language", ""),
            ("priority", "5"),
        ])
        .await;
    let id = added_id(&response);

    let code = submit(&app, "https://www.example.com/culture/2026/ballet").await;
    assert_eq!(
        desk_of(&app, &code).await,
        "politics",
        "the new rule routes it"
    );
    // Each report: the desk's alert and the reporter's acknowledgement.
    let messages = sink.wait_for(4, Duration::from_secs(20)).await;
    assert!(
        messages.iter().any(|m| {
            m.rcpt_to.iter().any(|r| r == "politics-editor@example.com")
                && m.subject().contains("/culture/2026/ballet")
        }),
        "the desk's editor is alerted: {:?}",
        messages.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );

    let html = admin.html(&format!("{PAGE}?done=added")).await;
    assert!(html.contains("The rule was added."));
    assert!(html.contains(&format!("id=\"rule-{id}\"")));
    assert!(html.contains("added by admin@example.com"));
    assert!(html.contains(&format!("Added rule {id}: path is in /culture/ → politics")));
    assert_eq!(
        change_log(&app).await,
        [(
            "created".to_string(),
            "editor:admin@example.com".to_string()
        )]
    );
}

#[tokio::test]
async fn admins_edit_and_delete_dashboard_rules_but_not_the_files() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    add_user(&app, "other@example.com", Role::Admin).await;
    let mut admin = Browser::signed_in(&app, "admin@example.com").await;
    let id = added_id(
        &admin
            .add_rule(&[
                ("desk", "politics"),
                ("path_prefix", "/culture"),
                ("priority", ""),
            ])
            .await,
    );
    let edit = format!("{PAGE}/rules/{id}/edit");
    let html = admin.html(&edit).await;
    assert!(
        html.contains(r#"value="/culture""#),
        "the form shows the rule"
    );
    let seen = hidden(&html, "seen");
    let csrf = hidden(&html, "csrf");

    let response = admin
        .post(
            &format!("{PAGE}/rules/{id}"),
            &[
                ("csrf", &csrf),
                ("seen", &seen),
                ("desk", "standards"),
                ("host", ""),
                ("path_prefix", "/culture"),
                ("category", ""),
                ("language", ""),
                ("priority", "7"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let code = submit(&app, "https://www.example.com/culture/x").await;
    assert_eq!(desk_of(&app, &code).await, "standards", "the edit applies");

    // A second admin saving from the form loaded before that edit is told, not silently applied.
    let mut other = Browser::signed_in(&app, "other@example.com").await;
    other.get(&edit).await;
    let other_csrf = other.csrf(PAGE).await;
    let stale = other
        .post(
            &format!("{PAGE}/rules/{id}"),
            &[
                ("csrf", &other_csrf),
                ("seen", &seen),
                ("desk", "world"),
                ("path_prefix", "/culture"),
                ("priority", "7"),
            ],
        )
        .await;
    assert_eq!(stale.status(), 409);
    let html = stale.text().await.expect("html");
    assert!(
        html.contains("admin@example.com changed this rule meanwhile"),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="world" selected>"#),
        "their input is kept"
    );
    let code = submit(&app, "https://www.example.com/culture/y").await;
    assert_eq!(desk_of(&app, &code).await, "standards", "nothing changed");

    // File rules are read-only here.
    let file_rule: i64 = app
        .query(|conn| {
            routing_rules::table
                .filter(routing_rules::source.eq("file"))
                .select(routing_rules::id)
                .first(conn)
        })
        .await;
    assert_eq!(
        admin
            .get(&format!("{PAGE}/rules/{file_rule}/edit"))
            .await
            .status(),
        409
    );
    let page = admin.html(PAGE).await;
    let current_seen = {
        let row = &page[page.find(&format!("id=\"rule-{id}\"")).expect("row")..];
        hidden(row, "seen")
    };
    let csrf = hidden(&page, "csrf");
    let refused = admin
        .post(
            &format!("{PAGE}/rules/{file_rule}/delete"),
            &[("csrf", &csrf), ("seen", &current_seen)],
        )
        .await;
    assert_eq!(refused.status(), 409);

    let deleted = admin
        .post(
            &format!("{PAGE}/rules/{id}/delete"),
            &[("csrf", &csrf), ("seen", &current_seen)],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(dashboard_rules(&app).await, 0);
    let code = submit(&app, "https://www.example.com/culture/z").await;
    assert_eq!(
        desk_of(&app, &code).await,
        "newsroom",
        "back to the default"
    );

    let actions: Vec<String> = change_log(&app).await.into_iter().map(|c| c.0).collect();
    assert_eq!(actions, ["created", "updated", "deleted"]);
    let html = admin.html(PAGE).await;
    assert!(html.contains(&format!(
        "Changed rule {id} from path is in /culture → politics (priority 0) to path is in /culture → standards (priority 7)"
    )));
    assert!(html.contains(&format!(
        "Deleted rule {id}: path is in /culture → standards (priority 7)"
    )));
}

#[tokio::test]
async fn only_signed_in_admins_with_the_form_token_change_rules() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    add_user(&app, "ed@example.com", Role::Editor).await;
    let rule = [("desk", "politics"), ("path_prefix", "/culture/")];

    let signed_out = app.get(PAGE).await;
    assert_eq!(signed_out.status(), 303);
    assert_eq!(
        signed_out.headers()["location"],
        "/desk/login?next=%2Fdesk%2Fadmin%2Frouting"
    );
    let mut nobody = Browser {
        app: &app,
        cookie: None,
    };
    assert_eq!(
        nobody.post(&format!("{PAGE}/rules"), &rule).await.status(),
        303
    );

    let mut editor = Browser::signed_in(&app, "ed@example.com").await;
    assert_eq!(editor.get(PAGE).await.status(), 403);
    // The session's own token (the sign-in page's token is not a session's).
    let csrf = editor.csrf("/desk").await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&rule);
    let response = editor.post(&format!("{PAGE}/rules"), &form).await;
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Only admins may change routing.")
    );

    let mut admin = Browser::signed_in(&app, "admin@example.com").await;
    admin.get(PAGE).await;
    assert_eq!(
        admin.post(&format!("{PAGE}/rules"), &rule).await.status(),
        400,
        "no token at all: the form is malformed"
    );
    let mut forged = vec![("csrf", "forged")];
    forged.extend_from_slice(&rule);
    assert_eq!(
        admin.post(&format!("{PAGE}/rules"), &forged).await.status(),
        403
    );
    assert_eq!(dashboard_rules(&app).await, 0, "nothing was stored");
    assert!(change_log(&app).await.is_empty());
}

#[tokio::test]
async fn bad_input_comes_back_with_each_error_beside_its_field() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    let mut admin = Browser::signed_in(&app, "admin@example.com").await;
    let response = admin
        .add_rule(&[
            ("desk", "sport"),
            ("host", "https://www.example.com/x"),
            ("path_prefix", "culture"),
            ("category", "rumour"),
            ("language", "english!"),
            ("priority", "5000"),
        ])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    for (id, message) in [
        ("desk", "There is no desk called &#34;sport&#34;."),
        ("host", "Enter a host name only"),
        ("path_prefix", "A section starts with /"),
        ("category", "There is no category called &#34;rumour&#34;"),
        ("language", "Enter a language tag"),
        ("priority", "Enter a whole number from -1000 to 1000."),
    ] {
        let error = html
            .find(&format!(r#"<div class="field-error" id="{id}-error">"#))
            .unwrap_or_else(|| panic!("no error beside {id}: {html}"));
        assert!(
            html[error..].contains(message),
            "{id}: {message:?} not shown"
        );
    }
    assert!(
        html.contains(r#"value="https://www.example.com/x""#),
        "input kept"
    );
    assert!(html.contains(r#"value="culture""#));
    assert!(html.contains(r#"value="english!""#));
    assert!(html.contains(r#"value="5000""#));
    assert!(html.contains("<title>Error:"), "the title says so");

    let response = admin
        .add_rule(&[("desk", "politics"), ("priority", "3")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"id="conditions-error""#));
    assert!(html.contains("Give the rule at least one condition."));
    assert!(
        html.contains(r#"<option value="politics" selected>"#),
        "desk kept"
    );
    assert_eq!(dashboard_rules(&app).await, 0);
}

#[tokio::test]
async fn the_test_box_says_which_desk_and_which_rule() {
    let app = spawn_app().await;
    add_user(&app, "admin@example.com", Role::Admin).await;
    let mut admin = Browser::signed_in(&app, "admin@example.com").await;
    let html = admin
        .html(&format!(
            "{PAGE}?url=https%3A%2F%2Fm.example.com%2Fworld%2Fasia%2Fstory%3Futm_source%3Dx&category=false_claim&language=en"
        ))
        .await;
    let result = &html[html.find(r#"id="test-result""#).expect("a result")..];
    assert!(result.contains("https://www.example.com/world/asia/story"));
    assert!(result.contains("World desk (world)"));
    assert!(
        result.contains("Rule 2: path is in /world/ (priority 10)."),
        "{result}"
    );

    let html = admin
        .html(&format!(
            "{PAGE}?url=https%3A%2F%2Fexamp1e.test%2Ffake&category=impersonation&language=en"
        ))
        .await;
    assert!(html.contains("Standards desk (standards)"));
    assert!(html.contains("Rule 1: category is impersonation (priority 100)."));

    let html = admin
        .html(&format!(
            "{PAGE}?url=https%3A%2F%2Fwww.example.com%2Fsport%2Fx&category=other"
        ))
        .await;
    assert!(html.contains("No rule matched: the default desk."));
    assert!(html.contains("Newsroom (newsroom)"));

    let html = admin
        .html(&format!(
            "{PAGE}?url=https%3A%2F%2Felsewhere.test%2Fx&category=other"
        ))
        .await;
    assert!(html.contains(r#"id="test_url-error""#));
    assert!(!html.contains(r#"id="test-result""#));
}

#[tokio::test]
async fn a_rule_added_on_one_instance_is_used_by_another_at_once() {
    // On SQLite both instances open one file; on PostgreSQL one database.
    let first = spawn_app().await;
    let url = first.database_url.clone();
    let second =
        spawn_app_with(move |s| s.database.url = disinfo_desk::config::Secret::new(url)).await;
    // The second instance has routed with the rules as they were.
    let code = submit(&second, "https://www.example.com/culture/before").await;
    assert_eq!(desk_of(&second, &code).await, "newsroom");

    add_user(&first, "admin@example.com", Role::Admin).await;
    let mut admin = Browser::signed_in(&first, "admin@example.com").await;
    added_id(
        &admin
            .add_rule(&[("desk", "world"), ("path_prefix", "/culture/")])
            .await,
    );
    // Intake checks the rules' version inside its transaction: no waiting for a reload. The
    // second instance routed this one by the rules it had, then moved it: its count moved too.
    let code = submit(&second, "https://www.example.com/culture/after").await;
    assert_eq!(desk_of(&second, &code).await, "world");
    assert_eq!(
        crate::group_commit::kept_counts(&second).await,
        crate::group_commit::recount(&second).await,
        "the kept counts follow the report to the desk the new rule chose"
    );
}

#[tokio::test]
async fn a_changed_file_replaces_the_file_rules_and_keeps_the_dashboards() {
    let first = spawn_app().await;
    add_user(&first, "admin@example.com", Role::Admin).await;
    let mut admin = Browser::signed_in(&first, "admin@example.com").await;
    added_id(
        &admin
            .add_rule(&[("desk", "world"), ("path_prefix", "/culture/")])
            .await,
    );

    // The next deployment ships a file with one more rule.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("routing.toml");
    let shipped = std::fs::read_to_string("config/routing.toml").expect("shipped file");
    std::fs::write(
        &file,
        format!("{shipped}\n[[rules]]\ndesk = \"politics\"\npath_prefix = \"/sport/\"\n"),
    )
    .expect("write");
    let url = first.database_url.clone();
    let routing_file = file.clone();
    let second = spawn_app_with(move |s| {
        s.database.url = disinfo_desk::config::Secret::new(url);
        s.routing.file = routing_file;
    })
    .await;
    let rules: Vec<(String, Option<String>)> = second
        .query(|conn| {
            routing_rules::table
                .order(routing_rules::id.asc())
                .select((routing_rules::source, routing_rules::path_prefix))
                .load(conn)
        })
        .await;
    assert_eq!(
        rules.iter().filter(|r| r.0 == "file").count(),
        4,
        "the file's rules replaced: {rules:?}"
    );
    assert!(rules.contains(&("dashboard".into(), Some("/culture/".into()))));
    let code = submit(&second, "https://www.example.com/sport/final").await;
    assert_eq!(desk_of(&second, &code).await, "politics");
    let code = submit(&first, "https://www.example.com/sport/semi-final").await;
    assert_eq!(
        desk_of(&first, &code).await,
        "politics",
        "the first instance follows the stored rules too"
    );
    let log = change_log(&second).await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1].0, "file_synced");
    assert_eq!(log[1].1, format!("file:{}", file.display()));

    // Starting again with the same file changes nothing.
    let url = first.database_url.clone();
    let _third = spawn_app_with(move |s| {
        s.database.url = disinfo_desk::config::Secret::new(url);
        s.routing.file = file;
    })
    .await;
    assert_eq!(change_log(&first).await.len(), 2);
}
