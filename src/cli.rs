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
    /// Check the set-up: configuration, database, migrations, which chat platforms are
    /// configured, which secrets they lack, and whether each platform accepts its token (it
    /// asks Slack's auth.test and Discord's users/@me). One line per check; exit 1 if any
    /// fails.
    Doctor {
        /// Print the checks as JSON.
        #[arg(long)]
        json: bool,
        /// Check only what this machine can: do not ask Slack and Discord whether they
        /// accept the tokens.
        #[arg(long)]
        offline: bool,
    },
    /// The directory of people: import it from your HR system, list it.
    #[command(subcommand)]
    People(PeopleCommand),
    /// Slack: link people to their Slack accounts and take their time zones from Slack.
    #[command(subcommand)]
    Slack(SlackCommand),
    /// The cadence: schedules as code (apply a policy file), or one by one.
    #[command(subcommand)]
    Schedule(ScheduleCommand),
    /// Teams: their members, and the channels their check-in digests go to.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Kudos: the record (list), leaderboards, the company values, and HR's removal.
    #[command(subcommand)]
    Kudos(KudosCommand),
    /// Goals: set them (one at a time or from a CSV file), list them, and how each person or
    /// team achieved theirs.
    #[command(subcommand)]
    Goals(GoalsCommand),
    /// 1:1s: every pair's cadence, and the managers overdue for one with a report (HR's
    /// report). Managers set 1:1s up in chat: /oneonone schedule @ben every 2 weeks
    /// Thursday 15:00.
    #[command(subcommand)]
    Oneonone(OneOnOneCommand),
    /// Review cycles, for HR: create them (from a policy file's [[review_cycle]] or the
    /// standard form), start them, follow their progress, set the anonymity threshold,
    /// reopen a review, release the results and close them.
    #[command(subcommand, after_help = CYCLE_EXAMPLES)]
    Cycle(CycleCommand),
}

const CYCLE_EXAMPLES: &str = "A cycle's life:\n  \
rhythm cycle create --file cycles.toml   a draft per [[review_cycle]] in the file\n  \
rhythm cycle start \"2026 H2\"             reviews are written, packets sent\n  \
rhythm cycle show \"2026 H2\"              what is done, per phase, and what is late\n  \
rhythm cycle release \"2026 H2\"           each person and their manager get the results\n  \
rhythm cycle close \"2026 H2\"             no more reviews\n\n\
A name with a space is quoted; case does not matter. A refusal says why on stderr, exits \
with code 2 and changes nothing. Every change is written to the audit log as cli:$USER.";

/// `rhythm cycle …`
#[derive(Debug, Subcommand)]
pub enum CycleCommand {
    /// Every review cycle, newest first: its state, people, and each phase's deadline, work
    /// done and late.
    #[command(after_help = "Examples:\n  \
                      rhythm cycle list\n  \
                      rhythm cycle list --json | jq '.[] | select(.state == \"active\")'")]
    List {
        /// Print a JSON array of {"name", "state" (draft, active, closed), "released_at",
        /// "participants", "phases": [{"phase", "deadline", "done", "total", "late"}],
        /// "acknowledged"}.
        #[arg(long)]
        json: bool,
    },
    /// One cycle's progress: per phase, how much of the work is done and how much is late;
    /// once released, how many people acknowledged their results.
    #[command(after_help = "Examples:\n  \
                      rhythm cycle show \"2026 H2\"\n  \
                      rhythm cycle show \"2026 H2\" --json | jq '.phases[] | select(.late > 0)'")]
    Show {
        /// The cycle's name (`rhythm cycle list` shows them).
        name: String,
        /// Print it as JSON, the shape of one `cycle list --json` entry.
        #[arg(long)]
        json: bool,
    },
    /// Create draft cycles: every [[review_cycle]] of a file, or one for everyone with the
    /// standard form.
    #[command(long_about = CYCLE_CREATE_HELP, after_help = CYCLE_CREATE_EXAMPLES)]
    Create(CycleCreateArgs),
    /// Start a draft cycle: its participants are read from the directory now, each gets a
    /// self-review and a manager review by their manager, and their packets and reviewers'
    /// lists are sent.
    #[command(after_help = "Examples:\n  \
                      rhythm cycle start \"2026 H2\"\n  \
                      rhythm cycle start \"2026 H2\" --hr hana@example.com")]
    Start {
        /// The draft cycle's name.
        name: String,
        /// Who writes the manager review of people without a manager (active, by email)
        /// [default: the first HR admin by email].
        #[arg(long, value_name = "EMAIL")]
        hr: Option<String>,
    },
    /// Release a running cycle's results: each participant and whoever wrote their manager
    /// review get them. Once released, the threshold no longer changes.
    #[command(after_help = "Example:\n  rhythm cycle release \"2026 H2\"")]
    Release {
        /// The cycle's name.
        name: String,
    },
    /// Close a running cycle: it takes no more reviews (and, if its results are not out, they
    /// can no longer be released).
    #[command(after_help = "Example:\n  rhythm cycle close \"2026 H2\"")]
    Close {
        /// The cycle's name.
        name: String,
    },
    /// Set how many peers must answer before their answers show (at least 3; only before
    /// release). The old and new values are written to the audit log.
    #[command(after_help = "Example:\n  rhythm cycle threshold \"2026 H2\" 4")]
    Threshold {
        /// The cycle's name.
        name: String,
        /// Peers needed: 3 or more.
        #[arg(value_name = "K")]
        k: usize,
    },
    /// Reopen a submitted review of a running cycle, so its reviewer can change it and submit
    /// it again. The reason is written to the audit log.
    #[command(after_help = "Example:\n  \
                      rhythm cycle reopen \"2026 H2\" --subject ana@example.com \\\n      \
                      --reviewer ben@example.com --reason \"the ratings were swapped\"")]
    Reopen {
        /// The cycle's name.
        name: String,
        /// Whom the review is about (their email).
        #[arg(long, value_name = "EMAIL")]
        subject: String,
        /// Who wrote it (their email).
        #[arg(long, value_name = "EMAIL")]
        reviewer: String,
        /// Why, for the audit log.
        #[arg(long)]
        reason: String,
    },
}

const CYCLE_CREATE_HELP: &str = "Create draft review cycles.\n\n\
--file reads every [[review_cycle]] table of a TOML file, the way `rhythm schedule apply` \
reads a policy file (config/policy.example.toml documents every key; the file may be the \
policy file itself: its other tables are checked, not applied). Every problem is printed as \
`review_cycle `NAME`: key: reason`, the command exits with code 2, and nothing is created. A \
cycle whose name is taken is left as it is and reported as existing, so creating from the \
same file again changes nothing.\n\n\
--standard NAME makes one cycle for everyone with the standard form (craft and collaboration \
rated 1 to 5 with described levels, strengths and growth in words), peers anonymous once 5 \
have answered, and a week per phase from --from (default: today, UTC): nominations end a \
week after it, then self-reviews, peer reviews, manager reviews and release a week apart. A \
name that is taken is refused.\n\n\
A draft changes nothing for anyone until `rhythm cycle start NAME`. Each creation is \
written to the audit log.";

const CYCLE_CREATE_EXAMPLES: &str = "Examples:\n  \
rhythm cycle create --file cycles.toml --dry-run   check the file, show what would be created\n  \
rhythm cycle create --file cycles.toml             create its cycles as drafts\n  \
rhythm cycle create --standard \"2027 H1\" --from 2027-01-04";

/// `rhythm cycle create`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["file", "standard"])))]
pub struct CycleCreateArgs {
    /// A TOML file of [[review_cycle]] tables (a policy file will do).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// One cycle named NAME for everyone, with the standard form and a week per phase.
    #[arg(long, value_name = "NAME")]
    pub standard: Option<String>,
    /// With --standard: the week of nominations starts this day, YYYY-MM-DD [default: today,
    /// UTC].
    #[arg(long, value_name = "DATE", requires = "standard")]
    pub from: Option<String>,
    /// Check and show what would be created; create nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print {"dry_run", "review_cycles": [{"name", "outcome" (created, would create,
    /// exists)}]}.
    #[arg(long)]
    pub json: bool,
}

/// `rhythm oneonone …`
#[derive(Debug, Subcommand)]
pub enum OneOnOneCommand {
    /// Every active 1:1 series: manager, report, cadence and the next session (UTC).
    List {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Managers with no 1:1 held with a report for longer than the coaching policy allows
    /// (`[coaching] oneonone_overdue_after`, default 30 days), the longest first.
    Overdue {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}

/// `rhythm goals …`
#[derive(Debug, Subcommand)]
pub enum GoalsCommand {
    /// Set one goal: a person's, a team's or the company's. Prints its id.
    #[command(long_about = GOALS_ADD_HELP, after_help = GOALS_ADD_EXAMPLES)]
    Add(GoalsAddArgs),
    /// List goals by quarter, then owner (company, teams, people): status, progress, weight
    /// and the goal each contributes to.
    #[command(after_help = "Examples:\n  \
                      rhythm goals list --period 2026-Q4\n  \
                      rhythm goals list --owner team:Platform\n  \
                      rhythm goals list --json | jq '.[] | select(.status == \"at_risk\")'")]
    List(GoalsListArgs),
    /// Import goals from a CSV file, all or nothing.
    #[command(long_about = GOALS_IMPORT_HELP, after_help = GOALS_IMPORT_EXAMPLES)]
    Import(GoalsImportArgs),
    /// Achievement for a quarter, per person or per team: the share of goals achieved and
    /// the progress score weighted by each goal's weight.
    #[command(long_about = GOALS_ACHIEVEMENT_HELP, after_help = "Examples:\n  \
                      rhythm goals achievement\n  \
                      rhythm goals achievement --period 2026-Q3 --by team\n  \
                      rhythm goals achievement --json | jq '.[] | select(.rate < 0.5)'")]
    Achievement(GoalsAchievementArgs),
}

const GOALS_ADD_HELP: &str = "Set one goal: a person's, a team's or the company's.\n\n\
A goal belongs to a quarter (default: the current one, in the owner's time zone for a person, \
in UTC otherwise; a quarter that has ended is refused). It is measured by key results, each a \
number moving from a start to a target (--key-result, repeated, up to 10), or, with none, it \
is simply done or not done. Its weight says how much it counts beside its owner's other goals \
of the quarter. --parent ties it to the goal it contributes to: a team's goal to a company \
goal, a person's to their team's, so the cascade reads company → team → person.\n\n\
A key result is written `name: start -> target unit`; `name: start down to target unit` for \
a number that should fall; `name: target unit` to start from 0.\n\n\
The goal starts on track; its owner records progress in chat (/goals) and at goal reviews. \
Anything wrong is refused with the reason (exit code 2) and nothing is saved. The addition \
is written to the audit log.";

const GOALS_ADD_EXAMPLES: &str = "Examples:\n  \
rhythm goals add --owner company --title \"Grow the customer base\" \\\n      \
--key-result \"Paying customers: 120 -> 150 customers\"\n  \
rhythm goals add --owner team:Platform --title \"Faster onboarding\" \\\n      \
--parent 1 --weight 3 --key-result \"Teams onboarded: 0 -> 20 teams\" \\\n      \
--key-result \"p99 latency: 300 down to 150 ms\"\n  \
rhythm goals add --owner ana@example.com --title \"Write the migration guide\" --parent 2";

/// `rhythm goals add`
#[derive(Debug, Args)]
pub struct GoalsAddArgs {
    /// Whose goal: a person's email, team:NAME or company.
    #[arg(long, value_name = "EMAIL|team:NAME|company")]
    pub owner: String,
    /// What it sets out to do (3 to 200 characters).
    #[arg(long)]
    pub title: String,
    /// Its quarter, such as 2026-Q4 [default: the current one].
    #[arg(long, value_name = "QUARTER")]
    pub period: Option<String>,
    /// Why it matters (up to 2,000 characters).
    #[arg(long)]
    pub description: Option<String>,
    /// How much it counts beside its owner's other goals of the quarter: 1 to 100.
    #[arg(long, default_value = "1", value_name = "1..100")]
    pub weight: String,
    /// The id of the goal it contributes to (`rhythm goals list` shows ids).
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// A key result, such as "Teams onboarded: 0 -> 20 teams"; repeat for more. None: a
    /// done/not-done goal.
    #[arg(long = "key-result", value_name = "KEY_RESULT")]
    pub key_results: Vec<String>,
    /// Print the goal as JSON (the shape of one `goals list --json` entry).
    #[arg(long)]
    pub json: bool,
}

/// `rhythm goals list`
#[derive(Debug, Args)]
pub struct GoalsListArgs {
    /// Only this quarter, such as 2026-Q4 [default: every quarter].
    #[arg(long, value_name = "QUARTER")]
    pub period: Option<String>,
    /// Only this owner's goals: a person's email, team:NAME or company.
    #[arg(long, value_name = "EMAIL|team:NAME|company")]
    pub owner: Option<String>,
    /// Print a JSON array of {"id", "owner", "owner_kind", "period", "title", "description",
    /// "weight", "parent", "status", "progress" (0 to 1), "measure", "created_at",
    /// "updated_at"}.
    #[arg(long)]
    pub json: bool,
}

const GOALS_IMPORT_HELP: &str = "Import goals from a CSV file, all or nothing.\n\n\
The first line names the columns, in any order (owner and title are required):\n  \
owner        a person's email, team:NAME or company\n  \
period       the quarter, such as 2026-Q4 (empty: the current one; an ended one is refused)\n  \
title        what the goal sets out to do, 3 to 200 characters\n  \
description  why it matters (may be empty)\n  \
weight       1 to 100 (empty: 1)\n  \
parent       the id of an existing goal it contributes to (`rhythm goals list`), or empty\n  \
key_results  separated by ;, each `name: start -> target unit` (empty: done or not)\n  \
status       on_track, at_risk, off_track, done or dropped (empty: on_track)\n\n\
Every row is checked before anything is written. If any row has a problem, every problem is \
printed as `line N: column: reason`, the command exits with code 2, and nothing is added.\n\n\
A goal starts on track; a row with another status adds the goal, then records that status \
as a progress update by its owner (a done/not-done goal marked done is done). Only a \
person's goal can start so: the history names the person who set each status, and a team's \
or the company's goal has nobody to name, so such a row is refused. Import it without a \
status and record the status in chat with /goals.\n\n\
A row whose owner already has a goal with the same title in that quarter is skipped, so \
importing a file again adds nothing twice. The additions are written to the audit log.";

const GOALS_IMPORT_EXAMPLES: &str = "Example file:\n  \
owner,period,title,weight,parent,key_results,status\n  \
company,2026-Q4,Grow the customer base,1,,Paying customers: 120 -> 150 customers,\n  \
team:Platform,2026-Q4,Faster onboarding,3,1,Teams: 0 -> 20; p99 ms: 300 down to 150,\n  \
ana@example.com,2026-Q4,Write the migration guide,1,2,,at_risk\n\n\
Examples:\n  \
rhythm goals import goals.csv --dry-run   check the file and show what would be added\n  \
rhythm goals import goals.csv             add the goals";

/// `rhythm goals import`
#[derive(Debug, Args)]
pub struct GoalsImportArgs {
    /// The CSV file (UTF-8; a spreadsheet's "CSV UTF-8" export works).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check the file and show what would be added; add nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result (or the problems) as JSON.
    #[arg(long)]
    pub json: bool,
}

const GOALS_ACHIEVEMENT_HELP: &str = "How each person or team achieved their goals in a \
quarter, from each goal's history as it stands now.\n\n\
A goal is achieved if it was marked done or every key result reached its target; dropped \
goals are not counted. The rate is the goals achieved over the goals counted; the score is \
the goals' progress (a done goal counts in full) averaged by their weights.\n\n\
--by person (the default) gives a row per person with goals of their own. --by team gives a \
row per team, counting the team's own goals and its members' goals, and a row for the \
company's goals.";

/// `rhythm goals achievement`
#[derive(Debug, Args)]
pub struct GoalsAchievementArgs {
    /// The quarter, such as 2026-Q4 [default: the current one, in UTC].
    #[arg(long, value_name = "QUARTER")]
    pub period: Option<String>,
    /// A row per person, or per team (its goals and its members').
    #[arg(long, default_value = "person", value_parser = ["person", "team"])]
    pub by: String,
    /// Print a JSON array of {"owner", "kind" (person, team or company), "email" (people
    /// only), "period", "goals", "achieved", "rate", "score"}.
    #[arg(long)]
    pub json: bool,
}

/// `rhythm kudos …`
#[derive(Debug, Subcommand)]
pub enum KudosCommand {
    /// List kudos given in a time range (default: the last 30 days), oldest first: who gave
    /// them to whom, why, with which values, how, and whether they stand (retracted by the
    /// giver, removed by HR).
    #[command(after_help = "Examples:\n  \
                      rhythm kudos list\n  \
                      rhythm kudos list --from 2026-10-01 --to 2026-12-31 --person ana@example.com\n  \
                      rhythm kudos list --json | jq '.[] | select(.values | index(\"ownership\"))'")]
    List {
        /// First day (UTC), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day (UTC), inclusive, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only kudos this person gave or received (their email).
        #[arg(long, value_name = "EMAIL")]
        person: Option<String>,
        /// Print a JSON array of {"id", "given_at", "giver", "recipients", "reason", "values",
        /// "visibility", "source", "platform", "message_link", "status"}.
        #[arg(long)]
        json: bool,
    },
    /// Remove a kudos (it stays in the database, marked, and no longer counts anywhere). The
    /// removal and its reason are written to the audit log. Announcements not yet posted are
    /// not posted.
    #[command(after_help = "Example:\n  rhythm kudos remove 42 --reason \"given by mistake\"")]
    Remove {
        /// The kudos's id (`rhythm kudos list` shows it).
        id: i64,
        /// Why, for the audit log.
        #[arg(long)]
        reason: String,
    },
    /// The leaderboard for the current week, month or quarter: most recognised, most
    /// recognising, kudos per value, and the spread (how many people were recognised, per
    /// team, least recognised first). Counts public kudos that stand.
    Leaderboard {
        /// week, month or quarter.
        #[arg(long, default_value = "month", value_parser = ["week", "month", "quarter"])]
        period: String,
        /// Only this team.
        #[arg(long)]
        team: Option<String>,
        /// The zone the period's days are read in.
        #[arg(long, default_value = "UTC", value_name = "ZONE")]
        timezone: String,
        /// Print the board as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The kudos policy in force: company values, allowances, channels and reactions. Set it
    /// in a policy file's [kudos] table (`rhythm schedule apply`).
    Policy {
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `rhythm team …`
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// List every team with its active members and digest channels.
    List {
        /// Print a JSON array of {"team", "members", "channels": {"slack": ID, ...}}.
        #[arg(long)]
        json: bool,
    },
    /// Set where a team's check-in digests go. Once the last member's answer window has
    /// closed, the day's digest (who answered, answers, blockers, mood, who is away) is
    /// posted there. Invite the bot to the channel first (`/invite @Rhythm` in Slack).
    #[command(after_help = "Examples:\n  \
                      rhythm team channel Platform --slack C0123ABCDEF\n  \
                      rhythm team channel Platform --discord 1234567890123456789\n  \
                      rhythm team channel Platform --clear slack")]
    Channel {
        /// The team's name (as imported; case does not matter).
        team: String,
        /// The Slack channel's id (channel details → About, at the bottom: C0123ABCDEF).
        #[arg(long, value_name = "CHANNEL_ID")]
        slack: Option<String>,
        /// The Discord channel's id (Developer Mode → right-click the channel → Copy ID).
        #[arg(long, value_name = "CHANNEL_ID")]
        discord: Option<String>,
        /// Stop posting digests on this platform (slack or discord).
        #[arg(long, value_name = "PLATFORM", value_parser = ["slack", "discord"])]
        clear: Vec<String>,
    },
}

/// `rhythm schedule …`
#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Make the schedules match a policy file: create what is new, update what changed,
    /// resume what was paused, pause what is no longer in the file (nothing is deleted).
    /// Its check-in templates are written too; templates no longer in the file are kept.
    /// Its [[review_cycle]] tables are created as draft review cycles, once: a cycle whose
    /// name is stored is left as it is. Prints the diff. See config/policy.example.toml for
    /// every key.
    Apply {
        /// The policy file (TOML).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// Print the diff and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the diff as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add one schedule (for schedules kept as code, prefer `schedule apply`).
    Add(Box<AddArgs>),
    /// List every schedule with its next fire time.
    List {
        /// Print a JSON array (id, name, kind, cron or at, timezone, audience, paused,
        /// next_fire_at).
        #[arg(long)]
        json: bool,
    },
    /// Show one schedule in full.
    Show {
        /// The schedule's name or id.
        schedule: String,
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Who gets pinged when: the next deliveries in time order, after each person's zone,
    /// holidays, quiet hours and out-of-office.
    Preview {
        /// The schedule's name or id.
        schedule: String,
        /// Start from this instant (RFC 3339, such as 2026-03-02T00:00:00Z) [default: now].
        #[arg(long, value_name = "RFC3339")]
        from: Option<String>,
        /// How many deliveries to show.
        #[arg(long, default_value_t = 20)]
        count: usize,
        /// Print a JSON array of {"person", "fire_at" (UTC), "local" (their offset)}.
        #[arg(long)]
        json: bool,
    },
    /// Stop a schedule firing until it is resumed.
    Pause {
        /// The schedule's name or id.
        schedule: String,
    },
    /// Let a paused schedule fire again, from now on (what it missed is not sent).
    Resume {
        /// The schedule's name or id.
        schedule: String,
    },
    /// Delete a schedule for good.
    Delete {
        /// The schedule's name or id.
        schedule: String,
    },
    /// List the check-in templates (written by `schedule apply`, plus the built-in
    /// `default` unless a policy replaced it): visibility, closing time, questions, and the
    /// schedules that use each.
    Templates {
        /// Print a JSON array (name, visibility, closes, questions, built_in, used_by).
        #[arg(long)]
        json: bool,
    },
}

/// `rhythm schedule add`: the keys of a `[[schedule]]` table, as flags.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Unique name, its identity across applies.
    #[arg(long)]
    pub name: String,
    /// check_in, goal_review, feedback_session, appraisal_deadline or announcement.
    #[arg(long)]
    pub kind: String,
    /// A 5-field cron expression, such as "0 9 * * MON" (or --at).
    #[arg(long, conflicts_with = "at", required_unless_present = "at")]
    pub cron: Option<String>,
    /// Fire once, at a local date and time such as 2026-12-15T17:00:00 (or --cron).
    #[arg(long)]
    pub at: Option<String>,
    /// "recipient" (each person's own zone) or an IANA zone.
    #[arg(long, default_value = "recipient")]
    pub timezone: String,
    /// everyone, team:NAME, reports:EMAIL, people:EMAIL,EMAIL or channel:ID.
    #[arg(long)]
    pub audience: String,
    /// Days people work, comma-separated [default: mon,tue,wed,thu,fri].
    #[arg(long, value_delimiter = ',')]
    pub business_days: Option<Vec<String>>,
    /// next_business_day or skip [default: next_business_day].
    #[arg(long)]
    pub on_day_off: Option<String>,
    /// A stored holiday calendar for everyone (else each person's region's).
    #[arg(long)]
    pub holidays: Option<String>,
    /// How late a missed occurrence may still fire [default: 1h].
    #[arg(long)]
    pub grace: Option<String>,
    /// First day it may fire (2026-01-01).
    #[arg(long)]
    pub starts: Option<String>,
    /// Last day it may fire.
    #[arg(long)]
    pub ends: Option<String>,
    /// The message or check-in template [default: default].
    #[arg(long)]
    pub template: Option<String>,
    /// Nudge the recipient this long after, if not done (such as 4h).
    #[arg(long)]
    pub nudge_after: Option<String>,
    /// Tell their manager this long after, if still not done (such as 24h)
    /// [default for deadlines: 1d after the deadline].
    #[arg(long)]
    pub escalate_after: Option<String>,
    /// Tell HR this long after, if still not done [default for deadlines: 3d after it].
    #[arg(long)]
    pub escalate_hr_after: Option<String>,
    /// Deadline reminders, comma-separated [default for deadlines: -7d,-1d,0d].
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub deadline_offsets: Option<Vec<String>>,
}

/// `rhythm people …`
#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Import people from a CSV file: all rows or none, re-importing is safe.
    #[command(long_about = IMPORT_HELP)]
    Import(ImportArgs),
    /// List people, with their zone, role, manager and teams.
    List(ListArgs),
    /// Link a chat account to a person (for someone who asked with `/rhythm link`).
    #[command(long_about = LINK_HELP)]
    Link(LinkArgs),
}

const LINK_HELP: &str = "Link a chat account to a person, on HR's word.\n\n\
Someone who runs `/rhythm link their@email` in Slack or Discord gets a one-time code at their \
other linked account, or, when they have none, HR gets the code by DM to pass on. When neither \
can happen (nobody in HR has a chat account linked), the asker is told to come to HR with the \
command to run, which this is: once you know the account is theirs, link it here. Their \
earlier account on that platform, if any, is replaced; an account that is someone else's is \
left alone (exit code 2). Every link is in the audit log.\n\n\
Examples:\n  \
rhythm people link ana@example.com --discord 80351110224678912\n  \
rhythm people link ana@example.com --slack U024BE7LH";

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
[people] default_timezone, until `rhythm slack sync` takes the zone of their Slack profile; \
a zone given in the file is never replaced by Slack's.";

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

/// `rhythm people link`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("account").required(true).args(["slack", "discord"])))]
pub struct LinkArgs {
    /// The person's email.
    pub email: String,
    /// Their Slack member id, such as U024BE7LH.
    #[arg(long, value_name = "ID")]
    pub slack: Option<String>,
    /// Their Discord user id (17 to 20 digits), such as 80351110224678912.
    #[arg(long, value_name = "ID")]
    pub discord: Option<String>,
    /// Print the result as JSON.
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
    /// Print a JSON array (email, name, timezone, timezone_source, role, manager_email,
    /// teams, region, active, identities, created_at, updated_at).
    #[arg(long)]
    pub json: bool,
}

/// `rhythm slack …`
#[derive(Debug, Subcommand)]
pub enum SlackCommand {
    /// Link people to their Slack accounts by email, and take each person's time zone from
    /// their Slack profile unless HR or they chose one.
    #[command(long_about = SLACK_SYNC_HELP, after_help = SLACK_SYNC_EXAMPLES)]
    Sync(SyncArgs),
}

const SLACK_SYNC_HELP: &str = "Link people to their Slack accounts and take their time zones \
from Slack.\n\n\
Reads every member of the workspace (Slack's users.list, with SLACK_BOT_TOKEN and [slack] \
api_url) and matches them to the directory by email, ignoring case:\n  \
- a person without a Slack account is linked to the member with their email, unless that \
account already belongs to someone else (reported as a conflict);\n  \
- a person whose time zone nobody chose (the import's default, or Slack's at an earlier \
sync) takes the zone of their Slack profile. A zone from the import's timezone column, or \
one a person set with `/rhythm timezone`, is never replaced.\n\n\
It also lists what did not match: Slack members with no person in the directory, and \
active people with no Slack account. Bots, deactivated accounts and Slackbot are ignored. \
Nothing is ever unlinked or deactivated, and running it again changes nothing new; \
`rhythm run` does the same once at start. The change is written to the audit log.\n\n\
The Slack app needs the users:read and users:read.email scopes \
(config/slack-app-manifest.yml asks for both): without users:read.email Slack gives no \
email addresses and nobody can be linked.";

const SLACK_SYNC_EXAMPLES: &str = "Examples:\n  \
rhythm slack sync --dry-run    see who would be linked and which zones would change\n  \
rhythm slack sync              link them and take the zones\n  \
rhythm people list --json      where each zone came from: timezone_source";

/// `rhythm slack sync`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Show who would be linked and which zones would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON (dry_run, linked, timezones, conflicts,
    /// slack_users_without_person, people_without_slack, unknown_zones, members,
    /// members_without_email).
    #[arg(long)]
    pub json: bool,
}
