//! What kudos say: the giver's confirmation, the allowance, the values, the leaderboard, and
//! the notices (the channel's announcement, the recipient's DM, a manager's DM).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::leaderboard::{Board, Entry};
use super::policy::KudosPolicy;
use super::workflow::UNDO_WINDOW;
use crate::chat::{Block, Message, escape_markup};
use crate::people::Person;
use crate::ports::{KudosRecord, KudosSource, NewKudos, Visibility};

/// Every value's tag, as typed: `#ownership, #craft`.
pub fn tags(policy: &KudosPolicy) -> String {
    policy
        .values
        .iter()
        .map(|value| format!("#{}", value.tag))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1 kudos` / `3 kudos` left, said plainly.
fn left_to_give(left: u32, policy: &KudosPolicy) -> String {
    format!("You can give {left} more {}.", policy.period.this())
}

/// When an allowance resets, in the person's zone, and how soon.
fn resets_at(resets: DateTime<Utc>, person: &Person, now: DateTime<Utc>) -> String {
    let local = resets.with_timezone(&person.timezone.tz());
    let minutes = (resets - now).num_minutes().max(1);
    let soon = if minutes < 120 {
        format!("in {minutes} minutes")
    } else {
        format!("in {} hours", (minutes + 30) / 60)
    };
    format!(
        "{} ({}), {soon}",
        local.format("%a %-d %b at %H:%M"),
        person.timezone
    )
}

/// The giver's confirmation.
pub fn given(policy: &KudosPolicy, names: &[&str], kudos: &NewKudos, left: u32) -> String {
    let mut text = format!("🎉 Kudos to {}", names.join(", "));
    if !kudos.values.is_empty() {
        let values: Vec<String> = kudos
            .values
            .iter()
            .map(|tag| {
                policy
                    .value(tag)
                    .map_or_else(|| format!("#{tag}"), |v| v.name.clone())
            })
            .collect();
        let _ = write!(text, " for {}", values.join(" and "));
    }
    text.push_str(". ");
    text.push_str(match kudos.visibility {
        Visibility::Public if policy.channels.is_empty() => "They'll get a DM.",
        Visibility::Public => "They'll get a DM, and it's announced in the kudos channel.",
        Visibility::Private => "Only they and their managers are told.",
    });
    let _ = write!(
        text,
        " {} Changed your mind? `/kudos undo` within {} minutes.",
        left_to_give(left, policy),
        UNDO_WINDOW.num_minutes()
    );
    text
}

/// A give over the allowance.
pub fn over_allowance(
    policy: &KudosPolicy,
    left: u32,
    named: usize,
    resets: DateTime<Utc>,
    giver: &Person,
    now: DateTime<Utc>,
) -> String {
    let ask = if named == 1 {
        "one person".to_owned()
    } else {
        format!("{named} people")
    };
    format!(
        "That would recognise {ask}, and you have {left} kudos left {}. Your allowance resets \
         {}. Nothing was given.",
        policy.period.this(),
        resets_at(resets, giver, now)
    )
}

/// `/kudos left`.
pub fn left(
    policy: &KudosPolicy,
    left: u32,
    limit: u32,
    resets: DateTime<Utc>,
    person: &Person,
    now: DateTime<Utc>,
) -> String {
    format!(
        "You have {left} of {limit} kudos left {}. Your allowance resets {}.",
        policy.period.this(),
        resets_at(resets, person, now)
    )
}

/// `/kudos values`.
pub fn values(policy: &KudosPolicy) -> String {
    if policy.values.is_empty() {
        return "No company values are set up yet: give kudos without tags.".to_owned();
    }
    let mut text = String::from("Tag kudos with a company value:");
    for value in &policy.values {
        let _ = write!(text, "\n• #{}: **{}**", value.tag, value.name);
        if !value.description.is_empty() {
            let _ = write!(text, ": {}", value.description);
        }
    }
    if policy.require_value {
        text.push_str("\nEvery kudos names at least one.");
    }
    text
}

fn entries(text: &mut String, title: &str, entries: &[Entry]) {
    let _ = write!(text, "\n**{title}**");
    if entries.is_empty() {
        text.push_str("\nnobody yet");
    }
    for (n, entry) in entries.iter().enumerate() {
        let _ = write!(text, "\n{}. {} ({})", n + 1, entry.name, entry.count);
    }
}

/// A leaderboard, as text.
pub fn board(board: &Board) -> String {
    let scope = board
        .team
        .as_ref()
        .map_or_else(String::new, |team| format!(" in {team}"));
    let mut text = format!(
        "**Kudos {}{scope}**: {} kudos; {} of {} people recognised.",
        board.period, board.kudos, board.recognised, board.people
    );
    entries(&mut text, "Most recognised", &board.receivers);
    entries(&mut text, "Most recognising", &board.givers);
    if !board.values.is_empty() {
        entries(&mut text, "By value", &board.values);
    }
    if !board.teams.is_empty() {
        text.push_str("\n**Spread by team** (least recognised first)");
        for team in &board.teams {
            let _ = write!(
                text,
                "\n• {}: {} of {} recognised, {} kudos",
                team.team, team.recognised, team.members, team.kudos
            );
        }
    }
    text
}

/// How a kudos was given, for small print.
fn source(kudos: &KudosRecord) -> String {
    let how = match kudos.source {
        KudosSource::Command => "via /kudos",
        KudosSource::Reaction => "by reaction",
        KudosSource::Shortcut => "for a message",
    };
    match &kudos.message_link {
        Some(link) => format!("{how} · {link}"),
        None => how.to_owned(),
    }
}

/// The values a kudos names, by name.
fn value_names(policy: &KudosPolicy, kudos: &KudosRecord) -> String {
    kudos
        .values
        .iter()
        .map(|tag| {
            policy
                .values
                .iter()
                .find(|value| value.tag.as_str() == tag)
                .map_or_else(
                    || format!("#{tag}"),
                    |value| format!("#{tag} {}", value.name),
                )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Who a notice is addressed to, as the message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader<'a> {
    /// Everyone in the kudos channel.
    Channel,
    /// A recipient.
    Recipient,
    /// A recipient's manager, told of a private kudos to `report`.
    Manager {
        /// The report's name.
        report: &'a str,
    },
}

/// A notice about `kudos` from `giver` to `recipients` (names), for `reader`.
pub fn notice(
    policy: &KudosPolicy,
    kudos: &KudosRecord,
    giver: &str,
    recipients: &[String],
    reader: Reader<'_>,
) -> Message {
    let reason = escape_markup(&kudos.reason);
    let (summary, text) = match reader {
        Reader::Channel => (
            format!("{giver} gave kudos to {}", recipients.join(", ")),
            format!(
                "**{giver}** recognised **{}**: {reason}",
                recipients.join("**, **")
            ),
        ),
        Reader::Recipient => (
            format!("{giver} gave you kudos"),
            format!("**{giver}** gave you kudos: {reason}"),
        ),
        Reader::Manager { report } => (
            format!("{giver} gave {report} kudos"),
            format!("**{giver}** gave **{report}** (your report) kudos, privately: {reason}"),
        ),
    };
    let mut blocks = vec![Block::Header("🎉 Kudos".to_owned()), Block::Text(text)];
    let values = value_names(policy, kudos);
    let small = if values.is_empty() {
        source(kudos)
    } else {
        format!("{values} · {}", source(kudos))
    };
    blocks.push(Block::Context(small));
    Message { summary, blocks }
}
