//! The Discord adapter against the fake Discord.

mod gateway;
mod journey;
mod link;
mod messenger;
mod replicas;
mod support;
