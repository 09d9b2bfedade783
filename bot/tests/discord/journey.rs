//! Check-ins in Discord, over each transport (the gateway and the HTTP interactions
//! endpoint): the DM prompt, *Start* opening the form, the answers stored and the prompt
//! turned into "Checked in", *Snooze*, `/rhythm timezone`, a repeated interaction answered
//! once, and slow work deferred and followed up.

use std::sync::Arc;
use std::time::Duration;

use rhythm_bot::discord::connection::{self, Lease};
use rhythm_bot::discord::gateway::{GatewayConfig, Reconnect};
use rhythm_bot::discord::handler::DiscordHandler;
use rhythm_bot::discord::http::{DiscordHttp, routes};
use rhythm_bot::discord::verify::Verifier;
use rhythm_domain::clock::SystemClock;
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::discord::FakeDiscord;
use rhythm_testing::discord::payloads::{self, FieldValue};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::support::{api, did, dispatcher, eventually, org};

const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Gateway,
    Http,
}

/// Three people on Discord with today's check-in sent, and Rhythm listening on one
/// transport.
struct Day {
    transport: Transport,
    discord: FakeDiscord,
    db: TestDb,
    url: String,
    shutdown: CancellationToken,
}

impl Day {
    async fn start(transport: Transport, defer_after: Duration) -> Self {
        let discord = FakeDiscord::start().await;
        discord.set_heartbeat_interval(Duration::from_millis(500));
        let db = org(3, &discord).await;
        let step = dispatcher(&db, &discord).run_due().await.unwrap();
        assert_eq!(step.sent, 3, "{step:?}");
        let clock = Arc::new(db.clock.clone());
        let handler = Arc::new(
            DiscordHandler::new(api(&discord), db.store.clone(), clock.clone())
                .deferring_after(defer_after),
        );
        let shutdown = CancellationToken::new();
        let mut url = String::new();
        match transport {
            Transport::Http => {
                let verifier = Verifier::new(FakeDiscord::PUBLIC_KEY_HEX).unwrap();
                // Discord signs with the time it sends at: the wall clock's.
                let http = DiscordHttp::new(handler, verifier, Arc::new(SystemClock));
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                url = format!(
                    "http://{}/discord/interactions",
                    listener.local_addr().unwrap()
                );
                tokio::spawn(async move { axum::serve(listener, routes(Arc::new(http))).await });
            }
            Transport::Gateway => {
                let config = GatewayConfig {
                    api_url: discord.api_url(),
                    token: FakeDiscord::BOT_TOKEN.to_owned(),
                    intents: 0,
                    reconnect: Reconnect {
                        first_wait: Duration::from_millis(50),
                        max_wait: Duration::from_millis(500),
                        healthy_after: Duration::from_secs(60),
                    },
                };
                let lease = Lease {
                    ttl: Duration::from_secs(30),
                    renew_every: Duration::from_millis(100),
                };
                tokio::spawn(connection::run(
                    handler,
                    config,
                    db.store.clone(),
                    "test".to_owned(),
                    lease,
                    clock,
                    shutdown.clone(),
                ));
                assert!(discord.wait_for_ready(WAIT).await, "the gateway connects");
            }
        }
        Self {
            transport,
            discord,
            db,
            url,
            shutdown,
        }
    }

    /// Sends `payload` as Discord would on this transport; the initial response.
    async fn send(&self, payload: &Value) -> Value {
        match self.transport {
            Transport::Http => {
                let (status, body) = self.discord.post_interaction(&self.url, payload).await;
                assert_eq!(status, 200, "{body}");
                body
            }
            Transport::Gateway => {
                let id = self.discord.dispatch_interaction(payload.clone());
                assert!(
                    eventually(WAIT, || !self.discord.callbacks(&id).is_empty()).await,
                    "the interaction is answered"
                );
                self.discord.callbacks(&id).remove(0)
            }
        }
    }

    /// `person`'s prompt, as the fake shows it now.
    fn prompt(&self, person: usize) -> Value {
        self.discord.messages_to(&did(person)).remove(0)
    }

    fn store(&self) -> &Store {
        &self.db.store
    }
}

impl Drop for Day {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The custom id of the button for `action` on `message`.
fn button(message: &Value, action: &str) -> String {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|button| button["custom_id"].as_str())
        .find(|id| id.starts_with(&format!("{action}|")))
        .unwrap_or_else(|| panic!("no {action} button on {message}"))
        .to_owned()
}

async fn a_check_in_start_to_finish(transport: Transport) {
    let day = Day::start(transport, Duration::from_secs(2)).await;
    let prompt = day.prompt(0);
    let start = payloads::button(&did(0), &button(&prompt, "checkin:start"), &prompt);
    let modal = day.send(&start).await;
    assert_eq!(modal["type"], 9, "*Start* opens the form: {modal}");
    let form = &modal["data"];
    assert!(
        form["custom_id"]
            .as_str()
            .unwrap()
            .starts_with("checkin:submit|")
    );

    let submit = payloads::modal_submit(
        &did(0),
        form["custom_id"].as_str().unwrap(),
        &[
            ("mood", FieldValue::Select(vec!["4".to_owned()])),
            ("done", FieldValue::Text("Shipped the release".to_owned())),
            ("next", FieldValue::Text("Docs".to_owned())),
        ],
    );
    let submit = with_message(submit, &prompt);
    let done = day.send(&submit).await;
    assert_eq!(done["type"], 7, "the prompt is updated in place: {done}");
    assert!(
        done["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Checked in"),
        "{done}"
    );
    assert_eq!(
        day.db
            .count("SELECT COUNT(*) FROM checkins WHERE status = 'submitted'")
            .await,
        1
    );

    // A repeat of the same interaction (a replay) changes nothing and is not answered twice.
    if transport == Transport::Gateway {
        let id = day.discord.dispatch_interaction(submit.clone());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(day.discord.callbacks(&id).len() <= 1);
    }

    let other = day.prompt(1);
    let snooze = payloads::button(&did(1), &button(&other, "checkin:snooze"), &other);
    let snoozed = day.send(&snooze).await;
    assert!(matches!(snoozed["type"].as_u64(), Some(4 | 7)), "{snoozed}");
    assert_eq!(
        day.db
            .count("SELECT COUNT(*) FROM deliveries WHERE step LIKE 'snooze:%'")
            .await,
        1
    );

    let zone = payloads::slash_command(
        &did(2),
        "rhythm",
        Some(("timezone", &[("zone", "Europe/Berlin")])),
    );
    let answer = day.send(&zone).await;
    assert_eq!(answer["type"], 4, "{answer}");
    assert_eq!(answer["data"]["flags"], 64, "only they see it");
    assert!(
        answer["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Europe/Berlin")
    );
    assert_eq!(
        day.db
            .count("SELECT COUNT(*) FROM people WHERE timezone = 'Europe/Berlin'")
            .await,
        1
    );
    let _ = day.store();
    assert!(
        day.discord.spec_violations().is_empty(),
        "{:?}",
        day.discord.spec_violations()
    );
}

/// A modal submission as Discord sends it when the form was opened from a message's
/// button: with that message.
fn with_message(mut payload: Value, message: &Value) -> Value {
    payload["message"] = message.clone();
    payload
}

#[tokio::test]
async fn a_check_in_start_to_finish_over_the_gateway() {
    a_check_in_start_to_finish(Transport::Gateway).await;
}

#[tokio::test]
async fn a_check_in_start_to_finish_over_http() {
    a_check_in_start_to_finish(Transport::Http).await;
}

async fn slow_work_is_deferred_and_followed_up(transport: Transport) {
    let day = Day::start(transport, Duration::ZERO).await;
    let zone = payloads::slash_command(
        &did(0),
        "rhythm",
        Some(("timezone", &[("zone", "Asia/Tokyo")])),
    );
    let token = zone["token"].as_str().unwrap().to_owned();
    let answer = day.send(&zone).await;
    assert_eq!(answer["type"], 5, "deferred: {answer}");
    assert!(
        eventually(WAIT, || !day
            .discord
            .calls("PATCH /webhooks/{application_id}/{token}/messages/@original")
            .is_empty())
        .await,
        "followed up"
    );
    let edit = day
        .discord
        .calls("PATCH /webhooks/{application_id}/{token}/messages/@original")
        .remove(0);
    assert!(edit.path.contains(&token));
    assert!(
        edit.body["content"]
            .as_str()
            .unwrap()
            .contains("Asia/Tokyo")
    );
}

#[tokio::test]
async fn slow_work_is_deferred_and_followed_up_over_the_gateway() {
    slow_work_is_deferred_and_followed_up(Transport::Gateway).await;
}

#[tokio::test]
async fn slow_work_is_deferred_and_followed_up_over_http() {
    slow_work_is_deferred_and_followed_up(Transport::Http).await;
}
