//! The mechanics of scripted failures both fakes share: per route (Discord) or method (Slack),
//! a queue of failures for its next calls; after them, seeded random failures over some
//! routes or methods, drawn from a generator whose sequence for a seed never changes; and
//! the holding of a request that times out. Each fake keeps its own kinds of failure, its
//! own defaults and its own answers.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use tokio_util::sync::CancellationToken;

/// How long a timeout holds a request: longer than any client timeout.
const TIMEOUT_HOLD: Duration = Duration::from_secs(60);

/// Per route or method, what its next calls get, first in first out.
#[derive(Debug)]
pub(crate) struct Queues<T>(HashMap<String, VecDeque<T>>);

impl<T> Default for Queues<T> {
    fn default() -> Self {
        Self(HashMap::new())
    }
}

impl<T: Clone> Queues<T> {
    /// The next `n` calls of `name` get `item`, after what is queued for it already.
    pub(crate) fn push(&mut self, name: &str, n: usize, item: T) {
        let queue = self.0.entry(name.to_owned()).or_default();
        queue.extend(std::iter::repeat_n(item, n));
    }

    /// What the next call of `name` gets, if anything is queued for it.
    pub(crate) fn pop(&mut self, name: &str) -> Option<T> {
        self.0.get_mut(name).and_then(VecDeque::pop_front)
    }
}

/// The routes or methods random failures cover.
#[derive(Debug)]
pub(crate) enum Covered {
    /// These only.
    Only(Vec<String>),
    /// Every one but these.
    AllBut(&'static [&'static str]),
}

impl Covered {
    /// Just `names`.
    pub(crate) fn only(names: &[&str]) -> Self {
        Self::Only(names.iter().map(|name| (*name).to_owned()).collect())
    }

    fn covers(&self, name: &str) -> bool {
        match self {
            Self::Only(names) => names.iter().any(|covered| covered == name),
            Self::AllBut(spared) => !spared.contains(&name),
        }
    }
}

/// The failures still to come for a fake whose calls fail with an `F`.
#[derive(Debug)]
pub(crate) struct Plan<F> {
    next: Queues<F>,
    random: Option<RandomFailures<F>>,
}

impl<F> Default for Plan<F> {
    fn default() -> Self {
        Self {
            next: Queues::default(),
            random: None,
        }
    }
}

/// Seeded random failures: each call covered fails with probability `fraction`, with a kind
/// picked from `kinds`.
#[derive(Debug)]
struct RandomFailures<F> {
    fraction: f64,
    kinds: Vec<F>,
    covered: Covered,
    rng: SplitMix64,
}

impl<F: Clone> Plan<F> {
    /// The next `n` calls of `name` fail with `failure`, after the failures scripted for it
    /// already.
    pub(crate) fn fail_next(&mut self, name: &str, n: usize, failure: F) {
        self.next.push(name, n, failure);
    }

    /// Each call `covered` fails with probability `fraction`, with a kind picked from
    /// `kinds`; the same `seed` and the same sequence of calls give the same failures.
    /// Replaces earlier random failures.
    pub(crate) fn fail_randomly(
        &mut self,
        covered: Covered,
        fraction: f64,
        seed: u64,
        kinds: &[F],
    ) {
        self.random = Some(RandomFailures {
            fraction,
            kinds: kinds.to_vec(),
            covered,
            rng: SplitMix64(seed),
        });
    }

    /// The failure for the next call of `name`, if any: first the scripted ones, then a
    /// roll of the seeded dice (rolled only for a call the random failures cover).
    pub(crate) fn take(&mut self, name: &str) -> Option<F> {
        if let Some(failure) = self.next.pop(name) {
            return Some(failure);
        }
        let random = self.random.as_mut()?;
        if !random.covered.covers(name)
            || random.kinds.is_empty()
            || random.rng.next_f64() >= random.fraction
        {
            return None;
        }
        let index = random.rng.next_u64() % random.kinds.len() as u64;
        random.kinds.get(usize::try_from(index).ok()?).cloned()
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

/// How long after a 429 calls it closed may still arrive without breaking its Retry-After:
/// they were on their way before the client could read it.
pub(crate) const IN_FLIGHT: Duration = Duration::from_millis(250);

/// Waits `duration`, or less if the fake shuts down first, so that a held request never
/// holds up a test's shutdown.
pub(crate) async fn hold(duration: Duration, shutdown: &CancellationToken) {
    tokio::select! {
        () = tokio::time::sleep(duration) => {}
        () = shutdown.cancelled() => {}
    }
}

/// A dropped connection's answer: the connection is cut before a byte of the answer is
/// sent (the body fails at once, so the server aborts the connection), like a proxy or a
/// network that gives up. The call had no effect.
pub(crate) fn dropped() -> Response {
    let failed = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::other("the fake drops the connection"))
    });
    Response::new(axum::body::Body::from_stream(failed))
}

/// A timeout's answer: no answer for a minute, longer than any client waits (ending early
/// when the fake shuts down), then a bare 504.
pub(crate) async fn time_out(shutdown: &CancellationToken) -> Response {
    hold(TIMEOUT_HOLD, shutdown).await;
    StatusCode::GATEWAY_TIMEOUT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_failures_come_before_random_ones_and_run_out() {
        let mut plan = Plan::default();
        plan.fail_randomly(Covered::only(&["chat.update"]), 1.0, 7, &["random"]);
        plan.fail_next("chat.update", 2, "scripted");
        assert_eq!(plan.take("chat.update"), Some("scripted"));
        assert_eq!(plan.take("chat.update"), Some("scripted"));
        assert_eq!(plan.take("chat.update"), Some("random"));
        plan.random = None;
        assert_eq!(plan.take("chat.update"), None);
    }

    #[test]
    fn random_failures_only_touch_what_they_cover() {
        let mut plan = Plan::default();
        plan.fail_randomly(Covered::only(&["POST /a"]), 1.0, 7, &[503]);
        assert_eq!(plan.take("POST /b"), None);
        assert_eq!(plan.take("POST /a"), Some(503));
        plan.fail_randomly(Covered::AllBut(&["POST /a"]), 1.0, 7, &[500]);
        assert_eq!(plan.take("POST /a"), None);
        assert_eq!(plan.take("POST /b"), Some(500));
    }

    #[test]
    fn the_same_seed_gives_the_same_failures() {
        let failures = |seed| {
            let mut plan = Plan::default();
            plan.fail_randomly(Covered::AllBut(&[]), 0.5, seed, &[1, 2, 3]);
            (0..64).map(|_| plan.take("any")).collect::<Vec<_>>()
        };
        assert_eq!(failures(7), failures(7));
        assert_ne!(failures(7), failures(8));
    }

    #[test]
    fn the_generator_is_uniform_enough_for_a_fraction() {
        let mut rng = SplitMix64(42);
        let hits = (0..10_000).filter(|_| rng.next_f64() < 0.2).count();
        assert!((1_800..2_200).contains(&hits), "{hits}");
    }
}
