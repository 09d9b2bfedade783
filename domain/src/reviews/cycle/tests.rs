use super::*;

const CYCLE: &str = r#"
[[review_cycle]]
name = "2026 H2"
participants = "team:Platform"
min_responses = 4
nominations = { min = 2, max = 4 }
deadlines = { nominations = "2026-12-01", self_reviews = "2026-12-08", peer_reviews = "2026-12-15", manager_reviews = "2026-12-20", release = "2027-01-08" }

[[review_cycle.section]]
title = "Craft"
weight = 2

[[review_cycle.section.question]]
id = "quality"
prompt = "Quality of their work"
kind = "rating"
levels = ["Often needs rework", "Needs some rework", "Solid", "Raises the bar", "Sets the bar"]

[[review_cycle.section.question]]
id = "mentoring"
prompt = "How they help others grow"
kind = "rating"
levels = ["Rarely", "Sometimes", "Often", "Usually", "Always"]
for = "peers"

[[review_cycle.section]]
title = "Summary"

[[review_cycle.section.question]]
id = "summary"
prompt = "Your summary"
kind = "text"
for = "manager"
max_chars = 2000
"#;

#[derive(Deserialize)]
struct File {
    review_cycle: Vec<CycleDoc>,
}

fn read(text: &str) -> (Vec<CycleSpec>, Vec<String>) {
    let file: File = toml::from_str(text).unwrap();
    let mut found = Vec::new();
    let cycles = read_cycles(&file.review_cycle, &mut found);
    (cycles, found)
}

#[test]
fn a_cycle_reads_every_key_and_takes_defaults_for_the_rest() {
    let (cycles, found) = read(CYCLE);
    assert_eq!(found, Vec::<String>::new());
    let cycle = &cycles[0];
    assert_eq!(cycle.name, "2026 H2");
    assert!(matches!(&cycle.participants, Audience::Team(team) if team.as_str() == "Platform"));
    assert!(cycle.anonymous_peers, "anonymous unless said otherwise");
    assert_eq!(cycle.min_responses, 4);
    assert_eq!(cycle.nominations, Nominations::new(2, 4).unwrap());
    assert_eq!(cycle.formula, Formula::default());
    assert_eq!(cycle.reminders.len(), 3);
    assert_eq!(cycle.deadlines.of(Phase::Calibration), None);
    assert_eq!(cycle.form.sections[0].weight, 2);
    assert_eq!(cycle.form.sections[1].weight, 1);
    assert_eq!(cycle.form.levels(), Some(5));
    assert_eq!(cycle.form.sections[0].questions[1].asked, Asked::Peers);
    assert_eq!(
        cycle.form.sections[1].questions[0].answer,
        Answer::Text { max_chars: 2_000 }
    );
}

#[test]
fn every_problem_is_named_by_cycle_and_key() {
    let bad = CYCLE
        .replace("team:Platform", "channel:C123")
        .replace("min_responses = 4", "min_responses = 2")
        .replace("max = 4", "max = 1")
        .replace(
            "self_reviews = \"2026-12-08\"",
            "self_reviews = \"2026-11-08\"",
        )
        .replace("release = \"2027-01-08\"", "release = \"soon\"")
        .replace("for = \"peers\"", "for = \"friends\"")
        .replace("kind = \"text\"", "kind = \"essay\"");
    let (cycles, found) = read(&bad);
    assert!(cycles.is_empty());
    for expected in [
        "review_cycle `2026 H2`: participants: a channel is not a list of people",
        "review_cycle `2026 H2`: min_responses: 2 would let too few answers point to a reviewer",
        "review_cycle `2026 H2`: nominations: give min and max with 1 ≤ min ≤ max ≤ 10",
        "review_cycle `2026 H2`: deadlines: release: the date `soon` is not a date",
        "review_cycle `2026 H2`: section `Craft`: question `mentoring`: for: `friends` is not a reviewer",
        "review_cycle `2026 H2`: section `Summary`: question `summary`: kind: `essay` is not a question kind",
    ] {
        assert!(
            found.iter().any(|problem| problem.starts_with(expected)),
            "{expected}: {found:#?}"
        );
    }
    let twice = format!("{CYCLE}{CYCLE}");
    let (cycles, found) = read(&twice);
    assert_eq!(cycles.len(), 1);
    assert_eq!(
        found,
        ["review_cycle `2026 H2` is defined twice; names must be unique"]
    );
}

#[test]
fn deadlines_out_of_order_and_a_form_on_two_scales_are_refused() {
    let bad = CYCLE
        .replace(
            "self_reviews = \"2026-12-08\"",
            "self_reviews = \"2026-11-08\"",
        )
        .replace(
            "levels = [\"Rarely\", \"Sometimes\", \"Often\", \"Usually\", \"Always\"]",
            "levels = [\"Rarely\", \"Often\", \"Always\"]",
        );
    let (_, found) = read(&bad);
    for expected in [
        "review_cycle `2026 H2`: deadlines: self_reviews (2026-11-08) ends before nominations",
        "review_cycle `2026 H2`: section `Craft`: question `mentoring`: it has 3 levels, but the form's first rating has 5",
    ] {
        assert!(
            found.iter().any(|problem| problem.starts_with(expected)),
            "{expected}: {found:#?}"
        );
    }
}

#[test]
fn a_cycle_is_stored_and_read_back_whole() {
    let (cycles, _) = read(&CYCLE.replace("team:Platform", "people:ana@x.com,ben@x.com"));
    let cycle = &cycles[0];
    let back = CycleSpec::from_stored(&cycle.name, cycle.to_stored()).unwrap();
    assert_eq!(&back, cycle);
    assert!(CycleSpec::from_stored("x", serde_json::json!({"form": 1})).is_err());
}
