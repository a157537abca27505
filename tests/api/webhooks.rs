//! Webhooks (issue 12, item 5) against a receiver started in the test: a small HTTP server on
//! 127.0.0.1 that checks every signature with its own code (hmac, sha2, base64: nothing of the
//! desk's), answers as each test tells it, and keeps what it got.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{outbox, webhook_endpoints};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app_with, valid_report};

const WAIT: Duration = Duration::from_secs(20);
const ADMIN: &str = "chief@example.com";
/// Distinctive personal data: found in no payload to an untrusted endpoint.
const NAME: &str = "Zenobia Quillfeather";
const EMAIL: &str = "zenobia.quill@example.org";
const EXPLANATION: &str = "The bulletin of the Vexillary Authority says 1,000, not 10,000.";
const PASSAGE: &str = "More than 10,000 marmots were evacuated.";

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub id: String,
    pub timestamp: i64,
    pub content_type: String,
    pub body: Vec<u8>,
    pub json: Value,
    /// The signature matched the secret the receiver was given, and the time was recent.
    pub verified: bool,
    pub answered: u16,
}

impl Delivered {
    pub fn kind(&self) -> &str {
        self.json["type"].as_str().unwrap_or_default()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

type Answer = Box<dyn Fn(&Delivered, usize) -> u16 + Send>;

struct Shared {
    secret: Option<String>,
    answer: Answer,
    delivered: Vec<Delivered>,
}

/// The receiving end of an endpoint.
#[derive(Clone)]
pub struct Receiver {
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
}

/// The Standard Webhooks check, written here from the specification: HMAC-SHA256 keyed with the
/// base64-decoded part of `whsec_…`, over `{id}.{timestamp}.{body}`, compared with each `v1,`
/// signature of the header; and a timestamp within five minutes.
fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], signatures: &str) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
    else {
        return false;
    };
    let Ok(sent_at) = timestamp.parse::<i64>() else {
        return false;
    };
    if (chrono::Utc::now().timestamp() - sent_at).abs() > 300 {
        return false;
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    signatures
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected)
}

impl Receiver {
    /// Listens on 127.0.0.1; answers 200 until told otherwise.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let shared = Arc::new(Mutex::new(Shared {
            secret: None,
            answer: Box::new(|_, _| 200),
            delivered: Vec::new(),
        }));
        let accepted = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = accepted.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, shared).await;
                });
            }
        });
        Self { port, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn set_secret(&self, secret: &str) {
        self.shared.lock().expect("lock").secret = Some(secret.to_string());
    }

    /// How to answer: given the request and how many came before it.
    pub fn answer(&self, answer: impl Fn(&Delivered, usize) -> u16 + Send + 'static) {
        self.shared.lock().expect("lock").answer = Box::new(answer);
    }

    pub fn delivered(&self) -> Vec<Delivered> {
        self.shared.lock().expect("lock").delivered.clone()
    }

    /// Waits until at least `count` requests came (or the wait is over), and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivered> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let got = self.delivered();
            if got.len() >= count || tokio::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a delivery of event `kind` for which `matches` holds.
    pub async fn wait_for_event(&self, kind: &str, matches: impl Fn(&Value) -> bool) -> Delivered {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(found) = self
                .delivered()
                .into_iter()
                .find(|d| d.kind() == kind && matches(&d.json["data"]))
            {
                return found;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {kind} arrived; got {:?}",
                self.delivered()
                    .iter()
                    .map(|d| d.text())
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Reads one HTTP/1.1 request, answers it and closes the connection.
async fn serve(
    mut stream: tokio::net::TcpStream,
    shared: Arc<Mutex<Shared>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let length: usize = header("content-length").parse().unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end..(head_end + length).min(buffer.len())].to_vec();
    let status = {
        let mut shared = shared.lock().expect("lock");
        let mut delivered = Delivered {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp").parse().unwrap_or(0),
            content_type: header("content-type"),
            json: serde_json::from_slice(&body).unwrap_or(Value::Null),
            verified: shared.secret.as_deref().is_some_and(|secret| {
                verify(
                    secret,
                    &header("webhook-id"),
                    &header("webhook-timestamp"),
                    &body,
                    &header("webhook-signature"),
                )
            }),
            body,
            answered: 0,
        };
        // A receiver refuses what it cannot verify.
        let status = if delivered.verified {
            (shared.answer)(&delivered, shared.delivered.len())
        } else {
            401
        };
        delivered.answered = status;
        shared.delivered.push(delivered);
        status
    };
    let answer =
        format!("HTTP/1.1 {status} Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(answer.as_bytes()).await?;
    stream.shutdown().await
}

/// An app whose reports come from the address in X-Forwarded-For (escalation counts readers).
async fn app_with(customize: impl FnOnce(&mut disinfo_desk::config::Settings)) -> TestApp {
    spawn_app_with(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
        customize(s);
    })
    .await
}

async fn admin(app: &TestApp) -> (Browser<'_>, String) {
    let token = app.editor(ADMIN, Role::Admin, &[]).await;
    let mut browser = Browser::new(app);
    assert_eq!(browser.sign_in(ADMIN, PASSWORD).await.status(), 303);
    (browser, token)
}

/// The text between `start` and the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

/// Registers an endpoint on the dashboard; returns its id and secret (and the page's status).
async fn register(
    browser: &mut Browser<'_>,
    url: &str,
    events: &[&str],
    trusted: bool,
) -> (u16, String, Option<(i64, String)>) {
    let csrf = browser.csrf("/desk/webhooks").await;
    let mut form = vec![("csrf", csrf.as_str()), ("url", url)];
    for event in events {
        form.push(("events", event));
    }
    if trusted {
        form.push(("trusted", "true"));
    }
    let response = browser.post("/desk/webhooks", &form).await;
    let status = response.status().as_u16();
    let html = response.text().await.expect("html");
    let created = between(&html, r#"<dd id="created-id">"#, "<").and_then(|id| {
        let secret = between(&html, r#"<code id="webhook-secret">"#, "<")?;
        Some((id.parse().ok()?, secret.to_string()))
    });
    (status, html, created)
}

async fn register_ok(
    browser: &mut Browser<'_>,
    receiver: &Receiver,
    events: &[&str],
    trusted: bool,
) -> i64 {
    let (status, html, created) = register(browser, &receiver.url("/hook"), events, trusted).await;
    assert_eq!(status, 201, "{html}");
    let (id, secret) = created.expect("the new endpoint's id and secret");
    receiver.set_secret(&secret);
    id
}

/// A report with distinctive personal data, sent as the reader at `client`.
async fn report_as(app: &TestApp, client: &str, path: &str) -> String {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report["reporter_name"] = json!(NAME);
    report["reporter_email"] = json!(EMAIL);
    report["explanation"] = json!(EXPLANATION);
    report["passage"] = json!(PASSAGE);
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("X-Forwarded-For", client)
        .json(&report)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.expect("json")["tracking_code"]
        .as_str()
        .expect("code")
        .to_string()
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn assert_well_formed(delivery: &Delivered) {
    assert!(delivery.verified, "signature: {}", delivery.text());
    assert!(
        delivery.id.starts_with("msg_") && !delivery.id.contains('.'),
        "{}",
        delivery.id
    );
    assert!(
        (chrono::Utc::now().timestamp() - delivery.timestamp).abs() < 300,
        "webhook-timestamp is the attempt's unix time"
    );
    assert_eq!(delivery.content_type, "application/json");
    assert!(
        delivery.json["timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
}

fn assert_no_personal_data(delivery: &Delivered) {
    let text = delivery.text();
    for personal in [
        NAME,
        EMAIL,
        EXPLANATION,
        PASSAGE,
        "Zenobia",
        "Vexillary",
        "marmots",
    ] {
        assert!(
            !text.contains(personal),
            "{personal} sent to an untrusted endpoint: {text}"
        );
    }
    assert!(
        delivery.json["data"]["report"].get("reporter").is_none(),
        "{text}"
    );
}

/// The outbox rows of an endpoint: (status, attempts, last error, message token).
async fn deliveries_of(app: &TestApp, endpoint: i64) -> Vec<(String, i32, Option<String>, String)> {
    app.query(move |conn| {
        outbox::table
            .filter(outbox::webhook_endpoint_id.eq(endpoint))
            .order(outbox::id.asc())
            .select((
                outbox::status,
                outbox::attempts,
                outbox::last_error,
                outbox::message_id,
            ))
            .load(conn)
    })
    .await
}

/// Waits until the endpoint's rows satisfy `done`.
async fn wait_rows(
    app: &TestApp,
    endpoint: i64,
    done: impl Fn(&[(String, i32, Option<String>, String)]) -> bool,
) -> Vec<(String, i32, Option<String>, String)> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = deliveries_of(app, endpoint).await;
        if done(&rows) || tokio::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_event_arrives_signed_with_its_payload_and_personal_data_only_when_trusted() {
    let app = app_with(|s| s.notify.escalation_threshold = 2).await;
    let (mut browser, token) = admin(&app).await;
    let all = Receiver::start().await;
    let trusted = Receiver::start().await;
    register_ok(
        &mut browser,
        &all,
        &[
            "report.created",
            "report.status_changed",
            "article.resolved",
            "article.escalated",
        ],
        false,
    )
    .await;
    register_ok(
        &mut browser,
        &trusted,
        &["report.created", "report.status_changed"],
        true,
    )
    .await;

    // report.created, from the API.
    let first = report_as(&app, "198.51.100.1", "/world/2026/12/evacuations").await;
    let created = all
        .wait_for_event("report.created", |d| d["report"]["tracking_code"] == first)
        .await;
    assert_well_formed(&created);
    assert_no_personal_data(&created);
    let report = &created.json["data"]["report"];
    assert_eq!(report["status"], "new");
    assert_eq!(report["public_status"], "received");
    assert_eq!(report["category"], "false_claim");
    assert_eq!(report["channel"], "api");
    assert_eq!(report["language"], "en");
    assert_eq!(report["desk"], "world");
    assert!(report["received_at"].is_string() && report["decided_at"].is_null());
    let article = &created.json["data"]["article"];
    assert_eq!(
        article["canonical_url"],
        "https://www.example.com/world/2026/12/evacuations"
    );
    let article_id = article["id"].as_i64().expect("article id");
    assert!(created.json["data"].get("transition").is_none());

    // The trusted endpoint gets the same event with the reporter and the reader's texts.
    let full = trusted
        .wait_for_event("report.created", |d| d["report"]["tracking_code"] == first)
        .await;
    assert_well_formed(&full);
    let report = &full.json["data"]["report"];
    assert_eq!(report["reporter"]["name"], NAME);
    assert_eq!(report["reporter"]["email"], EMAIL);
    assert_eq!(report["explanation"], EXPLANATION);
    assert_eq!(report["passage"], PASSAGE);
    assert_eq!(
        report["evidence_urls"],
        json!(["https://gov.example.org/bulletin/42"])
    );
    assert_ne!(
        full.id, created.id,
        "each endpoint's delivery has its own id"
    );

    // A second reader on the same article escalates it (threshold 2).
    let second = report_as(&app, "198.51.100.2", "/world/2026/12/evacuations").await;
    let escalated = all.wait_for_event("article.escalated", |_| true).await;
    assert_well_formed(&escalated);
    let data = &escalated.json["data"];
    assert_eq!(data["article"]["id"], article_id);
    assert_eq!(data["desk"], "standards");
    assert_eq!(data["tracking_code"], second);
    assert_eq!(data["recent_reports"], 2);
    assert_eq!(data["threshold"], 2);

    // report.status_changed: one editor's move...
    let (status, body) = api_post(
        &app,
        &token,
        &format!("/api/v1/desk/reports/{first}/transition"),
        json!({"to": "triaged"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let moved = all
        .wait_for_event("report.status_changed", |d| {
            d["report"]["tracking_code"] == first && d["transition"]["to"] == "triaged"
        })
        .await;
    assert_well_formed(&moved);
    assert_no_personal_data(&moved);
    assert_eq!(
        moved.json["data"]["transition"],
        json!({"from": "new", "to": "triaged"})
    );
    assert_eq!(moved.json["data"]["report"]["status"], "triaged");
    assert_eq!(
        moved.json["data"]["report"]["public_status"],
        "under_review"
    );

    // ...a bulk action on the dashboard...
    let csrf = browser.csrf("/desk/reports").await;
    let response = browser
        .post(
            "/desk/reports/bulk",
            &[
                ("csrf", csrf.as_str()),
                ("action", "transition"),
                ("to", "investigating"),
                ("return_to", "/desk/reports"),
                ("code", first.as_str()),
                ("code", second.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    for code in [&first, &second] {
        all.wait_for_event("report.status_changed", |d| {
            d["report"]["tracking_code"] == code.as_str()
                && d["transition"]["to"] == "investigating"
        })
        .await;
    }

    // ...and a decision on the whole article: each report, then the article.
    let (status, body) = api_post(
        &app,
        &token,
        &format!("/api/v1/desk/articles/{article_id}/resolve"),
        json!({
            "outcome": "corrected",
            "public_note": "We corrected the figure.",
            "correction_url": "https://www.example.com/corrections/evacuations"
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let resolved = all.wait_for_event("article.resolved", |_| true).await;
    assert_well_formed(&resolved);
    let data = &resolved.json["data"];
    assert_eq!(data["article"]["id"], article_id);
    assert_eq!(data["article"]["open_report_count"], 0);
    assert_eq!(data["status"], "corrected");
    assert_eq!(data["public_status"], "corrected");
    assert_eq!(
        data["correction_url"],
        "https://www.example.com/corrections/evacuations"
    );
    let codes: BTreeSet<&str> = data["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(codes, BTreeSet::from([first.as_str(), second.as_str()]));
    assert_eq!(data["desks"], json!(["world"]));
    for code in [&first, &second] {
        let decided = all
            .wait_for_event("report.status_changed", |d| {
                d["report"]["tracking_code"] == code.as_str()
                    && d["transition"]["to"] == "corrected"
            })
            .await;
        let report = &decided.json["data"]["report"];
        assert_eq!(report["public_status"], "corrected");
        assert!(report["decided_at"].is_string());
        assert_eq!(
            report["correction_url"],
            "https://www.example.com/corrections/evacuations"
        );
        assert!(
            !decided.text().contains("We corrected the figure."),
            "editors' notes are not sent"
        );
    }
    // The trusted endpoint had only what it asked for; every delivery anywhere was signed.
    let trusted_kinds: BTreeSet<String> = trusted
        .delivered()
        .iter()
        .map(|d| d.kind().to_string())
        .collect();
    assert_eq!(
        trusted_kinds,
        BTreeSet::from(["report.created".into(), "report.status_changed".into()])
    );
    for delivery in all.delivered() {
        assert_well_formed(&delivery);
        assert_no_personal_data(&delivery);
    }
    let mut ids: Vec<String> = all.delivered().into_iter().map(|d| d.id).collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "each event once");
}

#[tokio::test]
async fn report_created_is_sent_for_every_channel() {
    let app = app_with(|_| {}).await;
    let (mut browser, token) = admin(&app).await;
    let receiver = Receiver::start().await;
    register_ok(&mut browser, &receiver, &["report.created"], false).await;

    let api = report_as(&app, "198.51.100.7", "/world/2026/12/api").await;
    let form = app
        .post_form(&[
            ("article_url", "https://www.example.com/world/2026/12/form"),
            ("category", "false_claim"),
            ("explanation", EXPLANATION),
            ("language", "en"),
        ])
        .await;
    assert_eq!(form.status(), 303, "{:?}", form.text().await);
    let mut phone = valid_report();
    phone["article_url"] = json!("https://www.example.com/world/2026/12/phone");
    phone["channel"] = json!("phone");
    phone["contact_consent"] = json!(true);
    let (status, body) = api_post(&app, &token, "/api/v1/desk/reports", phone).await;
    assert_eq!(status, 201, "{body}");
    let phoned = body["tracking_code"].as_str().expect("code").to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .arg("ingest-mail")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", &app.database_url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ingest-mail starts");
    let message = "From: Reader <reader@example.net>\r\nTo: corrections@example.com\r\n\
                   Subject: Wrong figure\r\nMessage-ID: <hook-test-1@example.net>\r\n\
                   Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\n\
                   https://www.example.com/world/2026/12/mail says 10,000; it was 1,000.\r\n";
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), message.as_bytes())
        .expect("message written");
    let output = child.wait_with_output().expect("ingest-mail ends");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mailed = String::from_utf8_lossy(&output.stdout).trim().to_string();

    let mut channels = BTreeSet::new();
    for delivery in receiver.wait_for(4).await {
        assert_well_formed(&delivery);
        assert_eq!(delivery.kind(), "report.created");
        channels.insert((
            delivery.json["data"]["report"]["channel"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            delivery.json["data"]["article"]["canonical_url"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ));
    }
    assert_eq!(
        channels,
        BTreeSet::from([
            (
                "api".into(),
                "https://www.example.com/world/2026/12/api".into()
            ),
            (
                "email".into(),
                "https://www.example.com/world/2026/12/mail".into()
            ),
            (
                "phone".into(),
                "https://www.example.com/world/2026/12/phone".into()
            ),
            (
                "web_form".into(),
                "https://www.example.com/world/2026/12/form".into()
            ),
        ])
    );
    let codes: BTreeSet<String> = receiver
        .delivered()
        .iter()
        .filter_map(|d| {
            d.json["data"]["report"]["tracking_code"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    for code in [&api, &phoned, &mailed] {
        assert!(codes.contains(code), "{code} in {codes:?}");
    }
}

#[tokio::test]
async fn a_500_is_retried_and_delivered_with_the_same_webhook_id() {
    let app = app_with(|_| {}).await;
    let (mut browser, _) = admin(&app).await;
    let receiver = Receiver::start().await;
    receiver.answer(|_, before| if before == 0 { 500 } else { 200 });
    let endpoint = register_ok(&mut browser, &receiver, &["report.created"], false).await;
    report_as(&app, "198.51.100.3", "/world/2026/12/retry").await;

    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].answered, 500);
    assert_eq!(got[1].answered, 200);
    assert_eq!(got[0].id, got[1].id, "the same webhook-id on the retry");
    assert_eq!(got[0].body, got[1].body, "the same body");
    assert!(got[0].verified && got[1].verified, "each attempt signed");
    let rows = wait_rows(&app, endpoint, |rows| rows.iter().all(|r| r.0 == "sent")).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "sent");
    assert_eq!(rows[0].1, 2, "two attempts");
    assert_eq!(got[0].id, format!("msg_{}", rows[0].3));
}

#[tokio::test]
async fn a_400_goes_dead_and_the_outbox_page_sends_it_again() {
    let app = app_with(|_| {}).await;
    let (mut browser, _) = admin(&app).await;
    let receiver = Receiver::start().await;
    receiver.answer(|_, before| if before == 0 { 400 } else { 204 });
    let endpoint = register_ok(&mut browser, &receiver, &["report.created"], false).await;
    report_as(&app, "198.51.100.4", "/world/2026/12/dead").await;

    let rows = wait_rows(&app, endpoint, |rows| rows.iter().any(|r| r.0 == "dead")).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "dead", "{rows:?}");
    assert_eq!(rows[0].1, 1, "not retried by itself");
    let reason = rows[0].2.clone().unwrap_or_default();
    assert!(reason.contains("the endpoint answered 400"), "{reason}");
    assert!(!reason.contains("whsec_"), "no secret in the reason");
    assert_eq!(receiver.delivered().len(), 1);

    let html = browser
        .get("/desk/outbox")
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Webhook"), "{html}");
    assert!(
        html.contains(&receiver.url("/hook")),
        "its address as the recipient"
    );
    assert!(html.contains("the endpoint answered 400"), "{html}");
    let id: i64 = app
        .query(move |conn| {
            outbox::table
                .filter(outbox::webhook_endpoint_id.eq(endpoint))
                .select(outbox::id)
                .first(conn)
        })
        .await;
    let csrf = browser.csrf("/desk/outbox").await;
    let retried = browser
        .post(&format!("/desk/outbox/{id}/retry"), &[("csrf", &csrf)])
        .await;
    assert_eq!(retried.status(), 303);
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].answered, 204);
    assert_eq!(got[0].id, got[1].id);
    let rows = wait_rows(&app, endpoint, |rows| rows[0].0 == "sent").await;
    assert_eq!(rows[0].0, "sent");
}

#[tokio::test]
async fn a_410_disables_the_endpoint_and_what_waited_for_it_is_cancelled() {
    let app = app_with(|_| {}).await;
    let (mut browser, token) = admin(&app).await;
    let receiver = Receiver::start().await;
    // The report's arrival fails until the endpoint says it is gone, on the status change.
    receiver.answer(|delivery, _| {
        if delivery.kind() == "report.status_changed" {
            410
        } else {
            503
        }
    });
    let endpoint = register_ok(
        &mut browser,
        &receiver,
        &["report.created", "report.status_changed"],
        false,
    )
    .await;
    let code = report_as(&app, "198.51.100.5", "/world/2026/12/gone").await;
    receiver.wait_for_event("report.created", |_| true).await;
    let (status, _) = api_post(
        &app,
        &token,
        &format!("/api/v1/desk/reports/{code}/transition"),
        json!({"to": "triaged"}),
    )
    .await;
    assert_eq!(status, 200);
    receiver
        .wait_for_event("report.status_changed", |_| true)
        .await;

    let rows = wait_rows(&app, endpoint, |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.0 == "dead" || r.0 == "cancelled")
    })
    .await;
    assert_eq!(rows[0].0, "cancelled", "the retried arrival: {rows:?}");
    assert_eq!(
        rows[0].2.as_deref(),
        Some("the webhook endpoint is disabled")
    );
    assert_eq!(rows[1].0, "dead");
    assert!(
        rows[1].2.as_deref().is_some_and(|e| e.contains("410")),
        "{rows:?}"
    );
    let (enabled, reason): (bool, Option<String>) = app
        .query(move |conn| {
            webhook_endpoints::table
                .find(endpoint)
                .select((
                    webhook_endpoints::enabled,
                    webhook_endpoints::disabled_reason,
                ))
                .first(conn)
        })
        .await;
    assert!(!enabled);
    assert!(reason.is_some_and(|r| r.contains("410 Gone")));
    let html = browser
        .get("/desk/webhooks")
        .await
        .text()
        .await
        .expect("html");
    let row = between(&html, &format!(r#"<tr id="endpoint-{endpoint}">"#), "</tr>").expect("row");
    assert!(
        row.contains("Disabled") && row.contains("410 Gone"),
        "{row}"
    );
    assert!(
        row.contains(&format!("/desk/webhooks/{endpoint}/enable")),
        "{row}"
    );

    // Nothing more is queued for it.
    report_as(&app, "198.51.100.6", "/world/2026/12/gone-again").await;
    assert_eq!(deliveries_of(&app, endpoint).await.len(), 2);

    // Enabled again, it gets the next event.
    receiver.answer(|_, _| 200);
    let csrf = browser.csrf("/desk/webhooks").await;
    let response = browser
        .post(
            &format!("/desk/webhooks/{endpoint}/enable"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let third = report_as(&app, "198.51.100.8", "/world/2026/12/back").await;
    let back = receiver
        .wait_for_event("report.created", |d| d["report"]["tracking_code"] == third)
        .await;
    assert_eq!(back.answered, 200);
}

#[tokio::test]
async fn a_removed_endpoint_gets_nothing_more() {
    let app = app_with(|_| {}).await;
    let (mut browser, _) = admin(&app).await;
    let receiver = Receiver::start().await;
    receiver.answer(|_, _| 503);
    let endpoint = register_ok(&mut browser, &receiver, &["report.created"], false).await;
    report_as(&app, "198.51.100.9", "/world/2026/12/removed").await;
    receiver.wait_for(1).await;
    let csrf = browser.csrf("/desk/webhooks").await;
    let response = browser
        .post(
            &format!("/desk/webhooks/{endpoint}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let rows = wait_rows(&app, endpoint, |rows| rows[0].0 == "cancelled").await;
    assert_eq!(rows[0].0, "cancelled", "{rows:?}");
    assert_eq!(
        rows[0].2.as_deref(),
        Some("the webhook endpoint was removed")
    );
    let gone: i64 = app
        .query(move |conn| {
            webhook_endpoints::table
                .filter(webhook_endpoints::id.eq(endpoint))
                .count()
                .get_result(conn)
        })
        .await;
    assert_eq!(gone, 0, "the endpoint and its secret are deleted");
}

#[tokio::test]
async fn loopback_is_refused_at_registration_and_at_delivery_unless_allowed() {
    let app = app_with(|s| s.webhooks.allow_private_addresses = false).await;
    let (mut browser, _) = admin(&app).await;
    let receiver = Receiver::start().await;

    // A literal loopback address: refused beside the field, the input kept.
    let (status, html, created) = register(
        &mut browser,
        &receiver.url("/hook"),
        &["report.created"],
        true,
    )
    .await;
    assert_eq!(status, 422);
    assert!(created.is_none());
    let error = between(
        &html,
        r#"<div class="field-error" id="url-error">"#,
        "</div>",
    )
    .expect("error beside the field");
    assert!(error.contains("loopback"), "{error}");
    assert!(
        html.contains(&format!(r#"value="{}""#, receiver.url("/hook"))),
        "input kept"
    );
    assert!(html.contains(r#"aria-describedby="url-hint url-error""#));
    assert!(
        html.contains(r#"name="trusted" value="true" aria-describedby="trusted-hint" checked"#)
    );
    // The command line refuses it too.
    let output = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .args([
            "webhook",
            "add",
            &receiver.url("/hook"),
            "--event",
            "report.created",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", &app.database_url)
        .env("DESK__WEBHOOKS__ALLOW_PRIVATE_ADDRESSES", "false")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("URL: ") && stderr.contains("loopback"),
        "{stderr}"
    );

    // A name is resolved when a delivery connects: `localhost` is refused then, and the message
    // is dead with why; the receiver hears nothing.
    let localhost = format!("http://localhost:{}/hook", receiver.port);
    let (status, html, created) =
        register(&mut browser, &localhost, &["report.created"], false).await;
    assert_eq!(status, 201, "{html}");
    let (endpoint, _) = created.expect("created");
    report_as(&app, "198.51.100.10", "/world/2026/12/ssrf").await;
    let rows = wait_rows(&app, endpoint, |rows| rows.iter().any(|r| r.0 == "dead")).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "dead", "{rows:?}");
    let reason = rows[0].2.clone().unwrap_or_default();
    assert!(
        reason.contains("localhost") && reason.contains("loopback"),
        "{reason}"
    );
    assert!(receiver.delivered().is_empty());
}

fn desk_cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", &app.database_url)
        .output()
        .expect("runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The id and the secret that `webhook add` prints, on its first and second lines.
fn added_endpoint(out: &str) -> (i64, String) {
    let mut lines = out.lines();
    let id: i64 = lines
        .next()
        .and_then(|l| l.strip_prefix("id: "))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("id line: {out}"));
    let secret = lines
        .next()
        .and_then(|l| l.strip_prefix("secret: "))
        .unwrap_or_else(|| panic!("secret line: {out}"))
        .to_string();
    (id, secret)
}

#[tokio::test]
async fn the_command_line_adds_lists_and_removes_endpoints() {
    let app = app_with(|_| {}).await;
    let receiver = Receiver::start().await;
    let url = receiver.url("/cli");
    let (ok, out, err) = desk_cli(
        &app,
        &[
            "webhook",
            "add",
            &url,
            "--event",
            "report.created",
            "--event",
            "article.resolved",
            "--trusted",
        ],
    );
    assert!(ok, "{err}");
    let (id, secret) = added_endpoint(&out);
    assert!(secret.starts_with("whsec_"), "{secret}");
    receiver.set_secret(&secret);

    // The printed secret is the one deliveries are signed with; trusted: with personal data.
    report_as(&app, "198.51.100.11", "/world/2026/12/cli").await;
    let delivery = receiver.wait_for_event("report.created", |_| true).await;
    assert_well_formed(&delivery);
    assert_eq!(delivery.json["data"]["report"]["reporter"]["email"], EMAIL);

    let (ok, listed, _) = desk_cli(&app, &["webhook", "list"]);
    assert!(ok);
    assert_eq!(
        listed.trim(),
        format!("{id}\tenabled\ttrusted\treport.created,article.resolved\t{url}")
    );
    assert!(!listed.contains(&secret[6..]), "no secret in the list");

    // Unknown events and bad addresses: refused, naming the argument, exit code not 0.
    let (ok, _, err) = desk_cli(&app, &["webhook", "add", &url, "--event", "report.deleted"]);
    assert!(!ok);
    assert!(
        err.contains("--event: report.deleted is not an event"),
        "{err}"
    );
    let (ok, _, err) = desk_cli(
        &app,
        &[
            "webhook",
            "add",
            "not an address",
            "--event",
            "report.created",
        ],
    );
    assert!(!ok);
    assert!(err.contains("URL: This is not a web address"), "{err}");
    let (ok, _, err) = desk_cli(
        &app,
        &[
            "webhook",
            "add",
            "ftp://example.com/x",
            "--event",
            "report.created",
        ],
    );
    assert!(!ok);
    assert!(err.contains("URL: ") && err.contains("ftp"), "{err}");
    let (ok, _, err) = desk_cli(&app, &["webhook", "add", &url]);
    assert!(!ok);
    assert!(err.contains("--event"), "{err}");

    let (ok, out, err) = desk_cli(&app, &["webhook", "remove", &id.to_string()]);
    assert!(ok, "{err}");
    assert!(out.contains(&format!("removed {id}")), "{out}");
    let (ok, listed, _) = desk_cli(&app, &["webhook", "list"]);
    assert!(ok);
    assert!(listed.trim().is_empty(), "{listed}");
    let (ok, _, err) = desk_cli(&app, &["webhook", "remove", &id.to_string()]);
    assert!(!ok);
    assert!(err.contains("no webhook endpoint has that id"), "{err}");
}

/// Intake keeps the endpoints of `report.created` between reports (`webhooks::Subscriptions`):
/// an endpoint another process adds or removes must still count from the next report on.
#[tokio::test]
async fn the_next_report_sees_endpoints_another_process_adds_or_removes() {
    let app = app_with(|_| {}).await;
    let receiver = Receiver::start().await;
    // Before any endpoint: intake now holds an empty list.
    report_as(&app, "198.51.100.30", "/world/2026/12/before-any").await;

    let (ok, out, err) = desk_cli(
        &app,
        &[
            "webhook",
            "add",
            &receiver.url("/other-process"),
            "--event",
            "report.created",
        ],
    );
    assert!(ok, "{err}");
    let (id, secret) = added_endpoint(&out);
    receiver.set_secret(&secret);
    let added = report_as(&app, "198.51.100.31", "/world/2026/12/after-add").await;
    let delivery = receiver
        .wait_for_event("report.created", |d| d["report"]["tracking_code"] == added)
        .await;
    assert_well_formed(&delivery);
    assert_eq!(deliveries_of(&app, id).await.len(), 1);

    let (ok, _, err) = desk_cli(&app, &["webhook", "remove", &id.to_string()]);
    assert!(ok, "{err}");
    report_as(&app, "198.51.100.32", "/world/2026/12/after-remove").await;
    assert_eq!(
        deliveries_of(&app, id).await.len(),
        1,
        "nothing queued for a removed endpoint"
    );
}

#[tokio::test]
async fn the_dashboard_shows_the_secret_once_to_admins_only() {
    let app = app_with(|_| {}).await;
    let (mut browser, _) = admin(&app).await;
    let page = browser.get("/desk/webhooks").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains(r#"<a href="/desk/webhooks" aria-current="page">Webhooks</a>"#),
        "linked from the admin navigation"
    );
    assert!(html.contains("No endpoint is registered."));

    let receiver = Receiver::start().await;
    let (status, html, created) = register(
        &mut browser,
        &receiver.url("/once"),
        &["report.created"],
        false,
    )
    .await;
    assert_eq!(status, 201);
    let (id, secret) = created.expect("created");
    assert!(secret.starts_with("whsec_"));
    assert!(html.contains("shown this once"), "{html}");
    receiver.set_secret(&secret);

    // Never again: not on the page, not in the database as it was shown.
    let again = browser
        .get("/desk/webhooks")
        .await
        .text()
        .await
        .expect("html");
    assert!(again.contains(&receiver.url("/once")));
    assert!(again.contains(&format!(r#"<tr id="endpoint-{id}">"#)));
    assert!(
        !again.contains(&secret[6..]),
        "the secret is not shown again"
    );
    assert!(!again.contains("webhook-secret"));
    let stored: String = app
        .query(move |conn| {
            webhook_endpoints::table
                .find(id)
                .select(webhook_endpoints::secret)
                .first(conn)
        })
        .await;
    assert!(!stored.contains(&secret[6..]), "kept sealed, not as shown");
    // It signs what is sent.
    report_as(&app, "198.51.100.12", "/world/2026/12/once").await;
    assert_well_formed(&receiver.wait_for_event("report.created", |_| true).await);

    // Bad input: every field named, the input kept.
    let csrf = browser.csrf("/desk/webhooks").await;
    let response = browser
        .post(
            "/desk/webhooks",
            &[
                ("csrf", csrf.as_str()),
                ("url", "nowhere"),
                ("events", "report.deleted"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(
        html.contains(r#"id="url-error""#) && html.contains(r#"id="events-error""#),
        "{html}"
    );
    assert!(html.contains("report.deleted is not an event"));
    assert!(html.contains(r#"value="nowhere""#));
    let response = browser
        .post(
            "/desk/webhooks",
            &[("csrf", csrf.as_str()), ("url", &receiver.url("/x"))],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Choose at least one event")
    );
    // Without the form's token nothing is added.
    let response = browser
        .post(
            "/desk/webhooks",
            &[
                ("csrf", "forged"),
                ("url", &receiver.url("/x")),
                ("events", "report.created"),
            ],
        )
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let count: i64 = app
        .query(|conn| webhook_endpoints::table.count().get_result(conn))
        .await;
    assert_eq!(count, 1);

    // Editors who are not admins cannot see or change endpoints.
    app.editor("writer@example.com", Role::Editor, &["world"])
        .await;
    let mut editor = Browser::new(&app);
    assert_eq!(
        editor
            .sign_in("writer@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(editor.get("/desk/webhooks").await.status(), 403);
    let html = editor.get("/desk").await.text().await.expect("html");
    assert!(!html.contains(r#"href="/desk/webhooks""#));
}
