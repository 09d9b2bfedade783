//! The scheduler from the outside: the DST property, and HR's schedule changes against a
//! real database (SQLite, or Postgres with `RHYTHM_TEST_DATABASE_URL`).

mod admin;
mod checkins;
mod digests;
mod dispatcher;
mod dst_oracle;
mod followups;
mod maintenance;
mod pairs;
mod planner;
mod replicas;
mod review_cycles;
mod support;
