//! Is this request from Discord? Discord signs each request to the interactions endpoint with
//! the application's Ed25519 key, over the timestamp header followed by the raw body; the
//! signature is checked with the application's public key before anything parses the body.
//! Discord publishes no replay window, so Rhythm applies Slack's: the timestamp must be within
//! five minutes of now, so a captured request cannot be replayed later.

use chrono::{DateTime, Utc};
use ring::signature::{ED25519, UnparsedPublicKey};

pub use crate::signed::{Rejection, WINDOW_SECONDS};
use crate::signed::{decode_hex, fresh};

/// The header holding the hex Ed25519 signature.
pub const SIGNATURE_HEADER: &str = "x-signature-ed25519";
/// The header holding the request's timestamp (epoch seconds).
pub const TIMESTAMP_HEADER: &str = "x-signature-timestamp";

/// An Ed25519 public key is 32 bytes: 64 hex characters.
const PUBLIC_KEY_HEX_LEN: usize = 64;
/// An Ed25519 signature is 64 bytes: 128 hex characters.
const SIGNATURE_HEX_LEN: usize = 128;

/// The configured public key is not one: what start-up and `rhythm doctor` print.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadPublicKey(pub String);

/// The application's public key, which checks Discord's signatures.
#[derive(Clone)]
pub struct Verifier {
    key: UnparsedPublicKey<[u8; 32]>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(..)")
    }
}

impl Verifier {
    /// A verifier for the application's public key, as the Developer Portal shows it (64 hex
    /// characters, under General Information).
    ///
    /// Only the form is checked here: whether the 32 bytes are a point on the curve shows
    /// when the first signature fails to verify.
    pub fn new(public_key_hex: &str) -> Result<Self, BadPublicKey> {
        let hex = public_key_hex.trim();
        let length = hex.chars().count();
        if length != PUBLIC_KEY_HEX_LEN {
            return Err(BadPublicKey(format!(
                "the Discord public key must be {PUBLIC_KEY_HEX_LEN} hex characters (the \
                 application's Public Key, under General Information in the Developer Portal); \
                 the one configured has {length}"
            )));
        }
        let bytes = decode_hex(hex)
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| {
                BadPublicKey(format!(
                    "the Discord public key must be {PUBLIC_KEY_HEX_LEN} hex characters (0-9, \
                     a-f); the one configured has other characters in it"
                ))
            })?;
        Ok(Self {
            key: UnparsedPublicKey::new(&ED25519, bytes),
        })
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
        let signature = Some(signature.trim())
            .filter(|hex| hex.len() == SIGNATURE_HEX_LEN)
            .and_then(decode_hex)
            .ok_or(Rejection::Malformed(SIGNATURE_HEADER))?;
        let mut signed = Vec::with_capacity(timestamp.len() + body.len());
        signed.extend_from_slice(timestamp.as_bytes());
        signed.extend_from_slice(body);
        self.key
            .verify(&signed, &signature)
            .map_err(|_| Rejection::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KAT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/discord/ed25519_signature_kat.json"
    ));

    /// One of the known-answer vectors, and the verifier for its key.
    struct Vector {
        name: String,
        verifier: Verifier,
        timestamp: String,
        signature: String,
        body: String,
        valid: bool,
    }

    fn vectors() -> Vec<Vector> {
        let kat: serde_json::Value = serde_json::from_str(KAT).unwrap();
        let verifier = Verifier::new(kat["public_key_hex"].as_str().unwrap()).unwrap();
        kat["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|vector| Vector {
                name: vector["name"].as_str().unwrap().to_owned(),
                verifier: verifier.clone(),
                timestamp: vector["headers"]["X-Signature-Timestamp"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                signature: vector["headers"]["X-Signature-Ed25519"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                body: vector["body"].as_str().unwrap().to_owned(),
                valid: vector["expect"].as_str().unwrap().starts_with("valid"),
            })
            .collect()
    }

    /// The first valid vector: the PING.
    fn ping() -> Vector {
        vectors().into_iter().find(|v| v.valid).unwrap()
    }

    /// The time the vectors were signed at.
    fn signed_at(vector: &Vector) -> DateTime<Utc> {
        DateTime::from_timestamp(vector.timestamp.parse().unwrap(), 0).unwrap()
    }

    impl Vector {
        fn check(
            &self,
            timestamp: Option<&str>,
            signature: Option<&str>,
            body: &str,
            now: DateTime<Utc>,
        ) -> Result<(), Rejection> {
            self.verifier
                .verify(timestamp, signature, body.as_bytes(), now)
        }

        fn check_as_sent(&self, now: DateTime<Utc>) -> Result<(), Rejection> {
            self.check(
                Some(&self.timestamp),
                Some(&self.signature),
                &self.body,
                now,
            )
        }
    }

    #[test]
    fn every_known_answer_vector_is_judged_as_expected() {
        let vectors = vectors();
        assert_eq!(vectors.len(), 6);
        assert_eq!(vectors.iter().filter(|v| v.valid).count(), 2);
        for vector in &vectors {
            let expected = if vector.valid {
                Ok(())
            } else {
                Err(Rejection::Mismatch)
            };
            let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
            assert_eq!(vector.check_as_sent(now), expected, "{}", vector.name);
        }
    }

    #[test]
    fn upper_case_hex_is_accepted_for_the_key_and_the_signature() {
        let k = ping();
        let kat: serde_json::Value = serde_json::from_str(KAT).unwrap();
        let upper = Verifier::new(&kat["public_key_hex"].as_str().unwrap().to_uppercase()).unwrap();
        let signature = k.signature.to_uppercase();
        assert_eq!(
            upper.verify(
                Some(&k.timestamp),
                Some(&signature),
                k.body.as_bytes(),
                signed_at(&k)
            ),
            Ok(())
        );
    }

    #[test]
    fn a_forged_signature_a_changed_body_or_another_key_is_refused() {
        let k = ping();
        let now = signed_at(&k);
        let mut forged = k.signature.clone();
        forged.replace_range(10..11, if &forged[10..11] == "0" { "1" } else { "0" });
        assert_eq!(
            k.check(Some(&k.timestamp), Some(&forged), &k.body, now),
            Err(Rejection::Mismatch)
        );
        let mutated = k.body.replace("Mason", "Masom");
        assert_eq!(
            k.check(Some(&k.timestamp), Some(&k.signature), &mutated, now),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            k.check(Some("1700000002"), Some(&k.signature), &k.body, now),
            Err(Rejection::Mismatch)
        );
        let other = Verifier::new(&"ab".repeat(32)).unwrap();
        assert_eq!(
            other.verify(
                Some(&k.timestamp),
                Some(&k.signature),
                k.body.as_bytes(),
                now
            ),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn stale_and_future_timestamps_are_refused() {
        let k = ping();
        let now = signed_at(&k);
        let window = chrono::Duration::seconds(WINDOW_SECONDS);
        assert_eq!(
            k.check_as_sent(now + window + chrono::Duration::seconds(1)),
            Err(Rejection::OutsideWindow { seconds: 301 })
        );
        assert_eq!(
            k.check_as_sent(now - window - chrono::Duration::seconds(60)),
            Err(Rejection::OutsideWindow { seconds: 360 })
        );
        assert_eq!(k.check_as_sent(now + window), Ok(()));
        assert_eq!(k.check_as_sent(now - window), Ok(()));
    }

    #[test]
    fn missing_and_malformed_headers_are_named() {
        let k = ping();
        let now = signed_at(&k);
        assert_eq!(
            k.check(None, Some(&k.signature), &k.body, now),
            Err(Rejection::Missing(TIMESTAMP_HEADER))
        );
        assert_eq!(
            k.check(Some(&k.timestamp), None, &k.body, now),
            Err(Rejection::Missing(SIGNATURE_HEADER))
        );
        for bad in ["yesterday", "", "1.7e9"] {
            assert_eq!(
                k.check(Some(bad), Some(&k.signature), &k.body, now),
                Err(Rejection::Malformed(TIMESTAMP_HEADER)),
                "{bad}"
            );
        }
        let short = &k.signature[..126];
        let not_hex = format!("zz{}", &k.signature[2..]);
        let plus = format!("+1{}", &k.signature[2..]);
        for bad in ["", short, &not_hex, &plus, &format!("{}00", k.signature)] {
            assert_eq!(
                k.check(Some(&k.timestamp), Some(bad), &k.body, now),
                Err(Rejection::Malformed(SIGNATURE_HEADER)),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_bad_public_key_says_what_is_wrong() {
        let short = Verifier::new("d75a98").unwrap_err().to_string();
        assert!(short.contains("must be 64 hex characters"), "{short}");
        assert!(short.contains("has 6"), "{short}");
        let not_hex = Verifier::new(&"g".repeat(64)).unwrap_err().to_string();
        assert!(not_hex.contains("other characters"), "{not_hex}");
        assert!(Verifier::new("").is_err());
        assert_eq!(format!("{:?}", ping().verifier), "Verifier(..)");
    }
}
