//! The agenda both of a pair get before a session, built from the record since their last
//! held session (or, before the first, the cadence's span before it): the report's
//! check-in answers and blockers, their goals and the ones at risk, kudos and feedback they
//! received, open action items, the talking points and the last session's notes.
//!
//! [`Record`] is everything either could see; [`agenda`] shows one viewer what they may:
//! the other's private talking points never, and feedback the giver kept for the manager
//! only never to the report.

use crate::command::name_of;
use chrono::{DateTime, Duration, Utc};

use crate::chat::{Block, Message, escape_markup, truncate};
use crate::checkin::messages::summary_fields;
use crate::checkin::{QuestionKind, Template};
use crate::command::person_by_id;
use crate::goals::GoalStatus;
use crate::goals::messages::{bar, label};
use crate::people::{Person, PersonId};
use crate::ports::{
    ActionItem, ActionItemFilter, CheckIn, CheckInStatus, CheckIns, Directory, Feedback,
    FeedbackFilter, FeedbackRecord, FeedbackVisibility, Goal, Goals, Kudos, KudosFilter,
    KudosRecord, OneOnOnes, Series, Session, StoreError, TalkingPoint,
};

use super::messages::{DONE, action_line, when};

/// At most this many check-ins are shown, the latest.
const MAX_CHECKINS: usize = 6;
/// At most this many kudos or feedback are shown, the latest.
const MAX_ITEMS: usize = 8;

/// Everything a session's agenda may show, before it is cut to a viewer.
#[derive(Debug, Clone)]
pub struct Record {
    /// The series.
    pub series: Series,
    /// The manager.
    pub manager: Person,
    /// The report.
    pub report: Person,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
    /// The start of the span it covers: the last held session's start, or the cadence's
    /// span before this session if none was held.
    pub since: DateTime<Utc>,
    /// The report's check-ins opened in the span, with their templates.
    pub checkins: Vec<(CheckIn, Template)>,
    /// The report's goals of the session's quarter, dropped ones left out.
    pub goals: Vec<Goal>,
    /// Kudos the report received in the span, with the giver's name.
    pub kudos: Vec<(KudosRecord, String)>,
    /// Feedback about the report given in the span, with the giver's name.
    pub feedback: Vec<(FeedbackRecord, String)>,
    /// The series' open action items.
    pub actions: Vec<ActionItem>,
    /// Talking points waiting for a session.
    pub points: Vec<TalkingPoint>,
    /// The last held session, for its notes.
    pub last: Option<Session>,
}

impl Record {
    /// Reads the record for `series`' session starting at `starts_at`.
    pub async fn load<S>(
        store: &S,
        series: Series,
        starts_at: DateTime<Utc>,
    ) -> Result<Option<Self>, StoreError>
    where
        S: CheckIns + Directory + Feedback + Goals + Kudos + OneOnOnes,
    {
        let (Some(manager), Some(report)) = (
            person_by_id(store, series.manager).await?,
            person_by_id(store, series.report).await?,
        ) else {
            return Ok(None);
        };
        let last = store
            .sessions(series.id)
            .await?
            .into_iter()
            .find(|session| session.held && session.starts_at < starts_at);
        let since = last.as_ref().map_or_else(
            || starts_at - Duration::weeks(i64::from(series.cadence.every_weeks)),
            |session| session.starts_at,
        );
        let mut checkins = Vec::new();
        for checkin in store.checkins_of(report.id, since, starts_at).await? {
            let template = store
                .checkin_template(&checkin.template)
                .await?
                .unwrap_or_else(Template::default_template);
            checkins.push((checkin, template));
        }
        let period = crate::goals::GoalPeriod::current(starts_at, report.timezone.tz());
        let goals = crate::goals::workflow::of_person(store, report.id, period, true).await?;
        let mut kudos = Vec::new();
        let filter = KudosFilter {
            from: since,
            to: starts_at,
            person: Some(report.id),
        };
        for record in store.kudos_list(&filter).await? {
            if record.stands() && record.recipients.contains(&report.id) {
                let giver = name_of(store, record.giver).await?;
                kudos.push((record, giver));
            }
        }
        let mut feedback = Vec::new();
        let filter = FeedbackFilter {
            subject: Some(report.id),
            from: since,
            to: starts_at,
        };
        for record in store.feedback(&filter).await? {
            let giver = name_of(store, record.giver).await?;
            feedback.push((record, giver));
        }
        let actions = store
            .action_items(&ActionItemFilter {
                series: Some(series.id),
                open_only: true,
                ..ActionItemFilter::default()
            })
            .await?;
        let points = store.talking_points(series.id).await?;
        Ok(Some(Self {
            series,
            manager,
            report,
            starts_at,
            since,
            checkins,
            goals,
            kudos,
            feedback,
            actions,
            points,
            last,
        }))
    }

    /// The other of the pair, for `viewer`.
    pub fn other(&self, viewer: PersonId) -> &Person {
        if viewer == self.manager.id {
            &self.report
        } else {
            &self.manager
        }
    }

    fn name_of(&self, id: PersonId) -> &str {
        if id == self.manager.id {
            self.manager.name.as_str()
        } else {
            self.report.name.as_str()
        }
    }
}

/// The agenda as `viewer` (one of the pair) may see it.
pub fn agenda(record: &Record, viewer: &Person) -> Message {
    let other = record.other(viewer.id);
    let zone = viewer.timezone.tz();
    let title = format!("1:1 with {} · {}", other.name, when(record.starts_at, zone));
    let report = escape_markup(record.report.name.as_str());
    let mut blocks = vec![
        Block::Header(truncate(&title, 150)),
        Block::Context(format!(
            "Since {}: what {report} did, and what you both wanted to talk about.",
            record.since.with_timezone(&zone).format("%a %-d %b")
        )),
    ];
    let points: Vec<String> = record
        .points
        .iter()
        .filter(|point| !point.private || point.author == viewer.id)
        .map(|point| {
            let private = if point.private { " (private)" } else { "" };
            format!(
                "• **{}**{private}: {}",
                escape_markup(record.name_of(point.author)),
                escape_markup(&truncate(&point.text, 300))
            )
        })
        .collect();
    section(
        &mut blocks,
        "💬 Talking points",
        &points,
        "None yet: add one with `/oneonone add`.",
    );
    let today = record.starts_at.with_timezone(&zone).date_naive();
    let actions: Vec<String> = record
        .actions
        .iter()
        .map(|item| action_line(item, record.name_of(item.owner), today))
        .collect();
    section(&mut blocks, "✅ Open action items", &actions, "None open.");
    let (answers, blockers) = checkins(record);
    section(
        &mut blocks,
        &format!("📝 {report}'s check-ins"),
        &answers,
        "No check-ins answered in this span.",
    );
    if !blockers.is_empty() {
        blocks.push(Block::Text(format!(
            "🚧 **Blockers**\n{}",
            blockers.join("\n")
        )));
    }
    section(
        &mut blocks,
        &format!("🎯 {report}'s goals"),
        &goals(record),
        "No goals this quarter.",
    );
    let kudos: Vec<String> = record
        .kudos
        .iter()
        .rev()
        .take(MAX_ITEMS)
        .map(|(kudos, giver)| {
            format!(
                "• from **{}**: {}",
                escape_markup(giver),
                escape_markup(&truncate(&kudos.reason, 200))
            )
        })
        .collect();
    section(
        &mut blocks,
        "🙌 Kudos received",
        &kudos,
        "None in this span.",
    );
    let feedback: Vec<String> = record
        .feedback
        .iter()
        .filter(|(feedback, _)| {
            viewer.id == record.manager.id || feedback.visibility == FeedbackVisibility::Shared
        })
        .rev()
        .take(MAX_ITEMS)
        .map(|(feedback, giver)| {
            let only = match feedback.visibility {
                FeedbackVisibility::ManagerOnly => " (for you only)",
                FeedbackVisibility::Shared => "",
            };
            format!(
                "• from **{}**{only}: {}",
                escape_markup(giver),
                escape_markup(&truncate(&feedback.text, 300))
            )
        })
        .collect();
    section(
        &mut blocks,
        "🗣️ Feedback received",
        &feedback,
        "None in this span.",
    );
    if let Some(notes) = record.last.as_ref().and_then(|s| s.notes.as_deref()) {
        blocks.push(Block::Divider);
        blocks.push(Block::Context(format!(
            "Last time ({}): {}",
            record
                .last
                .as_ref()
                .map(|s| s
                    .starts_at
                    .with_timezone(&zone)
                    .format("%-d %b")
                    .to_string())
                .unwrap_or_default(),
            escape_markup(&truncate(notes, 500))
        )));
    }
    Message {
        summary: title,
        blocks,
    }
}

/// A titled section: its lines, or what to say when there are none.
fn section(blocks: &mut Vec<Block>, title: &str, lines: &[String], none: &str) {
    let body = if lines.is_empty() {
        none.to_owned()
    } else {
        lines.join("\n")
    };
    blocks.push(Block::Text(truncate(
        &format!("**{title}**\n{body}"),
        2_900,
    )));
}

/// The answered check-ins as lines (latest last), and the blockers named in them.
fn checkins(record: &Record) -> (Vec<String>, Vec<String>) {
    let zone = record.report.timezone.tz();
    let answered: Vec<&(CheckIn, Template)> = record
        .checkins
        .iter()
        .filter(|(checkin, _)| checkin.status == CheckInStatus::Submitted)
        .collect();
    let mut lines = Vec::new();
    let mut blockers = Vec::new();
    let skip = answered.len().saturating_sub(MAX_CHECKINS);
    for (checkin, template) in answered.into_iter().skip(skip) {
        let Some(answers) = checkin.answers.as_ref() else {
            continue;
        };
        let day = checkin.opened_at.with_timezone(&zone).format("%a %-d %b");
        let fields: Vec<String> = summary_fields(template, answers)
            .into_iter()
            .map(|(question, answer)| format!("{question} {}", truncate(&answer, 120)))
            .collect();
        lines.push(format!("• **{day}**: {}", fields.join(" · ")));
        for question in &template.questions {
            if question.kind == QuestionKind::Blocker
                && let Some(text) = answers.0.get(&question.id)
            {
                blockers.push(format!("• {day}: {}", escape_markup(&truncate(text, 300))));
            }
        }
    }
    (lines, blockers)
}

/// Each goal with its bar; those at risk or off track marked.
fn goals(record: &Record) -> Vec<String> {
    record
        .goals
        .iter()
        .map(|goal| {
            let mark = match goal.status {
                GoalStatus::AtRisk | GoalStatus::OffTrack => "⚠️ ",
                GoalStatus::Done => DONE,
                _ => "",
            };
            format!(
                "• {mark}{} · {} · {}",
                escape_markup(&label(goal)),
                goal.status.label(),
                bar(goal.measure.progress())
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
