//! The storage contract: the same cases against SQLite and, with
//! `RHYTHM_TEST_DATABASE_URL=postgres://…`, against Postgres.

mod agenda;
mod checkins;
mod digests;
mod directory;
mod feedback;
mod goals;
mod kudos;
mod links;
mod oneonone_sessions;
mod oneonones;
mod platform;
mod review_items;
mod review_writing;
mod reviews;
mod schedules;
mod support;
mod sync;
mod templates;
mod writers;
