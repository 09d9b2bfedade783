//! Where a running cycle stands: its participants, nominations and reviews read once, and
//! what each person still owes in each phase ([`Standing::debts`]). Deadline reminders,
//! escalations, `/review` and HR's progress all read it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::form::Reviewer;
use super::model::{Phase, ReviewState};
use crate::people::{Email, Person, PersonId, Role};
use crate::ports::{
    Cycle, CycleId, Directory, Nomination, NominationStatus, Participant, PeopleFilter, Review,
    ReviewFilter, Reviews, StoreError,
};

/// What someone owes in a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owed {
    /// Their own nominations.
    Nominate,
    /// Approving this report's nominations.
    Approve(PersonId),
    /// This review.
    Review(usize),
}

/// One thing one person still owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Debt {
    /// Who owes it.
    pub person: PersonId,
    /// What.
    pub owed: Owed,
}

/// A cycle with everything about it, read once.
#[derive(Debug, Clone)]
pub struct Standing {
    /// The cycle.
    pub cycle: Cycle,
    /// Its participants.
    pub participants: Vec<Participant>,
    /// Its nominations.
    pub nominations: Vec<Nomination>,
    /// Its reviews, by id.
    pub reviews: Vec<Review>,
    /// Everyone in the directory, by id.
    pub people: HashMap<PersonId, Person>,
}

impl Standing {
    /// Reads `cycle`'s standing; `None` if there is no such cycle.
    pub async fn load<S: Reviews + Directory>(
        store: &S,
        cycle: CycleId,
    ) -> Result<Option<Self>, StoreError> {
        let Some(cycle) = store.cycle(cycle).await? else {
            return Ok(None);
        };
        let people = store
            .people(&PeopleFilter::default())
            .await?
            .into_iter()
            .map(|person| (person.id, person))
            .collect();
        Ok(Some(Self {
            participants: store.participants(cycle.id).await?,
            nominations: store.nominations(cycle.id, None).await?,
            reviews: store
                .reviews(&ReviewFilter {
                    cycle: Some(cycle.id),
                    ..ReviewFilter::default()
                })
                .await?,
            cycle,
            people,
        }))
    }

    /// Someone's name, or `Someone` if they are gone.
    pub fn name(&self, id: PersonId) -> String {
        self.people
            .get(&id)
            .map_or_else(|| "Someone".to_owned(), |person| person.name.to_string())
    }

    /// `person`'s participation, if they are reviewed in this cycle.
    pub fn participant(&self, person: PersonId) -> Option<&Participant> {
        self.participants.iter().find(|p| p.person == person)
    }

    /// Who approves `subject`'s nominations: their manager when the cycle started, else
    /// every active HR admin.
    pub fn approvers(&self, subject: PersonId) -> Vec<PersonId> {
        match self.participant(subject).and_then(|p| p.manager) {
            Some(manager) => vec![manager],
            None => self.hr(),
        }
    }

    /// Every active HR admin, by email.
    pub fn hr(&self) -> Vec<PersonId> {
        let mut hr: Vec<&Person> = self
            .people
            .values()
            .filter(|person| person.active && person.role == Role::HrAdmin)
            .collect();
        hr.sort_by(|a, b| a.email.cmp(&b.email));
        hr.into_iter().map(|person| person.id).collect()
    }

    /// `subject`'s nominations.
    pub fn nominations_of(&self, subject: PersonId) -> Vec<&Nomination> {
        self.nominations
            .iter()
            .filter(|n| n.subject == subject)
            .collect()
    }

    /// What is still owed in `phase`, in the order of the participants, then reviews.
    pub fn debts(&self, phase: Phase) -> Vec<Debt> {
        let kind = match phase {
            Phase::Nominations => return self.nomination_debts(),
            Phase::SelfReviews => Reviewer::SelfReview,
            Phase::PeerReviews => Reviewer::Peer,
            Phase::ManagerReviews => Reviewer::Manager,
            Phase::Calibration | Phase::Release => return Vec::new(),
        };
        self.reviews
            .iter()
            .enumerate()
            .filter(|(_, review)| review.kind == kind && review.state != ReviewState::Submitted)
            .map(|(n, review)| Debt {
                person: review.reviewer,
                owed: Owed::Review(n),
            })
            .collect()
    }

    fn nomination_debts(&self) -> Vec<Debt> {
        let mut debts = Vec::new();
        for participant in &self.participants {
            let nominations = self.nominations_of(participant.person);
            if nominations.is_empty() {
                debts.push(Debt {
                    person: participant.person,
                    owed: Owed::Nominate,
                });
            } else if nominations
                .iter()
                .any(|n| n.status == NominationStatus::Proposed)
            {
                for approver in self.approvers(participant.person) {
                    debts.push(Debt {
                        person: approver,
                        owed: Owed::Approve(participant.person),
                    });
                }
            }
        }
        debts
    }

    /// What `person` owes in `phase`.
    pub fn debts_of(&self, phase: Phase, person: PersonId) -> Vec<Debt> {
        self.debts(phase)
            .into_iter()
            .filter(|debt| debt.person == person)
            .collect()
    }

    /// Whom an overdue `person` is escalated to: their manager in the directory, active.
    pub fn escalation(&self, person: PersonId) -> Option<PersonId> {
        let manager = self.people.get(&person)?.manager.as_ref()?;
        self.by_email(manager)
            .filter(|manager| manager.active)
            .map(|manager| manager.id)
    }

    fn by_email(&self, email: &Email) -> Option<&Person> {
        self.people.values().find(|person| &person.email == email)
    }

    /// The review a debt's index names.
    pub fn review(&self, n: usize) -> &Review {
        &self.reviews[n]
    }
}

/// The phase a review of `kind` is written in.
pub fn phase_of(kind: Reviewer) -> Phase {
    match kind {
        Reviewer::SelfReview => Phase::SelfReviews,
        Reviewer::Peer => Phase::PeerReviews,
        Reviewer::Manager => Phase::ManagerReviews,
    }
}

/// When reminders and escalations go out: 10:00 on their day, in the recipient's zone.
pub const REMIND_AT: NaiveTime = match NaiveTime::from_hms_opt(10, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// 10:00 on `date` in `zone`, as an instant (the earlier one in a repeated hour).
pub fn morning(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(REMIND_AT);
    zone.from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc))
}

/// When a phase ending on `date` is over: the end of that day in UTC. A review submitted
/// after it is late.
pub fn end_of(date: NaiveDate) -> DateTime<Utc> {
    (date + chrono::Days::new(1))
        .and_time(NaiveTime::MIN)
        .and_utc()
}
