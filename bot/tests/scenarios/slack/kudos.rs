//! Kudos on Slack: `/kudos` typed with mentions, the kudos emoji as a `reaction_added` event
//! (over the Events API or Socket Mode), *Give kudos for this* as a message shortcut, and
//! the announcements in the kudos channel.

use std::sync::Arc;

use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::kudos::for_message::SLACK_CALLBACK_ID;
use rhythm_scheduler::notices::NoticePoster;
use rhythm_testing::TestDb;
use rhythm_testing::slack::FakeSlack;
use rhythm_testing::slack::payloads;
use serde_json::Value;

use super::{Slack, uid};
use crate::chat::{Emoji, Outcome, Post, Shown};

/// The channel people write in, and react in.
pub(crate) const TEAM_CHANNEL: &str = "C0TEAM0001";
/// Where public kudos are announced.
pub(crate) const KUDOS_CHANNEL: &str = "C0KUDOS001";

impl Slack {
    pub(crate) async fn kudos(&mut self, db: &TestDb, n: usize, text: &str) -> Outcome {
        self.mentioning(db, n, "/kudos", text).await
    }

    /// Person `n` runs `command` with `text`, people named `@1` typed as mentions.
    pub(crate) async fn mentioning(
        &mut self,
        db: &TestDb,
        n: usize,
        command: &str,
        text: &str,
    ) -> Outcome {
        let typed: Vec<String> = text
            .split_whitespace()
            .map(|word| match person(word) {
                // Slack escapes a mention picked from the list (the manifest's should_escape).
                Some(m) => format!("<@{}|person{m}>", uid(m)),
                None => word.to_owned(),
            })
            .collect();
        self.command(db, n, command, &typed.join(" ")).await
    }

    pub(crate) fn post(&mut self, n: usize) -> Post {
        self.posts += 1;
        Post {
            author: n,
            id: format!("1767607200.{:06}", self.posts),
            message: Value::Null,
        }
    }

    /// Delivers `reaction_added` for person `n`'s `emoji` on `post`; what they were whispered.
    pub(crate) async fn react(
        &mut self,
        db: &TestDb,
        n: usize,
        post: &Post,
        emoji: Emoji,
    ) -> Option<String> {
        let name = match emoji {
            Emoji::Kudos => "clap",
            Emoji::KudosToned => "clap::skin-tone-3",
            Emoji::Other => "thumbsup",
        };
        self.posts += 1;
        let event = payloads::reaction_added(
            &uid(n),
            name,
            &uid(post.author),
            TEAM_CHANNEL,
            &post.id,
            &format!("1767607300.{:06}", self.posts),
        );
        let callback = payloads::event_callback(&format!("Ev{:08}", self.posts), event);
        self.reactions.insert(n, callback.clone());
        self.deliver_event(db, n, callback, 0).await
    }

    /// Slack's retry of person `n`'s last reaction event: the same event id.
    pub(crate) async fn redeliver_reaction(&mut self, db: &TestDb, n: usize) -> Option<String> {
        let Some(callback) = self.reactions.get(&n).cloned() else {
            panic!("person {n} has not reacted");
        };
        self.deliver_event(db, n, callback, 1).await
    }

    pub(crate) async fn shortcut(&mut self, db: &TestDb, n: usize, post: &Post) -> Outcome {
        let trigger = self.fake.new_trigger_id();
        let action = payloads::message_action(
            &uid(n),
            SLACK_CALLBACK_ID,
            &uid(post.author),
            TEAM_CHANNEL,
            &post.id,
            &trigger,
        );
        let before = self.before(n);
        let form = payloads::interactive_form_body(&action);
        let ack = self.deliver(db, "interactive", action, form).await;
        assert_eq!(ack, None, "a shortcut is acked with nothing");
        self.outcome(n, &before, None).await
    }

    pub(crate) async fn post_notices(&self, db: &TestDb) -> u32 {
        let api = SlackApi::new(&self.fake.api_url(), FakeSlack::BOT_TOKEN);
        let messenger = SlackMessenger::new(api, db.store.clone());
        let clock = Arc::new(db.clock.clone());
        let poster = NoticePoster::new(db.store.clone(), messenger, clock).unwrap();
        poster.run_once().await.unwrap().posted
    }

    pub(crate) fn kudos_channel(&self) -> Vec<Shown> {
        let messages = self.fake.messages_in(KUDOS_CHANNEL);
        messages.iter().map(super::wire::shown).collect()
    }

    /// Delivers an Events API callback (retried `retry` times before) and waits for what it
    /// makes Rhythm do; what person `n` was whispered meanwhile.
    async fn deliver_event(
        &self,
        db: &TestDb,
        n: usize,
        callback: Value,
        retry: u32,
    ) -> Option<String> {
        let before = self.fake.ephemerals_to(&uid(n)).len();
        match &self.http {
            None => {
                let id = format!(
                    "{:08x}-0000-4000-8000-{retry:012x}",
                    callback_number(&callback)
                );
                let ack = self
                    .fake
                    .send_envelope_with_id(&id, "events_api", callback, false, retry)
                    .await
                    .unwrap();
                assert_eq!(ack, None, "an event is acked with nothing");
            }
            Some(base) => {
                let body = callback.to_string();
                let at = db.clock.now().timestamp();
                let mut request = reqwest::Client::new()
                    .post(format!("{base}/slack/events"))
                    .header("content-type", "application/json")
                    .body(body.clone());
                for (name, value) in
                    payloads::signed_headers(FakeSlack::SIGNING_SECRET, at, body.as_bytes())
                {
                    request = request.header(name, value);
                }
                if retry > 0 {
                    request = request
                        .header("x-slack-retry-num", retry.to_string())
                        .header("x-slack-retry-reason", "http_timeout");
                }
                let response = request.send().await.unwrap();
                assert_eq!(response.status().as_u16(), 200, "{body}");
            }
        }
        self.context.settle().await;
        let whispered = self.fake.ephemerals_to(&uid(n));
        whispered
            .get(before)
            .map(|whisper| super::wire::shown(whisper).text)
    }
}

/// The person a word like `@2` names.
fn person(word: &str) -> Option<usize> {
    word.strip_prefix('@')?.parse().ok()
}

/// The number in an event's id (`Ev00000012`), for its envelope's id.
fn callback_number(callback: &Value) -> u64 {
    let id = callback["event_id"].as_str().unwrap_or_default();
    id.trim_start_matches("Ev").parse().unwrap_or_default()
}
