//! The store on one backend: a pool, a clock, and the directory port.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rhythm_domain::clock::Clock;
use rhythm_domain::import::{ImportPlan, Problem};
use rhythm_domain::people::{Person, PersonId, Team, TeamName};
use rhythm_domain::ports::{
    Advance, Commit, DeliveryId, Directory, DirectorySnapshot, Finish, OccurrenceId, Outbox,
    OutboxHealth, Outgoing, PeopleFilter, PlannerStep, Progress, SchedulePlan, ScheduleSnapshot,
    Schedules, StoreError, StoredSchedule,
};
use rhythm_domain::schedule::HolidayCalendar;
use sqlx::Pool;

use super::turn::{Turns, WriteConn, WriteTx};
use super::{Db, LOCK, MIGRATIONS_TABLE_EXISTS, MIGRATOR, outbox, read, schedules, write};
use crate::connect::MigrationStatus;
use crate::error::classify;

/// Rhythm's storage on this backend.
#[derive(Clone)]
pub struct SqlStore {
    pool: Pool<Db>,
    /// Where writes are made: `pool` itself, or (SQLite on a file) a pool of one connection
    /// of its own, so that a writer holding the turn never queues for a connection behind
    /// readers (see `turn.rs`).
    writer: Pool<Db>,
    clock: Arc<dyn Clock>,
    turns: Turns,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// A store over `pool`, reading time from `clock`.
    pub fn new(pool: Pool<Db>, clock: Arc<dyn Clock>) -> Self {
        Self {
            writer: pool.clone(),
            pool,
            clock,
            turns: Turns::new(),
        }
    }

    /// This store, making its writes through `writer` (a pool of its own) and reading
    /// through the pool it has.
    #[must_use]
    pub fn with_writer(self, writer: Pool<Db>) -> Self {
        Self { writer, ..self }
    }

    /// The store's clock's time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The connection pool, for tests and tools that need raw SQL.
    pub fn pool(&self) -> &Pool<Db> {
        &self.pool
    }

    /// Applies every embedded migration not yet applied.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Which embedded migrations the database has and lacks.
    pub async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        let exists: Option<i32> = sqlx::query_scalar(MIGRATIONS_TABLE_EXISTS)
            .fetch_optional(&mut *conn)
            .await
            .map_err(classify("looking for the migrations table"))?;
        let applied: Vec<i64> = if exists.is_some() {
            sqlx::query_scalar(
                "SELECT version FROM _sqlx_migrations WHERE success = $1 ORDER BY version",
            )
            .bind(true)
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("reading applied migrations"))?
        } else {
            Vec::new()
        };
        Ok(MigrationStatus::compare(&MIGRATOR, &applied))
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(classify("pinging the database"))?;
        Ok(())
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    /// A transaction for an admin change: a write transaction holding the lock for `what`,
    /// or, for a dry run, a plain one that will be rolled back.
    pub(super) async fn begin(
        &self,
        commit: Commit,
        what: &'static str,
    ) -> Result<WriteTx, StoreError> {
        let mut tx = match commit {
            Commit::Write => self.write("starting a transaction").await?,
            Commit::DryRun => WriteTx::dry_run(
                self.pool
                    .begin()
                    .await
                    .map_err(classify("starting a transaction"))?,
            ),
        };
        if let (Commit::Write, Some(lock)) = (commit, LOCK) {
            sqlx::query(lock)
                .bind(what)
                .execute(&mut *tx)
                .await
                .map_err(classify("taking the admin lock"))?;
        }
        Ok(tx)
    }

    /// A write transaction, begun in this process's turn (see `turn.rs`); `what` names it
    /// in errors.
    pub(super) async fn write(&self, what: &'static str) -> Result<WriteTx, StoreError> {
        self.turns.begin(&self.writer, what).await
    }

    /// A connection for single-statement writes, in this process's turn (see `turn.rs`).
    pub(super) async fn write_connection(&self) -> Result<WriteConn, StoreError> {
        self.turns.connection(&self.writer).await
    }

    fn now_millis(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
}

impl Directory for SqlStore {
    async fn people(&self, filter: &PeopleFilter) -> Result<Vec<Person>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        read::people(&mut conn, filter).await
    }

    async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        read::teams(&mut conn).await
    }

    async fn team_exists(&self, name: &TeamName) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        read::team_exists(&mut conn, name).await
    }

    async fn import_people<F>(
        &self,
        plan: F,
        commit: Commit,
        progress: Progress<'_>,
    ) -> Result<Result<ImportPlan, Vec<Problem>>, StoreError>
    where
        F: FnOnce(&DirectorySnapshot) -> Result<ImportPlan, Vec<Problem>> + Send,
    {
        let mut tx = self.begin(commit, "rhythm.directory").await?;
        let snapshot = DirectorySnapshot {
            people: read::people(&mut tx, &PeopleFilter::default()).await?,
        };
        let plan = match plan(&snapshot) {
            Ok(plan) => plan,
            Err(problems) => return Ok(Err(problems)),
        };
        if commit == Commit::DryRun || plan.is_empty() {
            return Ok(Ok(plan));
        }
        write::apply(&mut tx, &plan, self.now_millis(), progress).await?;
        tx.commit()
            .await
            .map_err(classify("committing the import"))?;
        Ok(Ok(plan))
    }
}

impl Schedules for SqlStore {
    async fn holiday_calendars(&self) -> Result<Vec<HolidayCalendar>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        schedules::calendars(&mut conn).await
    }

    async fn schedule_snapshot(&self) -> Result<ScheduleSnapshot, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        schedules::snapshot(&mut conn).await
    }

    async fn change_schedules<F>(
        &self,
        plan: F,
        commit: Commit,
    ) -> Result<Result<SchedulePlan, Vec<String>>, StoreError>
    where
        F: FnOnce(&ScheduleSnapshot) -> Result<SchedulePlan, Vec<String>> + Send,
    {
        let mut tx = self.begin(commit, "rhythm.schedules").await?;
        let snapshot = schedules::snapshot(&mut tx).await?;
        let plan = match plan(&snapshot) {
            Ok(plan) => plan,
            Err(problems) => return Ok(Err(problems)),
        };
        if commit == Commit::DryRun || plan.is_empty() {
            return Ok(Ok(plan));
        }
        schedules::apply(&mut tx, &plan, self.now_millis()).await?;
        tx.commit()
            .await
            .map_err(classify("committing the schedule change"))?;
        Ok(Ok(plan))
    }
}

impl Outbox for SqlStore {
    async fn plan_due<F>(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        mut plan: F,
    ) -> Result<PlannerStep, StoreError>
    where
        F: FnMut(&StoredSchedule) -> Advance + Send,
    {
        let mut tx = self.write("starting a planner step").await?;
        let due = outbox::due(&mut tx, now, limit).await?;
        let mut step = PlannerStep {
            schedules: due.len(),
            ..PlannerStep::default()
        };
        let advances: Vec<Advance> = due.iter().map(&mut plan).collect();
        if let outbox::Written::LostRace =
            outbox::write_all(&mut tx, &advances, now, &mut step).await?
        {
            tx.rollback()
                .await
                .map_err(classify("rolling back a lost race"))?;
            return Ok(PlannerStep {
                lost_races: 1,
                ..PlannerStep::default()
            });
        }
        tx.commit()
            .await
            .map_err(classify("committing a planner step"))?;
        Ok(step)
    }

    async fn lease_due(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let mut tx = self.write("starting a lease").await?;
        let leased = outbox::lease_due(&mut tx, owner, now, until, limit).await?;
        tx.commit().await.map_err(classify("committing a lease"))?;
        Ok(leased)
    }

    async fn finish_all(
        &self,
        owner: &str,
        outcomes: &[(DeliveryId, Finish)],
    ) -> Result<Vec<bool>, StoreError> {
        let mut tx = self.write("starting to record sends").await?;
        let finished = outbox::finish_all(&mut tx, owner, outcomes).await?;
        tx.commit().await.map_err(classify("recording sends"))?;
        Ok(finished)
    }

    async fn complete(
        &self,
        occurrence: OccurrenceId,
        person: PersonId,
    ) -> Result<u64, StoreError> {
        let mut conn = self.write_connection().await?;
        outbox::complete(&mut conn, occurrence, person).await
    }

    async fn outbox_health(&self, now: DateTime<Utc>) -> Result<OutboxHealth, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        outbox::health(&mut conn, now).await
    }

    async fn purge_finished(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut conn = self.write_connection().await?;
        outbox::purge_finished(&mut conn, before).await
    }

    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(classify("connecting"))?;
        outbox::next_due(&mut conn).await
    }
}
