//! Slack's side of the canary: driven over the Events API or Socket Mode.

use super::*;

/// Slack's side: over HTTP (the base URL) or Socket Mode.
pub(super) struct Slack<'a> {
    fake: &'a FakeSlack,
    http: Option<String>,
    client: reqwest::Client,
}

impl<'a> Slack<'a> {
    pub(super) fn new(fake: &'a FakeSlack, http: Option<String>) -> Self {
        Self {
            fake,
            http,
            client: reqwest::Client::new(),
        }
    }

    /// `/checkin` answered through the modal with the canaries, `/checkin` again (the form
    /// holds the answers), `/rhythm` with canary words, and a stranger's link request.
    pub(super) async fn check_in_and_command(&self, seen: &mut Seen) {
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
    pub(super) async fn forged_and_malformed(&self, seen: &mut Seen) {
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
    pub(super) async fn refused(&self, seen: &mut Seen, rhythm: &Running) {
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
    pub(super) async fn form(&self, seen: &mut Seen, n: usize) -> Value {
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

    pub(super) async fn command(
        &self,
        seen: &mut Seen,
        who: Who,
        user: &str,
        text: &str,
    ) -> (u16, String) {
        self.command_raw(seen, who, user, "/rhythm", text).await
    }

    pub(super) async fn command_raw(
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
    pub(super) async fn send(
        &self,
        seen: &mut Seen,
        who: Who,
        kind: &str,
        payload: &Value,
    ) -> (u16, String) {
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
    pub(super) async fn post(&self, path: &str, body: String) -> (u16, String) {
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
