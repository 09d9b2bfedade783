//! `/oneonone` and `/feedback` on Discord: the subcommand with its typed options, people
//! picked as USER options (`@2` in the driver's text).

use rhythm_testing::discord::payloads::{self, OptionValue};

use super::{Discord, did};
use crate::chat::Outcome;

impl Discord {
    /// `/oneonone` or `/feedback` as Discord sends what a Slack user would type.
    pub(crate) async fn coaching(&mut self, n: usize, command: &str, text: &str) -> Outcome {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (verb, rest) = words
            .split_first()
            .map_or(("list", &[][..]), |(v, r)| (*v, r));
        let name = command.trim_start_matches('/');
        let mut options = Vec::new();
        let mut people = 0;
        let mut words = Vec::new();
        for word in rest {
            match word.strip_prefix('@').and_then(|m| m.parse::<usize>().ok()) {
                Some(m) => {
                    let option = match (name, verb, people) {
                        ("feedback", "request", 0) => "from".to_owned(),
                        ("feedback", "request", k) => format!("from_{}", k + 1),
                        ("feedback", _, _) => "to".to_owned(),
                        _ => "person".to_owned(),
                    };
                    options.push((option, OptionValue::User(did(m))));
                    people += 1;
                }
                None if *word == "private" => {
                    options.push(("private".to_owned(), OptionValue::Flag(true)));
                }
                None => words.push(*word),
            }
        }
        let rest = words.join(" ");
        let rest = rest.trim_start_matches("about ").trim_matches('"');
        let text_option = match (name, verb) {
            ("oneonone", "schedule") => Some("when"),
            ("oneonone", "add") => Some("point"),
            ("feedback", "request") => Some("about"),
            _ => None,
        };
        if let Some(option) = text_option.filter(|_| !rest.is_empty()) {
            options.push((option.to_owned(), OptionValue::Text(rest.to_owned())));
        }
        let options: Vec<(&str, OptionValue)> = options
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        let before = self.privates(n).len();
        let payload = payloads::slash_command_with(&did(n), name, Some((verb, options.as_slice())));
        let response = self.send(&payload).await;
        self.outcome(n, &response, before, None)
    }
}
