//! Digests: when a check-in day's answer windows have closed, each team with a digest
//! channel gets a summary there, and each manager gets one of their reports in a DM.
//!
//! A team's digest waits for the last of its members' windows: a team spread from Tokyo to
//! San Francisco hears about Monday once San Francisco's Monday window has closed. What a
//! digest shows depends on the template's visibility: with `team`, the answers, blockers
//! and the mood average; with `manager`, only who answered (the answers stay with the
//! person, their manager chain and HR). A manager's summary always shows their reports'
//! answers.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};

use super::messages::summary_fields;
use super::{Answers, QuestionKind, Template, Visibility};
use crate::chat::{Block, Message, escape_markup, truncate};
use crate::oneonone::overdue::{Overdue, digest_line};
use crate::people::{Email, Person, PersonId};
use crate::ports::{CheckIn, CheckInDay, CheckInStatus, Destination, DigestKey, TeamChannel};

/// A digest of a day, for one audience, and when it is due. Its message is written only
/// when asked for: most digests a poster looks at are not due yet, or posted already.
pub struct PlannedDigest<'a> {
    /// Which digest.
    pub key: DigestKey,
    /// Where it goes.
    pub to: Destination,
    /// When the last window it sums up closes.
    pub due_at: DateTime<Utc>,
    day: Day<'a>,
    group: Group<'a>,
    title: String,
    show_answers: bool,
    /// A line under it: a manager's overdue 1:1s.
    flag: Option<String>,
}

impl std::fmt::Debug for PlannedDigest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlannedDigest")
            .field("key", &self.key)
            .field("to", &self.to)
            .field("due_at", &self.due_at)
            .finish_non_exhaustive()
    }
}

impl PlannedDigest<'_> {
    /// What it says.
    pub fn message(&self) -> Message {
        let mut message = self.group.message(self.day, &self.title, self.show_answers);
        if let Some(flag) = &self.flag {
            message.blocks.push(Block::Context(flag.clone()));
        }
        message
    }
}

/// What one day's digests are made from.
#[derive(Debug, Clone, Copy)]
pub struct Day<'a> {
    /// The schedule and day.
    pub day: &'a CheckInDay,
    /// The template its check-ins asked.
    pub template: &'a Template,
    /// Its check-ins.
    pub checkins: &'a [CheckIn],
    /// Everyone in the directory.
    pub people: &'a [Person],
    /// The pairs overdue for a 1:1, flagged in their manager's summary.
    pub overdue: &'a [Overdue],
}

/// Every digest of `day` an announcer on `platform` can post: one per team with a channel
/// there and a member asked that day, one per active manager of someone asked.
pub fn plan<'a>(day: Day<'a>, channels: &[TeamChannel], platform: &str) -> Vec<PlannedDigest<'a>> {
    let checkins: HashMap<PersonId, &CheckIn> =
        day.checkins.iter().map(|c| (c.person, c)).collect();
    let mut planned = Vec::new();
    for channel in channels.iter().filter(|c| c.platform == platform) {
        let team = channel.team.key();
        let members: Vec<&Person> = day
            .people
            .iter()
            .filter(|p| p.active && p.teams.iter().any(|t| t.key() == team))
            .collect();
        let Some(group) = Group::of(&checkins, &members) else {
            continue;
        };
        planned.push(PlannedDigest {
            key: key(day.day, format!("team:{team}:{platform}")),
            to: Destination::Channel(channel.channel.clone()),
            due_at: group.due_at(day),
            day,
            group,
            title: format!("{} · {}", day.day.name, channel.team),
            show_answers: day.template.visibility == Visibility::Team,
            flag: None,
        });
    }
    let managers: HashMap<&Email, &Person> = day
        .people
        .iter()
        .filter(|p| p.active)
        .map(|p| (&p.email, p))
        .collect();
    let mut reports: BTreeMap<PersonId, Vec<&Person>> = BTreeMap::new();
    for person in day.people.iter().filter(|p| p.active) {
        if let Some(manager) = person.manager.as_ref().and_then(|m| managers.get(m)) {
            reports.entry(manager.id).or_default().push(person);
        }
    }
    for (manager, members) in reports {
        let Some(group) = Group::of(&checkins, &members) else {
            continue;
        };
        planned.push(PlannedDigest {
            key: key(day.day, format!("manager:{}", manager.0)),
            to: Destination::Person(manager),
            due_at: group.due_at(day),
            day,
            group,
            title: format!("{} · your reports", day.day.name),
            show_answers: true,
            flag: digest_line(
                &day.overdue
                    .iter()
                    .filter(|o| o.manager == manager)
                    .collect::<Vec<_>>(),
            ),
        });
    }
    planned
}

fn key(day: &CheckInDay, audience: String) -> DigestKey {
    DigestKey {
        schedule: day.schedule,
        date: day.date,
        audience,
    }
}

/// Some people, and the check-ins they were asked that day.
struct Group<'a> {
    members: Vec<(&'a Person, Option<&'a CheckIn>)>,
}

impl<'a> Group<'a> {
    /// The group, unless none of them was asked.
    fn of(checkins: &HashMap<PersonId, &'a CheckIn>, people: &[&'a Person]) -> Option<Self> {
        let mut members: Vec<_> = people
            .iter()
            .map(|person| (*person, checkins.get(&person.id).copied()))
            .collect();
        if members.iter().all(|(_, checkin)| checkin.is_none()) {
            return None;
        }
        members.sort_by(|a, b| a.0.name.as_str().cmp(b.0.name.as_str()));
        Some(Self { members })
    }

    /// When the last window closes: each check-in's own, and for members not asked yet
    /// (and not away), the template's closing time in their zone that day.
    fn due_at(&self, day: Day<'_>) -> DateTime<Utc> {
        self.members
            .iter()
            .filter_map(|(person, checkin)| match checkin {
                Some(checkin) => Some(checkin.closes_at),
                None if away(person, day.day.date) => None,
                None => {
                    let zone = person.timezone.tz();
                    zone.from_local_datetime(&day.day.date.and_time(day.template.closes))
                        .earliest()
                        .map(|local| local.with_timezone(&Utc))
                }
            })
            .max()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    fn message(&self, day: Day<'_>, title: &str, show_answers: bool) -> Message {
        let template = day.template;
        let answered: Vec<(&Person, &CheckIn, &Answers)> = self
            .members
            .iter()
            .filter_map(|(person, checkin)| {
                let checkin = (*checkin)?;
                let answers = checkin.answers.as_ref()?;
                (checkin.status == CheckInStatus::Submitted).then_some((*person, checkin, answers))
            })
            .collect();
        let asked = self.members.iter().filter(|(_, c)| c.is_some()).count();
        let blockers: Vec<String> = answered
            .iter()
            .flat_map(|(person, _, answers)| {
                blocker_answers(template, answers).map(move |text| {
                    format!(
                        "• **{}**: {}",
                        escape_markup(person.name.as_str()),
                        escape_markup(&truncate(text, 300))
                    )
                })
            })
            .collect();
        let mut headline = format!("**{} of {asked} answered**", answered.len());
        if show_answers {
            if let Some(mood) = mood_average(template, answered.iter().map(|(_, _, a)| *a)) {
                headline.push_str(&format!(" · mood {mood:.1} / 5"));
            }
            match blockers.len() {
                0 => {}
                1 => headline.push_str(" · 1 blocker"),
                n => headline.push_str(&format!(" · {n} blockers")),
            }
        } else {
            headline.push_str(". Answers are shared with managers only.");
        }
        let mut blocks = vec![
            Block::Header(truncate(title, 150)),
            Block::Context(day.day.date.format("%A %-d %B %Y").to_string()),
            Block::Text(headline),
        ];
        let mut notes = Lists::default();
        for (person, checkin) in &self.members {
            let name = escape_markup(person.name.as_str());
            match checkin.map(|c| c.status) {
                Some(CheckInStatus::Submitted) => notes.answered.push(name),
                Some(CheckInStatus::Open) => notes.silent.push(name),
                Some(CheckInStatus::Skipped) => notes.skipped.push(name),
                None if away(person, day.day.date) => notes.away.push(name),
                None => {}
            }
        }
        if show_answers {
            if !blockers.is_empty() {
                blocks.push(Block::Text(format!(
                    "🚧 **Blockers**\n{}",
                    blockers.join("\n")
                )));
            }
            for (person, checkin, answers) in answered.iter().take(MAX_ANSWERS_SHOWN) {
                blocks.push(Block::Divider);
                let late = if checkin.late { " (late)" } else { "" };
                blocks.push(Block::Text(format!(
                    "**{}**{late}",
                    escape_markup(person.name.as_str())
                )));
                blocks.push(Block::Fields(summary_fields(template, answers)));
            }
            if let Some(more) = answered
                .len()
                .checked_sub(MAX_ANSWERS_SHOWN)
                .filter(|n| *n > 0)
            {
                blocks.push(Block::Context(format!("… and {more} more answered.")));
            }
        } else if !notes.answered.is_empty() {
            blocks.push(Block::Text(format!(
                "Answered: {}",
                notes.answered.join(", ")
            )));
        }
        let notes: Vec<String> = [
            ("No answer", &notes.silent),
            ("Skipped", &notes.skipped),
            ("Out of office", &notes.away),
        ]
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(label, names)| format!("{label}: {}", names.join(", ")))
        .collect();
        if !notes.is_empty() {
            blocks.push(Block::Divider);
            blocks.push(Block::Context(notes.join(" · ")));
        }
        Message {
            summary: format!("{title}: {} of {asked} answered", answered.len()),
            blocks,
        }
    }
}

/// A digest shows this many people's answers in full (three blocks each), which keeps it
/// within Slack's 50 blocks a message; the rest are counted.
const MAX_ANSWERS_SHOWN: usize = 14;

/// Names by how each person stands.
#[derive(Default)]
struct Lists {
    answered: Vec<String>,
    silent: Vec<String>,
    skipped: Vec<String>,
    away: Vec<String>,
}

fn away(person: &Person, date: NaiveDate) -> bool {
    person.out_of_office.iter().any(|o| o.contains(date))
}

/// The answers to the template's blocker questions.
fn blocker_answers<'a>(
    template: &'a Template,
    answers: &'a Answers,
) -> impl Iterator<Item = &'a str> + 'a {
    template
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Blocker)
        .filter_map(|q| answers.0.get(&q.id).map(String::as_str))
}

/// The mean of the template's first scale question over `answers`, if anyone answered it.
fn mood_average<'a>(
    template: &Template,
    answers: impl Iterator<Item = &'a Answers>,
) -> Option<f64> {
    let question = template
        .questions
        .iter()
        .find(|q| matches!(q.kind, QuestionKind::Scale { .. }))?;
    let values: Vec<f64> = answers
        .filter_map(|a| a.0.get(&question.id)?.parse::<f64>().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests;
