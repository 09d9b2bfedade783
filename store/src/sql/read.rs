//! Reading the directory back into domain types.

use rhythm_domain::people::{Person, Team, TeamName};
use rhythm_domain::ports::{PeopleFilter, StoreError};
use sqlx::QueryBuilder;

use super::Db;
use crate::convert::{AwayRow, IdentityRow, MembershipRow, PersonRow, assemble};
use crate::error::classify;

/// Appends the conditions of `filter` on table `people` to a `WHERE TRUE` clause.
fn push_filter(query: &mut QueryBuilder<Db>, filter: &PeopleFilter) {
    if filter.active_only {
        query.push(" AND people.active = ").push_bind(true);
    }
    if let Some(id) = filter.id {
        query.push(" AND people.id = ").push_bind(id.0);
    }
    if let Some((platform, user)) = &filter.chat_user {
        query
            .push(
                " AND people.id IN (SELECT ci.person_id FROM chat_identities ci WHERE ci.platform = ",
            )
            .push_bind(platform.as_str())
            .push(" AND ci.user_id = ")
            .push_bind(user.clone())
            .push(")");
    }
    if let Some(email) = &filter.email {
        query
            .push(" AND people.email = ")
            .push_bind(email.as_str().to_owned());
    }
    if let Some(team) = &filter.team {
        query
            .push(
                " AND people.id IN (SELECT pt.person_id FROM person_teams pt \
                 JOIN teams t ON t.id = pt.team_id WHERE lower(t.name) = lower(",
            )
            .push_bind(team.clone())
            .push("))");
    }
}

/// People matching `filter`, ordered by email, with their teams and chat identities.
pub(crate) async fn people(
    conn: &mut <Db as sqlx::Database>::Connection,
    filter: &PeopleFilter,
) -> Result<Vec<Person>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(
        "SELECT id, email, name, timezone, timezone_source, role, manager_email, region, \
         active, quiet_hours, created_at, updated_at FROM people WHERE TRUE",
    );
    push_filter(&mut query, filter);
    query.push(" ORDER BY email");
    let rows: Vec<PersonRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading people"))?;

    let mut query = QueryBuilder::<Db>::new(
        "SELECT pt.person_id, t.name AS team FROM person_teams pt JOIN teams t ON t.id = pt.team_id \
         WHERE pt.person_id IN (SELECT people.id FROM people WHERE TRUE",
    );
    push_filter(&mut query, filter);
    query.push(") ORDER BY t.name");
    let memberships: Vec<MembershipRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading team memberships"))?;

    let mut query = QueryBuilder::<Db>::new(
        "SELECT person_id, platform, user_id, workspace_id FROM chat_identities \
         WHERE person_id IN (SELECT people.id FROM people WHERE TRUE",
    );
    push_filter(&mut query, filter);
    query.push(") ORDER BY platform, user_id");
    let identities: Vec<IdentityRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading chat identities"))?;

    let mut query = QueryBuilder::<Db>::new(
        "SELECT person_id, from_date, to_date FROM out_of_office \
         WHERE person_id IN (SELECT people.id FROM people WHERE TRUE",
    );
    push_filter(&mut query, filter);
    query.push(") ORDER BY from_date");
    let away: Vec<AwayRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading out-of-office"))?;

    assemble(rows, memberships, identities, away).map_err(StoreError::Unexpected)
}

/// Every team with its number of active members, ordered by name.
pub(crate) async fn teams(
    conn: &mut <Db as sqlx::Database>::Connection,
) -> Result<Vec<Team>, StoreError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT t.name, COUNT(p.id) FROM teams t \
         LEFT JOIN person_teams pt ON pt.team_id = t.id \
         LEFT JOIN people p ON p.id = pt.person_id AND p.active = $1 \
         GROUP BY t.name ORDER BY t.name",
    )
    .bind(true)
    .fetch_all(&mut *conn)
    .await
    .map_err(classify("reading teams"))?;
    rows.into_iter()
        .map(|(name, members)| {
            Ok(Team {
                name: TeamName::parse(&name).map_err(|invalid| {
                    anyhow::anyhow!("a stored team name is invalid: {invalid}")
                })?,
                members: u64::try_from(members).unwrap_or_default(),
            })
        })
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// Whether a team of this name exists (case-insensitive).
pub(crate) async fn team_exists(
    conn: &mut <Db as sqlx::Database>::Connection,
    name: &TeamName,
) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM teams WHERE lower(name) = lower($1)")
            .bind(name.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(classify("looking up a team"))?;
    Ok(found.is_some())
}
