//! Chat on Discord: the fake Discord, Rhythm's Discord handler with interactions on the
//! gateway or the HTTP interactions endpoint (the gateway connects either way), and what
//! people see there, in the driver's terms. A form is a modal response; private text is an
//! ephemeral response (or its follow-up), which the fake keeps in the DM channel beside the
//! prompts; a prompt is updated by the response (type 7) or by a REST edit, and read as the
//! fake now holds it either way.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rhythm_bot::discord::client::DiscordApi;
use rhythm_bot::discord::connection::{self, Lease};
use rhythm_bot::discord::gateway::{GatewayConfig, Reconnect};
use rhythm_bot::discord::handler::DiscordHandler;
use rhythm_bot::discord::http::{DiscordHttp, routes};
use rhythm_bot::discord::messenger::DiscordMessenger;
use rhythm_bot::discord::verify::Verifier;
use rhythm_bot::follow_ups::Context;
use rhythm_domain::clock::SystemClock;
use rhythm_scheduler::pace::{Limits, Rate};
use rhythm_testing::discord::payloads::{self, FieldValue};
use rhythm_testing::discord::{FakeDiscord, FakeDiscordUser};
use rhythm_testing::{TestDb, eventually};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::PEOPLE;
use crate::chat::{Outcome, Shown, Submission, serve};
use crate::org::{dispatcher, org, paced};

mod coaching;
mod kudos;
mod reviews;
mod wire;

pub(crate) use kudos::KUDOS_CHANNEL;
use wire::{button, field_value, form_of, shown, subcommand};

const WAIT: Duration = Duration::from_secs(5);
/// Scenarios are about what people see, not about Discord's three seconds: a slow answer on a
/// busy machine is not deferred, and its callback is taken. The transport tests
/// (`tests/discord/journey.rs`) cover deferring.
const DEFER_AFTER: Duration = Duration::from_secs(10);
const CALLBACK_WINDOW: Duration = Duration::from_secs(15);
/// `flags`: only the person who acted sees the message.
const EPHEMERAL: u64 = 1 << 6;

/// Person `n`'s Discord user id (a snowflake).
pub(crate) fn did(n: usize) -> String {
    format!("{}", 803_511_102_246_789_120_u64 + n as u64)
}

pub(crate) struct Discord {
    fake: FakeDiscord,
    /// The HTTP interactions endpoint; `None` on the gateway.
    http: Option<String>,
    /// The handler's context: the work it does after its responses (deferred work, REST
    /// edits), which each action waits for.
    context: Context,
    /// The modal last opened for each person, and the message its button was on.
    forms: HashMap<usize, (Value, Option<Value>)>,
    /// Each person's last reaction (`MESSAGE_REACTION_ADD`'s data), to redeliver.
    reactions: HashMap<usize, Value>,
}

impl Discord {
    pub(crate) async fn start(gateway: bool, shutdown: &CancellationToken) -> (Self, TestDb) {
        let fake = FakeDiscord::start().await;
        fake.set_callback_window(CALLBACK_WINDOW);
        for n in 0..PEOPLE {
            let (name, global) = (format!("person{n}"), format!("Person {n}"));
            fake.add_user(FakeDiscordUser::new(&did(n), &name, &global));
        }
        let db = org(PEOPLE, "discord_user_id", did).await;
        let clock = Arc::new(db.clock.clone());
        let context = Context::default();
        let handler = DiscordHandler::new(api(&fake), db.store.clone(), clock.clone())
            .deferring_after(DEFER_AFTER)
            .in_context(context.clone());
        let handler = Arc::new(handler);
        // The endpoint takes interactions on the HTTP transport; the gateway connects on both,
        // as in `rhythm run`, since reactions reach bots only over it.
        let http = if gateway {
            None
        } else {
            let verifier = Verifier::new(FakeDiscord::PUBLIC_KEY_HEX).unwrap();
            // Discord signs with the time it sends at: the wall clock's.
            let http = DiscordHttp::new(Arc::clone(&handler), verifier, Arc::new(SystemClock));
            let base = serve(routes(Arc::new(http)), shutdown).await;
            Some(format!("{base}/discord/interactions"))
        };
        let config = GatewayConfig {
            api_url: fake.api_url(),
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
        let (store, holder) = (db.store.clone(), "test".to_owned());
        let run = connection::run(
            handler,
            config,
            store,
            holder,
            lease,
            clock,
            shutdown.clone(),
        );
        tokio::spawn(run);
        assert!(fake.wait_for_ready(WAIT).await, "the gateway connects");
        let discord = Self {
            fake,
            http,
            context,
            forms: HashMap::new(),
            reactions: HashMap::new(),
        };
        discord.fake.add_channel(KUDOS_CHANNEL);
        (discord, db)
    }

    /// Sends what is due through the Discord messenger, paced at 250 sends a second (the fake
    /// allows 50 a second per channel, and each DM is its own channel).
    pub(crate) async fn dispatch(&self, db: &TestDb) {
        let limits = Limits {
            overall: Rate::per_second(250.0),
            per_recipient: None,
        };
        let messenger = DiscordMessenger::new(api(&self.fake), db.store.clone());
        dispatcher(db, paced(db, messenger, limits))
            .run_due()
            .await
            .unwrap();
    }

    pub(crate) fn dms(&self, n: usize) -> Vec<Shown> {
        self.prompts(n).iter().map(shown).collect()
    }

    pub(crate) async fn press(&mut self, n: usize, action: &str) -> Outcome {
        let Some(message) = self.prompts(n).pop() else {
            panic!("person {n} has no DM to press {action} on");
        };
        let custom_id = button(&message, action);
        let before = self.privates(n).len();
        let response = self
            .send(&payloads::button(&did(n), &custom_id, &message))
            .await;
        self.outcome(n, &response, before, Some(message))
    }

    pub(crate) async fn submit(&mut self, n: usize, answers: &[(&str, &str)]) -> Submission {
        let Some((modal, message)) = self.forms.remove(&n) else {
            panic!("no form is open for person {n}");
        };
        let fields: Vec<(&str, FieldValue)> = answers
            .iter()
            .map(|&(field, answer)| (field, field_value(&modal, field, answer)))
            .collect();
        let custom_id = modal["custom_id"].as_str().unwrap();
        let mut submitted = payloads::modal_submit(&did(n), custom_id, &fields);
        // Discord sends the message a modal was opened from with its submission.
        if let Some(message) = message {
            submitted["message"] = message;
        }
        let response = self.send(&submitted).await;
        let said = response["data"]["content"].as_str().unwrap_or_default();
        // How the handler answers field errors: the form is gone, so it says so privately.
        match response["type"].as_u64() {
            Some(4) if said.starts_with("Not saved") => Submission::Refused(said.to_owned()),
            Some(4) => Submission::Said(said.to_owned()),
            _ => Submission::Saved,
        }
    }

    pub(crate) async fn command(&mut self, n: usize, command: &str, text: &str) -> Outcome {
        let (subcommand, options) = subcommand(text);
        let options: Vec<(&str, &str)> = options.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let subcommand = subcommand.map(|name| (name, options.as_slice()));
        let name = command.trim_start_matches('/');
        let before = self.privates(n).len();
        let response = self
            .send(&payloads::slash_command(&did(n), name, subcommand))
            .await;
        self.outcome(n, &response, before, None)
    }

    pub(crate) fn check(&self) {
        let violations = self.fake.spec_violations();
        assert!(violations.is_empty(), "{violations:#?}");
        for call in self.fake.all_calls() {
            assert!(
                call.status < 400,
                "{} {}: {}",
                call.method,
                call.path,
                call.status
            );
        }
    }

    /// The interaction `payload` sent as Discord would on this transport, once its
    /// response is taken and the work after it done; the response.
    async fn send(&self, payload: &Value) -> Value {
        let response = match &self.http {
            Some(url) => {
                let (status, body) = self.fake.post_interaction(url, payload).await;
                assert_eq!(status, 200, "{body}");
                body
            }
            None => {
                let id = self.fake.dispatch_interaction(payload.clone());
                let answered = eventually(WAIT, || !self.fake.callbacks(&id).is_empty()).await;
                assert!(answered, "the interaction is answered");
                self.fake.callbacks(&id).remove(0)
            }
        };
        self.context.settle().await;
        response
    }

    /// What person `n` sees after `response`: a modal, private text, or the message they
    /// pressed on changed.
    fn outcome(
        &mut self,
        n: usize,
        response: &Value,
        privates_before: usize,
        pressed: Option<Value>,
    ) -> Outcome {
        if response["type"] == 9 {
            let modal = response["data"].clone();
            let form = form_of(&modal);
            self.forms.insert(n, (modal, pressed));
            return Outcome::Form(form);
        }
        if let Some(private) = self.privates(n).get(privates_before) {
            return Outcome::Private(shown(private).text);
        }
        let Some(pressed) = pressed else {
            return Outcome::Nothing;
        };
        let now = self
            .prompts(n)
            .into_iter()
            .find(|m| m["id"] == pressed["id"]);
        match now.map(|now| shown(&now)) {
            Some(now) if now != shown(&pressed) => Outcome::Updated(now),
            _ => Outcome::Nothing,
        }
    }

    /// Person `n`'s DM channel, split into what everyone sees and what only they see.
    fn dm_channel(&self, n: usize) -> (Vec<Value>, Vec<Value>) {
        let messages = self.fake.messages_to(&did(n));
        messages
            .into_iter()
            .partition(|m| m["flags"].as_u64().unwrap_or(0) & EPHEMERAL == 0)
    }

    fn prompts(&self, n: usize) -> Vec<Value> {
        self.dm_channel(n).0
    }

    fn privates(&self, n: usize) -> Vec<Value> {
        self.dm_channel(n).1
    }
}

/// The REST client on the fake.
fn api(fake: &FakeDiscord) -> DiscordApi {
    DiscordApi::new(
        &fake.api_url(),
        FakeDiscord::BOT_TOKEN,
        FakeDiscord::APPLICATION_ID,
    )
    .unwrap()
}
