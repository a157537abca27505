//! Reading the log: pages of notices and the notice of one article by any of its URLs.

use chrono::NaiveDateTime;

use super::CorrectionError;
use super::repo::{self, NoticeRow};
use crate::articles::repo::{micros_to_time, time_to_micros};
use crate::articles::{HostCheck, UrlPolicy};
use crate::i18n::Messages;
use crate::reports::FieldErrors;
use crate::reports::editorial::is_web_address;
use crate::storage::Db;

/// The outcomes the log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Corrected,
    Clarified,
}

impl Outcome {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "corrected" => Some(Self::Corrected),
            "clarified" => Some(Self::Clarified),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Corrected => "corrected",
            Self::Clarified => "clarified",
        }
    }

    /// Its name for readers, as the status page words it.
    pub fn label_id(self) -> &'static str {
        match self {
            Self::Corrected => "status-corrected",
            Self::Clarified => "status-clarified",
        }
    }
}

/// A published correction or clarification: what anyone may read. Nothing from the reports
/// themselves (no reporter, no internal note), only the decision's note to the reader and link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub article_id: i64,
    pub canonical_url: String,
    /// The decision's event (stable: a later decision is a new notice).
    pub event_id: i64,
    pub outcome: Outcome,
    pub decided_at: NaiveDateTime,
    /// `report_events.public_note` of the decision, never its internal note.
    pub public_note: Option<String>,
    /// The correction's address (http or https only).
    pub correction_url: Option<String>,
}

impl Notice {
    fn of(row: NoticeRow) -> Option<Self> {
        Some(Self {
            article_id: row.article_id,
            canonical_url: row.canonical_url,
            event_id: row.event_id,
            outcome: Outcome::parse(&row.outcome)?,
            decided_at: row.decided_at,
            public_note: row.public_note.filter(|n| !n.trim().is_empty()),
            correction_url: row.correction_url.filter(|u| is_web_address(u)),
        })
    }

    /// Where the next page starts when this is the last notice of a page.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            decided_at: self.decided_at,
            article_id: self.article_id,
        }
    }
}

/// A position in the log: the decision time and article id of the last notice shown. Written
/// `<microseconds since 1970>.<article id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub decided_at: NaiveDateTime,
    pub article_id: i64,
}

impl Cursor {
    pub fn parse(text: &str) -> Option<Self> {
        let (micros, id) = text.trim().split_once('.')?;
        let micros: i64 = micros.parse().ok()?;
        let article_id: i64 = id.parse().ok()?;
        (micros >= 0 && article_id > 0).then(|| Self {
            decided_at: micros_to_time(micros),
            article_id,
        })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", time_to_micros(self.decided_at), self.article_id)
    }
}

/// The most notices one page may ask for.
pub const MAX_PAGE: i64 = 100;

/// One page of the log, newest first, and the cursor of the next page if there is one.
pub async fn page(
    db: &Db,
    after: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Notice>, Option<Cursor>), CorrectionError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let rows = db
        .read(move |conn| {
            repo::page(conn, after.map(|c| (c.decided_at, c.article_id)), limit + 1)
                .map_err(CorrectionError::from)
        })
        .await?;
    let more = rows.len() as i64 > limit;
    let notices: Vec<Notice> = rows
        .into_iter()
        .take(limit as usize)
        .filter_map(Notice::of)
        .collect();
    let next = if more {
        notices.last().map(Notice::cursor)
    } else {
        None
    };
    Ok((notices, next))
}

/// The notice of the article `raw_url` names, canonicalised exactly as intake does (any host:
/// a URL of another site is simply not in the log).
pub async fn lookup(
    db: &Db,
    urls: &UrlPolicy,
    raw_url: Option<&str>,
    t: &Messages,
) -> Result<Notice, CorrectionError> {
    let raw = raw_url.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Err(CorrectionError::Invalid(FieldErrors::single(
            "url",
            t.t("validation-required"),
        )));
    }
    let canonical = urls.canonicalize(raw, HostCheck::AnyHost).map_err(|e| {
        CorrectionError::Invalid(FieldErrors::single(
            "url",
            crate::reports::input::url_message(&e, t),
        ))
    })?;
    let canonical = canonical.into_string();
    let row = db
        .read(move |conn| repo::for_canonical_url(conn, &canonical).map_err(CorrectionError::from))
        .await?;
    row.and_then(Notice::of).ok_or(CorrectionError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = micros_to_time(1_780_000_000_123_456);
        let cursor = Cursor {
            decided_at: at,
            article_id: 42,
        };
        assert_eq!(cursor.encode(), "1780000000123456.42");
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for bad in ["", "x", "1.", ".1", "1.0", "-5.3", "1.2.3", "abc.4"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_corrections_and_clarifications_are_notices() {
        assert_eq!(Outcome::parse("corrected"), Some(Outcome::Corrected));
        assert_eq!(Outcome::parse("clarified"), Some(Outcome::Clarified));
        assert_eq!(Outcome::parse("no_error"), None);
    }
}
