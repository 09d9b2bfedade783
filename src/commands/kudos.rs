//! `rhythm kudos …`: the kudos record, leaderboards, the policy, and HR's removal.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rhythm_domain::chat::truncate;
use rhythm_domain::kudos::command::BoardPeriod;
use rhythm_domain::kudos::leaderboard::read as read_board;
use rhythm_domain::kudos::messages;
use rhythm_domain::people::{Email, Person, PersonId, TeamName, Timezone};
use rhythm_domain::ports::{
    Directory as _, Kudos as _, KudosFilter, KudosId, KudosRecord, PeopleFilter,
};
use rhythm_domain::schedule::parse_date;
use rhythm_store::Store;
use serde_json::json;

use super::people::ready_store;
use crate::cli::KudosCommand;
use crate::config::Config;
use crate::error::CliError;

/// Runs `rhythm kudos …`.
pub(super) async fn execute(config: &Config, command: KudosCommand) -> Result<(), CliError> {
    match command {
        KudosCommand::List {
            from,
            to,
            person,
            json,
        } => {
            list(
                config,
                from.as_deref(),
                to.as_deref(),
                person.as_deref(),
                json,
            )
            .await
        }
        KudosCommand::Remove { id, reason } => remove(config, id, &reason).await,
        KudosCommand::Leaderboard {
            period,
            team,
            timezone,
            json,
        } => leaderboard(config, &period, team.as_deref(), &timezone, json).await,
        KudosCommand::Policy { json } => policy(config, json).await,
    }
}

fn bad(message: impl Into<String>) -> CliError {
    CliError::BadInput(message.into())
}

/// The first instant of a `--from`/`--to` day (UTC); `to` is inclusive, so the day after.
fn day(flag: &str, text: &str, after: bool) -> Result<DateTime<Utc>, CliError> {
    let date = parse_date(text, flag).map_err(|invalid| bad(format!("--{flag}: {invalid}")))?;
    let start = date.and_time(NaiveTime::MIN).and_utc();
    Ok(if after {
        start + Duration::days(1)
    } else {
        start
    })
}

/// Everyone, by id.
async fn everyone(store: &Store) -> Result<HashMap<PersonId, Person>, CliError> {
    let people = store
        .people(&PeopleFilter::default())
        .await
        .map_err(anyhow::Error::from)?;
    Ok(people
        .into_iter()
        .map(|person| (person.id, person))
        .collect())
}

fn status(kudos: &KudosRecord) -> &'static str {
    if kudos.removed_at.is_some() {
        "removed"
    } else if kudos.retracted_at.is_some() {
        "retracted"
    } else {
        "stands"
    }
}

async fn list(
    config: &Config,
    from: Option<&str>,
    to: Option<&str>,
    person: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let now = Utc::now();
    let to = to.map(|to| day("to", to, true)).transpose()?.unwrap_or(now);
    let from = match from {
        Some(from) => day("from", from, false)?,
        None => to - Duration::days(30),
    };
    if from >= to {
        return Err(bad("--from must be before --to"));
    }
    let email = person
        .map(|email| Email::parse(email).map_err(|invalid| bad(format!("--person: {invalid}"))))
        .transpose()?;
    let store = ready_store(config).await?;
    let people = everyone(&store).await?;
    let person = match &email {
        Some(email) => Some(
            people
                .values()
                .find(|person| &person.email == email)
                .map(|person| person.id)
                .ok_or_else(|| bad(format!("--person: nobody has the email {email}")))?,
        ),
        None => None,
    };
    let kudos = store
        .kudos_list(&KudosFilter { from, to, person })
        .await
        .map_err(anyhow::Error::from)?;
    store.close().await;
    let email_of = |id: &PersonId| {
        people
            .get(id)
            .map_or_else(|| format!("#{}", id.0), |person| person.email.to_string())
    };
    if json {
        let rows: Vec<_> = kudos
            .iter()
            .map(|kudos| {
                json!({
                    "id": kudos.id,
                    "given_at": kudos.given_at.to_rfc3339(),
                    "giver": email_of(&kudos.giver),
                    "recipients": kudos.recipients.iter().map(&email_of).collect::<Vec<_>>(),
                    "reason": kudos.reason,
                    "values": kudos.values,
                    "visibility": kudos.visibility,
                    "source": kudos.source,
                    "platform": kudos.platform,
                    "message_link": kudos.message_link,
                    "status": status(kudos),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    if kudos.is_empty() {
        println!(
            "No kudos from {} to {}.",
            from.date_naive(),
            to.date_naive()
        );
        return Ok(());
    }
    let mut table = super::plain_table([
        "ID",
        "GIVEN (UTC)",
        "FROM",
        "TO",
        "VALUES",
        "HOW",
        "STATUS",
        "REASON",
    ]);
    for kudos in &kudos {
        let how = format!(
            "{} {}{}",
            kudos.platform,
            kudos.source.as_str(),
            if kudos.visibility == rhythm_domain::ports::Visibility::Private {
                ", private"
            } else {
                ""
            }
        );
        table.add_row([
            kudos.id.0.to_string(),
            kudos.given_at.format("%Y-%m-%d %H:%M").to_string(),
            email_of(&kudos.giver),
            kudos
                .recipients
                .iter()
                .map(&email_of)
                .collect::<Vec<_>>()
                .join(", "),
            kudos
                .values
                .iter()
                .map(|tag| format!("#{tag}"))
                .collect::<Vec<_>>()
                .join(" "),
            how,
            status(kudos).to_owned(),
            truncate(&kudos.reason, 60),
        ]);
    }
    println!("{table}");
    Ok(())
}

async fn remove(config: &Config, id: i64, reason: &str) -> Result<(), CliError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(bad("--reason: say why, for the audit log"));
    }
    let store = ready_store(config).await?;
    let removed = store
        .remove_kudos(KudosId(id), &super::actor(), reason, Utc::now())
        .await
        .map_err(anyhow::Error::from)?;
    store.close().await;
    match removed {
        None => Err(bad(format!(
            "there is no kudos {id}; `rhythm kudos list` shows their ids"
        ))),
        Some(kudos) if kudos.removed_at.is_some() => {
            println!("Kudos {id} was removed already; nothing changed.");
            Ok(())
        }
        Some(_) => {
            println!(
                "Removed kudos {id}: it no longer counts in leaderboards or records. The removal is in the audit log."
            );
            Ok(())
        }
    }
}

async fn leaderboard(
    config: &Config,
    period: &str,
    team: Option<&str>,
    timezone: &str,
    json: bool,
) -> Result<(), CliError> {
    let period = BoardPeriod::parse(period).unwrap_or_default();
    let zone =
        Timezone::parse(timezone).map_err(|invalid| bad(format!("--timezone: {invalid}")))?;
    let team = team
        .map(|team| TeamName::parse(team).map_err(|invalid| bad(format!("--team: {invalid}"))))
        .transpose()?;
    let store = ready_store(config).await?;
    if let Some(team) = &team
        && !store.team_exists(team).await.map_err(anyhow::Error::from)?
    {
        store.close().await;
        return Err(bad(format!(
            "--team: there is no team `{team}`; `rhythm team list` shows the teams"
        )));
    }
    let window = period.window(Utc::now(), zone.tz());
    let board = read_board(&store, period, window, team.as_ref()).await;
    store.close().await;
    let board = board.map_err(anyhow::Error::from)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&board).map_err(anyhow::Error::from)?
        );
    } else {
        println!("{}", messages::board(&board).replace("**", ""));
    }
    Ok(())
}

async fn policy(config: &Config, json: bool) -> Result<(), CliError> {
    let store = ready_store(config).await?;
    let policy = store.kudos_policy().await.map_err(anyhow::Error::from)?;
    store.close().await;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&policy).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    println!("{}", messages::values(&policy).replace("**", ""));
    let per = policy.period.this();
    println!("Allowance: {} {per} per person", policy.give_limit);
    for (who, limit) in [
        ("managers", policy.manager_give_limit),
        ("HR admins", policy.hr_give_limit),
    ] {
        if let Some(limit) = limit {
            println!("  {who}: {limit}");
        }
    }
    match policy.receive_cap {
        Some(cap) => println!("Receiving: at most {cap} {per} per person"),
        None => println!("Receiving: no cap"),
    }
    if policy.channels.is_empty() {
        println!("Public kudos are DM'd to their recipients; no channel is set for announcements.");
    }
    for (platform, channel) in &policy.channels {
        println!("Announced on {platform} in channel {channel}");
    }
    for platform in rhythm_domain::people::Platform::ALL {
        match policy.reaction(platform) {
            Some(emoji) => println!("Reacting with {emoji} on {platform} gives kudos"),
            None => println!("Reactions give no kudos on {platform}"),
        }
    }
    Ok(())
}
