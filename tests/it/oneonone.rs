//! `rhythm oneonone …` and `[[one_on_one]]` pairs applied from a policy file, as HR uses
//! them.

use crate::support::{Rhythm, path_str};

const PEOPLE: &str = "email,name,manager_email,timezone\n\
    ana@x.com,Ana,,Europe/Berlin\n\
    ben@x.com,Ben,ana@x.com,America/New_York\n";

const POLICY: &str = "[[one_on_one]]\nreport = \"ben@x.com\"\n\
    when = \"every 2 weeks Thursday 15:00 for 45m\"\n";

#[tokio::test]
async fn pairs_from_the_policy_file_are_listed() {
    let rhythm = Rhythm::new().await;
    let empty = rhythm.run(&["oneonone", "list"]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(
        empty.stdout.contains("No 1:1s are set up"),
        "{}",
        empty.stdout
    );
    assert_eq!(rhythm.import(PEOPLE, &[]).code, 0);
    let path = rhythm.file("policy.toml", POLICY);
    let path = path_str(&path);

    let dry = rhythm.run(&["schedule", "apply", "--file", path, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("would set 1:1s        ana@x.com with ben@x.com"),
        "{}",
        dry.stdout
    );
    let run = rhythm.run(&["schedule", "apply", "--file", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("1:1 pairs: 1 set, 0 unchanged"),
        "{}",
        run.stdout
    );
    let again = rhythm.run(&["schedule", "apply", "--file", path, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["one_on_ones"]["unchanged"], 1, "{report}");

    let list = rhythm.run(&["oneonone", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(rows[0]["manager"], "ana@x.com");
    assert_eq!(rows[0]["report"], "ben@x.com");
    assert_eq!(rows[0]["minutes"], 45);
    let cadence = rows[0]["cadence"].as_str().unwrap_or_default();
    assert!(
        cadence.contains("Thursday") && cadence.contains("15:00"),
        "{cadence}"
    );
    let table = rhythm.run(&["oneonone", "list"]);
    assert!(table.stdout.contains("MANAGER"), "{}", table.stdout);
    assert!(table.stdout.contains("45 min"), "{}", table.stdout);

    // A pair naming someone unknown: refused, said why, nothing changed.
    let bad = rhythm.file("bad.toml", &POLICY.replace("ben@x.com", "zed@x.com"));
    let refused = rhythm.run(&["schedule", "apply", "--file", path_str(&bad)]);
    assert_ne!(refused.code, 0);
    assert!(
        refused
            .stderr
            .contains("no active person has the email zed@x.com"),
        "{}",
        refused.stderr
    );

    let overdue = rhythm.run(&["oneonone", "overdue", "--json"]);
    assert_eq!(overdue.code, 0, "{}", overdue.stderr);
    assert_eq!(overdue.stdout.trim(), "[]", "Ben joined today");
}
