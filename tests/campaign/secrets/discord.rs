//! Discord's side of the canary: driven over the interactions endpoint or the gateway.

use super::*;

/// Discord's side: over the HTTP interactions endpoint (its URL) or the gateway.
pub(super) struct Discord<'a> {
    fake: &'a FakeDiscord,
    http: Option<String>,
}

impl<'a> Discord<'a> {
    pub(super) fn new(fake: &'a FakeDiscord, http: Option<String>) -> Self {
        Self { fake, http }
    }

    /// `/checkin` answered through the modal with the canaries, `/checkin` again, and
    /// `/rhythm timezone` with canary words.
    pub(super) async fn check_in_and_command(&self, seen: &mut Seen) {
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
    pub(super) async fn forged(&self, seen: &mut Seen) {
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
    pub(super) async fn cut_off_and_refused(&self, seen: &mut Seen, rhythm: &Running) {
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
    pub(super) async fn modal(&self, seen: &mut Seen) -> Value {
        let checkin = discord_payloads::slash_command(&did(AUTHOR), "checkin", None);
        let response = self.send(seen, &checkin).await;
        assert_eq!(response["type"], 9, "a modal: {response}");
        response["data"].clone()
    }

    /// Remembers whose the interaction's id and token are.
    pub(super) fn register(&self, seen: &mut Seen, payload: &Value) {
        let who = Who::Person(AUTHOR);
        for key in ["id", "token"] {
            seen.handles
                .insert(payload[key].as_str().unwrap().to_owned(), who);
        }
        seen.interaction_tokens
            .push(payload["token"].as_str().unwrap().to_owned());
    }

    /// Sends `payload` from the author as Discord would on this transport; the response.
    pub(super) async fn send(&self, seen: &mut Seen, payload: &Value) -> Value {
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
