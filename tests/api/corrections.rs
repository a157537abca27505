//! The public corrections log: `/corrections` (page), `/corrections.atom`, `/api/v1/corrections`,
//! and the notice of one article by any of its URLs (`/api/v1/articles/correction?url=…`), on
//! the public decision as the log defines it (the latest current decision of the article's
//! resolved reports).

use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::reports;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, valid_report};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The Atom child element `name` of `node`.
fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children()
        .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
}
// Distinctive strings that must never reach a public answer.
const INTERNAL: &str = "INTERNAL-NOTE-Q7ZP-never-public";
const REPORTER_NAME: &str = "Zyxwvut Reporterina";
const REPORTER_EMAIL: &str = "zyxwvut.private@example.org";
const EXPLANATION: &str = "EXPLANATION-K4JX private words of the reader about the article";

async fn admin(app: &TestApp) -> String {
    app.editor("corrections-admin@example.com", Role::Admin, &[])
        .await
}

/// A report on `path` (of www.example.com) with distinctive personal data; its tracking code.
async fn report_on(app: &TestApp, path: &str) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report["reporter_name"] = json!(REPORTER_NAME);
    report["reporter_email"] = json!(REPORTER_EMAIL);
    report["explanation"] = json!(EXPLANATION);
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["tracking_code"].as_str().expect("code").to_string()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

async fn decide(app: &TestApp, token: &str, code: &str, body: Value) {
    post(
        app,
        token,
        &format!("/api/v1/desk/reports/{code}/transition"),
        body,
    )
    .await;
}

async fn correct(app: &TestApp, token: &str, code: &str, note: &str, link: &str) {
    decide(
        app,
        token,
        code,
        json!({"to": "corrected", "public_note": note, "internal_note": INTERNAL, "correction_url": link}),
    )
    .await;
}

async fn article_of(app: &TestApp, code: &str) -> i64 {
    let code = code.to_string();
    app.query(move |conn| {
        reports::table
            .filter(reports::tracking_code.eq(code))
            .select(reports::article_id)
            .first(conn)
    })
    .await
}

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn lookup_path(url: &str) -> String {
    let query: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
    format!("/api/v1/articles/correction?url={query}")
}

fn urls_of(page: &Value) -> Vec<String> {
    page["corrections"]
        .as_array()
        .expect("corrections")
        .iter()
        .map(|n| n["canonical_url"].as_str().expect("url").to_string())
        .collect()
}

#[tokio::test]
async fn the_log_lists_corrections_newest_first_in_pages_as_html_atom_and_json() {
    let app = spawn_app_with(|s| s.corrections.page_size = 2).await;
    let token = admin(&app).await;
    let a = report_on(&app, "/world/log-a").await;
    let b = report_on(&app, "/world/log-b").await;
    let c = report_on(&app, "/world/log-c").await;
    let d = report_on(&app, "/world/log-d").await;
    correct(
        &app,
        &token,
        &a,
        "Note A: the figure is 1,000.",
        "https://www.example.com/corrections/a",
    )
    .await;
    decide(
        &app,
        &token,
        &b,
        json!({"to": "clarified", "public_note": "Note B: we added the source.", "correction_url": "https://www.example.com/corrections/b"}),
    )
    .await;
    decide(
        &app,
        &token,
        &c,
        json!({"to": "no_error", "public_note": "Note C: the article is right."}),
    )
    .await;
    correct(
        &app,
        &token,
        &d,
        "Note D: the date is 3 May.",
        "https://www.example.com/corrections/d",
    )
    .await;

    // JSON: newest decision first (d, b, a), the no-error decision left out, two a page.
    let (status, first) = get_json(&app, "/api/v1/corrections").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        urls_of(&first),
        [
            "https://www.example.com/world/log-d",
            "https://www.example.com/world/log-b"
        ]
    );
    let newest = &first["corrections"][0];
    assert_eq!(newest["outcome"], "corrected");
    assert_eq!(newest["public_note"], "Note D: the date is 3 May.");
    assert_eq!(
        newest["correction_url"],
        "https://www.example.com/corrections/d"
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(newest["decided_at"].as_str().unwrap()).is_ok(),
        "{newest}"
    );
    assert_eq!(first["corrections"][1]["outcome"], "clarified");
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let (_, second) = get_json(&app, &format!("/api/v1/corrections?cursor={cursor}")).await;
    assert_eq!(urls_of(&second), ["https://www.example.com/world/log-a"]);
    assert!(second["next_cursor"].is_null(), "{second}");
    let (_, all) = get_json(&app, "/api/v1/corrections?limit=10").await;
    assert_eq!(urls_of(&all).len(), 3);
    // A repeated parameter counts once (its first value), never a bare 400.
    let (status, one) = get_json(&app, "/api/v1/corrections?limit=1&limit=null").await;
    assert_eq!((status, urls_of(&one).len()), (200, 1), "{one}");
    for bad in [
        "/api/v1/corrections?cursor=nonsense",
        "/api/v1/corrections?limit=0",
        "/api/v1/corrections?limit=101",
    ] {
        let (status, body) = get_json(&app, bad).await;
        assert_eq!(status, 422, "{bad}: {body}");
        let field = if bad.contains("cursor") {
            "cursor"
        } else {
            "limit"
        };
        assert!(body["fields"][field].is_array(), "{bad}: {body}");
    }

    // The page: the same order, a link to the older page, the feed announced.
    let response = app.get("/corrections").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let (pos_d, pos_b) = (
        html.find("/world/log-d").expect("d listed"),
        html.find("/world/log-b").expect("b listed"),
    );
    assert!(pos_d < pos_b, "newest first");
    assert!(
        !html.contains("/world/log-c"),
        "no error found: not a correction"
    );
    assert!(!html.contains("/world/log-a"), "on the next page");
    assert!(html.contains("Note D: the date is 3 May."));
    assert!(html.contains(r#"href="https://www.example.com/corrections/d""#));
    assert!(html.contains(
        r#"<link rel="alternate" type="application/atom+xml" title="Atom feed" href="/corrections.atom">"#
    ));
    let start = html.find(r#"rel="next""#).expect("a next page link");
    let href_at = html[..start].rfind("href=\"").expect("href") + 6;
    let next = html[href_at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#x2e;", ".")
        .replace("&#46;", ".");
    let older = app.get(&next).await.text().await.unwrap();
    assert!(older.contains("/world/log-a"), "{next}");
    assert!(!older.contains("/world/log-d"));

    // The feed: valid Atom 1.0, its own content type, the newest page as entries.
    let response = app.get("/corrections.atom").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = response.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    for required in ["id", "title", "updated", "author"] {
        assert!(child(feed, required).is_some(), "feed has no {required}");
    }
    let links: Vec<(String, String)> = feed
        .children()
        .filter(|c| c.tag_name().name() == "link")
        .map(|l| {
            (
                l.attribute("rel").unwrap_or_default().to_string(),
                l.attribute("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        links
            .iter()
            .any(|(rel, href)| rel == "self" && href.ends_with("/corrections.atom"))
    );
    assert!(
        links
            .iter()
            .any(|(rel, href)| rel == "alternate" && href.ends_with("/corrections"))
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 2, "one page of entries");
    let mut ids = Vec::new();
    for entry in &entries {
        for required in ["id", "title", "updated", "summary"] {
            assert!(child(*entry, required).is_some(), "entry has no {required}");
        }
        let updated = child(*entry, "updated").unwrap().text().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(updated).is_ok(),
            "{updated}"
        );
        ids.push(child(*entry, "id").unwrap().text().unwrap().to_string());
    }
    assert_ne!(ids[0], ids[1], "entry ids are unique");
    assert!(ids[0].starts_with("tag:"), "{}", ids[0]);
    let first_entry = entries[0];
    assert_eq!(
        child(first_entry, "summary").unwrap().text(),
        Some("Note D: the date is 3 May.")
    );
    assert_eq!(
        child(first_entry, "link").unwrap().attribute("href"),
        Some("https://www.example.com/corrections/d")
    );
    assert!(
        child(first_entry, "title")
            .unwrap()
            .text()
            .unwrap()
            .contains("/world/log-d")
    );

    // Every public page links the log from its footer.
    let form = app.get("/report").await.text().await.unwrap();
    assert!(form.contains(r#"<a href="/corrections">Corrections and clarifications</a>"#));
}

#[tokio::test]
async fn the_public_decision_is_the_latest_current_one_and_a_later_no_error_removes_it() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let path = "/world/re-decided";
    let url = format!("https://www.example.com{path}");
    let first = report_on(&app, path).await;
    let second = report_on(&app, path).await;
    let article = article_of(&app, &first).await;
    post(
        &app,
        &token,
        &format!("/api/v1/desk/articles/{article}/resolve"),
        json!({"outcome": "corrected", "public_note": "We corrected the toll.", "internal_note": INTERNAL,
               "correction_url": "https://www.example.com/corrections/toll"}),
    )
    .await;
    let (status, notice) = get_json(&app, &lookup_path(&url)).await;
    assert_eq!(status, 200, "{notice}");
    assert_eq!(notice["public_note"], "We corrected the toll.");

    // One report reopened: the other still carries the correction.
    let reopen = json!({"to": "reopened", "internal_note": "a second look"});
    decide(&app, &token, &first, reopen.clone()).await;
    assert_eq!(get_json(&app, &lookup_path(&url)).await.0, 200);
    // Both reopened: no resolved report is left, so nothing is published.
    decide(&app, &token, &second, reopen).await;
    let (status, body) = get_json(&app, &lookup_path(&url)).await;
    assert_eq!(
        status, 404,
        "a report under review publishes nothing: {body}"
    );
    assert!(!urls_of(&get_json(&app, "/api/v1/corrections").await.1).contains(&url));

    // Resolved again as no error: out of the log for good.
    post(
        &app,
        &token,
        &format!("/api/v1/desk/articles/{article}/resolve"),
        json!({"outcome": "no_error", "public_note": "On a second look the toll was right."}),
    )
    .await;
    assert_eq!(get_json(&app, &lookup_path(&url)).await.0, 404);
    assert!(!urls_of(&get_json(&app, "/api/v1/corrections").await.1).contains(&url));
    let page = app.get("/corrections").await.text().await.unwrap();
    assert!(!page.contains(path));

    // A later correction of one of them is the latest decision: back in the log, with its words.
    decide(
        &app,
        &token,
        &first,
        json!({"to": "reopened", "internal_note": "new evidence"}),
    )
    .await;
    decide(&app, &token, &first, json!({"to": "investigating"})).await;
    correct(
        &app,
        &token,
        &first,
        "We corrected the toll after all.",
        "https://www.example.com/corrections/toll-2",
    )
    .await;
    let (status, notice) = get_json(&app, &lookup_path(&url)).await;
    assert_eq!(status, 200, "{notice}");
    assert_eq!(notice["public_note"], "We corrected the toll after all.");
    assert_eq!(
        notice["correction_url"],
        "https://www.example.com/corrections/toll-2"
    );
    // ...although the other report's "no error" is still its current decision: it is older.
    decide(
        &app,
        &token,
        &second,
        json!({"to": "reopened", "internal_note": "again"}),
    )
    .await;
    decide(&app, &token, &second, json!({"to": "investigating"})).await;
    decide(
        &app,
        &token,
        &second,
        json!({"to": "no_error", "public_note": "Still right."}),
    )
    .await;
    assert_eq!(
        get_json(&app, &lookup_path(&url)).await.0,
        404,
        "the newest decision (no error) wins"
    );
}

#[tokio::test]
async fn a_correction_is_found_by_any_url_of_its_article_and_embeds_as_json_ld() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let code = report_on(&app, "/world/2026/11/flood-figures").await;
    correct(
        &app,
        &token,
        &code,
        "We corrected the number of people evacuated to 1,000.",
        "https://www.example.com/corrections/2026-11-27",
    )
    .await;
    let canonical = "https://www.example.com/world/2026/11/flood-figures";
    let mut etags = Vec::new();
    for variant in [
        canonical,
        "https://www.example.com/world/2026/11/flood-figures/?utm_source=newsletter&fbclid=abc#comments",
        "https://m.example.com/world//2026/11/flood-figures",
        "https://amp.example.com/amp/world/2026/11/flood-figures",
        "example.com/world/2026/11/flood-figures/amp?gclid=1",
        "HTTPS://WWW.EXAMPLE.COM:443/world/2026/11/flood-figures",
    ] {
        let response = app.get(&lookup_path(variant)).await;
        assert_eq!(response.status(), 200, "{variant}");
        etags.push(response.headers()["etag"].to_str().unwrap().to_string());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["canonical_url"], canonical, "{variant}");
        assert_eq!(body["outcome"], "corrected");
    }
    assert!(
        etags.windows(2).all(|w| w[0] == w[1]),
        "one article, one answer: {etags:?}"
    );

    let (_, body) = get_json(&app, &lookup_path(canonical)).await;
    let ld = &body["json_ld"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["url"], canonical);
    assert_eq!(ld["correction"]["@type"], "CorrectionComment");
    assert_eq!(
        ld["correction"]["text"],
        "We corrected the number of people evacuated to 1,000."
    );
    assert_eq!(
        ld["correction"]["url"],
        "https://www.example.com/corrections/2026-11-27"
    );
    assert_eq!(ld["correction"]["datePublished"], body["decided_at"]);

    // Unknown articles: the JSON error shape, readable from any origin too.
    for unknown in [
        "https://www.example.com/world/never-reported",
        "https://elsewhere.example.net/world/2026/11/flood-figures",
        // The scheme is kept as given (as intake keeps it): an http address is another article.
        "http://www.example.com/world/2026/11/flood-figures",
    ] {
        let response = app.get(&lookup_path(unknown)).await;
        assert_eq!(response.status(), 404, "{unknown}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_found", "{body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    for (path, what) in [
        ("/api/v1/articles/correction", "missing"),
        ("/api/v1/articles/correction?url=", "empty"),
        (
            lookup_path("ftp://www.example.com/world/x").as_str(),
            "another scheme",
        ),
        (lookup_path("not a url at all").as_str(), "no address"),
    ] {
        let (status, body) = get_json(&app, path).await;
        assert_eq!(status, 422, "{what}: {body}");
        assert_eq!(body["error"], "validation_failed");
        assert!(body["fields"]["url"].is_array(), "{what}: {body}");
    }
}

#[tokio::test]
async fn the_notice_is_cacheable_and_carries_no_personal_data_or_internal_note() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let code = report_on(&app, "/world/cached").await;
    correct(
        &app,
        &token,
        &code,
        "First wording.",
        "https://www.example.com/corrections/c1",
    )
    .await;
    let path = lookup_path("https://www.example.com/world/cached");
    let response = app.get(&path).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let etag = headers["etag"].to_str().unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong validator: {etag}"
    );
    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert_eq!(headers["access-control-allow-origin"], "*");
    let body = response.text().await.unwrap();

    // The client's copy is current: 304, no body, the same validator and caching.
    let revalidated = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(
        revalidated.headers()["cache-control"],
        "public, max-age=300"
    );
    assert!(revalidated.text().await.unwrap().is_empty());
    let other = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    // Nothing private in any public answer: no reporter, no internal note, no report text.
    let (_, list) = get_json(&app, "/api/v1/corrections").await;
    let page = app.get("/corrections").await.text().await.unwrap();
    let feed = app.get("/corrections.atom").await.text().await.unwrap();
    for (what, text) in [
        ("notice", body.as_str()),
        ("json log", &list.to_string()),
        ("page", page.as_str()),
        ("feed", feed.as_str()),
    ] {
        for private in [
            INTERNAL,
            REPORTER_NAME,
            REPORTER_EMAIL,
            EXPLANATION,
            code.as_str(),
        ] {
            assert!(!text.contains(private), "{what} shows {private}");
        }
        assert!(text.contains("First wording."), "{what}");
    }

    // A new decision changes the answer, and so its validator.
    decide(
        &app,
        &token,
        &code,
        json!({"to": "reopened", "internal_note": "wording"}),
    )
    .await;
    decide(&app, &token, &code, json!({"to": "investigating"})).await;
    correct(
        &app,
        &token,
        &code,
        "Second wording.",
        "https://www.example.com/corrections/c2",
    )
    .await;
    let changed = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200, "the old copy is stale");
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let text = changed.text().await.unwrap();
    assert!(text.contains("Second wording.") && !text.contains("First wording."));
}

/// The log recomputed at once (the migration's backfill and the demo loader use this statement)
/// is the log the editorial moves kept up to date one by one.
#[tokio::test]
async fn recomputing_the_whole_log_gives_the_log_kept_move_by_move() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let kept = report_on(&app, "/world/bulk-kept").await;
    let clarified = report_on(&app, "/world/bulk-clarified").await;
    let dropped = report_on(&app, "/world/bulk-dropped").await;
    let reopened = report_on(&app, "/world/bulk-reopened").await;
    correct(
        &app,
        &token,
        &kept,
        "Kept.",
        "https://www.example.com/c/kept",
    )
    .await;
    decide(
        &app,
        &token,
        &clarified,
        json!({"to": "clarified", "public_note": "Clarified.", "correction_url": "https://www.example.com/c/cl"}),
    )
    .await;
    correct(
        &app,
        &token,
        &dropped,
        "Dropped later.",
        "https://www.example.com/c/dr",
    )
    .await;
    decide(
        &app,
        &token,
        &dropped,
        json!({"to": "reopened", "internal_note": "x"}),
    )
    .await;
    decide(&app, &token, &dropped, json!({"to": "investigating"})).await;
    decide(
        &app,
        &token,
        &dropped,
        json!({"to": "no_error", "public_note": "No error."}),
    )
    .await;
    correct(
        &app,
        &token,
        &reopened,
        "Under review again.",
        "https://www.example.com/c/re",
    )
    .await;
    decide(
        &app,
        &token,
        &reopened,
        json!({"to": "reopened", "internal_note": "y"}),
    )
    .await;

    let (_, before) = get_json(&app, "/api/v1/corrections?limit=100").await;
    assert_eq!(
        urls_of(&before),
        [
            "https://www.example.com/world/bulk-clarified",
            "https://www.example.com/world/bulk-kept"
        ]
    );
    let recomputed = app
        .db
        .write(|conn| {
            disinfo_desk::articles::corrections::repo::refresh_all(conn)
                .map_err(disinfo_desk::storage::StorageError::from)
        })
        .await
        .expect("recomputed");
    assert_eq!(recomputed, 2);
    let (_, after) = get_json(&app, "/api/v1/corrections?limit=100").await;
    assert_eq!(after, before);
}
