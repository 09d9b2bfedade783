//! Discord interactions as both transports read them: the interactions endpoint's body
//! ([`inbound::interaction_body`]) and a gateway text frame whose `INTERACTION_CREATE`
//! dispatch hands its `d` to [`inbound::interaction`]. Also the `custom_id` a button or a
//! modal sends back ([`render::parse_custom_id`]).
//!
//! Invariants: nothing panics; a command or an interaction always has its idempotency key
//! (the interaction id); a custom id Rhythm writes reads back as what it wrote.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rhythm_bot::discord::inbound::{self, Inbound};
use rhythm_bot::discord::render::{MAX_CUSTOM_ID, custom_id, parse_custom_id};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = inbound::interaction_body(data) {
        check(&read);
    }
    if let Ok(frame) = serde_json::from_slice::<Value>(data) {
        // What the gateway connection and `discord::connection` do with a dispatch.
        if frame["op"].as_u64() == Some(0)
            && frame["t"].as_str() == Some("INTERACTION_CREATE")
            && let Ok(read) = inbound::interaction(&frame["d"])
        {
            check(&read);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        custom_ids(text);
    }
});

/// Commands and interactions are keyed by their interaction id.
fn check(read: &Inbound) {
    let keyed = matches!(read, Inbound::Command { .. } | Inbound::Interaction { .. });
    assert_eq!(read.key().is_some(), keyed, "{read:?}");
}

/// Any text as a custom id reads without panicking; one Rhythm writes (an action without
/// `|` or a `#N` suffix, within the length limit) reads back as its action and value.
fn custom_ids(text: &str) {
    let _ = parse_custom_id(text);
    let (action, value) = text.split_once('\n').unwrap_or((text, ""));
    let plain_action = !action.contains('|') && parse_custom_id(action).0 == action;
    if plain_action && action.chars().count() + value.chars().count() < MAX_CUSTOM_ID {
        assert_eq!(parse_custom_id(&custom_id(action, value)), (action, value));
    }
}
