//! A check-in's answers: read from a submitted form against its template, every problem
//! named by question so the form can show it in place.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::template::{MAX_ANSWER_CHARS, QuestionKind, Template};

/// Answers that mean "no blocker".
const NO_BLOCKER: [&str; 8] = [
    "no",
    "none",
    "nope",
    "n/a",
    "na",
    "-",
    "nothing",
    "no blockers",
];

/// A check-in's answers by question id: text as typed, a scale as `1`–`5`, a choice as the
/// option. Questions left empty are absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    /// Reads a form's answers against `template`: every required question answered, text
    /// within length, a scale from 1 to 5, a choice among the options. Unknown fields are
    /// ignored. On failure, a sentence per question id.
    pub fn read(
        template: &Template,
        raw: &BTreeMap<String, String>,
    ) -> Result<Self, BTreeMap<String, String>> {
        let mut answers = BTreeMap::new();
        let mut problems = BTreeMap::new();
        for question in &template.questions {
            let text = raw.get(&question.id).map_or("", |text| text.trim());
            let text = match question.kind {
                QuestionKind::Blocker if NO_BLOCKER.contains(&text.to_lowercase().as_str()) => "",
                _ => text,
            };
            if text.is_empty() {
                if !question.optional && question.kind != QuestionKind::Goals {
                    problems.insert(question.id.clone(), "Please answer this one.".to_owned());
                }
                continue;
            }
            let answer = match &question.kind {
                QuestionKind::Text | QuestionKind::Blocker | QuestionKind::Goals => {
                    let chars = text.chars().count();
                    let most = match question.kind {
                        QuestionKind::Goals => crate::goals::progress::MAX_CHARS,
                        _ => MAX_ANSWER_CHARS,
                    };
                    if chars > most {
                        Err(format!(
                            "Keep it under {most} characters (this is {chars})."
                        ))
                    } else {
                        Ok(text.to_owned())
                    }
                }
                QuestionKind::Scale { .. } => match text.parse::<u8>() {
                    Ok(n @ 1..=5) => Ok(n.to_string()),
                    _ => Err("Pick a number from 1 to 5.".to_owned()),
                },
                QuestionKind::Choice { options } => options
                    .iter()
                    .find(|option| option.as_str() == text)
                    .cloned()
                    .ok_or_else(|| "Pick one of the options.".to_owned()),
            };
            match answer {
                Ok(answer) => {
                    answers.insert(question.id.clone(), answer);
                }
                Err(problem) => {
                    problems.insert(question.id.clone(), problem);
                }
            }
        }
        if problems.is_empty() {
            Ok(Self(answers))
        } else {
            Err(problems)
        }
    }

    /// The answer to the template's first scale question (mood), 1 to 5.
    pub fn mood(&self, template: &Template) -> Option<u8> {
        let question = template.scale()?;
        self.0.get(&question.id)?.parse().ok()
    }

    /// The blocker, if the person named one.
    pub fn blocker<'a>(&'a self, template: &Template) -> Option<&'a str> {
        let question = template.blocker()?;
        self.0.get(&question.id).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_complete_check_in_is_read_and_trimmed() {
        let template = Template::default_template();
        let answers = Answers::read(
            &template,
            &raw(&[
                ("mood", "4"),
                ("done", "  Shipped the release "),
                ("next", "Docs"),
                ("blockers", "Waiting on legal"),
            ]),
        )
        .unwrap();
        assert_eq!(answers.0["done"], "Shipped the release");
        assert_eq!(answers.mood(&template), Some(4));
        assert_eq!(answers.blocker(&template), Some("Waiting on legal"));
    }

    #[test]
    fn every_problem_is_named_by_its_question() {
        let template = Template::default_template();
        let long = "x".repeat(MAX_ANSWER_CHARS + 1);
        let problems =
            Answers::read(&template, &raw(&[("mood", "9"), ("done", &long)])).unwrap_err();
        assert_eq!(problems["mood"], "Pick a number from 1 to 5.");
        assert!(problems["done"].starts_with("Keep it under 1000 characters"));
        assert_eq!(problems["next"], "Please answer this one.");
        assert!(!problems.contains_key("blockers"), "blockers are optional");
    }

    #[test]
    fn saying_none_to_the_blocker_question_is_no_blocker() {
        let template = Template::default_template();
        for none in ["none", "No", " n/a ", "-"] {
            let answers = Answers::read(
                &template,
                &raw(&[
                    ("mood", "3"),
                    ("done", "a"),
                    ("next", "b"),
                    ("blockers", none),
                ]),
            )
            .unwrap();
            assert_eq!(answers.blocker(&template), None, "{none}");
        }
    }
}
