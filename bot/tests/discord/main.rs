//! The Discord adapter against the fake Discord.

mod gateway;
mod journey;
mod link;
mod messenger;
#[path = "../common/org.rs"]
mod org;
mod replicas;
mod support;
