//! The review dashboard's pages: the queue and the list checked against a model of hundreds of
//! reports (every order, filters, keyset pages), the report and article pages with their forms,
//! bulk actions, and the CSV export (personal data for admins only).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use disinfo_desk::dashboard::{self, accounts::Role};
use disinfo_desk::storage::schema::{articles, report_events, reports};
use serde_json::json;

use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_with, valid_report};

const PASSWORD: &str = "a long and unusual passphrase";

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

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(response.status(), 303, "signed in");
    browser
}

async fn seed(app: &TestApp, count: usize) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        disinfo_desk::demo::seed(&db, &routing, count, 7).expect("seeded");
    })
    .await
    .expect("task");
}

#[derive(Debug, Clone)]
struct Row {
    id: i64,
    article_id: i64,
    code: String,
    status: String,
    category: String,
    desk_id: Option<i64>,
    assignee_id: Option<i64>,
    created_at: NaiveDateTime,
    text: String,
}

const OPEN: [&str; 4] = ["new", "triaged", "investigating", "reopened"];

async fn model(app: &TestApp) -> Vec<Row> {
    type Loaded = (
        i64,
        i64,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        NaiveDateTime,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Loaded> = app
        .query(|conn| {
            reports::table
                .inner_join(articles::table)
                .select((
                    reports::id,
                    reports::article_id,
                    reports::tracking_code,
                    reports::status,
                    reports::category,
                    reports::desk_id,
                    reports::assignee_id,
                    reports::created_at,
                    reports::passage,
                    reports::explanation,
                    articles::canonical_url,
                ))
                .load(conn)
        })
        .await;
    rows.into_iter()
        .map(|r| Row {
            id: r.0,
            article_id: r.1,
            code: r.2,
            status: r.3,
            category: r.4,
            desk_id: r.5,
            assignee_id: r.6,
            created_at: r.7,
            text: format!("{} {} {}", r.10, r.8.unwrap_or_default(), r.9).to_lowercase(),
        })
        .collect()
}

/// The queue the model predicts: (article id, matching reports), in `sort` order.
fn expected_queue(rows: &[Row], keep: impl Fn(&Row) -> bool, sort: &str) -> Vec<(i64, i64)> {
    let mut groups: BTreeMap<i64, (i64, NaiveDateTime, NaiveDateTime)> = BTreeMap::new();
    for row in rows.iter().filter(|r| keep(r)) {
        let g = groups
            .entry(row.article_id)
            .or_insert((0, row.created_at, row.created_at));
        g.0 += 1;
        g.1 = g.1.max(row.created_at);
        g.2 = g.2.min(row.created_at);
    }
    let mut list: Vec<(i64, (i64, NaiveDateTime, NaiveDateTime))> = groups.into_iter().collect();
    match sort {
        "most" => list.sort_by_key(|g| std::cmp::Reverse((g.1.0, g.0))),
        "newest" => list.sort_by_key(|g| std::cmp::Reverse((g.1.1, g.0))),
        "waiting" => list.sort_by_key(|g| (g.1.2, g.0)),
        other => panic!("no sort {other}"),
    }
    list.into_iter().map(|(id, g)| (id, g.0)).collect()
}

fn between<'h>(html: &'h str, start: &str, end: &str) -> Option<&'h str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

fn next_link(html: &str) -> Option<String> {
    between(html, r#"<a rel="next" href=""#, "\"")
        .map(|l| l.replace("&#38;", "&").replace("&amp;", "&"))
}

/// Follows the `rel=next` links from `path`, collecting (article id, matching count) rows.
async fn walk_queue(browser: &mut Browser<'_>, path: &str) -> Vec<(i64, i64)> {
    let mut seen = Vec::new();
    let mut next = Some(path.to_string());
    let mut pages = 0;
    while let Some(path) = next {
        pages += 1;
        assert!(pages < 200, "the pages end");
        let response = browser.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("html");
        for row in html
            .split(r#"<tr class="queue-row" data-article=""#)
            .skip(1)
        {
            let id = row[..row.find('"').expect("id ends")].parse().expect("id");
            let count = between(row, r#"<strong class="matching">"#, "<")
                .expect("count")
                .parse()
                .expect("number");
            seen.push((id, count));
        }
        next = next_link(&html);
    }
    seen
}

/// Follows the list's pages from `path`, collecting tracking codes in order.
async fn walk_list(browser: &mut Browser<'_>, path: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next {
        assert!(seen.len() < 10_000, "the pages end");
        let response = browser.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("html");
        for row in html.split(r#"<tr class="report-row" data-code=""#).skip(1) {
            seen.push(row[..row.find('"').expect("code ends")].to_string());
        }
        next = next_link(&html);
    }
    seen
}

#[tokio::test]
async fn the_queue_matches_a_model_of_the_reports_in_every_order() {
    let app = spawn_app().await;
    seed(&app, 600).await;
    // Many reports arriving in the same microsecond: the orders' ties, broken by article id.
    app.query(|conn| {
        let tied = chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
            .and_then(|d| d.and_hms_micro_opt(12, 0, 0, 123_456))
            .expect("a time");
        diesel::update(reports::table.filter(reports::id.le(200)))
            .set(reports::created_at.eq(tied))
            .execute(conn)?;
        disinfo_desk::articles::repo::refresh_open_all(conn)
    })
    .await;
    account(&app, "chief@example.com", Role::Admin, &[]).await;
    let mut browser = signed_in(&app, "chief@example.com").await;
    let rows = model(&app).await;
    let world = app
        .query(|conn| {
            disinfo_desk::storage::schema::desks::table
                .filter(disinfo_desk::storage::schema::desks::slug.eq("world"))
                .select(disinfo_desk::storage::schema::desks::id)
                .first::<i64>(conn)
        })
        .await;
    let open = |r: &Row| OPEN.contains(&r.status.as_str());
    for sort in ["most", "newest", "waiting"] {
        let expected = expected_queue(&rows, open, sort);
        assert!(expected.len() > 20, "enough articles to page through");
        // The plain open queue reads the articles' own counts...
        let fast = walk_queue(&mut browser, &format!("/desk?sort={sort}&limit=17")).await;
        assert_eq!(fast, expected, "open queue by {sort}");
        // ...and any narrower view groups the reports: with a filter that keeps everything, the
        // two must agree.
        let grouped = walk_queue(
            &mut browser,
            &format!("/desk?sort={sort}&limit=13&from=2000-01-01"),
        )
        .await;
        assert_eq!(grouped, expected, "grouped open queue by {sort}");

        let expected = expected_queue(&rows, |r| r.category == "false_claim", sort);
        let filtered = walk_queue(
            &mut browser,
            &format!("/desk?sort={sort}&limit=9&status=all&category=false_claim"),
        )
        .await;
        assert_eq!(filtered, expected, "false claims by {sort}");

        let expected = expected_queue(
            &rows,
            |r| open(r) && r.desk_id == Some(world) && r.assignee_id.is_none(),
            sort,
        );
        let filtered = walk_queue(
            &mut browser,
            &format!("/desk?sort={sort}&limit=11&desk=world&assignee=unassigned"),
        )
        .await;
        assert_eq!(filtered, expected, "world, unassigned, by {sort}");
    }

    // The counts per status in the navigation.
    let html = browser.get("/desk").await.text().await.expect("html");
    for status in ["new", "triaged", "corrected", "rejected"] {
        let expected = rows.iter().filter(|r| r.status == status).count();
        let shown = between(&html, &format!(r#"data-status="{status}">"#), "</span>")
            .and_then(|s| s.rsplit('>').next())
            .expect("count shown");
        assert_eq!(shown, expected.to_string(), "{status}");
    }

    // A damaged cursor or a bad date is named, with the filters kept.
    let response = browser.get("/desk?after=nonsense&q=kept+text").await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("href=\"#filter-after\""), "{html}");
    assert!(html.contains(r#"value="kept text""#));
    let response = browser.get("/desk?from=yesterday").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Use a date like")
    );
}

#[tokio::test]
async fn the_report_list_pages_through_exactly_the_matching_reports() {
    let app = spawn_app().await;
    seed(&app, 400).await;
    account(&app, "chief@example.com", Role::Admin, &[]).await;
    let mut browser = signed_in(&app, "chief@example.com").await;
    let rows = model(&app).await;
    let newest_first = |keep: &dyn Fn(&Row) -> bool| {
        let mut kept: Vec<&Row> = rows.iter().filter(|r| keep(r)).collect();
        kept.sort_by_key(|r| std::cmp::Reverse(r.id));
        kept.into_iter().map(|r| r.code.clone()).collect::<Vec<_>>()
    };
    let open = newest_first(&|r| OPEN.contains(&r.status.as_str()));
    assert!(open.len() > 40);
    assert_eq!(
        walk_list(&mut browser, "/desk/reports?limit=40").await,
        open
    );
    assert_eq!(
        walk_list(
            &mut browser,
            "/desk/reports?limit=25&status=corrected&status=no_error"
        )
        .await,
        newest_first(&|r| r.status == "corrected" || r.status == "no_error")
    );
    // Search is case-insensitive, over the URL, the passage and the explanation.
    let word = "statistics";
    let expected = newest_first(&|r| r.text.contains(word));
    assert!(!expected.is_empty(), "the demo text has {word}");
    assert_eq!(
        walk_list(
            &mut browser,
            "/desk/reports?limit=30&status=all&q=STATISTICS"
        )
        .await,
        expected
    );
    let expected = newest_first(&|r| r.text.contains("/politics/"));
    assert_eq!(
        walk_list(
            &mut browser,
            "/desk/reports?limit=50&status=all&q=/politics/"
        )
        .await,
        expected
    );
    // A date range: inclusive of both days.
    let mut days: Vec<NaiveDateTime> = rows.iter().map(|r| r.created_at).collect();
    days.sort();
    let from = days[days.len() / 3].date();
    let to = days[days.len() / 2].date();
    let expected = newest_first(&|r| r.created_at.date() >= from && r.created_at.date() <= to);
    assert_eq!(
        walk_list(
            &mut browser,
            &format!("/desk/reports?limit=50&status=all&from={from}&to={to}")
        )
        .await,
        expected
    );
    // An unknown filter is refused by name.
    let response = browser.get("/desk/reports?colour=red").await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.expect("html").contains("colour"));
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

#[tokio::test]
async fn the_csv_export_streams_the_filtered_list_with_personal_data_on_need_to_know() {
    let app = spawn_app().await;
    seed(&app, 700).await;
    let mut tricky = valid_report();
    tricky["passage"] = json!("=cmd|' /C calc'!A0, \"quoted\"\nsecond line");
    let response = app.post_report(&tricky).await;
    assert_eq!(response.status(), 201);
    account(&app, "chief@example.com", Role::Admin, &[]).await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let rows = model(&app).await;

    let mut editor = signed_in(&app, "writer@example.com").await;
    let response = editor.get("/desk/reports.csv?status=all").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/csv")
    );
    let records = csv_records(&response.text().await.expect("csv"));
    assert_eq!(records[0][0], "tracking_code");
    let column = |name: &str| {
        records[0]
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (desk, email, contact) = (
        column("desk"),
        column("reporter_email"),
        column("reporter_contact"),
    );
    assert_eq!(
        records.len() - 1,
        rows.len(),
        "every report, over several pages"
    );
    let codes: HashSet<&String> = records[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(codes.len(), rows.len(), "none twice");
    for record in &records[1..] {
        if record[desk] != "world" {
            assert!(
                record[email].is_empty(),
                "another desk's reporter: {record:?}"
            );
            assert_ne!(record[contact], "shown");
        }
    }
    assert!(
        records[1..]
            .iter()
            .any(|r| r[desk] == "world" && r[email] == "ana@example.org" && r[contact] == "shown"),
        "the world desk's reporters for a world editor"
    );
    assert!(
        records[1..].iter().any(|r| r[contact] == "withheld"),
        "other desks' reporters are withheld"
    );
    let passage_column = column("passage");
    assert!(
        records[1..]
            .iter()
            .any(|r| r[passage_column] == "'=cmd|' /C calc'!A0, \"quoted\"\nsecond line"),
        "quoted, multi-line and defused"
    );

    let mut admin = signed_in(&app, "chief@example.com").await;
    let text = admin
        .get("/desk/reports.csv?status=new&category=false_claim")
        .await
        .text()
        .await
        .expect("csv");
    let records = csv_records(&text);
    let expected = rows
        .iter()
        .filter(|r| r.status == "new" && r.category == "false_claim")
        .count();
    assert_eq!(records.len() - 1, expected, "only the filtered reports");
    assert!(
        records[1..].iter().any(|r| r[email] == "ana@example.org"),
        "admins get every reporter's email"
    );
    assert!(records[1..].iter().all(|r| r[contact] != "withheld"));
}

async fn submit(app: &TestApp, path: &str) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    response.json::<serde_json::Value>().await.expect("json")["tracking_code"]
        .as_str()
        .expect("code")
        .to_string()
}

async fn status_of(app: &TestApp, code: &str) -> String {
    let code = code.to_string();
    app.query(move |conn| {
        reports::table
            .filter(reports::tracking_code.eq(code))
            .select(reports::status)
            .first(conn)
    })
    .await
}

#[tokio::test]
async fn the_report_page_moves_assigns_and_annotates_a_report() {
    let app = spawn_app().await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let code = submit(&app, "/world/2026/11/floods").await;
    let earlier = submit(&app, "/world/2026/11/floods").await;
    let mut browser = signed_in(&app, "writer@example.com").await;
    let page = format!("/desk/reports/{code}");

    let html = browser.get(&page).await.text().await.expect("html");
    for shown in [
        "More than 10,000 people were evacuated.",
        "1,000 people were evacuated, not 10,000.",
        "https://gov.example.org/bulletin/42",
        "ana@example.org",
        "World desk",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    let csrf = browser.csrf(&page).await;
    let transition = format!("{page}/transition");

    // Without the form token: refused, nothing changes.
    let response = browser.post(&transition, &[("to", "triaged")]).await;
    assert_eq!(response.status(), 403, "a form without its token");
    let response = browser
        .post(&transition, &[("csrf", "forged"), ("to", "triaged")])
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(status_of(&app, &code).await, "new");

    let response = browser
        .post(&transition, &[("csrf", &csrf), ("to", "triaged")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &code).await, "triaged");
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(
        html.contains("The report is now: Triaged."),
        "flash shown once"
    );
    assert!(html.contains("New → Triaged"), "timeline");
    assert!(
        !browser
            .get(&page)
            .await
            .text()
            .await
            .expect("html")
            .contains("The report is now"),
        "and only once"
    );

    // An illegal move: 409, the reason, nothing changed.
    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "reopened"),
                ("internal_note", "kept note"),
            ],
        )
        .await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.expect("html");
    assert!(html.contains("cannot become reopened"), "{html}");
    assert!(html.contains("kept note"), "input kept");
    assert_eq!(status_of(&app, &code).await, "triaged");

    // A move missing what it needs: 422, the error beside the field, the input kept.
    browser
        .post(&transition, &[("csrf", &csrf), ("to", "investigating")])
        .await;
    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "corrected"),
                ("public_note", "Fixed the figure."),
                ("correction_url", "not a url"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"id="correction_url-error""#));
    assert!(html.contains("Fixed the figure."));
    assert_eq!(status_of(&app, &code).await, "investigating");

    // Duplicate of another report, then reopened.
    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "duplicate"),
                ("duplicate_of", &earlier),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(html.contains(&format!(r#"href="/desk/reports/{earlier}""#)));
    let response = browser
        .post(
            &transition,
            &[
                ("csrf", &csrf),
                ("to", "reopened"),
                ("internal_note", "The reader appealed."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &code).await, "reopened");

    // Assignment and an internal note.
    let response = browser
        .post(
            &format!("{page}/assign"),
            &[("csrf", &csrf), ("assignee", "me")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = browser
        .post(
            &format!("{page}/assign"),
            &[("csrf", &csrf), ("assignee", "nobody@example.com")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("No active editor")
    );
    let response = browser
        .post(
            &format!("{page}/notes"),
            &[("csrf", &csrf), ("note", "Called the statistics office.")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = browser
        .post(&format!("{page}/notes"), &[("csrf", &csrf), ("note", "  ")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains(r#"id="added_note-error""#)
    );
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(html.contains("Called the statistics office."));
    assert!(html.contains(r#"<dd class="assignee">writer@example.com</dd>"#));

    // Every action is an event with its actor.
    let code_for_query = code.clone();
    let kinds: Vec<(String, String)> = app
        .query(move |conn| {
            report_events::table
                .inner_join(reports::table)
                .filter(reports::tracking_code.eq(code_for_query))
                .order(report_events::id.asc())
                .select((report_events::kind, report_events::actor))
                .load(conn)
        })
        .await;
    let kinds: Vec<&str> = kinds
        .iter()
        .filter(|(_, actor)| actor == "editor:writer@example.com")
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "status_changed",
            "status_changed",
            "status_changed",
            "status_changed",
            "assigned",
            "note"
        ]
    );
}

#[tokio::test]
async fn the_article_page_resolves_every_open_report_at_once() {
    let app = spawn_app().await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let codes = [
        submit(&app, "/world/2026/11/quake").await,
        submit(&app, "/world/2026/11/quake?utm_source=x").await,
        submit(&app, "/world/2026/11/quake").await,
    ];
    let other = submit(&app, "/world/2026/11/elsewhere").await;
    let article_id: i64 = {
        let code = codes[0].clone();
        app.query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(code))
                .select(reports::article_id)
                .first(conn)
        })
        .await
    };
    let mut browser = signed_in(&app, "writer@example.com").await;
    let page = format!("/desk/articles/{article_id}");
    let html = browser.get(&page).await.text().await.expect("html");
    for code in &codes {
        assert!(html.contains(code.as_str()), "every report listed");
    }
    assert!(html.contains(r#"<dd class="open-count">3</dd>"#));
    let csrf = browser.csrf(&page).await;
    let resolve = format!("{page}/resolve");

    let response = browser
        .post(
            &resolve,
            &[
                ("csrf", &csrf),
                ("to", "clarified"),
                ("public_note", "Added context."),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        422,
        "clarified needs the clarification's URL"
    );
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"id="correction_url-error""#));
    assert!(html.contains("Added context."), "input kept");
    let response = browser
        .post(
            &resolve,
            &[
                ("csrf", &csrf),
                ("to", "investigating"),
                ("public_note", "x"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422, "only outcomes resolve an article");

    // The first step only asks for confirmation; the confirming one resolves.
    let decision = [
        ("csrf", csrf.as_str()),
        ("to", "clarified"),
        ("public_note", "Added context."),
        ("correction_url", "https://www.example.com/corrections/7"),
    ];
    let response = browser.post(&resolve, &decision).await;
    assert_eq!(response.status(), 200);
    for code in &codes {
        assert_eq!(status_of(&app, code).await, "new", "nothing changed yet");
    }
    let mut confirmed = decision.to_vec();
    confirmed.extend([
        ("confirm", "yes"),
        ("expected_reports", "3"),
        ("expected_emails", "3"),
    ]);
    let response = browser.post(&resolve, &confirmed).await;
    assert_eq!(response.status(), 303);
    let html = browser.get(&page).await.text().await.expect("html");
    assert!(html.contains("3 reports resolved; 3 readers are being emailed."));
    assert!(html.contains(r#"<dd class="open-count">0</dd>"#));
    for code in &codes {
        assert_eq!(status_of(&app, code).await, "clarified");
    }
    assert_eq!(
        status_of(&app, &other).await,
        "new",
        "other articles untouched"
    );
    // The article left the open queue.
    let html = browser.get("/desk").await.text().await.expect("html");
    assert!(!html.contains(&format!(r#"data-article="{article_id}""#)));
}

#[tokio::test]
async fn bulk_actions_apply_to_each_selected_report_and_say_which_were_refused() {
    let app = spawn_app().await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let mut codes = Vec::new();
    for i in 0..4 {
        codes.push(submit(&app, &format!("/world/2026/11/story-{i}")).await);
    }
    let mut browser = signed_in(&app, "writer@example.com").await;
    let csrf = browser.csrf("/desk/reports").await;
    let page = browser
        .get("/desk/reports")
        .await
        .text()
        .await
        .expect("html");
    for code in &codes {
        assert!(page.contains(&format!(r#"name="code" value="{code}""#)));
    }
    // One of them is already triaged: triaged → triaged is not a move.
    browser
        .post(
            &format!("/desk/reports/{}/transition", codes[3]),
            &[("csrf", &csrf), ("to", "triaged")],
        )
        .await;
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("action", "transition"),
        ("to", "triaged"),
        ("return_to", "/desk/reports?status=open"),
    ];
    for code in &codes {
        form.push(("code", code.as_str()));
    }
    let response = browser.post("/desk/reports/bulk", &form).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/desk/reports?status=open");
    for code in &codes {
        assert_eq!(status_of(&app, code).await, "triaged");
    }
    let html = browser
        .get("/desk/reports?status=open")
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("3 of 4 reports changed."), "{html}");
    assert!(html.contains(&format!("{}: A report that is triaged", codes[3])));

    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("action", "assign"),
        ("assignee", "me"),
        ("return_to", "https://evil.example/"),
    ];
    for code in &codes[..2] {
        form.push(("code", code.as_str()));
    }
    let response = browser.post("/desk/reports/bulk", &form).await;
    assert_eq!(
        response.headers()["location"],
        "/desk/reports",
        "never off-site"
    );
    let assigned = walk_list(&mut browser, "/desk/reports?assignee=me").await;
    let mut expected = codes[..2].to_vec();
    expected.reverse();
    assert_eq!(assigned, expected);

    let response = browser
        .post(
            "/desk/reports/bulk",
            &[
                ("csrf", "forged"),
                ("action", "assign"),
                ("code", &codes[2]),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn signing_in_leads_to_the_queue_and_pages_need_a_session() {
    let app = spawn_app().await;
    for path in [
        "/desk",
        "/desk/reports",
        "/desk/reports.csv",
        "/desk/articles/1",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .expect("ascii")
                .starts_with("/desk/login?next=")
        );
    }
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let mut browser = Browser::new(&app);
    let csrf = browser.csrf("/desk/login").await;
    let response = browser
        .post(
            "/desk/login",
            &[
                ("email", "writer@example.com"),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/desk"),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/desk");
    let html = browser.get("/desk").await.text().await.expect("html");
    assert!(html.contains("No article has reports matching these filters."));
    assert!(
        !html.contains("/desk/outbox"),
        "admin links only for admins"
    );
    assert_eq!(browser.get("/desk/articles/999").await.status(), 404);
    assert_eq!(browser.get("/desk/reports/NOPE").await.status(), 404);
}

/// The articles' stored open counts and times, next to a fresh recount from the reports.
async fn aggregates_match_a_recount(app: &TestApp) {
    type Stored = (i64, i64, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let stored: Vec<Stored> = app
        .query(|conn| {
            articles::table
                .order(articles::id.asc())
                .select((
                    articles::id,
                    articles::open_report_count,
                    articles::oldest_open_at,
                    articles::newest_open_at,
                ))
                .load(conn)
        })
        .await;
    let rows = model(app).await;
    for (id, open, oldest, newest) in stored {
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| r.article_id == id && OPEN.contains(&r.status.as_str()))
            .collect();
        assert_eq!(open, mine.len() as i64, "open count of article {id}");
        assert_eq!(
            oldest,
            mine.iter().map(|r| r.created_at).min(),
            "oldest of {id}"
        );
        assert_eq!(
            newest,
            mine.iter().map(|r| r.created_at).max(),
            "newest of {id}"
        );
    }
}

#[tokio::test]
async fn the_articles_open_counts_follow_every_change_even_concurrent_ones() {
    let app = spawn_app().await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let token = {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            dashboard::create_token(&db, "writer@example.com", "tests")
                .expect("token")
                .1
        })
        .await
        .expect("task")
    };
    let mut codes = Vec::new();
    for i in 0..6 {
        codes.push(submit(&app, &format!("/world/2026/11/hot-{}", i % 2)).await);
    }
    aggregates_match_a_recount(&app).await;
    let transition = |code: String, to: &'static str| {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/desk/reports/{code}/transition"));
        let token = token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"to": to, "note": "checked", "correction_url": "https://www.example.com/c/1"}))
                .send()
                .await
                .expect("sent")
                .status()
                .as_u16()
        }
    };
    // Decided, reopened, decided again: the oldest open report changes each time.
    assert_eq!(transition(codes[0].clone(), "no_error").await, 200);
    aggregates_match_a_recount(&app).await;
    assert_eq!(transition(codes[0].clone(), "reopened").await, 200);
    aggregates_match_a_recount(&app).await;
    // Decisions on one article and new reports on it, all at once (PostgreSQL runs them in
    // parallel; each must count the others).
    let mut tasks = Vec::new();
    for code in [&codes[2], &codes[4]] {
        tasks.push(tokio::spawn(transition(code.clone(), "corrected")));
    }
    let intake: Vec<_> = (0..4)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/api/v1/reports");
            let mut report = valid_report();
            report["article_url"] = json!("https://www.example.com/world/2026/11/hot-0");
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&report)
                    .send()
                    .await
                    .expect("sent")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for task in tasks.into_iter().chain(intake) {
        let status = task.await.expect("task");
        assert!(status == 200 || status == 201, "{status}");
    }
    aggregates_match_a_recount(&app).await;
}

#[tokio::test]
async fn report_text_is_escaped_and_searchable_in_any_script() {
    let app = spawn_app().await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let mut report = valid_report();
    report["passage"] = json!("<script>alert('x')</script> Ärger über die Zahlen");
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let code = response.json::<serde_json::Value>().await.expect("json")["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();
    let mut browser = signed_in(&app, "writer@example.com").await;
    let html = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(!html.contains("<script>alert"), "escaped");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    // The text exactly as written, non-ASCII letters included, is found.
    let found = walk_list(&mut browser, "/desk/reports?q=%C3%84rger").await;
    assert_eq!(found, std::slice::from_ref(&code));
    let found = walk_list(&mut browser, "/desk/reports?q=%C3%BCber+die+ZAHLEN").await;
    assert_eq!(found, [code]);
    // "All statuses" stays all when the form is sent again: every box is ticked.
    let html = browser
        .get("/desk/reports?status=all")
        .await
        .text()
        .await
        .expect("html");
    for status in [
        "new",
        "triaged",
        "investigating",
        "corrected",
        "clarified",
        "no_error",
        "duplicate",
        "rejected",
        "reopened",
    ] {
        assert!(
            html.contains(&format!(r#"name="status" value="{status}" checked>"#)),
            "{status} ticked"
        );
    }
    // A bad number is named, not a bare 400.
    let response = browser.get("/desk/reports?article=x").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("html").contains("an article"));
}

#[tokio::test]
async fn the_status_counts_are_exact_at_once_per_filter() {
    let app = spawn_app().await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    submit(&app, "/world/2026/11/counted").await;
    let mut browser = signed_in(&app, "writer@example.com").await;
    let count = |html: &str| {
        between(html, r#"data-status="new">"#, "</span>")
            .and_then(|s| s.rsplit('>').next())
            .expect("count shown")
            .to_string()
    };
    let html = browser.get("/desk").await.text().await.expect("html");
    assert_eq!(count(&html), "1");
    submit(&app, "/world/2026/11/counted").await;
    let html = browser.get("/desk").await.text().await.expect("html");
    assert_eq!(count(&html), "2", "counted at once, not cached");
    // A filter beyond the desk is counted from the reports.
    let html = browser
        .get("/desk/reports?category=other")
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(count(&html), "0", "a filter of its own");
    // The queue opens on the editor's own desk (world); every desk is another filter.
    let html = browser
        .get("/desk?desk=any")
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(count(&html), "2", "another filter is counted afresh");
}

#[tokio::test]
async fn a_word_search_is_counted_by_status_only_up_to_the_configured_matches() {
    let app = spawn_app_with(|s| s.dashboard.counted_word_matches = 2).await;
    account(&app, "writer@example.com", Role::Editor, &["world"]).await;
    let post = |explanation: &'static str, path: &'static str| {
        let app = &app;
        async move {
            let mut report = valid_report();
            report["article_url"] = json!(format!("https://www.example.com{path}"));
            report["explanation"] = json!(explanation);
            assert_eq!(app.post_report(&report).await.status(), 201);
        }
    };
    post(
        "The referendum turnout figure is wrong.",
        "/world/2026/11/vote-a",
    )
    .await;
    post(
        "The referendum date was never announced.",
        "/world/2026/11/vote-b",
    )
    .await;
    post(
        "A referendum ballot photo is from 2019.",
        "/world/2026/11/vote-c",
    )
    .await;
    post(
        "The turnout quoted is not the official one.",
        "/world/2026/11/vote-d",
    )
    .await;
    let mut browser = signed_in(&app, "writer@example.com").await;
    let count = |html: &str| between(html, r#"data-status="new">"#, "</a>").map(str::to_string);

    // Three matches, above the limit of two: the statuses are listed without counts, and the
    // page says why; the list itself is whole.
    let response = browser.get("/desk/reports?q=referendum").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    let new = count(&html).expect("the status is still listed");
    assert!(!new.contains("class=\"count\""), "no count: {new}");
    assert!(
        html.contains("More than 2 reports contain these words"),
        "the page says why"
    );
    assert_eq!(html.matches("data-code=").count(), 3, "every match listed");

    // Exactly the limit is counted (the index is read one past it), and so is a narrower search.
    for q in ["turnout", "referendum+ballot"] {
        let html = browser
            .get(&format!("/desk/reports?q={q}"))
            .await
            .text()
            .await
            .expect("html");
        assert!(!html.contains("More than 2 reports"), "{q} is counted");
        let expected = if q == "turnout" { "2" } else { "1" };
        assert!(
            count(&html)
                .expect("listed")
                .contains(&format!(r#"<span class="count">{expected}</span>"#)),
            "{q}: {html}"
        );
    }

    // Filters other than words are always counted.
    let html = browser
        .get("/desk/reports?category=false_claim")
        .await
        .text()
        .await
        .expect("html");
    assert!(count(&html).expect("listed").contains(r#"class="count""#));
}
