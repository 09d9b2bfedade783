//! A person's record over a span of time, read once and shown as lines: the check-ins they
//! answered (and the blockers they named), their goals, the kudos and the feedback they
//! received. A 1:1's agenda shows it since the last session; a review cycle's self-review
//! packet since the last cycle. Each caller decides what its viewer may see (feedback kept
//! for the manager is filtered by [`feedback_lines`]'s caller).

use chrono::{DateTime, Utc};

use crate::chat::{Block, escape_markup, truncate};
use crate::checkin::messages::summary_fields;
use crate::checkin::{QuestionKind, Template};
use crate::command::name_of;
use crate::goals::messages::{bar, label};
use crate::goals::{GoalPeriod, GoalStatus};
use crate::oneonone::messages::DONE;
use crate::people::Person;
use crate::ports::{
    CheckIn, CheckInStatus, CheckIns, Directory, Feedback, FeedbackFilter, FeedbackRecord,
    FeedbackVisibility, Goal, Goals, Kudos, KudosFilter, KudosRecord, StoreError,
};

/// At most this many check-ins are shown, the latest.
const MAX_CHECKINS: usize = 6;
/// At most this many kudos or feedback are shown, the latest.
const MAX_ITEMS: usize = 8;

/// What `person` did and received in `[from, to)`.
#[derive(Debug, Clone)]
pub struct Span {
    /// Whose record.
    pub person: Person,
    /// Its start.
    pub from: DateTime<Utc>,
    /// Its end (excluded).
    pub to: DateTime<Utc>,
    /// Their check-ins opened in the span, with their templates, oldest first.
    pub checkins: Vec<(CheckIn, Template)>,
    /// Their goals of the span's quarters, dropped ones left out.
    pub goals: Vec<Goal>,
    /// Kudos they received in the span, with the giver's name.
    pub kudos: Vec<(KudosRecord, String)>,
    /// Feedback about them given in the span, with the giver's name: all of it, for the
    /// caller to cut to its viewer.
    pub feedback: Vec<(FeedbackRecord, String)>,
}

impl Span {
    /// Reads `person`'s record in `[from, to)`, with their goals of `periods`.
    pub async fn load<S>(
        store: &S,
        person: Person,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        periods: &[GoalPeriod],
    ) -> Result<Self, StoreError>
    where
        S: CheckIns + Directory + Feedback + Goals + Kudos,
    {
        let mut checkins = Vec::new();
        for checkin in store.checkins_of(person.id, from, to).await? {
            let template = store
                .checkin_template(&checkin.template)
                .await?
                .unwrap_or_else(Template::default_template);
            checkins.push((checkin, template));
        }
        let mut goals = Vec::new();
        for period in periods {
            goals.extend(crate::goals::workflow::of_person(store, person.id, *period, true).await?);
        }
        let mut kudos = Vec::new();
        let filter = KudosFilter {
            from,
            to,
            person: Some(person.id),
        };
        for record in store.kudos_list(&filter).await? {
            if record.stands() && record.recipients.contains(&person.id) {
                let giver = name_of(store, record.giver).await?;
                kudos.push((record, giver));
            }
        }
        let mut feedback = Vec::new();
        let filter = FeedbackFilter {
            subject: Some(person.id),
            from,
            to,
        };
        for record in store.feedback(&filter).await? {
            let giver = name_of(store, record.giver).await?;
            feedback.push((record, giver));
        }
        Ok(Self {
            person,
            from,
            to,
            checkins,
            goals,
            kudos,
            feedback,
        })
    }
}

/// A titled section: its lines, or what to say when there are none.
pub fn section(blocks: &mut Vec<Block>, title: &str, lines: &[String], none: &str) {
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

/// The answered check-ins as lines (the latest [`MAX_CHECKINS`], latest last), and the
/// blockers named in them.
pub fn checkin_lines(span: &Span) -> (Vec<String>, Vec<String>) {
    let zone = span.person.timezone.tz();
    let answered: Vec<&(CheckIn, Template)> = span
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
pub fn goal_lines(goals: &[Goal]) -> Vec<String> {
    goals
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

/// The kudos received, the latest [`MAX_ITEMS`], latest first.
pub fn kudos_lines(span: &Span) -> Vec<String> {
    span.kudos
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
        .collect()
}

/// The feedback received that `manager_view` may see (all of it for the manager, shared
/// feedback only otherwise), the latest [`MAX_ITEMS`], latest first.
pub fn feedback_lines(span: &Span, manager_view: bool) -> Vec<String> {
    span.feedback
        .iter()
        .filter(|(feedback, _)| manager_view || feedback.visibility == FeedbackVisibility::Shared)
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
        .collect()
}
