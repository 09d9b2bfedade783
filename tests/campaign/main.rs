//! The reliability campaign: the real `rhythm run` against the fake Slack and Discord and a
//! real database (SQLite, or Postgres with `RHYTHM_TEST_DATABASE_URL`), killed, paused and
//! restarted, with each scenario's pass criterion checked on the database and the fakes'
//! recordings. The short profile runs with the other tests; `RHYTHM_CAMPAIGN=long` runs the
//! long one (its figures are in `docs/RELIABILITY.md`).

mod crash;
mod faults;
mod hostile;
mod load;
mod outage;
mod replicas;
mod secrets;
mod support;
