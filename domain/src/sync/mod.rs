//! Directory sync with Slack (`rhythm slack sync`, and once at start): each person is linked
//! to their Slack account by email, and takes the time zone of their Slack profile where
//! nobody chose one.
//!
//! 1. the caller reads the workspace's members (`users.list`) into [`SlackMember`]s;
//! 2. inside one write transaction, [`plan`] matches them against the directory: accounts
//!    to link, zones to take, conflicts, and who matched nobody;
//! 3. the store writes the links and zones with one audit entry, or, on a dry run, nothing.
//!
//! Sync only adds: it never unlinks an account, never deactivates anyone, and never replaces
//! a zone HR or the person chose ([`TimezoneSource::is_automatic`]). Running it twice changes
//! nothing the second time.

mod plan;

use serde::Serialize;
use serde_json::json;

pub use plan::plan;

use crate::import::Named;
use crate::people::{ChatUserId, DisplayName, Email, PersonId, Timezone, TimezoneSource};
use crate::ports::{AuditEntry, Commit, DirectorySync, StoreError};

/// Slackbot's member id: in every workspace's `users.list`, neither a bot nor a person.
pub const SLACKBOT_ID: &str = "USLACKBOT";

/// A member of the Slack workspace, as `users.list` describes them. The text is Slack's,
/// unchecked: [`plan`] parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackMember {
    /// The member id (`U…` or `W…`).
    pub id: String,
    /// The workspace (team) id, recorded with a link.
    pub team_id: Option<String>,
    /// `real_name`, to name them in the report.
    pub name: Option<String>,
    /// `profile.email`; Slack leaves it out for bots, and for everyone when the app lacks
    /// the `users:read.email` scope.
    pub email: Option<String>,
    /// `tz`, an IANA zone name such as `Europe/Berlin`.
    pub timezone: Option<String>,
    /// Whether the account is a person's.
    pub kind: MemberKind,
}

/// What kind of account a Slack member is; sync only looks at people's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// A person's active account (guests included).
    Person,
    /// A bot or an app user.
    Bot,
    /// A deactivated account.
    Deactivated,
}

/// What a sync links and changes, and what it could not match.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncPlan {
    /// People without a Slack account, linked to the member with their email.
    pub linked: Vec<Link>,
    /// Zones taken from Slack profiles (only zones nobody chose).
    pub timezones: Vec<ZoneChange>,
    /// Matches that were not made, each with the reason.
    pub conflicts: Vec<Conflict>,
    /// Members (not bots, not deactivated) whose account no person in the directory has.
    pub slack_users_without_person: Vec<Member>,
    /// Active people who still have no Slack account.
    pub people_without_slack: Vec<Named>,
    /// Slack zones that are not IANA zone names, left untaken.
    pub unknown_zones: Vec<UnknownZone>,
    /// How many members came without an email; all of them means the Slack app lacks the
    /// `users:read.email` scope.
    pub members_without_email: usize,
    /// How many members (not bots, not deactivated) Slack listed.
    pub members: usize,
}

/// A person linked to a Slack account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The person.
    #[serde(skip)]
    pub person: PersonId,
    /// Their email.
    pub email: Email,
    /// Their name.
    pub name: DisplayName,
    /// The Slack member id.
    pub slack_user_id: ChatUserId,
    /// The Slack workspace.
    pub workspace_id: Option<String>,
}

/// A person's zone, taken from their Slack profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneChange {
    /// The person.
    #[serde(skip)]
    pub person: PersonId,
    /// Their email.
    pub email: Email,
    /// Their zone before.
    pub from: Timezone,
    /// Who chose it: the import's default, or Slack at an earlier sync.
    pub from_source: TimezoneSource,
    /// Slack's zone.
    pub to: Timezone,
}

/// A match sync did not make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// The person's email.
    pub email: Email,
    /// The Slack member with that email.
    pub slack_user_id: ChatUserId,
    /// Why it was not linked, and what to do.
    pub reason: String,
}

/// A Slack member in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The member id.
    pub slack_user_id: ChatUserId,
    /// Their email, if Slack gave one.
    pub email: Option<Email>,
    /// Their name, if Slack gave one.
    pub name: Option<String>,
}

/// A Slack zone that is not an IANA name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownZone {
    /// The person's email.
    pub email: Email,
    /// What Slack said.
    pub timezone: String,
}

impl SyncPlan {
    /// Whether applying the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.linked.is_empty() && self.timezones.is_empty()
    }

    /// The audit-log entry for writing this plan: `slack.sync`, with counts.
    pub fn audit(&self, actor: &str) -> AuditEntry {
        AuditEntry {
            actor: actor.to_owned(),
            action: "slack.sync".to_owned(),
            details: json!({
                "members": self.members,
                "linked": self.linked.len(),
                "timezones": self.timezones.len(),
                "conflicts": self.conflicts.len(),
                "slack_users_without_person": self.slack_users_without_person.len(),
                "people_without_slack": self.people_without_slack.len(),
            }),
        }
    }
}

/// What a sync did, or would do on a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// The links and zones written (or to write), and what did not match.
    #[serde(flatten)]
    pub plan: SyncPlan,
}

/// Matches `members` against the directory and, unless `commit` is a dry run, writes the
/// links and zones in one transaction, audited as `actor`.
pub async fn sync_slack<S: DirectorySync>(
    store: &S,
    members: &[SlackMember],
    commit: Commit,
    actor: &str,
) -> Result<SyncReport, StoreError> {
    let plan = store
        .sync_directory(|snapshot| plan(members, snapshot), commit, actor)
        .await?;
    Ok(SyncReport {
        dry_run: commit == Commit::DryRun,
        plan,
    })
}

#[cfg(test)]
mod tests;
