//! The fake Discord, driven over 127.0.0.1 with reqwest (REST, as serenity's `Request`s
//! send it: `Authorization: Bot …`, JSON bodies) and tokio-tungstenite (the gateway), and
//! checked against Discord's own OpenAPI spec and documented payloads.

mod commands;
mod failures;
mod gateway;
mod interactions;
mod interactions_http;
mod limits;
mod payloads;
mod rest;
mod spec;

use std::path::PathBuf;

use reqwest::Method;
use reqwest::header::HeaderMap;
use rhythm_testing::discord::{FakeDiscord, FakeDiscordUser};
use serde_json::Value;

/// Ana, a person the bot can DM.
const ANA: &str = "80351110224678912";
/// Ben, another.
const BEN: &str = "80351110224678913";

async fn fake_with_people() -> FakeDiscord {
    let fake = FakeDiscord::start().await;
    fake.add_user(FakeDiscordUser::new(ANA, "ana.lima", "Ana Lima"));
    fake.add_user(FakeDiscordUser::new(BEN, "ben", "Ben Okafor"));
    fake
}

/// A REST client that sends what serenity sends: the bot token, JSON bodies, its user agent.
struct Api {
    http: reqwest::Client,
    base: String,
}

/// An answer: status, headers, and the body as JSON (`Null` when empty, a string when not JSON).
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header in {self:?}"))
    }
}

impl Api {
    fn new(fake: &FakeDiscord) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: format!("{}/api/v10", fake.api_url()),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, body: Option<&Value>) -> Answer {
        let request = match body {
            Some(body) => request
                .header("Content-Type", "application/json")
                .body(body.to_string()),
            None => request,
        };
        let response = request.send().await.expect("the fake answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("reading the answer");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// A call with the bot token.
    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bot {}", FakeDiscord::BOT_TOKEN))
            .header(
                "User-Agent",
                "DiscordBot (https://github.com/serenity-rs/serenity, 0.12.5)",
            );
        self.send(request, body).await
    }

    /// A call without any `Authorization` header.
    async fn anonymous(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let request = self.http.request(method, format!("{}{path}", self.base));
        self.send(request, body).await
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn patch(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// Opens the DM with `user_id` and returns its channel id.
    async fn open_dm(&self, user_id: &str) -> String {
        let answer = self
            .post(
                "/users/@me/channels",
                &serde_json::json!({"recipient_id": user_id}),
            )
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.body["id"].as_str().unwrap().to_owned()
    }

    /// Sends `body` to `channel_id` and returns the answer.
    async fn send_message(&self, channel_id: &str, body: &Value) -> Answer {
        self.post(&format!("/channels/{channel_id}/messages"), body)
            .await
    }
}

/// A fixture from `testing/fixtures/discord/`.
fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/discord")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

/// A JSON fixture; `.jsonc` fragments lose their comments, their
/// `...additionalInteractionFields` line and their trailing commas first.
fn json_fixture(path: &str) -> Value {
    let text = fixture(path);
    let text = if path.ends_with(".jsonc") {
        strip_jsonc(&text)
    } else {
        text
    };
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

fn strip_jsonc(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("..."))
        .map(|line| line.split(" //").next().unwrap_or(line))
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    let joined = lines.join("\n");
    // Trailing commas: a comma followed (after blanks) by a closing bracket.
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

/// Fails unless every key of `ours` is one Discord sends (in `discords`) or one of `added`
/// (fields Discord sends today that the documented examples lack).
fn assert_keys_within(ours: &Value, discords: &[&Value], added: &[&str], what: &str) {
    let known: Vec<&str> = discords
        .iter()
        .filter_map(|value| value.as_object())
        .flat_map(|object| object.keys().map(String::as_str))
        .chain(added.iter().copied())
        .collect();
    let ours = ours
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object"));
    let invented: Vec<&String> = ours
        .keys()
        .filter(|key| !known.contains(&key.as_str()))
        .collect();
    assert!(
        invented.is_empty(),
        "{what} has fields Discord never sends: {invented:?}"
    );
}

#[test]
fn jsonc_fragments_parse_once_stripped() {
    let button =
        json_fixture("discord-api-docs/interaction_message_component_button.fragment.jsonc");
    assert_eq!(button["data"]["custom_id"], "click_me");
    assert_eq!(button["type"], 3);
}
