//! Review cycles on Discord: `/review` and `/rhythm cycle` as their subcommands and typed
//! options (`/rhythm cycle` is a subcommand group), more people with accounts, and a button
//! pressed by its label.

use std::ops::Range;

use rhythm_testing::discord::FakeDiscordUser;
use rhythm_testing::discord::payloads::{self, OptionValue};
use serde_json::Value;

use super::{Discord, did};
use crate::chat::Outcome;

impl Discord {
    /// Gives people `range` Discord accounts too.
    pub(crate) fn add_accounts(&self, range: Range<usize>) {
        for n in range {
            let (name, global) = (format!("person{n}"), format!("Person {n}"));
            self.fake
                .add_user(FakeDiscordUser::new(&did(n), &name, &global));
        }
    }

    /// `/review` as Discord sends what a Slack user would type: `nominate @3 @4 @5` is
    /// `nominate` with `peer1`…; `approve @2 [@3 …]` is `approve` with `report`, `peer1`….
    pub(crate) async fn review(&mut self, n: usize, text: &str) -> Outcome {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (verb, rest) = words
            .split_first()
            .map_or(("mine", &[][..]), |(v, r)| (*v, r));
        let mut options = Vec::new();
        for word in rest {
            let m: usize = word.trim_start_matches('@').parse().expect("a person");
            let name = match (verb, options.len()) {
                ("approve", 0) => "report".to_owned(),
                ("approve", k) => format!("peer{k}"),
                (_, k) => format!("peer{}", k + 1),
            };
            options.push((name, OptionValue::User(did(m))));
        }
        let options: Vec<(&str, OptionValue)> = options
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let payload = payloads::slash_command_with(&did(n), "review", Some((verb, &options)));
        self.run(n, &payload).await
    }

    /// `/rhythm cycle VERB …`: the cycle's `name` (quoted in `text` where more follows),
    /// `peers` for a threshold, `subject`, `reviewer` and `reason` to reopen.
    pub(crate) async fn cycle(&mut self, n: usize, text: &str) -> Outcome {
        let (verb, rest) = text.split_once(' ').unwrap_or((text, ""));
        let mut options = Vec::new();
        let (name, tail) = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').expect("a closing quote"),
            None => (rest, ""),
        };
        if !name.is_empty() {
            options.push(("name", OptionValue::Text(name.to_owned())));
        }
        let words: Vec<&str> = tail.split_whitespace().collect();
        match (verb, words.as_slice()) {
            ("threshold", [k]) => {
                options.push(("peers", OptionValue::Integer(k.parse().expect("a number"))));
            }
            ("reopen", [subject, reviewer, reason @ ..]) => {
                let person = |word: &str| did(word.trim_start_matches('@').parse().unwrap());
                options.push(("subject", OptionValue::User(person(subject))));
                options.push(("reviewer", OptionValue::User(person(reviewer))));
                options.push(("reason", OptionValue::Text(reason.join(" "))));
            }
            _ => {}
        }
        let payload = payloads::slash_command_in_group(&did(n), "rhythm", "cycle", verb, &options);
        self.run(n, &payload).await
    }

    /// Person `n` presses the button labelled `label` on their newest DM.
    pub(crate) async fn press_labelled(&mut self, n: usize, label: &str) -> Outcome {
        let Some(message) = self.prompts(n).pop() else {
            panic!("person {n} has no DM to press {label} on");
        };
        let rows = message["components"].as_array().into_iter().flatten();
        let custom_id = rows
            .flat_map(|row| row["components"].as_array().into_iter().flatten())
            .find(|button| button["label"] == label)
            .and_then(|button| button["custom_id"].as_str())
            .unwrap_or_else(|| panic!("no button {label} on {message}"))
            .to_owned();
        let payload = payloads::button(&did(n), &custom_id, &message);
        let before = self.privates(n).len();
        let response = self.send(&payload).await;
        self.outcome(n, &response, before, Some(message))
    }

    async fn run(&mut self, n: usize, payload: &Value) -> Outcome {
        let before = self.privates(n).len();
        let response = self.send(payload).await;
        self.outcome(n, &response, before, None)
    }
}
