//! The Slack adapter against the fake Slack on 127.0.0.1 and a real database.

mod digests;
mod handler;
mod http;
mod messenger;
#[path = "../common/org.rs"]
mod org;
mod socket;
mod support;
