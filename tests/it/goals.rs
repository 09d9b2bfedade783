//! `rhythm goals …` as HR uses it: goals set one by one and from a file, listed, refused when
//! wrong (with nothing stored), and their achievement per person and team.

use chrono::Utc;
use rhythm_domain::goals::{GoalId, GoalPeriod, GoalStatus, Measure};
use rhythm_domain::people::{Email, PersonId};
use rhythm_domain::ports::{Directory as _, GoalUpdate, Goals as _, PeopleFilter};
use serde_json::{Value, json};

use crate::support::{Rhythm, Run, path_str};

const PEOPLE: &str = "email,name,timezone,team\n\
ana@example.com,Ana Lima,UTC,Platform\n\
ben@example.com,Ben Okafor,UTC,Platform\n\
cara@example.com,Cara Diaz,UTC,Sales\n";

async fn with_people() -> Rhythm {
    let rhythm = Rhythm::new().await;
    let run = rhythm.import(PEOPLE, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    rhythm
}

/// The quarter the binary defaults to for these people (all in UTC).
fn this_quarter() -> GoalPeriod {
    GoalPeriod::current(Utc::now(), chrono_tz::UTC)
}

fn json_of(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON on stdout")
}

/// `goals add ARGS… --json`: the new goal's id.
fn add(rhythm: &Rhythm, args: &[&str]) -> i64 {
    let mut all = vec!["goals", "add"];
    all.extend_from_slice(args);
    all.push("--json");
    let goal = json_of(&rhythm.run(&all));
    goal["id"].as_i64().expect("the goal's id")
}

fn goals(rhythm: &Rhythm) -> Value {
    json_of(&rhythm.run(&["goals", "list", "--json"]))
}

async fn stored(rhythm: &Rhythm) -> [i64; 3] {
    [
        rhythm.db.count("SELECT COUNT(*) FROM goals").await,
        rhythm.db.count("SELECT COUNT(*) FROM goal_updates").await,
        rhythm
            .db
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'goal.add'")
            .await,
    ]
}

#[tokio::test]
async fn company_team_and_personal_goals_cascade_and_list_as_a_table_and_as_json() {
    let rhythm = with_people().await;
    let next = this_quarter().next().to_string();

    let company = rhythm.run(&[
        "goals",
        "add",
        "--owner",
        "company",
        "--title",
        "Grow the customer base",
        "--key-result",
        "Paying customers: 120 -> 150 customers",
    ]);
    assert_eq!(company.code, 0, "{}", company.stderr);
    assert!(
        company.stdout.starts_with("Added goal #")
            && company.stdout.contains("Grow the customer base · company"),
        "{}",
        company.stdout
    );
    let company_id = goals(&rhythm)[0]["id"].as_i64().unwrap();
    let company_ref = company_id.to_string();
    let team_id = add(
        &rhythm,
        &[
            "--owner",
            "team:platform",
            "--title",
            "Faster onboarding",
            "--description",
            "New teams productive in a day",
            "--period",
            &next,
            "--weight",
            "3",
            "--parent",
            &company_ref,
            "--key-result",
            "Teams onboarded: 0 -> 20 teams",
            "--key-result",
            "p99 latency: 300 down to 150 ms",
        ],
    );
    let team_ref = format!("#{team_id}");
    let ana_id = add(
        &rhythm,
        &[
            "--owner",
            "ana@example.com",
            "--title",
            "Write the onboarding guide",
            "--parent",
            &team_ref,
        ],
    );

    let table = rhythm.run(&["goals", "list"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    for expected in [
        "OWNER",
        "PROGRESS",
        "team:Platform",
        "ana@example.com",
        "Faster onboarding",
        &format!("#{company_id}"),
        &team_ref,
        "3 goal(s).",
    ] {
        assert!(
            table.stdout.contains(expected),
            "{expected}: {}",
            table.stdout
        );
    }

    let listed = goals(&rhythm);
    let quarter = this_quarter().to_string();
    let summary: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|goal| {
            let [id, owner, kind, period, weight, parent, status] = [
                "id",
                "owner",
                "owner_kind",
                "period",
                "weight",
                "parent",
                "status",
            ]
            .map(|key| goal[key].to_string().replace('"', ""));
            let measure = goal["measure"]["type"].as_str().unwrap();
            format!(
                "{id} {owner} ({kind}) {period} weight {weight} under {parent}: {status}, {measure}"
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            format!(
                "{company_id} company (company) {quarter} weight 1 under null: on_track, key_results"
            ),
            format!(
                "{ana_id} ana@example.com (person) {quarter} weight 1 under {team_id}: on_track, check"
            ),
            format!(
                "{team_id} team:Platform (team) {next} weight 3 under {company_id}: on_track, key_results"
            ),
        ],
        "by quarter, then company, teams, people"
    );
    let team = &listed[2];
    assert_eq!(team["description"], "New teams productive in a day");
    assert_eq!(team["progress"], 0.0);
    assert_eq!(
        team["measure"]["results"][1],
        json!({ "name": "p99 latency", "start": 300.0, "target": 150.0, "current": 300.0,
                "unit": "ms", "direction": "decrease" })
    );

    let platform = json_of(&rhythm.run(&["goals", "list", "--owner", "team:Platform", "--json"]));
    assert_eq!(platform.as_array().unwrap().len(), 1);
    let this = json_of(&rhythm.run(&["goals", "list", "--period", &quarter, "--json"]));
    assert_eq!(this.as_array().unwrap().len(), 2);
    let anas = json_of(&rhythm.run(&["goals", "list", "--owner", "ana@example.com", "--json"]));
    assert_eq!(anas[0]["id"], ana_id);
    assert_eq!(stored(&rhythm).await, [3, 3, 3]);
}

#[tokio::test]
async fn each_bad_goal_is_refused_with_its_reason_and_nothing_is_stored() {
    let rhythm = with_people().await;
    let title = ["--title", "Ship the thing"];
    let cases: [(&[&str], &str); 10] = [
        (
            &["--owner", "nobody@example.com"],
            "--owner: nobody has the email nobody@example.com",
        ),
        (
            &["--owner", "team:Ghosts"],
            "--owner: there is no team `Ghosts`",
        ),
        (&["--owner", "everyone"], "`everyone` is not an owner"),
        (
            &["--owner", "company", "--parent", "999"],
            "--parent: there is no goal #999",
        ),
        (
            &["--owner", "company", "--period", "2026-Q5"],
            "--period: `2026-Q5` is not a quarter",
        ),
        (
            &["--owner", "company", "--period", "2020-Q1"],
            "--period: 2020-Q1 has ended",
        ),
        (
            &[
                "--owner",
                "ana@example.com",
                "--key-result",
                "Teams: 20 -> 5 teams",
            ],
            "--key-result: Key result 1: “Teams” should increase, so its target (5)",
        ),
        (
            &["--owner", "company", "--weight", "0"],
            "--weight: `0` is not a weight",
        ),
        (
            &["--owner", "company", "--weight", "101"],
            "--weight: `101` is not a weight",
        ),
        (
            &["--owner", "company", "--title", "ab"],
            "--title: Give the goal a title of at least 3 characters",
        ),
    ];
    for (args, says) in cases {
        let mut command = vec!["goals", "add"];
        if !args.contains(&"--title") {
            command.extend_from_slice(&title);
        }
        command.extend_from_slice(args);
        let refused = rhythm.run(&command);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stdout);
        assert!(
            refused.stderr.contains(says),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(refused.stderr.contains("Nothing was saved."), "{args:?}");
        assert_eq!(refused.stdout, "", "{args:?}");
    }
    assert_eq!(goals(&rhythm), json!([]));
    assert_eq!(stored(&rhythm).await, [0, 0, 0]);
}

const IMPORT_HEADER: &str = "owner,period,title,description,weight,parent,key_results,status";

#[tokio::test]
async fn a_goals_file_is_checked_then_imported_with_its_key_results_and_statuses_once() {
    let rhythm = with_people().await;
    let company = add(
        &rhythm,
        &["--owner", "company", "--title", "Grow the customer base"],
    );
    let quarter = this_quarter();
    // CRLF, as spreadsheets write it; a quoted title holding a comma.
    let text = format!(
        "{IMPORT_HEADER}\r\n\
         team:Platform,{quarter},Faster onboarding,,3,{company},Teams onboarded: 0 -> 20 teams; \
         p99 latency: 300 down to 150 ms,\r\n\
         ana@example.com,,Write the guide,Step by step,,#{company},Pages: 0 -> 12 pages,at_risk\r\n\
         ben@example.com,,\"Learn Rust, properly\",,2,,,done\r\n"
    );
    let path = rhythm.file("goals.csv", &text);
    let file = path_str(&path);

    let dry = rhythm.run(&["goals", "import", file, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.contains("would add 3 goal(s)"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("line 4  Learn Rust, properly"),
        "{}",
        dry.stdout
    );
    assert_eq!(stored(&rhythm).await, [1, 1, 1], "a dry run stores nothing");

    let run = rhythm.run(&["goals", "import", file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("3 goal(s) added, 0 skipped"),
        "{}",
        run.stdout
    );

    let listed = goals(&rhythm);
    let by_title = |title: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|goal| goal["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {listed}"))
            .clone()
    };
    let team = by_title("Faster onboarding");
    assert_eq!(
        [
            &team["owner"],
            &team["weight"],
            &team["parent"],
            &team["status"]
        ],
        [
            &json!("team:Platform"),
            &json!(3),
            &json!(company),
            &json!("on_track")
        ]
    );
    let results = team["measure"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["direction"], "decrease");
    let guide = by_title("Write the guide");
    assert_eq!(guide["status"], "at_risk");
    assert_eq!(guide["description"], "Step by step");
    assert_eq!(guide["measure"]["results"][0]["target"], 12.0);
    let rust = by_title("Learn Rust, properly");
    assert_eq!(
        [
            &rust["owner"],
            &rust["status"],
            &rust["progress"],
            &rust["measure"]
        ],
        [
            &json!("ben@example.com"),
            &json!("done"),
            &json!(1.0),
            &json!({ "type": "check", "done": true })
        ]
    );
    // Each goal's first entry, and the two statuses recorded by their owners.
    assert_eq!(stored(&rhythm).await, [4, 6, 4]);
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(*) FROM goal_updates WHERE person_id IS NOT NULL")
            .await,
        2
    );

    let again = rhythm.run(&["goals", "import", file, "--json"]);
    let report = json_of(&again);
    assert_eq!(report["added"], json!([]));
    assert_eq!(report["skipped"].as_array().unwrap().len(), 3);
    assert_eq!(
        stored(&rhythm).await,
        [4, 6, 4],
        "a second import adds nothing"
    );
}

#[tokio::test]
async fn a_goals_file_with_bad_rows_names_each_by_line_and_stores_nothing() {
    let rhythm = with_people().await;
    // Line 4 is blank: the bad rows are on lines 3 and 5.
    let text = format!(
        "{IMPORT_HEADER}\r\n\
         ana@example.com,,A good goal,,,,,\r\n\
         nobody@example.com,,Another goal,,,,,\r\n\
         \r\n\
         team:Platform,,Third goal,,,,Errors: 50 -> 10,at_risk\r\n"
    );
    let path = rhythm.file("goals.csv", &text);
    let run = rhythm.run(&["goals", "import", path_str(&path)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    for expected in [
        "line 3: owner: nobody has the email nobody@example.com",
        "line 5: key_results: Key result 1: “Errors” should increase",
        "line 5: status: a team's or the company's goal starts on track",
        "3 problem(s); nothing was added",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    assert!(!run.stderr.contains("line 2"), "{}", run.stderr);

    let json = rhythm.run(&["goals", "import", path_str(&path), "--json"]);
    assert_eq!(json.code, 2);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let lines: Vec<&Value> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| &problem["line"])
        .collect();
    assert_eq!(lines, [&json!(3), &json!(5), &json!(5)]);

    assert_eq!(goals(&rhythm), json!([]));
    assert_eq!(stored(&rhythm).await, [0, 0, 0]);
}

async fn person(rhythm: &Rhythm, email: &str) -> PersonId {
    let filter = PeopleFilter {
        email: Some(Email::parse(email).unwrap()),
        ..PeopleFilter::default()
    };
    rhythm.db.store.people(&filter).await.unwrap()[0].id
}

/// Records progress on goal `id` through the store, as the chat workflow would.
async fn progress(rhythm: &Rhythm, id: i64, by: PersonId, status: GoalStatus, measure: Measure) {
    let update = GoalUpdate {
        goal: GoalId(id),
        by,
        measure,
        status,
        comment: None,
        at: Utc::now(),
    };
    let updated = rhythm.db.store.update_goal(&update).await.unwrap();
    assert!(updated.is_some(), "goal {id} is updated");
}

fn with_current(measure: &Value, current: f64) -> Measure {
    let Measure::KeyResults { mut results } = serde_json::from_value(measure.clone()).unwrap()
    else {
        panic!("key results: {measure}");
    };
    results[0].current = current;
    Measure::KeyResults { results }
}

#[tokio::test]
async fn achievement_gives_each_person_and_team_their_rate_and_weighted_score() {
    let rhythm = with_people().await;
    let ana = person(&rhythm, "ana@example.com").await;
    let ben = person(&rhythm, "ben@example.com").await;
    let docs = add(
        &rhythm,
        &[
            "--owner",
            "ana@example.com",
            "--title",
            "Write docs",
            "--weight",
            "3",
            "--key-result",
            "Pages: 0 -> 10 pages",
        ],
    );
    let talk = add(
        &rhythm,
        &["--owner", "ana@example.com", "--title", "Give a talk"],
    );
    let tickets = add(
        &rhythm,
        &[
            "--owner",
            "ben@example.com",
            "--title",
            "Close tickets",
            "--weight",
            "2",
            "--key-result",
            "Tickets: 0 -> 4",
        ],
    );
    let retired = add(
        &rhythm,
        &["--owner", "team:Platform", "--title", "Retire the old API"],
    );
    add(
        &rhythm,
        &["--owner", "company", "--title", "Open an office"],
    );
    let listed = goals(&rhythm);
    let measure = |id: i64| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|goal| goal["id"] == id)
            .unwrap()["measure"]
            .clone()
    };

    // Ana's docs half written, her talk given; Ben's tickets all closed (achieved, though
    // still marked on track); the team's goal dropped (it counts nowhere).
    progress(
        &rhythm,
        docs,
        ana,
        GoalStatus::OnTrack,
        with_current(&measure(docs), 5.0),
    )
    .await;
    progress(
        &rhythm,
        talk,
        ana,
        GoalStatus::Done,
        Measure::Check { done: true },
    )
    .await;
    progress(
        &rhythm,
        tickets,
        ben,
        GoalStatus::OnTrack,
        with_current(&measure(tickets), 4.0),
    )
    .await;
    progress(
        &rhythm,
        retired,
        ana,
        GoalStatus::Dropped,
        Measure::Check { done: false },
    )
    .await;

    let quarter = this_quarter().to_string();
    let row = |owner: &str, kind: &str, email: Value, goals: u32, achieved: u32| {
        json!({ "owner": owner, "kind": kind, "email": email, "period": quarter,
                "goals": goals, "achieved": achieved })
    };
    let check = |rows: &Value, expected: &[(Value, f64, f64)]| {
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), expected.len(), "{rows:?}");
        for (row, (fields, rate, score)) in rows.iter().zip(expected) {
            for (key, value) in fields.as_object().unwrap() {
                assert_eq!(&row[key], value, "{key} of {row}");
            }
            assert!(
                (row["rate"].as_f64().unwrap() - rate).abs() < 1e-9,
                "rate of {row}"
            );
            assert!(
                (row["score"].as_f64().unwrap() - score).abs() < 1e-9,
                "score of {row}"
            );
        }
    };

    let by_person = json_of(&rhythm.run(&["goals", "achievement", "--json"]));
    check(
        &by_person,
        &[
            // (0.5 × 3 + 1 × 1) / 4
            (
                row("Ana Lima", "person", json!("ana@example.com"), 2, 1),
                0.5,
                0.625,
            ),
            (
                row("Ben Okafor", "person", json!("ben@example.com"), 1, 1),
                1.0,
                1.0,
            ),
        ],
    );
    let by_team = rhythm.run(&[
        "goals",
        "achievement",
        "--by",
        "team",
        "--period",
        &quarter,
        "--json",
    ]);
    check(
        &json_of(&by_team),
        &[
            (row("company", "company", Value::Null, 1, 0), 0.0, 0.0),
            // Ana's two and Ben's one; the dropped team goal left out: (1.5 + 1 + 2) / 6
            (row("Platform", "team", Value::Null, 3, 2), 2.0 / 3.0, 0.75),
        ],
    );
    let table = rhythm.run(&["goals", "achievement"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let ana_line = table
        .stdout
        .lines()
        .find(|line| line.contains("Ana Lima <ana@example.com>"))
        .unwrap_or_else(|| panic!("Ana's row: {}", table.stdout));
    assert!(ana_line.contains("50%"), "{ana_line}");
}

#[test]
fn each_goals_command_teaches_with_an_example() {
    let rhythm_help = |command: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rhythm"))
            .args(["goals", command, "--help"])
            .output()
            .expect("rhythm runs");
        assert!(output.status.success(), "{command} --help");
        String::from_utf8(output.stdout).unwrap()
    };
    for (command, example) in [
        ("add", "rhythm goals add --owner team:Platform"),
        ("list", "rhythm goals list --period"),
        ("import", "rhythm goals import goals.csv --dry-run"),
        ("achievement", "rhythm goals achievement --period"),
    ] {
        let help = rhythm_help(command);
        assert!(help.contains(example), "{command}: {help}");
    }
}
