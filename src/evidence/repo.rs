//! Snapshot storage: the only place that names the `article_snapshots` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::articles::Article;
use crate::storage::DbConn;
use crate::storage::schema::{article_snapshots, articles};

/// One fetch of an article's page: a snapshot when `error` is `None`, a failed attempt otherwise.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_snapshots)]
pub struct SnapshotRow {
    pub id: i64,
    pub article_id: i64,
    pub reason: String,
    pub requested_url: String,
    pub fetched_at: NaiveDateTime,
    pub http_status: Option<i32>,
    pub final_url: Option<String>,
    pub last_modified: Option<String>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub text_sha256: Option<String>,
    pub error: Option<String>,
}

impl SnapshotRow {
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.text.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = article_snapshots)]
pub struct InsertSnapshot<'a> {
    pub article_id: i64,
    pub reason: &'a str,
    pub requested_url: &'a str,
    pub fetched_at: NaiveDateTime,
    pub http_status: Option<i32>,
    pub final_url: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub etag: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub title: Option<&'a str>,
    pub text: Option<&'a str>,
    pub text_sha256: Option<&'a str>,
    pub error: Option<&'a str>,
}

pub fn insert(conn: &mut DbConn, row: &InsertSnapshot<'_>) -> QueryResult<SnapshotRow> {
    diesel::insert_into(article_snapshots::table)
        .values(row)
        .returning(article_snapshots::all_columns)
        .get_result(conn)
}

/// The article's first successful snapshot: the page closest to what its first reader saw.
pub fn first_success(conn: &mut DbConn, article_id: i64) -> QueryResult<Option<SnapshotRow>> {
    article_snapshots::table
        .filter(article_snapshots::article_id.eq(article_id))
        .filter(article_snapshots::error.is_null())
        .filter(article_snapshots::text.is_not_null())
        .order(article_snapshots::id.asc())
        .select(SnapshotRow::as_select())
        .first(conn)
        .optional()
}

/// The article's latest successful snapshot.
pub fn latest_success(conn: &mut DbConn, article_id: i64) -> QueryResult<Option<SnapshotRow>> {
    article_snapshots::table
        .filter(article_snapshots::article_id.eq(article_id))
        .filter(article_snapshots::error.is_null())
        .filter(article_snapshots::text.is_not_null())
        .order(article_snapshots::id.desc())
        .select(SnapshotRow::as_select())
        .first(conn)
        .optional()
}

/// The article's latest attempts, newest first, without their texts (a history to list).
pub fn recent_attempts(
    conn: &mut DbConn,
    article_id: i64,
    limit: i64,
) -> QueryResult<Vec<AttemptRow>> {
    article_snapshots::table
        .filter(article_snapshots::article_id.eq(article_id))
        .order(article_snapshots::id.desc())
        .limit(limit)
        .select(AttemptRow::as_select())
        .load(conn)
}

/// How many attempts the article had.
pub fn count_attempts(conn: &mut DbConn, article_id: i64) -> QueryResult<i64> {
    article_snapshots::table
        .filter(article_snapshots::article_id.eq(article_id))
        .count()
        .get_result(conn)
}

/// An attempt as the history lists it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_snapshots)]
pub struct AttemptRow {
    pub id: i64,
    pub reason: String,
    pub fetched_at: NaiveDateTime,
    pub http_status: Option<i32>,
    pub final_url: Option<String>,
    pub text_sha256: Option<String>,
    pub error: Option<String>,
}

/// An article by its canonical URL (the `snapshot` command takes either).
pub fn article_by_url(conn: &mut DbConn, canonical_url: &str) -> QueryResult<Option<Article>> {
    articles::table
        .filter(articles::canonical_url.eq(canonical_url))
        .select(Article::as_select())
        .first(conn)
        .optional()
}
