//! Which chat account a delivery goes to: shared by the platforms' messengers.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{Directory, PeopleFilter, SendError};

/// A database failure while sending: retried later.
pub(crate) fn storage(error: impl std::fmt::Display) -> SendError {
    SendError::Retryable {
        after: None,
        reason: format!("the database: {error}"),
    }
}

/// The user id of `person` on `platform`. A person who is gone, or has no account there,
/// cannot be sent to: fatal, saying how to link one (`how_to_link`).
pub(crate) async fn account_on<S: Directory>(
    store: &S,
    person: PersonId,
    platform: Platform,
    how_to_link: &str,
) -> Result<String, SendError> {
    let filter = PeopleFilter {
        id: Some(person),
        ..PeopleFilter::default()
    };
    let found = store.people(&filter).await.map_err(storage)?;
    let Some(found) = found.first() else {
        return Err(SendError::Fatal {
            reason: format!("person {} is no longer in the directory", person.0),
        });
    };
    let name = platform.name();
    found
        .identities
        .iter()
        .find(|identity| identity.platform == platform)
        .map(|identity| identity.user_id.as_str().to_owned())
        .ok_or_else(|| SendError::Fatal {
            reason: format!(
                "{} has no {name} account linked ({how_to_link})",
                found.email
            ),
        })
}

/// Each person's DM channel by their user id, so each DM is opened once per process.
#[derive(Default)]
pub(crate) struct DmChannels(Mutex<HashMap<String, String>>);

impl DmChannels {
    /// `user`'s DM channel: remembered, or opened by `open` and remembered.
    pub(crate) async fn get_or_open<E, F>(&self, user: &str, open: F) -> Result<String, E>
    where
        F: Future<Output = Result<String, E>>,
    {
        if let Some(channel) = self.lock().get(user) {
            return Ok(channel.clone());
        }
        let channel = open.await?;
        self.lock().insert(user.to_owned(), channel.clone());
        Ok(channel)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
