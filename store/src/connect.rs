//! Opening a database from its URL, and what its migrations say.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use rhythm_domain::clock::Clock;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Store, postgres, sqlite};

/// How to open the database.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `sqlite://PATH` (created if missing), `sqlite::memory:`, or `postgres://…`.
    pub url: String,
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long a SQLite writer waits for another's lock, and how long anyone waits for a
    /// pooled connection.
    pub busy_timeout: Duration,
    /// Create a missing SQLite file (`doctor` does not).
    pub create_if_missing: bool,
}

impl ConnectOptions {
    /// Options for `url` with the defaults of `[database]`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            busy_timeout: Duration::from_secs(5),
            create_if_missing: true,
        }
    }
}

/// Which backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// `sqlite:…`
    Sqlite,
    /// `postgres://…` or `postgresql://…`
    Postgres,
}

impl BackendKind {
    /// The backend `url` names, or why it names none (the message never shows a password).
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(BackendKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(BackendKind::Postgres)
        } else {
            anyhow::bail!(
                "the database URL must start with sqlite:// or postgres:// (got `{}`)",
                redact(url)
            )
        }
    }
}

/// Query parameters that carry a password: `password` (sqlx reads it, as libpq does) and
/// libpq's `sslpassword`.
const PASSWORD_PARAMETERS: [&str; 2] = ["password", "sslpassword"];

/// The URL without its password, for messages and logs: the one in the userinfo
/// (`postgres://user:***@host`) and any `password=` parameter (`?password=***`).
pub fn redact(url: &str) -> String {
    let Some(scheme) = url.find("://") else {
        return url.to_owned();
    };
    let (head, rest) = url.split_at(scheme + 3);
    // The userinfo ends at the last `@`, unless a query comes before it: then that `@` is
    // the query's (`?user=ana@example.com`), or, if what lies between has no `=`, the
    // password's (`user:pa?ss@host`: not a valid URL, but no less a password).
    let last = rest.rfind('@');
    let at = match rest.find('?') {
        Some(query) => match last {
            Some(at) if at > query && !rest[query..at].contains('=') => Some(at),
            _ => rest[..query].rfind('@'),
        },
        None => last,
    };
    let (userinfo, rest) = match at {
        Some(at) => rest.split_at(at),
        None => ("", rest),
    };
    let userinfo = match userinfo.split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => userinfo.to_owned(),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_query(query)),
        None => rest.to_owned(),
    };
    format!("{head}{userinfo}{rest}")
}

/// `query` with the values of [`PASSWORD_PARAMETERS`] replaced by `***`.
fn redact_query(query: &str) -> String {
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if PASSWORD_PARAMETERS.contains(&key.to_ascii_lowercase().as_str()) => {
                format!("{key}=***")
            }
            _ => pair.to_owned(),
        })
        .collect();
    pairs.join("&")
}

/// The file a `sqlite://` URL names, if that file does not exist (in-memory databases and
/// Postgres URLs give `None`).
pub fn missing_sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if !matches!(BackendKind::of(url), Ok(BackendKind::Sqlite))
        || url.contains(":memory:")
        || url.contains("mode=memory")
    {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    (!path.exists()).then(|| path.to_owned())
}

impl Store {
    /// Opens the database `options.url` names. SQLite gets WAL, `synchronous=FULL`,
    /// foreign keys and a busy timeout; a missing SQLite file is created.
    pub async fn connect(options: &ConnectOptions, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let url = options.url.as_str();
        let store = match BackendKind::of(url)? {
            BackendKind::Sqlite => {
                let connect = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("reading the SQLite URL `{url}`"))?
                    .create_if_missing(options.create_if_missing)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(options.busy_timeout);
                // Each connection to an in-memory database would see a database of its own.
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                let pool = |connections: u32| {
                    SqlitePoolOptions::new()
                        .max_connections(connections)
                        .acquire_timeout(options.busy_timeout)
                        .idle_timeout((!in_memory).then_some(Duration::from_secs(600)))
                        .max_lifetime((!in_memory).then_some(Duration::from_secs(1800)))
                };
                let opening = || format!("opening SQLite database `{url}`");
                if in_memory {
                    let pool = pool(1).connect_with(connect).await.with_context(opening)?;
                    Store::Sqlite(sqlite::SqlStore::new(pool, clock))
                } else {
                    let readers = pool(options.max_connections)
                        .connect_with(connect.clone())
                        .await
                        .with_context(opening)?;
                    // SQLite takes one writer at a time, and Rhythm's writers take turns
                    // (`sql/turn.rs`): with a connection of their own, the writer whose turn
                    // it is never queues for a connection behind readers (under load that
                    // queue was seconds long, and every write waited in it). Opened after
                    // the readers, so the file exists and is in WAL mode.
                    let writer = pool(1).connect_with(connect).await.with_context(opening)?;
                    Store::Sqlite(sqlite::SqlStore::new(readers, clock).with_writer(writer))
                }
            }
            BackendKind::Postgres => {
                let connect = PgConnectOptions::from_str(url)
                    .with_context(|| format!("reading the Postgres URL `{}`", redact(url)))?
                    .application_name("rhythm");
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.busy_timeout)
                    .connect_with(connect)
                    .await
                    .with_context(|| format!("connecting to Postgres at `{}`", redact(url)))?;
                Store::Postgres(postgres::SqlStore::new(pool, clock))
            }
        };
        Ok(store)
    }
}

/// How the database's applied migrations compare with those this binary carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Migrations this binary carries.
    pub known: usize,
    /// Of those, how many the database has.
    pub applied: usize,
    /// Carried but not applied: `rhythm migrate` applies them.
    pub pending: Vec<String>,
    /// Applied by a newer Rhythm: this binary is older than the database.
    pub unknown: Vec<i64>,
}

impl MigrationStatus {
    pub(crate) fn compare(migrator: &Migrator, applied: &[i64]) -> Self {
        let applied: BTreeSet<i64> = applied.iter().copied().collect();
        let known: BTreeSet<i64> = migrator.iter().map(|m| m.version).collect();
        Self {
            known: known.len(),
            applied: known.intersection(&applied).count(),
            pending: migrator
                .iter()
                .filter(|m| !applied.contains(&m.version))
                .map(|m| format!("{:04}_{}", m.version, m.description.replace(' ', "_")))
                .collect(),
            unknown: applied.difference(&known).copied().collect(),
        }
    }

    /// Whether the database is exactly as this binary expects.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_appears_in_a_redacted_url() {
        assert_eq!(
            redact("postgres://rhythm:s3cret@db:5432/rhythm"),
            "postgres://rhythm:***@db:5432/rhythm"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://rhythm.db"), "sqlite://rhythm.db");
    }

    #[test]
    fn a_password_parameter_never_appears_in_a_redacted_url() {
        assert_eq!(
            redact("postgres://rhythm@db/rhythm?sslmode=require&password=s3cret"),
            "postgres://rhythm@db/rhythm?sslmode=require&password=***"
        );
        assert_eq!(
            redact("postgres://rhythm:first@db/rhythm?PASSWORD=second&sslpassword=third"),
            "postgres://rhythm:***@db/rhythm?PASSWORD=***&sslpassword=***"
        );
        // An `@` in the query is not the end of the userinfo, nor one in the password.
        assert_eq!(
            redact("postgres://db/rhythm?user=ana@example.com&password=p@ss"),
            "postgres://db/rhythm?user=ana@example.com&password=***"
        );
        assert_eq!(
            redact("postgres://rhythm:p@ss?word@db/rhythm"),
            "postgres://rhythm:***@db/rhythm"
        );
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let error = BackendKind::of("mysql://root@localhost/x")
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("must start with sqlite:// or postgres://"),
            "{error}"
        );
    }
}
