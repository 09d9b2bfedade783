//! The message a reaction or a shortcut gives kudos for: who wrote it and where it is. The
//! platforms' adapters read it from their payloads; the kudos cites it by link, and one giver
//! gives kudos for one message once, however it is given and however often the platform
//! delivers the event.

use crate::people::Platform;

/// A message someone is recognised for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The platform it is on.
    pub platform: Platform,
    /// Who wrote it (a platform user id); empty if nobody did (a bot, a workflow).
    pub author: String,
    /// The channel it is in.
    pub channel: String,
    /// Its id: Slack's `ts`, Discord's message id.
    pub message: String,
    /// Discord's server (guild) id; none for Slack, or for a Discord DM.
    pub guild: Option<String>,
}

impl Cited {
    /// A link to the message that opens it in the platform's app.
    pub fn link(&self) -> String {
        match self.platform {
            // The `p` form drops the `ts`'s dot; Slack redirects it into the workspace.
            Platform::Slack => format!(
                "https://slack.com/archives/{}/p{}",
                self.channel,
                self.message.replace('.', "")
            ),
            Platform::Discord => format!(
                "https://discord.com/channels/{}/{}/{}",
                self.guild.as_deref().unwrap_or("@me"),
                self.channel,
                self.message
            ),
        }
    }

    /// What makes `giver`'s kudos for this message once: by reaction or by shortcut, first
    /// delivery or a platform's retry.
    pub fn key(&self, giver: i64) -> String {
        format!(
            "message:{}:{}:{}:{giver}",
            self.platform.as_str(),
            self.channel,
            self.message
        )
    }

    /// The message as a form's value, echoed back on submission: short, for Discord's
    /// 100-character custom ids (`AUTHOR CHANNEL MESSAGE [GUILD]`).
    pub fn encode(&self) -> String {
        let mut value = format!("{} {} {}", self.author, self.channel, self.message);
        if let Some(guild) = &self.guild {
            value.push(' ');
            value.push_str(guild);
        }
        value
    }

    /// Reads what [`Cited::encode`] wrote, on `platform`.
    pub fn decode(platform: Platform, value: &str) -> Option<Self> {
        let mut parts = value.split(' ');
        let author = parts.next()?.to_owned();
        let channel = parts.next().filter(|part| !part.is_empty())?.to_owned();
        let message = parts.next().filter(|part| !part.is_empty())?.to_owned();
        let guild = parts.next().map(str::to_owned);
        if parts.next().is_some() || guild.as_deref() == Some("") {
            return None;
        }
        Some(Self {
            platform,
            author,
            channel,
            message,
            guild,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discord() -> Cited {
        Cited {
            platform: Platform::Discord,
            author: "167348773423415296".to_owned(),
            channel: "772908445358620702".to_owned(),
            message: "867793854505943041".to_owned(),
            guild: Some("772904309264089089".to_owned()),
        }
    }

    #[test]
    fn links_open_the_message_in_each_app() {
        assert_eq!(
            discord().link(),
            "https://discord.com/channels/772904309264089089/772908445358620702/867793854505943041"
        );
        let slack = Cited {
            platform: Platform::Slack,
            author: "U0G9QF9C6".to_owned(),
            channel: "C0G9QF9GZ".to_owned(),
            message: "1360782400.498405".to_owned(),
            guild: None,
        };
        assert_eq!(
            slack.link(),
            "https://slack.com/archives/C0G9QF9GZ/p1360782400498405"
        );
        let dm = Cited {
            guild: None,
            ..discord()
        };
        assert!(dm.link().starts_with("https://discord.com/channels/@me/"));
    }

    #[test]
    fn the_encoding_round_trips_and_fits_a_discord_custom_id() {
        let cited = discord();
        let value = cited.encode();
        assert_eq!(Cited::decode(Platform::Discord, &value), Some(cited));
        // The form's action and `|` take 11 more; Discord allows 100.
        assert!(value.len() + 11 <= 100, "{} characters", value.len());
        let by_a_bot = Cited {
            author: String::new(),
            guild: None,
            ..discord()
        };
        assert_eq!(
            Cited::decode(Platform::Discord, &by_a_bot.encode()),
            Some(by_a_bot)
        );
        for bad in ["", "a", "a b", "a  c", "a b c d e", "a b c "] {
            assert_eq!(Cited::decode(Platform::Slack, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn one_key_per_giver_and_message() {
        let cited = discord();
        assert_eq!(cited.key(7), cited.key(7));
        assert_ne!(cited.key(7), cited.key(8));
        let other = Cited {
            message: "1".to_owned(),
            ..discord()
        };
        assert_ne!(cited.key(7), other.key(7));
    }
}
