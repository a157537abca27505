//! Account storage: users, desk memberships and API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::storage::DbConn;
use crate::storage::schema::{api_tokens, contact_reads, desk_members, sessions, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert_user(
    conn: &mut DbConn,
    email: &str,
    display_name: &str,
    role: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values((
            users::email.eq(email),
            users::display_name.eq(display_name),
            users::role.eq(role),
            users::password_hash.eq(password_hash),
            users::disabled.eq(false),
            users::created_at.eq(now),
        ))
        .returning(users::all_columns)
        .get_result(conn)
}

pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_user(conn: &mut DbConn, id: i64) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn set_password(conn: &mut DbConn, user_id: i64, password_hash: &str) -> QueryResult<bool> {
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn set_disabled(conn: &mut DbConn, user_id: i64, disabled: bool) -> QueryResult<bool> {
    diesel::update(users::table.find(user_id))
        .set(users::disabled.eq(disabled))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn add_membership(conn: &mut DbConn, user_id: i64, desk_id: i64) -> QueryResult<()> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        desk_members::table
            .filter(desk_members::user_id.eq(user_id))
            .filter(desk_members::desk_id.eq(desk_id)),
    ))
    .get_result(conn)?;
    if !exists {
        diesel::insert_into(desk_members::table)
            .values((
                desk_members::user_id.eq(user_id),
                desk_members::desk_id.eq(desk_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn desks_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<i64>> {
    desk_members::table
        .filter(desk_members::user_id.eq(user_id))
        .select(desk_members::desk_id)
        .load(conn)
}

pub fn insert_token(
    conn: &mut DbConn,
    user_id: i64,
    name: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
}

/// The active user behind a live token.
pub fn user_for_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<(i64, UserRow)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::disabled.eq(false))
        .select((api_tokens::id, UserRow::as_select()))
        .first(conn)
        .optional()
}

pub fn touch_token(conn: &mut DbConn, token_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(token_id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

pub fn revoke_token(conn: &mut DbConn, token_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        api_tokens::table
            .find(token_id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Every live token of an account, revoked; how many.
pub fn revoke_tokens_of(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
}

/// Every session of an account, deleted; how many (expired ones are not counted).
pub fn delete_sessions_of(
    conn: &mut DbConn,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let live = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(now))
        .count()
        .get_result::<i64>(conn)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    Ok(live as usize)
}

use crate::storage::schema::{auth_events, login_failures};

pub fn record_failure(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::throttle_key.eq(key),
            login_failures::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Failures for a key since a time: how many, and the latest.
pub fn failures_since(
    conn: &mut DbConn,
    key: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    login_failures::table
        .filter(login_failures::throttle_key.eq(key))
        .filter(login_failures::created_at.gt(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(login_failures::created_at),
        ))
        .first(conn)
}

pub fn clear_failures(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::throttle_key.eq(key)))
        .execute(conn)
        .map(|_| ())
}

pub fn record_auth_event(
    conn: &mut DbConn,
    user_id: Option<i64>,
    email: &str,
    kind: &str,
    client_hash: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(auth_events::table)
        .values((
            auth_events::user_id.eq(user_id),
            auth_events::email.eq(email),
            auth_events::kind.eq(kind),
            auth_events::client_hash.eq(client_hash),
            auth_events::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every account, with the desks it belongs to (a newsroom has tens of editors, not thousands).
pub fn all_users_with_desks(conn: &mut DbConn) -> QueryResult<Vec<(UserRow, Vec<i64>)>> {
    let users: Vec<UserRow> = users::table
        .order(users::display_name.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    let memberships: Vec<(i64, i64)> = desk_members::table
        .select((desk_members::user_id, desk_members::desk_id))
        .load(conn)?;
    Ok(users
        .into_iter()
        .map(|user| {
            let desks = memberships
                .iter()
                .filter(|(u, _)| *u == user.id)
                .map(|(_, d)| *d)
                .collect();
            (user, desks)
        })
        .collect())
}

/// One showing of reporters' contact details.
pub struct NewContactRead<'a> {
    pub user_id: i64,
    pub report_id: Option<i64>,
    pub place: &'a str,
    pub report_count: i64,
    pub detail: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub fn insert_contact_read(conn: &mut DbConn, read: &NewContactRead) -> QueryResult<i64> {
    diesel::insert_into(contact_reads::table)
        .values((
            contact_reads::user_id.eq(read.user_id),
            contact_reads::report_id.eq(read.report_id),
            contact_reads::place.eq(read.place),
            contact_reads::report_count.eq(read.report_count),
            contact_reads::detail.eq(read.detail),
            contact_reads::created_at.eq(read.at),
        ))
        .returning(contact_reads::id)
        .get_result(conn)
}

pub fn add_to_contact_read(conn: &mut DbConn, id: i64, more: i64) -> QueryResult<()> {
    diesel::update(contact_reads::table.find(id))
        .set(contact_reads::report_count.eq(contact_reads::report_count + more))
        .execute(conn)
        .map(|_| ())
}

/// Who saw one report's contact details, newest first: (email, place, time).
pub fn contact_reads_of(
    conn: &mut DbConn,
    report_id: i64,
    limit: i64,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    contact_reads::table
        .inner_join(users::table)
        .filter(contact_reads::report_id.eq(report_id))
        .order((contact_reads::created_at.desc(), contact_reads::id.desc()))
        .limit(limit)
        .select((
            users::email,
            contact_reads::place,
            contact_reads::created_at,
        ))
        .load(conn)
}
