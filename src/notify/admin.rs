//! What operators do with the outbox: see its state, list dead messages, send them again.

use chrono::Utc;

use super::repo::{self, OutboxRow};
use super::status;
use crate::storage::{Db, StorageError};

/// Messages per delivery state.
pub fn counts(db: &Db) -> Result<Vec<(String, i64)>, StorageError> {
    db.write_blocking(|conn| repo::count_by_status(conn).map_err(StorageError::from))
}

pub fn dead(db: &Db, limit: i64) -> Result<Vec<OutboxRow>, StorageError> {
    db.write_blocking(|conn| {
        repo::list_by_status(conn, status::DEAD, limit).map_err(StorageError::from)
    })
}

/// Queues dead messages again (all of them when `ids` is empty); returns how many.
pub fn retry(db: &Db, ids: &[i64]) -> Result<usize, StorageError> {
    let now = Utc::now().naive_utc();
    db.write_blocking(|conn| {
        let ids: Vec<i64> = if ids.is_empty() {
            repo::list_by_status(conn, status::DEAD, i64::MAX)?
                .into_iter()
                .map(|row| row.id)
                .collect()
        } else {
            ids.to_vec()
        };
        let mut retried = 0;
        for id in ids {
            if repo::retry_dead(conn, id, now)? {
                retried += 1;
            }
        }
        Ok(retried)
    })
}
