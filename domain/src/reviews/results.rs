//! A person's results, as released to them and their manager: the score per question, per
//! section and overall (the cycle's [`Formula`]), the manager's written answers, and the
//! peers' answers in aggregate only — mean and distribution per question, comments without
//! names in random order, and nothing at all until at least k peers answered
//! ([`super::anonymity`]). No reviewer's name, submission time or order is in any of it.
//! Peers are aggregated this way in every cycle, anonymous or not: a named cycle's
//! individual peer reviews are read, by whoever [`super::access`] allows, elsewhere.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::anonymity::{PeerAnswers, PeerView, Scale, aggregate};
use super::form::{Answer, Form, Reviewer};
use super::score::{Formula, Ratings, Scores, score};
use crate::chat::{Block, Button, ButtonStyle, Message, escape_markup, truncate};

/// A review's answers by question id: a rating as its level (`4`), text as written.
pub type Answers = BTreeMap<String, String>;

/// Pressing *Acknowledge* (value: the cycle's id).
pub const ACKNOWLEDGE: &str = "review:ack";

/// A person's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The peers, in aggregate or withheld.
    pub peers: PeerView,
    /// The scores.
    pub scores: Scores,
    /// Their self-review.
    pub self_review: Answers,
    /// Their manager's review.
    pub manager: Answers,
}

/// One peer review as the aggregation takes it: ratings as levels, text answers as
/// comments.
pub fn peer_answers(form: &Form, answers: &Answers) -> PeerAnswers {
    let mut peer = PeerAnswers::default();
    for question in form.asked_of(Reviewer::Peer) {
        let Some(answer) = answers.get(&question.id) else {
            continue;
        };
        match &question.answer {
            Answer::Rating { .. } => {
                if let Ok(level) = answer.parse() {
                    peer.ratings.insert(question.id.clone(), level);
                }
            }
            Answer::Text { .. } => {
                peer.comments.insert(question.id.clone(), answer.clone());
            }
        }
    }
    peer
}

/// The results from the submitted reviews: the self-review, the manager's, and the peers'
/// (in any order; they are aggregated with threshold `k`, comments shuffled by `rng`).
pub fn results(
    form: &Form,
    formula: Formula,
    k: usize,
    reviews: (&Answers, &Answers),
    peers: &[Answers],
    rng: &mut impl rand::Rng,
) -> Results {
    let (self_review, manager) = reviews;
    let levels = u8::try_from(form.levels().unwrap_or_default()).unwrap_or(u8::MAX);
    let scales: Vec<Scale<'_>> = form
        .asked_of(Reviewer::Peer)
        .filter(|question| matches!(question.answer, Answer::Rating { .. }))
        .map(|question| Scale {
            question: &question.id,
            levels,
        })
        .collect();
    let answers: Vec<PeerAnswers> = peers.iter().map(|a| peer_answers(form, a)).collect();
    let peers = aggregate(&scales, &answers, k, rng);
    let mut ratings = Ratings::new();
    for (reviewer, answers) in [
        (Reviewer::SelfReview, self_review),
        (Reviewer::Manager, manager),
    ] {
        let parsed = rated(form, answers);
        if !parsed.is_empty() {
            ratings.insert(reviewer, parsed);
        }
    }
    if let PeerView::Aggregate { ratings: shown, .. } = &peers {
        let means = shown
            .iter()
            .map(|question| (question.question.clone(), question.mean))
            .collect();
        ratings.insert(Reviewer::Peer, means);
    }
    Results {
        scores: score(form, formula, &ratings),
        peers,
        self_review: self_review.clone(),
        manager: manager.clone(),
    }
}

/// The rating questions' answers as numbers.
fn rated(form: &Form, answers: &Answers) -> BTreeMap<String, f64> {
    form.questions()
        .filter(|question| matches!(question.answer, Answer::Rating { .. }))
        .filter_map(|question| {
            let level: f64 = answers.get(&question.id)?.parse().ok()?;
            Some((question.id.clone(), level))
        })
        .collect()
}

/// `3.4`.
fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// The results message for `subject`'s results in `cycle`; with *Acknowledge* (for
/// `cycle_id`) when the subject reads it.
pub fn message(
    (cycle, cycle_id): (&str, i64),
    subject: &str,
    form: &Form,
    results: &Results,
    to_subject: bool,
) -> Message {
    let levels = form.levels().unwrap_or_default();
    let title = format!("Results · {cycle} · {subject}");
    let mut blocks = vec![Block::Header(truncate(&title, 150))];
    blocks.push(Block::Text(match results.scores.overall {
        Some(overall) => format!("**Overall: {} of {levels}**", one_decimal(overall)),
        None => "No overall score: nothing was rated.".to_owned(),
    }));
    for (section, (title, value)) in form.sections.iter().zip(&results.scores.sections) {
        let mut text = format!(
            "**{}**{}",
            escape_markup(title),
            value.map_or_else(String::new, |v| format!(" · {}", one_decimal(v)))
        );
        for question in &section.questions {
            let _ = write!(text, "\n{}", question_line(question, results));
        }
        blocks.push(Block::Text(truncate(&text, 2_900)));
    }
    blocks.push(peers_block(form, &results.peers));
    if to_subject {
        blocks.push(Block::Buttons(vec![Button {
            action: ACKNOWLEDGE.to_owned(),
            value: cycle_id.to_string(),
            label: "Acknowledge".to_owned(),
            style: ButtonStyle::Primary,
        }]));
    }
    Message {
        summary: title,
        blocks,
    }
}

/// `• Quality of work: 3.5 (manager 4 · peers 3.0 · self 5)`, or a text answer.
fn question_line(question: &super::form::Question, results: &Results) -> String {
    let prompt = escape_markup(&question.prompt);
    match &question.answer {
        Answer::Rating { .. } => {
            let mut parts = Vec::new();
            if let Some(level) = results.manager.get(&question.id) {
                parts.push(format!("manager {level}"));
            }
            if let PeerView::Aggregate { ratings, .. } = &results.peers
                && let Some(peers) = ratings.iter().find(|r| r.question == question.id)
            {
                parts.push(format!("peers {}", one_decimal(peers.mean)));
            }
            if let Some(level) = results.self_review.get(&question.id) {
                parts.push(format!("self {level}"));
            }
            let score = results
                .scores
                .questions
                .get(&question.id)
                .map_or_else(|| "–".to_owned(), |v| one_decimal(*v));
            format!("• {prompt}: {score} ({})", parts.join(" · "))
        }
        Answer::Text { .. } => match results.manager.get(&question.id) {
            Some(text) => format!(
                "• {prompt} — manager: {}",
                escape_markup(&truncate(text, 600))
            ),
            None => format!("• {prompt}: –"),
        },
    }
}

/// The peers in aggregate: respondents, each rated question's distribution, comments.
fn peers_block(form: &Form, peers: &PeerView) -> Block {
    match peers {
        PeerView::Withheld { needed } => Block::Context(format!(
            "Peer answers are shown only together, once at least {needed} peers have \
             answered; fewer did, so none are shown."
        )),
        PeerView::Aggregate {
            respondents,
            ratings,
            comments,
        } => {
            let mut text = format!("**From {respondents} peers, together**");
            for rated in ratings {
                let prompt = form
                    .questions()
                    .find(|q| q.id == rated.question)
                    .map_or(rated.question.as_str(), |q| q.prompt.as_str());
                let spread: Vec<String> = rated
                    .distribution
                    .iter()
                    .enumerate()
                    .map(|(n, count)| format!("{}: {count}", n + 1))
                    .collect();
                let _ = write!(
                    text,
                    "\n• {}: {} ({})",
                    escape_markup(prompt),
                    one_decimal(rated.mean),
                    spread.join(", ")
                );
            }
            for (question, said) in comments {
                let prompt = form
                    .questions()
                    .find(|q| &q.id == question)
                    .map_or(question.as_str(), |q| q.prompt.as_str());
                let _ = write!(text, "\n**{}**", escape_markup(prompt));
                for comment in said {
                    let _ = write!(text, "\n> {}", escape_markup(&truncate(comment, 400)));
                }
            }
            Block::Text(truncate(&text, 2_900))
        }
    }
}

#[cfg(test)]
mod tests;
