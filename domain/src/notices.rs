//! What a notice says when it is posted, whatever it is about: a kudos or the weekly board
//! ([`crate::kudos::notices`]), a 1:1's agenda, notes prompt or action item
//! ([`crate::oneonone::notices`]), feedback asked or given ([`crate::feedback`]).

use chrono::{DateTime, Utc};

use crate::chat::Message;
use crate::ports::{ChatStore, Notice, StoreError};

/// What `notice` says at `now`; `None` if there is nothing to say any more.
pub async fn compose<S: ChatStore>(
    store: &S,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError> {
    let subject = notice.subject.as_str();
    if subject.starts_with("review_") {
        crate::reviews::notices::compose(store, notice, now).await
    } else if subject.starts_with("oneonone") {
        crate::oneonone::notices::compose(store, notice, now).await
    } else if subject.starts_with("feedback") {
        crate::feedback::workflow::compose(store, notice, now).await
    } else {
        crate::kudos::notices::compose(store, notice).await
    }
}
