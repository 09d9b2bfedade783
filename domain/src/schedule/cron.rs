use std::fmt;

use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

use crate::people::Invalid;

/// A 5-field cron expression (minute, hour, day of month, month, day of week) in croner's
/// syntax, including `L` (last), `#` (nth weekday) and `W` (nearest weekday).
///
/// Day of month and day of week combine as in classic cron: if both are restricted, a day
/// matching either fires.
#[derive(Clone)]
pub struct CronSpec {
    text: String,
    // Boxed: a parsed pattern is a few hundred bytes and schedules are passed around often.
    cron: Box<Cron>,
}

impl CronSpec {
    /// Reads an expression such as `0 9 * * MON`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let fields = text.split(' ').filter(|field| !field.is_empty()).count();
        if fields != 5 {
            return Err(Invalid::new(format!(
                "`{}` is not a cron expression: it needs 5 fields (minute hour day-of-month month \
                 day-of-week), as in `0 9 * * MON`, and has {fields}",
                input.trim()
            )));
        }
        // croner reads a field of commas alone as a list of nothing: a schedule that never
        // fires, which the scheduler finds out only after searching up to the year 5000.
        if let Some(field) = text
            .split(' ')
            .find(|field| field.split(',').all(str::is_empty))
        {
            return Err(Invalid::new(format!(
                "`{text}` is not a valid cron expression: the field `{field}` names no value"
            )));
        }
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build();
        let cron = parser.parse(&text).map_err(|error| {
            Invalid::new(format!("`{text}` is not a valid cron expression: {error}"))
        })?;
        Ok(Self {
            text,
            cron: Box::new(cron),
        })
    }

    /// The expression, with its spacing normalised.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed expression, for evaluation.
    pub fn cron(&self) -> &Cron {
        &self.cron
    }

    /// An English description, such as "At 09:00 on Monday".
    pub fn describe(&self) -> String {
        self.cron.describe()
    }
}

impl fmt::Debug for CronSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CronSpec").field(&self.text).finish()
    }
}

impl PartialEq for CronSpec {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for CronSpec {}

impl fmt::Display for CronSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn croner_syntax_with_last_nth_and_nearest_weekday_is_accepted() {
        for text in [
            "0 9 * * MON",
            "30 8 L * *",
            "0 10 * * FRI#2",
            "0 9 15W * *",
            "*/15 9-17 * * 1-5",
            "0 9 * * 5L",
        ] {
            assert_eq!(CronSpec::parse(text).unwrap().as_str(), text);
        }
        assert_eq!(
            CronSpec::parse("  0  9 * *   MON ").unwrap().as_str(),
            "0 9 * * MON"
        );
    }

    #[test]
    fn a_bad_cron_is_refused_with_the_reason() {
        let error = CronSpec::parse("0 9 * *").unwrap_err().0;
        assert!(
            error.contains("needs 5 fields") && error.contains("has 4"),
            "{error}"
        );
        let error = CronSpec::parse("0 0 9 * * MON").unwrap_err().0;
        assert!(error.contains("has 6"), "{error}");
        let error = CronSpec::parse("61 9 * * MON").unwrap_err().0;
        assert!(error.contains("is not a valid cron expression"), "{error}");
        assert!(CronSpec::parse("0 9 * * FUNDAY").is_err());
    }

    #[test]
    fn a_field_of_commas_alone_is_refused() {
        // Found by the schedule fuzz target (fuzz/): croner read `,,` as a list of nothing, so
        // the schedule was accepted, never fired, and each next fire took half a second to
        // not find.
        for text in [
            ",, 1 * * *",
            ", 1 * * *",
            "0 ,, * * *",
            "0 0 , * *",
            "0 0 * , *",
            "0 0 * * ,",
        ] {
            let error = CronSpec::parse(text).unwrap_err().0;
            assert!(error.contains("names no value"), "{text}: {error}");
        }
        assert_eq!(
            CronSpec::parse("0,30 9 * * *").unwrap().as_str(),
            "0,30 9 * * *"
        );
    }
}
