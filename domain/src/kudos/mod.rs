//! Kudos: recognition people give each other in chat, tagged with the company's values,
//! within allowances, announced, and kept as part of each person's record.
//!
//! - [`values`]: a kudos's reason and value tags, parsed once.
//! - [`cited`]: the message a reaction or a shortcut gives kudos for.
//! - [`for_message`]: kudos by reaction, and by *Give kudos for this* and its form.
//! - [`command`]: `/kudos` and its subcommands, read once for both platforms.
//! - [`leaderboard`]: receivers, givers, values and spread for a week, month or quarter.
//! - [`workflow`]: what `/kudos` does: give, undo, allowance left, values, leaderboard.
//! - [`weekly`]: last week's leaderboard, posted in the kudos channels on Mondays.
//! - [`notices`]: the announcements, composed when posted.
//! - [`messages`]: what kudos say, to the giver, in the channel, in DMs.
//! - [`policy`]: HR's kudos policy (values, allowances, channels, the kudos reaction).

pub mod cited;
pub mod command;
pub mod for_message;
pub mod leaderboard;
pub mod messages;
pub mod notices;
pub mod policy;
pub mod values;
pub mod weekly;
pub mod workflow;

pub use policy::{AllowancePeriod, KudosPolicy};
pub use values::{CompanyValue, KudosReason, ValueTag};
