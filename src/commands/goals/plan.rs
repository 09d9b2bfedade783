//! Checking a goals file before anything is written: every row's fields, whether its team
//! and its parent exist, whether its status can be recorded, and whether its goal is in the
//! file twice or stored already. Every problem is found, each named by its line.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rhythm_domain::goals::{GoalId, GoalOwner, GoalPeriod, GoalStatus, parse};
use rhythm_domain::people::TeamName;
use rhythm_domain::ports::{Directory as _, Goal, GoalFilter, Goals as _, NewGoal};
use rhythm_store::Store;

use super::{FieldProblem, Owner, Parts, People, Typed, check};
use crate::error::CliError;
use rhythm_domain::import::{Problem, Record, header_columns, records};

/// The columns a goals file may have, in any order.
const COLUMNS: [&str; 8] = [
    "owner",
    "period",
    "title",
    "description",
    "weight",
    "parent",
    "key_results",
    "status",
];

/// A row that will add a goal.
pub(super) struct Planned {
    pub(super) line: u64,
    pub(super) goal: NewGoal,
    pub(super) status: GoalStatus,
}

/// What a checked file does: goals to add, and rows whose goal is there already.
#[derive(Default)]
pub(super) struct Plan {
    pub(super) add: Vec<Planned>,
    pub(super) skipped: Vec<(u64, Goal)>,
}

/// Where each column sits in the file; every problem of the header if it is wrong.
fn layout(header: Option<&Record>) -> Result<HashMap<&'static str, usize>, Vec<Problem>> {
    let Some(header) = header else {
        return Err(vec![Problem::new(
            1,
            "header",
            format!(
                "the file is empty; the first line must name the columns, such as {}",
                COLUMNS.join(",")
            ),
        )]);
    };
    let names = header.cells.iter().map(|cell| cell.as_str().into());
    header_columns(names, &COLUMNS, &["owner", "title"])
}

/// Reads and checks every row against the store: the plan, or every problem.
pub(super) async fn plan(
    store: &Store,
    data: &[u8],
    people: &People,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<Plan, Vec<Problem>>, CliError> {
    let records = match records(data) {
        Ok(records) => records,
        Err(problem) => return Ok(Err(vec![problem])),
    };
    let layout = match layout(records.first()) {
        Ok(layout) => layout,
        Err(problems) => return Ok(Err(problems)),
    };
    let width = records[0].cells.len();
    let mut checker = Checker {
        store,
        people,
        actor,
        now,
        known: Known::default(),
        plan: Plan::default(),
    };
    let mut problems = Vec::new();
    for record in records.iter().skip(1) {
        let line = record.line;
        if record.cells.len() != width {
            let why = format!("expected {width} fields, found {}", record.cells.len());
            problems.push(Problem::new(line, "row", why));
            continue;
        }
        let cell = |column: &str| layout.get(column).map_or("", |at| record.cells[*at].trim());
        let mut found = checker.row(line, cell).await?;
        found.sort_by_key(|(column, _)| COLUMNS.iter().position(|known| known == column));
        let found = found
            .into_iter()
            .map(|(column, why)| Problem::new(line, column, why));
        problems.extend(found);
    }
    Ok(if problems.is_empty() {
        Ok(checker.plan)
    } else {
        Err(problems)
    })
}

/// Checks a file's rows one after the other, adding the good ones to its plan.
struct Checker<'a> {
    store: &'a Store,
    people: &'a People,
    actor: &'a str,
    now: DateTime<Utc>,
    known: Known,
    plan: Plan,
}

impl Checker<'_> {
    /// Checks row `line`, whose cells `cell` gives by column (empty if absent): its problems,
    /// or none and the row is in the plan.
    async fn row<'c>(
        &mut self,
        line: u64,
        cell: impl Fn(&str) -> &'c str,
    ) -> Result<Vec<FieldProblem>, CliError> {
        let key_results = cell("key_results").replace(';', "\n");
        let typed = Typed {
            owner: cell("owner"),
            period: cell("period"),
            title: cell("title"),
            description: cell("description"),
            weight: cell("weight"),
            parent: cell("parent"),
            key_results: &key_results,
        };
        let mut found = Vec::new();
        let goal = check(&typed, self.people, self.actor, self.now)
            .map_err(|problems| found.extend(problems))
            .ok();
        let status = match cell("status") {
            "" => Some(GoalStatus::OnTrack),
            text => GoalStatus::parse(text)
                .map_err(|invalid| found.push(("status", invalid.0)))
                .ok(),
        };
        found.extend(self.known.check(self.store, &typed, status).await?);
        if let Some(goal) = &goal
            && let Some(first) = self.known.seen.insert(key(goal), line)
        {
            found.push(("title", format!("the same goal as line {first}")));
        }
        if found.is_empty()
            && let (Some(goal), Some(status)) = (goal, status)
        {
            match self.known.stored(self.store, &goal).await? {
                Some(stored) => self.plan.skipped.push((line, stored)),
                None => self.plan.add.push(Planned { line, goal, status }),
            }
        }
        Ok(found)
    }
}

/// A goal as a key: its owner (a team's name in any case), its quarter, its title in any
/// case.
type Key = (String, GoalPeriod, String);

fn key<'a>(goal: impl Into<Parts<'a>>) -> Key {
    let Parts {
        owner,
        period,
        title,
        ..
    } = goal.into();
    let owner = match owner {
        GoalOwner::Person(id) => format!("person:{}", id.0),
        GoalOwner::Team(team) => format!("team:{}", team.as_str().to_lowercase()),
        GoalOwner::Company => "company".to_owned(),
    };
    (owner, period, title.as_str().to_lowercase())
}

/// What the store was asked while checking a file, asked once each, and the file's goals.
#[derive(Default)]
struct Known {
    teams: HashMap<String, bool>,
    goals: HashMap<GoalId, bool>,
    periods: HashMap<GoalPeriod, Vec<Goal>>,
    /// Each goal of the file, and its line.
    seen: HashMap<Key, u64>,
}

impl Known {
    /// The problems of a row that need the store, whatever else is wrong with it: its team,
    /// its parent, and whether its `status` can be recorded.
    async fn check(
        &mut self,
        store: &Store,
        typed: &Typed<'_>,
        status: Option<GoalStatus>,
    ) -> Result<Vec<FieldProblem>, CliError> {
        let mut found = Vec::new();
        let owner = Owner::parse(typed.owner).ok();
        if let Some(Owner::Team(team)) = &owner
            && !self.team_exists(store, team).await?
        {
            let why = format!("there is no team `{team}`; `rhythm team list` shows the teams");
            found.push(("owner", why));
        }
        if let Ok(Some(parent)) = parse::parent(typed.parent)
            && !self.goal_exists(store, parent).await?
        {
            let why = format!(
                "there is no goal #{}; `rhythm goals list` shows the goals and their ids",
                parent.0
            );
            found.push(("parent", why));
        }
        if let (Some(Owner::Team(_) | Owner::Company), Some(status)) = (&owner, status)
            && status != GoalStatus::OnTrack
        {
            let why = format!(
                "a team's or the company's goal starts on track: an update names the person \
                 who made it, and an import has nobody to name. Leave the status empty and \
                 record `{}` in chat with /goals",
                status.as_str()
            );
            found.push(("status", why));
        }
        Ok(found)
    }

    async fn team_exists(&mut self, store: &Store, team: &TeamName) -> Result<bool, CliError> {
        let key = team.as_str().to_lowercase();
        if let Some(exists) = self.teams.get(&key) {
            return Ok(*exists);
        }
        let exists = store.team_exists(team).await.context("looking up a team")?;
        self.teams.insert(key, exists);
        Ok(exists)
    }

    async fn goal_exists(&mut self, store: &Store, id: GoalId) -> Result<bool, CliError> {
        if let Some(exists) = self.goals.get(&id) {
            return Ok(*exists);
        }
        let found = store.goal(id).await.context("looking up a parent goal")?;
        self.goals.insert(id, found.is_some());
        Ok(found.is_some())
    }

    /// The goal stored with `goal`'s owner, quarter and title, if any.
    async fn stored(&mut self, store: &Store, goal: &NewGoal) -> Result<Option<Goal>, CliError> {
        let stored = match self.periods.entry(goal.period) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let filter = GoalFilter {
                    period: Some(goal.period),
                    ..GoalFilter::default()
                };
                let goals = store
                    .goals(&filter)
                    .await
                    .context("reading a quarter's goals")?;
                entry.insert(goals)
            }
        };
        let wanted = key(goal);
        Ok(stored.iter().find(|stored| key(*stored) == wanted).cloned())
    }
}
