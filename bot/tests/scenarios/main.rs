//! Check-in scenarios written once against a platform-neutral driver ([`chat::Chat`]) and run
//! over every transport: Slack's HTTP Events API and Socket Mode, Discord's gateway and HTTP
//! interactions endpoint. Each scenario is a module of four tests, one per transport:
//! `a_week_of_check_ins::over_slack_socket_mode`.
//!
//! - `org`: the people and the daily check-in every scenario starts from;
//! - `chat`: the driver — `dispatch`, `dms`, `press`, `submit`, `command`, `checkin_of`;
//! - `slack`, `discord`: each platform's fake and handler wiring, and (`wire`) how what
//!   people see there reads in the driver's terms;
//! - `checkins`: the scenarios.

mod chat;
mod checkins;
mod discord;
#[path = "../common/org.rs"]
mod org;
mod slack;

/// How many people have a chat account in every scenario; they are numbered from 0.
const PEOPLE: usize = 3;

/// A module `$scenario` with one test per transport, each running `checkins::$scenario`.
macro_rules! on_every_transport {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            use crate::chat::Transport;

            #[tokio::test]
            async fn over_slack_http() {
                crate::checkins::$scenario(Transport::SlackHttp).await;
            }

            #[tokio::test]
            async fn over_slack_socket_mode() {
                crate::checkins::$scenario(Transport::SlackSocket).await;
            }

            #[tokio::test]
            async fn over_discord_gateway() {
                crate::checkins::$scenario(Transport::DiscordGateway).await;
            }

            #[tokio::test]
            async fn over_discord_http() {
                crate::checkins::$scenario(Transport::DiscordHttp).await;
            }
        }
    )+};
}

on_every_transport!(
    a_week_of_check_ins,
    settings_and_help_by_command,
    checkin_opens_todays_form,
);
