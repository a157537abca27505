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
//!    article. First 2,000 without `reporter_email` (one desk alert each: the same request the drain
//!    phase sends, so the no-worker intake rate is like for like), then reports with an email (an
//!    acknowledgement plus a desk alert each) until the outbox holds `--messages` (10,000) rows.
//! 4. Stop that instance; start a new one on the same database with `notify.worker = true`. Time
//!    until the sink holds the queued number of messages: messages/s. Meanwhile `--clients`
//!    clients keep posting reports without email on new articles (each queues a desk alert, due
//!    after every queued message, so the worker reaches them last): intake req/s and latency while
//!    the worker drains, against step 3. Then intake stops and the worker delivers the rest.
//! 5. Checks: every outbox row `sent`, the sink holds exactly one message per outbox row (by
//!    Message-ID: none missing, no duplicates), every failed intake request is reported.
//! 6. A table row on stdout (a header first unless `--no-header`), also appended to
//!    `target/bench-outbox.txt` (or `$BENCH_OUTBOX_OUT`). Progress and details go to stderr.
//!
//! Exit status 1 when a check failed or an intake request failed.
//!
//! Options (after `--run`): `--messages N`, `--clients N`, `--label NAME` (first column; default:
//! the backend), `--timeout-secs N` (drain limit, default 900), `--no-header`. The worker's
//! concurrency and batch size are the settings' (`DESK__NOTIFY__CONCURRENCY=8`, …).

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
    header: bool,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Options {
            messages: 10_000,
            clients: 32,
            label: None,
            timeout: Duration::from_secs(900),
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
                "--messages" => options.messages = value(arg)?.parse().context("--messages")?,
                "--clients" => options.clients = value(arg)?.parse().context("--clients")?,
                "--label" => options.label = Some(value(arg)?),
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
    say(format!(
        "{label}: no worker: {plain_reports} reports without email ({} clients)",
        options.clients
    ));
    let spec = LoadSpec {
        client: client.clone(),
        url: url.clone(),
        clients: options.clients,
        articles: articles.clone(),
        run_id: run_id.clone(),
    };
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
        "{label}: worker on (concurrency {}, batch {}): draining {queued} while {} clients post reports",
        settings.notify.concurrency, settings.notify.batch_size, options.clients
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
    let stop_intake = Arc::new(AtomicBool::new(false));
    let intake = tokio::spawn(
        LoadSpec {
            url,
            ..spec.clone()
        }
        .drive(false, Limit::Until(stop_intake.clone())),
    );
    let progress = tokio::spawn(progress(db.clone(), label.clone(), started));
    let drained = tokio::time::timeout(
        options.timeout,
        sink.wait_for(queued, Duration::from_secs(86_400)),
    )
    .await
    .is_ok();
    let drain_seconds = started.elapsed().as_secs_f64();
    stop_intake.store(true, Ordering::Relaxed);
    progress.abort();
    let draining = intake.await.context("intake task")?;
    let mut problems = Vec::new();
    if !drained {
        problems.push(format!(
            "the sink had {} of {queued} messages after {:?}",
            sink.messages().len(),
            options.timeout
        ));
    }
    say(format!(
        "{label}: sink reached {queued} messages after {drain_seconds:.2} s; intake while draining: {}",
        draining.summary()
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
        if busy == 0 || Instant::now() > deadline || !drained {
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
    let ratio = draining.rate() / plain.rate();
    let mut out = String::new();
    if options.header {
        out.push_str(&header());
    }
    out.push_str(&format!(
        "{:<9} {:>4} {:>7} {:>9} {:>8} {:>10} {:>10} {:>14} {:>14} {:>6} {:>15} {:>15} {:>6}\n",
        label,
        concurrency,
        queued,
        delivered,
        format!("{drain_seconds:.2}"),
        format!("{messages_per_s:.0}"),
        format!("{ceiling:.0}"),
        format!("{:.0}", plain.rate()),
        format!("{:.0}", draining.rate()),
        format!("{ratio:.2}"),
        plain.p50_p99(),
        draining.p50_p99(),
        plain.failed + with_email.failed + draining.failed,
    ));
    let detail = |line: String| format!("{label:<9}   {line}\n");
    out.push_str(&detail(format!(
        "queue: {kinds}; no worker with email: {:.0} reports/s, p50/p99 {} ms ({} reports)",
        with_email.rate(),
        with_email.p50_p99(),
        with_email.ok
    )));
    out.push_str(&detail(format!(
        "drain: last queued message marked sent at {exact_seconds:.2} s; {} reports ({} desk alerts) during the drain, delivered in {rest_seconds:.2} s more; sink {} messages, {} duplicates; outbox {:?}",
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

fn header() -> String {
    format!(
        "{:<9} {:>4} {:>7} {:>9} {:>8} {:>10} {:>10} {:>14} {:>14} {:>6} {:>15} {:>15} {:>6}\n",
        "backend",
        "conc",
        "queued",
        "delivered",
        "seconds",
        "messages/s",
        "smtp max/s",
        "intake r/s",
        "intake r/s",
        "ratio",
        "p50/p99 ms",
        "p50/p99 ms",
        "failed",
    ) + &format!(
        "{:<9} {:>4} {:>7} {:>9} {:>8} {:>10} {:>10} {:>14} {:>14} {:>6} {:>15} {:>15} {:>6}\n",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "(no worker)",
        "(draining)",
        "",
        "(no worker)",
        "(draining)",
        ""
    )
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
