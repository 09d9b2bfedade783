//! Where an interaction's time goes (`--steps`): each step of the handler's path timed
//! alone, one at a time, on the seeded database after the load has run, and a whole press
//! sent one at a time, to Rhythm and to the baseline.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::Utc;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::PLATFORM;
use rhythm_bot::slack::verify::Verifier;
use rhythm_domain::checkin::{Answers, Template, messages};
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{CheckInId, CheckIns as _, Directory as _, MessageRef, PeopleFilter};
use rhythm_store::Store;
use rhythm_testing::slack::{FakeSlack, payloads};

use crate::load::{ms, percentile};
use crate::seed::Target;

/// How often each step is timed.
const ROUNDS: usize = 200;

/// Where to send whole presses.
pub(crate) struct Urls<'a> {
    pub(crate) rhythm: &'a str,
    pub(crate) baseline: &'a str,
}

/// The steps' p50 and p99, as a Markdown table.
pub(crate) async fn table(
    backend: &str,
    store: &Store,
    slack: &FakeSlack,
    targets: &[Target],
    urls: Urls<'_>,
) -> anyhow::Result<String> {
    let api = &SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let template = &Template::default_template();
    let raw: BTreeMap<String, String> = [("mood", "4"), ("done", "Shipped"), ("next", "Docs")]
        .into_iter()
        .map(|(id, answer)| (id.to_owned(), answer.to_owned()))
        .collect();
    let answers = &Answers::read(template, &raw).map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let now = Utc::now();
    let target = |n: usize| &targets[n % targets.len()];
    let key = |n: usize| format!("steps.{n}");
    let client = &reqwest::Client::new();

    let mut rows: Vec<(&str, Vec<Duration>)> = Vec::new();
    let (verifier, body) = (
        &Verifier::new(FakeSlack::SIGNING_SECRET),
        snooze(target(0), 0),
    );
    let signature = &payloads::sign(FakeSlack::SIGNING_SECRET, now.timestamp(), body.as_bytes());
    let timestamp = &now.timestamp().to_string();
    rows.push((
        "check the signature",
        time(async |_| {
            verifier.verify(Some(timestamp), Some(signature), body.as_bytes(), now)?;
            Ok(())
        })
        .await?,
    ));
    rows.push((
        "record the trigger id (INSERT inbound_events)",
        time(async |n| Ok(store.first_seen(PLATFORM, &key(n), now).await.map(drop)?)).await?,
    ));
    rows.push((
        "find the person by Slack id",
        time(async |n| {
            let filter = PeopleFilter {
                chat_user: Some((Platform::Slack, target(n).user.clone())),
                active_only: true,
                ..PeopleFilter::default()
            };
            Ok(store.people(&filter).await.map(drop)?)
        })
        .await?,
    ));
    rows.push((
        "read the check-in and its template",
        time(async |n| {
            store.checkin(CheckInId(target(n).checkin)).await?;
            Ok(store.checkin_template("default").await.map(drop)?)
        })
        .await?,
    ));
    rows.push((
        "Snooze: queue the reminder (INSERT deliveries)",
        time(async |n| {
            let at = now + chrono::Duration::seconds(3_600 + n as i64);
            Ok(store
                .snooze_checkin(CheckInId(target(n).checkin), at)
                .await?)
        })
        .await?,
    ));
    rows.push((
        "Submit: store the answers (a write transaction)",
        time(async |n| {
            let id = CheckInId(target(n).checkin);
            Ok(store
                .submit_checkin(id, answers, template, now)
                .await
                .map(drop)?)
        })
        .await?,
    ));
    rows.push((
        "mark the trigger id handled (UPDATE inbound_events)",
        time(async |n| Ok(store.handled_seen(PLATFORM, &key(n)).await?)).await?,
    ));
    rows.push((
        "chat.update to the fake Slack",
        time(async |n| {
            let at = MessageRef {
                channel: target(n).channel.clone(),
                id: target(n).ts.clone(),
            };
            Ok(api.update(&at, &messages::skipped()).await?)
        })
        .await?,
    ));
    rows.push((
        "views.open to the fake Slack",
        time(async |n| {
            let form = messages::form(target(n).checkin, template, None, "");
            Ok(api.open_form(&key(n), &form).await?)
        })
        .await?,
    ));
    for (row, url) in [
        ("a whole Snooze press over HTTP, Rhythm", urls.rhythm),
        ("the same press, signature only (baseline)", urls.baseline),
    ] {
        let offset = if url == urls.rhythm {
            ROUNDS
        } else {
            2 * ROUNDS
        };
        rows.push((
            row,
            time(async |n| press(client, url, &snooze(target(n), offset + n)).await).await?,
        ));
    }

    let mut table = format!(
        "\n{backend}: each step alone, {ROUNDS} times, one at a time\n\n\
         | step | p50 (ms) | p99 (ms) |\n|---|---:|---:|\n"
    );
    for (step, took) in rows {
        let (p50, p99) = (percentile(&took, 0.5), percentile(&took, 0.99));
        writeln!(table, "| {step} | {} | {} |", ms(p50), ms(p99))?;
    }
    Ok(table)
}

/// `step(0)`, `step(1)`, … timed; sorted.
async fn time(
    mut step: impl AsyncFnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let mut took = Vec::with_capacity(ROUNDS);
    for n in 0..ROUNDS {
        let started = Instant::now();
        step(n).await?;
        took.push(started.elapsed());
    }
    took.sort_unstable();
    Ok(took)
}

/// A *Snooze* press on `target`'s prompt, with trigger id number `n`, as a form body.
fn snooze(target: &Target, n: usize) -> String {
    let press = payloads::block_actions(
        &target.user,
        messages::SNOOZE,
        &target.checkin.to_string(),
        &target.channel,
        &target.ts,
        &format!("1700000004.{n:06}.steps"),
    );
    payloads::interactive_form_body(&press)
}

/// Sends `body`, signed now, and reads the answer.
async fn press(client: &reqwest::Client, url: &str, body: &str) -> anyhow::Result<()> {
    let mut request = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    let signed = Utc::now().timestamp();
    for (name, value) in
        payloads::signed_headers(FakeSlack::SIGNING_SECRET, signed, body.as_bytes())
    {
        request = request.header(name, value);
    }
    let response = request.send().await?.error_for_status()?;
    response.bytes().await?;
    Ok(())
}
