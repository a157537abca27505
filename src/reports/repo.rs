//! Report storage: the only place that names the `reports`, `report_events` and
//! `idempotency_keys` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::articles::Article;
use crate::storage::DbConn;
use crate::storage::schema::{articles, idempotency_keys, report_events, reports};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: i64,
    pub tracking_code: String,
    pub article_id: i64,
    pub submitted_url: String,
    pub channel: String,
    pub category: String,
    pub passage: Option<String>,
    pub explanation: String,
    pub evidence_urls: String,
    pub language: String,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub wants_outcome: bool,
    pub status: String,
    pub client_hash: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub desk_id: Option<i64>,
    pub reporter_unsubscribed: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = reports)]
pub struct InsertReport<'a> {
    pub tracking_code: &'a str,
    pub article_id: i64,
    pub submitted_url: &'a str,
    pub channel: &'a str,
    pub category: &'a str,
    pub passage: Option<&'a str>,
    pub explanation: &'a str,
    pub evidence_urls: &'a str,
    pub language: &'a str,
    pub reporter_name: Option<&'a str>,
    pub reporter_email: Option<&'a str>,
    pub wants_outcome: bool,
    pub status: &'a str,
    pub client_hash: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub desk_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = report_events)]
pub struct InsertEvent<'a> {
    pub report_id: i64,
    pub actor: &'a str,
    pub kind: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub note: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_events)]
pub struct EventRow {
    pub id: i64,
    pub report_id: i64,
    pub actor: String,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredResponse {
    pub idempotency_key: String,
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_report(conn: &mut DbConn, report: &InsertReport<'_>) -> QueryResult<ReportRow> {
    diesel::insert_into(reports::table)
        .values(report)
        .returning(reports::all_columns)
        .get_result(conn)
}

pub fn insert_event(conn: &mut DbConn, event: &InsertEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(report_events::table)
        .values(event)
        .execute(conn)
        .map(|_| ())
}

pub fn find_by_tracking_code(
    conn: &mut DbConn,
    code: &str,
) -> QueryResult<Option<(ReportRow, Article)>> {
    reports::table
        .inner_join(articles::table)
        .filter(reports::tracking_code.eq(code))
        .select((ReportRow::as_select(), Article::as_select()))
        .first(conn)
        .optional()
}

pub fn events_of(conn: &mut DbConn, report_id: i64) -> QueryResult<Vec<EventRow>> {
    report_events::table
        .filter(report_events::report_id.eq(report_id))
        .order(report_events::id.asc())
        .select(EventRow::as_select())
        .load(conn)
}

pub fn find_stored_response(conn: &mut DbConn, key: &str) -> QueryResult<Option<StoredResponse>> {
    idempotency_keys::table
        .find(key)
        .select(StoredResponse::as_select())
        .first(conn)
        .optional()
}

pub fn store_response(
    conn: &mut DbConn,
    key: &str,
    request_hash: &str,
    status: i32,
    body: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::response_status.eq(status),
            idempotency_keys::response_body.eq(body),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn count_reports(conn: &mut DbConn) -> QueryResult<i64> {
    reports::table.count().get_result(conn)
}

pub fn find_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<(ReportRow, Article)>> {
    reports::table
        .inner_join(articles::table)
        .filter(reports::id.eq(id))
        .select((ReportRow::as_select(), Article::as_select()))
        .first(conn)
        .optional()
}

/// The reports a digest covers: on the article, routed to the desk, after the report that opened
/// the window and created before the window closed.
pub fn digest_reports(
    conn: &mut DbConn,
    article_id: i64,
    desk_id: i64,
    after_report_id: i64,
    before: NaiveDateTime,
) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .filter(reports::article_id.eq(article_id))
        .filter(reports::desk_id.eq(desk_id))
        .filter(reports::id.gt(after_report_id))
        .filter(reports::created_at.lt(before))
        .order(reports::id.asc())
        .select(ReportRow::as_select())
        .load(conn)
}

/// Stops every further email to the reporter about this report. True when the report exists.
pub fn unsubscribe_reporter(
    conn: &mut DbConn,
    tracking_code: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(reports::table.filter(reports::tracking_code.eq(tracking_code)))
        .set((
            reports::reporter_unsubscribed.eq(true),
            reports::wants_outcome.eq(false),
            reports::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}
