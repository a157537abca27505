//! Group commit on SQLite: one thread owns one long-lived connection and takes every write queued
//! at that moment (up to `database.write_batch_max`), runs them in ONE transaction with a
//! SAVEPOINT each, COMMITs once, and only then answers them all. A request whose closure fails
//! (or panics) rolls back only its savepoint and gets its own error; a failed COMMIT, or SQLite
//! ending the transaction by itself (a full disk, an I/O error), fails every request of the batch
//! with [`StorageError::BatchFailed`] (503) and stores none of them.
//!
//! The queue is bounded (`database.write_queue_max`): a write that finds it full is refused at
//! once with [`StorageError::QueueFull`] (503 with Retry-After), never queued without limit.
//!
//! [`Db::write_blocking`](super::Db::write_blocking) (the CLI, start-up) does not go through the
//! batch: it asks the writer for an exclusive turn, and the writer waits between two batches
//! while the caller writes on a pooled connection, so there is still one writer at a time.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex};

use diesel::connection::{
    AnsiTransactionManager, Connection, InstrumentationEvent, SimpleConnection, TransactionManager,
};
use diesel::prelude::*;

use super::{Availability, DbConn, SqlitePragmas, StorageError};

/// One request of a batch: a closure and, once run, its outcome, kept until the batch ends.
pub(super) trait Request: Send {
    /// Runs the closure in its own savepoint (a panic is caught: it fails this request only).
    /// Returns the work it left for the end of the batch (none if it failed).
    fn run(&mut self, conn: &mut DbConn) -> Vec<BatchEndWork>;
    /// The batch committed: answer with the closure's own outcome.
    fn committed(self: Box<Self>);
    /// The batch did not commit: nothing of it is stored; answer with `why`.
    fn failed(self: Box<Self>, why: &str);
}

/// Work a request leaves for the end of its batch (see [`at_batch_end`]).
type BatchEndWork = Box<dyn FnOnce(&mut DbConn) -> QueryResult<()>>;

thread_local! {
    /// On the writer thread while a request runs: the work it left for the end of the batch.
    /// `None` everywhere else (pooled connections, `write_blocking`), where it runs at once.
    static REQUEST_END_WORK: RefCell<Option<Vec<BatchEndWork>>> = const { RefCell::new(None) };
}

/// Runs `work` in the caller's transaction: at once, or, inside a request of a batch, after the
/// batch's last request and before its COMMIT (in the order left; dropped with its request if that
/// request fails). Its failure fails the whole batch, as a failed COMMIT does.
///
/// For writes to the FTS5 word index: FTS5 writes its pending entries to disk at every SAVEPOINT
/// once it is part of the transaction, so one entry per request meant one index segment (and its
/// merges) per report. Left to the end, a batch writes one.
pub(crate) fn at_batch_end(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> QueryResult<()> + 'static,
) -> QueryResult<()> {
    let work: BatchEndWork = Box::new(work);
    let not_kept = REQUEST_END_WORK.with(|slot| match slot.borrow_mut().as_mut() {
        Some(kept) => {
            kept.push(work);
            None
        }
        None => Some(work),
    });
    match not_kept {
        Some(work) => work(conn),
        None => Ok(()),
    }
}

/// What the caller's reply channel receives.
type Reply<T, E> = Box<dyn FnOnce(Result<T, E>) + Send>;

pub(super) struct Write<F, T, E> {
    work: Option<F>,
    outcome: Option<Result<T, E>>,
    reply: Reply<T, E>,
    /// The caller's span (a request's id) follows the work onto the writer thread.
    span: tracing::Span,
}

impl<F, T, E> Write<F, T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
{
    pub(super) fn new(work: F, reply: Reply<T, E>) -> Self {
        Self {
            work: Some(work),
            outcome: None,
            reply,
            span: tracing::Span::current(),
        }
    }
}

impl<F, T, E> Request for Write<F, T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
{
    fn run(&mut self, conn: &mut DbConn) -> Vec<BatchEndWork> {
        let Some(work) = self.work.take() else {
            return Vec::new();
        };
        let _entered = self.span.enter();
        REQUEST_END_WORK.with(|slot| *slot.borrow_mut() = Some(Vec::new()));
        // Inside the batch's transaction diesel's `transaction` is a SAVEPOINT: released when
        // the closure returns Ok, rolled back to when it returns Err. A panic leaves it open;
        // the writer rolls it back (see `leave_savepoints`).
        let outcome = catch_unwind(AssertUnwindSafe(|| conn.transaction(work)));
        let end_work = REQUEST_END_WORK
            .with(|slot| slot.borrow_mut().take())
            .unwrap_or_default();
        let outcome = outcome.unwrap_or_else(|panic| {
            let message = panic_message(panic.as_ref());
            tracing::error!(%message, "a write panicked; only its own request fails");
            Err(E::from(StorageError::Panicked(message)))
        });
        let end_work = if outcome.is_ok() {
            end_work
        } else {
            Vec::new()
        };
        self.outcome = Some(outcome);
        end_work
    }

    fn committed(self: Box<Self>) {
        let outcome = self
            .outcome
            .unwrap_or_else(|| Err(E::from(StorageError::BatchFailed("not run".into()))));
        (self.reply)(outcome);
    }

    fn failed(self: Box<Self>, why: &str) {
        (self.reply)(Err(E::from(StorageError::BatchFailed(why.to_string()))));
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

pub(super) enum Job {
    Write(Box<dyn Request>),
    /// `write_blocking`: the writer answers on `granted` between two batches, then waits until
    /// `done` is dropped (the caller's transaction ended).
    Exclusive {
        granted: SyncSender<()>,
        done: Receiver<()>,
    },
}

/// Counters of the writer, for `/metrics` and the benchmark.
#[derive(Debug, Default)]
pub(super) struct Counters {
    /// Jobs in the channel: counted by the sender once the send succeeded, and by the writer as it
    /// takes them. (One counter bumped before the send would count a job not yet in the channel.)
    sent: AtomicU64,
    received: AtomicU64,
    batches: AtomicU64,
    requests: AtomicU64,
    failed_batches: AtomicU64,
    refused_full: AtomicU64,
    largest_batch: AtomicU64,
    exclusive_turns: AtomicU64,
}

/// The writer as `/metrics` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterStats {
    /// Writes waiting for the writer right now.
    pub queued: u64,
    /// Transactions committed or failed (one per batch).
    pub batches: u64,
    /// Write requests run in those batches.
    pub requests: u64,
    /// Batches that did not commit (every request of them answered 503).
    pub failed_batches: u64,
    /// Writes refused at once because the queue was full.
    pub refused_full: u64,
    pub largest_batch: u64,
    /// Turns given to `write_blocking` (the CLI, start-up, the periodic purge).
    pub exclusive_turns: u64,
}

/// The handle every clone of `Db` shares: the queue's sending side.
pub(super) struct Writer {
    sender: SyncSender<Job>,
    counters: Arc<Counters>,
}

/// What the writer thread needs to open its connection.
pub(super) struct WriterConfig {
    pub path: PathBuf,
    pub pragmas: SqlitePragmas,
    pub batch_max: usize,
    pub queue_max: usize,
    /// `wal_autocheckpoint` of the writer's connection, in pages.
    pub checkpoint_pages: u32,
}

impl Writer {
    pub(super) fn start(
        config: WriterConfig,
        availability: Arc<Availability>,
    ) -> Result<Self, StorageError> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(config.queue_max.max(1));
        let counters = Arc::new(Counters::default());
        let thread = WriterThread {
            config,
            availability,
            receiver,
            counters: counters.clone(),
            conn: None,
            lost: Arc::new(Mutex::new(None)),
        };
        std::thread::Builder::new()
            .name("desk-db-writer".into())
            .spawn(move || thread.run())
            .map_err(|e| StorageError::BatchFailed(format!("could not start the writer: {e}")))?;
        Ok(Self { sender, counters })
    }

    /// Queues a write; refused at once when the queue is full.
    pub(super) fn submit(&self, request: Box<dyn Request>) -> Result<(), StorageError> {
        match self.sender.try_send(Job::Write(request)) {
            Ok(()) => {
                self.counters.sent.fetch_add(1, Ordering::AcqRel);
                Ok(())
            }
            Err(TrySendError::Full(_)) => {
                self.counters.refused_full.fetch_add(1, Ordering::Relaxed);
                Err(StorageError::QueueFull)
            }
            Err(TrySendError::Disconnected(_)) => Err(StorageError::WriterStopped),
        }
    }

    /// Waits for an exclusive turn: until the returned guard is dropped the writer runs nothing.
    pub(super) fn exclusive(&self) -> Result<ExclusiveTurn, StorageError> {
        let (granted_tx, granted_rx) = std::sync::mpsc::sync_channel(1);
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<()>(0);
        // Blocking send: the CLI and start-up wait their turn rather than fail.
        self.sender
            .send(Job::Exclusive {
                granted: granted_tx,
                done: done_rx,
            })
            .map_err(|_| StorageError::WriterStopped)?;
        self.counters.sent.fetch_add(1, Ordering::AcqRel);
        granted_rx.recv().map_err(|_| StorageError::WriterStopped)?;
        Ok(ExclusiveTurn { _done: done_tx })
    }

    pub(super) fn stats(&self) -> WriterStats {
        let c = &self.counters;
        WriterStats {
            // `sent` first: a job taken meanwhile can only make this smaller, never count a job
            // that is not in the channel (the writer may count one before its sender does).
            queued: {
                let sent = c.sent.load(Ordering::Acquire);
                sent.saturating_sub(c.received.load(Ordering::Acquire))
            },
            batches: c.batches.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
            failed_batches: c.failed_batches.load(Ordering::Relaxed),
            refused_full: c.refused_full.load(Ordering::Relaxed),
            largest_batch: c.largest_batch.load(Ordering::Relaxed),
            exclusive_turns: c.exclusive_turns.load(Ordering::Relaxed),
        }
    }
}

/// Held while `write_blocking` writes on its own connection; dropping it lets the writer go on.
pub(super) struct ExclusiveTurn {
    _done: SyncSender<()>,
}

struct WriterThread {
    config: WriterConfig,
    availability: Arc<Availability>,
    receiver: Receiver<Job>,
    counters: Arc<Counters>,
    /// Opened on first use, and again after it was found broken.
    conn: Option<DbConn>,
    /// Set by the connection's instrumentation when a statement failed in a way that leaves the
    /// transaction unusable (a full disk, an I/O error, no memory), even if SQLite only rolled
    /// back the statement and the closure went on.
    lost: Arc<Mutex<Option<String>>>,
}

/// SQLite's own words for the failures after which a transaction cannot be trusted to commit
/// what its statements did (sqlite3ErrStr: SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, SQLITE_CORRUPT).
fn loses_the_transaction(error: &diesel::result::Error) -> bool {
    let diesel::result::Error::DatabaseError(_, info) = error else {
        return false;
    };
    let message = info.message();
    [
        "database or disk is full",
        "disk I/O error",
        "out of memory",
        "database disk image is malformed",
    ]
    .iter()
    .any(|m| message.contains(m))
}

impl WriterThread {
    fn run(mut self) {
        // This thread's connection (opened on it, and again after a failure) plans its
        // statements once: see `sqlite_planner`.
        super::sqlite_planner::stable_plans_on_this_thread();
        // An exclusive turn found while filling a batch: it comes right after that batch.
        let mut next: Option<Job> = None;
        loop {
            let first = match next.take() {
                Some(job) => job,
                None => match self.receiver.recv() {
                    Ok(job) => {
                        self.counters.received.fetch_add(1, Ordering::AcqRel);
                        job
                    }
                    // Every `Db` is gone: nothing more can come.
                    Err(_) => return,
                },
            };
            let mut batch: Vec<Box<dyn Request>> = match first {
                Job::Exclusive { granted, done } => {
                    exclusive_turn(granted, done);
                    self.counters
                        .exclusive_turns
                        .fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                Job::Write(request) => vec![request],
            };
            // Everything queued at this moment, up to the cap.
            while batch.len() < self.config.batch_max {
                match self.receiver.try_recv() {
                    Ok(job) => {
                        self.counters.received.fetch_add(1, Ordering::AcqRel);
                        match job {
                            Job::Write(request) => batch.push(request),
                            exclusive @ Job::Exclusive { .. } => {
                                next = Some(exclusive);
                                break;
                            }
                        }
                    }
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            self.run_batch(batch);
        }
    }

    fn connection(&mut self) -> Result<&mut DbConn, StorageError> {
        if self.conn.is_none() {
            let conn = self.open().inspect_err(|e| {
                self.availability.unreachable(e.to_string());
            })?;
            self.availability.reachable();
            self.conn = Some(conn);
        }
        self.conn.as_mut().ok_or(StorageError::WriterStopped)
    }

    fn open(&self) -> Result<DbConn, StorageError> {
        let mut conn = SqliteConnection::establish(&self.config.path.to_string_lossy())?;
        self.config.pragmas.apply(&mut conn)?;
        // The writer's commits checkpoint the WAL (SQLite does so on the committing connection).
        // Further apart, a page rewritten by many batches is copied to the file once.
        conn.batch_execute(&format!(
            "PRAGMA wal_autocheckpoint = {}",
            self.config.checkpoint_pages
        ))?;
        let lost = self.lost.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::FinishQuery {
                error: Some(error), ..
            } = event
                && loses_the_transaction(error)
            {
                let mut lost = lost.lock().unwrap_or_else(|p| p.into_inner());
                lost.get_or_insert_with(|| error.to_string());
            }
        });
        Ok(DbConn::Sqlite(conn))
    }

    fn run_batch(&mut self, mut batch: Vec<Box<dyn Request>>) {
        let size = batch.len() as u64;
        self.counters.batches.fetch_add(1, Ordering::Relaxed);
        self.counters.requests.fetch_add(size, Ordering::Relaxed);
        self.counters
            .largest_batch
            .fetch_max(size, Ordering::Relaxed);
        let result = self.commit_batch(&mut batch);
        match result {
            Ok(()) => batch.into_iter().for_each(|r| r.committed()),
            Err(why) => {
                self.counters.failed_batches.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    requests = size,
                    %why,
                    "a batch of writes did not commit; every request of it is answered 503"
                );
                batch.into_iter().for_each(|r| r.failed(&why));
                self.recover();
            }
        }
    }

    /// BEGIN IMMEDIATE, each request in its savepoint, COMMIT. Err: nothing was stored.
    fn commit_batch(&mut self, batch: &mut [Box<dyn Request>]) -> Result<(), String> {
        let lost = self.lost.clone();
        let _ = take(&lost);
        let conn = self.connection().map_err(|e| e.to_string())?;
        let DbConn::Sqlite(sqlite) = &mut *conn else {
            return Err("the writer runs on SQLite only".into());
        };
        // IMMEDIATE: the write lock from the start (another process waits busy_timeout for it,
        // and so do we for theirs), so no statement of the batch can fail to upgrade a snapshot.
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
            .map_err(|e| format!("could not begin the transaction: {e}"))?;
        let mut end_work = Vec::new();
        for request in batch.iter_mut() {
            let left_for_end = request.run(conn);
            let left = leave_savepoints(conn);
            // The failed statement says why better than the missing transaction does.
            if let Some(why) = take(&lost) {
                return Err(format!("the transaction is lost: {why}"));
            }
            left?;
            end_work.extend(left_for_end);
        }
        for work in end_work {
            work(conn).map_err(|e| format!("the batch's last writes failed: {e}"))?;
        }
        // A failed COMMIT is rolled back by diesel (or was ended by SQLite): nothing stored.
        <DbConn as Connection>::TransactionManager::commit_transaction(conn)
            .map_err(|e| format!("COMMIT failed: {e}"))
    }

    /// After a failed batch: the connection must be outside any transaction; if diesel cannot
    /// say so, open a new one for the next batch.
    fn recover(&mut self) {
        let _ = take(&self.lost);
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        rollback(Some(conn));
        let clean = matches!(
            <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
                .transaction_depth(),
            Ok(None)
        );
        if !clean {
            tracing::warn!("the writer's connection is in an unknown state; opening a new one");
            self.conn = None;
        }
    }
}

fn exclusive_turn(granted: SyncSender<()>, done: Receiver<()>) {
    if granted.send(()).is_ok() {
        // Returns when the caller drops its end (its transaction is over).
        let _ = done.recv();
    }
}

fn take(lost: &Mutex<Option<String>>) -> Option<String> {
    lost.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// Rolls back whatever transaction is still open on `conn` (all savepoints, then the top).
fn rollback(conn: Option<&mut DbConn>) {
    let Some(conn) = conn else {
        return;
    };
    for _ in 0..64 {
        match <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()
        {
            Ok(Some(_)) => {
                if <DbConn as Connection>::TransactionManager::rollback_transaction(conn).is_err() {
                    return;
                }
            }
            _ => return,
        }
    }
}

/// After one request: back at the batch's own level. A panicking closure leaves its savepoints
/// open (rolled back here); SQLite ending the whole transaction by itself shows as no
/// transaction at all (diesel notices when the failed statement's rollback fails).
fn leave_savepoints(conn: &mut DbConn) -> Result<(), String> {
    loop {
        let depth =
            <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
                .transaction_depth()
                .map_err(|e| format!("the transaction is lost: {e}"))?;
        match depth.map(|d| d.get()) {
            Some(1) => return Ok(()),
            Some(_) => {
                <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
                    .map_err(|e| format!("could not roll back a savepoint: {e}"))?;
            }
            None => return Err("SQLite rolled the transaction back".into()),
        }
    }
}
