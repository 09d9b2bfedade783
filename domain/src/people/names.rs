use super::{Invalid, string_newtype};

/// Refuses control characters (tabs, newlines, NUL …), which break tables and chat text.
fn refuse_control(text: &str, what: &str) -> Result<(), Invalid> {
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(())
}

/// A person's display name, exactly as given (accents, CJK and emoji included), trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Reads a non-empty name of at most 200 characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Invalid::new("a name is required"));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(Invalid::new(format!(
                "the name is longer than {} characters",
                Self::MAX_CHARS
            )));
        }
        refuse_control(text, "a name")?;
        Ok(Self(text.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name for a row whose own name did not parse, used only while checking a file that
    /// will be refused anyway.
    pub(crate) fn stand_in(email: &super::Email) -> Self {
        Self(email.as_str().to_owned())
    }
}

string_newtype!(DisplayName);

/// A team's name, such as `Platform` or `Sales EMEA`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamName(String);

impl TeamName {
    /// The longest team name accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Reads a non-empty team name of at most 100 characters, without `;` (which separates
    /// teams in a CSV cell).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Invalid::new("a team name must not be empty"));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(Invalid::new(format!(
                "the team name `{text}` is longer than {} characters",
                Self::MAX_CHARS
            )));
        }
        if text.contains(';') {
            return Err(Invalid::new("a team name must not contain `;`"));
        }
        refuse_control(text, "a team name")?;
        Ok(Self(text.to_owned()))
    }

    /// Reads a `;`-separated list of teams (`Platform; Mobile`); an empty text is no team.
    /// A team named twice (in any case) counts once.
    pub fn parse_list(input: &str) -> Result<Vec<Self>, Invalid> {
        let mut teams: Vec<Self> = Vec::new();
        for part in input.split(';').filter(|part| !part.trim().is_empty()) {
            let team = Self::parse(part)?;
            if !teams.iter().any(|known| known.key() == team.key()) {
                teams.push(team);
            }
        }
        Ok(teams)
    }

    /// What makes two names the same team: `Platform` and `platform` are one.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(TeamName);

/// A region code (`de`, `us-ca`, `uk`) that picks a person's holiday calendar.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(String);

impl Region {
    /// Reads 1–32 letters, digits, `-` or `_`; stored lower-cased.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        let valid = !text.is_empty()
            && text.len() <= 32
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Invalid::new(format!(
                "`{text}` is not a region: use 1 to 32 letters, digits, - or _, such as de or us-ca"
            )));
        }
        Ok(Self(text.to_ascii_lowercase()))
    }

    /// The code, lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(Region);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_accents_cjk_and_emoji_exactly() {
        for name in ["José Ñúñez", "山田 太郎", "Zoë 🚀 Smith", "Łukasz Żółć"] {
            assert_eq!(DisplayName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn an_empty_or_multiline_name_is_refused() {
        assert_eq!(
            DisplayName::parse("   ").unwrap_err().0,
            "a name is required"
        );
        assert!(DisplayName::parse("Ana\nLopez").is_err());
        assert!(DisplayName::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn a_team_list_is_split_on_semicolons_without_repeats() {
        let teams = TeamName::parse_list(" Platform; Mobile ;;platform").unwrap();
        let names: Vec<&str> = teams.iter().map(TeamName::as_str).collect();
        assert_eq!(names, ["Platform", "Mobile"]);
        assert!(TeamName::parse_list("").unwrap().is_empty());
    }

    #[test]
    fn regions_are_lower_cased_codes() {
        assert_eq!(Region::parse("US-CA").unwrap().as_str(), "us-ca");
        assert!(Region::parse("Bavaria, Germany").is_err());
    }
}
