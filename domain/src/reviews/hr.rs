//! HR's verbs on review cycles, the same from chat (`/rhythm cycle …`) and the CLI
//! (`rhythm cycle …`): find a cycle by name, create one from the standard form, start it
//! (participants and their managers read from the directory then), release its results,
//! close it, set its anonymity threshold, reopen a submitted review; and its progress.
//! Each answers with a sentence; a refusal changes nothing.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::anonymity::MIN_K;
use super::cycle::{CycleDoc, CycleSpec};
use super::form::Reviewer;
use super::hr_parse::{CycleCommand, HELP};
use super::model::{CycleState, ReviewState};
use super::notices::{self, Subject};
pub use super::progress::{PhaseProgress, Progress};
use super::standing::Standing;
use crate::chat::Reply;
use crate::command::mentioned;
use crate::people::{Person, PersonId, Platform, Role, Roster};
use crate::ports::{
    ChatStore, CreateCycle, Cycle, Destination, Directory, Kudos, NewNotice, Participant,
    PeopleFilter, Reviews, StoreError,
};

/// The cycle named `name` (case does not matter); else a sentence naming the cycles there
/// are.
pub async fn find<S: Reviews>(store: &S, name: &str) -> Result<Result<Cycle, String>, StoreError> {
    let cycles = store.cycles().await?;
    let wanted = name.trim().to_lowercase();
    if let Some(cycle) = cycles.iter().find(|c| c.spec.name.to_lowercase() == wanted) {
        return Ok(Ok(cycle.clone()));
    }
    let known: Vec<&str> = cycles.iter().map(|c| c.spec.name.as_str()).collect();
    Ok(Err(if known.is_empty() {
        format!(
            "There is no review cycle `{}`: there are none yet.",
            name.trim()
        )
    } else {
        format!(
            "There is no review cycle `{}`. The cycles are: {}.",
            name.trim(),
            known.join(", ")
        )
    }))
}

/// A cycle for everyone with the standard form (craft and collaboration rated 1–5 with
/// described levels, strengths and growth in words), a week for each phase from `start`.
pub fn standard(name: &str, start: NaiveDate) -> Result<CycleSpec, String> {
    let day = |weeks: u64| start + Days::new(7 * weeks);
    let text = format!(
        r#"name = {name:?}
participants = "everyone"
deadlines = {{ nominations = "{}", self_reviews = "{}", peer_reviews = "{}", manager_reviews = "{}", release = "{}" }}
[[section]]
title = "Craft"
weight = 2
[[section.question]]
id = "quality"
prompt = "Quality of the work"
kind = "rating"
levels = ["Often needs rework", "Needs some rework", "Solid", "Raises the bar", "Sets the bar"]
[[section.question]]
id = "delivery"
prompt = "Delivering what was agreed"
kind = "rating"
levels = ["Rarely", "Sometimes", "Usually", "Reliably", "Always, and helps others do it"]
[[section]]
title = "Collaboration"
[[section.question]]
id = "teamwork"
prompt = "Working with others"
kind = "rating"
levels = ["Works alone", "Helps when asked", "A good teammate", "Makes the team better", "Lifts the whole organisation"]
[[section.question]]
id = "strengths"
prompt = "What should they keep doing?"
kind = "text"
[[section.question]]
id = "growth"
prompt = "What would help them grow?"
kind = "text"
optional = true
"#,
        day(1),
        day(2),
        day(3),
        day(4),
        day(5),
    );
    let doc: CycleDoc = toml::from_str(&text).map_err(|error| error.to_string())?;
    doc.read().map_err(|problems| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// What starting a cycle did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Started {
    /// People reviewed.
    pub participants: usize,
    /// Those with no manager, whose manager review HR writes.
    pub reviewed_by_hr: Vec<String>,
}

/// Whom `spec` reviews, from the directory now, each with their active manager; and who
/// writes the manager review of those without: `hr`, else the first HR admin by email.
pub fn participants(
    spec: &CycleSpec,
    people: &[Person],
    hr: Option<PersonId>,
) -> Result<(Vec<Participant>, PersonId, Vec<String>), String> {
    let roster = Roster::new(people);
    let members = spec.participants.members(&roster);
    if members.is_empty() {
        return Err(format!(
            "{} has no one to review: {} names no active people.",
            spec.name, spec.participants
        ));
    }
    let ids: HashMap<_, _> = people.iter().map(|p| (&p.email, p)).collect();
    let participants: Vec<Participant> = members
        .iter()
        .map(|person| Participant {
            person: person.id,
            manager: person
                .manager
                .as_ref()
                .and_then(|email| ids.get(email))
                .filter(|manager| manager.active)
                .map(|manager| manager.id),
        })
        .collect();
    let hr = hr.or_else(|| {
        let mut admins: Vec<&Person> = people
            .iter()
            .filter(|p| p.active && p.role == Role::HrAdmin)
            .collect();
        admins.sort_by(|a, b| a.email.cmp(&b.email));
        admins.first().map(|p| p.id)
    });
    // HR writes the manager review of those without a manager, but not their own.
    let reviewed_by_hr: Vec<String> = members
        .iter()
        .zip(&participants)
        .filter(|(person, participant)| participant.manager.is_none() && Some(person.id) != hr)
        .map(|(person, _)| person.name.to_string())
        .collect();
    match hr {
        Some(hr) => Ok((participants, hr, reviewed_by_hr)),
        None if reviewed_by_hr.is_empty() => Ok((participants, PersonId(0), reviewed_by_hr)),
        None => Err(format!(
            "{} have no manager, and there is no HR admin to write their manager review: give \
             someone the hr_admin role first.",
            reviewed_by_hr.join(", ")
        )),
    }
}

/// Starts draft `cycle`: participants from the directory now, a pending self-review and
/// manager review each, and each participant's packet and each reviewer's list sent.
pub async fn start<S>(
    store: &S,
    cycle: &Cycle,
    hr: Option<PersonId>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<Started, String>, StoreError>
where
    S: Reviews + Directory + Kudos,
{
    if cycle.state != CycleState::Draft {
        return Ok(Err(format!(
            "{} is {} already; only a draft can start.",
            cycle.spec.name,
            cycle.state.as_str()
        )));
    }
    let people = store.people(&PeopleFilter::default()).await?;
    let (participants, hr, reviewed_by_hr) = match participants(&cycle.spec, &people, hr) {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !store
        .start_cycle(cycle.id, &participants, hr, actor, now)
        .await?
    {
        return Ok(Err(format!("{} was started meanwhile.", cycle.spec.name)));
    }
    if let Some(standing) = Standing::load(store, cycle.id).await? {
        notices::started(store, &standing, now).await?;
    }
    Ok(Ok(Started {
        participants: participants.len(),
        reviewed_by_hr,
    }))
}

/// Releases `cycle`'s results: each participant and whoever wrote their manager review
/// get them. How many results go out.
pub async fn release<S>(
    store: &S,
    cycle: &Cycle,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<usize, String>, StoreError>
where
    S: Reviews + Directory + Kudos,
{
    if cycle.state != CycleState::Active || cycle.released_at.is_some() {
        return Ok(Err(format!(
            "{} can't be released: {}.",
            cycle.spec.name,
            if cycle.released_at.is_some() {
                "its results are out already"
            } else {
                "only a running cycle's results can be"
            }
        )));
    }
    if !store.release_cycle(cycle.id, actor, now).await? {
        return Ok(Err(format!("{} was released meanwhile.", cycle.spec.name)));
    }
    let Some(standing) = Standing::load(store, cycle.id).await? else {
        return Ok(Ok(0));
    };
    let mut sent = 0;
    for participant in &standing.participants {
        let readers = [
            Some(participant.person),
            standing
                .reviews
                .iter()
                .find(|r| r.subject == participant.person && r.kind == Reviewer::Manager)
                .map(|r| r.reviewer),
        ];
        let to = dms(&standing, readers.into_iter().flatten());
        let subject = Subject::Results(cycle.id, participant.person).to_string();
        store.add_notices(&subject, &to, now).await?;
        sent += 1;
    }
    Ok(Ok(sent))
}

/// A DM notice to each of `people` with a chat account.
pub fn dms(standing: &Standing, people: impl IntoIterator<Item = PersonId>) -> Vec<NewNotice> {
    people
        .into_iter()
        .filter_map(|id| {
            let person = standing.people.get(&id)?;
            Some(NewNotice {
                platform: person.dm_platform(None)?,
                to: Destination::Person(id),
            })
        })
        .collect()
}

/// Sets `cycle`'s anonymity threshold to `k`: at least [`MIN_K`], and only before release.
pub async fn threshold<S: Reviews>(
    store: &S,
    cycle: &Cycle,
    k: usize,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<String, String>, StoreError> {
    if k < MIN_K {
        return Ok(Err(format!(
            "At least {MIN_K} peers must answer before their answers show: fewer would let \
             an answer point to its reviewer."
        )));
    }
    let old = cycle.spec.min_responses;
    Ok(if store.set_threshold(cycle.id, k, actor, now).await? {
        Ok(format!(
            "{}: peer answers now show once {k} peers have answered (it was {old}). The change \
             is in the audit log.",
            cycle.spec.name
        ))
    } else {
        Err(format!(
            "{}'s results are released: its threshold can no longer change.",
            cycle.spec.name
        ))
    })
}

/// Reopens the submitted review of `subject` by `reviewer` in `cycle`, audited with
/// `reason`.
pub async fn reopen<S: Reviews + Directory>(
    store: &S,
    cycle: &Cycle,
    (subject, reviewer): (&Person, &Person),
    reason: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<String, String>, StoreError> {
    if cycle.state != CycleState::Active || cycle.released_at.is_some() {
        return Ok(Err(format!(
            "{} is not taking reviews: a review reopened now could not be changed.",
            cycle.spec.name
        )));
    }
    let filter = crate::ports::ReviewFilter {
        cycle: Some(cycle.id),
        subject: Some(subject.id),
        reviewer: Some(reviewer.id),
        ..crate::ports::ReviewFilter::default()
    };
    let Some(review) = store.reviews(&filter).await?.into_iter().next() else {
        return Ok(Err(format!(
            "{} writes no review of {} in {}.",
            reviewer.name, subject.name, cycle.spec.name
        )));
    };
    if review.state != ReviewState::Submitted {
        return Ok(Err(format!(
            "That review is not submitted: {} can still change it.",
            reviewer.name
        )));
    }
    Ok(
        if store.reopen_review(review.id, actor, reason, now).await? {
            Ok(format!(
                "Reopened: {} can change it and submit it again. The reason is in the audit \
                 log.",
                reviewer.name
            ))
        } else {
            Err("That review was reopened meanwhile.".to_owned())
        },
    )
}

/// Runs HR's `command` from chat, for `person` (an HR admin).
pub async fn run<S: ChatStore>(
    store: &S,
    person: &Person,
    platform: Platform,
    command: CycleCommand,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if command == CycleCommand::Help {
        return Ok(Reply::Private(HELP.to_owned()));
    }
    if person.role != Role::HrAdmin {
        return Ok(Reply::Private(
            "Only HR admins run review cycles. /review shows your part in one.".to_owned(),
        ));
    }
    let said = match command {
        CycleCommand::Help => Ok(HELP.to_owned()),
        CycleCommand::List => list(store, now).await?,
        CycleCommand::Create { name, participants } => {
            let today = now.with_timezone(&person.timezone.tz()).date_naive();
            match standard(&name, today) {
                Ok(mut spec) => Ok(
                    match store
                        .create_cycle(
                            &{
                                if let Some(audience) = participants {
                                    spec.participants = audience;
                                }
                                spec
                            },
                            actor,
                            now,
                        )
                        .await?
                    {
                        CreateCycle::Created(id) => match store.cycle(id).await? {
                            Some(cycle) => created(&cycle.spec),
                            None => format!("{name} is a draft."),
                        },
                        CreateCycle::NameTaken(_) => {
                            return Ok(Reply::Private(format!(
                                "A cycle named {name} exists already; nothing changed."
                            )));
                        }
                    },
                ),
                Err(problem) => Err(problem),
            }
        }
        CycleCommand::Status(name) => match find(store, &name).await? {
            Ok(cycle) => Ok(Progress::load(store, &cycle, now)
                .await?
                .map_or_else(String::new, |progress| progress.text())),
            Err(refusal) => Err(refusal),
        },
        CycleCommand::Start(name) => match find(store, &name).await? {
            Ok(cycle) => start(store, &cycle, Some(person.id), actor, now)
                .await?
                .map(|started| started_text(&cycle, &started)),
            Err(refusal) => Err(refusal),
        },
        CycleCommand::Release(name) => match find(store, &name).await? {
            Ok(cycle) => release(store, &cycle, actor, now).await?.map(|sent| {
                format!(
                    "{} is released: {sent} people and their managers get their results now.",
                    cycle.spec.name
                )
            }),
            Err(refusal) => Err(refusal),
        },
        CycleCommand::Close(name) => match find(store, &name).await? {
            Ok(cycle) => close(store, &cycle, actor, now).await?,
            Err(refusal) => Err(refusal),
        },
        CycleCommand::Threshold { name, k } => match find(store, &name).await? {
            Ok(cycle) => threshold(store, &cycle, k, actor, now).await?,
            Err(refusal) => Err(refusal),
        },
        CycleCommand::Reopen {
            name,
            subject,
            reviewer,
            reason,
        } => {
            let cycle = match find(store, &name).await? {
                Ok(cycle) => cycle,
                Err(refusal) => return Ok(Reply::Private(refusal)),
            };
            let subject = match mentioned(store, platform, &subject).await? {
                Ok(person) => person,
                Err(refusal) => return Ok(Reply::Private(refusal)),
            };
            let reviewer = match mentioned(store, platform, &reviewer).await? {
                Ok(person) => person,
                Err(refusal) => return Ok(Reply::Private(refusal)),
            };
            reopen(store, &cycle, (&subject, &reviewer), &reason, actor, now).await?
        }
    };
    Ok(Reply::Private(said.unwrap_or_else(|refusal| refusal)))
}

/// What starting `cycle` says.
pub fn started_text(cycle: &Cycle, started: &Started) -> String {
    let mut text = format!(
        "{} has started: {} people are reviewed. Each gets their self-review packet and is \
         asked to nominate peers; managers get the list of reviews they write.",
        cycle.spec.name, started.participants
    );
    if !started.reviewed_by_hr.is_empty() {
        let _ = write!(
            text,
            " {} have no manager: HR writes their manager review.",
            started.reviewed_by_hr.join(", ")
        );
    }
    text
}

/// Closes running `cycle`: it takes no more reviews.
pub async fn close<S: Reviews>(
    store: &S,
    cycle: &Cycle,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<String, String>, StoreError> {
    Ok(if store.close_cycle(cycle.id, actor, now).await? {
        Ok(format!(
            "{} is closed: it takes no more reviews{}.",
            cycle.spec.name,
            if cycle.released_at.is_none() {
                ", and its results can no longer be released"
            } else {
                ""
            }
        ))
    } else {
        Err(format!(
            "{} is {}: only a running cycle can close.",
            cycle.spec.name,
            cycle.state.as_str()
        ))
    })
}

/// Every cycle, newest first, with its progress.
async fn list<S: Reviews + Directory>(
    store: &S,
    now: DateTime<Utc>,
) -> Result<Result<String, String>, StoreError> {
    let cycles = store.cycles().await?;
    if cycles.is_empty() {
        return Ok(Err(
            "There are no review cycles yet. /rhythm cycle create 2026 H2 makes one.".to_owned(),
        ));
    }
    let mut text = String::from("Review cycles:");
    for cycle in &cycles {
        if let Some(progress) = Progress::load(store, cycle, now).await? {
            let _ = write!(text, "\n\n{}", progress.text());
        }
    }
    Ok(Ok(text))
}

/// What creating `spec` says.
fn created(spec: &CycleSpec) -> String {
    let mut text = format!(
        "{} is a draft: {}, the standard form, peers anonymous (shown once {} have \
         answered). Its deadlines:",
        spec.name,
        match &spec.participants {
            crate::schedule::Audience::Everyone => "everyone".to_owned(),
            audience => audience.to_string(),
        },
        spec.min_responses
    );
    for (phase, date) in spec.deadlines.iter() {
        let _ = write!(
            text,
            "\n• {}: {}",
            phase.label(),
            date.format("%a %-d %b %Y")
        );
    }
    let _ = write!(
        text,
        "\nStart it with /rhythm cycle start {}. For another form, people or dates, write a \
         [[review_cycle]] in the policy file.",
        spec.name
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, name: &str, role: Role, manager: Option<&str>) -> Person {
        crate::people::sample::person(id, name, "UTC", role, manager)
    }

    fn spec() -> CycleSpec {
        standard("H1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()).unwrap()
    }

    #[test]
    fn participants_come_with_their_active_manager_and_hr_reviews_the_rest() {
        let mut gone = person(4, "Gus", Role::Manager, None);
        gone.active = false;
        let people = [
            person(1, "Hana", Role::HrAdmin, None),
            person(2, "Ana", Role::Employee, Some("gus")),
            person(3, "Ben", Role::Employee, Some("hana")),
            gone,
        ];
        let (participants, hr, by_hr) = participants(&spec(), &people, None).unwrap();
        assert_eq!(hr, PersonId(1), "the first HR admin");
        assert_eq!(
            participants,
            vec![
                Participant {
                    person: PersonId(1),
                    manager: None
                },
                Participant {
                    person: PersonId(2),
                    manager: None
                },
                Participant {
                    person: PersonId(3),
                    manager: Some(PersonId(1))
                },
            ]
        );
        assert_eq!(by_hr, vec!["Ana".to_owned()], "not Hana herself");
    }

    #[test]
    fn with_no_one_to_review_them_or_no_one_at_all_a_start_is_refused() {
        let people = [person(2, "Ana", Role::Employee, None)];
        let refused = participants(&spec(), &people, None).unwrap_err();
        assert!(refused.contains("Ana have no manager"), "{refused}");
        let mut only_team = spec();
        only_team.participants = crate::schedule::Audience::parse("team:Nobody").unwrap();
        let refused = participants(&only_team, &people, None).unwrap_err();
        assert!(refused.contains("has no one to review"), "{refused}");
    }

    #[test]
    fn the_standard_cycle_has_a_week_per_phase_and_a_five_level_form() {
        let spec = spec();
        let days: Vec<String> = spec.deadlines.iter().map(|(_, d)| d.to_string()).collect();
        assert_eq!(
            days,
            [
                "2026-03-09",
                "2026-03-16",
                "2026-03-23",
                "2026-03-30",
                "2026-04-06"
            ]
        );
        assert_eq!(spec.form.levels(), Some(5));
        assert_eq!(spec.min_responses, 5);
        assert!(standard(&"x".repeat(81), NaiveDate::MIN).is_err());
    }
}
