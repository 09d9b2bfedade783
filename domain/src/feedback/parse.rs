//! `/feedback`, read once for both platforms:
//!
//! - `/feedback request @ana @ben about "the Q3 launch"`: ask peers for feedback about you.
//! - `/feedback give @ana`: give feedback unprompted (a form).
//! - `/feedback`: feedback you received, and requests waiting for your answer.
//! - `/feedback help`.

use crate::kudos::command::{mention, mentions};

/// What `/feedback help` says.
pub const HELP: &str = "Feedback helps people grow:\n\
• /feedback request @ana @ben about \"the Q3 launch\": ask up to 10 people for feedback about \
you; each gets a short form, a reminder if they have not answered, and the request expires \
after a while\n\
• /feedback give @ana: give someone feedback, unprompted (a form). They and their manager \
read it with your name, unless you choose \"manager only\"\n\
• /feedback: feedback you received, and requests waiting for your answer";

/// The most people one request asks.
pub const MAX_ASKED: usize = 10;
/// The longest topic.
pub const MAX_ABOUT_CHARS: usize = 200;

/// A `/feedback` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackCommand {
    /// Ask these people (user ids) for feedback about the topic.
    Request {
        /// Whom to ask.
        from: Vec<String>,
        /// What about.
        about: String,
    },
    /// Give feedback to the person mentioned.
    Give {
        /// Whom it is about.
        to: String,
    },
    /// What I received and what waits for me.
    Mine,
    /// What `/feedback` does.
    Help,
}

/// Reads `/feedback`'s text. `Err` is the sentence to answer with.
pub fn command(text: &str) -> Result<FeedbackCommand, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] | ["list" | "mine"] => Ok(FeedbackCommand::Mine),
        ["help", ..] => Ok(FeedbackCommand::Help),
        ["request" | "ask", rest @ ..] => request(rest),
        ["give", who] => Ok(FeedbackCommand::Give {
            to: mention(who).ok_or_else(|| unknown(who))?,
        }),
        ["give", ..] => Err("Name one person: `/feedback give @ana`.".to_owned()),
        [verb, ..] => Err(format!("I don't know `{verb}`.\n{HELP}")),
    }
}

fn unknown(word: &str) -> String {
    format!(
        "I can't tell who `{word}` is. Pick them from the list that opens as you type @, so that \
         it becomes a mention."
    )
}

fn request(words: &[&str]) -> Result<FeedbackCommand, String> {
    let (from, rest) = mentions(words)?;
    if from.is_empty() {
        return Err(
            "Name whom to ask, then what about: `/feedback request @ana @ben about \"the Q3 \
             launch\"`."
                .to_owned(),
        );
    }
    if from.len() > MAX_ASKED {
        return Err(format!("Ask at most {MAX_ASKED} people at once."));
    }
    let rest = match rest {
        [first, tail @ ..] if first.eq_ignore_ascii_case("about") => tail,
        _ => rest,
    };
    let about = rest
        .join(" ")
        .trim()
        .trim_matches(['"', '“', '”', '\''])
        .trim()
        .to_owned();
    if about.chars().count() < 3 {
        return Err(
            "Say what you'd like feedback about: `/feedback request @ana about \"the Q3 \
             launch\"`."
                .to_owned(),
        );
    }
    if about.chars().count() > MAX_ABOUT_CHARS {
        return Err(format!(
            "Keep the topic to {MAX_ABOUT_CHARS} characters; this one is {}.",
            about.chars().count()
        ));
    }
    Ok(FeedbackCommand::Request { from, about })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_people_then_a_topic_quoted_or_not() {
        assert_eq!(
            command("request <@U1|ana> <@U2> about \"the Q3 launch\""),
            Ok(FeedbackCommand::Request {
                from: vec!["U1".to_owned(), "U2".to_owned()],
                about: "the Q3 launch".to_owned(),
            })
        );
        // Discord's options arrive without `about`.
        assert_eq!(
            command("request <@1> <@1> the offsite"),
            Ok(FeedbackCommand::Request {
                from: vec!["1".to_owned()],
                about: "the offsite".to_owned(),
            })
        );
        assert!(
            command("request about x")
                .unwrap_err()
                .contains("Name whom")
        );
        assert!(
            command("request <@U1>")
                .unwrap_err()
                .contains("what you'd like")
        );
        assert!(
            command("request @ana about it")
                .unwrap_err()
                .contains("`@ana`")
        );
        let many: Vec<String> = (0..11).map(|n| format!("<@U{n}>")).collect();
        assert!(command(&format!("request {} about x y z", many.join(" "))).is_err());
    }

    #[test]
    fn give_names_one_person() {
        assert_eq!(
            command("give <@U1>"),
            Ok(FeedbackCommand::Give {
                to: "U1".to_owned()
            })
        );
        assert!(command("give").is_err());
        assert!(command("give ana").unwrap_err().contains("`ana`"));
        assert_eq!(command(""), Ok(FeedbackCommand::Mine));
        assert!(command("dance").unwrap_err().starts_with("I don't know"));
    }
}
