//! Outbox storage: the only place that names the `outbox` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::articles::Article;
use crate::reports::repo::ReportRow;
use crate::storage::DbConn;
use crate::storage::schema::{articles, outbox, reports};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub kind: String,
    pub recipients: String,
    pub language: String,
    pub report_id: Option<i64>,
    pub article_id: Option<i64>,
    pub desk_id: Option<i64>,
    pub coalesce_key: Option<String>,
    pub window_start: Option<NaiveDateTime>,
    pub window_end: Option<NaiveDateTime>,
    pub status: String,
    pub attempts: i32,
    pub due_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub recipient_hash: Option<String>,
    /// The instance whose worker holds the claim (`notify.instance_id`), while `sending`.
    pub claimed_by: Option<String>,
    /// A webhook's JSON body (kind `webhook`; see `notify::webhooks`).
    pub payload: Option<String>,
    /// The endpoint a webhook goes to.
    pub webhook_endpoint_id: Option<i64>,
}

#[derive(Debug, Insertable)]
// None as NULL rather than DEFAULT (no column here has another default): one statement text
// for every row, which diesel then prepares once per connection instead of at each insert.
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct InsertOutbox<'a> {
    pub message_id: &'a str,
    pub kind: &'a str,
    pub recipients: &'a str,
    pub language: &'a str,
    pub report_id: Option<i64>,
    pub article_id: Option<i64>,
    pub desk_id: Option<i64>,
    pub coalesce_key: Option<&'a str>,
    pub window_start: Option<NaiveDateTime>,
    pub window_end: Option<NaiveDateTime>,
    pub status: &'a str,
    pub due_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub recipient_hash: Option<&'a str>,
}

pub fn insert(conn: &mut DbConn, row: &InsertOutbox<'_>) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_returning_id(conn: &mut DbConn, row: &InsertOutbox<'_>) -> QueryResult<i64> {
    crate::on_its_backend!(conn, c => diesel::insert_into(outbox::table)
        .values(row)
        .returning(outbox::id)
        .get_result(c))
}

/// The newest message with a coalescing key that is still waiting to go out, locked until the
/// transaction ends on PostgreSQL (the worker's `SKIP LOCKED` claim passes it by meanwhile; once
/// the worker has claimed it, it is no longer pending and is not returned). SQLite has one
/// writer at a time.
pub fn pending_with_key_locked(conn: &mut DbConn, key: &str) -> QueryResult<Option<OutboxRow>> {
    let id = outbox::table
        .filter(outbox::coalesce_key.eq(key))
        .filter(outbox::status.eq(super::status::PENDING))
        .order(outbox::id.desc())
        .select(outbox::id);
    let id: Option<i64> = match conn {
        DbConn::Postgres(c) => id.for_update().first(c).optional()?,
        DbConn::Sqlite(c) => id.first(c).optional()?,
    };
    match id {
        Some(id) => outbox::table
            .find(id)
            .select(OutboxRow::as_select())
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

/// The newest alert or digest for a coalescing key.
pub fn latest_with_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<OutboxRow>> {
    crate::on_its_backend!(conn, c => outbox::table
        .filter(outbox::coalesce_key.eq(key))
        .order(outbox::id.desc())
        .select(OutboxRow::as_select())
        .first(c))
    .optional()
}

/// What intake decides a new report's messages by, read from the outbox in one statement (one
/// round trip on PostgreSQL): see [`intake_facts`]. A part whose key is `None` reads nothing.
#[derive(Debug, Clone, Default)]
pub struct IntakeFactsQuery<'a> {
    /// The article's coalescing key on its desk: the newest message with it.
    pub article_key: Option<&'a str>,
    /// The desk's immediate alerts since `alerts_since`.
    pub desk_id: Option<i64>,
    pub alerts_since: NaiveDateTime,
    /// The desk's round-up key: the newest round-up's window.
    pub roundup_key: Option<&'a str>,
    /// Acknowledgements to this (hashed) address since `acks_since`.
    pub recipient_hash: Option<&'a str>,
    pub acks_since: NaiveDateTime,
    /// Whether the article was escalated since `escalated_since`.
    pub escalated_article_id: Option<i64>,
    pub escalated_since: NaiveDateTime,
}

/// The newest message with an article's coalescing key, as intake needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coalesced {
    pub kind: String,
    pub report_id: Option<i64>,
    pub window_start: Option<NaiveDateTime>,
    pub window_end: Option<NaiveDateTime>,
}

/// The answers to an [`IntakeFactsQuery`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeFacts {
    pub article_latest: Option<Coalesced>,
    pub desk_alerts: i64,
    /// The newest round-up's window end (`None` also when there is no round-up).
    pub roundup_window_end: Option<NaiveDateTime>,
    pub acks_to_recipient: i64,
    pub escalated: bool,
}

/// Reads an [`IntakeFactsQuery`]: the newest message with the article's key, the desk's alerts,
/// its newest round-up, the address's acknowledgements and the article's escalation, each from its
/// own index, in one statement.
pub fn intake_facts(conn: &mut DbConn, query: &IntakeFactsQuery<'_>) -> QueryResult<IntakeFacts> {
    type Row = (
        Option<String>,
        Option<i64>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        i64,
        Option<NaiveDateTime>,
        i64,
        bool,
    );
    let statement = IntakeFactsStatement(query);
    let row: Row = match conn {
        DbConn::Sqlite(c) => statement.get_result(c)?,
        DbConn::Postgres(c) => statement.get_result(c)?,
    };
    let (kind, report_id, window_start, window_end, desk_alerts, roundup_end, acks, escalated) =
        row;
    Ok(IntakeFacts {
        article_latest: kind.map(|kind| Coalesced {
            kind,
            report_id,
            window_start,
            window_end,
        }),
        desk_alerts,
        roundup_window_end: roundup_end,
        acks_to_recipient: acks,
        escalated,
    })
}

/// The statement of [`intake_facts`], a type of its own so that each connection prepares it once.
struct IntakeFactsStatement<'q, 'a>(&'q IntakeFactsQuery<'a>);

impl diesel::query_builder::QueryId for IntakeFactsStatement<'_, '_> {
    type QueryId = IntakeFactsStatement<'static, 'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for IntakeFactsStatement<'_, '_> {
    type SqlType = (
        Nullable<Text>,
        Nullable<BigInt>,
        Nullable<Timestamp>,
        Nullable<Timestamp>,
        BigInt,
        Nullable<Timestamp>,
        BigInt,
        diesel::sql_types::Bool,
    );
}

impl<C: Connection> RunQueryDsl<C> for IntakeFactsStatement<'_, '_> {}

impl<DB> diesel::query_builder::QueryFragment<DB> for IntakeFactsStatement<'_, '_>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<Timestamp>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    Option<i64>: diesel::serialize::ToSql<Nullable<BigInt>, DB>,
    for<'x> Option<&'x str>: diesel::serialize::ToSql<Nullable<Text>, DB>,
    str: diesel::serialize::ToSql<Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        /// ` AND kind = <kind> AND created_at > <since>`: how three of the parts end.
        fn of_kind_since<'b, DB>(
            out: &mut diesel::query_builder::AstPass<'_, 'b, DB>,
            kind: super::MessageKind,
            since: &'b NaiveDateTime,
        ) -> QueryResult<()>
        where
            DB: diesel::backend::Backend
                + diesel::sql_types::HasSqlType<Text>
                + diesel::sql_types::HasSqlType<Timestamp>,
            str: diesel::serialize::ToSql<Text, DB>,
            NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
        {
            out.push_sql(" AND kind = ");
            out.push_bind_param::<Text, _>(kind.as_str())?;
            out.push_sql(" AND created_at > ");
            out.push_bind_param::<Timestamp, _>(since)
        }
        let q = self.0;
        out.push_sql(
            "SELECT latest.kind, latest.report_id, latest.window_start, latest.window_end, \
             (SELECT COUNT(*) FROM outbox WHERE desk_id = ",
        );
        out.push_bind_param::<Nullable<BigInt>, _>(&q.desk_id)?;
        of_kind_since(&mut out, super::MessageKind::DeskAlert, &q.alerts_since)?;
        out.push_sql("), (SELECT window_end FROM outbox WHERE coalesce_key = ");
        out.push_bind_param::<Nullable<Text>, _>(&q.roundup_key)?;
        out.push_sql(
            " ORDER BY id DESC LIMIT 1), \
             (SELECT COUNT(*) FROM outbox WHERE recipient_hash = ",
        );
        out.push_bind_param::<Nullable<Text>, _>(&q.recipient_hash)?;
        of_kind_since(&mut out, super::MessageKind::ReportAck, &q.acks_since)?;
        out.push_sql("), EXISTS (SELECT 1 FROM outbox WHERE article_id = ");
        out.push_bind_param::<Nullable<BigInt>, _>(&q.escalated_article_id)?;
        of_kind_since(&mut out, super::MessageKind::Escalation, &q.escalated_since)?;
        out.push_sql(
            ") FROM (SELECT 1 AS here) AS here LEFT JOIN (SELECT kind, report_id, window_start, \
             window_end FROM outbox WHERE coalesce_key = ",
        );
        out.push_bind_param::<Nullable<Text>, _>(&q.article_key)?;
        out.push_sql(" ORDER BY id DESC LIMIT 1) AS latest ON 1 = 1");
        Ok(())
    }
}

pub fn reports_on_article_since(
    conn: &mut DbConn,
    article_id: i64,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    crate::on_its_backend!(conn, c => reports::table
        .filter(reports::article_id.eq(article_id))
        .filter(reports::created_at.gt(since))
        .count()
        .get_result(c))
}

/// Distinct clients (keyed address hashes) that reported the article since `since`; reports
/// without a client hash (other channels) count one each. Spam is left out. Run for each report
/// on a busy article: read from `reports_article_created_idx` alone.
pub fn reporters_on_article_since(
    conn: &mut DbConn,
    article_id: i64,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    let query = DistinctReporters { article_id, since };
    match conn {
        DbConn::Sqlite(c) => query.get_result(c),
        DbConn::Postgres(c) => query.get_result(c),
    }
}

/// The statement of [`reporters_on_article_since`], as a type of its own so that each connection
/// prepares it once (`sql_query` is prepared afresh at every run).
struct DistinctReporters {
    article_id: i64,
    since: NaiveDateTime,
}

impl diesel::query_builder::QueryId for DistinctReporters {
    type QueryId = DistinctReporters;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for DistinctReporters {
    type SqlType = diesel::sql_types::BigInt;
}

impl<C: Connection> RunQueryDsl<C> for DistinctReporters {}

impl<DB> diesel::query_builder::QueryFragment<DB> for DistinctReporters
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Timestamp>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(
            "SELECT COUNT(DISTINCT client_hash) \
                + COALESCE(SUM(CASE WHEN client_hash IS NULL THEN 1 ELSE 0 END), 0) \
             FROM reports WHERE article_id = ",
        );
        out.push_bind_param::<diesel::sql_types::BigInt, _>(&self.article_id)?;
        out.push_sql(" AND created_at > ");
        out.push_bind_param::<diesel::sql_types::Timestamp, _>(&self.since)?;
        out.push_sql(" AND status <> 'spam'");
        Ok(())
    }
}

/// Messages of one kind to one (hashed) recipient since `since`.
pub fn count_to_recipient_since(
    conn: &mut DbConn,
    kind: &str,
    recipient_hash: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    crate::on_its_backend!(conn, c => outbox::table
        .filter(outbox::recipient_hash.eq(recipient_hash))
        .filter(outbox::kind.eq(kind))
        .filter(outbox::created_at.gt(since))
        .count()
        .get_result(c))
}

/// The statuses of the messages of one kind about one report, oldest first.
pub fn statuses_for_report(
    conn: &mut DbConn,
    kind: &str,
    report_id: i64,
) -> QueryResult<Vec<String>> {
    outbox::table
        .filter(outbox::report_id.eq(report_id))
        .filter(outbox::kind.eq(kind))
        .order(outbox::id.asc())
        .select(outbox::status)
        .load(conn)
}

/// The reports a desk round-up covers: routed to the desk within its window, not spam, and on
/// articles that had no alert or digest of their own covering them.
pub fn roundup_reports(
    conn: &mut DbConn,
    desk_id: i64,
    start: NaiveDateTime,
    end: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(ReportRow, Article)>> {
    let covered = outbox::table
        .filter(outbox::desk_id.eq(desk_id))
        .filter(outbox::kind.eq_any(["desk_alert", "desk_digest"]))
        .filter(outbox::article_id.eq(reports::article_id.nullable()))
        .filter(outbox::window_start.le(reports::created_at.nullable()))
        .filter(outbox::window_end.gt(reports::created_at.nullable()));
    reports::table
        .inner_join(articles::table)
        .filter(reports::desk_id.eq(desk_id))
        .filter(reports::created_at.ge(start))
        .filter(reports::created_at.lt(end))
        // Held as spam, or waiting for its article's address: nothing for the desk yet.
        .filter(reports::status.ne_all(["spam", "needs_url"]))
        .filter(diesel::dsl::not(diesel::dsl::exists(covered)))
        .order(reports::id.asc())
        .limit(limit)
        .select((ReportRow::as_select(), Article::as_select()))
        .load(conn)
}

pub fn has_message_since(
    conn: &mut DbConn,
    kind: &str,
    article_id: i64,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    crate::on_its_backend!(conn, c => diesel::select(diesel::dsl::exists(
        outbox::table
            .filter(outbox::kind.eq(kind))
            .filter(outbox::article_id.eq(article_id))
            .filter(outbox::created_at.gt(since)),
    ))
    .get_result(c))
}

/// Whether a message of `kind` about the article (with this coalescing key, when given) is still
/// waiting or being sent.
pub fn has_unfinished(
    conn: &mut DbConn,
    kind: &str,
    article_id: i64,
    key: Option<&str>,
) -> QueryResult<bool> {
    let unfinished = outbox::table
        .filter(outbox::kind.eq(kind))
        .filter(outbox::article_id.eq(article_id))
        .filter(outbox::status.eq_any(["pending", "sending"]));
    match key {
        Some(key) => diesel::select(diesel::dsl::exists(
            unfinished.filter(outbox::coalesce_key.eq(key)),
        ))
        .get_result(conn),
        None => diesel::select(diesel::dsl::exists(unfinished)).get_result(conn),
    }
}

/// Claims up to `limit` due messages for the worker of instance `claimer`: pending ones whose
/// time has come, and claimed ones whose lease ran out (their worker died). Runs inside the
/// caller's transaction.
pub fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
    claimer: &str,
) -> QueryResult<Vec<OutboxRow>> {
    let due = outbox::status
        .eq("pending")
        .and(outbox::due_at.le(now))
        .or(outbox::status
            .eq("sending")
            .and(outbox::locked_until.le(now)));
    let ids: Vec<i64> = match conn {
        // SKIP LOCKED: several instances claim disjoint rows without waiting on each other.
        DbConn::Postgres(c) => outbox::table
            .filter(due)
            .order(outbox::due_at.asc())
            .limit(limit)
            .select(outbox::id)
            .for_update()
            .skip_locked()
            .load(c)?,
        // SQLite has one writer at a time (our write lock), so a plain select is enough.
        DbConn::Sqlite(c) => outbox::table
            .filter(due)
            .order(outbox::due_at.asc())
            .limit(limit)
            .select(outbox::id)
            .load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((
            outbox::status.eq("sending"),
            outbox::locked_until.eq(lease_until),
            outbox::claimed_by.eq(claimer),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .returning(outbox::all_columns)
        .get_results(conn)
}

/// Records the end of one attempt. `attempts` guards against a worker whose lease ran out
/// overwriting the result of the worker that claimed the row after it.
pub fn finish_attempt(
    conn: &mut DbConn,
    id: i64,
    attempts: i32,
    status: &str,
    due_at: Option<NaiveDateTime>,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = outbox::table
        .filter(outbox::id.eq(id))
        .filter(outbox::status.eq("sending"))
        .filter(outbox::attempts.eq(attempts));
    let sent_at = (status == "sent").then_some(now);
    let updated = match due_at {
        Some(due) => diesel::update(target)
            .set((
                outbox::status.eq(status),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::claimed_by.eq(None::<String>),
                outbox::last_error.eq(error),
                outbox::due_at.eq(due),
                outbox::sent_at.eq(sent_at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                outbox::status.eq(status),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::claimed_by.eq(None::<String>),
                outbox::last_error.eq(error),
                outbox::sent_at.eq(sent_at),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Makes every message still claimed by instance `claimer` due again at once: that instance
/// stopped without recording them (it crashed), and is starting again. The attempt stays
/// counted: it may have reached the server before the crash.
pub fn release_claims_of(
    conn: &mut DbConn,
    claimer: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::status.eq("sending"))
            .filter(outbox::claimed_by.eq(claimer)),
    )
    .set((
        outbox::status.eq("pending"),
        outbox::due_at.eq(now),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
}

/// Hands back claimed messages whose attempt never started (`(id, attempts)` as claimed): due
/// again at once, for any worker, without counting the attempt. `attempts` and `claimer` guard
/// against releasing a row that another worker has claimed since.
pub fn release_unattempted(
    conn: &mut DbConn,
    claimed: &[(i64, i32)],
    claimer: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut released = 0;
    for &(id, attempts) in claimed {
        released += diesel::update(
            outbox::table
                .filter(outbox::id.eq(id))
                .filter(outbox::status.eq("sending"))
                .filter(outbox::attempts.eq(attempts))
                .filter(outbox::claimed_by.eq(claimer)),
        )
        .set((
            outbox::status.eq("pending"),
            outbox::attempts.eq(attempts - 1),
            outbox::due_at.eq(now),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::claimed_by.eq(None::<String>),
        ))
        .execute(conn)?;
    }
    Ok(released)
}

pub fn list_by_status(conn: &mut DbConn, status: &str, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::status.eq(status))
        .order(outbox::id.asc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Puts a dead message back in the queue, due now, with a fresh set of attempts.
pub fn retry_dead(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq("dead")),
    )
    .set((
        outbox::status.eq("pending"),
        outbox::attempts.eq(0),
        outbox::due_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn count_by_status(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)
}

/// The report an email of these kinds we sent was about, by the unique left part of its
/// Message-ID.
pub fn report_of_message(
    conn: &mut DbConn,
    message_token: &str,
    kinds: &[&str],
) -> QueryResult<Option<i64>> {
    outbox::table
        .filter(outbox::message_id.eq(message_token))
        .filter(outbox::kind.eq_any(kinds))
        .select(outbox::report_id)
        .first::<Option<i64>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Whether we sent an email with this Message-ID's left part (a message of ours came back).
pub fn is_our_message(conn: &mut DbConn, message_token: &str) -> QueryResult<bool> {
    outbox::table
        .filter(outbox::message_id.eq(message_token))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::notify::MessageKind;
    use crate::storage::schema::desks;
    use crate::storage::sqlite_planner::testing::migrated_sqlite;

    fn message<'a>(kind: MessageKind, at: NaiveDateTime) -> InsertOutbox<'a> {
        InsertOutbox {
            message_id: "",
            kind: kind.as_str(),
            recipients: "[]",
            language: "en",
            report_id: None,
            article_id: None,
            desk_id: None,
            coalesce_key: None,
            window_start: None,
            window_end: None,
            status: super::super::status::PENDING,
            due_at: at,
            created_at: at,
            recipient_hash: None,
        }
    }

    /// Each part of the one statement reads what its own query would: the newest message with the
    /// article's key, the desk's alerts and the address's acknowledgements since their times, the
    /// newest round-up, the article's escalation; and a part without its key reads nothing.
    #[tokio::test]
    async fn intake_facts_read_each_part_from_the_outbox() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = migrated_sqlite(dir.path());
        let mut conn = db.get().expect("a connection");
        let conn: &mut DbConn = &mut conn;
        let now = crate::storage::now();
        let (hour_ago, in_an_hour) = (now - Duration::hours(1), now + Duration::hours(1));
        let article = crate::articles::repo::RecordReport::awaiting_address(now)
            .run(conn)
            .expect("an article");
        let desk: i64 = diesel::insert_into(desks::table)
            .values((
                desks::slug.eq("world"),
                desks::name.eq("World"),
                desks::created_at.eq(now),
            ))
            .returning(desks::id)
            .get_result(conn)
            .expect("a desk");
        let (key, roundup) = ("desk:1:article:1", "desk:1:roundup");
        let rows = [
            // The article's alert, then its digest: the digest is the newest with the key.
            InsertOutbox {
                coalesce_key: Some(key),
                window_end: Some(in_an_hour),
                desk_id: Some(desk),
                ..message(MessageKind::DeskAlert, now)
            },
            InsertOutbox {
                coalesce_key: Some(key),
                report_id: None,
                window_start: Some(now),
                window_end: Some(in_an_hour),
                ..message(MessageKind::DeskDigest, now)
            },
            // An alert of the desk before the window: not counted.
            InsertOutbox {
                desk_id: Some(desk),
                ..message(MessageKind::DeskAlert, hour_ago - Duration::minutes(1))
            },
            InsertOutbox {
                coalesce_key: Some(roundup),
                window_end: Some(hour_ago),
                ..message(MessageKind::DeskRoundup, hour_ago)
            },
            InsertOutbox {
                coalesce_key: Some(roundup),
                window_end: Some(in_an_hour),
                ..message(MessageKind::DeskRoundup, now)
            },
            InsertOutbox {
                recipient_hash: Some("h1"),
                ..message(MessageKind::ReportAck, now)
            },
            InsertOutbox {
                recipient_hash: Some("h1"),
                ..message(MessageKind::ReportAck, now)
            },
            InsertOutbox {
                recipient_hash: Some("h2"),
                ..message(MessageKind::ReportAck, now)
            },
            InsertOutbox {
                article_id: Some(article.id),
                ..message(MessageKind::Escalation, now)
            },
        ];
        for (n, row) in rows.iter().enumerate() {
            let id = format!("m{n}");
            insert(
                conn,
                &InsertOutbox {
                    message_id: &id,
                    ..*row
                },
            )
            .expect("inserts");
        }
        let everything = IntakeFactsQuery {
            article_key: Some(key),
            desk_id: Some(desk),
            alerts_since: hour_ago,
            roundup_key: Some(roundup),
            recipient_hash: Some("h1"),
            acks_since: hour_ago,
            escalated_article_id: Some(article.id),
            escalated_since: hour_ago,
        };
        assert_eq!(
            intake_facts(conn, &everything).expect("reads"),
            IntakeFacts {
                article_latest: Some(Coalesced {
                    kind: "desk_digest".into(),
                    report_id: None,
                    window_start: Some(now),
                    window_end: Some(in_an_hour),
                }),
                desk_alerts: 1,
                roundup_window_end: Some(in_an_hour),
                acks_to_recipient: 2,
                escalated: true,
            }
        );
        let later = IntakeFactsQuery {
            escalated_since: now,
            alerts_since: now,
            ..everything.clone()
        };
        let facts = intake_facts(conn, &later).expect("reads");
        assert!(!facts.escalated, "escalated at `now`, not after it");
        assert_eq!(facts.desk_alerts, 0, "the alert at `now` is not after it");
        assert_eq!(
            intake_facts(conn, &IntakeFactsQuery::default()).expect("reads"),
            IntakeFacts::default(),
            "no keys: nothing read"
        );
    }
}
