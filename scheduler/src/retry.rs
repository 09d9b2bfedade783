//! What a poster (digests, notices) does after a post failed: try again later, with
//! exponential backoff from `first_backoff` or the platform's Retry-After, or give up after
//! its last attempt or a fatal error.

use chrono::Duration;
use rhythm_domain::ports::SendError;

/// After a failed post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AfterFailure {
    /// Try again this much later.
    Retry {
        /// The wait.
        after: Duration,
        /// What went wrong.
        reason: String,
    },
    /// Never going to be posted.
    GiveUp(String),
}

/// What to do after `error` on try `attempt` (from 1) of `max_attempts`.
pub(crate) fn after_failure(
    error: SendError,
    attempt: u32,
    max_attempts: u32,
    first_backoff: Duration,
) -> AfterFailure {
    match error {
        SendError::Retryable { after, reason } if attempt < max_attempts => {
            let backoff = first_backoff * 2_i32.pow(attempt.clamp(1, 10) - 1);
            let after = after
                .and_then(|after| Duration::from_std(after).ok())
                .unwrap_or(backoff);
            AfterFailure::Retry { after, reason }
        }
        SendError::Retryable { reason, .. } | SendError::Fatal { reason } => {
            AfterFailure::GiveUp(reason)
        }
        SendError::Expired => AfterFailure::GiveUp(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_retry_after_wins_and_the_last_attempt_gives_up() {
        let retryable = |after| SendError::Retryable {
            after,
            reason: "503".into(),
        };
        let first = Duration::seconds(10);
        assert_eq!(
            after_failure(retryable(None), 3, 5, first),
            AfterFailure::Retry {
                after: Duration::seconds(40),
                reason: "503".into()
            }
        );
        assert_eq!(
            after_failure(
                retryable(Some(std::time::Duration::from_secs(2))),
                1,
                5,
                first
            ),
            AfterFailure::Retry {
                after: Duration::seconds(2),
                reason: "503".into()
            }
        );
        assert_eq!(
            after_failure(retryable(None), 5, 5, first),
            AfterFailure::GiveUp("503".into())
        );
    }
}
