use rhythm_domain::ports::StoreError;

/// Classifies a sqlx failure: connection trouble is `Unavailable` (worth a retry and a 503),
/// the rest `Unexpected`. `doing` says what was being done, for the logs.
pub(crate) fn classify(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| {
        let unavailable = matches!(
            error,
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        );
        let error = anyhow::Error::new(error).context(doing);
        if unavailable {
            StoreError::Unavailable(error)
        } else {
            StoreError::Unexpected(error)
        }
    }
}
