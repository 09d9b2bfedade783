//! `/oneonone`, read once for both platforms (Discord's options arrive as the same words):
//!
//! - `/oneonone`: your 1:1s, the next session of each, and open action items.
//! - `/oneonone schedule @ben every 2 weeks Thursday 15:00 [for 45m]`: set up (or change)
//!   a manager's 1:1s with a report; the manager or HR.
//! - `/oneonone add [@ben] [private] let's talk about the offsite`: a talking point for the
//!   next session (`--private` anywhere works too).
//! - `/oneonone notes @ben`: record the last session's notes now.
//! - `/oneonone cancel @ben`, `/oneonone help`.

use chrono::{NaiveTime, Weekday};

use crate::kudos::command::{mention, private_flag};

/// What `/oneonone help` says.
pub const HELP: &str = "1:1s keep a manager and a report in step:\n\
• /oneonone: your 1:1s, when the next one is, and open action items\n\
• /oneonone schedule @ben every 2 weeks Thursday 15:00: set up 1:1s with a report (their \
manager or HR); add `for 45m` for a longer session\n\
• /oneonone add @ben what to talk about: a talking point for the next session, shared with \
both of you; `/oneonone add private @ben …` keeps it to yourself\n\
• /oneonone notes @ben: record notes and action items of your last session\n\
• /oneonone cancel @ben: stop the 1:1s (their record stays)\n\
Before each session you both get the agenda: check-ins, goals, kudos and feedback since the \
last one, open action items and talking points.";

/// Minutes a session lasts unless set.
pub const DEFAULT_MINUTES: u32 = 30;

/// A `/oneonone` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOnOneCommand {
    /// Your 1:1s.
    List,
    /// Set up 1:1s with the person mentioned.
    Schedule {
        /// Their user id on the platform.
        with: String,
        /// Weeks between sessions.
        every_weeks: u32,
        /// The weekday.
        weekday: Weekday,
        /// The local time (the setter's zone).
        at: NaiveTime,
        /// Minutes a session lasts.
        minutes: u32,
    },
    /// A talking point.
    Add {
        /// With whom (optional when there is one series).
        with: Option<String>,
        /// What.
        text: String,
        /// Only for its author.
        private: bool,
    },
    /// Record the last session's notes.
    Notes {
        /// With whom (optional when there is one series).
        with: Option<String>,
    },
    /// Stop the 1:1s.
    Cancel {
        /// With whom.
        with: String,
    },
    /// What `/oneonone` does.
    Help,
}

/// The longest talking point.
pub const MAX_POINT_CHARS: usize = 500;

/// Reads `/oneonone`'s text. `Err` is the sentence to answer with.
pub fn command(text: &str) -> Result<OneOnOneCommand, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] | ["list" | "mine"] => Ok(OneOnOneCommand::List),
        ["help", ..] => Ok(OneOnOneCommand::Help),
        ["schedule" | "set", rest @ ..] => schedule(rest),
        ["add" | "point", rest @ ..] => add(rest),
        ["notes" | "record"] => Ok(OneOnOneCommand::Notes { with: None }),
        ["notes" | "record", who] => Ok(OneOnOneCommand::Notes {
            with: Some(person(who)?),
        }),
        ["cancel" | "stop", who] => Ok(OneOnOneCommand::Cancel { with: person(who)? }),
        ["cancel" | "stop", ..] => {
            Err("Name whose 1:1s to stop: `/oneonone cancel @ben`.".to_owned())
        }
        [verb, ..] => Err(format!("I don't know `{verb}`.\n{HELP}")),
    }
}

/// The user id a word mentions, or the sentence saying it does not name anyone.
fn person(word: &str) -> Result<String, String> {
    mention(word).ok_or_else(|| {
        format!(
            "I can't tell who `{word}` is. Pick them from the list that opens as you type @, so \
             that it becomes a mention."
        )
    })
}

fn schedule(words: &[&str]) -> Result<OneOnOneCommand, String> {
    let Some((who, rest)) = words.split_first() else {
        return Err(
            "Name the report and when: `/oneonone schedule @ben every 2 weeks Thursday 15:00`."
                .to_owned(),
        );
    };
    let with = person(who)?;
    let When {
        every_weeks,
        weekday,
        at,
        minutes,
    } = when(rest)?;
    Ok(OneOnOneCommand::Schedule {
        with,
        every_weeks,
        weekday,
        at,
        minutes,
    })
}

/// When a pair's 1:1s happen, as `/oneonone schedule @ben …` and a policy file's `when`
/// write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// Weeks between sessions.
    pub every_weeks: u32,
    /// The weekday.
    pub weekday: Weekday,
    /// The local time.
    pub at: NaiveTime,
    /// Minutes a session lasts.
    pub minutes: u32,
}

/// Reads `every 2 weeks Thursday 15:00 [for 45m]`, a word at a time.
pub fn when(words: &[&str]) -> Result<When, String> {
    let (rest, minutes) = match words {
        [head @ .., "for", length] => (head, session_minutes(length)?),
        _ => (words, DEFAULT_MINUTES),
    };
    let (every_weeks, weekday, at) = super::parse_cadence(rest)?;
    Ok(When {
        every_weeks,
        weekday,
        at,
        minutes,
    })
}

/// `45m`, `1h`, `90`: 5 minutes to 8 hours.
fn session_minutes(word: &str) -> Result<u32, String> {
    let text = if word.chars().all(|c| c.is_ascii_digit()) {
        format!("{word}m")
    } else {
        word.to_owned()
    };
    let minutes = crate::duration::HumanDuration::parse(&text)
        .map(|d| d.as_std().as_secs() / 60)
        .map_err(|_| format!("`{word}` is not a length: write it like `45m` or `1h`."))?;
    u32::try_from(minutes)
        .ok()
        .filter(|m| (5..=480).contains(m))
        .ok_or_else(|| "A session lasts 5 minutes to 8 hours.".to_owned())
}

fn add(words: &[&str]) -> Result<OneOnOneCommand, String> {
    let (mut words, private) = private_flag(words);
    let with = match words.first().and_then(|word| mention(word)) {
        Some(user) => {
            words.remove(0);
            Some(user)
        }
        None => None,
    };
    let text = words.join(" ");
    let text = text.trim();
    if text.is_empty() {
        return Err("Say what to talk about: `/oneonone add @ben the offsite plan`.".to_owned());
    }
    if text.chars().count() > MAX_POINT_CHARS {
        return Err(format!(
            "A talking point is at most {MAX_POINT_CHARS} characters; this one is {}.",
            text.chars().count()
        ));
    }
    Ok(OneOnOneCommand::Add {
        with,
        text: text.to_owned(),
        private,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_reads_the_report_the_cadence_and_the_length() {
        assert_eq!(
            command("schedule <@U2|ben> every 2 weeks Thursday 15:00"),
            Ok(OneOnOneCommand::Schedule {
                with: "U2".to_owned(),
                every_weeks: 2,
                weekday: Weekday::Thu,
                at: NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
                minutes: DEFAULT_MINUTES,
            })
        );
        let Ok(OneOnOneCommand::Schedule { minutes, .. }) =
            command("schedule <@123> weekly mon 9:30 for 45m")
        else {
            panic!("a schedule");
        };
        assert_eq!(minutes, 45);
        assert!(
            command("schedule ben weekly mon 9:30")
                .unwrap_err()
                .contains("`ben`")
        );
        assert!(
            command("schedule <@123> weekly mon")
                .unwrap_err()
                .contains("what time")
        );
        assert!(command("schedule <@123> weekly mon 9:30 for 9h").is_err());
        assert!(command("schedule").unwrap_err().contains("Name the report"));
    }

    #[test]
    fn talking_points_are_shared_unless_private_and_need_words() {
        assert_eq!(
            command("add <@U2> the offsite plan"),
            Ok(OneOnOneCommand::Add {
                with: Some("U2".to_owned()),
                text: "the offsite plan".to_owned(),
                private: false,
            })
        );
        assert_eq!(
            command("add my promotion case --private"),
            Ok(OneOnOneCommand::Add {
                with: None,
                text: "my promotion case".to_owned(),
                private: true,
            })
        );
        let Ok(OneOnOneCommand::Add { private, .. }) = command("add private <@U2> pay") else {
            panic!("an add");
        };
        assert!(private);
        assert!(
            command("add <@U2>")
                .unwrap_err()
                .contains("what to talk about")
        );
        assert!(command(&format!("add {}", "x".repeat(501))).is_err());
    }

    #[test]
    fn the_other_verbs() {
        assert_eq!(command(""), Ok(OneOnOneCommand::List));
        assert_eq!(command("help"), Ok(OneOnOneCommand::Help));
        assert_eq!(
            command("cancel <@U2>"),
            Ok(OneOnOneCommand::Cancel {
                with: "U2".to_owned()
            })
        );
        assert_eq!(command("notes"), Ok(OneOnOneCommand::Notes { with: None }));
        assert!(
            command("dance")
                .unwrap_err()
                .starts_with("I don't know `dance`")
        );
    }
}
