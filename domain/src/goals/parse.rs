//! Goals as people type them: key results one to a line (`Teams onboarded: 0 -> 20 teams`),
//! a parent goal (`#12`), and the `/goals` command's words.

use super::model::{Direction, GoalId, KeyResult, MAX_KEY_RESULTS, parse_number};
use crate::people::{Invalid, TeamName};

/// How a key result line is written, for hints and refusals.
pub const KEY_RESULT_HINT: &str = "one per line, such as `Teams onboarded: 0 -> 20 teams`, \
     `p99 latency: 300 down to 150 ms`, or `Customers interviewed: 12` (from 0)";

/// A `/goals` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoalsCommand {
    /// `/goals`: my goals this quarter.
    Mine,
    /// `/goals team`: my teams' goals and my reports'.
    Team,
    /// `/goals add [team NAME | company]`: the form for a new goal.
    Add(AddFor),
    /// `/goals help`.
    Help,
}

/// Whose goal `/goals add` sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddFor {
    /// The person asking.
    Me,
    /// A team (its managers and HR).
    Team(TeamName),
    /// The company (HR).
    Company,
}

/// What `/goals help` says.
pub const HELP: &str = "Goals for the quarter, with key results you update as you go.\n\
• /goals: your goals, their progress and what is due\n\
• /goals team: your teams' goals and your reports'\n\
• /goals add: set a goal of your own (a form)\n\
• /goals add team Platform, /goals add company: a team's goal (its managers) or the \
company's (HR)\n\
• /goals help: this message";

/// Reads `/goals`'s text. `Err` is the sentence to answer with.
pub fn command(text: &str) -> Result<GoalsCommand, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] | ["mine" | "me"] => Ok(GoalsCommand::Mine),
        ["team" | "teams"] => Ok(GoalsCommand::Team),
        ["help"] => Ok(GoalsCommand::Help),
        ["add"] => Ok(GoalsCommand::Add(AddFor::Me)),
        ["add", "company"] => Ok(GoalsCommand::Add(AddFor::Company)),
        ["add", "team", name @ ..] if !name.is_empty() => TeamName::parse(&name.join(" "))
            .map(|team| GoalsCommand::Add(AddFor::Team(team)))
            .map_err(|invalid| invalid.to_string()),
        ["add", ..] => Err(
            "Use `/goals add` for a goal of your own, `/goals add team Platform` for a team's, \
             or `/goals add company`."
                .to_owned(),
        ),
        [verb, ..] => Err(format!("I don't know `/goals {verb}`.\n{HELP}")),
    }
}

/// Reads key results, one to a line; blank lines are skipped. No lines is no key results
/// (a done/not-done goal). Each problem names its line.
pub fn key_results(text: &str) -> Result<Vec<KeyResult>, Invalid> {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    if lines.len() > MAX_KEY_RESULTS {
        return Err(Invalid::new(format!(
            "A goal has at most {MAX_KEY_RESULTS} key results; these are {}.",
            lines.len()
        )));
    }
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            key_result(line)
                .map_err(|invalid| Invalid::new(format!("Key result {}: {invalid}", index + 1)))
        })
        .collect()
}

/// Reads one key result: `NAME: START -> TARGET [UNIT]`, `NAME: START down to TARGET
/// [UNIT]`, or `NAME: TARGET [UNIT]` (from 0).
pub fn key_result(line: &str) -> Result<KeyResult, Invalid> {
    let Some((name, numbers)) = line.rsplit_once(':') else {
        return Err(Invalid::new(format!(
            "write it as `name: start -> target unit`, {KEY_RESULT_HINT}."
        )));
    };
    let numbers = numbers.trim();
    let (start, rest, direction) = match split_arrow(numbers) {
        Some((start, rest, direction)) => (parse_number(start)?, rest, direction),
        None => (0.0, numbers, Direction::Increase),
    };
    let (target, unit) = leading_number(rest)?;
    KeyResult::new(name, start, target, unit, direction)
}

/// `START -> REST`, `START → REST`, `START to REST`, or `START down to REST`.
fn split_arrow(text: &str) -> Option<(&str, &str, Direction)> {
    if let Some((start, rest)) = text.split_once(" down to ") {
        return Some((start, rest, Direction::Decrease));
    }
    ["->", "→", " to "].iter().find_map(|arrow| {
        text.split_once(arrow)
            .map(|(start, rest)| (start, rest, Direction::Increase))
    })
}

/// The number a text starts with, and the unit after it (`20 teams`, `45%`, `150ms`).
pub(super) fn leading_number(text: &str) -> Result<(f64, &str), Invalid> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '_')))
        .map_or(text.len(), |(at, _)| at);
    let value = parse_number(&text[..end])?;
    Ok((value, text[end..].trim()))
}

/// Reads a parent goal's id: `12` or `#12`; empty is none.
pub fn parent(text: &str) -> Result<Option<GoalId>, Invalid> {
    let text = text.trim().trim_start_matches('#');
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(|id| Some(GoalId(id)))
        .ok_or_else(|| {
            Invalid::new(format!(
                "`{text}` is not a goal number: give the number `/goals` shows, such as #12."
            ))
        })
}
