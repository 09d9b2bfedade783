use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ChatIdentity, DisplayName, Email, Region, Role, TeamName, Timezone, TimezoneSource};
use crate::schedule::{OutOfOffice, QuietHours};

/// A person's storage id; other records point at people by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PersonId(pub i64);

/// Someone in the organisation's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Storage id.
    #[serde(skip)]
    pub id: PersonId,
    /// The key that identifies them across imports.
    pub email: Email,
    /// How Rhythm addresses them.
    pub name: DisplayName,
    /// Where their reminders are computed.
    pub timezone: Timezone,
    /// Who chose `timezone`: the import's default, HR, the person, or Slack.
    pub timezone_source: TimezoneSource,
    /// What they may do.
    pub role: Role,
    /// Their manager, if any.
    #[serde(rename = "manager_email")]
    pub manager: Option<Email>,
    /// Their teams, by name.
    pub teams: Vec<TeamName>,
    /// Picks their holiday calendar.
    pub region: Option<Region>,
    /// Deactivated people get nothing and stay for the record; nobody is deleted by import.
    pub active: bool,
    /// Their chat accounts.
    pub identities: Vec<ChatIdentity>,
    /// Their quiet hours; `None`: the default, 20:00–08:00 local.
    pub quiet_hours: Option<QuietHours>,
    /// When they are away: no reminders, none counted as missed.
    pub out_of_office: Vec<OutOfOffice>,
    /// When they were first added.
    pub created_at: DateTime<Utc>,
    /// When any of the above last changed.
    pub updated_at: DateTime<Utc>,
}

/// A team; people belong to any number of teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    /// The team's unique name.
    pub name: TeamName,
    /// How many active people are in it.
    pub members: u64,
}

impl Person {
    /// The platform to DM them on: `prefer` if they have an account there, else any they
    /// have (Slack before Discord); `None` if they have no chat account.
    pub fn dm_platform(&self, prefer: Option<super::Platform>) -> Option<super::Platform> {
        self.identities
            .iter()
            .map(|identity| identity.platform)
            .min_by_key(|on| (Some(*on) != prefer, *on))
    }
}
