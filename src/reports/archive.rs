//! Data out: every report with its events, as JSON lines or CSV, for archives and research
//! (`disinfo-desk export`). Streamed a page at a time: a million reports hold one page in memory.
//! Reporters' names, emails and phone numbers only when the operator asks for them
//! (`--with-personal-data`); there is no HTTP route to this, so only someone who can run the binary against the database
//! can take them.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::repo::{self, EventRow};
use crate::dashboard::export::field;
use crate::routing::Routing;
use crate::storage::{Db, StorageError};

const PAGE: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Csv,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("could not write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("could not encode a report: {0}")]
    Encode(#[from] serde_json::Error),
}

impl From<diesel::result::Error> for ExportError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

pub struct ExportOptions {
    pub format: Format,
    pub since: Option<NaiveDateTime>,
    pub with_personal_data: bool,
}

#[derive(Serialize)]
struct Event<'a> {
    at: String,
    actor: &'a str,
    kind: &'a str,
    from: Option<&'a str>,
    to: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct Reporter<'a> {
    name: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    /// The caller agreed to their contact details being kept (reports entered by editors).
    contact_consent: bool,
    wants_outcome: bool,
}

#[derive(Serialize)]
struct Exported<'a> {
    tracking_code: &'a str,
    received_at: String,
    updated_at: String,
    decided_at: Option<String>,
    status: &'a str,
    category: &'a str,
    language: &'a str,
    channel: &'a str,
    desk: Option<String>,
    article_url: &'a str,
    submitted_url: &'a str,
    passage: Option<&'a str>,
    explanation: &'a str,
    evidence_urls: Vec<String>,
    outcome_note: Option<&'a str>,
    correction_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reporter: Option<Reporter<'a>>,
    events: Vec<Event<'a>>,
}

const CSV_COLUMNS: &[&str] = &[
    "tracking_code",
    "received_at",
    "updated_at",
    "decided_at",
    "status",
    "category",
    "language",
    "channel",
    "desk",
    "article_url",
    "submitted_url",
    "passage",
    "explanation",
    "evidence_urls",
    "outcome_note",
    "correction_url",
    "events",
];
const CSV_PERSONAL_COLUMNS: &[&str] = &[
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "contact_consent",
    "wants_outcome",
];

fn time(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

fn csv_line(cells: impl IntoIterator<Item = String>) -> String {
    let mut line = cells
        .into_iter()
        .map(|c| field(&c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// How many reports the export will hold (for the progress bar).
pub fn count(db: &Db, since: Option<NaiveDateTime>) -> Result<u64, ExportError> {
    let n = db.write_blocking(|conn| repo::count_since(conn, since).map_err(ExportError::from))?;
    Ok(n.max(0) as u64)
}

/// Writes the export to `out`; `progress` is told after each page how many reports were written.
pub fn write(
    db: &Db,
    routing: &Routing,
    options: &ExportOptions,
    out: &mut impl Write,
    mut progress: impl FnMut(u64),
) -> Result<u64, ExportError> {
    if options.format == Format::Csv {
        let mut columns: Vec<&str> = CSV_COLUMNS.to_vec();
        if options.with_personal_data {
            columns.extend_from_slice(CSV_PERSONAL_COLUMNS);
        }
        out.write_all(csv_line(columns.into_iter().map(str::to_string)).as_bytes())?;
    }
    let mut after = 0;
    let mut written = 0u64;
    loop {
        let (page, events) = db.write_blocking(|conn| {
            let page = repo::export_page(conn, after, options.since, PAGE)?;
            let ids: Vec<i64> = page.iter().map(|(r, _)| r.id).collect();
            let events = repo::events_of_reports(conn, &ids)?;
            Ok::<_, ExportError>((page, events))
        })?;
        let Some((last, _)) = page.last() else { break };
        after = last.id;
        let mut by_report: HashMap<i64, Vec<&EventRow>> = HashMap::new();
        for event in &events {
            by_report.entry(event.report_id).or_default().push(event);
        }
        for (report, article) in &page {
            let events: Vec<Event<'_>> = by_report
                .get(&report.id)
                .map(|list| {
                    list.iter()
                        .map(|e| Event {
                            at: time(e.created_at),
                            actor: &e.actor,
                            kind: &e.kind,
                            from: e.from_status.as_deref(),
                            to: e.to_status.as_deref(),
                            note: e.note.as_deref(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let exported = Exported {
                tracking_code: &report.tracking_code,
                received_at: time(report.created_at),
                updated_at: time(report.updated_at),
                decided_at: report.decided_at.map(time),
                status: &report.status,
                category: &report.category,
                language: &report.language,
                channel: &report.channel,
                desk: report
                    .desk_id
                    .and_then(|id| routing.desk_by_id(id))
                    .map(|d| d.slug.clone()),
                article_url: &article.canonical_url,
                submitted_url: &report.submitted_url,
                passage: report.passage.as_deref(),
                explanation: &report.explanation,
                evidence_urls: serde_json::from_str(&report.evidence_urls).unwrap_or_default(),
                outcome_note: report.outcome_note.as_deref(),
                correction_url: report.correction_url.as_deref(),
                reporter: options.with_personal_data.then_some(Reporter {
                    name: report.reporter_name.as_deref(),
                    email: report.reporter_email.as_deref(),
                    phone: report.reporter_phone.as_deref(),
                    contact_consent: report.contact_consent,
                    wants_outcome: report.wants_outcome,
                }),
                events,
            };
            match options.format {
                Format::JsonLines => {
                    serde_json::to_writer(&mut *out, &exported)?;
                    out.write_all(b"\n")?;
                }
                Format::Csv => {
                    let mut cells = vec![
                        exported.tracking_code.to_string(),
                        exported.received_at.clone(),
                        exported.updated_at.clone(),
                        exported.decided_at.clone().unwrap_or_default(),
                        exported.status.to_string(),
                        exported.category.to_string(),
                        exported.language.to_string(),
                        exported.channel.to_string(),
                        exported.desk.clone().unwrap_or_default(),
                        exported.article_url.to_string(),
                        exported.submitted_url.to_string(),
                        exported.passage.unwrap_or_default().to_string(),
                        exported.explanation.to_string(),
                        exported.evidence_urls.join(" "),
                        exported.outcome_note.unwrap_or_default().to_string(),
                        exported.correction_url.unwrap_or_default().to_string(),
                        serde_json::to_string(&exported.events)?,
                    ];
                    if let Some(reporter) = &exported.reporter {
                        cells.push(reporter.name.unwrap_or_default().to_string());
                        cells.push(reporter.email.unwrap_or_default().to_string());
                        cells.push(reporter.phone.unwrap_or_default().to_string());
                        cells.push(reporter.contact_consent.to_string());
                        cells.push(reporter.wants_outcome.to_string());
                    }
                    out.write_all(csv_line(cells).as_bytes())?;
                }
            }
            written += 1;
        }
        progress(written);
    }
    out.flush()?;
    Ok(written)
}
