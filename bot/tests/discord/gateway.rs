//! Rhythm's gateway client against the fake Discord: it identifies, heartbeats and hands
//! every dispatch to its callback in order; it resumes after RECONNECT, a resumable
//! INVALID_SESSION, a zombie connection or a dropped socket (after a doubling wait) without
//! losing or repeating a dispatch; it identifies anew when the session is over, stops for
//! good on a fatal close code, and stops promptly when asked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rhythm_bot::discord::gateway::{DEFAULT_INTENTS, GatewayConfig, GatewayEvent, GatewayStopped};
use rhythm_testing::discord::FakeDiscord;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::eventually;

mod harness;

use harness::{Bot, QUICK, WAIT, press, sent};

#[tokio::test]
async fn it_identifies_and_hands_every_dispatch_to_the_callback_in_order() {
    let discord = FakeDiscord::start().await;
    let mut bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);
    assert!(bot.readies(1).await);

    let identify = sent(&discord, 2);
    assert_eq!(identify.len(), 1, "{identify:?}");
    let identify = &identify[0]["d"];
    assert_eq!(identify["token"], FakeDiscord::BOT_TOKEN);
    assert_eq!(identify["intents"], DEFAULT_INTENTS);
    assert_eq!(identify["properties"]["browser"], "rhythm");
    assert_eq!(identify["properties"]["device"], "rhythm");
    assert_eq!(identify["properties"]["os"], std::env::consts::OS);

    let ids: Vec<String> = (0..5)
        .map(|n| discord.dispatch_interaction(press(n)))
        .collect();
    discord.dispatch("MESSAGE_REACTION_ADD", json!({"emoji": {"name": "👍"}}));
    assert_eq!(bot.interactions_so_far(&discord).await, ids);
    assert_eq!(
        bot.seen.of("READY").len(),
        1,
        "READY too reaches the callback"
    );
    assert_eq!(
        bot.seen.of("MESSAGE_REACTION_ADD").len(),
        1,
        "and so does any dispatch"
    );
    assert_eq!(
        bot.seen.of("INTERACTION_CREATE")[0]["data"]["custom_id"],
        "checkin:start:0"
    );
    assert_eq!(discord.gateway_connects(), 1);
    assert_eq!(discord.gateway_urls(), ["/gateway?v=10&encoding=json"]);
    bot.stop().await;
}

#[tokio::test]
async fn heartbeats_carry_the_last_sequence_number_and_are_acknowledged() {
    let discord = FakeDiscord::start().await;
    discord.set_heartbeat_interval(Duration::from_millis(200));
    let bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    let seq = discord.dispatch("MESSAGE_REACTION_ADD", json!({"emoji": {"name": "👍"}}));
    assert!(eventually(WAIT, || !bot.seen.of("MESSAGE_REACTION_ADD").is_empty()).await);
    let beats = discord.heartbeats();
    assert!(
        eventually(WAIT, || discord.heartbeats() >= beats + 3).await,
        "heartbeats go on"
    );
    let last = sent(&discord, 1).pop().expect("a heartbeat");
    assert_eq!(last["d"], seq, "with the last sequence number seen");
    assert_eq!(
        discord.gateway_connects(),
        1,
        "acknowledged heartbeats keep the connection"
    );
    assert_eq!(discord.resumes(), 0);
    bot.stop().await;
}

#[tokio::test]
async fn a_handler_still_running_holds_up_neither_the_next_dispatch_nor_the_heartbeats() {
    let discord = FakeDiscord::start().await;
    discord.set_heartbeat_interval(Duration::from_millis(200));
    let release = CancellationToken::new();
    let held = release.clone();
    let mut bot = Bot::start_with(&discord, move |_, _| {
        let held = held.clone();
        // Every handler waits until the test lets it go.
        async move { held.cancelled().await }
    });
    assert!(discord.wait_for_ready(WAIT).await);

    let ids: Vec<String> = (0..3)
        .map(|n| discord.dispatch_interaction(press(n)))
        .collect();
    assert_eq!(bot.interactions_so_far(&discord).await, ids);
    let beats = discord.heartbeats();
    assert!(
        discord.wait_for_heartbeats(beats + 2, WAIT).await,
        "the heartbeats go on"
    );
    assert_eq!(discord.gateway_connects(), 1, "and are acknowledged");
    release.cancel();
    bot.stop().await;
}

#[tokio::test]
async fn a_heartbeat_request_is_answered_at_once() {
    let discord = FakeDiscord::start().await;
    // Long enough that the client's own first heartbeat is unlikely to come meanwhile.
    discord.set_heartbeat_interval(Duration::from_secs(120));
    let bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    let beats = discord.heartbeats();
    let asked = Instant::now();
    discord.request_heartbeat().expect("connected");
    assert!(eventually(WAIT, || discord.heartbeats() > beats).await);
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    bot.stop().await;
}

#[tokio::test]
async fn reconnect_resumes_the_session_and_what_was_sent_meanwhile_arrives_once() {
    let discord = FakeDiscord::start().await;
    let mut bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);
    assert!(bot.readies(1).await);
    let mut ids = vec![discord.dispatch_interaction(press(0))];
    assert_eq!(bot.interactions_so_far(&discord).await, ids);

    discord.send_reconnect().expect("connected");
    ids.extend((1..4).map(|n| discord.dispatch_interaction(press(n))));
    assert!(discord.wait_for_resumes(1, WAIT).await, "resumed");
    assert!(bot.heard(1, |event| *event == GatewayEvent::Resumed).await);
    assert_eq!(
        bot.interactions_so_far(&discord).await,
        ids,
        "what was sent meanwhile arrives, in order, none twice"
    );

    assert_eq!(discord.identifies(), 1, "resumed, not identified anew");
    let resume = sent(&discord, 6);
    assert_eq!(resume.len(), 1);
    assert_eq!(resume[0]["d"]["token"], FakeDiscord::BOT_TOKEN);
    assert_eq!(resume[0]["d"]["session_id"], bot.sessions()[0]);
    assert_eq!(discord.gateway_connects(), 2);
    assert_eq!(
        discord.gateway_client_closes(),
        [Some(4000)],
        "closed with 4000, which keeps the session"
    );
    assert_eq!(discord.gateway_urls()[1], "/gateway?v=10&encoding=json");
    bot.stop().await;
}

#[tokio::test]
async fn an_invalid_session_that_cannot_be_resumed_is_identified_anew_after_a_pause() {
    let discord = FakeDiscord::start().await;
    let mut bot = Bot::start(&discord);
    assert!(bot.readies(1).await);

    let invalidated = Instant::now();
    discord.send_invalid_session(false).expect("connected");
    assert!(
        discord.wait_for_identifies(2, WAIT * 2).await,
        "identified anew"
    );
    assert!(
        invalidated.elapsed() >= Duration::from_secs(1),
        "after Discord's one to five seconds: {:?}",
        invalidated.elapsed()
    );
    assert!(bot.readies(2).await);
    let sessions = bot.sessions();
    assert_ne!(sessions[0], sessions[1], "a new session");
    assert_eq!(discord.resumes(), 0);
    let id = discord.dispatch_interaction(press(0));
    assert_eq!(bot.interactions_so_far(&discord).await, [id]);
    bot.stop().await;
}

#[tokio::test]
async fn a_resumable_invalid_session_is_resumed() {
    let discord = FakeDiscord::start().await;
    let mut bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    discord.send_invalid_session(true).expect("connected");
    let id = discord.dispatch_interaction(press(0));
    assert!(discord.wait_for_resumes(1, WAIT).await);
    assert_eq!(bot.interactions_so_far(&discord).await, [id]);
    assert_eq!(discord.identifies(), 1);
    bot.stop().await;
}

#[tokio::test]
async fn a_dropped_socket_is_resumed_after_a_doubling_wait() {
    let discord = FakeDiscord::start().await;
    let mut bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    let mut ids = Vec::new();
    let mut took = Vec::new();
    for n in 1..=3 {
        let dropped = Instant::now();
        discord.drop_gateway().expect("connected");
        ids.push(discord.dispatch_interaction(press(n)));
        assert!(discord.wait_for_resumes(n, WAIT).await, "resume {n}");
        took.push(dropped.elapsed());
    }
    // QUICK waits 100, 200, then 400 ms: no connection stayed up long enough to be healthy.
    for (took, wait) in took.iter().zip([100, 200, 400]) {
        assert!(
            *took >= Duration::from_millis(wait),
            "each wait doubles: {took:?}"
        );
    }
    assert_eq!(
        bot.interactions_so_far(&discord).await,
        ids,
        "none lost, none twice"
    );
    assert_eq!(discord.identifies(), 1, "resumed each time");
    assert_eq!(discord.gateway_connects(), 4);
    bot.stop().await;
}

#[tokio::test]
async fn a_zombie_connection_is_closed_and_resumed() {
    let discord = FakeDiscord::start().await;
    discord.set_heartbeat_interval(Duration::from_millis(200));
    let mut bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    discord.stop_acking_heartbeats(true);
    assert!(discord.wait_for_resumes(1, WAIT).await, "resumed");
    discord.stop_acking_heartbeats(false);
    let zombie = |event: &GatewayEvent| match event {
        GatewayEvent::Disconnected { reason } => reason.contains("zombie"),
        _ => false,
    };
    assert!(bot.heard(1, zombie).await, "{:?}", bot.heard);
    assert_eq!(discord.identifies(), 1, "the session lives on");
    assert_eq!(discord.gateway_client_closes()[0], Some(4000));
    let id = discord.dispatch_interaction(press(0));
    assert_eq!(bot.interactions_so_far(&discord).await, [id]);
    bot.stop().await;
}

#[tokio::test]
async fn authentication_failed_stops_at_once_with_what_to_do() {
    let discord = FakeDiscord::start().await;
    let bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    discord.close_gateway(4004).expect("connected");
    let stopped = bot.stopped_by_itself().await;
    assert_eq!(stopped, Err(GatewayStopped::AuthenticationFailed));
    let message = GatewayStopped::AuthenticationFailed.to_string();
    assert!(message.contains("DISCORD_TOKEN"), "{message}");
    assert_eq!(discord.gateway_connects(), 1, "no retry");
}

#[tokio::test]
async fn a_token_refused_before_connecting_stops_at_once() {
    let discord = FakeDiscord::start().await;
    let config = GatewayConfig {
        api_url: discord.api_url(),
        token: "not-the-token".to_owned(),
        intents: DEFAULT_INTENTS,
        reconnect: QUICK,
    };
    let bot = Bot::start_config(config, |_, _| async {});
    let stopped = bot.stopped_by_itself().await;
    assert_eq!(stopped, Err(GatewayStopped::AuthenticationFailed));
    assert_eq!(discord.gateway_connects(), 0);
}

#[tokio::test]
async fn disallowed_intents_stop_and_say_how_to_allow_them() {
    let discord = FakeDiscord::start().await;
    let bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    discord.close_gateway(4014).expect("connected");
    let stopped = bot.stopped_by_itself().await;
    let Err(stopped) = stopped else {
        panic!("4014 is fatal");
    };
    assert_eq!(
        stopped,
        GatewayStopped::DisallowedIntents {
            intents: DEFAULT_INTENTS
        }
    );
    assert!(
        stopped.to_string().contains("Privileged Gateway Intents"),
        "{stopped}"
    );
    assert_eq!(discord.gateway_connects(), 1, "no retry");
}

#[tokio::test]
async fn a_timed_out_session_is_identified_anew() {
    let discord = FakeDiscord::start().await;
    let mut bot = Bot::start(&discord);
    assert!(discord.wait_for_ready(WAIT).await);

    discord.close_gateway(4009).expect("connected");
    assert!(
        discord.wait_for_identifies(2, WAIT).await,
        "identified anew"
    );
    assert!(bot.readies(2).await);
    assert_eq!(discord.resumes(), 0, "not resumed");
    let id = discord.dispatch_interaction(press(0));
    assert_eq!(bot.interactions_so_far(&discord).await, [id]);
    bot.stop().await;
}

#[tokio::test]
async fn shutdown_returns_promptly_once_running_handlers_finish() {
    let discord = FakeDiscord::start().await;
    let finished = Arc::new(AtomicBool::new(false));
    let handler_finished = Arc::clone(&finished);
    let bot = Bot::start_with(&discord, move |event, _| {
        let finished = Arc::clone(&handler_finished);
        async move {
            if event == "INTERACTION_CREATE" {
                // A handler still answering when Rhythm is asked to stop.
                tokio::time::sleep(Duration::from_millis(300)).await;
                finished.store(true, Ordering::SeqCst);
            }
        }
    });
    assert!(discord.wait_for_ready(WAIT).await);
    discord.dispatch_interaction(press(0));
    assert!(eventually(WAIT, || !bot.seen.of("INTERACTION_CREATE").is_empty()).await);

    let asked = Instant::now();
    bot.stop().await;
    assert!(
        finished.load(Ordering::SeqCst),
        "the running handler was waited for"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert!(discord.wait_for_gateway_connections(0, WAIT).await);
    assert_eq!(
        discord.gateway_client_closes(),
        [Some(1000)],
        "closed with 1000, which ends the session"
    );
    assert_eq!(discord.gateway_connects(), 1, "and nothing reconnected");
}
