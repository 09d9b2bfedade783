//! `rhythm cycle …` as HR uses it: cycles created from a file of `[[review_cycle]]` tables or
//! the standard form, started, followed, their threshold set, a review reopened, released
//! and closed; refusals on stderr with exit code 2 and nothing changed. And `[[review_cycle]]`
//! in a policy file applied with `rhythm schedule apply`.

use std::collections::BTreeMap;

use rhythm_domain::ports::{Directory as _, PeopleFilter, ReviewFilter, Reviews as _, SaveReview};
use rhythm_domain::reviews::form::Reviewer;
use serde_json::{Value, json};

use crate::support::{Rhythm, Run, path_str};

/// HR (no manager), a manager reporting to HR, and three reports.
const PEOPLE: &str = "email,name,manager_email,role\n\
    hana@x.com,Hana,,hr_admin\n\
    ana@x.com,Ana,hana@x.com,manager\n\
    ben@x.com,Ben,ana@x.com,employee\n\
    cy@x.com,Cy,ana@x.com,employee\n\
    di@x.com,Di,ana@x.com,employee\n";

/// The example of `domain/src/reviews/cycle.rs`, for everyone, with deadlines far enough
/// ahead that nothing is late whenever the test runs.
const CYCLES: &str = r#"
[[review_cycle]]
name = "2026 H2"
participants = "everyone"
anonymous_peers = true
min_responses = 3
nominations = { min = 3, max = 5 }
score = { self = 0, peers = 1, manager = 2 }
reminders = ["-7d", "-1d", "0d"]
deadlines = { nominations = "2098-12-01", self_reviews = "2098-12-08", peer_reviews = "2098-12-15", manager_reviews = "2098-12-20", release = "2099-01-08" }

[[review_cycle.section]]
title = "Craft"
weight = 2

[[review_cycle.section.question]]
id = "quality"
prompt = "Quality of their work"
kind = "rating"
levels = ["Often needs rework", "Needs some rework", "Solid", "Raises the bar", "Sets the bar"]
for = "all"
"#;

async fn with_people() -> Rhythm {
    let rhythm = Rhythm::new().await;
    let imported = rhythm.import(PEOPLE, &[]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    rhythm
}

fn ok(run: &Run) -> &str {
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    &run.stdout
}

/// A refusal: exit code 2, nothing on stdout, and on stderr its sentence (from `error: `
/// on: Postgres may log a notice before it).
fn refused(run: &Run) -> &str {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert_eq!(run.stdout, "", "a refusal prints nothing on stdout");
    let at = run
        .stderr
        .find("error: ")
        .unwrap_or_else(|| panic!("no error on stderr: {}", run.stderr));
    &run.stderr[at..]
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(ok(run)).unwrap_or_else(|error| panic!("{error}: {}", run.stdout))
}

fn list(rhythm: &Rhythm) -> Value {
    json_of(&rhythm.run(&["cycle", "list", "--json"]))
}

fn show(rhythm: &Rhythm, name: &str) -> Value {
    json_of(&rhythm.run(&["cycle", "show", name, "--json"]))
}

/// Each phase of `progress` as (phase, deadline, done, total, late).
fn phases(progress: &Value) -> Vec<(String, String, u64, u64, u64)> {
    progress["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .map(|p| {
            (
                p["phase"].as_str().unwrap().to_owned(),
                p["deadline"].as_str().unwrap().to_owned(),
                p["done"].as_u64().unwrap(),
                p["total"].as_u64().unwrap(),
                p["late"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn phase(name: &str, deadline: &str, done: u64, total: u64) -> (String, String, u64, u64, u64) {
    (name.to_owned(), deadline.to_owned(), done, total, 0)
}

async fn audited(rhythm: &Rhythm, action: &str) -> i64 {
    rhythm
        .db
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE actor = 'cli:hr-tester' AND action = '{action}'"
        ))
        .await
}

/// Submits `email`'s self-review as they would in chat.
async fn submit_self_review(rhythm: &Rhythm, email: &str) {
    let store = &rhythm.db.store;
    let person = store
        .people(&PeopleFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.email.as_str() == email)
        .unwrap();
    let filter = ReviewFilter {
        subject: Some(person.id),
        reviewer: Some(person.id),
        kind: Some(Reviewer::SelfReview),
        ..ReviewFilter::default()
    };
    let review = store.reviews(&filter).await.unwrap().remove(0);
    let answers = BTreeMap::from([("quality".to_owned(), "4".to_owned())]);
    let saved = store
        .save_review(review.id, &answers, true, chrono::Utc::now())
        .await
        .unwrap();
    assert!(matches!(saved, SaveReview::Saved(_)), "{saved:?}");
}

#[tokio::test]
async fn a_cycle_from_a_file_is_created_started_followed_released_and_closed() {
    let rhythm = with_people().await;
    assert_eq!(list(&rhythm), json!([]));
    assert!(
        ok(&rhythm.run(&["cycle", "list"])).starts_with("No review cycles yet."),
        "an empty list says how to create one"
    );
    let file = rhythm.file("cycles.toml", CYCLES);
    let file = path_str(&file);

    let dry = rhythm.run(&["cycle", "create", "--file", file, "--dry-run"]);
    assert_eq!(
        ok(&dry),
        "would create review cycle  2026 H2 (as a draft)\n\
         Dry run: review cycles: 1 to create, 0 existing. Nothing was changed.\n"
    );
    assert_eq!(list(&rhythm), json!([]), "a dry run creates nothing");

    let created = rhythm.run(&["cycle", "create", "--file", file]);
    assert_eq!(
        ok(&created),
        "created review cycle  2026 H2 (draft: start it with rhythm cycle start \"2026 H2\")\n\
         Done: review cycles: 1 created, 0 existing.\n"
    );
    assert_eq!(audited(&rhythm, "review_cycle.create").await, 1);
    let again = json_of(&rhythm.run(&["cycle", "create", "--file", file, "--json"]));
    assert_eq!(
        again,
        json!({ "dry_run": false, "review_cycles": [{ "name": "2026 H2", "outcome": "exists" }] })
    );
    assert_eq!(audited(&rhythm, "review_cycle.create").await, 1);

    let all = list(&rhythm);
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    let draft = &all[0];
    assert_eq!(
        (&draft["name"], &draft["state"], &draft["participants"]),
        (&json!("2026 H2"), &json!("draft"), &json!(0))
    );
    assert_eq!(draft["released_at"], Value::Null);
    assert_eq!(
        phases(draft),
        [
            phase("nominations", "2098-12-01", 0, 0),
            phase("self_reviews", "2098-12-08", 0, 0),
            phase("peer_reviews", "2098-12-15", 0, 0),
            phase("manager_reviews", "2098-12-20", 0, 0),
        ]
    );

    // Started by name in any case: five people; Hana, with no manager, gets no manager
    // review (she is the HR admin who would write it).
    let started = rhythm.run(&["cycle", "start", "2026 h2"]);
    assert_eq!(
        ok(&started),
        "2026 H2 has started: 5 people are reviewed. Each gets their self-review packet and \
         is asked to nominate peers; managers get the list of reviews they write.\n"
    );
    assert_eq!(
        refused(&rhythm.run(&["cycle", "start", "2026 H2"])),
        "error: 2026 H2 is active already; only a draft can start.\n"
    );
    let active = show(&rhythm, "2026 H2");
    assert_eq!(
        (&active["state"], &active["participants"]),
        (&json!("active"), &json!(5))
    );
    assert_eq!(
        phases(&active),
        [
            phase("nominations", "2098-12-01", 0, 5),
            phase("self_reviews", "2098-12-08", 0, 5),
            phase("peer_reviews", "2098-12-15", 0, 0),
            phase("manager_reviews", "2098-12-20", 0, 4),
        ]
    );
    let text = ok(&rhythm.run(&["cycle", "show", "2026 H2"])).to_owned();
    assert!(text.starts_with("2026 H2 · active · 5 people\n"), "{text}");
    assert!(
        text.contains("• Self-reviews (due Mon 8 Dec): 0 of 5 done\n"),
        "{text}"
    );
    assert!(
        text.contains("• Manager reviews (due Sat 20 Dec): 0 of 4 done"),
        "{text}"
    );

    // The threshold: at least 3, and the change is audited.
    let low = rhythm.run(&["cycle", "threshold", "2026 H2", "2"]);
    assert!(
        refused(&low).contains("At least 3 peers must answer"),
        "{}",
        low.stderr
    );
    assert_eq!(audited(&rhythm, "review_cycle.threshold").await, 0);
    assert_eq!(
        ok(&rhythm.run(&["cycle", "threshold", "2026 H2", "4"])),
        "2026 H2: peer answers now show once 4 peers have answered (it was 3). The change is \
         in the audit log.\n"
    );
    assert_eq!(audited(&rhythm, "review_cycle.threshold").await, 1);

    // A submitted self-review is counted, and reopened with a reason.
    submit_self_review(&rhythm, "ben@x.com").await;
    assert_eq!(
        phases(&show(&rhythm, "2026 H2"))[1],
        phase("self_reviews", "2098-12-08", 1, 5)
    );
    let reopen = |reviewer: &str| {
        rhythm.run(&[
            "cycle",
            "reopen",
            "2026 H2",
            "--subject",
            "ben@x.com",
            "--reviewer",
            reviewer,
            "--reason",
            "rated the wrong person",
        ])
    };
    assert_eq!(
        refused(&reopen("zed@x.com")),
        "error: --reviewer: no active person has the email zed@x.com; nothing was changed.\n"
    );
    assert_eq!(
        refused(&reopen("ana@x.com")),
        "error: That review is not submitted: Ana can still change it.\n",
        "Ana's manager review of Ben is pending"
    );
    assert_eq!(
        ok(&reopen("ben@x.com")),
        "Reopened: Ben can change it and submit it again. The reason is in the audit log.\n"
    );
    assert_eq!(audited(&rhythm, "review.reopen").await, 1);
    assert_eq!(
        refused(&reopen("ben@x.com")),
        "error: That review is not submitted: Ben can still change it.\n"
    );
    assert_eq!(
        phases(&show(&rhythm, "2026 H2"))[1],
        phase("self_reviews", "2098-12-08", 0, 5)
    );

    // Released once; then the threshold is fixed.
    assert_eq!(
        ok(&rhythm.run(&["cycle", "release", "2026 H2"])),
        "2026 H2 is released: 5 people and their managers get their results now.\n"
    );
    assert_eq!(
        refused(&rhythm.run(&["cycle", "release", "2026 H2"])),
        "error: 2026 H2 can't be released: its results are out already.\n"
    );
    assert_eq!(
        refused(&rhythm.run(&["cycle", "threshold", "2026 H2", "5"])),
        "error: 2026 H2's results are released: its threshold can no longer change.\n"
    );
    let released = show(&rhythm, "2026 H2");
    assert!(released["released_at"].is_string(), "{released}");
    assert_eq!(released["acknowledged"], 0);

    assert_eq!(
        ok(&rhythm.run(&["cycle", "close", "2026 H2"])),
        "2026 H2 is closed: it takes no more reviews.\n"
    );
    assert_eq!(show(&rhythm, "2026 H2")["state"], "closed");
    assert_eq!(
        refused(&rhythm.run(&["cycle", "close", "2026 H2"])),
        "error: 2026 H2 is closed: only a running cycle can close.\n"
    );
    assert_eq!(audited(&rhythm, "review_cycle.start").await, 1);
    assert_eq!(audited(&rhythm, "review_cycle.release").await, 1);
    assert_eq!(audited(&rhythm, "review_cycle.close").await, 1);

    // An unknown name is refused with the cycles there are, by every verb.
    for verb in ["show", "start", "release", "close"] {
        assert_eq!(
            refused(&rhythm.run(&["cycle", verb, "2025 H2"])),
            "error: There is no review cycle `2025 H2`. The cycles are: 2026 H2.\n",
            "{verb}"
        );
    }
    assert_eq!(
        refused(&rhythm.run(&["cycle", "threshold", "2025 H2", "4"])),
        "error: There is no review cycle `2025 H2`. The cycles are: 2026 H2.\n"
    );
}

#[tokio::test]
async fn the_standard_cycle_takes_a_week_per_phase_from_the_day_given() {
    let rhythm = with_people().await;
    assert_eq!(
        refused(&rhythm.run(&["cycle", "show", "2027 H1"])),
        "error: There is no review cycle `2027 H1`: there are none yet.\n"
    );
    let create = [
        "cycle",
        "create",
        "--standard",
        "2027 H1",
        "--from",
        "2027-01-04",
    ];
    let dry = rhythm.run(&[&create[..], &["--dry-run"]].concat());
    assert!(
        ok(&dry).starts_with("would create review cycle  2027 H1 (as a draft)\n"),
        "{}",
        dry.stdout
    );
    assert_eq!(list(&rhythm), json!([]));

    let created = rhythm.run(&create);
    assert_eq!(
        ok(&created),
        "created review cycle  2027 H1 (draft: start it with rhythm cycle start \"2027 H1\")\n\
         2027 H1: everyone, the standard form, peers anonymous (shown once 5 have answered). \
         Its deadlines:\n  \
         Nominations      Mon 11 Jan 2027\n  \
         Self-reviews     Mon 18 Jan 2027\n  \
         Peer reviews     Mon 25 Jan 2027\n  \
         Manager reviews  Mon 1 Feb 2027\n  \
         Release          Mon 8 Feb 2027\n"
    );
    let draft = show(&rhythm, "2027 H1");
    assert_eq!(draft["state"], "draft");
    let deadlines: Vec<(String, String)> = phases(&draft)
        .into_iter()
        .map(|(phase, deadline, ..)| (phase, deadline))
        .collect();
    assert_eq!(
        deadlines,
        [
            ("nominations".to_owned(), "2027-01-11".to_owned()),
            ("self_reviews".to_owned(), "2027-01-18".to_owned()),
            ("peer_reviews".to_owned(), "2027-01-25".to_owned()),
            ("manager_reviews".to_owned(), "2027-02-01".to_owned()),
        ]
    );

    assert_eq!(
        refused(&rhythm.run(&create)),
        "error: A review cycle named 2027 H1 exists already; nothing was changed.\n"
    );
    assert_eq!(
        refused(&rhythm.run(&[
            "cycle",
            "create",
            "--standard",
            "2027 H2",
            "--from",
            "4 Jan"
        ])),
        "error: --from `4 Jan` is not a date: write it as 2026-12-24; nothing was created.\n"
    );
    assert_eq!(list(&rhythm).as_array().unwrap().len(), 1);

    // --hr names someone Rhythm knows, or nothing starts.
    assert_eq!(
        refused(&rhythm.run(&["cycle", "start", "2027 H1", "--hr", "zed@x.com"])),
        "error: --hr: no active person has the email zed@x.com; nothing was changed.\n"
    );
    assert_eq!(show(&rhythm, "2027 H1")["state"], "draft");
    let started = rhythm.run(&["cycle", "start", "2027 H1", "--hr", "ana@x.com"]);
    assert!(
        ok(&started).starts_with("2027 H1 has started: 5 people are reviewed."),
        "{}",
        started.stdout
    );
    let active = show(&rhythm, "2027 H1");
    assert_eq!(active["participants"], 5);
    assert_eq!(
        phases(&active)[3].3,
        5,
        "with --hr ana, Ana writes Hana's manager review too"
    );
}

#[tokio::test]
async fn a_bad_cycle_file_is_refused_whole_and_creates_nothing() {
    let rhythm = with_people().await;
    let second = CYCLES.replace("2026 H2", "2027 H1");
    let bad = rhythm.file(
        "bad.toml",
        &format!(
            "{CYCLES}{}",
            second.replace("min_responses = 3", "min_responses = 2")
        ),
    );
    let run = rhythm.run(&["cycle", "create", "--file", path_str(&bad)]);
    let stderr = refused(&run);
    assert!(
        stderr.contains("bad.toml: 1 problem(s); nothing was created:\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "review_cycle `2027 H1`: min_responses: 2 would let too few answers point to a \
             reviewer; use at least 3\n"
        ),
        "{stderr}"
    );
    assert_eq!(list(&rhythm), json!([]), "not even the good cycle");
    let applied = rhythm.run(&["schedule", "apply", "--file", path_str(&bad)]);
    assert!(
        refused(&applied).contains("review_cycle `2027 H1`: min_responses: 2"),
        "{}",
        applied.stderr
    );
    assert_eq!(list(&rhythm), json!([]));
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'review_cycle.%'")
            .await,
        0
    );

    let none = rhythm.file(
        "none.toml",
        "[[holiday_calendar]]\nname = \"de\"\ndates = []\n",
    );
    assert!(
        refused(&rhythm.run(&["cycle", "create", "--file", path_str(&none)]))
            .contains("none.toml has no [[review_cycle]] table; nothing was created"),
    );
}

#[tokio::test]
async fn schedule_apply_creates_a_policy_files_cycles_as_drafts_once() {
    let rhythm = with_people().await;
    let policy = rhythm.file("policy.toml", CYCLES);
    let policy = path_str(&policy);

    let dry = rhythm.run(&["schedule", "apply", "--file", policy, "--dry-run"]);
    assert!(
        ok(&dry).contains("would create review cycle  2026 H2 (as a draft)\n"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("; review cycles: 1 to create, 0 existing. Nothing was changed."),
        "{}",
        dry.stdout
    );
    assert_eq!(list(&rhythm), json!([]));

    let applied = rhythm.run(&["schedule", "apply", "--file", policy]);
    assert!(
        ok(&applied).contains(
            "created review cycle  2026 H2 (draft: start it with rhythm cycle start \"2026 H2\")\n"
        ),
        "{}",
        applied.stdout
    );
    assert!(
        applied
            .stdout
            .contains("; review cycles: 1 created, 0 existing."),
        "{}",
        applied.stdout
    );
    let again = rhythm.run(&["schedule", "apply", "--file", policy]);
    assert!(
        ok(&again).contains("review cycle exists  2026 H2 (left as it is)\n"),
        "{}",
        again.stdout
    );
    let report = json_of(&rhythm.run(&["schedule", "apply", "--file", policy, "--json"]));
    assert_eq!(
        report["review_cycles"],
        json!([{ "name": "2026 H2", "outcome": "exists" }])
    );
    let all = list(&rhythm);
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["state"], "draft");
}
