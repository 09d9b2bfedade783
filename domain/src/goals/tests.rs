use chrono::NaiveDate;

use super::model::*;

#[test]
fn a_quarter_reads_the_ways_people_write_it() {
    for text in ["2026-Q4", "2026Q4", "Q4 2026", "q4-2026", " 2026-q4 "] {
        assert_eq!(
            GoalPeriod::parse(text).unwrap().to_string(),
            "2026-Q4",
            "{text}"
        );
    }
    for bad in [
        "2026", "2026-Q5", "2026-Q0", "Q4", "1999-Q1", "2026-4", "soon",
    ] {
        let refused = GoalPeriod::parse(bad).unwrap_err();
        assert!(refused.0.contains("2026-Q4"), "{bad}: {}", refused.0);
    }
}

#[test]
fn a_quarter_knows_its_days_and_the_next() {
    let q4 = GoalPeriod::parse("2026-Q4").unwrap();
    assert_eq!(
        q4.first_day(),
        NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
    );
    assert_eq!(
        q4.last_day(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
    );
    assert_eq!(q4.next().to_string(), "2027-Q1");
    let q1 = GoalPeriod::of(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
    assert_eq!(q1.to_string(), "2027-Q1");
    assert_eq!(q1.last_day(), NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
    let late = "2026-12-31T23:30:00Z".parse().unwrap();
    assert_eq!(
        GoalPeriod::current(late, chrono_tz::Europe::Berlin).to_string(),
        "2027-Q1",
        "already the new year in Berlin"
    );
}

#[test]
fn a_key_result_must_point_the_way_it_moves() {
    let refused =
        KeyResult::new("Active teams", 20.0, 10.0, "teams", Direction::Increase).unwrap_err();
    assert!(
        refused.0.contains("must be above its start"),
        "{}",
        refused.0
    );
    let refused =
        KeyResult::new("p99 latency", 200.0, 300.0, "ms", Direction::Decrease).unwrap_err();
    assert!(
        refused.0.contains("must be below its start"),
        "{}",
        refused.0
    );
    assert!(KeyResult::new("Flat", 5.0, 5.0, "", Direction::Increase).is_err());
    assert!(KeyResult::new("", 0.0, 5.0, "", Direction::Increase).is_err());
    assert!(KeyResult::new("NaN", f64::NAN, 5.0, "", Direction::Increase).is_err());
    assert!(KeyResult::new("Units", 0.0, 5.0, &"x".repeat(21), Direction::Increase).is_err());
}

#[test]
fn progress_runs_from_start_to_target_either_way() {
    let mut teams =
        KeyResult::new("Active teams", 10.0, 30.0, "teams", Direction::Increase).unwrap();
    assert_eq!(teams.current, 10.0, "a new result stands at its start");
    assert_eq!(teams.progress(), 0.0);
    teams.current = 25.0;
    assert_eq!(teams.progress(), 0.75);
    assert_eq!(teams.describe(), "25 / 30 teams");
    teams.current = 40.0;
    assert_eq!(
        teams.progress(),
        1.0,
        "past the target counts as the target"
    );
    teams.current = 5.0;
    assert_eq!(
        teams.progress(),
        0.0,
        "behind the start counts as the start"
    );

    let mut latency =
        KeyResult::new("p99 latency", 400.0, 200.0, "ms", Direction::Decrease).unwrap();
    latency.current = 250.0;
    assert_eq!(latency.progress(), 0.75);

    let goal = Measure::key_results(vec![teams, latency]).unwrap();
    assert_eq!(goal.progress(), 0.375);
    assert_eq!(Measure::Check { done: true }.progress(), 1.0);
    assert_eq!(Measure::Check { done: false }.progress(), 0.0);
    assert!(Measure::key_results(Vec::new()).is_err());
}

#[test]
fn statuses_titles_weights_and_numbers_read_as_typed() {
    assert_eq!(GoalStatus::parse("At risk").unwrap(), GoalStatus::AtRisk);
    assert_eq!(
        GoalStatus::parse("off-track").unwrap(),
        GoalStatus::OffTrack
    );
    assert!(GoalStatus::parse("great").is_err());
    assert!(GoalTitle::parse("ab").is_err());
    assert!(GoalTitle::parse(&"x".repeat(201)).is_err());
    assert_eq!(GoalTitle::parse("  Ship v2  ").unwrap().as_str(), "Ship v2");
    assert_eq!(weight("3").unwrap(), 3);
    assert!(weight("0").is_err() && weight("101").is_err() && weight("two").is_err());
    assert_eq!(parse_number("1,200").unwrap(), 1200.0);
    assert_eq!(parse_number("45%").unwrap(), 45.0);
    assert!(parse_number("lots").is_err());
    assert_eq!(number(12.0), "12");
    assert_eq!(number(12.5), "12.5");
    assert_eq!(number(0.126), "0.13");
    assert_eq!(description("  ").unwrap(), None);
    assert!(description(&"x".repeat(2_001)).is_err());
}

mod typed {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Utc};

    use super::super::achievement::achievement;
    use super::super::messages::{bar, progress_form};
    use super::super::parse::{AddFor, GoalsCommand, command, key_result, key_results, parent};
    use super::super::workflow::read_measure;
    use super::*;
    use crate::chat::Input;
    use crate::people::{PersonId, TeamName};
    use crate::ports::{Goal, GoalHistoryEntry};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn key_results_are_read_the_ways_people_type_them() {
        let up = key_result("Teams onboarded: 0 -> 20 teams").unwrap();
        assert_eq!(
            (up.start, up.target, up.unit.as_str()),
            (0.0, 20.0, "teams")
        );
        assert_eq!(up.direction, Direction::Increase);
        let down = key_result("p99 latency: 300 down to 150 ms").unwrap();
        assert_eq!((down.start, down.target), (300.0, 150.0));
        assert_eq!(down.direction, Direction::Decrease);
        let from_zero = key_result("Customers interviewed: 12").unwrap();
        assert_eq!((from_zero.start, from_zero.target), (0.0, 12.0));
        let percent = key_result("Test coverage: 45 → 80%").unwrap();
        assert_eq!(
            (percent.start, percent.target, percent.unit.as_str()),
            (45.0, 80.0, "%")
        );
        let words = key_result("Revenue: 1,200 to 2,500 k€").unwrap();
        assert_eq!((words.start, words.target), (1200.0, 2500.0));
        assert_eq!(key_results("\n  \n").unwrap(), Vec::new());
    }

    #[test]
    fn a_target_below_the_start_of_an_increasing_result_is_refused_by_line() {
        let refused = key_results("Teams: 0 -> 20\nNPS: 40 -> 30").unwrap_err();
        assert!(refused.0.starts_with("Key result 2: "), "{}", refused.0);
        assert!(
            refused.0.contains("must be above its start"),
            "{}",
            refused.0
        );
        assert!(refused.0.contains("decreasing"), "{}", refused.0);
        let refused = key_results("just words").unwrap_err();
        assert!(refused.0.contains("name: start -> target"), "{}", refused.0);
        let refused = key_result("Teams: zero -> 20").unwrap_err();
        assert!(
            refused.0.contains("`zero` is not a number"),
            "{}",
            refused.0
        );
        let eleven: Vec<String> = (0..11).map(|n| format!("R{n}: {n} -> 100")).collect();
        assert!(
            key_results(&eleven.join("\n"))
                .unwrap_err()
                .0
                .contains("at most 10")
        );
    }

    #[test]
    fn goals_commands_and_parents_are_read_from_their_words() {
        assert_eq!(command(""), Ok(GoalsCommand::Mine));
        assert_eq!(command("team"), Ok(GoalsCommand::Team));
        assert_eq!(command("add"), Ok(GoalsCommand::Add(AddFor::Me)));
        assert_eq!(
            command("add company"),
            Ok(GoalsCommand::Add(AddFor::Company))
        );
        assert_eq!(
            command("add team Data Platform"),
            Ok(GoalsCommand::Add(AddFor::Team(
                TeamName::parse("Data Platform").unwrap()
            )))
        );
        assert!(
            command("add Platform")
                .unwrap_err()
                .contains("/goals add team")
        );
        assert!(
            command("dance")
                .unwrap_err()
                .starts_with("I don't know `/goals dance`")
        );
        assert_eq!(parent("#12").unwrap(), Some(GoalId(12)));
        assert_eq!(parent(" ").unwrap(), None);
        assert!(parent("twelve").unwrap_err().0.contains("goal number"));
    }

    fn goal(id: i64, owner: GoalOwner, measure: Measure, weight: u32) -> Goal {
        Goal {
            id: GoalId(id),
            owner,
            period: GoalPeriod::parse("2026-Q1").unwrap(),
            title: GoalTitle::parse("A goal").unwrap(),
            description: None,
            weight,
            parent: None,
            measure,
            status: GoalStatus::OnTrack,
            created_at: at("2026-01-05T09:00:00Z"),
            updated_at: at("2026-01-05T09:00:00Z"),
        }
    }

    fn results(count: usize) -> Measure {
        let results = (0..count)
            .map(|n| KeyResult::new(&format!("R{n}"), 0.0, 10.0, "", Direction::Increase))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        Measure::key_results(results).unwrap()
    }

    #[test]
    fn the_progress_form_fits_discord_and_reads_back() {
        let me = GoalOwner::Person(PersonId(1));
        for (count, fields) in [(1, 3), (3, 5), (4, 3), (10, 3)] {
            let form = progress_form(&goal(1, me.clone(), results(count), 1));
            assert_eq!(form.fields.len(), fields, "{count} key results");
            assert!(form.fields.len() <= 5);
        }
        let check = progress_form(&goal(1, me, Measure::Check { done: false }, 1));
        assert!(matches!(check.fields[0].input, Input::Choice { .. }));

        let answers = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let two = results(2);
        let read = read_measure(&two, &answers(&[("kr0", "4"), ("kr1", "10")])).unwrap();
        assert!((read.progress() - 0.7).abs() < 1e-9);
        let refused = read_measure(&two, &answers(&[("kr0", "4"), ("kr1", "lots")])).unwrap_err();
        assert_eq!(refused.0, "kr1");
        let four = results(4);
        let lines = "R0: 1\nR1: 2\nR2: 3\nR3: 4";
        let read = read_measure(&four, &answers(&[("results", lines)])).unwrap();
        assert!((read.progress() - 0.25).abs() < 1e-9);
        let short = read_measure(&four, &answers(&[("results", "R0: 1")])).unwrap_err();
        assert!(short.1.contains("all 4 key results"));
    }

    #[test]
    fn progress_bars_show_tenths_and_percent() {
        assert_eq!(bar(0.0), "`░░░░░░░░░░` 0%");
        assert_eq!(bar(0.6), "`▓▓▓▓▓▓░░░░` 60%");
        assert_eq!(bar(1.7), "`▓▓▓▓▓▓▓▓▓▓` 100%");
    }

    #[test]
    fn achievement_is_computed_from_the_history_as_it_stood() {
        let ana = GoalOwner::Person(PersonId(1));
        let goals = vec![
            goal(1, ana.clone(), results(1), 3),
            goal(2, ana.clone(), Measure::Check { done: false }, 1),
            goal(3, ana, results(1), 1),
        ];
        let entry = |goal: i64, when: &str, measure: Measure, status| GoalHistoryEntry {
            goal: GoalId(goal),
            by: None,
            measure,
            status,
            comment: None,
            at: at(when),
        };
        let mut reached = results(1);
        if let Measure::KeyResults { results } = &mut reached {
            results[0].current = 10.0;
        }
        let history = vec![
            entry(1, "2026-01-05T09:00:00Z", results(1), GoalStatus::OnTrack),
            entry(1, "2026-03-20T09:00:00Z", reached, GoalStatus::OnTrack),
            entry(
                2,
                "2026-01-05T09:00:00Z",
                Measure::Check { done: false },
                GoalStatus::OnTrack,
            ),
            entry(3, "2026-01-05T09:00:00Z", results(1), GoalStatus::OnTrack),
            entry(3, "2026-02-01T09:00:00Z", results(1), GoalStatus::Dropped),
        ];
        let by_owner = |_: &Goal| vec!["Ana".to_owned()];
        let report = achievement(&goals, &history, by_owner);
        assert_eq!(report.len(), 1);
        let ana = &report[0];
        assert_eq!(
            (ana.goals, ana.achieved),
            (2, 1),
            "the dropped goal counts for nothing"
        );
        assert!((ana.rate - 0.5).abs() < 1e-9);
        assert!((ana.score - 0.75).abs() < 1e-9, "weighted 3:1");

        let before = &history[..1];
        let report = achievement(&goals, before, by_owner);
        assert_eq!(
            (report[0].goals, report[0].achieved),
            (1, 0),
            "as it stood then"
        );
    }
}
