//! `rhythm people import` and `people list`: the HR workflow of loading the organisation.

use crate::support::Rhythm;

const ORG: &str = "email,name,timezone,role,manager_email,team,region,slack_user_id,discord_user_id\n\
ceo@example.com,Carmen Ortiz,America/New_York,hr_admin,,Leadership,us,U0CEO0001,\n\
ana@example.com,Ana López,Europe/Berlin,manager,ceo@example.com,Platform;Mobile,de,U0ANA0001,80351110224678912\n\
ben@example.com,山田 太郎,Asia/Tokyo,employee,ana@example.com,Platform,jp,,\n\
zoe@example.com,Zoë 🚀 Smith,,employee,ana@example.com,Mobile,,,\n";

async fn with_org() -> Rhythm {
    let rhythm = Rhythm::new().await;
    let run = rhythm.import(ORG, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    rhythm
}

/// Each bad file: exit 2, the expected problem printed, and nothing changed.
#[tokio::test]
async fn every_kind_of_bad_input_exits_2_names_the_line_and_changes_nothing() {
    let rhythm = with_org().await;
    let before = rhythm.people();
    let header = "email,name,timezone,role,manager_email,slack_user_id\n";
    let cases: [(&str, String, &str); 10] = [
        (
            "a bad email",
            format!("{header}not-an-email,X,UTC,employee,,\n"),
            "line 2: email: `not-an-email` is not an email address",
        ),
        (
            "an unknown zone",
            format!("{header}x@example.com,X,Europe/Atlantis,employee,,\n"),
            "line 2: timezone: unknown time zone `Europe/Atlantis`",
        ),
        (
            "an unknown role",
            format!("{header}x@example.com,X,UTC,boss,,\n"),
            "line 2: role: unknown role `boss`",
        ),
        (
            "an unknown manager",
            format!("{header}x@example.com,X,UTC,employee,ghost@example.com,\n"),
            "line 2: manager_email: no person ghost@example.com in the file or in the directory",
        ),
        (
            "a manager cycle",
            format!(
                "{header}x@example.com,X,UTC,employee,y@example.com,\ny@example.com,Y,UTC,employee,x@example.com,\n"
            ),
            "line 3: manager_email: managers form a cycle",
        ),
        (
            "a cycle through the directory",
            format!("{header}ceo@example.com,Carmen Ortiz,UTC,hr_admin,ben@example.com,\n"),
            "line 2: manager_email: managers form a cycle: ceo@example.com → ben@example.com → ana@example.com → ceo@example.com",
        ),
        (
            "a duplicate email",
            format!("{header}x@example.com,X,UTC,employee,,\nX@Example.com,X2,UTC,employee,,\n"),
            "line 3: email: x@example.com appears again; it is first on line 2",
        ),
        (
            "a chat id claimed by two people",
            format!("{header}x@example.com,X,UTC,employee,,U0ANA0001\n"),
            "line 2: slack_user_id: U0ANA0001 already belongs to ana@example.com in the directory",
        ),
        (
            "an unknown column",
            "email,name,shoe_size\nx@example.com,X,42\n".to_owned(),
            "line 1: shoe_size: unknown column",
        ),
        (
            "a short row",
            format!("{header}x@example.com,X\n"),
            "line 2: row: expected 6 fields, found 2",
        ),
    ];
    for (what, csv, expected) in cases {
        let run = rhythm.import(&csv, &[]);
        assert_eq!(run.code, 2, "{what}: exit code; stderr: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "{what}: expected `{expected}` in:\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("nothing was changed"),
            "{what}: {}",
            run.stderr
        );
        assert_eq!(rhythm.people(), before, "{what}: the directory changed");
    }
}

#[tokio::test]
async fn re_importing_is_idempotent() {
    let rhythm = with_org().await;
    let before = rhythm.people();
    let run = rhythm.import(ORG, &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("0 created, 0 updated, 0 deactivated, 4 unchanged"),
        "{}",
        run.stdout
    );
    assert_eq!(rhythm.people(), before);
}

#[tokio::test]
async fn a_dry_run_names_each_change_and_writes_nothing() {
    let rhythm = with_org().await;
    let before = rhythm.people();
    let csv = "email,name,team\n\
               ana@example.com,Ana López,Platform\n\
               new@example.com,Nuevo Núñez,Platform\n";
    let run = rhythm.import(csv, &["--dry-run", "--deactivate-missing"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "would create      new@example.com  Nuevo Núñez",
        "would update      ana@example.com  Ana López (team)",
        "would deactivate  ben@example.com  山田 太郎",
        "would deactivate  ceo@example.com  Carmen Ortiz",
        "would deactivate  zoe@example.com  Zoë 🚀 Smith",
        "would create 1, update 1, deactivate 3; 0 unchanged. Nothing was changed.",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing `{line}` in:\n{}",
            run.stdout
        );
    }
    assert_eq!(rhythm.people(), before);
}

#[tokio::test]
async fn deactivate_missing_keeps_people_but_marks_them_inactive() {
    let rhythm = with_org().await;
    let csv = "email,name,manager_email\n\
               ceo@example.com,Carmen Ortiz,\n\
               ana@example.com,Ana López,ceo@example.com\n";
    let run = rhythm.import(csv, &["--deactivate-missing", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["deactivated"].as_array().unwrap().len(), 2);
    let people = rhythm.people();
    let active: Vec<(&str, bool)> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["email"].as_str().unwrap(), p["active"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        active,
        [
            ("ana@example.com", true),
            ("ben@example.com", false),
            ("ceo@example.com", true),
            ("zoe@example.com", false)
        ]
    );
    let run = rhythm.run(&["people", "list", "--active"]);
    assert!(
        run.stdout.contains("2 people (2 active)."),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn people_list_json_has_the_documented_shape_and_utf8_names_round_trip() {
    let rhythm = with_org().await;
    let people = rhythm.people();
    let zoe = &people[3];
    for key in [
        "email",
        "name",
        "timezone",
        "role",
        "manager_email",
        "teams",
        "active",
    ] {
        assert!(zoe.get(key).is_some(), "`{key}` missing from {zoe}");
    }
    assert_eq!(zoe["name"], "Zoë 🚀 Smith");
    assert_eq!(people[1]["name"], "山田 太郎");
    assert_eq!(
        people[0]["teams"],
        serde_json::json!(["Mobile", "Platform"])
    );
    assert_eq!(people[0]["manager_email"], "ceo@example.com");

    let run = rhythm.run(&["people", "list", "--team", "MOBILE"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("Zoë 🚀 Smith") && !run.stdout.contains("山田"),
        "{}",
        run.stdout
    );
    let run = rhythm.run(&["people", "list", "--team", "Sales"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no team named `Sales`; the teams are: Leadership, Mobile, Platform"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_missing_file_is_bad_input() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run(&["people", "import", "--csv", "nowhere.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot open nowhere.csv"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn json_problems_are_machine_readable() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.import("email,name\nbad,X\n", &["--json"]);
    assert_eq!(run.code, 2);
    let problems: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(problems["problems"][0]["line"], 2);
    assert_eq!(problems["problems"][0]["column"], "email");
}

/// `rhythm people link`: HR links an account, replacing the person's earlier one there; an
/// account that is someone else's, a bad id or an unknown email changes nothing (exit 2).
#[tokio::test]
async fn people_link_links_an_account_on_hrs_word() {
    let rhythm = Rhythm::new().await;
    let people = "email,name,discord_user_id\n\
                  ana@example.com,Ana,\n\
                  ben@example.com,Ben,80351110224678912\n";
    assert_eq!(rhythm.import(people, &[]).code, 0);

    let run = rhythm.run(&[
        "people",
        "link",
        "ana@example.com",
        "--discord",
        "80351110224678999",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "Linked discord:80351110224678999 to ana@example.com."
    );
    let run = rhythm.run(&[
        "people",
        "link",
        "ana@example.com",
        "--discord",
        "80351110224678999",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["status"], "already");

    for (args, says) in [
        (
            vec!["ana@example.com", "--discord", "80351110224678912"],
            "is linked to ben@example.com already; nothing changed",
        ),
        (
            vec!["ana@example.com", "--discord", "42"],
            "is not a discord user id",
        ),
        (
            vec!["zoe@example.com", "--slack", "U024BE7LH"],
            "nobody with the email zoe@example.com",
        ),
    ] {
        let mut all = vec!["people", "link"];
        all.extend(args);
        let run = rhythm.run(&all);
        assert_eq!(run.code, 2, "{all:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{all:?}: {}", run.stderr);
    }
    let run = rhythm.run(&["people", "link", "ana@example.com"]);
    assert_eq!(run.code, 2, "an account is required: {}", run.stderr);

    let ana = &rhythm.people()[0];
    assert_eq!(ana["identities"][0]["user_id"], "80351110224678999");
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'people.link'")
            .await,
        1
    );
}
