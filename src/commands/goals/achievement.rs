//! `rhythm goals achievement`: the achievement rate and weighted score of a quarter's goals
//! per person or per team, as `rhythm_domain::goals::achievement` computes them from each
//! goal's history.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rhythm_domain::goals::achievement::achievement as tally;
use rhythm_domain::goals::{GoalOwner, GoalPeriod};
use rhythm_domain::ports::{Goal, GoalFilter, GoalHistoryEntry, Goals as _};
use rhythm_store::Store;
use serde::Serialize;

use super::{People, bad, period, print_json};
use crate::cli::GoalsAchievementArgs;
use crate::commands::people::ready_store;
use crate::config::Config;
use crate::error::CliError;

/// One row: an owner's achievement in the quarter.
#[derive(Debug, Serialize)]
struct Row {
    /// A person's name, a team's name, or `company`.
    owner: String,
    /// `person`, `team` or `company`.
    kind: &'static str,
    /// A person's email; `None` for a team or the company.
    email: Option<String>,
    period: String,
    goals: u32,
    achieved: u32,
    rate: f64,
    score: f64,
}

/// Prints the achievement of the quarter `args` names, per person or per team.
pub(super) async fn achievement(
    config: &Config,
    args: &GoalsAchievementArgs,
) -> Result<(), CliError> {
    let now = Utc::now();
    let period = match args.period.as_deref() {
        Some(text) => period(text).map_err(|problem| bad(format!("--period: {problem}")))?,
        None => GoalPeriod::current(now, chrono_tz::UTC),
    };
    let by_team = args.by == "team";
    let store = ready_store(config).await?;
    let read = read(&store, period, now).await;
    store.close().await;
    let (goals, history, people) = read?;
    let rows = rows(&goals, &history, &people, by_team);
    if args.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        println!("No goals in {period} to report on. `rhythm goals list` shows the goals.");
        return Ok(());
    }
    println!(
        "Goal achievement in {period}, by {}, as of {} UTC:",
        args.by,
        now.format("%Y-%m-%d %H:%M")
    );
    let mut table = crate::commands::plain_table(["OWNER", "GOALS", "ACHIEVED", "RATE", "SCORE"]);
    for row in &rows {
        let owner = match &row.email {
            Some(email) => format!("{} <{email}>", row.owner),
            None if row.kind == "team" => format!("team {}", row.owner),
            None => row.owner.clone(),
        };
        table.add_row([
            owner,
            row.goals.to_string(),
            row.achieved.to_string(),
            percent(row.rate),
            percent(row.score),
        ]);
    }
    println!("{table}");
    println!(
        "Rate: goals achieved (done, or every key result at its target) over goals counted \
         (dropped ones are not). Score: progress averaged by weight."
    );
    Ok(())
}

async fn read(
    store: &Store,
    period: GoalPeriod,
    now: DateTime<Utc>,
) -> Result<(Vec<Goal>, Vec<GoalHistoryEntry>, People), CliError> {
    let people = People::load(store).await?;
    let filter = GoalFilter {
        period: Some(period),
        ..GoalFilter::default()
    };
    let goals = store.goals(&filter).await.context("listing goals")?;
    let ids: Vec<_> = goals.iter().map(|goal| goal.id).collect();
    let history = store
        .goal_history(&ids, now)
        .await
        .context("reading the goals' history")?;
    Ok((goals, history, people))
}

/// The rows: per person (their own goals), or per team (its goals and its members') with the
/// company's goals as a row of their own; the company first, then teams, then people, each
/// by name.
fn rows(goals: &[Goal], history: &[GoalHistoryEntry], people: &People, by_team: bool) -> Vec<Row> {
    let team_key = |name: &str| format!("team:{name}");
    let groups = |goal: &Goal| match &goal.owner {
        GoalOwner::Person(id) if by_team => people
            .with_id(*id)
            .map(|person| person.teams.iter().map(|t| team_key(t.as_str())).collect())
            .unwrap_or_default(),
        GoalOwner::Person(id) => vec![format!("person:{}", id.0)],
        GoalOwner::Team(team) if by_team => vec![team_key(team.as_str())],
        GoalOwner::Company if by_team => vec!["company".to_owned()],
        GoalOwner::Team(_) | GoalOwner::Company => Vec::new(),
    };
    let mut rows: Vec<Row> = tally(goals, history, groups)
        .into_iter()
        .map(|tallied| {
            let (kind, owner, email) = whose(&tallied.owner, people);
            Row {
                owner,
                kind,
                email,
                period: tallied.period,
                goals: tallied.goals,
                achieved: tallied.achieved,
                rate: tallied.rate,
                score: tallied.score,
            }
        })
        .collect();
    let rank = |kind: &str| {
        ["company", "team", "person"]
            .iter()
            .position(|k| *k == kind)
    };
    rows.sort_by_cached_key(|row| (rank(row.kind), row.owner.to_lowercase(), row.email.clone()));
    rows
}

/// Reads a group's key back: its kind, its name, and a person's email.
fn whose(key: &str, people: &People) -> (&'static str, String, Option<String>) {
    if let Some(name) = key.strip_prefix("team:") {
        return ("team", name.to_owned(), None);
    }
    let person = key
        .strip_prefix("person:")
        .and_then(|id| id.parse().ok())
        .and_then(|id| people.with_id(rhythm_domain::people::PersonId(id)));
    match person {
        Some(person) => (
            "person",
            person.name.to_string(),
            Some(person.email.to_string()),
        ),
        None if key.starts_with("person:") => ("person", key.to_owned(), None),
        None => ("company", "company".to_owned(), None),
    }
}

/// `67%`.
fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}
