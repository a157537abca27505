//! Article snapshots: what an article's page showed when it was reported, and again when it was
//! resolved or an editor asked, so that an edit made after a report (even a silent one) is seen.
//!
//! * When: intake queues a snapshot job when an article gets its first report, and a decision
//!   that resolves the article queues another, both in the transaction that caused them
//!   ([`service::on_report`], [`service::on_resolved`]). The jobs are outbox rows of kind
//!   `article_snapshot`: the outbox worker runs them ([`service::Snapshotter::run_job`]) with
//!   its retries, backoff and `dead` state, and the outbox page can retry them. An editor's
//!   "Fetch again" queues one too; `disinfo-desk snapshot` fetches at once.
//! * How: only through [`crate::outbound`], with the policy built from `[evidence]` (the
//!   publisher's hosts only, every address checked, https in production, a timeout, a size cap,
//!   no cookies, our User-Agent).
//! * What: one `article_snapshots` row per attempt: HTTP status, final URL, `Last-Modified`,
//!   `ETag`, the main text ([`extract`]) and its SHA-256, or the error.
//! * Shown: the article page has the first snapshot's text with each report's passage
//!   highlighted ([`compare::find_passage`]) and, when a later one differs, a word-level diff
//!   ([`compare::word_diff`]).

pub mod compare;
pub mod extract;
pub mod repo;
pub mod service;

pub use service::{EvidenceError, Snapshotter};

/// Why a snapshot was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The article got its first report.
    FirstReport,
    /// A decision resolved the article (corrected, clarified or no error found).
    Resolved,
    /// An editor asked ("Fetch again", or `disinfo-desk snapshot`).
    OnDemand,
}

impl Reason {
    pub const ALL: [Reason; 3] = [Self::FirstReport, Self::Resolved, Self::OnDemand];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstReport => "first_report",
            Self::Resolved => "resolved",
            Self::OnDemand => "on_demand",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_stored_names() {
        for reason in Reason::ALL {
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(Reason::parse("whenever"), None);
    }
}
