//! The planner: what a due schedule fires, and the loop that fires it.
//!
//! [`plan`] is pure: given a schedule, the directory and the time, it says which occurrences
//! are due, how late each is (on time, late within the grace window, or missed), who gets
//! what when, and when to look next. The store claims and writes it in one transaction.

use std::collections::BTreeMap;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rhythm_domain::clock::Clock;
use rhythm_domain::people::{Person, Roster};
use rhythm_domain::ports::{
    Advance, DeliveryPlan, OccurrencePlan, OccurrenceStatus, StoredSchedule,
};
use rhythm_domain::ports::{Directory, Outbox, PeopleFilter, PlannerStep, Schedules, StoreError};
use rhythm_domain::schedule::{HolidayCalendar, Recurrence, Schedule, ZoneChoice};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::first_fire::{fire_zones, local_instant, offset_range};
use crate::placement::{DayRules, PersonCalendar, Placement, place};
use crate::recurrence::next_fire;

/// An occurrence later than this is `late` rather than `on_time`.
const ON_TIME_SLACK: Duration = Duration::minutes(1);

/// The directory as the planner needs it.
#[derive(Debug, Clone, Copy)]
pub struct World<'a> {
    /// The active people, indexed.
    pub roster: &'a Roster<'a>,
    /// Every holiday calendar.
    pub calendars: &'a [HolidayCalendar],
}

/// What `stored`, due at `now`, fires; and when to look at it next.
pub fn plan(stored: &StoredSchedule, world: World<'_>, now: DateTime<Utc>) -> Advance {
    let schedule = &stored.schedule;
    let members = schedule.audience.members(world.roster);
    let (earliest, _) = offset_range(schedule);
    let from = stored.next_fire_at.unwrap_or(now);

    // Fires by instant: people in different zones whose 09:00 is the same instant share one
    // occurrence.
    let mut due: BTreeMap<DateTime<Utc>, Vec<&Person>> = BTreeMap::new();
    for (zone, people) in by_zone(schedule, &members) {
        for fire in fires_looked_at(schedule, zone, from - earliest, now - earliest) {
            due.entry(fire).or_default().extend(people.iter().copied());
        }
    }
    let occurrences = due
        .into_iter()
        .map(|(fire_at, people)| occurrence(schedule, world, fire_at, &people, now))
        .collect();
    let zones: Vec<Tz> = by_zone(schedule, &members)
        .into_iter()
        .map(|(zone, _)| zone)
        .collect();
    Advance {
        schedule: stored.id,
        version: stored.version,
        occurrences,
        next_fire_at: next_look(schedule, &zones, now),
    }
}

/// The audience grouped by the zone the schedule fires in for them. A fixed-zone schedule
/// is one group, even with nobody in it, so that its occurrences are still recorded.
fn by_zone<'p>(schedule: &Schedule, members: &[&'p Person]) -> Vec<(Tz, Vec<&'p Person>)> {
    match schedule.zone {
        ZoneChoice::Fixed(zone) => vec![(zone.tz(), members.to_vec())],
        ZoneChoice::Recipient => {
            let mut groups: BTreeMap<&str, (Tz, Vec<&Person>)> = BTreeMap::new();
            for person in members {
                groups
                    .entry(person.timezone.as_str())
                    .or_insert_with(|| (person.timezone.tz(), Vec::new()))
                    .1
                    .push(person);
            }
            groups.into_values().collect()
        }
    }
}

/// Fires in `zone` whose look instant falls in `[from, until]`, within the schedule's dates.
fn fires_looked_at(
    schedule: &Schedule,
    zone: Tz,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let within = |fire: DateTime<Utc>| {
        let date = fire.with_timezone(&zone).date_naive();
        schedule.starts.is_none_or(|starts| date >= starts)
            && schedule.ends.is_none_or(|ends| date <= ends)
    };
    match &schedule.recurrence {
        Recurrence::Once(at) => {
            let fire = local_instant(zone, *at);
            if fire >= from && fire <= until && within(fire) {
                vec![fire]
            } else {
                Vec::new()
            }
        }
        Recurrence::Cron(spec) => {
            let mut fires = Vec::new();
            let mut cursor = from - Duration::milliseconds(1);
            while let Some(fire) = next_fire(spec, zone, cursor) {
                if fire > until {
                    break;
                }
                if within(fire) {
                    fires.push(fire);
                }
                cursor = fire;
            }
            fires
        }
    }
}

/// One occurrence: missed if its first delivery is older than the grace window, else its
/// deliveries placed on each person's calendar.
fn occurrence(
    schedule: &Schedule,
    world: World<'_>,
    fire_at: DateTime<Utc>,
    people: &[&Person],
    now: DateTime<Utc>,
) -> OccurrencePlan {
    let (earliest, _) = offset_range(schedule);
    let grace = Duration::from_std(schedule.grace.as_std()).unwrap_or(Duration::hours(1));
    let lateness = now - (fire_at + earliest);
    let status = if lateness > grace {
        OccurrenceStatus::Missed
    } else if lateness > ON_TIME_SLACK {
        OccurrenceStatus::Late
    } else {
        OccurrenceStatus::OnTime
    };
    let deliveries = if status == OccurrenceStatus::Missed {
        Vec::new()
    } else {
        people
            .iter()
            .flat_map(|person| deliveries_for(schedule, world, person, fire_at))
            .collect()
    };
    OccurrencePlan {
        fire_at,
        status,
        deliveries,
    }
}

/// A person's deliveries for one occurrence: the reminder (or one per deadline offset),
/// then the nudge to them and the escalations to their manager and to HR, if the schedule
/// asks. Escalations are about the person: `escalation:ID` to the manager,
/// `escalation_hr:ID` to each HR admin but themselves.
fn deliveries_for(
    schedule: &Schedule,
    world: World<'_>,
    person: &Person,
    fire_at: DateTime<Utc>,
) -> Vec<DeliveryPlan> {
    let calendar_name = schedule.holidays.clone().or_else(|| {
        person
            .region
            .as_ref()
            .map(|region| region.as_str().to_owned())
    });
    let calendar = PersonCalendar {
        zone: person.timezone.tz(),
        holidays: calendar_name.and_then(|name| world.calendars.iter().find(|c| c.name == name)),
        quiet: person.quiet_hours.unwrap_or_default(),
        away: &person.out_of_office,
    };
    let rules = DayRules {
        business_days: &schedule.business_days,
        on_day_off: schedule.on_day_off,
    };
    let steps: Vec<(String, DateTime<Utc>)> = if schedule.deadline_offsets.is_empty() {
        vec![("reminder".to_owned(), fire_at)]
    } else {
        schedule
            .deadline_offsets
            .iter()
            .map(|offset| (format!("deadline:{offset}"), fire_at + offset.0))
            .collect()
    };
    let mut deliveries = Vec::new();
    for (step, due) in steps {
        if let Placement::At(due_at) = place(due, rules, calendar) {
            deliveries.push(DeliveryPlan {
                person: person.id,
                step,
                due_at,
            });
        }
    }
    // Follow-ups hang off the last reminder (the deadline itself, for deadlines).
    if let Some(last) = deliveries.last().map(|d| d.due_at) {
        if let Some(nudge) = schedule.follow_up.nudge_after {
            let after = Duration::from_std(nudge.as_std()).unwrap_or_default();
            if let Placement::At(due_at) = place(last + after, rules, calendar) {
                deliveries.push(DeliveryPlan {
                    person: person.id,
                    step: "nudge".to_owned(),
                    due_at,
                });
            }
        }
        if let (Some(escalate), Some(manager)) =
            (schedule.follow_up.escalate_after, manager_of(person, world))
        {
            let after = Duration::from_std(escalate.as_std()).unwrap_or_default();
            deliveries.push(DeliveryPlan {
                person: manager.id,
                step: format!("escalation:{}", person.id.0),
                due_at: last + after,
            });
        }
        if let Some(escalate) = schedule.follow_up.escalate_hr_after {
            let after = Duration::from_std(escalate.as_std()).unwrap_or_default();
            for hr in world.roster.hr_admins().filter(|hr| hr.id != person.id) {
                deliveries.push(DeliveryPlan {
                    person: hr.id,
                    step: format!("escalation_hr:{}", person.id.0),
                    due_at: last + after,
                });
            }
        }
    }
    deliveries
}

fn manager_of<'a>(person: &Person, world: World<'a>) -> Option<&'a Person> {
    world.roster.get(person.manager.as_ref()?)
}

/// The next look strictly after `now`: the first fire in any of `zones` whose look instant
/// (the fire, or its earliest deadline reminder) is after `now`.
pub fn next_look(schedule: &Schedule, zones: &[Tz], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (earliest, _) = offset_range(schedule);
    fire_zones(schedule, zones)
        .into_iter()
        .filter_map(|zone| {
            let fire = match &schedule.recurrence {
                Recurrence::Cron(spec) => next_fire(spec, zone, now - earliest)?,
                Recurrence::Once(at) => {
                    Some(local_instant(zone, *at)).filter(|fire| *fire + earliest > now)?
                }
            };
            let in_dates = schedule
                .ends
                .is_none_or(|ends| fire.with_timezone(&zone).date_naive() <= ends);
            in_dates.then_some(fire + earliest)
        })
        .min()
}

/// Counts a planner step in the process's metrics.
fn record(step: PlannerStep) {
    metrics::counter!("rhythm_occurrences_total", "outcome" => "fired")
        .increment((step.claimed - step.missed) as u64);
    metrics::counter!("rhythm_occurrences_total", "outcome" => "missed")
        .increment(step.missed as u64);
    metrics::counter!("rhythm_occurrences_total", "outcome" => "already_claimed")
        .increment(step.already_claimed as u64);
    metrics::counter!("rhythm_deliveries_planned_total").increment(step.deliveries as u64);
    metrics::counter!("rhythm_planner_lost_races_total").increment(step.lost_races as u64);
}

/// How often an idle planner looks again for what is due: a schedule changed by another
/// process (the CLI, another replica) cannot wake it, so this bounds how late such a change
/// is seen. The look is one indexed query.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// The planner loop over a store: steps until nothing is due, then sleeps until the next
/// due time (at most [`RECHECK`]) or until woken.
pub struct Planner<S> {
    store: S,
    clock: Arc<dyn Clock>,
    batch: usize,
    wake: Arc<Notify>,
    planned: Option<Arc<Notify>>,
}

impl<S: Directory + Schedules + Outbox> Planner<S> {
    /// A planner taking up to `batch` schedules a transaction.
    pub fn new(store: S, clock: Arc<dyn Clock>, batch: usize) -> Self {
        Self {
            store,
            clock,
            batch: batch.max(1),
            wake: Arc::new(Notify::new()),
            planned: None,
        }
    }

    /// Notifies `planned` whenever a step writes deliveries (to wake the dispatcher).
    #[must_use]
    pub fn notify_when_planned(mut self, planned: Arc<Notify>) -> Self {
        self.planned = Some(planned);
        self
    }

    /// Wakes the loop early, such as after a schedule changed.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Fires everything due now, a batch a transaction, until nothing is due; returns the
    /// totals.
    pub async fn run_due(&self) -> Result<PlannerStep, StoreError> {
        let mut total = PlannerStep::default();
        // Most wake-ups find nothing due: ask that first, before reading the directory.
        match self.store.next_due().await? {
            Some(next) if next <= self.clock.now() => {}
            _ => return Ok(total),
        }
        // Read once per drain: a drain takes seconds, and a change to the directory made
        // meanwhile applies from the next one.
        let filter = PeopleFilter {
            active_only: true,
            ..PeopleFilter::default()
        };
        let people = self.store.people(&filter).await?;
        let roster = Roster::new(&people);
        let calendars = self.store.holiday_calendars().await?;
        let world = World {
            roster: &roster,
            calendars: &calendars,
        };
        loop {
            let now = self.clock.now();
            let step = self
                .store
                .plan_due(now, self.batch, |stored| plan(stored, world, now))
                .await?;
            record(step);
            total.schedules += step.schedules;
            total.claimed += step.claimed;
            total.already_claimed += step.already_claimed;
            total.missed += step.missed;
            total.deliveries += step.deliveries;
            total.lost_races += step.lost_races;
            if step.schedules < self.batch && step.lost_races == 0 {
                return Ok(total);
            }
        }
    }

    /// Runs until `shutdown` is cancelled. A failed step is logged and retried after a
    /// pause; the loop never exits on its own.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            let pause = match self.run_due().await {
                Ok(step) => {
                    if step.deliveries > 0
                        && let Some(planned) = &self.planned
                    {
                        planned.notify_one();
                    }
                    if step.claimed > 0 || step.lost_races > 0 {
                        tracing::info!(
                            planner.claimed = step.claimed,
                            planner.missed = step.missed,
                            planner.deliveries = step.deliveries,
                            planner.already_claimed = step.already_claimed,
                            "fired due schedules"
                        );
                    }
                    self.until_next_due().await
                }
                Err(error) => {
                    tracing::error!(error = %error, "planner step failed; retrying");
                    std::time::Duration::from_secs(5)
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    async fn until_next_due(&self) -> std::time::Duration {
        match self.store.next_due().await {
            Ok(Some(next)) => (next - self.clock.now())
                .to_std()
                .unwrap_or_default()
                .min(RECHECK),
            Ok(None) => RECHECK,
            Err(_) => std::time::Duration::from_secs(5),
        }
    }
}

#[cfg(test)]
mod tests;
