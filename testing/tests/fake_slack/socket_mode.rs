//! Socket Mode, with a raw tokio-tungstenite client and with slack-morphism's own listener.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use rhythm_testing::slack::{FakeSlack, FakeUser, SocketError, payloads};
use serde_json::{Value, json};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::{Connector, app_token, assert_keys_within, bot_token, client, json_fixture};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(5);

/// `apps.connections.open` with the app token, through slack-morphism.
async fn socket_url(fake: &FakeSlack) -> String {
    let client = client(fake);
    let token = app_token();
    let opened = client
        .open_session(&token)
        .apps_connections_open(&SlackApiAppsConnectionOpenRequest::new())
        .await
        .unwrap();
    opened.url.0.to_string()
}

async fn connect(fake: &FakeSlack) -> (Socket, Value) {
    let (mut socket, _) = connect_async(socket_url(fake).await).await.unwrap();
    let hello = next_json(&mut socket).await;
    (socket, hello)
}

/// The next text frame, as JSON.
async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a frame in time");
        match frame {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(text.as_str()).unwrap(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_client_is_greeted_then_acks_an_envelope_with_a_payload() {
    let fake = FakeSlack::start().await;
    let (mut socket, hello) = connect(&fake).await;

    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["connection_info"]["app_id"], FakeSlack::APP_ID);
    assert_keys_within(
        &hello,
        &[&json_fixture("python-slack-sdk/socket_mode_hello.json")],
        "hello",
    );
    assert!(fake.wait_for_socket(WAIT).await);
    assert_eq!(fake.socket_connections(), 1);

    let command = payloads::slash_command("U1", "/checkin", "", &fake.new_trigger_id());
    let client_side = async {
        let envelope = next_json(&mut socket).await;
        let samples = json_fixture("python-slack-sdk/socket_mode_envelopes.json");
        let samples: Vec<&Value> = samples.as_array().unwrap().iter().collect();
        assert_keys_within(&envelope, &samples, "envelope");
        assert_eq!(envelope["type"], "slash_commands");
        assert_eq!(envelope["payload"]["command"], "/checkin");
        let ack = json!({"envelope_id": envelope["envelope_id"], "payload": {"text": "Check-in started"}});
        socket
            .send(Message::Text(ack.to_string().into()))
            .await
            .unwrap();
    };
    let (acked, ()) = tokio::join!(
        fake.send_envelope("slash_commands", command.clone(), true),
        client_side
    );
    assert_eq!(acked, Ok(Some(json!({"text": "Check-in started"}))));

    let envelope_id = fake.last_envelope_id().unwrap();
    let client_side = async {
        let retried = next_json(&mut socket).await;
        assert_eq!(
            retried["envelope_id"],
            envelope_id.as_str(),
            "a retry keeps the envelope id"
        );
        assert_eq!(
            (
                retried["retry_attempt"].clone(),
                retried["retry_reason"].clone()
            ),
            (json!(1), json!("timeout"))
        );
        let ack = json!({"envelope_id": retried["envelope_id"]});
        socket
            .send(Message::Text(ack.to_string().into()))
            .await
            .unwrap();
    };
    let resend = fake.send_envelope_with_id(&envelope_id, "slash_commands", command, true, 1);
    let (acked, ()) = tokio::join!(resend, client_side);
    assert_eq!(acked, Ok(None));
    assert_eq!(fake.acks().len(), 2);
}

#[tokio::test]
async fn refresh_requested_is_announced_then_the_socket_closes() {
    let fake = FakeSlack::start().await;
    let (mut socket, _) = connect(&fake).await;

    fake.disconnect("refresh_requested").unwrap();

    let disconnect = next_json(&mut socket).await;
    assert_eq!(disconnect["type"], "disconnect");
    assert_eq!(disconnect["reason"], "refresh_requested");
    assert_keys_within(
        &disconnect,
        &[&json_fixture(
            "python-slack-sdk/socket_mode_disconnect.json",
        )],
        "disconnect",
    );
    let after = tokio::time::timeout(WAIT, socket.next())
        .await
        .expect("the socket closes in time");
    assert!(
        matches!(after, Some(Ok(Message::Close(_))) | None),
        "{after:?}"
    );
    assert!(fake.wait_for_socket_count(0, WAIT).await);
}

#[tokio::test]
async fn a_warning_keeps_the_socket_open_and_a_dropped_socket_just_ends() {
    let fake = FakeSlack::start().await;
    let (mut socket, _) = connect(&fake).await;

    fake.disconnect("warning").unwrap();
    assert_eq!(next_json(&mut socket).await["reason"], "warning");
    assert_eq!(fake.socket_connections(), 1);
    assert_eq!(fake.peak_socket_connections(), 1);

    fake.drop_socket().unwrap();
    let after = tokio::time::timeout(WAIT, socket.next())
        .await
        .expect("the socket ends in time");
    assert!(
        !matches!(after, Some(Ok(Message::Close(_)))),
        "no close frame: {after:?}"
    );
    assert!(fake.wait_for_socket_count(0, WAIT).await);
    assert_eq!(
        fake.send_envelope("events_api", json!({}), false).await,
        Err(SocketError::NotConnected)
    );
}

#[tokio::test]
async fn an_unacked_envelope_is_sent_again_on_the_next_connection() {
    let fake = FakeSlack::start().await;
    let (mut first, _) = connect(&fake).await;
    let command = payloads::slash_command("U1", "/checkin", "", &fake.new_trigger_id());

    let client_side = async {
        let envelope = next_json(&mut first).await;
        assert_eq!(envelope["retry_attempt"], 0);
        fake.drop_socket().unwrap();
        assert!(fake.wait_for_socket_count(0, WAIT).await);
        let id = envelope["envelope_id"].as_str().unwrap();
        assert_eq!(fake.unacked_envelopes(), [id], "kept until acked");

        let (mut second, _) = connect(&fake).await;
        let again = next_json(&mut second).await;
        assert_eq!(again["envelope_id"], id, "the same envelope");
        assert_eq!(
            (
                again["retry_attempt"].clone(),
                again["retry_reason"].clone()
            ),
            (json!(1), json!("timeout"))
        );
        assert_eq!(again["payload"], envelope["payload"]);
        let ack = json!({"envelope_id": id, "payload": {"text": "late"}});
        second
            .send(Message::Text(ack.to_string().into()))
            .await
            .unwrap();
        second
    };
    let (acked, _second) = tokio::join!(
        fake.send_envelope("slash_commands", command, true),
        client_side
    );
    assert_eq!(acked, Ok(Some(json!({"text": "late"}))));
    assert!(fake.unacked_envelopes().is_empty());
    assert_eq!(fake.socket_connects(), 2);
}

#[tokio::test]
async fn a_connection_beyond_the_limit_is_told_too_many_websockets_and_closed() {
    let fake = FakeSlack::start().await;
    fake.limit_socket_connections(1);
    let (_first, _) = connect(&fake).await;

    let (mut second, _) = connect_async(socket_url(&fake).await).await.unwrap();
    let refused = next_json(&mut second).await;
    assert_eq!(refused["type"], "disconnect", "no hello");
    assert_eq!(refused["reason"], "too_many_websockets");
    assert_keys_within(
        &refused,
        &[&json_fixture(
            "python-slack-sdk/socket_mode_disconnect.json",
        )],
        "disconnect",
    );
    let after = tokio::time::timeout(WAIT, second.next())
        .await
        .expect("the socket closes in time");
    assert!(
        matches!(after, Some(Ok(Message::Close(_))) | None),
        "{after:?}"
    );
    assert_eq!(fake.socket_refusals(), 1);
    assert_eq!(fake.socket_connects(), 1);
    assert_eq!(fake.socket_connections(), 1);
    assert_eq!(fake.socket_arrivals().len(), 2);
}

#[tokio::test]
async fn a_ticket_works_once_and_needs_the_app_token() {
    let fake = FakeSlack::start().await;
    let url = socket_url(&fake).await;
    let (_socket, _) = connect_async(url.as_str()).await.unwrap();
    assert!(
        connect_async(url.as_str()).await.is_err(),
        "a used ticket is refused"
    );

    let client = client(&fake);
    let token = bot_token();
    let error = client
        .open_session(&token)
        .apps_connections_open(&SlackApiAppsConnectionOpenRequest::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, SlackClientError::ApiError(ref e) if e.code == "not_allowed_token_type"),
        "{error:?}"
    );
}

type Seen = mpsc::UnboundedSender<String>;

async fn seen(state: &SlackClientEventsUserState, what: String) {
    state
        .read()
        .await
        .get_user_state::<Seen>()
        .unwrap()
        .send(what)
        .unwrap();
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    seen(&state, format!("command {}", event.command.0)).await;
    Ok(SlackCommandEventResponse::new(
        SlackMessageContent::new().with_text(format!("got {}", event.command.0)),
    ))
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let what = match event {
        SlackInteractionEvent::BlockActions(clicked) => {
            format!("click {}", clicked.actions.unwrap()[0].action_id.0)
        }
        SlackInteractionEvent::ViewSubmission(submitted) => {
            let values = submitted.view.state_params.state.unwrap().values;
            format!(
                "submit {}",
                values[&SlackBlockId("mood".into())][&SlackActionId("choice".into())]
                    .selected_option
                    .as_ref()
                    .unwrap()
                    .value
            )
        }
        other => format!("other {other:?}"),
    };
    seen(&state, what).await;
    Ok(())
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    seen(&state, format!("event {}", event.event_id.0)).await;
    Ok(())
}

#[tokio::test]
async fn slack_morphisms_own_listener_reads_every_payload_the_fake_builds() {
    let fake = FakeSlack::start().await;
    fake.add_user(FakeUser::person("U1", "ana@example.com", "Ana Lima"));
    let (sender, mut seen) = mpsc::unbounded_channel::<String>();
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(Arc::new(client(&fake))).with_user_state(sender),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction)
        .with_push_events(on_push);
    let config = SlackClientSocketModeConfig::new().with_max_connections_count(1);
    let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
    listener.listen_for(&app_token()).await.unwrap();
    listener.start().await;
    assert!(fake.wait_for_socket(WAIT).await, "slack-morphism connects");

    let trigger = fake.new_trigger_id();
    let command = payloads::slash_command("U1", "/checkin", "now", &trigger);
    let acked = fake
        .send_envelope("slash_commands", command, true)
        .await
        .unwrap();
    assert_eq!(acked.unwrap()["text"], "got /checkin");

    let click = payloads::block_actions(
        "U1",
        "checkin:start",
        "42",
        "D1",
        "1700000000.000100",
        &trigger,
    );
    fake.send_envelope("interactive", click, true)
        .await
        .unwrap();
    let mood = payloads::ValueKind::RadioButtons {
        value: "good".into(),
        text: "Good".into(),
    };
    let submit = payloads::view_submission(
        "U1",
        "checkin",
        "occurrence:42",
        &[("mood", "choice", mood)],
    );
    fake.send_envelope("interactive", submit, true)
        .await
        .unwrap();
    let event = payloads::event_callback(
        "Ev1",
        payloads::dm_message("U1", "hello", "1700000000.000200"),
    );
    fake.send_envelope("events_api", event, false)
        .await
        .unwrap();

    let mut got = Vec::new();
    while got.len() < 4 {
        got.push(
            tokio::time::timeout(WAIT, seen.recv())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(
        got,
        [
            "command /checkin",
            "click checkin:start",
            "submit good",
            "event Ev1"
        ]
    );

    fake.disconnect("refresh_requested").unwrap();
    assert!(
        fake.wait_for_socket_connects(2, WAIT).await,
        "slack-morphism reconnects"
    );
    assert_eq!(
        fake.calls("apps.connections.open").len(),
        2,
        "with a fresh ticket"
    );
    let command = payloads::slash_command("U1", "/checkin", "again", &trigger);
    let acked = fake
        .send_envelope("slash_commands", command, true)
        .await
        .unwrap();
    assert_eq!(
        acked.unwrap()["text"],
        "got /checkin",
        "the new connection answers"
    );
    listener.shutdown().await;
}
