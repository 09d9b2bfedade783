//! Helpers the contract cases share.

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::people::Person;
use rhythm_domain::ports::{Directory as _, PeopleFilter};
use rhythm_store::Store;
use rhythm_testing::TEST_EPOCH;

/// `seconds` after the test epoch.
pub(crate) fn at(seconds: i64) -> DateTime<Utc> {
    TEST_EPOCH.parse::<DateTime<Utc>>().unwrap() + Duration::seconds(seconds)
}

/// The person with `email`, as the directory has them now.
pub(crate) async fn person(store: &Store, email: &str) -> Person {
    let people = store.people(&PeopleFilter::default()).await.unwrap();
    people
        .into_iter()
        .find(|person| person.email.as_str() == email)
        .unwrap_or_else(|| panic!("{email} is in the directory"))
}
