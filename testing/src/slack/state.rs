//! What the fake workspace holds: people, conversations, messages, views, and every call.

use std::collections::{BTreeSet, HashMap};

use chrono::{Offset as _, Utc};
use chrono_tz::OffsetName as _;
use serde_json::{Value, json};

use super::FakeSlack;
use super::failures::{Failure, FailurePlan};

/// A member of the fake workspace, as `users.list` and `users.info` return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Slack user id, e.g. `U1` or `W012A3CDE`.
    pub id: String,
    /// `profile.email`; bots have none.
    pub email: Option<String>,
    /// `real_name` and `profile.real_name`.
    pub real_name: String,
    /// IANA zone, as Slack reports it in `tz`.
    pub tz: String,
    /// `is_bot`.
    pub is_bot: bool,
    /// `deleted`: a deactivated account.
    pub deleted: bool,
}

impl FakeUser {
    /// A person with an email, in Europe/Berlin.
    pub fn person(id: &str, email: &str, real_name: &str) -> Self {
        Self {
            id: id.to_owned(),
            email: Some(email.to_owned()),
            real_name: real_name.to_owned(),
            tz: "Europe/Berlin".to_owned(),
            is_bot: false,
            deleted: false,
        }
    }

    /// A bot user: no email, `is_bot: true`.
    pub fn bot(id: &str, real_name: &str) -> Self {
        Self {
            email: None,
            is_bot: true,
            ..Self::person(id, "", real_name)
        }
    }

    /// Slackbot, as every workspace's `users.list` has it: `USLACKBOT`, neither flagged a
    /// bot nor given an email.
    pub fn slackbot() -> Self {
        Self {
            email: None,
            tz: "America/Los_Angeles".to_owned(),
            ..Self::person("USLACKBOT", "", "Slackbot")
        }
    }

    /// The same user in another zone.
    pub fn in_zone(self, tz: &str) -> Self {
        Self {
            tz: tz.to_owned(),
            ..self
        }
    }

    /// The same user, deactivated.
    pub fn deactivated(self) -> Self {
        Self {
            deleted: true,
            ..self
        }
    }

    /// The user object Slack returns, shaped like `users.info`'s documented example.
    pub(crate) fn to_json(&self) -> Value {
        let name = self
            .email
            .as_deref()
            .and_then(|email| email.split('@').next())
            .unwrap_or(&self.id)
            .to_lowercase();
        let (tz_label, tz_offset) = zone_label_and_offset(&self.tz);
        let mut profile = json!({
            "avatar_hash": "g000000000",
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": name,
            "display_name_normalized": name,
            "status_text": "",
            "status_emoji": "",
            "team": FakeSlack::TEAM_ID,
        });
        if let Some(email) = &self.email {
            profile["email"] = json!(email);
        }
        if self.is_bot {
            profile["bot_id"] = json!(format!("B{}", self.id.trim_start_matches(['U', 'W'])));
        }
        json!({
            "id": self.id,
            "team_id": FakeSlack::TEAM_ID,
            "name": name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": false,
            "is_owner": false,
            "is_primary_owner": false,
            "is_restricted": false,
            "is_ultra_restricted": false,
            "is_bot": self.is_bot,
            "is_app_user": false,
            "is_email_confirmed": self.email.is_some(),
            "has_2fa": false,
            "updated": 1_700_000_000,
        })
    }
}

/// Slack sends the zone's current name (`Central European Time`; the fake gives the
/// abbreviation, `CET`) and UTC offset in seconds next to `tz`.
fn zone_label_and_offset(tz: &str) -> (String, i32) {
    match tz.parse::<chrono_tz::Tz>() {
        Ok(zone) => {
            let offset = *Utc::now().with_timezone(&zone).offset();
            let label = offset.abbreviation().unwrap_or(tz).to_owned();
            (label, offset.fix().local_minus_utc())
        }
        Err(_) => (tz.to_owned(), 0),
    }
}

/// A message as it now stands in a conversation (after any `chat.update`).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeMessage {
    /// Conversation id (`D…` for a DM).
    pub channel: String,
    /// Slack's message id, e.g. `1700000000.000100`.
    pub ts: String,
    /// `text` (empty when the message has only blocks).
    pub text: String,
    /// `blocks` (empty when the message has only text).
    pub blocks: Vec<Value>,
    /// `thread_ts` when the message is a reply.
    pub thread_ts: Option<String>,
}

/// One Web API call as the fake received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// The method, e.g. `chat.postMessage`.
    pub method: String,
    /// The parameters as one JSON object, whatever encoding they came in.
    pub params: Value,
    /// What the fake answered.
    pub outcome: CallOutcome,
}

/// What the fake answered to a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// `{"ok": true, …}`.
    Ok,
    /// `{"ok": false, "error": …}` decided by the fake's own rules (`not_authed`,
    /// `message_not_found`, …).
    SlackError(String),
    /// A failure scripted with `fail_next` or `fail_randomly`.
    Injected(Failure),
}

/// A conversation the bot can post to.
#[derive(Debug, Default)]
pub(crate) struct Channel {
    /// The other member of a DM.
    pub(crate) user: Option<String>,
    pub(crate) messages: Vec<FakeMessage>,
}

/// Everything behind the fake's lock.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) users: Vec<FakeUser>,
    pub(crate) channels: HashMap<String, Channel>,
    /// Ephemeral messages, with the user who saw each.
    pub(crate) ephemerals: Vec<(String, FakeMessage)>,
    /// Stateful view objects, in the order they were opened.
    pub(crate) views: Vec<Value>,
    pub(crate) calls: Vec<RecordedCall>,
    pub(crate) failures: FailurePlan,
    pub(crate) tickets: BTreeSet<String>,
    counter: u64,
    messages_posted: u64,
}

impl State {
    /// A fresh number for ids, timestamps and tickets; never repeats.
    pub(crate) fn next_number(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// The next message `ts`: `1700000000.000100`, `1700000000.000200`, …
    pub(crate) fn next_ts(&mut self) -> String {
        self.messages_posted += 1;
        let micros = 1_700_000_000_000_000 + self.messages_posted * 100;
        format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
    }

    /// The scripted failure for this call, if any. Taken under the same lock as the call
    /// is recorded, so the order of calls decides which one fails.
    pub(crate) fn take_failure(&mut self, method: &str) -> Option<Failure> {
        self.failures.take(method)
    }

    pub(crate) fn user(&self, id: &str) -> Option<&FakeUser> {
        self.users.iter().find(|user| user.id == id)
    }

    /// The DM with `user_id`, opened if needed. Its id is stable: [`dm_channel_id`].
    pub(crate) fn open_dm(&mut self, user_id: &str) -> (String, bool) {
        let id = dm_channel_id(user_id);
        let already_open = self.channels.contains_key(&id);
        self.channels.entry(id.clone()).or_insert_with(|| Channel {
            user: Some(user_id.to_owned()),
            messages: Vec::new(),
        });
        (id, already_open)
    }

    /// Where a `channel` parameter points: a known conversation, or a user id, which
    /// Slack takes as the app's DM with that user.
    pub(crate) fn resolve_channel(&mut self, channel: &str) -> Option<String> {
        if self.channels.contains_key(channel) {
            Some(channel.to_owned())
        } else if self.user(channel).is_some() {
            Some(self.open_dm(channel).0)
        } else {
            // A person's DM with the app exists in Slack before the app opens it: they can
            // type a command there.
            let user = self.dm_user(channel)?;
            Some(self.open_dm(&user).0)
        }
    }

    /// The user whose DM with the bot `channel` is, by [`dm_channel_id`], if they exist.
    fn dm_user(&self, channel: &str) -> Option<String> {
        let id = channel.strip_prefix('D')?;
        ["U", "W"]
            .into_iter()
            .map(|prefix| format!("{prefix}{id}"))
            .find(|user| self.user(user).is_some())
    }
}

/// The DM id the fake gives the conversation between the bot and `user_id`: `D` followed
/// by the user id without its `U`/`W` prefix (`U1` → `D1`), so tests and payload builders
/// know it without asking.
pub fn dm_channel_id(user_id: &str) -> String {
    format!("D{}", user_id.trim_start_matches(['U', 'W']))
}
