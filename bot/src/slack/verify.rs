//! Is this request from Slack? The signature (HMAC-SHA256 over `v0:TIMESTAMP:BODY` with the
//! signing secret) is checked in constant time on the raw body before anything parses it,
//! and the timestamp must be within five minutes of now, so a captured request cannot be
//! replayed later.

use chrono::{DateTime, Utc};

pub use crate::signed::{Rejection, WINDOW_SECONDS};
use crate::signed::{decode_hex, fresh};

/// The header holding the request's timestamp (epoch seconds).
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// The header holding `v0=` and the hex signature.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";

/// The signing secret.
#[derive(Clone)]
pub struct Verifier {
    key: ring::hmac::Key,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(..)")
    }
}

impl Verifier {
    /// A verifier for the app's signing secret.
    pub fn new(signing_secret: &str) -> Self {
        Self {
            key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, signing_secret.as_bytes()),
        }
    }

    /// Checks a request's two headers against its raw body at `now`.
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        let timestamp = fresh(timestamp, TIMESTAMP_HEADER, now)?;
        let signature = signature.ok_or(Rejection::Missing(SIGNATURE_HEADER))?;
        let tag = signature
            .trim()
            .strip_prefix("v0=")
            .and_then(decode_hex)
            .ok_or(Rejection::Malformed(SIGNATURE_HEADER))?;
        let mut signed = Vec::with_capacity(body.len() + 16);
        signed.extend_from_slice(b"v0:");
        signed.extend_from_slice(timestamp.as_bytes());
        signed.push(b':');
        signed.extend_from_slice(body);
        ring::hmac::verify(&self.key, &signed, &tag).map_err(|_| Rejection::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KAT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/slack/signature_kat_slack_docs.json"
    ));

    struct Kat {
        verifier: Verifier,
        timestamp: String,
        signature: String,
        body: String,
        now: DateTime<Utc>,
    }

    fn kat() -> Kat {
        let kat: serde_json::Value = serde_json::from_str(KAT).unwrap();
        let timestamp = kat["headers"]["X-Slack-Request-Timestamp"]
            .as_str()
            .unwrap()
            .to_owned();
        Kat {
            verifier: Verifier::new(kat["signing_secret"].as_str().unwrap()),
            now: DateTime::from_timestamp(timestamp.parse().unwrap(), 0).unwrap(),
            timestamp,
            signature: kat["headers"]["X-Slack-Signature"]
                .as_str()
                .unwrap()
                .to_owned(),
            body: kat["body"].as_str().unwrap().to_owned(),
        }
    }

    impl Kat {
        fn check(
            &self,
            timestamp: Option<&str>,
            signature: Option<&str>,
            body: &str,
        ) -> Result<(), Rejection> {
            self.verifier
                .verify(timestamp, signature, body.as_bytes(), self.now)
        }
    }

    #[test]
    fn slacks_documented_request_is_accepted() {
        let k = kat();
        assert_eq!(
            k.check(Some(&k.timestamp), Some(&k.signature), &k.body),
            Ok(())
        );
        let upper = format!("v0={}", k.signature[3..].to_uppercase());
        assert_eq!(k.check(Some(&k.timestamp), Some(&upper), &k.body), Ok(()));
    }

    #[test]
    fn a_changed_body_or_signature_or_secret_is_refused() {
        let k = kat();
        let mutated = k.body.replace("roadrunner", "coyote");
        assert_eq!(
            k.check(Some(&k.timestamp), Some(&k.signature), &mutated),
            Err(Rejection::Mismatch)
        );
        let mut forged = k.signature.clone();
        forged.replace_range(10..11, if &forged[10..11] == "0" { "1" } else { "0" });
        assert_eq!(
            k.check(Some(&k.timestamp), Some(&forged), &k.body),
            Err(Rejection::Mismatch)
        );
        let other = Verifier::new("not-the-secret");
        assert_eq!(
            other.verify(
                Some(&k.timestamp),
                Some(&k.signature),
                k.body.as_bytes(),
                k.now
            ),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn stale_and_future_timestamps_are_refused() {
        let k = kat();
        let late = Kat {
            now: k.now + chrono::Duration::seconds(WINDOW_SECONDS + 1),
            ..kat()
        };
        assert_eq!(
            late.check(Some(&k.timestamp), Some(&k.signature), &k.body),
            Err(Rejection::OutsideWindow { seconds: 301 })
        );
        let early = Kat {
            now: k.now - chrono::Duration::seconds(WINDOW_SECONDS + 60),
            ..kat()
        };
        assert_eq!(
            early.check(Some(&k.timestamp), Some(&k.signature), &k.body),
            Err(Rejection::OutsideWindow { seconds: 360 })
        );
        let edge = Kat {
            now: k.now + chrono::Duration::seconds(WINDOW_SECONDS),
            ..kat()
        };
        assert_eq!(
            edge.check(Some(&k.timestamp), Some(&k.signature), &k.body),
            Ok(())
        );
    }

    #[test]
    fn missing_and_malformed_headers_are_named() {
        let k = kat();
        assert_eq!(
            k.check(None, Some(&k.signature), &k.body),
            Err(Rejection::Missing(TIMESTAMP_HEADER))
        );
        assert_eq!(
            k.check(Some(&k.timestamp), None, &k.body),
            Err(Rejection::Missing(SIGNATURE_HEADER))
        );
        assert_eq!(
            k.check(Some("yesterday"), Some(&k.signature), &k.body),
            Err(Rejection::Malformed(TIMESTAMP_HEADER))
        );
        for bad in ["a2114d57", "v1=a2114d57", "v0=zz", "v0=abc"] {
            assert_eq!(
                k.check(Some(&k.timestamp), Some(bad), &k.body),
                Err(Rejection::Malformed(SIGNATURE_HEADER)),
                "{bad}"
            );
        }
    }
}
