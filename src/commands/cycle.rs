//! `rhythm cycle list|show|create|start|release|close|threshold|reopen`: HR's verbs on
//! review cycles, the same as `/rhythm cycle …` in chat ([`rhythm_domain::reviews::hr`]).
//! A refusal (an unknown cycle or person, a cycle in the wrong state) is bad input: its
//! sentence on stderr, exit code 2, nothing changed.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use rhythm_domain::command::active_by_email;
use rhythm_domain::people::{Email, Person};
use rhythm_domain::ports::{Commit, Cycle, Reviews as _, StoreError};
use rhythm_domain::reviews::cycle::CycleSpec;
use rhythm_domain::reviews::hr::{self, Progress};
use rhythm_domain::schedule::{Policy, parse_date};
use rhythm_scheduler::admin::{CycleOutcome, create_cycles};
use rhythm_store::Store;
use serde_json::json;

use super::people::ready_store;
use super::schedule::{cycle_counts, print_cycles};
use crate::cli::{CycleCommand, CycleCreateArgs};
use crate::config::Config;
use crate::error::CliError;

/// Runs one `cycle` subcommand.
pub(super) async fn execute(config: &Config, command: CycleCommand) -> Result<(), CliError> {
    let store = ready_store(config).await?;
    let actor = super::actor();
    let now = Utc::now();
    let result = match command {
        CycleCommand::List { json } => list(&store, json, now).await,
        CycleCommand::Show { name, json } => show(&store, &name, json, now).await,
        CycleCommand::Create(args) => create(&store, &args, &actor, now).await,
        CycleCommand::Start { name, hr } => start(&store, &name, hr.as_deref(), &actor, now).await,
        CycleCommand::Release { name } => release(&store, &name, &actor, now).await,
        CycleCommand::Close { name } => {
            async {
                let cycle = find(&store, &name).await?;
                said(hr::close(&store, &cycle, &actor, now).await)
            }
            .await
        }
        CycleCommand::Threshold { name, k } => {
            async {
                let cycle = find(&store, &name).await?;
                said(hr::threshold(&store, &cycle, k, &actor, now).await)
            }
            .await
        }
        CycleCommand::Reopen {
            name,
            subject,
            reviewer,
            reason,
        } => reopen(&store, &name, (&subject, &reviewer), &reason, &actor, now).await,
    };
    store.close().await;
    result
}

/// A storage failure, with what was being done.
fn failed(error: StoreError, doing: &'static str) -> CliError {
    CliError::Failure(anyhow::Error::from(error).context(doing))
}

/// Prints what an HR verb said, or refuses with its sentence.
fn said(outcome: Result<Result<String, String>, StoreError>) -> Result<(), CliError> {
    let sentence = outcome
        .map_err(|error| failed(error, "changing the review cycle"))?
        .map_err(CliError::BadInput)?;
    println!("{sentence}");
    Ok(())
}

/// The cycle named `name` (any case), or a refusal naming the cycles there are.
async fn find(store: &Store, name: &str) -> Result<Cycle, CliError> {
    hr::find(store, name)
        .await
        .map_err(|error| failed(error, "reading review cycles"))?
        .map_err(CliError::BadInput)
}

/// The active person with `email`, or a refusal; `what` names the flag.
async fn person(store: &Store, email: &str, what: &str) -> Result<Person, CliError> {
    let parsed = Email::parse(email)
        .map_err(|invalid| CliError::BadInput(format!("{what} `{email}`: {invalid}")))?;
    active_by_email(store, &parsed)
        .await
        .map_err(|error| failed(error, "reading people"))?
        .ok_or_else(|| {
            CliError::BadInput(format!(
                "{what}: no active person has the email {parsed}; nothing was changed."
            ))
        })
}

async fn progress(store: &Store, cycle: &Cycle, now: DateTime<Utc>) -> Result<Progress, CliError> {
    Progress::load(store, cycle, now)
        .await
        .map_err(|error| failed(error, "reading the cycle's progress"))?
        .ok_or_else(|| CliError::BadInput(format!("{} was deleted meanwhile.", cycle.spec.name)))
}

fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(anyhow::Error::from)?
    );
    Ok(())
}

async fn list(store: &Store, json: bool, now: DateTime<Utc>) -> Result<(), CliError> {
    let cycles = store
        .cycles()
        .await
        .map_err(|error| failed(error, "reading review cycles"))?;
    let mut all = Vec::with_capacity(cycles.len());
    for cycle in &cycles {
        all.push(progress(store, cycle, now).await?);
    }
    if json {
        return print_json(&all);
    }
    if all.is_empty() {
        println!(
            "No review cycles yet. Create one: rhythm cycle create --standard \"2026 H2\", or \
             --file with a [[review_cycle]] (see config/policy.example.toml)."
        );
        return Ok(());
    }
    let texts: Vec<String> = all.iter().map(Progress::text).collect();
    println!("{}", texts.join("\n\n"));
    Ok(())
}

async fn show(store: &Store, name: &str, json: bool, now: DateTime<Utc>) -> Result<(), CliError> {
    let cycle = find(store, name).await?;
    let progress = progress(store, &cycle, now).await?;
    if json {
        return print_json(&progress);
    }
    println!("{}", progress.text());
    Ok(())
}

async fn create(
    store: &Store,
    args: &CycleCreateArgs,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let commit = if args.dry_run {
        Commit::DryRun
    } else {
        Commit::Write
    };
    let specs = match (&args.file, &args.standard) {
        (Some(file), _) => from_file(file)?,
        (None, Some(name)) => vec![standard(name, args.from.as_deref(), now)?],
        (None, None) => {
            return Err(CliError::BadInput(
                "give --file FILE or --standard NAME".to_owned(),
            ));
        }
    };
    let outcomes = create_cycles(store, &specs, actor, now, commit)
        .await
        .map_err(|error| failed(error, "creating review cycles"))?;
    if args.standard.is_some()
        && let Some(taken) = outcomes.iter().find(|o| o.outcome == CycleOutcome::EXISTS)
    {
        return Err(CliError::BadInput(format!(
            "A review cycle named {} exists already; nothing was changed.",
            taken.name
        )));
    }
    if args.json {
        return print_json(&json!({ "dry_run": args.dry_run, "review_cycles": outcomes }));
    }
    print_cycles(&outcomes);
    if args.standard.is_some()
        && let Some(spec) = specs.first()
    {
        println!("{}", deadlines(spec));
        if args.dry_run {
            println!("Dry run: nothing was changed.");
        }
        return Ok(());
    }
    let counts = cycle_counts(&outcomes, args.dry_run);
    let counts = counts.trim_start_matches("; ");
    if args.dry_run {
        println!("Dry run: {counts}. Nothing was changed.");
    } else {
        println!("Done: {counts}.");
    }
    Ok(())
}

/// Every `[[review_cycle]]` of `file`, read like a policy file: every problem, or the
/// cycles.
fn from_file(file: &Path) -> Result<Vec<CycleSpec>, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| CliError::BadInput(format!("cannot read {}: {error}", file.display())))?;
    let policy = Policy::parse(&text).map_err(|problems| {
        CliError::BadInput(format!(
            "{}: {} problem(s); nothing was created:\n{}",
            file.display(),
            problems.len(),
            problems.join("\n")
        ))
    })?;
    if policy.review_cycles.is_empty() {
        return Err(CliError::BadInput(format!(
            "{} has no [[review_cycle]] table; nothing was created (config/policy.example.toml \
             shows one).",
            file.display()
        )));
    }
    Ok(policy.review_cycles)
}

/// The standard cycle named `name`, its nominations ending a week after `from` (default:
/// today, UTC).
fn standard(name: &str, from: Option<&str>, now: DateTime<Utc>) -> Result<CycleSpec, CliError> {
    let from = match from {
        Some(text) => parse_date(text, "--from")
            .map_err(|invalid| CliError::BadInput(format!("{invalid}; nothing was created.")))?,
        None => now.date_naive(),
    };
    hr::standard(name, from)
        .map_err(|problem| CliError::BadInput(format!("review cycle `{}`: {problem}", name.trim())))
}

/// A cycle's deadlines, a line each.
fn deadlines(spec: &CycleSpec) -> String {
    let mut text = format!(
        "{}: everyone, the standard form, peers anonymous (shown once {} have answered). Its \
         deadlines:",
        spec.name, spec.min_responses
    );
    for (phase, date) in spec.deadlines.iter() {
        let _ = write!(
            text,
            "\n  {:<16} {}",
            phase.label(),
            date.format("%a %-d %b %Y")
        );
    }
    text
}

async fn start(
    store: &Store,
    name: &str,
    hr: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let cycle = find(store, name).await?;
    let hr = match hr {
        Some(email) => Some(person(store, email, "--hr").await?.id),
        None => None,
    };
    let started = hr::start(store, &cycle, hr, actor, now)
        .await
        .map_err(|error| failed(error, "starting the review cycle"))?
        .map_err(CliError::BadInput)?;
    println!("{}", hr::started_text(&cycle, &started));
    Ok(())
}

async fn release(
    store: &Store,
    name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let cycle = find(store, name).await?;
    let sent = hr::release(store, &cycle, actor, now)
        .await
        .map_err(|error| failed(error, "releasing the review cycle"))?
        .map_err(CliError::BadInput)?;
    println!(
        "{} is released: {sent} people and their managers get their results now.",
        cycle.spec.name
    );
    Ok(())
}

async fn reopen(
    store: &Store,
    name: &str,
    (subject, reviewer): (&str, &str),
    reason: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CliError::BadInput(
            "--reason: say why the review is reopened, for the audit log; nothing was changed."
                .to_owned(),
        ));
    }
    let cycle = find(store, name).await?;
    let subject = person(store, subject, "--subject").await?;
    let reviewer = person(store, reviewer, "--reviewer").await?;
    said(hr::reopen(store, &cycle, (&subject, &reviewer), reason, actor, now).await)
}
