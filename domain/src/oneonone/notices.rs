//! What 1:1s post through the notices: agendas before each session, the notes prompt after
//! it, and action items' reminders on their due day. Subjects name what each is about, so
//! planning the same notice twice writes it once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::agenda::{Record, agenda};
use super::{CoachingPolicy, messages};
use crate::chat::Message;
use crate::command::person_by_id as person;
use crate::people::{Person, PersonId};
use crate::ports::{
    ActionItemFilter, ActionItemId, CheckIns, Destination, Directory, Feedback, Goals, Kudos,
    NewNotice, Notice, OneOnOnes, PlannedNotice, Series, SeriesId, StoreError,
};

/// The subject of an action item's reminder.
pub fn action_subject(item: ActionItemId) -> String {
    format!("oneonone_action:{}", item.0)
}

/// The subject of a session's notice of `step` (`agenda:early`, `agenda:late`, `notes`).
pub fn session_subject(series: SeriesId, starts_at: DateTime<Utc>, step: &str) -> String {
    format!("oneonone:{}:{}:{step}", series.0, starts_at.timestamp())
}

/// How late a planned agenda may still be written: planning runs every minute, so one a
/// little overdue is the one it just reached; older ones (Rhythm was down) are not sent.
const AGENDA_SLACK: Duration = Duration::minutes(10);
/// How late a notes prompt may still be written.
const NOTES_SLACK: Duration = Duration::days(1);

/// What a session's notice does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The first agenda (the day before).
    EarlyAgenda,
    /// The second agenda (an hour before).
    LateAgenda,
    /// The notes prompt to the manager, after the session.
    Notes,
}

impl Step {
    fn as_str(self) -> &'static str {
        match self {
            Self::EarlyAgenda => "agenda:early",
            Self::LateAgenda => "agenda:late",
            Self::Notes => "notes",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::EarlyAgenda, Self::LateAgenda, Self::Notes]
            .into_iter()
            .find(|step| step.as_str() == text)
    }
}

/// The notices the active `series` need written at `now`: for the last session and the
/// next, the agendas to both of the pair and the notes prompt to the manager, each unless
/// its time is long past. `people` are the pairs' people (others are skipped).
pub fn plan(
    series: &[Series],
    people: &HashMap<PersonId, Person>,
    policy: &CoachingPolicy,
    now: DateTime<Utc>,
) -> Vec<PlannedNotice> {
    let [early, late] = policy.agenda_offsets();
    let mut planned = Vec::new();
    for series in series.iter().filter(|s| s.active) {
        let (Some(manager), Some(report)) =
            (people.get(&series.manager), people.get(&series.report))
        else {
            continue;
        };
        if !manager.active || !report.active {
            continue;
        }
        let sessions = [
            series.cadence.last_at_or_before(now),
            Some(series.cadence.next_after(now)),
        ];
        for starts_at in sessions.into_iter().flatten() {
            let ends_at = starts_at + Duration::minutes(i64::from(series.minutes));
            let steps = [
                (Step::EarlyAgenda, starts_at - early, AGENDA_SLACK),
                (Step::LateAgenda, starts_at - late, AGENDA_SLACK),
                (Step::Notes, ends_at, NOTES_SLACK),
            ];
            for (step, due_at, slack) in steps {
                if due_at < now - slack || due_at < series.created_at {
                    continue;
                }
                let to: &[&Person] = match step {
                    Step::Notes => &[manager],
                    _ => &[manager, report],
                };
                for person in to {
                    if let Some(platform) = person.dm_platform(None) {
                        planned.push(PlannedNotice {
                            subject: session_subject(series.id, starts_at, step.as_str()),
                            notice: NewNotice {
                                platform,
                                to: Destination::Person(person.id),
                            },
                            due_at,
                        });
                    }
                }
            }
        }
    }
    planned
}

/// What a 1:1 notice says at `now`; `None` if there is nothing to say any more: the series
/// was stopped or moved, the session recorded (or, for an agenda, begun), the action item
/// done. `None` too for a subject that is not a 1:1's.
pub async fn compose<S>(
    store: &S,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError>
where
    S: CheckIns + Directory + Feedback + Goals + Kudos + OneOnOnes,
{
    let Destination::Person(to) = notice.to else {
        return Ok(None);
    };
    let Some(viewer) = person(store, to).await? else {
        return Ok(None);
    };
    if let Some(id) = notice.subject.strip_prefix("oneonone_action:") {
        let Ok(id) = id.parse().map(ActionItemId) else {
            return Ok(None);
        };
        let filter = ActionItemFilter {
            owner: Some(viewer.id),
            open_only: true,
            ..ActionItemFilter::default()
        };
        let Some(item) = store
            .action_items(&filter)
            .await?
            .into_iter()
            .find(|i| i.id == id)
        else {
            return Ok(None);
        };
        let Some(series) = store.oneonone(item.series).await? else {
            return Ok(None);
        };
        let other = if series.manager == viewer.id {
            series.report
        } else {
            series.manager
        };
        let Some(other) = person(store, other).await? else {
            return Ok(None);
        };
        return Ok(Some(messages::action_reminder(&item, &other)));
    }
    let Some((series, starts_at, step)) = read_subject(&notice.subject) else {
        return Ok(None);
    };
    let Some(series) = store.oneonone(series).await?.filter(|s| s.active) else {
        return Ok(None);
    };
    let recorded = store
        .sessions(series.id)
        .await?
        .iter()
        .any(|session| session.starts_at == starts_at);
    if !series.cadence.has_session_at(starts_at) || recorded {
        return Ok(None);
    }
    if step == Step::Notes {
        let Some(report) = person(store, series.report).await? else {
            return Ok(None);
        };
        return Ok(Some(messages::notes_prompt(
            &series,
            starts_at,
            &report,
            viewer.timezone.tz(),
        )));
    }
    if now >= starts_at {
        return Ok(None);
    }
    Ok(Record::load(store, series, starts_at)
        .await?
        .map(|record| agenda(&record, &viewer)))
}

fn read_subject(subject: &str) -> Option<(SeriesId, DateTime<Utc>, Step)> {
    let rest = subject.strip_prefix("oneonone:")?;
    let (series, rest) = rest.split_once(':')?;
    let (at, step) = rest.split_once(':')?;
    Some((
        SeriesId(series.parse().ok()?),
        DateTime::from_timestamp(at.parse().ok()?, 0)?,
        Step::parse(step)?,
    ))
}

/// Plans the notices every active series needs at `now` ([`plan`]) and writes them; the
/// store ignores what was planned before.
pub async fn plan_all<S: Directory + OneOnOnes>(
    store: &S,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let series = store.oneonones(None, true).await?;
    if series.is_empty() {
        return Ok(0);
    }
    let people: HashMap<PersonId, Person> = store
        .people(&crate::ports::PeopleFilter::default())
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect();
    let policy = store.coaching_policy().await?;
    let planned = plan(&series, &people, &policy, now);
    store.plan_notices(&planned, now).await?;
    Ok(planned.len())
}
