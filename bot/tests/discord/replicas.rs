//! Two replicas on one database: only the holder of the gateway lease connects; when it dies
//! without giving the lease up, the other connects once the lease lapses and answers what
//! comes next.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rhythm_bot::discord::connection::{self, Lease};
use rhythm_bot::discord::gateway::{GatewayConfig, Reconnect};
use rhythm_bot::discord::handler::DiscordHandler;
use rhythm_domain::clock::SystemClock;
use rhythm_testing::TestDb;
use rhythm_testing::discord::FakeDiscord;
use rhythm_testing::discord::payloads;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::support::{api, did, eventually, org};

const WAIT: Duration = Duration::from_secs(5);
const LEASE: Lease = Lease {
    ttl: Duration::from_secs(1),
    renew_every: Duration::from_millis(100),
};

/// Replica `holder`'s gateway loop, as `rhythm run` starts it.
fn replica(
    holder: &str,
    db: &TestDb,
    discord: &FakeDiscord,
    shutdown: &CancellationToken,
) -> JoinHandle<Result<(), String>> {
    let handler = Arc::new(DiscordHandler::new(
        api(discord),
        db.store.clone(),
        Arc::new(db.clock.clone()),
    ));
    let config = GatewayConfig {
        api_url: discord.api_url(),
        token: FakeDiscord::BOT_TOKEN.to_owned(),
        intents: 0,
        reconnect: Reconnect {
            first_wait: Duration::from_millis(50),
            max_wait: Duration::from_millis(500),
            healthy_after: Duration::from_secs(60),
        },
    };
    tokio::spawn(connection::run(
        handler,
        config,
        db.store.clone(),
        holder.to_owned(),
        LEASE,
        Arc::new(SystemClock),
        shutdown.clone(),
    ))
}

/// `/rhythm help` dispatched on the gateway: whether it was answered, once.
async fn answered(discord: &FakeDiscord) -> bool {
    let id = discord.dispatch_interaction(payloads::slash_command(
        &did(0),
        "rhythm",
        Some(("help", &[])),
    ));
    let once = eventually(WAIT, || !discord.callbacks(&id).is_empty()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    once && discord.callbacks(&id).len() == 1
}

async fn holder(db: &TestDb) -> i64 {
    db.count("SELECT COUNT(*) FROM leases WHERE name = 'discord.gateway' AND holder = 'b'")
        .await
}

#[tokio::test]
async fn another_replica_takes_the_gateway_over_when_the_holder_dies() {
    let discord = FakeDiscord::start().await;
    discord.set_heartbeat_interval(Duration::from_millis(500));
    let db = org(1, &discord).await;
    let shutdown = CancellationToken::new();

    let a = replica("a", &db, &discord, &shutdown);
    assert!(discord.wait_for_ready(WAIT).await, "a connects");
    let b = replica("b", &db, &discord, &shutdown);
    tokio::time::sleep(LEASE.ttl).await;
    assert_eq!(
        discord.gateway_connects(),
        1,
        "b waits while a holds the lease"
    );
    assert!(answered(&discord).await, "a answers");

    // a dies: its connection closes with it, and its lease is left to lapse.
    let died = Instant::now();
    a.abort();
    assert!(
        discord.wait_for_identifies(2, WAIT).await,
        "b connects once a's lease has lapsed"
    );
    assert!(
        died.elapsed() >= Duration::from_millis(500),
        "not before the lease lapsed: {:?}",
        died.elapsed()
    );
    assert!(
        eventually(WAIT, || discord.gateway_connections() == 1).await,
        "one connection at a time"
    );
    assert_eq!(holder(&db).await, 1, "b holds the lease");
    assert!(answered(&discord).await, "b answers");

    shutdown.cancel();
    assert_eq!(b.await.unwrap(), Ok(()));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM leases").await,
        0,
        "b gives the lease up when it stops"
    );
}
