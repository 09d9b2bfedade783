//! The policy file: schedules, holiday calendars and check-in templates as code, kept in
//! version control and applied with `rhythm schedule apply --file`.
//!
//! Reading a file checks everything that can be checked without the database and reports
//! every problem at once, each naming the schedule (or calendar, or template) and the key.
//! What needs the database (does a schedule's template exist?) is checked when applying.
//! `templates` reads the `[[checkin_template]]` tables and plans their writes; review cycles
//! (`[[review_cycle]]`) are read by [`crate::reviews::cycle::read_cycles`].

use std::collections::HashSet;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::spec::{FollowUp, Offset, Recurrence, Schedule};
use super::{
    Audience, BusinessDays, CronSpec, DayOffPolicy, HolidayCalendar, ScheduleKind, ScheduleName,
    ZoneChoice, parse_date,
};
use crate::checkin::Template;
use crate::duration::HumanDuration;
use crate::kudos::KudosPolicy;
use crate::kudos::policy::KudosDoc;
use crate::oneonone::pairs::{PairDoc, PolicyPair, read_pairs};
use crate::oneonone::{CoachingDoc, CoachingPolicy};
use crate::people::Invalid;
use crate::reviews::cycle::{CycleDoc, CycleSpec, read_cycles};

mod templates;

pub use templates::{TemplateChanges, UpdatedTemplate};

/// What a policy file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Its holiday calendars.
    pub calendars: Vec<HolidayCalendar>,
    /// Its schedules, in file order.
    pub schedules: Vec<Schedule>,
    /// Its check-in templates, in file order. One named `default` replaces the built-in.
    pub templates: Vec<Template>,
    /// Its `[kudos]` table: the kudos policy to write, if the file has one.
    pub kudos: Option<KudosPolicy>,
    /// Its `[coaching]` table: 1:1 and feedback-request times, if the file has one.
    pub coaching: Option<CoachingPolicy>,
    /// Its `[[one_on_one]]` pairs, in file order.
    pub one_on_ones: Vec<PolicyPair>,
    /// Its `[[review_cycle]]` tables, in file order: created as drafts when applied, a
    /// cycle whose name is stored already left as it is.
    pub review_cycles: Vec<CycleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    holiday_calendar: Vec<RawCalendar>,
    #[serde(default)]
    schedule: Vec<ScheduleDoc>,
    #[serde(default)]
    checkin_template: Vec<templates::TemplateDoc>,
    kudos: Option<KudosDoc>,
    coaching: Option<CoachingDoc>,
    #[serde(default)]
    one_on_one: Vec<PairDoc>,
    #[serde(default)]
    review_cycle: Vec<CycleDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: String,
    dates: Vec<String>,
}

/// A schedule as text, the shape of a `[[schedule]]` table: how it is written in a policy
/// file and stored in the database. [`ScheduleDoc::read`] checks it into a [`Schedule`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleDoc {
    /// Unique name.
    pub name: String,
    /// check_in | goal_review | feedback_session | appraisal_deadline | announcement.
    pub kind: String,
    /// A 5-field cron expression (or `at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// A local date and time to fire once (or `cron`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// `recipient` (the default) or an IANA zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// everyone | team:NAME | reports:EMAIL | people:EMAIL,EMAIL | channel:ID.
    pub audience: String,
    /// Days people work (default mon–fri).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_days: Option<Vec<String>>,
    /// next_business_day (default) | skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_day_off: Option<String>,
    /// A holiday calendar for everyone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holidays: Option<String>,
    /// Missed-fire grace window (default 1h).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace: Option<String>,
    /// First day it may fire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts: Option<String>,
    /// Last day it may fire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends: Option<String>,
    /// Message or check-in template (default `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Nudge and escalation delays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUpDoc>,
    /// Deadline reminders, appraisal_deadline only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_offsets: Option<Vec<String>>,
}

/// `follow_up = { nudge_after = "4h", escalate_after = "24h", escalate_hr_after = "72h" }`
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpDoc {
    /// Nudge the recipient this long after the reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nudge_after: Option<String>,
    /// Tell their manager this long after the reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalate_after: Option<String>,
    /// Tell HR this long after the reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalate_hr_after: Option<String>,
}

impl ScheduleDoc {
    /// Checks the document into a schedule; `calendars` are the holiday calendars a
    /// `holidays` key may name. Every problem is named by schedule and key.
    pub fn read(&self, calendars: &HashSet<String>) -> Result<Schedule, Vec<String>> {
        let mut found = Vec::new();
        let mut problems = Problems {
            schedule: self.name.trim(),
            found: &mut found,
        };
        match read_schedule(self, calendars, &mut problems) {
            Some(schedule) if found.is_empty() => Ok(schedule),
            _ => Err(found),
        }
    }
}

impl Schedule {
    /// The schedule as a document, every key written out.
    pub fn to_doc(&self) -> ScheduleDoc {
        let (cron, at) = match &self.recurrence {
            Recurrence::Cron(cron) => (Some(cron.to_string()), None),
            Recurrence::Once(at) => (None, Some(at.format("%Y-%m-%dT%H:%M:%S").to_string())),
        };
        ScheduleDoc {
            name: self.name.to_string(),
            kind: self.kind.to_string(),
            cron,
            at,
            timezone: Some(self.zone.to_string()),
            audience: self.audience.to_string(),
            business_days: Some(
                self.business_days
                    .names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            ),
            on_day_off: Some(self.on_day_off.as_str().to_owned()),
            holidays: self.holidays.clone(),
            grace: Some(self.grace.to_string()),
            starts: self.starts.map(|date| date.to_string()),
            ends: self.ends.map(|date| date.to_string()),
            template: Some(self.template.clone()),
            follow_up: (self.follow_up != FollowUp::default_for(self.kind)).then(|| FollowUpDoc {
                nudge_after: self.follow_up.nudge_after.map(|d| d.to_string()),
                escalate_after: self.follow_up.escalate_after.map(|d| d.to_string()),
                escalate_hr_after: self.follow_up.escalate_hr_after.map(|d| d.to_string()),
            }),
            // A deadline's are written even when there are none: left out, they would read
            // back as the default reminders.
            deadline_offsets: (self.kind == ScheduleKind::AppraisalDeadline
                || !self.deadline_offsets.is_empty())
            .then(|| {
                self.deadline_offsets
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            }),
        }
    }
}

/// Collects the problems of one schedule, each prefixed with its name and key.
struct Problems<'a> {
    schedule: &'a str,
    found: &'a mut Vec<String>,
}

impl Problems<'_> {
    fn check<T>(&mut self, key: &str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.found
                    .push(format!("schedule `{}`: {key}: {invalid}", self.schedule));
                None
            }
        }
    }

    fn optional<T>(
        &mut self,
        key: &str,
        text: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<Option<T>> {
        match text {
            None => Some(None),
            Some(text) => self.check(key, parse(text)).map(Some),
        }
    }
}

impl Policy {
    /// Reads a policy file's text: every schedule, calendar, template, pair and review
    /// cycle, or every problem.
    pub fn parse(text: &str) -> Result<Self, Vec<String>> {
        let raw: RawPolicy = toml::from_str(text).map_err(|error| vec![error.to_string()])?;
        let mut found = Vec::new();
        let mut calendars = Vec::new();
        let mut calendar_names = HashSet::new();
        for raw in &raw.holiday_calendar {
            match HolidayCalendar::parse(&raw.name, raw.dates.iter().map(String::as_str)) {
                Ok(calendar) if !calendar_names.insert(calendar.name.clone()) => {
                    found.push(format!(
                        "holiday_calendar `{}` is defined twice",
                        calendar.name
                    ));
                }
                Ok(calendar) => calendars.push(calendar),
                Err(invalid) => found.push(format!("holiday_calendar `{}`: {invalid}", raw.name)),
            }
        }
        let mut schedules = Vec::new();
        let mut names = HashSet::new();
        for raw in &raw.schedule {
            if !names.insert(raw.name.trim().to_owned()) {
                found.push(format!(
                    "schedule `{}` is defined twice; names must be unique",
                    raw.name.trim()
                ));
                continue;
            }
            let mut problems = Problems {
                schedule: raw.name.trim(),
                found: &mut found,
            };
            if let Some(schedule) = read_schedule(raw, &calendar_names, &mut problems) {
                schedules.push(schedule);
            }
        }
        let templates = templates::read_templates(&raw.checkin_template, &mut found);
        let kudos = raw
            .kudos
            .as_ref()
            .and_then(|doc| doc.read().map_err(|problems| found.extend(problems)).ok());
        let coaching = raw.coaching.clone().and_then(|doc| {
            doc.read()
                .map_err(|problems| found.extend(problems.iter().map(ToString::to_string)))
                .ok()
        });
        let one_on_ones = read_pairs(&raw.one_on_one, &mut found);
        let review_cycles = read_cycles(&raw.review_cycle, &mut found);
        if found.is_empty() {
            Ok(Self {
                calendars,
                schedules,
                templates,
                kudos,
                coaching,
                one_on_ones,
                review_cycles,
            })
        } else {
            Err(found)
        }
    }
}

fn read_schedule(
    raw: &ScheduleDoc,
    calendars: &HashSet<String>,
    problems: &mut Problems<'_>,
) -> Option<Schedule> {
    let name = problems.check("name", ScheduleName::parse(&raw.name));
    let kind = problems.check("kind", ScheduleKind::parse(&raw.kind));
    let recurrence = match (&raw.cron, &raw.at) {
        (Some(cron), None) => problems.check("cron", CronSpec::parse(cron).map(Recurrence::Cron)),
        (None, Some(at)) => problems.check(
            "at",
            NaiveDateTime::parse_from_str(at.trim(), "%Y-%m-%dT%H:%M:%S")
                .map(Recurrence::Once)
                .map_err(|_| {
                    Invalid::new(format!(
                        "`{at}` is not a local date and time: write it as 2026-12-15T17:00:00"
                    ))
                }),
        ),
        _ => problems.check::<Recurrence>(
            "cron",
            Err(Invalid::new(
                "give either cron (repeating) or at (once), not both and not neither",
            )),
        ),
    };
    let zone = problems.check(
        "timezone",
        ZoneChoice::parse(raw.timezone.as_deref().unwrap_or("recipient")),
    );
    let audience = problems.check("audience", Audience::parse(&raw.audience));
    let business_days = match &raw.business_days {
        Some(days) => problems.check(
            "business_days",
            BusinessDays::parse(days.iter().map(String::as_str)),
        ),
        None => Some(BusinessDays::default()),
    };
    let on_day_off =
        problems.optional("on_day_off", raw.on_day_off.as_deref(), DayOffPolicy::parse);
    let holidays = match &raw.holidays {
        Some(calendar) if !calendars.contains(&calendar.trim().to_ascii_lowercase()) => {
            problems.check::<Option<String>>(
                "holidays",
                Err(Invalid::new(format!(
                    "no holiday calendar named `{calendar}`; define it with [[holiday_calendar]] in the policy file"
                ))),
            )
        }
        other => Some(other.as_ref().map(|name| name.trim().to_ascii_lowercase())),
    };
    let grace = problems.optional("grace", raw.grace.as_deref(), |text| {
        HumanDuration::parse(text).map_err(|error| Invalid::new(error.to_string()))
    });
    let starts = problems.optional("starts", raw.starts.as_deref(), |text| {
        parse_date(text, "starts")
    });
    let ends = problems.optional("ends", raw.ends.as_deref(), |text| parse_date(text, "ends"));
    let follow_up = match (&raw.follow_up, kind) {
        (Some(raw), _) => read_follow_up(raw, problems),
        (None, Some(kind)) => Some(FollowUp::default_for(kind)),
        (None, None) => None,
    };
    let deadline_offsets = match &raw.deadline_offsets {
        Some(offsets) => problems.check(
            "deadline_offsets",
            offsets
                .iter()
                .map(|offset| Offset::parse(offset))
                .collect::<Result<Vec<_>, _>>(),
        ),
        None if kind == Some(ScheduleKind::AppraisalDeadline) => {
            Some(Schedule::default_deadline_offsets())
        }
        None => Some(Vec::new()),
    };
    let schedule = Schedule {
        name: name?,
        kind: kind?,
        recurrence: recurrence?,
        zone: zone?,
        audience: audience?,
        business_days: business_days?,
        on_day_off: on_day_off?.unwrap_or_default(),
        holidays: holidays?,
        grace: grace?.unwrap_or(HumanDuration::from(Schedule::DEFAULT_GRACE)),
        starts: starts?,
        ends: ends?,
        template: raw.template.clone().unwrap_or_else(|| "default".to_owned()),
        follow_up: follow_up?,
        deadline_offsets: deadline_offsets?,
    };
    match schedule.check() {
        Ok(schedule) => Some(schedule),
        Err(invalid) => {
            for invalid in invalid {
                problems.check::<()>("schedule", Err(invalid));
            }
            None
        }
    }
}

fn read_follow_up(raw: &FollowUpDoc, problems: &mut Problems<'_>) -> Option<FollowUp> {
    let duration =
        |text: &str| HumanDuration::parse(text).map_err(|error| Invalid::new(error.to_string()));
    let nudge_after = problems.optional(
        "follow_up.nudge_after",
        raw.nudge_after.as_deref(),
        duration,
    );
    let escalate_after = problems.optional(
        "follow_up.escalate_after",
        raw.escalate_after.as_deref(),
        duration,
    );
    let escalate_hr_after = problems.optional(
        "follow_up.escalate_hr_after",
        raw.escalate_hr_after.as_deref(),
        duration,
    );
    Some(FollowUp {
        nudge_after: nudge_after?,
        escalate_after: escalate_after?,
        escalate_hr_after: escalate_hr_after?,
    })
}

#[cfg(test)]
mod tests;
