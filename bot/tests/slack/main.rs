//! The Slack adapter against the fake Slack on 127.0.0.1 and a real database.

mod handler;
mod http;
mod messenger;
mod socket;
mod support;
