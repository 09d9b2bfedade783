//! `rhythm team list` and `rhythm team channel`: teams and where their digests go.

use std::collections::BTreeMap;

use rhythm_domain::people::TeamName;
use rhythm_domain::ports::{Digests as _, Directory as _};

use super::people::ready_store;
use crate::cli::TeamCommand;
use crate::config::Config;
use crate::error::CliError;

/// Runs `rhythm team …`.
pub(super) async fn execute(config: &Config, command: TeamCommand) -> Result<(), CliError> {
    match command {
        TeamCommand::List { json } => list(config, json).await,
        TeamCommand::Channel {
            team,
            slack,
            discord,
            clear,
        } => channel(config, &team, slack, discord, &clear).await,
    }
}

async fn list(config: &Config, json: bool) -> Result<(), CliError> {
    let store = ready_store(config).await?;
    let teams = store.teams().await.map_err(anyhow::Error::from)?;
    let channels = store.team_channels().await.map_err(anyhow::Error::from)?;
    store.close().await;
    let mut by_team: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for channel in channels {
        by_team
            .entry(channel.team.key())
            .or_default()
            .insert(channel.platform, channel.channel);
    }
    if json {
        let rows: Vec<_> = teams
            .iter()
            .map(|team| {
                serde_json::json!({
                    "team": team.name.as_str(),
                    "members": team.members,
                    "channels": by_team.get(&team.name.key()).cloned().unwrap_or_default(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    if teams.is_empty() {
        println!("No teams yet: import people with a `team` column (rhythm people import).");
        return Ok(());
    }
    let mut table = super::plain_table(["TEAM", "MEMBERS", "DIGESTS TO"]);
    for team in &teams {
        let channels = by_team.get(&team.name.key()).map_or_else(
            || "-".to_owned(),
            |channels| {
                channels
                    .iter()
                    .map(|(platform, channel)| format!("{platform} {channel}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        table.add_row([
            team.name.as_str().to_owned(),
            team.members.to_string(),
            channels,
        ]);
    }
    println!("{table}");
    Ok(())
}

/// Checks a channel id's shape, so a channel name or a link is caught here rather than
/// when the first digest fails.
fn channel_id(platform: &str, id: &str) -> Result<String, CliError> {
    let id = id.trim();
    let ok = match platform {
        "slack" => {
            id.len() >= 9
                && id.starts_with(['C', 'G'])
                && id
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        _ => (17..=20).contains(&id.len()) && id.chars().all(|c| c.is_ascii_digit()),
    };
    if ok {
        return Ok(id.to_owned());
    }
    Err(CliError::BadInput(match platform {
        "slack" => format!(
            "--slack: `{id}` is not a Slack channel id; it looks like C0123ABCDEF (in Slack: the channel's name → About, at the bottom)"
        ),
        _ => format!(
            "--discord: `{id}` is not a Discord channel id; it is 17 to 20 digits (Developer Mode on, then right-click the channel → Copy Channel ID)"
        ),
    }))
}

async fn channel(
    config: &Config,
    team: &str,
    slack: Option<String>,
    discord: Option<String>,
    clear: &[String],
) -> Result<(), CliError> {
    let team = TeamName::parse(team).map_err(|e| CliError::BadInput(format!("team: {e}")))?;
    let mut changes: Vec<(&str, Option<String>)> = Vec::new();
    for (platform, id) in [("slack", slack), ("discord", discord)] {
        if let Some(id) = id {
            if clear.iter().any(|c| c == platform) {
                return Err(CliError::BadInput(format!(
                    "--{platform} and --clear {platform} contradict each other; give one"
                )));
            }
            changes.push((platform, Some(channel_id(platform, &id)?)));
        }
    }
    for platform in clear {
        changes.push((platform.as_str(), None));
    }
    if changes.is_empty() {
        return Err(CliError::BadInput(
            "nothing to change: give --slack CHANNEL_ID, --discord CHANNEL_ID or --clear PLATFORM"
                .to_owned(),
        ));
    }
    let store = ready_store(config).await?;
    let actor = super::actor();
    for (platform, channel) in &changes {
        let found = store
            .set_team_channel(&team, platform, channel.as_deref(), &actor)
            .await
            .map_err(anyhow::Error::from)?;
        if !found {
            store.close().await;
            return Err(CliError::BadInput(format!(
                "there is no team `{team}`; `rhythm team list` shows the teams"
            )));
        }
        match channel {
            Some(channel) => println!(
                "{team}'s check-in digests now go to {platform} channel {channel}. Make sure the bot is in it."
            ),
            None => println!("{team}'s check-in digests no longer go to {platform}."),
        }
    }
    store.close().await;
    Ok(())
}
