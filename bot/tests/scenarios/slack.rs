//! Chat on Slack: the fake Slack, Rhythm's Slack handler on the HTTP Events API or in Socket
//! Mode, and what people see there, in the driver's terms. A form opens with `views.open`
//! after the ack; private text is the ack of a command, or an ephemeral message after a press.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use rhythm_bot::follow_ups::Context;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::http::{SlackHttp, routes};
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_bot::slack::socket;
use rhythm_bot::slack::verify::Verifier;
use rhythm_domain::clock::Clock as _;
use rhythm_scheduler::pace::{Limits, Rate};
use rhythm_testing::slack::payloads::{self, ValueKind};
use rhythm_testing::slack::{CallOutcome, FakeMessage, FakeSlack, FakeUser};
use rhythm_testing::{TestDb, eventually};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::PEOPLE;
use crate::chat::{Outcome, Shown, Submission, serve};
use crate::org::{dispatcher, org, paced};

mod kudos;
mod reviews;
mod wire;

pub(crate) use kudos::KUDOS_CHANNEL;
use wire::{button_value, form_of, shown, texts, value_kind};

const WAIT: Duration = Duration::from_secs(5);

/// Person `n`'s Slack member id.
pub(crate) fn uid(n: usize) -> String {
    format!("U{n:08}")
}

pub(crate) struct Slack {
    fake: FakeSlack,
    /// The HTTP endpoints' base URL; `None` in Socket Mode.
    http: Option<String>,
    /// The handler's context: the Web API calls it makes after its acks, which each action
    /// waits for.
    context: Context,
    /// The view last opened for each person.
    forms: HashMap<usize, Value>,
    /// Messages written and events sent so far (for their ids).
    posts: usize,
    /// Each person's last reaction event, to redeliver.
    reactions: HashMap<usize, Value>,
}

/// What a person could see before they acted.
struct Before {
    views: usize,
    ephemerals: usize,
}

impl Slack {
    pub(crate) async fn start(socket_mode: bool, shutdown: &CancellationToken) -> (Self, TestDb) {
        let fake = FakeSlack::start().await;
        for n in 0..PEOPLE {
            let (email, name) = (format!("p{n}@x.com"), format!("Person {n}"));
            fake.add_user(FakeUser::person(&uid(n), &email, &name));
        }
        let db = org(PEOPLE, "slack_user_id", uid).await;
        let clock = Arc::new(db.clock.clone());
        let api = SlackApi::new(&fake.api_url(), FakeSlack::BOT_TOKEN);
        let context = Context::default();
        let handler = SlackHandler::new(api.clone(), db.store.clone(), clock.clone())
            .in_context(context.clone());
        let http = if socket_mode {
            let token = FakeSlack::APP_TOKEN.to_owned();
            tokio::spawn(socket::run(api, token, handler, shutdown.clone()));
            assert!(fake.wait_for_socket(WAIT).await, "Socket Mode connects");
            None
        } else {
            let verifier = Verifier::new(FakeSlack::SIGNING_SECRET);
            let http = SlackHttp::new(handler, verifier, clock);
            Some(serve(routes(Arc::new(http)), shutdown).await)
        };
        let slack = Self {
            fake,
            http,
            context,
            forms: HashMap::new(),
            posts: 0,
            reactions: HashMap::new(),
        };
        slack.fake.add_channel(kudos::TEAM_CHANNEL);
        slack.fake.add_channel(KUDOS_CHANNEL);
        (slack, db)
    }

    /// Sends what is due through the Slack messenger, paced one message a second per person
    /// on the test's clock.
    pub(crate) async fn dispatch(&self, db: &TestDb) {
        let api = SlackApi::new(&self.fake.api_url(), FakeSlack::BOT_TOKEN);
        let limits = Limits {
            overall: None,
            per_recipient: Rate::per_second(1.0),
        };
        let messenger = paced(db, SlackMessenger::new(api, db.store.clone()), limits);
        dispatcher(db, messenger).run_due().await.unwrap();
    }

    pub(crate) fn dms(&self, n: usize) -> Vec<Shown> {
        self.fake.messages_to(&uid(n)).iter().map(shown).collect()
    }

    pub(crate) async fn press(&mut self, db: &TestDb, n: usize, action: &str) -> Outcome {
        let user = uid(n);
        let Some(dm) = self.fake.messages_to(&user).pop() else {
            panic!("person {n} has no DM to press {action} on");
        };
        let value = button_value(&dm, action);
        let trigger = self.fake.new_trigger_id();
        let press = payloads::block_actions(&user, action, &value, &dm.channel, &dm.ts, &trigger);
        let before = self.before(n);
        let form = payloads::interactive_form_body(&press);
        let ack = self.deliver(db, "interactive", press, form).await;
        assert_eq!(ack, None, "a press is acked with nothing");
        self.outcome(n, &before, Some(&dm)).await
    }

    pub(crate) async fn submit(
        &mut self,
        db: &TestDb,
        n: usize,
        answers: &[(&str, &str)],
    ) -> Submission {
        let Some(view) = self.forms.remove(&n) else {
            panic!("no form is open for person {n}");
        };
        let values: Vec<(&str, &str, ValueKind)> = answers
            .iter()
            .map(|&(field, answer)| (field, field, value_kind(&view, field, answer)))
            .collect();
        let submitted = payloads::submission_of(&view, &uid(n), &values);
        let form = payloads::interactive_form_body(&submitted);
        let ack = self.deliver(db, "interactive", submitted, form).await;
        self.context.settle().await;
        match ack {
            None => Submission::Saved,
            Some(ack) if ack["response_action"] == "update" => {
                let mut said = Vec::new();
                texts(&ack["view"]["blocks"], &mut said);
                Submission::Said(said.join("\n"))
            }
            Some(ack) => {
                let errors = ack["errors"].as_object().into_iter().flatten();
                let reasons: Vec<&str> = errors.filter_map(|(_, text)| text.as_str()).collect();
                Submission::Refused(reasons.join("\n"))
            }
        }
    }

    pub(crate) async fn command(
        &mut self,
        db: &TestDb,
        n: usize,
        command: &str,
        text: &str,
    ) -> Outcome {
        let user = uid(n);
        let trigger = self.fake.new_trigger_id();
        let payload = payloads::slash_command(&user, command, text, &trigger);
        let form = payloads::slash_command_form(&user, command, text, &trigger);
        let before = self.before(n);
        let ack = self.deliver(db, "slash_commands", payload, form).await;
        if let Some(ack) = ack.as_ref()
            && let Some(text) = ack["text"].as_str()
        {
            self.context.settle().await;
            // An answer with blocks (`/goals`) reads as its blocks, not its fallback text.
            let mut lines = Vec::new();
            texts(&ack["blocks"], &mut lines);
            if lines.is_empty() {
                lines.push(text.to_owned());
            }
            return Outcome::Private(lines.join("\n"));
        }
        self.outcome(n, &before, None).await
    }

    pub(crate) async fn check(&self) {
        let methods: BTreeSet<String> = self.fake.all_calls().into_iter().map(|c| c.0).collect();
        for method in methods {
            for call in self.fake.calls_with_outcome(&method) {
                assert_eq!(call.outcome, CallOutcome::Ok, "{method}: {}", call.params);
            }
        }
        if self.http.is_none() {
            let acked = eventually(WAIT, || self.fake.unacked_envelopes().is_empty()).await;
            assert!(acked, "every envelope is acked");
        }
    }

    fn before(&self, n: usize) -> Before {
        Before {
            views: self.fake.views_opened().len(),
            ephemerals: self.fake.ephemerals_to(&uid(n)).len(),
        }
    }

    /// What person `n` sees once the Web API calls after the ack are made: a view opened, an
    /// ephemeral message, or the message they pressed on updated.
    async fn outcome(
        &mut self,
        n: usize,
        before: &Before,
        pressed: Option<&FakeMessage>,
    ) -> Outcome {
        self.context.settle().await;
        if let Some(view) = self.fake.views_opened().get(before.views) {
            self.forms.insert(n, view.clone());
            return Outcome::Form(form_of(view));
        }
        if let Some(whisper) = self.fake.ephemerals_to(&uid(n)).get(before.ephemerals) {
            return Outcome::Private(shown(whisper).text);
        }
        let now = pressed.and_then(|pressed| {
            let dms = self.fake.messages_to(&uid(n));
            dms.into_iter().find(|dm| dm.ts == pressed.ts)
        });
        match (pressed, now) {
            (Some(pressed), Some(now)) if shown(&now) != shown(pressed) => {
                Outcome::Updated(shown(&now))
            }
            _ => Outcome::Nothing,
        }
    }

    /// What Slack sends Rhythm, over this transport; the ack's JSON, if any.
    async fn deliver(
        &self,
        db: &TestDb,
        kind: &str,
        payload: Value,
        form: String,
    ) -> Option<Value> {
        let Some(base) = &self.http else {
            return self.fake.send_envelope(kind, payload, true).await.unwrap();
        };
        let path = if kind == "slash_commands" {
            "/slack/commands"
        } else {
            "/slack/interactions"
        };
        let at = db.clock.now().timestamp();
        let mut request = reqwest::Client::new()
            .post(format!("{base}{path}"))
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
