//! Mail gateway storage: the only place that names the `mail_messages` table (besides the
//! privacy purge, which clears its personal data).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::storage::DbConn;
use crate::storage::schema::mail_messages;

/// What became of a message (the `outcome` column).
pub mod outcome {
    /// It became a report.
    pub const REPORT: &str = "report";
    /// It was added to a report's timeline as the reporter's reply.
    pub const COMMENT: &str = "comment";
    /// Automatic mail (a loop, a bounce, bulk): logged, not answered.
    pub const IGNORED: &str = "ignored";
    /// Refused: too large, or not readable as mail.
    pub const REFUSED: &str = "refused";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_messages)]
pub struct MailMessageRow {
    pub id: i64,
    pub received_at: NaiveDateTime,
    pub message_id: Option<String>,
    pub sender_hash: Option<String>,
    pub size_bytes: i64,
    pub outcome: String,
    pub reason: Option<String>,
    pub report_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = mail_messages)]
pub struct InsertMailMessage<'a> {
    pub received_at: NaiveDateTime,
    pub message_id: Option<&'a str>,
    pub sender_hash: Option<&'a str>,
    pub size_bytes: i64,
    pub outcome: &'a str,
    pub reason: Option<&'a str>,
    pub report_id: Option<i64>,
    pub raw: Option<&'a [u8]>,
}

pub fn insert(conn: &mut DbConn, row: &InsertMailMessage<'_>) -> QueryResult<()> {
    diesel::insert_into(mail_messages::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The report an earlier message with this Message-ID became or was added to.
pub fn report_of_message_id(conn: &mut DbConn, message_id: &str) -> QueryResult<Option<i64>> {
    mail_messages::table
        .filter(mail_messages::message_id.eq(message_id))
        .filter(mail_messages::report_id.is_not_null())
        .order(mail_messages::id.asc())
        .select(mail_messages::report_id)
        .first::<Option<i64>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Whether a message with this Message-ID and outcome was stored already (a mail server's retry
/// of a delivery we committed).
pub fn seen(conn: &mut DbConn, message_id: &str, outcome: &str) -> QueryResult<Option<i64>> {
    mail_messages::table
        .filter(mail_messages::message_id.eq(message_id))
        .filter(mail_messages::outcome.eq(outcome))
        .select(mail_messages::report_id)
        .first::<Option<i64>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Reports and replies stored from one sender since `since` (for the per-sender limit).
pub fn stored_from_sender_since(
    conn: &mut DbConn,
    sender_hash: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    mail_messages::table
        .filter(mail_messages::sender_hash.eq(sender_hash))
        .filter(mail_messages::received_at.ge(since))
        .filter(mail_messages::outcome.eq_any([outcome::REPORT, outcome::COMMENT]))
        .count()
        .get_result(conn)
}

/// The messages behind a report, oldest first, without their raw bytes: whether each is kept.
pub fn messages_of_report(
    conn: &mut DbConn,
    report_id: i64,
) -> QueryResult<Vec<(MailMessageRow, bool)>> {
    mail_messages::table
        .filter(mail_messages::report_id.eq(report_id))
        .order(mail_messages::id.asc())
        .select((
            MailMessageRow::as_select(),
            mail_messages::raw.is_not_null(),
        ))
        .load(conn)
}

/// One message's raw bytes, while they are kept.
pub fn raw_of(conn: &mut DbConn, id: i64) -> QueryResult<Option<(MailMessageRow, Vec<u8>)>> {
    mail_messages::table
        .find(id)
        .select((MailMessageRow::as_select(), mail_messages::raw))
        .first::<(MailMessageRow, Option<Vec<u8>>)>(conn)
        .optional()
        .map(|found| found.and_then(|(row, raw)| raw.map(|raw| (row, raw))))
}

/// The latest messages, newest first, without their raw bytes: whether each is kept.
pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(MailMessageRow, bool)>> {
    mail_messages::table
        .order(mail_messages::id.desc())
        .limit(limit)
        .select((
            MailMessageRow::as_select(),
            mail_messages::raw.is_not_null(),
        ))
        .load(conn)
}
