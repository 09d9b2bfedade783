//! The command line, as clap reads it. Every command and flag carries the help a newcomer
//! needs; `rhythm help COMMAND` shows it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Rhythm: a self-hosted performance-management bot and workflow scheduler for Slack and
/// Discord.
#[derive(Debug, Parser)]
#[command(
    name = "rhythm",
    version,
    about,
    long_about = "Rhythm: a self-hosted performance-management bot and workflow scheduler for \
                  Slack and Discord.\n\n\
                  HR sets the cadence (check-ins, goal reviews, 1:1s, review cycles); Rhythm \
                  reminds each person at their local time and stores every answer in your own \
                  SQLite or Postgres database.",
    after_help = "Getting started:\n  \
                  rhythm people import --csv people.csv --dry-run   see what an import would do\n  \
                  rhythm people import --csv people.csv             load the organisation\n  \
                  rhythm doctor                                      check the set-up\n  \
                  rhythm run                                         start Rhythm\n\n\
                  Configuration: --config FILE (default config/rhythm.toml if present), then \
                  RHYTHM__SECTION__KEY environment variables. Secrets (SLACK_BOT_TOKEN, \
                  DISCORD_TOKEN, DATABASE_URL, ...) come only from the environment.\n\
                  Exit codes: 0 success, 2 bad input (nothing was changed), 1 failure."
)]
pub struct Cli {
    /// Read settings from FILE [default: config/rhythm.toml if it exists].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Rhythm: apply pending migrations, then serve HTTP (/healthz, /readyz, /metrics)
    /// until SIGINT or SIGTERM.
    Run,
    /// Apply the database migrations this version carries, then exit. Safe to run twice and
    /// from several machines at once.
    Migrate,
    /// Check the set-up: configuration, database, migrations, and which chat platforms are
    /// configured and which secrets they lack. One line per check; exit 1 if any fails.
    Doctor {
        /// Print the checks as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The directory of people: import it from your HR system, list it.
    #[command(subcommand)]
    People(PeopleCommand),
}

/// `rhythm people …`
#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Import people from a CSV file: all rows or none, re-importing is safe.
    #[command(long_about = IMPORT_HELP)]
    Import(ImportArgs),
    /// List people, with their zone, role, manager and teams.
    List(ListArgs),
}

const IMPORT_HELP: &str = "Import people from a CSV file, all or nothing.\n\n\
The first line names the columns, in any order (email and name are required):\n  \
email            the key that matches people across imports\n  \
name             display name; accents, CJK and emoji are kept exactly\n  \
timezone         IANA zone such as Europe/Berlin (empty: keep theirs, or the default)\n  \
role             employee, manager or hr_admin (empty: keep theirs, or employee)\n  \
manager_email    in the file or already imported (empty: no manager)\n  \
team             one team, or several separated by ; (empty: in no team)\n  \
region           picks a holiday calendar, such as de or us-ca (empty: none)\n  \
slack_user_id    Slack member id such as U024BE7LH (empty: keep theirs)\n  \
discord_user_id  Discord user id (empty: keep theirs)\n\n\
If any row has a problem, every problem is printed as `line N: column: reason`, the command \
exits with code 2, and nothing is changed. People are matched by email: re-importing updates \
what changed and leaves the rest. People missing from the file are left alone unless \
--deactivate-missing is given; nobody is ever deleted. New people without a timezone get \
[people] default_timezone.";

/// `rhythm people import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file to import (UTF-8; a spreadsheet's "CSV UTF-8" export works).
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Show what would be created, updated and deactivated, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Deactivate active people who are not in the file (they are kept, never deleted).
    #[arg(long)]
    pub deactivate_missing: bool,
    /// Print the result (or the problems) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `rhythm people list`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only members of this team (any case).
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// Only active people.
    #[arg(long)]
    pub active: bool,
    /// Print a JSON array (email, name, timezone, role, manager_email, teams, region,
    /// active, identities, created_at, updated_at).
    #[arg(long)]
    pub json: bool,
}
