//! Scenario 4, platform faults: a fan-out to everyone while a fifth of the platform's calls
//! fail — 429 with Retry-After, 5xx, timeouts (no answer within the client's patience) and
//! dropped connections (cut before any answer) — and, meanwhile, inbound commands (`/rhythm
//! timezone …`, each an audited change) arriving across the transport's reconnects:
//!
//! - Slack: Socket Mode sends each `disconnect` reason (`warning`, `refresh_requested`,
//!   `too_many_websockets`, a dropped socket, and at the end `link_disabled`); an envelope
//!   left unacked is sent again, as Slack does.
//! - Discord: the gateway sends RECONNECT, INVALID_SESSION (resumable, and not), and drops;
//!   what was dispatched while the connection was down is replayed on RESUME.
//!
//! Pass: every message delivered once; Retry-After never broken; every command applied once
//! and answered; after `link_disabled` Rhythm stops reconnecting and says why.

use std::time::Duration;

use rhythm_testing::DiscordFailure;
use rhythm_testing::campaign::{Profile, Running};
use rhythm_testing::discord::payloads;
use rhythm_testing::slack::payloads::slash_command;
use rhythm_testing::slack::{CallOutcome, Failure, FakeSlack};

use crate::support::{Org, snowflake, uid, wait_until, zone_for};

/// The share of calls that fail.
const FAILING: f64 = 0.2;

/// The first retry's wait (doubling after): short, so that a recipient unlucky three
/// times in a row does not hold the campaign for a minute and more.
const RETRY_BACKOFF: &str = "1s";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_faults_and_socket_reconnects_lose_and_repeat_nothing() {
    let profile = Profile::from_env();
    let people = profile.pick(100, 2_000);
    let commands = profile.pick(40, 400);
    let org = Org::new(people).await;
    let slack = &org.slack;
    slack.fail_randomly(
        FAILING,
        11,
        &[
            Failure::RateLimited {
                retry_after_secs: 1,
            },
            Failure::ServerError(500),
            Failure::ServerError(503),
            Failure::Timeout,
            Failure::Dropped,
        ],
    );
    // The random failures are drawn in call order across every method, which varies from
    // run to run; the first two messages make sure a timeout and a dropped socket come up.
    slack.fail_next("chat.postMessage", 1, Failure::Timeout);
    slack.fail_next("chat.postMessage", 1, Failure::Dropped);
    let rhythm = org
        .launch()
        .env("RHYTHM__SCHEDULER__RETRY_BACKOFF", RETRY_BACKOFF)
        .spawn("slack-faults");
    assert!(slack.wait_for_socket(Duration::from_secs(30)).await);
    org.announce_in(Duration::from_secs(3)).await;
    planned(&org).await;

    let strikes = [
        "warning",
        "refresh_requested",
        "too_many_websockets",
        "drop",
    ];
    let mut resent = 0;
    for n in 0..commands {
        if n > 0 && n % (commands / strikes.len()) == 0 {
            let strike = strikes[(n / (commands / strikes.len()) - 1) % strikes.len()];
            // The connection the last strike closed may not be back yet.
            wait_until(
                "a connection to strike",
                Duration::from_secs(30),
                async || match strike {
                    "drop" => slack.drop_socket().is_ok(),
                    reason => slack.disconnect(reason).is_ok(),
                },
            )
            .await;
        }
        resent += deliver(slack, n).await;
    }
    org.wait_sent(people, Duration::from_secs(300)).await;

    for n in 0..people {
        assert_eq!(slack.messages_to(&uid(n)).len(), 1, "{} once", uid(n));
    }
    assert_eq!(slack.retry_after_violations(), 0, "Retry-After honoured");
    assert_eq!(org.timezone_changes().await, commands, "every command once");
    let calls = slack.calls_with_outcome("chat.postMessage");
    let failed = |kind: Failure| {
        calls
            .iter()
            .filter(|call| call.outcome == CallOutcome::Injected(kind))
            .count()
    };
    let (timeouts, dropped) = (failed(Failure::Timeout), failed(Failure::Dropped));
    assert!(timeouts > 0 && dropped > 0, "each kind of failure came up");

    // Socket Mode turned off: no more reconnecting, and the log says what to do.
    let connects = slack.socket_connects();
    slack.disconnect("link_disabled").unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(slack.socket_connects(), connects, "no reconnect");
    assert!(rhythm.log().contains("link_disabled"));
    println!(
        "faults (Slack): {people} recipients, {} chat.postMessage calls ({timeouts} timed out, \
         {dropped} dropped), {commands} commands across 4 reconnects ({resent} envelopes sent \
         again)",
        calls.len()
    );
    healthy(rhythm).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_faults_and_gateway_reconnects_lose_and_repeat_nothing() {
    let profile = Profile::from_env();
    let people = profile.pick(100, 2_000);
    let commands = profile.pick(40, 400);
    let org = Org::on_discord(people).await;
    let discord = org.discord.as_ref().unwrap();
    discord.set_callback_window(Duration::from_secs(60));
    discord.fail_randomly_in(
        &[
            "POST /channels/{channel_id}/messages",
            "POST /users/@me/channels",
        ],
        FAILING,
        11,
        &[
            DiscordFailure::RateLimited {
                retry_after: 1.0,
                global: false,
            },
            DiscordFailure::Status(500),
            DiscordFailure::Status(502),
            DiscordFailure::Status(503),
            DiscordFailure::Timeout,
            DiscordFailure::Dropped,
        ],
    );
    // As on Slack: the first two messages make sure a timeout and a dropped socket come up.
    let sends = "POST /channels/{channel_id}/messages";
    discord.fail_next(sends, 1, DiscordFailure::Timeout);
    discord.fail_next(sends, 1, DiscordFailure::Dropped);
    let rhythm = org
        .launch()
        .env("RHYTHM__SCHEDULER__RETRY_BACKOFF", RETRY_BACKOFF)
        .spawn("discord-faults");
    wait_until(
        "the gateway is identified",
        Duration::from_secs(30),
        async || discord.identifies() >= 1,
    )
    .await;
    org.announce_in(Duration::from_secs(3)).await;
    planned(&org).await;
    let mut interactions = Vec::with_capacity(commands);
    let strikes = commands / 4;
    for n in 0..commands {
        if n > 0 && n % strikes == 0 {
            let strike = || match n / strikes {
                1 => discord.send_reconnect(),
                2 => discord.send_invalid_session(true),
                _ => discord.drop_gateway(),
            };
            // The connection the last strike closed may not be back yet.
            wait_until(
                "a connection to strike",
                Duration::from_secs(30),
                async || strike().is_ok(),
            )
            .await;
        }
        let command = payloads::slash_command(
            &snowflake(n),
            "rhythm",
            Some(("timezone", &[("zone", zone_for(n).as_str())])),
        );
        interactions.push(discord.dispatch_interaction(command));
    }
    // A session that cannot be resumed loses what was dispatched to it, as on Discord: so
    // only once everything is answered, then the next commands go to the new session.
    let answered = async |interactions: &[String]| {
        interactions
            .iter()
            .all(|id| !discord.callbacks(id).is_empty())
    };
    wait_until(
        "every command is answered",
        Duration::from_secs(120),
        async || answered(&interactions).await,
    )
    .await;
    let identified = discord.identifies();
    discord.send_invalid_session(false).unwrap();
    wait_until("a new session", Duration::from_secs(30), async || {
        discord.identifies() > identified
    })
    .await;
    let late = payloads::slash_command(
        &snowflake(commands),
        "rhythm",
        Some(("timezone", &[("zone", zone_for(commands).as_str())])),
    );
    interactions.push(discord.dispatch_interaction(late));
    wait_until(
        "the last command is answered",
        Duration::from_secs(60),
        async || answered(&interactions).await,
    )
    .await;
    org.wait_sent(people, Duration::from_secs(300)).await;

    for n in 0..people {
        // Not the answers to their commands (those carry `interaction_metadata`).
        let messages: Vec<_> = discord
            .messages_to(&snowflake(n))
            .into_iter()
            .filter(|message| message.get("interaction_metadata").is_none())
            .collect();
        assert_eq!(messages.len(), 1, "{} once: {messages:#?}", snowflake(n));
    }
    for id in &interactions {
        assert_eq!(
            discord.callbacks(id).len(),
            1,
            "interaction {id} answered once"
        );
    }
    assert_eq!(discord.retry_after_violations(), 0, "Retry-After honoured");
    assert_eq!(
        org.timezone_changes().await,
        commands + 1,
        "every command once"
    );
    let sends = discord.calls("POST /channels/{channel_id}/messages");
    let failed = |kind: DiscordFailure| {
        sends
            .iter()
            .filter(|call| call.failure.as_ref() == Some(&kind))
            .count()
    };
    let (timeouts, dropped) = (
        failed(DiscordFailure::Timeout),
        failed(DiscordFailure::Dropped),
    );
    assert!(timeouts > 0 && dropped > 0, "each kind of failure came up");
    println!(
        "faults (Discord): {people} recipients, {} message sends ({timeouts} timed out, \
         {dropped} dropped, {} nonce repeats), {} commands across RECONNECT, INVALID_SESSION \
         (resumable and not) and a drop; {} resumes, {} identifies",
        sends.len(),
        discord.nonce_repeats(),
        commands + 1,
        discord.resumes(),
        discord.identifies(),
    );
    healthy(rhythm).await;
}

/// Sends command `n` as a Socket Mode envelope until it is acked, as Slack does: an envelope
/// not acked (the connection closed under it, or none was open) is sent again, with the
/// same id. How many times it was sent again.
async fn deliver(slack: &FakeSlack, n: usize) -> usize {
    let id = format!("campaign-envelope-{n}");
    let command = slash_command(
        &uid(n),
        "/rhythm",
        &format!("timezone {}", zone_for(n)),
        &format!("trigger-{n}"),
    );
    for attempt in 0..50 {
        let connected = slack.wait_for_socket(Duration::from_secs(60)).await;
        assert!(connected, "Rhythm reconnects");
        let sent = slack
            .send_envelope_with_id(&id, "slash_commands", command.clone(), true, attempt)
            .await;
        if sent.is_ok() {
            return attempt as usize;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("envelope {id} was never acked");
}

/// Waits until the announcement is planned.
async fn planned(org: &Org) {
    wait_until(
        "the announcement fires",
        Duration::from_secs(60),
        async || org.db.count("SELECT COUNT(*) FROM occurrences").await == 1,
    )
    .await;
}

/// The process is still up, never panicked, and stops cleanly.
async fn healthy(rhythm: Running) {
    assert_eq!(rhythm.get("/healthz").await, Some(200));
    let log = rhythm.log();
    assert!(!log.contains("panicked"), "no panic: {log}");
    assert_eq!(rhythm.terminate().await, Some(0), "a clean stop");
}
