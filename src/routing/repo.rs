//! Routing storage: desks mirrored from the routing file, the stored rules (the file's and the
//! dashboard's), the version counter that tells instances the rules changed, and the change log.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Desk, Rule, RuleSource};
use crate::reports::Category;
use crate::storage::DbConn;
use crate::storage::schema::{desks, routing_rule_changes, routing_rules, routing_version};

/// Inserts new desks and renames changed ones; returns every desk's id by slug. Desks that left
/// the file are kept: old reports still name them.
pub fn sync_desks<'a>(
    conn: &mut DbConn,
    wanted: impl Iterator<Item = &'a Desk>,
    now: NaiveDateTime,
) -> QueryResult<HashMap<String, i64>> {
    for desk in wanted {
        let updated = diesel::update(desks::table.filter(desks::slug.eq(&desk.slug)))
            .set(desks::name.eq(&desk.name))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(desks::table)
                .values((
                    desks::slug.eq(&desk.slug),
                    desks::name.eq(&desk.name),
                    desks::created_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(desks::table
        .select((desks::slug, desks::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

/// The version of the stored rules: one primary-key read.
pub fn version(conn: &mut DbConn) -> QueryResult<i64> {
    crate::on_its_backend!(conn, c => routing_version::table
        .find(1_i64)
        .select(routing_version::version)
        .first(c))
}

/// [`version`] as a subquery, for a PostgreSQL statement that reads it along with its own work
/// (intake's, in `reports::repo::record_intake`): the same primary-key read, no round trip of
/// its own.
pub struct VersionSubquery;

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for VersionSubquery {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql("(SELECT version FROM routing_version WHERE id = 1)");
        Ok(())
    }
}

/// Takes the version row's lock (PostgreSQL) or the write lock (SQLite) without changing it, so
/// that changes to the rules happen one at a time.
pub fn lock_version(conn: &mut DbConn) -> QueryResult<()> {
    diesel::update(routing_version::table.find(1_i64))
        .set(routing_version::version.eq(routing_version::version))
        .execute(conn)
        .map(|_| ())
}

/// Bumps the version in the caller's transaction; returns the new one.
pub fn bump_version(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::update(routing_version::table.find(1_i64))
        .set((
            routing_version::version.eq(routing_version::version + 1),
            routing_version::updated_at.eq(now),
        ))
        .execute(conn)?;
    version(conn)
}

/// A stored rule with its desk's slug.
#[derive(Debug, Clone, Queryable)]
pub struct StoredRule {
    pub id: i64,
    pub desk_id: i64,
    pub desk: String,
    pub host: Option<String>,
    pub path_prefix: Option<String>,
    pub category: Option<String>,
    pub language: Option<String>,
    pub priority: i32,
    pub source: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}

impl StoredRule {
    pub fn to_rule(&self) -> Result<Rule, String> {
        let source = RuleSource::parse(&self.source)
            .ok_or_else(|| format!("unknown source {:?}", self.source))?;
        let category = match self.category.as_deref() {
            None => None,
            Some(c) => Some(Category::parse(c).ok_or_else(|| format!("unknown category {c:?}"))?),
        };
        Ok(Rule {
            id: Some(self.id),
            source,
            desk: self.desk.clone(),
            host: self.host.clone(),
            path_prefix: self.path_prefix.clone(),
            category,
            language: self.language.clone(),
            priority: self.priority,
        })
    }
}

type StoredColumns = (
    routing_rules::id,
    routing_rules::desk_id,
    desks::slug,
    routing_rules::host,
    routing_rules::path_prefix,
    routing_rules::category,
    routing_rules::language,
    routing_rules::priority,
    routing_rules::source,
    routing_rules::created_by,
    routing_rules::created_at,
    routing_rules::updated_by,
    routing_rules::updated_at,
);

const STORED: StoredColumns = (
    routing_rules::id,
    routing_rules::desk_id,
    desks::slug,
    routing_rules::host,
    routing_rules::path_prefix,
    routing_rules::category,
    routing_rules::language,
    routing_rules::priority,
    routing_rules::source,
    routing_rules::created_by,
    routing_rules::created_at,
    routing_rules::updated_by,
    routing_rules::updated_at,
);

/// Every stored rule, by id.
pub fn load_rules(conn: &mut DbConn) -> QueryResult<Vec<StoredRule>> {
    routing_rules::table
        .inner_join(desks::table)
        .select(STORED)
        .order(routing_rules::id.asc())
        .load(conn)
}

pub fn find_rule(conn: &mut DbConn, id: i64) -> QueryResult<Option<StoredRule>> {
    routing_rules::table
        .inner_join(desks::table)
        .filter(routing_rules::id.eq(id))
        .select(STORED)
        .first(conn)
        .optional()
}

/// The values of a rule as stored.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = routing_rules, treat_none_as_null = true)]
pub struct RuleValues<'a> {
    pub desk_id: i64,
    pub host: Option<&'a str>,
    pub path_prefix: Option<&'a str>,
    pub category: Option<&'a str>,
    pub language: Option<&'a str>,
    pub priority: i32,
}

pub fn insert_rule(
    conn: &mut DbConn,
    values: &RuleValues<'_>,
    source: RuleSource,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(routing_rules::table)
        .values((
            values,
            routing_rules::source.eq(source.as_str()),
            routing_rules::created_by.eq(actor),
            routing_rules::created_at.eq(now),
            routing_rules::updated_by.eq(actor),
            routing_rules::updated_at.eq(now),
        ))
        .returning(routing_rules::id)
        .get_result(conn)
}

/// Changes a dashboard rule if nobody changed it since `seen` (its `updated_at`); returns the
/// number of rows changed (0: gone, from the file, or changed meanwhile).
pub fn update_dashboard_rule(
    conn: &mut DbConn,
    id: i64,
    seen: NaiveDateTime,
    values: &RuleValues<'_>,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        routing_rules::table
            .filter(routing_rules::id.eq(id))
            .filter(routing_rules::source.eq(RuleSource::Dashboard.as_str()))
            .filter(routing_rules::updated_at.eq(seen)),
    )
    .set((
        values,
        routing_rules::updated_by.eq(actor),
        routing_rules::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Deletes a dashboard rule if nobody changed it since `seen`; returns the rows deleted.
pub fn delete_dashboard_rule(
    conn: &mut DbConn,
    id: i64,
    seen: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        routing_rules::table
            .filter(routing_rules::id.eq(id))
            .filter(routing_rules::source.eq(RuleSource::Dashboard.as_str()))
            .filter(routing_rules::updated_at.eq(seen)),
    )
    .execute(conn)
}

pub fn delete_file_rules(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(routing_rules::table.filter(routing_rules::source.eq(RuleSource::File.as_str())))
        .execute(conn)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = routing_rule_changes)]
pub struct NewChange<'a> {
    pub rule_id: Option<i64>,
    pub action: &'a str,
    pub actor: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert_change(conn: &mut DbConn, change: &NewChange<'_>) -> QueryResult<()> {
    diesel::insert_into(routing_rule_changes::table)
        .values(change)
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable)]
pub struct ChangeRow {
    pub id: i64,
    pub rule_id: Option<i64>,
    pub action: String,
    pub actor: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

/// The latest changes, newest first.
pub fn recent_changes(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<ChangeRow>> {
    routing_rule_changes::table
        .order(routing_rule_changes::id.desc())
        .limit(limit)
        .load(conn)
}
