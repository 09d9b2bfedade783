//! `rhythm doctor`: one line per check, exit 1 if any fails.

use std::time::Duration;

use rhythm_bot::discord::client::{ApiError as DiscordError, DiscordApi};
use rhythm_bot::slack::client::{ApiError as SlackError, SlackApi};
use rhythm_store::{missing_sqlite_file, redact};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::app::open_store;
use crate::config::{Config, DiscordMode, SlackMode};
use crate::error::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    status: Status,
    detail: String,
}

fn check(check: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        check,
        status,
        detail: detail.into(),
    }
}

/// Runs every check and prints them; fails if any failed.
pub(super) async fn doctor(config: &Config, json: bool, offline: bool) -> Result<(), CliError> {
    let mut checks = vec![config_check(config)];
    checks.extend(database_checks(config).await);
    let (mut slack, mut discord) = (slack_check(config), discord_check(config));
    if !offline {
        slack = asked(slack, slack_accepts(config)).await;
        discord = asked(discord, discord_accepts(config)).await;
    }
    checks.push(slack);
    checks.push(discord);
    checks.push(listen_check(config));

    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    if json {
        let text = serde_json::to_string_pretty(&checks).map_err(anyhow::Error::from)?;
        println!("{text}");
    } else {
        for check in &checks {
            let mark = match check.status {
                Status::Ok => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            println!("{mark}  {:<11} {}", check.check, check.detail);
        }
        match failed {
            0 => println!("\nAll checks passed."),
            n => println!("\n{n} check(s) failed."),
        }
    }
    if failed > 0 {
        return Err(CliError::Reported { bad_input: false });
    }
    Ok(())
}

fn config_check(config: &Config) -> Check {
    let mut detail = format!("loaded from {}", config.source());
    if config.database_url_from_env {
        detail.push_str("; database URL from DATABASE_URL");
    }
    check("config", Status::Ok, detail)
}

async fn database_checks(config: &Config) -> Vec<Check> {
    let url = &config.settings.database.url;
    if let Some(path) = missing_sqlite_file(url) {
        return vec![
            check(
                "database",
                Status::Fail,
                format!(
                    "{} does not exist yet: `rhythm migrate` or `rhythm run` creates it",
                    path.display()
                ),
            ),
            check("migrations", Status::Fail, "not checked: no database"),
        ];
    }
    let store = match open_store(&config.settings, false).await {
        Ok(store) => store,
        Err(error) => {
            return vec![
                check("database", Status::Fail, format!("{error:#}")),
                check(
                    "migrations",
                    Status::Fail,
                    "not checked: the database is unreachable",
                ),
            ];
        }
    };
    let mut checks = vec![check(
        "database",
        Status::Ok,
        format!("{} reachable ({})", redact(url), store.backend_name()),
    )];
    checks.push(match store.migration_status().await {
        Ok(status) if !status.unknown.is_empty() => check(
            "migrations",
            Status::Fail,
            format!(
                "the database has migrations this version does not know ({:?}): upgrade Rhythm",
                status.unknown
            ),
        ),
        Ok(status) if !status.pending.is_empty() => check(
            "migrations",
            Status::Fail,
            format!(
                "{} pending ({}): run `rhythm migrate`",
                status.pending.len(),
                status.pending.join(", ")
            ),
        ),
        Ok(status) => check(
            "migrations",
            Status::Ok,
            format!("all {} applied", status.applied),
        ),
        Err(error) => check(
            "migrations",
            Status::Fail,
            format!("cannot read them: {error:#}"),
        ),
    });
    store.close().await;
    checks
}

/// A secret that must be set, and the prefix its value must start with.
struct Needed<'a> {
    variable: &'static str,
    value: Option<&'a str>,
    prefix: Option<&'static str>,
}

fn expose(secret: Option<&SecretString>) -> Option<&str> {
    secret.map(ExposeSecret::expose_secret)
}

/// Checks one platform's secrets: not configured (no secret set) is a warning; a missing or
/// malformed secret fails.
fn platform_check(name: &'static str, mode: &str, needed: &[Needed<'_>]) -> Check {
    if needed.iter().all(|n| n.value.is_none()) {
        let variables: Vec<&str> = needed.iter().map(|n| n.variable).collect();
        return check(
            name,
            Status::Warn,
            format!(
                "not configured ({mode} mode would need {})",
                variables.join(", ")
            ),
        );
    }
    let mut problems = Vec::new();
    for need in needed {
        match (need.value, need.prefix) {
            (None, _) => problems.push(format!("{} is not set", need.variable)),
            (Some(value), Some(prefix)) if !value.starts_with(prefix) => {
                problems.push(format!("{} should start with {prefix}", need.variable));
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        check(name, Status::Ok, format!("{mode} mode; secrets set"))
    } else {
        check(
            name,
            Status::Fail,
            format!("{mode} mode: {}", problems.join("; ")),
        )
    }
}

fn slack_check(config: &Config) -> Check {
    let secrets = &config.secrets;
    let bot = Needed {
        variable: "SLACK_BOT_TOKEN",
        value: expose(secrets.slack_bot_token.as_ref()),
        prefix: Some("xoxb-"),
    };
    match config.settings.slack.mode {
        SlackMode::Socket => platform_check(
            "slack",
            "socket",
            &[
                bot,
                Needed {
                    variable: "SLACK_APP_TOKEN",
                    value: expose(secrets.slack_app_token.as_ref()),
                    prefix: Some("xapp-"),
                },
            ],
        ),
        SlackMode::Http => platform_check(
            "slack",
            "http",
            &[
                bot,
                Needed {
                    variable: "SLACK_SIGNING_SECRET",
                    value: expose(secrets.slack_signing_secret.as_ref()),
                    prefix: None,
                },
            ],
        ),
    }
}

fn discord_check(config: &Config) -> Check {
    let secrets = &config.secrets;
    let mut needed = vec![
        Needed {
            variable: "DISCORD_TOKEN",
            value: expose(secrets.discord_token.as_ref()),
            prefix: None,
        },
        Needed {
            variable: "DISCORD_APPLICATION_ID",
            value: secrets.discord_application_id.as_deref(),
            prefix: None,
        },
    ];
    let mode = match config.settings.discord.mode {
        DiscordMode::Gateway => "gateway",
        DiscordMode::Http => {
            needed.push(Needed {
                variable: "DISCORD_PUBLIC_KEY",
                value: secrets.discord_public_key.as_deref(),
                prefix: None,
            });
            "http"
        }
    };
    let mut result = platform_check("discord", mode, &needed);
    if result.status == Status::Ok
        && let Some(problem) = discord_shape_problem(config)
    {
        result = check("discord", Status::Fail, format!("{mode} mode: {problem}"));
    }
    result
}

/// Discord's application id is a snowflake and its public key 32 bytes of hex.
fn discord_shape_problem(config: &Config) -> Option<String> {
    let secrets = &config.secrets;
    if let Some(id) = &secrets.discord_application_id
        && (id.len() < 17 || !id.chars().all(|c| c.is_ascii_digit()))
    {
        return Some("DISCORD_APPLICATION_ID should be the application's numeric id".to_owned());
    }
    if let Some(key) = &secrets.discord_public_key
        && (key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Some("DISCORD_PUBLIC_KEY should be 64 hexadecimal characters".to_owned());
    }
    None
}

/// How long a platform has to answer `doctor`.
const ASK_TIMEOUT: Duration = Duration::from_secs(15);

/// A platform's check, its secrets being well-formed, extended with what the platform said
/// of its token: `Ok(who)` (who Rhythm is there) or `Err(what went wrong)`.
async fn asked(mut checked: Check, answer: impl Future<Output = Result<String, String>>) -> Check {
    if checked.status != Status::Ok {
        return checked;
    }
    match tokio::time::timeout(ASK_TIMEOUT, answer).await {
        Ok(Ok(who)) => checked
            .detail
            .push_str(&format!("; token accepted ({who})")),
        Ok(Err(problem)) => {
            checked.status = Status::Fail;
            checked.detail.push_str(&format!("; {problem}"));
        }
        Err(_) => {
            checked.status = Status::Fail;
            checked.detail.push_str(&format!(
                "; no answer within {} s (is the network or api_url right?)",
                ASK_TIMEOUT.as_secs()
            ));
        }
    }
    checked
}

/// What Slack says of the bot token.
async fn slack_accepts(config: &Config) -> Result<String, String> {
    let token = expose(config.secrets.slack_bot_token.as_ref()).unwrap_or_default();
    let url = config.settings.slack.api_url.as_str();
    match SlackApi::new(url, token).whoami().await {
        Ok((bot, workspace)) => Ok(format!("@{bot} in {workspace}")),
        Err(SlackError::Unauthorized { reason }) => Err(format!(
            "Slack refused SLACK_BOT_TOKEN ({reason}): reinstall the app and copy its Bot User \
             OAuth Token"
        )),
        Err(error) => Err(format!("could not ask Slack at {url}: {error}")),
    }
}

/// What Discord says of the bot token.
async fn discord_accepts(config: &Config) -> Result<String, String> {
    let secrets = &config.secrets;
    let token = expose(secrets.discord_token.as_ref()).unwrap_or_default();
    let application = secrets
        .discord_application_id
        .as_deref()
        .unwrap_or_default();
    let url = config
        .settings
        .discord
        .api_url
        .as_str()
        .trim_end_matches('/');
    let api = DiscordApi::new(url, token, application)?;
    match api.whoami().await {
        Ok(bot) => Ok(format!("bot {bot}")),
        Err(DiscordError::Unauthorized { reason }) => Err(format!(
            "Discord refused DISCORD_TOKEN ({reason}): reset the token under Bot in the \
             Developer Portal and set it again"
        )),
        Err(error) => Err(format!("could not ask Discord at {url}: {error}")),
    }
}

fn listen_check(config: &Config) -> Check {
    let listen = config.settings.http.listen;
    if listen.ip().is_loopback() {
        check(
            "http",
            Status::Ok,
            format!("will listen on {listen} (this machine only)"),
        )
    } else {
        check(
            "http",
            Status::Warn,
            format!("will listen on {listen}, reachable from other machines: serve it behind TLS"),
        )
    }
}
