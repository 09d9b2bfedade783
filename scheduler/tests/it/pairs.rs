//! `[[one_on_one]]` pairs in a policy file: set up in the apply's transaction, in the
//! manager's zone; applying the same file again keeps every session where it was; a changed
//! `when` moves the series; a pair naming someone Rhythm does not know, or a manager who is
//! not the report's, refuses the whole file with nothing written; a dry run writes nothing.

use chrono::{DateTime, Datelike as _, NaiveTime, Utc, Weekday};
use rhythm_domain::ports::{Commit, OneOnOnes as _, Schedules as _};
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{AdminError, Change, apply_policy};
use rhythm_testing::TestDb;

const PEOPLE: &str = "email,name,manager_email,timezone\n\
    ana@x.com,Ana,,Europe/Berlin\n\
    ben@x.com,Ben,ana@x.com,America/New_York\n\
    cy@x.com,Cy,ana@x.com,Europe/Berlin\n";

const SCHEDULE: &str = "[[schedule]]\nname = \"Daily check-in\"\nkind = \"check_in\"\n\
    cron = \"0 10 * * *\"\ntimezone = \"UTC\"\naudience = \"everyone\"\n";

fn change(now: &str) -> Change<'static> {
    Change {
        actor: "cli:hr",
        now: now.parse::<DateTime<Utc>>().unwrap(),
        zones: &[chrono_tz::UTC],
    }
}

/// Wednesday.
const NOW: &str = "2026-03-04T12:00:00Z";

fn policy(pairs: &str) -> Policy {
    Policy::parse(&format!("{SCHEDULE}{pairs}")).unwrap_or_else(|problems| panic!("{problems:?}"))
}

const PAIRS: &str = "[[one_on_one]]\nreport = \"ben@x.com\"\n\
    when = \"every 2 weeks Thursday 15:00 for 45m\"\n\
    [[one_on_one]]\nreport = \"cy@x.com\"\nmanager = \"ana@x.com\"\nwhen = \"weekly mon 9:30\"\n";

#[tokio::test]
async fn pairs_are_set_up_once_and_moved_when_their_time_changes() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;

    let dry = apply_policy(&db.store, &policy(PAIRS), change(NOW), Commit::DryRun)
        .await
        .unwrap();
    assert_eq!(
        dry.one_on_ones.set,
        ["ana@x.com with ben@x.com", "ana@x.com with cy@x.com"]
    );
    assert!(
        db.store.oneonones(None, false).await.unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let first = apply_policy(&db.store, &policy(PAIRS), change(NOW), Commit::Write)
        .await
        .unwrap();
    assert_eq!(first.one_on_ones.set.len(), 2);
    let series = db.store.oneonones(None, true).await.unwrap();
    assert_eq!(series.len(), 2);
    let ben = &series[0];
    assert_eq!(
        (
            ben.cadence.every_weeks,
            ben.minutes,
            ben.cadence.zone.as_str()
        ),
        (2, 45, "Europe/Berlin"),
        "in the manager's zone"
    );
    assert_eq!(
        ben.cadence.anchor.to_string(),
        "2026-03-05",
        "the next Thursday"
    );
    assert_eq!(ben.cadence.at, NaiveTime::from_hms_opt(15, 0, 0).unwrap());
    assert_eq!(series[1].cadence.anchor.weekday(), Weekday::Mon);
    assert_eq!(series[1].minutes, 30);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'schedule.apply'")
            .await,
        1
    );

    // A week later, the same file changes nothing: the fortnight still counts from 5 March.
    let again = apply_policy(
        &db.store,
        &policy(PAIRS),
        change("2026-03-11T12:00:00Z"),
        Commit::Write,
    )
    .await
    .unwrap();
    assert_eq!(
        (again.one_on_ones.set.len(), again.one_on_ones.unchanged),
        (0, 2)
    );
    let kept = db.store.oneonones(None, true).await.unwrap();
    assert_eq!(kept[0].cadence.anchor.to_string(), "2026-03-05");

    // Ben's 1:1s move to Friday; Cy's stay.
    let moved = PAIRS.replace("Thursday 15:00", "Friday 15:00");
    let report = apply_policy(
        &db.store,
        &policy(&moved),
        change("2026-03-11T12:00:00Z"),
        Commit::Write,
    )
    .await
    .unwrap();
    assert_eq!(report.one_on_ones.set, ["ana@x.com with ben@x.com"]);
    assert_eq!(report.one_on_ones.unchanged, 1);
    let series = db.store.oneonones(None, true).await.unwrap();
    assert_eq!(series.len(), 2, "the pair's series is changed, not doubled");
    assert_eq!(series[0].cadence.anchor.to_string(), "2026-03-13");

    // Left out of the file: kept.
    let report = apply_policy(&db.store, &policy(""), change(NOW), Commit::Write)
        .await
        .unwrap();
    assert!(report.one_on_ones.set.is_empty());
    assert_eq!(db.store.oneonones(None, true).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_pair_rhythm_cannot_make_refuses_the_whole_file() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let bad = [
        (
            "[[one_on_one]]\nreport = \"zed@x.com\"\nwhen = \"weekly mon 9:00\"\n",
            "one_on_one `zed@x.com`: no active person has the email zed@x.com",
        ),
        (
            "[[one_on_one]]\nreport = \"ben@x.com\"\nmanager = \"cy@x.com\"\nwhen = \"weekly mon 9:00\"\n",
            "one_on_one `ben@x.com`: manager: cy@x.com is not Ben's manager (Rhythm says ana@x.com)",
        ),
        (
            "[[one_on_one]]\nreport = \"ana@x.com\"\nwhen = \"weekly mon 9:00\"\n",
            "one_on_one `ana@x.com`: Ana has no manager in Rhythm",
        ),
    ];
    for (pairs, expected) in bad {
        let refused = apply_policy(&db.store, &policy(pairs), change(NOW), Commit::Write).await;
        let Err(AdminError::Refused(problems)) = refused else {
            panic!("{pairs}: {refused:?}");
        };
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "{expected}: {problems:?}"
        );
    }
    assert!(db.store.oneonones(None, false).await.unwrap().is_empty());
    assert!(
        db.store
            .schedule_snapshot()
            .await
            .unwrap()
            .schedules
            .is_empty(),
        "nothing else in the file was written either"
    );
}

#[test]
fn pairs_are_checked_as_the_file_is_read() {
    let problems = Policy::parse(
        "[[one_on_one]]\nreport = \"ben\"\nwhen = \"every 2 weeks\"\n\
         [[one_on_one]]\nreport = \"cy@x.com\"\nmanager = \"cy@x.com\"\nwhen = \"weekly mon 9:00\"\n\
         [[one_on_one]]\nreport = \"dee@x.com\"\n\
         [[one_on_one]]\nreport = \"eve@x.com\"\nwhen = \"every 12 weeks mon 9:00\"\n\
         [[one_on_one]]\nreport = \"eve@x.com\"\nwhen = \"weekly mon 9:00\"\n",
    )
    .unwrap_err();
    for expected in [
        "one_on_one `ben`: report: `ben` is not an email address",
        "one_on_one `ben`: when:",
        "one_on_one `cy@x.com`: manager: a 1:1 takes two",
        "one_on_one `dee@x.com`: when: missing",
        "one_on_one `eve@x.com`: when: 1:1s can be every 1 to 8 weeks, not every 12",
        "one_on_one `eve@x.com` is defined twice",
    ] {
        assert!(
            problems.iter().any(|problem| problem.starts_with(expected)),
            "{expected}: {problems:?}"
        );
    }
}

#[test]
fn an_unknown_key_in_a_pair_is_refused() {
    let problems = Policy::parse(
        "[[one_on_one]]\nreport = \"fay@x.com\"\nwhen = \"weekly mon 9:00\"\nroom = \"4\"\n",
    )
    .unwrap_err();
    assert!(problems[0].contains("unknown field `room`"), "{problems:?}");
}
