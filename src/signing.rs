//! Keyed hashes under the server's secret key: values only this service can produce or check.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// HMAC-SHA256 of `value` for one `purpose` (so a token for one use is useless for another), as
/// 32 hex characters (128 bits).
pub fn keyed_hex(secret: &Secret, purpose: &str, value: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) else {
        // HMAC accepts keys of any length; this branch cannot be taken.
        return String::new();
    };
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(value);
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_and_keys_separate_tokens() {
        let key = Secret::new("k1");
        let a = keyed_hex(&key, "unsubscribe", b"CODE");
        assert_eq!(a.len(), 32);
        assert_eq!(a, keyed_hex(&key, "unsubscribe", b"CODE"));
        assert_ne!(a, keyed_hex(&key, "client", b"CODE"));
        assert_ne!(a, keyed_hex(&Secret::new("k2"), "unsubscribe", b"CODE"));
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match(&a, &a[..31]));
    }
}
