//! The directory: people, teams, chat identities and the import.

use chrono::Duration;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::import::{ImportError, ImportOptions, ImportReport, import_people};
use rhythm_domain::people::{Email, Person, Platform, Role, TeamName, Timezone};
use rhythm_domain::ports::{Commit, Directory, PeopleFilter};
use rhythm_store::Store;
use rhythm_testing::{TestBackend, TestDb};

const HEADER: &str =
    "email,name,timezone,role,manager_email,team,region,slack_user_id,discord_user_id\n";

fn options() -> ImportOptions {
    ImportOptions {
        default_timezone: Timezone::parse("Europe/Berlin").unwrap(),
        deactivate_missing: false,
    }
}

async fn import_with(
    store: &Store,
    csv: &str,
    options: &ImportOptions,
    commit: Commit,
) -> Result<ImportReport, ImportError> {
    import_people(store, csv.as_bytes(), options, commit, "test", &|_, _| {}).await
}

async fn import(store: &Store, csv: &str) -> ImportReport {
    import_with(store, csv, &options(), Commit::Write)
        .await
        .expect("the import succeeds")
}

async fn everyone(store: &Store) -> Vec<Person> {
    store.people(&PeopleFilter::default()).await.unwrap()
}

fn person<'a>(people: &'a [Person], email: &str) -> &'a Person {
    people
        .iter()
        .find(|person| person.email.as_str() == email)
        .unwrap_or_else(|| panic!("{email} is in the directory"))
}

fn org() -> String {
    format!(
        "{HEADER}\
         ceo@example.com,Carmen Ortiz,America/New_York,hr_admin,,Leadership,us,U0CEO0001,\n\
         ana@example.com,Ana López,Europe/Berlin,manager,ceo@example.com,Platform;Mobile,de,U0ANA0001,80351110224678912\n\
         ben@example.com,山田 太郎,Asia/Tokyo,employee,ana@example.com,Platform,jp,,\n\
         zoe@example.com,Zoë 🚀 Smith,,employee,ana@example.com,Mobile,,,\n"
    )
}

#[tokio::test]
async fn migrations_apply_once_and_leave_the_database_current() {
    let db = TestDb::unmigrated().await;
    let before = db.store.migration_status().await.unwrap();
    assert_eq!(before.applied, 0);
    assert!(!before.pending.is_empty());
    db.store.migrate().await.unwrap();
    db.store.migrate().await.unwrap();
    let after = db.store.migration_status().await.unwrap();
    assert!(after.is_current(), "{after:?}");
    assert_eq!(after.applied, after.known);
}

#[tokio::test]
async fn an_import_stores_every_field_and_names_round_trip_exactly() {
    let db = TestDb::new().await;
    let report = import(&db.store, &org()).await;
    assert_eq!(report.created.len(), 4);
    let people = everyone(&db.store).await;
    let emails: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "ana@example.com",
            "ben@example.com",
            "ceo@example.com",
            "zoe@example.com"
        ]
    );

    let ana = person(&people, "ana@example.com");
    assert_eq!(ana.name.as_str(), "Ana López");
    assert_eq!(ana.timezone.as_str(), "Europe/Berlin");
    assert_eq!(ana.role, Role::Manager);
    assert_eq!(
        ana.manager.as_ref().map(Email::as_str),
        Some("ceo@example.com")
    );
    let teams: Vec<&str> = ana.teams.iter().map(TeamName::as_str).collect();
    assert_eq!(teams, ["Mobile", "Platform"]);
    assert_eq!(ana.region.as_ref().map(|r| r.as_str()), Some("de"));
    assert!(ana.active);
    let accounts: Vec<(Platform, &str)> = ana
        .identities
        .iter()
        .map(|i| (i.platform, i.user_id.as_str()))
        .collect();
    assert_eq!(
        accounts,
        [
            (Platform::Discord, "80351110224678912"),
            (Platform::Slack, "U0ANA0001")
        ]
    );
    assert_eq!(ana.created_at, db.clock.now());

    assert_eq!(
        person(&people, "ben@example.com").name.as_str(),
        "山田 太郎"
    );
    let zoe = person(&people, "zoe@example.com");
    assert_eq!(zoe.name.as_str(), "Zoë 🚀 Smith");
    assert_eq!(
        zoe.timezone.as_str(),
        "Europe/Berlin",
        "an empty zone takes the default"
    );
    assert_eq!(zoe.region, None);
}

#[tokio::test]
async fn re_importing_the_same_file_changes_nothing() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    let before = everyone(&db.store).await;
    db.clock.advance(Duration::hours(1));
    let report = import(&db.store, &org()).await;
    assert!(
        report.created.is_empty() && report.updated.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.unchanged, 4);
    assert_eq!(
        everyone(&db.store).await,
        before,
        "not even updated_at moved"
    );
}

#[tokio::test]
async fn a_re_import_updates_only_what_changed_and_keeps_absent_columns() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    db.clock.advance(Duration::hours(1));
    let csv = "email,name,team\n\
               ana@example.com,Ana López-Díaz,Platform\n\
               ben@example.com,山田 太郎,Platform\n";
    let report = import(&db.store, csv).await;
    assert_eq!(report.unchanged, 1);
    assert_eq!(report.updated.len(), 1);
    assert_eq!(report.updated[0].fields, ["name", "team"]);

    let people = everyone(&db.store).await;
    let ana = person(&people, "ana@example.com");
    assert_eq!(ana.name.as_str(), "Ana López-Díaz");
    assert_eq!(ana.teams, [TeamName::parse("Platform").unwrap()]);
    assert_eq!(
        ana.timezone.as_str(),
        "Europe/Berlin",
        "an absent column keeps the value"
    );
    assert_eq!(
        ana.manager.as_ref().map(Email::as_str),
        Some("ceo@example.com")
    );
    assert_eq!(
        ana.identities.len(),
        2,
        "chat accounts are never removed by import"
    );
    assert_eq!(ana.updated_at, ana.created_at + Duration::hours(1));
    assert_eq!(
        person(&people, "ben@example.com").updated_at,
        ana.created_at
    );
}

#[tokio::test]
async fn two_people_can_swap_chat_ids_in_one_import() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    let csv = "email,name,slack_user_id\n\
               ana@example.com,Ana López,U0CEO0001\n\
               ceo@example.com,Carmen Ortiz,U0ANA0001\n";
    import(&db.store, csv).await;
    let people = everyone(&db.store).await;
    let slack_of = |email| {
        person(&people, email)
            .identities
            .iter()
            .find(|i| i.platform == Platform::Slack)
            .map(|i| i.user_id.as_str().to_owned())
    };
    assert_eq!(slack_of("ana@example.com").as_deref(), Some("U0CEO0001"));
    assert_eq!(slack_of("ceo@example.com").as_deref(), Some("U0ANA0001"));
}

#[tokio::test]
async fn deactivate_missing_deactivates_and_a_later_import_reactivates() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    let keep = "email,name,manager_email\n\
                ceo@example.com,Carmen Ortiz,\n\
                ana@example.com,Ana López,ceo@example.com\n";
    let options = ImportOptions {
        deactivate_missing: true,
        ..options()
    };
    let report = import_with(&db.store, keep, &options, Commit::Write)
        .await
        .unwrap();
    let gone: Vec<&str> = report
        .deactivated
        .iter()
        .map(|p| p.email.as_str())
        .collect();
    assert_eq!(gone, ["ben@example.com", "zoe@example.com"]);
    let active = db
        .store
        .people(&PeopleFilter {
            active_only: true,
            ..PeopleFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(active.len(), 2);
    assert_eq!(
        everyone(&db.store).await.len(),
        4,
        "deactivation never deletes"
    );

    let report = import(&db.store, "email,name\nben@example.com,山田 太郎\n").await;
    assert_eq!(report.updated[0].fields, ["active"]);
    assert!(person(&everyone(&db.store).await, "ben@example.com").active);
}

#[tokio::test]
async fn a_dry_run_reports_the_change_and_writes_nothing() {
    let db = TestDb::new().await;
    let report = import_with(&db.store, &org(), &options(), Commit::DryRun)
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.created.len(), 4);
    assert!(everyone(&db.store).await.is_empty());
    assert!(db.store.teams().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_import_with_a_problem_changes_nothing() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    let before = everyone(&db.store).await;
    let csv = "email,name,manager_email,team\n\
               ana@example.com,Ana Renamed,ceo@example.com,New Team\n\
               new@example.com,New Person,ghost@example.com,New Team\n";
    let Err(ImportError::Invalid(problems)) =
        import_with(&db.store, csv, &options(), Commit::Write).await
    else {
        panic!("the import is refused");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 3);
    assert_eq!(everyone(&db.store).await, before);
    assert!(
        !db.store
            .team_exists(&TeamName::parse("New Team").unwrap())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn people_are_listed_by_team_regardless_of_case_and_teams_count_active_members() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    let platform = db
        .store
        .people(&PeopleFilter {
            team: Some("platform".into()),
            ..PeopleFilter::default()
        })
        .await
        .unwrap();
    let emails: Vec<&str> = platform.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(emails, ["ana@example.com", "ben@example.com"]);
    assert_eq!(
        platform[0].teams.len(),
        2,
        "a listed person shows all their teams"
    );

    let teams = db.store.teams().await.unwrap();
    let counts: Vec<(&str, u64)> = teams.iter().map(|t| (t.name.as_str(), t.members)).collect();
    assert_eq!(counts, [("Leadership", 1), ("Mobile", 2), ("Platform", 2)]);
}

#[tokio::test]
async fn team_names_that_differ_only_in_case_are_one_team() {
    let db = TestDb::new().await;
    import(&db.store, "email,name,team\na@example.com,A,Platform\n").await;
    let report = import(
        &db.store,
        "email,name,team\nb@example.com,B,PLATFORM; platform\nc@example.com,C,platform\n",
    )
    .await;
    assert_eq!(report.created.len(), 2);
    let teams = db.store.teams().await.unwrap();
    let counts: Vec<(&str, u64)> = teams.iter().map(|t| (t.name.as_str(), t.members)).collect();
    assert_eq!(counts, [("Platform", 3)], "kept as first imported");
    let report = import(&db.store, "email,name,team\na@example.com,A,pLaTfOrM\n").await;
    assert_eq!(
        report.unchanged, 1,
        "a different spelling of the same team is no change"
    );
}

#[tokio::test]
async fn a_large_import_spans_several_statements_and_arrives_whole() {
    let db = TestDb::new().await;
    let mut csv = String::from("email,name,manager_email,team,slack_user_id\n");
    csv.push_str("boss@example.com,Boss,,Everyone,U0BOSS\n");
    for n in 0..9_000 {
        csv.push_str(&format!(
            "p{n}@example.com,Person {n},boss@example.com,Team {},U{n:08}\n",
            n % 40
        ));
    }
    let report = import(&db.store, &csv).await;
    assert_eq!(report.created.len(), 9_001);
    let people = everyone(&db.store).await;
    assert_eq!(people.len(), 9_001);
    assert!(
        people
            .iter()
            .all(|p| p.identities.len() == 1 && p.teams.len() == 1)
    );
    assert_eq!(db.store.teams().await.unwrap().len(), 41);
}

#[tokio::test]
async fn reports_may_come_before_their_managers_even_across_statements() {
    let db = TestDb::new().await;
    // p0 reports to p1, who reports to p2 …: every row names a manager further down.
    let mut csv = String::from("email,name,manager_email\n");
    let chain = 8_000;
    for n in 0..chain {
        let manager = if n + 1 < chain {
            format!("p{}@example.com", n + 1)
        } else {
            String::new()
        };
        csv.push_str(&format!("p{n}@example.com,Person {n},{manager}\n"));
    }
    assert_eq!(import(&db.store, &csv).await.created.len(), chain);
    let people = everyone(&db.store).await;
    let first = person(&people, "p0@example.com");
    assert_eq!(
        first.manager.as_ref().map(Email::as_str),
        Some("p1@example.com")
    );
}

#[tokio::test]
async fn concurrent_imports_are_serialised_and_both_land() {
    let db = TestDb::new().await;
    let first = "email,name,team\na@example.com,A,One\n";
    let second = "email,name,team\nb@example.com,B,One\n";
    let (left, right) = tokio::join!(import(&db.store, first), import(&db.store, second));
    assert_eq!(left.created.len() + right.created.len(), 2);
    assert_eq!(everyone(&db.store).await.len(), 2);
    assert_eq!(db.store.teams().await.unwrap().len(), 1);
}

#[tokio::test]
async fn every_import_is_written_to_the_audit_log() {
    let db = TestDb::new().await;
    import(&db.store, &org()).await;
    let entries: Vec<(String, String, String)> = match &db.store {
        Store::Sqlite(store) => sqlx::query_as("SELECT actor, action, details FROM audit_log")
            .fetch_all(store.pool())
            .await
            .unwrap(),
        Store::Postgres(store) => sqlx::query_as("SELECT actor, action, details FROM audit_log")
            .fetch_all(store.pool())
            .await
            .unwrap(),
    };
    assert_eq!(entries.len(), 1);
    let (actor, action, details) = &entries[0];
    assert_eq!((actor.as_str(), action.as_str()), ("test", "people.import"));
    let details: serde_json::Value = serde_json::from_str(details).unwrap();
    assert_eq!(details["created"], 4);
}

#[tokio::test]
async fn sqlite_runs_in_wal_with_full_sync_and_foreign_keys() {
    let db = TestDb::new().await;
    if db.backend_of() != TestBackend::Sqlite {
        return;
    }
    let Store::Sqlite(store) = &db.store else {
        unreachable!()
    };
    let mut conn = store.pool().acquire().await.unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2, "FULL");
    assert_eq!(foreign_keys, 1);
    assert_eq!(busy, 5_000);
}

#[tokio::test]
async fn quiet_hours_and_out_of_office_are_read_with_each_person() {
    let db = TestDb::new().await;
    import(
        &db.store,
        "email,name\nana@example.com,Ana\nben@example.com,Ben\n",
    )
    .await;
    let statements = [
        "UPDATE people SET quiet_hours = '19:00-07:30' WHERE email = 'ana@example.com'",
        "INSERT INTO out_of_office (person_id, from_date, to_date) \
         SELECT id, '2026-08-03', '2026-08-14' FROM people WHERE email = 'ana@example.com'",
    ];
    for sql in statements {
        match &db.store {
            Store::Sqlite(store) => sqlx::query(sql).execute(store.pool()).await.map(drop),
            Store::Postgres(store) => sqlx::query(sql).execute(store.pool()).await.map(drop),
        }
        .unwrap();
    }
    let people = everyone(&db.store).await;
    let ana = person(&people, "ana@example.com");
    assert_eq!(
        ana.quiet_hours,
        Some(rhythm_domain::schedule::QuietHours::parse("19:00-07:30").unwrap())
    );
    assert_eq!(ana.out_of_office.len(), 1);
    assert_eq!(ana.out_of_office[0].to.to_string(), "2026-08-14");
    let ben = person(&people, "ben@example.com");
    assert_eq!((ben.quiet_hours, ben.out_of_office.len()), (None, 0));
}
