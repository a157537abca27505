//! How many reports each desk has in each status, kept in `report_counts` by the transactions that
//! store or move reports, so that the dashboard's navigation reads a few rows instead of counting.
//!
//! A transaction collects its changes here and writes them at its end, in one order (desk, then
//! status); in a batch of the writer (intake's, on both backends) at the batch's end, summed over
//! its requests: one statement per desk and status a batch touched (see
//! `storage::add_at_batch_end`). On PostgreSQL every transaction then takes its count rows last,
//! after any article row it locks, and in one order, so transactions do not deadlock on them,
//! however many articles a batch holds. Each count a batch or transaction writes goes to one of
//! [`repo::COUNT_SHARDS_POSTGRES`] rows of its desk and status (chosen at random), so that
//! transactions on one desk do not queue on a single row until each COMMIT. SQLite has one
//! writer: one row.

use std::collections::BTreeMap;

use diesel::QueryResult;

use super::{ReportStatus, repo};
use crate::storage::{BatchSum, DbConn, SumRow, add_at_batch_end};

/// Changes to the counts, not written yet.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CountChanges {
    /// (desk id or 0, status) → how many more (or fewer).
    by_key: BTreeMap<(i64, &'static str), i64>,
}

impl CountChanges {
    /// A report was stored in `status` on `desk`.
    pub fn added(&mut self, desk: Option<i64>, status: ReportStatus) {
        self.add(desk, status, 1);
    }

    /// A report moved from one desk and status to another (either may stay the same).
    pub fn moved(
        &mut self,
        from_desk: Option<i64>,
        from: ReportStatus,
        to_desk: Option<i64>,
        to: ReportStatus,
    ) {
        self.add(from_desk, from, -1);
        self.add(to_desk, to, 1);
    }

    fn add(&mut self, desk: Option<i64>, status: ReportStatus, n: i64) {
        *self
            .by_key
            .entry((desk.unwrap_or(0), status.as_str()))
            .or_default() += n;
    }

    /// The changes that are not zero, in the order they are written.
    pub fn changes(&self) -> impl Iterator<Item = (i64, &'static str, i64)> + '_ {
        self.by_key
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(&(desk, status), &n)| (desk, status, n))
    }

    /// Writes the changes in the caller's transaction: at once, or, in a batch of the writer, at
    /// its end, summed with its other requests' (see `storage::add_at_batch_end`).
    pub fn write(self, conn: &mut DbConn) -> QueryResult<()> {
        for (desk, status, n) in self.changes() {
            add_at_batch_end(conn, COUNTS, (desk, status), n)?;
        }
        Ok(())
    }
}

/// The counts as a batch's sum: written in (desk, status) order, to one shard per batch.
const COUNTS: BatchSum = BatchSum {
    name: "report_counts",
    write: write_counts,
};

fn write_counts(conn: &mut DbConn, totals: &[SumRow]) -> QueryResult<()> {
    let shard = shard(conn);
    for &(desk, status, n) in totals {
        repo::add_to_count(conn, desk, status, shard, n)?;
    }
    Ok(())
}

/// The count row of a desk and status that a transaction adds to: one of
/// [`repo::COUNT_SHARDS_POSTGRES`] on PostgreSQL, the one row on SQLite.
pub fn shard(conn: &DbConn) -> i32 {
    match conn {
        DbConn::Sqlite(_) => 0,
        DbConn::Postgres(_) => random_shard(),
    }
}

fn random_shard() -> i32 {
    let mut byte = [0u8; 1];
    // Without the OS generator every transaction uses shard 0: slower under load, still right.
    let _ = getrandom::fill(&mut byte);
    i32::from(byte[0]) % repo::COUNT_SHARDS_POSTGRES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_add_up_per_desk_and_status_in_one_order() {
        let mut changes = CountChanges::default();
        changes.added(Some(2), ReportStatus::New);
        changes.added(None, ReportStatus::NeedsUrl);
        changes.moved(Some(2), ReportStatus::New, Some(2), ReportStatus::Triaged);
        changes.moved(None, ReportStatus::NeedsUrl, Some(1), ReportStatus::New);
        changes.added(Some(1), ReportStatus::New);
        assert_eq!(
            changes.changes().collect::<Vec<_>>(),
            vec![(1, "new", 2), (2, "triaged", 1)],
            "a move back and forth cancels out; desks, then statuses, in order"
        );
        assert!(random_shard() < repo::COUNT_SHARDS_POSTGRES);
    }
}
