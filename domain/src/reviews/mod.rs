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
//! - [`parse`]: `/review` as typed.
//! - [`workflow`]: writing a review in chat: pages, drafts, submission.
//! - [`access`]: who may do what with whose review, per role and relation.

pub mod access;
pub mod anonymity;
pub mod cycle;
pub mod form;
pub mod model;
pub mod packet;
pub mod pages;
pub mod parse;
pub mod results;
pub mod score;
pub mod workflow;
