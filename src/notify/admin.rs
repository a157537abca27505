//! What operators do with the outbox: see its state, list dead messages, send them again. Used by
//! the CLI and the editor API alike.

use super::repo::{self, OutboxRow};
use super::status;
use crate::storage::{Db, StorageError};

/// Messages per delivery state.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, StorageError> {
    db.read(|conn| Ok(repo::count_by_status(conn)?)).await
}

pub async fn dead(db: &Db, limit: i64) -> Result<Vec<OutboxRow>, StorageError> {
    db.read(move |conn| Ok(repo::list_by_status(conn, status::DEAD, limit)?))
        .await
}

/// Queues dead messages again (all of them when `ids` is empty); returns how many.
pub async fn retry(db: &Db, ids: Vec<i64>) -> Result<usize, StorageError> {
    let now = crate::storage::now();
    db.write(move |conn| {
        let ids: Vec<i64> = if ids.is_empty() {
            repo::list_by_status(conn, status::DEAD, i64::MAX)?
                .into_iter()
                .map(|row| row.id)
                .collect()
        } else {
            ids
        };
        let mut retried = 0;
        for id in ids {
            if repo::retry_dead(conn, id, now)? {
                retried += 1;
            }
        }
        Ok(retried)
    })
    .await
}
