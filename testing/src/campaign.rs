//! The reliability campaign's harness: the real `rhythm run` as a child process, pointed at
//! a test database and the fakes, that a test can kill (SIGKILL), pause (SIGSTOP), resume,
//! stop (SIGTERM) and restart, then check the database and the fakes' recordings.
//!
//! - [`Launch`] is what to start: the executable, a scratch directory, the database, and the
//!   environment (the fakes' URLs and tokens with [`Launch::slack`] and
//!   [`Launch::discord`]).
//! - [`Running`] is one started process: its HTTP address, its signals, its logs (stderr,
//!   JSON lines, kept in the scratch directory under the name it was started with).
//! - [`Profile`] says how hard to push: `Short` in CI, `Long` by hand
//!   (`RHYTHM_CAMPAIGN=long`), its figures recorded in `docs/RELIABILITY.md`.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::discord::FakeDiscord;
use crate::slack::FakeSlack;

/// How hard a campaign pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// A few runs of each scenario, small enough for CI.
    Short,
    /// The figures the issue names (≥ 20 kills, 10 minutes of load), run by hand.
    Long,
}

impl Profile {
    /// `Long` if `RHYTHM_CAMPAIGN=long`, else `Short`.
    pub fn from_env() -> Self {
        match std::env::var("RHYTHM_CAMPAIGN") {
            Ok(value) if value.eq_ignore_ascii_case("long") => Self::Long,
            _ => Self::Short,
        }
    }

    /// `short` in the short profile, else `long`.
    pub fn pick<T>(self, short: T, long: T) -> T {
        match self {
            Self::Short => short,
            Self::Long => long,
        }
    }
}

/// What to start: `rhythm run` with an environment of its own (nothing inherited but
/// `PATH`), in a scratch directory.
#[derive(Debug, Clone)]
pub struct Launch {
    binary: PathBuf,
    dir: PathBuf,
    env: BTreeMap<String, String>,
}

impl Launch {
    /// `binary` (a test's `env!("CARGO_BIN_EXE_rhythm")`) in `dir`, on `database_url`, with
    /// JSON logs at `info`.
    pub fn new(binary: impl Into<PathBuf>, dir: &Path, database_url: &str) -> Self {
        let mut env = BTreeMap::new();
        env.insert("PATH".to_owned(), std::env::var("PATH").unwrap_or_default());
        env.insert("DATABASE_URL".to_owned(), database_url.to_owned());
        env.insert("RHYTHM__LOG__FORMAT".to_owned(), "json".to_owned());
        Self {
            binary: binary.into(),
            dir: dir.to_owned(),
            env,
        }
    }

    /// Sets environment variable `name`.
    #[must_use]
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.insert(name.to_owned(), value.into());
        self
    }

    /// Connects Slack to `fake` over Socket Mode, with its tokens.
    #[must_use]
    pub fn slack(self, fake: &FakeSlack) -> Self {
        self.env("SLACK_BOT_TOKEN", FakeSlack::BOT_TOKEN)
            .env("SLACK_APP_TOKEN", FakeSlack::APP_TOKEN)
            .env("RHYTHM__SLACK__API_URL", fake.api_url())
    }

    /// Connects Discord to `fake` over the gateway, with its token and application id.
    #[must_use]
    pub fn discord(self, fake: &FakeDiscord) -> Self {
        self.env("DISCORD_TOKEN", FakeDiscord::BOT_TOKEN)
            .env("DISCORD_APPLICATION_ID", FakeDiscord::APPLICATION_ID)
            .env("RHYTHM__DISCORD__API_URL", fake.api_url())
    }

    /// Runs a one-off command (`people import …`, `schedule apply …`) with this environment
    /// and waits for it; panics, with what it printed, if it fails.
    pub fn cli(&self, args: &[&str]) -> String {
        let output = Command::new(&self.binary)
            .args(args)
            .current_dir(&self.dir)
            .env_clear()
            .envs(&self.env)
            .env("RHYTHM__LOG__FORMAT", "text")
            .stdin(Stdio::null())
            .output()
            .expect("running rhythm");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "rhythm {args:?} failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    /// Starts `rhythm run` on a free loopback port; its stdout and stderr go to `NAME.out`
    /// and `NAME.log` in the scratch directory. Panics if it cannot start: a campaign without
    /// its process cannot run.
    pub fn spawn(&self, name: &str) -> Running {
        let port = free_port();
        let out = self.dir.join(format!("{name}.out"));
        let log = self.dir.join(format!("{name}.log"));
        let child = Command::new(&self.binary)
            .arg("run")
            .current_dir(&self.dir)
            .env_clear()
            .envs(&self.env)
            .env("RHYTHM__HTTP__LISTEN", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(File::create(&out).expect("creating the process's stdout file"))
            .stderr(File::create(&log).expect("creating the process's log file"))
            .spawn()
            .expect("starting rhythm run");
        Running {
            child: Some(child),
            port,
            out,
            log,
        }
    }
}

/// A free port on 127.0.0.1 (free when asked: the process binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port on 127.0.0.1")
}

/// One started `rhythm run`. Dropping it kills the process.
#[derive(Debug)]
pub struct Running {
    /// `None` once [`Running::terminate`] has taken it to wait for it.
    child: Option<Child>,
    port: u16,
    out: PathBuf,
    log: PathBuf,
}

impl Running {
    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// SIGKILL, and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(child) = &mut self.child {
            if matches!(child.try_wait(), Ok(None)) {
                child.kill().expect("SIGKILL is delivered");
            }
            let _ = child.wait();
        }
    }

    /// SIGSTOP: the process stops where it is, holding what it holds.
    pub fn pause(&self) {
        self.signal("STOP");
    }

    /// SIGCONT: a paused process goes on.
    pub fn resume(&self) {
        self.signal("CONT");
    }

    /// SIGTERM, then waits for the process to exit; its exit code (`None`: killed by a
    /// signal). A process that has exited already is not signalled: its own exit code is
    /// returned.
    pub async fn terminate(mut self) -> Option<i32> {
        if self.alive() {
            self.signal("TERM");
        }
        let mut child = self
            .child
            .take()
            .expect("the process is not waited for yet");
        tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("waiting does not panic")
            .expect("the process is waited for")
            .code()
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIG{name} is delivered to {}", self.pid());
    }

    /// The HTTP status of `GET path`, or `None` if nothing answered within a second.
    pub async fn get(&self, path: &str) -> Option<u16> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(1))
            .build()
            .ok()?;
        let response = client.get(self.url(path)).send().await.ok()?;
        Some(response.status().as_u16())
    }

    /// Waits until `/readyz` answers 200; `false` after `timeout`.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if self.get("/readyz").await == Some(200) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// What the process wrote to stdout so far.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    /// What the process logged so far (stderr: JSON lines).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}
