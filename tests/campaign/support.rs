//! A scratch organisation for a campaign: people on the fake Slack (or the fake Discord), a
//! database, and how to start `rhythm run` against them.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use rhythm_testing::campaign::Launch;
use rhythm_testing::slack::payloads::{signed_headers, slash_command_form};
use rhythm_testing::slack::{FakeSlack, FakeUser};
use rhythm_testing::{FakeDiscord, FakeDiscordUser};
use rhythm_testing::{TestBackend, TestDb};
use tempfile::TempDir;

/// A Slack member id for person `n`.
pub(crate) fn uid(n: usize) -> String {
    format!("U{n:08}")
}

/// A Discord user id (a snowflake) for person `n`.
pub(crate) fn snowflake(n: usize) -> String {
    (80_351_110_224_678_912 + n).to_string()
}

/// A database, a scratch directory, the fake Slack (or the fake Discord), and people on it
/// (imported).
pub(crate) struct Org {
    pub(crate) db: TestDb,
    pub(crate) dir: TempDir,
    pub(crate) slack: FakeSlack,
    /// For an organisation on Discord ([`Org::on_discord`]): then Slack is not connected.
    pub(crate) discord: Option<FakeDiscord>,
    /// Everyone's zone: one where it is about noon now, far from quiet hours.
    pub(crate) zone: String,
}

impl Org {
    /// `people` people on the fake Slack: `p{n}@example.com`, member [`uid`]`(n)`.
    pub(crate) async fn new(people: usize) -> Self {
        Self::start(people, None).await
    }

    /// `people` people on the fake Discord: `p{n}@example.com`, user [`snowflake`]`(n)`.
    pub(crate) async fn on_discord(people: usize) -> Self {
        Self::start(people, Some(FakeDiscord::start().await)).await
    }

    async fn start(people: usize, discord: Option<FakeDiscord>) -> Self {
        let db = TestDb::new().await;
        let dir = tempfile::tempdir().expect("a scratch directory");
        let slack = FakeSlack::start().await;
        let zone = zone_at_noon();
        let column = if discord.is_some() {
            "discord_user_id"
        } else {
            "slack_user_id"
        };
        let mut csv = format!("email,name,timezone,{column}\n");
        for n in 0..people {
            let email = format!("p{n}@example.com");
            let name = format!("Person {n}");
            let account = match &discord {
                Some(discord) => {
                    discord.add_user(FakeDiscordUser::new(&snowflake(n), &format!("p{n}"), &name));
                    snowflake(n)
                }
                None => {
                    slack.add_user(FakeUser::person(&uid(n), &email, &name));
                    uid(n)
                }
            };
            writeln!(csv, "{email},{name},{zone},{account}").unwrap();
        }
        let org = Self {
            db,
            dir,
            slack,
            discord,
            zone,
        };
        let path = org.dir.path().join("people.csv");
        std::fs::write(&path, csv).unwrap();
        org.launch()
            .cli(&["people", "import", "--csv", path.to_str().unwrap()]);
        org
    }

    /// `rhythm run` on this organisation's database and Slack (or Discord).
    pub(crate) fn launch(&self) -> Launch {
        let launch = Launch::new(env!("CARGO_BIN_EXE_rhythm"), self.dir.path(), &self.db.url);
        match &self.discord {
            Some(discord) => launch.discord(discord),
            None => launch.slack(&self.slack),
        }
    }

    /// Deliveries recorded as sent.
    pub(crate) async fn sent(&self) -> usize {
        let sent = self
            .db
            .count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
            .await;
        usize::try_from(sent).unwrap_or_default()
    }

    /// Waits until `expected` deliveries are recorded as sent; panics after `timeout`.
    pub(crate) async fn wait_sent(&self, expected: usize, timeout: Duration) {
        wait_until("everything is sent", timeout, async || {
            self.sent().await == expected
        })
        .await;
    }

    /// Time zones changed by command (`/rhythm timezone`), from the audit log.
    pub(crate) async fn timezone_changes(&self) -> usize {
        let changes = self
            .db
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.timezone'")
            .await;
        usize::try_from(changes).unwrap_or_default()
    }

    /// Applies a one-off announcement to everyone at `in_` from now; the instant it fires.
    pub(crate) async fn announce_in(&self, in_: Duration) -> Instant {
        self.announce_series(&[in_]).await[0]
    }

    /// Applies one-off announcements to everyone, named `Campaign 1`, `Campaign 2`, … at
    /// each of `offsets` from now, in the organisation's zone (so at the same instant for
    /// everyone, whatever zone a command gives them meanwhile); the instants they fire. On a loaded machine the first
    /// time may have passed by the time the policy is applied (a one-off in the past never
    /// fires): then they are applied again, later.
    pub(crate) async fn announce_series(&self, offsets: &[Duration]) -> Vec<Instant> {
        let zone: chrono_tz::Tz = self.zone.parse().unwrap();
        loop {
            let now = (Instant::now(), chrono::Utc::now());
            let mut policy = String::new();
            for (n, offset) in offsets.iter().enumerate() {
                let at =
                    (now.1 + chrono::Duration::from_std(*offset).unwrap()).with_timezone(&zone);
                writeln!(
                    policy,
                    "[[schedule]]\nname = \"Campaign {}\"\nkind = \"announcement\"\n\
                     at = \"{}\"\ntimezone = \"{}\"\naudience = \"everyone\"\n\
                     business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
                    n + 1,
                    at.format("%Y-%m-%dT%H:%M:%S"),
                    self.zone
                )
                .unwrap();
            }
            let path = self.dir.path().join("policy.toml");
            std::fs::write(&path, policy).unwrap();
            self.launch()
                .cli(&["schedule", "apply", "--file", path.to_str().unwrap()]);
            let fires: Vec<Instant> = offsets.iter().map(|offset| now.0 + *offset).collect();
            let ahead = self
                .db
                .count("SELECT COUNT(*) FROM schedules WHERE paused = FALSE AND next_fire_at IS NOT NULL")
                .await;
            if ahead == offsets.len() as i64
                && fires.first().is_none_or(|first| Instant::now() < *first)
            {
                return fires;
            }
        }
    }
}

/// Waits until `done`, checking every 50 ms; panics with `what` after `timeout`.
pub(crate) async fn wait_until(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < timeout,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An `Etc/GMT…` zone where it is now between 12:00 and 13:00.
fn zone_at_noon() -> String {
    zone_at(12)
}

/// A zone for command `n` to move its author to: never the organisation's own, and one
/// where it is the early afternoon now (13:00 to 16:00), far from quiet hours, so that
/// what is due to them goes at once.
pub(crate) fn zone_for(n: usize) -> String {
    zone_at(13 + i64::try_from(n % 3).unwrap())
}

/// An `Etc/GMT…` zone where it is now between `hour`:00 and `hour`:59.
fn zone_at(hour: i64) -> String {
    use chrono::Timelike as _;
    let mut offset = hour - i64::from(chrono::Utc::now().hour());
    if offset > 14 {
        offset -= 24;
    }
    if offset < -12 {
        offset += 24;
    }
    // Etc/GMT-3 is three hours ahead of UTC: the sign is inverted.
    match offset {
        0 => "Etc/GMT".to_owned(),
        ahead if ahead > 0 => format!("Etc/GMT-{ahead}"),
        behind => format!("Etc/GMT+{}", -behind),
    }
}

/// Whether the campaign runs on Postgres; if not, says that `scenario` needs it. For the
/// scenarios that only make sense with a server (replicas, an outage).
pub(crate) fn on_postgres(scenario: &str) -> bool {
    let postgres = TestDb::backend() == TestBackend::Postgres;
    if !postgres {
        eprintln!("{scenario} runs on Postgres: set RHYTHM_TEST_DATABASE_URL");
    }
    postgres
}

/// Slack's signed `POST` of `/rhythm timezone {zone}` by `user` to `url` (Rhythm's
/// `/slack/commands`), ready to send.
pub(crate) fn timezone_command(
    client: &reqwest::Client,
    url: &str,
    user: &str,
    zone: &str,
    trigger: usize,
) -> reqwest::RequestBuilder {
    let body = slash_command_form(
        user,
        "/rhythm",
        &format!("timezone {zone}"),
        &format!("trigger-{trigger}"),
    );
    let now = chrono::Utc::now().timestamp();
    let mut request = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone());
    for (name, value) in signed_headers(FakeSlack::SIGNING_SECRET, now, body.as_bytes()) {
        request = request.header(name, value);
    }
    request
}
