//! The self-review packet: when someone's self-review opens, their own record to write
//! from: the check-ins they answered and the blockers they named, their goals and where
//! they ended, the kudos and the feedback they received — only what they may see (never
//! feedback a giver kept for their manager). It covers the time since the last cycle's
//! release, or [`DEFAULT_SPAN`] before the first cycle.

use chrono::{DateTime, Duration, Utc};

use super::pages::{WRITE, value};
use crate::chat::{Block, Button, ButtonStyle, Message, escape_markup, truncate};
use crate::ports::{Cycle, CycleId, ReviewId};
use crate::record::{Span, checkin_lines, feedback_lines, goal_lines, kudos_lines, section};

/// How far back a packet reaches when no earlier cycle was released.
pub const DEFAULT_SPAN: Duration = Duration::weeks(26);

/// Where the packet of `cycle`'s self-review opened at `at` starts: the latest release
/// of another cycle before `at`, else [`DEFAULT_SPAN`] before `at`.
pub fn since(cycles: &[Cycle], cycle: CycleId, at: DateTime<Utc>) -> DateTime<Utc> {
    cycles
        .iter()
        .filter(|other| other.id != cycle)
        .filter_map(|other| other.released_at)
        .filter(|released| *released < at)
        .max()
        .unwrap_or(at - DEFAULT_SPAN)
}

/// The packet for `span` (the subject's own record), with *Write self-review* for `review`.
pub fn message(span: &Span, cycle: &str, review: ReviewId) -> Message {
    let zone = span.person.timezone.tz();
    let title = format!("Your self-review · {cycle}");
    let mut blocks = vec![
        Block::Header(truncate(&title, 150)),
        Block::Text(format!(
            "Your self-review for **{}** is open. Here is your record since {}, to write \
             from.",
            escape_markup(cycle),
            span.from.with_timezone(&zone).format("%-d %b %Y")
        )),
    ];
    let (checkins, blockers) = checkin_lines(span);
    section(
        &mut blocks,
        "📝 Your check-ins (the latest)",
        &checkins,
        "No check-ins answered in this span.",
    );
    if !blockers.is_empty() {
        section(&mut blocks, "🚧 Blockers you named", &blockers, "");
    }
    section(
        &mut blocks,
        "🎯 Your goals",
        &goal_lines(&span.goals),
        "No goals in this span.",
    );
    section(
        &mut blocks,
        "🙌 Kudos you received",
        &kudos_lines(span),
        "None in this span.",
    );
    section(
        &mut blocks,
        "🗣️ Feedback you received",
        &feedback_lines(span, false),
        "None in this span.",
    );
    blocks.push(Block::Buttons(vec![Button {
        action: WRITE.to_owned(),
        value: value(review.0, 0),
        label: "Write self-review".to_owned(),
        style: ButtonStyle::Primary,
    }]));
    Message {
        summary: format!("Your self-review for {cycle} is open"),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::{DisplayName, Email, Person, PersonId, Role, Timezone};
    use crate::ports::{FeedbackId, FeedbackRecord, FeedbackVisibility};
    use crate::reviews::cycle::{CycleDoc, CycleSpec, read_cycles};
    use crate::reviews::model::CycleState;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn spec() -> CycleSpec {
        #[derive(serde::Deserialize)]
        struct File {
            review_cycle: Vec<CycleDoc>,
        }
        let text = r#"
            [[review_cycle]]
            name = "2026 H2"
            participants = "everyone"
            deadlines = { nominations = "2026-12-01", self_reviews = "2026-12-08", peer_reviews = "2026-12-15", manager_reviews = "2026-12-20", release = "2027-01-08" }
            [[review_cycle.section]]
            title = "Craft"
            [[review_cycle.section.question]]
            id = "quality"
            prompt = "Quality"
            kind = "rating"
            levels = ["Low", "High"]
        "#;
        let file: File = toml::from_str(text).unwrap();
        let mut found = Vec::new();
        let cycles = read_cycles(&file.review_cycle, &mut found);
        assert!(found.is_empty(), "{found:?}");
        cycles.into_iter().next().unwrap()
    }

    fn cycle(id: i64, released_at: Option<&str>) -> Cycle {
        Cycle {
            id: CycleId(id),
            spec: spec(),
            state: CycleState::Active,
            released_at: released_at.map(utc),
            created_at: utc("2026-01-01T00:00:00Z"),
            started_at: None,
        }
    }

    fn person() -> Person {
        let at = utc("2026-01-01T00:00:00Z");
        Person {
            id: PersonId(2),
            email: Email::parse("ben@example.com").unwrap(),
            name: DisplayName::parse("Ben").unwrap(),
            timezone: Timezone::parse("Europe/Berlin").unwrap(),
            timezone_source: Default::default(),
            role: Role::Employee,
            manager: None,
            teams: Vec::new(),
            region: None,
            active: true,
            identities: Vec::new(),
            quiet_hours: None,
            out_of_office: Vec::new(),
            created_at: at,
            updated_at: at,
        }
    }

    fn feedback(text: &str, visibility: FeedbackVisibility) -> (FeedbackRecord, String) {
        let record = FeedbackRecord {
            id: FeedbackId(1),
            subject: PersonId(2),
            giver: PersonId(3),
            request: None,
            text: text.to_owned(),
            visibility,
            given_at: utc("2026-10-03T10:00:00Z"),
        };
        (record, "Cy".to_owned())
    }

    #[test]
    fn a_packet_starts_at_the_last_release_or_half_a_year_back() {
        let at = utc("2026-12-02T09:00:00Z");
        assert_eq!(since(&[cycle(1, None)], CycleId(1), at), at - DEFAULT_SPAN);
        let cycles = [
            cycle(1, Some("2026-06-30T12:00:00Z")),
            cycle(2, Some("2026-01-15T12:00:00Z")),
            cycle(3, Some("2027-01-08T12:00:00Z")),
            cycle(4, None),
        ];
        assert_eq!(
            since(&cycles, CycleId(4), at),
            utc("2026-06-30T12:00:00Z"),
            "the latest release before the packet, not a later one"
        );
    }

    #[test]
    fn a_packet_shows_the_subject_only_what_they_may_see() {
        let span = Span {
            person: person(),
            from: utc("2026-06-30T12:00:00Z"),
            to: utc("2026-12-02T09:00:00Z"),
            checkins: Vec::new(),
            goals: Vec::new(),
            kudos: Vec::new(),
            feedback: vec![
                feedback("Clear writing", FeedbackVisibility::Shared),
                feedback("Comes late to standups", FeedbackVisibility::ManagerOnly),
            ],
        };
        let message = message(&span, "2026 H2", ReviewId(7));
        let text = format!("{:?}", message.blocks);
        assert!(
            text.contains("Your self-review for **2026 H2** is open"),
            "{text}"
        );
        assert!(text.contains("since 30 Jun 2026"), "{text}");
        assert!(text.contains("Clear writing"), "{text}");
        assert!(!text.contains("standups"), "manager-only feedback: {text}");
        let Some(Block::Buttons(buttons)) = message.blocks.last() else {
            panic!("{text}")
        };
        assert_eq!(buttons[0].action, WRITE);
        assert_eq!(buttons[0].value, "7:0");
    }
}
