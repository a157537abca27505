//! Notifications: an outbox in the database, written in the transaction that caused each message,
//! and a worker that delivers it with retries. Nothing is emailed from inside a request.

pub mod admin;
pub mod emails;
pub mod mailer;
pub mod outbox;
pub mod repo;
pub mod webhooks;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

/// What a message is about; decides its template and recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// To the reporter: we received your report, here is your tracking code.
    ReportAck,
    /// To the desk: the first report on an article in a while.
    DeskAlert,
    /// To the desk: the further reports on that article within the alert window, in one email.
    DeskDigest,
    /// To the standards desk: an article drew many reports quickly.
    Escalation,
    /// To the reporter who asked: the decision on their report.
    ReportOutcome,
    /// To an editor: a report was assigned to them.
    ReportAssigned,
    /// To the desk: reports on many different articles in one alert window, together.
    DeskRoundup,
    /// To the address given with a report: confirm the erasure of the reporter's data.
    ErasureConfirm,
    /// To the desk: a reporter replied by email; the reply is on the report's timeline.
    ReaderReply,
    /// Not an email: fetch the article's page and keep what it showed (`crate::evidence`).
    ArticleSnapshot,
    /// To a registered endpoint: a signed HTTP POST of an event (`notify::webhooks`).
    Webhook,
    /// To the desk: a reporter appealed a "no error found" decision; the report is reopened.
    AppealReceived,
    /// To the desk: its reports that passed a response target, at most one digest an hour.
    DeskOverdue,
}

impl MessageKind {
    pub const ALL: [MessageKind; 13] = [
        Self::ReportAck,
        Self::DeskAlert,
        Self::DeskDigest,
        Self::Escalation,
        Self::ReportOutcome,
        Self::ReportAssigned,
        Self::DeskRoundup,
        Self::ErasureConfirm,
        Self::ReaderReply,
        Self::ArticleSnapshot,
        Self::Webhook,
        Self::AppealReceived,
        Self::DeskOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReportAck => "report_ack",
            Self::DeskAlert => "desk_alert",
            Self::DeskDigest => "desk_digest",
            Self::Escalation => "escalation",
            Self::ReportOutcome => "report_outcome",
            Self::ReportAssigned => "report_assigned",
            Self::DeskRoundup => "desk_roundup",
            Self::ErasureConfirm => "erasure_confirm",
            Self::ReaderReply => "reader_reply",
            Self::ArticleSnapshot => "article_snapshot",
            Self::Webhook => "webhook",
            Self::AppealReceived => "appeal_received",
            Self::DeskOverdue => "desk_overdue",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// Delivery states of an outbox row.
pub mod status {
    pub const PENDING: &str = "pending";
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    /// Failed permanently, or out of attempts: an operator may retry it.
    pub const DEAD: &str = "dead";
    /// No longer wanted (the reporter unsubscribed before it went out).
    pub const CANCELLED: &str = "cancelled";
}

/// Wakes the worker after a commit that queued mail, so messages do not wait for the next poll.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn wake(&self) {
        self.0.notify_one();
    }
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
        }
        // A kind missing from ALL would be stored but never rendered: match exhaustively.
        let listed = |kind: MessageKind| MessageKind::ALL.contains(&kind);
        for kind in [
            MessageKind::ReportAck,
            MessageKind::DeskAlert,
            MessageKind::DeskDigest,
            MessageKind::Escalation,
            MessageKind::ReportOutcome,
            MessageKind::ReportAssigned,
            MessageKind::DeskRoundup,
            MessageKind::ErasureConfirm,
            MessageKind::ReaderReply,
            MessageKind::ArticleSnapshot,
            MessageKind::Webhook,
            MessageKind::AppealReceived,
            MessageKind::DeskOverdue,
        ] {
            match kind {
                MessageKind::ReportAck
                | MessageKind::DeskAlert
                | MessageKind::DeskDigest
                | MessageKind::Escalation
                | MessageKind::ReportOutcome
                | MessageKind::ReportAssigned
                | MessageKind::DeskRoundup
                | MessageKind::ErasureConfirm
                | MessageKind::ReaderReply
                | MessageKind::ArticleSnapshot
                | MessageKind::Webhook
                | MessageKind::AppealReceived
                | MessageKind::DeskOverdue => assert!(listed(kind), "{kind:?} missing from ALL"),
            }
        }
    }
}
