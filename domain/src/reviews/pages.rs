//! A review written in chat, a page at a time: a form shows at most five fields (Discord's
//! limit on a modal), so a review's questions are split into pages. Each page's answers
//! are saved as a draft when it is sent; the review is submitted, and locked, only when
//! every required question has an answer. A rating's levels are choices labelled with
//! their anchor (`4 · Raises the bar`); the whole anchors are in the message that opens the
//! page, where there is room for them.

use std::collections::BTreeMap;

use super::form::{Answer, Form, Question, Reviewer};
use crate::chat::{Field, Input};

/// The most fields a page shows.
pub const PAGE_FIELDS: usize = 5;
/// Pressing *Write review* or *Next page* (value: `REVIEW:PAGE`, the page from 0).
pub const WRITE: &str = "review:write";
/// Sending a page (value: `REVIEW:PAGE`).
pub const SAVE: &str = "review:save";
/// Pressing *Submit review* (value: the review's id).
pub const SUBMIT: &str = "review:submit";

/// The pages of `reviewer`'s review: the questions it asks, in order, at most
/// [`PAGE_FIELDS`] a page; a section starts a new page unless it fits whole on the current
/// one.
pub fn pages(form: &Form, reviewer: Reviewer) -> Vec<Vec<&Question>> {
    let mut pages: Vec<Vec<&Question>> = Vec::new();
    for section in &form.sections {
        let asked: Vec<&Question> = section
            .questions
            .iter()
            .filter(|question| question.asked.asks(reviewer))
            .collect();
        if asked.is_empty() {
            continue;
        }
        let fits = pages
            .last()
            .is_some_and(|page| page.len() + asked.len() <= PAGE_FIELDS);
        let mut rest = asked.as_slice();
        if fits && let Some(page) = pages.last_mut() {
            page.extend_from_slice(rest);
            rest = &[];
        }
        while !rest.is_empty() {
            let (head, tail) = rest.split_at(rest.len().min(PAGE_FIELDS));
            pages.push(head.to_vec());
            rest = tail;
        }
    }
    pages
}

/// `REVIEW:PAGE` for a button or a form's value.
pub fn value(review: i64, page: usize) -> String {
    format!("{review}:{page}")
}

/// Reads [`value`] back.
pub fn read_value(text: &str) -> Option<(i64, usize)> {
    let (review, page) = text.split_once(':')?;
    Some((review.parse().ok()?, page.parse().ok()?))
}

/// The fields of one page, holding the answers saved so far.
pub fn fields(page: &[&Question], saved: &BTreeMap<String, String>) -> Vec<Field> {
    page.iter()
        .map(|question| {
            let initial = saved.get(&question.id).cloned();
            let input = match &question.answer {
                Answer::Rating { anchors } => Input::Choice {
                    options: anchors
                        .iter()
                        .enumerate()
                        .map(|(n, anchor)| ((n + 1).to_string(), format!("{} · {anchor}", n + 1)))
                        .collect(),
                    initial,
                },
                Answer::Text { max_chars } => Input::Text {
                    multiline: true,
                    max_chars: *max_chars,
                    initial,
                    placeholder: None,
                },
            };
            Field {
                id: question.id.clone(),
                label: question.prompt.clone(),
                optional: question.optional,
                input,
            }
        })
        .collect()
}

/// One page's answers, checked against its questions: a rating one of its levels, text
/// within its length. Empty answers are left out (a draft may be partial); every problem is
/// named by its field.
pub fn read_page(
    page: &[&Question],
    raw: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, BTreeMap<String, String>> {
    let mut answers = BTreeMap::new();
    let mut problems = BTreeMap::new();
    for question in page {
        let text = raw.get(&question.id).map_or("", |text| text.trim());
        if text.is_empty() {
            continue;
        }
        let read = match &question.answer {
            Answer::Rating { anchors } => match text.parse::<usize>() {
                Ok(level) if (1..=anchors.len()).contains(&level) => Ok(level.to_string()),
                _ => Err(format!("Pick one of the {} levels.", anchors.len())),
            },
            Answer::Text { max_chars } => {
                let chars = text.chars().count();
                if chars > *max_chars {
                    Err(format!(
                        "Keep it to {max_chars} characters; this is {chars}."
                    ))
                } else {
                    Ok(text.to_owned())
                }
            }
        };
        match read {
            Ok(answer) => {
                answers.insert(question.id.clone(), answer);
            }
            Err(problem) => {
                problems.insert(question.id.clone(), problem);
            }
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems)
    }
}

/// The prompts of the required questions `reviewer`'s review leaves unanswered in
/// `answers`; empty when it may be submitted.
pub fn missing<'f>(
    form: &'f Form,
    reviewer: Reviewer,
    answers: &BTreeMap<String, String>,
) -> Vec<&'f str> {
    form.asked_of(reviewer)
        .filter(|question| !question.optional && !answers.contains_key(&question.id))
        .map(|question| question.prompt.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reviews::form::{Asked, Section};

    fn rating(id: &str, asked: Asked) -> Question {
        Question {
            id: id.to_owned(),
            prompt: format!("About {id}"),
            answer: Answer::Rating {
                anchors: ["Rarely", "Sometimes", "Often", "Usually", "Always"]
                    .map(str::to_owned)
                    .to_vec(),
            },
            asked,
            weight: 1,
            optional: false,
        }
    }

    fn text(id: &str, optional: bool) -> Question {
        Question {
            id: id.to_owned(),
            prompt: format!("About {id}"),
            answer: Answer::Text { max_chars: 20 },
            asked: Asked::All,
            weight: 1,
            optional,
        }
    }

    fn section(title: &str, questions: Vec<Question>) -> Section {
        Section {
            title: title.to_owned(),
            weight: 1,
            questions,
        }
    }

    fn ids<'a>(pages: &[Vec<&'a Question>]) -> Vec<Vec<&'a str>> {
        pages
            .iter()
            .map(|page| page.iter().map(|q| q.id.as_str()).collect())
            .collect()
    }

    #[test]
    fn pages_hold_five_fields_and_keep_small_sections_together() {
        let form = Form {
            sections: vec![
                section(
                    "Craft",
                    (1..=6)
                        .map(|n| rating(&format!("c{n}"), Asked::All))
                        .collect(),
                ),
                section(
                    "Team",
                    vec![rating("t1", Asked::All), rating("t2", Asked::Peers)],
                ),
                section("Summary", vec![text("s1", true)]),
            ],
        };
        assert_eq!(
            ids(&pages(&form, Reviewer::Peer)),
            [
                vec!["c1", "c2", "c3", "c4", "c5"],
                vec!["c6", "t1", "t2", "s1"]
            ]
        );
        assert_eq!(
            ids(&pages(&form, Reviewer::SelfReview)),
            [vec!["c1", "c2", "c3", "c4", "c5"], vec!["c6", "t1", "s1"]],
            "a peers-only question is not in the self-review"
        );
        assert_eq!(read_value(&value(12, 1)), Some((12, 1)));
        assert_eq!(read_value("12"), None);
    }

    #[test]
    fn a_page_shows_the_levels_and_the_saved_answers() {
        let question = rating("quality", Asked::All);
        let saved = BTreeMap::from([("quality".to_owned(), "4".to_owned())]);
        let fields = fields(&[&question], &saved);
        let Input::Choice { options, initial } = &fields[0].input else {
            panic!("{fields:?}")
        };
        assert_eq!(options[3], ("4".to_owned(), "4 · Usually".to_owned()));
        assert_eq!(initial.as_deref(), Some("4"));
    }

    #[test]
    fn answers_are_checked_and_a_review_is_complete_when_nothing_required_is_missing() {
        let form = Form {
            sections: vec![section(
                "All",
                vec![
                    rating("quality", Asked::All),
                    text("keep", false),
                    text("extra", true),
                ],
            )],
        };
        let page = &pages(&form, Reviewer::Manager)[0];
        let raw = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let problems =
            read_page(page, &raw(&[("quality", "7"), ("keep", &"x".repeat(21))])).unwrap_err();
        assert_eq!(problems["quality"], "Pick one of the 5 levels.");
        assert_eq!(problems["keep"], "Keep it to 20 characters; this is 21.");
        let draft = read_page(page, &raw(&[("quality", "3")])).unwrap();
        assert_eq!(missing(&form, Reviewer::Manager, &draft), ["About keep"]);
        let whole = read_page(page, &raw(&[("quality", "3"), ("keep", " Calm ")])).unwrap();
        assert_eq!(whole["keep"], "Calm");
        assert!(missing(&form, Reviewer::Manager, &whole).is_empty());
    }
}
