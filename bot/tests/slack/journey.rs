//! A week of check-ins in Slack, over each transport (the HTTP Events API and Socket Mode):
//! a snoozed prompt comes back an hour later, is answered and then edited; a skip; a late
//! answer marked late; and `/rhythm ooo` keeps the next day's prompt away.

use std::sync::Arc;

use chrono::Duration;
use rhythm_bot::follow_ups::Context;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::http::{SlackHttp, routes};
use rhythm_bot::slack::socket;
use rhythm_bot::slack::verify::Verifier;
use rhythm_domain::checkin::Answers;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::{CheckInId, CheckIns as _};
use rhythm_scheduler::planner::Planner;
use rhythm_testing::TestDb;
use rhythm_testing::slack::payloads::{self, ValueKind};
use rhythm_testing::slack::{FakeMessage, FakeSlack};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::support::{dispatcher, eventually, find_button, org, uid};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Http,
    Socket,
}

/// Three people on Slack with today's 10:00 UTC check-in due, and Rhythm listening on one
/// transport.
struct Week {
    transport: Transport,
    slack: FakeSlack,
    db: TestDb,
    url: String,
    shutdown: CancellationToken,
    context: Context,
}

impl Week {
    async fn start(transport: Transport) -> Self {
        let slack = FakeSlack::start().await;
        let db = org(3, &slack).await;
        let clock = Arc::new(db.clock.clone());
        let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
        // Shared with the handler, so that the Web API calls it makes after each ack
        // (`views.open`, `chat.update`) can be waited for before looking at the fake.
        let context = Context::default();
        let handler = SlackHandler::new(api.clone(), db.store.clone(), clock.clone())
            .in_context(context.clone());
        let shutdown = CancellationToken::new();
        let mut url = String::new();
        match transport {
            Transport::Http => {
                let verifier = Verifier::new(FakeSlack::SIGNING_SECRET);
                let http = SlackHttp::new(handler, verifier, clock);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                url = format!("http://{}", listener.local_addr().unwrap());
                tokio::spawn(async move { axum::serve(listener, routes(Arc::new(http))).await });
            }
            Transport::Socket => {
                let token = FakeSlack::APP_TOKEN.to_owned();
                tokio::spawn(socket::run(api, token, handler, shutdown.clone()));
                let connected = slack
                    .wait_for_socket(std::time::Duration::from_secs(5))
                    .await;
                assert!(connected, "Socket Mode connects");
            }
        }
        Self {
            transport,
            slack,
            db,
            url,
            shutdown,
            context,
        }
    }

    async fn dispatch(&self) {
        dispatcher(&self.db, &self.slack).run_due().await.unwrap();
    }

    /// What Slack sends Rhythm, over this week's transport; the ack's JSON, if any.
    async fn deliver(&self, kind: &str, payload: Value, form: String) -> Option<Value> {
        let ack = self.send(kind, payload, form).await;
        self.context.settle().await;
        ack
    }

    async fn send(&self, kind: &str, payload: Value, form: String) -> Option<Value> {
        match self.transport {
            Transport::Socket => self.slack.send_envelope(kind, payload, true).await.unwrap(),
            Transport::Http => {
                let path = if kind == "slash_commands" {
                    "/slack/commands"
                } else {
                    "/slack/interactions"
                };
                let at = self.db.clock.now().timestamp();
                let mut request = reqwest::Client::new()
                    .post(format!("{}{path}", self.url))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form.clone());
                for (name, value) in
                    payloads::signed_headers(FakeSlack::SIGNING_SECRET, at, form.as_bytes())
                {
                    request = request.header(name, value);
                }
                let response = request.send().await.unwrap();
                assert_eq!(response.status().as_u16(), 200, "{form}");
                let body = response.text().await.unwrap();
                (!body.is_empty()).then(|| serde_json::from_str(&body).unwrap())
            }
        }
    }

    async fn interact(&self, payload: Value) -> Option<Value> {
        let form = payloads::interactive_form_body(&payload);
        self.deliver("interactive", payload, form).await
    }

    async fn command(&self, user: &str, command: &str, text: &str) -> String {
        let trigger = self.slack.new_trigger_id();
        let payload = payloads::slash_command(user, command, text, &trigger);
        let form = payloads::slash_command_form(user, command, text, &trigger);
        let ack = self.deliver("slash_commands", payload, form).await;
        ack.and_then(|ack| ack["text"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The newest DM to `user`.
    fn prompt(&self, user: &str) -> FakeMessage {
        self.slack
            .messages_to(user)
            .pop()
            .unwrap_or_else(|| panic!("a DM to {user}"))
    }

    /// `user` presses `action` on their newest DM.
    async fn press(&self, user: &str, action: &str) -> Option<Value> {
        let dm = self.prompt(user);
        let blocks = serde_json::to_value(&dm.blocks).unwrap();
        let value = find_button(&blocks, action);
        let trigger = self.slack.new_trigger_id();
        let press = payloads::block_actions(user, action, &value, &dm.channel, &dm.ts, &trigger);
        self.interact(press).await
    }

    /// `user` opens the form from their newest DM and submits `done`.
    async fn answer(&self, user: &str, button: &str, done: &str) -> Value {
        let views = self.slack.views_opened().len();
        assert_eq!(self.press(user, button).await, None, "the press is acked");
        let view = self.slack.views_opened().remove(views);
        let mood = ValueKind::StaticSelect {
            value: "3".into(),
            text: "3 · Okay".into(),
        };
        let text = |t: &str| ValueKind::PlainText(t.to_owned());
        let values = [
            ("mood", "mood", mood),
            ("done", "done", text(done)),
            ("next", "next", text("Docs")),
        ];
        let submitted = payloads::submission_of(&view, user, &values);
        assert_eq!(self.interact(submitted).await, None, "the modal closes");
        view
    }

    async fn checkin_of(&self, n: usize) -> rhythm_domain::ports::CheckIn {
        let id = self
            .db
            .count(&format!(
                "SELECT MAX(c.id) FROM checkins c JOIN people p ON p.id = c.person_id \
                 WHERE p.email = 'p{n}@x.com'"
            ))
            .await;
        self.db.store.checkin(CheckInId(id)).await.unwrap().unwrap()
    }

    fn stop(&self) {
        self.shutdown.cancel();
    }
}

fn done(answers: Option<&Answers>) -> Option<&str> {
    answers.and_then(|a| a.0.get("done")).map(String::as_str)
}

async fn a_week_of_check_ins(transport: Transport) {
    let week = Week::start(transport).await;
    let (ana, ben, cy) = (uid(0), uid(1), uid(2));
    week.dispatch().await;

    // Ana snoozes; an hour later she is asked again, answers, and edits her answer.
    assert_eq!(week.press(&ana, "checkin:snooze").await, None);
    assert!(
        week.prompt(&ana).text.starts_with("Snoozed"),
        "{:?}",
        week.prompt(&ana)
    );
    week.db.clock.advance(Duration::minutes(61));
    week.dispatch().await;
    assert_eq!(week.slack.messages_to(&ana).len(), 2, "asked again");
    week.answer(&ana, "checkin:start", "Shipped").await;
    assert_eq!(week.prompt(&ana).text, "Checked in ✓");
    let edit_view = week
        .answer(&ana, "checkin:start", "Shipped and documented")
        .await;
    assert!(
        edit_view.to_string().contains("Shipped"),
        "the form holds the answers given: {edit_view}"
    );
    let checkin = week.checkin_of(0).await;
    assert_eq!(
        done(checkin.answers.as_ref()),
        Some("Shipped and documented")
    );
    assert!(!checkin.late);

    // Ben skips.
    assert_eq!(week.press(&ben, "checkin:skip").await, None);
    assert!(week.prompt(&ben).text.starts_with("Skipped today"));
    assert_eq!(
        week.checkin_of(1).await.status,
        rhythm_domain::ports::CheckInStatus::Skipped
    );

    // Cy answers after the window closed at 17:00: accepted, marked late.
    week.db.clock.advance(Duration::hours(7));
    week.answer(&cy, "checkin:start", "Late but done").await;
    let late = week.checkin_of(2).await;
    assert!(late.late, "{late:?}");
    assert_eq!(done(late.answers.as_ref()), Some("Late but done"));
    assert_eq!(week.prompt(&cy).text, "Checked in ✓");
    let blocks = serde_json::to_string(&week.prompt(&cy).blocks).unwrap();
    assert!(blocks.contains("(late)"), "{blocks}");

    // Ana is away tomorrow: tomorrow's prompt goes to the others only.
    let tomorrow = (week.db.clock.now() + Duration::days(1)).date_naive();
    let said = week
        .command(&ana, "/rhythm", &format!("ooo {tomorrow} {tomorrow}"))
        .await;
    assert!(said.contains(&tomorrow.to_string()), "{said}");
    week.db.clock.advance(Duration::hours(16)); // tomorrow 10:01 UTC, within the grace
    let planner = Planner::new(week.db.store.clone(), Arc::new(week.db.clock.clone()), 100);
    planner.run_due().await.unwrap();
    week.dispatch().await;
    assert_eq!(week.slack.messages_to(&ana).len(), 2, "nothing new for Ana");
    assert_eq!(week.slack.messages_to(&ben).len(), 2, "Ben is asked again");
    let acked = eventually(std::time::Duration::from_secs(2), || {
        week.transport == Transport::Http || week.slack.unacked_envelopes().is_empty()
    })
    .await;
    assert!(acked, "every envelope acked");
    week.stop();
}

#[tokio::test]
async fn a_week_of_check_ins_over_the_http_events_api() {
    a_week_of_check_ins(Transport::Http).await;
}

#[tokio::test]
async fn a_week_of_check_ins_over_socket_mode() {
    a_week_of_check_ins(Transport::Socket).await;
}
