//! Review cycles: HR runs an appraisal cycle; each participant writes a self-review and
//! nominates peers, the peers and the manager review them on the cycle's form, deadlines
//! are chased, and the results are released.
//!
//! - [`cycle`]: a cycle as HR writes it, a policy file's `[[review_cycle]]` table.
//! - [`model`]: phases and deadlines, the cycle's and each review's states, nominations.
//! - [`form`]: the review form: sections of rating questions with behaviourally anchored
//!   levels (BARS) or text, some for peers or managers only.
//! - [`results`]: a person's released results: scores, the manager's words, peers together.
//! - [`score`]: the cycle's formula: scores per question, section and overall.
//! - [`anonymity`]: anonymous peer answers shown only in aggregate, only to groups of at
//!   least k respondents, and never as two views whose difference would reveal someone.
//! - [`packet`]: the self-review packet, the subject's own record to write from.
//! - [`pages`]: a review written in chat a page (a form of five fields) at a time.
//! - [`parse`]: `/review` as typed; [`hr_parse`]: `/rhythm cycle …`, HR's verbs.
//! - [`chat`]: `/review` and the review buttons: nominating, approving, results.
//! - [`hr`]: HR's verbs (chat and CLI): create, start, release, close, reopen, threshold,
//!   and a cycle's progress ([`progress`]).
//! - [`notices`] (and what they say, `messages`): what a cycle sends: packets, requests, deadline reminders, escalations,
//!   results.
//! - [`workflow`]: writing a review in chat: pages, drafts, submission.
//! - [`standing`]: where a running cycle stands: what each person still owes, per phase.
//! - [`access`]: who may do what with whose review, per role and relation.

pub mod access;
pub mod anonymity;
pub mod chat;
pub mod cycle;
pub mod form;
pub mod hr;
pub mod hr_parse;
mod messages;
pub mod model;
pub mod notices;
pub mod packet;
pub mod pages;
pub mod parse;
pub mod progress;
pub mod results;
pub mod score;
pub mod standing;
pub mod workflow;
