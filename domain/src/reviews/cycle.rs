//! A review cycle as HR writes it: a policy file's `[[review_cycle]]` table (the CLI and
//! `/rhythm cycle create` build the same [`CycleSpec`]). Reading names every problem by
//! cycle and key, so one run of `rhythm schedule apply --dry-run` shows them all.
//!
//! ```toml
//! [[review_cycle]]
//! name = "2026 H2"
//! participants = "everyone"            # team:NAME | reports:EMAIL | people:EMAIL,EMAIL
//! anonymous_peers = true
//! min_responses = 5                    # peers needed before their answers show (at least 3)
//! nominations = { min = 3, max = 5 }
//! score = { self = 0, peers = 1, manager = 2 }
//! reminders = ["-7d", "-1d", "0d"]     # around each phase's deadline
//! deadlines = { nominations = "2026-12-01", self_reviews = "2026-12-08", peer_reviews = "2026-12-15", manager_reviews = "2026-12-20", release = "2027-01-08" }
//!
//! [[review_cycle.section]]
//! title = "Craft"
//! weight = 2
//!
//! [[review_cycle.section.question]]
//! id = "quality"
//! prompt = "Quality of their work"
//! kind = "rating"                      # rating (levels) | text
//! levels = ["Often needs rework", "Needs some rework", "Solid", "Raises the bar", "Sets the bar"]
//! for = "all"                          # all | self | peers | manager
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::anonymity::{DEFAULT_K, MIN_K};
use super::form::{Answer, Asked, Form, MAX_TEXT_CHARS, Question, Section};
use super::model::{Deadlines, Nominations, Phase};
use super::score::Formula;
use crate::people::Invalid;
use crate::schedule::{Audience, Offset, parse_date};

/// The longest cycle name.
pub const MAX_NAME_CHARS: usize = 80;

/// A review cycle as HR set it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleSpec {
    /// Its name, unique: its identity across applies.
    pub name: String,
    /// Who is reviewed: everyone, a team, a manager's reports or named people.
    pub participants: Audience,
    /// Each phase's last day.
    pub deadlines: Deadlines,
    /// The form every review fills.
    pub form: Form,
    /// Whether peer answers are shown only in aggregate, without names.
    pub anonymous_peers: bool,
    /// How many peers must answer before their answers show (at least 3).
    pub min_responses: usize,
    /// How many peers each participant nominates.
    pub nominations: Nominations,
    /// How ratings become scores.
    pub formula: Formula,
    /// Reminders around each phase's deadline, to whoever still owes something.
    pub reminders: Vec<Offset>,
}

/// How a cycle's spec is stored: its name in a column of its own, the rest as this
/// document.
#[derive(Serialize, Deserialize)]
struct Stored {
    participants: String,
    deadlines: Deadlines,
    form: Form,
    anonymous_peers: bool,
    min_responses: usize,
    nominations: Nominations,
    formula: Formula,
    reminders: Vec<String>,
}

impl CycleSpec {
    /// Everything but the name, as the store keeps it.
    pub fn to_stored(&self) -> serde_json::Value {
        let stored = Stored {
            participants: self.participants.to_string(),
            deadlines: self.deadlines.clone(),
            form: self.form.clone(),
            anonymous_peers: self.anonymous_peers,
            min_responses: self.min_responses,
            nominations: self.nominations,
            formula: self.formula,
            reminders: self.reminders.iter().map(ToString::to_string).collect(),
        };
        serde_json::to_value(stored).unwrap_or_default()
    }

    /// Reads back what [`Self::to_stored`] wrote, named `name`.
    pub fn from_stored(name: &str, value: serde_json::Value) -> Result<Self, Invalid> {
        let stored: Stored = serde_json::from_value(value)
            .map_err(|error| Invalid::new(format!("the stored cycle `{name}`: {error}")))?;
        let reminders = stored
            .reminders
            .iter()
            .map(|text| Offset::parse(text))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            name: name.to_owned(),
            participants: Audience::parse(&stored.participants)?,
            deadlines: stored.deadlines,
            form: stored.form,
            anonymous_peers: stored.anonymous_peers,
            min_responses: stored.min_responses,
            nominations: stored.nominations,
            formula: stored.formula,
            reminders,
        })
    }
}

/// A `[[review_cycle]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CycleDoc {
    #[serde(default)]
    name: String,
    #[serde(default)]
    participants: String,
    #[serde(default = "yes")]
    anonymous_peers: bool,
    min_responses: Option<usize>,
    nominations: Option<NominationsDoc>,
    score: Option<ScoreDoc>,
    reminders: Option<Vec<String>>,
    #[serde(default)]
    deadlines: BTreeMap<String, String>,
    #[serde(default)]
    section: Vec<SectionDoc>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct NominationsDoc {
    min: u32,
    max: u32,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreDoc {
    #[serde(rename = "self", default)]
    self_weight: u32,
    #[serde(rename = "peers", default)]
    peer_weight: u32,
    #[serde(rename = "manager", default)]
    manager_weight: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionDoc {
    #[serde(default)]
    title: String,
    #[serde(default = "one")]
    weight: u32,
    #[serde(default)]
    question: Vec<QuestionDoc>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionDoc {
    #[serde(default)]
    id: String,
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    kind: String,
    levels: Option<Vec<String>>,
    #[serde(rename = "for")]
    asked: Option<String>,
    #[serde(default = "one")]
    weight: u32,
    #[serde(default)]
    optional: bool,
    max_chars: Option<usize>,
}

/// Reads every `[[review_cycle]]`, pushing each problem onto `found` as
/// `review_cycle \`NAME\`: key: problem`.
pub fn read_cycles(docs: &[CycleDoc], found: &mut Vec<String>) -> Vec<CycleSpec> {
    let mut names = std::collections::HashSet::new();
    let mut cycles = Vec::new();
    for doc in docs {
        let name = doc.name.trim();
        let at = format!("review_cycle `{name}`");
        if !name.is_empty() && !names.insert(name.to_owned()) {
            found.push(format!("{at} is defined twice; names must be unique"));
            continue;
        }
        match doc.read() {
            Ok(cycle) => cycles.push(cycle),
            Err(problems) => found.extend(problems.iter().map(|p| format!("{at}: {p}"))),
        }
    }
    cycles
}

impl CycleDoc {
    /// The cycle, or every problem, each naming its key.
    pub fn read(&self) -> Result<CycleSpec, Vec<Invalid>> {
        let mut problems = Vec::new();
        let mut note = |text: String| problems.push(Invalid::new(text));
        let name = self.name.trim();
        let length = name.chars().count();
        if length == 0 || length > MAX_NAME_CHARS {
            note(format!(
                "name: give the cycle a name of 1 to {MAX_NAME_CHARS} characters"
            ));
        }
        let participants = match Audience::parse(&self.participants) {
            Ok(Audience::Channel(_)) => {
                note(
                    "participants: a channel is not a list of people: use everyone, \
                      team:NAME, reports:EMAIL or people:EMAIL,EMAIL"
                        .to_owned(),
                );
                None
            }
            Ok(audience) => Some(audience),
            Err(invalid) => {
                note(format!("participants: {invalid}"));
                None
            }
        };
        let min_responses = self.min_responses.unwrap_or(DEFAULT_K);
        if min_responses < MIN_K {
            note(format!(
                "min_responses: {min_responses} would let too few answers point to a \
                 reviewer; use at least {MIN_K}"
            ));
        }
        let nominations = match self.nominations {
            None => Some(Nominations::default()),
            Some(doc) => Nominations::new(doc.min, doc.max)
                .map_err(|invalid| note(invalid.to_string()))
                .ok(),
        };
        let formula = self.score.map_or_else(Formula::default, |doc| Formula {
            self_weight: doc.self_weight,
            peer_weight: doc.peer_weight,
            manager_weight: doc.manager_weight,
        });
        if formula.self_weight + formula.peer_weight + formula.manager_weight == 0 {
            note("score: give at least one of self, peers and manager a weight".to_owned());
        }
        let mut reminders = Vec::new();
        for text in self
            .reminders
            .clone()
            .unwrap_or_else(|| vec!["-7d".into(), "-1d".into(), "0d".into()])
        {
            match Offset::parse(&text) {
                Ok(offset) => reminders.push(offset),
                Err(invalid) => note(format!("reminders: {invalid}")),
            }
        }
        let deadlines = self.deadlines(&mut note);
        let form = self.form(&mut note);
        let (Some(participants), Some(nominations), Some(deadlines), Some(form), true) = (
            participants,
            nominations,
            deadlines,
            form,
            problems.is_empty(),
        ) else {
            return Err(problems);
        };
        Ok(CycleSpec {
            name: name.to_owned(),
            participants,
            deadlines,
            form,
            anonymous_peers: self.anonymous_peers,
            min_responses,
            nominations,
            formula,
            reminders,
        })
    }

    fn deadlines(&self, note: &mut impl FnMut(String)) -> Option<Deadlines> {
        let mut dates = BTreeMap::new();
        let mut read = true;
        for (key, text) in &self.deadlines {
            let phase = Phase::parse(key);
            let date = parse_date(text, "the date");
            match (phase, date) {
                (Ok(phase), Ok(date)) => {
                    dates.insert(phase, date);
                }
                (Err(invalid), _) | (_, Err(invalid)) => {
                    note(format!("deadlines: {key}: {invalid}"));
                    read = false;
                }
            }
        }
        match Deadlines::new(dates) {
            Ok(deadlines) => read.then_some(deadlines),
            Err(problems) => {
                problems.iter().for_each(|p| note(p.to_string()));
                None
            }
        }
    }

    fn form(&self, note: &mut impl FnMut(String)) -> Option<Form> {
        let mut sections = Vec::new();
        let mut read = true;
        for section in &self.section {
            let mut questions = Vec::new();
            for question in &section.question {
                match question.read() {
                    Ok(question) => questions.push(question),
                    Err(problem) => {
                        note(format!(
                            "section `{}`: question `{}`: {problem}",
                            section.title, question.id
                        ));
                        read = false;
                    }
                }
            }
            sections.push(Section {
                title: section.title.trim().to_owned(),
                weight: section.weight,
                questions,
            });
        }
        if !read {
            return None;
        }
        match (Form { sections }).check() {
            Ok(form) => Some(form),
            Err(problems) => {
                problems.iter().for_each(|p| note(p.to_string()));
                None
            }
        }
    }
}

impl QuestionDoc {
    /// The question; what [`Form::check`] checks is left to it.
    fn read(&self) -> Result<Question, String> {
        let asked = match self.asked.as_deref().map(str::trim) {
            None | Some("all") => Asked::All,
            Some("self") => Asked::SelfOnly,
            Some("peers") => Asked::Peers,
            Some("manager") => Asked::Manager,
            Some(other) => {
                return Err(format!(
                    "for: `{other}` is not a reviewer: use all, self, peers or manager"
                ));
            }
        };
        let answer = match (self.kind.trim(), &self.levels, self.max_chars) {
            ("rating", Some(levels), None) => Answer::Rating {
                anchors: levels.iter().map(|level| level.trim().to_owned()).collect(),
            },
            ("rating", None, _) => {
                return Err(
                    "levels: a rating describes each of its levels, lowest first, \
                            as levels = [\"…\", \"…\"]"
                        .to_owned(),
                );
            }
            ("rating", Some(_), Some(_)) => {
                return Err("max_chars: only a text question has max_chars".to_owned());
            }
            ("text", None, max_chars) => Answer::Text {
                max_chars: max_chars.unwrap_or(MAX_TEXT_CHARS),
            },
            ("text", Some(_), _) => {
                return Err("levels: only a rating has levels".to_owned());
            }
            (other, _, _) => {
                return Err(format!(
                    "kind: `{other}` is not a question kind: use rating or text"
                ));
            }
        };
        Ok(Question {
            id: self.id.trim().to_owned(),
            prompt: self.prompt.trim().to_owned(),
            answer,
            asked,
            weight: self.weight,
            optional: self.optional,
        })
    }
}

#[cfg(test)]
mod tests;
