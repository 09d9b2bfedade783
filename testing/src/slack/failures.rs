//! Scripted failures: the next N calls of a method, or a seeded fraction of all calls; and
//! scripted slowness: the next N calls of a method answered late.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::FakeSlack;
use super::web::slack_json;

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
}

/// Methods random failures leave alone unless named: without them no client gets going.
const SPARED_FROM_RANDOM: [&str; 2] = ["apps.connections.open", "auth.test"];

/// How long [`Failure::Timeout`] holds a request.
const TIMEOUT_HOLD: Duration = Duration::from_secs(60);

/// The failures still to come.
#[derive(Debug, Default)]
pub(crate) struct FailurePlan {
    next: HashMap<String, VecDeque<Failure>>,
    random: Option<RandomFailures>,
    delays: HashMap<String, VecDeque<Duration>>,
}

#[derive(Debug)]
struct RandomFailures {
    fraction: f64,
    kinds: Vec<Failure>,
    /// `None`: every method but [`SPARED_FROM_RANDOM`].
    methods: Option<Vec<String>>,
    rng: SplitMix64,
}

impl FailurePlan {
    /// The failure for the next call of `method`, if any: first the scripted ones, then a
    /// roll of the seeded dice.
    pub(crate) fn take(&mut self, method: &str) -> Option<Failure> {
        if let Some(failure) = self.next.get_mut(method).and_then(VecDeque::pop_front) {
            return Some(failure);
        }
        let random = self.random.as_mut()?;
        let applies = match &random.methods {
            Some(methods) => methods.iter().any(|m| m == method),
            None => !SPARED_FROM_RANDOM.contains(&method),
        };
        if !applies || random.kinds.is_empty() || random.rng.next_f64() >= random.fraction {
            return None;
        }
        let index = random.rng.next_u64() % random.kinds.len() as u64;
        random.kinds.get(usize::try_from(index).ok()?).copied()
    }

    /// How late the next call of `method` is answered, if it is scripted to be.
    pub(crate) fn take_delay(&mut self, method: &str) -> Option<Duration> {
        self.delays.get_mut(method).and_then(VecDeque::pop_front)
    }
}

/// SplitMix64: a tiny generator whose sequence for a seed never changes, unlike a
/// library's `StdRng`, so a seed in a test means the same failures forever.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    #[expect(clippy::cast_precision_loss, reason = "53 bits fit an f64 exactly")]
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl FakeSlack {
    /// The next `n` calls of `method` fail with `failure` (after the token check; the calls
    /// are still recorded). Adds to failures already scripted for that method.
    pub fn fail_next(&self, method: &str, n: usize, failure: Failure) {
        let mut state = self.state();
        let queue = state.failures.next.entry(method.to_owned()).or_default();
        queue.extend(std::iter::repeat_n(failure, n));
    }

    /// Each call of every method except `apps.connections.open` and `auth.test` fails with
    /// probability `fraction`, with a kind picked from `kinds`. The same seed and the same
    /// sequence of calls give the same failures. Replaces earlier random failures.
    pub fn fail_randomly(&self, fraction: f64, seed: u64, kinds: &[Failure]) {
        self.set_random(None, fraction, seed, kinds);
    }

    /// Like [`FakeSlack::fail_randomly`], for the named methods only (which may include
    /// `apps.connections.open` and `auth.test`).
    pub fn fail_randomly_in(&self, methods: &[&str], fraction: f64, seed: u64, kinds: &[Failure]) {
        let methods = methods.iter().map(|m| (*m).to_owned()).collect();
        self.set_random(Some(methods), fraction, seed, kinds);
    }

    /// The next `n` calls of `method` are answered `delay` late (whatever the answer, a
    /// scripted failure included), like a slow Slack. The call is recorded when it arrives.
    pub fn delay_next(&self, method: &str, n: usize, delay: Duration) {
        let mut state = self.state();
        let queue = state.failures.delays.entry(method.to_owned()).or_default();
        queue.extend(std::iter::repeat_n(delay, n));
    }

    /// No more scripted or random failures, nor delays.
    pub fn stop_failing(&self) {
        self.state().failures = FailurePlan::default();
    }

    fn set_random(
        &self,
        methods: Option<Vec<String>>,
        fraction: f64,
        seed: u64,
        kinds: &[Failure],
    ) {
        self.state().failures.random = Some(RandomFailures {
            fraction,
            kinds: kinds.to_vec(),
            methods,
            rng: SplitMix64(seed),
        });
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
        Failure::Timeout => {
            tokio::select! {
                () = tokio::time::sleep(TIMEOUT_HOLD) => {}
                () = shutdown.cancelled() => {}
            }
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Failure::Slack(error) => slack_json(StatusCode::OK, &json!({"ok": false, "error": error})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_failures_come_before_random_ones_and_run_out() {
        let mut plan = FailurePlan::default();
        plan.next
            .insert("chat.update".into(), VecDeque::from([Failure::Timeout]));
        assert_eq!(plan.take("chat.update"), Some(Failure::Timeout));
        assert_eq!(plan.take("chat.update"), None);
    }

    #[test]
    fn random_failures_spare_the_connection_methods() {
        let mut plan = FailurePlan {
            random: Some(RandomFailures {
                fraction: 1.0,
                kinds: vec![Failure::ServerError(503)],
                methods: None,
                rng: SplitMix64(7),
            }),
            ..FailurePlan::default()
        };
        assert_eq!(plan.take("auth.test"), None);
        assert_eq!(plan.take("apps.connections.open"), None);
        assert_eq!(
            plan.take("chat.postMessage"),
            Some(Failure::ServerError(503))
        );
    }

    #[test]
    fn the_generator_is_uniform_enough_for_a_fraction() {
        let mut rng = SplitMix64(42);
        let hits = (0..10_000).filter(|_| rng.next_f64() < 0.2).count();
        assert!((1_800..2_200).contains(&hits), "{hits}");
    }
}
