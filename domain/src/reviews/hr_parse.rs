//! `/rhythm cycle …`, HR's verbs in chat, read once for both platforms (Discord's options
//! arrive as the same words). A cycle is named by the rest of the text for verbs that take
//! only a name, and by its first word or a quoted name where more follows:
//!
//! - `/rhythm cycle list`; `/rhythm cycle status 2026 H2`
//! - `/rhythm cycle create 2026 H2 [for team:Platform]`: a draft from the standard form,
//!   deadlines from today, for everyone or the people named as in a policy file
//! - `/rhythm cycle start|release|close 2026 H2`
//! - `/rhythm cycle threshold "2026 H2" 3`
//! - `/rhythm cycle reopen "2026 H2" @ana @ben the ratings were swapped`

use super::cycle::MAX_NAME_CHARS;
use crate::kudos::command::mention;
use crate::schedule::Audience;

/// What `/rhythm cycle help` says.
pub const HELP: &str = "Review cycles, for HR:\n\
• /rhythm cycle list: every cycle, its state and progress\n\
• /rhythm cycle status 2026 H2: who owes what, per phase, and what is late\n\
• /rhythm cycle create 2026 H2: a draft cycle for everyone (or add `for team:Platform`), with \
the standard form and a week per phase from today (a [[review_cycle]] in the policy file sets \
any other form or dates)\n\
• /rhythm cycle start 2026 H2: starts it: self-reviews and manager reviews are written, \
everyone gets their packet\n\
• /rhythm cycle release 2026 H2: sends each person and their manager the results\n\
• /rhythm cycle close 2026 H2: stops taking reviews\n\
• /rhythm cycle threshold \"2026 H2\" 3: peers needed before their answers show (at least 3, \
only before release)\n\
• /rhythm cycle reopen \"2026 H2\" @ana @ben why: reopens Ben's submitted review of Ana";

/// An HR verb about review cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleCommand {
    /// Every cycle.
    List,
    /// One cycle's progress.
    Status(String),
    /// A draft from the standard template, for everyone or these participants.
    Create {
        /// Its name.
        name: String,
        /// Who is reviewed, if not everyone.
        participants: Option<Audience>,
    },
    /// Start a draft.
    Start(String),
    /// Release the results.
    Release(String),
    /// Stop taking reviews.
    Close(String),
    /// Set the anonymity threshold.
    Threshold {
        /// The cycle.
        name: String,
        /// Peers needed.
        k: usize,
    },
    /// Reopen a submitted review.
    Reopen {
        /// The cycle.
        name: String,
        /// Whom the review is about (a chat user id).
        subject: String,
        /// Who wrote it (a chat user id).
        reviewer: String,
        /// Why, for the audit log.
        reason: String,
    },
    /// What these verbs are.
    Help,
}

/// Reads the words after `/rhythm cycle`. `Err` is the sentence to answer with.
pub fn command(text: &str) -> Result<CycleCommand, String> {
    let text = text.trim();
    let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest = rest.trim();
    let named = |make: fn(String) -> CycleCommand| name(rest, verb).map(make);
    match verb.to_ascii_lowercase().as_str() {
        "" | "help" => Ok(CycleCommand::Help),
        "list" => Ok(CycleCommand::List),
        "status" | "show" => named(CycleCommand::Status),
        "create" => {
            let (name, participants) = match rest.rsplit_once(" for ") {
                Some((name, audience)) => match Audience::parse(audience) {
                    Ok(Audience::Channel(_)) | Err(_) => (rest, None),
                    Ok(audience) => (name, Some(audience)),
                },
                None => (rest, None),
            };
            self::name(name, verb).map(|name| CycleCommand::Create { name, participants })
        }
        "start" => named(CycleCommand::Start),
        "release" => named(CycleCommand::Release),
        "close" => named(CycleCommand::Close),
        "threshold" => {
            let (name, tail) = first_name(rest);
            let k = tail.trim();
            match (name.is_empty(), k.parse::<usize>()) {
                (false, Ok(k)) => Ok(CycleCommand::Threshold { name, k }),
                _ => Err(
                    "Give the cycle and the number of peers: `/rhythm cycle threshold \"2026 H2\" 3`."
                        .to_owned(),
                ),
            }
        }
        "reopen" => {
            let (name, tail) = first_name(rest);
            let words: Vec<&str> = tail.split_whitespace().collect();
            match words.as_slice() {
                [subject, reviewer, reason @ ..] if !name.is_empty() => {
                    let (Some(subject), Some(reviewer)) = (mention(subject), mention(reviewer))
                    else {
                        return Err(REOPEN.to_owned());
                    };
                    if reason.is_empty() {
                        return Err(
                            "Say why it is reopened: the reason goes in the audit log.".to_owned()
                        );
                    }
                    Ok(CycleCommand::Reopen {
                        name,
                        subject,
                        reviewer,
                        reason: reason.join(" "),
                    })
                }
                _ => Err(REOPEN.to_owned()),
            }
        }
        other => Err(format!("I don't know `cycle {other}`.\n{HELP}")),
    }
}

const REOPEN: &str = "Give the cycle, whom the review is about, who wrote it and why: \
`/rhythm cycle reopen \"2026 H2\" @ana @ben the ratings were swapped`.";

/// The whole of `rest` as a cycle name, quotes trimmed.
fn name(rest: &str, verb: &str) -> Result<String, String> {
    let name = rest.trim_matches(QUOTES).trim();
    if name.is_empty() {
        return Err(format!("Name the cycle: `/rhythm cycle {verb} 2026 H2`."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A cycle's name is at most {MAX_NAME_CHARS} characters."
        ));
    }
    Ok(name.to_owned())
}

const QUOTES: [char; 4] = ['"', '“', '”', '\''];

/// A leading quoted name, or the first word; and what follows it.
fn first_name(rest: &str) -> (String, &str) {
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix(QUOTES) {
        if let Some((end, quote)) = inner.char_indices().find(|(_, c)| QUOTES.contains(c)) {
            return (
                inner[..end].trim().to_owned(),
                &inner[end + quote.len_utf8()..],
            );
        }
        return (inner.trim().to_owned(), "");
    }
    let (word, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    (word.to_owned(), tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_verb_is_read_with_its_cycle() {
        assert_eq!(command(""), Ok(CycleCommand::Help));
        assert_eq!(command("list"), Ok(CycleCommand::List));
        assert_eq!(
            command("start 2026 H2"),
            Ok(CycleCommand::Start("2026 H2".into()))
        );
        assert_eq!(
            command("release \"2026 H2\""),
            Ok(CycleCommand::Release("2026 H2".into()))
        );
        assert_eq!(
            command("threshold “2026 H2” 3"),
            Ok(CycleCommand::Threshold {
                name: "2026 H2".into(),
                k: 3
            })
        );
        assert_eq!(
            command("threshold H2 4"),
            Ok(CycleCommand::Threshold {
                name: "H2".into(),
                k: 4
            })
        );
        assert_eq!(
            command("reopen \"2026 H2\" <@U1> <@U2> the ratings were swapped"),
            Ok(CycleCommand::Reopen {
                name: "2026 H2".into(),
                subject: "U1".into(),
                reviewer: "U2".into(),
                reason: "the ratings were swapped".into(),
            })
        );
    }

    #[test]
    fn bad_input_is_answered_with_how_to_write_it() {
        assert!(command("start").unwrap_err().contains("Name the cycle"));
        assert!(
            command("threshold \"2026 H2\" three")
                .unwrap_err()
                .contains("number of peers")
        );
        assert!(
            command("reopen H2 <@U1> <@U2>")
                .unwrap_err()
                .contains("Say why")
        );
        assert!(
            command("reopen H2 ana ben why")
                .unwrap_err()
                .contains("who wrote it")
        );
        assert!(
            command("dance")
                .unwrap_err()
                .starts_with("I don't know `cycle dance`")
        );
        assert!(
            command(&format!("create {}", "x".repeat(81)))
                .unwrap_err()
                .contains("at most 80")
        );
    }
}
