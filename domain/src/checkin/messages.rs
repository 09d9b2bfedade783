//! What check-ins say: the prompt with its buttons, the form, the "checked in" summary,
//! the nudge and the escalation. Platform-neutral; the adapters render them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::answers::Answers;
use super::template::{QuestionKind, Template};
use crate::chat::{
    Block, Button, ButtonStyle, Field, Form, Input, Message, escape_markup, truncate,
};

/// Pressing *Start check-in*.
pub const START: &str = "checkin:start";
/// Pressing *Snooze 1 h*.
pub const SNOOZE: &str = "checkin:snooze";
/// Pressing *Skip today*.
pub const SKIP: &str = "checkin:skip";
/// Submitting the form.
pub const SUBMIT: &str = "checkin:submit";

/// The prompt's three buttons, about check-in `id`.
fn buttons(id: i64) -> Block {
    let button = |action: &str, label: &str, style| Button {
        action: action.to_owned(),
        value: id.to_string(),
        label: label.to_owned(),
        style,
    };
    Block::Buttons(vec![
        button(START, "Start check-in", ButtonStyle::Primary),
        button(SNOOZE, "Snooze 1 h", ButtonStyle::Default),
        button(SKIP, "Skip today", ButtonStyle::Default),
    ])
}

/// When the window closes, in the person's words: `17:00`.
fn local_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

/// The DM that asks for a check-in.
pub fn prompt(id: i64, schedule: &str, closes_at: DateTime<Utc>, zone: Tz) -> Message {
    Message {
        summary: format!("Time for your check-in: {schedule}"),
        blocks: vec![
            Block::Header(truncate(schedule, 150)),
            Block::Text(format!(
                "Time for your check-in. It takes a minute; answers can be edited until {}.",
                local_time(closes_at, zone)
            )),
            buttons(id),
        ],
    }
}

/// The nudge to someone who has not checked in yet.
pub fn nudge(id: i64, schedule: &str, closes_at: DateTime<Utc>, zone: Tz) -> Message {
    Message {
        summary: format!("Reminder: {schedule} is still open"),
        blocks: vec![
            Block::Text(format!(
                "**{}** is still waiting for your answers (open until {}).",
                escape_markup(schedule),
                local_time(closes_at, zone)
            )),
            buttons(id),
        ],
    }
}

/// The message to a manager (or HR) that someone has not checked in.
pub fn escalation(schedule: &str, who: &str, to_hr: bool) -> Message {
    let whom = if to_hr { "Rhythm" } else { "your report" };
    Message {
        summary: format!("{who} has not done {schedule}"),
        blocks: vec![Block::Text(format!(
            "**{}** has not answered **{}** yet. A word from {whom} may help.",
            escape_markup(who),
            escape_markup(schedule)
        ))],
    }
}

/// The form for check-in `id`, holding `existing` answers when editing; a goal progress
/// question holds `goals`, the person's goals as they stand (see
/// [`crate::goals::progress::lines`]).
pub fn form(id: i64, template: &Template, existing: Option<&Answers>, goals: &str) -> Form {
    let initial = |question: &str| existing.and_then(|a| a.0.get(question).cloned());
    let fields = template
        .questions
        .iter()
        .map(|question| {
            let input = match &question.kind {
                QuestionKind::Text | QuestionKind::Blocker => Input::Text {
                    multiline: true,
                    max_chars: super::template::MAX_ANSWER_CHARS,
                    initial: initial(&question.id),
                    placeholder: (question.kind == QuestionKind::Blocker)
                        .then(|| "Leave empty if nothing is blocking you".to_owned()),
                },
                QuestionKind::Scale { labels } => Input::Choice {
                    options: labels
                        .iter()
                        .enumerate()
                        .map(|(n, label)| ((n + 1).to_string(), format!("{} · {label}", n + 1)))
                        .collect(),
                    initial: initial(&question.id),
                },
                QuestionKind::Choice { options } => Input::Choice {
                    options: options.iter().map(|o| (o.clone(), o.clone())).collect(),
                    initial: initial(&question.id),
                },
                QuestionKind::Goals => Input::Text {
                    multiline: true,
                    max_chars: crate::goals::progress::MAX_CHARS,
                    initial: (!goals.is_empty()).then(|| goals.to_owned()),
                    placeholder: goals
                        .is_empty()
                        .then(|| "You have no goals this quarter: /goals add sets one".to_owned()),
                },
            };
            Field {
                id: question.id.clone(),
                label: question.prompt.clone(),
                optional: question.optional || question.kind == QuestionKind::Goals,
                input,
            }
        })
        .collect();
    Form {
        action: SUBMIT.to_owned(),
        value: id.to_string(),
        title: "Check-in".to_owned(),
        submit: "Submit".to_owned(),
        fields,
    }
}

/// What the prompt becomes once answered: a summary, and a way to edit while open.
pub fn checked_in(
    id: i64,
    template: &Template,
    answers: &Answers,
    late: bool,
    open: bool,
) -> Message {
    let mut blocks = vec![Block::Header(if late {
        "Checked in ✓ (late)".to_owned()
    } else {
        "Checked in ✓".to_owned()
    })];
    blocks.push(Block::Fields(summary_fields(template, answers)));
    if open {
        blocks.push(Block::Buttons(vec![Button {
            action: START.to_owned(),
            value: id.to_string(),
            label: "Edit answers".to_owned(),
            style: ButtonStyle::Default,
        }]));
    }
    Message {
        summary: "Checked in ✓".to_owned(),
        blocks,
    }
}

/// Each answered question as a label–value pair, text escaped and shortened.
pub fn summary_fields(template: &Template, answers: &Answers) -> Vec<(String, String)> {
    template
        .questions
        .iter()
        .filter_map(|question| {
            let answer = answers.0.get(&question.id)?;
            let shown = match &question.kind {
                QuestionKind::Scale { labels } => {
                    let n: usize = answer.parse().ok()?;
                    format!("{answer} · {}", labels.get(n.checked_sub(1)?)?)
                }
                _ => escape_markup(&truncate(answer, 500)),
            };
            Some((question.prompt.clone(), shown))
        })
        .collect()
}

/// What the prompt becomes when skipped.
pub fn skipped() -> Message {
    Message {
        summary: "Skipped today".to_owned(),
        blocks: vec![Block::Context(
            "Skipped today. Use /checkin if you change your mind.".to_owned(),
        )],
    }
}

/// What the prompt becomes when snoozed.
pub fn snoozed(until: DateTime<Utc>, zone: Tz) -> Message {
    Message {
        summary: "Snoozed".to_owned(),
        blocks: vec![Block::Context(format!(
            "Snoozed: I'll ask again at {}.",
            local_time(until, zone)
        ))],
    }
}
