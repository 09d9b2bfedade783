//! A person answers in Slack: presses *Start*, fills the modal (wrongly, then rightly), and
//! the prompt turns into "Checked in ✓"; commands answer privately; repeats do nothing.

use std::sync::Arc;
use std::time::Duration;

use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::{Ack, SlackHandler};
use rhythm_bot::slack::inbound::{self, Inbound};
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::slack::payloads::{self, ValueKind};
use rhythm_testing::slack::{Failure, FakeSlack};

use crate::support::{dispatcher, find_button, org, uid};

fn handler(db: &TestDb, slack: &FakeSlack) -> SlackHandler<Store> {
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    SlackHandler::new(api, db.store.clone(), Arc::new(db.clock.clone()))
}

fn text(kind: &str) -> ValueKind {
    ValueKind::PlainText(kind.to_owned())
}

/// Handles `inbound` and waits for the Web API calls made after the ack.
async fn handle(handler: &SlackHandler<Store>, inbound: Inbound) -> Ack {
    let ack = handler.handle(inbound).await.unwrap();
    handler.settle().await;
    ack
}

#[tokio::test]
async fn start_fill_in_wrongly_then_rightly_and_the_prompt_says_checked_in() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    dispatcher(&db, &slack).run_due().await.unwrap();
    let handler = handler(&db, &slack);
    let ana = uid(0);
    let prompt = slack.messages_to(&ana).remove(0);
    let blocks = serde_json::to_value(&prompt.blocks).unwrap();
    let start = find_button(&blocks, "checkin:start");

    let press = payloads::block_actions(
        &ana,
        "checkin:start",
        &start,
        &prompt.channel,
        &prompt.ts,
        &slack.new_trigger_id(),
    );
    assert_eq!(
        handle(&handler, inbound::interaction(&press).unwrap()).await,
        Ack::Empty
    );
    let view = slack.views_opened().remove(0);
    assert_eq!(view["callback_id"], "checkin:submit");

    let wrong = payloads::submission_of(&view, &ana, &[("done", "done", text("Shipped"))]);
    let Ack::Json(errors) = handle(&handler, inbound::interaction(&wrong).unwrap()).await else {
        panic!("missing answers are shown in the modal");
    };
    assert_eq!(errors["response_action"], "errors");
    assert!(errors["errors"]["next"].is_string(), "{errors}");

    let right = payloads::submission_of(
        &view,
        &ana,
        &[
            (
                "mood",
                "mood",
                ValueKind::StaticSelect {
                    value: "4".into(),
                    text: "4 · Good".into(),
                },
            ),
            ("done", "done", text("Shipped the release")),
            ("next", "next", text("Docs")),
        ],
    );
    let inbound = inbound::interaction(&right).unwrap();
    assert_eq!(
        handle(&handler, inbound.clone()).await,
        Ack::Empty,
        "the modal closes"
    );
    let updated = slack.messages_to(&ana).remove(0);
    assert!(updated.text.contains("Checked in"), "{}", updated.text);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM checkins WHERE status = 'submitted'")
            .await,
        1
    );

    let updates = slack.calls("chat.update").len();
    assert_eq!(handle(&handler, inbound).await, Ack::Empty);
    assert_eq!(
        slack.calls("chat.update").len(),
        updates,
        "a retried submission changes nothing twice"
    );
}

#[tokio::test]
async fn commands_answer_privately_and_strangers_are_told_what_to_do() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let handler = handler(&db, &slack);
    let command = |user: &str, text: &str| {
        let form = payloads::slash_command_form(user, "/rhythm", text, &slack.new_trigger_id());
        inbound::command_form(form.as_bytes()).unwrap()
    };
    let Ack::Json(reply) = handle(&handler, command(&uid(0), "timezone Mars/Base")).await else {
        panic!("an ephemeral reply");
    };
    assert_eq!(reply["response_type"], "ephemeral");
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .starts_with("`Mars/Base` is not a time zone I know")
    );
    let Ack::Json(reply) = handle(&handler, command(&uid(0), "timezone Asia/Tokyo")).await else {
        panic!("an ephemeral reply");
    };
    assert!(reply["text"].as_str().unwrap().contains("Asia/Tokyo"));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM people WHERE timezone = 'Asia/Tokyo'")
            .await,
        1
    );
    let Ack::Json(reply) = handle(&handler, command("U99999999", "help")).await else {
        panic!("an ephemeral reply");
    };
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .starts_with("I don't know this Slack account yet")
    );
}

#[tokio::test]
async fn the_ack_does_not_wait_for_slack_and_a_form_that_would_not_open_is_explained() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let handler = handler(&db, &slack);
    let ana = uid(0);
    slack.delay_next("views.open", 1, Duration::from_secs(2));
    slack.fail_next("views.open", 1, Failure::Slack("internal_error"));
    let form = payloads::slash_command_form(&ana, "/checkin", "", &slack.new_trigger_id());

    let acked = tokio::time::timeout(
        Duration::from_millis(1_500),
        handler.handle(inbound::command_form(form.as_bytes()).unwrap()),
    )
    .await
    .expect("acked before Slack answers views.open");
    assert_eq!(acked.unwrap(), Ack::Empty);
    assert!(
        slack.ephemerals_to(&ana).is_empty(),
        "not known to fail yet"
    );

    handler.settle().await;
    assert_eq!(slack.calls("views.open").len(), 1);
    let sorry = slack.ephemerals_to(&ana);
    assert_eq!(sorry.len(), 1, "{sorry:?}");
    assert!(
        sorry[0].text.contains("could not open the form"),
        "{}",
        sorry[0].text
    );
}
