//! The real `rhythm run` on Slack: with a bot token and the fake Slack as its API, a due
//! check-in arrives as a DM, and signed commands on the HTTP Events API are answered.

use std::process::Stdio;
use std::time::Duration;

use rhythm_testing::slack::{Failure, FakeSlack, FakeUser, payloads};

use crate::cli::zone_at_noon;
use crate::support::{Rhythm, path_str};

/// Ana, with a Slack account, and a check-in due for her in three seconds.
async fn ana_due_soon(slack: &FakeSlack) -> Rhythm {
    slack.add_user(FakeUser::person(
        "U0000000A",
        "ana@example.com",
        "Ana López",
    ));
    let rhythm = Rhythm::new().await;
    let zone = zone_at_noon();
    let people =
        format!("email,name,timezone,slack_user_id\nana@example.com,Ana López,{zone},U0000000A\n");
    assert_eq!(rhythm.import(&people, &[]).code, 0);
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3)).with_timezone(&tz);
    let policy = format!(
        "[[schedule]]\nname = \"Check-in\"\nkind = \"check_in\"\nat = \"{}\"\naudience = \"everyone\"\n\
         business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
        soon.format("%Y-%m-%dT%H:%M:%S")
    );
    let path = rhythm.file("policy.toml", &policy);
    let applied = rhythm.run(&["schedule", "apply", "--file", path_str(&path)]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    rhythm
}

/// `rhythm run` on the fake Slack over the HTTP Events API, logging JSON to a piped stderr.
pub(crate) fn spawn_run(rhythm: &Rhythm, slack: &FakeSlack) -> std::process::Child {
    rhythm
        .command()
        .args(["run"])
        .env("RHYTHM__HTTP__LISTEN", "127.0.0.1:0")
        .env("RHYTHM__LOG__FORMAT", "json")
        .env("RHYTHM__SLACK__MODE", "http")
        .env("RHYTHM__SLACK__API_URL", slack.api_url())
        .env("SLACK_BOT_TOKEN", FakeSlack::BOT_TOKEN)
        .env("SLACK_SIGNING_SECRET", FakeSlack::SIGNING_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rhythm run starts")
}

/// `rhythm run` on the fake Slack over the HTTP Events API, and the address it serves.
fn run_on(rhythm: &Rhythm, slack: &FakeSlack) -> (std::process::Child, String) {
    let mut child = spawn_run(rhythm, slack);
    let address = crate::cli::listening_address(child.stderr.take().unwrap());
    (child, address)
}

#[tokio::test]
async fn run_sends_the_check_in_to_slack_and_answers_signed_commands() {
    let slack = FakeSlack::start().await;
    let rhythm = ana_due_soon(&slack).await;
    let (child, address) = run_on(&rhythm, &slack);

    let mut dms = Vec::new();
    for _ in 0..300 {
        dms = slack.messages_to("U0000000A");
        if !dms.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(dms.len(), 1, "the check-in prompt arrives as a DM");
    assert!(dms[0].text.contains("Check-in"), "{}", dms[0].text);

    let body = payloads::slash_command_form("U0000000A", "/rhythm", "help", "1.2.3");
    let now = chrono::Utc::now().timestamp();
    let mut request = reqwest::Client::new()
        .post(format!("http://{address}/slack/commands"))
        .body(body.clone());
    for (name, value) in payloads::signed_headers(FakeSlack::SIGNING_SECRET, now, body.as_bytes()) {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("/checkin"));

    assert_eq!(crate::support::terminate(child).await, Some(0));
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(*) FROM checkins WHERE prompt_platform = 'slack'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_revoked_token_stops_slack_sends_and_fails_readiness_saying_why() {
    let slack = FakeSlack::start().await;
    let rhythm = ana_due_soon(&slack).await;
    slack.fail_next("conversations.open", 1, Failure::Slack("token_revoked"));
    let (child, address) = run_on(&rhythm, &slack);
    let readyz = format!("http://{address}/readyz");
    let mut answer = (0, String::new());
    for _ in 0..300 {
        let response = reqwest::get(&readyz).await.unwrap();
        answer = (response.status().as_u16(), response.text().await.unwrap());
        if answer.0 == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answer.0, 503, "{}", answer.1);
    assert!(
        answer
            .1
            .contains("Slack refused the bot token (token_revoked)"),
        "{}",
        answer.1
    );
    assert_eq!(crate::support::terminate(child).await, Some(0));
    assert_eq!(
        slack.calls("conversations.open").len(),
        1,
        "one refusal, then silence"
    );
    assert!(slack.messages_to("U0000000A").is_empty());
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND last_error LIKE '%token_revoked%'")
            .await,
        1,
        "kept for when the token is fixed"
    );
}
