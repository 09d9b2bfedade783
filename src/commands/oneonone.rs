//! `rhythm oneonone list|overdue`: HR's view of the 1:1s: every pair's cadence and next
//! session, and the pairs who have not met for longer than the coaching policy allows.

use std::collections::HashMap;

use chrono::Utc;
use rhythm_domain::oneonone::overdue::overdue;
use rhythm_domain::people::{Person, PersonId};
use rhythm_domain::ports::{Directory, OneOnOnes, PeopleFilter};
use rhythm_store::Store;
use serde_json::json;

use super::people::ready_store;
use super::plain_table;
use crate::cli::OneOnOneCommand;
use crate::config::Config;
use crate::error::CliError;

pub(super) async fn execute(config: &Config, command: OneOnOneCommand) -> Result<(), CliError> {
    let store = ready_store(config).await?;
    let result = match command {
        OneOnOneCommand::List { json } => list(&store, json).await,
        OneOnOneCommand::Overdue { json } => report(&store, json).await,
    };
    store.close().await;
    result
}

async fn everyone(store: &Store) -> Result<HashMap<PersonId, Person>, CliError> {
    let people = store
        .people(&PeopleFilter::default())
        .await
        .map_err(anyhow::Error::from)?;
    Ok(people.into_iter().map(|p| (p.id, p)).collect())
}

async fn list(store: &Store, json: bool) -> Result<(), CliError> {
    let people = everyone(store).await?;
    let series = store
        .oneonones(None, true)
        .await
        .map_err(anyhow::Error::from)?;
    let now = Utc::now();
    let email = |id: &PersonId| {
        people
            .get(id)
            .map_or_else(String::new, |p| p.email.to_string())
    };
    if json {
        let rows: Vec<_> = series
            .iter()
            .map(|s| {
                json!({
                    "manager": email(&s.manager),
                    "report": email(&s.report),
                    "cadence": s.cadence.to_string(),
                    "minutes": s.minutes,
                    "next_session": s.cadence.next_after(now),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    if series.is_empty() {
        println!(
            "No 1:1s are set up. Managers set them up with /oneonone schedule in chat; HR with [[one_on_one]] pairs in the policy file."
        );
        return Ok(());
    }
    let mut table = plain_table(["MANAGER", "REPORT", "CADENCE", "NEXT (UTC)"]);
    for s in &series {
        table.add_row([
            email(&s.manager),
            email(&s.report),
            format!("{}, {} min", s.cadence, s.minutes),
            s.cadence
                .next_after(now)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ]);
    }
    println!("{table}");
    Ok(())
}

async fn report(store: &Store, json: bool) -> Result<(), CliError> {
    let people: Vec<Person> = everyone(store).await?.into_values().collect();
    let held = store.last_held().await.map_err(anyhow::Error::from)?;
    let policy = store.coaching_policy().await.map_err(anyhow::Error::from)?;
    let flagged = overdue(&people, &held, &policy, Utc::now());
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&flagged).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    if flagged.is_empty() {
        println!(
            "Every manager has held a 1:1 with each report in the last {} days.",
            policy.overdue_after_days
        );
        return Ok(());
    }
    let mut table = plain_table(["MANAGER", "REPORT", "LAST 1:1", "DAYS"]);
    for o in &flagged {
        table.add_row([
            o.manager_name.clone(),
            o.report_name.clone(),
            o.last_held.map_or_else(
                || "never".to_owned(),
                |at| at.format("%Y-%m-%d").to_string(),
            ),
            o.days.to_string(),
        ]);
    }
    println!("{table}");
    println!(
        "{} pair(s) without a 1:1 for more than {} days (the [coaching] policy's \
         oneonone_overdue_after).",
        flagged.len(),
        policy.overdue_after_days
    );
    Ok(())
}
