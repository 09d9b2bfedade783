//! Deliveries reach people as Discord DMs: the prompt with its buttons, sent with a nonce
//! and recorded so it can be edited; a person who has closed their DMs is tried once,
//! parked, and not asked again for a day; nobody is prompted twice when Discord throttles
//! and fails.

use chrono::Duration;
use rhythm_domain::ports::CheckIns as _;
use rhythm_testing::discord::{DiscordFailure, FakeDiscord};

use crate::support::{did, dispatcher, org};

const SEND: &str = "POST /channels/{channel_id}/messages";

#[tokio::test]
async fn each_person_gets_the_prompt_as_a_dm_with_a_nonce_and_it_is_recorded() {
    let discord = FakeDiscord::start().await;
    let db = org(2, &discord).await;
    let step = dispatcher(&db, &discord).run_due().await.unwrap();
    assert_eq!((step.sent, step.dead), (2, 1), "{step:?}");

    let dms = discord.messages_to(&did(0));
    assert_eq!(dms.len(), 1, "{dms:?}");
    let components = dms[0]["components"].to_string();
    for action in ["checkin:start", "checkin:snooze", "checkin:skip"] {
        assert!(components.contains(action), "{action} in {components}");
    }
    let sends = discord.calls(SEND);
    assert!(
        sends
            .iter()
            .all(|call| call.body["nonce"].is_string() && call.body["enforce_nonce"] == true),
        "every send carries a nonce: {sends:?}"
    );
    let checkin = rhythm_domain::ports::CheckInId(db.count(
            "SELECT c.id FROM checkins c JOIN people p ON p.id = c.person_id WHERE p.email = 'p0@x.com'",
        )
        .await);
    let stored = db.store.checkin(checkin).await.unwrap().unwrap();
    let (platform, at) = stored.prompt.expect("the prompt is recorded");
    assert_eq!(platform, "discord");
    assert_eq!(Some(at.id.as_str()), dms[0]["id"].as_str());
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'dead' AND last_error LIKE '%no Discord account%'"
        )
        .await,
        1
    );
    assert!(
        discord.spec_violations().is_empty(),
        "{:?}",
        discord.spec_violations()
    );
}

#[tokio::test]
async fn a_thousand_dms_with_closed_dms_and_429s_each_arrive_once() {
    let discord = FakeDiscord::start().await;
    let people = 1_000;
    let db = org(people, &discord).await;
    let closed: Vec<usize> = (0..people).filter(|i| i % 10 == 3).collect();
    for &i in &closed {
        discord.close_dms(&did(i));
    }
    // A burst of 429s with Discord's fractional retry_after, on sends and on opening DMs.
    discord.fail_next(
        SEND,
        20,
        DiscordFailure::RateLimited {
            retry_after: 0.05,
            global: false,
        },
    );
    discord.fail_next(
        "POST /users/@me/channels",
        5,
        DiscordFailure::RateLimited {
            retry_after: 0.05,
            global: false,
        },
    );
    let dispatcher = dispatcher(&db, &discord);
    for _ in 0..60 {
        dispatcher.run_due().await.unwrap();
        if db
            .count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'")
            .await
            == 0
        {
            break;
        }
        db.clock.advance(Duration::minutes(1));
    }
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
            .await,
        (people - closed.len()) as i64
    );
    for i in 0..people {
        let expected = usize::from(!closed.contains(&i));
        assert_eq!(discord.messages_to(&did(i)).len(), expected, "{}", did(i));
    }
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'dead' AND last_error LIKE '%50007%'"
        )
        .await,
        closed.len() as i64,
        "each closed DM is parked with Discord's reason"
    );
    let sends = discord.calls(SEND);
    let refused = sends.iter().filter(|call| call.status == 403).count();
    assert_eq!(refused, closed.len(), "each closed DM is tried once");
    assert_eq!(discord.retry_after_violations(), 0, "Retry-After honoured");
    assert_eq!(discord.nonce_repeats(), 0, "no send was lost and repeated");
    // Bad responses Rhythm could have avoided: 429s beyond the scripted ones, and
    // refusals beyond the first per closed DM.
    let calls = discord.all_calls();
    let limited = calls.iter().filter(|call| call.status == 429).count();
    let avoidable = (limited - 25) + (refused - closed.len());
    assert!(
        avoidable * 100 < calls.len(),
        "{avoidable} avoidable bad responses in {} calls",
        calls.len()
    );
    assert_eq!(limited, 25, "every scripted 429 was met, and no other");

    // The next day's prompt to a closed DM is parked without asking Discord again.
    let before = discord.calls(SEND).len();
    db.clock.advance(Duration::hours(23));
    rhythm_scheduler::planner::Planner::new(
        db.store.clone(),
        std::sync::Arc::new(db.clock.clone()),
        2_000,
    )
    .run_due()
    .await
    .unwrap();
    dispatcher.run_due().await.unwrap();
    let again: Vec<_> = discord.calls(SEND).into_iter().skip(before).collect();
    assert!(
        again.iter().all(|call| call.status == 200),
        "no closed DM is tried within the day"
    );
}

#[tokio::test]
async fn a_dm_open_that_gets_no_answer_gives_up_soon_and_holds_the_next_one_no_longer() {
    let discord = FakeDiscord::start().await;
    for n in 0..2 {
        discord.add_user(rhythm_testing::FakeDiscordUser::new(
            &did(n),
            &format!("p{n}"),
            &format!("Person {n}"),
        ));
    }
    discord.fail_next("POST /users/@me/channels", 1, DiscordFailure::Timeout);
    let api = crate::support::api(&discord);
    let (first, second) = (did(0), did(1));
    let started = std::time::Instant::now();
    let (hung, next) = tokio::join!(api.open_dm(&first), async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        api.open_dm(&second).await
    });
    assert!(
        matches!(
            hung,
            Err(rhythm_bot::discord::client::ApiError::Retryable { .. })
        ),
        "{hung:?}"
    );
    assert!(next.is_ok(), "{next:?}");
    let waited = started.elapsed();
    assert!(
        waited < std::time::Duration::from_secs(5),
        "the open after a hung one waited {waited:?}, not the 10 s call timeout"
    );
}
