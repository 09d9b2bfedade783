//! HR's kudos policy: the company values, who may give how many, where public kudos are
//! announced, and which reaction gives kudos. Written in a policy file's `[kudos]` table
//! (applied with the schedules) and stored as one document.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike as _, Days, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::leaderboard::midnight;
use super::values::{CompanyValue, ValueTag};
use crate::people::{Platform, Role, Timezone};

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
    /// Whether last week's leaderboard is posted in the kudos channels on Mondays.
    pub weekly_board: bool,
    /// The zone whose Monday 09:00 the weekly board is posted at, and whose weeks it counts
    /// (an IANA name).
    pub board_timezone: String,
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
            weekly_board: true,
            board_timezone: "UTC".to_owned(),
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

    /// Whether `emoji`, put on a message on `platform`, is the kudos reaction: Slack's skin
    /// tones (`clap::skin-tone-3`) and Unicode's (and its variation selectors) count as the
    /// emoji itself.
    pub fn is_reaction(&self, platform: Platform, emoji: &str) -> bool {
        let bare = |emoji: &str| -> String {
            let name = emoji.trim().trim_matches(':');
            let name = name
                .split_once("::skin-tone-")
                .map_or(name, |(name, _)| name);
            name.chars()
                .filter(|c| !matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'))
                .collect()
        };
        self.reaction(platform)
            .is_some_and(|kudos| !emoji.trim().is_empty() && bare(kudos) == bare(emoji))
    }

    /// The weekly board's zone ([`KudosPolicy::board_timezone`]; UTC if it is not one).
    pub fn board_zone(&self) -> Tz {
        Timezone::parse(&self.board_timezone).map_or(Tz::UTC, |zone| zone.tz())
    }

    /// What is wrong with it, each problem a sentence naming the key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if Timezone::parse(&self.board_timezone).is_err() {
            problems.push(format!(
                "board_timezone: `{}` is not an IANA time zone such as Europe/Berlin",
                self.board_timezone
            ));
        }
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
            problems
                .push("require_value: no value is listed, so no kudos could be given".to_owned());
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

/// A policy file's `[kudos]` table as written. Missing keys keep their defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KudosDoc {
    require_value: Option<bool>,
    period: Option<String>,
    give_limit: Option<u32>,
    manager_give_limit: Option<u32>,
    hr_give_limit: Option<u32>,
    receive_cap: Option<u32>,
    slack_channel: Option<String>,
    discord_channel: Option<String>,
    slack_reaction: Option<String>,
    discord_reaction: Option<String>,
    weekly_board: Option<bool>,
    board_timezone: Option<String>,
    #[serde(default)]
    value: Vec<ValueDoc>,
}

/// A `[[kudos.value]]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueDoc {
    #[serde(default)]
    tag: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

impl KudosDoc {
    /// The policy it writes, or every problem, each naming its key (`kudos: give_limit: …`).
    pub fn read(&self) -> Result<KudosPolicy, Vec<String>> {
        let mut problems = Vec::new();
        let defaults = KudosPolicy::default();
        let period = match self.period.as_deref().map(str::trim) {
            None | Some("day") => AllowancePeriod::Day,
            Some("week") => AllowancePeriod::Week,
            Some(other) => {
                problems.push(format!("period: `{other}` is not day or week"));
                AllowancePeriod::Day
            }
        };
        let mut values = Vec::new();
        for doc in &self.value {
            match ValueTag::parse(&doc.tag) {
                Ok(tag) => values.push(CompanyValue {
                    tag,
                    name: doc.name.trim().to_owned(),
                    description: doc.description.trim().to_owned(),
                }),
                Err(invalid) => problems.push(format!("value: tag: {invalid}")),
            }
        }
        let mut channels = BTreeMap::new();
        for (platform, channel) in [
            (Platform::Slack, &self.slack_channel),
            (Platform::Discord, &self.discord_channel),
        ] {
            if let Some(channel) = channel {
                channels.insert(platform, channel.trim().to_owned());
            }
        }
        let reaction = |set: &Option<String>, default: Option<String>| match set {
            Some(emoji) if emoji.trim().is_empty() => None,
            Some(emoji) => Some(emoji.trim().trim_matches(':').to_owned()),
            None => default,
        };
        let policy = KudosPolicy {
            values,
            require_value: self.require_value.unwrap_or(defaults.require_value),
            period,
            give_limit: self.give_limit.unwrap_or(defaults.give_limit),
            manager_give_limit: self.manager_give_limit,
            hr_give_limit: self.hr_give_limit,
            receive_cap: self.receive_cap,
            channels,
            slack_reaction: reaction(&self.slack_reaction, defaults.slack_reaction),
            discord_reaction: reaction(&self.discord_reaction, defaults.discord_reaction),
            weekly_board: self.weekly_board.unwrap_or(defaults.weekly_board),
            board_timezone: self
                .board_timezone
                .as_deref()
                .map_or(defaults.board_timezone, |zone| zone.trim().to_owned()),
        };
        problems.extend(policy.problems());
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(problems
                .into_iter()
                .map(|problem| format!("kudos: {problem}"))
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn a_kudos_table_is_read_with_every_problem_named() {
        let doc: KudosDoc = toml::from_str(
            r##"
            require_value = true
            period = "week"
            give_limit = 3
            slack_channel = "C0KUDOS"
            slack_reaction = ":tada:"
            [[value]]
            tag = "#Ownership"
            name = "Ownership"
            "##,
        )
        .unwrap();
        let policy = doc.read().unwrap();
        assert_eq!(policy.period, AllowancePeriod::Week);
        assert_eq!(policy.values[0].tag.as_str(), "ownership");
        assert_eq!(policy.channels[&Platform::Slack], "C0KUDOS");
        assert_eq!(policy.reaction(Platform::Slack), Some("tada"));
        assert_eq!(policy.reaction(Platform::Discord), Some("👏"));

        let doc: KudosDoc = toml::from_str(
            r#"
            require_value = true
            period = "fortnight"
            give_limit = 0
            [[value]]
            tag = "two words"
            name = "X"
            "#,
        )
        .unwrap();
        let problems = doc.read().unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems.iter().all(|p| p.starts_with("kudos: ")));
    }

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

    #[test]
    fn the_kudos_reaction_matches_in_any_skin_tone_and_nothing_else_does() {
        let policy = KudosPolicy::default();
        for slack in ["clap", ":clap:", "clap::skin-tone-4"] {
            assert!(policy.is_reaction(Platform::Slack, slack), "{slack}");
        }
        for discord in ["👏", "👏🏽", "👏\u{FE0F}"] {
            assert!(policy.is_reaction(Platform::Discord, discord), "{discord}");
        }
        assert!(!policy.is_reaction(Platform::Slack, "thumbsup"));
        assert!(!policy.is_reaction(Platform::Slack, "clapping"));
        assert!(!policy.is_reaction(Platform::Slack, ""));
        assert!(!policy.is_reaction(Platform::Discord, "clap"));
        let none = KudosPolicy {
            slack_reaction: None,
            ..KudosPolicy::default()
        };
        assert!(!none.is_reaction(Platform::Slack, "clap"));
    }
}
