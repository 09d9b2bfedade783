//! Check-ins: a team's regular "how is it going", asked in a DM, answered in a form,
//! summed up in a digest.
//!
//! - [`template`]: the questions, who may read the answers, when the window closes.
//! - [`answers`]: a form's answers read against the template, problems named by question.
//! - [`messages`]: the prompt, the form, the summary, the nudge, as neutral messages.
//! - [`workflow`]: what a delivery says, and what a press, a submission or `/checkin` does.
//! - [`digest`]: each team's and each manager's summary once a day's windows have closed.

pub mod answers;
pub mod digest;
pub mod messages;
pub mod template;
pub mod workflow;

pub use answers::Answers;
pub use template::{Question, QuestionKind, Template, Visibility};
