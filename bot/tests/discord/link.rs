//! `/rhythm link` from a Discord account Rhythm does not know: the code goes to the person's
//! Slack account, or to HR on Discord when they have no other; the right code links the
//! account, wrong ones count down; an unknown email is answered the same and sends nothing.

use std::sync::Arc;

use rhythm_bot::couriers::Couriers;
use rhythm_bot::discord::handler::DiscordHandler;
use rhythm_bot::discord::http::{DiscordHttp, routes};
use rhythm_bot::discord::messenger::DiscordMessenger;
use rhythm_bot::discord::verify::Verifier;
use rhythm_bot::follow_ups::Context;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_domain::clock::SystemClock;
use rhythm_testing::TestDb;
use rhythm_testing::discord::payloads;
use rhythm_testing::discord::{FakeDiscord, FakeDiscordUser};
use rhythm_testing::slack::{FakeSlack, FakeUser};
use serde_json::Value;
use tokio_util::task::TaskTracker;

use crate::support::{api, did};

/// Ana has a Slack account only; Hana (HR) a Discord account only; Carl no account.
const PEOPLE: &str = "email,name,timezone,role,slack_user_id,discord_user_id\n\
                      ana@example.com,Ana Lima,UTC,employee,U0000000A,\n\
                      hr@example.com,Hana Ross,UTC,hr_admin,,803511102246789180\n\
                      carl@example.com,Carl Berg,UTC,employee,,\n";

/// The account asking, new to Rhythm.
const ASKER: usize = 50;

struct Org {
    discord: FakeDiscord,
    slack: FakeSlack,
    db: TestDb,
    url: String,
}

impl Org {
    async fn start() -> Self {
        let discord = FakeDiscord::start().await;
        let slack = FakeSlack::start().await;
        slack.add_user(FakeUser::person("U0000000A", "ana@example.com", "Ana Lima"));
        for n in [ASKER, 60] {
            discord.add_user(FakeDiscordUser::new(&did(n), "someone", "Someone"));
        }
        let db = TestDb::new().await;
        db.import(PEOPLE).await;
        let couriers = Couriers::none()
            .with_slack(SlackMessenger::new(
                SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN),
                db.store.clone(),
            ))
            .with_discord(DiscordMessenger::new(api(&discord), db.store.clone()));
        let handler =
            DiscordHandler::new(api(&discord), db.store.clone(), Arc::new(db.clock.clone()))
                .in_context(Context::new(TaskTracker::new(), couriers));
        let verifier = Verifier::new(FakeDiscord::PUBLIC_KEY_HEX).unwrap();
        let http = DiscordHttp::new(Arc::new(handler), verifier, Arc::new(SystemClock));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/discord/interactions",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, routes(Arc::new(http))).await });
        Self {
            discord,
            slack,
            db,
            url,
        }
    }

    /// `/rhythm link WORD` from the asker; what they are shown.
    async fn link(&self, word: &str) -> String {
        let command = payloads::slash_command(
            &did(ASKER),
            "rhythm",
            Some(("link", &[("email_or_code", word)])),
        );
        self.send(&command).await
    }

    async fn send(&self, payload: &Value) -> String {
        let (status, body) = self.discord.post_interaction(&self.url, payload).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["type"], 4, "{body}");
        assert_eq!(body["data"]["flags"], 64, "only the asker sees it: {body}");
        body["data"]["content"].as_str().unwrap().to_owned()
    }

    async fn discord_ids_of(&self, email: &str) -> i64 {
        self.db
            .count(&format!(
                "SELECT COUNT(*) FROM chat_identities ci JOIN people p ON p.id = ci.person_id \
                 WHERE p.email = '{email}' AND ci.platform = 'discord' AND ci.user_id = '{}'",
                did(ASKER)
            ))
            .await
    }
}

/// The six-digit code in `text`: the only run of exactly six digits.
fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

#[tokio::test]
async fn a_discord_account_is_linked_by_a_code_sent_to_the_persons_slack() {
    let org = Org::start().await;

    let before = org
        .send(&payloads::slash_command(&did(ASKER), "checkin", None))
        .await;
    assert!(before.contains("/rhythm link you@example.com"), "{before}");

    let answer = org.link("ana@example.com").await;
    assert!(answer.contains("one-time code"), "{answer}");
    let dms = org.slack.messages_to("U0000000A");
    assert_eq!(dms.len(), 1, "the code goes to Ana's Slack");
    let dm = serde_json::to_string(&dms[0].blocks).unwrap();
    assert!(
        dm.contains(&did(ASKER)),
        "it names the asking account: {dm}"
    );
    let code = code_in(&dm);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let answer = org.link(wrong).await;
    assert!(answer.contains("4 more tries"), "{answer}");
    assert_eq!(org.discord_ids_of("ana@example.com").await, 0);

    let answer = org.link(&code).await;
    assert!(answer.starts_with("Linked"), "{answer}");
    assert!(answer.contains("ana@example.com"), "{answer}");
    assert_eq!(org.discord_ids_of("ana@example.com").await, 1);

    let zone = payloads::slash_command(
        &did(ASKER),
        "rhythm",
        Some(("timezone", &[("zone", "Asia/Tokyo")])),
    );
    let answer = org.send(&zone).await;
    assert!(
        answer.contains("Asia/Tokyo"),
        "Ana is known on Discord now: {answer}"
    );
    let answer = org.link(&code).await;
    assert!(answer.contains("already"), "{answer}");
    assert!(org.discord.spec_violations().is_empty());
}

#[tokio::test]
async fn without_another_account_hr_gets_the_code_to_pass_on() {
    let org = Org::start().await;
    let answer = org.link("carl@example.com").await;
    assert!(answer.contains("HR"), "{answer}");
    let to_hr = org.discord.messages_to(&did(60));
    assert_eq!(to_hr.len(), 1, "Hana (HR) gets it on Discord");
    let text = to_hr[0]["content"].as_str().unwrap().to_owned();
    assert!(text.contains("carl@example.com"), "{text}");
    let answer = org.link(&code_in(&text)).await;
    assert!(answer.starts_with("Linked"), "{answer}");
    assert_eq!(org.discord_ids_of("carl@example.com").await, 1);
}

#[tokio::test]
async fn an_unknown_email_is_answered_alike_and_nothing_is_sent_or_saved() {
    let org = Org::start().await;
    let known = org.link("carl@example.com").await;
    let unknown = org
        .link("nobody@example.com")
        .await
        .replace("nobody@example.com", "carl@example.com");
    assert_eq!(unknown, known, "the answer does not tell who works here");
    assert_eq!(
        org.db.count("SELECT COUNT(*) FROM link_codes").await,
        1,
        "only Carl's code is saved"
    );
    assert_eq!(org.discord.messages_to(&did(60)).len(), 1);
}

#[tokio::test]
async fn asking_again_within_a_minute_sends_no_second_code() {
    let org = Org::start().await;
    org.link("ana@example.com").await;
    org.link("ana@example.com").await;
    assert_eq!(org.slack.messages_to("U0000000A").len(), 1);
    let answer = org.link("not-an-email").await;
    assert!(answer.contains("is not an email address"), "{answer}");
    assert!(answer.contains("/rhythm link ana@example.com"), "{answer}");
}
