//! Anonymous peer reviews, shown only in aggregate.
//!
//! When a cycle makes peer reviews anonymous, nobody reads one peer's answers. A view shows,
//! per question, the mean and the distribution of the ratings and the comments in random
//! order, and only when at least k peers answered: [`DEFAULT_K`] unless the cycle says
//! otherwise, and never fewer than [`MIN_K`]. [`PeerAnswers`] carries no reviewer, no time of
//! submission and no order, so none of them can reach a view.
//!
//! A threshold alone is not enough. Two views that overlap, such as "Ana's peer reviews" and
//! "her team's peer reviews" when one teammate was reviewed by a single peer, would give away
//! the answers in their difference; [`releasable`] decides which views may be shown together.
//!
//! The rules, where the product issue left room:
//! - A `k` below [`MIN_K`] is raised to it, here as well as refused by [`threshold`], so a
//!   caller that skips the check still cannot show fewer than three people's answers.
//! - Every submitted form counts towards the view's respondents, even one left blank; each
//!   question then applies its own count. A question's rating aggregate is shown only when at
//!   least k peers gave it a rating on its scale; its comments are shown only when at least k
//!   peers answered it at all (a rating or a comment).
//! - Comments are trimmed, blank ones are dropped, and each question's comments are shuffled.

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::SliceRandom as _;
use serde::Serialize;

use crate::people::Invalid;

/// The fewest respondents a policy may allow.
pub const MIN_K: usize = 3;
/// Respondents needed unless the cycle says otherwise.
pub const DEFAULT_K: usize = 5;

/// A rating question as the aggregation needs it: its id and how many levels (2..=10) its
/// scale has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale<'a> {
    /// The question's id, as used in [`PeerAnswers::ratings`].
    pub question: &'a str,
    /// How many levels the scale has; ratings run from 1 to this.
    pub levels: u8,
}

/// One peer's submitted answers: ratings 1..=levels by question id, comments by question id.
/// Carries no reviewer, no time, no order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerAnswers {
    /// The rating given to each rating question, by question id.
    pub ratings: BTreeMap<String, u8>,
    /// The comment written for each question, by question id.
    pub comments: BTreeMap<String, String>,
}

/// One question in aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionAggregate {
    /// The question's id.
    pub question: String,
    /// How many peers gave this question a rating on its scale.
    pub respondents: usize,
    /// The mean rating, unrounded: callers format it.
    pub mean: f64,
    /// How many peers chose each level, level 1 first.
    pub distribution: Vec<usize>,
}

/// What a view shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum PeerView {
    /// Enough respondents.
    Aggregate {
        /// How many peers submitted answers.
        respondents: usize,
        /// The questions enough peers rated, in the order of the scales given.
        ratings: Vec<QuestionAggregate>,
        /// The comments of each question enough peers answered, in random order.
        comments: BTreeMap<String, Vec<String>>,
    },
    /// Too few: says how many are needed, never how many there are, since that count itself
    /// would leak below k.
    Withheld {
        /// The threshold: at least this many peers must answer.
        needed: usize,
    },
}

/// Checks a threshold: at least [`MIN_K`], else a clear error.
pub fn threshold(k: usize) -> Result<usize, Invalid> {
    if k < MIN_K {
        return Err(Invalid::new(format!(
            "an anonymity threshold of {k} would let too few answers point to a reviewer: \
             use at least {MIN_K}"
        )));
    }
    Ok(k)
}

/// Aggregates `answers` for `scales` with threshold `k`, shuffling comments with `rng`.
///
/// The view is withheld when fewer than k peers submitted. Otherwise a question's ratings
/// are shown only when at least k peers rated it, and its comments only when at least k
/// peers answered it (a rating or a comment). Ratings outside 1..=levels, and ratings for
/// questions not in `scales`, are ignored: a validated form cannot produce them, but a view
/// must not trust that.
pub fn aggregate(
    scales: &[Scale<'_>],
    answers: &[PeerAnswers],
    k: usize,
    rng: &mut impl rand::Rng,
) -> PeerView {
    let k = k.max(MIN_K);
    if answers.len() < k {
        return PeerView::Withheld { needed: k };
    }
    let ratings = scales
        .iter()
        .map(|scale| rate(scale, answers))
        .filter(|question| question.respondents >= k)
        .collect();
    PeerView::Aggregate {
        respondents: answers.len(),
        ratings,
        comments: comments(scales, answers, k, rng),
    }
}

/// The rating one peer gave on `scale`, when it is on the scale.
fn valid_rating(scale: &Scale<'_>, answers: &PeerAnswers) -> Option<u8> {
    answers
        .ratings
        .get(scale.question)
        .copied()
        .filter(|rating| (1..=scale.levels).contains(rating))
}

/// The comment one peer wrote for `question`, trimmed, when it is not blank.
fn comment<'a>(answers: &'a PeerAnswers, question: &str) -> Option<&'a str> {
    answers
        .comments
        .get(question)
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
}

/// One question's ratings in aggregate, however few rated it.
fn rate(scale: &Scale<'_>, answers: &[PeerAnswers]) -> QuestionAggregate {
    let mut distribution = vec![0; usize::from(scale.levels)];
    for rating in answers.iter().filter_map(|peer| valid_rating(scale, peer)) {
        if let Some(count) = distribution.get_mut(usize::from(rating) - 1) {
            *count += 1;
        }
    }
    let respondents: usize = distribution.iter().sum();
    let total: usize = (1..)
        .zip(&distribution)
        .map(|(level, count)| level * count)
        .sum();
    let mean = if respondents == 0 {
        0.0
    } else {
        total as f64 / respondents as f64
    };
    QuestionAggregate {
        question: scale.question.to_owned(),
        respondents,
        mean,
        distribution,
    }
}

/// How many peers answered `question` at all: a rating on its scale or a comment.
fn answered(scales: &[Scale<'_>], answers: &[PeerAnswers], question: &str) -> usize {
    let scale = scales.iter().find(|scale| scale.question == question);
    answers
        .iter()
        .filter(|peer| {
            comment(peer, question).is_some()
                || scale.is_some_and(|scale| valid_rating(scale, peer).is_some())
        })
        .count()
}

/// The comments of each question at least k peers answered, each question's shuffled.
fn comments(
    scales: &[Scale<'_>],
    answers: &[PeerAnswers],
    k: usize,
    rng: &mut impl rand::Rng,
) -> BTreeMap<String, Vec<String>> {
    let questions: BTreeSet<&str> = answers
        .iter()
        .flat_map(|peer| peer.comments.keys().map(String::as_str))
        .collect();
    let mut shown = BTreeMap::new();
    for question in questions {
        if answered(scales, answers, question) < k {
            continue;
        }
        let mut texts: Vec<String> = answers
            .iter()
            .filter_map(|peer| comment(peer, question))
            .map(str::to_owned)
            .collect();
        if texts.is_empty() {
            continue;
        }
        texts.shuffle(rng);
        shown.insert(question.to_owned(), texts);
    }
    shown
}

/// Which of several candidate views may be shown together; returns their keys.
///
/// Each view is a set of response ids (one person's peer reviews, a team's, the whole
/// organisation's). A view with fewer than k responses is withheld. Then, for each pair of
/// views still shown, in input order (by the earlier view, then the later), if they overlap
/// and either difference is non-empty but smaller than k, the larger of the two is withheld
/// (on a tie, the later one). One pass is enough: withholding a view never makes another
/// pair reveal anything, so the result is the same as repeating until stable.
///
/// Keys should be unique; a key given to several views is released only when all of them are.
/// Only pairs are compared: views built from unions of others are the caller's to avoid.
pub fn releasable<K: Ord + Clone>(views: &[(K, BTreeSet<u64>)], k: usize) -> BTreeSet<K> {
    let k = k.max(MIN_K);
    let mut shown: Vec<bool> = views.iter().map(|(_, ids)| ids.len() >= k).collect();
    for earlier in 0..views.len() {
        for later in earlier + 1..views.len() {
            let (a, b) = (&views[earlier].1, &views[later].1);
            if shown[earlier] && shown[later] && reveals(a, b, k) {
                let larger = if a.len() > b.len() { earlier } else { later };
                shown[larger] = false;
            }
        }
    }
    let withheld: BTreeSet<&K> = views
        .iter()
        .zip(&shown)
        .filter(|(_, shown)| !**shown)
        .map(|((key, _), _)| key)
        .collect();
    views
        .iter()
        .map(|(key, _)| key)
        .filter(|key| !withheld.contains(key))
        .cloned()
        .collect()
}

/// Whether showing both `a` and `b` would expose fewer than k responses in their difference.
fn reveals(a: &BTreeSet<u64>, b: &BTreeSet<u64>, k: usize) -> bool {
    let common = a.intersection(b).count();
    let too_few = |only: usize| only > 0 && only < k;
    common > 0 && (too_few(a.len() - common) || too_few(b.len() - common))
}

#[cfg(test)]
mod tests;
