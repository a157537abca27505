//! Article storage. The only place that writes the `articles` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Article, CanonicalUrl};
use crate::storage::DbConn;
use crate::storage::schema::articles;

#[derive(Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticle<'a> {
    pub canonical_url: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub report_count: i64,
    pub open_report_count: i64,
    pub first_reported_at: NaiveDateTime,
    pub last_reported_at: NaiveDateTime,
}

/// Finds or creates the article for `url` and counts one more (open) report on it, in one statement.
pub fn record_report(
    conn: &mut DbConn,
    url: &CanonicalUrl,
    now: NaiveDateTime,
) -> QueryResult<Article> {
    let new = NewArticle {
        canonical_url: url.as_str(),
        host: url.host(),
        path: url.path(),
        report_count: 1,
        open_report_count: 1,
        first_reported_at: now,
        last_reported_at: now,
    };
    let bump = (
        articles::report_count.eq(articles::report_count + 1),
        articles::open_report_count.eq(articles::open_report_count + 1),
        articles::last_reported_at.eq(now),
    );
    // The multi-backend connection has no ON CONFLICT; both backends do, so dispatch on the variant.
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(articles::table)
            .values(&new)
            .on_conflict(articles::canonical_url)
            .do_update()
            .set(bump)
            .returning(articles::all_columns)
            .get_result(c),
        DbConn::Postgres(c) => diesel::insert_into(articles::table)
            .values(&new)
            .on_conflict(articles::canonical_url)
            .do_update()
            .set(bump)
            .returning(articles::all_columns)
            .get_result(c),
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Article>> {
    articles::table
        .find(id)
        .select(Article::as_select())
        .first(conn)
        .optional()
}

/// A report left or re-entered the open state.
pub fn adjust_open_count(conn: &mut DbConn, article_id: i64, delta: i64) -> QueryResult<()> {
    diesel::update(articles::table.find(article_id))
        .set(articles::open_report_count.eq(articles::open_report_count + delta))
        .execute(conn)
        .map(|_| ())
}

/// Bulk insert (demo data), many rows per statement; returns the new articles' ids in the order
/// given.
pub fn insert_many(conn: &mut DbConn, new: &[NewArticle<'_>]) -> QueryResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(new.len());
    // 7 columns x 1,000 rows: far under both backends' bind limits.
    for chunk in new.chunks(1_000) {
        let returned: Vec<(i64, String)> = match conn {
            DbConn::Postgres(c) => diesel::insert_into(articles::table)
                .values(chunk)
                .returning((articles::id, articles::canonical_url))
                .get_results(c),
            DbConn::Sqlite(c) => diesel::insert_into(articles::table)
                .values(chunk)
                .returning((articles::id, articles::canonical_url))
                .get_results(c),
        }?;
        // Neither backend promises RETURNING rows in VALUES order: match them by URL.
        let by_url: std::collections::HashMap<String, i64> =
            returned.into_iter().map(|(id, url)| (url, id)).collect();
        for article in chunk {
            ids.push(
                by_url
                    .get(article.canonical_url)
                    .copied()
                    .ok_or(diesel::result::Error::NotFound)?,
            );
        }
    }
    Ok(ids)
}
