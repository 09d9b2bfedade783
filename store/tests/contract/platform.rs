//! Leases (one replica holds the Discord gateway) and people a platform refused to reach.

use rhythm_domain::people::Platform;
use rhythm_domain::ports::{Leases as _, Reachability as _};
use rhythm_testing::TestDb;

use crate::support::at;

#[tokio::test]
async fn a_lease_has_one_holder_until_it_lapses_or_is_given_up() {
    let db = TestDb::new().await;
    let store = &db.store;
    let gateway = "discord.gateway";

    assert!(store.take_lease(gateway, "a", at(0), at(30)).await.unwrap());
    assert!(
        !store
            .take_lease(gateway, "b", at(10), at(40))
            .await
            .unwrap(),
        "b waits while a's lease runs"
    );
    assert!(
        store
            .take_lease(gateway, "a", at(20), at(50))
            .await
            .unwrap(),
        "a renews"
    );
    assert!(
        !store
            .take_lease(gateway, "b", at(45), at(75))
            .await
            .unwrap()
    );
    assert!(
        store
            .take_lease(gateway, "b", at(50), at(80))
            .await
            .unwrap(),
        "b takes over once a's lease has lapsed"
    );
    assert!(
        !store
            .take_lease(gateway, "a", at(55), at(85))
            .await
            .unwrap(),
        "a, back from a pause, cannot renew what it lost"
    );

    store.release_lease(gateway, "a").await.unwrap();
    assert!(
        !store
            .take_lease(gateway, "a", at(56), at(86))
            .await
            .unwrap(),
        "releasing what one does not hold changes nothing"
    );
    store.release_lease(gateway, "b").await.unwrap();
    assert!(
        store
            .take_lease(gateway, "a", at(57), at(87))
            .await
            .unwrap(),
        "a released lease is free at once"
    );
    assert!(
        store
            .take_lease("other", "b", at(57), at(87))
            .await
            .unwrap(),
        "leases are by name"
    );
}

#[tokio::test]
async fn the_last_of_racing_replicas_cannot_also_win_a_lapsed_lease() {
    let db = TestDb::new().await;
    let store = &db.store;
    assert!(store.take_lease("job", "a", at(0), at(30)).await.unwrap());
    let (b, c) = tokio::join!(
        store.take_lease("job", "b", at(31), at(61)),
        store.take_lease("job", "c", at(31), at(61)),
    );
    assert!(
        b.unwrap() ^ c.unwrap(),
        "exactly one of two replicas takes a lapsed lease"
    );
}

#[tokio::test]
async fn an_unreachable_person_is_remembered_until_the_time_given() {
    let db = TestDb::new().await;
    let store = &db.store;
    let user = "80351110224678912";
    assert_eq!(
        store
            .unreachable(Platform::Discord, user, at(0))
            .await
            .unwrap(),
        None
    );
    let reason = "HTTP 403, code 50007: Cannot send messages to this user";
    store
        .mark_unreachable(Platform::Discord, user, at(86_400), reason)
        .await
        .unwrap();
    assert_eq!(
        store
            .unreachable(Platform::Discord, user, at(3_600))
            .await
            .unwrap(),
        Some((at(86_400), reason.to_owned()))
    );
    assert_eq!(
        store
            .unreachable(Platform::Slack, user, at(3_600))
            .await
            .unwrap(),
        None,
        "by platform"
    );
    assert_eq!(
        store
            .unreachable(Platform::Discord, user, at(86_400))
            .await
            .unwrap(),
        None,
        "forgotten once the time has passed"
    );
    store
        .mark_unreachable(Platform::Discord, user, at(90_000), "again")
        .await
        .unwrap();
    assert_eq!(
        store
            .unreachable(Platform::Discord, user, at(86_500))
            .await
            .unwrap(),
        Some((at(90_000), "again".to_owned())),
        "a new refusal extends it"
    );
}
