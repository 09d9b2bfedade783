//! What goals say: a list of goals with progress bars and what is due, the goal review's
//! DM, the form for a new goal and the form to record progress. Platform-neutral.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{GoalId, GoalPeriod, GoalStatus, KeyResult, Measure, number};
use super::parse::KEY_RESULT_HINT;
use crate::chat::{
    Block, Button, ButtonStyle, Field, Form, Input, Message, escape_markup, truncate,
};
use crate::ports::Goal;

/// Pressing *Update* on a goal (value: the goal's id).
pub const UPDATE: &str = "goals:update";
/// Submitting the progress form (value: the goal's id).
pub const PROGRESS: &str = "goals:progress";
/// Pressing *Add a goal* (value: whose, as [`super::workflow::owner_value`] writes it).
pub const ADD: &str = "goals:add";
/// Submitting the new goal form (value: whose).
pub const CREATE: &str = "goals:create";

/// A goal not updated for this many days is due for an update.
pub const STALE_AFTER_DAYS: i64 = 30;
/// Key results shown as a field each in the progress form; more share one field, a line
/// each (a Discord form holds five fields, two of them the status and the comment).
pub const RESULT_FIELDS: usize = 3;
/// The longest comment on an update.
pub const MAX_COMMENT_CHARS: usize = 1_000;

/// `▓▓▓▓▓▓░░░░ 60%`, in a code span so it lines up.
pub fn bar(progress: f64) -> String {
    format!(
        "`{}` {}%",
        cells(progress, '▓', '░'),
        (progress.clamp(0.0, 1.0) * 100.0).round()
    )
}

/// Ten cells, the share of `progress` (0 to 1) in `full`, the rest in `empty`.
pub fn cells(progress: f64, full: char, empty: char) -> String {
    let filled = (progress.clamp(0.0, 1.0) * 10.0).round() as usize;
    std::iter::repeat_n(full, filled)
        .chain(std::iter::repeat_n(empty, 10 - filled))
        .collect()
}

/// `#12 Ship the new onboarding`.
pub fn label(goal: &Goal) -> String {
    format!("#{} {}", goal.id.0, goal.title)
}

/// A goal as a paragraph: its title and status, its bar, its key results, what it
/// contributes to.
fn paragraph(goal: &Goal, parents: &HashMap<GoalId, String>) -> String {
    let mut text = format!(
        "**{}** · {}\n{}",
        escape_markup(&label(goal)),
        goal.status.label(),
        bar(goal.measure.progress())
    );
    match &goal.measure {
        Measure::KeyResults { results } => {
            for result in results {
                let _ = write!(
                    text,
                    "\n• {}: {}",
                    escape_markup(&result.name),
                    result.describe()
                );
            }
        }
        Measure::Check { done } => {
            text.push_str(if *done {
                "\n• Done"
            } else {
                "\n• Not done yet"
            });
        }
    }
    if let Some(parent) = goal.parent.and_then(|id| parents.get(&id)) {
        let _ = write!(text, "\n↳ contributes to {}", escape_markup(parent));
    }
    text
}

/// What is due about `goal` at `now`: an update, if none was recorded for
/// [`STALE_AFTER_DAYS`].
fn due(goal: &Goal, now: DateTime<Utc>) -> Option<String> {
    let days = (now - goal.updated_at).num_days();
    let open = !matches!(goal.status, GoalStatus::Done | GoalStatus::Dropped);
    (open && days >= STALE_AFTER_DAYS)
        .then(|| format!("No progress recorded for {days} days: due for an update."))
}

/// When the quarter ends, from `today`.
fn quarter_ends(period: GoalPeriod, today: NaiveDate) -> String {
    let last = period.last_day();
    let days = (last - today).num_days();
    match days {
        ..0 => format!("{period} ended on {}.", last.format("%a %-d %b %Y")),
        0 => format!("{period} ends today."),
        _ => format!(
            "{period} ends on {} ({days} days).",
            last.format("%a %-d %b")
        ),
    }
}

/// One *Update* button per goal still open, then *Add a goal*.
fn buttons(goals: &[Goal], add_for: &str) -> Block {
    let mut buttons: Vec<Button> = goals
        .iter()
        .filter(|goal| goal.status != GoalStatus::Dropped)
        .take(24)
        .map(|goal| Button {
            action: UPDATE.to_owned(),
            value: goal.id.0.to_string(),
            label: truncate(&format!("Update #{}", goal.id.0), 75),
            style: ButtonStyle::Default,
        })
        .collect();
    buttons.push(Button {
        action: ADD.to_owned(),
        value: add_for.to_owned(),
        label: "Add a goal".to_owned(),
        style: ButtonStyle::Primary,
    });
    Block::Buttons(buttons)
}

/// Someone's own goals for `period`: `/goals`, and the goal review's DM (`intro` says which).
pub fn own_goals(
    intro: &str,
    period: GoalPeriod,
    goals: &[Goal],
    parents: &HashMap<GoalId, String>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Message {
    let mut blocks = vec![Block::Header(format!("Your goals · {period}"))];
    if !intro.is_empty() {
        blocks.push(Block::Text(intro.to_owned()));
    }
    if goals.is_empty() {
        blocks.push(Block::Text(format!(
            "You have no goals for {period} yet. Set one with *Add a goal* or `/goals add`."
        )));
    }
    for goal in goals {
        blocks.push(Block::Text(paragraph(goal, parents)));
        if let Some(due) = due(goal, now) {
            blocks.push(Block::Context(due));
        }
    }
    blocks.push(Block::Context(quarter_ends(period, today)));
    blocks.push(buttons(goals, "me"));
    let open = goals
        .iter()
        .filter(|goal| !matches!(goal.status, GoalStatus::Done | GoalStatus::Dropped))
        .count();
    Message {
        summary: format!("Your goals for {period}: {} set, {open} open", goals.len()),
        blocks,
    }
}

/// A group of goals in the team view: a heading (a team's or a person's name) and goals.
pub struct Group<'a> {
    /// Whose.
    pub heading: String,
    /// Their goals.
    pub goals: Vec<&'a Goal>,
}

/// `/goals team`: the viewer's teams' goals and their members' and reports', a line each.
pub fn team_goals(period: GoalPeriod, groups: &[Group<'_>], today: NaiveDate) -> Message {
    let mut blocks = vec![Block::Header(format!("Your teams' goals · {period}"))];
    if groups.iter().all(|group| group.goals.is_empty()) {
        blocks.push(Block::Text(format!(
            "No goals for {period} in your teams yet."
        )));
    }
    for group in groups.iter().filter(|group| !group.goals.is_empty()) {
        let mut text = format!("**{}**", escape_markup(&group.heading));
        for goal in &group.goals {
            let _ = write!(
                text,
                "\n{} {} · {}",
                bar(goal.measure.progress()),
                escape_markup(&label(goal)),
                goal.status.label()
            );
        }
        blocks.push(Block::Text(text));
    }
    blocks.push(Block::Context(quarter_ends(period, today)));
    let count: usize = groups.iter().map(|group| group.goals.len()).sum();
    Message {
        summary: format!("Your teams' goals for {period}: {count}"),
        blocks,
    }
}

/// A single-line text field.
fn text_field(id: &str, label: &str, optional: bool, max_chars: usize) -> Field {
    Field {
        id: id.to_owned(),
        label: label.to_owned(),
        optional,
        input: Input::Text {
            multiline: false,
            max_chars,
            initial: None,
            placeholder: None,
        },
    }
}

fn with(mut field: Field, multiline: bool, initial: Option<String>, hint: Option<&str>) -> Field {
    if let Input::Text {
        multiline: lines,
        initial: first,
        placeholder,
        ..
    } = &mut field.input
    {
        *lines = multiline;
        *first = initial;
        *placeholder = hint.map(str::to_owned);
    }
    field
}

/// The form for a new goal, for `whose` (`me`, `team:Platform`, `company`), titled with
/// who it is for.
pub fn new_goal_form(whose: &str, heading: &str, period: GoalPeriod) -> Form {
    Form {
        action: CREATE.to_owned(),
        value: whose.to_owned(),
        title: truncate(heading, 45),
        submit: "Add goal".to_owned(),
        fields: vec![
            text_field("title", "What do you want to achieve?", false, 200),
            with(
                text_field("key_results", "Key results, one per line", true, 1_500),
                true,
                None,
                Some("Teams onboarded: 0 -> 20 teams (empty: a done/not-done goal)"),
            ),
            with(
                text_field("description", "Why it matters (optional)", true, 2_000),
                true,
                None,
                None,
            ),
            with(
                text_field("period", "Quarter", true, 10),
                false,
                None,
                Some(&format!("{period} if empty")),
            ),
            with(
                text_field("parent", "Contributes to goal # (optional)", true, 12),
                false,
                None,
                Some("#3"),
            ),
        ],
    }
}

/// How a key result is asked for in the progress form: its name, and the target.
fn result_field(index: usize, result: &KeyResult) -> Field {
    let unit = if result.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", result.unit)
    };
    with(
        text_field(&format!("kr{index}"), &result.name, false, 30),
        false,
        Some(number(result.current)),
        Some(&format!(
            "now (from {} to {}{unit})",
            number(result.start),
            number(result.target)
        )),
    )
}

/// The form to record `goal`'s progress, filled with where it stands.
pub fn progress_form(goal: &Goal) -> Form {
    let mut fields = match &goal.measure {
        Measure::KeyResults { results } if results.len() <= RESULT_FIELDS => results
            .iter()
            .enumerate()
            .map(|(index, result)| result_field(index, result))
            .collect(),
        Measure::KeyResults { results } => {
            let lines: Vec<String> = results
                .iter()
                .map(|result| format!("{}: {}", result.name, number(result.current)))
                .collect();
            vec![with(
                text_field("results", "Key results now, one per line", false, 2_000),
                true,
                Some(lines.join("\n")),
                None,
            )]
        }
        Measure::Check { done } => vec![Field {
            id: "done".to_owned(),
            label: "Done?".to_owned(),
            optional: false,
            input: Input::Choice {
                options: vec![
                    ("no".to_owned(), "Not done yet".to_owned()),
                    ("yes".to_owned(), "Done".to_owned()),
                ],
                initial: Some(if *done { "yes" } else { "no" }.to_owned()),
            },
        }],
    };
    fields.push(Field {
        id: "status".to_owned(),
        label: "Status".to_owned(),
        optional: false,
        input: Input::Choice {
            options: GoalStatus::ALL
                .iter()
                .map(|status| (status.as_str().to_owned(), status.label().to_owned()))
                .collect(),
            initial: Some(goal.status.as_str().to_owned()),
        },
    });
    fields.push(with(
        text_field("comment", "Comment (optional)", true, MAX_COMMENT_CHARS),
        true,
        None,
        Some("What moved, what is in the way"),
    ));
    Form {
        action: PROGRESS.to_owned(),
        value: goal.id.0.to_string(),
        title: truncate(&format!("Progress on #{}", goal.id.0), 45),
        submit: "Save".to_owned(),
        fields,
    }
}

/// What the owner sees once progress is saved.
pub fn saved(goal: &Goal) -> String {
    format!(
        "Saved: {} is {} at {}.",
        label(goal),
        goal.status.label().to_lowercase(),
        bar(goal.measure.progress())
    )
}

/// What the form for a new goal says once it is saved.
pub fn added(goal: &Goal) -> String {
    let measure = match &goal.measure {
        Measure::KeyResults { results } => format!("{} key results", results.len()),
        Measure::Check { .. } => "done/not done".to_owned(),
    };
    format!(
        "Goal {} set for {} ({measure}). Record progress from `/goals`; goal reviews will ask \
         for it too.",
        label(goal),
        goal.period
    )
}

/// The hint shown when key results cannot be read.
pub fn key_result_hint() -> String {
    format!("Write key results {KEY_RESULT_HINT}.")
}
