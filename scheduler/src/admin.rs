//! HR's changes to schedules: apply a policy file, add one schedule, pause, resume, delete.
//!
//! Each change is decided against a snapshot read inside the store's write transaction and
//! written there with its audit entry, so two admins cannot interleave. A policy file's
//! review cycles are created as drafts once that transaction has committed, each in its own
//! audited write ([`create_cycles`]).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rhythm_domain::oneonone::pairs::{PairChanges, plan_pairs};
use rhythm_domain::ports::{
    AuditEntry, Commit, CreateCycle, Directory, OneOnOnes, Reviews, ScheduleChange, SchedulePlan,
    ScheduleSnapshot, Schedules, StoreError, StoredSchedule,
};
use rhythm_domain::reviews::cycle::CycleSpec;
use rhythm_domain::schedule::{Policy, Schedule, ScheduleDoc, TemplateChanges};
use serde::Serialize;
use serde_json::json;

use crate::first_fire::first_look;

/// Why a schedule change changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The change was refused; each line says why. Nothing was changed.
    #[error("{}", .0.join("\n"))]
    Refused(Vec<String>),
    /// Storage failed; nothing was changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an apply changed, or would change on a dry run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplyReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// New schedules.
    pub created: Vec<String>,
    /// Changed schedules, with the keys that changed.
    pub updated: Vec<UpdatedSchedule>,
    /// Paused schedules that are in the file again.
    pub resumed: Vec<String>,
    /// Schedules no longer in the file, now paused.
    pub paused: Vec<String>,
    /// Holiday calendars created or replaced.
    pub calendars: Vec<String>,
    /// Schedules that already matched the file.
    pub unchanged: usize,
    /// Check-in templates created, updated, kept (stored, no longer in the file) and
    /// unchanged.
    pub templates: TemplateChanges,
    /// Whether the file's `[kudos]` table was written (it replaces the stored kudos policy).
    pub kudos: bool,
    /// Whether the file's `[coaching]` table was written.
    pub coaching: bool,
    /// The file's `[[one_on_one]]` pairs set up or changed, and those that already matched.
    pub one_on_ones: PairChanges,
    /// The file's `[[review_cycle]]` tables, in file order: each created as a draft, or
    /// left as it is because a cycle of that name exists.
    pub review_cycles: Vec<CycleOutcome>,
}

/// What applying one `[[review_cycle]]` did, or would do on a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleOutcome {
    /// The cycle's name.
    pub name: String,
    /// `created` (a new draft), `would create` (on a dry run) or `exists` (a cycle of that
    /// name is stored; it is left as it is).
    pub outcome: &'static str,
}

impl CycleOutcome {
    /// Created as a draft.
    pub const CREATED: &'static str = "created";
    /// Would be created, on a dry run.
    pub const WOULD_CREATE: &'static str = "would create";
    /// Stored already, and left as it is.
    pub const EXISTS: &'static str = "exists";
}

/// A changed schedule in a report.
#[derive(Debug, Clone, Serialize)]
pub struct UpdatedSchedule {
    /// Its name.
    pub name: String,
    /// The policy-file keys that changed.
    pub keys: Vec<String>,
}

/// Who is changing what, and when.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// `cli:USER`, `slack:U…`.
    pub actor: &'a str,
    /// The instant of the change.
    pub now: DateTime<Utc>,
    /// The zones of the people recipient-zone schedules may reach.
    pub zones: &'a [Tz],
}

fn audit(change: Change<'_>, action: &str, details: serde_json::Value) -> Option<AuditEntry> {
    Some(AuditEntry {
        actor: change.actor.to_owned(),
        action: action.to_owned(),
        details,
    })
}

/// Makes the stored schedules match `policy`: creates what is new, updates what changed,
/// resumes what was paused, pauses what is no longer in the file (never deletes), and writes
/// the file's holiday calendars, check-in templates (never deleting a template either) and
/// 1:1 pairs (never cancelling a pair left out). Refused, with nothing written, if a
/// check-in schedule names a template that does not exist or a pair names someone Rhythm
/// does not know or who is not the report's manager. Once that is written, each review
/// cycle of the file not stored yet is created as a draft ([`create_cycles`]).
pub async fn apply_policy<S: Schedules + Directory + OneOnOnes + Reviews>(
    store: &S,
    policy: &Policy,
    change: Change<'_>,
    commit: Commit,
) -> Result<ApplyReport, AdminError> {
    let (series, pairs) = plan_pairs(store, &policy.one_on_ones, change.actor, change.now)
        .await?
        .map_err(AdminError::Refused)?;
    let mut report = ApplyReport {
        dry_run: commit == Commit::DryRun,
        one_on_ones: pairs,
        ..ApplyReport::default()
    };
    let outcome = store
        .change_schedules(
            |snapshot| {
                let mut plan = plan_apply(policy, snapshot, change, &mut report)?;
                plan.one_on_ones.clone_from(&series);
                Ok(plan)
            },
            commit,
        )
        .await?;
    outcome.map_err(AdminError::Refused)?;
    report.review_cycles = create_cycles(
        store,
        &policy.review_cycles,
        change.actor,
        change.now,
        commit,
    )
    .await?;
    Ok(report)
}

/// Creates each of `specs` as a draft cycle, audited as `review_cycle.create` by `actor`;
/// a cycle whose name is stored already is left as it is. On a dry run, writes nothing and
/// says what it would do.
pub async fn create_cycles<S: Reviews>(
    store: &S,
    specs: &[CycleSpec],
    actor: &str,
    now: DateTime<Utc>,
    commit: Commit,
) -> Result<Vec<CycleOutcome>, StoreError> {
    let mut outcomes = Vec::with_capacity(specs.len());
    if specs.is_empty() {
        return Ok(outcomes);
    }
    if commit == Commit::DryRun {
        let stored: HashSet<String> = store
            .cycles()
            .await?
            .into_iter()
            .map(|cycle| cycle.spec.name)
            .collect();
        for spec in specs {
            outcomes.push(CycleOutcome {
                name: spec.name.clone(),
                outcome: if stored.contains(&spec.name) {
                    CycleOutcome::EXISTS
                } else {
                    CycleOutcome::WOULD_CREATE
                },
            });
        }
        return Ok(outcomes);
    }
    for spec in specs {
        let outcome = match store.create_cycle(spec, actor, now).await? {
            CreateCycle::Created(_) => CycleOutcome::CREATED,
            CreateCycle::NameTaken(_) => CycleOutcome::EXISTS,
        };
        outcomes.push(CycleOutcome {
            name: spec.name.clone(),
            outcome,
        });
    }
    Ok(outcomes)
}

fn plan_apply(
    policy: &Policy,
    snapshot: &ScheduleSnapshot,
    change: Change<'_>,
    report: &mut ApplyReport,
) -> Result<SchedulePlan, Vec<String>> {
    let mut plan = SchedulePlan::default();
    (report.templates, plan.templates) = policy.plan_templates(&snapshot.templates)?;
    plan.kudos.clone_from(&policy.kudos);
    report.kudos = policy.kudos.is_some();
    plan.coaching.clone_from(&policy.coaching);
    report.coaching = policy.coaching.is_some();
    for calendar in &policy.calendars {
        if !snapshot.calendars.contains(calendar) {
            report.calendars.push(calendar.name.clone());
            plan.calendars.push(calendar.clone());
        }
    }
    let in_file: HashSet<&str> = policy.schedules.iter().map(|s| s.name.as_str()).collect();
    for schedule in &policy.schedules {
        let next_fire_at = first_look(schedule, change.zones, change.now);
        match snapshot.find(schedule.name.as_str()) {
            None => {
                report.created.push(schedule.name.to_string());
                plan.changes.push(ScheduleChange::Create {
                    schedule: schedule.clone(),
                    next_fire_at,
                });
            }
            Some(stored) => {
                let keys = changed_keys(&stored.schedule, schedule);
                if keys.is_empty() && !stored.paused {
                    report.unchanged += 1;
                    continue;
                }
                if !keys.is_empty() {
                    report.updated.push(UpdatedSchedule {
                        name: schedule.name.to_string(),
                        keys,
                    });
                }
                if stored.paused {
                    report.resumed.push(schedule.name.to_string());
                }
                plan.changes.push(ScheduleChange::Update {
                    id: stored.id,
                    schedule: schedule.clone(),
                    paused: false,
                    next_fire_at,
                });
            }
        }
    }
    for stored in &snapshot.schedules {
        if !in_file.contains(stored.schedule.name.as_str()) && !stored.paused {
            report.paused.push(stored.schedule.name.to_string());
            plan.changes.push(pause(stored, true, change));
        }
    }
    // Review cycles are created after this transaction, each with its own audit entry.
    let mut details = json!(report);
    if let Some(details) = details.as_object_mut() {
        details.remove("review_cycles");
    }
    plan.audit = audit(change, "schedule.apply", details);
    Ok(plan)
}

/// The policy-file keys whose values differ between two schedules.
fn changed_keys(old: &Schedule, new: &Schedule) -> Vec<String> {
    let as_map = |schedule: &Schedule| match serde_json::to_value(schedule.to_doc()) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (as_map(old), as_map(new));
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|key| old.get(*key) != new.get(*key))
        .map(ToString::to_string)
        .collect()
}

fn pause(stored: &StoredSchedule, paused: bool, change: Change<'_>) -> ScheduleChange {
    let next_fire_at = if paused {
        stored.next_fire_at
    } else {
        first_look(&stored.schedule, change.zones, change.now)
    };
    ScheduleChange::Update {
        id: stored.id,
        schedule: stored.schedule.clone(),
        paused,
        next_fire_at,
    }
}

/// Adds one schedule; its `holidays` must name a stored calendar. Refused if the name is
/// taken.
pub async fn add_schedule<S: Schedules>(
    store: &S,
    doc: &ScheduleDoc,
    change: Change<'_>,
) -> Result<StoredScheduleSummary, AdminError> {
    let mut added = None;
    let outcome = store
        .change_schedules(
            |snapshot| {
                let calendars: HashSet<String> = snapshot.calendars.iter().map(|c| c.name.clone()).collect();
                let schedule = doc.read(&calendars)?;
                if let Some(existing) = snapshot.find(schedule.name.as_str()) {
                    return Err(vec![format!(
                        "a schedule named `{}` already exists (id {}): change it with `schedule apply`, or delete it first",
                        schedule.name, existing.id.0
                    )]);
                }
                let next_fire_at = first_look(&schedule, change.zones, change.now);
                added = Some(StoredScheduleSummary {
                    name: schedule.name.to_string(),
                    next_fire_at,
                });
                Ok(SchedulePlan {
                    changes: vec![ScheduleChange::Create { schedule, next_fire_at }],
                    audit: audit(change, "schedule.add", json!({ "name": doc.name })),
                    ..SchedulePlan::default()
                })
            },
            Commit::Write,
        )
        .await?;
    outcome.map_err(AdminError::Refused)?;
    added.ok_or_else(|| AdminError::Refused(vec!["nothing was added".to_owned()]))
}

/// A schedule's name and next look, after a change.
#[derive(Debug, Clone, Serialize)]
pub struct StoredScheduleSummary {
    /// Its name.
    pub name: String,
    /// When the planner next looks at it.
    pub next_fire_at: Option<DateTime<Utc>>,
}

/// What pausing, resuming or deleting did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    /// The schedule changed.
    Changed,
    /// It was already so.
    AlreadySo,
}

/// What to do to one schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Stop it firing.
    Pause,
    /// Let it fire again, from now on.
    Resume,
    /// Remove it for good.
    Delete,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Pause => "schedule.pause",
            Action::Resume => "schedule.resume",
            Action::Delete => "schedule.delete",
        }
    }
}

/// Pauses, resumes or deletes the schedule named (or numbered) `key`.
pub async fn act_on<S: Schedules>(
    store: &S,
    key: &str,
    action: Action,
    change: Change<'_>,
) -> Result<(String, Toggle), AdminError> {
    let mut result = None;
    let outcome = store
        .change_schedules(
            |snapshot| {
                let stored = snapshot
                    .find(key)
                    .ok_or_else(|| vec![unknown(key, snapshot)])?;
                let name = stored.schedule.name.to_string();
                let change_to = match action {
                    Action::Pause if stored.paused => None,
                    Action::Resume if !stored.paused => None,
                    Action::Pause => Some(pause(stored, true, change)),
                    Action::Resume => Some(pause(stored, false, change)),
                    Action::Delete => Some(ScheduleChange::Delete { id: stored.id }),
                };
                result = Some((
                    name.clone(),
                    if change_to.is_some() {
                        Toggle::Changed
                    } else {
                        Toggle::AlreadySo
                    },
                ));
                Ok(SchedulePlan {
                    changes: change_to.into_iter().collect(),
                    audit: audit(change, action.name(), json!({ "name": name })),
                    ..SchedulePlan::default()
                })
            },
            Commit::Write,
        )
        .await?;
    outcome.map_err(AdminError::Refused)?;
    result.ok_or_else(|| AdminError::Refused(vec![format!("no schedule `{key}`")]))
}

/// "No schedule `X`; the schedules are: …"
pub fn unknown(key: &str, snapshot: &ScheduleSnapshot) -> String {
    let names: Vec<&str> = snapshot
        .schedules
        .iter()
        .map(|s| s.schedule.name.as_str())
        .collect();
    if names.is_empty() {
        format!("no schedule `{key}`: there are no schedules yet")
    } else {
        format!(
            "no schedule `{key}`; the schedules are: {}",
            names.join(", ")
        )
    }
}
