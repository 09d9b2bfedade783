//! Kudos on Discord: `/kudos` as its subcommands with typed options (people picked as USER
//! options), the kudos emoji as the gateway's `MESSAGE_REACTION_ADD`, *Give kudos for this*
//! as a message command, and the announcements in the kudos channel.

use std::time::Duration;

use rhythm_bot::discord::messenger::DiscordMessenger;
use rhythm_domain::kudos::for_message::COMMAND_NAME;
use rhythm_scheduler::notices::NoticePoster;
use rhythm_testing::discord::payloads::{self, OptionValue};
use rhythm_testing::{TestDb, eventually};

use super::{Discord, WAIT, api, did};
use crate::chat::{Emoji, Outcome, Post, Shown};

/// Where public kudos are announced.
pub(crate) const KUDOS_CHANNEL: &str = "1100000000000000001";
/// How long a reaction that should say nothing is given to say something: the gateway hands
/// it over with no answer to wait for.
const SILENCE: Duration = Duration::from_millis(750);
/// The subcommands that are not `give`.
const SUBCOMMANDS: [&str; 5] = ["leaderboard", "undo", "values", "left", "help"];

impl Discord {
    /// `/kudos` as Discord sends it for what a Slack user would type: `give` with the people
    /// as `to`, `to_2`…, the rest as `reason`, and `private` as a flag; or another
    /// subcommand with its options.
    pub(crate) async fn kudos(&mut self, n: usize, text: &str) -> Outcome {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (subcommand, options) = match words.split_first() {
            Some((verb, rest)) if SUBCOMMANDS.contains(verb) => (*verb, other(verb, rest)),
            _ => ("give", give(&words)),
        };
        let before = self.privates(n).len();
        let command =
            payloads::slash_command_with(&did(n), "kudos", Some((subcommand, options.as_slice())));
        let response = self.send(&command).await;
        self.outcome(n, &response, before, None)
    }

    pub(crate) fn post(&mut self, n: usize) -> Post {
        let message = payloads::guild_message(&did(n), "Shipped it: the release is out.");
        Post {
            author: n,
            id: message["id"].as_str().unwrap().to_owned(),
            message,
        }
    }

    /// Dispatches person `n`'s `emoji` on `post`; the DM they were sent about it, waited for
    /// if `answered`.
    pub(crate) async fn react(
        &mut self,
        n: usize,
        post: &Post,
        emoji: Emoji,
        answered: bool,
    ) -> Option<String> {
        let emoji = match emoji {
            Emoji::Kudos => "👏",
            Emoji::KudosToned => "👏🏽",
            Emoji::Other => "👍",
        };
        let data = payloads::reaction_add(&did(n), emoji, &post.message);
        self.reactions.insert(n, data);
        self.redeliver_reaction(n, answered).await
    }

    /// Dispatches person `n`'s last reaction (again).
    pub(crate) async fn redeliver_reaction(&mut self, n: usize, answered: bool) -> Option<String> {
        let Some(data) = self.reactions.get(&n).cloned() else {
            panic!("person {n} has not reacted");
        };
        let before = self.prompts(n).len();
        self.fake.dispatch("MESSAGE_REACTION_ADD", data);
        let wait = if answered { WAIT } else { SILENCE };
        eventually(wait, || self.prompts(n).len() > before).await;
        self.context.settle().await;
        let dms = self.prompts(n);
        dms.get(before).map(|dm| super::wire::shown(dm).text)
    }

    pub(crate) async fn shortcut(&mut self, n: usize, post: &Post) -> Outcome {
        let before = self.privates(n).len();
        let command = payloads::message_command(&did(n), COMMAND_NAME, &post.message);
        let response = self.send(&command).await;
        // Used in the guild's channel, its ephemeral answer is kept there, not in the DM.
        if response["type"] == 4 {
            return Outcome::Private(super::wire::shown(&response["data"]).text);
        }
        self.outcome(n, &response, before, None)
    }

    pub(crate) async fn post_notices(&self, db: &TestDb) -> u32 {
        let messenger = DiscordMessenger::new(api(&self.fake), db.store.clone());
        let clock = std::sync::Arc::new(db.clock.clone());
        let poster = NoticePoster::new(db.store.clone(), messenger, clock).unwrap();
        poster.run_once().await.unwrap().posted
    }

    pub(crate) fn kudos_channel(&self) -> Vec<Shown> {
        let messages = self.fake.messages_in(KUDOS_CHANNEL);
        messages.iter().map(super::wire::shown).collect()
    }
}

/// `give`'s options for `words`: `private` first is the flag, `@2` a person, the rest the
/// reason.
fn give(words: &[&str]) -> Vec<(&'static str, OptionValue)> {
    const TO: [&str; 4] = ["to", "to_2", "to_3", "to_4"];
    let mut options = Vec::new();
    let mut reason = Vec::new();
    let mut people = 0;
    for (i, word) in words.iter().enumerate() {
        match word.strip_prefix('@').and_then(|m| m.parse::<usize>().ok()) {
            Some(m) => {
                options.push((TO[people], OptionValue::User(did(m))));
                people += 1;
            }
            None if i == 0 && *word == "private" => {
                options.push(("private", OptionValue::Flag(true)));
            }
            None => reason.push(*word),
        }
    }
    if !reason.is_empty() {
        options.push(("reason", OptionValue::Text(reason.join(" "))));
    }
    options
}

/// Another subcommand's options: `leaderboard`'s period and team.
fn other(verb: &str, rest: &[&str]) -> Vec<(&'static str, OptionValue)> {
    if verb != "leaderboard" {
        assert!(rest.is_empty(), "/kudos {verb} takes no options");
        return Vec::new();
    }
    let mut options = Vec::new();
    let mut rest = rest;
    if let Some((period, tail)) = rest.split_first()
        && ["week", "month", "quarter"].contains(period)
    {
        options.push(("period", OptionValue::Text((*period).to_owned())));
        rest = tail;
    }
    if !rest.is_empty() {
        options.push(("team", OptionValue::Text(rest.join(" "))));
    }
    options
}
