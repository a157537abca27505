//! Response targets (issue 14, item 4): what is overdue and by how long on the queue, the report
//! list and the report page; the overdue filter; a desk's own targets set by an admin; the
//! reminder digest (once per report, one per desk per hour, reports decided meanwhile left out),
//! also with two instances sweeping one database; the medians on the page and in `/metrics`.
//!
//! No test waits for hours: the reports' clocks are moved back in the database, and the sweep
//! (every second in `config/test.toml`) notices them.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{outbox, reports};
use disinfo_desk::storage::{Db, StorageError, now};
use serde_json::{Value, json};

use crate::helpers::{
    Browser, PASSWORD, TestApp, fresh_database_url, smtp_to, spawn_app, spawn_app_with,
    test_settings, valid_report,
};
use crate::smtp_sink::{ReceivedMessage, SmtpSink};

const WAIT: Duration = Duration::from_secs(30);
const WORLD_EDITOR: &str = "world-editor@example.com";

fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

fn report_on(path: &str) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report
}

async fn submit_to(address: &str, path: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{address}/api/v1/reports"))
        .json(&report_on(path))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

async fn submit(app: &TestApp, path: &str) -> String {
    submit_to(&app.address, path).await
}

/// Sets a report's clocks, as if it had arrived (and moved) that long ago.
#[derive(Default, Clone, Copy)]
struct Clocks {
    created: Option<NaiveDateTime>,
    opened: Option<NaiveDateTime>,
    triaged: Option<NaiveDateTime>,
    decided: Option<NaiveDateTime>,
}

async fn set_clocks(db: &Db, code: &str, clocks: Clocks) {
    let code = code.to_string();
    db.write(move |conn| {
        let target = reports::table.filter(reports::tracking_code.eq(&code));
        if let Some(at) = clocks.created {
            diesel::update(target)
                .set(reports::created_at.eq(at))
                .execute(conn)?;
        }
        if let Some(at) = clocks.opened {
            diesel::update(target)
                .set(reports::opened_at.eq(at))
                .execute(conn)?;
        }
        if let Some(at) = clocks.triaged {
            diesel::update(target)
                .set(reports::triaged_at.eq(at))
                .execute(conn)?;
        }
        if let Some(at) = clocks.decided {
            diesel::update(target)
                .set(reports::decided_at.eq(at))
                .execute(conn)?;
        }
        Ok::<_, StorageError>(())
    })
    .await
    .expect("clocks set");
}

/// Moves the clocks of several reports back by `ago` in one statement (one sweep sees them all).
async fn opened_ago(db: &Db, codes: &[String], ago: chrono::Duration) {
    let codes = codes.to_vec();
    let at = now() - ago;
    db.write(move |conn| {
        diesel::update(reports::table.filter(reports::tracking_code.eq_any(&codes)))
            .set((reports::opened_at.eq(at), reports::created_at.eq(at)))
            .execute(conn)
            .map_err(StorageError::from)
    })
    .await
    .expect("clocks moved");
}

async fn admin(app: &TestApp) -> (Browser<'_>, String) {
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let mut browser = Browser::new(app);
    assert_eq!(
        browser
            .sign_in("chief@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    (browser, token)
}

async fn api_get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn move_to(app: &TestApp, token: &str, code: &str, body: Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/desk/reports/{code}/transition")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200, "{code}: {body}");
}

async fn article_of(app: &TestApp, token: &str, code: &str) -> i64 {
    let (status, body) = api_get(app, token, &format!("/api/v1/desk/reports/{code}")).await;
    assert_eq!(status, 200);
    body["article"]["id"].as_i64().expect("article id")
}

/// The queue's row of an article, as HTML.
fn queue_row(html: &str, article_id: i64) -> Option<String> {
    let start = html.find(&format!(r#"data-article="{article_id}""#))?;
    let end = html[start..].find("</tr>")? + start;
    Some(html[start..end].to_string())
}

fn codes_listed(html: &str) -> BTreeSet<String> {
    html.match_indices(r#"data-code=""#)
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').expect("closed")].to_string()
        })
        .collect()
}

#[tokio::test]
async fn overdue_shows_on_the_queue_the_list_and_the_report_page_and_filters_them() {
    let app = spawn_app().await;
    let (mut browser, token) = admin(&app).await;
    // Defaults (config/default.toml): triage 24 h, decision 72 h, counted from `opened_at`.
    let late_triage = submit(&app, "/world/2026/late-triage").await;
    let due_soon = submit(&app, "/world/2026/due-soon").await;
    let fresh = submit(&app, "/politics/2026/fresh").await;
    let late_decision = submit(&app, "/world/2026/late-decision").await;
    move_to(&app, &token, &late_decision, json!({"to": "triaged"})).await;
    let t = now();
    // Half a minute of slack in each, so that the minutes shown hold while the pages load.
    let back = |d: chrono::Duration| Clocks {
        created: Some(t - d),
        opened: Some(t - d),
        ..Clocks::default()
    };
    set_clocks(
        &app.db,
        &late_triage,
        back(minutes(30 * 60) + chrono::Duration::seconds(30)),
    )
    .await;
    set_clocks(
        &app.db,
        &due_soon,
        back(minutes(19 * 60) - chrono::Duration::seconds(30)),
    )
    .await;
    set_clocks(
        &app.db,
        &late_decision,
        back(minutes(80 * 60) + chrono::Duration::seconds(30)),
    )
    .await;

    let queue = browser.get("/desk").await.text().await.expect("html");
    let row = |code: &str| {
        let code = code.to_string();
        let token = token.clone();
        let app = &app;
        async move { article_of(app, &token, &code).await }
    };
    let (late_article, soon_article, fresh_article, decision_article) = (
        row(&late_triage).await,
        row(&due_soon).await,
        row(&fresh).await,
        row(&late_decision).await,
    );
    let late_row = queue_row(&queue, late_article).expect("the late article is queued");
    assert!(
        late_row.contains("Triage overdue by 6 h") && late_row.contains("target-overdue"),
        "{late_row}"
    );
    let soon_row = queue_row(&queue, soon_article).expect("queued");
    assert!(
        soon_row.contains("Triage due in 5 h") && soon_row.contains("target-due"),
        "{soon_row}"
    );
    let decision_row = queue_row(&queue, decision_article).expect("queued");
    assert!(
        decision_row.contains("Decision overdue by 8 h"),
        "{decision_row}"
    );

    // The report page and the list say the same of each report.
    let page = browser
        .get(&format!("/desk/reports/{late_triage}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("Triage overdue by 6 h"), "report page");
    let page = browser
        .get(&format!("/desk/reports/{late_decision}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("Decision overdue by 8 h"), "report page");
    assert!(page.contains("First triaged"), "the triage time is shown");
    let list = browser
        .get("/desk/reports")
        .await
        .text()
        .await
        .expect("html");
    assert!(list.contains("Triage overdue by 6 h") && list.contains("Triage due in 5 h"));

    // Overdue only: the queue, the list, the editor API.
    let queue = browser
        .get("/desk?overdue=1")
        .await
        .text()
        .await
        .expect("html");
    assert!(queue_row(&queue, late_article).is_some());
    assert!(queue_row(&queue, decision_article).is_some());
    assert!(queue_row(&queue, soon_article).is_none(), "not overdue");
    assert!(queue_row(&queue, fresh_article).is_none(), "not overdue");
    assert!(
        queue.contains(r#"name="overdue" value="1" checked"#),
        "the box stays ticked"
    );
    let list = browser
        .get("/desk/reports?overdue=1")
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(
        codes_listed(&list),
        BTreeSet::from([late_triage.clone(), late_decision.clone()])
    );
    let (status, body) = api_get(&app, &token, "/api/v1/desk/reports?overdue=true").await;
    assert_eq!(status, 200);
    let listed: BTreeSet<String> = body["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["tracking_code"].as_str().expect("code").to_string())
        .collect();
    assert_eq!(listed, BTreeSet::from([late_triage, late_decision.clone()]));

    // Decided: no longer overdue.
    move_to(
        &app,
        &token,
        &late_decision,
        json!({"to": "no_error", "public_note": "Checked: the figure is right."}),
    )
    .await;
    let list = browser
        .get("/desk/reports?overdue=1")
        .await
        .text()
        .await
        .expect("html");
    assert!(!codes_listed(&list).contains(&late_decision));

    // A value that is neither yes nor no is named.
    let response = browser.get("/desk/reports?overdue=maybe").await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("Give overdue as true or false."), "{html}");
    let (status, body) = api_get(&app, &token, "/api/v1/desk/reports?overdue=maybe").await;
    assert_eq!(status, 422);
    assert!(body["fields"]["overdue"].is_array(), "{body}");
}

#[tokio::test]
async fn an_admin_gives_a_desk_its_own_targets_and_a_bad_value_is_refused_beside_its_field() {
    let app = spawn_app().await;
    let (mut admin, _) = admin(&app).await;
    let form = "/desk/admin/routing/desks/world/targets";
    let html = admin.get(form).await.text().await.expect("html");
    assert!(html.contains("Triage target, in minutes"), "{html}");
    assert!(
        html.contains("Empty: the default, 1440 minutes (24 h)."),
        "{html}"
    );

    // Not a positive whole number: refused, kept, the message beside the field.
    for bad in ["0", "1.5", "soon"] {
        let csrf = admin.csrf(form).await;
        let response = admin
            .post(
                form,
                &[
                    ("csrf", &csrf),
                    ("triage_minutes", bad),
                    ("decision_minutes", ""),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "{bad}");
        let html = response.text().await.expect("html");
        assert!(
            html.contains(r#"id="triage_minutes-error""#),
            "{bad}: {html}"
        );
        assert!(
            html.contains("Enter a whole number of minutes from 1 to 525600"),
            "{bad}"
        );
        assert!(
            html.contains(&format!(r#"name="triage_minutes" value="{bad}""#)),
            "kept: {bad}"
        );
        assert!(html.contains(r#"aria-describedby="triage_minutes-hint triage_minutes-error""#));
    }
    // A decision sooner than the triage.
    let csrf = admin.csrf(form).await;
    let response = admin
        .post(
            form,
            &[
                ("csrf", &csrf),
                ("triage_minutes", "600"),
                ("decision_minutes", "60"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"id="decision_minutes-error""#), "{html}");
    assert!(html.contains("cannot be shorter than the triage target"));

    // Saved: on the routing page, in its change log, and in force for the desk's reports.
    let csrf = admin.csrf(form).await;
    let response = admin
        .post(
            form,
            &[
                ("csrf", &csrf),
                ("triage_minutes", "30"),
                ("decision_minutes", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let routing = admin
        .get("/desk/admin/routing")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        routing.contains("Triage 30 min (this desk&#39;s own) · decision 3 d (default)"),
        "{routing}"
    );
    assert!(
        routing.contains(
            "Response targets of world: triage the default, decision the default → triage 30 min, decision the default"
        ),
        "the change is logged: {routing}"
    );
    let world = submit(&app, "/world/2026/own-target").await;
    let newsroom = submit(&app, "/culture/2026/default-target").await;
    let back = now() - minutes(45) - chrono::Duration::seconds(30);
    for code in [&world, &newsroom] {
        set_clocks(
            &app.db,
            code,
            Clocks {
                opened: Some(back),
                ..Clocks::default()
            },
        )
        .await;
    }
    let world_page = admin
        .get(&format!("/desk/reports/{world}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        world_page.contains("Triage overdue by 15 min"),
        "own target"
    );
    let newsroom_page = admin
        .get(&format!("/desk/reports/{newsroom}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        newsroom_page.contains("Triage due in 23 h 14 min"),
        "the default still holds elsewhere"
    );

    // Back to the default: empty fields.
    let csrf = admin.csrf(form).await;
    let response = admin
        .post(
            form,
            &[
                ("csrf", &csrf),
                ("triage_minutes", ""),
                ("decision_minutes", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let html = admin.get(form).await.text().await.expect("html");
    assert!(html.contains(r#"name="triage_minutes" value="""#));

    // Editors see the targets, but only admins change them.
    let _ = app
        .editor("writer@example.com", Role::Editor, &["world"])
        .await;
    let mut editor = Browser::new(&app);
    assert_eq!(
        editor
            .sign_in("writer@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(editor.get(form).await.status(), 403);
    assert_eq!(editor.get("/desk/targets").await.status(), 200);
}

fn reminders(sink: &SmtpSink) -> Vec<ReceivedMessage> {
    sink.messages()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == WORLD_EDITOR))
        .filter(|m| m.subject().contains("response target"))
        .collect()
}

async fn wait_for_reminders(sink: &SmtpSink, n: usize) -> Vec<ReceivedMessage> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = reminders(sink);
        if found.len() >= n {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reminder within {WAIT:?}: {:#?}",
            sink.messages()
                .iter()
                .map(|m| (m.rcpt_to.clone(), m.subject()))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The sweeps an instance completed, from its `/metrics`.
async fn sweeps(address: &str) -> u64 {
    let text = reqwest::get(format!("{address}/metrics"))
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    text.lines()
        .find_map(|l| l.strip_prefix("desk_target_sweeps_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Waits until every instance completed `more` sweeps after now: later sweeps had their chance.
async fn more_sweeps(addresses: &[&str], more: u64) {
    let mut wanted = Vec::new();
    for address in addresses {
        wanted.push(sweeps(address).await + more);
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    for (address, wanted) in addresses.iter().zip(wanted) {
        while sweeps(address).await < wanted {
            assert!(tokio::time::Instant::now() < deadline, "no sweep ran");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn reminder_ids(db: &Db, codes: &[String]) -> Vec<Option<i64>> {
    let codes = codes.to_vec();
    db.read(move |conn| {
        reports::table
            .filter(reports::tracking_code.eq_any(&codes))
            .select(reports::triage_reminder_id)
            .load::<Option<i64>>(conn)
            .map_err(StorageError::from)
    })
    .await
    .expect("read")
}

#[tokio::test]
async fn the_desk_gets_one_digest_of_its_overdue_reports_once_and_reports_decided_meanwhile_drop_out()
 {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let mut overdue = Vec::new();
    for i in 0..3 {
        overdue.push(submit(&app, &format!("/world/2026/late-{i}")).await);
    }
    let fresh = submit(&app, "/world/2026/on-time").await;
    let other_desk = submit(&app, "/politics/2026/late").await;
    // The acknowledgements and the desks' alerts first, so that what follows is the reminder.
    sink.wait_for(10, WAIT).await;
    opened_ago(
        &app.db,
        &[overdue.clone(), vec![other_desk.clone()]].concat(),
        minutes(25 * 60),
    )
    .await;

    let found = wait_for_reminders(&sink, 1).await;
    let reminder = &found[0];
    assert_eq!(
        reminder.subject(),
        "[World desk] 3 reports past their response targets"
    );
    let text = reminder.text_body().expect("a text part");
    for code in &overdue {
        assert!(text.contains(code.as_str()), "{code} listed: {text}");
        assert!(text.contains(&format!("/desk/reports/{code}")), "linked");
    }
    assert!(!text.contains(fresh.as_str()), "not overdue: {text}");
    assert!(text.contains("Triage overdue by 1 h"), "{text}");
    assert!(text.contains("Article: /world/2026/late-0"), "{text}");
    assert!(
        reminder
            .html_body()
            .is_some_and(|h| h.contains(&overdue[0]))
    );
    // Politics has its own reminder, to its own editor.
    let deadline = tokio::time::Instant::now() + WAIT;
    while !sink.messages().iter().any(|m| {
        m.rcpt_to.iter().any(|r| r == "politics-editor@example.com")
            && m.subject().contains("1 report past its response target")
    }) {
        assert!(tokio::time::Instant::now() < deadline, "politics reminded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Later sweeps find them reminded: nothing more.
    more_sweeps(&[&app.address], 3).await;
    assert_eq!(reminders(&sink).len(), 1, "reminded once");
    let ids = reminder_ids(&app.db, &overdue).await;
    assert!(
        ids.iter().all(|id| *id == ids[0] && id.is_some()),
        "{ids:?}"
    );

    // Two more pass their target within the hour: they wait together in the next digest, due an
    // hour after the first.
    let next: Vec<String> = vec![
        submit(&app, "/world/2026/later-0").await,
        submit(&app, "/world/2026/later-1").await,
    ];
    opened_ago(&app.db, &next, minutes(25 * 60)).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let pending = loop {
        let ids = reminder_ids(&app.db, &next).await;
        if ids.iter().all(Option::is_some) {
            break ids[0].expect("marked");
        }
        assert!(tokio::time::Instant::now() < deadline, "marked: {ids:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(reminder_ids(&app.db, &next).await, vec![Some(pending); 2]);
    let (status, due_at): (String, NaiveDateTime) = app
        .query(move |conn| {
            outbox::table
                .find(pending)
                .select((outbox::status, outbox::due_at))
                .first(conn)
        })
        .await;
    assert_eq!(status, "pending");
    assert!(
        due_at > now() + minutes(55),
        "one reminder per desk per hour: due {due_at}"
    );
    assert_eq!(reminders(&sink).len(), 1);

    // One of them is triaged before the hour is up; then the hour passes (its due time moved).
    move_to(&app, &token, &next[0], json!({"to": "triaged"})).await;
    app.db
        .write(move |conn| {
            diesel::update(outbox::table.find(pending))
                .set(outbox::due_at.eq(now()))
                .execute(conn)
                .map_err(StorageError::from)
        })
        .await
        .expect("due now");
    // The worker finds it at its next poll (every 100 ms in tests).
    let found = wait_for_reminders(&sink, 2).await;
    let second = found
        .iter()
        .find(|m| m.text_body().is_some_and(|t| t.contains(next[1].as_str())))
        .expect("the second reminder");
    assert_eq!(
        second.subject(),
        "[World desk] 1 report past its response target"
    );
    let text = second.text_body().expect("text");
    assert!(
        !text.contains(next[0].as_str()),
        "triaged meanwhile: {text}"
    );
    assert!(
        text.contains("1 more was triaged or decided since and is left out."),
        "{text}"
    );
}

#[tokio::test]
async fn two_instances_sweeping_one_database_send_one_reminder() {
    use crate::instances::{desk, start};
    let dir = tempfile::tempdir().expect("tmp");
    let database_url = fresh_database_url(dir.path());
    let sink = SmtpSink::start().await;
    let migrated = desk(&database_url, sink.port())
        .arg("migrate")
        .output()
        .expect("migrate runs");
    assert!(migrated.status.success(), "{migrated:?}");
    let a = start(
        &database_url,
        sink.port(),
        "desk-a",
        &dir.path().join("a.log"),
    );
    let b = start(
        &database_url,
        sink.port(),
        "desk-b",
        &dir.path().join("b.log"),
    );
    let mut codes = Vec::new();
    for i in 0..4 {
        let at = if i % 2 == 0 { &a } else { &b };
        codes.push(submit_to(&at.address, &format!("/world/2026/shared-{i}")).await);
    }
    // Acknowledgements and alerts delivered first.
    sink.wait_for(8, WAIT).await;
    let mut settings = test_settings();
    settings.database.url = disinfo_desk::config::Secret::new(database_url.clone());
    let database = settings.database.clone();
    let db = tokio::task::spawn_blocking(move || Db::connect(&database))
        .await
        .expect("task")
        .expect("connects");
    // Both instances sweep every second; from now on both see these reports past their target.
    opened_ago(&db, &codes, minutes(25 * 60)).await;

    let found = wait_for_reminders(&sink, 1).await;
    let text = found[0].text_body().expect("text");
    for code in &codes {
        assert!(text.contains(code.as_str()), "{code} in the one reminder");
    }
    // Each instance sweeps several more times: still one reminder, one digest row, one mark.
    more_sweeps(&[&a.address, &b.address], 3).await;
    assert_eq!(reminders(&sink).len(), 1, "one reminder from two instances");
    let digests: i64 = db
        .read(|conn| {
            outbox::table
                .filter(outbox::kind.eq("desk_overdue"))
                .count()
                .get_result(conn)
                .map_err(StorageError::from)
        })
        .await
        .expect("read");
    assert_eq!(digests, 1, "one digest queued");
    let ids = reminder_ids(&db, &codes).await;
    assert!(
        ids.iter().all(|id| id.is_some() && *id == ids[0]),
        "{ids:?}"
    );
    drop((a, b));
}

/// The median of a known set, as both backends are asked to compute it.
fn known_median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn gauge(metrics: &str, name: &str, desk: &str, step: &str) -> Option<f64> {
    let prefix = format!("{name}{{desk=\"{desk}\",step=\"{step}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn the_medians_on_the_page_and_in_metrics_are_those_of_the_last_30_days() {
    let app = spawn_app().await;
    let (mut browser, token) = admin(&app).await;
    let t = now() - minutes(24 * 60);
    // World: triaged after 10, 20, 30 and 40 minutes (median 25 min); three of them decided 60,
    // 120 and 300 minutes after entering the queue (median 120 min). One more was triaged 31
    // days ago, after 1,000 minutes: outside the window.
    let triage = [10, 20, 30, 40];
    let decision = [60, 120, 300];
    let mut world = Vec::new();
    for i in 0..triage.len() {
        world.push(submit(&app, &format!("/world/2026/figures-{i}")).await);
    }
    let old = submit(&app, "/world/2026/figures-old").await;
    for code in world.iter().chain([&old]) {
        move_to(&app, &token, code, json!({"to": "triaged"})).await;
    }
    for code in &world[..decision.len()] {
        move_to(
            &app,
            &token,
            code,
            json!({"to": "no_error", "public_note": "Checked."}),
        )
        .await;
    }
    for (i, code) in world.iter().enumerate() {
        set_clocks(
            &app.db,
            code,
            Clocks {
                created: Some(t),
                opened: Some(t),
                triaged: Some(t + minutes(triage[i])),
                decided: decision.get(i).map(|m| t + minutes(*m)),
            },
        )
        .await;
    }
    let long_ago = now() - chrono::Duration::days(31);
    set_clocks(
        &app.db,
        &old,
        Clocks {
            created: Some(long_ago - minutes(1000)),
            opened: Some(long_ago - minutes(1000)),
            triaged: Some(long_ago),
            decided: None,
        },
    )
    .await;
    // One new world report past its triage target, and one in review past its decision target
    // (the old one, still triaged).
    let waiting = submit(&app, "/world/2026/figures-waiting").await;
    opened_ago(&app.db, &[waiting], minutes(25 * 60)).await;

    let triage_median = known_median(triage.iter().map(|m| (m * 60) as f64).collect());
    let decision_median = known_median(decision.iter().map(|m| (m * 60) as f64).collect());
    assert_eq!((triage_median, decision_median), (1500.0, 7200.0));

    let html = browser
        .get("/desk/targets")
        .await
        .text()
        .await
        .expect("html");
    let start = html.find(r#"data-desk="world""#).expect("a row for world");
    let row = &html[start..start + html[start..].find("</tr>").expect("row ends")];
    assert!(
        row.contains(r#"<td class="median-triage" data-label="Median time to triage">25 min (4 reports)</td>"#),
        "{row}"
    );
    assert!(
        row.contains(r#"<td class="median-decision" data-label="Median time to decision">2 h (3 reports)</td>"#),
        "{row}"
    );
    assert!(row.contains("1 triage · 1 decision"), "{row}");
    let politics = html.find(r#"data-desk="politics""#).expect("politics");
    assert!(html[politics..].contains("No report took this step yet"));

    let metrics = app.get("/metrics").await.text().await.expect("text");
    let name = "desk_response_median_seconds";
    assert_eq!(
        gauge(&metrics, name, "world", "triage"),
        Some(triage_median),
        "{metrics}"
    );
    assert_eq!(
        gauge(&metrics, name, "world", "decision"),
        Some(decision_median)
    );
    assert_eq!(
        gauge(&metrics, name, "politics", "triage"),
        None,
        "no figure"
    );
    assert_eq!(
        gauge(&metrics, "desk_overdue_reports", "world", "triage"),
        Some(1.0)
    );
    assert_eq!(
        gauge(&metrics, "desk_overdue_reports", "world", "decision"),
        Some(1.0)
    );
    assert_eq!(
        gauge(
            &metrics,
            "desk_response_target_minutes",
            "world",
            "decision"
        ),
        Some(4320.0)
    );
}

#[tokio::test]
async fn a_report_reopened_starts_its_decision_target_anew() {
    let app = spawn_app().await;
    let (mut browser, token) = admin(&app).await;
    let code = submit(&app, "/world/2026/appealed").await;
    move_to(&app, &token, &code, json!({"to": "triaged"})).await;
    move_to(
        &app,
        &token,
        &code,
        json!({"to": "no_error", "public_note": "Checked."}),
    )
    .await;
    let t = now() - chrono::Duration::days(10);
    set_clocks(
        &app.db,
        &code,
        Clocks {
            created: Some(t),
            opened: Some(t),
            ..Clocks::default()
        },
    )
    .await;
    move_to(
        &app,
        &token,
        &code,
        json!({"to": "reopened", "internal_note": "The reader appealed."}),
    )
    .await;
    let html = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("Decision due in 2 d 23 h") || html.contains("Decision due in 3 d"),
        "counted from the reopening, not the receipt ten days ago"
    );
}

/// During a rolling upgrade the previous release inserts reports without naming `opened_at`:
/// they count from their receipt, not from a default far in the past.
#[tokio::test]
async fn a_report_inserted_without_its_clock_counts_from_its_receipt() {
    let app = spawn_app().await;
    let code = submit(&app, "/world/2026/clock-source").await;
    let received = now() - minutes(90);
    let clock: NaiveDateTime = app
        .db
        .write(move |conn| {
            let article: i64 = reports::table
                .filter(reports::tracking_code.eq(&code))
                .select(reports::article_id)
                .first(conn)?;
            diesel::insert_into(reports::table)
                .values((
                    reports::tracking_code.eq("OLDREL-EASE00"),
                    reports::article_id.eq(article),
                    reports::submitted_url.eq("https://www.example.com/world/2026/clock-source"),
                    reports::channel.eq("api"),
                    reports::category.eq("false_claim"),
                    reports::explanation.eq("Inserted as the previous release does."),
                    reports::language.eq("en"),
                    reports::status.eq("new"),
                    reports::created_at.eq(received),
                    reports::updated_at.eq(received),
                ))
                .execute(conn)?;
            reports::table
                .filter(reports::tracking_code.eq("OLDREL-EASE00"))
                .select(reports::opened_at)
                .first(conn)
                .map_err(StorageError::from)
        })
        .await
        .expect("inserted");
    match crate::helpers::backend() {
        // A trigger copies the receipt.
        crate::helpers::TestBackend::Sqlite => assert_eq!(clock, received),
        // The column's default: the inserting transaction's time.
        crate::helpers::TestBackend::Postgres => assert!(clock >= received, "{clock}"),
    }
}
