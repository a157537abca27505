//! Word search (issue 13, item 4): the results of the dashboard's search box and the editor
//! API's `q` equal a model of what a search matches, on the same reports, on both backends; the
//! index follows edits, erasure, purge and deletion; search results page without duplicates or
//! gaps.
//!
//! The model is written here from the rules in the README, independently of the index: text is
//! lower-cased and stripped of the accents these reports use, words are runs of letters and
//! digits, a Chinese, Japanese or Korean search matches where the text contains it as written,
//! and a web address matches the reports on the articles at or under it.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::reports::TrackingCode;
use disinfo_desk::storage::schema::{outbox, report_events, reports};
use serde_json::{Value, json};

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, test_settings, valid_report};

/// A report as the model knows it.
#[derive(Debug, Clone)]
struct Seeded {
    code: String,
    /// The canonical URL the API answered with.
    url: String,
    passage: Option<String>,
    explanation: String,
}

const BASE: &str = "https://www.example.com";

/// (path, passage, explanation): English, French, Spanish, German, Russian, Chinese, Japanese
/// and Korean, with the words the searches below look for in several forms.
const TEXTS: &[(&str, Option<&str>, &str)] = &[
    (
        "/politics/2026/referendum-turnout",
        Some("Turnout in the referendum was the lowest on record."),
        "The electoral commission gives a turnout of 61 percent.",
    ),
    (
        "/politics/2026/election-night",
        None,
        "L'élection municipale n'a pas été annulée, contrairement à ce que dit l'article.",
    ),
    (
        "/politics/2026/election-night",
        None,
        "The ELECTION results were certified on Monday, not Friday.",
    ),
    (
        "/world/2026/referee-row",
        None,
        "The referee did not refer the decision to the video assistant.",
    ),
    (
        "/world/2026/chinese-vote",
        None,
        "我们关注2026年选举结果的报道，文中的数字有误。",
    ),
    (
        "/world/2026/chinese-vote",
        None,
        "报道中的选民人数不对，请核实。",
    ),
    ("/science/2026/heat", None, "举办方说明天的天气预报错了。"),
    (
        "/business/2026/jobs",
        Some("Unemployment has doubled."),
        "The statistics office says 5.4 percent, not 10 percent.",
    ),
    (
        "/culture/2026/festival",
        None,
        "Die Zahlen über die Besucher des Festivals sind falsch.",
    ),
    (
        "/culture/2026/festival",
        Some("Más de diez mil personas asistieron."),
        "La cifra oficial es de tres mil personas; la elección del dato es engañosa.",
    ),
    (
        "/sport/2026/final",
        None,
        "The referendum on the stadium was never held, and the final score is wrong too.",
    ),
    (
        "/health/2026/clinics",
        None,
        "Данные о выборах в больничный совет неверны.",
    ),
    (
        "/world/2026/tokyo",
        None,
        "東京の選挙結果についての記事に誤りがあります。",
    ),
    ("/world/2026/seoul", None, "선거 결과 보도가 틀렸습니다."),
    (
        "/science/2026/bridge-photo",
        None,
        "Wrong caption under the photograph of the bridge.",
    ),
];

/// The reporter of the last text: personal data, never searched.
const REPORTER_NAME: &str = "Zebedee Quimby";
const REPORTER_EMAIL: &str = "zebedee.quimby@example.org";

async fn submit(app: &TestApp, path: &str, passage: Option<&str>, explanation: &str) -> Seeded {
    let mut report = valid_report();
    report["article_url"] = json!(format!("{BASE}{path}"));
    report["passage"] = json!(passage);
    report["explanation"] = json!(explanation);
    report["reporter_name"] = json!(REPORTER_NAME);
    report["reporter_email"] = json!(REPORTER_EMAIL);
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201, "{path}");
    let body: Value = response.json().await.expect("json");
    Seeded {
        code: body["tracking_code"].as_str().expect("code").to_string(),
        url: body["article"]["canonical_url"]
            .as_str()
            .expect("url")
            .to_string(),
        passage: passage.map(str::to_string),
        explanation: explanation.to_string(),
    }
}

async fn seed(app: &TestApp) -> Vec<Seeded> {
    let mut seeded = Vec::new();
    for (path, passage, explanation) in TEXTS {
        seeded.push(submit(app, path, *passage, explanation).await);
    }
    seeded
}

// ------------------------------------------------------------------ the model

/// Lower case, without the accents of these texts.
fn model_fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ё' => 'е',
            other => other,
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

/// Runs of letters and digits (`cjk` false) or of Chinese, Japanese and Korean (`cjk` true).
fn runs(folded: &str, cjk: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in folded.chars() {
        let inside = if cjk {
            is_cjk(c)
        } else {
            c.is_alphanumeric() && !is_cjk(c)
        };
        if inside {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// (host without `www.`, path without a trailing slash) of an address; no host for a path.
fn host_and_path(address: &str) -> (Option<String>, String) {
    let address = address.split(['?', '#']).next().unwrap_or_default();
    let (host, path) = match address.strip_prefix('/') {
        Some(_) => (None, address.to_string()),
        None => {
            let rest = address.split_once("://").map_or(address, |(_, r)| r);
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = host.to_lowercase();
            let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
            (Some(host), format!("/{path}"))
        }
    };
    let path = match path.trim_end_matches('/') {
        "" => "/".to_string(),
        p => p.to_string(),
    };
    (host, path)
}

fn looks_like_address(query: &str) -> bool {
    query.starts_with('/')
        || query.contains("://")
        || query.starts_with("www.")
        || query.starts_with("example.com")
}

/// Whether the model says `report` matches `query`.
fn matches(report: &Seeded, query: &str) -> bool {
    if looks_like_address(query) {
        let (host, path) = host_and_path(query);
        let (article_host, article_path) = host_and_path(&report.url);
        let on_host = host.is_none() || host == article_host;
        let under =
            path == "/" || article_path == path || article_path.starts_with(&format!("{path}/"));
        return on_host && under;
    }
    let url = report.url.split_once("://").map_or("", |(_, rest)| rest);
    let text = model_fold(&format!(
        "{}\n{}\n{url}",
        report.passage.as_deref().unwrap_or_default(),
        report.explanation
    ));
    let words = runs(&text, false);
    let cjk = runs(&text, true);
    query.split_whitespace().all(|chunk| {
        let prefix = chunk.ends_with('*');
        let folded = model_fold(chunk.trim_end_matches('*'));
        let query_words = runs(&folded, false);
        let last = query_words.len().saturating_sub(1);
        query_words.iter().enumerate().all(|(i, word)| {
            if prefix && i == last {
                words.iter().any(|w| w.starts_with(word.as_str()))
            } else {
                words.contains(word)
            }
        }) && runs(&folded, true)
            .iter()
            .all(|run| cjk.iter().any(|c| c.contains(run.as_str())))
    })
}

/// The model's answer: the matching reports' codes, newest first.
fn model(seeded: &[Seeded], query: &str) -> Vec<String> {
    seeded
        .iter()
        .rev()
        .filter(|r| matches(r, query))
        .map(|r| r.code.clone())
        .collect()
}

// ------------------------------------------------------------------ the application's answer

async fn api(app: &TestApp, token: &str, path_and_query: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(path_and_query))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Every report the editor API lists for `query`, following its cursor, newest first.
async fn searched(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<String> {
    let base = format!(
        "/api/v1/desk/reports?status=all&limit={limit}&q={}",
        encode(query)
    );
    let mut path = base.clone();
    let mut codes = Vec::new();
    loop {
        let (status, body) = api(app, token, &path).await;
        assert_eq!(status, 200, "{query}: {body}");
        let page = body["reports"].as_array().expect("reports");
        assert!(page.len() <= limit);
        codes.extend(
            page.iter()
                .map(|r| r["tracking_code"].as_str().expect("code").to_string()),
        );
        match body["next"].as_i64() {
            Some(before) => path = format!("{base}&before={before}"),
            None => return codes,
        }
    }
}

const QUERIES: &[&str] = &[
    // Words, in any case.
    "referendum",
    "Referendum",
    "REFERENDUM",
    "referee",
    // Prefixes.
    "refer*",
    "Elect*",
    "stat*",
    // Accents, both ways.
    "élection",
    "election",
    "ELECTION",
    "elección",
    "eleccion",
    "über",
    "uber",
    // Cyrillic.
    "выборах",
    "ВЫБОРАХ",
    // Chinese: a two-character word inside a sentence, a longer run, one character; Japanese and
    // Korean.
    "选举",
    "选举结果",
    "举",
    "選挙",
    "선거",
    // Several words: all must match.
    "turnout referendum",
    "referendum stadium",
    "referendum nonexistent",
    "5.4 percent",
    // Words of the article's address.
    "politics",
    "festival",
    // Web addresses and paths.
    "https://www.example.com/politics/2026/election-night",
    "www.example.com/politics",
    "example.com/world/2026/chinese-vote?utm_source=newsletter",
    "/culture",
    "/culture/2026/festival/",
    // Personal data is not searched.
    "zebedee",
    "quimby",
    "zebedee.quimby@example.org",
    // Nothing.
    "absentword",
];

#[tokio::test]
async fn search_results_equal_the_model() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let seeded = seed(&app).await;
    for query in QUERIES {
        let expected = model(&seeded, query);
        assert_eq!(
            searched(&app, &token, query, 200).await,
            expected,
            "q={query:?}"
        );
    }
    // The model is not empty where it matters, so the comparisons above say something.
    let count = |q: &str| model(&seeded, q).len();
    assert_eq!(count("refer*"), 3, "referendum, referee/refer, referendum");
    assert_eq!(count("élection"), 2);
    assert_eq!(count("election"), count("ÉLECTION"));
    assert_eq!(count("选举"), 1, "inside a longer sentence");
    assert_eq!(
        count("举"),
        2,
        "one character, inside a word and at its start"
    );
    assert_eq!(count("turnout referendum"), 1);
    assert_eq!(count("www.example.com/politics"), 3);
    assert_eq!(count("/culture"), 2);
    assert_eq!(count("zebedee"), 0);
    assert_eq!(count("caption"), 1);

    // The queue groups the same reports by article.
    for query in ["refer*", "选举", "www.example.com/politics", "élection"] {
        let (status, body) = api(
            &app,
            &token,
            &format!("/api/v1/desk/articles?limit=100&q={}", encode(query)),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let listed: BTreeSet<String> = body["articles"]
            .as_array()
            .expect("articles")
            .iter()
            .map(|a| a["canonical_url"].as_str().expect("url").to_string())
            .collect();
        let expected: BTreeSet<String> = seeded
            .iter()
            .filter(|r| matches(r, query))
            .map(|r| r.url.clone())
            .collect();
        assert_eq!(listed, expected, "queue, q={query:?}");
    }

    // The dashboard's list shows the same, and says what a search matches under the box.
    let mut browser = Browser::new(&app);
    browser.sign_in("chief@example.com", PASSWORD).await;
    let html = browser
        .get(&format!(
            "/desk/reports?status=all&q={}",
            encode("Élection")
        ))
        .await
        .text()
        .await
        .expect("html");
    for code in model(&seeded, "election") {
        assert!(html.contains(&code), "{code} listed");
    }
    assert!(
        html.contains(r#"aria-describedby="filter-q-hint""#),
        "{html}"
    );
    assert!(html.contains("refer* finds referendum"));

    // A search that cannot be run is named beside the box, the text kept.
    for (query, message) in [
        ("!!!", "at least one word"),
        ("r*", "two letters before a *"),
    ] {
        let response = browser
            .get(&format!("/desk/reports?q={}", encode(query)))
            .await;
        assert_eq!(response.status(), 422, "{query}");
        let html = response.text().await.expect("html");
        assert!(html.contains(r#"id="q-error""#), "{html}");
        assert!(html.contains(message), "{query}: {html}");
        assert!(html.contains(r#"aria-invalid="true""#));
        let (status, body) = api(
            &app,
            &token,
            &format!("/api/v1/desk/reports?q={}", encode(query)),
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["fields"]["q"].is_array(), "{body}");
    }
}

/// The migration that moved PostgreSQL's word index onto the reports (000110) carries the
/// entries both ways: reverted, each report's entry is back in `report_search`; applied again,
/// every search finds what it found before. (On SQLite the migration changes nothing, and the
/// searches must still hold.)
#[tokio::test]
async fn the_word_index_survives_its_migration_down_and_up() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let seeded = seed(&app).await;
    let db = app.db.clone();
    let reverted =
        tokio::task::spawn_blocking(move || db.revert_migrations_after("20261201000100"))
            .await
            .expect("joins")
            .expect("reverts");
    // Newest first: any later migration, then this one.
    assert_eq!(
        reverted.last().map(String::as_str),
        Some("20261202000110"),
        "{reverted:?}"
    );
    if app.db.backend() == disinfo_desk::storage::Backend::Postgres {
        let entries: i64 = app
            .query(|conn| {
                #[derive(QueryableByName)]
                struct Count {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                diesel::sql_query(
                    "SELECT count(*) AS n FROM report_search JOIN reports ON reports.id = report_id",
                )
                .get_result::<Count>(conn)
                .map(|c| c.n)
            })
            .await;
        assert_eq!(
            entries,
            seeded.len() as i64,
            "every entry back in report_search"
        );
    }
    let db = app.db.clone();
    let applied = tokio::task::spawn_blocking(move || db.migrate())
        .await
        .expect("joins")
        .expect("migrates");
    assert_eq!(applied.len(), reverted.len(), "{applied:?}");
    for query in QUERIES {
        assert_eq!(
            searched(&app, &token, query, 200).await,
            model(&seeded, query),
            "q={query:?} after the migration"
        );
    }
}

/// The reporter's data erased or purged, the report's address completed, the report deleted:
/// the index says what the report says now.
#[tokio::test]
async fn the_index_follows_edits_erasure_purge_and_deletion() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let seeded = seed(&app).await;
    let photo = seeded.last().expect("seeded").clone();
    let find = |q: &'static str| {
        let (app, token) = (&app, &token);
        async move { searched(app, token, q, 50).await }
    };
    assert_eq!(find("caption").await, vec![photo.code.clone()]);
    assert!(find("zebedee").await.is_empty(), "names are not indexed");

    // Erased at the reporter's request: still found by its words, never by the erased data.
    let code = TrackingCode::parse(&photo.code).expect("code");
    assert!(
        disinfo_desk::privacy::service::erase(&app.db, code)
            .await
            .expect("erased")
    );
    let (_, report) = api(
        &app,
        &token,
        &format!("/api/v1/desk/reports/{}", photo.code),
    )
    .await;
    assert_eq!(report["reporter"]["name"], Value::Null, "{report}");
    assert_eq!(find("caption").await, vec![photo.code.clone()]);
    assert!(find("zebedee").await.is_empty());
    assert!(find("zebedee.quimby@example.org").await.is_empty());

    // Purged after retention: the same.
    let turnout = seeded[0].code.clone();
    let old = turnout.clone();
    app.query(move |conn| {
        diesel::update(reports::table.filter(reports::tracking_code.eq(old)))
            .set((
                reports::status.eq("no_error"),
                reports::decided_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(4000)),
            ))
            .execute(conn)
    })
    .await;
    let purged = disinfo_desk::privacy::purge(&app.db, std::sync::Arc::new(test_settings()))
        .await
        .expect("purge runs");
    assert!(purged.total() > 0);
    assert_eq!(find("turnout referendum").await, vec![turnout.clone()]);
    assert!(find("quimby").await.is_empty());

    // An emailed report without an article address: found by its words, then, once an editor
    // gives it the address, by the address's words and the address too.
    let code = ingest_no_link_email(&app);
    assert_eq!(find("избирателей").await, vec![code.clone()]);
    assert!(find("bridge").await.iter().all(|c| *c != code));
    let (status, body) = crate::editor_api::post(
        &app,
        &token,
        &format!("/api/v1/desk/reports/{code}/article"),
        json!({"article_url": "https://www.example.com/world/2026/11/bridge-costs"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(find("bridge").await.contains(&code));
    assert_eq!(find("bridge costs избирателей").await, vec![code.clone()]);
    assert_eq!(
        find("www.example.com/world/2026/11/bridge-costs").await,
        vec![code.clone()]
    );

    // A report deleted from the database (nothing in the application deletes one) leaves the
    // index with it.
    let gone = photo.code.clone();
    app.query(move |conn| {
        let id: i64 = reports::table
            .filter(reports::tracking_code.eq(gone))
            .select(reports::id)
            .first(conn)?;
        diesel::delete(report_events::table.filter(report_events::report_id.eq(id)))
            .execute(conn)?;
        diesel::delete(outbox::table.filter(outbox::report_id.eq(id))).execute(conn)?;
        diesel::delete(reports::table.find(id)).execute(conn)
    })
    .await;
    assert!(find("caption").await.is_empty());
}

/// `disinfo-desk ingest-mail` with a message that names no article: its tracking code.
fn ingest_no_link_email(app: &TestApp) -> String {
    use std::io::Write;
    let message = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mail/no_link.eml"
    ))
    .expect("fixture");
    let mut child = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .arg("ingest-mail")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", &app.database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&message)
        .expect("written");
    let output = child.wait_with_output().expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Many matching reports among others, paged by the list's cursor with the other filters: every
/// match once, in order, none missing; the queue pages its articles the same way.
#[tokio::test]
async fn search_results_page_without_duplicates_or_gaps() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let mut seeded = Vec::new();
    for i in 0..45 {
        let (word, section) = match i % 3 {
            0 => ("misquoted", "politics"),
            1 => ("Misquoted", "world"),
            _ => ("unrelated", "politics"),
        };
        seeded.push(
            submit(
                &app,
                &format!("/{section}/2026/story-{}", i % 9),
                None,
                &format!("The minister was {word} in paragraph {i}."),
            )
            .await,
        );
    }
    let expected = model(&seeded, "misquoted");
    assert_eq!(expected.len(), 30);
    for limit in [1, 4, 7, 30, 31] {
        assert_eq!(
            searched(&app, &token, "misquoted", limit).await,
            expected,
            "pages of {limit}"
        );
    }
    assert_eq!(
        searched(&app, &token, "mis* paragraph", 4).await,
        expected,
        "a prefix and a word"
    );

    // With a desk filter: the politics desk's share, paged.
    let politics: Vec<String> = seeded
        .iter()
        .rev()
        .filter(|r| matches(r, "misquoted") && r.url.contains("/politics/"))
        .map(|r| r.code.clone())
        .collect();
    assert!(!politics.is_empty());
    let mut codes = Vec::new();
    let mut path = "/api/v1/desk/reports?desk=politics&limit=4&q=misquoted".to_string();
    loop {
        let (status, body) = api(&app, &token, &path).await;
        assert_eq!(status, 200, "{body}");
        codes.extend(
            body["reports"]
                .as_array()
                .expect("reports")
                .iter()
                .map(|r| r["tracking_code"].as_str().expect("code").to_string()),
        );
        match body["next"].as_i64() {
            Some(before) => {
                path = format!(
                    "/api/v1/desk/reports?desk=politics&limit=4&q=misquoted&before={before}"
                )
            }
            None => break,
        }
    }
    assert_eq!(codes, politics);

    // The queue: every article with a match, once, over pages of 2.
    let mut articles = Vec::new();
    let mut path = "/api/v1/desk/articles?limit=2&q=misquoted".to_string();
    loop {
        let (status, body) = api(&app, &token, &path).await;
        assert_eq!(status, 200, "{body}");
        articles.extend(
            body["articles"]
                .as_array()
                .expect("articles")
                .iter()
                .map(|a| a["canonical_url"].as_str().expect("url").to_string()),
        );
        match body["next"].as_str() {
            Some(after) => {
                path = format!("/api/v1/desk/articles?limit=2&q=misquoted&after={after}")
            }
            None => break,
        }
    }
    let unique: BTreeSet<String> = articles.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        articles.len(),
        "no article twice: {articles:?}"
    );
    let expected: BTreeSet<String> = seeded
        .iter()
        .filter(|r| matches(r, "misquoted"))
        .map(|r| r.url.clone())
        .collect();
    assert_eq!(unique, expected);
}
