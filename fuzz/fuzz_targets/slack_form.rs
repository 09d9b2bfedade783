//! Slack's untrusted bodies, as the HTTP routes and the Socket Mode client read them:
//!
//! - `/slack/commands`: [`inbound::command_form`] (a form body);
//! - `/slack/interactions`: [`inbound::interaction_form`] (`payload=<JSON>`);
//! - `/slack/events`: [`inbound::event_body`] (raw JSON);
//! - a Socket Mode envelope: its `payload` dispatched on its `type` to [`inbound::event`],
//!   [`inbound::interaction`] or [`inbound::command_json`], as `socket::envelope_ack` does.
//!
//! Invariants: nothing panics; a command or an interaction always has its idempotency key;
//! a command read from a form reads the same once written back as a form.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rhythm_bot::slack::inbound::{self, Inbound};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(command) = inbound::command_form(data) {
        check(&command);
        round_trip(&command);
    }
    if let Ok(interaction) = inbound::interaction_form(data) {
        check(&interaction);
    }
    if let Ok(event) = inbound::event_body(data) {
        check(&event);
    }
    if let Ok(envelope) = serde_json::from_slice::<Value>(data) {
        socket_envelope(&envelope);
    }
});

/// What `socket::envelope_ack` does with an envelope before handing it to the handler.
fn socket_envelope(envelope: &Value) {
    let payload = &envelope["payload"];
    let read = match envelope["type"].as_str() {
        Some("events_api") => inbound::event(payload),
        Some("interactive") => inbound::interaction(payload),
        Some("slash_commands") => inbound::command_json(payload),
        other => Ok(Inbound::Ignored(format!("envelope {other:?}"))),
    };
    if let Ok(inbound) = read {
        check(&inbound);
    }
    // Every reader on the envelope itself, too: a payload is just another object.
    let reads = [
        inbound::event(envelope),
        inbound::interaction(envelope),
        inbound::command_json(envelope),
    ];
    for inbound in reads.iter().flatten() {
        check(inbound);
    }
}

/// Commands, interactions and events carry the key that makes handling them idempotent.
fn check(inbound: &Inbound) {
    let keyed = matches!(
        inbound,
        Inbound::Command { .. } | Inbound::Interaction { .. } | Inbound::Event { .. }
    );
    assert_eq!(inbound.key().is_some(), keyed, "{inbound:?}");
}

/// A command written back as a form body reads the same.
fn round_trip(command: &Inbound) {
    let Inbound::Command {
        user,
        command: name,
        text,
        trigger_id,
        channel,
    } = command
    else {
        panic!("command_form gave something else: {command:?}");
    };
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("user_id", user)
        .append_pair("command", name)
        .append_pair("text", text)
        .append_pair("trigger_id", trigger_id);
    if let Some(channel) = channel {
        form.append_pair("channel_id", channel);
    }
    let again = inbound::command_form(form.finish().as_bytes()).expect("a written-back command");
    assert_eq!(&again, command);
}
