//! The CSV export of a filtered report list, streamed a page at a time so that exporting a
//! million reports holds one page in memory, never the whole list. Reporters' contact details
//! are in it on need to know: a row's details are filled only for an exporter who may see them
//! (the report's desk, or an admin); `reporter_contact` says `shown`, `withheld` or `none`.

use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::Stream;

use super::Editor;
use super::contact::{ContactView, ExportRecord, ReporterContact};
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
/// After [`COLUMNS`]: the reporter's contact details (on need to know), then whether they asked
/// for the outcome, then what the exporter was given of the details.
const REPORTER_COLUMNS_AFTER: &[&str] = &["wants_outcome", "reporter_contact"];

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV field, always quoted (RFC 4180). Report text is written by strangers: a spreadsheet
/// that splits cells again on `;`, `,` or tab, or that trims spaces, must not find a formula, so
/// a formula character at the start, or after one of those (and any spaces), gets a `'` first.
pub fn field(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 4);
    out.push('"');
    // At the start of the cell, or of a piece a spreadsheet might split off.
    let mut piece_start = true;
    for c in value.chars() {
        if piece_start && FORMULA_STARTS.contains(&c) {
            out.push('\'');
        }
        if c == '"' {
            out.push('"');
        }
        out.push(c);
        piece_start = matches!(c, ';' | ',' | '\t') || (piece_start && c == ' ');
    }
    out.push('"');
    out
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

pub fn header() -> String {
    line(
        COLUMNS
            .iter()
            .chain(ReporterContact::COLUMNS)
            .chain(REPORTER_COLUMNS_AFTER)
            .map(|c| c.to_string()),
    )
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

/// One report as a CSV line, and whether its contact details are in it.
fn row(names: &Names, reader: &Editor, report: ReportRow, article: Article) -> (String, bool) {
    let contact = ContactView::of(reader, &report, &names.context.routing);
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
    fields.extend(contact.contact().cells());
    fields.push(report.wants_outcome.to_string());
    fields.push(contact.state().to_string());
    (line(fields), contact.is_shown())
}

enum Step {
    Header(ReportFilter, ExportRecord),
    Rows(ReportFilter, ExportRecord),
    Done,
}

/// The rows matching `filter`, newest first, as CSV, one database page per chunk. Before a
/// chunk with contact details is sent, `record` counts them; when it cannot, the export stops.
pub fn csv_stream(
    db: Db,
    context: Arc<IntakeContext>,
    roster: Vec<(Editor, bool)>,
    mut filter: ReportFilter,
    reader: Editor,
    record: ExportRecord,
) -> impl Stream<Item = Result<Bytes, AppError>> {
    filter.limit = BATCH;
    filter.before_id = None;
    let names = Arc::new(Names { context, roster });
    let reader = Arc::new(reader);
    futures_util::stream::unfold(Step::Header(filter, record), move |step| {
        let db = db.clone();
        let names = names.clone();
        let reader = reader.clone();
        async move {
            match step {
                Step::Done => None,
                Step::Header(filter, record) => {
                    Some((Ok(Bytes::from(header())), Step::Rows(filter, record)))
                }
                Step::Rows(mut filter, mut record) => {
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
                    let mut shown = 0;
                    for (report, article) in rows {
                        let (line, with_contact) = row(&names, &reader, report, article);
                        chunk.push_str(&line);
                        shown += i64::from(with_contact);
                    }
                    if let Err(e) = record.add(&db, shown).await {
                        // Unrecorded, the details are not sent.
                        tracing::error!(error = %e, "CSV export: the contact read was not recorded");
                        return Some((Err(AppError::from(e)), Step::Done));
                    }
                    let next = if full {
                        Step::Rows(filter, record)
                    } else {
                        Step::Done
                    };
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
        assert_eq!(field("plain"), "\"plain\"");
        assert_eq!(field(""), "\"\"");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("@cmd"), "\"'@cmd\"");
        assert_eq!(field("-2"), "\"'-2\"");
        assert_eq!(field("\t=1"), "\"'\t'=1\"");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn formulas_after_a_separator_are_defused_too() {
        assert_eq!(field("Wrong figure;=2+5"), "\"Wrong figure;'=2+5\"");
        assert_eq!(field("a,+1"), "\"a,'+1\"");
        assert_eq!(field("a\t@x"), "\"a\t'@x\"");
        assert_eq!(
            field("a; -1"),
            "\"a; '-1\"",
            "spaces a spreadsheet may trim"
        );
        assert_eq!(field("  =1"), "\"  '=1\"");
        assert_eq!(field("a;;=1"), "\"a;;'=1\"");
        assert_eq!(
            field("1-2=3 a@b.c"),
            "\"1-2=3 a@b.c\"",
            "inside a piece: left alone"
        );
    }

    #[test]
    fn the_header_names_the_contact_columns_for_everyone() {
        let header = header();
        assert!(header.starts_with("\"tracking_code\",\"received_at\""));
        assert!(header.ends_with(
            "\"decided_at\",\"reporter_name\",\"reporter_email\",\"reporter_phone\",\"wants_outcome\",\"reporter_contact\"\r\n"
        ));
    }
}
