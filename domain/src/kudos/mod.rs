//! Kudos: recognition people give each other in chat, tagged with the company's values,
//! within allowances, announced, and kept as part of each person's record.
//!
//! - [`values`]: a kudos's reason and value tags, parsed once.
//! - [`command`]: `/kudos` and its subcommands, read once for both platforms.
//! - [`leaderboard`]: receivers, givers, values and spread for a week, month or quarter.
//! - [`workflow`]: what `/kudos` does: give, undo, allowance left, values, leaderboard.
//! - [`notices`]: the announcements, composed when posted.
//! - [`messages`]: what kudos say, to the giver, in the channel, in DMs.
//! - [`policy`]: HR's kudos policy (values, allowances, channels, the kudos reaction).

pub mod command;
pub mod leaderboard;
pub mod messages;
pub mod notices;
pub mod policy;
pub mod values;
pub mod workflow;

pub use policy::{AllowancePeriod, KudosPolicy};
pub use values::{CompanyValue, KudosReason, ValueTag};
