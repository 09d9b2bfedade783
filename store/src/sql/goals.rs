//! Goals: adding one (with its first history entry and an audit entry, in one transaction),
//! recording progress on it, and the reads reports and chat need. A goal's measure is a JSON
//! document, read and written whole; its team owner is stored by id and read back by name.

use chrono::{DateTime, Utc};
use rhythm_domain::goals::{GoalId, GoalOwner, GoalPeriod, GoalStatus, GoalTitle, Measure};
use rhythm_domain::people::{PersonId, TeamName};
use rhythm_domain::ports::{
    AddGoal, AuditEntry, Goal, GoalFilter, GoalHistoryEntry, GoalUpdate, Goals, NewGoal, StoreError,
};
use serde_json::json;
use sqlx::QueryBuilder;

use super::store::SqlStore;
use super::{Db, MAX_BINDS, audit};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Every column of a goal, its team owner's name with it; conditions follow `WHERE TRUE`.
const SELECT_GOALS: &str = "SELECT g.id, g.owner_kind, g.owner_person_id, t.name AS team_name, \
     g.period, g.title, g.description, g.weight, g.parent_id, g.measure, g.status, \
     g.created_at, g.updated_at FROM goals g LEFT JOIN teams t ON t.id = g.owner_team_id \
     WHERE TRUE";

/// By quarter, then owner (company, teams, people), then id; `rank` is the same order.
const ORDER_GOALS: &str = " ORDER BY g.period, \
     CASE g.owner_kind WHEN 'company' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, g.id";

/// Where an owner sorts among a quarter's goals, as `ORDER_GOALS` has it.
fn rank(owner: &GoalOwner) -> u8 {
    match owner {
        GoalOwner::Company => 0,
        GoalOwner::Team(_) => 1,
        GoalOwner::Person(_) => 2,
    }
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: i64,
    owner_kind: String,
    owner_person_id: Option<i64>,
    team_name: Option<String>,
    period: String,
    title: String,
    description: Option<String>,
    weight: i32,
    parent_id: Option<i64>,
    measure: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

impl GoalRow {
    fn into_goal(self) -> anyhow::Result<Goal> {
        let id = self.id;
        self.parse()
            .map_err(|error| error.context(format!("reading stored goal {id}")))
    }

    fn parse(self) -> anyhow::Result<Goal> {
        let owner = match (
            self.owner_kind.as_str(),
            self.owner_person_id,
            self.team_name,
        ) {
            ("person", Some(person), _) => GoalOwner::Person(PersonId(person)),
            ("team", _, Some(name)) => GoalOwner::Team(
                TeamName::parse(&name)
                    .map_err(|invalid| anyhow::anyhow!("stored team name: {invalid}"))?,
            ),
            ("company", _, _) => GoalOwner::Company,
            (kind, _, _) => anyhow::bail!("stored owner kind `{kind}` without its owner"),
        };
        Ok(Goal {
            id: GoalId(self.id),
            owner,
            period: GoalPeriod::parse(&self.period)
                .map_err(|invalid| anyhow::anyhow!("stored period: {invalid}"))?,
            title: GoalTitle::parse(&self.title)
                .map_err(|invalid| anyhow::anyhow!("stored title: {invalid}"))?,
            description: self.description,
            weight: u32::try_from(self.weight)
                .map_err(|_| anyhow::anyhow!("stored weight {}", self.weight))?,
            parent: self.parent_id.map(GoalId),
            measure: measure(&self.measure)?,
            status: status(&self.status)?,
            created_at: instant(self.created_at)?,
            updated_at: instant(self.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    goal_id: i64,
    person_id: Option<i64>,
    measure: String,
    status: String,
    comment: Option<String>,
    at: i64,
}

impl HistoryRow {
    fn into_entry(self) -> anyhow::Result<GoalHistoryEntry> {
        let goal = self.goal_id;
        self.parse()
            .map_err(|error| error.context(format!("reading goal {goal}'s history")))
    }

    fn parse(self) -> anyhow::Result<GoalHistoryEntry> {
        Ok(GoalHistoryEntry {
            goal: GoalId(self.goal_id),
            by: self.person_id.map(PersonId),
            measure: measure(&self.measure)?,
            status: status(&self.status)?,
            comment: self.comment,
            at: instant(self.at)?,
        })
    }
}

/// A stored measure, re-read.
fn measure(doc: &str) -> anyhow::Result<Measure> {
    serde_json::from_str(doc).map_err(|e| anyhow::Error::new(e).context("stored measure"))
}

/// A stored status, re-read.
fn status(text: &str) -> anyhow::Result<GoalStatus> {
    GoalStatus::parse(text).map_err(|invalid| anyhow::anyhow!("stored goal status: {invalid}"))
}

/// `measure` as it is stored.
fn measure_doc(measure: &Measure) -> Result<String, StoreError> {
    serde_json::to_string(measure).map_err(|e| StoreError::Unexpected(e.into()))
}

/// How the audit log names an owner: `person:ID`, `team:NAME` or `company`.
fn owner_label(owner: &GoalOwner) -> String {
    match owner {
        GoalOwner::Person(person) => format!("person:{}", person.0),
        GoalOwner::Team(team) => format!("team:{team}"),
        GoalOwner::Company => "company".to_owned(),
    }
}

/// Runs a goals query built from `SELECT_GOALS` and its conditions, in `ORDER_GOALS`.
async fn fetch(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
    doing: &'static str,
) -> Result<Vec<Goal>, StoreError> {
    query.push(ORDER_GOALS);
    let rows: Vec<GoalRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify(doing))?;
    rows.into_iter()
        .map(GoalRow::into_goal)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)
}

async fn by_id(conn: &mut Connection, id: GoalId) -> Result<Option<Goal>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_GOALS);
    query.push(" AND g.id = ").push_bind(id.0);
    Ok(fetch(conn, query, "reading a goal")
        .await?
        .into_iter()
        .next())
}

/// The goals matching `filter`'s period, parent and status, owned by any of `owners` (every
/// owner if `None`).
async fn matching(
    conn: &mut Connection,
    filter: &GoalFilter,
    owners: Option<&[GoalOwner]>,
) -> Result<Vec<Goal>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_GOALS);
    if let Some(period) = filter.period {
        query.push(" AND g.period = ").push_bind(period.to_string());
    }
    if let Some(parent) = filter.parent {
        query.push(" AND g.parent_id = ").push_bind(parent.0);
    }
    if filter.skip_dropped {
        query
            .push(" AND g.status <> ")
            .push_bind(GoalStatus::Dropped.as_str());
    }
    if let Some(owners) = owners {
        // Any of them: the company, these people, these teams (by name, in any case).
        query.push(" AND (FALSE");
        if owners.contains(&GoalOwner::Company) {
            query.push(" OR g.owner_kind = 'company'");
        }
        let people: Vec<i64> = owners
            .iter()
            .filter_map(|owner| match owner {
                GoalOwner::Person(person) => Some(person.0),
                _ => None,
            })
            .collect();
        if !people.is_empty() {
            query.push(" OR g.owner_person_id IN (");
            let mut list = query.separated(", ");
            for person in people {
                list.push_bind(person);
            }
            query.push(")");
        }
        let teams: Vec<&str> = owners
            .iter()
            .filter_map(|owner| match owner {
                GoalOwner::Team(team) => Some(team.as_str()),
                _ => None,
            })
            .collect();
        if !teams.is_empty() {
            query.push(" OR lower(t.name) IN (");
            let mut list = query.separated(", ");
            for team in teams {
                list.push("lower(").push_bind_unseparated(team.to_owned());
                list.push_unseparated(")");
            }
            query.push(")");
        }
        query.push(")");
    }
    fetch(conn, query, "listing goals").await
}

/// Writes one entry of goal `goal`'s history.
async fn record(
    conn: &mut Connection,
    goal: GoalId,
    by: Option<PersonId>,
    measure: &str,
    status: GoalStatus,
    comment: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO goal_updates (goal_id, person_id, measure, status, comment, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(goal.0)
    .bind(by.map(|person| person.0))
    .bind(measure)
    .bind(status.as_str())
    .bind(comment)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(classify("recording a goal's history"))?;
    Ok(())
}

/// The stored owner columns for `owner`: kind, person id, team id. `None` if it is a team
/// that does not exist.
async fn owner_columns(
    conn: &mut Connection,
    owner: &GoalOwner,
) -> Result<Option<(&'static str, Option<i64>, Option<i64>)>, StoreError> {
    Ok(match owner {
        GoalOwner::Person(person) => Some(("person", Some(person.0), None)),
        GoalOwner::Company => Some(("company", None, None)),
        GoalOwner::Team(name) => {
            let team: Option<i64> =
                sqlx::query_scalar("SELECT id FROM teams WHERE lower(name) = lower($1)")
                    .bind(name.as_str())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(classify("looking up a goal's team"))?;
            team.map(|team| ("team", None, Some(team)))
        }
    })
}

async fn goal_exists(conn: &mut Connection, id: GoalId) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM goals WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(classify("looking up a parent goal"))?;
    Ok(found.is_some())
}

impl Goals for SqlStore {
    async fn add_goal(&self, goal: &NewGoal) -> Result<AddGoal, StoreError> {
        let at = goal.at.timestamp_millis();
        let measure = measure_doc(&goal.measure)?;
        let weight = i32::try_from(goal.weight).map_err(|_| {
            StoreError::Unexpected(anyhow::anyhow!("a goal's weight of {}", goal.weight))
        })?;
        let mut tx = self.write("starting to add a goal").await?;
        let Some((kind, person, team)) = owner_columns(&mut tx, &goal.owner).await? else {
            return Ok(AddGoal::NoSuchTeam);
        };
        if let Some(parent) = goal.parent
            && !goal_exists(&mut tx, parent).await?
        {
            return Ok(AddGoal::NoSuchParent);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO goals (owner_kind, owner_person_id, owner_team_id, period, title, \
             description, weight, parent_id, measure, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(kind)
        .bind(person)
        .bind(team)
        .bind(goal.period.to_string())
        .bind(goal.title.as_str())
        .bind(goal.description.as_deref())
        .bind(weight)
        .bind(goal.parent.map(|parent| parent.0))
        .bind(&measure)
        .bind(GoalStatus::OnTrack.as_str())
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(classify("adding a goal"))?;
        let id = GoalId(id);
        record(&mut tx, id, None, &measure, GoalStatus::OnTrack, None, at).await?;
        let added = by_id(&mut tx, id).await?.ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("goal {} is not there once added", id.0))
        })?;
        let entry = AuditEntry {
            actor: goal.actor.clone(),
            action: "goal.add".to_owned(),
            details: json!({
                "goal_id": id.0,
                "owner": owner_label(&added.owner),
                "period": added.period.to_string(),
                "title": added.title.as_str(),
                "parent_id": added.parent.map(|parent| parent.0),
            }),
        };
        audit::write(&mut tx, &entry, at).await?;
        tx.commit().await.map_err(classify("committing a goal"))?;
        Ok(AddGoal::Added(added))
    }

    async fn goal(&self, id: GoalId) -> Result<Option<Goal>, StoreError> {
        let mut conn = self.connection().await?;
        by_id(&mut conn, id).await
    }

    async fn goals(&self, filter: &GoalFilter) -> Result<Vec<Goal>, StoreError> {
        let mut conn = self.connection().await?;
        if filter.owners.is_empty() {
            return matching(&mut conn, filter, None).await;
        }
        // The owners' binds go in statements of their own size; the period and parent's
        // leave room for them.
        let chunks = filter.owners.chunks(MAX_BINDS - 3);
        let several = chunks.len() > 1;
        let mut goals = Vec::new();
        for owners in chunks {
            goals.extend(matching(&mut conn, filter, Some(owners)).await?);
        }
        if several {
            goals.sort_by_key(|goal| (goal.period, rank(&goal.owner), goal.id));
            // A team named in two chunks, spelt two ways, matched twice.
            goals.dedup_by_key(|goal| goal.id);
        }
        Ok(goals)
    }

    async fn update_goal(&self, update: &GoalUpdate) -> Result<Option<Goal>, StoreError> {
        let at = update.at.timestamp_millis();
        let measure = measure_doc(&update.measure)?;
        let mut tx = self.write("starting a goal update").await?;
        let updated: Option<i64> = sqlx::query_scalar(
            "UPDATE goals SET measure = $1, status = $2, updated_at = $3 WHERE id = $4 \
             RETURNING id",
        )
        .bind(&measure)
        .bind(update.status.as_str())
        .bind(at)
        .bind(update.goal.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(classify("updating a goal"))?;
        if updated.is_none() {
            return Ok(None);
        }
        record(
            &mut tx,
            update.goal,
            Some(update.by),
            &measure,
            update.status,
            update.comment.as_deref(),
            at,
        )
        .await?;
        let goal = by_id(&mut tx, update.goal).await?;
        tx.commit()
            .await
            .map_err(classify("committing a goal update"))?;
        Ok(goal)
    }

    async fn goal_history(
        &self,
        goals: &[GoalId],
        until: DateTime<Utc>,
    ) -> Result<Vec<GoalHistoryEntry>, StoreError> {
        if goals.is_empty() {
            return Ok(Vec::new());
        }
        // In id order, so that the chunks' entries, each by goal, are by goal together.
        let mut ids: Vec<i64> = goals.iter().map(|goal| goal.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut conn = self.connection().await?;
        let mut entries = Vec::new();
        for chunk in ids.chunks(MAX_BINDS - 1) {
            let mut query = QueryBuilder::<Db>::new(
                "SELECT goal_id, person_id, measure, status, comment, at FROM goal_updates \
                 WHERE at <= ",
            );
            query
                .push_bind(until.timestamp_millis())
                .push(" AND goal_id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(") ORDER BY goal_id, at, id");
            let rows: Vec<HistoryRow> = query
                .build_query_as()
                .fetch_all(&mut *conn)
                .await
                .map_err(classify("reading goals' history"))?;
            for row in rows {
                entries.push(row.into_entry().map_err(StoreError::Unexpected)?);
            }
        }
        Ok(entries)
    }
}
