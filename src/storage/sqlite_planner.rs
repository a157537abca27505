//! The query planner stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`) on every SQLite
//! connection this process opens.
//!
//! Why: diesel binds every LIMIT and OFFSET as a parameter, and SQLite (3.47 and later) plans a
//! bound LIMIT as the constant it was bound to, marking the statement to be compiled again
//! whenever that parameter is bound again. Every `.first()`, `.limit()` and page of a list was
//! therefore re-parsed and re-planned on each run, cached or not: a tenth of the intake writer's
//! time in a profile (`scripts/bench-intake`). With the guarantee on, a statement's plan never
//! depends on the values bound to it, so diesel's statement cache works as intended.
//!
//! The cost: a partial index is used only when the query states the index's condition in its
//! text, not through a bound value (`open_report_count > 0` written as SQL, not `.gt(0)`). The
//! queries that rely on partial indexes do so, and tests check their plans.

use std::ffi::{c_char, c_int};
use std::sync::Once;

use libsqlite3_sys as ffi;

static INSTALL: Once = Once::new();

/// Registers the setting for every SQLite connection opened after this call (idempotent). Call it
/// before the first connection.
pub fn install() {
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

/// Run by SQLite as each connection opens.
unsafe extern "C" fn enable_qpsg(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
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

    use crate::config::{DatabaseSettings, Secret, SqliteSynchronous};
    use crate::storage::{Db, DbConn};

    pub fn migrated_sqlite(dir: &std::path::Path) -> Db {
        let db = Db::connect(&DatabaseSettings {
            url: Secret::new(format!("sqlite://{}", dir.join("plans.db").display())),
            pool_size: 2,
            connect_timeout_secs: 5,
            sqlite_synchronous: SqliteSynchronous::Normal,
            sqlite_busy_timeout_ms: 5000,
            write_batch_max: 256,
            write_queue_max: 64,
        })
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

    /// With the guarantee off, SQLite would pick the partial index for a bound 0 (and compile the
    /// statement again at every run); on, a plan is the same whatever is bound. Both the pool's
    /// connections and the writer's have it.
    #[tokio::test]
    async fn plans_never_depend_on_the_values_bound() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = migrated_sqlite(dir.path());
        let check = |conn: &mut crate::storage::DbConn| {
            let bound = plan(conn, WITH_BOUND_ZERO, &[0, 10]);
            assert!(!bound.contains("articles_queue_most_idx"), "{bound}");
            let literal = plan(conn, WITH_LITERAL_ZERO, &[10]);
            assert!(literal.contains("articles_queue_most_idx"), "{literal}");
        };
        check(&mut db.get().expect("a pooled connection"));
        db.write(move |conn| {
            check(conn);
            Ok::<_, crate::storage::StorageError>(())
        })
        .await
        .expect("on the writer");
    }
}
