//! `/review` and the review cycle's buttons, once for every platform: what you owe (sent
//! as a DM with a *Write* button for each review), nominating peers, approving a report's
//! nominations (the button on the nominations notice, or `/review approve`), reading your
//! released results and acknowledging them. Every step is checked against
//! [`super::access`]; a refusal is a sentence and changes nothing.

use chrono::{DateTime, Utc};
use rand::SeedableRng as _;

use super::access::{Action, Context, Relation, check};
use super::form::Reviewer;
use super::model::{CycleState, Phase, ReviewState};
use super::notices::{APPROVE, Subject, send};
use super::pages::{SAVE, SUBMIT, WRITE};
use super::parse::{HELP, ReviewCommand};
use super::results::{ACKNOWLEDGE, Answers, message, results};
use super::standing::Standing;
use crate::chat::{Block, Interaction, Message, Reply};
use crate::command::mentioned;
use crate::people::{Person, PersonId, Platform, Role};
use crate::ports::{Approve, ChatStore, CycleId, StoreError};

/// Runs `/review` for `person`.
pub async fn run<S: ChatStore>(
    store: &S,
    person: &Person,
    platform: Platform,
    command: ReviewCommand,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let said = match command {
        ReviewCommand::Help => HELP.to_owned(),
        ReviewCommand::Mine => mine(store, person, now).await?,
        ReviewCommand::Nominate(users) => nominate(store, person, platform, &users, now).await?,
        ReviewCommand::Approve { report, peers } => {
            let subject = match mentioned(store, platform, &report).await? {
                Ok(subject) => subject,
                Err(refusal) => return Ok(Reply::Private(refusal)),
            };
            let mut listed = Vec::new();
            for user in &peers {
                match mentioned(store, platform, user).await? {
                    Ok(peer) => listed.push(peer.id),
                    Err(refusal) => return Ok(Reply::Private(refusal)),
                }
            }
            let Some(standing) = running_for(store, subject.id).await? else {
                return Ok(Reply::Private(format!(
                    "{} is not in a running review cycle.",
                    subject.name
                )));
            };
            approve(store, &standing, person, subject.id, &listed, actor, now)
                .await?
                .unwrap_or_else(|refusal| refusal)
        }
        ReviewCommand::Results => match released_for(store, person.id).await? {
            Some(standing) => {
                return Ok(Reply::Private(
                    results_message(&standing, person.id, person)
                        .map_or_else(|refusal| refusal, |message| plain(&message)),
                ));
            }
            None => "You have no released results yet.".to_owned(),
        },
        ReviewCommand::Acknowledge => match released_for(store, person.id).await? {
            Some(standing) => acknowledge(store, &standing, person, now).await?,
            None => "You have no released results to acknowledge yet.".to_owned(),
        },
    };
    Ok(Reply::Private(said))
}

/// What `person` (`actor` in the audit log) pressing a review button or sending a review
/// page does.
pub async fn interact<S: ChatStore>(
    store: &S,
    person: &Person,
    actor: &str,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    match interaction.action() {
        WRITE | SAVE | SUBMIT => super::workflow::interact(store, person, interaction, now).await,
        ACKNOWLEDGE => {
            let standing = match interaction.value().parse().map(CycleId) {
                Ok(cycle) => Standing::load(store, cycle).await?,
                Err(_) => None,
            };
            Ok(match standing {
                Some(standing) if standing.participant(person.id).is_some() => {
                    Reply::Private(acknowledge(store, &standing, person, now).await?)
                }
                _ => Reply::Private("That button is out of date; try /review results.".to_owned()),
            })
        }
        APPROVE => {
            let read = interaction
                .value()
                .split_once(':')
                .and_then(|(cycle, subject)| Some((cycle.parse().ok()?, subject.parse().ok()?)));
            let Some((cycle, subject)) = read else {
                return Ok(Reply::Private("That button is out of date.".to_owned()));
            };
            let Some(standing) = Standing::load(store, CycleId(cycle)).await? else {
                return Ok(Reply::Private("That cycle no longer exists.".to_owned()));
            };
            Ok(
                match approve(store, &standing, person, PersonId(subject), &[], actor, now).await? {
                    Ok(said) => Reply::Update(Message {
                        summary: said.clone(),
                        blocks: vec![
                            Block::Header(standing.cycle.spec.name.clone()),
                            Block::Text(format!("Approved ✓ {said}")),
                        ],
                    }),
                    Err(refusal) => Reply::Private(refusal),
                },
            )
        }
        _ => Ok(Reply::Private(
            "I did not understand that button; try /review.".to_owned(),
        )),
    }
}

/// The running cycles, newest first.
async fn running<S: ChatStore>(store: &S) -> Result<Vec<Standing>, StoreError> {
    let mut found = Vec::new();
    for cycle in store.cycles().await? {
        if cycle.state == CycleState::Active
            && cycle.released_at.is_none()
            && let Some(standing) = Standing::load(store, cycle.id).await?
        {
            found.push(standing);
        }
    }
    Ok(found)
}

/// The newest running cycle `person` is reviewed in.
async fn running_for<S: ChatStore>(
    store: &S,
    person: PersonId,
) -> Result<Option<Standing>, StoreError> {
    Ok(running(store)
        .await?
        .into_iter()
        .find(|standing| standing.participant(person).is_some()))
}

/// The newest released cycle `person` was reviewed in.
async fn released_for<S: ChatStore>(
    store: &S,
    person: PersonId,
) -> Result<Option<Standing>, StoreError> {
    for cycle in store.cycles().await? {
        if cycle.released_at.is_some()
            && let Some(standing) = Standing::load(store, cycle.id).await?
            && standing.participant(person).is_some()
        {
            return Ok(Some(standing));
        }
    }
    Ok(None)
}

/// `/review`: what `person` owes in each running cycle, sent as a DM with buttons.
async fn mine<S: ChatStore>(
    store: &S,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let mut lines = Vec::new();
    for standing in running(store).await? {
        let owed: usize = [
            Phase::Nominations,
            Phase::SelfReviews,
            Phase::PeerReviews,
            Phase::ManagerReviews,
        ]
        .iter()
        .map(|phase| standing.debts_of(*phase, person.id).len())
        .sum();
        // How many reviews of them are in is not said: watching it change would tell them
        // when each reviewer submitted.
        if owed == 0 && standing.participant(person.id).is_none() {
            continue;
        }
        let name = &standing.cycle.spec.name;
        let line = if owed == 0 {
            format!("{name}: nothing left for you to do.")
        } else {
            send(
                store,
                &standing,
                Subject::Owed(standing.cycle.id, now.timestamp_millis()),
                [person.id],
                now,
            )
            .await?;
            format!(
                "{name}: {owed} thing{} to do; I've sent you a DM with a button for each review.",
                if owed == 1 { "" } else { "s" }
            )
        };
        lines.push(line);
    }
    Ok(if lines.is_empty() {
        "You have no part in a running review cycle.".to_owned()
    } else {
        lines.join("\n")
    })
}

/// `/review nominate`: `person`'s peers, checked, replacing any not yet approved.
async fn nominate<S: ChatStore>(
    store: &S,
    person: &Person,
    platform: Platform,
    users: &[String],
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let Some(standing) = running_for(store, person.id).await? else {
        return Ok(
            "You are not in a running review cycle, so there is no one to nominate.".to_owned(),
        );
    };
    if let Err(reason) = check(
        person.role,
        Action::Nominate,
        Relation::Own,
        Context::default(),
    ) {
        return Ok(reason.to_owned());
    }
    let mut peers = Vec::new();
    for user in users {
        match mentioned(store, platform, user).await? {
            Ok(peer) => peers.push(peer),
            Err(refusal) => return Ok(refusal),
        }
    }
    let ids: Vec<PersonId> = peers.iter().map(|p| p.id).collect();
    if let Err(refusal) = peers_problem(&standing, person.id, &ids, true) {
        return Ok(refusal);
    }
    let cycle = standing.cycle.id;
    if !store.nominate(cycle, person.id, &ids, now).await? {
        return Ok(
            "Your nominations are approved already; ask your manager if they should change."
                .to_owned(),
        );
    }
    let approvers = standing.approvers(person.id);
    send(
        store,
        &standing,
        Subject::Nominated(cycle, person.id, now.timestamp_millis()),
        approvers.iter().copied(),
        now,
    )
    .await?;
    let names: Vec<String> = peers.iter().map(|p| p.name.to_string()).collect();
    let approver = match approvers.as_slice() {
        [one] if standing.participant(person.id).and_then(|p| p.manager) == Some(*one) => {
            standing.name(*one)
        }
        _ => "HR".to_owned(),
    };
    Ok(format!(
        "Nominated {} for {}. {approver} approves them; until then you can nominate again.",
        names.join(", "),
        standing.cycle.spec.name
    ))
}

/// Why `peers` can't review `subject`, if they can't: themselves, their manager, too few
/// or too many (`count` checks the cycle's min and max).
fn peers_problem(
    standing: &Standing,
    subject: PersonId,
    peers: &[PersonId],
    count: bool,
) -> Result<(), String> {
    let manager = standing.participant(subject).and_then(|p| p.manager);
    for peer in peers {
        if *peer == subject {
            return Err(
                "You can't review yourself as a peer: your self-review is that part.".to_owned(),
            );
        }
        if Some(*peer) == manager {
            return Err(format!(
                "{} writes the manager review already; name peers instead.",
                standing.name(*peer)
            ));
        }
    }
    if count && let Some(problem) = standing.cycle.spec.nominations.problem(peers.len()) {
        return Err(problem);
    }
    Ok(())
}

/// Approves `subject`'s nominations as `listed` (or as proposed, if empty), by `person`:
/// the subject's manager in the cycle, or HR. Each approved peer is asked for a review.
pub async fn approve<S: ChatStore>(
    store: &S,
    standing: &Standing,
    person: &Person,
    subject: PersonId,
    listed: &[PersonId],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<String, String>, StoreError> {
    let Some(participant) = standing.participant(subject) else {
        return Ok(Err(format!(
            "{} is not reviewed in {}.",
            standing.name(subject),
            standing.cycle.spec.name
        )));
    };
    let relation = if subject == person.id {
        Relation::Own
    } else if participant.manager == Some(person.id) {
        Relation::Report
    } else {
        Relation::Other
    };
    // Whoever the cycle recorded as the manager approves, whatever the directory's role.
    let role = match (relation, person.role) {
        (Relation::Report, Role::Employee) => Role::Manager,
        (_, role) => role,
    };
    if let Err(reason) = check(
        role,
        Action::ApproveNominations,
        relation,
        Context::default(),
    ) {
        return Ok(Err(reason.to_owned()));
    }
    if standing.cycle.state != CycleState::Active || standing.cycle.released_at.is_some() {
        return Ok(Err(format!(
            "{} is not running any more.",
            standing.cycle.spec.name
        )));
    }
    let name = standing.name(subject);
    let peers: Vec<PersonId> = if listed.is_empty() {
        standing
            .nominations_of(subject)
            .iter()
            .map(|n| n.peer)
            .collect()
    } else {
        listed.to_vec()
    };
    if peers.is_empty() {
        return Ok(Err(format!(
            "{name} has not nominated anyone yet: approve once they have, or name the peers: \
             `/review approve @{name} @ana @ben @cy`."
        )));
    }
    if peers.contains(&person.id) && relation == Relation::Report {
        return Ok(Err(
            "You write their manager review already; name peers instead.".to_owned(),
        ));
    }
    if let Err(refusal) = peers_problem(standing, subject, &peers, !listed.is_empty()) {
        return Ok(Err(refusal.replace(
            "You can't review yourself",
            "No one reviews themselves",
        )));
    }
    let approved = store
        .approve_nominations(standing.cycle.id, subject, &peers, actor, now)
        .await?;
    let Approve::Approved(reviews) = approved else {
        return Ok(Err(format!("{name}'s nominations are approved already.")));
    };
    for review in reviews {
        let reviewer = store.review(review).await?.map(|r| r.reviewer);
        send(store, standing, Subject::Request(review), reviewer, now).await?;
    }
    let names: Vec<String> = peers.iter().map(|id| standing.name(*id)).collect();
    Ok(Ok(format!(
        "{name}'s peers are approved: {}. Each is asked for a review now.",
        names.join(", ")
    )))
}

/// `person`'s acknowledgement of their results in `standing`'s released cycle.
async fn acknowledge<S: ChatStore>(
    store: &S,
    standing: &Standing,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let context = Context {
        released: standing.cycle.released_at.is_some(),
        ..Context::default()
    };
    if let Err(reason) = check(person.role, Action::Acknowledge, Relation::Own, context) {
        return Ok(reason.to_owned());
    }
    let name = &standing.cycle.spec.name;
    Ok(
        if store.acknowledge(standing.cycle.id, person.id, now).await? {
            format!("Acknowledged ✓ Thank you: your results in {name} are marked as read.")
        } else {
            format!("You acknowledged your results in {name} already.")
        },
    )
}

/// `subject`'s results in released `standing`, as `viewer` may read them: the subject,
/// whoever wrote their manager review, or HR. Peers only in aggregate.
pub fn results_message(
    standing: &Standing,
    subject: PersonId,
    viewer: &Person,
) -> Result<Message, String> {
    let cycle = &standing.cycle;
    if cycle.released_at.is_none() {
        return Err("Those results are not released yet.".to_owned());
    }
    let manager = standing
        .reviews
        .iter()
        .find(|r| r.subject == subject && r.kind == Reviewer::Manager);
    let relation = if viewer.id == subject {
        Relation::Own
    } else if manager.is_some_and(|r| r.reviewer == viewer.id) {
        Relation::Report
    } else {
        Relation::Other
    };
    let role = match (relation, viewer.role) {
        (Relation::Report, Role::Employee) => Role::Manager,
        (_, role) => role,
    };
    let context = Context {
        released: true,
        anonymous: cycle.spec.anonymous_peers,
        ..Context::default()
    };
    check(role, Action::ReadResults, relation, context).map_err(str::to_owned)?;
    let submitted = |kind: Reviewer| {
        standing.reviews.iter().filter(move |r| {
            r.subject == subject && r.kind == kind && r.state == ReviewState::Submitted
        })
    };
    let first = |kind: Reviewer| -> Answers {
        submitted(kind)
            .next()
            .map(|r| r.answers.clone())
            .unwrap_or_default()
    };
    let peers: Vec<Answers> = submitted(Reviewer::Peer)
        .map(|r| r.answers.clone())
        .collect();
    let mut rng = rand::rngs::StdRng::from_os_rng();
    let results = results(
        &cycle.spec.form,
        cycle.spec.formula,
        cycle.spec.min_responses,
        (&first(Reviewer::SelfReview), &first(Reviewer::Manager)),
        &peers,
        &mut rng,
    );
    Ok(message(
        (&cycle.spec.name, cycle.id.0),
        &standing.name(subject),
        &cycle.spec.form,
        &results,
        relation == Relation::Own,
    ))
}

/// A message's text, for a private reply.
fn plain(message: &Message) -> String {
    let mut parts = Vec::new();
    for block in &message.blocks {
        match block {
            Block::Header(text) | Block::Text(text) | Block::Context(text) => {
                parts.push(text.clone());
            }
            Block::Fields(fields) => parts.extend(
                fields
                    .iter()
                    .map(|(label, value)| format!("{label}: {value}")),
            ),
            Block::Divider | Block::Buttons(_) => {}
        }
    }
    parts.join("\n")
}
