//! The real `rhythm run` on Slack: with a bot token and the fake Slack as its API, a due
//! check-in arrives as a DM, and signed commands on the HTTP Events API are answered.

use std::process::Stdio;
use std::time::Duration;

use rhythm_testing::slack::{FakeSlack, FakeUser, payloads};

use crate::cli::zone_at_noon;
use crate::support::{Rhythm, path_str};

#[tokio::test]
async fn run_sends_the_check_in_to_slack_and_answers_signed_commands() {
    let slack = FakeSlack::start().await;
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

    let mut child = rhythm
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
        .expect("rhythm run starts");
    let address = crate::cli::listening_address(child.stderr.take().unwrap());

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
