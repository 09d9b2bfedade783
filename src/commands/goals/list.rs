//! `rhythm goals list`: goals as a table, or as JSON for scripts.

use anyhow::Context as _;
use rhythm_domain::chat::truncate;
use rhythm_domain::goals::{GoalOwner, GoalPeriod, messages};
use rhythm_domain::ports::{Directory as _, Goal, GoalFilter, Goals as _};
use rhythm_store::Store;

use super::{Owner, People, bad, goal_json, period, print_json};
use crate::cli::GoalsListArgs;
use crate::commands::people::ready_store;
use crate::config::Config;
use crate::error::CliError;

/// Lists the goals `args` select.
pub(super) async fn list(config: &Config, args: &GoalsListArgs) -> Result<(), CliError> {
    let period = args
        .period
        .as_deref()
        .map(|text| period(text).map_err(|problem| bad(format!("--period: {problem}"))))
        .transpose()?;
    let owner = args
        .owner
        .as_deref()
        .map(|text| Owner::parse(text).map_err(|problem| bad(format!("--owner: {problem}"))))
        .transpose()?;
    let store = ready_store(config).await?;
    let read = read(&store, period, owner).await;
    store.close().await;
    let (goals, people) = read?;
    if args.json {
        let rows: Vec<_> = goals.iter().map(|goal| goal_json(goal, &people)).collect();
        return print_json(&rows);
    }
    if goals.is_empty() {
        println!(
            "No goals{}. Set one with `rhythm goals add`, or import them with `rhythm goals \
             import FILE`.",
            if args.period.is_some() || args.owner.is_some() {
                " match"
            } else {
                " yet"
            }
        );
        return Ok(());
    }
    let mut table = crate::commands::plain_table([
        "ID", "OWNER", "PERIOD", "TITLE", "STATUS", "PROGRESS", "WEIGHT", "PARENT",
    ]);
    for goal in &goals {
        table.add_row([
            goal.id.0.to_string(),
            people.owner_text(&goal.owner),
            goal.period.to_string(),
            truncate(goal.title.as_str(), 50),
            goal.status.as_str().to_owned(),
            progress(goal.measure.progress()),
            goal.weight.to_string(),
            goal.parent
                .map_or_else(String::new, |id| format!("#{}", id.0)),
        ]);
    }
    println!("{table}");
    println!("{} goal(s).", goals.len());
    Ok(())
}

async fn read(
    store: &Store,
    period: Option<GoalPeriod>,
    owner: Option<Owner>,
) -> Result<(Vec<Goal>, People), CliError> {
    let people = People::load(store).await?;
    let owners = match owner {
        None => Vec::new(),
        Some(Owner::Team(team)) => {
            if !store
                .team_exists(&team)
                .await
                .context("looking up the team")?
            {
                return Err(bad(format!(
                    "--owner: there is no team `{team}`; `rhythm team list` shows the teams"
                )));
            }
            vec![GoalOwner::Team(team)]
        }
        Some(owner) => vec![
            people
                .resolve(owner)
                .map_err(|problem| bad(format!("--owner: {problem}")))?
                .0,
        ],
    };
    let filter = GoalFilter {
        owners,
        period,
        ..GoalFilter::default()
    };
    let goals = store.goals(&filter).await.context("listing goals")?;
    Ok((goals, people))
}

/// `######----  60%`: a bar a terminal shows in any font.
fn progress(progress: f64) -> String {
    format!(
        "{} {:>3.0}%",
        messages::cells(progress, '#', '-'),
        progress.clamp(0.0, 1.0) * 100.0
    )
}
