//! Endpoints (register, list, remove, enable again), and the events queued for them. The queue
//! functions run inside the transaction of the change they tell of: a webhook goes out if and only
//! if the change was committed.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;
use url::Url;

use super::delivery::Webhooks;
use super::payload::{self, Escalation};
use super::repo::{self, EndpointRow, InsertEndpoint};
use super::signature::SigningSecret;
use super::{Endpoint, EventType, WebhookError};
use crate::articles::Article;
use crate::config::NotifySettings;
use crate::i18n::messages;
use crate::notify::outbox::new_message_token;
use crate::notify::repo as outbox_repo;
use crate::outbound::OutboundError;
use crate::reports::repo::{self as reports_repo, ReportRow};
use crate::reports::{FieldErrors, ReportStatus};
use crate::routing::Routing;
use crate::storage::{Db, DbConn, now};

/// The longest endpoint address accepted.
pub const MAX_URL_CHARS: usize = 2048;

/// An endpoint as an admin asked for it (the page's form or the command line).
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub url: String,
    /// Event type names (`report.created`, ...).
    pub events: Vec<String>,
    pub trusted: bool,
}

/// A new endpoint and its signing secret, `whsec_…`: shown once, never again.
pub struct Registered {
    pub endpoint: Endpoint,
    pub secret: String,
}

/// Checks a registration: the address under the `[webhooks]` policy (`url`), the event names
/// (`events`). Each bad field is named.
pub fn check(
    webhooks: &Webhooks,
    input: &Registration,
) -> Result<(Url, Vec<EventType>), FieldErrors> {
    let t = messages("en");
    let mut errors = FieldErrors::default();
    let text = input.url.trim();
    let url = if text.is_empty() {
        errors.add("url", t.t("desk-webhooks-error-url_required"));
        None
    } else if text.chars().count() > MAX_URL_CHARS {
        errors.add(
            "url",
            t.t_with(
                "desk-webhooks-error-url_too_long",
                &[("max", &MAX_URL_CHARS.to_string())],
            ),
        );
        None
    } else {
        match Url::parse(text) {
            Err(error) => {
                errors.add(
                    "url",
                    t.t_with(
                        "desk-webhooks-error-url_invalid",
                        &[("reason", &error.to_string())],
                    ),
                );
                None
            }
            Ok(url) => match webhooks.check_url(&url) {
                Ok(()) => Some(url),
                Err(error) => {
                    let reason = match error {
                        OutboundError::Refused(why) => why,
                        other => other.to_string(),
                    };
                    errors.add(
                        "url",
                        t.t_with("desk-webhooks-error-url_refused", &[("reason", &reason)]),
                    );
                    None
                }
            },
        }
    };
    let mut events = Vec::new();
    for name in input
        .events
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
    {
        match EventType::parse(name) {
            Some(event) if !events.contains(&event) => events.push(event),
            Some(_) => {}
            None => errors.add(
                "events",
                t.t_with(
                    "desk-webhooks-error-event_unknown",
                    &[("event", name), ("events", &EventType::names())],
                ),
            ),
        }
    }
    if events.is_empty() && !errors.has("events") {
        errors.add(
            "events",
            t.t_with(
                "desk-webhooks-error-events_required",
                &[("events", &EventType::names())],
            ),
        );
    }
    events.sort();
    match url {
        Some(url) if errors.is_empty() => Ok((url, events)),
        _ => Err(errors),
    }
}

/// Registers an endpoint with a new signing secret. `created_by`: `editor:<email>` or `cli`.
pub async fn register(
    db: &Db,
    webhooks: &Webhooks,
    input: Registration,
    created_by: String,
) -> Result<Registered, WebhookError> {
    let (url, events) = check(webhooks, &input).map_err(WebhookError::Invalid)?;
    let secret = SigningSecret::generate().map_err(|_| WebhookError::Randomness)?;
    let sealed = webhooks
        .secrets()
        .seal(&secret)
        .map_err(|_| WebhookError::Randomness)?;
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let events_json = serde_json::to_string(&names).unwrap_or_else(|_| "[]".into());
    let trusted = input.trusted;
    let row = db
        .write(move |conn| {
            repo::insert_endpoint(
                conn,
                &InsertEndpoint {
                    url: url.as_str(),
                    events: &events_json,
                    trusted,
                    secret: &sealed,
                    created_by: &created_by,
                    created_at: now(),
                    enabled: true,
                },
            )
            .map_err(WebhookError::from)
        })
        .await?;
    tracing::info!(endpoint_id = row.id, trusted, "webhook endpoint registered");
    Ok(Registered {
        endpoint: row.endpoint(),
        secret: secret.reveal(),
    })
}

/// One endpoint as `webhook list` prints it: id, state, data, events, address (tab-separated).
pub fn list_line(endpoint: &Endpoint) -> String {
    let events: Vec<&str> = endpoint.events.iter().map(|e| e.as_str()).collect();
    format!(
        "{}\t{}\t{}\t{}\t{}",
        endpoint.id,
        if endpoint.enabled {
            "enabled"
        } else {
            "disabled"
        },
        if endpoint.trusted {
            "trusted"
        } else {
            "untrusted"
        },
        events.join(","),
        endpoint.url
    )
}

pub async fn list(db: &Db) -> Result<Vec<Endpoint>, WebhookError> {
    db.read(|conn| {
        Ok(repo::list_endpoints(conn)?
            .iter()
            .map(EndpointRow::endpoint)
            .collect())
    })
    .await
}

/// Removes an endpoint and its secret; the deliveries still waiting for it are cancelled.
pub async fn remove(db: &Db, id: i64) -> Result<Endpoint, WebhookError> {
    let removed = db
        .write(move |conn| {
            let row = repo::find_endpoint(conn, id)?.ok_or(WebhookError::NotFound)?;
            repo::delete_endpoint(conn, id)?;
            Ok::<_, WebhookError>(row.endpoint())
        })
        .await?;
    tracing::info!(endpoint_id = id, "webhook endpoint removed");
    Ok(removed)
}

/// Delivers to a disabled endpoint again, from the next event on.
pub async fn enable(db: &Db, id: i64) -> Result<(), WebhookError> {
    db.write(move |conn| {
        repo::find_endpoint(conn, id)?.ok_or(WebhookError::NotFound)?;
        repo::enable_endpoint(conn, id)?;
        Ok(())
    })
    .await
}

/// The enabled endpoints subscribed to `event`.
fn subscribed(conn: &mut DbConn, event: EventType) -> QueryResult<Vec<EndpointRow>> {
    Ok(repo::enabled_endpoints(conn)?
        .into_iter()
        .filter(|row| row.endpoint().wants(event))
        .collect())
}

/// One outbox row per endpoint, all with the same body (each its own message id).
fn queue(
    conn: &mut DbConn,
    endpoints: &[EndpointRow],
    body: &str,
    report_id: Option<i64>,
    article_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    for endpoint in endpoints {
        repo::insert_delivery(
            conn,
            &new_message_token(),
            endpoint,
            body,
            report_id,
            article_id,
            now,
        )?;
    }
    Ok(endpoints.len())
}

fn desk_slug(routing: &Routing, desk_id: Option<i64>) -> Option<&str> {
    desk_id
        .and_then(|id| routing.desk_by_id(id))
        .map(|d| d.slug.as_str())
}

/// The endpoints that `report.created` goes to, kept between intakes, which would otherwise each
/// read them although they seldom change. Any change to `webhook_endpoints` bumps
/// `routing_version` (by trigger, migration `000130`), which intake reads in its transaction
/// anyway (see [`Routing::refresh`]): the endpoints are read again when that version moved,
/// whichever instance or command changed them.
#[derive(Default)]
pub struct Subscriptions {
    report_created: std::sync::Mutex<Kept>,
}

/// The endpoints as of a version, the newest seen.
type Kept = Option<(i64, std::sync::Arc<[EndpointRow]>)>;

impl Subscriptions {
    /// The kept list (a panic elsewhere while it was held leaves it whole: it is only replaced).
    fn cached(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.report_created
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The enabled endpoints subscribed to `report.created` as of `version`, the version of the
    /// live settings read in this transaction: from memory when it has not moved.
    fn report_created(
        &self,
        conn: &mut DbConn,
        version: i64,
    ) -> QueryResult<std::sync::Arc<[EndpointRow]>> {
        let cached = self.cached();
        if let Some((at, endpoints)) = cached.as_ref()
            && *at == version
        {
            return Ok(endpoints.clone());
        }
        drop(cached);
        // Read after the version, so never older than it: a change committed in between makes
        // the list newer than its label, and the next intake reads it again.
        let endpoints: std::sync::Arc<[EndpointRow]> =
            subscribed(conn, EventType::ReportCreated)?.into();
        let mut cached = self.cached();
        // Two intakes on two versions at once: the newer list stays.
        if cached.as_ref().is_none_or(|(at, _)| *at <= version) {
            *cached = Some((version, endpoints.clone()));
        }
        Ok(endpoints)
    }
}

/// `report.created`: a report was stored (any channel), in a transaction that read the live
/// settings' `version` (see [`Subscriptions`]). Returns how many deliveries were queued.
pub fn on_report_created(
    conn: &mut DbConn,
    routing: &Routing,
    subscriptions: &Subscriptions,
    version: i64,
    report_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let endpoints = subscriptions.report_created(conn, version)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let Some((report, article)) = reports_repo::find_by_id(conn, report_id)? else {
        return Ok(0);
    };
    let body = payload::report_created(&report, &article, desk_slug(routing, report.desk_id), now);
    queue(
        conn,
        &endpoints,
        &body,
        Some(report.id),
        Some(article.id),
        now,
    )
}

/// `report.status_changed`: after the report's row was changed from `from` to `to`.
pub fn on_report_status_changed(
    conn: &mut DbConn,
    routing: &Routing,
    report_id: i64,
    from: &str,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let endpoints = subscribed(conn, EventType::ReportStatusChanged)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let Some((report, article)) = reports_repo::find_by_id(conn, report_id)? else {
        return Ok(0);
    };
    let body = payload::report_status_changed(
        &report,
        &article,
        desk_slug(routing, report.desk_id),
        from,
        to,
        now,
    );
    queue(
        conn,
        &endpoints,
        &body,
        Some(report.id),
        Some(article.id),
        now,
    )
}

/// `article.resolved`: an editor decided the whole article; `moved` are the reports the
/// decision moved (their tracking codes and desks).
pub fn on_article_resolved(
    conn: &mut DbConn,
    routing: &Routing,
    article_id: i64,
    status: ReportStatus,
    correction_url: Option<&str>,
    moved: &[(String, Option<i64>)],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let endpoints = subscribed(conn, EventType::ArticleResolved)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let Some(article) = crate::articles::repo::find(conn, article_id)? else {
        return Ok(0);
    };
    let codes: Vec<String> = moved.iter().map(|(code, _)| code.clone()).collect();
    let mut desks: Vec<String> = moved
        .iter()
        .filter_map(|(_, desk)| desk_slug(routing, *desk).map(str::to_string))
        .collect();
    desks.sort();
    desks.dedup();
    let body = payload::article_resolved(&article, status, correction_url, &codes, &desks, now);
    queue(conn, &endpoints, &body, None, Some(article.id), now)
}

/// `article.escalated`: `report` took the article over the escalation threshold and the desk
/// `desk` (its slug) was alerted.
pub fn on_article_escalated(
    conn: &mut DbConn,
    article: &Article,
    report: &ReportRow,
    desk: &str,
    settings: &NotifySettings,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let endpoints = subscribed(conn, EventType::ArticleEscalated)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let since = now - Duration::seconds(settings.escalation_window_secs as i64);
    let recent_reports = outbox_repo::reporters_on_article_since(conn, article.id, since)?;
    let body = payload::article_escalated(
        article,
        &Escalation {
            desk,
            tracking_code: &report.tracking_code,
            recent_reports,
            threshold: settings.escalation_threshold,
            window_secs: settings.escalation_window_secs,
        },
        now,
    );
    queue(
        conn,
        &endpoints,
        &body,
        Some(report.id),
        Some(article.id),
        now,
    )
}
