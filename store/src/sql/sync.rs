//! Directory sync with Slack: the links and zones a [`SyncPlan`] names, written in one
//! transaction with its audit entry.
//!
//! The plan is made from a snapshot read inside the transaction, under the same lock as
//! imports, so the two never interleave. A person may still set their own zone from chat
//! meanwhile: each write re-checks its condition in SQL, and the plan returned keeps only
//! the rows written.

use std::collections::{BTreeMap, HashSet};

use rhythm_domain::people::TimezoneSource;
use rhythm_domain::ports::{Commit, DirectorySnapshot, DirectorySync, PeopleFilter, StoreError};
use rhythm_domain::sync::{Link, SyncPlan, ZoneChange};
use sqlx::QueryBuilder;

use super::store::SqlStore;
use super::{Db, MAX_BINDS, audit, read, settings};
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

impl DirectorySync for SqlStore {
    async fn sync_directory<F>(
        &self,
        plan: F,
        commit: Commit,
        actor: &str,
    ) -> Result<SyncPlan, StoreError>
    where
        F: FnOnce(&DirectorySnapshot) -> SyncPlan + Send,
    {
        // The directory's lock, the one imports take.
        let mut tx = self.begin(commit, "rhythm.directory").await?;
        let snapshot = DirectorySnapshot {
            people: read::people(&mut tx, &PeopleFilter::default()).await?,
        };
        let mut plan = plan(&snapshot);
        if commit == Commit::DryRun || plan.is_empty() {
            return Ok(plan);
        }
        let now = self.now().timestamp_millis();
        plan.linked = link(&mut tx, std::mem::take(&mut plan.linked), now).await?;
        plan.timezones = take_zones(&mut tx, std::mem::take(&mut plan.timezones), now).await?;
        if !plan.timezones.is_empty() {
            settings::zones_changed(&mut tx, now).await?;
        }
        if plan.is_empty() {
            return Ok(plan);
        }
        audit::write(&mut tx, &plan.audit(actor), now).await?;
        tx.commit()
            .await
            .map_err(classify("committing the directory sync"))?;
        Ok(plan)
    }
}

/// Adds each link whose account nobody has yet; returns those written.
async fn link(conn: &mut Connection, links: Vec<Link>, now: i64) -> Result<Vec<Link>, StoreError> {
    let mut written = HashSet::with_capacity(links.len());
    for chunk in links.chunks(MAX_BINDS / 5) {
        let mut query = QueryBuilder::<Db>::new(
            "INSERT INTO chat_identities (platform, user_id, workspace_id, person_id, created_at) ",
        );
        query.push_values(chunk, |mut row, link| {
            row.push_bind("slack")
                .push_bind(link.slack_user_id.as_str())
                .push_bind(link.workspace_id.as_deref())
                .push_bind(link.person.0)
                .push_bind(now);
        });
        query.push(" ON CONFLICT DO NOTHING RETURNING user_id");
        let ids: Vec<String> = query
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("linking Slack accounts"))?;
        written.extend(ids);
    }
    Ok(links
        .into_iter()
        .filter(|link| written.contains(link.slack_user_id.as_str()))
        .collect())
}

/// Sets each zone Slack gives, one statement per zone, where nobody chose one meanwhile;
/// returns the changes written.
async fn take_zones(
    conn: &mut Connection,
    changes: Vec<ZoneChange>,
    now: i64,
) -> Result<Vec<ZoneChange>, StoreError> {
    let mut by_zone: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for change in &changes {
        by_zone
            .entry(change.to.as_str())
            .or_default()
            .push(change.person.0);
    }
    let mut written = HashSet::with_capacity(changes.len());
    for (zone, people) in by_zone {
        for chunk in people.chunks(MAX_BINDS - 5) {
            let mut query = QueryBuilder::<Db>::new("UPDATE people SET timezone = ");
            query
                .push_bind(zone)
                .push(", timezone_source = ")
                .push_bind(TimezoneSource::Slack.as_str())
                .push(", updated_at = ")
                .push_bind(now)
                .push(" WHERE timezone_source IN (")
                .push_bind(TimezoneSource::Default.as_str())
                .push(", ")
                .push_bind(TimezoneSource::Slack.as_str())
                .push(") AND id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(") RETURNING id");
            let ids: Vec<i64> = query
                .build_query_scalar()
                .fetch_all(&mut *conn)
                .await
                .map_err(classify("taking time zones from Slack"))?;
            written.extend(ids);
        }
    }
    Ok(changes
        .into_iter()
        .filter(|change| written.contains(&change.person.0))
        .collect())
}
