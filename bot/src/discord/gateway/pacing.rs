//! The randomness Discord asks for (heartbeat jitter, the pause after an invalid session),
//! and log helpers; the waits between connections are [`crate::reconnect::Backoff`]'s.

use std::time::Duration;

use ring::rand::{SecureRandom as _, SystemRandom};

/// A uniformly random number in [0, 1); 0.5 if the system cannot supply randomness.
pub(super) fn unit_random() -> f64 {
    let mut bytes = [0_u8; 4];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

/// Milliseconds, for log fields.
pub(super) fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_random_unit_stays_below_one() {
        for _ in 0..1000 {
            let unit = unit_random();
            assert!((0.0..1.0).contains(&unit), "{unit}");
        }
    }
}
