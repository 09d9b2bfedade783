//! Configuration: built-in defaults, then the TOML file, then `RHYTHM__SECTION__KEY`
//! environment variables; secrets come from the environment only.
//!
//! Every key is documented in `config/rhythm.example.toml`. An unknown key or a bad value is
//! an error that names the key and where it came from; a secret found in the file is refused.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format as _, Toml};
use figment::value::Value;
use figment::{Figment, Provider as _};
use rhythm_domain::duration::HumanDuration;
use rhythm_domain::people::Timezone;
use rhythm_scheduler::pace::{Limits, Rate};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_PATH: &str = "config/rhythm.toml";

/// Every setting, with its default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `[database]`
    pub database: DatabaseSettings,
    /// `[http]`
    pub http: HttpSettings,
    /// `[slack]`
    pub slack: SlackSettings,
    /// `[discord]`
    pub discord: DiscordSettings,
    /// `[people]`
    pub people: PeopleSettings,
    /// `[scheduler]`
    pub scheduler: SchedulerSettings,
    /// `[log]`
    pub log: LogSettings,
}
/// `[database]`: where everything is stored.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `sqlite://PATH` (created if missing) or `postgres://…`; `DATABASE_URL` overrides it.
    pub url: String,
    /// The most connections Rhythm opens.
    pub max_connections: u32,
    /// How long a writer waits for a lock or a free connection.
    pub busy_timeout: HumanDuration,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://rhythm.db".to_owned(),
            max_connections: 10,
            busy_timeout: HumanDuration::from(std::time::Duration::from_secs(5)),
        }
    }
}

/// `[http]`: the listener for health checks, metrics and platform webhooks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: HumanDuration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_grace: HumanDuration::from(std::time::Duration::from_secs(10)),
        }
    }
}

/// How Rhythm receives Slack events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlackMode {
    /// Socket Mode: a websocket Rhythm opens; no public URL needed.
    Socket,
    /// The HTTP Events API: Slack calls `/slack/events` and friends.
    Http,
}

/// `[slack]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlackSettings {
    /// `socket` or `http`.
    pub mode: SlackMode,
    /// The Web API base URL.
    pub api_url: Url,
    /// Messages a second to one channel (a DM is a channel).
    pub messages_per_second_per_channel: f64,
}

impl Default for SlackSettings {
    fn default() -> Self {
        Self {
            mode: SlackMode::Socket,
            api_url: Url::parse("https://slack.com/api").expect("a valid default URL"),
            messages_per_second_per_channel: 1.0,
        }
    }
}

impl SlackSettings {
    /// The rate limits Slack sends are held to.
    pub fn limits(&self) -> Limits {
        Limits {
            overall: None,
            per_recipient: Rate::per_second(self.messages_per_second_per_channel),
        }
    }
}

/// How Rhythm receives Discord interactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscordMode {
    /// The gateway websocket.
    Gateway,
    /// Discord calls `/discord/interactions`.
    Http,
}

/// `[discord]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordSettings {
    /// `gateway` or `http`.
    pub mode: DiscordMode,
    /// The REST base URL.
    pub api_url: Url,
    /// Requests a second, to anyone (Discord's global limit).
    pub requests_per_second: f64,
    /// A server (guild) id: slash commands are registered there, where they appear at once,
    /// instead of globally.
    pub guild_id: Option<String>,
}

impl Default for DiscordSettings {
    fn default() -> Self {
        Self {
            mode: DiscordMode::Gateway,
            api_url: Url::parse("https://discord.com").expect("a valid default URL"),
            requests_per_second: 50.0,
            guild_id: None,
        }
    }
}

impl DiscordSettings {
    /// The rate limits Discord sends are held to.
    pub fn limits(&self) -> Limits {
        Limits {
            overall: Rate::per_second(self.requests_per_second),
            per_recipient: None,
        }
    }
}

/// `[scheduler]`: how the planner and dispatcher work through due schedules and
/// deliveries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SchedulerSettings {
    /// Schedules taken per planner transaction.
    pub planner_batch: usize,
    /// Deliveries a dispatcher leases at once.
    pub dispatch_batch: usize,
    /// Sends a dispatcher has in flight at once.
    pub dispatch_concurrency: usize,
    /// How long a dispatcher owns a leased delivery; one silent for longer loses it to
    /// another (a crashed process's deliveries are resent after this).
    pub lease: HumanDuration,
    /// The wait before a failed send's first retry; it doubles with each attempt, up to an
    /// hour, and a platform's Retry-After is waited out if longer.
    pub retry_backoff: HumanDuration,
    /// How long sent deliveries are kept before the nightly purge (dead letters stay).
    pub retention: HumanDuration,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            planner_batch: 500,
            dispatch_batch: 100,
            dispatch_concurrency: 16,
            lease: HumanDuration::from(std::time::Duration::from_secs(60)),
            retry_backoff: HumanDuration::from(std::time::Duration::from_secs(10)),
            retention: HumanDuration::from(std::time::Duration::from_secs(90 * 86_400)),
        }
    }
}

/// `[people]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeopleSettings {
    /// The zone of a person whose import row gives none.
    pub default_timezone: Timezone,
}

impl Default for PeopleSettings {
    fn default() -> Self {
        Self {
            default_timezone: Timezone::UTC,
        }
    }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// `[log]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A filter such as `info` or `info,rhythm_store=debug`; `RUST_LOG` overrides it.
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            level: "info".to_owned(),
        }
    }
}

/// Secrets, read from the environment only. Empty variables count as unset.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    /// `SLACK_BOT_TOKEN` (`xoxb-…`).
    pub slack_bot_token: Option<SecretString>,
    /// `SLACK_APP_TOKEN` (`xapp-…`), for Socket Mode.
    pub slack_app_token: Option<SecretString>,
    /// `SLACK_SIGNING_SECRET`, for the HTTP Events API.
    pub slack_signing_secret: Option<SecretString>,
    /// `DISCORD_TOKEN`.
    pub discord_token: Option<SecretString>,
    /// `DISCORD_PUBLIC_KEY`, for the HTTP interactions endpoint.
    pub discord_public_key: Option<String>,
    /// `DISCORD_APPLICATION_ID`.
    pub discord_application_id: Option<String>,
}

impl Secrets {
    /// Reads the secrets from the process environment.
    pub fn from_env() -> Self {
        let text = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };
        let secret = |name: &str| text(name).map(SecretString::from);
        Self {
            slack_bot_token: secret("SLACK_BOT_TOKEN"),
            slack_app_token: secret("SLACK_APP_TOKEN"),
            slack_signing_secret: secret("SLACK_SIGNING_SECRET"),
            discord_token: secret("DISCORD_TOKEN"),
            discord_public_key: text("DISCORD_PUBLIC_KEY"),
            discord_application_id: text("DISCORD_APPLICATION_ID"),
        }
    }
}

/// The configuration as loaded, with where it came from.
#[derive(Debug, Clone)]
pub struct Config {
    /// The settings.
    pub settings: Settings,
    /// The secrets.
    pub secrets: Secrets,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// Whether `DATABASE_URL` set the database URL.
    pub database_url_from_env: bool,
}

/// Why the configuration could not be loaded. Each names the key and where it came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--config` names a file that does not exist.
    #[error("config file {0} does not exist")]
    MissingFile(PathBuf),
    /// A secret was found outside the environment.
    #[error("{0}")]
    SecretInFile(String),
    /// A key is unknown or its value is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// Keys people put secrets under, and the environment variable each belongs in.
const SECRET_KEYS: [(&str, &str); 8] = [
    ("slack.bot_token", "SLACK_BOT_TOKEN"),
    ("slack.app_token", "SLACK_APP_TOKEN"),
    ("slack.signing_secret", "SLACK_SIGNING_SECRET"),
    ("discord.token", "DISCORD_TOKEN"),
    ("discord.bot_token", "DISCORD_TOKEN"),
    ("discord.public_key", "DISCORD_PUBLIC_KEY"),
    ("discord.application_id", "DISCORD_APPLICATION_ID"),
    ("database.password", "DATABASE_URL"),
];

/// Ends of key names that hold secrets wherever they appear.
const SECRET_SUFFIXES: [&str; 4] = ["token", "secret", "password", "_key"];

/// Slack token prefixes: bot, user, app-level, legacy workspace and refresh tokens.
const SLACK_TOKEN_PREFIXES: [&str; 6] = ["xoxb-", "xoxp-", "xapp-", "xoxa-", "xoxe-", "xoxs-"];

impl Config {
    /// Loads the configuration: `path` if given (it must exist), else
    /// [`DEFAULT_CONFIG_PATH`] if it exists, else the defaults; then `RHYTHM__SECTION__KEY`
    /// environment variables, then `DATABASE_URL`; secrets from the environment.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let file = match path {
            Some(path) if !path.is_file() => return Err(ConfigError::MissingFile(path.to_owned())),
            Some(path) => Some(path.to_owned()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_PATH)).filter(|path| path.is_file()),
        };
        let mut figment = Figment::new();
        if let Some(file) = &file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment = figment.merge(Env::prefixed("RHYTHM__").split("__"));
        refuse_secrets(&figment)?;
        let mut settings: Settings = figment.extract().map_err(describe)?;
        let database_url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|url| !url.trim().is_empty());
        let database_url_from_env = database_url.is_some();
        if let Some(url) = database_url {
            settings.database.url = url;
        }
        settings.check()?;
        Ok(Self {
            settings,
            secrets: Secrets::from_env(),
            file,
            database_url_from_env,
        })
    }

    /// Where the settings came from, for `doctor` and the start-up log.
    pub fn source(&self) -> String {
        match &self.file {
            Some(file) => format!("{} and the environment", file.display()),
            None => format!("built-in defaults and the environment (no {DEFAULT_CONFIG_PATH})"),
        }
    }
}

impl Settings {
    /// Checks the values serde cannot: ranges and filters.
    fn check(&self) -> Result<(), ConfigError> {
        if let Err(error) = rhythm_store::BackendKind::of(&self.database.url) {
            return Err(ConfigError::Invalid(format!("`database.url`: {error}")));
        }
        for (key, value) in [
            ("scheduler.planner_batch", self.scheduler.planner_batch),
            ("scheduler.dispatch_batch", self.scheduler.dispatch_batch),
            (
                "scheduler.dispatch_concurrency",
                self.scheduler.dispatch_concurrency,
            ),
        ] {
            if !(1..=10_000).contains(&value) {
                return Err(ConfigError::Invalid(format!(
                    "`{key}`: must be between 1 and 10000"
                )));
            }
        }
        if self.scheduler.lease.as_std() < std::time::Duration::from_secs(1) {
            return Err(ConfigError::Invalid(
                "`scheduler.lease`: must be at least 1s".to_owned(),
            ));
        }
        if !(std::time::Duration::from_secs(1)..=std::time::Duration::from_secs(3_600))
            .contains(&self.scheduler.retry_backoff.as_std())
        {
            return Err(ConfigError::Invalid(
                "`scheduler.retry_backoff`: must be between 1s and 1h".to_owned(),
            ));
        }
        for (key, rate) in [
            (
                "slack.messages_per_second_per_channel",
                self.slack.messages_per_second_per_channel,
            ),
            (
                "discord.requests_per_second",
                self.discord.requests_per_second,
            ),
        ] {
            if !(rate.is_finite() && rate > 0.0 && rate <= 10_000.0) {
                return Err(ConfigError::Invalid(format!(
                    "`{key}`: must be a rate above 0 and at most 10000 (such as 1 or 0.5)"
                )));
            }
        }
        if !(1..=1_000).contains(&self.database.max_connections) {
            return Err(ConfigError::Invalid(
                "`database.max_connections`: must be between 1 and 1000".to_owned(),
            ));
        }
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return Err(ConfigError::Invalid(format!(
                "`log.level`: `{}` is not a log filter such as info or info,rhythm_store=debug ({error})",
                self.log.level
            )));
        }
        if let Some(guild) = &self.discord.guild_id
            && !(guild.len() >= 15 && guild.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ConfigError::Invalid(format!(
                "`discord.guild_id`: `{guild}` is not a Discord server id (a long number: in Discord, turn on Developer Mode, then right-click the server and Copy Server ID)"
            )));
        }
        for (key, url) in [
            ("slack.api_url", &self.slack.api_url),
            ("discord.api_url", &self.discord.api_url),
        ] {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(ConfigError::Invalid(format!(
                    "`{key}`: must be an http:// or https:// URL"
                )));
            }
        }
        Ok(())
    }
}

/// Every figment error as `` `key`: what is wrong (in SOURCE) ``, one per line.
fn describe(errors: figment::Error) -> ConfigError {
    let lines: Vec<String> = errors
        .into_iter()
        .map(|error| {
            let key = error.path.join(".");
            let source = error
                .metadata
                .as_ref()
                .map(|metadata| match &metadata.source {
                    Some(source) => format!(" (in {source})"),
                    None => format!(" (in {})", metadata.name),
                })
                .unwrap_or_default();
            let what = match &error.kind {
                figment::error::Kind::UnknownField(field, known) => {
                    format!(
                        "unknown key `{field}`; the known keys here are {}",
                        known.join(", ")
                    )
                }
                figment::error::Kind::UnknownVariant(value, known) => {
                    format!("unknown value `{value}`; use one of {}", known.join(", "))
                }
                kind => kind.to_string(),
            };
            if key.is_empty() {
                format!("{what}{source}")
            } else {
                format!("`{key}`: {what}{source}")
            }
        })
        .collect();
    ConfigError::Invalid(lines.join("\n"))
}

/// Refuses to start if a secret is found in the file or in `RHYTHM__` variables: secrets
/// live in their own environment variables only, so a config file can be committed.
fn refuse_secrets(figment: &Figment) -> Result<(), ConfigError> {
    let data = figment.data().map_err(describe)?;
    let mut found = Vec::new();
    for dict in data.values() {
        walk(dict, &mut Vec::new(), &mut found);
    }
    let Some((key, variable)) = found.into_iter().next() else {
        return Ok(());
    };
    let source = figment
        .find_metadata(&key)
        .and_then(|metadata| metadata.source.as_ref().map(ToString::to_string))
        .unwrap_or_else(|| "the configuration".to_owned());
    Err(ConfigError::SecretInFile(format!(
        "`{key}` in {source} holds a secret; Rhythm reads secrets only from the environment. \
         Remove it and set {variable} instead."
    )))
}

fn walk(
    dict: &figment::value::Dict,
    path: &mut Vec<String>,
    found: &mut Vec<(String, &'static str)>,
) {
    for (name, value) in dict {
        path.push(name.clone());
        let key = path.join(".");
        match value {
            Value::Dict(_, inner) => walk(inner, path, found),
            Value::String(_, text) => {
                let lowered = name.to_ascii_lowercase();
                if let Some((_, variable)) = SECRET_KEYS.iter().find(|(secret, _)| *secret == key) {
                    found.push((key, variable));
                } else if SECRET_SUFFIXES
                    .iter()
                    .any(|suffix| lowered.ends_with(suffix))
                {
                    found.push((key, "its environment variable (see the README)"));
                } else if SLACK_TOKEN_PREFIXES
                    .iter()
                    .any(|prefix| text.trim().starts_with(prefix))
                {
                    found.push((key, "the matching SLACK_… variable"));
                } else if key == "database.url" && has_password(text) {
                    found.push((key, "DATABASE_URL (with the password)"));
                }
            }
            _ => {}
        }
        path.pop();
    }
}

/// Whether a URL carries a password (`scheme://user:password@host`, or a `password` or
/// `sslpassword` parameter, which Postgres URLs take too).
fn has_password(url: &str) -> bool {
    Url::parse(url).is_ok_and(|url| {
        url.password().is_some()
            || url.query_pairs().any(|(key, _)| {
                key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("sslpassword")
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_with_a_password_parameter_holds_a_secret() {
        assert!(has_password("postgres://rhythm:s3cret@db/rhythm"));
        assert!(has_password("postgres://rhythm@db/rhythm?password=s3cret"));
        assert!(has_password(
            "postgres://rhythm@db/rhythm?sslmode=require&sslpassword=s3cret"
        ));
        assert!(!has_password("postgres://rhythm@db/rhythm?sslmode=require"));
        assert!(!has_password("sqlite://rhythm.db"));
    }
}
