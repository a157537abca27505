//! Faults, nothing lost: a database that goes away, a connection cut mid-request, an instance that
//! crashed holding claims, and a graceful stop with sends in flight.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use diesel::prelude::*;
use disinfo_desk::config::Secret;
use disinfo_desk::storage::schema::outbox;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::helpers::{
    TestApp, TestBackend, backend, fresh_database_url, smtp_to, spawn_app_with, valid_report,
};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);

fn report_on(url: &str, email: &str) -> Value {
    let mut report = valid_report();
    report["article_url"] = json!(url);
    report["reporter_email"] = json!(email);
    report
}

async fn submit(app: &TestApp, report: &Value) {
    let response = app.post_report(report).await;
    assert_eq!(response.status(), 201);
}

/// (id, status, attempts, claimed_by) of every outbox row, by id.
type Row = (i64, String, i32, Option<String>);

async fn outbox_rows(app: &TestApp) -> Vec<Row> {
    app.query(|conn| {
        outbox::table
            .order(outbox::id.asc())
            .select((
                outbox::id,
                outbox::status,
                outbox::attempts,
                outbox::claimed_by,
            ))
            .load(conn)
    })
    .await
}

async fn wait_until(app: &TestApp, what: &str, done: impl Fn(&[Row]) -> bool) -> Vec<Row> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = outbox_rows(app).await;
        if done(&rows) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn skip_unless_postgres(test: &str) -> bool {
    if backend() != TestBackend::Postgres {
        eprintln!("{test}: needs PostgreSQL (DESK_TEST_BACKEND=postgres), skipped");
        return true;
    }
    false
}

/// A connection killed on the server while a report's transaction waits on a lock: libpq then
/// reports "no connection to the server" from the ROLLBACK, which must be a 503, not a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_killed_mid_request_answers_503_not_500() {
    if skip_unless_postgres("a_connection_killed_mid_request_answers_503_not_500") {
        return;
    }
    let app = spawn_app_with(|_| {}).await;
    submit(&app, &valid_report()).await;

    // Another session holds a lock the report's INSERT must wait for, inside its transaction.
    let url = app.database_url.clone();
    let mut locker = tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("locker connects");
        diesel::sql_query("BEGIN")
            .execute(&mut conn)
            .expect("begin");
        diesel::sql_query("LOCK TABLE reports IN EXCLUSIVE MODE")
            .execute(&mut conn)
            .expect("lock");
        conn
    })
    .await
    .expect("joins");

    let client = app.client.clone();
    let endpoint = app.url("/api/v1/reports");
    let mut report = valid_report();
    report["article_url"] = json!("https://www.example.com/world/cut-mid-request");
    let request = tokio::spawn(async move { client.post(endpoint).json(&report).send().await });

    let url = app.database_url.clone();
    let killed = tokio::task::spawn_blocking(move || {
        #[derive(QueryableByName)]
        struct Waiting {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            pid: i32,
        }
        let mut admin = PgConnection::establish(&url).expect("admin connects");
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let waiting: Vec<Waiting> = diesel::sql_query(
                "SELECT pid FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .load(&mut admin)
            .expect("pg_stat_activity");
            if let Some(w) = waiting.first() {
                diesel::sql_query(format!("SELECT pg_terminate_backend({})", w.pid))
                    .execute(&mut admin)
                    .expect("terminate");
                return w.pid;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the report's INSERT never waited on the lock"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .expect("joins");

    let response = request.await.expect("joins").expect("answered");
    assert_eq!(
        response.status(),
        503,
        "backend {killed} was killed mid-request: {:?}",
        response.text().await
    );

    tokio::task::spawn_blocking(move || {
        diesel::sql_query("ROLLBACK")
            .execute(&mut locker)
            .expect("unlock")
    })
    .await
    .expect("joins");
    // The pool replaced the broken connection.
    let mut again = valid_report();
    again["article_url"] = json!("https://www.example.com/world/after-the-cut");
    submit(&app, &again).await;
}

/// A TCP forwarder in front of PostgreSQL: stopping it is the database going away (open
/// connections cut, new ones refused), starting it again on the same port is its return.
struct DbProxy {
    port: u16,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl DbProxy {
    async fn start_on(port: u16, target: SocketAddr) -> DbProxy {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let listener = loop {
            let socket = TcpSocket::new_v4().expect("socket");
            socket.set_reuseaddr(true).expect("SO_REUSEADDR");
            match socket
                .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
                .and_then(|()| socket.listen(128))
            {
                Ok(listener) => break listener,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    eprintln!("proxy port {port} still busy ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("proxy cannot listen on {port}: {e}"),
            }
        };
        let port = listener.local_addr().expect("address").port();
        let (shutdown, stop) = watch::channel(false);
        let task = tokio::spawn(forward(listener, target, stop));
        DbProxy {
            port,
            shutdown,
            task,
        }
    }

    /// Closes the listener and every forwarded connection; returns the port.
    async fn stop(self) -> u16 {
        self.shutdown.send_replace(true);
        let _ = self.task.await;
        self.port
    }
}

async fn forward(listener: TcpListener, target: SocketAddr, mut stop: watch::Receiver<bool>) {
    // Dropping the set when the loop ends aborts the connections: both sockets close.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut client, _)) = accepted else { continue };
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
            _ = stop.changed() => return,
        }
    }
}

/// With the database gone, requests and /readyz answer 503 without waiting out the pool's
/// timeout, /readyz names the real cause, and the service recovers by itself when it returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_gone_requests_fail_fast_and_recover_by_themselves() {
    if skip_unless_postgres("with_the_database_gone_requests_fail_fast_and_recover_by_themselves") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut url = url::Url::parse(&fresh_database_url(dir.path())).expect("database URL");
    let target = SocketAddr::from((
        Ipv4Addr::LOCALHOST,
        url.port().expect("the test URL names its port"),
    ));
    let proxy = DbProxy::start_on(0, target).await;
    url.set_port(Some(proxy.port)).expect("port");
    let app = spawn_app_with(move |s| {
        s.database.url = Secret::new(url.to_string());
        // A long pool timeout: a request that waited it would be obvious.
        s.database.connect_timeout_secs = 30;
    })
    .await;
    let report = |i: usize| {
        let mut r = valid_report();
        r["article_url"] = json!(format!("https://www.example.com/world/outage-{i}"));
        r
    };
    submit(&app, &report(0)).await;
    assert_eq!(app.get("/readyz").await.status(), 200);

    let port = proxy.stop().await;
    for i in 1..=5 {
        let started = std::time::Instant::now();
        let response = app.post_report(&report(i)).await;
        assert_eq!(response.status(), 503, "request {i} with the database gone");
        assert!(response.headers().contains_key("retry-after"));
        // Far below the 30 s pool timeout; only tells "failed at once" from "waited it out".
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "request {i} waited {:?} for a connection that could not come",
            started.elapsed()
        );
    }
    let started = std::time::Instant::now();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(15));
    let body: Value = ready.json().await.expect("json");
    // It says what is wrong, and nothing an outsider could use: the cause, with the database's
    // host and port, is in the server's log.
    assert_eq!(body["reason"], "the database cannot be reached", "{body}");
    let reason = body.to_string();
    assert!(
        !reason.contains("127.0.0.1") && !reason.contains(&port.to_string()),
        "/readyz names no address: {body}"
    );

    let _proxy = DbProxy::start_on(port, target).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while app.get("/readyz").await.status() != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the service did not recover by itself once the database was back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    submit(&app, &report(6)).await;
}

/// Messages an instance had claimed when it crashed are sent as soon as it starts again (same
/// `notify.instance_id`), not after their lease; another instance's claims are left alone.
#[tokio::test]
async fn a_restarted_instance_takes_back_its_own_claims_at_once() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let queue = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.notify.worker = false;
    })
    .await;
    for i in 0..3 {
        submit(
            &queue,
            &report_on(
                &format!("https://www.example.com/world/crash-{i}"),
                "ana@example.org",
            ),
        )
        .await;
    }
    queue.stop().await;
    // As a crash leaves them: claimed, an attempt counted, the lease an hour away.
    let rows = queue
        .query(|conn| {
            let until = disinfo_desk::storage::now() + chrono::Duration::hours(1);
            diesel::update(outbox::table)
                .set((
                    outbox::status.eq("sending"),
                    outbox::attempts.eq(1),
                    outbox::locked_until.eq(Some(until)),
                    outbox::claimed_by.eq("desk-crashed"),
                ))
                .execute(conn)?;
            let other: i64 = outbox::table
                .select(outbox::id)
                .order(outbox::id.desc())
                .first(conn)?;
            diesel::update(outbox::table.filter(outbox::id.eq(other)))
                .set(outbox::claimed_by.eq("desk-other"))
                .execute(conn)?;
            outbox::table.count().get_result::<i64>(conn)
        })
        .await as usize;
    assert!(rows >= 4, "{rows} messages queued");

    let url = queue.database_url.clone();
    let restarted = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = Secret::new(url);
        s.notify.instance_id = "desk-crashed".into();
        s.notify.lease_secs = 3600;
    })
    .await;
    let messages = sink.wait_for(rows - 1, WAIT).await;
    let states = wait_until(&restarted, "its own claims sent", |r| {
        r.iter().filter(|r| r.1 == "sent").count() == rows - 1
    })
    .await;
    // The crashed attempt stays counted: it may have reached the server.
    assert!(
        states
            .iter()
            .filter(|r| r.1 == "sent")
            .all(|r| r.2 == 2 && r.3.is_none()),
        "{states:?}"
    );
    let other = states.last().expect("rows");
    assert_eq!(
        (other.1.as_str(), other.3.as_deref()),
        ("sending", Some("desk-other")),
        "another instance's claim waits for its lease"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), messages.len(), "nothing sent twice");
}

/// A graceful stop lets the send in flight finish and records it, and hands the rest of the batch
/// back (due now, the attempt not counted), so another instance sends each message once and at
/// once.
#[tokio::test]
async fn a_graceful_stop_finishes_the_send_in_flight_and_hands_back_the_rest() {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let hold = sink.hold_replies_to("slow@example.org");
    let queue = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.notify.worker = false;
    })
    .await;
    for (i, email) in [
        "slow@example.org",
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
    ]
    .into_iter()
    .enumerate()
    {
        submit(
            &queue,
            &report_on(&format!("https://www.example.com/world/stop-{i}"), email),
        )
        .await;
    }
    queue.stop().await;
    let url = queue.database_url.clone();
    let stopping = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = Secret::new(url);
        // One batch, one message at a time: the held one blocks the rest of the batch.
        s.notify.instance_id = "desk-stopping".into();
        s.notify.batch_size = 50;
        s.notify.concurrency = 1;
        s.mail.smtp.timeout_secs = 60;
        s.notify.lease_secs = 3600;
    })
    .await;
    hold.wait_until_holding(1, WAIT).await;
    stopping.stop().await;
    // Let the stopped server's task tell the worker to stop before the send in flight ends.
    tokio::time::sleep(Duration::from_millis(500)).await;
    hold.release();

    let states = wait_until(&stopping, "the worker stopped", |r| {
        r.iter().all(|r| r.1 != "sending")
    })
    .await;
    let sent = states.iter().filter(|r| r.1 == "sent").count();
    let handed_back: Vec<&Row> = states.iter().filter(|r| r.1 == "pending").collect();
    assert_eq!(sent + handed_back.len(), states.len(), "{states:?}");
    assert_eq!(sink.messages().len(), sent, "what went out was recorded");
    assert!(
        sink.messages()
            .iter()
            .any(|m| m.rcpt_to.iter().any(|r| r == "slow@example.org")),
        "the send in flight finished"
    );
    assert!(
        !handed_back.is_empty() && handed_back.iter().all(|r| r.2 == 0 && r.3.is_none()),
        "the messages not started are handed back, their attempt not counted: {states:?}"
    );

    // Another instance (not this one's id) sends the rest at once, though the lease is an hour.
    let url = stopping.database_url.clone();
    let next = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = Secret::new(url);
        s.notify.instance_id = "desk-next".into();
        s.notify.lease_secs = 3600;
    })
    .await;
    let messages = sink.wait_for(states.len(), WAIT).await;
    wait_until(&next, "all sent", |r| r.iter().all(|r| r.1 == "sent")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: HashSet<_> = sink
        .messages()
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(messages.len(), states.len());
    assert_eq!(ids.len(), states.len(), "no message sent twice");
}

/// A message that went out while the database was gone is recorded as sent once it is back,
/// without waiting for its lease (and without being sent again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_finished_during_an_outage_is_recorded_when_the_database_returns() {
    if skip_unless_postgres(
        "a_send_finished_during_an_outage_is_recorded_when_the_database_returns",
    ) {
        return;
    }
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let hold = sink.hold_replies_to("slow@example.org");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut url = url::Url::parse(&fresh_database_url(dir.path())).expect("database URL");
    let target = SocketAddr::from((
        Ipv4Addr::LOCALHOST,
        url.port().expect("the test URL names its port"),
    ));
    let proxy = DbProxy::start_on(0, target).await;
    url.set_port(Some(proxy.port)).expect("port");
    let app = spawn_app_with(move |s| {
        smtp_to(s, port);
        s.database.url = Secret::new(url.to_string());
        s.notify.lease_secs = 3600;
    })
    .await;
    submit(
        &app,
        &report_on(
            "https://www.example.com/world/outage-send",
            "slow@example.org",
        ),
    )
    .await;
    hold.wait_until_holding(1, WAIT).await;

    let proxy_port = proxy.stop().await;
    hold.release();
    // Delivered while the database is gone: the result can only wait in the worker.
    sink.wait_for(2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _proxy = DbProxy::start_on(proxy_port, target).await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while app.get("/readyz").await.status() != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the database did not come back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_until(&app, "both messages recorded as sent", |r| {
        r.len() == 2 && r.iter().all(|r| r.1 == "sent" && r.2 == 1)
    })
    .await;
    assert_eq!(sink.messages().len(), 2, "nothing sent twice");
}
