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

/// Where a person's time zone came from, which decides who may replace it: Slack's
/// directory sync only replaces the zones nobody chose ([`TimezoneSource::Default`] and
/// [`TimezoneSource::Slack`]); HR's and the person's own stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimezoneSource {
    /// The import's default zone: the CSV row gave none.
    Default,
    /// HR: the CSV's `timezone` column. Also what people stored before sources were
    /// recorded count as, so no sync replaces a zone HR may have set.
    #[default]
    Hr,
    /// The person, with `/rhythm timezone`.
    Person,
    /// Their Slack profile, taken by the directory sync.
    Slack,
}

impl TimezoneSource {
    /// Every source.
    pub const ALL: [TimezoneSource; 4] = [Self::Default, Self::Hr, Self::Person, Self::Slack];

    /// The stored name: `default`, `hr`, `person` or `slack`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Hr => "hr",
            Self::Person => "person",
            Self::Slack => "slack",
        }
    }

    /// Reads a stored name.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|source| source.as_str() == input.trim())
            .ok_or_else(|| {
                Invalid::new(format!(
                    "unknown time zone source `{input}`: use default, hr, person or slack"
                ))
            })
    }

    /// Whether nobody chose this zone, so a zone from Slack may replace it.
    pub fn is_automatic(self) -> bool {
        matches!(self, Self::Default | Self::Slack)
    }
}

impl std::fmt::Display for TimezoneSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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

    #[test]
    fn time_zone_sources_round_trip_and_only_unchosen_zones_are_automatic() {
        for source in TimezoneSource::ALL {
            assert_eq!(TimezoneSource::parse(source.as_str()), Ok(source));
        }
        assert!(TimezoneSource::parse("csv").is_err());
        let automatic: Vec<_> = TimezoneSource::ALL
            .into_iter()
            .filter(|source| source.is_automatic())
            .collect();
        assert_eq!(automatic, [TimezoneSource::Default, TimezoneSource::Slack]);
    }
}
