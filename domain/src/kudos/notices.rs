//! What a kudos notice says, composed when it is posted (so a kudos taken back meanwhile
//! is not announced); a weekly board's is [`super::weekly`]'s.

use super::messages::{self, Reader};
use crate::chat::Message;
use crate::command::name_of;
use crate::people::PersonId;
use crate::ports::{Destination, Directory, Kudos, KudosId, Notice, PeopleFilter, StoreError};

/// The subject of notices about kudos `id`.
pub fn subject(id: KudosId) -> String {
    format!("kudos:{}", id.0)
}

/// What `notice` says; `None` if there is nothing to say any more (the kudos was taken
/// back or removed, or is gone).
pub async fn compose<S: Kudos + Directory>(
    store: &S,
    notice: &Notice,
) -> Result<Option<Message>, StoreError> {
    if notice.subject.starts_with(super::weekly::SUBJECT_PREFIX) {
        return super::weekly::compose(store, &notice.subject).await;
    }
    let Some(id) = notice
        .subject
        .strip_prefix("kudos:")
        .and_then(|id| id.parse().ok())
    else {
        tracing::warn!(subject = notice.subject, "a notice about something unknown");
        return Ok(None);
    };
    let Some(kudos) = store.kudos_by_id(KudosId(id)).await? else {
        return Ok(None);
    };
    if !kudos.stands() {
        return Ok(None);
    }
    let policy = store.kudos_policy().await?;
    let giver = name_of(store, kudos.giver).await?;
    let mut recipients = Vec::with_capacity(kudos.recipients.len());
    for id in &kudos.recipients {
        recipients.push(name_of(store, *id).await?);
    }
    let report;
    let reader = match &notice.to {
        Destination::Channel(_) => Reader::Channel,
        Destination::Person(person) if kudos.recipients.contains(person) => Reader::Recipient,
        // A private kudos's manager: name the report(s) they manage.
        Destination::Person(manager) => {
            report = reports_named(store, &kudos.recipients, *manager).await?;
            Reader::Manager { report: &report }
        }
    };
    Ok(Some(messages::notice(
        &policy,
        &kudos,
        &giver,
        &recipients,
        reader,
    )))
}

/// The names of those of `recipients` whom `manager` manages.
async fn reports_named<S: Directory>(
    store: &S,
    recipients: &[PersonId],
    manager: PersonId,
) -> Result<String, StoreError> {
    let filter = PeopleFilter {
        id: Some(manager),
        ..PeopleFilter::default()
    };
    let manager = store.people(&filter).await?.into_iter().next();
    let mut names = Vec::new();
    for id in recipients {
        let filter = PeopleFilter {
            id: Some(*id),
            ..PeopleFilter::default()
        };
        for person in store.people(&filter).await? {
            if manager
                .as_ref()
                .is_some_and(|manager| person.manager.as_ref() == Some(&manager.email))
            {
                names.push(person.name.to_string());
            }
        }
    }
    Ok(if names.is_empty() {
        "your report".to_owned()
    } else {
        names.join(", ")
    })
}
