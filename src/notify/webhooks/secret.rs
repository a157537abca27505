//! How signing secrets are kept: the worker must read them back to sign, so they cannot be
//! hashed. They are stored encrypted with AES-256-GCM under a key derived from
//! `server.secret_key` (HMAC-SHA256 of a fixed purpose), so that the database alone (a backup, a
//! `pg_dump`, a copy of the SQLite file) does not give them away. Changing `server.secret_key`
//! makes them unreadable: such endpoints must be added again (their deliveries go dead, saying so).

use aes_gcm::aead::{Aead, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::signature::SigningSecret;
use crate::config::Secret;

/// Names the format of a stored secret, so that another can follow.
const VERSION: &str = "v1:";
const NONCE_BYTES: usize = 12;
/// Binds a ciphertext to its use: a value encrypted for something else does not decrypt here.
const CONTEXT: &[u8] = b"disinfo-desk webhook signing secret";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the system random number generator failed")]
    Randomness,
    #[error(
        "the endpoint's signing secret cannot be read with this server.secret_key (was the key changed?): remove the endpoint and add it again"
    )]
    Unreadable,
}

/// Encrypts and decrypts signing secrets for storage.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    pub fn new(server_key: &Secret) -> Self {
        let key: [u8; 32] = match Hmac::<Sha256>::new_from_slice(server_key.expose().as_bytes()) {
            Ok(mut mac) => {
                mac.update(b"webhook-secret-encryption");
                mac.finalize().into_bytes().into()
            }
            // HMAC takes keys of any length: not reachable.
            Err(_) => [0u8; 32],
        };
        Self {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    /// The stored form: `v1:` + base64 of nonce and ciphertext.
    pub fn seal(&self, secret: &SigningSecret) -> Result<String, SecretError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| SecretError::Randomness)?;
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret.bytes(),
                    aad: CONTEXT,
                },
            )
            .map_err(|_| SecretError::Randomness)?;
        let mut stored = nonce.to_vec();
        stored.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", STANDARD.encode(stored)))
    }

    pub fn open(&self, stored: &str) -> Result<SigningSecret, SecretError> {
        let bytes = stored
            .strip_prefix(VERSION)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE_BYTES)
            .ok_or(SecretError::Unreadable)?;
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: CONTEXT,
                },
            )
            .map(SigningSecret::from_bytes)
            .map_err(|_| SecretError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_under_the_same_server_key() {
        let secret = SigningSecret::generate().expect("randomness");
        let box_a = SecretBox::new(&Secret::new("server key a"));
        let stored = box_a.seal(&secret).expect("sealed");
        assert!(stored.starts_with("v1:"), "{stored}");
        assert!(
            !stored.contains(&secret.reveal()[6..]),
            "the secret is not stored as it is shown"
        );
        assert_eq!(box_a.open(&stored), Ok(secret.clone()));
        // A fresh nonce each time: the same secret is never stored the same way twice.
        assert_ne!(box_a.seal(&secret).expect("sealed"), stored);
        let box_b = SecretBox::new(&Secret::new("server key b"));
        assert_eq!(box_b.open(&stored), Err(SecretError::Unreadable));
        assert_eq!(box_a.open("v1:AAAA"), Err(SecretError::Unreadable));
        assert_eq!(box_a.open(&secret.reveal()), Err(SecretError::Unreadable));
    }
}
