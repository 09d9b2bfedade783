//! Linking chat accounts: one-time codes (saved at most once a minute, tried a few times,
//! used once, expiring) and the link itself (replacing, idempotent, never stealing).

use rhythm_domain::link::hash;
use rhythm_domain::people::{ChatUserId, Person, Platform};
use rhythm_domain::ports::{Account, LinkCode, Linked, Links as _, Redeemed};
use rhythm_testing::TestDb;

use crate::support::{at, person};

const PEOPLE: &str = "email,name,discord_user_id\n\
                      ana@example.com,Ana Lima,\n\
                      ben@example.com,Ben Okafor,80351110224678912\n";

fn discord(user: &str) -> Account {
    Account {
        platform: Platform::Discord,
        user: ChatUserId::parse(Platform::Discord, user).unwrap(),
    }
}

fn discord_ids(person: &Person) -> Vec<&str> {
    person
        .identities
        .iter()
        .filter(|identity| identity.platform == Platform::Discord)
        .map(|identity| identity.user_id.as_str())
        .collect()
}

fn code(account: &Account, person: &Person, code: &str, seconds: i64) -> LinkCode {
    LinkCode {
        account: account.clone(),
        person: person.id,
        code_hash: hash(account, code),
        created_at: at(seconds),
        expires_at: at(seconds + 900),
    }
}

/// `account` tries `typed` at `seconds`, with `max_tries` allowed.
async fn redeem(
    db: &TestDb,
    account: &Account,
    typed: &str,
    max_tries: u32,
    seconds: i64,
) -> Redeemed {
    db.store
        .redeem_link_code(account, &hash(account, typed), max_tries, at(seconds))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_code_is_saved_at_most_once_a_minute_per_account() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let ana = person(&db.store, "ana@example.com").await;
    let account = discord("111111111111111111");

    assert!(
        db.store
            .save_link_code(&code(&account, &ana, "111111", 0), at(-60))
            .await
            .unwrap()
    );
    assert!(
        !db.store
            .save_link_code(&code(&account, &ana, "222222", 30), at(-30))
            .await
            .unwrap(),
        "asking again within the minute saves nothing"
    );
    assert!(
        db.store
            .save_link_code(&code(&account, &ana, "333333", 61), at(1))
            .await
            .unwrap(),
        "a minute later a new code replaces the first"
    );
    let redeemed = redeem(&db, &account, "111111", 5, 70).await;
    assert_eq!(redeemed, Redeemed::Wrong { tries_left: 4 });
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'people.link_requested'")
            .await,
        2
    );
}

#[tokio::test]
async fn the_right_code_links_the_account_once() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let ana = person(&db.store, "ana@example.com").await;
    let account = discord("111111111111111111");
    db.store
        .save_link_code(&code(&account, &ana, "123456", 0), at(-60))
        .await
        .unwrap();

    let redeemed = redeem(&db, &account, "123456", 5, 10).await;
    assert_eq!(
        redeemed,
        Redeemed::Linked(Linked::Now {
            person: ana.id,
            replaced: None
        })
    );
    let ana = person(&db.store, "ana@example.com").await;
    assert_eq!(discord_ids(&ana), ["111111111111111111"]);
    assert_eq!(
        redeem(&db, &account, "123456", 5, 20).await,
        Redeemed::NoCode,
        "a code works once"
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'people.link' \
             AND actor = 'discord:111111111111111111'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn wrong_tries_use_a_code_up_and_an_expired_one_is_gone() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let ana = person(&db.store, "ana@example.com").await;
    let account = discord("111111111111111111");
    db.store
        .save_link_code(&code(&account, &ana, "123456", 0), at(-60))
        .await
        .unwrap();
    for left in (0..3).rev() {
        assert_eq!(
            redeem(&db, &account, "000000", 3, 10).await,
            Redeemed::Wrong { tries_left: left }
        );
    }
    assert_eq!(
        redeem(&db, &account, "123456", 3, 10).await,
        Redeemed::NoCode,
        "after the last wrong try the right code no longer works"
    );

    db.store
        .save_link_code(&code(&account, &ana, "654321", 100), at(40))
        .await
        .unwrap();
    assert_eq!(
        redeem(&db, &account, "654321", 3, 1000).await,
        Redeemed::NoCode,
        "15 minutes later the code has expired"
    );
    assert!(discord_ids(&person(&db.store, "ana@example.com").await).is_empty());
    assert_eq!(db.count("SELECT COUNT(*) FROM link_codes").await, 0);
}

#[tokio::test]
async fn a_code_made_for_one_account_does_nothing_for_another() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let ana = person(&db.store, "ana@example.com").await;
    let asker = discord("111111111111111111");
    let other = discord("222222222222222222");
    db.store
        .save_link_code(&code(&asker, &ana, "123456", 0), at(-60))
        .await
        .unwrap();
    assert_eq!(redeem(&db, &other, "123456", 5, 10).await, Redeemed::NoCode);
    assert!(discord_ids(&person(&db.store, "ana@example.com").await).is_empty());
}

#[tokio::test]
async fn hr_links_replace_a_persons_account_but_never_take_someone_elses() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let ana = person(&db.store, "ana@example.com").await;
    let ben = person(&db.store, "ben@example.com").await;
    let bens = discord("80351110224678912");

    assert_eq!(
        db.store
            .link_account(ana.id, &bens, "cli:hr")
            .await
            .unwrap(),
        Linked::Taken(ben.id)
    );
    assert_eq!(
        db.store
            .link_account(ben.id, &bens, "cli:hr")
            .await
            .unwrap(),
        Linked::Already(ben.id)
    );
    let new = discord("99999999999999999");
    assert_eq!(
        db.store.link_account(ben.id, &new, "cli:hr").await.unwrap(),
        Linked::Now {
            person: ben.id,
            replaced: Some("80351110224678912".to_owned())
        }
    );
    assert_eq!(
        discord_ids(&person(&db.store, "ben@example.com").await),
        ["99999999999999999"]
    );
    assert_eq!(
        db.store
            .link_account(ana.id, &bens, "cli:hr")
            .await
            .unwrap(),
        Linked::Now {
            person: ana.id,
            replaced: None
        },
        "an account given up is free to link"
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'people.link' AND actor = 'cli:hr'"
        )
        .await,
        2
    );
}
