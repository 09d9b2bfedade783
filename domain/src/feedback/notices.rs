//! What feedback posts through the notices: the ask and its one reminder to each person
//! asked, and the feedback itself to its subject and their manager.

use crate::ports::{FeedbackId, FeedbackRequestId};

/// The subject of a request's ask.
pub fn ask_subject(id: FeedbackRequestId) -> String {
    format!("feedback_ask:{}", id.0)
}

/// The subject of a request's reminder.
pub fn remind_subject(id: FeedbackRequestId) -> String {
    format!("feedback_remind:{}", id.0)
}

/// The subject of feedback given.
pub fn subject(id: FeedbackId) -> String {
    format!("feedback:{}", id.0)
}
