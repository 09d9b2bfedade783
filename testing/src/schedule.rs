//! A schedule firing right now, for benchmarks that time what follows.

use chrono::{DateTime, Utc};
use rhythm_domain::ports::{Commit, ScheduleChange, SchedulePlan, Schedules as _};
use rhythm_domain::schedule::Policy;
use rhythm_store::Store;

/// Writes a schedule named `name` of `kind` for everyone, firing once at the current whole
/// second in UTC on any day, and returns that instant; the planner then fans it out.
pub async fn due_now(store: &Store, name: &str, kind: &str) -> anyhow::Result<DateTime<Utc>> {
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0)
        .ok_or_else(|| anyhow::anyhow!("now is representable"))?;
    let text = format!(
        "[[schedule]]\nname = \"{name}\"\nkind = \"{kind}\"\nat = \"{}\"\ntimezone = \"UTC\"\n\
         audience = \"everyone\"\nbusiness_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
        now.format("%Y-%m-%dT%H:%M:%S")
    );
    let schedule = Policy::parse(&text)
        .map_err(|problems| anyhow::anyhow!("{problems:?}"))?
        .schedules
        .remove(0);
    let plan = SchedulePlan {
        changes: vec![ScheduleChange::Create {
            schedule,
            next_fire_at: Some(now),
        }],
        ..SchedulePlan::default()
    };
    store
        .change_schedules(|_| Ok(plan), Commit::Write)
        .await?
        .map_err(|problems| anyhow::anyhow!("{problems:?}"))?;
    Ok(now)
}
