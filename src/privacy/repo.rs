//! Retention and erasure statements. The purge crosses tables by nature: each statement here
//! names the one table it clears, and nothing else in the code deletes personal data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::storage::DbConn;
use crate::storage::schema::{
    auth_events, idempotency_keys, login_failures, mail_messages, outbox, report_events, reports,
    sessions,
};

/// PostgreSQL: locks the reports an UPDATE of many is about to change, in id order, the order
/// every other transaction that changes several reports takes them in (an article's reports are
/// resolved in id order): the UPDATE's own scan order could otherwise deadlock with them.
macro_rules! lock_in_id_order {
    ($conn:expr, $reports:expr) => {
        if let DbConn::Postgres(c) = $conn {
            $reports
                .select(reports::id)
                .order(reports::id.asc())
                .for_update()
                .load::<i64>(c)?;
        }
    };
}

/// Decided reports older than `decided_before`, and spam older than `spam_before`: no more
/// reporter name, email or phone number (nor wish to hear the outcome, which needs the email).
pub fn purge_reporter_data(
    conn: &mut DbConn,
    decided_before: NaiveDateTime,
    spam_before: NaiveDateTime,
) -> QueryResult<usize> {
    let has_data = reports::reporter_name
        .is_not_null()
        .or(reports::reporter_email.is_not_null())
        .or(reports::reporter_phone.is_not_null());
    let expired = reports::decided_at.lt(decided_before).or(reports::status
        .eq("spam")
        .and(reports::created_at.lt(spam_before)));
    lock_in_id_order!(conn, reports::table.filter(has_data).filter(expired));
    diesel::update(reports::table.filter(has_data).filter(expired))
        .set((
            reports::reporter_name.eq(None::<String>),
            reports::reporter_email.eq(None::<String>),
            reports::reporter_phone.eq(None::<String>),
            reports::wants_outcome.eq(false),
        ))
        .execute(conn)
}

pub fn purge_report_client_hashes(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    lock_in_id_order!(
        conn,
        reports::table
            .filter(reports::client_hash.is_not_null())
            .filter(reports::created_at.lt(before))
    );
    diesel::update(
        reports::table
            .filter(reports::client_hash.is_not_null())
            .filter(reports::created_at.lt(before)),
    )
    .set(reports::client_hash.eq(None::<String>))
    .execute(conn)
}

pub fn delete_auth_events(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(auth_events::table.filter(auth_events::created_at.lt(before))).execute(conn)
}

pub fn purge_auth_event_client_hashes(
    conn: &mut DbConn,
    before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        auth_events::table
            .filter(auth_events::client_hash.is_not_null())
            .filter(auth_events::created_at.lt(before)),
    )
    .set(auth_events::client_hash.eq(None::<String>))
    .execute(conn)
}

pub fn delete_login_failures(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::created_at.lt(before)))
        .execute(conn)
}

pub fn delete_idempotency_keys(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)
}

pub fn delete_expired_sessions(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}

/// Finished emails (sent, cancelled, dead) older than `before` keep no recipients.
pub fn purge_outbox_recipients(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::created_at.lt(before))
            // As the partial index outbox_finished_idx states it, in the query's text.
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "outbox.recipients <> '[]' AND outbox.status IN ('sent', 'cancelled', 'dead')",
            )),
    )
    .set((
        outbox::recipients.eq("[]"),
        outbox::recipient_hash.eq(None::<String>),
    ))
    .execute(conn)
}

/// The reporter asked: their name, email and phone number leave the report at once, every email to them about
/// it is cancelled and forgets its recipient. True when the report held any of it.
pub fn erase_reporter(
    conn: &mut DbConn,
    report_id: i64,
    reporter_kinds: &[&str],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let erased = diesel::update(
        reports::table.filter(reports::id.eq(report_id)).filter(
            reports::reporter_name
                .is_not_null()
                .or(reports::reporter_email.is_not_null())
                .or(reports::reporter_phone.is_not_null()),
        ),
    )
    .set((
        reports::reporter_name.eq(None::<String>),
        reports::reporter_email.eq(None::<String>),
        reports::reporter_phone.eq(None::<String>),
        reports::wants_outcome.eq(false),
        reports::reporter_unsubscribed.eq(true),
        reports::updated_at.eq(now),
    ))
    .execute(conn)?;
    diesel::update(
        outbox::table
            .filter(outbox::report_id.eq(report_id))
            .filter(outbox::kind.eq_any(reporter_kinds))
            .filter(outbox::status.eq("pending")),
    )
    .set((
        outbox::status.eq("cancelled"),
        outbox::last_error.eq("the reporter's data was erased at their request"),
    ))
    .execute(conn)?;
    diesel::update(
        outbox::table
            .filter(outbox::report_id.eq(report_id))
            .filter(outbox::kind.eq_any(reporter_kinds)),
    )
    .set((
        outbox::recipients.eq("[]"),
        outbox::recipient_hash.eq(None::<String>),
    ))
    .execute(conn)?;
    let raw_erased = erase_raw_mail_of_report(conn, report_id)?;
    Ok(erased == 1 || raw_erased > 0)
}

/// The raw emails a report came from or was answered with (they hold the sender's address and
/// words), and the sender's hash, leave with the reporter's data.
pub fn erase_raw_mail_of_report(conn: &mut DbConn, report_id: i64) -> QueryResult<usize> {
    diesel::update(
        mail_messages::table
            .filter(mail_messages::report_id.eq(report_id))
            .filter(
                mail_messages::raw
                    .is_not_null()
                    .or(mail_messages::sender_hash.is_not_null()),
            ),
    )
    .set((
        mail_messages::raw.eq(None::<Vec<u8>>),
        mail_messages::sender_hash.eq(None::<String>),
    ))
    .execute(conn)
}

/// Raw emails received before `before` are erased; what became of each stays.
pub fn purge_raw_mail(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        mail_messages::table
            .filter(mail_messages::raw.is_not_null())
            .filter(mail_messages::received_at.lt(before)),
    )
    .set(mail_messages::raw.eq(None::<Vec<u8>>))
    .execute(conn)
}

/// The event that records an erasure, without the data: who did it, and how it was asked for.
pub fn record_erasure(
    conn: &mut DbConn,
    report_id: i64,
    actor: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(report_events::table)
        .values((
            report_events::report_id.eq(report_id),
            report_events::actor.eq(actor),
            report_events::kind.eq("personal_data_erased"),
            report_events::note.eq(note),
            report_events::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}
