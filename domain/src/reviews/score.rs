//! The cycle's formula: how a person's ratings become a score per question, per section and
//! overall. The default is a weighted average: a question's score weighs the manager's
//! rating twice and the peers' mean once, and leaves the self-review out (it is shown beside
//! the score, not in it); a section's score is its rated questions' scores weighted by their
//! weights; the overall score is the sections' scores weighted by theirs. A question or
//! section with nothing to average is left out of the averages above it, never counted as 0.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::form::{Answer, Form, Reviewer};

/// How much each review counts in a question's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Formula {
    /// The self-review's weight (0: shown, not counted).
    pub self_weight: u32,
    /// The peers' mean's weight.
    pub peer_weight: u32,
    /// The manager's rating's weight.
    pub manager_weight: u32,
}

impl Default for Formula {
    fn default() -> Self {
        Self {
            self_weight: 0,
            peer_weight: 1,
            manager_weight: 2,
        }
    }
}

impl Formula {
    fn weight(self, reviewer: Reviewer) -> u32 {
        match reviewer {
            Reviewer::SelfReview => self.self_weight,
            Reviewer::Peer => self.peer_weight,
            Reviewer::Manager => self.manager_weight,
        }
    }
}

/// Each review's rating per question id: the self-review's and the manager's as given, the
/// peers' as their mean (only where enough peers answered for it to be shown).
pub type Ratings = BTreeMap<Reviewer, BTreeMap<String, f64>>;

/// A person's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Each rated question's score, by id.
    pub questions: BTreeMap<String, f64>,
    /// Each section's score, in the form's order; `None` where nothing was rated.
    pub sections: Vec<(String, Option<f64>)>,
    /// The overall score; `None` where nothing was rated.
    pub overall: Option<f64>,
}

/// The weighted mean of `(value, weight)` pairs; `None` if the weights sum to 0.
fn weighted(pairs: impl IntoIterator<Item = (f64, u32)>) -> Option<f64> {
    let (sum, weights) = pairs
        .into_iter()
        .fold((0.0, 0u64), |(sum, weights), (value, weight)| {
            (sum + value * f64::from(weight), weights + u64::from(weight))
        });
    (weights > 0).then(|| sum / weights as f64)
}

/// `ratings` scored by `formula` on `form`.
pub fn score(form: &Form, formula: Formula, ratings: &Ratings) -> Scores {
    let mut questions = BTreeMap::new();
    let mut sections = Vec::new();
    for section in &form.sections {
        let mut rated = Vec::new();
        for question in &section.questions {
            if !matches!(question.answer, Answer::Rating { .. }) {
                continue;
            }
            let given = ratings.iter().filter_map(|(reviewer, by_question)| {
                let value = *by_question.get(&question.id)?;
                Some((value, formula.weight(*reviewer)))
            });
            if let Some(value) = weighted(given) {
                questions.insert(question.id.clone(), value);
                rated.push((value, question.weight));
            }
        }
        sections.push((section.title.clone(), weighted(rated)));
    }
    let overall = weighted(
        sections
            .iter()
            .zip(&form.sections)
            .filter_map(|((_, value), section)| Some(((*value)?, section.weight))),
    );
    Scores {
        questions,
        sections,
        overall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reviews::form::{Asked, Question, Section};

    fn rating(id: &str, weight: u32) -> Question {
        Question {
            id: id.to_owned(),
            prompt: id.to_owned(),
            answer: Answer::Rating {
                anchors: (1..=5).map(|n| format!("level {n}")).collect(),
            },
            asked: Asked::All,
            weight,
            optional: false,
        }
    }

    fn form() -> Form {
        Form {
            sections: vec![
                Section {
                    title: "Craft".to_owned(),
                    weight: 2,
                    questions: vec![rating("quality", 3), rating("speed", 1)],
                },
                Section {
                    title: "Team".to_owned(),
                    weight: 1,
                    questions: vec![rating("help", 1)],
                },
            ],
        }
    }

    fn ratings(rows: &[(Reviewer, &str, f64)]) -> Ratings {
        let mut ratings = Ratings::new();
        for (reviewer, id, value) in rows {
            ratings
                .entry(*reviewer)
                .or_default()
                .insert((*id).to_owned(), *value);
        }
        ratings
    }

    #[test]
    fn the_default_weighs_the_manager_twice_the_peers_and_leaves_the_self_review_out() {
        let scores = score(
            &form(),
            Formula::default(),
            &ratings(&[
                (Reviewer::SelfReview, "quality", 5.0),
                (Reviewer::Manager, "quality", 4.0),
                (Reviewer::Peer, "quality", 1.0),
                (Reviewer::Manager, "speed", 3.0),
                (Reviewer::Manager, "help", 5.0),
                (Reviewer::Peer, "help", 2.0),
            ]),
        );
        assert_eq!(scores.questions["quality"], 3.0, "(4·2 + 1) / 3");
        assert_eq!(scores.questions["speed"], 3.0);
        assert_eq!(scores.questions["help"], 4.0);
        assert_eq!(scores.sections[0], ("Craft".to_owned(), Some(3.0)));
        assert_eq!(scores.sections[1], ("Team".to_owned(), Some(4.0)));
        let overall = scores.overall.unwrap();
        assert!((overall - 10.0 / 3.0).abs() < 1e-9, "{overall}");
    }

    #[test]
    fn what_nobody_rated_is_left_out_not_counted_as_zero() {
        let scores = score(
            &form(),
            Formula::default(),
            &ratings(&[
                (Reviewer::Manager, "quality", 4.0),
                (Reviewer::SelfReview, "help", 5.0),
            ]),
        );
        assert_eq!(scores.sections[0].1, Some(4.0));
        assert_eq!(
            scores.sections[1].1, None,
            "only the self-review, which weighs 0"
        );
        assert_eq!(scores.overall, Some(4.0));
        let nothing = score(&form(), Formula::default(), &Ratings::new());
        assert_eq!(nothing.overall, None);
    }
}
