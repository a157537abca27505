//! Keeps the word index in step with the reports: each write that adds a report or changes what
//! is indexed of it (its text, its article) writes the report's entry in the same transaction; the
//! reports that existed before the index are indexed once, after the migrations.

use diesel::QueryResult;

use super::repo::{self, SearchSource};
use super::search;
use crate::storage::{Db, DbConn, StorageError};

/// Reports indexed per transaction by [`index_after`] and [`index_backlog`].
const BATCH: i64 = 5_000;

fn tokens((_, passage, explanation, url): &SearchSource) -> Vec<String> {
    search::document(passage.as_deref(), explanation, url)
}

/// The index entry of a report not stored yet (its text, on the article at `canonical_url`):
/// worked out before the write transaction, so the writer only stores it (`repo::insert_report`).
pub(crate) fn entry_for_new(
    passage: Option<&str>,
    explanation: &str,
    canonical_url: &str,
) -> Vec<String> {
    search::document(passage, explanation, canonical_url)
}

/// Reports whose indexed text or article changed: their entries are written again.
pub(crate) fn reindex(conn: &mut DbConn, ids: &[i64]) -> QueryResult<()> {
    let entries: Vec<(i64, Vec<String>)> = repo::search_sources(conn, ids)?
        .iter()
        .map(|source| (source.0, tokens(source)))
        .collect();
    repo::reindex_reports(conn, &entries)
}

/// Every report with an id above `after_id` (a bulk load), in the caller's transaction.
pub fn index_after(conn: &mut DbConn, mut after_id: i64) -> QueryResult<usize> {
    let mut indexed = 0;
    loop {
        let sources = repo::search_sources_after(conn, after_id, BATCH)?;
        let Some(last) = sources.last() else {
            return Ok(indexed);
        };
        after_id = last.0;
        let entries: Vec<(i64, Vec<String>)> = sources.iter().map(|s| (s.0, tokens(s))).collect();
        repo::reindex_reports(conn, &entries)?;
        indexed += entries.len();
    }
}

/// Indexes the reports the migration that created the index left waiting, a batch per
/// transaction (an interrupted run goes on where it stopped). Returns how many it indexed.
pub fn index_backlog(db: &Db) -> Result<usize, StorageError> {
    let mut indexed = 0;
    loop {
        let done = db.write_blocking(|conn| -> Result<usize, StorageError> {
            let ids = repo::search_backlog(conn, BATCH)?;
            if ids.is_empty() {
                return Ok(0);
            }
            reindex(conn, &ids)?;
            repo::remove_from_search_backlog(conn, &ids)?;
            Ok(ids.len())
        })?;
        if done == 0 {
            if indexed > 0 {
                tracing::info!(indexed, "word index built for the existing reports");
            }
            return Ok(indexed);
        }
        indexed += done;
        tracing::info!(indexed, "indexing the existing reports for word search");
    }
}
