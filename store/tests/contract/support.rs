//! Helpers the contract cases share.

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::people::Person;
use rhythm_domain::ports::{Directory as _, PeopleFilter};
use rhythm_store::Store;
use rhythm_testing::{TEST_EPOCH, TestDb};

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

/// The audit entries of `action`, oldest first: actor and details.
pub(crate) async fn audit(db: &TestDb, action: &str) -> Vec<(String, serde_json::Value)> {
    let sql = "SELECT actor, details FROM audit_log WHERE action = $1 ORDER BY id";
    let rows: Vec<(String, String)> = match &db.store {
        Store::Sqlite(store) => {
            sqlx::query_as(sql)
                .bind(action)
                .fetch_all(store.pool())
                .await
        }
        Store::Postgres(store) => {
            sqlx::query_as(sql)
                .bind(action)
                .fetch_all(store.pool())
                .await
        }
    }
    .unwrap();
    rows.into_iter()
        .map(|(actor, details)| (actor, serde_json::from_str(&details).unwrap()))
        .collect()
}
