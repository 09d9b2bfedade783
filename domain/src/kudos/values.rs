//! What a kudos says: its reason, and the company values it names.

use serde::{Deserialize, Serialize};

use crate::people::{Invalid, string_newtype};

/// The shortest reason: "thanks!" says nothing a review could use.
pub const MIN_REASON_CHARS: usize = 10;
/// The longest reason.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest value tag.
const MAX_TAG_CHARS: usize = 30;

/// Why someone is recognised: 10 to 500 characters, as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KudosReason(String);

impl KudosReason {
    /// Reads a reason; too short or too long is refused with a sentence saying so.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let reason = input.trim();
        let length = reason.chars().count();
        if length < MIN_REASON_CHARS {
            return Err(Invalid::new(format!(
                "Say what they did, in at least {MIN_REASON_CHARS} characters: a reason is what \
                 makes a kudos mean something (and what a review can use later)."
            )));
        }
        if length > MAX_REASON_CHARS {
            return Err(Invalid::new(format!(
                "Keep the reason to {MAX_REASON_CHARS} characters; this one has {length}."
            )));
        }
        Ok(Self(reason.to_owned()))
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(KudosReason);

/// A company value's tag, as typed after `#`: lower-case letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ValueTag(String);

impl ValueTag {
    /// Reads `ownership` or `#Ownership` (case does not matter).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let tag = input.trim().trim_start_matches('#').to_lowercase();
        let valid = !tag.is_empty()
            && tag.chars().count() <= MAX_TAG_CHARS
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(tag))
        } else {
            Err(Invalid::new(format!(
                "`{}` is not a value tag: use letters, digits, - and _ (at most \
                 {MAX_TAG_CHARS}), such as #ownership",
                input.trim()
            )))
        }
    }

    /// The tag, without `#`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(ValueTag);

/// A company value HR named: what kudos can be tagged with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyValue {
    /// Its tag (`ownership`), typed as `#ownership`.
    pub tag: ValueTag,
    /// Its name (`Ownership`).
    pub name: String,
    /// What it means here.
    #[serde(default)]
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_needs_ten_to_five_hundred_characters() {
        assert!(KudosReason::parse("thanks!").is_err());
        assert!(KudosReason::parse("   thanks a lot   ").is_ok());
        assert!(
            KudosReason::parse("   thanks!!!   ").is_err(),
            "nine characters, trimmed"
        );
        assert!(KudosReason::parse(&"x".repeat(501)).is_err());
        assert_eq!(
            KudosReason::parse("  shipped the release  ")
                .unwrap()
                .as_str(),
            "shipped the release"
        );
    }

    #[test]
    fn tags_are_read_without_their_hash_and_case() {
        assert_eq!(ValueTag::parse("#Ownership").unwrap().as_str(), "ownership");
        assert_eq!(
            ValueTag::parse("customer-first").unwrap().as_str(),
            "customer-first"
        );
        assert!(ValueTag::parse("#").is_err());
        assert!(ValueTag::parse("two words").is_err());
    }
}
