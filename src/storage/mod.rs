//! One connection type over SQLite and PostgreSQL, the pool, migrations, and the blocking bridge.
//!
//! diesel is synchronous: every database call goes through [`Db::read`] or [`Db::write`], which run it
//! off the async workers so they never wait on the database: reads on tokio's blocking pool with a
//! pooled connection; writes through the writer (group commit, see [`writer`]): every write on
//! SQLite (one thread), the replayable ones on PostgreSQL (several threads), whose other writes
//! run on the blocking pool, each in its own transaction.

pub mod schema;
pub(crate) mod sqlite_planner;
mod writer;

pub use writer::WriterStats;
pub(crate) use writer::{BatchSum, SumRow, add_at_batch_end, at_batch_end};

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sql_types::{Integer, Text};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{DatabaseSettings, SqliteSynchronous};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs `$body` with `$c` bound to the connection's own type (`&mut SqliteConnection` or
/// `&mut PgConnection`): `on_its_backend!(conn, c => query.get_result(c))`.
///
/// For the statements every report runs: diesel's multi-backend connection gives its statements
/// no static id, so it writes each one's SQL text out again at every run to look it up in its
/// statement cache; on the concrete connection a statement of a static type is found by its type.
/// That text was a seventh of SQLite's writer's time under intake.
#[macro_export]
macro_rules! on_its_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::storage::DbConn::Sqlite($c) => $body,
            $crate::storage::DbConn::Postgres($c) => $body,
        }
    };
}

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type PooledConn = PooledConnection<DbConnectionManager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "unsupported database URL scheme {0:?}: use sqlite://<path>, a file path, or postgres://"
    )]
    UnsupportedScheme(String),
    #[error("could not open the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("could not create the database directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database unavailable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The last connection attempt failed and none has succeeded since: answered at once.
    #[error("database unreachable: {0}")]
    Unreachable(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database task was cancelled")]
    Cancelled,
    /// The writer's queue is full (`database.write_queue_max`): refused at once, not queued.
    #[error("too many writes are waiting; please try again in a moment")]
    QueueFull,
    /// The batch this write was part of did not commit (a failed COMMIT, a full disk): nothing
    /// of it was stored.
    #[error("the write was not stored: {0}")]
    BatchFailed(String),
    /// The write's own code panicked: only this request fails.
    #[error("the write failed unexpectedly: {0}")]
    Panicked(String),
    #[error("the database writer has stopped")]
    WriterStopped,
}

impl StorageError {
    /// True when the database cannot be reached right now (503), as opposed to a fault in a query.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Pool(_)
            | Self::Connect(_)
            | Self::Unreachable(_)
            | Self::Cancelled
            | Self::QueueFull
            | Self::BatchFailed(_)
            | Self::WriterStopped => true,
            // The server ended the transaction to let another go on: a try later succeeds.
            Self::Query(error) => lost_connection(error) || lost_to_another_transaction(error),
            _ => false,
        }
    }
}

/// True when PostgreSQL ended the statement's transaction so that a concurrent one could go on:
/// a serialization failure, or a deadlock (SQLSTATE 40P01, which diesel does not name: told by
/// its message). Run again, the same work may well succeed.
pub fn lost_to_another_transaction(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => info.message().starts_with("deadlock detected"),
        _ => false,
    }
}

/// True when a statement failed because the connection to the server is gone. libpq reports it
/// as a closed connection, or as "no connection to the server" when it cannot even send; after a
/// failed statement the error that reaches us is often the ROLLBACK's, and a failed COMMIT whose
/// ROLLBACK fails too carries both.
fn lost_connection(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::RollbackErrorOnCommit {
            rollback_error,
            commit_error,
        } => lost_connection(rollback_error) || lost_connection(commit_error),
        // A transaction whose ROLLBACK failed earlier: the connection is unusable, a new one works.
        Error::BrokenTransactionManager => true,
        _ => false,
    }
}

/// Where the data lives, parsed from `database.url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    pub fn parse(url: &str) -> Result<Self, StorageError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if let Some(path) = url.strip_prefix("sqlite:") {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(StorageError::UnsupportedScheme(scheme.to_string()));
        }
        if url.is_empty() {
            return Err(StorageError::UnsupportedScheme(String::new()));
        }
        Ok(Self::Sqlite(PathBuf::from(url)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }
}

/// `url` with libpq's `connect_timeout` (seconds) unless it names one: a server that drops packets
/// then fails a connection attempt (the pool's, a writer's) within the request's own wait, not
/// after the system's TCP timeout of minutes.
fn with_connect_timeout(url: &str, secs: u64) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={secs}")
}

/// Opens pooled connections with the concrete connection type of the configured backend. The
/// derived `MultiConnection::establish` tries every backend in turn and reports none of their
/// errors, so a refused PostgreSQL connection would be logged as an invalid URL.
pub struct DbConnectionManager {
    location: DatabaseLocation,
    availability: Arc<Availability>,
}

impl ManageConnection for DbConnectionManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        let connected = match &self.location {
            DatabaseLocation::Postgres(url) => PgConnection::establish(url).map(DbConn::Postgres),
            DatabaseLocation::Sqlite(path) => {
                SqliteConnection::establish(&path.to_string_lossy()).map(DbConn::Sqlite)
            }
        };
        match &connected {
            Ok(_) => self.availability.reachable(),
            Err(error) => self.availability.unreachable(error.to_string()),
        }
        connected.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// Whether the database is known to be unreachable: set by a failed connection attempt, cleared
/// by a successful one (the pool keeps reconnecting in the background while it is short of
/// connections). While it is set, requests do not wait for a connection that cannot come.
#[derive(Default)]
struct Availability {
    /// Mirrors `outage.is_some()`, so that the common case takes no lock.
    down: AtomicBool,
    outage: Mutex<Option<Outage>>,
}

struct Outage {
    since: Instant,
    cause: String,
}

impl Availability {
    fn lock(&self) -> MutexGuard<'_, Option<Outage>> {
        // A poisoned lock only means a panic while logging; the state itself is fine.
        self.outage.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn unreachable(&self, cause: String) {
        let mut outage = self.lock();
        match outage.as_mut() {
            // Logged once per outage, not once per attempt or request.
            None => {
                tracing::error!(
                    %cause,
                    "database unreachable: answering 503 at once until a connection succeeds"
                );
                *outage = Some(Outage {
                    since: Instant::now(),
                    cause,
                });
                self.down.store(true, Ordering::Release);
            }
            // A new reason (e.g. "shutting down", then "connection refused") once, not per retry.
            Some(known) if known.cause != cause => {
                tracing::warn!(%cause, "database still unreachable, now for another reason");
                known.cause = cause;
            }
            Some(_) => tracing::debug!(%cause, "database still unreachable"),
        }
    }

    fn reachable(&self) {
        if !self.down.load(Ordering::Acquire) {
            return;
        }
        if let Some(ended) = self.lock().take() {
            self.down.store(false, Ordering::Release);
            tracing::warn!(
                down_for_ms = ended.since.elapsed().as_millis() as u64,
                "database reachable again"
            );
        }
    }

    /// Why the database is unreachable, when it is known to be.
    fn cause(&self) -> Option<String> {
        if !self.down.load(Ordering::Acquire) {
            return None;
        }
        self.lock().as_ref().map(|o| o.cause.clone())
    }
}

/// How often a request waiting for a connection looks whether the database was found down
/// meanwhile (by the pool's own connection attempt), to stop waiting at once.
const CHECK_OUTAGE_EVERY: Duration = Duration::from_millis(50);

/// Per-connection SQLite settings, applied when the pool or the writer opens a connection.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas {
    busy_timeout_ms: u32,
    synchronous: SqliteSynchronous,
}

impl SqlitePragmas {
    fn apply(&self, conn: &mut SqliteConnection) -> QueryResult<()> {
        let synchronous = match self.synchronous {
            SqliteSynchronous::Full => "FULL",
            SqliteSynchronous::Normal => "NORMAL",
        };
        // busy_timeout first, so the pragmas after it wait instead of failing on a busy file.
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous};",
            self.busy_timeout_ms
        ))
    }
}

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(conn) = conn {
            self.apply(conn).map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The database handle shared by the whole app: a pool for reads plus the writer, whose threads
/// commit writes in batches: every write on SQLite (one thread), the replayable ones (intake, the
/// mail gateway, the outbox worker) on PostgreSQL, whose other writes use the pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool<DbConnectionManager>,
    backend: Backend,
    availability: Arc<Availability>,
    /// The longest a request waits for a free connection while the database is reachable.
    checkout_timeout: Duration,
    /// Group commit: a thread with its own connection takes every write queued at that moment and
    /// commits them together. SQLite allows one writer: one thread, every write. PostgreSQL has
    /// row locks and many writers at once: `database.write_threads_postgres` threads take the
    /// replayable writes (most of the writes under load are intakes), each batch in one
    /// transaction, its writes in the order of their lock keys (see
    /// [`Db::write_replayable_in_order`]); a write that runs once keeps its own transaction on a
    /// pooled connection.
    writer: Arc<writer::Writer>,
    waits: Arc<PoolWaits>,
}

/// How often requests had to wait for a pooled connection (read by `/metrics`).
#[derive(Debug, Default)]
struct PoolWaits {
    waited: AtomicU64,
    waited_micros: AtomicU64,
    timed_out: AtomicU64,
}

/// The pool as `/metrics` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub max_size: u32,
    pub connections: u32,
    pub idle: u32,
    /// Checkouts that found no idle connection and had to wait.
    pub waited: u64,
    pub waited_micros: u64,
    /// Checkouts that gave up (503).
    pub timed_out: u64,
}

impl Db {
    /// Opens (creating the SQLite file if needed) and checks the database. Does not migrate.
    pub fn connect(settings: &DatabaseSettings) -> Result<Self, StorageError> {
        let location = match DatabaseLocation::parse(settings.url.expose())? {
            DatabaseLocation::Postgres(url) => DatabaseLocation::Postgres(with_connect_timeout(
                &url,
                settings.connect_timeout_secs.max(1),
            )),
            sqlite => sqlite,
        };
        match &location {
            DatabaseLocation::Postgres(url) => {
                // Connect once first, so a bad URL or password fails start-up with the real error.
                PgConnection::establish(url)?;
            }
            DatabaseLocation::Sqlite(path) => prepare_sqlite_file(path)?,
        }
        let pragmas = SqlitePragmas {
            busy_timeout_ms: settings.sqlite_busy_timeout_ms,
            synchronous: settings.sqlite_synchronous,
        };
        let availability = Arc::new(Availability::default());
        let checkout_timeout = Duration::from_secs(settings.connect_timeout_secs.max(1));
        let backend = location.backend();
        let writer = match &location {
            DatabaseLocation::Sqlite(path) => writer::WriterTarget::Sqlite {
                path: path.clone(),
                pragmas,
                checkpoint_pages: settings.write_checkpoint_pages,
            },
            DatabaseLocation::Postgres(url) => writer::WriterTarget::Postgres { url: url.clone() },
        };
        let writer = Arc::new(writer::Writer::start(
            writer::WriterConfig {
                target: writer,
                batch_max: settings.write_batch_max.max(1),
                queue_max: settings.write_queue_max.max(1),
                threads: match backend {
                    Backend::Sqlite => 1,
                    Backend::Postgres => settings.write_threads_postgres.max(1),
                },
            },
            availability.clone(),
        )?);
        let manager = DbConnectionManager {
            location,
            availability: availability.clone(),
        };
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .connection_timeout(checkout_timeout)
            .connection_customizer(Box::new(pragmas))
            // Failed attempts are logged by `Availability`, once per outage: r2d2's own handler
            // would log every retry of every missing connection.
            .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
            .build(manager)?;
        Ok(Self {
            pool,
            backend,
            availability,
            checkout_timeout,
            writer,
            waits: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool_stats(&self) -> PoolStats {
        let state = self.pool.state();
        PoolStats {
            max_size: self.pool.max_size(),
            connections: state.connections,
            idle: state.idle_connections,
            waited: self.waits.waited.load(Ordering::Relaxed),
            waited_micros: self.waits.waited_micros.load(Ordering::Relaxed),
            timed_out: self.waits.timed_out.load(Ordering::Relaxed),
        }
    }

    /// The writer's queue and batches.
    pub fn writer_stats(&self) -> WriterStats {
        self.writer.stats()
    }

    /// Applies pending migrations; returns the names of those applied.
    pub fn migrate(&self) -> Result<Vec<String>, StorageError> {
        let mut conn = self.checkout()?;
        run_migrations(&mut conn)
    }

    /// Reverts the applied migrations newer than `version` (newest first) and returns their
    /// names: for tests that a migration carries the data both ways. Not a command: a newsroom
    /// goes back by restoring a backup.
    #[doc(hidden)]
    pub fn revert_migrations_after(&self, version: &str) -> Result<Vec<String>, StorageError> {
        let mut conn = self.checkout()?;
        let conn: &mut DbConn = &mut conn;
        let mut reverted = Vec::new();
        loop {
            let last = conn
                .applied_migrations()
                .map_err(migration_error)?
                .into_iter()
                .max();
            match last {
                Some(last) if last.to_string().as_str() > version => {}
                _ => return Ok(reverted),
            }
            let name = match conn {
                DbConn::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS),
                DbConn::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS),
            }
            .map_err(migration_error)?;
            reverted.push(name.to_string());
        }
    }

    /// Runs `work` on a pooled connection on the blocking pool.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let db = self.clone();
        // The caller's span (a request's id) follows the work onto the blocking thread.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = db.checkout()?;
            work(&mut conn)
        })
        .await
        .map_err(|_| StorageError::Cancelled)?
    }

    /// Runs `work` in one transaction: committed when it returns Ok, rolled back on Err; the
    /// answer comes only after the COMMIT.
    ///
    /// On SQLite `work` runs on the writer thread, in a SAVEPOINT of a transaction it shares with
    /// every write queued at the same moment: its Err rolls back only its own savepoint; a failed
    /// COMMIT fails the whole batch ([`StorageError::BatchFailed`], 503); a full queue is refused
    /// at once ([`StorageError::QueueFull`], 503). Keep long reads out of it: use [`Db::read`].
    /// On PostgreSQL it is a transaction of its own on a pooled connection.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        self.write_work(writer::Once::new(work)).await
    }

    /// [`Db::write`] for a closure that may run more than once, batched on both backends: a batch
    /// of such writes runs with no savepoints (cheaper), and if one of them fails the batch is
    /// rolled back and run again with a savepoint each, so `work` must start from what the
    /// database holds and do nothing outside it that a second run would repeat. Its outcome is
    /// that of its last run.
    pub async fn write_replayable<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        self.write_work(writer::Replayable::new(work, None)).await
    }

    /// [`Db::write_replayable`] for a write that first locks a row other writes lock too, named
    /// by `lock_order` (intake: its article's address): a batch runs its writes in that order, so
    /// that batches running at once on PostgreSQL lock those rows in one order.
    pub async fn write_replayable_in_order<T, E, F>(
        &self,
        lock_order: Option<String>,
        work: F,
    ) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        self.write_work(writer::Replayable::new(work, lock_order))
            .await
    }

    async fn write_work<T, E, W>(&self, mut work: W) -> Result<T, E>
    where
        W: writer::Work<T, E>,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        if self.backend == Backend::Sqlite || work.replayable() {
            let (reply, answer) = tokio::sync::oneshot::channel();
            self.writer.submit(Box::new(writer::Write::new(
                work,
                Box::new(move |outcome| {
                    // The caller may have gone (a client that hung up): its write stands.
                    let _ = reply.send(outcome);
                }),
            )))?;
            return answer.await.map_err(|_| StorageError::WriterStopped)?;
        }
        let db = self.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = db.checkout()?;
            let conn: &mut DbConn = &mut conn;
            conn.transaction(|conn| work.call(conn))
        })
        .await
        .map_err(|_| StorageError::Cancelled)?
    }

    /// The synchronous twin of [`Db::write`], for CLI commands and blocking contexts: `work` runs
    /// on the calling thread in a transaction of its own. On SQLite it first waits for an
    /// exclusive turn from the writer (which runs nothing meanwhile), so there is still one
    /// writer at a time, and takes the write lock at once (BEGIN IMMEDIATE).
    pub fn write_blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<StorageError> + From<diesel::result::Error>,
    {
        // The turn first, then the connection: a writer waiting its turn while holding a pooled
        // connection would take it from the reads.
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.writer.exclusive()?),
            Backend::Postgres => None,
        };
        let mut conn = self.checkout()?;
        let conn: &mut DbConn = &mut conn;
        match conn {
            DbConn::Sqlite(c) => {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
            }
            DbConn::Postgres(_) => return conn.transaction(work),
        }
        type Manager = <DbConn as diesel::Connection>::TransactionManager;
        match work(conn) {
            Ok(value) => {
                Manager::commit_transaction(conn)?;
                Ok(value)
            }
            Err(error) => match Manager::rollback_transaction(conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                Err(rollback) => Err(rollback.into()),
            },
        }
    }

    /// Readiness: a round trip to the database.
    pub async fn ping(&self) -> Result<(), StorageError> {
        self.read(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map(|_| ())
                .map_err(StorageError::from)
        })
        .await
    }

    /// A connection for tests and introspection.
    pub fn get(&self) -> Result<PooledConn, StorageError> {
        self.checkout()
    }

    /// Why the database is unreachable, while it is known to be (for `/readyz`).
    pub fn outage(&self) -> Option<String> {
        self.availability.cause()
    }

    /// A pooled connection. While the database is known to be down, only a connection already
    /// idle in the pool (checked on checkout) is handed out: waiting the pool's timeout for a new
    /// one would hold every request for seconds before the same 503.
    fn checkout(&self) -> Result<PooledConn, StorageError> {
        if let Some(cause) = self.availability.cause() {
            return self.pool.try_get().ok_or(StorageError::Unreachable(cause));
        }
        if let Some(conn) = self.pool.try_get() {
            return Ok(conn);
        }
        let started = Instant::now();
        let deadline = started + self.checkout_timeout;
        loop {
            let wait = deadline
                .saturating_duration_since(Instant::now())
                .min(CHECK_OUTAGE_EVERY);
            match self.pool.get_timeout(wait) {
                Ok(conn) => {
                    let waited = started.elapsed().as_micros() as u64;
                    self.waits.waited.fetch_add(1, Ordering::Relaxed);
                    self.waits
                        .waited_micros
                        .fetch_add(waited, Ordering::Relaxed);
                    return Ok(conn);
                }
                Err(error) => {
                    // The pool's connection attempt failed meanwhile: stop waiting.
                    if let Some(cause) = self.availability.cause() {
                        return Err(StorageError::Unreachable(cause));
                    }
                    if Instant::now() >= deadline {
                        self.waits.timed_out.fetch_add(1, Ordering::Relaxed);
                        return Err(StorageError::Pool(error));
                    }
                }
            }
        }
    }
}

/// Settings for a test's SQLite file at `path`: a small pool, `synchronous=NORMAL` (tests need no
/// durability across power loss), the shipped batch size.
#[cfg(test)]
pub(crate) fn sqlite_test_settings(path: &Path) -> DatabaseSettings {
    DatabaseSettings {
        url: crate::config::Secret::new(format!("sqlite://{}", path.display())),
        pool_size: 2,
        connect_timeout_secs: 5,
        sqlite_synchronous: SqliteSynchronous::Normal,
        sqlite_busy_timeout_ms: 5000,
        write_batch_max: 256,
        write_queue_max: 64,
        write_checkpoint_pages: 1000,
        write_threads_postgres: 2,
    }
}

/// The time to store: UTC without zone, at microsecond precision (what PostgreSQL keeps, so both
/// backends return exactly what was written).
pub fn now() -> chrono::NaiveDateTime {
    chrono::SubsecRound::trunc_subsecs(chrono::Utc::now().naive_utc(), 6)
}

fn prepare_sqlite_file(path: &Path) -> Result<(), StorageError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    // WAL is a property of the file: set it once here, before the pool opens connections in
    // parallel (setting it per connection races and fails with "database is locked").
    // Processes opening a new file at once (instances started together) race for the switch:
    // SQLite answers "database is locked" at once, without waiting out busy_timeout, to whichever
    // would deadlock, so that one tries again; once the file is WAL the pragma changes nothing.
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    let mut attempts = 1;
    loop {
        match conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;") {
            Err(diesel::result::Error::DatabaseError(_, info))
                if attempts < WAL_SWITCH_ATTEMPTS && info.message().contains("locked") =>
            {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            done => return Ok(done?),
        }
    }
}

/// How many times a process tries to switch a new SQLite file to WAL (100 ms apart) while other
/// processes switch it too.
const WAL_SWITCH_ATTEMPTS: u32 = 50;

/// The PostgreSQL advisory lock held while migrating: instances that start together migrate one
/// after the other (the later ones find nothing pending) instead of racing on the same tables.
/// (SQLite: the same through an immediate transaction.)
const MIGRATION_LOCK: i64 = 0x0064_6573_6b6d_6967; // "deskmig"

fn migration_error<E: std::fmt::Display>(e: E) -> StorageError {
    StorageError::Migration(e.to_string())
}

fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, StorageError> {
    let names = |applied: Vec<diesel::migration::MigrationVersion<'_>>| {
        applied.iter().map(|v| v.to_string()).collect::<Vec<_>>()
    };
    match conn {
        // Holding the write lock from the first look at what is pending: another process
        // migrating the same file waits (busy_timeout), then finds nothing left to do.
        DbConn::Sqlite(c) => c
            .immediate_transaction(|c| c.run_pending_migrations(SQLITE_MIGRATIONS).map(names))
            .map_err(migration_error::<Box<dyn std::error::Error + Send + Sync>>),
        DbConn::Postgres(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .execute(c)
                .map_err(migration_error)?;
            let applied = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(names)
                .map_err(migration_error);
            // Released with the session too, should this fail.
            let unlocked =
                diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                    .execute(c);
            let applied = applied?;
            unlocked.map_err(migration_error)?;
            Ok(applied)
        }
    }
}

/// One column as the live database describes it, for the schema-parity test.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ColumnInfo {
    pub table: String,
    pub column: String,
    /// The declared SQL type, lowercased (`bigint`, `text`, `timestamp without time zone`, ...).
    pub sql_type: String,
    pub nullable: bool,
}

#[derive(QueryableByName)]
struct SqliteColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    type_name: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

/// The reports' word index: an FTS5 virtual table on SQLite, the `tsvector` column `words` of the
/// reports on PostgreSQL. It has no diesel type in common, so schema.rs does not declare it;
/// SQLite's virtual and shadow tables are not listed as tables anyway, PostgreSQL's column is left
/// out by name.
const WORD_INDEX: (&str, &str) = ("reports", "words");

/// Lists the application's tables and columns (diesel's own bookkeeping table and the word
/// index excluded).
pub fn introspect_columns(conn: &mut DbConn) -> Result<Vec<ColumnInfo>, StorageError> {
    let mut columns: Vec<ColumnInfo> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS name, p.type AS type_name, p.\"notnull\" AS \"notnull\", p.pk AS pk \
             FROM pragma_table_list m JOIN pragma_table_info(m.name) p \
             WHERE m.schema = 'main' AND m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
               AND m.name <> '__diesel_schema_migrations'",
        )
        .load::<SqliteColumnRow>(c)?
        .into_iter()
        .map(|r| ColumnInfo {
            table: r.table_name,
            column: r.name,
            sql_type: r.type_name.to_ascii_lowercase(),
            // An INTEGER PRIMARY KEY is the rowid and never NULL, whatever it declares.
            nullable: r.notnull == 0 && r.pk == 0,
        })
        .collect(),
        DbConn::Postgres(c) => diesel::sql_query(format!(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                    data_type::text AS data_type, is_nullable::text AS is_nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations' \
               AND NOT (table_name = '{}' AND column_name = '{}')",
            WORD_INDEX.0, WORD_INDEX.1,
        ))
        .load::<PgColumnRow>(c)?
        .into_iter()
        .map(|r| ColumnInfo {
            table: r.table_name,
            column: r.column_name,
            sql_type: r.data_type.to_ascii_lowercase(),
            nullable: r.is_nullable == "YES",
        })
        .collect(),
    };
    columns.sort();
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deadlock or a serialization failure is a lost race: retried by intake, and answered 503
    /// (try again) should the tries run out; a constraint's violation is neither.
    #[test]
    fn a_transaction_postgresql_ended_for_another_is_worth_another_try() {
        use diesel::result::{DatabaseErrorKind, Error};
        let error = |kind, message: &str| Error::DatabaseError(kind, Box::new(message.to_string()));
        let deadlock = error(
            DatabaseErrorKind::Unknown,
            "deadlock detected\nDETAIL: Process 1 waits for ShareLock on transaction 2",
        );
        let serialization = error(
            DatabaseErrorKind::SerializationFailure,
            "could not serialize access due to concurrent update",
        );
        let unique = error(
            DatabaseErrorKind::UniqueViolation,
            "duplicate key value violates unique constraint",
        );
        let other = error(
            DatabaseErrorKind::Unknown,
            "syntax error at or near \"deadlock\"",
        );
        assert!(lost_to_another_transaction(&deadlock));
        assert!(lost_to_another_transaction(&serialization));
        assert!(!lost_to_another_transaction(&unique));
        assert!(!lost_to_another_transaction(&other));
        assert!(StorageError::Query(deadlock).is_unavailable());
        assert!(!StorageError::Query(unique).is_unavailable());
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout_unless_they_name_one() {
        assert_eq!(
            with_connect_timeout("postgres://desk@db/desk", 5),
            "postgres://desk@db/desk?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://desk@db/desk?sslmode=disable", 2),
            "postgres://desk@db/desk?sslmode=disable&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://desk@db/desk?connect_timeout=30", 5),
            "postgres://desk@db/desk?connect_timeout=30"
        );
    }

    #[test]
    fn database_urls_choose_the_backend() {
        assert_eq!(
            DatabaseLocation::parse("sqlite://data/x.db").ok(),
            Some(DatabaseLocation::Sqlite(PathBuf::from("data/x.db")))
        );
        assert_eq!(
            DatabaseLocation::parse("/var/lib/desk.db").ok(),
            Some(DatabaseLocation::Sqlite(PathBuf::from("/var/lib/desk.db")))
        );
        assert_eq!(
            DatabaseLocation::parse("postgres://u:p@h/db")
                .map(|l| l.backend())
                .ok(),
            Some(Backend::Postgres)
        );
        assert!(matches!(
            DatabaseLocation::parse("mysql://h/db"),
            Err(StorageError::UnsupportedScheme(s)) if s == "mysql"
        ));
        assert!(DatabaseLocation::parse("  ").is_err());
    }

    /// libpq's "no connection to the server" and a closed connection are a 503, also when they
    /// come from the ROLLBACK after a failed statement or from a COMMIT whose ROLLBACK failed.
    #[test]
    fn a_lost_connection_is_unavailable_not_a_fault() {
        use diesel::result::{DatabaseErrorKind, Error};
        let db_error = |kind, message: &str| {
            StorageError::Query(Error::DatabaseError(kind, Box::new(message.to_string())))
        };
        assert!(
            db_error(
                DatabaseErrorKind::UnableToSendCommand,
                "no connection to the server"
            )
            .is_unavailable()
        );
        assert!(
            db_error(
                DatabaseErrorKind::ClosedConnection,
                "server closed the connection"
            )
            .is_unavailable()
        );
        assert!(StorageError::Query(Error::BrokenTransactionManager).is_unavailable());
        assert!(StorageError::Unreachable("Connection refused".into()).is_unavailable());
        let on_commit = |commit_kind, rollback_kind| {
            StorageError::Query(Error::RollbackErrorOnCommit {
                rollback_error: Box::new(Error::DatabaseError(
                    rollback_kind,
                    Box::new("rollback".to_string()),
                )),
                commit_error: Box::new(Error::DatabaseError(
                    commit_kind,
                    Box::new("commit".to_string()),
                )),
            })
        };
        assert!(
            on_commit(
                DatabaseErrorKind::Unknown,
                DatabaseErrorKind::UnableToSendCommand
            )
            .is_unavailable()
        );
        assert!(
            on_commit(
                DatabaseErrorKind::ClosedConnection,
                DatabaseErrorKind::Unknown
            )
            .is_unavailable()
        );
        // Faults in the query itself stay faults (500).
        assert!(!db_error(DatabaseErrorKind::Unknown, "syntax error").is_unavailable());
        assert!(!db_error(DatabaseErrorKind::UniqueViolation, "duplicate key").is_unavailable());
        assert!(
            !on_commit(DatabaseErrorKind::Unknown, DatabaseErrorKind::Unknown).is_unavailable()
        );
        assert!(!StorageError::Query(Error::NotFound).is_unavailable());
    }

    /// A failed connection attempt marks the database down at once and a successful one clears
    /// it; while down, a checkout with no idle connection fails at once with the real cause.
    #[test]
    fn a_failed_connection_attempt_makes_checkouts_fail_fast_until_one_succeeds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(&DatabaseSettings {
            pool_size: 1,
            connect_timeout_secs: 30,
            write_queue_max: 1024,
            write_checkpoint_pages: 1000,
            ..sqlite_test_settings(&dir.path().join("t.db"))
        })
        .expect("connects");
        assert_eq!(db.outage(), None);
        let held = db.get().expect("the one connection");

        db.availability
            .unreachable("connection refused (test)".to_string());
        let started = Instant::now();
        match db.get() {
            Err(StorageError::Unreachable(cause)) => {
                assert_eq!(cause, "connection refused (test)")
            }
            Err(other) => panic!("expected Unreachable, got {other}"),
            Ok(_) => panic!("the only connection is held: nothing to hand out"),
        }
        // Not the 30 s pool timeout (a generous bound: this only tells waiting from not).
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(db.outage().is_some());

        // A connection that is idle in the pool still serves while down.
        drop(held);
        db.get().expect("the idle connection");

        db.availability.reachable();
        assert_eq!(db.outage(), None);
        db.get().expect("a connection once reachable");
    }

    /// Writers queued behind a long SQLite write must not hold pooled connections while they
    /// wait: with a pool of two, a read still gets a connection at once.
    #[tokio::test]
    async fn queued_sqlite_writers_leave_connections_for_reads() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(&DatabaseSettings {
            pool_size: 2,
            connect_timeout_secs: 1,
            write_queue_max: 1024,
            write_checkpoint_pages: 1000,
            ..sqlite_test_settings(&dir.path().join("t.db"))
        })
        .expect("connects");

        let (inside, entered) = std::sync::mpsc::channel();
        let writer = db.clone();
        let long = tokio::spawn(async move {
            writer
                .write(move |_conn| {
                    let _ = inside.send(());
                    std::thread::sleep(Duration::from_secs(3));
                    Ok::<_, StorageError>(())
                })
                .await
        });
        tokio::task::spawn_blocking(move || entered.recv())
            .await
            .expect("joins")
            .expect("the long write started");
        let queued: Vec<_> = (0..4)
            .map(|_| {
                let writer = db.clone();
                tokio::spawn(async move { writer.write(|_conn| Ok::<_, StorageError>(())).await })
            })
            .collect();
        // Let the queued writers reach the lock (before the fix, each first took a connection).
        tokio::time::sleep(Duration::from_millis(300)).await;

        let started = std::time::Instant::now();
        db.ping().await.expect("a read gets a connection");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the read waited {:?} for a connection",
            started.elapsed()
        );

        long.await.expect("joins").expect("long write");
        for write in queued {
            write.await.expect("joins").expect("queued write");
        }
    }

    /// A write's own failure, told apart from the storage's.
    #[derive(Debug)]
    enum TestError {
        Storage(StorageError),
        Own(&'static str),
    }

    impl From<StorageError> for TestError {
        fn from(e: StorageError) -> Self {
            Self::Storage(e)
        }
    }

    impl From<diesel::result::Error> for TestError {
        fn from(e: diesel::result::Error) -> Self {
            Self::Storage(StorageError::Query(e))
        }
    }

    fn sqlite_db(dir: &Path, queue_max: usize) -> Db {
        let db = Db::connect(&DatabaseSettings {
            write_queue_max: queue_max,
            write_checkpoint_pages: 1000,
            ..sqlite_test_settings(&dir.join("t.db"))
        })
        .expect("connects");
        db.write_blocking(|conn| {
            conn.batch_execute(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY NOT NULL, body BLOB); \
                 CREATE TABLE child (id INTEGER PRIMARY KEY NOT NULL, \
                     parent_id INTEGER NOT NULL REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
            )
            .map_err(StorageError::from)
        })
        .expect("tables");
        db
    }

    /// Occupies the writer until the returned sender is dropped; returns once it is inside.
    async fn hold_writer(
        db: &Db,
    ) -> (std::sync::mpsc::SyncSender<()>, tokio::task::JoinHandle<()>) {
        let (inside, entered) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::sync_channel::<()>(0);
        let writer = db.clone();
        let held = tokio::spawn(async move {
            writer
                .write(move |_conn| {
                    let _ = inside.send(());
                    let _ = released.recv();
                    Ok::<_, StorageError>(())
                })
                .await
                .expect("the holding write commits");
        });
        tokio::task::spawn_blocking(move || entered.recv())
            .await
            .expect("joins")
            .expect("the writer took the holding write");
        (release, held)
    }

    /// Waits until `n` writes wait in the queue (they then go into one batch, in this order).
    async fn queued(db: &Db, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while db.writer_stats().queued < n {
            assert!(Instant::now() < deadline, "{n} writes never queued");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn insert_parent(
        db: &Db,
        id: i64,
        then: fn() -> Result<(), TestError>,
    ) -> tokio::task::JoinHandle<Result<(), TestError>> {
        let db = db.clone();
        tokio::spawn(async move {
            db.write(move |conn| {
                diesel::sql_query(format!("INSERT INTO parent (id) VALUES ({id})"))
                    .execute(conn)?;
                then()
            })
            .await
        })
    }

    fn parents(db: &Db) -> Vec<i64> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let mut conn = db.get().expect("connection");
        diesel::sql_query("SELECT id FROM parent ORDER BY id")
            .load::<Id>(&mut conn)
            .expect("reads")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// The write that failed got its own error, and the one that panicked its panic.
    fn assert_own_errors(failing: Result<(), TestError>, panicking: Result<(), TestError>) {
        assert!(
            matches!(failing, Err(TestError::Own("refused"))),
            "{failing:?}"
        );
        match panicking {
            Err(TestError::Storage(StorageError::Panicked(message))) => {
                assert!(message.contains("a bug in a write"), "{message}")
            }
            other => panic!("expected the panic as its own error, got {other:?}"),
        }
    }

    /// One batch of four: the one that fails and the one that panics store nothing and get their
    /// own errors; the two others commit; the writer goes on.
    #[tokio::test]
    async fn a_failing_write_in_a_batch_rolls_back_only_its_own_savepoint() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 64);
        let before = db.writer_stats();
        let (release, held) = hold_writer(&db).await;
        let first = insert_parent(&db, 1, || Ok(()));
        queued(&db, 1).await;
        let failing = insert_parent(&db, 2, || Err(TestError::Own("refused")));
        queued(&db, 2).await;
        let panicking = insert_parent(&db, 3, || panic!("a bug in a write"));
        queued(&db, 3).await;
        let last = insert_parent(&db, 4, || Ok(()));
        queued(&db, 4).await;
        drop(release);
        held.await.expect("joins");

        assert!(matches!(first.await.expect("joins"), Ok(())));
        assert_own_errors(
            failing.await.expect("joins"),
            panicking.await.expect("joins"),
        );
        assert!(matches!(last.await.expect("joins"), Ok(())));
        assert_eq!(parents(&db), vec![1, 4]);

        let after = db.writer_stats();
        assert_eq!(
            after.batches - before.batches,
            2,
            "the holding write, then the four"
        );
        assert_eq!(after.largest_batch, 4);
        assert_eq!(after.failed_batches, 0);
        insert_parent(&db, 5, || Ok(()))
            .await
            .expect("joins")
            .expect("the writer goes on");
        assert_eq!(parents(&db), vec![1, 4, 5]);
    }

    /// What a replayable write saw: the transaction depth it ran at (1: no savepoint of its own)
    /// on each of its runs.
    type Runs = Arc<Mutex<Vec<u32>>>;

    /// A replayable write: inserts `id` (and one more row of the same id + 100, so that a failure
    /// after it leaves half of its work behind), then ends with `then`.
    fn insert_parent_replayable(
        db: &Db,
        id: i64,
        then: fn() -> Result<(), TestError>,
    ) -> (tokio::task::JoinHandle<Result<(), TestError>>, Runs) {
        let db = db.clone();
        let runs = Runs::default();
        let seen = runs.clone();
        let handle = tokio::spawn(async move {
            db.write_replayable(move |conn| {
                let depth =
                    <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(
                        conn,
                    )
                    .transaction_depth()?
                    .map_or(0, |d| d.get());
                seen.lock().expect("runs").push(depth);
                for row in [id, id + 100] {
                    diesel::sql_query(format!("INSERT INTO parent (id) VALUES ({row})"))
                        .execute(conn)?;
                }
                then()
            })
            .await
        });
        (handle, runs)
    }

    fn depths(runs: &Runs) -> Vec<u32> {
        runs.lock().expect("runs").clone()
    }

    /// A batch of replayable writes runs with no savepoints; when one of them fails or panics
    /// after writing, the batch is rolled back whole and run again with a savepoint each: the
    /// failing ones store nothing and get their own errors, the others commit once, and the
    /// next batches keep their savepoints.
    #[tokio::test]
    async fn a_batch_of_replayable_writes_runs_again_with_savepoints_when_one_fails() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 64);

        // All succeed: one run each, at the batch's own level.
        let (release, held) = hold_writer(&db).await;
        let before = db.writer_stats();
        let (a, a_runs) = insert_parent_replayable(&db, 1, || Ok(()));
        queued(&db, 1).await;
        let (b, b_runs) = insert_parent_replayable(&db, 2, || Ok(()));
        queued(&db, 2).await;
        drop(release);
        held.await.expect("joins");
        a.await.expect("joins").expect("a commits");
        b.await.expect("joins").expect("b commits");
        assert_eq!((depths(&a_runs), depths(&b_runs)), (vec![1], vec![1]));
        let after = db.writer_stats();
        assert_eq!(
            after.batches_without_savepoints - before.batches_without_savepoints,
            1
        );
        assert_eq!(after.batches_run_again, 0);

        // One fails after writing, one panics: rolled back, run again in savepoints.
        let (release, held) = hold_writer(&db).await;
        let (first, first_runs) = insert_parent_replayable(&db, 3, || Ok(()));
        queued(&db, 1).await;
        let (failing, failing_runs) =
            insert_parent_replayable(&db, 4, || Err(TestError::Own("refused")));
        queued(&db, 2).await;
        let (panicking, _) = insert_parent_replayable(&db, 5, || panic!("a bug in a write"));
        queued(&db, 3).await;
        let (last, last_runs) = insert_parent_replayable(&db, 6, || Ok(()));
        queued(&db, 4).await;
        drop(release);
        held.await.expect("joins");
        assert!(matches!(first.await.expect("joins"), Ok(())));
        assert_own_errors(
            failing.await.expect("joins"),
            panicking.await.expect("joins"),
        );
        assert!(matches!(last.await.expect("joins"), Ok(())));
        assert_eq!(parents(&db), vec![1, 2, 3, 6, 101, 102, 103, 106]);
        // The first ran before the failure and again; the last only in the second run.
        assert_eq!(depths(&first_runs), vec![1, 2]);
        assert_eq!(depths(&failing_runs), vec![1, 2]);
        assert_eq!(depths(&last_runs), vec![2]);
        let after = db.writer_stats();
        assert_eq!(after.batches_run_again, 1);
        assert_eq!(after.failed_batches, 0);

        // The batches right after keep their savepoints.
        let protected = after.batches_without_savepoints;
        for id in 0..writer::PROTECTED_AFTER_A_FAILURE {
            let (write, runs) = insert_parent_replayable(&db, 10 + i64::from(id), || Ok(()));
            write.await.expect("joins").expect("commits");
            assert_eq!(depths(&runs), vec![2], "batch {id} after the failure");
        }
        assert_eq!(db.writer_stats().batches_without_savepoints, protected);
        let (write, runs) = insert_parent_replayable(&db, 40, || Ok(()));
        write.await.expect("joins").expect("commits");
        assert_eq!(depths(&runs), vec![1], "unguarded again");
    }

    /// A write that runs once, in a batch of replayable ones, gives the whole batch savepoints:
    /// it could not run again after a rollback.
    #[tokio::test]
    async fn a_write_that_runs_once_keeps_its_batch_in_savepoints() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 64);
        let (release, held) = hold_writer(&db).await;
        let (replayable, runs) = insert_parent_replayable(&db, 1, || Ok(()));
        queued(&db, 1).await;
        let once = insert_parent(&db, 2, || Ok(()));
        queued(&db, 2).await;
        let (failing, failing_runs) =
            insert_parent_replayable(&db, 3, || Err(TestError::Own("refused")));
        queued(&db, 3).await;
        drop(release);
        held.await.expect("joins");
        replayable.await.expect("joins").expect("commits");
        once.await.expect("joins").expect("commits");
        assert!(matches!(
            failing.await.expect("joins"),
            Err(TestError::Own("refused"))
        ));
        assert_eq!((depths(&runs), depths(&failing_runs)), (vec![2], vec![2]));
        assert_eq!(parents(&db), vec![1, 2, 101]);
        let stats = db.writer_stats();
        assert_eq!(stats.batches_run_again, 0);
    }

    /// `outcome` is the 503 a failed batch answers, saying `says`.
    fn assert_batch_failed(name: &str, outcome: Result<(), TestError>, says: &str) {
        match outcome {
            Err(TestError::Storage(error @ StorageError::BatchFailed(_))) => {
                assert!(error.is_unavailable(), "{name}: a 503");
                assert!(error.to_string().contains(says), "{name}: {error}");
            }
            other => panic!("{name}: expected BatchFailed, got {other:?}"),
        }
    }

    /// A writer's test database with a `log` table of lines.
    fn log_db(dir: &Path) -> Db {
        let db = sqlite_db(dir, 64);
        db.write_blocking(|conn| {
            conn.batch_execute("CREATE TABLE log (id INTEGER PRIMARY KEY, line TEXT NOT NULL)")
                .map_err(StorageError::from)
        })
        .expect("the log table");
        db
    }

    fn log_line(conn: &mut DbConn, line: &str) -> QueryResult<()> {
        diesel::sql_query("INSERT INTO log (line) VALUES (?)")
            .bind::<Text, _>(line)
            .execute(conn)
            .map(|_| ())
    }

    fn log_lines(db: &Db) -> Vec<String> {
        #[derive(QueryableByName)]
        struct Line {
            #[diesel(sql_type = Text)]
            line: String,
        }
        let mut conn = db.get().expect("connection");
        diesel::sql_query("SELECT line FROM log ORDER BY id")
            .load::<Line>(&mut conn)
            .expect("reads")
            .into_iter()
            .map(|l| l.line)
            .collect()
    }

    /// `name` logs a line, leaves another for the end of its batch, then ends with `outcome`.
    fn log_write(
        db: &Db,
        name: &'static str,
        end_sql: &'static str,
        outcome: fn() -> Result<(), TestError>,
    ) -> tokio::task::JoinHandle<Result<(), TestError>> {
        let db = db.clone();
        tokio::spawn(async move {
            db.write(move |conn| {
                log_line(conn, &format!("run {name}"))?;
                at_batch_end(conn, move |conn| {
                    diesel::sql_query(end_sql).execute(conn).map(|_| ())
                })?;
                outcome()
            })
            .await
        })
    }

    /// Work left for the end of a batch runs after the batch's last request, in the order left,
    /// and only for the requests that committed; outside a batch it runs at once; and when it
    /// fails, the whole batch fails as a failed COMMIT does.
    #[tokio::test]
    async fn work_left_for_the_end_of_a_batch_runs_after_its_last_request() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = log_db(dir.path());
        db.write_blocking(|conn| {
            log_line(conn, "blocking")?;
            at_batch_end(conn, |conn| log_line(conn, "blocking, at once"))?;
            log_line(conn, "blocking, after").map_err(StorageError::from)
        })
        .expect("write_blocking");

        let (release, held) = hold_writer(&db).await;
        let first = log_write(&db, "a", "INSERT INTO log (line) VALUES ('end a')", || {
            Ok(())
        });
        queued(&db, 1).await;
        let failing = log_write(&db, "b", "INSERT INTO log (line) VALUES ('end b')", || {
            Err(TestError::Own("refused"))
        });
        queued(&db, 2).await;
        let last = log_write(&db, "c", "INSERT INTO log (line) VALUES ('end c')", || {
            Ok(())
        });
        queued(&db, 3).await;
        drop(release);
        held.await.expect("joins");
        assert!(matches!(first.await.expect("joins"), Ok(())));
        assert!(matches!(
            failing.await.expect("joins"),
            Err(TestError::Own("refused"))
        ));
        assert!(matches!(last.await.expect("joins"), Ok(())));
        assert_eq!(
            log_lines(&db),
            [
                "blocking",
                "blocking, at once",
                "blocking, after",
                "run a",
                "run c",
                "end a",
                "end c"
            ]
        );

        let (release, held) = hold_writer(&db).await;
        let fine = log_write(&db, "d", "INSERT INTO log (line) VALUES ('end d')", || {
            Ok(())
        });
        queued(&db, 1).await;
        let broken = log_write(&db, "e", "INSERT INTO no_such_table VALUES (1)", || Ok(()));
        queued(&db, 2).await;
        drop(release);
        held.await.expect("joins");
        for (name, outcome) in [
            ("fine", fine.await.expect("joins")),
            ("broken", broken.await.expect("joins")),
        ] {
            assert_batch_failed(name, outcome, "the batch's last writes failed");
        }
        assert_eq!(
            log_lines(&db).len(),
            7,
            "nothing of the failed batch is stored"
        );
    }

    /// A test sum: logs each total it writes, as `sum <id> <name> <n>`.
    const LOGGED_SUM: BatchSum = BatchSum {
        name: "logged",
        write: |conn, rows| {
            for (id, name, n) in rows {
                log_line(conn, &format!("sum {id} {name} {n}"))?;
            }
            Ok(())
        },
    };

    /// `name` logs a line, adds `sums` to [`LOGGED_SUM`] and leaves a line for the end of its
    /// batch, then ends with `outcome`.
    fn sum_write(
        db: &Db,
        name: &'static str,
        sums: &'static [(i64, &'static str, i64)],
        outcome: fn() -> Result<(), TestError>,
    ) -> tokio::task::JoinHandle<Result<(), TestError>> {
        let db = db.clone();
        tokio::spawn(async move {
            db.write(move |conn| {
                log_line(conn, &format!("run {name}"))?;
                for &(id, key, n) in sums {
                    add_at_batch_end(conn, LOGGED_SUM, (id, key), n)?;
                }
                at_batch_end(conn, move |conn| log_line(conn, &format!("end {name}")))?;
                outcome()
            })
            .await
        })
    }

    /// What a batch's requests add to a sum is written once per key at the batch's end, after
    /// the work left for it, in key order, zeros left out and a failed request's additions
    /// dropped with it; outside a batch each addition is written at once.
    #[tokio::test]
    async fn sums_left_for_the_end_of_a_batch_are_written_once_per_key_in_key_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = log_db(dir.path());
        db.write_blocking(|conn| {
            add_at_batch_end(conn, LOGGED_SUM, (9, "alone"), 3).map_err(StorageError::from)
        })
        .expect("write_blocking");

        let (release, held) = hold_writer(&db).await;
        let first = sum_write(&db, "a", &[(2, "new", 1), (1, "triaged", 1)], || Ok(()));
        queued(&db, 1).await;
        let failing = sum_write(&db, "b", &[(1, "new", 100)], || {
            Err(TestError::Own("refused"))
        });
        queued(&db, 2).await;
        let last = sum_write(
            &db,
            "c",
            &[(1, "triaged", 1), (2, "new", -1), (1, "new", 1)],
            || Ok(()),
        );
        queued(&db, 3).await;
        drop(release);
        held.await.expect("joins");
        assert!(matches!(first.await.expect("joins"), Ok(())));
        assert!(matches!(
            failing.await.expect("joins"),
            Err(TestError::Own("refused"))
        ));
        assert!(matches!(last.await.expect("joins"), Ok(())));
        assert_eq!(
            log_lines(&db),
            [
                "sum 9 alone 3",
                "run a",
                "run c",
                "end a",
                "end c",
                "sum 1 new 1",
                "sum 1 triaged 2"
            ]
        );
    }

    /// A batch runs the writes that name a lock key in the order of their keys, then the others
    /// in the order they came: so that batches running at once on PostgreSQL lock rows in one
    /// order.
    #[tokio::test]
    async fn a_batch_runs_its_writes_in_the_order_of_their_lock_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = log_db(dir.path());
        let (release, held) = hold_writer(&db).await;
        let mut writes = Vec::new();
        for (n, (name, key)) in [
            ("first without", None),
            ("c", Some("https://c.example/")),
            ("a", Some("https://a.example/")),
            ("second without", None),
            ("b", Some("https://b.example/")),
            ("a again", Some("https://a.example/")),
        ]
        .into_iter()
        .enumerate()
        {
            let writer = db.clone();
            writes.push(tokio::spawn(async move {
                writer
                    .write_replayable_in_order(key.map(str::to_string), move |conn| {
                        log_line(conn, name).map_err(StorageError::from)
                    })
                    .await
            }));
            queued(&db, n as u64 + 1).await;
        }
        drop(release);
        held.await.expect("joins");
        for write in writes {
            write.await.expect("joins").expect("commits");
        }
        assert_eq!(
            log_lines(&db),
            ["a", "a again", "b", "c", "first without", "second without"]
        );
    }

    /// A COMMIT that fails (a deferred foreign key checked only then) fails every write of the
    /// batch with BatchFailed (503) and stores none; the next batch commits.
    #[tokio::test]
    async fn a_failed_commit_fails_every_write_of_the_batch_and_stores_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 64);
        let (release, held) = hold_writer(&db).await;
        let first = insert_parent(&db, 1, || Ok(()));
        queued(&db, 1).await;
        let breaks_commit = {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(|conn| {
                    diesel::sql_query("INSERT INTO child (id, parent_id) VALUES (1, 999)")
                        .execute(conn)?;
                    Ok::<_, TestError>(())
                })
                .await
            })
        };
        queued(&db, 2).await;
        let last = insert_parent(&db, 3, || Ok(()));
        queued(&db, 3).await;
        drop(release);
        held.await.expect("joins");

        for (name, outcome) in [
            ("first", first.await.expect("joins")),
            ("breaks_commit", breaks_commit.await.expect("joins")),
            ("last", last.await.expect("joins")),
        ] {
            assert_batch_failed(name, outcome, "COMMIT failed");
        }
        assert_eq!(parents(&db), Vec::<i64>::new());
        assert_eq!(db.writer_stats().failed_batches, 1);
        insert_parent(&db, 4, || Ok(()))
            .await
            .expect("joins")
            .expect("the connection is usable again");
        assert_eq!(parents(&db), vec![4]);
    }

    /// A full disk (a tiny max_page_count) in the middle of a batch fails all of it, the writes
    /// before the full one included.
    #[tokio::test]
    async fn a_full_disk_fails_the_whole_batch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 64);
        let (release, held) = hold_writer(&db).await;
        // On the writer's own connection: the file may not grow any more.
        let cap = {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(|conn| {
                    conn.batch_execute("PRAGMA max_page_count = 1")?;
                    Ok::<_, TestError>(())
                })
                .await
            })
        };
        queued(&db, 1).await;
        let small = insert_parent(&db, 1, || Ok(()));
        queued(&db, 2).await;
        let big = {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(|conn| {
                    diesel::sql_query("INSERT INTO parent (id, body) VALUES (2, zeroblob(200000))")
                        .execute(conn)?;
                    Ok::<_, TestError>(())
                })
                .await
            })
        };
        queued(&db, 3).await;
        drop(release);
        held.await.expect("joins");

        for (name, outcome) in [
            ("cap", cap.await.expect("joins")),
            ("small", small.await.expect("joins")),
            ("big", big.await.expect("joins")),
        ] {
            assert_batch_failed(name, outcome, "full");
        }
        assert_eq!(parents(&db), Vec::<i64>::new());
        db.write(|conn| {
            conn.batch_execute("PRAGMA max_page_count = 1073741823")?;
            diesel::sql_query("INSERT INTO parent (id, body) VALUES (3, zeroblob(200000))")
                .execute(conn)?;
            Ok::<_, TestError>(())
        })
        .await
        .expect("usable again once there is room");
        assert_eq!(parents(&db), vec![3]);
    }

    /// The writer keeps its statement journals in memory (`temp_store = MEMORY`): on a file they
    /// were most of the bytes intake wrote. Readers keep the default, so a big sort spills to disk.
    #[tokio::test]
    async fn the_writer_keeps_its_statement_journals_in_memory() {
        fn temp_store(conn: &mut DbConn) -> Result<i32, TestError> {
            let DbConn::Sqlite(c) = conn else {
                panic!("a SQLite connection");
            };
            Ok(
                diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
                    "(SELECT temp_store FROM pragma_temp_store())",
                ))
                .get_result(c)?,
            )
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 8);
        const MEMORY: i32 = 2;
        assert_eq!(db.write(temp_store).await.expect("writer"), MEMORY);
        assert_eq!(db.read(temp_store).await.expect("reader"), 0);
    }

    /// A full queue refuses the next write at once; the queued ones are not lost.
    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 2);
        let (release, held) = hold_writer(&db).await;
        let first = insert_parent(&db, 1, || Ok(()));
        let second = insert_parent(&db, 2, || Ok(()));
        queued(&db, 2).await;
        let refused = db
            .write(|conn| {
                diesel::sql_query("INSERT INTO parent (id) VALUES (3)").execute(conn)?;
                Ok::<_, TestError>(())
            })
            .await;
        match refused {
            Err(TestError::Storage(error @ StorageError::QueueFull)) => {
                assert!(error.is_unavailable())
            }
            other => panic!("expected QueueFull, got {other:?}"),
        }
        assert_eq!(db.writer_stats().refused_full, 1);
        drop(release);
        held.await.expect("joins");
        first.await.expect("joins").expect("first");
        second.await.expect("joins").expect("second");
        assert_eq!(parents(&db), vec![1, 2]);
    }

    /// `write_blocking` takes a turn between batches and writes in its own transaction; its
    /// failure rolls back only its own work.
    #[tokio::test]
    async fn write_blocking_takes_its_turn() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_db(dir.path(), 64);
        let (release, held) = hold_writer(&db).await;
        let blocking = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || {
                db.write_blocking(|conn| {
                    diesel::sql_query("INSERT INTO parent (id) VALUES (7)").execute(conn)?;
                    Ok::<_, TestError>(())
                })
            })
        };
        queued(&db, 1).await;
        let after = insert_parent(&db, 8, || Ok(()));
        queued(&db, 2).await;
        drop(release);
        held.await.expect("joins");
        blocking.await.expect("joins").expect("blocking write");
        after.await.expect("joins").expect("batched write after it");
        let refused = db.write_blocking(|conn| {
            diesel::sql_query("INSERT INTO parent (id) VALUES (9)").execute(conn)?;
            Err::<(), _>(TestError::Own("no"))
        });
        assert!(matches!(refused, Err(TestError::Own("no"))));
        assert_eq!(parents(&db), vec![7, 8]);
    }
}
