//! Desk storage: desks from the routing file are mirrored into the `desks` table.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Desk;
use crate::storage::DbConn;
use crate::storage::schema::desks;

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
