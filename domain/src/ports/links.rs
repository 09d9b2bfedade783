//! Linking a chat account to a person by a one-time code (`/rhythm link EMAIL`, then
//! `/rhythm link CODE`), or by HR directly (`rhythm people link`).

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{SendError, StoreError};
use crate::chat::Message;
use crate::people::{ChatUserId, PersonId, Platform};

/// A chat account: a user on a platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    /// The platform.
    pub platform: Platform,
    /// The user's id there.
    pub user: ChatUserId,
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.platform, self.user)
    }
}

/// A code waiting for `account` to prove it is `person`'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCode {
    /// The account asking.
    pub account: Account,
    /// The person it asks to be.
    pub person: PersonId,
    /// The code's SHA-256, hex: the code itself is never stored.
    pub code_hash: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// What trying a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// It matched: the account is the person's now.
    Linked(Linked),
    /// It did not match; the code works for this many more tries (0: it is gone).
    Wrong {
        /// Tries left.
        tries_left: u32,
    },
    /// No code is waiting for this account (never asked, used up, or expired).
    NoCode,
}

/// What linking an account did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// The account is the person's now; `replaced` is their earlier account on that platform.
    Now {
        /// The person.
        person: PersonId,
        /// The user id they had on the platform before, if another.
        replaced: Option<String>,
    },
    /// The account was the person's already.
    Already(PersonId),
    /// The account is someone else's: nothing changed.
    Taken(PersonId),
}

/// Where link codes and chat accounts are kept.
pub trait Links: Send + Sync {
    /// Saves `code`, replacing one the account had waiting, unless the account asked for one
    /// after `not_before` (`false`: nothing saved, so nobody gets a flood of codes). Writes
    /// a `people.link_requested` audit entry.
    fn save_link_code(
        &self,
        code: &LinkCode,
        not_before: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Tries `code_hash` against the code waiting for `account`, in one transaction: a match
    /// uses the code up and links the account (audited as by the account); a miss counts a
    /// try and drops the code after `max_tries`; an expired code is dropped.
    fn redeem_link_code(
        &self,
        account: &Account,
        code_hash: &str,
        max_tries: u32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Redeemed, StoreError>> + Send;

    /// Links `account` to `person` (HR's word), replacing the person's earlier account on
    /// that platform; audited as by `actor`. An account that is someone else's is left
    /// alone ([`Linked::Taken`]).
    fn link_account(
        &self,
        person: PersonId,
        account: &Account,
        actor: &str,
    ) -> impl Future<Output = Result<Linked, StoreError>> + Send;
}

/// A direct message to a person on one platform, outside any schedule (a link code).
pub trait Notify: Send + Sync {
    /// DMs `message` to `person`'s account on `platform`; fails if that platform is not
    /// connected or the person has no account there.
    fn notify(
        &self,
        platform: Platform,
        person: PersonId,
        message: &Message,
    ) -> impl Future<Output = Result<(), SendError>> + Send;
}
