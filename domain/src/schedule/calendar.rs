//! Days off and hours off: holiday calendars, quiet hours and out-of-office.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveTime};

use crate::people::Invalid;

/// Reads an ISO date (`2026-12-24`), naming the field in the error.
pub fn parse_date(input: &str, what: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").map_err(|_| {
        Invalid::new(format!(
            "{what} `{}` is not a date: write it as 2026-12-24",
            input.trim()
        ))
    })
}

/// A named list of holidays; a person's region picks one by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    /// The calendar's name, such as `de`.
    pub name: String,
    /// The days off.
    pub dates: BTreeSet<NaiveDate>,
}

impl HolidayCalendar {
    /// Reads a calendar: a name of letters, digits, `-` or `_`, and ISO dates.
    pub fn parse<'a>(
        name: &str,
        dates: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, Invalid> {
        let name = name.trim();
        let valid = !name.is_empty()
            && name.len() <= 32
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Invalid::new(format!(
                "`{name}` is not a calendar name: use 1 to 32 letters, digits, - or _, such as de"
            )));
        }
        let dates = dates
            .into_iter()
            .map(|date| parse_date(date, "a holiday"))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            name: name.to_ascii_lowercase(),
            dates,
        })
    }

    /// Whether `date` is a holiday.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.dates.contains(&date)
    }
}

/// Local hours in which a person gets no reminders; a delivery due inside them waits for
/// their end. The range may wrap midnight (20:00–08:00, the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct QuietHours {
    /// When quiet starts.
    pub start: NaiveTime,
    /// When quiet ends.
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            start: NaiveTime::from_hms_opt(20, 0, 0).expect("a valid time"),
            end: NaiveTime::from_hms_opt(8, 0, 0).expect("a valid time"),
        }
    }
}

impl QuietHours {
    /// Reads `20:00-08:00`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let fail = || {
            Invalid::new(format!(
                "`{}` is not a range of quiet hours: write it as 20:00-08:00",
                input.trim()
            ))
        };
        let (start, end) = input.trim().split_once('-').ok_or_else(fail)?;
        let time = |text: &str| NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| fail());
        let (start, end) = (time(start)?, time(end)?);
        if start == end {
            return Err(Invalid::new(
                "quiet hours must not start and end at the same time",
            ));
        }
        Ok(Self { start, end })
    }

    /// Whether local time `time` is inside the quiet hours (start inclusive, end exclusive).
    pub fn contains(&self, time: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }
}

/// Days a person is away: no reminders, and nothing counted as missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct OutOfOffice {
    /// First day away.
    pub from: NaiveDate,
    /// Last day away (inclusive).
    pub to: NaiveDate,
}

impl OutOfOffice {
    /// A range of days; `to` must not be before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, Invalid> {
        if to < from {
            return Err(Invalid::new(format!(
                "out-of-office ends ({to}) before it starts ({from})"
            )));
        }
        Ok(Self { from, to })
    }

    /// Whether the person is away on `date`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn quiet_hours_may_wrap_midnight() {
        let quiet = QuietHours::default();
        assert!(
            quiet.contains(at(20, 0)) && quiet.contains(at(23, 59)) && quiet.contains(at(7, 59))
        );
        assert!(!quiet.contains(at(8, 0)) && !quiet.contains(at(19, 59)));
        let lunch = QuietHours::parse("12:00-13:00").unwrap();
        assert!(lunch.contains(at(12, 30)) && !lunch.contains(at(13, 0)));
        assert!(QuietHours::parse("8pm-8am").is_err());
        assert!(QuietHours::parse("08:00-08:00").is_err());
    }

    #[test]
    fn a_calendar_reads_iso_dates_and_refuses_others() {
        let de = HolidayCalendar::parse("DE", ["2026-12-24", "2026-12-25"]).unwrap();
        assert_eq!(de.name, "de");
        assert!(de.contains(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()));
        let error = HolidayCalendar::parse("de", ["24.12.2026"]).unwrap_err().0;
        assert_eq!(
            error,
            "a holiday `24.12.2026` is not a date: write it as 2026-12-24"
        );
    }

    #[test]
    fn out_of_office_cannot_end_before_it_starts() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert!(OutOfOffice::new(day(10), day(9)).is_err());
        let away = OutOfOffice::new(day(9), day(13)).unwrap();
        assert!(away.contains(day(9)) && away.contains(day(13)) && !away.contains(day(14)));
    }
}
