//! The Slack Web API, as Rhythm uses it: slack-morphism over a hyper connector built here,
//! so that `[slack] api_url` may be `http://` (a fake Slack in tests) as well as `https://`,
//! with webpki roots rather than the OS's certificates. Every failure is classified:
//! retryable (429 with its Retry-After, 5xx, a timeout), fatal for that delivery (the user or
//! channel is gone, DMs are closed), or fatal for Slack altogether (the token was revoked).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use rhythm_domain::chat::{Form, Message};
use rhythm_domain::ports::{MessageRef, SendError};
use rhythm_domain::sync::{MemberKind, SlackMember};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use super::render;

/// How long one Web API call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Errors that mean this recipient or channel cannot be reached, ever.
const FATAL_FOR_DELIVERY: [&str; 8] = [
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "cannot_dm_bot",
    "account_inactive",
    "user_disabled",
    "is_archived",
    "not_in_channel",
];

/// Errors that mean Rhythm can no longer talk to Slack at all.
const FATAL_FOR_SLACK: [&str; 5] = [
    "invalid_auth",
    "token_revoked",
    "not_authed",
    "account_inactive_token",
    "token_expired",
];

/// How a Web API call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Worth trying again, no sooner than `after` if Slack said.
    #[error("retryable: {reason}")]
    Retryable {
        /// Slack's Retry-After.
        after: Option<Duration>,
        /// What happened.
        reason: String,
    },
    /// This recipient or channel cannot be reached.
    #[error("fatal: {reason}")]
    Fatal {
        /// Slack's error code.
        reason: String,
    },
    /// The token is no good: stop sending to Slack and alert.
    #[error("Slack refused the token: {reason}")]
    Unauthorized {
        /// Slack's error code.
        reason: String,
    },
}

impl From<ApiError> for SendError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Retryable { after, reason } => SendError::Retryable { after, reason },
            ApiError::Fatal { reason } => SendError::Fatal { reason },
            // Retried later: once the token is fixed, the delivery still goes out.
            ApiError::Unauthorized { reason } => SendError::Retryable {
                after: Some(Duration::from_secs(300)),
                reason: format!("Slack refused the token ({reason})"),
            },
        }
    }
}

/// Sorts a slack-morphism failure into what Rhythm does about it.
pub fn classify(error: &SlackClientError) -> ApiError {
    match error {
        SlackClientError::RateLimitError(limited) => ApiError::Retryable {
            after: limited.retry_after,
            reason: "ratelimited".to_owned(),
        },
        SlackClientError::ApiError(api) if FATAL_FOR_SLACK.contains(&api.code.as_str()) => {
            ApiError::Unauthorized {
                reason: api.code.clone(),
            }
        }
        SlackClientError::ApiError(api) if FATAL_FOR_DELIVERY.contains(&api.code.as_str()) => {
            ApiError::Fatal {
                reason: api.code.clone(),
            }
        }
        SlackClientError::ApiError(api) if api.code == "ratelimited" => ApiError::Retryable {
            after: None,
            reason: api.code.clone(),
        },
        SlackClientError::ApiError(api) => ApiError::Fatal {
            reason: api.code.clone(),
        },
        SlackClientError::HttpError(http) if http.status_code.as_u16() == 429 => {
            ApiError::Retryable {
                after: None,
                reason: "HTTP 429".to_owned(),
            }
        }
        SlackClientError::HttpError(http) if http.status_code.is_client_error() => {
            ApiError::Fatal {
                reason: format!("HTTP {}", http.status_code),
            }
        }
        // Its text quotes the whole answer, and Slack's answer to a post holds the message
        // (check-in answers, a digest's blockers); serde's part may quote a value of it too.
        SlackClientError::ProtocolError(protocol) => {
            let json = &protocol.json_error;
            ApiError::Retryable {
                after: None,
                reason: format!(
                    "Slack's answer could not be read ({:?} error at line {}, column {})",
                    json.classify(),
                    json.line(),
                    json.column()
                ),
            }
        }
        other => ApiError::Retryable {
            after: None,
            reason: other.to_string(),
        },
    }
}

/// The connector: HTTPS with webpki roots (ring), or plain HTTP.
type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// Rhythm's Slack Web API client.
#[derive(Clone)]
pub struct SlackApi {
    client: Arc<SlackClient<Connector>>,
    token: SlackApiToken,
    /// Set once Slack refuses the bot token: from then on no call is made.
    refused: Arc<std::sync::OnceLock<String>>,
    /// Per method, until when Slack's last 429 said to wait. Callers pace themselves
    /// already (see `rhythm_scheduler::pace`); this holds the calls that were on their way
    /// when the 429 came, so that Retry-After is never broken.
    held: Arc<std::sync::Mutex<HashMap<&'static str, tokio::time::Instant>>>,
}

impl std::fmt::Debug for SlackApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlackApi(..)")
    }
}

impl SlackApi {
    /// A client of the Web API at `api_url` (such as `https://slack.com/api`) with the bot
    /// token.
    pub fn new(api_url: &str, bot_token: &str) -> Self {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        let connector = SlackClientHyperConnector::with_connector(https)
            .with_slack_api_url(api_url.trim_end_matches('/'));
        Self {
            client: Arc::new(SlackClient::new(connector)),
            token: SlackApiToken::new(bot_token.into()),
            refused: Arc::default(),
            held: Arc::default(),
        }
    }

    /// Why Slack refused the bot token, once it has: Slack sends are stopped until Rhythm
    /// restarts with a valid `SLACK_BOT_TOKEN`, and `/readyz` fails.
    pub fn refused(&self) -> Option<&str> {
        self.refused.get().map(String::as_str)
    }

    /// Makes a call (of method `what`) with the bot token, unless Slack has refused it:
    /// then nothing is sent (a revoked token stays revoked, and every call would fail the
    /// same way). A call of a method Slack answered 429 waits out its Retry-After first.
    async fn call<T, F>(&self, what: &'static str, call: F) -> Result<T, ApiError>
    where
        F: std::future::Future<Output = ClientResult<T>>,
    {
        if let Some(reason) = self.refused() {
            return Err(ApiError::Unauthorized {
                reason: reason.to_owned(),
            });
        }
        let held = self.held().get(what).copied();
        if let Some(until) = held {
            tokio::time::sleep_until(until).await;
        }
        let result = Self::timed(what, call).await;
        if let Err(ApiError::Retryable {
            after: Some(after), ..
        }) = &result
        {
            let until = tokio::time::Instant::now() + *after;
            let mut held = self.held();
            let entry = held.entry(what).or_insert(until);
            *entry = (*entry).max(until);
        }
        if let Err(ApiError::Unauthorized { reason }) = &result
            && self.refused.set(reason.clone()).is_ok()
        {
            metrics::gauge!("rhythm_platform_up", "platform" => "slack").set(0.0);
            tracing::error!(
                slack.error = %reason,
                "Slack refused the bot token: Slack sends are stopped and /readyz fails. Reinstall the app or set a valid SLACK_BOT_TOKEN (xoxb-…), then restart Rhythm; deliveries not sent meanwhile are sent then"
            );
        }
        result
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, tokio::time::Instant>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A call, given at most [`CALL_TIMEOUT`], its failure classified.
    async fn timed<T, F>(what: &str, call: F) -> Result<T, ApiError>
    where
        F: std::future::Future<Output = ClientResult<T>>,
    {
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(classify(&error)),
            Err(_) => Err(ApiError::Retryable {
                after: None,
                reason: format!("{what} timed out after {} s", CALL_TIMEOUT.as_secs()),
            }),
        }
    }

    /// Checks the token (`auth.test`): the bot's name and its workspace's.
    pub async fn whoami(&self) -> Result<(String, String), ApiError> {
        let session = self.client.open_session(&self.token);
        let me = self.call("auth.test", session.auth_test()).await?;
        Ok((me.user.unwrap_or(me.user_id.0), me.team))
    }

    /// The DM channel with `user`.
    pub async fn open_dm(&self, user: &str) -> Result<String, ApiError> {
        let session = self.client.open_session(&self.token);
        let request =
            SlackApiConversationsOpenRequest::new().with_users(vec![SlackUserId(user.to_owned())]);
        let opened = self
            .call("conversations.open", session.conversations_open(&request))
            .await?;
        Ok(opened.channel.id.0)
    }

    /// Posts `message` to `channel`; returns where it landed.
    pub async fn post(&self, channel: &str, message: &Message) -> Result<MessageRef, ApiError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiChatPostMessageRequest::new(
            SlackChannelId(channel.to_owned()),
            content(message),
        );
        let posted = self
            .call("chat.postMessage", session.chat_post_message(&request))
            .await?;
        Ok(MessageRef {
            channel: posted.channel.0,
            id: posted.ts.0,
        })
    }

    /// Replaces the message at `at` with `message`.
    pub async fn update(&self, at: &MessageRef, message: &Message) -> Result<(), ApiError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiChatUpdateRequest::new(
            SlackChannelId(at.channel.clone()),
            content(message),
            SlackTs(at.id.clone()),
        );
        self.call("chat.update", session.chat_update(&request))
            .await
            .map(drop)
    }

    /// Shows `text` to `user` alone, in `channel`.
    pub async fn whisper(&self, channel: &str, user: &str, text: &str) -> Result<(), ApiError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiChatPostEphemeralRequest::new(
            SlackChannelId(channel.to_owned()),
            SlackUserId(user.to_owned()),
            SlackMessageContent::new().with_text(text.to_owned()),
        );
        self.call("chat.postEphemeral", session.chat_post_ephemeral(&request))
            .await
            .map(drop)
    }

    /// Opens `form` as a modal, in answer to the interaction that gave `trigger_id`.
    pub async fn open_form(&self, trigger_id: &str, form: &Form) -> Result<(), ApiError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiViewsOpenRequest::new(
            SlackTriggerId(trigger_id.to_owned()),
            render::modal(form),
        );
        self.call("views.open", session.views_open(&request))
            .await
            .map(drop)
    }

    /// A Socket Mode websocket URL, asked for with the app-level token (`xapp-…`).
    pub async fn socket_url(&self, app_token: &str) -> Result<String, ApiError> {
        let token = SlackApiToken::new(app_token.into());
        let session = self.client.open_session(&token);
        // The app-level token: its refusal says nothing about the bot token.
        let opened = Self::timed(
            "apps.connections.open",
            session.apps_connections_open(&SlackApiAppsConnectionOpenRequest::new()),
        )
        .await?;
        Ok(opened.url.0.to_string())
    }

    /// Every member of the workspace, a page of 200 at a time. `users.list` allows about
    /// 20 calls a minute, so a large workspace meets its rate limit: a page that is refused
    /// for a retryable reason is asked again after Slack's Retry-After, a few times.
    pub async fn users(&self) -> Result<Vec<SlackUser>, ApiError> {
        let session = self.client.open_session(&self.token);
        let mut users = Vec::new();
        let mut cursor: Option<SlackCursorId> = None;
        loop {
            let request = SlackApiUsersListRequest::new()
                .with_limit(200)
                .opt_cursor(cursor.clone());
            let mut retries = 0;
            let page = loop {
                match self.call("users.list", session.users_list(&request)).await {
                    Err(ApiError::Retryable { after, .. }) if retries < PAGE_RETRIES => {
                        retries += 1;
                        let wait = after.unwrap_or(Duration::from_secs(1 << retries));
                        tokio::time::sleep(wait.min(MAX_PAGE_WAIT)).await;
                    }
                    answer => break answer?,
                }
            };
            users.extend(page.members);
            cursor = page
                .response_metadata
                .and_then(|meta| meta.next_cursor)
                .filter(|next| !next.0.is_empty());
            if cursor.is_none() {
                return Ok(users);
            }
        }
    }

    /// The workspace's members, as the directory sync reads them.
    pub async fn members(&self) -> Result<Vec<SlackMember>, ApiError> {
        Ok(self.users().await?.iter().map(member).collect())
    }
}

/// How many times one page of `users.list` is asked again.
const PAGE_RETRIES: u32 = 3;
/// The longest wait before asking again (Slack's Retry-After is usually under a minute).
const MAX_PAGE_WAIT: Duration = Duration::from_secs(60);

/// A Slack user as the directory sync sees them.
fn member(user: &SlackUser) -> SlackMember {
    let flag = |flag: Option<bool>| flag == Some(true);
    let kind = if flag(user.deleted) {
        MemberKind::Deactivated
    } else if flag(user.flags.is_bot) || flag(user.flags.is_app_user) {
        MemberKind::Bot
    } else {
        MemberKind::Person
    };
    let profile = user.profile.as_ref();
    SlackMember {
        id: user.id.0.clone(),
        team_id: user.team_id.as_ref().map(|team| team.0.clone()),
        name: user
            .real_name
            .clone()
            .or_else(|| profile.and_then(|p| p.real_name.clone())),
        email: profile
            .and_then(|p| p.email.as_ref())
            .map(|email| email.0.clone()),
        timezone: user.tz.clone(),
        kind,
    }
}

fn content(message: &Message) -> SlackMessageContent {
    SlackMessageContent::new()
        .with_text(render::message_text(message))
        .with_blocks(render::message_blocks(message))
}

#[cfg(test)]
mod tests {
    use slack_morphism::errors::{SlackClientApiError, SlackClientHttpError, SlackRateLimitError};

    use super::*;

    fn api(code: &str) -> SlackClientError {
        SlackClientError::ApiError(SlackClientApiError {
            code: code.to_owned(),
            errors: None,
            warnings: None,
            http_response_body: None,
        })
    }

    #[test]
    fn a_rate_limit_is_retried_after_what_slack_said() {
        let limited = SlackClientError::RateLimitError(SlackRateLimitError {
            retry_after: Some(Duration::from_secs(30)),
            code: None,
            warnings: None,
            http_response_body: None,
        });
        assert_eq!(
            classify(&limited),
            ApiError::Retryable {
                after: Some(Duration::from_secs(30)),
                reason: "ratelimited".into()
            }
        );
    }

    #[test]
    fn a_gone_recipient_is_fatal_for_the_delivery_and_a_revoked_token_stops_slack() {
        for code in [
            "channel_not_found",
            "user_not_found",
            "cannot_dm_bot",
            "account_inactive",
        ] {
            assert_eq!(
                classify(&api(code)),
                ApiError::Fatal {
                    reason: code.into()
                }
            );
        }
        for code in ["invalid_auth", "token_revoked"] {
            assert!(matches!(
                classify(&api(code)),
                ApiError::Unauthorized { .. }
            ));
            assert!(matches!(
                SendError::from(classify(&api(code))),
                SendError::Retryable { .. }
            ));
        }
    }

    #[test]
    fn an_answer_that_cannot_be_read_is_not_quoted() {
        let body = r#"{"ok": true, "ts": 17, "message": {"text": "ANSWER-CANARY-7f3a"}}"#;
        let json = serde_json::from_str::<SlackApiChatPostMessageResponse>(body).unwrap_err();
        let error = slack_morphism::errors::map_serde_error(json, Some(body));
        assert!(error.to_string().contains("ANSWER-CANARY-7f3a"), "{error}");
        let ApiError::Retryable { reason, .. } = classify(&error) else {
            panic!("an unreadable answer is retried");
        };
        assert!(
            reason.starts_with("Slack's answer could not be read"),
            "{reason}"
        );
        assert!(!reason.contains("ANSWER-CANARY-7f3a"), "{reason}");
    }

    #[test]
    fn server_errors_are_retried_and_client_errors_are_not() {
        let http = |status: u16| {
            SlackClientError::HttpError(SlackClientHttpError {
                status_code: http::StatusCode::from_u16(status).unwrap(),
                http_response_body: None,
            })
        };
        assert!(matches!(classify(&http(503)), ApiError::Retryable { .. }));
        assert!(matches!(classify(&http(429)), ApiError::Retryable { .. }));
        assert!(matches!(classify(&http(404)), ApiError::Fatal { .. }));
    }
}
