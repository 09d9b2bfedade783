//! `rhythm people import`, `rhythm people list` and `rhythm people link`.

use std::io::IsTerminal as _;

use anyhow::Context as _;
use comfy_table::Table;
use indicatif::{ProgressBar, ProgressStyle};
use rhythm_domain::import::{ImportError, ImportOptions, ImportReport, import_people};
use rhythm_domain::people::{ChatUserId, Email, Person, Platform, TeamName};
use rhythm_domain::ports::{Account, Commit, Directory as _, Linked, Links as _, PeopleFilter};
use rhythm_store::Store;

use crate::app::open_store;
use crate::cli::{ImportArgs, LinkArgs, ListArgs};
use crate::config::Config;
use crate::error::CliError;

/// Opens and migrates the database for a command that reads or writes it.
pub(super) async fn ready_store(config: &Config) -> Result<Store, CliError> {
    let store = open_store(&config.settings, true).await?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// Imports the file, printing every problem or the summary.
pub(super) async fn import(config: &Config, args: &ImportArgs) -> Result<(), CliError> {
    let file = std::fs::File::open(&args.csv).map_err(|error| {
        CliError::BadInput(format!("cannot open {}: {error}", args.csv.display()))
    })?;
    let store = ready_store(config).await?;
    let options = ImportOptions {
        default_timezone: config.settings.people.default_timezone,
        deactivate_missing: args.deactivate_missing,
    };
    let commit = if args.dry_run {
        Commit::DryRun
    } else {
        Commit::Write
    };
    let bar = progress_bar();
    let progress = |done: u64, total: u64| show_progress(&bar, done, total);
    let actor = super::actor();
    let outcome = import_people(&store, file, &options, commit, &actor, &progress).await;
    bar.finish_and_clear();
    store.close().await;
    match outcome {
        Ok(report) => {
            print_report(&report, args)?;
            Ok(())
        }
        Err(ImportError::Invalid(problems)) => {
            if args.json {
                let text =
                    serde_json::to_string_pretty(&serde_json::json!({ "problems": problems }))
                        .map_err(anyhow::Error::from)?;
                println!("{text}");
            } else {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                eprintln!(
                    "\n{}: {} problem(s); nothing was changed. Fix them and import again.",
                    args.csv.display(),
                    problems.len()
                );
            }
            Err(CliError::Reported { bad_input: true })
        }
        Err(ImportError::Store(error)) => Err(anyhow::Error::from(error)
            .context("importing people")
            .into()),
    }
}

/// On a terminal, a spinner while the file is read and checked, then a bar while rows are
/// written; nothing otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message("reading and checking the file");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Switches the spinner to a bar on the first write.
fn show_progress(bar: &ProgressBar, done: u64, total: u64) {
    if bar.length() != Some(total) {
        bar.disable_steady_tick();
        bar.set_style(
            ProgressStyle::with_template(
                "writing people {bar:40.cyan/blue} {human_pos}/{human_len} ({eta})",
            )
            .expect("a valid progress template"),
        );
        bar.set_length(total);
    }
    bar.set_position(done);
}

fn print_report(report: &ImportReport, args: &ImportArgs) -> Result<(), CliError> {
    if args.json {
        let text = serde_json::to_string_pretty(report).map_err(anyhow::Error::from)?;
        println!("{text}");
        return Ok(());
    }
    let (created, updated, deactivated) = (
        report.created.len(),
        report.updated.len(),
        report.deactivated.len(),
    );
    if report.dry_run {
        for person in &report.created {
            println!("would create      {}  {}", person.email, person.name);
        }
        for person in &report.updated {
            println!(
                "would update      {}  {} ({})",
                person.email,
                person.name,
                person.fields.join(", ")
            );
        }
        for person in &report.deactivated {
            println!("would deactivate  {}  {}", person.email, person.name);
        }
        println!(
            "Dry run of {}: would create {created}, update {updated}, deactivate {deactivated}; \
             {} unchanged. Nothing was changed.",
            args.csv.display(),
            report.unchanged
        );
    } else {
        println!(
            "Imported {}: {created} created, {updated} updated, {deactivated} deactivated, {} unchanged.",
            args.csv.display(),
            report.unchanged
        );
    }
    Ok(())
}

/// Lists people as a table or as JSON.
pub(super) async fn list(config: &Config, args: &ListArgs) -> Result<(), CliError> {
    let store = ready_store(config).await?;
    if let Some(team) = &args.team {
        let name = TeamName::parse(team).map_err(|invalid| CliError::BadInput(invalid.0))?;
        if !store
            .team_exists(&name)
            .await
            .context("looking up the team")?
        {
            let teams = store.teams().await.context("listing teams")?;
            let names: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
            store.close().await;
            return Err(CliError::BadInput(match names.as_slice() {
                [] => format!("no team named `{team}`: there are no teams yet"),
                names => format!(
                    "no team named `{team}`; the teams are: {}",
                    names.join(", ")
                ),
            }));
        }
    }
    let filter = PeopleFilter {
        team: args.team.clone(),
        active_only: args.active,
        ..PeopleFilter::default()
    };
    let people = store.people(&filter).await.context("listing people")?;
    store.close().await;
    if args.json {
        let text = serde_json::to_string_pretty(&people).map_err(anyhow::Error::from)?;
        println!("{text}");
    } else if people.is_empty() {
        println!("No people yet. Import them with `rhythm people import --csv people.csv`.");
    } else {
        println!("{}", table(&people));
        let active = people.iter().filter(|p| p.active).count();
        println!("{} people ({active} active).", people.len());
    }
    Ok(())
}

/// Links a chat account to a person, on HR's word.
pub(super) async fn link(config: &Config, args: &LinkArgs) -> Result<(), CliError> {
    let email = Email::parse(&args.email).map_err(|invalid| CliError::BadInput(invalid.0))?;
    let (platform, user) = match (&args.slack, &args.discord) {
        (Some(user), None) => (Platform::Slack, user),
        (None, Some(user)) => (Platform::Discord, user),
        _ => {
            return Err(CliError::BadInput(
                "give one account: --slack ID or --discord ID".to_owned(),
            ));
        }
    };
    let user =
        ChatUserId::parse(platform, user).map_err(|invalid| CliError::BadInput(invalid.0))?;
    let account = Account { platform, user };
    let store = ready_store(config).await?;
    let filter = PeopleFilter {
        email: Some(email.clone()),
        ..PeopleFilter::default()
    };
    let Some(person) = store
        .people(&filter)
        .await
        .context("looking up the person")?
        .into_iter()
        .next()
    else {
        store.close().await;
        return Err(CliError::BadInput(format!(
            "nobody with the email {email}: see `rhythm people list`"
        )));
    };
    let linked = store
        .link_account(person.id, &account, &super::actor())
        .await;
    let owner = match &linked {
        Ok(Linked::Taken(owner)) => {
            let filter = PeopleFilter {
                id: Some(*owner),
                ..PeopleFilter::default()
            };
            let found = store
                .people(&filter)
                .await
                .context("looking up the account's owner")?;
            found.into_iter().next().map(|p| p.email.to_string())
        }
        _ => None,
    };
    store.close().await;
    let (status, text) = match linked.context("linking the account")? {
        Linked::Now { replaced: None, .. } => ("linked", format!("Linked {account} to {email}.")),
        Linked::Now {
            replaced: Some(old),
            ..
        } => (
            "linked",
            format!("Linked {account} to {email}, in place of {platform}:{old}."),
        ),
        Linked::Already(_) => ("already", format!("{account} is {email}'s already.")),
        Linked::Taken(_) => {
            let owner = owner.unwrap_or_else(|| "someone else".to_owned());
            return Err(CliError::BadInput(format!(
                "{account} is linked to {owner} already; nothing changed."
            )));
        }
    };
    if args.json {
        let json = serde_json::json!({
            "status": status,
            "email": email.as_str(),
            "platform": platform.as_str(),
            "user_id": account.user.as_str(),
        });
        println!("{json}");
    } else {
        println!("{text}");
    }
    Ok(())
}

fn table(people: &[Person]) -> Table {
    let mut table = super::plain_table([
        "EMAIL", "NAME", "TIMEZONE", "ROLE", "MANAGER", "TEAMS", "ACTIVE",
    ]);
    for person in people {
        let teams: Vec<&str> = person.teams.iter().map(TeamName::as_str).collect();
        table.add_row([
            person.email.to_string(),
            person.name.to_string(),
            person.timezone.to_string(),
            person.role.to_string(),
            person
                .manager
                .as_ref()
                .map_or_else(String::new, Email::to_string),
            teams.join("; "),
            if person.active { "yes" } else { "no" }.to_owned(),
        ]);
    }
    table
}
