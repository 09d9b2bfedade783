//! Kudos: gives checked against the giver's allowance and the recipients' cap in their own
//! serialised transaction, retractions and HR's (audited) removals, HR's kudos policy, and
//! the notices that announce them (`notices.rs`).

use chrono::{DateTime, Utc};
use rhythm_domain::kudos::KudosPolicy;
use rhythm_domain::kudos::notices::subject;
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{
    Allowance, AuditEntry, Destination, GiveOutcome, Kudos, KudosFilter, KudosId, KudosRecord,
    KudosSource, MessageRef, NewKudos, NewNotice, Notice, NoticeId, NoticeOutcome, StoreError,
    Visibility,
};
use serde_json::json;
use sqlx::QueryBuilder;

use super::store::SqlStore;
use super::{Db, LOCK, audit, notices};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Writes HR's kudos policy (the one row), for the transaction that applies a policy file.
pub(crate) async fn write_policy(
    conn: &mut Connection,
    policy: &KudosPolicy,
    now: i64,
) -> Result<(), StoreError> {
    let doc = serde_json::to_string(policy).map_err(|e| StoreError::Unexpected(e.into()))?;
    sqlx::query(
        "INSERT INTO kudos_policy (id, doc, updated_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at",
    )
    .bind(doc)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(classify("writing the kudos policy"))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct KudosRow {
    id: i64,
    giver_id: i64,
    reason: String,
    visibility: String,
    source: String,
    platform: String,
    message_link: Option<String>,
    given_at: i64,
    retracted_at: Option<i64>,
    removed_at: Option<i64>,
}

impl KudosRow {
    fn into_record(self) -> anyhow::Result<KudosRecord> {
        Ok(KudosRecord {
            id: KudosId(self.id),
            giver: PersonId(self.giver_id),
            recipients: Vec::new(),
            reason: self.reason,
            values: Vec::new(),
            visibility: Visibility::parse(&self.visibility)
                .ok_or_else(|| anyhow::anyhow!("stored visibility `{}`", self.visibility))?,
            source: KudosSource::parse(&self.source)
                .ok_or_else(|| anyhow::anyhow!("stored kudos source `{}`", self.source))?,
            platform: Platform::parse(&self.platform)
                .map_err(|invalid| anyhow::anyhow!("stored platform: {invalid}"))?,
            message_link: self.message_link,
            given_at: instant(self.given_at)?,
            retracted_at: self.retracted_at.map(instant).transpose()?,
            removed_at: self.removed_at.map(instant).transpose()?,
        })
    }
}

/// Which kudos to read.
#[derive(Clone, Copy)]
enum Which<'a> {
    One(KudosId),
    Matching(&'a KudosFilter),
}

/// Appends the conditions of `which` on table `k` (kudos) to a `WHERE TRUE` clause.
fn push_which(query: &mut QueryBuilder<Db>, which: Which<'_>) {
    match which {
        Which::One(id) => {
            query.push(" AND k.id = ").push_bind(id.0);
        }
        Which::Matching(filter) => {
            query
                .push(" AND k.given_at >= ")
                .push_bind(filter.from.timestamp_millis())
                .push(" AND k.given_at < ")
                .push_bind(filter.to.timestamp_millis());
            if let Some(person) = filter.person {
                query
                    .push(" AND (k.giver_id = ")
                    .push_bind(person.0)
                    .push(" OR k.id IN (SELECT kudos_id FROM kudos_recipients WHERE person_id = ")
                    .push_bind(person.0)
                    .push("))");
            }
        }
    }
}

/// The kudos `which` names, oldest first, with their recipients (by id) and values (by tag).
async fn read(conn: &mut Connection, which: Which<'_>) -> Result<Vec<KudosRecord>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(
        "SELECT k.id, k.giver_id, k.reason, k.visibility, k.source, k.platform, k.message_link, \
         k.given_at, k.retracted_at, k.removed_at FROM kudos k WHERE TRUE",
    );
    push_which(&mut query, which);
    query.push(" ORDER BY k.given_at, k.id");
    let rows: Vec<KudosRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading kudos"))?;
    let mut records = rows
        .into_iter()
        .map(KudosRow::into_record)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)?;
    if records.is_empty() {
        return Ok(records);
    }
    let index: std::collections::HashMap<i64, usize> = records
        .iter()
        .enumerate()
        .map(|(at, record)| (record.id.0, at))
        .collect();

    let mut query = QueryBuilder::<Db>::new(
        "SELECT r.kudos_id, r.person_id FROM kudos_recipients r \
         JOIN kudos k ON k.id = r.kudos_id WHERE TRUE",
    );
    push_which(&mut query, which);
    query.push(" ORDER BY r.kudos_id, r.person_id");
    let recipients: Vec<(i64, i64)> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading kudos recipients"))?;
    for (kudos, person) in recipients {
        if let Some(&at) = index.get(&kudos) {
            records[at].recipients.push(PersonId(person));
        }
    }

    let mut query = QueryBuilder::<Db>::new(
        "SELECT v.kudos_id, v.tag FROM kudos_values v JOIN kudos k ON k.id = v.kudos_id \
         WHERE TRUE",
    );
    push_which(&mut query, which);
    query.push(" ORDER BY v.kudos_id, v.tag");
    let values: Vec<(i64, String)> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading kudos values"))?;
    for (kudos, tag) in values {
        if let Some(&at) = index.get(&kudos) {
            records[at].values.push(tag);
        }
    }
    Ok(records)
}

async fn by_id(conn: &mut Connection, id: KudosId) -> Result<Option<KudosRecord>, StoreError> {
    Ok(read(conn, Which::One(id)).await?.into_iter().next())
}

/// Whose kudos to count: the recipients a giver recognised, or the kudos a person received.
#[derive(Clone, Copy)]
enum Counted {
    GivenBy(PersonId),
    ReceivedBy(PersonId),
}

/// What `counted` says since `since` (epoch ms), in kudos that stand: each (kudos,
/// recipient) pair counts one.
async fn standing_since(
    conn: &mut Connection,
    counted: Counted,
    since: i64,
) -> Result<u32, StoreError> {
    let (query, person, what) = match counted {
        Counted::GivenBy(person) => (
            "SELECT COUNT(*) FROM kudos_recipients r JOIN kudos k ON k.id = r.kudos_id \
             WHERE k.giver_id = $1 AND k.given_at >= $2 \
             AND k.retracted_at IS NULL AND k.removed_at IS NULL",
            person,
            "counting kudos given",
        ),
        Counted::ReceivedBy(person) => (
            "SELECT COUNT(*) FROM kudos_recipients r JOIN kudos k ON k.id = r.kudos_id \
             WHERE r.person_id = $1 AND k.given_at >= $2 \
             AND k.retracted_at IS NULL AND k.removed_at IS NULL",
            person,
            "counting kudos received",
        ),
    };
    let count: i64 = sqlx::query_scalar(query)
        .bind(person.0)
        .bind(since)
        .fetch_one(&mut *conn)
        .await
        .map_err(classify(what))?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

async fn kudos_with_key(conn: &mut Connection, key: &str) -> Result<Option<KudosId>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM kudos WHERE source_key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(classify("looking up a kudos by its key"))?;
    Ok(id.map(KudosId))
}

impl Kudos for SqlStore {
    async fn kudos_policy(&self) -> Result<KudosPolicy, StoreError> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM kudos_policy WHERE id = 1")
            .fetch_optional(self.pool())
            .await
            .map_err(classify("reading the kudos policy"))?;
        match doc {
            Some(doc) => serde_json::from_str(&doc).map_err(|e| {
                StoreError::Unexpected(anyhow::Error::new(e).context("the stored kudos policy"))
            }),
            None => Ok(KudosPolicy::default()),
        }
    }

    async fn give_kudos(
        &self,
        kudos: &NewKudos,
        allowance: &Allowance,
    ) -> Result<GiveOutcome, StoreError> {
        let since = allowance.since.timestamp_millis();
        let given_at = kudos.given_at.timestamp_millis();
        let mut recipients: Vec<PersonId> = Vec::with_capacity(kudos.recipients.len());
        for &person in &kudos.recipients {
            if !recipients.contains(&person) {
                recipients.push(person);
            }
        }
        let mut tx = self.write("starting a give").await?;
        if let Some(lock) = LOCK {
            sqlx::query(lock)
                .bind("kudos.give")
                .execute(&mut *tx)
                .await
                .map_err(classify("taking the kudos lock"))?;
        }
        if let Some(key) = &kudos.key
            && let Some(id) = kudos_with_key(&mut tx, key).await?
        {
            return Ok(GiveOutcome::Repeat(id));
        }
        let given = standing_since(&mut tx, Counted::GivenBy(kudos.giver), since).await?;
        let new = u32::try_from(recipients.len()).unwrap_or(u32::MAX);
        if given.saturating_add(new) > allowance.limit {
            return Ok(GiveOutcome::OverAllowance { given });
        }
        if let Some(cap) = allowance.receive_cap {
            for &person in &recipients {
                let received = standing_since(&mut tx, Counted::ReceivedBy(person), since).await?;
                if received >= cap {
                    return Ok(GiveOutcome::OverReceiveCap { person, received });
                }
            }
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO kudos (giver_id, reason, visibility, source, platform, message_link, \
             source_key, given_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (source_key) DO NOTHING RETURNING id",
        )
        .bind(kudos.giver.0)
        .bind(kudos.reason.as_str())
        .bind(kudos.visibility.as_str())
        .bind(kudos.source.as_str())
        .bind(kudos.platform.as_str())
        .bind(kudos.message_link.as_deref())
        .bind(kudos.key.as_deref())
        .bind(given_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(classify("recording a kudos"))?;
        let Some(id) = id else {
            // Another give with this key committed meanwhile.
            let key = kudos.key.as_deref().unwrap_or_default();
            let id = kudos_with_key(&mut tx, key).await?.ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("a kudos key conflicted but is not there"))
            })?;
            return Ok(GiveOutcome::Repeat(id));
        };
        for person in &recipients {
            sqlx::query("INSERT INTO kudos_recipients (kudos_id, person_id) VALUES ($1, $2)")
                .bind(id)
                .bind(person.0)
                .execute(&mut *tx)
                .await
                .map_err(classify("recording a kudos's recipient"))?;
        }
        for tag in &kudos.values {
            sqlx::query(
                "INSERT INTO kudos_values (kudos_id, tag) VALUES ($1, $2) \
                 ON CONFLICT (kudos_id, tag) DO NOTHING",
            )
            .bind(id)
            .bind(tag.as_str())
            .execute(&mut *tx)
            .await
            .map_err(classify("recording a kudos's value"))?;
        }
        notices::insert(&mut tx, &subject(KudosId(id)), &kudos.notices, given_at).await?;
        tx.commit().await.map_err(classify("committing a kudos"))?;
        Ok(GiveOutcome::Given(KudosId(id)))
    }

    async fn kudos_given_since(
        &self,
        giver: PersonId,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let mut conn = self.connection().await?;
        standing_since(&mut conn, Counted::GivenBy(giver), since.timestamp_millis()).await
    }

    async fn retract_kudos(
        &self,
        giver: PersonId,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<KudosRecord>, StoreError> {
        let mut tx = self.write("starting a retraction").await?;
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM kudos WHERE giver_id = $1 AND given_at >= $2 \
             AND retracted_at IS NULL AND removed_at IS NULL \
             ORDER BY given_at DESC, id DESC LIMIT 1",
        )
        .bind(giver.0)
        .bind(since.timestamp_millis())
        .fetch_optional(&mut *tx)
        .await
        .map_err(classify("finding the kudos to retract"))?;
        let Some(id) = latest.map(KudosId) else {
            return Ok(None);
        };
        sqlx::query("UPDATE kudos SET retracted_at = $1 WHERE id = $2")
            .bind(now.timestamp_millis())
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(classify("retracting a kudos"))?;
        notices::skip_pending(&mut tx, &subject(id)).await?;
        let record = by_id(&mut tx, id).await?;
        tx.commit()
            .await
            .map_err(classify("committing a retraction"))?;
        Ok(record)
    }

    async fn remove_kudos(
        &self,
        id: KudosId,
        actor: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<KudosRecord>, StoreError> {
        let at = now.timestamp_millis();
        let mut tx = self.write("starting a kudos removal").await?;
        let Some(record) = by_id(&mut tx, id).await? else {
            return Ok(None);
        };
        if record.removed_at.is_some() {
            // Removed already: the first removal (and its audit entry) stands.
            return Ok(Some(record));
        }
        sqlx::query(
            "UPDATE kudos SET removed_at = $1, removed_by = $2, removal_reason = $3 \
             WHERE id = $4",
        )
        .bind(at)
        .bind(actor)
        .bind(reason)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("removing a kudos"))?;
        notices::skip_pending(&mut tx, &subject(id)).await?;
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "kudos.remove".to_owned(),
            details: json!({
                "kudos_id": id.0,
                "reason": reason,
                "giver_id": record.giver.0,
                "recipient_ids": record.recipients.iter().map(|p| p.0).collect::<Vec<_>>(),
                "given_at": record.given_at.to_rfc3339(),
            }),
        };
        audit::write(&mut tx, &entry, at).await?;
        tx.commit()
            .await
            .map_err(classify("committing a kudos removal"))?;
        Ok(Some(record))
    }

    async fn kudos_by_id(&self, id: KudosId) -> Result<Option<KudosRecord>, StoreError> {
        let mut conn = self.connection().await?;
        by_id(&mut conn, id).await
    }

    async fn kudos_list(&self, filter: &KudosFilter) -> Result<Vec<KudosRecord>, StoreError> {
        let mut conn = self.connection().await?;
        read(&mut conn, Which::Matching(filter)).await
    }

    async fn due_notices(
        &self,
        platform: Platform,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError> {
        let mut conn = self.connection().await?;
        notices::due(&mut conn, platform, now, limit).await
    }

    async fn claim_notice(
        &self,
        id: NoticeId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut conn = self.write_connection().await?;
        notices::claim(&mut conn, id, now, until).await
    }

    async fn finish_notice(
        &self,
        id: NoticeId,
        outcome: &NoticeOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.write_connection().await?;
        notices::finish(&mut conn, id, outcome, now).await
    }

    async fn add_notices(
        &self,
        subject: &str,
        new: &[NewNotice],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.write_connection().await?;
        notices::insert(&mut conn, subject, new, now.timestamp_millis()).await
    }

    async fn posted_notices(
        &self,
        subject: &str,
    ) -> Result<Vec<(Platform, Destination, MessageRef)>, StoreError> {
        let mut conn = self.connection().await?;
        notices::posted(&mut conn, subject).await
    }
}
