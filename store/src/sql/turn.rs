//! Writers take turns.
//!
//! SQLite lets one connection write at a time, and a connection that finds the database
//! locked polls for it with growing sleeps (1, 2, 5, 10 … ms). Under a burst of
//! interactions those sleeps, not the writes, were most of an ack's p99. So within one
//! process writers queue on a fair async lock and begin the moment the writer before them
//! commits; the busy timeout is left for writers in other processes (a CLI run beside
//! `rhythm run`). On a SQLite file the turn comes with a connection of its own (the store's
//! writer pool of one): a writer in its turn that queued for a pooled connection behind
//! readers held every writer up behind that queue, which under load was seconds long.
//! Postgres locks rows, so its writers take no turn.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use rhythm_domain::ports::StoreError;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{BEGIN_WRITE, Db, TAKES_TURNS};
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// The queue of one store's writers (shared by its clones), on backends that need one.
#[derive(Clone, Debug)]
pub(super) struct Turns(Option<Arc<Mutex<()>>>);

impl Turns {
    pub(super) fn new() -> Self {
        Self(TAKES_TURNS.then(|| Arc::new(Mutex::new(()))))
    }

    /// Waits for this process's turn to write. Taken before a connection, so waiting
    /// writers hold none.
    async fn take(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.0 {
            Some(lock) => Some(Arc::clone(lock).lock_owned().await),
            None => None,
        }
    }

    /// A write transaction, begun in this process's turn.
    pub(super) async fn begin(
        &self,
        pool: &sqlx::Pool<Db>,
        what: &'static str,
    ) -> Result<WriteTx, StoreError> {
        let turn = self.take().await;
        let inner = pool.begin_with(BEGIN_WRITE).await.map_err(classify(what))?;
        Ok(InTurn { inner, _turn: turn })
    }

    /// A connection for statements that each commit on their own, in this process's turn.
    pub(super) async fn connection(&self, pool: &sqlx::Pool<Db>) -> Result<WriteConn, StoreError> {
        let turn = self.take().await;
        let inner = pool.acquire().await.map_err(classify("connecting"))?;
        Ok(InTurn { inner, _turn: turn })
    }
}

/// A write transaction holding its writer's turn until it commits or is dropped.
pub(super) type WriteTx = InTurn<sqlx::Transaction<'static, Db>>;
/// A connection holding its writer's turn until it is dropped.
pub(super) type WriteConn = InTurn<sqlx::pool::PoolConnection<Db>>;

/// `T` (a transaction or a connection) with the turn to write. It derefs to the connection,
/// so the shared SQL takes `&mut tx` as it takes any connection.
pub(super) struct InTurn<T> {
    // Declared first so the transaction ends before the turn passes on.
    inner: T,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// A transaction that will be rolled back (a dry run): it writes nothing, so it takes
    /// no turn.
    pub(super) fn dry_run(inner: sqlx::Transaction<'static, Db>) -> Self {
        Self { inner, _turn: None }
    }

    pub(super) async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    pub(super) async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl<T: Deref<Target = Connection>> Deref for InTurn<T> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.inner
    }
}

impl<T: DerefMut<Target = Connection>> DerefMut for InTurn<T> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.inner
    }
}
