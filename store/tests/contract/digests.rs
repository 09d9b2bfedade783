//! Digests: teams' channels set and cleared (audited), and a digest's claim taken once.

use chrono::{Duration, NaiveDate};
use rhythm_domain::clock::Clock as _;
use rhythm_domain::people::TeamName;
use rhythm_domain::ports::{DigestKey, DigestOutcome, Digests, MessageRef, ScheduleId};
use rhythm_testing::TestDb;

#[tokio::test]
async fn a_team_channel_is_set_per_platform_replaced_and_cleared_with_an_audit_entry() {
    let db = TestDb::new().await;
    db.import("email,name,team\nana@x.com,Ana,Platform\n").await;
    let team = TeamName::parse("PLATFORM").unwrap();
    let store = &db.store;
    assert!(
        store
            .set_team_channel(&team, "slack", Some("C0AAAAAAA"), "hr")
            .await
            .unwrap()
    );
    assert!(
        store
            .set_team_channel(&team, "slack", Some("C0BBBBBBB"), "hr")
            .await
            .unwrap()
    );
    assert!(
        store
            .set_team_channel(&team, "discord", Some("123456789012345678"), "hr")
            .await
            .unwrap()
    );
    let channels = store.team_channels().await.unwrap();
    let shown: Vec<_> = channels
        .iter()
        .map(|c| (c.team.as_str(), c.platform.as_str(), c.channel.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Platform", "discord", "123456789012345678"),
            ("Platform", "slack", "C0BBBBBBB")
        ]
    );
    assert!(
        store
            .set_team_channel(&team, "discord", None, "hr")
            .await
            .unwrap()
    );
    assert_eq!(store.team_channels().await.unwrap().len(), 1);
    let nobody = TeamName::parse("Nobody").unwrap();
    assert!(
        !store
            .set_team_channel(&nobody, "slack", Some("C0AAAAAAA"), "hr")
            .await
            .unwrap()
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'team.channel' AND actor = 'hr'")
            .await,
        4
    );
}

#[tokio::test]
async fn a_digest_is_claimed_by_one_until_its_claim_lapses_and_never_after_it_is_posted() {
    let db = TestDb::new().await;
    let now = db.clock.now();
    let key = DigestKey {
        schedule: ScheduleId(1),
        date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        audience: "manager:1".into(),
    };
    let until = now + Duration::minutes(5);
    let store = &db.store;
    assert_eq!(store.claim_digest(&key, now, until).await.unwrap(), Some(1));
    assert_eq!(
        store.claim_digest(&key, now, until).await.unwrap(),
        None,
        "held"
    );
    assert_eq!(
        store
            .settled_digests(key.schedule, key.date, now)
            .await
            .unwrap(),
        ["manager:1"]
    );
    let later = until + Duration::seconds(1);
    assert!(
        store
            .settled_digests(key.schedule, key.date, later)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .claim_digest(&key, later, later + Duration::minutes(5))
            .await
            .unwrap(),
        Some(2),
        "a lapsed claim is taken over"
    );
    let posted = MessageRef {
        channel: "D1".into(),
        id: "1.2".into(),
    };
    store
        .finish_digest(&key, &DigestOutcome::Posted(posted), later)
        .await
        .unwrap();
    let much_later = later + Duration::days(1);
    assert_eq!(
        store
            .claim_digest(&key, much_later, much_later)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM digests WHERE status = 'posted' AND message_ref = 'D1:1.2' AND posted_at IS NOT NULL")
            .await,
        1
    );
}
