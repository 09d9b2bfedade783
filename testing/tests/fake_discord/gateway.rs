//! The gateway, driven by a tokio-tungstenite client the way a bot's gateway client drives
//! Discord's: HELLO, IDENTIFY, READY, heartbeats, dispatches, RECONNECT and RESUME.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use rhythm_testing::discord::{FakeDiscord, GatewayError, payloads};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{ANA, fake_with_people, json_fixture};

/// How long any single step may take before the test fails.
const WAIT: Duration = Duration::from_secs(5);

/// A gateway connection, as a bot's client holds it.
struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What came next on a connection.
#[derive(Debug, PartialEq)]
enum Next {
    Frame(Value),
    Closed(Option<u16>),
    /// Cut without a close frame.
    Dropped,
}

impl Client {
    async fn connect(fake: &FakeDiscord) -> Self {
        Self::connect_to(&format!("{}?v=10&encoding=json", fake.gateway_url())).await
    }

    async fn connect_to(url: &str) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connecting");
        Self { ws }
    }

    async fn send(&mut self, payload: &Value) {
        self.ws
            .send(Message::Text(payload.to_string().into()))
            .await
            .expect("sending on the gateway");
    }

    async fn next(&mut self) -> Next {
        loop {
            let next = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("nothing came");
            return match next {
                Some(Ok(Message::Text(text))) => Next::Frame(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(frame))) => Next::Closed(frame.map(|f| u16::from(f.code))),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => Next::Dropped,
            };
        }
    }

    async fn frame(&mut self) -> Value {
        match self.next().await {
            Next::Frame(frame) => frame,
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    /// Reads HELLO and returns its heartbeat interval.
    async fn hello(&mut self) -> u64 {
        let hello = self.frame().await;
        assert_eq!(hello["op"], 10, "{hello}");
        hello["d"]["heartbeat_interval"].as_u64().unwrap()
    }

    /// IDENTIFY with `token`, shaped like the docs' example.
    async fn send_identify(&mut self, token: &str) {
        let mut identify = json_fixture("discord-api-docs/gateway/identify.json");
        identify["d"]["token"] = json!(token);
        self.send(&identify).await;
    }

    /// HELLO, IDENTIFY with `token`; returns what came next.
    async fn identify_with(&mut self, token: &str) -> Next {
        self.hello().await;
        self.send_identify(token).await;
        self.next().await
    }

    /// HELLO, IDENTIFY, READY; returns READY's frame.
    async fn identify(&mut self) -> Value {
        match self.identify_with(FakeDiscord::BOT_TOKEN).await {
            Next::Frame(ready) => ready,
            other => panic!("expected READY, got {other:?}"),
        }
    }

    /// HELLO, then RESUME shaped like the docs' example.
    async fn resume(&mut self, session_id: &str, seq: u64) {
        self.hello().await;
        let mut resume = json_fixture("discord-api-docs/gateway/resume.json");
        resume["d"] =
            json!({"token": FakeDiscord::BOT_TOKEN, "session_id": session_id, "seq": seq});
        self.send(&resume).await;
    }

    async fn close(mut self, code: u16) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: "".into(),
        };
        self.ws.close(Some(frame)).await.expect("closing");
    }
}

#[tokio::test]
async fn hello_identify_ready() {
    let fake = FakeDiscord::start().await;
    fake.set_heartbeat_interval(Duration::from_millis(250));
    let mut client = Client::connect(&fake).await;

    let hello = client.frame().await;
    let documented = json_fixture("discord-api-docs/gateway/hello.json");
    assert_eq!(hello["op"], documented["op"]);
    assert_eq!(hello["d"]["heartbeat_interval"], 250);
    client.send_identify(FakeDiscord::BOT_TOKEN).await;
    let ready = client.frame().await;

    assert_eq!(
        (ready["op"].clone(), ready["t"].clone(), ready["s"].clone()),
        (json!(0), json!("READY"), json!(1))
    );
    let d = &ready["d"];
    assert_eq!(d["v"], 10);
    assert_eq!(d["user"]["id"], FakeDiscord::BOT_USER_ID);
    assert_eq!(d["guilds"], json!([]));
    assert_eq!(d["resume_gateway_url"], fake.gateway_url());
    assert_eq!(d["shard"], json!([0, 1]));
    assert_eq!(d["application"]["id"], FakeDiscord::APPLICATION_ID);
    assert!(d["application"]["flags"].is_u64());
    assert_eq!(d["session_id"].as_str(), fake.session_id().as_deref());
    assert!(fake.wait_for_ready(WAIT).await);
    assert_eq!((fake.identifies(), fake.gateway_connections()), (1, 1));
    assert_eq!(fake.gateway_urls(), ["/gateway?v=10&encoding=json"]);
    assert_eq!(fake.gateway_received()[0]["op"], 2);
}

#[tokio::test]
async fn heartbeats_are_acked_until_told_not_to_and_can_be_asked_for() {
    let fake = FakeDiscord::start().await;
    let mut client = Client::connect(&fake).await;
    client.identify().await;

    client.send(&json!({"op": 1, "d": 1})).await;
    assert_eq!(
        client.frame().await,
        json!({"op": 11, "d": null, "s": null, "t": null})
    );

    fake.stop_acking_heartbeats(true);
    client.send(&json!({"op": 1, "d": 1})).await;
    assert!(fake.wait_for_heartbeats(2, WAIT).await);
    let seq = fake.dispatch("TYPING_START", json!({"channel_id": "1"}));
    let next = client.frame().await;
    assert_eq!(
        (next["op"].clone(), next["s"].clone()),
        (json!(0), json!(seq)),
        "no ACK came first"
    );

    fake.request_heartbeat().unwrap();
    assert_eq!(client.frame().await["op"], 1);
    assert_eq!(fake.heartbeats(), 2);
}

#[tokio::test]
async fn dispatches_are_numbered_after_ready() {
    let fake = fake_with_people().await;
    let mut client = Client::connect(&fake).await;
    client.identify().await;

    let command = payloads::slash_command(ANA, "checkin", None);
    let id = fake.dispatch_interaction(command.clone());
    let seq = fake.dispatch("MESSAGE_CREATE", json!({"id": "1", "content": "hi"}));

    let interaction = client.frame().await;
    assert_eq!(interaction["t"], "INTERACTION_CREATE");
    assert_eq!(interaction["s"], 2);
    assert_eq!(interaction["d"], command);
    assert_eq!(id, command["id"].as_str().unwrap());
    let message = client.frame().await;
    assert_eq!(
        (message["t"].clone(), message["s"].clone()),
        (json!("MESSAGE_CREATE"), json!(seq))
    );
    assert_eq!(seq, 3);
}

#[tokio::test]
async fn a_dispatch_before_any_session_comes_after_ready() {
    let fake = FakeDiscord::start().await;
    assert_eq!(
        fake.dispatch("GUILD_CREATE", json!({"id": FakeDiscord::GUILD_ID})),
        0
    );
    assert_eq!(fake.send_reconnect(), Err(GatewayError::NotConnected));

    let mut client = Client::connect(&fake).await;
    client.identify().await;

    let held = client.frame().await;
    assert_eq!(
        (held["t"].clone(), held["s"].clone()),
        (json!("GUILD_CREATE"), json!(2))
    );
}

#[tokio::test]
async fn a_reconnect_and_resume_replays_what_was_missed_then_says_resumed() {
    let fake = FakeDiscord::start().await;
    let mut client = Client::connect(&fake).await;
    let ready = client.identify().await;
    let session_id = ready["d"]["session_id"].as_str().unwrap().to_owned();

    fake.send_reconnect().unwrap();
    assert_eq!(
        client.frame().await,
        json!({"op": 7, "d": null, "s": null, "t": null})
    );
    client.close(4000).await;
    assert!(fake.wait_for_gateway_connections(0, WAIT).await);
    assert_eq!(fake.dispatch("MESSAGE_CREATE", json!({"n": 1})), 2);
    assert_eq!(fake.dispatch("MESSAGE_CREATE", json!({"n": 2})), 3);

    let mut resumed = Client::connect_to(ready["d"]["resume_gateway_url"].as_str().unwrap()).await;
    resumed.resume(&session_id, 1).await;

    let replayed: Vec<(Value, Value)> = [
        resumed.frame().await,
        resumed.frame().await,
        resumed.frame().await,
    ]
    .iter()
    .map(|frame| (frame["t"].clone(), frame["s"].clone()))
    .collect();
    assert_eq!(
        replayed,
        [
            (json!("MESSAGE_CREATE"), json!(2)),
            (json!("MESSAGE_CREATE"), json!(3)),
            (json!("RESUMED"), json!(4)),
        ]
    );
    assert!(fake.wait_for_resumes(1, WAIT).await);
    assert!(fake.wait_for_ready(WAIT).await);
    assert_eq!((fake.identifies(), fake.gateway_connects()), (1, 2));
    assert_eq!(fake.gateway_client_closes(), [Some(4000)]);
    assert_eq!(fake.dispatch("MESSAGE_CREATE", json!({"n": 3})), 5);
    assert_eq!(resumed.frame().await["s"], 5);
}

#[tokio::test]
async fn a_session_ended_by_the_fake_or_a_1000_close_cannot_be_resumed() {
    let fake = FakeDiscord::start().await;
    let mut client = Client::connect(&fake).await;
    let ready = client.identify().await;
    let session_id = ready["d"]["session_id"].as_str().unwrap().to_owned();
    fake.send_invalid_session(false).unwrap();
    assert_eq!(
        client.frame().await,
        json!({"op": 9, "d": false, "s": null, "t": null})
    );

    let mut again = Client::connect(&fake).await;
    again.resume(&session_id, 1).await;
    assert_eq!(again.frame().await["op"], 9);

    again.send_identify(FakeDiscord::BOT_TOKEN).await;
    let ready = again.frame().await;
    assert_eq!(ready["t"], "READY");
    let second_session = ready["d"]["session_id"].as_str().unwrap().to_owned();
    again.close(1000).await;
    assert!(fake.wait_for_gateway_connections(1, WAIT).await);
    let mut third = Client::connect(&fake).await;
    third.resume(&second_session, 1).await;
    assert_eq!(
        third.frame().await,
        json!({"op": 9, "d": false, "s": null, "t": null})
    );
}

#[tokio::test]
async fn a_wrong_token_is_closed_with_4004() {
    let fake = FakeDiscord::start().await;
    let mut client = Client::connect(&fake).await;

    let next = client.identify_with("not-the-token").await;

    assert_eq!(next, Next::Closed(Some(4004)));
    assert!(fake.wait_for_gateway_connections(0, WAIT).await);
    assert!(!fake.wait_for_ready(Duration::ZERO).await);
    assert_eq!(fake.identifies(), 1);
}

#[tokio::test]
async fn a_dropped_connection_can_be_resumed_and_4009_cannot() {
    let fake = FakeDiscord::start().await;
    let mut client = Client::connect(&fake).await;
    let session_id = client.identify().await["d"]["session_id"]
        .as_str()
        .unwrap()
        .to_owned();

    fake.drop_gateway().unwrap();
    assert_eq!(client.next().await, Next::Dropped);
    assert!(fake.wait_for_gateway_connections(0, WAIT).await);
    let mut resumed = Client::connect(&fake).await;
    resumed.resume(&session_id, 1).await;
    assert_eq!(resumed.frame().await["t"], "RESUMED");

    fake.close_gateway(4009).unwrap();
    assert_eq!(resumed.next().await, Next::Closed(Some(4009)));
    let mut late = Client::connect(&fake).await;
    late.resume(&session_id, 2).await;
    assert_eq!(late.frame().await["op"], 9, "4009: start a new session");
}

#[tokio::test]
async fn protocol_mistakes_get_discords_close_codes() {
    let fake = FakeDiscord::start().await;
    let cases: [(&str, Value, u16); 3] = [
        (
            "not authenticated",
            json!({"op": 3, "d": {"status": "online"}}),
            4003,
        ),
        ("unknown opcode", json!({"op": 99, "d": null}), 4001),
        ("decode error", json!("{not json"), 4002),
    ];
    for (what, payload, code) in cases {
        let mut client = Client::connect(&fake).await;
        client.hello().await;
        match payload.as_str() {
            Some(text) => client.ws.send(Message::Text(text.into())).await.unwrap(),
            None => client.send(&payload).await,
        }
        assert_eq!(client.next().await, Next::Closed(Some(code)), "{what}");
    }

    let mut twice = Client::connect(&fake).await;
    twice.identify().await;
    twice.send_identify(FakeDiscord::BOT_TOKEN).await;
    assert_eq!(twice.next().await, Next::Closed(Some(4005)));

    let mut ahead = Client::connect(&fake).await;
    let session_id = fake.session_id().unwrap();
    ahead.resume(&session_id, 99).await;
    assert_eq!(ahead.next().await, Next::Closed(Some(4007)));

    let mut old = Client::connect_to(&format!("{}?v=9&encoding=json", fake.gateway_url())).await;
    old.hello().await;
    assert_eq!(old.next().await, Next::Closed(Some(4012)));
}
