//! `[[one_on_one]]` tables: manager–report pairs' 1:1s as code, next to the schedules.
//!
//! ```toml
//! [[one_on_one]]
//! report = "ben@example.com"
//! when = "every 2 weeks Thursday 15:00 for 45m"
//! ```
//!
//! Reading checks what needs no database: the emails and `when`, written as after
//! `/oneonone schedule @ben`. Planning, against the directory and the stored series, finds
//! each pair's manager (the report's, or `manager` if given, which must be the report's),
//! and leaves a pair whose series already matches alone, so applying the same file again
//! keeps every session where it was. A pair left out of the file keeps its 1:1s, as a
//! template does; `/oneonone cancel` stops them.

use std::collections::HashSet;

use chrono::{DateTime, Datelike as _, Utc};
use serde::{Deserialize, Serialize};

use super::parse::{When, when};
use super::{Cadence, MAX_WEEKS};
use crate::command::active_by_email;
use crate::people::{Email, Person};
use crate::ports::{Directory, NewSeries, OneOnOnes, StoreError};

/// A `[[one_on_one]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairDoc {
    #[serde(default)]
    report: String,
    manager: Option<String>,
    #[serde(default)]
    when: String,
}

/// A pair's 1:1s as a policy file sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyPair {
    /// The report.
    pub report: Email,
    /// Their manager, if the file names them (it must be the report's manager).
    pub manager: Option<Email>,
    /// When, in the manager's zone.
    pub when: When,
}

/// Reads every `[[one_on_one]]`, pushing each problem onto `found`, named by the report.
pub fn read_pairs(docs: &[PairDoc], found: &mut Vec<String>) -> Vec<PolicyPair> {
    let mut reports = HashSet::new();
    let mut pairs = Vec::new();
    for doc in docs {
        let at = match doc.report.trim() {
            "" => "one_on_one".to_owned(),
            report => format!("one_on_one `{report}`"),
        };
        let before = found.len();
        let report = Email::parse(&doc.report)
            .map_err(|invalid| found.push(format!("{at}: report: {invalid}")))
            .ok();
        let manager = doc.manager.as_deref().map(|text| {
            Email::parse(text)
                .map_err(|invalid| found.push(format!("{at}: manager: {invalid}")))
                .ok()
        });
        let words: Vec<&str> = doc.when.split_whitespace().collect();
        let read = if words.is_empty() {
            Err("missing; write it as after /oneonone schedule @ben: \
                 \"every 2 weeks Thursday 15:00\""
                .to_owned())
        } else {
            when(&words)
        };
        let read = read
            .and_then(|when| match when.every_weeks {
                1..=MAX_WEEKS => Ok(when),
                weeks => Err(format!(
                    "1:1s can be every 1 to {MAX_WEEKS} weeks, not every {weeks}"
                )),
            })
            .map_err(|problem| found.push(format!("{at}: when: {problem}")))
            .ok();
        if let Some(report) = &report
            && !reports.insert(report.clone())
        {
            found.push(format!(
                "{at} is defined twice; a report has one series of 1:1s"
            ));
        }
        if manager
            .as_ref()
            .is_some_and(|m| m.is_some() && *m == report)
        {
            found.push(format!("{at}: manager: a 1:1 takes two"));
        }
        if let (Some(report), Some(when), true) = (report, read, found.len() == before) {
            pairs.push(PolicyPair {
                report,
                manager: manager.flatten(),
                when,
            });
        }
    }
    pairs
}

/// What applying the pairs changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PairChanges {
    /// Pairs set up or changed, as `manager@… with report@…`.
    pub set: Vec<String>,
    /// Pairs whose series already matched the file.
    pub unchanged: usize,
}

/// What planning the pairs finds: the series to write, and what changes.
pub type PairPlan = (Vec<NewSeries>, PairChanges);

/// The series to write for `pairs` at `now`: those new or changed, each starting at its
/// next session after `now`; or every problem, named by the report.
pub async fn plan_pairs<S: Directory + OneOnOnes>(
    store: &S,
    pairs: &[PolicyPair],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<PairPlan, Vec<String>>, StoreError> {
    let mut problems = Vec::new();
    let mut writes = Vec::new();
    let mut changes = PairChanges::default();
    let stored = if pairs.is_empty() {
        Vec::new()
    } else {
        store.oneonones(None, true).await?
    };
    for pair in pairs {
        let at = format!("one_on_one `{}`", pair.report);
        let (report, manager) = match resolve(store, pair).await? {
            Ok(found) => found,
            Err(problem) => {
                problems.push(format!("{at}: {problem}"));
                continue;
            }
        };
        let When {
            every_weeks,
            weekday,
            at: time,
            minutes,
        } = pair.when;
        let matches = stored.iter().any(|series| {
            let cadence = &series.cadence;
            series.manager == manager.id
                && series.report == report.id
                && cadence.every_weeks == every_weeks
                && cadence.anchor.weekday() == weekday
                && cadence.at == time
                && cadence.zone == manager.timezone
                && series.minutes == minutes
        });
        if matches {
            changes.unchanged += 1;
            continue;
        }
        match Cadence::starting_after(every_weeks, weekday, time, manager.timezone, now) {
            Ok(cadence) => {
                changes
                    .set
                    .push(format!("{} with {}", manager.email, report.email));
                writes.push(NewSeries {
                    manager: manager.id,
                    report: report.id,
                    cadence,
                    minutes,
                    actor: actor.to_owned(),
                    at: now,
                });
            }
            Err(invalid) => problems.push(format!("{at}: when: {invalid}")),
        }
    }
    Ok(if problems.is_empty() {
        Ok((writes, changes))
    } else {
        Err(problems)
    })
}

/// The pair's report and manager, both active; or why not.
async fn resolve<S: Directory>(
    store: &S,
    pair: &PolicyPair,
) -> Result<Result<(Person, Person), String>, StoreError> {
    let Some(report) = active_by_email(store, &pair.report).await? else {
        return Ok(Err(format!(
            "no active person has the email {}; import them first (rhythm people import)",
            pair.report
        )));
    };
    let Some(theirs) = report.manager.clone() else {
        return Ok(Err(format!(
            "{} has no manager in Rhythm, so there is no pair; set their manager in the \
             people file",
            report.name
        )));
    };
    if let Some(named) = &pair.manager
        && *named != theirs
    {
        return Ok(Err(format!(
            "manager: {named} is not {}'s manager (Rhythm says {theirs}); 1:1s pair a report \
             with their manager",
            report.name
        )));
    }
    Ok(match active_by_email(store, &theirs).await? {
        Some(manager) => Ok((report, manager)),
        None => Err(format!(
            "their manager {theirs} is not an active person in Rhythm"
        )),
    })
}
