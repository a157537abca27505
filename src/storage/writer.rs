//! Group commit. On SQLite one thread owns one long-lived connection and takes every write queued
//! at that moment (up to `database.write_batch_max`), runs them in ONE transaction with a
//! SAVEPOINT each, COMMITs once, and only then answers them all. A request whose closure fails
//! (or panics) rolls back only its savepoint and gets its own error; a failed COMMIT, or SQLite
//! ending the transaction by itself (a full disk, an I/O error), fails every request of the batch
//! with [`StorageError::BatchFailed`] (503) and stores none of them.
//!
//! A batch whose every request can run again from the start (a replayable write: its closure is
//! `Fn`, as intake's is) first runs with no savepoints at all: a savepoint costs a copy of every
//! page a request changes (SQLite's sub-journal, an eighth of the writer's time in a profile of
//! intake). Should one of them fail or panic, the batch is rolled back whole and run again with a
//! savepoint each, so every request still gets its own outcome as above; the batches after such a
//! failure keep their savepoints for a while, so requests that keep failing cost at most one run
//! more in [`PROTECTED_AFTER_A_FAILURE`] batches.
//!
//! The queue is bounded (`database.write_queue_max`): a write that finds it full is refused at
//! once with [`StorageError::QueueFull`] (503 with Retry-After), never queued without limit.
//!
//! [`Db::write_blocking`](super::Db::write_blocking) (the CLI, start-up) does not go through the
//! batch: it asks the writer for an exclusive turn, and the writer waits between two batches
//! while the caller writes on a pooled connection, so there is still one writer at a time.
//!
//! PostgreSQL batches the replayable writes the same way (intake's: nearly every write under
//! load), with `database.write_threads_postgres` threads taking batches from the one queue: a
//! batch spends most of its time waiting for the server, and one thread left a core idle. Its
//! batches share one COMMIT and one BEGIN, not one fsync only; measured on the benchmark machine,
//! the machine's CPU per intake fell by half. Batches running at once (two threads, two
//! instances) hold their row locks until their COMMIT, so they lock rows in one order: a batch
//! runs its writes in the order of their lock keys ([`sort_for_locking`]), and the sums they
//! leave ([`add_at_batch_end`], the status counts) are written last, in key order. A write with
//! no key that locks an article (the mail gateway's intake) can still cross another batch:
//! PostgreSQL ends one of them (a deadlock, after `deadlock_timeout`), the batch runs again with
//! savepoints and only that request fails, as a lost race its caller retries. No exclusive turns
//! there: PostgreSQL's own locks order `write_blocking` against the batches. A writer whose
//! idle connection the server ended opens a new one before its next batch begins.

use std::cell::RefCell;
use std::collections::BTreeMap;
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
    /// Whether it can run again from the start after its batch was rolled back (see
    /// [`Replayable`]): only then may it run without a savepoint of its own.
    fn replayable(&self) -> bool;
    /// Runs the closure, in its own savepoint when `savepoint` (a panic is caught: it fails this
    /// request only). Returns the work it left for the end of the batch, or `None` if it failed.
    fn run(&mut self, conn: &mut DbConn, savepoint: bool) -> Option<EndOfBatch>;
    /// Where the batch runs it (see [`Db::write_replayable_in_order`](super::Db)).
    fn lock_order(&self) -> Option<&str>;
    /// The batch committed: answer with the closure's own outcome.
    fn committed(self: Box<Self>);
    /// The batch did not commit: nothing of it is stored; answer with `why`.
    fn failed(self: Box<Self>, why: &str);
}

/// The closure of a write, as the writer calls it.
pub(super) trait Work<T, E>: Send + 'static {
    fn replayable(&self) -> bool;
    /// The key of the first row the write locks that other writes lock too (intake: its
    /// article's address); see [`sort_for_locking`].
    fn lock_order(&self) -> Option<&str> {
        None
    }
    fn call(&mut self, conn: &mut DbConn) -> Result<T, E>;
}

/// A closure that runs once ([`Db::write`](super::Db::write)): always in a savepoint.
pub(super) struct Once<F>(Option<F>);

impl<F> Once<F> {
    pub(super) fn new(work: F) -> Self {
        Self(Some(work))
    }
}

impl<F, T, E> Work<T, E> for Once<F>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    E: From<StorageError>,
{
    fn replayable(&self) -> bool {
        false
    }

    fn call(&mut self, conn: &mut DbConn) -> Result<T, E> {
        match self.0.take() {
            Some(work) => work(conn),
            // Never: a batch holding a write that runs once is never run twice.
            None => Err(E::from(StorageError::BatchFailed(
                "a write that runs once was asked to run again".into(),
            ))),
        }
    }
}

/// A closure that may run more than once ([`Db::write_replayable`](super::Db::write_replayable)):
/// each run must start from what the database holds, with no effect outside it that a second
/// run would repeat.
pub(super) struct Replayable<F> {
    work: F,
    lock_order: Option<String>,
}

impl<F> Replayable<F> {
    pub(super) fn new(work: F, lock_order: Option<String>) -> Self {
        Self { work, lock_order }
    }
}

impl<F, T, E> Work<T, E> for Replayable<F>
where
    F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
{
    fn replayable(&self) -> bool {
        true
    }

    fn lock_order(&self) -> Option<&str> {
        self.lock_order.as_deref()
    }

    fn call(&mut self, conn: &mut DbConn) -> Result<T, E> {
        (self.work)(conn)
    }
}

/// Work a request leaves for the end of its batch (see [`at_batch_end`]).
type BatchEndWork = Box<dyn FnOnce(&mut DbConn) -> QueryResult<()>>;

/// A key of a [`BatchSum`] (an id and a name: a desk and a status), and a total for it.
pub(crate) type SumKey = (i64, &'static str);
pub(crate) type SumRow = (i64, &'static str, i64);
type Totals = BTreeMap<SumKey, i64>;

/// A total that a batch writes once, at its end, from what each of its requests added to it
/// ([`add_at_batch_end`]): one statement per key and batch instead of one per request.
#[derive(Clone, Copy)]
pub(crate) struct BatchSum {
    /// Names the sum; a batch writes its sums in the order of their names.
    pub name: &'static str,
    /// Writes totals (`(id, name, amount)`, none zero) in the order given: that of their keys.
    pub write: fn(&mut DbConn, &[SumRow]) -> QueryResult<()>,
}

/// What the requests of a batch left for its end: work in the order left, then the sums.
#[derive(Default)]
pub(super) struct EndOfBatch {
    work: Vec<BatchEndWork>,
    sums: BTreeMap<&'static str, (BatchSum, Totals)>,
}

impl EndOfBatch {
    fn add_to_sum(&mut self, sum: BatchSum, key: SumKey, n: i64) {
        let totals = &mut self
            .sums
            .entry(sum.name)
            .or_insert_with(|| (sum, BTreeMap::new()))
            .1;
        *totals.entry(key).or_default() += n;
    }

    fn extend(&mut self, other: EndOfBatch) {
        self.work.extend(other.work);
        for (sum, totals) in other.sums.into_values() {
            for (key, n) in totals {
                self.add_to_sum(sum, key, n);
            }
        }
    }

    fn run(self, conn: &mut DbConn) -> QueryResult<()> {
        for work in self.work {
            work(conn)?;
        }
        for (sum, totals) in self.sums.into_values() {
            let rows: Vec<_> = totals
                .into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|((id, name), n)| (id, name, n))
                .collect();
            if !rows.is_empty() {
                (sum.write)(conn, &rows)?;
            }
        }
        Ok(())
    }
}

thread_local! {
    /// On the writer thread while a request runs: what it left for the end of the batch.
    /// `None` everywhere else (pooled connections, `write_blocking`), where it runs at once.
    static REQUEST_END_WORK: RefCell<Option<EndOfBatch>> = const { RefCell::new(None) };
}

/// Adds `n` to the total `sum` keeps for `key`, in the caller's transaction: at once, or, inside a
/// request of a batch, summed with the other requests' and written after the batch's last request
/// and its [`at_batch_end`] work (dropped with its request if that request fails).
///
/// For the report counts: written at once by every intake, their rows are taken by every
/// transaction in between its other locks; at the end of the batch, in key order, they are the
/// last locks a batch takes, in one order, so batches on PostgreSQL do not deadlock on them.
pub(crate) fn add_at_batch_end(
    conn: &mut DbConn,
    sum: BatchSum,
    key: SumKey,
    n: i64,
) -> QueryResult<()> {
    let kept = REQUEST_END_WORK.with(|slot| match slot.borrow_mut().as_mut() {
        Some(end) => {
            end.add_to_sum(sum, key, n);
            true
        }
        None => false,
    });
    if kept {
        Ok(())
    } else {
        (sum.write)(conn, &[(key.0, key.1, n)])
    }
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
            kept.work.push(work);
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

pub(super) struct Write<W, T, E> {
    work: W,
    outcome: Option<Result<T, E>>,
    reply: Reply<T, E>,
    /// The caller's span (a request's id) follows the work onto the writer thread.
    span: tracing::Span,
}

impl<W, T, E> Write<W, T, E>
where
    W: Work<T, E>,
    T: Send + 'static,
    E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
{
    pub(super) fn new(work: W, reply: Reply<T, E>) -> Self {
        Self {
            work,
            outcome: None,
            reply,
            span: tracing::Span::current(),
        }
    }
}

impl<W, T, E> Request for Write<W, T, E>
where
    W: Work<T, E>,
    T: Send + 'static,
    E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
{
    fn replayable(&self) -> bool {
        self.work.replayable()
    }

    fn lock_order(&self) -> Option<&str> {
        self.work.lock_order()
    }

    fn run(&mut self, conn: &mut DbConn, savepoint: bool) -> Option<EndOfBatch> {
        let _entered = self.span.enter();
        REQUEST_END_WORK.with(|slot| *slot.borrow_mut() = Some(EndOfBatch::default()));
        let work = &mut self.work;
        // Inside the batch's transaction diesel's `transaction` is a SAVEPOINT: released when
        // the closure returns Ok, rolled back to when it returns Err. A panic leaves it open;
        // the writer rolls it back (see `leave_savepoints`).
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if savepoint {
                conn.transaction(|conn| work.call(conn))
            } else {
                work.call(conn)
            }
        }));
        let end_work = REQUEST_END_WORK
            .with(|slot| slot.borrow_mut().take())
            .unwrap_or_default();
        let outcome = outcome.unwrap_or_else(|panic| {
            let message = panic_message(panic.as_ref());
            tracing::error!(%message, "a write panicked; only its own request fails");
            Err(E::from(StorageError::Panicked(message)))
        });
        let succeeded = outcome.is_ok();
        self.outcome = Some(outcome);
        succeeded.then_some(end_work)
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
    batches_without_savepoints: AtomicU64,
    batches_run_again: AtomicU64,
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
    /// Batches of replayable writes only, run first with no savepoints.
    pub batches_without_savepoints: u64,
    /// Of those, the ones in which a request failed: rolled back and run again with savepoints.
    pub batches_run_again: u64,
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

/// The database the writer's connection opens.
pub(super) enum WriterTarget {
    Sqlite {
        path: PathBuf,
        pragmas: SqlitePragmas,
        /// `wal_autocheckpoint` of the writer's connection, in pages.
        checkpoint_pages: u32,
    },
    Postgres {
        url: String,
    },
}

/// What the writer thread needs to open its connection.
pub(super) struct WriterConfig {
    pub target: WriterTarget,
    pub batch_max: usize,
    pub queue_max: usize,
    /// Threads taking batches from the one queue, each with its own connection: one on SQLite
    /// (one writer at a time), several on PostgreSQL, where a batch spends most of its time
    /// waiting for the server's answers.
    pub threads: usize,
}

impl Writer {
    pub(super) fn start(
        config: WriterConfig,
        availability: Arc<Availability>,
    ) -> Result<Self, StorageError> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(config.queue_max.max(1));
        let counters = Arc::new(Counters::default());
        let receiver = Arc::new(Mutex::new(receiver));
        let config = Arc::new(config);
        for _ in 0..config.threads.max(1) {
            let thread = WriterThread {
                config: config.clone(),
                availability: availability.clone(),
                receiver: receiver.clone(),
                counters: counters.clone(),
                conn: None,
                lost: Arc::new(Mutex::new(None)),
                protected_batches: 0,
            };
            std::thread::Builder::new()
                .name("desk-db-writer".into())
                .spawn(move || thread.run())
                .map_err(|e| {
                    StorageError::BatchFailed(format!("could not start the writer: {e}"))
                })?;
        }
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
            batches_without_savepoints: c.batches_without_savepoints.load(Ordering::Relaxed),
            batches_run_again: c.batches_run_again.load(Ordering::Relaxed),
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
    config: Arc<WriterConfig>,
    availability: Arc<Availability>,
    /// Shared by the writer's threads: the one that holds it takes the next batch.
    receiver: Arc<Mutex<Receiver<Job>>>,
    counters: Arc<Counters>,
    /// Opened on first use, and again after it was found broken.
    conn: Option<DbConn>,
    /// Set by the connection's instrumentation when a statement failed in a way that leaves the
    /// transaction unusable (a full disk, an I/O error, no memory), even if SQLite only rolled
    /// back the statement and the closure went on.
    lost: Arc<Mutex<Option<String>>>,
    /// Batches still to run with savepoints, whatever they hold, after one had to run again.
    protected_batches: u32,
}

/// After a batch had to run again, this many batches keep a savepoint per request: requests that
/// keep failing (a client replaying one idempotency key with another body, say) then cost at most
/// one run more in this many batches.
pub(super) const PROTECTED_AFTER_A_FAILURE: u32 = 16;

/// How one run of a batch's requests ended, its transaction still open.
#[derive(Debug, PartialEq, Eq)]
enum Pass {
    /// Every request ran (those with savepoints may have failed: their savepoint is undone).
    Complete,
    /// A request with no savepoint failed: the transaction holds part of what it did.
    Unguarded,
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
            let Some(batch) = self.take_batch(&mut next) else {
                // Every `Db` is gone: nothing more can come.
                return;
            };
            self.run_batch(batch);
        }
    }

    /// The next batch: everything queued at this moment, up to the cap, taken while this thread
    /// holds the queue (an exclusive turn is granted on the way). None once every sender is gone.
    fn take_batch(&self, next: &mut Option<Job>) -> Option<Vec<Box<dyn Request>>> {
        let receiver = self.receiver.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let first = match next.take() {
                Some(job) => job,
                None => {
                    let job = receiver.recv().ok()?;
                    self.counters.received.fetch_add(1, Ordering::AcqRel);
                    job
                }
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
            while batch.len() < self.config.batch_max {
                match receiver.try_recv() {
                    Ok(job) => {
                        self.counters.received.fetch_add(1, Ordering::AcqRel);
                        match job {
                            Job::Write(request) => batch.push(request),
                            exclusive @ Job::Exclusive { .. } => {
                                *next = Some(exclusive);
                                break;
                            }
                        }
                    }
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            sort_for_locking(&mut batch);
            return Some(batch);
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
        let (path, pragmas, checkpoint_pages) = match &self.config.target {
            WriterTarget::Postgres { url } => {
                return Ok(DbConn::Postgres(PgConnection::establish(url)?));
            }
            WriterTarget::Sqlite {
                path,
                pragmas,
                checkpoint_pages,
            } => (path, pragmas, checkpoint_pages),
        };
        let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
        pragmas.apply(&mut conn)?;
        // The writer's commits checkpoint the WAL (SQLite does so on the committing connection).
        // Further apart, a page rewritten by many batches is copied to the file once.
        // temp_store = MEMORY keeps the statement journals in memory: every statement of a batch
        // that changes a page an earlier one already changed saves that page there first, and on
        // a temporary file those copies were three in four of the writer's writes (strace, intake).
        conn.batch_execute(&format!(
            "PRAGMA wal_autocheckpoint = {checkpoint_pages}; PRAGMA temp_store = MEMORY;"
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
                if self.availability.cause().is_some() {
                    // The outage is logged once (`Availability`), not once per batch.
                    tracing::debug!(requests = size, %why, "a batch failed: database unreachable");
                } else {
                    tracing::error!(
                        requests = size,
                        %why,
                        "a batch of writes did not commit; every request of it is answered 503"
                    );
                }
                batch.into_iter().for_each(|r| r.failed(&why));
                self.recover();
            }
        }
    }

    /// BEGIN IMMEDIATE, each request (in its savepoint, unless all are replayable), COMMIT.
    /// Err: nothing was stored.
    fn commit_batch(&mut self, batch: &mut [Box<dyn Request>]) -> Result<(), String> {
        let unguarded = self.protected_batches == 0 && batch.iter().all(|r| r.replayable());
        self.protected_batches = self.protected_batches.saturating_sub(1);
        if unguarded {
            self.counters
                .batches_without_savepoints
                .fetch_add(1, Ordering::Relaxed);
            if self.run_requests(batch, false)? == Pass::Complete {
                return self.commit();
            }
            // One failed with no savepoint to undo it alone: undo the lot, and run them again
            // each in its own savepoint, so that it fails alone.
            let conn = self.connection().map_err(|e| e.to_string())?;
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
                .map_err(|e| format!("could not roll the batch back to run it again: {e}"))?;
            self.counters
                .batches_run_again
                .fetch_add(1, Ordering::Relaxed);
            self.protected_batches = PROTECTED_AFTER_A_FAILURE;
        }
        self.run_requests(batch, true)?;
        self.commit()
    }

    /// BEGIN IMMEDIATE, then each request, then the work they left for the end; the transaction
    /// stays open. Without savepoints it stops at the first request that fails.
    fn run_requests(
        &mut self,
        batch: &mut [Box<dyn Request>],
        savepoints: bool,
    ) -> Result<Pass, String> {
        let lost = self.lost.clone();
        let _ = take(&lost);
        let conn = self.connection().map_err(|e| e.to_string())?;
        if let Err(error) = begin(conn) {
            // PostgreSQL: a connection the server ended while it sat idle (a restart, a
            // failover) fails its first statement. One new connection before failing the batch.
            if !matches!(conn, DbConn::Postgres(_)) {
                return Err(format!("could not begin the transaction: {error}"));
            }
            tracing::info!(%error, "the writer's connection was lost; opening a new one");
            self.conn = None;
            let conn = self.connection().map_err(|e| e.to_string())?;
            begin(conn).map_err(|e| format!("could not begin the transaction: {e}"))?;
        }
        let conn = self.connection().map_err(|e| e.to_string())?;
        let mut end_work = EndOfBatch::default();
        for request in batch.iter_mut() {
            let ran = request.run(conn, savepoints);
            let left = leave_savepoints(conn);
            // The failed statement says why better than the missing transaction does.
            if let Some(why) = take(&lost) {
                return Err(format!("the transaction is lost: {why}"));
            }
            left?;
            match ran {
                Some(left_for_end) => end_work.extend(left_for_end),
                None if savepoints => {}
                None => return Ok(Pass::Unguarded),
            }
        }
        end_work
            .run(conn)
            .map_err(|e| format!("the batch's last writes failed: {e}"))?;
        Ok(Pass::Complete)
    }

    /// A failed COMMIT is rolled back by diesel (or was ended by SQLite): nothing stored.
    fn commit(&mut self) -> Result<(), String> {
        let conn = self.connection().map_err(|e| e.to_string())?;
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

/// Runs a batch's writes in the order of their lock keys (those without one last, in the order
/// they came). On PostgreSQL several batches run at once (this instance's writer threads, other
/// instances'), each holding every row it locked until its COMMIT: batches that lock articles in
/// one order cannot wait for each other in a circle, as two batches that locked A then B and B then
/// A would (PostgreSQL would end one after its deadlock_timeout, a second).
fn sort_for_locking(batch: &mut [Box<dyn Request>]) {
    batch.sort_by(|a, b| match (a.lock_order(), b.lock_order()) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// BEGIN; on SQLite IMMEDIATE: the write lock from the start (another process waits busy_timeout
/// for it, and so do we for theirs), so no statement of the batch can fail to upgrade a snapshot.
fn begin(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        }
        DbConn::Postgres(pg) => AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN"),
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
