//! When a pair's 1:1s happen: every N weeks on a weekday at a local time, in one zone,
//! counted from the first session's date. `every 2 weeks Thursday 15:00` is a real
//! fortnight, not "the first and third Thursday".

use std::fmt;

use chrono::{DateTime, Datelike as _, Days, NaiveDate, NaiveTime, TimeZone as _, Utc, Weekday};

use crate::people::{Invalid, Timezone};

/// The most weeks between two sessions.
pub const MAX_WEEKS: u32 = 8;

/// A pair's recurring session time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// Weeks between sessions (1 to [`MAX_WEEKS`]).
    pub every_weeks: u32,
    /// The local time it starts.
    pub at: NaiveTime,
    /// The zone `at` is read in (the one who set it up, usually the manager's).
    pub zone: Timezone,
    /// The first session's local date; its weekday is every session's weekday.
    pub anchor: NaiveDate,
}

impl Cadence {
    /// The cadence whose first session is the first `weekday` at `at` in `zone` after `now`.
    pub fn starting_after(
        every_weeks: u32,
        weekday: Weekday,
        at: NaiveTime,
        zone: Timezone,
        now: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        if !(1..=MAX_WEEKS).contains(&every_weeks) {
            return Err(Invalid::new(format!(
                "1:1s can be every 1 to {MAX_WEEKS} weeks, not every {every_weeks}"
            )));
        }
        let today = now.with_timezone(&zone.tz()).date_naive();
        let ahead =
            (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let mut anchor = today + Days::new(u64::from(ahead));
        let probe = Self {
            every_weeks,
            at,
            zone,
            anchor,
        };
        if probe.start_on(anchor) <= now {
            anchor = anchor + Days::new(7);
        }
        Ok(Self { anchor, ..probe })
    }

    /// The weekday of every session.
    pub fn weekday(&self) -> Weekday {
        self.anchor.weekday()
    }

    /// The instant a session on local day `date` starts (after a daylight-saving gap if
    /// `at` falls in one).
    fn start_on(&self, date: NaiveDate) -> DateTime<Utc> {
        let zone = self.zone.tz();
        let local = date.and_time(self.at);
        zone.from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// The `n`th session's start (the first is 0).
    pub fn session(&self, n: u32) -> DateTime<Utc> {
        self.start_on(self.anchor + Days::new(u64::from(n) * 7 * u64::from(self.every_weeks)))
    }

    /// The first session starting after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let n = self.index_at_or_before(t).map_or(0, |n| n + 1);
        self.session(n)
    }

    /// The last session starting at or before `t`, if any has.
    pub fn last_at_or_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.index_at_or_before(t).map(|n| self.session(n))
    }

    /// Whether a session starts exactly at `t`.
    pub fn has_session_at(&self, t: DateTime<Utc>) -> bool {
        self.last_at_or_before(t) == Some(t)
    }

    fn index_at_or_before(&self, t: DateTime<Utc>) -> Option<u32> {
        if t < self.session(0) {
            return None;
        }
        let local = t.with_timezone(&self.zone.tz()).date_naive();
        let weeks = (local - self.anchor).num_days().max(0) / 7;
        let mut n = u32::try_from(weeks / i64::from(self.every_weeks)).unwrap_or(u32::MAX - 1);
        while n > 0 && self.session(n) > t {
            n -= 1;
        }
        while self.session(n + 1) <= t {
            n += 1;
        }
        Some(n)
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let every = match self.every_weeks {
            1 => "every week".to_owned(),
            n => format!("every {n} weeks"),
        };
        write!(
            f,
            "{every} on {} at {} ({})",
            self.anchor.format("%A"),
            self.at.format("%H:%M"),
            self.zone
        )
    }
}

/// Reads `every 2 weeks Thursday 15:00`, `weekly on Monday at 9:30`, `biweekly thu 15:00`:
/// the weeks between sessions, the weekday and the time.
pub fn parse_cadence(words: &[&str]) -> Result<(u32, Weekday, NaiveTime), String> {
    let words: Vec<String> = words
        .iter()
        .map(|w| w.trim_end_matches(',').to_ascii_lowercase())
        .filter(|w| !matches!(w.as_str(), "on" | "at" | "every" | ""))
        .collect();
    let mut every = None;
    let mut weekday = None;
    let mut at = None;
    let mut rest = words.as_slice();
    while let [word, tail @ ..] = rest {
        rest = tail;
        match word.as_str() {
            "weekly" | "week" => every = Some(every.unwrap_or(1)),
            "biweekly" | "fortnightly" | "fortnight" => every = Some(2),
            "weeks" => {}
            number if number.parse::<u32>().is_ok() => {
                every = number.parse().ok();
            }
            other => {
                if let Ok(day) = other.parse::<Weekday>() {
                    weekday = Some(day);
                } else if let Some(time) = read_time(other) {
                    at = Some(time);
                } else {
                    return Err(format!(
                        "I can't read `{other}` in a cadence. Write it like `every 2 weeks \
                         Thursday 15:00`."
                    ));
                }
            }
        }
    }
    match (weekday, at) {
        (Some(day), Some(time)) => Ok((every.unwrap_or(1), day, time)),
        (None, _) => Err("Say which day, such as `every 2 weeks Thursday 15:00`.".to_owned()),
        (_, None) => Err("Say what time, such as `every 2 weeks Thursday 15:00`.".to_owned()),
    }
}

/// `15:00`, `9:30`, `3pm`, `3:30pm`.
fn read_time(word: &str) -> Option<NaiveTime> {
    let (digits, offset) = if let Some(rest) = word.strip_suffix("pm") {
        (rest, 12)
    } else if let Some(rest) = word.strip_suffix("am") {
        (rest, 0)
    } else {
        (word, 0)
    };
    let (hour, minute) = match digits.split_once(':') {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None if offset > 0 || word.ends_with("am") => (digits.parse::<u32>().ok()?, 0),
        _ => return None,
    };
    let hour = if word.ends_with('m') {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour % 12 + offset
    } else {
        hour
    };
    NaiveTime::from_hms_opt(hour, minute, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Timezone {
        Timezone::parse("Europe/Berlin").unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn cadences_are_read_in_the_ways_people_write_them() {
        let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(
            parse_cadence(&["every", "2", "weeks", "Thursday", "15:00"]),
            Ok((2, Weekday::Thu, time(15, 0)))
        );
        assert_eq!(
            parse_cadence(&["weekly", "on", "mon", "at", "9:30"]),
            Ok((1, Weekday::Mon, time(9, 30)))
        );
        assert_eq!(
            parse_cadence(&["biweekly", "fri", "3pm"]),
            Ok((2, Weekday::Fri, time(15, 0)))
        );
        assert!(
            parse_cadence(&["every", "thursday"])
                .unwrap_err()
                .contains("what time")
        );
        assert!(parse_cadence(&["15:00"]).unwrap_err().contains("which day"));
        assert!(
            parse_cadence(&["every", "blue", "moon"])
                .unwrap_err()
                .contains("`blue`")
        );
        assert!(parse_cadence(&["mon", "25:00"]).is_err());
    }

    #[test]
    fn sessions_are_a_real_fortnight_apart_in_the_zone_across_daylight_saving() {
        // Monday 2026-03-02 09:00 UTC; every 2 weeks on Thursday 15:00 Berlin.
        let now = at("2026-03-02T09:00:00Z");
        let time = NaiveTime::from_hms_opt(15, 0, 0).unwrap();
        let cadence = Cadence::starting_after(2, Weekday::Thu, time, berlin(), now).unwrap();
        assert_eq!(cadence.session(0), at("2026-03-05T14:00:00Z"));
        assert_eq!(cadence.session(1), at("2026-03-19T14:00:00Z"));
        // Berlin moves to summer time on 29 March: 15:00 local is 13:00 UTC.
        assert_eq!(cadence.session(2), at("2026-04-02T13:00:00Z"));
        assert_eq!(cadence.next_after(now), cadence.session(0));
        assert_eq!(cadence.next_after(cadence.session(0)), cadence.session(1));
        assert_eq!(cadence.last_at_or_before(now), None);
        assert_eq!(
            cadence.last_at_or_before(at("2026-03-25T00:00:00Z")),
            Some(cadence.session(1))
        );
        assert!(cadence.has_session_at(cadence.session(2)));
        assert!(!cadence.has_session_at(at("2026-03-12T14:00:00Z")));
        assert_eq!(
            cadence.to_string(),
            "every 2 weeks on Thursday at 15:00 (Europe/Berlin)"
        );
    }

    #[test]
    fn a_session_later_today_is_the_first_and_one_passed_today_waits_a_week() {
        let time = NaiveTime::from_hms_opt(15, 0, 0).unwrap();
        let monday_morning = at("2026-03-02T09:00:00Z");
        let later = Cadence::starting_after(1, Weekday::Mon, time, berlin(), monday_morning);
        assert_eq!(later.unwrap().session(0), at("2026-03-02T14:00:00Z"));
        let evening = at("2026-03-02T15:00:00Z");
        let next = Cadence::starting_after(1, Weekday::Mon, time, berlin(), evening);
        assert_eq!(next.unwrap().session(0), at("2026-03-09T14:00:00Z"));
        assert!(Cadence::starting_after(9, Weekday::Mon, time, berlin(), evening).is_err());
    }
}
