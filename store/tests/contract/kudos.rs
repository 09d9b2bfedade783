//! Kudos: gives checked against allowances in their transaction (serialised), retractions,
//! HR's audited removals, listing, the policy, and the notices that announce kudos.

use chrono::{DateTime, Utc};
use rhythm_domain::kudos::{KudosPolicy, KudosReason, ValueTag};
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{
    Allowance, Destination, GiveOutcome, Kudos, KudosFilter, KudosId, KudosSource, MessageRef,
    NewKudos, NewNotice, NoticeOutcome, Visibility,
};
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::support::{at, person};

const PEOPLE: &str = "email,name\nana@x.com,Ana\nbo@x.com,Bo\ncy@x.com,Cy\ndee@x.com,Dee\n";

/// Ana, Bo, Cy and Dee's ids.
async fn people(db: &TestDb) -> [PersonId; 4] {
    db.import(PEOPLE).await;
    let mut ids = [PersonId(0); 4];
    for (id, email) in ids
        .iter_mut()
        .zip(["ana@x.com", "bo@x.com", "cy@x.com", "dee@x.com"])
    {
        *id = person(&db.store, email).await.id;
    }
    ids
}

/// A public `/kudos` from `giver` to `recipients` at `when`, announced in a channel.
pub(crate) fn kudos(giver: PersonId, recipients: &[PersonId], when: DateTime<Utc>) -> NewKudos {
    NewKudos {
        giver,
        recipients: recipients.to_vec(),
        reason: KudosReason::parse("shipped the release on time").unwrap(),
        values: Vec::new(),
        visibility: Visibility::Public,
        source: KudosSource::Command,
        platform: Platform::Slack,
        message_link: None,
        key: None,
        given_at: when,
        notices: vec![NewNotice {
            platform: Platform::Slack,
            to: Destination::Channel("C0KUDOS".into()),
        }],
    }
}

/// `limit` recipients a day from `at(0)`, uncapped.
pub(crate) fn allowance(limit: u32) -> Allowance {
    Allowance {
        since: at(0),
        limit,
        receive_cap: None,
    }
}

pub(crate) fn given(outcome: GiveOutcome) -> KudosId {
    match outcome {
        GiveOutcome::Given(id) => id,
        other => panic!("expected a kudos given, got {other:?}"),
    }
}

fn everything() -> KudosFilter {
    KudosFilter {
        from: at(-86_400),
        to: at(86_400),
        person: None,
    }
}

async fn count(store: &Store) -> usize {
    store.kudos_list(&everything()).await.unwrap().len()
}

#[tokio::test]
async fn a_kudos_is_given_and_read_back_with_its_recipients_values_and_notices() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let mut new = kudos(ana, &[cy, bo], at(0));
    new.values = vec![
        ValueTag::parse("#Ownership").unwrap(),
        ValueTag::parse("craft").unwrap(),
    ];
    new.visibility = Visibility::Private;
    new.source = KudosSource::Shortcut;
    new.message_link = Some("https://x.slack.com/archives/C1/p1".into());
    new.notices.push(NewNotice {
        platform: Platform::Slack,
        to: Destination::Person(bo),
    });
    new.notices.push(NewNotice {
        platform: Platform::Discord,
        to: Destination::Person(cy),
    });
    let id = given(store.give_kudos(&new, &allowance(5)).await.unwrap());

    let record = store.kudos_by_id(id).await.unwrap().expect("it is stored");
    let mut recipients = vec![bo, cy];
    recipients.sort();
    assert_eq!(record.id, id);
    assert_eq!(record.giver, ana);
    assert_eq!(record.recipients, recipients);
    assert_eq!(record.reason, "shipped the release on time");
    assert_eq!(record.values, ["craft", "ownership"]);
    assert_eq!(record.visibility, Visibility::Private);
    assert_eq!(record.source, KudosSource::Shortcut);
    assert_eq!(record.platform, Platform::Slack);
    assert_eq!(
        record.message_link.as_deref(),
        Some("https://x.slack.com/archives/C1/p1")
    );
    assert_eq!(record.given_at, at(0));
    assert!(record.stands());
    assert_eq!(store.kudos_list(&everything()).await.unwrap(), [record]);
    assert_eq!(store.kudos_given_since(ana, at(0)).await.unwrap(), 2);
    assert_eq!(store.kudos_given_since(ana, at(1)).await.unwrap(), 0);
    assert_eq!(store.kudos_by_id(KudosId(id.0 + 1)).await.unwrap(), None);

    let slack = store.due_notices(Platform::Slack, at(0), 10).await.unwrap();
    let shown: Vec<_> = slack
        .iter()
        .map(|n| (n.subject.as_str(), n.platform, n.to.clone(), n.attempts))
        .collect();
    let subject = format!("kudos:{}", id.0);
    assert_eq!(
        shown,
        [
            (
                subject.as_str(),
                Platform::Slack,
                Destination::Channel("C0KUDOS".into()),
                0
            ),
            (
                subject.as_str(),
                Platform::Slack,
                Destination::Person(bo),
                0
            ),
        ]
    );
    let discord = store
        .due_notices(Platform::Discord, at(0), 10)
        .await
        .unwrap();
    assert_eq!(discord.len(), 1);
    assert_eq!(discord[0].to, Destination::Person(cy));
    assert!(
        store
            .due_notices(Platform::Slack, at(-1), 10)
            .await
            .unwrap()
            .is_empty(),
        "not due before the kudos was given"
    );
    assert_eq!(
        store
            .due_notices(Platform::Slack, at(0), 1)
            .await
            .unwrap()
            .len(),
        1,
        "at most the limit"
    );
}

#[tokio::test]
async fn a_repeated_key_gives_the_first_kudos_and_records_nothing_more() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let mut first = kudos(ana, &[bo], at(0));
    first.source = KudosSource::Reaction;
    first.key = Some("slack:C1:1.2:ana".into());
    let id = given(store.give_kudos(&first, &allowance(5)).await.unwrap());
    let mut again = kudos(ana, &[cy], at(10));
    again.key = first.key.clone();
    assert_eq!(
        store.give_kudos(&again, &allowance(5)).await.unwrap(),
        GiveOutcome::Repeat(id)
    );
    assert_eq!(count(store).await, 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM kudos_recipients").await, 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, 1);
    // Keyless kudos never repeat.
    given(
        store
            .give_kudos(&kudos(ana, &[cy], at(20)), &allowance(5))
            .await
            .unwrap(),
    );
    given(
        store
            .give_kudos(&kudos(ana, &[cy], at(30)), &allowance(5))
            .await
            .unwrap(),
    );
    assert_eq!(count(store).await, 3);
}

#[tokio::test]
async fn a_give_past_the_allowance_is_refused_with_the_count_and_records_nothing() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    given(
        store
            .give_kudos(&kudos(ana, &[bo, cy], at(0)), &allowance(3))
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .give_kudos(&kudos(ana, &[bo, dee], at(10)), &allowance(3))
            .await
            .unwrap(),
        GiveOutcome::OverAllowance { given: 2 },
        "2 + 2 passes 3"
    );
    assert_eq!(count(store).await, 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM kudos_recipients").await, 2);
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, 1);
    given(
        store
            .give_kudos(&kudos(ana, &[dee], at(20)), &allowance(3))
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .give_kudos(&kudos(ana, &[bo], at(30)), &allowance(3))
            .await
            .unwrap(),
        GiveOutcome::OverAllowance { given: 3 }
    );
    // A new period: kudos before `since` do not count.
    let tomorrow = Allowance {
        since: at(86_400),
        ..allowance(3)
    };
    given(
        store
            .give_kudos(&kudos(ana, &[bo], at(86_400)), &tomorrow)
            .await
            .unwrap(),
    );
    // Another giver has an allowance of their own.
    given(
        store
            .give_kudos(&kudos(bo, &[ana, cy, dee], at(40)), &allowance(3))
            .await
            .unwrap(),
    );
}

#[tokio::test]
async fn retracted_and_removed_kudos_do_not_count_toward_the_allowance() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let first = given(
        store
            .give_kudos(&kudos(ana, &[bo], at(0)), &allowance(2))
            .await
            .unwrap(),
    );
    given(
        store
            .give_kudos(&kudos(ana, &[cy], at(10)), &allowance(2))
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .give_kudos(&kudos(ana, &[dee], at(20)), &allowance(2))
            .await
            .unwrap(),
        GiveOutcome::OverAllowance { given: 2 }
    );
    let retracted = store
        .retract_kudos(ana, at(0), at(30))
        .await
        .unwrap()
        .expect("one to retract");
    assert_eq!(store.kudos_given_since(ana, at(0)).await.unwrap(), 1);
    given(
        store
            .give_kudos(&kudos(ana, &[dee], at(40)), &allowance(2))
            .await
            .unwrap(),
    );
    store
        .remove_kudos(first, "hr", "not appropriate", at(50))
        .await
        .unwrap()
        .expect("there is such a kudos");
    assert_eq!(store.kudos_given_since(ana, at(0)).await.unwrap(), 1);
    given(
        store
            .give_kudos(&kudos(ana, &[cy], at(60)), &allowance(2))
            .await
            .unwrap(),
    );
    assert_eq!(store.kudos_given_since(ana, at(0)).await.unwrap(), 2);
    let all = store.kudos_list(&everything()).await.unwrap();
    assert_eq!(all.len(), 4, "retracted and removed kudos stay");
    assert_eq!(all.iter().filter(|k| k.stands()).count(), 2);
    assert!(all.iter().any(|k| k.id == retracted.id && !k.stands()));
}

#[tokio::test]
async fn a_recipient_at_the_receive_cap_is_refused() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let capped = Allowance {
        receive_cap: Some(2),
        ..allowance(10)
    };
    given(
        store
            .give_kudos(&kudos(ana, &[dee], at(0)), &capped)
            .await
            .unwrap(),
    );
    given(
        store
            .give_kudos(&kudos(bo, &[dee, cy], at(10)), &capped)
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .give_kudos(&kudos(cy, &[ana, dee], at(20)), &capped)
            .await
            .unwrap(),
        GiveOutcome::OverReceiveCap {
            person: dee,
            received: 2
        }
    );
    assert_eq!(count(store).await, 2);
    given(
        store
            .give_kudos(&kudos(cy, &[ana], at(30)), &capped)
            .await
            .unwrap(),
    );
    // A retracted kudos no longer counts toward Dee's cap.
    store
        .retract_kudos(ana, at(0), at(40))
        .await
        .unwrap()
        .expect("Ana's kudos");
    given(
        store
            .give_kudos(&kudos(cy, &[dee], at(50)), &capped)
            .await
            .unwrap(),
    );
    // Uncapped, anyone may receive any number.
    given(
        store
            .give_kudos(&kudos(ana, &[dee], at(60)), &allowance(10))
            .await
            .unwrap(),
    );
}

#[tokio::test]
async fn a_retraction_takes_back_only_the_latest_standing_kudos_within_the_window() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let old = given(
        store
            .give_kudos(&kudos(ana, &[bo], at(0)), &allowance(10))
            .await
            .unwrap(),
    );
    let middle = given(
        store
            .give_kudos(&kudos(ana, &[cy], at(600)), &allowance(10))
            .await
            .unwrap(),
    );
    let latest = given(
        store
            .give_kudos(&kudos(ana, &[dee], at(900)), &allowance(10))
            .await
            .unwrap(),
    );
    given(
        store
            .give_kudos(&kudos(bo, &[ana], at(950)), &allowance(10))
            .await
            .unwrap(),
    );
    let retracted = store
        .retract_kudos(ana, at(300), at(1000))
        .await
        .unwrap()
        .expect("the latest");
    assert_eq!(retracted.id, latest);
    assert_eq!(retracted.retracted_at, Some(at(1000)));
    assert_eq!(retracted.recipients, [dee]);
    let again = store
        .retract_kudos(ana, at(300), at(1010))
        .await
        .unwrap()
        .expect("the one before, still within the window");
    assert_eq!(again.id, middle);
    assert_eq!(
        store.retract_kudos(ana, at(300), at(1020)).await.unwrap(),
        None,
        "the only one left was given before the window"
    );
    assert!(
        store
            .kudos_by_id(old)
            .await
            .unwrap()
            .expect("stored")
            .stands()
    );
    assert_eq!(
        store.retract_kudos(cy, at(0), at(1030)).await.unwrap(),
        None,
        "Cy gave none"
    );
    // Its notices are skipped: they are not due any more.
    let due = store
        .due_notices(Platform::Slack, at(2000), 10)
        .await
        .unwrap();
    let subjects: Vec<_> = due.iter().map(|n| n.subject.clone()).collect();
    assert_eq!(subjects.len(), 2);
    assert!(!subjects.contains(&format!("kudos:{}", latest.0)));
    assert!(!subjects.contains(&format!("kudos:{}", middle.0)));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM notices WHERE status = 'skipped'")
            .await,
        2
    );
}

#[tokio::test]
async fn an_hr_removal_is_audited_and_skips_pending_notices_but_keeps_posted_ones() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let mut new = kudos(ana, &[bo, cy], at(0));
    new.notices.push(NewNotice {
        platform: Platform::Slack,
        to: Destination::Person(bo),
    });
    let id = given(store.give_kudos(&new, &allowance(5)).await.unwrap());
    let due = store.due_notices(Platform::Slack, at(0), 10).await.unwrap();
    assert_eq!(due.len(), 2);
    let posted = MessageRef {
        channel: "C0KUDOS".into(),
        id: "1.2".into(),
    };
    assert!(store.claim_notice(due[0].id, at(0), at(60)).await.unwrap());
    store
        .finish_notice(due[0].id, &NoticeOutcome::Posted(posted.clone()), at(1))
        .await
        .unwrap();

    let before = store
        .remove_kudos(id, "cli:hr", "reported as inappropriate", at(100))
        .await
        .unwrap()
        .expect("there is such a kudos");
    assert_eq!(before.id, id);
    assert_eq!(before.removed_at, None, "as it was");
    let after = store.kudos_by_id(id).await.unwrap().expect("it stays");
    assert_eq!(after.removed_at, Some(at(100)));
    assert!(!after.stands());
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM kudos WHERE removed_by = 'cli:hr' \
             AND removal_reason = 'reported as inappropriate'"
        )
        .await,
        1
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'kudos.remove' AND actor = 'cli:hr'"
        )
        .await,
        1
    );
    let details = format!("%\"kudos_id\":{}%", id.0);
    let audit_sql = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'kudos.remove' \
         AND details LIKE '{details}' AND details LIKE '%reported as inappropriate%' \
         AND details LIKE '%\"giver_id\":{}%'",
        ana.0
    );
    assert_eq!(db.count(&audit_sql).await, 1);
    assert!(
        store
            .due_notices(Platform::Slack, at(200), 10)
            .await
            .unwrap()
            .is_empty(),
        "the pending DM is skipped"
    );
    assert_eq!(
        store
            .posted_notices(&format!("kudos:{}", id.0))
            .await
            .unwrap(),
        [(
            Platform::Slack,
            Destination::Channel("C0KUDOS".into()),
            posted
        )],
        "the announcement stays posted, to be marked"
    );
    assert_eq!(
        store
            .remove_kudos(KudosId(id.0 + 100), "cli:hr", "no such kudos", at(100))
            .await
            .unwrap(),
        None
    );
    let again = store
        .remove_kudos(id, "cli:hr2", "again", at(200))
        .await
        .unwrap()
        .expect("it stays");
    assert_eq!(again.removed_at, Some(at(100)), "the first removal stands");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'kudos.remove'")
            .await,
        1
    );
}

#[tokio::test]
async fn kudos_are_listed_by_person_and_time_oldest_first() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let a = given(
        store
            .give_kudos(&kudos(ana, &[bo], at(0)), &allowance(10))
            .await
            .unwrap(),
    );
    let b = given(
        store
            .give_kudos(&kudos(cy, &[ana, dee], at(100)), &allowance(10))
            .await
            .unwrap(),
    );
    let c = given(
        store
            .give_kudos(&kudos(bo, &[cy], at(200)), &allowance(10))
            .await
            .unwrap(),
    );
    store.retract_kudos(bo, at(0), at(300)).await.unwrap();
    let list = |from, to, person| async move {
        store
            .kudos_list(&KudosFilter { from, to, person })
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(list(at(0), at(300), None).await, [a, b, c]);
    assert_eq!(list(at(0), at(200), None).await, [a, b], "`to` is excluded");
    assert_eq!(
        list(at(100), at(300), None).await,
        [b, c],
        "`from` is included"
    );
    assert_eq!(
        list(at(0), at(300), Some(ana)).await,
        [a, b],
        "given or received"
    );
    assert_eq!(list(at(0), at(300), Some(dee)).await, [b]);
    assert_eq!(
        list(at(0), at(300), Some(cy)).await,
        [b, c],
        "retracted ones included"
    );
    assert_eq!(
        list(at(150), at(300), Some(ana)).await,
        Vec::<KudosId>::new()
    );
    let both = store
        .kudos_list(&KudosFilter {
            from: at(100),
            to: at(101),
            person: Some(dee),
        })
        .await
        .unwrap();
    let mut recipients = vec![ana, dee];
    recipients.sort();
    assert_eq!(
        both[0].recipients, recipients,
        "every recipient, not only the one filtered on"
    );
}

#[tokio::test]
async fn a_notice_is_claimed_by_one_retried_after_its_backoff_and_posted_once() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let id = given(
        store
            .give_kudos(&kudos(ana, &[bo], at(0)), &allowance(5))
            .await
            .unwrap(),
    );
    let subject = format!("kudos:{}", id.0);
    let due = store.due_notices(Platform::Slack, at(0), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let notice = due[0].id;
    assert!(store.claim_notice(notice, at(0), at(60)).await.unwrap());
    assert!(
        !store.claim_notice(notice, at(10), at(70)).await.unwrap(),
        "another replica has it"
    );
    assert!(
        store
            .due_notices(Platform::Slack, at(30), 10)
            .await
            .unwrap()
            .is_empty(),
        "not due for others while claimed"
    );
    let lapsed = store
        .due_notices(Platform::Slack, at(60), 10)
        .await
        .unwrap();
    assert_eq!(lapsed.len(), 1, "due again once its claim lapses");
    assert_eq!(lapsed[0].attempts, 1);
    assert!(store.claim_notice(notice, at(60), at(120)).await.unwrap());
    store
        .finish_notice(
            notice,
            &NoticeOutcome::Retry {
                at: at(300),
                error: "rate limited".into(),
            },
            at(61),
        )
        .await
        .unwrap();
    assert!(
        store
            .due_notices(Platform::Slack, at(299), 10)
            .await
            .unwrap()
            .is_empty(),
        "its backoff is not over"
    );
    let retried = store
        .due_notices(Platform::Slack, at(300), 10)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM notices WHERE last_error = 'rate limited'")
            .await,
        1
    );
    assert!(store.posted_notices(&subject).await.unwrap().is_empty());
    assert!(store.claim_notice(notice, at(300), at(360)).await.unwrap());
    let message = MessageRef {
        channel: "C0KUDOS".into(),
        id: "1700000000.000100".into(),
    };
    store
        .finish_notice(notice, &NoticeOutcome::Posted(message.clone()), at(301))
        .await
        .unwrap();
    assert_eq!(
        store.posted_notices(&subject).await.unwrap(),
        [(
            Platform::Slack,
            Destination::Channel("C0KUDOS".into()),
            message
        )]
    );
    assert!(
        !store
            .claim_notice(notice, at(1000), at(1060))
            .await
            .unwrap(),
        "posted: never claimed again"
    );
    assert!(
        store
            .due_notices(Platform::Slack, at(1000), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM notices WHERE status = 'posted' AND posted_at IS NOT NULL AND claimed_until IS NULL")
            .await,
        1
    );
    assert!(store.posted_notices("kudos:0").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_skipped_or_failed_notice_is_never_due_again() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let mut new = kudos(ana, &[bo], at(0));
    new.notices.push(NewNotice {
        platform: Platform::Slack,
        to: Destination::Person(bo),
    });
    given(store.give_kudos(&new, &allowance(5)).await.unwrap());
    given(
        store
            .give_kudos(&kudos(ana, &[cy], at(0)), &allowance(5))
            .await
            .unwrap(),
    );
    let due = store.due_notices(Platform::Slack, at(0), 10).await.unwrap();
    assert_eq!(due.len(), 3);
    for notice in &due[..2] {
        assert!(store.claim_notice(notice.id, at(0), at(60)).await.unwrap());
    }
    store
        .finish_notice(due[0].id, &NoticeOutcome::Skipped, at(1))
        .await
        .unwrap();
    store
        .finish_notice(
            due[1].id,
            &NoticeOutcome::Failed("DMs closed".into()),
            at(1),
        )
        .await
        .unwrap();
    let left = store
        .due_notices(Platform::Slack, at(1000), 10)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, due[2].id);
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM notices WHERE status = 'failed' AND last_error = 'DMs closed'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn two_gives_at_once_by_the_same_giver_at_the_limit_record_exactly_one() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let (one, two) = (db.store.clone(), db.store.clone());
    let (to_bo, to_cy) = (kudos(ana, &[bo], at(0)), kudos(ana, &[cy], at(0)));
    let limit = allowance(1);
    let (first, second) = tokio::join!(
        one.give_kudos(&to_bo, &limit),
        two.give_kudos(&to_cy, &limit)
    );
    let mut outcomes = [first.unwrap(), second.unwrap()];
    outcomes.sort_by_key(|outcome| !matches!(outcome, GiveOutcome::Given(_)));
    assert!(matches!(outcomes[0], GiveOutcome::Given(_)), "{outcomes:?}");
    assert_eq!(outcomes[1], GiveOutcome::OverAllowance { given: 1 });
    assert_eq!(count(&db.store).await, 1);
    assert_eq!(db.store.kudos_given_since(ana, at(0)).await.unwrap(), 1);
}

#[tokio::test]
async fn the_kudos_policy_is_the_default_until_one_is_stored() {
    let db = TestDb::new().await;
    let store = &db.store;
    assert_eq!(store.kudos_policy().await.unwrap(), KudosPolicy::default());
    let policy = KudosPolicy {
        give_limit: 3,
        receive_cap: Some(4),
        require_value: true,
        ..KudosPolicy::default()
    };
    let doc = serde_json::to_string(&policy).unwrap().replace('\'', "''");
    let insert = format!(
        "INSERT INTO kudos_policy (id, doc, updated_at) VALUES (1, '{doc}', 0) RETURNING CAST(1 AS BIGINT)"
    );
    assert_eq!(db.count(&insert).await, 1);
    assert_eq!(store.kudos_policy().await.unwrap(), policy);
}

#[tokio::test]
async fn a_notice_added_twice_for_one_subject_and_channel_is_due_once() {
    let db = TestDb::new().await;
    let store = &db.store;
    let board = NewNotice {
        platform: Platform::Discord,
        to: Destination::Channel("1100000000000000001".into()),
    };
    let subject = "kudos-board:2026-03-02";
    for _ in 0..2 {
        // Two replicas (or one restarted) add this week's board.
        store
            .add_notices(subject, std::slice::from_ref(&board), at(0))
            .await
            .unwrap();
    }
    assert!(
        store
            .due_notices(Platform::Slack, at(0), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store
        .due_notices(Platform::Discord, at(0), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].subject, subject);
    assert_eq!(due[0].to, board.to);
    assert!(store.claim_notice(due[0].id, at(0), at(60)).await.unwrap());
    let posted = MessageRef {
        channel: "1100000000000000001".into(),
        id: "1".into(),
    };
    store
        .finish_notice(due[0].id, &NoticeOutcome::Posted(posted), at(1))
        .await
        .unwrap();
    // Added again after it was posted: still once.
    store.add_notices(subject, &[board], at(2)).await.unwrap();
    assert!(
        store
            .due_notices(Platform::Discord, at(10), 10)
            .await
            .unwrap()
            .is_empty()
    );
}
