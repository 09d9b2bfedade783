//! Discord's REST API, as Rhythm uses it. Requests are built by serenity (`Route`,
//! `Request`, and `HttpBuilder::proxy`, which is how `[discord] api_url` is honoured) and sent
//! here, so that every failure is seen whole and classified: retryable (429 with its
//! `retry_after`, 5xx, a timeout), fatal for one recipient (50007: they cannot be sent DMs),
//! or fatal for Discord altogether (401: the token is no good).
//!
//! serenity's own rate limiter is off (it ignores the proxy while it is on, and it hides
//! 429s by waiting inside the call). Instead each response's `X-RateLimit-Remaining` and
//! `X-RateLimit-Reset-After` are kept per bucket, and a call to an exhausted bucket waits for
//! its reset (or, if that is far, is refused as retryable); a global 429 pauses every call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use serenity::all::{ApplicationId, ChannelId, GuildId, InteractionId, MessageId};
use serenity::http::{Http, HttpBuilder, LightMethod, RatelimitingBucket, Request, Route};
use tokio::time::Instant;

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long opening a DM may take: Discord answers it in milliseconds, and the opens wait
/// for each other (see [`DiscordApi::open_dm`]), so one that hangs must not hold the rest
/// for long.
const DM_OPEN_TIMEOUT: Duration = Duration::from_secs(3);
/// How many DM channels may be opening at once: few, as Discord frowns on opening them fast
/// (40003), but more than one, so that one open that hangs does not stop every first message.
const DM_OPENS_AT_ONCE: usize = 4;
/// A call to a bucket that resets sooner than this waits for it; later, it is retried later.
const MAX_BUCKET_WAIT: Duration = Duration::from_secs(5);
/// How long to hold off after Discord says DMs are being opened too fast (40003), which
/// comes without a `retry_after`.
const DM_OPENING_PAUSE: Duration = Duration::from_secs(30);

/// Cannot send messages to this user (DMs closed, or no server in common).
pub const CANNOT_DM: u64 = 50007;
/// Opening direct messages too fast.
pub const OPENING_DMS_TOO_FAST: u64 = 40003;

/// How a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Worth trying again, no sooner than `after` if Discord said.
    #[error("retryable: {reason}")]
    Retryable {
        /// Discord's `retry_after`, or a bucket's reset.
        after: Option<Duration>,
        /// What happened.
        reason: String,
    },
    /// This recipient or channel cannot be reached.
    #[error("fatal: {reason}")]
    Fatal {
        /// Discord's JSON error code, 0 if none.
        code: u64,
        /// What happened.
        reason: String,
    },
    /// The token is no good: stop calling Discord and alert.
    #[error("Discord refused the token: {reason}")]
    Unauthorized {
        /// What Discord said.
        reason: String,
    },
}

impl From<ApiError> for rhythm_domain::ports::SendError {
    fn from(error: ApiError) -> Self {
        use rhythm_domain::ports::SendError;
        match error {
            ApiError::Retryable { after, reason } => SendError::Retryable { after, reason },
            ApiError::Fatal { reason, .. } => SendError::Fatal { reason },
            // Retried later: once the token is fixed, the delivery still goes out.
            ApiError::Unauthorized { reason } => SendError::Retryable {
                after: Some(Duration::from_secs(300)),
                reason: format!("Discord refused the token ({reason})"),
            },
        }
    }
}

/// Rhythm's Discord REST client.
#[derive(Clone)]
pub struct DiscordApi {
    http: Arc<Http>,
    client: reqwest::Client,
    application_id: ApplicationId,
    limits: Arc<Limits>,
    /// Set once Discord refuses the token: from then on no call is made.
    refused: Arc<OnceLock<String>>,
}

impl std::fmt::Debug for DiscordApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DiscordApi(..)")
    }
}

/// What Discord said about its rate limits.
struct Limits {
    /// Buckets with no request left, until their reset.
    exhausted: Mutex<HashMap<RatelimitingBucket, Instant>>,
    /// A global 429: no call at all until then.
    global: Mutex<Option<Instant>>,
    /// A permit is held while a DM channel is being opened.
    opening: tokio::sync::Semaphore,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            exhausted: Mutex::default(),
            global: Mutex::default(),
            opening: tokio::sync::Semaphore::new(DM_OPENS_AT_ONCE),
        }
    }
}

impl DiscordApi {
    /// A client of the API at `api_url` (such as `https://discord.com`) for the application
    /// `application_id`, with the bot token.
    ///
    /// # Errors
    /// If the application id is not a Discord id (a number).
    pub fn new(api_url: &str, token: &str, application_id: &str) -> Result<Self, String> {
        let application_id = application_id
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|id| *id != 0)
            .map(ApplicationId::new)
            .ok_or_else(|| {
                format!("DISCORD_APPLICATION_ID `{application_id}` is not a Discord id (a number, from the Developer Portal's General Information page)")
            })?;
        let client = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|error| format!("building the HTTP client: {error}"))?;
        let http = HttpBuilder::new(token)
            .client(client.clone())
            .proxy(api_url.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .application_id(application_id)
            .build();
        Ok(Self {
            http: Arc::new(http),
            client,
            application_id,
            limits: Arc::default(),
            refused: Arc::default(),
        })
    }

    /// Why Discord refused the token, once it has: Discord sends are stopped until Rhythm
    /// restarts with a valid `DISCORD_TOKEN`, and `/readyz` fails.
    pub fn refused(&self) -> Option<&str> {
        self.refused.get().map(String::as_str)
    }

    /// The application's id.
    pub fn application_id(&self) -> u64 {
        self.application_id.get()
    }

    /// Opens (or finds) the DM channel with `user`; its id. At most [`DM_OPENS_AT_ONCE`] at
    /// a time: Discord limits how fast DMs are opened (40003), and a 429 on opening closes
    /// that route for everyone. As every first message to someone waits its turn here, an
    /// open that gets no answer gives up after [`DM_OPEN_TIMEOUT`] rather than the usual
    /// [`CALL_TIMEOUT`].
    pub async fn open_dm(&self, user: &str) -> Result<String, ApiError> {
        let _turn = self
            .limits
            .opening
            .acquire()
            .await
            .map_err(|_| ApiError::Retryable {
                after: None,
                reason: "the Discord client is shutting down".to_owned(),
            })?;
        let body = json!({ "recipient_id": user });
        let opening = self.call(Route::UserMeDmChannels, LightMethod::Post, Some(&body));
        let channel = tokio::time::timeout(DM_OPEN_TIMEOUT, opening)
            .await
            .map_err(|_| ApiError::Retryable {
                after: None,
                reason: format!(
                    "opening the DM timed out after {} s",
                    DM_OPEN_TIMEOUT.as_secs()
                ),
            })??;
        id_of(&channel, "a DM channel")
    }

    /// Posts `body` (a rendered message) to `channel`; the message's id. With a `nonce`,
    /// Discord answers a repeat of the same send (a retry after a lost answer) with the first
    /// message instead of posting it twice.
    pub async fn post(
        &self,
        channel: &str,
        body: &Value,
        nonce: Option<&str>,
    ) -> Result<String, ApiError> {
        let mut body = body.clone();
        if let (Some(nonce), Some(object)) = (nonce, body.as_object_mut()) {
            object.insert("nonce".to_owned(), json!(nonce));
            object.insert("enforce_nonce".to_owned(), json!(true));
        }
        let channel_id = channel_id(channel)?;
        let message = self
            .call(
                Route::ChannelMessages { channel_id },
                LightMethod::Post,
                Some(&body),
            )
            .await?;
        id_of(&message, "a message")
    }

    /// Replaces message `id` in `channel` with `body`.
    pub async fn edit(&self, channel: &str, id: &str, body: &Value) -> Result<(), ApiError> {
        let route = Route::ChannelMessage {
            channel_id: channel_id(channel)?,
            message_id: MessageId::new(snowflake(id, "a message id")?),
        };
        self.call(route, LightMethod::Patch, Some(body)).await?;
        Ok(())
    }

    /// Answers interaction `id` (its initial response): `body` is the callback object
    /// (`{"type": 4, "data": …}`).
    pub async fn respond(&self, id: &str, token: &str, body: &Value) -> Result<(), ApiError> {
        let route = Route::InteractionResponse {
            interaction_id: InteractionId::new(snowflake(id, "an interaction id")?),
            token,
        };
        self.call(route, LightMethod::Post, Some(body)).await?;
        Ok(())
    }

    /// Replaces an interaction's original response (after a deferred one), within the
    /// token's 15 minutes.
    pub async fn edit_original(&self, token: &str, body: &Value) -> Result<(), ApiError> {
        let route = Route::WebhookOriginalInteractionResponse {
            application_id: self.application_id,
            token,
        };
        self.call(route, LightMethod::Patch, Some(body)).await?;
        Ok(())
    }

    /// Sends a follow-up message to an interaction, within the token's 15 minutes.
    pub async fn follow_up(&self, token: &str, body: &Value) -> Result<(), ApiError> {
        let route = Route::WebhookFollowupMessages {
            application_id: self.application_id,
            token,
        };
        self.call(route, LightMethod::Post, Some(body)).await?;
        Ok(())
    }

    /// Replaces the application's slash commands with `commands`: in `guild` (at once), or
    /// globally (Discord may take a while to show them everywhere).
    pub async fn register_commands(
        &self,
        guild: Option<&str>,
        commands: &Value,
    ) -> Result<(), ApiError> {
        let application_id = self.application_id;
        let route = match guild {
            Some(guild) => Route::GuildCommands {
                application_id,
                guild_id: GuildId::new(snowflake(guild, "a guild id")?),
            },
            None => Route::Commands { application_id },
        };
        self.call(route, LightMethod::Put, Some(commands)).await?;
        Ok(())
    }

    /// Checks the token: the bot's user name.
    pub async fn whoami(&self) -> Result<String, ApiError> {
        let me = self.call(Route::UserMe, LightMethod::Get, None).await?;
        Ok(me["username"].as_str().unwrap_or("?").to_owned())
    }

    /// Makes one call, minding the rate limits, and reads its JSON answer (`null` for a 204).
    async fn call(
        &self,
        route: Route<'_>,
        method: LightMethod,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        if let Some(reason) = self.refused() {
            return Err(ApiError::Unauthorized {
                reason: reason.to_owned(),
            });
        }
        let bucket = route.ratelimiting_bucket();
        self.limits.wait(&bucket).await?;
        let bytes = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|error| fatal(0, format!("encoding the request: {error}")))?;
        let request = Request::new(route, method)
            .body(bytes)
            .build(&self.client, self.http.token(), self.http.proxy.as_deref())
            .map_err(|error| fatal(0, format!("building the request: {error}")))?;
        let response = request.send().await.map_err(|error| ApiError::Retryable {
            after: None,
            reason: format!("Discord did not answer: {}", unanswered(error)),
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.limits.observe(&bucket, &headers);
        let text = response.text().await.unwrap_or_default();
        if (200..300).contains(&status) {
            return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
        }
        let error = classify(status, &headers, &text);
        match &error {
            ApiError::Unauthorized { reason } if self.refused.set(reason.clone()).is_ok() => {
                metrics::gauge!("rhythm_platform_up", "platform" => "discord").set(0.0);
                tracing::error!(reason = %reason, "Discord refused the bot token: Discord sends are stopped until Rhythm restarts with a valid DISCORD_TOKEN");
            }
            ApiError::Retryable {
                after: Some(after), ..
            } if is_global(&headers, &text) => self.limits.pause_all(*after),
            _ => {}
        }
        Err(error)
    }
}

impl Limits {
    /// Waits for `bucket` (and a global pause) if it resets soon; refuses if not.
    async fn wait(&self, bucket: &RatelimitingBucket) -> Result<(), ApiError> {
        let global = *self.global.lock().unwrap_or_else(PoisonError::into_inner);
        let until = self
            .exhausted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(bucket)
            .copied();
        let Some(until) = global.into_iter().chain(until).max() else {
            return Ok(());
        };
        let now = Instant::now();
        if until <= now {
            return Ok(());
        }
        if until - now > MAX_BUCKET_WAIT {
            return Err(ApiError::Retryable {
                after: Some(until - now),
                reason: "Discord's rate limit for this route is used up".to_owned(),
            });
        }
        tokio::time::sleep_until(until).await;
        Ok(())
    }

    /// Remembers whether `bucket` has requests left, from a response's headers.
    fn observe(&self, bucket: &RatelimitingBucket, headers: &reqwest::header::HeaderMap) {
        let number =
            |name: &str| -> Option<f64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let mut exhausted = self
            .exhausted
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Only ever extended: an answer to a call made before a 429 must not reopen the
        // bucket the 429 closed. Lapsed entries are dropped now and then.
        if let (Some(remaining), Some(reset_after)) = (
            number("x-ratelimit-remaining"),
            number("x-ratelimit-reset-after"),
        ) && remaining < 1.0
        {
            let now = Instant::now();
            let until = now + seconds(reset_after);
            let entry = exhausted.entry(*bucket).or_insert(until);
            *entry = (*entry).max(until);
            if exhausted.len() > 10_000 {
                exhausted.retain(|_, until| *until > now);
            }
        }
    }

    fn pause_all(&self, after: Duration) {
        *self.global.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + after);
    }
}

/// Sorts a failed response into what Rhythm does about it.
fn classify(status: u16, headers: &reqwest::header::HeaderMap, body: &str) -> ApiError {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let code = json["code"].as_u64().unwrap_or(0);
    let message = json["message"].as_str().unwrap_or(body).trim().to_owned();
    let reason = if code == 0 {
        format!("HTTP {status}: {message}")
    } else {
        format!("HTTP {status}, code {code}: {message}")
    };
    match status {
        401 => ApiError::Unauthorized { reason },
        429 => {
            let after = json["retry_after"].as_f64().or_else(|| {
                headers
                    .get("retry-after")?
                    .to_str()
                    .ok()?
                    .trim()
                    .parse()
                    .ok()
            });
            ApiError::Retryable {
                after: Some(after.map_or(Duration::from_secs(1), seconds)),
                reason,
            }
        }
        _ if code == OPENING_DMS_TOO_FAST => ApiError::Retryable {
            after: Some(DM_OPENING_PAUSE),
            reason,
        },
        400..=499 => ApiError::Fatal { code, reason },
        _ => ApiError::Retryable {
            after: None,
            reason,
        },
    }
}

fn is_global(headers: &reqwest::header::HeaderMap, body: &str) -> bool {
    let header = headers
        .get("x-ratelimit-global")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("true"));
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    header || json["global"].as_bool() == Some(true)
}

/// `value` seconds (Discord sends fractions), never negative.
fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value.max(0.0)).unwrap_or(Duration::from_secs(1))
}

/// Why a request got no answer, without its URL: an interaction's URL holds its token
/// (`/interactions/{id}/{token}/callback`, `/webhooks/{application}/{token}`), which lets
/// whoever reads it answer as the bot. The causes say what happened (refused, timed out…).
fn unanswered(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut reason = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(error) = cause {
        reason.push_str(": ");
        reason.push_str(&error.to_string());
        cause = error.source();
    }
    reason
}

fn fatal(code: u64, reason: String) -> ApiError {
    ApiError::Fatal { code, reason }
}

fn snowflake(id: &str, what: &str) -> Result<u64, ApiError> {
    id.parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .ok_or_else(|| fatal(0, format!("`{id}` is not {what} (a Discord id)")))
}

fn channel_id(channel: &str) -> Result<ChannelId, ApiError> {
    Ok(ChannelId::new(snowflake(channel, "a channel id")?))
}

fn id_of(object: &Value, what: &str) -> Result<String, ApiError> {
    object["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Retryable {
            after: None,
            reason: format!("Discord's answer holds no id for {what}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> reqwest::header::HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    reqwest::header::HeaderName::from_static(name),
                    value.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn a_429_is_retried_after_discords_fractional_retry_after() {
        let body =
            r#"{"message": "You are being rate limited.", "retry_after": 1.25, "global": false}"#;
        assert_eq!(
            classify(429, &headers(&[("retry-after", "2")]), body),
            ApiError::Retryable {
                after: Some(Duration::from_millis(1_250)),
                reason: "HTTP 429: You are being rate limited.".to_owned()
            }
        );
        assert!(!is_global(&headers(&[]), body));
        assert!(is_global(&headers(&[("x-ratelimit-global", "true")]), body));
    }

    #[test]
    fn closed_dms_are_fatal_for_the_person_and_opening_too_fast_slows_down() {
        let closed = r#"{"message": "Cannot send messages to this user", "code": 50007}"#;
        assert!(matches!(
            classify(403, &headers(&[]), closed),
            ApiError::Fatal {
                code: CANNOT_DM,
                ..
            }
        ));
        let fast = r#"{"message": "You are opening direct messages too fast.", "code": 40003}"#;
        assert!(matches!(
            classify(429, &headers(&[]), fast),
            ApiError::Retryable { .. }
        ));
        assert_eq!(
            classify(400, &headers(&[]), fast),
            ApiError::Retryable {
                after: Some(DM_OPENING_PAUSE),
                reason: "HTTP 400, code 40003: You are opening direct messages too fast."
                    .to_owned()
            }
        );
    }

    #[test]
    fn a_bad_token_and_server_errors() {
        assert!(matches!(
            classify(
                401,
                &headers(&[]),
                r#"{"message": "401: Unauthorized", "code": 0}"#
            ),
            ApiError::Unauthorized { .. }
        ));
        assert!(matches!(
            classify(502, &headers(&[]), "<html>bad gateway</html>"),
            ApiError::Retryable { after: None, .. }
        ));
    }

    #[tokio::test]
    async fn a_call_that_gets_no_answer_does_not_name_its_token() {
        // Nothing listens on port 1: the callback is refused before any answer.
        let api = DiscordApi::new("http://127.0.0.1:1", "bot-token", "1234567890").unwrap();
        let token = "aW50ZXJhY3Rpb246c2VjcmV0LWludGVyYWN0aW9uLXRva2Vu";
        let Err(ApiError::Retryable { reason, .. }) =
            api.respond("1234567890", token, &json!({"type": 1})).await
        else {
            panic!("a refused connection is retryable");
        };
        assert!(reason.starts_with("Discord did not answer: "), "{reason}");
        assert!(!reason.contains(token), "{reason}");
        assert!(!reason.contains("/interactions/"), "{reason}");
        let Err(ApiError::Retryable { reason, .. }) = api.follow_up(token, &json!({})).await else {
            panic!("a refused connection is retryable");
        };
        assert!(!reason.contains(token), "{reason}");
    }

    #[test]
    fn an_application_id_must_be_a_number() {
        let error = DiscordApi::new("http://127.0.0.1:1", "token", "my-app").unwrap_err();
        assert!(error.contains("DISCORD_APPLICATION_ID"), "{error}");
        assert!(DiscordApi::new("http://127.0.0.1:1", "token", "1234567890").is_ok());
    }
}
