//! Managers who have not held a 1:1 with a report for longer than the policy allows
//! (default 30 days): flagged in the manager's digest and in HR's report.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::CoachingPolicy;
use crate::chat::escape_markup;
use crate::people::{Person, PersonId};
use crate::ports::Session;

/// A manager–report pair overdue for a 1:1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    /// The manager.
    pub manager: PersonId,
    /// The report.
    pub report: PersonId,
    /// The report's name.
    pub report_name: String,
    /// The manager's name.
    pub manager_name: String,
    /// The last held 1:1's start; `None` if they never held one.
    pub last_held: Option<DateTime<Utc>>,
    /// Days since then (or since the report joined, if never).
    pub days: i64,
}

/// Every active report with an active manager whose last held 1:1 (or, if none, their
/// joining) is more than the policy's days before `now`, the longest overdue first.
pub fn overdue(
    people: &[Person],
    last_held: &[Session],
    policy: &CoachingPolicy,
    now: DateTime<Utc>,
) -> Vec<Overdue> {
    let managers: HashMap<&str, &Person> = people
        .iter()
        .filter(|p| p.active)
        .map(|p| (p.email.as_str(), p))
        .collect();
    let held: HashMap<(PersonId, PersonId), DateTime<Utc>> = last_held
        .iter()
        .filter(|s| s.held)
        .map(|s| ((s.manager, s.report), s.starts_at))
        .collect();
    let mut flagged: Vec<Overdue> = people
        .iter()
        .filter(|report| report.active)
        .filter_map(|report| {
            let manager = managers.get(report.manager.as_ref()?.as_str())?;
            let last = held.get(&(manager.id, report.id)).copied();
            let days = (now - last.unwrap_or(report.created_at)).num_days();
            (days > i64::from(policy.overdue_after_days)).then(|| Overdue {
                manager: manager.id,
                report: report.id,
                report_name: report.name.to_string(),
                manager_name: manager.name.to_string(),
                last_held: last,
                days,
            })
        })
        .collect();
    flagged.sort_by(|a, b| b.days.cmp(&a.days).then(a.report_name.cmp(&b.report_name)));
    flagged
}

/// `No 1:1 for 34 days with Ben; never with Cy` for a manager's digest.
pub fn digest_line(flagged: &[&Overdue]) -> Option<String> {
    if flagged.is_empty() {
        return None;
    }
    let parts: Vec<String> = flagged
        .iter()
        .map(|o| match o.last_held {
            Some(_) => format!("{} ({} days)", escape_markup(&o.report_name), o.days),
            None => format!("{} (none yet)", escape_markup(&o.report_name)),
        })
        .collect();
    Some(format!("⏰ 1:1s overdue: {}", parts.join(", ")))
}
