//! The audit log: every admin change, written in the change's own transaction.

use rhythm_domain::ports::{AuditEntry, StoreError};

use super::Db;
use crate::error::classify;

/// Writes `entry` at instant `now` (epoch ms).
pub(crate) async fn write(
    conn: &mut <Db as sqlx::Database>::Connection,
    entry: &AuditEntry,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, details) VALUES ($1, $2, $3, $4)")
        .bind(now)
        .bind(entry.actor.as_str())
        .bind(entry.action.as_str())
        .bind(entry.details.to_string())
        .execute(&mut *conn)
        .await
        .map_err(classify("writing the audit log"))?;
    Ok(())
}
