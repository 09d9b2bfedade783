//! The check-in workflow, written once for every platform: what a delivery says, and what
//! pressing a button or submitting the form does. Adapters translate to and from it.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;

use super::messages::{self, SKIP, SNOOZE, START, SUBMIT};
use super::{Answers, Template};
use crate::chat::{Block, Interaction, Message, Reply, Update};
use crate::goals::{GoalPeriod, progress};
use crate::people::Person;
use crate::ports::{
    CheckIn, CheckInId, CheckInStatus, CheckIns, Directory, Goal, GoalUpdate, Goals, NewCheckIn,
    Outgoing, PeopleFilter, StoreError,
};

/// How long *Snooze* waits.
pub const SNOOZE_FOR: Duration = Duration::hours(1);
/// A window never closes sooner than this after its prompt.
const SHORTEST_WINDOW: Duration = Duration::hours(2);

/// What a delivery says, and the check-in it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Composed {
    /// Send this.
    Send {
        /// The message.
        message: Message,
        /// The check-in it prompts for, whose prompt to record once sent.
        checkin: Option<CheckInId>,
    },
    /// Nothing to say any more (answered meanwhile): record it as sent without sending.
    Nothing,
}

/// When the window of a check-in asked at `asked` closes: at `closes` local time that day,
/// but never sooner than two hours after the prompt.
pub fn window_closes(asked: DateTime<Utc>, zone: Tz, closes: NaiveTime) -> DateTime<Utc> {
    let date = asked.with_timezone(&zone).date_naive();
    let at = zone
        .from_local_datetime(&date.and_time(closes))
        .earliest()
        .map_or(asked, |local| local.with_timezone(&Utc));
    at.max(asked + SHORTEST_WINDOW)
}

/// The template `name`, or the default if it is gone.
async fn template_named<S: CheckIns>(store: &S, name: &str) -> Result<Template, StoreError> {
    Ok(match store.checkin_template(name).await? {
        Some(template) => template,
        None => {
            tracing::warn!(
                template = name,
                "unknown check-in template; using the default"
            );
            Template::default_template()
        }
    })
}

/// What `delivery` says.
pub async fn compose<S: CheckIns + Directory + Goals>(
    store: &S,
    delivery: &Outgoing,
) -> Result<Composed, StoreError> {
    let zone = delivery.timezone.tz();
    if let Some(about) = delivery
        .step
        .strip_prefix("escalation:")
        .map(|id| (id, false))
        .or_else(|| {
            delivery
                .step
                .strip_prefix("escalation_hr:")
                .map(|id| (id, true))
        })
    {
        let (id, to_hr) = about;
        let filter = PeopleFilter {
            id: id.parse().ok().map(crate::people::PersonId),
            ..PeopleFilter::default()
        };
        let who = store.people(&filter).await?;
        let name = who.first().map_or("Someone", |p| p.name.as_str());
        return Ok(Composed::Send {
            message: messages::escalation(&delivery.schedule, name, to_hr),
            checkin: None,
        });
    }
    if delivery.kind == "goal_review" {
        return Ok(Composed::Send {
            message: crate::goals::workflow::review(store, delivery).await?,
            checkin: None,
        });
    }
    if delivery.kind != "check_in" {
        return Ok(Composed::Send {
            message: reminder(delivery),
            checkin: None,
        });
    }
    let template = template_named(store, &delivery.template).await?;
    let checkin = store
        .open_checkin(NewCheckIn {
            person: delivery.person,
            schedule: Some(delivery.schedule_id),
            occurrence: Some(delivery.occurrence),
            date: delivery.due_at.with_timezone(&zone).date_naive(),
            template: template.name.clone(),
            opened_at: delivery.due_at,
            closes_at: window_closes(delivery.due_at, zone, template.closes),
        })
        .await?;
    if checkin.status != CheckInStatus::Open {
        return Ok(Composed::Nothing);
    }
    let message = if delivery.step == "nudge" {
        messages::nudge(checkin.id.0, &delivery.schedule, checkin.closes_at, zone)
    } else {
        messages::prompt(checkin.id.0, &delivery.schedule, checkin.closes_at, zone)
    };
    Ok(Composed::Send {
        message,
        checkin: Some(checkin.id),
    })
}

/// A reminder for a kind with no workflow of its own yet.
fn reminder(delivery: &Outgoing) -> Message {
    let when = match delivery.step.strip_prefix("deadline:") {
        Some("0d") => "It is due today.".to_owned(),
        Some(offset) => format!(
            "Due in {}.",
            offset.trim_start_matches('-').replace('d', " day(s)")
        ),
        None => "It's time.".to_owned(),
    };
    Message {
        summary: format!("{}: {when}", delivery.schedule),
        blocks: vec![
            Block::Header(crate::chat::truncate(&delivery.schedule, 150)),
            Block::Text(when),
        ],
    }
}

/// What `person` pressing a button or submitting a form does.
pub async fn interact<S: CheckIns + Goals>(
    store: &S,
    person: &Person,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let (action, value) = (interaction.action(), interaction.value());
    let Some(checkin) = own_checkin(store, person, value).await? else {
        return Ok(Reply::Private(
            "That check-in is not yours, or no longer exists.".to_owned(),
        ));
    };
    let zone = person.timezone.tz();
    let template = template_named(store, &checkin.template).await?;
    match (action, interaction) {
        (START, _) => open_form(store, &checkin, &template, zone, now).await,
        (SNOOZE, _) if checkin.status == CheckInStatus::Open => {
            let until = now + SNOOZE_FOR;
            store.snooze_checkin(checkin.id, until).await?;
            Ok(Reply::Update(messages::snoozed(until, zone)))
        }
        (SKIP, _) if checkin.status == CheckInStatus::Open => {
            store.skip_checkin(checkin.id).await?;
            Ok(Reply::Update(messages::skipped()))
        }
        (SNOOZE | SKIP, _) => Ok(Reply::Private(
            "You have already answered this check-in.".to_owned(),
        )),
        (SUBMIT, Interaction::Submitted { answers, .. }) => {
            submit(store, &checkin, &template, answers, zone, now).await
        }
        _ => Ok(Reply::Private(
            "I did not understand that button; try /checkin.".to_owned(),
        )),
    }
}

/// The check-in `value` names, if it is `person`'s.
async fn own_checkin<S: CheckIns>(
    store: &S,
    person: &Person,
    value: &str,
) -> Result<Option<CheckIn>, StoreError> {
    let Ok(id) = value.parse::<i64>() else {
        return Ok(None);
    };
    Ok(store
        .checkin(CheckInId(id))
        .await?
        .filter(|checkin| checkin.person == person.id))
}

/// The form for `checkin`, unless its answers can no longer be edited. A goal progress
/// question is filled with the person's goals as they stand now, also when editing.
async fn open_form<S: Goals>(
    store: &S,
    checkin: &CheckIn,
    template: &Template,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if checkin.status == CheckInStatus::Submitted && now > checkin.closes_at {
        return Ok(Reply::Private(format!(
            "The answer window closed at {}; your answers are kept as they are.",
            checkin.closes_at.with_timezone(&zone).format("%H:%M")
        )));
    }
    let goals = match template.goals() {
        Some(_) => progress::lines(&goals_of(store, checkin).await?),
        None => String::new(),
    };
    Ok(Reply::Open(messages::form(
        checkin.id.0,
        template,
        checkin.answers.as_ref(),
        &goals,
    )))
}

/// The goals a check-in's goal progress question is about: its person's, in the quarter of
/// its day.
async fn goals_of<S: Goals>(store: &S, checkin: &CheckIn) -> Result<Vec<Goal>, StoreError> {
    let period = GoalPeriod::of(checkin.date);
    crate::goals::workflow::of_person(store, checkin.person, period, true).await
}

/// Records the goal progress `answers` give, if the template asks for it, and puts the
/// goals as they now stand in the answer; on bad lines, the problem for the question's
/// field, with nothing recorded.
async fn record_goals<S: Goals>(
    store: &S,
    checkin: &CheckIn,
    template: &Template,
    answers: &mut Answers,
    now: DateTime<Utc>,
) -> Result<Result<(), (String, String)>, StoreError> {
    let Some(question) = template.goals() else {
        return Ok(Ok(()));
    };
    let Some(text) = answers.0.get(&question.id) else {
        return Ok(Ok(()));
    };
    let mut goals = goals_of(store, checkin).await?;
    let changes = match progress::read(&goals, text) {
        Ok(changes) => changes,
        Err(problem) => return Ok(Err((question.id.clone(), problem))),
    };
    for change in changes {
        let update = GoalUpdate {
            goal: change.goal,
            by: checkin.person,
            measure: change.measure,
            status: change.status,
            comment: Some(format!(
                "Recorded with the check-in of {}",
                checkin.date.format("%a %-d %b %Y")
            )),
            at: now,
        };
        if let Some(updated) = store.update_goal(&update).await?
            && let Some(goal) = goals.iter_mut().find(|goal| goal.id == updated.id)
        {
            *goal = updated;
        }
    }
    answers
        .0
        .insert(question.id.clone(), progress::lines(&goals));
    Ok(Ok(()))
}

async fn submit<S: CheckIns + Goals>(
    store: &S,
    checkin: &CheckIn,
    template: &Template,
    raw: &std::collections::BTreeMap<String, String>,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if checkin.status == CheckInStatus::Submitted && now > checkin.closes_at {
        let first = template.questions.first().map(|q| q.id.clone());
        let text = format!(
            "The answer window closed at {}; your answers are kept as they are.",
            checkin.closes_at.with_timezone(&zone).format("%H:%M")
        );
        return Ok(Reply::FieldErrors(
            first.into_iter().map(|id| (id, text.clone())).collect(),
        ));
    }
    let mut answers = match Answers::read(template, raw) {
        Ok(answers) => answers,
        Err(problems) => return Ok(Reply::FieldErrors(problems)),
    };
    if let Err((field, problem)) = record_goals(store, checkin, template, &mut answers, now).await?
    {
        return Ok(Reply::FieldErrors([(field, problem)].into()));
    }
    store
        .submit_checkin(checkin.id, &answers, template, now)
        .await?;
    let late = checkin.late || (checkin.submitted_at.is_none() && now > checkin.closes_at);
    let message = messages::checked_in(
        checkin.id.0,
        template,
        &answers,
        late,
        now <= checkin.closes_at,
    );
    Ok(Reply::Close(checkin.prompt.clone().map(
        |(platform, at)| Update {
            platform,
            at,
            message,
        },
    )))
}

/// `/checkin`: today's check-in in the person's zone, opened if there is none.
pub async fn start_today<S: CheckIns + Goals>(
    store: &S,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let zone = person.timezone.tz();
    let today: NaiveDate = now.with_timezone(&zone).date_naive();
    let checkin = match store.checkin_on(person.id, today).await? {
        Some(checkin) => checkin,
        None => {
            let template = Template::default_template();
            store
                .open_checkin(NewCheckIn {
                    person: person.id,
                    schedule: None,
                    occurrence: None,
                    date: today,
                    template: template.name.clone(),
                    opened_at: now,
                    closes_at: window_closes(now, zone, template.closes),
                })
                .await?
        }
    };
    let template = template_named(store, &checkin.template).await?;
    open_form(store, &checkin, &template, zone, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_window_closes_at_five_local_or_two_hours_after_a_late_prompt() {
        let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            window_closes(utc("2026-03-02T08:00:00Z"), berlin, five),
            utc("2026-03-02T16:00:00Z")
        );
        assert_eq!(
            window_closes(utc("2026-03-02T16:30:00Z"), berlin, five),
            utc("2026-03-02T18:30:00Z"),
            "asked at 17:30 local: two hours to answer"
        );
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        assert_eq!(
            window_closes(utc("2026-03-02T03:30:00Z"), kolkata, five),
            utc("2026-03-02T11:30:00Z")
        );
    }
}
