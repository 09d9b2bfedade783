//! A database with people on Discord and a daily check-in, and a dispatcher sending to the
//! fake Discord.

use std::sync::Arc;

use chrono::Duration;
use rhythm_bot::discord::client::DiscordApi;
use rhythm_bot::discord::messenger::DiscordMessenger;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::Commit;
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{Change, apply_policy};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::pace::{Limits, Paced, Rate};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::discord::{FakeDiscord, FakeDiscordUser};

/// A Discord user id (a snowflake).
pub(crate) fn did(n: usize) -> String {
    format!("{}", 803_511_102_246_789_120_u64 + n as u64)
}

/// `n` people with Discord accounts, one person without, and a daily check-in at 10:00 UTC
/// planned for them all.
pub(crate) async fn org(n: usize, discord: &FakeDiscord) -> TestDb {
    let db = TestDb::new().await;
    let mut csv = String::from("email,name,timezone,discord_user_id\n");
    for i in 0..n {
        csv.push_str(&format!("p{i}@x.com,Person {i},UTC,{}\n", did(i)));
        discord.add_user(FakeDiscordUser::new(
            &did(i),
            &format!("person{i}"),
            &format!("Person {i}"),
        ));
    }
    csv.push_str("nobody@x.com,No Discord,UTC,\n");
    db.import(&csv).await;
    let policy = Policy::parse(
        "[[schedule]]\nname = \"Daily check-in\"\nkind = \"check_in\"\ncron = \"0 10 * * *\"\n\
         timezone = \"UTC\"\naudience = \"everyone\"\n",
    )
    .unwrap();
    let zones = [chrono_tz::UTC];
    let change = Change {
        actor: "test",
        now: db.clock.now(),
        zones: &zones,
    };
    apply_policy(&db.store, &policy, change, Commit::Write)
        .await
        .unwrap();
    db.clock.advance(Duration::hours(1)); // Monday 10:00 UTC
    let planner = Planner::new(db.store.clone(), Arc::new(db.clock.clone()), 1_000);
    assert_eq!(planner.run_due().await.unwrap().deliveries, n + 1);
    db
}

/// The REST client on the fake.
pub(crate) fn api(discord: &FakeDiscord) -> DiscordApi {
    DiscordApi::new(
        &discord.api_url(),
        FakeDiscord::BOT_TOKEN,
        FakeDiscord::APPLICATION_ID,
    )
    .unwrap()
}

/// A dispatcher sending through the Discord messenger on the fake, paced at 250 sends a
/// second (the fake allows 50 a second per channel, and each DM is its own channel).
pub(crate) fn dispatcher(
    db: &TestDb,
    discord: &FakeDiscord,
) -> Dispatcher<Store, Paced<DiscordMessenger<Store>>> {
    let clock: Arc<dyn rhythm_domain::clock::Clock> = Arc::new(db.clock.clone());
    let limits = Limits {
        overall: Rate::per_second(250.0),
        per_recipient: None,
    };
    let messenger = Paced::new(
        DiscordMessenger::new(api(discord), db.store.clone()),
        limits,
        Arc::clone(&clock),
    );
    let settings = DispatchSettings {
        owner: "test".into(),
        ..DispatchSettings::default()
    };
    Dispatcher::new(db.store.clone(), messenger, clock, settings)
}

pub(crate) use rhythm_testing::eventually;
