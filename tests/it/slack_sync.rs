//! Directory sync against the fake Slack: `rhythm slack sync` links people by email and takes
//! the zones nobody chose, `rhythm run` does it once at start, and the client reads every
//! page of `users.list` through a rate limit.

use std::io::{BufRead as _, BufReader};
use std::time::Duration;

use rhythm_bot::slack::client::SlackApi;
use rhythm_domain::sync::MemberKind;
use rhythm_testing::slack::{Failure, FakeSlack, FakeUser};
use serde_json::Value;

use crate::support::{Rhythm, Run};

/// HR gave Hana's zone; Zoë's is the import's default (UTC); Ben is linked by the file.
const PEOPLE: &str = "email,name,timezone,slack_user_id\n\
                      hana@example.com,Hana Ross,America/New_York,\n\
                      zoe@example.com,Zoë Smith,,\n\
                      ben@example.com,Ben Okafor,Europe/Lisbon,U0000000B\n\
                      carl@example.com,Carl Berg,,\n";

async fn workspace() -> FakeSlack {
    let slack = FakeSlack::start().await;
    for user in [
        FakeUser::person("U00000001", "Hana@Example.com", "Hana Ross").in_zone("Asia/Tokyo"),
        FakeUser::person("U00000002", "zoe@example.com", "Zoë Smith").in_zone("Asia/Tokyo"),
        FakeUser::person("U0000000B", "ben@example.com", "Ben Okafor"),
        FakeUser::person("U00000003", "contractor@example.com", "Cora Tran"),
        FakeUser::person("U00000004", "carl@example.com", "Carl Berg").deactivated(),
        FakeUser::bot("U0000000R", "Reminder Bot"),
        FakeUser::slackbot(),
    ] {
        slack.add_user(user);
    }
    slack
}

fn sync(rhythm: &Rhythm, slack: &FakeSlack, args: &[&str]) -> Run {
    let api_url = slack.api_url();
    let mut all = vec!["slack", "sync"];
    all.extend_from_slice(args);
    rhythm.run_with(
        &all,
        &[
            ("SLACK_BOT_TOKEN", FakeSlack::BOT_TOKEN),
            ("RHYTHM__SLACK__API_URL", &api_url),
        ],
    )
}

fn person<'a>(people: &'a Value, email: &str) -> &'a Value {
    people
        .as_array()
        .unwrap()
        .iter()
        .find(|person| person["email"] == email)
        .unwrap_or_else(|| panic!("{email} is listed"))
}

fn slack_id(person: &Value) -> Option<&str> {
    person["identities"]
        .as_array()?
        .iter()
        .find(|identity| identity["platform"] == "slack")?["user_id"]
        .as_str()
}

// The fake Slack answers on another thread while this one waits for `rhythm`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_sync_links_people_by_email_and_takes_only_the_zones_nobody_chose() {
    let slack = workspace().await;
    let rhythm = Rhythm::new().await;
    assert_eq!(rhythm.import(PEOPLE, &[]).code, 0);
    let zoe = rhythm.people();
    assert_eq!(
        person(&zoe, "zoe@example.com")["timezone_source"],
        "default"
    );
    assert_eq!(person(&zoe, "hana@example.com")["timezone_source"], "hr");

    let dry = sync(&rhythm, &slack, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("Would link 2 people to their Slack account:"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("Nothing was changed."),
        "{}",
        dry.stdout
    );
    assert_eq!(slack_id(person(&rhythm.people(), "zoe@example.com")), None);

    // Slack's users.list is rate-limited; the sync waits and asks again.
    slack.fail_next(
        "users.list",
        1,
        Failure::RateLimited {
            retry_after_secs: 1,
        },
    );
    let run = sync(&rhythm, &slack, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "Linked 2 people to their Slack account:",
        "hana@example.com  U00000001  Hana Ross",
        "Took 1 time zone from Slack:",
        "zoe@example.com  UTC (default) → Asia/Tokyo",
        "Slack users without a person in the directory (1):",
        "U00000003  contractor@example.com  Cora Tran",
        "Active people without a Slack account (1):",
        "carl@example.com  Carl Berg",
        "Slack sync: read 4 members; linked 2, took 1 time zone; 0 conflicts, 1 Slack user \
         without a person, 1 active person without Slack.",
    ] {
        assert!(run.stdout.contains(line), "{line}\n---\n{}", run.stdout);
    }

    let people = rhythm.people();
    let hana = person(&people, "hana@example.com");
    assert_eq!(slack_id(hana), Some("U00000001"));
    assert_eq!(hana["timezone"], "America/New_York", "HR's zone stays");
    assert_eq!(hana["timezone_source"], "hr");
    let zoe = person(&people, "zoe@example.com");
    assert_eq!(slack_id(zoe), Some("U00000002"));
    assert_eq!(zoe["timezone"], "Asia/Tokyo");
    assert_eq!(zoe["timezone_source"], "slack");
    let ben = person(&people, "ben@example.com");
    assert_eq!(
        (ben["timezone"].as_str(), slack_id(ben)),
        (Some("Europe/Lisbon"), Some("U0000000B"))
    );
    assert_eq!(slack_id(person(&people, "carl@example.com")), None);
    assert_eq!(
        rhythm
            .db
            .count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'slack.sync' \
                 AND actor = 'cli:hr-tester'"
            )
            .await,
        1
    );

    let again = sync(&rhythm, &slack, &["--json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let report: Value = serde_json::from_str(&again.stdout).expect("--json prints JSON");
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["linked"], serde_json::json!([]));
    assert_eq!(report["timezones"], serde_json::json!([]));
    assert_eq!(
        report["people_without_slack"][0]["email"],
        "carl@example.com"
    );
    assert_eq!(
        report["slack_users_without_person"][0]["slack_user_id"],
        "U00000003"
    );
}

#[tokio::test]
async fn slack_sync_without_a_bot_token_says_what_to_set_and_changes_nothing() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run(&["slack", "sync"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("SLACK_BOT_TOKEN is not set"),
        "{}",
        run.stderr
    );
}

// The fake Slack answers on another thread while this one waits for `rhythm`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_sync_with_a_refused_token_says_so() {
    let slack = workspace().await;
    let rhythm = Rhythm::new().await;
    let api_url = slack.api_url();
    let run = rhythm.run_with(
        &["slack", "sync"],
        &[
            ("SLACK_BOT_TOKEN", "xoxb-1-2-not-the-right-token"),
            ("RHYTHM__SLACK__API_URL", &api_url),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("Slack refused SLACK_BOT_TOKEN"),
        "{}",
        run.stderr
    );
}

// The fake Slack answers on another thread while this one waits for `rhythm`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rhythm_run_syncs_the_directory_once_at_start_and_logs_the_summary() {
    let slack = workspace().await;
    let rhythm = Rhythm::new().await;
    assert_eq!(rhythm.import(PEOPLE, &[]).code, 0);
    let mut child = crate::slack::spawn_run(&rhythm, &slack);
    let stderr = child.stderr.take().unwrap();
    let (events_tx, events_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Ok(event) = serde_json::from_str::<Value>(&line) {
                events_tx.send(event).ok();
            }
        }
    });
    let synced = loop {
        let event = events_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("rhythm logs the sync");
        if event["message"]
            .as_str()
            .is_some_and(|message| message.contains("with Slack"))
        {
            break event;
        }
    };
    assert_eq!(crate::support::terminate(child).await, Some(0));
    assert_eq!(synced["slack.linked"], 2, "{synced}");
    assert_eq!(synced["slack.timezones"], 1, "{synced}");
    let people = rhythm.people();
    assert_eq!(
        slack_id(person(&people, "zoe@example.com")),
        Some("U00000002")
    );
    assert_eq!(person(&people, "zoe@example.com")["timezone"], "Asia/Tokyo");
    assert_eq!(
        rhythm
            .db
            .count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'slack.sync' \
                 AND actor = 'slack-sync'"
            )
            .await,
        1
    );
}

#[tokio::test]
async fn the_client_reads_every_page_of_members_through_a_rate_limit() {
    let slack = FakeSlack::start().await;
    for n in 1..=450 {
        let id = format!("U{n:08}");
        slack.add_user(FakeUser::person(
            &id,
            &format!("p{n}@example.com"),
            &format!("Person {n}"),
        ));
    }
    slack.add_user(FakeUser::person("U99999999", "gone@example.com", "Gone").deactivated());
    slack.fail_next(
        "users.list",
        1,
        Failure::RateLimited {
            retry_after_secs: 1,
        },
    );
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let members = api.members().await.expect("the members are listed");
    assert_eq!(members.len(), 451);
    assert_eq!(members[0].email.as_deref(), Some("p1@example.com"));
    assert_eq!(members[0].timezone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(members[0].team_id.as_deref(), Some(FakeSlack::TEAM_ID));
    assert_eq!(members[450].kind, MemberKind::Deactivated);
    assert_eq!(
        slack.calls("users.list").len(),
        4,
        "three pages of 200, one of them asked twice"
    );
}
