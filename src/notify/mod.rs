//! Notifications: an outbox in the database, written in the transaction that caused each message,
//! and a worker that delivers it with retries. Nothing is emailed from inside a request.

pub mod admin;
pub mod emails;
pub mod mailer;
pub mod outbox;
pub mod repo;
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
}

impl MessageKind {
    pub const ALL: [MessageKind; 4] = [
        Self::ReportAck,
        Self::DeskAlert,
        Self::DeskDigest,
        Self::Escalation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReportAck => "report_ack",
            Self::DeskAlert => "desk_alert",
            Self::DeskDigest => "desk_digest",
            Self::Escalation => "escalation",
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
