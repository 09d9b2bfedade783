//! The agenda both of a pair get before a session, built from the record since their last
//! held session (or, before the first, the cadence's span before it): the report's
//! check-in answers and blockers, their goals and the ones at risk, kudos and feedback they
//! received, open action items, the talking points and the last session's notes.
//!
//! [`Record`] is everything either could see; [`agenda`] shows one viewer what they may:
//! the other's private talking points never, and feedback the giver kept for the manager
//! only never to the report.

use chrono::{DateTime, Duration, Utc};

use crate::chat::{Block, Message, escape_markup, truncate};
use crate::command::person_by_id;
use crate::goals::GoalPeriod;
use crate::people::{Person, PersonId};
use crate::ports::{
    ActionItem, ActionItemFilter, CheckIns, Directory, Feedback, Goals, Kudos, OneOnOnes, Series,
    Session, StoreError, TalkingPoint,
};
use crate::record::{Span, checkin_lines, feedback_lines, goal_lines, kudos_lines, section};

use super::messages::{action_line, when};

/// Everything a session's agenda may show, before it is cut to a viewer.
#[derive(Debug, Clone)]
pub struct Record {
    /// The series.
    pub series: Series,
    /// The manager.
    pub manager: Person,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
    /// The report's record since the last held session (or, before the first, the
    /// cadence's span before this session), with their goals of the session's quarter.
    pub span: Span,
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
        let period = GoalPeriod::current(starts_at, report.timezone.tz());
        let span = Span::load(store, report, since, starts_at, &[period]).await?;
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
            starts_at,
            span,
            actions,
            points,
            last,
        }))
    }

    /// The report.
    pub fn report(&self) -> &Person {
        &self.span.person
    }

    /// The other of the pair, for `viewer`.
    pub fn other(&self, viewer: PersonId) -> &Person {
        if viewer == self.manager.id {
            self.report()
        } else {
            &self.manager
        }
    }

    fn name_of(&self, id: PersonId) -> &str {
        if id == self.manager.id {
            self.manager.name.as_str()
        } else {
            self.report().name.as_str()
        }
    }
}

/// The agenda as `viewer` (one of the pair) may see it.
pub fn agenda(record: &Record, viewer: &Person) -> Message {
    let other = record.other(viewer.id);
    let zone = viewer.timezone.tz();
    let title = format!("1:1 with {} · {}", other.name, when(record.starts_at, zone));
    let report = escape_markup(record.report().name.as_str());
    let mut blocks = vec![
        Block::Header(truncate(&title, 150)),
        Block::Context(format!(
            "Since {}: what {report} did, and what you both wanted to talk about.",
            record.span.from.with_timezone(&zone).format("%a %-d %b")
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
    let (answers, blockers) = checkin_lines(&record.span);
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
        &goal_lines(&record.span.goals),
        "No goals this quarter.",
    );
    let kudos = kudos_lines(&record.span);
    section(
        &mut blocks,
        "🙌 Kudos received",
        &kudos,
        "None in this span.",
    );
    let feedback = feedback_lines(&record.span, viewer.id == record.manager.id);
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

#[cfg(test)]
mod tests;
