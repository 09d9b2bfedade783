//! The parts of a schedule HR writes, each parsed once.

use std::collections::BTreeSet;
use std::fmt;

use chrono::Weekday;

use crate::people::{Email, Invalid, Person, Roster, TeamName, Timezone, string_newtype};

/// A schedule's unique name; its identity across policy-file applies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScheduleName(String);

impl ScheduleName {
    /// Reads a name of 1 to 100 characters, without control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Invalid::new("a schedule needs a name"));
        }
        if text.chars().count() > 100 || text.chars().any(char::is_control) {
            return Err(Invalid::new(format!(
                "the schedule name `{text}` must be at most 100 characters on one line"
            )));
        }
        Ok(Self(text.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(ScheduleName);

/// What a schedule reminds people of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScheduleKind {
    /// A check-in to answer.
    CheckIn,
    /// Goals to update.
    GoalReview,
    /// A 1:1 to hold.
    FeedbackSession,
    /// A review deadline to meet.
    AppraisalDeadline,
    /// A message to read; nothing to complete.
    Announcement,
}

impl ScheduleKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::CheckIn,
        Self::GoalReview,
        Self::FeedbackSession,
        Self::AppraisalDeadline,
        Self::Announcement,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::GoalReview => "goal_review",
            Self::FeedbackSession => "feedback_session",
            Self::AppraisalDeadline => "appraisal_deadline",
            Self::Announcement => "announcement",
        }
    }

    /// Reads a kind by its stored name.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == input.trim())
            .ok_or_else(|| {
                Invalid::new(format!(
                    "unknown schedule kind `{}`: use check_in, goal_review, feedback_session, \
                     appraisal_deadline or announcement",
                    input.trim()
                ))
            })
    }

    /// Whether a recipient can complete it, so that follow-ups make sense.
    pub fn can_be_completed(self) -> bool {
        self != Self::Announcement
    }
}

impl fmt::Display for ScheduleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The zone a schedule's times are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneChoice {
    /// One zone for everyone: 09:00 Berlin is 09:00 Berlin for all.
    Fixed(Timezone),
    /// Each recipient's own zone: 09:00 is 09:00 wherever they are.
    Recipient,
}

impl ZoneChoice {
    /// Reads `recipient` or an IANA zone.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match input.trim() {
            "recipient" => Ok(Self::Recipient),
            zone => Timezone::parse(zone).map(Self::Fixed).map_err(|invalid| {
                Invalid::new(format!(
                    "{invalid} (or write `recipient` for each person's own zone)"
                ))
            }),
        }
    }
}

impl fmt::Display for ZoneChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(zone) => f.write_str(zone.as_str()),
            Self::Recipient => f.write_str("recipient"),
        }
    }
}

/// Who a schedule reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every active person.
    Everyone,
    /// The active members of a team.
    Team(TeamName),
    /// A manager's active direct reports.
    Reports(Email),
    /// Named people.
    People(Vec<Email>),
    /// A chat channel, by its platform id.
    Channel(String),
}

impl Audience {
    /// Reads `everyone`, `team:NAME`, `reports:EMAIL`, `people:EMAIL,EMAIL` or `channel:ID`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        if text == "everyone" {
            return Ok(Self::Everyone);
        }
        let shape = "write everyone, team:NAME, reports:EMAIL, people:EMAIL,EMAIL or channel:ID";
        let Some((kind, rest)) = text.split_once(':') else {
            return Err(Invalid::new(format!("unknown audience `{text}`: {shape}")));
        };
        let rest = rest.trim();
        match kind.trim() {
            "team" => TeamName::parse(rest).map(Self::Team),
            "reports" => Email::parse(rest).map(Self::Reports),
            "people" => {
                let people = rest
                    .split(',')
                    .filter(|part| !part.trim().is_empty())
                    .map(Email::parse)
                    .collect::<Result<Vec<_>, _>>()?;
                if people.is_empty() {
                    return Err(Invalid::new("the audience `people:` names nobody"));
                }
                Ok(Self::People(people))
            }
            "channel" if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Ok(Self::Channel(rest.to_owned()))
            }
            "channel" => Err(Invalid::new(format!(
                "`{rest}` is not a channel id (letters and digits)"
            ))),
            _ => Err(Invalid::new(format!("unknown audience `{text}`: {shape}"))),
        }
    }
}

impl Audience {
    /// The active people this audience reaches, in directory order (named people in the
    /// order named). A channel reaches no one directly.
    pub fn members<'a>(&self, roster: &Roster<'a>) -> Vec<&'a Person> {
        match self {
            Self::Everyone => roster.everyone().to_vec(),
            Self::Team(team) => roster.team(&team.key()).to_vec(),
            Self::Reports(manager) => roster.reports_of(manager).to_vec(),
            Self::People(emails) => emails
                .iter()
                .filter_map(|email| roster.get(email))
                .collect(),
            Self::Channel(_) => Vec::new(),
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Everyone => f.write_str("everyone"),
            Self::Team(team) => write!(f, "team:{team}"),
            Self::Reports(manager) => write!(f, "reports:{manager}"),
            Self::People(people) => {
                let list: Vec<&str> = people.iter().map(Email::as_str).collect();
                write!(f, "people:{}", list.join(","))
            }
            Self::Channel(id) => write!(f, "channel:{id}"),
        }
    }
}

/// The days people work; a reminder due on another day moves or is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessDays(BTreeSet<u8>);

impl BusinessDays {
    /// Monday to Friday.
    pub fn weekdays() -> Self {
        Self((0..5).collect())
    }

    /// Reads day names (`mon`, `tue`, … or `monday`, …); at least one.
    pub fn parse<'a>(days: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        let mut set = BTreeSet::new();
        for day in days {
            let weekday: Weekday = day.trim().parse().map_err(|_| {
                Invalid::new(format!(
                    "`{}` is not a day of the week: use mon, tue, … sun",
                    day.trim()
                ))
            })?;
            set.insert(weekday.num_days_from_monday() as u8);
        }
        if set.is_empty() {
            return Err(Invalid::new("business days must name at least one day"));
        }
        Ok(Self(set))
    }

    /// Whether people work on `day`.
    pub fn contains(&self, day: Weekday) -> bool {
        self.0.contains(&(day.num_days_from_monday() as u8))
    }

    /// The days, Monday first, as three-letter names.
    pub fn names(&self) -> Vec<&'static str> {
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        self.0.iter().map(|&day| NAMES[usize::from(day)]).collect()
    }
}

impl Default for BusinessDays {
    fn default() -> Self {
        Self::weekdays()
    }
}

/// What happens to a reminder that falls on a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayOffPolicy {
    /// It moves to the same time on the next business day that is not a holiday.
    #[default]
    NextBusinessDay,
    /// It is skipped.
    Skip,
}

impl DayOffPolicy {
    /// Reads `next_business_day` or `skip`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match input.trim() {
            "next_business_day" => Ok(Self::NextBusinessDay),
            "skip" => Ok(Self::Skip),
            other => Err(Invalid::new(format!(
                "unknown on_day_off `{other}`: use next_business_day or skip"
            ))),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NextBusinessDay => "next_business_day",
            Self::Skip => "skip",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_read_every_form_and_an_empty_one_is_refused() {
        assert_eq!(Audience::parse("everyone").unwrap(), Audience::Everyone);
        assert_eq!(
            Audience::parse("team:Platform").unwrap().to_string(),
            "team:Platform"
        );
        assert_eq!(
            Audience::parse("reports:Ana@Example.com")
                .unwrap()
                .to_string(),
            "reports:ana@example.com"
        );
        assert_eq!(
            Audience::parse("people:a@x.com, b@x.com")
                .unwrap()
                .to_string(),
            "people:a@x.com,b@x.com"
        );
        assert_eq!(
            Audience::parse("channel:C024BE91L").unwrap().to_string(),
            "channel:C024BE91L"
        );
        assert_eq!(
            Audience::parse("people:").unwrap_err().0,
            "the audience `people:` names nobody"
        );
        assert!(
            Audience::parse("managers")
                .unwrap_err()
                .0
                .contains("unknown audience")
        );
    }

    #[test]
    fn a_zone_is_recipient_or_iana() {
        assert_eq!(
            ZoneChoice::parse("recipient").unwrap(),
            ZoneChoice::Recipient
        );
        assert_eq!(
            ZoneChoice::parse("Europe/Berlin").unwrap().to_string(),
            "Europe/Berlin"
        );
        assert!(
            ZoneChoice::parse("Mars/Base")
                .unwrap_err()
                .0
                .contains("unknown time zone")
        );
    }

    #[test]
    fn business_days_default_to_weekdays_and_read_names() {
        assert_eq!(
            BusinessDays::default().names(),
            ["mon", "tue", "wed", "thu", "fri"]
        );
        let days = BusinessDays::parse(["sun", "Monday", "tue"]).unwrap();
        assert_eq!(days.names(), ["mon", "tue", "sun"]);
        assert!(days.contains(Weekday::Sun) && !days.contains(Weekday::Sat));
        assert!(BusinessDays::parse(["funday"]).is_err());
        assert!(BusinessDays::parse([]).is_err());
    }
}
