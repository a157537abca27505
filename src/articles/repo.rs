//! Article storage. The only place that writes the `articles` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};

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
    pub oldest_open_at: Option<NaiveDateTime>,
    pub newest_open_at: Option<NaiveDateTime>,
}

/// Finds or creates the article for `url` and counts one more open report on it, in one statement.
pub fn record_report(
    conn: &mut DbConn,
    url: &CanonicalUrl,
    now: NaiveDateTime,
) -> QueryResult<Article> {
    RecordReport::open(url, now).run(conn)
}

/// `INSERT … ON CONFLICT (canonical_url) DO UPDATE … RETURNING`: one statement finds or creates
/// the article of a new report and counts the report. Run on its own ([`RecordReport::run`]) or
/// inside intake's statement (`reports::repo::record_intake`). Written out rather than with
/// diesel's `on_conflict()`, which diesel never caches: this text is the same for every report,
/// so each connection prepares it once. `excluded` is the row we tried to insert, in both
/// dialects. Two intakes may commit in the other order than their clocks read: the times never
/// move the wrong way.
pub struct RecordReport<'a> {
    canonical_url: &'a str,
    host: &'a str,
    path: &'a str,
    /// 1 for an open report, 0 for one that is not (its times are then `None`).
    open: i64,
    open_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
}

impl<'a> RecordReport<'a> {
    /// One more open report on the article at `url`.
    pub fn open(url: &'a CanonicalUrl, now: NaiveDateTime) -> Self {
        Self {
            canonical_url: url.as_str(),
            host: url.host(),
            path: url.path(),
            open: 1,
            open_at: Some(now),
            now,
        }
    }

    /// A report that is not open (held as spam): counted on its article, but not in its open
    /// count or times.
    pub fn closed(url: &'a CanonicalUrl, now: NaiveDateTime) -> Self {
        Self {
            open: 0,
            open_at: None,
            ..Self::open(url, now)
        }
    }

    /// The [`AWAITING_ADDRESS_URL`] row, created on first use, counting one more report (never an
    /// open one: `needs_url` is not open).
    pub fn awaiting_address(now: NaiveDateTime) -> Self {
        Self {
            canonical_url: AWAITING_ADDRESS_URL,
            host: "",
            path: "",
            open: 0,
            open_at: None,
            now,
        }
    }

    pub fn run(self, conn: &mut DbConn) -> QueryResult<Article> {
        match conn {
            DbConn::Sqlite(c) => self.get_result(c),
            DbConn::Postgres(c) => self.get_result(c),
        }
    }
}

impl diesel::query_builder::QueryId for RecordReport<'_> {
    type QueryId = RecordReport<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for RecordReport<'_> {
    type SqlType = articles::SqlType;
}

impl<C: Connection> RunQueryDsl<C> for RecordReport<'_> {}

impl<DB> diesel::query_builder::QueryFragment<DB> for RecordReport<'_>
where
    DB: diesel::backend::Backend,
    DB: diesel::sql_types::HasSqlType<diesel::sql_types::Text>
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Timestamp>,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
    Option<NaiveDateTime>: diesel::serialize::ToSql<Nullable<Timestamp>, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        use diesel::sql_types::Text;
        out.push_sql(
            "INSERT INTO articles (canonical_url, host, path, report_count, open_report_count, \
             first_reported_at, last_reported_at, oldest_open_at, newest_open_at) VALUES (",
        );
        out.push_bind_param::<Text, _>(self.canonical_url)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(self.host)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(self.path)?;
        out.push_sql(", 1, ");
        out.push_bind_param::<BigInt, _>(&self.open)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&self.open_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&self.open_at)?;
        out.push_sql(
            ") ON CONFLICT (canonical_url) DO UPDATE SET \
             report_count = articles.report_count + 1, \
             open_report_count = articles.open_report_count + excluded.open_report_count, \
             last_reported_at = CASE WHEN articles.last_reported_at < excluded.last_reported_at \
                 THEN excluded.last_reported_at ELSE articles.last_reported_at END, \
             newest_open_at = CASE WHEN articles.newest_open_at IS NULL \
                 OR articles.newest_open_at < excluded.newest_open_at \
                 THEN COALESCE(excluded.newest_open_at, articles.newest_open_at) \
                 ELSE articles.newest_open_at END, \
             oldest_open_at = CASE WHEN articles.oldest_open_at IS NULL \
                 OR articles.oldest_open_at > excluded.oldest_open_at \
                 THEN COALESCE(excluded.oldest_open_at, articles.oldest_open_at) \
                 ELSE articles.oldest_open_at END \
             RETURNING id, canonical_url, host, path, report_count, open_report_count, \
             first_reported_at, last_reported_at, oldest_open_at, newest_open_at",
        );
        Ok(())
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Article>> {
    articles::table
        .find(id)
        .select(Article::as_select())
        .first(conn)
        .optional()
}

/// Locks the article's row until the transaction ends (PostgreSQL; SQLite has one writer at a
/// time already). True when the lock had to be taken.
pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    match conn {
        DbConn::Postgres(c) => articles::table
            .find(id)
            .select(articles::id)
            .for_update()
            .first::<i64>(c)
            .optional()
            .map(|_| true),
        DbConn::Sqlite(_) => Ok(false),
    }
}

/// A report left or re-entered the open state: recount the article's open reports and their
/// oldest and newest times from the reports themselves (an index range, not a guess).
pub fn refresh_open(conn: &mut DbConn, article_id: i64) -> QueryResult<()> {
    diesel::sql_query(format!("{REFRESH_OPEN} WHERE id = $1"))
        .bind::<BigInt, _>(article_id)
        .execute(conn)
        .map(|_| ())
}

/// [`refresh_open`] for every article (after a bulk load).
pub fn refresh_open_all(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::sql_query(REFRESH_OPEN).execute(conn)
}

const REFRESH_OPEN: &str = "UPDATE articles SET \
    open_report_count = (SELECT COUNT(*) FROM reports r WHERE r.article_id = articles.id \
        AND r.status IN ('new', 'triaged', 'investigating', 'reopened')), \
    oldest_open_at = (SELECT MIN(r.created_at) FROM reports r WHERE r.article_id = articles.id \
        AND r.status IN ('new', 'triaged', 'investigating', 'reopened')), \
    newest_open_at = (SELECT MAX(r.created_at) FROM reports r WHERE r.article_id = articles.id \
        AND r.status IN ('new', 'triaged', 'investigating', 'reopened'))";

/// The order of the editors' queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    /// Most open reports first.
    Most,
    /// The article with the most recent open report first.
    Newest,
    /// The article whose oldest open report has waited longest first.
    Waiting,
}

/// A position in the queue: the sort key of the last row shown (a count, or a time in
/// microseconds) and its article id, the tie-break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueKey {
    pub key: i64,
    pub id: i64,
}

/// Where a queue page starts: after the last row of the page before it, or (going back) before
/// the first row of the page after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueCursor {
    After(QueueKey),
    Before(QueueKey),
}

/// The condition of the queue's partial indexes, written as they state it: on a connection with
/// stable plans (the writer's, see `storage::sqlite_planner`) SQLite uses a partial index only for
/// a query whose text implies its WHERE, which a bound `0` does not.
fn has_open_reports() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>("articles.open_report_count > 0")
}

/// Articles with open reports, in `order`, from `cursor`; going back, the rows come nearest
/// first (the caller turns them round). Reads one partial index.
pub fn open_queue(
    conn: &mut DbConn,
    order: QueueOrder,
    cursor: Option<QueueCursor>,
    limit: i64,
) -> QueryResult<Vec<Article>> {
    let mut query = articles::table
        .filter(has_open_reports())
        .select(Article::as_select())
        .limit(limit)
        .into_boxed();
    let back = matches!(cursor, Some(QueueCursor::Before(_)));
    // Going back reads the same order the other way round.
    query = match (order, back) {
        (QueueOrder::Most, false) => {
            query.order((articles::open_report_count.desc(), articles::id.desc()))
        }
        (QueueOrder::Most, true) => {
            query.order((articles::open_report_count.asc(), articles::id.asc()))
        }
        (QueueOrder::Newest, false) => {
            query.order((articles::newest_open_at.desc(), articles::id.desc()))
        }
        (QueueOrder::Newest, true) => {
            query.order((articles::newest_open_at.asc(), articles::id.asc()))
        }
        (QueueOrder::Waiting, false) => {
            query.order((articles::oldest_open_at.asc(), articles::id.asc()))
        }
        (QueueOrder::Waiting, true) => {
            query.order((articles::oldest_open_at.desc(), articles::id.desc()))
        }
    };
    let Some(QueueCursor::After(QueueKey { key, id }) | QueueCursor::Before(QueueKey { key, id })) =
        cursor
    else {
        return query.load(conn);
    };
    // Forward in a descending order, or back in an ascending one: rows below the key.
    let below = matches!(
        (order, back),
        (QueueOrder::Most | QueueOrder::Newest, false) | (QueueOrder::Waiting, true)
    );
    query = match (order, below) {
        (QueueOrder::Most, true) => query.filter(
            articles::open_report_count
                .lt(key)
                .or(articles::open_report_count.eq(key).and(articles::id.lt(id))),
        ),
        (QueueOrder::Most, false) => query.filter(
            articles::open_report_count
                .gt(key)
                .or(articles::open_report_count.eq(key).and(articles::id.gt(id))),
        ),
        (QueueOrder::Newest, true) => {
            let at = micros_to_time(key);
            query.filter(
                articles::newest_open_at
                    .lt(at)
                    .or(articles::newest_open_at.eq(at).and(articles::id.lt(id))),
            )
        }
        (QueueOrder::Newest, false) => {
            let at = micros_to_time(key);
            query.filter(
                articles::newest_open_at
                    .gt(at)
                    .or(articles::newest_open_at.eq(at).and(articles::id.gt(id))),
            )
        }
        (QueueOrder::Waiting, true) => {
            let at = micros_to_time(key);
            query.filter(
                articles::oldest_open_at
                    .lt(at)
                    .or(articles::oldest_open_at.eq(at).and(articles::id.lt(id))),
            )
        }
        (QueueOrder::Waiting, false) => {
            let at = micros_to_time(key);
            query.filter(
                articles::oldest_open_at
                    .gt(at)
                    .or(articles::oldest_open_at.eq(at).and(articles::id.gt(id))),
            )
        }
    };
    query.load(conn)
}

/// How many articles have open reports (the queue's total).
pub fn count_open_queue(conn: &mut DbConn) -> QueryResult<i64> {
    articles::table
        .filter(has_open_reports())
        .count()
        .get_result(conn)
}

pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Article>> {
    articles::table
        .filter(articles::id.eq_any(ids))
        .select(Article::as_select())
        .load(conn)
}

pub fn micros_to_time(micros: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap_or_default()
        .naive_utc()
}

pub fn time_to_micros(time: NaiveDateTime) -> i64 {
    time.and_utc().timestamp_micros()
}

/// Bulk insert (demo data); returns the new articles' ids in the order given.
pub fn insert_many(conn: &mut DbConn, new: &[NewArticle<'_>]) -> QueryResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(new.len());
    // 9 columns x 1,000 rows per statement: far under both backends' bind limits. (On SQLite diesel
    // sends a row at a time: NewArticle's `None`s mean DEFAULT, which SQLite cannot batch.)
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

/// Where reports without a recognisable article address wait (status `needs_url`) until an
/// editor completes it: one row, found by this address, which no reader's link canonicalises to
/// (URL policy accepts http and https only). Its open count stays 0 (`needs_url` is not open), so
/// it never shows in the article queue; the dashboard lists its reports by their status instead.
pub const AWAITING_ADDRESS_URL: &str = "urn:disinfo-desk:awaiting-article-address";

/// A report left the [`AWAITING_ADDRESS_URL`] row for its real article: one report fewer there.
pub fn release_awaiting_address(conn: &mut DbConn, article_id: i64) -> QueryResult<()> {
    diesel::update(
        articles::table
            .find(article_id)
            .filter(articles::report_count.gt(0)),
    )
    .set(articles::report_count.eq(articles::report_count - 1))
    .execute(conn)
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;

    use super::*;
    use crate::storage::sqlite_planner::testing::{migrated_sqlite, plan};

    /// The SQL of every statement run on `conn` from now on, without diesel's bind list.
    fn record_statements(conn: &mut DbConn) -> Arc<Mutex<Vec<String>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let DbConn::Sqlite(sqlite) = conn else {
            panic!("an SQLite connection");
        };
        sqlite.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                let text = query.to_string();
                let sql = text
                    .split(" -- binds:")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                sink.lock().expect("not poisoned").push(sql);
            }
        });
        seen
    }

    /// The SQL of the last statement [`record_statements`] saw.
    fn last_statement(seen: &Mutex<Vec<String>>) -> String {
        seen.lock()
            .expect("not poisoned")
            .pop()
            .expect("one statement")
    }

    /// The first page of each queue order, and the queue's total, read their partial index (the
    /// dashboard's busiest reads): the condition is in the statement's text, as the index has it.
    #[tokio::test]
    async fn the_queue_reads_its_partial_indexes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = migrated_sqlite(dir.path());
        let mut conn = db.get().expect("a connection");
        let seen = record_statements(&mut conn);
        for (order, index) in [
            (QueueOrder::Most, "articles_queue_most_idx"),
            (QueueOrder::Newest, "articles_queue_newest_idx"),
            (QueueOrder::Waiting, "articles_queue_waiting_idx"),
        ] {
            open_queue(&mut conn, order, None, 25).expect("reads");
            let sql = seen
                .lock()
                .expect("not poisoned")
                .pop()
                .expect("one statement");
            // Its only parameter is the LIMIT.
            let steps = plan(&mut conn, &sql, &[25]);
            assert!(steps.contains(index), "{order:?}: {sql}\n{steps}");
        }
        count_open_queue(&mut conn).expect("counts");
        let sql = last_statement(&seen);
        let steps = plan(&mut conn, &sql, &[]);
        assert!(steps.contains("articles_queue_"), "{sql}\n{steps}");
    }

    /// The queue under a desk reads the desk, category and status mix of its page's articles from
    /// an index alone, never the reports' rows (the world desk's page at a million reports: 18 ms
    /// through the rows, 5 ms without).
    #[tokio::test]
    async fn a_desks_queue_reads_its_articles_mix_from_an_index_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = migrated_sqlite(dir.path());
        let mut conn = db.get().expect("a connection");
        let seen = record_statements(&mut conn);
        let filter = crate::reports::repo::ReportFilter {
            statuses: ["new", "triaged", "investigating", "reopened"]
                .map(String::from)
                .to_vec(),
            desk_id: Some(4),
            ..Default::default()
        };
        // A page's worth of articles: with a few, SQLite takes another (covering) index anyway.
        let page: Vec<i64> = (1..=25).collect();
        crate::reports::repo::desk_and_category_mix(&mut conn, &filter, &page).expect("reads");
        let sql = last_statement(&seen);
        // The values bound do not change this plan (unbound, they are NULL).
        let steps = plan(&mut conn, &sql, &[]);
        assert!(steps.contains("COVERING INDEX"), "{sql}\n{steps}");
    }
}
