//! What `/kudos` does, once for every platform: give (recipients resolved and checked, the
//! reason and values read against the policy, the allowance enforced by the store in the
//! same transaction as the write), undo, the allowance left, the values, the leaderboard.

use chrono::{DateTime, Duration, Utc};

use super::command::{GiveRequest, KudosCommand};
use super::leaderboard;
use super::messages;
use super::policy::KudosPolicy;
use super::values::{KudosReason, ValueTag};
use crate::chat::Reply;
use crate::people::{Person, Platform};
use crate::ports::{
    Allowance, Destination, Directory, GiveOutcome, Kudos, KudosSource, NewKudos, NewNotice,
    PeopleFilter, StoreError, Visibility,
};

/// How long a giver may take a kudos back.
pub const UNDO_WINDOW: Duration = Duration::minutes(5);

/// Where a kudos came from: the platform, and for a reaction or a shortcut, the message it
/// cites and the key that makes it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The platform it was given on.
    pub platform: Platform,
    /// How.
    pub source: KudosSource,
    /// The message it cites.
    pub message_link: Option<String>,
    /// One kudos per key.
    pub key: Option<String>,
}

impl Origin {
    /// A `/kudos` command on `platform`.
    pub fn command(platform: Platform) -> Self {
        Self {
            platform,
            source: KudosSource::Command,
            message_link: None,
            key: None,
        }
    }
}

/// Runs `/kudos` for `person`.
pub async fn run<S: Kudos + Directory>(
    store: &S,
    person: &Person,
    platform: Platform,
    command: KudosCommand,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    match command {
        KudosCommand::Give(request) => {
            give(store, person, request, Origin::command(platform), now).await
        }
        KudosCommand::Undo => undo(store, person, now).await,
        KudosCommand::Left => {
            let policy = store.kudos_policy().await?;
            let (since, resets) = policy.period.window(now, person.timezone.tz());
            let given = store.kudos_given_since(person.id, since).await?;
            let limit = policy.give_limit(person.role);
            Ok(Reply::Private(messages::left(
                &policy,
                limit.saturating_sub(given),
                limit,
                resets,
                person,
                now,
            )))
        }
        KudosCommand::Values => Ok(Reply::Private(messages::values(
            &store.kudos_policy().await?,
        ))),
        KudosCommand::Help => Ok(Reply::Private(super::command::HELP.to_owned())),
        KudosCommand::Leaderboard { period, team } => {
            if let Some(team) = &team
                && !store.team_exists(team).await?
            {
                return Ok(Reply::Private(format!(
                    "There is no team called {team}. `/kudos leaderboard month` shows everyone's."
                )));
            }
            let window = period.window(now, person.timezone.tz());
            let board = leaderboard::read(store, period, window, team.as_ref()).await?;
            Ok(Reply::Private(messages::board(&board)))
        }
    }
}

/// Gives kudos as `request` says, from `giver`; what to tell them. Nothing is stored unless
/// everything checks out.
pub async fn give<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    request: GiveRequest,
    origin: Origin,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    Ok(Reply::Private(
        match attempt(store, giver, request, origin, now).await? {
            Ok(attempted) => attempted.said,
            Err(refused) => refused.into_sentence(),
        },
    ))
}

/// Why a kudos was refused before anything was stored: the sentence, by what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A recipient: unknown, inactive, or the giver.
    Recipient(String),
    /// The reason: too short or too long.
    Reason(String),
    /// The value tags: unknown, or one required.
    Values(String),
}

impl Refused {
    /// What to tell the giver.
    pub fn into_sentence(self) -> String {
        match self {
            Self::Recipient(sentence) | Self::Reason(sentence) | Self::Values(sentence) => sentence,
        }
    }
}

/// A kudos that reached the store: what became of it, and what to tell the giver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted {
    /// What the store did.
    pub outcome: GiveOutcome,
    /// What to tell the giver.
    pub said: String,
}

/// Checks `request` and, if it passes, stores it (the store enforces the allowance in the
/// same transaction).
pub async fn attempt<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    request: GiveRequest,
    origin: Origin,
    now: DateTime<Utc>,
) -> Result<Result<Attempted, Refused>, StoreError> {
    let policy = store.kudos_policy().await?;
    let recipients = match recipients(store, giver, origin.platform, &request.recipients).await? {
        Ok(recipients) => recipients,
        Err(sentence) => return Ok(Err(Refused::Recipient(sentence))),
    };
    let reason = match KudosReason::parse(&request.reason) {
        Ok(reason) => reason,
        Err(invalid) => return Ok(Err(Refused::Reason(invalid.to_string()))),
    };
    if let Err(sentence) = check_values(&policy, &request.tags) {
        return Ok(Err(Refused::Values(sentence)));
    }
    let visibility = if request.private {
        Visibility::Private
    } else {
        Visibility::Public
    };
    let notices = notices(store, &policy, &recipients, visibility, origin.platform).await?;
    let (since, resets) = policy.period.window(now, giver.timezone.tz());
    let limit = policy.give_limit(giver.role);
    let kudos = NewKudos {
        giver: giver.id,
        recipients: recipients.iter().map(|person| person.id).collect(),
        reason,
        values: request.tags,
        visibility,
        source: origin.source,
        platform: origin.platform,
        message_link: origin.message_link,
        key: origin.key,
        given_at: now,
        notices,
    };
    let allowance = Allowance {
        since,
        limit,
        receive_cap: policy.receive_cap,
    };
    let outcome = store.give_kudos(&kudos, &allowance).await?;
    let names: Vec<&str> = recipients.iter().map(|p| p.name.as_str()).collect();
    let said = match &outcome {
        GiveOutcome::Given(_) => {
            let left = limit.saturating_sub(store.kudos_given_since(giver.id, since).await?);
            messages::given(&policy, &names, &kudos, left)
        }
        GiveOutcome::Repeat(_) => {
            format!("You gave {} kudos for this already.", names.join(", "))
        }
        GiveOutcome::OverAllowance { given } => messages::over_allowance(
            &policy,
            limit.saturating_sub(*given),
            names.len(),
            resets,
            giver,
            now,
        ),
        GiveOutcome::OverReceiveCap { person, received } => {
            let name = recipients
                .iter()
                .find(|p| p.id == *person)
                .map_or("They", |p| p.name.as_str());
            format!(
                "{name} has received {received} kudos {}, as many as one person can. Recognise \
                 them again when it resets, or someone else now.",
                policy.period.this()
            )
        }
    };
    Ok(Ok(Attempted { outcome, said }))
}

/// The people `mentions` name on `platform`, active and not the giver; or the sentence
/// saying who could not be recognised.
pub(super) async fn recipients<S: Directory>(
    store: &S,
    giver: &Person,
    platform: Platform,
    mentions: &[String],
) -> Result<Result<Vec<Person>, String>, StoreError> {
    let mut people = Vec::with_capacity(mentions.len());
    for user in mentions {
        let filter = PeopleFilter {
            chat_user: Some((platform, user.clone())),
            ..PeopleFilter::default()
        };
        let Some(person) = store.people(&filter).await?.into_iter().next() else {
            return Ok(Err(format!(
                "I don't know <@{user}>: they are not in Rhythm's directory (a bot, a guest, or \
                 someone HR has not added yet). Nothing was given."
            )));
        };
        if person.id == giver.id {
            return Ok(Err(
                "You can't give kudos to yourself. Who helped you lately? \
                           Recognise them instead."
                    .to_owned(),
            ));
        }
        if !person.active {
            return Ok(Err(format!(
                "{} is no longer active in Rhythm. Nothing was given.",
                person.name
            )));
        }
        if !people.iter().any(|known: &Person| known.id == person.id) {
            people.push(person);
        }
    }
    Ok(Ok(people))
}

/// Whether `tags` are company values, and one is named if the policy requires it.
fn check_values(policy: &KudosPolicy, tags: &[ValueTag]) -> Result<(), String> {
    if let Some(unknown) = tags.iter().find(|tag| policy.value(tag).is_none()) {
        return Err(if policy.values.is_empty() {
            format!("#{unknown} is not a company value: none are set up yet, so leave tags out.")
        } else {
            format!(
                "#{unknown} is not a company value. Tag one of: {}.",
                messages::tags(policy)
            )
        });
    }
    if policy.require_value && tags.is_empty() {
        return Err(format!(
            "Name the company value this shows, as a #tag: {}.",
            messages::tags(policy)
        ));
    }
    Ok(())
}

/// What announces a kudos: public, in each platform's kudos channel and a DM to each
/// recipient; private, a DM to each recipient and to their manager. DMs go to the platform
/// it was given on where the person has an account there, else to their other one.
async fn notices<S: Directory>(
    store: &S,
    policy: &KudosPolicy,
    recipients: &[Person],
    visibility: Visibility,
    platform: Platform,
) -> Result<Vec<NewNotice>, StoreError> {
    let mut notices = Vec::new();
    if visibility == Visibility::Public {
        for (platform, channel) in &policy.channels {
            notices.push(NewNotice {
                platform: *platform,
                to: Destination::Channel(channel.clone()),
            });
        }
    }
    let mut told = Vec::new();
    for recipient in recipients {
        told.push(recipient.clone());
        if visibility == Visibility::Private
            && let Some(manager) = &recipient.manager
        {
            told.extend(crate::command::active_by_email(store, manager).await?);
        }
    }
    for person in told {
        if let Some(on) = person.dm_platform(Some(platform)) {
            let notice = NewNotice {
                platform: on,
                to: Destination::Person(person.id),
            };
            if !notices.contains(&notice) {
                notices.push(notice);
            }
        }
    }
    Ok(notices)
}

/// Takes back the latest kudos `giver` gave within [`UNDO_WINDOW`].
async fn undo<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let Some(kudos) = store
        .retract_kudos(giver.id, now - UNDO_WINDOW, now)
        .await?
    else {
        return Ok(Reply::Private(format!(
            "There is no kudos of yours from the last {} minutes to take back. HR can remove an \
             older one.",
            UNDO_WINDOW.num_minutes()
        )));
    };
    let mut names = Vec::new();
    for id in &kudos.recipients {
        let filter = PeopleFilter {
            id: Some(*id),
            ..PeopleFilter::default()
        };
        names.extend(
            store
                .people(&filter)
                .await?
                .into_iter()
                .map(|p| p.name.to_string()),
        );
    }
    Ok(Reply::Private(format!(
        "Taken back: your kudos to {}. It no longer counts, and announcements not yet posted \
         will not be.",
        names.join(", ")
    )))
}
