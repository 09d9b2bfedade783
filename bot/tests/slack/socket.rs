//! Socket Mode against the fake Slack: commands and presses arrive in envelopes and are acked
//! with their replies. Each of Slack's disconnect reasons is obeyed, a dropped socket is
//! reconnected after a growing wait, and no envelope is lost or handled twice on the way.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::socket::{self, Reconnect};
use rhythm_testing::TestDb;
use rhythm_testing::slack::{FakeSlack, payloads};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::support::{org, uid};

const WAIT: Duration = Duration::from_secs(5);

/// Test pacing: 100 ms, doubling up to 2 s; no connection lives long enough to be healthy.
const QUICK: Reconnect = Reconnect {
    first_wait: Duration::from_millis(100),
    max_wait: Duration::from_secs(2),
    healthy_after: Duration::from_secs(600),
};

/// Rhythm's Socket Mode client, running against the fake until stopped.
struct Bot {
    running: JoinHandle<()>,
    shutdown: CancellationToken,
}

impl Bot {
    fn start(db: &TestDb, slack: &FakeSlack, reconnect: Reconnect) -> Self {
        let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
        let handler = SlackHandler::new(api.clone(), db.store.clone(), Arc::new(db.clock.clone()));
        let shutdown = CancellationToken::new();
        let running = tokio::spawn(socket::run_with(
            api,
            FakeSlack::APP_TOKEN.to_owned(),
            handler,
            reconnect,
            shutdown.clone(),
        ));
        Self { running, shutdown }
    }

    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.running)
            .await
            .expect("Socket Mode stops when asked")
            .unwrap();
    }
}

/// `/rhythm help`, sent now; what its ack says.
async fn help(slack: &FakeSlack) -> String {
    let help = payloads::slash_command(&uid(0), "/rhythm", "help", &slack.new_trigger_id());
    let ack = slack
        .send_envelope("slash_commands", help, true)
        .await
        .expect("acked")
        .expect("with the reply");
    ack["text"].as_str().unwrap().to_owned()
}

/// `/rhythm timezone Europe/Berlin`, handled slowly: the database holds writes back for
/// `slow`, so the envelope is in flight while `meanwhile` runs. Returns the reply its ack
/// carried.
async fn slow_command(
    db: &TestDb,
    slack: &FakeSlack,
    slow: Duration,
    meanwhile: impl AsyncFnOnce(),
) -> String {
    let stall = db.stall_writes("inbound_events").await;
    let started = Instant::now();
    let command = payloads::slash_command(
        &uid(0),
        "/rhythm",
        "timezone Europe/Berlin",
        &slack.new_trigger_id(),
    );
    let (ack, ()) = tokio::join!(
        slack.send_envelope("slash_commands", command, true),
        async {
            // Time for the envelope to reach the bot.
            tokio::time::sleep(Duration::from_millis(50)).await;
            meanwhile().await;
            tokio::time::sleep(slow.saturating_sub(started.elapsed())).await;
            stall.release().await;
        }
    );
    let ack = ack.expect("acked").expect("with the reply");
    ack["text"].as_str().unwrap().to_owned()
}

/// How many times a time zone was changed: each change is audited.
async fn zone_changes(db: &TestDb) -> i64 {
    db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.timezone'")
        .await
}

/// The acks received for envelope `id`.
fn acks_of(slack: &FakeSlack, id: &str) -> usize {
    slack
        .acks()
        .iter()
        .filter(|ack| ack["envelope_id"] == id)
        .count()
}

/// The gaps between the connections that arrived at the fake, from the `from`th on.
fn gaps(slack: &FakeSlack, from: usize) -> Vec<Duration> {
    let arrivals: Vec<Instant> = slack.socket_arrivals().into_iter().skip(from).collect();
    arrivals.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The first three gaps are at least [`QUICK`]'s waits, 100, 200 and 400 ms, and they grow:
/// the third is at least twice the first, which a constant wait plus the time to connect
/// would not be.
fn assert_doubling(gaps: &[Duration]) {
    assert!(gaps.len() >= 3, "{gaps:?}");
    for (gap, wait) in gaps.iter().zip([100, 200, 400]) {
        assert!(
            *gap >= Duration::from_millis(wait),
            "each wait doubles: {gaps:?}"
        );
    }
    assert!(gaps[2] >= gaps[0] * 2, "the wait grows: {gaps:?}");
}

#[tokio::test]
async fn commands_arrive_in_envelopes_and_a_refresh_reconnects() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let handler = SlackHandler::new(api.clone(), db.store.clone(), Arc::new(db.clock.clone()));
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(socket::run(
        api,
        FakeSlack::APP_TOKEN.to_owned(),
        handler,
        shutdown.clone(),
    ));
    assert!(slack.wait_for_socket(WAIT).await);

    let command = payloads::slash_command(&uid(0), "/rhythm", "timezone Asia/Tokyo", "7.7.7");
    let ack = slack
        .send_envelope("slash_commands", command.clone(), true)
        .await
        .unwrap()
        .expect("the reply rides on the ack");
    assert_eq!(ack["response_type"], "ephemeral");
    assert!(ack["text"].as_str().unwrap().contains("Asia/Tokyo"));

    let id = slack.last_envelope_id().unwrap();
    slack
        .send_envelope_with_id(&id, "slash_commands", command, true, 1)
        .await
        .unwrap();
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.timezone'")
            .await,
        1,
        "a resent envelope changes nothing twice"
    );

    slack.disconnect("refresh_requested").unwrap();
    assert!(
        slack.wait_for_socket_connects(2, WAIT).await,
        "reconnected after refresh_requested"
    );
    assert!(help(&slack).await.contains("/checkin"));

    shutdown.cancel();
    running.await.unwrap();
}

#[tokio::test]
async fn refresh_requested_reconnects_at_once_and_the_envelope_in_flight_is_answered_once() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let bot = Bot::start(&db, &slack, QUICK);
    assert!(slack.wait_for_socket(WAIT).await);

    // Slack closes the socket 100 ms after asking; the command takes 500 ms. Its ack cannot
    // go out on the old socket, so Slack sends the envelope again on the new one.
    let reply = slow_command(&db, &slack, Duration::from_millis(500), async || {
        slack.disconnect("refresh_requested").unwrap();
    })
    .await;
    assert!(reply.contains("Europe/Berlin"), "{reply}");
    assert_eq!(
        zone_changes(&db).await,
        1,
        "the resent envelope is answered with the first answer, not handled again"
    );
    let id = slack.last_envelope_id().unwrap();
    assert_eq!(acks_of(&slack, &id), 1);
    assert!(slack.unacked_envelopes().is_empty());

    assert_eq!(slack.socket_connects(), 2, "one new connection");
    assert_eq!(
        slack.calls("apps.connections.open").len(),
        2,
        "with a fresh URL"
    );
    assert!(slack.wait_for_socket_count(1, WAIT).await);
    assert!(
        help(&slack).await.contains("/checkin"),
        "the new one serves"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_warning_opens_the_new_connection_before_the_old_one_finishes_and_closes() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let bot = Bot::start(&db, &slack, QUICK);
    assert!(slack.wait_for_socket(WAIT).await);

    // Slack keeps the warned socket open a while: the command in flight is answered on it.
    let reply = slow_command(&db, &slack, Duration::from_millis(400), async || {
        slack.disconnect("warning").unwrap();
        assert!(slack.wait_for_socket_connects(2, WAIT).await);
    })
    .await;
    assert!(reply.contains("Europe/Berlin"), "{reply}");
    assert_eq!(
        slack.peak_socket_connections(),
        2,
        "the new connection was open before the old one closed"
    );
    assert!(
        slack.wait_for_socket_count(1, WAIT).await,
        "the old one is closed once it has answered"
    );
    assert_eq!(zone_changes(&db).await, 1);
    let id = slack.last_envelope_id().unwrap();
    assert_eq!(acks_of(&slack, &id), 1);
    assert!(slack.unacked_envelopes().is_empty(), "nothing was lost");

    assert!(
        help(&slack).await.contains("/checkin"),
        "the new one serves"
    );
    assert_eq!(slack.socket_connects(), 2);
    assert_eq!(slack.calls("apps.connections.open").len(), 2);
    bot.stop().await;
}

#[tokio::test]
async fn a_dropped_socket_is_reconnected_after_a_doubling_wait_and_loses_no_envelope() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let bot = Bot::start(&db, &slack, QUICK);
    assert!(slack.wait_for_socket(WAIT).await);

    let reply = slow_command(&db, &slack, Duration::from_millis(300), async || {
        slack.drop_socket().unwrap();
    })
    .await;
    assert!(reply.contains("Europe/Berlin"), "{reply}");
    assert_eq!(zone_changes(&db).await, 1, "handled once");
    assert_eq!(slack.socket_connects(), 2);
    assert!(slack.unacked_envelopes().is_empty());

    for n in 3..=4 {
        slack.drop_socket().unwrap();
        assert!(slack.wait_for_socket_connects(n, WAIT).await);
    }
    assert_doubling(&gaps(&slack, 0));
    assert_eq!(slack.calls("apps.connections.open").len(), 4);
    assert!(help(&slack).await.contains("/checkin"));
    bot.stop().await;
}

#[tokio::test]
async fn too_many_websockets_is_retried_after_a_doubling_wait_until_a_connection_is_free() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    slack.limit_socket_connections(1);
    let other = Bot::start(&db, &slack, QUICK);
    assert!(
        slack.wait_for_socket(WAIT).await,
        "another Rhythm holds the only connection"
    );

    let bot = Bot::start(&db, &slack, QUICK);
    assert!(slack.wait_for_socket_refusals(4, WAIT).await);
    assert_doubling(&gaps(&slack, 1));
    assert_eq!(slack.socket_connects(), 1);

    other.stop().await;
    assert!(
        slack.wait_for_socket_connects(2, WAIT).await,
        "in once a connection is free"
    );
    assert!(help(&slack).await.contains("/checkin"));
    bot.stop().await;
}

#[tokio::test]
async fn link_disabled_stops_reconnecting_and_says_what_to_do() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let logs = Logs::default();
    let _capturing = tracing::subscriber::set_default(logs.subscriber());
    let mut bot = Bot::start(&db, &slack, QUICK);
    assert!(slack.wait_for_socket(WAIT).await);

    slack.disconnect("link_disabled").unwrap();
    tokio::time::timeout(WAIT, &mut bot.running)
        .await
        .expect("Socket Mode stops by itself")
        .unwrap();
    assert!(!bot.shutdown.is_cancelled());
    assert!(slack.wait_for_socket_count(0, WAIT).await);
    assert_eq!(
        slack.calls("apps.connections.open").len(),
        1,
        "no reconnect"
    );
    assert_eq!(slack.socket_connects(), 1);

    let logged = logs.text();
    let error = logged
        .lines()
        .find(|line| line.contains("ERROR") && line.contains("link_disabled"))
        .unwrap_or_else(|| panic!("an error is logged: {logged}"));
    assert!(error.contains("Turn Socket Mode back on"), "{error}");
    assert!(error.contains("https://api.slack.com/apps"), "{error}");
}

/// Everything logged while a [`Logs::subscriber`] is the default, as text.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + use<> {
        let logs = self.clone();
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || logs.clone())
            .finish()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
