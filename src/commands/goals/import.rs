//! `rhythm goals import FILE`: goals from a CSV file, all or nothing.
//!
//! Every row is read and checked first ([`super::plan`]); any problem and the file is
//! refused whole, each problem named by its line. Then the goals are added one by one, a
//! status other than on track recorded after its goal as an update by its owner. A row whose
//! goal is there already (same owner, quarter and title) is skipped, so a file imported twice
//! adds nothing twice, and an import cut short by a failure can simply be run again.

use std::io::IsTerminal as _;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rhythm_domain::goals::{GoalOwner, GoalStatus, Measure};
use rhythm_domain::import::Problem;
use rhythm_domain::ports::{AddGoal, Goal, GoalUpdate, Goals as _};
use rhythm_store::Store;
use serde_json::json;

use super::plan::{Plan, Planned, plan};
use super::{People, bad, describe, goal_json, print_json, summary};
use crate::cli::GoalsImportArgs;
use crate::commands::people::ready_store;
use crate::config::Config;
use crate::error::CliError;

/// Imports the file, printing every problem, or what was (or would be) added.
pub(super) async fn import(config: &Config, args: &GoalsImportArgs) -> Result<(), CliError> {
    let data = std::fs::read(&args.file)
        .map_err(|error| bad(format!("cannot open {}: {error}", args.file.display())))?;
    let store = ready_store(config).await?;
    let imported = import_into(&store, &data, args).await;
    store.close().await;
    imported
}

async fn import_into(store: &Store, data: &[u8], args: &GoalsImportArgs) -> Result<(), CliError> {
    let people = People::load(store).await?;
    let now = Utc::now();
    let actor = crate::commands::actor();
    let plan = match plan(store, data, &people, &actor, now).await? {
        Ok(plan) => plan,
        Err(problems) => return refuse(&problems, args),
    };
    if args.dry_run {
        return print_dry_run(&plan, &people, args);
    }
    let added = write(store, &plan, now, args.json).await?;
    print_added(&plan, &added, &people, args)
}

/// What a dry run would add and skip.
fn print_dry_run(plan: &Plan, people: &People, args: &GoalsImportArgs) -> Result<(), CliError> {
    if args.json {
        let add: Vec<_> = plan
            .add
            .iter()
            .map(|row| planned_json(row, people))
            .collect();
        let skipped = skipped_json(plan);
        return print_json(&json!({ "dry_run": true, "added": add, "skipped": skipped }));
    }
    for row in &plan.add {
        let goal = describe(&(&row.goal).into(), people);
        let status = status_note(row.status);
        println!("would add  line {}  {goal}{status}", row.line);
    }
    for (line, goal) in &plan.skipped {
        println!(
            "skip       line {line}  {} (already there)",
            summary(goal, people)
        );
    }
    println!(
        "Dry run of {}: would add {} goal(s), skip {} already there. Nothing was added.",
        args.file.display(),
        plan.add.len(),
        plan.skipped.len()
    );
    Ok(())
}

/// What was added and skipped.
fn print_added(
    plan: &Plan,
    added: &[(u64, Goal)],
    people: &People,
    args: &GoalsImportArgs,
) -> Result<(), CliError> {
    if args.json {
        let added: Vec<_> = added
            .iter()
            .map(|(line, goal)| {
                let mut row = goal_json(goal, people);
                row["line"] = json!(line);
                row
            })
            .collect();
        let skipped = skipped_json(plan);
        return print_json(&json!({ "dry_run": false, "added": added, "skipped": skipped }));
    }
    for (line, goal) in added {
        let status = status_note(goal.status);
        println!("added  line {line}  {}{status}", summary(goal, people));
    }
    for (line, goal) in &plan.skipped {
        println!(
            "skip   line {line}  {} (already there)",
            summary(goal, people)
        );
    }
    println!(
        "Imported {}: {} goal(s) added, {} skipped (already there).",
        args.file.display(),
        added.len(),
        plan.skipped.len()
    );
    Ok(())
}

/// Prints every problem (or them as JSON): the file is refused.
fn refuse(problems: &[Problem], args: &GoalsImportArgs) -> Result<(), CliError> {
    if args.json {
        print_json(&json!({ "problems": problems }))?;
    } else {
        for problem in problems {
            eprintln!("{problem}");
        }
        eprintln!(
            "\n{}: {} problem(s); nothing was added. Fix them and import again.",
            args.file.display(),
            problems.len()
        );
    }
    Err(CliError::Reported { bad_input: true })
}

fn status_note(status: GoalStatus) -> String {
    if status == GoalStatus::OnTrack {
        String::new()
    } else {
        format!(" · {}", status.as_str())
    }
}

fn skipped_json(plan: &Plan) -> Vec<serde_json::Value> {
    plan.skipped
        .iter()
        .map(|(line, goal)| json!({ "line": line, "id": goal.id, "title": goal.title.as_str() }))
        .collect()
}

fn planned_json(row: &Planned, people: &People) -> serde_json::Value {
    let goal = &row.goal;
    json!({
        "line": row.line,
        "id": null,
        "owner": people.owner_text(&goal.owner),
        "owner_kind": super::owner_kind(&goal.owner),
        "period": goal.period.to_string(),
        "title": goal.title.as_str(),
        "description": goal.description,
        "weight": goal.weight,
        "parent": goal.parent,
        "status": row.status,
        "measure": goal.measure,
    })
}

/// Adds the planned goals, each with its status; on a terminal (and without --json), a bar
/// on stderr.
async fn write(
    store: &Store,
    plan: &Plan,
    now: DateTime<Utc>,
    json: bool,
) -> Result<Vec<(u64, Goal)>, CliError> {
    let bar = if json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let style = ProgressStyle::with_template(
            "adding goals {bar:40.cyan/blue} {human_pos}/{human_len} ({eta})",
        )
        .expect("a valid progress template");
        ProgressBar::new(plan.add.len() as u64).with_style(style)
    };
    let mut added = Vec::new();
    for row in &plan.add {
        let written = add_one(store, row, now).await;
        let goal = match written {
            Ok(goal) => goal,
            Err(error) => {
                bar.finish_and_clear();
                return Err(error
                    .context(format!(
                        "adding the goal of line {}; {} goal(s) of the file were added before \
                         it. Import the file again to add the rest: goals already there are \
                         skipped",
                        row.line,
                        added.len()
                    ))
                    .into());
            }
        };
        added.push((row.line, goal));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(added)
}

/// Adds `row`'s goal, then records its status if it is not on track.
async fn add_one(store: &Store, row: &Planned, now: DateTime<Utc>) -> anyhow::Result<Goal> {
    let goal = match store.add_goal(&row.goal).await? {
        AddGoal::Added(goal) => goal,
        AddGoal::NoSuchTeam => anyhow::bail!("its team was removed after the file was checked"),
        AddGoal::NoSuchParent => anyhow::bail!("its parent goal is gone"),
    };
    // The plan lets only a person's goal start with another status.
    let (GoalOwner::Person(owner), false) = (&goal.owner, row.status == GoalStatus::OnTrack) else {
        return Ok(goal);
    };
    let measure = match &goal.measure {
        Measure::Check { .. } => Measure::Check {
            done: row.status == GoalStatus::Done,
        },
        measure => measure.clone(),
    };
    let update = GoalUpdate {
        goal: goal.id,
        by: *owner,
        measure,
        status: row.status,
        comment: Some("Status set by `rhythm goals import`.".to_owned()),
        at: now,
    };
    Ok(store.update_goal(&update).await?.unwrap_or(goal))
}
