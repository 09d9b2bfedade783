//! [`Store`]: whichever backend the URL named, behind one type.

use chrono::{DateTime, NaiveDate, Utc};
use rhythm_domain::checkin::{Answers, Template};
use rhythm_domain::goals::GoalId;
use rhythm_domain::import::{ImportPlan, Problem};
use rhythm_domain::kudos::KudosPolicy;
use rhythm_domain::people::{Person, PersonId, Platform, Team, TeamName, Timezone};
use rhythm_domain::ports::{
    Account, DirectorySync, Leases, LinkCode, Linked, Links, Reachability, Redeemed,
};
use rhythm_domain::ports::{
    AddGoal, Goal, GoalFilter, GoalHistoryEntry, GoalUpdate, Goals, NewGoal,
};
use rhythm_domain::ports::{
    Advance, CheckIn, CheckInDay, CheckInId, CheckIns, Commit, DeliveryId, DigestKey,
    DigestOutcome, Digests, Directory, DirectorySnapshot, Finish, MessageRef, NewCheckIn,
    OccurrenceId, Outbox, OutboxHealth, Outgoing, PeopleFilter, PersonSettings, PlannerStep,
    Progress, ScheduleId, SchedulePlan, ScheduleSnapshot, Schedules, StoreError, StoredSchedule,
    Submission, TeamChannel,
};
use rhythm_domain::ports::{
    Allowance, Destination, GiveOutcome, Kudos, KudosFilter, KudosId, KudosRecord, NewKudos,
    NewNotice, Notice, NoticeId, NoticeOutcome,
};
use rhythm_domain::schedule::{HolidayCalendar, OutOfOffice};
use rhythm_domain::sync::SyncPlan;

use crate::connect::MigrationStatus;
use crate::{postgres, sqlite};

/// Rhythm's storage: SQLite or Postgres, chosen by [`Store::connect`].
#[derive(Debug, Clone)]
pub enum Store {
    /// The embedded default.
    Sqlite(sqlite::SqlStore),
    /// For scale and replicas.
    Postgres(postgres::SqlStore),
}

/// Calls the same method on whichever backend this is.
macro_rules! on_backend {
    ($store:expr, $inner:ident => $call:expr) => {
        match $store {
            Store::Sqlite($inner) => $call,
            Store::Postgres($inner) => $call,
        }
    };
}

mod coaching;
mod reviews;

impl Store {
    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Applies every embedded migration not yet applied. Safe to run from several replicas
    /// at once: the migrator takes a lock.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        on_backend!(self, store => store.migrate().await)
    }

    /// Which embedded migrations the database has and lacks.
    pub async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        on_backend!(self, store => store.migration_status().await)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_backend!(self, store => store.ping().await)
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        on_backend!(self, store => store.close().await);
    }
}

impl Directory for Store {
    async fn people(&self, filter: &PeopleFilter) -> Result<Vec<Person>, StoreError> {
        on_backend!(self, store => store.people(filter).await)
    }

    async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        on_backend!(self, store => store.teams().await)
    }

    async fn team_exists(&self, name: &TeamName) -> Result<bool, StoreError> {
        on_backend!(self, store => store.team_exists(name).await)
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
        on_backend!(self, store => store.import_people(plan, commit, progress).await)
    }
}

impl Schedules for Store {
    async fn holiday_calendars(&self) -> Result<Vec<HolidayCalendar>, StoreError> {
        on_backend!(self, store => store.holiday_calendars().await)
    }

    async fn schedule_snapshot(&self) -> Result<ScheduleSnapshot, StoreError> {
        on_backend!(self, store => store.schedule_snapshot().await)
    }

    async fn change_schedules<F>(
        &self,
        plan: F,
        commit: Commit,
    ) -> Result<Result<SchedulePlan, Vec<String>>, StoreError>
    where
        F: FnOnce(&ScheduleSnapshot) -> Result<SchedulePlan, Vec<String>> + Send,
    {
        on_backend!(self, store => store.change_schedules(plan, commit).await)
    }
}

impl Outbox for Store {
    async fn plan_due<F>(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        plan: F,
    ) -> Result<PlannerStep, StoreError>
    where
        F: FnMut(&StoredSchedule) -> Advance + Send,
    {
        on_backend!(self, store => store.plan_due(now, limit, plan).await)
    }

    async fn lease_due(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Outgoing>, StoreError> {
        on_backend!(self, store => store.lease_due(owner, now, until, limit).await)
    }

    async fn finish_all(
        &self,
        owner: &str,
        outcomes: &[(DeliveryId, Finish)],
    ) -> Result<Vec<bool>, StoreError> {
        on_backend!(self, store => store.finish_all(owner, outcomes).await)
    }

    async fn complete(
        &self,
        occurrence: OccurrenceId,
        person: PersonId,
    ) -> Result<u64, StoreError> {
        on_backend!(self, store => store.complete(occurrence, person).await)
    }

    async fn outbox_health(&self, now: DateTime<Utc>) -> Result<OutboxHealth, StoreError> {
        on_backend!(self, store => store.outbox_health(now).await)
    }

    async fn purge_finished(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        on_backend!(self, store => store.purge_finished(before).await)
    }

    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        on_backend!(self, store => store.next_due().await)
    }
}

impl CheckIns for Store {
    async fn open_checkin(&self, new: NewCheckIn) -> Result<CheckIn, StoreError> {
        on_backend!(self, store => store.open_checkin(new).await)
    }

    async fn checkin(&self, id: CheckInId) -> Result<Option<CheckIn>, StoreError> {
        on_backend!(self, store => store.checkin(id).await)
    }

    async fn checkin_on(
        &self,
        person: PersonId,
        date: NaiveDate,
    ) -> Result<Option<CheckIn>, StoreError> {
        on_backend!(self, store => store.checkin_on(person, date).await)
    }

    async fn checkins_of(
        &self,
        person: PersonId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CheckIn>, StoreError> {
        on_backend!(self, store => store.checkins_of(person, from, to).await)
    }

    async fn submit_checkin(
        &self,
        id: CheckInId,
        answers: &Answers,
        template: &Template,
        at: DateTime<Utc>,
    ) -> Result<Submission, StoreError> {
        on_backend!(self, store => store.submit_checkin(id, answers, template, at).await)
    }

    async fn skip_checkin(&self, id: CheckInId) -> Result<(), StoreError> {
        on_backend!(self, store => store.skip_checkin(id).await)
    }

    async fn set_prompt(
        &self,
        id: CheckInId,
        platform: &str,
        prompt: &MessageRef,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.set_prompt(id, platform, prompt).await)
    }

    async fn snooze_checkin(&self, id: CheckInId, at: DateTime<Utc>) -> Result<(), StoreError> {
        on_backend!(self, store => store.snooze_checkin(id, at).await)
    }

    async fn checkin_template(&self, name: &str) -> Result<Option<Template>, StoreError> {
        on_backend!(self, store => store.checkin_template(name).await)
    }

    async fn first_seen(
        &self,
        platform: &str,
        key: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.first_seen(platform, key, at).await)
    }

    async fn handled_seen(&self, platform: &str, key: &str) -> Result<(), StoreError> {
        on_backend!(self, store => store.handled_seen(platform, key).await)
    }

    async fn forget_seen(&self, platform: &str, key: &str) -> Result<(), StoreError> {
        on_backend!(self, store => store.forget_seen(platform, key).await)
    }
}

impl Links for Store {
    async fn save_link_code(
        &self,
        code: &LinkCode,
        not_before: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.save_link_code(code, not_before).await)
    }

    async fn redeem_link_code(
        &self,
        account: &Account,
        code_hash: &str,
        max_tries: u32,
        now: DateTime<Utc>,
    ) -> Result<Redeemed, StoreError> {
        on_backend!(self, store => store.redeem_link_code(account, code_hash, max_tries, now).await)
    }

    async fn link_account(
        &self,
        person: PersonId,
        account: &Account,
        actor: &str,
    ) -> Result<Linked, StoreError> {
        on_backend!(self, store => store.link_account(person, account, actor).await)
    }
}

impl Leases for Store {
    async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.take_lease(name, holder, now, until).await)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        on_backend!(self, store => store.release_lease(name, holder).await)
    }
}

impl Reachability for Store {
    async fn unreachable(
        &self,
        platform: Platform,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(DateTime<Utc>, String)>, StoreError> {
        on_backend!(self, store => store.unreachable(platform, user, now).await)
    }

    async fn mark_unreachable(
        &self,
        platform: Platform,
        user: &str,
        until: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.mark_unreachable(platform, user, until, reason).await)
    }
}

impl PersonSettings for Store {
    async fn set_timezone(
        &self,
        person: PersonId,
        zone: &Timezone,
        actor: &str,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.set_timezone(person, zone, actor).await)
    }

    async fn add_out_of_office(
        &self,
        person: PersonId,
        away: &OutOfOffice,
        actor: &str,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.add_out_of_office(person, away, actor).await)
    }
}

impl Digests for Store {
    async fn team_channels(&self) -> Result<Vec<TeamChannel>, StoreError> {
        on_backend!(self, store => store.team_channels().await)
    }

    async fn set_team_channel(
        &self,
        team: &TeamName,
        platform: &str,
        channel: Option<&str>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.set_team_channel(team, platform, channel, actor).await)
    }

    async fn checkin_days(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CheckInDay>, StoreError> {
        on_backend!(self, store => store.checkin_days(from, to).await)
    }

    async fn checkins_of_day(
        &self,
        schedule: ScheduleId,
        date: NaiveDate,
    ) -> Result<Vec<CheckIn>, StoreError> {
        on_backend!(self, store => store.checkins_of_day(schedule, date).await)
    }

    async fn settled_digests(
        &self,
        schedule: ScheduleId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        on_backend!(self, store => store.settled_digests(schedule, date, now).await)
    }

    async fn claim_digest(
        &self,
        key: &DigestKey,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<u32>, StoreError> {
        on_backend!(self, store => store.claim_digest(key, now, until).await)
    }

    async fn finish_digest(
        &self,
        key: &DigestKey,
        outcome: &DigestOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.finish_digest(key, outcome, now).await)
    }
}

impl DirectorySync for Store {
    async fn sync_directory<F>(
        &self,
        plan: F,
        commit: Commit,
        actor: &str,
    ) -> Result<SyncPlan, StoreError>
    where
        F: FnOnce(&DirectorySnapshot) -> SyncPlan + Send,
    {
        on_backend!(self, store => store.sync_directory(plan, commit, actor).await)
    }
}

impl Kudos for Store {
    async fn kudos_policy(&self) -> Result<KudosPolicy, StoreError> {
        on_backend!(self, store => store.kudos_policy().await)
    }

    async fn give_kudos(
        &self,
        kudos: &NewKudos,
        allowance: &Allowance,
    ) -> Result<GiveOutcome, StoreError> {
        on_backend!(self, store => store.give_kudos(kudos, allowance).await)
    }

    async fn kudos_given_since(
        &self,
        giver: PersonId,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        on_backend!(self, store => store.kudos_given_since(giver, since).await)
    }

    async fn retract_kudos(
        &self,
        giver: PersonId,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<KudosRecord>, StoreError> {
        on_backend!(self, store => store.retract_kudos(giver, since, now).await)
    }

    async fn remove_kudos(
        &self,
        id: KudosId,
        actor: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<KudosRecord>, StoreError> {
        on_backend!(self, store => store.remove_kudos(id, actor, reason, now).await)
    }

    async fn kudos_by_id(&self, id: KudosId) -> Result<Option<KudosRecord>, StoreError> {
        on_backend!(self, store => store.kudos_by_id(id).await)
    }

    async fn kudos_list(&self, filter: &KudosFilter) -> Result<Vec<KudosRecord>, StoreError> {
        on_backend!(self, store => store.kudos_list(filter).await)
    }

    async fn due_notices(
        &self,
        platform: Platform,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError> {
        on_backend!(self, store => store.due_notices(platform, now, limit).await)
    }

    async fn claim_notice(
        &self,
        id: NoticeId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.claim_notice(id, now, until).await)
    }

    async fn finish_notice(
        &self,
        id: NoticeId,
        outcome: &NoticeOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.finish_notice(id, outcome, now).await)
    }

    async fn add_notices(
        &self,
        subject: &str,
        notices: &[NewNotice],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.add_notices(subject, notices, now).await)
    }

    async fn posted_notices(
        &self,
        subject: &str,
    ) -> Result<Vec<(Platform, Destination, MessageRef)>, StoreError> {
        on_backend!(self, store => store.posted_notices(subject).await)
    }
}

impl Goals for Store {
    async fn add_goal(&self, goal: &NewGoal) -> Result<AddGoal, StoreError> {
        on_backend!(self, store => store.add_goal(goal).await)
    }

    async fn goal(&self, id: GoalId) -> Result<Option<Goal>, StoreError> {
        on_backend!(self, store => store.goal(id).await)
    }

    async fn goals(&self, filter: &GoalFilter) -> Result<Vec<Goal>, StoreError> {
        on_backend!(self, store => store.goals(filter).await)
    }

    async fn update_goal(&self, update: &GoalUpdate) -> Result<Option<Goal>, StoreError> {
        on_backend!(self, store => store.update_goal(update).await)
    }

    async fn goal_history(
        &self,
        goals: &[GoalId],
        until: DateTime<Utc>,
    ) -> Result<Vec<GoalHistoryEntry>, StoreError> {
        on_backend!(self, store => store.goal_history(goals, until).await)
    }
}
