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

/// Slack's side: over HTTP (the base URL) or Socket Mode.
struct Slack<'a> {
    fake: &'a FakeSlack,
    http: Option<String>,
    client: reqwest::Client,
}

impl<'a> Slack<'a> {
    fn new(fake: &'a FakeSlack, http: Option<String>) -> Self {
        Self {
            fake,
            http,
            client: reqwest::Client::new(),
        }
    }

    /// `/checkin` answered through the modal with the canaries, `/checkin` again (the form
    /// holds the answers), `/rhythm` with canary words, and a stranger's link request.
    async fn check_in_and_command(&self, seen: &mut Seen) {
        let author = Who::Person(AUTHOR);
        let view = self.form(seen, AUTHOR).await;
        let mood = option_text(&view, "mood", "3");
        let values = [
            (
                "mood",
                "mood",
                ValueKind::StaticSelect {
                    value: "3".to_owned(),
                    text: mood,
                },
            ),
            ("done", "done", ValueKind::PlainText(ANSWER.to_owned())),
            ("next", "next", ValueKind::PlainText(NEXT.to_owned())),
            (
                "blockers",
                "blockers",
                ValueKind::PlainText(BLOCKER.to_owned()),
            ),
        ];
        let submitted = slack_payloads::submission_of(&view, &uid(AUTHOR), &values);
        seen.handles
            .insert(submitted["trigger_id"].as_str().unwrap().to_owned(), author);
        let ack = self.send(seen, author, "interactive", &submitted).await;
        assert_eq!(ack, (200, String::new()), "the answers are saved");
        let again = self.form(seen, AUTHOR).await;
        assert!(again.to_string().contains(ANSWER), "{again}");

        let (status, _) = self.command(seen, author, &uid(AUTHOR), COMMAND).await;
        assert_eq!(status, 200);
        let link = format!("link {EMAIL}");
        let (status, _) = self.command(seen, Who::Stranger, STRANGER, &link).await;
        assert_eq!(status, 200);
        // Answers typed into the DM instead of the form: an event Rhythm acknowledges.
        let dm = slack_payloads::dm_message(
            &uid(AUTHOR),
            &format!("{ANSWER} {BLOCKER}"),
            "1700000100.000100",
        );
        let event = slack_payloads::event_callback("Ev0CANARY01", dm);
        let (status, _) = self.send(seen, author, "events_api", &event).await;
        assert_eq!(status, 200);
    }

    /// Over HTTP: a request with canaries signed with no secret or the wrong one (401), and
    /// one whose payload is not JSON (400). Over Socket Mode: an envelope that is not an
    /// interaction Rhythm can read.
    async fn forged_and_malformed(&self, seen: &mut Seen) {
        let author = Who::Person(AUTHOR);
        let form = slack_payloads::slash_command_form(
            &uid(AUTHOR),
            "/rhythm",
            &format!("{COMMAND} {ANSWER}"),
            "forged-trigger",
        );
        let Some(base) = &self.http else {
            let payload = json!({
                "type": "view_submission",
                "view": {"state": {"values": {"done": {"done": {"value": ANSWER}}}}},
            });
            let ack = self.fake.send_envelope("interactive", payload, true).await;
            let ack = ack.expect("a malformed envelope is acked");
            seen.answered(
                author,
                "Slack ack of a malformed envelope",
                format!("{ack:?}"),
            );
            return;
        };
        let now = chrono::Utc::now().timestamp();
        for secret in [None, Some("not-the-signing-secret")] {
            let mut request = self
                .client
                .post(format!("{base}/slack/commands"))
                .body(form.clone());
            request = request.header("content-type", "application/x-www-form-urlencoded");
            request = request.header("X-Slack-Request-Timestamp", now.to_string());
            let signature = secret.map_or_else(
                || format!("v0={}", "0".repeat(64)),
                |secret| slack_payloads::sign(secret, now, form.as_bytes()),
            );
            let response = request
                .header("X-Slack-Signature", signature)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 401);
            let body = response.text().await.unwrap();
            seen.answered(author, "Slack HTTP answer to a forged request", body);
        }
        let not_json = format!("payload=%7B%22done%22%3A%22{ANSWER}");
        let (status, body) = self.post("/slack/interactions", not_json).await;
        assert_eq!(status, 400, "{body}");
        seen.answered(author, "Slack HTTP answer to a malformed request", body);
    }

    /// A `views.open` cut off, then one refused with `invalid_auth`: Slack sends stop, and
    /// `/readyz` says why (scraped at the end).
    async fn refused(&self, seen: &mut Seen, rhythm: &Running) {
        let author = Who::Person(AUTHOR);
        let whispers = self.fake.calls("chat.postEphemeral").len();
        self.fake.fail_next("views.open", 1, Failure::Dropped);
        self.command_raw(seen, author, &uid(AUTHOR), "/checkin", "")
            .await;
        wait_until("the cut-off form is apologised for", WAIT, async || {
            self.fake.calls("chat.postEphemeral").len() > whispers
        })
        .await;
        self.fake
            .fail_next("views.open", 1, Failure::Slack("invalid_auth"));
        self.command_raw(seen, author, &uid(AUTHOR), "/checkin", "")
            .await;
        wait_until("Slack's refusal is logged", WAIT, async || {
            rhythm.log().contains("Slack refused the bot token")
        })
        .await;
    }

    /// The form `/checkin` opens for person `n`.
    async fn form(&self, seen: &mut Seen, n: usize) -> Value {
        let before = self.fake.views_opened().len();
        let (status, body) = self
            .command_raw(seen, Who::Person(n), &uid(n), "/checkin", "")
            .await;
        assert_eq!((status, body.as_str()), (200, ""), "/checkin is acked");
        wait_until("the form opens", WAIT, async || {
            self.fake.views_opened().len() > before
        })
        .await;
        self.fake.views_opened().remove(before)
    }

    async fn command(&self, seen: &mut Seen, who: Who, user: &str, text: &str) -> (u16, String) {
        self.command_raw(seen, who, user, "/rhythm", text).await
    }

    async fn command_raw(
        &self,
        seen: &mut Seen,
        who: Who,
        user: &str,
        command: &str,
        text: &str,
    ) -> (u16, String) {
        let trigger = self.fake.new_trigger_id();
        seen.handles.insert(trigger.clone(), who);
        let payload = slack_payloads::slash_command(user, command, text, &trigger);
        self.send(seen, who, "slash_commands", &payload).await
    }

    /// Sends `payload` as Slack would on this transport; the answer's status and body (an
    /// ack's payload over Socket Mode, as 200).
    async fn send(&self, seen: &mut Seen, who: Who, kind: &str, payload: &Value) -> (u16, String) {
        let (status, body) = if self.http.is_some() {
            let (path, form) = if kind == "slash_commands" {
                let fields = payload.as_object().unwrap();
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for (key, value) in fields {
                    form.append_pair(key, value.as_str().unwrap_or("false"));
                }
                ("/slack/commands", form.finish())
            } else if kind == "events_api" {
                ("/slack/events", payload.to_string())
            } else {
                (
                    "/slack/interactions",
                    slack_payloads::interactive_form_body(payload),
                )
            };
            self.post(path, form).await
        } else {
            let ack = self.fake.send_envelope(kind, payload.clone(), true).await;
            let ack = ack.expect("the envelope is acked");
            (200, ack.map(|ack| ack.to_string()).unwrap_or_default())
        };
        seen.answered(who, &format!("Slack answer to {kind}"), body.clone());
        (status, body)
    }

    /// A signed POST over HTTP: JSON to `/slack/events`, a form elsewhere.
    async fn post(&self, path: &str, body: String) -> (u16, String) {
        let base = self.http.as_ref().expect("Slack over HTTP");
        let now = chrono::Utc::now().timestamp();
        let content_type = if path == "/slack/events" {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut request = self
            .client
            .post(format!("{base}{path}"))
            .header("content-type", content_type);
        for (name, value) in
            slack_payloads::signed_headers(FakeSlack::SIGNING_SECRET, now, body.as_bytes())
        {
            request = request.header(name, value);
        }
        let response = request.body(body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}

/// The label of option `value` of select `field` in a Slack view.
fn option_text(view: &Value, field: &str, value: &str) -> String {
    let blocks = view["blocks"].as_array().into_iter().flatten();
    let input = blocks
        .filter(|block| block["block_id"] == field)
        .find_map(|block| block["element"]["options"].as_array())
        .unwrap_or_else(|| panic!("no select {field} in {view}"));
    input
        .iter()
        .find(|option| option["value"] == value)
        .and_then(|option| option["text"]["text"].as_str())
        .unwrap_or_else(|| panic!("no option {value} in {field}"))
        .to_owned()
}

/// Discord's side: over the HTTP interactions endpoint (its URL) or the gateway.
struct Discord<'a> {
    fake: &'a FakeDiscord,
    http: Option<String>,
}

impl<'a> Discord<'a> {
    fn new(fake: &'a FakeDiscord, http: Option<String>) -> Self {
        Self { fake, http }
    }

    /// `/checkin` answered through the modal with the canaries, `/checkin` again, and
    /// `/rhythm timezone` with canary words.
    async fn check_in_and_command(&self, seen: &mut Seen) {
        let user = did(AUTHOR);
        let modal = self.modal(seen).await;
        let fields: Vec<(&str, FieldValue)> = [
            ("mood", "3"),
            ("done", ANSWER),
            ("next", NEXT),
            ("blockers", BLOCKER),
        ]
        .into_iter()
        .map(|(field, answer)| (field, field_value(&modal, field, answer)))
        .collect();
        let custom_id = modal["custom_id"].as_str().unwrap();
        let submitted = discord_payloads::modal_submit(&user, custom_id, &fields);
        let response = self.send(seen, &submitted).await;
        assert!(response.is_object(), "the answers are saved: {response}");
        let again = self.modal(seen).await;
        assert!(again.to_string().contains(ANSWER), "{again}");

        let options: &[(&str, &str)] = &[("zone", COMMAND)];
        let command = discord_payloads::slash_command(&user, "rhythm", Some(("timezone", options)));
        let response = self.send(seen, &command).await;
        assert!(response.to_string().contains(COMMAND), "{response}");
    }

    /// Over HTTP: an interaction with canaries and a signature that does not match (401).
    /// Over the gateway: an interaction Rhythm cannot read.
    async fn forged(&self, seen: &mut Seen) {
        let author = Who::Person(AUTHOR);
        let mut payload = discord_payloads::slash_command(
            &did(AUTHOR),
            "rhythm",
            Some(("timezone", &[("zone", ANSWER)])),
        );
        self.register(seen, &payload);
        let Some(url) = &self.http else {
            payload.as_object_mut().unwrap().remove("id");
            self.fake.dispatch("INTERACTION_CREATE", payload);
            return;
        };
        let body = payload.to_string();
        let now = chrono::Utc::now().timestamp();
        let mut request = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body.clone());
        for (name, value) in discord_payloads::signed_headers(now, b"something else") {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        seen.answered(
            author,
            "Discord HTTP answer to a forged interaction",
            response.text().await.unwrap(),
        );
    }

    /// Over the gateway: an interaction's callback cut off (its URL holds the token), then one
    /// refused with 401: Discord sends stop, and `/readyz` says why (scraped at the end).
    async fn cut_off_and_refused(&self, seen: &mut Seen, rhythm: &Running) {
        let callback = "POST /interactions/{interaction_id}/{token}/callback";
        self.fake.fail_next(callback, 1, DiscordFailure::Dropped);
        let help = discord_payloads::slash_command(&did(AUTHOR), "rhythm", Some(("help", &[])));
        self.register(seen, &help);
        self.fake.dispatch_interaction(help);
        wait_until("the cut-off callback is logged", WAIT, async || {
            rhythm.log().contains("could not answer an interaction")
        })
        .await;
        let refused = DiscordFailure::Code {
            status: 401,
            code: 0,
            message: "401: Unauthorized".to_owned(),
        };
        self.fake.fail_next(callback, 1, refused);
        let help = discord_payloads::slash_command(&did(AUTHOR), "rhythm", Some(("help", &[])));
        self.register(seen, &help);
        self.fake.dispatch_interaction(help);
        wait_until("Discord's refusal is logged", WAIT, async || {
            rhythm.log().contains("Discord refused the bot token")
        })
        .await;
    }

    /// The modal `/checkin` opens for the author.
    async fn modal(&self, seen: &mut Seen) -> Value {
        let checkin = discord_payloads::slash_command(&did(AUTHOR), "checkin", None);
        let response = self.send(seen, &checkin).await;
        assert_eq!(response["type"], 9, "a modal: {response}");
        response["data"].clone()
    }

    /// Remembers whose the interaction's id and token are.
    fn register(&self, seen: &mut Seen, payload: &Value) {
        let who = Who::Person(AUTHOR);
        for key in ["id", "token"] {
            seen.handles
                .insert(payload[key].as_str().unwrap().to_owned(), who);
        }
        seen.interaction_tokens
            .push(payload["token"].as_str().unwrap().to_owned());
    }

    /// Sends `payload` from the author as Discord would on this transport; the response.
    async fn send(&self, seen: &mut Seen, payload: &Value) -> Value {
        self.register(seen, payload);
        match &self.http {
            Some(url) => {
                let (status, body) = self.fake.post_interaction(url, payload).await;
                assert_eq!(status, 200, "{body}");
                seen.answered(Who::Person(AUTHOR), "Discord HTTP answer", body.to_string());
                body
            }
            None => {
                let id = self.fake.dispatch_interaction(payload.clone());
                wait_until("the interaction is answered", WAIT, async || {
                    !self.fake.callbacks(&id).is_empty()
                })
                .await;
                self.fake.callbacks(&id).remove(0)
            }
        }
    }
}

/// `answer` as Discord reports it for `field` of `modal`: chosen in a select, or typed.
fn field_value(modal: &Value, field: &str, answer: &str) -> FieldValue {
    let components = modal["components"].as_array().into_iter().flatten();
    let input = components
        .map(|c| match c["type"].as_u64() {
            Some(18) => &c["component"],
            _ => &c["components"][0],
        })
        .find(|input| input["custom_id"] == field)
        .unwrap_or_else(|| panic!("no field {field} in {modal}"));
    if input["type"] == 3 {
        FieldValue::Select(vec![answer.to_owned()])
    } else {
        FieldValue::Text(answer.to_owned())
    }
}
