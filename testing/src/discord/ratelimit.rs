//! Rate-limit buckets: the `X-RateLimit-*` headers on every answer, and the calls made to a
//! bucket before the `retry_after` of a 429 on it had passed (allowing for calls already in
//! flight when the 429 was answered, [`IN_FLIGHT`]).
//!
//! A bucket is a route plus its major parameter (the channel, guild, webhook or
//! interaction), as Discord keys them. The fake never limits on its own: 429s come only from
//! scripted failures. Its windows are generous (50 calls a second) so a client that honours
//! `X-RateLimit-Remaining` never waits in a test.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

use super::snowflake::fnv1a;
use crate::failures::IN_FLIGHT;

/// Calls per window in every bucket.
const LIMIT: u32 = 50;
/// How long a bucket's window lasts.
const WINDOW: Duration = Duration::from_secs(1);

/// Every bucket's window, and when 429s said to come back.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    windows: HashMap<String, Window>,
    /// Per bucket, when its last 429 was answered and until when it said to wait.
    blocked: HashMap<String, (Instant, Instant)>,
    global: Option<(Instant, Instant)>,
    violations: usize,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    used: u32,
}

/// The headers of one answer, for its bucket.
#[derive(Debug, Clone)]
pub(crate) struct BucketHeaders {
    remaining: u32,
    reset_after: Duration,
    bucket: String,
}

impl RateLimits {
    /// Counts a call to `route` (with its major parameter) arriving `now`: a violation if a
    /// 429 on its bucket, or a global one, answered more than [`IN_FLIGHT`] ago said to wait
    /// longer. Returns its headers.
    pub(crate) fn on_call(&mut self, route: &str, major: &str, now: Instant) -> BucketHeaders {
        let key = format!("{route} {major}");
        let breaks =
            |(answered, until): (Instant, Instant)| now >= answered + IN_FLIGHT && now < until;
        let blocked =
            self.blocked.get(&key).copied().is_some_and(breaks) || self.global.is_some_and(breaks);
        if blocked {
            self.violations += 1;
        }
        let window = self.windows.entry(key).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        window.used += 1;
        BucketHeaders {
            remaining: LIMIT.saturating_sub(window.used),
            reset_after: WINDOW.saturating_sub(now.duration_since(window.started)),
            bucket: format!("{:016x}", fnv1a(route)),
        }
    }

    /// A 429 was answered: the bucket (or, when `global`, every bucket) is closed for
    /// `retry_after` seconds.
    pub(crate) fn on_rate_limited(
        &mut self,
        route: &str,
        major: &str,
        retry_after: f64,
        global: bool,
        now: Instant,
    ) {
        let until = now + Duration::try_from_secs_f64(retry_after.max(0.0)).unwrap_or_default();
        if global {
            let until = self.global.map_or(until, |(_, before)| until.max(before));
            self.global = Some((now, until));
        } else {
            self.blocked
                .insert(format!("{route} {major}"), (now, until));
        }
    }

    pub(crate) fn violations(&self) -> usize {
        self.violations
    }
}

impl BucketHeaders {
    /// `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds), `-Reset-After`, `-Bucket`.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        self.write(headers, self.remaining, self.reset_after);
    }

    /// The headers of a 429: nothing remaining until `retry_after` has passed, the
    /// `Retry-After` header in whole seconds (rounded up, as Discord sends it), the scope,
    /// and `X-RateLimit-Global` when global.
    pub(crate) fn rate_limited(&self, retry_after: f64, global: bool, headers: &mut HeaderMap) {
        let wait = Duration::try_from_secs_f64(retry_after.max(0.0)).unwrap_or_default();
        self.write(headers, 0, wait);
        let whole_seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        headers.insert(header::RETRY_AFTER, HeaderValue::from(whole_seconds));
        let scope = if global { "global" } else { "user" };
        headers.insert(
            HeaderName::from_static("x-ratelimit-scope"),
            HeaderValue::from_static(scope),
        );
        if global {
            headers.insert(
                HeaderName::from_static("x-ratelimit-global"),
                HeaderValue::from_static("true"),
            );
        }
    }

    fn write(&self, headers: &mut HeaderMap, remaining: u32, reset_after: Duration) {
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .saturating_add(reset_after);
        let pairs = [
            ("x-ratelimit-limit", LIMIT.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset", seconds(reset)),
            ("x-ratelimit-reset-after", seconds(reset_after)),
            ("x-ratelimit-bucket", self.bucket.clone()),
        ];
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
}

/// Seconds with three decimals, as Discord writes them (`64.570`).
fn seconds(duration: Duration) -> String {
    let mut text = String::new();
    let _ = write!(
        text,
        "{}.{:03}",
        duration.as_secs(),
        duration.subsec_millis()
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_before_retry_after_is_a_violation_and_one_after_is_not() {
        let mut limits = RateLimits::default();
        let start = Instant::now();
        limits.on_call("POST /channels/{channel_id}/messages", "1", start);
        limits.on_rate_limited(
            "POST /channels/{channel_id}/messages",
            "1",
            0.5,
            false,
            start,
        );

        limits.on_call(
            "POST /channels/{channel_id}/messages",
            "2",
            start + Duration::from_millis(100),
        );
        assert_eq!(limits.violations(), 0, "another channel is another bucket");
        limits.on_call(
            "POST /channels/{channel_id}/messages",
            "1",
            start + Duration::from_millis(100),
        );
        assert_eq!(
            limits.violations(),
            0,
            "still in flight when the 429 was answered"
        );
        limits.on_call(
            "POST /channels/{channel_id}/messages",
            "1",
            start + IN_FLIGHT + Duration::from_millis(50),
        );
        assert_eq!(limits.violations(), 1);
        limits.on_call(
            "POST /channels/{channel_id}/messages",
            "1",
            start + Duration::from_millis(600),
        );
        assert_eq!(limits.violations(), 1);
    }

    #[test]
    fn a_global_limit_closes_every_bucket() {
        let mut limits = RateLimits::default();
        let start = Instant::now();
        limits.on_rate_limited("GET /users/@me", "", 1.0, true, start);
        limits.on_call("POST /users/@me/channels", "", start + IN_FLIGHT);
        assert_eq!(limits.violations(), 1);
    }

    #[test]
    fn retry_after_is_rounded_up_to_whole_seconds_in_the_header() {
        let mut limits = RateLimits::default();
        let headers = limits.on_call("GET /users/@me", "", Instant::now());
        let mut map = HeaderMap::new();
        headers.rate_limited(1.234, false, &mut map);
        assert_eq!(map["retry-after"], "2");
        assert_eq!(map["x-ratelimit-remaining"], "0");
        assert_eq!(map["x-ratelimit-reset-after"], "1.234");
        assert_eq!(map["x-ratelimit-scope"], "user");
        assert!(map.get("x-ratelimit-global").is_none());
    }
}
