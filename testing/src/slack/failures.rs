//! Scripted failures: the next N calls of a method, or a seeded fraction of all calls; and
//! scripted slowness: the next N calls of a method answered late. Slack's kinds of failure,
//! its defaults and its answers, on the plan and queues in `crate::failures`.

use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::FakeSlack;
use super::web::slack_json;
use crate::failures::{Covered, IN_FLIGHT, Plan, Queues, dropped, time_out};

/// How a call fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 429 with `Retry-After: {retry_after_secs}` and `{"ok":false,"error":"ratelimited"}`.
    RateLimited {
        /// The `Retry-After` header, in seconds.
        retry_after_secs: u64,
    },
    /// This HTTP status (500, 502, 503…) with a JSON error body.
    ServerError(u16),
    /// No answer for a minute: longer than any client timeout. Ends early when the fake
    /// is dropped, so it never holds up a test's shutdown.
    Timeout,
    /// HTTP 200 with `{"ok":false,"error":…}`, e.g. `Failure::Slack("channel_not_found")`.
    Slack(&'static str),
    /// The connection is cut before any answer. The call had no effect.
    Dropped,
}

/// Methods random failures leave alone unless named: without them no client gets going.
const SPARED_FROM_RANDOM: [&str; 2] = ["apps.connections.open", "auth.test"];

/// The failures and delays still to come, scripted per method; and the Retry-After of the
/// 429s answered, to count the calls that did not wait.
#[derive(Debug, Default)]
pub(crate) struct FailurePlan {
    plan: Plan<Failure>,
    delays: Queues<Duration>,
    /// Per method, when its last 429 was answered and until when it said to wait.
    held: std::collections::HashMap<String, (Instant, Instant)>,
    violations: usize,
}

impl FailurePlan {
    /// The failure for the next call of `method`, if any: first the scripted ones, then a
    /// roll of the seeded dice.
    pub(crate) fn take(&mut self, method: &str) -> Option<Failure> {
        self.plan.take(method)
    }

    /// Counts a call of `method` arriving `now` as a violation if a 429 on that method,
    /// answered more than [`IN_FLIGHT`] ago, said to wait longer; and, if this call is
    /// answered with `failure`, a 429, holds the method for its Retry-After.
    pub(crate) fn on_call(&mut self, method: &str, now: Instant, failure: Option<Failure>) {
        if let Some((answered, until)) = self.held.get(method)
            && now >= *answered + IN_FLIGHT
            && now < *until
        {
            self.violations += 1;
        }
        if let Some(Failure::RateLimited { retry_after_secs }) = failure {
            let until = now + Duration::from_secs(retry_after_secs);
            self.held.insert(method.to_owned(), (now, until));
        }
    }

    /// How late the next call of `method` is answered, if it is scripted to be.
    pub(crate) fn take_delay(&mut self, method: &str) -> Option<Duration> {
        self.delays.pop(method)
    }

    /// Random failures over `methods`, or with `None` over every method but
    /// [`SPARED_FROM_RANDOM`]. Replaces earlier random failures.
    fn fail_randomly(
        &mut self,
        methods: Option<&[&str]>,
        fraction: f64,
        seed: u64,
        kinds: &[Failure],
    ) {
        let covered = methods.map_or(Covered::AllBut(&SPARED_FROM_RANDOM), Covered::only);
        self.plan.fail_randomly(covered, fraction, seed, kinds);
    }
}

impl FakeSlack {
    /// The next `n` calls of `method` fail with `failure` (after the token check; the calls
    /// are still recorded). Adds to failures already scripted for that method.
    pub fn fail_next(&self, method: &str, n: usize, failure: Failure) {
        self.state().failures.plan.fail_next(method, n, failure);
    }

    /// Each call of every method except `apps.connections.open` and `auth.test` fails with
    /// probability `fraction`, with a kind picked from `kinds`. The same seed and the same
    /// sequence of calls give the same failures. Replaces earlier random failures.
    pub fn fail_randomly(&self, fraction: f64, seed: u64, kinds: &[Failure]) {
        self.state()
            .failures
            .fail_randomly(None, fraction, seed, kinds);
    }

    /// Like [`FakeSlack::fail_randomly`], for the named methods only (which may include
    /// `apps.connections.open` and `auth.test`).
    pub fn fail_randomly_in(&self, methods: &[&str], fraction: f64, seed: u64, kinds: &[Failure]) {
        self.state()
            .failures
            .fail_randomly(Some(methods), fraction, seed, kinds);
    }

    /// The next `n` calls of `method` are answered `delay` late (whatever the answer, a
    /// scripted failure included), like a slow Slack. The call is recorded when it arrives.
    pub fn delay_next(&self, method: &str, n: usize, delay: Duration) {
        self.state().failures.delays.push(method, n, delay);
    }

    /// No more scripted or random failures, nor delays (the Retry-After violations
    /// counted so far stay).
    pub fn stop_failing(&self) {
        let failures = &mut self.state().failures;
        failures.plan = Plan::default();
        failures.delays = Queues::default();
    }

    /// Calls that arrived while a 429 on their method still said to wait (beyond those
    /// already on their way when it was answered).
    pub fn retry_after_violations(&self) -> usize {
        self.state().failures.violations
    }
}

/// The HTTP answer for a failure. A timeout is held until the fake shuts down or a minute
/// passes, whichever comes first.
pub(crate) async fn respond(failure: Failure, shutdown: CancellationToken) -> Response {
    match failure {
        Failure::RateLimited { retry_after_secs } => {
            let mut response = slack_json(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({"ok": false, "error": "ratelimited"}),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        Failure::ServerError(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            slack_json(status, &json!({"ok": false, "error": "internal_error"}))
        }
        Failure::Timeout => time_out(&shutdown).await,
        Failure::Dropped => dropped(),
        Failure::Slack(error) => slack_json(StatusCode::OK, &json!({"ok": false, "error": error})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_failures_spare_the_connection_methods_unless_named() {
        let mut plan = FailurePlan::default();
        plan.fail_randomly(None, 1.0, 7, &[Failure::ServerError(503)]);
        assert_eq!(plan.take("auth.test"), None);
        assert_eq!(plan.take("apps.connections.open"), None);
        assert_eq!(
            plan.take("chat.postMessage"),
            Some(Failure::ServerError(503))
        );
        plan.fail_randomly(Some(&["auth.test"]), 1.0, 7, &[Failure::Timeout]);
        assert_eq!(plan.take("auth.test"), Some(Failure::Timeout));
        assert_eq!(plan.take("chat.postMessage"), None);
    }

    #[test]
    fn delays_are_scripted_apart_from_failures() {
        let mut plan = FailurePlan::default();
        plan.delays
            .push("chat.update", 1, Duration::from_millis(300));
        assert_eq!(plan.take("chat.update"), None);
        assert_eq!(
            plan.take_delay("chat.update"),
            Some(Duration::from_millis(300))
        );
        assert_eq!(plan.take_delay("chat.update"), None);
    }
}
