//! The Discord adapter against the fake Discord.

mod gateway;
mod journey;
mod messenger;
mod support;
