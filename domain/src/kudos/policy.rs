//! HR's kudos policy: the company values, who may give how many, where public kudos are
//! announced, and which reaction gives kudos. Written in a policy file's `[kudos]` table
//! (applied with the schedules) and stored as one document.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike as _, Days, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::leaderboard::midnight;
use super::values::{CompanyValue, ValueTag};
use crate::people::{Platform, Role};

/// Kudos a person may give per period unless the policy says otherwise.
pub const DEFAULT_GIVE_LIMIT: u32 = 5;

/// How often allowances reset, at midnight in the giver's zone (Monday for a week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AllowancePeriod {
    /// Every day.
    #[default]
    Day,
    /// Every week, from Monday.
    Week,
}

impl AllowancePeriod {
    /// `today` or `this week`, as a person reads it.
    pub fn this(self) -> &'static str {
        match self {
            Self::Day => "today",
            Self::Week => "this week",
        }
    }

    /// When the period around `now` began and when it ends, in `zone`.
    pub fn window(self, now: DateTime<Utc>, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let today = now.with_timezone(&zone).date_naive();
        let first = match self {
            Self::Day => today,
            Self::Week => today - Days::new(u64::from(today.weekday().num_days_from_monday())),
        };
        let length = match self {
            Self::Day => 1,
            Self::Week => 7,
        };
        (
            midnight(first, zone, now),
            midnight(first + Days::new(length), zone, now),
        )
    }
}

/// The kudos policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KudosPolicy {
    /// The company values, in the order HR listed them.
    pub values: Vec<CompanyValue>,
    /// Whether every kudos must name at least one value.
    pub require_value: bool,
    /// How often allowances reset.
    pub period: AllowancePeriod,
    /// Recipients an employee may recognise per period.
    pub give_limit: u32,
    /// A manager's allowance, if larger.
    pub manager_give_limit: Option<u32>,
    /// An HR admin's allowance, if larger.
    pub hr_give_limit: Option<u32>,
    /// Kudos one person may receive per period, if capped.
    pub receive_cap: Option<u32>,
    /// Where public kudos are announced, by platform (a channel id there).
    pub channels: BTreeMap<Platform, String>,
    /// The Slack emoji (its name, without colons) whose reaction gives kudos.
    pub slack_reaction: Option<String>,
    /// The Discord emoji (the character, or a custom emoji's name) whose reaction gives kudos.
    pub discord_reaction: Option<String>,
}

impl Default for KudosPolicy {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            require_value: false,
            period: AllowancePeriod::Day,
            give_limit: DEFAULT_GIVE_LIMIT,
            manager_give_limit: None,
            hr_give_limit: None,
            receive_cap: None,
            channels: BTreeMap::new(),
            slack_reaction: Some("clap".to_owned()),
            discord_reaction: Some("👏".to_owned()),
        }
    }
}

impl KudosPolicy {
    /// How many recipients someone with `role` may recognise per period.
    pub fn give_limit(&self, role: Role) -> u32 {
        let larger = match role {
            Role::Employee => None,
            Role::Manager => self.manager_give_limit,
            Role::HrAdmin => self.hr_give_limit.or(self.manager_give_limit),
        };
        larger.unwrap_or(self.give_limit).max(self.give_limit)
    }

    /// The value tagged `tag`.
    pub fn value(&self, tag: &ValueTag) -> Option<&CompanyValue> {
        self.values.iter().find(|value| &value.tag == tag)
    }

    /// The emoji whose reaction gives kudos on `platform`.
    pub fn reaction(&self, platform: Platform) -> Option<&str> {
        match platform {
            Platform::Slack => self.slack_reaction.as_deref(),
            Platform::Discord => self.discord_reaction.as_deref(),
        }
        .filter(|emoji| !emoji.is_empty())
    }

    /// What is wrong with it, each problem a sentence naming the key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut tags = HashSet::new();
        for value in &self.values {
            if !tags.insert(&value.tag) {
                problems.push(format!("value `#{}` is listed twice", value.tag));
            }
            if value.name.trim().is_empty() {
                problems.push(format!("value `#{}`: name: give it a name", value.tag));
            }
        }
        if self.require_value && self.values.is_empty() {
            problems.push(
                "require_value: no value is listed, so no kudos could be given".to_owned(),
            );
        }
        if self.give_limit == 0 {
            problems.push("give_limit: must be at least 1".to_owned());
        }
        if self.receive_cap == Some(0) {
            problems.push("receive_cap: must be at least 1 (leave it out for no cap)".to_owned());
        }
        for (platform, channel) in &self.channels {
            if channel.trim().is_empty() {
                problems.push(format!("channels.{platform}: give a channel id"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn a_day_is_the_givers_local_day_and_a_week_starts_on_monday() {
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        // Wednesday 2026-11-25, 23:30 in Berlin.
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 22, 30, 0).unwrap();
        let (from, to) = AllowancePeriod::Day.window(now, zone);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 11, 24, 23, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 11, 25, 23, 0, 0).unwrap());
        let (from, to) = AllowancePeriod::Week.window(now, zone);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 11, 22, 23, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 11, 29, 23, 0, 0).unwrap());
    }

    #[test]
    fn managers_and_hr_may_have_larger_allowances_never_smaller() {
        let policy = KudosPolicy {
            manager_give_limit: Some(10),
            hr_give_limit: Some(2),
            ..KudosPolicy::default()
        };
        assert_eq!(policy.give_limit(Role::Employee), 5);
        assert_eq!(policy.give_limit(Role::Manager), 10);
        assert_eq!(policy.give_limit(Role::HrAdmin), 5);
    }
}
