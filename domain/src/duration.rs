//! Human durations as written in config and policy files: `"30s"`, `"5m"`, `"4h"`, `"7d"`,
//! `"1h30m"`.

use std::{fmt, str::FromStr, time::Duration};

use serde::{Deserialize, Deserializer};

/// A non-negative duration written with units (`s`, `m`, `h`, `d`), largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HumanDuration(Duration);

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a duration: {reason} (write it like \"30s\", \"5m\", \"4h\", \"7d\" or \"1h30m\")"
)]
pub struct DurationError {
    input: String,
    reason: &'static str,
}

impl HumanDuration {
    /// Reads `"1h30m"`-style text.
    pub fn parse(input: &str) -> Result<Self, DurationError> {
        let fail = |reason| DurationError {
            input: input.to_owned(),
            reason,
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(fail("it is empty"));
        }
        let mut total: u64 = 0;
        let mut last_unit = u64::MAX;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return Err(fail("a number must come before each unit"));
            }
            let number: u64 = rest[..digits]
                .parse()
                .map_err(|_| fail("the number is too large"))?;
            let unit = match rest[digits..].chars().next() {
                Some('s') => 1,
                Some('m') => 60,
                Some('h') => 3_600,
                Some('d') => 86_400,
                Some(_) => return Err(fail("the unit must be s, m, h or d")),
                None => return Err(fail("a unit (s, m, h or d) must follow the number")),
            };
            if unit >= last_unit {
                return Err(fail("units must go from largest to smallest, each once"));
            }
            last_unit = unit;
            total = number
                .checked_mul(unit)
                .and_then(|secs| total.checked_add(secs))
                .ok_or_else(|| fail("it is too long"))?;
            rest = &rest[digits + 1..];
        }
        Ok(Self(Duration::from_secs(total)))
    }

    /// The duration as a `std` value.
    pub fn as_std(self) -> Duration {
        self.0
    }
}

impl From<Duration> for HumanDuration {
    fn from(value: Duration) -> Self {
        Self(value)
    }
}

impl FromStr for HumanDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secs = self.0.as_secs();
        if secs == 0 {
            return f.write_str("0s");
        }
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> u64 {
        HumanDuration::parse(text).unwrap().as_std().as_secs()
    }

    #[test]
    fn durations_read_with_every_unit_and_combined() {
        assert_eq!(secs("30s"), 30);
        assert_eq!(secs("5m"), 300);
        assert_eq!(secs("4h"), 14_400);
        assert_eq!(secs("7d"), 604_800);
        assert_eq!(secs("1h30m"), 5_400);
        assert_eq!(secs(" 0s "), 0);
    }

    #[test]
    fn malformed_durations_are_refused_with_the_reason() {
        for bad in [
            "",
            "5",
            "h",
            "5x",
            "1m1h",
            "1h1h",
            "-5m",
            "99999999999999999999d",
        ] {
            let error = HumanDuration::parse(bad).unwrap_err();
            assert!(
                error.to_string().contains("is not a duration"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn durations_print_the_way_they_are_written() {
        for text in ["0s", "30s", "1h30m", "2d4h", "5m"] {
            assert_eq!(HumanDuration::parse(text).unwrap().to_string(), text);
        }
    }
}
