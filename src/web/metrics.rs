//! Prometheus metrics at `GET /metrics` (prometheus-client: one registry per application, so two
//! instances in one process, as in the tests, never mix their figures).
//!
//! Recorded as things happen: HTTP requests by route pattern (never the raw path), method and
//! status, with latency; reports received by category and channel; outbox deliveries by kind and
//! result, with the time from queueing to delivery; worker errors. Read at scrape time from the
//! database and the pool: open reports by desk and status, outbox messages by state, connections
//! and waits.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::error::AppError;
use crate::storage::{Db, StorageError};
use crate::web::client;
use crate::web::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReportLabels {
    pub category: String,
    pub channel: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeliveryLabels {
    pub kind: String,
    pub result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WriterLabels {
    pub figure: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OpenLabels {
    pub desk: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeskStepLabels {
    pub desk: String,
    pub step: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StepLabels {
    pub step: String,
}

type FloatGauge = Gauge<f64, std::sync::atomic::AtomicU64>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: String,
}

fn seconds_histogram() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

fn delivery_histogram() -> Histogram {
    // 50 ms to about 14 h: mail waits through retries and digest windows.
    Histogram::new(exponential_buckets(0.05, 2.5, 16))
}

/// What one application records.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    reports_received: Family<ReportLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    delivery_latency: Family<KindLabels, Histogram, fn() -> Histogram>,
    worker_errors: Counter,
    open_reports: Family<OpenLabels, Gauge>,
    outbox_messages: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
    pool_waits: Gauge,
    pool_wait_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    pool_timeouts: Gauge,
    writer: Family<WriterLabels, Gauge>,
    target_sweeps: Counter,
    target_reminders: Family<StepLabels, Counter>,
    target_minutes: Family<DeskStepLabels, Gauge>,
    target_medians: Family<DeskStepLabels, FloatGauge>,
    target_overdue: Family<DeskStepLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("desk");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_duration =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                seconds_histogram,
            );
        let reports_received = Family::<ReportLabels, Counter>::default();
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        let delivery_latency =
            Family::<KindLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                delivery_histogram,
            );
        let worker_errors = Counter::default();
        let open_reports = Family::<OpenLabels, Gauge>::default();
        let outbox_messages = Family::<StateLabels, Gauge>::default();
        let (pool_max, pool_connections, pool_idle, pool_waits, pool_timeouts) = (
            Gauge::default(),
            Gauge::default(),
            Gauge::default(),
            Gauge::default(),
            Gauge::default(),
        );
        let pool_wait_seconds = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern and method",
            http_duration.clone(),
        );
        registry.register(
            "reports_received",
            "Reports stored, by category and channel",
            reports_received.clone(),
        );
        registry.register(
            "outbox_deliveries",
            "Delivery attempts of outbox messages, by kind and result (sent, retry, dead, cancelled)",
            deliveries.clone(),
        );
        registry.register(
            "outbox_delivery_latency_seconds",
            "Time from queueing a message to its delivery, by kind",
            delivery_latency.clone(),
        );
        registry.register(
            "outbox_worker_errors",
            "Times the outbox worker could not claim messages or record results",
            worker_errors.clone(),
        );
        registry.register(
            "open_reports",
            "Reports waiting for a decision, by desk and status",
            open_reports.clone(),
        );
        registry.register(
            "outbox_messages",
            "Outbox messages by state (pending, sending, sent, dead, cancelled)",
            outbox_messages.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "The pool's size",
            pool_max.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Connections the pool holds",
            pool_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Connections free now",
            pool_idle.clone(),
        );
        registry.register(
            "db_pool_waits",
            "Checkouts that found no free connection and waited, since start",
            pool_waits.clone(),
        );
        registry.register(
            "db_pool_wait_seconds",
            "Time spent waiting for a connection, since start",
            pool_wait_seconds.clone(),
        );
        registry.register(
            "db_pool_timeouts",
            "Checkouts that gave up waiting (answered 503), since start",
            pool_timeouts.clone(),
        );
        let writer = Family::<WriterLabels, Gauge>::default();
        registry.register(
            "db_writer",
            "The writer (group commit: every write on SQLite, the replayable ones, intake's, on PostgreSQL), by figure: queued (writes waiting now), and since start batches (one transaction each), requests, failed_batches (each answered 503), batches_without_savepoints (replayable writes only, run with no savepoint each), batches_run_again (of those, rolled back and run again with savepoints after a request failed), refused_full (the queue was full), largest_batch, exclusive_turns (SQLite)",
            writer.clone(),
        );
        let target_sweeps = Counter::default();
        let target_reminders = Family::<StepLabels, Counter>::default();
        let target_minutes = Family::<DeskStepLabels, Gauge>::default();
        let target_medians = Family::<DeskStepLabels, FloatGauge>::default();
        let target_overdue = Family::<DeskStepLabels, Gauge>::default();
        registry.register(
            "target_sweeps",
            "Response-target sweeps this instance completed",
            target_sweeps.clone(),
        );
        registry.register(
            "target_reminders",
            "Reports this instance's sweeps put in a desk's reminder, by step (triage, decision)",
            target_reminders.clone(),
        );
        registry.register(
            "response_target_minutes",
            "Each desk's response target, by step (triage, decision)",
            target_minutes.clone(),
        );
        registry.register(
            "response_median_seconds",
            "Median time to triage (from receipt) and to decision (from entering the queue) of the reports that took that step in the last 30 days, by desk",
            target_medians.clone(),
        );
        registry.register(
            "overdue_reports",
            "Reports past the response target of the step they wait for, by desk and step",
            target_overdue.clone(),
        );
        Self {
            registry,
            target_sweeps,
            target_reminders,
            target_minutes,
            target_medians,
            target_overdue,
            http_requests,
            http_duration,
            reports_received,
            deliveries,
            delivery_latency,
            worker_errors,
            open_reports,
            outbox_messages,
            pool_max,
            pool_connections,
            pool_idle,
            pool_waits,
            pool_wait_seconds,
            pool_timeouts,
            writer,
        }
    }

    pub fn http_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.http_requests
            .get_or_create(&HttpLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    pub fn report_received(&self, category: &str, channel: &str) {
        self.reports_received
            .get_or_create(&ReportLabels {
                category: category.to_string(),
                channel: channel.to_string(),
            })
            .inc();
    }

    /// One delivery attempt finished; `latency` (queued → delivered) only for sent messages.
    pub fn delivery(&self, kind: &str, result: &str, latency: Option<f64>) {
        self.deliveries
            .get_or_create(&DeliveryLabels {
                kind: kind.to_string(),
                result: result.to_string(),
            })
            .inc();
        if let Some(seconds) = latency {
            self.delivery_latency
                .get_or_create(&KindLabels {
                    kind: kind.to_string(),
                })
                .observe(seconds);
        }
    }

    pub fn worker_error(&self) {
        self.worker_errors.inc();
    }

    /// A response-target sweep finished, having put these many reports in reminders per step.
    pub fn target_sweep(&self, reminded: &[(crate::targets::Step, usize)]) {
        self.target_sweeps.inc();
        for (step, n) in reminded {
            self.target_reminders
                .get_or_create(&StepLabels {
                    step: step.as_str().to_string(),
                })
                .inc_by(*n as u64);
        }
    }

    /// The response-target figures per desk (read by the caller, from its short-lived cache).
    pub fn set_target_figures(&self, figures: &crate::targets::service::Figures) {
        use crate::targets::Step;
        self.target_minutes.clear();
        self.target_medians.clear();
        self.target_overdue.clear();
        for desk in &figures.desks {
            let labels = |step: Step| DeskStepLabels {
                desk: desk.slug.clone(),
                step: step.as_str().to_string(),
            };
            for (step, median, overdue) in [
                (Step::Triage, desk.triage, desk.overdue_triage),
                (Step::Decision, desk.decision, desk.overdue_decision),
            ] {
                self.target_minutes
                    .get_or_create(&labels(step))
                    .set(i64::from(desk.targets.minutes(step)));
                self.target_overdue
                    .get_or_create(&labels(step))
                    .set(overdue);
                // No report took the step in the window: no figure, rather than a made-up 0.
                if let Some(median) = median {
                    self.target_medians
                        .get_or_create(&labels(step))
                        .set(median.seconds);
                }
            }
        }
    }

    /// Reads what is counted in the database and the pool, then renders everything.
    pub async fn render(
        &self,
        db: &Db,
        desk_slug: impl Fn(i64) -> Option<String>,
    ) -> Result<String, StorageError> {
        let (open, outbox) = db
            .read(|conn| {
                Ok::<_, StorageError>((
                    crate::reports::repo::open_counts_by_desk(conn)?,
                    crate::notify::repo::count_by_status(conn)?,
                ))
            })
            .await?;
        // Label sets that are no longer there (a status emptied) must not linger.
        self.open_reports.clear();
        for (desk, status, count) in open {
            let desk = desk.and_then(&desk_slug).unwrap_or_else(|| "none".into());
            self.open_reports
                .get_or_create(&OpenLabels { desk, status })
                .set(count);
        }
        self.outbox_messages.clear();
        for (state, count) in outbox {
            self.outbox_messages
                .get_or_create(&StateLabels { state })
                .set(count);
        }
        let pool = db.pool_stats();
        self.pool_max.set(i64::from(pool.max_size));
        self.pool_connections.set(i64::from(pool.connections));
        self.pool_idle.set(i64::from(pool.idle));
        self.pool_waits.set(pool.waited as i64);
        self.pool_wait_seconds.set(pool.waited_micros as f64 / 1e6);
        self.pool_timeouts.set(pool.timed_out as i64);
        let writer = db.writer_stats();
        for (figure, value) in [
            ("queued", writer.queued),
            ("batches", writer.batches),
            ("requests", writer.requests),
            ("failed_batches", writer.failed_batches),
            (
                "batches_without_savepoints",
                writer.batches_without_savepoints,
            ),
            ("batches_run_again", writer.batches_run_again),
            ("refused_full", writer.refused_full),
            ("largest_batch", writer.largest_batch),
            ("exclusive_turns", writer.exclusive_turns),
        ] {
            self.writer
                .get_or_create(&WriterLabels { figure })
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .map_err(|e| StorageError::Corrupt(format!("metrics encoding: {e}")))?;
        Ok(text)
    }
}

/// May this request read the metrics? A matching bearer token, or an allowed client address.
fn allowed(req: &HttpRequest, state: &AppState) -> bool {
    let settings = &state.settings.metrics;
    let token = settings.token.expose();
    if !token.is_empty() {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(client::bearer_token);
        if sent.is_some_and(|t| crate::signing::tokens_match(t, token)) {
            return true;
        }
    }
    client::client_ip(req, &state.settings.server.trusted_proxies)
        .is_some_and(|ip| settings.allow.contains(&ip))
}

/// `GET /metrics`.
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !allowed(&req, &state) {
        return Err(AppError::Forbidden(
            "Metrics are for the operators' monitoring: send its bearer token, or ask from an allowed address.".into(),
        ));
    }
    let routing = state.intake.routing.clone();
    let figures = state.targets.figures(&state.db, &routing).await?;
    state.metrics.set_target_figures(&figures);
    let text = state
        .metrics
        .render(&state.db, |id| {
            routing.desk_by_id(id).map(|d| d.slug.clone())
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// Shared by the app and its worker.
pub type SharedMetrics = Arc<Metrics>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_figures_appear_with_their_labels() {
        let metrics = Metrics::new();
        metrics.http_request("GET", "/status/{code}", 200, 0.004);
        metrics.report_received("false_claim", "api");
        metrics.delivery("report_ack", "sent", Some(0.2));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &metrics.registry).expect("encodes");
        assert!(
            text.contains(
                r#"desk_http_requests_total{method="GET",route="/status/{code}",status="200"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"desk_reports_received_total{category="false_claim",channel="api"} 1"#)
        );
        assert!(
            text.contains(r#"desk_outbox_deliveries_total{kind="report_ack",result="sent"} 1"#)
        );
        assert!(text.contains("desk_outbox_delivery_latency_seconds_bucket"));
    }
}
