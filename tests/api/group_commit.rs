//! Group commit (SQLite) through real HTTP: the writes queued at one moment share one transaction,
//! a savepoint each. A failing request gets its own error while the others commit; a failed COMMIT
//! answers 503 to the whole batch and stores none; a full queue answers 503 at once; one
//! Idempotency-Key twice in one batch makes one report; the status counts kept by the same
//! transactions equal a recount after any sequence of intake and decisions.
//!
//! To put several requests into one batch the test first occupies the writer with a write of its
//! own (`Hold`), sends the requests one after another, waiting each time until the writer's queue
//! holds it, and then lets the writer go: they are taken together, in that order. On PostgreSQL
//! the holding write (one that runs once) has a pooled connection, not a writer thread, so the
//! same requests are sent at once and must give the same answers; there intakes are batched by
//! several writer threads at once, which the last test puts under crossing articles.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{articles, reports};
use disinfo_desk::storage::{Backend, StorageError};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, valid_report};

/// No outbox worker: its own writes would queue among the test's and make the batches other
/// than the test arranges.
fn quiet(settings: &mut disinfo_desk::config::Settings) {
    // No background writes (the outbox worker, the response-target sweep) beside the test's own:
    // they would take places in the queue the tests count.
    settings.notify.worker = false;
    settings.targets.sweep_interval_secs = 3600;
}

/// `write_blocking` calls made by `Application::build` (see `Hold::writer`).
const STARTUP_TURNS: u64 = 3;

/// The writer, occupied by a write that waits until this is dropped (SQLite; nothing on PostgreSQL).
struct Hold {
    release: Option<std::sync::mpsc::SyncSender<()>>,
    held: Option<tokio::task::JoinHandle<()>>,
}

impl Hold {
    /// `inside` runs in the holding write, on the writer's own connection.
    async fn writer(app: &TestApp, inside: fn(&mut disinfo_desk::storage::DbConn)) -> Self {
        if app.db.backend() == Backend::Postgres {
            return Self {
                release: None,
                held: None,
            };
        }
        // Start-up takes three exclusive turns: the word index's backlog, the routing sync and,
        // spawned once the server runs, the first purge. A turn queued among the test's writes
        // would end the batch the test arranges before its last write, so all three go first.
        let deadline = Instant::now() + Duration::from_secs(60);
        while app.db.writer_stats().exclusive_turns < STARTUP_TURNS {
            assert!(Instant::now() < deadline, "the start-up purge never ran");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let (entered_tx, entered) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::sync_channel::<()>(0);
        let db = app.db.clone();
        let held = tokio::spawn(async move {
            db.write(move |conn| {
                inside(conn);
                let _ = entered_tx.send(());
                let _ = released.recv();
                Ok::<_, StorageError>(())
            })
            .await
            .expect("the holding write commits");
        });
        tokio::task::spawn_blocking(move || entered.recv())
            .await
            .expect("joins")
            .expect("the writer took the holding write");
        Self {
            release: Some(release),
            held: Some(held),
        }
    }

    /// Waits until `n` writes wait behind the holding one (at once on PostgreSQL).
    async fn until_queued(&self, app: &TestApp, n: u64) {
        if self.release.is_none() {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while app.db.writer_stats().queued < n {
            assert!(Instant::now() < deadline, "{n} writes never queued");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn release(mut self) {
        self.release.take();
        if let Some(held) = self.held.take() {
            held.await.expect("joins");
        }
    }
}

/// Sends `request` in the background; on SQLite waits until its write is the `n`th queued.
async fn queue(
    app: &TestApp,
    hold: &Hold,
    n: u64,
    request: reqwest::RequestBuilder,
) -> tokio::task::JoinHandle<(u16, Option<String>, Value)> {
    let sent = tokio::spawn(async move {
        let response = request.send().await.expect("sent");
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (
            status,
            retry_after,
            response.json().await.unwrap_or(Value::Null),
        )
    });
    hold.until_queued(app, n).await;
    sent
}

fn post_report(app: &TestApp, body: &Value, key: Option<&str>) -> reqwest::RequestBuilder {
    let mut request = app.client.post(app.url("/api/v1/reports")).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request
}

fn report_on(path: &str) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(format!("https://www.example.com{path}"));
    report
}

async fn stored_codes(app: &TestApp) -> Vec<String> {
    app.query(|conn| {
        reports::table
            .order(reports::id.asc())
            .select(reports::tracking_code)
            .load(conn)
    })
    .await
}

#[tokio::test]
async fn a_failing_request_in_a_batch_gets_its_own_error_and_the_others_commit() {
    let app = spawn_app_with(quiet).await;
    let token = app.editor("ed@example.com", Role::Editor, &["world"]).await;
    // Stored before: a key used once, and a report an editor will try to move illegally.
    let first = post_report(&app, &report_on("/world/keyed"), Some("key-1"))
        .send()
        .await
        .expect("sent");
    assert_eq!(first.status(), 201);
    let decided: Value = post_report(&app, &report_on("/world/decided"), None)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let decided = decided["tracking_code"].as_str().expect("code").to_string();

    let hold = Hold::writer(&app, |_| {}).await;
    let before = app.db.writer_stats();
    let a = queue(
        &app,
        &hold,
        1,
        post_report(&app, &report_on("/world/a"), None),
    )
    .await;
    // The same key with another body: refused inside the transaction, nothing stored.
    let reused = queue(
        &app,
        &hold,
        2,
        post_report(&app, &report_on("/world/b-other-body"), Some("key-1")),
    )
    .await;
    // new → reopened is not a move the lifecycle allows.
    let illegal = queue(
        &app,
        &hold,
        3,
        app.client
            .post(app.url(&format!("/api/v1/desk/reports/{decided}/transition")))
            .bearer_auth(&token)
            .json(&json!({"to": "reopened", "internal_note": "try"})),
    )
    .await;
    let d = queue(
        &app,
        &hold,
        4,
        post_report(&app, &report_on("/world/d"), None),
    )
    .await;
    hold.release().await;

    let (status, _, a) = a.await.expect("joins");
    assert_eq!(status, 201, "{a}");
    let (status, _, body) = reused.await.expect("joins");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "idempotency_key_reused");
    let (status, _, body) = illegal.await.expect("joins");
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "illegal_transition");
    let (status, _, d) = d.await.expect("joins");
    assert_eq!(status, 201, "{d}");

    let codes = stored_codes(&app).await;
    assert_eq!(codes.len(), 4, "the two before and the two good ones");
    assert!(codes.contains(&a["tracking_code"].as_str().expect("a").to_string()));
    assert!(codes.contains(&d["tracking_code"].as_str().expect("d").to_string()));
    let other_body: i64 = app
        .query(|conn| {
            articles::table
                .filter(articles::canonical_url.like("%other-body%"))
                .count()
                .get_result(conn)
        })
        .await;
    assert_eq!(
        other_body, 0,
        "the refused request stored nothing, not even its article"
    );
    let status: String = app
        .query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(decided))
                .select(reports::status)
                .first(conn)
        })
        .await;
    assert_eq!(status, "new");
    // The batch the test arranged (SQLite: on PostgreSQL the requests went at once).
    if app.db.backend() == Backend::Sqlite {
        let after = app.db.writer_stats();
        assert!(after.largest_batch >= 4, "{after:?}");
        assert_eq!(after.failed_batches, before.failed_batches);
    }
}

/// A batch of intakes only runs without a savepoint each (intake can run again from the start);
/// one that fails in the middle (a reused Idempotency-Key, refused after the key's lookup) makes
/// the writer roll the batch back and run it again with savepoints: the same answers as in a
/// batch that had them from the start, each good report stored once.
#[tokio::test]
async fn a_failing_intake_in_a_batch_of_intakes_gets_its_own_error_and_the_others_commit_once() {
    let app = spawn_app_with(quiet).await;
    let first = post_report(&app, &report_on("/world/keyed"), Some("key-1"))
        .send()
        .await
        .expect("sent");
    assert_eq!(first.status(), 201);

    let hold = Hold::writer(&app, |_| {}).await;
    let before = app.db.writer_stats();
    let a = queue(
        &app,
        &hold,
        1,
        post_report(&app, &report_on("/world/a"), None),
    )
    .await;
    let reused = queue(
        &app,
        &hold,
        2,
        post_report(&app, &report_on("/world/b-other-body"), Some("key-1")),
    )
    .await;
    let c = queue(
        &app,
        &hold,
        3,
        post_report(&app, &report_on("/world/c"), Some("key-2")),
    )
    .await;
    hold.release().await;

    let (status, _, a) = a.await.expect("joins");
    assert_eq!(status, 201, "{a}");
    let (status, _, body) = reused.await.expect("joins");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "idempotency_key_reused");
    let (status, _, c) = c.await.expect("joins");
    assert_eq!(status, 201, "{c}");

    let codes = stored_codes(&app).await;
    assert_eq!(
        codes.len(),
        3,
        "the one before and the two good ones, once each"
    );
    for stored in [&a, &c] {
        let code = stored["tracking_code"].as_str().expect("code").to_string();
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let articles: Vec<String> = app
        .query(|conn| {
            articles::table
                .order(articles::canonical_url.asc())
                .select(articles::canonical_url)
                .load(conn)
        })
        .await;
    assert_eq!(
        articles,
        [
            "https://www.example.com/world/a",
            "https://www.example.com/world/c",
            "https://www.example.com/world/keyed",
        ]
    );
    // The key of the good one was stored once with its answer: replayed, not stored again.
    let again = post_report(&app, &report_on("/world/c"), Some("key-2"))
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 201);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["tracking_code"], c["tracking_code"]);
    assert_eq!(stored_codes(&app).await.len(), 3);
    // The first pass's count additions went with its rollback: the rerun's alone were written.
    assert_eq!(kept_counts(&app).await, recount(&app).await);
    // The batch the test arranged (SQLite: on PostgreSQL the requests went at once).
    if app.db.backend() == Backend::Sqlite {
        let after = app.db.writer_stats();
        assert_eq!(
            after.batches_run_again - before.batches_run_again,
            1,
            "{after:?}"
        );
        assert!(after.batches_without_savepoints > before.batches_without_savepoints);
        assert_eq!(after.failed_batches, before.failed_batches);
    }
}

/// A COMMIT that fails (a deferred foreign key, checked only at COMMIT, broken by a write queued
/// last in the batch) answers 503 to every request of the batch and stores none of them; the next
/// batch commits. (A full disk, SQLite's `max_page_count`, is the unit test
/// `storage::tests::a_full_disk_fails_the_whole_batch`.)
#[tokio::test]
async fn a_failed_commit_answers_503_to_the_whole_batch_and_stores_none() {
    let app = spawn_app_with(quiet).await;
    if app.db.backend() == Backend::Postgres {
        eprintln!("skipped: PostgreSQL has no batches (each write commits on its own)");
        return;
    }
    let hold = Hold::writer(&app, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute(
            "CREATE TABLE test_parent (id INTEGER PRIMARY KEY NOT NULL); \
             CREATE TABLE test_child (id INTEGER PRIMARY KEY NOT NULL, parent_id INTEGER NOT NULL \
                 REFERENCES test_parent (id) DEFERRABLE INITIALLY DEFERRED)",
        )
        .expect("test tables");
    })
    .await;
    let first = queue(
        &app,
        &hold,
        1,
        post_report(&app, &report_on("/world/first"), None),
    )
    .await;
    let second = queue(
        &app,
        &hold,
        2,
        post_report(&app, &report_on("/world/second"), None),
    )
    .await;
    let third = queue(
        &app,
        &hold,
        3,
        post_report(&app, &report_on("/world/third"), None),
    )
    .await;
    let breaks_commit = {
        let db = app.db.clone();
        tokio::spawn(async move {
            db.write(|conn| {
                use diesel::connection::SimpleConnection;
                conn.batch_execute("INSERT INTO test_child (id, parent_id) VALUES (1, 404)")?;
                Ok::<_, StorageError>(())
            })
            .await
        })
    };
    hold.until_queued(&app, 4).await;
    hold.release().await;

    for (name, outcome) in [("first", first), ("second", second), ("third", third)] {
        let (status, retry_after, body) = outcome.await.expect("joins");
        assert_eq!(status, 503, "{name}: {body}");
        assert!(retry_after.is_some(), "{name}: Retry-After");
        assert_eq!(body["error"], "unavailable", "{name}");
    }
    assert!(matches!(
        breaks_commit.await.expect("joins"),
        Err(StorageError::BatchFailed(_))
    ));
    assert!(
        stored_codes(&app).await.is_empty(),
        "nothing of the batch was stored"
    );
    let articles: i64 = app
        .query(|conn| articles::table.count().get_result(conn))
        .await;
    assert_eq!(articles, 0);
    assert_eq!(app.db.writer_stats().failed_batches, 1);

    let response = post_report(&app, &report_on("/world/later"), None)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201, "the writer goes on");
    assert_eq!(stored_codes(&app).await.len(), 1);
}

#[tokio::test]
async fn a_full_write_queue_answers_503_with_retry_after_at_once() {
    let app = spawn_app_with(|s| {
        quiet(s);
        s.database.write_queue_max = 2;
    })
    .await;
    if app.db.backend() == Backend::Postgres {
        eprintln!("skipped: PostgreSQL writes do not queue in the instance");
        return;
    }
    let hold = Hold::writer(&app, |_| {}).await;
    // Several requests against a queue of two while the writer is held: the queue fills (with
    // them, or with a background write of the app's own), and whatever does not fit is refused.
    let senders: Vec<_> = (0..4)
        .map(|i| {
            let request = post_report(&app, &report_on(&format!("/world/queued-{i}")), None);
            tokio::spawn(async move {
                let response = request.send().await.expect("sent");
                (
                    response.status().as_u16(),
                    response.text().await.unwrap_or_default(),
                )
            })
        })
        .collect();
    hold.until_queued(&app, 2).await;
    // The queue is full and stays full while the writer is held: refused at once.
    let refused = post_report(&app, &report_on("/world/refused"), None)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 503);
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "unavailable");
    assert!(app.db.writer_stats().refused_full >= 1);
    hold.release().await;
    let mut accepted = 0;
    for sender in senders {
        let (status, body) = sender.await.expect("joins");
        assert!(status == 201 || status == 503, "{status}: {body}");
        accepted += usize::from(status == 201);
    }
    assert!(accepted >= 1, "the queued ones are answered");
    assert_eq!(
        stored_codes(&app).await.len(),
        accepted,
        "every accepted report is stored, no refused one is"
    );
}

#[tokio::test]
async fn one_idempotency_key_twice_in_one_batch_makes_one_report() {
    let app = spawn_app_with(quiet).await;
    let hold = Hold::writer(&app, |_| {}).await;
    let body = report_on("/world/twice");
    let first = queue(&app, &hold, 1, post_report(&app, &body, Some("twice-1"))).await;
    let second = queue(&app, &hold, 2, post_report(&app, &body, Some("twice-1"))).await;
    hold.release().await;
    let (status, _, first) = first.await.expect("joins");
    assert_eq!(status, 201, "{first}");
    let (status, _, second) = second.await.expect("joins");
    assert_eq!(status, 201, "{second}");
    assert_eq!(first["tracking_code"], second["tracking_code"]);
    assert_eq!(stored_codes(&app).await.len(), 1);
}

/// A small deterministic generator (xorshift), so that a failure can be replayed by its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// (desk id or 0, status) → reports, counted from the reports themselves.
pub(crate) async fn recount(app: &TestApp) -> BTreeMap<(i64, String), i64> {
    let rows: Vec<(Option<i64>, String, i64)> = app
        .query(|conn| {
            reports::table
                .group_by((reports::desk_id, reports::status))
                .select((reports::desk_id, reports::status, diesel::dsl::count_star()))
                .load(conn)
        })
        .await;
    rows.into_iter()
        .map(|(desk, status, n)| ((desk.unwrap_or(0), status), n))
        .collect()
}

pub(crate) async fn kept_counts(app: &TestApp) -> BTreeMap<(i64, String), i64> {
    let rows = app
        .query(disinfo_desk::reports::repo::counted_by_desk_and_status)
        .await;
    rows.into_iter()
        .map(|(desk, status, n)| ((desk, status), n))
        .collect()
}

/// Random sequences of intake and decisions (single moves, whole articles, some illegal or
/// refused, some sent at once) through the API: after each step the kept counts equal a recount,
/// and the dashboard's navigation shows them.
#[tokio::test]
async fn the_kept_status_counts_equal_a_recount_after_random_intake_and_decisions() {
    let app = spawn_app().await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    let paths = [
        "/world/2026/a",
        "/world/2026/b",
        "/politics/2026/c",
        "/science/2026/d",
        "/2026/e",
    ];
    let targets = [
        "triaged",
        "investigating",
        "corrected",
        "clarified",
        "no_error",
        "duplicate",
        "rejected",
        "spam",
        "reopened",
        "new",
    ];
    for seed in [0x9e37_79b9_7f4a_7c15_u64, 42, 7_777_777] {
        let mut rng = Rng(seed);
        let mut codes: Vec<String> = Vec::new();
        // Reports waiting for their article's address (emails without a link), completed later.
        let mail = String::from_utf8(crate::mail_intake::fixture("no_link.eml")).expect("utf-8");
        let mut waiting: Vec<String> = (0..2)
            .map(|i| {
                // A message of its own each time (the gateway takes one Message-ID once).
                let message = mail.replace("<nolink-1@", &format!("<nolink-{seed}-{i}@"));
                crate::mail_intake::stored(&app, message.as_bytes())
            })
            .collect();
        assert_eq!(
            kept_counts(&app).await,
            recount(&app).await,
            "seed {seed}: mail"
        );
        for step in 0..40 {
            let choice = rng.below(11);
            if choice == 10 && !waiting.is_empty() {
                let code = waiting.remove(0);
                let path = paths[rng.below(paths.len())];
                let response = app
                    .client
                    .post(app.url(&format!("/api/v1/desk/reports/{code}/article")))
                    .bearer_auth(&token)
                    .json(&json!({"article_url": format!("https://www.example.com{path}")}))
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(response.status(), 200, "seed {seed} step {step}");
                codes.push(code);
            } else if codes.is_empty() || choice < 4 {
                // Intake, sometimes several at once (one batch on SQLite).
                let n = 1 + rng.below(3);
                let sends: Vec<_> = (0..n)
                    .map(|_| {
                        let path = paths[rng.below(paths.len())];
                        post_report(&app, &report_on(path), None).send()
                    })
                    .collect();
                for response in futures_util::future::join_all(sends).await {
                    let response = response.expect("sent");
                    assert_eq!(response.status(), 201);
                    let body: Value = response.json().await.expect("json");
                    codes.push(body["tracking_code"].as_str().expect("code").to_string());
                }
            } else if choice < 9 {
                // One decision, legal or not, on one or two reports at once.
                let n = 1 + rng.below(2);
                let sends: Vec<_> = (0..n)
                    .map(|_| {
                        let code = &codes[rng.below(codes.len())];
                        let to = targets[rng.below(targets.len())];
                        let other = &codes[rng.below(codes.len())];
                        let mut body = json!({"to": to, "internal_note": "model test"});
                        if matches!(
                            to,
                            "corrected" | "clarified" | "no_error" | "duplicate" | "rejected"
                        ) {
                            body["public_note"] = json!("We looked into it.");
                        }
                        if matches!(to, "corrected" | "clarified") {
                            body["correction_url"] = json!("https://www.example.com/corrections/1");
                        }
                        if to == "duplicate" {
                            body["duplicate_of"] = json!(other);
                        }
                        app.client
                            .post(app.url(&format!("/api/v1/desk/reports/{code}/transition")))
                            .bearer_auth(&token)
                            .json(&body)
                            .send()
                    })
                    .collect();
                for response in futures_util::future::join_all(sends).await {
                    let status = response.expect("sent").status().as_u16();
                    assert!(
                        matches!(status, 200 | 409 | 422),
                        "seed {seed} step {step}: {status}"
                    );
                }
            } else {
                // A whole article.
                let code = codes[rng.below(codes.len())].clone();
                let article: i64 = app
                    .query(move |conn| {
                        reports::table
                            .filter(reports::tracking_code.eq(code))
                            .select(reports::article_id)
                            .first(conn)
                    })
                    .await;
                let response = app
                    .client
                    .post(app.url(&format!("/api/v1/desk/articles/{article}/resolve")))
                    .bearer_auth(&token)
                    .json(&json!({"outcome": "no_error", "public_note": "Checked: it is right."}))
                    .send()
                    .await
                    .expect("sent");
                assert!(
                    matches!(response.status().as_u16(), 200 | 409),
                    "{}",
                    response.status()
                );
            }
            assert_eq!(
                kept_counts(&app).await,
                recount(&app).await,
                "seed {seed} step {step}"
            );
        }
    }
}

/// Many intakes at once over a few articles, sent in a shuffled order, so that batches running at
/// the same time (PostgreSQL: four writer threads) each hold several of the same articles: every
/// report is stored with a 201 and no batch had to run again, as it would after a deadlock (a
/// batch that locked B then A while another locked A then B; batches run their intakes in the
/// order of their articles, and write the counts last). The kept counts equal a recount.
#[tokio::test]
async fn intakes_over_shared_articles_in_concurrent_batches_commit_without_a_deadlock() {
    use futures_util::StreamExt;

    let app = spawn_app_with(|settings| {
        quiet(settings);
        settings.limits.enabled = false;
        settings.database.write_threads_postgres = 4;
    })
    .await;
    let articles: Vec<String> = (0..6).map(|i| format!("/2026/hot-{i}")).collect();
    // 37 is prime to 240: i -> 37 i mod 240 is a permutation, which mixes the articles' turns.
    let bodies: Vec<Value> = (0..240)
        .map(|i| report_on(&articles[(i * 37 % 240) / 7 % articles.len()]))
        .collect();
    let statuses: Vec<u16> = futures_util::stream::iter(bodies)
        .map(|body| {
            let request = post_report(&app, &body, None);
            async move { request.send().await.expect("sent").status().as_u16() }
        })
        .buffer_unordered(48)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let stats = app.db.writer_stats();
    assert_eq!(stats.failed_batches, 0, "{stats:?}");
    assert_eq!(
        stats.batches_run_again, 0,
        "a batch was rolled back and run again: {stats:?}"
    );
    let stored: i64 = app
        .query(|conn| reports::table.count().get_result(conn))
        .await;
    assert_eq!(stored, 240);
    assert_eq!(kept_counts(&app).await, recount(&app).await);
}
