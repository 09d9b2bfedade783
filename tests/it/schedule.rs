//! `rhythm schedule …` as HR uses it.

use crate::support::{Rhythm, path_str};

const EXAMPLE: &str = include_str!("../../config/policy.example.toml");

async fn with_policy() -> (Rhythm, String) {
    let rhythm = Rhythm::new().await;
    let path = rhythm.file("policy.toml", EXAMPLE);
    let path = path_str(&path).to_owned();
    (rhythm, path)
}

fn schedules(rhythm: &Rhythm) -> serde_json::Value {
    let run = rhythm.run(&["schedule", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[tokio::test]
async fn apply_shows_the_diff_writes_it_and_is_idempotent() {
    let (rhythm, path) = with_policy().await;
    let dry = rhythm.run(&["schedule", "apply", "--file", &path, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("would create          Weekly check-in"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("Nothing was changed."),
        "{}",
        dry.stdout
    );
    assert_eq!(schedules(&rhythm), serde_json::json!([]));

    let run = rhythm.run(&["schedule", "apply", "--file", &path]);
    assert!(
        run.stdout
            .contains("4 created, 0 updated, 0 resumed, 0 paused, 0 unchanged"),
        "{}",
        run.stdout
    );
    let again = rhythm.run(&["schedule", "apply", "--file", &path, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["unchanged"], 4);
    assert_eq!(report["created"], serde_json::json!([]));
}

#[tokio::test]
async fn list_json_has_the_documented_keys_and_show_round_trips_as_a_policy() {
    let (rhythm, path) = with_policy().await;
    rhythm.run(&["schedule", "apply", "--file", &path]);
    let all = schedules(&rhythm);
    let weekly = all
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Weekly check-in")
        .unwrap();
    for key in [
        "id",
        "name",
        "kind",
        "cron",
        "timezone",
        "paused",
        "next_fire_at",
    ] {
        assert!(weekly.get(key).is_some(), "`{key}` missing from {weekly}");
    }
    assert_eq!(weekly["kind"], "check_in");
    assert_eq!(weekly["paused"], false);

    // `show` prints a policy file that applies as "unchanged".
    let shown = rhythm.run(&["schedule", "show", "Monthly goal review"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("[schedule.follow_up]"),
        "{}",
        shown.stdout
    );
    let path = rhythm.file("shown.toml", &shown.stdout);
    let run = rhythm.run(&["schedule", "apply", "--file", path_str(&path), "--dry-run"]);
    assert!(
        run.stdout
            .contains("0 created, 0 updated, 0 resumed, 3 paused, 1 unchanged"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn pause_resume_and_delete_report_what_they_did() {
    let (rhythm, path) = with_policy().await;
    rhythm.run(&["schedule", "apply", "--file", &path]);
    assert_eq!(
        rhythm.run(&["schedule", "pause", "Weekly check-in"]).stdout,
        "Paused `Weekly check-in`.\n"
    );
    assert_eq!(
        rhythm.run(&["schedule", "pause", "Weekly check-in"]).stdout,
        "`Weekly check-in` was already paused.\n"
    );
    let paused = schedules(&rhythm);
    let weekly = paused
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Weekly check-in")
        .unwrap();
    assert_eq!(
        (weekly["paused"].clone(), weekly["next_fire_at"].clone()),
        (true.into(), serde_json::Value::Null)
    );
    let run = rhythm.run(&["schedule", "resume", "Weekly check-in"]);
    assert!(
        run.stdout.starts_with("Resumed `Weekly check-in`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        rhythm
            .run(&["schedule", "delete", "Weekly check-in"])
            .stdout,
        "Deleted `Weekly check-in`.\n"
    );
    let run = rhythm.run(&["schedule", "delete", "Weekly check-in"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no schedule `Weekly check-in`; the schedules are:"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn bad_schedules_are_refused_with_a_sentence_and_nothing_is_stored() {
    let rhythm = Rhythm::new().await;
    let cases: [(&[&str], &str); 4] = [
        (
            &["--cron", "0 9 * *", "--audience", "everyone"],
            "cron: `0 9 * *` is not a cron expression",
        ),
        (
            &[
                "--cron",
                "0 9 * * MON",
                "--audience",
                "everyone",
                "--timezone",
                "Mars/Base",
            ],
            "timezone: unknown time zone `Mars/Base`",
        ),
        (
            &["--cron", "0 9 * * MON", "--audience", "people:"],
            "audience: the audience `people:` names nobody",
        ),
        (
            &[
                "--cron",
                "0 9 * * MON",
                "--audience",
                "everyone",
                "--starts",
                "2027-01-01",
                "--ends",
                "2026-01-01",
            ],
            "ends (2026-01-01) is before starts (2027-01-01)",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["schedule", "add", "--name", "X", "--kind", "check_in"];
        args.extend_from_slice(flags);
        let run = rhythm.run(&args);
        assert_eq!(run.code, 2, "{expected}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "expected `{expected}` in {}",
            run.stderr
        );
    }
    assert_eq!(schedules(&rhythm), serde_json::json!([]));

    let bad = rhythm.file("bad.toml", "[[schedule]]\nname = \"A\"\nkind = \"nope\"\ncron = \"0 9 * * MON\"\naudience = \"everyone\"\n");
    let run = rhythm.run(&["schedule", "apply", "--file", path_str(&bad)]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("1 problem(s); nothing was changed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("schedule `A`: kind: unknown schedule kind `nope`"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn preview_lists_who_is_pinged_when_on_their_own_clock() {
    let (rhythm, path) = with_policy().await;
    let people = "email,name,timezone,region\n\
                  ana@example.com,Ana,Europe/Berlin,de\n\
                  kai@example.com,Kai,Asia/Tokyo,\n";
    assert_eq!(rhythm.import(people, &[]).code, 0);
    rhythm.run(&["schedule", "apply", "--file", &path]);
    let run = rhythm.run(&[
        "schedule",
        "preview",
        "Weekly check-in",
        "--from",
        "2026-12-20T00:00:00Z",
        "--count",
        "3",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let entries: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        entries,
        serde_json::json!([
            { "person": "kai@example.com", "fire_at": "2026-12-21T00:00:00Z", "local": "2026-12-21T09:00:00+09:00" },
            { "person": "ana@example.com", "fire_at": "2026-12-21T08:00:00Z", "local": "2026-12-21T09:00:00+01:00" },
            { "person": "kai@example.com", "fire_at": "2026-12-28T00:00:00Z", "local": "2026-12-28T09:00:00+09:00" },
        ])
    );
    let run = rhythm.run(&["schedule", "preview", "Weekly check-in", "--from", "soon"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not an RFC 3339 instant"),
        "{}",
        run.stderr
    );
}
