//! What each envelope was answered, so that Slack's resends of it get the same answer and
//! are not handled twice: the envelopes being handled, and the last [`REMEMBERED`] answered.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;

/// How many answered envelopes are remembered.
pub(super) const REMEMBERED: usize = 1_000;

/// An envelope's answer: `None` while it is being handled, then the ack, or `None` inside
/// if it failed and is left for Slack to send again.
pub(super) type Answer = Option<Option<String>>;

/// The envelopes being handled and the last [`REMEMBERED`] answered, by envelope id.
#[derive(Default)]
pub(super) struct Answers {
    inner: Mutex<Remembered>,
}

#[derive(Default)]
struct Remembered {
    by_id: HashMap<String, watch::Receiver<Answer>>,
    /// Answered envelopes, oldest first, to forget beyond [`REMEMBERED`].
    answered: VecDeque<String>,
}

/// Who handles an envelope.
pub(super) enum Claim {
    /// This copy: handle it, then settle.
    First(watch::Sender<Answer>),
    /// Another copy is handled or was: wait for its answer.
    Again(watch::Receiver<Answer>),
}

impl Answers {
    pub(super) fn claim(&self, id: &str) -> Claim {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(first) = inner.by_id.get(id) {
            // A copy whose task died unanswered is handled afresh.
            let alive = first.borrow().is_some() || first.has_changed().is_ok();
            if alive {
                return Claim::Again(first.clone());
            }
        }
        let (settle, first) = watch::channel(None);
        inner.by_id.insert(id.to_owned(), first);
        Claim::First(settle)
    }

    /// Records the answer and wakes the copies waiting for it. A failure is forgotten, so
    /// that Slack's next resend is handled again.
    pub(super) fn settle(&self, id: &str, settle: &watch::Sender<Answer>, ack: Option<String>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let failed = ack.is_none();
        settle.send_replace(Some(ack));
        if failed {
            inner.by_id.remove(id);
            return;
        }
        inner.answered.push_back(id.to_owned());
        while inner.answered.len() > REMEMBERED {
            if let Some(oldest) = inner.answered.pop_front() {
                inner.by_id.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resent_envelope_waits_for_the_first_answer_and_a_failure_is_forgotten() {
        let answers = Answers::default();
        let Claim::First(settle) = answers.claim("E1") else {
            panic!("the first copy is handled");
        };
        let Claim::Again(waiting) = answers.claim("E1") else {
            panic!("a second copy waits");
        };
        answers.settle("E1", &settle, Some("ack".to_owned()));
        assert_eq!(*waiting.borrow(), Some(Some("ack".to_owned())));
        assert!(matches!(answers.claim("E1"), Claim::Again(_)), "remembered");

        let Claim::First(settle) = answers.claim("E2") else {
            panic!("the first copy is handled");
        };
        answers.settle("E2", &settle, None);
        assert!(
            matches!(answers.claim("E2"), Claim::First(_)),
            "handled again"
        );
    }

    #[test]
    fn a_copy_whose_task_died_is_handled_again_and_old_answers_are_forgotten() {
        let answers = Answers::default();
        let Claim::First(settle) = answers.claim("E1") else {
            panic!("the first copy is handled");
        };
        drop(settle);
        assert!(matches!(answers.claim("E1"), Claim::First(_)));

        for n in 0..=REMEMBERED {
            let id = format!("F{n}");
            if let Claim::First(settle) = answers.claim(&id) {
                answers.settle(&id, &settle, Some(String::new()));
            }
        }
        assert!(matches!(answers.claim("F0"), Claim::First(_)), "forgotten");
        assert!(matches!(answers.claim("F1"), Claim::Again(_)));
    }
}
