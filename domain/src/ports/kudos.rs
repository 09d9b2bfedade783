//! The kudos port: giving (allowances enforced in the same transaction), retracting,
//! removing, reading them back, HR's kudos policy, and the notices that announce them.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{Destination, MessageRef, StoreError};
use crate::kudos::{KudosPolicy, KudosReason, ValueTag};
use crate::people::{PersonId, Platform};

/// A kudos's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct KudosId(pub i64);

/// How a kudos was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KudosSource {
    /// `/kudos @ana …`.
    Command,
    /// The kudos emoji on someone's message.
    Reaction,
    /// *Give kudos for this* on a message.
    Shortcut,
}

/// Who sees a kudos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Announced in the kudos channel, and DM'd to each recipient.
    Public,
    /// Only the recipients and their managers are told.
    Private,
}

macro_rules! stored_names {
    ($type:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $type {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            /// Reads a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

stored_names!(KudosSource { Command => "command", Reaction => "reaction", Shortcut => "shortcut" });
stored_names!(Visibility { Public => "public", Private => "private" });

/// A kudos to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKudos {
    /// Who gives it.
    pub giver: PersonId,
    /// Who receives it: at least one, never the giver, no one twice.
    pub recipients: Vec<PersonId>,
    /// Why.
    pub reason: KudosReason,
    /// The company values it names.
    pub values: Vec<ValueTag>,
    /// Who sees it.
    pub visibility: Visibility,
    /// How it was given.
    pub source: KudosSource,
    /// Where it was given.
    pub platform: Platform,
    /// The message it cites (a reaction's or a shortcut's).
    pub message_link: Option<String>,
    /// One kudos per key: a second give with the same key records nothing.
    pub key: Option<String>,
    /// When.
    pub given_at: DateTime<Utc>,
    /// What announces it, written with it.
    pub notices: Vec<NewNotice>,
}

/// The allowances a give is checked against, in its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// The giver's current period began then (recipients recognised since count).
    pub since: DateTime<Utc>,
    /// Recipients the giver may recognise per period.
    pub limit: u32,
    /// Kudos a person may receive since `since`, if capped.
    pub receive_cap: Option<u32>,
}

/// How a give ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveOutcome {
    /// Recorded.
    Given(KudosId),
    /// Its key was given already: nothing recorded.
    Repeat(KudosId),
    /// The giver has recognised `given` people this period: recording it would pass the limit.
    OverAllowance {
        /// Recipients recognised so far this period.
        given: u32,
    },
    /// A recipient has received `received` kudos this period, the cap.
    OverReceiveCap {
        /// Who.
        person: PersonId,
        /// How many.
        received: u32,
    },
}

/// A kudos as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KudosRecord {
    /// Storage id.
    pub id: KudosId,
    /// Who gave it.
    pub giver: PersonId,
    /// Who received it.
    pub recipients: Vec<PersonId>,
    /// Why.
    pub reason: String,
    /// The value tags it named.
    pub values: Vec<String>,
    /// Who sees it.
    pub visibility: Visibility,
    /// How it was given.
    pub source: KudosSource,
    /// Where.
    pub platform: Platform,
    /// The message it cites.
    pub message_link: Option<String>,
    /// When.
    pub given_at: DateTime<Utc>,
    /// When its giver took it back.
    pub retracted_at: Option<DateTime<Utc>>,
    /// When HR removed it.
    pub removed_at: Option<DateTime<Utc>>,
}

impl KudosRecord {
    /// Whether it still counts: neither retracted nor removed.
    pub fn stands(&self) -> bool {
        self.retracted_at.is_none() && self.removed_at.is_none()
    }
}

/// Which kudos to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KudosFilter {
    /// Given at or after.
    pub from: DateTime<Utc>,
    /// Given before.
    pub to: DateTime<Utc>,
    /// Only those given or received by this person.
    pub person: Option<PersonId>,
}

/// A notice to write with its record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewNotice {
    /// The platform it is posted on.
    pub platform: Platform,
    /// Where.
    pub to: Destination,
}

/// A notice's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NoticeId(pub i64);

/// A notice due to be posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Storage id.
    pub id: NoticeId,
    /// What it is about: `kudos:ID`.
    pub subject: String,
    /// The platform it is posted on.
    pub platform: Platform,
    /// Where.
    pub to: Destination,
    /// Tries before this one.
    pub attempts: u32,
}

/// How posting a claimed notice ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// Posted there.
    Posted(MessageRef),
    /// Nothing to say any more (its kudos was taken back): never posted.
    Skipped,
    /// Not posted; try again no sooner than `at`.
    Retry {
        /// When.
        at: DateTime<Utc>,
        /// What went wrong.
        error: String,
    },
    /// Never going to be posted.
    Failed(String),
}

/// Kudos and their policy.
pub trait Kudos: Send + Sync {
    /// HR's kudos policy; the default if none was applied.
    fn kudos_policy(&self) -> impl Future<Output = Result<KudosPolicy, StoreError>> + Send;

    /// Records `kudos` with its recipients, values and notices, in one transaction in which
    /// gives are serialised, unless: its key was given already ([`GiveOutcome::Repeat`]);
    /// the giver's recipients since `allowance.since` plus these would pass
    /// `allowance.limit`; or a recipient has received `receive_cap` kudos since then.
    /// Retracted and removed kudos do not count.
    fn give_kudos(
        &self,
        kudos: &NewKudos,
        allowance: &Allowance,
    ) -> impl Future<Output = Result<GiveOutcome, StoreError>> + Send;

    /// Recipients `giver` recognised since `since`, in kudos that stand.
    fn kudos_given_since(
        &self,
        giver: PersonId,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;

    /// Marks retracted the latest kudos `giver` gave at or after `since` that stands, and
    /// skips its notices not yet posted; it, if there was one.
    fn retract_kudos(
        &self,
        giver: PersonId,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<KudosRecord>, StoreError>> + Send;

    /// HR removes kudos `id` (it stays, marked), audited as `actor` with `reason`, and its
    /// notices not yet posted are skipped; it as it was, or `None` if there is no such kudos.
    fn remove_kudos(
        &self,
        id: KudosId,
        actor: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<KudosRecord>, StoreError>> + Send;

    /// Kudos `id`.
    fn kudos_by_id(
        &self,
        id: KudosId,
    ) -> impl Future<Output = Result<Option<KudosRecord>, StoreError>> + Send;

    /// Kudos matching `filter`, retracted and removed ones included, oldest first.
    fn kudos_list(
        &self,
        filter: &KudosFilter,
    ) -> impl Future<Output = Result<Vec<KudosRecord>, StoreError>> + Send;

    /// Notices on `platform` due at `now` (pending, their backoff over, not claimed by
    /// someone else), oldest first, at most `limit`.
    fn due_notices(
        &self,
        platform: Platform,
        now: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Notice>, StoreError>> + Send;

    /// Claims notice `id` until `until`, if it is still pending and not claimed by someone
    /// else at `now`: `false` if another replica has it.
    fn claim_notice(
        &self,
        id: NoticeId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records how posting a claimed notice ended.
    fn finish_notice(
        &self,
        id: NoticeId,
        outcome: &NoticeOutcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes `notices` about `subject` (a weekly board), pending from `now`; one per
    /// subject, platform and destination, so a repeat (another replica) is ignored.
    fn add_notices(
        &self,
        subject: &str,
        notices: &[NewNotice],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Where notice-worthy messages about `subject` were posted: each posted notice's
    /// platform and message (to mark a retracted kudos's announcement).
    fn posted_notices(
        &self,
        subject: &str,
    ) -> impl Future<Output = Result<Vec<(Platform, Destination, MessageRef)>, StoreError>> + Send;
}
