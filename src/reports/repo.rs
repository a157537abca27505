//! Report storage: the only place that names the `reports`, `report_events` and
//! `idempotency_keys` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::search::{self, Search};
use crate::articles::Article;
use crate::articles::repo::{QueueCursor, QueueKey, QueueOrder, RecordReport, micros_to_time};
use crate::storage::schema::{
    articles, idempotency_keys, report_counts, report_events, report_search_backlog, reports,
};
use crate::storage::{Backend, DbConn};

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
    pub assignee_id: Option<i64>,
    pub outcome_note: Option<String>,
    pub correction_url: Option<String>,
    pub duplicate_of_id: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    /// Personal data, like the name and email (phone, letter and in-person reports).
    pub reporter_phone: Option<String>,
    /// The caller agreed to their contact details being kept (recorded by the entering editor).
    pub contact_consent: bool,
    /// When it first left `new` (its triage).
    pub triaged_at: Option<NaiveDateTime>,
    /// When it last entered the editorial queue (received, restored from spam, its article
    /// address completed, reopened): both response targets count from here.
    pub opened_at: NaiveDateTime,
    /// The reminder digest that told its desk it passed its triage / decision target (0: none
    /// is due, see `crate::targets::NOT_REMINDED`).
    pub triage_reminder_id: Option<i64>,
    pub decision_reminder_id: Option<i64>,
}

#[derive(Debug, Insertable)]
// None as NULL rather than DEFAULT (no column here has another default): one statement text
// for every row, which diesel then prepares once per connection instead of at each insert.
#[diesel(table_name = reports, treat_none_as_default_value = false)]
pub struct InsertReport<'a> {
    pub tracking_code: &'a str,
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
    pub reporter_phone: Option<&'a str>,
    pub contact_consent: bool,
    pub opened_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
// None as NULL rather than DEFAULT (no column here has another default): one statement text
// for every row, which diesel then prepares once per connection instead of at each insert.
#[diesel(table_name = report_events, treat_none_as_default_value = false)]
pub struct InsertEvent<'a> {
    pub report_id: i64,
    pub actor: &'a str,
    pub kind: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    /// Editors only (an internal note, a reason, what the system did).
    pub note: Option<&'a str>,
    pub created_at: NaiveDateTime,
    /// What the reader was told with this decision (the status page, the outcome email).
    pub public_note: Option<&'a str>,
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
    pub public_note: Option<String>,
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

/// The `created` event that starts every new report's history: by `actor` (the channel, or the
/// editor who entered it), with an editors' `note` (why it was held as spam, say). It moves the
/// report into its first status, at the moment the report was received.
#[derive(Debug, Clone, Copy)]
pub struct CreatedEvent<'a> {
    pub actor: &'a str,
    pub note: Option<&'a str>,
}

/// A new report as intake stores it: its article's row (found or created, and counted), the
/// report (its article's id comes from that row), its `created` event, its word index entry
/// (`tokens`, from `search::document`). Its count is the caller's (`counts`: written at the end of
/// the transaction, or of the writer's batch).
pub struct NewIntake<'a> {
    pub article: RecordReport<'a>,
    pub report: InsertReport<'a>,
    pub created: CreatedEvent<'a>,
    pub tokens: &'a [String],
}

/// What [`record_intake`] stored, and the routing rules' version committed when it ran.
#[derive(Debug)]
pub struct Recorded {
    pub article: Article,
    pub report: ReportRow,
    pub routing_version: i64,
}

/// Stores a new report ([`NewIntake`]). On PostgreSQL that is one statement (one round trip):
/// data-modifying CTEs write the article, the report with its words in its `words` column and the
/// event, and the same statement reads the routing version. On SQLite these are statements of
/// their own, and the FTS5 entry waits for the end of the writer's batch (see
/// `storage::at_batch_end`).
pub fn record_intake(conn: &mut DbConn, intake: NewIntake<'_>) -> QueryResult<Recorded> {
    let NewIntake {
        article,
        report,
        created,
        tokens,
    } = intake;
    match conn {
        DbConn::Postgres(c) => {
            let (report, article, version): (ReportRow, Article, Option<i64>) = pg_insert::Intake {
                article,
                insert: diesel::insert_into(reports::table)
                    .values((
                        &report,
                        reports::id.eq(pg_insert::IdAfterArticle),
                        reports::article_id.eq(pg_insert::IdOfArticle),
                        pg_insert::Words.eq(pg_insert::Literal(search::tsvector_literal(tokens))),
                    ))
                    .returning(reports::all_columns),
                actor: created.actor,
                status: report.status,
                note: created.note,
                created_at: report.created_at,
            }
            .get_result(c)?;
            Ok(Recorded {
                article,
                report,
                routing_version: version.ok_or(diesel::result::Error::NotFound)?,
            })
        }
        DbConn::Sqlite(_) => {
            let article = article.run(conn)?;
            let routing_version = crate::routing::repo::version(conn)?;
            let row: ReportRow = crate::on_its_backend!(conn, c => diesel::insert_into(reports::table)
                .values((&report, reports::article_id.eq(article.id)))
                .returning(reports::all_columns)
                .get_result(c))?;
            insert_event(conn, &created_event(&row, created))?;
            index_new_report(conn, row.id, tokens)?;
            Ok(Recorded {
                article,
                report: row,
                routing_version,
            })
        }
    }
}

fn created_event<'a>(row: &'a ReportRow, created: CreatedEvent<'a>) -> InsertEvent<'a> {
    InsertEvent {
        report_id: row.id,
        actor: created.actor,
        kind: CREATED,
        from_status: None,
        to_status: Some(&row.status),
        note: created.note,
        created_at: row.created_at,
        public_note: None,
    }
}

/// The kind of a report's first event.
const CREATED: &str = "created";

/// PostgreSQL's statement for a new report ([`record_intake`]). `reports.words` is the report's
/// word index entry, a `tsvector`. It is a column of the reports so that a search under a status
/// and a desk reads two indexes of one table together (a BitmapAnd) rather than probing a word
/// table once per report of the desk. SQLite keeps its entries in FTS5, so schema.rs (one for
/// both) does not declare it: it is declared here, for this INSERT only (the searches name it in
/// SQL text). That INSERT is wrapped in [`pg_insert::Intake`], which writes the article before it
/// and the report's first event after it.
mod pg_insert {
    use diesel::sql_types::{BigInt, Nullable, Text};

    use crate::articles::repo::RecordReport;
    use crate::routing::repo::VersionSubquery;

    #[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
    pub struct Words;

    impl diesel::Expression for Words {
        type SqlType = Nullable<Text>;
    }

    impl diesel::Column for Words {
        type Table = crate::storage::schema::reports::table;
        const NAME: &'static str = "words";
    }

    /// A tsvector written as a literal (positions included), so PostgreSQL's own parser and
    /// dictionaries never see the text. A type of its own rather than `dsl::sql`, so the INSERT
    /// keeps a static query id: each connection prepares it once.
    #[derive(Debug, Clone)]
    pub struct Literal(pub String);

    impl diesel::Expression for Literal {
        type SqlType = Nullable<Text>;
    }

    impl<QS> diesel::expression::AppearsOnTable<QS> for Literal {}

    impl diesel::query_builder::QueryId for Literal {
        type QueryId = Literal;
        const HAS_STATIC_QUERY_ID: bool = true;
    }

    impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for Literal {
        fn walk_ast<'b>(
            &'b self,
            mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
        ) -> diesel::QueryResult<()> {
            out.push_sql("CAST(");
            out.push_bind_param::<Text, _>(&self.0)?;
            out.push_sql(" AS tsvector)");
            Ok(())
        }
    }

    /// The id of the row the `article` CTE of [`Intake`] wrote: the report's `article_id`.
    #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
    pub struct IdOfArticle;

    impl diesel::Expression for IdOfArticle {
        type SqlType = BigInt;
    }

    impl<QS> diesel::expression::AppearsOnTable<QS> for IdOfArticle {}

    impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for IdOfArticle {
        fn walk_ast<'b>(
            &'b self,
            mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
        ) -> diesel::QueryResult<()> {
            out.push_sql("(SELECT id FROM article)");
            Ok(())
        }
    }

    /// The report's id, drawn from its sequence only once the `article` CTE of [`Intake`] has
    /// written (and so locked) the article's row. Left to the column's default, the id would be
    /// drawn first (PostgreSQL computes a row's values in column order), before a wait on that
    /// lock: a report could then commit after another on its article with a smaller id, and
    /// "the reports after the alert's" (a digest's, `digest_reports`) would miss it. Drawn
    /// here, reports on one article are numbered in the order they commit, as on SQLite.
    #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
    pub struct IdAfterArticle;

    impl diesel::Expression for IdAfterArticle {
        type SqlType = BigInt;
    }

    impl<QS> diesel::expression::AppearsOnTable<QS> for IdAfterArticle {}

    impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for IdAfterArticle {
        fn walk_ast<'b>(
            &'b self,
            mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
        ) -> diesel::QueryResult<()> {
            // The identity column's sequence, named as PostgreSQL names it (the migration that
            // made the column made it); a literal is resolved once, when the statement is prepared.
            out.push_sql("(SELECT nextval('reports_id_seq') FROM article)");
            Ok(())
        }
    }

    /// `WITH article AS (<the article's upsert>), report AS (<the INSERT … RETURNING>), created
    /// AS (INSERT INTO report_events … FROM report) SELECT report.*, article.*, <routing
    /// version>`: the rows a new report writes, in one round trip (its count is written at the
    /// end of the transaction: see `counts`). The event's columns are those of `created_event`
    /// (SQLite's INSERT), the rest NULL.
    ///
    /// Order: the report's values read the article's id, so the article's row is written (and
    /// locked) first; `created` is not read by the final SELECT, so PostgreSQL runs it to
    /// completion after it, from the report's row.
    pub struct Intake<'a, I> {
        pub article: RecordReport<'a>,
        pub insert: I,
        pub actor: &'a str,
        pub status: &'a str,
        pub note: Option<&'a str>,
        pub created_at: chrono::NaiveDateTime,
    }

    impl<I> diesel::query_builder::Query for Intake<'_, I> {
        type SqlType = (
            crate::storage::schema::reports::SqlType,
            crate::storage::schema::articles::SqlType,
            Nullable<BigInt>,
        );
    }

    impl<I, Conn> diesel::RunQueryDsl<Conn> for Intake<'_, I> {}

    /// Static when the INSERT's is: each connection prepares the statement once.
    pub struct IntakeId<I>(std::marker::PhantomData<I>);

    impl<I: diesel::query_builder::QueryId> diesel::query_builder::QueryId for Intake<'_, I> {
        type QueryId = IntakeId<I::QueryId>;
        const HAS_STATIC_QUERY_ID: bool = I::HAS_STATIC_QUERY_ID;
    }

    impl<I: diesel::query_builder::QueryFragment<diesel::pg::Pg>>
        diesel::query_builder::QueryFragment<diesel::pg::Pg> for Intake<'_, I>
    {
        fn walk_ast<'b>(
            &'b self,
            mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
        ) -> diesel::QueryResult<()> {
            use diesel::sql_types::Timestamp;
            out.push_sql("WITH article AS (");
            self.article.walk_ast(out.reborrow())?;
            out.push_sql("), report AS (");
            self.insert.walk_ast(out.reborrow())?;
            out.push_sql(
                "), created AS (INSERT INTO report_events \
                 (report_id, actor, kind, to_status, note, created_at) SELECT report.id, ",
            );
            out.push_bind_param::<Text, _>(&self.actor)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&super::CREATED)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&self.status)?;
            out.push_sql(", ");
            out.push_bind_param::<Nullable<Text>, _>(&self.note)?;
            out.push_sql(", ");
            out.push_bind_param::<Timestamp, _>(&self.created_at)?;
            out.push_sql(" FROM report) SELECT report.*, article.*, ");
            VersionSubquery.walk_ast(out.reborrow())?;
            out.push_sql(" FROM report, article");
            Ok(())
        }
    }
}

pub fn insert_event(conn: &mut DbConn, event: &InsertEvent<'_>) -> QueryResult<()> {
    crate::on_its_backend!(conn, c => diesel::insert_into(report_events::table)
        .values(event)
        .execute(c))
    .map(|_| ())
}

/// A decision's event, with the correction's link it was made with (`None` for other moves).
pub fn insert_decision_event(
    conn: &mut DbConn,
    event: &InsertEvent<'_>,
    correction_url: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(report_events::table)
        .values((event, report_events::correction_url.eq(correction_url)))
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

/// Whether the report has an event of `kind`.
pub fn has_event(conn: &mut DbConn, report_id: i64, kind: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        report_events::table
            .filter(report_events::report_id.eq(report_id))
            .filter(report_events::kind.eq(kind)),
    ))
    .get_result(conn)
}

/// The report's first event of `kind`, if any.
pub fn first_event(conn: &mut DbConn, report_id: i64, kind: &str) -> QueryResult<Option<EventRow>> {
    report_events::table
        .filter(report_events::report_id.eq(report_id))
        .filter(report_events::kind.eq(kind))
        .order(report_events::id.asc())
        .select(EventRow::as_select())
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

/// The timeline of a whole article: every event of its reports, with the report's tracking
/// code, oldest first, at most `limit` (the newest ones).
/// One page of an article's timeline, newest first, ordered by time (then id): `limit + 1`
/// events are read so the caller can tell whether there are more.
pub fn events_of_article(
    conn: &mut DbConn,
    article_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(EventRow, String)>> {
    report_events::table
        .inner_join(reports::table)
        .filter(reports::article_id.eq(article_id))
        .order((report_events::created_at.desc(), report_events::id.desc()))
        .offset(offset)
        .limit(limit + 1)
        .select((EventRow::as_select(), reports::tracking_code))
        .load(conn)
}

/// How many timeline events an article has.
pub fn count_events_of_article(conn: &mut DbConn, article_id: i64) -> QueryResult<i64> {
    report_events::table
        .inner_join(reports::table)
        .filter(reports::article_id.eq(article_id))
        .count()
        .get_result(conn)
}

/// One page of an article's reports: the open ones first (oldest first, the longest waiting at
/// the top), then the decided ones (newest first). `open` is the set of open statuses.
pub fn reports_of_article(
    conn: &mut DbConn,
    article_id: i64,
    open: &[String],
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ReportRow>> {
    let open_total: i64 = reports::table
        .filter(reports::article_id.eq(article_id))
        .filter(reports::status.eq_any(open))
        .count()
        .get_result(conn)?;
    let mut rows = Vec::new();
    if offset < open_total {
        rows = reports::table
            .filter(reports::article_id.eq(article_id))
            .filter(reports::status.eq_any(open))
            .order(reports::id.asc())
            .offset(offset)
            .limit(limit)
            .select(ReportRow::as_select())
            .load(conn)?;
    }
    let left = limit - rows.len() as i64;
    if left > 0 {
        let decided: Vec<ReportRow> = reports::table
            .filter(reports::article_id.eq(article_id))
            .filter(reports::status.ne_all(open))
            .order(reports::id.desc())
            .offset((offset - open_total).max(0))
            .limit(left)
            .select(ReportRow::as_select())
            .load(conn)?;
        rows.extend(decided);
    }
    Ok(rows)
}

/// An article's reports counted by one column (status or category), most first.
pub fn article_report_counts(
    conn: &mut DbConn,
    article_id: i64,
    by_category: bool,
) -> QueryResult<Vec<(String, i64)>> {
    let base = reports::table.filter(reports::article_id.eq(article_id));
    let mut counts: Vec<(String, i64)> = if by_category {
        base.group_by(reports::category)
            .select((reports::category, diesel::dsl::count_star()))
            .load(conn)?
    } else {
        base.group_by(reports::status)
            .select((reports::status, diesel::dsl::count_star()))
            .load(conn)?
    };
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(counts)
}

pub fn tracking_code_of(conn: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
    reports::table
        .find(id)
        .select(reports::tracking_code)
        .first(conn)
        .optional()
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
        .filter(reports::status.ne("spam"))
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

/// A decision on a report, written only if the report is still in `from` (two editors deciding
/// at once: the second is told, not silently overwritten).
pub struct StatusChange {
    pub from: &'static str,
    pub to: &'static str,
    pub outcome_note: Option<String>,
    pub correction_url: Option<String>,
    pub duplicate_of_id: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub now: NaiveDateTime,
}

pub fn change_status(conn: &mut DbConn, id: i64, change: &StatusChange) -> QueryResult<bool> {
    diesel::update(
        reports::table
            .filter(reports::id.eq(id))
            .filter(reports::status.eq(change.from)),
    )
    .set((
        reports::status.eq(change.to),
        reports::outcome_note.eq(change.outcome_note.as_deref()),
        reports::correction_url.eq(change.correction_url.as_deref()),
        reports::duplicate_of_id.eq(change.duplicate_of_id),
        reports::decided_at.eq(change.decided_at),
        reports::updated_at.eq(change.now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn set_assignee(
    conn: &mut DbConn,
    id: i64,
    assignee: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(reports::table.find(id))
        .set((
            reports::assignee_id.eq(assignee),
            reports::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn find_row_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<ReportRow>> {
    reports::table
        .filter(reports::tracking_code.eq(code))
        .select(ReportRow::as_select())
        .first(conn)
        .optional()
}

pub fn open_reports_of_article(conn: &mut DbConn, article_id: i64) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .filter(reports::article_id.eq(article_id))
        .filter(reports::status.eq_any(["new", "triaged", "investigating", "reopened"]))
        .order(reports::id.asc())
        .select(ReportRow::as_select())
        .load(conn)
}

/// Filters of the editors' report list; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub statuses: Vec<String>,
    pub desk_id: Option<i64>,
    pub category: Option<String>,
    pub language: Option<String>,
    /// How the reports reached us (`phone`, `web_form`, ...).
    pub channel: Option<String>,
    pub assignee: AssigneeFilter,
    /// Words in the reports, or the articles at a web address (the search box).
    pub search: Option<Search>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub article_id: Option<i64>,
    /// Only reports past the target of the step they wait for (`crate::targets`), as of when
    /// the cut-offs were taken.
    pub overdue: Option<crate::targets::OverdueCutoffs>,
    /// Keyset pagination: reports with a smaller id than this (newest first).
    pub before_id: Option<i64>,
    pub limit: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Unassigned,
    User(i64),
}

/// Applies a [`ReportFilter`]'s conditions (not its pagination) to a boxed query over
/// `reports` (joined with articles or not); one definition for the lists, the queue and the
/// counts. `below`: the list's cursor, given to the word index too so that it returns only the
/// ids below it.
macro_rules! with_filter {
    ($query:expr, $filter:expr, $backend:expr, $below:expr) => {{
        let filter: &ReportFilter = $filter;
        let backend: Backend = $backend;
        let below: Option<i64> = $below;
        let mut query = $query;
        if !filter.statuses.is_empty() {
            query = query.filter(reports::status.eq_any(filter.statuses.clone()));
        }
        if let Some(desk) = filter.desk_id {
            query = query.filter(reports::desk_id.eq(desk));
        }
        if let Some(category) = &filter.category {
            query = query.filter(reports::category.eq(category.clone()));
        }
        if let Some(language) = &filter.language {
            query = query.filter(reports::language.eq(language.clone()));
        }
        if let Some(channel) = &filter.channel {
            query = query.filter(reports::channel.eq(channel.clone()));
        }
        match filter.assignee {
            AssigneeFilter::Anyone => {}
            AssigneeFilter::Unassigned => query = query.filter(reports::assignee_id.is_null()),
            AssigneeFilter::User(id) => query = query.filter(reports::assignee_id.eq(id)),
        }
        match &filter.search {
            None => {}
            Some(Search::Words(words)) => {
                // Driven from the word index: the matching ids come from it (below the page's
                // cursor), and the other conditions are checked on those reports only.
                let (index, query_text) = match backend {
                    Backend::Sqlite => (
                        "\"reports\".\"id\" IN (SELECT rowid FROM report_search \
                         WHERE report_search MATCH ",
                        search::fts5_query(words),
                    ),
                    // The words are a column of the reports there (see `pg_insert`): the
                    // planner reads its GIN index together with those of the other conditions.
                    Backend::Postgres => (
                        "(\"reports\".\"words\" @@ CAST(",
                        search::tsquery_literal(words),
                    ),
                };
                let (cast, cursor) = match backend {
                    Backend::Sqlite => ("", " AND rowid < "),
                    Backend::Postgres => (" AS tsquery)", " AND \"reports\".\"id\" < "),
                };
                query = query.filter(
                    diesel::dsl::sql::<Bool>(index)
                        .bind::<Text, _>(query_text)
                        .sql(cast)
                        .sql(cursor)
                        .bind::<BigInt, _>(below.unwrap_or(i64::MAX))
                        .sql(")"),
                );
            }
            Some(Search::Url(url)) => {
                // The articles by host and path (see `UrlSearch`), through a subquery, so that
                // queries over reports alone (the queue's grouping, the counts) need no join.
                let id = URL_MATCH.field(articles::id);
                let host = URL_MATCH.field(articles::host);
                let path = URL_MATCH.field(articles::path);
                let canonical = URL_MATCH.field(articles::canonical_url);
                let hosts = url.hosts.clone();
                let exact = url.path.clone();
                query = match (url.exact.is_empty(), hosts.is_empty(), url.below(), backend) {
                    (false, ..) => query.filter(
                        reports::article_id.eq_any(
                            URL_MATCH
                                .filter(canonical.eq_any(url.exact.clone()))
                                .select(id),
                        ),
                    ),
                    (true, false, None, _) => query.filter(
                        reports::article_id.eq_any(URL_MATCH.filter(host.eq_any(hosts)).select(id)),
                    ),
                    // Paths in byte order: the range holds exactly the paths under this one.
                    // Host and path are repeated in each branch of the OR so that each is one
                    // range of the (host, path) index (a MULTI-INDEX OR): with the host alone
                    // outside the OR, every article of the host is read (20 ms at 100,000).
                    (true, false, Some((from, until)), Backend::Sqlite) => {
                        query.filter(
                            reports::article_id.eq_any(
                                URL_MATCH
                                    .filter(host.eq_any(hosts.clone()).and(path.eq(exact)).or(
                                        host.eq_any(hosts).and(path.ge(from)).and(path.lt(until)),
                                    ))
                                    .select(id),
                            ),
                        )
                    }
                    // A collation need not sort by bytes: LIKE on the prefix, which the index's
                    // text_pattern_ops serves.
                    (true, false, Some((from, _)), Backend::Postgres) => query.filter(
                        reports::article_id.eq_any(
                            URL_MATCH
                                .filter(
                                    host.eq_any(hosts.clone())
                                        .and(path.eq(exact))
                                        .or(host.eq_any(hosts).and(path.like(like_prefix(&from)))),
                                )
                                .select(id),
                        ),
                    ),
                    // `/` on any host: every article.
                    (true, true, None, _) => query,
                    (true, true, Some((from, until)), Backend::Sqlite) => query.filter(
                        reports::article_id.eq_any(
                            URL_MATCH
                                .filter(path.eq(exact).or(path.ge(from).and(path.lt(until))))
                                .select(id),
                        ),
                    ),
                    (true, true, Some((from, _)), Backend::Postgres) => query.filter(
                        reports::article_id.eq_any(
                            URL_MATCH
                                .filter(path.eq(exact).or(path.like(like_prefix(&from))))
                                .select(id),
                        ),
                    ),
                };
            }
        }
        if let Some(from) = filter.from {
            query = query.filter(reports::created_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(reports::created_at.lt(to));
        }
        if let Some(article) = filter.article_id {
            query = query.filter(reports::article_id.eq(article));
        }
        if let Some(cutoffs) = &filter.overdue {
            query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                &crate::targets::repo::overdue_sql(cutoffs),
            ));
        }
        query
    }};
}

// The articles a URL search matches, under another name: the list joins `articles` too.
diesel::alias!(articles as URL_MATCH: UrlMatch);

/// `text%`, with LIKE's wildcards in the text taken literally.
fn like_prefix(text: &str) -> String {
    format!(
        "{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The reports matching `filter`, newest first, `filter.limit` of them after `before_id`.
///
/// Several statuses are read one status at a time and merged: `status IN (…) ORDER BY id DESC`
/// makes SQLite sort every matching report before taking the first page (3.8 s for the open
/// reports among a million), while `status = ? ORDER BY id DESC` walks the (status, id) index
/// backwards and stops after a page, on both backends.
///
/// A word search is read from the word index instead, for all statuses at once.
pub fn list(conn: &mut DbConn, filter: &ReportFilter) -> QueryResult<Vec<(ReportRow, Article)>> {
    if filter.statuses.len() <= 1 || matches!(filter.search, Some(Search::Words(_))) {
        return list_one_query(conn, filter);
    }
    let mut rows = Vec::new();
    for status in &filter.statuses {
        let one = ReportFilter {
            statuses: vec![status.clone()],
            ..filter.clone()
        };
        rows.extend(list_one_query(conn, &one)?);
    }
    rows.sort_by_key(|(report, _): &(ReportRow, Article)| std::cmp::Reverse(report.id));
    rows.truncate(filter.limit.max(0) as usize);
    Ok(rows)
}

fn list_one_query(
    conn: &mut DbConn,
    filter: &ReportFilter,
) -> QueryResult<Vec<(ReportRow, Article)>> {
    // The page's ids first, then its rows: the ids alone are often read from an index (all of an
    // article's, to sort them, when searching by its address), the rows only for the page.
    let ids = reports::table
        .select(reports::id)
        .order(reports::id.desc())
        .limit(filter.limit)
        .into_boxed();
    let mut ids = with_filter!(ids, filter, backend_of(conn), filter.before_id);
    if let Some(before) = filter.before_id {
        ids = ids.filter(reports::id.lt(before));
    }
    let ids: Vec<i64> = ids.load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    reports::table
        .inner_join(articles::table)
        .select((ReportRow::as_select(), Article::as_select()))
        .filter(reports::id.eq_any(ids))
        .order(reports::id.desc())
        .load(conn)
}

/// One article's share of the reports that match a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleGroup {
    pub article_id: i64,
    pub reports: i64,
    pub newest: NaiveDateTime,
    pub oldest: NaiveDateTime,
}

/// The articles of the reports matching `filter`, with how many match and when the newest and
/// oldest of them arrived, in queue order, keyset-paginated.
pub fn group_by_article(
    conn: &mut DbConn,
    filter: &ReportFilter,
    order: QueueOrder,
    cursor: Option<QueueCursor>,
    limit: i64,
) -> QueryResult<Vec<ArticleGroup>> {
    use diesel::dsl::{count_star, max, min};
    let query = reports::table
        .group_by(reports::article_id)
        .select((
            reports::article_id,
            count_star(),
            max(reports::created_at),
            min(reports::created_at),
        ))
        .limit(limit)
        .into_boxed();
    let mut query = with_filter!(query, filter, backend_of(conn), None);
    let back = matches!(cursor, Some(QueueCursor::Before(_)));
    // Going back reads the same order the other way round.
    query = match (order, back) {
        (QueueOrder::Most, false) => query.order((count_star().desc(), reports::article_id.desc())),
        (QueueOrder::Most, true) => query.order((count_star().asc(), reports::article_id.asc())),
        (QueueOrder::Newest, false) => {
            query.order((max(reports::created_at).desc(), reports::article_id.desc()))
        }
        (QueueOrder::Newest, true) => {
            query.order((max(reports::created_at).asc(), reports::article_id.asc()))
        }
        (QueueOrder::Waiting, false) => {
            query.order((min(reports::created_at).asc(), reports::article_id.asc()))
        }
        (QueueOrder::Waiting, true) => {
            query.order((min(reports::created_at).desc(), reports::article_id.desc()))
        }
    };
    if let Some(
        QueueCursor::After(QueueKey { key, id }) | QueueCursor::Before(QueueKey { key, id }),
    ) = cursor
    {
        // Forward in a descending order, or back in an ascending one: groups below the key.
        let below = matches!(
            (order, back),
            (QueueOrder::Most | QueueOrder::Newest, false) | (QueueOrder::Waiting, true)
        );
        query = match (order, below) {
            (QueueOrder::Most, true) => query.having(
                count_star()
                    .lt(key)
                    .or(count_star().eq(key).and(reports::article_id.lt(id))),
            ),
            (QueueOrder::Most, false) => query.having(
                count_star()
                    .gt(key)
                    .or(count_star().eq(key).and(reports::article_id.gt(id))),
            ),
            (QueueOrder::Newest, true) => {
                let at = micros_to_time(key);
                query.having(
                    max(reports::created_at).lt(at).or(max(reports::created_at)
                        .eq(at)
                        .and(reports::article_id.lt(id))),
                )
            }
            (QueueOrder::Newest, false) => {
                let at = micros_to_time(key);
                query.having(
                    max(reports::created_at).gt(at).or(max(reports::created_at)
                        .eq(at)
                        .and(reports::article_id.gt(id))),
                )
            }
            (QueueOrder::Waiting, true) => {
                let at = micros_to_time(key);
                query.having(
                    min(reports::created_at).lt(at).or(min(reports::created_at)
                        .eq(at)
                        .and(reports::article_id.lt(id))),
                )
            }
            (QueueOrder::Waiting, false) => {
                let at = micros_to_time(key);
                query.having(
                    min(reports::created_at).gt(at).or(min(reports::created_at)
                        .eq(at)
                        .and(reports::article_id.gt(id))),
                )
            }
        };
    }
    let rows: Vec<(i64, i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(article_id, reports, newest, oldest)| {
            Some(ArticleGroup {
                article_id,
                reports,
                newest: newest?,
                oldest: oldest?,
            })
        })
        .collect())
}

/// How many articles have reports matching `filter` (the filtered queue's total).
pub fn count_articles(conn: &mut DbConn, filter: &ReportFilter) -> QueryResult<i64> {
    use diesel::expression_methods::AggregateExpressionMethods;
    let query = reports::table
        .select(diesel::dsl::count(reports::article_id).aggregate_distinct())
        .into_boxed();
    let query = with_filter!(query, filter, backend_of(conn), None);
    query.get_result(conn)
}

/// One group of an article's matching reports: (article id, desk id, category, status, reports,
/// the earliest `opened_at` among them).
pub type MixRow = (i64, Option<i64>, String, String, i64, Option<NaiveDateTime>);

/// For each of `article_ids`: how many matching reports each (desk, category, status) group has,
/// and the oldest clock among them, read from an index alone (`reports_article_mix_idx`, or
/// `reports_desk_status_idx` under a desk filter).
pub fn desk_and_category_mix(
    conn: &mut DbConn,
    filter: &ReportFilter,
    article_ids: &[i64],
) -> QueryResult<Vec<MixRow>> {
    use diesel::dsl::{count_star, min};
    let query = reports::table
        .filter(reports::article_id.eq_any(article_ids.to_vec()))
        .group_by((
            reports::article_id,
            reports::desk_id,
            reports::category,
            reports::status,
        ))
        .select((
            reports::article_id,
            reports::desk_id,
            reports::category,
            reports::status,
            count_star(),
            min(reports::opened_at),
        ))
        .into_boxed();
    with_filter!(query, filter, backend_of(conn), None).load(conn)
}

/// How many reports matching `filter` are in each status.
pub fn status_counts(conn: &mut DbConn, filter: &ReportFilter) -> QueryResult<Vec<(String, i64)>> {
    use diesel::dsl::count_star;
    let query = reports::table
        .group_by(reports::status)
        .select((reports::status, count_star()))
        .into_boxed();
    with_filter!(query, filter, backend_of(conn), None).load(conn)
}

/// How many reports the word index finds for `words`, counting no further than `limit`: read
/// from the word index (FTS5 on SQLite, the GIN index of `reports.words` on PostgreSQL), so it
/// costs at most `limit` entries however common the words are.
pub fn word_matches_up_to(
    conn: &mut DbConn,
    words: &search::Words,
    limit: i64,
) -> QueryResult<i64> {
    let (head, query_text, tail) = match backend_of(conn) {
        Backend::Sqlite => (
            "(SELECT count(*) FROM (SELECT rowid FROM report_search WHERE report_search MATCH ",
            search::fts5_query(words),
            "",
        ),
        Backend::Postgres => (
            "(SELECT count(*) FROM (SELECT id FROM reports WHERE words @@ CAST(",
            search::tsquery_literal(words),
            " AS tsquery)",
        ),
    };
    // The limit is ours, not the user's: written out, so the statement is prepared once.
    diesel::select(
        diesel::dsl::sql::<BigInt>(head)
            .bind::<Text, _>(query_text)
            .sql(tail)
            .sql(&format!(" LIMIT {limit}) AS matched)")),
    )
    .get_result(conn)
}

/// One bulk-loaded report (demo data) with every column given. `None` is written as NULL, never
/// as DEFAULT: that is what lets diesel send many rows in one INSERT on SQLite as well.
#[derive(Debug, Insertable)]
#[diesel(table_name = reports, treat_none_as_default_value = false)]
pub struct BulkReport<'a> {
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
    pub reporter_unsubscribed: bool,
    pub assignee_id: Option<i64>,
    pub outcome_note: Option<&'a str>,
    pub correction_url: Option<&'a str>,
    pub decided_at: Option<NaiveDateTime>,
    pub triaged_at: Option<NaiveDateTime>,
    pub opened_at: NaiveDateTime,
    pub triage_reminder_id: Option<i64>,
    pub decision_reminder_id: Option<i64>,
}

/// Rows per INSERT: 26 columns x 1,000 rows stays under both backends' bind limits
/// (SQLite 32,766, PostgreSQL 65,535).
const BULK_ROWS: usize = 1_000;

/// Bulk insert (demo data), many rows per statement, in the caller's transaction.
pub fn insert_many(conn: &mut DbConn, new: &[BulkReport<'_>]) -> QueryResult<usize> {
    match conn {
        // COPY (binary): no statement to parse and plan per batch.
        DbConn::Postgres(c) => diesel::copy_from(reports::table)
            .from_insertable(new)
            .execute(c),
        DbConn::Sqlite(c) => new
            .chunks(BULK_ROWS)
            .map(|chunk| diesel::insert_into(reports::table).values(chunk).execute(c))
            .sum(),
    }
}
pub fn max_id(conn: &mut DbConn) -> QueryResult<i64> {
    reports::table
        .select(diesel::dsl::max(reports::id))
        .first::<Option<i64>>(conn)
        .map(|id| id.unwrap_or(0))
}

/// The "created" event of every report after `after_id` (bulk-loaded reports), in one statement.
pub fn add_created_events_after(
    conn: &mut DbConn,
    after_id: i64,
    actor: &str,
) -> QueryResult<usize> {
    use diesel::sql_types::{BigInt, Text};
    diesel::sql_query(
        "INSERT INTO report_events (report_id, actor, kind, from_status, to_status, note, created_at) \
         SELECT id, $1, 'created', NULL, 'new', NULL, created_at FROM reports WHERE id > $2",
    )
    .bind::<Text, _>(actor)
    .bind::<BigInt, _>(after_id)
    .execute(conn)
}

/// Bulk-loaded duplicates (after `after_id`) point at their article's first report, in one
/// statement. The loader never marks an article's first report a duplicate.
pub fn link_duplicates_after(conn: &mut DbConn, after_id: i64) -> QueryResult<usize> {
    use diesel::sql_types::BigInt;
    diesel::sql_query(
        "UPDATE reports SET duplicate_of_id = firsts.first_id \
         FROM (SELECT article_id, MIN(id) AS first_id FROM reports WHERE id > $1 GROUP BY article_id) AS firsts \
         WHERE reports.article_id = firsts.article_id AND reports.status = 'duplicate' \
           AND reports.id > $1 AND reports.id <> firsts.first_id",
    )
    .bind::<BigInt, _>(after_id)
    .execute(conn)
}

/// The event of the one decision each bulk-loaded report (after `after_id`) already carries: from
/// new to its status, by its assignee (else `actor`), at its decision (else last update) time.
pub fn add_decision_events_after(
    conn: &mut DbConn,
    after_id: i64,
    actor: &str,
) -> QueryResult<usize> {
    use diesel::sql_types::{BigInt, Text};
    diesel::sql_query(
        "INSERT INTO report_events (report_id, actor, kind, from_status, to_status, public_note, correction_url, created_at) \
         SELECT r.id, COALESCE('editor:' || u.email, $1), 'status_changed', 'new', r.status, \
                r.outcome_note, r.correction_url, COALESCE(r.decided_at, r.updated_at) \
         FROM reports r LEFT JOIN users u ON u.id = r.assignee_id \
         WHERE r.id > $2 AND r.status <> 'new' ORDER BY r.id",
    )
    .bind::<Text, _>(actor)
    .bind::<BigInt, _>(after_id)
    .execute(conn)
}

/// Reports in the open statuses, counted per desk and status (for `/metrics`): from
/// `report_counts`, not a read of the reports.
pub fn open_counts_by_desk(conn: &mut DbConn) -> QueryResult<Vec<(Option<i64>, String, i64)>> {
    const OPEN: [&str; 4] = ["new", "triaged", "investigating", "reopened"];
    Ok(counted_by_desk_and_status(conn)?
        .into_iter()
        .filter(|(_, status, _)| OPEN.contains(&status.as_str()))
        .map(|(desk, status, n)| ((desk != 0).then_some(desk), status, n))
        .collect())
}

/// A page of reports for an archive export: ids after `after_id`, oldest first, received since
/// `since`.
pub fn export_page(
    conn: &mut DbConn,
    after_id: i64,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<(ReportRow, Article)>> {
    let mut query = reports::table
        .inner_join(articles::table)
        .filter(reports::id.gt(after_id))
        .order(reports::id.asc())
        .limit(limit)
        .select((ReportRow::as_select(), Article::as_select()))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(reports::created_at.ge(since));
    }
    query.load(conn)
}

pub fn count_since(conn: &mut DbConn, since: Option<NaiveDateTime>) -> QueryResult<i64> {
    let mut query = reports::table.count().into_boxed();
    if let Some(since) = since {
        query = query.filter(reports::created_at.ge(since));
    }
    query.get_result(conn)
}

/// The events of several reports, in order.
pub fn events_of_reports(conn: &mut DbConn, report_ids: &[i64]) -> QueryResult<Vec<EventRow>> {
    report_events::table
        .filter(report_events::report_id.eq_any(report_ids))
        .order(report_events::id.asc())
        .select(EventRow::as_select())
        .load(conn)
}

/// Moves a report that was just stored to another desk (intake, when the rules changed
/// between its routing and its statement).
pub fn set_desk(conn: &mut DbConn, id: i64, desk_id: Option<i64>) -> QueryResult<()> {
    diesel::update(reports::table.find(id))
        .set(reports::desk_id.eq(desk_id))
        .execute(conn)
        .map(|_| ())
}

/// A `needs_url` report gets its article (and its desk, routed now): it becomes `new`. False
/// when it was no longer waiting for an address.
pub fn complete_address(
    conn: &mut DbConn,
    id: i64,
    article_id: i64,
    submitted_url: &str,
    desk_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        reports::table
            .filter(reports::id.eq(id))
            .filter(reports::status.eq("needs_url")),
    )
    .set((
        reports::article_id.eq(article_id),
        reports::submitted_url.eq(submitted_url),
        reports::desk_id.eq(desk_id),
        reports::status.eq("new"),
        reports::updated_at.eq(now),
        // Workable only now: its targets count from here.
        reports::opened_at.eq(now),
        reports::triage_reminder_id.eq(None::<i64>),
        reports::decision_reminder_id.eq(None::<i64>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// How many rows of `report_counts` PostgreSQL spreads one desk and status over (see
/// `reports::counts`).
pub const COUNT_SHARDS_POSTGRES: i32 = 16;

/// Adds `n` (fewer when negative) to the count of desk `desk_id`'s (0: none) reports in `status`,
/// in row `shard`, in one statement that each connection prepares once.
pub fn add_to_count(
    conn: &mut DbConn,
    desk_id: i64,
    status: &str,
    shard: i32,
    n: i64,
) -> QueryResult<()> {
    let change = AddToCount {
        desk_id,
        status,
        shard,
        n,
    };
    match conn {
        DbConn::Sqlite(c) => change.execute(c),
        DbConn::Postgres(c) => change.execute(c),
    }
    .map(|_| ())
}

/// `INSERT … ON CONFLICT DO UPDATE` written out: diesel never caches its own `on_conflict()`.
struct AddToCount<'a> {
    desk_id: i64,
    status: &'a str,
    shard: i32,
    n: i64,
}

impl diesel::query_builder::QueryId for AddToCount<'_> {
    type QueryId = AddToCount<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<C: Connection> RunQueryDsl<C> for AddToCount<'_> {}

impl<DB> diesel::query_builder::QueryFragment<DB> for AddToCount<'_>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Integer>,
    str: diesel::serialize::ToSql<Text, DB>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
    i32: diesel::serialize::ToSql<diesel::sql_types::Integer, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Integer};
        out.push_sql("INSERT INTO report_counts (desk_id, status, shard, n) VALUES (");
        out.push_bind_param::<BigInt, _>(&self.desk_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(self.status)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, _>(&self.shard)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&self.n)?;
        out.push_sql(
            ") ON CONFLICT (desk_id, status, shard) DO UPDATE SET n = report_counts.n + excluded.n",
        );
        Ok(())
    }
}

/// How many reports are in each status, from `report_counts`: of desk `desk_id`, or of all.
/// A few rows per status, whatever the number of reports.
pub fn counted_by_status(
    conn: &mut DbConn,
    desk_id: Option<i64>,
) -> QueryResult<Vec<(String, i64)>> {
    let mut query = report_counts::table
        .select((report_counts::status, report_counts::n))
        .into_boxed();
    if let Some(desk) = desk_id {
        query = query.filter(report_counts::desk_id.eq(desk));
    }
    let mut totals: std::collections::BTreeMap<String, i64> = Default::default();
    for (status, n) in query.load::<(String, i64)>(conn)? {
        *totals.entry(status).or_default() += n;
    }
    Ok(totals.into_iter().collect())
}

/// Every (desk id or 0, status, count) in `report_counts`, summed over shards, zeros left out.
pub fn counted_by_desk_and_status(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, i64)>> {
    let mut totals: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    for (desk, status, n) in report_counts::table
        .select((
            report_counts::desk_id,
            report_counts::status,
            report_counts::n,
        ))
        .load::<(i64, String, i64)>(conn)?
    {
        *totals.entry((desk, status)).or_default() += n;
    }
    Ok(totals
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((desk, status), n)| (desk, status, n))
        .collect())
}

/// Rebuilds `report_counts` from the reports themselves (after a bulk load).
pub fn recount_status_counts(conn: &mut DbConn) -> QueryResult<()> {
    diesel::delete(report_counts::table).execute(conn)?;
    diesel::sql_query(
        "INSERT INTO report_counts (desk_id, status, shard, n) \
         SELECT COALESCE(desk_id, 0), status, 0, COUNT(*) FROM reports \
         GROUP BY COALESCE(desk_id, 0), status",
    )
    .execute(conn)
    .map(|_| ())
}

/// The report's first triage (its first move out of `new`), kept once.
pub fn mark_triaged(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        reports::table
            .filter(reports::id.eq(id))
            .filter(reports::triaged_at.is_null()),
    )
    .set(reports::triaged_at.eq(now))
    .execute(conn)
    .map(|_| ())
}

/// The report enters the editorial queue again (reopened, or restored from spam): its targets
/// count from `now`, and the reminders of the steps ahead of it may go out again.
pub fn restart_clock(
    conn: &mut DbConn,
    id: i64,
    now: NaiveDateTime,
    triage_again: bool,
) -> QueryResult<()> {
    let target = reports::table.filter(reports::id.eq(id));
    if triage_again {
        diesel::update(target)
            .set((
                reports::opened_at.eq(now),
                reports::triage_reminder_id.eq(None::<i64>),
                reports::decision_reminder_id.eq(None::<i64>),
            ))
            .execute(conn)
    } else {
        diesel::update(target)
            .set((
                reports::opened_at.eq(now),
                reports::decision_reminder_id.eq(None::<i64>),
            ))
            .execute(conn)
    }
    .map(|_| ())
}

pub fn backend_of(conn: &DbConn) -> Backend {
    match conn {
        DbConn::Sqlite(_) => Backend::Sqlite,
        DbConn::Postgres(_) => Backend::Postgres,
    }
}

// The word index: an FTS5 table on SQLite (`report_search`, its rowid is the report's id), the
// `words` column of the reports on PostgreSQL (see `pg_insert`). Neither is in schema.rs: each
// backend has its own kind, written and read only here, with the tokens of `search::document`.

/// Adds a new report's entry to SQLite's word index, at the end of the writer's batch (see
/// `storage::at_batch_end`). PostgreSQL writes it in the report's INSERT (`insert_report`).
fn index_new_report(conn: &mut DbConn, report_id: i64, tokens: &[String]) -> QueryResult<()> {
    let words = search::fts5_text(tokens);
    crate::storage::at_batch_end(conn, move |conn| {
        let DbConn::Sqlite(c) = conn else {
            return Ok(());
        };
        NewIndexEntry {
            report_id,
            words: &words,
        }
        .execute(c)
        .map(|_| ())
    })
}

/// One report's FTS5 entry: a statement of its own type rather than `sql_query` (which diesel
/// prepares afresh at every run), so the writer's connection prepares it once.
struct NewIndexEntry<'a> {
    report_id: i64,
    words: &'a str,
}

impl diesel::query_builder::QueryId for NewIndexEntry<'_> {
    type QueryId = NewIndexEntry<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<C: Connection> RunQueryDsl<C> for NewIndexEntry<'_> {}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for NewIndexEntry<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> QueryResult<()> {
        out.push_sql("INSERT INTO report_search (rowid, words) VALUES (");
        out.push_bind_param::<BigInt, _>(&self.report_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(self.words)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Writes the word index entries of these reports (id, tokens), replacing any they had.
pub fn reindex_reports(conn: &mut DbConn, entries: &[(i64, Vec<String>)]) -> QueryResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    match conn {
        // One statement for the lot: the entries as a JSON array of [id, text] pairs. Left to the
        // end of the batch like new entries, so that the index's writes keep their order.
        DbConn::Sqlite(_) => {
            let pairs: Vec<(i64, String)> = entries
                .iter()
                .map(|(id, tokens)| (*id, search::fts5_text(tokens)))
                .collect();
            let json = serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into());
            crate::storage::at_batch_end(conn, move |conn| {
                diesel::sql_query(
                    "INSERT OR REPLACE INTO report_search (rowid, words) \
                     SELECT value ->> 0, value ->> 1 FROM json_each(?)",
                )
                .bind::<Text, _>(json)
                .execute(conn)
                .map(|_| ())
            })
        }
        DbConn::Postgres(c) => {
            use diesel::sql_types::Array;
            let ids: Vec<i64> = entries.iter().map(|(id, _)| *id).collect();
            let vectors: Vec<String> = entries
                .iter()
                .map(|(_, tokens)| search::tsvector_literal(tokens))
                .collect();
            diesel::sql_query(
                "UPDATE reports SET words = CAST(e.words AS tsvector) \
                 FROM unnest($1, $2) AS e (id, words) WHERE reports.id = e.id",
            )
            .bind::<Array<BigInt>, _>(ids)
            .bind::<Array<Text>, _>(vectors)
            .execute(c)
            .map(|_| ())
        }
    }
}

/// What the word index holds of a report: (id, passage, explanation, its article's URL).
pub type SearchSource = (i64, Option<String>, String, String);

/// The indexed text of up to `limit` reports with an id above `after_id`, in id order.
pub fn search_sources_after(
    conn: &mut DbConn,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<SearchSource>> {
    reports::table
        .inner_join(articles::table)
        .filter(reports::id.gt(after_id))
        .order(reports::id.asc())
        .limit(limit)
        .select((
            reports::id,
            reports::passage,
            reports::explanation,
            articles::canonical_url,
        ))
        .load(conn)
}

/// The indexed text of these reports.
pub fn search_sources(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<SearchSource>> {
    reports::table
        .inner_join(articles::table)
        .filter(reports::id.eq_any(ids))
        .order(reports::id.asc())
        .select((
            reports::id,
            reports::passage,
            reports::explanation,
            articles::canonical_url,
        ))
        .load(conn)
}

/// Up to `limit` reports waiting to be indexed (those that existed when the index was created),
/// oldest first. On PostgreSQL they stay locked to this transaction, and instances starting
/// together take different ones.
pub fn search_backlog(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<i64>> {
    let query = report_search_backlog::table
        .order(report_search_backlog::report_id.asc())
        .limit(limit)
        .select(report_search_backlog::report_id);
    match conn {
        DbConn::Postgres(c) => query.for_update().skip_locked().load(c),
        DbConn::Sqlite(c) => query.load(c),
    }
}

pub fn remove_from_search_backlog(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(
        report_search_backlog::table.filter(report_search_backlog::report_id.eq_any(ids)),
    )
    .execute(conn)
}

/// After a bulk load (seed-demo) on PostgreSQL: statistics for the tables it filled, so that the
/// statements that follow are planned for their real size, not for the empty tables autovacuum
/// last saw (the corrections log's rebuild ran for tens of minutes at a million reports
/// without). SQLite: nothing (the application never runs ANALYZE there).
pub fn analyze_after_bulk_load(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => diesel::sql_query("ANALYZE articles, reports, report_events")
            .execute(c)
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Merges the FTS5 index into one segment (after a bulk load); nothing to do on PostgreSQL.
pub fn optimize_search_index(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Sqlite(c) = conn {
        diesel::sql_query("INSERT INTO report_search (report_search) VALUES ('optimize')")
            .execute(c)?;
    }
    Ok(())
}
