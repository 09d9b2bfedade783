//! `[[checkin_template]]` tables: check-in templates as code.
//!
//! Reading names every problem by template and key (`checkin_template \`weekly\`: question
//! \`mood\`: labels: …`). Applying compares the file's templates with the stored ones:
//!
//! - a template is upserted by name, in the same transaction as the schedules;
//! - a template left out of the file is kept, never deleted: check-ins already asked name
//!   their template, and their answers are read against it;
//! - a template named `default` replaces the built-in one, for every schedule that names no
//!   template and for `/checkin`. Like any other, it stays once written: to go back, write
//!   the built-in questions out (`rhythm schedule templates` shows them).

use std::collections::{BTreeSet, HashSet};
use std::ops::RangeInclusive;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::Policy;
use crate::checkin::template::{MAX_PROMPT_CHARS, MAX_QUESTIONS};
use crate::checkin::{Question, QuestionKind, Template, Visibility};
use crate::schedule::ScheduleKind;

/// A `[[checkin_template]]` table as written. Missing ids and prompts are read as empty, so
/// that they are reported with every other problem rather than one TOML error at a time.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TemplateDoc {
    name: String,
    visibility: Option<String>,
    /// A string ("17:00") or a TOML local time (17:00:00).
    closes: Option<toml::Value>,
    #[serde(default)]
    questions: Vec<QuestionDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionDoc {
    #[serde(default)]
    id: String,
    #[serde(default)]
    prompt: String,
    kind: Option<String>,
    labels: Option<Vec<String>>,
    options: Option<Vec<String>>,
    #[serde(default)]
    optional: bool,
}

/// Reads every `[[checkin_template]]`, pushing each problem onto `found`.
pub(super) fn read_templates(docs: &[TemplateDoc], found: &mut Vec<String>) -> Vec<Template> {
    let mut names = HashSet::new();
    let mut templates = Vec::new();
    for doc in docs {
        let name = doc.name.trim();
        if !name.is_empty() && !names.insert(name) {
            found.push(format!(
                "checkin_template `{name}` is defined twice; names must be unique"
            ));
            continue;
        }
        let mut problems = Vec::new();
        let template = doc.read(&mut problems);
        found.extend(
            problems
                .into_iter()
                .map(|problem| format!("checkin_template `{name}`: {problem}")),
        );
        templates.extend(template);
    }
    templates
}

impl TemplateDoc {
    /// The template, or `None` with its problems (each `key: problem`) in `problems`.
    fn read(&self, problems: &mut Vec<String>) -> Option<Template> {
        let name = self.name.trim();
        if name.is_empty() {
            problems.push("name: a check-in template needs a name".to_owned());
        }
        let visibility = match self.visibility.as_deref().map(str::trim) {
            None => Some(Visibility::default()),
            Some(text) => match text.to_ascii_lowercase().as_str() {
                "team" => Some(Visibility::Team),
                "manager" => Some(Visibility::Manager),
                _ => {
                    problems.push(format!(
                        "visibility: unknown visibility `{text}`; use team (the digest shows the answers) or manager (only the person, their managers and HR)"
                    ));
                    None
                }
            },
        };
        let closes = match &self.closes {
            None => Some(Template::default_template().closes),
            Some(value) => {
                let closes = time_of_day(value);
                if closes.is_none() {
                    problems.push(format!(
                        "closes: {value} is not a time of day: write it as \"17:00\""
                    ));
                }
                closes
            }
        };
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            problems.push(format!(
                "questions: {} given; give 1 to {MAX_QUESTIONS} (a form shows at most {MAX_QUESTIONS})",
                self.questions.len()
            ));
        }
        let mut ids = HashSet::new();
        let questions: Vec<Option<Question>> = self
            .questions
            .iter()
            .enumerate()
            .map(|(n, question)| {
                let at = match question.id.trim() {
                    "" => format!("question {}", n + 1),
                    id => format!("question `{id}`"),
                };
                let mut found = Vec::new();
                let read = question.read(&mut ids, &mut found);
                problems.extend(found.into_iter().map(|problem| format!("{at}: {problem}")));
                read
            })
            .collect();
        let template = Template {
            name: name.to_owned(),
            visibility: visibility?,
            closes: closes?,
            questions: questions.into_iter().collect::<Option<Vec<_>>>()?,
        };
        if !problems.is_empty() {
            return None;
        }
        // The domain's own check is the authority; it finds nothing the reader did not,
        // unless it learned a rule the reader has not.
        template
            .check()
            .map_err(|invalid| problems.extend(invalid.iter().map(ToString::to_string)))
            .ok()
    }
}

impl QuestionDoc {
    /// The question, or `None` with its problems (each `key: problem`) in `problems`;
    /// `ids` are the ids of the template's questions so far.
    fn read(&self, ids: &mut HashSet<String>, problems: &mut Vec<String>) -> Option<Question> {
        let before = problems.len();
        let id = self.id.trim();
        if id.is_empty() {
            problems.push("id: missing; give a short key such as \"done\"".to_owned());
        } else if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problems.push(format!(
                "id: `{id}` must be lower-case letters, digits or _, such as \"done\""
            ));
        } else if !ids.insert(id.to_owned()) {
            problems.push(format!(
                "id: `{id}` is used twice; give each question its own id"
            ));
        }
        let prompt = self.prompt.trim();
        match prompt.chars().count() {
            0 => problems.push(format!(
                "prompt: missing; say what the question asks, in at most {MAX_PROMPT_CHARS} characters"
            )),
            chars if chars > MAX_PROMPT_CHARS => problems.push(format!(
                "prompt: {chars} characters; keep it to {MAX_PROMPT_CHARS} (the longest label a Discord form shows)"
            )),
            _ => {}
        }
        let kind = self.kind(problems)?;
        (problems.len() == before).then(|| Question {
            id: id.to_owned(),
            prompt: prompt.to_owned(),
            kind,
            optional: self.optional,
        })
    }

    /// `kind` (default `text`) with the `labels` or `options` it needs, and no others.
    fn kind(&self, problems: &mut Vec<String>) -> Option<QuestionKind> {
        let kind = self
            .kind
            .as_deref()
            .map_or("text".to_owned(), |kind| kind.trim().to_ascii_lowercase());
        let read = match kind.as_str() {
            "text" => Some(QuestionKind::Text),
            "blocker" => Some(QuestionKind::Blocker),
            "goals" => Some(QuestionKind::Goals),
            "scale" => list(
                "labels",
                self.labels.as_deref(),
                (5..=5, "a scale needs 5 labels, worst first, for 1 to 5"),
                problems,
            )
            .map(|labels| QuestionKind::Scale { labels }),
            "choice" => list(
                "options",
                self.options.as_deref(),
                (2..=25, "a choice needs 2 to 25 options"),
                problems,
            )
            .map(|options| QuestionKind::Choice { options }),
            other => {
                problems.push(format!(
                    "kind: unknown question kind `{other}`; use text, scale, choice, blocker or goals"
                ));
                return None;
            }
        };
        if self.labels.is_some() && kind != "scale" {
            problems.push(format!(
                "labels: only a scale has labels; this question is kind = \"{kind}\""
            ));
        }
        if self.options.is_some() && kind != "choice" {
            problems.push(format!(
                "options: only a choice has options; this question is kind = \"{kind}\""
            ));
        }
        read
    }
}

/// A scale's labels or a choice's options: as many as `wanted` says, none of them empty.
fn list(
    key: &str,
    given: Option<&[String]>,
    (wanted, needs): (RangeInclusive<usize>, &str),
    problems: &mut Vec<String>,
) -> Option<Vec<String>> {
    let items: Vec<String> = given
        .unwrap_or_default()
        .iter()
        .map(|item| item.trim().to_owned())
        .collect();
    if !wanted.contains(&items.len()) {
        problems.push(format!("{key}: {needs}; {} given", items.len()));
        None
    } else if let Some(n) = items.iter().position(String::is_empty) {
        problems.push(format!("{key}: the {} is empty", ordinal(n + 1)));
        None
    } else {
        Some(items)
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `"17:00"`, `"17:00:00"`, or a TOML local time.
fn time_of_day(value: &toml::Value) -> Option<NaiveTime> {
    match value {
        toml::Value::String(text) => {
            let text = text.trim();
            NaiveTime::parse_from_str(text, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
                .ok()
        }
        toml::Value::Datetime(datetime) if datetime.date.is_none() => {
            let time = datetime.time?;
            NaiveTime::from_hms_nano_opt(
                time.hour.into(),
                time.minute.into(),
                time.second.into(),
                time.nanosecond,
            )
        }
        _ => None,
    }
}

/// What applying a policy does to the stored check-in templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TemplateChanges {
    /// New templates.
    pub created: Vec<String>,
    /// Changed templates, with the keys that changed.
    pub updated: Vec<UpdatedTemplate>,
    /// Stored templates no longer in the file: kept, since check-ins already asked name
    /// them.
    pub kept: Vec<String>,
    /// Templates that already matched the file.
    pub unchanged: usize,
}

impl TemplateChanges {
    /// Whether the file and the database hold no templates at all.
    pub fn is_empty(&self) -> bool {
        self.created.is_empty()
            && self.updated.is_empty()
            && self.kept.is_empty()
            && self.unchanged == 0
    }
}

/// A changed template in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdatedTemplate {
    /// Its name.
    pub name: String,
    /// The keys that changed: `visibility`, `closes`, `questions`.
    pub keys: Vec<String>,
}

impl Policy {
    /// What writing the file's templates over the `stored` ones changes, and the templates
    /// to write (upserted by name; none is deleted).
    ///
    /// Refused, naming schedule and template, if a check-in schedule names a template that
    /// is neither in the file, nor stored, nor the built-in `default`: the check-in would
    /// otherwise quietly ask the default questions.
    pub fn plan_templates(
        &self,
        stored: &[Template],
    ) -> Result<(TemplateChanges, Vec<Template>), Vec<String>> {
        let known: BTreeSet<&str> = self
            .templates
            .iter()
            .chain(stored)
            .map(|template| template.name.as_str())
            .chain(["default"])
            .collect();
        let missing: Vec<String> = self
            .schedules
            .iter()
            .filter(|schedule| {
                schedule.kind == ScheduleKind::CheckIn
                    && !known.contains(schedule.template.as_str())
            })
            .map(|schedule| {
                format!(
                    "schedule `{}`: template: no check-in template named `{}`; define it with [[checkin_template]] in the policy file, or name one of: {}",
                    schedule.name,
                    schedule.template,
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut changes = TemplateChanges::default();
        let mut write = Vec::new();
        for template in &self.templates {
            match stored.iter().find(|old| old.name == template.name) {
                None => changes.created.push(template.name.clone()),
                Some(old) if old == template => {
                    changes.unchanged += 1;
                    continue;
                }
                Some(old) => changes.updated.push(UpdatedTemplate {
                    name: template.name.clone(),
                    keys: changed_keys(old, template),
                }),
            }
            write.push(template.clone());
        }
        let in_file: HashSet<&str> = self.templates.iter().map(|t| t.name.as_str()).collect();
        changes.kept = stored
            .iter()
            .filter(|old| !in_file.contains(old.name.as_str()))
            .map(|old| old.name.clone())
            .collect();
        Ok((changes, write))
    }
}

/// The keys whose values differ between two templates.
fn changed_keys(old: &Template, new: &Template) -> Vec<String> {
    let as_map = |template: &Template| match serde_json::to_value(template) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (as_map(old), as_map(new));
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|key| old.get(*key) != new.get(*key))
        .map(ToString::to_string)
        .collect()
}
