//! Article snapshots: the desk fetches an article's page after its first report, when it is
//! resolved and on request, from a publisher's server run by the test (the publisher's host is
//! pinned to it), and the article page shows what it said, the reported passages and the
//! changes since. The fetcher's refusals (private addresses, other hosts, large or slow pages)
//! are shown, retried through the outbox where that can help, and never hold up intake.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::config::Settings;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{article_snapshots, articles, outbox};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app_with, valid_report};

/// How long a test waits for the worker to fetch and record.
const WAIT: Duration = Duration::from_secs(30);

// ---- The publisher's web server ---------------------------------------------------------

#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Never answer (the connection stays open until the test ends).
    stall: bool,
}

impl Answer {
    fn page(html: &str) -> Self {
        Self {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: html.as_bytes().to_vec(),
            stall: false,
        }
    }

    fn status(status: u16) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: format!("status {status}").into_bytes(),
            stall: false,
        }
    }

    fn redirect(location: &str) -> Self {
        Self {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
            stall: false,
        }
    }

    fn stall() -> Self {
        Self {
            stall: true,
            ..Self::status(200)
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    /// Header names lowercased.
    headers: HashMap<String, String>,
}

#[derive(Default)]
struct Pages {
    /// Per path, the answers in order; the last one repeats.
    answers: HashMap<String, VecDeque<Answer>>,
    seen: Vec<Seen>,
}

/// A publisher's server on 127.0.0.1, answering each path from a table the test sets.
struct ArticleServer {
    addr: SocketAddr,
    pages: Arc<Mutex<Pages>>,
}

impl ArticleServer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let pages = Arc::new(Mutex::new(Pages::default()));
        let shared = pages.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Self { addr, pages }
    }

    /// Answers `path` with these, in order (the last one from then on).
    fn set(&self, path: &str, answers: Vec<Answer>) {
        self.pages
            .lock()
            .expect("lock")
            .answers
            .insert(path.to_string(), answers.into());
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        self.pages
            .lock()
            .expect("lock")
            .seen
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }
}

async fn serve(mut stream: tokio::net::TcpStream, pages: Arc<Mutex<Pages>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let answer = {
        let mut pages = pages.lock().expect("lock");
        pages.seen.push(Seen {
            path: path.clone(),
            headers,
        });
        match pages.answers.get_mut(&path) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
        .unwrap_or_else(|| Answer::status(404))
    };
    if answer.stall {
        tokio::time::sleep(Duration::from_secs(600)).await;
        return;
    }
    let mut out = format!(
        "HTTP/1.1 {} Answer\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        answer.body.len()
    );
    for (name, value) in &answer.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&answer.body);
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

// ---- Pages --------------------------------------------------------------------------------

/// An article page as a CMS writes it: menu, scripts, an aside, a footer around the story.
fn news_page(figure: &str, extra: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Flood figures | The Example Times</title>
<script>var tracking = "SCRIPT-TEXT";</script><style>p {{ color: black }}</style></head>
<body><header><nav><a href="/">Home</a> <a href="/world">NAV-TEXT</a></nav></header>
<main><article><h1>Floods in the valley</h1>
<p>More than {figure} people were evacuated,
   officials said on Tuesday.</p>
<!-- COMMENT-TEXT -->
<p>The river rose by two metres overnight. A reader wrote &lt;script&gt;alert(1)&lt;/script&gt; in the comments.</p>
{extra}
</article><aside>ASIDE-TEXT</aside></main>
<footer>FOOTER-TEXT</footer></body></html>"#
    )
}

const STORY: &str = "/world/2026/12/valley-floods";

fn article_url(path: &str) -> String {
    format!("http://www.example.com{path}")
}

fn report_on(url: &str, passage: &str) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(url);
    report["passage"] = json!(passage);
    report
}

// ---- The app ------------------------------------------------------------------------------

/// Snapshots on, the publisher's `www.example.com` pinned to `server`, and `localhost` one of
/// the publisher's hosts too (not pinned: checked like any host).
fn snapshots_to(settings: &mut Settings, server: SocketAddr) {
    settings.evidence.enabled = true;
    settings
        .evidence
        .pinned
        .insert("www.example.com".into(), server);
    settings.publisher.hosts.push("localhost".into());
}

async fn app_with(server: &ArticleServer, customize: impl FnOnce(&mut Settings)) -> TestApp {
    let addr = server.addr;
    spawn_app_with(move |s| {
        snapshots_to(s, addr);
        customize(s);
    })
    .await
}

async fn post(app: &TestApp, report: &Value) {
    let response = app.post_report(report).await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
}

async fn article_id(app: &TestApp, url: &str) -> i64 {
    let url = url.to_string();
    app.query(move |conn| {
        articles::table
            .filter(articles::canonical_url.eq(url))
            .select(articles::id)
            .first(conn)
    })
    .await
}

type SnapshotRow = (
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The article's attempts, oldest first: (reason, status, final url, etag, text, sha256, error).
async fn attempts(app: &TestApp, article: i64) -> Vec<SnapshotRow> {
    app.query(move |conn| {
        article_snapshots::table
            .filter(article_snapshots::article_id.eq(article))
            .order(article_snapshots::id.asc())
            .select((
                article_snapshots::reason,
                article_snapshots::http_status,
                article_snapshots::final_url,
                article_snapshots::etag,
                article_snapshots::text,
                article_snapshots::text_sha256,
                article_snapshots::error,
            ))
            .load(conn)
    })
    .await
}

/// The snapshot jobs in the outbox: (status, attempts, last error).
async fn jobs(app: &TestApp) -> Vec<(i64, String, i32, Option<String>)> {
    app.query(|conn| {
        outbox::table
            .filter(outbox::kind.eq("article_snapshot"))
            .order(outbox::id.asc())
            .select((
                outbox::id,
                outbox::status,
                outbox::attempts,
                outbox::last_error,
            ))
            .load(conn)
    })
    .await
}

async fn wait_for_attempts(
    app: &TestApp,
    article: i64,
    what: &str,
    done: impl Fn(&[SnapshotRow]) -> bool,
) -> Vec<SnapshotRow> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = attempts(app, article).await;
        if done(&rows) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {rows:#?}\njobs: {:#?}",
            jobs(app).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for_jobs(
    app: &TestApp,
    what: &str,
    done: impl Fn(&[(i64, String, i32, Option<String>)]) -> bool,
) -> Vec<(i64, String, i32, Option<String>)> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = jobs(app).await;
        if done(&rows) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {rows:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn editor<'a>(app: &'a TestApp) -> (Browser<'a>, String) {
    let token = app.editor("snapshots@example.org", Role::Admin, &[]).await;
    let mut browser = Browser::new(app);
    let response = browser.sign_in("snapshots@example.org", PASSWORD).await;
    assert_eq!(response.status(), 303, "signed in");
    (browser, token)
}

async fn article_page(browser: &mut Browser<'_>, article: i64) -> String {
    let response = browser.get(&format!("/desk/articles/{article}")).await;
    assert_eq!(response.status(), 200);
    response.text().await.expect("html")
}

/// The article page's snapshot section.
fn snapshot_section(html: &str) -> &str {
    let start = html.find(r#"id="snapshot""#).expect("the snapshot section");
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// A passage as the page marks it, with its labels for screen readers.
fn marked(text: &str) -> String {
    format!(
        "<mark class=\"passage-match\"><span class=\"visually-hidden\">Reported passage: </span>{text}<span class=\"visually-hidden\"> (end of the reported passage)</span></mark>"
    )
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

// ---- Tests --------------------------------------------------------------------------------

#[tokio::test]
async fn the_first_report_snapshots_the_page_and_the_article_page_marks_the_passage() {
    let server = ArticleServer::start().await;
    server.set(
        STORY,
        vec![
            Answer::page(&news_page("10,000", ""))
                .with_header("ETag", "\"v1\"")
                .with_header("Last-Modified", "Tue, 01 Dec 2026 08:00:00 GMT")
                .with_header("Set-Cookie", "session=tracked; Path=/"),
        ],
    );
    let app = app_with(&server, |_| {}).await;
    let url = article_url(STORY);
    post(
        &app,
        &report_on(
            &url,
            "more than 10,000 people were   evacuated, officials said",
        ),
    )
    .await;
    // A second report on the article: no second snapshot; its passage is not on the page.
    post(&app, &report_on(&url, "Twenty thousand people fled")).await;
    let article = article_id(&app, &url).await;

    let rows = wait_for_attempts(&app, article, "the first snapshot", |r| !r.is_empty()).await;
    let (reason, status, final_url, etag, text, sha, error) = &rows[0];
    assert_eq!(reason, "first_report");
    assert_eq!(*status, Some(200));
    assert_eq!(final_url.as_deref(), Some(url.as_str()));
    assert_eq!(etag.as_deref(), Some("\"v1\""));
    assert_eq!(error, &None);
    let text = text.as_deref().expect("the text is kept");
    assert_eq!(
        text,
        "Floods in the valley\n\n\
         More than 10,000 people were evacuated, officials said on Tuesday.\n\n\
         The river rose by two metres overnight. A reader wrote <script>alert(1)</script> in the comments."
    );
    assert_eq!(sha.as_deref(), Some(sha256_hex(text).as_str()));
    wait_for_jobs(&app, "the job recorded as done", |j| {
        j.len() == 1 && j[0].1 == "sent"
    })
    .await;

    // What the server saw: our User-Agent, naming disinfo-desk and where the desk is.
    let seen = server.seen(STORY);
    assert_eq!(seen.len(), 1);
    let agent = seen[0]
        .headers
        .get("user-agent")
        .cloned()
        .unwrap_or_default();
    assert!(agent.starts_with("disinfo-desk/"), "{agent}");
    assert!(agent.contains("+http://127.0.0.1:8080"), "{agent}");

    let (mut browser, _) = editor(&app).await;
    let html = article_page(&mut browser, article).await;
    let section = snapshot_section(&html);
    assert!(section.contains("As the reader saw it"), "{section}");
    assert!(section.contains("after the first report"), "{section}");
    assert!(
        section.contains(&marked(
            "More than 10,000 people were evacuated, officials said"
        )),
        "the passage is marked where it is found, labelled for screen readers: {section}"
    );
    assert!(section.contains("&#34;v1&#34;") || section.contains("&quot;v1&quot;"));
    // The page's text is shown as text: its markup is escaped, never interpreted.
    assert!(
        section.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || section.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{section}"
    );
    assert!(!html.contains("<script>alert(1)"));
    for dropped in [
        "SCRIPT-TEXT",
        "NAV-TEXT",
        "COMMENT-TEXT",
        "ASIDE-TEXT",
        "FOOTER-TEXT",
    ] {
        assert!(!section.contains(dropped), "{dropped} is not the article");
    }
    assert!(html.contains("Found in the page as fetched"));
    assert!(html.contains("Not found in the page as fetched: perhaps already edited."));
    assert!(!section.contains("Changed since the first report"));

    // Fetch again: the cookie the page set is not sent back.
    let csrf = browser.csrf(&format!("/desk/articles/{article}")).await;
    let response = browser
        .post(
            &format!("/desk/articles/{article}/snapshot"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    wait_for_attempts(&app, article, "the second snapshot", |r| r.len() == 2).await;
    let seen = server.seen(STORY);
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|s| !s.headers.contains_key("cookie")),
        "no cookies: {seen:?}"
    );
    let html = article_page(&mut browser, article).await;
    assert!(
        snapshot_section(&html).contains("Unchanged at the latest fetch"),
        "{html}"
    );
}

#[tokio::test]
async fn a_page_that_changes_shows_a_word_diff_after_fetch_again_and_after_resolving() {
    let server = ArticleServer::start().await;
    let correction = "<p>Correction: an earlier version of this article gave the wrong figure.</p>";
    server.set(
        STORY,
        vec![
            Answer::page(&news_page("10,000", "")),
            Answer::page(&news_page("1,000", correction)),
        ],
    );
    let app = app_with(&server, |_| {}).await;
    let url = article_url(STORY);
    post(
        &app,
        &report_on(&url, "More than 10,000 people were evacuated"),
    )
    .await;
    let article = article_id(&app, &url).await;
    wait_for_attempts(&app, article, "the first snapshot", |r| r.len() == 1).await;
    let (mut browser, token) = editor(&app).await;

    // The button needs the form's token.
    let response = browser
        .post(
            &format!("/desk/articles/{article}/snapshot"),
            &[("csrf", "not-the-token")],
        )
        .await;
    assert_ne!(response.status(), 303);
    let csrf = browser.csrf(&format!("/desk/articles/{article}")).await;
    let response = browser
        .post(
            &format!("/desk/articles/{article}/snapshot"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok()),
        Some(format!("/desk/articles/{article}#snapshot").as_str())
    );
    let rows = wait_for_attempts(&app, article, "the second snapshot", |r| r.len() == 2).await;
    assert_eq!(rows[1].0, "on_demand");
    assert_ne!(rows[0].5, rows[1].5, "the text's hash changed");

    let html = article_page(&mut browser, article).await;
    let section = snapshot_section(&html);
    assert!(
        section.contains("Changed since the first report"),
        "{section}"
    );
    assert!(
        section.contains("More than <del><span class=\"visually-hidden\">[removed: </span>10,000<span class=\"visually-hidden\"> end of removal]</span></del><ins><span class=\"visually-hidden\">[added: </span>1,000<span class=\"visually-hidden\"> end of addition]</span></ins> people"),
        "{section}"
    );
    assert!(
        section.contains("Correction: an earlier version of this article gave the wrong figure."),
        "{section}"
    );
    assert!(section.contains("words added"), "{section}");
    // The reader's view stays the first snapshot; the passage has gone since.
    assert!(section.contains(&marked("More than 10,000 people were evacuated")));
    assert!(html.contains("No longer in the page at the latest fetch."));

    // Resolving the article takes one more, "when the article was resolved".
    let response = app
        .client
        .post(app.url(&format!("/api/v1/desk/articles/{article}/resolve")))
        .bearer_auth(&token)
        .json(&json!({
            "outcome": "corrected",
            "public_note": "The figure is corrected.",
            "correction_url": "https://www.example.com/corrections/1"
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let rows =
        wait_for_attempts(&app, article, "the snapshot on resolving", |r| r.len() == 3).await;
    assert_eq!(rows[2].0, "resolved");
    assert_eq!(rows[2].5, rows[1].5);
    let html = article_page(&mut browser, article).await;
    let section = snapshot_section(&html);
    assert!(
        section.contains("when the article was resolved"),
        "{section}"
    );
    assert!(section.contains("Changed since the first report"));
}

#[tokio::test]
async fn redirects_to_private_addresses_are_refused_and_shown_and_can_be_retried() {
    let server = ArticleServer::start().await;
    let port = server.addr.port();
    // `localhost` is one of the publisher's hosts here but not pinned: its address is checked.
    let cases = [
        ("/to-localhost", format!("http://localhost:{port}/inner")),
        ("/to-loopback", format!("http://127.0.0.1:{port}/inner")),
        ("/to-private", "http://10.0.0.1/inner".to_string()),
    ];
    for (path, target) in &cases {
        server.set(path, vec![Answer::redirect(target)]);
    }
    server.set("/inner", vec![Answer::page(&news_page("10,000", ""))]);
    let app = app_with(&server, |_| {}).await;
    let (mut browser, _) = editor(&app).await;
    for (path, _) in &cases {
        post(
            &app,
            &report_on(&article_url(path), "More than 10,000 people"),
        )
        .await;
    }
    let jobs = wait_for_jobs(&app, "three dead jobs", |j| {
        j.len() == 3 && j.iter().all(|j| j.1 == "dead")
    })
    .await;
    assert!(
        jobs.iter().all(|j| j.2 == 1),
        "refusals are not retried: {jobs:?}"
    );
    assert!(
        server.seen("/inner").is_empty(),
        "nothing reached the target"
    );

    // A name is checked once resolved (127.0.0.1 or ::1); literal addresses before anything.
    let expected = ["localhost resolves to", "127.0.0.1", "10.0.0.1"];
    for ((path, _), words) in cases.iter().zip(expected) {
        let article = article_id(&app, &article_url(path)).await;
        let rows = attempts(&app, article).await;
        assert_eq!(rows.len(), 1);
        let error = rows[0].6.clone().unwrap_or_default();
        assert!(error.starts_with("refused:"), "{path}: {error}");
        assert!(error.contains(words), "{path}: {error}");
        assert_eq!(rows[0].4, None, "no text");
        let html = article_page(&mut browser, article).await;
        let section = snapshot_section(&html);
        assert!(section.contains("The last fetch failed"), "{section}");
        assert!(section.contains(words), "{section}");
    }

    // The publisher fixes the page: the dead job is retried from the outbox page.
    server.set("/to-private", vec![Answer::page(&news_page("10,000", ""))]);
    let article = article_id(&app, &article_url("/to-private")).await;
    let job = jobs[2].0;
    let csrf = browser.csrf("/desk/outbox").await;
    let outbox_page = browser
        .get("/desk/outbox")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        outbox_page.contains("Fetch of an article&#39;s page")
            || outbox_page.contains("Fetch of an article&#x27;s page"),
        "{outbox_page}"
    );
    let response = browser
        .post(&format!("/desk/outbox/{job}/retry"), &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), 303);
    let rows = wait_for_attempts(&app, article, "the retried snapshot", |r| r.len() == 2).await;
    assert_eq!(rows[1].6, None, "{rows:?}");
    let html = article_page(&mut browser, article).await;
    let section = snapshot_section(&html);
    assert!(!section.contains("The last fetch failed"));
    assert!(section.contains("As the reader saw it"));
}

#[tokio::test]
async fn a_redirect_to_a_host_outside_the_publishers_is_refused() {
    let server = ArticleServer::start().await;
    server.set(
        STORY,
        vec![Answer::redirect("https://elsewhere.example/world/story")],
    );
    let app = app_with(&server, |_| {}).await;
    let url = article_url(STORY);
    post(&app, &report_on(&url, "More than 10,000 people")).await;
    let article = article_id(&app, &url).await;
    let rows = wait_for_attempts(&app, article, "the refusal", |r| !r.is_empty()).await;
    let error = rows[0].6.clone().unwrap_or_default();
    assert!(
        error.contains("the host elsewhere.example is not one of the allowed hosts"),
        "{error}"
    );
    wait_for_jobs(&app, "the job dead", |j| j.len() == 1 && j[0].1 == "dead").await;

    // A report about an impersonating site is on a host the desk never fetches: nothing is
    // sent, the job ends and the article page says why.
    let mut impersonation = report_on("https://example-times.fake/world/story", "");
    impersonation["category"] = json!("impersonation");
    impersonation
        .as_object_mut()
        .expect("object")
        .remove("passage");
    post(&app, &impersonation).await;
    let fake = article_id(&app, "https://example-times.fake/world/story").await;
    let rows = wait_for_attempts(&app, fake, "the refusal", |r| !r.is_empty()).await;
    let error = rows[0].6.clone().unwrap_or_default();
    assert!(error.starts_with("not fetched: refused:"), "{error}");
    assert!(error.contains("example-times.fake"), "{error}");
    wait_for_jobs(&app, "the job cancelled", |j| {
        j.len() == 2 && j[1].1 == "cancelled"
    })
    .await;
    let (mut browser, _) = editor(&app).await;
    let html = article_page(&mut browser, fake).await;
    assert!(snapshot_section(&html).contains("not one of the allowed hosts"));
}

#[tokio::test]
async fn an_oversized_page_is_refused() {
    let server = ArticleServer::start().await;
    let huge = news_page(
        "10,000",
        &"<p>Filler paragraph of the live blog.</p>".repeat(200),
    );
    assert!(huge.len() > 4096);
    server.set(STORY, vec![Answer::page(&huge)]);
    let app = app_with(&server, |s| s.evidence.max_bytes = 4096).await;
    let url = article_url(STORY);
    post(&app, &report_on(&url, "More than 10,000 people")).await;
    let article = article_id(&app, &url).await;
    let rows = wait_for_attempts(&app, article, "the refusal", |r| !r.is_empty()).await;
    assert_eq!(
        rows[0].6.as_deref(),
        Some("the response is larger than 4096 bytes")
    );
    assert_eq!(rows[0].4, None);
    let jobs = wait_for_jobs(&app, "the job dead", |j| j.len() == 1 && j[0].1 == "dead").await;
    assert_eq!(jobs[0].2, 1, "too large is not retried");
}

#[tokio::test]
async fn a_slow_page_times_out_and_is_retried_until_out_of_attempts() {
    let server = ArticleServer::start().await;
    server.set(STORY, vec![Answer::stall()]);
    let app = app_with(&server, |s| {
        s.evidence.timeout_secs = 1;
        s.notify.max_attempts = 2;
    })
    .await;
    let url = article_url(STORY);
    let response = app
        .post_report(&report_on(&url, "More than 10,000 people"))
        .await;
    assert_eq!(response.status(), 201, "intake does not wait for the page");
    let article = article_id(&app, &url).await;
    let jobs = wait_for_jobs(&app, "the job dead", |j| j.len() == 1 && j[0].1 == "dead").await;
    assert_eq!(jobs[0].2, 2, "a timeout is retried");
    assert!(
        jobs[0]
            .3
            .as_deref()
            .unwrap_or_default()
            .contains("after 2 attempts"),
        "{jobs:?}"
    );
    let rows = attempts(&app, article).await;
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(
            row.6.as_deref(),
            Some("no complete answer within the timeout")
        );
    }
    let (mut browser, _) = editor(&app).await;
    let html = article_page(&mut browser, article).await;
    assert!(snapshot_section(&html).contains("no complete answer within the timeout"));
}

#[tokio::test]
async fn a_503_is_retried_through_the_outbox() {
    let server = ArticleServer::start().await;
    server.set(
        STORY,
        vec![Answer::status(503), Answer::page(&news_page("10,000", ""))],
    );
    let app = app_with(&server, |_| {}).await;
    let url = article_url(STORY);
    post(&app, &report_on(&url, "More than 10,000 people")).await;
    let article = article_id(&app, &url).await;
    let jobs = wait_for_jobs(&app, "the job done", |j| j.len() == 1 && j[0].1 == "sent").await;
    assert_eq!(jobs[0].2, 2, "one retry");
    let rows = attempts(&app, article).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].1, Some(503));
    assert_eq!(
        rows[0].6.as_deref(),
        Some("the server answered 503 Service Unavailable")
    );
    assert_eq!(rows[1].1, Some(200));
    assert_eq!(rows[1].6, None);
    let (mut browser, _) = editor(&app).await;
    let html = article_page(&mut browser, article).await;
    let section = snapshot_section(&html);
    assert!(section.contains("As the reader saw it"));
    assert!(!section.contains("The last fetch failed"));
    assert!(
        section.contains("503 Service Unavailable"),
        "the history lists the retry"
    );
}

#[tokio::test]
async fn intake_answers_201_while_the_article_server_is_down() {
    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let app = spawn_app_with(move |s| snapshots_to(s, closed)).await;
    let url = article_url(STORY);
    let response = app
        .post_report(&report_on(&url, "More than 10,000 people"))
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert!(body["tracking_code"].is_string());
    let article = article_id(&app, &url).await;
    let rows = wait_for_attempts(&app, article, "a failed attempt", |r| !r.is_empty()).await;
    let error = rows[0].6.clone().unwrap_or_default();
    assert!(error.starts_with("network error"), "{error}");
    let jobs = jobs(&app).await;
    assert!(
        jobs[0].1 == "pending" || jobs[0].1 == "sending",
        "a network error is retried: {jobs:?}"
    );
    let (mut browser, _) = editor(&app).await;
    let html = article_page(&mut browser, article).await;
    let section = snapshot_section(&html);
    assert!(section.contains("The last fetch failed"), "{section}");
    assert!(
        section.contains("No snapshot of this page yet")
            || !section.contains("As the reader saw it")
    );
}

/// The binary, with a config folder whose test.toml pins the publisher's host to `server`.
fn desk_command(app: &TestApp, config: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_disinfo-desk"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env("DESK_CONFIG_DIR", config)
        .env("DESK__DATABASE__URL", &app.database_url)
        .env_remove("RUST_LOG");
    command
}

#[tokio::test]
async fn the_snapshot_command_fetches_at_once_and_prints_the_result() {
    let server = ArticleServer::start().await;
    server.set(
        STORY,
        vec![
            Answer::page(&news_page("10,000", "")).with_header("ETag", "\"v1\""),
            Answer::page(&news_page("1,000", "")),
        ],
    );
    // The app with snapshots off: only the command fetches.
    let app = spawn_app_with(|_| {}).await;
    let url = article_url(STORY);
    post(&app, &report_on(&url, "More than 10,000 people")).await;
    let article = article_id(&app, &url).await;
    assert!(jobs(&app).await.is_empty(), "snapshots are off in this app");

    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let config = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        source.join("default.toml"),
        config.path().join("default.toml"),
    )
    .expect("copy");
    let test_toml = std::fs::read_to_string(source.join("test.toml")).expect("test.toml");
    let pinned = format!(
        "[evidence]\npinned = {{ \"www.example.com\" = \"{}\" }}\n",
        server.addr
    );
    assert!(test_toml.contains("[evidence]\n"));
    std::fs::write(
        config.path().join("test.toml"),
        test_toml.replace("[evidence]\n", &pinned),
    )
    .expect("write");

    let run = |arg: String| {
        let mut command = desk_command(&app, config.path());
        command.args(["snapshot", &arg]);
        command
    };
    let output = tokio::task::spawn_blocking({
        let mut command = run(article.to_string());
        move || command.output().expect("runs")
    })
    .await
    .expect("task");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("article: {article} {url}")),
        "{stdout}"
    );
    assert!(stdout.contains("status: 200"), "{stdout}");
    assert!(stdout.contains("etag: \"v1\""), "{stdout}");
    assert!(
        stdout.contains("changed since the first snapshot: no"),
        "{stdout}"
    );
    let rows = attempts(&app, article).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "on_demand");
    let sha = rows[0].5.clone().expect("hash");
    assert!(stdout.contains(&format!("sha256: {sha}")), "{stdout}");

    // By any address of the article (as readers paste it): the page changed meanwhile.
    let output = tokio::task::spawn_blocking({
        let mut command = run(format!("http://WWW.example.com{STORY}?utm_source=feed#top"));
        move || command.output().expect("runs")
    })
    .await
    .expect("task");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("changed since the first snapshot: yes"),
        "{stdout}"
    );

    // A failed fetch is printed and exits 1; an unknown article too.
    server.set(STORY, vec![Answer::status(410)]);
    let output = tokio::task::spawn_blocking({
        let mut command = run(article.to_string());
        move || command.output().expect("runs")
    })
    .await
    .expect("task");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error: the server answered 410 Gone"),
        "{stdout}"
    );
    let output = tokio::task::spawn_blocking({
        let mut command = run("999999".into());
        move || command.output().expect("runs")
    })
    .await
    .expect("task");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no article \"999999\""));
    assert_eq!(attempts(&app, article).await.len(), 3);
}
