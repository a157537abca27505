//! Several instances on one database (issue 12, item 6): two `disinfo-desk serve` processes share
//! the database as two instances behind a load balancer would. A session made on one works on
//! the other, every report is stored once, every email and every webhook is delivered once, and a
//! routing change made on one is used by the other. On PostgreSQL (the documented set-up) and on SQLite.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, fresh_database_url, valid_report};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(30);

pub(crate) fn desk(database_url: &str, smtp_port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", database_url)
        .env("DESK__MAIL__TRANSPORT", "smtp")
        .env("DESK__MAIL__SMTP__HOST", "127.0.0.1")
        .env("DESK__MAIL__SMTP__PORT", smtp_port.to_string())
        .env("DESK__MAIL__SMTP__TLS", "none");
    command
}

/// One running `serve` process; killed when dropped.
pub(crate) struct Instance {
    pub(crate) address: String,
    child: Child,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(
    database_url: &str,
    smtp_port: u16,
    name: &str,
    log: &std::path::Path,
) -> Instance {
    let mut child = desk(database_url, smtp_port)
        .arg("serve")
        .env("DESK__SERVER__BIND", "127.0.0.1:0")
        .env("DESK__NOTIFY__INSTANCE_ID", name)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("reads the address line");
    // "disinfo-desk is serving on port 35757: open http://…/report"
    let port = line
        .split("serving on port ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| {
            panic!(
                "no port in {line:?}: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        });
    Instance {
        address: format!("http://127.0.0.1:{port}"),
        child,
    }
}

/// A browser whose cookies go to whichever instance it talks to (a load balancer without
/// sticky sessions).
struct Client {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Client {
    fn new() -> Self {
        Self {
            http: crate::helpers::http_client_builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
        }
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            if let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) {
                self.cookies.insert(name.trim().into(), value.into());
            }
        }
    }

    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, at: &Instance, path: &str) -> reqwest::Response {
        let response = self
            .http
            .get(format!("{}{path}", at.address))
            .header("Cookie", self.cookie())
            .send()
            .await
            .expect("sent");
        self.keep(&response);
        response
    }

    async fn post(
        &mut self,
        at: &Instance,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let response = self
            .http
            .post(format!("{}{path}", at.address))
            .header("Cookie", self.cookie())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_html_form::to_string(form).expect("form"))
            .send()
            .await
            .expect("sent");
        self.keep(&response);
        response
    }

    async fn csrf(&mut self, at: &Instance, path: &str) -> String {
        let html = self.get(at, path).await.text().await.expect("html");
        let marker = r#"name="csrf" value=""#;
        let start = html.find(marker).expect("a csrf field") + marker.len();
        html[start..start + html[start..].find('"').expect("closed")].to_string()
    }
}

#[tokio::test]
async fn two_instances_on_one_database_behave_as_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let database_url = fresh_database_url(dir.path());
    let sink = SmtpSink::start().await;

    let migrated = desk(&database_url, sink.port())
        .arg("migrate")
        .output()
        .expect("migrate runs");
    assert!(migrated.status.success(), "{migrated:?}");
    let mut add = desk(&database_url, sink.port())
        .args([
            "user",
            "add",
            "chief@example.com",
            "--name",
            "Chief",
            "--role",
            "admin",
        ])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add runs");
    writeln!(add.stdin.take().expect("stdin"), "{PASSWORD}").expect("password written");
    assert!(add.wait().expect("user add ends").success());

    let token_output = desk(&database_url, sink.port())
        .args([
            "token",
            "create",
            "--name",
            "instances test",
            "chief@example.com",
        ])
        .output()
        .expect("token create runs");
    assert!(token_output.status.success(), "{token_output:?}");
    let token = String::from_utf8_lossy(&token_output.stdout)
        .lines()
        .nth(1)
        .expect("the token on its own line")
        .trim()
        .to_string();

    // A webhook endpoint, registered as an operator would: each report's arrival goes to it.
    let receiver = crate::webhooks::Receiver::start().await;
    let added = desk(&database_url, sink.port())
        .args([
            "webhook",
            "add",
            &receiver.url("/instances"),
            "--event",
            "report.created",
        ])
        .output()
        .expect("webhook add runs");
    assert!(added.status.success(), "{added:?}");
    let secret = String::from_utf8_lossy(&added.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("secret: ").map(str::to_string))
        .expect("the secret printed");
    receiver.set_secret(&secret);

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

    // A session made on one instance works on the other.
    let mut editor = Client::new();
    let csrf = editor.csrf(&a, "/desk/login").await;
    let signed_in = editor
        .post(
            &a,
            "/desk/login",
            &[
                ("email", "chief@example.com"),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/desk"),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), 303, "signed in on A");
    let queue = editor.get(&b, "/desk").await;
    assert_eq!(queue.status(), 200, "the session from A is good on B");

    // Reports spread over both: each stored once, each acknowledged once.
    let reports = 24;
    let http = crate::helpers::http_client_builder()
        .build()
        .expect("client");
    let mut codes = Vec::new();
    for i in 0..reports {
        let at = if i % 2 == 0 { &a } else { &b };
        let mut report = valid_report();
        report["article_url"] = json!(format!(
            "https://www.example.com/world/2026/story-{}",
            i % 5
        ));
        report["reporter_email"] = json!(format!("reader{i}@example.org"));
        let response = http
            .post(format!("{}/api/v1/reports", at.address))
            .json(&report)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("json");
        codes.push(body["tracking_code"].as_str().expect("code").to_string());
    }
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), reports, "one tracking code per report");
    for (i, code) in codes.iter().enumerate() {
        // Each instance answers for reports taken by the other.
        let at = if i % 2 == 0 { &b } else { &a };
        let response = http
            .get(format!("{}/api/v1/reports/{code}", at.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{code}");
    }

    // Every acknowledgement reaches its reader exactly once, whichever worker sent it.
    let deadline = tokio::time::Instant::now() + WAIT;
    let acks = loop {
        let acks: Vec<_> = sink
            .messages()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r.starts_with("reader")))
            .collect();
        if acks.len() >= reports || tokio::time::Instant::now() > deadline {
            break acks;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut per_reader: HashMap<String, usize> = HashMap::new();
    for ack in &acks {
        for rcpt in &ack.rcpt_to {
            *per_reader.entry(rcpt.clone()).or_default() += 1;
        }
    }
    assert_eq!(
        per_reader.len(),
        reports,
        "every reader acknowledged: {per_reader:?}"
    );
    assert!(
        per_reader.values().all(|n| *n == 1),
        "none twice: {per_reader:?}"
    );
    // A moment more: nothing is sent a second time by the other instance.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut ids: Vec<String> = sink
        .messages()
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all, "no message delivered twice");

    // Every report's webhook arrived once, signed, whichever worker sent it.
    let webhooks = receiver.wait_for(reports).await;
    let mut per_report: HashMap<String, usize> = HashMap::new();
    for delivery in &webhooks {
        assert!(delivery.verified, "signed: {}", delivery.text());
        assert_eq!(delivery.kind(), "report.created");
        let code = delivery.json["data"]["report"]["tracking_code"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        *per_report.entry(code).or_default() += 1;
    }
    let mut expected = codes.clone();
    expected.sort();
    let mut delivered: Vec<String> = per_report.keys().cloned().collect();
    delivered.sort();
    assert_eq!(delivered, expected, "one webhook per report");
    assert!(
        per_report.values().all(|n| *n == 1),
        "none twice: {per_report:?}"
    );
    let mut webhook_ids: Vec<String> = webhooks.iter().map(|d| d.id.clone()).collect();
    webhook_ids.sort();
    webhook_ids.dedup();
    assert_eq!(webhook_ids.len(), reports, "one webhook-id each");

    // A routing rule added on A is used by B for the next report.
    let csrf = editor.csrf(&a, "/desk/admin/routing").await;
    let added = editor
        .post(
            &a,
            "/desk/admin/routing/rules",
            &[
                ("csrf", &csrf),
                ("desk", "politics"),
                ("path_prefix", "/culture/"),
                ("priority", "5"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303, "rule added on A");
    let mut report = valid_report();
    report["article_url"] = json!("https://www.example.com/culture/2026/museum");
    let response = http
        .post(format!("{}/api/v1/reports", b.address))
        .json(&report)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);
    let code = response.json::<Value>().await.expect("json")["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();
    let routed: Value = http
        .get(format!("{}/api/v1/desk/reports/{code}", b.address))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        routed["desk"],
        json!("politics"),
        "routed by the rule made on the other instance: {routed}"
    );
}

/// Instances started together on a new database migrate one after the other: every one
/// succeeds, and the schema is applied once.
#[tokio::test]
async fn instances_started_together_migrate_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let database_url = fresh_database_url(dir.path());
    let runs: Vec<_> = (0..3)
        .map(|_| {
            desk(&database_url, 25)
                .arg("migrate")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("migrate starts")
        })
        .collect();
    let outputs: Vec<_> = runs
        .into_iter()
        .map(|run| run.wait_with_output().expect("migrate ends"))
        .collect();
    for output in &outputs {
        assert!(output.status.success(), "{output:?}");
    }
    let check = desk(&database_url, 25)
        .arg("migrate")
        .output()
        .expect("migrate runs");
    assert!(check.status.success(), "{check:?}");
}
