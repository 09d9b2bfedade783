//! `/kudos`, read once for both platforms. Slack sends what was typed (mentions as
//! `<@U123|ana>` with the manifest's `should_escape`); Discord's options arrive as the same
//! words (`<@80351110224678912>`).
//!
//! - `/kudos @ana @ben for shipping the release on time #ownership`: give (also
//!   `/kudos give …`); `private` first (or `--private` anywhere) tells only them and their
//!   managers.
//! - `/kudos leaderboard [week|month|quarter] [TEAM]`, `/kudos undo`, `/kudos values`,
//!   `/kudos left`, `/kudos help`.

use super::values::ValueTag;
use crate::people::TeamName;

/// What `/kudos help` says.
pub const HELP: &str = "Recognise someone for what they did:\n\
• /kudos @ana @ben for shipping the release on time #ownership: kudos to one or more people, \
with a reason (10–500 characters) and company values as #tags\n\
• /kudos private @ana …: only Ana and her manager are told\n\
• /kudos undo: take back the kudos you just gave (within 5 minutes)\n\
• /kudos leaderboard [week|month|quarter] [team]: who was recognised, who recognised, and \
how widely\n\
• /kudos values: the company values to tag\n\
• /kudos left: how many you can still give, and when that resets";

/// A `/kudos` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KudosCommand {
    /// Give kudos.
    Give(GiveRequest),
    /// A leaderboard.
    Leaderboard {
        /// Which period (the current one).
        period: BoardPeriod,
        /// Only this team.
        team: Option<TeamName>,
    },
    /// Take back the kudos just given.
    Undo,
    /// List the company values.
    Values,
    /// How many are left to give.
    Left,
    /// What `/kudos` does.
    Help,
}

/// Kudos as typed: who, why, which values, and for whose eyes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiveRequest {
    /// The people named, by their platform user id, in order, each once.
    pub recipients: Vec<String>,
    /// The reason as typed, without the tags (checked by the workflow).
    pub reason: String,
    /// The value tags, each once.
    pub tags: Vec<ValueTag>,
    /// Only the recipients and their managers are told.
    pub private: bool,
}

/// A leaderboard's period: the current week (from Monday), month or quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoardPeriod {
    /// This week.
    Week,
    /// This month.
    #[default]
    Month,
    /// This quarter.
    Quarter,
}

impl BoardPeriod {
    /// Reads `week`, `month` or `quarter`.
    pub fn parse(word: &str) -> Option<Self> {
        match word.to_ascii_lowercase().as_str() {
            "week" | "weekly" => Some(Self::Week),
            "month" | "monthly" => Some(Self::Month),
            "quarter" | "quarterly" => Some(Self::Quarter),
            _ => None,
        }
    }

    /// `this week`, `this month`, `this quarter`.
    pub fn this(self) -> &'static str {
        match self {
            Self::Week => "this week",
            Self::Month => "this month",
            Self::Quarter => "this quarter",
        }
    }
}

/// Reads `/kudos`'s text. `Err` is the sentence to answer with.
pub fn parse(text: &str) -> Result<KudosCommand, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] | ["help"] => Ok(KudosCommand::Help),
        ["undo" | "retract"] => Ok(KudosCommand::Undo),
        ["values"] => Ok(KudosCommand::Values),
        ["left" | "allowance"] => Ok(KudosCommand::Left),
        ["leaderboard" | "top", rest @ ..] => leaderboard(rest),
        ["give", rest @ ..] => give(rest),
        rest => give(rest),
    }
}

fn leaderboard(words: &[&str]) -> Result<KudosCommand, String> {
    let period = words.first().and_then(|word| BoardPeriod::parse(word));
    let rest = if period.is_some() { &words[1..] } else { words };
    let team = if rest.is_empty() {
        None
    } else {
        let name = rest.join(" ");
        Some(TeamName::parse(name.trim_start_matches('#')).map_err(|invalid| invalid.to_string())?)
    };
    Ok(KudosCommand::Leaderboard {
        period: period.unwrap_or_default(),
        team,
    })
}

fn give(words: &[&str]) -> Result<KudosCommand, String> {
    let (words, private) = private_flag(words);
    let (recipients, rest) = mentions(&words)?;
    if recipients.is_empty() {
        return Err(
            "Name who you're recognising, then why: `/kudos @ana for shipping the release on \
             time #ownership`."
                .to_owned(),
        );
    }
    let (reason, tags) = reason_and_tags(rest)?;
    Ok(KudosCommand::Give(GiveRequest {
        recipients,
        reason,
        tags,
        private,
    }))
}

/// `words` without a privacy flag (`private` first, or `--private` anywhere), and whether
/// one was there.
pub fn private_flag<'a>(words: &[&'a str]) -> (Vec<&'a str>, bool) {
    let mut private = false;
    let mut words: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| {
            let flag = word.eq_ignore_ascii_case("--private");
            private |= flag;
            !flag
        })
        .collect();
    if words
        .first()
        .is_some_and(|word| word.eq_ignore_ascii_case("private"))
    {
        private = true;
        words.remove(0);
    }
    (words, private)
}

/// The people `words` start by mentioning (each once, `and`, `&` and commas between them
/// skipped), and the words after them; `Err` for an `@word` that is not a mention.
pub fn mentions<'w, 'a>(words: &'w [&'a str]) -> Result<(Vec<String>, &'w [&'a str]), String> {
    let mut people: Vec<String> = Vec::new();
    let mut rest = words;
    while let [word, tail @ ..] = rest {
        let word = word.trim_end_matches(',');
        if word.eq_ignore_ascii_case("and") || word == "&" || word.is_empty() {
            rest = tail;
            continue;
        }
        match mention(word) {
            Some(user) => {
                if !people.contains(&user) {
                    people.push(user);
                }
                rest = tail;
            }
            None if word.starts_with('@') => {
                return Err(format!(
                    "I can't tell who `{word}` is. Pick them from the list that opens as you \
                     type @, so that it becomes a mention."
                ));
            }
            None => break,
        }
    }
    Ok((people, rest))
}

/// A reason as typed, split into its words and its `#tags` (each once, in order). `Err` is
/// the sentence about a tag that cannot be one.
pub fn reason_and_tags(words: &[&str]) -> Result<(String, Vec<ValueTag>), String> {
    let mut tags = Vec::new();
    let mut reason = Vec::new();
    for word in words {
        let bare = word.trim_end_matches(['.', ',', '!', ';', ':']);
        if bare.len() > 1 && bare.starts_with('#') && !bare.starts_with("##") {
            let tag = ValueTag::parse(bare).map_err(|invalid| invalid.to_string())?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        } else {
            reason.push(*word);
        }
    }
    Ok((reason.join(" "), tags))
}

/// The user id in a mention: `<@U123>`, `<@U123|ana>` (Slack), `<@123>` or `<@!123>`
/// (Discord).
pub fn mention(word: &str) -> Option<String> {
    let inner = word.strip_prefix("<@")?.strip_suffix('>')?;
    let id = inner.split('|').next()?.trim_start_matches('!');
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(text: &str) -> GiveRequest {
        match parse(text) {
            Ok(KudosCommand::Give(request)) => request,
            other => panic!("a give, not {other:?}"),
        }
    }

    #[test]
    fn several_recipients_a_reason_and_tags_are_read_from_the_words() {
        let request = given(
            "<@U1|ana> <@U2>, and <@U1> for shipping the release on time #ownership #Customer-First!",
        );
        assert_eq!(request.recipients, ["U1", "U2"]);
        assert_eq!(request.reason, "for shipping the release on time");
        let tags: Vec<&str> = request.tags.iter().map(ValueTag::as_str).collect();
        assert_eq!(tags, ["ownership", "customer-first"]);
        assert!(!request.private);
    }

    #[test]
    fn private_kudos_are_asked_for_first_or_with_a_flag() {
        assert!(given("private <@U1> for the careful review").private);
        assert!(given("give <@80351110224678912> for the careful review --private").private);
        assert!(!given("<@U1> for keeping the repo private").private);
    }

    #[test]
    fn a_kudos_without_a_mention_says_how_to_name_someone() {
        assert!(
            parse("for nothing in particular")
                .unwrap_err()
                .contains("Name who")
        );
        assert!(
            parse("@ana for the release")
                .unwrap_err()
                .contains("can't tell who `@ana`")
        );
    }

    #[test]
    fn subcommands_are_read_before_a_give() {
        assert_eq!(parse("undo"), Ok(KudosCommand::Undo));
        assert_eq!(parse(""), Ok(KudosCommand::Help));
        assert_eq!(
            parse("leaderboard quarter Platform Team"),
            Ok(KudosCommand::Leaderboard {
                period: BoardPeriod::Quarter,
                team: Some(TeamName::parse("Platform Team").unwrap()),
            })
        );
        assert_eq!(
            parse("leaderboard"),
            Ok(KudosCommand::Leaderboard {
                period: BoardPeriod::Month,
                team: None
            })
        );
    }

    #[test]
    fn mentions_are_read_on_both_platforms() {
        assert_eq!(mention("<@U024BE7LH|ana>").as_deref(), Some("U024BE7LH"));
        assert_eq!(
            mention("<@!80351110224678912>").as_deref(),
            Some("80351110224678912")
        );
        assert_eq!(mention("<#C123|general>"), None);
        assert_eq!(mention("@ana"), None);
    }
}
