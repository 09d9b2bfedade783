//! A review cycle's form: sections of questions, each a rating on the form's scale with a
//! behaviourally anchored description for every level (BARS), or text; a question may be
//! asked of everyone, or only in self, peer or manager reviews. Stored as one document
//! with its cycle, read from a policy file's `[[review_cycle.section]]` tables.

use serde::{Deserialize, Serialize};

use crate::people::Invalid;

/// Discord's limit on a modal's labels: a question's prompt is a field's label.
pub const MAX_PROMPT_CHARS: usize = 45;
/// The most sections a form has.
pub const MAX_SECTIONS: usize = 10;
/// The most questions a section has.
pub const MAX_QUESTIONS: usize = 10;
/// The longest text answer, unless a question says less (Discord's longest text input).
pub const MAX_TEXT_CHARS: usize = 4_000;
/// The longest description of one level of a scale.
pub const MAX_ANCHOR_CHARS: usize = 150;

/// Which reviews ask a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Asked {
    /// Self, peer and manager reviews.
    #[default]
    All,
    /// The self-review only.
    SelfOnly,
    /// Peer reviews only.
    Peers,
    /// The manager's review only.
    Manager,
}

/// Which review is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reviewer {
    /// The person about themselves.
    SelfReview,
    /// A peer they nominated (and their manager approved).
    Peer,
    /// Their manager.
    Manager,
}

impl Reviewer {
    /// The stored name: `self`, `peer` or `manager`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfReview => "self",
            Self::Peer => "peer",
            Self::Manager => "manager",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "self" => Some(Self::SelfReview),
            "peer" => Some(Self::Peer),
            "manager" => Some(Self::Manager),
            _ => None,
        }
    }
}

impl Asked {
    /// Whether `reviewer`'s review asks it.
    pub fn asks(self, reviewer: Reviewer) -> bool {
        matches!(
            (self, reviewer),
            (Self::All, _)
                | (Self::SelfOnly, Reviewer::SelfReview)
                | (Self::Peers, Reviewer::Peer)
                | (Self::Manager, Reviewer::Manager)
        )
    }
}

/// How a question is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// A level of the form's scale, 1 to the number of anchors.
    Rating {
        /// What each level looks like in behaviour, lowest first.
        anchors: Vec<String>,
    },
    /// Free text, up to `max_chars`.
    Text {
        /// The longest answer.
        max_chars: usize,
    },
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its key in the answers: lower-case letters, digits, `_`.
    pub id: String,
    /// What it asks, at most [`MAX_PROMPT_CHARS`].
    pub prompt: String,
    /// How it is answered.
    pub answer: Answer,
    /// Which reviews ask it.
    pub asked: Asked,
    /// Its weight in its section's score (ratings only).
    pub weight: u32,
    /// Whether it may be left empty.
    pub optional: bool,
}

/// A section of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Its title ("Craft", "Collaboration").
    pub title: String,
    /// Its weight in the overall score.
    pub weight: u32,
    /// Its questions, in order.
    pub questions: Vec<Question>,
}

/// A review form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// Its sections, in order.
    pub sections: Vec<Section>,
}

impl Form {
    /// Checks what types cannot: ids, lengths, limits, one scale for every rating (so that
    /// scores can be averaged), weights. On failure, every problem, each naming its
    /// section and question.
    pub fn check(self) -> Result<Self, Vec<Invalid>> {
        let mut problems = Vec::new();
        let mut problem = |text: String| problems.push(Invalid::new(text));
        if self.sections.is_empty() || self.sections.len() > MAX_SECTIONS {
            problem(format!(
                "a review form has 1 to {MAX_SECTIONS} sections; this one has {}",
                self.sections.len()
            ));
        }
        let mut ids = std::collections::HashSet::new();
        let mut scale = None;
        for section in &self.sections {
            let at = format!("section `{}`", section.title);
            if section.title.trim().is_empty() {
                problem("a section needs a title".to_owned());
            }
            if section.questions.is_empty() || section.questions.len() > MAX_QUESTIONS {
                problem(format!(
                    "{at}: give 1 to {MAX_QUESTIONS} questions; it has {}",
                    section.questions.len()
                ));
            }
            for question in &section.questions {
                let at = format!("{at}: question `{}`", question.id);
                for found in question_problems(question, &mut ids, &mut scale) {
                    problem(format!("{at}: {found}"));
                }
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// How many levels its ratings have, if it has any.
    pub fn levels(&self) -> Option<usize> {
        self.questions()
            .find_map(|question| match &question.answer {
                Answer::Rating { anchors } => Some(anchors.len()),
                Answer::Text { .. } => None,
            })
    }

    /// Every question, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|section| &section.questions)
    }

    /// The questions `reviewer`'s review asks, in order.
    pub fn asked_of(&self, reviewer: Reviewer) -> impl Iterator<Item = &Question> {
        self.questions()
            .filter(move |question| question.asked.asks(reviewer))
    }
}

/// What is wrong with one question; `ids` are the form's ids so far, `scale` the number of
/// levels of its first rating.
fn question_problems(
    question: &Question,
    ids: &mut std::collections::HashSet<String>,
    scale: &mut Option<usize>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let id = &question.id;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        problems.push("the id must be lower-case letters, digits or _".to_owned());
    } else if !ids.insert(id.clone()) {
        problems.push("the id is used twice in the form".to_owned());
    }
    let chars = question.prompt.trim().chars().count();
    if chars == 0 || chars > MAX_PROMPT_CHARS {
        problems.push(format!(
            "the prompt has {chars} characters; give 1 to {MAX_PROMPT_CHARS}"
        ));
    }
    match &question.answer {
        Answer::Rating { anchors } => {
            if !(2..=10).contains(&anchors.len()) {
                problems.push(format!(
                    "a rating needs 2 to 10 levels, each described; it has {}",
                    anchors.len()
                ));
            } else if let Some(levels) = *scale
                && levels != anchors.len()
            {
                problems.push(format!(
                    "it has {} levels, but the form's first rating has {levels}; every \
                     rating in a form uses one scale, so that scores can be averaged",
                    anchors.len()
                ));
            } else {
                *scale = Some(anchors.len());
            }
            for (n, anchor) in anchors.iter().enumerate() {
                let chars = anchor.trim().chars().count();
                if chars == 0 || chars > MAX_ANCHOR_CHARS {
                    problems.push(format!(
                        "level {} is described in {chars} characters; give 1 to \
                         {MAX_ANCHOR_CHARS}",
                        n + 1
                    ));
                }
            }
            if question.weight == 0 {
                problems.push("a rating's weight is at least 1".to_owned());
            }
        }
        Answer::Text { max_chars } => {
            if !(1..=MAX_TEXT_CHARS).contains(max_chars) {
                problems.push(format!(
                    "a text answer holds 1 to {MAX_TEXT_CHARS} characters"
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(id: &str, levels: usize, asked: Asked) -> Question {
        Question {
            id: id.to_owned(),
            prompt: format!("How is their {id}?"),
            answer: Answer::Rating {
                anchors: (1..=levels)
                    .map(|n| format!("Level {n} looks like this"))
                    .collect(),
            },
            asked,
            weight: 1,
            optional: false,
        }
    }

    fn text(id: &str) -> Question {
        Question {
            id: id.to_owned(),
            prompt: "What should they keep doing?".to_owned(),
            answer: Answer::Text { max_chars: 2_000 },
            asked: Asked::All,
            weight: 1,
            optional: true,
        }
    }

    fn form(questions: Vec<Question>) -> Form {
        Form {
            sections: vec![Section {
                title: "Craft".to_owned(),
                weight: 1,
                questions,
            }],
        }
    }

    #[test]
    fn each_review_asks_its_questions() {
        let form = form(vec![
            rating("quality", 5, Asked::All),
            rating("mentoring", 5, Asked::Peers),
            rating("growth", 5, Asked::Manager),
            text("keep"),
        ])
        .check()
        .unwrap();
        let ids =
            |reviewer| -> Vec<&str> { form.asked_of(reviewer).map(|q| q.id.as_str()).collect() };
        assert_eq!(ids(Reviewer::SelfReview), ["quality", "keep"]);
        assert_eq!(ids(Reviewer::Peer), ["quality", "mentoring", "keep"]);
        assert_eq!(ids(Reviewer::Manager), ["quality", "growth", "keep"]);
        assert_eq!(form.levels(), Some(5));
    }

    #[test]
    fn every_problem_names_its_section_and_question() {
        let mut long = text("long");
        long.prompt = "x".repeat(46);
        let mut vague = rating("vague", 5, Asked::All);
        if let Answer::Rating { anchors } = &mut vague.answer {
            anchors[2] = " ".to_owned();
        }
        let problems = form(vec![
            rating("quality", 5, Asked::All),
            rating("quality", 5, Asked::All),
            rating("speed", 4, Asked::All),
            rating("Bad-Id", 1, Asked::All),
            long,
            vague,
        ])
        .check()
        .unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for expected in [
            "section `Craft`: question `quality`: the id is used twice in the form",
            "section `Craft`: question `speed`: it has 4 levels, but the form's first rating has 5",
            "section `Craft`: question `Bad-Id`: the id must be lower-case letters",
            "section `Craft`: question `Bad-Id`: a rating needs 2 to 10 levels",
            "section `Craft`: question `long`: the prompt has 46 characters",
            "section `Craft`: question `vague`: level 3 is described in 0 characters",
        ] {
            assert!(
                text.iter().any(|problem| problem.starts_with(expected)),
                "{expected}: {text:?}"
            );
        }
        let empty = Form {
            sections: Vec::new(),
        }
        .check()
        .unwrap_err();
        assert!(
            empty[0].to_string().contains("1 to 10 sections"),
            "{empty:?}"
        );
    }
}
