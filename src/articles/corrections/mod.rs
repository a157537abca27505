//! The public corrections log: every article whose public decision is a correction or a
//! clarification, newest first (`/corrections`, its Atom feed and JSON), and the notice of one
//! article by any of its URLs, with schema.org JSON-LD a CMS can embed.
//!
//! "The" public decision of an article is the latest current decision among its resolved
//! reports (corrected, clarified or no_error; newest by time, then by event). Reopening a report
//! takes its decision out of the reckoning until it is decided again; a later "no error found"
//! on the article takes the article out of the log. See [`repo::refresh`].

pub mod http;
pub mod repo;
pub mod service;

use chrono::NaiveDateTime;

use crate::reports::FieldErrors;
use crate::storage::StorageError;

pub use service::{Cursor, Notice, Outcome};

#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("some parameters are not valid")]
    Invalid(FieldErrors),
    #[error("no correction or clarification has been published for this article")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for CorrectionError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

/// RFC 3339 in UTC, as every answer of the API writes times.
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
