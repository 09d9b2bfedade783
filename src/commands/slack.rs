//! `rhythm slack sync`: link people to their Slack accounts by email and take the time zones
//! nobody chose from their Slack profiles.

use anyhow::Context as _;
use rhythm_bot::slack::client::{ApiError, SlackApi};
use rhythm_domain::ports::Commit;
use rhythm_domain::sync::{SyncReport, sync_slack};
use secrecy::ExposeSecret as _;

use super::people::ready_store;
use crate::cli::{SlackCommand, SyncArgs};
use crate::config::Config;
use crate::error::CliError;

/// How many entries of each list the summary shows; `--json` has them all.
const SHOWN: usize = 20;

/// Runs `rhythm slack …`.
pub(super) async fn execute(config: &Config, command: SlackCommand) -> Result<(), CliError> {
    match command {
        SlackCommand::Sync(args) => sync(config, &args).await,
    }
}

async fn sync(config: &Config, args: &SyncArgs) -> Result<(), CliError> {
    let Some(token) = &config.secrets.slack_bot_token else {
        return Err(CliError::BadInput(
            "SLACK_BOT_TOKEN is not set: set it to the Slack app's Bot User OAuth Token \
             (xoxb-…, under \"OAuth & Permissions\" in the app's settings) and run this again"
                .to_owned(),
        ));
    };
    let api = SlackApi::new(
        config.settings.slack.api_url.as_str(),
        token.expose_secret(),
    );
    let members = api.members().await.map_err(slack_error)?;
    let store = ready_store(config).await?;
    let commit = if args.dry_run {
        Commit::DryRun
    } else {
        Commit::Write
    };
    let synced = sync_slack(&store, &members, commit, &super::actor()).await;
    store.close().await;
    let report = synced.context("syncing the directory with Slack")?;
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?;
        println!("{text}");
    } else {
        print_report(&report);
    }
    Ok(())
}

/// What to do about a failed `users.list`.
fn slack_error(error: ApiError) -> CliError {
    match error {
        ApiError::Unauthorized { reason } => CliError::BadInput(format!(
            "Slack refused SLACK_BOT_TOKEN ({reason}): check that it is the bot token of an \
             app installed in your workspace"
        )),
        ApiError::Fatal { reason } if reason == "missing_scope" => CliError::BadInput(
            "the Slack app lacks the users:read scope: add users:read and users:read.email \
             (config/slack-app-manifest.yml has both), reinstall the app, and run this again"
                .to_owned(),
        ),
        ApiError::Fatal { reason } => {
            anyhow::anyhow!("Slack refused to list the workspace's members: {reason}").into()
        }
        ApiError::Retryable { reason, .. } => anyhow::anyhow!(
            "Slack did not list the workspace's members ({reason}); try again in a minute"
        )
        .into(),
    }
}

fn print_report(report: &SyncReport) {
    let plan = &report.plan;
    let (link, take) = if report.dry_run {
        ("Would link", "Would take")
    } else {
        ("Linked", "Took")
    };
    section(
        &format!(
            "{link} {} to their Slack account:",
            people(plan.linked.len())
        ),
        plan.linked
            .iter()
            .map(|l| format!("{}  {}  {}", l.email, l.slack_user_id, l.name)),
    );
    section(
        &format!("{take} {} from Slack:", zones(plan.timezones.len())),
        plan.timezones
            .iter()
            .map(|z| format!("{}  {} ({}) → {}", z.email, z.from, z.from_source, z.to)),
    );
    section(
        &format!(
            "Not linked ({}):",
            plural(plan.conflicts.len(), "conflict", "conflicts")
        ),
        plan.conflicts
            .iter()
            .map(|c| format!("{}  {}: {}", c.email, c.slack_user_id, c.reason)),
    );
    section(
        &format!(
            "Slack users without a person in the directory ({}):",
            plan.slack_users_without_person.len()
        ),
        plan.slack_users_without_person.iter().map(|m| {
            let email = m.email.as_ref().map_or("(no email)", |e| e.as_str());
            format!(
                "{}  {email}  {}",
                m.slack_user_id,
                m.name.as_deref().unwrap_or("")
            )
        }),
    );
    section(
        &format!(
            "Active people without a Slack account ({}):",
            plan.people_without_slack.len()
        ),
        plan.people_without_slack
            .iter()
            .map(|p| format!("{}  {}", p.email, p.name)),
    );
    section(
        &format!(
            "Slack time zones that are not IANA zones, left alone ({}):",
            plan.unknown_zones.len()
        ),
        plan.unknown_zones
            .iter()
            .map(|z| format!("{}  {}", z.email, z.timezone)),
    );
    if plan.members > 0 && plan.members_without_email == plan.members {
        eprintln!(
            "warning: Slack gave no email addresses, so nobody could be linked: the Slack app \
             needs the users:read.email scope (config/slack-app-manifest.yml has it); add it and \
             reinstall the app"
        );
    }
    let (linked, took) = if report.dry_run {
        ("would link", "would take")
    } else {
        ("linked", "took")
    };
    let summary = format!(
        "{}: read {}; {linked} {}, {took} {}; {}, {} without a person, {} without Slack.",
        if report.dry_run {
            "Dry run"
        } else {
            "Slack sync"
        },
        plural(plan.members, "member", "members"),
        plan.linked.len(),
        zones(plan.timezones.len()),
        plural(plan.conflicts.len(), "conflict", "conflicts"),
        plural(
            plan.slack_users_without_person.len(),
            "Slack user",
            "Slack users"
        ),
        plural(
            plan.people_without_slack.len(),
            "active person",
            "active people"
        ),
    );
    if report.dry_run {
        println!("{summary} Nothing was changed.");
    } else {
        println!("{summary}");
    }
}

/// Prints `title` and the first [`SHOWN`] lines, if there are any.
fn section(title: &str, lines: impl ExactSizeIterator<Item = String>) {
    let total = lines.len();
    if total == 0 {
        return;
    }
    println!("{title}");
    for line in lines.take(SHOWN) {
        println!("  {line}");
    }
    if total > SHOWN {
        println!("  … and {} more (--json lists them all)", total - SHOWN);
    }
    println!();
}

/// `1 person`, `2 people`.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn people(n: usize) -> String {
    plural(n, "person", "people")
}

fn zones(n: usize) -> String {
    plural(n, "time zone", "time zones")
}
