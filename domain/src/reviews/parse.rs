//! `/review`, read once for both platforms (Discord's options arrive as the same words):
//!
//! - `/review`: the reviews you owe in the running cycle, with *Write review* buttons, and
//!   where your own review stands.
//! - `/review nominate @ana @ben @cy`: the peers you would like to review you.
//! - `/review approve @ben [@ana @cy]`: approve your report's nominations, as they are or as
//!   you list them.
//! - `/review results`: your results, once released; `/review ack` acknowledges them.
//! - `/review help`.

use crate::kudos::command::{mention, mentions};

/// What `/review help` says.
pub const HELP: &str = "Review cycles, in chat:\n\
• /review: the reviews you owe in the running cycle, each with *Write review*, and where \
your own review stands\n\
• /review nominate @ana @ben @cy: name the peers you would like to review you; your \
manager approves them\n\
• /review approve @ben: approve your report's nominations as they are, or list the peers \
you approve instead: /review approve @ben @ana @cy\n\
• /review results: your results once HR releases them; /review ack acknowledges them\n\
Drafts are saved as you go; a submitted review is locked. Anonymous peer answers are only \
shown together, once enough peers have answered.";

/// A `/review` command; people are chat user ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewCommand {
    /// What I owe and where my review stands.
    Mine,
    /// Nominate these peers.
    Nominate(Vec<String>),
    /// Approve this report's nominations, or these peers instead.
    Approve {
        /// The report.
        report: String,
        /// The approved peers, if the manager lists them.
        peers: Vec<String>,
    },
    /// My released results.
    Results,
    /// Acknowledge my results.
    Acknowledge,
    /// What `/review` does.
    Help,
}

/// Reads `/review`'s text. `Err` is the sentence to answer with.
pub fn command(text: &str) -> Result<ReviewCommand, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] | ["list" | "mine" | "write"] => Ok(ReviewCommand::Mine),
        ["help", ..] => Ok(ReviewCommand::Help),
        ["results" | "result"] => Ok(ReviewCommand::Results),
        ["ack" | "acknowledge"] => Ok(ReviewCommand::Acknowledge),
        ["nominate", rest @ ..] => {
            let peers = only_mentions(rest)?;
            if peers.is_empty() {
                return Err("Name the peers: `/review nominate @ana @ben @cy`.".to_owned());
            }
            Ok(ReviewCommand::Nominate(peers))
        }
        ["approve", rest @ ..] => {
            let people = only_mentions(rest)?;
            match people.split_first() {
                Some((report, peers)) => Ok(ReviewCommand::Approve {
                    report: report.clone(),
                    peers: peers.to_vec(),
                }),
                None => Err("Name your report: `/review approve @ben`.".to_owned()),
            }
        }
        [verb, ..] => Err(format!("I don't know `{verb}`.\n{HELP}")),
    }
}

/// The people `words` mention, refusing anything else.
fn only_mentions(words: &[&str]) -> Result<Vec<String>, String> {
    let (people, rest) = mentions(words)?;
    match rest.first() {
        None => Ok(people),
        Some(word) if mention(word).is_none() => Err(format!(
            "I can't tell who `{word}` is. Pick people from the list that opens as you type @, \
             so that each becomes a mention."
        )),
        Some(word) => Err(format!("I did not expect `{word}` there.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_verb_is_read_with_its_mentions() {
        assert_eq!(command(""), Ok(ReviewCommand::Mine));
        assert_eq!(command("help me"), Ok(ReviewCommand::Help));
        assert_eq!(command("results"), Ok(ReviewCommand::Results));
        assert_eq!(command("ack"), Ok(ReviewCommand::Acknowledge));
        assert_eq!(
            command("nominate <@U1> <@U2>, and <@U3>"),
            Ok(ReviewCommand::Nominate(vec![
                "U1".into(),
                "U2".into(),
                "U3".into()
            ]))
        );
        assert_eq!(
            command("approve <@U9>"),
            Ok(ReviewCommand::Approve {
                report: "U9".into(),
                peers: Vec::new()
            })
        );
        assert_eq!(
            command("approve <@U9> <@U1> <@U2>"),
            Ok(ReviewCommand::Approve {
                report: "U9".into(),
                peers: vec!["U1".into(), "U2".into()]
            })
        );
    }

    #[test]
    fn bad_input_is_answered_with_how_to_write_it() {
        assert!(
            command("nominate")
                .unwrap_err()
                .contains("/review nominate @ana")
        );
        assert!(command("nominate ana").unwrap_err().contains("`ana`"));
        assert!(
            command("approve")
                .unwrap_err()
                .contains("/review approve @ben")
        );
        assert!(
            command("appraise")
                .unwrap_err()
                .starts_with("I don't know `appraise`.")
        );
    }
}
