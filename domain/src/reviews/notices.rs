//! What a review cycle sends, through the notices: each participant's packet and each
//! reviewer's list when it starts; nominations to whoever approves them; a request to each
//! approved peer; deadline reminders to whoever still owes something (at the cycle's
//! offsets from each phase's last day, 10:00 in their zone, not on their days away, nor
//! in the cycle's first day, when its start told them what is due), then
//! the morning after, to their manager, and the morning after that, to HR; and the results
//! at release. Each is composed when it is posted, from where the cycle stands then:
//! a reminder to someone who has since done their part is not sent.
//!
//! Escalations never say whom an overdue peer review is about: a manager or HR reads how
//! many peer reviews someone owes, not for whom.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::form::Reviewer;
use super::messages;
use super::model::{CycleState, Phase, ReviewState};
use super::standing::{Debt, Standing, morning};
use crate::chat::Message;
use crate::people::{Person, PersonId};
use crate::ports::{
    ChatStore, CycleId, Destination, Kudos, Notice, PlannedNotice, ReviewId, StoreError,
};

/// Pressing *Approve* on a nominations notice (value: `CYCLE:SUBJECT`).
pub const APPROVE: &str = "review:approve";

/// How late a planned reminder may still be written (planning runs every minute; older
/// ones, from while Rhythm was down, are not sent).
const SLACK: Duration = Duration::hours(6);
/// An overdue phase goes to the owing person's manager this long after its last day...
pub const ESCALATE_MANAGER: chrono::Days = chrono::Days::new(1);
/// ...and to HR this long after.
pub const ESCALATE_HR: chrono::Days = chrono::Days::new(2);

/// The phases with something to chase.
const CHASED: [Phase; 4] = [
    Phase::Nominations,
    Phase::SelfReviews,
    Phase::PeerReviews,
    Phase::ManagerReviews,
];

/// Who an escalation goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The owing person's manager.
    Manager,
    /// HR.
    Hr,
}

/// What a review notice is about; its text is the notice's subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A participant's packet, with their self-review's *Write* button.
    Packet(ReviewId),
    /// A manager's (or HR's) manager reviews to write, when the cycle starts.
    Assigned(CycleId),
    /// A participant's nominations, to approve; the second is when they were made.
    Nominated(CycleId, PersonId, i64),
    /// A peer's request for a review.
    Request(ReviewId),
    /// What someone still owes in a phase, at a reminder offset (seconds).
    Due(CycleId, Phase, i64),
    /// What is overdue in a phase, escalated.
    Late(CycleId, Phase, Level),
    /// What someone owes, on asking (`/review`); the second is when.
    Owed(CycleId, i64),
    /// A participant's results.
    Results(CycleId, PersonId),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Packet(review) => write!(f, "review_packet:{}", review.0),
            Self::Assigned(cycle) => write!(f, "review_assigned:{}", cycle.0),
            Self::Nominated(cycle, subject, at) => {
                write!(f, "review_nominated:{}:{}:{at}", cycle.0, subject.0)
            }
            Self::Request(review) => write!(f, "review_request:{}", review.0),
            Self::Due(cycle, phase, offset) => {
                write!(f, "review_due:{}:{}:{offset}", cycle.0, phase.as_str())
            }
            Self::Late(cycle, phase, level) => write!(
                f,
                "review_late:{}:{}:{}",
                cycle.0,
                phase.as_str(),
                match level {
                    Level::Manager => "manager",
                    Level::Hr => "hr",
                }
            ),
            Self::Owed(cycle, at) => write!(f, "review_owed:{}:{at}", cycle.0),
            Self::Results(cycle, subject) => write!(f, "review_results:{}:{}", cycle.0, subject.0),
        }
    }
}

impl Subject {
    /// Reads a subject [`fmt::Display`] wrote.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, rest) = text.split_once(':')?;
        let parts: Vec<&str> = rest.split(':').collect();
        let id = |n: usize| parts.get(n)?.parse::<i64>().ok();
        let phase = || Phase::parse(parts.get(1)?).ok();
        Some(match kind {
            "review_packet" => Self::Packet(ReviewId(id(0)?)),
            "review_assigned" => Self::Assigned(CycleId(id(0)?)),
            "review_nominated" => Self::Nominated(CycleId(id(0)?), PersonId(id(1)?), id(2)?),
            "review_request" => Self::Request(ReviewId(id(0)?)),
            "review_due" => Self::Due(CycleId(id(0)?), phase()?, id(2)?),
            "review_late" => Self::Late(
                CycleId(id(0)?),
                phase()?,
                match *parts.get(2)? {
                    "manager" => Level::Manager,
                    "hr" => Level::Hr,
                    _ => return None,
                },
            ),
            "review_owed" => Self::Owed(CycleId(id(0)?), id(1)?),
            "review_results" => Self::Results(CycleId(id(0)?), PersonId(id(1)?)),
            _ => return None,
        })
    }

    fn cycle(self, standing_of: impl Fn(ReviewId) -> Option<CycleId>) -> Option<CycleId> {
        match self {
            Self::Packet(review) | Self::Request(review) => standing_of(review),
            Self::Assigned(cycle)
            | Self::Nominated(cycle, ..)
            | Self::Due(cycle, ..)
            | Self::Late(cycle, ..)
            | Self::Owed(cycle, _)
            | Self::Results(cycle, _) => Some(cycle),
        }
    }
}

/// Writes what a cycle that just started sends: each participant's packet, and each
/// manager review writer's list.
pub async fn started<S: Kudos>(
    store: &S,
    standing: &Standing,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut writers = BTreeSet::new();
    for review in &standing.reviews {
        match review.kind {
            Reviewer::SelfReview => {
                send(
                    store,
                    standing,
                    Subject::Packet(review.id),
                    [review.subject],
                    now,
                )
                .await?;
            }
            Reviewer::Manager => {
                writers.insert(review.reviewer);
            }
            Reviewer::Peer => {}
        }
    }
    send(
        store,
        standing,
        Subject::Assigned(standing.cycle.id),
        writers,
        now,
    )
    .await
}

/// The reminders and escalations `standing` needs written at `now`: those due in the last
/// [`SLACK`], to whoever owes something now.
pub fn plan(standing: &Standing, now: DateTime<Utc>) -> Vec<PlannedNotice> {
    let cycle = &standing.cycle;
    let mut planned = Vec::new();
    if cycle.state != CycleState::Active || cycle.released_at.is_some() {
        return planned;
    }
    let fresh = |due: DateTime<Utc>| due <= now && due > now - SLACK;
    // A reminder in the first day of the cycle repeats what its start just sent.
    let just_told = |due: DateTime<Utc>| {
        cycle
            .started_at
            .is_some_and(|started| due < started + Duration::days(1))
    };
    let mut add = |subject: Subject, person: &Person, due: DateTime<Utc>| {
        if let Some(platform) = person.dm_platform(None) {
            planned.push(PlannedNotice {
                subject: subject.to_string(),
                notice: crate::ports::NewNotice {
                    platform,
                    to: Destination::Person(person.id),
                },
                due_at: due,
            });
        }
    };
    for phase in CHASED {
        let Some(last) = cycle.spec.deadlines.of(phase) else {
            continue;
        };
        let debts = standing.debts(phase);
        if debts.is_empty() {
            continue;
        }
        let owing: BTreeSet<PersonId> = debts.iter().map(|debt| debt.person).collect();
        for person in owing.iter().filter_map(|id| standing.people.get(id)) {
            if !person.active {
                continue;
            }
            let zone = person.timezone.tz();
            for offset in &cycle.spec.reminders {
                let due = morning(last, zone) + offset.0;
                let day = due.with_timezone(&zone).date_naive();
                if fresh(due) && !away(person, day) && !just_told(due) {
                    add(
                        Subject::Due(cycle.id, phase, offset.0.num_seconds()),
                        person,
                        due,
                    );
                }
            }
        }
        let managers: BTreeSet<PersonId> = owing
            .iter()
            .filter_map(|id| standing.escalation(*id))
            .collect();
        for (level, after, people) in [
            (Level::Manager, ESCALATE_MANAGER, managers),
            (Level::Hr, ESCALATE_HR, standing.hr().into_iter().collect()),
        ] {
            for person in people.iter().filter_map(|id| standing.people.get(id)) {
                let due = morning(last + after, person.timezone.tz());
                if fresh(due) {
                    add(Subject::Late(cycle.id, phase, level), person, due);
                }
            }
        }
    }
    planned
}

/// Plans every running cycle's reminders and escalations ([`plan`]) and writes them; the
/// store ignores what was planned before.
pub async fn plan_all<S: ChatStore>(store: &S, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut planned = Vec::new();
    for cycle in store.cycles().await? {
        if cycle.state != CycleState::Active || cycle.released_at.is_some() {
            continue;
        }
        if let Some(standing) = Standing::load(store, cycle.id).await? {
            planned.extend(plan(&standing, now));
        }
    }
    if !planned.is_empty() {
        store.plan_notices(&planned, now).await?;
    }
    Ok(planned.len())
}

/// Whether `person` is away on `day`.
fn away(person: &Person, day: NaiveDate) -> bool {
    person
        .out_of_office
        .iter()
        .any(|away| away.from <= day && day <= away.to)
}

/// What a review notice says at `now`; `None` if there is nothing to say any more.
pub async fn compose<S: ChatStore>(
    store: &S,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError> {
    let (Some(subject), Destination::Person(to)) = (Subject::parse(&notice.subject), &notice.to)
    else {
        return Ok(None);
    };
    let review = match subject {
        Subject::Packet(id) | Subject::Request(id) => store.review(id).await?,
        _ => None,
    };
    let Some(cycle) = subject.cycle(|_| review.as_ref().map(|r| r.cycle)) else {
        return Ok(None);
    };
    let Some(standing) = Standing::load(store, cycle).await? else {
        return Ok(None);
    };
    let Some(viewer) = standing.people.get(to).cloned() else {
        return Ok(None);
    };
    let running =
        standing.cycle.state == CycleState::Active && standing.cycle.released_at.is_none();
    if let Subject::Results(_, person) = subject {
        return Ok(super::chat::results_message(&standing, person, &viewer).ok());
    }
    if !running {
        return Ok(None);
    }
    Ok(match subject {
        Subject::Packet(_) => match review {
            Some(review) if review.state != ReviewState::Submitted => {
                Some(messages::packet(store, &standing, &review, viewer, now).await?)
            }
            _ => None,
        },
        Subject::Request(_) => review
            .filter(|r| r.state != ReviewState::Submitted && r.reviewer == viewer.id)
            .map(|review| messages::request(&standing, &review)),
        Subject::Nominated(_, person, _) => messages::nominated(&standing, person, &viewer),
        Subject::Assigned(_) => {
            let debts = standing.debts_of(Phase::ManagerReviews, viewer.id);
            messages::owed_message(&standing, &debts, &viewer, messages::Intro::Started)
        }
        Subject::Due(_, phase, _) => {
            let debts = standing.debts_of(phase, viewer.id);
            messages::owed_message(&standing, &debts, &viewer, messages::Intro::Due(phase, now))
        }
        Subject::Owed(..) => {
            let debts: Vec<Debt> = CHASED
                .iter()
                .flat_map(|phase| standing.debts_of(*phase, viewer.id))
                .collect();
            messages::owed_message(&standing, &debts, &viewer, messages::Intro::Asked)
        }
        Subject::Late(_, phase, level) => messages::late(&standing, phase, level, &viewer),
        Subject::Results(..) => None,
    })
}

/// Adds `subject` for `people` now.
pub async fn send<S: Kudos>(
    store: &S,
    standing: &Standing,
    subject: Subject,
    people: impl IntoIterator<Item = PersonId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let to = super::hr::dms(standing, people);
    if to.is_empty() {
        return Ok(());
    }
    store.add_notices(&subject.to_string(), &to, now).await
}

#[cfg(test)]
mod tests;
