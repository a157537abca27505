//! One connection type over SQLite and PostgreSQL, the pool, migrations, and the blocking bridge.
//!
//! diesel is synchronous: every database call goes through [`Db::read`] or [`Db::write`], which run it
//! on tokio's blocking pool so the async workers never wait on the database.

pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sql_types::{Integer, Text};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{DatabaseSettings, SqliteSynchronous};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type PooledConn = PooledConnection<ConnectionManager<DbConn>>;

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
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database task was cancelled")]
    Cancelled,
}

impl StorageError {
    /// True when the database cannot be reached right now (503), as opposed to a fault in a query.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Pool(_) | Self::Connect(_) | Self::Cancelled)
            || matches!(
                self,
                Self::Query(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ClosedConnection,
                    _
                ))
            )
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

/// Per-connection SQLite settings, applied when the pool opens a connection.
#[derive(Debug)]
struct SqlitePragmas {
    busy_timeout_ms: u32,
    synchronous: SqliteSynchronous,
}

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(conn) = conn {
            let synchronous = match self.synchronous {
                SqliteSynchronous::Full => "FULL",
                SqliteSynchronous::Normal => "NORMAL",
            };
            // busy_timeout first, so the pragmas after it wait instead of failing on a busy file.
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous};",
                self.busy_timeout_ms
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The database handle shared by the whole app: a pool plus, for SQLite, one writer at a time.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<DbConn>>,
    backend: Backend,
    /// SQLite allows one writer; queueing writers here is fairer and faster than spinning on
    /// SQLITE_BUSY, and avoids the snapshot upgrade failures of deferred transactions. Writers
    /// queue here before they take a pooled connection, so they hold one connection between
    /// them and the rest of the pool stays free for reads.
    sqlite_writer: Arc<Mutex<()>>,
}

impl Db {
    /// Opens (creating the SQLite file if needed) and checks the database. Does not migrate.
    pub fn connect(settings: &DatabaseSettings) -> Result<Self, StorageError> {
        let location = DatabaseLocation::parse(settings.url.expose())?;
        let url = match &location {
            DatabaseLocation::Postgres(url) => {
                // Connect once with the concrete type so a bad URL or password shows the real error.
                PgConnection::establish(url)?;
                url.clone()
            }
            DatabaseLocation::Sqlite(path) => {
                prepare_sqlite_file(path)?;
                path.to_string_lossy().into_owned()
            }
        };
        let manager = ConnectionManager::<DbConn>::new(match location {
            DatabaseLocation::Postgres(_) => url,
            // The multi-connection picks SQLite for the sqlite:// prefix.
            DatabaseLocation::Sqlite(_) => format!("sqlite://{url}"),
        });
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .connection_timeout(Duration::from_secs(settings.connect_timeout_secs.max(1)))
            .connection_customizer(Box::new(SqlitePragmas {
                busy_timeout_ms: settings.sqlite_busy_timeout_ms,
                synchronous: settings.sqlite_synchronous,
            }))
            .build(manager)?;
        Ok(Self {
            pool,
            backend: location.backend(),
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; returns the names of those applied.
    pub fn migrate(&self) -> Result<Vec<String>, StorageError> {
        let mut conn = self.pool.get()?;
        run_migrations(&mut conn)
    }

    /// Runs `work` on a pooled connection on the blocking pool.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(StorageError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|_| StorageError::Cancelled)?
    }

    /// Runs `work` in one transaction: committed when it returns Ok, rolled back on Err.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(work))
            .await
            .map_err(|_| StorageError::Cancelled)?
    }

    /// The synchronous twin of [`Db::write`], for CLI commands and blocking contexts.
    pub fn write_blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<StorageError> + From<diesel::result::Error>,
    {
        // The lock first, then the connection: a writer waiting its turn while holding a pooled
        // connection would let a queue of writers take every connection and starve the reads
        // (/readyz, the worker's rendering). A dedicated writer connection would do as well, but
        // would lose the pool's checks and its replacement of a broken connection.
        let _writer = match self.backend {
            // A poisoned lock only means another writer panicked; the database itself is fine.
            Backend::Sqlite => Some(
                self.sqlite_writer
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            // PostgreSQL has row locks and many writers at once: no queue here.
            Backend::Postgres => None,
        };
        let mut conn = self.pool.get().map_err(StorageError::from)?;
        let conn: &mut DbConn = &mut conn;
        conn.transaction(work)
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
        Ok(self.pool.get()?)
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
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")?;
    Ok(())
}

fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, StorageError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| StorageError::Migration(e.to_string()))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
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

/// Lists the application's tables and columns (diesel's own bookkeeping table excluded).
pub fn introspect_columns(conn: &mut DbConn) -> Result<Vec<ColumnInfo>, StorageError> {
    let mut columns: Vec<ColumnInfo> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS name, p.type AS type_name, p.\"notnull\" AS \"notnull\", p.pk AS pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
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
        DbConn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                    data_type::text AS data_type, is_nullable::text AS is_nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'",
        )
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

    /// Writers queued behind a long SQLite write must not hold pooled connections while they
    /// wait: with a pool of two, a read still gets a connection at once.
    #[tokio::test]
    async fn queued_sqlite_writers_leave_connections_for_reads() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(&DatabaseSettings {
            url: crate::config::Secret::new(format!(
                "sqlite://{}",
                dir.path().join("t.db").display()
            )),
            pool_size: 2,
            connect_timeout_secs: 1,
            sqlite_synchronous: SqliteSynchronous::Normal,
            sqlite_busy_timeout_ms: 5000,
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
}
