//! `rhythm schedule apply|add|list|show|pause|resume|delete|templates`; `templates` lists
//! the check-in templates and prints what an apply does to them.

use std::collections::BTreeSet;

use anyhow::Context as _;
use chrono::Utc;
use chrono_tz::Tz;
use rhythm_domain::oneonone::pairs::PairChanges;
use rhythm_domain::ports::{
    Commit, Directory as _, PeopleFilter, ScheduleSnapshot, Schedules as _, StoredSchedule,
};
use rhythm_domain::schedule::{FollowUpDoc, Policy, Recurrence, ScheduleDoc};
use rhythm_scheduler::admin::{
    Action, AdminError, ApplyReport, Change, CycleOutcome, Toggle, act_on, add_schedule,
    apply_policy, unknown,
};
use rhythm_store::Store;
use serde_json::json;

use super::people::ready_store;
use crate::cli::{AddArgs, ScheduleCommand};
use crate::config::Config;
use crate::error::CliError;

mod templates;

/// Runs one `schedule` subcommand.
pub(super) async fn execute(config: &Config, command: ScheduleCommand) -> Result<(), CliError> {
    let store = ready_store(config).await?;
    let outcome = match command {
        ScheduleCommand::Apply {
            file,
            dry_run,
            json,
        } => apply(&store, &file, dry_run, json).await,
        ScheduleCommand::Add(args) => add(&store, &args).await,
        ScheduleCommand::List { json } => list(&store, json).await,
        ScheduleCommand::Show { schedule, json } => show(&store, &schedule, json).await,
        ScheduleCommand::Preview {
            schedule,
            from,
            count,
            json,
        } => preview(&store, &schedule, from.as_deref(), count, json).await,
        ScheduleCommand::Pause { schedule } => act(&store, &schedule, Action::Pause).await,
        ScheduleCommand::Resume { schedule } => act(&store, &schedule, Action::Resume).await,
        ScheduleCommand::Delete { schedule } => act(&store, &schedule, Action::Delete).await,
        ScheduleCommand::Templates { json } => templates::list(&store, json).await,
    };
    store.close().await;
    outcome
}

impl From<AdminError> for CliError {
    fn from(error: AdminError) -> Self {
        match error {
            AdminError::Refused(problems) => CliError::BadInput(problems.join("\n")),
            AdminError::Store(error) => {
                CliError::Failure(anyhow::Error::from(error).context("changing schedules"))
            }
        }
    }
}

/// Who is changing schedules from this terminal, and the zones recipient-zone schedules
/// fire in.
struct Context {
    actor: String,
    zones: Vec<Tz>,
}

impl Context {
    async fn read(store: &Store) -> Result<Self, CliError> {
        Ok(Self {
            actor: super::actor(),
            zones: people_zones(store).await?,
        })
    }

    fn change(&self) -> Change<'_> {
        Change {
            actor: &self.actor,
            now: Utc::now(),
            zones: &self.zones,
        }
    }
}

/// The zones of active people: where recipient-zone schedules fire.
async fn people_zones(store: &Store) -> Result<Vec<Tz>, CliError> {
    let people = store
        .people(&PeopleFilter {
            active_only: true,
            ..PeopleFilter::default()
        })
        .await
        .context("reading people's zones")?;
    let zones: BTreeSet<&str> = people
        .iter()
        .map(|person| person.timezone.as_str())
        .collect();
    Ok(zones
        .into_iter()
        .filter_map(|zone| zone.parse().ok())
        .collect())
}

async fn apply(
    store: &Store,
    file: &std::path::Path,
    dry_run: bool,
    json: bool,
) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| CliError::BadInput(format!("cannot read {}: {error}", file.display())))?;
    let policy = Policy::parse(&text).map_err(|problems| {
        CliError::BadInput(format!(
            "{}: {} problem(s); nothing was changed:\n{}",
            file.display(),
            problems.len(),
            problems.join("\n")
        ))
    })?;
    let context = Context::read(store).await?;
    let change = context.change();
    let commit = if dry_run {
        Commit::DryRun
    } else {
        Commit::Write
    };
    let report = apply_policy(store, &policy, change, commit).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?
        );
    } else {
        print_apply(&report, file);
    }
    Ok(())
}

fn print_apply(report: &ApplyReport, file: &std::path::Path) {
    let would = if report.dry_run { "would " } else { "" };
    for name in &report.calendars {
        println!("{would}write calendar  {name}");
    }
    for name in &report.created {
        println!("{would}create          {name}");
    }
    for updated in &report.updated {
        println!(
            "{would}update          {} ({})",
            updated.name,
            updated.keys.join(", ")
        );
    }
    for name in &report.resumed {
        println!("{would}resume          {name}");
    }
    for name in &report.paused {
        println!("{would}pause           {name} (no longer in the file)");
    }
    templates::print_changes(&report.templates, would);
    if report.kudos {
        println!("{would}write           the kudos policy ([kudos])");
    }
    if report.coaching {
        println!("{would}write           the coaching policy ([coaching])");
    }
    for pair in &report.one_on_ones.set {
        println!("{would}set 1:1s        {pair}");
    }
    print_cycles(&report.review_cycles);
    let counts = format!(
        "{} created, {} updated, {} resumed, {} paused, {} unchanged",
        report.created.len(),
        report.updated.len(),
        report.resumed.len(),
        report.paused.len(),
        report.unchanged
    ) + &templates::counts(&report.templates)
        + &pair_counts(&report.one_on_ones)
        + &cycle_counts(&report.review_cycles, report.dry_run);
    if report.dry_run {
        println!(
            "Dry run of {}: {counts}. Nothing was changed.",
            file.display()
        );
    } else {
        println!("Applied {}: {counts}.", file.display());
    }
}

/// `; 1:1 pairs: 1 set, 2 unchanged`, if the file has pairs.
fn pair_counts(pairs: &PairChanges) -> String {
    if pairs.set.is_empty() && pairs.unchanged == 0 {
        return String::new();
    }
    format!(
        "; 1:1 pairs: {} set, {} unchanged",
        pairs.set.len(),
        pairs.unchanged
    )
}

/// A line per `[[review_cycle]]`: created (or would be), or left as it is. `rhythm cycle
/// create --file` prints the same.
pub(super) fn print_cycles(cycles: &[CycleOutcome]) {
    for cycle in cycles {
        match cycle.outcome {
            CycleOutcome::CREATED => println!(
                "created review cycle  {} (draft: start it with rhythm cycle start {:?})",
                cycle.name, cycle.name
            ),
            CycleOutcome::WOULD_CREATE => {
                println!("would create review cycle  {} (as a draft)", cycle.name);
            }
            _ => println!("review cycle exists  {} (left as it is)", cycle.name),
        }
    }
}

/// `; review cycles: 1 created, 0 existing`, if the file has cycles.
pub(super) fn cycle_counts(cycles: &[CycleOutcome], dry_run: bool) -> String {
    if cycles.is_empty() {
        return String::new();
    }
    let existing = cycles
        .iter()
        .filter(|c| c.outcome == CycleOutcome::EXISTS)
        .count();
    format!(
        "; review cycles: {} {}, {existing} existing",
        cycles.len() - existing,
        if dry_run { "to create" } else { "created" }
    )
}

async fn add(store: &Store, args: &AddArgs) -> Result<(), CliError> {
    let doc = ScheduleDoc {
        name: args.name.clone(),
        kind: args.kind.clone(),
        cron: args.cron.clone(),
        at: args.at.clone(),
        timezone: Some(args.timezone.clone()),
        audience: args.audience.clone(),
        business_days: args.business_days.clone(),
        on_day_off: args.on_day_off.clone(),
        holidays: args.holidays.clone(),
        grace: args.grace.clone(),
        starts: args.starts.clone(),
        ends: args.ends.clone(),
        template: args.template.clone(),
        follow_up: (args.nudge_after.is_some()
            || args.escalate_after.is_some()
            || args.escalate_hr_after.is_some())
        .then(|| FollowUpDoc {
            nudge_after: args.nudge_after.clone(),
            escalate_after: args.escalate_after.clone(),
            escalate_hr_after: args.escalate_hr_after.clone(),
        }),
        deadline_offsets: args.deadline_offsets.clone(),
    };
    let context = Context::read(store).await?;
    let change = context.change();
    let added = add_schedule(store, &doc, change).await?;
    match added.next_fire_at {
        Some(at) => println!(
            "Added `{}`; it next fires at {}.",
            added.name,
            at.to_rfc3339()
        ),
        None => println!(
            "Added `{}`; it will never fire (its dates are past).",
            added.name
        ),
    }
    Ok(())
}

fn recurrence_text(stored: &StoredSchedule) -> String {
    match &stored.schedule.recurrence {
        Recurrence::Cron(cron) => cron.to_string(),
        Recurrence::Once(at) => format!("once {}", at.format("%Y-%m-%dT%H:%M:%S")),
    }
}

/// A stored schedule as JSON: its document plus id, paused and next_fire_at.
fn schedule_json(stored: &StoredSchedule) -> serde_json::Value {
    let mut value = serde_json::to_value(stored.schedule.to_doc()).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        object.insert("id".into(), json!(stored.id.0));
        object.insert("paused".into(), json!(stored.paused));
        object.insert(
            "next_fire_at".into(),
            json!(
                stored
                    .next_fire_at
                    .filter(|_| !stored.paused)
                    .map(|at| at.to_rfc3339())
            ),
        );
    }
    value
}

async fn list(store: &Store, json: bool) -> Result<(), CliError> {
    let snapshot = store
        .schedule_snapshot()
        .await
        .context("reading schedules")?;
    if json {
        let all: Vec<serde_json::Value> = snapshot.schedules.iter().map(schedule_json).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&all).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    if snapshot.schedules.is_empty() {
        println!(
            "No schedules yet. Apply a policy: `rhythm schedule apply --file config/policy.example.toml --dry-run`."
        );
        return Ok(());
    }
    let mut table = super::plain_table([
        "ID",
        "NAME",
        "KIND",
        "WHEN",
        "TIMEZONE",
        "AUDIENCE",
        "NEXT (UTC)",
    ]);
    for stored in &snapshot.schedules {
        let next = match (stored.paused, stored.next_fire_at) {
            (true, _) => "paused".to_owned(),
            (false, Some(at)) => at.format("%Y-%m-%d %H:%M").to_string(),
            (false, None) => "never".to_owned(),
        };
        table.add_row([
            stored.id.0.to_string(),
            stored.schedule.name.to_string(),
            stored.schedule.kind.to_string(),
            recurrence_text(stored),
            stored.schedule.zone.to_string(),
            stored.schedule.audience.to_string(),
            next,
        ]);
    }
    println!("{table}");
    Ok(())
}

/// The schedule named (or numbered) `key`, or bad input listing the schedules there are.
fn find<'s>(snapshot: &'s ScheduleSnapshot, key: &str) -> Result<&'s StoredSchedule, CliError> {
    snapshot
        .find(key)
        .ok_or_else(|| CliError::BadInput(unknown(key, snapshot)))
}

async fn show(store: &Store, key: &str, json: bool) -> Result<(), CliError> {
    let snapshot = store
        .schedule_snapshot()
        .await
        .context("reading schedules")?;
    let stored = find(&snapshot, key)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&schedule_json(stored)).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    // Inside its array of tables, so that it pastes into a policy file as it is.
    let doc = toml::to_string(&json!({ "schedule": [stored.schedule.to_doc()] }))
        .map_err(anyhow::Error::from)?;
    println!(
        "# id {}{}",
        stored.id.0,
        if stored.paused { ", paused" } else { "" }
    );
    if let Recurrence::Cron(cron) = &stored.schedule.recurrence {
        println!("# {}", cron.describe());
    }
    if let (false, Some(at)) = (stored.paused, stored.next_fire_at) {
        println!("# next looked at {}", at.to_rfc3339());
    }
    print!("{doc}");
    Ok(())
}

async fn act(store: &Store, key: &str, action: Action) -> Result<(), CliError> {
    let context = Context::read(store).await?;
    let change = context.change();
    let (name, toggle) = act_on(store, key, action, change).await?;
    let message = match (action, toggle) {
        (Action::Pause, Toggle::Changed) => format!("Paused `{name}`."),
        (Action::Pause, Toggle::AlreadySo) => format!("`{name}` was already paused."),
        (Action::Resume, Toggle::Changed) => {
            format!("Resumed `{name}`; it fires again from now on.")
        }
        (Action::Resume, Toggle::AlreadySo) => format!("`{name}` was not paused."),
        (Action::Delete, _) => format!("Deleted `{name}`."),
    };
    println!("{message}");
    Ok(())
}

async fn preview(
    store: &Store,
    key: &str,
    from: Option<&str>,
    count: usize,
    json: bool,
) -> Result<(), CliError> {
    let from = match from {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|_| {
                CliError::BadInput(format!(
                    "--from `{text}` is not an RFC 3339 instant such as 2026-03-02T09:00:00Z"
                ))
            })?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let snapshot = store
        .schedule_snapshot()
        .await
        .context("reading schedules")?;
    let stored = find(&snapshot, key)?;
    let people = store
        .people(&PeopleFilter::default())
        .await
        .context("reading people")?;
    let entries = rhythm_scheduler::preview::preview(
        &stored.schedule,
        &people,
        &snapshot.calendars,
        from,
        count,
    );
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&entries).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    if stored.paused {
        println!(
            "`{}` is paused: nothing is sent until it is resumed. Were it running:",
            stored.schedule.name
        );
    }
    if entries.is_empty() {
        println!(
            "`{}` pings no one from {}: its audience ({}) has no active people, or its dates are past.",
            stored.schedule.name,
            from.to_rfc3339(),
            stored.schedule.audience
        );
        return Ok(());
    }
    let mut table = super::plain_table(["PERSON", "THEIR TIME", "UTC"]);
    for entry in &entries {
        table.add_row([
            entry.person.to_string(),
            entry.local.format("%a %Y-%m-%d %H:%M %:z").to_string(),
            entry.fire_at.format("%Y-%m-%d %H:%M").to_string(),
        ]);
    }
    println!("{table}");
    Ok(())
}
