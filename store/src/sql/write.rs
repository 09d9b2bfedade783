//! Applying an import plan inside the caller's write transaction.
//!
//! Every statement is a multi-row statement sized to the backend's bind limit, so 100,000
//! people take a few hundred round trips, not 100,000.

use std::collections::{HashMap, HashSet};

use rhythm_domain::import::{ChangeKind, ImportPlan, PersonChange};
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{Progress, StoreError};
use sqlx::QueryBuilder;

use super::{Db, MAX_BINDS};
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// How many rows of `columns` binds fit in one statement.
fn rows_per_statement(columns: usize) -> usize {
    MAX_BINDS / columns
}

/// Inserts `rows` with one multi-row statement per chunk: `head` names the table and
/// columns, `push` binds one row's `columns` values, `tail` follows the values.
async fn insert_all<T>(
    conn: &mut Connection,
    head: &'static str,
    columns: usize,
    rows: &[T],
    tail: &'static str,
    doing: &'static str,
    mut push: impl FnMut(sqlx::query_builder::Separated<'_, Db, &'static str>, &T),
) -> Result<(), StoreError> {
    for chunk in rows.chunks(rows_per_statement(columns)) {
        let mut query = QueryBuilder::<Db>::new(head);
        query.push_values(chunk, &mut push);
        query.push(tail);
        query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify(doing))?;
    }
    Ok(())
}

/// Writes `plan` at instant `now` (epoch ms).
pub(crate) async fn apply(
    conn: &mut Connection,
    plan: &ImportPlan,
    now: i64,
    progress: Progress<'_>,
) -> Result<(), StoreError> {
    let ids = upsert_people(conn, &plan.changes, now, progress).await?;
    write_memberships(conn, &plan.changes, &ids, now).await?;
    write_identities(conn, &plan.changes, &ids, now).await?;
    deactivate(conn, plan, now).await?;
    if let Some(audit) = &plan.audit {
        super::audit::write(conn, audit, now).await?;
    }
    Ok(())
}

/// Inserts or updates every changed person; returns their ids by email.
async fn upsert_people(
    conn: &mut Connection,
    changes: &[PersonChange],
    now: i64,
    progress: Progress<'_>,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut ids = HashMap::with_capacity(changes.len());
    let mut written = 0;
    for chunk in changes.chunks(rows_per_statement(10)) {
        let mut query = QueryBuilder::<Db>::new(
            "INSERT INTO people (email, name, timezone, timezone_source, role, manager_email, \
             region, active, created_at, updated_at) ",
        );
        query.push_values(chunk, |mut row, change| {
            row.push_bind(change.email.as_str())
                .push_bind(change.name.as_str())
                .push_bind(change.timezone.as_str())
                .push_bind(change.timezone_source.as_str())
                .push_bind(change.role.as_str())
                .push_bind(change.manager.as_ref().map(|email| email.as_str()))
                .push_bind(change.region.as_ref().map(|region| region.as_str()))
                .push_bind(true)
                .push_bind(now)
                .push_bind(now);
        });
        query.push(
            " ON CONFLICT (email) DO UPDATE SET name = excluded.name, \
             timezone = excluded.timezone, timezone_source = excluded.timezone_source, \
             role = excluded.role, \
             manager_email = excluded.manager_email, region = excluded.region, \
             active = excluded.active, updated_at = excluded.updated_at \
             RETURNING id, email",
        );
        let rows: Vec<(i64, String)> = query
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("writing people"))?;
        ids.extend(rows.into_iter().map(|(id, email)| (email, id)));
        written += chunk.len() as u64;
        progress(written, changes.len() as u64);
    }
    Ok(ids)
}

/// The id of a person the plan wrote.
fn id_of(ids: &HashMap<String, i64>, change: &PersonChange) -> Result<i64, StoreError> {
    ids.get(change.email.as_str()).copied().ok_or_else(|| {
        StoreError::Unexpected(anyhow::anyhow!("the upsert returned no id for a person"))
    })
}

/// Deletes the rows of `table` whose `column` is one of `ids` (optionally on one platform).
async fn delete_for(
    conn: &mut Connection,
    sql: &'static str,
    platform: Option<Platform>,
    ids: &[i64],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(rows_per_statement(1) - 1) {
        let mut query = QueryBuilder::<Db>::new(sql);
        if let Some(platform) = platform {
            query
                .push(" platform = ")
                .push_bind(platform.as_str())
                .push(" AND");
        }
        query.push(" person_id IN (");
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify("clearing replaced rows"))?;
    }
    Ok(())
}

/// Replaces the memberships of every change that names its teams.
async fn write_memberships(
    conn: &mut Connection,
    changes: &[PersonChange],
    ids: &HashMap<String, i64>,
    now: i64,
) -> Result<(), StoreError> {
    let with_teams: Vec<&PersonChange> = changes.iter().filter(|c| c.teams.is_some()).collect();
    if with_teams.is_empty() {
        return Ok(());
    }
    let names: HashSet<&str> = with_teams
        .iter()
        .flat_map(|change| change.teams.iter().flatten().map(|team| team.as_str()))
        .collect();
    let names: Vec<&str> = names.into_iter().collect();
    // A team that exists in any case is kept as it is spelt (unique on lower(name)).
    insert_all(
        conn,
        "INSERT INTO teams (name, created_at) ",
        2,
        &names,
        " ON CONFLICT DO NOTHING",
        "writing teams",
        |mut row, name| {
            row.push_bind(*name).push_bind(now);
        },
    )
    .await?;
    let team_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM teams")
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("reading team ids"))?
            .into_iter()
            .map(|(name, id)| (name.to_lowercase(), id))
            .collect();

    let replaced: Vec<i64> = with_teams
        .iter()
        .filter(|change| matches!(change.kind, ChangeKind::Updated { .. }))
        .map(|change| id_of(ids, change))
        .collect::<Result<_, _>>()?;
    delete_for(conn, "DELETE FROM person_teams WHERE", None, &replaced).await?;

    let mut pairs = Vec::new();
    for change in &with_teams {
        let person = id_of(ids, change)?;
        for team in change.teams.iter().flatten() {
            let team = team_ids.get(&team.key()).copied().ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("team `{team}` was not written"))
            })?;
            pairs.push((person, team));
        }
    }
    insert_all(
        conn,
        "INSERT INTO person_teams (person_id, team_id) ",
        2,
        &pairs,
        "",
        "writing team memberships",
        |mut row, (person, team)| {
            row.push_bind(*person).push_bind(*team);
        },
    )
    .await
}

/// Sets chat accounts; each replaces the person's account on that platform. All releases
/// happen before any claim, so two people can swap ids in one import.
async fn write_identities(
    conn: &mut Connection,
    changes: &[PersonChange],
    ids: &HashMap<String, i64>,
    now: i64,
) -> Result<(), StoreError> {
    let mut claims = Vec::new();
    for platform in Platform::ALL {
        let mut released = Vec::new();
        for change in changes {
            for (_, user_id) in change.identities.iter().filter(|(p, _)| *p == platform) {
                let person = id_of(ids, change)?;
                if matches!(change.kind, ChangeKind::Updated { .. }) {
                    released.push(person);
                }
                claims.push((platform, user_id, person));
            }
        }
        delete_for(
            conn,
            "DELETE FROM chat_identities WHERE",
            Some(platform),
            &released,
        )
        .await?;
    }
    insert_all(
        conn,
        "INSERT INTO chat_identities (platform, user_id, person_id, created_at) ",
        4,
        &claims,
        "",
        "writing chat identities",
        |mut row, (platform, user_id, person)| {
            row.push_bind(platform.as_str())
                .push_bind(user_id.as_str())
                .push_bind(*person)
                .push_bind(now);
        },
    )
    .await
}

async fn deactivate(conn: &mut Connection, plan: &ImportPlan, now: i64) -> Result<(), StoreError> {
    for chunk in plan.deactivate.chunks(rows_per_statement(1) - 2) {
        let mut query = QueryBuilder::<Db>::new("UPDATE people SET active = ");
        query
            .push_bind(false)
            .push(", updated_at = ")
            .push_bind(now);
        query.push(" WHERE email IN (");
        let mut list = query.separated(", ");
        for person in chunk {
            list.push_bind(person.email.as_str());
        }
        query.push(")");
        query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify("deactivating people"))?;
    }
    Ok(())
}
