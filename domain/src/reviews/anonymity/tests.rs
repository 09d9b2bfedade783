use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use super::*;

const FIVE: [Scale<'static>; 2] = [
    Scale {
        question: "clarity",
        levels: 5,
    },
    Scale {
        question: "care",
        levels: 5,
    },
];

fn peer(ratings: &[(&str, u8)], comments: &[(&str, &str)]) -> PeerAnswers {
    PeerAnswers {
        ratings: ratings.iter().map(|(q, r)| ((*q).to_owned(), *r)).collect(),
        comments: comments
            .iter()
            .map(|(q, c)| ((*q).to_owned(), (*c).to_owned()))
            .collect(),
    }
}

fn rated(clarity: &[u8]) -> Vec<PeerAnswers> {
    clarity
        .iter()
        .map(|r| peer(&[("clarity", *r), ("care", 3)], &[]))
        .collect()
}

fn shown(view: PeerView) -> (usize, Vec<QuestionAggregate>, BTreeMap<String, Vec<String>>) {
    match view {
        PeerView::Aggregate {
            respondents,
            ratings,
            comments,
        } => (respondents, ratings, comments),
        PeerView::Withheld { needed } => panic!("withheld, {needed} needed"),
    }
}

fn seeded() -> StdRng {
    StdRng::seed_from_u64(7)
}

fn ids(range: std::ops::RangeInclusive<u64>) -> BTreeSet<u64> {
    range.collect()
}

#[test]
fn a_threshold_below_three_is_refused_and_three_is_accepted() {
    let refused = threshold(2).expect_err("2 is below the minimum");
    assert!(refused.0.contains("at least 3"), "{refused}");
    assert_eq!(threshold(3), Ok(3));
    assert_eq!(threshold(DEFAULT_K), Ok(5));
}

#[test]
fn fewer_than_k_peers_are_withheld_saying_only_what_is_needed() {
    let view = aggregate(&FIVE, &rated(&[5, 4, 3, 2]), 5, &mut seeded());
    assert_eq!(view, PeerView::Withheld { needed: 5 });
    let json = serde_json::to_value(&view).expect("a view serialises");
    assert_eq!(
        json,
        serde_json::json!({ "shown": "withheld", "needed": 5 })
    );
}

#[test]
fn a_k_below_the_minimum_is_raised_to_it() {
    let view = aggregate(&FIVE, &rated(&[5, 4]), 1, &mut seeded());
    assert_eq!(view, PeerView::Withheld { needed: MIN_K });
    assert_eq!(
        releasable(&[("pair", ids(1..=2))], 0),
        BTreeSet::new(),
        "a group of two is never released"
    );
}

#[test]
fn k_peers_are_shown_with_their_mean_and_distribution() {
    let (respondents, ratings, _) =
        shown(aggregate(&FIVE, &rated(&[5, 4, 4, 2, 1]), 5, &mut seeded()));
    assert_eq!(respondents, 5);
    let clarity = &ratings[0];
    assert_eq!(clarity.question, "clarity");
    assert_eq!(clarity.respondents, 5);
    assert!((clarity.mean - 3.2).abs() < 1e-9, "{}", clarity.mean);
    assert_eq!(clarity.distribution, vec![1, 1, 0, 2, 1]);
    assert_eq!(ratings[1].distribution, vec![0, 0, 5, 0, 0]);
}

#[test]
fn a_question_rated_by_fewer_than_k_is_left_out_with_its_comments() {
    let mut answers = rated(&[5, 4, 4, 2, 1]);
    answers[0].ratings.remove("care");
    answers[0]
        .comments
        .insert("care".to_owned(), "kind".to_owned());
    answers[1].ratings.remove("care");
    answers[1]
        .comments
        .insert("clarity".to_owned(), "crisp".to_owned());
    let (_, ratings, comments) = shown(aggregate(&FIVE, &answers, 5, &mut seeded()));
    let questions: Vec<&str> = ratings.iter().map(|q| q.question.as_str()).collect();
    assert_eq!(questions, ["clarity"]);
    assert_eq!(comments.keys().collect::<Vec<_>>(), ["clarity"]);
}

#[test]
fn ratings_off_the_scale_and_blank_comments_are_ignored() {
    let mut answers = rated(&[5, 4, 4, 2, 1, 0]);
    answers[0].ratings.insert("clarity".to_owned(), 9);
    answers[2]
        .comments
        .insert("clarity".to_owned(), "   ".to_owned());
    answers[3]
        .comments
        .insert("clarity".to_owned(), " ok \n".to_owned());
    let (respondents, ratings, comments) = shown(aggregate(&FIVE, &answers, 3, &mut seeded()));
    assert_eq!(respondents, 6);
    assert_eq!(ratings[0].respondents, 4);
    assert_eq!(ratings[0].distribution, vec![1, 1, 0, 2, 0]);
    assert_eq!(comments["clarity"], ["ok"]);
}

#[test]
fn comments_of_a_text_question_need_k_commenters() {
    let mut answers = rated(&[1, 2, 3, 4, 5]);
    for (peer, text) in answers.iter_mut().zip(["a", "b", "c"]) {
        peer.comments.insert("general".to_owned(), text.to_owned());
    }
    let (_, _, comments) = shown(aggregate(&FIVE, &answers, 4, &mut seeded()));
    assert!(comments.is_empty(), "{comments:?}");
    let (_, _, comments) = shown(aggregate(&FIVE, &answers, 3, &mut seeded()));
    assert_eq!(comments["general"].len(), 3);
}

#[test]
fn comments_are_not_in_submission_order() {
    let texts = ["one", "two", "three", "four", "five", "six"];
    let answers: Vec<PeerAnswers> = texts.iter().map(|t| peer(&[], &[("x", t)])).collect();
    let reordered = (0..20).any(|seed| {
        let view = aggregate(&[], &answers, 3, &mut StdRng::seed_from_u64(seed));
        shown(view).2["x"] != texts
    });
    assert!(reordered, "twenty shuffles all kept the submission order");
}

#[test]
fn the_json_of_a_view_has_only_the_documented_keys() {
    let mut answers = rated(&[5, 4, 4, 2, 1]);
    answers[0]
        .comments
        .insert("care".to_owned(), "kind".to_owned());
    let view = aggregate(&FIVE, &answers, 5, &mut seeded());
    let json = serde_json::to_value(&view).expect("a view serialises");
    let keys = |value: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&json), ["comments", "ratings", "respondents", "shown"]);
    assert_eq!(json["shown"], "aggregate");
    for question in json["ratings"].as_array().expect("a list of questions") {
        assert_eq!(
            keys(question),
            ["distribution", "mean", "question", "respondents"]
        );
    }
    assert_eq!(json["comments"], serde_json::json!({ "care": ["kind"] }));
}

#[test]
fn a_group_smaller_than_k_is_withheld() {
    let views = [("ana", ids(1..=2)), ("team", ids(10..=14))];
    assert_eq!(releasable(&views, 3), BTreeSet::from(["team"]));
}

#[test]
fn a_group_one_response_larger_than_an_overlapping_one_is_withheld() {
    let views = [("team", ids(1..=6)), ("ana", ids(1..=5))];
    assert_eq!(releasable(&views, 3), BTreeSet::from(["ana"]));
}

#[test]
fn on_a_tie_the_later_group_is_withheld() {
    let mut first = ids(1..=5);
    first.insert(10);
    let mut second = ids(1..=5);
    second.insert(11);
    let views = [("first", first), ("second", second)];
    assert_eq!(releasable(&views, 3), BTreeSet::from(["first"]));
}

#[test]
fn withholding_goes_on_until_no_pair_reveals() {
    let views = [
        ("ana", ids(1..=5)),
        ("team", ids(1..=6)),
        ("org", ids(1..=7)),
    ];
    assert_eq!(releasable(&views, 3), BTreeSet::from(["ana"]));
    let views = [("ana", ids(1..=5)), ("org", ids(1..=8))];
    assert_eq!(releasable(&views, 3), BTreeSet::from(["ana", "org"]));
}

#[test]
fn disjoint_and_identical_groups_are_all_shown() {
    let views = [("a", ids(1..=3)), ("b", ids(4..=6)), ("c", ids(1..=3))];
    assert_eq!(releasable(&views, 3), BTreeSet::from(["a", "b", "c"]));
}

#[test]
fn a_key_given_twice_is_released_only_when_both_views_are() {
    let views = [("a", ids(1..=3)), ("a", ids(4..=5))];
    assert_eq!(releasable(&views, 3), BTreeSet::new());
}

// The property test: random organisations, every view the product could offer.

const QUESTIONS: [&str; 3] = ["clarity", "care", "craft"];
const WORDS: [&str; 6] = ["steady", "kind", "sharp", "late", "helpful", "quiet"];

/// One peer response as stored: ids, the subject and the answers.
struct Response {
    id: u64,
    reviewer: u64,
    subject: usize,
    answers: PeerAnswers,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ViewKey {
    Person(usize),
    Team(usize),
    Org,
}

fn person_id(person: usize) -> u64 {
    9_200_000_000 + person as u64
}

fn random_answers(rng: &mut StdRng) -> PeerAnswers {
    let ratings = QUESTIONS
        .iter()
        .map(|q| ((*q).to_owned(), rng.random_range(1..=5)))
        .collect();
    let mut comments = BTreeMap::new();
    if rng.random_bool(0.5) {
        let question = QUESTIONS[rng.random_range(0..QUESTIONS.len())];
        let words = rng.random_range(1..=3);
        let text: Vec<&str> = (0..words)
            .map(|_| WORDS[rng.random_range(0..WORDS.len())])
            .collect();
        comments.insert(question.to_owned(), text.join(" "));
    }
    PeerAnswers { ratings, comments }
}

fn random_org(rng: &mut StdRng) -> (Vec<usize>, Vec<Response>) {
    let people = rng.random_range(3..40);
    let teams = rng.random_range(1..=6);
    let team_of: Vec<usize> = (0..people).map(|_| rng.random_range(0..teams)).collect();
    let mut responses = Vec::new();
    for subject in 0..people {
        for _ in 0..rng.random_range(0..=8) {
            let reviewer = (subject + rng.random_range(1..people)) % people;
            responses.push(Response {
                id: 9_100_000_000 + responses.len() as u64,
                reviewer: person_id(reviewer),
                subject,
                answers: random_answers(rng),
            });
        }
    }
    (team_of, responses)
}

fn views(team_of: &[usize], responses: &[Response]) -> Vec<(ViewKey, BTreeSet<u64>)> {
    let about = |keep: &dyn Fn(usize) -> bool| -> BTreeSet<u64> {
        responses
            .iter()
            .filter(|r| keep(r.subject))
            .map(|r| r.id)
            .collect()
    };
    let teams: BTreeSet<usize> = team_of.iter().copied().collect();
    let people = (0..team_of.len()).map(|p| (ViewKey::Person(p), about(&|s| s == p)));
    let teams = teams
        .into_iter()
        .map(|t| (ViewKey::Team(t), about(&|s| team_of[s] == t)));
    people
        .chain(teams)
        .chain([(ViewKey::Org, about(&|_| true))])
        .collect()
}

fn sorted(mut texts: Vec<String>) -> Vec<String> {
    texts.sort();
    texts
}

fn check_aggregate(view: &BTreeSet<u64>, responses: &[Response], k: usize, rng: &mut StdRng) {
    let inputs: Vec<&Response> = responses.iter().filter(|r| view.contains(&r.id)).collect();
    let answers: Vec<PeerAnswers> = inputs.iter().map(|r| r.answers.clone()).collect();
    let scales = QUESTIONS.map(|question| Scale {
        question,
        levels: 5,
    });
    let result = aggregate(&scales, &answers, k, rng);
    let json = serde_json::to_string(&result).expect("a view serialises");
    for response in &inputs {
        for id in [response.id, response.reviewer, person_id(response.subject)] {
            assert!(!json.contains(&id.to_string()), "{id} leaked into {json}");
        }
    }
    let (respondents, ratings, comments) = shown(result);
    assert!(respondents >= k);
    assert_eq!(ratings.len(), QUESTIONS.len());
    for question in &ratings {
        assert!(question.respondents >= k, "{question:?}");
        assert_eq!(
            question.distribution.iter().sum::<usize>(),
            question.respondents
        );
    }
    for question in QUESTIONS {
        let given: Vec<String> = answers
            .iter()
            .filter_map(|a| a.comments.get(question).cloned())
            .collect();
        let out = comments.get(question).cloned().unwrap_or_default();
        assert_eq!(sorted(out), sorted(given), "comments on {question}");
    }
}

fn check_differences(released: &[&BTreeSet<u64>], k: usize) {
    for (i, a) in released.iter().enumerate() {
        for b in &released[i + 1..] {
            if a.is_disjoint(b) {
                continue;
            }
            for only in [a.difference(b).count(), b.difference(a).count()] {
                assert!(
                    only == 0 || only >= k,
                    "a difference of {only} with k = {k}"
                );
            }
        }
    }
}

#[test]
fn released_views_never_reveal_a_reviewer_in_random_organisations() {
    let (mut released_total, mut withheld_by_difference) = (0, 0);
    for seed in 0..300 {
        let mut rng = StdRng::seed_from_u64(seed);
        let (team_of, responses) = random_org(&mut rng);
        let k = rng.random_range(3..=6);
        let views = views(&team_of, &responses);
        let keys = releasable(&views, k);
        let released: Vec<&BTreeSet<u64>> = views
            .iter()
            .filter(|(key, _)| keys.contains(key))
            .map(|(_, ids)| ids)
            .collect();
        for ids in &released {
            assert!(
                ids.len() >= k,
                "seed {seed}: {} responses, k = {k}",
                ids.len()
            );
            check_aggregate(ids, &responses, k, &mut rng);
        }
        check_differences(&released, k);
        released_total += released.len();
        withheld_by_difference += views.iter().filter(|(_, ids)| ids.len() >= k).count();
        withheld_by_difference -= released.len();
    }
    assert!(released_total > 0, "no view was ever released");
    assert!(
        withheld_by_difference > 0,
        "no view was ever withheld for its difference"
    );
}
