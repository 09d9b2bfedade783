//! When a cycle's reminders and escalations are due, and to whom: against a cycle built in
//! memory (the standard form, deadlines a week apart from Mon 2 Mar 2026).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::people::{ChatIdentity, ChatUserId, Person, PersonId, Platform, Role};
use crate::ports::{Cycle, CycleId, Nomination, NominationStatus, Participant, Review, ReviewId};
use crate::reviews::form::Reviewer;
use crate::reviews::hr::standard;
use crate::reviews::model::{CycleState, ReviewState};
use crate::reviews::progress::Progress;
use crate::reviews::standing::Standing;
use crate::schedule::OutOfOffice;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn person(id: i64, name: &str, zone: &str, role: Role, manager: Option<&str>) -> Person {
    let mut person = crate::people::sample::person(id, name, zone, role, manager);
    person.identities = vec![ChatIdentity {
        platform: Platform::Slack,
        workspace_id: None,
        user_id: ChatUserId::parse(Platform::Slack, &format!("U{id:08}")).unwrap(),
    }];
    person
}

fn review(id: i64, subject: i64, reviewer: i64, kind: Reviewer, state: ReviewState) -> Review {
    Review {
        id: ReviewId(id),
        cycle: CycleId(1),
        subject: PersonId(subject),
        reviewer: PersonId(reviewer),
        kind,
        state,
        answers: BTreeMap::new(),
        submitted_at: (state == ReviewState::Submitted).then(|| utc("2026-03-20T12:00:00Z")),
    }
}

/// Hana (HR, 0) manages Lee (1), who manages Ana (2, in Tokyo) and Ben (3). Ana and Ben are
/// reviewed; Ana nominated Ben (proposed), Ben has not nominated. Ben submitted his
/// self-review on Fri 20 Mar (late); Ana's is open, and Ben owes a peer review of Ana.
fn standing() -> Standing {
    let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let spec = standard("H1", start).unwrap();
    let people = [
        person(0, "Hana", "UTC", Role::HrAdmin, None),
        person(1, "Lee", "UTC", Role::Manager, Some("hana")),
        person(2, "Ana", "Asia/Tokyo", Role::Employee, Some("lee")),
        person(3, "Ben", "UTC", Role::Employee, Some("lee")),
    ];
    Standing {
        cycle: Cycle {
            id: CycleId(1),
            spec,
            state: CycleState::Active,
            released_at: None,
            created_at: utc("2026-03-02T09:00:00Z"),
            started_at: Some(utc("2026-03-02T09:00:00Z")),
        },
        participants: [2, 3]
            .map(|id| Participant {
                person: PersonId(id),
                manager: Some(PersonId(1)),
            })
            .to_vec(),
        nominations: vec![Nomination {
            subject: PersonId(2),
            peer: PersonId(3),
            status: NominationStatus::Proposed,
        }],
        reviews: vec![
            review(10, 2, 2, Reviewer::SelfReview, ReviewState::InProgress),
            review(11, 3, 3, Reviewer::SelfReview, ReviewState::Submitted),
            review(12, 2, 1, Reviewer::Manager, ReviewState::Pending),
            review(13, 3, 1, Reviewer::Manager, ReviewState::Pending),
            review(14, 2, 3, Reviewer::Peer, ReviewState::Pending),
        ],
        people: people
            .into_iter()
            .map(|p| (p.id, p))
            .collect::<HashMap<_, _>>(),
    }
}

/// `(subject, person, due)` of what is planned at `now`.
fn planned(standing: &Standing, now: &str) -> Vec<(String, i64, DateTime<Utc>)> {
    let mut planned: Vec<_> = plan(standing, utc(now))
        .into_iter()
        .map(|p| {
            let Destination::Person(to) = p.notice.to else {
                panic!("a DM")
            };
            (p.subject, to.0, p.due_at)
        })
        .collect();
    planned.sort();
    planned
}

#[test]
fn subjects_read_back_as_written() {
    let subjects = [
        Subject::Packet(ReviewId(7)),
        Subject::Assigned(CycleId(1)),
        Subject::Nominated(CycleId(1), PersonId(2), 1_772_000_000_000),
        Subject::Request(ReviewId(8)),
        Subject::Due(CycleId(1), Phase::PeerReviews, -604_800),
        Subject::Late(CycleId(1), Phase::SelfReviews, Level::Manager),
        Subject::Late(CycleId(1), Phase::Nominations, Level::Hr),
        Subject::Owed(CycleId(3), 5),
        Subject::Results(CycleId(1), PersonId(9)),
    ];
    for subject in subjects {
        assert_eq!(
            Subject::parse(&subject.to_string()),
            Some(subject),
            "{subject}"
        );
    }
    for text in [
        "review_due:1:lunch:0",
        "review_late:1:release:boss",
        "kudos:1",
        "review_packet:x",
    ] {
        assert_eq!(Subject::parse(text), None, "{text}");
    }
}

#[test]
fn reminders_go_at_ten_in_each_owers_zone_on_the_offset_days() {
    let standing = standing();
    // Self-reviews close Mon 16 Mar; -1d is Sun 15 Mar 10:00 local: 01:00 UTC in Tokyo.
    assert_eq!(
        planned(&standing, "2026-03-15T01:00:00Z"),
        vec![(
            "review_due:1:self_reviews:-86400".to_owned(),
            2,
            utc("2026-03-15T01:00:00Z")
        )],
        "Ana, in Tokyo; Ben submitted his"
    );
    // Six hours later it is still planned (Rhythm was down); later than that, not.
    assert_eq!(planned(&standing, "2026-03-15T06:59:00Z").len(), 1);
    assert!(planned(&standing, "2026-03-15T07:01:00Z").is_empty());
    // Before it is due, nothing.
    assert!(planned(&standing, "2026-03-15T00:59:00Z").is_empty());
}

#[test]
fn nominations_are_chased_from_who_has_not_nominated_and_who_has_not_approved() {
    let standing = standing();
    // Nominations close Mon 9 Mar: on the day, Ben (none yet) and Lee (Ana's to approve).
    let due = planned(&standing, "2026-03-09T10:00:00Z");
    let to: Vec<i64> = due.iter().map(|(_, to, _)| *to).collect();
    assert_eq!(to, vec![1, 3], "{due:?}");
    assert!(due.iter().all(|(s, ..)| s == "review_due:1:nominations:0"));
}

#[test]
fn no_reminder_repeats_the_start_nor_reaches_someone_away() {
    let mut standing = standing();
    // Started the morning nominations' -7d reminder was due: not sent.
    assert!(planned(&standing, "2026-03-02T10:00:00Z").is_empty());
    standing.cycle.started_at = Some(utc("2026-02-20T09:00:00Z"));
    assert_eq!(planned(&standing, "2026-03-02T10:00:00Z").len(), 2);
    let ben = standing.people.get_mut(&PersonId(3)).unwrap();
    ben.out_of_office = vec![
        OutOfOffice::new(
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(),
        )
        .unwrap(),
    ];
    let due = planned(&standing, "2026-03-02T10:00:00Z");
    assert_eq!(due.len(), 1, "Lee only: {due:?}");
}

#[test]
fn overdue_work_goes_to_the_owers_manager_the_next_morning_and_to_hr_the_one_after() {
    let standing = standing();
    // Peer reviews closed Mon 23 Mar; Ben still owes one. Tue 24 Mar 10:00: his manager.
    assert_eq!(
        planned(&standing, "2026-03-24T10:00:00Z"),
        vec![(
            "review_late:1:peer_reviews:manager".to_owned(),
            1,
            utc("2026-03-24T10:00:00Z")
        )]
    );
    // Wed 25 Mar 10:00: HR.
    assert_eq!(
        planned(&standing, "2026-03-25T10:00:00Z"),
        vec![(
            "review_late:1:peer_reviews:hr".to_owned(),
            0,
            utc("2026-03-25T10:00:00Z")
        )]
    );
}

#[test]
fn an_escalation_counts_peer_reviews_without_saying_whom_they_are_about() {
    let standing = standing();
    let lee = standing.people[&PersonId(1)].clone();
    let message = messages::late(&standing, Phase::PeerReviews, Level::Manager, &lee).unwrap();
    let text = format!("{:?}", message.blocks);
    assert!(text.contains("Ben: 1 peer review"), "{text}");
    assert!(!text.contains("Ana"), "whom it is about: {text}");
    let hana = standing.people[&PersonId(0)].clone();
    assert!(
        messages::late(&standing, Phase::PeerReviews, Level::Manager, &hana).is_none(),
        "Hana manages no one who owes one"
    );
}

#[test]
fn a_released_or_closed_cycle_chases_no_one() {
    let mut standing = standing();
    standing.cycle.released_at = Some(utc("2026-03-14T12:00:00Z"));
    assert!(planned(&standing, "2026-03-15T01:00:00Z").is_empty());
    standing.cycle.released_at = None;
    standing.cycle.state = CycleState::Closed;
    assert!(planned(&standing, "2026-03-15T01:00:00Z").is_empty());
}

#[test]
fn progress_counts_done_and_late_per_phase() {
    let standing = standing();
    let progress = Progress::of(&standing, 0, utc("2026-03-24T10:00:00Z"));
    let phases: Vec<(&str, usize, usize, usize)> = progress
        .phases
        .iter()
        .map(|p| (p.phase, p.done, p.total, p.late))
        .collect();
    assert_eq!(
        phases,
        vec![
            ("nominations", 0, 2, 2),
            ("self_reviews", 1, 2, 2),
            ("peer_reviews", 0, 1, 1),
            ("manager_reviews", 0, 2, 0),
        ]
    );
    assert!(
        progress
            .text()
            .contains("• Self-reviews (due Mon 16 Mar): 1 of 2 done, 2 late")
    );
}
