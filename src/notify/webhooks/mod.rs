//! Webhooks: signed HTTP POSTs of events to endpoints that admins register (docs/WEBHOOKS.md).
//!
//! Each delivery is an outbox row of kind `webhook`, written in the transaction of the change it
//! tells of, one per endpoint subscribed to the event; the outbox worker sends it with the same
//! claims, retries, backoff and dead state as email (`delivery`). Signed as Standard Webhooks do
//! it (`signature`). The stored body holds no personal data: a trusted endpoint's is completed
//! from the report when it is sent (`payload`), so an erasure or the retention purge applies to
//! messages still waiting too.
//!
//! `service` registers, lists and removes endpoints and queues events; `repo` is the storage,
//! `secret` how signing secrets are kept, `http` the admins' page.

pub mod delivery;
pub mod http;
pub mod payload;
pub mod repo;
pub mod secret;
pub mod service;
pub mod signature;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::reports::FieldErrors;
use crate::storage::StorageError;

pub use delivery::{Delivery, Webhooks};

/// What an endpoint can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum EventType {
    /// A report was received, by any channel (form, API, phone or letter, email).
    ReportCreated,
    /// A report moved in the lifecycle (one decision, a bulk action, an article-wide decision).
    ReportStatusChanged,
    /// An editor decided a whole article at once.
    ArticleResolved,
    /// An article drew many reports quickly and its escalation desk was alerted.
    ArticleEscalated,
}

impl EventType {
    pub const ALL: [EventType; 4] = [
        Self::ReportCreated,
        Self::ReportStatusChanged,
        Self::ArticleResolved,
        Self::ArticleEscalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReportCreated => "report.created",
            Self::ReportStatusChanged => "report.status_changed",
            Self::ArticleResolved => "article.resolved",
            Self::ArticleEscalated => "article.escalated",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// Catalog id of its description on the admins' page.
    pub fn label_id(self) -> &'static str {
        match self {
            Self::ReportCreated => "desk-webhooks-event-report_created",
            Self::ReportStatusChanged => "desk-webhooks-event-report_status_changed",
            Self::ArticleResolved => "desk-webhooks-event-article_resolved",
            Self::ArticleEscalated => "desk-webhooks-event-article_escalated",
        }
    }

    /// Every event type's name, for messages: `report.created, report.status_changed, …`.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// A registered endpoint, as admins see it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: Vec<EventType>,
    /// Gets the reporter's personal data and the texts a reader wrote.
    pub trusted: bool,
    /// `editor:<email>` from the dashboard, `cli` from the command line.
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub enabled: bool,
    /// Why it was disabled (a 410 Gone answer), and when.
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
}

impl Endpoint {
    pub fn wants(&self, event: EventType) -> bool {
        self.enabled && self.events.contains(&event)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("the webhook endpoint has invalid fields")]
    Invalid(FieldErrors),
    #[error("no webhook endpoint has that id")]
    NotFound,
    #[error("the system random number generator failed")]
    Randomness,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl WebhookError {
    /// The message for `disinfo-desk webhook ...`: each bad field named as the command's
    /// argument (`URL`, `--event`).
    pub fn for_command_line(&self) -> String {
        match self {
            Self::Invalid(fields) => fields
                .fields()
                .flat_map(|field| {
                    let name = match field {
                        "url" => "URL",
                        "events" => "--event",
                        other => other,
                    };
                    fields
                        .get(field)
                        .iter()
                        .map(move |m| format!("{name}: {m}"))
                })
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        }
    }
}

impl From<diesel::result::Error> for WebhookError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip_through_their_names() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
            // The specification's advice: dot-delimited identifiers of [a-zA-Z0-9_].
            assert!(
                event.as_str().split('.').all(|part| !part.is_empty()
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
                "{}",
                event.as_str()
            );
        }
        assert_eq!(EventType::parse("report.deleted"), None);
        assert_eq!(
            EventType::names(),
            "report.created, report.status_changed, article.resolved, article.escalated"
        );
    }
}
