//! Check-in templates: the questions a check-in asks, who may see the answers, and when the
//! answer window closes.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::people::Invalid;

/// Discord's limit on a modal's labels; templates keep to it so they work on both platforms.
pub const MAX_PROMPT_CHARS: usize = 45;
/// A form shows at most this many questions (Discord's limit on a modal's inputs).
pub const MAX_QUESTIONS: usize = 5;
/// The longest text answer kept.
pub const MAX_ANSWER_CHARS: usize = 1_000;

/// Who may read a check-in's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The team: the digest shows the answers.
    #[default]
    Team,
    /// Only the person, their manager chain and HR.
    Manager,
}

/// How a question is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum QuestionKind {
    /// Free text.
    Text,
    /// 1 to 5, with a label for each (worst first), such as mood or confidence.
    Scale {
        /// Five labels, for 1 to 5.
        labels: Vec<String>,
    },
    /// One of a few options.
    Choice {
        /// The options.
        options: Vec<String>,
    },
    /// Free text; any answer flags a blocker, called out in the digest.
    Blocker,
    /// The person's goals for the quarter, a line each, filled with where they stand; the
    /// numbers and statuses edited in place are recorded as goal updates, as the goal
    /// review's form records them (see [`crate::goals::progress`]). Always optional: left as
    /// it was, or emptied, it records nothing.
    Goals,
}

/// One question.
///
/// No `deny_unknown_fields` here: serde does not support it next to `flatten` (it refuses
/// the flattened `kind` itself, so no stored template could be read back). Policy files are
/// read strictly by `schedule::Policy`, which refuses unknown keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its key in the answers: short, lower case, such as `done`.
    pub id: String,
    /// What it asks, at most 45 characters.
    pub prompt: String,
    /// How it is answered.
    #[serde(flatten)]
    pub kind: QuestionKind,
    /// Whether it may be left empty.
    #[serde(default)]
    pub optional: bool,
}

/// A check-in template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Its name; schedules point to it with `template = "NAME"`.
    pub name: String,
    /// Who may read the answers.
    #[serde(default)]
    pub visibility: Visibility,
    /// When the answer window closes, local time, on the day of the check-in.
    #[serde(default = "default_closes")]
    pub closes: NaiveTime,
    /// The questions, in order.
    pub questions: Vec<Question>,
}

fn default_closes() -> NaiveTime {
    NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default()
}

impl Template {
    /// The template every check-in uses unless its schedule names another.
    pub fn default_template() -> Self {
        let question = |id: &str, prompt: &str, kind, optional| Question {
            id: id.to_owned(),
            prompt: prompt.to_owned(),
            kind,
            optional,
        };
        let mood = ["Rough", "Meh", "Okay", "Good", "Great"]
            .map(str::to_owned)
            .to_vec();
        Self {
            name: "default".to_owned(),
            visibility: Visibility::Team,
            closes: default_closes(),
            questions: vec![
                question(
                    "mood",
                    "How are you feeling?",
                    QuestionKind::Scale { labels: mood },
                    false,
                ),
                question("done", "What did you get done?", QuestionKind::Text, false),
                question("next", "What's next?", QuestionKind::Text, false),
                question(
                    "blockers",
                    "Anything blocking you?",
                    QuestionKind::Blocker,
                    true,
                ),
            ],
        }
    }

    /// Checks what serde cannot: names, limits, labels and options.
    pub fn check(self) -> Result<Self, Vec<Invalid>> {
        let mut problems = Vec::new();
        let mut problem = |text: String| problems.push(Invalid::new(text));
        if self.name.trim().is_empty() {
            problem("a check-in template needs a name".to_owned());
        }
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            problem(format!(
                "template `{}` has {} questions; give 1 to {MAX_QUESTIONS} (a form shows at most {MAX_QUESTIONS})",
                self.name,
                self.questions.len()
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for question in &self.questions {
            let id = &question.id;
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                problem(format!(
                    "question id `{id}` must be lower-case letters, digits or _"
                ));
            }
            if !seen.insert(id.clone()) {
                problem(format!("question id `{id}` is used twice"));
            }
            let chars = question.prompt.chars().count();
            if chars == 0 || chars > MAX_PROMPT_CHARS {
                problem(format!(
                    "question `{id}`: the prompt has {chars} characters; give 1 to {MAX_PROMPT_CHARS}"
                ));
            }
            match &question.kind {
                QuestionKind::Scale { labels } if labels.len() != 5 => problem(format!(
                    "question `{id}`: a scale needs 5 labels, for 1 to 5"
                )),
                QuestionKind::Choice { options } if !(2..=25).contains(&options.len()) => {
                    problem(format!("question `{id}`: a choice needs 2 to 25 options"));
                }
                _ => {}
            }
        }
        let goals = self
            .questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Goals)
            .count();
        if goals > 1 {
            problem(format!(
                "template `{}` has {goals} goal progress questions; one lists every goal",
                self.name
            ));
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// The question that flags blockers, if the template has one.
    pub fn blocker(&self) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.kind == QuestionKind::Blocker)
    }

    /// The goal progress question, if the template has one.
    pub fn goals(&self) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.kind == QuestionKind::Goals)
    }

    /// The first scale question (mood), if any.
    pub fn scale(&self) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| matches!(q.kind, QuestionKind::Scale { .. }))
    }
}
