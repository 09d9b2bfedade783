//! What a review cycle's notices say ([`super::notices`] decides when and to whom): the
//! packet with how to nominate, a peer's request, nominations to approve, what someone
//! still owes (with a *Write* button per review), and what is overdue, escalated without
//! saying whom a peer review is about.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::form::Reviewer;
use super::model::Phase;
use super::notices::{APPROVE, Level};
use super::pages::{WRITE, value};
use super::standing::{Debt, Owed, Standing, phase_of};
use crate::chat::{Block, Button, ButtonStyle, Message, escape_markup};
use crate::people::{Person, PersonId};
use crate::ports::{ChatStore, Review, StoreError};

/// Buttons on one message, at most.
const MAX_BUTTONS: usize = 20;

/// The packet, with how to nominate and when each part is due.
pub(super) async fn packet<S: ChatStore>(
    store: &S,
    standing: &Standing,
    review: &Review,
    viewer: Person,
    now: DateTime<Utc>,
) -> Result<Message, StoreError> {
    let cycles = store.cycles().await?;
    let from = super::packet::since(&cycles, standing.cycle.id, now);
    let zone = viewer.timezone.tz();
    let mut periods = vec![crate::goals::GoalPeriod::current(from, zone)];
    let last = crate::goals::GoalPeriod::current(now, zone);
    while let Some(period) = periods.last().copied().filter(|p| *p != last) {
        periods.push(period.next());
    }
    let span = crate::record::Span::load(store, viewer, from, now, &periods).await?;
    let mut message = super::packet::message(&span, &standing.cycle.spec.name, review.id);
    let spec = &standing.cycle.spec;
    let mut steps = String::new();
    if let Some(day) = spec.deadlines.of(Phase::Nominations) {
        let _ = write!(
            steps,
            "**First, nominate {} to {} peers** by {}: `/review nominate @ana @ben @cy`. Your \
             manager approves them.",
            spec.nominations.min,
            spec.nominations.max,
            day.format("%a %-d %b")
        );
    }
    if let Some(day) = spec.deadlines.of(Phase::SelfReviews) {
        let _ = write!(
            steps,
            " Your self-review is due {}.",
            day.format("%a %-d %b")
        );
    }
    message.blocks.insert(2, Block::Text(steps));
    Ok(message)
}

/// A peer's request.
pub(super) fn request(standing: &Standing, review: &Review) -> Message {
    let spec = &standing.cycle.spec;
    let subject = standing.name(review.subject);
    let due = spec
        .deadlines
        .of(Phase::PeerReviews)
        .map_or_else(String::new, |day| {
            format!(" by {}", day.format("%a %-d %b"))
        });
    let privacy = if spec.anonymous_peers {
        format!(
            "Your answers are anonymous: {subject} and their manager see them only together \
             with other peers' answers, once at least {} have answered, and never your name.",
            spec.min_responses
        )
    } else {
        "Your answers are shown to them and their manager with your name.".to_owned()
    };
    Message {
        summary: format!("{subject} asks for your review in {}", spec.name),
        blocks: vec![
            Block::Header(spec.name.clone()),
            Block::Text(format!(
                "{} would value your review{due}. {privacy}",
                escape_markup(&subject)
            )),
            Block::Buttons(vec![write_button(review, &standing.name(review.subject))]),
        ],
    }
}

/// The nominations `subject` proposed, for `viewer` to approve; `None` once approved.
pub(super) fn nominated(
    standing: &Standing,
    subject: PersonId,
    viewer: &Person,
) -> Option<Message> {
    let proposed: Vec<String> = standing
        .nominations_of(subject)
        .iter()
        .filter(|n| n.status == crate::ports::NominationStatus::Proposed)
        .map(|n| standing.name(n.peer))
        .collect();
    if proposed.is_empty() || !standing.approvers(subject).contains(&viewer.id) {
        return None;
    }
    let name = standing.name(subject);
    Some(Message {
        summary: format!("{name} nominated peers for {}", standing.cycle.spec.name),
        blocks: vec![
            Block::Header(standing.cycle.spec.name.clone()),
            Block::Text(format!(
                "{} would like these peers to review them: {}. Approve them as they are, \
                 or name the peers you approve instead: `/review approve @{} @ana @ben @cy`.",
                escape_markup(&name),
                escape_markup(&proposed.join(", ")),
                escape_markup(&name)
            )),
            Block::Buttons(vec![Button {
                action: APPROVE.to_owned(),
                value: format!("{}:{}", standing.cycle.id.0, subject.0),
                label: "Approve".to_owned(),
                style: ButtonStyle::Primary,
            }]),
        ],
    })
}

/// Why a list of what someone owes is sent.
#[derive(Debug, Clone, Copy)]
pub(super) enum Intro {
    /// The cycle started (the manager reviews someone writes).
    Started,
    /// A reminder before or on the phase's last day.
    Due(Phase, DateTime<Utc>),
    /// They asked (`/review`).
    Asked,
}

/// What `viewer` owes (`debts`), each review with its *Write* button; `None` if nothing.
pub(super) fn owed_message(
    standing: &Standing,
    debts: &[Debt],
    viewer: &Person,
    intro: Intro,
) -> Option<Message> {
    if debts.is_empty() {
        return None;
    }
    let spec = &standing.cycle.spec;
    let zone = viewer.timezone.tz();
    let mut text = match intro {
        Intro::Started => format!(
            "{} has started. You write these reviews{}:",
            escape_markup(&spec.name),
            spec.deadlines
                .of(Phase::ManagerReviews)
                .map_or_else(String::new, |day| format!(
                    " by {}",
                    day.format("%a %-d %b")
                ))
        ),
        Intro::Due(phase, now) => {
            let day = spec.deadlines.of(phase).unwrap_or_default();
            let today = now.with_timezone(&zone).date_naive();
            let when = match (day - today).num_days() {
                0 => "today".to_owned(),
                1 => "tomorrow".to_owned(),
                _ => format!("on {}", day.format("%a %-d %b")),
            };
            format!(
                "⏰ {} for {} are due {when}. Still to do:",
                phase.label(),
                escape_markup(&spec.name)
            )
        }
        Intro::Asked => format!("Your part in {} still to do:", escape_markup(&spec.name)),
    };
    let mut buttons = Vec::new();
    for debt in debts {
        match debt.owed {
            Owed::Nominate => {
                let _ = write!(
                    text,
                    "\n• Nominate {} to {} peers: `/review nominate @ana @ben @cy`",
                    spec.nominations.min, spec.nominations.max
                );
            }
            Owed::Approve(subject) => {
                let name = standing.name(subject);
                let _ = write!(
                    text,
                    "\n• Approve {}'s nominations: `/review approve @{}`",
                    escape_markup(&name),
                    escape_markup(&name)
                );
            }
            Owed::Review(n) => {
                let review = standing.review(n);
                let about = what(review, &standing.name(review.subject));
                let due = spec
                    .deadlines
                    .of(phase_of(review.kind))
                    .map_or_else(String::new, |day| {
                        format!(" (due {})", day.format("%a %-d %b"))
                    });
                let _ = write!(text, "\n• {}{due}", escape_markup(&about));
                if buttons.len() < MAX_BUTTONS {
                    buttons.push(write_button(review, &standing.name(review.subject)));
                }
            }
        }
    }
    let mut blocks = vec![Block::Header(spec.name.clone()), Block::Text(text)];
    if !buttons.is_empty() {
        blocks.push(Block::Buttons(buttons));
    }
    Some(Message {
        summary: format!("Your part in {}", spec.name),
        blocks,
    })
}

/// `Your self-review`, `A peer review of Ana`, `Your review of Ben`.
fn what(review: &Review, subject: &str) -> String {
    match review.kind {
        Reviewer::SelfReview => "Your self-review".to_owned(),
        Reviewer::Peer => format!("A peer review of {subject}"),
        Reviewer::Manager => format!("Your review of {subject}"),
    }
}

fn write_button(review: &Review, subject: &str) -> Button {
    Button {
        action: WRITE.to_owned(),
        value: value(review.id.0, 0),
        label: match review.kind {
            Reviewer::SelfReview => "Write self-review".to_owned(),
            Reviewer::Peer | Reviewer::Manager => format!("Review {subject}"),
        },
        style: ButtonStyle::Primary,
    }
}

/// What is overdue in `phase`, for `viewer`: their people's (manager), or everyone's (HR).
/// Peer reviews are counted per reviewer, never said whom they are about.
pub(super) fn late(
    standing: &Standing,
    phase: Phase,
    level: Level,
    viewer: &Person,
) -> Option<Message> {
    let debts: Vec<Debt> = standing
        .debts(phase)
        .into_iter()
        .filter(|debt| match level {
            Level::Manager => standing.escalation(debt.person) == Some(viewer.id),
            Level::Hr => standing.hr().contains(&viewer.id),
        })
        .collect();
    if debts.is_empty() {
        return None;
    }
    let spec = &standing.cycle.spec;
    let day = spec.deadlines.of(phase)?;
    let mut by_person: Vec<(PersonId, Vec<String>)> = Vec::new();
    let mut peer_counts: HashMap<PersonId, usize> = HashMap::new();
    for debt in &debts {
        let item = match debt.owed {
            Owed::Nominate => Some("nominations".to_owned()),
            Owed::Approve(subject) => Some(format!(
                "approving {}'s nominations",
                standing.name(subject)
            )),
            Owed::Review(n) => {
                let review = standing.review(n);
                match review.kind {
                    Reviewer::SelfReview => Some("self-review".to_owned()),
                    Reviewer::Manager => {
                        Some(format!("review of {}", standing.name(review.subject)))
                    }
                    Reviewer::Peer => {
                        *peer_counts.entry(debt.person).or_default() += 1;
                        None
                    }
                }
            }
        };
        let entry = match by_person.iter().position(|(p, _)| *p == debt.person) {
            Some(at) => at,
            None => {
                by_person.push((debt.person, Vec::new()));
                by_person.len() - 1
            }
        };
        if let Some(item) = item {
            by_person[entry].1.push(item);
        }
    }
    let mut text = format!(
        "{} for {} were due {}. Still outstanding{}:",
        phase.label(),
        escape_markup(&spec.name),
        day.format("%a %-d %b"),
        match level {
            Level::Manager => " from your people",
            Level::Hr => "",
        }
    );
    for (person, mut items) in by_person {
        if let Some(count) = peer_counts.get(&person) {
            items.push(if *count == 1 {
                "1 peer review".to_owned()
            } else {
                format!("{count} peer reviews")
            });
        }
        let _ = write!(
            text,
            "\n• {}: {}",
            escape_markup(&standing.name(person)),
            escape_markup(&items.join(", "))
        );
    }
    Some(Message {
        summary: format!("Overdue in {}", spec.name),
        blocks: vec![
            Block::Header(format!("Overdue · {}", spec.name)),
            Block::Text(text),
            Block::Context(
                "Each has been reminded. Whom a peer review is about is never shown here."
                    .to_owned(),
            ),
        ],
    })
}
