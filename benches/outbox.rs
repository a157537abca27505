//! Outbox benchmark, run by `scripts/bench-outbox` (or `cargo bench --bench outbox -- --run`).
//!
//! One run, on the database named by the project's settings (`config/`, `DESK_ENV`, `DESK__…`
//! variables, as `disinfo-desk serve` reads them; without `DESK__DATABASE__URL`, a fresh SQLite
//! file in a temporary directory). The database must be fresh: an empty outbox.
//!
//! 1. An in-process SMTP sink (`tests/api/smtp_sink.rs`) on 127.0.0.1. First, the SMTP ceiling:
//!    lettre alone sends 2,000 messages to a second sink at `notify.concurrency` at once.
//! 2. The real application (`Application::build`) with `mail.transport = smtp` to the sink, log
//!    filter `warn`, bind 127.0.0.1:0 and `notify.worker = false`.
//! 3. Queue: reports through `POST /api/v1/reports`, `--clients` (32) at a time, each on a new
//!    article. A short unmeasured warm-up, then 2,000 reports without `reporter_email` (one desk
//!    alert each: the request the drain phase sends, so the no-worker intake rate is like for
//!    like), then reports with an email (an acknowledgement plus a desk alert each) until the
//!    outbox holds `--messages` (10,000) rows, all due now.
//! 4. Stop that instance; start a new one on the same database with `notify.worker = true`, and
//!    time until the sink holds the queued number of messages (the worker claims in due order, so
//!    that count is the queue's; the rows' `sent_at` cross-checks it). For the first
//!    `--intake-secs` (30) of the drain, `--clients` clients keep posting reports without email on
//!    new articles (each queues a desk alert, due after the whole queue): intake req/s and latency
//!    while the worker drains, against step 3, and how fast the worker drains meanwhile
//!    ("+intake") and after ("alone"). Intake is limited to a window because a saturating intake
//!    slows the drain and queues more mail than it drains: a drain under intake all the way would
//!    take many minutes and leave a six-figure backlog to check. Then the worker delivers what
//!    intake queued.
//! 5. Checks: every outbox row `sent`, the sink holds exactly one message per outbox row (by
//!    Message-ID: none missing, no duplicates), every failed intake request is reported.
//! 6. A table row on stdout (a header first unless `--no-header`), also appended to
//!    `target/bench-outbox.txt` (or `$BENCH_OUTBOX_OUT`). Progress and details go to stderr.
//!
//! Exit status 1 when a check failed or an intake request failed.
//!
//! Options (after `--run`): `--messages N`, `--clients N`, `--intake-secs N` (how long intake runs
//! beside the worker, default 30; 0: none), `--label NAME` (first column; default: the backend),
//! `--timeout-secs N` (drain limit, default 900), `--no-header`, `--header-only` (print the table
//! header and exit). The worker's concurrency and batch size are the settings'
//! (`DESK__NOTIFY__CONCURRENCY=8`, …).

// The sink's self-tests are `#[cfg(test)]`, and benches build with cfg(test) but without the test
// harness: their `#[test]` functions are dropped and the imports they use look unused.
#[allow(unused_imports)]
#[path = "../tests/api/smtp_sink.rs"]
mod smtp_sink;

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::{Value, json};

use disinfo_desk::config::{MailTransport, Secret, Settings, SmtpTls};
use disinfo_desk::notify::repo as outbox_repo;
use disinfo_desk::startup::Application;
use disinfo_desk::storage::schema::outbox;
use disinfo_desk::storage::{Db, StorageError};
use disinfo_desk::telemetry;

use smtp_sink::SmtpSink;

/// Reports without email sent before the ones with email, to measure the no-worker rate of the
/// same request the drain phase sends.
const PLAIN_REPORTS: u64 = 2_000;
const CEILING_MESSAGES: usize = 2_000;
const SECTIONS: [&str; 6] = [
    "world", "politics", "science", "business", "climate", "health",
];
const CATEGORIES: [&str; 5] = [
    "false_claim",
    "misleading_context",
    "manipulated_media",
    "fabricated_quote",
    "outdated",
];
const LANGUAGES: [&str; 3] = ["en", "de", "fr"];

struct Options {
    messages: i64,
    clients: usize,
    label: Option<String>,
    timeout: Duration,
    intake_for: Duration,
    header: bool,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Options {
            messages: 10_000,
            clients: 32,
            label: None,
            timeout: Duration::from_secs(900),
            intake_for: Duration::from_secs(30),
            header: true,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .with_context(|| format!("{name} needs a value"))
                    .cloned()
            };
            match arg.as_str() {
                "--run" | "--bench" => {}
                "--no-header" => options.header = false,
                "--header-only" => {
                    print!("{}", header());
                    std::process::exit(0);
                }
                "--messages" => options.messages = value(arg)?.parse().context("--messages")?,
                "--clients" => options.clients = value(arg)?.parse().context("--clients")?,
                "--label" => options.label = Some(value(arg)?),
                "--intake-secs" => {
                    options.intake_for =
                        Duration::from_secs(value(arg)?.parse().context("--intake-secs")?)
                }
                "--timeout-secs" => {
                    options.timeout =
                        Duration::from_secs(value(arg)?.parse().context("--timeout-secs")?)
                }
                other => bail!("unknown argument {other:?}"),
            }
        }
        if options.messages < 2 || options.clients == 0 {
            bail!("--messages must be at least 2 and --clients at least 1");
        }
        Ok(options)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--run") {
        println!(
            "outbox: 10,000 queued emails delivered to a local SMTP sink while intake runs; run scripts/bench-outbox (or cargo bench --bench outbox -- --run)"
        );
        return;
    }
    let code = match Options::parse(&args).and_then(|options| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("tokio runtime")?
            .block_on(run(options))
    }) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(error) => {
            eprintln!("bench outbox: FAILED: {error:#}");
            1
        }
    };
    std::process::exit(code);
}

fn say(message: impl std::fmt::Display) {
    eprintln!("==> {message}");
}

/// Runs the benchmark; `Ok(false)` when it ran but a check failed.
async fn run(options: Options) -> anyhow::Result<bool> {
    // config/ and the routing file are relative to the repository root, as for the server.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).context("cd to the crate root")?;
    let mut settings = Settings::load().context("configuration")?;
    settings.log.filter = "warn".into();
    telemetry::init(&settings.log);

    let dir = tempfile::tempdir().context("temporary directory")?;
    if std::env::var_os("DESK__DATABASE__URL").is_none() {
        settings.database.url = Secret::new(format!(
            "sqlite://{}",
            dir.path().join("outbox-bench.db").display()
        ));
    }
    let backend = if settings.database.url.expose().starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let label = options.label.clone().unwrap_or_else(|| backend.into());
    let concurrency = settings.notify.concurrency as usize;

    say(format!(
        "{label}: SMTP ceiling: lettre alone, {CEILING_MESSAGES} messages, {concurrency} at once"
    ));
    let ceiling = smtp_ceiling(CEILING_MESSAGES, concurrency).await?;
    say(format!("{label}: SMTP ceiling {ceiling:.0} messages/s"));

    let sink = Arc::new(SmtpSink::start().await);
    settings.mail.transport = MailTransport::Smtp;
    settings.mail.smtp.host = "127.0.0.1".into();
    settings.mail.smtp.port = sink.port();
    settings.mail.smtp.tls = SmtpTls::None;
    settings.mail.smtp.username = String::new();
    settings.server.bind = "127.0.0.1:0".into();
    settings.notify.worker = false;

    disinfo_desk::outbound::install_crypto_provider();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.clients)
        .build()
        .context("HTTP client")?;
    // Article numbers: every report is on a new article; the prefix keeps them apart from other
    // runs on the same database.
    let articles = Arc::new(AtomicU64::new(0));
    let run_id = chrono::Utc::now().format("%H%M%S").to_string();

    // ------------------------------------------------------------ queue, no worker
    let app = Application::build(settings.clone())
        .await
        .context("application (no worker)")?;
    let url: Arc<str> = format!("http://127.0.0.1:{}/api/v1/reports", app.port()).into();
    let db = app.db().clone();
    let stop = app.stop_handle();
    let server = tokio::spawn(app.run_until_stopped());
    let before = outbox_count(&db).await?;
    if before != 0 {
        bail!("the database is not fresh: its outbox has {before} rows");
    }

    let target = options.messages;
    let plain_reports = PLAIN_REPORTS.min((target / 5) as u64);
    let spec = LoadSpec {
        client: client.clone(),
        url: url.clone(),
        clients: options.clients,
        articles: articles.clone(),
        run_id: run_id.clone(),
    };
    // Warm-up (connections, caches), not measured; its desk alerts are part of the queue.
    let warm_up = spec
        .clone()
        .drive(false, Limit::Count((plain_reports / 10).max(1)))
        .await;
    if warm_up.ok == 0 {
        bail!("no report was accepted: {:?}", warm_up.errors);
    }
    say(format!(
        "{label}: no worker: {plain_reports} reports without email ({} clients)",
        options.clients
    ));
    let plain = spec.clone().drive(false, Limit::Count(plain_reports)).await;
    say(format!("{label}: {}", plain.summary()));
    let mut with_email = LoadResult::default();
    loop {
        let queued = outbox_count(&db).await?;
        if queued >= target {
            break;
        }
        let reports = ((target - queued) as u64).div_ceil(2);
        say(format!(
            "{label}: no worker: {reports} reports with email ({queued} of {target} queued)"
        ));
        let load = spec.clone().drive(true, Limit::Count(reports)).await;
        if load.ok == 0 {
            bail!("no report was accepted: {:?}", load.errors);
        }
        with_email.merge(load);
    }
    say(format!("{label}: {}", with_email.summary()));
    let kinds = kinds(&db).await?;
    let initial: HashMap<String, i64> = db
        .read(|conn| {
            outbox::table
                .select((outbox::message_id, outbox::id))
                .load::<(String, i64)>(conn)
                .map_err(StorageError::from)
        })
        .await?
        .into_iter()
        .collect();
    let queued = initial.len();
    let not_due: i64 = db
        .read(|conn| {
            outbox::table
                .filter(outbox::due_at.gt(chrono::Utc::now().naive_utc()))
                .count()
                .get_result(conn)
                .map_err(StorageError::from)
        })
        .await?;
    say(format!(
        "{label}: queued {queued} messages ({kinds}); {not_due} not yet due"
    ));
    stop.stop(true).await;
    server.await.context("server task")??;
    drop(db);
    if !sink.messages().is_empty() {
        bail!("the sink received mail while no worker ran");
    }

    // ------------------------------------------------------------ drain, with intake
    settings.notify.worker = true;
    say(format!(
        "{label}: worker on (concurrency {}, batch {}): draining {queued}; {} clients post reports for up to {:?}",
        settings.notify.concurrency,
        settings.notify.batch_size,
        options.clients,
        options.intake_for
    ));
    let started = Instant::now();
    let started_utc = chrono::Utc::now().naive_utc();
    let app = Application::build(settings.clone())
        .await
        .context("application (worker)")?;
    let db = app.db().clone();
    let stop = app.stop_handle();
    let url: Arc<str> = format!("http://127.0.0.1:{}/api/v1/reports", app.port()).into();
    let server = tokio::spawn(app.run_until_stopped());
    let progress = tokio::spawn(progress(db.clone(), label.clone(), started));
    // The queued messages are all due before anything the intake below queues, and the worker
    // claims in due order: the sink's count is the number of queued messages delivered.
    let drained = |limit: Duration| {
        let sink = sink.clone();
        async move {
            tokio::time::timeout(limit, sink.wait_for(queued, Duration::from_secs(86_400)))
                .await
                .is_ok()
        }
    };
    let mut drain_done = false;
    let (draining, window_seconds, delivered_during_intake) = if options.intake_for.is_zero() {
        (LoadResult::default(), 0.0, 0)
    } else {
        let stop_intake = Arc::new(AtomicBool::new(false));
        let intake = tokio::spawn(
            LoadSpec {
                url,
                ..spec.clone()
            }
            .drive(false, Limit::Until(stop_intake.clone())),
        );
        drain_done = drained(options.intake_for.min(options.timeout)).await;
        stop_intake.store(true, Ordering::Relaxed);
        let window = started.elapsed().as_secs_f64();
        let delivered = if drain_done {
            queued
        } else {
            sink.messages().len().min(queued)
        };
        let draining = intake.await.context("intake task")?;
        say(format!(
            "{label}: intake while the worker drains: {}; {delivered} queued messages delivered meanwhile",
            draining.summary()
        ));
        (draining, window, delivered)
    };
    if !drain_done {
        let left = options.timeout.saturating_sub(started.elapsed());
        drain_done = drained(left).await;
    }
    let drain_seconds = started.elapsed().as_secs_f64();
    progress.abort();
    let mut problems = Vec::new();
    if !drain_done {
        problems.push(format!(
            "the sink had {} of {queued} messages after {:?}",
            sink.messages().len(),
            options.timeout
        ));
    }
    say(format!(
        "{label}: the sink had all {queued} queued messages after {drain_seconds:.2} s"
    ));

    // ------------------------------------------------------------ the rest, then checks
    let settle = Instant::now();
    let deadline = settle + options.timeout;
    let statuses = loop {
        let statuses = status_counts(&db).await?;
        let busy: i64 = ["pending", "sending"]
            .iter()
            .map(|s| statuses.get(*s).copied().unwrap_or(0))
            .sum();
        if busy == 0 || Instant::now() > deadline || !drain_done {
            break statuses;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let rest_seconds = settle.elapsed().as_secs_f64();
    let rows: Vec<(String, Option<NaiveDateTime>)> = db
        .read(|conn| {
            outbox::table
                .select((outbox::message_id, outbox::sent_at))
                .load(conn)
                .map_err(StorageError::from)
        })
        .await?;
    stop.stop(true).await;
    server.await.context("server task")??;

    let received = sink.messages();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut without_id = 0;
    for message in &received {
        match message_token(&message.raw) {
            Some(token) => *seen.entry(token).or_default() += 1,
            None => without_id += 1,
        }
    }
    let duplicates: usize = seen.values().map(|n| n - 1).sum();
    let row_ids: HashSet<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let delivered = initial.keys().filter(|id| seen.contains_key(*id)).count();
    let missing = rows.iter().filter(|(id, _)| !seen.contains_key(id)).count();
    let strangers = seen
        .keys()
        .filter(|id| !row_ids.contains(id.as_str()))
        .count();
    let last_initial_sent = rows
        .iter()
        .filter(|(id, _)| initial.contains_key(id))
        .filter_map(|(_, sent)| *sent)
        .max();
    let exact_seconds = last_initial_sent
        .map(|t| (t - started_utc).num_microseconds().unwrap_or(0) as f64 / 1e6)
        .unwrap_or(f64::NAN);
    let not_sent: i64 = statuses
        .iter()
        .filter(|(s, _)| s.as_str() != "sent")
        .map(|(_, n)| n)
        .sum();

    if delivered != queued {
        problems.push(format!(
            "{delivered} of the {queued} queued messages reached the sink"
        ));
    }
    if missing > 0 {
        problems.push(format!("{missing} outbox rows never reached the sink"));
    }
    if duplicates > 0 {
        problems.push(format!(
            "{duplicates} duplicate deliveries (same Message-ID)"
        ));
    }
    if without_id > 0 || strangers > 0 {
        problems.push(format!(
            "{without_id} messages without a Message-ID, {strangers} with one no outbox row has"
        ));
    }
    if not_sent > 0 {
        problems.push(format!("outbox rows not sent: {statuses:?}"));
    }
    if received.len() != rows.len() {
        problems.push(format!(
            "the sink holds {} messages for {} outbox rows",
            received.len(),
            rows.len()
        ));
    }
    for (phase, load) in [
        ("no worker, no email", &plain),
        ("no worker, email", &with_email),
        ("worker draining", &draining),
    ] {
        if load.failed > 0 {
            problems.push(format!(
                "{phase}: {} intake requests failed, e.g. {:?}",
                load.failed, load.errors
            ));
        }
    }
    if (exact_seconds - drain_seconds).abs() > 0.05 * drain_seconds {
        problems.push(format!(
            "the last queued message was marked sent {exact_seconds:.2} s after the start, the sink count was reached at {drain_seconds:.2} s: the worker did not deliver the queue first"
        ));
    }

    // ------------------------------------------------------------ report
    let messages_per_s = queued as f64 / drain_seconds;
    let with_intake = (window_seconds > 0.0)
        .then(|| delivered_during_intake as f64 / window_seconds.min(drain_seconds));
    let alone = (drain_seconds - window_seconds > 0.01 && delivered_during_intake < queued)
        .then(|| (queued - delivered_during_intake) as f64 / (drain_seconds - window_seconds));
    let rate = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.0}"));
    let ran = |load: &LoadResult, text: String| {
        if load.ok + load.failed > 0 {
            text
        } else {
            "-".into()
        }
    };
    let mut out = String::new();
    if options.header {
        out.push_str(&header());
    }
    out.push_str(&row(&[
        label.clone(),
        concurrency.to_string(),
        queued.to_string(),
        delivered.to_string(),
        format!("{drain_seconds:.1}"),
        format!("{messages_per_s:.0}"),
        rate(with_intake),
        rate(alone),
        format!("{ceiling:.0}"),
        format!("{:.0}", plain.rate()),
        ran(&draining, format!("{:.0}", draining.rate())),
        ran(&draining, format!("{:.2}", draining.rate() / plain.rate())),
        plain.p50_p99(),
        ran(&draining, draining.p50_p99()),
        (plain.failed + with_email.failed + draining.failed).to_string(),
    ]));
    let detail = |line: String| format!("{label:<9}   {line}\n");
    out.push_str(&detail(format!(
        "queue: {kinds}; no worker with email: {:.0} reports/s, p50/p99 {} ms ({} reports)",
        with_email.rate(),
        with_email.p50_p99(),
        with_email.ok
    )));
    out.push_str(&detail(format!(
        "drain: last queued message marked sent at {exact_seconds:.2} s; intake ran {window_seconds:.1} s beside the worker: {} reports ({} desk alerts), delivered in {rest_seconds:.1} s more; sink {} messages, {} duplicates; outbox {:?}",
        draining.ok,
        rows.len() - queued,
        received.len(),
        duplicates,
        statuses
    )));
    for problem in &problems {
        out.push_str(&detail(format!("PROBLEM: {problem}")));
    }
    print!("{out}");
    std::io::stdout().flush().ok();
    let file = std::env::var_os("BENCH_OUTBOX_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench-outbox.txt"));
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .and_then(|mut f| f.write_all(out.as_bytes()))
        .with_context(|| format!("appending to {}", file.display()))?;
    drop(dir);
    Ok(problems.is_empty())
}

const WIDTHS: [usize; 15] = [9, 4, 6, 9, 7, 10, 10, 10, 10, 11, 11, 6, 11, 11, 6];

/// One table line: the first column left-aligned, the others right-aligned.
fn row(columns: &[String]) -> String {
    let mut line = String::new();
    for (i, (column, width)) in columns.iter().zip(WIDTHS).enumerate() {
        if i == 0 {
            line.push_str(&format!("{column:<width$}"));
        } else {
            line.push_str(&format!(" {column:>width$}"));
        }
    }
    line.push('\n');
    line
}

fn header() -> String {
    let top = [
        "backend",
        "conc",
        "queued",
        "delivered",
        "seconds",
        "messages/s",
        "messages/s",
        "messages/s",
        "smtp max/s",
        "intake r/s",
        "intake r/s",
        "ratio",
        "p50/p99 ms",
        "p50/p99 ms",
        "failed",
    ];
    let bottom = [
        "",
        "",
        "",
        "",
        "",
        "(total)",
        "(+intake)",
        "(alone)",
        "",
        "(no worker)",
        "(draining)",
        "",
        "(no worker)",
        "(draining)",
        "",
    ];
    row(&top.map(String::from)) + &row(&bottom.map(String::from))
}

/// The left part of the Message-ID header (`<token@domain>`), which is the outbox `message_id`.
fn message_token(raw: &str) -> Option<String> {
    raw.split("\r\n")
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("message-id").then(|| {
                let value = value.trim().trim_start_matches('<').trim_end_matches('>');
                value.split('@').next().unwrap_or(value).to_string()
            })
        })
}

async fn outbox_count(db: &Db) -> anyhow::Result<i64> {
    Ok(db
        .read(|conn| {
            outbox::table
                .count()
                .get_result(conn)
                .map_err(StorageError::from)
        })
        .await?)
}

async fn status_counts(db: &Db) -> anyhow::Result<HashMap<String, i64>> {
    Ok(db
        .read(|conn| outbox_repo::count_by_status(conn).map_err(StorageError::from))
        .await?
        .into_iter()
        .collect())
}

async fn kinds(db: &Db) -> anyhow::Result<String> {
    let kinds: Vec<(String, i64)> = db
        .read(|conn| {
            outbox::table
                .group_by(outbox::kind)
                .select((outbox::kind, diesel::dsl::count_star()))
                .load(conn)
                .map_err(StorageError::from)
        })
        .await?;
    Ok(kinds
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Every 5 s: how many outbox rows are sent (a cheap indexed count; the sink's list is not copied).
async fn progress(db: Db, label: String, started: Instant) {
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        if let Ok(statuses) = status_counts(&db).await {
            say(format!(
                "{label}: {:.0} s: outbox {statuses:?}",
                started.elapsed().as_secs_f64()
            ));
        }
    }
}

/// lettre straight to a sink, `concurrency` sends at once: what SMTP allows on this machine.
async fn smtp_ceiling(messages: usize, concurrency: usize) -> anyhow::Result<f64> {
    let sink = SmtpSink::start().await;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.port())
        .timeout(Some(Duration::from_secs(30)))
        .build();
    let from: Mailbox = "Desk <desk@example.com>".parse()?;
    let text = "The report said the figure was wrong. ".repeat(40);
    let html = format!("<p>{text}</p>");
    let started = Instant::now();
    let failures = futures_util::stream::iter(0..messages)
        .map(|i| {
            let transport = transport.clone();
            let message = lettre::Message::builder()
                .from(from.clone())
                .to(format!("reader{i}@example.org").parse().expect("address"))
                .subject(format!("Ceiling message {i}"))
                .message_id(Some(format!("<ceiling-{i}@example.com>")))
                .multipart(MultiPart::alternative_plain_html(
                    text.clone(),
                    html.clone(),
                ));
            async move {
                match message {
                    Ok(message) => transport.send(message).await.err().map(|e| e.to_string()),
                    Err(e) => Some(e.to_string()),
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .filter_map(|failure| async move { failure })
        .collect::<Vec<_>>()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(first) = failures.first() {
        bail!(
            "SMTP ceiling: {} sends failed, e.g. {first}",
            failures.len()
        );
    }
    Ok(messages as f64 / elapsed)
}

#[derive(Clone)]
struct LoadSpec {
    client: reqwest::Client,
    url: Arc<str>,
    clients: usize,
    articles: Arc<AtomicU64>,
    run_id: String,
}

enum Limit {
    Count(u64),
    Until(Arc<AtomicBool>),
}

#[derive(Default)]
struct LoadResult {
    ok: u64,
    failed: u64,
    elapsed: Duration,
    latencies_us: Vec<u32>,
    errors: Vec<String>,
}

impl LoadResult {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        f64::from(sorted[rank - 1]) / 1000.0
    }

    fn p50_p99(&self) -> String {
        format!(
            "{:.1}/{:.1}",
            self.percentile_ms(0.50),
            self.percentile_ms(0.99)
        )
    }

    fn summary(&self) -> String {
        format!(
            "{} ok, {} failed in {:.2} s: {:.0} reports/s, p50/p99 {} ms",
            self.ok,
            self.failed,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.p50_p99()
        )
    }

    fn merge(&mut self, other: LoadResult) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.elapsed += other.elapsed;
        self.latencies_us.extend(other.latencies_us);
        for error in other.errors {
            if self.errors.len() < 5 {
                self.errors.push(error);
            }
        }
    }
}

impl LoadSpec {
    /// `clients` loops, each posting one report at a time, until `limit`.
    async fn drive(self, email: bool, limit: Limit) -> LoadResult {
        let issued = Arc::new(AtomicU64::new(0));
        let limit = Arc::new(limit);
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.clients {
            let spec = self.clone();
            let issued = issued.clone();
            let limit = limit.clone();
            tasks.spawn(async move {
                let mut result = LoadResult::default();
                loop {
                    let more = match &*limit {
                        Limit::Count(n) => issued.fetch_add(1, Ordering::Relaxed) < *n,
                        Limit::Until(stop) => !stop.load(Ordering::Relaxed),
                    };
                    if !more {
                        break;
                    }
                    let n = spec.articles.fetch_add(1, Ordering::Relaxed);
                    let body = report(&spec.run_id, n, email);
                    let sent = Instant::now();
                    let outcome = match spec.client.post(&*spec.url).json(&body).send().await {
                        Ok(response) => {
                            let status = response.status();
                            let text = response.text().await.unwrap_or_default();
                            if status.as_u16() == 201 {
                                Ok(())
                            } else {
                                Err(format!(
                                    "{status}: {}",
                                    text.chars().take(300).collect::<String>()
                                ))
                            }
                        }
                        Err(error) => Err(error.to_string()),
                    };
                    let micros = sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                    result.latencies_us.push(micros);
                    match outcome {
                        Ok(()) => result.ok += 1,
                        Err(error) => {
                            result.failed += 1;
                            if result.errors.len() < 5 {
                                result.errors.push(error);
                            }
                        }
                    }
                }
                result
            });
        }
        let mut total = LoadResult::default();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(result) => total.merge(result),
                Err(error) => {
                    total.failed += 1;
                    total.errors.push(format!("client task: {error}"));
                }
            }
        }
        total.elapsed = started.elapsed();
        total
    }
}

/// A valid report on a new article (`n`), with or without the reporter's email.
fn report(run_id: &str, n: u64, email: bool) -> Value {
    let i = n as usize;
    let section = SECTIONS[i % SECTIONS.len()];
    json!({
        "article_url": format!("https://www.example.com/{section}/2026/11/outbox-bench-{run_id}-{n}"),
        "category": CATEGORIES[i % CATEGORIES.len()],
        "passage": "More than 10,000 people were evacuated.",
        "explanation": format!(
            "The regional authority's bulletin says 1,000 people were evacuated, not 10,000. (bench report {n})"
        ),
        "evidence_urls": ["https://gov.example.org/bulletin/42"],
        "language": LANGUAGES[i % LANGUAGES.len()],
        "reporter_name": "Bench Reader",
        "reporter_email": email.then(|| format!("reader{n}@example.org")),
        "wants_outcome": email,
    })
}
