use rand::SeedableRng as _;
use rand::rngs::StdRng;

use super::*;
use crate::reviews::form::{Asked, Question, Section};

fn rating(id: &str, prompt: &str) -> Question {
    Question {
        id: id.to_owned(),
        prompt: prompt.to_owned(),
        answer: Answer::Rating {
            anchors: (1..=5).map(|n| format!("level {n}")).collect(),
        },
        asked: Asked::All,
        weight: 1,
        optional: false,
    }
}

fn text(id: &str, prompt: &str, asked: Asked) -> Question {
    Question {
        id: id.to_owned(),
        prompt: prompt.to_owned(),
        answer: Answer::Text { max_chars: 1_000 },
        asked,
        weight: 1,
        optional: true,
    }
}

fn form() -> Form {
    Form {
        sections: vec![
            Section {
                title: "Craft".to_owned(),
                weight: 1,
                questions: vec![rating("quality", "Quality of work")],
            },
            Section {
                title: "In words".to_owned(),
                weight: 1,
                questions: vec![
                    text("keep", "Keep doing", Asked::Peers),
                    text("summary", "Summary", Asked::Manager),
                ],
            },
        ],
    }
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn peers(count: usize) -> Vec<Answers> {
    (0..count)
        .map(|n| {
            let level = if n % 2 == 0 { "3" } else { "4" };
            answers(&[("quality", level), ("keep", &format!("comment number {n}"))])
        })
        .collect()
}

fn run(count: usize) -> Results {
    let me = answers(&[("quality", "5")]);
    let manager = answers(&[("quality", "4"), ("summary", "A strong half year.")]);
    let mut rng = StdRng::seed_from_u64(7);
    results(
        &form(),
        Formula::default(),
        5,
        (&me, &manager),
        &peers(count),
        &mut rng,
    )
}

#[test]
fn enough_peers_are_shown_together_and_scored_with_the_manager() {
    let results = run(5);
    let quality = results.scores.questions["quality"];
    // Manager 4 (weight 2), peers (3+4+3+4+3)/5 = 3.4 (weight 1), self left out.
    assert!((quality - (8.0 + 3.4) / 3.0).abs() < 1e-9, "{quality}");
    let text = format!(
        "{:?}",
        message(("2026 H2", 1), "Ben", &form(), &results, true).blocks
    );
    for expected in [
        "Overall: 3.8 of 5",
        "Quality of work: 3.8 (manager 4 · peers 3.4 · self 5)",
        "From 5 peers, together",
        "1: 0, 2: 0, 3: 3, 4: 2, 5: 0",
        "Summary — manager: A strong half year.",
        "comment number 0",
        "comment number 4",
        ACKNOWLEDGE,
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn too_few_peers_show_nothing_of_theirs_not_even_how_many() {
    let results = run(4);
    assert!(matches!(results.peers, PeerView::Withheld { needed: 5 }));
    assert_eq!(
        results.scores.questions["quality"], 4.0,
        "the manager alone"
    );
    let text = format!(
        "{:?}",
        message(("2026 H2", 1), "Ben", &form(), &results, false).blocks
    );
    assert!(
        text.contains("once at least 5 peers have answered"),
        "{text}"
    );
    for hidden in ["comment number", "peers 3", "4 peers", ACKNOWLEDGE] {
        assert!(!text.contains(hidden), "{hidden}: {text}");
    }
}
