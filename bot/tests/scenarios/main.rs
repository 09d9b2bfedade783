//! Check-in, kudos, goals, 1:1, feedback and review cycle scenarios written once against a platform-neutral driver
//! ([`chat::Chat`]) and run over every transport: Slack's HTTP Events API and Socket Mode,
//! Discord's gateway and HTTP interactions endpoint. Each scenario is a module of four tests, one per transport:
//! `a_week_of_check_ins::over_slack_socket_mode`.
//!
//! - `org`: the people and the daily check-in every scenario starts from;
//! - `chat`: the driver — `dispatch`, `dms`, `press`, `submit`, `command`, `checkin_of`,
//!   and for kudos `kudos`, `post`, `react`, `shortcut`, `post_notices`, `kudos_channel`;
//! - `slack`, `discord`: each platform's fake and handler wiring, and (`wire`) how what
//!   people see there reads in the driver's terms;
//! - `checkins`, `kudos`, `goals`, `coaching`, `reviews`: the scenarios.

mod chat;
mod checkins;
mod coaching;
mod discord;
mod goals;
mod kudos;
#[path = "../common/org.rs"]
mod org;
mod reviews;
mod slack;

/// How many people have a chat account in every scenario; they are numbered from 0.
const PEOPLE: usize = 3;

/// A module `$scenario` with one test per transport, each running `$module::$scenario`.
macro_rules! on_every_transport {
    ($module:ident: $($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            use crate::chat::Transport;

            #[tokio::test]
            async fn over_slack_http() {
                crate::$module::$scenario(Transport::SlackHttp).await;
            }

            #[tokio::test]
            async fn over_slack_socket_mode() {
                crate::$module::$scenario(Transport::SlackSocket).await;
            }

            #[tokio::test]
            async fn over_discord_gateway() {
                crate::$module::$scenario(Transport::DiscordGateway).await;
            }

            #[tokio::test]
            async fn over_discord_http() {
                crate::$module::$scenario(Transport::DiscordHttp).await;
            }
        }
    )+};
}

on_every_transport!(
    checkins: a_week_of_check_ins,
    settings_and_help_by_command,
    checkin_opens_todays_form,
);

on_every_transport!(
    kudos: kudos_by_command,
    allowances_and_undo,
    reactions_and_the_shortcut,
    leaderboards_and_private_kudos,
);

on_every_transport!(
    goals: goals_set_from_chat,
    goal_review_records_progress,
    check_in_records_goal_progress,
);

on_every_transport!(
    reviews: a_review_cycle_from_nominations_to_acknowledgement,
);

on_every_transport!(
    coaching: one_on_ones_from_agenda_to_action_items,
    feedback_requested_reminded_and_given,
);
