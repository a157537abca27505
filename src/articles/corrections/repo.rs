//! Storage of the public corrections log: the only place that names `correction_notices`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::storage::DbConn;
use crate::storage::schema::{articles, correction_notices, report_events, reports};

/// The outcomes a reader is told of (a report's current decision, when it is one of them).
const RESOLVED: [&str; 3] = ["corrected", "clarified", "no_error"];
/// The outcomes that put an article in the log.
const LOGGED: [&str; 2] = ["corrected", "clarified"];

/// One notice of the log, as stored: the article and the decision's event.
#[derive(Debug, Clone, Queryable)]
pub struct NoticeRow {
    pub article_id: i64,
    pub canonical_url: String,
    pub event_id: i64,
    pub outcome: String,
    pub decided_at: NaiveDateTime,
    pub public_note: Option<String>,
    pub correction_url: Option<String>,
}

type NoticeColumns = (
    correction_notices::article_id,
    articles::canonical_url,
    correction_notices::event_id,
    correction_notices::outcome,
    correction_notices::decided_at,
    report_events::public_note,
    report_events::correction_url,
);

const NOTICE_COLUMNS: NoticeColumns = (
    correction_notices::article_id,
    articles::canonical_url,
    correction_notices::event_id,
    correction_notices::outcome,
    correction_notices::decided_at,
    report_events::public_note,
    report_events::correction_url,
);

/// Recomputes the article's public decision after one of its reports entered or left a
/// resolution: the newest (by time, then event id) `status_changed` event into a resolution among
/// the reports that are resolved now. Each such report's newest one is its current decision, so
/// the newest of all is the article's. The article is in the log when it is a correction or a
/// clarification, and out of it otherwise (a later "no error", or nothing resolved any more).
pub fn refresh(conn: &mut DbConn, article_id: i64) -> QueryResult<()> {
    let latest: Option<(i64, Option<String>, NaiveDateTime)> = report_events::table
        .inner_join(reports::table)
        .filter(reports::article_id.eq(article_id))
        .filter(reports::status.eq_any(RESOLVED))
        .filter(report_events::kind.eq("status_changed"))
        .filter(report_events::to_status.eq_any(RESOLVED))
        .order((report_events::created_at.desc(), report_events::id.desc()))
        .select((
            report_events::id,
            report_events::to_status,
            report_events::created_at,
        ))
        .first(conn)
        .optional()?;
    diesel::delete(correction_notices::table.filter(correction_notices::article_id.eq(article_id)))
        .execute(conn)?;
    if let Some((event_id, Some(outcome), decided_at)) = latest
        && LOGGED.contains(&outcome.as_str())
    {
        diesel::insert_into(correction_notices::table)
            .values((
                correction_notices::article_id.eq(article_id),
                correction_notices::event_id.eq(event_id),
                correction_notices::outcome.eq(outcome),
                correction_notices::decided_at.eq(decided_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// [`refresh`] for every article at once (after a bulk load of decided reports): the same rule in
/// one statement, as the migration that made the table backfilled it.
pub fn refresh_all(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(correction_notices::table).execute(conn)?;
    diesel::sql_query(
        "INSERT INTO correction_notices (article_id, event_id, outcome, decided_at) \
         SELECT r.article_id, e.id, e.to_status, e.created_at \
           FROM report_events e JOIN reports r ON r.id = e.report_id \
          WHERE e.kind = 'status_changed' \
            AND e.to_status IN ('corrected', 'clarified') \
            AND r.status IN ('corrected', 'clarified', 'no_error') \
            AND NOT EXISTS ( \
                SELECT 1 FROM report_events e2 JOIN reports r2 ON r2.id = e2.report_id \
                 WHERE r2.article_id = r.article_id \
                   AND r2.status IN ('corrected', 'clarified', 'no_error') \
                   AND e2.kind = 'status_changed' \
                   AND e2.to_status IN ('corrected', 'clarified', 'no_error') \
                   AND (e2.created_at > e.created_at \
                        OR (e2.created_at = e.created_at AND e2.id > e.id)))",
    )
    .execute(conn)
}

/// A page of the log, newest decision first (then the highest article id), after `before`
/// (the decision time and article id of the last notice of the page before); `limit` rows.
pub fn page(
    conn: &mut DbConn,
    before: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> QueryResult<Vec<NoticeRow>> {
    let mut query = correction_notices::table
        .inner_join(articles::table)
        .inner_join(report_events::table)
        .select(NOTICE_COLUMNS)
        .order((
            correction_notices::decided_at.desc(),
            correction_notices::article_id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            correction_notices::decided_at
                .lt(at)
                .or(correction_notices::decided_at
                    .eq(at)
                    .and(correction_notices::article_id.lt(id))),
        );
    }
    query.load(conn)
}

/// The notice of the article with this canonical URL, if it is in the log.
pub fn for_canonical_url(conn: &mut DbConn, canonical_url: &str) -> QueryResult<Option<NoticeRow>> {
    correction_notices::table
        .inner_join(articles::table)
        .inner_join(report_events::table)
        .filter(articles::canonical_url.eq(canonical_url))
        .select(NOTICE_COLUMNS)
        .first(conn)
        .optional()
}
