//! `migrate`, `doctor` and `run` as an operator uses them.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::time::Duration;

use rhythm_testing::discord::FakeDiscord;
use rhythm_testing::slack::FakeSlack;

use crate::support::Rhythm;

#[tokio::test]
async fn migrate_reports_what_it_applied_and_is_safe_to_repeat() {
    let rhythm = Rhythm {
        db: rhythm_testing::TestDb::unmigrated().await,
        dir: tempfile::tempdir().unwrap(),
    };
    let first = rhythm.run(&["migrate"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains(
            "Applied 10 migration(s): 0001_directory, 0002_schedules, 0003_outbox, 0004_checkins, 0005_digests_and_sync, 0006_discord, 0007_kudos, 0008_goals, 0009_coaching, 0010_reviews."
        ),
        "{}",
        first.stdout
    );
    let second = rhythm.run(&["migrate"]);
    assert!(
        second.stdout.contains("The database is up to date"),
        "{}",
        second.stdout
    );
}

#[tokio::test]
async fn doctor_passes_on_a_migrated_database_without_platforms() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run(&["doctor"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("ok    migrations  all 10 applied"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("warn  slack       not configured"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn doctor_fails_on_pending_migrations_and_half_configured_platforms() {
    let rhythm = Rhythm {
        db: rhythm_testing::TestDb::unmigrated().await,
        dir: tempfile::tempdir().unwrap(),
    };
    let run = rhythm.run_with(
        &["doctor", "--json", "--offline"],
        &[
            ("SLACK_BOT_TOKEN", "xoxp-user-token"),
            ("DISCORD_TOKEN", "abc"),
            ("DISCORD_APPLICATION_ID", "80351110224678912"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let checks: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let status = |name: &str| {
        let check = checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == name)
            .unwrap();
        (
            check["status"].as_str().unwrap().to_owned(),
            check["detail"].as_str().unwrap().to_owned(),
        )
    };
    let (migrations, detail) = status("migrations");
    assert_eq!(migrations, "fail");
    assert!(detail.contains("run `rhythm migrate`"), "{detail}");
    let (slack, detail) = status("slack");
    assert_eq!(slack, "fail");
    assert_eq!(
        detail,
        "socket mode: SLACK_BOT_TOKEN should start with xoxb-; SLACK_APP_TOKEN is not set"
    );
    assert_eq!(status("discord").0, "ok");
    assert!(
        !run.stdout.contains("xoxp-user-token"),
        "a secret is printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_asks_each_platform_whether_it_accepts_the_token() {
    let rhythm = Rhythm::new().await;
    let slack = FakeSlack::start().await;
    let discord = FakeDiscord::start().await;
    let (slack_url, discord_url) = (slack.api_url(), discord.api_url());
    let doctor = |slack_token: &str, discord_token: &str| {
        let run = rhythm.run_with(
            &["doctor", "--json"],
            &[
                ("SLACK_BOT_TOKEN", slack_token),
                ("SLACK_APP_TOKEN", FakeSlack::APP_TOKEN),
                ("RHYTHM__SLACK__API_URL", &slack_url),
                ("DISCORD_TOKEN", discord_token),
                ("DISCORD_APPLICATION_ID", FakeDiscord::APPLICATION_ID),
                ("RHYTHM__DISCORD__API_URL", &discord_url),
            ],
        );
        let checks: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let detail = |name: &str| {
            let check = checks
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["check"] == name)
                .unwrap();
            format!("{}: {}", check["status"].as_str().unwrap(), check["detail"])
        };
        (run.code, detail("slack"), detail("discord"))
    };

    let (code, slack_said, discord_said) = doctor(FakeSlack::BOT_TOKEN, FakeDiscord::BOT_TOKEN);
    assert_eq!(code, 0, "{slack_said} {discord_said}");
    assert!(
        slack_said.contains("token accepted (@rhythm in Rhythm Fake)"),
        "{slack_said}"
    );
    assert!(
        discord_said.contains("token accepted (bot Rhythm)"),
        "{discord_said}"
    );

    let (code, slack_said, discord_said) = doctor("xoxb-revoked", "revoked.token.here");
    assert_eq!(code, 1);
    assert!(slack_said.starts_with("fail: "), "{slack_said}");
    assert!(
        slack_said.contains("Slack refused SLACK_BOT_TOKEN"),
        "{slack_said}"
    );
    assert!(discord_said.starts_with("fail: "), "{discord_said}");
    assert!(
        discord_said.contains("Discord refused DISCORD_TOKEN"),
        "{discord_said}"
    );
}

#[tokio::test]
async fn doctor_does_not_create_a_missing_sqlite_database() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run_with(&["doctor"], &[("DATABASE_URL", "sqlite://fresh.db")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("fresh.db does not exist yet: `rhythm migrate` or `rhythm run` creates it"),
        "{}",
        run.stdout
    );
    assert!(!rhythm.dir.path().join("fresh.db").exists());
}

/// The real process: it starts, answers, and exits 0 on SIGTERM.
#[tokio::test]
async fn run_serves_health_and_stops_cleanly_on_sigterm() {
    let rhythm = Rhythm::new().await;
    let mut child = rhythm
        .command()
        .args(["run"])
        .env("RHYTHM__HTTP__LISTEN", "127.0.0.1:0")
        .env("RHYTHM__LOG__FORMAT", "json")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("rhythm run starts");
    let address = listening_address(child.stderr.take().unwrap());

    let health = reqwest::get(format!("http://{address}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = reqwest::get(format!("http://{address}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    assert_eq!(
        crate::support::terminate(child).await,
        Some(0),
        "rhythm exits cleanly on SIGTERM"
    );
}

/// The zone where it is now about noon, so that quiet hours never hold the test's delivery.
pub(crate) fn zone_at_noon() -> String {
    use chrono::Timelike as _;
    let hour = i64::from(chrono::Utc::now().hour());
    let mut offset = 12 - hour;
    if offset > 12 {
        offset -= 24;
    }
    // Etc/GMT-3 is three hours ahead of UTC: the sign is inverted.
    match offset {
        0 => "Etc/GMT".to_owned(),
        ahead if ahead > 0 => format!("Etc/GMT-{ahead}"),
        behind => format!("Etc/GMT+{}", -behind),
    }
}

/// The real process fires a due schedule and, with no chat platform, prints the delivery.
#[tokio::test]
async fn run_fires_a_due_schedule_and_prints_it_to_the_console() {
    let rhythm = Rhythm::new().await;
    let zone = zone_at_noon();
    let people = format!("email,name,timezone\nana@example.com,Ana López,{zone}\n");
    assert_eq!(rhythm.import(&people, &[]).code, 0);
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3)).with_timezone(&tz);
    let policy = format!(
        "[[schedule]]\nname = \"Test ping\"\nkind = \"announcement\"\nat = \"{}\"\naudience = \"everyone\"\n\
         business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
        soon.format("%Y-%m-%dT%H:%M:%S")
    );
    let path = rhythm.file("policy.toml", &policy);
    let applied = rhythm.run(&[
        "schedule",
        "apply",
        "--file",
        crate::support::path_str(&path),
    ]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);

    let mut child = rhythm
        .command()
        .args(["run"])
        .env("RHYTHM__HTTP__LISTEN", "127.0.0.1:0")
        .env("RHYTHM__LOG__FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rhythm run starts");
    let address = listening_address(child.stderr.take().unwrap());
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            line_tx.send(line).ok();
        }
    });
    let line = line_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a delivery is printed");
    assert!(
        line.contains("→ Ana López <ana@example.com>: Test ping [announcement] (reminder)"),
        "{line}"
    );
    // The line is printed before the send is recorded: give the dispatcher a moment.
    let expected = [
        "rhythm_deliveries_total{outcome=\"sent\"} 1",
        "rhythm_occurrences_total{outcome=\"fired\"} 1",
        "rhythm_fire_lag_seconds_count 1",
    ];
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = reqwest::get(format!("http://{address}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if expected.iter().all(|line| metrics.contains(line)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for line in expected {
        assert!(metrics.contains(line), "`{line}` missing from:\n{metrics}");
    }

    assert_eq!(crate::support::terminate(child).await, Some(0));
    assert_eq!(
        rhythm.db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND message_id LIKE 'console-%'").await,
        1
    );
}

/// Reads `rhythm run`'s JSON logs until it says where it listens; keeps draining them after.
pub(crate) fn listening_address(stderr: std::process::ChildStderr) -> String {
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let Some(address) = event["http.address"].as_str() {
                address_tx.send(address.to_owned()).ok();
            }
        }
    });
    address_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("rhythm logs its address")
}
