//! `rhythm goals …`: goals set from the terminal, one at a time or from a CSV file, listed,
//! and their achievement per person or team.
//!
//! - this module: what `add` and `import` share: owners as typed (`ana@example.com`,
//!   `team:Platform`, `company`), the checks a goal's typed fields go through, and a goal as
//!   JSON and as a line;
//! - [`add`], [`list`], [`import`] (with [`plan`], its checks; the file is read by
//!   `rhythm_domain::import::records`), [`achievement`]: a subcommand each.

mod achievement;
mod add;
mod import;
mod list;
mod plan;

use std::collections::HashMap;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rhythm_domain::goals::model::{description, weight};
use rhythm_domain::goals::{GoalId, GoalOwner, GoalPeriod, GoalTitle, Measure, parse};
use rhythm_domain::people::{Email, Person, PersonId, TeamName};
use rhythm_domain::ports::{Directory as _, Goal, NewGoal, PeopleFilter};
use rhythm_store::Store;
use serde_json::{Value, json};

use crate::cli::GoalsCommand;
use crate::config::Config;
use crate::error::CliError;

/// Runs `rhythm goals …`.
pub(super) async fn execute(config: &Config, command: GoalsCommand) -> Result<(), CliError> {
    match command {
        GoalsCommand::Add(args) => add::add(config, &args).await,
        GoalsCommand::List(args) => list::list(config, &args).await,
        GoalsCommand::Import(args) => import::import(config, &args).await,
        GoalsCommand::Achievement(args) => achievement::achievement(config, &args).await,
    }
}

fn bad(message: impl Into<String>) -> CliError {
    CliError::BadInput(message.into())
}

/// Whose goal, as typed: a person's email, `team:NAME` or `company`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    Person(Email),
    Team(TeamName),
    Company,
}

impl Owner {
    fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.eq_ignore_ascii_case("company") {
            return Ok(Self::Company);
        }
        if let Some((kind, name)) = text.split_once(':')
            && kind.trim().eq_ignore_ascii_case("team")
        {
            return TeamName::parse(name)
                .map(Self::Team)
                .map_err(|invalid| invalid.0);
        }
        Email::parse(text).map(Self::Person).map_err(|_| {
            format!(
                "`{text}` is not an owner: give a person's email (ana@example.com), team:NAME \
                 or company"
            )
        })
    }
}

/// A quarter as typed (`--period`, the `period` column).
fn period(input: &str) -> Result<GoalPeriod, String> {
    GoalPeriod::parse(input).map_err(|invalid| invalid.0)
}

/// Everyone in the directory, active or not, by email and by id.
struct People {
    by_id: HashMap<PersonId, Person>,
    by_email: HashMap<Email, PersonId>,
}

impl People {
    async fn load(store: &Store) -> Result<Self, CliError> {
        let people = store
            .people(&PeopleFilter::default())
            .await
            .context("reading the directory")?;
        let by_email = people.iter().map(|p| (p.email.clone(), p.id)).collect();
        let by_id = people.into_iter().map(|p| (p.id, p)).collect();
        Ok(Self { by_id, by_email })
    }

    fn with_email(&self, email: &Email) -> Option<&Person> {
        self.by_email.get(email).and_then(|id| self.by_id.get(id))
    }

    fn with_id(&self, id: PersonId) -> Option<&Person> {
        self.by_id.get(&id)
    }

    /// The owner of a goal as `--owner` takes it: an email, `team:NAME` or `company`.
    fn owner_text(&self, owner: &GoalOwner) -> String {
        match owner {
            GoalOwner::Person(id) => self
                .with_id(*id)
                .map_or_else(|| format!("person #{}", id.0), |p| p.email.to_string()),
            GoalOwner::Team(team) => format!("team:{team}"),
            GoalOwner::Company => "company".to_owned(),
        }
    }

    /// The goal owner `owner` names, and the person if it is one; a person must be in the
    /// directory (whether a team exists is the store's to say).
    fn resolve(&self, owner: Owner) -> Result<(GoalOwner, Option<&Person>), String> {
        match owner {
            Owner::Person(email) => match self.with_email(&email) {
                Some(person) => Ok((GoalOwner::Person(person.id), Some(person))),
                None => Err(format!(
                    "nobody has the email {email}; `rhythm people list` shows the directory"
                )),
            },
            Owner::Team(team) => Ok((GoalOwner::Team(team), None)),
            Owner::Company => Ok((GoalOwner::Company, None)),
        }
    }
}

/// A goal's fields as typed on the command line or in a CSV row; empty is not given.
struct Typed<'a> {
    owner: &'a str,
    period: &'a str,
    title: &'a str,
    description: &'a str,
    weight: &'a str,
    parent: &'a str,
    /// One key result per line.
    key_results: &'a str,
}

/// What is wrong with one field, named by its CSV column.
type FieldProblem = (&'static str, String);

/// Reads `typed` into a goal to add as `actor` at `now`, or every problem it has. Whether a
/// team or a parent goal exists is left to the caller.
///
/// The quarter defaults to the current one in the owner's zone for a person, in UTC for a
/// team or the company; one that has ended there is refused.
fn check(
    typed: &Typed<'_>,
    people: &People,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<NewGoal, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut note = |field: &'static str, problem: String| problems.push((field, problem));
    let owner = Owner::parse(typed.owner)
        .and_then(|owner| people.resolve(owner))
        .map_err(|problem| note("owner", problem))
        .ok();
    let zone = match owner {
        Some((_, Some(person))) => person.timezone.tz(),
        _ => chrono_tz::UTC,
    };
    let current = GoalPeriod::current(now, zone);
    let period = match typed.period.trim() {
        "" => Some(current),
        text => match period(text) {
            Ok(period) if period < current => {
                note(
                    "period",
                    format!("{period} has ended; set goals for {current} or later"),
                );
                None
            }
            Ok(period) => Some(period),
            Err(problem) => {
                note("period", problem);
                None
            }
        },
    };
    let title = GoalTitle::parse(typed.title)
        .map_err(|invalid| note("title", invalid.0))
        .ok();
    let about = description(typed.description)
        .map_err(|invalid| note("description", invalid.0))
        .ok();
    let weight = match typed.weight.trim() {
        "" => Some(1),
        text => weight(text)
            .map_err(|invalid| note("weight", invalid.0))
            .ok(),
    };
    let parent = parse::parent(typed.parent)
        .map_err(|invalid| note("parent", invalid.0))
        .ok();
    let measure = match parse::key_results(typed.key_results) {
        Ok(results) if results.is_empty() => Some(Measure::Check { done: false }),
        Ok(results) => Some(Measure::KeyResults { results }),
        Err(invalid) => {
            note("key_results", invalid.0);
            None
        }
    };
    match (owner, period, title, about, weight, parent, measure) {
        (
            Some((owner, _)),
            Some(period),
            Some(title),
            Some(description),
            Some(weight),
            Some(parent),
            Some(measure),
        ) if problems.is_empty() => Ok(NewGoal {
            owner,
            period,
            title,
            description,
            weight,
            parent,
            measure,
            actor: actor.to_owned(),
            at: now,
        }),
        _ => Err(problems),
    }
}

/// `person`, `team` or `company`.
fn owner_kind(owner: &GoalOwner) -> &'static str {
    match owner {
        GoalOwner::Person(_) => "person",
        GoalOwner::Team(_) => "team",
        GoalOwner::Company => "company",
    }
}

/// A goal as `goals list --json` prints it.
fn goal_json(goal: &Goal, people: &People) -> Value {
    json!({
        "id": goal.id,
        "owner": people.owner_text(&goal.owner),
        "owner_kind": owner_kind(&goal.owner),
        "period": goal.period.to_string(),
        "title": goal.title.as_str(),
        "description": goal.description,
        "weight": goal.weight,
        "parent": goal.parent,
        "status": goal.status,
        "progress": goal.measure.progress(),
        "measure": goal.measure,
        "created_at": goal.created_at.to_rfc3339(),
        "updated_at": goal.updated_at.to_rfc3339(),
    })
}

/// `2 key results` or `done/not done`.
fn measured(measure: &Measure) -> String {
    match measure {
        Measure::KeyResults { results } if results.len() == 1 => "1 key result".to_owned(),
        Measure::KeyResults { results } => format!("{} key results", results.len()),
        Measure::Check { .. } => "done/not done".to_owned(),
    }
}

/// `#7 Faster onboarding · team:Platform · 2026-Q4 · 2 key results · weight 3 · contributes
/// to #1`.
fn summary(goal: &Goal, people: &People) -> String {
    format!("#{} {}", goal.id.0, describe(&goal.into(), people))
}

/// What [`describe`] says of a goal, stored or not.
struct Parts<'a> {
    owner: &'a GoalOwner,
    period: GoalPeriod,
    title: &'a GoalTitle,
    weight: u32,
    parent: Option<GoalId>,
    measure: &'a Measure,
}

impl<'a> From<&'a Goal> for Parts<'a> {
    fn from(goal: &'a Goal) -> Self {
        Self {
            owner: &goal.owner,
            period: goal.period,
            title: &goal.title,
            weight: goal.weight,
            parent: goal.parent,
            measure: &goal.measure,
        }
    }
}

impl<'a> From<&'a NewGoal> for Parts<'a> {
    fn from(goal: &'a NewGoal) -> Self {
        Self {
            owner: &goal.owner,
            period: goal.period,
            title: &goal.title,
            weight: goal.weight,
            parent: goal.parent,
            measure: &goal.measure,
        }
    }
}

/// `Faster onboarding · team:Platform · 2026-Q4 · 2 key results · weight 3 · contributes to
/// #1`.
fn describe(goal: &Parts<'_>, people: &People) -> String {
    let parent = goal
        .parent
        .map_or_else(String::new, |id| format!(" · contributes to #{}", id.0));
    format!(
        "{} · {} · {} · {} · weight {}{parent}",
        goal.title,
        people.owner_text(goal.owner),
        goal.period,
        measured(goal.measure),
        goal.weight
    )
}

/// Prints `value` as pretty JSON.
fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).context("writing JSON")?;
    println!("{text}");
    Ok(())
}
