//! The reminder email: a desk's reports that passed a response target, written when it goes out.
//! Reports triaged or decided since they were marked drop out of it (counted, not listed), as
//! the desk digests do; when none is left it is not sent.

use diesel::QueryResult;

use super::{Step, TargetTable, repo};
use crate::i18n::messages;
use crate::notify::emails::{self, DeskOverdue, Email, EmailError, OverdueItem};
use crate::notify::repo::OutboxRow;
use crate::notify::worker::RenderContext;
use crate::reports::ReportStatus;
use crate::storage::{DbConn, now};

/// A reminder lists at most this many reports (the most overdue); the rest are counted.
pub const MAX_LISTED: usize = 100;
/// Reports read per step for one reminder: enough to list a page and count what is left out.
const READ_PER_STEP: i64 = 5_000;

/// Why a reminder is not sent (recorded on its cancelled row).
pub const NOTHING_LEFT: &str =
    "every report it would list was triaged or decided before it went out";

/// The reminder of outbox row `row`; `None` when nothing is left to remind of.
pub fn render(
    conn: &mut DbConn,
    context: &RenderContext,
    row: &OutboxRow,
) -> QueryResult<Option<Result<Email, EmailError>>> {
    let table = TargetTable::new(context.targets, repo::own_targets(conn)?);
    let now = now();
    let t = messages(&row.language);
    let mut waiting = Vec::new();
    let mut left_out = 0;
    for step in Step::ALL {
        for (report, article) in repo::reminded_in(conn, step, row.id, READ_PER_STEP)? {
            // Still waiting for the step it was reminded of; else it moved on meanwhile.
            let still = ReportStatus::parse(&report.status).and_then(Step::of) == Some(step);
            if !still {
                left_out += 1;
                continue;
            }
            let standing = table.due(step, report.desk_id, report.opened_at);
            waiting.push((standing, report, article));
        }
    }
    if waiting.is_empty() {
        return Ok(None);
    }
    waiting.sort_by_key(|(standing, report, _)| (standing.due, report.id));
    let more = waiting.len().saturating_sub(MAX_LISTED);
    waiting.truncate(MAX_LISTED);
    let items = waiting
        .into_iter()
        .map(|(standing, report, article)| OverdueItem {
            report_desk_url: format!(
                "{}/desk/reports/{}",
                context.public_url, report.tracking_code
            ),
            code: report.tracking_code,
            article: emails::article_label(
                &article.canonical_url,
                &article.host,
                &context.publisher_hosts,
            ),
            article_desk_url: format!("{}/desk/articles/{}", context.public_url, article.id),
            standing: standing.describe(t, now),
        })
        .collect();
    let desk = row.desk_id.and_then(|id| context.routing.desk_by_id(id));
    let queue_url = format!(
        "{}/desk?desk={}&overdue=1",
        context.public_url,
        desk.map(|d| d.slug.as_str()).unwrap_or("any")
    );
    Ok(Some(
        DeskOverdue {
            t,
            publisher: &context.publisher,
            desk: desk.map(|d| d.name.as_str()).unwrap_or_default(),
            items,
            more,
            left_out,
            queue_url: &queue_url,
        }
        .render(),
    ))
}
