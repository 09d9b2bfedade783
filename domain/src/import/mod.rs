//! Importing people from a CSV file, the way HR keeps the directory in step with the HR
//! system: all or nothing, every problem named by line, idempotent on re-import.
//!
//! 1. [`read_rows`] parses each row into typed values (or collects every problem);
//! 2. inside one write transaction, [`plan`] checks the rows against each other and the
//!    directory (duplicates, managers, cycles, chat ids) and works out what would change;
//! 3. the store applies the plan, or, for a dry run, nothing.

mod csv_file;
mod plan;

use std::io::Read;

use serde::Serialize;
use serde_json::json;

pub use csv_file::{COLUMNS, ImportRow, ReadRows, Record, header_columns, read_rows, records};
pub use plan::{ChangeKind, ImportPlan, PersonChange, plan};

use crate::people::{DisplayName, Email, Timezone};
use crate::ports::{AuditEntry, Commit, Directory, DirectorySnapshot, Progress, StoreError};

/// A problem with one cell, row or the header of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file's line (1 is the header).
    pub line: u64,
    /// The column (or `row`, `header`).
    pub column: String,
    /// What is wrong, and what would be right.
    pub reason: String,
}

impl Problem {
    /// A problem at `line` of `column`.
    pub fn new(line: u64, column: &str, reason: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.column, self.reason)
    }
}

/// How an import treats what the file leaves out.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The zone of a new person whose row gives none.
    pub default_timezone: Timezone,
    /// Deactivate (never delete) active people who are not in the file.
    pub deactivate_missing: bool,
}

/// What an import changed, or would change on a dry run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// New people.
    pub created: Vec<Named>,
    /// People whose stored values changed, with the fields that did.
    pub updated: Vec<Updated>,
    /// People deactivated because the file left them out.
    pub deactivated: Vec<Named>,
    /// Rows that matched the directory exactly.
    pub unchanged: u64,
}

/// A person in a report.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// Their email.
    pub email: Email,
    /// Their name.
    pub name: DisplayName,
}

/// An updated person in a report.
#[derive(Debug, Clone, Serialize)]
pub struct Updated {
    /// Their email.
    pub email: Email,
    /// Their name.
    pub name: DisplayName,
    /// The fields that changed, by column name.
    pub fields: Vec<&'static str>,
}

impl ImportReport {
    fn from_plan(plan: &ImportPlan, commit: Commit) -> Self {
        let mut report = ImportReport {
            dry_run: commit == Commit::DryRun,
            unchanged: plan.unchanged,
            ..ImportReport::default()
        };
        for change in &plan.changes {
            match &change.kind {
                ChangeKind::Created => report.created.push(Named {
                    email: change.email.clone(),
                    name: change.name.clone(),
                }),
                ChangeKind::Updated { fields } => report.updated.push(Updated {
                    email: change.email.clone(),
                    name: change.name.clone(),
                    fields: fields.clone(),
                }),
            }
        }
        report.deactivated = plan.deactivate.clone();
        report
    }
}

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; each names its line. Nothing was changed.
    #[error("the file has {} problem(s); nothing was changed", .0.len())]
    Invalid(Vec<Problem>),
    /// Storage failed; nothing was changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks `read` (its cells, then its rows against each other and `snapshot`) and plans the
/// change: every problem of both kinds, in line order, or the plan.
pub fn plan_file(
    read: &ReadRows,
    snapshot: &DirectorySnapshot,
    options: &ImportOptions,
) -> Result<ImportPlan, Vec<Problem>> {
    match plan(&read.rows, snapshot, options) {
        Ok(plan) if read.problems.is_empty() => Ok(plan),
        planned => {
            let mut all = read.problems.clone();
            all.extend(planned.err().unwrap_or_default());
            all.sort_by_key(|problem| problem.line);
            Err(all)
        }
    }
}

/// Imports people from CSV text: every row valid and consistent, or nothing changes.
pub async fn import_people<D: Directory>(
    directory: &D,
    input: impl Read,
    options: &ImportOptions,
    commit: Commit,
    actor: &str,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportError> {
    let read = read_rows(input).map_err(ImportError::Invalid)?;
    let planned = directory
        .import_people(
            |snapshot| {
                let mut plan = plan_file(&read, snapshot, options)?;
                plan.audit = Some(AuditEntry {
                    actor: actor.to_owned(),
                    action: "people.import".to_owned(),
                    details: json!({
                        "rows": read.rows.len(),
                        "created": plan.created(),
                        "updated": plan.changes.len() - plan.created(),
                        "deactivated": plan.deactivate.len(),
                        "unchanged": plan.unchanged,
                        "deactivate_missing": options.deactivate_missing,
                    }),
                });
                Ok(plan)
            },
            commit,
            progress,
        )
        .await?;
    let plan = planned.map_err(ImportError::Invalid)?;
    Ok(ImportReport::from_plan(&plan, commit))
}

#[cfg(test)]
mod tests;
