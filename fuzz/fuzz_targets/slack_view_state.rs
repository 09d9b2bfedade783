//! A `view_submission`'s state: [`render::view_answers`] on any JSON as `view.state.values`,
//! and the whole payload as the interactions route and Socket Mode read it
//! ([`inbound::interaction_form`], [`inbound::interaction`]).
//!
//! Invariants: nothing panics; every answer is a non-empty string keyed by a block id that
//! is in the state; a `view_submission` carries exactly the answers `view_answers` reads.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use rhythm_bot::slack::inbound::{self, Inbound};
use rhythm_bot::slack::render::view_answers;
use rhythm_domain::chat::Interaction;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    if let Ok(values) = serde_json::from_slice::<Value>(data) {
        let answers = view_answers(&values);
        for (block, answer) in &answers {
            assert!(!answer.is_empty(), "an empty answer for {block}");
            assert!(values.get(block).is_some(), "{block} is not in the state");
        }
        // The state inside a whole submission, as Slack sends it.
        let payload = json!({
            "type": "view_submission",
            "user": {"id": "U1"},
            "trigger_id": "1.2.3",
            "view": {"callback_id": "checkin:submit", "state": {"values": values}},
        });
        assert_eq!(submitted(&payload), Some(answers));
        // The input as a whole payload, and as the interactions route's form field.
        if let Ok(read) = inbound::interaction(&values) {
            assert!(read.key().is_some() || matches!(read, Inbound::Ignored(_)));
        }
    }
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &String::from_utf8_lossy(data))
        .finish();
    let _ = inbound::interaction_form(form.as_bytes());
});

/// The answers of a `view_submission`, as the handler gets them.
fn submitted(payload: &Value) -> Option<BTreeMap<String, String>> {
    match inbound::interaction(payload).ok()? {
        Inbound::Interaction {
            interaction: Interaction::Submitted { answers, .. },
            ..
        } => Some(answers),
        _ => None,
    }
}
