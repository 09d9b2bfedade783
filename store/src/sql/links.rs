//! Linking chat accounts: one-time codes (`link_codes`) and the link itself, each change in
//! one transaction with its audit entry.

use chrono::{DateTime, Utc};
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{Account, AuditEntry, LinkCode, Linked, Links, Redeemed, StoreError};
use serde_json::json;

use super::settings::commit_audited;
use super::store::SqlStore;
use super::{Db, audit};
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

impl Links for SqlStore {
    async fn save_link_code(
        &self,
        code: &LinkCode,
        not_before: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = code.created_at.timestamp_millis();
        let mut tx = self.write("starting to save a link code").await?;
        // One statement: an account that asked after `not_before` keeps its code.
        let saved = sqlx::query(
            "INSERT INTO link_codes \
             (platform, user_id, person_id, code_hash, attempts, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5, $6) \
             ON CONFLICT (platform, user_id) DO UPDATE SET person_id = excluded.person_id, \
             code_hash = excluded.code_hash, attempts = 0, expires_at = excluded.expires_at, \
             created_at = excluded.created_at WHERE link_codes.created_at <= $7",
        )
        .bind(code.account.platform.as_str())
        .bind(code.account.user.as_str())
        .bind(code.person.0)
        .bind(code.code_hash.as_str())
        .bind(code.expires_at.timestamp_millis())
        .bind(now)
        .bind(not_before.timestamp_millis())
        .execute(&mut *tx)
        .await
        .map_err(classify("saving a link code"))?;
        if saved.rows_affected() == 0 {
            return Ok(false);
        }
        let entry = AuditEntry {
            actor: code.account.to_string(),
            action: "people.link_requested".to_owned(),
            details: json!({ "person_id": code.person.0 }),
        };
        commit_audited(tx, &entry, now).await?;
        Ok(true)
    }

    async fn redeem_link_code(
        &self,
        account: &Account,
        code_hash: &str,
        max_tries: u32,
        now: DateTime<Utc>,
    ) -> Result<Redeemed, StoreError> {
        let at = now.timestamp_millis();
        let mut tx = self.write("starting to redeem a link code").await?;
        let pending: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT person_id, code_hash, CAST(attempts AS BIGINT), expires_at FROM link_codes \
             WHERE platform = $1 AND user_id = $2",
        )
        .bind(account.platform.as_str())
        .bind(account.user.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(classify("reading a link code"))?;
        let Some((person, stored, attempts, expires_at)) = pending else {
            return Ok(Redeemed::NoCode);
        };
        let tries = u32::try_from(attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let (outcome, keep) = if expires_at <= at {
            (Redeemed::NoCode, false)
        } else if !same(&stored, code_hash) {
            let tries_left = max_tries.saturating_sub(tries);
            (Redeemed::Wrong { tries_left }, tries_left > 0)
        } else {
            let linked = link(&mut tx, PersonId(person), account, at).await?;
            if let Linked::Now { replaced, .. } = &linked {
                let entry = linked_entry(account, PersonId(person), replaced, &account.to_string());
                audit::write(&mut tx, &entry, at).await?;
            }
            (Redeemed::Linked(linked), false)
        };
        let change = if keep {
            "UPDATE link_codes SET attempts = attempts + 1 WHERE platform = $1 AND user_id = $2"
        } else {
            "DELETE FROM link_codes WHERE platform = $1 AND user_id = $2"
        };
        sqlx::query(change)
            .bind(account.platform.as_str())
            .bind(account.user.as_str())
            .execute(&mut *tx)
            .await
            .map_err(classify("counting a try of a link code"))?;
        tx.commit()
            .await
            .map_err(classify("committing a link code's try"))?;
        Ok(outcome)
    }

    async fn link_account(
        &self,
        person: PersonId,
        account: &Account,
        actor: &str,
    ) -> Result<Linked, StoreError> {
        let now = self.now().timestamp_millis();
        let mut tx = self.write("starting to link an account").await?;
        let linked = link(&mut tx, person, account, now).await?;
        let Linked::Now { replaced, .. } = &linked else {
            return Ok(linked);
        };
        let entry = linked_entry(account, person, replaced, actor);
        commit_audited(tx, &entry, now).await?;
        Ok(linked)
    }
}

/// Links `account` to `person` in `conn`, replacing the person's earlier account on that
/// platform; an account that is someone else's is left alone.
async fn link(
    conn: &mut Connection,
    person: PersonId,
    account: &Account,
    now: i64,
) -> Result<Linked, StoreError> {
    let platform = account.platform.as_str();
    let owner: Option<i64> = sqlx::query_scalar(
        "SELECT person_id FROM chat_identities WHERE platform = $1 AND user_id = $2",
    )
    .bind(platform)
    .bind(account.user.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(classify("reading who has an account"))?;
    match owner {
        Some(owner) if owner == person.0 => return Ok(Linked::Already(person)),
        Some(owner) => return Ok(Linked::Taken(PersonId(owner))),
        None => {}
    }
    let replaced: Vec<String> = sqlx::query_scalar(
        "DELETE FROM chat_identities WHERE platform = $1 AND person_id = $2 RETURNING user_id",
    )
    .bind(platform)
    .bind(person.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(classify("unlinking a person's earlier account"))?;
    sqlx::query(
        "INSERT INTO chat_identities (platform, user_id, person_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(platform)
    .bind(account.user.as_str())
    .bind(person.0)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(classify("linking an account"))?;
    sqlx::query("UPDATE people SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(person.0)
        .execute(&mut *conn)
        .await
        .map_err(classify("touching a linked person"))?;
    Ok(Linked::Now {
        person,
        replaced: replaced.into_iter().next(),
    })
}

/// The audit entry of a link: by the account itself (a code) or by HR (`actor`).
fn linked_entry(
    account: &Account,
    person: PersonId,
    replaced: &Option<String>,
    actor: &str,
) -> AuditEntry {
    AuditEntry {
        actor: actor.to_owned(),
        action: "people.link".to_owned(),
        details: json!({
            "person_id": person.0,
            "platform": account.platform.as_str(),
            "user_id": account.user.as_str(),
            "replaced": replaced,
        }),
    }
}

/// Compares two hashes in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |differ, (x, y)| differ | (x ^ y))
            == 0
}
