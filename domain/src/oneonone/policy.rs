//! HR's coaching policy: when a 1:1 counts as overdue, when agendas go out, and how long a
//! feedback request stays open. A policy file's `[coaching]` table; stored as one document.

use serde::{Deserialize, Serialize};

use crate::duration::HumanDuration;
use crate::people::Invalid;

/// What HR set about 1:1s and feedback requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachingPolicy {
    /// A manager with no 1:1 held with a report for longer than this many days is flagged.
    pub overdue_after_days: u32,
    /// Hours before a session that the first agenda goes out (default 24: the day before).
    pub agenda_early_hours: u32,
    /// Minutes before a session that the second agenda goes out (default 60).
    pub agenda_late_minutes: u32,
    /// Hours after a feedback request that an unanswered one is reminded, once.
    pub feedback_remind_after_hours: u32,
    /// Hours after a feedback request that an unanswered one expires.
    pub feedback_expire_after_hours: u32,
}

impl Default for CoachingPolicy {
    fn default() -> Self {
        Self {
            overdue_after_days: 30,
            agenda_early_hours: 24,
            agenda_late_minutes: 60,
            feedback_remind_after_hours: 72,
            feedback_expire_after_hours: 14 * 24,
        }
    }
}

impl CoachingPolicy {
    /// How long before a session each agenda goes out, earliest first.
    pub fn agenda_offsets(&self) -> [chrono::Duration; 2] {
        [
            chrono::Duration::hours(i64::from(self.agenda_early_hours)),
            chrono::Duration::minutes(i64::from(self.agenda_late_minutes)),
        ]
    }

    /// How long until an unanswered request is reminded.
    pub fn remind_after(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.feedback_remind_after_hours))
    }

    /// How long until an unanswered request expires.
    pub fn expire_after(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.feedback_expire_after_hours))
    }
}

/// A policy file's `[coaching]` table as written; missing keys keep their defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoachingDoc {
    oneonone_overdue_after: Option<String>,
    agenda_before: Option<Vec<String>>,
    feedback_remind_after: Option<String>,
    feedback_expire_after: Option<String>,
}

impl CoachingDoc {
    /// The policy it writes, or every problem, each naming its key.
    pub fn read(self) -> Result<CoachingPolicy, Vec<Invalid>> {
        let mut policy = CoachingPolicy::default();
        let mut problems = Vec::new();
        let mut read = |key: &str, value: Option<String>| -> Option<u64> {
            let text = value?;
            match HumanDuration::parse(&text) {
                Ok(duration) => Some(duration.as_std().as_secs()),
                Err(error) => {
                    problems.push(Invalid::new(format!("coaching: {key}: {error}")));
                    None
                }
            }
        };
        let hours = |secs: u64| u32::try_from(secs / 3_600).unwrap_or(u32::MAX);
        if let Some(secs) = read("oneonone_overdue_after", self.oneonone_overdue_after) {
            policy.overdue_after_days = u32::try_from(secs / 86_400).unwrap_or(u32::MAX).max(1);
        }
        let remind = read("feedback_remind_after", self.feedback_remind_after);
        let expire = read("feedback_expire_after", self.feedback_expire_after);
        let offsets: Vec<u64> = self
            .agenda_before
            .unwrap_or_default()
            .into_iter()
            .filter_map(|text| read("agenda_before", Some(text)))
            .collect();
        match offsets.as_slice() {
            [] => {}
            [early, late] if early > late && *late >= 60 => {
                policy.agenda_early_hours = hours(*early).max(1);
                policy.agenda_late_minutes = u32::try_from(late / 60).unwrap_or(u32::MAX);
            }
            _ => problems.push(Invalid::new(
                "coaching: agenda_before: give two times before the session, the earlier \
                 first and at least an hour apart, such as [\"1d\", \"1h\"]",
            )),
        }
        if let Some(secs) = remind {
            policy.feedback_remind_after_hours = hours(secs).max(1);
        }
        if let Some(secs) = expire {
            policy.feedback_expire_after_hours = hours(secs).max(1);
        }
        if policy.feedback_remind_after_hours >= policy.feedback_expire_after_hours {
            problems.push(Invalid::new(format!(
                "coaching: feedback_remind_after ({}h) must come before feedback_expire_after \
                 ({}h)",
                policy.feedback_remind_after_hours, policy.feedback_expire_after_hours
            )));
        }
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(toml_text: &str) -> CoachingDoc {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn missing_keys_keep_their_defaults_and_given_ones_are_read() {
        assert_eq!(doc("").read().unwrap(), CoachingPolicy::default());
        let policy = doc(
            "oneonone_overdue_after = \"21d\"\nagenda_before = [\"2d\", \"30m\"]\n\
             feedback_remind_after = \"2d\"\nfeedback_expire_after = \"5d\"",
        );
        let policy = policy.read().unwrap();
        assert_eq!(policy.overdue_after_days, 21);
        assert_eq!(policy.agenda_early_hours, 48);
        assert_eq!(policy.agenda_late_minutes, 30);
        assert_eq!(policy.feedback_remind_after_hours, 48);
        assert_eq!(policy.feedback_expire_after_hours, 120);
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let problems = doc(
            "oneonone_overdue_after = \"soon\"\nagenda_before = [\"1h\", \"1d\"]\n\
             feedback_remind_after = \"15d\"",
        )
        .read()
        .unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].contains("oneonone_overdue_after"));
        assert!(text[1].contains("agenda_before"));
        assert!(text[2].contains("must come before feedback_expire_after"));
    }
}
