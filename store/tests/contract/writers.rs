//! SQLite's writers and readers: a write never queues for a connection behind reads.
//!
//! Found by the load campaign (scenario 6): with every pooled connection taken by readers,
//! the writer whose turn it was waited in the pool's queue behind them, every other writer
//! waited behind it, and at 200 commands a second acks took seconds and the dispatcher's
//! records timed out. SQLite writes now go through a connection of their own.

use rhythm_domain::people::Timezone;
use rhythm_domain::ports::{CheckIns as _, PersonSettings as _};
use rhythm_store::{ConnectOptions, Store};
use rhythm_testing::TestDb;

use crate::support::{at, person};

#[tokio::test]
async fn writes_go_on_while_readers_hold_every_pooled_connection() {
    let db = TestDb::new().await;
    // Postgres takes no turns: its writers are readers' peers in one pool, and its server
    // lets them all write at once.
    let Store::Sqlite(sqlite) = &db.store else {
        return;
    };
    db.import("email,name\nana@example.com,Ana\n").await;
    let ana = person(&db.store, "ana@example.com").await;

    let mut readers = Vec::new();
    for _ in 0..ConnectOptions::new("").max_connections {
        readers.push(sqlite.pool().acquire().await.unwrap());
    }

    assert!(db.store.first_seen("slack", "T1", at(0)).await.unwrap());
    let berlin = Timezone::parse("Europe/Berlin").unwrap();
    db.store
        .set_timezone(ana.id, &berlin, "slack:U1")
        .await
        .expect("a write while every reader's connection is taken");
    db.store.handled_seen("slack", "T1").await.unwrap();
    assert!(!db.store.first_seen("slack", "T1", at(1)).await.unwrap());

    drop(readers);
    assert_eq!(person(&db.store, "ana@example.com").await.timezone, berlin);
}
