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

/// The example policy without its `[[checkin_template]]` tables.
fn example_without_templates() -> String {
    let start = EXAMPLE.find("\n[[checkin_template]]\n").unwrap();
    let end = EXAMPLE.find("\n[[schedule]]\n").unwrap();
    format!("{}{}", &EXAMPLE[..start], &EXAMPLE[end..])
}

fn templates(rhythm: &Rhythm) -> serde_json::Value {
    let run = rhythm.run(&["schedule", "templates", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[tokio::test]
async fn apply_writes_templates_shows_their_diff_and_keeps_those_left_out() {
    let (rhythm, path) = with_policy().await;
    let dry = rhythm.run(&["schedule", "apply", "--file", &path, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("would create template weekly\n"),
        "{}",
        dry.stdout
    );
    let listed = templates(&rhythm);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(
        (&listed[0]["name"], &listed[0]["built_in"]),
        (&"default".into(), &true.into())
    );

    let run = rhythm.run(&["schedule", "apply", "--file", &path]);
    assert!(
        run.stdout
            .contains("; templates: 1 created, 0 updated, 0 kept, 0 unchanged."),
        "{}",
        run.stdout
    );
    assert_eq!(
        rhythm
            .db
            .count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'schedule.apply' \
                 AND details LIKE '%\"created\":[\"weekly\"]%'"
            )
            .await,
        1,
        "the apply's audit entry names the template"
    );
    let listed = templates(&rhythm);
    let weekly = &listed[1];
    assert_eq!(weekly["name"], "weekly");
    assert_eq!(weekly["built_in"], false);
    assert_eq!(weekly["visibility"], "team");
    assert_eq!(weekly["closes"], "17:00");
    assert_eq!(weekly["used_by"], serde_json::json!(["Weekly check-in"]));
    assert_eq!(weekly["questions"][0]["id"], "mood");
    assert_eq!(weekly["questions"][0]["kind"], "scale");
    let table = rhythm.run(&["schedule", "templates"]);
    assert!(
        table.stdout.contains("default (built-in)") && table.stdout.contains("How was your week?"),
        "{}",
        table.stdout
    );

    let edited = rhythm.file(
        "edited.toml",
        &EXAMPLE.replace("How was your week?", "How did the week go?"),
    );
    let run = rhythm.run(&[
        "schedule",
        "apply",
        "--file",
        path_str(&edited),
        "--dry-run",
    ]);
    assert!(
        run.stdout
            .contains("would update template weekly (questions)"),
        "{}",
        run.stdout
    );

    let without = rhythm.file("without.toml", &example_without_templates());
    let run = rhythm.run(&[
        "schedule",
        "apply",
        "--file",
        path_str(&without),
        "--dry-run",
    ]);
    assert_eq!(
        run.code, 0,
        "the stored template still counts: {}",
        run.stderr
    );
    assert!(
        run.stdout.contains(
            "keep template   weekly (not in the file; kept, since check-ins already asked refer to it)"
        ),
        "{}",
        run.stdout
    );
    rhythm.run(&["schedule", "apply", "--file", path_str(&without)]);
    assert_eq!(templates(&rhythm).as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_check_in_naming_a_missing_template_is_refused_and_nothing_is_changed() {
    let rhythm = Rhythm::new().await;
    let path = rhythm.file("policy.toml", &example_without_templates());
    for dry_run in [true, false] {
        let mut args = vec!["schedule", "apply", "--file", path_str(&path)];
        if dry_run {
            args.push("--dry-run");
        }
        let run = rhythm.run(&args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "schedule `Weekly check-in`: template: no check-in template named `weekly`; \
                 define it with [[checkin_template]] in the policy file, or name one of: default"
            ),
            "{}",
            run.stderr
        );
    }
    assert_eq!(schedules(&rhythm), serde_json::json!([]));
    assert_eq!(templates(&rhythm).as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_template_is_refused_naming_template_and_key() {
    let rhythm = Rhythm::new().await;
    let path = rhythm.file(
        "policy.toml",
        &EXAMPLE.replace("kind = \"scale\"", "kind = \"slider\""),
    );
    let run = rhythm.run(&["schedule", "apply", "--file", path_str(&path)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("1 problem(s); nothing was changed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "checkin_template `weekly`: question `mood`: kind: unknown question kind `slider`"
        ),
        "{}",
        run.stderr
    );
}
