//! One module per subcommand; [`execute`] loads the configuration and dispatches.

mod cycle;
mod doctor;
mod goals;
mod kudos;
mod oneonone;
mod people;
mod run;
mod schedule;
mod slack;
mod team;

use anyhow::Context as _;

use crate::app::open_store;
use crate::cli::{Cli, Command, PeopleCommand};
use crate::config::Config;
use crate::error::CliError;
use crate::telemetry;

/// Runs the command `cli` names.
pub async fn execute(cli: Cli) -> Result<(), CliError> {
    let config = Config::load(cli.config.as_deref())?;
    telemetry::init_logging(&config.settings.log);
    match cli.command {
        Command::Run => run::run(&config).await,
        Command::Migrate => migrate(&config).await,
        Command::Doctor { json, offline } => doctor::doctor(&config, json, offline).await,
        Command::People(PeopleCommand::Import(args)) => people::import(&config, &args).await,
        Command::People(PeopleCommand::List(args)) => people::list(&config, &args).await,
        Command::People(PeopleCommand::Link(args)) => people::link(&config, &args).await,
        Command::Slack(command) => slack::execute(&config, command).await,
        Command::Schedule(command) => schedule::execute(&config, command).await,
        Command::Team(command) => team::execute(&config, command).await,
        Command::Kudos(command) => kudos::execute(&config, command).await,
        Command::Goals(command) => goals::execute(&config, command).await,
        Command::Oneonone(command) => oneonone::execute(&config, command).await,
        Command::Cycle(command) => cycle::execute(&config, command).await,
    }
}

async fn migrate(config: &Config) -> Result<(), CliError> {
    let store = open_store(&config.settings, true).await?;
    let before = store
        .migration_status()
        .await
        .context("reading migration status")?;
    store.migrate().await.context("applying migrations")?;
    store.close().await;
    match before.pending.len() {
        0 => println!("The database is up to date ({} migrations).", before.known),
        n => println!("Applied {n} migration(s): {}.", before.pending.join(", ")),
    }
    Ok(())
}

/// Who is acting from this terminal, for the audit log: `cli:USER`.
fn actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
    )
}

/// A borderless table with `header`, for terminal output.
fn plain_table<const N: usize>(header: [&str; N]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .set_header(header);
    table
}
