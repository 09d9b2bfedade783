//! Kudos scenarios, written once against the driver and run on every transport: giving by
//! command (several people, value tags), by the kudos emoji and by *Give kudos for this*;
//! the announcements; every bad input answered privately with nothing stored; allowances
//! and undo; leaderboards per period and team; private kudos seen only by the recipient and
//! their manager.

use chrono::Duration;

use crate::chat::{Chat, Emoji, STRANGER, Transport};

/// The company values every scenario's policy lists.
const VALUES: &str = "[[kudos.value]]\ntag = \"ownership\"\nname = \"Ownership\"\n\
                      [[kudos.value]]\ntag = \"craft\"\nname = \"Craft\"\n";

/// The org with teams (0 and 1 in Platform, 2 in Mobile; 0 manages 1, 1 manages 2) and a
/// kudos policy of `keys` and the two values.
async fn start(transport: Transport, keys: &str) -> Chat {
    let chat = Chat::start(transport).await;
    chat.organise(&[
        (0, None, "Platform"),
        (1, Some(0), "Platform"),
        (2, Some(1), "Mobile"),
    ])
    .await;
    chat.kudos_policy(&format!("{keys}\n{VALUES}")).await;
    chat
}

/// Kudos that count: not taken back, not removed.
async fn standing(chat: &Chat) -> i64 {
    chat.count("SELECT COUNT(*) FROM kudos WHERE retracted_at IS NULL AND removed_at IS NULL")
        .await
}

/// `/kudos @1 @2 … #ownership #craft` recognises both, with both values, tells the giver how
/// many they have left, and is announced in the channel and to each recipient. Each bad
/// input gets a sentence saying what is wrong, and stores nothing.
pub(crate) async fn kudos_by_command(transport: Transport) {
    let mut chat = start(transport, "").await;
    let said = chat
        .kudos(
            0,
            "@1 @2 for shipping the release on time #ownership #craft",
        )
        .await
        .private();
    assert!(
        said.contains("Kudos to Person 1, Person 2 for Ownership and Craft"),
        "{said}"
    );
    assert!(said.contains("You can give 3 more today"), "{said}");
    assert_eq!(standing(&chat).await, 1);
    assert_eq!(chat.count("SELECT COUNT(*) FROM kudos_recipients").await, 2);
    assert_eq!(chat.count("SELECT COUNT(*) FROM kudos_values").await, 2);
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM kudos WHERE source = 'command'")
            .await,
        1
    );

    assert_eq!(
        chat.post_notices().await,
        3,
        "the channel, and each recipient"
    );
    let channel = chat.kudos_channel();
    assert_eq!(channel.len(), 1, "{channel:?}");
    assert!(
        channel[0].text.contains("shipping the release on time"),
        "{channel:?}"
    );
    for n in [1, 2] {
        let dm = chat.last_dm(n);
        assert!(dm.text.contains("Person 0"), "{dm:?}");
        assert!(dm.text.contains("gave you kudos"), "{dm:?}");
    }

    let refusals = [
        (
            "@0 for being my own hero all week",
            "can't give kudos to yourself",
        ),
        (
            &format!("@{STRANGER} for helping with the migration"),
            "I don't know",
        ),
        ("@1", "at least 10 characters"),
        ("@1 thanks!", "at least 10 characters"),
        (
            "@1 for the fastest review ever #speed",
            "#speed is not a company value",
        ),
        (
            "for a review without anyone named",
            "Name who you're recognising",
        ),
    ];
    for (text, expected) in refusals {
        let said = chat.kudos(0, text).await.private();
        assert!(said.contains(expected), "{text}: {said}");
    }
    assert_eq!(standing(&chat).await, 1, "no bad input stored anything");

    chat.kudos_policy(&format!("require_value = true\n{VALUES}"))
        .await;
    let said = chat
        .kudos(0, "@1 for a thorough review of the RFC")
        .await
        .private();
    assert!(said.contains("Name the company value"), "{said}");
    assert!(said.contains("#ownership, #craft"), "{said}");
    assert_eq!(standing(&chat).await, 1);
    chat.check_platform().await;
}

/// With two kudos a day, giving two more people than are left is refused with how many are
/// left and when the allowance resets; `/kudos undo` takes the last one back within five
/// minutes (and it is never announced), not after.
pub(crate) async fn allowances_and_undo(transport: Transport) {
    let mut chat = start(transport, "give_limit = 2").await;
    let said = chat
        .kudos(0, "@1 for pairing on the flaky test")
        .await
        .private();
    assert!(said.contains("You can give 1 more today"), "{said}");

    let said = chat
        .kudos(0, "@1 @2 for the incident write-up")
        .await
        .private();
    assert!(said.contains("recognise 2 people"), "{said}");
    assert!(said.contains("you have 1 kudos left today"), "{said}");
    assert!(
        said.contains("Your allowance resets Tue 3 Mar at 00:00"),
        "{said}"
    );
    assert!(said.contains("Nothing was given"), "{said}");
    assert_eq!(standing(&chat).await, 1);

    let said = chat.kudos(0, "undo").await.private();
    assert!(
        said.starts_with("Taken back: your kudos to Person 1"),
        "{said}"
    );
    assert_eq!(standing(&chat).await, 0);
    assert_eq!(
        chat.post_notices().await,
        0,
        "a retracted kudos is never announced"
    );
    assert!(chat.kudos_channel().is_empty());
    let said = chat.kudos(0, "left").await.private();
    assert!(said.contains("You have 2 of 2 kudos left today"), "{said}");

    chat.kudos(0, "@2 for the calm incident command").await;
    chat.advance(Duration::minutes(6));
    let said = chat.kudos(0, "undo").await.private();
    assert!(
        said.contains("no kudos of yours from the last 5 minutes"),
        "{said}"
    );
    assert_eq!(standing(&chat).await, 1);
    chat.check_platform().await;
}

/// The kudos emoji on someone's message recognises them once, however often the platform
/// delivers it and whatever the skin tone; other emoji, one's own message and strangers give
/// nothing. *Give kudos for this* opens a form whose reason is checked before anything is
/// stored, and one giver recognises one message once, however they do it.
pub(crate) async fn reactions_and_the_shortcut(transport: Transport) {
    let mut chat = start(transport, "").await;
    let post = chat.post(1);
    let told = chat.react(0, &post, Emoji::Kudos).await;
    assert!(told.contains("Kudos to Person 1"), "{told}");
    let by_reaction =
        "SELECT COUNT(*) FROM kudos WHERE source = 'reaction' AND message_link IS NOT NULL";
    assert_eq!(chat.count(by_reaction).await, 1);

    chat.redeliver_reaction(0).await;
    chat.react_unanswered(0, &post, Emoji::KudosToned).await;
    chat.react_unanswered(0, &post, Emoji::Other).await;
    let mine = chat.post(0);
    chat.react_unanswered(0, &mine, Emoji::Kudos).await;
    chat.react_unanswered(STRANGER, &post, Emoji::Kudos).await;
    assert_eq!(standing(&chat).await, 1, "one kudos for one message");

    let form = chat.shortcut(2, &post).await.form();
    assert_eq!(form.fields, ["reason", "value", "visibility"]);
    assert_eq!(form.initial("visibility"), Some("public"));
    let short = [("reason", "thanks!"), ("visibility", "public")];
    let refused = chat.submit(2, &short).await.refused();
    assert!(refused.contains("at least 10 characters"), "{refused}");
    assert_eq!(standing(&chat).await, 1);

    chat.shortcut(2, &post).await.form();
    let answers = [
        ("reason", "for the clearest release notes we have had"),
        ("value", "craft"),
        ("visibility", "public"),
    ];
    let said = chat.submit(2, &answers).await.said();
    assert!(said.contains("Kudos to Person 1 for Craft"), "{said}");
    assert_eq!(
        chat.count("SELECT COUNT(*) FROM kudos WHERE source = 'shortcut'")
            .await,
        1
    );

    let said = chat.shortcut(0, &mine).await.private();
    assert!(said.contains("can't give kudos to yourself"), "{said}");
    chat.shortcut(0, &post).await.form();
    let answers = [
        ("reason", "for the release notes, once more"),
        ("visibility", "public"),
    ];
    let said = chat.submit(0, &answers).await.said();
    assert!(
        said.contains("gave Person 1 kudos for this already"),
        "{said}"
    );
    assert_eq!(standing(&chat).await, 2);
    chat.check_platform().await;
}

/// Leaderboards count public kudos for the period, everyone's or one team's; a private kudos
/// is told to its recipient and their manager only, and stays off the boards and the channel.
/// On Monday morning, last week's board is posted in the kudos channel.
pub(crate) async fn leaderboards_and_private_kudos(transport: Transport) {
    let mut chat = start(transport, "").await;
    chat.kudos(0, "@1 @2 for the smooth launch #ownership")
        .await
        .private();
    chat.kudos(1, "@2 for fixing the build on Friday #craft")
        .await
        .private();
    let said = chat
        .kudos(2, "private @1 for covering my on-call shift")
        .await
        .private();
    assert!(
        said.contains("Only they and their managers are told"),
        "{said}"
    );
    assert_eq!(chat.post_notices().await, 2 + 3 + 2);

    let channel = chat.kudos_channel();
    assert_eq!(channel.len(), 2, "{channel:?}");
    assert!(
        channel.iter().all(|m| !m.text.contains("on-call")),
        "{channel:?}"
    );
    assert!(chat.last_dm(1).text.contains("covering my on-call shift"));
    let manager = chat.last_dm(0);
    assert!(
        manager.text.contains("(your report) kudos, privately"),
        "{manager:?}"
    );

    let board = chat.kudos(0, "leaderboard week").await.private();
    assert!(board.contains("Kudos this week"), "{board}");
    assert!(
        board.contains("2 kudos; 2 of 4 people recognised"),
        "{board}"
    );
    assert!(board.contains("1. Person 2 (2)"), "{board}");
    assert!(board.contains("2. Person 1 (1)"), "{board}");
    assert!(
        board.contains("Ownership (1)") && board.contains("Craft (1)"),
        "{board}"
    );
    assert!(board.contains("Mobile: 1 of 1 recognised"), "{board}");

    let mobile = chat.kudos(1, "leaderboard month Mobile").await.private();
    assert!(mobile.contains("Kudos this month in Mobile"), "{mobile}");
    assert!(mobile.contains("1. Person 2 (2)"), "{mobile}");
    assert!(!mobile.contains("Person 1 ("), "{mobile}");
    let quarter = chat.kudos(2, "leaderboard quarter").await.private();
    assert!(quarter.contains("Kudos this quarter"), "{quarter}");
    let unknown = chat.kudos(0, "leaderboard week Nowhere").await.private();
    assert!(
        unknown.contains("There is no team called Nowhere"),
        "{unknown}"
    );

    // Monday 09:00 the week after: last week's board in the kudos channel, once.
    chat.advance(Duration::days(6) + Duration::hours(23));
    assert_eq!(chat.post_notices().await, 1);
    assert_eq!(chat.post_notices().await, 0);
    let channel = chat.kudos_channel();
    let weekly = &channel.last().unwrap().text;
    assert!(weekly.contains("Last week's kudos"), "{weekly}");
    assert!(weekly.contains("Kudos last week"), "{weekly}");
    assert!(weekly.contains("1. Person 2 (2)"), "{weekly}");
    chat.check_platform().await;
}
