//! The HTTP Events API over real HTTP on loopback: a signed command is answered, and forged,
//! stale, unsigned, oversized and malformed requests each get a clear answer and store
//! nothing.

use std::sync::Arc;

use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::http::{MAX_BODY_BYTES, SlackHttp, routes};
use rhythm_bot::slack::verify::Verifier;
use rhythm_domain::clock::Clock as _;
use rhythm_testing::TestDb;
use rhythm_testing::slack::{FakeSlack, payloads};

use crate::support::{org, uid};

struct Server {
    url: String,
    db: TestDb,
    now: i64,
    _slack: FakeSlack,
}

async fn server() -> Server {
    let slack = FakeSlack::start().await;
    let db = org(1, &slack).await;
    let clock = Arc::new(db.clock.clone());
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let handler = SlackHandler::new(api, db.store.clone(), clock.clone());
    let http = SlackHttp::new(handler, Verifier::new(FakeSlack::SIGNING_SECRET), clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, routes(Arc::new(http))).await });
    let now = db.clock.now().timestamp();
    Server {
        url,
        db,
        now,
        _slack: slack,
    }
}

impl Server {
    async fn post(
        &self,
        path: &str,
        body: &str,
        signed_at: Option<i64>,
        secret: &str,
    ) -> (u16, String) {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some(at) = signed_at {
            for (name, value) in payloads::signed_headers(secret, at, body.as_bytes()) {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn signed(&self, path: &str, body: &str) -> (u16, String) {
        self.post(path, body, Some(self.now), FakeSlack::SIGNING_SECRET)
            .await
    }

    async fn stored(&self) -> i64 {
        self.db.count("SELECT COUNT(*) FROM inbound_events").await
    }
}

fn command(text: &str, trigger: &str) -> String {
    payloads::slash_command_form(&uid(0), "/rhythm", text, trigger)
}

#[tokio::test]
async fn a_signed_command_is_answered_once_however_often_slack_retries_it() {
    let server = server().await;
    let body = command("timezone Asia/Tokyo", "1.2.3");
    let (status, reply) = server.signed("/slack/commands", &body).await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("\"response_type\":\"ephemeral\""), "{reply}");
    assert!(reply.contains("Asia/Tokyo"));
    let (status, _) = server.signed("/slack/commands", &body).await;
    assert_eq!(status, 200, "a retry is acknowledged");
    assert_eq!(server.stored().await, 1);
    assert_eq!(
        server
            .db
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.timezone'")
            .await,
        1,
        "and changes nothing twice"
    );
}

#[tokio::test]
async fn forged_stale_future_and_unsigned_requests_are_refused_and_change_nothing() {
    let server = server().await;
    let body = command("timezone Asia/Tokyo", "9.9.9");
    let cases = [
        (
            Some(server.now),
            "not-the-secret",
            "the signature does not match",
        ),
        (
            Some(server.now - 301),
            FakeSlack::SIGNING_SECRET,
            "301 s from now",
        ),
        (
            Some(server.now + 600),
            FakeSlack::SIGNING_SECRET,
            "600 s from now",
        ),
        (
            None,
            FakeSlack::SIGNING_SECRET,
            "missing the x-slack-request-timestamp header",
        ),
    ];
    for (at, secret, said) in cases {
        let (status, reply) = server.post("/slack/commands", &body, at, secret).await;
        assert_eq!(status, 401, "{said}");
        assert!(reply.contains(said), "{reply}");
    }
    let mutated = body.replace("Tokyo", "Seoul");
    let signed_original =
        payloads::signed_headers(FakeSlack::SIGNING_SECRET, server.now, body.as_bytes());
    let mut request = reqwest::Client::new()
        .post(format!("{}/slack/commands", server.url))
        .body(mutated);
    for (name, value) in signed_original {
        request = request.header(name, value);
    }
    assert_eq!(
        request.send().await.unwrap().status().as_u16(),
        401,
        "a mutated body"
    );
    assert_eq!(server.stored().await, 0);
    assert_eq!(
        server
            .db
            .count("SELECT COUNT(*) FROM people WHERE timezone = 'Asia/Tokyo'")
            .await,
        0
    );
}

#[tokio::test]
async fn oversized_and_malformed_bodies_get_a_clear_answer() {
    let server = server().await;
    let huge = "x".repeat(MAX_BODY_BYTES + 1);
    let (status, _) = server.signed("/slack/interactions", &huge).await;
    assert_eq!(status, 413);
    let (status, reply) = server
        .signed("/slack/interactions", "payload=%7Bnot+json")
        .await;
    assert_eq!(status, 400);
    assert!(reply.starts_with("the payload is not JSON"), "{reply}");
    let (status, reply) = server.signed("/slack/events", "{}").await;
    assert_eq!((status, reply.as_str()), (400, "an event needs a `type`\n"));
    assert_eq!(server.stored().await, 0);
}

#[tokio::test]
async fn the_events_url_check_is_answered_with_its_challenge() {
    let server = server().await;
    let body = r#"{"token":"t","challenge":"abc123","type":"url_verification"}"#;
    let (status, reply) = server.signed("/slack/events", body).await;
    assert_eq!((status, reply.as_str()), (200, "abc123"));
}
