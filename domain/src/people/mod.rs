//! The directory of people: who works here, in which zone (and who chose it), for whom, in
//! which teams, and under which chat accounts.
//!
//! Each field type parses untrusted text once ([`Email::parse`], [`Timezone::parse`],
//! [`Role::parse`], …) and fails with an [`Invalid`] whose text is a sentence a person can
//! act on.

mod chat;
mod email;
mod names;
mod person;
mod role;
mod roster;
#[cfg(test)]
pub(crate) mod sample;
mod timezone;

pub use chat::{ChatIdentity, ChatUserId, Platform};
pub use email::Email;
pub use names::{DisplayName, Region, TeamName};
pub use person::{Person, PersonId, Team};
pub use role::Role;
pub use roster::Roster;
pub use timezone::{Timezone, TimezoneSource};

/// A value that could not be parsed; the text says what is wrong and what would be right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

/// Implements `Display`, `AsRef<str>`, `Serialize` and `TryFrom<String>` (hence
/// `Deserialize`) for a newtype over `String` that has `parse` and `as_str`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl TryFrom<String> for $name {
            type Error = $crate::people::Invalid;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl std::str::FromStr for $name {
            type Err = $crate::people::Invalid;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_newtype;
