//! The CSV export of a filtered report list, streamed a page at a time so that exporting a
//! million reports holds one page in memory, never the whole list.

use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::Stream;

use super::Editor;
use crate::articles::Article;
use crate::error::AppError;
use crate::reports::editorial;
use crate::reports::repo::{ReportFilter, ReportRow};
use crate::reports::service::IntakeContext;
use crate::storage::Db;

const BATCH: i64 = 500;

const COLUMNS: &[&str] = &[
    "tracking_code",
    "received_at",
    "status",
    "category",
    "language",
    "channel",
    "desk",
    "assignee",
    "article_url",
    "submitted_url",
    "passage",
    "explanation",
    "evidence_urls",
    "outcome_note",
    "correction_url",
    "decided_at",
];
/// Personal data: only in an admin's export.
const REPORTER_COLUMNS: &[&str] = &["reporter_name", "reporter_email", "wants_outcome"];

/// One CSV field (RFC 4180 quoting). A value a spreadsheet would run as a formula is prefixed
/// with `'`: report text is written by strangers.
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn line(fields: impl IntoIterator<Item = String>) -> String {
    let mut out = fields
        .into_iter()
        .map(|f| field(&f))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

pub fn header(with_reporter: bool) -> String {
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    if with_reporter {
        columns.extend(REPORTER_COLUMNS.iter().map(|c| c.to_string()));
    }
    line(columns)
}

struct Names {
    context: Arc<IntakeContext>,
    roster: Vec<(Editor, bool)>,
}

impl Names {
    fn desk(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.context.routing.desk_by_id(id))
            .map(|d| d.slug.clone())
            .unwrap_or_default()
    }
    fn assignee(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.roster.iter().find(|(e, _)| e.id == id))
            .map(|(e, _)| e.email.clone())
            .unwrap_or_default()
    }
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn row(names: &Names, report: ReportRow, article: Article, with_reporter: bool) -> String {
    let evidence: Vec<String> = serde_json::from_str(&report.evidence_urls).unwrap_or_default();
    let mut fields = vec![
        report.tracking_code,
        time(report.created_at),
        report.status,
        report.category,
        report.language,
        report.channel,
        names.desk(report.desk_id),
        names.assignee(report.assignee_id),
        article.canonical_url,
        report.submitted_url,
        report.passage.unwrap_or_default(),
        report.explanation,
        evidence.join(" "),
        report.outcome_note.unwrap_or_default(),
        report.correction_url.unwrap_or_default(),
        report.decided_at.map(time).unwrap_or_default(),
    ];
    if with_reporter {
        fields.push(report.reporter_name.unwrap_or_default());
        fields.push(report.reporter_email.unwrap_or_default());
        fields.push(report.wants_outcome.to_string());
    }
    line(fields)
}

enum Step {
    Header(ReportFilter),
    Rows(ReportFilter),
    Done,
}

/// The rows matching `filter`, newest first, as CSV, one database page per chunk.
pub fn csv_stream(
    db: Db,
    context: Arc<IntakeContext>,
    roster: Vec<(Editor, bool)>,
    mut filter: ReportFilter,
    with_reporter: bool,
) -> impl Stream<Item = Result<Bytes, AppError>> {
    filter.limit = BATCH;
    filter.before_id = None;
    let names = Arc::new(Names { context, roster });
    futures_util::stream::unfold(Step::Header(filter), move |step| {
        let db = db.clone();
        let names = names.clone();
        async move {
            match step {
                Step::Done => None,
                Step::Header(filter) => {
                    Some((Ok(Bytes::from(header(with_reporter))), Step::Rows(filter)))
                }
                Step::Rows(mut filter) => {
                    let rows = match editorial::list(&db, filter.clone()).await {
                        Ok(rows) => rows,
                        Err(e) => {
                            // The header is sent: all we can do is cut the download short.
                            tracing::error!(error = %e, "CSV export failed");
                            return Some((Err(AppError::from(e)), Step::Done));
                        }
                    };
                    if rows.is_empty() {
                        return None;
                    }
                    let full = rows.len() as i64 == BATCH;
                    filter.before_id = rows.last().map(|(r, _)| r.id);
                    let mut chunk = String::with_capacity(rows.len() * 400);
                    for (report, article) in rows {
                        chunk.push_str(&row(&names, report, article, with_reporter));
                    }
                    let next = if full { Step::Rows(filter) } else { Step::Done };
                    Some((Ok(Bytes::from(chunk)), next))
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("@cmd"), "'@cmd");
    }

    #[test]
    fn the_header_names_personal_columns_only_for_admins() {
        assert!(!header(false).contains("reporter_email"));
        assert!(header(true).contains("reporter_name,reporter_email,wants_outcome"));
        assert!(header(false).ends_with("decided_at\r\n"));
    }
}
