//! Secrets and privacy: `rhythm run` with a canary in every setting that takes a secret —
//! the Slack bot and app tokens, the Slack signing secret, the Discord token and, on
//! Postgres, a password in `DATABASE_URL` (in the userinfo and as a `password=` parameter;
//! trust auth ignores both; a SQLite URL carries none) — logging at `debug`, while people
//! type canaries on Slack and Discord: check-in answers and a blocker through the modal, a
//! command's words, an email asked to be linked. Forged and malformed requests, a call cut
//! off, and a token refused make the error paths log. Two processes: one on the HTTP
//! transports (Slack's Events API, Discord's interactions endpoint), one on the sockets
//! (Socket Mode, the gateway). The tokens are the fakes' own (nothing else is accepted),
//! each distinctive, and looked for whole and by a distinctive part. `DISCORD_PUBLIC_KEY` is
//! set too, but it is public (it checks signatures, it makes none): not a canary.
//!
//! Pass:
//! - no secret anywhere: not in the log (stderr), stdout, `/metrics`, `/healthz` or
//!   `/readyz`, nor in anything Rhythm answered or sent the fakes (messages, ephemerals,
//!   views, interaction callbacks and follow-ups). Discord's interaction tokens count as
//!   secrets too: each lets its holder answer as the bot for 15 minutes;
//! - what a person typed never in the log, stdout, metrics or health answers, and in
//!   replies only to that person: their DM, their ephemeral, their form reopened with their
//!   answers, their interaction's response. (Answers also reach a team's digest by design;
//!   no digest is due here.)
//!
//! Dependencies log at `debug` too (sqlx's statements, hyper, slack-morphism's request
//! lines): an operator who turns logging up turns it up for everything. At `trace`,
//! tungstenite prints every websocket frame, the gateway's IDENTIFY (with the token) and
//! Slack's envelopes (with answers) included: `trace` is a developer's tool, not covered.

use std::collections::HashMap;
use std::time::Duration;

use rhythm_testing::campaign::{Launch, Running};
use rhythm_testing::discord::payloads::{self as discord_payloads, FieldValue};
use rhythm_testing::discord::{DiscordFailure, FakeDiscord, FakeDiscordUser};
use rhythm_testing::slack::payloads::{self as slack_payloads, ValueKind};
use rhythm_testing::slack::{Failure, FakeSlack, dm_channel_id};
use serde_json::{Value, json};

use crate::support::{Org, uid, wait_until};

mod discord;
mod slack;

use discord::Discord;
use slack::Slack;

/// What person 0 answers to "What did you get done?".
const ANSWER: &str = "ANSWER-CANARY-7f3a";
/// What person 0 answers to "What's next?".
const NEXT: &str = "NEXT-CANARY-0b8d";
/// What person 0 answers to "Anything blocking you?".
const BLOCKER: &str = "BLOCKER-CANARY-2c9e";
/// What person 0 types after `/rhythm`.
const COMMAND: &str = "COMMAND-CANARY-5b1d";
/// The email a Slack account Rhythm does not know asks to be linked to.
const EMAIL: &str = "link-canary-8e6b@example.com";
/// The password in `DATABASE_URL`'s userinfo (Postgres).
const DB_PASSWORD: &str = "DBPASS-CANARY-4a0c";
/// The password in `DATABASE_URL`'s `password=` parameter (Postgres).
const DB_QUERY_PASSWORD: &str = "DBQUERY-CANARY-61f2";

/// Who types every canary but the stranger's.
const AUTHOR: usize = 0;
/// Imported on both platforms, types nothing: nothing private may reach them.
const OTHER: usize = 1;
/// A Slack account Rhythm does not know.
const STRANGER: &str = "U99999999";

const WAIT: Duration = Duration::from_secs(10);

/// Person `n`'s Discord user id.
fn did(n: usize) -> String {
    format!("{}", 803_511_102_246_789_120_u64 + n as u64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Person(usize),
    Stranger,
}

/// A string that must not show up where it does not belong.
struct Canary {
    name: String,
    value: String,
    /// Whose words these are: replies to them may hold them. `None`: a secret, nowhere.
    owner: Option<Who>,
}

impl Canary {
    fn secret(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
            owner: None,
        }
    }

    fn typed(name: &str, value: &str, owner: Who) -> Self {
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
            owner: Some(owner),
        }
    }
}

/// The secrets of the environment, whole and by a distinctive part (a token cut short, or
/// printed past a prefix, still shows).
fn secrets() -> Vec<Canary> {
    let mut canaries = Vec::new();
    for (name, value, part) in [
        (
            "SLACK_BOT_TOKEN",
            FakeSlack::BOT_TOKEN,
            "RhythmFakeBotToken",
        ),
        (
            "SLACK_APP_TOKEN",
            FakeSlack::APP_TOKEN,
            "rhythmfakeapptoken",
        ),
        (
            "SLACK_SIGNING_SECRET",
            FakeSlack::SIGNING_SECRET,
            "99rhythm0fake",
        ),
        (
            "DISCORD_TOKEN",
            FakeDiscord::BOT_TOKEN,
            "RhythmFakeDiscordBotToken",
        ),
    ] {
        assert!(value.contains(part), "{part} is part of {name}");
        canaries.push(Canary::secret(name, value));
        canaries.push(Canary::secret(&format!("part of {name}"), part));
    }
    canaries.push(Canary::secret("the DATABASE_URL password", DB_PASSWORD));
    canaries.push(Canary::secret(
        "the DATABASE_URL password= parameter",
        DB_QUERY_PASSWORD,
    ));
    canaries
}

/// What people typed.
fn typed() -> Vec<Canary> {
    let author = Who::Person(AUTHOR);
    vec![
        Canary::typed("a check-in answer", ANSWER, author),
        Canary::typed("a check-in answer", NEXT, author),
        Canary::typed("a blocker", BLOCKER, author),
        Canary::typed("a command's text", COMMAND, author),
        Canary::typed("an email asked to be linked", EMAIL, Who::Stranger),
    ]
}

/// Something Rhythm said: to whom, through what, and all of it.
struct Reply {
    to: Option<Who>,
    what: String,
    text: String,
}

/// What the test handed Rhythm and what it answered directly.
#[derive(Default)]
struct Seen {
    /// Whose each user id, DM channel, trigger id, interaction id and token is.
    handles: HashMap<String, Who>,
    /// Answers over HTTP and acks over Socket Mode, to their sender.
    answers: Vec<Reply>,
    /// Discord's interaction tokens, secrets like the environment's.
    interaction_tokens: Vec<String>,
}

impl Seen {
    fn new() -> Self {
        let mut seen = Self::default();
        for n in [AUTHOR, OTHER] {
            for handle in [
                uid(n),
                dm_channel_id(&uid(n)),
                did(n),
                rhythm_testing::discord::dm_channel_id(&did(n)),
            ] {
                seen.handles.insert(handle, Who::Person(n));
            }
        }
        seen.handles.insert(STRANGER.to_owned(), Who::Stranger);
        seen.handles.insert(dm_channel_id(STRANGER), Who::Stranger);
        seen
    }

    fn answered(&mut self, to: Who, what: &str, text: String) {
        self.answers.push(Reply {
            to: Some(to),
            what: what.to_owned(),
            text,
        });
    }
}

/// `rhythm run` with every secret setting given a canary, at `debug`.
fn launch(org: &Org, discord: &FakeDiscord) -> Launch {
    org.launch()
        .discord(discord)
        .env("DATABASE_URL", with_passwords(&org.db.url))
        .env("SLACK_SIGNING_SECRET", FakeSlack::SIGNING_SECRET)
        .env("DISCORD_PUBLIC_KEY", FakeDiscord::PUBLIC_KEY_HEX)
        .env("RHYTHM__LOG__LEVEL", "debug")
}

/// `url` with the canary passwords, if it can carry one (Postgres; SQLite has none).
fn with_passwords(url: &str) -> String {
    if !url.starts_with("postgres") {
        return url.to_owned();
    }
    let mut url = url::Url::parse(url).expect("the test database URL parses");
    url.set_password(Some(DB_PASSWORD))
        .expect("a Postgres URL takes a password");
    url.query_pairs_mut()
        .append_pair("password", DB_QUERY_PASSWORD);
    url.to_string()
}

/// The organisation: persons 0 and 1 on Slack and Discord (person 2 on Slack only).
async fn org_on_both(discord: &FakeDiscord) -> Org {
    let org = Org::new(3).await;
    let mut csv = String::from("email,name,discord_user_id\n");
    for n in [AUTHOR, OTHER] {
        discord.add_user(FakeDiscordUser::new(
            &did(n),
            &format!("person{n}"),
            &format!("Person {n}"),
        ));
        csv.push_str(&format!("p{n}@example.com,Person {n},{}\n", did(n)));
    }
    org.db.import(&csv).await;
    org
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_answer_leaks_over_the_http_transports() {
    let discord = FakeDiscord::start().await;
    let org = org_on_both(&discord).await;
    // Discord refuses the token when the commands are registered at start: an error path
    // that logs, while interactions still arrive over HTTP.
    discord.fail_next(
        "PUT /applications/{application_id}/commands",
        1,
        DiscordFailure::Code {
            status: 401,
            code: 0,
            message: "401: Unauthorized".to_owned(),
        },
    );
    let rhythm = launch(&org, &discord)
        .env("RHYTHM__SLACK__MODE", "http")
        .env("RHYTHM__DISCORD__MODE", "http")
        .spawn("secrets-http");
    // Not ready once Discord has refused the token: up is enough.
    wait_until("rhythm answers", WAIT * 2, async || {
        rhythm.get("/healthz").await == Some(200)
    })
    .await;
    let mut seen = Seen::new();

    let slack = Slack::new(&org.slack, Some(rhythm.url("")));
    slack.check_in_and_command(&mut seen).await;
    slack.forged_and_malformed(&mut seen).await;
    let discord_http = Discord::new(&discord, Some(rhythm.url("/discord/interactions")));
    discord_http.check_in_and_command(&mut seen).await;
    discord_http.forged(&mut seen).await;
    slack.refused(&mut seen, &rhythm).await;
    wait_until("Discord's refusal is logged", WAIT, async || {
        rhythm.log().contains("Discord refused the bot token")
    })
    .await;

    finish(rhythm, &org, &discord, seen, "secrets-http").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_answer_leaks_over_the_sockets() {
    let discord = FakeDiscord::start().await;
    let org = org_on_both(&discord).await;
    let rhythm = launch(&org, &discord).spawn("secrets-sockets");
    assert!(rhythm.wait_ready(WAIT * 2).await, "{}", rhythm.log());
    assert!(
        org.slack.wait_for_socket(WAIT).await,
        "Socket Mode connects"
    );
    assert!(discord.wait_for_ready(WAIT).await, "the gateway connects");
    let mut seen = Seen::new();

    let slack = Slack::new(&org.slack, None);
    slack.check_in_and_command(&mut seen).await;
    slack.forged_and_malformed(&mut seen).await;
    let gateway = Discord::new(&discord, None);
    gateway.check_in_and_command(&mut seen).await;
    gateway.forged(&mut seen).await;
    gateway.cut_off_and_refused(&mut seen, &rhythm).await;
    slack.refused(&mut seen, &rhythm).await;

    finish(rhythm, &org, &discord, seen, "secrets-sockets").await;
}

/// Scrapes the HTTP surface, stops the process, gathers everything it said, and checks it.
async fn finish(rhythm: Running, org: &Org, discord: &FakeDiscord, seen: Seen, name: &str) {
    let client = reqwest::Client::new();
    let mut surfaces = Vec::new();
    for path in ["/metrics", "/healthz", "/readyz"] {
        let response = client.get(rhythm.url(path)).send().await.unwrap();
        surfaces.push((path.to_owned(), response.text().await.unwrap()));
    }
    assert_eq!(rhythm.terminate().await, Some(0), "a clean stop");
    let read = |file: &str| std::fs::read_to_string(org.dir.path().join(file)).unwrap();
    let log = read(&format!("{name}.log"));
    surfaces.push(("the log".to_owned(), log.clone()));
    surfaces.push(("stdout".to_owned(), read(&format!("{name}.out"))));

    let mut replies = slack_replies(&org.slack, &seen);
    replies.extend(discord_replies(discord, &seen));
    replies.extend(seen.answers);

    // The traffic really carried the canaries, and the log really was verbose.
    assert!(
        log.contains(r#""level":"DEBUG""#) && log.contains(r#""target":"rhythm"#),
        "Rhythm's debug lines are in the log"
    );
    for (platform, canary) in [
        ("Slack", ANSWER),
        ("Slack", BLOCKER),
        ("Slack", COMMAND),
        ("Discord", ANSWER),
        ("Discord", BLOCKER),
        ("Discord", COMMAND),
    ] {
        assert!(
            replies
                .iter()
                .any(|reply| reply.to == Some(Who::Person(AUTHOR))
                    && reply.what.starts_with(platform)
                    && reply.text.contains(canary)),
            "{canary} came back to its author on {platform}"
        );
    }

    let mut canaries = secrets();
    canaries.extend(typed());
    for token in &seen.interaction_tokens {
        canaries.push(Canary::secret("a Discord interaction token", token));
    }
    let leaks = leaks(&canaries, &surfaces, &replies);
    println!(
        "{name}: {} canaries, {} log lines, {} replies checked",
        canaries.len(),
        log.lines().count(),
        replies.len()
    );
    assert!(
        leaks.is_empty(),
        "{} leak(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// Where a canary is where it must not be, each with the offending line.
fn leaks(canaries: &[Canary], surfaces: &[(String, String)], replies: &[Reply]) -> Vec<String> {
    let mut found = Vec::new();
    for (surface, text) in surfaces {
        for line in text.lines() {
            for canary in canaries.iter().filter(|c| line.contains(&c.value)) {
                found.push(format!(
                    "{} ({}) in {surface}: {}",
                    canary.name,
                    canary.value,
                    around(line, &canary.value)
                ));
            }
        }
    }
    for reply in replies {
        for canary in canaries.iter().filter(|c| reply.text.contains(&c.value)) {
            if canary.owner.is_none() || canary.owner != reply.to {
                found.push(format!(
                    "{} ({}) in {} to {:?}: {}",
                    canary.name,
                    canary.value,
                    reply.what,
                    reply.to,
                    around(&reply.text, &canary.value)
                ));
            }
        }
    }
    found
}

/// `text` within 300 characters of `needle`.
fn around(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap_or(0);
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(300)
        .map_or(0, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .nth(needle.len() + 300)
        .map_or(text.len(), |(i, _)| at + i);
    let before = if start > 0 { "…" } else { "" };
    let after = if end < text.len() { "…" } else { "" };
    format!("{before}{}{after}", &text[start..end])
}

/// Every Web API call Rhythm made, to whom its method addresses.
fn slack_replies(fake: &FakeSlack, seen: &Seen) -> Vec<Reply> {
    fake.all_calls()
        .into_iter()
        .map(|(method, params)| {
            let address = match method.as_str() {
                "chat.postMessage" | "chat.update" => params["channel"].as_str(),
                "chat.postEphemeral" => params["user"].as_str(),
                "views.open" | "views.update" => params["trigger_id"].as_str(),
                "conversations.open" => params["users"].as_str(),
                _ => None,
            };
            Reply {
                to: address.and_then(|address| seen.handles.get(address).copied()),
                what: format!("Slack {method}"),
                text: params.to_string(),
            }
        })
        .collect()
}

/// Every REST call Rhythm made, to whom its path (a DM channel, an interaction's id and
/// token) or its recipient addresses. The text is the body and query: the path of an
/// interaction's callback carries its token by design.
fn discord_replies(fake: &FakeDiscord, seen: &Seen) -> Vec<Reply> {
    fake.all_calls()
        .into_iter()
        .map(|call| {
            let to = call
                .path
                .split('/')
                .chain(call.body["recipient_id"].as_str())
                .find_map(|part| seen.handles.get(part).copied());
            Reply {
                to,
                what: format!("Discord {} {}", call.method, call.route.unwrap_or("?")),
                text: format!("{} {}", call.query.unwrap_or_default(), call.body),
            }
        })
        .collect()
}
