//! A database with people on Discord and a daily check-in, and a dispatcher sending to the
//! fake Discord.

use rhythm_bot::discord::client::DiscordApi;
use rhythm_bot::discord::messenger::DiscordMessenger;
use rhythm_scheduler::dispatcher::Dispatcher;
use rhythm_scheduler::pace::{Limits, Paced, Rate};
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
    for i in 0..n {
        discord.add_user(FakeDiscordUser::new(
            &did(i),
            &format!("person{i}"),
            &format!("Person {i}"),
        ));
    }
    crate::org::org(n, "discord_user_id", did).await
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
    let limits = Limits {
        overall: Rate::per_second(250.0),
        per_recipient: None,
    };
    let messenger = DiscordMessenger::new(api(discord), db.store.clone());
    crate::org::dispatcher(db, crate::org::paced(db, messenger, limits))
}

pub(crate) use rhythm_testing::eventually;
