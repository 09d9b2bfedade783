//! Feedback on request: `/feedback request @ana @ben about "the Q3 launch"` asks peers for
//! feedback about the requester, each with a short form; `/feedback give @ana` gives it
//! unprompted. Feedback is read by its subject and their manager, with the giver's name,
//! unless the giver chose "manager only". Requests are reminded once, then expire (both
//! after the times in the [`crate::oneonone::CoachingPolicy`]).

pub mod messages;
pub mod notices;
pub mod parse;
pub mod workflow;
