//! What a goal is: an owner, a quarter, a title, a weight, a parent it cascades from, and
//! how it is measured (key results, or a done/not-done check), each parsed once.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::people::{Invalid, PersonId, TeamName, string_newtype};

/// The shortest title.
const MIN_TITLE_CHARS: usize = 3;
/// The longest title.
const MAX_TITLE_CHARS: usize = 200;
/// The longest description.
const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// The longest key result name.
const MAX_RESULT_CHARS: usize = 150;
/// The longest unit.
const MAX_UNIT_CHARS: usize = 20;
/// The most key results a goal has.
pub const MAX_KEY_RESULTS: usize = 10;
/// The heaviest weight.
pub const MAX_WEIGHT: u32 = 100;

/// A goal's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct GoalId(pub i64);

/// What a goal sets out to do: 3 to 200 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GoalTitle(String);

impl GoalTitle {
    /// Reads a title; too short or too long is refused with a sentence saying so.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let title = input.trim();
        let length = title.chars().count();
        if length < MIN_TITLE_CHARS {
            return Err(Invalid::new(format!(
                "Give the goal a title of at least {MIN_TITLE_CHARS} characters."
            )));
        }
        if length > MAX_TITLE_CHARS {
            return Err(Invalid::new(format!(
                "Keep a goal's title to {MAX_TITLE_CHARS} characters; this one has {length}. \
                 The details go in its description."
            )));
        }
        Ok(Self(title.to_owned()))
    }

    /// The title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(GoalTitle);

/// Reads a goal's description: up to 2,000 characters, trimmed; empty is none.
pub fn description(input: &str) -> Result<Option<String>, Invalid> {
    let text = input.trim();
    let length = text.chars().count();
    if length > MAX_DESCRIPTION_CHARS {
        return Err(Invalid::new(format!(
            "Keep a goal's description to {MAX_DESCRIPTION_CHARS} characters; this one has \
             {length}."
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Reads a weight: a whole number from 1 to 100 (how much the goal counts in its owner's
/// achievement beside their others).
pub fn weight(input: &str) -> Result<u32, Invalid> {
    match input.trim().parse::<u32>() {
        Ok(weight) if (1..=MAX_WEIGHT).contains(&weight) => Ok(weight),
        _ => Err(Invalid::new(format!(
            "`{}` is not a weight: use a whole number from 1 to {MAX_WEIGHT}.",
            input.trim()
        ))),
    }
}

/// The quarter a goal belongs to, such as 2026-Q4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoalPeriod {
    year: i32,
    quarter: u32,
}

impl GoalPeriod {
    /// Reads `2026-Q4` (also `2026Q4`, `Q4 2026` and `q4-2026`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim().to_uppercase();
        let refused = || {
            Invalid::new(format!(
                "`{}` is not a quarter: write it as 2026-Q4.",
                input.trim()
            ))
        };
        let parts: Vec<&str> = text
            .split(['-', ' ', 'Q'])
            .filter(|part| !part.is_empty())
            .collect();
        let [first, second] = parts.as_slice() else {
            return Err(refused());
        };
        let (year, quarter) = if text.starts_with('Q') {
            (second, first)
        } else {
            (first, second)
        };
        let year: i32 = year.parse().map_err(|_| refused())?;
        let quarter: u32 = quarter.parse().map_err(|_| refused())?;
        if !(2000..=2100).contains(&year) || !(1..=4).contains(&quarter) || !text.contains('Q') {
            return Err(refused());
        }
        Ok(Self { year, quarter })
    }

    /// The quarter holding `date`.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            quarter: date.month0() / 3 + 1,
        }
    }

    /// The quarter it is at `now` in `zone`.
    pub fn current(now: DateTime<Utc>, zone: Tz) -> Self {
        Self::of(now.with_timezone(&zone).date_naive())
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.quarter - 1) * 3 + 1, 1)
            .expect("a quarter's first day exists")
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a quarter's last day exists")
    }

    /// The quarter after it.
    pub fn next(self) -> Self {
        if self.quarter == 4 {
            Self {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Self {
                quarter: self.quarter + 1,
                ..self
            }
        }
    }
}

impl std::fmt::Display for GoalPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// On course.
    OnTrack,
    /// Could miss.
    AtRisk,
    /// Will miss without a change.
    OffTrack,
    /// Achieved.
    Done,
    /// Given up on; counts in nobody's achievement.
    Dropped,
}

impl GoalStatus {
    /// Every status, in the order people pick from.
    pub const ALL: [Self; 5] = [
        Self::OnTrack,
        Self::AtRisk,
        Self::OffTrack,
        Self::Done,
        Self::Dropped,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::OffTrack => "off_track",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::OnTrack => "On track",
            Self::AtRisk => "At risk",
            Self::OffTrack => "Off track",
            Self::Done => "Done",
            Self::Dropped => "Dropped",
        }
    }

    /// Reads `on_track`, `on-track` or `on track` (any case).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim().to_lowercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{}` is not a goal status: use on_track, at_risk, off_track, done or \
                     dropped.",
                    input.trim()
                ))
            })
    }
}

/// Which way a key result's number should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Up, from start to a higher target (revenue, NPS).
    Increase,
    /// Down, from start to a lower target (churn, response time).
    Decrease,
}

impl Direction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Increase => "increase",
            Self::Decrease => "decrease",
        }
    }

    /// Reads `increase` or `decrease` (also `up` and `down`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match input.trim().to_lowercase().as_str() {
            "increase" | "up" => Ok(Self::Increase),
            "decrease" | "down" => Ok(Self::Decrease),
            other => Err(Invalid::new(format!(
                "`{other}` is not a direction: use increase or decrease."
            ))),
        }
    }
}

/// A measurable result: a number moving from `start` to `target`, now at `current`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyResult {
    /// What is measured ("Weekly active teams").
    pub name: String,
    /// Where it stood when the goal was set.
    pub start: f64,
    /// Where it should end.
    pub target: f64,
    /// Where it stands.
    pub current: f64,
    /// Its unit ("%", "teams", "ms"); may be empty.
    pub unit: String,
    /// Which way it should move.
    pub direction: Direction,
}

impl KeyResult {
    /// A key result starting at `start`; refused if its name is empty or too long, a number
    /// is not finite, or the target is not past the start in its direction (an increasing
    /// result whose target is below its start).
    pub fn new(
        name: &str,
        start: f64,
        target: f64,
        unit: &str,
        direction: Direction,
    ) -> Result<Self, Invalid> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_RESULT_CHARS {
            return Err(Invalid::new(format!(
                "Name each key result, in at most {MAX_RESULT_CHARS} characters."
            )));
        }
        let unit = unit.trim();
        if unit.chars().count() > MAX_UNIT_CHARS {
            return Err(Invalid::new(format!(
                "Keep a unit to {MAX_UNIT_CHARS} characters (`%`, `teams`, `ms`)."
            )));
        }
        if !start.is_finite() || !target.is_finite() {
            return Err(Invalid::new(format!(
                "“{name}”: start and target must be numbers."
            )));
        }
        match direction {
            Direction::Increase if target <= start => {
                return Err(Invalid::new(format!(
                    "“{name}” should increase, so its target ({}) must be above its start \
                     ({}). For a number that should go down, make it a decreasing key result.",
                    number(target),
                    number(start)
                )));
            }
            Direction::Decrease if target >= start => {
                return Err(Invalid::new(format!(
                    "“{name}” should decrease, so its target ({}) must be below its start \
                     ({}).",
                    number(target),
                    number(start)
                )));
            }
            _ => {}
        }
        Ok(Self {
            name: name.to_owned(),
            start,
            target,
            current: start,
            unit: unit.to_owned(),
            direction,
        })
    }

    /// How far from start to target it has come: 0 at the start (or behind it), 1 at the
    /// target (or beyond).
    pub fn progress(&self) -> f64 {
        let span = self.target - self.start;
        if span == 0.0 {
            return 0.0;
        }
        ((self.current - self.start) / span).clamp(0.0, 1.0)
    }

    /// `12 / 20 teams`.
    pub fn describe(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!("{} / {}{unit}", number(self.current), number(self.target))
    }
}

/// A number as people write it: `12`, `12.5`, `-3`.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Reads a number a person typed: `12`, `12.5`, `1,200`, `45%`.
pub fn parse_number(input: &str) -> Result<f64, Invalid> {
    let text: String = input
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(Invalid::new(format!("`{}` is not a number.", input.trim()))),
    }
}

/// How a goal is measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Measure {
    /// One to ten key results; the goal's progress is their mean.
    KeyResults {
        /// The results, in the order they were set.
        results: Vec<KeyResult>,
    },
    /// Done or not.
    Check {
        /// Whether it is done.
        done: bool,
    },
}

impl Measure {
    /// Key results, refused if there are none or more than ten.
    pub fn key_results(results: Vec<KeyResult>) -> Result<Self, Invalid> {
        if results.is_empty() || results.len() > MAX_KEY_RESULTS {
            return Err(Invalid::new(format!(
                "Give a goal 1 to {MAX_KEY_RESULTS} key results, or make it a done/not-done \
                 goal."
            )));
        }
        Ok(Self::KeyResults { results })
    }

    /// Its progress, from 0 to 1.
    pub fn progress(&self) -> f64 {
        match self {
            Self::KeyResults { results } => {
                let count = results.len().max(1) as f64;
                results.iter().map(KeyResult::progress).sum::<f64>() / count
            }
            Self::Check { done } => f64::from(u8::from(*done)),
        }
    }
}

/// Who a goal belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GoalOwner {
    /// A person.
    Person(PersonId),
    /// A team.
    Team(TeamName),
    /// The company: where the cascade starts.
    Company,
}
