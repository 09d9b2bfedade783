//! `rhythm goals add`: one goal, checked field by field, then stored (the store says whether
//! its team and its parent exist).

use anyhow::Context as _;
use chrono::Utc;
use rhythm_domain::goals::GoalOwner;
use rhythm_domain::ports::{AddGoal, Goals as _, NewGoal};
use rhythm_store::Store;

use super::{People, Typed, bad, check, goal_json, print_json, summary};
use crate::cli::GoalsAddArgs;
use crate::commands::people::ready_store;
use crate::config::Config;
use crate::error::CliError;

/// Adds the goal `args` describe and prints it on a line, its id first (or as JSON).
pub(super) async fn add(config: &Config, args: &GoalsAddArgs) -> Result<(), CliError> {
    let key_results = args.key_results.join("\n");
    let typed = Typed {
        owner: &args.owner,
        period: args.period.as_deref().unwrap_or_default(),
        title: &args.title,
        description: args.description.as_deref().unwrap_or_default(),
        weight: &args.weight,
        parent: args.parent.as_deref().unwrap_or_default(),
        key_results: &key_results,
    };
    let store = ready_store(config).await?;
    let added = add_to(&store, &typed, args.json).await;
    store.close().await;
    added
}

async fn add_to(store: &Store, typed: &Typed<'_>, json: bool) -> Result<(), CliError> {
    let people = People::load(store).await?;
    let goal =
        check(typed, &people, &crate::commands::actor(), Utc::now()).map_err(|problems| {
            let lines: Vec<String> = problems
                .into_iter()
                .map(|(field, problem)| format!("{}: {problem}", flag(field)))
                .collect();
            bad(format!("{}\nNothing was saved.", lines.join("\n")))
        })?;
    let added = store.add_goal(&goal).await.context("adding the goal")?;
    match added {
        AddGoal::Added(goal) if json => print_json(&goal_json(&goal, &people)),
        AddGoal::Added(goal) => {
            println!("Added goal {}", summary(&goal, &people));
            Ok(())
        }
        AddGoal::NoSuchTeam => Err(bad(format!(
            "--owner: there is no team `{}`; `rhythm team list` shows the teams. Nothing was \
             saved.",
            team_of(&goal)
        ))),
        AddGoal::NoSuchParent => Err(bad(format!(
            "--parent: there is no goal #{}; `rhythm goals list` shows the goals and their ids. \
             Nothing was saved.",
            goal.parent.map_or(0, |id| id.0)
        ))),
    }
}

fn team_of(goal: &NewGoal) -> String {
    match &goal.owner {
        GoalOwner::Team(team) => team.to_string(),
        _ => String::new(),
    }
}

/// The flag a checked field came from.
fn flag(field: &str) -> String {
    match field {
        "key_results" => "--key-result".to_owned(),
        other => format!("--{other}"),
    }
}
