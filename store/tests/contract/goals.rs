//! Goals: adding them for a person, a team or the company (audited, with their first history
//! entry), refusing an unknown team or parent, listing with filters in report order,
//! recording progress, reading history up to an instant, and what a deleted person takes.

use chrono::{DateTime, Utc};
use rhythm_domain::goals::{
    Direction, GoalId, GoalOwner, GoalPeriod, GoalStatus, GoalTitle, KeyResult, Measure,
};
use rhythm_domain::people::{PersonId, TeamName};
use rhythm_domain::ports::{
    AddGoal, Goal, GoalFilter, GoalHistoryEntry, GoalUpdate, Goals, NewGoal, StoreError,
};
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::support::{at, person};

const PEOPLE: &str = "email,name,team\nana@x.com,Ana,Platform\nbo@x.com,Bo,Platform\n\
                      cy@x.com,Cy,Mobile\n";

/// Ana and Bo (Platform) and Cy (Mobile)'s ids.
async fn people(db: &TestDb) -> [PersonId; 3] {
    db.import(PEOPLE).await;
    let mut ids = [PersonId(0); 3];
    for (id, email) in ids.iter_mut().zip(["ana@x.com", "bo@x.com", "cy@x.com"]) {
        *id = person(&db.store, email).await.id;
    }
    ids
}

fn quarter(text: &str) -> GoalPeriod {
    GoalPeriod::parse(text).unwrap()
}

fn team(name: &str) -> GoalOwner {
    GoalOwner::Team(TeamName::parse(name).unwrap())
}

/// One key result: weekly active teams, from 10 up to 20, now at `current`.
fn teams_at(current: f64) -> Measure {
    let mut result = KeyResult::new(
        "Weekly active teams",
        10.0,
        20.0,
        "teams",
        Direction::Increase,
    )
    .unwrap();
    result.current = current;
    Measure::key_results(vec![result]).unwrap()
}

/// A goal of `owner` for 2026-Q2, set by HR from the CLI at `at(0)`.
fn goal(owner: GoalOwner, title: &str, parent: Option<GoalId>) -> NewGoal {
    NewGoal {
        owner,
        period: quarter("2026-Q2"),
        title: GoalTitle::parse(title).unwrap(),
        description: None,
        weight: 50,
        parent,
        measure: teams_at(10.0),
        actor: "cli:hr".into(),
        at: at(0),
    }
}

fn added(outcome: AddGoal) -> Goal {
    match outcome {
        AddGoal::Added(goal) => goal,
        other => panic!("expected a goal added, got {other:?}"),
    }
}

async fn add(store: &Store, new: NewGoal) -> Goal {
    added(store.add_goal(&new).await.unwrap())
}

fn update(goal: GoalId, by: PersonId, status: GoalStatus, when: i64) -> GoalUpdate {
    GoalUpdate {
        goal,
        by,
        measure: teams_at(15.0),
        status,
        comment: Some(format!("at {when}")),
        at: at(when),
    }
}

fn ids(goals: &[Goal]) -> Vec<GoalId> {
    goals.iter().map(|goal| goal.id).collect()
}

fn history_of(entries: &[GoalHistoryEntry]) -> Vec<(GoalId, DateTime<Utc>)> {
    entries.iter().map(|entry| (entry.goal, entry.at)).collect()
}

/// Runs `sql` (test code: trusted as written) with `id` bound to its `$1`; it must change
/// something.
async fn execute(db: &TestDb, sql: &'static str, id: i64) {
    let changed = match &db.store {
        Store::Sqlite(store) => sqlx::query(sql)
            .bind(id)
            .execute(store.pool())
            .await
            .map(|done| done.rows_affected()),
        Store::Postgres(store) => sqlx::query(sql)
            .bind(id)
            .execute(store.pool())
            .await
            .map(|done| done.rows_affected()),
    }
    .unwrap_or_else(|error| panic!("{sql}: {error}"));
    assert!(changed > 0, "{sql} changed nothing");
}

#[tokio::test]
async fn goals_are_added_for_the_company_a_team_and_a_person_and_read_back() {
    let db = TestDb::new().await;
    let [ana, _, _] = people(&db).await;
    let store = &db.store;

    let company = add(store, goal(GoalOwner::Company, "Grow adoption", None)).await;
    let mut new = goal(team("platform"), "Onboard ten more teams", Some(company.id));
    new.description = Some("Self-serve onboarding first.".into());
    new.weight = 70;
    new.period = quarter("2026-Q3");
    new.at = at(60);
    let platform = add(store, new).await;
    let mut new = goal(GoalOwner::Person(ana), "Ship self-serve", Some(platform.id));
    new.measure = Measure::Check { done: false };
    let personal = add(store, new).await;

    assert_eq!(company.owner, GoalOwner::Company);
    assert_eq!(company.parent, None);
    assert_eq!(company.status, GoalStatus::OnTrack);
    assert_eq!(company.measure, teams_at(10.0));
    assert_eq!(
        platform.owner,
        team("Platform"),
        "the team as the directory spells it"
    );
    assert_eq!(platform.period, quarter("2026-Q3"));
    assert_eq!(platform.title.as_str(), "Onboard ten more teams");
    assert_eq!(
        platform.description.as_deref(),
        Some("Self-serve onboarding first.")
    );
    assert_eq!(platform.weight, 70);
    assert_eq!(platform.parent, Some(company.id));
    assert_eq!((platform.created_at, platform.updated_at), (at(60), at(60)));
    assert_eq!(personal.owner, GoalOwner::Person(ana));
    assert_eq!(personal.parent, Some(platform.id));
    assert_eq!(personal.measure, Measure::Check { done: false });

    for stored in [&company, &platform, &personal] {
        assert_eq!(store.goal(stored.id).await.unwrap().as_ref(), Some(stored));
    }
    assert_eq!(store.goal(GoalId(personal.id.0 + 1)).await.unwrap(), None);

    let history = store.goal_history(&[platform.id], at(3_600)).await.unwrap();
    assert_eq!(
        history,
        [GoalHistoryEntry {
            goal: platform.id,
            by: None,
            measure: teams_at(10.0),
            status: GoalStatus::OnTrack,
            comment: None,
            at: at(60),
        }],
        "the first entry is the goal's start"
    );
}

#[tokio::test]
async fn a_goal_for_an_unknown_team_or_parent_is_refused_and_nothing_is_written() {
    let db = TestDb::new().await;
    let [ana, _, _] = people(&db).await;
    let store = &db.store;

    assert_eq!(
        store
            .add_goal(&goal(team("Nobody"), "Do the impossible", None))
            .await
            .unwrap(),
        AddGoal::NoSuchTeam
    );
    assert_eq!(
        store
            .add_goal(&goal(
                GoalOwner::Person(ana),
                "Contribute to nothing",
                Some(GoalId(42))
            ))
            .await
            .unwrap(),
        AddGoal::NoSuchParent
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM goals").await, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM goal_updates").await, 0);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'goal.add'")
            .await,
        0
    );
}

#[tokio::test]
async fn adding_a_goal_is_written_to_the_audit_log() {
    let db = TestDb::new().await;
    people(&db).await;
    let company = add(&db.store, goal(GoalOwner::Company, "Grow adoption", None)).await;
    let goal = add(
        &db.store,
        goal(team("PLATFORM"), "Onboard ten more teams", Some(company.id)),
    )
    .await;

    let sql = "SELECT actor, action, details FROM audit_log WHERE action = 'goal.add' \
               ORDER BY id";
    let entries: Vec<(String, String, String)> = match &db.store {
        Store::Sqlite(store) => sqlx::query_as(sql).fetch_all(store.pool()).await,
        Store::Postgres(store) => sqlx::query_as(sql).fetch_all(store.pool()).await,
    }
    .unwrap();
    assert_eq!(entries.len(), 2);
    let (actor, action, details) = &entries[1];
    assert_eq!((actor.as_str(), action.as_str()), ("cli:hr", "goal.add"));
    let details: serde_json::Value = serde_json::from_str(details).unwrap();
    assert_eq!(details["goal_id"], goal.id.0);
    assert_eq!(details["owner"], "team:Platform");
    assert_eq!(details["period"], "2026-Q2");
    assert_eq!(details["title"], "Onboard ten more teams");
    assert_eq!(details["parent_id"], company.id.0);
    let company_details: serde_json::Value = serde_json::from_str(&entries[0].2).unwrap();
    assert_eq!(company_details["owner"], "company");
}

#[tokio::test]
async fn goals_are_listed_by_quarter_then_company_teams_people_then_id_and_filtered() {
    let db = TestDb::new().await;
    let [ana, bo, _] = people(&db).await;
    let store = &db.store;
    let q1 = |mut new: NewGoal| {
        new.period = quarter("2026-Q1");
        new
    };
    // Added out of order, so that neither ids nor insertion give the listing's order.
    let ana_q2 = add(store, goal(GoalOwner::Person(ana), "Ana's Q2", None)).await;
    let platform = add(store, goal(team("Platform"), "Platform's Q2", None)).await;
    let company_q1 = add(store, q1(goal(GoalOwner::Company, "Company Q1", None))).await;
    let bo_q2 = add(store, goal(GoalOwner::Person(bo), "Bo's Q2", None)).await;
    let mobile = add(store, goal(team("Mobile"), "Mobile's Q2", None)).await;
    let ana_q1 = add(store, q1(goal(GoalOwner::Person(ana), "Ana's Q1", None))).await;
    let company = add(store, goal(GoalOwner::Company, "Company Q2", None)).await;
    let under_platform = |title: &str, owner| goal(owner, title, Some(platform.id));
    let ana_child = add(store, under_platform("Ana's part", GoalOwner::Person(ana))).await;
    let bo_child = add(store, under_platform("Bo's part", GoalOwner::Person(bo))).await;
    let list = |filter: GoalFilter| async move { ids(&store.goals(&filter).await.unwrap()) };

    assert_eq!(
        list(GoalFilter::default()).await,
        [
            company_q1.id,
            ana_q1.id,
            company.id,
            platform.id,
            mobile.id,
            ana_q2.id,
            bo_q2.id,
            ana_child.id,
            bo_child.id
        ]
    );
    assert_eq!(
        list(GoalFilter {
            owners: vec![GoalOwner::Person(ana)],
            ..GoalFilter::default()
        })
        .await,
        [ana_q1.id, ana_q2.id, ana_child.id]
    );
    assert_eq!(
        list(GoalFilter {
            owners: vec![team("MOBILE"), GoalOwner::Company],
            ..GoalFilter::default()
        })
        .await,
        [company_q1.id, company.id, mobile.id],
        "any of the owners; a team by name in any case"
    );
    assert_eq!(
        list(GoalFilter {
            owners: vec![GoalOwner::Person(bo), team("platform")],
            period: Some(quarter("2026-Q2")),
            ..GoalFilter::default()
        })
        .await,
        [platform.id, bo_q2.id, bo_child.id]
    );
    assert_eq!(
        list(GoalFilter {
            period: Some(quarter("2026-Q1")),
            ..GoalFilter::default()
        })
        .await,
        [company_q1.id, ana_q1.id]
    );
    assert_eq!(
        list(GoalFilter {
            owners: vec![team("Nobody")],
            ..GoalFilter::default()
        })
        .await,
        []
    );
    let children = GoalFilter {
        parent: Some(platform.id),
        ..GoalFilter::default()
    };
    assert_eq!(list(children.clone()).await, [ana_child.id, bo_child.id]);

    store
        .update_goal(&update(bo_child.id, bo, GoalStatus::Dropped, 10))
        .await
        .unwrap();
    assert_eq!(list(children.clone()).await, [ana_child.id, bo_child.id]);
    assert_eq!(
        list(GoalFilter {
            skip_dropped: true,
            ..children
        })
        .await,
        [ana_child.id]
    );
}

#[tokio::test]
async fn an_update_becomes_the_goals_current_state_and_a_history_entry() {
    let db = TestDb::new().await;
    let [ana, bo, _] = people(&db).await;
    let store = &db.store;
    let start = add(store, goal(GoalOwner::Person(ana), "Ship self-serve", None)).await;

    let now = store
        .update_goal(&update(start.id, bo, GoalStatus::AtRisk, 600))
        .await
        .unwrap()
        .expect("the goal exists");
    assert_eq!(
        now,
        Goal {
            measure: teams_at(15.0),
            status: GoalStatus::AtRisk,
            updated_at: at(600),
            ..start.clone()
        }
    );
    assert_eq!(store.goal(start.id).await.unwrap(), Some(now));
    let history = store.goal_history(&[start.id], at(600)).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[1],
        GoalHistoryEntry {
            goal: start.id,
            by: Some(bo),
            measure: teams_at(15.0),
            status: GoalStatus::AtRisk,
            comment: Some("at 600".into()),
            at: at(600),
        }
    );

    let unknown = GoalId(start.id.0 + 1);
    assert_eq!(
        store
            .update_goal(&update(unknown, bo, GoalStatus::Done, 700))
            .await
            .unwrap(),
        None
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM goal_updates").await, 2);
}

#[tokio::test]
async fn history_is_by_goal_then_time_and_leaves_out_what_came_after_until() {
    let db = TestDb::new().await;
    let [ana, bo, _] = people(&db).await;
    let store = &db.store;
    let first = add(store, goal(GoalOwner::Person(ana), "Ship self-serve", None)).await;
    let mut new = goal(GoalOwner::Person(bo), "Halve onboarding time", None);
    new.at = at(50);
    let second = add(store, new).await;
    for (goal, by, when) in [
        (first.id, ana, 200),
        (second.id, bo, 150),
        (first.id, ana, 100),
        (first.id, bo, 100),
        (second.id, bo, 300),
    ] {
        store
            .update_goal(&update(goal, by, GoalStatus::OnTrack, when))
            .await
            .unwrap()
            .unwrap();
    }

    let history = store
        .goal_history(&[second.id, first.id, second.id], at(150))
        .await
        .unwrap();
    assert_eq!(
        history_of(&history),
        [
            (first.id, at(0)),
            (first.id, at(100)),
            (first.id, at(100)),
            (second.id, at(50)),
            (second.id, at(150)),
        ],
        "`until` is kept; same-instant entries in the order they were recorded"
    );
    assert_eq!(history[1].by, Some(ana));
    assert_eq!(history[2].by, Some(bo));
    assert_eq!(
        history_of(&store.goal_history(&[first.id], at(-1)).await.unwrap()),
        []
    );
    assert_eq!(store.goal_history(&[], at(1_000)).await.unwrap(), []);
    assert_eq!(
        store
            .goal_history(&[GoalId(second.id.0 + 1)], at(1_000))
            .await
            .unwrap(),
        []
    );
}

#[tokio::test]
async fn a_deleted_person_takes_their_goals_and_leaves_others_standing() {
    let db = TestDb::new().await;
    let [ana, bo, _] = people(&db).await;
    let store = &db.store;
    let bos = add(
        store,
        goal(GoalOwner::Person(bo), "Halve onboarding time", None),
    )
    .await;
    let anas = add(
        store,
        goal(GoalOwner::Person(ana), "Write the guide", Some(bos.id)),
    )
    .await;
    store
        .update_goal(&update(anas.id, bo, GoalStatus::OnTrack, 100))
        .await
        .unwrap();

    // The store deletes nobody (people are deactivated): this is the schema's promise for
    // whoever does.
    execute(&db, "DELETE FROM people WHERE id = $1", bo.0).await;

    assert_eq!(store.goal(bos.id).await.unwrap(), None);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM goal_updates WHERE goal_id NOT IN (SELECT id FROM goals)")
            .await,
        0,
        "their goals' history goes with them"
    );
    let anas = store
        .goal(anas.id)
        .await
        .unwrap()
        .expect("Ana's goal stays");
    assert_eq!(anas.parent, None, "a goal outlives its parent");
    let history = store.goal_history(&[anas.id], at(100)).await.unwrap();
    assert_eq!(
        history.iter().map(|entry| entry.by).collect::<Vec<_>>(),
        [None, None],
        "an update outlives whoever recorded it"
    );
}

#[tokio::test]
async fn a_stored_measure_that_does_not_parse_is_an_unexpected_error() {
    let db = TestDb::new().await;
    let [ana, _, _] = people(&db).await;
    let store = &db.store;
    let goal = add(store, goal(GoalOwner::Person(ana), "Ship self-serve", None)).await;

    execute(
        &db,
        "UPDATE goals SET measure = '{}' WHERE id = $1",
        goal.id.0,
    )
    .await;
    let error = store.goal(goal.id).await.unwrap_err();
    assert!(matches!(error, StoreError::Unexpected(_)), "{error:?}");
    assert!(
        format!("{error:#}").contains(&format!("stored goal {}", goal.id.0)),
        "{error:#}"
    );

    execute(
        &db,
        "UPDATE goal_updates SET measure = 'not json' WHERE goal_id = $1",
        goal.id.0,
    )
    .await;
    let error = store.goal_history(&[goal.id], at(0)).await.unwrap_err();
    assert!(matches!(error, StoreError::Unexpected(_)), "{error:?}");
}

#[tokio::test]
async fn a_filter_naming_more_owners_than_one_statement_binds_lists_each_goal_once_in_order() {
    let db = TestDb::new().await;
    let [ana, bo, _] = people(&db).await;
    let store = &db.store;
    let anas = add(store, goal(GoalOwner::Person(ana), "Ship self-serve", None)).await;
    let platform = add(
        store,
        goal(team("Platform"), "Onboard ten more teams", None),
    )
    .await;
    let company = add(store, goal(GoalOwner::Company, "Grow adoption", None)).await;
    add(
        store,
        goal(GoalOwner::Person(bo), "Halve onboarding time", None),
    )
    .await;

    // Past both backends' bind limits (32,766 and 32,767), with the team named in two
    // statements, spelt two ways.
    let mut owners = vec![team("PLATFORM"), GoalOwner::Person(ana)];
    owners.extend((0..40_000).map(|n| GoalOwner::Person(PersonId(1_000_000 + n))));
    owners.extend([team("platform"), GoalOwner::Company]);
    let goals = store
        .goals(&GoalFilter {
            owners,
            ..GoalFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(&goals), [company.id, platform.id, anas.id]);
}

#[tokio::test]
async fn history_of_more_goals_than_one_statement_binds_is_still_by_goal() {
    let db = TestDb::new().await;
    let [ana, _, _] = people(&db).await;
    let store = &db.store;
    let first = add(store, goal(GoalOwner::Person(ana), "Ship self-serve", None)).await;
    let second = add(store, goal(GoalOwner::Company, "Grow adoption", None)).await;
    store
        .update_goal(&update(first.id, ana, GoalStatus::OnTrack, 100))
        .await
        .unwrap();

    // Out of id order, among 40,000 that do not exist: past both backends' bind limits.
    let mut goals: Vec<GoalId> = (0..40_000).map(|n| GoalId(1_000_000 + n)).collect();
    goals.insert(0, second.id);
    goals.push(first.id);
    let history = store.goal_history(&goals, at(1_000)).await.unwrap();
    assert_eq!(
        history_of(&history),
        [(first.id, at(0)), (first.id, at(100)), (second.id, at(0))]
    );
}
