//! Goal progress written as text, a line per goal: the check-in question of kind `goals`.
//!
//! The form is filled with where each of the person's goals stands, and they edit the
//! numbers and the status in place:
//!
//! ```text
//! #12 Ship the new onboarding | on track | Teams onboarded: 12 of 20 teams | Docs: 4 of 10
//! #15 Write the handbook | at risk | done: no
//! ```
//!
//! Each line starts with the goal's number; the title after it is only for the reader. The
//! parts after it, split at `|`, are the status and one `name: value` per key result (or
//! `done: yes|no`), in any order; a part left out keeps its value, a line left out leaves its
//! goal as it is. Only goals whose numbers or status changed are recorded, so submitting the
//! same answers again records nothing.

use std::collections::HashSet;

use super::model::{GoalId, GoalStatus, Measure, number};
use super::parse::leading_number;
use crate::chat::truncate;
use crate::ports::Goal;

/// The longest text the question holds (Slack's limit on a text input).
pub const MAX_CHARS: usize = 3_000;
/// How much of a goal's title its line shows.
const TITLE_CHARS: usize = 40;

/// A change the text records: a goal's new measure and status.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Which goal.
    pub goal: GoalId,
    /// Its measure with the new values.
    pub measure: Measure,
    /// Its status.
    pub status: GoalStatus,
}

/// The line for `goal`, as the form shows it.
pub fn line(goal: &Goal) -> String {
    let title = truncate(&goal.title.as_str().replace('|', "/"), TITLE_CHARS);
    let mut parts = vec![
        format!("#{} {title}", goal.id.0),
        goal.status.label().to_lowercase(),
    ];
    match &goal.measure {
        Measure::KeyResults { results } => parts.extend(results.iter().map(|result| {
            let unit = if result.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", result.unit)
            };
            format!(
                "{}: {} of {}{unit}",
                result.name.replace('|', "/"),
                number(result.current),
                number(result.target)
            )
        })),
        Measure::Check { done } => {
            parts.push(format!("done: {}", if *done { "yes" } else { "no" }));
        }
    }
    parts.join(" | ")
}

/// The lines for `goals` (those not dropped), as many as fit in [`MAX_CHARS`].
pub fn lines(goals: &[Goal]) -> String {
    let mut text = String::new();
    for goal in goals
        .iter()
        .filter(|goal| goal.status != GoalStatus::Dropped)
    {
        let line = line(goal);
        if text.chars().count() + line.chars().count() + 1 > MAX_CHARS {
            break;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&line);
    }
    text
}

/// The changes `text` makes to `goals` (the person's own); on failure, every problem, one
/// sentence each, naming the line.
pub fn read(goals: &[Goal], text: &str) -> Result<Vec<Change>, String> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let at = format!("Line {}", n + 1);
        let id = line
            .strip_prefix('#')
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap_or("")
            })
            .and_then(|digits| digits.parse::<i64>().ok());
        let Some(id) = id else {
            problems.push(format!(
                "{at}: start it with the goal's number, such as `#12`."
            ));
            continue;
        };
        let Some(goal) = goals.iter().find(|goal| goal.id.0 == id) else {
            problems.push(format!(
                "{at}: #{id} is not one of your goals this quarter."
            ));
            continue;
        };
        if !seen.insert(id) {
            problems.push(format!(
                "{at}: #{id} is given twice; give each goal one line."
            ));
            continue;
        }
        match read_line(goal, line) {
            Ok(change) if change.measure != goal.measure || change.status != goal.status => {
                changes.push(change);
            }
            Ok(_) => {}
            Err(problem) => problems.push(format!("{at}: {problem}")),
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(problems.join(" "))
    }
}

/// The change one line makes to `goal`.
fn read_line(goal: &Goal, line: &str) -> Result<Change, String> {
    let mut measure = goal.measure.clone();
    let mut status = goal.status;
    for part in line.split('|').skip(1).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        if let Ok(read) = GoalStatus::parse(part) {
            status = read;
            continue;
        }
        let Some((name, value)) = part.rsplit_once(':') else {
            return Err(format!(
                "`{part}` is neither a status (on track, at risk, off track, done, dropped) \
                 nor `name: value`."
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        match &mut measure {
            Measure::Check { done } if name.eq_ignore_ascii_case("done") => {
                *done = match value.to_lowercase().as_str() {
                    "yes" | "y" | "done" | "true" => true,
                    "no" | "n" | "not done" | "false" => false,
                    _ => return Err(format!("write `done: yes` or `done: no`, not `{part}`.")),
                };
            }
            Measure::Check { .. } => {
                return Err(format!(
                    "#{} is a done/not-done goal: write `done: yes` or `done: no`.",
                    goal.id.0
                ));
            }
            Measure::KeyResults { results } => {
                let wanted = name.replace('/', "|");
                let Some(result) = results.iter_mut().find(|result| {
                    result.name.eq_ignore_ascii_case(name)
                        || result.name.eq_ignore_ascii_case(&wanted)
                }) else {
                    let names: Vec<&str> = match &goal.measure {
                        Measure::KeyResults { results } => {
                            results.iter().map(|result| result.name.as_str()).collect()
                        }
                        Measure::Check { .. } => Vec::new(),
                    };
                    return Err(format!(
                        "#{} has no key result `{name}`; its key results are {}.",
                        goal.id.0,
                        names.join(", ")
                    ));
                };
                result.current = leading_number(value)
                    .map_err(|_| format!("{name}: `{value}` is not a number."))?
                    .0;
            }
        }
    }
    Ok(Change {
        goal: goal.id,
        measure,
        status,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};

    use super::*;
    use crate::goals::{Direction, GoalOwner, GoalPeriod, GoalTitle, KeyResult};
    use crate::people::PersonId;

    fn goal(id: i64, title: &str, measure: Measure) -> Goal {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        Goal {
            id: GoalId(id),
            owner: GoalOwner::Person(PersonId(1)),
            period: GoalPeriod::parse("2026-Q1").unwrap(),
            title: GoalTitle::parse(title).unwrap(),
            description: None,
            weight: 1,
            parent: None,
            measure,
            status: GoalStatus::OnTrack,
            created_at: at,
            updated_at: at,
        }
    }

    fn goals() -> Vec<Goal> {
        let result = |name: &str, target: f64, unit: &str| {
            KeyResult::new(name, 0.0, target, unit, Direction::Increase).unwrap()
        };
        vec![
            goal(
                12,
                "Ship the new onboarding",
                Measure::KeyResults {
                    results: vec![
                        result("Teams onboarded", 20.0, "teams"),
                        result("Docs", 10.0, ""),
                    ],
                },
            ),
            goal(15, "Write the handbook", Measure::Check { done: false }),
        ]
    }

    #[test]
    fn the_form_shows_each_goal_on_a_line() {
        assert_eq!(
            lines(&goals()),
            "#12 Ship the new onboarding | on track | Teams onboarded: 0 of 20 teams | Docs: 0 of 10\n\
             #15 Write the handbook | on track | done: no"
        );
    }

    #[test]
    fn the_same_lines_back_change_nothing() {
        let goals = goals();
        assert_eq!(read(&goals, &lines(&goals)), Ok(Vec::new()));
        assert_eq!(read(&goals, ""), Ok(Vec::new()));
    }

    #[test]
    fn edited_numbers_and_statuses_are_changes() {
        let goals = goals();
        let changes = read(
            &goals,
            "#12 Ship | at risk | teams onboarded: 12 of 20 teams\n\n#15 | done: yes | done",
        )
        .unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].status, GoalStatus::AtRisk);
        let Measure::KeyResults { results } = &changes[0].measure else {
            panic!("{changes:?}")
        };
        assert_eq!(
            (results[0].current, results[1].current),
            (12.0, 0.0),
            "docs kept"
        );
        assert_eq!(changes[1].measure, Measure::Check { done: true });
        assert_eq!(changes[1].status, GoalStatus::Done);
    }

    #[test]
    fn every_bad_line_is_named() {
        let goals = goals();
        let problems = read(
            &goals,
            "Ship it\n#99 Someone else's\n#12 | Teams onboarded: lots\n#12 | Docs: 3\n\
             #15 | done: maybe",
        )
        .unwrap_err();
        for expected in [
            "Line 1: start it with the goal's number",
            "Line 2: #99 is not one of your goals this quarter.",
            "Line 3: Teams onboarded: `lots` is not a number.",
            "Line 4: #12 is given twice",
            "Line 5: write `done: yes` or `done: no`",
        ] {
            assert!(problems.contains(expected), "{expected}: {problems}");
        }
        let problems = read(&goals, "#12 | Velocity: 3\n#15 | on hold").unwrap_err();
        for expected in [
            "Line 1: #12 has no key result `Velocity`; its key results are Teams onboarded, Docs.",
            "Line 2: `on hold` is neither a status",
        ] {
            assert!(problems.contains(expected), "{expected}: {problems}");
        }
    }
}
