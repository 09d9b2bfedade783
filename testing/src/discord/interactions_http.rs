//! Interactions over HTTP: Discord POSTs each interaction to the bot's endpoint, signed
//! with the application's Ed25519 key, and takes the answer as the interaction's callback.

use std::time::Instant;

use serde_json::Value;

use super::FakeDiscord;
use super::http_client;
use super::interactions::{self, apply_callback};
use super::payloads::signed_headers;
use super::{routes, spec};

impl FakeDiscord {
    /// Registers the interaction, signs `payload` (`X-Signature-Ed25519` over
    /// `timestamp + body`, `X-Signature-Timestamp` = now in Unix seconds) and POSTs it to
    /// the bot's `url`, as Discord does. Returns the status and the JSON answer (`Null` when
    /// empty, a string when not JSON). A 200 answer is taken as the interaction's callback
    /// (with the same rules as `POST …/callback`: one, within the window), as Discord does.
    ///
    /// Panics when the bot cannot be reached or does not answer within ten seconds: the
    /// test cannot go on.
    pub async fn post_interaction(&self, url: &str, payload: &Value) -> (u16, Value) {
        let id = interactions::register(&mut self.state(), payload, Instant::now());
        let body = payload.to_string();
        let timestamp = chrono::Utc::now().timestamp();
        let mut headers = vec![("Content-Type", "application/json".to_owned())];
        headers.extend(signed_headers(timestamp, body.as_bytes()));
        headers.push((
            "User-Agent",
            "Discord-Interactions/1.0 (+https://discord.com)".to_owned(),
        ));
        let answer = http_client::post(url, &headers, body.as_bytes())
            .await
            .unwrap_or_else(|error| panic!("posting an interaction to {url}: {error:#}"));
        let json = if answer.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&answer.body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&answer.body).into_owned())
            })
        };
        if answer.status == 200 && json.is_object() {
            let mut state = self.state();
            let violations = spec::check_request(routes::CALLBACK, &json);
            state.spec_violations.extend(violations);
            // A refused answer (late, or not a callback type for this interaction) is one
            // Discord drops too: the person sees "This interaction failed".
            let _ = apply_callback(&mut state, &id, &json, Instant::now());
        }
        (answer.status, json)
    }
}
