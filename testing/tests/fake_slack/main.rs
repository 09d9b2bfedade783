//! The fake Slack, driven by the real slack-morphism client over 127.0.0.1, built the way
//! Rhythm builds it, and checked against payloads captured from Slack's own SDKs.

mod failures;
mod payloads;
mod socket_mode;
mod web_api;

use std::path::PathBuf;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use rhythm_testing::FakeSlack;
use serde_json::Value;
use slack_morphism::prelude::*;

type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// A slack-morphism client pointed at the fake: rustls (webpki roots, plain HTTP allowed
/// for 127.0.0.1) in slack-morphism's hyper connector, with the fake's API URL.
fn client(fake: &FakeSlack) -> SlackClient<Connector> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let connector =
        SlackClientHyperConnector::with_connector(https).with_slack_api_url(&fake.api_url());
    SlackClient::new(connector)
}

fn bot_token() -> SlackApiToken {
    SlackApiToken::new(FakeSlack::BOT_TOKEN.into())
}

fn app_token() -> SlackApiToken {
    SlackApiToken::new(FakeSlack::APP_TOKEN.into())
}

/// A fixture from `testing/fixtures/slack/`.
fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/slack")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

fn json_fixture(path: &str) -> Value {
    serde_json::from_str(&fixture(path)).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// Fails unless every key of `ours` is one of Slack's: the fake invents no fields.
fn assert_keys_within(ours: &Value, slacks: &[&Value], what: &str) {
    let known: Vec<&String> = slacks
        .iter()
        .filter_map(|v| v.as_object())
        .flat_map(|o| o.keys())
        .collect();
    let ours = ours
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object"));
    let invented: Vec<&String> = ours.keys().filter(|key| !known.contains(key)).collect();
    assert!(
        invented.is_empty(),
        "{what} has fields Slack never sends: {invented:?}"
    );
}
