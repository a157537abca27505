//! The mail gateway: `.eml` fixtures (tests/fixtures/mail) fed to the real binary's standard
//! input, as a mail server's pipe would; exit codes checked, the reports read back through the
//! editor API and the database.

use std::io::Write;
use std::process::{Command, Stdio};

use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{mail_messages, outbox, reports};
use serde_json::Value;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What one run of `disinfo-desk ingest-mail` answered.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ingest_with(database_url: &str, message: &[u8], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"));
    command
        .arg("ingest-mail")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "test")
        .env_remove("RUST_LOG")
        .env("DESK__DATABASE__URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let message = message.to_vec();
    // Written from a thread: a refusal may come before the whole message is read.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&message);
    });
    let output = child.wait_with_output().expect("runs");
    let _ = writer.join();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).trim().to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    }
}

fn ingest(app: &TestApp, message: &[u8]) -> Run {
    ingest_with(&app.database_url, message, &[])
}

/// Stored: exit 0 and a tracking code on stdout.
fn stored(app: &TestApp, message: &[u8]) -> String {
    let run = ingest(app, message);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout.len(), 13, "a tracking code: {:?}", run.stdout);
    run.stdout
}

async fn report(app: &TestApp, token: &str, code: &str) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/desk/reports/{code}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn report_count(app: &TestApp) -> i64 {
    app.query(|conn| reports::table.count().get_result(conn))
        .await
}

#[tokio::test]
async fn each_kind_of_message_becomes_the_report_it_describes() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;

    // Plain text: the link is the article, the sender the reporter, the signature left out.
    let code = stored(&app, &fixture("plain.eml"));
    let r = report(&app, &token, &code).await;
    assert_eq!(r["channel"], "email");
    assert_eq!(r["status"], "new");
    assert_eq!(r["category"], "other");
    assert_eq!(r["language"], "en");
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/world/2026/11/bridge-costs"
    );
    assert_eq!(r["desk"], "world", "routed as the form's reports are");
    let explanation = r["explanation"].as_str().expect("text");
    assert!(explanation.contains("30 million"), "{explanation}");
    assert!(
        !explanation.contains("ana.example.net"),
        "signature trimmed: {explanation}"
    );
    assert_eq!(r["reporter"]["email"], "ana@example.org", "{r}");
    assert_eq!(r["reporter"]["name"], "Ana Lima");
    assert_eq!(r["reporter"]["wants_outcome"], true);
    assert_eq!(r["evidence_urls"], serde_json::json!([]));

    // HTML only: the address behind a word, the text without tags, French detected.
    let r = report(&app, &token, &stored(&app, &fixture("html_only.eml"))).await;
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/politique/2026/11/elections-regionales"
    );
    assert_eq!(
        r["evidence_urls"],
        serde_json::json!(["https://prefecture.example.gouv.fr/calendrier"])
    );
    let explanation = r["explanation"].as_str().expect("text");
    assert!(explanation.contains("14 décembre"), "{explanation}");
    assert!(!explanation.contains("<p>"), "{explanation}");
    assert_eq!(r["language"], "fr");

    // Multipart with an attachment: the text part is the report, the attachment is not text.
    let r = report(
        &app,
        &token,
        &stored(&app, &fixture("multipart_attachment.eml")),
    )
    .await;
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/world/2026/11/flood-figures"
    );
    assert!(
        !r["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("PDF")
    );

    // GB2312 in base64, with an encoded sender name and subject.
    let r = report(&app, &token, &stored(&app, &fixture("gb2312_base64.eml"))).await;
    assert!(
        r["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("大坝于二零一五年建成"),
        "{r}"
    );
    assert_eq!(r["language"], "zh-Hans");
    assert_eq!(r["reporter"]["name"], "李明");
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/china/2026/11/river-dam"
    );

    // windows-1252 in quoted-printable: curly apostrophes, accents and no-break spaces.
    let r = report(&app, &token, &stored(&app, &fixture("windows1252_qp.eml"))).await;
    let explanation = r["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("L\u{2019}article"), "{explanation}");
    assert!(explanation.contains("augmenté"), "{explanation}");
    assert_eq!(r["reporter"]["name"], "Céline Martin");
    assert_eq!(r["language"], "fr");

    // Quoted-printable that breaks the link over two lines.
    let r = report(
        &app,
        &token,
        &stored(&app, &fixture("quoted_printable_link.eml")),
    )
    .await;
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/politics/2026/11/minister-interview"
    );
    assert!(r["explanation"].as_str().unwrap_or_default().contains("–"));

    // A forwarded article link: the mobile host and the tracking parameter fold away.
    let r = report(&app, &token, &stored(&app, &fixture("forwarded.eml"))).await;
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/mundo/2026/11/incendio-forestal"
    );
    assert_eq!(r["language"], "es", "the writer's own words decide");
    assert!(
        r["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("Forwarded message"),
        "the forwarded part is what is reported"
    );

    // Several links: the first on the publisher's hosts is the article, the others evidence.
    let r = report(&app, &token, &stored(&app, &fixture("several_links.eml"))).await;
    assert_eq!(
        r["article"]["canonical_url"],
        "https://www.example.com/business/2026/11/jobs-report"
    );
    assert_eq!(
        r["evidence_urls"],
        serde_json::json!([
            "https://stats.example.gov/unemployment/2026",
            "https://archive.example.org/web/2026/chart.png",
            "https://www.example.com/business/2026/10/older-jobs-report"
        ])
    );

    // The raw message is kept with the report, for the editors.
    let kept: Vec<(String, bool)> = app
        .query(|conn| {
            mail_messages::table
                .order(mail_messages::id.asc())
                .select((mail_messages::outcome, mail_messages::raw.is_not_null()))
                .load(conn)
        })
        .await;
    assert_eq!(kept.len(), 8);
    assert!(
        kept.iter()
            .all(|(outcome, raw)| outcome == "report" && *raw)
    );
}

#[tokio::test]
async fn a_message_without_an_article_address_waits_for_an_editor_to_complete_it() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let first = stored(&app, &fixture("plain.eml"));
    let code = stored(&app, &fixture("no_link.eml"));
    let r = report(&app, &token, &code).await;
    assert_eq!(r["status"], "needs_url");
    assert_eq!(r["channel"], "email");
    assert_eq!(r["language"], "ru");
    assert!(
        r["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("избирателей")
    );

    // The reader sees it received, with what is missing, in their language.
    let public: Value = app
        .client
        .get(app.url(&format!("/api/v1/reports/{code}?lang=en")))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(public["status"], "needs_url");
    assert_eq!(
        public["public_status"],
        "Received — we need the article's address"
    );
    assert_eq!(public["article"]["canonical_url"], "");
    let page = app
        .get(&format!("/status/{code}?lang=ru"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Получено — нужен адрес статьи"), "{page}");
    assert!(!page.contains("urn:"), "no placeholder shown to readers");
    // ...and the acknowledgement asks for the link.
    let for_ack = code.clone();
    let ack_asks = app
        .query(move |conn| {
            outbox::table
                .inner_join(reports::table.on(outbox::report_id.eq(reports::id.nullable())))
                .filter(reports::tracking_code.eq(for_ack))
                .select(outbox::kind)
                .load::<String>(conn)
        })
        .await;
    assert_eq!(
        ack_asks,
        vec!["report_ack"],
        "acknowledged, no desk alert yet"
    );

    // It is not in the article queue.
    let queue: Value = app
        .client
        .get(app.url("/api/v1/desk/articles"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let listed: Vec<&str> = queue["articles"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["canonical_url"].as_str())
        .collect();
    assert_eq!(
        listed,
        vec!["https://www.example.com/world/2026/11/bridge-costs"]
    );

    // An editor completes the address in the dashboard: a bad one is refused beside the field,
    // with what was typed kept.
    let mut browser = Browser::new(&app);
    browser.sign_in("chief@example.com", PASSWORD).await;
    let page_path = format!("/desk/reports/{code}");
    let page = browser.get(&page_path).await.text().await.expect("page");
    assert!(page.contains(&format!("action=\"/desk/reports/{code}/article\"")));
    let csrf = browser.csrf(&page_path).await;
    let refused = browser
        .post(
            &format!("/desk/reports/{code}/article"),
            &[
                ("csrf", &csrf),
                ("article_url", "https://elsewhere.example.net/x"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("page");
    assert!(html.contains("id=\"article_url-error\""), "{html}");
    assert!(html.contains("value=\"https://elsewhere.example.net/x\""));

    let done = browser
        .post(
            &format!("/desk/reports/{code}/article"),
            &[
                ("csrf", &csrf),
                (
                    "article_url",
                    "https://m.example.com/world/2026/11/bridge-costs?utm_source=x",
                ),
            ],
        )
        .await;
    assert_eq!(done.status(), 303);
    let r = report(&app, &token, &code).await;
    assert_eq!(r["status"], "new");
    assert_eq!(
        r["article"]["canonical_url"], "https://www.example.com/world/2026/11/bridge-costs",
        "canonicalised"
    );
    assert_eq!(r["article"]["report_count"], 2, "grouped with {first}");
    assert_eq!(r["desk"], "world", "routed");
    let events: Vec<&str> = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(events.contains(&"address_completed"), "{events:?}");

    // Only a report waiting for its address can be completed.
    let again = app
        .client
        .post(app.url(&format!("/api/v1/desk/reports/{code}/article")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"article_url": "https://www.example.com/world/other"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn the_editor_api_completes_an_address_too() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let code = stored(&app, &fixture("no_link.eml"));
    let send = |url: &'static str| {
        app.client
            .post(app.url(&format!("/api/v1/desk/reports/{code}/article")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "article_url": url }))
            .send()
    };
    let refused = send("not a link").await.expect("sent");
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.expect("json");
    assert!(body["fields"]["article_url"].is_array(), "{body}");
    let done = send("https://www.example.com/politics/2026/11/council-vote")
        .await
        .expect("sent");
    assert_eq!(done.status(), 200);
    let body: Value = done.json().await.expect("json");
    assert_eq!(body["status"], "new");
    assert_eq!(body["desk"], "politics");
}

#[tokio::test]
async fn a_reply_to_our_acknowledgement_joins_the_report_timeline() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let code = stored(&app, &fixture("plain.eml"));
    let for_ack = code.clone();
    let ack: String = app
        .query(move |conn| {
            outbox::table
                .inner_join(reports::table.on(outbox::report_id.eq(reports::id.nullable())))
                .filter(reports::tracking_code.eq(for_ack))
                .filter(outbox::kind.eq("report_ack"))
                .select(outbox::message_id)
                .first(conn)
        })
        .await;
    // Our Message-IDs are <token@the From address's domain>.
    let reply = String::from_utf8(fixture("reply_to_ack.eml"))
        .expect("ascii")
        .replace("{{ACK_MESSAGE_ID}}", &format!("{ack}@example.com"));
    let before = report_count(&app).await;
    let run = ingest(&app, reply.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, code, "the report it answers");
    assert_eq!(report_count(&app).await, before, "not a new report");

    let r = report(&app, &token, &code).await;
    let comment = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "reader_comment")
        .cloned()
        .expect("a reader comment");
    assert_eq!(
        comment["actor"], "reporter",
        "from the address the report holds"
    );
    let words = comment["note"].as_str().unwrap_or_default();
    assert!(words.contains("photo caption"), "{words}");
    assert!(
        !words.contains("Our editors will review"),
        "quote trimmed: {words}"
    );
    // The desk is alerted (without the reader's words).
    let for_alert = code.clone();
    let alerts: Vec<String> = app
        .query(move |conn| {
            outbox::table
                .inner_join(reports::table.on(outbox::report_id.eq(reports::id.nullable())))
                .filter(reports::tracking_code.eq(for_alert))
                .filter(outbox::kind.eq("reader_reply"))
                .select(outbox::recipients)
                .load(conn)
        })
        .await;
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].contains("world-editor@example.com"), "{alerts:?}");

    // The dashboard shows it on the report's page, as the reporter's words.
    let mut browser = Browser::new(&app);
    browser.sign_in("chief@example.com", PASSWORD).await;
    let page = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Received by email:"), "{page}");
    assert!(page.contains("photo caption"));
    assert!(page.contains("Received emails"));
    let raw = browser
        .get(&format!("/desk/reports/{code}/mail/1"))
        .await
        .text()
        .await
        .expect("raw");
    assert!(
        raw.contains("Message-ID: <plain-1@mail.example.org>"),
        "{raw}"
    );

    // An editor answering the desk's alert is not the reporter writing back.
    let for_alert = code.clone();
    let alert: String = app
        .query(move |conn| {
            outbox::table
                .inner_join(reports::table.on(outbox::report_id.eq(reports::id.nullable())))
                .filter(reports::tracking_code.eq(for_alert))
                .filter(outbox::kind.eq("desk_alert"))
                .select(outbox::message_id)
                .first(conn)
        })
        .await;
    let editor_reply = format!(
        "From: World Editor <world-editor@example.com>\r\nTo: corrections@example.com\r\nSubject: Re: [World desk] new report\r\nMessage-ID: <ed-1@example.com>\r\nIn-Reply-To: <{alert}@example.com>\r\n\r\nI will look at https://www.example.com/world/2026/11/bridge-costs today.\r\n"
    );
    let run = ingest(&app, editor_reply.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("ignored:"), "{}", run.stdout);

    // A tracking code in the subject threads too, whatever the headers say.
    let by_subject = format!(
        "From: Ana Lima <ana@example.org>\r\nTo: corrections@example.com\r\nSubject: Re: report {code}\r\nMessage-ID: <subject-1@mail.example.org>\r\n\r\nAnd the date in the second paragraph is wrong as well.\r\n"
    );
    let run = ingest(&app, by_subject.as_bytes());
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, code.as_str()),
        "{}",
        run.stderr
    );
    let r = report(&app, &token, &code).await;
    let comments = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "reader_comment")
        .count();
    assert_eq!(comments, 2);
    assert_eq!(report_count(&app).await, before);
}

#[tokio::test]
async fn automatic_mail_and_our_own_messages_are_logged_not_stored() {
    let app = spawn_app().await;
    for (name, reason) in [
        ("auto_reply.eml", "Auto-Submitted"),
        ("bounce.eml", "bounce"),
    ] {
        let run = ingest(&app, &fixture(name));
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(
            run.stdout.starts_with("ignored: ") && run.stdout.contains(reason),
            "{name}: {}",
            run.stdout
        );
    }
    let plain = String::from_utf8(fixture("plain.eml")).expect("ascii");
    for (header, reason) in [
        ("Precedence: bulk", "Precedence"),
        ("Precedence: list", "Precedence"),
        ("List-Id: <readers.lists.example.org>", "List-Id"),
        ("X-Autoreply: yes", "auto-reply"),
    ] {
        let message = plain.replacen("MIME-Version", &format!("{header}\r\nMIME-Version"), 1);
        let run = ingest(&app, message.as_bytes());
        assert_eq!(run.code, 0, "{header}");
        assert!(run.stdout.contains(reason), "{header}: {}", run.stdout);
    }
    let daemon = plain.replace("Ana Lima <ana@example.org>", "postmaster@example.org");
    assert!(
        ingest(&app, daemon.as_bytes())
            .stdout
            .starts_with("ignored:")
    );
    // Our own message coming back (a forwarding loop): its Message-ID is one we sent.
    let code = stored(&app, &fixture("plain.eml"));
    let ack: String = app
        .query(move |conn| {
            outbox::table
                .inner_join(reports::table.on(outbox::report_id.eq(reports::id.nullable())))
                .filter(reports::tracking_code.eq(code))
                .select(outbox::message_id)
                .first(conn)
        })
        .await;
    let looped = format!(
        "From: Someone <someone@example.org>\r\nTo: corrections@example.com\r\nSubject: We received your report\r\nMessage-ID: <{ack}@example.com>\r\n\r\nThank you for your report.\r\n"
    );
    let run = ingest(&app, looped.as_bytes());
    assert!(run.stdout.contains("our own messages"), "{}", run.stdout);
    let from_us = plain.replace(
        "Ana Lima <ana@example.org>",
        "Desk <corrections@example.com>",
    );
    assert!(
        ingest(&app, from_us.as_bytes())
            .stdout
            .contains("our own address")
    );

    assert_eq!(report_count(&app).await, 1, "only the real report");
    let ignored: i64 = app
        .query(|conn| {
            mail_messages::table
                .filter(mail_messages::outcome.eq("ignored"))
                .filter(mail_messages::reason.is_not_null())
                .count()
                .get_result(conn)
        })
        .await;
    assert_eq!(ignored, 9, "each is logged with its reason");
}

#[tokio::test]
async fn exit_codes_follow_sysexits() {
    let app = spawn_app().await;
    // Too large: refused with the reason (the mail server bounces it), its header kept.
    let run = ingest_with(
        &app.database_url,
        &fixture("oversized.eml"),
        &[("DESK__MAIL_INTAKE__MAX_MESSAGE_BYTES", "8192")],
    );
    assert_eq!(run.code, 65, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("8192 bytes"), "{}", run.stderr);
    let refused: Vec<(i64, Option<Vec<u8>>)> = app
        .query(|conn| {
            mail_messages::table
                .filter(mail_messages::outcome.eq("refused"))
                .select((mail_messages::size_bytes, mail_messages::raw))
                .load(conn)
        })
        .await;
    assert_eq!(refused.len(), 1);
    assert!(refused[0].0 > 8192);
    let head = String::from_utf8_lossy(refused[0].1.as_deref().unwrap_or_default()).into_owned();
    assert!(
        head.contains("Subject: Scans of the archive") && !head.contains("AAAA"),
        "{head}"
    );

    // Not a message at all.
    let run = ingest(&app, b"just some words, no headers\n");
    assert_eq!(run.code, 65, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
    assert_eq!(ingest(&app, b"").code, 65);

    // The database is unavailable: try again later.
    let run = ingest_with(
        "postgres://desk@127.0.0.1:1/desk",
        &fixture("plain.eml"),
        &[],
    );
    assert_eq!(run.code, 75, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("database"), "{}", run.stderr);

    // A bad configuration.
    let run = ingest_with(
        &app.database_url,
        &fixture("plain.eml"),
        &[("DESK__MAIL_INTAKE__MAX_MESSAGE_BYTES", "12")],
    );
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(run.stderr.contains("max_message_bytes"), "{}", run.stderr);
    let run = ingest_with(
        &app.database_url,
        &fixture("plain.eml"),
        &[("DESK__ROUTING__FILE", "config/no-such-routing.toml")],
    );
    assert_eq!(run.code, 78, "{}", run.stderr);

    assert_eq!(report_count(&app).await, 0);
}

#[tokio::test]
async fn a_retried_delivery_is_stored_once_and_a_flood_is_deferred() {
    let app = spawn_app().await;
    let first = stored(&app, &fixture("plain.eml"));
    // The mail server delivers the same message again (it missed our exit code).
    assert_eq!(stored(&app, &fixture("plain.eml")), first);
    assert_eq!(report_count(&app).await, 1);

    let limit = [("DESK__MAIL_INTAKE__SENDER_PER_HOUR", "3")];
    let plain = String::from_utf8(fixture("plain.eml")).expect("ascii");
    for n in 2..=3 {
        let message = plain.replace("plain-1@", &format!("plain-{n}@"));
        let run = ingest_with(&app.database_url, message.as_bytes(), &limit);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let message = plain.replace("plain-1@", "plain-4@");
    let run = ingest_with(&app.database_url, message.as_bytes(), &limit);
    assert_eq!(run.code, 75, "deferred, not lost: {}", run.stdout);
    assert!(
        run.stderr.contains("3 messages in the last hour"),
        "{}",
        run.stderr
    );
    // Another sender is not held back.
    let other = message.replace("ana@example.org", "bea@example.org");
    assert_eq!(
        ingest_with(&app.database_url, other.as_bytes(), &limit).code,
        0
    );
    assert_eq!(report_count(&app).await, 4);
}

#[tokio::test]
async fn the_same_message_delivered_at_the_same_instant_is_stored_once() {
    let app = spawn_app().await;
    let message = fixture("plain.eml");
    // Several deliveries race: each checks for an earlier copy before any has committed.
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| ingest(&app, &message)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("ingest thread"))
            .collect()
    });
    // A delivery may be deferred (75: SQLite's file lock was busy); the mail server then
    // delivers it again, as here.
    let runs: Vec<Run> = runs
        .into_iter()
        .map(|mut run| {
            for _ in 0..5 {
                if run.code != 75 {
                    break;
                }
                run = ingest(&app, &message);
            }
            run
        })
        .collect();
    for run in &runs {
        assert_eq!(
            run.code, 0,
            "every delivery is answered as stored: {}",
            run.stderr
        );
    }
    let first = &runs[0].stdout;
    assert!(
        runs.iter().all(|run| &run.stdout == first),
        "one tracking code for every copy: {:?}",
        runs.iter().map(|r| r.stdout.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(report_count(&app).await, 1);
}

async fn raw_kept(app: &TestApp) -> i64 {
    app.query(|conn| {
        mail_messages::table
            .filter(mail_messages::raw.is_not_null())
            .count()
            .get_result::<i64>(conn)
    })
    .await
}

#[tokio::test]
async fn raw_messages_are_purged_after_their_retention_and_erased_with_the_reporter_data() {
    let app = spawn_app().await;
    let code = stored(&app, &fixture("plain.eml"));
    stored(&app, &fixture("html_only.eml"));
    assert_eq!(raw_kept(&app).await, 2);

    // The reporter erases their data: the raw email of that report goes with it.
    let erased = disinfo_desk::privacy::service::erase(
        &app.db,
        disinfo_desk::reports::TrackingCode::parse(&code).expect("code"),
    )
    .await
    .expect("erased");
    assert!(erased);
    assert_eq!(raw_kept(&app).await, 1);

    // The purge: before the retention nothing goes; after it, the raw bytes do, the record stays.
    let settings = crate::helpers::test_settings();
    let now = disinfo_desk::storage::now();
    let counts = disinfo_desk::privacy::service::purge_at(&app.db, &settings, now).expect("purge");
    assert_eq!(counts.raw_emails, 0);
    let later =
        now + chrono::Duration::days(i64::from(settings.mail_intake.raw_retention_days) + 1);
    let counts =
        disinfo_desk::privacy::service::purge_at(&app.db, &settings, later).expect("purge");
    assert_eq!(counts.raw_emails, 1);
    assert_eq!(raw_kept(&app).await, 0);
    let rows: i64 = app
        .query(|conn| mail_messages::table.count().get_result(conn))
        .await;
    assert_eq!(rows, 2, "what arrived and what became of it is kept");
}

#[tokio::test]
async fn a_report_without_an_address_can_be_closed_but_not_reopened_into_no_article() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let code = stored(&app, &fixture("no_link.eml"));
    let move_to = |to: &'static str| {
        app.client
            .post(app.url(&format!("/api/v1/desk/reports/{code}/transition")))
            .bearer_auth(&token)
            .json(
                &serde_json::json!({ "to": to, "internal_note": "no article named; asked twice" }),
            )
            .send()
    };
    assert_eq!(move_to("triaged").await.expect("sent").status(), 409);
    assert_eq!(move_to("rejected").await.expect("sent").status(), 200);
    assert_eq!(report(&app, &token, &code).await["status"], "rejected");
    assert_eq!(move_to("reopened").await.expect("sent").status(), 409);
    // Nor does the report page offer what would be refused: it has no decision form left.
    let mut browser = Browser::new(&app);
    browser.sign_in("chief@example.com", PASSWORD).await;
    let page = browser
        .get(&format!("/desk/reports/{code}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&code), "the report page");
    assert!(!page.contains(r#"value="reopened""#), "{page}");
    assert!(!page.contains(&format!(r#"action="/desk/reports/{code}/transition""#)));
}

#[tokio::test]
async fn admins_see_every_received_email_stored_or_not() {
    let app = spawn_app().await;
    app.editor("chief@example.com", Role::Admin, &[]).await;
    app.editor("world@example.com", Role::Editor, &["world"])
        .await;
    let code = stored(&app, &fixture("plain.eml"));
    ingest(&app, &fixture("bounce.eml"));
    let refused = ingest_with(
        &app.database_url,
        &fixture("oversized.eml"),
        &[("DESK__MAIL_INTAKE__MAX_MESSAGE_BYTES", "8192")],
    );
    assert_eq!(refused.code, 65);

    let mut editor = Browser::new(&app);
    editor.sign_in("world@example.com", PASSWORD).await;
    assert_eq!(editor.get("/desk/mail").await.status(), 403);

    let mut admin = Browser::new(&app);
    admin.sign_in("chief@example.com", PASSWORD).await;
    let page = admin.get("/desk/mail").await.text().await.expect("page");
    assert!(
        page.contains(&format!("href=\"/desk/reports/{code}\"")),
        "{page}"
    );
    assert!(page.contains("data-outcome=\"ignored\""));
    assert!(page.contains("data-outcome=\"refused\""));
    assert!(page.contains("more than the 8192 bytes"), "{page}");
    let raw = admin.get("/desk/mail/3").await.text().await.expect("raw");
    assert!(raw.contains("Subject: Scans of the archive"), "{raw}");
    assert_eq!(editor.get("/desk/mail/3").await.status(), 403);
}
