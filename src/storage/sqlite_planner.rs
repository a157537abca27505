//! The query planner stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`) on the writer's SQLite
//! connection.
//!
//! Why: diesel binds every LIMIT and OFFSET as a parameter, and SQLite (3.47 and later) plans a
//! bound LIMIT as the constant it was bound to, marking the statement to be compiled again
//! whenever that parameter is bound again. Every `.first()` and `.limit()` was therefore re-parsed
//! and re-planned on each run, cached or not: a tenth of the intake writer's time in a profile
//! (`scripts/bench-intake`). With the guarantee on, a statement's plan never depends on the
//! values bound to it, so diesel's statement cache works as intended.
//!
//! Only the writer: its statements are short and run for every write. The readers' searches do
//! depend on the values bound (a LIKE prefix's range, for one), and were measured several times
//! slower with the guarantee on (`scripts/bench-dashboard`); they pay the recompiling instead.
//!
//! The cost on the writer: a partial index is used only when the query states the index's
//! condition in its text, not through a bound value (`open_report_count > 0` written as SQL, not
//! `.gt(0)`). The queries that rely on partial indexes do so everywhere, and tests check their
//! plans.

use std::cell::Cell;
use std::ffi::{c_char, c_int};
use std::sync::Once;

use libsqlite3_sys as ffi;

static INSTALL: Once = Once::new();

thread_local! {
    /// Whether connections opened on this thread get the guarantee.
    static STABLE_PLANS: Cell<bool> = const { Cell::new(false) };
}

/// Connections opened on the calling thread from now on get the guarantee (the writer's thread).
pub fn stable_plans_on_this_thread() {
    install();
    STABLE_PLANS.with(|on| on.set(true));
}

/// Registers the hook that gives the guarantee to the connections of the threads that asked for
/// it (idempotent).
fn install() {
    INSTALL.call_once(|| {
        // SAFETY: registering a function with the entry-point signature SQLite expects; it only
        // calls `sqlite3_db_config` on the connection SQLite hands it.
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(enable_qpsg)) };
        if rc != ffi::SQLITE_OK {
            // Still correct without it, only slower.
            tracing::warn!(rc, "could not register the SQLite planner setting");
        }
    });
}

/// Run by SQLite as each connection opens, on the thread that opens it.
unsafe extern "C" fn enable_qpsg(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    if !STABLE_PLANS.with(Cell::get) {
        return ffi::SQLITE_OK;
    }
    // SAFETY: `db` is the connection being opened, valid for this call; the option takes an int
    // (1: on) and an optional int pointer for the new value (not wanted).
    unsafe {
        ffi::sqlite3_db_config(
            db,
            ffi::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            std::ptr::null_mut::<c_int>(),
        );
    }
    ffi::SQLITE_OK
}

/// For tests of query plans: a migrated SQLite database, and a statement's plan.
#[cfg(test)]
pub(crate) mod testing {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    use crate::storage::{Db, DbConn};

    pub fn migrated_sqlite(dir: &std::path::Path) -> Db {
        let db = Db::connect(&crate::storage::sqlite_test_settings(&dir.join("plans.db")))
            .expect("connects");
        db.migrate().expect("migrates");
        db
    }

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    /// SQLite's plan for `sql` with its parameters bound to `binds` (integers), one line per step.
    pub fn plan(conn: &mut DbConn, sql: &str, binds: &[i64]) -> String {
        let mut query = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).into_boxed();
        for value in binds {
            query = query.bind::<BigInt, _>(*value);
        }
        query
            .load::<PlanStep>(conn)
            .expect("explains")
            .into_iter()
            .map(|step| step.detail)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{migrated_sqlite, plan};

    const WITH_BOUND_ZERO: &str = "SELECT id FROM articles WHERE open_report_count > ? \
         ORDER BY open_report_count DESC, id DESC LIMIT ?";
    const WITH_LITERAL_ZERO: &str = "SELECT id FROM articles WHERE open_report_count > 0 \
         ORDER BY open_report_count DESC, id DESC LIMIT ?";

    /// The writer's plans are the same whatever is bound (a bound 0 cannot promise the partial
    /// index's condition; a literal one can); the pool's readers keep plans made for the values.
    #[tokio::test]
    async fn the_writers_plans_never_depend_on_the_values_bound() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = migrated_sqlite(dir.path());
        let uses_index = |conn: &mut crate::storage::DbConn, sql: &str, binds: &[i64]| {
            plan(conn, sql, binds).contains("articles_queue_most_idx")
        };
        let mut reader = db.get().expect("a pooled connection");
        assert!(uses_index(&mut reader, WITH_BOUND_ZERO, &[0, 10]));
        assert!(uses_index(&mut reader, WITH_LITERAL_ZERO, &[10]));
        let (bound, literal) = db
            .write(move |conn| {
                Ok::<_, crate::storage::StorageError>((
                    uses_index(conn, WITH_BOUND_ZERO, &[0, 10]),
                    uses_index(conn, WITH_LITERAL_ZERO, &[10]),
                ))
            })
            .await
            .expect("on the writer");
        assert!(!bound, "the writer planned for the bound value");
        assert!(literal);
    }
}
