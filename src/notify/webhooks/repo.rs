//! Webhook storage: the only place that names `webhook_endpoints` (and the outbox columns of
//! webhook deliveries).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Endpoint, EventType};
use crate::notify::{MessageKind, status};
use crate::storage::DbConn;
use crate::storage::schema::{outbox, webhook_endpoints};

#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    /// A JSON array of event types.
    pub events: String,
    pub trusted: bool,
    /// Encrypted (`secret::SecretBox`): never shown, never logged.
    pub secret: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
}

impl std::fmt::Debug for EndpointRow {
    /// Everything but the secret, even sealed: it is never logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointRow")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("trusted", &self.trusted)
            .field("secret", &"********")
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl EndpointRow {
    /// What admins see: everything but the secret. Unknown stored event names are left out.
    pub fn endpoint(&self) -> Endpoint {
        let names: Vec<String> = serde_json::from_str(&self.events).unwrap_or_default();
        Endpoint {
            id: self.id,
            url: self.url.clone(),
            events: names.iter().filter_map(|n| EventType::parse(n)).collect(),
            trusted: self.trusted,
            created_by: self.created_by.clone(),
            created_at: self.created_at,
            enabled: self.enabled,
            disabled_reason: self.disabled_reason.clone(),
            disabled_at: self.disabled_at,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct InsertEndpoint<'a> {
    pub url: &'a str,
    pub events: &'a str,
    pub trusted: bool,
    pub secret: &'a str,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
    pub enabled: bool,
}

pub fn insert_endpoint(conn: &mut DbConn, row: &InsertEndpoint<'_>) -> QueryResult<EndpointRow> {
    diesel::insert_into(webhook_endpoints::table)
        .values(row)
        .returning(webhook_endpoints::all_columns)
        .get_result(conn)
}

pub fn list_endpoints(conn: &mut DbConn) -> QueryResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .order(webhook_endpoints::id.asc())
        .select(EndpointRow::as_select())
        .load(conn)
}

/// The endpoints events are queued for (a handful: read whole on each event).
pub fn enabled_endpoints(conn: &mut DbConn) -> QueryResult<Vec<EndpointRow>> {
    crate::on_its_backend!(conn, c => webhook_endpoints::table
        .filter(webhook_endpoints::enabled.eq(true))
        .order(webhook_endpoints::id.asc())
        .select(EndpointRow::as_select())
        .load(c))
}

pub fn find_endpoint(conn: &mut DbConn, id: i64) -> QueryResult<Option<EndpointRow>> {
    webhook_endpoints::table
        .find(id)
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()
}

/// Removes an endpoint and its secret. Its deliveries stay in the outbox (those not sent yet are
/// cancelled when the worker reaches them). True when it existed.
pub fn delete_endpoint(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    diesel::delete(webhook_endpoints::table.find(id))
        .execute(conn)
        .map(|n| n == 1)
}

/// Stops deliveries to an endpoint, saying why. True when it was enabled.
pub fn disable_endpoint(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::enabled.eq(true)),
    )
    .set((
        webhook_endpoints::enabled.eq(false),
        webhook_endpoints::disabled_reason.eq(reason),
        webhook_endpoints::disabled_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Delivers to an endpoint again (events from now on). True when it was disabled.
pub fn enable_endpoint(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::enabled.eq(false)),
    )
    .set((
        webhook_endpoints::enabled.eq(true),
        webhook_endpoints::disabled_reason.eq(None::<String>),
        webhook_endpoints::disabled_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// One delivery waiting in the outbox.
#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct InsertDelivery<'a> {
    pub message_id: &'a str,
    pub kind: &'a str,
    /// The endpoint's URL, as a JSON list: what the outbox page shows as "To".
    pub recipients: &'a str,
    pub language: &'a str,
    pub report_id: Option<i64>,
    pub article_id: Option<i64>,
    pub desk_id: Option<i64>,
    pub status: &'a str,
    pub due_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub payload: &'a str,
    pub webhook_endpoint_id: i64,
}

/// Queues one event for one endpoint, due now.
pub fn insert_delivery(
    conn: &mut DbConn,
    message_id: &str,
    endpoint: &EndpointRow,
    payload: &str,
    report_id: Option<i64>,
    article_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let recipients = serde_json::to_string(&[&endpoint.url]).unwrap_or_else(|_| "[]".into());
    diesel::insert_into(outbox::table)
        .values(&InsertDelivery {
            message_id,
            kind: MessageKind::Webhook.as_str(),
            recipients: &recipients,
            language: "en",
            report_id,
            article_id,
            desk_id: None,
            status: status::PENDING,
            due_at: now,
            created_at: now,
            payload,
            webhook_endpoint_id: endpoint.id,
        })
        .execute(conn)
        .map(|_| ())
}
