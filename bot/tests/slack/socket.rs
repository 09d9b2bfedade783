//! Socket Mode against the fake Slack: commands and presses arrive in envelopes and are acked
//! with their replies; Slack's disconnect is obeyed by reconnecting.

use std::sync::Arc;
use std::time::Duration;

use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::socket;
use rhythm_testing::slack::{FakeSlack, payloads};
use tokio_util::sync::CancellationToken;

use crate::support::{org, uid};

#[tokio::test]
async fn commands_arrive_in_envelopes_and_a_refresh_reconnects() {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let handler = SlackHandler::new(api.clone(), db.store.clone(), Arc::new(db.clock.clone()));
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(socket::run(
        api,
        FakeSlack::APP_TOKEN.to_owned(),
        handler,
        shutdown.clone(),
    ));
    assert!(slack.wait_for_socket(Duration::from_secs(5)).await);

    let command = payloads::slash_command(&uid(0), "/rhythm", "timezone Asia/Tokyo", "7.7.7");
    let ack = slack
        .send_envelope("slash_commands", command.clone(), true)
        .await
        .unwrap()
        .expect("the reply rides on the ack");
    assert_eq!(ack["response_type"], "ephemeral");
    assert!(ack["text"].as_str().unwrap().contains("Asia/Tokyo"));

    let id = slack.last_envelope_id().unwrap();
    slack
        .send_envelope_with_id(&id, "slash_commands", command, true, 1)
        .await
        .unwrap();
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.timezone'")
            .await,
        1,
        "a resent envelope changes nothing twice"
    );

    slack.disconnect("refresh_requested").unwrap();
    assert!(
        slack
            .wait_for_socket_connects(2, Duration::from_secs(10))
            .await,
        "reconnected after refresh_requested"
    );
    let help = payloads::slash_command(&uid(0), "/rhythm", "help", "8.8.8");
    let ack = slack
        .send_envelope("slash_commands", help, true)
        .await
        .unwrap();
    assert!(ack.unwrap()["text"].as_str().unwrap().contains("/checkin"));

    shutdown.cancel();
    running.await.unwrap();
}
