use chrono_tz::Tz;

use super::{Invalid, string_newtype};

/// An IANA time zone such as `Europe/Berlin`, in which a person's reminders are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timezone(Tz);

impl Timezone {
    /// Coordinated Universal Time.
    pub const UTC: Self = Self(Tz::UTC);

    /// Reads an IANA zone name. A name that differs only in case is refused, naming the
    /// right spelling.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Invalid::new(
                "a time zone is required, such as Europe/Berlin",
            ));
        }
        if let Ok(zone) = text.parse::<Tz>() {
            return Ok(Self(zone));
        }
        match Tz::from_str_insensitive(text) {
            Ok(zone) => Err(Invalid::new(format!(
                "unknown time zone `{text}`: did you mean {}?",
                zone.name()
            ))),
            Err(_) => Err(Invalid::new(format!(
                "unknown time zone `{text}`: use an IANA name such as Europe/Berlin or America/New_York"
            ))),
        }
    }

    /// The IANA name.
    pub fn as_str(&self) -> &'static str {
        self.0.name()
    }

    /// The zone, for date arithmetic.
    pub fn tz(self) -> Tz {
        self.0
    }
}

string_newtype!(Timezone);

impl From<Tz> for Timezone {
    fn from(zone: Tz) -> Self {
        Self(zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_zones_are_accepted() {
        for name in [
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "UTC",
        ] {
            assert_eq!(Timezone::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let error = Timezone::parse("Mars/Olympus").unwrap_err().to_string();
        assert!(
            error.contains("unknown time zone `Mars/Olympus`"),
            "{error}"
        );
    }

    #[test]
    fn a_wrongly_cased_zone_is_refused_with_the_right_spelling() {
        let error = Timezone::parse("europe/berlin").unwrap_err().to_string();
        assert!(error.contains("did you mean Europe/Berlin?"), "{error}");
    }
}
