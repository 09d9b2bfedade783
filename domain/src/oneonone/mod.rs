//! 1:1 feedback sessions: a manager and a report meet on a cadence
//! ([`Cadence`]: `every 2 weeks Thursday 15:00`, in the manager's zone; each sees times in
//! their own). Before each session both get an agenda built from the record ([`agenda`]);
//! after it, the manager a prompt to record notes and action items ([`notes`]), which carry
//! over until done and remind their owner on the day they are due ([`notices`]). Talking
//! points wait for the next session, private to their author or shared. [`overdue`] finds
//! the pairs who have not met for longer than the [`CoachingPolicy`] allows. [`pairs`] reads
//! a policy file's `[[one_on_one]]` pairs.

pub mod agenda;
mod cadence;
pub mod messages;
pub mod notes;
pub mod notices;
pub mod overdue;
pub mod pairs;
pub mod parse;
mod policy;
pub mod workflow;

pub use cadence::{Cadence, MAX_WEEKS, parse_cadence};
pub use policy::{CoachingDoc, CoachingPolicy};
