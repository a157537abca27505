//! Standard Webhooks signatures (<https://www.standardwebhooks.com>, "Signature scheme"): a
//! secret `whsec_<base64>`, and `v1,<base64 of HMAC-SHA256 over "{id}.{timestamp}.{body}">` keyed
//! with the secret's decoded bytes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How secrets are shown: the prefix the specification gives symmetric secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// Bytes of a new secret (the specification asks for 24 to 64).
pub const SECRET_BYTES: usize = 32;

/// A signing secret: raw bytes, never printed (no `Debug` that shows them).
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(Vec<u8>);

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(********)")
    }
}

impl SigningSecret {
    /// A new random secret from the operating system's generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = vec![0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// `whsec_<base64>` (or the bare base64 part, as some libraries take it).
    pub fn parse(text: &str) -> Option<Self> {
        let encoded = text.strip_prefix(SECRET_PREFIX).unwrap_or(text);
        STANDARD
            .decode(encoded)
            .ok()
            .filter(|b| !b.is_empty())
            .map(Self)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The form an admin copies into the receiver: `whsec_<base64>`.
    pub fn reveal(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// The `webhook-signature` header's value for one attempt.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &[u8]) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC takes keys of any length: not reachable.
            return String::new();
        };
        mac.update(message_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's own vector: libraries/javascript/src/webhook.test.ts in
    /// github.com/standard-webhooks/standard-webhooks ("sign function works").
    #[test]
    fn signs_the_specifications_test_vector() {
        let secret =
            SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        // The bare base64 part is the same secret.
        assert_eq!(
            SigningSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Some(secret)
        );
    }

    #[test]
    fn every_part_of_the_signed_content_counts() {
        let secret = SigningSecret::generate().expect("randomness");
        let base = secret.sign("msg_a", 100, b"{}");
        assert_ne!(base, secret.sign("msg_b", 100, b"{}"));
        assert_ne!(base, secret.sign("msg_a", 101, b"{}"));
        assert_ne!(base, secret.sign("msg_a", 100, b"{ }"));
        let other = SigningSecret::generate().expect("randomness");
        assert_ne!(base, other.sign("msg_a", 100, b"{}"));
    }

    #[test]
    fn secrets_round_trip_and_never_print() {
        let secret = SigningSecret::generate().expect("randomness");
        assert_eq!(secret.bytes().len(), SECRET_BYTES);
        let shown = secret.reveal();
        assert!(shown.starts_with("whsec_"), "{shown}");
        assert_eq!(SigningSecret::parse(&shown), Some(secret.clone()));
        assert!(!format!("{secret:?}").contains(&shown[6..]));
        assert_eq!(SigningSecret::parse("whsec_"), None);
        assert_eq!(SigningSecret::parse("whsec_not base64!"), None);
    }
}
