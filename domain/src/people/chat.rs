use super::Invalid;

/// A chat platform Rhythm talks on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Slack (user ids like `U024BE7LH`).
    Slack,
    /// Discord (user ids are snowflakes like `80351110224678912`).
    Discord,
}

impl Platform {
    /// Both platforms.
    pub const ALL: [Platform; 2] = [Platform::Slack, Platform::Discord];

    /// The stored name: `slack` or `discord`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Discord => "discord",
        }
    }

    /// Its name as people write it: `Slack`, `Discord`.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Slack => "Slack",
            Platform::Discord => "Discord",
        }
    }

    /// Reads `slack` or `discord`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|platform| platform.as_str().eq_ignore_ascii_case(input.trim()))
            .ok_or_else(|| {
                Invalid::new(format!("unknown platform `{input}`: use slack or discord"))
            })
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user id on one platform, checked against that platform's id format.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ChatUserId(String);

impl ChatUserId {
    /// Reads a Slack member id (`U…` or `W…`, upper-case letters and digits) or a Discord
    /// snowflake (17 to 20 digits).
    pub fn parse(platform: Platform, input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        let valid = match platform {
            Platform::Slack => {
                (3..=21).contains(&text.len())
                    && text.starts_with(['U', 'W'])
                    && text
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            }
            Platform::Discord => {
                (17..=20).contains(&text.len()) && text.chars().all(|c| c.is_ascii_digit())
            }
        };
        if !valid {
            let shape = match platform {
                Platform::Slack => "a Slack member id starts with U or W, as in U024BE7LH",
                Platform::Discord => {
                    "a Discord user id is 17 to 20 digits, as in 80351110224678912"
                }
            };
            return Err(Invalid::new(format!(
                "`{text}` is not a {platform} user id: {shape}"
            )));
        }
        Ok(Self(text.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ChatUserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One chat account of a person. A person may have several (Slack and Discord, or two
/// Slack workspaces); an account belongs to one person only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ChatIdentity {
    /// The platform.
    pub platform: Platform,
    /// The Slack workspace (team) id or Discord guild id the account was seen in, when known.
    pub workspace_id: Option<String>,
    /// The platform's user id.
    pub user_id: ChatUserId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_and_discord_ids_are_checked_against_their_formats() {
        assert!(ChatUserId::parse(Platform::Slack, "U024BE7LH").is_ok());
        assert!(ChatUserId::parse(Platform::Slack, "W012A3CDE").is_ok());
        assert!(ChatUserId::parse(Platform::Slack, "u024be7lh").is_err());
        assert!(ChatUserId::parse(Platform::Slack, "80351110224678912").is_err());
        assert!(ChatUserId::parse(Platform::Discord, "80351110224678912").is_ok());
        let error = ChatUserId::parse(Platform::Discord, "U024BE7LH").unwrap_err();
        assert!(error.0.contains("17 to 20 digits"), "{error}");
    }
}
