//! Interactions POSTed to a bot's HTTP endpoint: signed with the application's key, the
//! answer taken as the callback.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use rhythm_testing::discord::{FakeDiscord, dm_channel_id, payloads};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde_json::{Value, json};

use super::{ANA, fake_with_people};

/// A bot's HTTP interactions endpoint: checks the signature with the application's public
/// key, answers PING with PONG and anything else with a message.
async fn bot_endpoint() -> String {
    async fn interactions(headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let signature: Vec<u8> = (0..header("x-signature-ed25519").len() / 2)
            .filter_map(|i| {
                u8::from_str_radix(&header("x-signature-ed25519")[2 * i..2 * i + 2], 16).ok()
            })
            .collect();
        let key: Vec<u8> = (0..32)
            .map(|i| {
                u8::from_str_radix(&FakeDiscord::PUBLIC_KEY_HEX[2 * i..2 * i + 2], 16).unwrap()
            })
            .collect();
        let mut signed = header("x-signature-timestamp").as_bytes().to_vec();
        signed.extend_from_slice(&body);
        if UnparsedPublicKey::new(&ED25519, &key)
            .verify(&signed, &signature)
            .is_err()
        {
            return (
                StatusCode::UNAUTHORIZED,
                "invalid request signature".to_owned(),
            );
        }
        let payload: Value = serde_json::from_slice(&body).unwrap();
        let answer = if payload["type"] == 1 {
            json!({"type": 1})
        } else {
            json!({"type": 4, "data": {"content": "Got it"}})
        };
        (StatusCode::OK, answer.to_string())
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/discord/interactions",
        listener.local_addr().unwrap()
    );
    let app = Router::new().route("/discord/interactions", post(interactions));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn interactions_posted_over_http_are_signed_and_their_answers_taken_as_callbacks() {
    let fake = fake_with_people().await;
    let url = bot_endpoint().await;
    let ping = payloads::ping();
    let command = payloads::slash_command(ANA, "checkin", None);

    let (status, pong) = fake.post_interaction(&url, &ping).await;
    let (command_status, answer) = fake.post_interaction(&url, &command).await;

    assert_eq!(
        (status, pong.clone()),
        (200, json!({"type": 1})),
        "the signature verified"
    );
    assert_eq!(fake.callbacks(ping["id"].as_str().unwrap()), vec![pong]);
    assert_eq!(command_status, 200);
    assert_eq!(
        fake.callbacks(command["id"].as_str().unwrap()),
        vec![answer]
    );
    assert_eq!(
        fake.messages_in(&dm_channel_id(ANA))[0]["content"],
        "Got it"
    );
    fake.set_callback_window(Duration::ZERO);
    let late = payloads::slash_command(ANA, "kudos", None);
    let (late_status, _) = fake.post_interaction(&url, &late).await;
    assert_eq!(late_status, 200);
    assert!(
        fake.callbacks(late["id"].as_str().unwrap()).is_empty(),
        "Discord drops an answer that comes after the window"
    );
}
