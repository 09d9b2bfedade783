//! What `/oneonone` and its buttons and forms do, once for every platform.

use chrono::{DateTime, Utc};

use super::Cadence;
use super::messages::{self, DONE_ACTION, NOTES, RECORD, SKIPPED};
use super::notes::{action_items, reminders};
use super::parse::{HELP, OneOnOneCommand};
use crate::chat::{Interaction, Reply};
use crate::command::{mentioned, person_by_id};
use crate::people::{Person, Platform, Role};
use crate::ports::{
    ActionItemFilter, ActionItemId, Directory, NewSeries, OneOnOnes, Recorded, Series, SeriesId,
    SessionRecord, StoreError,
};

/// Runs `/oneonone` for `person`, sent from `platform`; `actor` names them in the audit log.
pub async fn run<S: Directory + OneOnOnes>(
    store: &S,
    person: &Person,
    platform: Platform,
    command: OneOnOneCommand,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    match command {
        OneOnOneCommand::Help => Ok(Reply::Private(HELP.to_owned())),
        OneOnOneCommand::List => list(store, person, now).await,
        OneOnOneCommand::Schedule {
            with,
            every_weeks,
            weekday,
            at,
            minutes,
        } => {
            let report = match mentioned(store, platform, &with).await? {
                Ok(report) => report,
                Err(sentence) => return Ok(Reply::Private(sentence)),
            };
            let manager = match pair_manager(store, person, &report).await? {
                Ok(manager) => manager,
                Err(sentence) => return Ok(Reply::Private(sentence)),
            };
            let cadence =
                match Cadence::starting_after(every_weeks, weekday, at, manager.timezone, now) {
                    Ok(cadence) => cadence,
                    Err(invalid) => return Ok(Reply::Private(format!("{invalid}."))),
                };
            store
                .schedule_oneonone(&NewSeries {
                    manager: manager.id,
                    report: report.id,
                    cadence,
                    minutes,
                    actor: actor.to_owned(),
                    at: now,
                })
                .await?;
            let pair = if manager.id == person.id {
                format!("with {}", report.name)
            } else {
                format!("of {} with {}", manager.name, report.name)
            };
            Ok(Reply::Private(format!(
                "1:1s {pair} are set: {cadence}, {minutes} minutes. The first is {} (your \
                 time). You'll both get the agenda the day before and an hour before.",
                messages::when(cadence.session(0), person.timezone.tz())
            )))
        }
        OneOnOneCommand::Add {
            with,
            text,
            private,
        } => {
            let series = match series_with(store, person, platform, with.as_deref()).await? {
                Ok(series) => series,
                Err(sentence) => return Ok(Reply::Private(sentence)),
            };
            store
                .add_talking_point(series.id, person.id, &text, private, now)
                .await?;
            let next = messages::when(series.cadence.next_after(now), person.timezone.tz());
            let whose = if private {
                "only you will see it"
            } else {
                "you'll both see it"
            };
            Ok(Reply::Private(format!(
                "Added to the agenda of your next 1:1 ({next}); {whose}."
            )))
        }
        OneOnOneCommand::Notes { with } => {
            let series = match series_with(store, person, platform, with.as_deref()).await? {
                Ok(series) => series,
                Err(sentence) => return Ok(Reply::Private(sentence)),
            };
            let Some(starts_at) = series.cadence.last_at_or_before(now) else {
                return Ok(Reply::Private(
                    "Your first 1:1 has not happened yet: there is nothing to record.".to_owned(),
                ));
            };
            open_notes(store, person, &series, starts_at).await
        }
        OneOnOneCommand::Cancel { with } => {
            let series = match series_with(store, person, platform, Some(&with)).await? {
                Ok(series) => series,
                Err(sentence) => return Ok(Reply::Private(sentence)),
            };
            if series.manager != person.id && person.role != Role::HrAdmin {
                return Ok(Reply::Private(
                    "Only the manager or HR can stop 1:1s. Nothing changed.".to_owned(),
                ));
            }
            store.cancel_oneonone(series.id, actor).await?;
            Ok(Reply::Private(
                "Those 1:1s are stopped: no more agendas or prompts. Their record stays."
                    .to_owned(),
            ))
        }
    }
}

/// The manager of the pair `person` sets up with `report`: `person` if they manage
/// `report`; `report`'s manager if `person` is HR; otherwise the sentence saying why not.
async fn pair_manager<S: Directory>(
    store: &S,
    person: &Person,
    report: &Person,
) -> Result<Result<Person, String>, StoreError> {
    if report.id == person.id {
        return Ok(Err("A 1:1 takes two: name one of your reports.".to_owned()));
    }
    let manager = match &report.manager {
        Some(email) => crate::command::active_by_email(store, email).await?,
        None => None,
    };
    Ok(match manager {
        Some(manager) if manager.id == person.id || person.role == Role::HrAdmin => Ok(manager),
        Some(manager) => Err(format!(
            "{} isn't your report: their 1:1s are set up by their manager ({}) or HR. Nothing \
             was set up.",
            report.name, manager.name
        )),
        None if person.role == Role::HrAdmin => Err(format!(
            "{} has no manager in Rhythm, so there is no pair to set up. Nothing was set up.",
            report.name
        )),
        None => Err(format!(
            "{} isn't your report: 1:1s are set up by a report's manager or HR. Nothing was \
             set up.",
            report.name
        )),
    })
}

/// `person`'s active series with the person `with` mentions, or their only one if `with`
/// is `None`; or the sentence saying why there is none.
async fn series_with<S: Directory + OneOnOnes>(
    store: &S,
    person: &Person,
    platform: Platform,
    with: Option<&str>,
) -> Result<Result<Series, String>, StoreError> {
    let all = store.oneonones(Some(person.id), true).await?;
    let Some(user) = with else {
        return Ok(match all.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(NO_SERIES.to_owned()),
            _ => Err("You have 1:1s with several people: name one, such as \
                      `/oneonone add @ben …`."
                .to_owned()),
        });
    };
    let other = match mentioned(store, platform, user).await? {
        Ok(other) => other,
        Err(sentence) => return Ok(Err(sentence)),
    };
    Ok(all
        .into_iter()
        .find(|series| series.manager == other.id || series.report == other.id)
        .ok_or_else(|| {
            format!(
                "You have no 1:1s with {}. A manager sets them up with `/oneonone schedule`.",
                other.name
            )
        }))
}

const NO_SERIES: &str = "You have no 1:1s yet. A manager sets them up with `/oneonone schedule @ben every 2 weeks \
     Thursday 15:00`.";

/// `/oneonone`: each series with its next session, and the person's open action items.
async fn list<S: Directory + OneOnOnes>(
    store: &S,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let all = store.oneonones(Some(person.id), true).await?;
    if all.is_empty() {
        return Ok(Reply::Private(NO_SERIES.to_owned()));
    }
    let zone = person.timezone.tz();
    let mut lines = vec!["**Your 1:1s**".to_owned()];
    for series in &all {
        let other = if series.manager == person.id {
            series.report
        } else {
            series.manager
        };
        if let Some(other) = person_by_id(store, other).await? {
            lines.push(messages::series_line(
                &other,
                series.cadence.next_after(now),
                series,
                zone,
            ));
        }
    }
    let items = store
        .action_items(&ActionItemFilter {
            owner: Some(person.id),
            open_only: true,
            ..ActionItemFilter::default()
        })
        .await?;
    if !items.is_empty() {
        lines.push("**Your open action items**".to_owned());
        let today = now.with_timezone(&zone).date_naive();
        for item in &items {
            lines.push(messages::action_line(item, person.name.as_str(), today));
        }
    }
    Ok(Reply::Private(lines.join("\n")))
}

/// The notes form for `series`' session at `starts_at`, unless it was recorded.
async fn open_notes<S: Directory + OneOnOnes>(
    store: &S,
    person: &Person,
    series: &Series,
    starts_at: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if let Some(sentence) = recorded_already(store, series, starts_at).await? {
        return Ok(Reply::Private(sentence));
    }
    let other = if series.manager == person.id {
        series.report
    } else {
        series.manager
    };
    let Some(other) = person_by_id(store, other).await? else {
        return Ok(Reply::Private(GONE.to_owned()));
    };
    Ok(Reply::Open(messages::notes_form(series, starts_at, &other)))
}

const GONE: &str = "Those 1:1s are no longer running.";

async fn recorded_already<S: Directory + OneOnOnes>(
    store: &S,
    series: &Series,
    starts_at: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let Some(session) = store
        .sessions(series.id)
        .await?
        .into_iter()
        .find(|s| s.starts_at == starts_at)
    else {
        return Ok(None);
    };
    let by = person_by_id(store, session.recorded_by)
        .await?
        .map_or_else(|| "someone".to_owned(), |p| p.name.to_string());
    Ok(Some(format!(
        "That session was recorded already, by {by}. Nothing changed."
    )))
}

/// Answers a button or form of 1:1s, pressed or submitted by `person`.
pub async fn interact<S: Directory + OneOnOnes>(
    store: &S,
    person: &Person,
    platform: Platform,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if interaction.action() == DONE_ACTION {
        return done(store, person, interaction.value(), now).await;
    }
    let Some((series, starts_at)) = session_of(store, person, interaction.value()).await? else {
        return Ok(Reply::Private(GONE.to_owned()));
    };
    match (interaction, interaction.action()) {
        (Interaction::Pressed { .. }, NOTES) => open_notes(store, person, &series, starts_at).await,
        (Interaction::Pressed { .. }, SKIPPED) => {
            record(
                store,
                person,
                &series,
                starts_at,
                false,
                None,
                Vec::new(),
                (platform, now),
            )
            .await
        }
        (Interaction::Submitted { answers, .. }, RECORD) => {
            let other = if series.manager == person.id {
                series.report
            } else {
                series.manager
            };
            let Some(other) = person_by_id(store, other).await? else {
                return Ok(Reply::Private(GONE.to_owned()));
            };
            let today = now.with_timezone(&person.timezone.tz()).date_naive();
            let items = match action_items(
                answers.get("actions").map_or("", String::as_str),
                person,
                &other,
                today,
            ) {
                Ok(items) => items,
                Err(problem) => {
                    return Ok(Reply::FieldErrors(
                        [("actions".to_owned(), problem)].into_iter().collect(),
                    ));
                }
            };
            let notes = answers
                .get("notes")
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            record(
                store,
                person,
                &series,
                starts_at,
                true,
                notes,
                items,
                (platform, now),
            )
            .await
        }
        _ => Ok(Reply::Private(
            "That button belongs to an older version of Rhythm; nothing changed.".to_owned(),
        )),
    }
}

/// The series and session a button's value names, if `person` is one of the pair and the
/// series has a session then.
async fn session_of<S: OneOnOnes>(
    store: &S,
    person: &Person,
    value: &str,
) -> Result<Option<(Series, DateTime<Utc>)>, StoreError> {
    let Some((id, at)) = value.split_once(':') else {
        return Ok(None);
    };
    let (Ok(id), Some(starts_at)) = (
        id.parse().map(SeriesId),
        at.parse()
            .ok()
            .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)),
    ) else {
        return Ok(None);
    };
    Ok(store
        .oneonone(id)
        .await?
        .filter(|series| {
            (series.manager == person.id || series.report == person.id)
                && series.cadence.has_session_at(starts_at)
        })
        .map(|series| (series, starts_at)))
}

#[expect(clippy::too_many_arguments, reason = "a session's whole record")]
async fn record<S: Directory + OneOnOnes>(
    store: &S,
    person: &Person,
    series: &Series,
    starts_at: DateTime<Utc>,
    held: bool,
    notes: Option<String>,
    items: Vec<crate::ports::NewActionItem>,
    (platform, now): (Platform, DateTime<Utc>),
) -> Result<Reply, StoreError> {
    let other = if series.manager == person.id {
        series.report
    } else {
        series.manager
    };
    let other = person_by_id(store, other).await?;
    let reminders = reminders(&items, [person, other.as_ref().unwrap_or(person)], platform);
    let count = items.len();
    let outcome = store
        .record_session(&SessionRecord {
            series: series.id,
            starts_at,
            held,
            notes,
            recorded_by: person.id,
            recorded_at: now,
            action_items: items,
            reminders,
        })
        .await?;
    Ok(match outcome {
        Recorded::AlreadyRecorded => Reply::Private(
            recorded_already(store, series, starts_at)
                .await?
                .unwrap_or_else(|| "That session was recorded already.".to_owned()),
        ),
        Recorded::Recorded if !held => Reply::Private(
            "Noted: that session didn't happen. Its talking points wait for the next one."
                .to_owned(),
        ),
        Recorded::Recorded => Reply::Private(match count {
            0 => "Notes saved. They'll be on the next agenda.".to_owned(),
            1 => "Notes saved with 1 action item; its owner is reminded when it is due.".to_owned(),
            n => format!(
                "Notes saved with {n} action items; each owner is reminded when one is due."
            ),
        }),
    })
}

/// Marks an action item done, if `person` is one of its series' pair.
async fn done<S: OneOnOnes>(
    store: &S,
    person: &Person,
    value: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let Ok(id) = value.parse().map(ActionItemId) else {
        return Ok(Reply::Private(GONE.to_owned()));
    };
    let mut found = None;
    for series in store.oneonones(Some(person.id), false).await? {
        let filter = ActionItemFilter {
            series: Some(series.id),
            ..ActionItemFilter::default()
        };
        found = store
            .action_items(&filter)
            .await?
            .into_iter()
            .find(|item| item.id == id);
        if found.is_some() {
            break;
        }
    }
    let Some(item) = found else {
        return Ok(Reply::Private(
            "That action item is not one of your 1:1s'; nothing changed.".to_owned(),
        ));
    };
    Ok(Reply::Private(
        if store.complete_action_item(id, now).await? {
            format!("{}Done: {}", messages::DONE, item.text)
        } else {
            "That one was marked done already.".to_owned()
        },
    ))
}
